//! `proposal.html`: today's footprints and the proposal side by side, on
//! two map panels that pan and zoom together, with the areas that move
//! hatched (outlined on today's panel), an arrow from each practice that
//! changes network to the footprint of the network it joins, and a table
//! of each network today → proposed. Drawn with `map.html`'s machinery
//! (shared-boundary simplification, the same path encoding and frame): one
//! self-contained page, no network request, the same bytes for the same
//! inputs.

use super::svg::{Frame, esc, path_d};
use super::topology::simplify_shared;
use crate::output::atomic::Staging;
use crate::output::propose::{PROPOSAL_COLUMNS, ProposalOutput};
use crate::pipeline::Run;
use anyhow::Result;
use geo::MultiPolygon;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

const CSS: &str = include_str!("assets/proposal.css");
const JS: &str = include_str!("assets/proposal.js");

/// Fills of the networks (ColorBrewer Set3, its grey swapped for a tan
/// that stands apart from the background): the same network in the same
/// fill on both panels, each its own when there are at most twelve, else
/// neighbours (today or in the proposal) in different fills where twelve
/// suffice. Light enough for the hatching, outlines and
/// arrows drawn over them.
const PALETTE: &[&str] = &[
    "#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5",
    "#e5c494", "#bc80bd", "#ccebc5", "#ffed6f",
];

/// The hatching of moved areas, in map units at the page's first view
/// (the script keeps it 9 px apart at any zoom).
const HATCH_ID: &str = "proposal-hatch";

/// Write `proposal.html` into the staging folder: `today` is the run on
/// today's footprints, `proposed` the run on the proposal (same networks,
/// same order).
pub fn write_proposal_html(
    st: &mut Staging,
    w: &ProposalOutput,
    today: &Run,
    proposed: &Run,
) -> Result<()> {
    let html = page(w, today, proposed);
    st.write("proposal.html", |f| {
        std::io::Write::write_all(f, html.as_bytes())?;
        Ok(())
    })
}

/// One move of `moves.csv`, with what the page says about it.
struct Move {
    code: String,
    /// "E01… NAME moved from U00001 X PCN to U00006 Y PCN".
    text: String,
    /// The proposed network's index.
    to: Option<usize>,
}

/// Everything drawn, in map units.
struct Drawn {
    frame: Frame,
    today_d: Vec<String>,
    proposed_d: Vec<String>,
    /// `d` of each moved area, in the order of `areas`.
    area_d: Vec<String>,
    areas: Vec<Move>,
    practices: Vec<Move>,
    /// A point inside each footprint's largest piece, today and proposed.
    today_at: Vec<Option<(i64, i64)>>,
    proposed_at: Vec<Option<(i64, i64)>>,
    fills: Vec<&'static str>,
}

/// The whole page.
fn page(w: &ProposalOutput, today: &Run, proposed: &Run) -> String {
    let d = drawn(w, today, proposed);
    let mut o = String::new();
    let title = "pcn-atlas proposal: today and proposed footprints";
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"pcn-atlas {}\">\n<title>{title}</title>\n\
         <style>\n{CSS}</style>\n</head>\n<body>\n<header><h1>{title}</h1>\n",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(
        o,
        "<p class=\"sub\">{} areas and {} practices change network. Times: {}.{}</p>\n</header>",
        d.areas.len(),
        d.practices.len(),
        esc(&w.times),
        crate::load::sources::vintage_line(w.ds)
            .map_or_else(String::new, |v| format!("<br>Data: {}.", esc(&v)))
    );
    legend(&mut o);
    o.push_str("<svg class=\"defs\" width=\"0\" height=\"0\" aria-hidden=\"true\"><defs>");
    let hatch = (d.frame.width.max(d.frame.height) / 120.0).max(1.0).round();
    let _ = writeln!(
        o,
        "<pattern id=\"{HATCH_ID}\" patternUnits=\"userSpaceOnUse\" width=\"{hatch}\" height=\"{hatch}\" patternTransform=\"rotate(45)\">\
         <rect width=\"{}\" height=\"{hatch}\" fill=\"#7b1c1c\"/></pattern></defs></svg>",
        (hatch / 3.0).max(1.0).round()
    );
    o.push_str("<div id=\"panels\">\n");
    panel(&mut o, &d, w, today, false);
    panel(&mut o, &d, w, proposed, true);
    o.push_str("</div>\n<p id=\"tip\">Hover or click an area, a practice or a network.</p>\n");
    table(&mut o, w);
    let _ = write!(
        o,
        "<p class=\"attr\">{}</p>\n<script>\n{JS}</script>\n</body>\n</html>\n",
        esc(&super::build::attribution_short(
            today.drive.is_some() || !today.places.is_empty()
        ))
    );
    o
}

