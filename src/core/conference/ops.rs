//! Per-participant operations: hold, unhold, mute, unmute, kick, routed per participant type
//! (SPEC §3.8): REST for `unknown` legs and for removing the customer, native Flex for workers,
//! never a native hold on an `unknown` target. Holds set the flag first (C2).

use crate::prelude::*;

use super::reconcile::{bool_str, HOLD_KNOWN_MS};
use super::{Conference, Purpose};
use crate::api::{ApiFailure, Endpoint, Params};
use crate::core::command::object;
use crate::core::config::Mode;
use crate::core::error::{CoreError, ErrorCode};
use crate::core::intent::{IntentOutcome, NativeHold};
use crate::core::notification as note;
use crate::core::snapshot::ParticipantKind;
use crate::core::text::cat;
use crate::core::value::Json;

/// How long a hold may wait for its flag write before it is given up.
const OP_TIMEOUT_MS: u64 = 10_000;

/// One operation in progress.
#[derive(Clone, Debug)]
pub(super) struct Op {
    pub(super) seq: u32,
    pub(super) call_sid: String,
    pub(super) kind: OpKind,
    pub(super) step: OpStep,
    pub(super) since: u64,
}

/// What the operation does.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub(super) enum OpKind {
    Hold,
    Kick,
    Mute,
    Unhold,
    Unmute,
}

impl OpKind {
    /// The name the view shows in a leg's `pending` list.
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Self::Hold => "hold",
            Self::Kick => "kick",
            Self::Mute => "mute",
            Self::Unhold => "unhold",
            Self::Unmute => "unmute",
        }
    }

    fn failure_notification(self) -> &'static str {
        match self {
            Self::Hold => note::HOLD_FAILED,
            Self::Kick => note::REMOVE_FAILED,
            Self::Mute => note::MUTE_FAILED,
            Self::Unhold => note::UNHOLD_FAILED,
            Self::Unmute => note::UNMUTE_FAILED,
        }
    }
}

/// Where the operation stands.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub(super) enum OpStep {
    /// Waiting for the leg's flag to be confirmed false; then re-invoke the native hold
    /// (`Some`) or hold through REST (`None`).
    AwaitFlag(Option<NativeHold>),
    /// The request is in flight.
    Sending,
}

impl Op {
    /// A hold waiting for its flag gives up after [`OP_TIMEOUT_MS`]; a request whose result
    /// never came is forgotten after four times that.
    pub(super) fn deadline(&self) -> u64 {
        match self.step {
            OpStep::AwaitFlag(_) => self.since + OP_TIMEOUT_MS,
            OpStep::Sending => self.since + 4 * OP_TIMEOUT_MS,
        }
    }
}

impl Conference {
    pub(super) fn hold(&mut self, call_sid: &str, native: NativeHold) -> IntentOutcome {
        let (kind, held) = match self.target(call_sid) {
            Ok(t) => t,
            Err(refusal) => return refusal,
        };
        if let Some(busy) = self.busy(call_sid) {
            return busy;
        }
        let full = self.mode() == Mode::Full;
        match kind {
            ParticipantKind::Customer if full && self.config.pre_hold_flag && !held => {
                let until = self.now + OP_TIMEOUT_MS;
                let leg = self.legs.or_default(call_sid.to_owned());
                leg.hold_intent_until = Some(until);
                if leg.confirmed == Some(false) && leg.writing.is_none() {
                    return IntentOutcome::native();
                }
                self.start_op(call_sid, OpKind::Hold, OpStep::AwaitFlag(Some(native)));
                IntentOutcome::taken_over()
            }
            ParticipantKind::Unknown if full => {
                if self.config.pre_hold_flag {
                    let until = self.now + OP_TIMEOUT_MS;
                    self.legs.or_default(call_sid.to_owned()).hold_intent_until = Some(until);
                    self.start_op(call_sid, OpKind::Hold, OpStep::AwaitFlag(None));
                } else {
                    self.send_hold(call_sid, true);
                }
                IntentOutcome::taken_over()
            }
            ParticipantKind::Unknown => IntentOutcome::refuse(
                ErrorCode::NotAvailable,
                "Holding added legs is off in this mode.",
                true,
            ),
            _ => IntentOutcome::native(),
        }
    }

    pub(super) fn unhold(&mut self, call_sid: &str) -> IntentOutcome {
        let (kind, _) = match self.target(call_sid) {
            Ok(t) => t,
            Err(refusal) => return refusal,
        };
        if let Some(busy) = self.busy(call_sid) {
            return busy;
        }
        if let Some(leg) = self.legs.get_mut(call_sid) {
            leg.hold_intent_until = None;
        }
        match kind {
            ParticipantKind::Unknown if self.mode() == Mode::Full => {
                self.send_hold(call_sid, false);
                IntentOutcome::taken_over()
            }
            ParticipantKind::Unknown => IntentOutcome::refuse(
                ErrorCode::NotAvailable,
                "Unholding added legs is off in this mode.",
                true,
            ),
            _ => IntentOutcome::native(),
        }
    }

