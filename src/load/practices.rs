//! `practices.csv`: one row per GP practice with its PCN, list size and a
//! location given as `lon`/`lat` (WGS84), `easting`/`northing` (EPSG:27700)
//! or a `postcode` looked up in Code-Point Open. Practice codes are ODS
//! codes, which are case-insensitive: they are read in upper case, and a code
//! that another line spells in other case is the same practice (a notice
//! names both lines).

use super::codepoint::PostcodeLookup;
use super::columns as c;
use super::table::{Col, ColumnSpec, Row, Table};
use super::text::show;
use crate::coords::{check_bng, check_wgs84, wgs84_to_bng};
use crate::model::{InputFile, Notice, OrgUnits, Pcn, PcnId, Practice, PracticeId, pcn_org};
use anyhow::{Result, bail};
use geo::Coord;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Practices and the PCNs they name.
pub struct LoadedPractices {
    pub practices: Vec<Practice>,
    /// Sorted by PCN code.
    pub pcns: Vec<Pcn>,
    pub notices: Vec<Notice>,
    pub input: InputFile,
}

pub(super) type ColPair = (Col, Col);

/// The columns of a practices table.
struct Columns {
    code: Col,
    name: Option<Col>,
    pcn: Col,
    pcn_name: Option<Col>,
    list: Col,
    postcode: Option<Col>,
    lonlat: Option<ColPair>,
    en: Option<ColPair>,
    /// Sub-ICB code and name, ICB code and name, region code (optional:
    /// files written before issue 14 have none).
    org: [Option<Col>; 5],
}

impl Columns {
    /// Find the columns; the file must name PCNs and give some way to
    /// locate practices.
    fn find(table: &Table, postcodes: Option<&PostcodeLookup>) -> Result<Columns> {
        let code = table.require(c::PRACTICE_CODE)?;
        let pcn = table.require(c::PCN_CODE)?;
        let postcode = table.optional(c::POSTCODE);
        let lonlat = both(table, c::LON, c::LAT)?;
        let en = both(table, c::EASTING, c::NORTHING)?;
        if lonlat.is_none() && en.is_none() && (postcode.is_none() || postcodes.is_none()) {
            bail!(
                "{}: no location columns: give `lon`,`lat` (WGS84), `easting`,`northing` (British National Grid), or `postcode` with a Code-Point Open folder (--postcodes DIR)",
                table.display()
            );
        }
        let list = table.require(c::LIST_SIZE)?;
        Ok(Columns {
            code,
            name: table.optional(c::PRACTICE_NAME),
            pcn,
            pcn_name: table.optional(c::PCN_NAME),
            list,
            postcode,
            lonlat,
            en,
            org: c::org_columns(table),
        })
    }
}

/// Both columns of a pair, or neither.
fn both(table: &Table, a: ColumnSpec, b: ColumnSpec) -> Result<Option<ColPair>> {
    match (table.optional(a), table.optional(b)) {
        (Some(x), Some(y)) => Ok(Some((x, y))),
        (None, None) => Ok(None),
        _ => bail!(
            "{}: has only one of the columns `{}`, `{}`",
            table.display(),
            a.name,
            b.name
        ),
    }
}

/// Practices read so far.
#[derive(Default)]
struct Reading {
    practices: Vec<Practice>,
    /// Each practice's PCN code, until PCN ids are assigned (in code order).
    practice_pcn: Vec<Option<String>>,
    /// Row, line and spelling (as written) of each practice code.
    by_code: HashMap<String, (usize, u64, String)>,
    /// Each PCN's name and the line that first named it.
    pcn_names: BTreeMap<String, (String, u64)>,
    notices: Vec<Notice>,
}

