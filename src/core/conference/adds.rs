//! Adding a participant (C3, R1, R3): the create with an idempotency label, the label lookup after
//! an ambiguous failure, status polling with back-off and a lifetime cap, cancel, and the end of
//! tracking once the leg joins or ends.

use crate::prelude::*;

use super::{Conference, Purpose};
use crate::api::{ApiFailure, CallProperties, CallStatus, Endpoint, Params, ParticipantInfo};
use crate::core::command::object;
use crate::core::config::{Config, Mode};
use crate::core::destination::Destination;
use crate::core::error::ErrorCode;
use crate::core::intent::IntentOutcome;
use crate::core::notification as note;
use crate::core::snapshot::TaskSnapshot;
use crate::core::text::{cat, push_hex, uint};
use crate::core::value::Json;

/// How long after the ring timeout an unanswered leg is still tracked.
const CAP_MARGIN_MS: u64 = 15_000;

/// One add in progress.
#[derive(Clone, Debug)]
pub(super) struct Add {
    pub(super) seq: u32,
    pub(super) label: String,
    pub(super) destination: Destination,
    pub(super) from: String,
    pub(super) phase: AddPhase,
    pub(super) since: u64,
    pub(super) cancel: bool,
}

/// Where an add stands.
#[derive(Clone, Debug, Eq, PartialEq)]
pub(super) enum AddPhase {
    /// `add-participant` in flight.
    Creating,
    /// The create's response was lost; looking the label up.
    LookingUp,
    /// Created and ringing; polled until it answers or ends.
    Ringing {
        call_sid: String,
        next_poll: u64,
        interval: u64,
        polling: bool,
    },
    /// Answered; waiting for the snapshot to show it joined.
    Answered { call_sid: String },
    /// The agent cancelled it; `remove-participant` in flight.
    Cancelling { call_sid: String },
}

impl Add {
    pub(super) fn call_sid(&self) -> Option<&str> {
        match &self.phase {
            AddPhase::Ringing { call_sid, .. }
            | AddPhase::Answered { call_sid }
            | AddPhase::Cancelling { call_sid } => Some(call_sid),
            AddPhase::Creating | AddPhase::LookingUp => None,
        }
    }

    /// When tracking stops at the latest.
    pub(super) fn cap(&self, config: &Config) -> u64 {
        self.since + config.ring_timeout_ms + CAP_MARGIN_MS
    }

    pub(super) fn deadline(&self, config: &Config) -> Option<u64> {
        match &self.phase {
            AddPhase::Ringing {
                next_poll, polling, ..
            } => Some(if *polling {
                self.cap(config)
            } else {
                (*next_poll).min(self.cap(config))
            }),
            AddPhase::Answered { .. }
            | AddPhase::Creating
            | AddPhase::LookingUp
            | AddPhase::Cancelling { .. } => Some(self.cap(config)),
        }
    }

    /// The context of `PS_ConferenceNotAnswered`: what was dialed and how the dial ended.
    fn not_answered(&self, status: &str) -> Json {
        object([
            ("destination", Json::from(self.destination.as_str())),
            ("status", Json::from(status)),
        ])
    }
}

impl Conference {
    /// The add intent.
    pub(super) fn add_participant(
        &mut self,
        destination: &str,
        caller_id: Option<String>,
    ) -> IntentOutcome {
        let refuse = |code, msg: &str| IntentOutcome::refuse(code, msg, false);
        if self.mode() != Mode::Full {
            return refuse(
                ErrorCode::NotAvailable,
                "Adding participants is off (feature disabled or Flex's native external warm transfer is on).",
            );
        }
        let Some(conference) = self.conference_sid().map(str::to_owned) else {
            let over = self.snap.as_ref().is_some_and(TaskSnapshot::is_over);
            return refuse(
                ErrorCode::NoConference,
                if over {
                    "The call is over: there is no one to add a participant to."
                } else {
                    "The call has no conference yet; try again in a moment."
                },
            );
        };
        let destination = match Destination::parse(destination) {
            Ok(d) => d,
            Err(e) => return IntentOutcome::refused(e, false),
        };
        let Some(from) = caller_id.or_else(|| self.config.caller_ids.first().cloned()) else {
            return refuse(
                ErrorCode::NoCallerId,
                "No caller ID to dial from: set the worker's phone attribute or a default \
                 outbound caller ID in Flex's voice settings.",
            );
        };
        if self.adds.iter().any(|a| a.destination == destination) {
            return refuse(
                ErrorCode::InProgress,
                "That number is already being dialed.",
            );
        }
        self.seq += 1;
        let seq = self.seq;
        let mut label = cat(&["fc-", &uint(seq.into()), "-"]);
        push_hex(&mut label, self.rng.next_u64() >> 16, 12);
        self.adds.push(Add {
            seq,
            label,
            destination,
            from,
            phase: AddPhase::Creating,
            since: self.now,
            cancel: false,
        });
        self.create(seq, &conference);
        IntentOutcome::taken_over()
    }

