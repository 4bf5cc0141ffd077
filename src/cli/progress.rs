//! Progress on stderr: a spinner (or a bar, for counted work) while a
//! stage runs, when stderr is a terminal; then one line with the stage's
//! time. `--quiet` silences both; results go to stdout and files only.

use super::stage_stats;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// Stage timing and progress on stderr.
pub struct Progress {
    pub quiet: bool,
    /// Draw spinners and bars (stderr is a terminal and not quiet).
    pub live: bool,
}

impl Progress {
    pub fn new(quiet: bool) -> Self {
        Self {
            quiet,
            live: !quiet && std::io::stderr().is_terminal(),
        }
    }

    fn bar(&self, bar: ProgressBar) -> ProgressBar {
        if self.live {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            // Quick stages finish before the first tick and never show.
            bar.enable_steady_tick(Duration::from_millis(150));
        } else {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        bar
    }

    /// Run a stage with a spinner, then print its time.
    pub fn stage<T>(&self, name: &str, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let stats = self.stats();
        let spinner = self.bar(ProgressBar::new_spinner());
        spinner.set_style(
            ProgressStyle::with_template("{spinner} {msg:>9} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        spinner.set_message(name.to_string());
        let out = f();
        spinner.finish_and_clear();
        self.done(name, t, stats);
        out
    }

    /// Run a stage of `len` counted steps with a bar; `f` gets a callback
    /// to call once per step (from any thread).
    pub fn counted<T>(
        &self,
        name: &str,
        len: u64,
        unit: &str,
        f: impl FnOnce(&(dyn Fn() + Sync)) -> T,
    ) -> T {
        let t = Instant::now();
        let stats = self.stats();
        let bar = self.bar(ProgressBar::new(len));
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "{{msg:>9}} [{{bar:30}}] {{pos}}/{{len}} {unit} {{elapsed}} (eta {{eta}})"
            ))
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message(name.to_string());
        let tick = || bar.inc(1);
        let out = f(&tick);
        bar.finish_and_clear();
        self.done(name, t, stats);
        out
    }

    /// CPU and memory measurement of a stage, when asked for.
    fn stats(&self) -> Option<stage_stats::Start> {
        (!self.quiet && stage_stats::enabled()).then(stage_stats::start)
    }

    fn done(&self, name: &str, t: Instant, stats: Option<stage_stats::Start>) {
        if !self.quiet {
            let extra = stats.map(stage_stats::Start::finish).unwrap_or_default();
            eprintln!("{name:>9}: {:.2} s{extra}", t.elapsed().as_secs_f64());
        }
    }
}

impl pcn_atlas::stages::Stages for Progress {
    fn stage<T>(&self, name: &str, f: impl FnOnce() -> T) -> T {
        Progress::stage(self, name, f)
    }

    fn counted<T>(
        &self,
        name: &str,
        len: u64,
        unit: &str,
        f: impl FnOnce(&(dyn Fn() + Sync)) -> T,
    ) -> T {
        Progress::counted(self, name, len, unit, f)
    }

    /// Shown even with `--quiet`: it says the run did something other than
    /// asked (e.g. prepared the roads again instead of reading the cache).
    fn notice(&self, message: &str) {
        eprintln!("{message}");
    }
}
