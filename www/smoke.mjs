#!/usr/bin/env node
// Smoke check of the demo host page (www/) and its fake Flex runtime (www/fake-flex.js), with a
// stub package instead of the real one, in headless Chromium:
//
//   cargo build -p sim && node www/smoke.mjs [--screenshot /tmp/demo.png] [--keep]
//
// It writes a stub `pkg/dist/index.esm.js` into a temp directory, starts `target/debug/sim
// --port 0 --www www --pkg <temp>`, copies the four UMD files into www/vendor/ if they are
// missing (generated, git-ignored), and checks the Flex semantics the shim depends on. Exits
// non-zero on the first failure. `SIM_BIN`, `CHROMIUM` override the binaries.

import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..");
const require = createRequire(join(repo, "js", "package.json"));
const { chromium } = require("playwright-core");

const args = process.argv.slice(2);
const screenshot = args.includes("--screenshot") ? args[args.indexOf("--screenshot") + 1] : join(tmpdir(), "flex-conference-demo.png");
const keep = args.includes("--keep");

// ------------------------------------------------------------------ the stub package
const STUB = String.raw`
// Stub of the flex-conference package for www/smoke.mjs: registers a little of what the real
// shim registers, with the same Flex APIs.
export async function registerConference(flex, manager) {
  const React = window.React;
  const h = React.createElement;
  const conf = manager.configuration.custom_data.features.conference;
  if (!conf.enabled) return { enabled: false };
  const cleanups = [];
  cleanups.push(flex.CallCanvasActions.Content.add(
    h(flex.IconButton, { key: "conference", icon: "Add", variant: "secondary", title: "Add participant", "data-testid": "stub-add",
      onClick: () => flex.Actions.invokeAction("SetComponentState", { name: "ConferenceDialog", state: { isOpen: true } }) }),
    { sortOrder: 2 }));
  const isUnknown = (props) => props.participant && props.participant.participantType === "unknown";
  cleanups.push(flex.ParticipantCanvas.Content.remove("actions", { if: isUnknown }));
  function StubActions(props) {
    const p = props.participant;
    return h("div", { className: "stub-actions" },
      h(flex.IconButton, { icon: p.onHold ? "HoldOff" : "Hold", "data-testid": "stub-hold", title: "Hold",
        onClick: () => flex.Actions.invokeAction(p.onHold ? "UnholdParticipant" : "HoldParticipant",
          { participantType: p.participantType, task: props.task, targetSid: p.callSid }).catch(() => {}) }));
  }
  cleanups.push(flex.ParticipantCanvas.Content.add(h(StubActions, { key: "custom-actions" }), { sortOrder: 10, if: isUnknown }));
  cleanups.push(flex.ParticipantCanvas.Content.add(
    h("span", { key: "stub-badge", className: "stub-badge", "data-testid": "stub-badge" }, "C"),
    { sortOrder: -1, if: (props) => props.participant.participantType === "customer" }));
  const sim = async (path) => { const r = await fetch(path, { method: "POST" }); if (!r.ok) throw new Error(await r.text()); };
  const onBeforeHold = (hold) => async (payload, abort) => {
    if (payload.participantType !== "unknown") return;
    abort();
    await new Promise((r) => setTimeout(r, 50));
    await sim("/sim/legs/" + payload.targetSid + (hold ? "/hold" : "/unhold"));
  };
  const beforeHold = onBeforeHold(true);
  const beforeUnhold = onBeforeHold(false);
  flex.Actions.addListener("beforeHoldParticipant", beforeHold);
  flex.Actions.addListener("beforeUnholdParticipant", beforeUnhold);
  flex.Notifications.registerNotification({ id: "Stub_Error", type: flex.NotificationType.error, content: "StubErrorText", timeout: 0 });
  manager.strings.StubErrorText = "Could not add the participant: {{message}}";
  let initialized = false;
  manager.events.addListener("pluginsInitialized", () => { initialized = true; });
  return { stub: true, get pluginsInitialized() { return initialized; } };
}
`;

