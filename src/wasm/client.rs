//! `ConferenceClient`: the engine plus its driver (DESIGN §4). It owns a [`Conference`], sends
//! its `api` commands over HTTP (through the `http` seam), runs its timers, and hands the rest to
//! JavaScript through one callback, after the wasm call that produced it has returned.
//!
//! Re-entrancy rules (STYLE H9, H13): the shared state sits in one `RefCell` that is borrowed only
//! for engine work and never while JavaScript runs (no user callback, no getter, no `.await`).
//! Everything that calls the caller's code (the token provider, `onEvents`) runs in a microtask of
//! its own, holding only a `Weak` to the state, so a freed client simply stops.

use crate::prelude::*;

use alloc::rc::{Rc, Weak};
use core::cell::{Cell, RefCell};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::{Endpoint, Params, ServerlessLocation};
use crate::core::float::{ceil, fract};
use crate::core::json_out::{to_json, JsonWriter, ToJson};
use crate::core::text::{cat, uint};
use crate::core::{
    ApiResult, Command, CommandId, Conference, ConferenceView, Config, ErrorCode, Json,
};
use crate::wasm::convert::{
    self, config_from_json, from_js, json_to_js, thrown_message, to_js, type_of,
};
use crate::wasm::engine::OutcomeJs;
use crate::wasm::error::ConferenceError;
use crate::wasm::js::{self, clear_timeout, set_timeout, AbortController, Array, Function};
use crate::wasm::{http, promise};

/// `requestTimeoutMs` when none is given.
const DEFAULT_REQUEST_TIMEOUT_MS: u32 = 15_000;

/// The longest delay `setTimeout` honours (a longer one fires at once).
const MAX_DELAY_MS: u32 = 2_147_483_647;

/// The latest time fed to the engine: the largest time a JS `Date` can hold (as in `convert`).
const MAX_TIME_MS: f64 = 8.64e15;

/// The conference engine for one Flex voice task, with its HTTP driver: the engine's requests
/// are sent to the serverless functions, its timers run by themselves, and what the shim must
/// do arrives through `onEvents`.
///
/// Drive it like this:
///
/// 1. `new ConferenceClient({ config, serverless, token, onEvents })` once per task (see
///    {@link ConferenceClientOptions}).
/// 2. Call {@link ConferenceClient.handleSnapshot} on every task or conference update and
///    {@link ConferenceClient.handleIntent} for what the agent asks (answered synchronously).
///    The time of every input is `Date.now()`.
/// 3. Carry out the {@link ClientEvent}s handed to `onEvents`: notifications, native Flex
///    actions, hang-up answers, and a new {@link ConferenceView} whenever it changes. They come
///    in batches, in the order the engine produced them, always after the call that produced
///    them has returned, so `onEvents` may call back into the client.
///
/// Requests are `POST`s with an urlencoded body that carries `Token` from `token()`, asked
/// afresh for every request (never cached). Failures, retries and "login expired" are decided by
/// the engine and show up as events. Malformed input throws a {@link ConferenceError} with a
/// `code`; nothing passed in can panic the module. Call `free()` when the task is done: pending
/// responses and timers are then ignored and `onEvents` is not called again.
#[wasm_bindgen]
pub struct ConferenceClient {
    inner: Rc<Inner>,
}

