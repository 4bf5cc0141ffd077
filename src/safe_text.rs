//! Text from input files made safe for every output format, in one place:
//!
//! - [`clean_name`]: control characters in a name (a form feed, an escape
//!   sequence, NUL …) become spaces at load, with a notice, so no output
//!   and no terminal ever sees them;
//! - [`csv_cell`] and [`csv_writer`]: a CSV cell a spreadsheet would run as
//!   a formula gets a leading apostrophe;
//! - [`json_in_html`]: JSON embedded in a `<script>` element can open no
//!   comment, script or CDATA block;
//! - [`xml_char`]: characters XML 1.0 forbids never reach an SVG.
//!
//! docs/output.md ("Text from input") states the rules.

use serde::Serialize;
use std::borrow::Cow;
use std::io::Write;

/// `name` with each control character (Unicode general category Cc: the C0
/// controls, DEL and the C1 controls — tab, line breaks and form feed
/// included) replaced by a space; `None` when it has none. A name is one
/// line of text: a spreadsheet, a terminal, an SVG and a map tooltip all
/// show a space, while an escape sequence or a form feed would recolour a
/// terminal or make the SVG invalid XML.
pub fn clean_name(name: &str) -> Option<String> {
    if !name.chars().any(char::is_control) {
        return None;
    }
    Some(
        name.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect(),
    )
}

/// The notice text for a name [`clean_name`] changed: where (`at`, e.g.
/// `practices.csv:12`), what (`practice P1's name`), how many characters,
/// and the value as read with its control characters escaped.
pub fn clean_name_detail(at: &str, what: &str, raw: &str) -> String {
    let n = raw.chars().filter(|c| c.is_control()).count();
    let s = if n == 1 { "" } else { "s" };
    format!(
        "{at}: {what} has {n} control character{s}, each replaced by a space: `{}`",
        escape_controls(raw, 80)
    )
}

/// `s` for a one-line message: control characters written as `\u{..}`,
/// and at most `max` characters (then `…`).
pub fn escape_controls(s: &str, max: usize) -> String {
    let mut o = String::with_capacity(s.len().min(max * 2));
    for (i, c) in s.chars().enumerate() {
        if i == max {
            o.push('…');
            break;
        }
        if c.is_control() {
            o.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            o.push(c);
        }
    }
    o
}

/// Whether XML 1.0 allows `c` in text and attribute values: tab, line
/// feed, carriage return and everything from U+0020 except U+FFFE and
/// U+FFFF (Rust `char`s are never surrogates).
pub fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}')
}

/// JSON text made safe inside an HTML `<script>` element: `<`, `>` and `&`
/// written as `\u003c`, `\u003e`, `\u0026`, and U+2028/U+2029 as
/// `\u2028`/`\u2029`, so no input text can close the element or open a
/// comment (`<!--`), a script or a CDATA block (`]]>`), and the JSON reads
/// back the same. Those characters occur in JSON only inside strings,
/// where the escapes mean the same characters.
pub fn json_in_html(json: &str) -> String {
    let mut o = String::with_capacity(json.len() + json.len() / 16);
    for c in json.chars() {
        match c {
            '<' => o.push_str("\\u003c"),
            '>' => o.push_str("\\u003e"),
            '&' => o.push_str("\\u0026"),
            '\u{2028}' => o.push_str("\\u2028"),
            '\u{2029}' => o.push_str("\\u2029"),
            _ => o.push(c),
        }
    }
    o
}

