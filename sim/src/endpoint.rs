//! The serverless endpoints (SPEC §8.2) and their required parameters.

/// Where the template deploys them (the functions' `context.PATH` prefix).
pub(crate) const BASE_PATH: &str = "/common/flex/programmable-voice";

/// One endpoint of `/common/flex/programmable-voice/`.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub(crate) enum Endpoint {
    /// `add-participant`.
    AddParticipant,
    /// `get-call-properties`.
    GetCallProperties,
    /// `get-participant` (the project's extension).
    GetParticipant,
    /// `hold-participant`.
    HoldParticipant,
    /// `mute-participant`.
    MuteParticipant,
    /// `remove-participant`.
    RemoveParticipant,
    /// `update-participant`.
    UpdateParticipant,
}

impl Endpoint {
    /// By name.
    pub(crate) fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "add-participant" => Self::AddParticipant,
            "get-call-properties" => Self::GetCallProperties,
            "get-participant" => Self::GetParticipant,
            "hold-participant" => Self::HoldParticipant,
            "mute-participant" => Self::MuteParticipant,
            "remove-participant" => Self::RemoveParticipant,
            "update-participant" => Self::UpdateParticipant,
            _ => return None,
        })
    }

    /// The name in the URL.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::AddParticipant => "add-participant",
            Self::GetCallProperties => "get-call-properties",
            Self::GetParticipant => "get-participant",
            Self::HoldParticipant => "hold-participant",
            Self::MuteParticipant => "mute-participant",
            Self::RemoveParticipant => "remove-participant",
            Self::UpdateParticipant => "update-participant",
        }
    }

    /// The template's `requiredParameters` as `(key, purpose)`, in its order.
    ///
    /// Source: twilio-professional-services/flex-project-template,
    /// `serverless-functions/src/functions/common/flex/programmable-voice/*.js`. The
    /// `get-participant` purposes are ours (the endpoint is the project's extension).
    pub(crate) fn required(self) -> &'static [(&'static str, &'static str)] {
        const CONFERENCE: (&str, &str) = ("conference", "unique ID of conference to update");
        const PARTICIPANT: (&str, &str) = ("participant", "unique ID of participant to update");
        match self {
            Self::AddParticipant => &[
                ("taskSid", "unique ID of task to update"),
                ("to", "number to add to the conference"),
                ("from", "caller ID to use when adding to the conference"),
            ],
            Self::GetCallProperties => &[("callSid", "unique ID of call to fetch")],
            Self::GetParticipant => &[
                ("conference", "unique ID of conference with the participant"),
                ("participant", "call SID or label of participant to fetch"),
            ],
            Self::HoldParticipant => &[
                CONFERENCE,
                PARTICIPANT,
                ("hold", "whether to hold or unhold the participant"),
            ],
            Self::MuteParticipant => &[
                CONFERENCE,
                PARTICIPANT,
                ("muted", "whether the participant is muted or not"),
            ],
            Self::RemoveParticipant => &[CONFERENCE, PARTICIPANT],
            Self::UpdateParticipant => &[
                CONFERENCE,
                PARTICIPANT,
                (
                    "endConferenceOnExit",
                    "whether to end conference when the participant leaves",
                ),
            ],
        }
    }

    /// The function's `context.PATH`.
    pub(crate) fn path(self) -> String {
        format!("{BASE_PATH}/{}", self.name())
    }
}
