//! Flex's view of a call (`GET /sim/tasks/{taskSid}`): the task snapshot's shape, per-agent
//! fields, which legs Flex lists, the version long poll and the server-sent events.

mod common;

use std::time::Duration;

use axum::http::Method;
use common::{TestSim, CALLER_ID, CUSTOMER, WORKER, WORKER_B, X};
use futures_util::StreamExt;
use serde_json::{json, Value};

fn participant<'a>(task: &'a Value, call_sid: &str) -> Option<&'a Value> {
    task["conference"]["participants"]
        .as_array()?
        .iter()
        .find(|p| p["callSid"] == call_sid)
}

async fn task(s: &TestSim, path: &str) -> Value {
    let reply = s.get(path).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()
}

#[tokio::test]
async fn the_task_view_has_the_flex_shape() {
    let s = TestSim::new();
    let call = s.new_call().await;
    let t = task(&s, &format!("/sim/tasks/{}", call.task)).await;
    assert_eq!(t["taskSid"], call.task.as_str());
    assert_eq!(t["sid"], call.task.replacen("WT", "WR", 1));
    assert_eq!(t["status"], "accepted");
    assert_eq!(t["taskChannelUniqueName"], "voice");
    assert_eq!(
        t["attributes"]["conference"]["sid"],
        call.conference.as_str()
    );
    assert_eq!(t["attributes"]["from"], CUSTOMER);
    assert_eq!(t["conference"]["sid"], call.task.as_str());
    assert_eq!(t["conference"]["conferenceSid"], call.conference.as_str());
    assert_eq!(t["conference"]["status"], "active");
    assert!(t["version"].is_u64());
    let agent = participant(&t, &call.agent).unwrap();
    assert_eq!(
        *agent,
        json!({
            "callSid": call.agent,
            "participantType": "worker",
            "status": "joined",
            "onHold": false,
            "muted": false,
            "isCurrentWorker": true,
            "workerSid": WORKER,
            "connecting": false,
            "participantSid": null,
            "phoneNumber": null,
            "mediaProperties": {
                "callSid": call.agent,
                "conferenceSid": call.conference,
                "hold": false,
                "muted": false,
                "endConferenceOnExit": true,
                "startConferenceOnEnter": true,
                "from": CUSTOMER,
                "to": "client:alice",
            },
        })
    );
    let customer = participant(&t, &call.customer).unwrap();
    assert_eq!(customer["participantType"], "customer");
    assert_eq!(customer["isCurrentWorker"], false);
    assert_eq!(customer["workerSid"], Value::Null);
}

#[tokio::test]
async fn is_current_worker_follows_the_worker_query_and_defaults_to_the_first_worker() {
    let s = TestSim::new();
    let call = s.new_call().await;
    let b = s
        .post_json(
            &format!("/sim/conferences/{}/legs", call.conference),
            json!({"kind": "worker", "workerSid": WORKER_B, "endConferenceOnExit": false}),
        )
        .await
        .json()["callSid"]
        .as_str()
        .unwrap()
        .to_owned();
    let default = task(&s, &format!("/sim/tasks/{}", call.task)).await;
    assert_eq!(
        participant(&default, &call.agent).unwrap()["isCurrentWorker"],
        true
    );
    assert_eq!(participant(&default, &b).unwrap()["isCurrentWorker"], false);
    let as_b = task(&s, &format!("/sim/tasks/{}?worker={WORKER_B}", call.task)).await;
    assert_eq!(
        participant(&as_b, &call.agent).unwrap()["isCurrentWorker"],
        false
    );
    assert_eq!(participant(&as_b, &b).unwrap()["isCurrentWorker"], true);
}

#[tokio::test]
async fn a_departed_leg_shows_as_left_and_its_agent_is_wrapping_up() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    s.add_answered(&call.conference, X).await;
    s.set_ecoe(&call.conference, &call.agent, false).await;
    s.act(&call.agent, "hangup").await;
    let t = task(&s, &format!("/sim/tasks/{}", call.task)).await;
    assert_eq!(t["status"], "wrapping");
    assert_eq!(t["conference"]["status"], "active");
    assert_eq!(participant(&t, &call.agent).unwrap()["status"], "left");
    s.act(&call.customer, "hangup").await;
    let t = task(&s, &format!("/sim/tasks/{}", call.task)).await;
    assert_eq!(t["conference"]["status"], "closed");
}

#[tokio::test]
async fn rest_added_legs_are_listed_only_once_joined() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let x = s.add(&call.conference, X).await;
    let path = format!("/sim/tasks/{}", call.task);
    assert!(participant(&task(&s, &path).await, &x).is_none());
    s.act(&x, "answer").await;
    let t = task(&s, &path).await;
    let leg = participant(&t, &x).unwrap();
    assert_eq!(leg["participantType"], "unknown");
    assert_eq!(leg["status"], "joined");
    assert_eq!(leg["connecting"], false);
    assert_eq!(leg["mediaProperties"]["endConferenceOnExit"], false);
}

