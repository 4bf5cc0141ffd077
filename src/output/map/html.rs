//! `map.html`: one self-contained page — the footprints as SVG paths, the
//! run's numbers as JSON, and a small script of our own for pan, zoom,
//! hover, search and colouring by finding or metric. It makes no network
//! request and needs no third-party code.

use super::style::{class_code, finding_colour, finding_label, legend_classes};
use super::svg::{Prepared, esc, path_d};
use super::topology::douglas_peucker;
use super::{MapInput, MapPcn};
use crate::findings::Code;
use crate::model::PlaceKind;
use serde::Serialize;
use std::fmt::Write;

const CSS: &str = include_str!("assets/map.css");
const JS: &str = include_str!("assets/map.js");
/// Branch sites' style and script, added to the page only when it has
/// branch sites (so a page without sites is as before).
const SITES_CSS: &str = include_str!("assets/sites.css");
const SITES_JS: &str = include_str!("assets/sites.js");

/// The overlay patterns, drawn in screen pixels (the script scales them
/// with the zoom): hatching for the footprint rules and coverage gaps,
/// dots for drive times. Band (dashed outline) and rural (thick border)
/// overlays are strokes in `map.css`.
const DEFS: &str = "<defs>\
<pattern id=\"pat-footprint\" class=\"pat\" patternUnits=\"userSpaceOnUse\" width=\"9\" height=\"9\" patternTransform=\"rotate(45)\">\
<rect width=\"2.2\" height=\"9\" fill=\"#1f2933\" fill-opacity=\"0.75\"/></pattern>\
<pattern id=\"pat-drive\" class=\"pat\" patternUnits=\"userSpaceOnUse\" width=\"8\" height=\"8\">\
<circle cx=\"4\" cy=\"4\" r=\"1.7\" fill=\"#1f2933\" fill-opacity=\"0.85\"/></pattern>\
<pattern id=\"pat-area\" class=\"pat\" patternUnits=\"userSpaceOnUse\" width=\"7\" height=\"7\" patternTransform=\"rotate(-45)\">\
<rect width=\"7\" height=\"7\" fill=\"#ffffff\" fill-opacity=\"0.55\"/><rect width=\"2\" height=\"7\" fill=\"#b00020\"/></pattern>\
</defs>\n";

#[derive(Serialize)]
struct Class {
    code: &'static str,
    label: &'static str,
    colour: &'static str,
    count: usize,
}

/// A metric the footprints can be coloured by.
#[derive(Serialize)]
struct Metric {
    key: &'static str,
    label: &'static str,
    format: &'static str,
    /// Fixed class breaks; quantiles of the values when absent.
    breaks: Option<Vec<f64>>,
    ramp: &'static [&'static str],
    note: Option<String>,
    available: bool,
}

#[derive(Serialize)]
struct FrameOut {
    x0: f64,
    y1: f64,
    width: f64,
    height: f64,
}

#[derive(Serialize)]
struct Data<'a> {
    title: &'a str,
    drive: bool,
    frame: FrameOut,
    tolerance_m: f64,
    nodata: &'static str,
    classes: Vec<Class>,
    metrics: Vec<Metric>,
    pcns: &'a [MapPcn],
    points: &'a [super::MapPoint],
    /// Branch surgeries (only with sites): drawn as `#branches
    /// path[data-b]`, with their position and their practice's (map units).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    branches: Vec<BranchOut<'a>>,
    /// The ICBs of the networks, for *Colour by ICB* and the ICB filter
    /// (omitted when no network has one).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    icbs: Vec<IcbClass>,
    /// Every finding code: label, severity, family and colour.
    codes: Vec<CodeInfo>,
    /// The layer list: each network finding code present, with the number
    /// of networks that have it (each network once, however many rows).
    layers: Vec<Layer>,
    /// A label point per network (map units), inside its largest piece.
    label_at: Vec<Option<(i64, i64)>>,
    /// Coverage gaps, drawn hatched (`#areas path[data-a]`).
    areas: &'a [super::MapArea],
    /// Findings not about a network, for the dataset findings panel.
    notes: Vec<NoteOut<'a>>,
    /// Named places: name, kind (0 city, 1 town, 2 village), x, y (map
    /// units), population (0 when unknown).
    places: Vec<(&'a str, u8, i64, i64, u64)>,
    /// Tile URL template of the optional basemap.
    #[serde(skip_serializing_if = "Option::is_none")]
    basemap: Option<&'a str>,
}

