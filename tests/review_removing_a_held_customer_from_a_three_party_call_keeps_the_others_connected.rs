//! SPEC §13 scenario 8b with the customer on hold (C2 made C `false` before the hold), §12 R6 and
//! DESIGN §6 invariants 2–4: A, C, X live; A holds C, then removes C. The remove goes through
//! `remove-participant` by C's call SID, the conference goes on, and A and X become `true`.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, LegState, Native, Setup, World};

#[test]
fn removing_the_held_customer_leaves_agent_and_third_party_connected_and_true() {
    let (mut w, x) = World::three_party(Setup::default());
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.agent_clicks_hold_call(Agent::A);
    w.settle();
    assert!(w.leg(&c).hold, "{}", w.dump());
    let r = w.agent_clicks_remove(Agent::A, &c);
    assert_eq!(r.native, Native::Aborted);
    w.settle();
    let removes = w.log.to("remove-participant");
    assert_eq!(removes.len(), 1, "{}", w.dump());
    assert_eq!(removes[0].param("participant"), Some(c.as_str()));
    assert_eq!(w.leg(&c).state, LegState::Left);
    assert!(w.log.notifications.is_empty(), "{}", w.dump());
    w.assert_final(&[(&a, true), (&x, true)], &[]);
    w.check_invariants();
}
