//! The dissolve's self-check: each dissolved footprint's area against the
//! sum of its areas, which would show slivers left along internal
//! boundaries.

use super::run::CheckResult;
use crate::model::Dataset;
use geo::MultiPolygon;
use serde::Serialize;

/// The largest relative difference between a dissolved footprint's area
/// and the sum of its areas that is accepted. The worst measured on all of
/// England (1,254 PCNs, 2011 LSOAs) is 7.5e-8, from LSOA polygons that
/// overlap by 0.75 m² in the ONS file (counted twice in the sum, once in
/// the union); a sliver of 1 km × 1 cm left along an internal boundary of
/// a 10 km² footprint would be 1e-6.
pub const DISSOLVE_RELATIVE_LIMIT: f64 = 1e-6;

/// The dissolved area against the sum of the parts, the sliver check.
#[derive(Clone, Debug, Serialize)]
pub struct DissolveCheck {
    /// max over PCNs of |dissolved area − Σ areas| / Σ areas.
    pub max_relative_difference: f64,
    pub worst_pcn: Option<String>,
    /// [`DISSOLVE_RELATIVE_LIMIT`].
    pub limit: f64,
    /// PCNs whose difference exceeds `limit`, in code order.
    pub pcns_over_limit: Vec<String>,
}

impl DissolveCheck {
    /// Measure every PCN's dissolved area against the sum of its areas.
    pub fn measure(ds: &Dataset, res: &CheckResult, dissolved: &[MultiPolygon<f64>]) -> Self {
        use geo::Area as _;
        let mut dc = DissolveCheck {
            max_relative_difference: 0.0,
            worst_pcn: None,
            limit: DISSOLVE_RELATIVE_LIMIT,
            pcns_over_limit: Vec::new(),
        };
        for (c, d) in res.pcns.iter().zip(dissolved) {
            let parts = c.area_km2 * 1e6;
            if parts > 0.0 {
                let rel = (d.unsigned_area() - parts).abs() / parts;
                let code = &ds.pcn(c.pcn).code;
                if rel > dc.max_relative_difference {
                    dc.max_relative_difference = rel;
                    dc.worst_pcn = Some(code.clone());
                }
                if rel > dc.limit {
                    dc.pcns_over_limit.push(code.clone());
                }
            }
        }
        dc
    }

    /// A warning for stderr when some PCN is over the limit.
    pub fn warning(&self) -> Option<String> {
        if self.pcns_over_limit.is_empty() {
            return None;
        }
        Some(format!(
            "warning: the dissolved footprint of {} PCN(s) differs from the sum of its areas by more than {:e} (relative; worst {:e} for {}): {}",
            self.pcns_over_limit.len(),
            self.limit,
            self.max_relative_difference,
            self.worst_pcn.as_deref().unwrap_or("?"),
            self.pcns_over_limit.join(" ")
        ))
    }
}
