//! What the agent asks for, parsed at the edge, and the synchronous answer.

use crate::prelude::*;

use serde_json::Value;

use crate::core::error::{CoreError, ErrorCode};
use crate::core::json::Errors;
use crate::core::text::cat;
use crate::core::value::Json;

/// A user intent (DESIGN §4).
#[derive(Clone, Debug, Eq, PartialEq)]
pub enum Intent {
    /// Dial a destination into the conference.
    AddParticipant {
        /// What the agent typed.
        destination: String,
        /// Caller ID; `None` resolves it from the configured candidates.
        caller_id: Option<String>,
    },
    /// Cancel a leg that is still ringing (by call SID, or by the add's label before the SID is
    /// known).
    CancelDial {
        /// Call SID or label.
        call_sid: String,
    },
    /// Leave the call (the before-`HangupCall` guard).
    Hangup {
        /// The agent confirmed "leave and keep the others connected" while a leg still rings.
        confirm_leave: bool,
    },
    /// Hold a participant.
    Hold {
        /// The participant.
        call_sid: String,
        /// The native action being intercepted: `HoldParticipant` (default) or `HoldCall`.
        native_action: NativeHold,
    },
    /// Remove a participant (or cancel a ringing one).
    Kick {
        /// The participant.
        call_sid: String,
    },
    /// Mute a participant.
    Mute {
        /// The participant.
        call_sid: String,
    },
    /// Unhold a participant.
    Unhold {
        /// The participant.
        call_sid: String,
    },
    /// Unmute a participant.
    Unmute {
        /// The participant.
        call_sid: String,
    },
}

/// Which native action a hold intent intercepts, so the engine can re-invoke it.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum NativeHold {
    /// `HoldCall` (Flex's own customer row and call-control hold).
    HoldCall,
    /// `HoldParticipant`.
    HoldParticipant,
}

impl NativeHold {
    /// The action name.
    pub fn action(self) -> &'static str {
        match self {
            Self::HoldCall => "HoldCall",
            Self::HoldParticipant => "HoldParticipant",
        }
    }
}

impl Intent {
    /// Parses `{ kind, … }`.
    pub fn from_json(value: &Value) -> Result<Self, CoreError> {
        Self::read(&Json::from(value))
    }

    /// [`Intent::from_json`] over the crate's own [`Json`].
    pub(crate) fn read(value: &Json) -> Result<Self, CoreError> {
        let errors = Errors::new(ErrorCode::InvalidIntent);
        let intent = Self::read_into(value, &errors);
        errors.finish(intent)
    }

    /// The intent, or `None` once an error is recorded (the first one is the answer).
    fn read_into(value: &Json, errors: &Errors) -> Option<Self> {
        let o = errors.obj(value, "intent")?;
        let Some(kind) = o.str("kind") else {
            errors.fail("intent.kind is required");
            return None;
        };
        let call_sid = || match o.non_blank("callSid") {
            Some(sid) => Some(sid.to_owned()),
            None => {
                errors.fail(cat(&["intent.callSid is required for ", kind]));
                None
            }
        };
        Some(match kind {
            "addParticipant" => {
                let Some(destination) = o.str("destination") else {
                    errors.fail("intent.destination is required");
                    return None;
                };
                Self::AddParticipant {
                    destination: destination.to_owned(),
                    caller_id: o.non_blank("callerId").map(str::to_owned),
                }
            }
            "hold" => Self::Hold {
                call_sid: call_sid()?,
                native_action: match o.str("nativeAction") {
                    None | Some("HoldParticipant") => NativeHold::HoldParticipant,
                    Some("HoldCall") => NativeHold::HoldCall,
                    Some(other) => {
                        errors.fail(cat(&[
                            "intent.nativeAction must be HoldParticipant or HoldCall, got ",
                            other,
                        ]));
                        return None;
                    }
                },
            },
            "unhold" => Self::Unhold {
                call_sid: call_sid()?,
            },
            "mute" => Self::Mute {
                call_sid: call_sid()?,
            },
            "unmute" => Self::Unmute {
                call_sid: call_sid()?,
            },
            "kick" => Self::Kick {
                call_sid: call_sid()?,
            },
            "cancelDial" => Self::CancelDial {
                call_sid: call_sid()?,
            },
            "hangup" => Self::Hangup {
                confirm_leave: o.bool("confirmLeave").unwrap_or(false),
            },
            other => {
                errors.fail(cat(&[
                    "unknown intent kind \"",
                    other,
                    "\" (expected addParticipant, hold, unhold, mute, unmute, kick, cancelDial \
                     or hangup)",
                ]));
                return None;
            }
        })
    }
}

