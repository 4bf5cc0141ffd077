//! The static map, `map.svg`: footprints coloured by their worst finding
//! with an overlay per other finding family, practices and hubs, place
//! names, a legend with the networks of each finding, a scale bar and
//! north arrow in the emptiest corner, and the data attribution — for a
//! paper or a slide. The SVG path writer here is also
//! what `map.html` draws with.

use super::style::{finding_colour, finding_label};
use super::topology::{Simplified, douglas_peucker};
use super::{MapInput, extent, tolerance};
use crate::findings::{Code, Family};
use crate::model::{Place, PlaceKind};
use std::fmt::Write;

/// Map coordinates: whole metres east of `x0` and south of `y1` (SVG's y
/// axis points down), so paths are short integers.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    pub x0: f64,
    pub y1: f64,
    pub width: f64,
    pub height: f64,
}

impl Frame {
    pub fn new(ext: [f64; 4]) -> Frame {
        let x0 = ext[0].floor();
        let y1 = ext[3].ceil();
        Frame {
            x0,
            y1,
            width: (ext[2].ceil() - x0).max(1.0),
            height: (y1 - ext[1].floor()).max(1.0),
        }
    }

    /// A BNG point in map coordinates (whole metres).
    pub fn at(&self, p: [f64; 2]) -> (i64, i64) {
        (
            (p[0] - self.x0).round() as i64,
            (self.y1 - p[1]).round() as i64,
        )
    }
}

/// Append `v` to a path, with a separator unless the sign does the job.
fn num(d: &mut String, v: i64) {
    if v >= 0 && !d.ends_with(['M', 'l', 'm', 'z']) {
        d.push(' ');
    }
    let _ = write!(d, "{v}");
}

/// An SVG path `d` for rings or lines: absolute first point, then
/// relative steps (repeated points dropped). Rings are closed with `z`.
pub fn path_d<'a>(
    lines: impl Iterator<Item = &'a [[f64; 2]]>,
    frame: &Frame,
    closed: bool,
) -> String {
    let mut d = String::new();
    for line in lines {
        let mut last: Option<(i64, i64)> = None;
        let mut steps = 0;
        for p in line {
            let q = frame.at(*p);
            match last {
                None => {
                    d.push('M');
                    num(&mut d, q.0);
                    num(&mut d, q.1);
                    d.push('l');
                }
                Some(l) if l == q => continue,
                Some(l) => {
                    num(&mut d, q.0 - l.0);
                    num(&mut d, q.1 - l.1);
                    steps += 1;
                }
            }
            last = Some(q);
        }
        if last.is_some() && steps == 0 {
            // A single point: a zero-length step so a round cap draws a dot.
            d.push_str("0 0");
        }
        if closed && last.is_some() {
            d.push('z');
        }
    }
    d
}

/// Simplified footprints and routes, with their frame, shared by both maps.
pub struct Prepared {
    pub frame: Frame,
    pub tolerance: f64,
    pub simplified: Simplified,
    /// `d` of each PCN's footprint (empty without one).
    pub pcn_d: Vec<String>,
    /// `d` of each PCN's routes (all its hub-to-member routes in one path).
    pub route_d: Vec<String>,
}

/// Simplify and encode the map's geometry.
pub fn prepare(input: &MapInput) -> Prepared {
    let ext = extent(input).unwrap_or([0.0, 0.0, 1.0, 1.0]);
    let frame = Frame::new(ext);
    let tol = tolerance(ext);
    let shapes: Vec<_> = input.pcns.iter().map(|p| p.geometry.clone()).collect();
    let simplified = super::topology::simplify_shared(&shapes, tol);
    let pcn_d = simplified
        .shapes
        .iter()
        .map(|polys| {
            path_d(
                polys
                    .iter()
                    .flat_map(|rings| rings.iter().map(Vec::as_slice)),
                &frame,
                true,
            )
        })
        .collect();
    let mut by_pcn: std::collections::BTreeMap<&str, Vec<Vec<[f64; 2]>>> = Default::default();
    for r in &input.routes {
        by_pcn
            .entry(r.pcn.as_str())
            .or_default()
            .push(douglas_peucker(&r.coords, tol));
    }
    let route_d = input
        .pcns
        .iter()
        .map(|p| {
            by_pcn.get(p.code.as_str()).map_or(String::new(), |ls| {
                path_d(ls.iter().map(Vec::as_slice), &frame, false)
            })
        })
        .collect();
    Prepared {
        frame,
        tolerance: tol,
        simplified,
        pcn_d,
        route_d,
    }
}

