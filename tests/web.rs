//! Boundary tests in headless Chromium: what JavaScript sees of `ConferenceEngine` — serialized
//! shapes (plain objects, `null` never `undefined`), error objects and codes, and that no JS value
//! passed in can panic the module or leave the engine unusable. Behaviour lives in the native
//! scenario tests; these check the crossing only.

#![cfg(target_arch = "wasm32")]

use flex_conference::wasm::{versions, ConferenceEngine};
use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const NOW: f64 = 1_764_000_000_000.0;
const TASK: &str = "WT00000000000000000000000000000001";
const CONFERENCE: &str = "CF00000000000000000000000000000001";
const AGENT: &str = "CA000000000000000000000000000000a1";
const CUSTOMER: &str = "CA000000000000000000000000000000c1";
const ADDED: &str = "CA000000000000000000000000000000e1";

/// Evaluates a JS expression (object literals, `Symbol()`, `10n`, …) to a value.
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

fn string(value: &JsValue, path: &str) -> String {
    let v = prop(value, path);
    v.as_string()
        .unwrap_or_else(|| panic!("{path} is a string, got {v:?}"))
}

fn now(offset_ms: f64) -> JsValue {
    JsValue::from_f64(NOW + offset_ms)
}

/// Asserts that `err` is what a throwing export throws: a real `Error` named ConferenceError with
/// a stack, a readable message and the expected code.
fn assert_conference_error(err: JsValue, code: &str) {
    assert!(err.is_instance_of::<js_sys::Error>(), "{err:?} is an Error");
    assert_eq!(string(&err, "name"), "ConferenceError");
    assert_eq!(string(&err, "code"), code, "{err:?}");
    assert!(!string(&err, "message").is_empty());
    assert!(prop(&err, "stack").is_string(), "the error has a stack");
}

fn is_plain_object(value: &JsValue) -> bool {
    value.is_object()
        && Object::is(
            &Object::get_prototype_of(value),
            &Object::get_prototype_of(&Object::new()),
        )
}

fn engine(config: &str) -> ConferenceEngine {
    ConferenceEngine::new(js(config)).expect("valid config")
}

/// A Flex-shaped task: the agent and the customer, both joined, plus whatever else is given.
fn task(extra_participants: &str) -> JsValue {
    js(&format!(
        r#"{{
            taskSid: "{TASK}", status: "accepted", sid: "WR1", queueName: "Everyone",
            attributes: {{ conference: {{ sid: "{CONFERENCE}" }}, from: "+15005550001" }},
            conference: {{
                conferenceSid: "{CONFERENCE}", liveParticipantCount: 2,
                participants: [
                    {{ callSid: "{AGENT}", participantType: "worker", status: "joined",
                       onHold: false, muted: false, isCurrentWorker: true,
                       workerSid: "WK00000000000000000000000000000001", connecting: false }},
                    {{ callSid: "{CUSTOMER}", participantType: "customer", status: "joined",
                       onHold: false, muted: false, isCurrentWorker: false, connecting: false }},
                    {extra_participants}
                ]
            }}
        }}"#
    ))
}

/// A live two-party call with the feature on.
fn live_engine() -> ConferenceEngine {
    let mut e = engine(r#"{ enabled: true, default_caller_id: "+15005550006" }"#);
    e.handle_snapshot(task(""), now(0.0))
        .expect("valid snapshot");
    drain(&mut e);
    e
}

fn drain(e: &mut ConferenceEngine) -> Vec<JsValue> {
    let mut out = Vec::new();
    loop {
        let cmd = e.poll_command();
        if cmd.is_null() {
            return out;
        }
        assert!(
            !cmd.is_undefined(),
            "pollCommand returns null, not undefined"
        );
        out.push(cmd);
    }
}

fn add(e: &mut ConferenceEngine, destination: &str) -> JsValue {
    let intent = js(&format!(
        r#"{{ kind: "addParticipant", destination: "{destination}", callerId: null }}"#
    ));
    e.handle_intent(intent, now(1_000.0))
        .expect("well-formed intent")
}

fn api_commands<'a>(cmds: &'a [JsValue], endpoint: &str) -> Vec<&'a JsValue> {
    cmds.iter()
        .filter(|c| string(c, "kind") == "api" && string(c, "endpoint") == endpoint)
        .collect()
}

