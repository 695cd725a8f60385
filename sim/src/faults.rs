//! Injected faults (`POST /sim/faults`), with the semantics of the native harness's `FaultKind`
//! (`tests/common/backend.rs`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::endpoint::Endpoint;
use crate::model::doc_page;

/// A fault as posted (`POST /sim/faults`) and listed (`GET /sim/faults`).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct FaultSpec {
    /// Endpoint name, e.g. `update-participant`.
    pub(crate) endpoint: String,
    /// HTTP status to answer (with `commitThenFail`: after committing; 0 = drop).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) status: Option<u16>,
    /// Twilio error code of the envelope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) twilio_error_code: Option<u32>,
    /// Message of the envelope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) message: Option<String>,
    /// How many matching requests it hits (default 1; at least 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) times: Option<u32>,
    /// Delay before answering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) latency_ms: Option<u64>,
    /// Close the connection before any response byte; nothing is done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) drop: Option<bool>,
    /// Do the operation, then fail the response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) commit_then_fail: Option<bool>,
    /// Only requests whose `conference` or `taskSid` names this conference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) conference: Option<String>,
    /// Only requests whose `participant` or `callSid` names this leg, by call SID or label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) participant: Option<String>,
    /// Only requests whose `to` is this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) to: Option<String>,
}

/// What a fault does.
#[derive(Clone, Debug, Eq, PartialEq)]
pub(crate) enum FaultKind {
    /// Answer this status with the template's Twilio error envelope; nothing is done.
    Http(Failure),
    /// The connection closes before any response byte; nothing is done.
    Drop,
    /// The operation is carried out, then the response fails (`status` 0: the connection drops).
    CommitThenFail(Failure),
    /// Only a delay; the request is then served normally.
    Latency,
}

/// An injected failure answer.
#[derive(Clone, Debug, Eq, PartialEq)]
pub(crate) struct Failure {
    /// HTTP status; 0 = the connection drops.
    pub(crate) status: u16,
    /// Twilio code, if any.
    pub(crate) code: Option<u32>,
    /// Message.
    pub(crate) message: String,
}

impl Failure {
    fn new(status: u16, code: Option<u32>, message: Option<String>) -> Self {
        let message = message.unwrap_or_else(|| default_message(status, code));
        Self {
            status,
            code,
            message,
        }
    }

    /// The body the template would send: the Twilio envelope when there is a code, else
    /// `{ success: false, message }` (the template's `extractStandardResponse` drops undefined
    /// keys).
    pub(crate) fn body(&self) -> Value {
        match self.code {
            Some(code) => json!({
                "success": false,
                "message": self.message,
                "twilioErrorCode": code,
                "twilioDocPage": doc_page(code),
            }),
            None => json!({"success": false, "message": self.message}),
        }
    }

    /// The reference wrapper retries 412, 429, 503 and lost responses (SPEC §8.6).
    pub(crate) fn retryable(&self) -> bool {
        matches!(self.status, 0 | 412 | 429 | 503)
    }
}

/// The native harness's default messages.
fn default_message(status: u16, code: Option<u32>) -> String {
    match (status, code) {
        (_, Some(20429)) | (429, _) => "Too Many Requests".to_owned(),
        (_, Some(13223)) => "Invalid phone number format".to_owned(),
        (503, None) => "Service Unavailable".to_owned(),
        (_, Some(c)) => format!("Twilio error {c}"),
        (_, None) => format!("HTTP {status}"),
    }
}

/// The HTTP status a Twilio code implies when a fault gives only the code.
fn status_of_code(code: u32) -> u16 {
    match code {
        20003 => 401,
        20404 => 404,
        20429 => 429,
        _ => 400,
    }
}

/// An injected fault.
#[derive(Clone, Debug)]
pub(crate) struct Fault {
    /// Id for the control API.
    pub(crate) id: u64,
    /// Endpoint it hits.
    pub(crate) endpoint: Endpoint,
    /// As posted.
    pub(crate) spec: FaultSpec,
    /// What it does.
    pub(crate) kind: FaultKind,
    /// Matching requests it still hits.
    pub(crate) remaining: u32,
}

