//! [`Json`]: the crate's own JSON value, what the engine reads its inputs from and writes its
//! command contexts and payloads with.
//!
//! It exists for size: `serde_json::Value` keeps objects in a `BTreeMap`, whose node code was
//! about 6 KB of the WebAssembly module. Here an object is a `Vec` of entries kept sorted by key,
//! so it reads, compares and writes (keys in order, a repeated key keeping its last value) as
//! `serde_json::Value` does, and numbers keep serde_json's three kinds, so the JSON text written is
//! the same. The Rust API still takes `serde_json::Value` where it did (`from_json`), converting at
//! the edge; the conversions and the comparisons below serve the tests and Rust callers and are
//! never linked into the module.

use crate::prelude::*;

use core::fmt;
use core::ops::Index;

use serde_json::Value;

use crate::core::json_out::to_json;

/// A JSON value.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Json {
    /// `null`.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Self>),
    /// An object.
    Object(Map),
}

/// A JSON number, in serde_json's three kinds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// A non-negative integer.
    UInt(u64),
    /// A negative integer.
    Int(i64),
    /// Anything else (finite).
    Float(f64),
}

impl Number {
    /// The value as a `u64`, when it is a non-negative integer.
    pub fn as_u64(self) -> Option<u64> {
        match self {
            Self::UInt(n) => Some(n),
            _ => None,
        }
    }

    /// The value as an `f64` (rounded when large).
    pub fn as_f64(self) -> f64 {
        match self {
            Self::UInt(n) => n as f64,
            Self::Int(n) => n as f64,
            Self::Float(x) => x,
        }
    }
}

/// A JSON object: entries sorted by key, keys unique.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Map(Vec<(String, Json)>);

impl Map {
    /// An empty object.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Json> {
        let i = self.find(key).ok()?;
        self.0.get(i).map(|(_, v)| v)
    }

    /// Sets `key` to `value` (a repeated key keeps the last value).
    pub fn insert(&mut self, key: String, value: Json) {
        match self.find(&key) {
            Ok(i) => {
                if let Some(entry) = self.0.get_mut(i) {
                    entry.1 = value;
                }
            }
            Err(i) => self.0.insert(i, (key, value)),
        }
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Json> {
        let i = self.find(key).ok()?;
        Some(self.0.remove(i).1)
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Json)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }
}

impl Json {
    /// The field `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Self> {
        match self {
            Self::Object(map) => map.get(key),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number as a `u64`, if it is a non-negative integer.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Self::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    /// The number as an `f64`, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Self::Number(n) => Some(n.as_f64()),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// Whether this is a string.
    pub fn is_string(&self) -> bool {
        matches!(self, Self::String(_))
    }

    /// Whether this is an object.
    pub fn is_object(&self) -> bool {
        matches!(self, Self::Object(_))
    }
}

/// An object of these fields (later keys win, as with repeated inserts).
pub(crate) fn object<const N: usize>(fields: [(&str, Json); N]) -> Json {
    let mut map = Map::new();
    for (key, value) in fields {
        map.insert(key.to_owned(), value);
    }
    Json::Object(map)
}

impl From<&str> for Json {
    fn from(s: &str) -> Self {
        Self::String(s.to_owned())
    }
}

impl From<String> for Json {
    fn from(s: String) -> Self {
        Self::String(s)
    }
}

impl From<bool> for Json {
    fn from(b: bool) -> Self {
        Self::Bool(b)
    }
}

impl From<u16> for Json {
    fn from(n: u16) -> Self {
        Self::Number(Number::UInt(u64::from(n)))
    }
}

impl From<u32> for Json {
    fn from(n: u32) -> Self {
        Self::Number(Number::UInt(u64::from(n)))
    }
}

impl From<u64> for Json {
    fn from(n: u64) -> Self {
        Self::Number(Number::UInt(n))
    }
}

impl From<&Value> for Json {
    fn from(value: &Value) -> Self {
        match value {
            Value::Null => Self::Null,
            Value::Bool(b) => Self::Bool(*b),
            Value::Number(n) => Self::Number(match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => Number::UInt(u),
                (None, Some(i)) => Number::Int(i),
                (None, None) => Number::Float(n.as_f64().unwrap_or_default()),
            }),
            Value::String(s) => Self::String(s.clone()),
            Value::Array(items) => Self::Array(items.iter().map(Self::from).collect()),
            Value::Object(fields) => {
                let mut map = Map::new();
                for (k, v) in fields {
                    map.insert(k.clone(), Self::from(v));
                }
                Self::Object(map)
            }
        }
    }
}

impl From<Value> for Json {
    fn from(value: Value) -> Self {
        Self::from(&value)
    }
}