fn ok_result(body: &str) -> JsValue {
    js(&format!(
        "{{ ok: true, status: 200, body: {body}, networkError: null }}"
    ))
}

#[wasm_bindgen_test]
fn a_config_with_a_wrongly_typed_key_throws_an_invalid_config_error() {
    let err = ConferenceEngine::new(js(r#"{ enabled: "yes" }"#)).expect_err("refused");
    let err = JsValue::from(err);
    assert_conference_error(err.clone(), "invalid_config");
    assert!(
        string(&err, "message").contains("enabled"),
        "the message names the key"
    );
    let err = ConferenceEngine::new(js("42")).expect_err("refused");
    assert_conference_error(err.into(), "invalid_config");
}

#[wasm_bindgen_test]
fn no_config_gives_a_disabled_engine_and_an_empty_plain_view() {
    for config in [JsValue::UNDEFINED, JsValue::NULL, js("{}")] {
        let e = ConferenceEngine::new(config).expect("defaults");
        let view = e.view();
        assert!(is_plain_object(&view), "view() is a plain object");
        assert_eq!(string(&view, "mode"), "disabled");
        assert!(prop(&view, "taskSid").is_null(), "None crosses as null");
        assert!(prop(&view, "conferenceSid").is_null());
        assert!(Array::is_array(&prop(&view, "connecting")));
        assert_eq!(prop(&view, "safeToLeave"), JsValue::FALSE);
        assert_eq!(prop(&view, "guarding"), JsValue::FALSE);
    }
}

#[wasm_bindgen_test]
fn an_idle_engine_polls_null_commands_and_a_null_timeout() {
    let mut e = engine("{ enabled: true }");
    assert!(e.poll_command().is_null());
    assert!(e.poll_timeout().is_null());
}

#[wasm_bindgen_test]
fn a_snapshot_that_is_not_a_task_object_throws_invalid_snapshot() {
    let mut e = engine("{ enabled: true }");
    for bad in [
        "5",
        "null",
        "[]",
        r#"{ taskSid: "" }"#,
        r#"{ taskSid: "WT1", conference: { participants: 5 } }"#,
        r#"{ taskSid: "WT1", conference: { participants: [{ onHold: "yes" }] } }"#,
    ] {
        let err = e.handle_snapshot(js(bad), now(0.0)).expect_err(bad);
        assert_conference_error(err.into(), "invalid_snapshot");
    }
}

#[wasm_bindgen_test]
fn a_snapshot_of_another_task_throws_task_mismatch() {
    let mut e = live_engine();
    let other = js(r#"{ taskSid: "WT2", conference: { conferenceSid: "CF2", participants: [] } }"#);
    let err = e.handle_snapshot(other, now(1.0)).expect_err("other task");
    assert_conference_error(err.into(), "task_mismatch");
}

#[wasm_bindgen_test]
fn garbage_js_values_are_rejected_with_a_code_and_the_engine_keeps_working() {
    let garbage = [
        "undefined",
        "function () { return 1; }",
        "Symbol('x')",
        "10n",
        "(() => { const o = { taskSid: 'WT1' }; o.self = o; return o; })()",
        "({ taskSid: 'WT1', conference: { participants: [{ callSid: 1n }] } })",
        "({ get taskSid() { throw new Error('getter threw'); } })",
        "new Proxy({}, { ownKeys() { throw new Error('trap threw'); } })",
        "(() => { let o = {}; for (let i = 0; i < 100000; i++) o = { o }; return o; })()",
    ];
    let mut e = live_engine();
    for bad in garbage {
        // An absent config is the defaults, so `undefined` is fine there and only there.
        if bad != "undefined" {
            let err = ConferenceEngine::new(js(bad)).expect_err(bad);
            assert_conference_error(err.into(), "invalid_config");
        }
        let err = e.handle_snapshot(js(bad), now(1.0)).expect_err(bad);
        assert_conference_error(err.into(), "invalid_snapshot");
        let err = e.handle_intent(js(bad), now(1.0)).expect_err(bad);
        assert_conference_error(err.into(), "invalid_intent");
        let err = e
            .handle_api_result(JsValue::from_f64(1.0), js(bad), now(1.0))
            .expect_err(bad);
        assert_conference_error(err.into(), "invalid_result");
    }
    // Nothing panicked and nothing is left borrowed: the engine still takes valid input.
    e.handle_snapshot(task(""), now(2.0))
        .expect("a valid snapshot still works");
    let outcome = add(&mut e, "+14155550100");
    assert_eq!(prop(&outcome, "accepted"), JsValue::TRUE);
    assert_eq!(api_commands(&drain(&mut e), "add-participant").len(), 1);
}

#[wasm_bindgen_test]
fn a_time_that_is_not_a_finite_non_negative_number_throws_invalid_time() {
    let mut e = live_engine();
    for bad in [
        "NaN",
        "-1",
        "Infinity",
        "-Infinity",
        "1e300",
        "'1764000000000'",
        "1764000000000n",
        "undefined",
        "null",
        "new Date()",
    ] {
        let err = e.handle_timeout(js(bad)).expect_err(bad);
        assert_conference_error(err.into(), "invalid_time");
        let err = e.handle_snapshot(task(""), js(bad)).expect_err(bad);
        assert_conference_error(err.into(), "invalid_time");
    }
    e.handle_timeout(js("1764000000001.5"))
        .expect("a fractional time is floored");
    e.handle_timeout(js("0"))
        .expect("time never runs backwards, but 0 is a valid time");
}

#[wasm_bindgen_test]
fn an_api_result_id_that_names_no_awaited_command_throws_invalid_result() {
    let mut e = live_engine();
    let body = r#"{ success: true, participantsResponse: { callSid: "CA1" } }"#;
    for bad in [
        "1.5",
        "-1",
        "NaN",
        "4294967296",
        "'1'",
        "1n",
        "undefined",
        "999",
    ] {
        let err = e
            .handle_api_result(js(bad), ok_result(body), now(1.0))
            .expect_err(bad);
        assert_conference_error(err.into(), "invalid_result");
    }
    let err = e
        .handle_api_result(JsValue::from_f64(1.0), js("{ status: 200 }"), now(1.0))
        .expect_err("result.ok is required");
    assert_conference_error(err.into(), "invalid_result");
}

#[wasm_bindgen_test]
fn a_malformed_intent_throws_while_a_refused_one_answers_with_a_plain_error() {
    let mut e = live_engine();
    for bad in [r#"{ kind: "dance" }"#, r#"{ kind: "hold" }"#, "'hold'"] {
        let err = e.handle_intent(js(bad), now(1.0)).expect_err(bad);
        assert_conference_error(err.into(), "invalid_intent");
    }
    let outcome = e
        .handle_intent(js(r#"{ kind: "kick", callSid: "CAnobody" }"#), now(1.0))
        .expect("well-formed");
    assert_eq!(prop(&outcome, "accepted"), JsValue::FALSE);
    let error = prop(&outcome, "error");
    assert!(is_plain_object(&error), "outcome errors stay plain JSON");
    assert_eq!(string(&error, "name"), "ConferenceError");
    assert_eq!(string(&error, "code"), "unknown_participant");
}

#[wasm_bindgen_test]
fn adding_a_participant_round_trips_through_the_js_api() {
    let mut e = live_engine();

    let outcome = add(&mut e, "+1 415 555 0100");
    assert!(is_plain_object(&outcome));
    assert_eq!(prop(&outcome, "accepted"), JsValue::TRUE);
    assert_eq!(prop(&outcome, "abortNative"), JsValue::TRUE);
    assert!(
        prop(&outcome, "error").is_null(),
        "error is null, not undefined"
    );

    let cmds = drain(&mut e);
    assert!(
        cmds.iter().all(is_plain_object),
        "commands are plain objects, not Maps"
    );
    let creates = api_commands(&cmds, "add-participant");
    assert_eq!(creates.len(), 1, "one add request");
    let create = creates[0];
    let params = prop(create, "params");
    assert!(is_plain_object(&params));
    assert_eq!(string(&params, "taskSid"), CONFERENCE);
    assert_eq!(
        string(&params, "to"),
        "+14155550100",
        "the destination is normalized"
    );
    assert_eq!(
        string(&params, "from"),
        "+15005550006",
        "the default caller ID is used"
    );
    let label = string(&params, "label");
    assert!(!label.is_empty());
    assert!(
        prop(&params, "Token").is_undefined(),
        "the driver adds Token, not the engine"
    );
    assert!(prop(create, "id").as_f64().is_some_and(|id| id >= 1.0));

    // Dialing a third party flips every live leg's endConferenceOnExit to false at once.
    let flips = api_commands(&cmds, "update-participant");
    let flipped: Vec<String> = flips
        .iter()
        .map(|c| string(c, "params.participant"))
        .collect();
    assert!(flipped.contains(&AGENT.to_owned()), "{flipped:?}");
    assert!(flipped.contains(&CUSTOMER.to_owned()), "{flipped:?}");
    for flip in &flips {
        assert_eq!(string(flip, "params.conference"), CONFERENCE);
        assert_eq!(string(flip, "params.endConferenceOnExit"), "false");
    }

    let view = e.view();
    let connecting = prop(&view, "connecting");
    assert_eq!(Array::from(&connecting).length(), 1);
    let card = Array::from(&connecting).get(0);
    assert_eq!(string(&card, "label"), label);
    assert_eq!(string(&card, "status"), "dialing");
    assert!(prop(&card, "callSid").is_null());
    assert_eq!(string(&card, "destination"), "+14155550100");

    let created = ok_result(&format!(
        r#"{{ success: true, participantsResponse: {{ callSid: "{ADDED}", label: "{label}",
              endConferenceOnExit: false, status: "queued" }} }}"#
    ));
    e.handle_api_result(prop(create, "id"), created, now(1_200.0))
        .expect("the add's result is awaited");
    for flip in flips {
        let echo = ok_result(&format!(
            r#"{{ success: true, participantsResponse: {{ callSid: "{}",
                  endConferenceOnExit: false }} }}"#,
            string(flip, "params.participant")
        ));
        e.handle_api_result(prop(flip, "id"), echo, now(1_300.0))
            .expect("the flip's result is awaited");
    }
    drain(&mut e);

    let view = e.view();
    let card = Array::from(&prop(&view, "connecting")).get(0);
    assert_eq!(string(&card, "callSid"), ADDED);
    assert_eq!(string(&card, "status"), "ringing");
    assert_eq!(prop(&card, "sinceMs").as_f64(), Some(NOW + 1_000.0));
    let legs = Array::from(&prop(&view, "participants"));
    let agent = legs
        .iter()
        .find(|l| string(l, "callSid") == AGENT)
        .expect("the agent's leg is shown");
    assert_eq!(prop(&agent, "endConferenceOnExit"), JsValue::FALSE);

    let timeout = e
        .poll_timeout()
        .as_f64()
        .expect("a ringing leg is polled: a number");
    assert!(timeout > NOW + 1_200.0, "{timeout}");
    e.handle_timeout(JsValue::from_f64(timeout))
        .expect("valid time");
    let polls = drain(&mut e);
    let poll = api_commands(&polls, "get-call-properties");
    assert_eq!(
        poll.len(),
        1,
        "the ringing leg's status is polled when the timeout fires"
    );
    assert_eq!(string(poll[0], "params.callSid"), ADDED);
}