/// Load a practices CSV. `postcodes` is needed only when some row has no
/// coordinates but a postcode.
pub fn load_practices(path: &Path, postcodes: Option<&PostcodeLookup>) -> Result<LoadedPractices> {
    let table = Table::open(path)?;
    let cols = Columns::find(&table, postcodes)?;
    let mut r = Reading::default();
    let mut rows = 0u64;
    for row in table.rows() {
        rows += 1;
        r.add(&row?, &cols, postcodes)?;
    }
    if rows == 0 {
        bail!(
            "{}: no practices (the file has a header but no rows)",
            table.display()
        );
    }
    let pcns = r.assign_pcns();
    Ok(LoadedPractices {
        practices: r.practices,
        pcns,
        notices: r.notices,
        input: table.input_file("practices", rows),
    })
}

impl Reading {
    /// One row: a new practice, an exact repeat (noted and ignored) or an
    /// error for a repeated code with other values. Codes compare in upper
    /// case; a repeat spelt in other case is noted as such.
    fn add(
        &mut self,
        row: &Row<'_>,
        cols: &Columns,
        postcodes: Option<&PostcodeLookup>,
    ) -> Result<()> {
        let written = row.required_str(cols.code)?;
        let code = written.to_ascii_uppercase();
        let what = format!("practice {code}'s name");
        let name = clean_name(row, cols.name, &code, &what, &mut self.notices).unwrap_or_default();
        let pcn_code = row.opt_str(Some(cols.pcn)).map(str::to_string);
        let list_size = c::opt_at_most(
            row,
            Some(cols.list),
            row.opt_count(Some(cols.list))?,
            c::MAX_LIST_SIZE,
        )?;
        let postcode = row.opt_str(cols.postcode).map(str::to_string);
        let location = locate(
            row,
            &code,
            cols,
            postcode.as_deref(),
            postcodes,
            &mut self.notices,
        )?;
        let org = c::read_org(row, &cols.org);
        if let Some((prev, prev_line, prev_written)) = self.by_code.get(&code) {
            let p: &Practice = &self.practices[*prev];
            let same = p.name == name
                && p.org == org
                && p.list_size == list_size
                && p.location == location
                && self.practice_pcn[*prev] == pcn_code;
            let shown = show(written);
            let case = if written == prev_written {
                String::new()
            } else {
                format!(
                    "; codes are case-insensitive: line {prev_line} has `{}`",
                    show(prev_written)
                )
            };
            if same {
                self.notices.push(Notice {
                    code: crate::findings::Code::DuplicateCode,
                    subject: code.clone(),
                    detail: format!(
                        "{}: practice `{shown}` repeats line {prev_line} exactly; the repeat is ignored{case}",
                        row.at()
                    ),
                });
                return Ok(());
            }
            bail!(
                "{}: duplicate practice_code `{shown}` (first on line {prev_line}) with different values{case}",
                row.at()
            );
        }

        self.note_pcn_and_list_size(row, &code, cols, pcn_code.as_ref(), list_size);
        self.by_code.insert(
            code.clone(),
            (self.practices.len(), row.line, written.to_string()),
        );
        self.practices.push(Practice {
            code,
            name,
            pcn: None,
            list_size,
            postcode,
            location,
            org,
        });
        self.practice_pcn.push(pcn_code);
        Ok(())
    }

