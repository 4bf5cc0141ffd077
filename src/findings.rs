//! Findings: the stable codes a run reports, as data (a PCN out of band is
//! a finding, not an error). [`Code`] is the one list of codes: each knows
//! its string, what it is about, its severity, its label and, for the
//! network findings a map colours by, its colour and rank. Checks, outputs
//! and maps all read it; there is no other list to keep in step.

use serde::{Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;

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

/// How much a finding matters: `Error` breaks a rule of the network
/// specification or makes an input unusable, `Warning` is a drive-time or
/// access burden, `Info` is context (rural, a waiver candidate, a tie).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// The family of a network finding, for drawing every finding of a
/// network at once: one fill (its *Colour by*), and an overlay per family —
/// the footprint rules, the population band, drive times, and the rural
/// context flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// No footprint, not contiguous, a practice outside the footprint.
    Footprint,
    /// Registered patients below or above the band.
    Band,
    /// Hub, shared role and patient drive-time findings.
    Drive,
    /// Rural access risk, rural waiver candidate, rural.
    Rural,
}

impl Family {
    pub const ALL: [Family; 4] = [
        Family::Footprint,
        Family::Band,
        Family::Drive,
        Family::Rural,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Family::Footprint => "footprint",
            Family::Band => "band",
            Family::Drive => "drive",
            Family::Rural => "rural",
        }
    }

    /// A short human label.
    pub fn label(self) -> &'static str {
        match self {
            Family::Footprint => "Footprint rules",
            Family::Band => "Population band",
            Family::Drive => "Drive times",
            Family::Rural => "Rural access",
        }
    }
}

/// Everything known about one code.
struct Spec {
    code: Code,
    name: &'static str,
    severity: Severity,
    label: &'static str,
    /// Map fill for network findings, in [`Code::MAP_ORDER`].
    colour: Option<&'static str>,
}

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $name:literal, $sev:ident, $label:literal, $colour:expr;)*) => {
        /// A stable finding code. Ordered (and so sorted in every output)
        /// by its string.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Code {
            $($(#[$doc])* $variant,)*
        }

        const SPECS: &[Spec] = &[
            $(Spec {
                code: Code::$variant,
                name: $name,
                severity: Severity::$sev,
                label: $label,
                colour: $colour,
            },)*
        ];
    };
}

