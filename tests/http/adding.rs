//! Adding a third party over HTTP: SPEC §13 scenarios 1, 2, 3, 10, 13, 17 and 19.

use serde_json::{json, Value};
use wasm_bindgen_test::wasm_bindgen_test;

use super::harness::{assert_live, config, ecoe_writes, fault, leg, notification_ids, sleep, Call};

/// The number every scenario dials.
const X_NUMBER: &str = "+14155550199";

/// A, C live; A dials X; X rings (named `X`).
async fn three_party_ringing() -> (Call, String) {
    let mut call = Call::start().await;
    let outcome = call.a_dials(X_NUMBER);
    assert_eq!(outcome["accepted"], true, "{outcome}");
    let x = call.added_leg("X").await;
    (call, x)
}

/// Scenario 1's final state: A, C, X live, all false.
async fn three_party_answered() -> (Call, String) {
    let (mut call, x) = three_party_ringing().await;
    call.settle().await;
    assert_eq!(leg(&x, "answer").await.status, 200);
    call.settle().await;
    (call, x)
}

fn connecting(view: &Value) -> Vec<Value> {
    view["connecting"].as_array().cloned().unwrap_or_default()
}

#[wasm_bindgen_test]
async fn an_answered_add_creates_one_labelled_leg_and_leaves_all_three_parties_false() {
    let (mut call, x) = three_party_ringing().await;
    call.settle().await;
    let a = call.a_leg();
    let customer = call.customer.clone();

    // While X rings: A and C already confirmed false, a connecting card for the dialed number.
    let writes = ecoe_writes(&call.requests().await);
    assert!(writes.contains(&(a.clone(), "false".into())), "{writes:?}");
    assert!(
        writes.contains(&(customer.clone(), "false".into())),
        "{writes:?}"
    );
    let cards = connecting(&call.a().view());
    assert_eq!(
        cards.len(),
        1,
        "one connecting card while X rings: {cards:?}"
    );
    assert_eq!(cards[0]["callSid"], x.as_str(), "{cards:?}");

    sleep(300).await;
    assert_eq!(leg(&x, "answer").await.status, 200);
    let fin = call.finish().await;

    assert_eq!(fin.status(), "in-progress");
    assert_live(
        &fin,
        &[(&a, false), (&customer, false), (&x, false)],
        &call.names,
    );
    let adds = call.requests_to("add-participant").await;
    assert_eq!(adds.len(), 1, "exactly one add-participant: {adds:?}");
    assert_eq!(adds[0]["params"]["to"], X_NUMBER);
    assert!(
        adds[0]["params"]["label"]
            .as_str()
            .is_some_and(|l| !l.is_empty()),
        "the add carries an idempotency label: {}",
        adds[0]
    );
    assert!(
        !ecoe_writes(&call.requests().await).contains(&(x.clone(), "true".into())),
        "X is never written true"
    );
    assert!(connecting(&call.a().view()).is_empty(), "the card is gone");
    assert!(
        notification_ids(call.a()).is_empty(),
        "{:?}",
        call.a().notifications()
    );
}

#[wasm_bindgen_test]
async fn the_agent_leaves_after_the_answer_and_the_other_two_stay_connected_and_end_together() {
    let (mut call, x) = three_party_answered().await;
    let customer = call.customer.clone();
    let a = call.a_leg();

    call.a()
        .intent(json!({"kind": "hangup", "confirmLeave": false}));
    let fin = call.finish().await;
    assert_eq!(fin.status(), "in-progress", "A's exit doesn't end the call");
    assert_eq!(fin.leg(&a)["status"], "completed", "A has left");
    assert_live(&fin, &[(&customer, true), (&x, true)], &call.names);
    let released = call.a().events_of("hangup");
    assert_eq!(
        released.last().map(|h| h["allow"].clone()),
        Some(json!(true))
    );

    // Once A is gone, A's browser sends nothing more (every send reads the token first).
    let before = call.requests().await.len();
    let a_sends = *call.a().token_reads.borrow();
    assert_eq!(leg(&x, "hangup").await.status, 200);
    let fin = call.finish().await;
    assert_eq!(fin.status(), "completed");
    assert_eq!(
        fin.reason(),
        Some("participant-with-end-conference-on-exit-left")
    );
    assert_eq!(fin.leg(&customer)["status"], "completed", "C drops with X");
    assert_eq!(
        call.requests().await.len(),
        before,
        "nobody writes to an ended call"
    );
    assert_eq!(
        *call.a().token_reads.borrow(),
        a_sends,
        "A's browser stays quiet"
    );
}

