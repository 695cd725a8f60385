//! Nothing fails silently: if the driver never answers a flag write (it should time requests
//! out itself), the engine gives the write up after 30 s and sends it again, instead of leaving
//! the leg's flag unreconciled for the rest of the call; an add whose create is never answered
//! is dropped at the ring-timeout cap with `PS_ConferenceAddOutcomeUnknown`.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use flex_conference::api::Endpoint;
use flex_conference::core::{Command, Conference, Config, Intent, TaskSnapshot};
use serde_json::json;

fn writes(engine: &mut Conference) -> Vec<(String, String)> {
    std::iter::from_fn(|| engine.poll_command())
        .filter_map(|c| match c {
            Command::Api {
                endpoint: Endpoint::UpdateParticipant,
                params,
                ..
            } => Some((
                params.get("participant").unwrap_or_default().to_owned(),
                params
                    .get("endConferenceOnExit")
                    .unwrap_or_default()
                    .to_owned(),
            )),
            _ => None,
        })
        .collect()
}

/// A two-party call in which the agent has just dialed; nothing has been answered.
fn dialing() -> Conference {
    let config = Config::from_json(&json!({"enabled": true, "default_caller_id": "+15005550006"}))
        .expect("config parses");
    let mut engine = Conference::new(config, 0);
    let task = TaskSnapshot::from_json(&json!({
        "taskSid": "WT1", "status": "accepted",
        "conference": { "conferenceSid": "CF1", "participants": [
            { "callSid": "CAa", "participantType": "worker", "workerSid": "WKa", "isCurrentWorker": true },
            { "callSid": "CAc", "participantType": "customer" },
        ]},
    }))
    .expect("fixture parses");
    engine.handle_snapshot(task, 0).expect("snapshot");
    engine.handle_intent(
        Intent::AddParticipant {
            destination: "+14155550100".into(),
            caller_id: None,
        },
        0,
    );
    engine
}

#[test]
fn an_unanswered_write_is_repeated_after_thirty_seconds_and_not_before() {
    let mut engine = dialing();
    let first = writes(&mut engine);
    assert_eq!(first.len(), 2, "A and C are flipped at dial time");
    engine.handle_timeout(29_999);
    assert!(
        writes(&mut engine).is_empty(),
        "no duplicate while the write may still answer"
    );
    let at = engine.poll_timeout().expect("a deadline is armed");
    assert!(at <= 30_000, "the stale-write deadline is armed: {at}");
    engine.handle_timeout(30_000);
    assert_eq!(writes(&mut engine), first, "both writes are sent again");
}

#[test]
fn an_unanswered_create_is_dropped_at_the_cap_and_the_agent_is_told() {
    let mut engine = dialing();
    let _ = std::iter::from_fn(|| engine.poll_command()).count();
    engine.handle_timeout(74_999);
    assert_eq!(
        engine.view().connecting.len(),
        1,
        "still dialing before the cap"
    );
    let _ = std::iter::from_fn(|| engine.poll_command()).count();
    engine.handle_timeout(75_000);
    assert!(engine.view().connecting.is_empty(), "dropped at the cap");
    let shown: Vec<&str> = std::iter::from_fn(|| engine.poll_command())
        .filter_map(|c| match c {
            Command::Notify { notification, .. } => Some(notification),
            _ => None,
        })
        .collect();
    assert_eq!(shown, ["PS_ConferenceAddOutcomeUnknown"]);
}
