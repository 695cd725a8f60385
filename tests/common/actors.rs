//! The actors: agents acting through Flex (before-listener first, then Flex's native routing
//! unless aborted), Flex's native actions, and the other parties on the call.

use flex_conference::core::{Intent, IntentOutcome, NativeHold};
use serde_json::{json, Value};

use super::flex::{self, NativeTarget};
use super::{ActionRecord, Agent, Fault, Kind, Leg, Native, World, CALLER_ID, CUSTOMER_NUMBER};

impl World {
    // ---------------------------------------------------------------- agents (Flex side)

    /// Types a destination into the add dialog and presses Dial.
    pub(crate) fn agent_dials(&mut self, agent: Agent, destination: &str) -> IntentOutcome {
        let now = self.now;
        let intent = Intent::AddParticipant {
            destination: destination.to_owned(),
            caller_id: None,
        };
        let outcome = self
            .engine_call(agent, |e| e.handle_intent(intent, now))
            .unwrap_or_else(|| panic!("{agent:?} has no engine to dial with"));
        if outcome.accepted {
            self.dials.push((agent, destination.to_owned()));
        }
        self.pump();
        outcome
    }

    /// Dials, lets it ring 3 s, answers, settles; returns the new leg.
    pub(crate) fn dial_and_answer(&mut self, agent: Agent, number: &str) -> String {
        let outcome = self.agent_dials(agent, number);
        assert!(
            outcome.accepted,
            "dialing {number} must be accepted: {outcome:?}"
        );
        self.run_for(3_000);
        let x = self.leg_to(number).call_sid.clone();
        self.external_answers(&x);
        self.settle();
        x
    }

    /// Invokes a Flex action the way Flex does: the feature's before-listener first (the
    /// engine's `handle_intent`), then, unless it aborted, the native action with Flex's routing.
    pub(crate) fn invoke(
        &mut self,
        agent: Agent,
        action: &str,
        payload: Value,
        from_engine: bool,
    ) -> ActionRecord {
        let intent = self.listener_intent(action, &payload);
        let now = self.now;
        let outcome = match intent {
            Some(i) => self.engine_call(agent, |e| e.handle_intent(i, now)),
            None => None,
        };
        let native = if outcome.as_ref().is_some_and(|o| o.abort_native) {
            Native::Aborted
        } else {
            self.run_native(agent, action, &payload)
        };
        let record = ActionRecord {
            agent,
            at: self.now,
            action: action.to_owned(),
            payload,
            from_engine,
            outcome,
            native,
        };
        self.log.actions.push(record.clone());
        record
    }

    /// The intent the shim's before-listener hands the engine for a Flex action.
    fn listener_intent(&self, action: &str, payload: &Value) -> Option<Intent> {
        let resolve = |sid: &str| -> String {
            self.twilio
                .legs
                .iter()
                .find(|l| {
                    l.kind.worker_sid() == Some(sid)
                        || matches!(&l.kind, Kind::External { participant_sid } if participant_sid == sid)
                })
                .map_or_else(|| sid.to_owned(), |l| l.call_sid.clone())
        };
        let target = payload["targetSid"].as_str().map(resolve);
        let call = payload["participantCallSid"]
            .as_str()
            .map_or_else(|| self.customer.clone(), str::to_owned);
        match action {
            "HoldParticipant" => target.map(|call_sid| Intent::Hold {
                call_sid,
                native_action: NativeHold::HoldParticipant,
            }),
            "UnholdParticipant" => target.map(|call_sid| Intent::Unhold { call_sid }),
            "KickParticipant" => target.map(|call_sid| Intent::Kick { call_sid }),
            "HoldCall" => Some(Intent::Hold {
                call_sid: call,
                native_action: NativeHold::HoldCall,
            }),
            "UnholdCall" => Some(Intent::Unhold { call_sid: call }),
            _ => None,
        }
    }

    /// Flex's native action (SPEC §3.8).
    fn run_native(&mut self, agent: Agent, action: &str, payload: &Value) -> Native {
        let target_sid = payload["targetSid"].as_str().unwrap_or("");
        if matches!(action, "HoldParticipant" | "UnholdParticipant") {
            // `TaskHelper.canHold(task)`: a live call with this worker on it, not held; unhold
            // also accepts the worker's own SID.
            let me = self.agents[agent.index()]
                .call_sid
                .as_deref()
                .and_then(|c| self.twilio.find(c));
            let can_hold = me.is_some_and(|l| l.is_joined() && !l.hold);
            let own_unhold = action == "UnholdParticipant"
                && target_sid == agent.worker_sid()
                && me.is_some_and(Leg::is_joined);
            if !can_hold && !own_unhold {
                return Native::Rejected(format!(
                    "{action}: TaskHelper.canHold is false for {agent:?}"
                ));
            }
        }
        let (route, hold) = match action {
            "HoldParticipant" => (flex::route_hold(&self.twilio, target_sid), Some(true)),
            "UnholdParticipant" => (flex::route_hold(&self.twilio, target_sid), Some(false)),
            "HoldCall" => (flex::customer(&self.twilio), Some(true)),
            "UnholdCall" => (flex::customer(&self.twilio), Some(false)),
            "KickParticipant" => (flex::route_kick(&self.twilio, target_sid), None),
            other => return Native::Rejected(format!("unknown action {other}")),
        };
        let call_sid = match route {
            NativeTarget::Leg(c) => c,
            NativeTarget::Reject(msg) => return Native::Rejected(msg),
        };
        let now = self.now;
        let done = match hold {
            Some(h) => self.twilio.update_hold(&call_sid, h, now).map(|_| ()),
            // A TaskRouter kick or a CBM remove: a ringing native leg is canceled.
            None => self.twilio.delete(&call_sid, now),
        };
        if let Err(e) = done {
            return Native::Rejected(e.to_string());
        }
        Native::Ran(call_sid)
    }

