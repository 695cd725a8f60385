//! Issue 6, point 4: a seeded random driver ("fuzzer") over the engine's inputs, on stable Rust.
//!
//! Each execution builds a fresh engine from a random configuration (sometimes one that must be
//! refused), feeds it a short random sequence of task snapshots, intents, API results (for the
//! commands it emitted, and for ids it never did) and timeouts — mostly well-formed, sometimes
//! mutated into wrong types, missing fields, extreme numbers, odd unicode or deep nesting — and
//! drains its commands after every input. It also runs one text case through the crate's own JSON
//! reader (reached publicly through `api::classify`, which parses text bodies with it), held to
//! serde_json's answers as the reader's documentation promises.
//!
//! Every execution runs under `catch_unwind`; besides panics it checks the cheap contracts the
//! code documents (see `check_*` and the `fail` calls). On a panic or failure it prints how to
//! replay that execution and replays it at once with every input printed.
//!
//! ```text
//! cargo run --release --manifest-path bench/Cargo.toml --target-dir target/bench --bin fuzz -- \
//!     [--executions N] [--seed S] [--skip K] [--threads T] [--verbose]
//! ```
//!
//! The last line of stdout is the summary as JSON:
//! `{"executions":N,"inputs":I,"panics":P,"failures":F,"seconds":T,"seed":S}`.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use flex_conference::api::{classify, Endpoint};
use flex_conference::core::{
    ApiResult, Command, Conference, Config, Intent, Json, JsonNumber, NativeHold, TaskSnapshot,
};
use flex_conference_bench::rng::Rng;
use serde_json::{json, Map, Value};

const DEFAULT_EXECUTIONS: u64 = 1_000_000;
const DEFAULT_SEED: u64 = 0x5EED_F1E5_C0DE_0006;
/// Commands one input may produce before the drain counts as endless.
const MAX_DRAIN: usize = 10_000;
/// Executions whose replay is printed in full (the rest are only counted and listed).
const MAX_REPORTED: u64 = 5;

// ---------------------------------------------------------------------------------------------
// Randomness: one independent SplitMix64 stream per execution (seed, index), so that any
// execution replays alone with `--skip index --executions 1`.

// ---------------------------------------------------------------------------------------------
// Vocabulary.

const SIDS: [&str; 5] = ["CAagent", "CAworkerb", "CAcustomer", "CAx", "CAy"];
const KINDS: [&str; 9] = [
    "worker",
    "customer",
    "unknown",
    "agent",
    "transfer",
    "supervisor",
    "external",
    "Worker",
    "",
];
const LEG_STATUSES: [&str; 7] = [
    "joined",
    "joined",
    "joined",
    "left",
    "recently_left",
    "connecting",
    "on-hold",
];
const TASK_STATUSES: [&str; 10] = [
    "accepted",
    "accepted",
    "assigned",
    "pending",
    "reserved",
    "wrapping",
    "completed",
    "canceled",
    "rescinded",
    "timeout",
];
const CALL_STATUSES: [&str; 11] = [
    "queued",
    "initiated",
    "ringing",
    "ringing",
    "in-progress",
    "completed",
    "busy",
    "no-answer",
    "failed",
    "canceled",
    "weird",
];
const DESTINATIONS: [&str; 22] = [
    "+14155550100",
    "+1 415 555 0100",
    "+14155550101",
    "(415) 555-0102",
    "4155550103",
    "+442071838750",
    "12ab",
    " ",
    "",
    "+",
    "+0",
    "+999999999999999999999999",
    "sip:alice@example.com",
    "client:alice",
    "+14155550100,123",
    "+14155550100ww123",
    "+14155550100;ext=7",
    "+1415555010\u{0}",
    "\u{FF0B}\u{FF11}\u{FF14}\u{FF11}\u{FF15}",
    "+1\u{202E}4155550100",
    "🙂📞",
    "00441234567890",
];
const KEYS: [&str; 24] = [
    "taskSid",
    "status",
    "conference",
    "conferenceSid",
    "participants",
    "callSid",
    "participantType",
    "onHold",
    "muted",
    "hold",
    "isCurrentWorker",
    "workerSid",
    "mediaProperties",
    "attributes",
    "sid",
    "kind",
    "destination",
    "callerId",
    "ok",
    "body",
    "networkError",
    "enabled",
    "participantsResponse",
    "callProperties",
];

fn garbage_string(rng: &mut Rng) -> String {
    match rng.below(12) {
        0 => String::new(),
        1 => " \t\n".to_owned(),
        2 => "\u{0}".to_owned(),
        3 => "é\u{301}🙂💥\u{FEFF}\u{10FFFF}".to_owned(),
        4 => "\u{D7FF}\u{E000}\u{FFFD}".to_owned(),
        5 => "x".repeat(1 + rng.index(4096)),
        6 => "\"\\/\u{8}\u{c}\n\r\t".to_owned(),
        7 => (*rng.pick(&KEYS)).to_owned(),
        8 => (*rng.pick(&SIDS)).to_owned(),
        9 => format!("CA{}", rng.next_u64()),
        10 => "null".to_owned(),
        _ => {
            let n = rng.index(24);
            (0..n)
                .map(|_| char::from_u32(rng.below(0x3_0000) as u32).unwrap_or('?'))
                .collect()
        }
    }
}

fn nested(rng: &mut Rng, depth: usize) -> Value {
    let object = rng.bool();
    let mut v = Value::Null;
    for _ in 0..depth {
        v = if object {
            json!({ "a": v })
        } else {
            json!([v])
        };
    }
    v
}

