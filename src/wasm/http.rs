//! The HTTP seam (STYLE H7–H8): the only file that calls `fetch`. One urlencoded POST out, the
//! raw response back, converted into the core's [`ApiResult`]; the core classifies it. It binds
//! the global `fetch` directly through `web_sys` (an HTTP client crate cost ~8 KB of the module
//! for this one request); moving to fetch in JS touches this file only.

use js_sys::{Object, Promise, Reflect};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, RequestInit};

use crate::core::json_text;
use crate::core::ApiResult;
use crate::wasm::convert::thrown_message;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (window or worker), looked up at every call, as a page's own wrapper
    /// or a test's fake may replace it. `catch`: a missing or throwing `fetch` is an error here.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn fetch(url: &str, init: &RequestInit) -> Result<Promise, JsValue>;
}

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
            Self::Decode(message) => format!("the response body could not be read: {message}"),
        }
    }
}

/// POSTs `body` (already urlencoded, `Token` included) to `url` with `Content-Type:
/// application/x-www-form-urlencoded` and no other header, so the browser sends it as a CORS
/// simple request, without a preflight (SPEC §8.1). `signal` aborts it (the deadline).
pub(crate) async fn post_form(
    url: &str,
    body: String,
    signal: &AbortSignal,
) -> Result<Response, HttpError> {
    let headers = Object::new();
    // invariant: defining a data property on a fresh, ordinary object cannot fail or throw.
    Reflect::set(
        &headers,
        &JsValue::from_str("Content-Type"),
        &JsValue::from_str("application/x-www-form-urlencoded"),
    )
    .unwrap_throw();
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(&body));
    init.set_signal(Some(signal));
    let network = |thrown: JsValue| HttpError::Network(thrown_message(&thrown));
    let promise = fetch(url, &init).map_err(network)?;
    let response: web_sys::Response = JsFuture::from(promise)
        .await
        .map_err(network)?
        .dyn_into()
        .map_err(|_| HttpError::Network("fetch did not resolve to a Response".to_owned()))?;
    let decode = |thrown: JsValue| HttpError::Decode(thrown_message(&thrown));
    let text = JsFuture::from(response.text().map_err(decode)?)
        .await
        .map_err(decode)?;
    Ok(Response {
        status: response.status(),
        text: text.as_string().unwrap_or_default(),
    })
}

/// What the core is told: a response with its status and its body as JSON, or the text as a JSON
/// string when it isn't JSON (the validator's 403 is plain text); `network` when no complete
/// response arrived.
pub(crate) fn to_api_result(outcome: Result<Response, HttpError>) -> ApiResult {
    match outcome {
        Ok(Response { status, text }) => {
            let body = json_text::parse(&text).unwrap_or(Value::String(text));
            // `http` rather than `ok` for a 2xx too, so a 201 or 204 keeps its status.
            ApiResult::http(status, body)
        }
        Err(err) => ApiResult::network(&err.message()),
    }
}
