//! Colours and the order of severity of findings on maps.

use crate::findings::codes;

/// PCN finding codes from most to least severe: a footprint's colour is
/// its first code in this list. Breaches of the network rules (no
/// footprint, split footprint, population out of band, practice outside)
/// come before the practicality findings of `analyse`, and those before the
/// informational rural flags.
pub const SEVERITY: &[&str] = &[
    codes::NO_FOOTPRINT,
    codes::NON_CONTIGUOUS,
    codes::POPULATION_BELOW_BAND,
    codes::POPULATION_ABOVE_BAND,
    codes::PRACTICE_OUTSIDE_FOOTPRINT,
    codes::HUB_IMPRACTICAL,
    codes::SHARED_ROLE_IMPRACTICAL,
    codes::PATIENT_ACCESS_BURDEN,
    codes::RURAL_ACCESS_RISK,
    codes::RURAL_WAIVER_CANDIDATE,
    codes::RURAL,
];

/// The class of a PCN with no finding.
pub const NONE: &str = "NONE";

/// Fill colour of each class (the codes of [`SEVERITY`], then [`NONE`]).
/// Reds and oranges for rule breaches, purples and blues for drive-time
/// findings, pale yellow and green for the rural flags, so the eye goes to
/// the breaches first.
pub fn finding_colour(code: &str) -> &'static str {
    match code {
        c if c == codes::NO_FOOTPRINT => "#8c8c8c",
        c if c == codes::NON_CONTIGUOUS => "#d7191c",
        c if c == codes::POPULATION_BELOW_BAND => "#f4793b",
        c if c == codes::POPULATION_ABOVE_BAND => "#a6216e",
        c if c == codes::PRACTICE_OUTSIDE_FOOTPRINT => "#fdb863",
        c if c == codes::HUB_IMPRACTICAL => "#5e3c99",
        c if c == codes::SHARED_ROLE_IMPRACTICAL => "#9e8ac8",
        c if c == codes::PATIENT_ACCESS_BURDEN => "#2166ac",
        c if c == codes::RURAL_ACCESS_RISK => "#6fb1d6",
        c if c == codes::RURAL_WAIVER_CANDIDATE => "#f6e27f",
        c if c == codes::RURAL => "#c3e3a2",
        _ => "#fbfbf4",
    }
}

/// A short legend label for a class.
pub fn finding_label(code: &str) -> &'static str {
    match code {
        c if c == codes::NO_FOOTPRINT => "No footprint",
        c if c == codes::NON_CONTIGUOUS => "Not contiguous",
        c if c == codes::POPULATION_BELOW_BAND => "Population below band",
        c if c == codes::POPULATION_ABOVE_BAND => "Population above band",
        c if c == codes::PRACTICE_OUTSIDE_FOOTPRINT => "Practice outside footprint",
        c if c == codes::HUB_IMPRACTICAL => "Hub impractical",
        c if c == codes::SHARED_ROLE_IMPRACTICAL => "Shared role impractical",
        c if c == codes::PATIENT_ACCESS_BURDEN => "Patient access burden",
        c if c == codes::RURAL_ACCESS_RISK => "Rural access risk",
        c if c == codes::RURAL_WAIVER_CANDIDATE => "Rural waiver candidate",
        c if c == codes::RURAL => "Rural (no problem found)",
        _ => "No findings",
    }
}

/// Rank of a code in [`SEVERITY`] (unknown codes last).
pub fn severity_rank(code: &str) -> usize {
    SEVERITY
        .iter()
        .position(|c| *c == code)
        .unwrap_or(SEVERITY.len())
}

/// The classes a legend shows for these PCNs' worst findings, in severity
/// order, with how many PCNs are in each.
pub fn legend_classes<'a>(
    worst: impl Iterator<Item = Option<&'a str>>,
) -> Vec<(&'static str, usize)> {
    let mut counts = vec![0usize; SEVERITY.len() + 1];
    for w in worst {
        let k = w.map_or(SEVERITY.len(), severity_rank).min(SEVERITY.len());
        counts[k] += 1;
    }
    SEVERITY
        .iter()
        .copied()
        .chain(std::iter::once(NONE))
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class_has_its_own_colour() {
        let mut all: Vec<&str> = SEVERITY.iter().map(|c| finding_colour(c)).collect();
        all.push(finding_colour(NONE));
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n);
    }

    #[test]
    fn legend_counts_in_severity_order() {
        let w = [
            Some("RURAL"),
            None,
            Some("NON_CONTIGUOUS"),
            Some("RURAL"),
            None,
            None,
        ];
        let l = legend_classes(w.iter().copied());
        assert_eq!(l, vec![("NON_CONTIGUOUS", 1), ("RURAL", 2), ("NONE", 3)]);
    }
}
