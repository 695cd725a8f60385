//! The control API under `/sim/` (JSON in and out), for the demo and for tests: drive calls and
//! legs as Flex and the other parties would, inject faults, flip switches, and inspect the
//! conferences, Flex's task view and the serverless request log.
//!
//! Errors are `{ "error": "…" }`: 400 for a malformed body, 404 for an unknown conference, call,
//! task or action, 409 for an illegal move (e.g. answering a departed leg).

use std::collections::HashSet;
use std::convert::Infallible;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::stream::{self, Stream};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::faults::FaultSpec;
use crate::flex::task_json;
use crate::model::{Conference, Kind, Leg, LegStatus};
use crate::world::{TokenState, World};
use crate::Sim;

/// The number customers call (the `To` of their leg): Twilio's valid test number.
const FLEX_NUMBER: &str = "+15005550006";
/// `To` of a control-API leg that names none.
const DEFAULT_TO: &str = "+14155550199";
/// Long-poll wait when `waitMs` is absent.
const DEFAULT_WAIT_MS: u64 = 25_000;
/// Longest long-poll wait.
const MAX_WAIT_MS: u64 = 60_000;

/// A control-API error.
#[derive(Debug)]
pub(crate) struct ApiError(StatusCode, String);

impl ApiError {
    fn bad_request(message: impl Into<String>) -> Self {
        Self(StatusCode::BAD_REQUEST, message.into())
    }

    fn not_found(message: impl Into<String>) -> Self {
        Self(StatusCode::NOT_FOUND, message.into())
    }

    fn conflict(message: impl Into<String>) -> Self {
        Self(StatusCode::CONFLICT, message.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({"error": self.1}))).into_response()
    }
}

type ApiResult = Result<Json<Value>, ApiError>;

/// A JSON body; an empty body reads as `{}`.
fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    serde_json::from_slice(body).map_err(|e| ApiError::bad_request(format!("invalid body: {e}")))
}

/// Query fields (last one wins).
fn query_map(query: Option<&str>) -> std::collections::BTreeMap<String, String> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// A conference by SID or friendly name.
fn conference_index(world: &World, key: &str) -> Result<usize, ApiError> {
    world
        .conference_index(key)
        .ok_or_else(|| ApiError::not_found(format!("no conference {key}")))
}

fn conference_mut(world: &mut World, ci: usize) -> Result<&mut Conference, ApiError> {
    world
        .conferences
        .get_mut(ci)
        .ok_or_else(|| ApiError::not_found("no such conference"))
}

/// `GET /sim/health`.
pub(crate) async fn health() -> Json<Value> {
    Json(json!({"ok": true}))
}

/// `POST /sim/calls` body.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CallRequest {
    worker: WorkerSpec,
    customer: CustomerSpec,
    task_sid: Option<String>,
}

#[derive(Deserialize)]
struct WorkerSpec {
    sid: String,
    name: Option<String>,
}

#[derive(Deserialize)]
struct CustomerSpec {
    number: String,
}

