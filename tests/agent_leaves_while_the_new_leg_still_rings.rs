//! SPEC §13 scenario 13, "Agent leaves while the new leg still rings": A and C live, X ringing
//! (A and C false from C3). A hangs up and confirms "leave and keep others connected". C is set
//! true and confirmed; A's exit doesn't end the conference; X keeps ringing and is never written
//! while ringing. (a) X answers → C and X joined; without a live reconciler X keeps false (the
//! documented limitation). (b) X unanswered → C alone with true until C hangs up
//! (`last-participant-left`).

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, LegState, World, X_NUMBER};

/// A leaves (confirming) while X rings; returns X.
fn a_leaves_while_x_rings() -> (World, String) {
    let mut w = World::two_party();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    assert!(w.agent_dials(Agent::A, X_NUMBER).accepted);
    w.run_for(2_000);
    let x = w.leg_to(X_NUMBER).call_sid.clone();
    assert_eq!(w.leg(&x).state, LegState::Ringing);

    // Without confirmation the engine asks first and the agent stays.
    w.agent_hangs_up(Agent::A, false);
    w.run_for(500);
    let first = w.log.hangups.first().expect("the guard answered").clone();
    assert!(!first.allow, "{}", w.dump());
    assert_eq!(first.reason, "confirm_leave");
    assert_eq!(w.leg(&a).state, LegState::Joined, "A is still in");

    w.agent_hangs_up(Agent::A, true);
    w.run_for(1_000);
    let answer = w.log.hangups.last().expect("the guard answered").clone();
    assert!(answer.allow, "{}", w.dump());
    let c_true = w
        .log
        .requests
        .iter()
        .find(|r| r.ecoe_write() == Some((c.as_str(), true)))
        .unwrap_or_else(|| panic!("C is set true\n{}", w.dump()));
    assert!(
        c_true.succeeded() && c_true.answered_at.is_some_and(|t| t <= answer.at),
        "{}",
        w.dump()
    );
    assert_eq!(w.leg(&a).state, LegState::Left);
    assert!(!w.leg(&a).ecoe, "A leaves with false");
    assert_eq!(
        w.twilio.status,
        common::ConfStatus::InProgress,
        "A's exit doesn't end it"
    );
    assert_eq!(w.leg(&x).state, LegState::Ringing, "X keeps ringing");
    (w, x)
}

#[test]
fn leaving_while_a_leg_rings_needs_confirmation_then_sets_the_customer_true_and_keeps_the_call() {
    let (w, x) = a_leaves_while_x_rings();
    assert!(
        w.log.ecoe_writes_to(&x).is_empty(),
        "X is never written\n{}",
        w.dump()
    );
}

#[test]
fn when_x_answers_after_the_agent_left_both_are_joined_and_x_keeps_its_create_value() {
    let (mut w, x) = a_leaves_while_x_rings();
    let c = w.customer.clone();
    w.external_answers(&x);
    w.settle();
    // No reconciler is live, so X keeps the create value: the documented limitation.
    w.assert_final(&[(&c, true), (&x, false)], &[]);
    let writes_to_x: Vec<_> = w
        .log
        .naming(&x)
        .into_iter()
        .filter(|r| r.endpoint != "get-call-properties")
        .collect();
    assert!(
        writes_to_x.is_empty(),
        "nothing but polls ever named X: {writes_to_x:?}\n{}",
        w.dump()
    );
    w.check_invariants();
}

#[test]
fn when_x_never_answers_the_customer_stays_alone_with_true_until_hanging_up() {
    let (mut w, x) = a_leaves_while_x_rings();
    let c = w.customer.clone();
    w.settle();
    assert_eq!(w.leg(&x).call_status, "no-answer");
    w.assert_final(&[(&c, true)], &[]);
    w.customer_hangs_up();
    w.settle();
    w.assert_ended("last-participant-left", &c);
    w.check_invariants();
}
