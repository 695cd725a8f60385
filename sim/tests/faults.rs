//! Fault injection (`POST /sim/faults`): HTTP faults, counts, latency, dropped connections,
//! commit-then-fail, the reference server-side retry, targeting and clearing.

mod common;

use std::time::Duration;

use common::{raw_exchange, raw_form_post, TestSim, CALLER_ID, TOKEN, X, Y};
use serde_json::json;
use sim::Options;

#[tokio::test]
async fn an_http_fault_answers_its_status_and_commits_nothing() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    s.fault(json!({"endpoint": "hold-participant", "status": 429, "twilioErrorCode": 20429}))
        .await;
    let reply = s
        .call(
            "hold-participant",
            &[
                ("conference", &call.conference),
                ("participant", &call.customer),
                ("hold", "true"),
            ],
        )
        .await;
    assert_eq!(reply.status, 429);
    assert_eq!(
        reply.json(),
        json!({
            "success": false,
            "message": "Too Many Requests",
            "twilioErrorCode": 20429,
            "twilioDocPage": "https://www.twilio.com/docs/errors/20429",
        })
    );
    assert_eq!(s.leg(&call.conference, &call.customer).await["hold"], false);
    let log = s.get("/sim/requests").await.json();
    assert_eq!(log[0]["outcome"], "fault");
    assert_eq!(log[0]["status"], 429);
}

#[tokio::test]
async fn an_http_fault_without_a_code_answers_success_false_and_a_message() {
    let s = TestSim::unqueued().await;
    s.fault(json!({"endpoint": "get-call-properties", "status": 500, "message": "boom"}))
        .await;
    let reply = s.call("get-call-properties", &[("callSid", "CA1")]).await;
    assert_eq!(reply.status, 500);
    assert_eq!(reply.json(), json!({"success": false, "message": "boom"}));
}

#[tokio::test]
async fn a_fault_hits_only_as_many_times_as_asked() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    s.fault(json!({"endpoint": "update-participant", "status": 503, "times": 2}))
        .await;
    let statuses = [
        s.set_ecoe(&call.conference, &call.agent, false)
            .await
            .status,
        s.set_ecoe(&call.conference, &call.agent, false)
            .await
            .status,
        s.set_ecoe(&call.conference, &call.agent, false)
            .await
            .status,
    ];
    assert_eq!(statuses, [503, 503, 200]);
    let faults = s.get("/sim/faults").await.json();
    assert_eq!(faults[0]["remaining"], 0);
}

#[tokio::test]
async fn the_first_matching_fault_wins() {
    let s = TestSim::unqueued().await;
    s.fault(json!({"endpoint": "get-call-properties", "status": 502}))
        .await;
    s.fault(json!({"endpoint": "get-call-properties", "status": 504}))
        .await;
    assert_eq!(
        s.call("get-call-properties", &[("callSid", "CA1")])
            .await
            .status,
        502
    );
    assert_eq!(
        s.call("get-call-properties", &[("callSid", "CA1")])
            .await
            .status,
        504
    );
}

#[tokio::test]
async fn faults_apply_only_after_the_token_and_parameter_checks() {
    let s = TestSim::unqueued().await;
    s.fault(json!({"endpoint": "get-call-properties", "status": 503}))
        .await;
    assert_eq!(
        s.form("get-call-properties", &[("callSid", "CA1")])
            .await
            .status,
        403
    );
    assert_eq!(s.call("get-call-properties", &[]).await.status, 400);
    assert_eq!(
        s.call("get-call-properties", &[("callSid", "CA1")])
            .await
            .status,
        503
    );
}

#[tokio::test(start_paused = true)]
async fn a_latency_fault_delays_the_answer() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    s.fault(json!({"endpoint": "get-call-properties", "latencyMs": 1500}))
        .await;
    let start = tokio::time::Instant::now();
    let reply = s
        .call("get-call-properties", &[("callSid", &call.agent)])
        .await;
    assert!(start.elapsed() >= Duration::from_millis(1500));
    assert_eq!(reply.status, 200);
    let start = tokio::time::Instant::now();
    s.call("get-call-properties", &[("callSid", &call.agent)])
        .await;
    assert!(start.elapsed() < Duration::from_millis(1500));
}

