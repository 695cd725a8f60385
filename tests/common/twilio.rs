//! An in-memory Twilio conference with Twilio's real rules (SPEC §9).
//!
//! * The conference is `in-progress` until it ends in one of Twilio's ways (§9.1): the last
//!   participant leaves or is kicked (`last-participant-left` / `last-participant-kicked`), or a
//!   participant whose `endConferenceOnExit` is true leaves or is kicked
//!   (`participant-with-end-conference-on-exit-left` / `…-kicked`). There is **no** "fewer than
//!   two" rule. "Last participant" is checked first, so a lone leg with ECOE=true leaving reports
//!   `last-participant-left` (SPEC §13 scenario 13b). Ringing legs count as participants (the REST
//!   Participants resource lists them); when the conference ends every other leg drops (ringing
//!   ones end `canceled`).
//! * Quirks (§9.4), each a switch in [`Quirks`], all on by default:
//!   - an ECOE update on a **held** leg answers success, echoes the **old** value and changes
//!     nothing;
//!   - any update (hold, mute, ECOE) on a **ringing** leg fails with HTTP 400 and Twilio code
//!     **21220** ("Invalid call state for this operation" — the real code is unverified, SPEC
//!     Appendix A.2; 21220 is Twilio's code for an operation on a call in the wrong state);
//!   - any operation on a departed or unknown leg, or on a conference that is not in progress,
//!     answers **404 / 20404**.
//! * Create (`add-participant`) makes a ringing `unknown` leg with ECOE=false and stores its
//!   label (usable as a key only when [`Twilio::labels`] is on, i.e. the backend has the
//!   project's extensions); malformed `To` → 400/13223; Twilio's magic test numbers (§9.5) fail as documented.
//!   An unanswered leg drops by itself `no-answer` after `ring_timeout_ms` (Twilio's `Timeout`
//!   default 60 s plus its 5 s buffer) unless a test drives it first.

use std::fmt;

/// The conference's status.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub(crate) enum ConfStatus {
    /// Running.
    InProgress,
    /// Ended.
    Completed,
}

/// A leg's kind as Flex shows it.
#[derive(Clone, Debug, Eq, PartialEq)]
pub(crate) enum Kind {
    /// An agent leg.
    Worker {
        /// `WK…`.
        worker_sid: String,
    },
    /// The task's caller.
    Customer,
    /// A REST-added leg.
    Unknown,
    /// A leg added by Flex's native external warm transfer.
    External {
        /// `UT…`.
        participant_sid: String,
    },
}

impl Kind {
    /// Flex's `participantType`.
    pub(crate) fn flex_type(&self) -> &'static str {
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
}

/// Where a leg stands.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub(crate) enum LegState {
    /// Created, not answered.
    Ringing,
    /// In the conference.
    Joined,
    /// Gone (hung up, kicked, unanswered, or dropped when the conference ended).
    Left,
}

/// One participant leg.
#[derive(Clone, Debug)]
pub(crate) struct Leg {
    /// `CA` + 32 hex.
    pub(crate) call_sid: String,
    /// Kind as Flex shows it.
    pub(crate) kind: Kind,
    /// State.
    pub(crate) state: LegState,
    /// The Call resource's status (`ringing`, `in-progress`, `completed`, `no-answer`, …).
    pub(crate) call_status: &'static str,
    /// Held.
    pub(crate) hold: bool,
    /// Muted.
    pub(crate) muted: bool,
    /// `endConferenceOnExit`.
    pub(crate) ecoe: bool,
    /// `label` the create request carried (addressable only when [`Twilio::labels`] is on).
    pub(crate) label: Option<String>,
    /// `To`.
    pub(crate) to: String,
    /// `From`.
    pub(crate) from: String,
    /// When it joined, if it ever did.
    pub(crate) joined_at: Option<u64>,
    /// When it left.
    pub(crate) left_at: Option<u64>,
    /// It joined while no worker was live (no reconciler could have written it).
    pub(crate) joined_without_agent: bool,
    /// `endConferenceOnExit` as the leg's last conference event (join, hold, mute, leave)
    /// carried it: what Flex's `mediaProperties.endConferenceOnExit` shows. A REST ECOE update
    /// emits no event here (whether it does is [U], SPEC §3.3), so this may be stale.
    pub(crate) event_ecoe: bool,
}

