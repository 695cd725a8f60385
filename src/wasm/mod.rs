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

use crate::prelude::*;

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
    // Debug and test builds link std and report through its panic hook, set here; the release
    // module (no std) reports from its own panic handler, `panic` below.
    #[cfg(any(test, debug_assertions))]
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("Box<dyn Any>");
        report_panic(info.location(), message);
    }));
}

/// The release module's panic handler: reports the panic as std's hook above does, then traps
/// (`unreachable`, what `panic = "abort"` does), so the call that panicked throws a
/// `RuntimeError` in JavaScript. A message built from arguments is not formatted (that would link
/// `core::fmt`): the location names the panic.
#[cfg(not(any(test, debug_assertions)))]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    use core::sync::atomic::{AtomicBool, Ordering};
    /// Set while a panic is reported: a panic inside the report traps at once (as std's does).
    static REPORTING: AtomicBool = AtomicBool::new(false);
    if !REPORTING.swap(true, Ordering::Relaxed) {
        let message = info.message().as_str();
        report_panic(
            info.location(),
            message.unwrap_or("(message not formatted)"),
        );
        REPORTING.store(false, Ordering::Relaxed);
    }
    core::arch::wasm32::unreachable()
}

/// `console.error` of an `Error` whose message is the panic's location and message, as std's
/// default hook words them (a console shows its JS stack with it).
fn report_panic(at: Option<&core::panic::Location<'_>>, message: &str) {
    use crate::core::text::{cat, push_uint};
    let mut text = String::from("panicked");
    if let Some(at) = at {
        text.push_str(" at ");
        text.push_str(at.file());
        text.push(':');
        push_uint(&mut text, at.line().into());
        text.push(':');
        push_uint(&mut text, at.column().into());
    }
    js::console_error(&js::Error::new(&cat(&[&text, ":\n", message])));
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
