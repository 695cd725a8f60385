#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod api;
pub mod core;
#[cfg(target_arch = "wasm32")]
pub mod wasm;
