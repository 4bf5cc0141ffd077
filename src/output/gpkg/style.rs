//! The layers' default styles in QGIS's `layer_styles` table: networks
//! filled in the colour of their worst finding, as on the map (colours and
//! labels from [`Code`] through [`crate::output::map::style`]), areas as
//! outlines, practices as markers (hubs as stars), routes as lines. Each
//! style is written as QML (what QGIS reads) and as SLD (for other tools),
//! both from one list of rules.

use crate::findings::Code;
use crate::output::map::style as map_style;
use crate::output::map::svg::esc as xml_escape;
use std::fmt::Write as _;

/// The column of `pcns` that holds a network's map class.
pub const CLASS_COLUMN: &str = "map_class";

/// The map class of a network with these finding codes: its worst drawn
/// code (first in [`Code::MAP_ORDER`]), `NONE` without one.
pub fn map_class<'a>(codes: impl Iterator<Item = &'a str>) -> &'static str {
    let worst = codes
        .filter_map(Code::parse)
        .filter_map(|c| map_style::class_of(Some(c)))
        .min_by_key(|c| c.map_rank());
    map_style::class_code(worst)
}

/// Hubs, as on the map.
const HUB_FILL: &str = "#ffd400";
const INK: &str = "#1f2933";
const OUTSIDE_FILL: &str = "#d7263d";
const PRACTICE_FILL: &str = "#ffffff";
const BRANCH_FILL: &str = "#bcccdc";
const AREA_LINE: &str = "#7b8794";
const ROUTE_LINE: &str = "#3b5bdb";

#[derive(Clone, Debug, PartialEq)]
pub enum Symbol {
    Fill {
        colour: String,
    },
    Outline,
    Marker {
        star: bool,
        colour: &'static str,
        size: f64,
    },
    Line,
}

