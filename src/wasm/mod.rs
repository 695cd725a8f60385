//! The JavaScript boundary: every `#[wasm_bindgen]` item, one file per concept.
//!
//! - `engine`: the `ConferenceEngine` class (DESIGN §4), wrapping [`crate::core::Conference`];
//! - `client`: the `ConferenceClient` class, the same engine with its driver: HTTP requests,
//!   timers, and events handed to one callback after the call returns;
//! - `http`: the gloo-net seam (the only user of gloo-net): one urlencoded POST, its outcome as
//!   an [`crate::core::ApiResult`];
//! - `error`: [`ConferenceError`], thrown as a JS `Error` with a stable `code`;
//! - `convert`: the one serializer out (plain objects, `null`) and the one reader in;
//! - `types`: the TypeScript vocabulary, declared once.
//!
//! Rules: only `ConferenceClient` holds JS callbacks, and it calls them in microtasks of their
//! own, never from inside a wasm call or while its state is borrowed; every input is converted
//! and checked before the engine changes state, so nothing calls back into JavaScript during a
//! mutation; bad input is a `ConferenceError`, never a panic, and leaves the engine usable.

mod client;
mod convert;
mod engine;
mod error;
mod http;
mod types;

use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The module's allocator: talc instead of std's dlmalloc, several KB smaller, growing the
/// WebAssembly memory as needed. (This crate builds for single-threaded wasm32 only.)
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

pub use client::ConferenceClient;
pub use engine::ConferenceEngine;
pub use error::ConferenceError;

/// Runs once when the module is instantiated: routes Rust panics (bugs, never input) to
/// `console.error` with their message and location.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// Which build is running: `{ crate: "0.1.0" }`, for support requests and bug reports.
#[wasm_bindgen(unchecked_return_type = "Versions")]
pub fn versions() -> JsValue {
    convert::to_js(&Versions {
        krate: env!("CARGO_PKG_VERSION"),
    })
}

/// The shape `versions()` returns.
#[derive(Debug, Serialize)]
struct Versions {
    /// The crate (and npm package) version.
    #[serde(rename = "crate")]
    krate: &'static str,
}
