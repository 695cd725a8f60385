//! SPEC §13 scenario 17, "Double submit / double click": Dial pressed twice quickly and Hold on X
//! clicked twice. One `add-participant`, one `hold-participant`; no pending-invocation exception
//! escapes (the second click is refused and its native action aborted). Final: one X leg, held.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, Native, World, X_NUMBER};
use flex_conference::core::ErrorCode;

#[test]
fn pressing_dial_twice_creates_one_leg_and_clicking_hold_twice_sends_one_hold() {
    let mut w = World::two_party();
    let first = w.agent_dials(Agent::A, X_NUMBER);
    w.run_for(10);
    let second = w.agent_dials(Agent::A, X_NUMBER);
    assert!(first.accepted, "{first:?}");
    assert!(!second.accepted, "{second:?}");
    assert_eq!(second.error.map(|e| e.code), Some(ErrorCode::InProgress));
    w.run_for(3_000);
    let x = w.leg_to(X_NUMBER).call_sid.clone();
    w.external_answers(&x);
    w.settle();

    let one = w.agent_clicks_hold(Agent::A, &x);
    let two = w.agent_clicks_hold(Agent::A, &x);
    w.settle();
    assert_eq!(one.native, Native::Aborted);
    assert_eq!(
        two.native,
        Native::Aborted,
        "the second click must not reach Flex's routing"
    );
    let o = two.outcome.expect("answered");
    assert!(!o.accepted && o.abort_native, "{o:?}");
    assert_eq!(o.error.map(|e| e.code), Some(ErrorCode::InProgress));

    assert_eq!(w.log.to("add-participant").len(), 1, "{}", w.dump());
    assert_eq!(w.log.to("hold-participant").len(), 1, "{}", w.dump());
    assert_eq!(w.legs_to(X_NUMBER).len(), 1);
    assert!(w.leg(&x).hold, "X is held\n{}", w.dump());
    assert!(
        w.twilio.holds_of(&w.customer).is_empty(),
        "C never held\n{}",
        w.dump()
    );
    w.check_invariants();
}
