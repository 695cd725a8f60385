//! The serverless endpoints' contract (SPEC §8.2–§8.3): success envelopes, 400 and 403 texts and
//! headers, Twilio error passthrough, CORS, form decoding and boolean parsing.

mod common;

use axum::http::Method;
use common::{TestSim, CALLER_ID, TOKEN, X};
use serde_json::json;
use sim::Options;

const PREFIX: &str = "(/common/flex/programmable-voice/";

#[tokio::test]
async fn add_participant_answers_the_template_envelope_with_a_queued_participant() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let reply = s.try_add(&call.conference, X).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let body = reply.json();
    assert_eq!(body["success"], true);
    let p = &body["participantsResponse"];
    assert_eq!(p["status"], "queued");
    assert_eq!(p["conferenceSid"], call.conference.as_str());
    assert_eq!(p["endConferenceOnExit"], false);
    assert_eq!(p["hold"], false);
    assert_eq!(p["muted"], false);
    assert_eq!(p["coaching"], false);
    for key in [
        "accountSid",
        "callSid",
        "label",
        "callSidToCoach",
        "startConferenceOnEnter",
        "queueTime",
        "dateCreated",
        "dateUpdated",
        "uri",
    ] {
        assert!(
            p.get(key).is_some(),
            "participantsResponse lacks {key}: {p}"
        );
    }
    let x = p["callSid"].as_str().unwrap();
    assert!(x.starts_with("CA") && x.len() == 34, "{x}");
    let leg = s.leg(&call.conference, x).await;
    assert_eq!(leg["kind"], "unknown");
    assert_eq!(leg["earlyMedia"], true);
    assert_eq!(leg["to"], X);
    assert_eq!(leg["from"], CALLER_ID);
}

#[tokio::test]
async fn hold_participant_answers_the_participant_held() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
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
    let body = reply.json();
    assert_eq!(body["success"], true);
    assert_eq!(body["participantsResponse"]["hold"], true);
    assert_eq!(
        body["participantsResponse"]["callSid"],
        call.customer.as_str()
    );
    assert_eq!(body["participantsResponse"]["status"], "connected");
}

#[tokio::test]
async fn update_participant_answers_the_new_flag() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let reply = s.set_ecoe(&call.conference, &call.agent, false).await;
    assert_eq!(reply.status, 200);
    let body = reply.json();
    assert_eq!(body["success"], true);
    assert_eq!(body["participantsResponse"]["endConferenceOnExit"], false);
    assert_eq!(
        s.leg(&call.conference, &call.agent).await["endConferenceOnExit"],
        false
    );
}

#[tokio::test]
async fn mute_participant_answers_the_participant_muted() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let reply = s
        .call(
            "mute-participant",
            &[
                ("conference", &call.conference),
                ("participant", &call.customer),
                ("muted", "true"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["participantsResponse"]["muted"], true);
    assert!(s
        .event_names(&call.conference)
        .await
        .contains(&"participant-mute".to_owned()));
}

#[tokio::test]
async fn remove_participant_answers_participants_response_true() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let x = s.add_answered(&call.conference, X).await;
    let reply = s
        .call(
            "remove-participant",
            &[("conference", &call.conference), ("participant", &x)],
        )
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!({"participantsResponse": true, "success": true})
    );
    assert_eq!(s.leg(&call.conference, &x).await["status"], "completed");
}

#[tokio::test]
async fn get_call_properties_answers_the_call() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let reply = s
        .call("get-call-properties", &[("callSid", &call.customer)])
        .await;
    assert_eq!(reply.status, 200);
    let body = reply.json();
    assert_eq!(body["success"], true);
    let p = &body["callProperties"];
    assert_eq!(p["sid"], call.customer.as_str());
    assert_eq!(p["status"], "in-progress");
    assert_eq!(p["from"], common::CUSTOMER);
    assert!(
        p.get("to").is_some() && p.get("direction").is_some() && p.get("dateCreated").is_some()
    );
}