/// What the hatching, dashes, arrows and dots mean.
fn legend(o: &mut String) {
    o.push_str(
        "<ul id=\"legend\">\
         <li><svg width=\"22\" height=\"14\"><rect x=\"1\" y=\"1\" width=\"20\" height=\"12\" fill=\"#fff\" stroke=\"#b00020\" stroke-dasharray=\"4 2\"/></svg> today: an area that will move</li>\
         <li><svg width=\"22\" height=\"14\"><rect x=\"1\" y=\"1\" width=\"20\" height=\"12\" fill=\"url(#proposal-hatch-key)\" stroke=\"#7b1c1c\"/>\
         <defs><pattern id=\"proposal-hatch-key\" patternUnits=\"userSpaceOnUse\" width=\"5\" height=\"5\" patternTransform=\"rotate(45)\"><rect width=\"2\" height=\"5\" fill=\"#7b1c1c\"/></pattern></defs></svg> proposed: an area that moved</li>\
         <li><svg width=\"22\" height=\"14\"><path d=\"M2 7H19M14 3L19 7L14 11\" fill=\"none\" stroke=\"#1f2933\" stroke-width=\"2\"/></svg> a practice that changes network → the network it joins</li>\
         <li><svg width=\"22\" height=\"14\"><circle cx=\"11\" cy=\"7\" r=\"3\" fill=\"#1f2933\"/></svg> practice</li>\
         <li>Fills: the same network in the same colour on both maps.</li></ul>\n",
    );
}

/// Geometry of both panels: the frame over both runs' footprints and the
/// practices, and footprints and moved areas simplified together, so the
/// outlines of a moved area follow its network's.
fn drawn(w: &ProposalOutput, today: &Run, proposed: &Run) -> Drawn {
    let ds = w.ds;
    let (areas, practices) = moves(w, proposed);
    let area_index = index_by_code(&ds.areas, |a| &a.code);
    let footprint = |run: &Run| -> Vec<MultiPolygon<f64>> {
        run.check
            .pcns
            .iter()
            .zip(&run.dissolved)
            .map(|(c, g)| {
                if c.areas.is_empty() {
                    MultiPolygon(vec![])
                } else {
                    g.clone()
                }
            })
            .collect()
    };
    let n = ds.pcns.len();
    let mut shapes = footprint(today);
    shapes.extend(footprint(proposed));
    for m in &areas {
        shapes.push(
            area_index
                .get(m.code.as_str())
                .map_or_else(|| MultiPolygon(vec![]), |&a| ds.areas[a].geometry.clone()),
        );
    }
    let ext = extent(&shapes, ds);
    let frame = Frame::new(ext);
    let simple = simplify_shared(&shapes, super::tolerance(ext));
    let mut d: Vec<String> = simple
        .shapes
        .iter()
        .map(|polys| {
            path_d(
                polys.iter().flat_map(|r| r.iter().map(Vec::as_slice)),
                &frame,
                true,
            )
        })
        .collect();
    let area_d = d.split_off(2 * n);
    let proposed_d = d.split_off(n);
    let inside = |g: &MultiPolygon<f64>| super::label_point(g).map(|c| frame.at(c));
    Drawn {
        today_at: shapes[..n].iter().map(inside).collect(),
        proposed_at: shapes[n..2 * n].iter().map(inside).collect(),
        frame,
        today_d: d,
        proposed_d,
        area_d,
        areas,
        practices,
        fills: fills(today, proposed),
    }
}