#[tokio::test]
async fn native_external_legs_are_listed_while_ringing_as_connecting() {
    let s = TestSim::new();
    let call = s.new_call().await;
    let body = s
        .post_json(
            &format!("/sim/conferences/{}/legs", call.conference),
            json!({"kind": "external", "to": X, "from": CALLER_ID, "endConferenceOnExit": false, "status": "ringing"}),
        )
        .await
        .json();
    let x = body["callSid"].as_str().unwrap();
    let t = task(&s, &format!("/sim/tasks/{}", call.task)).await;
    let leg = participant(&t, x).unwrap();
    assert_eq!(leg["participantType"], "external");
    assert_eq!(leg["status"], "joined");
    assert_eq!(leg["connecting"], true);
    assert_eq!(leg["participantSid"], body["participantSid"]);
    assert_eq!(leg["phoneNumber"], X);
}

#[tokio::test]
async fn a_held_unknown_leg_is_retyped_customer_only_when_switched_on() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let x = s.add_answered(&call.conference, X).await;
    s.act(&x, "hold").await;
    let path = format!("/sim/tasks/{}", call.task);
    assert_eq!(
        participant(&task(&s, &path).await, &x).unwrap()["participantType"],
        "unknown"
    );
    s.settings(json!({"retypeHeldUnknown": true})).await;
    let t = task(&s, &path).await;
    assert_eq!(participant(&t, &x).unwrap()["participantType"], "customer");
    assert_eq!(participant(&t, &x).unwrap()["onHold"], true);
    s.act(&x, "unhold").await;
    assert_eq!(
        participant(&task(&s, &path).await, &x).unwrap()["participantType"],
        "unknown"
    );
}

#[tokio::test]
async fn media_properties_show_the_flag_of_the_last_join_leave_hold_or_mute_event() {
    let s = TestSim::new();
    let call = s.new_call().await;
    let path = format!("/sim/tasks/{}", call.task);
    s.set_ecoe(&call.conference, &call.customer, false).await;
    let t = task(&s, &path).await;
    assert_eq!(
        participant(&t, &call.customer).unwrap()["mediaProperties"]["endConferenceOnExit"],
        true
    );
    s.act(&call.customer, "mute").await;
    let t = task(&s, &path).await;
    assert_eq!(
        participant(&t, &call.customer).unwrap()["mediaProperties"]["endConferenceOnExit"],
        false
    );
}

#[tokio::test]
async fn the_version_grows_with_every_change() {
    let s = TestSim::new();
    let call = s.new_call().await;
    let path = format!("/sim/tasks/{}", call.task);
    let v0 = task(&s, &path).await["version"].as_u64().unwrap();
    s.act(&call.customer, "hold").await;
    let v1 = task(&s, &path).await["version"].as_u64().unwrap();
    s.act(&call.customer, "hold").await;
    let v2 = task(&s, &path).await["version"].as_u64().unwrap();
    s.set_ecoe(&call.conference, &call.agent, false).await;
    let v3 = task(&s, &path).await["version"].as_u64().unwrap();
    assert!(v1 > v0, "{v0} {v1}");
    assert_eq!(v2, v1, "holding a held leg changes nothing");
    assert!(v3 > v2);
}

#[tokio::test(start_paused = true)]
async fn a_long_poll_wakes_on_a_change() {
    let s = TestSim::new();
    let call = s.new_call().await;
    let path = format!("/sim/tasks/{}", call.task);
    let v0 = task(&s, &path).await["version"].as_u64().unwrap();
    let poll = tokio::spawn({
        let s = s.clone();
        let path = format!("{path}?since={v0}&waitMs=60000");
        async move {
            let start = tokio::time::Instant::now();
            let t = task(&s, &path).await;
            (t, start.elapsed())
        }
    });
    tokio::time::sleep(Duration::from_millis(2000)).await;
    assert!(!poll.is_finished());
    s.act(&call.customer, "hold").await;
    let (t, waited) = poll.await.unwrap();
    assert!(t["version"].as_u64().unwrap() > v0);
    assert_eq!(participant(&t, &call.customer).unwrap()["onHold"], true);
    assert!(waited < Duration::from_millis(2500), "{waited:?}");
}

#[tokio::test(start_paused = true)]
async fn a_long_poll_answers_the_current_snapshot_after_wait_ms() {
    let s = TestSim::new();
    let call = s.new_call().await;
    let path = format!("/sim/tasks/{}", call.task);
    let v0 = task(&s, &path).await["version"].as_u64().unwrap();
    let start = tokio::time::Instant::now();
    let t = task(&s, &format!("{path}?since={v0}&waitMs=3000")).await;
    assert_eq!(t["version"].as_u64(), Some(v0));
    assert!(start.elapsed() >= Duration::from_millis(3000));
    let start = tokio::time::Instant::now();
    task(&s, &format!("{path}?since={v0}&waitMs=600000")).await;
    assert!(
        start.elapsed() <= Duration::from_millis(60_000 + 100),
        "capped at 60 s"
    );
}