/// A value of any type, biased to the edges.
fn garbage(rng: &mut Rng, depth: u32) -> Value {
    match rng.below(if depth > 2 { 15 } else { 18 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.bool()),
        2 => json!(0),
        3 => json!(-1),
        4 => json!(u64::MAX),
        5 => json!(i64::MIN),
        6 => json!(*rng.pick(&[1e308, -1e308, 5e-324, 0.5, -0.0, 9_007_199_254_740_993.0])),
        7 => json!(rng.next_u64() >> rng.below(64)),
        8 => json!(f64::from_bits(rng.next_u64() & 0x7FEF_FFFF_FFFF_FFFF)),
        9..=12 => Value::String(garbage_string(rng)),
        13 => json!(1_u64 << 53),
        14 => json!(u64::from(u32::MAX) + 1),
        15 => {
            let depth = 1 + rng.index(150);
            nested(rng, depth)
        }
        16 => Value::Array((0..rng.index(4)).map(|_| garbage(rng, depth + 1)).collect()),
        _ => {
            let mut m = Map::new();
            for _ in 0..rng.index(4) {
                m.insert((*rng.pick(&KEYS)).to_owned(), garbage(rng, depth + 1));
            }
            Value::Object(m)
        }
    }
}

/// Changes one random spot of `v`: removes, replaces or adds a field or element.
fn mutate(rng: &mut Rng, v: &mut Value) {
    match v {
        Value::Object(m) if !m.is_empty() && rng.chance(3, 4) => {
            let key = m
                .keys()
                .nth(rng.index(m.len()))
                .cloned()
                .unwrap_or_default();
            match rng.below(6) {
                0 => {
                    m.remove(&key);
                }
                1 => {
                    m.insert(key, garbage(rng, 0));
                }
                2 => {
                    m.insert((*rng.pick(&KEYS)).to_owned(), garbage(rng, 0));
                }
                _ => {
                    if let Some(child) = m.get_mut(&key) {
                        mutate(rng, child);
                    }
                }
            }
        }
        Value::Array(a) if !a.is_empty() && rng.chance(3, 4) => {
            let i = rng.index(a.len());
            match rng.below(5) {
                0 => {
                    a.remove(i);
                }
                1 => a[i] = garbage(rng, 0),
                2 => a.push(garbage(rng, 0)),
                _ => mutate(rng, &mut a[i]),
            }
        }
        _ => *v = garbage(rng, 0),
    }
}

// ---------------------------------------------------------------------------------------------
// One execution.

/// An input, for the replay log (its fields are read only through `Debug`).
#[allow(dead_code)]
#[derive(Debug)]
enum Input {
    Config {
        value: Value,
        expect: Expect,
    },
    Snapshot {
        value: Value,
        well_formed: bool,
        now: u64,
    },
    Intent(Intent, u64),
    IntentJson {
        value: Value,
        well_formed: bool,
        now: u64,
    },
    ResultJson {
        id: u32,
        value: Value,
        expect: Expect,
        now: u64,
    },
    Result {
        id: u32,
        result: ApiResult,
        awaited: bool,
        now: u64,
    },
    Timeout(u64),
    Text(String),
    FloatText(f64),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    Ok,
    Err,
    Either,
}

struct Outstanding {
    id: u32,
    endpoint: Endpoint,
    params: Vec<(String, String)>,
}

struct Exec {
    rng: Rng,
    verbose: bool,
    engine: Conference,
    now: u64,
    task: &'static str,
    outstanding: Vec<Outstanding>,
    answered: Vec<u32>,
    /// Call SIDs and labels the engine or backend made up, used in later inputs.
    learned: Vec<String>,
    inputs: u64,
    new_calls: u32,
    stats: Stats,
    /// The latest time the engine was handed (`now` may run ahead of it when an input is
    /// refused before reaching the engine).
    seen: u64,
    /// A snapshot bound the engine to its task.
    bound: bool,
}

/// What the inputs reached, to show the sequences go deep enough to matter (stderr only).
#[derive(Default)]
struct Stats {
    commands: u64,
    api_commands: u64,
    results_delivered: u64,
    intents_accepted: u64,
    snapshots_handled: u64,
    texts_parsed: u64,
}

impl Stats {
    fn add(&self, to: &[AtomicU64; 6]) {
        let values = [
            self.commands,
            self.api_commands,
            self.results_delivered,
            self.intents_accepted,
            self.snapshots_handled,
            self.texts_parsed,
        ];
        for (a, v) in to.iter().zip(values) {
            a.fetch_add(v, Ordering::Relaxed);
        }
    }
}

type Outcome = Result<(), String>;

fn fail<T>(message: String) -> Result<T, String> {
    Err(message)
}

impl Exec {
    fn log(&self, input: &Input) {
        if self.verbose {
            eprintln!("  input {}: {input:?}", self.inputs);
        }
    }

    fn run(seed: u64, index: u64, verbose: bool) -> (u64, Stats, Outcome) {
        let mut rng = Rng::stream(seed, index);
        let mut exec = Self {
            engine: Conference::new(Config::default(), 0),
            now: if rng.bool() {
                1_700_000_000_000 + rng.below(100_000_000_000)
            } else {
                rng.below(1000)
            },
            rng,
            verbose,
            task: "WT1",
            outstanding: Vec::new(),
            answered: Vec::new(),
            learned: Vec::new(),
            inputs: 0,
            new_calls: 0,
            stats: Stats::default(),
            seen: 0,
            bound: false,
        };
        let outcome = exec.body();
        (exec.inputs, exec.stats, outcome)
    }

    fn body(&mut self) -> Outcome {
        self.text_case()?;
        if self.rng.chance(1, 8) {
            self.float_case()?;
        }
        let config = self.config()?;
        self.engine = Conference::new(config, self.now);
        self.seen = self.now;
        self.check_after()?;
        // Most engines see their task first, as in Flex; the rest start from anything.
        if self.rng.chance(4, 5) {
            self.snapshot()?;
        }
        let steps = 4 + self.rng.index(13);
        for _ in 0..steps {
            match self.rng.weighted(&[3, 3, 5, 1, 2]) {
                0 => self.snapshot()?,
                1 => self.intent()?,
                2 => self.answer()?,
                3 => self.stray_result()?,
                _ => self.timeout()?,
            }
            if self.rng.chance(1, 4) {
                let view = self.engine.view();
                std::hint::black_box(view);
            }
        }
        Ok(())
    }