codes! {
    // Per PCN: the network rules.
    /// The network has no area in its footprint.
    NoFootprint = "NO_FOOTPRINT", Error, "No footprint", Some("#988d7f");
    /// The footprint is in more than one piece.
    NonContiguous = "NON_CONTIGUOUS", Error, "Not contiguous", Some("#aa361d");
    /// Registered patients below the band.
    PopulationBelowBand = "POPULATION_BELOW_BAND", Error, "Population below band", Some("#ce6f2f");
    /// Registered patients above the band.
    PopulationAboveBand = "POPULATION_ABOVE_BAND", Error, "Population above band", Some("#9d4259");
    /// A member practice stands outside the footprint.
    PracticeOutsideFootprint = "PRACTICE_OUTSIDE_FOOTPRINT", Error, "Practice outside footprint", Some("#fdae21");
    // Per PCN: drive times.
    /// A member practice is too far from the hub.
    HubImpractical = "HUB_IMPRACTICAL", Warning, "Hub impractical", Some("#705287");
    /// The staff tour is too long.
    SharedRoleImpractical = "SHARED_ROLE_IMPRACTICAL", Warning, "Shared role impractical", Some("#a6a2f4");
    /// Too many patients are far from the hub.
    PatientAccessBurden = "PATIENT_ACCESS_BURDEN", Warning, "Patient access burden", Some("#0768ff");
    /// Too many patients have no public-transport journey to the hub
    /// within `pt_burden_min` (only with `--gtfs`).
    PublicTransportBurden = "PUBLIC_TRANSPORT_BURDEN", Warning, "Public transport burden", Some("#3b9ab2");
    /// Rural and any drive-time finding.
    RuralAccessRisk = "RURAL_ACCESS_RISK", Warning, "Rural access risk", Some("#97b6ba");
    // Per PCN: context.
    /// Below the band and rural or sparse.
    RuralWaiverCandidate = "RURAL_WAIVER_CANDIDATE", Info, "Rural waiver candidate", Some("#ffffa5");
    /// Most patients live in rural areas.
    Rural = "RURAL", Info, "Rural (no problem found)", Some("#b2ceab");
    // Per dataset: footprints and coverage.
    /// An area in no footprint.
    AreaUnassigned = "AREA_UNASSIGNED", Error, "Area in no footprint", None;
    /// An area in two footprints.
    AreaInTwoPcns = "AREA_IN_TWO_PCNS", Error, "Area in two footprints", None;
    /// An area with no neighbour.
    AreaIsland = "AREA_ISLAND", Info, "Area with no neighbour", None;
    /// An area's patients split evenly between PCNs.
    FootprintTie = "FOOTPRINT_TIE", Info, "Footprint tie", None;
    /// An area most of whose patients are at practices with no PCN.
    AreaMostlyUnallocated = "AREA_MOSTLY_UNALLOCATED", Warning, "Area mostly at practices with no PCN", None;
    // Per dataset: records the tool could not use.
    /// A practice with no PCN.
    PracticeWithoutPcn = "PRACTICE_WITHOUT_PCN", Error, "Practice without PCN", None;
    /// A practice off the road network.
    PracticeUnroutable = "PRACTICE_UNROUTABLE", Warning, "Practice off the roads", None;
    /// An area centroid off the road network.
    AreaUnroutable = "AREA_UNROUTABLE", Warning, "Area off the roads", None;
    /// A branch surgery off the road network (its practice's other sites
    /// are used without it).
    SiteUnroutable = "SITE_UNROUTABLE", Warning, "Branch site off the roads", None;
    /// A code given twice in one file.
    DuplicateCode = "DUPLICATE_CODE", Error, "Duplicate code", None;
    /// Two inputs whose editions are more than six months apart (e.g. 2021
    /// list sizes with a 2022 PCN map).
    InputsMonthsApart = "INPUTS_MONTHS_APART", Warning, "Inputs months apart", None;
    // Loader notices.
    /// A practice that could not be located (a postcode that does not geocode).
    PracticeUnlocated = "PRACTICE_UNLOCATED", Error, "Practice not located", None;
    /// A branch surgery that could not be located (left out of the analysis).
    SiteUnlocated = "SITE_UNLOCATED", Warning, "Branch site not located", None;
    /// A `sites.csv` row whose practice is not in `practices.csv`.
    SiteWithoutPractice = "SITE_WITHOUT_PRACTICE", Warning, "Site of an unknown practice", None;
    /// A practice with no list size.
    PracticeWithoutListSize = "PRACTICE_WITHOUT_LIST_SIZE", Error, "Practice without list size", None;
    /// A PCN whose list size (the sum of its practices') differs from NHS
    /// England's own PCN total (`gp-reg-pat-prac-sing-age-regions`); the
    /// detail gives both numbers and both dates.
    PcnListSizeDiffers = "PCN_LIST_SIZE_DIFFERS", Info, "PCN list size differs from NHS England's", None;
    /// One PCN code with two names.
    PcnNameMismatch = "PCN_NAME_MISMATCH", Info, "PCN name differs", None;
    /// A PCN whose practices the map places in more than one sub-ICB
    /// location (or ICB): the PCN takes the org of the one with the largest
    /// list size (ties: lowest code).
    PcnSpansSubIcbs = "PCN_SPANS_SUB_ICBS", Info, "PCN in two sub-ICBs", None;
    /// A practice or PCN name with control characters (replaced by spaces).
    NameControlCharacters = "NAME_CONTROL_CHARACTERS", Warning, "Control characters in a name", None;
    /// An area polygon that had to be repaired or was unusable.
    AreaInvalidGeometry = "AREA_INVALID_GEOMETRY", Warning, "Invalid area geometry", None;
    /// An area with no resident population.
    AreaWithoutPopulation = "AREA_WITHOUT_POPULATION", Warning, "Area without population", None;
    /// An area with no Rural-Urban Classification.
    AreaWithoutRuc = "AREA_WITHOUT_RUC", Warning, "Area without RUC", None;
    /// Rows of a joined file that match no area.
    JoinRowsUnmatched = "JOIN_ROWS_UNMATCHED", Info, "Joined rows unmatched", None;
}

impl Code {
    /// Network findings from most to least severe: a footprint's map colour
    /// is its first code in this list. Breaches of the network rules come
    /// before the practicality findings of `analyse`, and those before the
    /// informational rural flags.
    pub const MAP_ORDER: [Code; 12] = [
        Code::NoFootprint,
        Code::NonContiguous,
        Code::PopulationBelowBand,
        Code::PopulationAboveBand,
        Code::PracticeOutsideFootprint,
        Code::HubImpractical,
        Code::SharedRoleImpractical,
        Code::PatientAccessBurden,
        Code::PublicTransportBurden,
        Code::RuralAccessRisk,
        Code::RuralWaiverCandidate,
        Code::Rural,
    ];

