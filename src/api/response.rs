//! Response and error envelopes (SPEC §8.2–§8.3), classified into typed results.

use crate::prelude::*;

use crate::core::json_text;
use crate::core::text::{cat, uint};
use crate::core::Json;

/// Why a request failed, as the core needs to know it.
#[derive(Clone, Debug, Eq, PartialEq)]
pub enum ApiFailure {
    /// 403 from the token validator (plain text body): the Flex login expired or is invalid.
    Auth {
        /// The validator's message.
        message: String,
    },
    /// 400 with the template's missing-parameter envelope.
    BadRequest {
        /// The template's message.
        message: String,
    },
    /// A response arrived but its body is not what the endpoint promises.
    Decode {
        /// HTTP status.
        status: u16,
        /// What was wrong.
        message: String,
    },
    /// No response arrived (fetch rejected, connection dropped, timeout).
    Network {
        /// The browser's message.
        message: String,
    },
    /// A Twilio error passed through, or the template's unexpected-exception envelope.
    Twilio {
        /// HTTP status (Twilio's).
        status: u16,
        /// `twilioErrorCode`, e.g. 20404, 13223.
        code: Option<u32>,
        /// Twilio's message.
        message: String,
        /// `twilioDocPage`.
        doc_page: Option<String>,
    },
}

impl ApiFailure {
    /// HTTP status; 0 when no response arrived.
    pub fn status(&self) -> u16 {
        match self {
            Self::Auth { .. } => 403,
            Self::BadRequest { .. } => 400,
            Self::Decode { status, .. } | Self::Twilio { status, .. } => *status,
            Self::Network { .. } => 0,
        }
    }

    /// Twilio's error code, if any.
    pub fn twilio_code(&self) -> Option<u32> {
        match self {
            Self::Twilio { code, .. } => *code,
            _ => None,
        }
    }

    /// A readable message.
    pub fn message(&self) -> &str {
        match self {
            Self::Auth { message }
            | Self::BadRequest { message }
            | Self::Decode { message, .. }
            | Self::Network { message }
            | Self::Twilio { message, .. } => message,
        }
    }

    /// The participant or call doesn't exist (any more): 20404 or HTTP 404.
    pub fn is_not_found(&self) -> bool {
        self.twilio_code() == Some(20404) || self.status() == 404
    }

    /// Rate limited: never processed, always safe to retry.
    pub fn is_rate_limited(&self) -> bool {
        self.status() == 429 || self.twilio_code() == Some(20429)
    }

    /// The request may or may not have been carried out: no response, or a gateway error.
    pub fn is_ambiguous(&self) -> bool {
        matches!(self, Self::Network { .. }) || matches!(self.status(), 502..=504)
    }
}

/// Classifies a raw outcome. `body` is the response body, either already parsed JSON or the raw
/// text (a string, parsed here when it is JSON). `network_error` is set when no response arrived.
pub fn classify(status: u16, body: Json, network_error: Option<&str>) -> Result<Json, ApiFailure> {
    if let Some(message) = network_error {
        return Err(ApiFailure::Network {
            message: message.to_owned(),
        });
    }
    if status == 0 {
        return Err(ApiFailure::Network {
            message: "no response".to_owned(),
        });
    }
    let (json, text) = match body {
        Json::String(s) => (json_text::parse(&s).ok(), Some(s)),
        other => (Some(other), None),
    };
    let text = text.as_deref();
    if (200..300).contains(&status) {
        return match json {
            Some(v @ Json::Object(_)) => Ok(v),
            _ => Err(ApiFailure::Decode {
                status,
                message: "the response body is not a JSON object".to_owned(),
            }),
        };
    }
    let field = |k: &str| {
        json.as_ref()
            .and_then(|j| j.get(k))
            .and_then(Json::as_str)
            .map(str::to_owned)
    };
    if status == 403 {
        let message = field("message")
            .or_else(|| text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()))
            .unwrap_or_else(|| "Unauthorized".to_owned());
        return Err(ApiFailure::Auth { message });
    }
    let code = json
        .as_ref()
        .and_then(|j| j.get("twilioErrorCode"))
        .and_then(|c| match c {
            Json::Number(n) => n.as_u64(),
            Json::String(s) => json_text::parse_uint(s),
            _ => None,
        })
        .and_then(|c| u32::try_from(c).ok());
    let message = field("message")
        .or_else(|| text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()))
        .unwrap_or_else(|| cat(&["HTTP ", &uint(status.into())]));
    if status == 400 && code.is_none() {
        return Err(ApiFailure::BadRequest { message });
    }
    Err(ApiFailure::Twilio {
        status,
        code,
        message,
        doc_page: field("twilioDocPage"),
    })
}