#[tokio::test]
async fn get_participant_finds_a_leg_by_call_sid_or_label() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let added = s
        .call(
            "add-participant",
            &[
                ("taskSid", &call.conference),
                ("to", X),
                ("from", CALLER_ID),
                ("label", "k1"),
            ],
        )
        .await
        .json();
    let x = added["participantsResponse"]["callSid"].as_str().unwrap();
    for key in [x, "k1"] {
        let reply = s
            .call(
                "get-participant",
                &[("conference", &call.conference), ("participant", key)],
            )
            .await;
        assert_eq!(reply.status, 200, "{key}");
        let body = reply.json();
        assert_eq!(body["success"], true);
        assert_eq!(body["participantsResponse"]["callSid"], x);
        assert_eq!(body["participantsResponse"]["status"], "ringing");
        assert_eq!(body["participantsResponse"]["label"], "k1");
    }
}

#[tokio::test]
async fn without_extensions_get_participant_is_a_platform_404_and_labels_are_ignored() {
    let s = TestSim::unqueued().await;
    s.settings(json!({"extensions": false})).await;
    let call = s.new_call().await;
    let reply = s
        .call(
            "get-participant",
            &[
                ("conference", &call.conference),
                ("participant", &call.agent),
            ],
        )
        .await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.text(), "Not Found");
    let added = s
        .call(
            "add-participant",
            &[
                ("taskSid", &call.conference),
                ("to", X),
                ("from", CALLER_ID),
                ("label", "k1"),
            ],
        )
        .await
        .json();
    assert_eq!(
        added["participantsResponse"]["label"],
        serde_json::Value::Null
    );
    let x = added["participantsResponse"]["callSid"].as_str().unwrap();
    assert_eq!(
        s.leg(&call.conference, x).await["label"],
        serde_json::Value::Null
    );
}

#[tokio::test]
async fn one_missing_parameter_is_a_400_with_the_template_text() {
    let s = TestSim::new();
    let reply = s
        .call(
            "hold-participant",
            &[("conference", "CF1"), ("participant", "CA1")],
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.json(),
        json!({
            "data": null,
            "message": "(/common/flex/programmable-voice/hold-participant) Missing hold: whether to hold or unhold the participant",
        })
    );
}

#[tokio::test]
async fn several_missing_parameters_are_concatenated_without_separator() {
    let s = TestSim::new();
    let reply = s.call("add-participant", &[("to", X)]).await;
    assert_eq!(reply.status, 400);
    let expected = format!(
        "{PREFIX}add-participant) Missing taskSid: unique ID of task to update\
         {PREFIX}add-participant) Missing from: caller ID to use when adding to the conference"
    );
    assert_eq!(reply.json()["message"], expected);
}

#[tokio::test]
async fn every_endpoint_names_its_required_parameters() {
    let s = TestSim::new();
    for (endpoint, key, purpose) in [
        (
            "update-participant",
            "endConferenceOnExit",
            "whether to end conference when the participant leaves",
        ),
        (
            "mute-participant",
            "muted",
            "whether the participant is muted or not",
        ),
        (
            "remove-participant",
            "participant",
            "unique ID of participant to update",
        ),
        (
            "get-call-properties",
            "callSid",
            "unique ID of call to fetch",
        ),
    ] {
        let reply = s.call(endpoint, &[("conference", "CF1")]).await;
        assert_eq!(reply.status, 400, "{endpoint}");
        let message = reply.json()["message"].as_str().unwrap().to_owned();
        assert!(
            message.contains(&format!("{PREFIX}{endpoint}) Missing {key}: {purpose}")),
            "{message}"
        );
    }
}

#[tokio::test]
async fn an_empty_parameter_counts_as_missing() {
    let s = TestSim::new();
    let reply = s.call("get-call-properties", &[("callSid", "")]).await;
    assert_eq!(reply.status, 400);
}