#[wasm_bindgen_test]
async fn an_add_that_is_not_answered_restores_both_flags_and_tells_the_agent() {
    for outcome in ["no-answer", "busy", "fail"] {
        let (mut call, x) = three_party_ringing().await;
        call.settle().await;
        let (a, customer) = (call.a_leg(), call.customer.clone());
        assert_eq!(leg(&x, outcome).await.status, 200, "{outcome}");
        let fin = call.finish().await;
        assert_eq!(fin.status(), "in-progress", "{outcome}");
        assert_live(&fin, &[(&a, true), (&customer, true)], &call.names);
        assert!(
            connecting(&call.a().view()).is_empty(),
            "{outcome}: the card is gone"
        );
        let ids = notification_ids(call.a());
        assert!(
            ids.iter()
                .any(|n| n == "PS_ConferenceNotAnswered" || n == "PS_ConferenceAddFailed"),
            "{outcome}: the agent is told: {ids:?}"
        );
    }
}

#[wasm_bindgen_test]
async fn an_invalid_number_is_refused_inline_without_any_request() {
    let mut call = Call::start().await;
    let before = call.requests().await.len();
    let outcome = call.a_dials("12ab");
    assert_eq!(outcome["accepted"], false, "{outcome}");
    assert_eq!(outcome["error"]["code"], "invalid_destination", "{outcome}");
    assert!(outcome["error"]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    let fin = call.finish().await;
    assert_eq!(
        call.requests().await.len(),
        before,
        "no request, no flag write"
    );
    assert_live(
        &fin,
        &[(&call.a_leg(), true), (&call.customer, true)],
        &call.names,
    );
}

#[wasm_bindgen_test]
async fn a_number_twilio_calls_invalid_is_shown_and_both_flags_are_restored() {
    let mut call = Call::start().await;
    fault(json!({
        "endpoint": "add-participant", "status": 400, "twilioErrorCode": 13223,
        "message": "Invalid phone number format", "conference": call.conference_sid,
    }))
    .await;
    assert_eq!(call.a_dials(X_NUMBER)["accepted"], true);
    let fin = call.finish().await;
    assert!(fin.added().is_empty(), "no leg");
    assert!(connecting(&call.a().view()).is_empty(), "no card");
    let notes = call.a().notifications();
    let invalid = notes
        .iter()
        .find(|n| n["notification"] == "PS_ExternalWarmTransferInvalidPhoneNumber")
        .unwrap_or_else(|| panic!("the invalid-number notification: {notes:?}"));
    assert!(
        invalid.to_string().contains("Invalid phone number format"),
        "with Twilio's message: {invalid}"
    );
    assert_live(
        &fin,
        &[(&call.a_leg(), true), (&call.customer, true)],
        &call.names,
    );
}

#[wasm_bindgen_test]
async fn the_agent_leaving_while_the_new_leg_rings_keeps_the_customer_and_the_leg_rings_on() {
    // (a) X answers after A left: C and X talk; with no agent left, no browser sets X true
    // (SPEC §13 scenario 13a, documented limitation).
    let (mut call, x) = three_party_ringing().await;
    call.settle().await;
    let (a, customer) = (call.a_leg(), call.customer.clone());
    call.a()
        .intent(json!({"kind": "hangup", "confirmLeave": true}));
    let fin = call.finish().await;
    assert_eq!(fin.status(), "in-progress", "A's exit doesn't end the call");
    assert_eq!(fin.leg(&a)["status"], "completed");
    assert_eq!(
        fin.leg(&customer)["endConferenceOnExit"],
        true,
        "C set true"
    );
    // Still dialing: ringing, or queued behind the account's 1-CPS create slots.
    assert!(
        matches!(fin.leg(&x)["status"].as_str(), Some("ringing" | "queued")),
        "X still rings: {}",
        fin.json
    );
    assert!(
        !ecoe_writes(&call.requests().await)
            .iter()
            .any(|(c, _)| *c == x),
        "X is never written while it rings"
    );
    assert_eq!(leg(&x, "answer").await.status, 200);
    let fin = call.finish().await;
    assert_live(&fin, &[(&customer, true), (&x, false)], &call.names);

    // (b) X never answers: C stays alone with true until C hangs up.
    let (mut call, x) = three_party_ringing().await;
    call.settle().await;
    let customer = call.customer.clone();
    call.a()
        .intent(json!({"kind": "hangup", "confirmLeave": true}));
    call.settle().await;
    assert_eq!(leg(&x, "no-answer").await.status, 200);
    let fin = call.finish().await;
    assert_live(&fin, &[(&customer, true)], &call.names);
    assert_eq!(leg(&customer, "hangup").await.status, 200);
    let fin = call.finish().await;
    assert_eq!(fin.status(), "completed");
    assert_eq!(fin.reason(), Some("last-participant-left"));
}

#[wasm_bindgen_test]
async fn leaving_while_the_new_leg_rings_asks_the_agent_first() {
    let (mut call, _x) = three_party_ringing().await;
    call.settle().await;
    call.a()
        .intent(json!({"kind": "hangup", "confirmLeave": false}));
    call.settle().await;
    let answers = call.a().events_of("hangup");
    assert_eq!(
        answers
            .last()
            .map(|h| (h["allow"].clone(), h["reason"].clone())),
        Some((json!(false), json!("confirm_leave"))),
        "{answers:?}"
    );
    let fin = call.finish().await;
    assert_eq!(
        fin.leg(&call.a_leg())["status"],
        "connected",
        "A is still in"
    );
}

#[wasm_bindgen_test]
async fn removing_a_ringing_leg_cancels_it_and_restores_both_flags() {
    let (mut call, x) = three_party_ringing().await;
    call.settle().await;
    let (a, customer) = (call.a_leg(), call.customer.clone());
    let outcome = call.a().intent(json!({"kind": "cancelDial", "callSid": x}));
    assert_eq!(outcome["accepted"], true, "{outcome}");
    let fin = call.finish().await;
    let removes = call.requests_to("remove-participant").await;
    assert_eq!(removes.len(), 1, "{removes:?}");
    assert_eq!(removes[0]["params"]["participant"], x.as_str());
    assert_eq!(fin.leg(&x)["status"], "canceled");
    assert!(connecting(&call.a().view()).is_empty(), "the card is gone");
    assert!(
        !ecoe_writes(&call.requests().await)
            .iter()
            .any(|(c, _)| *c == x),
        "no flag write targets the ringing leg"
    );
    assert_live(&fin, &[(&a, true), (&customer, true)], &call.names);
}

#[wasm_bindgen_test]
async fn a_double_submit_and_a_double_click_send_one_request_each() {
    let mut call = Call::start().await;
    let first = call.a_dials(X_NUMBER);
    let second = call.a_dials(X_NUMBER);
    assert_eq!(first["accepted"], true, "{first}");
    assert!(
        second["accepted"] == false || second["abortNative"] == true,
        "the second submit is absorbed: {second}"
    );
    let x = call.added_leg("X").await;
    call.settle().await;
    assert_eq!(leg(&x, "answer").await.status, 200);
    call.settle().await;

    let hold = json!({"kind": "hold", "callSid": x, "nativeAction": "HoldParticipant"});
    let one = call.a().intent(hold.clone());
    let two = call.a().intent(hold);
    assert_eq!(one["abortNative"], true, "{one}");
    assert_eq!(two["abortNative"], true, "{two}");
    let fin = call.finish().await;
    assert_eq!(call.requests_to("add-participant").await.len(), 1);
    let holds = call.requests_to("hold-participant").await;
    assert_eq!(holds.len(), 1, "{holds:?}");
    assert_eq!(fin.added().len(), 1, "one X leg");
    assert!(fin.held(&x), "X is held");
}

#[wasm_bindgen_test]
async fn a_caller_id_and_destination_reach_the_endpoint_percent_encoded() {
    let mut cfg = config();
    cfg["default_caller_id"] = json!("+14155550111");
    let mut call = Call::start_with(cfg).await;
    assert_eq!(call.a_dials(" +1 (415) 555-0199 ")["accepted"], true);
    let x = call.added_leg("X").await;
    let fin = call.finish().await;
    let adds = call.requests_to("add-participant").await;
    assert_eq!(adds[0]["params"]["to"], X_NUMBER, "normalised, + kept");
    assert_eq!(adds[0]["params"]["from"], "+14155550111");
    assert_eq!(fin.leg(&x)["to"], X_NUMBER);
    assert_eq!(fin.leg(&x)["from"], "+14155550111");
}