/// Min x, min y, max x, max y (BNG) of the shapes and located practices.
fn extent(shapes: &[MultiPolygon<f64>], ds: &crate::model::Dataset) -> [f64; 4] {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    let pts = shapes
        .iter()
        .flat_map(|g| g.0.iter().flat_map(|p| p.exterior().0.iter()))
        .map(|c| (c.x, c.y))
        .chain(
            ds.practices
                .iter()
                .filter_map(|p| p.location.map(|l| (l.x, l.y))),
        );
    for (x, y) in pts {
        b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
    }
    if b[0] <= b[2] && b[1] <= b[3] {
        b
    } else {
        [0.0, 0.0, 1.0, 1.0]
    }
}

/// Each item's index by its code.
fn index_by_code<T>(items: &[T], code: impl Fn(&T) -> &String) -> HashMap<&str, usize> {
    let mut by = HashMap::with_capacity(items.len());
    for (i, t) in items.iter().enumerate() {
        by.insert(code(t).as_str(), i);
    }
    by
}

/// The moves of `moves.csv` (areas, then practices, each by code), with
/// their sentences.
fn moves(w: &ProposalOutput, proposed: &Run) -> (Vec<Move>, Vec<Move>) {
    // From today's networks; to the proposal's, whose code is new where a
    // network keeps less than half its patients.
    let (today, after) = (&w.ds.pcns, &proposed.ds.pcns);
    let (from_k, to_k) = (
        index_by_code(today, |p| &p.code),
        index_by_code(after, |p| &p.code),
    );
    let label = |pcns: &[crate::model::Pcn], at: Option<&usize>| {
        at.and_then(|&k| pcns.get(k)).map_or_else(
            || "no network".to_string(),
            |p| format!("{} {}", p.code, p.name),
        )
    };
    let (mut areas, mut practices) = (Vec::new(), Vec::new());
    for [kind, code, name, from, to] in w.moves() {
        let m = Move {
            text: format!(
                "{code}{}{name} moved from {} to {}",
                if name.is_empty() { "" } else { " " },
                label(today, from_k.get(from.as_str())),
                label(after, to_k.get(to.as_str()))
            ),
            to: to_k.get(to.as_str()).copied(),
            code,
        };
        if kind == "area" {
            areas.push(m);
        } else {
            practices.push(m);
        }
    }
    (areas, practices)
}

/// A fill per network: greedy colouring in network order over the
/// networks that touch today or in the proposal.
fn fills(today: &Run, proposed: &Run) -> Vec<&'static str> {
    let n = today.check.pcns.len();
    let mut touch: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
    for run in [today, proposed] {
        let of = &run.check.footprints.area_pcns;
        for (a, nb) in today.check.adjacency.neighbours.iter().enumerate() {
            for b in nb {
                for k in of.get(a).into_iter().flatten() {
                    for l in of.get(b.idx()).into_iter().flatten() {
                        if k != l && k.idx() < n && l.idx() < n {
                            touch[k.idx()].insert(l.idx());
                        }
                    }
                }
            }
        }
    }
    if n <= PALETTE.len() {
        return PALETTE[..n].to_vec();
    }
    greedy(&touch, PALETTE.len())
        .into_iter()
        .map(|c| PALETTE[c])
        .collect()
}

