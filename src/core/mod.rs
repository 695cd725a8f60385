//! The sans-IO engine: no browser bindings, no HTTP client, no clock reads, no IO. Inputs go in
//! with the time as an argument; commands come out.

mod command;
mod conference;
mod config;
mod destination;
mod error;
pub(crate) mod float;
pub(crate) mod float_text;
mod intent;
mod json;
pub(crate) mod json_out;
pub(crate) mod json_text;
pub mod monitor;
pub mod notification;
mod result;
mod rng;
mod snapshot;
mod sorted;
pub(crate) mod text;
mod value;

pub use command::{Command, CommandId};
pub use conference::{Conference, ConferenceView, ConnectingView, LegView};
pub use config::{Config, Mode};
pub use destination::Destination;
pub use error::{CoreError, ErrorCode};
pub use intent::{Intent, IntentOutcome, NativeHold};
pub use result::ApiResult;
pub use snapshot::{Participant, ParticipantKind, ParticipantStatus, TaskSnapshot, TaskStatus};
pub use value::{Json, Map as JsonMap, Number as JsonNumber};