#[derive(Serialize)]
struct BranchOut<'a> {
    #[serde(flatten)]
    branch: &'a super::MapBranch,
    at: (i64, i64),
    #[serde(skip_serializing_if = "Option::is_none")]
    practice_at: Option<(i64, i64)>,
}

#[derive(Serialize)]
struct CodeInfo {
    code: Code,
    label: &'static str,
    severity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    family: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    colour: Option<&'static str>,
}

#[derive(Serialize)]
struct Layer {
    code: Code,
    networks: usize,
}

#[derive(Serialize)]
struct NoteOut<'a> {
    code: Code,
    subject: &'a str,
    detail: &'a str,
    /// Map units, when the subject is on the map.
    #[serde(skip_serializing_if = "Option::is_none")]
    at: Option<(i64, i64)>,
}

/// The layer list: every network finding code present, in map order, with
/// how many networks have it.
fn layers(input: &MapInput) -> Vec<Layer> {
    let mut n = vec![0usize; Code::MAP_ORDER.len()];
    for p in &input.pcns {
        let mut seen: Vec<Code> = p.findings.iter().map(|(c, _)| *c).collect();
        seen.sort();
        seen.dedup();
        for c in seen {
            if let Some(x) = n.get_mut(c.map_rank()) {
                *x += 1;
            }
        }
    }
    Code::MAP_ORDER
        .iter()
        .zip(n)
        .filter(|(_, k)| *k > 0)
        .map(|(&code, networks)| Layer { code, networks })
        .collect()
}

/// A point inside each network's largest piece, for its label.
fn label_points(input: &MapInput, frame: &super::svg::Frame) -> Vec<Option<(i64, i64)>> {
    input
        .pcns
        .iter()
        .map(|p| super::label_point(&p.geometry).map(|c| frame.at(c)))
        .collect()
}

/// One ICB on the map: its code, name, fill and number of networks.
#[derive(Serialize)]
struct IcbClass {
    code: String,
    name: String,
    colour: &'static str,
    count: usize,
}

/// Fills for colouring by ICB, in turn by ICB code; networks without an
/// ICB get the no-data grey. Chosen so that every two of them, and each
/// against the no-data grey, stay apart by CIEDE2000 ΔE ≥ 10 in normal
/// vision, simulated deuteranopia and protanopia (see `style::vision`; the
/// Okabe–Ito/Tableau set used before fell to 2.1 for deuteranopes).
/// The fill of a network with no value for the metric coloured by.
const NODATA: &str = "#d9dde1";

const ICB_PALETTE: &[&str] = &[
    "#eba015", "#579afa", "#0f7e5b", "#e1d195", "#0060ea", "#de4a00", "#9e87a3", "#b7212c",
    "#7ed1fd", "#fff544", "#7e5d89", "#939c8e",
];

/// The ICBs of the map's networks, by code (none when no network has one).
fn icb_classes(input: &MapInput) -> Vec<IcbClass> {
    let mut by: std::collections::BTreeMap<&str, (&str, usize)> = Default::default();
    for p in input.pcns.iter().filter(|p| !p.icb_code.is_empty()) {
        by.entry(p.icb_code.as_str())
            .or_insert((p.icb_name.as_str(), 0))
            .1 += 1;
    }
    by.into_iter()
        .enumerate()
        .map(|(i, (code, (name, count)))| IcbClass {
            code: code.to_string(),
            name: name.to_string(),
            colour: ICB_PALETTE[i % ICB_PALETTE.len()],
            count,
        })
        .collect()
}

/// Oranges, light to dark, for metrics where more is worse.
const SEQUENTIAL: &[&str] = &[
    "#fff1d6", "#fdd49e", "#fdae6b", "#f16913", "#c4410c", "#7f2704",
];
/// Population: reds below the band, greens within, purples above.
const BAND_RAMP: &[&str] = &[
    "#b2182b", "#ef8a62", "#a6dba0", "#1b7837", "#c2a5cf", "#762a83",
];