/// Escape text for XML (and HTML), in text and attribute values alike; a
/// character XML 1.0 forbids (a control character the loader's
/// `safe_text::clean_name` missed, U+FFFE, U+FFFF) becomes U+FFFD, so no
/// input text can make the SVG unreadable.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c if !crate::safe_text::xml_char(c) => o.push('\u{fffd}'),
            _ => o.push(c),
        }
    }
    o
}

/// A round length for a scale bar no longer than `max_m` metres: 1, 2 or 5
/// times a power of ten.
pub fn nice_length(max_m: f64) -> f64 {
    if !(max_m.is_finite() && max_m > 0.0) {
        return 1.0;
    }
    let p = 10f64.powf(max_m.log10().floor());
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|k| k * p)
        .find(|&l| l <= max_m)
        .unwrap_or(p)
}

/// "500 m", "2 km", "20 km".
pub fn length_label(m: f64) -> String {
    if m >= 1000.0 {
        format!("{} km", m / 1000.0)
    } else {
        format!("{m} m")
    }
}

/// Width of the map panel of `map.svg`, pixels.
const MAP_W: f64 = 1000.0;
const PANEL_W: f64 = 360.0;
const MARGIN: f64 = 20.0;

/// Above this many located practices the static map does not draw them
/// one by one (at England's scale 6,000 dots black out every city); the
/// legend says so and `map.html` has them all. Hubs are always drawn.
pub const PRACTICE_DOT_LIMIT: usize = 1500;

/// Where the map panel's features land: `s` pixels a metre, the pixel
/// offset of the frame's top left, and the panel's height.
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    pub s: f64,
    pub ox: f64,
    pub oy: f64,
    pub map_h: f64,
}

impl Layout {
    pub fn new(f: &Frame) -> Layout {
        let s = MAP_W / f.width.max(f.height * MAP_W / 1400.0);
        let map_h = (f.height * s).max(300.0);
        Layout {
            s,
            ox: MARGIN + (MAP_W - f.width * s) / 2.0,
            oy: MARGIN + (map_h - f.height * s) / 2.0,
            map_h,
        }
    }

    /// A BNG point in pixels.
    pub fn px(&self, f: &Frame, p: [f64; 2]) -> [f64; 2] {
        [
            self.ox + (p[0] - f.x0) * self.s,
            self.oy + (f.y1 - p[1]) * self.s,
        ]
    }

    /// A pixel in BNG.
    fn bng(&self, f: &Frame, q: [f64; 2]) -> [f64; 2] {
        [
            f.x0 + (q[0] - self.ox) / self.s,
            f.y1 - (q[1] - self.oy) / self.s,
        ]
    }
}

