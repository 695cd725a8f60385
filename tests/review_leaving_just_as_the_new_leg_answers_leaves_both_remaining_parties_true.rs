//! SPEC §12 C5/R3 and DESIGN §6 invariant 2, with Flex events lagging (event delay). X rings; the
//! agent hangs up and confirms "leave and keep the others connected" a moment after X answered but
//! before Flex shows X joined. X did join while the agent was still on the call, so the documented
//! "no reconciler when X answers later" limitation (SPEC §13 13a) does not apply: the engine can
//! learn X's state (its own status poll, or one more poll before releasing) and must leave C and X
//! both `true`, or X hanging up strands C alone (or vice versa).

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, ConfStatus, LegState, Setup, X_NUMBER};

#[test]
fn a_leg_that_answered_before_the_agent_left_ends_up_true_with_the_customer() {
    let mut w = Setup::default().event_delay(1_500).start();
    w.settle();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    assert!(w.agent_dials(Agent::A, X_NUMBER).accepted);
    w.run_for(3_000);
    let x = w.leg_to(X_NUMBER).call_sid.clone();
    w.external_answers(&x);
    // The agent's status poll can see X in progress; Flex still shows the connecting card.
    w.run_for(1_000);
    w.agent_hangs_up(Agent::A, true);
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
        "C must not be left alone once X hangs up\n{}",
        w.dump()
    );
}
