//! SPEC §12 C1/R4 ("the newest desired value wins"), U4 and DESIGN §6 invariant 2, with Flex events
//! delayed by 2 s. X answers; a moment later, while Flex still shows the connecting card, the
//! agent removes it. The engine's own remove succeeds and it restores A and C to `true`. Flex then
//! catches up and shows X joined (a stale event) and only later X gone. The engine knows X is gone
//! (its remove succeeded): the stale roster must not arm the policy again and write A and C back to
//! `false`, which leaves a two-party call where neither hanging up ends it.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::twilio::Change;
use common::{Agent, LegState, Native, Setup, X_NUMBER};

#[test]
fn once_the_removed_leg_is_gone_a_and_c_stay_true_while_flex_catches_up() {
    let mut w = Setup::default().event_delay(2_000).start();
    w.settle();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    assert!(w.agent_dials(Agent::A, X_NUMBER).accepted);
    w.run_for(2_000);
    let x = w.leg_to(X_NUMBER).call_sid.clone();
    w.external_answers(&x);
    w.run_for(1_200);
    assert_eq!(
        w.view(Agent::A).connecting.len(),
        1,
        "precondition: Flex still shows the connecting card"
    );
    let r = w.agent_clicks_remove(Agent::A, &x);
    assert_eq!(r.native, Native::Aborted);
    w.settle();
    assert_eq!(w.leg(&x).state, LegState::Left);

    let x_left = w
        .twilio
        .history
        .iter()
        .find(|e| e.call_sid == x && matches!(e.change, Change::Left(_)))
        .map(|e| e.at)
        .expect("X left");
    let flipped_back: Vec<String> = w
        .twilio
        .history
        .iter()
        .filter(|e| e.at > x_left && (e.call_sid == a || e.call_sid == c))
        .filter(|e| matches!(e.change, Change::Ecoe(_, false)))
        .map(|e| format!("t+{} {}", e.at - common::T0, w.name(&e.call_sid)))
        .collect();
    assert!(
        flipped_back.is_empty(),
        "after X was gone the engine set {flipped_back:?} back to false\n{}",
        w.dump()
    );
    assert!(w.view(Agent::A).connecting.is_empty());
    w.assert_final(&[(&a, true), (&c, true)], &[]);
    w.check_invariants();
}
