//! Per-stage CPU time and peak memory on the stage lines, for benchmarks:
//! with `PCN_ATLAS_STAGE_STATS=1` a stage line reads
//! `    roads: 3.70 s (cpu 6.10 s, peak 340 MB)`.
//!
//! CPU is the process's user + system time (`getrusage`) spent while the
//! stage ran, on every thread. Peak is the most resident memory the
//! process held while the stage ran: the kernel's high-water mark
//! (`VmHWM`) is reset when a stage starts (`/proc/self/clear_refs`, Linux)
//! and read when it ends; a stage inside another hands its peak on to the
//! outer one. Elsewhere, or when the reset is refused, peak is the
//! process's peak so far and the line says `peak so far`.
//!
//! The reset is the same mark `getrusage` and `/usr/bin/time` report as the
//! process's maximum resident set: with stage lines on, that figure is only
//! the peak since the last stage began, and the run's peak is the largest
//! stage peak (bench/england_roads.sh takes that).

use std::sync::Mutex;

/// Peaks (kB) of the stages open now, outermost first.
static OPEN: Mutex<Vec<u64>> = Mutex::new(Vec::new());

/// Whether stage lines carry CPU and peak memory.
pub fn enabled() -> bool {
    std::env::var_os("PCN_ATLAS_STAGE_STATS").is_some_and(|v| v == "1")
}

/// A stage's start, for [`Start::finish`].
pub struct Start {
    cpu_s: f64,
    reset: bool,
}

/// Start measuring a stage.
pub fn start() -> Start {
    let hwm = peak_kb().unwrap_or(0);
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    if let Ok(mut open) = OPEN.lock() {
        for p in open.iter_mut() {
            *p = (*p).max(hwm);
        }
        open.push(0);
    }
    Start {
        cpu_s: cpu_seconds(),
        reset,
    }
}

impl Start {
    /// The text added to the stage's line: CPU seconds and peak memory.
    pub fn finish(self) -> String {
        let cpu = cpu_seconds() - self.cpu_s;
        let mut peak = peak_kb().unwrap_or(0);
        if let Ok(mut open) = OPEN.lock() {
            peak = peak.max(open.pop().unwrap_or(0));
            for p in open.iter_mut() {
                *p = (*p).max(peak);
            }
        }
        let so_far = if self.reset { "" } else { " so far" };
        format!(" (cpu {cpu:.2} s, peak{so_far} {} MB)", peak / 1024)
    }
}

/// User + system CPU seconds of the whole process.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage writes into the zeroed struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } != 0 {
        return 0.0;
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(u.ru_utime) + secs(u.ru_stime)
}

/// The process's resident high-water mark in kB (`VmHWM`), Linux only.
fn peak_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
