//! What the UI renders: connecting legs, per-leg pending operations and confirmed flags, and
//! whether the agent can leave without ending the call.

use crate::prelude::*;

use super::adds::AddPhase;
use super::Conference;
use crate::core::config::Mode;
use crate::core::json_out::{JsonWriter, ToJson};
use crate::core::monitor;

/// The engine's state as the UI needs it (`ConferenceEngine.view()`).
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct ConferenceView {
    /// The task this engine serves, once known.
    pub task_sid: Option<String>,
    /// The conference SID, once known.
    pub conference_sid: Option<String>,
    /// `disabled`, `full` or `xwt`.
    pub mode: &'static str,
    /// This browser is the designated reconciler of the exit policy.
    pub reconciler: bool,
    /// Added legs not yet joined, oldest first.
    pub connecting: Vec<ConnectingView>,
    /// Legs with something to show: pending operations or a confirmed flag.
    pub participants: Vec<LegView>,
    /// The agent can hang up and the others stay connected: the agent's flag is confirmed
    /// `false` and at least two other parties are live (or one is live and one is ringing).
    pub safe_to_leave: bool,
    /// The hang-up guard is running.
    pub guarding: bool,
}

/// A leg being dialed.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct ConnectingView {
    /// The idempotency label; stable key for React.
    pub label: String,
    /// Known once created.
    pub call_sid: Option<String>,
    /// What is being dialed, as normalized.
    pub destination: String,
    /// `dialing`, `checking`, `ringing`, `answered` or `cancelling`.
    pub status: &'static str,
    /// When the add started.
    pub since_ms: u64,
    /// The configured ring timeout (a duration); tracking ends 15 s after `sinceMs + ringTimeoutMs`.
    pub ring_timeout_ms: u64,
}

/// One leg's engine-side state.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct LegView {
    /// The leg.
    pub call_sid: String,
    /// Operations in flight: `hold`, `unhold`, `mute`, `unmute`, `kick`.
    pub pending: Vec<&'static str>,
    /// The confirmed `endConferenceOnExit`, if known.
    pub end_conference_on_exit: Option<bool>,
}

impl ToJson for ConferenceView {
    fn write_json(&self, out: &mut JsonWriter) {
        out.open();
        out.key("taskSid");
        self.task_sid.write_json(out);
        out.key("conferenceSid");
        self.conference_sid.write_json(out);
        out.key("mode");
        out.str(self.mode);
        out.key("reconciler");
        out.bool(self.reconciler);
        out.key("connecting");
        self.connecting.write_json(out);
        out.key("participants");
        self.participants.write_json(out);
        out.key("safeToLeave");
        out.bool(self.safe_to_leave);
        out.key("guarding");
        out.bool(self.guarding);
        out.close();
    }
}

impl ToJson for ConnectingView {
    fn write_json(&self, out: &mut JsonWriter) {
        out.open();
        out.key("label");
        out.str(&self.label);
        out.key("callSid");
        self.call_sid.write_json(out);
        out.key("destination");
        out.str(&self.destination);
        out.key("status");
        out.str(self.status);
        out.key("sinceMs");
        out.uint(self.since_ms);
        out.key("ringTimeoutMs");
        out.uint(self.ring_timeout_ms);
        out.close();
    }
}

impl ToJson for LegView {
    fn write_json(&self, out: &mut JsonWriter) {
        out.open();
        out.key("callSid");
        out.str(&self.call_sid);
        out.key("pending");
        self.pending.write_json(out);
        out.key("endConferenceOnExit");
        self.end_conference_on_exit.write_json(out);
        out.close();
    }
}

