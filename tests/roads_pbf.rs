//! The PBF loader on a tiny hand-made `.osm.pbf`, written by the minimal
//! protobuf encoder below (uncompressed `raw` blobs, plain `Node`s) so the
//! clipped-extract cases have exact answers:
//!
//! - nodes 1 (-0.70, 52.60), 2 (-0.69, 52.60), 3 (-0.68, 52.60), 4 (-0.67, 52.60) are in the file;
//!   97, 98 and 99 are referenced but absent (clipped away);
//! - way 10 residential 1-2-99-3-4 → split at 99 into 1-2 and 3-4 (1 missing ref);
//! - way 11 primary 98-97 → no node in the file: dropped (2 missing refs);
//! - way 12 footway 4-1 → not a car class; way 13 tertiary `oneway=-1` 2-3 → backward;
//! - way 14 `building=yes` 1-2-3 → not a highway at all: not read;
//! - way 15 `route=ferry` `duration=00:10` 4-1 → 600 s + the default 600 s wait.
//!
//! So: 5 ways read (10–13, 15), 4 pieces kept (10a, 10b, 13, 15), 4 nodes, 3 missing refs.

mod common;

use pcn_atlas::roads::load_roads;
use pcn_atlas::roads::network::{Direction, RoadClass};
use pcn_atlas::roads::profile::CarProfile;

fn varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}
fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}
fn key(out: &mut Vec<u8>, field: u64, wire: u64) {
    varint(out, (field << 3) | wire);
}
fn bytes_field(out: &mut Vec<u8>, field: u64, b: &[u8]) {
    key(out, field, 2);
    varint(out, b.len() as u64);
    out.extend_from_slice(b);
}
fn uint_field(out: &mut Vec<u8>, field: u64, v: u64) {
    key(out, field, 0);
    varint(out, v);
}
fn packed(out: &mut Vec<u8>, field: u64, vals: impl IntoIterator<Item = u64>) {
    let mut b = Vec::new();
    for v in vals {
        varint(&mut b, v);
    }
    bytes_field(out, field, &b);
}

struct Strings(Vec<String>);
impl Strings {
    fn id(&mut self, s: &str) -> u64 {
        if let Some(i) = self.0.iter().position(|x| x == s) {
            return i as u64;
        }
        self.0.push(s.to_string());
        (self.0.len() - 1) as u64
    }
}

fn blob(kind: &str, payload: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    bytes_field(&mut b, 1, payload); // raw
    uint_field(&mut b, 2, payload.len() as u64); // raw_size
    let mut h = Vec::new();
    bytes_field(&mut h, 1, kind.as_bytes());
    uint_field(&mut h, 3, b.len() as u64);
    let mut out = (h.len() as u32).to_be_bytes().to_vec();
    out.extend(h);
    out.extend(b);
    out
}

/// (OSM id, tags, node refs).
type TestWay = (i64, &'static [(&'static str, &'static str)], &'static [i64]);

/// A `PrimitiveGroup` of plain nodes (id, lon) at latitude 52.60.
fn node_group(nodes: &[(i64, f64)]) -> Vec<u8> {
    let mut group = Vec::new();
    for &(id, lon) in nodes {
        let mut n = Vec::new();
        uint_field(&mut n, 1, zigzag(id));
        uint_field(&mut n, 8, zigzag((52.60f64 * 1e7).round() as i64));
        uint_field(&mut n, 9, zigzag((lon * 1e7).round() as i64));
        bytes_field(&mut group, 1, &n);
    }
    let mut out = Vec::new();
    bytes_field(&mut out, 2, &group);
    out
}

