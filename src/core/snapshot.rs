//! The subset of a Flex `ITask` the engine reads, parsed leniently at the edge.

use crate::prelude::*;

use serde_json::Value;

use crate::core::error::{CoreError, ErrorCode};
use crate::core::json::{type_name, Errors};
use crate::core::text::{cat, uint};
use crate::core::value::Json;

/// Flex's `participantType`.
#[derive(Clone, Debug, Eq, PartialEq, Ord, PartialOrd)]
pub enum ParticipantKind {
    /// A leg created by Flex's native external warm transfer.
    External,
    /// The task's caller or callee.
    Customer,
    /// A supervisor (not handled by this feature, never written).
    Supervisor,
    /// A worker being transferred to who hasn't joined yet.
    Transfer,
    /// Any leg Flex didn't create: legs added through the REST API.
    Unknown,
    /// An agent leg (`worker`, or Flex's `agent`).
    Worker,
    /// A type this engine doesn't know; treated like `supervisor` (counted, never written).
    Other(String),
}

impl ParticipantKind {
    fn parse(s: &str) -> Self {
        match s {
            "worker" | "agent" => Self::Worker,
            "customer" => Self::Customer,
            "transfer" => Self::Transfer,
            "external" => Self::External,
            "unknown" => Self::Unknown,
            "supervisor" => Self::Supervisor,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The Flex spelling.
    pub fn as_str(&self) -> &str {
        match self {
            Self::External => "external",
            Self::Customer => "customer",
            Self::Supervisor => "supervisor",
            Self::Transfer => "transfer",
            Self::Unknown => "unknown",
            Self::Worker => "worker",
            Self::Other(s) => s,
        }
    }

    /// Legs this feature adds or that Flex's XWT adds: they arm the exit policy.
    pub fn is_added(&self) -> bool {
        matches!(self, Self::Unknown | Self::External)
    }
}

/// Flex's participant `status`.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum ParticipantStatus {
    /// On the call.
    Joined,
    /// Left a moment ago.
    RecentlyLeft,
    /// Left.
    Left,
    /// Anything else Flex may report; not live.
    Other,
}

/// One `ConferenceParticipant`.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Participant {
    /// `CA…`; may be missing.
    pub call_sid: Option<String>,
    /// Flex's type.
    pub kind: ParticipantKind,
    /// Flex's status.
    pub status: ParticipantStatus,
    /// Held.
    pub on_hold: bool,
    /// Muted.
    pub muted: bool,
    /// This is the logged-in worker's leg.
    pub is_current_worker: bool,
    /// `WK…` for worker legs.
    pub worker_sid: Option<String>,
    /// Flex's pending flag (transfers, native external legs, synthetic cards).
    pub connecting: bool,
    /// `UT…` for native XWT legs.
    pub participant_sid: Option<String>,
}

impl Participant {
    /// Not departed: a connecting leg that may still join.
    pub fn status_is_joinable(&self) -> bool {
        self.status == ParticipantStatus::Joined
    }

    /// Live as Flex counts it: joined, not connecting, and not a pending transfer.
    pub fn is_live(&self) -> bool {
        self.status == ParticipantStatus::Joined
            && !self.connecting
            && self.kind != ParticipantKind::Transfer
    }
}

/// Flex's reservation status, as far as the engine cares.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum TaskStatus {
    /// `accepted` (or absent): the call may be live.
    Accepted,
    /// `pending`: not answered yet.
    Pending,
    /// `wrapping`, `completed`, `canceled`: the call is over for this agent.
    Ended,
    /// Anything else.
    Other,
}

/// The task snapshot the engine works on.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct TaskSnapshot {
    /// `WT…`.
    pub task_sid: String,
    /// Reservation status.
    pub status: TaskStatus,
    /// The conference SID: live `conferenceSid` first, then `attributes.conference.sid` (R2).
    pub conference_sid: Option<String>,
    /// Whether `task.conference` was present at all.
    pub has_conference: bool,
    /// The conference's status is `closed` or `failed`.
    pub closed: bool,
    /// Every participant, including those that left.
    pub participants: Vec<Participant>,
}

