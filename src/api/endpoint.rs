//! The endpoint names and paths.

use crate::prelude::*;

use crate::core::text::cat;

/// Path prefix shared by every endpoint.
pub(crate) const PREFIX: &str = "/common/flex/programmable-voice/";

/// A serverless endpoint. The first six are the template's; `GetParticipant` is this project's
/// optional extension (label lookup and read-back), used only when configured.
#[derive(Clone, Copy, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
pub enum Endpoint {
    /// `add-participant`: `taskSid` (the conference SID), `to`, `from` (+ `label`).
    AddParticipant,
    /// `get-call-properties`: `callSid`.
    GetCallProperties,
    /// `get-participant` (extension): `conference`, `participant` (call SID or label).
    GetParticipant,
    /// `hold-participant`: `conference`, `participant`, `hold` (+ `holdUrl`).
    HoldParticipant,
    /// `mute-participant`: `conference`, `participant`, `muted`.
    MuteParticipant,
    /// `remove-participant`: `conference`, `participant`.
    RemoveParticipant,
    /// `update-participant`: `conference`, `participant`, `endConferenceOnExit`.
    UpdateParticipant,
}

impl Endpoint {
    /// Every endpoint.
    pub const ALL: [Self; 7] = [
        Self::AddParticipant,
        Self::GetCallProperties,
        Self::GetParticipant,
        Self::HoldParticipant,
        Self::MuteParticipant,
        Self::RemoveParticipant,
        Self::UpdateParticipant,
    ];

    /// The template's name, the last path segment.
    pub fn name(self) -> &'static str {
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

    /// Parses a name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.name() == name)
    }

    /// The path below the serverless domain.
    pub fn path(self) -> String {
        cat(&[PREFIX, self.name()])
    }

    /// Repeating the request has the same effect as sending it once.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Self::AddParticipant)
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use crate::wasm_test as test;

    use super::*;

    #[test]
    fn every_endpoint_lives_under_the_template_prefix_and_round_trips_its_name() {
        for e in Endpoint::ALL {
            assert_eq!(
                e.path(),
                format!("/common/flex/programmable-voice/{}", e.name())
            );
            assert_eq!(Endpoint::from_name(e.name()), Some(e));
        }
        assert_eq!(Endpoint::from_name("cold-transfer"), None);
    }
}
