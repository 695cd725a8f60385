//! Checks the harness itself: the Twilio model follows SPEC §9, the backend answers as SPEC
//! §8.2–8.3, Flex's view and native routing follow SPEC §3.3–3.4 and §3.8, and every DESIGN §6
//! check in `invariants` reports a world state that breaks it (and stays quiet on a clean one).
//! No engine is attached: states are built directly on the model and the logs.

mod common;

use std::collections::BTreeMap;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::invariants::violations;
use common::log::NotificationRecord;
use common::twilio::Change;
use common::{
    flex, Agent, ConfStatus, Kind, LegState, Native, RequestRecord, Setup, World, CALLER_ID, TOKEN,
    X_NUMBER, Y_NUMBER,
};
use flex_conference::core::ApiResult;
use serde_json::{json, Value};

/// A, C joined (both true), no engine.
fn bare() -> World {
    Setup::default().detached().start()
}

/// A, C, X joined; X added as a REST leg and answered, A and C false (the policy's 3-party state).
fn three(w: &mut World) -> String {
    let now = w.now;
    let x = w
        .twilio
        .create(X_NUMBER, CALLER_ID, None, now)
        .expect("create")
        .call_sid
        .clone();
    w.dials.push((Agent::A, X_NUMBER.to_owned()));
    w.twilio.answer(&x, now);
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.twilio.set_ecoe_directly(&a, false, now);
    w.twilio.set_ecoe_directly(&c, false, now);
    x
}

fn serve(w: &mut World, endpoint: &str, params: &[(&str, &str)]) -> ApiResult {
    let params: BTreeMap<String, String> = params
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let now = w.now;
    w.backend
        .serve(&mut w.twilio, endpoint, &params, Some(TOKEN), now)
        .result
}

fn request(
    w: &World,
    endpoint: &str,
    params: &[(&str, &str)],
    answered: Option<(u64, u16)>,
) -> RequestRecord {
    let params: BTreeMap<String, String> = params
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let target = params.get("participant").and_then(|p| w.twilio.find(p));
    RequestRecord {
        agent: Agent::A,
        generation: 1,
        id: 1,
        endpoint: endpoint.to_owned(),
        target_state_at_send: target.map(|l| l.state),
        target_seen_live: target.is_some_and(|l| l.is_joined()),
        params,
        token: Some(TOKEN.to_owned()),
        sent_at: w.now,
        answered_at: answered.map(|(t, _)| t),
        status: answered.map(|(_, s)| s),
        committed: answered.is_some_and(|(_, s)| s == 200),
        fault: None,
        echoed_ecoe: None,
        epoch_at_send: w.twilio.epoch,
        stale: false,
    }
}

fn has(v: &[String], needle: &str) -> bool {
    v.iter().any(|s| s.contains(needle))
}

// ------------------------------------------------------------------ Twilio model (SPEC §9)

#[test]
fn a_lone_held_customer_keeps_the_conference_going() {
    let mut w = bare();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    let now = w.now;
    w.twilio.set_ecoe_directly(&a, false, now);
    w.twilio.update_hold(&c, true, now).expect("hold");
    w.twilio.leave(&a, false, now);
    assert_eq!(
        w.twilio.status,
        ConfStatus::InProgress,
        "no fewer-than-two rule"
    );
    w.twilio.leave(&c, false, now);
    w.assert_ended("last-participant-left", &c);
}

#[test]
fn the_last_participant_kicked_and_an_ecoe_leg_kicked_have_their_own_reasons() {
    let mut w = bare();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    let now = w.now;
    w.twilio.set_ecoe_directly(&a, false, now);
    w.twilio.set_ecoe_directly(&c, false, now);
    w.twilio.leave(&a, false, now);
    w.twilio.delete(&c, now).expect("delete");
    w.assert_ended("last-participant-kicked", &c);

    let mut w = bare();
    let c = w.customer.clone();
    let x = three(&mut w);
    let now = w.now;
    w.twilio.set_ecoe_directly(&c, true, now);
    w.twilio.delete(&c, now).expect("delete");
    w.assert_ended("participant-with-end-conference-on-exit-kicked", &c);
    assert_eq!(w.leg(&x).state, LegState::Left);
}

#[test]
fn ending_drops_every_leg_and_cancels_ringing_ones() {
    let mut w = bare();
    let a = w.agent_leg(Agent::A);
    let now = w.now;
    let x = w
        .twilio
        .create(X_NUMBER, CALLER_ID, None, now)
        .expect("create")
        .call_sid
        .clone();
    w.twilio.leave(&a, false, now);
    w.assert_ended("participant-with-end-conference-on-exit-left", &a);
    assert_eq!(w.leg(&x).call_status, "canceled");
    w.twilio.answer(&x, now);
    assert_eq!(
        w.leg(&x).state,
        LegState::Left,
        "a canceled leg never joins"
    );
}