impl Fault {
    /// Validates a posted fault.
    pub(crate) fn from_spec(id: u64, spec: FaultSpec) -> Result<Self, String> {
        let endpoint = Endpoint::parse(&spec.endpoint)
            .ok_or_else(|| format!("unknown endpoint {:?}", spec.endpoint))?;
        let drop = spec.drop == Some(true);
        let commit = spec.commit_then_fail == Some(true);
        let error_status = |s: u16| {
            if (400..=599).contains(&s) {
                Ok(s)
            } else {
                Err(format!("status {s} is not an HTTP error status (400-599)"))
            }
        };
        let kind = if commit {
            let status = match (drop, spec.status) {
                (true, _) | (false, None | Some(0)) => 0,
                (false, Some(s)) => error_status(s)?,
            };
            FaultKind::CommitThenFail(Failure::new(
                status,
                spec.twilio_error_code,
                spec.message.clone(),
            ))
        } else if drop {
            FaultKind::Drop
        } else if spec.status.is_some() || spec.twilio_error_code.is_some() {
            let status = match (spec.status, spec.twilio_error_code) {
                (Some(s), _) => error_status(s)?,
                (None, Some(code)) => status_of_code(code),
                (None, None) => 500,
            };
            FaultKind::Http(Failure::new(
                status,
                spec.twilio_error_code,
                spec.message.clone(),
            ))
        } else if spec.latency_ms.is_some() {
            FaultKind::Latency
        } else {
            return Err(
                "a fault needs status, twilioErrorCode, drop, commitThenFail or latencyMs"
                    .to_owned(),
            );
        };
        let remaining = spec.times.unwrap_or(1);
        if remaining == 0 {
            return Err("times must be at least 1 (a fault that never hits)".to_owned());
        }
        Ok(Self {
            id,
            endpoint,
            remaining,
            spec,
            kind,
        })
    }

    /// Whether this fault hits a request; `same_conference` tells whether two conference keys
    /// (SIDs or friendly names) name the same conference, `same_leg` whether two participant
    /// keys (call SIDs or labels) name the same leg.
    pub(crate) fn matches(
        &self,
        endpoint: Endpoint,
        params: &BTreeMap<String, String>,
        same_conference: impl Fn(&str, &str) -> bool,
        same_leg: impl Fn(&str, &str) -> bool,
    ) -> bool {
        let field = |keys: &[&str]| keys.iter().find_map(|k| params.get(*k).map(String::as_str));
        self.remaining > 0
            && self.endpoint == endpoint
            && self.spec.conference.as_deref().is_none_or(|want| {
                field(&["conference", "taskSid"]).is_some_and(|got| same_conference(want, got))
            })
            && self.spec.participant.as_deref().is_none_or(|want| {
                field(&["participant", "callSid"]).is_some_and(|got| same_leg(want, got))
            })
            && self
                .spec
                .to
                .as_deref()
                .is_none_or(|want| field(&["to"]) == Some(want))
    }

    /// The listing shape: the spec plus `id` and `remaining`.
    pub(crate) fn to_json(&self) -> Value {
        let mut v = serde_json::to_value(&self.spec).unwrap_or_else(|_| json!({}));
        if let Some(map) = v.as_object_mut() {
            map.insert("id".to_owned(), json!(self.id));
            map.insert("remaining".to_owned(), json!(self.remaining));
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(v: Value) -> FaultSpec {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn fault_kinds_follow_the_posted_fields() {
        let f = |v| Fault::from_spec(1, spec(v)).map(|f| f.kind);
        assert_eq!(
            f(json!({"endpoint": "add-participant", "drop": true})),
            Ok(FaultKind::Drop)
        );
        assert!(matches!(
            f(json!({"endpoint": "add-participant", "commitThenFail": true})),
            Ok(FaultKind::CommitThenFail(Failure { status: 0, .. }))
        ));
        assert!(matches!(
            f(json!({"endpoint": "add-participant", "commitThenFail": true, "status": 503})),
            Ok(FaultKind::CommitThenFail(Failure { status: 503, .. }))
        ));
        assert!(matches!(
            f(json!({"endpoint": "hold-participant", "twilioErrorCode": 20404})),
            Ok(FaultKind::Http(Failure {
                status: 404,
                code: Some(20404),
                ..
            }))
        ));
        assert_eq!(
            f(json!({"endpoint": "hold-participant", "latencyMs": 5})),
            Ok(FaultKind::Latency)
        );
        assert!(f(json!({"endpoint": "hold-participant"})).is_err());
        assert!(f(json!({"endpoint": "nope", "status": 500})).is_err());
        assert!(f(json!({"endpoint": "hold-participant", "status": 200})).is_err());
    }
}
