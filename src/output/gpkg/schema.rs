//! A layer's columns inferred from its rows, so the GeoPackage follows the
//! GeoJSON and CSV files without a list of columns of its own: a column is
//! `INTEGER` if every value is an integer, `REAL` if every value is a
//! number, `BOOLEAN` (0/1) if every value is true or false, `TEXT`
//! otherwise. Arrays and objects are text — their scalar items joined with
//! `;` (an object's values with `: `) — with the exact JSON beside them in
//! a `<name>_json` column. Nulls (and empty CSV cells) are NULL; a column
//! with no value at all is `TEXT`.

use rusqlite::types::Value as Sql;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

/// One row's values by name, in the order written (a JSON object's keys
/// as they stand in the file, a CSV row's in header order).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Row(pub Vec<(String, Value)>);

impl Row {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

impl<'de> Deserialize<'de> for Row {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Row, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Row;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of properties")
            }
            fn visit_unit<E>(self) -> Result<Row, E> {
                Ok(Row::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Row, A::Error> {
                let mut out = Vec::new();
                while let Some(kv) = m.next_entry::<String, Value>()? {
                    out.push(kv);
                }
                Ok(Row(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// A column's GeoPackage type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    Integer,
    Real,
    Boolean,
    Text,
}

impl Type {
    pub fn sql(self) -> &'static str {
        match self {
            Type::Integer => "INTEGER",
            Type::Real => "REAL",
            Type::Boolean => "BOOLEAN",
            Type::Text => "TEXT",
        }
    }

    /// The narrowest type holding both.
    fn join(a: Option<Type>, b: Type) -> Type {
        match (a, b) {
            (None, b) => b,
            (Some(a), b) if a == b => a,
            (Some(Type::Integer), Type::Real) | (Some(Type::Real), Type::Integer) => Type::Real,
            _ => Type::Text,
        }
    }
}

/// One column of a layer: the property it comes from, its name in the
/// table and its type. A structured property gives two columns (`json`
/// says which one this is).
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub key: String,
    pub name: String,
    pub ty: Type,
    pub json: bool,
}

/// Names the GeoPackage table itself uses.
const RESERVED: [&str; 2] = ["fid", "geom"];

fn value_type(v: &Value) -> Option<(Type, bool)> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(_) => (Type::Boolean, false),
        Value::Number(n) if n.is_i64() => (Type::Integer, false),
        // u64 above i64::MAX does not fit SQLite's integer.
        Value::Number(_) => (Type::Real, false),
        Value::String(_) => (Type::Text, false),
        Value::Array(_) | Value::Object(_) => (Type::Text, true),
    })
}

/// The columns of rows, learnt one row at a time (a layer is read twice:
/// once for its columns, once to write it, so no layer is held in memory).
#[derive(Default)]
pub struct Infer {
    keys: Vec<(String, Option<Type>, bool)>,
    at: std::collections::HashMap<String, usize>,
}

impl Infer {
    pub fn add(&mut self, row: &Row) {
        for (k, v) in &row.0 {
            let i = match self.at.get(k) {
                Some(&i) => i,
                None => {
                    self.keys.push((k.clone(), None, false));
                    self.at.insert(k.clone(), self.keys.len() - 1);
                    self.keys.len() - 1
                }
            };
            if let Some((t, structured)) = value_type(v) {
                let e = &mut self.keys[i];
                e.1 = Some(Type::join(e.1, t));
                e.2 |= structured;
            }
        }
    }

    /// The columns, in the order their keys first appeared.
    pub fn columns(self) -> Vec<Column> {
        let mut out = Vec::new();
        for (key, ty, structured) in self.keys {
            let name = if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(&key)) {
                format!("{key}_")
            } else {
                key.clone()
            };
            out.push(Column {
                key: key.clone(),
                name: name.clone(),
                ty: ty.unwrap_or(Type::Text),
                json: false,
            });
            if structured {
                out.push(Column {
                    key,
                    name: format!("{name}_json"),
                    ty: Type::Text,
                    json: true,
                });
            }
        }
        out
    }
}

/// The columns of `rows` (see [`Infer`]).
pub fn infer<'a>(rows: impl Iterator<Item = &'a Row>) -> Vec<Column> {
    let mut i = Infer::default();
    rows.for_each(|r| i.add(r));
    i.columns()
}

/// A scalar as text (strings without quotes).
fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Array(items) => items.iter().map(scalar_text).collect::<Vec<_>>().join(";"),
        Value::Object(m) => m.values().map(scalar_text).collect::<Vec<_>>().join(": "),
        other => other.to_string(),
    }
}

/// The SQL value of `col` in `row`.
pub fn value(col: &Column, row: &Row) -> Sql {
    let Some(v) = row.get(&col.key).filter(|v| !v.is_null()) else {
        return Sql::Null;
    };
    if col.json {
        return Sql::Text(v.to_string());
    }
    match (col.ty, v) {
        (Type::Boolean, Value::Bool(b)) => Sql::Integer(i64::from(*b)),
        (Type::Integer, Value::Number(n)) => n.as_i64().map_or(Sql::Null, Sql::Integer),
        (Type::Real, Value::Number(n)) => n.as_f64().map_or(Sql::Null, Sql::Real),
        (_, v) => Sql::Text(scalar_text(v)),
    }
}

