//! DESIGN §6 and SPEC §12 E2 as checks over the model and the logs.
//!
//! | check | rule |
//! |---|---|
//! | engine health | no engine panicked (inv. 6); no engine refused a well-formed input |
//! | token | no request the engine built carries a `Token` field (DESIGN §4: the driver adds it) |
//! | one leg per add (inv. 5) | at most one leg per `label`; no more created legs (labelled or not) than accepted add intents, in all and per destination |
//! | nobody held alone (inv. 3) | an in-progress conference with no joined worker has no held party |
//! | two parties end together (inv. 2) | an in-progress conference with exactly two joined parties (not both workers, none ringing) has both ECOE=true, except a held non-worker leg (C2 trade-off), a leg that joined while no agent was live (no reconciler: SPEC §13 scenario 13a), and worker legs in XWT mode (Flex-managed) |
//! | 3+ parties go on (inv. 1, 4) | the conference never ended through a leg's ECOE while two or more parties (not all workers) stayed on, unless the leaving leg was a worker and another worker stayed |
//! | failures surface (inv. 7) | every failed request (not a 404/20404 on a leg operation, not a `get-participant` read-back, not stale) is either followed by the same request again or by a notification from the same browser |
//! | write targets (E2) | no `update-participant` names a ringing leg, or a leg the sender's Flex already showed gone |
//! | no duplicate writes (E2) | no `update-participant` repeats `(callSid, value)` while an earlier one is in flight or has landed, unless the roster (legs' states or holds) changed, the other value was written in between, or the earlier one came from an earlier engine instance of the same browser (a reload) |

use std::collections::BTreeMap;

use super::log::RequestRecord;
use super::twilio::{Change, ConfStatus, Kind, LegState};
use super::World;

/// Every violation, as a readable line.
pub(crate) fn violations(w: &World) -> Vec<String> {
    let mut v = Vec::new();
    engine_health(w, &mut v);
    no_token(w, &mut v);
    one_leg_per_add(w, &mut v);
    nobody_held_alone(w, &mut v);
    two_parties_end_together(w, &mut v);
    three_parties_go_on(w, &mut v);
    failures_surface(w, &mut v);
    write_targets(w, &mut v);
    no_duplicate_writes(w, &mut v);
    v
}

fn engine_health(w: &World, v: &mut Vec<String>) {
    for p in &w.log.panics {
        v.push(format!("an engine panicked: {p}"));
    }
    for e in &w.log.engine_errors {
        v.push(format!("an engine refused well-formed input: {e}"));
    }
}

fn no_token(w: &World, v: &mut Vec<String>) {
    for r in &w.log.requests {
        if r.params.keys().any(|k| k.eq_ignore_ascii_case("token")) {
            v.push(format!(
                "{:?}#{} {} carries a Token param",
                r.agent, r.id, r.endpoint
            ));
        }
    }
}

