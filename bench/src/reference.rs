//! **Bench-only baseline — never shipped.** A replay of the REFERENCE conference feature (Twilio
//! Professional Services' flex-project-template, SPEC §4–§8) in one agent's browser, full mode
//! only, so the shootout can compare our engine with it. It copies the reference's behaviour,
//! **defects included** (SPEC §11): the edge-triggered monitor that consumes edges without writing
//! and never retries or verifies (D1, D14), flags that flip only once the new leg answers (D2), the
//! final shrink from the departed agent's browser (D3), the audible, non-atomic hold workaround
//! that awaits actions it aborts itself and targets workers by call SID (D5, D6), the polling
//! hang-up guard (D7), blind browser retries of the create (D9), silent failures (D11) and the
//! 1-request-per-second connecting-leg poll with no cap (D12). Nothing here is a model to follow.
//!
//! Requests that the reference sends with a missing value carry the text `undefined`, as
//! `encodeURIComponent(undefined)` does in the browser.

use std::collections::{HashMap, HashSet, VecDeque};

use serde_json::{json, Value};

use crate::policy::{Out, Outcome, Policy};
use crate::rng::Rng;

/// The reference's configuration, as one agent's browser sees it.
#[derive(Clone, Debug)]
pub struct RefConfig {
    /// The logged-in worker (informational: `isCurrentWorker` in snapshots decides who "me" is).
    pub worker_sid: String,
    /// `features.conference.hold_workaround` (SPEC §7.2).
    pub hold_workaround: bool,
    /// The `from` of added legs (SPEC §2.5, item 3).
    pub default_caller_id: String,
    /// The global `holdUrl` API holds pass along (SPEC §5.4), if any.
    pub hold_url: Option<String>,
}

/// Most browser retries of one request (SPEC §8.5).
const MAX_RETRIES: u32 = 10;
/// The connecting cards' ticker period (SPEC §4.8).
const TICK_MS: u64 = 1000;
/// The hang-up guard's poll period and its cap on waits (SPEC §7.4).
const GUARD_POLL_MS: u64 = 500;
const GUARD_MAX_WAITS: u32 = 10;

/// Outcomes: native Flex runs; the feature took the action over; refused at once.
const NATIVE: Outcome = outcome(true, false);
const TAKEN: Outcome = outcome(true, true);
const REFUSED: Outcome = outcome(false, true);

const fn outcome(accepted: bool, abort_native: bool) -> Outcome {
    Outcome {
        accepted,
        abort_native,
    }
}

/// One conference participant as the reference reads it.
#[derive(Clone, Debug)]
struct Part {
    call_sid: Option<String>,
    ptype: Option<String>,
    worker_sid: Option<String>,
    joined: bool,
    on_hold: bool,
    connecting: bool,
    current: bool,
}

impl Part {
    fn from_json(p: &Value) -> Self {
        let s = |k: &str| p[k].as_str().map(str::to_owned);
        Self {
            call_sid: s("callSid").filter(|c| !c.is_empty()),
            ptype: s("participantType"),
            worker_sid: s("workerSid"),
            joined: p["status"] == "joined",
            on_hold: p["onHold"] == true,
            connecting: p["connecting"] == true,
            current: p["isCurrentWorker"] == true,
        }
    }

    fn is(&self, ty: &str) -> bool {
        self.ptype.as_deref() == Some(ty)
    }

    /// Counted by Flex's `liveParticipantCount` (SPEC §3.2; connecting legs are not live).
    fn live(&self) -> bool {
        self.joined && !self.connecting && !self.is("transfer")
    }

    fn held(&self) -> bool {
        self.on_hold && self.joined
    }
}

/// The parts of a Flex task snapshot the reference reads.
#[derive(Clone, Debug, Default)]
struct Snap {
    /// `task.conference` exists.
    conference: bool,
    /// `task.conference.conferenceSid`.
    live_sid: Option<String>,
    /// `task.attributes.conference.sid`.
    attr_sid: Option<String>,
    /// Every participant, those that left included.
    parts: Vec<Part>,
}

impl Snap {
    fn from_json(task: &Value) -> Self {
        let conf = &task["conference"];
        let sid = |v: &Value| v.as_str().filter(|s| !s.is_empty()).map(str::to_owned);
        Self {
            conference: conf.is_object(),
            live_sid: sid(&conf["conferenceSid"]),
            attr_sid: sid(&task["attributes"]["conference"]["sid"]),
            parts: conf["participants"]
                .as_array()
                .map(|a| a.iter().map(Part::from_json).collect())
                .unwrap_or_default(),
        }
    }

