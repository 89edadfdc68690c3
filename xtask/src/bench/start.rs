//! G1 and G2: start → first paint under Xvfb, and idle memory 10 s later.
//! Four peers, in turn each round (A B C D A B C D…): the app (`hoso-app
//! --demo`, which starts its demo portal as a child process), the same app
//! against a demo portal the runner started beforehand (`hoso-app --demo
//! --portal URL`, as a start against a live portal: no portal in the measured
//! tree), the Tauri hello peer, and Debian's Chromium in `--app` mode showing
//! the same UI served by `hoso serve --demo` (as an Electron app would: a
//! browser and a server process). Each runs pinned to core 0 with its
//! children; the watcher, and the runner's portal, run on core 1.
//!
//! **First paint** is read off the screen, the one thing all three share: the
//! Xvfb screen is white (`-wr`) and nothing else draws on it, and the watcher
//! captures it (`xwd`) in a loop until the window shows text, i.e. at least
//! [`INK_PIXELS`] dark pixels below the top [`SKIP_TOP`] rows (where
//! Chromium draws its own title bar), and at most [`INK_SHARE_MAX`] of them:
//! text is thin strokes on a light page. A mapped but empty window does not
//! count, whether white or, as WebKit's window is before its first frame,
//! dark all over; the first screen of text does (the welcome screen for Hồ
//! sơ, "Hello, world" for the peer). The capture taken as each peer's first
//! paint is kept (`target/bench/g1/PEER-first-paint.xwd`, the last round's) so it can be
//! looked at. The clock starts just before the
//! first process is spawned; for Chromium that is `hoso serve`, whose printed
//! address Chromium then opens, so both sides include the engine's start.
//!
//! **Idle memory** is the PSS (proportional set size: shared pages divided
//! among their users) summed over every process descended from what was
//! started, read from `/proc/PID/smaps_rollup` 10 s after first paint; each
//! start's log line and the raw figures also give it per process name.
//!
//! Data directories (the app's and `hoso serve`'s demo stores, Chromium's
//! profile) are kept across rounds, so after an unmeasured first round of each
//! peer every start is a second start, as a person's usually is.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use serde_json::json;

use super::apps::{Apps, release};
use super::stats::{Stats, median};
use super::{Outcome, Plan, Target, pinned};

/// The Xvfb screen: a little larger than the phone-sized window (412 × 860)
/// and Chromium's frame, so captures stay small.
const SCREEN: (u32, u32) = (480, 960);
/// Rows at the top the watcher ignores: Chromium's own title bar.
const SKIP_TOP: u32 = 48;
/// How many dark pixels make "text on screen".
const INK_PIXELS: usize = 40;
/// The largest share of the watched area dark pixels may cover and still be
/// text: a window not yet drawn is dark over all its area (a quarter of
/// the screen and more), a page of text on a light background is not.
const INK_SHARE_MAX: f64 = 0.10;
/// Longest wait for a first paint.
const PAINT_TIMEOUT: Duration = Duration::from_secs(60);
/// When idle memory is read, after first paint (issue 7).
const IDLE_AFTER: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Peer {
    App,
    AppOnPortal,
    Hello,
    Chromium,
}

impl Peer {
    const ALL: [Peer; 4] = [Peer::App, Peer::AppOnPortal, Peer::Hello, Peer::Chromium];

    fn name(self) -> &'static str {
        match self {
            Peer::App => "hoso-app",
            Peer::AppOnPortal => "hoso-app --portal",
            Peer::Hello => "tauri-hello",
            Peer::Chromium => "chromium",
        }
    }
}

/// One start: milliseconds to first paint, PSS in MB 10 s later, in all and
/// per process name (summed over the processes of one name, largest first).
#[derive(Debug, Clone)]
struct Start {
    paint_ms: f64,
    pss_mb: f64,
    processes: usize,
    by_name: Vec<(String, f64)>,
}

impl Start {
    fn breakdown(&self) -> String {
        self.by_name.iter().map(|(name, mb)| format!("{name} {mb:.1}")).collect::<Vec<_>>().join(", ")
    }
}

