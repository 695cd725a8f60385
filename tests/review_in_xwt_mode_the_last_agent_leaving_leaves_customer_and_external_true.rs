//! SPEC §12 C8 (native XWT parity: "updating customer and external legs alike"), C5 and DESIGN §6
//! invariants 1–2, in XWT mode. A, C and a native `external` leg X are live; the engine has set C
//! and X to `false` (three live parties). The agent's own leg is Flex-managed in XWT mode; here
//! Flex has made it `false` so the agent can leave (the harness does not model how Flex does
//! that, so the test sets it directly). When the last agent hangs up, nobody is left to
//! reconcile: before the hang-up goes on, C and X must be made `true`, so that once either of them
//! hangs up the other isn't left alone on the line.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, ConfStatus, LegState, Setup, X_NUMBER};

#[test]
fn after_the_agent_leaves_an_xwt_transfer_the_two_remaining_parties_end_together() {
    let mut w = Setup::default().xwt().start();
    w.settle();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    let x = w.native_xwt(X_NUMBER);
    w.run_for(3_000);
    w.external_answers(&x);
    w.settle();
    assert!(!w.leg(&c).ecoe && !w.leg(&x).ecoe, "{}", w.dump());
    let now = w.now;
    w.twilio.set_ecoe_directly(&a, false, now);
    w.settle();

    w.agent_hangs_up(Agent::A, false);
    w.settle();
    assert!(
        w.log.hangups.last().is_some_and(|h| h.allow),
        "{}",
        w.dump()
    );
    assert_eq!(w.leg(&a).state, LegState::Left);
    w.assert_final(&[(&c, true), (&x, true)], &[]);
    w.check_invariants();

    w.external_hangs_up(&x);
    w.settle();
    assert_eq!(
        w.twilio.status,
        ConfStatus::Completed,
        "C must not be left alone\n{}",
        w.dump()
    );
}
