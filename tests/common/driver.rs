//! How the world runs: engine plumbing (commands in, snapshots and API results out, panics
//! caught) and virtual time ([`World::progress`], [`World::settle`], [`World::run_for`]).

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{catch_unwind, AssertUnwindSafe};

use flex_conference::core::{Command, Conference, Config, ErrorCode, TaskSnapshot};
use serde_json::{json, Value};

use super::flex::{self, TaskView};
use super::log;
use super::{
    Agent, Event, Leg, LegState, RequestRecord, Scheduled, World, CALLER_ID, SETTLE_CAP_MS,
    SETTLE_CAP_STEPS, STALL_CAP, T0,
};

impl World {
    // ---------------------------------------------------------------- engine plumbing

    /// The engine config of an agent's browser.
    pub(crate) fn engine_config(&self, agent: Agent) -> Value {
        let mut cfg = json!({
            "enabled": true,
            "default_caller_id": CALLER_ID,
            "worker_sid": agent.worker_sid(),
            "extensions": self.setup.extensions,
            "hold_workaround": self.setup.hold_workaround,
            "external_warm_transfers": self.setup.xwt,
            "hold_url": "https://example.com/hold.xml",
        });
        if let (Some(base), Some(extra)) = (cfg.as_object_mut(), self.setup.config.as_object()) {
            for (k, v) in extra {
                base.insert(k.clone(), v.clone());
            }
        }
        cfg
    }

    /// Loads the plugin in an agent's browser: a fresh engine, fed the current snapshot.
    pub(crate) fn attach(&mut self, agent: Agent) {
        let cfg = self.engine_config(agent);
        let config = Config::from_json(&cfg)
            .unwrap_or_else(|e| panic!("engine config {cfg} must parse: {e}"));
        let state = &mut self.agents[agent.index()];
        state.engine = Some(Conference::new(config, self.now));
        state.generation += 1;
        state.hangup_pending = false;
        let snapshot = self.snapshot_json(agent);
        self.deliver_snapshot(agent, &snapshot);
        self.pump();
    }

    /// Calls into an agent's engine, catching panics (recorded; the engine is then dropped).
    pub(super) fn engine_call<R>(
        &mut self,
        agent: Agent,
        f: impl FnOnce(&mut Conference) -> R,
    ) -> Option<R> {
        let now = self.now;
        let engine = self.agents[agent.index()].engine.as_mut()?;
        match catch_unwind(AssertUnwindSafe(|| f(engine))) {
            Ok(r) => Some(r),
            Err(payload) => {
                let msg = payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_else(|| "non-string panic".to_owned());
                self.log
                    .panics
                    .push(format!("{agent:?} at t+{}: {msg}", now - T0));
                self.agents[agent.index()].engine = None;
                None
            }
        }
    }

    /// The Flex task JSON an agent sees now.
    pub(crate) fn snapshot_json(&self, agent: Agent) -> Value {
        let state = &self.agents[agent.index()];
        let left = state
            .call_sid
            .as_deref()
            .and_then(|c| self.twilio.find(c))
            .is_some_and(|l| l.state == LegState::Left);
        let task_sid = agent.task_sid();
        let worker_sid = agent.worker_sid();
        flex::task_json(
            &self.twilio,
            &TaskView {
                task_sid: &task_sid,
                status: if left { "wrapping" } else { "accepted" },
                worker_sid: &worker_sid,
                retype_held_unknown: self.setup.retype_held_unknown,
            },
        )
    }

    fn deliver_snapshot(&mut self, agent: Agent, json: &Value) {
        if self.agents[agent.index()].engine.is_none() {
            return;
        }
        let snap = match TaskSnapshot::from_json(json) {
            Ok(s) => s,
            Err(e) => {
                self.log.engine_errors.push(format!(
                    "{agent:?}: TaskSnapshot::from_json refused Flex's task: {e}"
                ));
                return;
            }
        };
        let live: BTreeSet<String> = json["conference"]["participants"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["status"] == "joined" && p["connecting"] != true)
            .filter_map(|p| p["callSid"].as_str().map(str::to_owned))
            .collect();
        self.agents[agent.index()].seen_live = live;
        let now = self.now;
        if let Some(Err(e)) = self.engine_call(agent, |e| e.handle_snapshot(snap, now)) {
            self.log
                .engine_errors
                .push(format!("{agent:?}: handle_snapshot: {e}"));
        }
    }

