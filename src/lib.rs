#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]
// `no_std` on wasm32: the release module has its own panic handler (src/wasm/mod.rs) instead of
// std's panic machinery, which formats every panic message and so links `core::fmt` (several KB).
// Debug and test builds link std (the wasm test runner needs it) and keep std's panic hook.
#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;
#[cfg(all(target_arch = "wasm32", any(test, debug_assertions)))]
extern crate std;

/// What std's prelude adds to core's, for the `no_std` build: modules import it with
/// `use crate::prelude::*`. (Some names are only used in some builds: `Box` on wasm32, `format!`
/// in tests.)
#[allow(unused_imports)]
mod prelude {
    pub(crate) use alloc::borrow::ToOwned;
    pub(crate) use alloc::boxed::Box;
    pub(crate) use alloc::string::{String, ToString};
    pub(crate) use alloc::vec::Vec;
    pub(crate) use alloc::{format, vec};
}

pub mod api;
pub mod core;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

/// The test attribute for unit tests that run on wasm32 too (STYLE H16): test modules alias it as
/// `test` under `cfg(target_arch = "wasm32")`, so the same tests run natively and in Chromium.
#[cfg(all(test, target_arch = "wasm32"))]
pub(crate) use wasm_bindgen_test::wasm_bindgen_test as wasm_test;
