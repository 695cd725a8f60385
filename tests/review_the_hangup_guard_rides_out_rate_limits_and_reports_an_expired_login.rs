//! SPEC §8.5 (429 retried with jittered back-off; 403 never retried and shown as an auth error),
//! §12 C5 and U1, DESIGN §6 invariants 1 and 7, inside the hang-up guard. A, C, X live; A hangs up.
//! (a) A burst of 429s on the guard's flag writes is retried within the guard's deadline and the
//! hang-up goes on with C and X `true`. (b) A 403 (token expired) aborts the hang-up at once with
//! the auth notification and the failed-hang-up notification; once the token is renewed, a second
//! click goes through.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, Fault, LegState, Setup, World, TOKEN};
use flex_conference::core::notification as note;

#[test]
fn a_burst_of_rate_limits_during_the_guard_is_retried_and_the_hangup_goes_through() {
    let (mut w, x) = World::three_party(Setup::default());
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.inject(Fault::http("update-participant", 429, Some(20429), 4));
    let start = w.now;
    w.agent_hangs_up(Agent::A, false);
    w.settle();
    let answer = w.log.hangups.last().expect("the guard answered");
    assert!(answer.allow, "{}", w.dump());
    assert!(answer.at - start <= 8_000, "{}", w.dump());
    assert_eq!(w.leg(&a).state, LegState::Left);
    assert!(w.log.notifications.is_empty(), "{}", w.dump());
    w.assert_final(&[(&c, true), (&x, true)], &[]);
    w.check_invariants();
}

#[test]
fn an_expired_login_during_the_guard_blocks_the_hangup_and_says_so_then_a_retry_works() {
    let (mut w, x) = World::three_party(Setup::default());
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.set_token(Some("expired-token"));
    w.agent_hangs_up(Agent::A, false);
    w.run_for(2_000);
    let answer = w.log.hangups.last().expect("the guard answered").clone();
    assert!(!answer.allow, "{}", w.dump());
    let ids = w.log.notification_ids();
    assert!(ids.contains(&note::AUTH_EXPIRED), "{ids:?}\n{}", w.dump());
    assert!(ids.contains(&note::FAILED_HANGUP), "{ids:?}\n{}", w.dump());
    assert_eq!(w.leg(&a).state, LegState::Joined, "A stays on the call");
    let forbidden = w
        .log
        .requests
        .iter()
        .filter(|r| r.status == Some(403))
        .count();
    assert!(forbidden <= 3, "a 403 is never retried\n{}", w.dump());

    w.set_token(Some(TOKEN));
    w.agent_hangs_up(Agent::A, false);
    w.settle();
    assert!(
        w.log.hangups.last().is_some_and(|h| h.allow),
        "{}",
        w.dump()
    );
    w.assert_final(&[(&c, true), (&x, true)], &[]);
    w.check_invariants();
}