    /// The PCN's name (the first one given wins), and notices for a
    /// practice without a PCN or a list size.
    fn note_pcn_and_list_size(
        &mut self,
        row: &Row<'_>,
        code: &str,
        cols: &Columns,
        pcn_code: Option<&String>,
        list_size: Option<u64>,
    ) {
        let (pcn_names, notices) = (&mut self.pcn_names, &mut self.notices);
        let pcn_name_col = cols.pcn_name;
        if let Some(pc) = pcn_code {
            let what = format!("PCN {pc}'s name");
            let pname =
                clean_name(row, pcn_name_col, pc, &what, notices).unwrap_or_else(|| pc.clone());
            match pcn_names.get(pc) {
                None => {
                    pcn_names.insert(pc.clone(), (pname, row.line));
                }
                Some((existing, first_line)) if *existing != pname => {
                    notices.push(Notice {
                        code: crate::findings::Code::PcnNameMismatch,
                        subject: pc.clone(),
                        detail: format!(
                            "{}: PCN {pc} is named `{pname}` here but `{existing}` on line {first_line}; the first is used",
                            row.at()
                        ),
                    });
                }
                Some(_) => {}
            }
        } else {
            notices.push(Notice {
                code: crate::findings::Code::PracticeWithoutPcn,
                subject: code.to_string(),
                detail: format!("{}: practice {code} has no pcn_code", row.at()),
            });
        }
        if list_size.is_none() {
            notices.push(Notice {
                code: crate::findings::Code::PracticeWithoutListSize,
                subject: code.to_string(),
                detail: format!(
                    "{}: practice {code} has no list_size; it counts as 0 towards its PCN's population",
                    row.at()
                ),
            });
        }
    }

    /// PCN ids in code order, and each practice's PCN.
    fn assign_pcns(&mut self) -> Vec<Pcn> {
        let (pcn_names, practices, practice_pcn) =
            (&self.pcn_names, &mut self.practices, &self.practice_pcn);
        // PCN ids in code order.
        let codes: Vec<String> = pcn_names.keys().cloned().collect();
        let id_of: HashMap<&str, PcnId> = codes
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_str(), PcnId::from_idx(i)))
            .collect();
        let mut pcns: Vec<Pcn> = codes
            .iter()
            .map(|code| Pcn {
                code: code.clone(),
                name: pcn_names[code].0.clone(),
                practices: Vec::new(),
                org: OrgUnits::default(),
            })
            .collect();
        for (i, (p, code)) in practices.iter_mut().zip(practice_pcn.iter()).enumerate() {
            if let Some(&id) = code.as_deref().and_then(|c| id_of.get(c)) {
                p.pcn = Some(id);
                pcns[id.idx()].practices.push(PracticeId::from_idx(i));
            }
        }
        for pcn in &mut pcns {
            let (org, all) = pcn_org(practices, &pcn.practices);
            if !all.is_empty() {
                self.notices.push(pcn_spans_notice(pcn, &org, &all));
            }
            pcn.org = org;
        }
        pcns
    }
}

/// `PCN_SPANS_SUB_ICBS`: the PCN's practices are in more than one org.
fn pcn_spans_notice(pcn: &Pcn, org: &OrgUnits, all: &[OrgUnits]) -> Notice {
    let listed: Vec<String> = all
        .iter()
        .map(|o| format!("{}/{}", show_code(&o.sub_icb_code), show_code(&o.icb_code)))
        .collect();
    Notice {
        code: crate::findings::Code::PcnSpansSubIcbs,
        subject: pcn.code.clone(),
        detail: format!(
            "PCN {}'s practices are in sub-ICB/ICB {}; the PCN takes {}/{} (the largest list size, ties by code)",
            pcn.code,
            listed.join(", "),
            show_code(&org.sub_icb_code),
            show_code(&org.icb_code)
        ),
    }
}

/// A code for a message: `-` when empty.
fn show_code(c: &str) -> &str {
    if c.is_empty() { "-" } else { c }
}

/// A name column's text with control characters replaced by spaces
/// (`safe_text::clean_name`), and a notice naming file, line and the value
/// when any were; `None` when the column is absent or empty.
fn clean_name(
    row: &Row<'_>,
    col: Option<Col>,
    subject: &str,
    what: &str,
    notices: &mut Vec<Notice>,
) -> Option<String> {
    let raw = row.opt_str(col)?;
    let Some(clean) = crate::safe_text::clean_name(raw) else {
        return Some(raw.to_string());
    };
    notices.push(Notice {
        code: crate::findings::Code::NameControlCharacters,
        subject: subject.to_string(),
        detail: crate::safe_text::clean_name_detail(&row.at(), what, raw),
    });
    Some(clean)
}

