//! The hang-up guard (C5): before the last agent leaves, take every remaining party off hold
//! (awaited and confirmed), set the remaining legs' flags so the call goes on (or ends) as it
//! should, and only then let the hang-up proceed. If that can't be done, the hang-up is aborted
//! with `PS_FailedHangupOnConferenceWithExternalParties`.
//!
//! | others live | ringing | what must hold before the hang-up goes on |
//! |---|---|---|
//! | ≥ 2, or ≥ 1 with a leg ringing | – | nobody held; every other leg `true`; my leg `false` |
//! | 1 | no | my leg `true` if it is known `false` (or unknown after an added leg); the call then ends with me, so nobody needs unholding |
//! | 0 | – | my leg `true` if it is known `false` (or unknown after an added leg) |
//!
//! With a leg still ringing the agent must first confirm "leave and keep the others connected";
//! that leg keeps its create value (`false`) until a reconciler can update it.

use crate::prelude::*;

use super::adds::AddPhase;
use super::reconcile::HOLD_KNOWN_MS;
use super::{Conference, Purpose};
use crate::api::{ApiFailure, Endpoint, Params, ParticipantInfo};
use crate::core::command::failure_context;
use crate::core::config::Mode;
use crate::core::intent::IntentOutcome;
use crate::core::monitor;
use crate::core::notification as note;
use crate::core::snapshot::{ParticipantKind, TaskSnapshot};
use crate::core::sorted::SortedSet;
use crate::core::value::Json;

/// The guard in progress.
#[derive(Clone, Debug)]
pub(super) struct Guard {
    pub(super) deadline: u64,
    /// Keep the others connected (flags true, mine false) rather than end with me.
    keep: bool,
    /// The other live non-worker legs.
    targets: Vec<String>,
    /// My leg, and the value it must have (`None`: leave it).
    me: Option<(String, bool)>,
    /// Take held parties off hold first (not in XWT mode, where Flex manages holds).
    unhold: bool,
    /// Live parties staying behind that Flex shows without a call SID (counted, not written).
    unaddressable: usize,
    /// Ringing adds whose status was checked once since the guard started.
    pub(super) polled: Vec<u32>,
    unholding: SortedSet<String>,
    unheld: SortedSet<String>,
    verifying: SortedSet<String>,
    verified: SortedSet<String>,
}

impl Conference {
    pub(super) fn hangup(&mut self, confirm_leave: bool) -> IntentOutcome {
        if self.guard.is_some() {
            self.answer_hangup(false, "in_progress");
            return IntentOutcome::native();
        }
        let Some(snap) = self
            .snap
            .as_ref()
            .filter(|_| self.conference_sid().is_some())
        else {
            self.answer_hangup(true, "not_guarded");
            return IntentOutcome::native();
        };
        let Some(me) = snap.me() else {
            self.answer_hangup(true, "not_guarded");
            return IntentOutcome::native();
        };
        let live = snap.live();
        let other_workers = live
            .iter()
            .filter(|p| p.kind == ParticipantKind::Worker && !p.is_current_worker)
            .count();
        if self.mode() == Mode::Disabled || other_workers > 0 {
            self.answer_hangup(true, "not_guarded");
            return IntentOutcome::native();
        }
        let (targets, unaddressable) = staying_behind(snap);
        let others = targets.len() + unaddressable;
        let ringing = self.ringing(snap);
        let keep = others >= 2 || (ringing > 0 && others > 0);
        if self.mode() == Mode::Xwt {
            // Flex manages worker legs and holds here; the flags of the parties staying behind
            // are still ours (C8): with two or more of them, all must be true before I go.
            // One party and a transfer leg still ringing also stay behind (as in full mode).
            if !keep {
                self.answer_hangup(true, "not_guarded");
                return IntentOutcome::native();
            }
            self.start_guard(true, targets, unaddressable, None, false);
            return IntentOutcome::native();
        }
        if keep && ringing > 0 && !confirm_leave {
            self.answer_hangup(false, "confirm_leave");
            return IntentOutcome::native();
        }
        let mine = me.call_sid.as_deref().and_then(|c| self.legs.get(c));
        let confirmed = mine.and_then(|l| l.confirmed);
        let writing = mine.is_some_and(|l| l.writing.is_some());
        // Once an added leg was in the call any browser may have left my flag false: unless it
        // is confirmed true (a write still in flight doesn't count), make it true so the last
        // two parties end together.
        let touched = monitor::touched(snap) || mine.is_some_and(|l| l.uncertain);
        let me_target = me.call_sid.clone().and_then(|c| {
            if keep {
                Some((c, false))
            } else if confirmed == Some(false) || writing || (touched && confirmed.is_none()) {
                Some((c, true))
            } else {
                None
            }
        });
        if !keep && me_target.is_none() {
            // My leg ends the conference as I leave: nobody stays behind, held or not.
            self.answer_hangup(true, "not_guarded");
            return IntentOutcome::native();
        }
        // Without `keep` my leg ends the conference: there is nobody to take off hold.
        let targets = if keep { targets } else { Vec::new() };
        self.start_guard(keep, targets, unaddressable, me_target, true);
        IntentOutcome::native()
    }

