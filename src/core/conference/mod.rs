//! The engine: one [`Conference`] per Flex voice task.

use crate::prelude::*;

mod adds;
mod alone;
mod guard;
mod ops;
mod reconcile;
mod requests;
mod view;

use crate::api::{classify, ApiFailure, RetryPolicy};
use crate::core::command::{failure_context, Command, CommandId};
use crate::core::config::{Config, Mode};
use crate::core::error::{CoreError, ErrorCode};
use crate::core::intent::{Intent, IntentOutcome};
use crate::core::notification as note;
use crate::core::result::ApiResult;
use crate::core::rng::Rng;
use crate::core::snapshot::{Participant, ParticipantKind, ParticipantStatus, TaskSnapshot};
use crate::core::sorted::{SortedMap, SortedSet};
use crate::core::value::Json;

pub use view::{ConferenceView, ConnectingView, LegView};

use crate::core::text::{cat, uint};
use adds::Add;
use guard::Guard;
use ops::Op;
use reconcile::Leg;
use requests::{Purpose, Request, WorkaroundStep};

/// How long the engine stays quiet after it let this agent's hang-up go: the agent's leg is on
/// its way out and another browser (or nobody) owns the policy.
const LEAVING_MS: u64 = 20_000;

/// The sans-IO conference engine.
///
/// # Driving it
///
/// 1. Create it with [`Conference::new`] from the parsed configuration.
/// 2. Feed it inputs, each with the current time in milliseconds:
///    [`handle_snapshot`](Self::handle_snapshot) on every Flex task/conference update,
///    [`handle_intent`](Self::handle_intent) for what the agent asks (its answer is synchronous),
///    [`handle_api_result`](Self::handle_api_result) when a request it asked for settles, and
///    [`handle_timeout`](Self::handle_timeout) when the time from [`poll_timeout`](Self::poll_timeout)
///    has come.
/// 3. After every input, drain [`poll_command`](Self::poll_command) until it returns `None`, carry
///    the commands out, then arm one timer for [`poll_timeout`](Self::poll_timeout).
///
/// The engine never performs IO and never reads a clock; the same inputs give the same commands.
/// Bad input is an error ([`CoreError`]), never a panic.
#[derive(Debug)]
pub struct Conference {
    config: Config,
    rng: Rng,
    retry: RetryPolicy,
    now: u64,
    next_id: CommandId,
    seq: u32,
    task_sid: Option<String>,
    snap: Option<TaskSnapshot>,
    legs: SortedMap<String, Leg>,
    /// Legs this engine created or ever saw as `unknown`: REST legs, whatever Flex calls them
    /// later (Flex has been seen to retype a held `unknown` leg as `customer`).
    rest_legs: SortedSet<String>,
    /// Non-worker legs seen held: with `pre_hold_flag` their flag was set false before the hold
    /// (perhaps by an earlier engine of this browser), so an unknown value isn't Flex's `true`.
    seen_held: SortedSet<String>,
    /// Legs known to have left (removed, cancelled, or answered 20404) before Flex shows it:
    /// they no longer count as live parties.
    departed: SortedSet<String>,
    adds: Vec<Add>,
    ops: Vec<Op>,
    /// Requests awaiting their result, by command id. (The type of `delayed`: one set of `Vec`
    /// code for both.)
    in_flight: Vec<(u64, Request)>,
    delayed: Vec<(u64, Request)>,
    guard: Option<Guard>,
    leaving_until: Option<u64>,
    /// Since when this agent has been alone on the call (see `alone`).
    alone_since: Option<u64>,
    /// This engine asked to end its agent's leg: never again for this conference.
    alone_ended: bool,
    /// Removals of this agent's leg that failed.
    alone_attempts: u32,
    auth_notified: bool,
    /// Commands not polled yet, oldest first. (A `Vec`: a handful at a time, and `VecDeque`'s
    /// ring-buffer code was ~0.7 KB of the module.)
    out: Vec<Command>,
}

impl Conference {
    /// A new engine. `now` is the current time in milliseconds.
    pub fn new(config: Config, now: u64) -> Self {
        Self {
            rng: Rng::new(config.random_seed),
            config,
            retry: RetryPolicy::default(),
            now,
            next_id: 1,
            seq: 0,
            task_sid: None,
            snap: None,
            legs: SortedMap::new(),
            rest_legs: SortedSet::new(),
            seen_held: SortedSet::new(),
            departed: SortedSet::new(),
            adds: Vec::new(),
            ops: Vec::new(),
            in_flight: Vec::new(),
            delayed: Vec::new(),
            guard: None,
            leaving_until: None,
            alone_since: None,
            alone_ended: false,
            alone_attempts: 0,
            auth_notified: false,
            out: Vec::new(),
        }
    }