pub fn run(root: &Path, dir: &Path, plan: Plan) -> anyhow::Result<Vec<Outcome>> {
    crate::setup::debian_packages(&["xvfb", "x11-apps", "chromium", "util-linux"])?;
    let apps = release(root)?;
    let work = dir.join("g1");
    std::fs::create_dir_all(&work)?;
    let display = Xvfb::start(&work)?;
    // The portal `hoso-app --portal` runs against, outside the measured tree.
    let portal = RunnerPortal::start(&apps.portal, &work)?;

    let mut starts: Vec<Vec<Start>> = vec![Vec::new(); Peer::ALL.len()];
    // The first round warms the data directories and the page cache; it is
    // not counted.
    for round in 0..=plan.rounds {
        for (slot, peer) in Peer::ALL.into_iter().enumerate() {
            let start = start(peer, &apps, &work, &display.name, &portal.url)
                .with_context(|| format!("starting {}", peer.name()))?;
            eprintln!(
                "    round {round} {}: first paint {:.0} ms, PSS {:.1} MB over {} processes ({}){}",
                peer.name(),
                start.paint_ms,
                start.pss_mb,
                start.processes,
                start.breakdown(),
                if round == 0 { " (warm-up, not counted)" } else { "" }
            );
            if round > 0 {
                starts[slot].push(start);
            }
        }
    }
    drop(portal);
    drop(display);

    let paint = |slot: usize| -> Vec<f64> { starts[slot].iter().map(|s| s.paint_ms).collect() };
    let pss = |slot: usize| -> Vec<f64> { starts[slot].iter().map(|s| s.pss_mb).collect() };
    let per_round = |a: &[f64], b: &[f64], f: fn(f64, f64) -> f64| -> Vec<f64> {
        a.iter().zip(b).map(|(x, y)| f(*x, *y)).collect()
    };
    let (app, on_portal, hello, chromium) = (paint(0), paint(1), paint(2), paint(3));
    let (app_mem, on_portal_mem, hello_mem, chromium_mem) = (pss(0), pss(1), pss(2), pss(3));
    let figures = |start: &Start| {
        json!({
            "paint_ms": start.paint_ms,
            "pss_mb": start.pss_mb,
            "processes": start.processes,
            "pss_mb_by_name": start
                .by_name
                .iter()
                .map(|(name, mb)| (name.clone(), json!(mb)))
                .collect::<serde_json::Map<_, _>>(),
        })
    };
    let raw = json!({
        "rounds": (0..starts[0].len()).map(|r| json!({
            "app": figures(&starts[0][r]),
            "app_on_portal": figures(&starts[1][r]),
            "hello": figures(&starts[2][r]),
            "chromium": figures(&starts[3][r]),
        })).collect::<Vec<_>>(),
    });
    let paint_limits = "WebKit fetching and compiling the first-load wasm before the UI renders its first screen; \
                        the demo portal (a child process, `hoso-portal`, migrating and seeding its database) and \
                        the engine start beside it on the same core, no longer before it (session 6)";
    Ok(vec![
        Outcome {
            goal: "G1",
            what: "start → first paint under Xvfb: hoso-app --demo vs Tauri hello".into(),
            ours: format!("{:.0} ms", median(&app)),
            peer: format!("Tauri hello {:.0} ms", median(&hello)),
            ratio_label: "ours ÷ hello".into(),
            ratio: Stats::of(&per_round(&app, &hello, |a, b| a / b)),
            target: Target::AtMost(1.3),
            checks: vec![],
            limits: paint_limits.into(),
            raw: raw.clone(),
        },
        Outcome {
            goal: "G1",
            what: "start → first paint under Xvfb: hoso-app --demo vs Chromium --app on hoso serve --demo".into(),
            ours: format!("{:.0} ms", median(&app)),
            peer: format!("Chromium + hoso serve {:.0} ms", median(&chromium)),
            ratio_label: "ours ÷ Chromium".into(),
            ratio: Stats::of(&per_round(&app, &chromium, |a, b| a / b)),
            target: Target::AtMost(0.65),
            checks: vec![],
            limits: paint_limits.into(),
            raw: json!(null),
        },
        Outcome {
            goal: "G1",
            what: "start → first paint under Xvfb: hoso-app --demo --portal URL (a portal already running) vs \
                   Tauri hello"
                .into(),
            ours: format!("{:.0} ms", median(&on_portal)),
            peer: format!("Tauri hello {:.0} ms", median(&hello)),
            ratio_label: "ours ÷ hello".into(),
            ratio: Stats::of(&per_round(&on_portal, &hello, |a, b| a / b)),
            target: Target::AtMost(1.3),
            checks: vec![],
            limits: "WebKit fetching and compiling the first-load wasm before the UI renders its first screen, \
                     with the engine opening its store beside it"
                .into(),
            raw: json!(null),
        },
        Outcome {
            goal: "G2",
            what: "idle memory 10 s after first paint (PSS over the process tree): hoso-app --demo vs Tauri hello"
                .into(),
            ours: format!("{:.1} MB", median(&app_mem)),
            peer: format!(
                "Tauri hello {:.1} MB; Chromium + hoso serve {:.1} MB",
                median(&hello_mem),
                median(&chromium_mem)
            ),
            ratio_label: "ours − hello (MB)".into(),
            ratio: Stats::of(&per_round(&app_mem, &hello_mem, |a, b| a - b)),
            target: Target::AtMost(40.0),
            checks: vec![],
            limits: "the WebKit web process holding the wasm UI and its heap, the engine's tokio runtime and \
                     SQLCipher caches, and the demo portal's process (`hoso-portal`, a child of the app, so in the \
                     sum); per process in the raw figures"
                .into(),
            raw: json!(null),
        },
        Outcome {
            goal: "G2",
            what: "idle memory 10 s after first paint (PSS over the process tree): hoso-app --demo --portal URL \
                   (a portal already running, not in the sum) vs Tauri hello"
                .into(),
            ours: format!("{:.1} MB", median(&on_portal_mem)),
            peer: format!("Tauri hello {:.1} MB", median(&hello_mem)),
            ratio_label: "ours − hello (MB)".into(),
            ratio: Stats::of(&per_round(&on_portal_mem, &hello_mem, |a, b| a - b)),
            target: Target::AtMost(40.0),
            checks: vec![],
            limits: "the WebKit web process holding the wasm UI and its heap, the engine's tokio runtime and \
                     SQLCipher caches"
                .into(),
            raw: json!(null),
        },
    ])
}

