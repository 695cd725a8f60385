//! Engine outputs as JSON text: the one writer of the crate, the counterpart of [`json_text`].
//!
//! Every output type implements [`ToJson`] next to its definition, so each JSON field name is
//! written in exactly one place. The text is what `serde_json::to_string` wrote for these types
//! before (compact, fields in declaration order, `null` for `None`, strings escaped the same
//! way); the unit tests pin every shape. It exists for size: serde's derives and serde_json's
//! serializer were about 9 KB of the WebAssembly module.
//!
//! [`json_text`]: crate::core::json_text

use crate::prelude::*;

use crate::core::value::{Json, Number};

use crate::core::float_text::float_text;
use crate::core::text::{push_uint, HEX};

/// A value the engine hands out as JSON.
pub(crate) trait ToJson {
    /// Appends this value's JSON text.
    fn write_json(&self, out: &mut JsonWriter);
}

/// Compact JSON text of `value`.
pub(crate) fn to_json<T: ToJson + ?Sized>(value: &T) -> String {
    let mut out = JsonWriter(String::new());
    value.write_json(&mut out);
    out.0
}

/// Appends JSON text. Objects: [`JsonWriter::open`], then [`JsonWriter::key`] and a value per
/// field, then [`JsonWriter::close`]; arrays: [`JsonWriter::open_array`], [`JsonWriter::item`]
/// before each element, [`JsonWriter::close_array`]. Separators are placed by looking at the text
/// written so far, so callers never track "first".
#[derive(Debug, Default)]
pub(crate) struct JsonWriter(String);

impl JsonWriter {
    /// `{`.
    pub(crate) fn open(&mut self) {
        self.0.push('{');
    }

    /// `}`.
    pub(crate) fn close(&mut self) {
        self.0.push('}');
    }

    /// `[`.
    pub(crate) fn open_array(&mut self) {
        self.0.push('[');
    }

    /// `]`.
    pub(crate) fn close_array(&mut self) {
        self.0.push(']');
    }

    /// A comma, unless this is the first element or field of its array or object.
    pub(crate) fn item(&mut self) {
        if !matches!(self.0.as_bytes().last(), None | Some(b'{' | b'[')) {
            self.0.push(',');
        }
    }

    /// The key of the next field, `"key":`, with its separator.
    pub(crate) fn key(&mut self, key: &str) {
        self.item();
        self.str(key);
        self.0.push(':');
    }

    /// A string, escaped as serde_json escapes it: `"` and `\`, the short escapes `\b \f \n \r
    /// \t`, and other control characters as `\u00XX`.
    pub(crate) fn str(&mut self, s: &str) {
        self.0.push('"');
        for c in s.chars() {
            match c {
                '"' => self.0.push_str("\\\""),
                '\\' => self.0.push_str("\\\\"),
                '\u{8}' => self.0.push_str("\\b"),
                '\u{c}' => self.0.push_str("\\f"),
                '\n' => self.0.push_str("\\n"),
                '\r' => self.0.push_str("\\r"),
                '\t' => self.0.push_str("\\t"),
                '\0'..='\u{1f}' => {
                    let b = c as u8;
                    self.0.push_str("\\u00");
                    self.0.push(char::from(HEX[usize::from(b >> 4)]));
                    self.0.push(char::from(HEX[usize::from(b & 0xf)]));
                }
                _ => self.0.push(c),
            }
        }
        self.0.push('"');
    }

    /// A non-negative integer.
    pub(crate) fn uint(&mut self, n: u64) {
        push_uint(&mut self.0, n);
    }

    /// A finite float, as serde_json writes it (`0.5`, `2.0`, `1e+300`).
    pub(crate) fn float(&mut self, x: f64) {
        self.0.push_str(&float_text(x));
    }

    /// `true` or `false`.
    pub(crate) fn bool(&mut self, b: bool) {
        self.0.push_str(if b { "true" } else { "false" });
    }

    /// `null`.
    pub(crate) fn null(&mut self) {
        self.0.push_str("null");
    }
}