#[tokio::test(start_paused = true)]
async fn a_long_poll_wakes_for_a_ring_timeout() {
    let s = TestSim::new();
    s.settings(json!({"ringTimeoutMs": 5000})).await;
    let call = s.new_call().await;
    let body = s
        .post_json(
            &format!("/sim/conferences/{}/legs", call.conference),
            json!({"kind": "external", "to": X, "status": "ringing"}),
        )
        .await
        .json();
    let x = body["callSid"].as_str().unwrap().to_owned();
    let path = format!("/sim/tasks/{}", call.task);
    let v0 = task(&s, &path).await["version"].as_u64().unwrap();
    let start = tokio::time::Instant::now();
    let t = task(&s, &format!("{path}?since={v0}&waitMs=60000")).await;
    assert!(start.elapsed() < Duration::from_millis(6000));
    assert_eq!(participant(&t, &x).unwrap()["status"], "left");
}

#[tokio::test]
async fn server_sent_events_send_the_snapshot_at_once_and_after_each_change() {
    let s = TestSim::new();
    let call = s.new_call().await;
    let request = axum::http::Request::builder()
        .method(Method::GET)
        .uri(format!("/sim/tasks/{}/events?worker={WORKER}", call.task))
        .body(axum::body::Body::empty())
        .unwrap();
    let response = tower::ServiceExt::oneshot(s.sim.router(), request)
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/event-stream")
    );
    let mut body = response.into_body().into_data_stream();
    let mut next_snapshot = async || -> Value {
        loop {
            let chunk = tokio::time::timeout(Duration::from_secs(5), body.next())
                .await
                .expect("an event within 5 s")
                .expect("the stream goes on")
                .expect("a readable chunk");
            let text = String::from_utf8_lossy(&chunk).into_owned();
            if let Some(data) = text.lines().find_map(|l| l.strip_prefix("data: ")) {
                return serde_json::from_str(data).unwrap();
            }
        }
    };
    let first = next_snapshot().await;
    assert_eq!(first["taskSid"], call.task.as_str());
    s.act(&call.customer, "hold").await;
    let second = next_snapshot().await;
    assert!(second["version"].as_u64() > first["version"].as_u64());
    assert_eq!(
        participant(&second, &call.customer).unwrap()["onHold"],
        true
    );
}

#[tokio::test]
async fn an_unknown_task_is_a_404() {
    let s = TestSim::new();
    assert_eq!(s.get("/sim/tasks/WTnope").await.status, 404);
    assert_eq!(s.get("/sim/tasks/WTnope/events").await.status, 404);
    let call = s.new_call().await;
    assert_eq!(
        s.get(&format!("/sim/tasks/{}?since=x", call.task))
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn turning_the_retype_switch_gives_a_new_version() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let x = s.add_answered(&call.conference, X).await;
    s.act(&x, "hold").await;
    let path = format!("/sim/tasks/{}", call.task);
    let v0 = task(&s, &path).await["version"].as_u64().unwrap();
    s.settings(json!({"retypeHeldUnknown": true})).await;
    let t = task(&s, &format!("{path}?since={v0}&waitMs=0")).await;
    assert!(t["version"].as_u64().unwrap() > v0, "{t}");
    assert_eq!(participant(&t, &x).unwrap()["participantType"], "customer");
}

#[tokio::test(start_paused = true)]
async fn a_long_poll_wakes_when_the_retype_switch_turns() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let x = s.add_answered(&call.conference, X).await;
    s.act(&x, "hold").await;
    let path = format!("/sim/tasks/{}", call.task);
    let v0 = task(&s, &path).await["version"].as_u64().unwrap();
    let poll = tokio::spawn({
        let s = s.clone();
        let path = format!("{path}?since={v0}&waitMs=60000");
        async move { task(&s, &path).await }
    });
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert!(!poll.is_finished());
    s.settings(json!({"retypeHeldUnknown": true})).await;
    let t = tokio::time::timeout(Duration::from_millis(1000), poll)
        .await
        .expect("the poll woke")
        .unwrap();
    assert_eq!(participant(&t, &x).unwrap()["participantType"], "customer");
}

#[tokio::test]
async fn the_reservation_follows_the_asking_workers_own_leg() {
    let s = TestSim::new();
    let call = s.new_call().await;
    s.post_json(
        &format!("/sim/conferences/{}/legs", call.conference),
        json!({"kind": "worker", "workerSid": WORKER_B, "endConferenceOnExit": false}),
    )
    .await;
    s.set_ecoe(&call.conference, &call.agent, false).await;
    s.act(&call.agent, "hangup").await;
    let a = task(&s, &format!("/sim/tasks/{}?worker={WORKER}", call.task)).await;
    let b = task(&s, &format!("/sim/tasks/{}?worker={WORKER_B}", call.task)).await;
    assert_eq!(a["status"], "wrapping");
    assert_eq!(b["status"], "accepted");
    assert_eq!(participant(&a, &call.agent).unwrap()["status"], "left");
}