impl Conference {
    /// The current view.
    pub fn view(&self) -> ConferenceView {
        let mut connecting = Vec::new();
        for a in &self.adds {
            connecting.push(ConnectingView {
                label: a.label.clone(),
                call_sid: a.call_sid().map(str::to_owned),
                destination: a.destination.as_str().to_owned(),
                status: match a.phase {
                    AddPhase::Creating => "dialing",
                    AddPhase::LookingUp => "checking",
                    AddPhase::Ringing { .. } => "ringing",
                    AddPhase::Answered { .. } => "answered",
                    AddPhase::Cancelling { .. } => "cancelling",
                },
                since_ms: a.since,
                ring_timeout_ms: self.config.ring_timeout_ms,
            });
        }
        let mut participants: Vec<LegView> = Vec::new();
        for (call_sid, leg) in self.legs.iter() {
            participants.push(LegView {
                call_sid: call_sid.clone(),
                pending: Vec::new(),
                end_conference_on_exit: leg.confirmed,
            });
        }
        for op in &self.ops {
            match participants.iter_mut().find(|p| p.call_sid == op.call_sid) {
                Some(p) => p.pending.push(op.kind.as_str()),
                None => participants.push(LegView {
                    call_sid: op.call_sid.clone(),
                    pending: vec![op.kind.as_str()],
                    end_conference_on_exit: None,
                }),
            }
        }
        let snap = self.snap.as_ref();
        let safe_to_leave = snap.is_some_and(|s| {
            let Some(me) = s.me().and_then(|m| m.call_sid.as_deref()) else {
                return false;
            };
            let mine = self.legs.get(me).and_then(|l| l.confirmed);
            let others = s.live().iter().filter(|p| !p.is_current_worker).count();
            mine == Some(false) && (others >= 2 || (others >= 1 && !self.adds.is_empty()))
        });
        ConferenceView {
            task_sid: self.task_sid.clone(),
            conference_sid: self.conference_sid().map(str::to_owned),
            mode: match self.mode() {
                Mode::Disabled => "disabled",
                Mode::Full => "full",
                Mode::Xwt => "xwt",
            },
            reconciler: snap.is_some_and(|s| {
                self.mode() != Mode::Disabled
                    && monitor::is_reconciler(s, self.config.worker_sid.as_deref())
            }),
            connecting,
            participants,
            safe_to_leave,
            guarding: self.guard.is_some(),
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use crate::wasm_test as test;

    use super::*;
    use crate::core::json_out::to_json;

    #[test]
    fn a_fresh_view_serializes_with_nulls_and_empty_arrays() {
        let view = ConferenceView {
            task_sid: None,
            conference_sid: None,
            mode: "disabled",
            reconciler: false,
            connecting: Vec::new(),
            participants: Vec::new(),
            safe_to_leave: false,
            guarding: false,
        };
        assert_eq!(
            to_json(&view),
            concat!(
                r#"{"taskSid":null,"conferenceSid":null,"mode":"disabled","reconciler":false,"#,
                r#""connecting":[],"participants":[],"safeToLeave":false,"guarding":false}"#
            )
        );
    }

    #[test]
    fn a_busy_view_serializes_every_field_in_camel_case() {
        let view = ConferenceView {
            task_sid: Some("WT1".to_owned()),
            conference_sid: Some("CF1".to_owned()),
            mode: "full",
            reconciler: true,
            connecting: vec![
                ConnectingView {
                    label: "add-1".to_owned(),
                    call_sid: None,
                    destination: "+14155550100".to_owned(),
                    status: "dialing",
                    since_ms: 1_700_000_000_000,
                    ring_timeout_ms: 30_000,
                },
                ConnectingView {
                    label: "add-2".to_owned(),
                    call_sid: Some("CA2".to_owned()),
                    destination: "sip:a@b.com".to_owned(),
                    status: "ringing",
                    since_ms: 5,
                    ring_timeout_ms: 0,
                },
            ],
            participants: vec![
                LegView {
                    call_sid: "CA1".to_owned(),
                    pending: vec!["hold", "mute"],
                    end_conference_on_exit: Some(false),
                },
                LegView {
                    call_sid: "CA3".to_owned(),
                    pending: Vec::new(),
                    end_conference_on_exit: None,
                },
            ],
            safe_to_leave: true,
            guarding: true,
        };
        assert_eq!(
            to_json(&view),
            concat!(
                r#"{"taskSid":"WT1","conferenceSid":"CF1","mode":"full","reconciler":true,"#,
                r#""connecting":[{"label":"add-1","callSid":null,"destination":"+14155550100","#,
                r#""status":"dialing","sinceMs":1700000000000,"ringTimeoutMs":30000},"#,
                r#"{"label":"add-2","callSid":"CA2","destination":"sip:a@b.com","#,
                r#""status":"ringing","sinceMs":5,"ringTimeoutMs":0}],"#,
                r#""participants":[{"callSid":"CA1","pending":["hold","mute"],"#,
                r#""endConferenceOnExit":false},"#,
                r#"{"callSid":"CA3","pending":[],"endConferenceOnExit":null}],"#,
                r#""safeToLeave":true,"guarding":true}"#
            )
        );
    }
}