/// A practice's location from whichever columns the row fills: easting/
/// northing first (no conversion loss), then lon/lat, then the postcode.
fn locate(
    row: &Row<'_>,
    code: &str,
    cols: &Columns,
    postcode: Option<&str>,
    postcodes: Option<&PostcodeLookup>,
    notices: &mut Vec<Notice>,
) -> Result<Option<Coord<f64>>> {
    if let Some(c) = locate_by_coordinates(row, code, cols)? {
        return Ok(Some(c));
    }
    let Some(pc) = postcode else {
        notices.push(Notice {
            code: crate::findings::Code::PracticeUnlocated,
            subject: code.to_string(),
            detail: format!(
                "{}: practice {code} has no coordinates and no postcode",
                row.at()
            ),
        });
        return Ok(None);
    };
    let Some(lookup) = postcodes else {
        // Only reached when the file has coordinate columns (without them
        // a lookup is required up front): the row leaves them empty, so
        // whoever wrote the file could not geocode the postcode. A dataset
        // made by `import` says why in its import report
        // (see `load::dataset`).
        let cols = if cols.en.is_some() {
            "easting/northing"
        } else {
            "lon/lat"
        };
        notices.push(Notice {
            code: crate::findings::Code::PracticeUnlocated,
            subject: code.to_string(),
            detail: format!(
                "{}: practice {code} has no coordinates: its {cols} cells are empty, so its postcode {pc} was not geocoded when the file was written (give --postcodes DIR, a Code-Point Open folder, to look it up here)",
                row.at()
            ),
        });
        return Ok(None);
    };
    match lookup.get(pc) {
        Some(p) => Ok(Some(p)),
        None => {
            notices.push(Notice {
                code: crate::findings::Code::PracticeUnlocated,
                subject: code.to_string(),
                detail: format!(
                    "{}: practice {code}: postcode {pc} is not in the Code-Point Open lookup",
                    row.at()
                ),
            });
            Ok(None)
        }
    }
}

/// The row's easting/northing or lon/lat, checked; `None` when both pairs
/// are empty (or absent).
fn locate_by_coordinates(row: &Row<'_>, code: &str, cols: &Columns) -> Result<Option<Coord<f64>>> {
    coordinates(row, &format!("practice {code}"), cols.en, cols.lonlat)
}