#[tokio::test]
async fn a_missing_token_is_a_403_plain_text_with_the_validator_headers() {
    let s = TestSim::new();
    for fields in [
        vec![("callSid", "CA1")],
        vec![("callSid", "CA1"), ("Token", "")],
    ] {
        let reply = s.form("get-call-properties", &fields).await;
        assert_eq!(reply.status, 403);
        assert_eq!(reply.text(), "Unauthorized: Token was not provided");
        assert_eq!(reply.header("content-type"), Some("plain/text"));
        assert_eq!(
            reply.header("access-control-allow-methods"),
            Some("OPTIONS, POST, GET")
        );
        assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
        assert_eq!(
            reply.header("access-control-allow-headers"),
            Some("Content-Type")
        );
    }
}

#[tokio::test]
async fn an_invalid_token_is_a_403() {
    let s = TestSim::new();
    let reply = s
        .form(
            "get-call-properties",
            &[("Token", "nope"), ("callSid", "CA1")],
        )
        .await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.text(), "Unauthorized: Token is invalid or expired");
    assert_eq!(reply.header("content-type"), Some("plain/text"));
}

#[tokio::test]
async fn an_expired_token_is_a_403() {
    let s = TestSim::new();
    let set = s
        .post_json("/sim/tokens", json!({"token": TOKEN, "state": "expired"}))
        .await;
    assert_eq!(set.status, 200);
    let reply = s.call("get-call-properties", &[("callSid", "CA1")]).await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.text(), "Unauthorized: Token is invalid or expired");
}

#[tokio::test]
async fn a_token_added_at_runtime_is_accepted() {
    let s = TestSim::new();
    s.post_json("/sim/tokens", json!({"token": "fresh", "state": "valid"}))
        .await;
    let reply = s
        .form(
            "get-call-properties",
            &[("Token", "fresh"), ("callSid", "CA1")],
        )
        .await;
    assert_eq!(reply.status, 404);
}

#[tokio::test]
async fn tokens_given_at_startup_replace_sim_token() {
    let s = TestSim::with(Options {
        tokens: vec!["t1".to_owned(), "t2".to_owned()],
        ..Options::default()
    });
    for (token, status) in [("t1", 404), ("t2", 404), (TOKEN, 403)] {
        let reply = s
            .form(
                "get-call-properties",
                &[("Token", token), ("callSid", "CA1")],
            )
            .await;
        assert_eq!(reply.status, status, "{token}");
    }
}

#[tokio::test]
async fn the_token_is_checked_before_the_parameters() {
    let s = TestSim::new();
    let reply = s.form("add-participant", &[]).await;
    assert_eq!(reply.status, 403);
}

#[tokio::test]
async fn twilio_errors_pass_through_with_their_status_and_envelope() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let reply = s
        .call(
            "hold-participant",
            &[
                ("conference", &call.conference),
                ("participant", "CAnope"),
                ("hold", "true"),
            ],
        )
        .await;
    assert_eq!(reply.status, 404);
    let body = reply.json();
    assert_eq!(body["success"], false);
    assert_eq!(body["twilioErrorCode"], 20404);
    assert_eq!(
        body["twilioDocPage"],
        "https://www.twilio.com/docs/errors/20404"
    );
    assert!(body["message"].as_str().unwrap().contains("was not found"));
}

#[tokio::test]
async fn participant_endpoints_need_the_conference_sid_not_the_task_sid() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let reply = s
        .call(
            "hold-participant",
            &[
                ("conference", &call.task),
                ("participant", &call.customer),
                ("hold", "true"),
            ],
        )
        .await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["twilioErrorCode"], 20404);
}

#[tokio::test]
async fn an_unknown_endpoint_is_a_platform_404() {
    let s = TestSim::new();
    let reply = s.call("cold-transfer", &[]).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.text(), "Not Found");
}

#[tokio::test]
async fn json_responses_carry_the_template_cors_headers() {
    let s = TestSim::new();
    let reply = s.call("get-call-properties", &[("callSid", "CA1")]).await;
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        reply.header("access-control-allow-methods"),
        Some("GET,POST,OPTIONS")
    );
    assert_eq!(
        reply.header("access-control-allow-headers"),
        Some("Content-Type")
    );
}

