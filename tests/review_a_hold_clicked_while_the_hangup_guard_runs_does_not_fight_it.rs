//! SPEC §12 C5/R4/U2 and DESIGN §6 invariants 1, 3, 7: A hangs up a three-party call (A, C, X) and,
//! while the guard is making C and X `true`, clicks Hold on X. The two operations want opposite
//! flags on the same leg; the engine must not ping-pong writes between them until the guard times
//! out or undoing each other. Either the hold is refused while the guard runs (`in_progress`) and the hang-up goes on
//! with C and X unheld and `true`, or the hang-up is refused and the agent stays — but never a
//! stream of flag flips and never a held party with no agent.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, Setup, World};

#[test]
fn a_hold_during_the_guard_neither_flips_the_flag_back_and_forth_nor_blocks_the_hangup() {
    let (mut w, x) = World::three_party(Setup::default().latency(400));
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    let start = w.now;
    w.agent_hangs_up(Agent::A, false);
    w.run_for(100);
    w.agent_clicks_hold(Agent::A, &x);
    w.run_for(20_000);

    let flipped_back: Vec<_> = w
        .log
        .requests
        .iter()
        .filter(|r| r.sent_at >= start && r.ecoe_write() == Some((x.as_str(), false)))
        .collect();
    assert!(
        flipped_back.is_empty(),
        "while the guard makes X true, the hold must not write X back to false\n{}",
        w.dump()
    );
    let answer = w.log.hangups.last().expect("the guard answered");
    assert!(
        answer.allow,
        "the hang-up the agent asked for first goes on\n{}",
        w.dump()
    );
    assert!(w.twilio.find(&a).is_some_and(|l| !l.is_joined()));
    w.assert_final(&[(&c, true), (&x, true)], &[]);
    w.check_invariants();
}
