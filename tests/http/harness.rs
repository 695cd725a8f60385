//! The HTTP test harness: the sim's control API, a Flex stand-in per agent driving a real
//! `ConferenceClient`, settling, and the final state.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use flex_conference::wasm::ConferenceClient;
use gloo_net::http::Request;
use js_sys::{Function, Object, Promise, Reflect, JSON};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::invariants::{self, Waivers};

/// The valid token of a fresh sim.
pub(crate) const TOKEN: &str = "sim-token";

/// How long nothing may change before a call counts as settled.
const QUIET_MS: f64 = 1_000.0;

/// How long a call may take to settle, or a condition to come true.
const PATIENCE_MS: f64 = 30_000.0;

/// How often the harness looks at the sim while waiting.
const TICK_MS: u32 = 40;

/// The running sim's base URL, compiled in by `cargo xtask test`.
pub(crate) fn sim_url() -> &'static str {
    match option_env!("FLEX_CONFERENCE_SIM_URL") {
        Some(url) => url,
        None => panic!(
            "FLEX_CONFERENCE_SIM_URL was not set when this test was built: run the HTTP suite \
             with `cargo xtask test` (or `--wasm`), which starts the sim and passes its URL"
        ),
    }
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: u32) -> JsValue;
}

/// `Date.now()`.
pub(crate) fn now() -> f64 {
    js_sys::Date::now()
}

/// Waits `ms` milliseconds of real time.
pub(crate) async fn sleep(ms: u32) {
    let promise = Promise::new(&mut |resolve, _reject| {
        set_timeout(&resolve, ms);
    });
    let _ = JsFuture::from(promise).await;
}

/// A JSON value as a JS value.
pub(crate) fn to_js(value: &Value) -> JsValue {
    JSON::parse(&value.to_string()).expect("JSON from serde_json parses")
}

/// A JS value as JSON (`undefined` → `null`).
pub(crate) fn from_js(value: &JsValue) -> Value {
    if value.is_undefined() {
        return Value::Null;
    }
    let text = JSON::stringify(value)
        .expect("the value stringifies")
        .as_string()
        .unwrap_or_default();
    serde_json::from_str(&text).expect("JSON.stringify gives JSON")
}

// ---------------------------------------------------------------------------------------------
// The sim's HTTP API.

/// An HTTP answer: status and body (JSON, or the text as a JSON string).
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Value,
    pub(crate) content_type: String,
}

async fn send(method: &str, path: &str, body: Option<Value>) -> Answer {
    let url = format!("{}{path}", sim_url());
    let builder = match method {
        "GET" => Request::get(&url),
        "POST" => Request::post(&url),
        "DELETE" => Request::delete(&url),
        other => panic!("no method {other}"),
    };
    let response = match body {
        Some(body) => {
            builder
                .header("Content-Type", "application/json")
                .body(body.to_string())
                .expect("a JSON body")
                .send()
                .await
        }
        None => builder.send().await,
    }
    .unwrap_or_else(|err| panic!("{method} {path}: the sim does not answer: {err}"));
    answer(response).await
}

async fn answer(response: gloo_net::http::Response) -> Answer {
    let status = response.status();
    let content_type = response.headers().get("content-type").unwrap_or_default();
    let text = response.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Answer {
        status,
        body,
        content_type,
    }
}

/// `GET` on the control API; the body, which must come with a 2xx.
pub(crate) async fn get(path: &str) -> Value {
    let a = send("GET", path, None).await;
    assert!(
        (200..300).contains(&a.status),
        "GET {path} answered {}: {}",
        a.status,
        a.body
    );
    a.body
}

/// `POST` JSON to the control API; the body, which must come with a 2xx.
pub(crate) async fn post(path: &str, body: Value) -> Value {
    let a = send("POST", path, Some(body)).await;
    assert!(
        (200..300).contains(&a.status),
        "POST {path} answered {}: {}",
        a.status,
        a.body
    );
    a.body
}

/// A serverless request as the template's client sends it: urlencoded form, `Token` included.
pub(crate) async fn serverless(endpoint: &str, fields: &[(&str, &str)]) -> Answer {
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                k,
                js_sys::encode_uri_component(v)
                    .as_string()
                    .unwrap_or_default()
            )
        })
        .collect();
    let url = format!("{}/common/flex/programmable-voice/{endpoint}", sim_url());
    let response = Request::post(&url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body.join("&"))
        .expect("a form body")
        .send()
        .await
        .unwrap_or_else(|err| panic!("{endpoint}: the sim does not answer: {err}"));
    answer(response).await
}

