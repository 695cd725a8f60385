//! SPEC §12 C1–C3/C5, §13 scenarios 1, 3, 4 and 6 chained, DESIGN §6 invariants 2–4 and 7. A long
//! call: A adds X (answers), holds C (`HoldCall`: C's flag confirmed `false` first), adds Y, Y's
//! call fails, X hangs up, then A hangs up. At every step the flags follow the roster; the failed
//! add is reported once; A ends up `true` with the held C (the C2 trade-off), so A's leaving ends
//! the conference and C is never left on hold with no agent.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, ConfStatus, Native, Setup, World, Y_NUMBER};
use flex_conference::core::notification as note;

#[test]
fn add_hold_add_fail_leave_and_hang_up_keep_every_flag_right() {
    let (mut w, x) = World::three_party(Setup::default());
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    let r = w.agent_clicks_hold_call(Agent::A);
    assert!(
        matches!(r.native, Native::Ran(_)),
        "C's flag is already false: the native hold runs"
    );
    w.settle();
    w.assert_final(&[(&a, false), (&c, false), (&x, false)], &[&c]);

    assert!(w.agent_dials(Agent::A, Y_NUMBER).accepted);
    w.run_for(2_000);
    let y = w.leg_to(Y_NUMBER).call_sid.clone();
    w.external_fails(&y);
    w.settle();
    assert_eq!(w.log.notifications_with(note::NOT_ANSWERED).len(), 1);
    assert!(w.view(Agent::A).connecting.is_empty());
    w.assert_final(&[(&a, false), (&c, false), (&x, false)], &[&c]);

    w.external_hangs_up(&x);
    w.settle();
    // Two parties, C held: A true, C stays false while held (C2 trade-off).
    w.assert_final(&[(&a, true), (&c, false)], &[&c]);
    assert!(!w.view(Agent::A).safe_to_leave);
    w.check_invariants();

    w.agent_hangs_up(Agent::A, false);
    w.settle();
    assert!(w.log.hangups.last().is_some_and(|h| h.allow));
    assert_eq!(w.twilio.status, ConfStatus::Completed, "{}", w.dump());
    w.check_invariants();
}
