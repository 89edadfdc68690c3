//! G9 and G10: syncing 10,000 dossier changes from the portal into a fresh
//! engine store, end to end, against pouchdb-server ↔ pouchdb-node
//! replicating 10,000 documents of the same size (each a copy of one entry
//! of the portal's feed, as the wire carries it, with its ids varied).
//!
//! The bench `sync_pull` of `hoso-engine` serves (a portal seeded with the
//! changes) and pulls (a fresh engine store, the real feed sync); the peer is
//! pouchdb-server's own command and `pouch-pull.cjs`. Servers run on core 0,
//! clients on core 1, rounds alternate ours and the peer.
//!
//! G9 runs on loopback. G10 puts both servers in a network namespace this
//! runner creates, joined to the root namespace by a veth pair shaped with
//! `tbf` (1.6 Mbit/s towards the client, 0.75 Mbit/s back), and adds the
//! 150 ms round trip with a relay in this process (75 ms each way, plus one
//! round trip before a new connection carries data), because this machine's
//! kernel has no `netem` (`CONFIG_NET_SCH_NETEM` is not set). The bytes on
//! the wire are the veth's counters.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::json;

use super::peers::{POUCHDB_NODE, POUCHDB_SERVER};
use super::stats::{Stats, median};
use super::{Outcome, Plan, Target, bench_executable, output};

const DOSSIERS: usize = 10_000;
const NAMESPACE: &str = "hoso-g10";
const VETH_ROOT: &str = "hg10r";
const VETH_NS: &str = "hg10n";
const SERVER_IP: &str = "10.210.0.1";
const ROOT_IP: &str = "10.210.0.2";
const DOWN_KBIT: f64 = 1600.0;
const UP_KBIT: f64 = 750.0;
const RTT: Duration = Duration::from_millis(150);

/// G9: on loopback.
pub fn loopback(_root: &Path, dir: &Path, plan: Plan) -> anyhow::Result<Vec<Outcome>> {
    let setup = Setup::start(dir, None)?;
    let (mut ours, mut theirs, mut speedups) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..plan.rounds {
        let a = setup.pull_ours(round)?.ms;
        let b = setup.pull_peer(round)?.ms;
        eprintln!("    round {round}: ours {a:.0} ms, pouchdb {b:.0} ms, speed-up {:.1}", b / a);
        ours.push(a);
        theirs.push(b);
        speedups.push(b / a);
    }
    let ours_median = median(&ours);
    Ok(vec![Outcome {
        goal: "G9",
        what: format!(
            "sync {DOSSIERS} dossier changes portal → fresh engine store, loopback ({} B per feed entry)",
            setup.entry_bytes
        ),
        ours: format!("{ours_median:.0} ms"),
        peer: format!(
            "pouchdb-server 4.2.0 → pouchdb-node 9.0.0, {DOSSIERS} docs of the same size: {:.0} ms",
            median(&theirs)
        ),
        ratio_label: "pouchdb ÷ ours (speed-up)".into(),
        ratio: Stats::of(&speedups),
        target: Target::AtLeast(10.0),
        checks: vec![(format!("ours {ours_median:.0} ms ≤ 500 ms"), ours_median <= 500.0)],
        limits: "one request of 10,000 entries streamed in chunks of 500: the portal's queries and JSON, the \
                 engine's scan and parse, and per 500 changes one store transaction of four statements (the write \
                 lock, their local state, one upsert of all 500, the cursor), overlapping the transfer"
            .into(),
        raw: json!({ "ours_ms": ours, "pouchdb_ms": theirs, "speedups": speedups, "entry": setup.sample }),
    }])
}