/// Starts `peer`, waits for its first paint, reads its memory 10 s later and
/// ends it.
fn start(peer: Peer, apps: &Apps, work: &Path, display: &str, portal: &str) -> anyhow::Result<Start> {
    let clock = Instant::now();
    let mut group = Group::default();
    match peer {
        Peer::App => {
            let mut command = pinned(0, &apps.app);
            command.args(["--demo", "--data-dir"]).arg(work.join("app-data"));
            group.spawn(command.env("DISPLAY", display), &work.join("app.log"))?;
        }
        Peer::AppOnPortal => {
            let mut command = pinned(0, &apps.app);
            command.args(["--demo", "--portal", portal, "--data-dir"]).arg(work.join("app-on-portal-data"));
            group.spawn(command.env("DISPLAY", display), &work.join("app-on-portal.log"))?;
        }
        Peer::Hello => {
            group.spawn(pinned(0, &apps.hello).env("DISPLAY", display), &work.join("hello.log"))?;
        }
        Peer::Chromium => {
            let mut serve = pinned(0, &apps.cli);
            serve.arg("--data-dir").arg(work.join("serve-data"));
            serve.args(["serve", "--demo", "--addr", "127.0.0.1:0", "--ui"]).arg(&apps.dist);
            let url = group.spawn_reading_line(&mut serve, &work.join("serve.log"))?;
            let mut browser = pinned(0, "chromium");
            browser
                .arg(format!("--app={url}"))
                .arg(format!("--user-data-dir={}", work.join("chromium-profile").display()))
                .args([
                    // Root cannot use Chromium's sandbox; the page is ours.
                    "--no-sandbox",
                    "--no-first-run",
                    "--no-default-browser-check",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--password-store=basic",
                    "--window-position=0,0",
                    "--window-size=412,860",
                ])
                .env("DISPLAY", display);
            group.spawn(&mut browser, &work.join("chromium.log"))?;
        }
    }
    let keep = work.join(format!("{}-first-paint.xwd", format!("{peer:?}").to_lowercase()));
    let painted = wait_for_paint(display, clock, &mut group, &keep)?;
    std::thread::sleep(IDLE_AFTER);
    let measured = group.pss_kb()?;
    group.end();
    let processes = measured.len();
    let mb = |kb: u64| kb as f64 / 1024.0;
    let mut by_name: Vec<(String, f64)> = Vec::new();
    for (name, kb) in &measured {
        match by_name.iter_mut().find(|(n, _)| n == name) {
            Some((_, sum)) => *sum += mb(*kb),
            None => by_name.push((name.clone(), mb(*kb))),
        }
    }
    by_name.sort_by(|a, b| b.1.total_cmp(&a.1));
    let pss_mb = mb(measured.iter().map(|(_, kb)| kb).sum());
    Ok(Start { paint_ms: painted.as_secs_f64() * 1000.0, pss_mb, processes, by_name })
}