    /// Tells every attached browser about the model, now or after the event delay.
    fn publish(&mut self) {
        for agent in [Agent::A, Agent::B] {
            if self.agents[agent.index()].engine.is_none() {
                continue;
            }
            let json = self.snapshot_json(agent);
            if self.setup.event_delay_ms == 0 {
                self.deliver_snapshot(agent, &json);
            } else {
                self.schedule(
                    self.now + self.setup.event_delay_ms,
                    Event::Snapshot(agent, json),
                );
            }
        }
    }

    pub(super) fn schedule(&mut self, at: u64, event: Event) {
        self.seq += 1;
        self.queue.push(Scheduled {
            at,
            seq: self.seq,
            event,
        });
    }

    /// Drains every engine's commands and carries them out, publishing model changes, until
    /// nothing is left.
    pub(super) fn pump(&mut self) {
        for _ in 0..100_000 {
            for agent in [Agent::A, Agent::B] {
                while let Some(Some(cmd)) = self.engine_call(agent, Conference::poll_command) {
                    self.inbox.push_back((agent, cmd));
                }
            }
            if let Some((agent, cmd)) = self.inbox.pop_front() {
                self.execute(agent, cmd);
                continue;
            }
            if self.twilio.take_dirty() {
                self.publish();
                continue;
            }
            let twilio = &self.twilio;
            self.queue.retain(|s| match &s.event {
                Event::RingTimeout(c) => {
                    twilio.find(c).is_some_and(|l| l.state == LegState::Ringing)
                }
                _ => true,
            });
            return;
        }
        panic!(
            "livelock: the engines keep emitting commands at t+{}\n{}",
            self.now - T0,
            self.dump()
        );
    }

    fn execute(&mut self, agent: Agent, cmd: Command) {
        match cmd {
            Command::Api {
                id,
                endpoint,
                params,
            } => {
                let params: BTreeMap<String, String> = params
                    .iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect();
                self.send_request(agent, id, endpoint.name(), params);
            }
            Command::Notify {
                notification,
                context,
                ..
            } => self.log.notifications.push(log::NotificationRecord {
                agent,
                at: self.now,
                id: notification.to_owned(),
                context: context.into(),
            }),
            Command::Flex {
                action, payload, ..
            } => {
                self.invoke(agent, action, payload.into(), true);
            }
            Command::Hangup { allow, reason, .. } => {
                self.log.hangups.push(log::HangupRecord {
                    agent,
                    at: self.now,
                    allow,
                    reason: reason.to_owned(),
                });
                let state = &mut self.agents[agent.index()];
                if std::mem::take(&mut state.hangup_pending) && allow {
                    self.native_hangup(agent);
                }
            }
        }
    }

    pub(super) fn leg_by_key(&self, key: &str) -> Option<&Leg> {
        self.twilio
            .legs
            .iter()
            .find(|l| l.call_sid == key || l.label.as_deref() == Some(key))
    }

    fn send_request(
        &mut self,
        agent: Agent,
        id: u32,
        endpoint: &str,
        params: BTreeMap<String, String>,
    ) {
        let target = params
            .get("participant")
            .or_else(|| params.get("callSid"))
            .cloned();
        let target_state = target
            .as_deref()
            .and_then(|t| self.leg_by_key(t))
            .map(|l| l.state);
        let target_seen_live = target
            .as_deref()
            .and_then(|t| self.leg_by_key(t))
            .is_some_and(|l| self.agents[agent.index()].seen_live.contains(&l.call_sid));
        self.log.requests.push(RequestRecord {
            agent,
            generation: self.agents[agent.index()].generation,
            id,
            endpoint: endpoint.to_owned(),
            params,
            token: self.token.clone(),
            sent_at: self.now,
            answered_at: None,
            status: None,
            committed: false,
            fault: None,
            echoed_ecoe: None,
            target_state_at_send: target_state,
            target_seen_live,
            epoch_at_send: self.twilio.epoch,
            stale: false,
        });
        let idx = self.log.requests.len() - 1;
        self.schedule(self.now + self.setup.latency_ms / 2, Event::Arrive(idx));
    }