/// `POST /sim/calls`: a live two-party call as Flex leaves it after the agent accepts (SPEC
/// §3.4): customer and agent connected, both with `endConferenceOnExit` true. The customer waits
/// (`startConferenceOnEnter` false); the agent's join starts the conference.
pub(crate) async fn create_call(State(sim): State<Sim>, body: Bytes) -> ApiResult {
    let request: CallRequest = parse(&body)?;
    if request.worker.sid.is_empty() || request.customer.number.is_empty() {
        return Err(ApiError::bad_request(
            "worker.sid and customer.number must not be empty",
        ));
    }
    sim.with_world(|world, now| {
        let task_sid = match request.task_sid {
            Some(t) if t.is_empty() => return Err(ApiError::bad_request("empty taskSid")),
            Some(t) => t,
            None => world.fresh_sid("WT"),
        };
        if world
            .conferences
            .iter()
            .any(|c| c.friendly_name == task_sid && c.is_open())
        {
            return Err(ApiError::conflict(format!(
                "task {task_sid} already has a live conference"
            )));
        }
        let ci = world.create_conference(&task_sid, now);
        let customer_sid = world.fresh_sid("CA");
        let agent_sid = world.fresh_sid("CA");
        let number = request.customer.number;
        let name = request
            .worker
            .name
            .unwrap_or_else(|| request.worker.sid.clone());
        let conference = conference_mut(world, ci)?;
        conference.customer_number = Some(number.clone());
        let mut customer = Leg::new(
            customer_sid.clone(),
            Kind::Customer,
            LegStatus::Connected,
            FLEX_NUMBER.to_owned(),
            number.clone(),
            now,
        );
        customer.ecoe = true;
        customer.start_conference_on_enter = false;
        customer.direction = "inbound";
        conference.push_leg(customer, now);
        let mut agent = Leg::new(
            agent_sid.clone(),
            Kind::Worker {
                worker_sid: request.worker.sid,
            },
            LegStatus::Connected,
            format!("client:{name}"),
            number,
            now,
        );
        agent.ecoe = true;
        conference.push_leg(agent, now);
        Ok(Json(json!({
            "taskSid": task_sid,
            "conferenceSid": conference.sid,
            "agentCallSid": agent_sid,
            "customerCallSid": customer_sid,
        })))
    })
}

/// `POST /sim/conferences/{sid}/legs` body.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LegRequest {
    kind: String,
    worker_sid: Option<String>,
    to: Option<String>,
    from: Option<String>,
    #[serde(default)]
    end_conference_on_exit: bool,
    status: Option<String>,
    label: Option<String>,
    start_conference_on_enter: Option<bool>,
}

/// `POST /sim/conferences/{sidOrName}/legs`: a leg Flex or Twilio adds natively, e.g. a second
/// agent joining by internal transfer (`worker`, ECOE false) or a native external warm transfer
/// (`external`, with a `PA…` participant SID). Created `connected` (default) or `ringing`, not
/// subject to the 1-CPS queue. A `label` that a live leg of the conference already has is a 409,
/// as `add-participant` refuses it.
pub(crate) async fn add_leg(
    State(sim): State<Sim>,
    Path(key): Path<String>,
    body: Bytes,
) -> ApiResult {
    let request: LegRequest = parse(&body)?;
    let status = match request.status.as_deref() {
        None | Some("connected") => LegStatus::Connected,
        Some("ringing") => LegStatus::Ringing,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "status must be ringing or connected, not {other:?}"
            )))
        }
    };
    sim.with_world(|world, now| {
        let ci = conference_index(world, &key)?;
        let kind = match request.kind.as_str() {
            "worker" => Kind::Worker {
                worker_sid: request
                    .worker_sid
                    .clone()
                    .filter(|w| !w.is_empty())
                    .ok_or_else(|| ApiError::bad_request("a worker leg needs workerSid"))?,
            },
            "external" => Kind::External {
                participant_sid: world.fresh_sid("PA"),
            },
            "customer" => Kind::Customer,
            "unknown" => Kind::Unknown,
            other => {
                return Err(ApiError::bad_request(format!(
                    "kind must be worker, external, customer or unknown, not {other:?}"
                )))
            }
        };
        let call_sid = world.fresh_sid("CA");
        let conference = conference_mut(world, ci)?;
        if !conference.is_open() {
            return Err(ApiError::conflict(format!(
                "conference {} is completed",
                conference.sid
            )));
        }
        let label = request.label.filter(|l| !l.is_empty());
        if let Some(label) = &label {
            // The rule `add-participant` applies (16025): a label names one live leg.
            if conference.rest_participant(label, true).is_ok() {
                return Err(ApiError::conflict(format!(
                    "a live leg of conference {} already has label {label:?}",
                    conference.sid
                )));
            }
        }
        let to = request.to.unwrap_or_else(|| match kind.worker_sid() {
            Some(worker) => format!("client:{worker}"),
            None => DEFAULT_TO.to_owned(),
        });
        let from = request
            .from
            .or_else(|| conference.customer_number.clone())
            .unwrap_or_else(|| FLEX_NUMBER.to_owned());
        let participant_sid = kind.participant_sid().map(str::to_owned);
        let mut leg = Leg::new(call_sid.clone(), kind, status, to, from, now);
        leg.ecoe = request.end_conference_on_exit;
        leg.label = label;
        if let Some(scoe) = request.start_conference_on_enter {
            leg.start_conference_on_enter = scoe;
        }
        conference.push_leg(leg, now);
        Ok(Json(
            json!({"callSid": call_sid, "participantSid": participant_sid}),
        ))
    })
}

