//! The outcome of an `api` command, as the driver reports it.

use crate::prelude::*;

use crate::core::error::{CoreError, ErrorCode};
use crate::core::json::Errors;
use crate::core::json_out::to_json;
use crate::core::text::{cat, uint};
use crate::core::value::Json;

/// The outcome of an `api` command as the driver saw it.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiResult {
    /// HTTP status; 0 when no response arrived.
    pub status: u16,
    /// The body: parsed JSON, or the raw text as a string.
    pub body: Json,
    /// Set when no response arrived.
    pub network_error: Option<String>,
}

impl ApiResult {
    /// Parses `{ ok, status, body, networkError }`. It takes the value: the body moves into the
    /// result rather than being copied (copying a JSON tree links its whole clone code).
    pub fn from_json(value: serde_json::Value) -> Result<Self, CoreError> {
        Self::read(Json::from(value))
    }

    /// [`ApiResult::from_json`] over the crate's own [`Json`].
    pub(crate) fn read(mut value: Json) -> Result<Self, CoreError> {
        let errors = Errors::new(ErrorCode::InvalidResult);
        let fields = errors.obj(&value, "result").map(|o| {
            let ok = o.bool("ok");
            let status = o.uint("status", 999).unwrap_or(0);
            let network_error = match o.field("networkError") {
                None | Some(Json::Bool(false)) => None,
                Some(Json::String(s)) => Some(s.clone()),
                // The JSON text, as `Display` would write it.
                Some(other) => Some(to_json(other)),
            };
            (ok, status, network_error)
        });
        let (ok, status, network_error) = match fields {
            Some((Some(ok), status, network_error)) => (ok, status, network_error),
            Some((None, ..)) => {
                errors.fail("result.ok is required (true or false)");
                return errors.finish(None);
            }
            None => return errors.finish(None),
        };
        let status = u16::try_from(status).unwrap_or(0);
        if ok != (200..300).contains(&status) {
            errors.fail(cat(&[
                "result.ok is ",
                if ok { "true" } else { "false" },
                " but result.status is ",
                &uint(status.into()),
            ]));
        }
        errors.finish(Some(()))?;
        let body = match &mut value {
            Json::Object(map) => map.remove("body").unwrap_or_default(),
            _ => Json::Null,
        };
        Ok(Self {
            status,
            body,
            network_error: if ok { None } else { network_error },
        })
    }

    /// A successful JSON response (for tests and harnesses).
    pub fn ok(body: impl Into<Json>) -> Self {
        Self {
            status: 200,
            body: body.into(),
            network_error: None,
        }
    }

    /// An HTTP error response.
    pub fn http(status: u16, body: impl Into<Json>) -> Self {
        Self {
            status,
            body: body.into(),
            network_error: None,
        }
    }

    /// No response arrived.
    pub fn network(message: &str) -> Self {
        Self {
            status: 0,
            body: Json::Null,
            network_error: Some(message.to_owned()),
        }
    }
}
