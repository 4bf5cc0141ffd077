use super::*;
use proptest::prelude::*;

/// The hand-made fixture: 3 practices × 4 areas, minutes by hand.
///
/// ```text
///            P0 (S=1000)  P1 (S=2000)  P2 (S=600)
/// A0 P=500        5           25           -
/// A1 P=1000      15            8           -
/// A2 P=1500       -           12          22
/// A3 P=2000       -           30          35   (35 > d0 = 30: left out)
/// ```
fn fixture() -> (CostMatrix, Vec<f64>, Vec<f64>) {
    let rows = vec![
        vec![(1, 25.0), (0, 5.0)], // out of order on purpose: from_rows sorts
        vec![(0, 15.0), (1, 8.0)],
        vec![(1, 12.0), (2, 22.0)],
        vec![(1, 30.0), (2, 35.0)],
    ];
    (
        CostMatrix::from_rows(3, rows),
        vec![500.0, 1000.0, 1500.0, 2000.0],
        vec![1000.0, 2000.0, 600.0],
    )
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1e-300)
}

fn assert_all_close(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(close(*g, *w), "{what}[{k}]: got {g}, want {w}");
    }
}

#[test]
fn two_sfca_by_hand() {
    // Step 1 (w = 1 within 30 min; 30 itself is in, 35 is out):
    //   D0 = 500 + 1000 = 1500                → R0 = 1000/1500 = 2/3
    //   D1 = 500 + 1000 + 1500 + 2000 = 5000  → R1 = 2000/5000 = 0.4
    //   D2 = 1500 (A3's 35 min is out)        → R2 = 600/1500  = 0.4
    // Step 2: A0 = R0 + R1 = 1.0667, A1 = R0 + R1, A2 = R1 + R2 = 0.8, A3 = R1 = 0.4
    // per 1,000 residents: 1066.67, 1066.67, 800, 400.
    let (m, p, s) = fixture();
    let o = AccessOptions::default();
    let r = scores(&m, &p, &s, &o);
    let a01 = (2.0 / 3.0 + 0.4) * 1000.0;
    assert_all_close(&r.two_sfca, &[a01, a01, 800.0, 400.0], "2sfca");
    assert_eq!(r.practices_without_demand, 0);
    let f = fca(&m, &p, &s, 30.0, |_| 1.0);
    assert_all_close(&f.ratio, &[2.0 / 3.0, 0.4, 0.4], "R");
}

#[test]
fn e2sfca_by_hand() {
    // Zones 0–10 / 10–20 / 20–30 min weighted 1 / 0.68 / 0.22:
    //   A0–P0 5 → 1, A0–P1 25 → 0.22, A1–P0 15 → 0.68, A1–P1 8 → 1,
    //   A2–P1 12 → 0.68, A2–P2 22 → 0.22, A3–P1 30 → 0.22, A3–P2 35 → 0.
    //   D0 = 500 + 1000·0.68 = 1180                         → R0 = 1000/1180 = 50/59
    //   D1 = 500·0.22 + 1000 + 1500·0.68 + 2000·0.22 = 2570 → R1 = 2000/2570 = 200/257
    //   D2 = 1500·0.22 = 330                                → R2 = 600/330 = 20/11
    //   A0 = 50/59 + 0.22·200/257 = 50/59 + 44/257   = 1.01866
    //   A1 = 0.68·50/59 + 200/257 = 34/59 + 200/257  = 1.35448
    //   A2 = 0.68·200/257 + 0.22·20/11 = 136/257 + 0.4 = 0.92918
    //   A3 = 0.22·200/257 = 44/257                    = 0.17121
    let (m, p, s) = fixture();
    let r = scores(&m, &p, &s, &AccessOptions::default());
    let want = [
        50.0 / 59.0 + 44.0 / 257.0,
        34.0 / 59.0 + 200.0 / 257.0,
        136.0 / 257.0 + 0.4,
        44.0 / 257.0,
    ]
    .map(|v| v * 1000.0);
    assert_all_close(&r.e2sfca, &want, "e2sfca");
}

