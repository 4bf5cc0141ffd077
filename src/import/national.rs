//! The national files read by `import`: NHS Digital's PCN map, list sizes
//! and registrations by area, and NHS ODS `epraccur`. (Postcodes and the ONS
//! area files are read by `load::codepoint` and `load::areas`.)

use super::list_size::{ListSizes, Source};
use crate::load::columns as c;
use crate::load::edition::{self, Date};
use crate::load::table::{Col, ColumnSpec, Row, Table};
use crate::load::text::show;
use crate::model::{InputFile, OrgUnits};
use anyhow::{Context, Result, bail};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// The publishers' names of the files read here (as `InputFile.product`).
pub(super) use crate::load::sources::{
    PRODUCT_EPRACCUR, PRODUCT_LIST_SIZES, PRODUCT_MAP, PRODUCT_REGISTRATIONS, PRODUCT_SING_AGE,
};

/// `EXTRACT_DATE`, the date of the extract every NHS England file carries.
pub(super) const EXTRACT_DATE: ColumnSpec = ColumnSpec::new("EXTRACT_DATE", &[]);
/// `SEX` of the files broken down by sex (`ALL`, `MALE`, `FEMALE`).
pub(super) const SEX: ColumnSpec = ColumnSpec::new("SEX", &[]);
/// `AGE` of the files broken down by age (`ALL`, `0`…`94`, `95+`).
pub(super) const AGE: ColumnSpec = ColumnSpec::new("AGE", &[]);

/// The one edition of a file: every row's `EXTRACT_DATE` parsed and
/// compared with the first row's. An unknown form, or a second date, is an
/// error naming the file, the line and the value(s).
#[derive(Default)]
pub(super) struct Edition {
    col: Option<Col>,
    /// The first row's date, its text and line.
    first: Option<(Date, String, u64)>,
}

impl Edition {
    pub fn of(t: &Table) -> Edition {
        Edition {
            col: t.optional(EXTRACT_DATE),
            first: None,
        }
    }

    /// Read one row's `EXTRACT_DATE` (nothing when the file has no such column).
    pub fn see(&mut self, row: &Row) -> Result<()> {
        let Some(col) = self.col else {
            return Ok(());
        };
        let v = row.str(col);
        if let Some((_, text, _)) = &self.first
            && text == v
        {
            return Ok(());
        }
        let d = Date::parse_extract(v).ok_or_else(|| edition::unknown_form(&row.at(), v))?;
        match &self.first {
            None => self.first = Some((d, v.to_string(), row.line)),
            Some((first, text, line)) if *first != d => bail!(
                "{}: EXTRACT_DATE `{}` differs from `{}` on line {line}: one file must be one edition",
                row.at(),
                show(v),
                show(text)
            ),
            Some(_) => {}
        }
        Ok(())
    }

    pub fn date(&self) -> Option<Date> {
        self.first.as_ref().map(|f| f.0)
    }

    /// The file as an input of the report, with its product and edition.
    pub fn input_file(&self, t: &Table, role: &str, product: &str, rows: u64) -> InputFile {
        InputFile {
            product: Some(product.into()),
            edition: self.date(),
            ..t.input_file(role, rows)
        }
    }
}

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
    /// Column 4: the ICB (STP) code.
    pub icb_code: String,
    /// Column 15: the sub-ICB location (CCG) code; empty when the row is short.
    pub sub_icb_code: String,
}

pub(super) fn read_map(path: &Path, inputs: &mut Vec<InputFile>) -> Result<Vec<MapPractice>> {
    let t = Table::open(path)?;
    let code = t.require(c::PRACTICE_CODE)?;
    let name = t.require(c::PRACTICE_NAME)?;
    let postcode = t.require(c::POSTCODE)?;
    let pcn = t.require(c::PCN_CODE)?;
    let pcn_name = t.require(c::PCN_NAME)?;
    let org_cols = c::org_columns(&t);
    let mut out = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut ed = Edition::of(&t);
    for row in t.rows() {
        let row = row?;
        ed.see(&row)?;
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
            org: c::read_org(&row, &org_cols),
        });
    }
    inputs.push(ed.input_file(&t, "pcn_map", PRODUCT_MAP, out.len() as u64));
    Ok(out)
}

/// NHS Digital's map gives practices outside any network the pseudo-PCN
/// code `U`, name `Unallocated` (68 practices in January 2022). They are
/// practices without a PCN, not a network of their own.
pub fn is_unallocated(code: &str, name: &str) -> bool {
    code.trim().eq_ignore_ascii_case("U") || name.trim().eq_ignore_ascii_case("Unallocated")
}

/// List size and postcode per practice code, and the file's edition.
pub(super) fn read_list_sizes(path: &Path, inputs: &mut Vec<InputFile>) -> Result<ListSizes> {
    let t = Table::open(path)?;
    let mut ed = Edition::of(&t);
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
        ed.see(&row)?;
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
    inputs.push(ed.input_file(&t, "list_sizes", PRODUCT_LIST_SIZES, rows));
    Ok(ListSizes {
        sizes: out,
        source: Source::File,
        path: path.to_path_buf(),
        edition: ed.date(),
        filled: BTreeMap::new(),
        filled_from: None,
    })
}

/// NHS ODS `epraccur`: no header; column 1 code, 2 name, 4 the ICB (before
/// July 2022 the STP), 10 postcode, 13 status (A active, C closed, D
/// dormant, P proposed), 15 the sub-ICB location (before, the CCG).
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
                icb_code: rec[3].trim().to_string(),
                sub_icb_code: rec.get(14).unwrap_or("").trim().to_string(),
            },
        );
    }
    inputs.push(InputFile {
        role: "epraccur".into(),
        path: path.display().to_string(),
        sha256: text.sha256,
        rows,
        product: Some(PRODUCT_EPRACCUR.into()),
        edition: None,
    });
    Ok(out)
}

