//! Atomic output: every file of a run is written into a hidden staging
//! folder inside the output folder and renamed into place only when the
//! whole run has succeeded. A failed run leaves no half-written file (the
//! staging folder is removed when dropped).

use anyhow::{Context, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Files being written for one output folder.
pub struct Staging {
    out: PathBuf,
    tmp: tempfile::TempDir,
    files: Vec<String>,
}

impl Staging {
    /// Start writing into `out` (created if missing).
    pub fn new(out: &Path) -> Result<Staging> {
        std::fs::create_dir_all(out)
            .with_context(|| format!("{}: cannot create the output folder", out.display()))?;
        let tmp = tempfile::Builder::new()
            .prefix(".pcn-atlas-staging-")
            .tempdir_in(out)
            .with_context(|| format!("{}: cannot write in the output folder", out.display()))?;
        Ok(Staging {
            out: out.to_path_buf(),
            tmp,
            files: Vec::new(),
        })
    }

    /// Write one file through a buffered writer.
    pub fn write(
        &mut self,
        name: &str,
        f: impl FnOnce(&mut BufWriter<File>) -> Result<()>,
    ) -> Result<()> {
        let path = self.tmp.path().join(name);
        let file =
            File::create(&path).with_context(|| format!("{}: cannot create", path.display()))?;
        let mut w = BufWriter::with_capacity(1 << 20, file);
        f(&mut w).with_context(|| format!("writing {name}"))?;
        w.flush().with_context(|| format!("writing {name}"))?;
        w.get_ref()
            .sync_all()
            .with_context(|| format!("writing {name}"))?;
        self.files.push(name.to_string());
        Ok(())
    }

    /// Write bytes as one file.
    pub fn write_bytes(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        self.write(name, |w| Ok(w.write_all(bytes)?))
    }

    /// Move every staged file into the output folder.
    pub fn commit(self) -> Result<Vec<PathBuf>> {
        let mut done = Vec::new();
        for name in &self.files {
            let from = self.tmp.path().join(name);
            let to = self.out.join(name);
            std::fs::rename(&from, &to)
                .with_context(|| format!("{}: cannot move into place", to.display()))?;
            done.push(to);
        }
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_lands_until_commit_and_failure_leaves_nothing() {
        let d = tempfile::tempdir().unwrap();
        {
            let mut s = Staging::new(d.path()).unwrap();
            s.write_bytes("a.txt", b"one").unwrap();
            assert!(!d.path().join("a.txt").exists());
            // Dropped without commit: as a failed run.
        }
        let left: Vec<_> = std::fs::read_dir(d.path()).unwrap().collect();
        assert!(left.is_empty(), "{left:?}");
        let mut s = Staging::new(d.path()).unwrap();
        s.write_bytes("a.txt", b"two").unwrap();
        s.commit().unwrap();
        assert_eq!(std::fs::read(d.path().join("a.txt")).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
    }
}
