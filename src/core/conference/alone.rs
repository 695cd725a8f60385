//! An agent left alone on the call. In a plain Flex call the customer hanging up ends the
//! conference, and with it the agent's call. The policy can keep the conference open instead:
//! a held party's flag is `false` (C2), and flags flip at dial time (C3). When every other party
//! has gone and nothing is ringing, the agent would sit in an empty conference until they hang
//! up; after `end_alone_after_ms` the engine removes the agent's own leg, so the call ends as
//! Flex would have ended it. A conference that ends by itself never waits that long: Flex shows
//! its end first.

use crate::prelude::*;

use super::{Conference, Purpose};
use crate::api::{ApiFailure, Endpoint, Params};
use crate::core::config::Mode;
use crate::core::notification as note;
use crate::core::snapshot::ParticipantKind;
use crate::core::value::Json;

/// The failed removal of the agent's leg that is shown (once).
const SHOWN_AFTER: u32 = 3;

impl Conference {
    /// This agent's call SID when it is alone on a call another party has left, with nothing
    /// ringing and nothing of this engine in progress that could bring someone back.
    pub(super) fn left_alone(&self) -> Option<String> {
        if self.mode() == Mode::Disabled
            || self.config.end_alone_after_ms == 0
            || self.guard.is_some()
            || self.leaving_until.is_some()
            || self.pending_adds() > 0
        {
            return None;
        }
        self.conference_sid()?;
        let snap = self.snap.as_ref()?;
        let me = snap.me()?;
        let live = snap.live();
        let ringing = snap
            .participants
            .iter()
            .any(|p| p.connecting && p.status_is_joinable());
        let a_party_left = snap
            .participants
            .iter()
            .any(|p| p.kind != ParticipantKind::Worker && !p.is_live() && !p.connecting);
        (live.len() == 1 && !ringing && a_party_left).then(|| me.call_sid.clone())?
    }

    /// When the agent's time alone runs out (again, after a failed removal).
    pub(super) fn alone_deadline(&self) -> Option<u64> {
        self.alone_since
            .map(|t| t.saturating_add(self.config.end_alone_after_ms))
    }

    /// Starts, stops or acts on the time alone.
    pub(super) fn drive_alone(&mut self) {
        if self.alone_ended {
            return;
        }
        let Some(me) = self.left_alone() else {
            self.alone_since = None;
            return;
        };
        self.alone_since.get_or_insert(self.now);
        if self.alone_deadline().is_some_and(|t| self.now < t) {
            return;
        }
        let Some(conference) = self.conference_sid().map(str::to_owned) else {
            return;
        };
        self.alone_ended = true;
        self.alone_since = None;
        self.send(
            Endpoint::RemoveParticipant,
            Params::leg(&conference, &me),
            Purpose::EndAlone,
        );
    }

    /// The removal settled. On success Flex shows the call ending. After a failure the rule runs
    /// again, `end_alone_after_ms` later, for as long as the agent stays alone: the third
    /// failure is shown (the agent can always hang up), an expired login stops it.
    pub(super) fn on_end_alone(&mut self, outcome: Result<Json, ApiFailure>) {
        let Err(failure) = outcome else {
            return;
        };
        if failure.is_not_found() {
            return;
        }
        self.alone_attempts = self.alone_attempts.saturating_add(1);
        let auth = matches!(failure, ApiFailure::Auth { .. });
        if auth || self.alone_attempts == SHOWN_AFTER {
            self.notify_failure(note::REMOVE_FAILED, &failure, &[]);
        }
        if !auth {
            self.alone_ended = false;
        }
    }
}