/// A CSV cell as a JSON value: empty is null, `true`/`false` a boolean, an
/// integer written as Rust writes it (no `+`, no leading zero: `0123` is a
/// code, not a number) an integer, a plain decimal number (no leading zero
/// before another digit) a number,
/// anything else text. The apostrophe that CSV writers put before a cell
/// starting with `=`, `+`, `-`, `@`, tab or carriage return (formula
/// neutralisation, see [`crate::safe_text::csv_cell`]) is taken off: a
/// GeoPackage runs no formulas.
pub fn csv_value(cell: &str) -> Value {
    if cell.is_empty() {
        return Value::Null;
    }
    match cell {
        "true" => return Value::Bool(true),
        "false" => return Value::Bool(false),
        _ => {}
    }
    if let Ok(i) = cell.parse::<i64>()
        && i.to_string() == cell
    {
        return Value::from(i);
    }
    let unsigned = cell.strip_prefix('-').unwrap_or(cell).as_bytes();
    let leading_zero = unsigned.len() > 1 && unsigned[0] == b'0' && unsigned[1].is_ascii_digit();
    let plain = !leading_zero
        && cell.bytes().any(|b| b.is_ascii_digit())
        && cell
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'e' | b'E' | b'+'))
        && !cell.starts_with('+');
    if plain
        && let Some(n) = cell
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
    {
        return Value::Number(n);
    }
    let b = cell.as_bytes();
    if b.first() == Some(&b'\'')
        && matches!(b.get(1), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'))
    {
        return Value::String(cell[1..].to_string());
    }
    Value::String(cell.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rows(text: &str) -> Vec<Row> {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn types_by_hand() {
        let r = rows(
            r#"[{"n": 1, "x": 1, "b": true, "s": "a", "l": ["P1", "P2"], "z": null, "fid": 7},
                {"n": 2, "x": 2.5, "b": false, "s": 3, "l": [], "z": null, "late": 1}]"#,
        );
        let cols = infer(r.iter());
        let got: Vec<(&str, Type, bool)> = cols
            .iter()
            .map(|c| (c.name.as_str(), c.ty, c.json))
            .collect();
        assert_eq!(
            got,
            vec![
                ("n", Type::Integer, false),
                ("x", Type::Real, false),
                ("b", Type::Boolean, false),
                ("s", Type::Text, false),
                ("l", Type::Text, false),
                ("l_json", Type::Text, true),
                ("z", Type::Text, false),
                ("fid_", Type::Integer, false),
                ("late", Type::Integer, false),
            ]
        );
        let v =
            |name: &str, row: usize| value(cols.iter().find(|c| c.name == name).unwrap(), &r[row]);
        assert_eq!(v("b", 0), Sql::Integer(1));
        assert_eq!(v("b", 1), Sql::Integer(0));
        assert_eq!(v("x", 0), Sql::Real(1.0));
        assert_eq!(v("s", 1), Sql::Text("3".into()));
        assert_eq!(v("l", 0), Sql::Text("P1;P2".into()));
        assert_eq!(v("l_json", 0), Sql::Text(r#"["P1","P2"]"#.into()));
        assert_eq!(v("l", 1), Sql::Text(String::new()));
        assert_eq!(v("z", 0), Sql::Null);
        assert_eq!(v("late", 0), Sql::Null);
    }

    #[test]
    fn objects_in_arrays_join_their_values() {
        let r = rows(
            r#"[{"f": [{"code": "RURAL", "detail": "rural share 0.6"}, {"code": "X", "detail": "y"}]}]"#,
        );
        let cols = infer(r.iter());
        assert_eq!(
            value(&cols[0], &r[0]),
            Sql::Text("RURAL: rural share 0.6;X: y".into())
        );
    }

    #[test]
    fn csv_cells() {
        assert_eq!(csv_value(""), Value::Null);
        assert_eq!(csv_value("12"), json!(12));
        assert_eq!(csv_value("-3"), json!(-3));
        assert_eq!(csv_value("0123"), json!("0123"));
        assert_eq!(csv_value("01.5"), json!("01.5"));
        assert_eq!(csv_value("-007"), json!("-007"));
        assert_eq!(csv_value("0"), json!(0));
        assert_eq!(csv_value("+5"), json!("+5"));
        assert_eq!(csv_value("0.2500"), json!(0.25));
        assert_eq!(csv_value("-0.5"), json!(-0.5));
        assert_eq!(csv_value("1e3"), json!(1000.0));
        assert_eq!(csv_value("NaN"), json!("NaN"));
        assert_eq!(csv_value("inf"), json!("inf"));
        assert_eq!(csv_value("true"), json!(true));
        assert_eq!(csv_value("E01000001"), json!("E01000001"));
        assert_eq!(csv_value("'=SUM(A1)"), json!("=SUM(A1)"));
        assert_eq!(csv_value("'plain"), json!("'plain"));
    }
}
