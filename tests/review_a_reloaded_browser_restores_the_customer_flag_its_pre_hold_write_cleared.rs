//! SPEC §12 C1/C2 and DESIGN §6 invariant 2. In a plain two-party call the engine writes the
//! customer's `endConferenceOnExit` to `false` before holding it (C2). If the agent's browser then
//! reloads (a new engine instance, SPEC §13 scenario 16) while the customer is held, the new engine
//! must not assume Flex's accept-time `true` for the customer once it is unheld: its flag is
//! unknown, so it has to be written back to `true`. Otherwise a customer who later hangs up leaves
//! the agent alone in a live conference, and the agent hanging up leaves nobody to end it with.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, ConfStatus, LegState, World};

#[test]
fn after_a_reload_mid_hold_the_unheld_customer_is_set_back_to_true() {
    let mut w = World::two_party();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.agent_clicks_hold_call(Agent::A);
    w.settle();
    assert!(w.leg(&c).hold, "C is held\n{}", w.dump());
    assert!(
        !w.leg(&c).ecoe,
        "C2 wrote C false before the hold\n{}",
        w.dump()
    );

    // The agent reloads Flex while the customer is on hold.
    w.run_for(5_000);
    w.attach(Agent::A);
    w.settle();
    w.agent_clicks_unhold_call(Agent::A);
    w.settle();

    w.assert_final(&[(&a, true), (&c, true)], &[]);
    w.check_invariants();

    // And so the customer hanging up ends the call for the agent too.
    w.customer_hangs_up();
    w.settle();
    assert_eq!(w.twilio.status, ConfStatus::Completed, "{}", w.dump());
    assert_eq!(w.leg(&a).state, LegState::Left);
}