    /// After every input: drain (bounded), record `api` commands, check the wake-up time.
    fn check_after(&mut self) -> Outcome {
        self.inputs += 1;
        let mut n = 0;
        while let Some(cmd) = self.engine.poll_command() {
            n += 1;
            self.stats.commands += 1;
            if n > MAX_DRAIN {
                return fail(format!("more than {MAX_DRAIN} commands after one input"));
            }
            if let Command::Api {
                id,
                endpoint,
                params,
            } = cmd
            {
                self.stats.api_commands += 1;
                if self.outstanding.iter().any(|o| o.id == id) || self.answered.contains(&id) {
                    return fail(format!("api command id {id} used twice"));
                }
                let params: Vec<(String, String)> = params
                    .iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect();
                if let Some((_, label)) = params.iter().find(|(k, _)| k == "label") {
                    self.learned.push(label.clone());
                }
                self.outstanding.push(Outstanding {
                    id,
                    endpoint,
                    params,
                });
            }
        }
        if let Some(t) = self.engine.poll_timeout() {
            // "never asks to be woken in the past" (tests/engine_properties.rs).
            if t < self.seen {
                return fail(format!("poll_timeout {t} is before now {}", self.seen));
            }
        }
        Ok(())
    }

    // --- configuration ---

    fn config(&mut self) -> Result<Config, String> {
        let (value, expect) = self.config_value();
        self.log(&Input::Config {
            value: value.clone(),
            expect,
        });
        let parsed = Config::from_json(&value);
        match (expect, &parsed) {
            (Expect::Ok, Err(e)) => return fail(format!("valid config refused: {e}")),
            (Expect::Err, Ok(_)) => return fail("invalid config accepted".to_owned()),
            _ => {}
        }
        match parsed {
            Ok(c) => Ok(c),
            // Refused: the execution goes on with a plain working configuration.
            Err(_) => Ok(
                Config::from_json(&json!({"enabled": true, "worker_sid": "WKa",
                "default_caller_id": "+15005550006"}))
                .map_err(|e| format!("fallback config refused: {e}"))?,
            ),
        }
    }

    fn ms(&mut self) -> u64 {
        match self.rng.below(6) {
            0 => 0,
            1 => 1 + self.rng.below(10),
            2 => 24 * 60 * 60 * 1000,
            _ => self.rng.below(120_000),
        }
    }

    fn config_value(&mut self) -> (Value, Expect) {
        let r = &mut self.rng;
        match r.below(20) {
            // Invalid: not an object, or polling that can never run.
            0 => {
                let v = match r.below(5) {
                    0 => json!(true),
                    1 => json!([]),
                    2 => json!("enabled"),
                    3 => json!(42),
                    _ => json!({"enabled": true, "poll_initial_ms": 0}),
                };
                (v, Expect::Err)
            }
            1 => {
                let lo = 2 + r.below(10_000);
                (
                    json!({"enabled": true, "poll_initial_ms": lo, "poll_max_ms": r.below(lo)}),
                    Expect::Err,
                )
            }
            2 => {
                let key = *r.pick(&[
                    "ring_timeout_ms",
                    "poll_initial_ms",
                    "poll_max_ms",
                    "guard_timeout_ms",
                    "random_seed",
                ]);
                let bad = r
                    .pick(&[
                        json!(-1),
                        json!(0.5),
                        json!("1000"),
                        json!(u64::MAX),
                        json!(1e300),
                    ])
                    .clone();
                (json!({"enabled": true, key: bad}), Expect::Err)
            }
            // Garbage: whatever it is, no panic.
            3 => (garbage(r, 0), Expect::Either),
            4 => {
                let mut v = self.valid_config();
                for _ in 0..1 + self.rng.index(3) {
                    mutate(&mut self.rng, &mut v);
                }
                (v, Expect::Either)
            }
            5 => (Value::Null, Expect::Ok),
            _ => (self.valid_config(), Expect::Ok),
        }
    }

    fn valid_config(&mut self) -> Value {
        let mut c = Map::new();
        let r = &mut self.rng;
        c.insert("enabled".into(), json!(!r.chance(1, 10)));
        for key in ["hold_workaround", "pre_hold_flag", "extensions"] {
            if r.chance(3, 4) {
                c.insert(key.into(), json!(r.bool()));
            }
        }
        if r.chance(1, 5) {
            c.insert("external_warm_transfers".into(), json!(r.bool()));
        }
        if r.chance(1, 3) {
            c.insert("hold_url".into(), json!("https://example.com/hold.mp3"));
        }
        if r.chance(4, 5) {
            c.insert(
                "worker_sid".into(),
                json!(*r.pick(&["WKa", "WKa", "WKa", "WKb", "", " "])),
            );
        }
        if r.chance(3, 4) {
            c.insert("default_caller_id".into(), json!("+15005550006"));
        }
        if r.chance(1, 3) {
            let mut attrs = json!({"phone": "+15005550007", "selectedCallerId": "+15005550008"});
            if r.bool() {
                attrs["config_overrides"] = json!({"features": {"conference": {
                    "enabled": r.bool(), "extensions": r.bool(), "hold_workaround": r.bool()}}});
            }
            c.insert("worker_attributes".into(), attrs);
        }
        if self.rng.chance(1, 2) {
            let v = self.ms();
            c.insert("ring_timeout_ms".into(), json!(v));
        }
        if self.rng.chance(1, 2) {
            let v = self.ms();
            c.insert("guard_timeout_ms".into(), json!(v));
        }
        if self.rng.chance(1, 2) {
            let lo = 1 + self.rng.below(3000);
            let hi = lo + self.rng.below(20_000);
            c.insert("poll_initial_ms".into(), json!(lo));
            c.insert("poll_max_ms".into(), json!(hi));
        }
        if self.rng.chance(1, 2) {
            let s = self.rng.below(u64::from(u32::MAX) + 1);
            c.insert("random_seed".into(), json!(s));
        }
        Value::Object(c)
    }

    // --- snapshots ---