#[tokio::test(start_paused = true)]
async fn latency_combines_with_an_http_fault() {
    let s = TestSim::unqueued().await;
    s.fault(json!({"endpoint": "get-call-properties", "status": 503, "latencyMs": 800}))
        .await;
    let start = tokio::time::Instant::now();
    let reply = s.call("get-call-properties", &[("callSid", "CA1")]).await;
    assert!(start.elapsed() >= Duration::from_millis(800));
    assert_eq!(reply.status, 503);
}

#[tokio::test]
async fn a_dropped_request_commits_nothing() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    s.fault(json!({"endpoint": "add-participant", "drop": true}))
        .await;
    let reply = s.try_add(&call.conference, X).await;
    assert!(reply.dropped);
    assert_eq!(
        s.conference(&call.conference).await["participants"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let log = s.get("/sim/requests").await.json();
    assert_eq!(log[0]["outcome"], "dropped");
    assert_eq!(log[0]["status"], 0);
}

#[tokio::test]
async fn a_dropped_request_closes_the_connection_before_any_response_byte() {
    let running = sim::spawn(Options::default()).await.unwrap();
    let s = TestSim {
        sim: running.sim().clone(),
    };
    s.fault(json!({"endpoint": "get-call-properties", "drop": true}))
        .await;
    let request = raw_form_post(
        "/common/flex/programmable-voice/get-call-properties",
        &format!("Token={TOKEN}&callSid=CA1"),
    );
    let received = raw_exchange(running.addr(), &request).await;
    assert!(
        received.is_empty(),
        "{}",
        String::from_utf8_lossy(&received)
    );
    // The next request on a fresh connection is answered normally.
    let received = raw_exchange(running.addr(), &request).await;
    assert!(String::from_utf8_lossy(&received).starts_with("HTTP/1.1 404"));
    running.shutdown().await;
}

#[tokio::test]
async fn commit_then_fail_creates_exactly_one_leg() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    s.fault(json!({"endpoint": "add-participant", "commitThenFail": true, "status": 503}))
        .await;
    let reply = s.try_add(&call.conference, X).await;
    assert_eq!(reply.status, 503);
    assert_eq!(reply.json()["success"], false);
    let legs = s.conference(&call.conference).await["participants"].clone();
    let added: Vec<_> = legs
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["to"] == X)
        .collect();
    assert_eq!(added.len(), 1);
    let log = s.get("/sim/requests").await.json();
    assert_eq!(log[0]["outcome"], "committed-then-failed");
    assert_eq!(log[0]["attempts"], 1);
}

#[tokio::test]
async fn commit_then_fail_with_the_reference_server_retry_creates_two_legs() {
    let s = TestSim::unqueued().await;
    s.settings(json!({"referenceServerRetry": true})).await;
    let call = s.new_call().await;
    s.fault(json!({"endpoint": "add-participant", "commitThenFail": true, "status": 503}))
        .await;
    let reply = s.try_add(&call.conference, X).await;
    assert_eq!(reply.status, 200);
    let legs = s.conference(&call.conference).await["participants"].clone();
    let added = legs
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["to"] == X)
        .count();
    assert_eq!(added, 2);
    assert_eq!(s.get("/sim/requests").await.json()[0]["attempts"], 2);
}

#[tokio::test]
async fn the_reference_server_retry_gives_up_after_its_limit() {
    let s = TestSim::unqueued().await;
    s.settings(json!({"referenceServerRetry": true, "serverRetryLimit": 2}))
        .await;
    s.fault(json!({"endpoint": "get-call-properties", "status": 429, "times": 10}))
        .await;
    let reply = s.call("get-call-properties", &[("callSid", "CA1")]).await;
    assert_eq!(reply.status, 429);
    assert_eq!(s.get("/sim/requests").await.json()[0]["attempts"], 3);
    assert_eq!(s.get("/sim/faults").await.json()[0]["remaining"], 7);
}

#[tokio::test]
async fn the_reference_server_retry_rides_out_a_transient_fault() {
    let s = TestSim::unqueued().await;
    s.settings(json!({"referenceServerRetry": true})).await;
    let call = s.new_call().await;
    s.fault(json!({"endpoint": "get-call-properties", "status": 503}))
        .await;
    let reply = s
        .call("get-call-properties", &[("callSid", &call.agent)])
        .await;
    assert_eq!(reply.status, 200);
}

