//! Service days: dates as day numbers (days from 1970-01-01, our own small
//! civil-calendar arithmetic), `calendar.txt` weekly patterns and
//! `calendar_dates.txt` exceptions, and whether a service runs on a day.

use super::report::Notices;
use super::source::{Table, field};
use anyhow::Result;
use std::collections::HashMap;

/// A date as days after 1970-01-01.
pub type Day = i32;

/// Weekday names, Monday first.
pub const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's
/// days_from_civil).
pub fn days_from_civil(y: i32, m: u32, d: u32) -> Day {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy as i32;
    era * 146_097 + doe - 719_468
}

/// The date of a day number: (year, month, day).
pub fn civil_from_days(z: Day) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i32::from(m <= 2);
    (y, m, d)
}

/// 0 = Monday … 6 = Sunday.
pub fn weekday(day: Day) -> usize {
    (day + 3).rem_euclid(7) as usize
}

/// `YYYY-MM-DD`.
pub fn iso(day: Day) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

fn valid(y: i32, m: u32, d: u32) -> Option<Day> {
    if !(1900..=2999).contains(&y) || !(1..=12).contains(&m) || d == 0 {
        return None;
    }
    let day = days_from_civil(y, m, d);
    (civil_from_days(day) == (y, m, d)).then_some(day)
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A GTFS date, `YYYYMMDD`.
pub fn parse_gtfs_date(s: &str) -> Option<Day> {
    if s.len() != 8 || !s.is_char_boundary(4) || !s.is_char_boundary(6) {
        return None;
    }
    valid(digits(&s[..4])? as i32, digits(&s[4..6])?, digits(&s[6..])?)
}

/// A date as given on the command line, `YYYY-MM-DD`.
pub fn parse_iso(s: &str) -> Option<Day> {
    let mut parts = s.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    valid(digits(y)? as i32, digits(m)?, digits(d)?)
}

/// When one service runs.
#[derive(Clone, Debug, Default)]
struct Service {
    weekdays: [bool; 7],
    /// From `calendar.txt`, inclusive; `None` when the service is only in
    /// `calendar_dates.txt`.
    range: Option<(Day, Day)>,
    added: Vec<Day>,
    removed: Vec<Day>,
}

/// The services of one feed.
#[derive(Debug, Default)]
pub struct Calendar {
    services: HashMap<String, Service>,
}

impl Calendar {
    /// Is `service` a known service id?
    pub fn has(&self, service: &str) -> bool {
        self.services.contains_key(service)
    }

    /// Does `service` run on `day`? A removal wins over the weekly pattern,
    /// an addition adds the day.
    pub fn runs(&self, service: &str, day: Day) -> bool {
        let Some(s) = self.services.get(service) else {
            return false;
        };
        if s.removed.contains(&day) {
            return false;
        }
        if s.added.contains(&day) {
            return true;
        }
        s.range
            .is_some_and(|(a, b)| a <= day && day <= b && s.weekdays[weekday(day)])
    }

    /// The first and last day any service runs by the files (ranges and
    /// added dates).
    pub fn span(&self) -> Option<(Day, Day)> {
        let days = self.services.values().flat_map(|s| {
            let r = s.range.map(|(a, b)| [a, b]).into_iter().flatten();
            r.chain(s.added.iter().copied())
        });
        days.fold(None, |acc, d| match acc {
            None => Some((d, d)),
            Some((a, b)) => Some((a.min(d), b.max(d))),
        })
    }

    /// Read `calendar.txt`: bad rows and repeated ids are notices.
    pub fn read_calendar(&mut self, t: &Table, notices: &mut Notices) -> Result<u64> {
        let id = t.need("service_id")?;
        let mut days = [0; 7];
        for (i, name) in WEEKDAYS.iter().enumerate() {
            days[i] = t.need(&name.to_lowercase())?;
        }
        let (start, end) = (t.need("start_date")?, t.need("end_date")?);
        t.rows(|line, r| {
            let sid = field(r, Some(id));
            let mut weekdays = [false; 7];
            for (i, c) in days.iter().enumerate() {
                match field(r, Some(*c)) {
                    "0" => {}
                    "1" => weekdays[i] = true,
                    v => return notices.add(&t.file, line, "bad_weekday", v),
                }
            }
            let (a, b) = (field(r, Some(start)), field(r, Some(end)));
            let (Some(a), Some(b)) = (parse_gtfs_date(a), parse_gtfs_date(b)) else {
                return notices.add(&t.file, line, "bad_date", &format!("{a}..{b}"));
            };
            let s = self.services.entry(sid.to_string()).or_default();
            if s.range.is_some() {
                return notices.add(&t.file, line, "duplicate_id", sid);
            }
            s.weekdays = weekdays;
            s.range = Some((a, b));
        })
    }

    /// Read `calendar_dates.txt`: type 1 adds the date, 2 removes it.
    pub fn read_dates(&mut self, t: &Table, notices: &mut Notices) -> Result<u64> {
        let (id, date, kind) = (
            t.need("service_id")?,
            t.need("date")?,
            t.need("exception_type")?,
        );
        t.rows(|line, r| {
            let raw = field(r, Some(date));
            let Some(day) = parse_gtfs_date(raw) else {
                return notices.add(&t.file, line, "bad_date", raw);
            };
            let s = self
                .services
                .entry(field(r, Some(id)).to_string())
                .or_default();
            match field(r, Some(kind)) {
                "1" => s.added.push(day),
                "2" => s.removed.push(day),
                v => notices.add(&t.file, line, "bad_exception_type", v),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_and_weekdays() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(weekday(0), 3); // Thursday
        assert_eq!(iso(days_from_civil(2000, 2, 29)), "2000-02-29");
        assert_eq!(weekday(days_from_civil(2023, 8, 16)), 2); // Wednesday
        for z in -800_000..800_000 {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }

    #[test]
    fn parses_dates_strictly() {
        assert_eq!(
            parse_gtfs_date("20180507").map(iso),
            Some("2018-05-07".into())
        );
        assert_eq!(parse_gtfs_date("20190229"), None);
        assert_eq!(parse_gtfs_date("2018-5-7"), None);
        assert_eq!(parse_iso("2018-05-07").map(iso), Some("2018-05-07".into()));
        assert_eq!(parse_iso("2018-13-01"), None);
        assert_eq!(parse_iso("18-05-07"), None);
        assert_eq!(parse_iso("2018-05-07x"), None);
    }
}
