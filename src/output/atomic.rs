//! Atomic output folders. A run never writes into its output folder: every
//! file is written into a staging folder beside it
//! (`<parent>/.<name>.pcn-atlas-staging-<pid>-<n>`), and only when the whole
//! run has succeeded is the staging folder swapped in for the old one with
//! two renames (the old folder moved aside, the new one moved in, the old
//! one removed; if the second rename fails, the old folder is put back). So
//! an output folder always holds the files of exactly one run: no stale file
//! of an earlier run survives, and a failed or killed run leaves the
//! previous output as it was.
//!
//! The folder is the tool's: a marker file, [`MARKER`], lists what the run
//! wrote and its [`Kind`]. A non-empty folder is replaced only when its
//! marker says it holds the same kind of output and nothing else is in it;
//! the demo replaces anything with `--force`. A lock file beside the folder
//! (`<parent>/.<name>.pcn-atlas.lock`, holding the pid) makes a second run
//! into the same folder fail at once; a lock or staging folder left by a
//! process that is gone is taken over or removed by the next run.
//!
//! [`claim`] checks all this before a command starts its work (and that the
//! folder is not, does not hold and is not inside one of the run's inputs);
//! [`Staging`] re-checks when it is created and when it commits.

use anyhow::{Context, Result, bail};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Component, Path, PathBuf};

/// The file in every output folder that says pcn-atlas wrote it, and what.
pub const MARKER: &str = ".pcn-atlas-output";

/// Test hook: seconds to wait between staging everything and the swap, so
/// that tests can kill a run or start a second one at that moment.
const HOLD_ENV: &str = "PCN_ATLAS_TEST_HOLD_BEFORE_SWAP_S";

/// What an output folder holds. A folder of one kind is never replaced by a
/// run writing another: results never replace a dataset someone imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `check`, `analyse`, `what-if`, `propose`, `roads`.
    Results,
    /// `import`: a dataset folder.
    Dataset,
    /// `demo`: the synthetic demo dataset.
    Demo,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Results => "results",
            Kind::Dataset => "dataset",
            Kind::Demo => "demo",
        }
    }
    fn parse(s: &str) -> Option<Kind> {
        [Kind::Results, Kind::Dataset, Kind::Demo]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
    fn described(self) -> &'static str {
        match self {
            Kind::Results => "the results of a pcn-atlas run",
            Kind::Dataset => "a dataset written by `pcn-atlas import`",
            Kind::Demo => "the demo dataset",
        }
    }
}

/// How a run may treat an existing output folder.
#[derive(Clone, Copy, Debug)]
pub struct Replace {
    pub kind: Kind,
    /// Replace whatever is there (`demo --force`).
    pub force: bool,
}

impl Replace {
    pub fn kind(kind: Kind) -> Replace {
        Replace { kind, force: false }
    }
}

/// An output folder, resolved: `shown` as the user gave it (for messages),
/// `path` absolute with symbolic links resolved, in `parent` as `name`.
struct Target {
    shown: PathBuf,
    path: PathBuf,
    parent: PathBuf,
    name: String,
}

