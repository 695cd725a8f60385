//! SPEC §12 U3: the customer and added legs are muted and unmuted through `mute-participant`
//! (the template had no mute for them, D17); a worker's leg is not muted from here; a failed
//! mute reaches the agent as `PS_ConferenceMuteFailed` with Twilio's code.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, Fault, Setup, World};
use flex_conference::core::ErrorCode;

#[test]
fn the_customer_and_an_added_leg_are_muted_and_unmuted_by_their_call_sids() {
    let (mut w, x) = World::three_party(Setup::default());
    let c = w.customer.clone();
    for leg in [&c, &x] {
        let o = w.agent_mutes(Agent::A, leg, true);
        assert!(o.accepted, "{o:?}");
        w.settle();
        assert!(w.leg(leg).muted, "{} is muted\n{}", w.name(leg), w.dump());
        w.agent_mutes(Agent::A, leg, false);
        w.settle();
        assert!(
            !w.leg(leg).muted,
            "{} is unmuted\n{}",
            w.name(leg),
            w.dump()
        );
    }
    let mutes = w.log.to("mute-participant");
    let sent: Vec<(Option<&str>, Option<&str>)> = mutes
        .iter()
        .map(|r| (r.param("participant"), r.param("muted")))
        .collect();
    assert_eq!(
        sent,
        [
            (Some(c.as_str()), Some("true")),
            (Some(c.as_str()), Some("false")),
            (Some(x.as_str()), Some("true")),
            (Some(x.as_str()), Some("false")),
        ]
    );
    assert!(w.log.notifications.is_empty(), "{}", w.dump());
    w.check_invariants();
}

#[test]
fn a_workers_leg_is_refused_and_nothing_is_sent() {
    let (mut w, _x) = World::three_party(Setup::default());
    let a = w.agent_leg(Agent::A);
    let before = w.log.requests.len();
    let o = w.agent_mutes(Agent::A, &a, true);
    assert!(!o.accepted);
    assert_eq!(o.error.map(|e| e.code), Some(ErrorCode::UnsupportedTarget));
    w.settle();
    assert_eq!(w.log.requests.len(), before, "{}", w.dump());
}

#[test]
fn a_failed_mute_is_shown_with_twilios_code_and_the_leg_stays_unmuted() {
    let (mut w, x) = World::three_party(Setup::default());
    w.inject(Fault::http("mute-participant", 400, Some(16030), 1));
    w.agent_mutes(Agent::A, &x, true);
    w.settle();
    assert!(!w.leg(&x).muted, "{}", w.dump());
    let shown = w.log.notifications_with("PS_ConferenceMuteFailed");
    assert_eq!(shown.len(), 1, "{}", w.dump());
    assert_eq!(shown[0].context["code"], 16030);
    assert_eq!(
        w.log.to("mute-participant").len(),
        1,
        "a 400 is not retried"
    );
}