/// A row's location from its easting/northing (`en`) else lon/lat
/// columns, checked (errors name `what`, e.g. "practice A81001"); `None`
/// when both pairs are empty or absent.
pub(super) fn coordinates(
    row: &Row<'_>,
    what: &str,
    en: Option<ColPair>,
    lonlat: Option<ColPair>,
) -> Result<Option<Coord<f64>>> {
    if let Some((ce, cn)) = en {
        match (row.opt_f64(Some(ce))?, row.opt_f64(Some(cn))?) {
            (Some(e), Some(n)) => {
                if let Some(why) = check_bng(e, n) {
                    bail!("{}: {what}: {why}", row.at());
                }
                return Ok(Some(Coord { x: e, y: n }));
            }
            (None, None) => {}
            _ => bail!(
                "{}: {what}: only one of easting/northing is given",
                row.at()
            ),
        }
    }
    if let Some((clon, clat)) = lonlat {
        match (row.opt_f64(Some(clon))?, row.opt_f64(Some(clat))?) {
            (Some(lon), Some(lat)) => {
                if let Some(why) = check_wgs84(lon, lat) {
                    bail!("{}: {what}: {why}", row.at());
                }
                return Ok(Some(wgs84_to_bng(lon, lat)));
            }
            (None, None) => {}
            _ => bail!("{}: {what}: only one of lon/lat is given", row.at()),
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, body: &str) -> std::path::PathBuf {
        let p = dir.join("practices.csv");
        std::fs::write(&p, body).unwrap();
        p
    }

    #[test]
    fn loads_lonlat_and_groups_pcns_in_code_order() {
        let d = tempfile::tempdir().unwrap();
        let p = write(
            d.path(),
            "practice_code,practice_name,pcn_code,pcn_name,list_size,lon,lat\n\
             C82010,OAKHAM MEDICAL PRACTICE,U67590,RUTLAND HEALTH PCN,\"14,000\",-0.7260,52.6700\n\
             A00001,OTHER,U00001,ALPHA PCN,9000,-1.0,52.0\n\
             A00002,NO PCN,,,,-1.0,52.1\n",
        );
        let l = load_practices(&p, None).unwrap();
        assert_eq!(l.practices.len(), 3);
        assert_eq!(l.pcns.len(), 2);
        assert_eq!(l.pcns[0].code, "U00001");
        assert_eq!(l.pcns[1].practices, vec![PracticeId(0)]);
        assert_eq!(l.practices[0].list_size, Some(14_000));
        assert_eq!(l.practices[0].pcn, Some(PcnId(1)));
        let codes: Vec<_> = l.notices.iter().map(|n| n.code.as_str()).collect();
        assert_eq!(
            codes,
            vec!["PRACTICE_WITHOUT_PCN", "PRACTICE_WITHOUT_LIST_SIZE"]
        );
        let loc = l.practices[0].location.unwrap();
        assert!((loc.x - 485_000.0).abs() < 2_000.0 && (loc.y - 308_000.0).abs() < 2_000.0);
    }

    #[test]
    fn swapped_latlon_is_an_error_naming_line_and_value() {
        let d = tempfile::tempdir().unwrap();
        let p = write(
            d.path(),
            "practice_code,pcn_code,list_size,lon,lat\nX1,U1,10,52.67,-0.726\n",
        );
        let err = format!("{:#}", load_practices(&p, None).err().unwrap());
        assert!(
            err.contains("practices.csv:2") && err.contains("swapped") && err.contains("52.67"),
            "{err}"
        );
    }

    #[test]
    fn duplicates_exact_are_notices_conflicting_are_errors() {
        let d = tempfile::tempdir().unwrap();
        let p = write(
            d.path(),
            "practice_code,pcn_code,list_size,easting,northing\nX1,U1,10,480000,300000\nX1,U1,10,480000,300000\n",
        );
        let l = load_practices(&p, None).unwrap();
        assert_eq!(l.practices.len(), 1);
        assert_eq!(l.notices[0].code, "DUPLICATE_CODE");
        let p = write(
            d.path(),
            "practice_code,pcn_code,list_size,easting,northing\nX1,U1,10,480000,300000\nX1,U1,11,480000,300000\n",
        );
        let err = load_practices(&p, None).err().unwrap().to_string();
        assert!(err.contains(":3") && err.contains("X1"), "{err}");
    }

    #[test]
    fn bad_list_size_names_column_and_value() {
        let d = tempfile::tempdir().unwrap();
        let p = write(
            d.path(),
            "CODE,PCN_CODE,NUMBER_OF_PATIENTS,easting,northing\nX1,U1,12a,480000,300000\n",
        );
        let err = load_practices(&p, None).err().unwrap().to_string();
        assert!(
            err.contains("practices.csv:2") && err.contains("list_size") && err.contains("12a"),
            "{err}"
        );
    }

    #[test]
    fn postcode_without_lookup_is_an_error_and_missing_postcode_a_notice() {
        let d = tempfile::tempdir().unwrap();
        let p = write(
            d.path(),
            "practice_code,pcn_code,list_size,postcode\nX1,U1,10,LE15 6QS\n",
        );
        assert!(load_practices(&p, None).is_err());
        let lookup = PostcodeLookup::default();
        let l = load_practices(&p, Some(&lookup)).unwrap();
        assert_eq!(l.practices[0].location, None);
        assert_eq!(l.notices[0].code, "PRACTICE_UNLOCATED");
    }
}
