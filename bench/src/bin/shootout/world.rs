//! The driver: one sim in process (its router called directly, no socket), one or two agent
//! browsers each running a [`Policy`], and virtual time (tokio's paused clock, which the sim's
//! clock follows).
//!
//! Timing, as in the engine's native harness (`tests/common`): a request sent at `t` reaches
//! the sim at `t + latency/2`, its answer reaches the browser at `t + latency`; Flex shows a
//! change of the conference `event_delay` after it happened; a native Flex action settles after
//! `latency`. After every input the browsers' outputs are carried out until none is left.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use flex_conference_bench::policy::{Out, Outcome, Policy};
use serde_json::{json, Value};
use sim::{DropConnection, Sim};
use tower::ServiceExt;

/// The customer's number.
pub const CUSTOMER: &str = "+14155550100";
/// The configured caller ID.
pub const CALLER_ID: &str = "+15005550006";
/// The valid Flex token of a fresh sim.
const TOKEN: &str = "sim-token";
/// Where the serverless endpoints are.
const FUNCTIONS: &str = "/common/flex/programmable-voice/";

/// An agent: A takes the call, B may join by internal transfer.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum Agent {
    A,
    B,
}

impl Agent {
    pub fn index(self) -> usize {
        match self {
            Self::A => 0,
            Self::B => 1,
        }
    }

    pub fn worker_sid(self) -> &'static str {
        match self {
            Self::A => "WK00000000000000000000000000000a0a",
            Self::B => "WK00000000000000000000000000000b0b",
        }
    }
}

/// Which policy the browsers run.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum Which {
    Ours,
    Reference,
}

impl Which {
    pub fn name(self) -> &'static str {
        match self {
            Self::Ours => "ours",
            Self::Reference => "reference",
        }
    }
}

/// How a scenario's world is set up.
#[derive(Clone, Debug)]
pub struct Setup {
    pub latency_ms: u64,
    pub event_delay_ms: u64,
    pub hold_workaround: bool,
    pub retype_held_unknown: bool,
    /// An agent who leaves closes the task at once: their browser stops (SPEC §11 D3: the
    /// reference's last shrink runs in the departed agent's browser).
    pub close_after_leaving: bool,
    /// Seed of the policies' own randomness (retry jitter).
    pub seed: u64,
}

/// One browser.
struct Browser {
    policy: Option<Box<dyn Policy>>,
    call_sid: Option<String>,
    /// The version of the last snapshot handed to Flex (delivered or scheduled).
    shown_version: u64,
    /// The latest snapshot Flex shows this agent.
    shown: Value,
    /// A `HangupCall` awaits the policy's answer.
    hangup_pending: bool,
}

enum Event {
    /// A request reaches the sim.
    Arrive {
        agent: Agent,
        id: u32,
        endpoint: String,
        body: String,
        sent_at: u64,
    },
    /// Its answer reaches the browser.
    Deliver {
        agent: Agent,
        id: u32,
        status: u16,
        body: Value,
        network: bool,
    },
    /// Flex shows a snapshot.
    Snapshot { agent: Agent, task: Value },
    /// A Flex action the policy invoked settles.
    FlexResult { agent: Agent, id: u32, ok: bool },
}

/// A notification a browser showed.
#[derive(Clone, Debug)]
pub struct Shown {
    pub agent: Agent,
    pub at: u64,
}

/// Called with the world after every change of the conference.
pub type Watcher = Box<dyn FnMut(&World)>;

/// The world of one scenario.
pub struct World {
    pub which: Which,
    pub setup: Setup,
    sim: Sim,
    router: Router,
    pub task_sid: String,
    pub conference_sid: String,
    pub customer_sid: String,
    browsers: [Browser; 2],
    queue: Vec<(u64, u64, Event)>,
    seq: u64,
    /// The conference as the sim has it now (`GET /sim/conferences/{sid}`).
    pub conference: Value,
    conference_version: u64,
    pub notifications: Vec<Shown>,
    /// The endpoint of every serverless request the browsers sent, in order.
    pub requests: Vec<String>,
    /// Policy panics and input errors (each one a defect).
    pub defects: Vec<String>,
    /// A trace of everything, kept when `verbose`.
    pub trace: Option<Vec<String>>,
    /// Called with the world after every change the driver sees (for the checks that watch).
    pub watchers: Vec<Watcher>,
}

