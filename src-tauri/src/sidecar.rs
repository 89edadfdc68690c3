//! Demo mode's reference portal on desktop: the `hoso-portal` binary shipped
//! beside the app (a Tauri sidecar, `bundle.externalBin`), started as a child
//! process on a free loopback port with its database in the app's data
//! directory. Linking the portal instead would double the app's size (its
//! server, PostgreSQL driver, passkeys and password hashing), so only phones,
//! which cannot start a process, run it in-process (the `demo-in-process`
//! feature).
//!
//! The child never outlives the app: dropping [`PortalProcess`] stops it, and
//! it is started with `--exit-with-stdin`, holding the read end of a pipe
//! whose write end only the app has, so when the app ends in any way (a
//! crash, SIGKILL, or an event loop that exits without dropping its state)
//! the system closes the pipe and the portal shuts itself down.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

/// Names another portal binary than the one beside the app: development and
/// tests, whose executables are not where cargo puts `hoso-portal`.
pub const BINARY_VARIABLE: &str = "HOSO_PORTAL_BIN";

/// How long the portal may take to migrate its database and print its
/// address; a bound so that a portal that hangs is reported instead of
/// leaving the app without an answer forever. A debug build on a busy machine
/// takes seconds.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a stopping portal may take to finish its requests once told to.
const STOP_GRACE: Duration = Duration::from_secs(3);

/// Why the demo portal could not be started.
#[derive(Debug, thiserror::Error)]
pub enum SidecarError {
    #[error("the demo portal {} could not be started: {source}", path.display())]
    Spawn { path: PathBuf, source: std::io::Error },
    #[error("the demo portal ended before serving ({0})")]
    Ended(String),
    #[error("the demo portal printed no address within {0:?}")]
    Timeout(Duration),
}

/// The portal binary demo mode starts: `$HOSO_PORTAL_BIN`, or `hoso-portal`
/// beside the app's own executable (where the `.deb` installs the sidecar and
/// where cargo builds it during development).
pub fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os(BINARY_VARIABLE) {
        return path.into();
    }
    let name = format!("hoso-portal{}", std::env::consts::EXE_SUFFIX);
    match std::env::current_exe() {
        Ok(exe) => exe.with_file_name(name),
        Err(_) => name.into(),
    }
}

/// A running `hoso-portal --demo` child, stopped when dropped.
#[derive(Debug)]
pub struct PortalProcess {
    child: Child,
    /// The write end of the portal's stdin: closing it stops the portal.
    stdin: Option<ChildStdin>,
    /// Held so the portal never writes into a closed pipe.
    _stdout: BufReader<ChildStdout>,
    url: String,
}

