//! `sites.csv`: the sites each practice works from — its main site (the
//! practice's own location in `practices.csv`) and its branch surgeries.
//! Columns `site_code, practice_code, site_name, kind` (`main` | `branch`)
//! and a location as for practices: `easting`/`northing`, `lon`/`lat`, or a
//! `postcode` looked up in Code-Point Open.
//!
//! A `main` row names the practice's main site; its location is the
//! practice's (a `main` row more than [`MAIN_SITE_TOLERANCE_M`] from it is
//! a notice, the practice's location wins). A branch whose practice is not
//! in the dataset (`SITE_WITHOUT_PRACTICE`) or which cannot be located
//! (`SITE_UNLOCATED`) is counted and named in a notice, and left out. Any
//! other bad value is an error naming the file, line and value. An
//! optional `patients` column (`yes` | `no`, empty = yes) marks a branch that
//! serves a closed population (a school or prison surgery): staff visit it,
//! but patients are not sent there and it is not a hub.

use super::codepoint::PostcodeLookup;
use super::columns as c;
use super::table::{ColumnSpec, Row, Table};
use crate::findings::Code;
use crate::model::{Branch, InputFile, Notice, PracticeId};
use anyhow::{Result, bail};
use geo::Coord;
use std::collections::HashMap;
use std::path::Path;

/// A `main` row further than this from the practice's location is noted.
pub const MAIN_SITE_TOLERANCE_M: f64 = 100.0;

const SITE_CODE: ColumnSpec = ColumnSpec::new("site_code", &["branch_code", "code"]);
const SITE_NAME: ColumnSpec = ColumnSpec::new("site_name", &["name", "branch_name"]);
const SITE_KIND: ColumnSpec = ColumnSpec::new("kind", &["site_kind", "type"]);
const SERVES: ColumnSpec = ColumnSpec::new("patients", &["open_to_patients", "serves_patients"]);

/// The branches read, and what could not be used.
#[derive(Debug)]
pub struct LoadedSites {
    pub branches: Vec<Branch>,
    pub notices: Vec<Notice>,
    pub input: InputFile,
}

/// Load `sites.csv` against the practices already loaded (`practices`
/// gives each practice code, upper case, its id and location).
pub fn load_sites(
    path: &Path,
    practices: &HashMap<String, (PracticeId, Option<Coord<f64>>)>,
    postcodes: Option<&PostcodeLookup>,
) -> Result<LoadedSites> {
    let t = Table::open(path)?;
    let code_col = t.require(SITE_CODE)?;
    let practice_col = t.require(c::PRACTICE_CODE)?;
    let name_col = t.optional(SITE_NAME);
    let kind_col = t.require(SITE_KIND)?;
    let postcode_col = t.optional(c::POSTCODE);
    let serves_col = t.optional(SERVES);
    let en = t.optional(c::EASTING).zip(t.optional(c::NORTHING));
    let lonlat = t.optional(c::LON).zip(t.optional(c::LAT));
    if en.is_none() && lonlat.is_none() && (postcode_col.is_none() || postcodes.is_none()) {
        bail!(
            "{}: no location columns: give `easting`,`northing` (British National Grid), `lon`,`lat` (WGS84), or `postcode` with a Code-Point Open folder (--postcodes DIR)",
            t.display()
        );
    }
    let mut out = LoadedSites {
        branches: Vec::new(),
        notices: Vec::new(),
        input: t.input_file("sites", 0),
    };
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut rows = 0u64;
    for row in t.rows() {
        let row = row?;
        rows += 1;
        let code = row.required_str(code_col)?.to_uppercase();
        if let Some(first) = seen.insert(code.clone(), row.line) {
            bail!(
                "{}: site_code {code} is given twice (first on line {first})",
                row.at()
            );
        }
        let practice_code = row.required_str(practice_col)?.to_uppercase();
        let kind = row.required_str(kind_col)?;
        let is_main = match kind.to_ascii_lowercase().as_str() {
            "main" => true,
            "branch" => false,
            _ => bail!(
                "{}: column `kind`: {kind:?} is not `main` or `branch`",
                row.at()
            ),
        };
        let Some(&(practice, practice_at)) = practices.get(&practice_code) else {
            out.notices.push(Notice {
                code: Code::SiteWithoutPractice,
                subject: code.clone(),
                detail: format!(
                    "{}: site {code} names practice {practice_code}, which is not in the practices file; left out",
                    row.at()
                ),
            });
            continue;
        };
        let serves_patients = serves_patients(&row, serves_col)?;
        let at = locate(&row, &code, en, lonlat, postcode_col, postcodes)?;
        if is_main {
            out.notices.extend(main_site_moved(
                &row,
                &code,
                &practice_code,
                at,
                practice_at,
            ));
            continue;
        }
        let postcode = row.opt_str(postcode_col).map(str::to_string);
        if at.is_none() {
            let why = unlocated_why(postcode.as_deref(), postcodes.is_some());
            out.notices.push(Notice {
                code: Code::SiteUnlocated,
                subject: code.clone(),
                detail: format!(
                    "{}: branch {code} of practice {practice_code}: {why}; left out",
                    row.at()
                ),
            });
            continue;
        }
        out.branches.push(Branch {
            code,
            practice,
            name: row.opt_str(name_col).unwrap_or_default().to_string(),
            postcode,
            location: at,
            serves_patients,
        });
    }
    out.input = t.input_file("sites", rows);
    Ok(out)
}

