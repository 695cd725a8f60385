//! SPEC §13 scenario 10, "Invalid number": A dials `12ab`; the core rejects it inline: no
//! request, no flag write. Variant: the backend answers 13223 for a number that passes local
//! validation → `PS_ExternalWarmTransferInvalidPhoneNumber` with Twilio's message; no leg, no
//! card; A and C restored to true. Final: A and C joined, both true.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, Fault, World, X_NUMBER};
use flex_conference::core::{notification as note, ErrorCode};

#[test]
fn a_malformed_number_is_refused_inline_without_any_request() {
    let mut w = World::two_party();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    for bad in ["12ab", "   ", "", "+", "4155550101"] {
        let o = w.agent_dials(Agent::A, bad);
        assert!(!o.accepted, "{bad:?} must be refused: {o:?}");
        assert_eq!(
            o.error.as_ref().map(|e| e.code),
            Some(ErrorCode::InvalidDestination),
            "{bad:?}"
        );
        assert!(
            o.error.as_ref().is_some_and(|e| !e.message.is_empty()),
            "a message to show inline"
        );
    }
    w.settle();
    assert!(w.log.requests.is_empty(), "no request at all\n{}", w.dump());
    assert!(w.view(Agent::A).connecting.is_empty());
    assert!(
        w.log.notifications.is_empty(),
        "refused inline, not as a toast\n{}",
        w.dump()
    );
    w.assert_final(&[(&a, true), (&c, true)], &[]);
    w.check_invariants();
}

#[test]
fn a_13223_from_twilio_shows_the_invalid_number_notification_and_restores_both_flags() {
    let mut w = World::two_party();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.inject(Fault::http("add-participant", 400, Some(13223), 1));
    assert!(w.agent_dials(Agent::A, X_NUMBER).accepted);
    w.settle();

    let shown = w.log.notifications_with(note::INVALID_PHONE_NUMBER);
    assert_eq!(shown.len(), 1, "{}", w.dump());
    assert_eq!(
        shown[0].context["message"], "Invalid phone number format",
        "Twilio's message"
    );
    assert_eq!(
        w.log.notifications.len(),
        1,
        "nothing else is shown\n{}",
        w.dump()
    );
    assert_eq!(
        w.log.to("add-participant").len(),
        1,
        "a 400 is never retried\n{}",
        w.dump()
    );
    assert!(w.legs_to(X_NUMBER).is_empty(), "no leg");
    assert!(w.view(Agent::A).connecting.is_empty(), "no card");
    w.assert_final(&[(&a, true), (&c, true)], &[]);
    w.check_invariants();
}

#[test]
fn dialing_after_the_call_ended_is_refused_as_over_not_as_not_yet_started() {
    let mut w = World::two_party();
    w.customer_hangs_up();
    w.settle();
    let o = w.agent_dials(Agent::A, X_NUMBER);
    assert!(!o.accepted, "{o:?}\n{}", w.dump());
    let error = o.error.expect("a reason to show");
    assert_eq!(error.code, ErrorCode::NoConference);
    assert!(
        error.message.contains("over"),
        "tells the agent the call is over: {:?}",
        error.message
    );
}