impl Leg {
    /// Joined right now.
    pub(crate) fn is_joined(&self) -> bool {
        self.state == LegState::Joined
    }

    /// A worker leg.
    pub(crate) fn is_worker(&self) -> bool {
        matches!(self.kind, Kind::Worker { .. })
    }

    /// The REST participant status.
    fn rest_status(&self) -> &'static str {
        match self.state {
            LegState::Ringing => "ringing",
            LegState::Joined => "connected",
            LegState::Left => "complete",
        }
    }
}

/// Twilio quirks (SPEC §9.4), on by default.
#[derive(Clone, Debug)]
pub(crate) struct Quirks {
    /// An ECOE update on a held leg answers success but changes nothing.
    pub(crate) held_ecoe_ignored: bool,
    /// …and its response echoes the old value (else the requested one).
    pub(crate) held_ecoe_echoes_old: bool,
    /// Updates on a ringing leg fail.
    pub(crate) ringing_update_fails: bool,
    /// HTTP status of that failure.
    pub(crate) ringing_update_status: u16,
    /// Twilio code of that failure.
    pub(crate) ringing_update_code: u32,
}

impl Default for Quirks {
    fn default() -> Self {
        Self {
            held_ecoe_ignored: true,
            held_ecoe_echoes_old: true,
            ringing_update_fails: true,
            ringing_update_status: 400,
            ringing_update_code: 21220,
        }
    }
}

/// A Twilio REST error.
#[derive(Clone, Debug, Eq, PartialEq)]
pub(crate) struct TwilioError {
    /// HTTP status.
    pub(crate) status: u16,
    /// Twilio code.
    pub(crate) code: u32,
    /// Message.
    pub(crate) message: String,
}

impl TwilioError {
    pub(crate) fn new(status: u16, code: u32, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    fn not_found(what: &str) -> Self {
        Self::new(
            404,
            20404,
            format!("The requested resource {what} was not found"),
        )
    }
}

impl fmt::Display for TwilioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.status, self.code, self.message)
    }
}