/// A text cell a spreadsheet would read as a formula (Excel, LibreOffice
/// and Google Sheets start one at `=`, `+`, `-` or `@`, and some strip a
/// leading tab or carriage return first) gets a leading apostrophe, the
/// usual convention (OWASP "CSV injection"): the spreadsheet shows the text
/// and runs nothing. A number — an optional sign, digits, a decimal point,
/// an exponent, as the tool writes them — is left alone, so `-0.25` stays
/// a number. Idempotent: a neutralised cell starts with `'`.
pub fn csv_cell(cell: &str) -> Cow<'_, str> {
    let risky = matches!(
        cell.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    );
    if risky && !is_number(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A plain decimal number: `[+-]digits[.digits][e[+-]digits]` (also `.5`
/// and `5.`); not `inf`, `NaN` or anything a spreadsheet could evaluate.
fn is_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    let mut n = digits(&mut i);
    if b.get(i) == Some(&b'.') {
        i += 1;
        n += digits(&mut i);
    }
    if n == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// A CSV writer whose every cell passes through [`csv_cell`]; quoting is
/// the csv crate's (a cell with a comma, quote or line break is quoted).
pub struct CsvWriter<W: Write>(csv::Writer<W>);

/// The CSV writer every file pcn-atlas writes uses (outputs, and the
/// dataset files of `import`, `demo` and `propose`); it writes no header of
/// its own.
pub fn csv_writer<W: Write>(w: W) -> CsvWriter<W> {
    CsvWriter(csv::WriterBuilder::new().has_headers(false).from_writer(w))
}

impl<W: Write> CsvWriter<W> {
    /// Write one record, each cell neutralised.
    pub fn write_record<I, T>(&mut self, record: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        self.0.write_record(
            record
                .into_iter()
                .map(|c| csv_cell(c.as_ref()).into_owned()),
        )
    }

    /// Flush what is buffered to the underlying writer.
    pub fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Each row's cells as serde writes them to CSV (before quoting, before
/// [`csv_cell`]).
pub fn serialized_cells<T: Serialize>(
    rows: impl IntoIterator<Item = T>,
) -> csv::Result<Vec<Vec<String>>> {
    let mut cw = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    for row in rows {
        cw.serialize(row)?;
    }
    let bytes = cw
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let mut out = Vec::new();
    for rec in r.records() {
        out.push(rec?.iter().map(str::to_string).collect());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_spaces() {
        assert_eq!(clean_name("ST MARY'S"), None);
        assert_eq!(
            clean_name("A\x0cB\u{1b}[31mC\tD\u{85}"),
            Some("A B [31mC D ".into())
        );
        assert_eq!(
            clean_name_detail("p.csv:3", "PCN U1's name", "A\x0cB"),
            "p.csv:3: PCN U1's name has 1 control character, each replaced by a space: `A\\u{c}B`"
        );
        assert_eq!(escape_controls("abcdef", 3), "abc…");
    }

    #[test]
    fn json_in_html_opens_nothing_and_reads_back() {
        let name = "<!--<script>x</script>]]>&\u{2028}\u{2029}";
        let json = serde_json::to_string(&[name]).unwrap();
        let safe = json_in_html(&json);
        for bad in ["<", ">", "&", "\u{2028}", "\u{2029}"] {
            assert!(!safe.contains(bad), "{bad:?} in {safe}");
        }
        let back: Vec<String> = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, [name]);
    }

    #[test]
    fn xml_chars() {
        assert!(xml_char('a') && xml_char('\t') && xml_char('\u{fffd}') && xml_char('\u{1f600}'));
        assert!(
            !xml_char('\x0c') && !xml_char('\0') && !xml_char('\u{ffff}') && !xml_char('\u{fffe}')
        );
    }

    #[test]
    fn formula_cells_are_neutralised_numbers_are_not() {
        for (cell, want) in [
            ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
            ("+HYPERLINK(\"x\")", "'+HYPERLINK(\"x\")"),
            ("@SUM(1+1)", "'@SUM(1+1)"),
            ("-2+3", "'-2+3"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("-", "'-"),
            ("-inf", "'-inf"),
            ("-1e", "'-1e"),
            ("'=already", "'=already"),
            ("-0.25", "-0.25"),
            ("+3", "+3"),
            ("-12", "-12"),
            ("-.5", "-.5"),
            ("-1.5e-3", "-1.5e-3"),
            ("ST MARY'S", "ST MARY'S"),
            ("", ""),
        ] {
            assert_eq!(csv_cell(cell), want, "{cell:?}");
            assert_eq!(csv_cell(&csv_cell(cell)), want, "idempotent: {cell:?}");
        }
        let mut out = Vec::new();
        let mut w = csv_writer(&mut out);
        w.write_record(["=1+1", "-1", "a,b"]).unwrap();
        w.flush().unwrap();
        drop(w);
        assert_eq!(String::from_utf8(out).unwrap(), "'=1+1,-1,\"a,b\"\n");
    }
}
