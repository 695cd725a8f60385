//! SPEC §12 C2/C3, DESIGN §6 invariant 2, with Flex events delayed by 1.5 s. X rings (A and C
//! `false`); the agent holds the customer through `HoldCall` and unholds it 100 ms later, before
//! Flex has shown either change; then X is busy. Once things settle A and C are `true` again,
//! nobody is held, the agent is told X didn't answer, and the view shows nothing pending.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, Setup, X_NUMBER};
use flex_conference::core::notification as note;

#[test]
fn a_quick_hold_and_unhold_during_a_pending_add_ends_with_both_flags_true() {
    let mut w = Setup::default().event_delay(1_500).start();
    w.settle();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    assert!(w.agent_dials(Agent::A, X_NUMBER).accepted);
    w.run_for(200);
    w.agent_clicks_hold_call(Agent::A);
    w.run_for(100);
    w.agent_clicks_unhold_call(Agent::A);
    w.run_for(1_000);
    let x = w.leg_to(X_NUMBER).call_sid.clone();
    w.external_busy(&x);
    w.settle();

    assert_eq!(w.twilio.holds_of(&c), vec![true, false], "{}", w.dump());
    assert_eq!(w.log.notifications_with(note::NOT_ANSWERED).len(), 1);
    let view = w.view(Agent::A);
    assert!(view.connecting.is_empty(), "{view:?}");
    assert!(
        view.participants.iter().all(|p| p.pending.is_empty()),
        "{view:?}"
    );
    w.assert_final(&[(&a, true), (&c, true)], &[]);
    w.check_invariants();
}