// ------------------------------------------------------------------ helpers
let failures = 0;
function check(name, ok, detail) {
  if (ok) console.log(`ok   ${name}`);
  else {
    failures += 1;
    console.log(`FAIL ${name}${detail === undefined ? "" : `: ${typeof detail === "string" ? detail : JSON.stringify(detail)}`}`);
  }
}

function ensureVendor() {
  const vendor = join(here, "vendor");
  const files = {
    "react.production.min.js": "react/umd/react.production.min.js",
    "react-dom.production.min.js": "react-dom/umd/react-dom.production.min.js",
    "redux.min.js": "redux/dist/redux.min.js",
    "react-redux.min.js": "react-redux/dist/react-redux.min.js",
  };
  mkdirSync(vendor, { recursive: true });
  for (const [name, from] of Object.entries(files)) {
    if (!existsSync(join(vendor, name))) copyFileSync(join(repo, "js", "node_modules", from), join(vendor, name));
  }
}

function startSim(pkgDir) {
  const bin = process.env.SIM_BIN || join(repo, "target", "debug", "sim");
  const child = spawn(bin, ["--port", "0", "--www", here, "--pkg", pkgDir], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolveUrl, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) resolveUrl({ child, url: m[1] });
    });
    child.on("exit", (code) => reject(new Error(`sim exited with ${code}`)));
    setTimeout(() => reject(new Error("sim did not start")), 10000);
  });
}

