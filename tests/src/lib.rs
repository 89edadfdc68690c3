//! Helpers shared by the cross-process tests: where the workspace, its target
//! directory and its built binaries are, how to find a free loopback port,
//! and how a headless Chromium is asked for ([`chrome_options`], which
//! `cargo xtask bench` includes too).

pub mod chrome_options;

use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};

/// The workspace root (this crate lives in `tests/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits inside the workspace").to_path_buf()
}

/// The directory cargo builds into: `$CARGO_TARGET_DIR` (relative to the
/// workspace root, as cargo reads it) when the test runs with it set, else
/// `target/`.
pub fn target_dir() -> PathBuf {
    let root = workspace_root();
    std::env::var_os("CARGO_TARGET_DIR").map(|dir| root.join(dir)).unwrap_or_else(|| root.join("target"))
}

/// A binary built by `cargo build`: `$env` if set (relative to the workspace
/// root), else `<target dir>/debug/<name>`.
pub fn built_binary(env: &str, name: &str) -> PathBuf {
    std::env::var_os(env)
        .map(|path| workspace_root().join(path))
        .unwrap_or_else(|| target_dir().join("debug").join(name))
}

/// A loopback port that was free a moment ago, for programs that cannot
/// report the port they picked themselves.
pub fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?.local_addr()?.port())
}
