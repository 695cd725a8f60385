//! What happened, for assertions: requests, notifications, Flex actions, hang-up answers.

use std::collections::BTreeMap;

use flex_conference::core::{CommandId, IntentOutcome};
use serde_json::Value;

use super::backend::FaultKind;
use super::twilio::LegState;
use super::Agent;

/// One serverless request.
#[derive(Clone, Debug)]
pub(crate) struct RequestRecord {
    /// Which browser sent it.
    pub(crate) agent: Agent,
    /// Which engine instance of that browser (1 = the first; a reload starts the next).
    pub(crate) generation: u32,
    /// The engine's command id.
    pub(crate) id: CommandId,
    /// Endpoint name.
    pub(crate) endpoint: String,
    /// Form fields as the engine gave them (the driver's `Token` is kept apart).
    pub(crate) params: BTreeMap<String, String>,
    /// The token the driver attached at send time.
    pub(crate) token: Option<String>,
    /// When the engine emitted it.
    pub(crate) sent_at: u64,
    /// When the answer was handed to the engine.
    pub(crate) answered_at: Option<u64>,
    /// HTTP status handed to the engine (0: network error).
    pub(crate) status: Option<u16>,
    /// The operation changed the model.
    pub(crate) committed: bool,
    /// An injected fault hit it.
    pub(crate) fault: Option<FaultKind>,
    /// `update-participant`: the value the response echoed.
    pub(crate) echoed_ecoe: Option<bool>,
    /// The model state of the `participant` leg when the request was sent (`None`: no such leg).
    pub(crate) target_state_at_send: Option<LegState>,
    /// The sending browser's last snapshot showed the target live.
    pub(crate) target_seen_live: bool,
    /// The model's roster epoch when sent.
    pub(crate) epoch_at_send: u64,
    /// The engine no longer awaited the answer (the conference ended meanwhile).
    pub(crate) stale: bool,
}

impl RequestRecord {
    /// A form field.
    pub(crate) fn param(&self, key: &str) -> Option<&str> {
        self.params.get(key).map(String::as_str)
    }

    /// Answered with a 2xx.
    pub(crate) fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    /// Answered, but not with a 2xx.
    pub(crate) fn failed(&self) -> bool {
        self.status.is_some_and(|s| !(200..300).contains(&s))
    }

    /// `update-participant`'s `(participant, value)`.
    pub(crate) fn ecoe_write(&self) -> Option<(&str, bool)> {
        (self.endpoint == "update-participant").then(|| {
            (
                self.param("participant").unwrap_or(""),
                self.param("endConferenceOnExit") == Some("true"),
            )
        })
    }
}

/// A notification the engine asked Flex to show.
#[derive(Clone, Debug)]
pub(crate) struct NotificationRecord {
    /// Whose browser.
    pub(crate) agent: Agent,
    /// When.
    pub(crate) at: u64,
    /// Notification id.
    pub(crate) id: String,
    /// Template context.
    pub(crate) context: Value,
}

/// How a Flex action invocation went.
#[derive(Clone, Debug, Eq, PartialEq)]
pub(crate) enum Native {
    /// A before-listener aborted it: it rejected with "cancelled by before event" (swallowed).
    Aborted,
    /// The native action ran and did this.
    Ran(String),
    /// The native action itself failed.
    Rejected(String),
}

/// A Flex action invocation.
#[derive(Clone, Debug)]
pub(crate) struct ActionRecord {
    /// Whose browser.
    pub(crate) agent: Agent,
    /// When.
    pub(crate) at: u64,
    /// Action name.
    pub(crate) action: String,
    /// Payload.
    pub(crate) payload: Value,
    /// Invoked by the engine (`Command::Flex`) rather than by a click.
    pub(crate) from_engine: bool,
    /// The before-listener's answer.
    pub(crate) outcome: Option<IntentOutcome>,
    /// What the native action did.
    pub(crate) native: Native,
}

/// An answer to a hang-up intent.
#[derive(Clone, Debug)]
pub(crate) struct HangupRecord {
    /// Whose browser.
    pub(crate) agent: Agent,
    /// When.
    pub(crate) at: u64,
    /// Let the hang-up proceed.
    pub(crate) allow: bool,
    /// Why.
    pub(crate) reason: String,
}

/// Everything the harness saw.
#[derive(Debug, Default)]
pub(crate) struct Log {
    /// Requests, in send order.
    pub(crate) requests: Vec<RequestRecord>,
    /// Notifications.
    pub(crate) notifications: Vec<NotificationRecord>,
    /// Flex action invocations.
    pub(crate) actions: Vec<ActionRecord>,
    /// Hang-up answers.
    pub(crate) hangups: Vec<HangupRecord>,
    /// Errors the engine returned for inputs it should have accepted.
    pub(crate) engine_errors: Vec<String>,
    /// Engine panics.
    pub(crate) panics: Vec<String>,
}

impl Log {
    /// Requests to one endpoint.
    pub(crate) fn to(&self, endpoint: &str) -> Vec<&RequestRecord> {
        self.requests
            .iter()
            .filter(|r| r.endpoint == endpoint)
            .collect()
    }

    /// `update-participant` requests as `(agent, participant, value, status)`.
    pub(crate) fn ecoe_writes(&self) -> Vec<(Agent, String, bool, Option<u16>)> {
        self.requests
            .iter()
            .filter_map(|r| {
                r.ecoe_write()
                    .map(|(c, v)| (r.agent, c.to_owned(), v, r.status))
            })
            .collect()
    }

    /// `update-participant` requests naming one leg, as `(value, status)`.
    pub(crate) fn ecoe_writes_to(&self, call_sid: &str) -> Vec<(bool, Option<u16>)> {
        self.ecoe_writes()
            .into_iter()
            .filter(|(_, c, _, _)| c == call_sid)
            .map(|(_, _, v, s)| (v, s))
            .collect()
    }

    /// Requests naming a leg (as `participant` or `callSid`).
    pub(crate) fn naming(&self, call_sid: &str) -> Vec<&RequestRecord> {
        self.requests
            .iter()
            .filter(|r| {
                r.param("participant") == Some(call_sid) || r.param("callSid") == Some(call_sid)
            })
            .collect()
    }

    /// Notification ids shown, in order.
    pub(crate) fn notification_ids(&self) -> Vec<&str> {
        self.notifications.iter().map(|n| n.id.as_str()).collect()
    }

    /// Notifications with one id.
    pub(crate) fn notifications_with(&self, id: &str) -> Vec<&NotificationRecord> {
        self.notifications.iter().filter(|n| n.id == id).collect()
    }
}