#[tokio::test]
async fn options_on_a_serverless_path_is_answered_with_cors_headers_and_no_body() {
    let s = TestSim::new();
    let reply = s
        .request(
            Method::OPTIONS,
            "/common/flex/programmable-voice/add-participant",
            None,
            Vec::new(),
        )
        .await;
    assert!(
        reply.status == 200 || reply.status == 204,
        "{}",
        reply.status
    );
    assert!(reply.body.is_empty());
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        reply.header("access-control-allow-methods"),
        Some("GET,POST,OPTIONS")
    );
    assert_eq!(
        reply.header("access-control-allow-headers"),
        Some("Content-Type")
    );
    assert!(s
        .get("/sim/requests")
        .await
        .json()
        .as_array()
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_percent_encoded_plus_survives_and_a_raw_plus_becomes_a_space() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let body = format!(
        "Token={TOKEN}&taskSid={}&to=%2B14155550101&from=%2B15005550006",
        call.conference
    );
    let reply = s
        .request(
            Method::POST,
            "/common/flex/programmable-voice/add-participant",
            Some("application/x-www-form-urlencoded"),
            body.into_bytes(),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let x = reply.json()["participantsResponse"]["callSid"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(s.leg(&call.conference, &x).await["to"], X);
    let raw = format!(
        "Token={TOKEN}&taskSid={}&to=+14155550101&from=%2B15005550006",
        call.conference
    );
    let reply = s
        .request(
            Method::POST,
            "/common/flex/programmable-voice/add-participant",
            Some("application/x-www-form-urlencoded"),
            raw.into_bytes(),
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["twilioErrorCode"], 13223);
}

#[tokio::test]
async fn only_the_exact_string_true_is_true() {
    let s = TestSim::unqueued().await;
    s.settings(json!({"heldEcoeIgnored": false})).await;
    let call = s.new_call().await;
    for value in ["TRUE", "True", "1", "yes", "true "] {
        let c = call.conference.as_str();
        let p = call.customer.as_str();
        s.call(
            "hold-participant",
            &[("conference", c), ("participant", p), ("hold", value)],
        )
        .await;
        s.call(
            "mute-participant",
            &[("conference", c), ("participant", p), ("muted", value)],
        )
        .await;
        s.call(
            "update-participant",
            &[
                ("conference", c),
                ("participant", p),
                ("endConferenceOnExit", value),
            ],
        )
        .await;
        let leg = s.leg(c, p).await;
        assert_eq!(leg["hold"], false, "{value:?}");
        assert_eq!(leg["muted"], false, "{value:?}");
        assert_eq!(leg["endConferenceOnExit"], false, "{value:?}");
        s.set_ecoe(c, p, true).await;
    }
}

#[tokio::test]
async fn a_get_with_query_fields_reaches_the_same_function() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let reply = s
        .get(&format!(
            "/common/flex/programmable-voice/get-call-properties?Token={TOKEN}&callSid={}",
            call.agent
        ))
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["callProperties"]["sid"], call.agent.as_str());
}

#[tokio::test]
async fn a_call_that_ended_is_still_fetchable_with_its_final_status() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let x = s.add(&call.conference, X).await;
    s.act(&call.agent, "hangup").await;
    for (sid, status) in [
        (&call.agent, "completed"),
        (&call.customer, "completed"),
        (&x, "canceled"),
    ] {
        let reply = s.call("get-call-properties", &[("callSid", sid)]).await;
        assert_eq!(reply.status, 200, "{sid}");
        let p = reply.json()["callProperties"].clone();
        assert_eq!(p["status"], status, "{sid}");
        assert!(p["endTime"].is_string(), "{sid}");
    }
}

