//! Map classes: a network is drawn in the colour of its worst finding, in
//! the order of [`Code::MAP_ORDER`]; colours and labels come from
//! [`Code`] itself, so maps and outputs cannot disagree about a finding.

use crate::findings::Code;

/// The class code of a network with no finding.
pub const NONE: &str = "NONE";
const NONE_COLOUR: &str = "#fef7ff";
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

/// Fill colour of a network whose worst finding is `worst`. Reds, wine and
/// oranges for rule breaches, purples and blues for drive-time findings,
/// pale yellow and green for the rural flags, so the eye goes to the
/// breaches first. The palette is colour-blind safe: every two classes
/// (with "no findings") differ by CIEDE2000 ΔE ≥ [`MIN_DELTA_E`] in normal
/// vision and in simulated deuteranopia and protanopia ([`vision`]).
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

/// The least CIEDE2000 difference between any two legend classes, in
/// normal vision and in simulated deuteranopia and protanopia. ΔE00 ≈ 1 is
/// a just-noticeable difference side by side; 10 is a difference that
/// names a different colour, which is what two map fills apart need
/// (measured minimum of this palette: 15.0, in protanopia, between
/// "Population above band" and "Hub impractical").
pub const MIN_DELTA_E: f64 = 10.0;

/// The legend's fills: the map classes in [`Code::MAP_ORDER`], then "no
/// findings".
pub fn legend_colours() -> Vec<(&'static str, &'static str)> {
    Code::MAP_ORDER
        .iter()
        .map(|&c| (c.label(), finding_colour(Some(c))))
        .chain(std::iter::once((NONE_LABEL, NONE_COLOUR)))
        .collect()
}