    fn sid(&mut self) -> String {
        if !self.learned.is_empty() && self.rng.chance(1, 4) {
            let i = self.rng.index(self.learned.len());
            return self.learned[i].clone();
        }
        if self.rng.chance(1, 30) {
            return garbage_string(&mut self.rng);
        }
        (*self.rng.pick(&SIDS)).to_owned()
    }

    fn participant(&mut self, i: usize) -> Value {
        let sid = if i < SIDS.len() && self.rng.chance(4, 5) {
            SIDS[i].to_owned()
        } else {
            self.sid()
        };
        let r = &mut self.rng;
        let mut p = Map::new();
        if !r.chance(1, 30) {
            p.insert("callSid".into(), json!(sid));
        }
        let kind = if i < SIDS.len() && sid == SIDS[i] && r.chance(9, 10) {
            ["worker", "worker", "customer", "unknown", "unknown"][i]
        } else {
            *r.pick(&KINDS)
        };
        if !r.chance(1, 20) {
            p.insert("participantType".into(), json!(kind));
        }
        if !r.chance(1, 10) {
            p.insert("status".into(), json!(*r.pick(&LEG_STATUSES)));
        }
        let hold = r.chance(1, 3);
        let muted = r.chance(1, 4);
        if r.chance(1, 5) {
            p.insert(
                "mediaProperties".into(),
                json!({"hold": hold, "muted": muted,
                "to": "+14155550100"}),
            );
        } else {
            p.insert("onHold".into(), json!(hold));
            p.insert("muted".into(), json!(muted));
        }
        let me = sid == "CAagent" && !r.chance(1, 10);
        p.insert("isCurrentWorker".into(), json!(me));
        if kind == "worker" || r.chance(1, 10) {
            let worker = match sid.as_str() {
                "CAagent" if r.chance(9, 10) => "WKa",
                "CAworkerb" if r.chance(9, 10) => "WKb",
                _ => *r.pick(&["WKa", "WKb", "WKc"]),
            };
            p.insert("workerSid".into(), json!(worker));
        }
        if r.chance(1, 10) {
            p.insert("connecting".into(), json!(r.bool()));
        }
        if r.chance(1, 5) {
            p.insert(
                "participantSid".into(),
                json!(format!("CP{}", r.below(100))),
            );
        }
        Value::Object(p)
    }

    fn snapshot_value(&mut self) -> (Value, bool) {
        // Another task's snapshot, once the engine is bound to its own: refused.
        let task = if self.bound && self.rng.chance(1, 25) {
            *self.rng.pick(&["WT2", "wt1", "WT1 "])
        } else {
            self.task
        };
        let mut t = Map::new();
        t.insert("taskSid".into(), json!(task));
        // Mostly a live call; now and then pending, ended or unknown.
        match self.rng.below(10) {
            0 => {}
            1 => {
                let s = *self.rng.pick(&TASK_STATUSES);
                t.insert("status".into(), json!(s));
            }
            _ => {
                t.insert("status".into(), json!("accepted"));
            }
        }
        let conference_sid = *self.rng.pick(&["CF1", "CF1", "CF1", "CF1", "CF1", "CF2"]);
        if self.rng.chance(1, 3) {
            t.insert(
                "attributes".into(),
                json!({"conference": {"sid": conference_sid}}),
            );
        }
        if !self.rng.chance(1, 15) {
            let n = if self.rng.chance(1, 10) {
                self.rng.index(2)
            } else {
                2 + self.rng.index(5)
            };
            let participants: Vec<Value> = (0..n).map(|i| self.participant(i)).collect();
            let mut c = Map::new();
            if !self.rng.chance(1, 20) {
                c.insert("conferenceSid".into(), json!(conference_sid));
            }
            if self.rng.chance(1, 25) {
                let s = *self.rng.pick(&["closed", "failed", "in-progress"]);
                c.insert("status".into(), json!(s));
            }
            c.insert("participants".into(), Value::Array(participants));
            t.insert("conference".into(), Value::Object(c));
        }
        let mut v = Value::Object(t);
        if self.rng.chance(1, 5) {
            for _ in 0..1 + self.rng.index(3) {
                mutate(&mut self.rng, &mut v);
            }
            return (v, false);
        }
        (v, true)
    }

    fn snapshot(&mut self) -> Outcome {
        let (value, well_formed) = self.snapshot_value();
        self.now += self.rng.below(3);
        self.log(&Input::Snapshot {
            value: value.clone(),
            well_formed,
            now: self.now,
        });
        match TaskSnapshot::from_json(&value) {
            Ok(snap) => {
                // A refused snapshot (another task's) doesn't reach the engine's clock.
                if self.engine.handle_snapshot(snap, self.now).is_ok() {
                    self.seen = self.seen.max(self.now);
                    self.bound = true;
                    self.stats.snapshots_handled += 1;
                }
            }
            Err(e) if well_formed => {
                return fail(format!("well-formed snapshot refused: {e}"));
            }
            Err(_) => {}
        }
        self.check_after()
    }

    // --- intents ---

    fn typed_intent(&mut self) -> Intent {
        let call_sid = self.sid();
        match self.rng.below(9) {
            0 | 1 => Intent::AddParticipant {
                destination: if self.rng.chance(1, 10) {
                    garbage_string(&mut self.rng)
                } else {
                    (*self.rng.pick(&DESTINATIONS)).to_owned()
                },
                caller_id: match self.rng.below(4) {
                    0 => Some("+15005550009".to_owned()),
                    1 => Some(garbage_string(&mut self.rng)),
                    _ => None,
                },
            },
            2 => Intent::CancelDial { call_sid },
            3 => Intent::Hangup {
                confirm_leave: self.rng.bool(),
            },
            4 => Intent::Hold {
                call_sid,
                native_action: if self.rng.bool() {
                    NativeHold::HoldCall
                } else {
                    NativeHold::HoldParticipant
                },
            },
            5 => Intent::Unhold { call_sid },
            6 => Intent::Kick { call_sid },
            7 => Intent::Mute { call_sid },
            _ => Intent::Unmute { call_sid },
        }
    }

