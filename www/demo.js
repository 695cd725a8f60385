// The demo: a fake Flex agent desktop (fake-flex.js) on a call in the sim, running the real
// package (`/pkg/dist/index.esm.js`) exactly as a Flex plugin would.
//
// URL parameters:
//   task, worker, agentCall  attach to an existing call (a second agent, or a test) instead of
//                            creating one; `name` names that worker (default: the worker SID)
//   xwt=1                    Flex feature flag `external-warm-transfers` on (XWT mode)
//   list=1                   participants as list items instead of tiles
//   extensions=0             custom_data.features.conference.extensions = false
//   enabled=0                custom_data.features.conference.enabled = false
//   retype=1                 the fake shows a held `unknown` leg as `customer` (SPEC §3.3)
//   notificationTimeout=ms   Flex's default notification timeout (Flex: 8000; 0 = stay)
//   strings=<json>           the account's strings, set in manager.strings before registration
//   preregister=Id1,Id2      notification ids registered (by "another feature") before registration
//   plugin=<url>             load a built Flex plugin bundle (examples/flex-plugin's build output)
//                            by script tag, as Flex's plugin loader does: the page defines
//                            window.Twilio.Flex (with Plugins.init) and the React/Redux globals, and
//                            the plugin's own init calls the package; default: import the package
//
// When done, `window.demo` holds { flex, manager, controls, taskSid, conferenceSid, agentCallSid,
// customerCallSid, registeredMs, registration } and <body> gets data-registered="true" (or
// data-register-error="<message>").

import { createFakeFlex } from "/fake-flex.js";

const React = window.React;
const ReactDOM = window.ReactDOM;
const h = React.createElement;

const PACKAGE_URL = "/pkg/dist/index.esm.js";
const CUSTOMER_NUMBER = "+14155550100";
const CALLER_ID = "+15005550006";
const CALLERS_POLL_MS = 500;

const params = new URLSearchParams(window.location.search);
const flag = (name, fallback) => {
  const v = params.get(name);
  if (v === null) return fallback;
  return v === "1" || v === "true";
};