/// Write `map.svg`: the map panel (footprints with their finding
/// overlays, routes, practices, hubs, place names, scale bar and north
/// arrow), the legend panel and the attribution.
pub fn static_svg(input: &MapInput, prep: &Prepared) -> String {
    let lay = Layout::new(&prep.frame);
    let map_h = lay.map_h;
    let total_w = MAP_W + PANEL_W + 3.0 * MARGIN;
    let attr_h = 16.0 * input.attribution.len() as f64 + 10.0;
    let total_h = (map_h + 2.0 * MARGIN + attr_h).max(760.0);
    let mut o = String::new();
    let _ = writeln!(
        o,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{tw}" height="{th}" viewBox="0 0 {tw} {th}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">"#,
        tw = total_w.round(),
        th = total_h.round()
    );
    svg_patterns(&mut o, 1.0 / lay.s);
    let _ = writeln!(o, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    let _ = writeln!(
        o,
        r##"<rect x="{m}" y="{m}" width="{w}" height="{h}" fill="#d8e3ea" stroke="#9fb3c8"/>"##,
        m = MARGIN,
        w = MAP_W,
        h = map_h.round()
    );
    svg_features(&mut o, input, prep, &lay);
    svg_places(&mut o, input, prep, &lay);
    let corner = emptiest_corner(input, prep, &lay);
    let ly = svg_legend(&mut o, input);
    svg_scale_and_north(&mut o, lay.s, corner, map_h, ly);
    // Attribution along the bottom.
    let mut ay = MARGIN + map_h + 18.0;
    for a in &input.attribution {
        let _ = writeln!(
            o,
            r##"<text x="{MARGIN}" y="{ay}" font-size="11" fill="#52606d">{}</text>"##,
            esc(a)
        );
        ay += 16.0;
    }
    o.push_str("</svg>\n");
    o
}

/// One overlay per finding family, drawn over the worst-finding fill:
/// its pattern id, how it is drawn, and its legend swatch.
fn family_overlay(f: Family) -> (&'static str, &'static str) {
    match f {
        Family::Footprint => ("fam-footprint", "hatching"),
        Family::Band => ("fam-band", "dashed outline"),
        Family::Drive => ("fam-drive", "dots"),
        Family::Rural => ("fam-rural", "coloured border"),
    }
}

/// The overlay patterns, `unit` map units a pixel (patterns live in the
/// footprints' scaled space, so they stay the same pixels whatever the
/// scale). The same marks as `map.html`'s: a hatch for the footprint rules,
/// dots for drive times (the band's dashed outline and the rural border
/// are strokes, not patterns).
fn svg_patterns(o: &mut String, unit: f64) {
    let w = 9.0 * unit;
    let _ = writeln!(
        o,
        r##"<defs><pattern id="fam-footprint" patternUnits="userSpaceOnUse" width="{w:.3}" height="{w:.3}"><path d="M0 {w:.3}L{w:.3} 0M{nw:.3} {w:.3}L{w:.3} {nw:.3}M0 {w2:.3}L{w2:.3} 0" stroke="#1f2933" stroke-opacity="0.75" stroke-width="{sw:.3}"/></pattern><pattern id="fam-drive" patternUnits="userSpaceOnUse" width="{d:.3}" height="{d:.3}"><circle cx="{c:.3}" cy="{c:.3}" r="{r:.3}" fill="#1f2933" fill-opacity="0.85"/></pattern><pattern id="leg-footprint" patternUnits="userSpaceOnUse" width="9" height="9"><path d="M0 9L9 0M-4.5 9L9 -4.5M0 13.5L13.5 0" stroke="#1f2933" stroke-opacity="0.75" stroke-width="1.6"/></pattern><pattern id="leg-drive" patternUnits="userSpaceOnUse" width="8" height="8"><circle cx="4" cy="4" r="1.7" fill="#1f2933" fill-opacity="0.85"/></pattern></defs>"##,
        nw = -4.5 * unit,
        w2 = 13.5 * unit,
        sw = 1.6 * unit,
        d = 8.0 * unit,
        c = 4.0 * unit,
        r = 1.7 * unit
    );
}

/// The rural border of a network: the colour and width of its most severe
/// rural-family finding (rural access risk widest), as on `map.html`.
fn rural_border(p: &super::MapPcn) -> Option<(&'static str, f64)> {
    let code = Code::MAP_ORDER
        .into_iter()
        .filter(|c| c.family() == Some(Family::Rural))
        .find(|c| p.findings.iter().any(|(f, _)| f == c))?;
    let width = if code == Code::RuralAccessRisk {
        4.0
    } else {
        3.0
    };
    Some((code.colour()?, width))
}

/// The families a network shows as overlays: those of its findings other
/// than the family of its worst finding, which the fill already shows.
pub fn overlay_families(p: &super::MapPcn) -> Vec<Family> {
    let fill = p.worst().and_then(Code::family);
    let mut fams: Vec<Family> = p
        .findings
        .iter()
        .filter_map(|(c, _)| c.family())
        .filter(|f| Some(*f) != fill)
        .collect();
    fams.sort();
    fams.dedup();
    fams
}

/// Footprints (fill, then overlays), routes, practices and hubs, centred
/// in the map panel.
fn svg_features(o: &mut String, input: &MapInput, prep: &Prepared, lay: &Layout) {
    let f = &prep.frame;
    let s = lay.s;
    let px = 1.0 / s; // one pixel in map units
    let _ = writeln!(
        o,
        r#"<g transform="translate({:.2} {:.2}) scale({s:.8})">"#,
        lay.ox, lay.oy
    );
    let _ = writeln!(
        o,
        r##"<g stroke="#52606d" stroke-opacity="0.8" stroke-width="{:.3}" stroke-linejoin="round">"##,
        0.5 * px
    );
    for (p, d) in input.pcns.iter().zip(&prep.pcn_d) {
        if d.is_empty() {
            continue;
        }
        let fill = finding_colour(p.worst());
        let _ = writeln!(
            o,
            r#"<path fill="{fill}" fill-rule="evenodd" d="{d}"><title>{}</title></path>"#,
            esc(&format!("{} {}", p.code, p.name))
        );
    }
    let _ = writeln!(o, "</g>");
    svg_overlays(o, input, prep, px);
    let _ = writeln!(
        o,
        r##"<g fill="none" stroke="#333333" stroke-opacity="0.55" stroke-width="{:.3}" stroke-linecap="round">"##,
        0.8 * px
    );
    for d in prep.route_d.iter().filter(|d| !d.is_empty()) {
        let _ = writeln!(o, r#"<path d="{d}"/>"#);
    }
    let _ = writeln!(o, "</g>");
    let dots = input.points.iter().filter(|p| !p.hub).count() <= PRACTICE_DOT_LIMIT;
    if dots {
        let r = 2.2 * px;
        let _ = writeln!(
            o,
            r##"<g fill="#1f2933" stroke="#ffffff" stroke-width="{:.3}">"##,
            0.4 * px
        );
        for p in input.points.iter().filter(|p| !p.hub) {
            let (x, y) = f.at(p.location);
            let _ = writeln!(o, r#"<circle cx="{x}" cy="{y}" r="{r:.2}"/>"#);
        }
        let _ = writeln!(o, "</g>");
    }
    // Branch sites (with sites only): small hollow rings.
    if dots && !input.branches.is_empty() {
        let _ = writeln!(
            o,
            r##"<g fill="#ffffff" stroke="#1f2933" stroke-width="{:.3}">"##,
            0.9 * px
        );
        for b in &input.branches {
            let (x, y) = f.at(b.location);
            let _ = writeln!(o, r#"<circle cx="{x}" cy="{y}" r="{:.2}"/>"#, 1.8 * px);
        }
        let _ = writeln!(o, "</g>");
    }
    // Hubs: 8 px squares (5 px when practices are too many to draw).
    let hr = if dots { 4.0 } else { 2.5 } * px;
    let _ = writeln!(
        o,
        r##"<g fill="#ffd400" stroke="#1f2933" stroke-width="{:.3}">"##,
        0.9 * px
    );
    for p in input.points.iter().filter(|p| p.hub) {
        let (x, y) = f.at(p.location);
        let _ = writeln!(
            o,
            r#"<rect x="{:.1}" y="{:.1}" width="{w:.1}" height="{w:.1}"/>"#,
            x as f64 - hr,
            y as f64 - hr,
            w = 2.0 * hr
        );
    }
    let _ = writeln!(o, "</g>\n</g>");
}

/// Each family's overlay over the networks that show it.
fn svg_overlays(o: &mut String, input: &MapInput, prep: &Prepared, px: f64) {
    let fams: Vec<Vec<Family>> = input.pcns.iter().map(overlay_families).collect();
    for fam in Family::ALL {
        let (id, _) = family_overlay(fam);
        let style = match fam {
            Family::Band => format!(
                r##"fill="none" stroke="#1f2933" stroke-width="{:.3}" stroke-dasharray="{:.3} {:.3}""##,
                1.6 * px,
                4.0 * px,
                2.5 * px
            ),
            Family::Rural => r#"fill="none" stroke-linejoin="round""#.to_string(),
            _ => format!(r#"fill="url(#{id})" stroke="none""#),
        };
        let _ = writeln!(o, r#"<g class="{id}" {style}>"#);
        for ((p, d), fs) in input.pcns.iter().zip(&prep.pcn_d).zip(&fams) {
            if d.is_empty() || !fs.contains(&fam) {
                continue;
            }
            match rural_border(p).filter(|_| fam == Family::Rural) {
                Some((colour, w)) => {
                    let _ = writeln!(
                        o,
                        r#"<path fill-rule="evenodd" stroke="{colour}" stroke-width="{:.3}" d="{d}"/>"#,
                        w * px
                    );
                }
                None => {
                    let _ = writeln!(o, r#"<path fill-rule="evenodd" d="{d}"/>"#);
                }
            }
        }
        let _ = writeln!(o, "</g>");
    }
}

/// A corner of the map panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Corner {
    TopLeft,
    TopRight,
    BottomLeft,
    BottomRight,
}

/// Size of the box the north arrow and scale bar take in a corner, pixels
/// (arrow above bar), and its distance from the panel's edges.
const CORNER_BOX: [f64; 2] = [190.0, 110.0];
const CORNER_INSET: f64 = 8.0;

impl Corner {
    pub const ALL: [Corner; 4] = [
        Corner::BottomLeft,
        Corner::BottomRight,
        Corner::TopLeft,
        Corner::TopRight,
    ];

    /// The box (pixels: x0, y0, x1, y1) this corner's furniture takes.
    fn pixel_box(self, map_h: f64) -> [f64; 4] {
        let [w, h] = CORNER_BOX;
        let left = matches!(self, Corner::TopLeft | Corner::BottomLeft);
        let top = matches!(self, Corner::TopLeft | Corner::TopRight);
        let x0 = if left {
            MARGIN + CORNER_INSET
        } else {
            MARGIN + MAP_W - CORNER_INSET - w
        };
        let y0 = if top {
            MARGIN + CORNER_INSET
        } else {
            MARGIN + map_h - CORNER_INSET - h
        };
        [x0, y0, x0 + w, y0 + h]
    }
}

/// Where the scale bar and north arrow go: the corner of the map panel
/// whose box covers the least footprint area (sampled on a 24 × 14 grid of
/// the box, points tested against the footprints; ties in the order of
/// [`Corner::ALL`]); `None` when every corner's box has land in it — then
/// they go under the legend, never over land.
pub fn emptiest_corner(input: &MapInput, prep: &Prepared, lay: &Layout) -> Option<Corner> {
    use geo::{BoundingRect, Contains};
    let boxes: Vec<_> = input
        .pcns
        .iter()
        .map(|p| (p.geometry.bounding_rect(), &p.geometry))
        .collect();
    let land = |q: [f64; 2]| {
        let pt = geo::Point::new(q[0], q[1]);
        boxes.iter().any(|(r, g)| {
            r.is_some_and(|r| {
                r.min().x <= q[0] && q[0] <= r.max().x && r.min().y <= q[1] && q[1] <= r.max().y
            }) && g.contains(&pt)
        })
    };
    let (nx, ny) = (24, 14);
    let mut best: Option<(usize, Corner)> = None;
    for c in Corner::ALL {
        let b = c.pixel_box(lay.map_h);
        let mut n = 0;
        for i in 0..=nx {
            for j in 0..=ny {
                let q = [
                    b[0] + (b[2] - b[0]) * i as f64 / nx as f64,
                    b[1] + (b[3] - b[1]) * j as f64 / ny as f64,
                ];
                n += usize::from(land(lay.bng(&prep.frame, q)));
            }
        }
        if best.is_none_or(|(m, _)| n < m) {
            best = Some((n, c));
        }
    }
    best.filter(|(n, _)| *n == 0).map(|(_, c)| c)
}

/// Scale bar and north arrow: in `corner` of the map panel, or under the
/// legend (at `legend_y`) when no corner is free of land.
fn svg_scale_and_north(o: &mut String, s: f64, corner: Option<Corner>, map_h: f64, legend_y: f64) {
    let len_m = nice_length(0.25 * MAP_W / s).min(nice_length((CORNER_BOX[0] - 30.0) / s));
    let bar = len_m * s;
    let (x0, y0) = match corner {
        Some(c) => {
            let b = c.pixel_box(map_h);
            (b[0], b[1])
        }
        None => (MAP_W + 2.0 * MARGIN, legend_y + 10.0),
    };
    let (nx, ny) = (x0 + 18.0, y0 + 8.0);
    let _ = writeln!(
        o,
        r##"<g id="north" transform="translate({nx} {ny})"><path d="M0 0 L12 34 L0 26 L-12 34 Z" fill="#1f2933"/><path d="M0 0 L0 26 L-12 34 Z" fill="#ffffff" stroke="#1f2933" stroke-width="1"/><text x="0" y="52" font-size="15" font-weight="bold" text-anchor="middle" fill="#1f2933">N</text></g>"##
    );
    let (bx, by) = (x0 + 6.0, y0 + CORNER_BOX[1] - 14.0);
    let _ = writeln!(
        o,
        r##"<g id="scale"><rect x="{bx}" y="{by}" width="{w}" height="6" fill="#1f2933"/><rect x="{bx}" y="{by}" width="{hw}" height="6" fill="#ffffff" stroke="#1f2933" stroke-width="1"/><text x="{bx}" y="{ty}" font-size="13" fill="#1f2933">0</text><text x="{x1}" y="{ty}" font-size="13" fill="#1f2933" text-anchor="end">{label}</text></g>"##,
        w = bar.round(),
        hw = (bar / 2.0).round(),
        ty = by - 6.0,
        x1 = bx + bar.round(),
        label = length_label(len_m)
    );
}

/// The larger side of a map (metres) up to which villages are named: a
/// county (Rutland is 30 km across, Cumbria 110 km); larger maps name
/// cities and towns only.
pub const VILLAGE_MAX_EXTENT_M: f64 = 120_000.0;

/// The places a map names, in drawing priority: cities, then towns, then
/// (on a county-sized map or smaller) villages; by population (largest
/// first, unknown last), then name. Collision avoidance keeps the first
/// of two that would overlap.
pub fn place_priority(places: &[Place], extent_m: f64) -> Vec<&Place> {
    let mut v: Vec<&Place> = places
        .iter()
        .filter(|p| p.kind != PlaceKind::Village || extent_m <= VILLAGE_MAX_EXTENT_M)
        .collect();
    v.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then(b.population.cmp(&a.population))
            .then(a.name.cmp(&b.name))
    });
    v
}

/// Place names with a white halo, cities largest; a label that would
/// overlap one already drawn, or leave the map panel, is left out.
fn svg_places(o: &mut String, input: &MapInput, prep: &Prepared, lay: &Layout) {
    let f = &prep.frame;
    let extent_m = f.width.max(f.height);
    let mut taken: Vec<[f64; 4]> = Vec::new();
    let mut labels = String::new();
    for p in place_priority(&input.places, extent_m) {
        let (font, weight) = match p.kind {
            PlaceKind::City => (14.0, "bold"),
            PlaceKind::Town => (12.0, "bold"),
            PlaceKind::Village => (10.5, "normal"),
        };
        let [x, y] = lay.px(f, p.location);
        let w = text_width(&p.name, font);
        let b = [x - 3.0, y - font * 0.8, x + 5.0 + w, y + font * 0.35];
        let inside = b[0] >= MARGIN
            && b[2] <= MARGIN + MAP_W
            && b[1] >= MARGIN
            && b[3] <= MARGIN + lay.map_h;
        if !inside
            || taken
                .iter()
                .any(|t| b[0] < t[2] && t[0] < b[2] && b[1] < t[3] && t[1] < b[3])
        {
            continue;
        }
        taken.push(b);
        let name = esc(&p.name);
        let _ = writeln!(
            labels,
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="2" fill="#1f2933" stroke="#ffffff" stroke-width="0.8"/><text x="{tx:.1}" y="{ty:.1}" font-size="{font}" font-weight="{weight}" fill="none" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" stroke-opacity="0.85">{name}</text><text x="{tx:.1}" y="{ty:.1}" font-size="{font}" font-weight="{weight}" fill="#1f2933">{name}</text>"##,
            tx = x + 4.0,
            ty = y + font * 0.35
        );
    }
    let _ = writeln!(o, "<g id=\"places\">\n{labels}</g>");
}

/// Font size of the vintages line under the title.
const SUBTITLE_FONT: f64 = 12.0;

/// A generous width of one character of the legend's sans-serif fonts, in
/// ems (DejaVu Sans, the widest of them, has digits of 0.64 em and most
/// letters narrower), so that measured text is never wider than drawn.
const CHAR_EM: f64 = 0.66;

/// The width `text` takes at `font` pixels, at most.
pub fn text_width(text: &str, font: f64) -> f64 {
    text.chars().count() as f64 * font * CHAR_EM
}

/// `parts` joined by `sep` into lines no wider than `width` at `font`
/// pixels (a part wider than a line alone is a line of its own).
pub fn wrap_parts(parts: &[&str], sep: &str, font: f64, width: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for p in parts {
        match lines.last_mut() {
            Some(l) if text_width(&format!("{l}{sep}{p}"), font) <= width => {
                l.push_str(sep);
                l.push_str(p);
            }
            _ => lines.push((*p).to_string()),
        }
    }
    lines
}

/// The font size at which `text` fits `width`: `font`, or smaller.
pub fn fitting_font(text: &str, font: f64, width: f64) -> f64 {
    let w = text_width(text, font);
    if w <= width { font } else { font * width / w }
}

/// The vintages line under the legend's title, wrapped at its `; ` into
/// lines that fit the panel (a single part too long is drawn smaller), so
/// nothing is clipped. Returns the next line's y.
fn svg_subtitle(o: &mut String, input: &MapInput, lx: f64, mut ly: f64) -> f64 {
    let Some(line) = input.subtitle.as_deref() else {
        return ly;
    };
    let parts: Vec<&str> = line.split("; ").collect();
    let lines = wrap_parts(&parts, "; ", SUBTITLE_FONT, PANEL_W);
    for l in &lines {
        let font = fitting_font(l, SUBTITLE_FONT, PANEL_W);
        let _ = writeln!(
            o,
            r##"<text x="{lx}" y="{ly}" font-size="{font:.1}" fill="#52606d">{}</text>"##,
            esc(l)
        );
        ly += 17.0;
    }
    ly + 4.0
}

/// How many networks have each map-class finding (a network with two
/// findings of one code counts once), in [`Code::MAP_ORDER`] — the counts
/// of `map.html`'s layer list and of the summary table's networks — and
/// how many have none.
pub fn networks_by_code(input: &MapInput) -> (Vec<(Code, usize)>, usize) {
    let mut counts = vec![0usize; Code::MAP_ORDER.len()];
    let mut none = 0;
    for p in &input.pcns {
        let mut ranks: Vec<usize> = p
            .findings
            .iter()
            .map(|(c, _)| c.map_rank())
            .filter(|&r| r < counts.len())
            .collect();
        ranks.sort_unstable();
        ranks.dedup();
        if ranks.is_empty() {
            none += 1;
        }
        for r in ranks {
            counts[r] += 1;
        }
    }
    let by_code = Code::MAP_ORDER
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|(c, n)| (*c, n))
        .collect();
    (by_code, none)
}

/// The legend panel right of the map: title, vintages, counts, the
/// findings (fill colour, networks with each), the family overlays,
/// practice, hub and route symbols. Returns the y under it.
fn svg_legend(o: &mut String, input: &MapInput) -> f64 {
    let lx = MAP_W + 2.0 * MARGIN;
    let mut ly = MARGIN + 22.0;
    let _ = writeln!(
        o,
        r##"<text x="{lx}" y="{ly}" font-size="{:.1}" font-weight="bold" fill="#1f2933">{}</text>"##,
        fitting_font(&input.title, 19.0, PANEL_W),
        esc(&input.title)
    );
    ly += 24.0;
    ly = svg_subtitle(o, input, lx, ly);
    let practices = input.points.iter().filter(|p| !p.site).count();
    // Two lines at 13 px (one would not fit the panel).
    let _ = writeln!(
        o,
        r##"<text x="{lx}" y="{ly}" font-size="13" fill="#52606d">{} networks, {practices} located practices</text>"##,
        input.pcns.len(),
    );
    ly += 17.0;
    let _ = writeln!(
        o,
        r##"<text x="{lx}" y="{ly}" font-size="13" fill="#52606d">British National Grid</text>"##
    );
    ly += 30.0;
    let _ = writeln!(
        o,
        r##"<text x="{lx}" y="{ly}" font-size="14" font-weight="bold" fill="#1f2933">Worst finding per network (fill)</text>"##
    );
    ly += 16.0;
    let _ = writeln!(
        o,
        r##"<text x="{lx}" y="{ly}" font-size="11" fill="#52606d">(n): networks with the finding, worst or not</text>"##
    );
    ly += 8.0;
    let (by_code, none) = networks_by_code(input);
    let rows = by_code
        .iter()
        .map(|&(c, n)| (Some(c), n))
        .chain((none > 0).then_some((None, none)));
    for (code, n) in rows {
        let _ = writeln!(
            o,
            r##"<rect x="{lx}" y="{ly}" width="18" height="14" fill="{}" stroke="#9aa5b1"/><text x="{tx}" y="{ty}" font-size="13" fill="#1f2933">{} ({n})</text>"##,
            finding_colour(code),
            finding_label(code),
            tx = lx + 26.0,
            ty = ly + 12.0
        );
        ly += 22.0;
    }
    ly = svg_family_legend(o, input, lx, ly + 8.0);
    ly += 10.0;
    if input.points.iter().filter(|p| !p.hub).count() <= PRACTICE_DOT_LIMIT {
        let _ = writeln!(
            o,
            r##"<circle cx="{cx}" cy="{cy}" r="3.5" fill="#1f2933"/><text x="{tx}" y="{ty}" font-size="13" fill="#1f2933">Practice</text>"##,
            cx = lx + 9.0,
            cy = ly + 7.0,
            tx = lx + 26.0,
            ty = ly + 12.0
        );
    } else {
        let _ = writeln!(
            o,
            r##"<text x="{lx}" y="{ty}" font-size="13" fill="#52606d">Practices not drawn at this scale</text><text x="{lx}" y="{ty2}" font-size="13" fill="#52606d">(over {PRACTICE_DOT_LIMIT}): see map.html</text>"##,
            ty = ly + 12.0,
            ty2 = ly + 29.0
        );
        ly += 17.0;
    }
    ly += 22.0;
    if !input.branches.is_empty()
        && input.points.iter().filter(|p| !p.hub).count() <= PRACTICE_DOT_LIMIT
    {
        let _ = writeln!(
            o,
            r##"<circle cx="{cx}" cy="{cy}" r="3" fill="#ffffff" stroke="#1f2933" stroke-width="1.5"/><text x="{tx}" y="{ty}" font-size="13" fill="#1f2933">Branch site</text>"##,
            cx = lx + 9.0,
            cy = ly + 7.0,
            tx = lx + 26.0,
            ty = ly + 12.0
        );
        ly += 22.0;
    }
    if input.drive {
        let _ = writeln!(
            o,
            r##"<rect x="{x}" y="{y}" width="10" height="10" fill="#ffd400" stroke="#1f2933"/><text x="{tx}" y="{ty}" font-size="13" fill="#1f2933">Network hub</text>"##,
            x = lx + 4.0,
            y = ly + 2.0,
            tx = lx + 26.0,
            ty = ly + 12.0
        );
        ly += 22.0;
        let _ = writeln!(
            o,
            r##"<line x1="{lx}" y1="{y}" x2="{x2}" y2="{y}" stroke="#333333" stroke-opacity="0.55" stroke-width="2"/><text x="{tx}" y="{ty}" font-size="13" fill="#1f2933">Hub-to-practice route</text>"##,
            y = ly + 7.0,
            x2 = lx + 18.0,
            tx = lx + 26.0,
            ty = ly + 12.0
        );
        ly += 22.0;
    }
    ly
}

/// The overlay swatches, with how many networks show each.
fn svg_family_legend(o: &mut String, input: &MapInput, lx: f64, mut ly: f64) -> f64 {
    let mut counts = [0usize; 4];
    for p in &input.pcns {
        for f in overlay_families(p) {
            counts[f as usize] += 1;
        }
    }
    if counts.iter().all(|&n| n == 0) {
        return ly;
    }
    let _ = writeln!(
        o,
        r##"<text x="{lx}" y="{ty}" font-size="14" font-weight="bold" fill="#1f2933">Other findings (over the fill)</text>"##,
        ty = ly + 6.0
    );
    ly += 14.0;
    for fam in Family::ALL {
        let n = counts[fam as usize];
        if n == 0 {
            continue;
        }
        let (id, how) = family_overlay(fam);
        let swatch = match fam {
            Family::Band => {
                r##"fill="#ffffff" stroke="#1f2933" stroke-width="1.6" stroke-dasharray="4 2.5""##
                    .to_string()
            }
            Family::Rural => format!(
                r##"fill="#ffffff" stroke="{}" stroke-width="3""##,
                Code::RuralAccessRisk.colour().unwrap_or("#1f2933")
            ),
            _ => format!(
                r##"fill="url(#{})" stroke="#9aa5b1""##,
                id.replace("fam-", "leg-")
            ),
        };
        let _ = writeln!(
            o,
            r##"<rect x="{lx}" y="{ly}" width="18" height="14" {swatch}/><text x="{tx}" y="{ty}" font-size="13" fill="#1f2933">{} ({how}) ({n})</text>"##,
            fam.label(),
            tx = lx + 26.0,
            ty = ly + 12.0
        );
        ly += 22.0;
    }
    ly
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_is_relative_and_compact() {
        let f = Frame {
            x0: 100.0,
            y1: 200.0,
            width: 100.0,
            height: 100.0,
        };
        let ring = [
            [100.0, 200.0],
            [110.0, 200.0],
            [110.0, 190.0],
            [110.0, 190.0],
        ];
        assert_eq!(
            path_d(std::iter::once(&ring[..]), &f, true),
            "M0 0l10 0 0 10z"
        );
        let dot = [[105.0, 195.0]];
        assert_eq!(path_d(std::iter::once(&dot[..]), &f, false), "M5 5l0 0");
    }

    #[test]
    fn nice_lengths() {
        assert_eq!(nice_length(7300.0), 5000.0);
        assert_eq!(nice_length(2500.0), 2000.0);
        assert_eq!(nice_length(199.0), 100.0);
        assert_eq!(length_label(20_000.0), "20 km");
        assert_eq!(length_label(500.0), "500 m");
    }
}