/// G10: the same under slow 4G.
pub fn slow_4g(_root: &Path, dir: &Path, plan: Plan) -> anyhow::Result<Vec<Outcome>> {
    let namespace = Namespace::create()?;
    let setup = Setup::start(dir, Some(&namespace))?;
    let (mut ours, mut theirs, mut ratios, mut peer_ratios) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut ours_bytes, mut peer_bytes) = (Vec::new(), Vec::new());
    for round in 0..plan.rounds {
        let a = setup.pull_ours(round)?;
        let b = setup.pull_peer(round)?;
        let (budget_a, budget_b) = (budget_ms(a.down, a.up), budget_ms(b.down, b.up));
        eprintln!(
            "    round {round}: ours {:.0} ms ({} B down, {} B up, budget {budget_a:.0} ms), pouchdb {:.0} ms ({} B \
             down, {} B up, budget {budget_b:.0} ms)",
            a.ms, a.down, a.up, b.ms, b.down, b.up
        );
        ours.push(a.ms);
        theirs.push(b.ms);
        ratios.push(a.ms / budget_a);
        peer_ratios.push(b.ms / budget_b);
        ours_bytes.push(json!({ "down": a.down, "up": a.up }));
        peer_bytes.push(json!({ "down": b.down, "up": b.up }));
    }
    let down =
        |bytes: &[serde_json::Value]| median(&bytes.iter().filter_map(|b| b["down"].as_f64()).collect::<Vec<_>>());
    Ok(vec![Outcome {
        goal: "G10",
        what: "the same under slow 4G (150 ms RTT, 1.6 / 0.75 Mbit/s: netns + veth + tbf, delay by a relay: no netem \
               here)"
            .into(),
        ours: format!("{:.0} ms, {:.0} KB down", median(&ours), down(&ours_bytes) / 1000.0),
        peer: format!(
            "pouchdb {:.0} ms, {:.0} KB down ({:.2}× its own budget)",
            median(&theirs),
            down(&peer_bytes) / 1000.0,
            median(&peer_ratios)
        ),
        ratio_label: "time ÷ (1.2 × wire bytes ÷ bandwidth + 3 RTT)".into(),
        ratio: Stats::of(&ratios),
        target: Target::AtMost(1.0),
        checks: vec![],
        limits: "one streamed request: a connection and a round trip, then the feed's gzip-compressed JSON at the \
                 link's rate, the store's writes overlapping the transfer"
            .into(),
        raw: json!({
            "ours_ms": ours, "pouchdb_ms": theirs, "ratios": ratios, "pouchdb_ratios": peer_ratios,
            "ours_bytes": ours_bytes, "pouchdb_bytes": peer_bytes,
            "link": { "down_kbit": DOWN_KBIT, "up_kbit": UP_KBIT, "rtt_ms": RTT.as_millis() as u64 },
        }),
    }])
}

/// What the goal allows for a sync that moved these bytes, in milliseconds.
fn budget_ms(down: u64, up: u64) -> f64 {
    let seconds = down as f64 * 8.0 / (DOWN_KBIT * 1000.0) + up as f64 * 8.0 / (UP_KBIT * 1000.0);
    1.2 * seconds * 1000.0 + 3.0 * RTT.as_secs_f64() * 1000.0
}

/// One pull: milliseconds, and bytes on the shaped link (0 on loopback).
struct Pulled {
    ms: f64,
    down: u64,
    up: u64,
}

/// Both servers, seeded, and how to reach them.
struct Setup {
    exe: PathBuf,
    pouch_node: PathBuf,
    scratch: PathBuf,
    ours_url: String,
    token: String,
    peer_url: String,
    sample: serde_json::Value,
    entry_bytes: usize,
    shaped: bool,
    // Dropped last: the relays and the servers.
    _relays: Vec<Relay>,
    _servers: Vec<Process>,
}

