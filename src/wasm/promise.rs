//! Callbacks when a promise settles, without an async runtime: the driver's only ways of running
//! code later, besides its timers.
//!
//! Each callback is a boxed `FnOnce` behind one JS function that frees it when called, and every
//! promise used here settles exactly once, so nothing leaks and nothing is called twice. (An
//! executor with futures, `spawn_local` and `JsFuture`, cost ~8 KB of the module for this.)

use crate::prelude::*;

use wasm_bindgen::prelude::*;

use crate::wasm::js::{self, Array, Promise};

/// What [`on_settled`] hands over: the fulfilled value, or the rejection reason.
pub(crate) type Settled = Result<JsValue, JsValue>;

/// Runs `f` in a microtask of its own, after the current call into wasm has returned.
pub(crate) fn microtask(f: Box<dyn FnOnce()>) {
    then(
        &Promise::resolve(&JsValue::UNDEFINED),
        Box::new(move |_| f()),
    );
}

/// Calls `f` with the outcome of `promise` once it settles (in a microtask), whether it fulfils
/// or rejects.
pub(crate) fn on_settled(promise: &Promise, f: Box<dyn FnOnce(Settled)>) {
    // `allSettled` never rejects, so one callback sees both outcomes and is always called.
    let promises = Array::new();
    promises.push(promise);
    let all = Promise::all_settled(&promises);
    then(
        &all,
        Box::new(move |outcomes| {
            let outcome = outcomes.unchecked_into::<Array>().get(0);
            let field = |key: &str| {
                // An `allSettled` entry is a plain object: reading it cannot throw.
                js::reflect_get(&outcome, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
            };
            f(if field("status") == "fulfilled" {
                Ok(field("value"))
            } else {
                Err(field("reason"))
            });
        }),
    );
}

/// `promise.then(f)`, with `f` freed once called. Only for promises that fulfil: a rejected one
/// would never call `f`, and leak it.
fn then(promise: &Promise, f: Box<dyn FnOnce(JsValue)>) {
    let callback = Closure::once_into_js(f);
    // The promise `then` returns is dropped: `f` handles everything, and does not throw.
    let _ = promise.then(callback.unchecked_ref());
}