    /// `(liveParticipantCount, liveWorkerCount)`.
    fn counts(&self) -> (usize, usize) {
        let live = self.parts.iter().filter(|p| p.live());
        let workers = live.clone().filter(|p| p.is("worker")).count();
        (live.count(), workers)
    }
}

/// A leg under the hold workaround (SPEC §7.2).
#[derive(Clone, Debug)]
struct Leg {
    ptype: Option<String>,
    call_sid: String,
    conference: String,
    value: bool,
}

/// What happens when a request settles.
#[derive(Clone, Debug)]
enum Then {
    /// Fire-and-forget: failures are only logged (D11).
    Log,
    /// The add flow (SPEC §5.1).
    Add,
    /// The connecting cards' status poll (SPEC §4.8).
    Status { call_sid: String },
    /// Step 2 of the hold workaround; step 3 follows on success.
    Workaround(Leg),
}

#[derive(Clone, Debug)]
struct Req {
    endpoint: &'static str,
    params: Vec<(String, String)>,
    /// Retries already made (SPEC §8.5).
    retries: u32,
    then: Then,
}

#[derive(Clone, Debug)]
enum Timer {
    Retry(Req),
    /// The hang-up guard's next re-read, after this many waits.
    Guard(u32),
    /// The connecting cards' next beat; present only while entries exist.
    Tick,
}

/// What a Flex action this policy invoked waits for.
#[derive(Clone, Debug)]
enum FlexWait {
    /// Workaround step 1; step 2 follows if it resolves.
    Unhold(Leg),
    /// Workaround step 3 (nothing follows).
    Hold,
}

/// The reference feature in one agent's browser (full mode). See the module docs: a baseline
/// for the shootout, defects included.
#[derive(Clone, Debug)]
pub struct Reference {
    config: RefConfig,
    /// The jitter source of the browser retries.
    rng: Rng,
    next_id: u32,
    out: VecDeque<Out>,
    /// The latest snapshot (`None` before the mount).
    snap: Option<Snap>,
    /// Monitor instance state (SPEC §3.10).
    prev: usize,
    did_my_worker_join_yet: bool,
    stop_monitoring: bool,
    requests: HashMap<u32, Req>,
    flex: HashMap<u32, FlexWait>,
    /// `(due, timer)`, in creation order (which breaks ties).
    timers: Vec<(u64, Timer)>,
    /// The connecting cards' call SIDs (the slice, SPEC §3.10). The ticker polls every entry,
    /// whatever its conference, and entries are never purged when the conference ends (D12).
    entries: Vec<String>,
    /// The ticker's phase: it runs from the component mount, every second.
    tick_origin: u64,
    /// `unknown` participants whose card already fetched its name (SPEC §4.5).
    named: HashSet<String>,
}

fn js(v: Option<&str>) -> String {
    v.unwrap_or("undefined").to_owned()
}

impl Reference {
    /// A browser for `config.worker_sid`; `seed` drives the retry jitter.
    pub fn new(config: RefConfig, seed: u64, now: u64) -> Self {
        Self {
            config,
            rng: Rng::from_seed(seed),
            next_id: 0,
            out: VecDeque::new(),
            snap: None,
            prev: 0,
            did_my_worker_join_yet: false,
            stop_monitoring: false,
            requests: HashMap::new(),
            flex: HashMap::new(),
            timers: Vec::new(),
            entries: Vec::new(),
            tick_origin: now,
            named: HashSet::new(),
        }
    }

    fn id(&mut self) -> u32 {
        self.next_id = self.next_id.wrapping_add(1);
        self.next_id
    }

    fn send(&mut self, req: Req) {
        let id = self.id();
        self.out.push_back(Out::Api {
            id,
            endpoint: req.endpoint.to_owned(),
            params: req.params.clone(),
        });
        self.requests.insert(id, req);
    }

