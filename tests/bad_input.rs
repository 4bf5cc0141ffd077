//! Every kind of bad input gives exit code 2 and one line on stderr naming
//! the file, the line or feature, and the value — never a panic.

mod common;
use common::{assert_one_line_error, folder, pcn_atlas};

const AREAS: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"area_code":"E01000001","population":1500,"ruc":"C1"},
 "geometry":{"type":"Polygon","coordinates":[[[-0.76,52.62],[-0.75,52.62],[-0.75,52.63],[-0.76,52.63],[-0.76,52.62]]]}},
{"type":"Feature","properties":{"area_code":"E01000002","population":"1,954","ruc":"E1"},
 "geometry":{"type":"Polygon","coordinates":[[[-0.75,52.62],[-0.74,52.62],[-0.74,52.63],[-0.75,52.63],[-0.75,52.62]]]}}
]}"#;
const PRACTICES: &str = "practice_code,practice_name,pcn_code,pcn_name,list_size,lon,lat\n\
P1,ONE,U1,PCN ONE,1000,-0.755,52.625\n\
P2,TWO,U1,PCN ONE,2000,-0.745,52.625\n";

/// Run `validate` on a dataset with one file replaced, expecting exit 2 and
/// an error containing every `needle`.
fn expect_error(replace: (&str, &str), needles: &[&str]) {
    let mut files = vec![("practices.csv", PRACTICES), ("areas.geojson", AREAS)];
    files.retain(|(n, _)| *n != replace.0);
    files.push(replace);
    let d = folder(&files);
    let r = pcn_atlas(d.path(), &["validate", "--dataset", "."]);
    assert_one_line_error(&r, needles);
}

#[test]
fn good_dataset_validates() {
    let d = folder(&[("practices.csv", PRACTICES), ("areas.geojson", AREAS)]);
    let r = pcn_atlas(d.path(), &["validate", "--dataset", "."]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("2 practices in 1 PCNs, 2 areas"),
        "{}",
        r.stdout
    );
}

#[test]
fn missing_column() {
    expect_error(
        ("practices.csv", "practice_code,pcn_code,lon\nP1,U1,-0.75\n"),
        &["practices.csv", "lat"],
    );
    expect_error(
        (
            "practices.csv",
            "code_of_practice,pcn_code,lon,lat\nP1,U1,-0.75,52.6\n",
        ),
        &[
            "practices.csv",
            "missing column `practice_code`",
            "code_of_practice",
        ],
    );
}

#[test]
fn bad_number() {
    expect_error(
        (
            "practices.csv",
            "practice_code,pcn_code,list_size,lon,lat\nP1,U1,12O0,-0.755,52.625\n",
        ),
        &["practices.csv:2", "list_size", "12O0"],
    );
    expect_error(
        (
            "practices.csv",
            "practice_code,pcn_code,list_size,lon,lat\nP1,U1,1200,west,52.625\n",
        ),
        &["practices.csv:2", "lon", "west"],
    );
}

#[test]
fn duplicate_code() {
    expect_error(
        (
            "practices.csv",
            "practice_code,pcn_code,list_size,lon,lat\nP1,U1,1,-0.755,52.625\nP1,U2,1,-0.755,52.625\n",
        ),
        &["practices.csv:3", "duplicate", "P1", "line 2"],
    );
    let dup = AREAS.replace("E01000002", "E01000001");
    assert_ne!(dup, AREAS);
    expect_error(
        ("areas.geojson", &dup),
        &["areas.geojson", "feature 2", "E01000001", "duplicate"],
    );
}

#[test]
fn swapped_or_foreign_coordinates() {
    expect_error(
        (
            "practices.csv",
            "practice_code,pcn_code,list_size,lon,lat\nP1,U1,1000,52.625,-0.755\n",
        ),
        &["practices.csv:2", "P1", "swapped", "52.625"],
    );
    expect_error(
        (
            "practices.csv",
            "practice_code,pcn_code,list_size,lon,lat\nP1,U1,1000,2.35,48.85\n",
        ),
        &["practices.csv:2", "outside Great Britain", "48.85"],
    );
    let swapped = AREAS.replace(
        "[[[-0.76,52.62],[-0.75,52.62],[-0.75,52.63],[-0.76,52.63],[-0.76,52.62]]]",
        "[[[52.62,-0.76],[52.62,-0.75],[52.63,-0.75],[52.63,-0.76],[52.62,-0.76]]]",
    );
    assert_ne!(swapped, AREAS);
    expect_error(
        ("areas.geojson", &swapped),
        &["areas.geojson", "feature 1", "E01000001", "swapped"],
    );
}

