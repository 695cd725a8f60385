//! The serverless endpoints (SPEC §8), byte-compatible with the Flex project template's
//! `/common/flex/programmable-voice/*` functions, over the conference model, with fault injection.
//!
//! Processing order, as the deployed functions (mirrors the native harness's
//! `tests/common/backend.rs`):
//!
//! 1. The platform: an unknown function (or `get-participant` without the project's extensions)
//!    is a plain-text 404 before any code runs.
//! 2. Token (`twilio-flex-token-validator`): a missing or empty `Token` is a 403 with
//!    "Unauthorized: Token was not provided"; an unknown, invalid or expired one a 403 with
//!    "Unauthorized: Token is invalid or expired". Both as `Content-Type: plain/text` (sic) with
//!    `Access-Control-Allow-Methods: OPTIONS, POST, GET`.
//! 3. Required parameters (the template's `validateParameters`): a 400 `{ data: null, message }`,
//!    one `(<path>) Missing <key>: <purpose>` per missing or empty key, concatenated with no
//!    separator exactly as the template's `errorMessage +=` does.
//! 4. Injected faults (first match wins, `times` counts down): `drop` closes the connection
//!    before any response byte; an HTTP fault answers its status with the template's error
//!    envelope; neither does anything.
//! 5. The handler, i.e. the Twilio call: success is HTTP 200 with the template's envelope; a
//!    Twilio error passes through with Twilio's HTTP status and `{ success: false, message,
//!    twilioErrorCode, twilioDocPage }`.
//! 6. Commit-then-fail faults: the operation was carried out, then the answer is that status
//!    (0 = the connection drops).
//!
//! With `referenceServerRetry` on, steps 4–6 model the reference wrapper (`retryHandler`): a Twilio
//! call that fails with 412, 429 or 503, or whose response is lost after committing, is made
//! again (re-matching HTTP and commit-then-fail faults) up to `serverRetryLimit` more times, so a
//! lost create yields a second leg (defect D9). When the retries run out the browser gets the last
//! failure. A `latencyMs` delays the answer; the operation itself happens on arrival.
//!
//! Only the exact string `true` is true for `hold`, `endConferenceOnExit` and `muted`. Only
//! `add-participant` may name the conference by FriendlyName (creating it when no active one has
//! that name); the participant endpoints need the `CF…` SID (Twilio's Update Participant).
//!
//! Choices where SPEC is silent (they mirror the native harness):
//!
//! * A `label` names at most one live leg of a conference: a create reusing the label of a live
//!   leg fails 400 / 16025 and creates nothing; once that leg has left, the label is free again.
//!   Whether Twilio itself refuses a duplicate label is unverified.
//! * A JSON object body is a convenience: its non-string values are read as their JSON text
//!   (`true` → `"true"`). Twilio Functions would hand the template typed values instead (where
//!   `true !== 'true'`), so only the urlencoded contract (SPEC §8.1) is byte-compatible.
//! * The request log never holds a token: besides `Token` (the only field the validator
//!   reads), a field named `token` in any other letter case is left out too.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    CONTENT_TYPE,
};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::{json, Value};

use crate::endpoint::{Endpoint, BASE_PATH};
use crate::faults::{Failure, FaultKind};
use crate::model::{
    check_create, participants_path, Conference, Kind, Leg, LegStatus, TwilioError, ACCOUNT_SID,
};
use crate::rest::{call_json, participant_json};
use crate::server::DropConnection;
use crate::sid::is_sid;
use crate::world::{TokenState, World};
use crate::Sim;

/// The validator's text for a missing token (`twilio-flex-token-validator`, `src/index.ts`,
/// `validator()`: `reject('Unauthorized: Token was not provided')`).
pub(crate) const TOKEN_MISSING: &str = "Unauthorized: Token was not provided";

/// The text for an invalid or expired token. The validator answers whatever Twilio IAM's
/// `Tokens/validate` returns as `message`, which no public source records; this is the native
/// harness's text (`tests/common/backend.rs`).
pub(crate) const TOKEN_INVALID: &str = "Unauthorized: Token is invalid or expired";

