//! CSV tables with named columns, accepting the aliases real NHS/ONS files
//! use (`PRACTICE_CODE`, `LSOA11CD`, `NUMBER_OF_PATIENTS` ...), and number
//! parsing that copes with their quirks (thousands commas inside quotes,
//! surrounding spaces, `1954.0`). Every error names the file, the line, the
//! column and the value. A quote that is never closed, or a row with more
//! fields than the header, is an error rather than rows lost or shifted.

use super::text::{TextFile, line_column_at, read_text, show};
use anyhow::{Result, anyhow, bail};
use std::path::{Path, PathBuf};

/// A column a loader asks for: its canonical name and accepted aliases.
#[derive(Clone, Copy, Debug)]
pub struct ColumnSpec {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
}

impl ColumnSpec {
    pub const fn new(name: &'static str, aliases: &'static [&'static str]) -> Self {
        Self { name, aliases }
    }

    /// Does a header (or property name) match this column? Case-insensitive.
    pub fn matches(&self, header: &str) -> bool {
        let h = header.trim();
        h.eq_ignore_ascii_case(self.name) || self.aliases.iter().any(|a| h.eq_ignore_ascii_case(a))
    }

    fn describe(&self) -> String {
        if self.aliases.is_empty() {
            format!("`{}`", self.name)
        } else {
            format!("`{}` (or {})", self.name, self.aliases.join(", "))
        }
    }
}

/// A CSV file read into memory, with its header.
pub struct Table {
    pub path: PathBuf,
    pub headers: Vec<String>,
    pub file: TextFile,
}

/// One data row, with its 1-based line number in the file.
pub struct Row<'t> {
    pub table: &'t Table,
    pub record: csv::StringRecord,
    pub line: u64,
}

/// A column resolved to its position in a table.
#[derive(Clone, Copy, Debug)]
pub struct Col {
    pub index: usize,
    pub spec: ColumnSpec,
}

impl Table {
    /// Read a CSV file with a header row.
    pub fn open(path: &Path) -> Result<Table> {
        let file = read_text(path)?;
        if let Some(q) = unclosed_quote(file.text.as_bytes()) {
            let (line, column) = line_column_at(file.text.as_bytes(), q);
            let rest = &file.text[q..];
            let value = rest.split(['\n', '\r']).next().unwrap_or(rest);
            bail!(
                "{}:{line}:{column}: a quoted value is never closed (the rest of the file would be read into it): {}",
                path.display(),
                show(value)
            );
        }
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(file.text.as_bytes());
        let headers = rdr
            .headers()
            .map_err(|e| anyhow!("{}: cannot read the header row: {e}", path.display()))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect::<Vec<_>>();
        if headers.iter().all(|h| h.is_empty()) {
            bail!("{}: the file is empty or has no header row", path.display());
        }
        Ok(Table {
            path: path.to_path_buf(),
            headers,
            file,
        })
    }

    pub fn display(&self) -> String {
        self.path.display().to_string()
    }

    /// This file as an input of the report.
    pub fn input_file(&self, role: &str, rows: u64) -> crate::model::InputFile {
        crate::model::InputFile {
            role: role.into(),
            path: self.display(),
            sha256: self.file.sha256.clone(),
            rows,
            ..Default::default()
        }
    }

