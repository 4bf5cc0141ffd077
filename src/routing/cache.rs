//! The on-disk cache of prepared roads (`--cache DIR`): the free-flow graph
//! and hierarchy in one file, the slower scenario's times and hierarchy in
//! another, so a second `analyse`, `what-if` or `propose` on the same roads
//! reads them instead of preparing them again (the snap index is rebuilt on
//! load: a bulk load of the R-tree takes well under a second).
//!
//! **Key.** A file holds what a build from one network gives, so its name
//! is a hash of everything the build depends on, and the whole key text is
//! stored inside and compared on load: the road file's SHA-256, the car
//! profile (JSON), a fingerprint of the loaded network (SHA-256 of every
//! node and way field the graph uses — it also covers a shapefile's `.dbf`,
//! which the road file's hash does not), the graph options, the crate
//! version and this format's version; the slower file adds the speed
//! factor. Code that changes the graph without changing the version (a
//! development build) should be run with a fresh folder.
//!
//! **Format** (little-endian): magic `PCNROADS`, format version `u32`, kind
//! `u32` (1: a whole graph; 2: only the times, over the free-flow file's
//! layout), the key (`u64` length + UTF-8), the graph report, the graph's
//! arrays (or its times), the hierarchy's arrays (rank, the first rank of
//! each preparation round, upward and downward edges), each array a `u64` count
//! then its items; last the SHA-256 of everything before it.
//!
//! **Loading never trusts the file**: a wrong magic, version, key or
//! checksum, a count larger than the bytes left, or arrays that do not fit
//! together (lengths, offsets, ids in range, rounds increasing) make the
//! file unusable — and a round whose nodes are neighbours after all is cut
//! where they meet when the slower scenario replays it; the
//! caller then prepares the roads again and says so in one line. Files are
//! written to a temporary file in the folder and renamed into place, so a
//! reader never sees half a file.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::load::text::sha256_hex;
use anyhow::{Context, Result, bail, ensure};
use sha2::{Digest, Sha256};

use super::ch::{Hierarchy, NO_MID, PrepareReport, UpGraph, check_rounds};
use super::graph::{GraphLayout, GraphOptions, GraphReport, NO_EDGE, RoadGraph};
use super::prepared::{Preparation, PreparedRoads};
use super::snap::{SnapIndex, SnapOptions};
use crate::roads::network::{Direction, RoadNetwork};
use crate::stages::Stages;

/// Bump when the layout of the file changes.
pub const FORMAT_VERSION: u32 = 2;
const MAGIC: &[u8; 8] = b"PCNROADS";
const KIND_GRAPH: u32 = 1;
const KIND_TIMES: u32 = 2;

/// A cache folder and the key of the roads being prepared.
#[derive(Clone, Debug)]
pub struct RoadCache {
    dir: PathBuf,
    /// Key lines common to both files (roads, profile, network, version).
    base_key: String,
}

