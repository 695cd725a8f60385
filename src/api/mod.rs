//! The serverless contract of the Flex project template's conference endpoints, as pure code:
//! endpoint paths, form encoding, response and error envelopes, and the browser retry policy.
//!
//! Nothing here performs IO. The core builds requests from these pieces; the wasm driver sends
//! them and hands the raw outcome back to be classified here.

mod endpoint;
mod form;
mod location;
mod response;
mod retry;

pub use endpoint::Endpoint;
pub use form::{encode_form, encode_uri_component, Params};
pub use location::ServerlessLocation;
pub use response::{classify, ApiFailure, CallProperties, CallStatus, ParticipantInfo};
pub use retry::{RetryDecision, RetryPolicy};
