//! Helpers shared by the cross-process tests: where the workspace and its
//! built binaries are, and how to find a free loopback port.

use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};

/// The workspace root (this crate lives in `tests/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits inside the workspace").to_path_buf()
}

/// A binary built by `cargo build`: `$env` if set (relative to the workspace
/// root), else `target/debug/<name>`.
pub fn built_binary(env: &str, name: &str) -> PathBuf {
    let root = workspace_root();
    std::env::var_os(env).map(|path| root.join(path)).unwrap_or_else(|| root.join("target").join("debug").join(name))
}

/// A loopback port that was free a moment ago, for programs that cannot
/// report the port they picked themselves.
pub fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?.local_addr()?.port())
}