impl RoadCache {
    /// The cache in `dir` for `net`, loaded from the road file whose
    /// SHA-256 is `roads_sha256` with the car profile `profile` (as JSON).
    pub fn new(
        dir: &Path,
        roads_sha256: &str,
        profile: &serde_json::Value,
        net: &RoadNetwork,
    ) -> RoadCache {
        let base_key = format!(
            "pcn-atlas {} road cache format {FORMAT_VERSION}\nroads_sha256 {roads_sha256}\n\
             profile {profile}\nnetwork_sha256 {}\n",
            env!("CARGO_PKG_VERSION"),
            network_fingerprint(net)
        );
        RoadCache {
            dir: dir.to_path_buf(),
            base_key,
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn free_key(&self, opts: &GraphOptions) -> String {
        format!(
            "{}graph largest_scc_only={} contract_pass_through={}\n",
            self.base_key, opts.largest_scc_only, opts.contract_pass_through
        )
    }

    fn slow_key(&self, opts: &GraphOptions, factor: f64) -> String {
        format!(
            "{}slow_factor {factor} ({:016x})\n",
            self.free_key(opts),
            factor.to_bits()
        )
    }

    /// The file for a key: `roads-` or `slow-` and 16 hex digits of its hash.
    fn path(&self, prefix: &str, key: &str) -> PathBuf {
        let hex = sha256_hex(key.as_bytes());
        self.dir.join(format!("{prefix}-{}.bin", &hex[..16]))
    }

    /// The free-flow roads from the cache, if a usable file is there (a
    /// stage `cache-load`); an unusable one is named in a notice.
    pub(super) fn load(
        &self,
        graph_options: &GraphOptions,
        snap_options: SnapOptions,
        stages: &impl Stages,
    ) -> Option<PreparedRoads> {
        let key = self.free_key(graph_options);
        let path = self.path("roads", &key);
        if !path.is_file() {
            return None;
        }
        let loaded = stages.stage("cache-load", || read_file(&path, &key, None));
        match loaded {
            Ok((graph, graph_report, hierarchy)) => {
                let snap_index = Arc::new(stages.stage("snap-index", || SnapIndex::new(&graph)));
                Some(PreparedRoads {
                    graph,
                    graph_report,
                    hierarchy,
                    snap_index,
                    snap_options,
                    graph_options: graph_options.clone(),
                    how: Preparation::Cached,
                    pending_slower: Default::default(),
                })
            }
            Err(e) => {
                stages.notice(&unusable(&path, &e));
                None
            }
        }
    }

    /// The slower scenario of `free` from the cache, if usable.
    pub(super) fn load_slower(
        &self,
        free: &PreparedRoads,
        factor: f64,
        stages: &impl Stages,
    ) -> Option<PreparedRoads> {
        let key = self.slow_key(&free.graph_options, factor);
        let path = self.path("slow", &key);
        if !path.is_file() {
            return None;
        }
        let loaded = stages.stage("cache-load", || read_file(&path, &key, Some(&free.graph)));
        match loaded {
            Ok((graph, graph_report, hierarchy)) => {
                let snap_index = if graph.same_layout(&free.graph) {
                    Arc::clone(&free.snap_index)
                } else {
                    Arc::new(stages.stage("slow-snap-index", || SnapIndex::new(&graph)))
                };
                Some(PreparedRoads {
                    graph,
                    graph_report,
                    hierarchy,
                    snap_index,
                    snap_options: free.snap_options,
                    graph_options: free.graph_options.clone(),
                    how: Preparation::Cached,
                    pending_slower: Default::default(),
                })
            }
            Err(e) => {
                stages.notice(&unusable(&path, &e));
                None
            }
        }
    }

    /// Write the free-flow roads (a stage `cache-save`); a failure is a
    /// notice, not an error: the run has what it needs.
    pub(super) fn save(&self, roads: &PreparedRoads, stages: &impl Stages) {
        let key = self.free_key(&roads.graph_options);
        let path = self.path("roads", &key);
        let r = stages.stage("cache-save", || write_file(&path, &key, roads, None));
        if let Err(e) = r {
            stages.notice(&format!("cache: cannot write {}: {e:#}", path.display()));
        }
    }

    /// Write the slower scenario `slow` of `free`: only its times when it
    /// has free flow's layout.
    pub(super) fn save_slower(
        &self,
        free: &PreparedRoads,
        slow: &PreparedRoads,
        factor: f64,
        stages: &impl Stages,
    ) {
        let key = self.slow_key(&free.graph_options, factor);
        let path = self.path("slow", &key);
        let r = stages.stage("cache-save", || {
            write_file(&path, &key, slow, Some(&free.graph))
        });
        if let Err(e) = r {
            stages.notice(&format!("cache: cannot write {}: {e:#}", path.display()));
        }
    }
}

fn unusable(path: &Path, e: &anyhow::Error) -> String {
    format!(
        "cache: {} is unusable ({e:#}); preparing the roads again",
        path.display()
    )
}

/// SHA-256 of every field of the network the graph depends on (not the
/// ways' names).
pub fn network_fingerprint(net: &RoadNetwork) -> String {
    let mut h = Sha256::new();
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 16);
    fn flush(buf: &mut Vec<u8>, h: &mut Sha256, force: bool) {
        if force || buf.len() >= 1 << 16 {
            h.update(&buf[..]);
            buf.clear();
        }
    }
    buf.extend_from_slice(&(net.nodes.len() as u64).to_le_bytes());
    for p in &net.nodes {
        buf.extend_from_slice(&p[0].to_le_bytes());
        buf.extend_from_slice(&p[1].to_le_bytes());
        flush(&mut buf, &mut h, false);
    }
    buf.extend_from_slice(&(net.ways.len() as u64).to_le_bytes());
    for w in &net.ways {
        buf.extend_from_slice(&w.id.to_le_bytes());
        let class = w.class.as_str().as_bytes();
        buf.extend_from_slice(&(class.len() as u64).to_le_bytes());
        buf.extend_from_slice(class);
        buf.push(match w.direction {
            Direction::Forward => 1,
            Direction::Backward => 2,
            Direction::Both => 3,
        });
        buf.extend_from_slice(&w.speed_kph.to_le_bytes());
        match w.fixed_seconds {
            Some(s) => {
                buf.push(1);
                buf.extend_from_slice(&s.to_le_bytes());
            }
            None => buf.push(0),
        }
        buf.extend_from_slice(&(w.nodes.len() as u64).to_le_bytes());
        for &v in &w.nodes {
            buf.extend_from_slice(&v.to_le_bytes());
        }
        flush(&mut buf, &mut h, false);
    }
    flush(&mut buf, &mut h, true);
    crate::load::text::hex(&h.finalize())
}

// ---------------------------------------------------------------- writing

/// Writes little-endian values and hashes every byte written.
struct Writer<W: Write> {
    inner: W,
    hasher: Sha256,
    buf: Vec<u8>,
}

impl<W: Write> Writer<W> {
    fn new(inner: W) -> Self {
        Writer {
            inner,
            hasher: Sha256::new(),
            buf: Vec::with_capacity(1 << 16),
        }
    }

