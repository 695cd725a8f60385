//! SPEC §12 R1 (idempotent adds) and DESIGN §6 invariant 5 ("one add request creates at most one
//! outbound leg, whatever fails or is retried"), with the `get-participant` extension on and a
//! latency spike. Twilio commits the create but the response is lost (503); before the engine's
//! label lookup arrives, the new leg has already ended (the callee rejected it: `busy`). Twilio
//! shows ended legs as 20404, so the lookup finds nothing — that does not prove the create never
//! happened. The engine must not dial the callee a second time; it tells the agent instead.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::backend::Fault;
use common::{Agent, Setup, X_NUMBER};

#[test]
fn a_lost_create_whose_leg_was_already_rejected_is_reported_not_redialed() {
    let mut w = Setup::default().extensions(true).latency(4_000).start();
    w.settle();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.inject(Fault::commit_then_fail("add-participant", 503, 1));
    assert!(w.agent_dials(Agent::A, X_NUMBER).accepted);
    // The create reaches Twilio after half a round trip (2 s); X rejects it at once.
    w.run_for(2_500);
    let x = w.leg_to(X_NUMBER).call_sid.clone();
    w.external_busy(&x);
    w.settle();

    assert_eq!(
        w.legs_to(X_NUMBER).len(),
        1,
        "X rejected the call once; the engine must not ring X again for the same add\n{}",
        w.dump()
    );
    assert!(
        !w.notifications_of(Agent::A).is_empty(),
        "the agent must learn the add did not go through\n{}",
        w.dump()
    );
    w.assert_final(&[(&a, true), (&c, true)], &[]);
    w.check_invariants();
}
