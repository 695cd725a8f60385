//! SPEC §13 scenario 19, "Remove while connecting": X rings; A removes the connecting card.
//! `remove-participant` on the ringing leg; the card disappears; A and C restored to true; no flag
//! write ever targets the ringing leg. Final: A and C both true; no X.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, LegState, Native, World, X_NUMBER};

fn cancelled(by_kick: bool) {
    let mut w = World::two_party();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    assert!(w.agent_dials(Agent::A, X_NUMBER).accepted);
    w.run_for(2_000);
    let x = w.leg_to(X_NUMBER).call_sid.clone();
    assert_eq!(w.leg(&x).state, LegState::Ringing);

    if by_kick {
        let r = w.agent_clicks_remove(Agent::A, &x);
        assert_eq!(r.native, Native::Aborted, "{}", w.dump());
    } else {
        let o = w.agent_cancels_dial(Agent::A, &x);
        assert!(o.accepted, "{o:?}");
    }
    w.settle();

    let removes = w.log.to("remove-participant");
    assert_eq!(removes.len(), 1, "{}", w.dump());
    assert_eq!(removes[0].param("participant"), Some(x.as_str()));
    assert_eq!(w.leg(&x).state, LegState::Left);
    assert_eq!(w.leg(&x).call_status, "canceled");
    assert!(w.view(Agent::A).connecting.is_empty(), "the card is gone");
    assert!(
        w.log.ecoe_writes_to(&x).is_empty(),
        "the ringing leg is never written\n{}",
        w.dump()
    );
    assert!(
        w.log.notifications.is_empty(),
        "a cancel is not a failure\n{}",
        w.dump()
    );
    w.assert_final(&[(&a, true), (&c, true)], &[]);
    w.check_invariants();
}

#[test]
fn removing_the_connecting_card_cancels_the_ringing_leg_and_restores_both_flags() {
    cancelled(true);
}

#[test]
fn cancelling_the_dial_cancels_the_ringing_leg_and_restores_both_flags() {
    cancelled(false);
}

#[test]
fn cancelling_before_the_create_answers_removes_the_leg_once_it_exists() {
    let mut w = Setup::default().latency(400).start();
    w.settle();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    assert!(w.agent_dials(Agent::A, X_NUMBER).accepted);
    w.run_for(100);
    let label = w.log.to("add-participant")[0]
        .param("label")
        .expect("labelled")
        .to_owned();
    assert!(w.agent_cancels_dial(Agent::A, &label).accepted);
    w.settle();
    assert!(
        w.legs_to(X_NUMBER)
            .iter()
            .all(|l| l.state == LegState::Left),
        "{}",
        w.dump()
    );
    assert!(w.view(Agent::A).connecting.is_empty());
    w.assert_final(&[(&a, true), (&c, true)], &[]);
    w.check_invariants();
}

use common::Setup;
