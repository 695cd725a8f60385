//! Hold, unhold and remove over HTTP: SPEC §13 scenarios 6 (the project's outcome) and 7.

use serde_json::json;
use wasm_bindgen_test::wasm_bindgen_test;

use super::harness::{assert_live, leg, serverless, Call, TOKEN};
use super::leaving::three_parties;

#[wasm_bindgen_test]
async fn a_customer_held_before_the_third_party_joined_can_hang_up_without_ending_the_call() {
    let mut call = Call::start().await;
    let (a, customer) = (call.a_leg(), call.customer.clone());
    let outcome = call.click(0, "hold", &customer).await;
    assert_eq!(
        outcome["abortNative"], true,
        "the engine holds C itself: {outcome}"
    );
    let held = call.finish().await;
    assert!(held.held(&customer), "C is held");
    assert_eq!(
        held.leg(&customer)["endConferenceOnExit"],
        false,
        "C2: C's flag was set false before the hold"
    );

    assert_eq!(call.a_dials("+14155550199")["accepted"], true);
    let x = call.added_leg("X").await;
    call.settle().await;
    assert_eq!(leg(&x, "answer").await.status, 200);
    call.settle().await;
    assert_eq!(leg(&customer, "hangup").await.status, 200);
    let fin = call.finish().await;
    assert_eq!(fin.status(), "in-progress", "the conference continues");
    assert_live(&fin, &[(&a, true), (&x, true)], &call.names);
}

#[wasm_bindgen_test]
async fn holding_unholding_and_removing_an_added_leg_never_touches_the_customer() {
    let (mut call, x) = three_parties().await;
    let (a, customer) = (call.a_leg(), call.customer.clone());

    let hold = call.click(0, "hold", &x).await;
    assert_eq!(
        hold["abortNative"], true,
        "the native action is aborted: {hold}"
    );
    assert!(hold["error"].is_null(), "nothing shown as an error: {hold}");
    let fin = call.finish().await;
    assert!(fin.held(&x), "X is held");
    assert!(!fin.held(&customer), "C is never held");

    let unhold = call.click(0, "unhold", &x).await;
    assert_eq!(unhold["abortNative"], true, "{unhold}");
    let fin = call.finish().await;
    assert!(!fin.held(&x), "X is back");

    let kick = call.click(0, "kick", &x).await;
    assert_eq!(kick["abortNative"], true, "{kick}");
    let fin = call.finish().await;

    let holds = call.requests_to("hold-participant").await;
    let by_x: Vec<_> = holds
        .iter()
        .map(|r| {
            (
                r["params"]["participant"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                r["params"]["hold"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        by_x,
        [
            (x.clone(), "true".to_owned()),
            (x.clone(), "false".to_owned())
        ],
        "hold then unhold, by X's call SID"
    );
    let removes = call.requests_to("remove-participant").await;
    assert_eq!(removes.len(), 1);
    assert_eq!(removes[0]["params"]["participant"], x.as_str());
    let customer_held = fin.json["events"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|e| e["event"] == "participant-hold" && e["callSid"] == customer.as_str());
    assert!(!customer_held, "C was never held: {}", fin.json);
    assert_live(&fin, &[(&a, true), (&customer, true)], &call.names);

    // X is gone for Twilio too: a read answers 20404.
    let read = serverless(
        "get-participant",
        &[
            ("conference", &call.conference_sid),
            ("participant", &x),
            ("Token", TOKEN),
        ],
    )
    .await;
    assert_eq!(read.status, 404, "{:?}", read.body);
    assert_eq!(read.body["twilioErrorCode"], 20404, "{:?}", read.body);
}

#[wasm_bindgen_test]
async fn muting_an_added_leg_goes_through_the_endpoint() {
    let (mut call, x) = three_parties().await;
    let mute = call.a().intent(json!({"kind": "mute", "callSid": x}));
    assert_eq!(mute["accepted"], true, "{mute}");
    let fin = call.finish().await;
    assert_eq!(fin.leg(&x)["muted"], true);
    let unmute = call.a().intent(json!({"kind": "unmute", "callSid": x}));
    assert_eq!(unmute["accepted"], true, "{unmute}");
    let fin = call.finish().await;
    assert_eq!(fin.leg(&x)["muted"], false);
    let mutes = call.requests_to("mute-participant").await;
    let values: Vec<_> = mutes.iter().map(|r| r["params"]["muted"].clone()).collect();
    assert_eq!(values, [json!("true"), json!("false")]);
}