/// A participant as the endpoints return it in `participantsResponse`.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct ParticipantInfo {
    /// `callSid`.
    pub call_sid: String,
    /// `label`.
    pub label: Option<String>,
    /// `hold`.
    pub hold: Option<bool>,
    /// `muted`.
    pub muted: Option<bool>,
    /// `endConferenceOnExit`.
    pub end_conference_on_exit: Option<bool>,
    /// `status` (`queued`, `connecting`, `ringing`, `connected`, …).
    pub status: Option<String>,
}

impl ParticipantInfo {
    /// Reads `participantsResponse` out of a success body.
    pub fn from_body(body: &Json) -> Result<Self, ApiFailure> {
        let decode = |m: &str| ApiFailure::Decode {
            status: 200,
            message: m.to_owned(),
        };
        let p = body
            .get("participantsResponse")
            .filter(|p| p.is_object())
            .ok_or_else(|| decode("participantsResponse is missing"))?;
        let s = |k: &str| p.get(k).and_then(Json::as_str).map(str::to_owned);
        let b = |k: &str| p.get(k).and_then(Json::as_bool);
        Ok(Self {
            call_sid: s("callSid")
                .ok_or_else(|| decode("participantsResponse.callSid is missing"))?,
            label: s("label"),
            hold: b("hold"),
            muted: b("muted"),
            end_conference_on_exit: b("endConferenceOnExit"),
            status: s("status"),
        })
    }
}

/// A call's status (`get-call-properties`).
#[derive(Clone, Debug, Eq, PartialEq)]
pub enum CallStatus {
    /// Answered and live.
    InProgress,
    /// Waiting to be dialed.
    Queued,
    /// Ringing.
    Ringing,
    /// Busy.
    Busy,
    /// Canceled before answer.
    Canceled,
    /// Answered and ended.
    Completed,
    /// Failed.
    Failed,
    /// Nobody answered.
    NoAnswer,
    /// A value this client doesn't know; treated as ended.
    Other(String),
}

impl CallStatus {
    /// Parses Twilio's spelling.
    pub fn parse(s: &str) -> Self {
        match s {
            "queued" | "initiated" => Self::Queued,
            "ringing" => Self::Ringing,
            "in-progress" => Self::InProgress,
            "completed" => Self::Completed,
            "busy" => Self::Busy,
            "no-answer" => Self::NoAnswer,
            "failed" => Self::Failed,
            "canceled" => Self::Canceled,
            other => Self::Other(other.to_owned()),
        }
    }

    /// Twilio's spelling.
    pub fn as_str(&self) -> &str {
        match self {
            Self::InProgress => "in-progress",
            Self::Queued => "queued",
            Self::Ringing => "ringing",
            Self::Busy => "busy",
            Self::Canceled => "canceled",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::NoAnswer => "no-answer",
            Self::Other(s) => s,
        }
    }

    /// Still trying to connect.
    pub fn is_pending(&self) -> bool {
        matches!(self, Self::Queued | Self::Ringing)
    }
}

/// `callProperties` of `get-call-properties`.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct CallProperties {
    /// `status`.
    pub status: CallStatus,
    /// `to`.
    pub to: Option<String>,
}