#[test]
fn gravity_by_hand() {
    // w = 1/d (β = 1; no time under the 1-minute floor):
    //   D0 = 500/5 + 1000/15 = 500/3                        → R0 = 1000·3/500 = 6
    //   D1 = 500/25 + 1000/8 + 1500/12 + 2000/30 = 1010/3    → R1 = 6000/1010 = 600/101
    //   D2 = 1500/22                                         → R2 = 600·22/1500 = 8.8
    //   A0 = 6/5 + (600/101)/25 = 1.2 + 24/101
    //   A1 = 6/15 + (600/101)/8 = 0.4 + 75/101
    //   A2 = (600/101)/12 + 8.8/22 = 50/101 + 0.4
    //   A3 = (600/101)/30 = 20/101
    let (m, p, s) = fixture();
    let r = scores(&m, &p, &s, &AccessOptions::default());
    let want = [
        1.2 + 24.0 / 101.0,
        0.4 + 75.0 / 101.0,
        50.0 / 101.0 + 0.4,
        20.0 / 101.0,
    ]
    .map(|v| v * 1000.0);
    assert_all_close(&r.gravity, &want, "gravity");
}

#[test]
fn gravity_floor_and_practice_without_residents() {
    // A0 (100 residents) is 0.25 min from P0 (S = 10): the floor makes it
    // 1 min, w = 1, so R0 = 10/100 and A0 = 0.1 → 100 per 1,000.
    // P1 (S = 5) is reached only by A1, which has nobody: D1 = 0, so R1 = 0
    // and P1 is counted as supply reaching no resident.
    let m = CostMatrix::from_rows(2, vec![vec![(0, 0.25)], vec![(1, 3.0)]]);
    let o = AccessOptions {
        gravity_beta: 2.0,
        ..AccessOptions::default()
    };
    let r = scores(&m, &[100.0, 0.0], &[10.0, 5.0], &o);
    assert_all_close(&r.gravity, &[100.0, 0.0], "gravity");
    assert_all_close(&r.two_sfca, &[100.0, 0.0], "2sfca");
    assert_eq!(r.practices_without_demand, 1);
}

#[test]
fn step_weights_follow_pysal_step_fn() {
    // PySAL: weights.step_fn({20: 1, 40: 0.68, 60: 0.22}) gives
    // {0: 1, 10: 1, 20: 1, 30: 0.68, 40: 0.68, 50: 0.22, 60: 0.22, 70: 0}.
    let d = Decay::parse("step:20=1,40=0.68,60=0.22", 60.0).unwrap();
    let got: Vec<f64> = (0..8).map(|k| d.weight(k as f64 * 10.0)).collect();
    assert_eq!(got, vec![1.0, 1.0, 1.0, 0.68, 0.68, 0.22, 0.22, 0.0]);
    // The default is Luo & Qi's zones over thirds of the catchment.
    assert_eq!(
        Decay::parse("step", 30.0).unwrap(),
        Decay::Step(vec![(10.0, 1.0), (20.0, 0.68), (30.0, 0.22)])
    );
    // PySAL: weights.gaussian(sigma=20) gives {20: 0.6065306597126334, ...}.
    let g = Decay::parse("gaussian:20", 30.0).unwrap();
    assert_eq!(g.weight(0.0), 1.0);
    assert!(close(g.weight(20.0), 0.6065306597126334));
    assert_eq!(
        Decay::parse("gaussian", 30.0).unwrap(),
        Decay::Gaussian { sigma_min: 15.0 }
    );
}

#[test]
fn bad_decay_specs_are_errors_naming_the_value() {
    for spec in [
        "stepwise",
        "step:10",
        "step:10=1,5=0.5",
        "step:10=-1",
        "step:x=1",
        "gaussian:0",
        "gaussian:-3",
    ] {
        let e = Decay::parse(spec, 30.0).unwrap_err().to_string();
        assert!(e.contains(spec), "{spec}: {e}");
    }
}

#[test]
fn summaries_weight_by_population() {
    // Scores 100, 200, 300 with 10, 80, 10 residents: mean = (1000 +
    // 16000 + 3000)/100 = 200; cumulative 10, 90, 100: p10 = the first to
    // reach 10 = 100.
    let s = summarise([(300.0, 10.0), (100.0, 10.0), (200.0, 80.0)]).unwrap();
    assert_eq!(
        s,
        ScoreSummary {
            mean: 200.0,
            p10: 100.0
        }
    );
    assert!(summarise([(5.0, 0.0)]).is_none());
}