    fn request(&mut self, endpoint: &'static str, pairs: &[(&str, &str)], then: Then) {
        let params = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()));
        let (params, retries) = (params.collect(), 0);
        self.send(Req {
            endpoint,
            params,
            retries,
            then,
        });
    }

    fn invoke(&mut self, action: &str, ptype: Option<&str>, target: Option<&str>) -> u32 {
        let id = self.id();
        self.out.push_back(Out::Flex {
            id,
            action: action.to_owned(),
            payload: json!({ "participantType": ptype, "targetSid": target }),
        });
        id
    }

    fn notify(&mut self, notification: &str) {
        self.out.push_back(Out::Notify {
            notification: notification.to_owned(),
        });
    }

    fn timer(&mut self, due: u64, timer: Timer) {
        self.timers.push((due, timer));
    }

    /// Live `conferenceSid`, else the task attribute (hold, unhold, kick: SPEC §5.2).
    fn live_first_sid(&self) -> Option<String> {
        let s = self.snap.as_ref()?;
        s.live_sid.clone().or_else(|| s.attr_sid.clone())
    }

    fn update_participant(&mut self, conference: &str, call_sid: &str, value: bool, then: Then) {
        let value = if value { "true" } else { "false" };
        let p = [
            ("conference", conference),
            ("participant", call_sid),
            ("endConferenceOnExit", value),
        ];
        self.request("update-participant", &p, then);
    }

    fn get_call_properties(&mut self, call_sid: &str, then: Then) {
        self.request("get-call-properties", &[("callSid", call_sid)], then);
    }

    /// The monitor's `componentDidUpdate` (SPEC §6.1).
    fn monitor(&mut self, snap: &Snap) {
        if self.stop_monitoring || !snap.conference {
            return;
        }
        let Some(conference) = snap.live_sid.clone() else {
            return;
        };
        let (now, workers) = snap.counts();
        let eligible = workers <= 1
            && snap
                .parts
                .iter()
                .any(|p| p.is("unknown") || p.is("external"));
        let me = snap.parts.iter().any(|p| p.joined && p.current);
        let target = if now > 2 && self.prev <= 2 && eligible {
            Some(false)
        } else if now <= 2 && self.prev > 2 && eligible {
            Some(true)
        } else {
            None
        };
        if let Some(value) = target {
            // SPEC §6.2: every joined leg, minus connecting ones and those without a call SID.
            for p in snap.parts.iter().filter(|p| p.joined && !p.connecting) {
                let Some(call_sid) = p.call_sid.clone() else {
                    continue;
                };
                if self.config.hold_workaround && p.on_hold {
                    let (ptype, conference) = (p.ptype.clone(), conference.clone());
                    let id = self.invoke("UnholdParticipant", ptype.as_deref(), Some(&call_sid));
                    let leg = Leg {
                        ptype,
                        call_sid,
                        conference,
                        value,
                    };
                    self.flex.insert(id, FlexWait::Unhold(leg));
                } else {
                    self.update_participant(&conference, &call_sid, value, Then::Log);
                }
            }
        }
        self.prev = now;
        if !self.did_my_worker_join_yet && me {
            self.did_my_worker_join_yet = true;
        }
        if self.did_my_worker_join_yet && !me {
            self.stop_monitoring = true;
            self.did_my_worker_join_yet = false;
        }
    }

    fn drop_entry(&mut self, call_sid: &str) {
        if let Some(i) = self.entries.iter().position(|e| e == call_sid) {
            self.entries.remove(i);
        }
        if self.entries.is_empty() {
            self.timers.retain(|t| !matches!(t.1, Timer::Tick));
        }
    }

    /// The ticker's first beat after `now`: it has run every second since the mount.
    fn beat_after(&self, now: u64) -> u64 {
        let k = now.saturating_sub(self.tick_origin) / TICK_MS + 1;
        self.tick_origin.saturating_add(k.saturating_mul(TICK_MS))
    }

    fn add_entry(&mut self, call_sid: String, now: u64) {
        // The connecting card mounts and fetches its name once (SPEC §4.5).
        self.get_call_properties(&call_sid, Then::Log);
        self.entries.push(call_sid);
        if !self.timers.iter().any(|t| matches!(t.1, Timer::Tick)) {
            self.timer(self.beat_after(now), Timer::Tick);
        }
    }

    /// One beat: a status request per entry, even when the previous one is still in flight.
    fn tick(&mut self, now: u64) {
        for call_sid in self.entries.clone() {
            self.get_call_properties(&call_sid.clone(), Then::Status { call_sid });
        }
        if !self.entries.is_empty() {
            self.timer(self.beat_after(now), Timer::Tick);
        }
    }

    /// The hang-up guard's re-read after `waits` waits (SPEC §7.4, step 2–3).
    fn guard_check(&mut self, waits: u32, now: u64) {
        let held = match &self.snap {
            Some(s) if s.conference => s.parts.iter().any(Part::held),
            _ => false,
        };
        if !held {
            self.out.push_back(Out::Hangup { allow: true });
        } else if waits < GUARD_MAX_WAITS {
            self.timer(now.saturating_add(GUARD_POLL_MS), Timer::Guard(waits + 1));
        } else {
            self.notify("PS_FailedHangupOnConferenceWithExternalParties");
            self.out.push_back(Out::Hangup { allow: false });
        }
    }

    fn hangup(&mut self, now: u64) {
        let Some(snap) = self.snap.clone().filter(|s| s.conference) else {
            self.out.push_back(Out::Hangup { allow: true });
            return;
        };
        let (live, workers) = snap.counts();
        if !(workers == 1 && live.saturating_sub(workers) > 1) {
            self.out.push_back(Out::Hangup { allow: true });
            return;
        }
        for p in snap.parts.iter().filter(|p| p.held()) {
            let target = if p.is("worker") {
                &p.worker_sid
            } else {
                &p.call_sid
            };
            // Not awaited; failures only logged.
            self.invoke("UnholdParticipant", p.ptype.as_deref(), target.as_deref());
        }
        self.guard_check(0, now);
    }

    fn settle(&mut self, req: Req, ok: bool, body: &Value, now: u64) {
        match req.then {
            Then::Log => {}
            Then::Add => {
                let call_sid = body["participantsResponse"]["callSid"].as_str();
                match call_sid {
                    Some(c) if ok => self.add_entry(c.to_owned(), now),
                    _ => {
                        if !ok && body["twilioErrorCode"].as_f64() == Some(13223.0) {
                            self.notify("PS_ExternalWarmTransferInvalidPhoneNumber");
                        }
                    }
                }
            }
            Then::Status { call_sid } => {
                let props = &body["callProperties"];
                let active = matches!(
                    props["status"].as_str(),
                    Some("queued" | "ringing" | "in-progress")
                );
                if ok && props.is_object() && !active {
                    self.drop_entry(&call_sid);
                }
            }
            Then::Workaround(leg) => {
                if ok {
                    let id =
                        self.invoke("HoldParticipant", leg.ptype.as_deref(), Some(&leg.call_sid));
                    self.flex.insert(id, FlexWait::Hold);
                }
            }
        }
    }
}