fn metrics(input: &MapInput, band: (u64, u64)) -> Vec<Metric> {
    let has = |f: fn(&MapPcn) -> Option<f64>| input.pcns.iter().any(|p| f(p).is_some());
    let (lo, hi) = (band.0 as f64, band.1 as f64);
    let mut m = vec![
        Metric {
            key: "list_size",
            label: "Registered patients",
            format: "count",
            breaks: Some(vec![
                (lo * 2.0 / 3.0).round(),
                lo,
                ((lo + hi) / 2.0).round(),
                hi,
                (hi * 1.2).round(),
            ]),
            ramp: BAND_RAMP,
            note: Some(format!(
                "The band is {}–{} registered patients.",
                band.0, band.1
            )),
            available: !input.pcns.is_empty(),
        },
        Metric {
            key: "rural_share",
            label: "Rural share",
            format: "share",
            breaks: Some(vec![0.05, 0.2, 0.4, 0.6, 0.8]),
            ramp: SEQUENTIAL,
            note: Some("Share of patients (or residents) in rural small areas (ONS 2011 rural–urban classification).".into()),
            available: has(|p| p.rural_share),
        },
        Metric {
            key: "staff_max_min",
            label: "Hub to farthest member (min)",
            format: "min",
            breaks: Some(vec![5.0, 10.0, 15.0, 20.0, 30.0]),
            ramp: SEQUENTIAL,
            note: Some("Free-flow drive from the network hub to its farthest member practice.".into()),
            available: has(|p| p.staff_max_min),
        },
        Metric {
            key: "patients_p90_min_to_hub",
            label: "Patients' 90th percentile to hub (min)",
            format: "min",
            breaks: Some(vec![5.0, 10.0, 15.0, 20.0, 30.0]),
            ramp: SEQUENTIAL,
            note: Some("90% of the network's patients live within this drive of its hub.".into()),
            available: has(|p| p.patients_p90_min_to_hub),
        },
        Metric {
            key: "staff_tour_min",
            label: "Staff tour of all members (min)",
            format: "min",
            breaks: None,
            ramp: SEQUENTIAL,
            note: Some("Classes are sextiles of the networks shown.".into()),
            available: has(|p| p.staff_tour_min),
        },
    ];
    // Public transport (`--gtfs`): listed only when the run has it, so a
    // car-only map is unchanged.
    if has(|p| p.pt_share_no_journey_90_min_to_hub) {
        m.push(Metric {
            key: "pt_share_no_journey_90_min_to_hub",
            label: "Patients with no bus journey to hub within 90 min",
            format: "share",
            breaks: Some(vec![0.05, 0.1, 0.2, 0.4, 0.6]),
            ramp: SEQUENTIAL,
            note: Some("Share of the network's patients with no public-transport or walking journey to its hub within 90 minutes, leaving in the morning window (median of the departures).".into()),
            available: true,
        });
        m.push(Metric {
            key: "pt_median_min_to_hub",
            label: "Patients' median bus journey to hub (min)",
            format: "min",
            breaks: Some(vec![20.0, 30.0, 45.0, 60.0, 90.0]),
            ramp: SEQUENTIAL,
            note: Some("Patient-weighted median of each area's median journey by bus and on foot, waiting included; empty when half the patients have none.".into()),
            available: has(|p| p.pt_median_min_to_hub),
        });
    }
    m
}

/// Write `map.html`; `band` is the population band of the run.
pub fn html(input: &MapInput, prep: &Prepared, band: (u64, u64)) -> String {
    // No input text may end the script element early or open a comment,
    // a script or a CDATA block inside it: `<`, `>`, `&`, U+2028/9 escaped.
    let json = crate::safe_text::json_in_html(
        &serde_json::to_string(&data(input, prep, band)).unwrap_or_else(|_| "{}".into()),
    );

    let mut o = String::with_capacity(json.len() * 2);
    let title = esc(&input.title);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"pcn-atlas {}\">\n<title>{title}</title>\n<style>\n{CSS}{}</style>\n</head>\n<body>\n",
        env!("CARGO_PKG_VERSION"),
        if input.branches.is_empty() {
            ""
        } else {
            SITES_CSS
        }
    );
    let _ = writeln!(
        o,
        "<header><h1>{title}</h1>{}\
         <label>Find <input id=\"search\" list=\"codes\" placeholder=\"PCN, practice or area code, or a name\" autocomplete=\"off\"></label>\
         <datalist id=\"codes\"></datalist>\
         <label>Colour by <select id=\"mode\"><option value=\"finding\">Worst finding</option></select></label>\
         <label>Show only <select id=\"only\"><option value=\"\">all networks</option></select></label>\
         <span id=\"status\"></span></header>",
        html_subtitle(input)
    );
    map_svg(&mut o, input, prep);
    o.push_str(
        "<svg id=\"north\" viewBox=\"-14 -2 28 56\" aria-label=\"north arrow (grid north)\">\
         <path d=\"M0 0 L12 34 L0 26 L-12 34 Z\" fill=\"#1f2933\"/>\
         <path d=\"M0 0 L0 26 L-12 34 Z\" fill=\"#fff\" stroke=\"#1f2933\"/>\
         <text x=\"0\" y=\"51\" font-size=\"15\" font-weight=\"bold\" text-anchor=\"middle\">N</text></svg>\n\
         <div id=\"scale\"></div>\n\
         <div id=\"zoom\"><button id=\"zin\" title=\"zoom in (+)\">+</button><button id=\"zout\" title=\"zoom out (−)\">−</button><button id=\"zhome\" title=\"whole map (0)\">⌂</button></div>\n\
         <div id=\"tip\"></div>\n",
    );
    let _ = writeln!(
        o,
        "<div id=\"attr\">{}</div>\n</main>\n<aside><div id=\"info\"></div><div id=\"legend\"></div><div id=\"layers\"></div><div id=\"notes\"></div></aside>",
        esc(&input.attribution_short)
    );
    let _ = write!(
        o,
        "<script type=\"application/json\" id=\"data\">{json}</script>\n<script>\n{JS}</script>\n"
    );
    if !input.branches.is_empty() {
        let _ = write!(o, "<script>\n{SITES_JS}</script>\n");
    }
    o.push_str("</body>\n</html>\n");
    o
}

