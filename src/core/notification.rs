//! Notification ids. The first two are the template's; the rest are this project's, stable and
//! documented in the README. Each failure context carries `code` (Twilio's, or null), `status`
//! (HTTP, 0 without a response) and `message`.

/// The hang-up guard could not make it safe to leave; the hang-up was aborted.
pub const FAILED_HANGUP: &str = "PS_FailedHangupOnConferenceWithExternalParties";
/// The add failed with Twilio 13223 (invalid number); context `{ message }`.
pub const INVALID_PHONE_NUMBER: &str = "PS_ExternalWarmTransferInvalidPhoneNumber";
/// The add failed for another reason; context adds `destination`.
pub const ADD_FAILED: &str = "PS_ConferenceAddFailed";
/// The add's response was lost and could not be checked: a leg may or may not ring.
pub const ADD_OUTCOME_UNKNOWN: &str = "PS_ConferenceAddOutcomeUnknown";
/// The added leg ended without answering; context `{ destination, status }`.
pub const NOT_ANSWERED: &str = "PS_ConferenceNotAnswered";
/// Holding a participant failed.
pub const HOLD_FAILED: &str = "PS_ConferenceHoldFailed";
/// Unholding a participant failed.
pub const UNHOLD_FAILED: &str = "PS_ConferenceUnholdFailed";
/// Muting a participant failed.
pub const MUTE_FAILED: &str = "PS_ConferenceMuteFailed";
/// Unmuting a participant failed.
pub const UNMUTE_FAILED: &str = "PS_ConferenceUnmuteFailed";
/// Removing a participant failed.
pub const REMOVE_FAILED: &str = "PS_ConferenceRemoveFailed";
/// Cancelling a ringing leg failed.
pub const CANCEL_DIAL_FAILED: &str = "PS_ConferenceCancelDialFailed";
/// An `endConferenceOnExit` update failed for good (retries continue with backoff).
pub const FLAG_UPDATE_FAILED: &str = "PS_ConferenceFlagUpdateFailed";
/// The serverless backend answered 403: the Flex login expired or is invalid.
pub const AUTH_EXPIRED: &str = "PS_ConferenceAuthExpired";

/// Every notification id the engine may emit.
pub const ALL: [&str; 13] = [
    FAILED_HANGUP,
    INVALID_PHONE_NUMBER,
    ADD_FAILED,
    ADD_OUTCOME_UNKNOWN,
    NOT_ANSWERED,
    HOLD_FAILED,
    UNHOLD_FAILED,
    MUTE_FAILED,
    UNMUTE_FAILED,
    REMOVE_FAILED,
    CANCEL_DIAL_FAILED,
    FLAG_UPDATE_FAILED,
    AUTH_EXPIRED,
];
