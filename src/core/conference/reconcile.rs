//! Level-based reconciliation of `endConferenceOnExit` (C1): per leg, what is confirmed, what is
//! being written, and when to try again. Writes go only where desired ≠ known; the newest desired
//! value wins (R4); 20404 ends the leg (R6).

use crate::prelude::*;

use super::{Conference, Purpose, WorkaroundStep};
use crate::api::{ApiFailure, Endpoint, Params, ParticipantInfo, RetryDecision};
use crate::core::monitor;
use crate::core::notification as note;
use crate::core::snapshot::ParticipantKind;
use crate::core::value::Json;

/// Longest back-off between failed writes of one leg.
const MAX_BACKOFF_MS: u64 = 30_000;
/// A flag write whose result never came is given up after this (the driver should have timed
/// it out long before); a late result is still applied.
const STALE_WRITE_MS: u64 = 30_000;
/// How long a hold/unhold result of this engine outranks a snapshot that hasn't caught up.
pub(super) const HOLD_KNOWN_MS: u64 = 10_000;

/// What the engine knows about one leg's flag.
#[derive(Clone, Debug, Default)]
pub(super) struct Leg {
    /// The value last confirmed by the backend.
    pub(super) confirmed: Option<bool>,
    /// A write of this value is in flight.
    pub(super) writing: Option<bool>,
    /// When that write was sent.
    pub(super) writing_since: u64,
    /// No write before this time (back-off).
    pub(super) retry_at: Option<u64>,
    /// Request-level attempts in the current streak.
    pub(super) attempt: u32,
    /// Writes given up in a row.
    pub(super) failures: u32,
    /// A value refused with 400: not retried until the desired value changes.
    pub(super) blocked: Option<bool>,
    /// A failure of the current streak has been notified.
    pub(super) notified: bool,
    /// A write failed without a clear answer (no response, 5xx): it may have been applied, so
    /// the value is unknown but not assumed to be Flex's default.
    pub(super) uncertain: bool,
    /// A write was refused with 403: wait for a sign that the login was renewed.
    pub(super) auth_blocked: bool,
    /// The leg is gone (20404): never written again.
    pub(super) gone: bool,
    /// This engine is about to hold the leg: keep its flag false until the hold shows.
    pub(super) hold_intent_until: Option<u64>,
    /// Hold state from this engine's own hold requests, until the snapshot agrees or it expires.
    pub(super) hold_known: Option<(bool, u64)>,
    /// The hold workaround runs on this leg.
    pub(super) workaround: bool,
    /// When its current step was sent.
    pub(super) workaround_since: u64,
    /// The current workaround run; a run that never got an answer is abandoned after
    /// [`STALE_WRITE_MS`] and its late results are ignored, so two runs never interleave.
    pub(super) workaround_run: u32,
}

impl Leg {
    /// The value the backend has or is about to have, as far as the engine knows.
    pub(super) fn known(&self) -> Option<bool> {
        self.writing.or(self.confirmed)
    }

