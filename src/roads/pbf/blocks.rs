//! The blocks of an `.osm.pbf` file, read once in order and then decoded in
//! parallel by offset.
//!
//! [`Directory::scan`] reads the file front to back once: it frames every
//! blob (a 4-byte length, a `BlobHeader`, the blob), notes where each
//! `OSMData` blob starts, and hashes every byte on the way, so the file's
//! SHA-256 costs no second read and the file is never held in memory.
//!
//! Extracts (Geofabrik's, anything osmium or osmosis writes) hold their
//! nodes, then their ways, then their relations, whether or not the header
//! says so (Geofabrik's do not). [`Directory::first`] finds the first block
//! holding ways or relations by binary search, decoding a handful of
//! blocks, so the way pass decodes only the blocks from there on and the
//! node pass only those before it: every block is inflated and parsed once.

use anyhow::{Context, Result, anyhow, bail};
use osmpbf::{BlobDecode, BlobReader, ByteOffset, PrimitiveBlock};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufReader, Read};
use std::ops::Range;
use std::path::Path;

/// The PBF specification's limits: a blob header under 64 KiB, a blob under 32 MiB.
const MAX_HEADER: usize = 64 * 1024;
const MAX_BLOB: u64 = 32 * 1024 * 1024;

/// What kinds of element a block holds (bits).
pub const NODES: u8 = 1;
pub const WAYS: u8 = 2;
pub const RELATIONS: u8 = 4;

/// Every blob of a file, and its hash.
pub struct Directory {
    path: std::path::PathBuf,
    /// SHA-256 of the whole file, hex.
    pub sha256: String,
    /// Offset of the `OSMHeader` blob, if any.
    header: Option<u64>,
    /// Offsets of the `OSMData` blobs, in file order.
    data: Vec<u64>,
}

impl Directory {
    /// Read the file once: blob offsets and the SHA-256.
    pub fn scan(path: &Path) -> Result<Directory> {
        let f = File::open(path).with_context(|| format!("{}: cannot open", path.display()))?;
        let mut r = BufReader::with_capacity(1 << 20, f);
        let mut hash = Sha256::new();
        let (mut header, mut data) = (None, Vec::new());
        let mut offset = 0u64;
        let mut buf = Vec::new();
        while let Some(len) = read_len(&mut r, path, offset)? {
            hash.update(len.to_be_bytes());
            let len = len as usize;
            if len > MAX_HEADER {
                bail!(
                    "{}: blob header at byte {offset} is {len} bytes (most a PBF allows is {MAX_HEADER}): \
                     not an OSM PBF file",
                    path.display()
                );
            }
            buf.resize(len, 0);
            r.read_exact(&mut buf)
                .map_err(|e| truncated(path, offset, &e))?;
            hash.update(&buf);
            let (kind, size) = blob_header(&buf)
                .with_context(|| format!("{}: blob header at byte {offset}", path.display()))?;
            if size > MAX_BLOB {
                bail!(
                    "{}: blob at byte {offset} is {size} bytes (most a PBF allows is {MAX_BLOB}): \
                     not an OSM PBF file",
                    path.display()
                );
            }
            let copied = std::io::copy(&mut (&mut r).take(size), &mut HashWriter(&mut hash))
                .map_err(|e| truncated(path, offset, &e))?;
            if copied != size {
                bail!(
                    "{}: the file ends inside the blob at byte {offset}: truncated?",
                    path.display()
                );
            }
            match kind.as_str() {
                "OSMHeader" if header.is_none() => header = Some(offset),
                "OSMData" => data.push(offset),
                _ => {}
            }
            offset += 4 + len as u64 + size;
        }
        Ok(Directory {
            path: path.to_path_buf(),
            sha256: crate::load::text::hex(&hash.finalize()),
            header,
            data,
        })
    }

    /// Number of data blocks.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// The header block, if the file has one.
    pub fn header(&self) -> Result<Option<osmpbf::HeaderBlock>> {
        let Some(off) = self.header else {
            return Ok(None);
        };
        let blob = reader(&self.path)?
            .blob_from_offset(ByteOffset(off))
            .map_err(|e| anyhow!("{}: {e}", self.path.display()))?;
        blob.to_headerblock()
            .map(Some)
            .map_err(|e| anyhow!("{}: cannot decode the header: {e}", self.path.display()))
    }

