#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod api;
pub mod core;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

/// The test attribute for unit tests that run on wasm32 too (STYLE H16): test modules alias it as
/// `test` under `cfg(target_arch = "wasm32")`, so the same tests run natively and in Chromium.
#[cfg(all(test, target_arch = "wasm32"))]
pub(crate) use wasm_bindgen_test::wasm_bindgen_test as wasm_test;
