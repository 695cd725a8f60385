//! SPEC §12 C3 ("when an add is initiated, set the agent's and customer's legs to false") with
//! C7 (one reconciler), and DESIGN §6 invariant 4. A and C are on the call; B joins by internal
//! transfer (B is not the reconciler: A's worker SID sorts first). B dials Y. Flex lists REST legs
//! only once they join, so A's browser can't see the pending add: the browser that dialed must
//! flip the customer's flag itself. If the customer then hangs up while Y rings, the agents keep
//! their call and Y still joins it.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, ConfStatus, LegState, World, Y_NUMBER};

#[test]
fn the_customer_hanging_up_while_the_second_agents_add_rings_keeps_the_call() {
    let mut w = World::two_party();
    let a = w.agent_leg(Agent::A);
    let b = w.second_agent_joins_by_transfer();
    w.settle();
    assert!(w.agent_dials(Agent::B, Y_NUMBER).accepted);
    w.run_for(2_000);
    assert!(
        !w.leg(&w.customer).ecoe,
        "C3: the customer's flag is false once the add is initiated\n{}",
        w.dump()
    );
    w.customer_hangs_up();
    w.run_for(500);
    assert_eq!(
        w.twilio.status,
        ConfStatus::InProgress,
        "the customer leaving must not end the agents' call while Y rings\n{}",
        w.dump()
    );
    let y = w.leg_to(Y_NUMBER).call_sid.clone();
    assert_eq!(w.leg(&y).state, LegState::Ringing);
    w.external_answers(&y);
    w.settle();
    assert_eq!(w.twilio.status, ConfStatus::InProgress, "{}", w.dump());
    for leg in [&a, &b, &y] {
        assert_eq!(w.leg(leg).state, LegState::Joined, "{}", w.dump());
    }
    w.check_invariants();
}
