//! DESIGN §6 as one reusable check over what the sim shows — `/sim/conferences/{sid}` (final
//! state and event history) and `/sim/requests` — plus what the browsers received. Run by
//! [`Call::finish`](super::harness::Call::finish) after every scenario.
//!
//! | check | rule |
//! |---|---|
//! | token (inv. 8) | no logged request has a `Token` field; no event handed to the shim contains the token |
//! | one leg per add (inv. 5) | at most one leg per `label`; no more legs created by `add-participant` than add intents accepted |
//! | nobody held alone (inv. 3) | an in-progress conference with no connected worker has no held party |
//! | two parties end together (inv. 2) | an in-progress conference with exactly two connected parties (not both workers, none ringing) has both `endConferenceOnExit` true, except a held non-worker (C2 trade-off) and a leg that joined while no worker was on (no reconciler: SPEC §13 scenario 13a) |
//! | 3+ parties go on (inv. 1, 4) | the conference never ended through a leg's `endConferenceOnExit` while two or more parties (not all workers) stayed on, unless the leaving leg was a worker and another worker stayed |
//! | failures surface (inv. 7) | every failed request (not a 404 on a leg operation, not a `get-participant` read-back) is followed by the same request again or by a notification |
//! | write targets | no flag, hold or mute write was refused by Twilio's rules (a ringing leg: 400) |
//! | no duplicate writes | no `update-participant` repeats a `(participant, value)` whose earlier write was answered, while nothing changed in the conference |
//! | after the call returns (H13) | no event reached `onEvents` while a client call was still running |

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::harness::{Call, Conference, TOKEN};

/// Documented exceptions a scenario may claim.
#[derive(Debug, Clone, Default)]
pub(crate) struct Waivers {
    /// Legs created outside the engine (control API), not counted as adds.
    pub(crate) outside_legs: BTreeSet<String>,
    /// The backend refuses every write (an expired login): flags can't be put right until the
    /// agent reloads, which the scenario checks is what they are told.
    pub(crate) writes_refused: bool,
}

/// Every violation, as a readable line.
pub(crate) fn violations(call: &Call, conference: &Conference, requests: &[Value]) -> Vec<String> {
    let mut v = Vec::new();
    no_token(call, requests, &mut v);
    one_leg_per_add(call, conference, &mut v);
    nobody_held_alone(call, conference, &mut v);
    if !call.waivers.writes_refused {
        two_parties_end_together(call, conference, &mut v);
    }
    three_parties_go_on(call, conference, &mut v);
    failures_surface(call, requests, &mut v);
    write_targets(requests, &mut v);
    no_duplicate_writes(call, conference, requests, &mut v);
    after_the_call_returns(call, &mut v);
    v
}

fn kind<'a>(conference: &'a Conference, call_sid: &str) -> &'a str {
    conference
        .participants()
        .into_iter()
        .find(|p| p["callSid"] == call_sid)
        .and_then(|p| p["kind"].as_str())
        .unwrap_or("")
}

fn no_token(call: &Call, requests: &[Value], v: &mut Vec<String>) {
    for r in requests {
        if let Some(params) = r["params"].as_object() {
            if params.keys().any(|k| k.eq_ignore_ascii_case("token")) {
                v.push(format!("request #{} logs a Token field", r["seq"]));
            }
        }
    }
    for agent in &call.agents {
        for e in agent.events_of("notify") {
            if e.to_string().contains(TOKEN) {
                v.push(format!("{} was shown the token in {e}", agent.name));
            }
        }
    }
}

fn one_leg_per_add(call: &Call, conference: &Conference, v: &mut Vec<String>) {
    let mut by_label: BTreeMap<&str, usize> = BTreeMap::new();
    for p in conference.participants() {
        if let Some(label) = p["label"].as_str().filter(|l| !l.is_empty()) {
            *by_label.entry(label).or_default() += 1;
        }
    }
    for (label, n) in by_label {
        if n > 1 {
            v.push(format!(
                "{n} legs were created for add label {label} (invariant 5)"
            ));
        }
    }
    let created = conference
        .added()
        .iter()
        .filter(|p| {
            !p["callSid"]
                .as_str()
                .is_some_and(|c| call.waivers.outside_legs.contains(c))
        })
        .count();
    if created > call.adds {
        v.push(format!(
            "{created} legs were created for {} accepted add intents (invariant 5)",
            call.adds
        ));
    }
}

