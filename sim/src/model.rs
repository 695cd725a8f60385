//! One Twilio conference with Twilio's real rules (SPEC §9), mirroring the native harness's
//! model (`tests/common/twilio.rs`).
//!
//! * Status `init` → `in-progress` (when a `startConferenceOnEnter` leg joins, or a second leg
//!   joins) → `completed`.
//! * A conference ends in exactly three ways (§9.1): completed by API
//!   (`conference-ended-via-api`); the last participant leaves or is kicked
//!   (`last-participant-left` / `last-participant-kicked`); a participant whose
//!   `endConferenceOnExit` is true leaves or is kicked
//!   (`participant-with-end-conference-on-exit-left` / `…-kicked`). There is **no** "fewer than
//!   two" rule, and a held leg is still a participant. "Last participant" is checked first, so a
//!   lone ECOE=true leg leaving reports `last-participant-left`. Queued and ringing legs count as
//!   participants (the REST Participants resource lists them).
//! * When it ends, every other leg drops: connected ones end `completed`, queued or ringing ones
//!   `canceled`.
//! * Every change appends an [`Event`] in SPEC §9.7's vocabulary, plus two call-progress events
//!   of the sim's own: `participant-queued` (a REST create waiting for its 1-CPS slot) and
//!   `participant-ringing`.

use serde::Serialize;
use serde_json::{json, Value};

use crate::settings::{Echo, Settings};

/// The account SID in every REST shape.
pub(crate) const ACCOUNT_SID: &str = "AC00000000000000000000000000000000";

/// A Twilio REST error.
#[derive(Clone, Debug, Eq, PartialEq)]
pub(crate) struct TwilioError {
    /// HTTP status.
    pub(crate) status: u16,
    /// Twilio error code.
    pub(crate) code: u32,
    /// Message.
    pub(crate) message: String,
}

impl TwilioError {
    /// An error.
    pub(crate) fn new(status: u16, code: u32, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    /// 404 / 20404 for a REST path (`/2010-04-01/Accounts/…`).
    pub(crate) fn not_found(path: &str) -> Self {
        Self::new(
            404,
            20404,
            format!("The requested resource {path} was not found"),
        )
    }

    /// The template's error envelope (`retryHandler` → `extractStandardResponse`).
    pub(crate) fn envelope(&self) -> Value {
        json!({
            "success": false,
            "message": self.message,
            "twilioErrorCode": self.code,
            "twilioDocPage": doc_page(self.code),
        })
    }
}

/// Twilio's `more_info` page for an error code.
pub(crate) fn doc_page(code: u32) -> String {
    format!("https://www.twilio.com/docs/errors/{code}")
}

/// The REST path of a conference's participants collection.
pub(crate) fn participants_path(conference: &str) -> String {
    format!("/2010-04-01/Accounts/{ACCOUNT_SID}/Conferences/{conference}/Participants")
}

/// A conference's status.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub(crate) enum ConfStatus {
    /// Created, waiting for a participant that starts it.
    Init,
    /// Running.
    InProgress,
    /// Ended.
    Completed,
}

impl ConfStatus {
    /// Twilio's spelling.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Init => "init",
            Self::InProgress => "in-progress",
            Self::Completed => "completed",
        }
    }
}

/// What kind of party a leg is, as Flex would type it.
#[derive(Clone, Debug, Eq, PartialEq)]
pub(crate) enum Kind {
    /// An agent.
    Worker {
        /// `WK…`.
        worker_sid: String,
    },
    /// The task's caller.
    Customer,
    /// A leg added through the REST API (`add-participant`).
    Unknown,
    /// A leg added by Flex's native external warm transfer.
    External {
        /// `PA…`.
        participant_sid: String,
    },
}

impl Kind {
    /// Flex's `participantType`.
    pub(crate) fn as_str(&self) -> &'static str {
        match self {
            Self::Worker { .. } => "worker",
            Self::Customer => "customer",
            Self::Unknown => "unknown",
            Self::External { .. } => "external",
        }
    }

    /// The worker SID of a worker leg.
    pub(crate) fn worker_sid(&self) -> Option<&str> {
        match self {
            Self::Worker { worker_sid } => Some(worker_sid),
            _ => None,
        }
    }

    /// The participant SID of a native external leg.
    pub(crate) fn participant_sid(&self) -> Option<&str> {
        match self {
            Self::External { participant_sid } => Some(participant_sid),
            _ => None,
        }
    }
}