/// What the page's script reads: classes, metrics, networks and points.
/// The data vintages beside the title (nothing when none is known); the
/// header wraps, so the line is never cut.
fn html_subtitle(input: &MapInput) -> String {
    input.subtitle.as_deref().map_or_else(String::new, |v| {
        format!(
            "<span id=\"vintages\" style=\"color:#52606d;font-size:13px\">{}</span>",
            esc(v)
        )
    })
}

fn data<'a>(input: &'a MapInput, prep: &Prepared, band: (u64, u64)) -> Data<'a> {
    let f = &prep.frame;
    let classes = legend_classes(input.pcns.iter().map(|p| p.worst()))
        .into_iter()
        .map(|(class, count)| Class {
            code: class_code(class),
            label: finding_label(class),
            colour: finding_colour(class),
            count,
        })
        .collect();
    Data {
        title: &input.title,
        drive: input.drive,
        frame: FrameOut {
            x0: f.x0,
            y1: f.y1,
            width: f.width,
            height: f.height,
        },
        tolerance_m: (prep.tolerance * 100.0).round() / 100.0,
        nodata: NODATA,
        classes,
        metrics: metrics(input, band),
        pcns: &input.pcns,
        points: &input.points,
        branches: input
            .branches
            .iter()
            .map(|b| BranchOut {
                branch: b,
                at: f.at(b.location),
                practice_at: b.practice_location.map(|l| f.at(l)),
            })
            .collect(),
        icbs: icb_classes(input),
        codes: Code::all()
            .map(|c| CodeInfo {
                code: c,
                label: c.label(),
                severity: c.severity().as_str(),
                family: c.family().map(|f| f.as_str()),
                colour: c.colour(),
            })
            .collect(),
        layers: layers(input),
        label_at: label_points(input, f),
        areas: &input.areas,
        notes: input
            .notes
            .iter()
            .map(|n| NoteOut {
                code: n.code,
                subject: &n.subject,
                detail: &n.detail,
                at: n.location.map(|l| f.at(l)),
            })
            .collect(),
        places: input
            .places
            .iter()
            .map(|p| {
                let (x, y) = f.at(p.location);
                let kind = match p.kind {
                    PlaceKind::City => 0,
                    PlaceKind::Town => 1,
                    PlaceKind::Village => 2,
                };
                (p.name.as_str(), kind, x, y, p.population.unwrap_or(0))
            })
            .collect(),
        basemap: input.basemap.as_deref(),
    }
}