impl Policy for Reference {
    fn snapshot(&mut self, task: &Value, _now: u64) {
        let snap = Snap::from_json(task);
        let mounted = self.snap.is_some();
        self.snap = Some(snap.clone());
        if mounted {
            self.monitor(&snap);
        }
        // Participant cards that mount fetch the name of `unknown` legs once.
        for p in snap.parts.iter().filter(|p| p.joined && p.is("unknown")) {
            if let Some(c) = &p.call_sid {
                if self.named.insert(c.clone()) {
                    self.get_call_properties(c, Then::Log);
                }
            }
        }
        // A connecting entry whose leg Flex now shows is dropped.
        for p in &snap.parts {
            if let Some(c) = &p.call_sid {
                if self.entries.contains(c) {
                    self.drop_entry(c);
                }
            }
        }
    }

    fn add(&mut self, destination: &str, _now: u64) -> Outcome {
        if destination.is_empty() {
            return REFUSED;
        }
        // The add prefers the task attribute (D13).
        let conference = self
            .snap
            .as_ref()
            .and_then(|s| s.attr_sid.clone().or_else(|| s.live_sid.clone()));
        let from = self.config.default_caller_id.clone();
        let p = [
            ("taskSid", &*js(conference.as_deref())),
            ("to", destination),
            ("from", &from),
        ];
        self.request("add-participant", &p, Then::Add);
        TAKEN
    }

    fn before(&mut self, action: &str, payload: &Value, now: u64) -> Outcome {
        let ptype = payload["participantType"].as_str();
        let target = js(payload["targetSid"].as_str());
        let conference = js(self.live_first_sid().as_deref());
        let mut p = vec![("conference", &*conference), ("participant", &*target)];
        match action {
            "HoldParticipant" | "UnholdParticipant" if ptype == Some("unknown") => {
                let hold = action == "HoldParticipant";
                p.push(("hold", if hold { "true" } else { "false" }));
                let url = self.config.hold_url.clone();
                if let (true, Some(url)) = (hold, &url) {
                    p.push(("holdUrl", url));
                }
                self.request("hold-participant", &p, Then::Log);
                TAKEN
            }
            "KickParticipant"
                if ptype.is_some_and(|t| !["", "transfer", "external", "worker"].contains(&t)) =>
            {
                self.request("remove-participant", &p, Then::Log);
                TAKEN
            }
            "HangupCall" => {
                self.hangup(now);
                NATIVE
            }
            _ => NATIVE,
        }
    }