#[test]
fn the_rest_operations_follow_twilio() {
    let mut w = bare();
    let c = w.customer.clone();
    let cf = w.twilio.conference_sid.clone();
    let task = Agent::A.task_sid();
    // add-participant: 200, ECOE false, queued; by FriendlyName or SID.
    let r = serve(
        &mut w,
        "add-participant",
        &[("taskSid", &task), ("to", X_NUMBER), ("from", CALLER_ID)],
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.body["success"], true);
    assert_eq!(r.body["participantsResponse"]["endConferenceOnExit"], false);
    assert_eq!(r.body["participantsResponse"]["status"], "queued");
    let x = r.body["participantsResponse"]["callSid"]
        .as_str()
        .expect("callSid")
        .to_owned();
    // Updates on a ringing leg fail; a delete cancels it.
    let r = serve(
        &mut w,
        "hold-participant",
        &[("conference", &cf), ("participant", &x), ("hold", "true")],
    );
    assert_eq!(
        (r.status, r.body["twilioErrorCode"].clone()),
        (400, json!(21220).into())
    );
    // Participant operations need the CF SID.
    let r = serve(
        &mut w,
        "hold-participant",
        &[("conference", &task), ("participant", &c), ("hold", "true")],
    );
    assert_eq!(
        (r.status, r.body["twilioErrorCode"].clone()),
        (404, json!(20404).into())
    );
    // Held leg: an ECOE write is accepted, echoes the old value, changes nothing.
    serve(
        &mut w,
        "hold-participant",
        &[("conference", &cf), ("participant", &c), ("hold", "true")],
    );
    let r = serve(
        &mut w,
        "update-participant",
        &[
            ("conference", &cf),
            ("participant", &c),
            ("endConferenceOnExit", "false"),
        ],
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.body["participantsResponse"]["endConferenceOnExit"], true);
    assert!(w.leg(&c).ecoe);
    // Remove → 200 { participantsResponse: true }; then 20404 for fetch/update/delete.
    let r = serve(
        &mut w,
        "remove-participant",
        &[("conference", &cf), ("participant", &x)],
    );
    assert_eq!(
        r.body,
        json!({"success": true, "participantsResponse": true})
    );
    assert_eq!(w.leg(&x).call_status, "canceled");
    for (endpoint, extra) in [
        ("remove-participant", None),
        ("hold-participant", Some(("hold", "false"))),
        ("update-participant", Some(("endConferenceOnExit", "true"))),
        ("mute-participant", Some(("muted", "true"))),
    ] {
        let mut p = vec![("conference", cf.as_str()), ("participant", x.as_str())];
        p.extend(extra);
        let r = serve(&mut w, endpoint, &p);
        assert_eq!(r.status, 404, "{endpoint}");
        assert_eq!(r.body["twilioErrorCode"], 20404, "{endpoint}");
        assert_eq!(r.body["success"], false, "{endpoint}");
        assert!(r.body["twilioDocPage"].as_str().is_some(), "{endpoint}");
    }
    // The Call resource outlives the participant.
    let r = serve(&mut w, "get-call-properties", &[("callSid", &x)]);
    assert_eq!(r.body["callProperties"]["status"], "canceled");
}

