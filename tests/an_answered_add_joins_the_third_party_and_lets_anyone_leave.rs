//! SPEC §13 scenario 1, "Add, answered": A and C are live; A dials X, X rings 3 s and answers.
//! Exactly one `add-participant` (with a label); A and C are set false at dial time; a connecting
//! card while X rings (name = the dialed number, Hold impossible, Remove possible) that goes once
//! X joins as `unknown`; X is false from creation. Final: in progress, A, C, X joined, all false.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, LegState, Setup, World, X_NUMBER};
use flex_conference::core::ErrorCode;

#[test]
fn dialing_creates_exactly_one_labelled_leg_and_flips_agent_and_customer_to_false_at_dial_time() {
    let mut w = World::two_party();
    let a = w.agent_leg(Agent::A);
    let c = w.customer.clone();

    let outcome = w.agent_dials(Agent::A, X_NUMBER);
    assert!(outcome.accepted && outcome.abort_native, "{outcome:?}");
    w.run_for(1_000);

    let adds = w.log.to("add-participant");
    assert_eq!(adds.len(), 1, "exactly one add-participant\n{}", w.dump());
    let label = adds[0]
        .param("label")
        .expect("the add carries an idempotency label");
    assert!(!label.is_empty());
    assert_eq!(adds[0].param("to"), Some(X_NUMBER));
    assert_eq!(
        adds[0].param("taskSid"),
        Some(w.twilio.conference_sid.as_str())
    );

    // C3: flipped at dial time, before X answers.
    assert!(!w.leg(&a).ecoe, "A false while X rings\n{}", w.dump());
    assert!(!w.leg(&c).ecoe, "C false while X rings\n{}", w.dump());
    let x = w.leg_to(X_NUMBER);
    assert_eq!(x.state, LegState::Ringing);
    assert!(!x.ecoe, "X is created with endConferenceOnExit=false");
    assert_eq!(x.label.as_deref(), Some(label));
}

#[test]
fn a_connecting_card_shows_the_dialed_number_while_x_rings_and_disappears_once_x_joins() {
    let mut w = World::two_party();
    assert!(w.agent_dials(Agent::A, X_NUMBER).accepted);
    w.run_for(2_000);
    let x = w.leg_to(X_NUMBER).call_sid.clone();

    let view = w.view(Agent::A);
    assert_eq!(view.connecting.len(), 1, "{view:?}");
    let card = &view.connecting[0];
    assert_eq!(card.destination, X_NUMBER);
    assert_eq!(card.call_sid.as_deref(), Some(x.as_str()));
    assert_eq!(card.status, "ringing");

    // Hold is disabled on the card: the engine refuses it and aborts the native action (which
    // would otherwise hold the customer).
    let hold = w.agent_clicks_hold(Agent::A, &x);
    let o = hold.outcome.expect("the before-listener answered");
    assert!(!o.accepted && o.abort_native, "{o:?}");
    assert_eq!(o.error.map(|e| e.code), Some(ErrorCode::UnknownParticipant));
    assert!(
        w.twilio.holds_of(&w.customer).is_empty(),
        "C must never be held\n{}",
        w.dump()
    );

    w.run_for(1_000);
    w.external_answers(&x);
    w.settle();
    assert!(
        w.view(Agent::A).connecting.is_empty(),
        "the card goes once X joins"
    );
    w.check_invariants();
}

#[test]
fn once_x_answers_all_three_legs_are_joined_with_end_conference_on_exit_false() {
    let (w, x) = World::three_party(Setup::default());
    let a = w.agent_leg(Agent::A);
    let c = w.customer.clone();

    assert_eq!(w.leg(&x).kind.flex_type(), "unknown");
    w.assert_final(&[(&a, false), (&c, false), (&x, false)], &[]);
    assert_eq!(w.log.to("add-participant").len(), 1, "{}", w.dump());
    // A and C were written once each, false; nothing was ever written true.
    for leg in [&a, &c] {
        assert_eq!(
            w.log.ecoe_writes_to(leg),
            vec![(false, Some(200))],
            "{}: one write, false\n{}",
            w.name(leg),
            w.dump()
        );
    }
    assert!(
        w.log.ecoe_writes_to(&x).iter().all(|(v, _)| !v),
        "X is never written true\n{}",
        w.dump()
    );
    assert!(w.log.notifications.is_empty(), "{}", w.dump());
    w.check_invariants();
}
