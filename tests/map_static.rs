//! The static maps (`map.svg`, `map.png`): nothing clipped, the scale bar
//! and north arrow off the land, practice dots that do not black out a
//! national map, hubs visible, legend counts that are the networks with
//! each finding (as findings.csv has them), an overlay per other finding
//! family, and place names that do not collide. Hand-made maps with the
//! answers worked out by hand, and the demo run end to end.

mod common;
use common::{demo, pcn_atlas};
use geo::{Coord, LineString, MultiPolygon, Polygon};
use pcn_atlas::findings::Code;
use pcn_atlas::model::{Place, PlaceKind};
use pcn_atlas::output::map::svg::{
    Corner, Layout, PRACTICE_DOT_LIMIT, emptiest_corner, networks_by_code, prepare, static_svg,
    text_width,
};
use pcn_atlas::output::map::{MapInput, MapPcn, MapPoint};
use std::collections::{BTreeMap, BTreeSet};

fn poly(ring: &[(f64, f64)]) -> MultiPolygon<f64> {
    let ls: LineString<f64> = ring.iter().map(|&(x, y)| Coord { x, y }).collect();
    MultiPolygon(vec![Polygon::new(ls, vec![])])
}

fn pcn(code: &str, geometry: MultiPolygon<f64>, findings: &[Code]) -> MapPcn {
    MapPcn {
        code: code.into(),
        name: format!("{code} network"),
        findings: findings.iter().map(|&c| (c, String::new())).collect(),
        band: "within",
        practices: 1,
        list_size: 1,
        resident_population: 1,
        rural_share: None,
        area_km2: 1.0,
        components: 1,
        hub: None,
        hub_name: None,
        members: Vec::new(),
        staff_max_min: None,
        staff_tour_min: None,
        patients_p90_min_to_hub: None,
        patients_mean_min_to_practice: None,
        pt_median_min_to_hub: None,
        pt_share_no_journey_90_min_to_hub: None,
        icb_code: String::new(),
        icb_name: String::new(),
        geometry,
    }
}

fn point(code: &str, at: [f64; 2], hub: bool) -> MapPoint {
    MapPoint {
        code: code.into(),
        name: code.into(),
        pcn: None,
        list_size: None,
        hub,
        site: false,
        location: at,
    }
}

/// A 10 km square map: an L of land leaving the top-right quadrant empty.
fn l_shape() -> MapInput {
    MapInput {
        title: "L".into(),
        pcns: vec![pcn(
            "U1",
            poly(&[
                (0.0, 0.0),
                (10_000.0, 0.0),
                (10_000.0, 5_000.0),
                (5_000.0, 5_000.0),
                (5_000.0, 10_000.0),
                (0.0, 10_000.0),
                (0.0, 0.0),
            ]),
            &[],
        )],
        ..MapInput::default()
    }
}

/// The `translate(x y)` of the element with this id.
fn translate_of(svg: &str, id: &str) -> (f64, f64) {
    let at = svg
        .find(&format!("id=\"{id}\" transform=\"translate("))
        .unwrap();
    let rest = &svg[at..];
    let open = rest.find("translate(").unwrap() + "translate(".len();
    let close = rest[open..].find(')').unwrap();
    let nums: Vec<f64> = rest[open..open + close]
        .split(' ')
        .map(|v| v.parse().unwrap())
        .collect();
    (nums[0], nums[1])
}

/// Every `<text x=".." ... font-size=".."...>content</text>`: x, font, text.
fn texts(svg: &str) -> Vec<(f64, f64, String)> {
    let attr = |tag: &str, name: &str| -> Option<f64> {
        let k = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        tag[k..].split('"').next()?.parse().ok()
    };
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let end = t.find('>')?;
            let tag = &t[..end];
            let body = &t[end + 1..t.find("</text>")?];
            Some((attr(tag, "x")?, attr(tag, "font-size")?, body.to_string()))
        })
        .collect()
}

fn svg_width(svg: &str) -> f64 {
    let k = svg.find("width=\"").unwrap() + 7;
    svg[k..].split('"').next().unwrap().parse().unwrap()
}

