//! The control API (`/sim/…`): calls, legs, leg actions, settings, reset, tokens, the request
//! log, CORS and errors.

mod common;

use axum::http::Method;
use common::{TestSim, CALLER_ID, CUSTOMER, TOKEN, WORKER, WORKER_B, X};
use serde_json::{json, Value};

#[tokio::test]
async fn health_answers_ok() {
    let s = TestSim::new();
    let reply = s.get("/sim/health").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), json!({"ok": true}));
}

#[tokio::test]
async fn a_call_is_a_live_conference_with_two_connected_legs_whose_flags_are_true() {
    let s = TestSim::new();
    let call = s.new_call().await;
    assert!(call.task.starts_with("WT") && call.task.len() == 34);
    assert!(call.conference.starts_with("CF") && call.conference.len() == 34);
    let c = s.conference(&call.conference).await;
    assert_eq!(c["status"], "in-progress");
    assert_eq!(c["friendlyName"], call.task.as_str());
    assert_eq!(c["reasonEnded"], Value::Null);
    let legs = c["participants"].as_array().unwrap();
    assert_eq!(legs.len(), 2);
    let customer = s.leg(&call.conference, &call.customer).await;
    assert_eq!(customer["kind"], "customer");
    assert_eq!(customer["from"], CUSTOMER);
    let agent = s.leg(&call.conference, &call.agent).await;
    assert_eq!(agent["kind"], "worker");
    assert_eq!(agent["workerSid"], WORKER);
    for leg in [customer, agent] {
        assert_eq!(leg["status"], "connected");
        assert_eq!(leg["endConferenceOnExit"], true);
        assert_eq!(leg["hold"], false);
        assert_eq!(leg["muted"], false);
        assert_eq!(leg["participantSid"], Value::Null);
    }
}

#[tokio::test]
async fn a_call_can_be_given_its_task_sid_once_while_live() {
    let s = TestSim::new();
    let body = json!({"worker": {"sid": WORKER, "name": "a"}, "customer": {"number": CUSTOMER}, "taskSid": "WTfixed"});
    let first = s.post_json("/sim/calls", body.clone()).await;
    assert_eq!(first.json()["taskSid"], "WTfixed");
    let again = s.post_json("/sim/calls", body).await;
    assert_eq!(again.status, 409);
    assert!(again.json()["error"].is_string());
}

#[tokio::test]
async fn conferences_are_found_by_sid_or_friendly_name() {
    let s = TestSim::new();
    let call = s.new_call().await;
    assert_eq!(
        s.conference(&call.task).await["conferenceSid"],
        call.conference.as_str()
    );
    let missing = s.get("/sim/conferences/CFnope").await;
    assert_eq!(missing.status, 404);
    assert!(missing.json()["error"].is_string());
}

