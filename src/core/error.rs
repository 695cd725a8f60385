//! Errors for bad input. A broken internal invariant is a bug and panics; anything that comes
//! from JavaScript, Flex or the network is an error with a stable code.

use crate::prelude::*;

use core::fmt;

/// Stable error codes. The JS shim branches on these; the messages may be reworded.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The add intent's caller ID is missing and no configured candidate exists.
    NoCallerId,
    /// The same operation on the same leg (or the same add) is already in flight.
    InProgress,
    /// The configuration object is malformed.
    InvalidConfig,
    /// The destination typed for an add is not dialable syntax.
    InvalidDestination,
    /// The intent object is malformed.
    InvalidIntent,
    /// The API result object is malformed, or names no command awaiting a result.
    InvalidResult,
    /// The task snapshot is malformed.
    InvalidSnapshot,
    /// A time argument is not a finite, non-negative number of milliseconds.
    InvalidTime,
    /// The task has no conference yet (or it has ended).
    NoConference,
    /// The feature, or this part of it, is switched off in the current mode.
    NotAvailable,
    /// The snapshot belongs to another task than the one this engine serves.
    TaskMismatch,
    /// No participant with that call SID is in the latest snapshot.
    UnknownParticipant,
    /// The operation is not possible on that kind of participant.
    UnsupportedTarget,
}

impl ErrorCode {
    /// The code as the string JS sees.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoCallerId => "no_caller_id",
            Self::InProgress => "in_progress",
            Self::InvalidConfig => "invalid_config",
            Self::InvalidDestination => "invalid_destination",
            Self::InvalidIntent => "invalid_intent",
            Self::InvalidResult => "invalid_result",
            Self::InvalidSnapshot => "invalid_snapshot",
            Self::InvalidTime => "invalid_time",
            Self::NoConference => "no_conference",
            Self::NotAvailable => "not_available",
            Self::TaskMismatch => "task_mismatch",
            Self::UnknownParticipant => "unknown_participant",
            Self::UnsupportedTarget => "unsupported_target",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error caused by input: a code to branch on and a message fit to show a person.
#[derive(Clone, Debug, Eq, PartialEq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct CoreError {
    /// Stable code.
    pub code: ErrorCode,
    /// Readable message, never containing a token; phone numbers only as typed by the agent.
    pub message: String,
}

impl CoreError {
    /// Builds an error. (Never inlined: one copy for the dozens of call sites is smaller.)
    #[inline(never)]
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}
