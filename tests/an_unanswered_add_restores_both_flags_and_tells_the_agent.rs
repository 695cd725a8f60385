//! SPEC §13 scenario 3, "Add, not answered": A and C are live; A dials X and X ends `no-answer`
//! (and again with `busy`, `failed`). The card disappears within the polling cap; no ghost
//! participant; A and C are restored to true; a "not answered" notification. Final: in progress,
//! A and C joined, both true.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, World, X_NUMBER};
use flex_conference::core::notification as note;

fn unanswered(status: &'static str) {
    let mut w = World::two_party();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    assert!(w.agent_dials(Agent::A, X_NUMBER).accepted);
    w.run_for(4_000);
    let x = w.leg_to(X_NUMBER).call_sid.clone();
    assert!(
        !w.leg(&a).ecoe && !w.leg(&c).ecoe,
        "flipped at dial time\n{}",
        w.dump()
    );
    let ended_at = w.now;
    match status {
        "busy" => w.external_busy(&x),
        "failed" => w.external_fails(&x),
        _ => w.external_no_answer(&x),
    }
    w.settle();

    let shown = w.log.notifications_with(note::NOT_ANSWERED);
    assert_eq!(
        shown.len(),
        1,
        "one not-answered notification ({status})\n{}",
        w.dump()
    );
    assert_eq!(shown[0].context["status"], status, "{}", w.dump());
    assert_eq!(shown[0].context["destination"], X_NUMBER);
    let poll_max = w.engine_config(Agent::A)["poll_max_ms"]
        .as_u64()
        .unwrap_or(5_000);
    assert!(
        shown[0].at <= ended_at + poll_max + w.setup.latency_ms,
        "the card goes within one polling interval of the leg ending\n{}",
        w.dump()
    );
    assert!(w.view(Agent::A).connecting.is_empty(), "the card is gone");
    let flex_lists_x = w.snapshot_json(Agent::A)["conference"]["participants"]
        .as_array()
        .is_some_and(|ps| ps.iter().any(|p| p["callSid"] == x.as_str()));
    assert!(!flex_lists_x, "no ghost participant");
    w.assert_final(&[(&a, true), (&c, true)], &[]);
    assert!(
        w.log.ecoe_writes_to(&x).is_empty(),
        "the ringing leg is never written\n{}",
        w.dump()
    );
    w.check_invariants();
}

#[test]
fn a_no_answer_removes_the_card_restores_both_flags_and_notifies() {
    unanswered("no-answer");
}

#[test]
fn a_busy_destination_removes_the_card_restores_both_flags_and_notifies() {
    unanswered("busy");
}

#[test]
fn a_failed_call_removes_the_card_restores_both_flags_and_notifies() {
    unanswered("failed");
}

#[test]
fn a_destination_nobody_answers_is_given_up_within_the_ring_timeout_plus_margin() {
    let mut w = World::two_party();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    let dialed = w.now;
    assert!(w.agent_dials(Agent::A, X_NUMBER).accepted);
    w.settle();
    let x = w.leg_to(X_NUMBER);
    assert_eq!(
        x.call_status, "no-answer",
        "Twilio gave up on its own ring timeout"
    );
    let shown = w.log.notifications_with(note::NOT_ANSWERED);
    assert_eq!(shown.len(), 1, "{}", w.dump());
    let cap = w.engine_config(Agent::A)["ring_timeout_ms"]
        .as_u64()
        .unwrap_or(60_000)
        + 15_000;
    assert!(
        shown[0].at <= dialed + cap,
        "tracking ends within the polling cap\n{}",
        w.dump()
    );
    w.assert_final(&[(&a, true), (&c, true)], &[]);
    w.check_invariants();
}