#[test]
fn invalid_or_empty_polygon() {
    let unclosed = AREAS.replace(
        ",[-0.76,52.63],[-0.76,52.62]]]}},",
        ",[-0.76,52.63],[-0.76,52.621]]]}},",
    );
    assert_ne!(unclosed, AREAS);
    expect_error(
        ("areas.geojson", &unclosed),
        &["feature 1", "E01000001", "not closed"],
    );
    let flat = AREAS.replace(
        "[[[-0.76,52.62],[-0.75,52.62],[-0.75,52.63],[-0.76,52.63],[-0.76,52.62]]]",
        "[[[-0.76,52.62],[-0.75,52.62],[-0.76,52.62],[-0.76,52.62]]]",
    );
    assert_ne!(flat, AREAS);
    expect_error(
        ("areas.geojson", &flat),
        &["feature 1", "E01000001", "empty polygon"],
    );
    let null = AREAS.replace(
        r#""geometry":{"type":"Polygon","coordinates":[[[-0.76,52.62],[-0.75,52.62],[-0.75,52.63],[-0.76,52.63],[-0.76,52.62]]]}"#,
        r#""geometry":null"#,
    );
    assert_ne!(null, AREAS);
    expect_error(
        ("areas.geojson", &null),
        &["feature 1", "E01000001", "no geometry"],
    );
    expect_error(
        (
            "areas.geojson",
            "{\"type\":\"FeatureCollection\",\"features\":[{]}",
        ),
        &["areas.geojson", "not valid GeoJSON", "line 1"],
    );
}

#[test]
fn bad_property_values() {
    let ruc = AREAS.replace("\"ruc\":\"E1\"", "\"ruc\":\"Z9\"");
    assert_ne!(ruc, AREAS);
    expect_error(("areas.geojson", &ruc), &["feature 2", "E01000002", "Z9"]);
    let pop = AREAS.replace("\"population\":1500", "\"population\":-5");
    assert_ne!(pop, AREAS);
    expect_error(("areas.geojson", &pop), &["feature 1", "population", "-5"]);
}

#[test]
fn unknown_codes_in_registrations_and_footprints() {
    expect_error(
        (
            "registrations.csv",
            "practice_code,area_code,patients\nP1,E01000001,10\nP1,W01000001,3\n",
        ),
        &["registrations.csv:3", "W01000001", "not in the areas file"],
    );
    expect_error(
        (
            "registrations.csv",
            "PRACTICE_CODE,LSOA_CODE,NUMBER_OF_PATIENTS\nP9,E01000001,10\n",
        ),
        &["registrations.csv:2", "P9", "not in the practices file"],
    );
    expect_error(
        ("footprints.csv", "area_code,pcn_code\nE01000001,U9\n"),
        &["footprints.csv:2", "U9"],
    );
}

#[test]
fn missing_files_and_folders() {
    let d = folder(&[("practices.csv", PRACTICES)]);
    let r = pcn_atlas(d.path(), &["validate", "--dataset", "."]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("areas.geojson"), "{}", r.stderr);
    let r = pcn_atlas(d.path(), &["validate", "--dataset", "nowhere"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("nowhere"), "{}", r.stderr);
}

/// Issue 13 item 11: a `links.csv` kind that is not a link kind is an
/// error naming the file, the line and the value (it used to be kept as
/// any text); known kinds in any case are accepted.
#[test]
fn unknown_link_kind() {
    expect_error(
        (
            "links.csv",
            "area_code_a,area_code_b,kind\nE01000001,E01000002,ferry\nE01000001,E01000002,hovercraft\n",
        ),
        &["links.csv:3", "`hovercraft`", "bridge, ferry"],
    );
    let d = folder(&[
        ("practices.csv", PRACTICES),
        ("areas.geojson", AREAS),
        (
            "links.csv",
            "area_code_a,area_code_b,kind\nE01000001,E01000002,Bridge\n",
        ),
    ]);
    let r = pcn_atlas(d.path(), &["validate", "--dataset", "."]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// Issue 13 item 11: `validate` prints every notice, not only the counts.
#[test]
fn validate_lists_every_notice() {
    let practices = format!("{PRACTICES}P3,THREE,,,500,-0.745,52.625\n");
    let d = folder(&[("practices.csv", &practices), ("areas.geojson", AREAS)]);
    let r = pcn_atlas(d.path(), &["validate", "--dataset", "."]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("  PRACTICE_WITHOUT_PCN: 1"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("  PRACTICE_WITHOUT_PCN P3: ") && l.contains("practices.csv:4")),
        "{}",
        r.stdout
    );
}