#[wasm_bindgen]
impl ConferenceClient {
    /// Creates a client; nothing is sent until the first input.
    ///
    /// Throws a {@link ConferenceError} with code `"invalid_config"`, naming the key, when an
    /// option is missing or has the wrong type or range (as `new ConferenceEngine(config)` does
    /// for `config`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ConferenceClientOptions")] options: JsValue,
    ) -> Result<Self, ConferenceError> {
        let Options {
            config,
            location,
            token,
            on_events,
            request_timeout_ms,
        } = Options::read(&options)?;
        let inner = Rc::new_cyclic(|weak: &Weak<Inner>| {
            let weak = weak.clone();
            Inner {
                state: RefCell::new(State {
                    // The engine's clock starts at 0 and moves with the inputs' `Date.now()`.
                    engine: Conference::new(config, 0),
                    events: Vec::new(),
                    last_view: None,
                    timer: None,
                }),
                location,
                token,
                on_events,
                request_timeout_ms,
                freed: Cell::new(false),
                flush_scheduled: Cell::new(false),
                in_flight: Cell::new(0),
                tick: Closure::new(move || {
                    if let Some(inner) = live(&weak) {
                        inner.on_timer();
                    }
                }),
            }
        });
        Ok(Self { inner })
    }

    /// A Flex task update: pass the task (its `taskSid`, `status`, `attributes.conference.sid`
    /// and `conference`) on every change. The first snapshot binds the client to its task.
    ///
    /// Throws a {@link ConferenceError}: `"invalid_snapshot"` for a malformed task,
    /// `"task_mismatch"` for another task's snapshot.
    #[wasm_bindgen(js_name = handleSnapshot)]
    pub fn handle_snapshot(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TaskSnapshot")] task: JsValue,
    ) -> Result<(), ConferenceError> {
        let snapshot = convert::snapshot(&task)?;
        let now = now_ms();
        self.inner
            .with_state(|s| s.engine.handle_snapshot(snapshot, now))?;
        self.inner.pump();
        Ok(())
    }

    /// What the agent asks for. The answer is immediate, so a Flex before-listener can decide at
    /// once: `accepted` is false when the intent is refused (`error` then says why, as a plain
    /// `{ name: "ConferenceError", code, message }` object fit to show inline); `abortNative` is
    /// true when the native Flex action must be aborted. The work itself follows as requests and
    /// {@link ClientEvent}s.
    ///
    /// Throws a {@link ConferenceError} with code `"invalid_intent"` when the intent object is
    /// malformed.
    #[wasm_bindgen(js_name = handleIntent, unchecked_return_type = "IntentOutcome")]
    pub fn handle_intent(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Intent")] intent: JsValue,
    ) -> Result<JsValue, ConferenceError> {
        let intent = convert::intent(&intent)?;
        let now = now_ms();
        let outcome = self
            .inner
            .with_state(|s| s.engine.handle_intent(intent, now));
        self.inner.pump();
        Ok(to_js(&OutcomeJs::from(&outcome)))
    }

    /// How many requests to the serverless endpoints are on the wire: sent, and neither answered
    /// nor timed out yet. `0` with no timer due soon means the client is idle (tests and busy
    /// indicators use it).
    #[wasm_bindgen(js_name = pendingRequests)]
    pub fn pending_requests(&self) -> u32 {
        self.inner.in_flight.get()
    }

    /// What the UI renders now: the legs being dialed, pending operations per leg, confirmed
    /// `endConferenceOnExit` flags, and whether the agent can leave without ending the call. The
    /// same value arrives as a `view` event whenever it changes.
    #[wasm_bindgen(unchecked_return_type = "ConferenceView")]
    pub fn view(&self) -> JsValue {
        let view = self.inner.with_state(|s| s.engine.view());
        to_js(&view)
    }
}

impl Drop for ConferenceClient {
    /// `free()`: stop the timer and drop what was not delivered; responses still on their way
    /// find the client gone (their callbacks hold only a `Weak`).
    fn drop(&mut self) {
        self.inner.shut_down();
    }
}

/// The state shared by the exported object, its timer and its requests.
struct Inner {
    /// Borrowed only for engine work, never across JavaScript or an `.await`.
    state: RefCell<State>,
    location: ServerlessLocation,
    /// `options.token`: called in a microtask for every request.
    token: Function,
    /// `options.onEvents`: called in a microtask with each batch.
    on_events: Function,
    request_timeout_ms: u32,
    /// `free()` was called: nothing more is sent, fed, armed or delivered.
    freed: Cell<bool>,
    /// A microtask that delivers `state.events` is queued.
    flush_scheduled: Cell<bool>,
    /// Requests started whose result has not been fed to the engine yet.
    in_flight: Cell<u32>,
    /// What the engine's `setTimeout` calls; holds a `Weak` to this.
    tick: Closure<dyn FnMut()>,
}

/// The engine and what its driver remembers between calls.
struct State {
    engine: Conference,
    /// Serialized events not yet delivered to `onEvents`, in order.
    events: Vec<JsValue>,
    /// The JSON text of the last `view` event, to send only views that changed.
    last_view: Option<String>,
    /// The handle of the armed engine timer.
    timer: Option<JsValue>,
}

