//! `ConferenceEngine`: the sans-IO [`Conference`] exported to JavaScript (DESIGN §4).

use wasm_bindgen::prelude::*;

use crate::core::json_out::{JsonWriter, ToJson};
use crate::core::{ApiResult, Conference, ErrorCode, IntentOutcome, Json};
use crate::wasm::convert::{self, command_id, config_from_json, from_js, time_ms, to_js};
use crate::wasm::error::{ConferenceError, PlainError};

/// The conference engine for one Flex voice task: inputs in, commands out, no IO.
///
/// Drive it like this:
///
/// 1. `new ConferenceEngine(config)` once per task.
/// 2. Feed it every input with `Date.now()`: {@link ConferenceEngine.handleSnapshot} on every
///    task or conference update, {@link ConferenceEngine.handleIntent} for what the agent asks
///    (answered synchronously), {@link ConferenceEngine.handleApiResult} when a request settles,
///    {@link ConferenceEngine.handleTimeout} when the time from
///    {@link ConferenceEngine.pollTimeout} has come.
/// 3. After every input, call {@link ConferenceEngine.pollCommand} until it returns `null` and
///    carry the commands out *after* the call has returned; then arm one timer for
///    {@link ConferenceEngine.pollTimeout} and re-render from {@link ConferenceEngine.view}.
///
/// Malformed input throws a {@link ConferenceError} with a `code`; nothing passed in can panic
/// the module, and the engine keeps working after an error. The engine holds no callbacks and
/// never calls into JavaScript while it changes state. Call `free()` when the task is done.
#[wasm_bindgen]
#[derive(Debug)]
pub struct ConferenceEngine {
    inner: Conference,
}