    fn cancel_dial(&mut self, call_sid: &str, now: u64) -> Outcome {
        let payload = json!({ "participantType": "unknown", "targetSid": call_sid });
        self.before("KickParticipant", &payload, now)
    }

    fn api_result(&mut self, id: u32, status: u16, body: &Value, network_error: bool, now: u64) {
        let Some(mut req) = self.requests.remove(&id) else {
            return;
        };
        let ok = !network_error && (200..300).contains(&status);
        if !ok && (network_error || status == 429) && req.retries < MAX_RETRIES {
            let bound = (100u64 << req.retries).min(3000);
            let delay = self.rng.next_u64() % bound;
            req.retries += 1;
            self.timer(now.saturating_add(delay), Timer::Retry(req));
            return;
        }
        self.settle(req, ok, body, now);
    }

    fn flex_result(&mut self, id: u32, ok: bool, _now: u64) {
        if let (Some(FlexWait::Unhold(leg)), true) = (self.flex.remove(&id), ok) {
            let (conference, call_sid) = (leg.conference.clone(), leg.call_sid.clone());
            self.update_participant(&conference, &call_sid, leg.value, Then::Workaround(leg));
        }
    }

    fn timeout(&mut self, now: u64) {
        // The earliest due timer first; creation order breaks ties.
        while let Some((i, _)) = (self.timers.iter().enumerate())
            .filter(|(_, t)| t.0 <= now)
            .min_by_key(|(_, t)| t.0)
        {
            match self.timers.remove(i).1 {
                Timer::Retry(req) => self.send(req),
                Timer::Guard(waits) => self.guard_check(waits, now),
                Timer::Tick => self.tick(now),
            }
        }
    }

    fn poll(&mut self) -> Option<Out> {
        self.out.pop_front()
    }

