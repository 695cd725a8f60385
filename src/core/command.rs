//! What the engine wants done: commands, as values.

pub(crate) use crate::core::value::object;
use crate::core::value::{Json, Map};

use crate::api::{ApiFailure, Endpoint, Params};
use crate::core::json_out::{JsonWriter, ToJson};

/// Identifies a command; API results name it.
pub type CommandId = u32;

/// One thing for the driver to do (DESIGN §4). Drain with `Conference::poll_command` after every
/// input. As JSON (DESIGN §4): `{ "kind": "api", "id", "endpoint", "params" }`, `{ "kind":
/// "notify", "id", "notification", "context" }`, `{ "kind": "flex", "id", "action", "payload" }`,
/// `{ "kind": "hangup", "id", "allow", "reason" }`.
#[derive(Clone, Debug, PartialEq)]
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
        context: Json,
    },
    /// Invoke a native Flex action (the shim adds `task`).
    Flex {
        /// Id.
        id: CommandId,
        /// Action name, e.g. `HoldParticipant`.
        action: &'static str,
        /// Payload without `task`.
        payload: Json,
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

impl ToJson for Command {
    fn write_json(&self, out: &mut JsonWriter) {
        out.open();
        out.key("kind");
        let (kind, id) = match self {
            Self::Api { id, .. } => ("api", id),
            Self::Notify { id, .. } => ("notify", id),
            Self::Flex { id, .. } => ("flex", id),
            Self::Hangup { id, .. } => ("hangup", id),
        };
        out.str(kind);
        out.key("id");
        out.uint(u64::from(*id));
        match self {
            Self::Api {
                endpoint, params, ..
            } => {
                out.key("endpoint");
                out.str(endpoint.name());
                out.key("params");
                params.write_json(out);
            }
            Self::Notify {
                notification,
                context,
                ..
            } => {
                out.key("notification");
                out.str(notification);
                out.key("context");
                context.write_json(out);
            }
            Self::Flex {
                action, payload, ..
            } => {
                out.key("action");
                out.str(action);
                out.key("payload");
                payload.write_json(out);
            }
            Self::Hangup { allow, reason, .. } => {
                out.key("allow");
                out.bool(*allow);
                out.key("reason");
                out.str(reason);
            }
        }
        out.close();
    }
}

/// A notification context for a failure: `{ code, status, message }` plus extra fields.
pub(crate) fn failure_context(failure: &ApiFailure, extra: &[(&str, &str)]) -> Json {
    let mut map = Map::new();
    map.insert(
        "code".into(),
        failure.twilio_code().map_or(Json::Null, Json::from),
    );
    map.insert("status".into(), Json::from(failure.status()));
    map.insert("message".into(), Json::from(failure.message()));
    for (k, v) in extra {
        map.insert((*k).into(), Json::from(*v));
    }
    Json::Object(map)
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use crate::wasm_test as test;

    use super::*;
    use crate::core::json_out::to_json;

    #[test]
    fn every_command_kind_serializes_with_its_kind_first_and_camel_case_keys() {
        let cases = [
            (
                Command::Api {
                    id: 3,
                    endpoint: Endpoint::HoldParticipant,
                    params: Params::new().with("conference", "CF1").with("hold", "true"),
                },
                concat!(
                    r#"{"kind":"api","id":3,"endpoint":"hold-participant","#,
                    r#""params":{"conference":"CF1","hold":"true"}}"#
                ),
            ),
            (
                Command::Notify {
                    id: 4,
                    notification: "PS_ConferenceHoldFailed",
                    context: object([("code", Json::Null), ("status", Json::from(0_u32))]),
                },
                concat!(
                    r#"{"kind":"notify","id":4,"notification":"PS_ConferenceHoldFailed","#,
                    r#""context":{"code":null,"status":0}}"#
                ),
            ),
            (
                Command::Flex {
                    id: 5,
                    action: "HoldParticipant",
                    payload: object([("targetSid", Json::from("CA1"))]),
                },
                concat!(
                    r#"{"kind":"flex","id":5,"action":"HoldParticipant","#,
                    r#""payload":{"targetSid":"CA1"}}"#
                ),
            ),
            (
                Command::Hangup {
                    id: 4_294_967_295,
                    allow: false,
                    reason: "guarded",
                },
                r#"{"kind":"hangup","id":4294967295,"allow":false,"reason":"guarded"}"#,
            ),
        ];
        for (command, json) in cases {
            assert_eq!(to_json(&command), json);
        }
        assert_eq!(to_json(&None::<Command>), "null");
    }
}