    fn start_guard(
        &mut self,
        keep: bool,
        targets: Vec<String>,
        unaddressable: usize,
        me: Option<(String, bool)>,
        unhold: bool,
    ) {
        // Back-off from failures before the hang-up would outlast the guard: start afresh (a
        // failure now aborts the guard instead).
        for call_sid in targets.iter().chain(me.as_ref().map(|(c, _)| c)) {
            if let Some(leg) = self.legs.get_mut(call_sid) {
                if leg.failures > 0 {
                    leg.retry_at = None;
                }
            }
        }
        self.guard = Some(Guard {
            unaddressable,
            deadline: self.now + self.config.guard_timeout_ms,
            keep,
            targets,
            me,
            unhold,
            polled: Vec::new(),
            unholding: SortedSet::new(),
            unheld: SortedSet::new(),
            verifying: SortedSet::new(),
            verified: SortedSet::new(),
        });
    }

    /// Moves the guard on: unholds, then flags, then (with extensions) read-back, then release.
    pub(super) fn drive_guard(&mut self) {
        let Some(deadline) = self.guard.as_ref().map(|g| g.deadline) else {
            return;
        };
        if self.now >= deadline {
            self.abort_guard("timeout", None);
            return;
        }
        let Some(conference) = self.conference_sid().map(str::to_owned) else {
            return;
        };
        // Worked on outside `self` (nothing it calls reads the guard), put back unless done.
        let Some(mut guard) = self.guard.take() else {
            return;
        };
        if self.guard_step(&mut guard, &conference) {
            self.answer_hangup(true, "guarded");
        } else {
            self.guard = Some(guard);
        }
    }

