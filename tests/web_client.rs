//! `ConferenceClient` in headless Chromium: what the shim and the backend see of the driver.
//! Requests go either to an unreachable address (`http://127.0.0.1:9`) or to a fake `fetch`
//! installed on the page for one test (a tiny echoing backend in JS), so no server is needed.
//! Everything is driven through the generated JS glue, as the shim drives it.

#![cfg(target_arch = "wasm32")]

use flex_conference::wasm::ConferenceClient;
use js_sys::{Array, Function, Promise, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const TASK: &str = "WT00000000000000000000000000000001";
const CONFERENCE: &str = "CF00000000000000000000000000000001";
const AGENT: &str = "CA000000000000000000000000000000a1";
const CUSTOMER: &str = "CA000000000000000000000000000000c1";
const ADDED: &str = "CA000000000000000000000000000000e1";

/// Holds of the added leg go straight to `hold-participant` (no pre-hold flag write first).
const CONFIG: &str = "{ enabled: true, pre_hold_flag: false }";

/// The test page's JS: a harness that records what `onEvents` gets and counts token calls, and a
/// fake `fetch` that records requests and answers like the template's functions (echoing the
/// participant's fields), unless `h.respond` says otherwise.
const HARNESS: &str = r#"
(config) => {
  const h = {
    batches: [], events: [], returned: [], requests: [], tokenCalls: 0,
    callReturned: true, client: null, onBatch: null, respond: null,
    tokenFn: (n) => "tok-" + n,
  };
  h.options = {
    config,
    serverless: { domain: "127.0.0.1", protocol: "http", port: 9 },
    token: () => { h.tokenCalls += 1; return h.tokenFn(h.tokenCalls); },
    onEvents: (events) => {
      h.returned.push(h.callReturned);
      h.batches.push(events);
      h.events.push(...events);
      if (h.onBatch) h.onBatch(events, h);
    },
  };
  h.echo = (form) => {
    const p = { callSid: form.participant };
    for (const k of ["endConferenceOnExit", "hold", "muted"]) {
      if (k in form) p[k] = form[k] === "true";
    }
    return new Response(JSON.stringify({ success: true, participantsResponse: p }),
      { status: 200, headers: { "Content-Type": "application/json" } });
  };
  h.fakeFetch = async (input, init) => {
    const req = input instanceof Request ? input : new Request(input, init);
    const body = await req.text();
    const form = Object.fromEntries(new URLSearchParams(body));
    h.requests.push({ url: req.url, method: req.method, headers: [...req.headers], body, form });
    return (h.respond || h.echo)(form, req);
  };
  // The page's own fetch, kept once, so a test that failed before restoring can't leak its fake.
  globalThis.realFetchForTests ??= globalThis.fetch;
  h.install = () => { globalThis.fetch = h.fakeFetch; };
  h.restore = () => { globalThis.fetch = globalThis.realFetchForTests; };
  return h;
}
"#;

/// Evaluates a JS expression to a value.
fn js(expr: &str) -> JsValue {
    Function::new_no_args(&format!("return ({expr});"))
        .call0(&JsValue::NULL)
        .expect("the test's JS expression evaluates")
}

/// `value[path[0]][path[1]]…`.
fn prop(value: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(value.clone(), |v, key| {
        Reflect::get(&v, &JsValue::from_str(key)).expect("property read")
    })
}

fn set(object: &JsValue, key: &str, value: &JsValue) {
    Reflect::set(object, &JsValue::from_str(key), value).expect("property write");
}

fn string(value: &JsValue, path: &str) -> String {
    let v = prop(value, path);
    v.as_string()
        .unwrap_or_else(|| panic!("{path} is a string, got {v:?}"))
}

fn number(value: &JsValue, path: &str) -> f64 {
    let v = prop(value, path);
    v.as_f64()
        .unwrap_or_else(|| panic!("{path} is a number, got {v:?}"))
}

fn json(value: &JsValue) -> String {
    JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

/// Calls `obj[method](...args)` through the generated JS glue, catching what it throws.
fn call(obj: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let f: Function = prop(obj, method).dyn_into().expect("method is a function");
    f.apply(obj, &args.iter().collect::<Array>())
}

/// A fresh harness for `config` (a JS expression).
fn harness(config: &str) -> JsValue {
    let make: Function = js(HARNESS).dyn_into().expect("the harness is a function");
    make.call1(&JsValue::NULL, &js(config))
        .expect("the harness builds")
}

/// A client built from the harness's options, as a JS object (also stored as `h.client`).
fn new_client(h: &JsValue) -> JsValue {
    let client = ConferenceClient::new(prop(h, "options")).expect("valid options");
    let client = JsValue::from(client);
    set(h, "client", &client);
    client
}

/// The agent, the customer and an added (`unknown`) leg, all joined.
fn task() -> JsValue {
    js(&format!(
        r#"{{
            taskSid: "{TASK}", status: "accepted",
            attributes: {{ conference: {{ sid: "{CONFERENCE}" }} }},
            conference: {{
                conferenceSid: "{CONFERENCE}",
                participants: [
                    {{ callSid: "{AGENT}", participantType: "worker", status: "joined",
                       onHold: false, muted: false, isCurrentWorker: true,
                       workerSid: "WK00000000000000000000000000000001", connecting: false }},
                    {{ callSid: "{CUSTOMER}", participantType: "customer", status: "joined",
                       onHold: false, muted: false, isCurrentWorker: false, connecting: false }},
                    {{ callSid: "{ADDED}", participantType: "unknown", status: "joined",
                       onHold: false, muted: false, isCurrentWorker: false, connecting: false }}
                ]
            }}
        }}"#
    ))
}

