//! DESIGN §6 invariants 2 and 3 for the plain two-party call: the agent holds the customer (the
//! flag is set false first, C2) and hangs up. The agent's own leg is still Flex's `true`, so the
//! conference ends with the agent and nobody is left on hold; the hang-up is not held back.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, World};

#[test]
fn the_hangup_goes_through_at_once_and_the_held_customer_is_not_left_behind() {
    let mut w = World::two_party();
    let a = w.agent_leg(Agent::A);
    let c = w.customer.clone();
    w.agent_clicks_hold_call(Agent::A);
    w.settle();
    assert!(w.leg(&c).hold, "the customer is held\n{}", w.dump());
    assert!(
        !w.leg(&c).ecoe,
        "its flag was set false before the hold\n{}",
        w.dump()
    );

    let before = w.log.requests.len();
    w.agent_hangs_up(Agent::A, false);
    w.settle();
    assert_eq!(
        w.log.requests.len(),
        before,
        "no request is needed before leaving\n{}",
        w.dump()
    );
    assert!(w.log.hangups.iter().all(|h| h.allow), "{}", w.dump());
    w.assert_ended("participant-with-end-conference-on-exit-left", &a);
    w.check_invariants();
}
