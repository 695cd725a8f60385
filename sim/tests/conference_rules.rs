//! Twilio's conference rules as the sim models them (SPEC §9): the three end rules and their
//! reasons, no "fewer than two" rule, held legs counting, legs dropping at the end, 20404 after
//! departure, unanswered endings, the quirks, 1-CPS queueing, the ring timeout, magic numbers
//! and the `To` check.

mod common;

use std::time::Duration;

use common::{TestSim, CALLER_ID, X, Y};
use serde_json::json;

#[tokio::test]
async fn an_ecoe_participant_hanging_up_ends_the_conference_and_drops_the_others() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let x = s.add_answered(&call.conference, X).await;
    assert_eq!(s.act(&call.agent, "hangup").await.status, 200);
    let c = s.conference(&call.conference).await;
    assert_eq!(c["status"], "completed");
    assert_eq!(
        c["reasonEnded"],
        "participant-with-end-conference-on-exit-left"
    );
    assert_eq!(c["callSidEndingConference"], call.agent.as_str());
    assert_eq!(
        s.leg(&call.conference, &call.customer).await["status"],
        "completed"
    );
    assert_eq!(s.leg(&call.conference, &x).await["status"], "completed");
    let events = s.conference(&call.conference).await["events"].clone();
    let dropped = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "participant-leave" && e["reason"] == "conference-ended")
        .count();
    assert_eq!(dropped, 2);
}

#[tokio::test]
async fn kicking_an_ecoe_participant_ends_the_conference_as_kicked() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let reply = s
        .call(
            "remove-participant",
            &[
                ("conference", &call.conference),
                ("participant", &call.customer),
            ],
        )
        .await;
    assert_eq!(reply.status, 200);
    let c = s.conference(&call.conference).await;
    assert_eq!(
        c["reasonEnded"],
        "participant-with-end-conference-on-exit-kicked"
    );
    assert_eq!(c["callSidEndingConference"], call.customer.as_str());
    assert_eq!(
        s.leg(&call.conference, &call.agent).await["status"],
        "completed"
    );
}

#[tokio::test]
async fn a_lone_participant_keeps_the_conference_in_progress() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    s.set_ecoe(&call.conference, &call.agent, false).await;
    s.set_ecoe(&call.conference, &call.customer, false).await;
    s.act(&call.agent, "hangup").await;
    let c = s.conference(&call.conference).await;
    assert_eq!(c["status"], "in-progress");
    assert_eq!(
        s.leg(&call.conference, &call.customer).await["status"],
        "connected"
    );
}

#[tokio::test]
async fn the_last_participant_leaving_ends_the_conference_as_last_participant_left() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    s.set_ecoe(&call.conference, &call.agent, false).await;
    s.act(&call.agent, "hangup").await;
    // The customer's flag is still true, but "last participant" is checked first.
    s.act(&call.customer, "hangup").await;
    let c = s.conference(&call.conference).await;
    assert_eq!(c["reasonEnded"], "last-participant-left");
    assert_eq!(c["callSidEndingConference"], call.customer.as_str());
}

#[tokio::test]
async fn kicking_the_last_participant_ends_the_conference_as_last_participant_kicked() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    s.set_ecoe(&call.conference, &call.agent, false).await;
    s.act(&call.agent, "hangup").await;
    s.call(
        "remove-participant",
        &[
            ("conference", &call.conference),
            ("participant", &call.customer),
        ],
    )
    .await;
    let c = s.conference(&call.conference).await;
    assert_eq!(c["reasonEnded"], "last-participant-kicked");
}

#[tokio::test]
async fn completing_by_api_ends_the_conference_with_no_ending_call() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let reply = s
        .post_json(
            &format!("/sim/conferences/{}/complete", call.conference),
            json!({}),
        )
        .await;
    assert_eq!(reply.status, 200);
    let c = reply.json();
    assert_eq!(c["status"], "completed");
    assert_eq!(c["reasonEnded"], "conference-ended-via-api");
    assert_eq!(c["callSidEndingConference"], serde_json::Value::Null);
    assert_eq!(
        s.leg(&call.conference, &call.agent).await["status"],
        "completed"
    );
}