    /// The `participantType` Flex shows for a leg.
    pub(crate) fn shown_type(&self, call_sid: &str) -> &'static str {
        flex::shown_type(self.leg(call_sid), self.setup.retype_held_unknown)
    }

    fn target_sid_for_row(&self, call_sid: &str) -> String {
        let leg = self.leg(call_sid);
        match &leg.kind {
            Kind::Worker { worker_sid } => worker_sid.clone(),
            Kind::External { participant_sid } => participant_sid.clone(),
            Kind::Customer | Kind::Unknown => call_sid.to_owned(),
        }
    }

    /// Clicks Hold on a participant row (`HoldParticipant { participantType, targetSid }`).
    pub(crate) fn agent_clicks_hold(&mut self, agent: Agent, call_sid: &str) -> ActionRecord {
        let payload = json!({"participantType": self.shown_type(call_sid),
            "targetSid": self.target_sid_for_row(call_sid)});
        let r = self.invoke(agent, "HoldParticipant", payload, false);
        self.pump();
        r
    }

    /// Clicks Unhold on a participant row.
    pub(crate) fn agent_clicks_unhold(&mut self, agent: Agent, call_sid: &str) -> ActionRecord {
        let payload = json!({"participantType": self.shown_type(call_sid),
            "targetSid": self.target_sid_for_row(call_sid)});
        let r = self.invoke(agent, "UnholdParticipant", payload, false);
        self.pump();
        r
    }

    /// Clicks Hold on Flex's own customer row (`HoldCall { participantCallSid }`).
    pub(crate) fn agent_clicks_hold_call(&mut self, agent: Agent) -> ActionRecord {
        let payload = json!({"participantCallSid": self.customer});
        let r = self.invoke(agent, "HoldCall", payload, false);
        self.pump();
        r
    }

    /// Clicks Unhold on Flex's own customer row.
    pub(crate) fn agent_clicks_unhold_call(&mut self, agent: Agent) -> ActionRecord {
        let payload = json!({"participantCallSid": self.customer});
        let r = self.invoke(agent, "UnholdCall", payload, false);
        self.pump();
        r
    }

    /// Clicks Remove and confirms (`KickParticipant { targetSid }`).
    pub(crate) fn agent_clicks_remove(&mut self, agent: Agent, call_sid: &str) -> ActionRecord {
        let target = self.leg_by_key(call_sid).map_or_else(
            || call_sid.to_owned(),
            |_| self.target_sid_for_row(call_sid),
        );
        let r = self.invoke(
            agent,
            "KickParticipant",
            json!({"targetSid": target}),
            false,
        );
        self.pump();
        r
    }

    /// Cancels a connecting card (by call SID or label).
    pub(crate) fn agent_cancels_dial(&mut self, agent: Agent, key: &str) -> IntentOutcome {
        let now = self.now;
        let intent = Intent::CancelDial {
            call_sid: key.to_owned(),
        };
        let o = self
            .engine_call(agent, |e| e.handle_intent(intent, now))
            .unwrap_or_else(|| panic!("{agent:?} has no engine"));
        self.pump();
        o
    }

    /// Mutes (or unmutes) a participant from its row.
    pub(crate) fn agent_mutes(
        &mut self,
        agent: Agent,
        call_sid: &str,
        muted: bool,
    ) -> IntentOutcome {
        let now = self.now;
        let call_sid = call_sid.to_owned();
        let intent = if muted {
            Intent::Mute { call_sid }
        } else {
            Intent::Unmute { call_sid }
        };
        let o = self
            .engine_call(agent, |e| e.handle_intent(intent, now))
            .unwrap_or_else(|| panic!("{agent:?} has no engine"));
        self.pump();
        o
    }

    /// Clicks Hang up (`HangupCall`): the before-listener asks the engine and awaits its
    /// `Command::Hangup`; if it allows, the agent's leg leaves; if not, the answer is logged.
    /// A second click while the first `HangupCall` is still pending is Flex's "identical
    /// invocation pending" rejection: the listener never runs (logged, returns `None`).
    pub(crate) fn agent_hangs_up(
        &mut self,
        agent: Agent,
        confirm_leave: bool,
    ) -> Option<IntentOutcome> {
        if self.agents[agent.index()].hangup_pending {
            self.log.actions.push(ActionRecord {
                agent,
                at: self.now,
                action: "HangupCall".to_owned(),
                payload: json!({}),
                from_engine: false,
                outcome: None,
                native: Native::Rejected("an identical HangupCall is still pending".to_owned()),
            });
            return None;
        }
        self.agents[agent.index()].hangup_pending = true;
        let now = self.now;
        let outcome = self.engine_call(agent, |e| {
            e.handle_intent(Intent::Hangup { confirm_leave }, now)
        });
        match &outcome {
            None => {
                self.agents[agent.index()].hangup_pending = false;
                self.native_hangup(agent);
            }
            Some(o) if o.abort_native => self.agents[agent.index()].hangup_pending = false,
            Some(_) => {}
        }
        self.pump();
        outcome
    }

    /// The native `HangupCall`: in XWT mode Flex first sets ECOE=true on legs with a
    /// `participantSid` when a worker and more than one customer/unknown party are present
    /// (SPEC §3.4); then the agent's leg disconnects.
    pub(super) fn native_hangup(&mut self, agent: Agent) {
        let Some(me) = self.agents[agent.index()].call_sid.clone() else {
            return;
        };
        let now = self.now;
        if self.setup.xwt {
            let joined: Vec<&Leg> = self.twilio.legs.iter().filter(|l| l.is_joined()).collect();
            let others = joined
                .iter()
                .filter(|l| matches!(l.kind, Kind::Customer | Kind::Unknown))
                .count();
            if joined.iter().any(|l| l.is_worker()) && others > 1 {
                let externals: Vec<String> = joined
                    .iter()
                    .filter(|l| matches!(l.kind, Kind::External { .. }))
                    .map(|l| l.call_sid.clone())
                    .collect();
                for x in externals {
                    let _ = self.twilio.update_ecoe(&x, true, now);
                }
            }
        }
        self.twilio.leave(&me, false, now);
    }

    /// A second agent joins through an internal transfer; Flex's accept-time flag (SPEC §3.4):
    /// ECOE = `liveWorkerCount === 0`, so false while another worker is live (true after a cold
    /// transfer). B's browser loads the plugin.
    pub(crate) fn second_agent_joins_by_transfer(&mut self) -> String {
        let now = self.now;
        let no_live_worker = !self
            .twilio
            .legs
            .iter()
            .any(|l| l.is_joined() && l.is_worker());
        let b = self.twilio.add_joined(
            Kind::Worker {
                worker_sid: Agent::B.worker_sid(),
            },
            no_live_worker,
            "client:agent_b",
            CUSTOMER_NUMBER,
            now,
        );
        self.agents[Agent::B.index()].call_sid = Some(b.clone());
        self.attach(Agent::B);
        self.pump();
        b
    }

    /// Flex's native external warm transfer adds a leg (XWT mode): ringing, `external`.
    pub(crate) fn native_xwt(&mut self, to: &str) -> String {
        let now = self.now;
        let before = self.twilio.legs.len();
        let x = self.twilio.create_external(to, CALLER_ID, now);
        self.ring_timeouts_from(before);
        self.pump();
        x
    }

    /// Sets the Flex token (a refresh, or an expiry with `None`/a stale value).
    pub(crate) fn set_token(&mut self, token: Option<&str>) {
        self.token = token.map(str::to_owned);
    }

    /// Injects a fault.
    pub(crate) fn inject(&mut self, fault: Fault) {
        self.backend.faults.push(fault);
    }

    // ---------------------------------------------------------------- other actors

    /// A ringing leg answers.
    pub(crate) fn external_answers(&mut self, call_sid: &str) {
        let now = self.now;
        self.twilio.answer(call_sid, now);
        self.pump();
    }

    /// A ringing leg ends unanswered: `busy`, `no-answer` or `failed`.
    pub(crate) fn external_unanswered(&mut self, call_sid: &str, status: &'static str) {
        let now = self.now;
        self.twilio.end_unanswered(call_sid, status, now);
        self.pump();
    }

    /// X is busy.
    pub(crate) fn external_busy(&mut self, call_sid: &str) {
        self.external_unanswered(call_sid, "busy");
    }

    /// X doesn't answer.
    pub(crate) fn external_no_answer(&mut self, call_sid: &str) {
        self.external_unanswered(call_sid, "no-answer");
    }

    /// X's call fails.
    pub(crate) fn external_fails(&mut self, call_sid: &str) {
        self.external_unanswered(call_sid, "failed");
    }

    /// A joined leg (X, or any other) hangs up.
    pub(crate) fn external_hangs_up(&mut self, call_sid: &str) {
        let now = self.now;
        self.twilio.leave(call_sid, false, now);
        self.pump();
    }

    /// The customer hangs up.
    pub(crate) fn customer_hangs_up(&mut self) {
        let c = self.customer.clone();
        self.external_hangs_up(&c);
    }
}