type Pair = Option<super::practices::ColPair>;

/// Why a branch has no location.
fn unlocated_why(postcode: Option<&str>, have_lookup: bool) -> String {
    match (postcode, have_lookup) {
        (Some(pc), true) => format!("postcode {pc} is not in the Code-Point Open lookup"),
        (Some(pc), false) => {
            format!("no coordinates, and postcode {pc} cannot be looked up without --postcodes DIR")
        }
        (None, _) => "no coordinates and no postcode".to_string(),
    }
}

/// The `patients` cell: yes (or empty) / no.
fn serves_patients(row: &Row<'_>, col: Option<super::table::Col>) -> Result<bool> {
    match row.opt_str(col).map(str::to_ascii_lowercase).as_deref() {
        None | Some("yes" | "y" | "true" | "1") => Ok(true),
        Some("no" | "n" | "false" | "0") => Ok(false),
        Some(_) => bail!(
            "{}: column `patients`: {:?} is not yes or no",
            row.at(),
            row.opt_str(col).unwrap_or_default()
        ),
    }
}

/// A notice when a `main` row is more than [`MAIN_SITE_TOLERANCE_M`] from
/// its practice's location (which is used).
fn main_site_moved(
    row: &Row<'_>,
    code: &str,
    practice_code: &str,
    at: Option<Coord<f64>>,
    practice_at: Option<Coord<f64>>,
) -> Option<Notice> {
    let (a, p) = (at?, practice_at?);
    let d = ((a.x - p.x).powi(2) + (a.y - p.y).powi(2)).sqrt();
    (d > MAIN_SITE_TOLERANCE_M).then(|| Notice {
        code: Code::SiteUnlocated,
        subject: code.to_string(),
        detail: format!(
            "{}: main site {code} is {d:.0} m from practice {practice_code}'s location in the practices file; the practice's location is used",
            row.at()
        ),
    })
}

