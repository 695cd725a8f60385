//! SPEC §13 scenario 15, "XWT mode": Flex's `external-warm-transfers` flag is on; A and C live;
//! X added natively as `external`. No "+" (adding is refused); worker legs are never written; C
//! and X false while three are live; when X leaves C is set true (no stranding); removing C goes
//! through `remove-participant`. Final: A and C live, C true (A's flag is Flex's).

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, Native, Setup, World, X_NUMBER};
use flex_conference::core::ErrorCode;

fn xwt_three_party() -> (World, String) {
    let mut w = Setup::default().xwt().start();
    w.settle();
    let x = w.native_xwt(X_NUMBER);
    w.run_for(3_000);
    w.external_answers(&x);
    w.settle();
    (w, x)
}

#[test]
fn adding_through_the_feature_is_refused_in_xwt_mode() {
    let mut w = Setup::default().xwt().start();
    w.settle();
    let o = w.agent_dials(Agent::A, X_NUMBER);
    assert!(!o.accepted, "{o:?}");
    assert_eq!(o.error.map(|e| e.code), Some(ErrorCode::NotAvailable));
    w.settle();
    assert!(w.log.requests.is_empty(), "{}", w.dump());
}

#[test]
fn customer_and_external_are_false_while_three_are_live_and_workers_are_never_written() {
    let (w, x) = xwt_three_party();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.assert_final(&[(&a, true), (&c, false), (&x, false)], &[]);
    assert!(
        w.log.ecoe_writes_to(&a).is_empty(),
        "the worker leg is Flex's\n{}",
        w.dump()
    );
    assert!(
        w.log.ecoe_writes_to(&x).iter().all(|(v, _)| !v),
        "X is never written true while three are live\n{}",
        w.dump()
    );
    w.check_invariants();
}

#[test]
fn when_the_external_leg_leaves_the_customer_is_set_true_and_not_stranded() {
    let (mut w, x) = xwt_three_party();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.external_hangs_up(&x);
    w.settle();
    w.assert_final(&[(&a, true), (&c, true)], &[]);
    assert!(w.log.ecoe_writes_to(&a).is_empty(), "{}", w.dump());
    w.check_invariants();
}

#[test]
fn removing_the_customer_in_xwt_mode_goes_through_remove_participant() {
    let (mut w, x) = xwt_three_party();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    let r = w.agent_clicks_remove(Agent::A, &c);
    w.settle();
    assert_eq!(r.native, Native::Aborted, "{}", w.dump());
    let removes = w.log.to("remove-participant");
    assert_eq!(removes.len(), 1, "{}", w.dump());
    assert_eq!(removes[0].param("participant"), Some(c.as_str()));
    assert!(w.log.ecoe_writes_to(&a).is_empty(), "{}", w.dump());
    assert!(
        w.twilio.find(&x).is_some_and(common::Leg::is_joined),
        "{}",
        w.dump()
    );
    w.check_invariants();
}
