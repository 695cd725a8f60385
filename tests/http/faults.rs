//! Failures on the wire: SPEC §13 scenarios 11, 18 and 20, 5xx, dropped connections, latency
//! beyond the driver's timeout.

use serde_json::{json, Value};
use wasm_bindgen_test::wasm_bindgen_test;

use super::harness::{
    assert_live, config, ecoe_writes, fault, leg, notification_ids, post, settings, Call,
};
use super::leaving::three_parties;

/// The statuses of the requests to `endpoint` naming `participant`, in order.
fn statuses(requests: &[Value], endpoint: &str, participant: &str) -> Vec<u64> {
    requests
        .iter()
        .filter(|r| r["endpoint"] == endpoint && r["params"]["participant"] == participant)
        .map(|r| r["status"].as_u64().unwrap_or(0))
        .collect()
}

/// X hangs up and the call settles with A and C both true; the call's requests.
async fn x_leaves_and_both_end_up_true(call: &mut Call, x: &str) -> Vec<Value> {
    let (a, customer) = (call.a_leg(), call.customer.clone());
    assert_eq!(leg(x, "hangup").await.status, 200);
    let fin = call.finish().await;
    assert_live(&fin, &[(&a, true), (&customer, true)], &call.names);
    call.requests().await
}

/// A retried failure is not the agent's problem: no notification.
fn assert_not_notified(call: &mut Call) {
    assert!(
        notification_ids(call.a()).is_empty(),
        "{:?}",
        call.a().notifications()
    );
}

#[wasm_bindgen_test]
async fn a_burst_of_rate_limits_is_ridden_out_and_the_write_lands_once() {
    let (mut call, x) = three_parties().await;
    let customer = call.customer.clone();
    fault(json!({
        "endpoint": "update-participant", "status": 429, "twilioErrorCode": 20429,
        "message": "Too Many Requests", "times": 3, "conference": call.conference_sid,
        "participant": customer,
    }))
    .await;
    let requests = x_leaves_and_both_end_up_true(&mut call, &x).await;
    assert_eq!(
        statuses(&requests, "update-participant", &customer),
        [200, 429, 429, 429, 200],
        "false at dial time, then three 429s and one landed write"
    );
    assert_not_notified(&mut call);
}

#[wasm_bindgen_test]
async fn server_errors_and_a_dropped_connection_on_idempotent_writes_are_retried() {
    let (mut call, x) = three_parties().await;
    let (a, customer) = (call.a_leg(), call.customer.clone());
    fault(json!({
        "endpoint": "update-participant", "status": 503, "times": 1,
        "conference": call.conference_sid, "participant": customer,
    }))
    .await;
    fault(json!({
        "endpoint": "update-participant", "drop": true, "times": 1,
        "conference": call.conference_sid, "participant": a,
    }))
    .await;
    let requests = x_leaves_and_both_end_up_true(&mut call, &x).await;
    assert_eq!(
        statuses(&requests, "update-participant", &customer),
        [200, 503, 200]
    );
    assert_eq!(statuses(&requests, "update-participant", &a), [200, 0, 200]);
    assert_not_notified(&mut call);
}

#[wasm_bindgen_test]
async fn a_response_slower_than_the_timeout_is_retried_like_a_lost_one() {
    let (mut call, x) = three_parties().await;
    let customer = call.customer.clone();
    // The harness's client gives up after 5 s.
    fault(json!({
        "endpoint": "update-participant", "latencyMs": 7000, "times": 1,
        "conference": call.conference_sid, "participant": customer,
    }))
    .await;
    let requests = x_leaves_and_both_end_up_true(&mut call, &x).await;
    // The timed-out write was applied (only its answer was slow): the engine sends it again or
    // reads the leg back, and is satisfied either way, without bothering the agent.
    let first = requests
        .iter()
        .position(|r| {
            r["endpoint"] == "update-participant"
                && r["params"]["participant"] == customer.as_str()
                && r["params"]["endConferenceOnExit"] == "true"
        })
        .expect("C was written true");
    let followed_up = requests[first + 1..].iter().any(|r| {
        matches!(
            r["endpoint"].as_str(),
            Some("update-participant" | "get-participant")
        ) && r["params"]["participant"] == customer.as_str()
    });
    assert!(
        followed_up,
        "the engine followed the timed-out write up: {requests:?}"
    );
    assert_not_notified(&mut call);
}

#[wasm_bindgen_test]
async fn an_expired_login_is_not_retried_and_the_agent_is_told_to_reload() {
    let (mut call, x) = three_parties().await;
    let (a, customer) = (call.a_leg(), call.customer.clone());
    post(
        "/sim/tokens",
        json!({"token": "old-token", "state": "expired"}),
    )
    .await;
    *call.a().token.borrow_mut() = "old-token".to_owned();
    let before = call.requests().await.len();
    assert_eq!(leg(&x, "hangup").await.status, 200);
    call.waivers.writes_refused = true;
    let fin = call.finish().await;
    let after: Vec<Value> = call.requests().await[before..].to_vec();
    assert!(!after.is_empty(), "a write was tried");
    assert!(
        after.iter().all(|r| r["status"] == 403),
        "every request met the expired login: {after:?}"
    );
    let mut targets: Vec<_> = ecoe_writes(&after);
    let sent = targets.len();
    targets.dedup();
    assert_eq!(targets.len(), sent, "no 403 is retried: {after:?}");
    assert!(
        notification_ids(call.a())
            .iter()
            .any(|n| n == "PS_ConferenceAuthExpired"),
        "{:?}",
        call.a().notifications()
    );
    // Nothing changed in the conference.
    assert_eq!(fin.leg(&a)["endConferenceOnExit"], false);
    assert_eq!(fin.leg(&customer)["endConferenceOnExit"], false);
}