/// Greedy colouring in index order: each item the lowest of `colours`
/// not taken by an earlier item it touches (its index modulo `colours`
/// when all are).
fn greedy(touch: &[BTreeSet<usize>], colours: usize) -> Vec<usize> {
    let mut colour: Vec<usize> = Vec::with_capacity(touch.len());
    for (k, near) in touch.iter().enumerate() {
        let used: BTreeSet<usize> = near
            .iter()
            .filter(|&&l| l < k)
            .map(|&l| colour[l])
            .collect();
        colour.push(
            (0..colours)
                .find(|c| !used.contains(c))
                .unwrap_or(k % colours),
        );
    }
    colour
}

/// One map panel: `after` = the proposal (moved areas hatched, arrows),
/// else today (moved areas outlined).
fn panel(o: &mut String, d: &Drawn, w: &ProposalOutput, run: &Run, after: bool) {
    let f = &d.frame;
    let (id, heading) = if after {
        ("after", "Proposed")
    } else {
        ("before", "Today")
    };
    let _ = write!(
        o,
        "<figure><figcaption>{heading}</figcaption>\
         <svg id=\"{id}\" class=\"panel\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" preserveAspectRatio=\"xMidYMid meet\">\n<g class=\"nets\">\n",
        f.width, f.height
    );
    let paths = if after { &d.proposed_d } else { &d.today_d };
    for (k, (c, path)) in run.check.pcns.iter().zip(paths).enumerate() {
        // Keyed by today's code on both panels (as proposal.csv's rows); a
        // network with a new code shows it on the proposal.
        let pcn = run.ds.pcn(c.pcn);
        let _ = writeln!(
            o,
            "<path data-pcn=\"{}\" fill=\"{}\" d=\"{path}\"><title>{} {} {}: {} practices, {} patients ({} band), {} areas in {} piece(s)</title></path>",
            esc(&w.ds.pcn(c.pcn).code),
            d.fills.get(k).copied().unwrap_or(PALETTE[0]),
            esc(&pcn.code),
            esc(&pcn.name),
            heading.to_lowercase(),
            pcn.practices.len(),
            c.list_size,
            c.band.as_str(),
            c.areas.len(),
            c.components.len()
        );
    }
    o.push_str("</g>\n<g class=\"moved\">\n");
    let (class, fill) = if after {
        ("moved-after", format!(" fill=\"url(#{HATCH_ID})\""))
    } else {
        ("moved-before", String::new())
    };
    for (m, path) in d.areas.iter().zip(&d.area_d) {
        let _ = writeln!(
            o,
            "<path class=\"{class}\" data-area=\"{}\"{fill} d=\"{path}\"><title>{}</title></path>",
            esc(&m.code),
            esc(&m.text)
        );
    }
    o.push_str("</g>\n");
    if after {
        arrows(o, d, w);
    }
    practices(o, f, run, &d.practices);
    labels(o, d, run, if after { &d.proposed_at } else { &d.today_at });
    o.push_str("</svg></figure>\n");
}

/// An arrow from each moved practice towards a point inside the largest
/// piece of the footprint it joins (where that network's label is), its
/// tip a head's length short of it; the head a fixed share of the map's
/// size.
fn arrows(o: &mut String, d: &Drawn, w: &ProposalOutput) {
    let f = &d.frame;
    let head = (f.width.max(f.height) / 70.0).max(1.0);
    let at: HashMap<&str, [f64; 2]> =
        w.ds.practices
            .iter()
            .filter_map(|p| p.location.map(|l| (p.code.as_str(), [l.x, l.y])))
            .collect();
    o.push_str("<g class=\"arrows\">\n");
    for m in &d.practices {
        let from = at.get(m.code.as_str()).copied();
        let to = m.to.and_then(|k| d.proposed_at.get(k).copied().flatten());
        let (Some(from), Some(to)) = (from, to) else {
            continue;
        };
        let _ = writeln!(
            o,
            "<path class=\"arrow\" data-practice=\"{}\" d=\"{}\"><title>{}</title></path>",
            esc(&m.code),
            arrow_d(f.at(from), to, head),
            esc(&m.text)
        );
    }
    o.push_str("</g>\n");
}