/// A leg's participant status (lifecycle order, then the unanswered endings).
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub(crate) enum LegStatus {
    /// Created, waiting for its 1-CPS slot.
    Queued,
    /// Ringing.
    Ringing,
    /// In the conference.
    Connected,
    /// Hung up, kicked, or dropped when the conference ended.
    Completed,
    /// Never answered: busy.
    Busy,
    /// Never answered: no answer.
    NoAnswer,
    /// Never answered: the call failed.
    Failed,
    /// Never answered: canceled (removed while ringing, or the conference ended).
    Canceled,
}

impl LegStatus {
    /// The sim's spelling (`queued`, `ringing`, `connected`, `completed`, `busy`, `no-answer`,
    /// `failed`, `canceled`).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Ringing => "ringing",
            Self::Connected => "connected",
            Self::Completed => "completed",
            Self::Busy => "busy",
            Self::NoAnswer => "no-answer",
            Self::Failed => "failed",
            Self::Canceled => "canceled",
        }
    }

    /// The Call resource's status (`in-progress` while connected).
    pub(crate) fn call_status(self) -> &'static str {
        match self {
            Self::Connected => "in-progress",
            other => other.as_str(),
        }
    }

    /// Queued, ringing or connected: a REST-visible participant.
    pub(crate) fn is_live(self) -> bool {
        matches!(self, Self::Queued | Self::Ringing | Self::Connected)
    }

    /// Queued or ringing.
    pub(crate) fn is_pending(self) -> bool {
        matches!(self, Self::Queued | Self::Ringing)
    }
}

/// One participant leg and its call.
#[derive(Clone, Debug)]
pub(crate) struct Leg {
    /// `CA…`.
    pub(crate) call_sid: String,
    /// Kind.
    pub(crate) kind: Kind,
    /// Status.
    pub(crate) status: LegStatus,
    /// Held.
    pub(crate) hold: bool,
    /// Muted.
    pub(crate) muted: bool,
    /// `endConferenceOnExit` as stored by Twilio.
    pub(crate) ecoe: bool,
    /// `endConferenceOnExit` as the leg's last join/leave/hold/mute event carried it: what Flex's
    /// `mediaProperties.endConferenceOnExit` shows (a REST update may leave it stale, SPEC §3.3).
    pub(crate) event_ecoe: bool,
    /// `startConferenceOnEnter`.
    pub(crate) start_conference_on_enter: bool,
    /// `earlyMedia`.
    pub(crate) early_media: bool,
    /// `beep` (`true`, `false`, `onEnter`, `onExit`).
    pub(crate) beep: String,
    /// Ring `timeout` in seconds.
    pub(crate) timeout_s: u32,
    /// `label`.
    pub(crate) label: Option<String>,
    /// `To`.
    pub(crate) to: String,
    /// `From`.
    pub(crate) from: String,
    /// The Call's `direction`.
    pub(crate) direction: &'static str,
    /// Created.
    pub(crate) created_at: u64,
    /// When a queued leg gets its slot and starts ringing.
    pub(crate) slot_at: u64,
    /// Started ringing.
    pub(crate) ringing_at: Option<u64>,
    /// Joined.
    pub(crate) joined_at: Option<u64>,
    /// Left (or ended unanswered).
    pub(crate) left_at: Option<u64>,
    /// Last change.
    pub(crate) updated_at: u64,
}

impl Leg {
    /// A new leg in `status`, with Twilio's create defaults (ECOE false, early media, beep,
    /// 60 s timeout, starts the conference on enter).
    pub(crate) fn new(
        call_sid: String,
        kind: Kind,
        status: LegStatus,
        to: String,
        from: String,
        now: u64,
    ) -> Self {
        Self {
            call_sid,
            kind,
            status,
            hold: false,
            muted: false,
            ecoe: false,
            event_ecoe: false,
            start_conference_on_enter: true,
            early_media: true,
            beep: "true".to_owned(),
            timeout_s: 60,
            label: None,
            to,
            from,
            direction: "outbound-api",
            created_at: now,
            slot_at: now,
            ringing_at: None,
            joined_at: None,
            left_at: None,
            updated_at: now,
        }
    }
}

