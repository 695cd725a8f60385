//! SPEC §7.3/§12 R5 (the hold workaround, `hold_workaround: true`), §12 C1 ("write only where
//! desired ≠ confirmed, with capped backoff") and U1. A customer was held before the plugin loaded
//! with its flag stale at `true` while a third party is live, so the workaround runs: unhold →
//! write → re-hold. When a step keeps failing the engine must back off (every cycle takes the
//! customer off hold, so they hear the consultation) and tell the agent once per failure streak,
//! not flood them with toasts.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, Fault, Kind, Setup, World, CALLER_ID, X_NUMBER};
use flex_conference::core::notification as note;

/// A, C, X live; A and X false; C held with a stale `true`; the plugin loads with the workaround.
fn stale_held_customer(fault_on_customer: impl FnOnce(&str) -> Fault) -> World {
    let mut w = Setup::default().hold_workaround().detached().start();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    let now = w.now;
    w.twilio
        .add_joined(Kind::Unknown, false, X_NUMBER, CALLER_ID, now);
    w.twilio.set_ecoe_directly(&a, false, now);
    w.twilio.update_hold(&c, true, now).expect("C can be held");
    w.inject(fault_on_customer(&c));
    w.attach(Agent::A);
    w.run_for(60_000);
    w
}

fn unholds_of(w: &World, c: &str) -> usize {
    w.log
        .requests
        .iter()
        .filter(|r| {
            r.endpoint == "hold-participant"
                && r.param("participant") == Some(c)
                && r.param("hold") == Some("false")
        })
        .count()
}

#[test]
fn when_the_workaround_write_keeps_failing_the_customer_is_not_unheld_over_and_over() {
    let w = stale_held_customer(|c| {
        Fault::http("update-participant", 500, Some(20500), 100_000).when("participant", c)
    });
    let c = w.customer.clone();
    let unholds = unholds_of(&w, &c);
    assert!(
        unholds <= 8,
        "the workaround took C off hold {unholds} times in one minute (no back-off between cycles)\n{}",
        w.dump()
    );
    assert!(w.leg(&c).hold, "C ends up held\n{}", w.dump());
    let toasts = w.log.notifications_with(note::FLAG_UPDATE_FAILED).len();
    assert_eq!(
        toasts,
        1,
        "one notification per failure streak\n{}",
        w.dump()
    );
    w.check_invariants();
}

#[test]
fn when_the_workaround_unhold_keeps_failing_the_agent_is_told_once_not_every_few_seconds() {
    let w = stale_held_customer(|c| {
        Fault::http("hold-participant", 500, Some(20500), 100_000).when("participant", c)
    });
    let c = w.customer.clone();
    let toasts = w.log.notifications_with(note::FLAG_UPDATE_FAILED).len();
    assert_eq!(
        toasts,
        1,
        "one notification per failure streak, got {toasts} in a minute\n{}",
        w.dump()
    );
    let unholds = unholds_of(&w, &c);
    assert!(
        unholds <= 8,
        "{unholds} unhold attempts in one minute: the retries must back off\n{}",
        w.dump()
    );
    assert!(w.leg(&c).hold, "C stays held\n{}", w.dump());
    w.check_invariants();
}