#[tokio::test]
async fn a_second_agent_joins_by_transfer_with_ecoe_false() {
    let s = TestSim::new();
    let call = s.new_call().await;
    let reply = s
        .post_json(
            &format!("/sim/conferences/{}/legs", call.conference),
            json!({"kind": "worker", "workerSid": WORKER_B, "endConferenceOnExit": false}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["participantSid"], Value::Null);
    let b = body["callSid"].as_str().unwrap();
    let leg = s.leg(&call.conference, b).await;
    assert_eq!(leg["kind"], "worker");
    assert_eq!(leg["workerSid"], WORKER_B);
    assert_eq!(leg["status"], "connected");
    assert_eq!(leg["endConferenceOnExit"], false);
}

#[tokio::test]
async fn a_native_external_leg_rings_with_a_participant_sid() {
    let s = TestSim::new();
    let call = s.new_call().await;
    let body = s
        .post_json(
            &format!("/sim/conferences/{}/legs", call.task),
            json!({"kind": "external", "to": X, "from": CALLER_ID, "endConferenceOnExit": false, "status": "ringing"}),
        )
        .await
        .json();
    let participant_sid = body["participantSid"].as_str().unwrap();
    assert!(participant_sid.starts_with("PA") && participant_sid.len() == 34);
    let leg = s
        .leg(&call.conference, body["callSid"].as_str().unwrap())
        .await;
    assert_eq!(leg["kind"], "external");
    assert_eq!(leg["status"], "ringing");
    assert_eq!(leg["participantSid"], participant_sid);
}

#[tokio::test]
async fn malformed_leg_requests_are_400_and_legs_on_ended_conferences_409() {
    let s = TestSim::new();
    let call = s.new_call().await;
    let path = format!("/sim/conferences/{}/legs", call.conference);
    for body in [
        json!({"kind": "worker", "endConferenceOnExit": false}),
        json!({"kind": "robot", "endConferenceOnExit": false}),
        json!({"kind": "unknown", "status": "queued"}),
        json!({"kind": "unknown", "extra": 1}),
    ] {
        assert_eq!(s.post_json(&path, body.clone()).await.status, 400, "{body}");
    }
    assert_eq!(
        s.request(Method::POST, &path, Some("application/json"), b"{".to_vec())
            .await
            .status,
        400
    );
    s.act(&call.agent, "hangup").await;
    let reply = s.post_json(&path, json!({"kind": "unknown"})).await;
    assert_eq!(reply.status, 409);
}

#[tokio::test]
async fn leg_actions_answer_the_leg_state() {
    let s = TestSim::new();
    let call = s.new_call().await;
    let reply = s.act(&call.customer, "hold").await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!({"callSid": call.customer, "status": "connected", "hold": true, "muted": false, "endConferenceOnExit": true})
    );
    let reply = s.act(&call.customer, "mute").await.json();
    assert_eq!(reply["muted"], true);
    let reply = s.act(&call.customer, "unhold").await.json();
    assert_eq!(reply["hold"], false);
    let reply = s.act(&call.customer, "unmute").await.json();
    assert_eq!(reply["muted"], false);
}

#[tokio::test]
async fn illegal_leg_moves_are_409_and_unknown_calls_or_actions_404() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let x = s.add(&call.conference, X).await;
    assert_eq!(s.act(&x, "hold").await.status, 409);
    assert_eq!(s.act(&x, "hangup").await.status, 409);
    assert_eq!(s.act(&call.agent, "answer").await.status, 409);
    assert_eq!(s.act(&call.agent, "busy").await.status, 409);
    s.act(&x, "answer").await;
    s.act(&x, "hangup").await;
    for action in ["answer", "hangup", "hold", "mute", "kick", "no-answer"] {
        let reply = s.act(&x, action).await;
        assert_eq!(reply.status, 409, "{action}");
        assert!(reply.json()["error"].is_string());
    }
    assert_eq!(s.act("CAnope", "answer").await.status, 404);
    assert_eq!(s.act(&call.agent, "dance").await.status, 404);
}

#[tokio::test]
async fn native_actions_leave_events_but_no_request_log_entry() {
    let s = TestSim::new();
    let call = s.new_call().await;
    s.act(&call.customer, "hold").await;
    s.act(&call.customer, "mute").await;
    assert!(s
        .get("/sim/requests")
        .await
        .json()
        .as_array()
        .unwrap()
        .is_empty());
    let names = s.event_names(&call.conference).await;
    assert!(names.ends_with(&["participant-hold".to_owned(), "participant-mute".to_owned()]));
}

#[tokio::test]
async fn the_native_ecoe_action_sets_the_flag_with_the_held_leg_quirk() {
    let s = TestSim::new();
    let call = s.new_call().await;
    let path = format!("/sim/legs/{}/ecoe", call.customer);
    let reply = s.post_json(&path, json!({"value": false})).await;
    assert_eq!(reply.json()["endConferenceOnExit"], false);
    s.act(&call.customer, "hold").await;
    let reply = s.post_json(&path, json!({"value": true})).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["endConferenceOnExit"], false);
    assert_eq!(s.post_json(&path, json!({})).await.status, 400);
}

