//! Lenient readers over [`Json`] for payloads that come from Flex and JavaScript.
//!
//! Unknown fields are ignored, `null` and absent mean the same, and a present field of the wrong
//! type is an error naming the field, so nothing panics and nothing is silently misread.

use crate::prelude::*;

use core::cell::Cell;

use crate::core::error::{CoreError, ErrorCode};
use crate::core::float::fract;
use crate::core::text::{cat, uint};
use crate::core::value::{Json, Map};

/// The first error met while reading one input. Readers record into it and carry on with
/// "absent" instead of returning at each field, and the caller turns it into the result once at
/// the end ([`Errors::finish`]): the same first error as returning early, in a fraction of the
/// code (every early return had to move the error out and drop what was built so far).
pub(crate) struct Errors {
    code: ErrorCode,
    first: Cell<Option<CoreError>>,
}

impl Errors {
    /// No error yet; `code` is the code of every error recorded.
    pub(crate) fn new(code: ErrorCode) -> Self {
        Self {
            code,
            first: Cell::new(None),
        }
    }

    /// Records an error, unless one came first.
    #[inline(never)]
    pub(crate) fn fail(&self, message: impl Into<String>) {
        let first = self.first.take();
        self.first.set(Some(
            first.unwrap_or_else(|| CoreError::new(self.code, message)),
        ));
    }

    /// The first error, or `value` when there was none. (`None` without an error is never
    /// produced by the readers: each `None` they return follows a recorded error.)
    pub(crate) fn finish<T>(self, value: Option<T>) -> Result<T, CoreError> {
        match (self.first.into_inner(), value) {
            (Some(err), _) => Err(err),
            (None, Some(value)) => Ok(value),
            (None, None) => Err(CoreError::new(self.code, "unreadable input")),
        }
    }

    /// Reads `value` as an object; `path` names it in the error.
    pub(crate) fn obj<'a>(&'a self, value: &'a Json, path: &'a str) -> Option<Obj<'a>> {
        match value {
            Json::Object(map) => Some(Obj {
                map,
                errors: self,
                path,
            }),
            other => {
                self.fail(cat(&[path, " must be an object, got ", type_name(other)]));
                None
            }
        }
    }
}

/// A view of one JSON object, recording errors in its [`Errors`], with a path for messages.
/// Every reader gives `None` for absent, `null`, and wrong (the error recorded).
#[derive(Clone, Copy)]
pub(crate) struct Obj<'a> {
    map: &'a Map,
    errors: &'a Errors,
    path: &'a str,
}

impl<'a> Obj<'a> {
    /// The raw field, `None` when absent or null.
    pub(crate) fn field(&self, key: &str) -> Option<&'a Json> {
        match self.map.get(key) {
            None | Some(Json::Null) => None,
            Some(v) => Some(v),
        }
    }

    /// An optional nested object.
    pub(crate) fn obj(&self, key: &str, path: &'a str) -> Option<Self> {
        self.errors.obj(self.field(key)?, path)
    }

    /// An optional boolean.
    pub(crate) fn bool(&self, key: &str) -> Option<bool> {
        match self.field(key)? {
            Json::Bool(b) => Some(*b),
            other => {
                self.wrong(key, "a boolean", other);
                None
            }
        }
    }

    /// An optional string; empty strings are kept.
    pub(crate) fn str(&self, key: &str) -> Option<&'a str> {
        match self.field(key)? {
            Json::String(s) => Some(s.as_str()),
            other => {
                self.wrong(key, "a string", other);
                None
            }
        }
    }

    /// An optional string where blank means absent.
    pub(crate) fn non_blank(&self, key: &str) -> Option<&'a str> {
        self.str(key).map(str::trim).filter(|s| !s.is_empty())
    }

    /// An optional non-negative integer no larger than `max`. (A `u32` bound: every bound fits, and
    /// formatting only 32-bit numbers in messages keeps the 64-bit formatter out of the module.)
    pub(crate) fn uint(&self, key: &str, max: u32) -> Option<u64> {
        match self.field(key)? {
            Json::Number(n) => {
                let v = n
                    .as_u64()
                    .or_else(|| {
                        Some(n.as_f64())
                            .filter(|f| fract(*f) == 0.0 && *f >= 0.0)
                            .map(|f| f as u64)
                    })
                    .filter(|v| *v <= u64::from(max));
                if v.is_none() {
                    self.errors.fail(cat(&[
                        self.path,
                        ".",
                        key,
                        " must be an integer between 0 and ",
                        &uint(max.into()),
                    ]));
                }
                v
            }
            other => {
                self.wrong(key, "a number", other);
                None
            }
        }
    }

    /// An optional array.
    pub(crate) fn array(&self, key: &str) -> Option<&'a Vec<Json>> {
        match self.field(key)? {
            Json::Array(a) => Some(a),
            other => {
                self.wrong(key, "an array", other);
                None
            }
        }
    }

    /// Records that `key` holds `got` where `expected` belongs.
    fn wrong(&self, key: &str, expected: &str, got: &Json) {
        self.errors.fail(cat(&[
            self.path,
            ".",
            key,
            " must be ",
            expected,
            ", got ",
            type_name(got),
        ]));
    }
}

/// The JSON type of a value, for messages.
pub(crate) fn type_name(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}
