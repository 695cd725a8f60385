//! Requests: what each one is for, sending, request-level retries, and routing results to the
//! part of the engine that asked.

use crate::prelude::*;

use super::Conference;
use crate::api::{ApiFailure, Endpoint, Params, RetryDecision};
use crate::core::command::{Command, CommandId};
use crate::core::value::Json;

/// A request the engine sent and awaits, or will send again.
#[derive(Clone, Debug)]
pub(super) struct Request {
    pub(super) endpoint: Endpoint,
    pub(super) params: Params,
    pub(super) purpose: Purpose,
    pub(super) attempt: u32,
}

/// Why a request was sent: where its result goes.
#[derive(Clone, Debug, Eq, PartialEq)]
pub(super) enum Purpose {
    Cancel {
        add: u32,
    },
    Create {
        add: u32,
    },
    /// Removing this agent's own leg, left alone on the call.
    EndAlone,
    Flag {
        call_sid: String,
        value: bool,
    },
    GuardUnhold {
        call_sid: String,
    },
    GuardVerify {
        call_sid: String,
    },
    Lookup {
        add: u32,
    },
    Op {
        op: u32,
    },
    Poll {
        add: u32,
    },
    Workaround {
        call_sid: String,
        step: WorkaroundStep,
        /// The run it belongs to; results of an abandoned run are ignored.
        run: u32,
    },
}

/// The steps of the hold workaround (R5): unhold, write, re-hold (always, once unheld).
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub(super) enum WorkaroundStep {
    Unhold,
    Write(bool),
    Rehold,
}

impl Conference {
    /// Sends a new request.
    pub(super) fn send(
        &mut self,
        endpoint: Endpoint,
        params: Params,
        purpose: Purpose,
    ) -> CommandId {
        self.resend(Request {
            endpoint,
            params,
            purpose,
            attempt: 0,
        })
    }

    /// Sends a request (again) under a fresh id.
    pub(super) fn resend(&mut self, request: Request) -> CommandId {
        // An operation (or a workaround step) is alive as long as its requests are (re)sent.
        match &request.purpose {
            Purpose::Op { op } => {
                if let Some(o) = self.ops.iter_mut().find(|o| o.seq == *op) {
                    o.since = self.now;
                }
            }
            Purpose::Workaround { call_sid, .. } => {
                if let Some(leg) = self.legs.get_mut(call_sid) {
                    leg.workaround_since = self.now;
                }
            }
            _ => {}
        }
        let id = self.take_id();
        self.out.push(Command::Api {
            id,
            endpoint: request.endpoint,
            params: request.params.clone(),
        });
        self.in_flight.push((id.into(), request));
        id
    }

    /// Routes a settled request: request-level retries first, then the purpose's handler.
    pub(super) fn on_result(&mut self, request: Request, outcome: Result<Json, ApiFailure>) {
        if outcome.is_ok() {
            self.lift_auth_blocks();
        }
        if let (Err(failure), false) = (&outcome, matches!(request.purpose, Purpose::Flag { .. })) {
            if !failure.is_not_found() {
                let unit = self.rng.unit();
                let decision = self.retry.decide(
                    request.endpoint,
                    failure,
                    request.attempt,
                    unit,
                    self.config.extensions,
                );
                // A retry nobody needs any more falls through: the handler sees the failure.
                if let (RetryDecision::RetryAfter(ms), true) =
                    (decision, self.still_wanted(&request.purpose))
                {
                    let at = self.now + ms;
                    self.delayed.push((
                        at,
                        Request {
                            attempt: request.attempt + 1,
                            ..request
                        },
                    ));
                    return;
                }
            }
        }
        match request.purpose {
            Purpose::Flag { call_sid, value } => {
                self.on_flag_result(&call_sid, value, request.endpoint, request.attempt, outcome);
            }
            Purpose::Create { add } => self.on_create_result(add, outcome),
            Purpose::Lookup { add } => self.on_lookup_result(add, outcome),
            Purpose::Poll { add } => self.on_poll_result(add, outcome),
            Purpose::Cancel { add } => self.on_cancel_result(add, outcome),
            Purpose::Op { op } => self.on_op_result(op, outcome),
            Purpose::EndAlone => self.on_end_alone(outcome),
            Purpose::GuardUnhold { call_sid } => self.on_guard_unhold(&call_sid, outcome),
            Purpose::GuardVerify { call_sid } => self.on_guard_verify(&call_sid, outcome),
            Purpose::Workaround {
                call_sid,
                step,
                run,
            } => self.on_workaround(&call_sid, step, run, outcome),
        }
    }

    /// Whether a delayed request still serves something.
    pub(super) fn still_wanted(&self, purpose: &Purpose) -> bool {
        match purpose {
            Purpose::Cancel { add }
            | Purpose::Create { add }
            | Purpose::Lookup { add }
            | Purpose::Poll { add } => self.adds.iter().any(|a| a.seq == *add),
            Purpose::Op { op } => self.ops.iter().any(|o| o.seq == *op),
            Purpose::EndAlone => self.left_alone().is_some(),
            Purpose::GuardUnhold { call_sid } | Purpose::GuardVerify { call_sid } => {
                self.guard.is_some() && self.is_live(call_sid)
            }
            Purpose::Flag { call_sid, .. } | Purpose::Workaround { call_sid, .. } => {
                self.conference_sid().is_some() && self.is_live(call_sid)
            }
        }
    }
}