/// What a rule selects: features whose column equals a text or an
/// integer, or every feature no other rule took.
#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    All,
    Text(&'static str, String),
    Int(&'static str, i64),
    Else,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub label: String,
    pub filter: Filter,
    pub symbol: Symbol,
}

/// A layer's style.
#[derive(Clone, Debug, PartialEq)]
pub struct Style {
    pub name: &'static str,
    pub rules: Vec<Rule>,
}

/// `pcns`: one rule per map class present, in the map legend's order, with
/// how many networks are in it.
pub fn pcns(classes: &[&str]) -> Style {
    let worst = classes.iter().map(|c| Code::parse(c));
    let rules = map_style::legend_classes(worst)
        .into_iter()
        .map(|(class, n)| Rule {
            label: format!("{} ({n})", map_style::finding_label(class)),
            filter: Filter::Text(CLASS_COLUMN, map_style::class_code(class).to_string()),
            symbol: Symbol::Fill {
                colour: map_style::finding_colour(class).to_string(),
            },
        })
        .collect();
    Style {
        name: "PCNs by worst finding",
        rules,
    }
}

pub fn areas() -> Style {
    Style {
        name: "Areas",
        rules: vec![Rule {
            label: "Area".into(),
            filter: Filter::All,
            symbol: Symbol::Outline,
        }],
    }
}

/// The hub star, first, when the layer has hubs (`is_hub`).
fn hub_rule(has_hub: bool) -> Vec<Rule> {
    let mut rules = Vec::new();
    if has_hub {
        rules.push(Rule {
            label: "Network hub".into(),
            filter: Filter::Int("is_hub", 1),
            symbol: Symbol::Marker {
                star: true,
                colour: HUB_FILL,
                size: 4.0,
            },
        });
    }
    rules
}

/// `practices`: hubs (when the layer has `is_hub`) as stars, practices
/// outside their network's footprint in red, the rest white.
pub fn practices(has_hub: bool) -> Style {
    let mut rules = hub_rule(has_hub);
    rules.push(Rule {
        label: "Practice outside its footprint".into(),
        filter: Filter::Int("inside_footprint", 0),
        symbol: Symbol::Marker {
            star: false,
            colour: OUTSIDE_FILL,
            size: 2.6,
        },
    });
    rules.push(Rule {
        label: "Practice".into(),
        filter: Filter::Else,
        symbol: Symbol::Marker {
            star: false,
            colour: PRACTICE_FILL,
            size: 2.0,
        },
    });
    Style {
        name: "Practices and hubs",
        rules,
    }
}

/// `sites`: hubs (when the layer has `is_hub`) as stars, main sites as
/// the practices are drawn, branch surgeries smaller and grey.
pub fn sites(has_hub: bool) -> Style {
    let mut rules = hub_rule(has_hub);
    rules.push(Rule {
        label: "Main site".into(),
        filter: Filter::Text("kind", "main".into()),
        symbol: Symbol::Marker {
            star: false,
            colour: PRACTICE_FILL,
            size: 2.0,
        },
    });
    rules.push(Rule {
        label: "Branch site".into(),
        filter: Filter::Text("kind", "branch".into()),
        symbol: Symbol::Marker {
            star: false,
            colour: BRANCH_FILL,
            size: 1.4,
        },
    });
    Style {
        name: "Practice sites",
        rules,
    }
}

pub fn routes() -> Style {
    Style {
        name: "Routes",
        rules: vec![Rule {
            label: "Hub to member route".into(),
            filter: Filter::All,
            symbol: Symbol::Line,
        }],
    }
}

/// `#rrggbb` as QGIS's `r,g,b,a`.
fn qgis_colour(hex: &str, alpha: u8) -> String {
    let h = hex.trim_start_matches('#');
    let c = |i: usize| h.get(i..i + 2).and_then(|s| u8::from_str_radix(s, 16).ok());
    match (c(0), c(2), c(4)) {
        (Some(r), Some(g), Some(b)) => format!("{r},{g},{b},{alpha}"),
        _ => format!("0,0,0,{alpha}"),
    }
}

/// The fill alpha of network footprints (the map's, about 70 %).
const FILL_ALPHA: u8 = 180;

fn qml_filter(f: &Filter) -> Option<String> {
    match f {
        Filter::All => None,
        Filter::Text(col, v) => Some(format!("\"{col}\" = '{}'", v.replace('\'', "''"))),
        Filter::Int(col, v) => Some(format!("\"{col}\" = {v}")),
        Filter::Else => Some("ELSE".into()),
    }
}

/// One symbol's properties, as QGIS 3 writes them.
fn symbol_props(s: &Symbol) -> (&'static str, &'static str, Vec<(&'static str, String)>) {
    match s {
        Symbol::Fill { colour } => (
            "fill",
            "SimpleFill",
            vec![
                ("color", qgis_colour(colour, FILL_ALPHA)),
                ("outline_color", qgis_colour(INK, 255)),
                ("outline_style", "solid".into()),
                ("outline_width", "0.26".into()),
                ("outline_width_unit", "MM".into()),
                ("style", "solid".into()),
            ],
        ),
        Symbol::Outline => (
            "fill",
            "SimpleFill",
            vec![
                ("color", "0,0,0,0".into()),
                ("outline_color", qgis_colour(AREA_LINE, 255)),
                ("outline_style", "solid".into()),
                ("outline_width", "0.1".into()),
                ("outline_width_unit", "MM".into()),
                ("style", "no".into()),
            ],
        ),
        Symbol::Marker { star, colour, size } => (
            "marker",
            "SimpleMarker",
            vec![
                ("color", qgis_colour(colour, 255)),
                ("name", if *star { "star" } else { "circle" }.into()),
                ("outline_color", qgis_colour(INK, 255)),
                ("outline_style", "solid".into()),
                ("outline_width", "0.3".into()),
                ("outline_width_unit", "MM".into()),
                ("size", format!("{size}")),
                ("size_unit", "MM".into()),
            ],
        ),
        Symbol::Line => (
            "line",
            "SimpleLine",
            vec![
                ("capstyle", "round".into()),
                ("joinstyle", "round".into()),
                ("line_color", qgis_colour(ROUTE_LINE, 255)),
                ("line_style", "solid".into()),
                ("line_width", "0.5".into()),
                ("line_width_unit", "MM".into()),
            ],
        ),
    }
}

/// The style as a QGIS QML document: a rule-based renderer. Symbol layer
/// properties are written both as QGIS ≥ 3.26 reads them (`Option`) and as
/// earlier 3.x versions do (`prop`).
pub fn qml(style: &Style) -> String {
    let mut s = String::from(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n\
         <qgis version=\"3.28.0\" styleCategories=\"Symbology\">\n \
         <renderer-v2 type=\"RuleRenderer\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n  \
         <rules key=\"{root}\">\n",
    );
    for (i, r) in style.rules.iter().enumerate() {
        let filter = qml_filter(&r.filter)
            .map(|f| format!(" filter=\"{}\"", xml_escape(&f)))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "   <rule key=\"{{rule-{i}}}\" symbol=\"{i}\" label=\"{}\"{filter}/>",
            xml_escape(&r.label)
        );
    }
    s.push_str("  </rules>\n  <symbols>\n");
    for (i, r) in style.rules.iter().enumerate() {
        let (kind, class, props) = symbol_props(&r.symbol);
        let _ = writeln!(
            s,
            "   <symbol type=\"{kind}\" name=\"{i}\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n    \
             <layer class=\"{class}\" enabled=\"1\" locked=\"0\" pass=\"0\">\n     <Option type=\"Map\">"
        );
        for (k, v) in &props {
            let _ = writeln!(
                s,
                "      <Option name=\"{k}\" type=\"QString\" value=\"{v}\"/>"
            );
        }
        s.push_str("     </Option>\n");
        for (k, v) in &props {
            let _ = writeln!(s, "     <prop k=\"{k}\" v=\"{v}\"/>");
        }
        s.push_str("    </layer>\n   </symbol>\n");
    }
    s.push_str("  </symbols>\n </renderer-v2>\n</qgis>\n");
    s
}

fn sld_filter(f: &Filter) -> String {
    let eq = |col: &str, v: &str| {
        format!(
            "<ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>{col}</ogc:PropertyName>\
             <ogc:Literal>{}</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>",
            xml_escape(v)
        )
    };
    match f {
        Filter::All => String::new(),
        Filter::Text(col, v) => eq(col, v),
        Filter::Int(col, v) => eq(col, &v.to_string()),
        Filter::Else => "<se:ElseFilter/>".into(),
    }
}

fn sld_symbolizer(s: &Symbol) -> String {
    let stroke = |colour: &str, width: f64| {
        format!(
            "<se:Stroke><se:SvgParameter name=\"stroke\">{colour}</se:SvgParameter>\
             <se:SvgParameter name=\"stroke-width\">{width}</se:SvgParameter></se:Stroke>"
        )
    };
    match s {
        Symbol::Fill { colour } => format!(
            "<se:PolygonSymbolizer><se:Fill><se:SvgParameter name=\"fill\">{colour}</se:SvgParameter>\
             <se:SvgParameter name=\"fill-opacity\">{:.2}</se:SvgParameter></se:Fill>{}</se:PolygonSymbolizer>",
            f64::from(FILL_ALPHA) / 255.0,
            stroke(INK, 1.0)
        ),
        Symbol::Outline => format!(
            "<se:PolygonSymbolizer>{}</se:PolygonSymbolizer>",
            stroke(AREA_LINE, 0.4)
        ),
        Symbol::Marker { star, colour, size } => format!(
            "<se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>{}</se:WellKnownName>\
             <se:Fill><se:SvgParameter name=\"fill\">{colour}</se:SvgParameter></se:Fill>{}</se:Mark>\
             <se:Size>{:.0}</se:Size></se:Graphic></se:PointSymbolizer>",
            if *star { "star" } else { "circle" },
            stroke(INK, 1.0),
            size * 3.78
        ),
        Symbol::Line => format!(
            "<se:LineSymbolizer>{}</se:LineSymbolizer>",
            stroke(ROUTE_LINE, 2.0)
        ),
    }
}

/// The style as an OGC SLD 1.1 document.
pub fn sld(layer: &str, style: &Style) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <StyledLayerDescriptor xmlns=\"http://www.opengis.net/sld\" xmlns:ogc=\"http://www.opengis.net/ogc\" \
         xmlns:se=\"http://www.opengis.net/se\" version=\"1.1.0\">\n \
         <NamedLayer>\n  <se:Name>{}</se:Name>\n  <UserStyle>\n   <se:Name>{}</se:Name>\n   <se:FeatureTypeStyle>\n",
        xml_escape(layer),
        xml_escape(style.name)
    );
    for r in &style.rules {
        let _ = writeln!(
            s,
            "    <se:Rule><se:Name>{}</se:Name>{}{}</se:Rule>",
            xml_escape(&r.label),
            sld_filter(&r.filter),
            sld_symbolizer(&r.symbol)
        );
    }
    s.push_str(
        "   </se:FeatureTypeStyle>\n  </UserStyle>\n </NamedLayer>\n</StyledLayerDescriptor>\n",
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worst_code_is_the_class() {
        assert_eq!(
            map_class(["RURAL", "NON_CONTIGUOUS"].into_iter()),
            "NON_CONTIGUOUS"
        );
        assert_eq!(map_class(["NOT_A_CODE"].into_iter()), "NONE");
        assert_eq!(map_class(std::iter::empty()), "NONE");
    }

    #[test]
    fn colours_in_qgis_form() {
        assert_eq!(qgis_colour("#ff8000", 255), "255,128,0,255");
        assert_eq!(qgis_colour("bad", 7), "0,0,0,7");
    }

    #[test]
    fn pcn_rules_follow_the_map_legend() {
        let st = pcns(&["RURAL", "NONE", "RURAL", "NON_CONTIGUOUS"]);
        let got: Vec<(&str, &Filter)> = st
            .rules
            .iter()
            .map(|r| (r.label.as_str(), &r.filter))
            .collect();
        assert_eq!(got.len(), 3);
        assert_eq!(
            got[0].1,
            &Filter::Text(CLASS_COLUMN, "NON_CONTIGUOUS".into())
        );
        assert_eq!(got[1].1, &Filter::Text(CLASS_COLUMN, "RURAL".into()));
        assert_eq!(got[2].1, &Filter::Text(CLASS_COLUMN, "NONE".into()));
        assert!(got[1].0.ends_with("(2)"), "{}", got[1].0);
        assert_eq!(
            st.rules[0].symbol,
            Symbol::Fill {
                colour: Code::NonContiguous.colour().unwrap().to_string()
            }
        );
        let q = qml(&st);
        assert!(
            q.contains("filter=\"&quot;map_class&quot; = &#39;RURAL&#39;\""),
            "{q}"
        );
    }
}
