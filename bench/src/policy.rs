//! One browser's conference policy, as the shootout drives it: our engine, or the replayed
//! reference ([`crate::reference`]). Both see what a Flex plugin sees — Flex task snapshots, the
//! before-listeners of Flex actions, HTTP answers, timers — and ask for what a plugin can do:
//! serverless requests, notifications, Flex actions, and the answer to a hang-up.

use flex_conference::core::{
    ApiResult, Command, Conference, Config, Intent, NativeHold, TaskSnapshot,
};
use serde_json::Value;

/// What a policy asks its driver to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Out {
    /// Send a serverless request (form fields without `Token`); answer with
    /// [`Policy::api_result`] and the same `id`.
    Api {
        /// Answer with this id.
        id: u32,
        /// Template endpoint name, e.g. `update-participant`.
        endpoint: String,
        /// The form fields, in order.
        params: Vec<(String, String)>,
    },
    /// Show a notification (its registered id).
    Notify {
        /// Notification id, e.g. `PS_ConferenceHoldFailed`.
        notification: String,
    },
    /// Invoke a Flex action (`HoldParticipant`, `UnholdParticipant`, `KickParticipant`,
    /// `HoldCall`, `UnholdCall`) with this payload (without `task`). The driver runs it as Flex
    /// does — this policy's own before-listener first, then the native action unless aborted —
    /// and reports how it settled with [`Policy::flex_result`] and the same `id`.
    Flex {
        /// Answer with this id.
        id: u32,
        /// Action name.
        action: String,
        /// Payload, e.g. `{ "participantType": "customer", "targetSid": "CA…" }`.
        payload: Value,
    },
    /// The answer to a `HangupCall` the policy did not abort at once: let the agent's leg
    /// leave, or abort the hang-up.
    Hangup {
        /// Let the hang-up proceed.
        allow: bool,
    },
}

/// What a before-listener decided, synchronously.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
pub struct Outcome {
    /// False when the action was refused at once (the agent sees why inline).
    pub accepted: bool,
    /// The native Flex action must not run (the policy took it over, or refused it). For
    /// `HangupCall`, true means "aborted now, no [`Out::Hangup`] follows"; false means "wait
    /// for the policy's [`Out::Hangup`]".
    pub abort_native: bool,
}

/// One agent's browser running a conference policy.
pub trait Policy {
    /// A Flex task snapshot (the JSON the sim's `GET /sim/tasks/{taskSid}?worker=` returns),
    /// delivered whenever Flex shows a change.
    fn snapshot(&mut self, task: &Value, now: u64);

    /// The agent typed `destination` into the add dialog and pressed Dial.
    fn add(&mut self, destination: &str, now: u64) -> Outcome;

    /// The before-listener of a Flex action: `HoldParticipant`, `UnholdParticipant`,
    /// `KickParticipant` (payload `{ participantType, targetSid }`, `targetSid` per the row rule:
    /// `workerSid` for workers, `callSid` for everything else), `HoldCall`, `UnholdCall`
    /// (payload `{ participantCallSid }`), or `HangupCall` (payload `{ confirmLeave }`: our
    /// engine's "leave while a leg rings?" answered yes).
    fn before(&mut self, action: &str, payload: &Value, now: u64) -> Outcome;

    /// The agent clicks Mute / Unmute on a participant card; `None` when the policy has no
    /// such button (the reference has none: SPEC §11 D17).
    fn mute(&mut self, _call_sid: &str, _muted: bool, _now: u64) -> Option<Outcome> {
        None
    }

    /// The agent stops dialing a ringing leg from its connecting card.
    fn cancel_dial(&mut self, call_sid: &str, now: u64) -> Outcome;

    /// The answer to [`Out::Api`] `id`: HTTP status (0 when no response arrived), the body
    /// (JSON, or the text as a JSON string) and whether the request failed on the network.
    fn api_result(&mut self, id: u32, status: u16, body: &Value, network_error: bool, now: u64);

    /// How the Flex action [`Out::Flex`] `id` settled: `ok` false when it rejected (a
    /// before-listener aborted it, or the native action failed).
    fn flex_result(&mut self, id: u32, ok: bool, now: u64);

    /// A timer came due.
    fn timeout(&mut self, now: u64);

    /// The next thing to do, if any; drained after every input.
    fn poll(&mut self) -> Option<Out>;

    /// When [`Policy::timeout`] wants to be called next.
    fn next_timeout(&self) -> Option<u64>;
}

/// Our engine ([`Conference`]) behind the shim's before-listeners (`js/src/flex.ts`).
pub struct Ours {
    engine: Conference,
    /// Outputs queued behind the engine's (what the shim shows for some answers).
    queued: Vec<Out>,
    /// Worker SID → call SID, from the latest snapshot (the shim resolves `targetSid` so).
    workers: Vec<(String, String)>,
    /// Errors the engine returned for inputs (a driver bug if any).
    pub errors: Vec<String>,
}

impl Ours {
    /// An engine for the agent `worker_sid`, with the feature's `config` keys.
    pub fn new(config: &Value, now: u64) -> Result<Self, String> {
        let config = Config::from_json(config).map_err(|e| e.to_string())?;
        Ok(Self {
            engine: Conference::new(config, now),
            queued: Vec::new(),
            workers: Vec::new(),
            errors: Vec::new(),
        })
    }

