//! SPEC §13 scenario 7, "Hold, unhold, remove an `unknown` leg": A, C, X live; A holds X,
//! unholds X, then removes X (confirming). `hold-participant` (`hold=true`, then `false`) and
//! `remove-participant`, all by X's call SID; the native actions are aborted ("cancelled by
//! before event", swallowed) and nothing shows as an error; C is never held (Flex's routing would
//! hold C if interception failed); after the removal A and C are reconciled to true. Final: A and
//! C joined, both true; X gone (a fetch answers 20404).

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, LegState, Native, Setup, World};

#[test]
fn hold_unhold_and_remove_go_through_rest_by_call_sid_and_the_native_actions_are_aborted() {
    let (mut w, x) = World::three_party(Setup::default());
    let before = w.log.requests.len();

    let hold = w.agent_clicks_hold(Agent::A, &x);
    w.settle();
    assert!(w.leg(&x).hold, "X is held\n{}", w.dump());
    let unhold = w.agent_clicks_unhold(Agent::A, &x);
    w.settle();
    assert!(!w.leg(&x).hold, "X is unheld\n{}", w.dump());
    let remove = w.agent_clicks_remove(Agent::A, &x);
    w.settle();

    for (name, r) in [("hold", &hold), ("unhold", &unhold), ("remove", &remove)] {
        let o = r.outcome.as_ref().expect("the before-listener answered");
        assert!(o.accepted && o.abort_native, "{name}: {o:?}");
        assert_eq!(
            r.native,
            Native::Aborted,
            "{name}: the native action must not run"
        );
    }
    let ops: Vec<(String, Option<String>)> = w.log.requests[before..]
        .iter()
        .filter(|r| r.endpoint != "update-participant")
        .map(|r| (r.endpoint.clone(), r.param("hold").map(str::to_owned)))
        .collect();
    assert_eq!(
        ops,
        vec![
            ("hold-participant".to_owned(), Some("true".to_owned())),
            ("hold-participant".to_owned(), Some("false".to_owned())),
            ("remove-participant".to_owned(), None),
        ],
        "{}",
        w.dump()
    );
    assert!(
        w.log.requests[before..]
            .iter()
            .filter(|r| r.endpoint != "update-participant")
            .all(|r| r.param("participant") == Some(x.as_str())),
        "every operation names X by call SID\n{}",
        w.dump()
    );
    assert!(
        w.log.notifications.is_empty(),
        "nothing is shown as an error\n{}",
        w.dump()
    );
}

#[test]
fn the_customer_is_never_held_and_after_the_removal_agent_and_customer_are_true() {
    let (mut w, x) = World::three_party(Setup::default());
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.agent_clicks_hold(Agent::A, &x);
    w.settle();
    w.agent_clicks_unhold(Agent::A, &x);
    w.settle();
    w.agent_clicks_remove(Agent::A, &x);
    w.settle();

    assert!(
        w.twilio.holds_of(&c).is_empty(),
        "C is never held\n{}",
        w.dump()
    );
    assert!(
        w.twilio.holds_of(&a).is_empty(),
        "A is never held\n{}",
        w.dump()
    );
    assert_eq!(w.twilio.holds_of(&x), vec![true, false]);
    assert_eq!(w.leg(&x).state, LegState::Left);
    let fetch = w.twilio.participant(&x).err().map(|e| e.code);
    assert_eq!(fetch, Some(20404), "a removed leg is gone");
    w.assert_final(&[(&a, true), (&c, true)], &[]);
    w.check_invariants();
}

#[test]
fn a_held_added_leg_that_flex_retypes_as_customer_is_still_unheld_through_rest() {
    let (mut w, x) = World::three_party(Setup::default().retype_held_unknown());
    let c = w.customer.clone();
    w.agent_clicks_hold(Agent::A, &x);
    w.settle();
    assert!(w.leg(&x).hold, "{}", w.dump());
    assert_eq!(
        w.shown_type(&x),
        "customer",
        "Flex now shows X as a customer"
    );

    let unhold = w.agent_clicks_unhold(Agent::A, &x);
    w.settle();
    assert!(!w.leg(&x).hold, "X must come off hold\n{}", w.dump());
    assert_eq!(
        unhold.native,
        Native::Aborted,
        "Flex's routing would act on C\n{}",
        w.dump()
    );
    assert!(
        w.twilio.holds_of(&c).is_empty(),
        "C is never touched\n{}",
        w.dump()
    );
    w.check_invariants();
}
