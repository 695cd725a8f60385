//! Property tests: for arbitrary sequences of snapshots, intents, API results and timeouts the
//! engine never panics, never asks to be woken in the past, never writes a flag on a leg that is
//! not live, creates at most one leg per add unless a label lookup proved it absent, and once the
//! backend answers successfully its confirmed flags converge to the policy's desired ones.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use flex_conference::api::Endpoint;
use flex_conference::core::monitor;
use flex_conference::core::{
    ApiResult, Command, Conference, Config, Intent, NativeHold, TaskSnapshot,
};
use proptest::prelude::*;
use serde_json::{json, Value};

const SIDS: [&str; 5] = ["CAagent", "CAworkerb", "CAcustomer", "CAx", "CAy"];
const KINDS: [&str; 5] = ["worker", "worker", "customer", "unknown", "unknown"];

/// One participant's state in a generated snapshot: absent, joined (held or not), left.
#[derive(Clone, Copy, Debug)]
enum Presence {
    Absent,
    Joined { hold: bool },
    Left,
}

fn presence() -> impl Strategy<Value = Presence> {
    prop_oneof![
        1 => Just(Presence::Absent),
        4 => any::<bool>().prop_map(|hold| Presence::Joined { hold }),
        1 => Just(Presence::Left),
    ]
}

fn snapshot(roster: &[Presence; 5]) -> TaskSnapshot {
    let participants: Vec<Value> = roster
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let (status, hold) = match p {
                Presence::Absent => return None,
                Presence::Joined { hold } => ("joined", *hold),
                Presence::Left => ("left", false),
            };
            Some(json!({
                "callSid": SIDS[i], "participantType": KINDS[i], "status": status,
                "onHold": hold, "isCurrentWorker": i == 0,
                "workerSid": match i { 0 => json!("WKa"), 1 => json!("WKb"), _ => json!(null) },
            }))
        })
        .collect();
    let json = json!({"taskSid": "WT1", "status": "accepted",
        "conference": {"conferenceSid": "CF1", "participants": participants}});
    TaskSnapshot::from_json(&json).unwrap_or_else(|e| panic!("generated snapshot parses: {e}"))
}

/// How the backend answers one request.
#[derive(Clone, Copy, Debug)]
enum Reply {
    Ok,
    Status(u16, Option<u32>),
    Auth,
    Network,
}

fn reply() -> impl Strategy<Value = Reply> {
    prop_oneof![
        6 => Just(Reply::Ok),
        1 => Just(Reply::Status(429, Some(20429))),
        1 => Just(Reply::Status(500, None)),
        1 => Just(Reply::Status(503, None)),
        1 => Just(Reply::Status(404, Some(20404))),
        1 => Just(Reply::Status(400, Some(13223))),
        1 => Just(Reply::Auth),
        1 => Just(Reply::Network),
    ]
}

#[derive(Clone, Debug)]
enum Step {
    Snapshot([Presence; 5]),
    Intent(Intent),
    /// Answer the oldest outstanding request.
    Answer(Reply),
    Wait(u64),
}

fn intent() -> impl Strategy<Value = Intent> {
    let sid = prop::sample::select(SIDS.to_vec()).prop_map(str::to_owned);
    prop_oneof![
        prop::sample::select(vec!["+14155550100", "+14155550101", "12ab", " "]).prop_map(|d| {
            Intent::AddParticipant {
                destination: d.into(),
                caller_id: None,
            }
        }),
        sid.clone().prop_map(|call_sid| Intent::Hold {
            call_sid,
            native_action: NativeHold::HoldParticipant
        }),
        sid.clone().prop_map(|call_sid| Intent::Unhold { call_sid }),
        sid.clone().prop_map(|call_sid| Intent::Mute { call_sid }),
        sid.clone().prop_map(|call_sid| Intent::Kick { call_sid }),
        sid.prop_map(|call_sid| Intent::CancelDial { call_sid }),
        any::<bool>().prop_map(|confirm_leave| Intent::Hangup { confirm_leave }),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        2 => prop::array::uniform5(presence()).prop_map(Step::Snapshot),
        2 => intent().prop_map(Step::Intent),
        4 => reply().prop_map(Step::Answer),
        2 => (0u64..40_000).prop_map(Step::Wait),
    ]
}

/// The success body a backend would send for a request.
fn success(endpoint: Endpoint, params: &BTreeMap<String, String>) -> Value {
    let p = |k: &str| params.get(k).cloned().unwrap_or_default();
    match endpoint {
        Endpoint::AddParticipant => json!({"success": true, "participantsResponse": {
            "callSid": "CAnew", "label": p("label"), "endConferenceOnExit": false}}),
        Endpoint::GetCallProperties => {
            json!({"success": true, "callProperties": {"status": "ringing"}})
        }
        Endpoint::RemoveParticipant => json!({"success": true, "participantsResponse": true}),
        Endpoint::UpdateParticipant => json!({"success": true, "participantsResponse": {
            "callSid": p("participant"), "endConferenceOnExit": p("endConferenceOnExit") == "true"}}),
        Endpoint::HoldParticipant => json!({"success": true, "participantsResponse": {
            "callSid": p("participant"), "hold": p("hold") == "true"}}),
        _ => json!({"success": true, "participantsResponse": {"callSid": p("participant")}}),
    }
}