/// `{ kind: "view", view }`.
struct ViewEvent<'a> {
    view: &'a ConferenceView,
}

impl ToJson for ViewEvent<'_> {
    fn write_json(&self, out: &mut JsonWriter) {
        out.open();
        out.key("kind");
        out.str("view");
        out.key("view");
        self.view.write_json(out);
        out.close();
    }
}

/// The `Inner` behind `weak`, unless the client was freed.
fn live(weak: &Weak<Inner>) -> Option<Rc<Inner>> {
    weak.upgrade().filter(|inner| !inner.freed.get())
}

impl Inner {
    /// Runs `f` on the state. `f` must not call JavaScript (the borrow would be held across it).
    fn with_state<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        // Not `borrow_mut`: its panic message formats the `BorrowMutError`, which links
        // `Formatter::pad`.
        let Ok(mut state) = self.state.try_borrow_mut() else {
            panic!("ConferenceClient state borrowed twice");
        };
        f(&mut state)
    }

    /// After every input: drains the engine, starts its requests, queues its events and a view
    /// that changed, re-arms the timer and schedules delivery.
    fn pump(self: &Rc<Self>) {
        if self.freed.get() {
            return;
        }
        let mut events = Vec::new();
        // Taken one at a time: carrying a command out only queues a microtask or builds a value.
        while let Some(command) = self.with_state(|s| s.engine.poll_command()) {
            match command {
                Command::Api {
                    id,
                    endpoint,
                    params,
                } => {
                    self.in_flight.set(self.in_flight.get().saturating_add(1));
                    send(Rc::downgrade(self), id, endpoint, params);
                }
                other => events.push(to_js(&other)),
            }
        }
        let view = self.with_state(|s| s.engine.view());
        // Compared as JSON text (cheaper in wasm size than comparing Rust values).
        let text = to_json(&ViewEvent { view: &view });
        let changed = self.with_state(|s| {
            let changed = s.last_view.as_ref() != Some(&text);
            if changed {
                s.last_view = Some(text.clone());
            }
            changed
        });
        if changed {
            events.push(json_to_js(&text));
        }
        self.arm_timer();
        if !events.is_empty() {
            self.with_state(|s| s.events.extend(events));
            self.schedule_flush();
        }
    }

    /// Feeds the outcome of request `id` to the engine. A result the engine refuses (it forgot
    /// the request) is logged, without params, and otherwise ignored.
    fn settle(&self, id: CommandId, result: ApiResult) {
        let now = now_ms();
        if let Err(err) = self.with_state(|s| s.engine.handle_api_result(id, result, now)) {
            js::console_error(&JsValue::from_str(&cat(&[
                "flex-conference: the result of request ",
                &uint(id.into()),
                " was not taken: ",
                &err.message,
            ])));
        }
    }

    /// Arms exactly one `setTimeout` for the engine's next deadline, clearing the previous one.
    fn arm_timer(&self) {
        let (previous, deadline) = self.with_state(|s| (s.timer.take(), s.engine.poll_timeout()));
        if let Some(previous) = previous {
            clear_timeout(&previous);
        }
        let Some(at) = deadline.filter(|_| !self.freed.get()) else {
            return;
        };
        // Exact enough: deadlines stay below 2^53.
        let delay = (at as f64 - js::date_now()).clamp(0.0, f64::from(MAX_DELAY_MS));
        let handle = set_timeout(self.tick.as_ref().unchecked_ref(), delay);
        self.with_state(|s| s.timer = Some(handle));
    }

    /// The engine's timer fired.
    fn on_timer(self: &Rc<Self>) {
        let now = now_ms();
        self.with_state(|s| {
            s.timer = None;
            s.engine.handle_timeout(now);
        });
        self.pump();
    }

    /// Queues one microtask that delivers the pending events (unless one is queued already).
    fn schedule_flush(self: &Rc<Self>) {
        if self.flush_scheduled.replace(true) {
            return;
        }
        let weak = Rc::downgrade(self);
        promise::microtask(Box::new(move || {
            if let Some(inner) = weak.upgrade() {
                inner.flush();
            }
        }));
    }

    /// Hands the pending events to `onEvents`, with nothing borrowed: the callback may call back
    /// into the client (what that produces is delivered in a later batch). A throw is logged.
    fn flush(&self) {
        self.flush_scheduled.set(false);
        if self.freed.get() {
            return;
        }
        let events = self.with_state(|s| core::mem::take(&mut s.events));
        if events.is_empty() {
            return;
        }
        let batch = Array::new();
        for event in &events {
            batch.push(event);
        }
        if let Err(thrown) = self.on_events.call1(&JsValue::UNDEFINED, &batch) {
            js::console_error2(
                &JsValue::from_str("flex-conference: onEvents threw"),
                &thrown,
            );
        }
    }

    /// The current token from the provider, or why there is none (never the token itself).
    fn token(&self) -> Result<String, String> {
        let value = self
            .token
            .call0(&JsValue::UNDEFINED)
            .map_err(|thrown| thrown_message(&thrown))?;
        match value.as_string() {
            Some(token) if !token.trim().is_empty() => Ok(token),
            Some(_) => Err("it returned an empty string".to_owned()),
            None if value.is_instance_of::<js::Promise>() => {
                Err("it returned a Promise; it must return the current token".to_owned())
            }
            None => Err(cat(&["it returned ", &type_of(&value), ", not a string"])),
        }
    }

    /// `free()`: no more timer, events or inputs.
    fn shut_down(&self) {
        self.freed.set(true);
        let timer = self.state.try_borrow_mut().ok().and_then(|mut s| {
            s.events.clear();
            s.timer.take()
        });
        if let Some(timer) = timer {
            clear_timeout(&timer);
        }
    }
}

