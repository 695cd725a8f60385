//! SPEC §13 scenario 6, "Customer held while the third party joins" (project outcome; the
//! reference outcomes belong to the emulator): A holds C, and C2 writes C=false before the
//! native hold. A dials X, X answers, then C hangs up while held. The conference continues; A and
//! X are reconciled to true. Final: A and X joined, both true.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::twilio::Change;
use common::{Agent, Native, World, X_NUMBER};

/// Index in the model history of the first matching change of a leg.
fn first(w: &World, call_sid: &str, change: &Change) -> usize {
    w.twilio
        .history
        .iter()
        .position(|e| e.call_sid == call_sid && e.change == *change)
        .unwrap_or_else(|| panic!("{} never saw {change:?}\n{}", w.name(call_sid), w.dump()))
}

fn hold_then_add_then_customer_leaves(hold_from_flex_row: bool) {
    let mut w = World::two_party();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());

    let click = if hold_from_flex_row {
        w.agent_clicks_hold_call(Agent::A)
    } else {
        w.agent_clicks_hold(Agent::A, &c)
    };
    let first_answer = click.outcome.clone().expect("the before-listener answered");
    assert!(first_answer.accepted, "{first_answer:?}");
    w.settle();

    // C2: the flag is written false and lands before the native hold puts C on hold.
    assert!(w.leg(&c).hold, "C is held\n{}", w.dump());
    assert!(
        !w.leg(&c).ecoe,
        "C was set false before the hold\n{}",
        w.dump()
    );
    assert!(
        first(&w, &c, &Change::Ecoe(true, false)) < first(&w, &c, &Change::Hold(true)),
        "C's flag changed before the hold\n{}",
        w.dump()
    );
    let native_holds: Vec<_> = w
        .log
        .actions
        .iter()
        .filter(|r| matches!(&r.native, Native::Ran(sid) if *sid == c))
        .collect();
    assert_eq!(
        native_holds.len(),
        1,
        "exactly one native hold, on C\n{}",
        w.dump()
    );
    assert!(
        w.leg(&a).ecoe,
        "A keeps Flex's true in a two-party call\n{}",
        w.dump()
    );
    assert!(w.twilio.holds_of(&a).is_empty(), "A is never held");

    let x = w.dial_and_answer(Agent::A, X_NUMBER);
    w.assert_final(&[(&a, false), (&c, false), (&x, false)], &[&c]);

    w.customer_hangs_up();
    w.settle();
    w.assert_final(&[(&a, true), (&x, true)], &[]);
    w.check_invariants();
}

#[test]
fn a_customer_held_from_the_participant_row_hangs_up_and_the_conference_continues() {
    hold_then_add_then_customer_leaves(false);
}

#[test]
fn a_customer_held_from_flexs_own_customer_row_hangs_up_and_the_conference_continues() {
    hold_then_add_then_customer_leaves(true);
}

#[test]
fn unholding_the_customer_of_a_two_party_call_sets_it_back_to_true() {
    let mut w = World::two_party();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.agent_clicks_hold_call(Agent::A);
    w.settle();
    assert!(
        w.leg(&c).hold && !w.leg(&c).ecoe,
        "held with false (C2)\n{}",
        w.dump()
    );
    w.agent_clicks_unhold_call(Agent::A);
    w.settle();
    // Back to two plain parties: either hanging up must end the call again.
    w.assert_final(&[(&a, true), (&c, true)], &[]);
    w.check_invariants();
}

#[test]
fn with_slow_flex_events_the_held_customer_still_hangs_up_without_ending_the_call() {
    let mut w = common::Setup::default().event_delay(800).start();
    w.settle();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.agent_clicks_hold(Agent::A, &c);
    w.settle();
    assert!(w.leg(&c).hold && !w.leg(&c).ecoe, "{}", w.dump());
    let x = w.dial_and_answer(Agent::A, X_NUMBER);
    w.customer_hangs_up();
    w.settle();
    w.assert_final(&[(&a, true), (&x, true)], &[]);
    w.check_invariants();
}

#[test]
fn when_the_pre_hold_write_fails_the_customer_is_not_held_and_the_agent_is_told() {
    use flex_conference::core::notification as note;
    let mut w = World::two_party();
    let c = w.customer.clone();
    w.inject(
        common::Fault::http("update-participant", 500, Some(20500), 1_000).when("participant", &c),
    );
    let click = w.agent_clicks_hold(Agent::A, &c);
    assert_eq!(
        click.native,
        Native::Aborted,
        "the native hold waits for the flag\n{}",
        w.dump()
    );
    w.run_for(20_000);
    assert!(
        w.twilio.holds_of(&c).is_empty(),
        "C is not held with a true flag\n{}",
        w.dump()
    );
    let shown = w.log.notifications_with(note::HOLD_FAILED);
    assert_eq!(shown.len(), 1, "{}", w.dump());
    assert_eq!(shown[0].context["code"], 20500);
}
