//! Postcode → British National Grid lookup from OS Code-Point Open, in its
//! own layout: `Data/CSV/<area>.csv`, no header, columns `Postcode,
//! Positional_quality_indicator, Eastings, Northings, ...`. A postcode with
//! positional quality 90 has no coordinates and is treated as absent.

use super::table::parse_f64;
use super::text::read_text;
use crate::model::InputFile;
use anyhow::{Context, Result, bail};
use geo::Coord;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Normalise a postcode for lookup: upper case, no spaces (`le15 6qs` → `LE156QS`).
pub fn normalise_postcode(pc: &str) -> String {
    pc.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Postcodes and their grid references.
#[derive(Default, Debug)]
pub struct PostcodeLookup {
    map: HashMap<String, Coord<f64>>,
    /// Postcodes present but without coordinates (quality 90).
    pub without_coordinates: u64,
    pub input: Option<InputFile>,
}

impl PostcodeLookup {
    /// Look a postcode up (any spacing or case).
    pub fn get(&self, postcode: &str) -> Option<Coord<f64>> {
        self.map.get(&normalise_postcode(postcode)).copied()
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Load a Code-Point Open folder: the product's top folder (with
    /// `Data/CSV/`), the `Data/CSV` folder itself, or one CSV file.
    pub fn load(path: &Path) -> Result<PostcodeLookup> {
        let files = codepoint_files(path)?;
        let mut out = PostcodeLookup::default();
        let mut hasher_input = String::new();
        let mut rows = 0u64;
        for f in &files {
            let text = read_text(f)?;
            hasher_input.push_str(&text.sha256);
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.text.as_bytes());
            for rec in rdr.records() {
                let rec = rec.with_context(|| format!("{}: malformed CSV", f.display()))?;
                let line = rec.position().map_or(0, |p| p.line());
                if rec.len() < 4 {
                    bail!(
                        "{}:{line}: expected at least 4 columns (Postcode, quality, Eastings, Northings), found {}",
                        f.display(),
                        rec.len()
                    );
                }
                rows += 1;
                let quality = rec[1].trim();
                if quality == "90" {
                    out.without_coordinates += 1;
                    continue;
                }
                let e = parse_f64(&rec[2])
                    .map_err(|why| anyhow::anyhow!("{}:{line}: Eastings {why}", f.display()))?;
                let n = parse_f64(&rec[3])
                    .map_err(|why| anyhow::anyhow!("{}:{line}: Northings {why}", f.display()))?;
                if let Some(why) = crate::coords::check_bng(e, n) {
                    bail!("{}:{line}: postcode {}: {why}", f.display(), rec[0].trim());
                }
                out.map
                    .insert(normalise_postcode(&rec[0]), Coord { x: e, y: n });
            }
        }
        out.input = Some(InputFile {
            role: "postcodes".into(),
            path: path.display().to_string(),
            sha256: super::text::sha256_hex(hasher_input.as_bytes()),
            rows,
            ..Default::default()
        });
        Ok(out)
    }
}

fn codepoint_files(path: &Path) -> Result<Vec<PathBuf>> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let dir = if path.join("Data").join("CSV").is_dir() {
        path.join("Data").join("CSV")
    } else {
        path.to_path_buf()
    };
    let rd = std::fs::read_dir(&dir)
        .with_context(|| format!("{}: cannot read the Code-Point Open folder", dir.display()))?;
    let mut files = Vec::new();
    for entry in rd {
        let p = entry
            .with_context(|| format!("{}: cannot list", dir.display()))?
            .path();
        if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
            files.push(p);
        }
    }
    files.sort();
    if files.is_empty() {
        bail!(
            "{}: no .csv files; expected Code-Point Open's Data/CSV/<area>.csv layout",
            path.display()
        );
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_codepoint_layout() {
        let dir = tempfile::tempdir().unwrap();
        let csvdir = dir.path().join("Data").join("CSV");
        std::fs::create_dir_all(&csvdir).unwrap();
        std::fs::write(
            csvdir.join("le.csv"),
            "\"LE15 6QS\",10,486123,308456,\"E92000001\"\n\"LE15 9ZZ\",90,0,0,\"\"\n",
        )
        .unwrap();
        let l = PostcodeLookup::load(dir.path()).unwrap();
        assert_eq!(
            l.get("le15 6qs"),
            Some(Coord {
                x: 486123.0,
                y: 308456.0
            })
        );
        assert_eq!(
            l.get("LE156QS"),
            Some(Coord {
                x: 486123.0,
                y: 308456.0
            })
        );
        assert_eq!(l.get("LE15 9ZZ"), None);
        assert_eq!(l.without_coordinates, 1);
    }

    #[test]
    fn bad_eastings_name_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.csv"), "\"AB1 1AA\",10,12x,5\n").unwrap();
        let err = PostcodeLookup::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("a.csv:1") && err.contains("12x"), "{err}");
    }
}