#[tokio::test]
async fn a_held_participant_still_counts_as_a_participant() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    s.set_ecoe(&call.conference, &call.customer, false).await;
    s.set_ecoe(&call.conference, &call.agent, false).await;
    s.act(&call.customer, "hold").await;
    s.act(&call.agent, "hangup").await;
    let c = s.conference(&call.conference).await;
    assert_eq!(c["status"], "in-progress");
    let customer = s.leg(&call.conference, &call.customer).await;
    assert_eq!(customer["status"], "connected");
    assert_eq!(customer["hold"], true);
}

#[tokio::test]
async fn ringing_legs_are_canceled_when_the_conference_ends() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let x = s.add(&call.conference, X).await;
    assert_eq!(s.leg(&call.conference, &x).await["status"], "ringing");
    s.act(&call.customer, "hangup").await;
    assert_eq!(s.leg(&call.conference, &x).await["status"], "canceled");
    let events = s.conference(&call.conference).await["events"].clone();
    let last = events.as_array().and_then(|e| e.last()).cloned().unwrap();
    assert_eq!(last["event"], "conference-end");
}

#[tokio::test]
async fn a_departed_leg_answers_20404_to_fetch_update_and_delete() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let x = s.add_answered(&call.conference, X).await;
    s.act(&x, "hangup").await;
    let target = [
        ("conference", call.conference.as_str()),
        ("participant", x.as_str()),
    ];
    for (endpoint, extra) in [
        ("get-participant", None),
        ("hold-participant", Some(("hold", "true"))),
        ("update-participant", Some(("endConferenceOnExit", "true"))),
        ("mute-participant", Some(("muted", "true"))),
        ("remove-participant", None),
    ] {
        let mut fields = target.to_vec();
        fields.extend(extra);
        let reply = s.call(endpoint, &fields).await;
        assert_eq!(reply.status, 404, "{endpoint}");
        assert_eq!(reply.json()["twilioErrorCode"], 20404, "{endpoint}");
    }
}

#[tokio::test]
async fn a_busy_leg_ends_busy_and_vanishes_from_rest() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let x = s.add(&call.conference, X).await;
    assert_eq!(s.act(&x, "busy").await.json()["status"], "busy");
    let reply = s
        .call(
            "get-participant",
            &[("conference", &call.conference), ("participant", &x)],
        )
        .await;
    assert_eq!(reply.status, 404);
    assert_eq!(
        s.conference(&call.conference).await["status"],
        "in-progress"
    );
}

#[tokio::test]
async fn an_unanswered_leg_ends_no_answer() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let x = s.add(&call.conference, X).await;
    assert_eq!(s.act(&x, "no-answer").await.json()["status"], "no-answer");
    let call_props = s
        .call("get-call-properties", &[("callSid", &x)])
        .await
        .json();
    assert_eq!(call_props["callProperties"]["status"], "no-answer");
}

#[tokio::test]
async fn a_failed_leg_ends_failed() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let x = s.add(&call.conference, X).await;
    assert_eq!(s.act(&x, "fail").await.json()["status"], "failed");
}

#[tokio::test]
async fn a_leg_removed_while_ringing_ends_canceled() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let x = s.add(&call.conference, X).await;
    let reply = s
        .call(
            "remove-participant",
            &[("conference", &call.conference), ("participant", &x)],
        )
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(s.leg(&call.conference, &x).await["status"], "canceled");
    assert_eq!(
        s.conference(&call.conference).await["status"],
        "in-progress"
    );
}

#[tokio::test]
async fn an_ecoe_update_on_a_held_leg_succeeds_echoes_the_new_value_and_changes_nothing() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    s.act(&call.customer, "hold").await;
    let reply = s.set_ecoe(&call.conference, &call.customer, false).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json()["participantsResponse"]["endConferenceOnExit"],
        false
    );
    assert_eq!(
        s.leg(&call.conference, &call.customer).await["endConferenceOnExit"],
        true
    );
    assert!(!s
        .event_names(&call.conference)
        .await
        .contains(&"participant-modify".to_owned()));
}

