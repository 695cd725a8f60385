//! A deterministic harness over virtual time that plays Twilio, the serverless backend and Flex
//! for the engine [`Conference`] (STYLE H15).
//!
//! * [`twilio`]: the conference model with Twilio's end rules and quirks (SPEC §9).
//! * [`backend`]: the serverless endpoints' envelopes and status codes (SPEC §8.2–8.3) with fault
//!   injection (HTTP errors, lost requests, "commit then fail").
//! * [`flex`]: the Flex-shaped task each agent's Flex shows (fed through the real
//!   `TaskSnapshot::from_json`), and Flex's native action routing (SPEC §3.8: an unrecognised
//!   hold target holds the *customer*).
//! * [`World`]: one engine per agent browser; requests answered after a latency (default 50 ms);
//!   snapshots pushed after every model change (optional event delay, default 0); engine timers;
//!   scripted events. [`World::progress`] jumps to the earliest pending thing,
//!   [`World::settle`] runs until nothing is pending and fails on a livelock.
//! * [`invariants`]: DESIGN §6 checked over the model and the logs.
//!
//! Timing: a request emitted at `t` reaches the backend (and changes the model) at
//! `t + latency/2`; its answer reaches the engine at `t + latency`. Flex shows a model change
//! after `event_delay` (default 0, so Flex may show a change before the HTTP answer arrives; tests
//! with a delay cover the other order). The driver attaches the current token per request.
//!
//! Actors: `agent_dials`, `agent_clicks_hold`/`_unhold`/`_hold_call`/`_unhold_call`/`_remove`
//! (each through the before-listener, then Flex's native routing unless aborted),
//! `agent_cancels_dial`, `agent_mutes`, `agent_hangs_up` (awaits the engine's `Command::Hangup`),
//! `second_agent_joins_by_transfer`, `native_xwt`; `external_answers`, `external_busy`,
//! `external_no_answer`, `external_fails`, `external_hangs_up`, `customer_hangs_up`; scripted
//! closures with [`World::at`]. Faults with [`World::inject`]; the Flex token with
//! [`World::set_token`].
//!
//! Every test binary uses a different part of the harness, hence `allow(dead_code)`.

#![allow(dead_code)]

mod actors;
pub(crate) mod backend;
mod driver;
pub(crate) mod flex;
pub(crate) mod invariants;
pub(crate) mod log;
mod report;
pub(crate) mod twilio;

use std::collections::{BTreeSet, VecDeque};

use flex_conference::core::{ApiResult, Command, Conference};
use serde_json::{json, Value};

pub(crate) use backend::{Backend, Fault};
pub(crate) use log::{ActionRecord, Log, Native, RequestRecord};
pub(crate) use twilio::{ConfStatus, Kind, Leg, LegState, Quirks, Twilio};

/// Virtual time at the start of every scenario (a realistic `Date.now()`).
pub(crate) const T0: u64 = 1_700_000_000_000;
/// The customer's number.
pub(crate) const CUSTOMER_NUMBER: &str = "+14155550100";
/// The number A dials as the third party.
pub(crate) const X_NUMBER: &str = "+14155550101";
/// Another dialable number.
pub(crate) const Y_NUMBER: &str = "+14155550102";
/// The configured default caller ID (Twilio's valid test `From`).
pub(crate) const CALLER_ID: &str = "+15005550006";
/// The Flex token the backend accepts.
pub(crate) const TOKEN: &str = "flex-token-1";

/// Cap on virtual time one [`World::settle`] may take.
const SETTLE_CAP_MS: u64 = 15 * 60 * 1000;
/// Cap on steps of one [`World::settle`].
const SETTLE_CAP_STEPS: u32 = 50_000;
/// Cap on consecutive steps that don't move the clock.
const STALL_CAP: u32 = 2_000;

/// An agent browser.
#[derive(Clone, Copy, Debug, Eq, PartialEq, Ord, PartialOrd, Hash)]
pub(crate) enum Agent {
    /// The agent who took the call.
    A,
    /// A second agent (internal transfer).
    B,
}

impl Agent {
    fn index(self) -> usize {
        match self {
            Self::A => 0,
            Self::B => 1,
        }
    }

    fn letter(self) -> char {
        match self {
            Self::A => 'a',
            Self::B => 'b',
        }
    }

    /// `WK000…0a` / `WK000…0b`: A's SID sorts first.
    pub(crate) fn worker_sid(self) -> String {
        format!("WK{:0>32}", self.letter())
    }

    /// The agent's task (reservation) SID.
    pub(crate) fn task_sid(self) -> String {
        format!("WT{:0>32}", self.letter())
    }
}

/// One agent's browser.
#[derive(Debug)]
pub(crate) struct AgentState {
    /// Which agent.
    pub(crate) agent: Agent,
    /// The agent's leg, once on the call.
    pub(crate) call_sid: Option<String>,
    /// The engine (None before it is attached, or after it panicked).
    pub(crate) engine: Option<Conference>,
    /// How many times an engine was attached (a reload starts a new generation).
    pub(crate) generation: u32,
    /// A hang-up waits for the engine's answer.
    hangup_pending: bool,
    /// Call SIDs the last delivered snapshot showed live.
    seen_live: BTreeSet<String>,
}