    fn intent_value(&mut self) -> (Value, bool) {
        let sid = self.sid();
        let r = &mut self.rng;
        let kind = *r.pick(&[
            "addParticipant",
            "hold",
            "unhold",
            "mute",
            "unmute",
            "kick",
            "cancelDial",
            "hangup",
        ]);
        let mut v = json!({ "kind": kind });
        match kind {
            "addParticipant" => {
                v["destination"] = json!(*r.pick(&DESTINATIONS));
                if r.bool() {
                    v["callerId"] = json!(*r.pick(&["+15005550009", "", " "]));
                }
            }
            "hangup" => {
                if r.bool() {
                    v["confirmLeave"] = json!(r.bool());
                }
            }
            _ => {
                v["callSid"] = json!(sid);
                if kind == "hold" && r.bool() {
                    v["nativeAction"] = json!(*r.pick(&["HoldCall", "HoldParticipant"]));
                }
            }
        }
        // A blank call SID is refused by design.
        let well_formed = !sid.trim().is_empty() || v.get("callSid").is_none();
        if r.chance(1, 4) {
            for _ in 0..1 + r.index(2) {
                mutate(r, &mut v);
            }
            return (v, false);
        }
        (v, well_formed)
    }

    fn intent(&mut self) -> Outcome {
        self.now += self.rng.below(3);
        if self.rng.chance(3, 5) {
            let intent = self.typed_intent();
            self.log(&Input::Intent(intent.clone(), self.now));
            self.seen = self.seen.max(self.now);
            if self.engine.handle_intent(intent, self.now).accepted {
                self.stats.intents_accepted += 1;
            }
        } else {
            let (value, well_formed) = self.intent_value();
            self.log(&Input::IntentJson {
                value: value.clone(),
                well_formed,
                now: self.now,
            });
            match Intent::from_json(&value) {
                Ok(intent) => {
                    self.seen = self.seen.max(self.now);
                    if self.engine.handle_intent(intent, self.now).accepted {
                        self.stats.intents_accepted += 1;
                    }
                }
                Err(e) if well_formed => {
                    return fail(format!("well-formed intent refused: {e}"));
                }
                Err(_) => {}
            }
        }
        self.check_after()
    }

    // --- API results ---