    fn put(&mut self, bytes: &[u8]) -> Result<()> {
        self.hasher.update(bytes);
        self.inner.write_all(bytes)?;
        Ok(())
    }

    fn u32(&mut self, v: u32) -> Result<()> {
        self.put(&v.to_le_bytes())
    }

    fn u64(&mut self, v: u64) -> Result<()> {
        self.put(&v.to_le_bytes())
    }

    fn f64(&mut self, v: f64) -> Result<()> {
        self.put(&v.to_le_bytes())
    }

    fn str(&mut self, s: &str) -> Result<()> {
        self.u64(s.len() as u64)?;
        self.put(s.as_bytes())
    }

    /// A count, then each item's bytes, written in blocks.
    fn array<T: Copy, const N: usize>(
        &mut self,
        items: &[T],
        bytes: impl Fn(T) -> [u8; N],
    ) -> Result<()> {
        self.u64(items.len() as u64)?;
        let mut buf = std::mem::take(&mut self.buf);
        for chunk in items.chunks(4096) {
            buf.clear();
            for &x in chunk {
                buf.extend_from_slice(&bytes(x));
            }
            self.put(&buf)?;
        }
        self.buf = buf;
        Ok(())
    }

    fn u32s(&mut self, v: &[u32]) -> Result<()> {
        self.array(v, u32::to_le_bytes)
    }

    fn f64s(&mut self, v: &[f64]) -> Result<()> {
        self.array(v, f64::to_le_bytes)
    }

    fn xys(&mut self, v: &[[f64; 2]]) -> Result<()> {
        self.array(v, |p: [f64; 2]| {
            let mut b = [0u8; 16];
            b[..8].copy_from_slice(&p[0].to_le_bytes());
            b[8..].copy_from_slice(&p[1].to_le_bytes());
            b
        })
    }