#[test]
fn the_backend_answers_with_the_template_envelopes() {
    let mut w = bare();
    let params: BTreeMap<String, String> = BTreeMap::new();
    let now = w.now;
    let r = w
        .backend
        .serve(&mut w.twilio, "hold-participant", &params, None, now)
        .result;
    assert_eq!(r.status, 403);
    assert_eq!(r.body, json!("Unauthorized: Token was not provided"));
    let r = serve(&mut w, "hold-participant", &[("participant", "CA1")]);
    assert_eq!(r.status, 400);
    assert_eq!(r.body["data"], Value::Null);
    let msg = r.body["message"].as_str().expect("message");
    assert!(
        msg.contains("Missing conference") && msg.contains("Missing hold"),
        "{msg}"
    );
    let r = serve(
        &mut w,
        "add-participant",
        &[("taskSid", "x"), ("to", "12ab"), ("from", CALLER_ID)],
    );
    assert_eq!(r.status, 404, "an unknown conference");
    let task = Agent::A.task_sid();
    let r = serve(
        &mut w,
        "add-participant",
        &[("taskSid", &task), ("to", "12ab"), ("from", CALLER_ID)],
    );
    assert_eq!(
        (r.status, r.body["twilioErrorCode"].clone()),
        (400, json!(13223).into())
    );
    // Without the extensions there is no get-participant, and labels are not Twilio's.
    let r = serve(
        &mut w,
        "add-participant",
        &[
            ("taskSid", &task),
            ("to", X_NUMBER),
            ("from", CALLER_ID),
            ("label", "l1"),
        ],
    );
    assert_eq!(r.body["participantsResponse"]["label"], Value::Null);
    let cf = w.twilio.conference_sid.clone();
    let r = serve(
        &mut w,
        "get-participant",
        &[("conference", &cf), ("participant", "l1")],
    );
    assert_eq!((r.status, r.body.clone()), (404, json!("Not Found").into()));
    assert!(w.twilio.participant("l1").is_err());

    let mut w = Setup::default().extensions(true).detached().start();
    let cf = w.twilio.conference_sid.clone();
    serve(
        &mut w,
        "add-participant",
        &[
            ("taskSid", &cf),
            ("to", X_NUMBER),
            ("from", CALLER_ID),
            ("label", "l1"),
        ],
    );
    let r = serve(
        &mut w,
        "get-participant",
        &[("conference", &cf), ("participant", "l1")],
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.body["participantsResponse"]["label"], "l1");
    assert_eq!(r.body["participantsResponse"]["status"], "ringing");
}

// ------------------------------------------------------------------ Flex (SPEC §3.3, §3.4, §3.8)

#[test]
fn flex_shows_rest_legs_as_unknown_and_keeps_departed_ones() {
    let mut w = bare();
    let x = three(&mut w);
    let now = w.now;
    let a = w.agent_leg(Agent::A);
    w.twilio.leave(&x, false, now);
    w.twilio.leave(&a, false, now);
    let task = w.snapshot_json(Agent::A);
    assert_eq!(task["status"], "wrapping");
    let ps = task["conference"]["participants"]
        .as_array()
        .expect("participants");
    let row = |sid: &str| {
        ps.iter()
            .find(|p| p["callSid"] == sid)
            .unwrap_or_else(|| panic!("{sid} listed"))
            .clone()
    };
    assert_eq!(row(&x)["participantType"], "unknown");
    assert_eq!(row(&x)["status"], "left");
    assert_eq!(row(&a)["isCurrentWorker"], true);
    assert_eq!(row(&a)["status"], "left");
    // mediaProperties.endConferenceOnExit is the value of the last event, not of REST writes.
    assert_eq!(row(&a)["mediaProperties"]["endConferenceOnExit"], false);
    let c = w.customer.clone();
    assert_eq!(row(&c)["mediaProperties"]["endConferenceOnExit"], true);
    assert!(!w.leg(&c).ecoe);
}

#[test]
fn a_native_hold_with_a_non_worker_sid_holds_the_customer_and_a_kick_of_it_fails() {
    let mut w = bare();
    let x = three(&mut w);
    let c = w.customer.clone();
    let r = w.agent_clicks_hold(Agent::A, &x);
    assert_eq!(r.native, Native::Ran(c.clone()));
    assert!(w.leg(&c).hold && !w.leg(&x).hold);
    let r = w.agent_clicks_remove(Agent::A, &x);
    assert!(matches!(r.native, Native::Rejected(_)), "{:?}", r.native);
    assert!(w.leg(&x).is_joined());
    // Once the agent has left, `TaskHelper.canHold` is false: the native hold fails.
    let now = w.now;
    let a = w.agent_leg(Agent::A);
    w.twilio.leave(&a, false, now);
    let r = w.invoke(
        Agent::A,
        "HoldParticipant",
        json!({"targetSid": Agent::A.worker_sid()}),
        false,
    );
    assert!(matches!(r.native, Native::Rejected(_)), "{:?}", r.native);
}

#[test]
fn a_native_kick_of_a_ringing_xwt_leg_cancels_it() {
    let mut w = Setup::default().xwt().detached().start();
    let x = w.native_xwt(X_NUMBER);
    let Kind::External { participant_sid } = w.leg(&x).kind.clone() else {
        panic!("external");
    };
    let r = w.invoke(
        Agent::A,
        "KickParticipant",
        json!({"targetSid": participant_sid}),
        false,
    );
    assert_eq!(r.native, Native::Ran(x.clone()));
    assert_eq!(w.leg(&x).call_status, "canceled");
    assert_eq!(
        flex::route_hold(&w.twilio, &participant_sid),
        flex::NativeTarget::Reject(format!("{participant_sid} is not in the conference (Left)"))
    );
}