    fn param(params: &[(String, String)], key: &str) -> String {
        params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    fn success_body(&mut self, endpoint: Endpoint, params: &[(String, String)]) -> Value {
        let p = |k: &str| Self::param(params, k);
        let r = &mut self.rng;
        match endpoint {
            Endpoint::AddParticipant => {
                self.new_calls += 1;
                let sid = format!("CAnew{}", self.new_calls);
                self.learned.push(sid.clone());
                json!({"success": true, "participantsResponse": {
                    "callSid": sid, "label": p("label"), "endConferenceOnExit": false}})
            }
            Endpoint::GetCallProperties => json!({"success": true, "callProperties": {
                "status": *r.pick(&CALL_STATUSES), "to": "+14155550100"}}),
            Endpoint::GetParticipant => {
                let sid = if p("participant").starts_with("CA") {
                    p("participant")
                } else {
                    self.new_calls += 1;
                    let sid = format!("CAnew{}", self.new_calls);
                    self.learned.push(sid.clone());
                    sid
                };
                let r = &mut self.rng;
                json!({"success": true, "participantsResponse": {
                    "callSid": sid, "label": p("participant"), "hold": r.bool(),
                    "muted": r.bool(), "endConferenceOnExit": r.bool(),
                    "status": *r.pick(&["connected", "ringing", "queued", "complete", "x"])}})
            }
            Endpoint::RemoveParticipant => {
                json!({"success": true, "participantsResponse": true})
            }
            Endpoint::UpdateParticipant => json!({"success": true, "participantsResponse": {
                "callSid": p("participant"),
                "endConferenceOnExit": p("endConferenceOnExit") == "true"}}),
            Endpoint::HoldParticipant => json!({"success": true, "participantsResponse": {
                "callSid": p("participant"), "hold": p("hold") == "true"}}),
            Endpoint::MuteParticipant => json!({"success": true, "participantsResponse": {
                "callSid": p("participant"), "muted": p("muted") == "true"}}),
        }
    }

    /// `(status, body, network error)` of a reply to `o`.
    fn reply(
        &mut self,
        endpoint: Endpoint,
        params: &[(String, String)],
    ) -> (u16, Value, Option<String>) {
        let r = &mut self.rng;
        let error = |status: u16, code: Value| {
            json!({"success": false, "message": "injected", "status": status,
                "twilioErrorCode": code, "twilioDocPage": "https://www.twilio.com/docs/errors/x"})
        };
        match r.weighted(&[10, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1]) {
            0 => (200, self.success_body(endpoint, params), None),
            1 => {
                let mut body = self.success_body(endpoint, params);
                mutate(&mut self.rng, &mut body);
                (*self.rng.pick(&[200, 201, 204, 299]), body, None)
            }
            2 => (429, error(429, json!(20429)), None),
            3 => (
                *r.pick(&[500, 502, 503, 504]),
                error(500, Value::Null),
                None,
            ),
            4 => (
                404,
                error(404, json!(*r.pick(&[json!(20404), json!("20404")]))),
                None,
            ),
            5 => (400, error(400, json!(13223)), None),
            6 => (400, json!({"message": "bad"}), None),
            7 => (403, json!("Unauthorized: Token was not provided"), None),
            8 => (403, json!({"message": "Forbidden"}), None),
            9 => (0, Value::Null, Some("Failed to fetch".to_owned())),
            10 => (100 + r.below(900) as u16, garbage(r, 0), None),
            _ => (
                *r.pick(&[200, 404, 429, 500]),
                json!(*r.pick(&["<html>502 Bad Gateway</html>", "", "{", "{\"success\":tru"])),
                None,
            ),
        }
    }

    fn answer(&mut self) -> Outcome {
        if self.outstanding.is_empty() {
            return self.timeout();
        }
        let i = if self.rng.chance(3, 4) {
            0
        } else {
            self.rng.index(self.outstanding.len())
        };
        let o = self.outstanding.remove(i);
        let (status, mut body, network) = self.reply(o.endpoint, &o.params);
        // Text bodies go through the crate's JSON reader inside `classify`.
        if self.rng.chance(1, 4) && !body.is_string() {
            body = Value::String(body.to_string());
        }
        self.now += self.rng.below(2000);
        if self.rng.chance(1, 2) {
            // As the wasm boundary hands it over: `{ ok, status, body, networkError }`.
            let consistent = !self.rng.chance(1, 12);
            let ok = if consistent {
                (200..300).contains(&status)
            } else {
                !(200..300).contains(&status)
            };
            let mut v = json!({"ok": ok, "status": status, "body": body});
            if let Some(n) = network {
                v["networkError"] = json!(n);
            } else if self.rng.chance(1, 10) {
                v["networkError"] = self.rng.pick(&[json!(false), json!(null)]).clone();
            }
            let expect = if consistent { Expect::Ok } else { Expect::Err };
            self.log(&Input::ResultJson {
                id: o.id,
                value: v.clone(),
                expect,
                now: self.now,
            });
            match ApiResult::from_json(v) {
                Ok(result) => {
                    if expect == Expect::Err {
                        return fail("inconsistent result accepted".to_owned());
                    }
                    self.seen = self.seen.max(self.now);
                    if let Err(e) = self.engine.handle_api_result(o.id, result, self.now) {
                        return fail(format!("result for awaited id {} refused: {e}", o.id));
                    }
                    self.stats.results_delivered += 1;
                    self.answered.push(o.id);
                }
                Err(e) => {
                    if expect == Expect::Ok {
                        return fail(format!("well-formed result refused: {e}"));
                    }
                    // Not delivered: the command is still awaited.
                    self.outstanding.insert(0, o);
                }
            }
        } else {
            let result = match network {
                Some(n) => ApiResult::network(&n),
                None => ApiResult::http(status, Json::from(body)),
            };
            self.log(&Input::Result {
                id: o.id,
                result: result.clone(),
                awaited: true,
                now: self.now,
            });
            self.seen = self.seen.max(self.now);
            if let Err(e) = self.engine.handle_api_result(o.id, result, self.now) {
                return fail(format!("result for awaited id {} refused: {e}", o.id));
            }
            self.stats.results_delivered += 1;
            self.answered.push(o.id);
        }
        self.check_after()
    }

    /// A result for an id that is not awaited: refused with an error.
    fn stray_result(&mut self) -> Outcome {
        let id = if !self.answered.is_empty() && self.rng.bool() {
            self.answered[self.rng.index(self.answered.len())]
        } else {
            *self.rng.pick(&[0, u32::MAX])
        };
        let result = ApiResult::ok(Json::from(&json!({"success": true})));
        self.log(&Input::Result {
            id,
            result: result.clone(),
            awaited: false,
            now: self.now,
        });
        if self.engine.handle_api_result(id, result, self.now).is_ok() {
            return fail(format!("result for id {id}, not awaited, accepted"));
        }
        self.check_after()
    }

    // --- time ---

    fn timeout(&mut self) -> Outcome {
        let next = self.engine.poll_timeout();
        self.now = match self.rng.below(8) {
            0 => self.now,
            1 => self.now + 1,
            2 | 3 => next.unwrap_or(self.now).max(self.now),
            4 => next.unwrap_or(self.now).max(self.now) + self.rng.below(5),
            5 => self.now + self.rng.below(2000),
            6 => self.now + self.rng.below(120_000),
            _ => self.now + self.rng.below(3 * 24 * 60 * 60 * 1000),
        };
        self.log(&Input::Timeout(self.now));
        self.seen = self.seen.max(self.now);
        self.engine.handle_timeout(self.now);
        self.check_after()
    }

    // --- the JSON text reader and writer ---

    fn text(&mut self) -> String {
        let r = &mut self.rng;
        match r.weighted(&[3, 3, 6, 3, 2, 2, 1]) {
            // Random bytes, made UTF-8.
            0 => {
                let bytes: Vec<u8> = (0..r.index(40)).map(|_| r.next_u64() as u8).collect();
                String::from_utf8_lossy(&bytes).into_owned()
            }
            // Token soup.
            1 => {
                const TOKENS: [&str; 24] = [
                    "{", "}", "[", "]", ",", ":", "\"", "\"a\"", "1", "-", "0", ".", "e", "E", "+",
                    "true", "null", "fals", " ", "\n", "\\", "\\u", "12", "\u{7f}",
                ];
                (0..r.index(24)).map(|_| *r.pick(&TOKENS)).collect()
            }
            // A realistic value, written and perhaps mutated byte-wise.
            2 => {
                let v = match r.below(4) {
                    0 => self.snapshot_value().0,
                    1 => self.intent_value().0,
                    2 => {
                        let (_, b, _) = self.reply(Endpoint::GetParticipant, &[]);
                        b
                    }
                    _ => garbage(&mut self.rng, 0),
                };
                let text = if self.rng.bool() {
                    v.to_string()
                } else {
                    serde_json::to_string_pretty(&v).unwrap_or_default()
                };
                let mut bytes = text.into_bytes();
                let r = &mut self.rng;
                for _ in 0..r.index(4) {
                    if bytes.is_empty() {
                        break;
                    }
                    let i = r.index(bytes.len());
                    match r.below(4) {
                        0 => {
                            bytes.remove(i);
                        }
                        1 => bytes[i] = *r.pick(b"{}[],:\"\\-+.0123456789eEtfnu \x00\x7f\xff"),
                        2 => bytes.insert(i, *r.pick(b"{}[],:\"\\-0e ")),
                        _ => bytes.truncate(i),
                    }
                }
                String::from_utf8_lossy(&bytes).into_owned()
            }
            // Numbers at the edges.
            3 => {
                const NUMBERS: [&str; 34] = [
                    "0",
                    "-0",
                    "-0.0",
                    "01",
                    "1.",
                    ".5",
                    "1e",
                    "1e+",
                    "-",
                    "+1",
                    "1e400",
                    "-1e400",
                    "1e-400",
                    "4.9e-324",
                    "2.4e-324",
                    "1.7976931348623157e308",
                    "1.7976931348623159e308",
                    "18446744073709551615",
                    "18446744073709551616",
                    "-9223372036854775808",
                    "-9223372036854775809",
                    "9007199254740993",
                    "0.1",
                    "123456789012345678901234567890",
                    "1E5",
                    "1e-5",
                    "2.5e+16",
                    "0.30000000000000004",
                    "1e0000000000000000000001",
                    "1e-99999999999999999999",
                    "0.00000000000000000000000000000000000001e38",
                    "1_0",
                    "0x10",
                    "Infinity",
                ];
                let n = *r.pick(&NUMBERS);
                if r.bool() {
                    format!("{{\"n\":{n}}}")
                } else if r.bool() {
                    let digits: String = (0..1 + r.index(40))
                        .map(|_| char::from(b'0' + r.below(10) as u8))
                        .collect();
                    let frac: String = (0..r.index(30))
                        .map(|_| char::from(b'0' + r.below(10) as u8))
                        .collect();
                    let exp = r.below(700) as i64 - 350;
                    format!(
                        "{{\"n\":{}{digits}.{}e{exp}}}",
                        if r.bool() { "-" } else { "" },
                        if frac.is_empty() { "0" } else { &frac }
                    )
                } else {
                    n.to_owned()
                }
            }
            // Strings and escapes.
            4 => {
                const PIECES: [&str; 16] = [
                    "a",
                    "\\u0000",
                    "\\ud800",
                    "\\udc00",
                    "\\ud800\\udc00",
                    "\\uD83D\\uDE00",
                    "\\u00e9",
                    "\\n",
                    "\\/",
                    "\\x",
                    "\\",
                    "\u{1}",
                    "é",
                    "🙂",
                    "\\uZZZZ",
                    "\\u12",
                ];
                let s: String = (0..r.index(8)).map(|_| *r.pick(&PIECES)).collect();
                if r.bool() {
                    format!("{{\"{s}\":\"{s}\"}}")
                } else {
                    format!("\"{s}\"")
                }
            }
            // Deep nesting around the limit (127 levels parse, 128 fail), and far beyond.
            5 => {
                let d = *r.pick(&[1, 126, 127, 128, 129, 1000, 100_000]);
                let (open, close) = if r.bool() {
                    ("[", "]")
                } else {
                    ("{\"a\":", "}")
                };
                let close_n = if r.chance(1, 4) { d / 2 } else { d };
                format!(
                    "{}{}{}",
                    open.repeat(d),
                    if r.bool() { "0" } else { "null" },
                    close.repeat(close_n)
                )
            }
            // Long strings.
            _ => {
                let n = *r.pick(&[1000, 65_536, 200_000]);
                format!("{{\"s\":\"{}\"}}", "\u{e9}x\\n".repeat(n / 4))
            }
        }
    }

    fn text_case(&mut self) -> Outcome {
        let text = self.text();
        self.log(&Input::Text(text.clone()));
        self.inputs += 1;
        // A 2xx body is parsed and must be an object; 403 and others read it too.
        let ours = classify(200, Json::String(text.clone()), None);
        let theirs = serde_json::from_str::<Value>(&text);
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) => {
                self.stats.texts_parsed += 1;
                let b_json = Json::from(b);
                if !same(a, &b_json) {
                    return fail(format!("the reader and serde_json differ: {a:?} vs {b:?}"));
                }
                // Equal values are written as serde_json writes them (value.rs, `Display`).
                if *a == b_json {
                    let (ours, theirs) = (a.to_string(), b.to_string());
                    if ours != theirs {
                        return fail(format!(
                            "the writer differs from serde_json: {ours} vs {theirs}"
                        ));
                    }
                }
            }
            (Err(_), Ok(b)) if b.is_object() => {
                return fail(format!(
                    "serde_json reads an object the reader refuses: {ours:?}"
                ));
            }
            (Ok(a), Err(e)) => {
                return fail(format!(
                    "the reader accepts what serde_json refuses ({e}): {a:?}"
                ));
            }
            _ => {}
        }
        let _ = classify(403, Json::String(text.clone()), None);
        let _ = classify(429, Json::String(text), None);
        Ok(())
    }

    fn float_case(&mut self) -> Outcome {
        let r = &mut self.rng;
        let x = match r.below(3) {
            0 => f64::from_bits(r.next_u64()),
            1 => (r.next_u64() >> r.below(64)) as f64 / 10f64.powi(r.below(20) as i32),
            _ => *r.pick(&[0.1, 1e15, 1e16, 1e-5, 1e-6, 5e-324, f64::MAX, -0.0, 123.456]),
        };
        if !x.is_finite() {
            return Ok(());
        }
        self.log(&Input::FloatText(x));
        self.inputs += 1;
        let ours = Json::Number(JsonNumber::Float(x)).to_string();
        let theirs = Value::from(x).to_string();
        if ours != theirs {
            return fail(format!(
                "float {x:e} written as {ours}, serde_json {theirs}"
            ));
        }
        Ok(())
    }
}