#[tokio::test]
async fn the_held_leg_quirk_can_echo_the_old_value() {
    let s = TestSim::unqueued().await;
    s.settings(json!({"heldEcoeEcho": "old"})).await;
    let call = s.new_call().await;
    s.act(&call.customer, "hold").await;
    let reply = s.set_ecoe(&call.conference, &call.customer, false).await;
    assert_eq!(
        reply.json()["participantsResponse"]["endConferenceOnExit"],
        true
    );
}

#[tokio::test]
async fn with_the_held_leg_quirk_off_an_update_on_a_held_leg_is_stored() {
    let s = TestSim::unqueued().await;
    s.settings(json!({"heldEcoeIgnored": false})).await;
    let call = s.new_call().await;
    s.act(&call.customer, "hold").await;
    s.set_ecoe(&call.conference, &call.customer, false).await;
    assert_eq!(
        s.leg(&call.conference, &call.customer).await["endConferenceOnExit"],
        false
    );
}

#[tokio::test]
async fn an_update_on_a_ringing_leg_fails_with_21220() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let x = s.add(&call.conference, X).await;
    for (endpoint, key) in [
        ("hold-participant", "hold"),
        ("mute-participant", "muted"),
        ("update-participant", "endConferenceOnExit"),
    ] {
        let reply = s
            .call(
                endpoint,
                &[
                    ("conference", &call.conference),
                    ("participant", &x),
                    (key, "true"),
                ],
            )
            .await;
        assert_eq!(reply.status, 400, "{endpoint}");
        assert_eq!(reply.json()["twilioErrorCode"], 21220, "{endpoint}");
    }
    let leg = s.leg(&call.conference, &x).await;
    assert_eq!(
        (leg["hold"].clone(), leg["endConferenceOnExit"].clone()),
        (json!(false), json!(false))
    );
}

#[tokio::test]
async fn the_ringing_leg_failure_is_configurable() {
    let s = TestSim::unqueued().await;
    s.settings(json!({"ringingUpdateStatus": 409, "ringingUpdateCode": 16029}))
        .await;
    let call = s.new_call().await;
    let x = s.add(&call.conference, X).await;
    let reply = s.set_ecoe(&call.conference, &x, true).await;
    assert_eq!(reply.status, 409);
    assert_eq!(reply.json()["twilioErrorCode"], 16029);
}

#[tokio::test]
async fn with_the_ringing_leg_quirk_off_a_ringing_leg_can_be_updated() {
    let s = TestSim::unqueued().await;
    s.settings(json!({"ringingUpdateFails": false})).await;
    let call = s.new_call().await;
    let x = s.add(&call.conference, X).await;
    assert_eq!(s.set_ecoe(&call.conference, &x, true).await.status, 200);
    assert_eq!(
        s.leg(&call.conference, &x).await["endConferenceOnExit"],
        true
    );
}