/// Captures the screen from core 1 until it shows text; keeps that capture
/// in the file `keep`.
fn wait_for_paint(display: &str, clock: Instant, group: &mut Group, keep: &Path) -> anyhow::Result<Duration> {
    let mut failed = 0;
    loop {
        let out = pinned(1, "xwd").args(["-root", "-silent", "-display", display]).output().context("running xwd")?;
        let seen = clock.elapsed();
        // A window mapped or destroyed while `xwd` walks the screen's
        // windows fails that capture (`BadWindow`); the next one is fine, so
        // only a capture that keeps failing ends the start.
        if !out.status.success() {
            failed += 1;
            ensure!(failed < 20, "xwd failed 20 times: {}", String::from_utf8_lossy(&out.stderr));
            continue;
        }
        failed = 0;
        if shows_text(ink(&out.stdout)?) {
            std::fs::write(keep, &out.stdout).with_context(|| format!("keeping {}", keep.display()))?;
            return Ok(seen);
        }
        if seen > PAINT_TIMEOUT {
            bail!("nothing painted within {PAINT_TIMEOUT:?}");
        }
        group.check_alive()?;
    }
}

/// Whether a capture's dark pixels and watched area (from [`ink`]) are
/// text: enough dark pixels, but not a window dark all over.
fn shows_text((dark, area): (usize, usize)) -> bool {
    dark >= INK_PIXELS && (dark as f64) <= INK_SHARE_MAX * area as f64
}

/// Dark pixels (each channel below 96 of 255) in an XWD capture, below the
/// top [`SKIP_TOP`] rows, and how many pixels that area holds.
fn ink(xwd: &[u8]) -> anyhow::Result<(usize, usize)> {
    let field = |i: usize| -> anyhow::Result<u32> {
        let bytes = xwd.get(i * 4..i * 4 + 4).context("a short XWD header")?;
        Ok(u32::from_be_bytes(bytes.try_into()?))
    };
    let (header, width, height) = (field(0)? as usize, field(4)?, field(5)?);
    let (byte_order, bits_per_pixel, bytes_per_line) = (field(7)?, field(11)?, field(12)? as usize);
    let (red, green, blue) = (field(15)?, field(16)?, field(17)?);
    let colours = field(19)? as usize;
    // Xvfb at depth 24 packs pixels in 4 bytes or, on some servers, in 3.
    ensure!(
        bits_per_pixel == 32 || bits_per_pixel == 24,
        "expected a 24- or 32-bit capture, got {bits_per_pixel} bits per pixel"
    );
    let step = bits_per_pixel as usize / 8;
    let pixels = xwd.get(header + colours * 12..).context("an XWD capture without pixels")?;
    let channel = |value: u32, mask: u32| -> u32 { (value & mask) >> mask.trailing_zeros() };
    let mut dark = 0;
    for y in SKIP_TOP..height {
        let row = pixels.get(y as usize * bytes_per_line..).context("a short XWD capture")?;
        for x in 0..width as usize {
            let pixel = row.get(x * step..x * step + step).context("a short XWD row")?;
            // Little-endian pixels start with their lowest byte, big-endian
            // with their highest; a 3-byte pixel is a 4-byte one without its
            // unused top byte.
            let mut bytes = [0u8; 4];
            let value = if byte_order == 0 {
                bytes[..step].copy_from_slice(pixel);
                u32::from_le_bytes(bytes)
            } else {
                bytes[4 - step..].copy_from_slice(pixel);
                u32::from_be_bytes(bytes)
            };
            if channel(value, red) < 96 && channel(value, green) < 96 && channel(value, blue) < 96 {
                dark += 1;
            }
        }
    }
    Ok((dark, (height.saturating_sub(SKIP_TOP) * width) as usize))
}