/// The map's SVG: footprints, routes and points, in the frame's units.
fn map_svg(o: &mut String, input: &MapInput, prep: &Prepared) {
    let f = &prep.frame;
    let _ = write!(
        o,
        "<main id=\"map\">\n<svg id=\"svg\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" preserveAspectRatio=\"xMidYMid meet\">\n",
        f.width, f.height
    );
    o.push_str(DEFS);
    o.push_str("<g id=\"tiles\"></g>\n<g id=\"pcns\">\n");
    for (k, (p, d)) in input.pcns.iter().zip(&prep.pcn_d).enumerate() {
        let _ = writeln!(
            o,
            "<path data-k=\"{k}\" id=\"pcn-{}\" fill=\"{}\" d=\"{d}\"/>",
            esc(&p.code),
            finding_colour(p.worst())
        );
    }
    o.push_str("</g>\n<g id=\"overlays\"></g>\n<g id=\"areas\">\n");
    for (i, a) in input.areas.iter().enumerate() {
        let rings: Vec<Vec<[f64; 2]>> = a
            .geometry
            .0
            .iter()
            .flat_map(|poly| std::iter::once(poly.exterior()).chain(poly.interiors()))
            .map(|ring| {
                let pts: Vec<[f64; 2]> = ring.0.iter().map(|c| [c.x, c.y]).collect();
                douglas_peucker(&pts, prep.tolerance)
            })
            .collect();
        let d = path_d(rings.iter().map(Vec::as_slice), f, true);
        let _ = writeln!(o, "<path data-a=\"{i}\" d=\"{d}\"/>");
    }
    o.push_str("</g>\n<g id=\"routes\">\n");
    for (k, d) in prep.route_d.iter().enumerate() {
        if !d.is_empty() {
            let _ = writeln!(o, "<path data-r=\"{k}\" d=\"{d}\"/>");
        }
    }
    o.push_str("</g>\n");
    let dot = |at: [f64; 2]| {
        let (x, y) = f.at(at);
        format!("M{x} {y}l0 0")
    };
    if !input.branches.is_empty() {
        // Under the practices: a hollow ring each (a dark dot with a white
        // one inside), and the line to its practice drawn on hover.
        o.push_str("<g id=\"join\"></g>\n<g id=\"branches\">\n");
        for (i, b) in input.branches.iter().enumerate() {
            let d = dot(b.location);
            let _ = writeln!(
                o,
                "<path data-b=\"{i}\" d=\"{d}\"/><path class=\"in\" d=\"{d}\"/>"
            );
        }
        o.push_str("</g>\n");
    }
    o.push_str("<g id=\"points\">\n");
    for p in input.points.iter().filter(|p| p.hub) {
        let _ = writeln!(o, "<path class=\"hub-edge\" d=\"{}\"/>", dot(p.location));
    }
    for (i, p) in input.points.iter().enumerate() {
        let class = if p.hub { " class=\"hub\"" } else { "" };
        let _ = writeln!(o, "<path data-i=\"{i}\"{class} d=\"{}\"/>", dot(p.location));
    }
    o.push_str("</g>\n<g id=\"labels\"></g>\n<g id=\"sel\"></g>\n</svg>\n");
}

#[cfg(test)]
mod tests {
    #[test]
    fn icb_palette_is_colour_blind_safe() {
        let mut all: Vec<&str> = super::ICB_PALETTE.to_vec();
        all.push(super::NODATA);
        let (d, a, b, v) = super::super::style::vision::closest_pair(&all).expect("colours");
        assert!(d >= 10.0, "{a} and {b} differ by ΔE00 {d:.1} ({v:?})");
    }

    use super::*;
    use crate::findings::Scope;
    use crate::model::Place;
    use crate::output::map::{MapArea, MapNote};
    use geo::{MultiPolygon, polygon};