#[tokio::test(start_paused = true)]
async fn creates_are_queued_and_ring_one_second_apart() {
    let s = TestSim::new();
    let call = s.new_call().await;
    let first = s.try_add(&call.conference, X).await.json();
    let second = s.try_add(&call.conference, Y).await.json();
    assert_eq!(first["participantsResponse"]["status"], "queued");
    assert_eq!(second["participantsResponse"]["status"], "queued");
    assert_eq!(second["participantsResponse"]["queueTime"], "1000");
    let x = first["participantsResponse"]["callSid"]
        .as_str()
        .unwrap()
        .to_owned();
    let y = second["participantsResponse"]["callSid"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(s.leg(&call.conference, &x).await["status"], "ringing");
    assert_eq!(s.leg(&call.conference, &y).await["status"], "queued");
    tokio::time::advance(Duration::from_millis(999)).await;
    assert_eq!(s.leg(&call.conference, &y).await["status"], "queued");
    tokio::time::advance(Duration::from_millis(1)).await;
    let y_leg = s.leg(&call.conference, &y).await;
    assert_eq!(y_leg["status"], "ringing");
    let x_leg = s.leg(&call.conference, &x).await;
    assert!(
        y_leg["ringingAtMs"].as_u64().unwrap() >= x_leg["ringingAtMs"].as_u64().unwrap() + 1000
    );
}

#[tokio::test(start_paused = true)]
async fn a_queued_leg_can_be_answered_and_passes_through_ringing() {
    let s = TestSim::new();
    let call = s.new_call().await;
    s.add(&call.conference, X).await;
    let y = s.add(&call.conference, Y).await;
    assert_eq!(s.leg(&call.conference, &y).await["status"], "queued");
    assert_eq!(s.act(&y, "answer").await.json()["status"], "connected");
    let names = s.event_names(&call.conference).await;
    let tail: Vec<&str> = names
        .iter()
        .rev()
        .take(2)
        .rev()
        .map(String::as_str)
        .collect();
    assert_eq!(tail, ["participant-ringing", "participant-join"]);
}

#[tokio::test(start_paused = true)]
async fn an_unanswered_leg_ends_no_answer_after_the_ring_timeout() {
    let s = TestSim::unqueued().await;
    s.settings(json!({"ringTimeoutMs": 30000})).await;
    let call = s.new_call().await;
    let x = s.add(&call.conference, X).await;
    tokio::time::advance(Duration::from_millis(29_999)).await;
    assert_eq!(s.leg(&call.conference, &x).await["status"], "ringing");
    tokio::time::advance(Duration::from_millis(1)).await;
    let leg = s.leg(&call.conference, &x).await;
    assert_eq!(leg["status"], "no-answer");
    assert_eq!(
        leg["leftAtMs"].as_u64(),
        leg["ringingAtMs"].as_u64().map(|t| t + 30_000)
    );
}

#[tokio::test(start_paused = true)]
async fn without_a_ring_timeout_a_leg_rings_on() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let x = s.add(&call.conference, X).await;
    tokio::time::advance(Duration::from_secs(3600)).await;
    assert_eq!(s.leg(&call.conference, &x).await["status"], "ringing");
}

#[tokio::test]
async fn twilio_magic_numbers_fail_as_documented() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    for (to, from, code) in [
        (X, "+15005550001", 21212),
        ("+15005550001", CALLER_ID, 21217),
        ("+15005550002", CALLER_ID, 21214),
        ("+15005550003", CALLER_ID, 21215),
        ("+15005550004", CALLER_ID, 21216),
    ] {
        let reply = s
            .call(
                "add-participant",
                &[("taskSid", &call.conference), ("to", to), ("from", from)],
            )
            .await;
        assert_eq!(reply.status, 400, "{to} {from}");
        assert_eq!(reply.json()["twilioErrorCode"], code, "{to} {from}");
    }
    let legs = s.conference(&call.conference).await["participants"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(legs, 2);
}

#[tokio::test]
async fn a_malformed_to_fails_13223_and_creates_nothing() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    for to in ["12ab", "+0123", "4155550101", "sip:", "+1 415 555 0101"] {
        let reply = s.try_add(&call.conference, to).await;
        assert_eq!(reply.status, 400, "{to}");
        let body = reply.json();
        assert_eq!(body["twilioErrorCode"], 13223, "{to}");
        assert_eq!(
            body["twilioDocPage"],
            "https://www.twilio.com/docs/errors/13223"
        );
    }
    let legs = s.conference(&call.conference).await["participants"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(legs, 2);
}

#[tokio::test]
async fn the_malformed_to_code_is_configurable() {
    let s = TestSim::unqueued().await;
    s.settings(json!({"invalidToCode": 21217})).await;
    let call = s.new_call().await;
    let reply = s.try_add(&call.conference, "12ab").await;
    assert_eq!(reply.json()["twilioErrorCode"], 21217);
}

