//! The outcome of an `api` command, as the driver reports it.

use serde_json::Value;

use crate::core::error::{CoreError, ErrorCode};
use crate::core::json::Obj;
use crate::core::json_out::to_json;

/// The outcome of an `api` command as the driver saw it.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiResult {
    /// HTTP status; 0 when no response arrived.
    pub status: u16,
    /// The body: parsed JSON, or the raw text as a string.
    pub body: Value,
    /// Set when no response arrived.
    pub network_error: Option<String>,
}

impl ApiResult {
    /// Parses `{ ok, status, body, networkError }`. It takes the value: the body moves into the
    /// result rather than being copied (copying a JSON tree links its whole clone code).
    pub fn from_json(mut value: Value) -> Result<Self, CoreError> {
        let o = Obj::new(&value, ErrorCode::InvalidResult, "result")?;
        let ok = o.bool("ok")?;
        let status = o.uint("status", 999)?.unwrap_or(0);
        let status = u16::try_from(status).unwrap_or(0);
        let network_error = match o.field("networkError") {
            None | Some(Value::Bool(false)) => None,
            Some(Value::String(s)) => Some(s.clone()),
            // The JSON text, as `Display` would write it.
            Some(other) => Some(to_json(other)),
        };
        let ok = ok.ok_or_else(|| {
            CoreError::new(
                ErrorCode::InvalidResult,
                "result.ok is required (true or false)",
            )
        })?;
        if ok != (200..300).contains(&status) {
            return Err(CoreError::new(
                ErrorCode::InvalidResult,
                // As a `u32`: formatting a `u16` would link its own formatter.
                format!(
                    "result.ok is {ok} but result.status is {}",
                    u32::from(status)
                ),
            ));
        }
        let body = match value.get_mut("body") {
            Some(body) => body.take(),
            None => Value::Null,
        };
        Ok(Self {
            status,
            body,
            network_error: if ok { None } else { network_error },
        })
    }

    /// A successful JSON response (for tests and harnesses).
    pub fn ok(body: Value) -> Self {
        Self {
            status: 200,
            body,
            network_error: None,
        }
    }

    /// An HTTP error response.
    pub fn http(status: u16, body: Value) -> Self {
        Self {
            status,
            body,
            network_error: None,
        }
    }

    /// No response arrived.
    pub fn network(message: &str) -> Self {
        Self {
            status: 0,
            body: Value::Null,
            network_error: Some(message.to_owned()),
        }
    }
}
