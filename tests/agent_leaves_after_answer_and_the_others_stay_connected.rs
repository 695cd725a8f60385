//! SPEC §13 scenario 2, "External transfer": from scenario 1's final state (A, C, X live, all
//! false) A hangs up. The guard sets C and X to true and confirms, then releases the hang-up; A's
//! exit doesn't end the conference; A's browser then writes nothing. Final: in progress, C and X
//! joined, both true; when either later hangs up the conference ends
//! (`participant-with-end-conference-on-exit-left`) and the other drops.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, LegState, Setup, World};

/// Scenario 1's final state, then A hangs up and everything settles.
fn after_a_leaves() -> (World, String) {
    let (mut w, x) = World::three_party(Setup::default());
    w.agent_hangs_up(Agent::A, false);
    w.settle();
    (w, x)
}

#[test]
fn the_guard_sets_customer_and_external_true_and_confirms_before_releasing_the_hangup() {
    let (w, x) = after_a_leaves();
    let c = w.customer.clone();
    let answers: Vec<_> = w
        .log
        .hangups
        .iter()
        .filter(|h| h.agent == Agent::A)
        .collect();
    assert_eq!(answers.len(), 1, "{}", w.dump());
    assert!(answers[0].allow, "the hang-up is released\n{}", w.dump());
    let released = answers[0].at;
    for leg in [&c, &x] {
        let writes: Vec<_> = w
            .log
            .requests
            .iter()
            .filter(|r| r.ecoe_write() == Some((leg.as_str(), true)))
            .collect();
        assert_eq!(
            writes.len(),
            1,
            "{} set true once\n{}",
            w.name(leg),
            w.dump()
        );
        assert!(
            writes[0].succeeded() && writes[0].answered_at.is_some_and(|t| t <= released),
            "{} confirmed true before the hang-up was released\n{}",
            w.name(leg),
            w.dump()
        );
    }
}

#[test]
fn the_conference_survives_the_agents_exit_and_the_departed_browser_writes_nothing_more() {
    let (w, x) = after_a_leaves();
    let a = w.agent_leg(Agent::A);
    assert_eq!(w.leg(&a).state, LegState::Left);
    assert!(
        !w.leg(&a).ecoe,
        "A left with false, so the conference goes on"
    );
    w.assert_final(&[(&w.customer, true), (&x, true)], &[]);
    let released = w.log.hangups[0].at;
    let later: Vec<_> = w
        .requests_of(Agent::A)
        .into_iter()
        .filter(|r| r.sent_at > released)
        .collect();
    assert!(
        later.is_empty(),
        "A's browser sent {later:?} after leaving\n{}",
        w.dump()
    );
    assert!(w.log.notifications.is_empty(), "{}", w.dump());
    w.check_invariants();
}

#[test]
fn when_the_customer_later_hangs_up_the_conference_ends_and_x_drops() {
    let (mut w, x) = after_a_leaves();
    w.customer_hangs_up();
    w.settle();
    let c = w.customer.clone();
    w.assert_ended("participant-with-end-conference-on-exit-left", &c);
    assert_eq!(w.leg(&x).call_status, "completed");
    w.check_invariants();
}

#[test]
fn when_x_later_hangs_up_the_conference_ends_and_the_customer_drops() {
    let (mut w, x) = after_a_leaves();
    w.external_hangs_up(&x);
    w.settle();
    w.assert_ended("participant-with-end-conference-on-exit-left", &x);
    w.check_invariants();
}
