//! How a pipeline reports its stages: a name and a timing for each, a
//! progress bar for counted work, and the odd one-line notice. The CLI
//! shows them on stderr, the benchmarks time them, tests stay [`Silent`].
//! Any layer may take a `&impl Stages`; it imports nothing.

/// Runs and names the stages of a pipeline (timing, progress).
pub trait Stages {
    fn stage<T>(&self, name: &str, f: impl FnOnce() -> T) -> T;

    /// A stage of `len` counted steps; `f` gets a callback to call once per
    /// step, from any thread (a progress bar). By default just a stage.
    fn counted<T>(
        &self,
        name: &str,
        len: u64,
        unit: &str,
        f: impl FnOnce(&(dyn Fn() + Sync)) -> T,
    ) -> T {
        let _ = (len, unit);
        self.stage(name, || f(&|| {}))
    }

    /// Something the user should know that does not stop the run (a cache
    /// file that could not be used). By default not shown.
    fn notice(&self, message: &str) {
        let _ = message;
    }
}

/// Runs stages without reporting anything.
pub struct Silent;

impl Stages for Silent {
    fn stage<T>(&self, _name: &str, f: impl FnOnce() -> T) -> T {
        f()
    }
}
