//! SPEC §12 R3: connecting legs are purged when the conference ends. Once the task shows the
//! call over, the connecting card disappears, polling stops, nothing more is sent, and results
//! of requests that were still in flight are accepted quietly.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use flex_conference::api::Endpoint;
use flex_conference::core::{ApiResult, Command, Conference, Config, Intent, TaskSnapshot};
use serde_json::{json, Value};

fn task(status: &str) -> TaskSnapshot {
    TaskSnapshot::from_json(&json!({
        "taskSid": "WT1", "status": status,
        "conference": { "conferenceSid": "CF1", "participants": [
            { "callSid": "CAa", "participantType": "worker", "workerSid": "WKa", "isCurrentWorker": true },
            { "callSid": "CAc", "participantType": "customer" },
        ]},
    }))
    .expect("fixture parses")
}

fn drain(engine: &mut Conference) -> Vec<Command> {
    std::iter::from_fn(|| engine.poll_command()).collect()
}

fn api_id(commands: &[Command], wanted: Endpoint) -> u32 {
    commands
        .iter()
        .find_map(|c| match c {
            Command::Api { id, endpoint, .. } if *endpoint == wanted => Some(*id),
            _ => None,
        })
        .expect("the command was sent")
}

#[test]
fn wrapping_up_the_task_drops_the_ringing_leg_and_stops_polling() {
    let config = Config::from_json(&json!({"enabled": true, "default_caller_id": "+15005550006"}))
        .expect("config parses");
    let mut engine = Conference::new(config, 0);
    engine
        .handle_snapshot(task("accepted"), 0)
        .expect("snapshot");
    let outcome = engine.handle_intent(
        Intent::AddParticipant {
            destination: "+14155550100".into(),
            caller_id: None,
        },
        0,
    );
    assert!(outcome.accepted);
    let sent = drain(&mut engine);
    let create = api_id(&sent, Endpoint::AddParticipant);
    let flips: Vec<u32> = sent
        .iter()
        .filter_map(|c| match c {
            Command::Api {
                id,
                endpoint: Endpoint::UpdateParticipant,
                ..
            } => Some(*id),
            _ => None,
        })
        .collect();
    let created = json!({"success": true, "participantsResponse": {"callSid": "CAx", "endConferenceOnExit": false}});
    engine
        .handle_api_result(create, ApiResult::ok(created), 100)
        .expect("create result");
    let poll_at = engine.poll_timeout().expect("a poll is scheduled");
    engine.handle_timeout(poll_at);
    let poll = api_id(&drain(&mut engine), Endpoint::GetCallProperties);
    assert_eq!(engine.view().connecting.len(), 1);

    engine
        .handle_snapshot(task("wrapping"), poll_at + 10)
        .expect("wrap-up snapshot");
    assert!(engine.view().connecting.is_empty(), "the card is gone");
    assert!(
        drain(&mut engine).is_empty(),
        "nothing is sent for an ended call"
    );
    assert_eq!(engine.poll_timeout(), None, "no timer is left");

    // Results that were in flight when the call ended are accepted and change nothing.
    let ringing: Value = json!({"success": true, "callProperties": {"status": "ringing"}});
    engine
        .handle_api_result(poll, ApiResult::ok(ringing), poll_at + 20)
        .expect("a late poll result is accepted");
    for id in flips {
        engine
            .handle_api_result(id, ApiResult::http(503, json!("busy")), poll_at + 30)
            .expect("a late flag result is accepted");
    }
    assert!(drain(&mut engine).is_empty(), "no retry, no notification");
    assert_eq!(engine.poll_timeout(), None);
}
