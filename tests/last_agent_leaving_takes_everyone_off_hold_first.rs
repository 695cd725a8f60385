//! SPEC §13 scenario 9, "Last agent leaves while someone is held": A, C, X live, C held; A hangs
//! up. C is unheld (awaited) and confirmed, C and X set to true, the hang-up released. Final: C
//! and X joined, unheld, both true. Variant: the unhold keeps failing → the hang-up is aborted and
//! `PS_FailedHangupOnConferenceWithExternalParties` shows the underlying error. Final: unchanged,
//! A still in.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::twilio::Change;
use common::{Agent, Fault, LegState, Setup, World};
use flex_conference::core::notification as note;

/// A, C, X live, all false, with C held by A (through C2).
fn three_with_customer_held(setup: Setup) -> (World, String) {
    let (mut w, x) = World::three_party(setup);
    let c = w.customer.clone();
    w.agent_clicks_hold(Agent::A, &c);
    w.settle();
    assert!(w.leg(&c).hold, "C is held\n{}", w.dump());
    (w, x)
}

fn unholds_then_releases(setup: Setup) -> World {
    let (mut w, x) = three_with_customer_held(setup);
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.agent_hangs_up(Agent::A, false);
    w.settle();

    let answer = w.log.hangups.last().expect("the guard answered");
    assert!(answer.allow, "the hang-up is released\n{}", w.dump());
    let unholds: Vec<_> = w
        .log
        .requests
        .iter()
        .filter(|r| r.endpoint == "hold-participant" && r.param("hold") == Some("false"))
        .collect();
    assert_eq!(unholds.len(), 1, "{}", w.dump());
    assert_eq!(unholds[0].param("participant"), Some(c.as_str()));
    let unheld_at = unholds[0].answered_at.expect("the unhold was answered");
    assert!(
        answer.at >= unheld_at,
        "the unhold is awaited before the release\n{}",
        w.dump()
    );
    let c_true = w
        .log
        .requests
        .iter()
        .find(|r| r.ecoe_write() == Some((c.as_str(), true)))
        .unwrap_or_else(|| panic!("C is set true\n{}", w.dump()));
    // The write must reach Twilio after the unhold took effect, or Twilio ignores it (§9.4).
    let history = &w.twilio.history;
    let unheld = history
        .iter()
        .position(|e| e.call_sid == c && e.change == Change::Hold(false));
    let set_true = history
        .iter()
        .position(|e| e.call_sid == c && e.change == Change::Ecoe(false, true));
    assert!(
        matches!((unheld, set_true), (Some(u), Some(t)) if u < t),
        "C is unheld at Twilio before its flag is set true\n{}",
        w.dump()
    );
    assert!(
        !history
            .iter()
            .any(|e| e.call_sid == c && matches!(e.change, Change::EcoeIgnored(_))),
        "no flag write on C was ignored because C was held\n{}",
        w.dump()
    );
    assert!(
        c_true.answered_at.is_some_and(|t| t <= answer.at),
        "C confirmed true before the release\n{}",
        w.dump()
    );
    assert_eq!(w.leg(&a).state, LegState::Left);
    w.assert_final(&[(&c, true), (&x, true)], &[]);
    w.check_invariants();
    w
}

#[test]
fn the_held_customer_is_unheld_and_both_others_set_true_before_the_hangup_is_released() {
    unholds_then_releases(Setup::default());
}

#[test]
fn with_slow_flex_events_the_guard_relies_on_its_own_rest_answers() {
    unholds_then_releases(Setup::default().event_delay(700));
}

#[test]
fn with_read_back_the_guard_confirms_hold_and_flags_by_get_participant_before_releasing() {
    let w = unholds_then_releases(Setup::default().extensions(true));
    let c = w.customer.clone();
    let released = w.log.hangups.last().map_or(0, |h| h.at);
    let reads: Vec<_> = w
        .log
        .to("get-participant")
        .into_iter()
        .filter(|r| r.answered_at.is_some_and(|t| t <= released))
        .filter_map(|r| r.param("participant").map(str::to_owned))
        .collect();
    assert!(
        reads.contains(&c),
        "C read back before the release: {reads:?}\n{}",
        w.dump()
    );
}

#[test]
fn when_the_unhold_keeps_failing_the_hangup_is_aborted_and_the_agent_is_told_why() {
    let (mut w, x) = three_with_customer_held(Setup::default());
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.inject(Fault::http("hold-participant", 500, Some(20500), 1_000).when("hold", "false"));
    w.agent_hangs_up(Agent::A, false);
    w.settle();

    let answer = w.log.hangups.last().expect("the guard answered");
    assert!(!answer.allow, "the hang-up is aborted\n{}", w.dump());
    let shown = w.log.notifications_with(note::FAILED_HANGUP);
    assert_eq!(shown.len(), 1, "{}", w.dump());
    assert_eq!(
        shown[0].context["code"],
        20500,
        "the underlying Twilio code\n{}",
        w.dump()
    );
    assert_eq!(shown[0].context["status"], 500);
    assert!(shown[0].context["message"].is_string());
    w.assert_final(&[(&a, false), (&c, false), (&x, false)], &[&c]);
    w.check_invariants();
}

#[test]
fn when_the_unhold_never_gets_an_answer_the_hangup_is_aborted_in_bounded_time() {
    let (mut w, x) = three_with_customer_held(Setup::default());
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.inject(Fault::drop("hold-participant", 1_000).when("hold", "false"));
    let start = w.now;
    w.agent_hangs_up(Agent::A, false);
    w.settle();

    let answer = w.log.hangups.last().expect("the guard answered");
    assert!(!answer.allow, "the hang-up is aborted\n{}", w.dump());
    assert!(
        answer.at - start <= 10_000,
        "the guard gives up within its deadline\n{}",
        w.dump()
    );
    assert_eq!(
        w.log.notifications_with(note::FAILED_HANGUP).len(),
        1,
        "{}",
        w.dump()
    );
    w.assert_final(&[(&a, false), (&c, false), (&x, false)], &[&c]);
    w.check_invariants();
}

#[test]
fn the_guard_unholds_a_held_added_leg_even_when_flex_shows_it_as_a_customer() {
    let (mut w, x) = World::three_party(Setup::default().retype_held_unknown());
    let c = w.customer.clone();
    w.agent_clicks_hold(Agent::A, &x);
    w.settle();
    assert!(w.leg(&x).hold, "{}", w.dump());
    w.agent_hangs_up(Agent::A, false);
    w.settle();
    let answer = w.log.hangups.last().expect("the guard answered");
    assert!(
        answer.allow,
        "hanging up stays possible (D7 regression)\n{}",
        w.dump()
    );
    w.assert_final(&[(&c, true), (&x, true)], &[]);
    w.check_invariants();
}

#[test]
fn when_a_flag_write_keeps_failing_the_hangup_is_aborted_and_the_agent_stays() {
    let (mut w, x) = World::three_party(Setup::default());
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.inject(Fault::http("update-participant", 500, Some(20500), 1_000).when("participant", &c));
    w.agent_hangs_up(Agent::A, false);
    w.run_for(30_000);
    let answer = w.log.hangups.last().expect("the guard answered");
    assert!(!answer.allow, "{}", w.dump());
    let shown = w.log.notifications_with(note::FAILED_HANGUP);
    assert_eq!(shown.len(), 1, "{}", w.dump());
    assert_eq!(shown[0].context["code"], 20500);
    assert_eq!(w.leg(&a).state, LegState::Joined, "A is still in");
    assert_eq!(w.leg(&x).state, LegState::Joined);
}