/// The synchronous answer to an intent, so a Flex before-listener can decide at once.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct IntentOutcome {
    /// False when the intent was refused; `error` says why.
    pub accepted: bool,
    /// The engine takes the operation over (or refuses it): abort the native Flex action.
    pub abort_native: bool,
    /// Why the intent was refused.
    pub error: Option<CoreError>,
}

impl IntentOutcome {
    /// Accepted; the native action goes on.
    pub(crate) fn native() -> Self {
        Self {
            accepted: true,
            abort_native: false,
            error: None,
        }
    }

    /// Accepted; the engine does the work, the native action must be aborted.
    pub(crate) fn taken_over() -> Self {
        Self {
            accepted: true,
            abort_native: true,
            error: None,
        }
    }

    /// [`refused`](Self::refused) with a fixed message; one copy of the construction.
    #[inline(never)]
    pub(crate) fn refuse(code: ErrorCode, message: &str, abort_native: bool) -> Self {
        Self::refused(CoreError::new(code, message), abort_native)
    }

    /// Refused; `abort_native` says whether the native action must be stopped too.
    pub(crate) fn refused(error: CoreError, abort_native: bool) -> Self {
        Self {
            accepted: false,
            abort_native,
            error: Some(error),
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use crate::wasm_test as test;

    use serde_json::json;

    use super::*;

    #[test]
    fn every_intent_kind_parses_from_its_js_shape() {
        let cases = [
            (
                json!({"kind": "addParticipant", "destination": "+1", "callerId": null}),
                Intent::AddParticipant {
                    destination: "+1".into(),
                    caller_id: None,
                },
            ),
            (
                json!({"kind": "hold", "callSid": "CA1", "nativeAction": "HoldCall"}),
                Intent::Hold {
                    call_sid: "CA1".into(),
                    native_action: NativeHold::HoldCall,
                },
            ),
            (
                json!({"kind": "unhold", "callSid": "CA1"}),
                Intent::Unhold {
                    call_sid: "CA1".into(),
                },
            ),
            (
                json!({"kind": "mute", "callSid": "CA1"}),
                Intent::Mute {
                    call_sid: "CA1".into(),
                },
            ),
            (
                json!({"kind": "unmute", "callSid": "CA1"}),
                Intent::Unmute {
                    call_sid: "CA1".into(),
                },
            ),
            (
                json!({"kind": "kick", "callSid": "CA1"}),
                Intent::Kick {
                    call_sid: "CA1".into(),
                },
            ),
            (
                json!({"kind": "cancelDial", "callSid": "CA1"}),
                Intent::CancelDial {
                    call_sid: "CA1".into(),
                },
            ),
            (
                json!({"kind": "hangup", "confirmLeave": true}),
                Intent::Hangup {
                    confirm_leave: true,
                },
            ),
        ];
        for (js, want) in cases {
            assert_eq!(Intent::from_json(&js), Ok(want), "{js}");
        }
    }

    #[test]
    fn malformed_intents_are_invalid_intent_errors() {
        for bad in [
            json!(null),
            json!({"kind": "dance"}),
            json!({"kind": "hold"}),
            json!({"kind": "hold", "callSid": "  "}),
            json!({"kind": "hold", "callSid": 5}),
            json!({"kind": "addParticipant"}),
            json!({"kind": "hold", "callSid": "CA1", "nativeAction": "Kick"}),
        ] {
            let err = Intent::from_json(&bad).err();
            assert_eq!(err.map(|e| e.code), Some(ErrorCode::InvalidIntent), "{bad}");
        }
    }
}