#[tokio::test]
async fn the_request_log_omits_the_token_and_keeps_the_order() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    s.add(&call.conference, X).await;
    s.call("get-call-properties", &[("callSid", &call.agent)])
        .await;
    let log = s.get("/sim/requests").await.json();
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0]["seq"], 1);
    assert_eq!(log[0]["endpoint"], "add-participant");
    assert_eq!(log[0]["status"], 200);
    assert_eq!(log[0]["outcome"], "ok");
    assert_eq!(log[0]["params"]["to"], X);
    assert!(log[0]["atMs"].as_u64().unwrap() > 0);
    assert_eq!(log[1]["endpoint"], "get-call-properties");
    let text = serde_json::to_string(&log).unwrap();
    assert!(!text.contains("Token") && !text.contains(TOKEN), "{text}");
}

#[tokio::test]
async fn the_request_log_filters_by_conference_sid_friendly_name_or_leg() {
    let s = TestSim::unqueued().await;
    let a = s.new_call().await;
    let b = s.new_call().await;
    s.add(&a.conference, X).await;
    s.add(&a.task, X).await;
    s.call("get-call-properties", &[("callSid", &a.agent)])
        .await;
    s.call(
        "hold-participant",
        &[
            ("conference", &a.conference),
            ("participant", &a.customer),
            ("hold", "true"),
        ],
    )
    .await;
    s.add(&b.conference, X).await;
    s.call("get-call-properties", &[("callSid", &b.agent)])
        .await;
    for key in [&a.conference, &a.task] {
        let log = s
            .get(&format!("/sim/requests?conference={key}"))
            .await
            .json();
        let seqs: Vec<u64> = log
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["seq"].as_u64().unwrap())
            .collect();
        assert_eq!(seqs, [1, 2, 3, 4], "{key}");
    }
    let log = s
        .get(&format!("/sim/requests?conference={}", b.conference))
        .await
        .json();
    assert_eq!(log.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn settings_merge_partially_and_answer_the_whole() {
    let s = TestSim::new();
    let defaults = s.get("/sim/settings").await.json();
    assert_eq!(
        defaults,
        json!({
            "heldEcoeIgnored": true, "heldEcoeEcho": "new", "ringingUpdateFails": true,
            "ringingUpdateStatus": 400, "ringingUpdateCode": 21220, "invalidToCode": 13223,
            "referenceServerRetry": false, "serverRetryLimit": 3, "createIntervalMs": 1000,
            "ringTimeoutMs": null, "extensions": true, "retypeHeldUnknown": false,
        })
    );
    let merged = s
        .settings(json!({"ringTimeoutMs": 5000, "heldEcoeEcho": "old"}))
        .await;
    assert_eq!(merged["ringTimeoutMs"], 5000);
    assert_eq!(merged["heldEcoeEcho"], "old");
    assert_eq!(merged["createIntervalMs"], 1000);
    for bad in [
        json!({"nope": true}),
        json!({"heldEcoeEcho": "maybe"}),
        json!({"createIntervalMs": -1}),
    ] {
        assert_eq!(
            s.post_json("/sim/settings", bad.clone()).await.status,
            400,
            "{bad}"
        );
    }
    assert_eq!(s.get("/sim/settings").await.json(), merged);
}

#[tokio::test]
async fn reset_restores_settings_tokens_and_faults_but_keeps_conferences() {
    let s = TestSim::new();
    let call = s.new_call().await;
    s.settings(json!({"extensions": false})).await;
    s.post_json("/sim/tokens", json!({"token": TOKEN, "state": "expired"}))
        .await;
    s.post_json("/sim/tokens", json!({"token": "extra", "state": "valid"}))
        .await;
    s.fault(json!({"endpoint": "hold-participant", "status": 500}))
        .await;
    assert_eq!(s.post_json("/sim/reset", json!({})).await.status, 200);
    assert_eq!(s.get("/sim/settings").await.json()["extensions"], true);
    assert!(s
        .get("/sim/faults")
        .await
        .json()
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(
        s.call("get-call-properties", &[("callSid", &call.agent)])
            .await
            .status,
        200
    );
    let extra = s
        .form(
            "get-call-properties",
            &[("Token", "extra"), ("callSid", &call.agent)],
        )
        .await;
    assert_eq!(extra.status, 403);
    assert_eq!(
        s.conference(&call.conference).await["status"],
        "in-progress"
    );
}

#[tokio::test]
async fn token_requests_are_validated() {
    let s = TestSim::new();
    for body in [
        json!({"token": "", "state": "valid"}),
        json!({"token": "t", "state": "stale"}),
        json!({"token": "t"}),
    ] {
        assert_eq!(
            s.post_json("/sim/tokens", body.clone()).await.status,
            400,
            "{body}"
        );
    }
}

#[tokio::test]
async fn the_control_api_answers_preflights_with_delete_allowed() {
    let s = TestSim::new();
    let reply = s
        .request(Method::OPTIONS, "/sim/faults", None, Vec::new())
        .await;
    assert!(reply.status == 200 || reply.status == 204);
    assert!(reply.body.is_empty());
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        reply.header("access-control-allow-methods"),
        Some("GET,POST,DELETE,OPTIONS")
    );
    assert_eq!(
        reply.header("access-control-allow-headers"),
        Some("Content-Type")
    );
    let json_reply = s.get("/sim/settings").await;
    assert_eq!(json_reply.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn unknown_control_paths_are_404_json() {
    let s = TestSim::new();
    let reply = s.get("/sim/nope").await;
    assert_eq!(reply.status, 404);
    assert!(reply.json()["error"].is_string());
}

#[tokio::test]
async fn conferences_are_listed() {
    let s = TestSim::new();
    let a = s.new_call().await;
    let list = s.get("/sim/conferences").await.json();
    assert_eq!(list[0]["conferenceSid"], a.conference.as_str());
    assert_eq!(list[0]["status"], "in-progress");
}

#[tokio::test]
async fn the_same_seed_gives_the_same_sids() {
    let one = TestSim::new().new_call().await;
    let two = TestSim::new().new_call().await;
    assert_eq!(one.conference, two.conference);
    assert_eq!(one.agent, two.agent);
}

#[tokio::test]
async fn a_canceled_leg_cannot_be_answered() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let x = s.add(&call.conference, X).await;
    s.call(
        "remove-participant",
        &[("conference", &call.conference), ("participant", &x)],
    )
    .await;
    let reply = s.act(&x, "answer").await;
    assert_eq!(reply.status, 409);
    assert_eq!(s.leg(&call.conference, &x).await["status"], "canceled");
}

#[tokio::test]
async fn a_native_leg_cannot_take_a_label_a_live_leg_of_its_conference_has() {
    let s = TestSim::new();
    let call = s.new_call().await;
    let path = format!("/sim/conferences/{}/legs", call.conference);
    let first = s
        .post_json(&path, json!({"kind": "unknown", "label": "l1"}))
        .await;
    assert_eq!(first.status, 200);
    let again = s
        .post_json(&path, json!({"kind": "unknown", "label": "l1"}))
        .await;
    assert_eq!(again.status, 409);
    assert_eq!(
        s.conference(&call.conference).await["participants"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[tokio::test]
async fn the_request_log_never_holds_a_token_sent_in_a_query_or_a_json_body() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    s.get(&format!(
        "/common/flex/programmable-voice/get-call-properties?Token={TOKEN}&callSid={}",
        call.agent
    ))
    .await;
    s.post_json(
        "/common/flex/programmable-voice/get-call-properties",
        json!({"Token": TOKEN, "callSid": call.agent}),
    )
    .await;
    s.post_json(
        &format!("/common/flex/programmable-voice/get-call-properties?Token={TOKEN}"),
        json!({"Token": "other", "callSid": call.agent}),
    )
    .await;
    s.call(
        "get-call-properties",
        &[("token", TOKEN), ("TOKEN", "x"), ("callSid", &call.agent)],
    )
    .await;
    let log = s.get("/sim/requests").await.json();
    assert_eq!(log.as_array().unwrap().len(), 4);
    let text = serde_json::to_string(&log).unwrap();
    assert!(!text.to_lowercase().contains("token"), "{text}");
    assert!(!text.contains(TOKEN), "{text}");
}