    /// The earliest time something about this leg changes by itself.
    pub(super) fn deadline(&self) -> Option<u64> {
        [
            self.writing.map(|_| self.writing_since + STALE_WRITE_MS),
            self.workaround
                .then_some(self.workaround_since + STALE_WRITE_MS),
            self.retry_at,
            self.hold_intent_until,
            self.hold_known.map(|(_, t)| t),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Drops what has expired.
    pub(super) fn expire(&mut self, now: u64) {
        if self.writing.is_some() && self.writing_since + STALE_WRITE_MS <= now {
            self.writing = None;
        }
        if self.workaround && self.workaround_since + STALE_WRITE_MS <= now {
            // A step never answered: abandon the run (its late answers are ignored).
            self.workaround = false;
            self.workaround_run = self.workaround_run.wrapping_add(1);
            self.writing = None;
        }
        if self.retry_at.is_some_and(|t| t <= now) {
            self.retry_at = None;
        }
        if self.hold_intent_until.is_some_and(|t| t <= now) {
            self.hold_intent_until = None;
        }
        if self.hold_known.is_some_and(|(_, t)| t <= now) {
            self.hold_known = None;
        }
    }
}

impl Conference {
    /// Applies the policy: the designated reconciler writes every leg whose known value differs
    /// from the desired one.
    pub(super) fn reconcile(&mut self) {
        let Some(snap) = self.snap.as_ref() else {
            return;
        };
        // The designated reconciler writes; so does a browser whose own add is pending (the
        // reconciler can't see a leg Flex doesn't list until it joins), for the dial-time flip.
        let writer = monitor::is_reconciler(snap, self.config.worker_sid.as_deref())
            || (snap.me().is_some() && !self.adds.is_empty());
        if self.conference_sid().is_none()
            || self.guard.is_some()
            || self.leaving_until.is_some()
            || !writer
        {
            return;
        }
        let verdict = monitor::evaluate(snap, self.mode(), self.pending_adds(), |p| {
            self.is_holding(p)
        });
        for policy in verdict.legs {
            // (Writing never changes what `is_held_now` reads.)
            let held = self
                .snap
                .as_ref()
                .and_then(|s| s.find(&policy.call_sid))
                .is_some_and(|p| self.is_held_now(p));
            let leg = self.legs.or_default(policy.call_sid.clone());
            if leg.blocked.is_some_and(|b| b != policy.desired) {
                leg.blocked = None;
            }
            let known = leg.known();
            let needed = if verdict.armed {
                known != Some(policy.desired)
            } else if policy.desired {
                let touched = verdict.touched
                    || leg.uncertain
                    || (self.config.pre_hold_flag && self.seen_held.contains(&policy.call_sid));
                known == Some(false) || (touched && known.is_none())
            } else {
                leg.hold_intent_until.is_some() && known != Some(false)
            };
            if needed {
                self.write_flag(
                    &policy.call_sid,
                    policy.kind == ParticipantKind::Worker,
                    policy.desired,
                    held,
                );
            }
        }
    }

    /// Writes a leg's flag (`worker`: a worker leg, never worked around) unless a write is in flight, backing off, blocked, or the leg is held
    /// (then the hold workaround runs when configured, else the leg waits for its unhold).
    pub(super) fn write_flag(&mut self, call_sid: &str, worker: bool, desired: bool, held: bool) {
        let Some(conference) = self.conference_sid().map(str::to_owned) else {
            return;
        };
        if !self.is_live(call_sid) && !self.is_answered_add(call_sid) {
            return;
        }
        let workaround_allowed = self.config.hold_workaround && !worker;
        let leg = self.legs.or_default(call_sid.to_owned());
        if leg.gone
            || leg.writing.is_some()
            || leg.workaround
            || leg.confirmed == Some(desired)
            || leg.blocked == Some(desired)
            || leg.auth_blocked
            || leg.retry_at.is_some()
        {
            return;
        }
        let params = Params::leg(&conference, call_sid);
        if held {
            if workaround_allowed {
                leg.workaround = true;
                leg.workaround_since = self.now;
                let run = leg.workaround_run;
                self.send(
                    Endpoint::HoldParticipant,
                    params.with("hold", "false"),
                    Purpose::Workaround {
                        call_sid: call_sid.to_owned(),
                        step: WorkaroundStep::Unhold,
                        run,
                    },
                );
            }
            return;
        }
        leg.writing = Some(desired);
        leg.writing_since = self.now;
        self.send(
            Endpoint::UpdateParticipant,
            params.with("endConferenceOnExit", bool_str(desired)),
            Purpose::Flag {
                call_sid: call_sid.to_owned(),
                value: desired,
            },
        );
    }

    /// A flag write settled.
    pub(super) fn on_flag_result(
        &mut self,
        call_sid: &str,
        value: bool,
        endpoint: Endpoint,
        attempt: u32,
        outcome: Result<Json, ApiFailure>,
    ) {
        let Some(leg) = self.legs.get_mut(call_sid) else {
            return;
        };
        leg.writing = None;
        let failure = match outcome {
            Ok(body) => {
                leg.auth_blocked = false;
                leg.uncertain = false;
                let echoed = ParticipantInfo::from_body(&body)
                    .ok()
                    .and_then(|p| p.end_conference_on_exit);
                leg.confirmed = Some(echoed.unwrap_or(value));
                leg.attempt = 0;
                leg.failures = 0;
                leg.notified = false;
                if echoed.is_some_and(|e| e != value) {
                    // Twilio reported success but kept the old value (a held leg): wait a little.
                    leg.retry_at = Some(self.now + 1_000);
                }
                return;
            }
            Err(failure) => failure,
        };
        if failure.is_not_found() {
            self.mark_departed(call_sid);
            return;
        }
        if failure.is_ambiguous() || failure.status() >= 500 {
            leg.uncertain = true;
            leg.confirmed = None;
        }
        let unit = self.rng.unit();
        let decision = self
            .retry
            .decide(endpoint, &failure, attempt.max(leg.attempt), unit, false);
        let leg = self.legs.or_default(call_sid.to_owned());
        if let RetryDecision::RetryAfter(ms) = decision {
            leg.attempt += 1;
            leg.retry_at = Some(self.now + ms);
            return;
        }
        self.give_up_write(call_sid, value, &failure, unit);
    }

    /// A write (or the hold workaround's unhold) failed for good: back off (growing, capped,
    /// jittered), block a 400 or a 403, and notify once per failure streak.
    fn give_up_write(&mut self, call_sid: &str, value: bool, failure: &ApiFailure, unit: f64) {
        let leg = self.legs.or_default(call_sid.to_owned());
        leg.attempt = 0;
        if matches!(failure, ApiFailure::BadRequest { .. }) {
            leg.blocked = Some(value);
        } else if matches!(failure, ApiFailure::Auth { .. }) {
            // Never retried blindly: the login must be renewed first. Any later success or
            // intent (the shim reads a fresh token per request) lifts the block.
            leg.auth_blocked = true;
        } else {
            leg.failures += 1;
            let window = 1_000u64
                .saturating_mul(1 << leg.failures.min(5))
                .min(MAX_BACKOFF_MS);
            leg.retry_at = Some(self.now + window / 2 + (window as f64 / 2.0 * unit) as u64);
        }
        let first = !leg.notified;
        if self.guard_owns(call_sid) {
            self.abort_guard("flag_failed", Some(failure));
            return;
        }
        // A hold waiting on this write fails with its own notification; the flag's own streak
        // (the engine keeps trying in the background) is reported separately, once.
        if self.fail_ops_waiting_on(call_sid, failure) {
            return;
        }
        if first {
            if let Some(leg) = self.legs.get_mut(call_sid) {
                leg.notified = true;
            }
            self.notify_failure(note::FLAG_UPDATE_FAILED, failure, &[]);
        }
    }

    /// A step of the hold workaround settled: unhold → write → re-hold (always once unheld).
    pub(super) fn on_workaround(
        &mut self,
        call_sid: &str,
        step: WorkaroundStep,
        run: u32,
        outcome: Result<Json, ApiFailure>,
    ) {
        let Some(conference) = self.conference_sid().map(str::to_owned) else {
            return;
        };
        if self.legs.get(call_sid).map(|l| l.workaround_run) != Some(run) {
            return;
        }
        let params = Params::leg(&conference, call_sid);
        let purpose = |step| Purpose::Workaround {
            call_sid: call_sid.to_owned(),
            step,
            run,
        };
        if !self.is_live(call_sid) {
            // The leg left meanwhile: nothing to write, nobody to re-hold.
            if let Some(leg) = self.legs.get_mut(call_sid) {
                leg.workaround = false;
                leg.writing = None;
            }
            return;
        }
        match (step, outcome) {
            (WorkaroundStep::Unhold, Ok(_)) => {
                // The leg is about to be held again: a held non-worker leg's flag is false.
                let desired = false;
                if let Some(leg) = self.legs.get_mut(call_sid) {
                    leg.hold_known = Some((false, self.now + HOLD_KNOWN_MS));
                    leg.writing = Some(desired);
                    leg.writing_since = self.now;
                }
                self.send(
                    Endpoint::UpdateParticipant,
                    params.with("endConferenceOnExit", bool_str(desired)),
                    purpose(WorkaroundStep::Write(desired)),
                );
            }
            (WorkaroundStep::Unhold, Err(failure)) => {
                if let Some(leg) = self.legs.get_mut(call_sid) {
                    leg.workaround = false;
                }
                if failure.is_not_found() {
                    self.mark_departed(call_sid);
                }
                if !failure.is_not_found() {
                    let desired = self.desired_of(call_sid).unwrap_or(false);
                    let unit = self.rng.unit();
                    self.give_up_write(call_sid, desired, &failure, unit);
                }
            }
            (WorkaroundStep::Write(value), outcome) => {
                let gone = outcome.as_ref().is_err_and(ApiFailure::is_not_found);
                self.on_flag_result(
                    call_sid,
                    value,
                    Endpoint::UpdateParticipant,
                    u32::MAX,
                    outcome,
                );
                // No retry inside the workaround (the leg is audibly unheld): a failure backs
                // off like any write, after the re-hold below.
                if !gone {
                    let params = match &self.config.hold_url {
                        Some(url) => params.with("hold", "true").with("holdUrl", url.as_str()),
                        None => params.with("hold", "true"),
                    };
                    self.send(
                        Endpoint::HoldParticipant,
                        params,
                        purpose(WorkaroundStep::Rehold),
                    );
                } else if let Some(leg) = self.legs.get_mut(call_sid) {
                    leg.workaround = false;
                }
            }
            (WorkaroundStep::Rehold, outcome) => {
                if let Some(leg) = self.legs.get_mut(call_sid) {
                    leg.workaround = false;
                    if outcome.is_ok() {
                        leg.hold_known = Some((true, self.now + HOLD_KNOWN_MS));
                    }
                }
                if let Err(failure) = outcome {
                    if !failure.is_not_found() {
                        self.notify_failure(note::HOLD_FAILED, &failure, &[]);
                    }
                }
            }
        }
    }

    /// Whether the latest snapshot shows the leg live (flags are only ever written on live legs).
    pub(super) fn is_live(&self, call_sid: &str) -> bool {
        self.snap
            .as_ref()
            .and_then(|s| s.find(call_sid))
            .is_some_and(|p| p.is_live())
    }

    /// The reconciler's desired value for one leg right now.
    pub(super) fn desired_of(&self, call_sid: &str) -> Option<bool> {
        let snap = self.snap.as_ref()?;
        monitor::evaluate(snap, self.mode(), self.pending_adds(), |p| {
            self.is_holding(p)
        })
        .legs
        .iter()
        .find(|l| l.call_sid == call_sid)
        .map(|l| l.desired)
    }

    /// Applies what a new snapshot tells about legs: departed legs are forgotten, hold results
    /// the snapshot now shows are no longer needed.
    pub(super) fn observe_snapshot(&mut self) {
        let Some(snap) = self.snap.as_ref() else {
            return;
        };
        // Legs that departed (or vanished) are forgotten; a leg that answered 20404 but still
        // shows live stays known as gone, so it isn't written again while Flex catches up; a leg
        // still being dialed keeps the flag its create reported.
        let adds = &self.adds;
        self.legs.retain(|call_sid, leg| match snap.find(call_sid) {
            Some(p) if p.is_live() => {
                if leg.hold_known.is_some_and(|(h, _)| h == p.on_hold) {
                    leg.hold_known = None;
                }
                if p.on_hold && leg.hold_intent_until.is_some() {
                    leg.hold_intent_until = None;
                }
                true
            }
            _ => {
                leg.writing.is_some()
                    || leg.workaround
                    || adds.iter().any(|a| a.call_sid() == Some(call_sid.as_str()))
            }
        });
        self.observe_adds();
    }
}

/// `true`/`false` as the endpoints expect them.
pub(super) fn bool_str(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}
