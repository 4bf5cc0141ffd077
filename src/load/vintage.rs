//! Which LSOA edition a set of area codes is on: 2011 (32,844 in England,
//! `E01000001`–`E01033768`) or 2021 (33,755 in England; the 1,700-odd new
//! areas numbered from `E01033769`). Most codes are the same in both, so a
//! file is told by its codes that exist in only one edition.

use serde::Serialize;

/// An LSOA edition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Vintage {
    #[serde(rename = "LSOA 2011")]
    Lsoa2011,
    #[serde(rename = "LSOA 2021")]
    Lsoa2021,
}

impl std::fmt::Display for Vintage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Vintage::Lsoa2011 => "LSOA 2011",
            Vintage::Lsoa2021 => "LSOA 2021",
        })
    }
}

/// The last English LSOA 2011 code: every higher `E01` code is LSOA 2021.
pub const LAST_ENGLISH_LSOA11: u32 = 33_768;

/// The number of an English LSOA code (`E01012345` → 12345), if it is one.
pub fn english_lsoa_number(code: &str) -> Option<u32> {
    let rest = code.strip_prefix("E01")?;
    (rest.len() == 6 && rest.bytes().all(|b| b.is_ascii_digit()))
        .then(|| rest.parse().ok())
        .flatten()
}

/// Whether a code can only be an LSOA 2021 code.
pub fn is_only_2021(code: &str) -> bool {
    english_lsoa_number(code).is_some_and(|n| n > LAST_ENGLISH_LSOA11)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_told_apart_by_number() {
        assert_eq!(english_lsoa_number("E01033768"), Some(33_768));
        assert!(!is_only_2021("E01033768"));
        assert!(is_only_2021("E01033769"));
        assert!(is_only_2021("E01035722"));
        assert!(!is_only_2021("W01000001"));
        assert!(!is_only_2021("E0103377"));
        assert!(!is_only_2021("CLOSED"));
        assert_eq!(Vintage::Lsoa2021.to_string(), "LSOA 2021");
    }
}