/// Colour-vision simulation and colour difference, to check palettes:
/// Machado, Oliveira & Fernandes (2009) dichromacy matrices at severity 1
/// applied in linear RGB, CIELAB (D65) and CIEDE2000 (Sharma, Wu &
/// Dalal 2005).
pub mod vision {
    /// How a colour is seen.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Vision {
        Normal,
        Deuteranopia,
        Protanopia,
    }

    impl Vision {
        pub const ALL: [Vision; 3] = [Vision::Normal, Vision::Deuteranopia, Vision::Protanopia];

        pub fn as_str(self) -> &'static str {
            match self {
                Vision::Normal => "normal",
                Vision::Deuteranopia => "deuteranopia",
                Vision::Protanopia => "protanopia",
            }
        }
    }

    const DEUTAN: [[f64; 3]; 3] = [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ];
    const PROTAN: [[f64; 3]; 3] = [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ];

    /// `#rrggbb` as sRGB in 0–1; `None` when not that form.
    pub fn parse_hex(hex: &str) -> Option<[f64; 3]> {
        let h = hex.strip_prefix('#')?;
        if h.len() != 6 || !h.is_ascii() {
            return None;
        }
        let c = |i: usize| {
            u8::from_str_radix(&h[i..i + 2], 16)
                .ok()
                .map(|v| f64::from(v) / 255.0)
        };
        Some([c(0)?, c(2)?, c(4)?])
    }

    fn to_linear(c: f64) -> f64 {
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    }

    /// CIELAB (D65) of an sRGB colour as seen with `vision`.
    pub fn lab(srgb: [f64; 3], vision: Vision) -> [f64; 3] {
        let l = srgb.map(to_linear);
        let l = match vision {
            Vision::Normal => l,
            Vision::Deuteranopia => mul(&DEUTAN, l),
            Vision::Protanopia => mul(&PROTAN, l),
        }
        .map(|v| v.clamp(0.0, 1.0));
        let xyz = mul(
            &[
                [0.4124564, 0.3575761, 0.1804375],
                [0.2126729, 0.7151522, 0.0721750],
                [0.0193339, 0.1191920, 0.9503041],
            ],
            l,
        );
        let white = [0.95047, 1.0, 1.08883];
        let f = |t: f64| {
            let d: f64 = 6.0 / 29.0;
            if t > d.powi(3) {
                t.cbrt()
            } else {
                t / (3.0 * d * d) + 4.0 / 29.0
            }
        };
        let [fx, fy, fz] = [
            f(xyz[0] / white[0]),
            f(xyz[1] / white[1]),
            f(xyz[2] / white[2]),
        ];
        [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
    }

    fn mul(m: &[[f64; 3]; 3], v: [f64; 3]) -> [f64; 3] {
        m.map(|r| r[0] * v[0] + r[1] * v[1] + r[2] * v[2])
    }

    /// CIEDE2000 colour difference of two CIELAB colours.
    pub fn delta_e2000(a: [f64; 3], b: [f64; 3]) -> f64 {
        let [l1, a1, b1] = a;
        let [l2, a2, b2] = b;
        let pow7 = |c: f64| c.powi(7);
        let c_bar = (a1.hypot(b1) + a2.hypot(b2)) / 2.0;
        let g = 0.5 * (1.0 - (pow7(c_bar) / (pow7(c_bar) + pow7(25.0))).sqrt());
        let (a1p, a2p) = ((1.0 + g) * a1, (1.0 + g) * a2);
        let (c1p, c2p) = (a1p.hypot(b1), a2p.hypot(b2));
        let hue = |b: f64, a: f64| {
            if b == 0.0 && a == 0.0 {
                0.0
            } else {
                b.atan2(a).to_degrees().rem_euclid(360.0)
            }
        };
        let (h1p, h2p) = (hue(b1, a1p), hue(b2, a2p));
        let dl = l2 - l1;
        let dc = c2p - c1p;
        let dh_angle = if c1p * c2p == 0.0 {
            0.0
        } else if (h2p - h1p).abs() <= 180.0 {
            h2p - h1p
        } else if h2p - h1p > 180.0 {
            h2p - h1p - 360.0
        } else {
            h2p - h1p + 360.0
        };
        let dh = 2.0 * (c1p * c2p).sqrt() * (dh_angle.to_radians() / 2.0).sin();
        let l_bar = (l1 + l2) / 2.0;
        let cp_bar = (c1p + c2p) / 2.0;
        let h_bar = if c1p * c2p == 0.0 {
            h1p + h2p
        } else if (h1p - h2p).abs() <= 180.0 {
            (h1p + h2p) / 2.0
        } else if h1p + h2p < 360.0 {
            (h1p + h2p + 360.0) / 2.0
        } else {
            (h1p + h2p - 360.0) / 2.0
        };
        let cos = |deg: f64| deg.to_radians().cos();
        let t = 1.0 - 0.17 * cos(h_bar - 30.0)
            + 0.24 * cos(2.0 * h_bar)
            + 0.32 * cos(3.0 * h_bar + 6.0)
            - 0.20 * cos(4.0 * h_bar - 63.0);
        let d_theta = 30.0 * (-((h_bar - 275.0) / 25.0).powi(2)).exp();
        let rc = 2.0 * (pow7(cp_bar) / (pow7(cp_bar) + pow7(25.0))).sqrt();
        let sl = 1.0 + 0.015 * (l_bar - 50.0).powi(2) / (20.0 + (l_bar - 50.0).powi(2)).sqrt();
        let sc = 1.0 + 0.045 * cp_bar;
        let sh = 1.0 + 0.015 * cp_bar * t;
        let rt = -(2.0 * d_theta).to_radians().sin() * rc;
        ((dl / sl).powi(2) + (dc / sc).powi(2) + (dh / sh).powi(2) + rt * (dc / sc) * (dh / sh))
            .sqrt()
    }

    /// The closest pair of `colours` (`#rrggbb`) under any of
    /// [`Vision::ALL`]: (ΔE00, first, second, vision); `None` with fewer
    /// than two colours or one not `#rrggbb`.
    pub fn closest_pair<'a>(colours: &[&'a str]) -> Option<(f64, &'a str, &'a str, Vision)> {
        let parsed: Vec<[f64; 3]> = colours
            .iter()
            .map(|c| parse_hex(c))
            .collect::<Option<_>>()?;
        let mut best: Option<(f64, &str, &str, Vision)> = None;
        for v in Vision::ALL {
            let labs: Vec<[f64; 3]> = parsed.iter().map(|&c| lab(c, v)).collect();
            for i in 0..labs.len() {
                for j in i + 1..labs.len() {
                    let d = delta_e2000(labs[i], labs[j]);
                    if best.is_none_or(|b| d < b.0) {
                        best = Some((d, colours[i], colours[j], v));
                    }
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::vision::*;
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

    /// Sharma, Wu & Dalal (2005), Table 1: pairs 1, 7, 17, 25 and 34 of
    /// their CIEDE2000 test data, to four decimals.
    #[test]
    fn ciede2000_matches_sharmas_test_data() {
        let cases = [
            ([50.0, 2.6772, -79.7751], [50.0, 0.0, -82.7485], 2.0425),
            ([50.0, 0.0, 0.0], [50.0, -1.0, 2.0], 2.3669),
            ([50.0, 2.5, 0.0], [73.0, 25.0, -18.0], 27.1492),
            (
                [60.2574, -34.0099, 36.2677],
                [60.4626, -34.1751, 39.4387],
                1.2644,
            ),
            (
                [22.7233, 20.0904, -46.6940],
                [23.0331, 14.9730, -42.5619],
                2.0373,
            ),
        ];
        for (a, b, want) in cases {
            let got = delta_e2000(a, b);
            assert!((got - want).abs() < 5e-5, "{a:?} {b:?}: {got} != {want}");
            assert!((delta_e2000(b, a) - want).abs() < 5e-5);
        }
    }

    /// White stays white and pure red turns dark yellow-brown for
    /// protanopes (Machado's matrix row sums are 1: greys are unchanged).
    #[test]
    fn simulation_keeps_greys_and_folds_red_and_green() {
        let white = lab([1.0, 1.0, 1.0], Vision::Protanopia);
        assert!((white[0] - 100.0).abs() < 0.01 && white[1].abs() < 0.05);
        let grey = [0.5, 0.5, 0.5];
        for v in Vision::ALL {
            assert!(delta_e2000(lab(grey, Vision::Normal), lab(grey, v)) < 0.1);
        }
        // Red and green, far apart normally, come close for a deuteranope.
        let (r, g) = ([0.8, 0.2, 0.1], [0.45, 0.55, 0.1]);
        let n = delta_e2000(lab(r, Vision::Normal), lab(g, Vision::Normal));
        let d = delta_e2000(lab(r, Vision::Deuteranopia), lab(g, Vision::Deuteranopia));
        assert!(n > 40.0 && d < 12.0, "normal {n}, deutan {d}");
    }

    /// Every two legend classes stay apart in normal vision, deuteranopia
    /// and protanopia; the old palette (before issue 15) did not.
    #[test]
    fn palette_is_colour_blind_safe() {
        let colours: Vec<&str> = legend_colours().iter().map(|c| c.1).collect();
        assert_eq!(colours.len(), Code::MAP_ORDER.len() + 1);
        let (d, a, b, v) = closest_pair(&colours).unwrap();
        assert!(
            d >= MIN_DELTA_E,
            "{a} and {b} differ by ΔE00 {d:.1} in {} vision",
            v.as_str()
        );
        let old = [
            "#8c8c8c", "#d7191c", "#f4793b", "#a6216e", "#fdb863", "#5e3c99", "#9e8ac8", "#2166ac",
            "#6fb1d6", "#f6e27f", "#c3e3a2", "#fbfbf4",
        ];
        let (d, ..) = closest_pair(&old).unwrap();
        assert!(d < MIN_DELTA_E, "{d}");
        assert_eq!(closest_pair(&["#zzzzzz", "#000000"]), None);
    }
}
