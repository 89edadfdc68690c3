//! A throwaway PostgreSQL for the portal's contract tests, from Debian's
//! server package: a fresh cluster on every run (in `target/pg`, or under the
//! system temp directory when it must run as the `postgres` user), listening only
//! on a Unix socket inside it and on 127.0.0.1 at a free port, with durability
//! off because nothing in it outlives the run. It is stopped when the tests
//! are done, failed or not. `cargo xtask bench` starts another, durable one,
//! pinned to the core of the system under test ([`Cluster::Benchmark`]).

use std::fs;
use std::io::Write;
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::process::{capture, exec, step, target_dir};

/// The variable the portal's tests read the server's URL from.
pub const URL_VARIABLE: &str = "HOSO_TEST_POSTGRES_URL";
/// Where Debian installs each PostgreSQL major version, as `<version>/bin`.
const DEBIAN_VERSIONS_DIR: &str = "/usr/lib/postgresql";
/// The superuser initdb creates, whoever runs it.
const SUPERUSER: &str = "postgres";
/// The database the tests connect to first, to create one of their own each.
const DATABASE: &str = "hoso_test";
/// What would make a real database safe and this one slow.
const SETTINGS: &[(&str, &str)] =
    &[("fsync", "off"), ("synchronous_commit", "off"), ("full_page_writes", "off"), ("max_connections", "200")];
/// A benchmark measures a deployment: durable, as Debian ships it.
const BENCH_SETTINGS: &[(&str, &str)] =
    &[("fsync", "on"), ("synchronous_commit", "on"), ("full_page_writes", "on"), ("max_connections", "200")];

/// Which throwaway cluster to start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cluster {
    /// For the tests: durability off.
    Tests,
    /// For the benchmarks: durable, and every server process on core 0.
    Benchmark,
}

/// A running throwaway server; [`ThrowawayPostgres::stop`] or drop stops it.
pub struct ThrowawayPostgres {
    bin: PathBuf,
    data: PathBuf,
    log: PathBuf,
    /// initdb refuses to run as root, so as root the server runs as the
    /// `postgres` user Debian's package creates.
    as_postgres_user: bool,
    url: String,
    running: bool,
}

impl ThrowawayPostgres {
    pub fn start(root: &Path) -> anyhow::Result<Self> {
        Self::start_cluster(root, Cluster::Tests)
    }