    /// The cancel-dial intent (also reached by kicking a connecting card).
    pub(super) fn cancel_dial(&mut self, key: &str) -> IntentOutcome {
        let Some(conference) = self.conference_sid().map(str::to_owned) else {
            return IntentOutcome::refuse(ErrorCode::NoConference, "The call has ended.", true);
        };
        let Some(add) = self
            .adds
            .iter_mut()
            .find(|a| a.call_sid() == Some(key) || a.label == key)
        else {
            return IntentOutcome::refuse(
                ErrorCode::UnknownParticipant,
                "That leg is no longer dialing.",
                true,
            );
        };
        let seq = add.seq;
        match &add.phase {
            AddPhase::Cancelling { .. } => {
                return IntentOutcome::refuse(ErrorCode::InProgress, "Already cancelling.", true)
            }
            AddPhase::Creating | AddPhase::LookingUp => add.cancel = true,
            AddPhase::Ringing { call_sid, .. } | AddPhase::Answered { call_sid } => {
                let call_sid = call_sid.clone();
                add.cancel = true;
                add.phase = AddPhase::Cancelling {
                    call_sid: call_sid.clone(),
                };
                self.send_remove(seq, &conference, &call_sid);
            }
        }
        IntentOutcome::taken_over()
    }

    /// Dialing and ringing adds: they keep the flags false (C3).
    pub(super) fn pending_adds(&self) -> usize {
        self.adds.len()
    }

    /// Sends due polls and ends tracking at the cap.
    pub(super) fn drive_adds(&mut self) {
        let now = self.now;
        let mut expired = Vec::new();
        let mut polls = Vec::new();
        for add in &self.adds {
            let cap = add.cap(&self.config);
            match &add.phase {
                _ if now >= cap => expired.push(add.seq),
                AddPhase::Ringing {
                    next_poll, polling, ..
                } if !*polling && *next_poll <= now => polls.push(add.seq),
                _ => {}
            }
        }
        for seq in expired {
            let Some(add) = self.take_add(seq) else {
                continue;
            };
            match add.phase {
                AddPhase::Ringing { .. } if !add.cancel => {
                    self.notify(note::NOT_ANSWERED, add.not_answered("timeout"));
                }
                // The driver never answered the create or the lookup: say so, don't hang.
                AddPhase::Creating | AddPhase::LookingUp => {
                    let failure = ApiFailure::Network {
                        message: "No answer from the serverless backend".into(),
                    };
                    let destination = add.destination.as_str();
                    self.notify_failure(
                        note::ADD_OUTCOME_UNKNOWN,
                        &failure,
                        &[("destination", destination)],
                    );
                }
                _ => {}
            }
        }
        for seq in polls {
            self.poll_now(seq);
        }
    }

    /// Ends tracking of legs the snapshot shows joined (or gone).
    pub(super) fn observe_adds(&mut self) {
        let Some(snap) = self.snap.as_ref() else {
            return;
        };
        // A leg the agent is cancelling stays tracked until the remove settles, even if it
        // answered meanwhile: the agent wants it gone.
        while let Some(i) = self.adds.iter().position(|a| {
            !matches!(a.phase, AddPhase::Cancelling { .. })
                && a.call_sid()
                    .and_then(|c| snap.find(c))
                    .is_some_and(|p| !p.connecting)
        }) {
            self.adds.remove(i);
        }
    }