fn intent(kind: &str) -> JsValue {
    js(&format!(r#"{{ kind: "{kind}", callSid: "{ADDED}" }}"#))
}

/// Feeds an input the way the shim does and marks, right after the call returns, that it has
/// returned: `onEvents` records whether it saw the mark.
fn input(h: &JsValue, method: &str, arg: JsValue) -> Result<JsValue, JsValue> {
    set(h, "callReturned", &JsValue::FALSE);
    let result = call(&prop(h, "client"), method, &[arg]);
    set(h, "callReturned", &JsValue::TRUE);
    result
}

async fn sleep(ms: u32) {
    let promise: Promise = js(&format!("new Promise((r) => setTimeout(r, {ms}))"))
        .dyn_into()
        .expect("a promise");
    JsFuture::from(promise).await.expect("the timer resolves");
}

/// Waits (polling) until `done` holds or `timeout_ms` passed; returns whether it held.
async fn wait_until(timeout_ms: u32, mut done: impl FnMut() -> bool) -> bool {
    let mut waited = 0;
    while !done() {
        if waited >= timeout_ms {
            return false;
        }
        sleep(20).await;
        waited += 20;
    }
    true
}

fn events(h: &JsValue) -> Vec<JsValue> {
    Array::from(&prop(h, "events")).iter().collect()
}

fn batches(h: &JsValue) -> u32 {
    Array::from(&prop(h, "batches")).length()
}

fn requests(h: &JsValue) -> Vec<JsValue> {
    Array::from(&prop(h, "requests")).iter().collect()
}

/// The `notify` events with this notification id.
fn notifications(h: &JsValue, id: &str) -> Vec<JsValue> {
    events(h)
        .into_iter()
        .filter(|e| string(e, "kind") == "notify" && string(e, "notification") == id)
        .collect()
}

/// Waits (2 s each) for a `hold-participant` request to go out, then for the added leg's view to
/// show no pending operation; `sent` and `settled` say what failed.
async fn assert_hold_sent_then_settled(h: &JsValue, sent: &str, settled: &str) {
    assert!(
        wait_until(2_000, || {
            requests(h)
                .iter()
                .any(|r| string(r, "url").ends_with("/hold-participant"))
        })
        .await,
        "{sent}"
    );
    assert!(
        wait_until(2_000, || last_pending_of_added_leg(h).as_deref()
            == Some("[]"))
        .await,
        "{settled}: {}",
        json(&prop(h, "events"))
    );
}

/// The `pending` list of the added leg in the last `view` event, if it shows the leg.
fn last_pending_of_added_leg(h: &JsValue) -> Option<String> {
    let view = events(h)
        .into_iter()
        .rev()
        .find(|e| string(e, "kind") == "view")?;
    Array::from(&prop(&view, "view.participants"))
        .iter()
        .find(|leg| string(leg, "callSid") == ADDED)
        .map(|leg| json(&prop(&leg, "pending")))
}

fn assert_conference_error(err: &JsValue, code: &str) {
    assert!(err.is_instance_of::<js_sys::Error>(), "{err:?} is an Error");
    assert_eq!(string(err, "name"), "ConferenceError");
    assert_eq!(string(err, "code"), code, "{}", string(err, "message"));
}

#[wasm_bindgen_test]
async fn a_hold_against_an_unreachable_backend_ends_in_a_hold_failed_notification() {
    let h = harness(CONFIG);
    call(&h, "restore", &[]).expect("the page's own fetch");
    let client = new_client(&h);
    input(&h, "handleSnapshot", task()).expect("valid snapshot");
    let outcome = input(&h, "handleIntent", intent("hold")).expect("well-formed intent");
    assert_eq!(prop(&outcome, "accepted"), JsValue::TRUE);
    assert_eq!(prop(&outcome, "abortNative"), JsValue::TRUE);

    // Network errors are retried with backoff (at most ~6 s in all) before the engine gives up.
    let failed = wait_until(30_000, || {
        !notifications(&h, "PS_ConferenceHoldFailed").is_empty()
    })
    .await;
    assert!(
        failed,
        "the hold failure is notified: {}",
        json(&prop(&h, "events"))
    );
    let note = &notifications(&h, "PS_ConferenceHoldFailed")[0];
    assert_eq!(number(note, "context.status"), 0.0, "no response arrived");
    assert!(!string(note, "context.message").is_empty());
    assert!(
        number(&h, "tokenCalls") >= 2.0,
        "every attempt asked for the token"
    );
    assert!(
        !json(&prop(&h, "events")).contains("tok-"),
        "no event carries the token"
    );
    call(&client, "free", &[]).expect("free");
}

#[wasm_bindgen_test]
async fn events_are_delivered_only_after_the_call_that_produced_them_has_returned() {
    let h = harness(CONFIG);
    call(&h, "install", &[]).expect("fake fetch");
    let client = new_client(&h);

    input(&h, "handleSnapshot", task()).expect("valid snapshot");
    assert_eq!(batches(&h), 0, "nothing is delivered during the call");
    assert!(
        wait_until(2_000, || batches(&h) >= 1).await,
        "the view arrives"
    );
    let first = events(&h);
    assert_eq!(
        string(&first[0], "kind"),
        "view",
        "the first input emits the view"
    );
    assert_eq!(string(&first[0], "view.conferenceSid"), CONFERENCE);

    let before = batches(&h);
    input(&h, "handleIntent", intent("hold")).expect("well-formed intent");
    assert_eq!(batches(&h), before, "nothing is delivered during the call");
    assert!(
        wait_until(2_000, || last_pending_of_added_leg(&h).as_deref()
            == Some("[]"))
        .await,
        "the hold shows as pending, then settles: {}",
        json(&prop(&h, "events"))
    );
    let returned: Vec<JsValue> = Array::from(&prop(&h, "returned")).iter().collect();
    assert!(
        returned.iter().all(|r| *r == JsValue::TRUE),
        "every batch came after its call returned: {returned:?}"
    );
    call(&h, "restore", &[]).expect("restore");
    call(&client, "free", &[]).expect("free");
}

#[wasm_bindgen_test]
async fn a_held_leg_shows_as_pending_until_the_backend_answers_and_then_settles() {
    let h = harness(CONFIG);
    call(&h, "install", &[]).expect("fake fetch");
    let client = new_client(&h);
    input(&h, "handleSnapshot", task()).expect("valid snapshot");
    input(&h, "handleIntent", intent("hold")).expect("well-formed intent");
    assert_hold_sent_then_settled(&h, "the hold is sent", "the hold settles").await;
    let pendings: Vec<String> = events(&h)
        .iter()
        .filter(|e| string(e, "kind") == "view")
        .filter_map(|e| {
            Array::from(&prop(e, "view.participants"))
                .iter()
                .find(|leg| string(leg, "callSid") == ADDED)
                .map(|leg| json(&prop(&leg, "pending")))
        })
        .collect();
    assert!(
        pendings.contains(&r#"["hold"]"#.to_owned()),
        "a view showed the hold in flight: {pendings:?}"
    );
    let views: Vec<String> = events(&h)
        .iter()
        .filter(|e| string(e, "kind") == "view")
        .map(|e| json(&prop(e, "view")))
        .collect();
    assert!(
        views.windows(2).all(|w| w[0] != w[1]),
        "a view event is sent only when the view changed"
    );
    let view = call(&client, "view", &[]).expect("view");
    assert_eq!(json(&view), *views.last().expect("a view"));
    call(&h, "restore", &[]).expect("restore");
    call(&client, "free", &[]).expect("free");
}

#[wasm_bindgen_test]
async fn requests_are_simple_urlencoded_posts_with_a_fresh_token_in_each() {
    let h = harness(CONFIG);
    call(&h, "install", &[]).expect("fake fetch");
    let client = new_client(&h);
    input(&h, "handleSnapshot", task()).expect("valid snapshot");
    input(&h, "handleIntent", intent("mute")).expect("well-formed intent");
    let muted = || {
        requests(&h)
            .iter()
            .any(|r| string(r, "url").ends_with("/mute-participant"))
    };
    assert!(wait_until(2_000, muted).await, "the mute is sent");
    assert!(
        wait_until(2_000, || last_pending_of_added_leg(&h).as_deref()
            != Some(r#"["mute"]"#))
        .await
    );
    input(&h, "handleIntent", intent("unmute")).expect("well-formed intent");
    assert!(
        wait_until(2_000, || {
            requests(&h)
                .iter()
                .filter(|r| string(r, "url").ends_with("/mute-participant"))
                .count()
                == 2
        })
        .await,
        "the unmute is sent"
    );

    let sent = requests(&h);
    assert_eq!(
        number(&h, "tokenCalls") as usize,
        sent.len(),
        "the token is asked for once per request"
    );
    for (n, r) in sent.iter().enumerate() {
        assert_eq!(string(r, "method"), "POST");
        assert!(
            string(r, "url").starts_with("http://127.0.0.1:9/common/flex/programmable-voice/"),
            "{}",
            string(r, "url")
        );
        assert_eq!(
            json(&prop(r, "headers")),
            r#"[["content-type","application/x-www-form-urlencoded"]]"#,
            "one header: a CORS simple request"
        );
        assert_eq!(
            string(r, "form.Token"),
            format!("tok-{}", n + 1),
            "each request carries the token current at its send"
        );
        assert!(string(r, "body").ends_with(&format!("&Token=tok-{}", n + 1)));
    }
    let mutes: Vec<&JsValue> = sent
        .iter()
        .filter(|r| string(r, "url").ends_with("/mute-participant"))
        .collect();
    assert_eq!(string(mutes[0], "form.conference"), CONFERENCE);
    assert_eq!(string(mutes[0], "form.participant"), ADDED);
    assert_eq!(string(mutes[0], "form.muted"), "true");
    assert_eq!(string(mutes[1], "form.muted"), "false");
    assert!(
        !json(&prop(&h, "events")).contains("tok-"),
        "no event carries the token"
    );
    call(&h, "restore", &[]).expect("restore");
    call(&client, "free", &[]).expect("free");
}

#[wasm_bindgen_test]
async fn a_token_provider_that_fails_sends_nothing_and_tells_the_agent_the_login_expired() {
    for failing in [
        "() => { throw new Error('session gone'); }",
        "() => ''",
        "() => undefined",
        "() => Promise.resolve('tok')",
    ] {
        let h = harness(CONFIG);
        set(&h, "tokenFn", &js(failing));
        call(&h, "install", &[]).expect("fake fetch");
        let client = new_client(&h);
        input(&h, "handleSnapshot", task()).expect("valid snapshot");
        input(&h, "handleIntent", intent("hold")).expect("well-formed intent");
        assert!(
            wait_until(2_000, || {
                !notifications(&h, "PS_ConferenceAuthExpired").is_empty()
            })
            .await,
            "{failing}: the agent is told the login expired: {}",
            json(&prop(&h, "events"))
        );
        assert!(requests(&h).is_empty(), "{failing}: nothing was sent");
        let note = &notifications(&h, "PS_ConferenceAuthExpired")[0];
        assert_eq!(number(note, "context.status"), 403.0);
        assert!(
            string(note, "context.message").starts_with("Token provider failed: "),
            "{}",
            string(note, "context.message")
        );
        assert_eq!(
            notifications(&h, "PS_ConferenceAuthExpired").len(),
            1,
            "{failing}: told once"
        );
        call(&h, "restore", &[]).expect("restore");
        call(&client, "free", &[]).expect("free");
    }
}

#[wasm_bindgen_test]
async fn a_403_text_answer_from_the_backend_tells_the_agent_the_login_expired() {
    let h = harness(CONFIG);
    set(
        &h,
        "respond",
        &js(
            r#"() => new Response("Unauthorized: Token was not provided",
                   { status: 403, headers: { "Content-Type": "plain/text" } })"#,
        ),
    );
    call(&h, "install", &[]).expect("fake fetch");
    let client = new_client(&h);
    input(&h, "handleSnapshot", task()).expect("valid snapshot");
    input(&h, "handleIntent", intent("hold")).expect("well-formed intent");
    assert!(
        wait_until(2_000, || {
            !notifications(&h, "PS_ConferenceAuthExpired").is_empty()
        })
        .await,
        "the agent is told the login expired: {}",
        json(&prop(&h, "events"))
    );
    let note = &notifications(&h, "PS_ConferenceAuthExpired")[0];
    assert_eq!(
        string(note, "context.message"),
        "Unauthorized: Token was not provided"
    );
    call(&h, "restore", &[]).expect("restore");
    call(&client, "free", &[]).expect("free");
}

#[wasm_bindgen_test]
async fn a_request_without_an_answer_is_aborted_at_the_deadline_and_reported() {
    let h = harness(CONFIG);
    set(
        &prop(&h, "options"),
        "requestTimeoutMs",
        &JsValue::from_f64(50.0),
    );
    // The backend accepts the request and never answers.
    set(
        &h,
        "respond",
        &js("(form, req) => new Promise((_, reject) => \
             req.signal.addEventListener('abort', () => reject(req.signal.reason)))"),
    );
    call(&h, "install", &[]).expect("fake fetch");
    let client = new_client(&h);
    input(&h, "handleSnapshot", task()).expect("valid snapshot");
    input(&h, "handleIntent", intent("mute")).expect("well-formed intent");
    assert!(
        wait_until(30_000, || {
            !notifications(&h, "PS_ConferenceMuteFailed").is_empty()
        })
        .await,
        "the mute failure is notified: {}",
        json(&prop(&h, "events"))
    );
    let note = &notifications(&h, "PS_ConferenceMuteFailed")[0];
    assert_eq!(number(note, "context.status"), 0.0, "no response arrived");
    assert_eq!(string(note, "context.message"), "No response within 50 ms");
    let mutes = requests(&h)
        .iter()
        .filter(|r| string(r, "url").ends_with("/mute-participant"))
        .count();
    assert!(mutes > 1, "the idempotent mute was retried: {mutes}");
    call(&h, "restore", &[]).expect("restore");
    call(&client, "free", &[]).expect("free");
}

#[wasm_bindgen_test]
async fn an_on_events_callback_that_throws_does_not_stop_later_events() {
    let h = harness(CONFIG);
    set(
        &h,
        "onBatch",
        &js("() => { throw new Error('the shim broke'); }"),
    );
    call(&h, "install", &[]).expect("fake fetch");
    let client = new_client(&h);
    input(&h, "handleSnapshot", task()).expect("valid snapshot");
    assert!(wait_until(2_000, || batches(&h) >= 1).await);
    input(&h, "handleIntent", intent("hold")).expect("the client still takes input");
    assert!(
        wait_until(2_000, || last_pending_of_added_leg(&h).as_deref()
            == Some("[]"))
        .await,
        "later events still arrive: {}",
        json(&prop(&h, "events"))
    );
    assert!(batches(&h) >= 2, "every batch was delivered");
    call(&h, "restore", &[]).expect("restore");
    call(&client, "free", &[]).expect("free");
}

#[wasm_bindgen_test]
async fn on_events_can_call_back_into_the_client() {
    let h = harness(CONFIG);
    // On the first batch, the shim asks for a hold and reads the view from inside the callback.
    set(
        &h,
        "onBatch",
        &js(&format!(
            r#"(events, h) => {{
                if (h.reentered) return;
                h.reentered = true;
                h.outcome = h.client.handleIntent({{ kind: "hold", callSid: "{ADDED}" }});
                h.viewInside = h.client.view();
            }}"#
        )),
    );
    call(&h, "install", &[]).expect("fake fetch");
    let client = new_client(&h);

    input(&h, "handleSnapshot", task()).expect("valid snapshot");
    assert!(
        wait_until(2_000, || prop(&h, "outcome").is_object()).await,
        "the callback ran"
    );
    let outcome = prop(&h, "outcome");
    assert_eq!(
        prop(&outcome, "accepted"),
        JsValue::TRUE,
        "{}",
        json(&outcome)
    );
    assert_eq!(
        string(&prop(&h, "viewInside"), "conferenceSid"),
        CONFERENCE,
        "view() works inside the callback"
    );
    assert_hold_sent_then_settled(
        &h,
        "the hold asked for inside the callback is sent",
        "and its events arrive in a later batch",
    )
    .await;
    call(&h, "restore", &[]).expect("restore");
    call(&client, "free", &[]).expect("free");
}

/// A client whose backend answers every request 429, 100 ms late, after a hold intent was sent.
fn holding_against_late_429s() -> (JsValue, JsValue) {
    let h = harness(CONFIG);
    set(
        &h,
        "respond",
        &js(
            "(form) => new Promise((r) => setTimeout(() => r(new Response('{}', \
             { status: 429 })), 100))",
        ),
    );
    call(&h, "install", &[]).expect("fake fetch");
    let client = new_client(&h);
    input(&h, "handleSnapshot", task()).expect("valid snapshot");
    input(&h, "handleIntent", intent("hold")).expect("well-formed intent");
    (h, client)
}

#[wasm_bindgen_test]
async fn after_free_no_callback_runs_even_when_answers_and_timers_come_due() {
    let (h, client) = holding_against_late_429s();
    call(&client, "free", &[]).expect("free right after the call, before any delivery");
    sleep(600).await;
    assert_eq!(batches(&h), 0, "no events after free");
    let sent = requests(&h).len();
    sleep(400).await;
    assert_eq!(
        requests(&h).len(),
        sent,
        "no retry is sent after free (the 429s would be retried otherwise)"
    );
    call(&h, "restore", &[]).expect("restore");

    // Freed after some events were delivered: the late answers find nobody.
    let (h, client) = holding_against_late_429s();
    assert!(wait_until(2_000, || batches(&h) >= 1).await);
    call(&client, "free", &[]).expect("free");
    let delivered = batches(&h);
    sleep(600).await;
    assert_eq!(batches(&h), delivered, "no events after free");
    call(&h, "restore", &[]).expect("restore");
}

#[wasm_bindgen_test]
fn bad_options_are_refused_with_invalid_config_naming_the_key() {
    let cases = [
        ("42", "options"),
        ("null", "options"),
        (
            "{ ...h.options, serverless: undefined }",
            "options.serverless",
        ),
        (
            "{ ...h.options, serverless: { protocol: 'http' } }",
            "options.serverless.domain",
        ),
        (
            "{ ...h.options, serverless: { domain: '  ' } }",
            "options.serverless.domain",
        ),
        (
            "{ ...h.options, serverless: { domain: 'https://x.twil.io' } }",
            "options.serverless.domain",
        ),
        (
            "{ ...h.options, serverless: { domain: 'x.twil.io', protocol: 'ftp' } }",
            "options.serverless.protocol",
        ),
        (
            "{ ...h.options, serverless: { domain: 'x.twil.io', port: 70000 } }",
            "options.serverless.port",
        ),
        (
            "{ ...h.options, serverless: { domain: 'x.twil.io', port: '3000' } }",
            "options.serverless.port",
        ),
        ("{ ...h.options, token: 'tok' }", "options.token"),
        ("{ ...h.options, token: undefined }", "options.token"),
        ("{ ...h.options, onEvents: null }", "options.onEvents"),
        (
            "{ ...h.options, requestTimeoutMs: 0 }",
            "options.requestTimeoutMs",
        ),
        (
            "{ ...h.options, requestTimeoutMs: -5 }",
            "options.requestTimeoutMs",
        ),
        (
            "{ ...h.options, requestTimeoutMs: NaN }",
            "options.requestTimeoutMs",
        ),
        (
            "{ ...h.options, requestTimeoutMs: Infinity }",
            "options.requestTimeoutMs",
        ),
        (
            "{ ...h.options, requestTimeoutMs: '15000' }",
            "options.requestTimeoutMs",
        ),
        ("{ ...h.options, config: { enabled: 'yes' } }", "enabled"),
        ("{ ...h.options, config: 10n }", "options.config"),
        (
            "{ ...h.options, get token() { throw new Error('getter threw'); } }",
            "options.token",
        ),
    ];
    let h = harness(CONFIG);
    for (expr, key) in cases {
        let make = Function::new_with_args("h", &format!("return ({expr});"));
        let options = make
            .call1(&JsValue::NULL, &h)
            .expect("the options evaluate");
        let err = ConferenceClient::new(options)
            .err()
            .unwrap_or_else(|| panic!("{expr} is refused"));
        let err = JsValue::from(err);
        assert_conference_error(&err, "invalid_config");
        assert!(
            string(&err, "message").contains(key),
            "{expr}: the message names {key}: {}",
            string(&err, "message")
        );
    }
    // And the defaults: no config, no protocol, port or timeout.
    let minimal = js(
        "{ serverless: { domain: 'x-1234-dev.twil.io' }, token: () => 't', \
                      onEvents: () => {} }",
    );
    ConferenceClient::new(minimal).expect("the minimal options are valid");
}

#[wasm_bindgen_test]
fn snapshots_and_intents_are_checked_like_the_engine_checks_them() {
    let h = harness(CONFIG);
    let client = new_client(&h);
    let err = input(&h, "handleSnapshot", js("{ taskSid: '' }")).expect_err("malformed");
    assert_conference_error(&err, "invalid_snapshot");
    input(&h, "handleSnapshot", task()).expect("valid snapshot");
    let other = js(r#"{ taskSid: "WT2", conference: { conferenceSid: "CF2", participants: [] } }"#);
    let err = input(&h, "handleSnapshot", other).expect_err("another task");
    assert_conference_error(&err, "task_mismatch");
    let err = input(&h, "handleIntent", js(r#"{ kind: "dance" }"#)).expect_err("malformed");
    assert_conference_error(&err, "invalid_intent");
    let refused = input(
        &h,
        "handleIntent",
        js(r#"{ kind: "kick", callSid: "CAnobody" }"#),
    )
    .expect("well-formed");
    assert_eq!(prop(&refused, "accepted"), JsValue::FALSE);
    assert_eq!(string(&refused, "error.code"), "unknown_participant");
    let class: Function = prop(&client, "constructor").dyn_into().expect("class");
    assert_eq!(String::from(class.name()), "ConferenceClient");
    call(&client, "free", &[]).expect("free");
}