#[tokio::test]
async fn missing_parameters_are_listed_in_the_template_order_whatever_the_body_order() {
    let s = TestSim::new();
    let reply = s.call("hold-participant", &[("x", "1")]).await;
    let expected = format!(
        "{PREFIX}hold-participant) Missing conference: unique ID of conference to update\
         {PREFIX}hold-participant) Missing participant: unique ID of participant to update\
         {PREFIX}hold-participant) Missing hold: whether to hold or unhold the participant"
    );
    assert_eq!(reply.json()["message"], expected);
    let reply = s
        .call(
            "add-participant",
            &[("from", ""), ("to", ""), ("taskSid", "")],
        )
        .await;
    assert_eq!(reply.status, 400);
    let message = reply.json()["message"].as_str().unwrap().to_owned();
    let at = |key: &str| message.find(&format!("Missing {key}:")).unwrap();
    assert!(
        at("taskSid") < at("to") && at("to") < at("from"),
        "{message}"
    );
}

#[tokio::test]
async fn error_answers_carry_the_cors_headers_too() {
    let s = TestSim::unqueued().await;
    s.fault(json!({"endpoint": "mute-participant", "status": 500}))
        .await;
    let replies = [
        s.call("get-call-properties", &[]).await,
        s.call("get-call-properties", &[("callSid", "CAnope")])
            .await,
        s.call("cold-transfer", &[]).await,
        s.call(
            "mute-participant",
            &[
                ("conference", "CF1"),
                ("participant", "CA1"),
                ("muted", "true"),
            ],
        )
        .await,
        s.get("/sim/nope").await,
        s.post_json("/sim/faults", json!({"status": 500})).await,
        s.act("CAnope", "answer").await,
        s.get("/nope.html").await,
    ];
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [400, 404, 404, 500, 404, 400, 404, 404]);
    for reply in &replies {
        assert_eq!(
            reply.header("access-control-allow-origin"),
            Some("*"),
            "{}",
            reply.status
        );
        assert_eq!(
            reply.header("access-control-allow-headers"),
            Some("Content-Type")
        );
        assert!(reply.header("access-control-allow-methods").is_some());
    }
}

#[tokio::test]
async fn options_is_answered_on_any_path() {
    let s = TestSim::new();
    for path in [
        "/",
        "/pkg/x.js",
        "/sim/legs/CA1/answer",
        "/common/flex/programmable-voice/nope",
    ] {
        let reply = s.request(Method::OPTIONS, path, None, Vec::new()).await;
        assert_eq!(reply.status, 204, "{path}");
        assert!(reply.body.is_empty(), "{path}");
        assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    }
}

#[tokio::test]
async fn an_endpoint_name_that_is_not_utf8_is_a_platform_404() {
    let s = TestSim::new();
    let reply = s
        .request(
            Method::POST,
            "/common/flex/programmable-voice/%FF%FE",
            Some("application/x-www-form-urlencoded"),
            format!("Token={TOKEN}").into_bytes(),
        )
        .await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.text(), "Not Found");
    let log = s.get("/sim/requests").await.json();
    assert_eq!(log[0]["status"], 404);
}