/// How a request ended, for the request log.
#[derive(Clone, Copy, Debug, Eq, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Outcome {
    /// 2xx.
    Ok,
    /// An error the backend itself answered (404, 403, 400, a Twilio error).
    Error,
    /// An injected HTTP fault.
    Fault,
    /// An injected drop: no response.
    Dropped,
    /// Carried out, then the response failed.
    CommittedThenFailed,
}

impl Outcome {
    /// The request log's spelling.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Error => "error",
            Self::Fault => "fault",
            Self::Dropped => "dropped",
            Self::CommittedThenFailed => "committed-then-failed",
        }
    }
}

/// One serverless request, as `GET /sim/requests` lists it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RequestRecord {
    /// 1, 2, …
    pub(crate) seq: u64,
    /// Arrival (epoch ms).
    pub(crate) at_ms: u64,
    /// When the answer goes out (or the connection is dropped): arrival plus injected latency.
    pub(crate) answer_at_ms: u64,
    /// The endpoint name from the URL.
    pub(crate) endpoint: String,
    /// Every form (and query) field except the token (`Token`, and `token` in any case).
    pub(crate) params: BTreeMap<String, String>,
    /// HTTP status answered; 0 when the connection was dropped.
    pub(crate) status: u16,
    /// How it ended.
    pub(crate) outcome: Outcome,
    /// Twilio calls the handler made (more than 1 with the reference server retry; 0 when it
    /// never ran).
    pub(crate) attempts: u32,
}

/// What to answer.
#[derive(Clone, Debug)]
pub(crate) enum Reply {
    /// JSON with this status.
    Json(u16, Value),
    /// The platform's plain-text 404.
    NotFound,
    /// The token validator's 403.
    Forbidden(&'static str),
    /// Close the connection without answering.
    Drop,
}

impl Reply {
    /// The HTTP status (0 for a drop).
    pub(crate) fn status(&self) -> u16 {
        match self {
            Self::Json(status, _) => *status,
            Self::NotFound => 404,
            Self::Forbidden(_) => 403,
            Self::Drop => 0,
        }
    }

    fn failure(failure: &Failure) -> Self {
        if failure.status == 0 {
            Self::Drop
        } else {
            Self::Json(failure.status, failure.body())
        }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        match self {
            Self::Json(status, body) => {
                let status =
                    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                (status, Json(body)).into_response()
            }
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                [(CONTENT_TYPE, "text/plain; charset=utf-8")],
                "Not Found",
            )
                .into_response(),
            Self::Forbidden(text) => (
                StatusCode::FORBIDDEN,
                [
                    (ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
                    (ACCESS_CONTROL_ALLOW_METHODS, "OPTIONS, POST, GET"),
                    (ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type"),
                    (CONTENT_TYPE, "plain/text"),
                ],
                text,
            )
                .into_response(),
            Self::Drop => {
                let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
                response.extensions_mut().insert(DropConnection);
                response
            }
        }
    }
}

/// A processed request.
#[derive(Debug)]
pub(crate) struct Processed {
    /// The answer.
    pub(crate) reply: Reply,
    /// Delay before answering.
    pub(crate) latency_ms: u64,
    /// How it ended.
    pub(crate) outcome: Outcome,
}

/// `POST` (or `GET`) `/common/flex/programmable-voice/{endpoint}`. A name that doesn't decode
/// (not UTF-8) is kept as sent, and is an unknown function like any other.
pub(crate) async fn handle(
    State(sim): State<Sim>,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let name = match path {
        Ok(Path(name)) => name,
        Err(_) => uri
            .path()
            .strip_prefix(BASE_PATH)
            .unwrap_or_default()
            .trim_start_matches('/')
            .to_owned(),
    };
    let params = parse_params(query.as_deref(), &headers, &body);
    let processed = sim.with_world(|world, now| process(world, &name, params, now));
    if sim.logs_requests() {
        // Only a known endpoint name, the status and the outcome: never a parameter (phone
        // numbers) or the token (DESIGN §6.8).
        let endpoint = Endpoint::parse(&name).map_or("unknown endpoint", Endpoint::name);
        eprintln!(
            "sim: {endpoint} -> {} ({})",
            processed.reply.status(),
            processed.outcome.as_str()
        );
    }
    if processed.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(processed.latency_ms)).await;
    }
    processed.reply.into_response()
}