/// `POST /sim/legs/{callSid}/ecoe` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EcoeRequest {
    value: bool,
}

/// The leg actions.
const ACTIONS: [&str; 11] = [
    "answer",
    "busy",
    "no-answer",
    "fail",
    "hangup",
    "kick",
    "hold",
    "unhold",
    "mute",
    "unmute",
    "ecoe",
];

/// `POST /sim/legs/{callSid}/{action}`: the other parties (`answer`, `busy`, `no-answer`,
/// `fail`, `hangup`), and Flex's native actions or a scripted actor (`hold`, `unhold`, `mute`,
/// `unmute`, `kick`, and `ecoe` = `setEndConferenceOnExit` with the held-leg quirk). These leave no
/// entry in the serverless request log, only conference events.
pub(crate) async fn leg_action(
    State(sim): State<Sim>,
    Path((call_sid, action)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    if !ACTIONS.contains(&action.as_str()) {
        return Err(ApiError::not_found(format!("unknown action {action:?}")));
    }
    let ecoe = if action == "ecoe" {
        Some(parse::<EcoeRequest>(&body)?.value)
    } else {
        None
    };
    sim.with_world(|world, now| {
        let (ci, li) = world
            .find_leg(&call_sid)
            .ok_or_else(|| ApiError::not_found(format!("no call {call_sid}")))?;
        let settings = world.settings.clone();
        let conference = conference_mut(world, ci)?;
        let status = conference
            .legs
            .get(li)
            .map(|l| l.status)
            .ok_or_else(|| ApiError::not_found(format!("no call {call_sid}")))?;
        let connected = || {
            if status == LegStatus::Connected {
                Ok(())
            } else {
                Err(ApiError::conflict(format!(
                    "cannot {action} a {} leg",
                    status.as_str()
                )))
            }
        };
        match action.as_str() {
            "answer" => conference.answer(li, now).map_err(ApiError::conflict)?,
            "busy" => conference
                .end_unanswered(li, LegStatus::Busy, now)
                .map_err(ApiError::conflict)?,
            "no-answer" => conference
                .end_unanswered(li, LegStatus::NoAnswer, now)
                .map_err(ApiError::conflict)?,
            "fail" => conference
                .end_unanswered(li, LegStatus::Failed, now)
                .map_err(ApiError::conflict)?,
            "hangup" => conference.hang_up(li, now).map_err(ApiError::conflict)?,
            "kick" => conference.kick(li, now).map_err(ApiError::conflict)?,
            "hold" | "unhold" => {
                connected()?;
                conference.set_hold(li, action == "hold", now);
            }
            "mute" | "unmute" => {
                connected()?;
                conference.set_muted(li, action == "mute", now);
            }
            _ => {
                if !status.is_live() {
                    return Err(ApiError::conflict(format!(
                        "cannot set endConferenceOnExit on a {} leg",
                        status.as_str()
                    )));
                }
                conference
                    .check_updatable(li, &settings)
                    .map_err(|e| ApiError::conflict(e.message))?;
                conference.update_ecoe(li, ecoe.unwrap_or(false), now, &settings);
            }
        }
        let leg = conference
            .legs
            .get(li)
            .ok_or_else(|| ApiError::not_found(format!("no call {call_sid}")))?;
        Ok(Json(json!({
            "callSid": leg.call_sid,
            "status": leg.status.as_str(),
            "hold": leg.hold,
            "muted": leg.muted,
            "endConferenceOnExit": leg.ecoe,
        })))
    })
}

fn leg_json(leg: &Leg) -> Value {
    json!({
        "callSid": leg.call_sid,
        "label": leg.label,
        "to": leg.to,
        "from": leg.from,
        "kind": leg.kind.as_str(),
        "workerSid": leg.kind.worker_sid(),
        "participantSid": leg.kind.participant_sid(),
        "status": leg.status.as_str(),
        "hold": leg.hold,
        "muted": leg.muted,
        "endConferenceOnExit": leg.ecoe,
        "startConferenceOnEnter": leg.start_conference_on_enter,
        "earlyMedia": leg.early_media,
        "beep": leg.beep,
        "timeout": leg.timeout_s,
        "createdAtMs": leg.created_at,
        "ringingAtMs": leg.ringing_at,
        "joinedAtMs": leg.joined_at,
        "leftAtMs": leg.left_at,
    })
}

fn conference_json(conference: &Conference) -> Value {
    json!({
        "conferenceSid": conference.sid,
        "friendlyName": conference.friendly_name,
        "status": conference.status.as_str(),
        "reasonEnded": conference.reason_ended,
        "callSidEndingConference": conference.ended_by,
        "participants": conference.legs.iter().map(leg_json).collect::<Vec<_>>(),
        "events": conference.events,
        "version": conference.version,
        "createdAtMs": conference.created_at,
    })
}

/// `GET /sim/conferences`: a summary of every conference.
pub(crate) async fn list_conferences(State(sim): State<Sim>) -> Json<Value> {
    sim.with_world(|world, _| {
        let list: Vec<Value> = world
            .conferences
            .iter()
            .map(|c| {
                json!({
                    "conferenceSid": c.sid,
                    "friendlyName": c.friendly_name,
                    "status": c.status.as_str(),
                    "reasonEnded": c.reason_ended,
                    "version": c.version,
                })
            })
            .collect();
        Json(Value::Array(list))
    })
}

/// `GET /sim/conferences/{sidOrName}`: the conference with every leg ever and its events.
pub(crate) async fn get_conference(State(sim): State<Sim>, Path(key): Path<String>) -> ApiResult {
    sim.with_world(|world, _| {
        let ci = conference_index(world, &key)?;
        let conference = world
            .conferences
            .get(ci)
            .ok_or_else(|| ApiError::not_found("no such conference"))?;
        Ok(Json(conference_json(conference)))
    })
}

/// `POST /sim/conferences/{sidOrName}/complete`: Update Conference `Status=completed`
/// (`conference-ended-via-api`).
pub(crate) async fn complete_conference(
    State(sim): State<Sim>,
    Path(key): Path<String>,
) -> ApiResult {
    sim.with_world(|world, now| {
        let ci = conference_index(world, &key)?;
        let conference = conference_mut(world, ci)?;
        if !conference.is_open() {
            return Err(ApiError::conflict(format!(
                "conference {} is already completed",
                conference.sid
            )));
        }
        conference.end("conference-ended-via-api", None, now);
        Ok(Json(conference_json(conference)))
    })
}

/// `POST /sim/faults`.
pub(crate) async fn add_fault(State(sim): State<Sim>, body: Bytes) -> ApiResult {
    let spec: FaultSpec = parse(&body)?;
    sim.with_world(|world, _| {
        let id = world.add_fault(spec).map_err(ApiError::bad_request)?;
        Ok(Json(json!({"id": id})))
    })
}

/// `GET /sim/faults`: every fault with its `remaining` count.
pub(crate) async fn list_faults(State(sim): State<Sim>) -> Json<Value> {
    sim.with_world(|world, _| {
        Json(Value::Array(
            world.faults.iter().map(|f| f.to_json()).collect(),
        ))
    })
}

/// `DELETE /sim/faults[?conference=…]`: clears all faults, or those for that conference.
pub(crate) async fn clear_faults(State(sim): State<Sim>, RawQuery(query): RawQuery) -> Json<Value> {
    let query = query_map(query.as_deref());
    sim.with_world(|world, _| {
        let before = world.faults.len();
        match query.get("conference") {
            Some(key) => {
                let faults = std::mem::take(&mut world.faults);
                world.faults = faults
                    .into_iter()
                    .filter(|f| {
                        !f.spec
                            .conference
                            .as_deref()
                            .is_some_and(|c| world.same_conference(c, key))
                    })
                    .collect();
            }
            None => world.faults.clear(),
        }
        Json(json!({"cleared": before - world.faults.len()}))
    })
}

/// `GET /sim/settings`.
pub(crate) async fn get_settings(State(sim): State<Sim>) -> Json<Value> {
    sim.with_world(|world, _| Json(json!(world.settings)))
}

/// `POST /sim/settings`: a partial merge; answers the full settings.
pub(crate) async fn post_settings(State(sim): State<Sim>, body: Bytes) -> ApiResult {
    let patch: Value = parse(&body)?;
    sim.with_world(|world, _| {
        let merged = world
            .settings
            .merged(&patch)
            .map_err(ApiError::bad_request)?;
        world.set_settings(merged);
        Ok(Json(json!(world.settings)))
    })
}

/// `POST /sim/reset`: faults cleared, settings and tokens back to the startup defaults;
/// conferences and the request log kept.
pub(crate) async fn reset(State(sim): State<Sim>) -> Json<Value> {
    sim.with_world(|world, _| {
        world.reset();
        Json(json!({"ok": true}))
    })
}

/// `POST /sim/tokens` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenRequest {
    token: String,
    state: TokenState,
}