function randomHex(n) {
  const bytes = new Uint8Array(n / 2);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function sim(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store",
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error((json && json.error) || `${method} ${path}: HTTP ${res.status}`);
  return json;
}

/** Creates a call, or attaches to the one the URL names. */
async function setUpCall() {
  const taskSid = params.get("task");
  const workerSid = params.get("worker");
  if (taskSid && workerSid) {
    const q = new URLSearchParams({ worker: workerSid });
    const snapshot = await sim("GET", `/sim/tasks/${encodeURIComponent(taskSid)}?${q}`);
    const participants = (snapshot.conference && snapshot.conference.participants) || [];
    const customer = participants.find((p) => p.participantType === "customer");
    const me = participants.find((p) => p.workerSid === workerSid);
    return {
      taskSid,
      worker: { sid: workerSid, name: params.get("name") || (me && nameFromTo(me)) || workerSid },
      conferenceSid: snapshot.conference && snapshot.conference.conferenceSid,
      agentCallSid: params.get("agentCall") || (me && me.callSid) || null,
      customerCallSid: (customer && customer.callSid) || null,
    };
  }
  const worker = { sid: `WK${randomHex(32)}`, name: params.get("name") || "Alice" };
  const call = await sim("POST", "/sim/calls", { worker, customer: { number: CUSTOMER_NUMBER } });
  return { ...call, worker };
}

function nameFromTo(p) {
  const to = (p.mediaProperties && p.mediaProperties.to) || "";
  return to.startsWith("client:") ? to.slice(7) : null;
}

function configuration() {
  return {
    custom_data: {
      features: {
        conference: {
          enabled: flag("enabled", true),
          hold_workaround: flag("holdWorkaround", false),
          extensions: flag("extensions", true),
        },
      },
      serverless_functions_domain: window.location.hostname,
      serverless_functions_protocol: "http",
      serverless_functions_port: Number(window.location.port),
      // `?language=es-MX` (or th, zh-Hans, pt-BR, es-ES; `default` = the browser's).
      ...(params.get("language") ? { language: params.get("language") } : {}),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// UI

function useStore(store, selector) {
  const [, force] = React.useState(0);
  const value = selector(store.getState());
  const latest = React.useRef(value);
  latest.current = value;
  React.useEffect(
    () =>
      store.subscribe(() => {
        if (selector(store.getState()) !== latest.current) force((n) => n + 1);
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [store],
  );
  return value;
}

function Header({ demo }) {
  const { manager, controls, flex } = demo;
  const token = useStore(manager.store, (s) => s.flex.session.ssoTokenPayload.token);
  const [tokenNote, setTokenNote] = React.useState(null);
  const rotate = async () => {
    const next = `sim-token-${randomHex(8)}`;
    try {
      await sim("POST", "/sim/tokens", { token: next, state: "valid" });
      controls.setToken(next);
      setTokenNote("refreshed");
    } catch (e) {
      setTokenNote(`refresh failed: ${e.message}`);
    }
  };
  const expire = async () => {
    try {
      await sim("POST", "/sim/tokens", { token, state: "expired" });
      setTokenNote("expired in the sim");
    } catch (e) {
      setTokenNote(`failed: ${e.message}`);
    }
  };
  const modes = [];
  const conf = manager.configuration.custom_data.features.conference;
  modes.push(!conf.enabled ? "feature off" : xwtOn(manager) ? "XWT mode" : "full mode");
  if (flag("list", false)) modes.push("list");
  if (!conf.extensions) modes.push("no extensions");
  return h(
    "header",
    { className: "demo-header" },
    h("div", { className: "demo-brand" }, h("span", { className: "demo-logo" }, "flex"), " conference demo"),
    h("div", { className: "demo-modes" }, modes.map((m) => h("span", { key: m, className: "demo-badge" }, m))),
    h(
      "div",
      { className: "demo-worker", "data-testid": "worker" },
      h("span", { className: "demo-worker-dot" }),
      h("strong", null, manager.workerClient.name),
      h("span", { className: "demo-muted" }, ` ${manager.workerClient.sid.slice(0, 8)}…`),
    ),
    h(
      "div",
      { className: "demo-token", "data-testid": "token-status" },
      h("span", null, `Token: ${token ? "set" : "missing"}${tokenNote ? ` (${tokenNote})` : ""}`),
      h("button", { type: "button", className: "demo-link", onClick: rotate }, "refresh"),
      h("button", { type: "button", className: "demo-link", onClick: expire }, "expire"),
    ),
    h("div", { className: "demo-version demo-muted" }, `Flex ${flex.VERSION} (fake)`),
  );
}

function xwtOn(manager) {
  const ff = manager.store.getState().flex.featureFlags;
  const o = ff.localOverrides["external-warm-transfers"];
  if (o && o.enabled !== undefined) return !!o.enabled;
  return !!(ff.features["external-warm-transfers"] && ff.features["external-warm-transfers"].enabled === true);
}

const LEG_ACTIONS = [
  { action: "answer", label: "Answer", when: ["queued", "ringing"] },
  { action: "busy", label: "Busy", when: ["queued", "ringing"] },
  { action: "no-answer", label: "No answer", when: ["queued", "ringing"] },
  { action: "fail", label: "Fail", when: ["queued", "ringing"] },
  { action: "hangup", label: "Hang up", when: ["queued", "ringing", "connected"] },
];

function Callers({ demo }) {
  const [conference, setConference] = React.useState(null);
  const [error, setError] = React.useState(null);
  const [busy, setBusy] = React.useState(null);
  const refresh = React.useCallback(async () => {
    try {
      setConference(await sim("GET", `/sim/conferences/${encodeURIComponent(demo.conferenceSid)}`));
      setError(null);
    } catch (e) {
      setError(e.message);
    }
  }, [demo.conferenceSid]);
  React.useEffect(() => {
    let stop = false;
    let timer = null;
    const tick = async () => {
      await refresh();
      if (!stop) timer = setTimeout(tick, CALLERS_POLL_MS);
    };
    tick();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [refresh]);

  const drive = async (callSid, action) => {
    setBusy(`${callSid}/${action}`);
    try {
      await sim("POST", `/sim/legs/${encodeURIComponent(callSid)}/${action}`);
      setError(null);
    } catch (e) {
      setError(`${action}: ${e.message}`);
    } finally {
      setBusy(null);
      refresh();
    }
  };
  const addAgent = async () => {
    const sid = `WK${randomHex(32)}`;
    try {
      await sim("POST", `/sim/conferences/${encodeURIComponent(demo.conferenceSid)}/legs`, {
        kind: "worker",
        workerSid: sid,
        to: "client:Bob",
        endConferenceOnExit: false,
      });
      refresh();
    } catch (e) {
      setError(`add agent: ${e.message}`);
    }
  };
  const newCall = () => {
    const next = new URLSearchParams(window.location.search);
    for (const k of ["task", "worker", "agentCall", "name"]) next.delete(k);
    const qs = next.toString();
    window.location.assign(window.location.pathname + (qs ? `?${qs}` : ""));
  };

  const legs = (conference && conference.participants) || [];
  const open = conference && conference.status !== "completed";
  return h(
    "aside",
    { className: "demo-callers ff-card", "data-testid": "callers" },
    h(
      "div",
      { className: "demo-callers-head" },
      h("h2", null, "Callers"),
      h("button", { type: "button", className: "ff-button ff-primary", "data-testid": "new-call", onClick: newCall }, "New call"),
    ),
    h(
      "div",
      { className: "demo-conference", "data-testid": "conference-status", "data-status": conference ? conference.status : "" },
      h("span", { className: `demo-pill demo-pill-${conference ? conference.status : "unknown"}` }, conference ? conference.status : "…"),
      conference && conference.reasonEnded
        ? h("span", { className: "demo-reason", "data-testid": "conference-reason" }, conference.reasonEnded)
        : null,
      h("span", { className: "demo-muted demo-sid" }, demo.conferenceSid),
    ),
    error ? h("div", { className: "demo-error", role: "alert", "data-testid": "callers-error" }, error) : null,
    h(
      "ul",
      { className: "demo-legs" },
      legs.map((leg) =>
        h(
          "li",
          {
            key: leg.callSid,
            className: `demo-leg demo-leg-${leg.status}`,
            "data-testid": "caller-row",
            "data-call-sid": leg.callSid,
            "data-kind": leg.kind,
            "data-status": leg.status,
          },
          h(
            "div",
            { className: "demo-leg-title" },
            h("strong", null, leg.label || (leg.kind === "customer" ? leg.from : leg.to)),
            h("span", { className: "demo-kind" }, leg.kind),
            h("span", { className: `demo-pill demo-pill-${leg.status}` }, leg.status),
          ),
          h(
            "div",
            { className: "demo-leg-flags" },
            leg.label ? h("span", null, `to ${leg.to}`) : null,
            leg.kind === "customer" ? h("span", null, `called ${leg.to}`) : null,
            h("span", { className: leg.hold ? "demo-flag-on" : "" }, leg.hold ? "held" : "not held"),
            h("span", { className: leg.muted ? "demo-flag-on" : "" }, leg.muted ? "muted" : "unmuted"),
            h("span", { title: "endConferenceOnExit", className: leg.endConferenceOnExit ? "demo-flag-on" : "" }, `ECOE ${leg.endConferenceOnExit}`),
          ),
          h(
            "div",
            { className: "demo-leg-actions" },
            LEG_ACTIONS.map(({ action, label, when }) =>
              h(
                "button",
                {
                  key: action,
                  type: "button",
                  className: `ff-button ${action === "hangup" ? "ff-destructive" : action === "answer" ? "ff-primary" : "ff-secondary"} demo-small`,
                  "data-testid": `caller-${action}`,
                  disabled: !when.includes(leg.status) || busy === `${leg.callSid}/${action}`,
                  onClick: () => drive(leg.callSid, action),
                },
                label,
              ),
            ),
          ),
        ),
      ),
    ),
    h(
      "div",
      { className: "demo-callers-foot" },
      h("button", { type: "button", className: "ff-button ff-secondary demo-small", "data-testid": "add-agent", disabled: !open, onClick: addAgent }, "Second agent joins"),
      h("a", { className: "demo-link", href: "/sim/requests", target: "_blank", rel: "noreferrer" }, "request log"),
    ),
  );
}

function Desktop({ demo }) {
  const { flex, manager, controls } = demo;
  const task = useStore(manager.store, () => controls.getTask());
  const NotificationBar = controls.NotificationBar;
  const body = !task
    ? h("div", { className: "ff-card demo-waiting" }, "Waiting for the task…")
    : h(
        React.Fragment,
        null,
        h(
          "section",
          { className: "ff-card demo-call", "data-testid": "call" },
          h(flex.CallCanvas, { task }),
          h("div", { className: "demo-call-actions" }, h(flex.CallCanvasActions, { task })),
        ),
        h(
          "section",
          { className: "ff-card demo-participants", "data-testid": "participants" },
          h("h2", null, "Participants"),
          h(flex.ParticipantsCanvas, { task, conference: task.conference }),
        ),
      );
  return h(
    "div",
    { className: "demo-app" },
    h(Header, { demo }),
    h(NotificationBar),
    demo.registerError
      ? h("div", { className: "demo-error demo-banner", role: "alert", "data-testid": "register-error" }, `The package failed to register: ${demo.registerError}`)
      : null,
    h("main", { className: "demo-main" }, h("div", { className: "demo-desktop" }, body), h(Callers, { demo })),
  );
}

// ---------------------------------------------------------------------------------------------
// Boot

async function main() {
  const root = document.getElementById("root");
  const call = await setUpCall();
  const xwt = flag("xwt", false);
  const notificationTimeout = params.get("notificationTimeout");
  const { flex, manager, controls } = createFakeFlex({
    simUrl: window.location.origin,
    taskSid: call.taskSid,
    worker: call.worker,
    agentCallSid: call.agentCallSid,
    customerCallSid: call.customerCallSid,
    token: "sim-token",
    configuration: configuration(),
    serviceConfiguration: { outbound_call_flows: { default: { caller_id: CALLER_ID } } },
    workerAttributes: {},
    featureFlags: { features: { "external-warm-transfers": { enabled: xwt } }, localOverrides: {} },
    retypeHeldUnknown: flag("retype", false),
    listMode: flag("list", false),
    notificationDefaultTimeout: notificationTimeout === null ? undefined : Number(notificationTimeout),
  });
  const demo = {
    flex,
    manager,
    controls,
    taskSid: call.taskSid,
    conferenceSid: call.conferenceSid,
    agentCallSid: call.agentCallSid,
    customerCallSid: call.customerCallSid,
    registeredMs: null,
    registeredSinceLoadMs: null,
    pluginColdStartMs: null,
    registration: null,
    registerError: null,
  };
  window.demo = demo;
  await controls.ready;

  // `?strings={"Key":"text"}`: the account's own strings (ui_attributes), in place before plugins load.
  if (params.get("strings")) Object.assign(manager.strings, JSON.parse(params.get("strings")));
  // `?preregister=Id1,Id2`: notification ids another feature registered first (the template's own
  // conference feature registers PS_ExternalWarmTransferInvalidPhoneNumber, for example).
  for (const id of (params.get("preregister") || "").split(",").filter(Boolean)) {
    flex.Notifications.registerNotification({ id, content: `${id} (registered by another feature)`, type: "error" });
  }

  // Like Flex: plugins initialise before the agent desktop renders.
  const started = performance.now();
  try {
    if (params.get("plugin")) {
      demo.registration = await loadPluginBundle(params.get("plugin"), flex, manager);
    } else {
      const { registerConference } = await import(PACKAGE_URL);
      demo.registration = await registerConference(flex, manager);
    }
    demo.registeredMs = performance.now() - started;
    // From navigation start (the page's first byte requested) to "registered".
    demo.registeredSinceLoadMs = performance.now();
    controls.markPluginsInitialized();
  } catch (e) {
    demo.registerError = (e && e.message) || String(e);
    console.error("[demo] registerConference failed:", e);
  }
  ReactDOM.render(h(Desktop, { demo }), root); // synchronous (legacy root)
  if (demo.registerError === null) document.body.dataset.registered = "true";
  else document.body.dataset.registerError = demo.registerError;
}

/**
 * Flex's plugin loader path: `window.Twilio.Flex` is the Flex API (with `Plugins.init`), React,
 * ReactDOM, Redux and ReactRedux are globals (index.html), and the bundle is a classic script. Its
 * entry calls `Twilio.Flex.Plugins.init(PluginClass)`, which runs the plugin's `init(flex,
 * manager)`; that awaits the package's registration, kept on the manager.
 */
async function loadPluginBundle(url, flex, manager) {
  const inits = [];
  const init = flex.Plugins.init;
  flex.Plugins.init = (plugin) => {
    const running = init(plugin);
    inits.push(running);
    return running;
  };
  window.Twilio = Object.assign(window.Twilio || {}, { Flex: flex });
  await new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load the plugin bundle ${url}`));
    document.head.appendChild(script);
  });
  if (inits.length === 0) throw new Error(`${url} never called Twilio.Flex.Plugins.init`);
  await Promise.all(inits);
  // Cold start (issue 6, P2): from the end of the bundle's download, when it starts to evaluate,
  // to its plugin's init having registered the feature.
  const loaded = performance.getEntriesByName(new URL(url, window.location.href).href)[0];
  if (loaded) window.demo.pluginColdStartMs = performance.now() - loaded.responseEnd;
  const registration = manager[Symbol.for("flex-conference.registration")];
  if (!registration) throw new Error(`the plugin in ${url} initialised without registering the conference feature`);
  return registration;
}

main().catch((e) => {
  console.error("[demo] could not start:", e);
  document.body.dataset.bootError = (e && e.message) || String(e);
  const root = document.getElementById("root");
  root.textContent = `The demo could not start: ${(e && e.message) || e}. Is the sim running and serving this page?`;
  root.className = "demo-error demo-banner";
});
