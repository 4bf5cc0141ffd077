//! The accessibility export of `analyse --access-export`: the exact cost
//! matrix, demand, supply and scores, at full precision (Rust's shortest
//! round-trip form of each f64), so `scripts/access_pysal.py` can feed the
//! same numbers to PySAL `access` and compare.
//!
//! - `access_matrix.csv`: `area_code, practice_code, minutes` (pairs within the catchment);
//! - `access_demand.csv`: `area_code, population, routable`;
//! - `access_supply.csv`: `practice_code, supply` (practices in the matrix);
//! - `access_scores.csv`: `area_code, access_2sfca, access_e2sfca, access_gravity`
//!   (per 1,000 residents; empty for unroutable areas).

use super::atomic::Staging;
use crate::analyse::access::run::AccessRun;
use crate::model::{AreaId, Dataset};
use anyhow::Result;

/// Write the four export files into the staging folder.
pub fn write_export(staging: &mut Staging, ds: &Dataset, a: &AccessRun) -> Result<()> {
    let Some(m) = &a.export else {
        anyhow::bail!("the accessibility matrix was not kept for the export");
    };
    staging.write("access_matrix.csv", |w| {
        let mut cw = crate::safe_text::csv_writer(w);
        cw.write_record(["area_code", "practice_code", "minutes"])?;
        for i in 0..m.areas() {
            let area = &ds.areas[i].code;
            for (j, d) in m.row(i) {
                let p = &ds.practice(a.practices[j]).code;
                cw.write_record([area.as_str(), p.as_str(), &d.to_string()])?;
            }
        }
        cw.flush()?;
        Ok(())
    })?;
    staging.write("access_demand.csv", |w| {
        let mut cw = crate::safe_text::csv_writer(w);
        cw.write_record(["area_code", "population", "routable"])?;
        for (i, area) in ds.areas.iter().enumerate() {
            let pop = area.population.map_or(String::new(), |p| p.to_string());
            cw.write_record([&area.code, &pop, &a.routable[i].to_string()])?;
        }
        cw.flush()?;
        Ok(())
    })?;
    staging.write("access_supply.csv", |w| {
        let mut cw = crate::safe_text::csv_writer(w);
        cw.write_record(["practice_code", "supply"])?;
        for &p in &a.practices {
            let s = a.supply.by_practice[p.idx()];
            cw.write_record([ds.practice(p).code.as_str(), &s.to_string()])?;
        }
        cw.flush()?;
        Ok(())
    })?;
    staging.write("access_scores.csv", |w| {
        let mut cw = crate::safe_text::csv_writer(w);
        cw.write_record([
            "area_code",
            "access_2sfca",
            "access_e2sfca",
            "access_gravity",
        ])?;
        for (i, area) in ds.areas.iter().enumerate() {
            let v = a.area(AreaId::from_idx(i));
            let f = |k: usize| v.map_or(String::new(), |v| v[k].to_string());
            cw.write_record([area.code.clone(), f(0), f(1), f(2)])?;
        }
        cw.flush()?;
        Ok(())
    })?;
    Ok(())
}