/// A conference event's name (SPEC §9.7, plus `participant-queued`/`-ringing`).
#[derive(Clone, Copy, Debug, Eq, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum EventKind {
    /// The conference started (`init` → `in-progress`).
    ConferenceStart,
    /// The conference ended.
    ConferenceEnd,
    /// A REST create is waiting for its 1-CPS slot.
    ParticipantQueued,
    /// A leg is ringing.
    ParticipantRinging,
    /// A leg joined.
    ParticipantJoin,
    /// A leg left, or ended without answering.
    ParticipantLeave,
    /// Held.
    ParticipantHold,
    /// Unheld.
    ParticipantUnhold,
    /// Muted.
    ParticipantMute,
    /// Unmuted.
    ParticipantUnmute,
    /// `endConferenceOnExit` changed.
    ParticipantModify,
}

/// One entry of a conference's history.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Event {
    /// 1, 2, … within the conference.
    pub(crate) seq: u64,
    /// When (epoch ms).
    pub(crate) at_ms: u64,
    /// What.
    pub(crate) event: EventKind,
    /// The leg (for `conference-*`: the leg that started or ended it; `null` when ended by API).
    pub(crate) call_sid: Option<String>,
    /// The leg's hold flag after the change.
    pub(crate) hold: Option<bool>,
    /// The leg's mute flag after the change.
    pub(crate) muted: Option<bool>,
    /// The leg's stored `endConferenceOnExit` after the change (on a leave: at that moment).
    pub(crate) end_conference_on_exit: Option<bool>,
    /// Why: `reasonEnded` for `conference-end`; for `participant-leave` one of
    /// `participant-hung-up`, `participant-kicked`, `conference-ended`, `no-answer`, `busy`,
    /// `failed`, `canceled`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) reason: Option<String>,
    /// For `participant-leave`: the call's final status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) participant_call_status: Option<&'static str>,
}

/// An illegal move asked of a leg through the control API (answered 409).
pub(crate) type Illegal = String;

/// One conference.
#[derive(Clone, Debug)]
pub(crate) struct Conference {
    /// `CF…`.
    pub(crate) sid: String,
    /// FriendlyName (the task SID for Flex conferences).
    pub(crate) friendly_name: String,
    /// Status.
    pub(crate) status: ConfStatus,
    /// `reason_conference_ended`.
    pub(crate) reason_ended: Option<&'static str>,
    /// `call_sid_ending_conference`.
    pub(crate) ended_by: Option<String>,
    /// Every leg ever created, in creation order.
    pub(crate) legs: Vec<Leg>,
    /// History.
    pub(crate) events: Vec<Event>,
    /// The customer's number (the task's `attributes.from`), when created by `POST /sim/calls`.
    pub(crate) customer_number: Option<String>,
    /// The sim-wide change counter at this conference's last event (for long polls).
    pub(crate) version: u64,
    /// Events already counted into [`Self::version`].
    pub(crate) versioned_events: usize,
    /// Created.
    pub(crate) created_at: u64,
    /// Last change.
    pub(crate) updated_at: u64,
}

impl Conference {
    /// A conference in `init` without legs.
    pub(crate) fn new(sid: String, friendly_name: String, now: u64) -> Self {
        Self {
            sid,
            friendly_name,
            status: ConfStatus::Init,
            reason_ended: None,
            ended_by: None,
            legs: Vec::new(),
            events: Vec::new(),
            customer_number: None,
            version: 0,
            versioned_events: 0,
            created_at: now,
            updated_at: now,
        }
    }

    /// Not completed.
    pub(crate) fn is_open(&self) -> bool {
        self.status != ConfStatus::Completed
    }

    /// Index of a leg by call SID (any leg ever created).
    pub(crate) fn index(&self, call_sid: &str) -> Option<usize> {
        self.legs.iter().position(|l| l.call_sid == call_sid)
    }