    fn intent(&mut self, intent: Intent, now: u64) -> Outcome {
        let guarding = self.engine.view().guarding;
        let o = self.engine.handle_intent(intent, now);
        // The shim's `showRefusal`: a refusal is shown, except "in progress" on a leg with an
        // operation in flight (its buttons are disabled and spinning: a double click).
        let in_progress = o
            .error
            .as_ref()
            .is_some_and(|e| e.code == flex_conference::core::ErrorCode::InProgress);
        if !o.accepted && (!in_progress || guarding) {
            self.queued.push(Out::Notify {
                notification: "(refusal shown)".to_owned(),
            });
        }
        Outcome {
            accepted: o.accepted,
            abort_native: o.abort_native,
        }
    }

    fn resolve(&self, target_sid: &str) -> String {
        self.workers
            .iter()
            .find(|(w, _)| w == target_sid)
            .map_or_else(|| target_sid.to_owned(), |(_, c)| c.clone())
    }
}

impl Policy for Ours {
    fn snapshot(&mut self, task: &Value, now: u64) {
        self.workers = task["conference"]["participants"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| {
                Some((
                    p["workerSid"].as_str()?.to_owned(),
                    p["callSid"].as_str()?.to_owned(),
                ))
            })
            .collect();
        match TaskSnapshot::from_json(task) {
            Ok(snap) => {
                if let Err(e) = self.engine.handle_snapshot(snap, now) {
                    self.errors.push(format!("handle_snapshot: {e}"));
                }
            }
            Err(e) => self.errors.push(format!("TaskSnapshot::from_json: {e}")),
        }
    }

    fn add(&mut self, destination: &str, now: u64) -> Outcome {
        self.intent(
            Intent::AddParticipant {
                destination: destination.to_owned(),
                caller_id: None,
            },
            now,
        )
    }

    fn before(&mut self, action: &str, payload: &Value, now: u64) -> Outcome {
        let target = payload["targetSid"].as_str().map(|t| self.resolve(t));
        let call = payload["participantCallSid"].as_str().map(str::to_owned);
        let intent = match (action, target, call) {
            ("HoldParticipant", Some(call_sid), _) => Intent::Hold {
                call_sid,
                native_action: NativeHold::HoldParticipant,
            },
            ("UnholdParticipant", Some(call_sid), _) => Intent::Unhold { call_sid },
            ("KickParticipant", Some(call_sid), _) => Intent::Kick { call_sid },
            ("HoldCall", _, Some(call_sid)) => Intent::Hold {
                call_sid,
                native_action: NativeHold::HoldCall,
            },
            ("UnholdCall", _, Some(call_sid)) => Intent::Unhold { call_sid },
            ("HangupCall", _, _) => Intent::Hangup {
                confirm_leave: payload["confirmLeave"] == true,
            },
            _ => {
                return Outcome {
                    accepted: true,
                    abort_native: false,
                }
            }
        };
        self.intent(intent, now)
    }

    fn mute(&mut self, call_sid: &str, muted: bool, now: u64) -> Option<Outcome> {
        let call_sid = call_sid.to_owned();
        Some(self.intent(
            if muted {
                Intent::Mute { call_sid }
            } else {
                Intent::Unmute { call_sid }
            },
            now,
        ))
    }

    fn cancel_dial(&mut self, call_sid: &str, now: u64) -> Outcome {
        self.intent(
            Intent::CancelDial {
                call_sid: call_sid.to_owned(),
            },
            now,
        )
    }

    fn api_result(&mut self, id: u32, status: u16, body: &Value, network_error: bool, now: u64) {
        let result = ApiResult::from_json(serde_json::json!({
            "ok": !network_error && (200..300).contains(&status),
            "status": status,
            "body": body,
            "networkError": if network_error { Value::from("Failed to fetch") } else { Value::Null },
        }));
        match result {
            Ok(r) => {
                if let Err(e) = self.engine.handle_api_result(id, r, now) {
                    // A result for a request the engine no longer waits for is expected (a
                    // reload); anything else is a driver bug.
                    if e.code != flex_conference::core::ErrorCode::InvalidResult {
                        self.errors.push(format!("handle_api_result: {e}"));
                    }
                }
            }
            Err(e) => self.errors.push(format!("ApiResult::from_json: {e}")),
        }
    }

    fn flex_result(&mut self, _id: u32, _ok: bool, _now: u64) {}

    fn timeout(&mut self, now: u64) {
        self.engine.handle_timeout(now);
    }

    fn poll(&mut self) -> Option<Out> {
        let Some(command) = self.engine.poll_command() else {
            return (!self.queued.is_empty()).then(|| self.queued.remove(0));
        };
        Some(match command {
            Command::Api {
                id,
                endpoint,
                params,
            } => Out::Api {
                id,
                endpoint: endpoint.name().to_owned(),
                params: params
                    .iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
            },
            Command::Notify { notification, .. } => Out::Notify {
                notification: notification.to_owned(),
            },
            Command::Flex {
                id,
                action,
                payload,
            } => Out::Flex {
                id,
                action: action.to_owned(),
                payload: payload.into(),
            },
            Command::Hangup { allow, reason, .. } => {
                // The shim asks "leave while a leg rings?" (`confirm_leave`) and shows "making
                // it safe to leave" while a guard runs (`in_progress`).
                if !allow && matches!(reason, "confirm_leave" | "in_progress") {
                    self.queued.push(Out::Notify {
                        notification: format!("({reason} shown)"),
                    });
                }
                Out::Hangup { allow }
            }
        })
    }

    fn next_timeout(&self) -> Option<u64> {
        self.engine.poll_timeout()
    }
}
