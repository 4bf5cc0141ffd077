//! Reading input files as text: UTF-8 with or without a byte-order mark, or
//! Windows-1252/Latin-1 (NHS ODS files such as `epraccur`), plus the SHA-256
//! of the bytes for the report.

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
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
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest.iter() {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Read a whole file and decode it.
pub fn read_text(path: &Path) -> Result<TextFile> {
    let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    Ok(decode(bytes))
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
    fn sha256_of_empty() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
