//! The serverless endpoints (SPEC §8.2–§8.3) over the [`Twilio`] model, with fault injection.
//!
//! Processing order as the template's functions: token (403 plain text) → required parameters
//! (400 `{ data: null, message }`) → injected HTTP fault (not committed) → handler (Twilio errors
//! pass through with Twilio's HTTP status and `{ success: false, message, twilioErrorCode,
//! twilioDocPage }`) → "commit then fail" faults replace the successful response. A dropped
//! request never reaches the server. Success bodies are HTTP 200 with the template's envelopes.
//! `get-participant` exists only when `extensions` is on (otherwise the platform answers 404
//! with a text body). Only `add-participant` may name the conference by FriendlyName; the
//! participant endpoints need the `CF…` SID (Twilio's Fetch/Update/Delete Participant).

use std::collections::BTreeMap;

use flex_conference::core::ApiResult;
use serde_json::{json, Value};

use super::twilio::{Twilio, TwilioError};

/// What goes wrong, how often, and optionally only for requests whose `param` equals `value`.
#[derive(Clone, Debug)]
pub(crate) struct Fault {
    /// Endpoint name, e.g. `update-participant`.
    pub(crate) endpoint: &'static str,
    /// What happens.
    pub(crate) kind: FaultKind,
    /// How many matching requests it hits.
    pub(crate) times: u32,
    /// Only requests with this form field value.
    pub(crate) when: Option<(&'static str, String)>,
}

/// Kinds of injected faults.
#[derive(Clone, Debug, Eq, PartialEq)]
pub(crate) enum FaultKind {
    /// Answer this HTTP status with the template's Twilio error envelope; nothing is done.
    Http {
        /// HTTP status.
        status: u16,
        /// Twilio code, if any.
        code: Option<u32>,
        /// Message.
        message: String,
    },
    /// The request is lost on the way: nothing is done, the browser sees a network error.
    Drop,
    /// The operation is carried out, then the response fails: `status` 0 is a network error,
    /// anything else (e.g. 503) that HTTP status.
    CommitThenFail {
        /// 0 or an HTTP status.
        status: u16,
    },
}

impl Fault {
    /// `times` HTTP errors of `status` (with an optional Twilio code).
    pub(crate) fn http(endpoint: &'static str, status: u16, code: Option<u32>, times: u32) -> Self {
        let message = match (status, code) {
            (_, Some(20429)) | (429, _) => "Too Many Requests".to_owned(),
            (_, Some(13223)) => "Invalid phone number format".to_owned(),
            (_, Some(c)) => format!("Twilio error {c}"),
            (_, None) => format!("HTTP {status}"),
        };
        Self {
            endpoint,
            kind: FaultKind::Http {
                status,
                code,
                message,
            },
            times,
            when: None,
        }
    }

    /// `times` lost requests.
    pub(crate) fn drop(endpoint: &'static str, times: u32) -> Self {
        Self {
            endpoint,
            kind: FaultKind::Drop,
            times,
            when: None,
        }
    }

    /// `times` requests carried out whose response fails with `status` (0 = network error).
    pub(crate) fn commit_then_fail(endpoint: &'static str, status: u16, times: u32) -> Self {
        Self {
            endpoint,
            kind: FaultKind::CommitThenFail { status },
            times,
            when: None,
        }
    }

    /// Only requests whose form field `key` equals `value`.
    pub(crate) fn when(mut self, key: &'static str, value: &str) -> Self {
        self.when = Some((key, value.to_owned()));
        self
    }

    fn matches(&self, endpoint: &str, params: &BTreeMap<String, String>) -> bool {
        self.times > 0
            && self.endpoint == endpoint
            && self
                .when
                .as_ref()
                .is_none_or(|(k, v)| params.get(*k) == Some(v))
    }
}

/// The serverless backend's settings.
#[derive(Debug)]
pub(crate) struct Backend {
    /// The project's extensions (`get-participant`, `label`) are deployed.
    pub(crate) extensions: bool,
    /// Injected faults, first match wins.
    pub(crate) faults: Vec<Fault>,
    /// The token the validator accepts.
    pub(crate) valid_token: String,
}

/// How one request went.
#[derive(Clone, Debug)]
pub(crate) struct Served {
    /// What the browser sees.
    pub(crate) result: ApiResult,
    /// The operation changed the model.
    pub(crate) committed: bool,
    /// The fault that hit it.
    pub(crate) fault: Option<FaultKind>,
    /// For `update-participant`: the value the response echoed.
    pub(crate) echoed_ecoe: Option<bool>,
}

fn error_body(e: &TwilioError) -> Value {
    json!({
        "success": false,
        "message": e.message,
        "twilioErrorCode": e.code,
        "twilioDocPage": format!("https://www.twilio.com/docs/errors/{}", e.code),
    })
}

fn required(endpoint: &str) -> &'static [&'static str] {
    match endpoint {
        "add-participant" => &["taskSid", "to", "from"],
        "hold-participant" => &["conference", "participant", "hold"],
        "update-participant" => &["conference", "participant", "endConferenceOnExit"],
        "remove-participant" | "get-participant" => &["conference", "participant"],
        "mute-participant" => &["conference", "participant", "muted"],
        "get-call-properties" => &["callSid"],
        _ => &[],
    }
}

