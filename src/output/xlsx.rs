//! `pcn-atlas.xlsx`: the run as one Excel workbook, for planners who live
//! in spreadsheets. Sheets: Summary (one row per PCN, `pcn_summary.csv`'s
//! columns under human titles with units), Findings (`findings.csv`'s rows
//! with the network, practice and area in their own columns, severity
//! coloured), Practices, Staff matrices (`analyse` only: one square block
//! of drive minutes per network), ICB roll-up (when the dataset has ICBs)
//! and About (tool, version, command, inputs, vintages, parameters).
//!
//! Every text cell is written with `write_string`, which stores a string
//! and never a formula, so names beginning `=`, `+`, `-` or `@` stay text.
//! The bytes are the same for the same inputs: the document's creation
//! date is fixed ([`CREATED`]), the zip entries carry rust_xlsxwriter's
//! constant 1980-01-01 time, and no clock or temporary path is written.
//! Every sheet and column: docs/output.md.

use super::check::RunInfo;
use super::findings_table::{FindingRow, finding_rows};
use super::icb_summary::{IcbRow, icb_rows};
use super::pcn_summary::summary_rows;
use super::staff_matrix::{StaffBlock, staff_blocks};
use super::table;
use crate::findings::Finding;
use crate::model::InputFile;
use crate::pipeline::Run;
use anyhow::Result;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet,
};
use serde::Serialize;

/// The document's fixed creation date (year, month, day): a constant, so
/// the same run gives the same bytes.
pub const CREATED: (u16, u8, u8) = (2000, 1, 1);

/// Excel's longest text cell, in characters.
const MAX_TEXT: usize = 32_767;

/// How a column's cells are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Text,
    /// Whole numbers, `#,##0`.
    Count,
    /// A share 0–1 shown as a percentage, `0.0%`.
    Share,
    /// Minutes (or km²), one decimal.
    Dec1,
    /// Accessibility scores, four decimals.
    Dec4,
    /// `true`/`false` as Excel booleans.
    Bool,
    /// `error`/`warning`/`info`, coloured.
    Severity,
    /// A column this table does not know (added since): a number when it
    /// parses as one, else text.
    Auto,
}

