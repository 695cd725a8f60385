//! DESIGN §6 and SPEC §12 E2 as checks over the model and the logs.
//!
//! | check | rule |
//! |---|---|
//! | engine health | no engine panicked (inv. 6); no engine refused a well-formed input |
//! | token | no request the engine built carries a `Token` field (DESIGN §4: the driver adds it) |
//! | one leg per add (inv. 5) | at most one leg per `label`; no more added legs than accepted add intents |
//! | nobody held alone (inv. 3) | an in-progress conference with no joined worker has no held party |
//! | two parties end together (inv. 2) | an in-progress conference with exactly two joined parties (not both workers, none ringing) has both ECOE=true, except a held non-worker leg (C2 trade-off), a leg that joined while no agent was live (no reconciler: SPEC §13 scenario 13a), and worker legs in XWT mode (Flex-managed) |
//! | failures surface (inv. 7) | every failed request (not 404/20404, not a `get-participant` read-back, not stale) is either followed by the same request again or by a notification from the same browser |
//! | write targets (E2) | no `update-participant` names a ringing leg, or a leg the sender's Flex already showed gone |
//! | no duplicate writes (E2) | no `update-participant` repeats `(callSid, value)` while an earlier one is in flight or has landed, unless the roster (legs' states or holds) changed, the other value was written in between, or the earlier one came from an earlier engine instance of the same browser (a reload) |

use std::collections::BTreeMap;

use super::log::RequestRecord;
use super::twilio::{ConfStatus, Kind, LegState};
use super::World;

/// Every violation, as a readable line.
pub(crate) fn violations(w: &World) -> Vec<String> {
    let mut v = Vec::new();
    engine_health(w, &mut v);
    no_token(w, &mut v);
    one_leg_per_add(w, &mut v);
    nobody_held_alone(w, &mut v);
    two_parties_end_together(w, &mut v);
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
    let created = w
        .twilio
        .legs
        .iter()
        .filter(|l| l.kind == Kind::Unknown && l.label.is_some())
        .count();
    if created > w.dials.len() {
        v.push(format!(
            "{created} legs were created for {} accepted add intents (invariant 5)",
            w.dials.len()
        ));
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

fn failures_surface(w: &World, v: &mut Vec<String>) {
    let reqs = &w.log.requests;
    for (i, r) in reqs.iter().enumerate() {
        if !r.failed() || r.stale || r.status == Some(404) || r.endpoint == "get-participant" {
            continue;
        }
        let answered = r.answered_at.unwrap_or(u64::MAX);
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
            .any(|n| n.agent == r.agent && n.at >= answered);
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