    pub(super) fn on_create_result(&mut self, seq: u32, outcome: Result<Json, ApiFailure>) {
        let Some(conference) = self.conference_sid().map(str::to_owned) else {
            return;
        };
        let Some(add) = self.adds.iter().find(|a| a.seq == seq) else {
            return;
        };
        let (cancel, label) = (add.cancel, add.label.clone());
        let failure = match outcome.and_then(|b| ParticipantInfo::from_body(&b)) {
            Ok(p) => {
                self.record_created_flag(&p);
                self.created(seq, &conference, p.call_sid, cancel, false);
                return;
            }
            Err(f) => f,
        };
        if failure.is_ambiguous() && self.config.extensions {
            self.set_phase(seq, AddPhase::LookingUp);
            self.send(
                Endpoint::GetParticipant,
                Params::leg(&conference, &label),
                Purpose::Lookup { add: seq },
            );
            return;
        }
        let Some(add) = self.take_add(seq) else {
            return;
        };
        let notification = if failure.is_ambiguous() {
            note::ADD_OUTCOME_UNKNOWN
        } else if failure.twilio_code() == Some(13223) {
            note::INVALID_PHONE_NUMBER
        } else {
            note::ADD_FAILED
        };
        self.notify_failure(
            notification,
            &failure,
            &[("destination", add.destination.as_str())],
        );
    }

    pub(super) fn on_lookup_result(&mut self, seq: u32, outcome: Result<Json, ApiFailure>) {
        let Some(conference) = self.conference_sid().map(str::to_owned) else {
            return;
        };
        let Some(add) = self.adds.iter().find(|a| a.seq == seq) else {
            return;
        };
        let cancel = add.cancel;
        match outcome.and_then(|b| ParticipantInfo::from_body(&b)) {
            Ok(p) => {
                let answered = p.status.as_deref() == Some("connected");
                self.record_created_flag(&p);
                self.created(seq, &conference, p.call_sid, cancel, answered);
            }
            // Absent means "never created" *or* "created and already ended" (Twilio hides ended
            // legs): dialing again could ring the same person twice and break "one add, at most
            // one leg". The agent is told and can dial again.
            Err(f) => {
                if let Some(add) = self.take_add(seq) {
                    if !(cancel && f.is_not_found()) {
                        let destination = add.destination.as_str().to_owned();
                        let failure = if f.is_not_found() {
                            ApiFailure::Twilio {
                                status: f.status(),
                                code: f.twilio_code(),
                                message: "The call was not created, or has already ended. Dial \
                                          again if needed."
                                    .into(),
                                doc_page: None,
                            }
                        } else {
                            f
                        };
                        self.notify_failure(
                            note::ADD_OUTCOME_UNKNOWN,
                            &failure,
                            &[("destination", &destination)],
                        );
                    }
                }
            }
        }
    }

    /// Polls a ringing leg now (the hang-up guard wants to know whether it answered).
    pub(super) fn poll_now(&mut self, seq: u32) {
        let Some(add) = self.adds.iter_mut().find(|a| a.seq == seq) else {
            return;
        };
        let AddPhase::Ringing {
            call_sid, polling, ..
        } = &mut add.phase
        else {
            return;
        };
        *polling = true;
        let call_sid = call_sid.clone();
        self.send(
            Endpoint::GetCallProperties,
            Params::new().with("callSid", &call_sid),
            Purpose::Poll { add: seq },
        );
    }

    /// Whether a leg answered (by its status) though the snapshot doesn't show it yet.
    pub(super) fn is_answered_add(&self, call_sid: &str) -> bool {
        self.adds
            .iter()
            .any(|a| matches!(&a.phase, AddPhase::Answered { call_sid: c } if c == call_sid))
    }

