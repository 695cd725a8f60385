//! SPEC §13 scenario 4, "External hangs up (3→2)": A, C, X live, all false; X hangs up. A and C
//! are reconciled to true. Final: A and C both true; if A then hangs up the conference ends and C
//! drops.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, Setup, World};

fn after_x_leaves() -> World {
    let (mut w, x) = World::three_party(Setup::default());
    w.external_hangs_up(&x);
    w.settle();
    w
}

#[test]
fn when_x_hangs_up_agent_and_customer_are_reconciled_to_true() {
    let w = after_x_leaves();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.assert_final(&[(&a, true), (&c, true)], &[]);
    for leg in [&a, &c] {
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
    assert!(w.log.notifications.is_empty(), "{}", w.dump());
    w.check_invariants();
}

#[test]
fn then_if_the_agent_hangs_up_the_conference_ends_and_the_customer_drops() {
    let mut w = after_x_leaves();
    let a = w.agent_leg(Agent::A);
    w.agent_hangs_up(Agent::A, false);
    w.settle();
    assert!(w.log.hangups.iter().all(|h| h.allow), "{}", w.dump());
    w.assert_ended("participant-with-end-conference-on-exit-left", &a);
    w.check_invariants();
}
