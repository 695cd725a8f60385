//! SPEC §13 scenario 16, "Plugin loads or canvas remounts mid-call": A, C, X live with C stale
//! at true. When the monitor starts, its first evaluation writes (or reads, then writes) every
//! leg whose confirmed value is unknown; no edge history is needed. Final: all false.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, Kind, Setup, CALLER_ID, X_NUMBER};

#[test]
fn the_first_evaluation_after_loading_sets_every_leg_of_a_three_party_call_false() {
    let mut w = Setup::default().detached().start();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    let now = w.now;
    let x = w
        .twilio
        .add_joined(Kind::Unknown, false, X_NUMBER, CALLER_ID, now);
    w.twilio.set_ecoe_directly(&a, false, now);
    assert!(w.leg(&c).ecoe, "C is stale at true");

    w.run_for(60_000);
    w.attach(Agent::A);
    w.settle();

    w.assert_final(&[(&a, false), (&c, false), (&x, false)], &[]);
    let c_writes = w.log.ecoe_writes_to(&c);
    assert_eq!(c_writes, vec![(false, Some(200))], "{}", w.dump());
    w.check_invariants();
}

#[test]
fn a_remount_with_a_held_customer_keeps_it_false_and_does_not_fight_the_hold() {
    let mut w = Setup::default().detached().start();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    let now = w.now;
    let x = w
        .twilio
        .add_joined(Kind::Unknown, false, X_NUMBER, CALLER_ID, now);
    w.twilio.set_ecoe_directly(&a, false, now);
    w.twilio.set_ecoe_directly(&c, false, now);
    w.twilio.update_hold(&c, true, now).expect("C can be held");
    w.attach(Agent::A);
    w.settle();
    w.assert_final(&[(&a, false), (&c, false), (&x, false)], &[&c]);
    assert_eq!(
        w.twilio.holds_of(&c),
        vec![true],
        "C stays held\n{}",
        w.dump()
    );
    w.check_invariants();
}

/// A, C, X live; C stale at true and held before the plugin loaded (its flag can't be written
/// while held: Twilio would ignore it).
fn stale_held_customer(setup: Setup) -> (common::World, String) {
    let mut w = setup.detached().start();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    let now = w.now;
    let x = w
        .twilio
        .add_joined(Kind::Unknown, false, X_NUMBER, CALLER_ID, now);
    w.twilio.set_ecoe_directly(&a, false, now);
    w.twilio.update_hold(&c, true, now).expect("C can be held");
    w.attach(Agent::A);
    w.settle();
    (w, x)
}

#[test]
fn a_customer_held_before_loading_is_written_the_moment_it_is_unheld() {
    let (mut w, x) = stale_held_customer(Setup::default());
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    assert!(
        w.log.ecoe_writes_to(&c).is_empty(),
        "no write on a held leg without the workaround (it would be ignored)\n{}",
        w.dump()
    );
    w.agent_clicks_hold_call(Agent::A);
    w.agent_clicks_unhold_call(Agent::A);
    w.settle();
    w.assert_final(&[(&a, false), (&c, false), (&x, false)], &[]);
    w.check_invariants();
}

#[test]
fn with_the_hold_workaround_a_customer_held_before_loading_is_unheld_written_and_reheld() {
    let (w, x) = stale_held_customer(Setup::default().hold_workaround());
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.assert_final(&[(&a, false), (&c, false), (&x, false)], &[&c]);
    assert_eq!(
        w.twilio.holds_of(&c),
        vec![true, false, true],
        "unhold, write, re-hold\n{}",
        w.dump()
    );
    assert!(
        !w.twilio
            .history
            .iter()
            .any(|e| e.call_sid == c && matches!(e.change, common::twilio::Change::EcoeIgnored(_))),
        "the write landed while C was unheld\n{}",
        w.dump()
    );
    w.check_invariants();
}

#[test]
fn a_browser_reload_in_a_three_party_call_keeps_the_policy_going() {
    let (mut w, x) = common::World::three_party(Setup::default().extensions(true));
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.run_for(5_000);
    w.attach(Agent::A);
    w.settle();
    w.assert_final(&[(&a, false), (&c, false), (&x, false)], &[]);
    w.external_hangs_up(&x);
    w.settle();
    w.assert_final(&[(&a, true), (&c, true)], &[]);
    w.check_invariants();
}