#[test]
fn a_second_agent_gets_false_while_a_worker_is_live_and_true_otherwise() {
    let mut w = bare();
    let b = w.second_agent_joins_by_transfer();
    assert!(!w.leg(&b).ecoe);

    let mut w = bare();
    let a = w.agent_leg(Agent::A);
    let c = w.customer.clone();
    let now = w.now;
    w.twilio.set_ecoe_directly(&a, false, now);
    w.twilio.set_ecoe_directly(&c, false, now);
    w.twilio.leave(&a, false, now);
    let b = w.second_agent_joins_by_transfer();
    assert!(w.leg(&b).ecoe, "liveWorkerCount was 0 at accept");
}

// ------------------------------------------------------------------ the checker (DESIGN §6)

#[test]
fn a_clean_world_has_no_violations() {
    let mut w = bare();
    assert_eq!(violations(&w), Vec::<String>::new());
    three(&mut w);
    assert_eq!(violations(&w), Vec::<String>::new());
}

#[test]
fn engine_health_and_tokens_are_checked() {
    let mut w = bare();
    w.log.panics.push("boom".into());
    w.log.engine_errors.push("refused".into());
    let r = request(
        &w,
        "hold-participant",
        &[("Token", "t")],
        Some((w.now, 200)),
    );
    w.log.requests.push(r);
    let v = violations(&w);
    assert!(
        has(&v, "panicked") && has(&v, "refused") && has(&v, "Token param"),
        "{v:?}"
    );
}

#[test]
fn two_legs_for_one_add_are_caught_with_or_without_a_label() {
    let mut w = bare();
    let now = w.now;
    w.dials.push((Agent::A, X_NUMBER.to_owned()));
    w.twilio.create(X_NUMBER, CALLER_ID, None, now).expect("1");
    w.twilio.create(X_NUMBER, CALLER_ID, None, now).expect("2");
    assert!(
        has(&violations(&w), "2 legs were created for 1"),
        "{:?}",
        violations(&w)
    );

    let mut w = bare();
    w.dials.push((Agent::A, X_NUMBER.to_owned()));
    w.dials.push((Agent::A, Y_NUMBER.to_owned()));
    w.twilio.create(X_NUMBER, CALLER_ID, None, now).expect("1");
    w.twilio.create(X_NUMBER, CALLER_ID, None, now).expect("2");
    assert!(has(&violations(&w), "created to"), "{:?}", violations(&w));

    let mut w = bare();
    w.dials.push((Agent::A, "+1 (415) 555-0101".to_owned()));
    w.twilio.create(X_NUMBER, CALLER_ID, None, now).expect("1");
    assert_eq!(violations(&w), Vec::<String>::new(), "normalised");

    let mut w = bare();
    w.dials.push((Agent::A, X_NUMBER.to_owned()));
    w.dials.push((Agent::A, X_NUMBER.to_owned()));
    w.twilio
        .create(X_NUMBER, CALLER_ID, Some("l"), now)
        .expect("1");
    w.twilio
        .create(X_NUMBER, CALLER_ID, Some("l"), now)
        .expect("2");
    assert!(
        has(&violations(&w), "for add label l"),
        "{:?}",
        violations(&w)
    );
}

#[test]
fn a_party_held_with_no_agent_is_caught() {
    let mut w = bare();
    let x = three(&mut w);
    let now = w.now;
    w.twilio.update_hold(&x, true, now).expect("hold");
    let a = w.agent_leg(Agent::A);
    w.twilio.leave(&a, false, now);
    assert!(
        has(&violations(&w), "on hold with no agent"),
        "{:?}",
        violations(&w)
    );
}

#[test]
fn two_parties_with_a_false_flag_are_caught_unless_excused() {
    let mut w = bare();
    let c = w.customer.clone();
    let now = w.now;
    w.twilio.set_ecoe_directly(&c, false, now);
    assert!(
        has(&violations(&w), "C has endConferenceOnExit=false"),
        "{:?}",
        violations(&w)
    );
    w.twilio.update_hold(&c, true, now).expect("hold");
    assert_eq!(
        violations(&w),
        Vec::<String>::new(),
        "a held customer is the C2 trade-off"
    );
}

