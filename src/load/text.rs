//! Reading input files as text: UTF-8 with or without a byte-order mark, or
//! Windows-1252/Latin-1 (NHS ODS files such as `epraccur`), plus the SHA-256
//! of the bytes for the report; UTF-16/UTF-32 files are recognised and
//! refused by name. [`show`] is how a value from a file appears in a message.

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::path::Path;

/// A file's bytes decoded to text, with its hash.
pub struct TextFile {
    pub text: String,
    pub sha256: String,
    /// True when the bytes were not UTF-8 and were decoded as Windows-1252.
    pub latin1: bool,
}

/// Hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Bytes as lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(2 * bytes.len());
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Read a whole file and decode it. UTF-16/UTF-32 and binary files (NUL
/// bytes) are errors that say so.
pub fn read_text(path: &Path) -> Result<TextFile> {
    let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    check_encoding(path, &bytes)?;
    if let Some(k) = memchr::memchr(0, &bytes) {
        let (line, column) = line_column_at(&bytes, k);
        bail!(
            "{}:{line}:{column}: not a text file: it contains a NUL byte (save it as CSV in UTF-8)",
            path.display()
        );
    }
    Ok(decode(bytes))
}

/// An error when `bytes` are UTF-16 or UTF-32 text, which the loaders do not
/// read: `FILE: encoded as UTF-16 LE; save it as UTF-8`.
pub fn check_encoding(path: &Path, bytes: &[u8]) -> Result<()> {
    match wide_encoding(bytes) {
        Some(enc) => bail!("{}: encoded as {enc}; save it as UTF-8", path.display()),
        None => Ok(()),
    }
}

/// The UTF-16/UTF-32 encoding of `bytes`, by byte-order mark or, without
/// one, by where the NUL bytes of mostly-ASCII text fall in the first 4 KiB.
pub fn wide_encoding(bytes: &[u8]) -> Option<&'static str> {
    const BOMS: [(&[u8], &str); 4] = [
        (b"\xFF\xFE\0\0", "UTF-32 LE"),
        (b"\0\0\xFE\xFF", "UTF-32 BE"),
        (b"\xFF\xFE", "UTF-16 LE"),
        (b"\xFE\xFF", "UTF-16 BE"),
    ];
    if let Some((_, name)) = BOMS.iter().find(|(bom, _)| bytes.starts_with(bom)) {
        return Some(name);
    }
    let head = &bytes[..bytes.len().min(4096)];
    if head.len() < 8 {
        return None;
    }
    // Share of NUL bytes at positions 0, 1, 2, 3 (mod 4).
    let share = |k: usize| {
        let at: Vec<u8> = head.iter().skip(k).step_by(4).copied().collect();
        at.iter().filter(|&&b| b == 0).count() as f64 / at.len().max(1) as f64
    };
    let z = [share(0), share(1), share(2), share(3)];
    let nul = |k: usize| z[k] > 0.7;
    let text = |k: usize| z[k] < 0.3;
    if text(0) && nul(1) && nul(2) && nul(3) {
        Some("UTF-32 LE")
    } else if nul(0) && nul(1) && nul(2) && text(3) {
        Some("UTF-32 BE")
    } else if text(0) && nul(1) && text(2) && nul(3) {
        Some("UTF-16 LE")
    } else if nul(0) && text(1) && nul(2) && text(3) {
        Some("UTF-16 BE")
    } else {
        None
    }
}

/// The 1-based line and column (in bytes) of byte `at` of a file.
pub fn line_column_at(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = &bytes[..at.min(bytes.len())];
    let line = memchr::memchr_iter(b'\n', before).count() + 1;
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |k| k + 1);
    (line, before.len() - line_start + 1)
}

/// Longest value, in characters, that [`show`] prints whole.
const SHOW_MAX_CHARS: usize = 60;

/// A value from an input file as a message shows it: control characters
/// (newline, ESC, NUL ...) and invisible direction/line-separator characters
/// escaped as `\u{1b}`, and cut to 60 characters with `…`, so that no input
/// can break a one-line message or reach the terminal as a control sequence.
pub fn show(value: &str) -> String {
    let mut out = String::with_capacity(value.len().min(4 * SHOW_MAX_CHARS));
    for (i, c) in value.chars().enumerate() {
        if i == SHOW_MAX_CHARS {
            out.push('…');
            break;
        }
        push_escaped(&mut out, c);
    }
    out
}

/// A whole message with its control characters escaped as [`show`] does
/// (nothing cut): the last guard before a loader's error reaches a terminal.
pub fn one_line(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    for c in message.chars() {
        push_escaped(&mut out, c);
    }
    out
}

/// A loader's error as one plain line (see [`one_line`]), its context chain
/// flattened as `{:#}` prints it.
pub fn plain_error(e: anyhow::Error) -> anyhow::Error {
    anyhow::Error::msg(one_line(&format!("{e:#}")))
}

fn push_escaped(out: &mut String, c: char) {
    let invisible = matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}');
    if c.is_control() || invisible {
        let _ = write!(out, "\\u{{{:x}}}", c as u32);
    } else {
        out.push(c);
    }
}

/// Decode bytes: strip a UTF-8 BOM; fall back to Windows-1252 when not UTF-8.
pub fn decode(bytes: Vec<u8>) -> TextFile {
    let sha256 = sha256_hex(&bytes);
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(body) {
        Ok(s) => TextFile {
            text: s.to_owned(),
            sha256,
            latin1: false,
        },
        Err(_) => {
            let (cow, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(body);
            TextFile {
                text: cow.into_owned(),
                sha256,
                latin1: true,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_stripped_and_latin1_decoded() {
        let t = decode(b"\xEF\xBB\xBFlsoa,pop\n".to_vec());
        assert_eq!(t.text, "lsoa,pop\n");
        assert!(!t.latin1);
        let t = decode(b"ST MARY\xC9S\n".to_vec());
        assert_eq!(t.text, "ST MARY\u{c9}S\n");
        assert!(t.latin1);
    }

    #[test]
    fn show_escapes_and_shortens() {
        assert_eq!(show("a\u{1b}[31mb\n"), "a\\u{1b}[31mb\\u{a}");
        assert_eq!(show(&"x".repeat(61)), format!("{}…", "x".repeat(60)));
        assert_eq!(show("Oakham é"), "Oakham é");
        assert_eq!(one_line("a\r\nb\u{202e}"), "a\\u{d}\\u{a}b\\u{202e}");
    }

    #[test]
    fn wide_encodings_are_recognised() {
        let utf16le: Vec<u8> = "code,pcn\nP1,U1\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(wide_encoding(&utf16le), Some("UTF-16 LE"));
        let utf16be: Vec<u8> = "code,pcn\nP1,U1\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(wide_encoding(&utf16be), Some("UTF-16 BE"));
        let utf32le: Vec<u8> = "code,pcn\n"
            .chars()
            .flat_map(|c| (c as u32).to_le_bytes())
            .collect();
        assert_eq!(wide_encoding(&utf32le), Some("UTF-32 LE"));
        assert_eq!(wide_encoding(b"\xFF\xFEc\0"), Some("UTF-16 LE"));
        assert_eq!(wide_encoding(b"code,pcn\nP1,U1\n"), None);
        assert_eq!(
            wide_encoding("ST MARY\u{c9}S,\u{e9}\u{e9}\u{e9}\n".as_bytes()),
            None
        );
    }

    #[test]
    fn sha256_of_empty() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