#[wasm_bindgen_test]
fn an_invalid_destination_is_refused_inline_and_emits_no_command() {
    let mut e = live_engine();
    let outcome = add(&mut e, "12ab");
    assert_eq!(prop(&outcome, "accepted"), JsValue::FALSE);
    let error = prop(&outcome, "error");
    assert_eq!(string(&error, "code"), "invalid_destination");
    assert!(!string(&error, "message").is_empty());
    assert!(e.poll_command().is_null(), "nothing is dialed");
    assert_eq!(Array::from(&prop(&e.view(), "connecting")).length(), 0);
}

#[wasm_bindgen_test]
fn a_403_text_body_notifies_that_the_flex_login_expired() {
    let mut e = live_engine();
    add(&mut e, "+14155550100");
    let cmds = drain(&mut e);
    let create = api_commands(&cmds, "add-participant")[0];
    let forbidden = js(
        r#"{ ok: false, status: 403, body: "Unauthorized: token expired",
                            networkError: null }"#,
    );
    e.handle_api_result(prop(create, "id"), forbidden, now(1_100.0))
        .expect("awaited");
    let notes: Vec<JsValue> = drain(&mut e)
        .into_iter()
        .filter(|c| string(c, "kind") == "notify")
        .collect();
    assert_eq!(notes.len(), 1, "one notification");
    assert_eq!(
        string(&notes[0], "notification"),
        "PS_ConferenceAuthExpired"
    );
    let context = prop(&notes[0], "context");
    assert!(is_plain_object(&context));
    assert_eq!(prop(&context, "status").as_f64(), Some(403.0));
    assert!(prop(&context, "code").is_null());
    assert!(prop(&notes[0], "id").as_f64().is_some());
}

