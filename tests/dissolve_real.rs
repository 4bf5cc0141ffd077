//! Dissolve on the real ONS LSOA 2011 boundaries of England.
//!
//! Needs `PCN_ATLAS_DATA` (the shared data folder); skipped with a `SKIP:`
//! line when it is unset, failed when `PCN_ATLAS_REQUIRE_DATA=1`.

#[path = "support/lsoa.rs"]
mod lsoa_boundaries;

use std::collections::BTreeMap;

use geo::MultiPolygon;
use lsoa_boundaries::{Lsoa, data_dir, read_lsoa_boundaries};
use pcn_atlas::check::dissolve::{area_m2, dissolve, dissolve_groups, hole_count, make_valid};
use pcn_atlas::model::AreaId;

/// What we expect of one local authority's dissolve. The counts were read
/// off the data and checked against what the place is.
struct Expect {
    lad: &'static str,
    name: &'static str,
    lsoas: usize,
    parts: usize,
    holes: usize,
}

const EXPECT: &[Expect] = &[
    // One rural county, one PCN. Rutland Water is not a hole: the
    // generalised *clipped* boundaries are clipped to the coastline only, so
    // the reservoir lies inside the LSOAs around it.
    Expect {
        lad: "E06000017",
        name: "Rutland",
        lsoas: 23,
        parts: 1,
        holes: 0,
    },
    Expect {
        lad: "E09000001",
        name: "City of London",
        lsoas: 6,
        parts: 1,
        holes: 0,
    },
    // One LSOA of many islands and rocks.
    Expect {
        lad: "E06000053",
        name: "Isles of Scilly",
        lsoas: 1,
        parts: 58,
        holes: 0,
    },
    // Surrounds Cambridge: one hole of about 40.7 km², the city.
    Expect {
        lad: "E07000012",
        name: "South Cambridgeshire",
        lsoas: 96,
        parts: 1,
        holes: 1,
    },
    // Sheppey and smaller islands; LSOA E01024572 has a polygon nested in
    // another of its polygons (a hole written as a second polygon), filled
    // by a neighbouring LSOA: the dissolve must count it once.
    Expect {
        lad: "E07000113",
        name: "Swale",
        lsoas: 85,
        parts: 7,
        holes: 0,
    },
];

fn by_lad(lsoas: &[Lsoa]) -> BTreeMap<&str, Vec<AreaId>> {
    let mut m: BTreeMap<&str, Vec<AreaId>> = BTreeMap::new();
    for (i, l) in lsoas.iter().enumerate() {
        m.entry(l.lad_code.as_str())
            .or_default()
            .push(AreaId::from_idx(i));
    }
    m
}

fn assert_area_kept(what: &str, parts: &[&MultiPolygon<f64>], dissolved: &MultiPolygon<f64>) {
    // Each part's own area as make_valid reads it (a nested polygon is a
    // hole); the dissolve must neither lose nor double-count any of it.
    let parts_m2: f64 = parts.iter().map(|p| area_m2(&make_valid(p))).sum();
    let got_m2 = area_m2(dissolved);
    let rel = (got_m2 - parts_m2).abs() / parts_m2;
    assert!(
        rel <= 1e-6,
        "{what}: dissolved {got_m2} m² vs parts {parts_m2} m² (rel {rel:e})"
    );
}

#[test]
fn dissolve_real_local_authorities() {
    let Some(dir) = data_dir("dissolve_real_local_authorities") else {
        return;
    };
    let path = dir.join("england/lsoa11_boundaries.geojson");
    let lsoas = read_lsoa_boundaries(&path).unwrap();
    assert_eq!(lsoas.len(), 32_844);
    let groups = by_lad(&lsoas);

    for e in EXPECT {
        let ids = &groups[e.lad];
        let parts: Vec<&MultiPolygon<f64>> =
            ids.iter().map(|id| &lsoas[id.idx()].geometry).collect();
        let d = dissolve(&parts);
        eprintln!(
            "{} {} ({} LSOAs): {} part(s), {} hole(s), {:.3} km²",
            e.lad,
            e.name,
            ids.len(),
            d.0.len(),
            hole_count(&d),
            area_m2(&d) / 1e6
        );
        assert_eq!(ids.len(), e.lsoas, "{}", e.name);
        assert_eq!(d.0.len(), e.parts, "{} parts", e.name);
        assert_eq!(hole_count(&d), e.holes, "{} holes", e.name);
        assert_area_kept(e.name, &parts, &d);
    }

    // Cambridge (E07000008) fills South Cambridgeshire's hole.
    let both: Vec<&MultiPolygon<f64>> = groups["E07000012"]
        .iter()
        .chain(&groups["E07000008"])
        .map(|id| &lsoas[id.idx()].geometry)
        .collect();
    let d = dissolve(&both);
    assert_eq!((d.0.len(), hole_count(&d)), (1, 0));
    assert_area_kept("South Cambridgeshire + Cambridge", &both, &d);
}

#[test]
fn dissolve_real_all_local_authorities_deterministic() {
    let Some(dir) = data_dir("dissolve_real_all_local_authorities_deterministic") else {
        return;
    };
    let path = dir.join("england/lsoa11_boundaries.geojson");
    let lsoas = read_lsoa_boundaries(&path).unwrap();
    let geoms: Vec<MultiPolygon<f64>> = lsoas.iter().map(|l| l.geometry.clone()).collect();
    let groups: Vec<Vec<AreaId>> = by_lad(&lsoas).into_values().collect();
    let out = dissolve_groups(&geoms, &groups);
    let mut worst_rel = 0.0f64;
    for (g, d) in groups.iter().zip(&out) {
        let parts_m2: f64 = g
            .iter()
            .map(|id| area_m2(&make_valid(&geoms[id.idx()])))
            .sum();
        worst_rel = worst_rel.max((area_m2(d) - parts_m2).abs() / parts_m2);
    }
    let holes: usize = out.iter().map(hole_count).sum();
    let parts: usize = out.iter().map(|d| d.0.len()).sum();
    eprintln!(
        "{} local authorities: {parts} parts, {holes} holes, worst relative area difference {worst_rel:e}",
        groups.len()
    );
    assert!(worst_rel <= 1e-6);
    // The only hole left by default is Cambridge in South Cambridgeshire;
    // the 15 millimetre slivers are below the 0.1 m² threshold.
    assert_eq!(holes, 1);

    // Same output with every group's members reversed.
    let reversed: Vec<Vec<AreaId>> = groups
        .iter()
        .map(|g| g.iter().rev().copied().collect())
        .collect();
    assert!(dissolve_groups(&geoms, &reversed) == out);
}
