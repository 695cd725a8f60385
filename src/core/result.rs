//! The outcome of an `api` command, as the driver reports it.

use serde_json::Value;

use crate::core::error::{CoreError, ErrorCode};
use crate::core::json::Obj;

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
    /// Parses `{ ok, status, body, networkError }`.
    pub fn from_json(value: &Value) -> Result<Self, CoreError> {
        let o = Obj::new(value, ErrorCode::InvalidResult, "result")?;
        let ok = o.bool("ok")?;
        let status = o.uint("status", 999)?.unwrap_or(0);
        let status = u16::try_from(status).unwrap_or(0);
        let network_error = match o.field("networkError") {
            None | Some(Value::Bool(false)) => None,
            Some(Value::String(s)) => Some(s.clone()),
            // The JSON text, as `Display` would write it (that impl would link a second writer).
            Some(other) => Some(serde_json::to_string(other).unwrap_or_default()),
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
                format!("result.ok is {ok} but result.status is {status}"),
            ));
        }
        Ok(Self {
            status,
            body: o.field("body").cloned().unwrap_or(Value::Null),
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