/// The processes one start spawned, each leading its own process group, so
/// ending them ends their children too.
#[derive(Default)]
struct Group {
    children: Vec<Child>,
}

impl Group {
    fn spawn(&mut self, command: &mut Command, log: &Path) -> anyhow::Result<()> {
        use std::os::unix::process::CommandExt as _;
        let log = std::fs::File::create(log)?;
        let child = command
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("spawning {:?}", command.get_program()))?;
        self.children.push(child);
        Ok(())
    }

    /// Spawns `command` and answers the first line it prints (`hoso serve`'s
    /// address with its token).
    fn spawn_reading_line(&mut self, command: &mut Command, log: &Path) -> anyhow::Result<String> {
        use std::os::unix::process::CommandExt as _;
        let mut child = command
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(log)?)
            .spawn()
            .with_context(|| format!("spawning {:?}", command.get_program()))?;
        let stdout = child.stdout.take().context("its stdout")?;
        self.children.push(child);
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let url = line.trim().to_owned();
        ensure!(url.starts_with("http://127.0.0.1:"), "hoso serve printed {url:?}, not its address");
        Ok(url)
    }

    fn check_alive(&mut self) -> anyhow::Result<()> {
        for child in &mut self.children {
            if let Some(status) = child.try_wait()? {
                bail!("a process ended before painting ({status})");
            }
        }
        Ok(())
    }

    /// The name (`comm`) and PSS in KiB of every process descended from the
    /// spawned ones.
    fn pss_kb(&self) -> anyhow::Result<Vec<(String, u64)>> {
        let roots: Vec<u32> = self.children.iter().map(Child::id).collect();
        let mut parents = std::collections::HashMap::new();
        let mut names = std::collections::HashMap::new();
        for entry in std::fs::read_dir("/proc")? {
            let name = entry?.file_name();
            let Some(pid) = name.to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
            // `comm` may hold spaces and parentheses: it is between the first
            // '(' and the last ')', the other fields after it.
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
            let Some((before, after)) = stat.rsplit_once(')') else { continue };
            if let Some(ppid) = after.split_whitespace().nth(1).and_then(|p| p.parse::<u32>().ok()) {
                parents.insert(pid, ppid);
                names.insert(pid, before.split_once('(').map_or("?", |(_, comm)| comm).to_owned());
            }
        }
        let descends = |mut pid: u32| -> bool {
            for _ in 0..64 {
                if roots.contains(&pid) {
                    return true;
                }
                match parents.get(&pid) {
                    Some(&parent) if parent > 1 => pid = parent,
                    _ => return false,
                }
            }
            false
        };
        let mut measured = Vec::new();
        for &pid in parents.keys() {
            if !descends(pid) {
                continue;
            }
            let Ok(rollup) = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) else { continue };
            if let Some(kb) = rollup
                .lines()
                .find_map(|l| l.strip_prefix("Pss:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                measured.push((names.get(&pid).cloned().unwrap_or_default(), kb));
            }
        }
        ensure!(!measured.is_empty(), "no process of the start was found in /proc");
        Ok(measured)
    }

    /// Ends every process group: SIGTERM, then SIGKILL after two seconds.
    /// A group that has already ended makes `kill` fail, which is expected
    /// (a SIGTERM usually ends everything before the SIGKILL): its complaint
    /// is not shown.
    fn end(mut self) {
        for signal in ["-TERM", "-KILL"] {
            for child in &self.children {
                let _ = Command::new("kill")
                    .arg(signal)
                    .arg("--")
                    .arg(format!("-{}", child.id()))
                    .stderr(Stdio::null())
                    .status();
            }
            let deadline = Instant::now() + Duration::from_secs(2);
            while Instant::now() < deadline && self.children.iter_mut().any(|c| matches!(c.try_wait(), Ok(None))) {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        for child in &mut self.children {
            let _ = child.wait();
        }
    }
}

/// A demo portal (`hoso-portal --demo`) the runner starts before the rounds,
/// on core 1 with the watcher, for `hoso-app --portal` to run against: a
/// stand-in for a portal on another machine, outside the measured tree.
/// Ended when dropped.
struct RunnerPortal {
    url: String,
    child: Child,
}

impl RunnerPortal {
    fn start(binary: &Path, work: &Path) -> anyhow::Result<Self> {
        let dir = work.join("runner-portal");
        std::fs::create_dir_all(&dir)?;
        let mut child = pinned(1, binary)
            .args(["--demo", "--addr", "127.0.0.1:0", "--db"])
            .arg(format!("sqlite:{}", dir.join("portal.db").display()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(work.join("runner-portal.log"))?)
            .spawn()
            .context("starting the runner's demo portal")?;
        let stdout = child.stdout.take().context("its stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let url = line.trim().to_owned();
        if !url.starts_with("http://127.0.0.1:") {
            let _ = child.kill();
            let _ = child.wait();
            bail!("the runner's demo portal printed {url:?}, not its address");
        }
        Ok(Self { url, child })
    }
}

impl Drop for RunnerPortal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A private Xvfb screen, white, ended when dropped.
struct Xvfb {
    name: String,
    child: Child,
}

impl Xvfb {
    fn start(work: &Path) -> anyhow::Result<Self> {
        let number = (90..140)
            .find(|n| {
                !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                    && !PathBuf::from(format!("/tmp/.X{n}-lock")).exists()
            })
            .context("no free X display number")?;
        let name = format!(":{number}");
        let child = Command::new("Xvfb")
            .arg(&name)
            .args(["-screen", "0", &format!("{}x{}x24", SCREEN.0, SCREEN.1), "-wr", "-nolisten", "tcp"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(work.join("xvfb.log"))?)
            .spawn()
            .context("starting Xvfb")?;
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
        let deadline = Instant::now() + Duration::from_secs(10);
        while !socket.exists() {
            ensure!(Instant::now() < deadline, "Xvfb did not open {name}");
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(Self { name, child })
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An XWD capture `width` pixels wide, `SKIP_TOP + 2` rows high, of
    /// white pixels but for one black pixel in each of the last two rows.
    fn capture(bits_per_pixel: u32, byte_order: u32) -> Vec<u8> {
        let (width, height, step) = (3u32, SKIP_TOP + 2, bits_per_pixel as usize / 8);
        let bytes_per_line = width * step as u32;
        let mut header = [0u32; 25];
        header[0] = 100;
        header[4] = width;
        header[5] = height;
        header[7] = byte_order;
        header[11] = bits_per_pixel;
        header[12] = bytes_per_line;
        (header[15], header[16], header[17]) = (0xff0000, 0x00ff00, 0x0000ff);
        let mut xwd: Vec<u8> = header.iter().flat_map(|f| f.to_be_bytes()).collect();
        for y in 0..height {
            for x in 0..width {
                let value: u32 = if y >= SKIP_TOP && x == 1 { 0 } else { 0xffffff };
                let bytes = if byte_order == 0 { value.to_le_bytes() } else { value.to_be_bytes() };
                let pixel = if byte_order == 0 { &bytes[..step] } else { &bytes[4 - step..] };
                xwd.extend_from_slice(pixel);
            }
        }
        xwd
    }

    #[test]
    fn dark_pixels_are_counted_below_the_title_rows_at_24_and_32_bits_in_either_byte_order() {
        for bits in [24, 32] {
            for order in [0, 1] {
                assert_eq!(ink(&capture(bits, order)).unwrap(), (2, 6), "{bits} bits, byte order {order}");
            }
        }
    }

    #[test]
    fn text_is_enough_dark_pixels_but_a_window_dark_all_over_is_not() {
        let area = 480 * (960 - SKIP_TOP as usize);
        assert!(!shows_text((0, area)), "a white screen");
        assert!(!shows_text((INK_PIXELS - 1, area)), "a speck");
        assert!(shows_text((2_000, area)), "a few lines of text");
        assert!(!shows_text((area / 4, area)), "a window not yet drawn, dark over a quarter of the screen");
    }

    #[test]
    fn a_capture_of_another_depth_is_refused() {
        assert!(ink(&capture(16, 0)).is_err());
    }
}