    /// The first block holding any of `kinds`, or the number of blocks,
    /// if the file is sorted by type: a binary search, decoding about
    /// log2(blocks) blocks. (In an unsorted file, some block; the passes
    /// then find the order broken.)
    pub fn first(&self, kinds: u8) -> Result<usize> {
        let mut r = reader(&self.path)?;
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let has = self.decode_with(&mut r, mid, |b| block_kinds(b) & kinds != 0)?;
            if has { hi = mid } else { lo = mid + 1 }
        }
        Ok(lo)
    }

    fn decode_with<T: Default>(
        &self,
        r: &mut BlobReader<BufReader<File>>,
        i: usize,
        f: impl FnOnce(&PrimitiveBlock) -> T,
    ) -> Result<T> {
        let p = &self.path;
        let blob = r
            .blob_from_offset(ByteOffset(self.data[i]))
            .map_err(|e| anyhow!("{}: block at byte {}: {e}", p.display(), self.data[i]))?;
        match blob.decode().map_err(|e| {
            anyhow!(
                "{}: cannot decode the block at byte {}: {e}",
                p.display(),
                self.data[i]
            )
        })? {
            BlobDecode::OsmData(block) => Ok(f(&block)),
            _ => Ok(T::default()),
        }
    }

    /// Run `f` on the blocks `range` (optionally only those `keep` allows),
    /// in parallel, and reduce in block order.
    pub fn par_blocks<T: Send + Default>(
        &self,
        range: Range<usize>,
        keep: impl Fn(usize) -> bool + Sync + Send,
        f: impl Fn(usize, &PrimitiveBlock) -> T + Sync + Send,
        merge: impl Fn(T, T) -> T + Sync + Send,
    ) -> Result<T> {
        range
            .into_par_iter()
            .filter(|&i| keep(i))
            .map_init(
                || reader(&self.path),
                |r, i| match r {
                    Ok(r) => self.decode_with(r, i, |b| f(i, b)),
                    Err(e) => Err(anyhow!("{e}")),
                },
            )
            .try_reduce(T::default, |a, b| Ok(merge(a, b)))
    }
}

/// The kinds of element a block holds.
pub fn block_kinds(block: &PrimitiveBlock) -> u8 {
    let mut k = 0;
    for g in block.groups() {
        if g.dense_nodes().next().is_some() || g.nodes().next().is_some() {
            k |= NODES;
        }
        if g.ways().next().is_some() {
            k |= WAYS;
        }
        if g.relations().next().is_some() {
            k |= RELATIONS;
        }
    }
    k
}

fn reader(path: &Path) -> Result<BlobReader<BufReader<File>>> {
    BlobReader::seekable_from_path(path)
        .map_err(|e| anyhow!("{}: cannot open: {e}", path.display()))
}

/// The next blob's header length, or `None` at the end of the file.
fn read_len(r: &mut impl Read, path: &Path, offset: u64) -> Result<Option<u32>> {
    let mut b = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        match r.read(&mut b[got..]) {
            Ok(0) if got == 0 => return Ok(None),
            Ok(0) => bail!(
                "{}: the file ends inside a blob length at byte {offset}: truncated?",
                path.display()
            ),
            Ok(k) => got += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                return Err(anyhow!(
                    "{}: cannot read at byte {offset}: {e}",
                    path.display()
                ));
            }
        }
    }
    Ok(Some(u32::from_be_bytes(b)))
}

fn truncated(path: &Path, offset: u64, e: &std::io::Error) -> anyhow::Error {
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        anyhow!(
            "{}: the file ends inside the blob at byte {offset}: truncated?",
            path.display()
        )
    } else {
        anyhow!(
            "{}: cannot read the blob at byte {offset}: {e}",
            path.display()
        )
    }
}

/// A `BlobHeader` message: its `type` (field 1) and `datasize` (field 3).
fn blob_header(b: &[u8]) -> Result<(String, u64)> {
    let (mut kind, mut size) = (None, None);
    let mut p = 0;
    while p < b.len() {
        let key = varint(b, &mut p)?;
        match (key >> 3, key & 7) {
            (1, 2) => kind = Some(String::from_utf8_lossy(bytes(b, &mut p)?).into_owned()),
            (3, 0) => size = Some(varint(b, &mut p)?),
            (_, 0) => {
                varint(b, &mut p)?;
            }
            (_, 2) => {
                bytes(b, &mut p)?;
            }
            (_, 1) => p += 8,
            (_, 5) => p += 4,
            (f, w) => bail!(
                "field {f} has wire type {w}, which a BlobHeader cannot hold: not an OSM PBF file"
            ),
        }
    }
    match (kind, size) {
        (Some(k), Some(s)) if p == b.len() => Ok((k, s)),
        _ => bail!("no type or data size: not an OSM PBF file"),
    }
}

fn varint(b: &[u8], p: &mut usize) -> Result<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b
            .get(*p)
            .context("a number runs past the header's end: not an OSM PBF file")?;
        *p += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(v);
        }
    }
    bail!("a number longer than 10 bytes: not an OSM PBF file")
}

fn bytes<'b>(b: &'b [u8], p: &mut usize) -> Result<&'b [u8]> {
    let len = varint(b, p)? as usize;
    let s = b
        .get(*p..p.saturating_add(len))
        .context("a field runs past the header's end: not an OSM PBF file")?;
    *p += len;
    Ok(s)
}

/// Feeds what is written into a hash.
struct HashWriter<'h>(&'h mut Sha256);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