impl ToJson for str {
    fn write_json(&self, out: &mut JsonWriter) {
        out.str(self);
    }
}

impl ToJson for String {
    fn write_json(&self, out: &mut JsonWriter) {
        out.str(self);
    }
}

impl ToJson for bool {
    fn write_json(&self, out: &mut JsonWriter) {
        out.bool(*self);
    }
}

impl ToJson for u64 {
    fn write_json(&self, out: &mut JsonWriter) {
        out.uint(*self);
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write_json(&self, out: &mut JsonWriter) {
        match self {
            Some(value) => value.write_json(out),
            None => out.null(),
        }
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, out: &mut JsonWriter) {
        out.open_array();
        for value in self {
            out.item();
            value.write_json(out);
        }
        out.close_array();
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, out: &mut JsonWriter) {
        self.as_slice().write_json(out);
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn write_json(&self, out: &mut JsonWriter) {
        (**self).write_json(out);
    }
}

impl ToJson for Json {
    fn write_json(&self, out: &mut JsonWriter) {
        match self {
            Self::Null => out.null(),
            Self::Bool(b) => out.bool(*b),
            Self::Number(Number::UInt(u)) => out.uint(*u),
            Self::Number(Number::Int(i)) => {
                out.0.push('-');
                out.uint(i.unsigned_abs());
            }
            // A fraction, or beyond 64 bits: serde_json's own float text.
            Self::Number(Number::Float(x)) => out.float(*x),
            Self::String(s) => out.str(s),
            Self::Array(items) => items.write_json(out),
            Self::Object(map) => {
                out.open();
                for (key, value) in map.iter() {
                    out.key(key);
                    value.write_json(out);
                }
                out.close();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use crate::wasm_test as test;

    use serde_json::json;

    use super::*;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let s = "a\"b\\c\u{8}\u{c}\n\r\t\u{0}\u{1f}\u{7f}é/😀";
        assert_eq!(
            to_json(s),
            r#""a\"b\\c\b\f\n\r\t\u0000\u001f"#.to_owned() + "\u{7f}é/😀\""
        );
        assert_eq!(serde_json::to_string(s).ok(), Some(to_json(s)));
    }

    #[test]
    fn integers_scalars_and_options_are_written_compactly() {
        for n in [0, 7, 10, 99, 1_000, 4_294_967_295, u64::MAX] {
            assert_eq!(to_json(&n), n.to_string());
        }
        assert_eq!(to_json(&true), "true");
        assert_eq!(to_json(&false), "false");
        assert_eq!(to_json(&None::<bool>), "null");
        assert_eq!(to_json(&Some("x")), r#""x""#);
        assert_eq!(to_json(&Vec::<bool>::new()), "[]");
        assert_eq!(to_json(&vec!["a", "b"]), r#"["a","b"]"#);
    }

    #[test]
    fn values_are_written_exactly_as_serde_json_writes_them() {
        let values = [
            json!(null),
            json!({}),
            json!([]),
            json!([[], {}, [1, [2]]]),
            json!({ "b": 1, "a": [true, false, null], "c": { "d": "e\"f" } }),
            json!({ "code": 20404, "status": 404, "message": "Not found", "neg": -5 }),
            json!({ "min": i64::MIN, "max": u64::MAX, "half": 0.5, "big": 1e300, "two": 2.0 }),
        ];
        for value in values {
            assert_eq!(
                Some(to_json(&Json::from(&value))),
                serde_json::to_string(&value).ok()
            );
        }
    }

    #[test]
    fn keys_and_items_get_separators_between_them_only() {
        let mut out = JsonWriter::default();
        out.open();
        out.key("a");
        out.open_array();
        out.item();
        out.uint(1);
        out.item();
        out.open();
        out.close();
        out.close_array();
        out.key("b\"");
        out.null();
        out.close();
        assert_eq!(out.0, r#"{"a":[1,{}],"b\"":null}"#);
    }
}
