//! SPEC §13 scenario 14, "Two agents present": A, B, C, X live; X leaves, then B leaves. Exactly
//! one browser writes; no duplicate writes per (callSid, value). Final: A and C both true.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, Setup, World};

#[test]
fn with_two_agents_only_the_lowest_worker_sid_writes_and_a_and_c_end_up_true() {
    let (mut w, x) = World::three_party(Setup::default());
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.second_agent_joins_by_transfer();
    w.settle();
    w.external_hangs_up(&x);
    w.settle();
    w.agent_hangs_up(Agent::B, false);
    w.settle();

    let b_answer = w
        .log
        .hangups
        .iter()
        .find(|h| h.agent == Agent::B)
        .expect("B's guard answered");
    assert!(b_answer.allow, "{}", w.dump());
    let b_writes: Vec<_> = w
        .requests_of(Agent::B)
        .into_iter()
        .filter(|r| r.endpoint == "update-participant")
        .collect();
    assert!(
        b_writes.is_empty(),
        "only one browser (A's) writes: B sent {b_writes:?}\n{}",
        w.dump()
    );
    w.assert_final(&[(&a, true), (&c, true)], &[]);
    // check_invariants covers "no duplicate writes per (callSid, value)".
    w.check_invariants();
}

#[test]
fn when_the_reconciling_agent_leaves_after_x_the_customer_is_not_left_alone_when_the_other_agent_leaves(
) {
    // The mirror of scenario 14: X leaves, then A (the reconciler, whose browser wrote B and C
    // false during the add) leaves; B now owns the policy. When B hangs up, the conference must
    // end rather than leave C alone on a line nobody else is on (DESIGN §6 invariant 2).
    let (mut w, x) = World::three_party(Setup::default());
    let c = w.customer.clone();
    let b = w.second_agent_joins_by_transfer();
    w.settle();
    w.external_hangs_up(&x);
    w.settle();
    w.agent_hangs_up(Agent::A, false);
    w.settle();
    assert!(w.view(Agent::B).reconciler, "B owns the policy now");
    w.agent_hangs_up(Agent::B, false);
    w.settle();
    assert!(w.log.hangups.iter().all(|h| h.allow), "{}", w.dump());
    assert_eq!(w.leg(&b).state, common::LegState::Left);
    assert_eq!(
        w.twilio.status,
        common::ConfStatus::Completed,
        "C must not be left alone once the last agent is gone\n{}",
        w.dump()
    );
    assert_eq!(w.leg(&c).state, common::LegState::Left);
    w.check_invariants();
}