/// `POST /sim/tokens`: adds a token, or marks one expired or invalid.
pub(crate) async fn post_token(State(sim): State<Sim>, body: Bytes) -> ApiResult {
    let request: TokenRequest = parse(&body)?;
    if request.token.is_empty() {
        return Err(ApiError::bad_request("empty token"));
    }
    sim.with_world(|world, _| {
        world.tokens.insert(request.token, request.state);
        Ok(Json(json!({"state": request.state})))
    })
}

/// `GET /sim/requests[?conference=…]`: the serverless request log, optionally only requests
/// whose `conference`/`taskSid` is that conference's SID or friendly name, or whose
/// `participant`/`callSid` is one of its legs (call SID or label).
pub(crate) async fn requests(State(sim): State<Sim>, RawQuery(query): RawQuery) -> Json<Value> {
    let query = query_map(query.as_deref());
    sim.with_world(|world, _| {
        let Some(key) = query.get("conference") else {
            return Json(json!(world.requests));
        };
        let conferences: Vec<&Conference> = world
            .conferences
            .iter()
            .filter(|c| c.sid == *key || c.friendly_name == *key)
            .collect();
        let names: HashSet<&str> = conferences
            .iter()
            .flat_map(|c| [c.sid.as_str(), c.friendly_name.as_str()])
            .chain([key.as_str()])
            .collect();
        let legs: HashSet<&str> = conferences
            .iter()
            .flat_map(|c| c.legs.iter())
            .flat_map(|l| [Some(l.call_sid.as_str()), l.label.as_deref()])
            .flatten()
            .collect();
        let field_in =
            |r: &crate::serverless::RequestRecord, keys: [&str; 2], set: &HashSet<&str>| {
                keys.iter()
                    .any(|k| r.params.get(*k).is_some_and(|v| set.contains(v.as_str())))
            };
        let matching: Vec<&crate::serverless::RequestRecord> = world
            .requests
            .iter()
            .filter(|r| {
                field_in(r, ["conference", "taskSid"], &names)
                    || field_in(r, ["participant", "callSid"], &legs)
            })
            .collect();
        Json(json!(matching))
    })
}

