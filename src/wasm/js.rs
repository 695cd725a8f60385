//! The JavaScript the module calls, all of it, declared here rather than through `js-sys` and
//! `web-sys`: linking those crates keeps the closure shims of every binding they declare in the
//! module's function table (about 5 KB, for callbacks this module never makes). Each binding is
//! the standard global of the same name; `catch` marks the calls that may throw.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// A JS function (`typeof` check, so functions from other realms count too).
    #[wasm_bindgen(is_type_of = JsValue::is_function, typescript_type = "Function")]
    #[derive(Clone, Debug)]
    pub(crate) type Function;

    /// `f.call(this)`.
    #[wasm_bindgen(method, catch, js_name = call)]
    pub(crate) fn call0(this: &Function, context: &JsValue) -> Result<JsValue, JsValue>;

    /// `f.call(this, arg)`.
    #[wasm_bindgen(method, catch, js_name = call)]
    pub(crate) fn call1(
        this: &Function,
        context: &JsValue,
        arg: &JsValue,
    ) -> Result<JsValue, JsValue>;

    /// A `Promise`.
    #[derive(Clone, Debug)]
    pub(crate) type Promise;

    /// `Promise.resolve(value)`.
    #[wasm_bindgen(static_method_of = Promise)]
    pub(crate) fn resolve(value: &JsValue) -> Promise;

    /// `Promise.allSettled(promises)`: never rejects.
    #[wasm_bindgen(static_method_of = Promise, js_name = allSettled)]
    pub(crate) fn all_settled(promises: &Array) -> Promise;

    /// `promise.then(f)`.
    #[wasm_bindgen(method)]
    pub(crate) fn then(this: &Promise, f: &Function) -> Promise;

    /// An `Array`.
    #[derive(Clone, Debug)]
    pub(crate) type Array;

    /// `[]`.
    #[wasm_bindgen(constructor)]
    pub(crate) fn new() -> Array;

    /// `array[index]`.
    #[wasm_bindgen(method, indexing_getter)]
    pub(crate) fn get(this: &Array, index: u32) -> JsValue;

    /// `array.push(value)`.
    #[wasm_bindgen(method)]
    pub(crate) fn push(this: &Array, value: &JsValue) -> u32;

    /// An `Error`.
    #[derive(Clone, Debug)]
    pub(crate) type Error;

    /// `new Error(message)`.
    #[wasm_bindgen(constructor)]
    pub(crate) fn new(message: &str) -> Error;

    /// `error.name = name`.
    #[wasm_bindgen(method, setter)]
    pub(crate) fn set_name(this: &Error, name: &str);

    /// An `AbortController`.
    pub(crate) type AbortController;

    /// `new AbortController()`.
    #[wasm_bindgen(constructor, catch)]
    pub(crate) fn new() -> Result<AbortController, JsValue>;

    /// `controller.signal`.
    #[wasm_bindgen(method, getter)]
    pub(crate) fn signal(this: &AbortController) -> JsValue;

    /// `controller.abort(reason)`.
    #[wasm_bindgen(method)]
    pub(crate) fn abort(this: &AbortController, reason: &JsValue);

    /// An `Object`.
    pub(crate) type Object;

    /// `{}`.
    #[wasm_bindgen(constructor)]
    pub(crate) fn new() -> Object;

    /// A fetch `Response`.
    pub(crate) type Response;

    /// `response.status`.
    #[wasm_bindgen(method, getter)]
    pub(crate) fn status(this: &Response) -> u16;

    /// `response.text()`.
    #[wasm_bindgen(method, catch)]
    pub(crate) fn text(this: &Response) -> Result<Promise, JsValue>;

    /// The global `fetch` (window or worker), looked up at every call, as a page's own wrapper
    /// or a test's fake may replace it. A missing or throwing `fetch` is an error here.
    #[wasm_bindgen(catch)]
    pub(crate) fn fetch(url: &str, init: &JsValue) -> Result<Promise, JsValue>;

    /// The global `setTimeout` (window or worker).
    #[wasm_bindgen(js_name = setTimeout)]
    pub(crate) fn set_timeout(handler: &Function, delay_ms: f64) -> JsValue;

    /// The global `clearTimeout`.
    #[wasm_bindgen(js_name = clearTimeout)]
    pub(crate) fn clear_timeout(handle: &JsValue);

    /// `JSON.parse(text)`.
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    pub(crate) fn json_parse(text: &str) -> Result<JsValue, JsValue>;

    /// `JSON.stringify(value)`: a string, or `undefined` for a function, symbol or `undefined`.
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = stringify)]
    pub(crate) fn json_stringify(value: &JsValue) -> Result<JsValue, JsValue>;

    /// `Reflect.get(target, key)`: runs a getter or proxy trap, which may throw.
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = get)]
    pub(crate) fn reflect_get(target: &JsValue, key: &JsValue) -> Result<JsValue, JsValue>;

    /// `Reflect.set(target, key, value)`.
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = set)]
    pub(crate) fn reflect_set(
        target: &JsValue,
        key: &JsValue,
        value: &JsValue,
    ) -> Result<bool, JsValue>;

    /// `Date.now()`.
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    pub(crate) fn date_now() -> f64;

    /// `Math.random()`.
    #[wasm_bindgen(js_namespace = Math, js_name = random)]
    pub(crate) fn math_random() -> f64;

    /// `console.error(a)`.
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    pub(crate) fn console_error(a: &JsValue);

    /// `console.error(a, b)`.
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    pub(crate) fn console_error2(a: &JsValue, b: &JsValue);
}