#[wasm_bindgen]
impl ConferenceEngine {
    /// Creates an engine. `config` is the template's `features.conference` object as is, plus
    /// this package's own keys (see {@link ConferenceConfig}); absent, `undefined` or `null`
    /// gives the defaults, with the feature disabled.
    ///
    /// Throws a {@link ConferenceError} with code `"invalid_config"` when a key has the wrong
    /// type or range.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "ConferenceConfig | null")] config: JsValue,
    ) -> Result<Self, ConferenceError> {
        let json = if config.is_undefined() || config.is_null() {
            Json::Null
        } else {
            from_js(&config, ErrorCode::InvalidConfig, "config")?
        };
        let config = config_from_json(&json)?;
        // The engine's clock starts at 0 and only moves forward with the inputs' times.
        Ok(Self {
            inner: Conference::new(config, 0),
        })
    }

    /// A Flex task update: pass the task (its `taskSid`, `status`, `attributes.conference.sid`
    /// and `conference`) on every change. The first snapshot binds the engine to its task.
    ///
    /// Throws a {@link ConferenceError}: `"invalid_snapshot"` for a malformed task,
    /// `"task_mismatch"` for another task's snapshot, `"invalid_time"` for a bad `nowMs`.
    #[wasm_bindgen(js_name = handleSnapshot)]
    pub fn handle_snapshot(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "TaskSnapshot")] task: JsValue,
        #[wasm_bindgen(js_name = nowMs, unchecked_param_type = "number")] now_ms: JsValue,
    ) -> Result<(), ConferenceError> {
        let snapshot = convert::snapshot(&task)?;
        let now = time_ms(&now_ms)?;
        Ok(self.inner.handle_snapshot(snapshot, now)?)
    }

    /// What the agent asks for. The answer is immediate, so a Flex before-listener can decide at
    /// once: `accepted` is false when the intent is refused (`error` then says why, as a plain
    /// `{ name: "ConferenceError", code, message }` object fit to show inline); `abortNative` is
    /// true when the native Flex action must be aborted. The work itself shows up as commands.
    ///
    /// Throws a {@link ConferenceError} with code `"invalid_intent"` when the intent object is
    /// malformed, `"invalid_time"` for a bad `nowMs`.
    #[wasm_bindgen(js_name = handleIntent, unchecked_return_type = "IntentOutcome")]
    pub fn handle_intent(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Intent")] intent: JsValue,
        #[wasm_bindgen(js_name = nowMs, unchecked_param_type = "number")] now_ms: JsValue,
    ) -> Result<JsValue, ConferenceError> {
        let intent = convert::intent(&intent)?;
        let now = time_ms(&now_ms)?;
        let outcome = self.inner.handle_intent(intent, now);
        Ok(to_js(&OutcomeJs::from(&outcome)))
    }

    /// The outcome of the `api` command `id`: `{ ok: true, status, body }` when a 2xx response
    /// arrived, `{ ok: false, status, body, networkError }` otherwise (`status` 0 and
    /// `networkError` set when none arrived). `body` is the parsed JSON, or the text as a string.
    ///
    /// Throws a {@link ConferenceError} with code `"invalid_result"` when `id` is not an integer
    /// naming an `api` command awaiting its result or `result` is malformed, `"invalid_time"` for
    /// a bad `nowMs`.
    #[wasm_bindgen(js_name = handleApiResult)]
    pub fn handle_api_result(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ApiResult")] result: JsValue,
        #[wasm_bindgen(js_name = nowMs, unchecked_param_type = "number")] now_ms: JsValue,
    ) -> Result<(), ConferenceError> {
        let id = command_id(&id)?;
        let json = from_js(&result, ErrorCode::InvalidResult, "result")?;
        let result = ApiResult::read(json)?;
        let now = time_ms(&now_ms)?;
        Ok(self.inner.handle_api_result(id, result, now)?)
    }

    /// The time from {@link ConferenceEngine.pollTimeout} has come (early or late calls are
    /// harmless).
    ///
    /// Throws a {@link ConferenceError} with code `"invalid_time"` for a bad `nowMs`.
    #[wasm_bindgen(js_name = handleTimeout)]
    pub fn handle_timeout(
        &mut self,
        #[wasm_bindgen(js_name = nowMs, unchecked_param_type = "number")] now_ms: JsValue,
    ) -> Result<(), ConferenceError> {
        let now = time_ms(&now_ms)?;
        self.inner.handle_timeout(now);
        Ok(())
    }

    /// The next command to carry out, or `null` when there is none. Call it until it returns
    /// `null` after every input; commands come out in the order they must be carried out.
    #[wasm_bindgen(js_name = pollCommand, unchecked_return_type = "Command | null")]
    pub fn poll_command(&mut self) -> JsValue {
        to_js(&self.inner.poll_command())
    }

    /// When (in `Date.now()` milliseconds) {@link ConferenceEngine.handleTimeout} should next be
    /// called, or `null` when nothing waits on time. Read it after draining the commands.
    #[wasm_bindgen(js_name = pollTimeout, unchecked_return_type = "number | null")]
    pub fn poll_timeout(&self) -> JsValue {
        match self.inner.poll_timeout() {
            // Exact: every deadline is below 2^53 (times are capped on the way in).
            Some(at) => JsValue::from_f64(at as f64),
            None => JsValue::NULL,
        }
    }

    /// What the UI renders: the legs being dialed, pending operations per leg, confirmed
    /// `endConferenceOnExit` flags, and whether the agent can leave without ending the call.
    #[wasm_bindgen(unchecked_return_type = "ConferenceView")]
    pub fn view(&self) -> JsValue {
        to_js(&self.inner.view())
    }
}

/// `IntentOutcome` as JavaScript sees it: the core's outcome with `error` as a plain
/// `{ name, code, message }` object: `{ "accepted", "abortNative", "error" }`.
#[derive(Debug)]
pub(crate) struct OutcomeJs<'a> {
    accepted: bool,
    abort_native: bool,
    error: Option<PlainError<'a>>,
}

impl<'a> From<&'a IntentOutcome> for OutcomeJs<'a> {
    fn from(outcome: &'a IntentOutcome) -> Self {
        Self {
            accepted: outcome.accepted,
            abort_native: outcome.abort_native,
            error: outcome.error.as_ref().map(PlainError::from),
        }
    }
}

impl ToJson for OutcomeJs<'_> {
    fn write_json(&self, out: &mut JsonWriter) {
        out.open();
        out.key("accepted");
        out.bool(self.accepted);
        out.key("abortNative");
        out.bool(self.abort_native);
        out.key("error");
        self.error.write_json(out);
        out.close();
    }
}
