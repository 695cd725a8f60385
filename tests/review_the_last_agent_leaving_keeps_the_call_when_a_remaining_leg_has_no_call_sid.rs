//! DESIGN §6 invariant 1 and SPEC §3.3 ("`callSid` … can be missing; always check"), §12 C5.
//! A, C and an added party X are live, but Flex shows X without a `callSid` (it can't be written,
//! yet it is a live party). When the last agent leaves, two other parties remain, so the hang-up
//! guard must keep the conference going: it may not make the agent's leg `true` just because only
//! one of the remaining legs can be addressed by REST.
//!
//! The harness's Flex always fills `callSid`, so this drives the engine directly with Flex-shaped
//! snapshots.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use flex_conference::core::{ApiResult, Command, Conference, Config, Intent, TaskSnapshot};
use serde_json::{json, Value};

const T: u64 = common::T0;

/// `update-participant` writes as `(participant, value)`.
type Writes = Vec<(String, bool)>;
/// Hang-up answers as `(allow, reason)`.
type Hangups = Vec<(bool, String)>;

fn snapshot(x_has_call_sid: bool) -> TaskSnapshot {
    let x = if x_has_call_sid {
        json!({"callSid": "CAx", "participantType": "unknown", "status": "joined"})
    } else {
        json!({"participantType": "unknown", "status": "joined"})
    };
    TaskSnapshot::from_json(&json!({
        "taskSid": "WT1", "status": "accepted",
        "attributes": {"conference": {"sid": "CF1"}},
        "conference": {"conferenceSid": "CF1", "participants": [
            {"callSid": "CAa", "participantType": "worker", "status": "joined",
             "workerSid": "WKa", "isCurrentWorker": true},
            {"callSid": "CAc", "participantType": "customer", "status": "joined"},
            x,
        ]},
    }))
    .expect("a Flex-shaped snapshot parses")
}

/// Answers every API command with success (update-participant echoes the value it set) and
/// collects the rest. Returns `(writes, hangup answers)`.
fn drain(engine: &mut Conference, now: u64) -> (Writes, Hangups) {
    let mut writes = Vec::new();
    let mut hangups = Vec::new();
    let mut pending: Vec<(u32, Value)> = Vec::new();
    loop {
        while let Some(cmd) = engine.poll_command() {
            match cmd {
                Command::Api {
                    id,
                    endpoint,
                    params,
                } => {
                    let participant = params.get("participant").unwrap_or("").to_owned();
                    let ecoe = params.get("endConferenceOnExit") == Some("true");
                    if endpoint.name() == "update-participant" {
                        writes.push((participant.clone(), ecoe));
                    }
                    let body = json!({"success": true, "participantsResponse": {
                        "callSid": participant, "conferenceSid": "CF1",
                        "endConferenceOnExit": ecoe, "hold": false, "muted": false,
                        "status": "connected"}});
                    pending.push((id, body));
                }
                Command::Hangup { allow, reason, .. } => hangups.push((allow, reason.to_owned())),
                Command::Notify { .. } | Command::Flex { .. } => {}
            }
        }
        if pending.is_empty() {
            return (writes, hangups);
        }
        for (id, body) in std::mem::take(&mut pending) {
            engine
                .handle_api_result(id, ApiResult::ok(body), now)
                .expect("the engine awaits this result");
        }
    }
}

fn leave_three_party_call(x_has_call_sid: bool) -> (Writes, Hangups) {
    let config = Config::from_json(
        &json!({"enabled": true, "default_caller_id": "+15005550006",
        "worker_sid": "WKa"}),
    )
    .expect("config parses");
    let mut engine = Conference::new(config, T);
    engine
        .handle_snapshot(snapshot(x_has_call_sid), T)
        .expect("snapshot accepted");
    let (before, _) = drain(&mut engine, T + 100);
    assert!(
        before.contains(&("CAa".to_owned(), false)),
        "three live parties: A is set false first ({before:?})"
    );
    let outcome = engine.handle_intent(
        Intent::Hangup {
            confirm_leave: false,
        },
        T + 1_000,
    );
    assert!(outcome.accepted, "{outcome:?}");
    drain(&mut engine, T + 1_100)
}

#[test]
fn with_every_call_sid_known_the_guard_keeps_the_agent_false_and_sets_the_others_true() {
    let (writes, hangups) = leave_three_party_call(true);
    assert_eq!(hangups, vec![(true, "guarded".to_owned())]);
    assert!(!writes.contains(&("CAa".to_owned(), true)), "{writes:?}");
    assert!(writes.contains(&("CAc".to_owned(), true)), "{writes:?}");
}

#[test]
fn a_live_party_without_a_call_sid_still_counts_and_the_agent_leaves_with_false() {
    let (writes, hangups) = leave_three_party_call(false);
    assert!(
        !writes.contains(&("CAa".to_owned(), true)),
        "A must not be set true: A leaving would end the call for C and X ({writes:?})"
    );
    assert_eq!(hangups.len(), 1, "{hangups:?}");
    assert!(hangups[0].0, "the hang-up is released ({hangups:?})");
}
