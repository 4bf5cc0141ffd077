//! CSV tables written from typed rows: a row is a `Serialize` struct, so
//! the header (its field names) and the values come from one place.
//!
//! Every CSV file pcn-atlas writes goes through [`crate::safe_text::csv_writer`]
//! (here by [`write_csv`]), the one place where a text cell that a
//! spreadsheet would run as a formula is neutralised.

use crate::safe_text;
use anyhow::{Context, Result};
use serde::{Serialize, Serializer};
use std::io::Write;

/// A number written with `N` decimals (`format!("{:.N}")`), or an empty
/// cell when absent.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Fixed<const N: usize>(pub Option<f64>);

impl<const N: usize> Serialize for Fixed<N> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(x) => s.collect_str(&format_args!("{x:.N$}")),
            None => s.serialize_none(),
        }
    }
}

/// The header of a row type: its field names, in order.
pub fn header<T: Serialize + Default>() -> Result<Vec<String>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.serialize(T::default())?;
    let bytes = w.into_inner().context("writing a CSV header")?;
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes.as_slice());
    let first = r
        .records()
        .next()
        .context("no header written")?
        .context("reading back a CSV header")?;
    Ok(first.iter().map(str::to_string).collect())
}

/// Write `rows` as CSV to `w`, header first (also when there are no rows),
/// text cells neutralised ([`safe_text::csv_cell`]).
pub fn write_csv<T: Serialize + Default>(w: impl Write, rows: &[T]) -> Result<()> {
    write_cells(w, &header::<T>()?, &cells(rows)?)
}

/// Write a header and rows of cells as CSV, text cells neutralised.
pub fn write_cells(w: impl Write, header: &[String], rows: &[Vec<String>]) -> Result<()> {
    let mut cw = safe_text::csv_writer(w);
    cw.write_record(header)?;
    for row in rows {
        cw.write_record(row)?;
    }
    cw.flush()?;
    Ok(())
}

/// The header and cells of `rows` with `extra`'s columns appended to
/// each row (`extra` in the same order; `None`: no extra columns).
pub fn joined_cells<T: Serialize + Default, U: Serialize + Default>(
    rows: &[T],
    extra: Option<&[U]>,
) -> Result<(Vec<String>, Vec<Vec<String>>)> {
    let mut head = header::<T>()?;
    let mut body = cells(rows)?;
    if let Some(extra) = extra {
        head.extend(header::<U>()?);
        for (row, more) in body.iter_mut().zip(cells(extra)?) {
            row.extend(more);
        }
    }
    Ok((head, body))
}

/// Each row's cells as serde gives them (before quoting and before
/// [`safe_text::csv_cell`]), for comparisons such as what-if's `diff.csv`,
/// whose writer neutralises them in turn.
pub fn cells<T: Serialize + Default>(rows: &[T]) -> Result<Vec<Vec<String>>> {
    Ok(safe_text::serialized_cells(rows)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default, Serialize)]
    struct Row {
        code: String,
        n: u64,
        share: Fixed<4>,
        minutes: Fixed<2>,
        ok: bool,
    }

    #[test]
    fn header_and_values_from_the_struct() {
        let rows = vec![Row {
            code: "A, \"quoted\"".into(),
            n: 3,
            share: Fixed(Some(0.25)),
            minutes: Fixed(None),
            ok: true,
        }];
        let mut out = Vec::new();
        write_csv(&mut out, &rows).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "code,n,share,minutes,ok\n\"A, \"\"quoted\"\"\",3,0.2500,,true\n"
        );
        let mut empty = Vec::new();
        write_csv::<Row>(&mut empty, &[]).unwrap();
        assert_eq!(
            String::from_utf8(empty).unwrap(),
            "code,n,share,minutes,ok\n"
        );
        assert_eq!(
            cells(&rows).unwrap(),
            vec![vec!["A, \"quoted\"", "3", "0.2500", "", "true"]]
        );
    }
}
