//! The window and the weighted summaries, by hand.

use super::summary::PtSummary;
use super::window::WindowTimes;
use super::{PtOptions, clock};

#[test]
fn the_window_runs_every_step_to_its_last_departure_inclusive() {
    let o = PtOptions::default();
    let d = o.departures();
    assert_eq!(d.len(), 13);
    assert_eq!(d[0], 8 * 3600);
    assert_eq!(d[12], 10 * 3600);
    let o = PtOptions {
        from_min: 23 * 60 + 50,
        to_min: 24 * 60 + 15,
        step_min: 10,
        ..PtOptions::default()
    };
    // 23:50, 24:00, 24:10: past midnight stays on the same service day.
    assert_eq!(o.departures(), vec![85_800, 86_400, 87_000]);
    assert_eq!(clock(24 * 60 + 10), "24:10");
}

#[test]
fn window_times_count_no_journey_and_never_invent_a_number() {
    // Seven departures: 20, 25, 30, 60 min and three without a journey.
    let m = |v: u32| Some(v * 60);
    let t = WindowTimes::of(&[m(30), None, m(20), None, m(60), m(25), None]);
    // Sorted: 20 25 30 60 ∞ ∞ ∞; the median is the 4th: 60 min.
    assert_eq!(t.median_s, Some(3600));
    assert_eq!(t.worst_s, None);
    assert_eq!(t.no_journey, 3);
    assert_eq!(t.departures, 7);
    // Four of seven without: the median lands on "no journey".
    let t = WindowTimes::of(&[m(30), None, m(20), None, None, None, m(25)]);
    assert_eq!(t.median_s, None);
    // Even count: the lower middle, as the drive statistics.
    let t = WindowTimes::of(&[m(10), m(40), m(20), m(30)]);
    assert_eq!(t.median_s, Some(1200));
    assert_eq!(t.worst_s, Some(2400));
    assert_eq!(WindowTimes::of(&[]).median_s, None);
}

#[test]
fn summaries_weigh_patients_and_put_no_journey_last() {
    // Areas: 100 patients at 30 min, 300 at 70, 100 at 95, 500 with none.
    let s = PtSummary::of(
        &[
            (Some(30.0), 100.0),
            (Some(70.0), 300.0),
            (Some(95.0), 100.0),
            (None, 500.0),
            (Some(5.0), 0.0),
        ],
        90.0,
    )
    .expect("patients");
    assert_eq!(s.patients, 1000.0);
    // Cumulative: 100 (30), 400 (70), 500 (95), 1000 (none). The median
    // (500 of 1000) is 95; the p90 lands on "no journey".
    assert_eq!(s.median_min, Some(95.0));
    assert_eq!(s.p90_min, None);
    // No journey within 60: 300 + 100 + 500; within 90: 100 + 500.
    assert_eq!(s.share_no_journey_within, [0.9, 0.6]);
    assert_eq!(s.share_no_journey_burden, 0.6);
    assert_eq!(s.share_no_journey, 0.5);
    assert!(PtSummary::of(&[(Some(1.0), 0.0)], 90.0).is_none());
}
