//! SPEC §12 C5/C7, DESIGN §6 invariants 1–2: A hangs up a three-party call (A, C, X); while the
//! guard is setting C and X `true`, B joins through an internal transfer (Flex gives B `false`).
//! The hang-up goes on; B is now the only live worker and the designated reconciler, so with B,
//! C, X live every leg ends up `false` (anyone may leave), and after X leaves B and C are `true`.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, LegState, Setup, World};

#[test]
fn the_guard_finishes_and_the_second_agent_reconciles_the_call_it_joined() {
    let (mut w, x) = World::three_party(Setup::default().latency(400));
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.agent_hangs_up(Agent::A, false);
    w.run_for(100);
    let b = w.second_agent_joins_by_transfer();
    w.settle();
    assert!(
        w.log.hangups.iter().any(|h| h.agent == Agent::A && h.allow),
        "{}",
        w.dump()
    );
    assert_eq!(w.leg(&a).state, LegState::Left);
    assert!(w.view(Agent::B).reconciler, "{}", w.dump());
    w.assert_final(&[(&b, false), (&c, false), (&x, false)], &[]);
    w.check_invariants();

    w.external_hangs_up(&x);
    w.settle();
    w.assert_final(&[(&b, true), (&c, true)], &[]);
    w.check_invariants();
}