/// The function's `event`: query and body merged (the body wins), like Twilio Functions do. An
/// urlencoded body is the contract; a JSON object body is accepted too.
fn parse_params(query: Option<&str>, headers: &HeaderMap, body: &[u8]) -> BTreeMap<String, String> {
    let mut params = BTreeMap::new();
    if let Some(query) = query {
        params.extend(
            form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())),
        );
    }
    let json = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.trim_start().starts_with("application/json"));
    if json {
        if let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(body) {
            for (key, value) in object {
                let value = match value {
                    Value::Null => continue,
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                params.insert(key, value);
            }
        }
    } else {
        params.extend(form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())));
    }
    params
}

/// Serves one request at `now` and logs it.
pub(crate) fn process(
    world: &mut World,
    name: &str,
    mut params: BTreeMap<String, String>,
    now: u64,
) -> Processed {
    let token = params.remove("Token");
    params.retain(|key, _| !key.eq_ignore_ascii_case("token"));
    let (reply, outcome, latency_ms, attempts) =
        respond(world, name, token.as_deref(), &params, now);
    world.requests.push(RequestRecord {
        seq: world.requests.len() as u64 + 1,
        at_ms: now,
        answer_at_ms: now.saturating_add(latency_ms),
        endpoint: name.to_owned(),
        params,
        status: reply.status(),
        outcome,
        attempts,
    });
    Processed {
        reply,
        latency_ms,
        outcome,
    }
}

/// One Twilio call's result.
enum Attempt {
    Done(Value),
    Twilio(TwilioError),
    Injected(Failure),
    AfterCommit(Failure),
}

fn respond(
    world: &mut World,
    name: &str,
    token: Option<&str>,
    params: &BTreeMap<String, String>,
    now: u64,
) -> (Reply, Outcome, u64, u32) {
    let endpoint = Endpoint::parse(name)
        .filter(|e| *e != Endpoint::GetParticipant || world.settings.extensions);
    let Some(endpoint) = endpoint else {
        return (Reply::NotFound, Outcome::Error, 0, 0);
    };
    match token.filter(|t| !t.is_empty()) {
        None => return (Reply::Forbidden(TOKEN_MISSING), Outcome::Error, 0, 0),
        Some(t) if world.tokens.get(t) != Some(&TokenState::Valid) => {
            return (Reply::Forbidden(TOKEN_INVALID), Outcome::Error, 0, 0);
        }
        Some(_) => {}
    }
    let missing: String = endpoint
        .required()
        .iter()
        .filter(|(key, _)| params.get(*key).is_none_or(String::is_empty))
        .map(|(key, purpose)| format!("({}) Missing {key}: {purpose}", endpoint.path()))
        .collect();
    if !missing.is_empty() {
        let body = json!({"data": null, "message": missing});
        return (Reply::Json(400, body), Outcome::Error, 0, 0);
    }
    let first = world.take_fault(endpoint, params, false);
    let mut latency = first.as_ref().map_or(0, |(_, ms)| *ms);
    let mut fault = first.map(|(kind, _)| kind);
    if fault == Some(FaultKind::Drop) {
        return (Reply::Drop, Outcome::Dropped, latency, 0);
    }
    let mut attempts = 0;
    loop {
        attempts += 1;
        let attempt = match &fault {
            Some(FaultKind::Http(failure)) => Attempt::Injected(failure.clone()),
            Some(FaultKind::CommitThenFail(failure)) => {
                match twilio_call(world, endpoint, params, now) {
                    Ok(_) => Attempt::AfterCommit(failure.clone()),
                    Err(e) => Attempt::Twilio(e),
                }
            }
            _ => match twilio_call(world, endpoint, params, now) {
                Ok(body) => Attempt::Done(body),
                Err(e) => Attempt::Twilio(e),
            },
        };
        let retryable = match &attempt {
            Attempt::Done(_) => false,
            Attempt::Twilio(e) => matches!(e.status, 412 | 429 | 503),
            Attempt::Injected(f) | Attempt::AfterCommit(f) => f.retryable(),
        };
        if retryable
            && world.settings.reference_server_retry
            && attempts <= world.settings.server_retry_limit
        {
            let next = world.take_fault(endpoint, params, true);
            latency = latency.saturating_add(next.as_ref().map_or(0, |(_, ms)| *ms));
            fault = next.map(|(kind, _)| kind);
            continue;
        }
        let (reply, outcome) = match attempt {
            Attempt::Done(body) => (Reply::Json(200, body), Outcome::Ok),
            Attempt::Twilio(e) => (Reply::Json(e.status, e.envelope()), Outcome::Error),
            Attempt::Injected(f) => (Reply::failure(&f), Outcome::Fault),
            Attempt::AfterCommit(f) => (Reply::failure(&f), Outcome::CommittedThenFailed),
        };
        return (reply, outcome, latency, attempts);
    }
}

