//! Parties leaving and being removed over HTTP: SPEC §13 scenarios 4, 5, 8 and 9.

use serde_json::json;
use wasm_bindgen_test::wasm_bindgen_test;

use super::harness::{assert_live, fault, leg, notification_ids, Call};

/// A, C, X live and all false (scenario 1's final state).
pub(crate) async fn three_parties() -> (Call, String) {
    let mut call = Call::start().await;
    assert_eq!(call.a_dials("+14155550199")["accepted"], true);
    let x = call.added_leg("X").await;
    call.settle().await;
    assert_eq!(leg(&x, "answer").await.status, 200);
    let fin = call.finish().await;
    assert_live(
        &fin,
        &[(&call.a_leg(), false), (&call.customer, false), (&x, false)],
        &call.names,
    );
    (call, x)
}

#[wasm_bindgen_test]
async fn the_external_party_hanging_up_makes_agent_and_customer_end_together() {
    let (mut call, x) = three_parties().await;
    let (a, customer) = (call.a_leg(), call.customer.clone());
    assert_eq!(leg(&x, "hangup").await.status, 200);
    let fin = call.finish().await;
    assert_live(&fin, &[(&a, true), (&customer, true)], &call.names);

    call.a()
        .intent(json!({"kind": "hangup", "confirmLeave": false}));
    let fin = call.finish().await;
    assert_eq!(fin.status(), "completed");
    assert_eq!(
        fin.reason(),
        Some("participant-with-end-conference-on-exit-left")
    );
    assert_eq!(fin.leg(&customer)["status"], "completed", "C drops");
}

#[wasm_bindgen_test]
async fn the_customer_hanging_up_makes_agent_and_external_end_together() {
    let (mut call, x) = three_parties().await;
    let (a, customer) = (call.a_leg(), call.customer.clone());
    assert_eq!(leg(&customer, "hangup").await.status, 200);
    let fin = call.finish().await;
    assert_eq!(
        fin.status(),
        "in-progress",
        "C's exit doesn't end a 3-party call"
    );
    assert_live(&fin, &[(&a, true), (&x, true)], &call.names);

    call.a()
        .intent(json!({"kind": "hangup", "confirmLeave": false}));
    let fin = call.finish().await;
    assert_eq!(fin.status(), "completed");
    assert_eq!(fin.leg(&x)["status"], "completed", "X drops");
}

#[wasm_bindgen_test]
async fn removing_the_customer_ends_a_two_party_call() {
    let mut call = Call::start().await;
    let customer = call.customer.clone();
    let outcome = call.click(0, "kick", &customer).await;
    assert_eq!(outcome["accepted"], true, "{outcome}");
    let fin = call.finish().await;
    let removes = call.requests_to("remove-participant").await;
    assert_eq!(removes.len(), 1);
    assert_eq!(removes[0]["params"]["participant"], customer.as_str());
    assert_eq!(fin.status(), "completed");
    assert_eq!(
        fin.reason(),
        Some("participant-with-end-conference-on-exit-kicked")
    );
}

#[wasm_bindgen_test]
async fn removing_the_customer_from_a_three_party_call_keeps_the_others_talking() {
    let (mut call, x) = three_parties().await;
    let (a, customer) = (call.a_leg(), call.customer.clone());
    call.click(0, "kick", &customer).await;
    let fin = call.finish().await;
    assert_eq!(fin.status(), "in-progress");
    assert_eq!(fin.leg(&customer)["status"], "completed");
    assert_live(&fin, &[(&a, true), (&x, true)], &call.names);
}

/// A, C, X live; A has put C on hold (through the engine: C2 writes C false first).
async fn three_parties_customer_held() -> (Call, String) {
    let (mut call, x) = three_parties().await;
    let customer = call.customer.clone();
    let outcome = call.click(0, "hold", &customer).await;
    assert_eq!(outcome["accepted"], true, "{outcome}");
    let fin = call.finish().await;
    assert!(fin.held(&customer), "C is held: {}", fin.json);
    (call, x)
}

#[wasm_bindgen_test]
async fn the_last_agent_leaving_takes_the_customer_off_hold_first() {
    let (mut call, x) = three_parties_customer_held().await;
    let (a, customer) = (call.a_leg(), call.customer.clone());
    call.a()
        .intent(json!({"kind": "hangup", "confirmLeave": false}));
    let fin = call.finish().await;
    assert_eq!(fin.status(), "in-progress");
    assert_eq!(fin.leg(&a)["status"], "completed");
    assert_live(&fin, &[(&customer, true), (&x, true)], &call.names);
    let unholds = call.requests_to("hold-participant").await;
    assert!(
        unholds
            .iter()
            .any(|r| r["params"]["participant"] == customer.as_str()
                && r["params"]["hold"] == "false"
                && r["status"] == 200),
        "C was unheld through the endpoint: {unholds:?}"
    );
}

#[wasm_bindgen_test]
async fn when_the_customer_cannot_be_taken_off_hold_the_agent_stays_and_is_told() {
    let (mut call, x) = three_parties_customer_held().await;
    let (a, customer) = (call.a_leg(), call.customer.clone());
    fault(json!({
        "endpoint": "hold-participant", "status": 500, "message": "Internal error",
        "times": 1000, "conference": call.conference_sid,
    }))
    .await;
    call.a()
        .intent(json!({"kind": "hangup", "confirmLeave": false}));
    let fin = call.finish().await;
    let answers = call.a().events_of("hangup");
    assert_eq!(
        answers.last().map(|h| h["allow"].clone()),
        Some(json!(false)),
        "the hang-up is aborted: {answers:?}"
    );
    assert!(
        notification_ids(call.a())
            .iter()
            .any(|n| n == "PS_FailedHangupOnConferenceWithExternalParties"),
        "{:?}",
        call.a().notifications()
    );
    assert_eq!(fin.leg(&a)["status"], "connected", "A is still in");
    assert!(fin.held(&customer), "C is still held, with A there");
    assert_eq!(fin.leg(&x)["status"], "connected");
}