fn is_worker(conference: &Conference, call_sid: &str) -> bool {
    kind(conference, call_sid) == "worker"
}

fn nobody_held_alone(call: &Call, conference: &Conference, v: &mut Vec<String>) {
    if conference.status() != "in-progress" {
        return;
    }
    let live: Vec<String> = conference.live().into_keys().collect();
    if live.iter().any(|c| is_worker(conference, c)) {
        return;
    }
    for c in live.iter().filter(|c| conference.held(c)) {
        v.push(format!(
            "{} is on hold with no agent left in the conference (invariant 3)",
            call.name(c)
        ));
    }
}

/// Legs that joined while no worker was connected (from the event history).
fn joined_without_agent(conference: &Conference) -> BTreeSet<String> {
    let mut live: BTreeSet<String> = BTreeSet::new();
    let mut lonely = BTreeSet::new();
    for e in events(conference) {
        let Some(c) = e["callSid"].as_str() else {
            continue;
        };
        match e["event"].as_str() {
            Some("participant-join") => {
                if !is_worker(conference, c) && !live.iter().any(|l| is_worker(conference, l)) {
                    lonely.insert(c.to_owned());
                }
                live.insert(c.to_owned());
            }
            Some("participant-leave") => {
                live.remove(c);
            }
            _ => {}
        }
    }
    lonely
}

