//! The HTTP seam (STYLE H7–H8): the only file that knows gloo-net. One urlencoded POST out, the
//! raw response back, converted into the core's [`ApiResult`]; the core classifies it. Moving to
//! `web_sys` fetch, or to fetch in JS, touches this file only.

use gloo_net::http::Request;
use serde_json::Value;
use web_sys::AbortSignal;

use crate::core::ApiResult;

/// A response of any status: for the transport, a 403 or a 500 is a success.
#[derive(Debug)]
pub(crate) struct Response {
    status: u16,
    text: String,
}

/// Why no complete response arrived.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HttpError {
    /// fetch rejected: offline, refused, CORS, DNS, or aborted at the deadline.
    #[error("{0}")]
    Network(String),
    /// The status arrived but the body could not be read (connection dropped, aborted).
    #[error("the response body could not be read: {0}")]
    Decode(String),
}

impl HttpError {
    /// The one converter of a rejected JS value (gloo-net wraps it).
    fn network(err: gloo_net::Error) -> Self {
        Self::Network(message(err))
    }

    fn decode(err: gloo_net::Error) -> Self {
        Self::Decode(message(err))
    }
}

/// The JS error's `message` ("Failed to fetch", "NetworkError when attempting to fetch
/// resource.", the abort reason), without the `TypeError: ` prefix.
fn message(err: gloo_net::Error) -> String {
    match err {
        gloo_net::Error::JsError(js) => js.message,
        gloo_net::Error::GlooError(text) => text,
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
    let response = Request::post(url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .abort_signal(Some(signal))
        .body(body)
        .map_err(HttpError::network)?
        .send()
        .await
        .map_err(HttpError::network)?;
    let status = response.status();
    let text = response.text().await.map_err(HttpError::decode)?;
    Ok(Response { status, text })
}

/// What the core is told: a response with its status and its body as JSON, or the text as a JSON
/// string when it isn't JSON (the validator's 403 is plain text); `network` when no complete
/// response arrived.
pub(crate) fn to_api_result(outcome: Result<Response, HttpError>) -> ApiResult {
    match outcome {
        Ok(Response { status, text }) => {
            let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
            // `http` rather than `ok` for a 2xx too, so a 201 or 204 keeps its status.
            ApiResult::http(status, body)
        }
        Err(err) => ApiResult::network(&err.to_string()),
    }
}