impl PortalProcess {
    /// Starts `binary` as a demo portal with its SQLite database in `dir`,
    /// and waits for the address it prints once it serves.
    pub async fn start(binary: &Path, dir: &Path) -> Result<Self, SidecarError> {
        let spawn_error = |source| SidecarError::Spawn { path: binary.to_owned(), source };
        let mut child = Command::new(binary)
            .args(["--demo", "--exit-with-stdin", "--addr", "127.0.0.1:0", "--db"])
            .arg(format!("sqlite:{}", dir.join("portal.db").display()))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            // Its log joins the app's, under the same RUST_LOG.
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(spawn_error)?;
        let stdin = child.stdin.take();
        let Some(stdout) = child.stdout.take() else {
            stop(&mut child, None);
            return Err(SidecarError::Ended("no stdout".into()));
        };
        // A blocking read on a thread of the pool: if it never ends, the
        // timeout gives up, and killing the child closes the pipe under it.
        let read = tokio::task::spawn_blocking(move || {
            let mut stdout = BufReader::new(stdout);
            let mut first = String::new();
            let read = stdout.read_line(&mut first);
            (stdout, first, read)
        });
        let (stdout, first) = match tokio::time::timeout(START_TIMEOUT, read).await {
            Ok(Ok((stdout, first, Ok(n)))) if n > 0 => (stdout, first),
            Ok(Ok((_, _, Ok(_)))) => {
                let status = stop(&mut child, stdin);
                return Err(SidecarError::Ended(status));
            }
            Ok(Ok((_, _, Err(error)))) => {
                stop(&mut child, stdin);
                return Err(SidecarError::Ended(error.to_string()));
            }
            Ok(Err(join)) => {
                stop(&mut child, stdin);
                return Err(SidecarError::Ended(join.to_string()));
            }
            Err(_) => {
                stop(&mut child, stdin);
                return Err(SidecarError::Timeout(START_TIMEOUT));
            }
        };
        let url = first.trim().to_owned();
        if !url.starts_with("http://127.0.0.1:") {
            stop(&mut child, stdin);
            return Err(SidecarError::Ended(format!("it printed {url:?}, not its address")));
        }
        Ok(Self { child, stdin, _stdout: stdout, url })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The child's process id.
    #[cfg(test)]
    fn id(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for PortalProcess {
    fn drop(&mut self) {
        stop(&mut self.child, self.stdin.take());
    }
}

/// Closes the child's stdin, so it shuts down cleanly, gives it a moment, then
/// kills it if it is still there; reaps it either way. Says how it ended.
fn stop(child: &mut Child, stdin: Option<ChildStdin>) -> String {
    drop(stdin);
    let deadline = std::time::Instant::now() + STOP_GRACE;
    while std::time::Instant::now() < deadline {
        match child.try_wait() {
            Ok(Some(status)) => return status.to_string(),
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(_) => break,
        }
    }
    let _ = child.kill();
    match child.wait() {
        Ok(status) => status.to_string(),
        Err(error) => error.to_string(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The `hoso-portal` cargo built beside this test's directory
    /// (`target/<profile>/deps/..`), or `$HOSO_PORTAL_BIN`.
    pub(crate) fn built_portal() -> PathBuf {
        let path = std::env::var_os(BINARY_VARIABLE).map(PathBuf::from).unwrap_or_else(|| {
            let exe = std::env::current_exe().unwrap();
            exe.parent().unwrap().parent().unwrap().join(format!("hoso-portal{}", std::env::consts::EXE_SUFFIX))
        });
        assert!(path.is_file(), "{} is missing: run `cargo build -p hoso-portal`", path.display());
        path
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap()
    }

    fn alive(pid: u32) -> bool {
        // Reaped children leave no entry; the portal is our child, and `stop` reaps it.
        Path::new(&format!("/proc/{pid}")).exists()
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn the_portal_serves_on_the_address_it_prints_and_stops_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let portal = runtime().block_on(PortalProcess::start(&built_portal(), dir.path())).unwrap();
        let address = portal.url().trim_start_matches("http://").to_owned();
        std::net::TcpStream::connect(address.as_str()).expect("the portal listens where it said");
        assert!(dir.path().join("portal.db").is_file(), "its database is in the directory it was given");
        let pid = portal.id();
        assert!(alive(pid));
        drop(portal);
        assert!(!alive(pid), "the portal outlived its handle");
        assert!(std::net::TcpStream::connect(address.as_str()).is_err(), "nothing answers on its port");
    }

    #[test]
    fn the_portal_ends_by_itself_when_its_parents_end_of_stdin_closes() {
        let dir = tempfile::tempdir().unwrap();
        let mut portal = runtime().block_on(PortalProcess::start(&built_portal(), dir.path())).unwrap();
        // As when the app dies without running any drop: only the pipe closes.
        drop(portal.stdin.take());
        // A bound so a portal that ignores its stdin fails the test instead
        // of hanging it; not a measure of how fast it stops.
        let deadline = std::time::Instant::now() + Duration::from_secs(120);
        let status = loop {
            if let Some(status) = portal.child.try_wait().unwrap() {
                break status;
            }
            assert!(std::time::Instant::now() < deadline, "the portal kept running after its stdin closed");
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(status.success(), "the portal shut down cleanly, not killed: {status}");
    }

    #[test]
    fn a_missing_portal_binary_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no-such-portal");
        let error = runtime().block_on(PortalProcess::start(&missing, dir.path())).unwrap_err();
        assert!(matches!(error, SidecarError::Spawn { .. }), "{error}");
    }

    #[test]
    fn a_binary_that_prints_no_address_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        // `true` exits at once without printing: the portal ended before serving.
        let error = runtime().block_on(PortalProcess::start(Path::new("true"), dir.path())).unwrap_err();
        assert!(matches!(error, SidecarError::Ended(_)), "{error}");
    }
}
