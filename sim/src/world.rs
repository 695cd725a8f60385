//! Everything the sim holds: conferences, settings, tokens, faults, the request log, the SID
//! generator and the 1-CPS create queue.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::endpoint::Endpoint;
use crate::faults::{Fault, FaultKind};
use crate::model::Conference;
use crate::serverless::RequestRecord;
use crate::settings::Settings;
use crate::sid::SidGen;

/// The token the validator accepts when no `--token` is given.
pub(crate) const DEFAULT_TOKEN: &str = "sim-token";

/// What the token validator says about a token.
#[derive(Clone, Copy, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum TokenState {
    /// Accepted.
    Valid,
    /// Refused: expired.
    Expired,
    /// Refused: invalid.
    Invalid,
}

/// The whole state behind one sim.
#[derive(Debug)]
pub(crate) struct World {
    /// Every conference ever created, in creation order.
    pub(crate) conferences: Vec<Conference>,
    /// Switches.
    pub(crate) settings: Settings,
    /// Known tokens; any other token is invalid.
    pub(crate) tokens: BTreeMap<String, TokenState>,
    /// Injected faults, first match wins.
    pub(crate) faults: Vec<Fault>,
    /// Every serverless request received.
    pub(crate) requests: Vec<RequestRecord>,
    /// Bumped once per conference that changed in an operation (see [`Self::settle_versions`]).
    pub(crate) change: u64,
    startup_tokens: BTreeMap<String, TokenState>,
    sids: SidGen,
    last_slot: Option<u64>,
    next_fault_id: u64,
}

impl World {
    /// A world with these valid tokens (`sim-token` when none).
    pub(crate) fn new(seed: u64, tokens: &[String]) -> Self {
        let startup_tokens: BTreeMap<String, TokenState> = if tokens.is_empty() {
            [(DEFAULT_TOKEN.to_owned(), TokenState::Valid)].into()
        } else {
            tokens
                .iter()
                .map(|t| (t.clone(), TokenState::Valid))
                .collect()
        };
        Self {
            conferences: Vec::new(),
            settings: Settings::default(),
            tokens: startup_tokens.clone(),
            faults: Vec::new(),
            requests: Vec::new(),
            change: 0,
            startup_tokens,
            sids: SidGen::new(seed),
            last_slot: None,
            next_fault_id: 1,
        }
    }

    /// Faults cleared; settings and tokens back to the startup defaults. Conferences and the
    /// request log are kept.
    pub(crate) fn reset(&mut self) {
        self.faults.clear();
        self.set_settings(Settings::default());
        self.tokens = self.startup_tokens.clone();
    }

    /// Replaces the settings. Turning `retypeHeldUnknown` changes what Flex shows without a
    /// conference event, so it gives every conference a new version (waking long polls and
    /// event streams).
    pub(crate) fn set_settings(&mut self, settings: Settings) {
        let retyped = settings.retype_held_unknown != self.settings.retype_held_unknown;
        self.settings = settings;
        if retyped {
            for c in &mut self.conferences {
                self.change += 1;
                c.version = self.change;
            }
        }
    }

    /// A fresh SID.
    pub(crate) fn fresh_sid(&mut self, prefix: &str) -> String {
        self.sids.next(prefix)
    }

    /// Fires every timer due at `now` (queued legs reaching their slot, ring timeouts), in time
    /// order across conferences.
    pub(crate) fn advance(&mut self, now: u64) {
        loop {
            let settings = &self.settings;
            let next = self
                .conferences
                .iter()
                .enumerate()
                .filter_map(|(i, c)| c.next_due(settings).map(|at| (at, i)))
                .min();
            let Some((at, i)) = next.filter(|(at, _)| *at <= now) else {
                return;
            };
            let fired = match self.conferences.get_mut(i) {
                Some(c) => c.fire_due(at, &self.settings),
                None => false,
            };
            if !fired {
                return;
            }
        }
    }

    /// The earliest pending timer of any conference.
    pub(crate) fn next_due(&self) -> Option<u64> {
        self.conferences
            .iter()
            .filter_map(|c| c.next_due(&self.settings))
            .min()
    }