#[tokio::test]
async fn sip_client_and_app_destinations_are_accepted() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    for to in ["sip:x@example.com", "client:bob", "app:AP123?mode=a"] {
        let reply = s.try_add(&call.conference, to).await;
        assert_eq!(reply.status, 200, "{to}");
    }
}

#[tokio::test]
async fn adding_by_friendly_name_creates_a_conference_when_none_is_active() {
    let s = TestSim::unqueued().await;
    let x = s.add("WTnew", X).await;
    let c = s.conference("WTnew").await;
    assert_eq!(c["friendlyName"], "WTnew");
    assert_eq!(c["status"], "init");
    assert_eq!(c["participants"][0]["callSid"], x.as_str());
    s.act(&x, "answer").await;
    assert_eq!(s.conference("WTnew").await["status"], "in-progress");
}

#[tokio::test]
async fn adding_by_friendly_name_joins_the_active_conference_with_that_name() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    s.add(&call.task, X).await;
    let c = s.conference(&call.conference).await;
    assert_eq!(c["participants"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn adding_to_a_completed_conference_sid_fails_20404() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    s.act(&call.agent, "hangup").await;
    let reply = s.try_add(&call.conference, X).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["twilioErrorCode"], 20404);
}

#[tokio::test]
async fn every_leave_records_the_flag_it_left_with_and_the_end_its_reason() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let x = s.add_answered(&call.conference, X).await;
    s.set_ecoe(&call.conference, &call.agent, false).await;
    s.act(&call.agent, "hangup").await;
    s.act(&x, "hangup").await;
    let events = s.conference(&call.conference).await["events"].clone();
    let events = events.as_array().unwrap();
    let leave_of = |sid: &str| {
        events
            .iter()
            .find(|e| e["event"] == "participant-leave" && e["callSid"] == sid)
            .cloned()
            .unwrap()
    };
    assert_eq!(leave_of(&call.agent)["endConferenceOnExit"], false);
    assert_eq!(leave_of(&call.agent)["participantCallStatus"], "completed");
    assert_eq!(leave_of(&x)["endConferenceOnExit"], false);
    let modify = events
        .iter()
        .find(|e| e["event"] == "participant-modify")
        .unwrap();
    assert_eq!(modify["callSid"], call.agent.as_str());
    assert_eq!(modify["endConferenceOnExit"], false);
    // X was false and not last: the conference survived X; the customer (true) is alone now.
    assert_eq!(
        s.conference(&call.conference).await["status"],
        "in-progress"
    );
    s.act(&call.customer, "hangup").await;
    let end = s.conference(&call.conference).await["events"]
        .as_array()
        .unwrap()
        .last()
        .cloned()
        .unwrap();
    assert_eq!(end["event"], "conference-end");
    assert_eq!(end["reason"], "last-participant-left");
    assert_eq!(end["callSid"], call.customer.as_str());
    let seqs: Vec<u64> = s.conference(&call.conference).await["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1));
}

#[tokio::test]
async fn a_label_addresses_a_participant_and_cannot_be_used_twice() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let fields = [
        ("taskSid", call.conference.as_str()),
        ("to", X),
        ("from", CALLER_ID),
        ("label", "add-1"),
    ];
    let first = s.call("add-participant", &fields).await;
    assert_eq!(first.json()["participantsResponse"]["label"], "add-1");
    let again = s.call("add-participant", &fields).await;
    assert_eq!(again.status, 400);
    assert_eq!(again.json()["twilioErrorCode"], 16025);
    let removed = s
        .call(
            "remove-participant",
            &[("conference", &call.conference), ("participant", "add-1")],
        )
        .await;
    assert_eq!(removed.status, 200);
    assert_eq!(
        s.conference(&call.conference).await["participants"][2]["status"],
        "canceled"
    );
}