async function simJson(url, method = "GET", body) {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(fn, what, timeoutMs = 5000) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

// ------------------------------------------------------------------ main
const tmp = mkdtempSync(join(tmpdir(), "fc-stub-"));
mkdirSync(join(tmp, "dist"), { recursive: true });
writeFileSync(join(tmp, "dist", "index.esm.js"), STUB);
ensureVendor();
const { child: simProcess, url } = await startSim(tmp);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  const consoleErrors = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));

  await page.goto(`${url}/?notificationTimeout=0`);
  await page.waitForSelector("body[data-registered='true'], body[data-register-error]", { timeout: 15000 });
  const boot = await page.evaluate(() => ({
    registered: document.body.dataset.registered,
    error: document.body.dataset.registerError,
    registeredMs: window.demo.registeredMs,
    taskSid: window.demo.taskSid,
    conferenceSid: window.demo.conferenceSid,
    customerCallSid: window.demo.customerCallSid,
    agentCallSid: window.demo.agentCallSid,
    pluginsInitialized: window.demo.registration && window.demo.registration.pluginsInitialized,
    twilioFlex: window.Twilio && window.Twilio.Flex === window.demo.flex,
    version: window.demo.flex.VERSION,
  }));
  check("the page registers the package", boot.registered === "true", boot);
  check("registeredMs is measured", typeof boot.registeredMs === "number" && boot.registeredMs >= 0, boot.registeredMs);
  check("pluginsInitialized is emitted after registration", boot.pluginsInitialized === true);
  check("window.Twilio.Flex is the fake", boot.twilioFlex && boot.version === "2.17.1");
  const conf = `${url}/sim/conferences/${boot.conferenceSid}`;

  await page.waitForSelector("[data-testid='participant-card']");
  const cards = await page.$$eval("[data-testid='participant-card']", (els) => els.map((e) => e.dataset.participantType));
  check("two participant cards (customer, worker)", cards.length === 2 && cards.includes("customer") && cards.includes("worker"), cards);

  // sortOrder: stub-add (2) after the natives hold(0), toggleMute(1), and before? natives keep
  // index order; a tie keeps registration order (natives first).
  const order = await page.$$eval(".Twilio-CallCanvasActions-default > *", (els) => els.map((e) => e.dataset.testid));
  check("CallCanvasActions order honours sortOrder (stable)", JSON.stringify(order) === JSON.stringify(["native-hold", "native-mute", "native-hangup", "stub-add"]), order);
  await page.evaluate(() => {
    const { flex } = window.demo;
    window.__cleanSort = flex.CallCanvasActions.Content.add(window.React.createElement("button", { key: "t-sort", "data-testid": "t-sort" }, "x"), { sortOrder: 0.5 });
  });
  await page.waitForSelector("[data-testid='t-sort']");
  const order2 = await page.$$eval(".Twilio-CallCanvasActions-default > *", (els) => els.map((e) => e.dataset.testid));
  check("an added child with sortOrder 0.5 lands between hold and mute", order2[1] === "t-sort", order2);
  await page.evaluate(() => window.__cleanSort());
  await page.waitForSelector("[data-testid='t-sort']", { state: "detached" });

  // if: the stub's badge only on the customer card.
  const badges = await page.$$eval("[data-testid='stub-badge']", (els) => els.map((e) => e.closest("[data-testid='participant-card']").dataset.participantType));
  check("`if` limits an added child to the customer card", JSON.stringify(badges) === '["customer"]', badges);
  const firstInCustomer = await page.$eval("[data-participant-type='customer'] .Twilio-ParticipantCanvas-default > *", (e) => e.dataset.testid);
  check("sortOrder -1 puts the badge before the native avatar", firstInCustomer === "stub-badge", firstInCustomer);

  // An unknown leg joins through the callers panel.
  const leg = await simJson(`${conf}/legs`, "POST", { kind: "unknown", to: "+14155550123", status: "ringing" });
  const row = `[data-testid='caller-row'][data-call-sid='${leg.callSid}']`;
  await page.waitForSelector(row);
  check("a ringing leg shows in the callers panel and no card yet", (await page.$(`[data-testid='participant-card'][data-call-sid='${leg.callSid}']`)) === null);
  await page.click(`${row} [data-testid='caller-answer']`);
  const card = `[data-testid='participant-card'][data-call-sid='${leg.callSid}']`;
  await page.waitForSelector(card);
  check("answering in the callers panel adds an unknown card", (await page.$eval(card, (e) => e.dataset.participantType)) === "unknown");
  check("remove('actions', {if}) drops Flex's buttons on the unknown card", (await page.$(`${card} [data-testid='native-participant-hold']`)) === null);
  check("the stub's actions show on the unknown card", (await page.$(`${card} [data-testid='stub-hold']`)) !== null);
  check("the customer card keeps Flex's hold", (await page.$("[data-participant-type='customer'] [data-testid='native-participant-hold']")) !== null);
  const counts = await page.evaluate(() => {
    const t = window.demo.controls.getTask();
    return { live: t.conference.liveParticipantCount, workers: t.conference.liveWorkerCount };
  });
  check("liveParticipantCount 3, liveWorkerCount 1", counts.live === 3 && counts.workers === 1, counts);

  // Native HoldParticipant with a call SID and no participantType (not intercepted) holds THE CUSTOMER.
  const nativeHold = await page.evaluate(async (callSid) => {
    const { flex, controls } = window.demo;
    const task = controls.getTask();
    try {
      await flex.Actions.invokeAction("HoldParticipant", { task, targetSid: callSid });
      return { ok: true, log: controls.nativeLog.slice(-1)[0] };
    } catch (e) {
      return { ok: false, message: e.message };
    }
  }, leg.callSid);
  let state = await simJson(conf);
  const byCall = (sid) => state.participants.find((p) => p.callSid === sid);
  check("native HoldParticipant of an unknown call SID resolves", nativeHold.ok, nativeHold);
  check("…and holds the customer in the sim, not the unknown leg", byCall(boot.customerCallSid).hold === true && byCall(leg.callSid).hold === false, state.participants.map((p) => [p.kind, p.hold]));
  check("…and the native log says it routed to the customer", nativeHold.log && nativeHold.log.routedTo === "customer" && nativeHold.log.callSid === boot.customerCallSid, nativeHold.log);
  await page.waitForSelector("[data-participant-type='customer'][data-on-hold='true']");
  check("the customer card shows On hold", (await page.$eval("[data-participant-type='customer'] .ff-participant-status", (e) => e.textContent)) === "On hold");
  // Unhold through Flex's own card button (HoldCall/UnholdCall on the customer).
  await page.click("[data-participant-type='customer'] [data-testid='native-participant-hold']");
  await page.waitForSelector("[data-participant-type='customer'][data-on-hold='false']");
  check("Flex's card button unholds the customer (UnholdCall)", (await page.evaluate(() => window.demo.controls.nativeLog.slice(-1)[0].action)) === "UnholdCall");

  // Intercepted: abort → rejects "cancelled by before event"; the listener held the unknown leg.
  const intercepted = await page.evaluate(async (callSid) => {
    const { flex, controls } = window.demo;
    const before = controls.nativeLog.length;
    try {
      await flex.Actions.invokeAction("HoldParticipant", { participantType: "unknown", task: controls.getTask(), targetSid: callSid });
      return { ok: true };
    } catch (e) {
      return { ok: false, message: e.message, nativeRan: controls.nativeLog.length !== before };
    }
  }, leg.callSid);
  check("an aborted action rejects with 'cancelled by before event'", !intercepted.ok && intercepted.message === "Action HoldParticipant cancelled by before event", intercepted);
  check("…and the native action did not run", intercepted.nativeRan === false);
  state = await simJson(conf);
  check("…and the listener held the unknown leg", byCall(leg.callSid).hold === true && byCall(boot.customerCallSid).hold === false);

  // Pending: an identical invocation while the first waits in a slow before-listener.
  const pending = await page.evaluate(async () => {
    const { flex, controls } = window.demo;
    const slow = () => new Promise((r) => setTimeout(r, 300));
    flex.Actions.addListener("beforeHoldCall", slow);
    const task = controls.getTask();
    const first = flex.Actions.invokeAction("HoldCall", { task });
    let second;
    try {
      await flex.Actions.invokeAction("HoldCall", { task: controls.getTask() });
      second = "resolved";
    } catch (e) {
      second = e.message;
    }
    let firstResult;
    try {
      await first;
      firstResult = "resolved";
    } catch (e) {
      firstResult = e.message;
    }
    flex.Actions.removeListener("beforeHoldCall", slow);
    await flex.Actions.invokeAction("UnholdCall", { task: controls.getTask() });
    return { second, firstResult };
  });
  check("an identical pending invocation rejects", /pending/.test(pending.second), pending);
  check("…while the first completes", pending.firstResult === "resolved", pending);

  // Before-listeners run concurrently; a rejecting one is logged, not propagated.
  const concurrency = await page.evaluate(async () => {
    const { flex, controls } = window.demo;
    const events = [];
    const a = async () => { events.push("a-start"); await new Promise((r) => setTimeout(r, 100)); events.push("a-end"); };
    const b = async () => { events.push("b-start"); throw new Error("listener b failed"); };
    flex.Actions.addListener("beforeSetComponentState", a);
    flex.Actions.addListener("beforeSetComponentState", b);
    let result = "resolved";
    try {
      await flex.Actions.invokeAction("SetComponentState", { name: "Smoke", state: { x: 1 } });
    } catch (e) {
      result = e.message;
    }
    flex.Actions.removeListener("beforeSetComponentState", a);
    flex.Actions.removeListener("beforeSetComponentState", b);
    return { events, result, view: window.demo.manager.store.getState().flex.view.componentViewStates.Smoke };
  });
  check("before-listeners start together and a rejection is swallowed", concurrency.events.join(",") === "a-start,b-start,a-end" && concurrency.result === "resolved", concurrency);
  check("SetComponentState merges into componentViewStates", concurrency.view && concurrency.view.x === 1, concurrency.view);

  const errors = await page.evaluate(async (callSid) => {
    const { flex, controls } = window.demo;
    const out = {};
    for (const [name, payload] of [
      ["Nope", {}],
      ["HangupCall", {}],
      ["KickParticipant", { task: controls.getTask(), targetSid: callSid }],
    ]) {
      try {
        await flex.Actions.invokeAction(name, payload);
        out[name] = "resolved";
      } catch (e) {
        out[name] = e.code || e.message;
      }
    }
    return out;
  }, leg.callSid);
  check("unknown action rejects", errors.Nope === "ACTION_DOESNT_EXIST", errors);
  check("HangupCall without task rejects NO_TASK_IN_PAYLOAD", errors.HangupCall === "NO_TASK_IN_PAYLOAD", errors);
  check("native KickParticipant with a call SID fails like TaskRouter", errors.KickParticipant === "TASKROUTER_KICK_FAILED", errors);

  // replace() replaces ALL children (Flex 2.17.1), when `if` matches.
  await page.evaluate(() => {
    const { flex } = window.demo;
    window.__cleanReplace = flex.ParticipantCanvas.Content.replace(
      window.React.createElement("div", { key: "name", "data-testid": "replaced" }, "R"),
      { if: (p) => p.participant.participantType === "unknown" },
    );
  });
  await page.waitForSelector(`${card} [data-testid='replaced']`);
  const replacedKids = await page.$$eval(`${card} .Twilio-ParticipantCanvas-default > *`, (els) => els.map((e) => e.dataset.testid || e.className));
  const otherReplaced = await page.$$("[data-participant-type='customer'] [data-testid='replaced']");
  check("replace() swaps the whole card content where `if` matches", replacedKids.length === 1 && replacedKids[0] === "replaced" && otherReplaced.length === 0, replacedKids);
  await page.evaluate(() => window.__cleanReplace());
  await page.waitForSelector(`${card} [data-testid='replaced']`, { state: "detached" });

  // Notifications: string key, {{context}} rendered as text.
  await page.evaluate(() => window.demo.flex.Notifications.showNotification("Stub_Error", { message: "<b>bad</b> number" }));
  const note = await page.waitForSelector("[data-testid='notification'][data-notification-id='Stub_Error']");
  const noteInfo = await note.evaluate((e) => ({ type: e.dataset.type, text: e.querySelector(".ff-notification-text").textContent, bold: !!e.querySelector("b") }));
  check("a notification shows with its type and escaped context", noteInfo.type === "error" && noteInfo.text === "Could not add the participant: <b>bad</b> number" && !noteInfo.bold, noteInfo);
  const unreg = await page.evaluate(() => window.demo.flex.Notifications.showNotification("Nope"));
  check("an unregistered notification answers null", unreg === null);
  await page.click("[data-notification-id='Stub_Error'] [data-testid='notification-close']");
  await page.waitForSelector("[data-notification-id='Stub_Error']", { state: "detached" });
  check("the close button dismisses it; the log kept it", await page.evaluate(() => window.demo.controls.notificationLog.some((n) => n.id === "Stub_Error") && !window.demo.flex.Notifications.isNotificationActive("Stub_Error")));

  // Token refresh.
  const token = await page.evaluate(() => {
    const { manager, controls } = window.demo;
    let seen = null;
    manager.events.addListener("tokenUpdated", (p) => { seen = p.token; });
    controls.setToken("sim-token-next");
    return { seen, user: manager.user.token, state: manager.store.getState().flex.session.ssoTokenPayload.token };
  });
  check("setToken updates user, store and emits tokenUpdated", token.seen === "sim-token-next" && token.user === token.seen && token.state === token.seen, token);
  await page.evaluate(() => window.demo.controls.setToken("sim-token"));

  // addReducer.
  const reducerOk = await page.evaluate(() => {
    const { manager } = window.demo;
    manager.store.addReducer("smoke", (s = { n: 0 }, a) => (a.type === "SMOKE" ? { n: s.n + 1 } : s));
    manager.store.dispatch({ type: "SMOKE" });
    const s = manager.store.getState();
    return s.smoke.n === 1 && !!s.flex.worker;
  });
  check("store.addReducer adds a slice", reducerOk);

  // The unknown leg hangs up in the callers panel: "Left" (recently_left) for ~3 s, then gone.
  await page.click(`${row} [data-testid='caller-hangup']`);
  await page.waitForSelector(`${card}[data-status='recently_left']`);
  check("a departed leg shows Left", (await page.$eval(`${card} .ff-participant-status`, (e) => e.textContent)) === "Left");
  await page.waitForSelector(card, { state: "detached", timeout: 6000 });
  check("…and disappears after ~3 s", true);

  // List mode.
  await page.evaluate(() => window.demo.controls.setListMode(true));
  await page.waitForSelector("[data-testid='participant-card'][data-list-mode='true']");
  check("list mode renders list items", (await page.$$("[data-testid='participant-card'][data-list-mode='true']")).length === 2);
  await page.evaluate(() => window.demo.controls.setListMode(false));

  // The agent hangs up with Flex's own button: the sim ends the conference (both legs ECOE).
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`screenshot: ${screenshot}`);
  await page.click("[data-testid='native-hangup']");
  await waitFor(async () => (await simJson(conf)).status === "completed", "the conference to end");
  await page.waitForSelector("[data-testid='conference-status'][data-status='completed']");
  const after = await page.evaluate(() => window.demo.controls.getTask().status);
  check("HangupCall hangs up the agent and the task goes to wrapping", after === "wrapping", after);

  // stop() ends the long poll.
  const polls = async () => page.evaluate(() => performance.getEntriesByType("resource").filter((e) => e.name.includes("/sim/tasks/")).length);
  await page.evaluate(() => window.demo.controls.stop());
  const n0 = await polls();
  const again = await simJson(`${url}/sim/calls`, "POST", { worker: { sid: "WK" + "1".repeat(32), name: "Zed" }, customer: { number: "+14155550111" } });
  await sleep(600);
  check("controls.stop() ends the long poll", (await polls()) === n0 && !!again.taskSid);

  // A second page attaches to an existing call (?task=&worker=&agentCall=).
  const page2 = await browser.newPage();
  await page2.goto(`${url}/?task=${again.taskSid}&worker=${"WK" + "1".repeat(32)}&agentCall=${again.agentCallSid}&list=1&xwt=1`);
  await page2.waitForSelector("body[data-registered='true']");
  const attached = await page2.evaluate(() => ({ task: window.demo.taskSid, conf: window.demo.conferenceSid, n: document.querySelectorAll("[data-testid='participant-card'][data-list-mode='true']").length, xwt: !!window.demo.flex.Actions.actions.get("StartExternalWarmTransfer") }));
  check("?task=&worker=&agentCall= attaches to an existing call", attached.task === again.taskSid && attached.conf === again.conferenceSid && attached.n === 2, attached);
  check("xwt=1 registers Flex's native StartExternalWarmTransfer", attached.xwt);

  const unexpected = consoleErrors.filter((t) => !/listener b failed|Error on beforeSetComponentState/.test(t));
  check("no unexpected console errors", unexpected.length === 0, unexpected);
} catch (e) {
  failures += 1;
  console.log(`FAIL ${e && e.stack ? e.stack : e}`);
} finally {
  await browser.close();
  simProcess.kill();
  if (!keep) rmSync(tmp, { recursive: true, force: true });
}

console.log(failures ? `${failures} check(s) failed` : "all checks passed");
process.exit(failures ? 1 : 0);