/// The task snapshot and its version, or `None` when no conference has that task's name.
fn task_snapshot(world: &World, task: &str, worker: Option<&str>) -> Option<(Value, u64)> {
    let conference = world
        .conferences
        .iter()
        .rev()
        .find(|c| c.friendly_name == task)?;
    let worker = worker.or_else(|| conference.first_worker()).unwrap_or("");
    Some((
        task_json(conference, worker, world.settings.retype_held_unknown),
        conference.version,
    ))
}

/// Waits until the task's version exceeds `since` (or `deadline` passes, when given), waking
/// for changes and for the model's timers; answers the snapshot then. `None` = unknown task.
async fn wait_for_task(
    sim: &Sim,
    task: &str,
    worker: Option<&str>,
    since: Option<u64>,
    deadline: Option<tokio::time::Instant>,
) -> Option<(Value, u64)> {
    let clock = sim.clock();
    loop {
        let mut changes = sim.subscribe();
        let (current, due) =
            sim.with_world(|world, _| (task_snapshot(world, task, worker), world.next_due()));
        let (snapshot, version) = current?;
        let expired = deadline.is_some_and(|d| tokio::time::Instant::now() >= d);
        if since.is_none_or(|s| version > s) || expired {
            return Some((snapshot, version));
        }
        let wake = match (deadline, due.map(|ms| clock.instant_at(ms))) {
            (Some(d), Some(t)) => Some(d.min(t)),
            (d, t) => d.or(t),
        };
        let sleep = async {
            match wake {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            changed = changes.changed() => {
                if changed.is_err() {
                    return sim.with_world(|world, _| task_snapshot(world, task, worker));
                }
            }
            () = sleep => {}
        }
    }
}

/// `GET /sim/tasks/{taskSid}?worker=&since=&waitMs=`: the Flex-shaped task snapshot for that
/// agent (default: the call's first worker), with `version`. With `since`, a long poll: answers
/// once `version > since`, or after `waitMs` (default 25 s, at most 60 s) with the current one.
pub(crate) async fn task(
    State(sim): State<Sim>,
    Path(task_sid): Path<String>,
    RawQuery(query): RawQuery,
) -> ApiResult {
    let query = query_map(query.as_deref());
    let number = |key: &str| -> Result<Option<u64>, ApiError> {
        query
            .get(key)
            .map(|v| {
                v.parse::<u64>()
                    .map_err(|_| ApiError::bad_request(format!("{key} must be a whole number")))
            })
            .transpose()
    };
    let since = number("since")?;
    let wait = number("waitMs")?
        .unwrap_or(DEFAULT_WAIT_MS)
        .min(MAX_WAIT_MS);
    let deadline = tokio::time::Instant::now() + Duration::from_millis(wait);
    let worker = query.get("worker").map(String::as_str);
    let (snapshot, _) = wait_for_task(&sim, &task_sid, worker, since, Some(deadline))
        .await
        .ok_or_else(|| ApiError::not_found(format!("no task {task_sid}")))?;
    Ok(Json(snapshot))
}

/// `GET /sim/tasks/{taskSid}/events?worker=`: server-sent events, one `data: <snapshot>` per
/// change of the conference, the first one at once.
pub(crate) async fn task_events(
    State(sim): State<Sim>,
    Path(task_sid): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    let query = query_map(query.as_deref());
    let worker = query.get("worker").cloned();
    let exists =
        sim.with_world(|world, _| task_snapshot(world, &task_sid, worker.as_deref()).is_some());
    if !exists {
        return Err(ApiError::not_found(format!("no task {task_sid}")));
    }
    let events = stream::unfold(
        (sim, task_sid, worker, None::<u64>),
        |(sim, task, worker, since)| async move {
            let (snapshot, version) =
                wait_for_task(&sim, &task, worker.as_deref(), since, None).await?;
            let event = SseEvent::default().data(snapshot.to_string());
            Some((Ok(event), (sim, task, worker, Some(version))))
        },
    );
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}

/// Fallback for unknown `/sim/…` paths.
pub(crate) fn unknown() -> Response {
    ApiError::not_found("no such control endpoint").into_response()
}