/// The title and kind of each `pcn_summary.csv` column.
const SUMMARY: &[(&str, &str, Kind)] = &[
    ("pcn_code", "PCN code", Kind::Text),
    ("pcn_name", "PCN name", Kind::Text),
    ("practices", "Practices", Kind::Count),
    ("list_size", "Registered patients", Kind::Count),
    ("resident_population", "Resident population", Kind::Count),
    ("band", "Population band", Kind::Text),
    ("rural_share", "Rural share (%)", Kind::Share),
    ("sparse_share", "Sparse share (%)", Kind::Share),
    ("share_basis", "Shares weighted by", Kind::Text),
    ("areas", "Areas (LSOAs)", Kind::Count),
    ("area_km2", "Area (km²)", Kind::Dec1),
    ("components", "Footprint pieces", Kind::Count),
    ("contiguous", "Contiguous", Kind::Bool),
    ("hub_practice", "Hub", Kind::Text),
    (
        "staff_max_min",
        "Staff: hub to farthest practice (min)",
        Kind::Dec1,
    ),
    (
        "staff_tour_min",
        "Staff: tour of all practices (min)",
        Kind::Dec1,
    ),
    (
        "patients_mean_min_to_practice",
        "Patients' mean drive to practice (min)",
        Kind::Dec1,
    ),
    (
        "patients_p90_min_to_hub",
        "Patients' 90th percentile drive to hub (min)",
        Kind::Dec1,
    ),
    (
        "patients_share_over_30_min_to_hub",
        "Patients over 30 min from hub (%)",
        Kind::Share,
    ),
    ("centre_practice", "Centre (1-centre) site", Kind::Text),
    (
        "staff_mean_min",
        "Staff: list-weighted mean hub to practice (min)",
        Kind::Dec1,
    ),
    ("visits_per_day", "Practice visits per day", Kind::Count),
    (
        "patients_p90_min_to_practice",
        "Patients' 90th percentile drive to practice (min)",
        Kind::Dec1,
    ),
    (
        "patients_excess_mean_min",
        "Patients' mean extra drive past nearest practice (min)",
        Kind::Dec1,
    ),
    (
        "patients_mean_min_to_hub",
        "Patients' mean drive to hub (min)",
        Kind::Dec1,
    ),
    (
        "staff_max_min_slow",
        "Staff: hub to farthest practice, slower roads (min)",
        Kind::Dec1,
    ),
    (
        "staff_tour_min_slow",
        "Staff: tour of all practices, slower roads (min)",
        Kind::Dec1,
    ),
    (
        "patients_p90_min_to_hub_slow",
        "Patients' 90th percentile drive to hub, slower roads (min)",
        Kind::Dec1,
    ),
    ("flags", "Findings", Kind::Text),
    ("access_2sfca_mean", "Access 2SFCA: mean", Kind::Dec4),
    (
        "access_2sfca_p10",
        "Access 2SFCA: 10th percentile",
        Kind::Dec4,
    ),
    ("access_e2sfca_mean", "Access E2SFCA: mean", Kind::Dec4),
    (
        "access_e2sfca_p10",
        "Access E2SFCA: 10th percentile",
        Kind::Dec4,
    ),
    ("access_gravity_mean", "Access gravity: mean", Kind::Dec4),
    (
        "access_gravity_p10",
        "Access gravity: 10th percentile",
        Kind::Dec4,
    ),
    ("sub_icb_code", "Sub-ICB code", Kind::Text),
    ("sub_icb_name", "Sub-ICB location", Kind::Text),
    ("icb_code", "ICB code", Kind::Text),
    ("icb_name", "ICB", Kind::Text),
    ("region_code", "Region code", Kind::Text),
    (
        "share_patients_other_network_nearer",
        "Patients with another network's practice nearer (%)",
        Kind::Share,
    ),
    (
        "areas_other_network_nearer",
        "Areas with another network's practice nearer",
        Kind::Count,
    ),
    // With --gtfs only (docs/public-transport.md).
    ("pt_patients", "Bus: patients counted", Kind::Count),
    (
        "pt_median_min_to_practice",
        "Bus & walk to practice: median (min)",
        Kind::Dec1,
    ),
    (
        "pt_p90_min_to_practice",
        "Bus & walk to practice: 90th percentile (min)",
        Kind::Dec1,
    ),
    (
        "pt_share_no_journey_60_min_to_practice",
        "No bus journey to practice within 60 min (%)",
        Kind::Share,
    ),
    (
        "pt_share_no_journey_90_min_to_practice",
        "No bus journey to practice within 90 min (%)",
        Kind::Share,
    ),
    (
        "pt_median_min_to_hub",
        "Bus & walk to hub: median (min)",
        Kind::Dec1,
    ),
    (
        "pt_p90_min_to_hub",
        "Bus & walk to hub: 90th percentile (min)",
        Kind::Dec1,
    ),
    (
        "pt_share_no_journey_60_min_to_hub",
        "No bus journey to hub within 60 min (%)",
        Kind::Share,
    ),
    (
        "pt_share_no_journey_90_min_to_hub",
        "No bus journey to hub within 90 min (%)",
        Kind::Share,
    ),
    (
        "pt_share_no_journey_burden_to_hub",
        "No bus journey to hub within the burden limit (%)",
        Kind::Share,
    ),
    (
        "pt_car_ratio_to_practice",
        "Bus ÷ car to practice (medians)",
        Kind::Dec1,
    ),
    (
        "pt_car_ratio_to_hub",
        "Bus ÷ car to hub (medians)",
        Kind::Dec1,
    ),
    (
        "pt_patients_unwalkable",
        "Bus: patients beyond the walking network",
        Kind::Count,
    ),
];

