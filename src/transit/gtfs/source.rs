//! Where a feed's files come from (a zip or a folder) and how a GTFS file
//! is read: CSV with or without a UTF-8 byte-order mark, quoted fields, CRLF
//! or LF line ends, columns found by name in the header once (unknown
//! columns ignored), each row handed over with its 1-based line number as a
//! text editor shows it.

use crate::load::text::{hex, sha256_hex, show};
use anyhow::{Context, Result, bail};
use csv::ByteRecord;
use sha2::{Digest, Sha256};
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

/// An opened feed: a zip read into memory or a folder of `.txt` files.
pub struct Source {
    /// The path as given, for messages.
    pub path: String,
    /// `zip` or `folder`.
    pub format: &'static str,
    /// SHA-256 of the zip's bytes, or of the folder's files in name order
    /// (each file's name, a NUL, then its bytes).
    pub sha256: String,
    files: Files,
}

enum Files {
    Folder(PathBuf),
    Zip(Box<zip::ZipArchive<Cursor<Vec<u8>>>>),
}

impl Source {
    /// Open `path`: a folder, or else a zip file. A file that is not a
    /// readable zip is an error naming it.
    pub fn open(path: &Path) -> Result<Source> {
        let shown = path.display().to_string();
        if path.is_dir() {
            return Ok(Source {
                sha256: folder_sha256(path)?,
                path: shown,
                format: "folder",
                files: Files::Folder(path.to_path_buf()),
            });
        }
        let bytes =
            std::fs::read(path).with_context(|| format!("GTFS feed {shown}: cannot read"))?;
        let sha256 = sha256_hex(&bytes);
        let archive = zip::ZipArchive::new(Cursor::new(bytes))
            .with_context(|| format!("GTFS feed {shown}: not a folder and not a readable zip"))?;
        Ok(Source {
            path: shown,
            format: "zip",
            sha256,
            files: Files::Zip(Box::new(archive)),
        })
    }

    /// How a file of the feed is named in messages: `feed.zip:stops.txt` or
    /// `folder/stops.txt`.
    pub fn label(&self, name: &str) -> String {
        match &self.files {
            Files::Folder(dir) => dir.join(name).display().to_string(),
            Files::Zip(_) => format!("{}:{name}", self.path),
        }
    }

    /// A file of the feed as a [`Table`], or `None` when the feed has no
    /// such file. In a zip the file may sit in one folder (`feed/stops.txt`).
    pub fn table(&mut self, name: &str) -> Result<Option<Table>> {
        let label = self.label(name);
        let bytes = match &mut self.files {
            Files::Folder(dir) => {
                let p = dir.join(name);
                if !p.is_file() {
                    return Ok(None);
                }
                std::fs::read(&p).with_context(|| format!("{label}: cannot read"))?
            }
            Files::Zip(archive) => {
                let Some(entry) = zip_entry(archive, name) else {
                    return Ok(None);
                };
                let mut file = archive
                    .by_name(&entry)
                    .with_context(|| format!("{label}: cannot open in the zip"))?;
                let mut bytes = Vec::with_capacity(file.size() as usize);
                file.read_to_end(&mut bytes)
                    .with_context(|| format!("{label}: cannot read from the zip"))?;
                bytes
            }
        };
        Table::new(label, bytes).map(Some)
    }

    /// A required file: missing is an error naming the feed and the file.
    pub fn required(&mut self, name: &str) -> Result<Table> {
        match self.table(name)? {
            Some(t) => Ok(t),
            None => bail!("GTFS feed {}: no {name} (a required file)", self.path),
        }
    }
}

/// The zip entry for `name`: at the top, or else in a single folder.
fn zip_entry(archive: &zip::ZipArchive<Cursor<Vec<u8>>>, name: &str) -> Option<String> {
    let suffix = format!("/{name}");
    let mut nested = None;
    for entry in archive.file_names().flatten() {
        if entry == name {
            return Some(entry.to_string());
        }
        if entry.ends_with(&suffix) && !entry.starts_with("__MACOSX") && nested.is_none() {
            nested = Some(entry.to_string());
        }
    }
    nested
}

fn folder_sha256(dir: &Path) -> Result<String> {
    let shown = dir.display();
    let mut names = Vec::new();
    for entry in
        std::fs::read_dir(dir).with_context(|| format!("GTFS feed {shown}: cannot list"))?
    {
        let entry = entry.with_context(|| format!("GTFS feed {shown}: cannot list"))?;
        if entry.path().is_file() {
            names.push(entry.file_name());
        }
    }
    names.sort();
    let mut hasher = Sha256::new();
    for name in names {
        let p = dir.join(&name);
        let bytes = std::fs::read(&p).with_context(|| format!("{}: cannot read", p.display()))?;
        hasher.update(name.as_encoded_bytes());
        hasher.update([0]);
        hasher.update(&bytes);
    }
    Ok(hex(&hasher.finalize()))
}