fn result(reply: Reply, endpoint: Endpoint, params: &BTreeMap<String, String>) -> ApiResult {
    match reply {
        Reply::Ok => ApiResult::ok(success(endpoint, params)),
        Reply::Status(status, code) => ApiResult::http(
            status,
            json!({"success": false, "message": "injected", "twilioErrorCode": code}),
        ),
        Reply::Auth => ApiResult::http(403, json!("Unauthorized: Token was not provided")),
        Reply::Network => ApiResult::network("Failed to fetch"),
    }
}

/// Drives an engine and checks the per-step properties.
struct Run {
    engine: Conference,
    now: u64,
    last: Option<TaskSnapshot>,
    outstanding: Vec<(u32, Endpoint, BTreeMap<String, String>)>,
    creates: BTreeMap<String, u32>,
    known_absent: BTreeMap<String, u32>,
    /// Call SIDs that left, were removed or answered 20404: like real calls, they never return.
    departed: Vec<String>,
}

impl Run {
    fn new(extensions: bool) -> Self {
        let config = Config::from_json(&json!({"enabled": true, "worker_sid": "WKa",
            "default_caller_id": "+15005550006", "extensions": extensions, "hold_workaround": true}))
        .unwrap_or_else(|e| panic!("config parses: {e}"));
        Self {
            engine: Conference::new(config, 0),
            now: 0,
            last: None,
            outstanding: Vec::new(),
            creates: BTreeMap::new(),
            known_absent: BTreeMap::new(),
            departed: Vec::new(),
        }
    }

    fn drain(&mut self) -> Result<(), TestCaseError> {
        while let Some(cmd) = self.engine.poll_command() {
            if let Command::Api {
                id,
                endpoint,
                params,
            } = cmd
            {
                let params: BTreeMap<String, String> = params
                    .iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect();
                prop_assert!(
                    !params.contains_key("Token"),
                    "the core never handles the token"
                );
                if endpoint == Endpoint::UpdateParticipant {
                    let target = params.get("participant").cloned().unwrap_or_default();
                    let live = self
                        .last
                        .as_ref()
                        .and_then(|s| s.find(&target))
                        .is_some_and(|p| p.is_live());
                    prop_assert!(live, "flag write to {target}, which is not live");
                }
                if endpoint == Endpoint::AddParticipant {
                    let label = params.get("label").cloned().unwrap_or_default();
                    let n = self.creates.entry(label.clone()).or_default();
                    *n += 1;
                    let allowed = 1 + self.known_absent.get(&label).copied().unwrap_or(0);
                    prop_assert!(*n <= allowed, "{n} creates for one add ({label})");
                }
                self.outstanding.push((id, endpoint, params));
            }
        }
        if let Some(t) = self.engine.poll_timeout() {
            prop_assert!(t > self.now, "wake-up {t} is not after now {}", self.now);
        }
        Ok(())
    }

    fn apply(&mut self, step: Step) -> Result<(), TestCaseError> {
        match step {
            Step::Snapshot(roster) => {
                let roster = self.realistic(roster);
                let snap = snapshot(&roster);
                self.last = Some(snap.clone());
                prop_assert!(self.engine.handle_snapshot(snap, self.now).is_ok());
            }
            Step::Intent(intent) => {
                let _ = self.engine.handle_intent(intent, self.now);
            }
            Step::Answer(reply) => {
                if !self.outstanding.is_empty() {
                    let (id, endpoint, params) = self.outstanding.remove(0);
                    if endpoint == Endpoint::AddParticipant
                        && matches!(reply, Reply::Status(429, _))
                    {
                        // 429: never processed, so sending the create again is no duplicate.
                        let label = params.get("label").cloned().unwrap_or_default();
                        *self.known_absent.entry(label).or_default() += 1;
                    }
                    if endpoint == Endpoint::GetParticipant
                        && matches!(reply, Reply::Status(404, _))
                    {
                        let label = params.get("participant").cloned().unwrap_or_default();
                        *self.known_absent.entry(label).or_default() += 1;
                    }
                    let participant = params.get("participant").cloned();
                    let removed =
                        endpoint == Endpoint::RemoveParticipant && matches!(reply, Reply::Ok);
                    if let (Some(p), true) = (
                        participant,
                        removed || matches!(reply, Reply::Status(404, _)),
                    ) {
                        self.departed.push(p);
                    }
                    let r = result(reply, endpoint, &params);
                    prop_assert!(self.engine.handle_api_result(id, r, self.now).is_ok());
                }
            }
            Step::Wait(ms) => {
                self.now += ms;
                self.engine.handle_timeout(self.now);
            }
        }
        self.drain()
    }

