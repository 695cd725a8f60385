//! DESIGN §6 invariant 2 against the C2 trade-off (found by issue 6's shootout): a customer held
//! in a two-party call has `endConferenceOnExit` false, so when they hang up the conference goes
//! on with the agent alone in it. Flex would have ended the call; after `end_alone_after_ms`
//! (5 s) the engine removes the agent's own leg, and the call ends as Flex would have ended it.
//! It never does while a dialed leg still rings, and a removal that fails is tried again.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, ConfStatus, Fault, Setup, World, X_NUMBER};
use flex_conference::core::notification as note;
use serde_json::json;

/// A holds C (C2 writes C false first), then C hangs up: A is alone in a live conference.
fn alone_after_the_held_customer_hangs_up(setup: Setup) -> World {
    let mut w = World::new(setup);
    w.agent_clicks_hold_call(Agent::A);
    w.run_for(1_000);
    let c = w.customer.clone();
    assert!(
        w.leg(&c).hold && !w.leg(&c).ecoe,
        "C is held with its flag false\n{}",
        w.dump()
    );
    w.customer_hangs_up();
    w
}

fn removals_of(w: &World, call_sid: &str) -> usize {
    w.log
        .requests
        .iter()
        .filter(|r| r.endpoint == "remove-participant" && r.param("participant") == Some(call_sid))
        .count()
}

#[test]
fn the_agent_alone_after_the_held_customer_hangs_up_is_removed_after_five_seconds() {
    let mut w = alone_after_the_held_customer_hangs_up(Setup::default());
    let a = w.agent_leg(Agent::A);
    w.run_for(4_000);
    assert_eq!(w.twilio.status, ConfStatus::InProgress, "{}", w.dump());
    assert_eq!(removals_of(&w, &a), 0, "not before 5 s\n{}", w.dump());
    w.run_for(2_000);
    assert_eq!(removals_of(&w, &a), 1, "{}", w.dump());
    w.settle();
    w.assert_ended("last-participant-kicked", &a);
    assert!(
        w.log.notifications.is_empty(),
        "ending an empty call is not news: {:?}",
        w.log.notification_ids()
    );
    w.check_invariants();
}

#[test]
fn with_end_alone_after_ms_zero_the_agent_stays_until_they_hang_up() {
    let setup = Setup::default().config(json!({"end_alone_after_ms": 0}));
    let mut w = alone_after_the_held_customer_hangs_up(setup);
    let a = w.agent_leg(Agent::A);
    w.run_for(120_000);
    assert_eq!(w.twilio.status, ConfStatus::InProgress, "{}", w.dump());
    assert_eq!(removals_of(&w, &a), 0, "{}", w.dump());
}

#[test]
fn an_agent_alone_while_a_dialed_leg_rings_is_kept_for_it() {
    let mut w = World::two_party();
    let a = w.agent_leg(Agent::A);
    assert!(w.agent_dials(Agent::A, X_NUMBER).accepted);
    w.run_for(2_000);
    // C3 flipped A and C false at dial time: C's hanging up leaves A with X ringing.
    w.customer_hangs_up();
    w.run_for(20_000);
    assert_eq!(w.twilio.status, ConfStatus::InProgress, "{}", w.dump());
    assert_eq!(removals_of(&w, &a), 0, "X still rings\n{}", w.dump());
    let x = w.leg_to(X_NUMBER).call_sid.clone();
    w.external_answers(&x);
    w.run_for(30_000);
    assert_eq!(removals_of(&w, &a), 0, "A talks to X\n{}", w.dump());
    assert_eq!(w.twilio.status, ConfStatus::InProgress, "{}", w.dump());
    w.check_invariants();
}

#[test]
fn a_removal_that_keeps_failing_is_tried_again_and_the_third_failure_is_shown() {
    let mut w = alone_after_the_held_customer_hangs_up(Setup::default());
    let a = w.agent_leg(Agent::A);
    w.inject(Fault::http("remove-participant", 500, Some(20500), 4));
    w.run_for(16_000);
    assert_eq!(removals_of(&w, &a), 3, "every 5 s\n{}", w.dump());
    assert_eq!(
        w.log.notifications_with(note::REMOVE_FAILED).len(),
        1,
        "{:?}",
        w.log.notification_ids()
    );
    w.run_for(10_000);
    assert_eq!(
        w.log.notifications_with(note::REMOVE_FAILED).len(),
        1,
        "shown once: {:?}",
        w.log.notification_ids()
    );
    w.settle();
    w.assert_ended("last-participant-kicked", &a);
}