    /// Find a column that must be present.
    pub fn require(&self, spec: ColumnSpec) -> Result<Col> {
        self.optional(spec).ok_or_else(|| {
            let hint = super::columns::closest(&spec, &self.headers)
                .map(|h| format!(" (did you mean `{h}`?)"))
                .unwrap_or_default();
            anyhow!(
                "{}: missing column {}{hint}; the header has: {}",
                self.display(),
                spec.describe(),
                self.headers
                    .iter()
                    .map(|h| show(h))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
    }

    /// Find a column that may be absent.
    pub fn optional(&self, spec: ColumnSpec) -> Option<Col> {
        self.headers
            .iter()
            .position(|h| spec.matches(h))
            .map(|index| Col { index, spec })
    }

    /// Iterate over data rows. A malformed CSV record is an error naming the line.
    /// A row with more fields than the header, or a value over several
    /// lines (which no dataset or national file has: it is rows merged by
    /// stray quotes), is an error naming the line and the value.
    pub fn rows(&self) -> impl Iterator<Item = Result<Row<'_>>> + '_ {
        let rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(self.file.text.as_bytes());
        rdr.into_records().filter_map(move |r| match r {
            Ok(record) => {
                // Skip blank lines (a lone empty field), common at file ends.
                if record.len() == 1 && record[0].trim().is_empty() {
                    return None;
                }
                let line = record
                    .position()
                    .map_or(0, |p| line_of(self.file.text.as_bytes(), p));
                if let Some(v) = record.iter().find(|v| v.contains(['\n', '\r'])) {
                    return Some(Err(anyhow!(
                        "{}:{line}: a quoted value runs over {} lines (a quote closed on a later line?): {}",
                        self.display(),
                        v.lines().count(),
                        show(v)
                    )));
                }
                if record.len() > self.headers.len() {
                    return Some(Err(anyhow!(
                        "{}:{line}: {} fields, but the header has {} columns: extra value `{}`",
                        self.display(),
                        record.len(),
                        self.headers.len(),
                        show(&record[self.headers.len()])
                    )));
                }
                Some(Ok(Row {
                    table: self,
                    record,
                    line,
                }))
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                Some(Err(anyhow!(
                    "{}:{line}: malformed CSV: {e}",
                    self.display()
                )))
            }
        })
    }
}

impl Row<'_> {
    /// Location prefix for messages: `path:line`.
    pub fn at(&self) -> String {
        format!("{}:{}", self.table.display(), self.line)
    }

    /// The trimmed text of a column ("" when the row is short).
    pub fn str(&self, col: Col) -> &str {
        self.record.get(col.index).map_or("", str::trim)
    }

    /// A required non-empty text value.
    pub fn required_str(&self, col: Col) -> Result<&str> {
        let s = self.str(col);
        if s.is_empty() {
            bail!("{}: column `{}` is empty", self.at(), col.spec.name);
        }
        Ok(s)
    }

    /// A non-empty value, or `None`.
    pub fn opt_str(&self, col: Option<Col>) -> Option<&str> {
        col.map(|c| self.str(c)).filter(|s| !s.is_empty())
    }

    /// A whole, non-negative number; `None` when empty.
    pub fn opt_count(&self, col: Option<Col>) -> Result<Option<u64>> {
        match col {
            None => Ok(None),
            Some(c) => {
                let s = self.str(c);
                if s.is_empty() {
                    return Ok(None);
                }
                parse_count(s)
                    .map(Some)
                    .map_err(|why| anyhow!("{}: column `{}`: {why}", self.at(), c.spec.name))
            }
        }
    }

    /// A required whole, non-negative number.
    pub fn count(&self, col: Col) -> Result<u64> {
        self.opt_count(Some(col))?
            .ok_or_else(|| anyhow!("{}: column `{}` is empty", self.at(), col.spec.name))
    }

    /// A finite real number; `None` when empty.
    pub fn opt_f64(&self, col: Option<Col>) -> Result<Option<f64>> {
        match col {
            None => Ok(None),
            Some(c) => {
                let s = self.str(c);
                if s.is_empty() {
                    return Ok(None);
                }
                parse_f64(s)
                    .map(Some)
                    .map_err(|why| anyhow!("{}: column `{}`: {why}", self.at(), c.spec.name))
            }
        }
    }
}

/// The 1-based line a record starts on. The csv crate counts a line at
/// its `\n`, and after a CRLF record its position is still on the `\n`
/// that ends the record before: one line too early in every CRLF file (as
/// NHS England publishes them).
fn line_of(text: &[u8], p: &csv::Position) -> u64 {
    let at = usize::try_from(p.byte()).unwrap_or(usize::MAX);
    p.line() + u64::from(text.get(at) == Some(&b'\n'))
}

/// Parse a count such as `1954`, `"1,954"`, ` 1954 ` or `1954.0`.
pub fn parse_count(s: &str) -> std::result::Result<u64, String> {
    let t: String = s.trim().chars().filter(|&c| c != ',' && c != '_').collect();
    if let Ok(v) = t.parse::<u64>() {
        return Ok(v);
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < 9.0e15 => Ok(v as u64),
        Ok(v) if v < 0.0 => Err(format!(
            "`{}` is negative; a count must be 0 or more",
            show(s)
        )),
        _ => Err(format!("`{}` is not a whole number", show(s))),
    }
}

/// Parse a finite real number (thousands commas are not accepted here: a
/// comma in a coordinate is more likely a decimal comma or a column slip).
pub fn parse_f64(s: &str) -> std::result::Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!("`{}` is not a number", show(s))),
    }
}