    /// The checksum of everything written, then flush.
    fn finish(mut self) -> Result<W> {
        let digest = std::mem::take(&mut self.hasher).finalize();
        self.inner.write_all(&digest)?;
        self.inner.flush()?;
        Ok(self.inner)
    }
}

/// Write `roads` to `path` atomically; only its times when `base` (the
/// free-flow graph) has its layout.
fn write_file(
    path: &Path,
    key: &str,
    roads: &PreparedRoads,
    base: Option<&RoadGraph>,
) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut builder = tempfile::Builder::new();
    // Readable as any file the user writes (umask applies), not only by
    // its owner: a team may share the folder.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let tmp = builder
        .prefix(".roads-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    let times_only = base.is_some_and(|b| roads.graph.same_layout(b));
    let mut w = Writer::new(BufWriter::with_capacity(1 << 20, tmp.as_file()));
    w.put(MAGIC)?;
    w.u32(FORMAT_VERSION)?;
    w.u32(if times_only { KIND_TIMES } else { KIND_GRAPH })?;
    w.str(key)?;
    write_graph_report(&mut w, &roads.graph_report)?;
    let g = &roads.graph;
    if times_only {
        w.u32s(&g.weight_ms)?;
        w.f64s(&g.geom_s)?;
    } else {
        w.xys(&g.node_xy)?;
        w.u32s(&g.node_input)?;
        w.u32s(&g.first_out)?;
        w.u32s(&g.tail)?;
        w.u32s(&g.head)?;
        w.u32s(&g.weight_ms)?;
        w.f64s(&g.length_m)?;
        w.u32s(&g.reverse)?;
        w.u32s(&g.geom_first)?;
        w.xys(&g.geom_xy)?;
        w.f64s(&g.geom_s)?;
    }
    let h = &roads.hierarchy;
    let r = &h.report;
    for v in [r.nodes, r.edges, r.shortcuts] {
        w.u64(v as u64)?;
    }
    w.u32s(&h.rank)?;
    w.u32s(&h.rounds)?;
    for up in [&h.up, &h.down] {
        w.u32s(&up.first)?;
        w.u32s(&up.other)?;
        w.u32s(&up.weight_ms)?;
        w.u32s(&up.mid)?;
    }
    w.finish()?.into_inner().map_err(|e| e.into_error())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path)
        .with_context(|| format!("cannot rename into {}", path.display()))?;
    Ok(())
}

fn write_graph_report<W: Write>(w: &mut Writer<W>, r: &GraphReport) -> Result<()> {
    // Destructured so that a new field fails to compile here until it is
    // written (and FORMAT_VERSION bumped).
    let GraphReport {
        input_nodes,
        input_ways,
        invalid_ways,
        invalid_way_ids,
        zero_segments,
        directed_segments,
        parallel_segments_dropped,
        components,
        largest_component_nodes,
        discarded_components,
        discarded_nodes,
        discarded_directed_segments,
        discarded_km,
        kept_km,
        kept_km_by_class,
        pass_through_nodes,
        split_nodes,
        parallel_edges_kept,
        nodes,
        edges,
    } = r;
    for v in [
        input_nodes,
        input_ways,
        invalid_ways,
        zero_segments,
        directed_segments,
        parallel_segments_dropped,
        components,
        largest_component_nodes,
        discarded_components,
        discarded_nodes,
        discarded_directed_segments,
        pass_through_nodes,
        split_nodes,
        parallel_edges_kept,
        nodes,
        edges,
    ] {
        w.u64(*v as u64)?;
    }
    w.u64(invalid_way_ids.len() as u64)?;
    for id in invalid_way_ids {
        w.put(&id.to_le_bytes())?;
    }
    w.f64(*discarded_km)?;
    w.f64(*kept_km)?;
    w.u64(kept_km_by_class.len() as u64)?;
    for (class, km) in kept_km_by_class {
        w.str(class)?;
        w.f64(*km)?;
    }
    Ok(())
}

// ---------------------------------------------------------------- reading

/// Reads little-endian values, hashing every byte read, never allocating
/// more than the bytes left in the file.
struct Reader<R: Read> {
    inner: R,
    hasher: Sha256,
    /// Bytes left before the checksum.
    left: u64,
    buf: Vec<u8>,
}

impl<R: Read> Reader<R> {
    fn take(&mut self, n: usize) -> Result<&[u8]> {
        ensure!(n as u64 <= self.left, "truncated");
        self.buf.resize(n, 0);
        self.inner.read_exact(&mut self.buf).context("truncated")?;
        self.hasher.update(&self.buf);
        self.left -= n as u64;
        Ok(&self.buf)
    }