/// The `d` of an arrow from `from` towards `to` (map units): its tip a
/// head's length short of `to` when the arrow is longer than three heads,
/// the head's two wings `head` back and half as wide to each side.
fn arrow_d(from: (i64, i64), to: (i64, i64), head: f64) -> String {
    let (dx, dy) = ((to.0 - from.0) as f64, (to.1 - from.1) as f64);
    let len = dx.hypot(dy).max(1.0);
    let (ux, uy) = (dx / len, dy / len);
    let back = if len > 3.0 * head { head } else { 0.0 };
    let tip = (
        to.0 - (back * ux).round() as i64,
        to.1 - (back * uy).round() as i64,
    );
    let wing = |s: f64| {
        (
            tip.0 - (head * (ux - s * 0.5 * uy)).round() as i64,
            tip.1 - (head * (uy + s * 0.5 * ux)).round() as i64,
        )
    };
    let (a, b) = (wing(1.0), wing(-1.0));
    format!(
        "M{} {}L{} {}M{} {}L{} {}L{} {}",
        from.0, from.1, tip.0, tip.1, a.0, a.1, tip.0, tip.1, b.0, b.1
    )
}

/// A dot per located practice; a moved one marked, with its sentence.
fn practices(o: &mut String, f: &Frame, run: &Run, moved: &[Move]) {
    let moved: HashMap<&str, &str> = moved
        .iter()
        .map(|m| (m.code.as_str(), m.text.as_str()))
        .collect();
    o.push_str("<g class=\"practices\">\n");
    for p in &run.ds.practices {
        let Some(l) = p.location else { continue };
        let (x, y) = f.at([l.x, l.y]);
        let text = moved.get(p.code.as_str()).map_or_else(
            || {
                let pcn = p.pcn.map(|k| run.ds.pcn(k));
                format!(
                    "{} {}: {}",
                    p.code,
                    p.name,
                    pcn.map_or("no network".into(), |k| format!("{} {}", k.code, k.name))
                )
            },
            |t| (*t).to_string(),
        );
        let class = if moved.contains_key(p.code.as_str()) {
            "practice moved"
        } else {
            "practice"
        };
        let _ = writeln!(
            o,
            "<path class=\"{class}\" data-practice=\"{}\" d=\"M{x} {y}l0 0\"><title>{}</title></path>",
            esc(&p.code),
            esc(&text)
        );
    }
    o.push_str("</g>\n");
}

/// Each network's code inside its footprint's largest piece (the script
/// keeps the text 12 px high at any zoom).
fn labels(o: &mut String, d: &Drawn, run: &Run, at: &[Option<(i64, i64)>]) {
    let f = &d.frame;
    let _ = writeln!(
        o,
        "<g class=\"labels\" font-size=\"{}\">",
        (f.width.max(f.height) / 60.0).max(1.0).round()
    );
    for (c, at) in run.check.pcns.iter().zip(at) {
        if let Some((x, y)) = at {
            let _ = writeln!(
                o,
                "<text x=\"{x}\" y=\"{y}\">{}</text>",
                esc(&run.ds.pcn(c.pcn).code)
            );
        }
    }
    o.push_str("</g>\n");
}