fn one_leg_per_add(w: &World, v: &mut Vec<String>) {
    let mut by_label: BTreeMap<&str, usize> = BTreeMap::new();
    for l in &w.twilio.legs {
        if let Some(label) = &l.label {
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
    // Every leg the backend created (labelled or not: without the extensions the label is not
    // Twilio's), per destination as Flex's dialog normalises it.
    let created: Vec<&str> = w
        .twilio
        .legs
        .iter()
        .filter(|l| l.kind == Kind::Unknown && was_created(w, &l.call_sid))
        .map(|l| l.to.as_str())
        .collect();
    if created.len() > w.dials.len() {
        v.push(format!(
            "{} legs were created for {} accepted add intents (invariant 5)",
            created.len(),
            w.dials.len()
        ));
    }
    let mut per_to: BTreeMap<&str, usize> = BTreeMap::new();
    for to in &created {
        *per_to.entry(to).or_default() += 1;
    }
    for (to, n) in per_to {
        let dialed = w.dials.iter().filter(|(_, d)| normalise(d) == to).count();
        if n > dialed {
            v.push(format!(
                "{n} legs were created to {to} for {dialed} accepted add intents to it (invariant 5)"
            ));
        }
    }
}

/// The leg was created ringing through Create Participant (not set up joined by the test).
fn was_created(w: &World, call_sid: &str) -> bool {
    w.twilio
        .history
        .iter()
        .any(|e| e.call_sid == call_sid && e.change == Change::Created)
}

/// SPEC §9.6 input normalisation, enough to match a typed destination with the leg's `To`.
fn normalise(destination: &str) -> String {
    let d = destination.trim();
    if d.contains(':') {
        return d.to_owned();
    }
    let d: String = d
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    match d.strip_prefix("00") {
        Some(rest) => format!("+{rest}"),
        None => d,
    }
}

fn nobody_held_alone(w: &World, v: &mut Vec<String>) {
    if w.twilio.status != ConfStatus::InProgress {
        return;
    }
    let joined: Vec<_> = w.twilio.legs.iter().filter(|l| l.is_joined()).collect();
    if joined.iter().any(|l| l.is_worker()) {
        return;
    }
    for l in joined.iter().filter(|l| l.hold) {
        v.push(format!(
            "{} is on hold with no agent left in the conference (invariant 3)",
            w.name(&l.call_sid)
        ));
    }
}

fn two_parties_end_together(w: &World, v: &mut Vec<String>) {
    if w.twilio.status != ConfStatus::InProgress {
        return;
    }
    let joined: Vec<_> = w.twilio.legs.iter().filter(|l| l.is_joined()).collect();
    let ringing = w.twilio.legs.iter().any(|l| l.state == LegState::Ringing);
    if joined.len() != 2 || ringing || joined.iter().all(|l| l.is_worker()) {
        return;
    }
    for l in &joined {
        let excused =
            (l.hold && !l.is_worker()) || l.joined_without_agent || (w.setup.xwt && l.is_worker());
        if !l.ecoe && !excused {
            v.push(format!(
                "two parties are live but {} has endConferenceOnExit=false: if the other hangs up, \
                 {} is left alone (invariant 2)",
                w.name(&l.call_sid),
                w.name(&l.call_sid)
            ));
        }
    }
}

/// Invariants 1 and 4 over the history: the conference never ends through one leg's
/// `endConferenceOnExit` while two or more parties (at least one not a worker) stay on, when the
/// leaving leg was not a worker or was the last one.
fn three_parties_go_on(w: &World, v: &mut Vec<String>) {
    let mut joined: Vec<&str> = Vec::new();
    for e in &w.twilio.history {
        match &e.change {
            Change::Joined => joined.push(&e.call_sid),
            Change::Left(_) => joined.retain(|c| *c != e.call_sid),
            Change::Ended(reason) if reason.starts_with("participant-with-end-conference") => {
                let is_worker = |c: &str| w.twilio.find(c).is_some_and(|l| l.is_worker());
                let ender_worker = is_worker(&e.call_sid);
                let workers_left = joined.iter().any(|c| is_worker(c));
                let others = joined.iter().filter(|c| !is_worker(c)).count();
                if joined.len() >= 2 && others >= 1 && (!ender_worker || !workers_left) {
                    v.push(format!(
                        "the conference ended ({reason}) when {} left although {} were still on \
                         (invariants 1 and 4)",
                        w.name(&e.call_sid),
                        joined
                            .iter()
                            .map(|c| w.name(c))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
            _ => {}
        }
    }
}

fn failures_surface(w: &World, v: &mut Vec<String>) {
    let reqs = &w.log.requests;
    for (i, r) in reqs.iter().enumerate() {
        // A 404 is "the leg (or conference) is gone": quiet for operations on a leg, but an add
        // that Twilio refused is a failed user operation.
        let quiet_404 = r.status == Some(404) && r.endpoint != "add-participant";
        if !r.failed() || r.stale || quiet_404 || r.endpoint == "get-participant" {
            continue;
        }
        let answered = r.answered_at.unwrap_or(u64::MAX);
        // The engine notifies once per failure streak: the same request failing again and again
        // (no success in between) is covered by the notification that followed its first failure.
        let same = |q: &&RequestRecord| {
            q.agent == r.agent && q.endpoint == r.endpoint && q.params == r.params
        };
        let streak_start = reqs[..i]
            .iter()
            .rev()
            .filter(same)
            .take_while(|q| q.failed())
            .filter_map(|q| q.answered_at)
            .last()
            .unwrap_or(answered);
        let followed = reqs[i + 1..].iter().any(|q| {
            q.agent == r.agent
                && q.sent_at >= answered
                && ((q.endpoint == r.endpoint && q.params == r.params)
                    || (r.endpoint == "add-participant"
                        && q.endpoint == "get-participant"
                        && q.param("participant") == r.param("label")))
        });
        let notified = w
            .log
            .notifications
            .iter()
            .any(|n| n.agent == r.agent && n.at >= streak_start);
        if !followed && !notified {
            v.push(format!(
                "{:?}#{} {} failed with {:?} and was given up without a notification (invariant 7)",
                r.agent, r.id, r.endpoint, r.status
            ));
        }
    }
}

fn write_targets(w: &World, v: &mut Vec<String>) {
    for r in &w.log.requests {
        let Some((call_sid, value)) = r.ecoe_write() else {
            continue;
        };
        let name = w.name(call_sid);
        match r.target_state_at_send {
            Some(LegState::Ringing) => v.push(format!(
                "{:?}#{} wrote endConferenceOnExit={value} on {name} while it was ringing",
                r.agent, r.id
            )),
            Some(LegState::Left) | None if !r.target_seen_live => v.push(format!(
                "{:?}#{} wrote endConferenceOnExit={value} on {name}, which had already left",
                r.agent, r.id
            )),
            _ => {}
        }
    }
}

fn no_duplicate_writes(w: &World, v: &mut Vec<String>) {
    let writes: Vec<_> = w
        .log
        .requests
        .iter()
        .filter_map(|r| r.ecoe_write().map(|(c, val)| (r, c, val)))
        .collect();
    for (j, (wr, call_sid, value)) in writes.iter().enumerate() {
        let earlier = &writes[..j];
        // A reloaded engine starts without memory (scenario 16 lets it rewrite), so a browser's
        // earlier engine instances don't count; other browsers always do.
        let comparable = |p: &&RequestRecord| p.agent != wr.agent || p.generation == wr.generation;
        let Some(k) = earlier.iter().rposition(|(p, c, val)| {
            comparable(p)
                && c == call_sid
                && *val == *value
                && p.epoch_at_send == wr.epoch_at_send
                && {
                    let in_flight = p.answered_at.is_none_or(|a| a > wr.sent_at);
                    let landed = p.succeeded() && p.echoed_ecoe == Some(*value);
                    in_flight || landed
                }
        }) else {
            continue;
        };
        let flipped_between = earlier[k + 1..]
            .iter()
            .any(|(p, c, val)| comparable(p) && c == call_sid && *val != *value);
        if !flipped_between {
            let (p, _, _) = earlier[k];
            v.push(format!(
                "{:?}#{} wrote endConferenceOnExit={value} on {} again although {:?}#{} had \
                 already written it and the roster had not changed",
                wr.agent,
                wr.id,
                w.name(call_sid),
                p.agent,
                p.id
            ));
        }
    }
}
