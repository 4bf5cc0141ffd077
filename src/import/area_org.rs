//! `--area-lookup`: each area's sub-ICB location and ICB from the ONS
//! LSOA 2021 → sub-ICB location → ICB lookup (`LSOA21_SICBL24_ICB24_…`,
//! columns `LSOA21CD, SICBL24CD, SICBL24CDH, SICBL24NM, ICB24CD, ICB24CDH,
//! ICB24NM` or the lower-case `lsoa21_code, sicbl24_code, sicbl24_code_nhs,
//! icb24_code, icb24_code_nhs`). The NHS codes (`…CDH`, `…_code_nhs`: 3
//! characters for a sub-ICB location, e.g. `05D`, 3 for an ICB, e.g. `QNC`)
//! are kept, because the PCN map uses them; the ONS `E38…`/`E54…` codes are
//! not.

use crate::load::table::{ColumnSpec, Table};
use crate::model::InputFile;
use anyhow::{Result, bail};
use std::collections::HashMap;
use std::path::Path;

/// An area's sub-ICB location and ICB (NHS codes).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct AreaOrg {
    pub sub_icb_code: String,
    pub icb_code: String,
}

const LSOA: ColumnSpec = ColumnSpec::new("lsoa21_code", &["LSOA21CD", "LSOA11CD", "area_code"]);
const SUB_ICB_NHS: ColumnSpec = ColumnSpec::new(
    "sicbl24_code_nhs",
    &[
        "SICBL24CDH",
        "SICBL23CDH",
        "SICBL22CDH",
        "sicbl23_code_nhs",
        "sicbl22_code_nhs",
    ],
);
const ICB_NHS: ColumnSpec = ColumnSpec::new(
    "icb24_code_nhs",
    &[
        "ICB24CDH",
        "ICB23CDH",
        "ICB22CDH",
        "icb23_code_nhs",
        "icb22_code_nhs",
    ],
);

/// Area code → its sub-ICB location and ICB. A code listed twice with
/// different units is an error naming both lines.
pub(super) fn read_area_org(
    path: &Path,
    inputs: &mut Vec<InputFile>,
) -> Result<HashMap<String, AreaOrg>> {
    let t = Table::open(path)?;
    let area = t.require(LSOA)?;
    let sub = t.require(SUB_ICB_NHS)?;
    let icb = t.require(ICB_NHS)?;
    let mut out: HashMap<String, (AreaOrg, u64)> = HashMap::new();
    let mut rows = 0;
    for row in t.rows() {
        let row = row?;
        rows += 1;
        let code = row.required_str(area)?.to_string();
        let org = AreaOrg {
            sub_icb_code: row.required_str(sub)?.to_string(),
            icb_code: row.required_str(icb)?.to_string(),
        };
        match out.get(&code) {
            Some((prev, line)) if *prev != org => bail!(
                "{}: area {} is in sub-ICB {} / ICB {} here but {} / {} on line {line}",
                row.at(),
                crate::load::text::show(&code),
                crate::load::text::show(&org.sub_icb_code),
                crate::load::text::show(&org.icb_code),
                prev.sub_icb_code,
                prev.icb_code
            ),
            Some(_) => {}
            None => {
                out.insert(code, (org, row.line));
            }
        }
    }
    inputs.push(t.input_file("area_org_lookup", rows));
    Ok(out.into_iter().map(|(k, (o, _))| (k, o)).collect())
}