impl Target {
    fn new(out: &Path) -> Result<Target> {
        let path = resolve(out)?;
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            bail!(
                "{}: the output folder cannot be the root of the file system",
                out.display()
            );
        };
        let name = name
            .to_str()
            .with_context(|| format!("{}: the output folder's name is not UTF-8", out.display()))?
            .to_string();
        let cwd = std::env::current_dir()
            .and_then(|c| c.canonicalize())
            .context("cannot read the current folder")?;
        if cwd.starts_with(&path) {
            bail!(
                "{}: the output folder is replaced as a whole, and this one is (or holds) the current folder: give a new subfolder, e.g. --out out",
                out.display()
            );
        }
        Ok(Target {
            shown: out.to_path_buf(),
            parent: parent.to_path_buf(),
            name,
            path,
        })
    }

    fn sibling(&self, what: &str) -> PathBuf {
        self.parent.join(format!(".{}.pcn-atlas-{what}", self.name))
    }

    /// Refuse to replace a folder that is not this kind of pcn-atlas output
    /// or holds anything its marker does not list.
    fn check_replaceable(&self, how: Replace) -> Result<()> {
        let out = self.shown.display();
        let Ok(meta) = std::fs::symlink_metadata(&self.path) else {
            return Ok(());
        };
        if !meta.is_dir() {
            bail!("{out}: the output folder exists and is not a folder");
        }
        let mut entries: Vec<String> = std::fs::read_dir(&self.path)
            .with_context(|| format!("{out}: cannot read the output folder"))?
            .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect::<std::io::Result<_>>()
            .with_context(|| format!("{out}: cannot read the output folder"))?;
        entries.sort();
        if entries.is_empty() || how.force {
            return Ok(());
        }
        let force = if how.kind == Kind::Demo {
            " (or add --force to replace it)"
        } else {
            ""
        };
        let Some((kind, listed)) = read_marker(&self.path.join(MARKER)) else {
            if how.kind == Kind::Results && legacy_results(&self.path, &entries) {
                return Ok(());
            }
            bail!(
                "{out}: the output folder is not empty and was not written by pcn-atlas, which replaces its output folder as a whole: give a new or empty folder{force}: {}",
                shorten_list(&entries)
            );
        };
        if kind != how.kind {
            bail!(
                "{out}: the output folder holds {}, which this run would replace: give another folder{force}: {MARKER} says kind: {}",
                kind.described(),
                kind.as_str()
            );
        }
        let foreign: Vec<String> = entries
            .into_iter()
            .filter(|e| e != MARKER && !listed.contains(e))
            .collect();
        if !foreign.is_empty() {
            bail!(
                "{out}: the output folder holds files pcn-atlas did not write, and it is replaced as a whole: move them or give another folder{force}: {}",
                shorten_list(&foreign)
            );
        }
        Ok(())
    }

    /// Remove what runs that are gone left beside the folder: staging
    /// folders, and an old folder moved aside (put back first if the run
    /// died between the two renames of its swap and left no folder).
    fn clean_stale(&self) {
        let prefix = format!(".{}.pcn-atlas-", self.name);
        let Ok(rd) = std::fs::read_dir(&self.parent) else {
            return;
        };
        let mut stale: Vec<(bool, PathBuf)> = Vec::new();
        for e in rd.flatten() {
            let file = e.file_name();
            let Some(rest) = file.to_str().and_then(|f| f.strip_prefix(&prefix)) else {
                continue;
            };
            let (old, rest) = if let Some(r) = rest.strip_prefix("staging-") {
                (false, r)
            } else if let Some(r) = rest.strip_prefix("old-") {
                (true, r)
            } else if let Some(r) = rest.strip_prefix("lock-") {
                // The file a lock is linked from, left by a run killed then.
                let pid = r.split('-').next().and_then(|p| p.parse::<u32>().ok());
                if pid.is_some_and(|p| !alive(p)) {
                    let _ = std::fs::remove_file(e.path());
                }
                continue;
            } else {
                continue;
            };
            let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
            if pid.is_some_and(|p| !alive(p)) {
                stale.push((old, e.path()));
            }
        }
        for (old, p) in stale {
            let missing = std::fs::symlink_metadata(&self.path).is_err();
            if old && missing && std::fs::rename(&p, &self.path).is_ok() {
                continue;
            }
            let _ = std::fs::remove_dir_all(&p);
        }
    }
}

/// The files `check` and `analyse` wrote before output folders had a marker.
const LEGACY_RESULTS: [&str; 14] = [
    "pcns.geojson",
    "areas.geojson",
    "practices.geojson",
    "routes.geojson",
    "pcn_summary.csv",
    "findings.csv",
    "report.json",
    "map.html",
    "map.svg",
    "map.png",
    "access_matrix.csv",
    "access_demand.csv",
    "access_supply.csv",
    "access_scores.csv",
];

