//! The static map, `map.svg`: footprints coloured by their worst finding,
//! practices and hubs, a legend, a scale bar, a north arrow and the data
//! attribution — for a paper or a slide. The SVG path writer here is also
//! what `map.html` draws with.

use super::style::{finding_colour, finding_label, legend_classes};
use super::topology::{Simplified, douglas_peucker};
use super::{MapInput, extent, tolerance};
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

/// Write `map.svg`: the map panel (footprints, routes, practices, hubs,
/// scale bar and north arrow), the legend panel and the attribution.
pub fn static_svg(input: &MapInput, prep: &Prepared) -> String {
    let f = &prep.frame;
    let s = MAP_W / f.width.max(f.height * MAP_W / 1400.0);
    let map_h = (f.height * s).max(300.0);
    let total_w = MAP_W + PANEL_W + 3.0 * MARGIN;
    let attr_h = 16.0 * input.attribution.len() as f64 + 10.0;
    let total_h = (map_h + 2.0 * MARGIN + attr_h).max(640.0);
    let mut o = String::new();
    let _ = writeln!(
        o,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{tw}" height="{th}" viewBox="0 0 {tw} {th}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">"#,
        tw = total_w.round(),
        th = total_h.round()
    );
    let _ = writeln!(o, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    let _ = writeln!(
        o,
        r##"<rect x="{m}" y="{m}" width="{w}" height="{h}" fill="#d8e3ea" stroke="#9fb3c8"/>"##,
        m = MARGIN,
        w = MAP_W,
        h = map_h.round()
    );
    svg_features(&mut o, input, prep, s, map_h);
    svg_scale_and_north(&mut o, s, map_h);
    svg_legend(&mut o, input);
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

/// Footprints, routes, practices and hubs, centred in the map panel at
/// `s` pixels a metre.
fn svg_features(o: &mut String, input: &MapInput, prep: &Prepared, s: f64, map_h: f64) {
    let f = &prep.frame;
    let ox = MARGIN + (MAP_W - f.width * s) / 2.0;
    let oy = MARGIN + (map_h - f.height * s) / 2.0;
    let px = 1.0 / s; // one pixel in map units
    let _ = writeln!(
        o,
        r#"<g transform="translate({ox:.2} {oy:.2}) scale({s:.8})">"#
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
    let _ = writeln!(
        o,
        r##"<g fill="none" stroke="#333333" stroke-opacity="0.55" stroke-width="{:.3}" stroke-linecap="round">"##,
        0.8 * px
    );
    for d in prep.route_d.iter().filter(|d| !d.is_empty()) {
        let _ = writeln!(o, r#"<path d="{d}"/>"#);
    }
    let _ = writeln!(o, "</g>");
    let r = if input.points.len() > 2000 { 0.9 } else { 2.2 } * px;
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
    let hr = 2.2 * r.max(1.6 * px);
    let _ = writeln!(
        o,
        r##"<g fill="#ffd400" stroke="#1f2933" stroke-width="{:.3}">"##,
        0.8 * px
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

/// Scale bar (bottom left of the map panel) and north arrow (top left).
fn svg_scale_and_north(o: &mut String, s: f64, map_h: f64) {
    let len_m = nice_length(0.25 * MAP_W / s);
    let bar = len_m * s;
    let (bx, by) = (MARGIN + 16.0, MARGIN + map_h - 24.0);
    let _ = writeln!(
        o,
        r##"<g><rect x="{x0}" y="{y0}" width="{w}" height="6" fill="#1f2933"/><rect x="{x0}" y="{y0}" width="{hw}" height="6" fill="#ffffff" stroke="#1f2933" stroke-width="1"/><text x="{x0}" y="{ty}" font-size="13" fill="#1f2933">0</text><text x="{x1}" y="{ty}" font-size="13" fill="#1f2933" text-anchor="end">{label}</text></g>"##,
        x0 = bx,
        y0 = by,
        w = bar.round(),
        hw = (bar / 2.0).round(),
        ty = by - 6.0,
        x1 = bx + bar.round(),
        label = length_label(len_m)
    );
    let (nx, ny) = (MARGIN + 34.0, MARGIN + 22.0);
    let _ = writeln!(
        o,
        r##"<g transform="translate({nx} {ny})"><path d="M0 0 L12 34 L0 26 L-12 34 Z" fill="#1f2933"/><path d="M0 0 L0 26 L-12 34 Z" fill="#ffffff" stroke="#1f2933" stroke-width="1"/><text x="0" y="52" font-size="15" font-weight="bold" text-anchor="middle" fill="#1f2933">N</text></g>"##
    );
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
fn fitting_font(text: &str, font: f64, width: f64) -> f64 {
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

/// The legend panel right of the map: title, counts, finding classes,
/// practice, hub and route symbols.
fn svg_legend(o: &mut String, input: &MapInput) {
    let lx = MAP_W + 2.0 * MARGIN;
    let mut ly = MARGIN + 22.0;
    let _ = writeln!(
        o,
        r##"<text x="{lx}" y="{ly}" font-size="19" font-weight="bold" fill="#1f2933">{}</text>"##,
        esc(&input.title)
    );
    ly += 24.0;
    ly = svg_subtitle(o, input, lx, ly);
    let _ = writeln!(
        o,
        r##"<text x="{lx}" y="{ly}" font-size="13" fill="#52606d">{} networks, {} located practices · British National Grid</text>"##,
        input.pcns.len(),
        input.points.iter().filter(|p| !p.site).count()
    );
    ly += 30.0;
    let _ = writeln!(
        o,
        r##"<text x="{lx}" y="{ly}" font-size="14" font-weight="bold" fill="#1f2933">Worst finding per network</text>"##
    );
    ly += 10.0;
    for (code, n) in legend_classes(input.pcns.iter().map(|p| p.worst())) {
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
    ly += 10.0;
    let _ = writeln!(
        o,
        r##"<circle cx="{cx}" cy="{cy}" r="3.5" fill="#1f2933"/><text x="{tx}" y="{ty}" font-size="13" fill="#1f2933">Practice</text>"##,
        cx = lx + 9.0,
        cy = ly + 7.0,
        tx = lx + 26.0,
        ty = ly + 12.0
    );
    ly += 22.0;
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
    }
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