    pub fn start_cluster(root: &Path, cluster: Cluster) -> anyhow::Result<Self> {
        let bin = server_bin_dir()?;
        let as_postgres_user = capture(Command::new("id").arg("-u"))?.trim() == "0";
        let mut dir = cluster_dir(root, as_postgres_user);
        if cluster == Cluster::Benchmark {
            dir.set_file_name(format!("{}-bench", dir.file_name().unwrap_or_default().to_string_lossy()));
        }
        let settings = if cluster == Cluster::Benchmark { BENCH_SETTINGS } else { SETTINGS };
        step(&format!("Starting a throwaway PostgreSQL in {}", dir.display()));
        let mut server = Self {
            bin,
            data: dir.join("data"),
            log: dir.join("server.log"),
            as_postgres_user,
            url: String::new(),
            running: false,
        };
        server.stop_leftover();
        if dir.exists() {
            fs::remove_dir_all(&dir).with_context(|| format!("removing the previous cluster in {}", dir.display()))?;
        }
        let socket_dir = dir.join("socket");
        fs::create_dir_all(&socket_dir)?;
        if as_postgres_user {
            exec(Command::new("chown").args(["-R", &format!("{SUPERUSER}:{SUPERUSER}")]).arg(&dir))?;
            if !server.command("test").arg("-w").arg(&dir).status()?.success() {
                bail!(
                    "the `{SUPERUSER}` user cannot write to {}: every directory above it must let others \
                     search it (chmod o+x)",
                    dir.display()
                );
            }
        }

        exec(server.command(server.bin.join("initdb")).arg("--pgdata").arg(&server.data).args([
            "--username",
            SUPERUSER,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--locale",
            "C",
            "--no-sync",
            "--no-instructions",
        ]))?;
        let port = free_port()?;
        let mut conf = fs::OpenOptions::new().append(true).open(server.data.join("postgresql.conf"))?;
        writeln!(conf, "\n# Set by cargo xtask: loopback and a private socket only.")?;
        writeln!(conf, "listen_addresses = '{}'", Ipv4Addr::LOCALHOST)?;
        writeln!(conf, "port = {port}")?;
        writeln!(conf, "unix_socket_directories = '{}'", socket_dir.display().to_string().replace('\'', "''"))?;
        for (name, value) in settings {
            writeln!(conf, "{name} = {value}")?;
        }
        drop(conf);

        // The server forks its backends from the postmaster, so pinning
        // pg_ctl pins them all.
        let mut pg_ctl = server.command(server.bin.join("pg_ctl"));
        if cluster == Cluster::Benchmark {
            pg_ctl = Command::new("taskset");
            pg_ctl.args(["-c", "0"]);
            if server.as_postgres_user {
                pg_ctl.args(["runuser", "-u", SUPERUSER, "--"]);
            }
            pg_ctl.arg(server.bin.join("pg_ctl"));
        }
        let started = exec(
            pg_ctl.args(["start", "--wait", "--silent", "--pgdata"]).arg(&server.data).arg("--log").arg(&server.log),
        );
        if let Err(error) = started {
            let log = fs::read_to_string(&server.log).unwrap_or_default();
            bail!("{error:#}\n    the server's log ({}):\n{log}", server.log.display());
        }
        server.running = true;
        exec(server.command(server.bin.join("createdb")).arg("--host").arg(&socket_dir).args([
            "--port",
            &port.to_string(),
            "--username",
            SUPERUSER,
            DATABASE,
        ]))?;
        server.url = format!("postgres://{SUPERUSER}@{}:{port}/{DATABASE}", Ipv4Addr::LOCALHOST);
        eprintln!("    {URL_VARIABLE}={}", server.url);
        Ok(server)
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// The directory of the server's programs (`pgbench`, `psql`).
    pub fn bin(&self) -> &Path {
        &self.bin
    }

    /// Stops the server, reporting a failure to stop (drop only prints it).
    pub fn stop(mut self) -> anyhow::Result<()> {
        self.running = false;
        step("Stopping the throwaway PostgreSQL");
        exec(&mut self.pg_ctl_stop("fast"))
    }

    fn pg_ctl_stop(&self, mode: &str) -> Command {
        let mut command = self.command(self.bin.join("pg_ctl"));
        command.args(["stop", "--wait", "--silent", "--mode", mode, "--pgdata"]).arg(&self.data);
        command
    }

    /// A run that was killed never stopped its server; stop it before its
    /// files are deleted under it.
    fn stop_leftover(&self) {
        if self.data.join("postmaster.pid").exists() {
            eprintln!("    a server from an earlier run is still there: stopping it");
            if let Err(error) = exec(&mut self.pg_ctl_stop("immediate")) {
                eprintln!("    {error:#}");
            }
        }
    }

    /// `program`, run as the user that owns the cluster.
    fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        if self.as_postgres_user {
            let mut command = Command::new("runuser");
            command.args(["-u", SUPERUSER, "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }
}

impl Drop for ThrowawayPostgres {
    fn drop(&mut self) {
        if self.running {
            step("Stopping the throwaway PostgreSQL");
            if let Err(error) = exec(&mut self.pg_ctl_stop("fast")) {
                eprintln!("    {error:#}");
            }
        }
    }
}

/// The `bin` directory of the newest PostgreSQL Debian's packages installed.
/// Where the cluster lives. As the current user, in `target/pg`. As the
/// `postgres` user (when run as root), the checkout may sit in a directory
/// only root can enter (a `mktemp -d` is mode 700), so the cluster goes under
/// the system temp directory instead, named after the checkout so a leftover
/// server of the same checkout is found and stopped next time.
fn cluster_dir(root: &Path, as_postgres_user: bool) -> PathBuf {
    if !as_postgres_user {
        return target_dir(root).join("pg");
    }
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    root.hash(&mut hasher);
    std::env::temp_dir().join(format!("hoso-pg-{:016x}", hasher.finish()))
}

fn server_bin_dir() -> anyhow::Result<PathBuf> {
    let newest = fs::read_dir(DEBIAN_VERSIONS_DIR)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version: u32 = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .max();
    match newest {
        Some((_, bin)) => Ok(bin),
        None => bail!(
            "no PostgreSQL server in {DEBIAN_VERSIONS_DIR}/<version>/bin: `cargo xtask setup` installs Debian's \
             `postgresql` package"
        ),
    }
}

/// A port nothing listens on now. Another program could take it before the
/// server does; then the server fails to start and says so in its log.
fn free_port() -> anyhow::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}
