//! The one way values cross the boundary: [`to_js`] out, [`from_js`] in, plus the checks on the
//! bare numbers (times and command ids) the exports take.
//!
//! Out: JSON text from the crate's own writer ([`json_out`](crate::core::json_out)) read back
//! by `JSON.parse`, so JavaScript gets plain objects and arrays, `null` for `None` (never
//! `undefined`) and no `Map`s. (One serializer for the whole crate: `serde_wasm_bindgen`'s,
//! building the objects call by call, was a second one, ~3 KB gzip; serde_json's, with serde's
//! derives, ~9 KB raw.)
//!
//! In: `JSON.stringify` (caught) and then the crate's own JSON reader ([`json_text`]), rather
//! than `serde_wasm_bindgen`'s deserializer. The latter turns `undefined` into `null`, BigInts into numbers and `NaN` into
//! `null` without a word, recurses forever on a cyclic object (a trap that leaves the engine
//! borrowed for good), and calls `Object.entries` unguarded, so a throwing getter or proxy trap
//! unwinds through Rust frames. `JSON.stringify` turns each of those into one catchable
//! exception, and its rules are the documented contract: every shape is a plain JSON object.
//! Consequences, by design: a function, symbol or `undefined` *property* is dropped (an
//! `undefined` field means absent, as everywhere in this API), `NaN` and `±Infinity` inside an
//! object read as `null`, a `toJSON` method is honoured; a BigInt, a cycle or a throwing getter
//! anywhere, and a top-level `undefined`, function or symbol, are errors with the caller's code.

use crate::prelude::*;

use wasm_bindgen::prelude::*;

use crate::core::float::{floor, fract};
use crate::core::float_text::float_text;
use crate::core::json_out::{to_json, ToJson};
use crate::core::json_text;
use crate::core::text::cat;
use crate::core::{CommandId, Config, CoreError, ErrorCode, Intent, Json, TaskSnapshot};
use crate::wasm::error::ConferenceError;
use crate::wasm::js;

/// The latest time accepted: the largest time value a JS `Date` can hold (year 275760). Every time
/// the engine derives from it (plus at most a day of configured delays) stays below 2^53, so it
/// leaves as an exact JS number.
const MAX_TIME_MS: f64 = 8.64e15;

/// Serializes an engine output for JavaScript: plain objects, `null` for `None`.
pub(crate) fn to_js<T: ToJson + ?Sized>(value: &T) -> JsValue {
    json_to_js(&to_json(value))
}

/// JSON text from [`to_json`] as a JS value.
pub(crate) fn json_to_js(text: &str) -> JsValue {
    // invariant: `to_json` writes JSON text, which `JSON.parse` reads back. (Integers beyond 2^53,
    // which only a `Json` from outside could hold, arrive rounded, as `JSON.parse` reads them.)
    js::json_parse(text).unwrap_throw()
}

/// Reads a JS value as JSON. `what` names the argument in messages; `code` is the error code a
/// value that is not JSON-compatible gets (the same code the core gives a wrongly shaped one).
pub(crate) fn from_js(
    value: &JsValue,
    code: ErrorCode,
    what: &str,
) -> Result<Json, ConferenceError> {
    let text = js::json_stringify(value).map_err(|thrown| {
        ConferenceError::new(
            code,
            cat(&[what, " is not JSON-compatible: ", &thrown_message(&thrown)]),
        )
    })?;
    let Some(text) = text.as_string() else {
        return Err(ConferenceError::new(
            code,
            cat(&[what, " must be a JSON value, got ", &type_of(value)]),
        ));
    };
    json_text::parse(&text).map_err(|err| {
        ConferenceError::new(code, cat(&[what, " could not be read: ", &err.text()]))
    })
}

/// Reads a task snapshot argument (`handleSnapshot` of both classes).
pub(crate) fn snapshot(task: &JsValue) -> Result<TaskSnapshot, ConferenceError> {
    let json = from_js(task, ErrorCode::InvalidSnapshot, "task")?;
    Ok(TaskSnapshot::read(&json)?)
}