    pub(super) fn mute(&mut self, call_sid: &str, muted: bool) -> IntentOutcome {
        let (kind, _) = match self.target(call_sid) {
            Ok(t) => t,
            Err(refusal) => return refusal,
        };
        if !matches!(
            kind,
            ParticipantKind::Customer | ParticipantKind::Unknown | ParticipantKind::External
        ) {
            return IntentOutcome::refused(
                CoreError::new(
                    ErrorCode::UnsupportedTarget,
                    cat(&["A ", kind.as_str(), " leg can't be muted from here."]),
                ),
                false,
            );
        }
        if let Some(busy) = self.busy(call_sid) {
            return busy;
        }
        let Some(conference) = self.conference_sid().map(str::to_owned) else {
            return no_conference();
        };
        let seq = self.start_op(
            call_sid,
            if muted { OpKind::Mute } else { OpKind::Unmute },
            OpStep::Sending,
        );
        self.send(
            Endpoint::MuteParticipant,
            Params::leg(&conference, call_sid).with("muted", bool_str(muted)),
            Purpose::Op { op: seq },
        );
        IntentOutcome::taken_over()
    }

    pub(super) fn kick(&mut self, call_sid: &str) -> IntentOutcome {
        if self
            .adds
            .iter()
            .any(|a| a.call_sid() == Some(call_sid) || a.label == call_sid)
        {
            return self.cancel_dial(call_sid);
        }
        let (kind, _) = match self.target(call_sid) {
            Ok(t) => t,
            Err(refusal) => return refusal,
        };
        match kind {
            ParticipantKind::Customer | ParticipantKind::Unknown => {}
            ParticipantKind::Worker | ParticipantKind::Transfer | ParticipantKind::External => {
                return IntentOutcome::native()
            }
            ParticipantKind::Supervisor | ParticipantKind::Other(_) => {
                return IntentOutcome::refused(
                    CoreError::new(
                        ErrorCode::UnsupportedTarget,
                        cat(&["A ", kind.as_str(), " leg can't be removed from here."]),
                    ),
                    true,
                )
            }
        }
        if let Some(busy) = self.busy(call_sid) {
            return busy;
        }
        let Some(conference) = self.conference_sid().map(str::to_owned) else {
            return no_conference();
        };
        let seq = self.start_op(call_sid, OpKind::Kick, OpStep::Sending);
        self.send(
            Endpoint::RemoveParticipant,
            Params::leg(&conference, call_sid),
            Purpose::Op { op: seq },
        );
        IntentOutcome::taken_over()
    }

    /// Moves holds on once their flag is confirmed; gives up on those that waited too long.
    pub(super) fn drive_ops(&mut self) {
        let now = self.now;
        // By seq: handling one op never ends another, and the ops it starts are fresh sends.
        let mut waiting = Vec::new();
        let mut stale = Vec::new();
        for o in &self.ops {
            match o.step {
                OpStep::AwaitFlag(_) => waiting.push(o.seq),
                OpStep::Sending if now >= o.since + 4 * OP_TIMEOUT_MS => stale.push(o.seq),
                OpStep::Sending => {}
            }
        }
        for seq in waiting {
            let Some(op) = self.ops.iter().find(|o| o.seq == seq) else {
                continue;
            };
            let OpStep::AwaitFlag(native) = op.step else {
                continue;
            };
            let (call_sid, since) = (op.call_sid.clone(), op.since);
            let (gone, ready) = self.legs.get(&call_sid).map_or((false, false), |l| {
                (l.gone, l.confirmed == Some(false) && l.writing.is_none())
            });
            if gone {
                self.finish_op(seq);
                continue;
            }
            if ready {
                self.finish_op(seq);
                match native {
                    Some(action) => {
                        let payload = match action {
                            NativeHold::HoldCall => {
                                object([("participantCallSid", Json::from(call_sid.as_str()))])
                            }
                            NativeHold::HoldParticipant => object([
                                ("participantType", Json::from("customer")),
                                ("targetSid", Json::from(call_sid.as_str())),
                            ]),
                        };
                        let id = self.take_id();
                        self.out.push(crate::core::command::Command::Flex {
                            id,
                            action: action.action(),
                            payload,
                        });
                    }
                    None => self.send_hold(&call_sid, true),
                }
                continue;
            }
            if now >= since + OP_TIMEOUT_MS {
                self.finish_op(seq);
                self.clear_hold_intent(&call_sid);
                let failure = ApiFailure::Network {
                    message: "Timed out waiting to prepare the hold".into(),
                };
                self.notify_failure(note::HOLD_FAILED, &failure, &[]);
                continue;
            }
            // Not held (`false`): the kind only matters for the hold workaround.
            self.write_flag(&call_sid, false, false, false);
        }
        for seq in stale {
            // The last send had no answer for 40 s: give up, visibly.
            let Some(op) = self.finish_op(seq) else {
                continue;
            };
            if op.kind == OpKind::Hold {
                self.clear_hold_intent(&op.call_sid);
            }
            let failure = ApiFailure::Network {
                message: "No answer from the serverless backend".into(),
            };
            self.notify_failure(op.kind.failure_notification(), &failure, &[]);
        }
    }