/// A `PrimitiveGroup` of the module comment's ways, their strings in `st`.
fn way_group(st: &mut Strings) -> Vec<u8> {
    let ways: [TestWay; 6] = [
        (10, &[("highway", "residential")], &[1, 2, 99, 3, 4]),
        (11, &[("highway", "primary")], &[98, 97]),
        (12, &[("highway", "footway")], &[4, 1]),
        (13, &[("highway", "tertiary"), ("oneway", "-1")], &[2, 3]),
        (14, &[("building", "yes")], &[1, 2, 3]),
        (15, &[("route", "ferry"), ("duration", "00:10")], &[4, 1]),
    ];
    let mut wgroup = Vec::new();
    for (id, tags, refs) in ways {
        let mut w = Vec::new();
        uint_field(&mut w, 1, id as u64);
        packed(
            &mut w,
            2,
            tags.iter().map(|(k, _)| st.id(k)).collect::<Vec<_>>(),
        );
        packed(
            &mut w,
            3,
            tags.iter().map(|(_, v)| st.id(v)).collect::<Vec<_>>(),
        );
        let mut prev = 0i64;
        let deltas: Vec<u64> = refs
            .iter()
            .map(|&r| {
                let d = zigzag(r - prev);
                prev = r;
                d
            })
            .collect();
        packed(&mut w, 8, deltas);
        bytes_field(&mut wgroup, 3, &w);
    }
    let mut out = Vec::new();
    bytes_field(&mut out, 2, &wgroup);
    out
}

/// What a block of the test files holds.
enum Part {
    Nodes(&'static [(i64, f64)]),
    Ways,
}

const NODES: [(i64, f64); 4] = [(1, -0.70), (2, -0.69), (3, -0.68), (4, -0.67)];

/// A file of a header and one `OSMData` block per entry of `blocks`, each
/// block the groups of its parts.
fn pbf_of(blocks: &[&[Part]]) -> Vec<u8> {
    let mut header = Vec::new();
    bytes_field(&mut header, 4, b"OsmSchema-V0.6");
    let mut file = blob("OSMHeader", &header);
    for parts in blocks {
        let mut st = Strings(vec![String::new()]);
        let mut groups = Vec::new();
        for part in *parts {
            groups.extend(match part {
                Part::Nodes(n) => node_group(n),
                Part::Ways => way_group(&mut st),
            });
        }
        let mut table = Vec::new();
        for s in &st.0 {
            bytes_field(&mut table, 1, s.as_bytes());
        }
        let mut block = Vec::new();
        bytes_field(&mut block, 1, &table);
        block.extend(groups);
        file.extend(blob("OSMData", &block));
    }
    file
}

/// The module comment's file: one block, its nodes then its ways.
fn tiny_pbf() -> Vec<u8> {
    pbf_of(&[&[Part::Nodes(&NODES), Part::Ways]])
}

#[test]
fn clipped_ways_are_split_and_counted() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("tiny.osm.pbf");
    std::fs::write(&path, tiny_pbf()).unwrap();
    let (net, r) = load_roads(&path, &CarProfile::default()).unwrap();
    assert_eq!((r.ways_read, r.ways_kept, r.nodes), (5, 4, 4), "{r:?}");
    assert_eq!(r.counts.get("missing_node_refs"), Some(&3));
    assert_eq!(r.counts.get("ways_clipped_at_missing_nodes"), Some(&1));
    assert_eq!(r.excluded.get("all_nodes_missing"), Some(&1));
    assert_eq!(r.excluded.get("not_car_class"), Some(&1));
    // Nodes in OSM id order: 1, 2, 3, 4 → indices 0..3.
    let got: Vec<(i64, RoadClass, Vec<u32>, Direction)> = net
        .ways
        .iter()
        .map(|w| (w.id, w.class, w.nodes.clone(), w.direction))
        .collect();
    assert_eq!(
        got,
        vec![
            (10, RoadClass::Residential, vec![0, 1], Direction::Both),
            (10, RoadClass::Residential, vec![2, 3], Direction::Both),
            (13, RoadClass::Tertiary, vec![1, 2], Direction::Backward),
            (15, RoadClass::Ferry, vec![3, 0], Direction::Both),
        ]
    );
    assert_eq!(net.ways[3].fixed_seconds, Some(1200.0));
    // Node 1 is at (-0.70, 52.60).
    let p = pcn_atlas::coords::wgs84_to_bng(-0.70, 52.60);
    assert!((net.nodes[0][0] - p.x).abs() < 0.01 && (net.nodes[0][1] - p.y).abs() < 0.01);
}

