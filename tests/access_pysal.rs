//! Accessibility against PySAL `access` on a committed hand-made fixture
//! (`fixtures/access/`, see its README): PySAL's scores were written by
//! `scripts/access_pysal.py --bless-fixture`; ours must agree to 1e-9
//! relative, and be 0 where PySAL has NaN (an area reaching no practice).

use pcn_atlas::analyse::access::{AccessOptions, scores, table};
use std::path::Path;

#[test]
fn fixture_matches_pysal_access() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/access");
    let m = table::load(
        &dir.join("access_matrix.csv"),
        &dir.join("access_demand.csv"),
        &dir.join("access_supply.csv"),
    )
    .expect("fixture loads");
    let r = scores(&m.matrix, &m.demand, &m.supply, &AccessOptions::default());
    let text = std::fs::read_to_string(dir.join("pysal_scores.csv")).expect("pysal_scores.csv");
    let mut rows = 0;
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let i = m
            .area_codes
            .iter()
            .position(|c| c == f[0])
            .unwrap_or_else(|| panic!("area {} not in the fixture", f[0]));
        let ours = [r.two_sfca[i], r.e2sfca[i], r.gravity[i]];
        for (k, name) in ["2sfca", "e2sfca", "gravity"].iter().enumerate() {
            let got = ours[k];
            if f[k + 1].is_empty() {
                assert_eq!(got, 0.0, "{} {name}: PySAL NaN, ours {got}", f[0]);
                continue;
            }
            let want: f64 = f[k + 1].parse().expect("number");
            let rel = (got - want).abs() / want.abs().max(1e-300);
            assert!(
                rel <= 1e-9,
                "{} {name}: ours {got}, PySAL {want}, relative {rel:e}",
                f[0]
            );
        }
        rows += 1;
    }
    assert_eq!(rows, 6);
}

#[test]
fn bad_matrix_rows_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let w = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let d = w("d.csv", "area_code,population\nA,10\n");
    let s = w("s.csv", "practice_code,supply\nP,5\n");
    let cases = [
        (
            "area_code,practice_code,minutes\nA,Q,3\n",
            "practice Q is not in",
        ),
        (
            "area_code,practice_code,minutes\nB,P,3\n",
            "area B is not in",
        ),
        ("area_code,practice_code,minutes\nA,P,-1\n", "negative"),
        (
            "area_code,practice_code,minutes\nA,P,x\n",
            "`x` is not a number",
        ),
        (
            "area_code,practice_code,minutes\nA,P,1\nA,P,2\n",
            "appears twice",
        ),
    ];
    for (text, want) in cases {
        let m = w("m.csv", text);
        let e = format!("{:#}", table::load(&m, &d, &s).err().expect("an error"));
        assert!(e.contains(want) && e.contains("m.csv"), "{text:?}: {e}");
    }
}