    fn fixed<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut b = [0u8; N];
        b.copy_from_slice(self.take(N)?);
        Ok(b)
    }

    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.fixed()?))
    }

    fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.fixed()?))
    }

    fn usize(&mut self) -> Result<usize> {
        usize::try_from(self.u64()?).context("count out of range")
    }

    fn f64(&mut self) -> Result<f64> {
        Ok(f64::from_le_bytes(self.fixed()?))
    }

    /// A count of items of `size` bytes, checked against the bytes left.
    fn count(&mut self, size: usize) -> Result<usize> {
        let n = self.u64()?;
        ensure!(
            n.checked_mul(size as u64).is_some_and(|b| b <= self.left),
            "a count of {n} is more than the file holds"
        );
        Ok(n as usize)
    }

    fn str(&mut self) -> Result<String> {
        let n = self.count(1)?;
        String::from_utf8(self.take(n)?.to_vec()).context("text is not UTF-8")
    }

    fn array<T, const N: usize>(&mut self, from: impl Fn([u8; N]) -> T) -> Result<Vec<T>> {
        let n = self.count(N)?;
        let mut out = Vec::with_capacity(n);
        let mut left = n;
        while left > 0 {
            let k = left.min(1 << 14);
            let bytes = self.take(k * N)?;
            out.extend(bytes.chunks_exact(N).map(|c| {
                let mut b = [0u8; N];
                b.copy_from_slice(c);
                from(b)
            }));
            left -= k;
        }
        Ok(out)
    }

    fn u32s(&mut self) -> Result<Vec<u32>> {
        self.array(u32::from_le_bytes)
    }

    fn f64s(&mut self) -> Result<Vec<f64>> {
        self.array(f64::from_le_bytes)
    }

    fn xys(&mut self) -> Result<Vec<[f64; 2]>> {
        self.array(|b: [u8; 16]| {
            let (mut x, mut y) = ([0u8; 8], [0u8; 8]);
            x.copy_from_slice(&b[..8]);
            y.copy_from_slice(&b[8..]);
            [f64::from_le_bytes(x), f64::from_le_bytes(y)]
        })
    }

    /// Compare the checksum; nothing may follow it.
    fn finish(mut self) -> Result<()> {
        ensure!(self.left == 0, "{} bytes left unread", self.left);
        let digest = std::mem::take(&mut self.hasher).finalize();
        let mut stored = [0u8; 32];
        self.inner
            .read_exact(&mut stored)
            .context("truncated: no checksum")?;
        ensure!(digest[..] == stored[..], "checksum mismatch");
        let mut more = [0u8; 1];
        ensure!(self.inner.read(&mut more)? == 0, "bytes after the checksum");
        Ok(())
    }
}

/// Read and check a file made for `key`: a whole graph, or (with a `base`,
/// the free-flow graph) only the times over its layout.
fn read_file(
    path: &Path,
    key: &str,
    base: Option<&RoadGraph>,
) -> Result<(RoadGraph, GraphReport, Hierarchy)> {
    let file = File::open(path).context("cannot open")?;
    let len = file.metadata()?.len();
    ensure!(len >= 8 + 4 + 4 + 32, "truncated ({len} bytes)");
    let mut r = Reader {
        inner: BufReader::with_capacity(1 << 20, file),
        hasher: Sha256::new(),
        left: len - 32,
        buf: Vec::new(),
    };
    ensure!(&r.fixed::<8>()? == MAGIC, "not a pcn-atlas road cache");
    let version = r.u32()?;
    ensure!(
        version == FORMAT_VERSION,
        "format version {version}; this pcn-atlas reads {FORMAT_VERSION}"
    );
    let file_kind = r.u32()?;
    ensure!(
        file_kind == KIND_GRAPH || (file_kind == KIND_TIMES && base.is_some()),
        "unexpected kind {file_kind}"
    );
    ensure!(r.str()? == key, "made for other roads or settings");
    let graph_report = read_graph_report(&mut r)?;
    let graph = match (file_kind, base) {
        (KIND_TIMES, Some(b)) => {
            let weight_ms = r.u32s()?;
            b.with_times(weight_ms, r.f64s()?)
        }
        _ => {
            let mut layout = GraphLayout {
                node_xy: r.xys()?,
                node_input: r.u32s()?,
                first_out: r.u32s()?,
                tail: r.u32s()?,
                head: r.u32s()?,
                ..GraphLayout::default()
            };
            let weight_ms = r.u32s()?;
            layout.length_m = r.f64s()?;
            layout.reverse = r.u32s()?;
            layout.geom_first = r.u32s()?;
            layout.geom_xy = r.xys()?;
            RoadGraph::from_parts(layout, weight_ms, r.f64s()?)
        }
    };
    let report = PrepareReport {
        nodes: r.usize()?,
        edges: r.usize()?,
        shortcuts: r.usize()?,
    };
    let rank = r.u32s()?;
    let rounds = r.u32s()?;
    let mut ups = Vec::with_capacity(2);
    for _ in 0..2 {
        ups.push(UpGraph {
            first: r.u32s()?,
            other: r.u32s()?,
            weight_ms: r.u32s()?,
            mid: r.u32s()?,
        });
    }
    r.finish()?;
    check_graph(&graph)?;
    let down = ups.pop().unwrap_or_default();
    let up = ups.pop().unwrap_or_default();
    let hierarchy = hierarchy_from(&graph, (rank, rounds), up, down, report)?;
    Ok((graph, graph_report, hierarchy))
}