#[test]
fn a_three_party_call_ended_by_one_exit_is_caught() {
    let mut w = bare();
    let c = w.customer.clone();
    three(&mut w);
    let now = w.now;
    w.twilio.set_ecoe_directly(&c, true, now);
    w.twilio.leave(&c, false, now);
    assert!(
        has(&violations(&w), "invariants 1 and 4"),
        "{:?}",
        violations(&w)
    );

    // The last agent leaving with two others on.
    let mut w = bare();
    three(&mut w);
    let a = w.agent_leg(Agent::A);
    let now = w.now;
    w.twilio.set_ecoe_directly(&a, true, now);
    w.twilio.leave(&a, false, now);
    assert!(
        has(&violations(&w), "invariants 1 and 4"),
        "{:?}",
        violations(&w)
    );

    // Two parties: ending together is the rule, not a violation.
    let mut w = bare();
    let c = w.customer.clone();
    let now = w.now;
    w.twilio.leave(&c, false, now);
    assert_eq!(violations(&w), Vec::<String>::new());
}

#[test]
fn a_failure_given_up_silently_is_caught() {
    let mut w = bare();
    let cf = w.twilio.conference_sid.clone();
    let c = w.customer.clone();
    let at = w.now + 50;
    let r = request(
        &w,
        "hold-participant",
        &[("conference", &cf), ("participant", &c), ("hold", "true")],
        Some((at, 500)),
    );
    w.log.requests.push(r);
    assert!(
        has(&violations(&w), "without a notification"),
        "{:?}",
        violations(&w)
    );
    w.log.notifications.push(NotificationRecord {
        agent: Agent::A,
        at,
        id: "PS_ConferenceHoldFailed".into(),
        context: Value::Null,
    });
    assert_eq!(violations(&w), Vec::<String>::new());

    // A 404 on a leg operation is quiet; a refused add is not.
    let mut w = bare();
    let r = request(
        &w,
        "remove-participant",
        &[("conference", &cf), ("participant", &c)],
        Some((at, 404)),
    );
    w.log.requests.push(r);
    assert_eq!(violations(&w), Vec::<String>::new());
    let r = request(
        &w,
        "add-participant",
        &[("taskSid", &cf), ("to", X_NUMBER), ("from", CALLER_ID)],
        Some((at, 404)),
    );
    w.log.requests.push(r);
    assert!(
        has(&violations(&w), "add-participant failed"),
        "{:?}",
        violations(&w)
    );
}

#[test]
fn flag_writes_on_ringing_or_departed_legs_are_caught() {
    let mut w = bare();
    let cf = w.twilio.conference_sid.clone();
    let now = w.now;
    let x = w
        .twilio
        .create(X_NUMBER, CALLER_ID, None, now)
        .expect("create")
        .call_sid
        .clone();
    w.dials.push((Agent::A, X_NUMBER.to_owned()));
    let r = request(
        &w,
        "update-participant",
        &[
            ("conference", &cf),
            ("participant", &x),
            ("endConferenceOnExit", "true"),
        ],
        Some((now, 400)),
    );
    w.log.requests.push(r);
    w.log.notifications.push(NotificationRecord {
        agent: Agent::A,
        at: now,
        id: "n".into(),
        context: Value::Null,
    });
    assert!(
        has(&violations(&w), "while it was ringing"),
        "{:?}",
        violations(&w)
    );
    w.twilio.end_unanswered(&x, "no-answer", now);
    w.log.requests.clear();
    let r = request(
        &w,
        "update-participant",
        &[
            ("conference", &cf),
            ("participant", &x),
            ("endConferenceOnExit", "true"),
        ],
        Some((now, 404)),
    );
    w.log.requests.push(r);
    assert!(has(&violations(&w), "already left"), "{:?}", violations(&w));
}

#[test]
fn a_repeated_flag_write_is_caught_unless_the_roster_changed() {
    let mut w = bare();
    let cf = w.twilio.conference_sid.clone();
    let c = w.customer.clone();
    let params = [
        ("conference", cf.as_str()),
        ("participant", c.as_str()),
        ("endConferenceOnExit", "true"),
    ];
    let mut first = request(&w, "update-participant", &params, Some((w.now + 50, 200)));
    first.echoed_ecoe = Some(true);
    w.log.requests.push(first);
    w.now += 100;
    let mut second = request(&w, "update-participant", &params, Some((w.now + 50, 200)));
    second.id = 2;
    w.log.requests.push(second.clone());
    assert!(has(&violations(&w), "again"), "{:?}", violations(&w));
    // After a roster change the same write is legitimate.
    w.log.requests.pop();
    let now = w.now;
    w.twilio.update_hold(&c, true, now).expect("hold");
    w.twilio.update_hold(&c, false, now).expect("unhold");
    second.epoch_at_send = w.twilio.epoch;
    w.log.requests.push(second);
    assert_eq!(violations(&w), Vec::<String>::new());
    assert!(w
        .twilio
        .history
        .iter()
        .any(|e| e.change == Change::Hold(true)));
}
