//! Findings: the stable codes a run reports, as data (a PCN out of band is
//! a finding, not an error).

use serde::Serialize;

/// What a finding is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Dataset,
    Pcn,
    Practice,
    Area,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Dataset => "dataset",
            Scope::Pcn => "pcn",
            Scope::Practice => "practice",
            Scope::Area => "area",
        }
    }
}

/// One finding: a stable code, its subject (a PCN, practice or area code)
/// and a human-readable detail with the numbers behind it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    pub scope: Scope,
    pub code: &'static str,
    pub subject: String,
    pub detail: String,
}

/// The stable finding codes.
pub mod codes {
    // Per PCN.
    pub const POPULATION_BELOW_BAND: &str = "POPULATION_BELOW_BAND";
    pub const POPULATION_ABOVE_BAND: &str = "POPULATION_ABOVE_BAND";
    pub const RURAL_WAIVER_CANDIDATE: &str = "RURAL_WAIVER_CANDIDATE";
    pub const NON_CONTIGUOUS: &str = "NON_CONTIGUOUS";
    pub const PRACTICE_OUTSIDE_FOOTPRINT: &str = "PRACTICE_OUTSIDE_FOOTPRINT";
    pub const RURAL: &str = "RURAL";
    pub const NO_FOOTPRINT: &str = "NO_FOOTPRINT";
    pub const HUB_IMPRACTICAL: &str = "HUB_IMPRACTICAL";
    pub const SHARED_ROLE_IMPRACTICAL: &str = "SHARED_ROLE_IMPRACTICAL";
    pub const PATIENT_ACCESS_BURDEN: &str = "PATIENT_ACCESS_BURDEN";
    pub const RURAL_ACCESS_RISK: &str = "RURAL_ACCESS_RISK";
    // Per dataset (subjects are area or practice codes).
    pub const AREA_UNASSIGNED: &str = "AREA_UNASSIGNED";
    pub const AREA_IN_TWO_PCNS: &str = "AREA_IN_TWO_PCNS";
    pub const AREA_ISLAND: &str = "AREA_ISLAND";
    pub const FOOTPRINT_TIE: &str = "FOOTPRINT_TIE";
    pub const PRACTICE_WITHOUT_PCN: &str = "PRACTICE_WITHOUT_PCN";
    pub const PRACTICE_UNROUTABLE: &str = "PRACTICE_UNROUTABLE";
    pub const AREA_UNROUTABLE: &str = "AREA_UNROUTABLE";
    pub const DUPLICATE_CODE: &str = "DUPLICATE_CODE";
}

/// Intern a notice code from the loaders as a `'static` finding code.
pub fn intern(code: &str) -> &'static str {
    const KNOWN: &[&str] = &[
        codes::DUPLICATE_CODE,
        codes::PRACTICE_WITHOUT_PCN,
        "PRACTICE_UNLOCATED",
        "PRACTICE_WITHOUT_LIST_SIZE",
        "PCN_NAME_MISMATCH",
        "AREA_INVALID_GEOMETRY",
        "AREA_WITHOUT_POPULATION",
        "AREA_WITHOUT_RUC",
        "JOIN_ROWS_UNMATCHED",
    ];
    KNOWN
        .iter()
        .find(|k| **k == code)
        .copied()
        .unwrap_or("INPUT_NOTICE")
}
