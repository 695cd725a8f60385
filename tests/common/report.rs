//! Inspection: legs, views, logs, final-state assertions, invariants and a readable dump.

use std::fmt::Write as _;

use flex_conference::core::{Conference, ConferenceView};

use super::invariants;
use super::{Agent, ConfStatus, Leg, LegState, RequestRecord, World, T0, X_NUMBER, Y_NUMBER};

impl World {
    // ---------------------------------------------------------------- inspection

    /// A leg by call SID (panics if none).
    pub(crate) fn leg(&self, call_sid: &str) -> &Leg {
        self.twilio
            .find(call_sid)
            .unwrap_or_else(|| panic!("no leg {call_sid}\n{}", self.dump()))
    }

    /// Every leg dialed to `to`.
    pub(crate) fn legs_to(&self, to: &str) -> Vec<&Leg> {
        self.twilio.legs.iter().filter(|l| l.to == to).collect()
    }

    /// The one leg dialed to `to` (panics unless exactly one).
    pub(crate) fn leg_to(&self, to: &str) -> &Leg {
        let legs = self.legs_to(to);
        assert_eq!(
            legs.len(),
            1,
            "expected exactly one leg to {to}\n{}",
            self.dump()
        );
        legs[0]
    }

    /// An agent's leg.
    pub(crate) fn agent_leg(&self, agent: Agent) -> String {
        self.agents[agent.index()]
            .call_sid
            .clone()
            .unwrap_or_else(|| panic!("{agent:?} has no leg"))
    }

    /// What an agent's UI shows.
    pub(crate) fn view(&self, agent: Agent) -> ConferenceView {
        self.agents[agent.index()]
            .engine
            .as_ref()
            .map(Conference::view)
            .unwrap_or_else(|| panic!("{agent:?} has no engine"))
    }

    /// Notification ids one agent's browser showed.
    pub(crate) fn notifications_of(&self, agent: Agent) -> Vec<&str> {
        self.log
            .notifications
            .iter()
            .filter(|n| n.agent == agent)
            .map(|n| n.id.as_str())
            .collect()
    }

    /// Requests one agent's browser sent.
    pub(crate) fn requests_of(&self, agent: Agent) -> Vec<&RequestRecord> {
        self.log
            .requests
            .iter()
            .filter(|r| r.agent == agent)
            .collect()
    }

    /// Asserts the conference is in progress with exactly these joined legs and flags, nobody
    /// held unless listed in `held`.
    pub(crate) fn assert_final(&self, joined: &[(&str, bool)], held: &[&str]) {
        assert_eq!(
            self.twilio.status,
            ConfStatus::InProgress,
            "the conference must still be in progress\n{}",
            self.dump()
        );
        let mut want: Vec<(String, bool, bool)> = joined
            .iter()
            .map(|(c, e)| ((*c).to_owned(), *e, held.contains(c)))
            .collect();
        let mut got: Vec<(String, bool, bool)> = self
            .twilio
            .legs
            .iter()
            .filter(|l| l.is_joined())
            .map(|l| (l.call_sid.clone(), l.ecoe, l.hold))
            .collect();
        want.sort();
        got.sort();
        assert_eq!(
            got,
            want,
            "joined legs as (callSid, ECOE, held)\n{}",
            self.dump()
        );
    }

    /// Asserts the conference ended for this reason, ended by this call, every leg gone.
    pub(crate) fn assert_ended(&self, reason: &str, by: &str) {
        assert_eq!(
            self.twilio.status,
            ConfStatus::Completed,
            "the conference must have ended\n{}",
            self.dump()
        );
        assert_eq!(
            self.twilio.reason_ended,
            Some(reason),
            "reason_conference_ended\n{}",
            self.dump()
        );
        assert_eq!(
            self.twilio.ended_by.as_deref(),
            Some(by),
            "call_sid_ending_conference\n{}",
            self.dump()
        );
        assert!(
            self.twilio.legs.iter().all(|l| l.state == LegState::Left),
            "every other leg drops when the conference ends\n{}",
            self.dump()
        );
    }

