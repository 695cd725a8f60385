//! Lenient readers over `serde_json::Value` for payloads that come from Flex and JavaScript.
//!
//! Unknown fields are ignored, `null` and absent mean the same, and a present field of the wrong
//! type is an error naming the field, so nothing panics and nothing is silently misread.

use serde_json::{Map, Value};

use crate::core::error::{CoreError, ErrorCode};

/// A view of one JSON object with a code for errors and a path for messages.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Obj<'a> {
    map: &'a Map<String, Value>,
    code: ErrorCode,
    path: &'a str,
}

impl<'a> Obj<'a> {
    /// Reads `value` as an object; `what` names it in the error.
    pub(crate) fn new(value: &'a Value, code: ErrorCode, path: &'a str) -> Result<Self, CoreError> {
        match value {
            Value::Object(map) => Ok(Self { map, code, path }),
            other => Err(CoreError::new(
                code,
                format!("{path} must be an object, got {}", type_name(other)),
            )),
        }
    }

    /// The raw field, `None` when absent or null.
    pub(crate) fn field(&self, key: &str) -> Option<&'a Value> {
        match self.map.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => Some(v),
        }
    }

    /// An optional nested object.
    pub(crate) fn obj(&self, key: &str, path: &'a str) -> Result<Option<Self>, CoreError> {
        self.field(key)
            .map(|v| Self::new(v, self.code, path))
            .transpose()
    }

    /// An optional boolean.
    pub(crate) fn bool(&self, key: &str) -> Result<Option<bool>, CoreError> {
        match self.field(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(self.wrong(key, "a boolean", other)),
        }
    }

    /// An optional string; empty strings are kept.
    pub(crate) fn str(&self, key: &str) -> Result<Option<&'a str>, CoreError> {
        match self.field(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(other) => Err(self.wrong(key, "a string", other)),
        }
    }

    /// An optional string where blank means absent.
    pub(crate) fn non_blank(&self, key: &str) -> Result<Option<&'a str>, CoreError> {
        Ok(self.str(key)?.map(str::trim).filter(|s| !s.is_empty()))
    }

    /// An optional non-negative integer no larger than `max`. (A `u32` bound: every bound fits, and
    /// formatting only 32-bit numbers in messages keeps the 64-bit formatter out of the module.)
    pub(crate) fn uint(&self, key: &str, max: u32) -> Result<Option<u64>, CoreError> {
        match self.field(key) {
            None => Ok(None),
            Some(Value::Number(n)) => {
                let v = n
                    .as_u64()
                    .or_else(|| {
                        n.as_f64()
                            .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                            .map(|f| f as u64)
                    })
                    .filter(|v| *v <= u64::from(max));
                v.map(Some).ok_or_else(|| {
                    CoreError::new(
                        self.code,
                        format!("{}.{key} must be an integer between 0 and {max}", self.path),
                    )
                })
            }
            Some(other) => Err(self.wrong(key, "a number", other)),
        }
    }

    /// An optional array.
    pub(crate) fn array(&self, key: &str) -> Result<Option<&'a Vec<Value>>, CoreError> {
        match self.field(key) {
            None => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(other) => Err(self.wrong(key, "an array", other)),
        }
    }

    fn wrong(&self, key: &str, expected: &str, got: &Value) -> CoreError {
        CoreError::new(
            self.code,
            format!(
                "{}.{key} must be {expected}, got {}",
                self.path,
                type_name(got)
            ),
        )
    }
}

/// The JSON type of a value, for messages.
pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