#[wasm_bindgen_test]
async fn a_refreshed_token_is_used_by_the_next_request() {
    let (mut call, x) = three_parties().await;
    post(
        "/sim/tokens",
        json!({"token": "fresh-token", "state": "valid"}),
    )
    .await;
    post(
        "/sim/tokens",
        json!({"token": "sim-token", "state": "expired"}),
    )
    .await;
    let reads = *call.a().token_reads.borrow();
    *call.a().token.borrow_mut() = "fresh-token".to_owned();
    x_leaves_and_both_end_up_true(&mut call, &x).await;
    assert!(
        *call.a().token_reads.borrow() > reads,
        "the token is read at send time"
    );
    assert_not_notified(&mut call);
}

#[wasm_bindgen_test]
async fn removing_a_leg_that_already_left_is_quietly_done() {
    let (mut call, x) = three_parties().await;
    let (a, customer) = (call.a_leg(), call.customer.clone());
    // X hangs up; A's Flex hasn't shown it yet when A clicks Remove.
    assert_eq!(leg(&x, "hangup").await.status, 200);
    let kick = call.click(0, "kick", &x).await;
    assert_eq!(kick["accepted"], true, "{kick}");
    let fin = call.finish().await;
    let removes = call.requests_to("remove-participant").await;
    assert_eq!(removes.len(), 1, "{removes:?}");
    assert_eq!(removes[0]["status"], 404, "Twilio: 20404");
    assert!(
        notification_ids(call.a()).is_empty(),
        "no error toast: {:?}",
        call.a().notifications()
    );
    assert_live(&fin, &[(&a, true), (&customer, true)], &call.names);
}

/// Dials X with `spec` injected on the create; the call and X's SID once it exists.
async fn dial_with_create_fault(extensions: bool, spec: Value) -> Call {
    let mut cfg = config();
    cfg["extensions"] = json!(extensions);
    let mut call = Call::start_with(cfg).await;
    if !extensions {
        settings(json!({"extensions": false})).await;
    }
    let mut spec = spec;
    spec["endpoint"] = json!("add-participant");
    spec["conference"] = json!(call.conference_sid);
    fault(spec).await;
    assert_eq!(call.a_dials("+14155550199")["accepted"], true);
    call
}

#[wasm_bindgen_test]
async fn a_create_whose_answer_is_lost_is_looked_up_and_never_sent_twice() {
    for (what, spec) in [
        ("503", json!({"commitThenFail": true, "status": 503})),
        ("dropped", json!({"commitThenFail": true, "drop": true})),
    ] {
        let mut call = dial_with_create_fault(true, spec).await;
        let x = call.added_leg("X").await;
        call.settle().await;
        let adds = call.requests_to("add-participant").await;
        assert_eq!(
            adds.len(),
            1,
            "{what}: one create: {:#}",
            Value::Array(call.requests().await)
        );
        let label = adds[0]["params"]["label"].clone();
        let lookups = call.requests_to("get-participant").await;
        assert!(
            lookups.iter().any(|r| r["params"]["participant"] == label),
            "{what}: the label was looked up: {lookups:?}"
        );
        assert_eq!(leg(&x, "answer").await.status, 200, "{what}");
        let fin = call.finish().await;
        assert_eq!(fin.added().len(), 1, "{what}: exactly one X leg");
        assert_live(
            &fin,
            &[(&call.a_leg(), false), (&call.customer, false), (&x, false)],
            &call.names,
        );
    }
}

#[wasm_bindgen_test]
async fn without_the_extensions_a_lost_create_is_reported_as_unknown_and_never_retried() {
    let mut call =
        dial_with_create_fault(false, json!({"commitThenFail": true, "status": 503})).await;
    let x = call.added_leg("X").await;
    call.settle().await;
    assert_eq!(leg(&x, "answer").await.status, 200);
    let fin = call.finish().await;
    assert_eq!(
        call.requests_to("add-participant").await.len(),
        1,
        "never retried"
    );
    assert_eq!(fin.added().len(), 1, "exactly one X leg");
    assert!(
        notification_ids(call.a())
            .iter()
            .any(|n| n == "PS_ConferenceAddOutcomeUnknown"),
        "{:?}",
        call.a().notifications()
    );
    // Once X shows up in Flex it is handled like any added leg.
    assert_live(
        &fin,
        &[(&call.a_leg(), false), (&call.customer, false), (&x, false)],
        &call.names,
    );
    settings(json!({"extensions": true})).await;
}
