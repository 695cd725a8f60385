//! flex-conference: the Twilio Flex "conference" feature as a sans-IO Rust engine compiled to
//! WebAssembly. See the README for the JavaScript API, configuration and commands.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod api;
pub mod core;
#[cfg(target_arch = "wasm32")]
pub mod wasm;
