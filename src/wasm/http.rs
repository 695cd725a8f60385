//! The HTTP seam (STYLE H7–H8): the only file that calls `fetch`. One urlencoded POST out, the
//! raw response back, converted into the core's [`ApiResult`]; the core classifies it. It binds
//! the global `fetch` directly (`js::fetch`; an HTTP client crate cost ~8 KB of the module
//! for this one request); moving to fetch in JS touches this file only.

use crate::prelude::*;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::core::json_text;
use crate::core::text::cat;
use crate::core::ApiResult;
use crate::core::Json;
use crate::wasm::convert::thrown_message;
use crate::wasm::js::{self, Object};
use crate::wasm::promise::{on_settled, Settled};

/// A response of any status: for the transport, a 403 or a 500 is a success.
#[derive(Debug)]
pub(crate) struct Response {
    status: u16,
    text: String,
}

/// Why no complete response arrived.
#[derive(Debug)]
pub(crate) enum HttpError {
    /// fetch rejected: offline, refused, CORS, DNS, or aborted at the deadline.
    Network(String),
    /// The status arrived but the body could not be read (connection dropped, aborted).
    Decode(String),
}

impl HttpError {
    /// What the engine is told: the JS error's `message` ("Failed to fetch", "NetworkError when
    /// attempting to fetch resource.", the abort reason), without the `TypeError: ` prefix.
    fn message(self) -> String {
        match self {
            Self::Network(message) => message,
            Self::Decode(message) => cat(&["the response body could not be read: ", &message]),
        }
    }
}

/// POSTs `body` (already urlencoded, `Token` included) to `url` with `Content-Type:
/// application/x-www-form-urlencoded` and no other header, so the browser sends it as a CORS
/// simple request, without a preflight (SPEC §8.1). `signal` aborts it (the deadline). `done` gets
/// the outcome: at once when `fetch` throws, otherwise in a later microtask.
pub(crate) fn post_form(url: &str, body: &str, signal: &JsValue, done: Done) {
    let headers = Object::new();
    set(
        &headers,
        "Content-Type",
        &"application/x-www-form-urlencoded".into(),
    );
    let init = Object::new();
    set(&init, "method", &"POST".into());
    set(&init, "headers", &headers);
    set(&init, "body", &body.into());
    set(&init, "signal", signal);
    match js::fetch(url, &init) {
        Ok(promise) => on_settled(
            &promise,
            Box::new(move |outcome| on_response(outcome, done)),
        ),
        Err(thrown) => done(Err(network(thrown))),
    }
}

/// `object[key] = value` on a fresh, ordinary object of ours.
fn set(object: &JsValue, key: &str, value: &JsValue) {
    // invariant: defining a data property on a fresh, ordinary object cannot fail or throw.
    js::reflect_set(object, &JsValue::from_str(key), value).unwrap_throw();
}

/// What `post_form` reports to.
pub(crate) type Done = Box<dyn FnOnce(Result<Response, HttpError>)>;

/// `fetch` settled: read the body of its response.
fn on_response(outcome: Settled, done: Done) {
    let response = match outcome.map_err(network).and_then(|value| {
        value
            .dyn_into::<js::Response>()
            .map_err(|_| HttpError::Network("fetch did not resolve to a Response".to_owned()))
    }) {
        Ok(response) => response,
        Err(err) => return done(Err(err)),
    };
    let status = response.status();
    match response.text() {
        Ok(text) => on_settled(
            &text,
            Box::new(move |outcome| {
                done(outcome.map_err(decode).map(|text| Response {
                    status,
                    text: text.as_string().unwrap_or_default(),
                }));
            }),
        ),
        Err(thrown) => done(Err(decode(thrown))),
    }
}

/// fetch rejected or threw.
fn network(thrown: JsValue) -> HttpError {
    HttpError::Network(thrown_message(&thrown))
}

/// The body could not be read.
fn decode(thrown: JsValue) -> HttpError {
    HttpError::Decode(thrown_message(&thrown))
}

/// What the core is told: a response with its status and its body as JSON, or the text as a JSON
/// string when it isn't JSON (the validator's 403 is plain text); `network` when no complete
/// response arrived.
pub(crate) fn to_api_result(outcome: Result<Response, HttpError>) -> ApiResult {
    match outcome {
        Ok(Response { status, text }) => {
            let body = json_text::parse(&text).unwrap_or(Json::String(text));
            // `http` rather than `ok` for a 2xx too, so a 201 or 204 keeps its status.
            ApiResult::http(status, body)
        }
        Err(err) => ApiResult::network(&err.message()),
    }
}