#[test]
fn truncated_pbf_is_an_error_naming_the_file() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("cut.osm.pbf");
    let b = tiny_pbf();
    std::fs::write(&path, &b[..b.len() - 7]).unwrap();
    let e = format!(
        "{:#}",
        load_roads(&path, &CarProfile::default()).unwrap_err()
    );
    assert!(e.contains("cut.osm.pbf"), "{e}");
}

/// The loader reads only way blocks in pass 1 and node blocks in pass 2
/// when the file is sorted by type, and finds out when it is not: every
/// block layout gives the one-block file's network and counts.
#[test]
fn any_block_order_gives_the_same_network() {
    const N12: &[(i64, f64)] = &[(1, -0.70), (2, -0.69)];
    const N34: &[(i64, f64)] = &[(3, -0.68), (4, -0.67)];
    let layouts: [&[&[Part]]; 6] = [
        &[&[Part::Nodes(N12)], &[Part::Nodes(N34)], &[Part::Ways]],
        &[&[Part::Nodes(N12)], &[Part::Nodes(N34), Part::Ways], &[]],
        // Not sorted by type: ways first, nodes after, or nodes on both sides.
        &[&[Part::Ways], &[Part::Nodes(&NODES)]],
        &[&[Part::Nodes(N12)], &[Part::Ways], &[Part::Nodes(N34)]],
        &[&[Part::Nodes(N34)], &[Part::Ways], &[Part::Nodes(N12)], &[]],
        // Sorted by type, not by id.
        &[&[Part::Nodes(N34)], &[Part::Nodes(N12)], &[Part::Ways]],
    ];
    let d = tempfile::tempdir().unwrap();
    let load = |name: &str, bytes: &[u8], by_type: bool| {
        let path = d.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let (net, r) =
            pcn_atlas::roads::pbf::load_pbf_with(&path, &CarProfile::default(), by_type).unwrap();
        (
            format!("{:?} {:?}", net.nodes, net.ways),
            r.ways_read,
            r.excluded,
            r.counts,
        )
    };
    let want = load("one.osm.pbf", &tiny_pbf(), true);
    assert!(want.0.contains("Ferry"), "{}", want.0);
    for (i, layout) in layouts.iter().enumerate() {
        for by_type in [true, false] {
            let got = load(&format!("l{i}.osm.pbf"), &pbf_of(layout), by_type);
            assert_eq!(got, want, "layout {i}, by type {by_type}");
        }
    }
}

/// On the real extracts, reading by type (the default) and reading every
/// block in both passes give the same network and report.
#[test]
fn real_extracts_read_by_type_as_read_whole() {
    let Some(data) = common::shared_data("real_extracts_read_by_type_as_read_whole") else {
        return;
    };
    for f in [
        "rutland/rutland-2022-07.osm.pbf",
        "iow/isle-of-wight-2015-01.osm.pbf",
    ] {
        let path = data.join(f);
        let p = CarProfile::default();
        let (a, ra) = pcn_atlas::roads::pbf::load_pbf_with(&path, &p, true).unwrap();
        let (b, rb) = pcn_atlas::roads::pbf::load_pbf_with(&path, &p, false).unwrap();
        assert_eq!(a.nodes, b.nodes, "{f}");
        assert_eq!(a.ways, b.ways, "{f}");
        assert_eq!(
            serde_json::to_string(&ra).unwrap(),
            serde_json::to_string(&rb).unwrap(),
            "{f}"
        );
        assert_eq!(ra.places, rb.places, "{f}");
        assert!(a.ways.len() > 1000, "{f}: {}", a.ways.len());
    }
}