    pub(super) fn on_poll_result(&mut self, seq: u32, outcome: Result<Json, ApiFailure>) {
        if let Some(guard) = self.guard.as_mut() {
            if !guard.polled.contains(&seq) {
                guard.polled.push(seq);
            }
        }
        let max = self.config.poll_max_ms;
        let now = self.now;
        let Some(add) = self.adds.iter_mut().find(|a| a.seq == seq) else {
            return;
        };
        let AddPhase::Ringing {
            call_sid,
            next_poll,
            interval,
            polling,
        } = &mut add.phase
        else {
            return;
        };
        *polling = false;
        let backoff = |interval: &mut u64, next_poll: &mut u64| {
            *interval = (*interval + *interval / 2).min(max);
            *next_poll = now + *interval;
        };
        let status = match outcome.and_then(|b| CallProperties::from_body(&b)) {
            Ok(c) => c.status,
            Err(f) if f.is_not_found() => CallStatus::Other("not-found".into()),
            Err(f) => {
                backoff(interval, next_poll);
                if matches!(f, ApiFailure::Auth { .. }) {
                    // Polling goes on (the cap ends it); the agent learns the login expired.
                    self.notify_failure(note::AUTH_EXPIRED, &f, &[]);
                }
                return;
            }
        };
        match status {
            s if s.is_pending() => backoff(interval, next_poll),
            CallStatus::InProgress => {
                add.phase = AddPhase::Answered {
                    call_sid: call_sid.clone(),
                };
            }
            CallStatus::Completed => {
                self.take_add(seq);
            }
            other => {
                if let Some(add) = self.take_add(seq) {
                    if !add.cancel {
                        self.notify(note::NOT_ANSWERED, add.not_answered(other.as_str()));
                    }
                }
            }
        }
    }

    pub(super) fn on_cancel_result(&mut self, seq: u32, outcome: Result<Json, ApiFailure>) {
        match outcome {
            Err(f) if !f.is_not_found() => {
                let interval = self.config.poll_initial_ms;
                let now = self.now;
                let Some(add) = self.adds.iter_mut().find(|a| a.seq == seq) else {
                    return;
                };
                let destination = add.destination.as_str().to_owned();
                add.cancel = false;
                if let AddPhase::Cancelling { call_sid } = &add.phase {
                    add.phase = AddPhase::Ringing {
                        call_sid: call_sid.clone(),
                        next_poll: now,
                        interval,
                        polling: false,
                    };
                }
                self.notify_failure(
                    note::CANCEL_DIAL_FAILED,
                    &f,
                    &[("destination", &destination)],
                );
            }
            _ => {
                if let Some(add) = self.take_add(seq) {
                    if let Some(call_sid) = add.call_sid() {
                        let call_sid = call_sid.to_owned();
                        self.mark_departed(&call_sid);
                    }
                }
            }
        }
    }

    /// The leg exists: track it, or remove it at once if the agent cancelled meanwhile.
    fn created(
        &mut self,
        seq: u32,
        conference: &str,
        call_sid: String,
        cancel: bool,
        answered: bool,
    ) {
        if cancel {
            self.set_phase(
                seq,
                AddPhase::Cancelling {
                    call_sid: call_sid.clone(),
                },
            );
            self.send_remove(seq, conference, &call_sid);
        } else if answered {
            self.set_phase(seq, AddPhase::Answered { call_sid });
        } else {
            let interval = self.config.poll_initial_ms;
            self.set_phase(
                seq,
                AddPhase::Ringing {
                    call_sid,
                    next_poll: self.now + interval,
                    interval,
                    polling: false,
                },
            );
        }
        self.observe_adds();
    }

    /// The backend reported the new leg's flag (the template creates it `false`): no need to
    /// write it again once it joins.
    fn record_created_flag(&mut self, p: &ParticipantInfo) {
        if let Some(flag) = p.end_conference_on_exit {
            self.legs.or_default(p.call_sid.clone()).confirmed = Some(flag);
        }
    }

    fn create(&mut self, seq: u32, conference: &str) {
        let Some(add) = self.adds.iter_mut().find(|a| a.seq == seq) else {
            return;
        };
        add.phase = AddPhase::Creating;
        let params = Params::new()
            .with("taskSid", conference)
            .with("to", add.destination.as_str())
            .with("from", add.from.as_str())
            .with("label", add.label.as_str());
        self.send(
            Endpoint::AddParticipant,
            params,
            Purpose::Create { add: seq },
        );
    }

    fn send_remove(&mut self, seq: u32, conference: &str, call_sid: &str) {
        self.send(
            Endpoint::RemoveParticipant,
            Params::leg(conference, call_sid),
            Purpose::Cancel { add: seq },
        );
    }

    fn set_phase(&mut self, seq: u32, phase: AddPhase) {
        if let Some(add) = self.adds.iter_mut().find(|a| a.seq == seq) {
            add.phase = phase;
        }
    }

    fn take_add(&mut self, seq: u32) -> Option<Add> {
        let i = self.adds.iter().position(|a| a.seq == seq)?;
        Some(self.adds.remove(i))
    }
}