    fn process(&mut self, event: Event) {
        match event {
            Event::Arrive(idx) => {
                let before = self.twilio.legs.len();
                let r = &self.log.requests[idx];
                let (endpoint, params, token, sent_at) = (
                    r.endpoint.clone(),
                    r.params.clone(),
                    r.token.clone(),
                    r.sent_at,
                );
                let served = self.backend.serve(
                    &mut self.twilio,
                    &endpoint,
                    &params,
                    token.as_deref(),
                    self.now,
                );
                let r = &mut self.log.requests[idx];
                r.committed = served.committed;
                r.fault = served.fault;
                r.echoed_ecoe = served.echoed_ecoe;
                self.ring_timeouts_from(before);
                let at = (sent_at + self.setup.latency_ms).max(self.now);
                self.schedule(at, Event::Deliver(idx, served.result));
            }
            Event::Deliver(idx, result) => {
                let (agent, id) = (self.log.requests[idx].agent, self.log.requests[idx].id);
                self.log.requests[idx].answered_at = Some(self.now);
                self.log.requests[idx].status = Some(result.status);
                let now = self.now;
                match self.engine_call(agent, |e| e.handle_api_result(id, result, now)) {
                    Some(Err(e)) if e.code == ErrorCode::InvalidResult => {
                        self.log.requests[idx].stale = true
                    }
                    Some(Err(e)) => self
                        .log
                        .engine_errors
                        .push(format!("{agent:?}: handle_api_result: {e}")),
                    Some(Ok(())) => {}
                    None => self.log.requests[idx].stale = true,
                }
            }
            Event::Snapshot(agent, json) => self.deliver_snapshot(agent, &json),
            Event::RingTimeout(call_sid) => {
                let now = self.now;
                self.twilio.end_unanswered(&call_sid, "no-answer", now);
            }
            Event::Script(_, f) => f(self),
        }
    }

    pub(super) fn ring_timeouts_from(&mut self, first: usize) {
        let at = self.now + self.twilio.ring_timeout_ms;
        let ringing: Vec<String> = self.twilio.legs[first..]
            .iter()
            .filter(|l| l.state == LegState::Ringing)
            .map(|l| l.call_sid.clone())
            .collect();
        for call_sid in ringing {
            self.schedule(at, Event::RingTimeout(call_sid));
        }
    }

    // ---------------------------------------------------------------- time

    /// The earliest pending thing: a scheduled event or an engine timer.
    pub(crate) fn next_due(&self) -> Option<u64> {
        let events = self.queue.iter().map(|s| s.at);
        let timers = self
            .agents
            .iter()
            .filter_map(|a| a.engine.as_ref().and_then(Conference::poll_timeout));
        events.chain(timers).min()
    }

    /// Advances to the earliest pending thing and handles everything due then. False when
    /// nothing is pending.
    pub(crate) fn progress(&mut self) -> bool {
        let Some(t) = self.next_due() else {
            return false;
        };
        if t > self.now {
            self.now = t;
            self.stall = 0;
        } else {
            self.stall += 1;
            assert!(
                self.stall < STALL_CAP,
                "livelock: {STALL_CAP} steps at t+{} without the clock moving (an engine timer or \
                 event keeps coming due)\n{}",
                self.now - T0,
                self.dump()
            );
        }
        loop {
            let now = self.now;
            let Some(i) = self
                .queue
                .iter()
                .enumerate()
                .filter(|(_, s)| s.at <= now)
                .min_by_key(|(_, s)| (s.at, s.seq))
                .map(|(i, _)| i)
            else {
                break;
            };
            let s = self.queue.remove(i);
            self.process(s.event);
            self.pump();
        }
        for agent in [Agent::A, Agent::B] {
            let due = self.agents[agent.index()]
                .engine
                .as_ref()
                .and_then(Conference::poll_timeout)
                .is_some_and(|t| t <= self.now);
            if due {
                let now = self.now;
                self.engine_call(agent, |e| e.handle_timeout(now));
                self.pump();
            }
        }
        true
    }

    /// Runs until nothing is pending. Fails (with the logs) if that takes more than 15 virtual
    /// minutes or too many steps: a livelock must fail, not hang.
    pub(crate) fn settle(&mut self) {
        let start = self.now;
        let mut steps = 0;
        while self.progress() {
            steps += 1;
            assert!(
                steps < SETTLE_CAP_STEPS && self.now <= start + SETTLE_CAP_MS,
                "did not settle: {steps} steps, {} virtual ms (an engine keeps retrying or \
                 re-arming a timer)\n{}",
                self.now - start,
                self.dump()
            );
        }
    }

    /// Runs everything due within the next `ms`, then sets the clock to that time.
    pub(crate) fn run_for(&mut self, ms: u64) {
        let target = self.now + ms;
        let mut steps = 0;
        while self.next_due().is_some_and(|t| t <= target) {
            self.progress();
            steps += 1;
            assert!(
                steps < SETTLE_CAP_STEPS,
                "run_for did not finish\n{}",
                self.dump()
            );
        }
        self.now = target;
    }

    /// Runs a closure at virtual time `at` (a scripted actor).
    pub(crate) fn at(&mut self, at: u64, name: &str, f: impl FnOnce(&mut Self) + 'static) {
        self.schedule(at, Event::Script(name.to_owned(), Box::new(f)));
    }
}
