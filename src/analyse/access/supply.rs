//! The supply side of accessibility: each practice's registered list size
//! by default, or a supply column from a CSV (`--supply FILE` with
//! `practice_code, supply`, e.g. GP FTE). Every error names the file, the
//! line and the value; what can be carried on with is counted.

use crate::load::columns::PRACTICE_CODE;
use crate::load::table::{ColumnSpec, Table};
use crate::model::{Dataset, InputFile, PracticeId};
use anyhow::{Result, bail};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

const SUPPLY: ColumnSpec = ColumnSpec::new("supply", &["gp_fte", "fte", "value"]);

/// Supply per practice (indexed by practice id) and where it came from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Supply {
    /// `list_size` or the file's path.
    pub source: String,
    #[serde(skip)]
    pub by_practice: Vec<f64>,
    /// Practices with no supply value (no list size, or not in the file):
    /// counted with supply 0.
    pub practices_missing: usize,
    /// File rows naming practices not in the dataset (ignored).
    pub rows_unknown_practice: usize,
    /// Up to ten of those codes, for the report.
    pub unknown_examples: Vec<String>,
}

impl Supply {
    /// Registered list sizes.
    pub fn list_sizes(ds: &Dataset) -> Supply {
        let by_practice: Vec<f64> = ds
            .practices
            .iter()
            .map(|p| p.list_size.map_or(0.0, |l| l as f64))
            .collect();
        Supply {
            source: "list_size".into(),
            practices_missing: ds
                .practices
                .iter()
                .filter(|p| p.list_size.is_none())
                .count(),
            by_practice,
            rows_unknown_practice: 0,
            unknown_examples: Vec::new(),
        }
    }

    /// Read `practice_code, supply` from a CSV.
    pub fn from_file(path: &Path, ds: &Dataset) -> Result<(Supply, InputFile)> {
        let t = Table::open(path)?;
        let code_col = t.require(PRACTICE_CODE)?;
        let supply_col = t.require(SUPPLY)?;
        let by_code: BTreeMap<&str, PracticeId> = ds
            .practice_ids()
            .map(|p| (ds.practice(p).code.as_str(), p))
            .collect();
        let mut value: Vec<Option<f64>> = vec![None; ds.practices.len()];
        let mut unknown = Vec::new();
        let mut rows = 0;
        for row in t.rows() {
            let row = row?;
            rows += 1;
            let code = row.required_str(code_col)?;
            let Some(v) = row.opt_f64(Some(supply_col))? else {
                bail!("{}: practice {code}: column `supply` is empty", row.at());
            };
            if v < 0.0 {
                bail!("{}: practice {code}: supply {v} is negative", row.at());
            }
            match by_code.get(code) {
                Some(&p) => {
                    if value[p.idx()].replace(v).is_some() {
                        bail!("{}: practice {code} is given a supply twice", row.at());
                    }
                }
                None => unknown.push(code.to_string()),
            }
        }
        let missing = value.iter().filter(|v| v.is_none()).count();
        unknown.sort();
        let supply = Supply {
            source: t.display(),
            by_practice: value.into_iter().map(|v| v.unwrap_or(0.0)).collect(),
            practices_missing: missing,
            rows_unknown_practice: unknown.len(),
            unknown_examples: unknown.into_iter().take(10).collect(),
        };
        Ok((supply, t.input_file("supply", rows)))
    }
}
