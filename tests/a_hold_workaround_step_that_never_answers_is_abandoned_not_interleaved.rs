//! SPEC §12 R5 with `hold_workaround` on: a held customer whose flag must become false is
//! unheld, written and re-held. If the unhold never gets an answer, the run is abandoned after
//! 30 s and a new one starts; a late answer of the abandoned run is ignored, so two runs never
//! interleave (which would hold and unhold the customer over and over).

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use flex_conference::api::Endpoint;
use flex_conference::core::{ApiResult, Command, Conference, Config, TaskSnapshot};
use serde_json::json;

fn api(engine: &mut Conference) -> Vec<(u32, Endpoint, String)> {
    std::iter::from_fn(|| engine.poll_command())
        .filter_map(|c| match c {
            Command::Api {
                id,
                endpoint,
                params,
            } => Some((id, endpoint, params.encode())),
            _ => None,
        })
        .collect()
}

#[test]
fn a_late_answer_of_an_abandoned_run_starts_no_write_and_no_rehold() {
    let config = Config::from_json(&json!({"enabled": true, "hold_workaround": true}))
        .expect("config parses");
    let mut engine = Conference::new(config, 0);
    let task = TaskSnapshot::from_json(&json!({
        "taskSid": "WT1", "status": "accepted",
        "conference": { "conferenceSid": "CF1", "participants": [
            { "callSid": "CAa", "participantType": "worker", "workerSid": "WKa", "isCurrentWorker": true },
            { "callSid": "CAc", "participantType": "customer", "onHold": true },
            { "callSid": "CAx", "participantType": "unknown" },
        ]},
    }))
    .expect("fixture parses");
    engine.handle_snapshot(task, 0).expect("snapshot");
    let first = api(&mut engine);
    let unhold = |cmds: &[(u32, Endpoint, String)]| {
        cmds.iter()
            .find(|(_, e, p)| *e == Endpoint::HoldParticipant && p.contains("participant=CAc"))
            .map(|(id, _, p)| (*id, p.clone()))
    };
    let (old_id, params) = unhold(&first).expect("the workaround unholds C");
    assert!(params.ends_with("hold=false"), "{params}");

    engine.handle_timeout(29_999);
    assert!(
        unhold(&api(&mut engine)).is_none(),
        "no second run while the first may answer"
    );
    engine.handle_timeout(30_000);
    let (new_id, _) = unhold(&api(&mut engine)).expect("a new run after 30 s");
    assert_ne!(new_id, old_id);

    let unheld =
        json!({"success": true, "participantsResponse": {"callSid": "CAc", "hold": false}});
    engine
        .handle_api_result(old_id, ApiResult::ok(unheld.clone()), 30_100)
        .expect("the late answer is accepted");
    assert!(
        api(&mut engine).is_empty(),
        "the abandoned run goes no further"
    );

    engine
        .handle_api_result(new_id, ApiResult::ok(unheld), 30_200)
        .expect("the live run's answer");
    let next = api(&mut engine);
    assert_eq!(next.len(), 1, "{next:?}");
    assert_eq!(next[0].1, Endpoint::UpdateParticipant);
    assert!(
        next[0].2.contains("participant=CAc") && next[0].2.ends_with("endConferenceOnExit=false")
    );
}