#[tokio::test]
async fn commit_then_drop_commits_then_closes_the_connection_without_a_byte() {
    let running = sim::spawn(Options::default()).await.unwrap();
    let s = TestSim {
        sim: running.sim().clone(),
    };
    s.settings(json!({"createIntervalMs": 0})).await;
    let call = s.new_call().await;
    s.fault(json!({"endpoint": "add-participant", "commitThenFail": true, "drop": true}))
        .await;
    let request = raw_form_post(
        "/common/flex/programmable-voice/add-participant",
        &format!(
            "Token={TOKEN}&taskSid={}&to=%2B14155550101&from=%2B15005550006",
            call.conference
        ),
    );
    let received = raw_exchange(running.addr(), &request).await;
    assert!(
        received.is_empty(),
        "{}",
        String::from_utf8_lossy(&received)
    );
    let legs = s.conference(&call.conference).await["participants"].clone();
    assert_eq!(
        legs.as_array()
            .unwrap()
            .iter()
            .filter(|l| l["to"] == X)
            .count(),
        1
    );
    let log = s.get("/sim/requests").await.json();
    assert_eq!(log[0]["outcome"], "committed-then-failed");
    assert_eq!(log[0]["status"], 0);
    running.shutdown().await;
}

#[tokio::test]
async fn faults_can_target_one_conference_participant_or_destination() {
    let s = TestSim::unqueued().await;
    let a = s.new_call().await;
    let b = s.new_call().await;
    s.fault(json!({"endpoint": "add-participant", "status": 500, "conference": a.task, "to": Y}))
        .await;
    s.fault(json!({"endpoint": "hold-participant", "status": 500, "participant": b.customer}))
        .await;
    // By friendly name, it matches requests naming the conference by SID.
    let miss = s.try_add(&a.conference, X).await;
    assert_eq!(miss.status, 200);
    let other = s.try_add(&b.conference, Y).await;
    assert_eq!(other.status, 200);
    let hit = s.try_add(&a.conference, Y).await;
    assert_eq!(hit.status, 500);
    for (who, status) in [(&b.agent, 200), (&b.customer, 500)] {
        let reply = s
            .call(
                "hold-participant",
                &[
                    ("conference", &b.conference),
                    ("participant", who),
                    ("hold", "true"),
                ],
            )
            .await;
        assert_eq!(reply.status, status, "{who}");
    }
}

