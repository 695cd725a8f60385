//! DESIGN §6 invariant 2 and SPEC §13 scenario 4 ("X hangs up (3→2) … if A then hangs up →
//! completed, C drops"), with a realistic round trip: X hangs up, the engine starts writing A and
//! C back to `true`, and the agent hangs up before those writes have been answered. The hang-up
//! guard must not treat an in-flight write as done (SPEC §12 C4/C5: confirm before releasing):
//! A must leave with `true`, so the conference ends and C is not left alone on a dead line.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, ConfStatus, LegState, Setup, World, X_NUMBER};

fn hang_up_shortly_after(trigger: impl FnOnce(&mut World, &str)) -> World {
    let (mut w, x) = World::three_party(Setup::default().latency(600));
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    trigger(&mut w, &x);
    // The restore writes (A and C → true) are now in flight; the agent says goodbye quickly.
    w.run_for(200);
    assert!(
        !w.leg(&a).ecoe,
        "precondition: A's write true has not landed yet\n{}",
        w.dump()
    );
    w.agent_hangs_up(Agent::A, false);
    w.settle();

    assert!(
        w.log.hangups.last().is_some_and(|h| h.allow),
        "{}",
        w.dump()
    );
    assert_eq!(w.leg(&a).state, LegState::Left);
    assert_eq!(
        w.twilio.status,
        ConfStatus::Completed,
        "A left a two-party call: the conference must end with A, not keep C alone\n{}",
        w.dump()
    );
    assert_eq!(w.leg(&c).state, LegState::Left, "C drops with A");
    w.check_invariants();
    w
}

#[test]
fn the_agent_hanging_up_while_the_restore_writes_are_in_flight_ends_the_call_for_the_customer() {
    hang_up_shortly_after(|w, x| w.external_hangs_up(x));
}

#[test]
fn the_agent_hanging_up_right_after_removing_the_third_party_ends_the_call_for_the_customer() {
    let w = hang_up_shortly_after(|w, x| {
        let r = w.agent_clicks_remove(Agent::A, x);
        assert_eq!(r.native, common::Native::Aborted);
        // The remove reaches Twilio after half a round trip; the restore writes follow it.
        w.run_for(150);
    });
    assert!(
        w.legs_to(X_NUMBER)
            .iter()
            .all(|l| l.state == LegState::Left),
        "{}",
        w.dump()
    );
}
