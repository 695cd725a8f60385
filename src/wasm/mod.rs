//! The JavaScript boundary: every `#[wasm_bindgen]` item, one file per concept.
//!
//! - `engine`: the `ConferenceEngine` class (DESIGN §4), wrapping [`crate::core::Conference`];
//! - `client`: the `ConferenceClient` class, the same engine with its driver: HTTP requests,
//!   timers, and events handed to one callback after the call returns;
//! - `http`: the HTTP seam (the only caller of `fetch`): one urlencoded POST, its outcome as an
//!   [`crate::core::ApiResult`];
//! - `error`: [`ConferenceError`], thrown as a JS `Error` with a stable `code`;
//! - `js`: every JavaScript global the module calls, declared once;
//! - `promise`: callbacks when a promise settles (the driver's microtasks and requests);
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
mod js;
mod promise;
mod types;

use wasm_bindgen::prelude::*;

use crate::core::json_out::{JsonWriter, ToJson};

/// The module's allocator: talc instead of std's dlmalloc, several KB smaller, growing the
/// WebAssembly memory as needed. (This crate builds for single-threaded wasm32 only.)
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

pub use client::ConferenceClient;
pub use engine::ConferenceEngine;
pub use error::ConferenceError;

/// Runs once when the module is instantiated: routes Rust panics (bugs, never input) to
/// `console.error`, as an `Error` whose message is the panic's message and location (a console
/// shows its JS stack with it).
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        // What the standard hook prints, built by hand (the hook info's own `Display` is larger).
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("Box<dyn Any>");
        let text = match info.location() {
            Some(at) => format!(
                "panicked at {}:{}:{}:\n{message}",
                at.file(),
                at.line(),
                at.column()
            ),
            None => format!("panicked:\n{message}"),
        };
        js::console_error(&js::Error::new(&text));
    }));
}

/// Which build is running: `{ crate: "0.1.0" }`, for support requests and bug reports.
#[wasm_bindgen(unchecked_return_type = "Versions")]
pub fn versions() -> JsValue {
    convert::to_js(&Versions {
        krate: env!("CARGO_PKG_VERSION"),
    })
}

/// The shape `versions()` returns: `{ "crate" }`.
#[derive(Debug)]
struct Versions {
    /// The crate (and npm package) version.
    krate: &'static str,
}

impl ToJson for Versions {
    fn write_json(&self, out: &mut JsonWriter) {
        out.open();
        out.key("crate");
        out.str(self.krate);
        out.close();
    }
}
