//! SPEC §12 U4 (cancel dialing), R1, U1 and DESIGN §6 invariants 5 and 7: the agent cancels the
//! connecting card while `add-participant` is still in flight.
//!
//! * The create then succeeds → the new leg is removed at once, no "not answered" toast, A and C
//!   restored to `true`.
//! * Twilio created the leg but the response is lost (503). With the `get-participant` extension
//!   the engine looks the label up, finds the leg and removes it: a cancelled destination never
//!   rings on into the call. Without it the agent is told the outcome is unknown.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, Fault, LegState, Setup, World, X_NUMBER};
use flex_conference::core::notification as note;

#[test]
fn a_cancel_sent_while_the_create_is_in_flight_removes_the_leg_once_it_exists() {
    let mut w = World::two_party();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    assert!(w.agent_dials(Agent::A, X_NUMBER).accepted);
    let label = w.view(Agent::A).connecting[0].label.clone();
    let o = w.agent_cancels_dial(Agent::A, &label);
    assert!(o.accepted, "{o:?}");
    w.settle();

    let legs = w.legs_to(X_NUMBER);
    assert_eq!(legs.len(), 1, "{}", w.dump());
    assert_eq!(legs[0].state, LegState::Left, "{}", w.dump());
    assert_eq!(legs[0].call_status, "canceled");
    assert!(
        w.log.notifications_with(note::NOT_ANSWERED).is_empty(),
        "{}",
        w.dump()
    );
    w.assert_final(&[(&a, true), (&c, true)], &[]);
    assert!(w.view(Agent::A).connecting.is_empty());
    w.check_invariants();
}

#[test]
fn with_read_back_a_cancel_sent_while_the_create_answer_is_lost_finds_and_removes_the_leg() {
    let mut w = Setup::default().extensions(true).start();
    w.settle();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.inject(Fault::commit_then_fail("add-participant", 503, 1));
    assert!(w.agent_dials(Agent::A, X_NUMBER).accepted);
    let label = w.view(Agent::A).connecting[0].label.clone();
    let o = w.agent_cancels_dial(Agent::A, &label);
    assert!(o.accepted, "{o:?}");
    w.run_for(3_000);
    let x = w.leg_to(X_NUMBER).call_sid.clone();
    // If it were still ringing, X would pick up now.
    w.external_answers(&x);
    w.settle();

    assert!(
        w.leg(&x).joined_at.is_none(),
        "the cancelled leg must not join the call\n{}",
        w.dump()
    );
    assert_eq!(w.leg(&x).state, LegState::Left, "{}", w.dump());
    assert_eq!(w.log.to("add-participant").len(), 1, "{}", w.dump());
    w.assert_final(&[(&a, true), (&c, true)], &[]);
    w.check_invariants();
}

#[test]
fn without_read_back_a_cancel_whose_create_answer_is_lost_tells_the_agent_the_outcome_is_unknown() {
    // The template backend can neither look the label up nor address a leg by it (SPEC §8.2), so
    // the engine can't stop a leg it never learned the SID of; it must say so rather than show
    // the cancel as done.
    let mut w = World::two_party();
    w.inject(Fault::commit_then_fail("add-participant", 503, 1));
    assert!(w.agent_dials(Agent::A, X_NUMBER).accepted);
    let label = w.view(Agent::A).connecting[0].label.clone();
    assert!(w.agent_cancels_dial(Agent::A, &label).accepted);
    w.run_for(3_000);
    assert_eq!(
        w.log.notifications_with(note::ADD_OUTCOME_UNKNOWN).len(),
        1,
        "{}",
        w.dump()
    );
    assert_eq!(w.log.to("add-participant").len(), 1, "{}", w.dump());
    w.check_invariants();
}