/// The Findings sheet's columns.
const FINDINGS: &[(&str, &str, Kind)] = &[
    ("severity", "Severity", Kind::Severity),
    ("code", "Code", Kind::Text),
    ("label", "Finding", Kind::Text),
    ("scope", "About a", Kind::Text),
    ("subject", "Subject", Kind::Text),
    ("pcn_code", "PCN code", Kind::Text),
    ("pcn_name", "PCN name", Kind::Text),
    ("practice_code", "Practice code", Kind::Text),
    ("area_code", "Area code", Kind::Text),
    ("detail", "Detail", Kind::Text),
];

/// The Practices sheet's columns.
const PRACTICES: &[(&str, &str, Kind)] = &[
    ("practice_code", "Practice code", Kind::Text),
    ("practice_name", "Practice name", Kind::Text),
    ("pcn_code", "PCN code", Kind::Text),
    ("pcn_name", "PCN name", Kind::Text),
    ("list_size", "Registered patients", Kind::Count),
    ("postcode", "Postcode", Kind::Text),
    ("area_code", "Area code (LSOA)", Kind::Text),
    ("inside_footprint", "Inside its PCN's footprint", Kind::Bool),
    ("sub_icb_code", "Sub-ICB code", Kind::Text),
    ("sub_icb_name", "Sub-ICB location", Kind::Text),
    ("icb_code", "ICB code", Kind::Text),
    ("icb_name", "ICB", Kind::Text),
    ("region_code", "Region code", Kind::Text),
];

/// The ICB roll-up sheet's columns (`icb_summary.csv`'s).
const ICBS: &[(&str, &str, Kind)] = &[
    ("level", "Level", Kind::Text),
    ("code", "Code", Kind::Text),
    ("name", "Name", Kind::Text),
    ("icb_code", "ICB code", Kind::Text),
    ("networks", "PCNs", Kind::Count),
    ("practices", "Practices", Kind::Count),
    ("patients", "Registered patients", Kind::Count),
    ("below_band", "PCNs below band", Kind::Count),
    ("within_band", "PCNs within band", Kind::Count),
    ("above_band", "PCNs above band", Kind::Count),
    ("non_contiguous", "Non-contiguous PCNs", Kind::Count),
    ("rural", "Rural PCNs", Kind::Count),
    ("waiver_candidates", "Rural waiver candidates", Kind::Count),
    ("drive_time_findings", "Drive-time findings", Kind::Count),
    ("worst_networks", "PCNs with most findings", Kind::Text),
];

/// The Sites sheet's columns (with sites only: `sites.geojson`'s).
const SITES: &[(&str, &str, Kind)] = &[
    ("site_code", "Site code", Kind::Text),
    ("site_name", "Site name", Kind::Text),
    ("kind", "Main site or branch", Kind::Text),
    ("practice_code", "Practice code", Kind::Text),
    ("practice_name", "Practice name", Kind::Text),
    ("pcn_code", "PCN code", Kind::Text),
    ("postcode", "Postcode", Kind::Text),
    ("routable", "Snapped to the roads", Kind::Bool),
    ("patients", "Patients served", Kind::Count),
    ("is_hub", "Network hub", Kind::Bool),
    ("tour_stop", "Staff tour stop", Kind::Bool),
];

/// One row of the Sites sheet.
#[derive(Debug, Default, Serialize)]
struct SiteSheetRow<'a> {
    site_code: &'a str,
    site_name: &'a str,
    kind: &'a str,
    practice_code: &'a str,
    practice_name: &'a str,
    pcn_code: &'a str,
    postcode: &'a str,
    routable: Option<bool>,
    patients: Option<u64>,
    is_hub: Option<bool>,
    tour_stop: Option<bool>,
}

/// One row of the Practices sheet.
#[derive(Debug, Default, Serialize)]
struct PracticeRow<'a> {
    practice_code: &'a str,
    practice_name: &'a str,
    pcn_code: &'a str,
    pcn_name: &'a str,
    list_size: Option<u64>,
    postcode: &'a str,
    area_code: &'a str,
    inside_footprint: Option<bool>,
    sub_icb_code: &'a str,
    sub_icb_name: &'a str,
    icb_code: &'a str,
    icb_name: &'a str,
    region_code: &'a str,
}

