//! Map classes: a network is drawn in the colour of its worst finding, in
//! the order of [`Code::MAP_ORDER`]; colours and labels come from
//! [`Code`] itself, so maps and outputs cannot disagree about a finding.

use crate::findings::Code;

/// The class code of a network with no finding.
pub const NONE: &str = "NONE";
const NONE_COLOUR: &str = "#fbfbf4";
const NONE_LABEL: &str = "No findings";

/// The map class of a network whose worst finding is `worst`: the code
/// when maps draw it, `None` (no findings) otherwise.
pub fn class_of(worst: Option<Code>) -> Option<Code> {
    worst.filter(|c| c.colour().is_some())
}

/// The class code written in the map's data (`NONE` for no findings).
pub fn class_code(class: Option<Code>) -> &'static str {
    class.map_or(NONE, Code::as_str)
}

/// Fill colour of a network whose worst finding is `worst`. Reds and
/// oranges for rule breaches, purples and blues for drive-time findings,
/// pale yellow and green for the rural flags, so the eye goes to the
/// breaches first.
pub fn finding_colour(worst: Option<Code>) -> &'static str {
    class_of(worst)
        .and_then(Code::colour)
        .unwrap_or(NONE_COLOUR)
}

/// A short legend label for a class.
pub fn finding_label(class: Option<Code>) -> &'static str {
    match class_of(class) {
        Some(c) => c.label(),
        None => NONE_LABEL,
    }
}

/// The classes a legend shows for these PCNs' worst findings, in severity
/// order, with how many PCNs are in each.
pub fn legend_classes(worst: impl Iterator<Item = Option<Code>>) -> Vec<(Option<Code>, usize)> {
    let n = Code::MAP_ORDER.len();
    let mut counts = vec![0usize; n + 1];
    for w in worst {
        counts[class_of(w).map_or(n, Code::map_rank)] += 1;
    }
    Code::MAP_ORDER
        .iter()
        .map(|&c| Some(c))
        .chain(std::iter::once(None))
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class_has_its_own_colour() {
        let mut all: Vec<&str> = Code::MAP_ORDER
            .iter()
            .map(|&c| finding_colour(Some(c)))
            .collect();
        all.push(finding_colour(None));
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n);
    }

    #[test]
    fn legend_counts_in_severity_order() {
        let w = [
            Some(Code::Rural),
            None,
            Some(Code::NonContiguous),
            Some(Code::Rural),
            None,
            Some(Code::AreaUnassigned),
        ];
        let l = legend_classes(w.iter().copied());
        assert_eq!(
            l,
            vec![
                (Some(Code::NonContiguous), 1),
                (Some(Code::Rural), 2),
                (None, 3)
            ]
        );
        assert_eq!(class_code(None), "NONE");
        assert_eq!(finding_label(Some(Code::AreaUnassigned)), "No findings");
    }
}
