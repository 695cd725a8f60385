//! What the reference (the template's client) gets from the same backend: SPEC §13 scenario 6's
//! two reference outcomes and defect D9. These send the reference's request sequences by hand,
//! to show the emulator reproduces the quirk and the hazard the project's engine avoids (its own
//! outcome is in `holding.rs` and `faults.rs`). The reference defects break DESIGN §6 on purpose,
//! so these tests assert the emulator's outcome instead of running the invariant check.

use serde_json::{json, Value};
use wasm_bindgen_test::wasm_bindgen_test;

use super::harness::{
    fault, get, leg, post, serverless, settings, Answer, Conference, CUSTOMER_NUMBER, TOKEN,
    WORKER_A,
};

/// A, C live, both true (no browser: the test is the reference client).
async fn call() -> (String, String, String) {
    post("/sim/reset", json!({})).await;
    let c = post(
        "/sim/calls",
        json!({"worker": {"sid": WORKER_A, "name": "Alice"}, "customer": {"number": CUSTOMER_NUMBER}}),
    )
    .await;
    let s = |k: &str| c[k].as_str().expect("a SID").to_owned();
    (s("conferenceSid"), s("agentCallSid"), s("customerCallSid"))
}

async fn conference(sid: &str) -> Conference {
    Conference {
        json: get(&format!("/sim/conferences/{sid}")).await,
    }
}

async fn update(conf: &str, participant: &str, ecoe: bool) -> Answer {
    serverless(
        "update-participant",
        &[
            ("conference", conf),
            ("participant", participant),
            ("endConferenceOnExit", if ecoe { "true" } else { "false" }),
            ("Token", TOKEN),
        ],
    )
    .await
}

async fn hold(conf: &str, participant: &str, on: bool) -> Answer {
    serverless(
        "hold-participant",
        &[
            ("conference", conf),
            ("participant", participant),
            ("hold", if on { "true" } else { "false" }),
            ("Token", TOKEN),
        ],
    )
    .await
}

/// The reference's add: `taskSid` (the conference SID), `to`, `from`; the new leg's SID.
async fn add(conf: &str) -> Answer {
    serverless(
        "add-participant",
        &[
            ("taskSid", conf),
            ("to", "+14155550199"),
            ("from", "+15005550006"),
            ("Token", TOKEN),
        ],
    )
    .await
}

fn call_sid(answer: &Answer) -> String {
    answer.body["participantsResponse"]["callSid"]
        .as_str()
        .unwrap_or_else(|| panic!("a participant in {:?}", answer.body))
        .to_owned()
}

/// C held natively (Flex's hold), then X dialed and answered: the reference's situation.
async fn customer_held_third_party_joins() -> (String, String, String, String) {
    let (conf, a, customer) = call().await;
    assert_eq!(leg(&customer, "hold").await.status, 200);
    let added = add(&conf).await;
    assert_eq!(added.status, 200, "{:?}", added.body);
    let x = call_sid(&added);
    assert_eq!(leg(&x, "answer").await.status, 200);
    (conf, a, customer, x)
}

#[wasm_bindgen_test]
async fn the_reference_without_the_workaround_ends_the_call_when_the_held_customer_hangs_up() {
    let (conf, a, customer, _x) = customer_held_third_party_joins().await;
    // The reference monitor on X's join: A and C false. C is held: Twilio says yes, does nothing.
    assert_eq!(update(&conf, &a, false).await.status, 200);
    let c_write = update(&conf, &customer, false).await;
    assert_eq!(
        c_write.status, 200,
        "the write on a held leg reports success"
    );
    assert_eq!(
        conference(&conf).await.leg(&customer)["endConferenceOnExit"],
        true,
        "but C's flag is unchanged (quirk)"
    );
    assert_eq!(leg(&customer, "hangup").await.status, 200);
    let fin = conference(&conf).await;
    assert_eq!(fin.status(), "completed");
    assert_eq!(
        fin.reason(),
        Some("participant-with-end-conference-on-exit-left")
    );
    assert_eq!(fin.json["callSidEndingConference"], customer.as_str());
}

#[wasm_bindgen_test]
async fn the_reference_with_the_workaround_unholds_writes_and_reholds_so_the_call_survives() {
    let (conf, a, customer, x) = customer_held_third_party_joins().await;
    assert_eq!(update(&conf, &a, false).await.status, 200);
    // The workaround: unhold (C hears the consultation for a moment), write, re-hold.
    assert_eq!(hold(&conf, &customer, false).await.status, 200);
    assert_eq!(update(&conf, &customer, false).await.status, 200);
    assert_eq!(hold(&conf, &customer, true).await.status, 200);
    let during = conference(&conf).await;
    assert_eq!(during.leg(&customer)["endConferenceOnExit"], false);
    assert!(during.held(&customer));
    let unheld_for_a_moment = during.json["events"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|e| e["event"] == "participant-unhold" && e["callSid"] == customer.as_str());
    assert!(
        unheld_for_a_moment,
        "C was unheld for the write: {}",
        during.json
    );
    assert_eq!(leg(&customer, "hangup").await.status, 200);
    let fin = conference(&conf).await;
    assert_eq!(fin.status(), "in-progress", "C's hang-up didn't end it");
    assert_eq!(fin.leg(&a)["status"], "connected");
    assert_eq!(fin.leg(&x)["status"], "connected");
}

#[wasm_bindgen_test]
async fn the_reference_server_retry_turns_one_lost_create_into_two_legs() {
    let (conf, _a, _c) = call().await;
    settings(json!({"referenceServerRetry": true})).await;
    fault(json!({
        "endpoint": "add-participant", "commitThenFail": true, "status": 503, "times": 1,
        "conference": conf,
    }))
    .await;
    let added = add(&conf).await;
    settings(json!({"referenceServerRetry": false})).await;
    assert_eq!(
        added.status, 200,
        "the server's retry answers: {:?}",
        added.body
    );
    let legs: Vec<Value> = conference(&conf)
        .await
        .added()
        .into_iter()
        .cloned()
        .collect();
    assert_eq!(
        legs.len(),
        2,
        "defect D9: one add, two outbound legs: {legs:?}"
    );
}

#[wasm_bindgen_test]
async fn the_endpoints_answer_as_the_template_does() {
    let (conf, _a, customer) = call().await;
    // 400: missing parameters, concatenated.
    let missing = serverless("hold-participant", &[("Token", TOKEN)]).await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.body["data"], Value::Null);
    let message = missing.body["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("Missing conference") && message.contains("Missing participant"),
        "{message}"
    );
    // 403: plain text.
    let denied = serverless(
        "update-participant",
        &[
            ("conference", &conf),
            ("participant", &customer),
            ("endConferenceOnExit", "true"),
        ],
    )
    .await;
    assert_eq!(denied.status, 403);
    assert!(denied.body.is_string(), "a text body: {:?}", denied.body);
    assert!(
        denied.content_type.contains("plain/text"),
        "{}",
        denied.content_type
    );
    // A Twilio error passes through with its status, code and doc page.
    let invalid = serverless(
        "add-participant",
        &[
            ("taskSid", &conf),
            ("to", "+15005550001"),
            ("from", "+15005550006"),
            ("Token", TOKEN),
        ],
    )
    .await;
    assert_eq!(invalid.status, 400, "{:?}", invalid.body);
    assert_eq!(invalid.body["success"], false);
    assert_eq!(invalid.body["twilioErrorCode"], 21217);
    assert_eq!(
        invalid.body["twilioDocPage"],
        "https://www.twilio.com/docs/errors/21217"
    );
}