/// Practices whose map row names no ICB or sub-ICB location take
/// epraccur's (columns 4 and 15); names stay empty (epraccur has none).
/// Returns how many practices took a code.
pub(super) fn org_from_epraccur(
    map: &mut [MapPractice],
    ods: &HashMap<String, OdsRecord>,
) -> usize {
    let mut filled = 0;
    for p in map.iter_mut() {
        let Some(r) = ods.get(&p.code) else { continue };
        let mut took = false;
        for (slot, v) in [
            (&mut p.org.icb_code, &r.icb_code),
            (&mut p.org.sub_icb_code, &r.sub_icb_code),
        ] {
            if slot.is_empty() && !v.is_empty() {
                *slot = v.clone();
                took = true;
            }
        }
        filled += usize::from(took);
    }
    filled
}

/// A row of the registrations-by-area file.
pub(super) struct RegRow {
    pub practice: String,
    pub area: String,
    pub patients: u64,
}

/// The registrations by area of residence: the 3-column files of 2021–2022
/// (`PRACTICE_CODE, LSOA_CODE, NUMBER_OF_PATIENTS`) and the published
/// 7-column layout (`PUBLICATION, EXTRACT_DATE, PRACTICE_CODE,
/// PRACTICE_NAME, LSOA_CODE, SEX, NUMBER_OF_PATIENTS`), of which only the
/// `SEX=ALL` rows are kept. Returns the rows and the file's edition.
pub(super) fn read_registrations(
    path: &Path,
    inputs: &mut Vec<InputFile>,
) -> Result<(Vec<RegRow>, Option<Date>)> {
    let t = Table::open(path)?;
    let pc = t.require(c::PRACTICE_CODE)?;
    let ac = t.require(c::AREA_CODE)?;
    let nc = t.require(c::PATIENTS)?;
    let sex = t.optional(SEX);
    let mut ed = Edition::of(&t);
    let mut out = Vec::new();
    let mut rows = 0;
    for row in t.rows() {
        let row = row?;
        rows += 1;
        ed.see(&row)?;
        if sex.is_some_and(|c| !row.str(c).eq_ignore_ascii_case("ALL")) {
            continue;
        }
        out.push(RegRow {
            practice: row.required_str(pc)?.to_string(),
            area: row.required_str(ac)?.to_string(),
            patients: row.count(nc)?,
        });
    }
    inputs.push(ed.input_file(&t, "registrations", PRODUCT_REGISTRATIONS, rows));
    Ok((out, ed.date()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn practice(code: &str, icb: &str) -> MapPractice {
        MapPractice {
            code: code.into(),
            name: String::new(),
            postcode: String::new(),
            pcn_code: String::new(),
            pcn_name: String::new(),
            org: OrgUnits {
                icb_code: icb.into(),
                ..OrgUnits::default()
            },
        }
    }

    /// epraccur 2025 (rows as published, every field quoted): column 4 the
    /// ICB, column 15 the sub-ICB location; a 13-column row has no sub-ICB.
    #[test]
    fn epraccur_icb_and_sub_icb_fill_what_the_map_lacks() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("epraccur.csv");
        std::fs::write(
            &p,
            "\"A81001\",\"THE DENSHAM SURGERY\",\"Y63\",\"QHM\",\"THE HEALTH CENTRE\",\"LAWSON STREET\",\"STOCKTON ON TEES\",\"CLEVELAND\",\"\",\"TS18 1HU\",\"19740401\",\"\",\"A\",\"B\",\"16C\",\"20200401\",\"\",\"01642 672351\",\"\",\"\",\"\",\"0\",\"\",\"16C\",\"\",\"4\",\"\"\n\
             \"M83001\",\"A STAFFS PRACTICE\",\"Y60\",\"QNC\",\"\",\"\",\"\",\"\",\"\",\"ST1 1AA\",\"19740401\",\"\",\"A\",\"B\",\"05W\",\"20200401\",\"\",\"\",\"\",\"\",\"\",\"0\",\"\",\"05W\",\"\",\"4\",\"\"\n\
             \"B00001\",\"SHORT ROW\",\"Y60\",\"QNC\",\"\",\"\",\"\",\"\",\"\",\"ST1 1AB\",\"19740401\",\"\",\"C\"\n",
        )
        .unwrap();
        let mut inputs = Vec::new();
        let ods = read_epraccur(&p, &mut inputs).unwrap();
        assert_eq!(ods["A81001"].icb_code, "QHM");
        assert_eq!(ods["A81001"].sub_icb_code, "16C");
        assert_eq!(ods["B00001"].sub_icb_code, "");
        assert_eq!(inputs[0].rows, 3);
        assert_eq!(inputs[0].product.as_deref(), Some(PRODUCT_EPRACCUR));
        // The map's own codes win; empty ones take epraccur's.
        let mut map = vec![
            practice("A81001", "QXX"),
            practice("M83001", ""),
            practice("Z99999", ""),
        ];
        assert_eq!(org_from_epraccur(&mut map, &ods), 2);
        assert_eq!(map[0].org.icb_code, "QXX");
        assert_eq!(map[0].org.sub_icb_code, "16C");
        assert_eq!(map[1].org.icb_code, "QNC");
        assert_eq!(map[1].org.sub_icb_code, "05W");
        assert_eq!(map[2].org, OrgUnits::default());
    }
}