    /// The first worker leg's worker SID (the agent who took the call).
    pub(crate) fn first_worker(&self) -> Option<&str> {
        self.legs.iter().find_map(|l| l.kind.worker_sid())
    }

    fn record(
        &mut self,
        at: u64,
        event: EventKind,
        leg: Option<usize>,
        reason: Option<String>,
        call_status: Option<&'static str>,
    ) {
        let flags_event = matches!(
            event,
            EventKind::ParticipantJoin
                | EventKind::ParticipantLeave
                | EventKind::ParticipantHold
                | EventKind::ParticipantUnhold
                | EventKind::ParticipantMute
                | EventKind::ParticipantUnmute
        );
        let leg = leg.and_then(|i| self.legs.get_mut(i));
        let (call_sid, hold, muted, ecoe) = match leg {
            Some(l) => {
                if flags_event {
                    l.event_ecoe = l.ecoe;
                }
                l.updated_at = at;
                (
                    Some(l.call_sid.clone()),
                    Some(l.hold),
                    Some(l.muted),
                    Some(l.ecoe),
                )
            }
            None => (None, None, None, None),
        };
        self.updated_at = at;
        self.events.push(Event {
            seq: self.events.len() as u64 + 1,
            at_ms: at,
            event,
            call_sid,
            hold,
            muted,
            end_conference_on_exit: ecoe,
            reason,
            participant_call_status: call_status,
        });
    }

    /// Adds a leg in the status it was built with (queued, ringing or connected) and records it.
    pub(crate) fn push_leg(&mut self, mut leg: Leg, now: u64) -> usize {
        let status = leg.status;
        match status {
            LegStatus::Ringing => leg.ringing_at = Some(now),
            LegStatus::Connected => leg.joined_at = Some(now),
            _ => {}
        }
        self.legs.push(leg);
        let i = self.legs.len() - 1;
        match status {
            LegStatus::Queued => {
                self.record(now, EventKind::ParticipantQueued, Some(i), None, None)
            }
            LegStatus::Ringing => {
                self.record(now, EventKind::ParticipantRinging, Some(i), None, None);
            }
            _ => {
                self.record(now, EventKind::ParticipantJoin, Some(i), None, None);
                self.maybe_start(i, now);
            }
        }
        i
    }

    fn maybe_start(&mut self, i: usize, at: u64) {
        if self.status != ConfStatus::Init {
            return;
        }
        let connected = self
            .legs
            .iter()
            .filter(|l| l.status == LegStatus::Connected)
            .count();
        let starts = self
            .legs
            .get(i)
            .is_some_and(|l| l.start_conference_on_enter);
        if starts || connected >= 2 {
            self.status = ConfStatus::InProgress;
            self.record(at, EventKind::ConferenceStart, Some(i), None, None);
        }
    }

    fn ring(&mut self, i: usize, at: u64) {
        if let Some(leg) = self.legs.get_mut(i) {
            leg.status = LegStatus::Ringing;
            leg.ringing_at = Some(at);
            self.record(at, EventKind::ParticipantRinging, Some(i), None, None);
        }
    }

    /// The callee answers a queued or ringing leg (a queued one passes through ringing).
    pub(crate) fn answer(&mut self, i: usize, now: u64) -> Result<(), Illegal> {
        let status = self.status_of(i)?;
        if status == LegStatus::Queued {
            self.ring(i, now);
        } else if status != LegStatus::Ringing {
            return Err(format!("cannot answer a {} leg", status.as_str()));
        }
        if let Some(leg) = self.legs.get_mut(i) {
            leg.status = LegStatus::Connected;
            leg.joined_at = Some(now);
        }
        self.record(now, EventKind::ParticipantJoin, Some(i), None, None);
        self.maybe_start(i, now);
        Ok(())
    }

    /// A queued or ringing leg ends unanswered (`busy`, `no-answer`, `failed`).
    pub(crate) fn end_unanswered(
        &mut self,
        i: usize,
        status: LegStatus,
        now: u64,
    ) -> Result<(), Illegal> {
        let current = self.status_of(i)?;
        if !current.is_pending() {
            return Err(format!(
                "cannot end a {} leg as {}",
                current.as_str(),
                status.as_str()
            ));
        }
        self.drop_leg(i, status, status.as_str(), now);
        self.end_if_empty(i, false, now);
        Ok(())
    }

