//! SPEC §12 C1/C3 and DESIGN §6 invariant 2: A and C live, X ringing (A and C false); C hangs up
//! (C was false, so the call goes on with A and the ringing X). When X answers, A and X are a
//! two-party call and both become `true`; when X never answers and A hangs up, the conference
//! ends rather than leaving anything behind.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, ConfStatus, LegState, World, X_NUMBER};

fn customer_leaves_while_x_rings() -> (World, String) {
    let mut w = World::two_party();
    assert!(w.agent_dials(Agent::A, X_NUMBER).accepted);
    w.run_for(2_000);
    let x = w.leg_to(X_NUMBER).call_sid.clone();
    w.customer_hangs_up();
    w.run_for(500);
    assert_eq!(w.twilio.status, ConfStatus::InProgress, "{}", w.dump());
    assert_eq!(w.leg(&x).state, LegState::Ringing);
    (w, x)
}

#[test]
fn when_x_then_answers_agent_and_x_become_true() {
    let (mut w, x) = customer_leaves_while_x_rings();
    let a = w.agent_leg(Agent::A);
    w.external_answers(&x);
    w.settle();
    w.assert_final(&[(&a, true), (&x, true)], &[]);
    w.check_invariants();
    w.external_hangs_up(&x);
    w.settle();
    assert_eq!(w.twilio.status, ConfStatus::Completed, "{}", w.dump());
}

#[test]
fn when_the_agent_hangs_up_while_x_still_rings_the_conference_ends() {
    let (mut w, x) = customer_leaves_while_x_rings();
    w.agent_hangs_up(Agent::A, true);
    w.settle();
    assert!(w.log.hangups.iter().any(|h| h.allow), "{}", w.dump());
    assert_eq!(w.twilio.status, ConfStatus::Completed, "{}", w.dump());
    assert_eq!(w.leg(&x).state, LegState::Left, "{}", w.dump());
    w.check_invariants();
}