#[tokio::test]
async fn adding_by_friendly_name_after_that_conference_completed_creates_a_new_one() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    s.act(&call.agent, "hangup").await;
    assert_eq!(s.conference(&call.conference).await["status"], "completed");
    let x = s.add(&call.task, X).await;
    let fresh = s.conference(&call.task).await;
    assert_ne!(fresh["conferenceSid"], call.conference.as_str());
    assert_eq!(fresh["status"], "init");
    assert_eq!(fresh["participants"][0]["callSid"], x.as_str());
    let old = s.conference(&call.conference).await;
    assert_eq!(old["participants"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn an_ecoe_flag_set_before_a_hold_survives_the_hold_and_the_unhold() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    s.set_ecoe(&call.conference, &call.customer, false).await;
    for action in ["hold", "unhold"] {
        s.act(&call.customer, action).await;
        assert_eq!(
            s.leg(&call.conference, &call.customer).await["endConferenceOnExit"],
            false,
            "{action}"
        );
    }
}

#[tokio::test]
async fn a_held_leg_keeps_the_flag_it_had_when_it_leaves() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let x = s.add_answered(&call.conference, X).await;
    s.set_ecoe(&call.conference, &call.customer, false).await;
    s.act(&call.customer, "hold").await;
    s.set_ecoe(&call.conference, &call.customer, true).await;
    s.act(&call.customer, "hangup").await;
    let c = s.conference(&call.conference).await;
    assert_eq!(
        c["status"], "in-progress",
        "the ignored update left it false"
    );
    assert_eq!(s.leg(&call.conference, &x).await["status"], "connected");
}

#[tokio::test(start_paused = true)]
async fn an_update_on_a_queued_leg_fails_like_on_a_ringing_one() {
    let s = TestSim::new();
    s.settings(json!({"ringingUpdateStatus": 409, "ringingUpdateCode": 16029}))
        .await;
    let call = s.new_call().await;
    s.add(&call.conference, X).await;
    let y = s.add(&call.conference, Y).await;
    assert_eq!(s.leg(&call.conference, &y).await["status"], "queued");
    for (endpoint, key) in [
        ("hold-participant", "hold"),
        ("mute-participant", "muted"),
        ("update-participant", "endConferenceOnExit"),
    ] {
        let reply = s
            .call(
                endpoint,
                &[
                    ("conference", &call.conference),
                    ("participant", &y),
                    (key, "true"),
                ],
            )
            .await;
        assert_eq!(reply.status, 409, "{endpoint}");
        assert_eq!(reply.json()["twilioErrorCode"], 16029, "{endpoint}");
    }
}

#[tokio::test(start_paused = true)]
async fn queued_legs_are_canceled_when_the_conference_ends() {
    let s = TestSim::new();
    let call = s.new_call().await;
    s.add(&call.conference, X).await;
    let y = s.add(&call.conference, Y).await;
    assert_eq!(s.leg(&call.conference, &y).await["status"], "queued");
    s.act(&call.customer, "hangup").await;
    assert_eq!(s.leg(&call.conference, &y).await["status"], "canceled");
    tokio::time::advance(Duration::from_secs(5)).await;
    assert_eq!(s.leg(&call.conference, &y).await["status"], "canceled");
}

#[tokio::test]
async fn a_label_can_be_used_again_once_its_leg_has_left() {
    let s = TestSim::unqueued().await;
    let call = s.new_call().await;
    let fields = [
        ("taskSid", call.conference.as_str()),
        ("to", X),
        ("from", CALLER_ID),
        ("label", "add-1"),
    ];
    let first = s.call("add-participant", &fields).await.json();
    let first = first["participantsResponse"]["callSid"].as_str().unwrap();
    s.act(first, "busy").await;
    let again = s.call("add-participant", &fields).await;
    assert_eq!(again.status, 200);
    let second = again.json()["participantsResponse"]["callSid"].clone();
    let found = s
        .call(
            "get-participant",
            &[("conference", &call.conference), ("participant", "add-1")],
        )
        .await;
    assert_eq!(found.json()["participantsResponse"]["callSid"], second);
}