    /// A connected leg hangs up.
    pub(crate) fn hang_up(&mut self, i: usize, now: u64) -> Result<(), Illegal> {
        let status = self.status_of(i)?;
        if status != LegStatus::Connected {
            return Err(format!("cannot hang up a {} leg", status.as_str()));
        }
        self.leave(i, false, now);
        Ok(())
    }

    /// Delete Participant (a kick): a queued or ringing leg is canceled, a connected one leaves
    /// as kicked.
    pub(crate) fn kick(&mut self, i: usize, now: u64) -> Result<(), Illegal> {
        let status = self.status_of(i)?;
        if status.is_pending() {
            self.drop_leg(i, LegStatus::Canceled, "participant-kicked", now);
            self.end_if_empty(i, true, now);
        } else if status == LegStatus::Connected {
            self.leave(i, true, now);
        } else {
            return Err(format!("cannot kick a {} leg", status.as_str()));
        }
        Ok(())
    }

    fn status_of(&self, i: usize) -> Result<LegStatus, Illegal> {
        self.legs
            .get(i)
            .map(|l| l.status)
            .ok_or_else(|| "no such leg".to_owned())
    }

    /// A connected leg leaves, with Twilio's end rules.
    fn leave(&mut self, i: usize, kicked: bool, now: u64) {
        let Some(ecoe) = self.legs.get(i).map(|l| l.ecoe) else {
            return;
        };
        let reason = if kicked {
            "participant-kicked"
        } else {
            "participant-hung-up"
        };
        self.drop_leg(i, LegStatus::Completed, reason, now);
        if self.end_if_empty(i, kicked, now) {
            return;
        }
        if ecoe {
            let reason = if kicked {
                "participant-with-end-conference-on-exit-kicked"
            } else {
                "participant-with-end-conference-on-exit-left"
            };
            self.end(reason, Some(i), now);
        }
    }

    fn drop_leg(&mut self, i: usize, status: LegStatus, reason: &str, at: u64) {
        if let Some(leg) = self.legs.get_mut(i) {
            leg.status = status;
            leg.left_at = Some(at);
            self.record(
                at,
                EventKind::ParticipantLeave,
                Some(i),
                Some(reason.to_owned()),
                Some(status.call_status()),
            );
        }
    }

    /// Ends the conference when no participant (queued, ringing or connected) is left.
    fn end_if_empty(&mut self, i: usize, kicked: bool, now: u64) -> bool {
        if !self.is_open() || self.legs.iter().any(|l| l.status.is_live()) {
            return false;
        }
        let reason = if kicked {
            "last-participant-kicked"
        } else {
            "last-participant-left"
        };
        self.end(reason, Some(i), now);
        true
    }

    /// Ends the conference (`by` = the leg that ended it, none when ended by API): every other
    /// leg drops, then `conference-end` is recorded.
    pub(crate) fn end(&mut self, reason: &'static str, by: Option<usize>, now: u64) {
        if !self.is_open() {
            return;
        }
        self.status = ConfStatus::Completed;
        self.reason_ended = Some(reason);
        self.ended_by = by
            .and_then(|i| self.legs.get(i))
            .map(|l| l.call_sid.clone());
        for j in 0..self.legs.len() {
            match self.legs.get(j).map(|l| l.status) {
                Some(LegStatus::Connected) => {
                    self.drop_leg(j, LegStatus::Completed, "conference-ended", now);
                }
                Some(LegStatus::Queued | LegStatus::Ringing) => {
                    self.drop_leg(j, LegStatus::Canceled, "conference-ended", now);
                }
                _ => {}
            }
        }
        self.record(
            now,
            EventKind::ConferenceEnd,
            by,
            Some(reason.to_owned()),
            None,
        );
    }

    /// Sets hold; records `participant-hold`/`-unhold` when it changes.
    pub(crate) fn set_hold(&mut self, i: usize, hold: bool, now: u64) {
        if let Some(leg) = self.legs.get_mut(i) {
            if leg.hold != hold {
                leg.hold = hold;
                let kind = if hold {
                    EventKind::ParticipantHold
                } else {
                    EventKind::ParticipantUnhold
                };
                self.record(now, kind, Some(i), None, None);
            }
        }
    }

