//! Twilio REST resources as the template returns them: the Twilio Node library's camelCase
//! `toJSON()` of a Participant and of a Call (SPEC §8.2).

use serde_json::{json, Value};

use crate::clock::rfc2822;
use crate::model::{participants_path, Conference, Leg, LegStatus, ACCOUNT_SID};

/// The Participant resource (`participantsResponse`). `ecoe` is the value to echo (the held-leg
/// quirk may echo another than the stored one); `created` is the queue time of a fresh create,
/// whose status is always `queued`; `labels` shows the label (the project's extensions).
pub(crate) fn participant_json(
    conference: &Conference,
    leg: &Leg,
    ecoe: bool,
    labels: bool,
    created: Option<u64>,
) -> Value {
    let status = match (created, leg.status) {
        (Some(_), _) | (None, LegStatus::Queued) => "queued",
        (None, LegStatus::Ringing) => "ringing",
        (None, LegStatus::Connected) => "connected",
        (None, LegStatus::Completed) => "complete",
        (None, _) => "failed",
    };
    json!({
        "accountSid": ACCOUNT_SID,
        "callSid": leg.call_sid,
        "label": if labels { leg.label.as_deref() } else { None },
        "callSidToCoach": null,
        "coaching": false,
        "conferenceSid": conference.sid,
        "dateCreated": rfc2822(leg.created_at),
        "dateUpdated": rfc2822(leg.updated_at),
        "endConferenceOnExit": ecoe,
        "muted": leg.muted,
        "hold": leg.hold,
        "startConferenceOnEnter": leg.start_conference_on_enter,
        "status": status,
        "queueTime": created.map(|ms| ms.to_string()),
        "uri": format!("{}/{}.json", participants_path(&conference.sid), leg.call_sid),
    })
}

/// The Call resource (`callProperties`).
pub(crate) fn call_json(leg: &Leg) -> Value {
    let duration = leg
        .joined_at
        .zip(leg.left_at)
        .map(|(start, end)| (end.saturating_sub(start) / 1000).to_string());
    json!({
        "sid": leg.call_sid,
        "accountSid": ACCOUNT_SID,
        "parentCallSid": null,
        "to": leg.to,
        "toFormatted": leg.to,
        "from": leg.from,
        "fromFormatted": leg.from,
        "status": leg.status.call_status(),
        "direction": leg.direction,
        "startTime": leg.joined_at.map(rfc2822),
        "endTime": leg.left_at.map(rfc2822),
        "duration": duration,
        "dateCreated": rfc2822(leg.created_at),
        "dateUpdated": rfc2822(leg.updated_at),
        "answeredBy": null,
        "callerName": null,
        "forwardedFrom": null,
        "groupSid": null,
        "phoneNumberSid": null,
        "price": null,
        "priceUnit": "USD",
        "queueTime": "0",
        "trunkSid": null,
        "apiVersion": "2010-04-01",
        "uri": format!("/2010-04-01/Accounts/{ACCOUNT_SID}/Calls/{}.json", leg.call_sid),
    })
}