    /// A Flex task update. The first snapshot binds the engine to its task; a snapshot of another
    /// task is refused (`task_mismatch`).
    pub fn handle_snapshot(&mut self, mut snap: TaskSnapshot, now: u64) -> Result<(), CoreError> {
        if let Some(bound) = &self.task_sid {
            if *bound != snap.task_sid {
                return Err(CoreError::new(
                    ErrorCode::TaskMismatch,
                    cat(&[
                        "this engine serves task ",
                        bound,
                        "; create one engine per task (got ",
                        &snap.task_sid,
                        ")",
                    ]),
                ));
            }
        }
        self.advance(now);
        let conference_changed = self.snap.as_ref().is_some_and(|old| {
            old.conference_sid.is_some() && old.conference_sid != snap.conference_sid
        });
        self.task_sid = Some(snap.task_sid.clone());
        if conference_changed || snap.is_over() {
            self.end_conference();
        }
        self.remember_rest_legs(&mut snap);
        self.snap = Some(snap);
        self.observe_snapshot();
        self.drive();
        Ok(())
    }

    /// A user intent; the answer is immediate, the work shows up as commands.
    pub fn handle_intent(&mut self, intent: Intent, now: u64) -> IntentOutcome {
        self.advance(now);
        self.lift_auth_blocks();
        let outcome = match intent {
            Intent::AddParticipant {
                destination,
                caller_id,
            } => self.add_participant(&destination, caller_id),
            Intent::CancelDial { call_sid } => self.cancel_dial(&call_sid),
            Intent::Hangup { confirm_leave } => self.hangup(confirm_leave),
            Intent::Hold {
                call_sid,
                native_action,
            } => self.hold(&call_sid, native_action),
            Intent::Kick { call_sid } => self.kick(&call_sid),
            Intent::Mute { call_sid } => self.mute(&call_sid, true),
            Intent::Unhold { call_sid } => self.unhold(&call_sid),
            Intent::Unmute { call_sid } => self.mute(&call_sid, false),
        };
        self.drive();
        outcome
    }

    /// The result of an `api` command: the HTTP status and body, or a network error.
    pub fn handle_api_result(
        &mut self,
        id: CommandId,
        result: ApiResult,
        now: u64,
    ) -> Result<(), CoreError> {
        let Some(request) = take_keyed(&mut self.in_flight, id.into()) else {
            return Err(CoreError::new(
                ErrorCode::InvalidResult,
                cat(&[
                    "no api command with id ",
                    &uint(id.into()),
                    " is awaiting a result",
                ]),
            ));
        };
        self.advance(now);
        let outcome = classify(result.status, result.body, result.network_error.as_deref());
        self.on_result(request, outcome);
        self.drive();
        Ok(())
    }

    /// The time from [`poll_timeout`](Self::poll_timeout) has come (early or late calls are fine).
    pub fn handle_timeout(&mut self, now: u64) {
        self.advance(now);
        self.drive();
    }

    /// The next command to carry out.
    #[must_use]
    pub fn poll_command(&mut self) -> Option<Command> {
        if self.out.is_empty() {
            return None;
        }
        Some(self.out.remove(0))
    }