impl TaskSnapshot {
    /// Parses a Flex-shaped task object. (Fields are read borrowed and owned only once all of them
    /// have been checked, so an error drops nothing half-built.)
    pub fn from_json(value: &Value) -> Result<Self, CoreError> {
        Self::read(&Json::from(value))
    }

    /// [`TaskSnapshot::from_json`] over the crate's own [`Json`].
    pub(crate) fn read(value: &Json) -> Result<Self, CoreError> {
        let errors = Errors::new(ErrorCode::InvalidSnapshot);
        let snap = read_task(value, &errors);
        errors.finish(snap)
    }

    /// Live participants, the current worker's duplicates counted once (as Flex does).
    pub fn live(&self) -> Vec<&Participant> {
        let mut seen_me = false;
        let mut live = Vec::new();
        for p in &self.participants {
            if !p.is_live() {
                continue;
            }
            if p.is_current_worker && p.kind == ParticipantKind::Worker {
                if seen_me {
                    continue;
                }
                seen_me = true;
            }
            live.push(p);
        }
        live
    }

    /// The participant with that call SID; a live entry wins over departed ones.
    pub fn find(&self, call_sid: &str) -> Option<&Participant> {
        let mut found = None;
        for p in &self.participants {
            if p.call_sid.as_deref() == Some(call_sid) {
                if p.is_live() {
                    return Some(p);
                }
                found = Some(p);
            }
        }
        found
    }

    /// The current worker's live leg.
    pub fn me(&self) -> Option<&Participant> {
        self.participants
            .iter()
            .find(|p| p.is_live() && p.is_current_worker && p.kind == ParticipantKind::Worker)
    }

    /// Whether the call is over for this agent's view of it.
    pub fn is_over(&self) -> bool {
        self.status == TaskStatus::Ended || self.closed
    }
}

/// The task, or `None` once an error is recorded (the first one is the answer).
fn read_task(value: &Json, errors: &Errors) -> Option<TaskSnapshot> {
    let task = errors.obj(value, "task")?;
    let Some(task_sid) = task.non_blank("taskSid") else {
        errors.fail("task.taskSid is required");
        return None;
    };
    let status = match task.str("status") {
        None | Some("accepted") => TaskStatus::Accepted,
        Some("pending" | "reserved") => TaskStatus::Pending,
        Some("wrapping" | "completed" | "canceled" | "rescinded" | "timeout") => TaskStatus::Ended,
        Some(_) => TaskStatus::Other,
    };
    let attr_sid = task
        .obj("attributes", "task.attributes")
        .and_then(|attrs| attrs.obj("conference", "task.attributes.conference"))
        .and_then(|c| c.non_blank("sid"));
    let conference = task.obj("conference", "task.conference");
    let live_sid = conference.and_then(|c| c.non_blank("conferenceSid"));
    let closed = conference.is_some_and(|c| matches!(c.str("status"), Some("closed" | "failed")));
    let mut participants = Vec::new();
    if let Some(list) = conference.and_then(|c| c.array("participants")) {
        for (i, p) in list.iter().enumerate() {
            participants.push(parse_participant(p, i, errors)?);
        }
    }
    Some(TaskSnapshot {
        task_sid: task_sid.to_owned(),
        status,
        conference_sid: live_sid.or(attr_sid).map(str::to_owned),
        has_conference: conference.is_some(),
        closed,
        participants,
    })
}

