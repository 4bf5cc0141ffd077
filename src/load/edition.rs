//! Editions of the published files: the `EXTRACT_DATE` forms NHS England has
//! used over the years, parsed into one calendar date, and the distance
//! between two editions for the "inputs far apart" notice.
//!
//! | form | seen in |
//! |---|---|
//! | `01JAN2021` | `gp-reg-pat-prac-all` 2021 |
//! | `01Jan2022`, `01Oct2025` | `gp-reg-pat-prac-map`, `gp-reg-pat-prac-lsoa-all` |
//! | `2026-04-01` | `gp-reg-pat-prac-all` and `sing-age-regions` since 2024 |
//! | `01/07/2026` | hand-saved copies (Excel's UK day/month/year) |

use serde::{Serialize, Serializer};
use std::fmt;

/// A calendar date (proleptic Gregorian), as an edition of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl Date {
    /// A valid date, or `None` (month 1–12, day within the month, year
    /// 1900–2999).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        if !(1900..=2999).contains(&year) || !(1..=12).contains(&month) || day == 0 {
            return None;
        }
        (day <= days_in_month(year, month)).then_some(Date { year, month, day })
    }

    /// Parse an `EXTRACT_DATE` in any of the forms in the module docs.
    /// Surrounding spaces are ignored; anything else is `None`.
    pub fn parse_extract(s: &str) -> Option<Date> {
        let s = s.trim();
        let b = s.as_bytes();
        let num = |r: std::ops::Range<usize>| -> Option<u16> {
            let t = s.get(r)?;
            (!t.is_empty() && t.bytes().all(|c| c.is_ascii_digit())).then(|| t.parse().ok())?
        };
        match b.len() {
            // 2026-04-01
            10 if b[4] == b'-' && b[7] == b'-' => {
                Date::new(num(0..4)?, num(5..7)? as u8, num(8..10)? as u8)
            }
            // 01/07/2026 (day first, as the UK writes it)
            10 if b[2] == b'/' && b[5] == b'/' => {
                Date::new(num(6..10)?, num(3..5)? as u8, num(0..2)? as u8)
            }
            // 01JAN2021, 01Oct2025
            9 => {
                let mon = s.get(2..5)?.to_ascii_uppercase();
                let m = MONTHS.iter().position(|&x| x == mon)? as u8 + 1;
                Date::new(num(5..9)?, m, num(0..2)? as u8)
            }
            _ => None,
        }
    }

    /// Whole months from `self` to `later` (negative when `later` is earlier),
    /// counting a month only when its day is reached.
    pub fn months_until(self, later: Date) -> i32 {
        let m = (i32::from(later.year) - i32::from(self.year)) * 12 + i32::from(later.month)
            - i32::from(self.month);
        if m > 0 && later.day < self.day {
            m - 1
        } else if m < 0 && later.day > self.day {
            m + 1
        } else {
            m
        }
    }

    /// "1 Aug 2026": how the summary line and the maps say it.
    pub fn human(self) -> String {
        format!(
            "{} {} {}",
            self.day,
            MONTH_NAMES[usize::from(self.month - 1)],
            self.year
        )
    }

    /// "Aug 2026".
    pub fn month_year(self) -> String {
        format!("{} {}", MONTH_NAMES[usize::from(self.month - 1)], self.year)
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

/// ISO 8601, `2026-08-01`.
impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The error for an `EXTRACT_DATE` in no known form: `at` names the file and
/// line.
pub fn unknown_form(at: &str, value: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "{at}: EXTRACT_DATE `{}` is in no known form (expected e.g. 01JAN2021, 01Oct2025, \
         2026-04-01 or 01/07/2026)",
        crate::safe_text::escape_controls(value, 60)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: u16, m: u8, day: u8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    #[test]
    fn every_form_seen_in_the_wild() {
        assert_eq!(Date::parse_extract("01JAN2021"), Some(d(2021, 1, 1)));
        assert_eq!(Date::parse_extract("01Jan2022"), Some(d(2022, 1, 1)));
        assert_eq!(Date::parse_extract("01Oct2025"), Some(d(2025, 10, 1)));
        assert_eq!(Date::parse_extract("01oct2025"), Some(d(2025, 10, 1)));
        assert_eq!(Date::parse_extract("2026-04-01"), Some(d(2026, 4, 1)));
        assert_eq!(Date::parse_extract("01/07/2026"), Some(d(2026, 7, 1)));
        assert_eq!(Date::parse_extract(" 15/12/2025 "), Some(d(2025, 12, 15)));
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "",
            "2026",
            "1JAN2021",
            "01XYZ2021",
            "2026-13-01",
            "2026-02-30",
            "31/04/2026",
            "07/01/26",
            "2026/04/01",
            "01-07-2026",
            "01JAN21",
            "+2026-04-01",
            "2026-4-01",
            "0001-01-01",
        ] {
            assert_eq!(Date::parse_extract(bad), None, "{bad}");
        }
        assert_eq!(Date::parse_extract("29/02/2024"), Some(d(2024, 2, 29)));
        assert_eq!(Date::parse_extract("29/02/2100"), None);
        assert_eq!(Date::parse_extract("29/02/2000"), Some(d(2000, 2, 29)));
    }

    #[test]
    fn months_between_editions() {
        assert_eq!(d(2021, 1, 1).months_until(d(2022, 1, 1)), 12);
        assert_eq!(d(2025, 10, 1).months_until(d(2026, 8, 1)), 10);
        assert_eq!(d(2026, 8, 1).months_until(d(2025, 10, 1)), -10);
        assert_eq!(d(2026, 1, 15).months_until(d(2026, 7, 14)), 5);
        assert_eq!(d(2026, 1, 15).months_until(d(2026, 7, 15)), 6);
        assert_eq!(d(2026, 7, 15).months_until(d(2026, 1, 16)), -5);
        assert_eq!(d(2026, 8, 1).months_until(d(2026, 8, 31)), 0);
    }

    #[test]
    fn shown_as_people_read_it() {
        assert_eq!(d(2026, 8, 1).human(), "1 Aug 2026");
        assert_eq!(d(2025, 10, 1).month_year(), "Oct 2025");
        assert_eq!(d(2026, 4, 1).to_string(), "2026-04-01");
        let e = unknown_form("f.csv:3", "Oct 25").to_string();
        assert!(e.contains("f.csv:3") && e.contains("`Oct 25`"), "{e}");
    }
}
