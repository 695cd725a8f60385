//! SPEC §12 U2 and U6, as the engine feeds them to the UI: a leg's pending operations are listed
//! while their requests are in flight (so buttons can spin and refuse a second click), and
//! `safeToLeave` turns on once the agent's own flag is confirmed false with two others live.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, Setup, World, X_NUMBER};

#[test]
fn a_hold_in_flight_is_pending_on_its_leg_until_the_answer_arrives() {
    let (mut w, x) = World::three_party(Setup::default().latency(400));
    w.agent_clicks_hold(Agent::A, &x);
    let pending = |w: &World| {
        w.view(Agent::A)
            .participants
            .into_iter()
            .find(|p| p.call_sid == x)
            .map(|p| p.pending)
            .unwrap_or_default()
    };
    assert_eq!(pending(&w), ["hold"], "{}", w.dump());
    w.settle();
    assert!(pending(&w).is_empty(), "{}", w.dump());
    assert!(w.leg(&x).hold);
}

#[test]
fn safe_to_leave_is_on_from_dial_time_and_off_again_when_the_added_leg_goes() {
    let mut w = World::two_party();
    assert!(
        !w.view(Agent::A).safe_to_leave,
        "two parties: leaving ends the call"
    );
    w.agent_dials(Agent::A, X_NUMBER);
    w.run_for(2_000);
    let x = w.leg_to(X_NUMBER).call_sid.clone();
    assert!(
        w.view(Agent::A).safe_to_leave,
        "the agent's flag is confirmed false while X rings\n{}",
        w.dump()
    );
    w.external_answers(&x);
    w.settle();
    assert!(w.view(Agent::A).safe_to_leave, "{}", w.dump());
    w.external_hangs_up(&x);
    w.settle();
    assert!(!w.view(Agent::A).safe_to_leave, "{}", w.dump());
}