    /// Sets mute; records `participant-mute`/`-unmute` when it changes.
    pub(crate) fn set_muted(&mut self, i: usize, muted: bool, now: u64) {
        if let Some(leg) = self.legs.get_mut(i) {
            if leg.muted != muted {
                leg.muted = muted;
                let kind = if muted {
                    EventKind::ParticipantMute
                } else {
                    EventKind::ParticipantUnmute
                };
                self.record(now, kind, Some(i), None, None);
            }
        }
    }

    /// An `endConferenceOnExit` update with the held-leg quirk (SPEC §9.4): on a held leg, with
    /// `heldEcoeIgnored`, nothing changes and the answer echoes `heldEcoeEcho`. Otherwise the
    /// flag is stored and `participant-modify` recorded when it changes. Returns the value the
    /// response echoes.
    pub(crate) fn update_ecoe(
        &mut self,
        i: usize,
        value: bool,
        now: u64,
        settings: &Settings,
    ) -> bool {
        let Some(leg) = self.legs.get_mut(i) else {
            return value;
        };
        if leg.hold && settings.held_ecoe_ignored {
            return match settings.held_ecoe_echo {
                Echo::New => value,
                Echo::Old => leg.ecoe,
            };
        }
        if leg.ecoe != value {
            leg.ecoe = value;
            self.record(now, EventKind::ParticipantModify, Some(i), None, None);
        }
        value
    }

    /// The REST-visible participant (queued, ringing or connected, conference not completed) by
    /// call SID, or by label when `labels` is on.
    pub(crate) fn rest_participant(&self, key: &str, labels: bool) -> Result<usize, TwilioError> {
        let path = format!("{}/{key}.json", participants_path(&self.sid));
        if !self.is_open() {
            return Err(TwilioError::not_found(&path));
        }
        self.legs
            .iter()
            .position(|l| {
                l.status.is_live()
                    && (l.call_sid == key || (labels && l.label.as_deref() == Some(key)))
            })
            .ok_or_else(|| TwilioError::not_found(&path))
    }

    /// Whether a REST update (hold, mute, ECOE) may touch the leg: the ringing-leg quirk.
    pub(crate) fn check_updatable(&self, i: usize, settings: &Settings) -> Result<(), TwilioError> {
        let pending = self.legs.get(i).is_some_and(|l| l.status.is_pending());
        if pending && settings.ringing_update_fails {
            return Err(TwilioError::new(
                settings.ringing_update_status,
                settings.ringing_update_code,
                "Invalid call state for this operation: the participant has not joined yet",
            ));
        }
        Ok(())
    }

    /// The earliest pending timer: a queued leg's slot, or a ringing leg's ring timeout.
    pub(crate) fn next_due(&self, settings: &Settings) -> Option<u64> {
        self.legs.iter().filter_map(|l| due(l, settings)).min()
    }

    /// Fires the earliest timer if it is due at `now`; returns whether one fired.
    pub(crate) fn fire_due(&mut self, now: u64, settings: &Settings) -> bool {
        let next = self
            .legs
            .iter()
            .enumerate()
            .filter_map(|(i, l)| due(l, settings).map(|at| (at, i)))
            .min();
        let Some((at, i)) = next.filter(|(at, _)| *at <= now) else {
            return false;
        };
        match self.legs.get(i).map(|l| l.status) {
            Some(LegStatus::Queued) => self.ring(i, at),
            Some(LegStatus::Ringing) => {
                self.drop_leg(i, LegStatus::NoAnswer, "no-answer", at);
                self.end_if_empty(i, false, at);
            }
            _ => return false,
        }
        true
    }
}

fn due(leg: &Leg, settings: &Settings) -> Option<u64> {
    match leg.status {
        LegStatus::Queued => Some(leg.slot_at),
        LegStatus::Ringing => settings
            .ring_timeout_ms
            .zip(leg.ringing_at)
            .map(|(timeout, since)| since.saturating_add(timeout)),
        _ => None,
    }
}

