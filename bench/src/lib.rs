//! Inputs shared by the benchmarks, and the policies the shootout compares.

pub mod policy;
pub mod reference;
pub mod rng;

use serde_json::{json, Value};

/// A Flex voice task with `legs` conference participants: the agent, the customer, then
/// external parties; `muted` mutes the last one (two such tasks differ in nothing the policy acts
/// on, so alternating them measures the snapshot path itself).
pub fn task(legs: usize, muted: bool) -> Value {
    let participants: Vec<Value> = (0..legs)
        .map(|i| {
            json!({
                "callSid": format!("CA{i:032}"),
                "participantType": match i { 0 => "worker", 1 => "customer", _ => "unknown" },
                "workerSid": if i == 0 { Value::from(format!("WK{:032}", 0)) } else { Value::Null },
                "isCurrentWorker": i == 0,
                "status": "joined",
                "onHold": false,
                "muted": muted && i + 1 == legs,
                "mediaProperties": { "to": format!("+1415555{:04}", 100 + i) },
            })
        })
        .collect();
    json!({
        "taskSid": format!("WT{:032}", 0),
        "status": "assigned",
        "attributes": { "conference": { "sid": format!("CF{:032}", 0) } },
        "conference": { "conferenceSid": format!("CF{:032}", 0), "participants": participants },
    })
}