/// Carries out one `api` command, in a microtask: asks for the token, POSTs, and feeds the
/// outcome back. Without a token nothing is sent and the engine hears a 403, which it reports as
/// an expired login.
fn send(weak: Weak<Inner>, id: CommandId, endpoint: Endpoint, params: Params) {
    promise::microtask(Box::new(move || {
        let prepared = {
            let Some(inner) = live(&weak) else {
                return;
            };
            inner.token().map(|token| {
                (
                    inner.location.url(endpoint),
                    params.with("Token", &token).encode(),
                    inner.request_timeout_ms,
                )
            })
        };
        match prepared {
            Ok((url, body, timeout_ms)) => post(
                &url,
                &body,
                timeout_ms,
                Box::new(move |result| finish(&weak, id, result)),
            ),
            Err(why) => finish(
                &weak,
                id,
                ApiResult::http(403, Json::String(cat(&["Token provider failed: ", &why]))),
            ),
        }
    }));
}

/// Request `id` settled: feeds its outcome to the engine, unless the client was freed.
fn finish(weak: &Weak<Inner>, id: CommandId, result: ApiResult) {
    if let Some(inner) = live(weak) {
        inner.in_flight.set(inner.in_flight.get().saturating_sub(1));
        inner.settle(id, result);
        inner.pump();
    }
}

/// POSTs with a deadline: an `AbortController` aborts the request (or the reading of its body)
/// after `timeout_ms`, which the engine sees as a network error. `done` gets the outcome.
fn post(url: &str, body: &str, timeout_ms: u32, done: Box<dyn FnOnce(ApiResult)>) {
    let Ok(controller) = AbortController::new() else {
        return done(ApiResult::network("AbortController is not available"));
    };
    let signal = controller.signal();
    // `FnMut` like the engine timer's closure, so both share one shim.
    let abort = Closure::<dyn FnMut()>::new(move || {
        // An `Error` reason: fetch rejects with it, and its message reaches the engine.
        let reason = js::Error::new(&cat(&[
            "No response within ",
            &uint(timeout_ms.into()),
            " ms",
        ]));
        controller.abort(&reason);
    });
    let timer = set_timeout(abort.as_ref().unchecked_ref(), f64::from(timeout_ms));
    http::post_form(
        url,
        body,
        &signal,
        Box::new(move |outcome| {
            clear_timeout(&timer);
            drop(abort);
            done(http::to_api_result(outcome));
        }),
    );
}