    /// Checks DESIGN §6 (see [`invariants`]); panics listing every violation.
    pub(crate) fn check_invariants(&self) {
        let v = invariants::violations(self);
        assert!(
            v.is_empty(),
            "invariants violated:\n  - {}\n{}",
            v.join("\n  - "),
            self.dump()
        );
    }

    /// Names a leg for humans: A, B, C, or its `To`.
    pub(crate) fn name(&self, call_sid: &str) -> String {
        if call_sid == self.customer {
            return "C".to_owned();
        }
        for a in &self.agents {
            if a.call_sid.as_deref() == Some(call_sid) {
                return format!("{:?}", a.agent);
            }
        }
        match self.leg_by_key(call_sid) {
            Some(l) if l.to == X_NUMBER => "X".to_owned(),
            Some(l) if l.to == Y_NUMBER => "Y".to_owned(),
            Some(l) => l.to.clone(),
            None => call_sid.to_owned(),
        }
    }

    /// Everything that happened, for failure messages.
    pub(crate) fn dump(&self) -> String {
        let mut s = String::new();
        let t = |at: u64| at.saturating_sub(T0);
        let _ = writeln!(
            s,
            "--- conference {:?} reason {:?} by {:?}",
            self.twilio.status,
            self.twilio.reason_ended,
            self.twilio.ended_by.as_deref().map(|c| self.name(c))
        );
        for l in &self.twilio.legs {
            let _ = writeln!(
                s,
                "    leg {} ({}) {:?} call={} hold={} ecoe={} label={:?}",
                self.name(&l.call_sid),
                l.kind.flex_type(),
                l.state,
                l.call_status,
                l.hold,
                l.ecoe,
                l.label
            );
        }
        let _ = writeln!(s, "--- requests");
        for r in &self.log.requests {
            let params: Vec<String> = r
                .params
                .iter()
                .map(|(k, v)| {
                    if k == "participant" || k == "callSid" {
                        format!("{k}={}", self.name(v))
                    } else {
                        format!("{k}={v}")
                    }
                })
                .collect();
            let _ = writeln!(
                s,
                "    t+{:>6} {:?}{}#{} {} {} -> {:?}{}{}",
                t(r.sent_at),
                r.agent,
                "'".repeat(r.generation.saturating_sub(1) as usize),
                r.id,
                r.endpoint,
                params.join(" "),
                r.status,
                r.fault
                    .as_ref()
                    .map_or(String::new(), |f| format!(" fault={f:?}")),
                if r.stale { " (stale)" } else { "" }
            );
        }
        let _ = writeln!(s, "--- notifications");
        for n in &self.log.notifications {
            let _ = writeln!(
                s,
                "    t+{:>6} {:?} {} {}",
                t(n.at),
                n.agent,
                n.id,
                n.context
            );
        }
        let _ = writeln!(s, "--- flex actions");
        for a in &self.log.actions {
            let _ = writeln!(
                s,
                "    t+{:>6} {:?} {} {} engine={} abort={:?} native={:?}",
                t(a.at),
                a.agent,
                a.action,
                a.payload,
                a.from_engine,
                a.outcome.as_ref().map(|o| o.abort_native),
                a.native
            );
        }
        let _ = writeln!(s, "--- hangup answers");
        for h in &self.log.hangups {
            let _ = writeln!(
                s,
                "    t+{:>6} {:?} allow={} {}",
                t(h.at),
                h.agent,
                h.allow,
                h.reason
            );
        }
        let _ = writeln!(s, "--- model history");
        for e in &self.twilio.history {
            let _ = writeln!(
                s,
                "    t+{:>6} {} {:?}",
                t(e.at),
                self.name(&e.call_sid),
                e.change
            );
        }
        for p in &self.log.panics {
            let _ = writeln!(s, "--- PANIC {p}");
        }
        for e in &self.log.engine_errors {
            let _ = writeln!(s, "--- ENGINE ERROR {e}");
        }
        s
    }
}