/// `To` syntax Twilio accepts (SPEC §9.6): E.164 (`^\+[1-9]\d{1,14}$`), or `sip:`, `client:`,
/// `app:` with a non-empty remainder.
pub(crate) fn valid_to(to: &str) -> bool {
    for scheme in ["sip:", "client:", "app:"] {
        if let Some(rest) = to.strip_prefix(scheme) {
            return !rest.is_empty();
        }
    }
    let Some(digits) = to.strip_prefix('+') else {
        return false;
    };
    (2..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

/// Twilio's magic test numbers (SPEC §9.5) and the `To` syntax check, in Twilio's order.
pub(crate) fn check_create(to: &str, from: &str, settings: &Settings) -> Result<(), TwilioError> {
    if from == "+15005550001" {
        return Err(TwilioError::new(400, 21212, "Invalid From Number"));
    }
    let magic = match to {
        "+15005550001" => Some((21217, "Phone number does not appear to be valid")),
        "+15005550002" => Some((21214, "'To' phone number cannot be reached")),
        "+15005550003" => Some((21215, "Geo permissions do not allow this call")),
        "+15005550004" => Some((21216, "'To' phone number is blocked")),
        _ => None,
    };
    if let Some((code, message)) = magic {
        return Err(TwilioError::new(400, code, message));
    }
    if !valid_to(to) {
        return Err(TwilioError::new(
            400,
            settings.invalid_to_code,
            "Invalid phone number format",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conf() -> Conference {
        Conference::new("CF1".into(), "WT1".into(), 0)
    }

    fn leg(c: &mut Conference, sid: &str, status: LegStatus, ecoe: bool) -> usize {
        let mut l = Leg::new(
            sid.into(),
            Kind::Unknown,
            status,
            "+14155550101".into(),
            "+15005550006".into(),
            0,
        );
        l.ecoe = ecoe;
        c.push_leg(l, 0)
    }

    #[test]
    fn the_to_check_takes_e164_and_the_three_schemes_only() {
        for ok in [
            "+14155550100",
            "+44",
            "sip:a@b.c",
            "client:bob",
            "app:AP1?x=1",
        ] {
            assert!(valid_to(ok), "{ok}");
        }
        for bad in [
            "",
            "+",
            "+0123",
            "14155550100",
            "+1 415",
            "sip:",
            "client:",
            "+1234567890123456",
            "12ab",
        ] {
            assert!(!valid_to(bad), "{bad}");
        }
    }

    #[test]
    fn the_first_starting_leg_starts_the_conference() {
        let mut c = conf();
        leg(&mut c, "CA1", LegStatus::Connected, false);
        assert_eq!(c.status, ConfStatus::InProgress);
        assert_eq!(
            c.events.last().map(|e| e.event),
            Some(EventKind::ConferenceStart)
        );
    }

    #[test]
    fn a_kicked_ringing_leg_that_was_the_last_ends_the_conference_as_kicked() {
        let mut c = conf();
        let i = leg(&mut c, "CA1", LegStatus::Ringing, false);
        c.kick(i, 5).unwrap();
        assert_eq!(c.legs[i].status, LegStatus::Canceled);
        assert_eq!(c.reason_ended, Some("last-participant-kicked"));
    }

    #[test]
    fn timers_fire_in_time_order() {
        let s = Settings {
            ring_timeout_ms: Some(100),
            ..Settings::default()
        };
        let mut c = conf();
        leg(&mut c, "CA0", LegStatus::Connected, false);
        let i = leg(&mut c, "CA1", LegStatus::Queued, false);
        c.legs[i].slot_at = 50;
        assert_eq!(c.next_due(&s), Some(50));
        assert!(!c.fire_due(49, &s));
        assert!(c.fire_due(1000, &s));
        assert_eq!(c.legs[i].status, LegStatus::Ringing);
        assert_eq!(c.next_due(&s), Some(150));
        assert!(c.fire_due(1000, &s));
        assert_eq!(c.legs[i].status, LegStatus::NoAnswer);
        assert_eq!(c.legs[i].left_at, Some(150));
        assert!(!c.fire_due(1000, &s));
    }
}