#[wasm_bindgen_test]
fn versions_reports_the_crate_version_as_a_plain_object() {
    let v = versions();
    assert!(is_plain_object(&v));
    assert_eq!(string(&v, "crate"), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn a_thrown_conference_error_reads_well_in_a_console() {
    let err = JsValue::from(ConferenceEngine::new(js("42")).expect_err("refused"));
    let text: String = err.unchecked_ref::<js_sys::Error>().to_string().into();
    assert!(text.starts_with("ConferenceError: "), "{text}");
}

/// Calls `obj[method](...args)` through the generated JS glue, catching what it throws.
fn call(obj: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let f: Function = prop(obj, method).dyn_into().expect("method is a function");
    f.apply(obj, &args.iter().collect::<Array>())
}

#[wasm_bindgen_test]
fn the_js_class_has_the_design_members_and_throws_real_errors_through_its_glue() {
    let obj = JsValue::from(engine("{ enabled: true }"));
    for member in [
        "handleSnapshot",
        "handleIntent",
        "handleApiResult",
        "handleTimeout",
        "pollCommand",
        "pollTimeout",
        "view",
        "free",
    ] {
        assert!(prop(&obj, member).is_function(), "{member} is a method");
    }
    let class: Function = prop(&obj, "constructor").dyn_into().expect("class");
    assert_eq!(String::from(class.name()), "ConferenceEngine");
    let thrown = Reflect::construct(&class, &Array::of1(&js("{ enabled: 'yes' }")))
        .expect_err("the constructor throws");
    assert_conference_error(thrown, "invalid_config");
    let fresh = Reflect::construct(&class, &Array::new()).expect("no config is fine");
    assert!(call(&fresh, "pollCommand", &[]).expect("polls").is_null());
    assert!(call(&fresh, "pollTimeout", &[]).expect("polls").is_null());
    call(&fresh, "free", &[]).expect("free");

    let cyclic = js("(() => { const t = { taskSid: 'WT1' }; t.self = t; return t; })()");
    let thrown = call(&obj, "handleSnapshot", &[cyclic, now(0.0)]).expect_err("cyclic");
    assert_conference_error(thrown, "invalid_snapshot");
    let thrown = call(&obj, "handleTimeout", &[js("'soon'")]).expect_err("not a number");
    assert_conference_error(thrown, "invalid_time");
    // The engine is not left borrowed by a throw: the next call goes through.
    call(&obj, "handleSnapshot", &[task(""), now(0.0)]).expect("valid snapshot");
    let view = call(&obj, "view", &[]).expect("view");
    assert_eq!(string(&view, "conferenceSid"), CONFERENCE);
    call(&obj, "free", &[]).expect("free");
}

#[wasm_bindgen_test]
fn a_getter_that_calls_back_into_the_engine_mid_call_is_an_error_not_corruption() {
    let obj = JsValue::from(live_engine());
    let make: Function = js("(engine) => ({ kind: 'hangup', get confirmLeave() { \
                             engine.pollCommand(); return true; } })")
    .dyn_into()
    .expect("function");
    let reentrant = make.call1(&JsValue::NULL, &obj).expect("intent");
    let thrown = call(&obj, "handleIntent", &[reentrant, now(1.0)]).expect_err("re-entry");
    assert_conference_error(thrown, "invalid_intent");
    let intent = js(r#"{ kind: "addParticipant", destination: "+14155550100", callerId: null }"#);
    let outcome = call(&obj, "handleIntent", &[intent, now(2.0)]).expect("still usable");
    assert_eq!(prop(&outcome, "accepted"), JsValue::TRUE);
    let cmd = call(&obj, "pollCommand", &[]).expect("poll");
    assert_eq!(string(&cmd, "kind"), "api");
    call(&obj, "free", &[]).expect("free");
}

/// The README's JavaScript quick start, run as written (minus the module import and `init`,
/// which the test harness has done): it must accept the add and carry out the create plus the
/// two flag flips, without showing an inline error.
#[wasm_bindgen_test]
fn the_readme_javascript_example_runs_as_written() {
    let readme = include_str!("../README.md");
    let block = readme
        .split("```js\n")
        .skip(1)
        .filter_map(|rest| rest.split("```").next())
        .find(|block| block.contains("new ConferenceEngine("))
        .expect("the README has a js block driving ConferenceEngine");
    let body: String = block
        .lines()
        .filter(|l| !l.starts_with("import ") && !l.contains("await init("))
        .collect::<Vec<_>>()
        .join("\n");
    let class = prop(&JsValue::from(engine("{}")), "constructor");
    let carried = Array::new();
    let inline = Array::new();
    let run = Function::new_with_args(
        "ConferenceEngine, task, showInline, carryOut",
        &format!("{body}\nreturn engine;"),
    );
    let show: Function = js("(errors) => (m) => errors.push(m)")
        .dyn_into::<Function>()
        .expect("function")
        .call1(&JsValue::NULL, &inline)
        .expect("closure")
        .dyn_into()
        .expect("function");
    let carry: Function = js("(out) => (c) => out.push(c)")
        .dyn_into::<Function>()
        .expect("function")
        .call1(&JsValue::NULL, &carried)
        .expect("closure")
        .dyn_into()
        .expect("function");
    let args = Array::of4(&class, &task(""), &show, &carry);
    let engine = Reflect::apply(&run, &JsValue::NULL, &args).expect("the README example runs");
    assert_eq!(inline.length(), 0, "no inline error");
    let endpoints: Vec<String> = carried.iter().map(|c| string(&c, "endpoint")).collect();
    assert_eq!(
        endpoints,
        [
            "add-participant",
            "update-participant",
            "update-participant"
        ]
    );
    assert_eq!(string(&carried.get(0), "params.to"), "+14155550100");
    call(&engine, "free", &[]).expect("free");
}

/// The label of the `add-participant` an engine sends for its first add.
fn first_add_label(config: &str) -> String {
    let mut e = engine(config);
    e.handle_snapshot(task(""), now(0.0))
        .expect("valid snapshot");
    drain(&mut e);
    add(&mut e, "+14155550199");
    let cmds = drain(&mut e);
    let adds = api_commands(&cmds, "add-participant");
    assert_eq!(adds.len(), 1);
    string(adds[0], "params.label")
}

#[wasm_bindgen_test]
fn two_browsers_never_draw_the_same_add_label_unless_a_seed_is_configured() {
    let unseeded = r#"{ enabled: true, extensions: true, default_caller_id: "+15005550006" }"#;
    let labels: Vec<String> = (0..4).map(|_| first_add_label(unseeded)).collect();
    for (i, a) in labels.iter().enumerate() {
        for b in &labels[i + 1..] {
            assert_ne!(
                a, b,
                "a label found by another browser's lookup: {labels:?}"
            );
        }
    }
    let seeded =
        r#"{ enabled: true, extensions: true, default_caller_id: "+15005550006", random_seed: 7 }"#;
    assert_eq!(
        first_add_label(seeded),
        first_add_label(seeded),
        "replayable"
    );
}
