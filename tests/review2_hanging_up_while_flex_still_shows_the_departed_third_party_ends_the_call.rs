//! SPEC §13 scenario 4 ("X hangs up (3→2) … if A then hangs up → completed, C drops"), §12 C5 and
//! DESIGN §6 invariant 2, with Flex events delayed by 2 s. X hangs up; a second later, before Flex
//! shows X gone, the agent hangs up. The guard starts from Flex's stale roster (C and X stay on,
//! so "keep them connected") but learns on its first write to X that X is gone (20404). Only C is
//! left, so the plan must change to the two-party one: A leaves with `true` and the call ends, or
//! C is left alone on a dead line.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, ConfStatus, LegState, Setup, World};

#[test]
fn the_agent_leaving_just_after_the_third_party_ends_the_call_for_the_customer() {
    let (mut w, x) = World::three_party(Setup::default().event_delay(2_000));
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.external_hangs_up(&x);
    w.run_for(1_000);
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
        "only C was left: the call must end with A, not keep C alone on the line\n{}",
        w.dump()
    );
    assert_eq!(w.leg(&c).state, LegState::Left, "C drops with A");
    w.check_invariants();
}