impl Setup {
    fn start(dir: &Path, namespace: Option<&Namespace>) -> anyhow::Result<Self> {
        let exe = bench_executable("sync_pull")?;
        let pouch_node = POUCHDB_NODE.install_with(
            dir,
            &[("pouch-seed.cjs", include_str!("pouch-seed.cjs")), ("pouch-pull.cjs", include_str!("pouch-pull.cjs"))],
        )?;
        let pouch_server = POUCHDB_SERVER.install_with(dir, &[])?;
        let scratch = dir.join(if namespace.is_some() { "g10" } else { "g9" });
        let _ = std::fs::remove_dir_all(&scratch);
        std::fs::create_dir_all(&scratch)?;
        let host = if namespace.is_some() { SERVER_IP } else { "127.0.0.1" };
        let in_server_side = |program: &dyn AsRef<std::ffi::OsStr>| -> Command {
            let mut command = match namespace {
                Some(_) => {
                    let mut c = Command::new("ip");
                    c.args(["netns", "exec", NAMESPACE, "taskset", "-c", "0"]);
                    c
                }
                None => {
                    let mut c = Command::new("taskset");
                    c.args(["-c", "0"]);
                    c
                }
            };
            command.arg(program);
            command
        };

        eprintln!("    seeding a portal with {DOSSIERS} dossiers");
        let log = std::fs::File::create(scratch.join("serve.log"))?;
        let mut serve = in_server_side(&exe)
            .args(["serve", "--addr", &format!("{host}:0"), "--dossiers", &DOSSIERS.to_string(), "--dir"])
            .arg(scratch.join("portal"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .context("starting sync_pull serve")?;
        let mut line = String::new();
        BufReader::new(serve.stdout.take().context("serve's stdout")?).read_line(&mut line)?;
        let serving = Process(serve);
        let first: serde_json::Value = serde_json::from_str(line.trim())
            .with_context(|| format!("sync_pull serve printed no JSON; see {}", scratch.join("serve.log").display()))?;
        let sample = first["sample"].clone();
        let entry_bytes = serde_json::to_string(&sample)?.len();
        let sample_path = scratch.join("sample.json");
        std::fs::write(&sample_path, serde_json::to_vec(&sample)?)?;

        eprintln!("    seeding pouchdb-server with {DOSSIERS} documents of {entry_bytes} B");
        let port = free_port(namespace.is_some())?;
        let pouch_dir = scratch.join("pouchdb-server");
        std::fs::create_dir_all(&pouch_dir)?;
        let pouch = in_server_side(&"node")
            .arg(pouch_server.join("node_modules/pouchdb-server/bin/pouchdb-server"))
            .args(["--host", host, "--port", &port.to_string(), "--no-stdout-logs", "--dir"])
            .arg(&pouch_dir)
            .current_dir(&pouch_dir)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(scratch.join("pouchdb-server.log"))?)
            .spawn()
            .context("starting pouchdb-server")?;
        let pouch = Process(pouch);
        let peer_direct = format!("http://{host}:{port}/");
        // Seeded from the server's side of the link, so seeding is not shaped.
        output(
            in_server_side(&"node")
                .arg(pouch_node.join("pouch-seed.cjs"))
                .arg(&peer_direct)
                .arg(DOSSIERS.to_string())
                .arg(&sample_path),
        )?;

        let ours_direct = first["url"].as_str().context("serve's url")?.to_owned();
        let mut relays = Vec::new();
        let (ours_url, peer_url) = if namespace.is_some() {
            let ours_relay = Relay::start(address_of(&ours_direct)?, RTT / 2)?;
            let peer_relay = Relay::start(address_of(&peer_direct)?, RTT / 2)?;
            let urls = (format!("http://{}", ours_relay.local), format!("http://{}/", peer_relay.local));
            relays.push(ours_relay);
            relays.push(peer_relay);
            urls
        } else {
            (ours_direct, peer_direct)
        };
        Ok(Self {
            exe,
            pouch_node,
            scratch,
            ours_url,
            token: first["token"].as_str().context("serve's token")?.to_owned(),
            peer_url,
            sample,
            entry_bytes,
            shaped: namespace.is_some(),
            _relays: relays,
            _servers: vec![serving, pouch],
        })
    }

    fn pull_ours(&self, round: usize) -> anyhow::Result<Pulled> {
        let store = self.scratch.join(format!("engine-{round}"));
        let before = self.counters()?;
        let answer = output(
            Command::new("taskset")
                .args(["-c", "1"])
                .arg(&self.exe)
                .args(["pull", "--portal", &self.ours_url, "--token", &self.token, "--dir"])
                .arg(&store),
        )?;
        let after = self.counters()?;
        let _ = std::fs::remove_dir_all(&store);
        let answer: serde_json::Value = serde_json::from_str(answer.trim()).context("sync_pull pull's answer")?;
        let changes = answer["changes"].as_u64().unwrap_or_default();
        if changes != DOSSIERS as u64 {
            bail!("the engine synced {changes} changes, not {DOSSIERS}");
        }
        Ok(Pulled { ms: answer["ms"].as_f64().context("ms")?, down: after.0 - before.0, up: after.1 - before.1 })
    }

    fn pull_peer(&self, round: usize) -> anyhow::Result<Pulled> {
        let store = self.scratch.join(format!("pouchdb-node-{round}"));
        let before = self.counters()?;
        let answer = output(
            Command::new("taskset")
                .args(["-c", "1", "node"])
                .arg(self.pouch_node.join("pouch-pull.cjs"))
                .arg(&self.peer_url)
                .arg(&store),
        )?;
        let after = self.counters()?;
        let _ = std::fs::remove_dir_all(&store);
        let answer: serde_json::Value = serde_json::from_str(answer.trim()).context("pouch-pull's answer")?;
        let docs = answer["docs"].as_u64().unwrap_or_default();
        if docs != DOSSIERS as u64 {
            bail!("pouchdb-node replicated {docs} documents, not {DOSSIERS}");
        }
        Ok(Pulled { ms: answer["ms"].as_f64().context("ms")?, down: after.0 - before.0, up: after.1 - before.1 })
    }

    /// Bytes received and sent by the root namespace's end of the veth.
    fn counters(&self) -> anyhow::Result<(u64, u64)> {
        if !self.shaped {
            return Ok((0, 0));
        }
        let link = output(Command::new("ip").args(["-j", "-s", "link", "show", VETH_ROOT]))?;
        let link: serde_json::Value = serde_json::from_str(&link)?;
        let stats = &link[0]["stats64"];
        Ok((stats["rx"]["bytes"].as_u64().context("rx bytes")?, stats["tx"]["bytes"].as_u64().context("tx bytes")?))
    }
}

fn address_of(url: &str) -> anyhow::Result<SocketAddr> {
    let rest = url.trim_start_matches("http://");
    Ok(rest.trim_end_matches('/').split('/').next().context("a host")?.parse()?)
}

/// A free port on the servers' side (any port will do in a fresh namespace).
fn free_port(in_namespace: bool) -> anyhow::Result<u16> {
    if in_namespace {
        return Ok(5984);
    }
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A child process, killed when dropped.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The network namespace of the servers and its shaped veth pair; deleted
/// when dropped (which also deletes the pair), so a failed run leaves none.
struct Namespace;

impl Namespace {
    fn create() -> anyhow::Result<Self> {
        // A namespace left by a killed run would make `add` fail.
        let _ = Command::new("ip").args(["netns", "del", NAMESPACE]).stderr(Stdio::null()).status();
        output(Command::new("ip").args(["netns", "add", NAMESPACE]))
            .context("creating a network namespace (needs root)")?;
        let namespace = Self;
        let ip = |args: &[&str]| output(Command::new("ip").args(args));
        ip(&["link", "add", VETH_ROOT, "type", "veth", "peer", "name", VETH_NS, "netns", NAMESPACE])?;
        ip(&["addr", "add", &format!("{ROOT_IP}/24"), "dev", VETH_ROOT])?;
        ip(&["link", "set", VETH_ROOT, "up"])?;
        ip(&["-n", NAMESPACE, "addr", "add", &format!("{SERVER_IP}/24"), "dev", VETH_NS])?;
        ip(&["-n", NAMESPACE, "link", "set", VETH_NS, "up"])?;
        ip(&["-n", NAMESPACE, "link", "set", "lo", "up"])?;
        // Each end shapes what it sends: the servers' end towards the client
        // at the downlink's rate, the root's end back at the uplink's. The
        // queue holds two seconds, so nothing is dropped, only delayed.
        let tbf = |namespace: Option<&str>, dev: &str, kbit: f64| {
            let mut command = Command::new("tc");
            if let Some(ns) = namespace {
                command.args(["-n", ns]);
            }
            command.args(["qdisc", "add", "dev", dev, "root", "tbf", "rate", &format!("{kbit}kbit")]);
            command.args(["burst", "3200", "latency", "2s"]);
            output(&mut command)
        };
        tbf(Some(NAMESPACE), VETH_NS, DOWN_KBIT).context("shaping the downlink with tbf")?;
        tbf(None, VETH_ROOT, UP_KBIT).context("shaping the uplink with tbf")?;
        Ok(namespace)
    }
}

impl Drop for Namespace {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", NAMESPACE]).status();
    }
}

/// A TCP relay on loopback that delays every byte by `one_way` in each
/// direction, and a new connection by a round trip (its handshake), standing
/// in for netem's delay. It runs for the rest of the process; its threads
/// only sleep and copy.
struct Relay {
    local: SocketAddr,
}

impl Relay {
    fn start(upstream: SocketAddr, one_way: Duration) -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let local = listener.local_addr()?;
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                std::thread::spawn(move || {
                    std::thread::sleep(one_way * 2);
                    let Ok(server) = TcpStream::connect(upstream) else { return };
                    let _ = (client.set_nodelay(true), server.set_nodelay(true));
                    let (Ok(client_in), Ok(server_in)) = (client.try_clone(), server.try_clone()) else { return };
                    delayed_copy(client_in, server, one_way);
                    delayed_copy(server_in, client, one_way);
                });
            }
        });
        Ok(Self { local })
    }
}

/// Copies `from` to `to`, each chunk `delay` after it was read.
fn delayed_copy(mut from: TcpStream, mut to: TcpStream, delay: Duration) {
    let (sender, receiver) = mpsc::channel::<(Instant, Vec<u8>)>();
    std::thread::spawn(move || {
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let n = from.read(&mut buffer).unwrap_or(0);
            if sender.send((Instant::now() + delay, buffer[..n].to_vec())).is_err() || n == 0 {
                break;
            }
        }
    });
    std::thread::spawn(move || {
        for (at, bytes) in receiver {
            std::thread::sleep(at.saturating_duration_since(Instant::now()));
            if bytes.is_empty() {
                let _ = to.shutdown(std::net::Shutdown::Write);
                break;
            }
            if to.write_all(&bytes).is_err() {
                break;
            }
        }
    });
}