/// Reads an intent argument (`handleIntent` of both classes).
pub(crate) fn intent(intent: &JsValue) -> Result<Intent, ConferenceError> {
    let json = from_js(intent, ErrorCode::InvalidIntent, "intent")?;
    Ok(Intent::read(&json)?)
}

/// Reads a time argument: a finite number of milliseconds from `Date.now()`, `0 ..= 8.64e15`.
/// Fractions (from `performance.now()` arithmetic, say) are floored.
pub(crate) fn time_ms(value: &JsValue) -> Result<u64, ConferenceError> {
    let ms = value.as_f64().ok_or_else(|| {
        ConferenceError::new(
            ErrorCode::InvalidTime,
            cat(&[
                "nowMs must be a number of milliseconds (Date.now()), got ",
                &type_of(value),
            ]),
        )
    })?;
    if !(0.0..=MAX_TIME_MS).contains(&ms) {
        return Err(ConferenceError::new(
            ErrorCode::InvalidTime,
            cat(&[
                "nowMs must be a finite number of milliseconds between 0 and 8.64e15, got ",
                &show_number(ms),
            ]),
        ));
    }
    // Exact: `ms` is finite, non-negative and below 2^53.
    Ok(floor(ms) as u64)
}

/// Reads the id of an `api` command: an integer `0 ..= u32::MAX`.
pub(crate) fn command_id(value: &JsValue) -> Result<CommandId, ConferenceError> {
    let id = value.as_f64().ok_or_else(|| {
        ConferenceError::new(
            ErrorCode::InvalidResult,
            cat(&[
                "id must be the number of an api command, got ",
                &type_of(value),
            ]),
        )
    })?;
    if fract(id) != 0.0 || !(0.0..=f64::from(CommandId::MAX)).contains(&id) {
        return Err(ConferenceError::new(
            ErrorCode::InvalidResult,
            cat(&[
                "id must be the integer id of an api command, got ",
                &show_number(id),
            ]),
        ));
    }
    // Exact: `id` is an integer within the u32 range.
    Ok(id as CommandId)
}

/// A number for messages, as serde_json writes it, with JavaScript's names for the non-finite ones.
/// (`f64`'s `Display` would link Rust's float formatter, about 13 KB, for two error messages.)
fn show_number(x: f64) -> String {
    if x.is_finite() {
        float_text(x)
    } else if x.is_nan() {
        "NaN".to_owned()
    } else if x > 0.0 {
        "Infinity".to_owned()
    } else {
        "-Infinity".to_owned()
    }
}

/// `typeof value`, for messages (`null` named as such).
pub(crate) fn type_of(value: &JsValue) -> String {
    if value.is_null() {
        return "null".to_owned();
    }
    value.js_typeof().as_string().unwrap_or_default()
}

/// The message of a thrown value, read without running any more of the caller's code than a
/// `message` getter (and catching that too).
pub(crate) fn thrown_message(thrown: &JsValue) -> String {
    if let Some(text) = thrown.as_string() {
        return text;
    }
    js::reflect_get(thrown, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| "it cannot be serialized".to_owned())
}

/// `Config::from_json` for the JS constructors: a configuration that leaves `random_seed` at its
/// default gets a fresh seed per engine (`Math.random()` mixed with the clock), so that two
/// browsers, or one browser before and after a reload, never draw the same add labels or the same
/// retry jitter. A configured `random_seed` is kept (tests replay runs with it).
pub(crate) fn config_from_json(json: &Json) -> Result<Config, CoreError> {
    let mut config = Config::read(json)?;
    if config.random_seed == Config::default().random_seed {
        // 32 random bits from Math.random, 32 from the clock's low bits.
        let random = (js::math_random() * 4_294_967_296.0) as u64;
        let clock = js::date_now() as u64;
        config.random_seed = (random << 32) ^ clock ^ 0x5851_F42D_4C95_7F2D;
    }
    Ok(config)
}