/// Brute force on a dense matrix (`INFINITY` = no route), written
/// independently of the sparse code: loops over every pair.
fn dense_reference(
    dense: &[Vec<f64>],
    demand: &[f64],
    supply: &[f64],
    d0: f64,
    w: &dyn Fn(f64) -> f64,
) -> Vec<f64> {
    let (n, m) = (dense.len(), supply.len());
    let mut ratio = vec![0.0; m];
    for j in 0..m {
        let mut total = 0.0;
        for i in 0..n {
            if dense[i][j] <= d0 {
                total += demand[i] * w(dense[i][j]);
            }
        }
        ratio[j] = if total > 0.0 { supply[j] / total } else { 0.0 };
    }
    (0..n)
        .map(|i| {
            let mut a = 0.0;
            for j in 0..m {
                if dense[i][j] <= d0 {
                    a += ratio[j] * w(dense[i][j]);
                }
            }
            a * 1000.0
        })
        .collect()
}

/// A weight function of drive minutes.
type Weight = Box<dyn Fn(f64) -> f64>;

fn arb_case() -> impl Strategy<Value = (Vec<Vec<f64>>, Vec<f64>, Vec<f64>)> {
    (1usize..9, 1usize..7).prop_flat_map(|(n, m)| {
        (
            prop::collection::vec(
                prop::collection::vec(
                    prop_oneof![Just(f64::INFINITY), 0.0f64..45.0, Just(10.0), Just(30.0)],
                    m,
                ),
                n,
            ),
            prop::collection::vec(prop_oneof![Just(0.0), 1.0f64..5000.0], n),
            prop::collection::vec(prop_oneof![Just(0.0), 1.0f64..3000.0], m),
        )
    })
}

proptest! {
    #[test]
    fn sparse_equals_dense_reference((dense, demand, supply) in arb_case(), d0 in 5.0f64..40.0) {
        // The sparse matrix holds only the finite pairs, rows reversed
        // (from_rows must sort them).
        let rows: Vec<Vec<(u32, f64)>> = dense
            .iter()
            .map(|r| {
                let mut v: Vec<(u32, f64)> = r
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| d.is_finite())
                    .map(|(j, &d)| (j as u32, d))
                    .collect();
                v.reverse();
                v
            })
            .collect();
        let m = CostMatrix::from_rows(supply.len(), rows);
        let o = AccessOptions {
            catchment_min: d0,
            decay: Decay::luo_qi(d0),
            ..AccessOptions::default()
        };
        let r = scores(&m, &demand, &supply, &o);
        let decay = o.decay.clone();
        let cases: [(&str, &Vec<f64>, Weight); 3] = [
            ("2sfca", &r.two_sfca, Box::new(|_| 1.0)),
            ("e2sfca", &r.e2sfca, Box::new(move |d| decay.weight(d))),
            ("gravity", &r.gravity, Box::new(|d: f64| 1.0 / d.max(1.0))),
        ];
        // Supply is preserved: Σ_i P_i A_i = Σ_j S_j over the practices
        // someone lives within reach of (any weights).
        let f = fca(&m, &demand, &supply, d0, |_| 1.0);
        let reached: f64 = supply.iter().zip(&f.ratio).filter(|(_, r)| **r > 0.0).map(|(s, _)| s).sum();
        for (name, got) in [("2sfca", &r.two_sfca), ("e2sfca", &r.e2sfca), ("gravity", &r.gravity)] {
            let total: f64 = got.iter().zip(&demand).map(|(a, p)| a / 1000.0 * p).sum();
            prop_assert!((total - reached).abs() <= 1e-9 * reached.max(1.0), "{}: {} vs {}", name, total, reached);
        }
        for (name, got, w) in cases {
            let want = dense_reference(&dense, &demand, &supply, d0, &*w);
            for (i, (g, e)) in got.iter().zip(&want).enumerate() {
                prop_assert!(
                    (g - e).abs() <= 1e-9 * e.abs().max(1e-9),
                    "{} area {}: sparse {} dense {} (matrix {:?})", name, i, g, e, dense
                );
            }
        }
    }
}