/// The Twilio operation behind an endpoint, and the template's success body.
fn twilio_call(
    world: &mut World,
    endpoint: Endpoint,
    params: &BTreeMap<String, String>,
    now: u64,
) -> Result<Value, TwilioError> {
    let p = |key: &str| params.get(key).map_or("", String::as_str);
    let labels = world.settings.extensions;
    let settings = world.settings.clone();
    let participant_ok = |body: Value| json!({"success": true, "participantsResponse": body});
    match endpoint {
        Endpoint::AddParticipant => {
            let label = params
                .get("label")
                .filter(|l| labels && !l.is_empty())
                .map(String::as_str);
            add_participant(world, p("taskSid"), p("to"), p("from"), label, now)
        }
        Endpoint::GetCallProperties => {
            let (ci, li) = world.find_leg(p("callSid")).ok_or_else(|| {
                TwilioError::not_found(&format!(
                    "/2010-04-01/Accounts/{ACCOUNT_SID}/Calls/{}.json",
                    p("callSid")
                ))
            })?;
            let leg = leg_at(world, ci, li)?;
            Ok(json!({"success": true, "callProperties": call_json(leg)}))
        }
        Endpoint::GetParticipant => {
            let (ci, li) = participant(world, p("conference"), p("participant"), labels)?;
            let leg = leg_at(world, ci, li)?;
            let conference = conf_at(world, ci)?;
            Ok(participant_ok(participant_json(
                conference, leg, leg.ecoe, labels, None,
            )))
        }
        Endpoint::HoldParticipant | Endpoint::MuteParticipant | Endpoint::UpdateParticipant => {
            let (ci, li) = participant(world, p("conference"), p("participant"), labels)?;
            let conference = world
                .conferences
                .get_mut(ci)
                .ok_or_else(|| TwilioError::new(500, 20500, "Internal error"))?;
            conference.check_updatable(li, &settings)?;
            let echo = match endpoint {
                Endpoint::HoldParticipant => {
                    conference.set_hold(li, p("hold") == "true", now);
                    None
                }
                Endpoint::MuteParticipant => {
                    conference.set_muted(li, p("muted") == "true", now);
                    None
                }
                _ => Some(conference.update_ecoe(
                    li,
                    p("endConferenceOnExit") == "true",
                    now,
                    &settings,
                )),
            };
            let conference = conf_at(world, ci)?;
            let leg = leg_at(world, ci, li)?;
            let ecoe = echo.unwrap_or(leg.ecoe);
            Ok(participant_ok(participant_json(
                conference, leg, ecoe, labels, None,
            )))
        }
        Endpoint::RemoveParticipant => {
            let (ci, li) = participant(world, p("conference"), p("participant"), labels)?;
            if let Some(conference) = world.conferences.get_mut(ci) {
                conference
                    .kick(li, now)
                    .map_err(|e| TwilioError::new(500, 20500, e))?;
            }
            Ok(json!({"success": true, "participantsResponse": true}))
        }
    }
}

fn conf_at(world: &World, ci: usize) -> Result<&Conference, TwilioError> {
    world
        .conferences
        .get(ci)
        .ok_or_else(|| TwilioError::new(500, 20500, "Internal error"))
}

