//! SPEC §12 C1/C3 and DESIGN §6 invariant 2: X answers and hangs up a moment later (with and
//! without Flex lagging behind). The add's tracking ends, no "not answered" toast is shown (X did
//! answer), and A and C go back to `true` so either hanging up ends the call.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, Setup, X_NUMBER};
use flex_conference::core::notification as note;

fn answers_then_hangs_up(setup: Setup, after_ms: u64) {
    let mut w = setup.start();
    w.settle();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    assert!(w.agent_dials(Agent::A, X_NUMBER).accepted);
    w.run_for(3_000);
    let x = w.leg_to(X_NUMBER).call_sid.clone();
    w.external_answers(&x);
    w.run_for(after_ms);
    w.external_hangs_up(&x);
    w.settle();
    w.assert_final(&[(&a, true), (&c, true)], &[]);
    assert!(
        w.log.notifications_with(note::NOT_ANSWERED).is_empty(),
        "{}",
        w.dump()
    );
    assert!(w.view(Agent::A).connecting.is_empty(), "{}", w.dump());
    w.check_invariants();
}

#[test]
fn an_immediate_hang_up_after_answering_restores_a_and_c_to_true() {
    answers_then_hangs_up(Setup::default(), 0);
}

#[test]
fn a_hang_up_right_after_answering_with_flex_lagging_restores_a_and_c_to_true() {
    answers_then_hangs_up(Setup::default().event_delay(700), 200);
}