#[tokio::test]
async fn malformed_requests_never_break_the_server() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let (cf, ca, wt) = (&call.conference, &call.agent, &call.task);
    let v = |endpoint: &str| format!("/common/flex/programmable-voice/{endpoint}");
    let form = Some("application/x-www-form-urlencoded");
    let json = Some("application/json");
    let bytes = |s: &str| s.as_bytes().to_vec();
    let huge = vec![b'a'; 3 * 1024 * 1024];
    let mut long_sid = bytes(&format!("Token={TOKEN}&callSid="));
    long_sid.extend(vec![b'A'; 1024 * 1024]);
    let nested = bytes(&format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)));
    let cases: Vec<(Method, String, Option<&str>, Vec<u8>)> = vec![
        (Method::POST, v("add-participant"), form, huge.clone()),
        (Method::POST, v("get-call-properties"), form, long_sid),
        (
            Method::POST,
            v("add-participant"),
            form,
            b"\xff\xfe=\xff&Token=\xff".to_vec(),
        ),
        (
            Method::POST,
            v("add-participant"),
            form,
            bytes("%%%&=&&==&%FF=%FE"),
        ),
        (
            Method::POST,
            v("hold-participant"),
            json,
            bytes(r#"{"Token": [1], "hold": {}}"#),
        ),
        (Method::POST, v("hold-participant"), json, nested.clone()),
        (Method::POST, v("mute-participant"), json, b"\xff{".to_vec()),
        (
            Method::POST,
            v("update-participant"),
            form,
            bytes(&format!(
                "Token={TOKEN}&conference={cf}&participant=-1&endConferenceOnExit=-1"
            )),
        ),
        (
            Method::GET,
            v("get-call-properties?Token=%FF&callSid=%FF%FE"),
            None,
            vec![],
        ),
        (Method::PUT, v("add-participant"), form, vec![]),
        (
            Method::POST,
            "/sim/calls".into(),
            json,
            bytes(r#"{"worker": 1, "customer": []}"#),
        ),
        (Method::POST, "/sim/calls".into(), json, huge),
        (
            Method::POST,
            "/sim/calls".into(),
            None,
            b"\xff\xfe".to_vec(),
        ),
        (Method::POST, "/sim/calls".into(), json, nested),
        (
            Method::POST,
            format!("/sim/conferences/{cf}/legs"),
            json,
            bytes(r#"{"kind": 7}"#),
        ),
        (
            Method::POST,
            "/sim/conferences/%FF/legs".into(),
            json,
            bytes("{}"),
        ),
        (
            Method::POST,
            "/sim/conferences/CFnope/complete".into(),
            None,
            vec![],
        ),
        (Method::POST, "/sim/legs/%FF%FE/answer".into(), None, vec![]),
        (
            Method::POST,
            format!("/sim/legs/{ca}/ecoe"),
            json,
            bytes(r#"{"value": "yes"}"#),
        ),
        (
            Method::POST,
            format!("/sim/legs/{ca}/ecoe"),
            json,
            bytes("null"),
        ),
        (
            Method::POST,
            "/sim/faults".into(),
            json,
            bytes(r#"{"status": -500, "times": -1}"#),
        ),
        (
            Method::POST,
            "/sim/faults".into(),
            json,
            bytes(r#"{"latencyMs": 1e400}"#),
        ),
        (
            Method::DELETE,
            "/sim/faults?conference=%FF".into(),
            None,
            vec![],
        ),
        (
            Method::POST,
            "/sim/settings".into(),
            json,
            bytes(r#"{"createIntervalMs": -5}"#),
        ),
        (
            Method::POST,
            "/sim/settings".into(),
            json,
            bytes(r#"{"serverRetryLimit": 1e30}"#),
        ),
        (
            Method::POST,
            "/sim/tokens".into(),
            json,
            bytes(r#"{"token": 5, "state": true}"#),
        ),
        (
            Method::GET,
            format!("/sim/tasks/{wt}?since=-1"),
            None,
            vec![],
        ),
        (
            Method::GET,
            format!("/sim/tasks/{wt}?since=1&waitMs=1{}", "0".repeat(30)),
            None,
            vec![],
        ),
        (
            Method::GET,
            "/sim/tasks/%FF?since=0&waitMs=0".into(),
            None,
            vec![],
        ),
        (
            Method::GET,
            "/sim/requests?conference=%FF%FE".into(),
            None,
            vec![],
        ),
        (Method::GET, "/%FF/../../etc/passwd".into(), None, vec![]),
        (Method::GET, "/pkg/%2e%2e/%00".into(), None, vec![]),
    ];
    for (method, uri, content_type, body) in cases {
        let reply = s.request(method.clone(), &uri, content_type, body).await;
        assert!(reply.status < 500, "{method} {uri}: {}", reply.status);
    }
    assert_eq!(s.get("/sim/health").await.json(), json!({"ok": true}));
    assert_eq!(s.conference(cf).await["status"], "in-progress");
    let reply = s.call("get-call-properties", &[("callSid", ca)]).await;
    assert_eq!(reply.status, 200);
}