/// A `check`/`analyse` folder written before the marker existed: its
/// `report.json` says pcn-atlas wrote it and it holds nothing else but
/// those files and old staging folders.
fn legacy_results(dir: &Path, entries: &[String]) -> bool {
    let ours =
        |e: &String| LEGACY_RESULTS.contains(&e.as_str()) || e.starts_with(".pcn-atlas-staging-");
    let tool = std::fs::read(dir.join("report.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .is_some_and(|v| v["tool"] == "pcn-atlas");
    tool && entries.iter().all(ours)
}

/// `LIST`, at most three names.
fn shorten_list(names: &[String]) -> String {
    let mut s = names
        .iter()
        .take(3)
        .map(|n| shown(n))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > 3 {
        s.push_str(&format!(" and {} more", names.len() - 3));
    }
    s
}

/// A name for a one-line message: control characters escaped, shortened.
fn shown(name: &str) -> String {
    let mut s: String = name.chars().take(80).flat_map(char::escape_debug).collect();
    if name.chars().count() > 80 {
        s.push('…');
    }
    s
}

/// The marker's kind and the names it lists.
fn read_marker(path: &Path) -> Option<(Kind, Vec<String>)> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let kind = Kind::parse(lines.next()?.strip_prefix("kind: ")?)?;
    Some((kind, lines.map(str::to_string).collect()))
}

fn marker_text(kind: Kind, names: &[String]) -> String {
    let mut s = String::from(
        "# Written by pcn-atlas. The next run into this folder replaces it as a whole \
         (docs/output.md, \"Output folders\").\n",
    );
    s.push_str(&format!("kind: {}\n", kind.as_str()));
    for n in names {
        s.push_str(n);
        s.push('\n');
    }
    s
}

/// `p` absolute, with `.` and `..` applied and symbolic links resolved as
/// far as the path exists (the rest need not exist yet).
fn resolve(p: &Path) -> Result<PathBuf> {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .context("cannot read the current folder")?
            .join(p)
    };
    let comps: Vec<Component> = abs.components().collect();
    for k in (1..=comps.len()).rev() {
        let head: PathBuf = comps[..k].iter().collect();
        let Ok(mut r) = head.canonicalize() else {
            continue;
        };
        for c in &comps[k..] {
            match c {
                Component::ParentDir => {
                    r.pop();
                }
                Component::Normal(n) => r.push(n),
                _ => {}
            }
        }
        return Ok(r);
    }
    Ok(abs)
}

/// Whether process `pid` exists (a process of another user counts).
#[cfg(unix)]
fn alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only checks that the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn alive(_pid: u32) -> bool {
    true
}

/// The lock beside an output folder, removed when dropped.
struct Lock {
    path: PathBuf,
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Take the folder's lock: `None` when this process holds it already.
fn lock(t: &Target) -> Result<Option<Lock>> {
    let out = t.shown.display();
    std::fs::create_dir_all(&t.parent)
        .with_context(|| format!("{out}: cannot create the output folder's parent"))?;
    let path = t.sibling("lock");
    let me = std::process::id();
    for _ in 0..2 {
        // The lock appears with its pid in it (a hard link to a file written
        // first), so no run ever reads a lock half written.
        let tmp = t.sibling(&format!("lock-{me}-{}", nonce()));
        std::fs::write(&tmp, format!("{me}\n"))
            .with_context(|| format!("{out}: cannot create the lock file {}", tmp.display()))?;
        let linked = std::fs::hard_link(&tmp, &path);
        let _ = std::fs::remove_file(&tmp);
        match linked {
            Ok(()) => return Ok(Some(Lock { path })),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                match text.trim().parse::<u32>() {
                    Ok(pid) if pid == me => return Ok(None),
                    Ok(pid) if alive(pid) => bail!(
                        "{out}: another pcn-atlas run (pid {pid}) is writing this output folder; wait for it to finish (lock: {})",
                        path.display()
                    ),
                    // A lock of a run that is gone: stale, taken over.
                    _ => {
                        let _ = std::fs::remove_file(&path);
                    }
                }
            }
            Err(e) => {
                return Err(e).with_context(|| {
                    format!("{out}: cannot create the lock file {}", path.display())
                });
            }
        }
    }
    bail!(
        "{out}: another pcn-atlas run is writing this output folder (lock: {})",
        path.display()
    )
}

