//! `ConferenceError`: bad input crossing into JavaScript as a real `Error` with a stable `code`.

use crate::prelude::*;

use core::fmt;

use wasm_bindgen::prelude::*;

use crate::core::json_out::{JsonWriter, ToJson};
use crate::core::{CoreError, ErrorCode};
use crate::wasm::js;

/// The `name` every error from this package carries in JavaScript.
const NAME: &str = "ConferenceError";

/// An error caused by input from JavaScript: a stable [`ErrorCode`] to branch on and a message fit
/// to show a person.
///
/// Thrown from the exports as a JS `Error` (so `instanceof Error` holds and it has a `stack`) with
/// `name = "ConferenceError"`, a string `code` (`"invalid_config"`, `"invalid_snapshot"`, …) and
/// `message`. Refused intents carry the same three fields as a plain object in
/// `IntentOutcome.error`.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct ConferenceError(CoreError);

impl ConferenceError {
    /// An error with a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self(CoreError::new(code, message))
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.0.code
    }

    /// The readable message.
    pub fn message(&self) -> &str {
        &self.0.message
    }
}

impl From<CoreError> for ConferenceError {
    fn from(err: CoreError) -> Self {
        Self(err)
    }
}

impl fmt::Display for ConferenceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{NAME} ({}): {}", self.0.code, self.0.message)
    }
}

impl core::error::Error for ConferenceError {}

impl From<ConferenceError> for JsValue {
    fn from(err: ConferenceError) -> Self {
        let js = js::Error::new(&err.0.message);
        js.set_name(NAME);
        // invariant: defining a data property on a fresh, ordinary, extensible Error object
        // cannot fail or throw.
        js::reflect_set(
            &js,
            &Self::from_str("code"),
            &Self::from_str(err.0.code.as_str()),
        )
        .unwrap_throw();
        js.into()
    }
}

/// `{ name: "ConferenceError", code, message }`, serialized inside JSON-shaped results such as
/// `IntentOutcome.error`, which stay plain objects (no `Error` instances in React props).
#[derive(Clone, Copy, Debug)]
pub(crate) struct PlainError<'a> {
    name: &'static str,
    code: &'static str,
    message: &'a str,
}

impl<'a> From<&'a CoreError> for PlainError<'a> {
    fn from(err: &'a CoreError) -> Self {
        Self {
            name: NAME,
            code: err.code.as_str(),
            message: &err.message,
        }
    }
}

impl ToJson for PlainError<'_> {
    fn write_json(&self, out: &mut JsonWriter) {
        out.open();
        out.key("name");
        out.str(self.name);
        out.key("code");
        out.str(self.code);
        out.key("message");
        out.str(self.message);
        out.close();
    }
}
