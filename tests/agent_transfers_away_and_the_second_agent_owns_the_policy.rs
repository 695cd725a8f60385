//! SPEC §13 scenario 12, "Agent transfers away": A, C, X live; B joins through an internal
//! transfer (Flex gives B false); A leaves. A's browser writes nothing once A is gone and another
//! worker is live; the designated reconciler (B, now the only worker) owns the policy. Final: B,
//! C, X all false; after B leaves, C and X both true.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, LegState, Setup, World};

fn a_leaves_after_b_joined() -> (World, String, u64) {
    let (mut w, x) = World::three_party(Setup::default());
    let b = w.second_agent_joins_by_transfer();
    w.settle();
    assert!(!w.leg(&b).ecoe, "Flex gives the second agent false");
    assert!(
        w.view(Agent::A).reconciler,
        "A (lowest worker SID) reconciles while live"
    );
    assert!(!w.view(Agent::B).reconciler);
    w.agent_hangs_up(Agent::A, false);
    let left_at = w.now;
    w.settle();
    (w, x, left_at)
}

#[test]
fn the_departing_agent_is_let_go_at_once_and_its_browser_writes_nothing_afterwards() {
    let (w, x, left_at) = a_leaves_after_b_joined();
    let (a, b, c) = (
        w.agent_leg(Agent::A),
        w.agent_leg(Agent::B),
        w.customer.clone(),
    );
    let answers: Vec<_> = w
        .log
        .hangups
        .iter()
        .filter(|h| h.agent == Agent::A)
        .collect();
    assert_eq!(answers.len(), 1, "{}", w.dump());
    assert!(
        answers[0].allow,
        "another agent is live: nothing to guard\n{}",
        w.dump()
    );
    assert_eq!(w.leg(&a).state, LegState::Left);
    let late: Vec<_> = w
        .requests_of(Agent::A)
        .into_iter()
        .filter(|r| r.sent_at >= left_at)
        .collect();
    assert!(
        late.is_empty(),
        "A's browser wrote after A left: {late:?}\n{}",
        w.dump()
    );
    assert!(w.view(Agent::B).reconciler, "B now reconciles");
    w.assert_final(&[(&b, false), (&c, false), (&x, false)], &[]);
    w.check_invariants();
}

#[test]
fn after_the_second_agent_leaves_customer_and_external_are_both_true() {
    let (mut w, x, _) = a_leaves_after_b_joined();
    let c = w.customer.clone();
    w.agent_hangs_up(Agent::B, false);
    w.settle();
    let answer = w
        .log
        .hangups
        .iter()
        .rfind(|h| h.agent == Agent::B)
        .expect("B's guard answered");
    assert!(answer.allow, "{}", w.dump());
    w.assert_final(&[(&c, true), (&x, true)], &[]);
    w.check_invariants();
}
