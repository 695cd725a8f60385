//! SPEC §13 scenario 5, "Customer hangs up (3→2)": A, C, X live, all false; C hangs up. A and X
//! are reconciled to true. Final: A and X both true; if A then hangs up the conference ends and X
//! drops.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, Setup, World};

fn after_c_leaves() -> (World, String) {
    let (mut w, x) = World::three_party(Setup::default());
    w.customer_hangs_up();
    w.settle();
    (w, x)
}

#[test]
fn when_the_customer_hangs_up_agent_and_external_are_reconciled_to_true() {
    let (w, x) = after_c_leaves();
    let a = w.agent_leg(Agent::A);
    w.assert_final(&[(&a, true), (&x, true)], &[]);
    for leg in [&a, &x] {
        let trues: Vec<_> = w
            .log
            .ecoe_writes_to(leg)
            .into_iter()
            .filter(|(v, _)| *v)
            .collect();
        assert_eq!(
            trues,
            vec![(true, Some(200))],
            "{} set true once\n{}",
            w.name(leg),
            w.dump()
        );
    }
    w.check_invariants();
}

#[test]
fn then_if_the_agent_hangs_up_the_conference_ends_and_x_drops() {
    let (mut w, x) = after_c_leaves();
    let a = w.agent_leg(Agent::A);
    w.agent_hangs_up(Agent::A, false);
    w.settle();
    w.assert_ended("participant-with-end-conference-on-exit-left", &a);
    assert_eq!(w.leg(&x).call_status, "completed");
    w.check_invariants();
}
