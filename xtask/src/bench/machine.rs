//! What the figures were measured on: CPU, cores, kernel, memory, the disk
//! under the target directory, the load when the run began, and a fresh
//! fdatasync floor (what one durable write of a page costs on that disk now).

use std::fmt;
use std::fs::File;
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use serde_json::json;

use super::stats::Stats;

/// How many page writes the floor is measured over.
const FLOOR_WRITES: usize = 200;

#[derive(Debug, Clone)]
pub struct Facts {
    pub cpu: String,
    pub cores: usize,
    pub kernel: String,
    pub memory: String,
    pub disk: String,
    pub load: String,
    /// Milliseconds per fdatasync of a 4 KiB page: median and 99th percentile.
    pub fdatasync_p50_ms: f64,
    pub fdatasync_p99_ms: f64,
}

impl Facts {
    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "cpu": self.cpu, "cores": self.cores, "kernel": self.kernel, "memory": self.memory, "disk": self.disk,
            "load_average_at_start": self.load,
            "fdatasync_floor_ms": { "p50": self.fdatasync_p50_ms, "p99": self.fdatasync_p99_ms, "writes": FLOOR_WRITES },
        })
    }
}

impl fmt::Display for Facts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} × {} cores, Linux {}, {} memory, disk {}, load {}; fdatasync p50 {:.2} ms, p99 {:.2} ms",
            self.cpu,
            self.cores,
            self.kernel,
            self.memory,
            self.disk,
            self.load,
            self.fdatasync_p50_ms,
            self.fdatasync_p99_ms
        )
    }
}

pub fn facts(dir: &Path) -> anyhow::Result<Facts> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name").and_then(|rest| rest.split(':').nth(1)))
        .map_or_else(|| "unknown CPU".to_owned(), |model| model.trim().to_owned());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            let kib: f64 = info.lines().next()?.split_whitespace().nth(1)?.parse().ok()?;
            Some(format!("{:.1} GiB", kib / 1024.0 / 1024.0))
        })
        .unwrap_or_else(|| "unknown".to_owned());
    let (p50, p99) = fdatasync_floor(dir)?;
    Ok(Facts {
        cpu,
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        kernel: first_line(Command::new("uname").arg("-r")),
        memory,
        disk: first_line(Command::new("findmnt").args(["-n", "-o", "SOURCE,FSTYPE", "-T"]).arg(dir)),
        load: std::fs::read_to_string("/proc/loadavg")
            .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_default(),
        fdatasync_p50_ms: p50,
        fdatasync_p99_ms: p99,
    })
}

fn first_line(command: &mut Command) -> String {
    command
        .output()
        .ok()
        .map(|out| {
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .next()
                .unwrap_or_default()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|line| !line.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// A 4 KiB page rewritten in place and flushed, [`FLOOR_WRITES`] times.
fn fdatasync_floor(dir: &Path) -> anyhow::Result<(f64, f64)> {
    let path = dir.join("fdatasync-floor");
    let mut file = File::create(&path)?;
    let page = [0xa5u8; 4096];
    file.write_all(&page)?;
    file.sync_all()?;
    let mut latencies = Vec::with_capacity(FLOOR_WRITES);
    for _ in 0..FLOOR_WRITES {
        let started = Instant::now();
        file.write_all_at(&page, 0)?;
        file.sync_data()?;
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    std::fs::remove_file(&path)?;
    latencies.sort_by(f64::total_cmp);
    Ok((Stats::of(&latencies).median, super::stats::quantile(&latencies, 0.99)))
}