/// Something that happened in the model, for assertions.
#[derive(Clone, Debug, Eq, PartialEq)]
pub(crate) enum Change {
    /// A leg was created ringing.
    Created,
    /// A leg joined.
    Joined,
    /// A leg left; the Call's final status.
    Left(&'static str),
    /// Hold set.
    Hold(bool),
    /// Mute set.
    Muted(bool),
    /// ECOE set (old → new).
    Ecoe(bool, bool),
    /// An ECOE update was accepted but ignored (held leg quirk).
    EcoeIgnored(bool),
    /// The conference ended.
    Ended(&'static str),
}

/// A timestamped [`Change`].
#[derive(Clone, Debug)]
pub(crate) struct ModelEvent {
    /// When.
    pub(crate) at: u64,
    /// Which leg (the ending call for `Ended`).
    pub(crate) call_sid: String,
    /// What.
    pub(crate) change: Change,
}

/// The conference.
#[derive(Debug)]
pub(crate) struct Twilio {
    /// `CF…`.
    pub(crate) conference_sid: String,
    /// FriendlyName (the first task's SID).
    pub(crate) friendly_name: String,
    /// Status.
    pub(crate) status: ConfStatus,
    /// `reason_conference_ended`.
    pub(crate) reason_ended: Option<&'static str>,
    /// `call_sid_ending_conference`.
    pub(crate) ended_by: Option<String>,
    /// Every leg ever created, in order.
    pub(crate) legs: Vec<Leg>,
    /// Quirk switches.
    pub(crate) quirks: Quirks,
    /// Everything that happened.
    pub(crate) history: Vec<ModelEvent>,
    /// Bumped whenever the roster (legs' states and holds) changes.
    pub(crate) epoch: u64,
    /// How long a created leg rings before Twilio gives up (`no-answer`).
    pub(crate) ring_timeout_ms: u64,
    /// Participants can be addressed by `label`. Off when the backend lacks the project's
    /// extensions: the reference `add-participant` never passes `Label` to Twilio (SPEC §8.2), so
    /// [`Leg::label`] then only records what the request carried.
    pub(crate) labels: bool,
    next_sid: u64,
    dirty: bool,
}

/// A Twilio-format SID: prefix + 32 hex digits.
pub(crate) fn sid(prefix: &str, n: u64) -> String {
    format!("{prefix}{n:032x}")
}

impl Twilio {
    /// An in-progress conference without legs.
    pub(crate) fn new(conference_sid: String, friendly_name: String) -> Self {
        Self {
            conference_sid,
            friendly_name,
            status: ConfStatus::InProgress,
            reason_ended: None,
            ended_by: None,
            legs: Vec::new(),
            quirks: Quirks::default(),
            history: Vec::new(),
            epoch: 0,
            ring_timeout_ms: 65_000,
            labels: true,
            next_sid: 0x1000,
            dirty: true,
        }
    }

    /// Whether something changed since the last call (Flex must be told).
    pub(crate) fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    fn record(&mut self, at: u64, call_sid: &str, change: Change) {
        if !matches!(
            change,
            Change::Ecoe(..) | Change::EcoeIgnored(_) | Change::Muted(_)
        ) {
            self.epoch += 1;
        }
        if matches!(
            change,
            Change::Joined | Change::Left(_) | Change::Hold(_) | Change::Muted(_)
        ) {
            if let Some(leg) = self.find_mut(call_sid) {
                leg.event_ecoe = leg.ecoe;
            }
        }
        self.dirty = true;
        self.history.push(ModelEvent {
            at,
            call_sid: call_sid.to_owned(),
            change,
        });
    }

    /// A fresh call SID.
    pub(crate) fn fresh_call_sid(&mut self) -> String {
        self.next_sid += 1;
        sid("CA", self.next_sid)
    }

    /// A fresh SID with another prefix.
    pub(crate) fn fresh_sid(&mut self, prefix: &str) -> String {
        self.next_sid += 1;
        sid(prefix, self.next_sid)
    }

    /// Adds a leg directly (test setup: the legs Flex created, or a state to start from).
    pub(crate) fn add_joined(
        &mut self,
        kind: Kind,
        ecoe: bool,
        to: &str,
        from: &str,
        now: u64,
    ) -> String {
        let call_sid = self.fresh_call_sid();
        let without_agent = !matches!(kind, Kind::Worker { .. })
            && !self.legs.iter().any(|l| l.is_joined() && l.is_worker());
        self.legs.push(Leg {
            call_sid: call_sid.clone(),
            kind,
            state: LegState::Joined,
            call_status: "in-progress",
            hold: false,
            muted: false,
            ecoe,
            label: None,
            to: to.to_owned(),
            from: from.to_owned(),
            joined_at: Some(now),
            left_at: None,
            joined_without_agent: without_agent,
            event_ecoe: ecoe,
        });
        self.record(now, &call_sid, Change::Joined);
        call_sid
    }

    /// Any leg ever created, by call SID.
    pub(crate) fn find(&self, call_sid: &str) -> Option<&Leg> {
        self.legs.iter().find(|l| l.call_sid == call_sid)
    }

    fn find_mut(&mut self, call_sid: &str) -> Option<&mut Leg> {
        self.legs.iter_mut().find(|l| l.call_sid == call_sid)
    }

    /// The REST-visible participant (ringing or joined, conference in progress) by call SID or
    /// label.
    fn participant_index(&self, key: &str) -> Result<usize, TwilioError> {
        if self.status != ConfStatus::InProgress {
            return Err(TwilioError::not_found("Conference"));
        }
        self.legs
            .iter()
            .position(|l| {
                l.state != LegState::Left
                    && (l.call_sid == key || (self.labels && l.label.as_deref() == Some(key)))
            })
            .ok_or_else(|| TwilioError::not_found("Participant"))
    }

    /// Fetch Participant.
    pub(crate) fn participant(&self, key: &str) -> Result<&Leg, TwilioError> {
        self.participant_index(key).map(|i| &self.legs[i])
    }

    /// Whether a conference SID or FriendlyName names this conference.
    pub(crate) fn names_me(&self, key: &str) -> bool {
        key == self.conference_sid || key == self.friendly_name
    }

    /// Create Participant (`EarlyMedia=true`, `EndConferenceOnExit=false`).
    pub(crate) fn create(
        &mut self,
        to: &str,
        from: &str,
        label: Option<&str>,
        now: u64,
    ) -> Result<&Leg, TwilioError> {
        if self.status != ConfStatus::InProgress {
            return Err(TwilioError::not_found("Conference"));
        }
        if from == "+15005550001" {
            return Err(TwilioError::new(400, 21212, "Invalid From Number"));
        }
        match to {
            "+15005550001" => {
                return Err(TwilioError::new(
                    400,
                    21217,
                    "Phone number does not appear to be valid",
                ))
            }
            "+15005550002" => {
                return Err(TwilioError::new(
                    400,
                    21214,
                    "'To' phone number cannot be reached",
                ))
            }
            "+15005550003" => {
                return Err(TwilioError::new(
                    400,
                    21215,
                    "Geo permissions do not allow this call",
                ))
            }
            "+15005550004" => {
                return Err(TwilioError::new(400, 21216, "'To' phone number is blocked"))
            }
            _ => {}
        }
        if !valid_to(to) {
            return Err(TwilioError::new(400, 13223, "Invalid phone number format"));
        }
        if let Some(label) = label.filter(|_| self.labels) {
            if self.participant(label).is_ok() {
                return Err(TwilioError::new(
                    400,
                    16025,
                    "A participant with this label already exists",
                ));
            }
        }
        let call_sid = self.fresh_call_sid();
        self.legs.push(Leg {
            call_sid: call_sid.clone(),
            kind: Kind::Unknown,
            state: LegState::Ringing,
            call_status: "ringing",
            hold: false,
            muted: false,
            ecoe: false,
            label: label.map(str::to_owned),
            to: to.to_owned(),
            from: from.to_owned(),
            joined_at: None,
            left_at: None,
            joined_without_agent: false,
            event_ecoe: false,
        });
        self.record(now, &call_sid, Change::Created);
        Ok(self.legs.last().expect("the leg was just pushed"))
    }

    /// A leg added by Flex's native external warm transfer, ringing.
    pub(crate) fn create_external(&mut self, to: &str, from: &str, now: u64) -> String {
        let call_sid = self.fresh_call_sid();
        let participant_sid = self.fresh_sid("UT");
        self.legs.push(Leg {
            call_sid: call_sid.clone(),
            kind: Kind::External { participant_sid },
            state: LegState::Ringing,
            call_status: "ringing",
            hold: false,
            muted: false,
            ecoe: false,
            label: None,
            to: to.to_owned(),
            from: from.to_owned(),
            joined_at: None,
            left_at: None,
            joined_without_agent: false,
            event_ecoe: false,
        });
        self.record(now, &call_sid, Change::Created);
        call_sid
    }

    fn updatable(&self, key: &str) -> Result<usize, TwilioError> {
        let i = self.participant_index(key)?;
        if self.legs[i].state == LegState::Ringing && self.quirks.ringing_update_fails {
            return Err(TwilioError::new(
                self.quirks.ringing_update_status,
                self.quirks.ringing_update_code,
                "Invalid call state for this operation: the participant has not joined yet",
            ));
        }
        Ok(i)
    }

    /// Update Participant `Hold`.
    pub(crate) fn update_hold(
        &mut self,
        key: &str,
        hold: bool,
        now: u64,
    ) -> Result<&Leg, TwilioError> {
        let i = self.updatable(key)?;
        if self.legs[i].hold != hold {
            self.legs[i].hold = hold;
            let sid = self.legs[i].call_sid.clone();
            self.record(now, &sid, Change::Hold(hold));
        }
        Ok(&self.legs[i])
    }

    /// Update Participant `Muted`.
    pub(crate) fn update_muted(
        &mut self,
        key: &str,
        muted: bool,
        now: u64,
    ) -> Result<&Leg, TwilioError> {
        let i = self.updatable(key)?;
        if self.legs[i].muted != muted {
            self.legs[i].muted = muted;
            let sid = self.legs[i].call_sid.clone();
            self.record(now, &sid, Change::Muted(muted));
        }
        Ok(&self.legs[i])
    }

    /// Update Participant `EndConferenceOnExit`. Returns the leg and the value the response
    /// echoes.
    pub(crate) fn update_ecoe(
        &mut self,
        key: &str,
        value: bool,
        now: u64,
    ) -> Result<(&Leg, bool), TwilioError> {
        let i = self.updatable(key)?;
        let sid = self.legs[i].call_sid.clone();
        let old = self.legs[i].ecoe;
        if self.legs[i].hold && self.quirks.held_ecoe_ignored {
            self.record(now, &sid, Change::EcoeIgnored(value));
            let echo = if self.quirks.held_ecoe_echoes_old {
                old
            } else {
                value
            };
            return Ok((&self.legs[i], echo));
        }
        if old != value {
            self.legs[i].ecoe = value;
            self.record(now, &sid, Change::Ecoe(old, value));
        }
        Ok((&self.legs[i], value))
    }

    /// Sets a leg's flag the way Flex does (no quirk: Flex's own writes at accept time).
    pub(crate) fn set_ecoe_directly(&mut self, call_sid: &str, value: bool, now: u64) {
        let Some(leg) = self.find_mut(call_sid) else {
            panic!("no leg {call_sid} to set ECOE on");
        };
        let old = leg.ecoe;
        leg.ecoe = value;
        self.record(now, call_sid, Change::Ecoe(old, value));
    }

    /// Delete Participant (kick). A ringing leg is canceled.
    pub(crate) fn delete(&mut self, key: &str, now: u64) -> Result<(), TwilioError> {
        let i = self.participant_index(key)?;
        let sid = self.legs[i].call_sid.clone();
        if self.legs[i].state == LegState::Ringing {
            self.drop_leg(i, "canceled", now);
            self.end_if_empty(&sid, true, now);
        } else {
            self.leave(&sid, true, now);
        }
        Ok(())
    }

    /// Fetch Call: any call ever created.
    pub(crate) fn call(&self, call_sid: &str) -> Result<&Leg, TwilioError> {
        self.find(call_sid)
            .ok_or_else(|| TwilioError::not_found("Call"))
    }

    /// A ringing leg answers.
    pub(crate) fn answer(&mut self, call_sid: &str, now: u64) {
        let without_agent = !self.legs.iter().any(|l| l.is_joined() && l.is_worker());
        let Some(leg) = self.find_mut(call_sid) else {
            panic!("no leg {call_sid} to answer");
        };
        if leg.state != LegState::Ringing {
            return;
        }
        leg.state = LegState::Joined;
        leg.call_status = "in-progress";
        leg.joined_at = Some(now);
        leg.joined_without_agent = without_agent;
        self.record(now, call_sid, Change::Joined);
    }

    /// A ringing leg ends unanswered (`no-answer`, `busy`, `failed`).
    pub(crate) fn end_unanswered(&mut self, call_sid: &str, status: &'static str, now: u64) {
        let Some(i) = self.legs.iter().position(|l| l.call_sid == call_sid) else {
            panic!("no leg {call_sid} to end");
        };
        if self.legs[i].state != LegState::Ringing {
            return;
        }
        self.drop_leg(i, status, now);
        self.end_if_empty(call_sid, false, now);
    }

    fn drop_leg(&mut self, i: usize, status: &'static str, now: u64) {
        let leg = &mut self.legs[i];
        leg.state = LegState::Left;
        leg.call_status = status;
        leg.left_at = Some(now);
        let sid = leg.call_sid.clone();
        self.record(now, &sid, Change::Left(status));
    }

    /// A joined leg hangs up (`kicked` false) or is removed (`kicked` true), with Twilio's end
    /// rules.
    pub(crate) fn leave(&mut self, call_sid: &str, kicked: bool, now: u64) {
        let Some(i) = self.legs.iter().position(|l| l.call_sid == call_sid) else {
            panic!("no leg {call_sid} to leave");
        };
        if self.legs[i].state != LegState::Joined {
            return;
        }
        let ecoe = self.legs[i].ecoe;
        self.drop_leg(i, "completed", now);
        if self.end_if_empty(call_sid, kicked, now) {
            return;
        }
        if ecoe {
            let reason = if kicked {
                "participant-with-end-conference-on-exit-kicked"
            } else {
                "participant-with-end-conference-on-exit-left"
            };
            self.end(reason, call_sid, now);
        }
    }

    /// Ends the conference when no participant (joined or ringing) remains.
    fn end_if_empty(&mut self, call_sid: &str, kicked: bool, now: u64) -> bool {
        if self.status != ConfStatus::InProgress
            || self.legs.iter().any(|l| l.state != LegState::Left)
        {
            return false;
        }
        let reason = if kicked {
            "last-participant-kicked"
        } else {
            "last-participant-left"
        };
        self.end(reason, call_sid, now);
        true
    }

    /// Ends the conference: every other leg drops.
    pub(crate) fn end(&mut self, reason: &'static str, by: &str, now: u64) {
        if self.status != ConfStatus::InProgress {
            return;
        }
        self.status = ConfStatus::Completed;
        self.reason_ended = Some(reason);
        self.ended_by = Some(by.to_owned());
        self.record(now, by, Change::Ended(reason));
        for i in 0..self.legs.len() {
            match self.legs[i].state {
                LegState::Joined => self.drop_leg(i, "completed", now),
                LegState::Ringing => self.drop_leg(i, "canceled", now),
                LegState::Left => {}
            }
        }
    }

    /// The participantsResponse of a leg (camelCase, as the template returns it).
    pub(crate) fn participant_json(
        &self,
        leg: &Leg,
        ecoe: bool,
        created: bool,
    ) -> serde_json::Value {
        serde_json::json!({
            "accountSid": "AC00000000000000000000000000000000",
            "callSid": leg.call_sid,
            "label": if self.labels { leg.label.as_deref() } else { None },
            "conferenceSid": self.conference_sid,
            "endConferenceOnExit": ecoe,
            "hold": leg.hold,
            "muted": leg.muted,
            "startConferenceOnEnter": true,
            "status": if created { "queued" } else { leg.rest_status() },
            "coaching": false,
            "callSidToCoach": null,
            "queueTime": if created { serde_json::json!("1000") } else { serde_json::Value::Null },
            "dateCreated": "Tue, 25 Nov 2025 12:00:00 +0000",
            "dateUpdated": "Tue, 25 Nov 2025 12:00:00 +0000",
            "uri": format!(
                "/2010-04-01/Accounts/AC00000000000000000000000000000000/Conferences/{}/Participants/{}.json",
                self.conference_sid, leg.call_sid
            ),
        })
    }

    /// Hold changes of one leg, in order.
    pub(crate) fn holds_of(&self, call_sid: &str) -> Vec<bool> {
        self.history
            .iter()
            .filter(|e| e.call_sid == call_sid)
            .filter_map(|e| match e.change {
                Change::Hold(h) => Some(h),
                _ => None,
            })
            .collect()
    }
}

/// `To` syntax Twilio accepts: E.164, `sip:`, `client:`, `app:`.
fn valid_to(to: &str) -> bool {
    if ["sip:", "client:", "app:"]
        .iter()
        .any(|p| to.starts_with(p))
    {
        return true;
    }
    let Some(digits) = to.strip_prefix('+') else {
        return false;
    };
    (2..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}