    fn spec(self) -> &'static Spec {
        // SPECS lists the variants in declaration order.
        &SPECS[self as usize]
    }

    /// Every code, in declaration order.
    pub fn all() -> impl Iterator<Item = Code> {
        SPECS.iter().map(|s| s.code)
    }

    /// The stable string, e.g. `NON_CONTIGUOUS`.
    pub fn as_str(self) -> &'static str {
        self.spec().name
    }

    /// The code with this string, if any.
    pub fn parse(s: &str) -> Option<Code> {
        SPECS.iter().find(|x| x.name == s).map(|x| x.code)
    }

    pub fn severity(self) -> Severity {
        self.spec().severity
    }

    /// A short human label.
    pub fn label(self) -> &'static str {
        self.spec().label
    }

    /// The map fill of a network whose worst finding this is.
    pub fn colour(self) -> Option<&'static str> {
        self.spec().colour
    }

    /// The family of a network finding (`None` for dataset, practice and
    /// area findings).
    pub fn family(self) -> Option<Family> {
        Some(match self {
            Code::NoFootprint | Code::NonContiguous | Code::PracticeOutsideFootprint => {
                Family::Footprint
            }
            Code::PopulationBelowBand | Code::PopulationAboveBand => Family::Band,
            Code::HubImpractical
            | Code::SharedRoleImpractical
            | Code::PatientAccessBurden
            | Code::PublicTransportBurden => Family::Drive,
            Code::RuralAccessRisk | Code::RuralWaiverCandidate | Code::Rural => Family::Rural,
            _ => return None,
        })
    }

    /// Rank in [`Code::MAP_ORDER`] (codes not drawn on maps last).
    pub fn map_rank(self) -> usize {
        Code::MAP_ORDER
            .iter()
            .position(|c| *c == self)
            .unwrap_or(Code::MAP_ORDER.len())
    }
}

impl Ord for Code {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Codes joined by `sep`, e.g. for a `flags` column.
pub fn join_codes(codes: &[Code], sep: &str) -> String {
    let names: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
    names.join(sep)
}

/// One finding: a stable code, its subject (a PCN, practice or area code)
/// and a human-readable detail with the numbers behind it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    pub scope: Scope,
    pub code: Code,
    pub subject: String,
    pub detail: String,
    /// The one practice a network finding is about, when it is about one
    /// (`PRACTICE_OUTSIDE_FOOTPRINT`: the practice outside;
    /// `HUB_IMPRACTICAL`: the member farthest from the hub), so outputs
    /// need not read it out of the detail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub practice: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_are_in_variant_order_and_names_unique() {
        for (i, s) in SPECS.iter().enumerate() {
            assert_eq!(s.code as usize, i, "{}", s.name);
            assert_eq!(Code::parse(s.name), Some(s.code));
        }
        let mut names: Vec<&str> = Code::all().map(Code::as_str).collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n);
        assert_eq!(Code::parse("NOT_A_CODE"), None);
    }

    #[test]
    fn every_map_class_has_its_own_colour() {
        let mut colours: Vec<&str> = Code::MAP_ORDER
            .iter()
            .map(|c| c.colour().expect("a map class has a colour"))
            .collect();
        let n = colours.len();
        colours.sort();
        colours.dedup();
        assert_eq!(colours.len(), n);
        // And only the map classes have one.
        for c in Code::all() {
            assert_eq!(c.colour().is_some(), Code::MAP_ORDER.contains(&c), "{c}");
        }
    }

    #[test]
    fn exactly_the_map_classes_have_a_family() {
        for c in Code::all() {
            assert_eq!(c.family().is_some(), Code::MAP_ORDER.contains(&c), "{c}");
        }
        assert_eq!(Code::RuralAccessRisk.family(), Some(Family::Rural));
        assert_eq!(Code::AreaUnassigned.family(), None);
    }

    #[test]
    fn codes_sort_by_their_string() {
        let mut v = vec![Code::Rural, Code::AreaUnassigned, Code::NonContiguous];
        v.sort();
        assert_eq!(
            v,
            vec![Code::AreaUnassigned, Code::NonContiguous, Code::Rural]
        );
    }
}
