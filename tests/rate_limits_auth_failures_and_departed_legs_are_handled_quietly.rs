//! SPEC §13 scenario 11, "429 burst, auth failure, departed leg":
//! (a) the first 3 `update-participant` calls get 429 → jittered retries → each write lands once;
//! (b) the token is missing or expired → 403 text → no retry, one auth notification, nothing
//! changes; (c) removing a leg that already left → 20404 → success, no error toast, the leg is
//! absent.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, Fault, LegState, Native, Setup, World, TOKEN, X_NUMBER};
use flex_conference::core::notification as note;

#[test]
fn a_burst_of_429s_is_retried_with_jittered_backoff_and_each_write_lands_once() {
    let (mut w, x) = World::three_party(Setup::default());
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.inject(Fault::http("update-participant", 429, Some(20429), 3));
    let before = w.log.requests.len();
    w.external_hangs_up(&x);
    w.settle();

    let writes: Vec<_> = w.log.requests[before..]
        .iter()
        .filter(|r| r.endpoint == "update-participant")
        .collect();
    assert_eq!(
        writes.iter().filter(|r| r.status == Some(429)).count(),
        3,
        "{}",
        w.dump()
    );
    for leg in [&a, &c] {
        let landed: Vec<_> = writes
            .iter()
            .filter(|r| r.ecoe_write() == Some((leg.as_str(), true)) && r.succeeded())
            .collect();
        assert_eq!(landed.len(), 1, "{} lands once\n{}", w.name(leg), w.dump());
    }
    // Every retry waits after the 429 it follows, within the policy's 3 s cap.
    for r in writes.iter().filter(|r| r.status == Some(429)) {
        let call = r.param("participant");
        let answered = r.answered_at.expect("answered");
        let next = writes
            .iter()
            .find(|q| q.param("participant") == call && q.sent_at >= answered)
            .unwrap_or_else(|| panic!("the 429 is retried\n{}", w.dump()));
        assert!(
            next.sent_at - answered <= 3_000,
            "backoff is capped\n{}",
            w.dump()
        );
    }
    assert!(
        w.log.notifications.is_empty(),
        "retried 429s are not errors\n{}",
        w.dump()
    );
    w.assert_final(&[(&a, true), (&c, true)], &[]);
    w.check_invariants();
}

#[test]
fn an_expired_login_answers_403_once_per_request_with_one_auth_notification_and_no_retry() {
    let mut w = World::two_party();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.set_token(None);
    assert!(w.agent_dials(Agent::A, X_NUMBER).accepted);
    w.run_for(120_000);

    assert!(
        w.log.requests.iter().all(|r| r.status == Some(403)),
        "{}",
        w.dump()
    );
    assert_eq!(
        w.log.to("add-participant").len(),
        1,
        "the create is not retried\n{}",
        w.dump()
    );
    for leg in [&a, &c] {
        assert!(
            w.log.ecoe_writes_to(leg).len() <= 1,
            "{} written at most once\n{}",
            w.name(leg),
            w.dump()
        );
    }
    assert_eq!(
        w.log.notification_ids(),
        vec![note::AUTH_EXPIRED],
        "exactly one notification, the auth one\n{}",
        w.dump()
    );
    assert!(w.legs_to(X_NUMBER).is_empty());
    assert!(w.view(Agent::A).connecting.is_empty());
    w.assert_final(&[(&a, true), (&c, true)], &[]);
    w.check_invariants();
}

#[test]
fn a_flag_write_refused_with_403_is_not_retried_until_the_login_is_renewed() {
    let (mut w, x) = World::three_party(Setup::default());
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.set_token(Some("expired-token"));
    let before = w.log.requests.len();
    w.external_hangs_up(&x);
    w.run_for(120_000);

    let after: Vec<_> = w.log.requests[before..].iter().collect();
    assert_eq!(
        after.len(),
        2,
        "one write per leg, not retried\n{}",
        w.dump()
    );
    assert!(after.iter().all(|r| r.status == Some(403)));
    assert_eq!(
        w.log.notification_ids(),
        vec![note::AUTH_EXPIRED],
        "{}",
        w.dump()
    );
    assert!(!w.leg(&a).ecoe && !w.leg(&c).ecoe, "unchanged");

    // The login is renewed; the next thing the agent does lets the writes through.
    w.set_token(Some(TOKEN));
    w.agent_mutes(Agent::A, &c, true);
    w.settle();
    w.assert_final(&[(&a, true), (&c, true)], &[]);
    w.check_invariants();
}

#[test]
fn removing_a_leg_that_already_left_is_a_quiet_success() {
    let (mut w, x) = World::three_party(Setup::default().event_delay(2_000));
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.external_hangs_up(&x);
    w.run_for(100);
    // A's Flex still shows X: A clicks Remove.
    let r = w.agent_clicks_remove(Agent::A, &x);
    assert_eq!(r.native, Native::Aborted, "{}", w.dump());
    w.settle();

    let removes = w.log.to("remove-participant");
    assert_eq!(removes.len(), 1, "{}", w.dump());
    assert_eq!(
        removes[0].status,
        Some(404),
        "Twilio answers 20404 for a departed leg"
    );
    assert!(
        w.log.notifications.is_empty(),
        "no error toast\n{}",
        w.dump()
    );
    assert_eq!(w.leg(&x).state, LegState::Left);
    w.assert_final(&[(&a, true), (&c, true)], &[]);
    w.check_invariants();
}