    /// One step of [`drive_guard`](Self::drive_guard); true when the hang-up may go on.
    fn guard_step(&mut self, guard: &mut Guard, conference: &str) -> bool {
        let Some(snap) = self.snap.as_ref() else {
            return false;
        };
        // Parties may have left since the plan was made (late Flex events, 20404s): with fewer
        // than two staying behind and nothing ringing, my leaving must end the call instead.
        if guard.keep {
            // Who stays behind now: legs may have joined (a ringing leg answered) or left.
            let (targets, unaddressable) = staying_behind(snap);
            let staying = targets.len() + unaddressable;
            guard.targets = targets;
            guard.unaddressable = unaddressable;
            if staying < 2 && self.ringing(snap) == 0 {
                guard.keep = false;
                guard.targets.clear();
                guard.me = guard.me.take().map(|(c, _)| (c, true));
            }
        }
        let mut settled = true;
        let mut wanted: Vec<(String, bool)> = Vec::new();
        for call_sid in &guard.targets {
            let Some((worker, held)) = self
                .snap
                .as_ref()
                .and_then(|s| s.find(call_sid))
                .filter(|p| p.is_live())
                .map(|p| (p.kind == ParticipantKind::Worker, self.is_held_now(p)))
            else {
                continue;
            };
            if self.legs.get(call_sid).is_some_and(|l| l.gone) {
                continue;
            }
            if held && !guard.unheld.contains(call_sid) {
                if !guard.unhold {
                    // XWT: Flex owns holds. Twilio ignores a held leg's flag, but Flex's view may
                    // lag an unhold: write it anyway, without holding the hang-up back for it.
                    self.write_flag(call_sid, worker, true, false);
                    continue;
                }
                settled = false;
                self.guard_unhold(&mut guard.unholding, conference, call_sid);
                continue;
            }
            if guard.keep {
                wanted.push((call_sid.clone(), true));
            }
        }
        if let Some((call_sid, value)) = &guard.me {
            let held = self
                .snap
                .as_ref()
                .and_then(|s| s.find(call_sid))
                .is_some_and(|p| self.is_held_now(p));
            if self.legs.get(call_sid).is_some_and(|l| l.gone) {
                // Gone already: nothing to write.
            } else if held && !guard.unheld.contains(call_sid) {
                // A colleague put me on hold: a held leg's flag can't be written, so come off
                // hold first.
                settled = false;
                self.guard_unhold(&mut guard.unholding, conference, call_sid);
            } else {
                wanted.push((call_sid.clone(), *value));
            }
        }
        // Ringing legs may answer while the guard works; one that answered stays behind too and
        // must be true. Each is checked once more after everything else is done, right before
        // the hang-up is let go.
        let mut ringing = Vec::new();
        for add in &self.adds {
            match &add.phase {
                // A dial still being created (or looked up) is part of the call the agent keeps:
                // wait for it to be created or to fail, so it isn't dropped with the task.
                AddPhase::Creating | AddPhase::LookingUp if guard.keep => settled = false,
                AddPhase::Ringing { polling, .. } if guard.keep => {
                    ringing.push((add.seq, *polling))
                }
                AddPhase::Answered { call_sid } if guard.keep => {
                    wanted.push((call_sid.clone(), true));
                }
                _ => {}
            }
        }
        for (call_sid, value) in &wanted {
            let leg = self.legs.or_default(call_sid.clone());
            if leg.blocked.is_some_and(|b| b != *value) {
                leg.blocked = None;
            }
            if leg.confirmed != Some(*value) || leg.writing.is_some() {
                settled = false;
                // Not held (`false`): the kind only matters for the hold workaround.
                self.write_flag(call_sid, false, *value, false);
            }
        }
        if !settled {
            guard.polled.clear();
            return false;
        }
        let mut checking = false;
        for (seq, polling) in ringing {
            if !guard.polled.contains(&seq) {
                checking = true;
                if !polling {
                    self.poll_now(seq);
                }
            }
        }
        if checking {
            return false;
        }
        if self.config.extensions {
            let mut pending = false;
            for (call_sid, _) in &wanted {
                if guard.verified.contains(call_sid) {
                    continue;
                }
                pending = true;
                if guard.verifying.insert(call_sid.clone()) {
                    self.send(
                        Endpoint::GetParticipant,
                        Params::leg(conference, call_sid.as_str()),
                        Purpose::GuardVerify {
                            call_sid: call_sid.clone(),
                        },
                    );
                }
            }
            if pending {
                return false;
            }
        }
        true
    }

    /// Legs still ringing: this engine's adds, and native transfer legs Flex shows connecting.
    fn ringing(&self, snap: &TaskSnapshot) -> usize {
        self.pending_adds()
            + snap
                .participants
                .iter()
                .filter(|p| p.connecting && p.kind.is_added() && p.status_is_joinable())
                .count()
    }

    /// Takes a leg off hold through REST, once per guard.
    fn guard_unhold(
        &mut self,
        unholding: &mut SortedSet<String>,
        conference: &str,
        call_sid: &str,
    ) {
        if !unholding.insert(call_sid.to_owned()) {
            return;
        }
        self.send(
            Endpoint::HoldParticipant,
            Params::leg(conference, call_sid).with("hold", "false"),
            Purpose::GuardUnhold {
                call_sid: call_sid.to_owned(),
            },
        );
    }

