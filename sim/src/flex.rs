//! Flex's view of a conference, per agent: the task snapshot Flex would hand the plugin
//! (SPEC §3.1–§3.3), shaped exactly as the native harness's `task_json` (`tests/common/flex.rs`)
//! plus a top-level `version`.

use serde_json::{json, Value};

use crate::model::{ConfStatus, Conference, Kind, Leg, LegStatus};

/// Whether Flex lists a leg: REST-added legs once they joined (Flex builds participants from
/// conference events); native external legs also while they ring, flagged `connecting`.
fn listed(leg: &Leg) -> bool {
    leg.joined_at.is_some() || matches!(leg.kind, Kind::External { .. })
}

/// The `participantType` Flex shows: with `retype_held_unknown`, a held `unknown` leg shows as
/// `customer` (SPEC §3.3, seen in 2021).
fn shown_type(leg: &Leg, retype_held_unknown: bool) -> &'static str {
    if retype_held_unknown && leg.kind == Kind::Unknown && leg.hold {
        "customer"
    } else {
        leg.kind.as_str()
    }
}

/// The task snapshot `worker`'s Flex shows. The reservation is `accepted` while that worker's
/// leg is connected, else `wrapping`.
pub(crate) fn task_json(conference: &Conference, worker: &str, retype_held_unknown: bool) -> Value {
    let task_sid = conference.friendly_name.as_str();
    let on_call = conference
        .legs
        .iter()
        .any(|l| l.kind.worker_sid() == Some(worker) && l.status == LegStatus::Connected);
    let participants: Vec<Value> = conference
        .legs
        .iter()
        .filter(|l| listed(l))
        .map(|l| participant_json(conference, l, worker, retype_held_unknown))
        .collect();
    let status = match conference.status {
        ConfStatus::Init => "setup",
        ConfStatus::InProgress => "active",
        ConfStatus::Completed => "closed",
    };
    json!({
        "taskSid": task_sid,
        "sid": task_sid.replacen("WT", "WR", 1),
        "status": if on_call { "accepted" } else { "wrapping" },
        "taskChannelUniqueName": "voice",
        "attributes": {
            "conference": {"sid": conference.sid},
            "from": conference.customer_number,
        },
        "conference": {
            "sid": task_sid,
            "conferenceSid": conference.sid,
            "status": status,
            "participants": participants,
        },
        "version": conference.version,
    })
}

fn participant_json(conference: &Conference, leg: &Leg, worker: &str, retype: bool) -> Value {
    let worker_sid = leg.kind.worker_sid();
    let participant_sid = leg.kind.participant_sid();
    let (status, connecting) = match leg.status {
        LegStatus::Connected => ("joined", false),
        LegStatus::Queued | LegStatus::Ringing => ("joined", true),
        _ => ("left", false),
    };
    json!({
        "callSid": leg.call_sid,
        "participantType": shown_type(leg, retype),
        "status": status,
        "onHold": leg.hold,
        "muted": leg.muted,
        "isCurrentWorker": worker_sid.is_some() && worker_sid == Some(worker),
        "workerSid": worker_sid,
        "connecting": connecting,
        "participantSid": participant_sid,
        "phoneNumber": participant_sid.map(|_| leg.to.as_str()),
        "mediaProperties": {
            "callSid": leg.call_sid,
            "conferenceSid": conference.sid,
            "hold": leg.hold,
            "muted": leg.muted,
            "endConferenceOnExit": leg.event_ecoe,
            "startConferenceOnEnter": leg.start_conference_on_enter,
            "from": leg.from,
            "to": leg.to,
        },
    })
}
