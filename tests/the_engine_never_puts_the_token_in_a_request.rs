//! SPEC §13 scenario 20, "Token refresh": the engine has no part in it (DESIGN §4: `params` never
//! carry `Token`; the driver reads the current Flex token per request). So: across a whole call
//! no request the engine builds contains a `Token` field, and after a refresh the driver's next
//! request carries the new token while the call is unaffected.

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::{Agent, Setup, World, Y_NUMBER};

#[test]
fn no_request_built_by_the_engine_carries_a_token_field() {
    let (mut w, x) = World::three_party(Setup::default().extensions(true));
    let c = w.customer.clone();
    w.agent_clicks_hold(Agent::A, &x);
    w.settle();
    w.agent_clicks_unhold(Agent::A, &x);
    w.settle();
    w.agent_mutes(Agent::A, &c, true);
    w.settle();
    assert!(w.agent_dials(Agent::A, Y_NUMBER).accepted);
    w.run_for(2_000);
    let y = w.leg_to(Y_NUMBER).call_sid.clone();
    w.agent_clicks_remove(Agent::A, &y);
    w.settle();
    w.agent_hangs_up(Agent::A, false);
    w.settle();

    assert!(w.log.requests.len() > 10, "a busy call\n{}", w.dump());
    let endpoints: std::collections::BTreeSet<&str> =
        w.log.requests.iter().map(|r| r.endpoint.as_str()).collect();
    assert!(
        endpoints.len() >= 6,
        "most endpoints were used: {endpoints:?}"
    );
    for r in &w.log.requests {
        assert!(
            !r.params.keys().any(|k| k.eq_ignore_ascii_case("token")),
            "{}#{} carries a token field: {:?}",
            r.endpoint,
            r.id,
            r.params
        );
    }
    w.check_invariants();
}

#[test]
fn after_a_token_refresh_the_next_request_carries_the_new_token_and_the_call_is_unaffected() {
    let mut w = World::two_party();
    let (a, c) = (w.agent_leg(Agent::A), w.customer.clone());
    w.backend.valid_token = "flex-token-2".to_owned();
    w.set_token(Some("flex-token-2"));
    let x = w.dial_and_answer(Agent::A, Y_NUMBER);
    assert!(w
        .log
        .requests
        .iter()
        .all(|r| r.token.as_deref() == Some("flex-token-2")));
    w.assert_final(&[(&a, false), (&c, false), (&x, false)], &[]);
    w.check_invariants();
}