/// The formats of the workbook, made once.
struct Formats {
    header: Format,
    title: Format,
    count: Format,
    share: Format,
    dec1: Format,
    dec4: Format,
    error: Format,
    warning: Format,
    info: Format,
    wrap: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color(Color::RGB(0xD9E1F2)),
            title: Format::new().set_bold().set_font_size(12),
            count: Format::new().set_num_format("#,##0"),
            share: Format::new().set_num_format("0.0%"),
            dec1: Format::new().set_num_format("0.0"),
            dec4: Format::new().set_num_format("0.0000"),
            error: Format::new()
                .set_font_color(Color::RGB(0x9C0006))
                .set_background_color(Color::RGB(0xFFC7CE)),
            warning: Format::new()
                .set_font_color(Color::RGB(0x9C5700))
                .set_background_color(Color::RGB(0xFFEB9C)),
            info: Format::new()
                .set_font_color(Color::RGB(0x1F4E78))
                .set_background_color(Color::RGB(0xDDEBF7)),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
        }
    }
}

/// Text as Excel takes it: at most [`MAX_TEXT`] characters.
fn text(s: &str) -> &str {
    match s.char_indices().nth(MAX_TEXT) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// The workbook of a run, as bytes.
pub fn workbook(run: &Run, findings: &[Finding], info: &RunInfo) -> Result<Vec<u8>> {
    let ds = &run.ds;
    let drive = run.drive.as_ref();
    let f = Formats::new();
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(CREATED.0, CREATED.1, CREATED.2)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title("pcn-atlas results")
            .set_author("pcn-atlas")
            .set_creation_datetime(&created),
    );

    let rows = summary_rows(ds, &run.check.pcns, drive);
    let mut fields = table::header::<super::pcn_summary::SummaryRow>()?;
    let mut cells = table::cells(&rows)?;
    // With --gtfs, the public-transport columns of pcn_summary.csv too.
    if let Some(pt) = drive.and_then(|d| d.transit.as_ref()) {
        let (head, more) = super::transit::pt_cells(pt)?;
        fields.extend(head);
        for (row, extra) in cells.iter_mut().zip(more) {
            row.extend(extra);
        }
    }
    cells_sheet(
        wb.add_worksheet(),
        "Summary",
        (&fields, &cells),
        SUMMARY,
        2,
        &f,
    )?;

    let rows = finding_rows(ds, findings);
    table_sheet::<FindingRow>(wb.add_worksheet(), "Findings", &rows, FINDINGS, 0, &f)?;

    let rows = practice_rows(run);
    table_sheet(wb.add_worksheet(), "Practices", &rows, PRACTICES, 1, &f)?;

    if ds.sites_given {
        let sites = super::sites::sites(ds, drive);
        let rows: Vec<SiteSheetRow> = sites
            .iter()
            .map(|x| {
                let p = ds.practice(x.practice);
                SiteSheetRow {
                    site_code: x.code,
                    site_name: x.name,
                    kind: x.kind.as_str(),
                    practice_code: &p.code,
                    practice_name: &p.name,
                    pcn_code: p.pcn.map_or("", |q| ds.pcn(q).code.as_str()),
                    postcode: x.postcode.unwrap_or(""),
                    routable: x.routable,
                    patients: x.patients,
                    is_hub: x.is_hub,
                    tour_stop: x.tour_stop,
                }
            })
            .collect();
        table_sheet(wb.add_worksheet(), "Sites", &rows, SITES, 1, &f)?;
    }

    if let Some(d) = drive {
        staff_sheet(wb.add_worksheet(), &staff_blocks(ds, d), &f)?;
    }

    if ds.pcns.iter().any(|p| !p.org.icb_code.is_empty()) {
        let rows = icb_rows(ds, &run.check.pcns, drive);
        table_sheet::<IcbRow>(wb.add_worksheet(), "ICB roll-up", &rows, ICBS, 3, &f)?;
    }

    about_sheet(wb.add_worksheet(), run, info, &f)?;
    Ok(wb.save_to_buffer()?)
}