fn events(conference: &Conference) -> Vec<Value> {
    conference.json["events"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn two_parties_end_together(call: &Call, conference: &Conference, v: &mut Vec<String>) {
    if conference.status() != "in-progress" {
        return;
    }
    let live = conference.live();
    let ringing = conference
        .participants()
        .iter()
        .any(|p| matches!(p["status"].as_str(), Some("ringing" | "queued")));
    if live.len() != 2 || ringing || live.keys().all(|c| is_worker(conference, c)) {
        return;
    }
    let lonely = joined_without_agent(conference);
    for (c, ecoe) in &live {
        let excused = (conference.held(c) && !is_worker(conference, c)) || lonely.contains(c);
        if !ecoe && !excused {
            v.push(format!(
                "two parties are live but {} has endConferenceOnExit=false: if the other hangs \
                 up, {} is left alone (invariant 2)",
                call.name(c),
                call.name(c)
            ));
        }
    }
}

fn three_parties_go_on(call: &Call, conference: &Conference, v: &mut Vec<String>) {
    let Some(reason) = conference.reason() else {
        return;
    };
    if !reason.starts_with("participant-with-end-conference-on-exit") {
        return;
    }
    let Some(ender) = conference.json["callSidEndingConference"].as_str() else {
        v.push(format!(
            "the conference ended ({reason}) without naming the call that ended it"
        ));
        return;
    };
    // Who was on when the ender left.
    let mut live: Vec<String> = Vec::new();
    for e in events(conference) {
        let Some(c) = e["callSid"].as_str() else {
            continue;
        };
        match e["event"].as_str() {
            Some("participant-join") => live.push(c.to_owned()),
            Some("participant-leave") if c == ender => break,
            Some("participant-leave") => live.retain(|l| l != c),
            _ => {}
        }
    }
    live.retain(|l| l != ender);
    let workers_stay = live.iter().any(|c| is_worker(conference, c));
    let others = live.iter().filter(|c| !is_worker(conference, c)).count();
    if live.len() >= 2 && others >= 1 && (!is_worker(conference, ender) || !workers_stay) {
        v.push(format!(
            "the conference ended ({reason}) when {} left although {} were still on \
             (invariants 1 and 4)",
            call.name(ender),
            live.iter()
                .map(|c| call.name(c))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
}

fn failed(r: &Value) -> bool {
    !r["status"]
        .as_u64()
        .is_some_and(|s| (200..300).contains(&s))
}

fn failures_surface(call: &Call, requests: &[Value], v: &mut Vec<String>) {
    let notified_at: Vec<f64> = call
        .agents
        .iter()
        .flat_map(|a| a.notification_times())
        .collect();
    for (i, r) in requests.iter().enumerate() {
        let quiet_404 = r["status"] == 404 && r["endpoint"] != "add-participant";
        if !failed(r) || quiet_404 || r["endpoint"] == "get-participant" {
            continue;
        }
        let at = r["atMs"].as_f64().unwrap_or(0.0);
        let retried = requests[i + 1..].iter().any(|q| {
            (q["endpoint"] == r["endpoint"] && q["params"] == r["params"])
                || (r["endpoint"] == "add-participant"
                    && q["endpoint"] == "get-participant"
                    && q["params"]["participant"] == r["params"]["label"])
        });
        // The sim stamps requests with its clock and the browser its notifications with
        // `Date.now()`: the same machine's clock.
        let notified = notified_at.iter().any(|n| *n + 5.0 >= at);
        if !retried && !notified {
            v.push(format!(
                "request #{} {} failed with {} and was given up without a notification \
                 (invariant 7)",
                r["seq"], r["endpoint"], r["status"]
            ));
        }
    }
}

fn write_targets(requests: &[Value], v: &mut Vec<String>) {
    for r in requests {
        let write = matches!(
            r["endpoint"].as_str(),
            Some("update-participant" | "hold-participant" | "mute-participant")
        );
        if write && r["status"] == 400 && r["outcome"] == "error" {
            v.push(format!(
                "request #{} {} {} was refused with 400 (a write on a ringing leg?)",
                r["seq"], r["endpoint"], r["params"]
            ));
        }
    }
}

fn no_duplicate_writes(
    call: &Call,
    conference: &Conference,
    requests: &[Value],
    v: &mut Vec<String>,
) {
    let writes: Vec<&Value> = requests
        .iter()
        .filter(|r| r["endpoint"] == "update-participant" && !failed(r))
        .collect();
    // Moments the conference changed other than by a flag write.
    let changes: Vec<f64> = events(conference)
        .iter()
        .filter(|e| e["event"] != "participant-modify")
        .filter_map(|e| e["atMs"].as_f64())
        .collect();
    for (j, w) in writes.iter().enumerate() {
        let key = |r: &Value| {
            (
                r["params"]["participant"].clone(),
                r["params"]["endConferenceOnExit"].clone(),
            )
        };
        let (participant, value) = key(w);
        let Some(k) = writes[..j]
            .iter()
            .rposition(|p| key(p) == (participant.clone(), value.clone()))
        else {
            continue;
        };
        let flipped = writes[k + 1..j]
            .iter()
            .any(|p| p["params"]["participant"] == participant);
        let (from, to) = (
            writes[k]["atMs"].as_f64().unwrap_or(0.0),
            w["atMs"].as_f64().unwrap_or(0.0),
        );
        let changed = changes.iter().any(|t| *t >= from && *t <= to);
        // Sent again before the first answer went out: a retry after a timeout.
        let unanswered = writes[k]["answerAtMs"].as_f64().unwrap_or(0.0) > to;
        if !flipped && !changed && !unanswered {
            v.push(format!(
                "endConferenceOnExit={value} was written on {} twice (requests #{} and #{}) \
                 with nothing changed in between",
                call.name(participant.as_str().unwrap_or_default()),
                writes[k]["seq"],
                w["seq"]
            ));
        }
    }
}

fn after_the_call_returns(call: &Call, v: &mut Vec<String>) {
    for agent in &call.agents {
        let n = agent.reentrant_deliveries();
        if n > 0 {
            v.push(format!(
                "{}'s client delivered {n} event batches while a call into it was still running \
                 (STYLE H13)",
                agent.name
            ));
        }
    }
}
