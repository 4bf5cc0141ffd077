//! Accessibility on a cost matrix given as CSV files, the layout
//! `analyse --access-export` writes: `area_code, practice_code, minutes`,
//! `area_code, population`, `practice_code, supply`. Used by
//! `examples/access_matrix.rs` (Rust against PySAL on the same matrix) and
//! the committed PySAL reference test. Errors name the file, line and value.

use super::CostMatrix;
use crate::load::table::{ColumnSpec, Table};
use anyhow::{Result, bail};
use std::collections::BTreeMap;
use std::path::Path;

const AREA: ColumnSpec = ColumnSpec::new("area_code", &["origin"]);
const PRACTICE: ColumnSpec = ColumnSpec::new("practice_code", &["dest"]);
const MINUTES: ColumnSpec = ColumnSpec::new("minutes", &["cost"]);
const POPULATION: ColumnSpec = ColumnSpec::new("population", &["demand", "pop"]);
const SUPPLY: ColumnSpec = ColumnSpec::new("supply", &[]);

/// A cost matrix with its demand and supply, codes in file order.
pub struct MatrixInputs {
    pub area_codes: Vec<String>,
    pub practice_codes: Vec<String>,
    pub demand: Vec<f64>,
    pub supply: Vec<f64>,
    /// Every pair of the file (the catchment is applied by `fca`).
    pub matrix: CostMatrix,
}

fn codes_values(path: &Path, code: ColumnSpec, value: ColumnSpec) -> Result<Vec<(String, f64)>> {
    let t = Table::open(path)?;
    let (c, v) = (t.require(code)?, t.require(value)?);
    let mut out: Vec<(String, f64)> = Vec::new();
    let mut seen = BTreeMap::new();
    for row in t.rows() {
        let row = row?;
        let k = row.required_str(c)?.to_string();
        let x = row.opt_f64(Some(v))?.unwrap_or(0.0);
        if x < 0.0 {
            bail!("{}: {k}: `{}` {x} is negative", row.at(), value.name);
        }
        if seen.insert(k.clone(), ()).is_some() {
            bail!("{}: {k} appears twice", row.at());
        }
        out.push((k, x));
    }
    Ok(out)
}

/// Read the three files. Pairs naming an area or practice not in the
/// demand or supply file are an error.
pub fn load(matrix: &Path, demand: &Path, supply: &Path) -> Result<MatrixInputs> {
    let d = codes_values(demand, AREA, POPULATION)?;
    let s = codes_values(supply, PRACTICE, SUPPLY)?;
    let area_ix: BTreeMap<&str, usize> = d
        .iter()
        .enumerate()
        .map(|(i, x)| (x.0.as_str(), i))
        .collect();
    let prac_ix: BTreeMap<&str, usize> = s
        .iter()
        .enumerate()
        .map(|(j, x)| (x.0.as_str(), j))
        .collect();
    let t = Table::open(matrix)?;
    let (ac, pc, mc) = (t.require(AREA)?, t.require(PRACTICE)?, t.require(MINUTES)?);
    let mut rows: Vec<Vec<(u32, f64)>> = vec![Vec::new(); d.len()];
    for row in t.rows() {
        let row = row?;
        let (a, p) = (row.required_str(ac)?, row.required_str(pc)?);
        let Some(&i) = area_ix.get(a) else {
            bail!("{}: area {a} is not in {}", row.at(), demand.display());
        };
        let Some(&j) = prac_ix.get(p) else {
            bail!("{}: practice {p} is not in {}", row.at(), supply.display());
        };
        let Some(m) = row.opt_f64(Some(mc))? else {
            bail!("{}: {a} → {p}: `minutes` is empty", row.at());
        };
        if m < 0.0 {
            bail!("{}: {a} → {p}: minutes {m} is negative", row.at());
        }
        rows[i].push((j as u32, m));
    }
    for (i, r) in rows.iter_mut().enumerate() {
        r.sort_by_key(|x| x.0);
        if let Some(w) = r.windows(2).find(|w| w[0].0 == w[1].0) {
            bail!(
                "{}: the pair {} → {} appears twice",
                t.display(),
                d[i].0,
                s[w[0].0 as usize].0
            );
        }
    }
    Ok(MatrixInputs {
        matrix: CostMatrix::from_rows(s.len(), rows),
        demand: d.iter().map(|x| x.1).collect(),
        supply: s.iter().map(|x| x.1).collect(),
        area_codes: d.into_iter().map(|x| x.0).collect(),
        practice_codes: s.into_iter().map(|x| x.0).collect(),
    })
}