/// The Practices sheet's rows, by practice code.
fn practice_rows(run: &Run) -> Vec<PracticeRow<'_>> {
    let (ds, res) = (&run.ds, &run.check);
    let mut order: Vec<usize> = (0..ds.practices.len()).collect();
    order.sort_by(|&a, &b| ds.practices[a].code.cmp(&ds.practices[b].code));
    order
        .into_iter()
        .map(|i| {
            let p = &ds.practices[i];
            let area = res.practice_area[i];
            PracticeRow {
                practice_code: &p.code,
                practice_name: &p.name,
                pcn_code: p.pcn.map_or("", |q| ds.pcn(q).code.as_str()),
                pcn_name: p.pcn.map_or("", |q| ds.pcn(q).name.as_str()),
                list_size: p.list_size,
                postcode: p.postcode.as_deref().unwrap_or(""),
                area_code: area.map_or("", |a| ds.area(a).code.as_str()),
                inside_footprint: super::check::inside_footprint(res, p, area),
                sub_icb_code: &p.org.sub_icb_code,
                sub_icb_name: &p.org.sub_icb_name,
                icb_code: &p.org.icb_code,
                icb_name: &p.org.icb_name,
                region_code: &p.org.region_code,
            }
        })
        .collect()
}

/// A sheet of `rows` (a CSV row type): a bold header row of the titles in
/// `columns` (a serialised field not listed there keeps its name and comes
/// last), frozen with the first `freeze_cols` columns; an autofilter; each
/// cell by its column's [`Kind`]; widths that fit.
fn table_sheet<T: Serialize + Default>(
    ws: &mut Worksheet,
    name: &str,
    rows: &[T],
    columns: &[(&str, &str, Kind)],
    freeze_cols: u16,
    f: &Formats,
) -> Result<()> {
    let fields = table::header::<T>()?;
    let cells = table::cells(rows)?;
    cells_sheet(ws, name, (&fields, &cells), columns, freeze_cols, f)
}

/// [`table_sheet`] from a header and its rows of cells.
fn cells_sheet(
    ws: &mut Worksheet,
    name: &str,
    (fields, cells): (&[String], &[Vec<String>]),
    columns: &[(&str, &str, Kind)],
    freeze_cols: u16,
    f: &Formats,
) -> Result<()> {
    ws.set_name(name)?;
    // Listed columns in their order, then any field not listed.
    let mut order: Vec<(usize, String, Kind)> = columns
        .iter()
        .filter_map(|(field, title, kind)| {
            let i = fields.iter().position(|x| x == field)?;
            Some((i, title.to_string(), *kind))
        })
        .collect();
    for (i, field) in fields.iter().enumerate() {
        if !columns.iter().any(|(c, _, _)| c == field) {
            order.push((i, field.clone(), Kind::Auto));
        }
    }
    for (c, (i, title, kind)) in order.iter().enumerate() {
        let col = u16::try_from(c)?;
        ws.write_string_with_format(0, col, title, &f.header)?;
        let mut width = title
            .split_whitespace()
            .map(|w| w.chars().count())
            .max()
            .unwrap_or(0)
            .max(6);
        for (r, row) in cells.iter().enumerate() {
            let r = u32::try_from(r + 1)?;
            let v = row.get(*i).map_or("", String::as_str);
            width = width.max(cell(ws, r, col, v, *kind, f)?);
        }
        ws.set_column_width(col, (width.min(60) + 2) as f64)?;
    }
    ws.set_row_height(0, 45)?;
    ws.set_freeze_panes(1, freeze_cols)?;
    if !order.is_empty() {
        ws.autofilter(
            0,
            0,
            u32::try_from(cells.len())?,
            u16::try_from(order.len() - 1)?,
        )?;
    }
    Ok(())
}