/// Refuse an output folder that is, holds or is inside an input of the run
/// (`inputs`: files and folders, as given), compared with symbolic links
/// resolved. The one check every command makes.
pub fn check_not_input(out: &Path, inputs: &[PathBuf]) -> Result<()> {
    let target = resolve(out)?;
    for input in inputs {
        let p = resolve(input)?;
        let what = if p == target {
            "is an input of this run"
        } else if p.starts_with(&target) {
            "holds an input of this run"
        } else if target.starts_with(&p) && p.is_dir() {
            "is inside an input folder of this run"
        } else {
            continue;
        };
        bail!(
            "{}: the output {what}, which pcn-atlas never writes over: {}",
            out.display(),
            shown(&input.display().to_string())
        );
    }
    Ok(())
}

/// The output folder of a command, checked and locked before the command
/// does its work. Keep it until the output is committed.
pub struct Claim {
    _lock: Option<Lock>,
}

/// Check `out` before a run: not an input (nor inside or holding one), not
/// the current folder, replaceable as `how` says, not being written by
/// another run; then lock it and remove what killed runs left beside it.
pub fn claim(out: &Path, how: Replace, inputs: &[PathBuf]) -> Result<Claim> {
    check_not_input(out, inputs)?;
    let t = Target::new(out)?;
    let lock = lock(&t)?;
    t.clean_stale();
    t.check_replaceable(how)?;
    Ok(Claim { _lock: lock })
}

/// Write one file atomically: a temporary file beside it, renamed over it.
pub fn write_file(
    file: &Path,
    f: impl FnOnce(&mut BufWriter<File>) -> Result<()>,
) -> Result<PathBuf> {
    let dir = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if file.is_dir() {
        bail!("{}: is a folder, not a file", file.display());
    }
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot create the folder", dir.display()))?;
    let tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("{}: cannot write in the folder", dir.display()))?;
    let handle = tmp
        .as_file()
        .try_clone()
        .with_context(|| format!("writing {}", file.display()))?;
    let mut w = BufWriter::new(handle);
    f(&mut w).with_context(|| format!("writing {}", file.display()))?;
    w.flush()
        .with_context(|| format!("writing {}", file.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .with_context(|| format!("writing {}", file.display()))?;
    }
    tmp.persist(file)
        .map_err(|e| e.error)
        .with_context(|| format!("{}: cannot move into place", file.display()))?;
    Ok(file.to_path_buf())
}

/// Files being written for one output folder.
pub struct Staging {
    /// Where the files go: the folder, or for a [`Staging::child`], the
    /// subfolder, as given.
    out: PathBuf,
    /// The staging folder (or subfolder) the files are written into.
    dir: PathBuf,
    /// Only the top-level staging swaps, holds the lock and writes the marker.
    root: Option<Root>,
    /// Names written (files and subfolders) directly in `dir`.
    names: Vec<String>,
}

struct Root {
    target: Target,
    how: Replace,
    _lock: Option<Lock>,
    /// Set once the staging folder has become the output folder.
    done: bool,
}

impl Drop for Staging {
    fn drop(&mut self) {
        // A run that failed (or did not commit) leaves nothing behind.
        if self.root.as_ref().is_some_and(|r| !r.done) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// A number that tells this process's staging folders apart.
fn nonce() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    static COUNT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    h.finish() % 1_000_000_000
}

impl Staging {
    /// Start writing the results of a run into `out` (created if missing).
    pub fn new(out: &Path) -> Result<Staging> {
        Staging::replacing(out, Replace::kind(Kind::Results))
    }

