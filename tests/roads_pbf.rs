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

fn tiny_pbf() -> Vec<u8> {
    let mut st = Strings(vec![String::new()]);
    let mut group = Vec::new();
    for (id, lon) in [(1i64, -0.70f64), (2, -0.69), (3, -0.68), (4, -0.67)] {
        let mut n = Vec::new();
        uint_field(&mut n, 1, zigzag(id));
        uint_field(&mut n, 8, zigzag((52.60f64 * 1e7).round() as i64));
        uint_field(&mut n, 9, zigzag((lon * 1e7).round() as i64));
        bytes_field(&mut group, 1, &n);
    }
    let mut nodes_group = Vec::new();
    bytes_field(&mut nodes_group, 2, &group);
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
    let mut ways_group = Vec::new();
    bytes_field(&mut ways_group, 2, &wgroup);
    let mut table = Vec::new();
    for s in &st.0 {
        bytes_field(&mut table, 1, s.as_bytes());
    }
    let mut block = Vec::new();
    bytes_field(&mut block, 1, &table);
    block.extend(nodes_group);
    block.extend(ways_group);
    let mut header = Vec::new();
    bytes_field(&mut header, 4, b"OsmSchema-V0.6");
    let mut file = blob("OSMHeader", &header);
    file.extend(blob("OSMData", &block));
    file
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