#[test]
fn long_title_and_vintages_line_are_never_clipped() {
    let mut input = l_shape();
    input.title = "PCN footprints · a very long output folder name that goes on and on".into();
    input.subtitle = Some(
        [
            "practices: NHS Digital epraccur 2026-11-01",
            "PCN membership: ePCN 2026-10-31 (Relationships sheet)",
            "list sizes: gp-reg-pat-prac-lsoa-all 2026-11-01",
            "areas: ONS LSOA 2021 boundaries (BGC, December 2021, version 5)",
            "a_single_part_without_any_place_to_break_it_that_is_wider_than_the_panel",
        ]
        .join("; "),
    );
    let prep = prepare(&input);
    let svg = static_svg(&input, &prep);
    let w = svg_width(&svg);
    let all = texts(&svg);
    for (x, font, body) in &all {
        // Entities count as one character at most as wide as a letter.
        let shown = body
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&#39;", "'");
        assert!(
            x + text_width(&shown, *font) <= w - 10.0,
            "clipped: {body:?} at x {x}, font {font} (svg {w} wide)"
        );
    }
    // Every part of the vintages line is drawn, in order.
    let drawn: String = all
        .iter()
        .map(|t| t.2.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    let mut from = 0;
    for part in input.subtitle.as_deref().unwrap().split("; ") {
        let k = drawn[from..]
            .find(part)
            .unwrap_or_else(|| panic!("{part} missing"));
        from += k + part.len();
    }
}

#[test]
fn scale_and_north_go_to_the_one_empty_corner() {
    let input = l_shape();
    let prep = prepare(&input);
    let lay = Layout::new(&prep.frame);
    assert_eq!(emptiest_corner(&input, &prep, &lay), Some(Corner::TopRight));
    let svg = static_svg(&input, &prep);
    // The map panel is 20..1020 px wide; the arrow sits in its right part,
    // near the top.
    let (x, y) = translate_of(&svg, "north");
    assert!((820.0..1020.0).contains(&x) && y < 60.0, "{x} {y}");
    // Mirror the L: now the bottom-left quadrant is the empty one.
    let mut m = input.clone();
    m.pcns[0].geometry = poly(&[
        (0.0, 5_000.0),
        (5_000.0, 5_000.0),
        (5_000.0, 0.0),
        (10_000.0, 0.0),
        (10_000.0, 10_000.0),
        (0.0, 10_000.0),
        (0.0, 5_000.0),
    ]);
    let prep = prepare(&m);
    let lay = Layout::new(&prep.frame);
    assert_eq!(emptiest_corner(&m, &prep, &lay), Some(Corner::BottomLeft));
}

#[test]
fn with_land_in_every_corner_scale_and_north_go_under_the_legend() {
    let mut input = l_shape();
    input.pcns[0].geometry = poly(&[
        (0.0, 0.0),
        (10_000.0, 0.0),
        (10_000.0, 10_000.0),
        (0.0, 10_000.0),
        (0.0, 0.0),
    ]);
    let prep = prepare(&input);
    let lay = Layout::new(&prep.frame);
    assert_eq!(emptiest_corner(&input, &prep, &lay), None);
    let svg = static_svg(&input, &prep);
    let (x, _) = translate_of(&svg, "north");
    assert!(x > 1040.0, "north arrow at x {x}, over the map panel");
}

/// Networks with each finding, not with it as their worst: A's worst is
/// below band, yet it counts under rural access risk and hub impractical
/// too, and once (not twice) under practice outside footprint.
#[test]
fn legend_counts_networks_with_each_finding_and_overlays_the_rest() {
    let sq = |x0: f64| {
        poly(&[
            (x0, 0.0),
            (x0 + 1000.0, 0.0),
            (x0 + 1000.0, 1000.0),
            (x0, 1000.0),
            (x0, 0.0),
        ])
    };
    let input = MapInput {
        title: "counts".into(),
        pcns: vec![
            pcn(
                "A",
                sq(0.0),
                &[
                    Code::PopulationBelowBand,
                    Code::PracticeOutsideFootprint,
                    Code::PracticeOutsideFootprint,
                    Code::HubImpractical,
                    Code::RuralAccessRisk,
                ],
            ),
            pcn("B", sq(1000.0), &[Code::NonContiguous]),
            pcn("C", sq(2000.0), &[]),
        ],
        ..MapInput::default()
    };
    let (by_code, none) = networks_by_code(&input);
    assert_eq!(
        by_code,
        vec![
            (Code::NonContiguous, 1),
            (Code::PopulationBelowBand, 1),
            (Code::PracticeOutsideFootprint, 1),
            (Code::HubImpractical, 1),
            (Code::RuralAccessRisk, 1),
        ]
    );
    assert_eq!(none, 1);
    let prep = prepare(&input);
    let svg = static_svg(&input, &prep);
    for want in [
        "Rural access risk (1)",
        "Practice outside footprint (1)",
        "No findings (1)",
        "Footprint rules (hatching) (1)",
        "Drive times (dots) (1)",
        "Rural access (coloured border) (1)",
    ] {
        assert!(svg.contains(want), "legend lacks {want}");
    }
    // A's fill says "below band": no band hatch; B shows only its fill.
    assert!(!svg.contains("Population band (dashed outline)"));
    let group = |id: &str| {
        let k = svg.find(&format!("<g class=\"{id}\"")).unwrap();
        svg[k..]
            .split("</g>")
            .next()
            .unwrap()
            .matches("<path")
            .count()
    };
    assert_eq!(group("fam-footprint"), 1);
    assert_eq!(group("fam-drive"), 1);
    assert_eq!(group("fam-rural"), 1);
    assert_eq!(group("fam-band"), 0);
    // And the PNG renders the patterns.
    let png = pcn_atlas::output::map::png::render_png(&svg, 1.0).unwrap();
    assert_eq!(&png[..4], b"\x89PNG");
}

/// Above PRACTICE_DOT_LIMIT practices the dots are left out (the legend
/// says so); hubs are drawn at every scale, at least 5 px, 8 px when
/// practices are drawn.
#[test]
fn practice_dots_give_way_at_national_scale_and_hubs_stay() {
    let hub_px = |n: usize| {
        let mut input = l_shape();
        input.points = (0..n)
            .map(|i| {
                point(
                    &format!("P{i}"),
                    [100.0 + (i % 90) as f64 * 50.0, 200.0],
                    false,
                )
            })
            .collect();
        input.points.push(point("H", [2_000.0, 2_000.0], true));
        let prep = prepare(&input);
        let s = Layout::new(&prep.frame).s;
        let svg = static_svg(&input, &prep);
        let circles = svg
            .split("<g fill=\"#1f2933\" stroke=\"#ffffff\"")
            .nth(1)
            .map_or(0, |g| {
                g.split("</g>").next().unwrap().matches("<circle").count()
            });
        let k = svg.find("<g fill=\"#ffd400\"").unwrap();
        let rect = &svg[k + svg[k..].find("<rect").unwrap()..];
        let w0 = rect.find(" width=\"").unwrap() + 8;
        let w: f64 = rect[w0..].split('"').next().unwrap().parse().unwrap();
        (circles, w * s, svg.contains("Practices not drawn"))
    };
    let (circles, hub, note) = hub_px(10);
    assert_eq!(circles, 10);
    assert!(hub >= 7.9 && !note, "{hub}");
    let (circles, hub, note) = hub_px(PRACTICE_DOT_LIMIT + 1);
    assert_eq!(circles, 0);
    assert!(hub >= 4.9 && note, "{hub}");
}

fn place(name: &str, kind: PlaceKind, at: [f64; 2], population: Option<u64>) -> Place {
    Place {
        name: name.into(),
        kind,
        location: at,
        population,
    }
}

/// Two towns on the same spot: the more populous is named. Villages are
/// named on a county-sized map, not on a larger one. A place off the map
/// panel is not drawn.
#[test]
fn place_names_avoid_each_other_and_villages_wait_for_a_county() {
    let mut input = l_shape();
    input.places = vec![
        place("Smalltown", PlaceKind::Town, [2_000.0, 2_000.0], Some(900)),
        place("Bigtown", PlaceKind::Town, [2_050.0, 2_000.0], Some(20_000)),
        place("Quietvillage", PlaceKind::Village, [2_000.0, 7_000.0], None),
        place("Faraway", PlaceKind::City, [900_000.0, 900_000.0], None),
    ];
    let prep = prepare(&input);
    let svg = static_svg(&input, &prep);
    let places = svg.split("<g id=\"places\">").nth(1).unwrap();
    let places = places.split("</g>").next().unwrap();
    assert!(places.contains(">Bigtown<"));
    assert!(!places.contains(">Smalltown<"));
    assert!(places.contains(">Quietvillage<"));
    assert!(!places.contains(">Faraway<"));
    // Stretch the map to 200 km: villages are no longer named.
    input.pcns.push(pcn(
        "U2",
        poly(&[
            (190_000.0, 0.0),
            (200_000.0, 0.0),
            (200_000.0, 10_000.0),
            (190_000.0, 0.0),
        ]),
        &[],
    ));
    let prep = prepare(&input);
    let svg = static_svg(&input, &prep);
    assert!(!svg.contains(">Quietvillage<"));
    assert!(svg.contains(">Bigtown<"));
}

/// The demo end to end: the legend's count for each finding is the number
/// of networks findings.csv gives that finding.
#[test]
fn demo_legend_counts_equal_findings_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let r = pcn_atlas(
        tmp.path(),
        &["analyse", "--dataset", &demo(), "--out", "a", "-q"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = tmp.path().join("a");
    let mut rd = csv::Reader::from_path(out.join("findings.csv")).unwrap();
    let head = rd.headers().unwrap().clone();
    let col = |n: &str| head.iter().position(|h| h == n);
    let (scope, code) = (col("scope").unwrap(), col("code").unwrap());
    let pcn_col = col("pcn_code").unwrap_or_else(|| col("subject").unwrap());
    let mut nets: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for row in rd.records() {
        let row = row.unwrap();
        if &row[scope] == "pcn" {
            nets.entry(row[code].to_string())
                .or_default()
                .insert(row[pcn_col].to_string());
        }
    }
    let svg = std::fs::read_to_string(out.join("map.svg")).unwrap();
    assert!(!nets.is_empty());
    for (c, set) in &nets {
        let Some(code) = Code::parse(c) else { continue };
        if code.colour().is_none() {
            continue;
        }
        let want = format!(">{} ({})</text>", code.label(), set.len());
        assert!(svg.contains(&want), "map.svg lacks {want}");
    }
    // Upland Dales' headline finding is in the legend.
    assert!(nets.contains_key("RURAL_ACCESS_RISK"));
}