/// Write one cell; returns its width in characters as shown.
fn cell(ws: &mut Worksheet, r: u32, c: u16, v: &str, kind: Kind, f: &Formats) -> Result<usize> {
    if v.is_empty() {
        return Ok(0);
    }
    let num = v.parse::<f64>().ok().filter(|x| x.is_finite());
    let fmt = match kind {
        Kind::Count => Some(&f.count),
        Kind::Share => Some(&f.share),
        Kind::Dec1 => Some(&f.dec1),
        Kind::Dec4 => Some(&f.dec4),
        Kind::Auto => None,
        Kind::Bool => {
            if let Ok(b) = v.parse::<bool>() {
                ws.write_boolean(r, c, b)?;
                return Ok(5);
            }
            None
        }
        Kind::Text | Kind::Severity => {
            let fmt = match (kind, v) {
                (Kind::Severity, "error") => Some(&f.error),
                (Kind::Severity, "warning") => Some(&f.warning),
                (Kind::Severity, "info") => Some(&f.info),
                _ => None,
            };
            return string(ws, r, c, v, fmt);
        }
    };
    match num {
        Some(x) => {
            match fmt {
                Some(fmt) => ws.write_number_with_format(r, c, x, fmt)?,
                None => ws.write_number(r, c, x)?,
            };
            // Shown width: the digits with thousands separators or a %.
            Ok(v.len() + v.len() / 3 + 1)
        }
        None => string(ws, r, c, v, None),
    }
}

/// Write text (never a formula); returns its width in characters.
fn string(ws: &mut Worksheet, r: u32, c: u16, v: &str, fmt: Option<&Format>) -> Result<usize> {
    let v = text(v);
    match fmt {
        Some(fmt) => ws.write_string_with_format(r, c, v, fmt)?,
        None => ws.write_string(r, c, v)?,
    };
    Ok(v.chars().count())
}

/// The Staff matrices sheet: per network a title row, a row of the
/// destination codes and one of their names, then one row per origin
/// (code, name, minutes to each column); a blank row between networks.
fn staff_sheet(ws: &mut Worksheet, blocks: &[StaffBlock], f: &Formats) -> Result<()> {
    ws.set_name("Staff matrices")?;
    let mut r: u32 = 0;
    let mut widest = 0;
    let mut name_width = 10;
    for b in blocks {
        let hub = b
            .hub
            .as_deref()
            .map_or_else(|| "no hub".to_string(), |h| format!("hub {h}"));
        let title = format!(
            "{} {} ({hub}): drive minutes from the row's site to the column's",
            b.pcn_code, b.pcn_name
        );
        ws.write_string_with_format(r, 0, text(&title), &f.title)?;
        ws.write_string_with_format(r + 1, 0, "From code", &f.header)?;
        ws.write_string_with_format(r + 1, 1, "From name", &f.header)?;
        ws.write_string_with_format(r + 2, 1, "To →", &f.header)?;
        let n = b.sites.len();
        widest = widest.max(n);
        for (j, (code, name)) in b.sites.iter().enumerate() {
            let c = u16::try_from(j + 2)?;
            ws.write_string_with_format(r + 1, c, text(code), &f.header)?;
            ws.write_string_with_format(r + 2, c, text(name), &f.wrap)?;
        }
        for (i, (code, name)) in b.sites.iter().enumerate() {
            let row = r + 3 + u32::try_from(i)?;
            ws.write_string(row, 0, text(code))?;
            ws.write_string(row, 1, text(name))?;
            name_width = name_width.max(name.chars().count());
            for j in 0..n {
                if let Some(m) = b.minutes[i * n + j] {
                    let c = u16::try_from(j + 2)?;
                    ws.write_number_with_format(row, c, super::drive::min2(m), &f.dec1)?;
                }
            }
        }
        r += 3 + u32::try_from(n)? + 1;
    }
    ws.set_column_width(0, 12)?;
    ws.set_column_width(1, (name_width.min(50) + 2) as f64)?;
    for j in 0..widest {
        ws.set_column_width(u16::try_from(j + 2)?, 14)?;
    }
    Ok(())
}

