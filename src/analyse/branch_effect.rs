//! Saying when a drive-time finding depends on branch surgeries: with a
//! sites file each network is analysed with its branches and on main sites
//! only, and each drive-time finding's detail gains both figures when they
//! differ ("with branches: 12.1 min, main sites only: 19.4 min"), and says
//! so when main sites alone would not raise it.

use super::network::PcnDrive;
use crate::findings::{Code, join_codes};

/// The drive-time findings of a network other than the rural headline.
fn drive_codes(d: &PcnDrive) -> Vec<Code> {
    d.flags
        .iter()
        .copied()
        .filter(|c| *c != Code::RuralAccessRisk)
        .collect()
}

fn tour_min(d: &PcnDrive) -> Option<f64> {
    d.tour.as_ref().map(|t| t.seconds / 60.0)
}

/// "with branches: A, main sites only: B" when the two differ as printed.
fn pair(with: Option<f64>, main: Option<f64>, show: impl Fn(f64) -> String) -> Option<String> {
    let (a, b) = (with.map(&show), main.map(&show));
    (a != b).then(|| {
        let none = || "none".to_string();
        format!(
            "with branches: {}, main sites only: {}",
            a.unwrap_or_else(none),
            b.unwrap_or_else(none)
        )
    })
}

/// Add the main-sites-only figure to each drive-time finding of `out`
/// whose figure differs on main sites only (`main`).
pub fn annotate(out: &mut PcnDrive, main: &PcnDrive) {
    let min = |v: f64| format!("{v:.1} min");
    let pct = |v: f64| format!("{:.1}%", v * 100.0);
    let with_codes = drive_codes(out);
    let main_codes = drive_codes(main);
    let figures: Vec<Option<String>> = out
        .flags
        .iter()
        .map(|code| match code {
            Code::HubImpractical => pair(out.staff_max_min, main.staff_max_min, min),
            Code::SharedRoleImpractical => pair(tour_min(out), tour_min(main), min),
            Code::PatientAccessBurden => pair(
                out.patients.hub_share_over_limit,
                main.patients.hub_share_over_limit,
                pct,
            ),
            Code::RuralAccessRisk => (with_codes != main_codes).then(|| {
                let list = if main_codes.is_empty() {
                    "none".to_string()
                } else {
                    join_codes(&main_codes, ", ")
                };
                format!("main sites only: {list}")
            }),
            _ => None,
        })
        .collect();
    for ((code, detail), f) in out.flags.iter().zip(out.details.iter_mut()).zip(figures) {
        let Some(f) = f else { continue };
        detail.push_str("; ");
        detail.push_str(&f);
        if !main.flags.contains(code) {
            detail.push_str(&format!(" — main sites only would not raise {code}"));
        }
    }
}