    fn square(x0: f64, y0: f64, side: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![polygon![
            (x: x0, y: y0),
            (x: x0 + side, y: y0),
            (x: x0 + side, y: y0 + side),
            (x: x0, y: y0 + side),
            (x: x0, y: y0),
        ]])
    }

    fn pcn(code: &str, x0: f64, findings: Vec<(Code, String)>) -> MapPcn {
        MapPcn {
            code: code.into(),
            name: format!("{code} PCN"),
            findings,
            band: "within",
            practices: 1,
            list_size: 40_000,
            resident_population: 40_000,
            rural_share: None,
            area_km2: 100.0,
            components: 1,
            hub: None,
            hub_name: None,
            members: vec![("A1".into(), "ONE SURGERY".into(), Some(40_000))],
            staff_max_min: None,
            staff_tour_min: None,
            patients_p90_min_to_hub: None,
            patients_mean_min_to_practice: None,
            pt_median_min_to_hub: None,
            pt_share_no_journey_90_min_to_hub: None,
            icb_code: String::new(),
            icb_name: String::new(),
            geometry: square(x0, 100_000.0, 10_000.0),
        }
    }

    /// The page's data, read back from the `<script type="application/json">`.
    fn page_data(input: &MapInput) -> serde_json::Value {
        let prep = super::super::svg::prepare(input);
        let page = html(input, &prep, (30_000, 50_000));
        let start = page.find("id=\"data\">").unwrap() + "id=\"data\">".len();
        let end = start + page[start..].find("</script>").unwrap();
        serde_json::from_str(&page[start..end]).unwrap()
    }

    fn input() -> MapInput {
        let outside = |p: &str| {
            (
                Code::PracticeOutsideFootprint,
                format!("member practice {p} lies outside"),
            )
        };
        MapInput {
            title: "t".into(),
            pcns: vec![
                // Two practices outside: two rows of findings.csv, one network.
                pcn(
                    "P1",
                    400_000.0,
                    vec![
                        (Code::PopulationBelowBand, "below".into()),
                        outside("A2"),
                        outside("A3"),
                        (Code::Rural, "rural".into()),
                    ],
                ),
                pcn("P2", 410_000.0, vec![(Code::Rural, "rural".into())]),
            ],
            places: vec![
                Place {
                    name: "Alpha".into(),
                    kind: crate::model::PlaceKind::City,
                    location: [405_000.4, 104_000.6],
                    population: Some(120_000),
                },
                Place {
                    name: "Beta".into(),
                    kind: crate::model::PlaceKind::Village,
                    location: [415_000.0, 101_000.0],
                    population: None,
                },
            ],
            notes: vec![MapNote {
                code: Code::PracticeUnlocated,
                scope: Scope::Dataset,
                subject: "Z9".into(),
                detail: "postcode not found".into(),
                location: None,
            }],
            ..MapInput::default()
        }
    }

    #[test]
    fn layers_count_networks_not_rows() {
        let d = page_data(&input());
        // P1 has two PRACTICE_OUTSIDE_FOOTPRINT rows: one network. RURAL: both.
        assert_eq!(
            d["layers"],
            serde_json::json!([
                {"code": "POPULATION_BELOW_BAND", "networks": 1},
                {"code": "PRACTICE_OUTSIDE_FOOTPRINT", "networks": 1},
                {"code": "RURAL", "networks": 2},
            ])
        );
        let below = d["codes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == "POPULATION_BELOW_BAND")
            .unwrap();
        assert_eq!(below["severity"], "error");
        assert_eq!(below["family"], "band");
        assert_eq!(below["label"], "Population below band");
        assert_eq!(below["colour"], Code::PopulationBelowBand.colour().unwrap());
    }

    #[test]
    fn places_in_map_units_and_notes_unlocated() {
        let d = page_data(&input());
        // Frame: x0 = 400000, y1 = 110000 (the footprints' extent); a place
        // at (405000.4, 104000.6) is 5000 m east, 5999 m south (rounded).
        assert_eq!(
            d["places"],
            serde_json::json!([
                ["Alpha", 0, 5000, 5999, 120000],
                ["Beta", 2, 15000, 9000, 0]
            ])
        );
        assert_eq!(d["notes"][0]["subject"], "Z9");
        assert!(d["notes"][0].get("at").is_none());
        // No --basemap: no template in the page, and no URL at all.
        assert!(d.get("basemap").is_none());
        // Label points inside each square: its centre.
        assert_eq!(
            d["label_at"],
            serde_json::json!([[5000, 5000], [15000, 5000]])
        );
    }

    #[test]
    fn basemap_template_only_when_given() {
        let mut i = input();
        i.basemap = Some("https://tile.example.org/{z}/{x}/{y}.png".into());
        let d = page_data(&i);
        assert_eq!(d["basemap"], "https://tile.example.org/{z}/{x}/{y}.png");
    }

    #[test]
    fn coverage_gaps_drawn_as_their_own_paths() {
        let mut i = input();
        i.areas = vec![MapArea {
            code: "E01000001".into(),
            name: None,
            findings: vec![(Code::AreaUnassigned, "in no footprint".into())],
            geometry: square(420_000.0, 100_000.0, 1_000.0),
        }];
        let prep = super::super::svg::prepare(&i);
        let page = html(&i, &prep, (30_000, 50_000));
        // The square 20 km east of x0, 10 km south of y1 (its south-west
        // corner), 1 km across: four relative steps back to the start.
        assert!(
            page.contains("<path data-a=\"0\" d=\"M20000 10000l1000 0 0-1000-1000 0 0 1000z\"/>"),
            "{}",
            &page[page.find("<g id=\"areas\">").unwrap()..][..200]
        );
    }
}
