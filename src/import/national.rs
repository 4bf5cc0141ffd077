//! The national files read by `import`: NHS Digital's PCN map, list sizes
//! and registrations by area, and NHS ODS `epraccur`. (Postcodes and the ONS
//! area files are read by `load::codepoint` and `load::areas`.)

use crate::load::columns as c;
use crate::load::table::{ColumnSpec, Table};
use crate::model::{InputFile, OrgUnits};
use anyhow::{Context, Result, bail};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// A practice as the PCN map lists it.
pub(super) struct MapPractice {
    pub code: String,
    pub name: String,
    pub postcode: String,
    pub pcn_code: String,
    pub pcn_name: String,
    /// Sub-ICB location, ICB and region (empty when the map has none).
    pub org: OrgUnits,
}

/// A practice as NHS ODS `epraccur` lists it.
pub(super) struct OdsRecord {
    pub name: String,
    pub postcode: String,
    pub status: String,
}

pub(super) fn read_map(path: &Path, inputs: &mut Vec<InputFile>) -> Result<Vec<MapPractice>> {
    let t = Table::open(path)?;
    let code = t.require(c::PRACTICE_CODE)?;
    let name = t.require(c::PRACTICE_NAME)?;
    let postcode = t.require(c::POSTCODE)?;
    let pcn = t.require(c::PCN_CODE)?;
    let pcn_name = t.require(c::PCN_NAME)?;
    let org_cols = [
        t.optional(c::SUB_ICB_CODE),
        t.optional(c::SUB_ICB_NAME),
        t.optional(c::ICB_CODE),
        t.optional(c::ICB_NAME),
        t.optional(c::REGION_CODE),
    ];
    let mut out = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for row in t.rows() {
        let row = row?;
        let code = row.required_str(code)?.to_string();
        if let Some(first) = seen.insert(code.clone(), row.line) {
            bail!(
                "{}: practice {code} appears twice (first on line {first})",
                row.at()
            );
        }
        let (mut pcn_code, mut pcn_name) =
            (row.str(pcn).to_string(), row.str(pcn_name).to_string());
        if is_unallocated(&pcn_code, &pcn_name) {
            pcn_code.clear();
            pcn_name.clear();
        }
        out.push(MapPractice {
            code,
            name: row.str(name).to_string(),
            postcode: row.str(postcode).to_string(),
            pcn_code,
            pcn_name,
            org: {
                let [a, b, c, d, e] =
                    org_cols.map(|col| row.opt_str(col).unwrap_or("").to_string());
                OrgUnits {
                    sub_icb_code: a,
                    sub_icb_name: b,
                    icb_code: c,
                    icb_name: d,
                    region_code: e,
                }
            },
        });
    }
    inputs.push(t.input_file("pcn_map", out.len() as u64));
    Ok(out)
}

/// NHS Digital's map gives practices outside any network the pseudo-PCN
/// code `U`, name `Unallocated` (68 practices in January 2022). They are
/// practices without a PCN, not a network of their own.
pub fn is_unallocated(code: &str, name: &str) -> bool {
    code.trim().eq_ignore_ascii_case("U") || name.trim().eq_ignore_ascii_case("Unallocated")
}

/// List size and postcode per practice code.
pub(super) fn read_list_sizes(
    path: &Path,
    inputs: &mut Vec<InputFile>,
) -> Result<BTreeMap<String, (u64, String)>> {
    const SEX: ColumnSpec = ColumnSpec::new("SEX", &[]);
    const AGE: ColumnSpec = ColumnSpec::new("AGE", &[]);
    let t = Table::open(path)?;
    let code = t.require(c::PRACTICE_CODE)?;
    let n = t.require(c::LIST_SIZE)?;
    let sex = t.optional(SEX);
    let age = t.optional(AGE);
    let postcode = t.optional(c::POSTCODE);
    let mut out = BTreeMap::new();
    let mut rows = 0;
    for row in t.rows() {
        let row = row?;
        rows += 1;
        // Files broken down by sex/age: keep only the all-persons totals.
        if sex.is_some_and(|c| !row.str(c).eq_ignore_ascii_case("ALL"))
            || age.is_some_and(|c| !row.str(c).eq_ignore_ascii_case("ALL"))
        {
            continue;
        }
        let k = row.required_str(code)?.to_string();
        let v = row.count(n)?;
        let pc = row.opt_str(postcode).unwrap_or("").to_string();
        if out.insert(k.clone(), (v, pc)).is_some() {
            bail!("{}: practice {k} has two list-size rows", row.at());
        }
    }
    inputs.push(t.input_file("list_sizes", rows));
    Ok(out)
}

/// NHS ODS `epraccur`: no header; column 1 code, 2 name, 10 postcode,
/// 13 status (A active, C closed, D dormant, P proposed).
pub(super) fn read_epraccur(
    path: &Path,
    inputs: &mut Vec<InputFile>,
) -> Result<HashMap<String, OdsRecord>> {
    let text = crate::load::text::read_text(path)?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.text.as_bytes());
    let mut out = HashMap::new();
    let mut rows = 0;
    for rec in rdr.records() {
        let rec = rec.with_context(|| format!("{}: malformed CSV", path.display()))?;
        let line = rec.position().map_or(0, |p| p.line());
        if rec.len() < 13 {
            bail!(
                "{}:{line}: expected the epraccur layout (at least 13 columns), found {}",
                path.display(),
                rec.len()
            );
        }
        rows += 1;
        out.insert(
            rec[0].trim().to_string(),
            OdsRecord {
                name: rec[1].trim().to_string(),
                postcode: rec[9].trim().to_string(),
                status: rec[12].trim().to_string(),
            },
        );
    }
    inputs.push(InputFile {
        role: "epraccur".into(),
        path: path.display().to_string(),
        sha256: text.sha256,
        rows,
        ..Default::default()
    });
    Ok(out)
}

/// A row of the registrations-by-area file.
pub(super) struct RegRow {
    pub practice: String,
    pub area: String,
    pub patients: u64,
}

pub(super) fn read_registrations(path: &Path, inputs: &mut Vec<InputFile>) -> Result<Vec<RegRow>> {
    let t = Table::open(path)?;
    let pc = t.require(c::PRACTICE_CODE)?;
    let ac = t.require(c::AREA_CODE)?;
    let nc = t.require(c::PATIENTS)?;
    let mut out = Vec::new();
    for row in t.rows() {
        let row = row?;
        out.push(RegRow {
            practice: row.required_str(pc)?.to_string(),
            area: row.required_str(ac)?.to_string(),
            patients: row.count(nc)?,
        });
    }
    inputs.push(t.input_file("registrations", out.len() as u64));
    Ok(out)
}