impl From<&Json> for Value {
    fn from(json: &Json) -> Self {
        match json {
            Json::Null => Self::Null,
            Json::Bool(b) => Self::Bool(*b),
            Json::Number(Number::UInt(n)) => Self::from(*n),
            Json::Number(Number::Int(n)) => Self::from(*n),
            Json::Number(Number::Float(x)) => Self::from(*x),
            Json::String(s) => Self::String(s.clone()),
            Json::Array(items) => Self::Array(items.iter().map(Self::from).collect()),
            Json::Object(map) => Self::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), Self::from(v)))
                    .collect(),
            ),
        }
    }
}

impl From<Json> for Value {
    fn from(json: Json) -> Self {
        Self::from(&json)
    }
}

/// `null` for a missing field, as with `serde_json::Value`.
static NULL: Json = Json::Null;

impl Index<&str> for Json {
    type Output = Self;

    fn index(&self, key: &str) -> &Self {
        self.get(key).unwrap_or(&NULL)
    }
}

/// The compact JSON text, as `serde_json::Value`'s `Display` writes it.
impl fmt::Display for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&to_json(self))
    }
}

/// Equal as `serde_json::Value`s are (numbers of different kinds differ, objects by entries).
fn eq_value(json: &Json, value: &Value) -> bool {
    match (json, value) {
        (Json::Null, Value::Null) => true,
        (Json::Bool(a), Value::Bool(b)) => a == b,
        (Json::Number(Number::UInt(a)), Value::Number(b)) => b.is_u64() && b.as_u64() == Some(*a),
        (Json::Number(Number::Int(a)), Value::Number(b)) => {
            !b.is_u64() && b.is_i64() && b.as_i64() == Some(*a)
        }
        (Json::Number(Number::Float(a)), Value::Number(b)) => b.is_f64() && b.as_f64() == Some(*a),
        (Json::String(a), Value::String(b)) => a == b,
        (Json::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| eq_value(x, y))
        }
        (Json::Object(a), Value::Object(b)) => {
            a.0.len() == b.len()
                && a.iter()
                    .all(|(k, v)| b.get(k).is_some_and(|w| eq_value(v, w)))
        }
        _ => false,
    }
}

impl PartialEq<Value> for Json {
    fn eq(&self, other: &Value) -> bool {
        eq_value(self, other)
    }
}

impl PartialEq<Json> for Value {
    fn eq(&self, other: &Json) -> bool {
        eq_value(other, self)
    }
}

impl Json {
    /// The number as an `i64`, when it is an integer in range (as `serde_json::Value::as_i64`).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Number(Number::UInt(n)) => i64::try_from(*n).ok(),
            Self::Number(Number::Int(n)) => Some(*n),
            _ => None,
        }
    }
}

impl PartialEq<bool> for Json {
    fn eq(&self, other: &bool) -> bool {
        self.as_bool() == Some(*other)
    }
}

impl PartialEq<str> for Json {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for Json {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl PartialEq<String> for Json {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == Some(other.as_str())
    }
}

impl PartialEq<f64> for Json {
    fn eq(&self, other: &f64) -> bool {
        self.as_f64() == Some(*other)
    }
}

/// Integers compare as `serde_json::Value` compares them: signed ones through `as_i64`,
/// unsigned ones through `as_u64`.
macro_rules! eq_int {
    ($as:ident: $($t:ty => $wide:ty),*) => {$(
        impl PartialEq<$t> for Json {
            fn eq(&self, other: &$t) -> bool {
                self.$as() == Some(<$wide>::from(*other))
            }
        }
    )*};
}

eq_int!(as_i64: i32 => i64, i64 => i64);
eq_int!(as_u64: u16 => u64, u32 => u64, u64 => u64);

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use crate::wasm_test as test;

    use serde_json::json;

    use super::*;

    #[test]
    fn objects_read_compare_and_write_as_serde_json_values_do() {
        let value = json!({"b": [1, -2, 2.5, "x", null, true], "a": {"z": 1, "y": {}}});
        let ours = Json::from(&value);
        assert_eq!(to_json(&ours), value.to_string());
        assert_eq!(Value::from(&ours), value);
        assert_eq!(ours["b"], json!([1, -2, 2.5, "x", null, true]));
        assert_eq!(ours["a"]["z"], 1);
        assert!(ours["missing"].is_null());
        let mut map = Map::new();
        map.insert("k".into(), Json::from(1_u32));
        map.insert("a".into(), Json::Null);
        map.insert("k".into(), Json::from("last"));
        assert_eq!(to_json(&Json::Object(map)), r#"{"a":null,"k":"last"}"#);
    }
}
