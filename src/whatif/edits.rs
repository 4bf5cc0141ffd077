//! What-if edits as the user writes them: from command-line flags or an
//! edits file (TOML, documented in docs/what-if.md). Each edit keeps where
//! it came from (`--move-practice D80010=U00001`, `edits.toml line 7`) so
//! that an edit that cannot be applied is an error naming it.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::ops::Range;
use std::path::Path;

/// Where a new practice stands.
#[derive(Clone, Debug, PartialEq)]
pub enum NewLocation {
    /// WGS84 degrees.
    LonLat { lon: f64, lat: f64 },
    /// British National Grid metres.
    EastingNorthing { easting: f64, northing: f64 },
    /// Looked up in the Code-Point Open folder given with `--postcodes`.
    Postcode(String),
}

/// A practice to add.
#[derive(Clone, Debug, PartialEq)]
pub struct NewPractice {
    pub code: String,
    pub name: String,
    pub pcn: String,
    pub list_size: u64,
    pub location: NewLocation,
}

/// One edit, by codes.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Move a practice to another (existing) PCN.
    MovePractice { practice: String, to_pcn: String },
    /// Put an area in another (existing) PCN's footprint.
    MoveArea { area: String, to_pcn: String },
    /// Add a practice to a PCN.
    AddPractice(NewPractice),
    /// Close a practice; its registered patients go to the nearest
    /// remaining practices (docs/what-if.md).
    ClosePractice { practice: String },
    /// Merge PCNs into one: the first's code and name unless given.
    Merge {
        pcns: Vec<String>,
        code: Option<String>,
        name: Option<String>,
    },
}

impl Edit {
    /// The edit as a flag would write it, for messages and `diff.csv`.
    pub fn describe(&self) -> String {
        match self {
            Edit::MovePractice { practice, to_pcn } => format!("move-practice {practice}={to_pcn}"),
            Edit::MoveArea { area, to_pcn } => format!("move-area {area}={to_pcn}"),
            Edit::AddPractice(p) => format!("add-practice {} to {}", p.code, p.pcn),
            Edit::ClosePractice { practice } => format!("close-practice {practice}"),
            Edit::Merge { pcns, code, name } => {
                let mut s = format!("merge {}", pcns.join(","));
                if let Some(c) = code {
                    s.push_str(&format!(" as {c}"));
                }
                if let Some(n) = name {
                    s.push_str(&format!(" ({n})"));
                }
                s
            }
        }
    }
}

/// An edit and where it was given.
#[derive(Clone, Debug, PartialEq)]
pub struct EditAt {
    pub edit: Edit,
    /// `--move-practice D80010=U00001` or `edits.toml line 7`.
    pub origin: String,
}

fn split_pair<'a>(flag: &str, v: &'a str) -> Result<(&'a str, &'a str)> {
    match v.split_once('=') {
        Some((a, b)) if !a.trim().is_empty() && !b.trim().is_empty() => Ok((a.trim(), b.trim())),
        _ => bail!("{flag} `{v}`: expected CODE=PCN_CODE"),
    }
}

/// `--move-practice D80010=U00001`.
pub fn parse_move_practice(v: &str) -> Result<EditAt> {
    let (a, b) = split_pair("--move-practice", v)?;
    Ok(EditAt {
        edit: Edit::MovePractice {
            practice: a.into(),
            to_pcn: b.into(),
        },
        origin: format!("--move-practice {v}"),
    })
}

/// `--move-area E01900132=U00001`.
pub fn parse_move_area(v: &str) -> Result<EditAt> {
    let (a, b) = split_pair("--move-area", v)?;
    Ok(EditAt {
        edit: Edit::MoveArea {
            area: a.into(),
            to_pcn: b.into(),
        },
        origin: format!("--move-area {v}"),
    })
}

/// `--close-practice D80035`.
pub fn parse_close_practice(v: &str) -> Result<EditAt> {
    if v.trim().is_empty() {
        bail!("--close-practice: empty practice code");
    }
    Ok(EditAt {
        edit: Edit::ClosePractice {
            practice: v.trim().into(),
        },
        origin: format!("--close-practice {v}"),
    })
}

/// `--merge U1,U2` or `--merge U1,U2=NEWCODE` or `--merge U1,U2=NEWCODE:NEW NAME`.
pub fn parse_merge(v: &str) -> Result<EditAt> {
    let (list, new) = match v.split_once('=') {
        Some((l, n)) => (l, Some(n)),
        None => (v, None),
    };
    let pcns: Vec<String> = list.split(',').map(|s| s.trim().to_string()).collect();
    if pcns.len() < 2 || pcns.iter().any(String::is_empty) {
        bail!("--merge `{v}`: expected at least two PCN codes, PCN1,PCN2[=NEWCODE[:NEW NAME]]");
    }
    let (code, name) = match new {
        None => (None, None),
        Some(n) => match n.split_once(':') {
            Some((c, nm)) => (Some(c.trim().to_string()), Some(nm.trim().to_string())),
            None => (Some(n.trim().to_string()), None),
        },
    };
    if code.as_deref() == Some("") || name.as_deref() == Some("") {
        bail!("--merge `{v}`: empty new code or name");
    }
    Ok(EditAt {
        edit: Edit::Merge { pcns, code, name },
        origin: format!("--merge {v}"),
    })
}

