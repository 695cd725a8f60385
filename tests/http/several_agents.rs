//! Several agents, reloads and XWT mode over HTTP: SPEC §13 scenarios 12, 14, 15 and 16.

use serde_json::json;
use wasm_bindgen_test::wasm_bindgen_test;

use super::harness::{assert_live, config, ecoe_writes, leg, Agent, Call, WORKER_A};
use super::leaving::three_parties;

#[wasm_bindgen_test]
async fn an_agent_who_transfers_away_leaves_the_policy_to_the_second_agent() {
    let (mut call, x) = three_parties().await;
    let (a, customer) = (call.a_leg(), call.customer.clone());
    let b = call.second_agent_joins(config()).await;
    let fin = call.finish().await;
    assert_live(
        &fin,
        &[(&a, false), (&b, false), (&customer, false), (&x, false)],
        &call.names,
    );

    call.agents[0].intent(json!({"kind": "hangup", "confirmLeave": false}));
    let fin = call.finish().await;
    assert_eq!(fin.leg(&a)["status"], "completed");
    assert_live(
        &fin,
        &[(&b, false), (&customer, false), (&x, false)],
        &call.names,
    );
    // Every request reads the token first: A's browser sends nothing once A is gone.
    let a_sends = *call.agents[0].token_reads.borrow();

    call.agents[1].intent(json!({"kind": "hangup", "confirmLeave": false}));
    let fin = call.finish().await;
    assert_eq!(fin.status(), "in-progress");
    assert_live(&fin, &[(&customer, true), (&x, true)], &call.names);
    assert_eq!(
        *call.agents[0].token_reads.borrow(),
        a_sends,
        "B's browser owned the policy; A's stayed quiet"
    );
}

#[wasm_bindgen_test]
async fn with_two_agents_present_each_flag_is_written_once() {
    let (mut call, x) = three_parties().await;
    let (a, customer) = (call.a_leg(), call.customer.clone());
    let b = call.second_agent_joins(config()).await;
    call.settle().await;
    let before = call.requests().await.len();
    let sends = |call: &Call| -> Vec<u32> {
        call.agents
            .iter()
            .map(|agent| *agent.token_reads.borrow())
            .collect()
    };
    let at_start = sends(&call);

    assert_eq!(leg(&x, "hangup").await.status, 200);
    call.settle().await;
    call.agents[1].intent(json!({"kind": "hangup", "confirmLeave": false}));
    let fin = call.finish().await;
    assert_eq!(fin.leg(&b)["status"], "completed");
    assert_live(&fin, &[(&a, true), (&customer, true)], &call.names);
    let at_end = sends(&call);
    let writers = (0..2).filter(|i| at_end[*i] > at_start[*i]).count();
    assert_eq!(
        writers, 1,
        "exactly one browser writes: {at_start:?} → {at_end:?}"
    );
    let writes = ecoe_writes(&call.requests().await[before..]);
    for target in [&a, &customer] {
        let n = writes
            .iter()
            .filter(|(c, v)| c == target && v == "true")
            .count();
        assert_eq!(n, 1, "{} written true once: {writes:?}", call.name(target));
    }
}

#[wasm_bindgen_test]
async fn a_browser_opened_mid_call_sets_stale_flags_at_once() {
    let mut call = Call::start().await;
    let (a, customer) = (call.a_leg(), call.customer.clone());
    // The page closes; an added leg joins meanwhile (another page added it); C is stale at true.
    call.agents.clear();
    let x = call
        .leg_joins(
            "X",
            json!({"kind": "unknown", "to": "+14155550199", "endConferenceOnExit": false}),
        )
        .await;
    call.waivers.outside_legs.insert(x.clone());
    let task = call.task_sid.clone();
    call.agents
        .push(Agent::new("A", &task, WORKER_A, &a, config()));
    let fin = call.finish().await;
    assert_live(
        &fin,
        &[(&a, false), (&customer, false), (&x, false)],
        &call.names,
    );
}

#[wasm_bindgen_test]
async fn in_xwt_mode_customer_and_external_stay_connected_and_the_customer_is_never_stranded() {
    let mut cfg = config();
    cfg["external_warm_transfers"] = json!(true);
    let mut call = Call::start_with(cfg).await;
    let customer = call.customer.clone();
    let x = call
        .leg_joins(
            "X",
            json!({"kind": "external", "to": "+14155550199", "endConferenceOnExit": false}),
        )
        .await;
    call.waivers.outside_legs.insert(x.clone());
    let fin = call.finish().await;
    assert_eq!(
        fin.leg(&customer)["endConferenceOnExit"],
        false,
        "C false with 3 live"
    );
    assert_eq!(
        fin.leg(&x)["endConferenceOnExit"],
        false,
        "X false with 3 live"
    );
    assert!(
        !ecoe_writes(&call.requests().await)
            .iter()
            .any(|(c, _)| *c == call.a_leg()),
        "worker legs are never written"
    );

    assert_eq!(leg(&x, "hangup").await.status, 200);
    let fin = call.finish().await;
    assert_eq!(fin.status(), "in-progress");
    assert_eq!(
        fin.leg(&customer)["endConferenceOnExit"],
        true,
        "C set true"
    );
}