impl Backend {
    /// Serves one request at `now`. `token` is what the driver attached.
    pub(crate) fn serve(
        &mut self,
        twilio: &mut Twilio,
        endpoint: &str,
        params: &BTreeMap<String, String>,
        token: Option<&str>,
        now: u64,
    ) -> Served {
        let fault = self
            .faults
            .iter_mut()
            .find(|f| f.matches(endpoint, params))
            .map(|f| {
                f.times -= 1;
                f.kind.clone()
            });
        let plain = |result| Served {
            result,
            committed: false,
            fault: fault.clone(),
            echoed_ecoe: None,
        };
        if fault == Some(FaultKind::Drop) {
            return plain(ApiResult::network("Failed to fetch"));
        }
        match token {
            None => {
                return plain(ApiResult::http(
                    403,
                    json!("Unauthorized: Token was not provided"),
                ))
            }
            Some(t) if t != self.valid_token => {
                return plain(ApiResult::http(
                    403,
                    json!("Unauthorized: Token is invalid or expired"),
                ))
            }
            Some(_) => {}
        }
        if endpoint == "get-participant" && !self.extensions {
            return plain(ApiResult::http(404, json!("Not Found")));
        }
        let known = [
            "add-participant",
            "hold-participant",
            "update-participant",
            "remove-participant",
            "get-call-properties",
            "mute-participant",
            "get-participant",
        ];
        if !known.contains(&endpoint) {
            return plain(ApiResult::http(404, json!("Not Found")));
        }
        let missing: Vec<String> = required(endpoint)
            .iter()
            .filter(|k| params.get(**k).is_none_or(String::is_empty))
            .map(|k| format!("(/common/flex/programmable-voice/{endpoint}) Missing {k}: required"))
            .collect();
        if !missing.is_empty() {
            return plain(ApiResult::http(
                400,
                json!({"data": null, "message": missing.join(" ")}),
            ));
        }
        if let Some(FaultKind::Http {
            status,
            code,
            message,
        }) = &fault
        {
            let body = match code {
                Some(c) => json!({"success": false, "message": message, "twilioErrorCode": c,
                    "twilioDocPage": format!("https://www.twilio.com/docs/errors/{c}")}),
                None => json!({"success": false, "message": message}),
            };
            return plain(ApiResult::http(*status, body));
        }
        let mut echoed_ecoe = None;
        let outcome = handle(twilio, endpoint, params, now, &mut echoed_ecoe);
        let committed = outcome.is_ok();
        let mut result = match outcome {
            Ok(body) => ApiResult::ok(body),
            Err(e) => ApiResult::http(e.status, error_body(&e)),
        };
        if let (Some(FaultKind::CommitThenFail { status }), true) = (&fault, committed) {
            result = if *status == 0 {
                ApiResult::network("Failed to fetch")
            } else {
                ApiResult::http(
                    *status,
                    json!({"success": false, "message": "Service Unavailable"}),
                )
            };
        }
        Served {
            result,
            committed,
            fault,
            echoed_ecoe,
        }
    }
}

/// The conference a request names. Only Create accepts the FriendlyName; Fetch, Update and
/// Delete Participant need the `CF…` SID (SPEC §9.3), so a task SID there is 404 / 20404.
fn conference<'a>(
    twilio: &Twilio,
    params: &'a BTreeMap<String, String>,
    key: &str,
) -> Result<&'a str, TwilioError> {
    let c = params.get(key).map_or("", String::as_str);
    let ok = if key == "taskSid" {
        twilio.names_me(c)
    } else {
        c == twilio.conference_sid
    };
    if ok {
        Ok(c)
    } else {
        Err(TwilioError::new(
            404,
            20404,
            "The requested resource Conference was not found",
        ))
    }
}

fn handle(
    twilio: &mut Twilio,
    endpoint: &str,
    params: &BTreeMap<String, String>,
    now: u64,
    echoed: &mut Option<bool>,
) -> Result<Value, TwilioError> {
    let p = |k: &str| params.get(k).map_or("", String::as_str);
    match endpoint {
        "add-participant" => {
            conference(twilio, params, "taskSid")?;
            let label = params.get("label").map(String::as_str);
            let leg = twilio.create(p("to"), p("from"), label, now)?.clone();
            Ok(
                json!({"success": true, "participantsResponse": twilio.participant_json(&leg, false, true)}),
            )
        }
        "hold-participant" => {
            conference(twilio, params, "conference")?;
            let leg = twilio
                .update_hold(p("participant"), p("hold") == "true", now)?
                .clone();
            Ok(
                json!({"success": true, "participantsResponse": twilio.participant_json(&leg, leg.ecoe, false)}),
            )
        }
        "mute-participant" => {
            conference(twilio, params, "conference")?;
            let leg = twilio
                .update_muted(p("participant"), p("muted") == "true", now)?
                .clone();
            Ok(
                json!({"success": true, "participantsResponse": twilio.participant_json(&leg, leg.ecoe, false)}),
            )
        }
        "update-participant" => {
            conference(twilio, params, "conference")?;
            let value = p("endConferenceOnExit") == "true";
            let (leg, echo) = twilio.update_ecoe(p("participant"), value, now)?;
            let leg = leg.clone();
            *echoed = Some(echo);
            Ok(
                json!({"success": true, "participantsResponse": twilio.participant_json(&leg, echo, false)}),
            )
        }
        "remove-participant" => {
            conference(twilio, params, "conference")?;
            twilio.delete(p("participant"), now)?;
            Ok(json!({"success": true, "participantsResponse": true}))
        }
        "get-participant" => {
            conference(twilio, params, "conference")?;
            let leg = twilio.participant(p("participant"))?.clone();
            Ok(
                json!({"success": true, "participantsResponse": twilio.participant_json(&leg, leg.ecoe, false)}),
            )
        }
        "get-call-properties" => {
            let leg = twilio.call(p("callSid"))?;
            Ok(json!({"success": true, "callProperties": {
                "sid": leg.call_sid, "status": leg.call_status, "to": leg.to, "from": leg.from,
            }}))
        }
        other => Err(TwilioError::new(404, 20404, format!("no endpoint {other}"))),
    }
}