/// Injects a fault (`POST /sim/faults`); scope it to a conference so other calls are unaffected.
pub(crate) async fn fault(spec: Value) {
    post("/sim/faults", spec).await;
}

/// Changes the sim's settings (`POST /sim/settings`, a partial merge).
pub(crate) async fn settings(partial: Value) {
    post("/sim/settings", partial).await;
}

/// Drives a leg as a caller or Flex would (`answer`, `hangup`, `hold`, …).
pub(crate) async fn leg(call_sid: &str, action: &str) -> Answer {
    send(
        "POST",
        &format!("/sim/legs/{call_sid}/{action}"),
        Some(json!({})),
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// The final conference state.

/// `/sim/conferences/{sid}`, with lookups.
#[derive(Debug, Clone)]
pub(crate) struct Conference {
    pub(crate) json: Value,
}

impl Conference {
    /// `init`, `in-progress` or `completed`.
    pub(crate) fn status(&self) -> &str {
        self.json["status"].as_str().unwrap_or("")
    }

    /// Twilio's `reason_conference_ended`, if it ended.
    pub(crate) fn reason(&self) -> Option<&str> {
        self.json["reasonEnded"].as_str()
    }

    /// Every leg ever, in creation order.
    pub(crate) fn participants(&self) -> Vec<&Value> {
        self.json["participants"]
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default()
    }

    /// One leg by call SID.
    pub(crate) fn leg(&self, call_sid: &str) -> &Value {
        self.participants()
            .into_iter()
            .find(|p| p["callSid"] == call_sid)
            .unwrap_or_else(|| panic!("{call_sid} is not a leg of {}", self.json))
    }

    /// Connected legs, as `callSid → endConferenceOnExit`.
    pub(crate) fn live(&self) -> BTreeMap<String, bool> {
        self.participants()
            .into_iter()
            .filter(|p| p["status"] == "connected")
            .map(|p| {
                (
                    p["callSid"].as_str().unwrap_or_default().to_owned(),
                    p["endConferenceOnExit"] == true,
                )
            })
            .collect()
    }

    /// Legs created through `add-participant` (REST `unknown` legs).
    pub(crate) fn added(&self) -> Vec<&Value> {
        self.participants()
            .into_iter()
            .filter(|p| p["kind"] == "unknown")
            .collect()
    }

    /// Whether a leg is held.
    pub(crate) fn held(&self, call_sid: &str) -> bool {
        self.leg(call_sid)["hold"] == true
    }
}

/// Asserts the exact set of connected legs and their `endConferenceOnExit`, nobody held.
pub(crate) fn assert_live(conference: &Conference, expected: &[(&str, bool)], names: &Names) {
    let want: BTreeMap<String, bool> = expected
        .iter()
        .map(|(c, e)| ((*c).to_owned(), *e))
        .collect();
    let got = conference.live();
    assert_eq!(
        names.show_map(&got),
        names.show_map(&want),
        "connected legs and their endConferenceOnExit; conference: {}",
        conference.json
    );
    for (call_sid, _) in expected {
        assert!(
            !conference.held(call_sid),
            "{} is still held: {}",
            names.name(call_sid),
            conference.json
        );
    }
}

/// Readable names for call SIDs in assertion messages.
#[derive(Debug, Clone, Default)]
pub(crate) struct Names(BTreeMap<String, String>);

impl Names {
    pub(crate) fn add(&mut self, call_sid: &str, name: &str) {
        self.0.insert(call_sid.to_owned(), name.to_owned());
    }

    pub(crate) fn name(&self, call_sid: &str) -> String {
        self.0
            .get(call_sid)
            .cloned()
            .unwrap_or_else(|| call_sid.to_owned())
    }

    fn show_map(&self, m: &BTreeMap<String, bool>) -> BTreeMap<String, bool> {
        m.iter().map(|(c, e)| (self.name(c), *e)).collect()
    }
}

// ---------------------------------------------------------------------------------------------
// One agent's browser: Flex stand-in + the real ConferenceClient.

/// What one agent's browser saw.
#[derive(Debug, Default)]
pub(crate) struct Seen {
    /// Every event `onEvents` delivered, in order, with the time it arrived.
    pub(crate) events: Vec<(f64, Value)>,
    /// Set while a client call runs; an event delivered then breaks H13.
    pub(crate) inside_call: bool,
    /// Events delivered while a client call ran (must stay empty).
    pub(crate) reentrant: usize,
}

/// One agent: a worker, their leg, their Flex, their `ConferenceClient`.
pub(crate) struct Agent {
    pub(crate) name: &'static str,
    pub(crate) worker_sid: String,
    pub(crate) call_sid: String,
    task_sid: String,
    client: ConferenceClient,
    seen: Rc<RefCell<Seen>>,
    /// Index of the next event the Flex stand-in acts on.
    handled: usize,
    /// Last task version fed to the client.
    version: i64,
    /// The token the provider hands out (a test may change it: `tokenUpdated`).
    pub(crate) token: Rc<RefCell<String>>,
    /// How many times the client asked for the token.
    pub(crate) token_reads: Rc<RefCell<u32>>,
    _token_fn: Closure<dyn FnMut() -> JsValue>,
    _events_fn: Closure<dyn FnMut(JsValue)>,
}

/// The engine configuration the HTTP tests use unless a test says otherwise: the feature on,
/// the project's extensions (label, get-participant) on, fast polling, Twilio's valid test
/// caller ID.
pub(crate) fn config() -> Value {
    json!({
        "enabled": true,
        "extensions": true,
        "poll_initial_ms": 250,
        "poll_max_ms": 1000,
        "ring_timeout_ms": 60000,
        "default_caller_id": "+15005550006",
    })
}

impl Agent {
    /// A browser for worker `worker_sid` on leg `call_sid`, with `config`.
    pub(crate) fn new(
        name: &'static str,
        task_sid: &str,
        worker_sid: &str,
        call_sid: &str,
        config: Value,
    ) -> Self {
        let seen = Rc::new(RefCell::new(Seen::default()));
        let token = Rc::new(RefCell::new(TOKEN.to_owned()));
        let token_reads = Rc::new(RefCell::new(0u32));
        let token_fn = {
            let token = token.clone();
            let reads = token_reads.clone();
            Closure::<dyn FnMut() -> JsValue>::new(move || {
                *reads.borrow_mut() += 1;
                JsValue::from_str(&token.borrow())
            })
        };
        let events_fn = {
            let seen = seen.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |events: JsValue| {
                let mut seen = seen.borrow_mut();
                if seen.inside_call {
                    seen.reentrant += 1;
                }
                let at = now();
                if let Value::Array(list) = from_js(&events) {
                    for e in list {
                        seen.events.push((at, e));
                    }
                }
            })
        };
        let url = sim_url();
        let port: u16 = url
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("the sim URL has a port");
        let options = Object::new();
        let set = |k: &str, v: &JsValue| {
            Reflect::set(&options, &JsValue::from_str(k), v).expect("set an option");
        };
        set("config", &to_js(&config));
        set(
            "serverless",
            &to_js(&json!({"domain": "127.0.0.1", "protocol": "http", "port": port})),
        );
        set("token", token_fn.as_ref());
        set("onEvents", events_fn.as_ref());
        set("requestTimeoutMs", &JsValue::from_f64(5_000.0));
        let client = ConferenceClient::new(options.into())
            .unwrap_or_else(|e| panic!("the client accepts the options: {:?}", from_js(&e.into())));
        Self {
            name,
            worker_sid: worker_sid.to_owned(),
            call_sid: call_sid.to_owned(),
            task_sid: task_sid.to_owned(),
            client,
            seen,
            handled: 0,
            version: -1,
            token,
            token_reads,
            _token_fn: token_fn,
            _events_fn: events_fn,
        }
    }

    /// Every `notify` event so far.
    pub(crate) fn notifications(&self) -> Vec<Value> {
        self.events_of("notify")
    }

    /// Every event of `kind` so far.
    pub(crate) fn events_of(&self, kind: &str) -> Vec<Value> {
        self.seen
            .borrow()
            .events
            .iter()
            .filter(|(_, e)| e["kind"] == kind)
            .map(|(_, e)| e.clone())
            .collect()
    }

    /// Arrival times of the `notify` events.
    pub(crate) fn notification_times(&self) -> Vec<f64> {
        self.seen
            .borrow()
            .events
            .iter()
            .filter(|(_, e)| e["kind"] == "notify")
            .map(|(at, _)| *at)
            .collect()
    }

    /// Events delivered while a client call was still running (H13: must be 0).
    pub(crate) fn reentrant_deliveries(&self) -> usize {
        self.seen.borrow().reentrant
    }

    /// Requests the client has on the wire.
    pub(crate) fn pending_requests(&self) -> u32 {
        self.client.pending_requests()
    }

    /// The client's current view.
    pub(crate) fn view(&self) -> Value {
        from_js(&self.client.view())
    }

    /// Sends an intent, as the shim would on a click; the synchronous outcome.
    pub(crate) fn intent(&mut self, intent: Value) -> Value {
        self.seen.borrow_mut().inside_call = true;
        let outcome = self.client.handle_intent(to_js(&intent));
        self.seen.borrow_mut().inside_call = false;
        match outcome {
            Ok(outcome) => from_js(&outcome),
            Err(err) => panic!(
                "{}: the intent {intent} threw {:?}",
                self.name,
                from_js(&err.into())
            ),
        }
    }

    /// Fetches this agent's task view and feeds it when it changed; returns whether it did.
    async fn refresh(&mut self) -> bool {
        let task = get(&format!(
            "/sim/tasks/{}?worker={}",
            self.task_sid, self.worker_sid
        ))
        .await;
        let version = task["version"].as_i64().unwrap_or(-1);
        if version == self.version {
            return false;
        }
        self.version = version;
        self.seen.borrow_mut().inside_call = true;
        let fed = self.client.handle_snapshot(to_js(&task));
        self.seen.borrow_mut().inside_call = false;
        if let Err(err) = fed {
            panic!(
                "{}: the snapshot was refused: {:?}\n{task}",
                self.name,
                from_js(&err.into())
            );
        }
        true
    }

    /// Acts on new events as Flex and the shim would: native actions, the released hang-up.
    async fn act(&mut self, conference_sid: &str) -> bool {
        let fresh: Vec<Value> = {
            let seen = self.seen.borrow();
            seen.events[self.handled..]
                .iter()
                .map(|(_, e)| e.clone())
                .collect()
        };
        self.handled += fresh.len();
        for event in &fresh {
            match event["kind"].as_str() {
                Some("flex") => {
                    let action = event["action"].as_str().unwrap_or_default();
                    native(action, &event["payload"], conference_sid).await;
                }
                Some("hangup") if event["allow"] == true => {
                    // Flex's HangupCall goes on: the agent's Voice SDK call disconnects.
                    let _ = leg(&self.call_sid, "hangup").await;
                }
                _ => {}
            }
        }
        !fresh.is_empty()
    }
}

/// Flex's native action with Flex's routing (SPEC §3.8): a worker SID targets that worker, a
/// native participant SID that leg, anything else the customer.
pub(crate) async fn native(action: &str, payload: &Value, conference_sid: &str) {
    let conference = get(&format!("/sim/conferences/{conference_sid}")).await;
    let legs = conference["participants"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let connected = |p: &&Value| p["status"] == "connected";
    let customer = legs
        .iter()
        .filter(connected)
        .find(|p| p["kind"] == "customer")
        .and_then(|p| p["callSid"].as_str())
        .map(str::to_owned);
    let target = payload["targetSid"].as_str().unwrap_or_default();
    let addressed = legs
        .iter()
        .filter(connected)
        .find(|p| p["workerSid"] == target || p["participantSid"] == target)
        .and_then(|p| p["callSid"].as_str())
        .map(str::to_owned);
    let (call_sid, verb) = match action {
        "HoldParticipant" => (addressed.or(customer), "hold"),
        "UnholdParticipant" => (addressed.or(customer), "unhold"),
        "HoldCall" => (customer, "hold"),
        "UnholdCall" => (customer, "unhold"),
        "KickParticipant" => (addressed, "hangup"),
        other => panic!("the engine asked for an unknown native action {other}"),
    };
    if let Some(call_sid) = call_sid {
        let _ = leg(&call_sid, verb).await;
    }
}

// ---------------------------------------------------------------------------------------------
// A call.

/// One scenario's call: the sim's conference, its agents, the names of its legs.
pub(crate) struct Call {
    pub(crate) task_sid: String,
    pub(crate) conference_sid: String,
    pub(crate) customer: String,
    pub(crate) agents: Vec<Agent>,
    pub(crate) names: Names,
    /// Add intents the engine accepted (invariant 5).
    pub(crate) adds: usize,
    /// Exceptions to the invariants this scenario documents.
    pub(crate) waivers: Waivers,
}

/// The customer's number in every call.
pub(crate) const CUSTOMER_NUMBER: &str = "+14155550100";

impl Call {
    /// Resets the sim's settings and faults, then sets up A (worker `WK…a`) and C live, both
    /// `endConferenceOnExit` true as Flex leaves them, with A's browser on `config`.
    pub(crate) async fn start_with(config: Value) -> Self {
        post("/sim/reset", json!({})).await;
        let created = post(
            "/sim/calls",
            json!({
                "worker": {"sid": WORKER_A, "name": "Alice"},
                "customer": {"number": CUSTOMER_NUMBER},
            }),
        )
        .await;
        let s = |k: &str| created[k].as_str().expect("the call's SIDs").to_owned();
        let (task_sid, conference_sid) = (s("taskSid"), s("conferenceSid"));
        let (agent, customer) = (s("agentCallSid"), s("customerCallSid"));
        let mut names = Names::default();
        names.add(&agent, "A");
        names.add(&customer, "C");
        let a = Agent::new("A", &task_sid, WORKER_A, &agent, config);
        let mut call = Self {
            task_sid,
            conference_sid,
            customer,
            agents: vec![a],
            names,
            adds: 0,
            waivers: Waivers::default(),
        };
        call.settle().await;
        call
    }

    /// [`Call::start_with`] the default [`config`].
    pub(crate) async fn start() -> Self {
        Self::start_with(config()).await
    }

    /// Agent A.
    pub(crate) fn a(&mut self) -> &mut Agent {
        &mut self.agents[0]
    }

    /// A's leg.
    pub(crate) fn a_leg(&self) -> String {
        self.agents[0].call_sid.clone()
    }

    /// A second worker joins (an internal transfer: Flex gives them `false`), with a browser.
    pub(crate) async fn second_agent_joins(&mut self, config: Value) -> String {
        let created = post(
            &format!("/sim/conferences/{}/legs", self.conference_sid),
            json!({"kind": "worker", "workerSid": WORKER_B, "endConferenceOnExit": false}),
        )
        .await;
        let call_sid = created["callSid"]
            .as_str()
            .expect("B's call SID")
            .to_owned();
        self.names.add(&call_sid, "B");
        let b = Agent::new("B", &self.task_sid, WORKER_B, &call_sid, config);
        self.agents.push(b);
        call_sid
    }

    /// A leg joins outside the engine (`unknown` as REST-added legs show, or another kind).
    pub(crate) async fn leg_joins(&mut self, name: &str, spec: Value) -> String {
        let created = post(
            &format!("/sim/conferences/{}/legs", self.conference_sid),
            spec,
        )
        .await;
        let call_sid = created["callSid"].as_str().expect("a call SID").to_owned();
        self.names.add(&call_sid, name);
        call_sid
    }

    /// A dials `destination` with the "+" dialog; the outcome must be accepted.
    pub(crate) fn a_dials(&mut self, destination: &str) -> Value {
        let outcome = self.a().intent(json!({
            "kind": "addParticipant", "destination": destination, "callerId": null,
        }));
        if outcome["accepted"] == true {
            self.adds += 1;
        }
        outcome
    }

    /// Agent `i` clicks a participant row's button: the shim's before-listener sends the intent;
    /// unless the engine takes the operation over (`abortNative`), Flex's native action then runs
    /// with Flex's routing (a `targetSid` Flex doesn't know holds the customer). The outcome.
    pub(crate) async fn click(&mut self, i: usize, kind: &str, call_sid: &str) -> Value {
        let native_action = match kind {
            "hold" => "HoldParticipant",
            "unhold" => "UnholdParticipant",
            "kick" => "KickParticipant",
            other => panic!("no participant button {other}"),
        };
        let mut intent = json!({"kind": kind, "callSid": call_sid});
        if kind == "hold" {
            intent["nativeAction"] = json!("HoldParticipant");
        }
        let outcome = self.agents[i].intent(intent);
        if outcome["accepted"] == true && outcome["abortNative"] != true {
            let conference = self.conference().await;
            let row = conference.leg(call_sid);
            // The row's targetSid: a worker's SID, a native participant's SID, else the call SID.
            let target = row["workerSid"]
                .as_str()
                .or(row["participantSid"].as_str())
                .unwrap_or(call_sid)
                .to_owned();
            native(
                native_action,
                &json!({"targetSid": target}),
                &self.conference_sid,
            )
            .await;
        }
        outcome
    }

    /// Waits for the added leg to show up in the conference (ringing), and names it.
    pub(crate) async fn added_leg(&mut self, name: &str) -> String {
        let found = self
            .until(&format!("{name} is created"), move |_, c| {
                c.added().last().is_some()
            })
            .await;
        let call_sid = found
            .added()
            .last()
            .and_then(|p| p["callSid"].as_str())
            .expect("an added leg")
            .to_owned();
        self.names.add(&call_sid, name);
        call_sid
    }

    /// The conference as the sim has it now.
    pub(crate) async fn conference(&self) -> Conference {
        Conference {
            json: get(&format!("/sim/conferences/{}", self.conference_sid)).await,
        }
    }

    /// The serverless requests of this call, in order.
    pub(crate) async fn requests(&self) -> Vec<Value> {
        get(&format!("/sim/requests?conference={}", self.conference_sid))
            .await
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The requests to `endpoint`.
    pub(crate) async fn requests_to(&self, endpoint: &str) -> Vec<Value> {
        self.requests()
            .await
            .into_iter()
            .filter(|r| r["endpoint"] == endpoint)
            .collect()
    }

    /// One round: every agent's Flex catches up and acts; whether anything happened.
    async fn round(&mut self) -> bool {
        let conference_sid = self.conference_sid.clone();
        let mut moved = false;
        for agent in &mut self.agents {
            moved |= agent.refresh().await;
            moved |= agent.act(&conference_sid).await;
        }
        moved
    }

    /// Lets the call run until nothing has changed for a while: no task update, no event, no
    /// request.
    pub(crate) async fn settle(&mut self) {
        let start = now();
        let mut quiet_since = now();
        let mut requests = usize::MAX;
        loop {
            let mut moved = self.round().await;
            // Reads (the polling of a ringing leg) go on while a leg rings; they change nothing.
            let seen = self
                .requests()
                .await
                .iter()
                .filter(|r| {
                    !matches!(
                        r["endpoint"].as_str(),
                        Some("get-participant" | "get-call-properties")
                    )
                })
                .count();
            if seen != requests {
                requests = seen;
                moved = true;
            }
            // An answer still on its way (a slow backend) is not quiet.
            moved |= self.agents.iter().any(|a| a.pending_requests() > 0);
            if moved {
                quiet_since = now();
            } else if now() - quiet_since >= QUIET_MS {
                return;
            }
            assert!(
                now() - start < PATIENCE_MS,
                "the call did not settle within {PATIENCE_MS} ms: {}",
                self.conference().await.json
            );
            sleep(TICK_MS).await;
        }
    }

    /// Runs the call until `done(call, conference)` holds; the conference then.
    pub(crate) async fn until(
        &mut self,
        what: &str,
        done: impl Fn(&Self, &Conference) -> bool,
    ) -> Conference {
        let start = now();
        loop {
            self.round().await;
            let conference = self.conference().await;
            if done(self, &conference) {
                return conference;
            }
            assert!(
                now() - start < PATIENCE_MS,
                "waited {PATIENCE_MS} ms for: {what}\nconference: {}\nrequests: {:#}",
                conference.json,
                Value::Array(self.requests().await)
            );
            sleep(TICK_MS).await;
        }
    }

    /// Settles, checks the invariants, and returns the final state for the scenario's "Final".
    pub(crate) async fn finish(&mut self) -> Conference {
        self.settle().await;
        let conference = self.conference().await;
        let requests = self.requests().await;
        let violations = invariants::violations(self, &conference, &requests);
        assert!(
            violations.is_empty(),
            "invariants broken:\n  {}\nconference: {}\nrequests: {:#}",
            violations.join("\n  "),
            conference.json,
            Value::Array(requests)
        );
        conference
    }

    /// The name of a leg, for messages.
    pub(crate) fn name(&self, call_sid: &str) -> String {
        self.names.name(call_sid)
    }
}

/// Agent A's worker SID.
pub(crate) const WORKER_A: &str = "WK000000000000000000000000000000a1";

/// Agent B's worker SID.
pub(crate) const WORKER_B: &str = "WK000000000000000000000000000000b2";

/// A notification id in the events, for assertions.
pub(crate) fn notification_ids(agent: &Agent) -> Vec<String> {
    agent
        .notifications()
        .iter()
        .map(|n| n["notification"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The `participant`/`endConferenceOnExit` pairs of `update-participant` requests.
pub(crate) fn ecoe_writes(requests: &[Value]) -> Vec<(String, String)> {
    requests
        .iter()
        .filter(|r| r["endpoint"] == "update-participant")
        .map(|r| {
            (
                r["params"]["participant"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                r["params"]["endConferenceOnExit"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect()
}