/// One GTFS file: its header and its bytes, read row by row.
pub struct Table {
    /// How messages name it (see [`Source::label`]).
    pub file: String,
    header: Vec<String>,
    bytes: Vec<u8>,
}

impl Table {
    fn new(file: String, mut bytes: Vec<u8>) -> Result<Table> {
        if bytes.starts_with(b"\xEF\xBB\xBF") {
            bytes.drain(..3);
        }
        let mut reader = reader(&bytes);
        let header = reader
            .byte_headers()
            .with_context(|| format!("{file}: cannot read the header"))?
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim().to_string())
            .collect();
        Ok(Table {
            file,
            header,
            bytes,
        })
    }

    /// The index of an optional column.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The index of a required column: missing is an error naming the file.
    pub fn need(&self, name: &str) -> Result<usize> {
        match self.col(name) {
            Some(i) => Ok(i),
            None => bail!(
                "{}: no column {name} (a required column; the header has {})",
                self.file,
                show(&self.header.join(","))
            ),
        }
    }

    /// Call `f` with each data row and its line; returns the number of rows.
    pub fn rows(&self, mut f: impl FnMut(u64, &ByteRecord)) -> Result<u64> {
        let mut reader = reader(&self.bytes);
        let mut record = ByteRecord::new();
        let mut n = 0;
        let mut lines = LineCounter::default();
        loop {
            let more = reader
                .read_byte_record(&mut record)
                .with_context(|| format!("{}: unreadable CSV after row {n}", self.file))?;
            if !more {
                return Ok(n);
            }
            if record.len() == 1 && record[0].iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            n += 1;
            let start = record.position().map_or(0, |p| p.byte() as usize);
            let line = lines.line_at(&self.bytes, start);
            f(line, &record);
        }
    }
}

/// Line numbers from byte offsets, counted forward as rows are read: the
/// csv crate's own line numbers go wrong after CRLF line ends and blank
/// lines, its byte offsets do not (past the line ends skipped here).
#[derive(Default)]
struct LineCounter {
    at: usize,
    line: u64,
}

impl LineCounter {
    /// The 1-based line of the record starting at byte `start` (or at the
    /// first byte after it that is not a line end).
    fn line_at(&mut self, bytes: &[u8], mut start: usize) -> u64 {
        while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let start = start.min(bytes.len()).max(self.at);
        self.line += memchr::memchr_iter(b'\n', &bytes[self.at..start]).count() as u64;
        self.at = start;
        self.line + 1
    }
}

fn reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(bytes)
}

/// Field `col` of a row, trimmed; empty when the column or the field is
/// missing, U+FFFD when it is not UTF-8 (so it fails any parse and shows).
pub fn field(record: &ByteRecord, col: Option<usize>) -> &str {
    let Some(bytes) = col.and_then(|c| record.get(c)) else {
        return "";
    };
    std::str::from_utf8(bytes).unwrap_or("\u{fffd}").trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<(u64, String)> {
        let t = Table::new("t.txt".into(), text.as_bytes().to_vec()).unwrap();
        let mut out = Vec::new();
        let id = t.col("id");
        t.rows(|line, r| out.push((line, field(r, id).to_string())))
            .unwrap();
        out
    }

    #[test]
    fn lines_as_an_editor_shows_them() {
        let want = [(2, "a"), (3, "b"), (5, "c"), (8, "d")].map(|(l, s)| (l, s.to_string()));
        // LF, CRLF, a BOM, a blank line and a quoted field over two lines.
        let lf = "id,x\na,1\nb,\"two\nlines\"\n\nc,3\n\n\nd,4\n";
        assert_eq!(lines(lf), want);
        assert_eq!(
            lines(&format!("\u{feff}{}", lf.replace('\n', "\r\n"))),
            want
        );
    }

    #[test]
    fn header_is_trimmed_and_unknown_columns_ignored() {
        let t = Table::new("t.txt".into(), b"\xEF\xBB\xBF\"id\" , extra\r\n".to_vec()).unwrap();
        assert_eq!(
            (t.col("id"), t.col("extra"), t.col("x")),
            (Some(0), Some(1), None)
        );
        let e = t.need("stop_id").unwrap_err().to_string();
        assert!(e.contains("t.txt: no column stop_id"), "{e}");
    }
}