/// `--add-practice code=D89001,name=NEW SURGERY,pcn=U00009,list_size=4000,lon=-1.2,lat=52.9`
/// (or `easting=..,northing=..`, or `postcode=..`). Names with commas need
/// the edits file.
pub fn parse_add_practice(v: &str) -> Result<EditAt> {
    let origin = format!("--add-practice {v}");
    let mut t = AddPracticeT::default();
    for kv in v.split(',') {
        let Some((k, val)) = kv.split_once('=') else {
            bail!("{origin}: `{kv}` is not key=value");
        };
        let (k, val) = (k.trim(), val.trim());
        let num = |what: &str| -> Result<f64> {
            val.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .with_context(|| format!("{origin}: {what} `{val}` is not a number"))
        };
        match k {
            "code" => t.code = Some(val.into()),
            "name" => t.name = Some(val.into()),
            "pcn" => t.pcn = Some(val.into()),
            "list_size" => {
                t.list_size = Some(val.parse().with_context(|| {
                    format!("{origin}: list_size `{val}` is not a whole number ≥ 0")
                })?)
            }
            "lon" => t.lon = Some(num("lon")?),
            "lat" => t.lat = Some(num("lat")?),
            "easting" => t.easting = Some(num("easting")?),
            "northing" => t.northing = Some(num("northing")?),
            "postcode" => t.postcode = Some(val.into()),
            _ => bail!(
                "{origin}: unknown key `{k}` (expected code, name, pcn, list_size, lon, lat, easting, northing, postcode)"
            ),
        }
    }
    Ok(EditAt {
        edit: Edit::AddPractice(t.into_new(&origin)?),
        origin,
    })
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AddPracticeT {
    code: Option<String>,
    name: Option<String>,
    pcn: Option<String>,
    list_size: Option<u64>,
    lon: Option<f64>,
    lat: Option<f64>,
    easting: Option<f64>,
    northing: Option<f64>,
    postcode: Option<String>,
}

impl AddPracticeT {
    fn into_new(self, origin: &str) -> Result<NewPractice> {
        let need = |v: Option<String>, k: &str| -> Result<String> {
            v.filter(|s| !s.trim().is_empty())
                .map(|s| s.trim().to_string())
                .with_context(|| format!("{origin}: add-practice needs `{k}`"))
        };
        let location = match (
            self.lon,
            self.lat,
            self.easting,
            self.northing,
            self.postcode,
        ) {
            (Some(lon), Some(lat), None, None, None) => NewLocation::LonLat { lon, lat },
            (None, None, Some(easting), Some(northing), None) => {
                NewLocation::EastingNorthing { easting, northing }
            }
            (None, None, None, None, Some(pc)) => NewLocation::Postcode(pc),
            _ => bail!(
                "{origin}: add-practice needs exactly one location: lon and lat, or easting and northing, or postcode"
            ),
        };
        Ok(NewPractice {
            code: need(self.code, "code")?,
            name: need(self.name, "name")?,
            pcn: need(self.pcn, "pcn")?,
            list_size: self
                .list_size
                .with_context(|| format!("{origin}: add-practice needs `list_size`"))?,
            location,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MovePracticeT {
    practice: String,
    to: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MoveAreaT {
    area: String,
    to: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClosePracticeT {
    practice: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MergeT {
    pcns: Vec<String>,
    code: Option<String>,
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EditsFile {
    #[serde(default)]
    move_practice: Vec<toml::Spanned<MovePracticeT>>,
    #[serde(default)]
    move_area: Vec<toml::Spanned<MoveAreaT>>,
    #[serde(default)]
    add_practice: Vec<toml::Spanned<AddPracticeT>>,
    #[serde(default)]
    close_practice: Vec<toml::Spanned<ClosePracticeT>>,
    #[serde(default)]
    merge: Vec<toml::Spanned<MergeT>>,
}

fn line_of(text: &str, span: &Range<usize>) -> usize {
    text[..span.start.min(text.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

/// Read an edits file (TOML). Edits apply in the order they appear in the
/// file, whatever their kind; each is named by the line of its `[[...]]`
/// header.
pub fn load_edits_file(path: &Path) -> Result<Vec<EditAt>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read the edits file", path.display()))?;
    parse_edits_toml(&text, &path.display().to_string())
}

/// Parse the text of an edits file; `name` is used in messages.
pub fn parse_edits_toml(text: &str, name: &str) -> Result<Vec<EditAt>> {
    let f: EditsFile = toml::from_str(text)
        .map_err(|e| crate::roads::profile::toml_error(Path::new(name), text, &e))?;
    let mut out: Vec<(usize, EditAt)> = Vec::new();
    let at = |span: &Range<usize>| (span.start, format!("{name} line {}", line_of(text, span)));
    for m in f.move_practice {
        let (start, origin) = at(&m.span());
        let m = m.into_inner();
        out.push((
            start,
            EditAt {
                edit: Edit::MovePractice {
                    practice: m.practice.trim().into(),
                    to_pcn: m.to.trim().into(),
                },
                origin,
            },
        ));
    }
    for m in f.move_area {
        let (start, origin) = at(&m.span());
        let m = m.into_inner();
        out.push((
            start,
            EditAt {
                edit: Edit::MoveArea {
                    area: m.area.trim().into(),
                    to_pcn: m.to.trim().into(),
                },
                origin,
            },
        ));
    }
    for m in f.add_practice {
        let (start, origin) = at(&m.span());
        let edit = Edit::AddPractice(m.into_inner().into_new(&origin)?);
        out.push((start, EditAt { edit, origin }));
    }
    for m in f.close_practice {
        let (start, origin) = at(&m.span());
        out.push((
            start,
            EditAt {
                edit: Edit::ClosePractice {
                    practice: m.into_inner().practice.trim().into(),
                },
                origin,
            },
        ));
    }
    for m in f.merge {
        let (start, origin) = at(&m.span());
        let m = m.into_inner();
        if m.pcns.len() < 2 {
            bail!("{origin}: merge needs at least two PCN codes in `pcns`");
        }
        out.push((
            start,
            EditAt {
                edit: Edit::Merge {
                    pcns: m.pcns.iter().map(|s| s.trim().to_string()).collect(),
                    code: m.code.map(|s| s.trim().to_string()),
                    name: m.name.map(|s| s.trim().to_string()),
                },
                origin,
            },
        ));
    }
    out.sort_by_key(|(s, _)| *s);
    Ok(out.into_iter().map(|(_, e)| e).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse() {
        let e = parse_move_practice("D80010=U00001").unwrap();
        assert_eq!(
            e.edit,
            Edit::MovePractice {
                practice: "D80010".into(),
                to_pcn: "U00001".into()
            }
        );
        assert_eq!(e.origin, "--move-practice D80010=U00001");
        assert!(parse_move_area("E01900132").is_err());
        let m = parse_merge("U1,U2=U9:NEW PCN").unwrap();
        assert_eq!(
            m.edit,
            Edit::Merge {
                pcns: vec!["U1".into(), "U2".into()],
                code: Some("U9".into()),
                name: Some("NEW PCN".into())
            }
        );
        assert!(parse_merge("U1").is_err());
        let a = parse_add_practice("code=X1,name=NEW,pcn=U1,list_size=100,easting=1,northing=2")
            .unwrap();
        assert_eq!(
            a.edit,
            Edit::AddPractice(NewPractice {
                code: "X1".into(),
                name: "NEW".into(),
                pcn: "U1".into(),
                list_size: 100,
                location: NewLocation::EastingNorthing {
                    easting: 1.0,
                    northing: 2.0
                }
            })
        );
        let err = parse_add_practice("code=X1,name=NEW,pcn=U1,list_size=many,lon=1,lat=2")
            .unwrap_err()
            .to_string();
        assert!(err.contains("list_size `many`"), "{err}");
        let err = parse_add_practice("code=X1,name=NEW,pcn=U1,list_size=5")
            .unwrap_err()
            .to_string();
        assert!(err.contains("exactly one location"), "{err}");
    }

    #[test]
    fn toml_file_keeps_file_order_and_lines() {
        let text = "\
[[close_practice]]
practice = \"P9\"

[[move_practice]]
practice = \"P1\"
to = \"U2\"

[[close_practice]]
practice = \"P8\"
";
        let e = parse_edits_toml(text, "e.toml").unwrap();
        let got: Vec<(String, String)> = e
            .iter()
            .map(|x| (x.edit.describe(), x.origin.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("close-practice P9".to_string(), "e.toml line 1".to_string()),
                (
                    "move-practice P1=U2".to_string(),
                    "e.toml line 4".to_string()
                ),
                ("close-practice P8".to_string(), "e.toml line 8".to_string()),
            ]
        );
        let err = parse_edits_toml("[[move_practice]]\npractice = \"P1\"\n", "e.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("e.toml") && err.contains("to"), "{err}");
    }
}
