//! SPEC §3.3 (Flex has been seen to retype a held `unknown` leg as `customer`), §3.8 (a native
//! hold/unhold with an unrecognised `targetSid` acts on the *customer*), §11 D7 and §12 U1/R2.
//! A, C, X live; the agent holds X through the feature; Flex now shows X as a second `customer`.
//! The agent reloads Flex (a new engine that never saw X as `unknown`) and clicks Unhold on X's
//! row. X must come off hold; the customer must not be touched. The engine should route any
//! unhold whose target is not Flex's routable customer through REST by call SID (e.g. whenever
//! more than one live leg claims to be the customer) instead of letting Flex's native routing
//! guess.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, Setup, World};

#[test]
fn after_a_reload_unholding_a_held_added_leg_shown_as_customer_unholds_that_leg() {
    let (mut w, x) = World::three_party(Setup::default().retype_held_unknown());
    let c = w.customer.clone();
    w.agent_clicks_hold(Agent::A, &x);
    w.settle();
    assert!(w.leg(&x).hold, "{}", w.dump());
    assert_eq!(w.shown_type(&x), "customer", "Flex retyped the held leg");

    w.run_for(5_000);
    w.attach(Agent::A);
    w.settle();
    w.agent_clicks_unhold(Agent::A, &x);
    w.settle();

    assert!(
        !w.leg(&x).hold,
        "X must come off hold (Flex's native routing would act on C instead)\n{}",
        w.dump()
    );
    assert!(
        w.twilio.holds_of(&c).is_empty(),
        "C is never touched\n{}",
        w.dump()
    );
    w.check_invariants();
}
