//! NHS England's registered patients by single year of age for each
//! commissioning region, ICB, sub-ICB location and PCN
//! (`gp-reg-pat-prac-sing-age-regions`, 282,253 rows in August 2026).
//! Only the all-persons, all-ages totals (`SEX=ALL, AGE=ALL`) of the PCNs
//! and ICBs are kept: NHS England's own list size of each network, to
//! compare with the list sizes imported.

use super::national::{AGE, Edition, PRODUCT_SING_AGE, SEX};
use crate::load::edition::Date;
use crate::load::table::{ColumnSpec, Table};
use crate::model::InputFile;
use anyhow::{Result, bail};
use std::collections::BTreeMap;
use std::path::Path;

const ORG_TYPE: ColumnSpec = ColumnSpec::new("ORG_TYPE", &[]);
const ORG_CODE: ColumnSpec = ColumnSpec::new("ORG_CODE", &[]);
const PATIENTS: ColumnSpec = ColumnSpec::new("NUMBER_OF_PATIENTS", &[]);

/// NHS England's PCN and ICB list totals of one edition.
#[derive(Clone, Debug)]
pub struct NhsTotals {
    /// Registered patients per PCN code (`ORG_TYPE=PCN`).
    pub pcn: BTreeMap<String, u64>,
    /// Registered patients per ICB code (`ORG_TYPE=ICB`).
    pub icb: BTreeMap<String, u64>,
    /// The file's `EXTRACT_DATE`.
    pub edition: Option<Date>,
    /// The file as an input of the import report (all rows counted).
    pub input: InputFile,
}

/// Read the PCN and ICB totals, streaming the rows (the other breakdowns
/// are skipped as they are read). A PCN or ICB with two total rows, or an
/// unknown `EXTRACT_DATE`, is an error naming the line.
pub fn read_nhs_totals(path: &Path) -> Result<NhsTotals> {
    let t = Table::open(path)?;
    let (kind, code, n) = (
        t.require(ORG_TYPE)?,
        t.require(ORG_CODE)?,
        t.require(PATIENTS)?,
    );
    let (sex, age) = (t.require(SEX)?, t.require(AGE)?);
    let mut ed = Edition::of(&t);
    let (mut pcn, mut icb) = (BTreeMap::new(), BTreeMap::new());
    let mut rows = 0;
    for row in t.rows() {
        let row = row?;
        rows += 1;
        ed.see(&row)?;
        if !(row.str(sex).eq_ignore_ascii_case("ALL") && row.str(age).eq_ignore_ascii_case("ALL")) {
            continue;
        }
        let slot = match row.str(kind) {
            k if k.eq_ignore_ascii_case("PCN") => &mut pcn,
            k if k.eq_ignore_ascii_case("ICB") => &mut icb,
            _ => continue,
        };
        let c = row.required_str(code)?.to_string();
        let v = row.count(n)?;
        if slot.insert(c.clone(), v).is_some() {
            bail!(
                "{}: {} {c} has a second all-persons, all-ages total",
                row.at(),
                row.str(kind)
            );
        }
    }
    Ok(NhsTotals {
        pcn,
        icb,
        edition: ed.date(),
        input: ed.input_file(&t, "sing_age", PRODUCT_SING_AGE, rows),
    })
}