    fn next_timeout(&self) -> Option<u64> {
        self.timers.iter().map(|t| t.0).min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A joined, unheld leg: `CA_A` is this agent, `CA_B` another agent.
    fn leg(call: &str, ty: &str) -> Value {
        let worker = call.strip_prefix("CA_").filter(|w| ["A", "B"].contains(w));
        json!({ "callSid": call, "participantType": ty, "status": "joined", "onHold": false,
                "muted": false, "isCurrentWorker": call == "CA_A",
                "workerSid": worker.map(|w| format!("WK_{w}")), "connecting": false })
    }
    fn set(mut v: Value, key: &str, to: Value) -> Value {
        v[key] = to;
        v
    }
    fn held(v: Value) -> Value {
        set(v, "onHold", true.into())
    }
    fn left(v: Value) -> Value {
        set(v, "status", "left".into())
    }
    /// A task snapshot with these participants.
    fn task(legs: &[Value]) -> Value {
        json!({ "taskSid": "WT1", "status": "accepted", "attributes": { "conference": { "sid": "CF1" } },
                "conference": { "conferenceSid": "CF1", "participants": legs } })
    }
    fn a() -> Value {
        leg("CA_A", "worker")
    }
    fn c() -> Value {
        leg("CA_C", "customer")
    }
    fn x() -> Value {
        leg("CA_X", "unknown")
    }
    fn payload(ty: &str, target: &str) -> Value {
        json!({ "participantType": ty, "targetSid": target })
    }

    fn reference(hold_workaround: bool) -> Reference {
        let config = RefConfig {
            worker_sid: "WK_A".into(),
            hold_workaround,
            default_caller_id: "+15550000000".into(),
            hold_url: Some("HOLD".into()),
        };
        Reference::new(config, 7, 0)
    }

    /// Everything emitted so far, as text, and the ids of the requests and Flex actions.
    fn drain(r: &mut Reference) -> (Vec<String>, Vec<u32>) {
        let (mut text, mut ids) = (Vec::new(), Vec::new());
        while let Some(out) = r.poll() {
            text.push(match out {
                Out::Api {
                    id,
                    endpoint,
                    params,
                } => {
                    ids.push(id);
                    params
                        .iter()
                        .fold(endpoint, |s, (k, v)| format!("{s} {k}={v}"))
                }
                Out::Flex {
                    id,
                    action,
                    payload,
                } => {
                    ids.push(id);
                    let (ty, target) = (&payload["participantType"], &payload["targetSid"]);
                    format!(
                        "{action} {} {}",
                        ty.as_str().unwrap(),
                        target.as_str().unwrap()
                    )
                }
                Out::Notify { notification } => notification,
                Out::Hangup { allow } => format!("hangup allow={allow}"),
            });
        }
        (text, ids)
    }
    fn texts(r: &mut Reference) -> Vec<String> {
        drain(r).0
    }
    fn update(call: &str, value: bool) -> String {
        format!("update-participant conference=CF1 participant={call} endConferenceOnExit={value}")
    }
    const NAME_X: &str = "get-call-properties callSid=CA_X";

    /// Mounted, then updated with A and C live (`prev` = 2).
    fn two_party(r: &mut Reference) {
        r.snapshot(&task(&[a(), c()]), 0);
        r.snapshot(&task(&[a(), c()]), 10);
        assert!(texts(r).is_empty());
    }
    /// A, C and X live after a grow.
    fn three_party(r: &mut Reference) {
        two_party(r);
        r.snapshot(&task(&[a(), c(), x()]), 20);
        texts(r);
    }
    /// An added leg `CA_X` whose create succeeded at `now`.
    fn dialed(r: &mut Reference, now: u64) {
        assert_eq!(r.add("+15551234567", now), TAKEN);
        let id = drain(r).1[0];
        let body = json!({ "success": true, "participantsResponse": { "callSid": "CA_X" } });
        r.api_result(id, 200, &body, false, now);
    }

    #[test]
    fn the_first_snapshot_is_the_mount_and_is_not_evaluated() {
        let mut r = reference(false);
        r.snapshot(&task(&[a(), c(), x()]), 0);
        // Only X's card fetches its name.
        assert_eq!(texts(&mut r), [NAME_X]);
    }

    #[test]
    fn growing_from_two_to_three_with_an_unknown_leg_sets_every_live_leg_false_in_order() {
        let mut r = reference(false);
        two_party(&mut r);
        r.snapshot(&task(&[a(), c(), x()]), 20);
        let grow = [
            update("CA_A", false),
            update("CA_C", false),
            update("CA_X", false),
        ];
        assert_eq!(texts(&mut r), [&grow[..], &[NAME_X.into()]].concat());
    }

    #[test]
    fn shrinking_from_three_to_two_sets_the_remaining_live_legs_true() {
        let mut r = reference(false);
        three_party(&mut r);
        r.snapshot(&task(&[a(), c(), left(x())]), 30);
        assert_eq!(texts(&mut r), [update("CA_A", true), update("CA_C", true)]);
    }

    #[test]
    fn two_live_workers_make_the_grow_write_nothing_and_the_edge_is_used_up() {
        let mut r = reference(false);
        two_party(&mut r);
        r.snapshot(&task(&[a(), leg("CA_B", "worker"), c(), x()]), 20);
        assert_eq!(texts(&mut r), [NAME_X]);
        r.snapshot(&task(&[a(), left(leg("CA_B", "worker")), c(), x()]), 30);
        assert!(texts(&mut r).is_empty());
    }

    #[test]
    fn my_worker_leaving_fires_its_shrink_and_then_stops_monitoring() {
        let mut r = reference(false);
        three_party(&mut r);
        r.snapshot(&task(&[left(a()), c(), x()]), 30);
        assert_eq!(texts(&mut r), [update("CA_C", true), update("CA_X", true)]);
        r.snapshot(&task(&[left(a()), c(), x(), leg("CA_Y", "unknown")]), 40);
        r.snapshot(&task(&[left(a()), c(), left(x())]), 50);
        assert_eq!(texts(&mut r), ["get-call-properties callSid=CA_Y"]);
    }

    #[test]
    fn a_failed_update_is_not_retried_but_a_429_is_retried_soon_with_the_same_params() {
        let mut r = reference(false);
        two_party(&mut r);
        r.snapshot(&task(&[a(), c(), x()]), 20);
        let (sent, ids) = drain(&mut r);
        r.api_result(ids[0], 500, &json!({ "success": false }), false, 30);
        assert!(texts(&mut r).is_empty());
        assert_eq!(r.next_timeout(), None);
        r.api_result(ids[1], 429, &json!({ "success": false }), false, 40);
        assert!(texts(&mut r).is_empty());
        let due = r.next_timeout().unwrap();
        assert!((40..140).contains(&due), "first retry within 100 ms: {due}");
        r.timeout(due);
        let (retry, retry_ids) = drain(&mut r);
        assert_eq!(retry, [sent[1].clone()]);
        assert!(!ids.contains(&retry_ids[0]));
    }

    #[test]
    fn the_add_refuses_empty_input_sends_conference_to_from_and_notifies_a_13223() {
        let mut r = reference(false);
        two_party(&mut r);
        assert_eq!(r.add("", 0), REFUSED);
        assert!(texts(&mut r).is_empty());
        assert_eq!(r.add("12ab", 0), TAKEN);
        let (sent, ids) = drain(&mut r);
        assert_eq!(
            sent,
            ["add-participant taskSid=CF1 to=12ab from=+15550000000"]
        );
        let body = json!({ "success": false, "twilioErrorCode": 13223, "message": "bad" });
        r.api_result(ids[0], 400, &body, false, 5);
        assert_eq!(texts(&mut r), ["PS_ExternalWarmTransferInvalidPhoneNumber"]);
        assert_eq!(r.next_timeout(), None);
    }

    #[test]
    fn a_connecting_leg_is_polled_every_second_until_its_call_completes() {
        let mut r = reference(false);
        two_party(&mut r);
        dialed(&mut r, 300);
        // The card's name fetch at once, then the ticker on the mount's one-second phase.
        assert_eq!(texts(&mut r), [NAME_X]);
        let answers = [(200, "ringing"), (500, "-"), (200, "completed")];
        for (i, (status, call)) in (1..).zip(answers) {
            assert_eq!(r.next_timeout(), Some(1000 * i));
            r.timeout(1000 * i);
            let (poll, ids) = drain(&mut r);
            assert_eq!(poll, [NAME_X]);
            let body = json!({ "callProperties": { "status": call } });
            r.api_result(ids[0], status, &body, false, 1000 * i + 100);
        }
        assert_eq!(r.next_timeout(), None);
    }

    #[test]
    fn a_connecting_entry_is_dropped_when_its_leg_shows_up_in_a_snapshot() {
        let mut r = reference(false);
        two_party(&mut r);
        dialed(&mut r, 300);
        texts(&mut r);
        r.snapshot(&task(&[a(), c(), x()]), 500);
        // The grow, the live card's own name fetch; the ticker stops.
        assert_eq!(texts(&mut r).last().map(String::as_str), Some(NAME_X));
        assert_eq!(r.next_timeout(), None);
    }

    #[test]
    fn the_workaround_unholds_updates_and_reholds_a_held_customer() {
        let mut r = reference(true);
        r.snapshot(&task(&[a(), held(c())]), 0);
        r.snapshot(&task(&[a(), held(c())]), 10);
        r.snapshot(&task(&[a(), held(c()), x()]), 20);
        let (outs, ids) = drain(&mut r);
        let unhold = "UnholdParticipant customer CA_C".to_owned();
        let grow = [
            update("CA_A", false),
            unhold,
            update("CA_X", false),
            NAME_X.into(),
        ];
        assert_eq!(outs, grow);
        r.flex_result(ids[1], true, 30);
        let (sent, ids) = drain(&mut r);
        assert_eq!(sent, [update("CA_C", false)]);
        r.api_result(
            ids[0],
            200,
            &json!({ "participantsResponse": {} }),
            false,
            40,
        );
        assert_eq!(texts(&mut r), ["HoldParticipant customer CA_C"]);
    }

    #[test]
    fn the_workaround_aborts_itself_for_an_unknown_leg_and_never_writes_its_flag() {
        let mut r = reference(true);
        three_party(&mut r);
        r.snapshot(&task(&[a(), c(), held(x())]), 30);
        r.snapshot(&task(&[a(), left(c()), held(x())]), 40);
        let (outs, ids) = drain(&mut r);
        assert_eq!(
            outs,
            [
                update("CA_A", true),
                "UnholdParticipant unknown CA_X".into()
            ]
        );
        // The driver runs our own before-listener, which takes the unhold over through REST.
        assert_eq!(
            r.before("UnholdParticipant", &payload("unknown", "CA_X"), 41),
            TAKEN
        );
        let unhold = "hold-participant conference=CF1 participant=CA_X hold=false";
        assert_eq!(texts(&mut r), [unhold]);
        r.flex_result(ids[1], false, 42);
        assert!(texts(&mut r).is_empty());
    }

    #[test]
    fn hold_and_kick_listeners_take_over_only_what_the_reference_intercepts() {
        let mut r = reference(false);
        three_party(&mut r);
        assert_eq!(
            r.before("HoldParticipant", &payload("unknown", "CA_X"), 0),
            TAKEN
        );
        let hold = "hold-participant conference=CF1 participant=CA_X hold=true holdUrl=HOLD";
        assert_eq!(texts(&mut r), [hold]);
        let customer = payload("customer", "CA_C");
        assert_eq!(r.before("HoldParticipant", &customer, 0), NATIVE);
        let call = json!({ "participantCallSid": "CA_C" });
        assert_eq!(r.before("HoldCall", &call, 0), NATIVE);
        assert_eq!(
            r.before("KickParticipant", &payload("worker", "WK_A"), 0),
            NATIVE
        );
        assert!(texts(&mut r).is_empty());
        assert_eq!(r.before("KickParticipant", &customer, 0), TAKEN);
        assert_eq!(r.cancel_dial("CA_Y", 0), TAKEN);
        let kick = |c: &str| format!("remove-participant conference=CF1 participant={c}");
        assert_eq!(texts(&mut r), [kick("CA_C"), kick("CA_Y")]);
    }

    #[test]
    fn the_guard_allows_at_once_unless_the_last_worker_leaves_two_others() {
        let mut r = reference(false);
        two_party(&mut r);
        assert_eq!(r.before("HangupCall", &json!({}), 0), NATIVE);
        assert_eq!(texts(&mut r), ["hangup allow=true"]);
        assert_eq!(r.next_timeout(), None);
    }

    #[test]
    fn the_guard_aborts_with_the_notification_after_ten_polls_when_someone_stays_held() {
        let mut r = reference(false);
        three_party(&mut r);
        r.snapshot(&task(&[held(a()), held(c()), x()]), 0);
        assert_eq!(r.before("HangupCall", &json!({}), 1000), NATIVE);
        let unholds = [
            "UnholdParticipant worker WK_A",
            "UnholdParticipant customer CA_C",
        ];
        assert_eq!(texts(&mut r), unholds);
        for i in 1..=10 {
            assert_eq!(r.next_timeout(), Some(1000 + 500 * i));
            r.timeout(1000 + 500 * i);
            if i < 10 {
                assert!(texts(&mut r).is_empty());
            }
        }
        let failed = "PS_FailedHangupOnConferenceWithExternalParties";
        assert_eq!(texts(&mut r), [failed, "hangup allow=false"]);
        assert_eq!(r.next_timeout(), None);
    }

    #[test]
    fn the_guard_allows_once_the_latest_snapshot_shows_nobody_held() {
        let mut r = reference(false);
        three_party(&mut r);
        r.snapshot(&task(&[a(), held(c()), x()]), 0);
        r.before("HangupCall", &json!({}), 0);
        assert_eq!(texts(&mut r), ["UnholdParticipant customer CA_C"]);
        r.timeout(500);
        assert!(texts(&mut r).is_empty());
        r.snapshot(&task(&[a(), c(), x()]), 700);
        r.timeout(1000);
        assert_eq!(texts(&mut r), ["hangup allow=true"]);
        assert_eq!(r.next_timeout(), None);
    }

    #[test]
    fn retries_of_429s_and_network_errors_stop_after_ten_with_seeded_capped_delays() {
        let delays = |seed| {
            let mut r = Reference::new(reference(false).config, seed, 0);
            r.before("KickParticipant", &payload("customer", "CA_C"), 0);
            let (mut id, mut now, mut delays) = (drain(&mut r).1[0], 0, Vec::new());
            for i in 0..10 {
                let network = i % 2 == 1;
                r.api_result(
                    id,
                    if network { 0 } else { 429 },
                    &Value::Null,
                    network,
                    now,
                );
                delays.push(r.next_timeout().unwrap() - now);
                now += delays[i];
                r.timeout(now);
                id = drain(&mut r).1[0];
            }
            r.api_result(id, 429, &Value::Null, false, now);
            assert!(texts(&mut r).is_empty());
            assert_eq!(r.next_timeout(), None, "no eleventh retry");
            delays
        };
        assert_eq!(delays(3), delays(3));
        assert_ne!(delays(3), delays(4));
        let caps = [100, 200, 400, 800, 1600, 3000, 3000, 3000, 3000, 3000];
        assert!(delays(3).iter().zip(caps).all(|(d, cap)| *d < cap));
    }
}
