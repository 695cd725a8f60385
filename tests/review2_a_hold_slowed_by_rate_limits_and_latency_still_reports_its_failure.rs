//! SPEC §8.5 (429 retried with capped back-off), §12 U1/U2 and DESIGN §6 invariant 7 ("every
//! failed user operation reaches the agent as a notification"). A, C, X live; the agent holds X
//! while the backend is slow (6 s round trips) and answers every `hold-participant` with 429. The
//! engine retries, and when it gives up the agent must be told — even though the retries took
//! longer than the engine's own bookkeeping window for the operation. The leg's `pending` list
//! must show the hold until that point, then clear.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::backend::Fault;
use common::{Agent, Native, Setup, World};
use flex_conference::core::notification as note;

#[test]
fn a_hold_that_keeps_getting_429_under_high_latency_ends_with_a_hold_failed_notification() {
    let (mut w, x) = World::three_party(Setup::default().latency(6_000));
    w.inject(Fault::http("hold-participant", 429, Some(20429), 7));
    let r = w.agent_clicks_hold(Agent::A, &x);
    assert_eq!(r.native, Native::Aborted);
    w.settle();

    assert!(!w.leg(&x).hold, "{}", w.dump());
    assert_eq!(
        w.log.notifications_with(note::HOLD_FAILED).len(),
        1,
        "the failed hold must reach the agent once\n{}",
        w.dump()
    );
    assert!(
        w.view(Agent::A)
            .participants
            .iter()
            .all(|p| p.pending.is_empty()),
        "{:?}",
        w.view(Agent::A)
    );
    w.check_invariants();
}
