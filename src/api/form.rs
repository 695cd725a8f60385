//! Form encoding exactly as the template's client does it: `encodeURIComponent` on keys and
//! values (so `+` becomes `%2B`), pairs joined by `&`, keys without a value dropped.

use crate::prelude::*;

use crate::core::json_out::{JsonWriter, ToJson};

/// Ordered form fields of one request, all strings. Serialized as a JSON object in order.
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// No fields.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a field (replacing an earlier one of the same key).
    #[inline(never)]
    pub fn with(mut self, key: &str, value: &str) -> Self {
        let value = value.to_owned();
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key.to_owned(), value)),
        }
        self
    }

    /// `conference` and `participant`: the fields of every request about one leg.
    #[inline(never)]
    pub fn leg(conference: &str, participant: &str) -> Self {
        Self::new()
            .with("conference", conference)
            .with("participant", participant)
    }

    /// Adds a field when `value` is `Some`.
    pub fn with_opt(self, key: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.with(key, v),
            None => self,
        }
    }

    /// A field's value.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The fields in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The urlencoded body, without `Token` (the driver appends it at send time).
    pub fn encode(&self) -> String {
        encode_form(self.iter().map(|(k, v)| (k, Some(v))))
    }
}

impl ToJson for Params {
    fn write_json(&self, out: &mut JsonWriter) {
        out.open();
        for (k, v) in &self.0 {
            out.key(k);
            out.str(v);
        }
        out.close();
    }
}

/// `encodeURIComponent`: everything but `A–Z a–z 0–9 - _ . ! ~ * ' ( )` is percent-encoded as
/// UTF-8.
pub fn encode_uri_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')'
            )
        {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
    out
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Encodes pairs; a `None` value drops the pair (the template drops `undefined`).
pub fn encode_form<'a>(pairs: impl IntoIterator<Item = (&'a str, Option<&'a str>)>) -> String {
    let mut out = String::new();
    for (k, v) in pairs {
        let Some(v) = v else { continue };
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(&encode_uri_component(k));
        out.push('=');
        out.push_str(&encode_uri_component(v));
    }
    out
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use crate::wasm_test as test;

    use super::*;

    #[test]
    fn a_plus_sign_is_sent_as_percent_2b_so_e164_survives() {
        assert_eq!(
            encode_form([("to", Some("+14155550100")), ("from", Some("+1 (415)"))]),
            "to=%2B14155550100&from=%2B1%20(415)"
        );
    }

    #[test]
    fn undefined_values_are_dropped_and_empty_strings_kept() {
        assert_eq!(
            encode_form([("a", Some("1")), ("b", None), ("c", Some(""))]),
            "a=1&c="
        );
    }

    #[test]
    fn encoding_matches_encode_uri_component_for_reserved_and_unicode_characters() {
        assert_eq!(
            encode_uri_component("sip:a@b.com;x=y&z?q#f/é!~*'()"),
            "sip%3Aa%40b.com%3Bx%3Dy%26z%3Fq%23f%2F%C3%A9!~*'()"
        );
    }

    #[test]
    fn params_keep_insertion_order_and_replace_duplicates() {
        let p = Params::new()
            .with("conference", "CF1")
            .with("participant", "CA1")
            .with("conference", "CF2");
        assert_eq!(p.encode(), "conference=CF2&participant=CA1");
        assert_eq!(
            crate::core::json_out::to_json(&p),
            r#"{"conference":"CF2","participant":"CA1"}"#
        );
    }
}