/// The table of changes: one row per network, `X_today`/`X_proposed`
/// columns of `proposal.csv` paired into one "today → proposed" cell, the
/// other columns as they are.
fn table(o: &mut String, w: &ProposalOutput) {
    let cols = columns();
    o.push_str("<div id=\"table\"><table id=\"changes\">\n<thead><tr>");
    for c in &cols {
        let _ = write!(o, "<th>{}</th>", esc(&c.0.replace('_', " ")));
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    for row in w.rows() {
        let code = row.first().cloned().unwrap_or_default();
        let _ = write!(o, "<tr data-pcn=\"{}\">", esc(&code));
        for (name, i, j) in &cols {
            let cell = |i: usize| row.get(i).map_or("", String::as_str);
            match j {
                Some(j) => {
                    let (t, p) = (cell(*i), cell(*j));
                    let _ = write!(
                        o,
                        "<td data-col=\"{}\" data-today=\"{}\" data-proposed=\"{}\"{}>{} → {}</td>",
                        esc(name),
                        esc(t),
                        esc(p),
                        if t == p { "" } else { " class=\"chg\"" },
                        esc(t),
                        esc(p)
                    );
                }
                None => {
                    let _ = write!(o, "<td data-col=\"{}\">{}</td>", esc(name), esc(cell(*i)));
                }
            }
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody>\n</table></div>\n");
}

/// The table's columns: a name and the index of its `proposal.csv`
/// column, with the index of the proposed one when it is a pair.
fn columns() -> Vec<(String, usize, Option<usize>)> {
    let at = |n: &str| PROPOSAL_COLUMNS.iter().position(|c| *c == n);
    let mut out = Vec::new();
    for (i, c) in PROPOSAL_COLUMNS.iter().enumerate() {
        if let Some(stem) = c.strip_suffix("_today") {
            match at(&format!("{stem}_proposed")) {
                Some(j) => out.push((stem.to_string(), i, Some(j))),
                None => out.push((c.to_string(), i, None)),
            }
        } else if let Some(stem) = c.strip_suffix("_proposed")
            && at(&format!("{stem}_today")).is_some()
        {
            continue;
        } else {
            out.push((c.to_string(), i, None));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrow_stops_a_head_short_with_two_wings() {
        // East 100 units, head 10: tip at 90; wings 10 back (x 80) and 5
        // to each side (y ∓5).
        assert_eq!(arrow_d((0, 0), (100, 0), 10.0), "M0 0L90 0M80 -5L90 0L80 5");
        // South (SVG y down) 40 units, head 10: tip at y 30; wings at y 20,
        // x ±5.
        assert_eq!(arrow_d((7, 0), (7, 40), 10.0), "M7 0L7 30M12 20L7 30L2 20");
        // Shorter than three heads: the tip at the point itself.
        assert_eq!(arrow_d((0, 0), (20, 0), 10.0), "M0 0L20 0M10 -5L20 0L10 5");
    }

    #[test]
    fn neighbours_get_different_colours() {
        let graph = |edges: &[(usize, usize)], n: usize| {
            let mut t = vec![BTreeSet::new(); n];
            for &(a, b) in edges {
                t[a].insert(b);
                t[b].insert(a);
            }
            t
        };
        // A triangle: three colours; a fourth item touching only 0 takes 1.
        let t = graph(&[(0, 1), (1, 2), (0, 2), (0, 3)], 4);
        assert_eq!(greedy(&t, 12), vec![0, 1, 2, 1]);
        // A chain of five alternates two colours.
        let t = graph(&[(0, 1), (1, 2), (2, 3), (3, 4)], 5);
        assert_eq!(greedy(&t, 12), vec![0, 1, 0, 1, 0]);
        // Two colours for a triangle: the third gets its index modulo 2.
        let t = graph(&[(0, 1), (1, 2), (0, 2)], 3);
        assert_eq!(greedy(&t, 2), vec![0, 1, 0]);
    }

    #[test]
    fn columns_pair_today_with_proposed() {
        let cols = columns();
        let find = |n: &str| cols.iter().find(|c| c.0 == n).cloned();
        let at = |n: &str| PROPOSAL_COLUMNS.iter().position(|c| *c == n);
        assert_eq!(
            find("list_size"),
            Some((
                "list_size".into(),
                at("list_size_today").unwrap(),
                at("list_size_proposed")
            ))
        );
        assert_eq!(find("pcn_code"), Some(("pcn_code".into(), 0, None)));
        // Every proposal.csv column is shown once, alone or in its pair.
        let shown: usize = cols.iter().map(|c| 1 + usize::from(c.2.is_some())).sum();
        assert_eq!(shown, PROPOSAL_COLUMNS.len());
    }
}