    /// Start writing into `out`, which may replace an existing folder as
    /// `how` says.
    pub fn replacing(out: &Path, how: Replace) -> Result<Staging> {
        let target = Target::new(out)?;
        let lock = lock(&target)?;
        target.clean_stale();
        target.check_replaceable(how)?;
        let dir = target.sibling(&format!("staging-{}-{}", std::process::id(), nonce()));
        std::fs::create_dir(&dir).with_context(|| {
            format!(
                "{}: cannot create the staging folder {}",
                out.display(),
                dir.display()
            )
        })?;
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            root: Some(Root {
                target,
                how,
                _lock: lock,
                done: false,
            }),
            names: Vec::new(),
        })
    }

    /// A subfolder `name`, committed with this staging as one unit (what-if's
    /// `before/` and `after/`).
    pub fn child(&mut self, name: &str) -> Result<Staging> {
        let dir = self.dir.join(name);
        std::fs::create_dir(&dir)
            .with_context(|| format!("{}: cannot create", self.out.join(name).display()))?;
        self.names.push(name.to_string());
        Ok(Staging {
            out: self.out.join(name),
            dir,
            root: None,
            names: Vec::new(),
        })
    }

    /// Where the files will be once committed, as given.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// The folder the files are being written into, to read them back
    /// before the commit.
    pub fn staged(&self) -> &Path {
        &self.dir
    }

    /// Write one file through a buffered writer.
    pub fn write(
        &mut self,
        name: &str,
        f: impl FnOnce(&mut BufWriter<File>) -> Result<()>,
    ) -> Result<()> {
        let path = self.dir.join(name);
        let file = File::create(&path)
            .with_context(|| format!("{}: cannot create", self.out.join(name).display()))?;
        let mut w = BufWriter::with_capacity(1 << 20, file);
        f(&mut w).with_context(|| format!("writing {name}"))?;
        w.flush().with_context(|| format!("writing {name}"))?;
        w.get_ref()
            .sync_all()
            .with_context(|| format!("writing {name}"))?;
        self.names.push(name.to_string());
        Ok(())
    }

    /// Write one file that a library creates itself at a path (SQLite's
    /// `pcn-atlas.gpkg`): `f` gets the staged path and leaves the file there.
    pub fn write_at(&mut self, name: &str, f: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
        let path = self.dir.join(name);
        f(&path).with_context(|| format!("writing {name}"))?;
        File::open(&path)
            .and_then(|f| f.sync_all())
            .with_context(|| format!("writing {name}"))?;
        self.names.push(name.to_string());
        Ok(())
    }

    /// Write bytes as one file.
    pub fn write_bytes(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        self.write(name, |w| Ok(w.write_all(bytes)?))
    }

    /// Swap the staged folder in for the output folder, and return the
    /// files written. A [`Staging::child`] only returns its files: its
    /// parent's commit moves them.
    pub fn commit(mut self) -> Result<Vec<PathBuf>> {
        let done: Vec<PathBuf> = self.names.iter().map(|n| self.out.join(n)).collect();
        let Some(root) = &self.root else {
            return Ok(done);
        };
        let mut names = self.names.clone();
        names.sort();
        names.dedup();
        std::fs::write(self.dir.join(MARKER), marker_text(root.how.kind, &names))
            .with_context(|| format!("writing {MARKER}"))?;
        if let Some(s) = std::env::var(HOLD_ENV).ok().and_then(|s| s.parse().ok()) {
            std::thread::sleep(std::time::Duration::from_secs_f64(s));
        }
        let t = &root.target;
        let out = t.shown.display();
        // The folder may have changed while the run worked.
        t.check_replaceable(root.how)?;
        let old = t.sibling(&format!("old-{}-{}", std::process::id(), nonce()));
        let had = std::fs::symlink_metadata(&t.path).is_ok();
        if had {
            std::fs::rename(&t.path, &old)
                .with_context(|| format!("{out}: cannot move the previous output aside"))?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &t.path) {
            if had {
                let _ = std::fs::rename(&old, &t.path);
            }
            return Err(e).with_context(|| format!("{out}: cannot move the new output into place"));
        }
        if let Some(r) = &mut self.root {
            r.done = true;
        }
        if had {
            // Left over, it is removed by the next run (its pid is gone).
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(d: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn nothing_lands_until_commit_and_failure_leaves_nothing() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        {
            let mut s = Staging::new(&out).unwrap();
            s.write_bytes("a.txt", b"one").unwrap();
            assert!(!out.exists());
            // Dropped without commit: as a failed run.
        }
        assert!(names(d.path()).is_empty(), "{:?}", names(d.path()));
        let mut s = Staging::new(&out).unwrap();
        s.write_bytes("a.txt", b"two").unwrap();
        s.commit().unwrap();
        assert_eq!(std::fs::read(out.join("a.txt")).unwrap(), b"two");
        assert_eq!(names(&out), [MARKER, "a.txt"]);
        assert_eq!(names(d.path()), ["out"]);
    }

    #[test]
    fn a_run_replaces_the_whole_folder() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        let mut s = Staging::new(&out).unwrap();
        s.write_bytes("old.txt", b"1").unwrap();
        s.commit().unwrap();
        let mut s = Staging::new(&out).unwrap();
        s.write_bytes("new.txt", b"2").unwrap();
        let mut c = s.child("before").unwrap();
        c.write_bytes("x", b"3").unwrap();
        c.commit().unwrap();
        s.commit().unwrap();
        assert_eq!(names(&out), [MARKER, "before", "new.txt"]);
        assert_eq!(std::fs::read(out.join("before/x")).unwrap(), b"3");
        assert_eq!(names(d.path()), ["out"]);
    }

    #[test]
    fn foreign_and_other_kinds_are_refused() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("mine.txt"), "x").unwrap();
        let e = Staging::new(&out).err().unwrap();
        assert!(format!("{e:#}").contains("mine.txt"), "{e:#}");
        let mut s = Staging::replacing(
            &out,
            Replace {
                kind: Kind::Demo,
                force: true,
            },
        )
        .unwrap();
        s.write_bytes("a", b"").unwrap();
        s.commit().unwrap();
        let e = Staging::new(&out).err().unwrap();
        assert!(format!("{e:#}").contains("demo dataset"), "{e:#}");
        std::fs::write(out.join("notes.txt"), "x").unwrap();
        let e = Staging::replacing(&out, Replace::kind(Kind::Demo))
            .err()
            .unwrap();
        assert!(format!("{e:#}").contains("notes.txt"), "{e:#}");
    }

    #[test]
    fn a_results_folder_from_before_the_marker_is_replaced() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("report.json"), r#"{"tool": "pcn-atlas"}"#).unwrap();
        std::fs::write(out.join("routes.geojson"), "{}").unwrap();
        Staging::new(&out).unwrap().commit().unwrap();
        assert_eq!(names(&out), [MARKER]);
        // Not with a file of someone else's, nor a report of another tool.
        std::fs::remove_file(out.join(MARKER)).unwrap();
        std::fs::write(out.join("report.json"), r#"{"tool": "other"}"#).unwrap();
        assert!(Staging::new(&out).is_err());
    }

    #[test]
    fn stale_staging_of_a_dead_pid_is_removed_and_a_live_ones_kept() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        // pid 0x7fff_fff0 is above Linux's pid_max: never alive.
        let dead = d.path().join(".out.pcn-atlas-staging-2147483632-1");
        let live = d
            .path()
            .join(format!(".out.pcn-atlas-staging-{}-1", std::process::id()));
        std::fs::create_dir(&dead).unwrap();
        std::fs::create_dir(&live).unwrap();
        std::fs::write(d.path().join(".out.pcn-atlas-lock"), "2147483632\n").unwrap();
        let mut s = Staging::new(&out).unwrap();
        s.write_bytes("a", b"").unwrap();
        s.commit().unwrap();
        assert!(!dead.exists());
        assert!(live.exists());
    }

    #[test]
    fn a_folder_moved_aside_by_a_run_that_died_mid_swap_is_put_back() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        // Killed between its two renames: the previous output aside, no out.
        let old = d.path().join(".out.pcn-atlas-old-2147483632-1");
        std::fs::create_dir(&old).unwrap();
        std::fs::write(old.join(MARKER), marker_text(Kind::Results, &["a".into()])).unwrap();
        std::fs::write(old.join("a"), "previous").unwrap();
        drop(Staging::new(&out).unwrap());
        assert_eq!(std::fs::read(out.join("a")).unwrap(), b"previous");
        assert_eq!(names(d.path()), ["out"]);
    }

    #[test]
    fn resolve_applies_dots_beyond_what_exists() {
        let d = tempfile::tempdir().unwrap();
        let base = d.path().canonicalize().unwrap();
        assert_eq!(resolve(&base.join("a/../b/./c")).unwrap(), base.join("b/c"));
    }
}