fn read_graph_report<R: Read>(r: &mut Reader<R>) -> Result<GraphReport> {
    let mut counts = [0usize; 16];
    for c in &mut counts {
        *c = r.usize()?;
    }
    let [
        input_nodes,
        input_ways,
        invalid_ways,
        zero_segments,
        directed_segments,
        parallel_segments_dropped,
        components,
        largest_component_nodes,
        discarded_components,
        discarded_nodes,
        discarded_directed_segments,
        pass_through_nodes,
        split_nodes,
        parallel_edges_kept,
        nodes,
        edges,
    ] = counts;
    let n = r.count(8)?;
    let mut invalid_way_ids = Vec::with_capacity(n);
    for _ in 0..n {
        invalid_way_ids.push(i64::from_le_bytes(r.fixed()?));
    }
    let discarded_km = r.f64()?;
    let kept_km = r.f64()?;
    let n = r.count(16)?;
    let mut kept_km_by_class = BTreeMap::new();
    for _ in 0..n {
        let class = r.str()?;
        kept_km_by_class.insert(class, r.f64()?);
    }
    Ok(GraphReport {
        input_nodes,
        input_ways,
        invalid_ways,
        invalid_way_ids,
        zero_segments,
        directed_segments,
        parallel_segments_dropped,
        components,
        largest_component_nodes,
        discarded_components,
        discarded_nodes,
        discarded_directed_segments,
        discarded_km,
        kept_km,
        kept_km_by_class,
        pass_through_nodes,
        split_nodes,
        parallel_edges_kept,
        nodes,
        edges,
    })
}

/// CSR offsets: `n + 1` of them, from 0, never decreasing, ending at `len`.
fn check_offsets(what: &str, first: &[u32], n: usize, len: usize) -> Result<()> {
    ensure!(
        first.len() == n + 1,
        "{what}: {} offsets for {n} items",
        first.len()
    );
    ensure!(first[0] == 0, "{what}: offsets start at {}", first[0]);
    ensure!(
        first.windows(2).all(|w| w[0] <= w[1]),
        "{what}: offsets decrease"
    );
    ensure!(
        first[n] as usize == len,
        "{what}: offsets end at {}, not {len}",
        first[n]
    );
    Ok(())
}

/// Everything the queries index by is in range and fits together.
fn check_graph(g: &RoadGraph) -> Result<()> {
    let (n, m) = (g.node_count(), g.edge_count());
    ensure!(
        g.node_input.len() == n,
        "graph: node arrays differ in length"
    );
    check_offsets("graph edges", &g.first_out, n, m)?;
    for (name, len) in [
        ("tail", g.tail.len()),
        ("weight_ms", g.weight_ms.len()),
        ("length_m", g.length_m.len()),
        ("reverse", g.reverse.len()),
    ] {
        ensure!(len == m, "graph: {name} has {len} items for {m} edges");
    }
    for v in 0..n {
        for e in g.out_edges(v as u32) {
            ensure!(g.tail[e] as usize == v, "graph: edge {e} out of place");
        }
    }
    ensure!(
        g.head.iter().all(|&h| (h as usize) < n),
        "graph: a head beyond the nodes"
    );
    check_offsets("graph geometry", &g.geom_first, m, g.geom_xy.len())?;
    ensure!(
        g.geom_s.len() == g.geom_xy.len(),
        "graph: geometry times and points differ in length"
    );
    for e in 0..m as u32 {
        let len = g.geom_range(e).len();
        ensure!(len >= 2, "graph: edge {e} has {len} geometry points");
        let r = g.reverse[e as usize];
        ensure!(
            r == NO_EDGE
                || ((r as usize) < m
                    && g.geom_range(r).len() == len
                    && g.tail[r as usize] == g.head[e as usize]),
            "graph: edge {e} has a bad reverse"
        );
    }
    Ok(())
}