/// How a scenario starts.
#[derive(Clone, Debug)]
pub(crate) struct Setup {
    /// The backend has the project's extensions (`get-participant`); the engine is told so.
    pub(crate) extensions: bool,
    /// Engine config `hold_workaround`.
    pub(crate) hold_workaround: bool,
    /// Flex's native external warm transfer is on (XWT mode).
    pub(crate) xwt: bool,
    /// Round trip of every request.
    pub(crate) latency_ms: u64,
    /// Delay between a model change and Flex showing it.
    pub(crate) event_delay_ms: u64,
    /// Twilio quirks.
    pub(crate) quirks: Quirks,
    /// Extra engine config keys, merged over the defaults.
    pub(crate) config: Value,
    /// Attach A's engine at the start (false: the plugin loads later, [`World::attach`]).
    pub(crate) attach: bool,
    /// Flex shows a held `unknown` leg as `customer` (the 2021 retype, SPEC §3.3).
    pub(crate) retype_held_unknown: bool,
}

impl Default for Setup {
    fn default() -> Self {
        Self {
            extensions: false,
            hold_workaround: false,
            xwt: false,
            latency_ms: 50,
            event_delay_ms: 0,
            quirks: Quirks::default(),
            config: json!({}),
            attach: true,
            retype_held_unknown: false,
        }
    }
}

impl Setup {
    /// Backend extensions on/off.
    pub(crate) fn extensions(mut self, on: bool) -> Self {
        self.extensions = on;
        self
    }

    /// XWT mode on.
    pub(crate) fn xwt(mut self) -> Self {
        self.xwt = true;
        self
    }

    /// Flex event delay.
    pub(crate) fn event_delay(mut self, ms: u64) -> Self {
        self.event_delay_ms = ms;
        self
    }

    /// Request latency.
    pub(crate) fn latency(mut self, ms: u64) -> Self {
        self.latency_ms = ms;
        self
    }

    /// Flex retypes held `unknown` legs as `customer`.
    pub(crate) fn retype_held_unknown(mut self) -> Self {
        self.retype_held_unknown = true;
        self
    }

    /// Extra engine config keys.
    pub(crate) fn config(mut self, extra: Value) -> Self {
        self.config = extra;
        self
    }

    /// Engine config `hold_workaround` on.
    pub(crate) fn hold_workaround(mut self) -> Self {
        self.hold_workaround = true;
        self
    }

    /// Don't attach A's engine yet.
    pub(crate) fn detached(mut self) -> Self {
        self.attach = false;
        self
    }

    /// A's leg and the customer's, both joined with ECOE true (Flex's accept-time flags).
    pub(crate) fn start(self) -> World {
        World::new(self)
    }
}

/// Something scheduled.
enum Event {
    Arrive(usize),
    Deliver(usize, ApiResult),
    Snapshot(Agent, Value),
    RingTimeout(String),
    Script(String, Box<dyn FnOnce(&mut World)>),
}

struct Scheduled {
    at: u64,
    seq: u64,
    event: Event,
}

/// The whole simulated world.
pub(crate) struct World {
    /// Virtual time.
    pub(crate) now: u64,
    /// Twilio.
    pub(crate) twilio: Twilio,
    /// The serverless backend.
    pub(crate) backend: Backend,
    /// What happened.
    pub(crate) log: Log,
    /// The Flex token the driver attaches to each request (read per request).
    pub(crate) token: Option<String>,
    /// The setup.
    pub(crate) setup: Setup,
    /// Agent browsers, indexed by [`Agent`].
    pub(crate) agents: Vec<AgentState>,
    /// The customer's leg.
    pub(crate) customer: String,
    /// Accepted add intents: (agent, destination).
    pub(crate) dials: Vec<(Agent, String)>,
    queue: Vec<Scheduled>,
    seq: u64,
    inbox: VecDeque<(Agent, Command)>,
    stall: u32,
}

impl World {
    /// A, C live (both ECOE true); A's engine attached unless the setup says otherwise.
    pub(crate) fn new(setup: Setup) -> Self {
        let mut twilio = Twilio::new(twilio::sid("CF", 0xc0f), Agent::A.task_sid());
        twilio.quirks = setup.quirks.clone();
        twilio.labels = setup.extensions;
        let a = twilio.add_joined(
            Kind::Worker {
                worker_sid: Agent::A.worker_sid(),
            },
            true,
            "client:agent_a",
            CUSTOMER_NUMBER,
            T0,
        );
        let customer = twilio.add_joined(Kind::Customer, true, "+14155550199", CUSTOMER_NUMBER, T0);
        let agents = [Agent::A, Agent::B]
            .into_iter()
            .map(|agent| AgentState {
                agent,
                call_sid: None,
                engine: None,
                generation: 0,
                hangup_pending: false,
                seen_live: BTreeSet::new(),
            })
            .collect();
        let mut w = Self {
            now: T0,
            twilio,
            backend: Backend {
                extensions: setup.extensions,
                faults: Vec::new(),
                valid_token: TOKEN.to_owned(),
            },
            log: Log::default(),
            token: Some(TOKEN.to_owned()),
            agents,
            customer,
            dials: Vec::new(),
            queue: Vec::new(),
            seq: 0,
            inbox: VecDeque::new(),
            stall: 0,
            setup,
        };
        w.agents[0].call_sid = Some(a);
        if w.setup.attach {
            w.attach(Agent::A);
        }
        w
    }

    /// Two parties, A and C, settled.
    pub(crate) fn two_party() -> Self {
        let mut w = Setup::default().start();
        w.settle();
        w
    }

    /// A dials X, X rings 3 s and answers; settled. Returns the world and X's call SID.
    pub(crate) fn three_party(setup: Setup) -> (Self, String) {
        let mut w = setup.start();
        w.settle();
        let x = w.dial_and_answer(Agent::A, X_NUMBER);
        (w, x)
    }
}