fn new_policy(
    which: Which,
    agent: Agent,
    setup: &Setup,
    now: u64,
) -> Result<Box<dyn Policy>, String> {
    let seed = setup.seed ^ (agent.index() as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    Ok(match which {
        Which::Ours => {
            let config = json!({
                "enabled": true,
                "default_caller_id": CALLER_ID,
                "worker_sid": agent.worker_sid(),
                "extensions": true,
                "hold_workaround": setup.hold_workaround,
                "random_seed": seed & 0xFFFF_FFFF,
            });
            Box::new(flex_conference_bench::policy::Ours::new(&config, now)?)
        }
        Which::Reference => Box::new(flex_conference_bench::reference::Reference::new(
            flex_conference_bench::reference::RefConfig {
                worker_sid: agent.worker_sid().to_owned(),
                hold_workaround: setup.hold_workaround,
                default_caller_id: CALLER_ID.to_owned(),
                hold_url: None,
            },
            seed,
            now,
        )),
    })
}

impl World {
    /// A live two-party call (A and the customer, both `endConferenceOnExit` true), A's browser
    /// loaded and shown the call.
    pub async fn new(which: Which, setup: Setup, verbose: bool) -> Result<Self, String> {
        let sim = Sim::new(&sim::Options::default());
        let router = sim.router();
        let mut world = Self {
            which,
            setup,
            sim,
            router,
            task_sid: String::new(),
            conference_sid: String::new(),
            customer_sid: String::new(),
            browsers: [(); 2].map(|()| Browser {
                policy: None,
                call_sid: None,
                shown_version: 0,
                shown: Value::Null,
                hangup_pending: false,
            }),
            queue: Vec::new(),
            seq: 0,
            conference: Value::Null,
            conference_version: 0,
            notifications: Vec::new(),
            requests: Vec::new(),
            defects: Vec::new(),
            trace: verbose.then(Vec::new),
            watchers: Vec::new(),
        };
        let settings = json!({
            "ringTimeoutMs": 60_000,
            "retypeHeldUnknown": world.setup.retype_held_unknown,
        });
        world
            .control("POST", "/sim/settings", Some(settings))
            .await?;
        let call = world
            .control(
                "POST",
                "/sim/calls",
                Some(
                    json!({"worker": {"sid": Agent::A.worker_sid(), "name": "agent_a"},
                    "customer": {"number": CUSTOMER}}),
                ),
            )
            .await?;
        let text = |k: &str| {
            call[k]
                .as_str()
                .map(str::to_owned)
                .ok_or(format!("no {k} in {call}"))
        };
        world.task_sid = text("taskSid")?;
        world.conference_sid = text("conferenceSid")?;
        world.customer_sid = text("customerCallSid")?;
        world.browsers[0].call_sid = Some(text("agentCallSid")?);
        world.attach(Agent::A).await?;
        Ok(world)
    }

    pub fn now(&self) -> u64 {
        self.sim.now_ms()
    }

    pub fn note(&mut self, line: impl FnOnce() -> String) {
        if self.trace.is_some() {
            let at = self.now();
            let line = line();
            if let Some(t) = self.trace.as_mut() {
                t.push(format!("{at:>14} {line}"));
            }
        }
    }

    /// Calls the sim's control API; a non-2xx answer is an error with its body.
    pub async fn control(
        &mut self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, String> {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "application/json")
            .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
            .map_err(|e| e.to_string())?;
        let (status, body, _) = self.call(request).await;
        if (200..300).contains(&status) {
            Ok(body)
        } else {
            Err(format!("{method} {path}: {status} {body}"))
        }
    }

    async fn call(&mut self, request: Request<Body>) -> (u16, Value, bool) {
        let response = match self.router.clone().oneshot(request).await {
            Ok(r) => r,
            Err(never) => match never {},
        };
        if response.extensions().get::<DropConnection>().is_some() {
            return (0, Value::Null, true);
        }
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        let body = serde_json::from_str(&text).unwrap_or_else(|_| Value::String(text.into_owned()));
        (status, body, false)
    }

    /// Loads the plugin in an agent's browser and shows it the call.
    pub async fn attach(&mut self, agent: Agent) -> Result<(), String> {
        let now = self.now();
        let policy = new_policy(self.which, agent, &self.setup, now)?;
        let b = &mut self.browsers[agent.index()];
        b.policy = Some(policy);
        let task = self.task_json(agent).await;
        self.browsers[agent.index()].shown_version = task["version"].as_u64().unwrap_or(0);
        self.deliver_snapshot(agent, task);
        self.look().await;
        self.pump().await;
        Ok(())
    }

    /// An agent's `HangupCall` awaits its policy's answer (a hang-up guard runs).
    pub fn guard_running(&self) -> bool {
        self.browsers.iter().any(|b| b.hangup_pending)
    }

    /// The agent's Flex has not shown the latest change of the conference yet.
    pub fn flex_behind(&self, agent: Agent) -> bool {
        self.queue
            .iter()
            .any(|(_, _, e)| matches!(e, Event::Snapshot { agent: a, .. } if *a == agent))
    }

    pub fn attached(&self, agent: Agent) -> bool {
        self.browsers[agent.index()].policy.is_some()
    }

    pub fn agent_call(&self, agent: Agent) -> Option<&str> {
        self.browsers[agent.index()].call_sid.as_deref()
    }

    /// The snapshot Flex shows the agent now.
    pub fn shown(&self, agent: Agent) -> &Value {
        &self.browsers[agent.index()].shown
    }

    async fn task_json(&mut self, agent: Agent) -> Value {
        let path = format!("/sim/tasks/{}?worker={}", self.task_sid, agent.worker_sid());
        self.control("GET", &path, None)
            .await
            .unwrap_or(Value::Null)
    }

    /// Calls into a policy, catching panics (a defect; the browser is then dead).
    fn with_policy<R>(&mut self, agent: Agent, f: impl FnOnce(&mut dyn Policy) -> R) -> Option<R> {
        let policy = self.browsers[agent.index()].policy.as_mut()?;
        match catch_unwind(AssertUnwindSafe(|| f(policy.as_mut()))) {
            Ok(r) => Some(r),
            Err(payload) => {
                let msg = payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                self.defects
                    .push(format!("{agent:?}'s policy panicked: {msg}"));
                self.browsers[agent.index()].policy = None;
                None
            }
        }
    }

    fn deliver_snapshot(&mut self, agent: Agent, task: Value) {
        let now = self.now();
        self.note(|| format!("{agent:?} sees {}", brief(&task)));
        self.with_policy(agent, |p| p.snapshot(&task, now));
        self.browsers[agent.index()].shown = task;
    }

    fn schedule(&mut self, at: u64, event: Event) {
        self.seq += 1;
        self.queue.push((at, self.seq, event));
    }

    /// Reads the conference; when it changed, tells the watchers and schedules what each
    /// attached browser's Flex will show.
    pub async fn look(&mut self) {
        let path = format!("/sim/conferences/{}", self.conference_sid);
        let Ok(conference) = self.control("GET", &path, None).await else {
            return;
        };
        let version = conference["version"].as_u64().unwrap_or(0);
        self.conference = conference;
        if version == self.conference_version {
            return;
        }
        self.conference_version = version;
        let mut watchers = std::mem::take(&mut self.watchers);
        for w in &mut watchers {
            w(self);
        }
        self.watchers = watchers;
        for agent in [Agent::A, Agent::B] {
            if !self.attached(agent) || self.browsers[agent.index()].shown_version == version {
                continue;
            }
            self.browsers[agent.index()].shown_version = version;
            let task = self.task_json(agent).await;
            if self.setup.event_delay_ms == 0 {
                self.deliver_snapshot(agent, task);
            } else {
                let at = self.now() + self.setup.event_delay_ms;
                self.schedule(at, Event::Snapshot { agent, task });
            }
        }
    }

    /// Carries out every browser's outputs, and shows the changes they make, until nothing is
    /// left.
    pub async fn pump(&mut self) {
        for _ in 0..10_000 {
            let mut did = false;
            for agent in [Agent::A, Agent::B] {
                while let Some(Some(out)) = self.with_policy(agent, |p| p.poll()) {
                    did = true;
                    self.execute(agent, out).await;
                }
            }
            self.look().await;
            if !did {
                return;
            }
        }
        self.defects
            .push("livelock: the policies keep emitting outputs".to_owned());
    }

    async fn execute(&mut self, agent: Agent, out: Out) {
        let now = self.now();
        match out {
            Out::Api {
                id,
                endpoint,
                params,
            } => {
                self.note(|| format!("{agent:?} → {endpoint} #{id} {params:?}"));
                self.requests.push(endpoint.clone());
                let body = form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(params.iter())
                    .append_pair("Token", TOKEN)
                    .finish();
                let at = now + self.setup.latency_ms / 2;
                self.schedule(
                    at,
                    Event::Arrive {
                        agent,
                        id,
                        endpoint,
                        body,
                        sent_at: now,
                    },
                );
            }
            Out::Notify { notification } => {
                self.note(|| format!("{agent:?} shows {notification}"));
                self.notifications.push(Shown { agent, at: now });
            }
            Out::Flex {
                id,
                action,
                payload,
            } => {
                self.note(|| format!("{agent:?} invokes {action} {payload}"));
                // An action its own listener aborted rejects ("cancelled by before event").
                let ok = self
                    .invoke(agent, &action, &payload)
                    .await
                    .is_ok_and(|o| !o.abort_native);
                let at = now + self.setup.latency_ms;
                self.schedule(at, Event::FlexResult { agent, id, ok });
            }
            Out::Hangup { allow } => {
                self.note(|| format!("{agent:?} hang-up answered: allow {allow}"));
                let b = &mut self.browsers[agent.index()];
                if std::mem::take(&mut b.hangup_pending) && allow {
                    self.native_hangup(agent).await;
                }
            }
        }
    }

    /// A Flex action as Flex runs it: the policy's before-listener, then the native action
    /// unless aborted. `Ok` with the listener's outcome (the native action ran unless
    /// `abort_native`); `Err` when the native action rejected.
    pub async fn invoke(
        &mut self,
        agent: Agent,
        action: &str,
        payload: &Value,
    ) -> Result<Outcome, String> {
        let now = self.now();
        let outcome = self
            .with_policy(agent, |p| p.before(action, payload, now))
            .ok_or("no plugin")?;
        if !outcome.abort_native {
            self.native(agent, action, payload).await?;
        }
        Ok(outcome)
    }

    /// Flex's native action (SPEC §3.8): hold and unhold route a worker SID to that worker and
    /// anything else to the customer; a kick needs a worker SID.
    async fn native(&mut self, agent: Agent, action: &str, payload: &Value) -> Result<(), String> {
        let target = payload["targetSid"].as_str().unwrap_or("");
        let legs = self.conference["participants"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let connected = |l: &&Value| l["status"] == "connected";
        let me = self
            .agent_call(agent)
            .and_then(|c| legs.iter().find(|l| l["callSid"] == c));
        let worker = legs
            .iter()
            .filter(connected)
            .find(|l| l["workerSid"] == target);
        let customer = legs
            .iter()
            .filter(connected)
            .find(|l| l["kind"] == "customer");
        let (leg, op) = match action {
            "HoldParticipant" | "UnholdParticipant" => {
                let me_live = me.is_some_and(|l| l["status"] == "connected");
                let can_hold = me_live && me.is_some_and(|l| l["hold"] != true);
                let own = action == "UnholdParticipant" && target == agent.worker_sid() && me_live;
                if !can_hold && !own {
                    return Err("TaskHelper.canHold is false".to_owned());
                }
                let by_worker = legs.iter().any(|l| l["workerSid"] == target);
                let leg = if by_worker { worker } else { customer };
                (
                    leg,
                    if action == "HoldParticipant" {
                        "hold"
                    } else {
                        "unhold"
                    },
                )
            }
            "HoldCall" => (customer, "hold"),
            "UnholdCall" => (customer, "unhold"),
            "KickParticipant" => (worker, "kick"),
            other => return Err(format!("no native {other}")),
        };
        let call_sid = leg
            .and_then(|l| l["callSid"].as_str())
            .map(str::to_owned)
            .ok_or_else(|| format!("{action}: no leg for {target}"))?;
        self.control("POST", &format!("/sim/legs/{call_sid}/{op}"), None)
            .await
            .map(drop)
    }

    /// The agent's leg leaves (the native `HangupCall`).
    async fn native_hangup(&mut self, agent: Agent) {
        if let Some(me) = self.agent_call(agent).map(str::to_owned) {
            self.note(|| format!("{agent:?} leaves"));
            let _ = self
                .control("POST", &format!("/sim/legs/{me}/hangup"), None)
                .await;
            if self.setup.close_after_leaving {
                self.note(|| format!("{agent:?} closes the task"));
                self.browsers[agent.index()].policy = None;
            }
        }
    }

    /// The agent clicks Hang up: the before-listener, then (unless aborted) the policy's answer
    /// is awaited. Returns the listener's outcome.
    pub async fn hang_up(&mut self, agent: Agent, confirm_leave: bool) -> Option<Outcome> {
        if self.browsers[agent.index()].hangup_pending {
            return None;
        }
        let now = self.now();
        let payload = json!({"confirmLeave": confirm_leave});
        let outcome = self.with_policy(agent, |p| p.before("HangupCall", &payload, now));
        match outcome {
            None => self.native_hangup(agent).await,
            Some(o) if o.abort_native => {}
            Some(_) => self.browsers[agent.index()].hangup_pending = true,
        }
        self.pump().await;
        outcome
    }

    /// Hands an input to a policy and carries out what follows.
    pub async fn input<R>(
        &mut self,
        agent: Agent,
        f: impl FnOnce(&mut dyn Policy, u64) -> R,
    ) -> Option<R> {
        let now = self.now();
        let r = self.with_policy(agent, |p| f(p, now));
        self.pump().await;
        r
    }

    /// Moves virtual time on to `t`, handling everything that comes due on the way.
    pub async fn run_until(&mut self, t: u64) {
        for _ in 0..1_000_000 {
            let now = self.now();
            let queued = self.queue.iter().map(|e| e.0).min();
            let timers = self
                .browsers
                .iter()
                .filter_map(|b| b.policy.as_ref().and_then(|p| p.next_timeout()))
                .min();
            let sim = self.sim.next_due_ms();
            let next = [queued, timers, sim].into_iter().flatten().min();
            let Some(next) = next.filter(|n| *n <= t) else {
                break;
            };
            if next > now {
                tokio::time::advance(Duration::from_millis(next - now)).await;
            }
            self.step_due().await;
        }
        let now = self.now();
        if t > now {
            tokio::time::advance(Duration::from_millis(t - now)).await;
        }
        self.look().await;
        self.pump().await;
    }

    /// Handles everything due now: queued events in order, then policy timers, then the sim's.
    async fn step_due(&mut self) {
        loop {
            let now = self.now();
            let Some(i) = self
                .queue
                .iter()
                .enumerate()
                .filter(|(_, e)| e.0 <= now)
                .min_by_key(|(_, e)| (e.0, e.1))
                .map(|(i, _)| i)
            else {
                break;
            };
            let (_, _, event) = self.queue.swap_remove(i);
            self.process(event).await;
            self.pump().await;
        }
        for agent in [Agent::A, Agent::B] {
            let now = self.now();
            let due = self.browsers[agent.index()]
                .policy
                .as_ref()
                .and_then(|p| p.next_timeout())
                .is_some_and(|t| t <= now);
            if due {
                self.with_policy(agent, |p| p.timeout(now));
                self.pump().await;
            }
        }
        self.look().await;
        self.pump().await;
    }

    async fn process(&mut self, event: Event) {
        match event {
            Event::Arrive {
                agent,
                id,
                endpoint,
                body,
                sent_at,
            } => {
                let request = Request::builder()
                    .method("POST")
                    .uri(format!("{FUNCTIONS}{endpoint}"))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Body::from(body));
                let (status, body, network) = match request {
                    Ok(r) => self.call(r).await,
                    Err(e) => (0, Value::String(e.to_string()), true),
                };
                let at = (sent_at + self.setup.latency_ms).max(self.now());
                self.schedule(
                    at,
                    Event::Deliver {
                        agent,
                        id,
                        status,
                        body,
                        network,
                    },
                );
            }
            Event::Deliver {
                agent,
                id,
                status,
                body,
                network,
            } => {
                self.note(|| format!("{agent:?} ← #{id} {status} {}", short(&body)));
                let now = self.now();
                self.with_policy(agent, |p| p.api_result(id, status, &body, network, now));
            }
            Event::Snapshot { agent, task } => self.deliver_snapshot(agent, task),
            Event::FlexResult { agent, id, ok } => {
                let now = self.now();
                self.with_policy(agent, |p| p.flex_result(id, ok, now));
            }
        }
    }

    /// A second agent joins by internal transfer (Flex's accept-time flag: ECOE true only when
    /// no worker is live) and loads the plugin.
    pub async fn second_agent_joins(&mut self) -> Result<(), String> {
        let live_worker = self.legs().iter().any(|l| l.live && l.worker.is_some());
        let path = format!("/sim/conferences/{}/legs", self.conference_sid);
        let leg = self
            .control(
                "POST",
                &path,
                Some(json!({"kind": "worker", "workerSid": Agent::B.worker_sid(),
                    "endConferenceOnExit": !live_worker})),
            )
            .await?;
        self.browsers[1].call_sid = leg["callSid"].as_str().map(str::to_owned);
        self.note(|| "B joins by transfer".to_owned());
        self.attach(Agent::B).await
    }

    /// Drives a leg through the control API (`answer`, `busy`, `no-answer`, `hangup`, …).
    pub async fn leg(&mut self, call_sid: &str, action: &str) {
        self.note(|| format!("{call_sid} {action}"));
        let _ = self
            .control("POST", &format!("/sim/legs/{call_sid}/{action}"), None)
            .await;
        self.look().await;
        self.pump().await;
    }

    /// Injects a fault (`POST /sim/faults`).
    pub async fn fault(&mut self, fault: Value) {
        self.note(|| format!("fault {fault}"));
        let _ = self.control("POST", "/sim/faults", Some(fault)).await;
    }

    /// The conference's legs as the sim has them now.
    pub fn legs(&self) -> Vec<LegView> {
        self.conference["participants"]
            .as_array()
            .into_iter()
            .flatten()
            .map(LegView::of)
            .collect()
    }

    /// Whether the conference is over.
    pub fn ended(&self) -> bool {
        self.conference["status"] == "completed"
    }
}

/// One leg, read from the sim's conference JSON.
#[derive(Clone, Debug)]
pub struct LegView {
    pub call_sid: String,
    pub kind: String,
    pub worker: Option<String>,
    pub to: String,
    pub status: String,
    pub live: bool,
    pub ringing: bool,
    pub hold: bool,
    pub muted: bool,
    pub ecoe: bool,
    pub created_at: Option<u64>,
    pub joined_at: Option<u64>,
    pub left_at: Option<u64>,
}

impl LegView {
    fn of(l: &Value) -> Self {
        let status = l["status"].as_str().unwrap_or("").to_owned();
        Self {
            call_sid: l["callSid"].as_str().unwrap_or("").to_owned(),
            kind: l["kind"].as_str().unwrap_or("").to_owned(),
            worker: l["workerSid"].as_str().map(str::to_owned),
            to: l["to"].as_str().unwrap_or("").to_owned(),
            live: status == "connected",
            ringing: status == "ringing" || status == "queued",
            status,
            hold: l["hold"] == true,
            muted: l["muted"] == true,
            ecoe: l["endConferenceOnExit"] == true,
            created_at: l["createdAtMs"].as_u64(),
            joined_at: l["joinedAtMs"].as_u64(),
            left_at: l["leftAtMs"].as_u64(),
        }
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 120 {
        format!(
            "{}…",
            &s[..s.char_indices().nth(120).map_or(s.len(), |(i, _)| i)]
        )
    } else {
        s
    }
}

fn brief(task: &Value) -> String {
    let parts: Vec<String> = task["conference"]["participants"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let sid = p["callSid"].as_str().unwrap_or("?");
            format!(
                "{}:{}{}{}",
                p["participantType"].as_str().unwrap_or("?"),
                &sid[sid.len().saturating_sub(4)..],
                if p["status"] == "joined" {
                    ""
                } else {
                    "(left)"
                },
                if p["onHold"] == true { "(held)" } else { "" }
            )
        })
        .collect();
    format!(
        "v{} {} [{}]",
        task["version"],
        task["status"].as_str().unwrap_or("?"),
        parts.join(" ")
    )
}