    /// Whether the guard is writing this leg's flag.
    pub(super) fn guard_owns(&self, call_sid: &str) -> bool {
        self.guard.as_ref().is_some_and(|g| {
            g.targets.iter().any(|t| t == call_sid)
                || g.me.as_ref().is_some_and(|(c, _)| c == call_sid)
        })
    }

    /// Blocks the hang-up and tells the agent why.
    pub(super) fn abort_guard(&mut self, reason: &'static str, failure: Option<&ApiFailure>) {
        if self.guard.take().is_none() {
            return;
        }
        self.answer_hangup(false, reason);
        let timeout;
        let failure = match failure {
            Some(f) => f,
            None => {
                timeout = ApiFailure::Network {
                    message: "Timed out making it safe to leave the call".into(),
                };
                &timeout
            }
        };
        if matches!(failure, ApiFailure::Auth { .. }) {
            self.notify_failure(note::AUTH_EXPIRED, failure, &[]);
        }
        self.notify(
            note::FAILED_HANGUP,
            failure_context(failure, &[("reason", reason)]),
        );
    }

    pub(super) fn on_guard_unhold(&mut self, call_sid: &str, outcome: Result<Json, ApiFailure>) {
        let until = self.now + HOLD_KNOWN_MS;
        match outcome {
            Ok(body) => {
                let still_held =
                    ParticipantInfo::from_body(&body).ok().and_then(|p| p.hold) == Some(true);
                if let Some(g) = self.guard.as_mut() {
                    g.unholding.remove(call_sid);
                    if !still_held {
                        g.unheld.insert(call_sid.to_owned());
                    }
                }
                if !still_held {
                    self.legs.or_default(call_sid.to_owned()).hold_known = Some((false, until));
                }
            }
            Err(f) if f.is_not_found() => {
                self.mark_departed(call_sid);
            }
            Err(f) => self.abort_guard("unhold_failed", Some(&f)),
        }
    }

    pub(super) fn on_guard_verify(&mut self, call_sid: &str, outcome: Result<Json, ApiFailure>) {
        let Some(g) = self.guard.as_mut() else {
            return;
        };
        g.verifying.remove(call_sid);
        match outcome.and_then(|b| ParticipantInfo::from_body(&b)) {
            Ok(p) => {
                let leg = self.legs.or_default(call_sid.to_owned());
                if p.hold == Some(true) {
                    g.unheld.remove(call_sid);
                    leg.hold_known = Some((true, self.now + HOLD_KNOWN_MS));
                } else if let Some(v) = p.end_conference_on_exit {
                    if leg.writing.is_none() {
                        leg.confirmed = Some(v);
                    }
                    let wanted =
                        g.me.as_ref()
                            .filter(|(c, _)| c == call_sid)
                            .map_or(g.keep, |(_, v)| *v);
                    if v == wanted {
                        g.verified.insert(call_sid.to_owned());
                    }
                } else {
                    g.verified.insert(call_sid.to_owned());
                }
            }
            Err(f) if f.is_not_found() => {
                g.verified.insert(call_sid.to_owned());
                self.mark_departed(call_sid);
            }
            // Read-back is a check on top of the confirmed write; without it, trust the write.
            Err(_) => {
                g.verified.insert(call_sid.to_owned());
            }
        }
    }
}

/// The live non-worker parties that stay when this agent leaves: the addressable legs (call
/// SIDs) and how many more Flex shows without one (counted, never written).
fn staying_behind(snap: &TaskSnapshot) -> (Vec<String>, usize) {
    let mut targets = Vec::new();
    let mut unaddressable = 0;
    for p in snap.live() {
        if matches!(
            p.kind,
            ParticipantKind::Customer | ParticipantKind::Unknown | ParticipantKind::External
        ) {
            match &p.call_sid {
                Some(c) => targets.push(c.clone()),
                None => unaddressable += 1,
            }
        }
    }
    (targets, unaddressable)
}