    /// A hold whose flag write failed for good fails too (one notification, the hold's).
    pub(super) fn fail_ops_waiting_on(&mut self, call_sid: &str, failure: &ApiFailure) -> bool {
        let mut any = false;
        while let Some(i) = self
            .ops
            .iter()
            .position(|o| o.call_sid == call_sid && matches!(o.step, OpStep::AwaitFlag(_)))
        {
            self.ops.remove(i);
            any = true;
        }
        if !any {
            return false;
        }
        self.clear_hold_intent(call_sid);
        self.notify_failure(note::HOLD_FAILED, failure, &[]);
        true
    }

    pub(super) fn on_op_result(&mut self, seq: u32, outcome: Result<Json, ApiFailure>) {
        let Some(op) = self.finish_op(seq) else {
            return;
        };
        let until = self.now + HOLD_KNOWN_MS;
        let leg = self.legs.or_default(op.call_sid.clone());
        match (op.kind, outcome) {
            (OpKind::Hold, Ok(_)) => leg.hold_known = Some((true, until)),
            (OpKind::Unhold, Ok(_)) => leg.hold_known = Some((false, until)),
            (OpKind::Kick, Ok(_)) => self.mark_departed(&op.call_sid),
            (OpKind::Mute | OpKind::Unmute, Ok(_)) => {}
            (OpKind::Kick, Err(f)) if f.is_not_found() => self.mark_departed(&op.call_sid),
            (kind, Err(f)) => {
                if kind == OpKind::Hold {
                    leg.hold_intent_until = None;
                }
                if f.is_not_found() {
                    self.mark_departed(&op.call_sid);
                }
                self.notify_failure(kind.failure_notification(), &f, &[]);
            }
        }
    }

    fn send_hold(&mut self, call_sid: &str, hold: bool) {
        let Some(conference) = self.conference_sid().map(str::to_owned) else {
            return;
        };
        let kind = if hold { OpKind::Hold } else { OpKind::Unhold };
        let seq = self.start_op(call_sid, kind, OpStep::Sending);
        let mut params = Params::leg(&conference, call_sid).with("hold", bool_str(hold));
        if hold {
            params = params.with_opt("holdUrl", self.config.hold_url.as_deref());
        }
        self.send(Endpoint::HoldParticipant, params, Purpose::Op { op: seq });
    }

    /// The type and hold state (`is_held_now`) of the participant an intent names, or the refusal to answer with. An unknown target always
    /// aborts the native action: Flex would hold the customer instead.
    fn target(&self, call_sid: &str) -> Result<(ParticipantKind, bool), IntentOutcome> {
        if self.mode() == Mode::Disabled {
            return Err(IntentOutcome::refuse(
                ErrorCode::NotAvailable,
                "The conference feature is disabled.",
                false,
            ));
        }
        if self.conference_sid().is_none() {
            return Err(no_conference());
        }
        let snap = self.snap.as_ref().ok_or_else(no_conference)?;
        match snap.find(call_sid) {
            Some(p) if p.is_live() => Ok((p.kind.clone(), self.is_held_now(p))),
            Some(_) => Err(IntentOutcome::refuse(
                ErrorCode::UnknownParticipant,
                "That participant has left the call.",
                true,
            )),
            None => Err(IntentOutcome::refused(
                CoreError::new(
                    ErrorCode::UnknownParticipant,
                    cat(&["No participant ", call_sid, " is on this call."]),
                ),
                true,
            )),
        }
    }

    /// Refuses a second operation on a leg that has one in flight (double clicks), and any
    /// operation while the hang-up guard runs (it would fight the guard's unholds and flags).
    fn busy(&self, call_sid: &str) -> Option<IntentOutcome> {
        if self.guard.is_some() {
            return Some(IntentOutcome::refuse(
                ErrorCode::InProgress,
                "The call is being handed over for you to leave; try again if you stay.",
                true,
            ));
        }
        self.ops.iter().any(|o| o.call_sid == call_sid).then(|| {
            IntentOutcome::refuse(
                ErrorCode::InProgress,
                "An operation on this participant is already in progress.",
                true,
            )
        })
    }

    fn start_op(&mut self, call_sid: &str, kind: OpKind, step: OpStep) -> u32 {
        self.seq += 1;
        self.ops.push(Op {
            seq: self.seq,
            call_sid: call_sid.to_owned(),
            kind,
            step,
            since: self.now,
        });
        self.seq
    }

    fn finish_op(&mut self, seq: u32) -> Option<Op> {
        let i = self.ops.iter().position(|o| o.seq == seq)?;
        Some(self.ops.remove(i))
    }

    fn clear_hold_intent(&mut self, call_sid: &str) {
        if let Some(leg) = self.legs.get_mut(call_sid) {
            leg.hold_intent_until = None;
        }
    }
}

fn no_conference() -> IntentOutcome {
    IntentOutcome::refuse(
        ErrorCode::NoConference,
        "The call has no conference (yet, or any more).",
        true,
    )
}
