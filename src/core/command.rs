//! What the engine wants done: commands, as values.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::api::{ApiFailure, Endpoint, Params};

/// Identifies a command; API results name it.
pub type CommandId = u32;

/// One thing for the driver to do (DESIGN §4). Drain with `Conference::poll_command` after every
/// input.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Command {
    /// Send a serverless request; answer with `handle_api_result(id, …)`.
    Api {
        /// Id to answer with.
        id: CommandId,
        /// Template endpoint name.
        endpoint: Endpoint,
        /// Exactly the endpoint's form fields, without `Token`.
        params: Params,
    },
    /// Show a notification.
    Notify {
        /// Id.
        id: CommandId,
        /// Registered notification id (see [`crate::core::notification`]).
        notification: &'static str,
        /// Template context.
        context: Value,
    },
    /// Invoke a native Flex action (the shim adds `task`).
    Flex {
        /// Id.
        id: CommandId,
        /// Action name, e.g. `HoldParticipant`.
        action: &'static str,
        /// Payload without `task`.
        payload: Value,
    },
    /// The answer to a hang-up intent: let the native hang-up go on, or abort it.
    Hangup {
        /// Id.
        id: CommandId,
        /// Let the hang-up proceed.
        allow: bool,
        /// Why, as a stable code (`not_guarded`, `guarded`, `confirm_leave`, `in_progress`,
        /// `unhold_failed`, `flag_failed`, `timeout`).
        reason: &'static str,
    },
}

impl Command {
    /// The command's id.
    pub fn id(&self) -> CommandId {
        match self {
            Self::Api { id, .. }
            | Self::Notify { id, .. }
            | Self::Flex { id, .. }
            | Self::Hangup { id, .. } => *id,
        }
    }
}

/// A notification context for a failure: `{ code, status, message }` plus extra fields.
pub(crate) fn failure_context(failure: &ApiFailure, extra: &[(&str, &str)]) -> Value {
    let mut map = Map::new();
    map.insert(
        "code".into(),
        failure.twilio_code().map_or(Value::Null, Value::from),
    );
    map.insert("status".into(), Value::from(failure.status()));
    map.insert("message".into(), Value::from(failure.message()));
    for (k, v) in extra {
        map.insert((*k).into(), Value::from(*v));
    }
    Value::Object(map)
}

/// A JSON object of `fields`. (Not `json!`: its `to_value(..).unwrap()` links serde_json's error
/// formatting, and `value["key"] = ..` its panic message, about 5 KB of the module together.)
pub(crate) fn object<const N: usize>(fields: [(&str, Value); N]) -> Value {
    let mut map = Map::new();
    // Inserted one by one: `collect` would link the map's bulk-build (a sort) for this alone.
    for (key, value) in fields {
        map.insert(key.to_owned(), value);
    }
    Value::Object(map)
}