    /// Gives every conference with new events a new version; returns the change counter.
    pub(crate) fn settle_versions(&mut self) -> u64 {
        for c in &mut self.conferences {
            if c.events.len() != c.versioned_events {
                c.versioned_events = c.events.len();
                self.change += 1;
                c.version = self.change;
            }
        }
        self.change
    }

    /// A conference by SID, or else the most recent one with that friendly name.
    pub(crate) fn conference_index(&self, key: &str) -> Option<usize> {
        self.conferences
            .iter()
            .position(|c| c.sid == key)
            .or_else(|| {
                self.conferences
                    .iter()
                    .rposition(|c| c.friendly_name == key)
            })
    }

    /// A conference by SID only.
    pub(crate) fn conference_by_sid(&self, sid: &str) -> Option<usize> {
        self.conferences.iter().position(|c| c.sid == sid)
    }

    /// Whether two participant keys (call SIDs or labels) name the same leg. Beyond equal keys, a
    /// label resolves as Twilio resolves it: among the live legs of the conference the request
    /// names (`conference`), and only with the project's extensions.
    pub(crate) fn same_leg(&self, a: &str, b: &str, conference: Option<&str>) -> bool {
        if a == b {
            return true;
        }
        let Some(c) = conference
            .filter(|_| self.settings.extensions)
            .and_then(|key| self.conference_index(key))
            .and_then(|ci| self.conferences.get(ci))
        else {
            return false;
        };
        match (c.rest_participant(a, true), c.rest_participant(b, true)) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
    }

    /// Whether two conference keys (SIDs or friendly names) name the same conference.
    pub(crate) fn same_conference(&self, a: &str, b: &str) -> bool {
        a == b
            || self
                .conference_index(a)
                .is_some_and(|i| self.conference_index(b) == Some(i))
    }

    /// A new conference in `init`.
    pub(crate) fn create_conference(&mut self, friendly_name: &str, now: u64) -> usize {
        let sid = self.fresh_sid("CF");
        self.conferences
            .push(Conference::new(sid, friendly_name.to_owned(), now));
        self.conferences.len() - 1
    }

    /// Any leg ever created, by call SID: (conference, leg).
    pub(crate) fn find_leg(&self, call_sid: &str) -> Option<(usize, usize)> {
        self.conferences
            .iter()
            .enumerate()
            .find_map(|(ci, c)| c.index(call_sid).map(|li| (ci, li)))
    }

    /// The 1-CPS slot of a create made at `now`: `createIntervalMs` after the previous create's
    /// slot, or now.
    pub(crate) fn take_slot(&mut self, now: u64) -> u64 {
        let slot = self.last_slot.map_or(now, |last| {
            now.max(last.saturating_add(self.settings.create_interval_ms))
        });
        self.last_slot = Some(slot);
        slot
    }

    /// Adds a fault; returns its id.
    pub(crate) fn add_fault(&mut self, spec: crate::faults::FaultSpec) -> Result<u64, String> {
        let id = self.next_fault_id;
        let fault = Fault::from_spec(id, spec)?;
        self.next_fault_id += 1;
        self.faults.push(fault);
        Ok(id)
    }

    /// The first fault hitting this request, counted down. On a server-side retry only faults
    /// of the Twilio call itself (HTTP errors, commit-then-fail) apply.
    pub(crate) fn take_fault(
        &mut self,
        endpoint: Endpoint,
        params: &BTreeMap<String, String>,
        retry: bool,
    ) -> Option<(FaultKind, u64)> {
        let conference = params.get("conference").map(String::as_str);
        let i = self.faults.iter().position(|f| {
            (!retry || matches!(f.kind, FaultKind::Http(_) | FaultKind::CommitThenFail(_)))
                && f.matches(
                    endpoint,
                    params,
                    |a, b| self.same_conference(a, b),
                    |a, b| self.same_leg(a, b, conference),
                )
        })?;
        let fault = self.faults.get_mut(i)?;
        fault.remaining = fault.remaining.saturating_sub(1);
        Some((fault.kind.clone(), fault.spec.latency_ms.unwrap_or(0)))
    }
}