/// The row's easting/northing, else lon/lat, else its postcode's location.
fn locate(
    row: &Row<'_>,
    code: &str,
    en: Pair,
    lonlat: Pair,
    postcode_col: Option<super::table::Col>,
    postcodes: Option<&PostcodeLookup>,
) -> Result<Option<Coord<f64>>> {
    if let Some(c) = super::practices::coordinates(row, &format!("site {code}"), en, lonlat)? {
        return Ok(Some(c));
    }
    Ok(row
        .opt_str(postcode_col)
        .zip(postcodes)
        .and_then(|(pc, l)| l.get(pc)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn practices() -> HashMap<String, (PracticeId, Option<Coord<f64>>)> {
        [
            (
                "P1".to_string(),
                (
                    PracticeId(0),
                    Some(Coord {
                        x: 1000.0,
                        y: 1000.0,
                    }),
                ),
            ),
            ("P2".to_string(), (PracticeId(1), None)),
        ]
        .into_iter()
        .collect()
    }

    fn write(body: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("sites.csv");
        std::fs::write(&p, body).unwrap();
        (d, p)
    }

    #[test]
    fn branches_read_main_rows_checked_unknown_and_unlocated_noted() {
        let (_d, p) = write(
            "site_code,practice_code,site_name,kind,easting,northing\n\
             P1,P1,Main,main,1000,1000\n\
             P1001,p1,Village branch,branch,5000,1000\n\
             P9001,P9,Orphan,branch,5000,1000\n\
             P2001,P2,Nowhere,branch,,\n\
             P2,P2,Far main,main,9000,9000\n",
        );
        let s = load_sites(&p, &practices(), None).unwrap();
        assert_eq!(s.branches.len(), 1);
        let b = &s.branches[0];
        assert_eq!((b.code.as_str(), b.practice), ("P1001", PracticeId(0)));
        assert_eq!(
            b.location,
            Some(Coord {
                x: 5000.0,
                y: 1000.0
            })
        );
        let codes: Vec<(Code, &str)> = s
            .notices
            .iter()
            .map(|n| (n.code, n.subject.as_str()))
            .collect();
        assert_eq!(
            codes,
            vec![
                (Code::SiteWithoutPractice, "P9001"),
                (Code::SiteUnlocated, "P2001")
            ]
        );
        assert!(s.notices[0].detail.contains("sites.csv:4"));
        assert_eq!(s.input.rows, 5);
    }

    #[test]
    fn patients_column_marks_closed_population_sites() {
        let (_d, p) = write(
            "site_code,practice_code,kind,easting,northing,patients\n\
             P1001,P1,branch,5000,1000,no\n\
             P1002,P1,branch,6000,1000,\n\
             P1003,P1,branch,7000,1000,Yes\n",
        );
        let s = load_sites(&p, &practices(), None).unwrap();
        let serves: Vec<bool> = s.branches.iter().map(|b| b.serves_patients).collect();
        assert_eq!(serves, vec![false, true, true]);
        let (_d, p) = write(
            "site_code,practice_code,kind,easting,northing,patients\nP1001,P1,branch,5000,1000,pupils\n",
        );
        let e = load_sites(&p, &practices(), None).unwrap_err().to_string();
        assert!(e.contains("sites.csv:2") && e.contains("\"pupils\""), "{e}");
    }

    #[test]
    fn bad_kind_duplicate_code_and_far_main_site() {
        let (_d, p) = write("site_code,practice_code,kind,easting,northing\nP1,P1,hub,1,1\n");
        let e = load_sites(&p, &practices(), None).unwrap_err().to_string();
        assert!(e.contains("sites.csv:2") && e.contains("\"hub\""), "{e}");
        let (_d, p) = write(
            "site_code,practice_code,kind,easting,northing\nP1001,P1,branch,1,1\nP1001,P1,branch,1,1\n",
        );
        let e = load_sites(&p, &practices(), None).unwrap_err().to_string();
        assert!(e.contains("sites.csv:3") && e.contains("line 2"), "{e}");
        let (_d, p) =
            write("site_code,practice_code,kind,easting,northing\nP1,P1,main,1000,1500\n");
        let s = load_sites(&p, &practices(), None).unwrap();
        assert!(s.branches.is_empty());
        assert!(s.notices[0].detail.contains("500 m"), "{:?}", s.notices);
    }
}