/// The byte offset of a quote that opens a field and is never closed, read
/// as the csv reader reads quotes: a quote opens a field only as its first
/// byte, and inside a quoted field `""` is a quote.
fn unclosed_quote(text: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(k) = memchr::memchr(b'"', &text[i..]) {
        let q = i + k;
        i = q + 1;
        if q > 0 && !matches!(text[q - 1], b',' | b'\n' | b'\r') {
            continue;
        }
        loop {
            let Some(k) = memchr::memchr(b'"', &text[i..]) else {
                return Some(q);
            };
            let close = i + k;
            if text.get(close + 1) == Some(&b'"') {
                i = close + 2;
            } else {
                i = close + 1;
                break;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_accept_real_quirks() {
        assert_eq!(parse_count("1,954"), Ok(1954));
        assert_eq!(parse_count(" 12 "), Ok(12));
        assert_eq!(parse_count("1954.0"), Ok(1954));
        assert!(parse_count("-3").unwrap_err().contains("negative"));
        assert!(parse_count("12x").unwrap_err().contains("`12x`"));
        assert!(parse_count("1.5").is_err());
        assert!(parse_count("NaN").is_err());
    }

    #[test]
    fn floats_reject_junk() {
        assert_eq!(parse_f64("-0.75"), Ok(-0.75));
        assert!(parse_f64("inf").is_err());
        assert!(parse_f64("52,6").is_err());
    }

    #[test]
    fn columns_match_aliases_case_insensitively() {
        let spec = ColumnSpec::new("practice_code", &["CODE", "PRACTICE_CODE"]);
        assert!(spec.matches(" Practice_Code "));
        assert!(spec.matches("code"));
        assert!(!spec.matches("pcn_code"));
    }

    #[test]
    fn missing_column_names_file_and_header() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.csv");
        std::fs::write(&p, "\u{feff}a,b\n1,2\n").unwrap();
        let t = Table::open(&p).unwrap();
        assert_eq!(t.headers, vec!["a", "b"]);
        let err = t
            .require(ColumnSpec::new("list_size", &["NUMBER_OF_PATIENTS"]))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("p.csv") && err.contains("list_size") && err.contains("a, b"),
            "{err}"
        );
        let rows: Vec<_> = t.rows().collect::<Result<_>>().unwrap();
        assert_eq!(rows[0].line, 2);
    }

    #[test]
    fn unclosed_quotes_are_found_as_the_csv_reader_reads_quotes() {
        assert_eq!(unclosed_quote(b"a,b\n\"x,y\n1,2\n"), Some(4));
        assert_eq!(unclosed_quote(b"a,b\n\"x\"\"y\",2\n"), None);
        // A quote inside an unquoted value, or after a closed one, is text.
        assert_eq!(unclosed_quote(b"a,b\nO\"Neil,2\n\"x\"y\",3\n"), None);
        assert_eq!(unclosed_quote(b"\"a"), Some(0));
        assert_eq!(unclosed_quote(b"a,\"b\"\""), Some(2));
        assert_eq!(unclosed_quote(b""), None);
    }
}
