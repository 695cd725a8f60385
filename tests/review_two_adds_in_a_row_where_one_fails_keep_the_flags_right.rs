//! SPEC §12 C1/C3 and U1, DESIGN §6 invariants 2, 5, 7: two adds in a row to different numbers.
//! While either is pending A and C stay `false`; the failed one is reported (and creates no leg),
//! the other one joins; the flags follow the roster at every step.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, Fault, LegState, World, X_NUMBER, Y_NUMBER};
use flex_conference::core::notification as note;

#[test]
fn the_second_add_failing_keeps_the_flags_false_for_the_first_and_tells_the_agent() {
    let mut w = World::two_party();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    assert!(w.agent_dials(Agent::A, X_NUMBER).accepted);
    w.run_for(500);
    w.inject(Fault::http("add-participant", 400, Some(21216), 1).when("to", Y_NUMBER));
    assert!(w.agent_dials(Agent::A, Y_NUMBER).accepted);
    w.run_for(1_000);
    assert_eq!(
        w.log.notifications_with(note::ADD_FAILED).len(),
        1,
        "{}",
        w.dump()
    );
    assert!(w.legs_to(Y_NUMBER).is_empty(), "{}", w.dump());
    assert!(
        !w.leg(&a).ecoe && !w.leg(&c).ecoe,
        "X still rings: A and C stay false\n{}",
        w.dump()
    );
    let x = w.leg_to(X_NUMBER).call_sid.clone();
    w.external_answers(&x);
    w.settle();
    w.assert_final(&[(&a, false), (&c, false), (&x, false)], &[]);
    w.check_invariants();
}

#[test]
fn the_first_add_going_unanswered_keeps_the_flags_false_while_the_second_rings() {
    let mut w = World::two_party();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    assert!(w.agent_dials(Agent::A, X_NUMBER).accepted);
    w.run_for(500);
    assert!(w.agent_dials(Agent::A, Y_NUMBER).accepted);
    w.run_for(1_000);
    let (x, y) = (
        w.leg_to(X_NUMBER).call_sid.clone(),
        w.leg_to(Y_NUMBER).call_sid.clone(),
    );
    w.external_busy(&x);
    w.run_for(8_000);
    assert_eq!(
        w.log.notifications_with(note::NOT_ANSWERED).len(),
        1,
        "{}",
        w.dump()
    );
    assert!(
        !w.leg(&a).ecoe && !w.leg(&c).ecoe,
        "Y still rings: A and C stay false\n{}",
        w.dump()
    );
    assert_eq!(w.leg(&y).state, LegState::Ringing);
    w.external_no_answer(&y);
    w.settle();
    w.assert_final(&[(&a, true), (&c, true)], &[]);
    assert_eq!(
        w.log.notifications_with(note::NOT_ANSWERED).len(),
        2,
        "{}",
        w.dump()
    );
    w.check_invariants();
}