/// The hierarchy from its arrays, checked against the graph.
fn hierarchy_from(
    g: &RoadGraph,
    (rank, rounds): (Vec<u32>, Vec<u32>),
    up: UpGraph,
    down: UpGraph,
    report: PrepareReport,
) -> Result<Hierarchy> {
    let n = g.node_count();
    ensure!(
        rank.len() == n,
        "hierarchy: {} ranks for {n} nodes",
        rank.len()
    );
    let mut node_of_rank = vec![u32::MAX; n];
    for (v, &r) in rank.iter().enumerate() {
        match node_of_rank.get_mut(r as usize) {
            Some(slot) if *slot == u32::MAX => *slot = v as u32,
            _ => bail!("hierarchy: ranks are not a permutation"),
        }
    }
    check_rounds(&rounds, n).context("hierarchy")?;
    for (name, h) in [("up", &up), ("down", &down)] {
        let len = h.other.len();
        check_offsets(name, &h.first, n, len)?;
        ensure!(
            h.weight_ms.len() == len && h.mid.len() == len,
            "hierarchy: {name} arrays differ in length"
        );
        ensure!(
            h.other.iter().all(|&x| (x as usize) < n)
                && h.mid.iter().all(|&x| x == NO_MID || (x as usize) < n),
            "hierarchy: {name} names a node beyond the graph"
        );
    }
    ensure!(
        report.nodes == n && report.edges == g.edge_count(),
        "hierarchy: its report is for another graph"
    );
    Ok(Hierarchy {
        rank,
        node_of_rank,
        up,
        down,
        rounds,
        report,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::synthetic::{SyntheticOptions, generate};
    use crate::stages::Silent;

    fn prepared(net: &RoadNetwork) -> PreparedRoads {
        PreparedRoads::build(
            net,
            &GraphOptions::default(),
            SnapOptions::default(),
            None,
            None,
            &Silent,
        )
    }

    fn same(a: &PreparedRoads, b: &PreparedRoads) {
        let (g, h) = (&a.graph, &b.graph);
        assert!(g.same_layout(h));
        assert_eq!(g.weight_ms, h.weight_ms);
        assert_eq!(g.geom_s, h.geom_s);
        assert_eq!(a.graph_report, b.graph_report);
        let (x, y) = (&a.hierarchy, &b.hierarchy);
        assert_eq!((&x.rank, &x.node_of_rank), (&y.rank, &y.node_of_rank));
        assert_eq!((&x.up, &x.down), (&y.up, &y.down));
        assert_eq!(x.rounds, y.rounds);
        assert_eq!(x.report.shortcuts, y.report.shortcuts);
    }

    #[test]
    fn round_trip_free_and_slower() {
        let net = generate(&SyntheticOptions::small(3, 6));
        let dir = tempfile::tempdir().unwrap();
        let cache = RoadCache::new(dir.path(), "abc", &serde_json::json!({}), &net);
        let free = prepared(&net);
        let slow = free.slower(&net, 0.8, None, &Silent);
        assert_eq!(slow.how, Preparation::ReusedOrder);
        cache.save(&free, &Silent);
        cache.save_slower(&free, &slow, 0.8, &Silent);
        let opts = GraphOptions::default();
        let loaded = cache.load(&opts, SnapOptions::default(), &Silent).unwrap();
        assert_eq!(loaded.how, Preparation::Cached);
        same(&free, &loaded);
        let loaded_slow = cache.load_slower(&loaded, 0.8, &Silent).unwrap();
        same(&slow, &loaded_slow);
        assert!(loaded_slow.shares_snap_index(&loaded));
        // Another factor, other options or other roads: no file.
        assert!(cache.load_slower(&loaded, 0.7, &Silent).is_none());
        let other = GraphOptions {
            contract_pass_through: false,
            ..GraphOptions::default()
        };
        assert!(
            cache
                .load(&other, SnapOptions::default(), &Silent)
                .is_none()
        );
        let mut net2 = net.clone();
        net2.ways[0].speed_kph += 1.0;
        let cache2 = RoadCache::new(dir.path(), "abc", &serde_json::json!({}), &net2);
        assert!(
            cache2
                .load(&opts, SnapOptions::default(), &Silent)
                .is_none()
        );
        // Two files, no temporary left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    /// Records notices.
    struct Notes(std::cell::RefCell<Vec<String>>);

    impl Stages for Notes {
        fn stage<T>(&self, _name: &str, f: impl FnOnce() -> T) -> T {
            f()
        }
        fn notice(&self, message: &str) {
            self.0.borrow_mut().push(message.to_string());
        }
    }

    #[test]
    fn a_damaged_file_is_ignored_with_a_notice() {
        let net = generate(&SyntheticOptions::small(5, 4));
        let dir = tempfile::tempdir().unwrap();
        let cache = RoadCache::new(dir.path(), "abc", &serde_json::json!({"p": 1}), &net);
        let free = prepared(&net);
        cache.save(&free, &Silent);
        let path = cache.path("roads", &cache.free_key(&GraphOptions::default()));
        let good = std::fs::read(&path).unwrap();
        let opts = GraphOptions::default();
        let damage: Vec<(&str, Vec<u8>)> = vec![
            ("truncated", good[..good.len() / 2].to_vec()),
            ("truncated", good[..5].to_vec()),
            ("empty", Vec::new()),
            ("flipped", {
                let mut b = good.clone();
                let i = b.len() / 3;
                b[i] ^= 0x40;
                b
            }),
            ("checksum", {
                let mut b = good.clone();
                let i = b.len() - 1;
                b[i] ^= 1;
                b
            }),
            ("version", {
                let mut b = good.clone();
                b[8] = 99;
                b
            }),
            ("magic", {
                let mut b = good.clone();
                b[0] = b'X';
                b
            }),
            ("longer", {
                let mut b = good.clone();
                b.push(0);
                b
            }),
        ];
        for (what, bytes) in damage {
            std::fs::write(&path, &bytes).unwrap();
            let notes = Notes(Default::default());
            assert!(
                cache.load(&opts, SnapOptions::default(), &notes).is_none(),
                "{what}"
            );
            let notes = notes.0.into_inner();
            assert_eq!(notes.len(), 1, "{what}: {notes:?}");
            assert!(notes[0].contains("unusable"), "{what}: {}", notes[0]);
        }
        // The one function rebuilds and rewrites it.
        let notes = Notes(Default::default());
        let again = PreparedRoads::build(
            &net,
            &opts,
            SnapOptions::default(),
            None,
            Some(&cache),
            &notes,
        );
        assert_eq!(again.how, Preparation::Contracted);
        assert_eq!(notes.0.into_inner().len(), 1);
        assert_eq!(std::fs::read(&path).unwrap(), good);
        let loaded = cache.load(&opts, SnapOptions::default(), &Silent).unwrap();
        same(&free, &loaded);
    }

    #[test]
    fn a_consistent_checksum_does_not_excuse_bad_arrays() {
        // A file rewritten with a valid checksum but a head beyond the
        // nodes is refused by the structural checks.
        let net = generate(&SyntheticOptions::small(6, 4));
        let dir = tempfile::tempdir().unwrap();
        let cache = RoadCache::new(dir.path(), "abc", &serde_json::json!({}), &net);
        let mut bad = prepared(&net);
        bad.graph.head[0] = bad.graph.node_count() as u32 + 5;
        cache.save(&bad, &Silent);
        let notes = Notes(Default::default());
        let opts = GraphOptions::default();
        assert!(cache.load(&opts, SnapOptions::default(), &notes).is_none());
        let notes = notes.0.into_inner();
        assert!(notes[0].contains("head beyond"), "{notes:?}");
    }
}