impl CallProperties {
    /// Reads `callProperties` out of a success body.
    pub fn from_body(body: &Json) -> Result<Self, ApiFailure> {
        let decode = |m: &str| ApiFailure::Decode {
            status: 200,
            message: m.to_owned(),
        };
        let c = body
            .get("callProperties")
            .filter(|c| c.is_object())
            .ok_or_else(|| decode("callProperties is missing"))?;
        let status = c
            .get("status")
            .and_then(Json::as_str)
            .ok_or_else(|| decode("callProperties.status is missing"))?;
        Ok(Self {
            status: CallStatus::parse(status),
            to: c.get("to").and_then(Json::as_str).map(str::to_owned),
        })
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use crate::wasm_test as test;

    use serde_json::json;

    use super::*;

    #[test]
    fn a_403_text_body_becomes_an_auth_failure_not_a_parse_error() {
        let r = classify(
            403,
            json!("Unauthorized: Token was not provided").into(),
            None,
        );
        assert_eq!(
            r,
            Err(ApiFailure::Auth {
                message: "Unauthorized: Token was not provided".into()
            })
        );
    }

    #[test]
    fn a_twilio_error_keeps_its_code_message_and_doc_page() {
        let body = json!({"success": false, "message": "Invalid phone number",
            "twilioErrorCode": 13223, "twilioDocPage": "https://www.twilio.com/docs/errors/13223"});
        let r = classify(400, json!(body.to_string()).into(), None);
        let Err(f) = r else {
            panic!("expected failure")
        };
        assert_eq!(f.twilio_code(), Some(13223));
        assert_eq!(f.status(), 400);
        assert_eq!(f.message(), "Invalid phone number");
    }

    #[test]
    fn the_missing_parameter_envelope_is_a_bad_request() {
        let body = json!({"data": null, "message": "(/x) Missing to: number"});
        assert_eq!(
            classify(400, body.into(), None),
            Err(ApiFailure::BadRequest {
                message: "(/x) Missing to: number".into()
            })
        );
    }

    #[test]
    fn not_found_rate_limit_and_ambiguity_are_recognised() {
        let nf = classify(
            404,
            json!({"message": "gone", "twilioErrorCode": 20404}).into(),
            None,
        );
        assert!(nf.as_ref().is_err_and(ApiFailure::is_not_found));
        let rl = classify(429, json!({"message": "slow down"}).into(), None);
        assert!(rl.as_ref().is_err_and(ApiFailure::is_rate_limited));
        let net = classify(0, Json::Null, Some("Failed to fetch"));
        assert!(net.as_ref().is_err_and(ApiFailure::is_ambiguous));
        let gw = classify(503, json!("Service Unavailable").into(), None);
        assert!(gw.as_ref().is_err_and(ApiFailure::is_ambiguous));
        let e500 = classify(
            500,
            json!({"success": false, "message": "boom"}).into(),
            None,
        );
        assert!(e500.as_ref().is_err_and(|f| !f.is_ambiguous()));
    }

    #[test]
    fn a_success_body_must_be_a_json_object() {
        assert!(classify(200, json!("not json").into(), None).is_err());
        assert!(classify(200, json!(r#"{"success":true}"#).into(), None).is_ok());
    }

    #[test]
    fn participant_and_call_envelopes_parse() {
        let body = json!({"success": true, "participantsResponse": {"callSid": "CA1",
            "endConferenceOnExit": false, "hold": true, "label": "l1"}});
        let p = ParticipantInfo::from_body(&body.into());
        assert_eq!(
            p.as_ref().map(|p| p.end_conference_on_exit),
            Ok(Some(false))
        );
        assert_eq!(p.as_ref().map(|p| p.hold), Ok(Some(true)));
        let body = json!({"success": true, "callProperties": {"status": "no-answer", "to": "+1"}});
        let c = CallProperties::from_body(&body.into());
        assert_eq!(c.map(|c| c.status), Ok(CallStatus::NoAnswer));
        assert!(ParticipantInfo::from_body(&json!({"success": true}).into()).is_err());
    }
}