    /// A departed call never comes back: it shows as left from then on.
    fn realistic(&mut self, mut roster: [Presence; 5]) -> [Presence; 5] {
        for (i, p) in roster.iter_mut().enumerate() {
            if self.departed.iter().any(|d| d == SIDS[i]) {
                *p = Presence::Left;
            } else if matches!(p, Presence::Left) {
                self.departed.push(SIDS[i].to_owned());
            }
        }
        roster
    }

    /// Answers everything successfully and lets every timer run until nothing is left to do.
    fn settle(&mut self, roster: [Presence; 5]) -> Result<(), TestCaseError> {
        self.apply(Step::Snapshot(roster))?;
        // The agent acts with a working login: after a 403 the engine waits for exactly this (or
        // a request that succeeds) before writing again. The intent itself is refused.
        self.apply(Step::Intent(Intent::Mute {
            call_sid: "CAnobody".into(),
        }))?;
        for _ in 0..2_000 {
            if !self.outstanding.is_empty() {
                let departed = self.departed.len();
                self.apply(Step::Answer(Reply::Ok))?;
                if self.departed.len() != departed {
                    // Flex shows the removal: the departed leg is now left.
                    self.apply(Step::Snapshot(roster))?;
                }
                continue;
            } else if let Some(t) = self.engine.poll_timeout() {
                self.now = t;
                self.engine.handle_timeout(self.now);
            } else {
                return Ok(());
            }
            self.drain()?;
        }
        Err(TestCaseError::fail("the engine never went quiet"))
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn no_input_sequence_panics_or_breaks_the_per_step_rules(
        steps in prop::collection::vec(step(), 1..60),
        extensions in any::<bool>(),
    ) {
        let mut run = Run::new(extensions);
        for s in steps {
            run.apply(s)?;
        }
    }

    #[test]
    fn confirmed_flags_converge_to_the_desired_ones_once_the_backend_answers(
        steps in prop::collection::vec(step(), 1..60),
        final_roster in prop::array::uniform5(presence()),
    ) {
        let mut run = Run::new(true);
        for s in steps {
            run.apply(s)?;
        }
        // A stable, unheld roster with the agent alone among workers and an added leg live
        // (unless those calls already ended).
        let mut roster = final_roster.map(|p| match p {
            Presence::Joined { .. } => Presence::Joined { hold: false },
            other => other,
        });
        roster[0] = Presence::Joined { hold: false };
        roster[1] = Presence::Left;
        roster[3] = Presence::Joined { hold: false };
        run.settle(roster)?;
        let snap = run.last.clone().unwrap_or_else(|| snapshot(&roster));
        if !monitor::is_reconciler(&snap, Some("WKa")) {
            return Ok(());
        }
        let verdict = monitor::evaluate(&snap, run.engine.config().mode(), 0, |p| p.on_hold);
        let view = run.engine.view();
        prop_assert!(view.connecting.is_empty(), "adds still tracked: {:?}", view.connecting);
        for leg in verdict.legs {
            let confirmed = view
                .participants
                .iter()
                .find(|p| p.call_sid == leg.call_sid)
                .and_then(|p| p.end_conference_on_exit);
            if verdict.armed {
                prop_assert_eq!(confirmed, Some(leg.desired), "leg {}", leg.call_sid);
            } else {
                // Unarmed, Flex's own flags stand; only a false this engine left must be undone.
                prop_assert!(confirmed != Some(!leg.desired), "leg {} left at {:?}", leg.call_sid, confirmed);
            }
        }
    }

    #[test]
    fn arbitrary_json_never_panics_the_parsers(value in arb_json()) {
        let _ = TaskSnapshot::from_json(&value);
        let _ = Intent::from_json(&value);
        let _ = Config::from_json(&value);
        let _ = ApiResult::from_json(value.clone());
        let wrapped = json!({"taskSid": "WT1", "conference": {"conferenceSid": "CF1", "participants": [value.clone()]}});
        let _ = TaskSnapshot::from_json(&wrapped);
        let as_intent = json!({"kind": "hold", "callSid": value});
        let _ = Intent::from_json(&as_intent);
    }
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        any::<i64>().prop_map(Value::from),
        "[a-zA-Z0-9+:@ ]{0,12}".prop_map(Value::from),
        prop::sample::select(vec![
            "taskSid",
            "conference",
            "participants",
            "callSid",
            "kind",
            "hold",
            "status",
            "enabled"
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "taskSid",
                    "conference",
                    "conferenceSid",
                    "participants",
                    "callSid",
                    "participantType",
                    "status",
                    "onHold",
                    "kind",
                    "destination",
                    "ok",
                    "body",
                    "enabled",
                    "worker_attributes",
                    "attributes"
                ])
                .prop_map(str::to_owned),
                inner,
                0..6,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}
