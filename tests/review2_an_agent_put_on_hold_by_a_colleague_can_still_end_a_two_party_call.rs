//! SPEC §12 C5/C7, §7.4 and DESIGN §6 invariants 2 and 3, with the reconciler itself on hold.
//! A, C, X live (all `false`); B joins by internal transfer and puts A on hold (a native worker
//! hold). X hangs up, then B leaves: A (held) and C remain. A's own flag can't be written while A
//! is held (Twilio ignores flag updates on held legs). When A then hangs up, the guard must make
//! the call end with A — take A's leg off hold, or otherwise get A's flag `true` — rather than
//! hammer `update-participant` on a held leg until it times out and blocks the hang-up. C must not
//! be left alone on the line, and the agent must not be stuck.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, ConfStatus, LegState, Native, Setup, World};

#[test]
fn a_held_agent_hanging_up_after_the_others_left_ends_the_call_for_the_customer() {
    let (mut w, x) = World::three_party(Setup::default());
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.second_agent_joins_by_transfer();
    w.settle();
    let r = w.agent_clicks_hold(Agent::B, &a);
    assert!(matches!(r.native, Native::Ran(_)), "B holds A natively");
    w.settle();
    w.external_hangs_up(&x);
    w.settle();
    w.agent_hangs_up(Agent::B, false);
    w.settle();
    assert!(
        w.leg(&a).hold,
        "precondition: A is still held\n{}",
        w.dump()
    );

    let writes_before = w.log.ecoe_writes_to(&a).len();
    w.agent_hangs_up(Agent::A, false);
    w.settle();

    let writes = w.log.ecoe_writes_to(&a).len() - writes_before;
    assert!(
        writes <= 3,
        "{writes} flag writes on A's held leg during one hang-up: a write storm\n{}",
        w.dump()
    );
    assert!(
        w.log
            .hangups
            .last()
            .is_some_and(|h| h.agent == Agent::A && h.allow),
        "A's hang-up must go through\n{}",
        w.dump()
    );
    assert_eq!(
        w.twilio.status,
        ConfStatus::Completed,
        "A left a two-party call: it must end with A, not keep C alone\n{}",
        w.dump()
    );
    assert_eq!(w.leg(&c).state, LegState::Left);
    w.check_invariants();
}