/// `Date.now()` as the engine's time.
fn now_ms() -> u64 {
    // A NaN (a broken `Date.now` shim) clamps to NaN and converts to 0.
    js::date_now().clamp(0.0, MAX_TIME_MS) as u64
}

/// The parsed constructor options.
struct Options {
    config: Config,
    location: ServerlessLocation,
    token: Function,
    on_events: Function,
    request_timeout_ms: u32,
}

impl Options {
    /// Reads and checks every option; the first bad one is an `invalid_config` error naming it.
    fn read(options: &JsValue) -> Result<Self, ConferenceError> {
        if !options.is_object() {
            return Err(invalid(
                "options must be an object: { config, serverless, token, onEvents }",
            ));
        }
        let config = get(options, "config", "options.config")?;
        let json = if config.is_undefined() || config.is_null() {
            Json::Null
        } else {
            from_js(&config, ErrorCode::InvalidConfig, "options.config")?
        };
        let config = config_from_json(&json)?;

        let serverless = get(options, "serverless", "options.serverless")?;
        if !serverless.is_object() {
            return Err(invalid(
                "options.serverless must be an object: { domain, protocol, port }",
            ));
        }
        let domain = get(&serverless, "domain", "options.serverless.domain")?
            .as_string()
            .filter(|d| !d.trim().is_empty())
            .ok_or_else(|| {
                invalid(
                    "options.serverless.domain is required: the serverless functions' host name",
                )
            })?;
        let protocol = get(&serverless, "protocol", "options.serverless.protocol")?;
        let protocol = match protocol.as_string() {
            _ if protocol.is_undefined() || protocol.is_null() => None,
            Some(p) if p == "https" || p == "http" => Some(p),
            _ => {
                return Err(invalid(
                    "options.serverless.protocol must be \"https\" or \"http\"",
                ))
            }
        };
        let port = get(&serverless, "port", "options.serverless.port")?;
        let port = if port.is_undefined() || port.is_null() {
            None
        } else {
            let port = port
                .as_f64()
                .filter(|p| fract(*p) == 0.0 && (1.0..=65_535.0).contains(p))
                .ok_or_else(|| {
                    invalid("options.serverless.port must be an integer from 1 to 65535")
                })?;
            // Exact: an integer within the u16 range.
            Some(port as u16)
        };
        let location = ServerlessLocation::resolve(Some(&domain), None, protocol.as_deref(), port)
            .map_err(|err| invalid(cat(&["options.serverless.domain: ", &err.message])))?;

        let token = function(options, "token")?;
        let on_events = function(options, "onEvents")?;

        let timeout = get(options, "requestTimeoutMs", "options.requestTimeoutMs")?;
        let request_timeout_ms = if timeout.is_undefined() || timeout.is_null() {
            DEFAULT_REQUEST_TIMEOUT_MS
        } else {
            let ms = timeout
                .as_f64()
                .filter(|ms| *ms > 0.0 && *ms <= f64::from(MAX_DELAY_MS))
                .ok_or_else(|| {
                    invalid(
                        "options.requestTimeoutMs must be a positive finite number of \
                         milliseconds (at most 2147483647)",
                    )
                })?;
            // Exact: within (0, 2^31).
            ceil(ms) as u32
        };
        Ok(Self {
            config,
            location,
            token,
            on_events,
            request_timeout_ms,
        })
    }
}

/// An `invalid_config` error.
fn invalid(message: impl Into<String>) -> ConferenceError {
    ConferenceError::new(ErrorCode::InvalidConfig, message)
}

/// `object[key]`; a throwing getter or proxy trap is an `invalid_config` error.
fn get(object: &JsValue, key: &str, path: &str) -> Result<JsValue, ConferenceError> {
    js::reflect_get(object, &JsValue::from_str(key)).map_err(|thrown| {
        invalid(cat(&[
            path,
            " could not be read: ",
            &thrown_message(&thrown),
        ]))
    })
}

/// `options[key]`, which must be a function.
fn function(options: &JsValue, key: &str) -> Result<Function, ConferenceError> {
    let path = cat(&["options.", key]);
    get(options, key, &path)?
        .dyn_into::<Function>()
        .map_err(|value| invalid(cat(&[&path, " must be a function, got ", &type_of(&value)])))
}
