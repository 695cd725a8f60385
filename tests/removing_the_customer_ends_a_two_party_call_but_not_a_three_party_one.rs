//! SPEC §13 scenario 8, "Remove the customer": (a) two-party A, C, both true: A removes C →
//! `remove-participant` by C's call SID; final: completed,
//! `participant-with-end-conference-on-exit-kicked`. (b) A, C, X, all false: A removes C; final:
//! in progress, A and X both true.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, Native, Setup, World};

#[test]
fn removing_the_customer_of_a_two_party_call_kicks_it_through_rest_and_ends_the_conference() {
    let mut w = World::two_party();
    let c = w.customer.clone();
    let r = w.agent_clicks_remove(Agent::A, &c);
    w.settle();
    assert_eq!(
        r.native,
        Native::Aborted,
        "Flex can't remove the customer natively\n{}",
        w.dump()
    );
    let removes = w.log.to("remove-participant");
    assert_eq!(removes.len(), 1, "{}", w.dump());
    assert_eq!(removes[0].param("participant"), Some(c.as_str()));
    w.assert_ended("participant-with-end-conference-on-exit-kicked", &c);
    assert!(w.log.notifications.is_empty(), "{}", w.dump());
    w.check_invariants();
}

#[test]
fn removing_the_customer_of_a_three_party_call_keeps_it_going_with_agent_and_external_true() {
    let (mut w, x) = World::three_party(Setup::default());
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    let r = w.agent_clicks_remove(Agent::A, &c);
    w.settle();
    assert_eq!(r.native, Native::Aborted, "{}", w.dump());
    assert_eq!(w.log.to("remove-participant").len(), 1, "{}", w.dump());
    w.assert_final(&[(&a, true), (&x, true)], &[]);
    w.check_invariants();
}
