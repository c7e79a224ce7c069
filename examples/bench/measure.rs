//! Measuring a child process: wall time, CPU time and peak RSS from the kernel's accounting.

use std::process::Command;
use std::time::{Duration, Instant};

/// Runs per measurement; the median is reported.
pub const RUNS: usize = 5;

/// What one child process cost.
#[derive(Debug, Clone, Copy)]
pub struct Cost {
    pub wall: Duration,
    pub cpu: Duration,
    pub max_rss_kib: u64,
    pub code: Option<i32>,
}

/// Runs a command and reads its cost from `wait4`.
pub fn measure(command: &mut Command) -> anyhow::Result<Cost> {
    let started = Instant::now();
    let child = command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: `usage` is a plain C struct that `wait4` fills; `pid` is our own child, which is
    // reaped here exactly once (the `Child` handle is forgotten so it does not wait again).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    std::mem::forget(child);
    anyhow::ensure!(reaped == pid, "wait4 failed");
    let wall = started.elapsed();
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, (t.tv_usec as u32) * 1000);
    let code = if libc::WIFEXITED(status) {
        Some(libc::WEXITSTATUS(status))
    } else {
        None
    };
    Ok(Cost {
        wall,
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        max_rss_kib: usage.ru_maxrss as u64,
        code,
    })
}

/// Runs a command `RUNS` times and prints the median wall and CPU time and the peak RSS.
pub fn report(label: &str, make: impl FnMut() -> Command) -> anyhow::Result<Cost> {
    median(label, RUNS, make)
}

/// Runs a command `runs` times and prints the median wall and CPU time and the peak RSS; the
/// median run is returned, with the peak RSS of all runs.
pub fn median(label: &str, runs: usize, mut make: impl FnMut() -> Command) -> anyhow::Result<Cost> {
    let mut costs = Vec::new();
    for _ in 0..runs.max(1) {
        costs.push(measure(&mut make())?);
    }
    // Each figure's own median: wall time and CPU time need not come from the same run.
    let mid = costs.len() / 2;
    let mut walls: Vec<Duration> = costs.iter().map(|c| c.wall).collect();
    let mut cpus: Vec<Duration> = costs.iter().map(|c| c.cpu).collect();
    walls.sort();
    cpus.sort();
    let median = Cost {
        wall: walls[mid],
        cpu: cpus[mid],
        max_rss_kib: costs.iter().map(|c| c.max_rss_kib).max().unwrap_or(0),
        code: costs[mid].code,
    };
    println!(
        "{label}: median wall {:.1} ms, cpu {:.1} ms, peak RSS {:.1} MiB, exit {:?} ({} runs)",
        median.wall.as_secs_f64() * 1000.0,
        median.cpu.as_secs_f64() * 1000.0,
        median.max_rss_kib as f64 / 1024.0,
        median.code,
        costs.len()
    );
    Ok(median)
}

/// This process's resident memory now.
pub fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}