#[tokio::test]
async fn clearing_faults_by_conference_keeps_the_others() {
    let s = TestSim::unqueued().await;
    let a = s.new_call().await;
    let b = s.new_call().await;
    s.fault(json!({"endpoint": "hold-participant", "status": 500, "conference": a.conference}))
        .await;
    s.fault(json!({"endpoint": "hold-participant", "status": 500, "conference": b.task}))
        .await;
    let cleared = s
        .delete(&format!("/sim/faults?conference={}", a.task))
        .await;
    assert_eq!(cleared.json()["cleared"], 1);
    let left = s.get("/sim/faults").await.json();
    assert_eq!(left.as_array().unwrap().len(), 1);
    assert_eq!(left[0]["conference"], b.task.as_str());
    s.delete("/sim/faults").await;
    assert!(s
        .get("/sim/faults")
        .await
        .json()
        .as_array()
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn malformed_fault_specs_are_refused() {
    let s = TestSim::new();
    for spec in [
        json!({"endpoint": "hold-participant"}),
        json!({"endpoint": "nope", "status": 500}),
        json!({"endpoint": "hold-participant", "status": 99}),
        json!({"endpoint": "hold-participant", "status": 500, "bogus": 1}),
        json!({"status": 500}),
    ] {
        let reply = s.post_json("/sim/faults", spec.clone()).await;
        assert_eq!(reply.status, 400, "{spec}");
        assert!(reply.json()["error"].is_string());
    }
}

#[tokio::test]
async fn a_participant_scoped_fault_hits_the_leg_by_call_sid_or_label() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let added = s
        .call(
            "add-participant",
            &[
                ("taskSid", &call.conference),
                ("to", X),
                ("from", CALLER_ID),
                ("label", "add-1"),
            ],
        )
        .await
        .json();
    let x = added["participantsResponse"]["callSid"]
        .as_str()
        .unwrap()
        .to_owned();
    s.fault(json!({"endpoint": "get-participant", "status": 500, "times": 2, "participant": x}))
        .await;
    s.fault(json!({"endpoint": "remove-participant", "status": 500, "participant": "add-1"}))
        .await;
    for key in ["add-1", x.as_str()] {
        let reply = s
            .call(
                "get-participant",
                &[("conference", &call.conference), ("participant", key)],
            )
            .await;
        assert_eq!(reply.status, 500, "{key}");
    }
    let reply = s
        .call(
            "remove-participant",
            &[("conference", &call.conference), ("participant", &x)],
        )
        .await;
    assert_eq!(reply.status, 500);
    assert_eq!(s.leg(&call.conference, &x).await["status"], "ringing");
}

#[tokio::test]
async fn a_label_scoped_fault_spares_another_conference_with_the_same_label() {
    let s = TestSim::unqueued().await;
    let a = s.new_call().await;
    let b = s.new_call().await;
    for call in [&a, &b] {
        s.call(
            "add-participant",
            &[
                ("taskSid", &call.conference),
                ("to", X),
                ("from", CALLER_ID),
                ("label", "add-1"),
            ],
        )
        .await;
    }
    let a_x = s.conference(&a.conference).await["participants"][2]["callSid"]
        .as_str()
        .unwrap()
        .to_owned();
    s.fault(json!({"endpoint": "get-participant", "status": 500, "participant": a_x}))
        .await;
    let reply = s
        .call(
            "get-participant",
            &[("conference", &b.conference), ("participant", "add-1")],
        )
        .await;
    assert_eq!(reply.status, 200);
}

#[tokio::test]
async fn a_fault_that_would_never_hit_is_refused() {
    let s = TestSim::new();
    let reply = s
        .post_json(
            "/sim/faults",
            json!({"endpoint": "hold-participant", "status": 500, "times": 0}),
        )
        .await;
    assert_eq!(reply.status, 400);
}

#[tokio::test]
async fn with_a_retry_limit_of_zero_the_reference_server_retry_never_retries() {
    let s = TestSim::unqueued().await;
    s.settings(json!({"referenceServerRetry": true, "serverRetryLimit": 0}))
        .await;
    s.fault(json!({"endpoint": "get-call-properties", "status": 503, "times": 5}))
        .await;
    let reply = s.call("get-call-properties", &[("callSid", "CA1")]).await;
    assert_eq!(reply.status, 503);
    assert_eq!(s.get("/sim/requests").await.json()[0]["attempts"], 1);
}

#[tokio::test]
async fn each_lost_create_the_reference_server_retries_adds_a_leg_up_to_its_limit() {
    let s = TestSim::unqueued().await;
    s.settings(json!({"referenceServerRetry": true, "serverRetryLimit": 2}))
        .await;
    let call = s.new_call().await;
    s.fault(
        json!({"endpoint": "add-participant", "commitThenFail": true, "status": 503, "times": 10}),
    )
    .await;
    let reply = s.try_add(&call.conference, X).await;
    assert_eq!(reply.status, 503);
    let added = s.conference(&call.conference).await["participants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["to"] == X)
        .count();
    assert_eq!(added, 3);
    let log = s.get("/sim/requests").await.json();
    assert_eq!(log[0]["attempts"], 3);
    assert_eq!(log[0]["outcome"], "committed-then-failed");
}

#[tokio::test]
async fn a_lost_hold_retried_by_the_server_holds_once() {
    let s = TestSim::unqueued().await;
    s.settings(json!({"referenceServerRetry": true})).await;
    let call = s.new_call().await;
    s.fault(json!({"endpoint": "hold-participant", "commitThenFail": true, "status": 503}))
        .await;
    let reply = s
        .call(
            "hold-participant",
            &[
                ("conference", &call.conference),
                ("participant", &call.customer),
                ("hold", "true"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["participantsResponse"]["hold"], true);
    let holds = s
        .event_names(&call.conference)
        .await
        .iter()
        .filter(|e| *e == "participant-hold")
        .count();
    assert_eq!(holds, 1);
}

#[tokio::test]
async fn a_drop_is_never_retried_by_the_server() {
    let s = TestSim::unqueued().await;
    s.settings(json!({"referenceServerRetry": true})).await;
    let call = s.new_call().await;
    s.fault(json!({"endpoint": "add-participant", "drop": true}))
        .await;
    let reply = s.try_add(&call.conference, X).await;
    assert!(reply.dropped);
    let log = s.get("/sim/requests").await.json();
    assert_eq!(log[0]["attempts"], 0);
    assert_eq!(log[0]["status"], 0);
}