/// Units in the last place allowed between the reader's floats and serde_json's: the reader
/// promises "within a few units in the last place" (json_text.rs, `Decimal::to_f64`) where serde_json
/// is not exact either; 5 have been seen (serde_json within 1 of the exact value).
const FLOAT_ULPS: u64 = 16;

/// The largest distance in units in the last place seen between the two parsers' floats.
static MAX_ULPS_SEEN: AtomicU64 = AtomicU64::new(0);

/// Equal, numbers compared as the reader documents: integers exactly, floats within
/// [`FLOAT_ULPS`].
fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(JsonNumber::Float(x)), Json::Number(JsonNumber::Float(y))) => {
            let ulps = if x == y {
                0
            } else {
                ((x.to_bits() as i64) - (y.to_bits() as i64)).unsigned_abs()
            };
            MAX_ULPS_SEEN.fetch_max(ulps, Ordering::Relaxed);
            ulps <= FLOAT_ULPS
        }
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.iter().count() == y.iter().count()
                && x.iter()
                    .zip(y.iter())
                    .all(|((k1, v1), (k2, v2))| k1 == k2 && same(v1, v2))
        }
        _ => a == b,
    }
}

// ---------------------------------------------------------------------------------------------
// The driver.

thread_local! {
    /// The last panic's message and location on this thread.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

struct Args {
    executions: u64,
    seed: u64,
    skip: u64,
    threads: u64,
    verbose: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        executions: DEFAULT_EXECUTIONS,
        seed: DEFAULT_SEED,
        skip: 0,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get() as u64),
        verbose: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut num = |name: &str| -> Result<u64, String> {
            let v = it.next().ok_or_else(|| format!("{name} needs a value"))?;
            let v = v.replace('_', "");
            match v.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16),
                None => v.parse(),
            }
            .map_err(|e| format!("{name} {v}: {e}"))
        };
        match a.as_str() {
            "--executions" | "-n" => args.executions = num("--executions")?,
            "--seed" => args.seed = num("--seed")?,
            "--skip" => args.skip = num("--skip")?,
            "--threads" => args.threads = num("--threads")?.max(1),
            "--verbose" | "-v" => args.verbose = true,
            // `cargo bench` passes `--bench`; ignore it.
            "--bench" => {}
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

/// One execution under `catch_unwind`: the number of inputs and, on trouble, what went wrong.
fn guarded(
    seed: u64,
    index: u64,
    verbose: bool,
    stats: &[AtomicU64; 6],
) -> (u64, Option<(bool, String)>) {
    let inputs = AtomicU64::new(0);
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        let (n, s, outcome) = Exec::run(seed, index, verbose);
        inputs.store(n, Ordering::Relaxed);
        s.add(stats);
        outcome
    }));
    let n = inputs.load(Ordering::Relaxed);
    match result {
        Ok(Ok(())) => (n, None),
        Ok(Err(message)) => (n, Some((false, message))),
        Err(_) => {
            let message = LAST_PANIC
                .with(|p| p.borrow_mut().take())
                .unwrap_or_else(|| "panic".to_owned());
            (n, Some((true, message)))
        }
    }
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("fuzz: {e}");
            eprintln!(
                "usage: fuzz [--executions N] [--seed S] [--skip K] [--threads T] [--verbose]"
            );
            return ExitCode::from(2);
        }
    };
    panic::set_hook(Box::new(|info| {
        let mut text = String::new();
        let _ = write!(text, "{info}");
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(text));
    }));
    let start = Instant::now();
    let inputs = AtomicU64::new(0);
    let panics = AtomicU64::new(0);
    let failures = AtomicU64::new(0);
    let stats: [AtomicU64; 6] = Default::default();
    let troubles: Mutex<Vec<(u64, bool, String)>> = Mutex::new(Vec::new());
    let (first, end) = (args.skip, args.skip.saturating_add(args.executions));
    std::thread::scope(|s| {
        for t in 0..args.threads {
            let (inputs, panics, failures, troubles) = (&inputs, &panics, &failures, &troubles);
            let stats = &stats;
            let args = &args;
            s.spawn(move || {
                let mut local = 0;
                let mut index = first + t;
                while index < end {
                    let (n, trouble) = guarded(args.seed, index, args.verbose, stats);
                    local += n;
                    if let Some((panicked, message)) = trouble {
                        if panicked {
                            panics.fetch_add(1, Ordering::Relaxed);
                        } else {
                            failures.fetch_add(1, Ordering::Relaxed);
                        }
                        if let Ok(mut list) = troubles.lock() {
                            list.push((index, panicked, message));
                        }
                    }
                    index += args.threads;
                }
                inputs.fetch_add(local, Ordering::Relaxed);
            });
        }
    });
    let seconds = start.elapsed().as_secs_f64();
    let mut troubles = troubles.into_inner().unwrap_or_default();
    troubles.sort_by_key(|t| t.0);
    for (i, (index, panicked, message)) in troubles.iter().enumerate() {
        let what = if *panicked { "PANIC" } else { "FAILURE" };
        eprintln!(
            "{what} in execution {index} (seed {}): {message}",
            args.seed
        );
        eprintln!(
            "  replay: fuzz --seed {} --skip {index} --executions 1 --threads 1 --verbose",
            args.seed
        );
        if (i as u64) < MAX_REPORTED && !args.verbose {
            eprintln!("  inputs:");
            let _ = guarded(args.seed, *index, true, &Default::default());
        }
    }
    let executions = end - first;
    let (panics, failures) = (panics.into_inner(), failures.into_inner());
    eprintln!(
        "fuzz: {executions} executions, {} inputs in {seconds:.1} s ({:.0} executions/s, {} threads)",
        inputs.load(Ordering::Relaxed),
        executions as f64 / seconds.max(1e-9),
        args.threads,
    );
    let s = stats.map(AtomicU64::into_inner);
    eprintln!(
        "fuzz: reached {} commands ({} api), {} results delivered, {} intents accepted, \
         {} snapshots handled, {} texts read alike by both parsers",
        s[0], s[1], s[2], s[3], s[4], s[5]
    );
    eprintln!(
        "fuzz: the reader's floats were at most {} units in the last place from serde_json's",
        MAX_ULPS_SEEN.load(Ordering::Relaxed)
    );
    println!(
        "{}",
        json!({
            "executions": executions,
            "inputs": inputs.into_inner(),
            "panics": panics,
            "failures": failures,
            "seconds": (seconds * 100.0).round() / 100.0,
            "seed": args.seed,
        })
    );
    if panics + failures > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