/// The About sheet: what made the workbook, from what, with which
/// parameters. No date or clock time (the same run gives the same bytes).
fn about_sheet(ws: &mut Worksheet, run: &Run, info: &RunInfo, f: &Formats) -> Result<()> {
    ws.set_name("About")?;
    let ds = &run.ds;
    let mut r: u32 = 0;
    let pair = |ws: &mut Worksheet, r: &mut u32, k: &str, v: &str| -> Result<()> {
        ws.write_string_with_format(*r, 0, k, &f.header)?;
        ws.write_string_with_format(*r, 1, text(v), &f.wrap)?;
        *r += 1;
        Ok(())
    };
    ws.write_string_with_format(r, 0, "pcn-atlas results", &f.title)?;
    r += 2;
    pair(ws, &mut r, "Tool", "pcn-atlas")?;
    pair(ws, &mut r, "Version", &info.version)?;
    pair(ws, &mut r, "Command", &info.command)?;
    if let Some(v) = crate::load::sources::vintage_line(ds) {
        pair(ws, &mut r, "Data vintages", &v)?;
    }
    if let Some(s) = ds.list_size_source.as_deref() {
        pair(ws, &mut r, "List sizes from", s)?;
    }
    pair(
        ws,
        &mut r,
        "Footprint rule",
        &run.check.footprints.rule_description(ds),
    )?;
    r += 1;
    r = inputs(ws, r, "Inputs", &ds.inputs, f)?;
    if !ds.sources.is_empty() {
        r = inputs(ws, r, "Imported from", &ds.sources, f)?;
    }
    ws.write_string_with_format(r, 0, "Parameters", &f.title)?;
    r += 1;
    let mut params = Vec::new();
    flatten(
        "check",
        &serde_json::to_value(&run.check.options)?,
        &mut params,
    );
    if let Some(d) = &run.drive {
        flatten("drive", &serde_json::to_value(&d.run.options)?, &mut params);
    }
    for (k, v) in params {
        pair(ws, &mut r, &k, &v)?;
    }
    // Fixed widths: paths and the command differ between machines, and a
    // width fitted to them would too.
    for (c, w) in [
        (0, 28.0),
        (1, 90.0),
        (2, 50.0),
        (3, 12.0),
        (4, 10.0),
        (5, 66.0),
    ] {
        ws.set_column_width(c, w)?;
    }
    Ok(())
}

/// A table of input files under a title; returns the next free row.
fn inputs(
    ws: &mut Worksheet,
    mut r: u32,
    title: &str,
    files: &[InputFile],
    f: &Formats,
) -> Result<u32> {
    ws.write_string_with_format(r, 0, title, &f.title)?;
    r += 1;
    for (c, h) in ["Role", "Path", "Product", "Edition", "Rows", "SHA-256"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(r, u16::try_from(c)?, *h, &f.header)?;
    }
    r += 1;
    for i in files {
        ws.write_string(r, 0, text(&i.role))?;
        ws.write_string_with_format(r, 1, text(&i.path), &f.wrap)?;
        if let Some(p) = &i.product {
            ws.write_string_with_format(r, 2, text(p), &f.wrap)?;
        }
        if let Some(e) = &i.edition {
            ws.write_string(r, 3, e.to_string())?;
        }
        ws.write_number_with_format(r, 4, i.rows as f64, &f.count)?;
        ws.write_string(r, 5, text(&i.sha256))?;
        r += 1;
    }
    Ok(r + 1)
}

/// `prefix.key.key = value` for every leaf of a JSON value, in its order.
fn flatten(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                flatten(&format!("{prefix}.{k}"), v, out);
            }
        }
        serde_json::Value::Array(a) => {
            let parts: Vec<String> = a
                .iter()
                .map(|x| match x {
                    serde_json::Value::String(s) => s.clone(),
                    x => x.to_string(),
                })
                .collect();
            out.push((prefix.to_string(), parts.join(", ")));
        }
        serde_json::Value::String(s) => out.push((prefix.to_string(), s.clone())),
        serde_json::Value::Null => out.push((prefix.to_string(), String::new())),
        x => out.push((prefix.to_string(), x.to_string())),
    }
}