fn parse_participant(value: &Json, index: usize, errors: &Errors) -> Option<Participant> {
    let Json::Object(_) = value else {
        errors.fail(cat(&[
            "task.conference.participants[",
            &uint(index as u64),
            "] must be an object, got ",
            type_name(value),
        ]));
        return None;
    };
    let p = errors.obj(value, "participant")?;
    let media = p.obj("mediaProperties", "participant.mediaProperties");
    let flag = |key: &str, media_key: &str| -> bool {
        p.bool(key)
            .or_else(|| media.and_then(|m| m.bool(media_key)))
            .unwrap_or(false)
    };
    let status = match p.str("status") {
        None | Some("joined") => ParticipantStatus::Joined,
        Some("left") => ParticipantStatus::Left,
        Some("recently_left") => ParticipantStatus::RecentlyLeft,
        Some(_) => ParticipantStatus::Other,
    };
    // Every field is checked before any is owned.
    let call_sid = p.non_blank("callSid");
    let kind = p.str("participantType");
    let on_hold = flag("onHold", "hold");
    let muted = flag("muted", "muted");
    let is_current_worker = p.bool("isCurrentWorker").unwrap_or(false);
    let worker_sid = p.non_blank("workerSid");
    let connecting = p.bool("connecting").unwrap_or(false);
    let participant_sid = p.non_blank("participantSid");
    Some(Participant {
        call_sid: call_sid.map(str::to_owned),
        kind: ParticipantKind::parse(kind.unwrap_or("unknown")),
        status,
        on_hold,
        muted,
        is_current_worker,
        worker_sid: worker_sid.map(str::to_owned),
        connecting,
        participant_sid: participant_sid.map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use crate::wasm_test as test;

    use serde_json::json;

    use super::*;

    #[test]
    fn the_live_conference_sid_wins_over_the_task_attribute() {
        let s = TaskSnapshot::from_json(&json!({"taskSid": "WT1",
            "attributes": {"conference": {"sid": "CFold"}},
            "conference": {"conferenceSid": "CFlive", "participants": []}}));
        assert_eq!(s.map(|s| s.conference_sid), Ok(Some("CFlive".to_owned())));
        let s = TaskSnapshot::from_json(&json!({"taskSid": "WT1",
            "attributes": {"conference": {"sid": "CFattr"}}}));
        assert_eq!(s.map(|s| s.conference_sid), Ok(Some("CFattr".to_owned())));
    }

    #[test]
    fn unknown_fields_are_ignored_and_media_properties_fill_in_hold_and_mute() {
        let s = TaskSnapshot::from_json(&json!({"taskSid": "WT1", "extra": {"x": 1},
            "conference": {"conferenceSid": "CF1", "participants": [
                {"callSid": "CA1", "participantType": "agent", "isCurrentWorker": true,
                 "mediaProperties": {"hold": true, "muted": true}, "whatever": [1, 2]}]}}));
        let s = s.unwrap_or_else(|e| panic!("{e}"));
        let p = &s.participants[0];
        assert_eq!(p.kind, ParticipantKind::Worker);
        assert!(p.on_hold && p.muted);
        assert!(s.me().is_some());
    }

    #[test]
    fn duplicate_entries_of_the_current_worker_count_once_and_transfers_not_at_all() {
        let s = TaskSnapshot::from_json(&json!({"taskSid": "WT1",
            "conference": {"conferenceSid": "CF1", "participants": [
                {"callSid": "CA1", "participantType": "worker", "isCurrentWorker": true},
                {"callSid": "CA1", "participantType": "worker", "isCurrentWorker": true},
                {"callSid": "CA2", "participantType": "customer"},
                {"callSid": "CA3", "participantType": "transfer"},
                {"callSid": "CA4", "participantType": "unknown", "status": "left"}]}}));
        assert_eq!(s.map(|s| s.live().len()), Ok(2));
    }

    #[test]
    fn malformed_snapshots_are_errors_with_a_code_never_panics() {
        for bad in [
            json!(5),
            json!({}),
            json!({"taskSid": ""}),
            json!({"taskSid": "WT1", "conference": {"participants": 5}}),
            json!({"taskSid": "WT1", "conference": {"participants": [7]}}),
            json!({"taskSid": "WT1", "conference": {"participants": [{"onHold": "yes"}]}}),
            json!({"taskSid": "WT1", "attributes": "x"}),
        ] {
            let err = TaskSnapshot::from_json(&bad).err();
            assert_eq!(
                err.map(|e| e.code),
                Some(ErrorCode::InvalidSnapshot),
                "{bad}"
            );
        }
    }
}
