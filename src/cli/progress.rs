//! Progress on stderr.

use std::time::Instant;

/// Stage timing on stderr (silenced by --quiet).
pub struct Progress {
    pub quiet: bool,
}

impl Progress {
    pub fn new(quiet: bool) -> Self {
        Self { quiet }
    }

    pub fn stage<T>(&self, name: &str, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let out = f();
        if !self.quiet {
            eprintln!("{name:>9}: {:.2} s", t.elapsed().as_secs_f64());
        }
        out
    }
}

impl pcn_atlas::analyse::pipeline::Stages for Progress {
    fn stage<T>(&self, name: &str, f: impl FnOnce() -> T) -> T {
        Progress::stage(self, name, f)
    }
}
