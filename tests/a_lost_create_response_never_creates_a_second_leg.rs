//! SPEC §13 scenario 18, "Lost create response": the backend commits the create, then answers
//! 503 (or drops the connection). With the `get-participant` extension the client looks the label
//! up, finds the leg and sends no second create; if the label is absent (never created, or
//! created and already ended) it still sends no second create and tells the agent. Without it: no
//! second create and an "outcome unknown" notification. Final: exactly one X leg.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, Fault, LegState, Setup, World, X_NUMBER};
use flex_conference::core::notification as note;

fn lost_create(extensions: bool, status: u16) -> World {
    let mut w = Setup::default().extensions(extensions).start();
    w.settle();
    w.inject(Fault::commit_then_fail("add-participant", status, 1));
    assert!(w.agent_dials(Agent::A, X_NUMBER).accepted);
    w.run_for(3_000);
    w
}

fn looked_up_and_tracked(status: u16) {
    let mut w = lost_create(true, status);
    assert_eq!(
        w.log.to("add-participant").len(),
        1,
        "no second create\n{}",
        w.dump()
    );
    let lookups = w.log.to("get-participant");
    assert!(!lookups.is_empty(), "the label is looked up\n{}", w.dump());
    let label = w.log.to("add-participant")[0]
        .param("label")
        .map(str::to_owned);
    assert_eq!(lookups[0].param("participant").map(str::to_owned), label);
    let x = w.leg_to(X_NUMBER).call_sid.clone();
    let card = w.view(Agent::A).connecting;
    assert_eq!(
        card.len(),
        1,
        "the card tracks the leg it found\n{}",
        w.dump()
    );
    assert_eq!(card[0].call_sid.as_deref(), Some(x.as_str()));

    w.external_answers(&x);
    w.settle();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    assert_eq!(w.legs_to(X_NUMBER).len(), 1, "exactly one X leg");
    w.assert_final(&[(&a, false), (&c, false), (&x, false)], &[]);
    assert!(w.log.notifications.is_empty(), "{}", w.dump());
    w.check_invariants();
}

#[test]
fn a_create_committed_then_answered_503_is_found_by_label_and_not_repeated() {
    looked_up_and_tracked(503);
}

#[test]
fn a_create_committed_then_cut_off_is_found_by_label_and_not_repeated() {
    looked_up_and_tracked(0);
}

#[test]
fn a_create_lost_before_reaching_the_server_is_not_repeated_and_the_agent_can_dial_again() {
    // Twilio hides ended legs, so "absent" may also mean "created and already ended": dialing
    // again on its own could ring the same person twice (DESIGN §6 invariant 5). The agent is
    // told, and dialing again works.
    let mut w = Setup::default().extensions(true).start();
    w.settle();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.inject(Fault::drop("add-participant", 1));
    assert!(w.agent_dials(Agent::A, X_NUMBER).accepted);
    w.settle();
    assert_eq!(
        w.log.to("add-participant").len(),
        1,
        "no second create\n{}",
        w.dump()
    );
    assert_eq!(
        w.log.to("get-participant").len(),
        1,
        "looked up once\n{}",
        w.dump()
    );
    assert_eq!(
        w.log.notifications_with(note::ADD_OUTCOME_UNKNOWN).len(),
        1,
        "{}",
        w.dump()
    );
    assert!(w.legs_to(X_NUMBER).is_empty());
    w.assert_final(&[(&a, true), (&c, true)], &[]);

    assert!(w.agent_dials(Agent::A, X_NUMBER).accepted);
    w.run_for(3_000);
    let adds = w.log.to("add-participant");
    assert_eq!(adds.len(), 2, "{}", w.dump());
    assert_ne!(
        adds[0].param("label"),
        adds[1].param("label"),
        "a new add, a new label"
    );
    let x = w.leg_to(X_NUMBER).call_sid.clone();
    w.external_answers(&x);
    w.settle();
    assert_eq!(w.legs_to(X_NUMBER).len(), 1);
    w.check_invariants();
}

#[test]
fn without_the_extension_a_lost_create_is_not_repeated_and_the_agent_is_told_the_outcome_is_unknown(
) {
    let mut w = lost_create(false, 503);
    w.settle();
    assert_eq!(
        w.log.to("add-participant").len(),
        1,
        "no second create\n{}",
        w.dump()
    );
    assert!(
        w.log.to("get-participant").is_empty(),
        "no lookup without the extension"
    );
    let shown = w.log.notifications_with(note::ADD_OUTCOME_UNKNOWN);
    assert_eq!(shown.len(), 1, "{}", w.dump());
    assert_eq!(shown[0].context["destination"], X_NUMBER);
    let legs = w.legs_to(X_NUMBER);
    assert_eq!(
        legs.len(),
        1,
        "exactly one X leg (the committed one)\n{}",
        w.dump()
    );
    assert_ne!(legs[0].state, LegState::Joined);
    w.check_invariants();
}

#[test]
fn without_the_extension_a_lost_create_that_answers_later_still_joins_as_one_leg() {
    let mut w = lost_create(false, 0);
    let x = w.leg_to(X_NUMBER).call_sid.clone();
    w.external_answers(&x);
    w.settle();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    assert_eq!(w.log.to("add-participant").len(), 1, "{}", w.dump());
    assert_eq!(
        w.log.notifications_with(note::ADD_OUTCOME_UNKNOWN).len(),
        1,
        "{}",
        w.dump()
    );
    w.assert_final(&[(&a, false), (&c, false), (&x, false)], &[]);
    w.check_invariants();
}