    /// When [`handle_timeout`](Self::handle_timeout) should next be called, if ever.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<u64> {
        let mut next: Option<u64> = None;
        let mut consider = |t: Option<u64>| {
            if let Some(t) = t {
                next = Some(next.map_or(t, |n| n.min(t)));
            }
        };
        for (at, _) in &self.delayed {
            consider(Some(*at));
        }
        for leg in self.legs.values() {
            consider(leg.deadline());
        }
        for add in &self.adds {
            consider(add.deadline(&self.config));
        }
        for op in &self.ops {
            consider(Some(op.deadline()));
        }
        consider(self.guard.as_ref().map(|g| g.deadline));
        consider(self.leaving_until);
        consider(self.alone_deadline());
        next
    }

    /// The engine's configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Records `unknown` legs, and shows a known REST leg that Flex retyped as `customer` as
    /// `unknown` again, so it is routed through REST (never Flex's native customer hold).
    fn remember_rest_legs(&mut self, snap: &mut TaskSnapshot) {
        // Two live "customers" means Flex retyped an added leg this engine never saw as
        // `unknown` (a reload): native routing would be ambiguous, so both go through REST.
        let customers = snap
            .live()
            .iter()
            .filter(|p| p.kind == ParticipantKind::Customer)
            .count();
        for p in &mut snap.participants {
            let Some(call_sid) = p.call_sid.as_deref() else {
                continue;
            };
            if self.departed.contains(call_sid) {
                p.status = ParticipantStatus::Left;
            }
            if p.on_hold && p.kind != ParticipantKind::Worker {
                self.seen_held.insert(call_sid.to_owned());
            }
            if customers > 1 && p.kind == ParticipantKind::Customer && p.is_live() {
                self.rest_legs.insert(call_sid.to_owned());
            }
            if p.kind == ParticipantKind::Unknown {
                self.rest_legs.insert(call_sid.to_owned());
            } else if p.kind == ParticipantKind::Customer && self.rest_legs.contains(call_sid) {
                p.kind = ParticipantKind::Unknown;
            }
        }
    }

    /// The leg is gone at Twilio (removed, cancelled, 20404): never written again, and not
    /// counted as live even while Flex still shows it.
    fn mark_departed(&mut self, call_sid: &str) {
        self.legs.or_default(call_sid.to_owned()).gone = true;
        self.departed.insert(call_sid.to_owned());
        if let Some(snap) = self.snap.as_mut() {
            for p in &mut snap.participants {
                if p.call_sid.as_deref() == Some(call_sid) {
                    p.status = ParticipantStatus::Left;
                }
            }
        }
    }

    /// Moves the clock forward (never back).
    fn advance(&mut self, now: u64) {
        self.now = self.now.max(now);
    }

    /// Runs everything that is due, then reconciles. Idempotent.
    fn drive(&mut self) {
        let now = self.now;
        // Due requests leave `delayed` in order; resending never delays anything.
        while let Some(i) = self.delayed.iter().position(|(at, _)| *at <= now) {
            let (_, request) = self.delayed.remove(i);
            if self.still_wanted(&request.purpose) {
                self.resend(request);
            } else if let Purpose::Workaround { call_sid, .. } = &request.purpose {
                if let Some(leg) = self.legs.get_mut(call_sid) {
                    leg.workaround = false;
                    leg.writing = None;
                }
            }
        }
        if self.leaving_until.is_some_and(|t| t <= now) {
            self.leaving_until = None;
        }
        for leg in self.legs.values_mut() {
            leg.expire(now);
        }
        self.drive_adds();
        self.drive_ops();
        self.drive_guard();
        self.reconcile();
        self.drive_alone();
    }

    fn take_id(&mut self) -> CommandId {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1).max(1);
        id
    }

    /// A request went through (or the agent acted, with a fresh token): 403s may be over.
    fn lift_auth_blocks(&mut self) {
        self.auth_notified = false;
        for leg in self.legs.values_mut() {
            leg.auth_blocked = false;
        }
    }

    /// Emits a notification.
    fn notify(&mut self, notification: &'static str, context: Json) {
        let id = self.take_id();
        self.out.push(Command::Notify {
            id,
            notification,
            context,
        });
    }

    /// Emits a failure notification; a 403 becomes the (deduplicated) auth notification instead.
    fn notify_failure(
        &mut self,
        notification: &'static str,
        failure: &ApiFailure,
        extra: &[(&str, &str)],
    ) {
        if matches!(failure, ApiFailure::Auth { .. }) {
            if !self.auth_notified {
                self.auth_notified = true;
                self.notify(note::AUTH_EXPIRED, failure_context(failure, &[]));
            }
            return;
        }
        self.notify(notification, failure_context(failure, extra));
    }

    /// The conference SID of a live call, if any.
    fn conference_sid(&self) -> Option<&str> {
        self.snap
            .as_ref()
            .filter(|s| !s.is_over())
            .and_then(|s| s.conference_sid.as_deref())
    }

    /// The conference is over (or another one began): forget everything about it.
    fn end_conference(&mut self) {
        self.rest_legs.clear();
        self.seen_held.clear();
        self.departed.clear();
        self.adds.clear();
        self.ops.clear();
        self.legs.clear();
        self.delayed.clear();
        // Requests still in flight keep their ids: their results are accepted and ignored.
        self.leaving_until = None;
        self.alone_since = None;
        self.alone_ended = false;
        self.alone_attempts = 0;
        if self.guard.take().is_some() {
            self.answer_hangup(true, "not_guarded");
        }
    }

    /// Emits the answer to a hang-up intent.
    fn answer_hangup(&mut self, allow: bool, reason: &'static str) {
        let id = self.take_id();
        self.out.push(Command::Hangup { id, allow, reason });
        if allow && self.conference_sid().is_some() {
            self.leaving_until = Some(self.now + LEAVING_MS);
        }
    }

    /// Whether the engine knows `p` to be held right now (its own hold results win over a
    /// snapshot that hasn't caught up).
    fn is_held_now(&self, p: &Participant) -> bool {
        let known = p
            .call_sid
            .as_deref()
            .and_then(|c| self.legs.get(c))
            .and_then(|l| l.hold_known.map(|(h, _)| h));
        known.unwrap_or(p.on_hold)
    }

    /// Held, or about to be held by an operation of this engine.
    fn is_holding(&self, p: &Participant) -> bool {
        self.is_held_now(p)
            || p.call_sid
                .as_deref()
                .and_then(|c| self.legs.get(c))
                .is_some_and(|l| l.hold_intent_until.is_some())
    }

    fn mode(&self) -> Mode {
        self.config.mode()
    }
}

/// Removes and returns the request stored under `key`.
fn take_keyed(requests: &mut Vec<(u64, Request)>, key: u64) -> Option<Request> {
    let i = requests.iter().position(|(k, _)| *k == key)?;
    Some(requests.remove(i).1)
}
