//! Flex's view of the model, per agent, and Flex's native action routing (SPEC §3.3, §3.8).

use serde_json::{json, Value};

use super::twilio::{ConfStatus, Kind, Leg, LegState, Twilio};

/// What one agent's Flex shows: the task and its conference.
#[derive(Clone, Debug)]
pub(crate) struct TaskView<'a> {
    /// `WT…`.
    pub(crate) task_sid: &'a str,
    /// Reservation status: `accepted`, then `wrapping` once the agent's leg left.
    pub(crate) status: &'a str,
    /// The agent's worker SID.
    pub(crate) worker_sid: &'a str,
    /// Flex retypes a held `unknown` leg as `customer` (SPEC §3.3, §3.11 item 7).
    pub(crate) retype_held_unknown: bool,
}

/// The `participantType` Flex shows for a leg.
pub(crate) fn shown_type(leg: &Leg, retype_held_unknown: bool) -> &'static str {
    if retype_held_unknown && leg.kind == Kind::Unknown && leg.hold {
        "customer"
    } else {
        leg.kind.flex_type()
    }
}

/// Whether Flex lists a leg: REST-added legs appear once they join (Flex builds participants
/// from conference events); native XWT legs appear while they ring, flagged `connecting`.
pub(crate) fn flex_lists(leg: &Leg) -> bool {
    leg.joined_at.is_some() || matches!(leg.kind, Kind::External { .. })
}

/// The Flex-shaped task JSON one agent's Flex would hand the shim, built from the model.
pub(crate) fn task_json(twilio: &Twilio, view: &TaskView<'_>) -> Value {
    let participants: Vec<Value> = twilio
        .legs
        .iter()
        .filter(|l| flex_lists(l))
        .map(|l| participant_json(twilio, l, view))
        .collect();
    json!({
        "taskSid": view.task_sid,
        "sid": view.task_sid.replacen("WT", "WR", 1),
        "status": view.status,
        "taskChannelUniqueName": "voice",
        "attributes": {"conference": {"sid": twilio.conference_sid}, "from": "+14155550100"},
        "conference": {
            "sid": view.task_sid,
            "conferenceSid": twilio.conference_sid,
            "status": if twilio.status == ConfStatus::InProgress { "active" } else { "closed" },
            "participants": participants,
        },
    })
}

fn participant_json(twilio: &Twilio, leg: &Leg, view: &TaskView<'_>) -> Value {
    let worker_sid = leg.kind.worker_sid();
    let (status, connecting) = match leg.state {
        LegState::Joined => ("joined", false),
        LegState::Ringing => ("joined", true),
        LegState::Left => ("left", false),
    };
    let participant_sid = match &leg.kind {
        Kind::External { participant_sid } => Some(participant_sid.as_str()),
        _ => None,
    };
    json!({
        "callSid": leg.call_sid,
        "participantType": shown_type(leg, view.retype_held_unknown),
        "status": status,
        "onHold": leg.hold,
        "muted": leg.muted,
        "isCurrentWorker": worker_sid == Some(view.worker_sid),
        "workerSid": worker_sid,
        "connecting": connecting,
        "participantSid": participant_sid,
        "phoneNumber": if participant_sid.is_some() { Some(leg.to.as_str()) } else { None },
        "mediaProperties": {
            "callSid": leg.call_sid,
            "conferenceSid": twilio.conference_sid,
            "hold": leg.hold,
            "muted": leg.muted,
            "endConferenceOnExit": leg.event_ecoe,
            "startConferenceOnEnter": true,
            "from": leg.from,
            "to": leg.to,
        },
    })
}

/// Where Flex's native `HoldParticipant`/`UnholdParticipant`/`KickParticipant` land (SPEC §3.8):
/// a worker SID targets that worker, a native XWT participant SID that leg, **anything else the
/// customer** (hold) or nothing (kick: TaskRouter expects a worker SID). The actor also applies
/// `TaskHelper.canHold` to the hold actions.
#[derive(Clone, Debug, Eq, PartialEq)]
pub(crate) enum NativeTarget {
    /// The call SID of the leg acted on.
    Leg(String),
    /// The action rejects with this message.
    Reject(String),
}

/// Routes a native hold/unhold by `targetSid`: Flex routes by the kind of SID, so a worker's or
/// native XWT participant's SID whose leg is not in the call fails instead of holding the
/// customer.
pub(crate) fn route_hold(twilio: &Twilio, target_sid: &str) -> NativeTarget {
    let addressed = twilio.legs.iter().rev().find(|l| match &l.kind {
        Kind::Worker { worker_sid } => worker_sid == target_sid,
        Kind::External { participant_sid } => participant_sid == target_sid,
        Kind::Customer | Kind::Unknown => false,
    });
    match addressed {
        Some(l) if l.state == LegState::Joined => NativeTarget::Leg(l.call_sid.clone()),
        Some(l) => NativeTarget::Reject(format!(
            "{target_sid} is not in the conference ({:?})",
            l.state
        )),
        None => customer(twilio),
    }
}

/// The customer leg, for `HoldCall`/`UnholdCall` and misrouted holds.
pub(crate) fn customer(twilio: &Twilio) -> NativeTarget {
    twilio
        .legs
        .iter()
        .find(|l| l.state == LegState::Joined && l.kind == Kind::Customer)
        .map_or_else(
            || NativeTarget::Reject("NO_ACTIVE_CALL: no customer leg to hold".to_owned()),
            |c| NativeTarget::Leg(c.call_sid.clone()),
        )
}

/// Routes a native kick by `targetSid`.
pub(crate) fn route_kick(twilio: &Twilio, target_sid: &str) -> NativeTarget {
    if let Some(w) = twilio
        .legs
        .iter()
        .find(|l| l.state == LegState::Joined && l.kind.worker_sid() == Some(target_sid))
    {
        return NativeTarget::Leg(w.call_sid.clone());
    }
    if let Some(x) = twilio.legs.iter().find(|l| {
        l.state != LegState::Left
            && matches!(&l.kind, Kind::External { participant_sid } if participant_sid == target_sid)
    }) {
        return NativeTarget::Leg(x.call_sid.clone());
    }
    NativeTarget::Reject(format!(
        "TaskRouter kick failed: {target_sid} is not a worker SID"
    ))
}