fn leg_at(world: &World, ci: usize, li: usize) -> Result<&Leg, TwilioError> {
    conf_at(world, ci)?
        .legs
        .get(li)
        .ok_or_else(|| TwilioError::new(500, 20500, "Internal error"))
}

/// The participant a request names: the conference by its `CF…` SID (not completed), the leg
/// by call SID or label.
fn participant(
    world: &World,
    conference: &str,
    key: &str,
    labels: bool,
) -> Result<(usize, usize), TwilioError> {
    let ci = world
        .conference_by_sid(conference)
        .filter(|ci| world.conferences.get(*ci).is_some_and(Conference::is_open))
        .ok_or_else(|| {
            TwilioError::not_found(&format!("{}/{key}.json", participants_path(conference)))
        })?;
    let li = conf_at(world, ci)?.rest_participant(key, labels)?;
    Ok((ci, li))
}

/// Create Participant on `…/Conferences/{key}/Participants` with `EarlyMedia=true`,
/// `EndConferenceOnExit=false`: a `CF…` key must name a conference that isn't completed; any
/// other key is a FriendlyName, whose active conference is used or created.
fn add_participant(
    world: &mut World,
    key: &str,
    to: &str,
    from: &str,
    label: Option<&str>,
    now: u64,
) -> Result<Value, TwilioError> {
    let existing = if is_sid(key, "CF") {
        let open = world
            .conference_by_sid(key)
            .filter(|ci| world.conferences.get(*ci).is_some_and(Conference::is_open));
        match open {
            Some(ci) => Some(ci),
            None => {
                return Err(TwilioError::not_found(&format!(
                    "{}.json",
                    participants_path(key)
                )))
            }
        }
    } else {
        world
            .conferences
            .iter()
            .rposition(|c| c.friendly_name == key && c.is_open())
    };
    check_create(to, from, &world.settings)?;
    if let (Some(ci), Some(label)) = (existing, label) {
        let taken = world
            .conferences
            .get(ci)
            .is_some_and(|c| c.rest_participant(label, true).is_ok());
        if taken {
            return Err(TwilioError::new(
                400,
                16025,
                "A participant with this label already exists",
            ));
        }
    }
    let ci = match existing {
        Some(ci) => ci,
        None => world.create_conference(key, now),
    };
    let slot = world.take_slot(now);
    let call_sid = world.fresh_sid("CA");
    let mut leg = Leg::new(
        call_sid,
        Kind::Unknown,
        LegStatus::Queued,
        to.to_owned(),
        from.to_owned(),
        now,
    );
    leg.slot_at = slot;
    leg.label = label.map(str::to_owned);
    let li = world
        .conferences
        .get_mut(ci)
        .map(|c| c.push_leg(leg, now))
        .ok_or_else(|| TwilioError::new(500, 20500, "Internal error"))?;
    world.advance(now);
    let labels = world.settings.extensions;
    let conference = conf_at(world, ci)?;
    let leg = conference
        .legs
        .get(li)
        .ok_or_else(|| TwilioError::new(500, 20500, "Internal error"))?;
    Ok(json!({
        "success": true,
        "participantsResponse": participant_json(conference, leg, false, labels, Some(slot.saturating_sub(now))),
    }))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn body_fields_win_over_query_fields_and_plus_is_decoded() {
        let params = parse_params(
            Some("to=query&x=1"),
            &HeaderMap::new(),
            b"to=%2B14155550100&from=+1",
        );
        assert_eq!(params.get("to").map(String::as_str), Some("+14155550100"));
        assert_eq!(params.get("from").map(String::as_str), Some(" 1"));
        assert_eq!(params.get("x").map(String::as_str), Some("1"));
    }

    #[test]
    fn a_json_body_is_read_as_flat_strings() {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let params = parse_params(
            None,
            &headers,
            br#"{"hold": true, "conference": "CF1", "x": null}"#,
        );
        assert_eq!(params.get("hold").map(String::as_str), Some("true"));
        assert_eq!(params.get("conference").map(String::as_str), Some("CF1"));
        assert!(!params.contains_key("x"));
    }
}
