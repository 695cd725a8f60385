// End-to-end harness: the demo page (www/, a fake Flex host with Flex's semantics) running the
// real package (pkg/) in headless Chromium against the running sim. `cargo xtask test` starts the
// sim and passes its URL in FLEX_CONFERENCE_SIM_URL.
//
// Every test reads its final state from the sim (`/sim/conferences/{sid}`, `/sim/requests`), not
// from the page: the page is what the agent sees, the sim is what happened to the call.

import { mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

export const SIM = process.env.FLEX_CONFERENCE_SIM_URL;
if (!SIM) {
  throw new Error("FLEX_CONFERENCE_SIM_URL is not set: run the e2e tests with `cargo xtask test`");
}

const here = dirname(fileURLToPath(import.meta.url));
/** Screenshots of the main states, for people to look at. */
export const SCREENSHOTS = join(here, "..", "..", "target", "e2e", "screenshots");
mkdirSync(SCREENSHOTS, { recursive: true });

/** How long a state may take to show (the engine polls ringing legs every 0.25–1 s). */
export const PATIENCE_MS = 20000;

const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

let browser = null;

/** One Chromium per test file. */
export async function launch() {
  if (!browser) {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ARGS });
  }
  return browser;
}

export async function closeBrowser() {
  if (browser) await browser.close();
  browser = null;
}

/** A control-API or serverless call; the parsed JSON body (or text). */
export async function sim(method, path, body) {
  const response = await fetch(SIM + path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch (_) {
    parsed = text;
  }
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`);
  return parsed;
}

export const conference = (sid) => sim("GET", `/sim/conferences/${sid}`);
export const requests = async (sid) => sim("GET", `/sim/requests?conference=${sid}`);
export const leg = (callSid, action) => sim("POST", `/sim/legs/${callSid}/${action}`, {});
export const fault = (spec) => sim("POST", "/sim/faults", spec);

/** Waits until `check()` returns a truthy value (polling); that value. */
export async function until(what, check, timeoutMs = PATIENCE_MS) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}; last: ${describe(last)}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}

function describe(value) {
  if (value instanceof Error) return value.message;
  try {
    return JSON.stringify(value);
  } catch (_) {
    return String(value);
  }
}

/** The live legs of a conference: callSid → endConferenceOnExit. */
export function liveFlags(conf) {
  const out = {};
  for (const p of conf.participants || []) {
    if (p.status === "connected") out[p.callSid] = p.endConferenceOnExit;
  }
  return out;
}

/**
 * Opens the demo. With `call`, attaches to that call (made with `newCall`); otherwise the page
 * starts its own. `query` adds URL parameters (`xwt=1`, `list=1`, …). Resolves once the package
 * registered; page errors and console errors are collected in `errors`.
 */
export async function openDemo({ call = null, query = "", worker = null } = {}) {
  const b = await launch();
  const context = await b.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  const params = new URLSearchParams(query);
  if (call) {
    params.set("task", call.taskSid);
    params.set("worker", worker || call.workerSid);
    params.set("agentCall", call.agentCallSid);
  }
  const search = params.toString();
  await page.goto(`${SIM}/${search ? "?" + search : ""}`);
  await page.waitForFunction(
    () => document.body.dataset.registered === "true" || !!document.body.dataset.registerError,
    null,
    { timeout: PATIENCE_MS },
  );
  const registerError = await page.evaluate(() => document.body.dataset.registerError || null);
  assert.equal(registerError, null, "the package registers without error");
  const ids = await page.evaluate(() => ({
    taskSid: window.demo.taskSid,
    conferenceSid: window.demo.conferenceSid,
    agentCallSid: window.demo.agentCallSid,
    customerCallSid: window.demo.customerCallSid,
    registeredMs: window.demo.registeredMs,
    mode: window.demo.registration && window.demo.registration.mode,
  }));
  return {
    page,
    errors,
    ...ids,
    close: () => context.close(),
    conference: () => conference(ids.conferenceSid),
    requests: () => requests(ids.conferenceSid),
    notifications: () => page.evaluate(() => window.demo.controls.notificationLog.map((n) => ({ id: n.id, text: n.text }))),
    screenshot: (name) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true }),
  };
}

/** A new two-party call in the sim: worker WK…, customer `number`. */
export async function newCall(number = "+14155550100") {
  const workerSid = "WK" + "a".repeat(32);
  const created = await sim("POST", "/sim/calls", {
    worker: { sid: workerSid, name: "Alice" },
    customer: { number },
  });
  return { ...created, workerSid };
}

/** The participant card of a call SID (native Flex card or ours). */
export const card = (page, callSid) => page.locator(`[data-testid="participant-card"][data-call-sid="${callSid}"]`);

/** The connecting cards (ours, inside the fake Flex's ParticipantCanvas). */
export const connectingCards = (page) =>
  page.locator('[data-testid="participant-card"]').filter({ has: page.locator('[data-status-key="PSConferenceRinging"], [data-status-key="PSConferenceDialing"], [data-status-key="CallParticipantStatusConnecting"], [data-status-key="PSConferenceChecking"]') });

/** Opens the "+" dialog, types `destination`, presses Dial. */
export async function dial(page, destination) {
  await page.getByTestId("conference-add-button").click();
  const input = page.getByTestId("conference-dialog-input");
  await input.fill(destination);
  await page.getByTestId("conference-dialog-dial").click();
}

/** The added leg (kind `unknown`) the sim has, once it exists. */
export async function addedLeg(session) {
  const conf = await until("the added leg exists", async () => {
    const c = await session.conference();
    return (c.participants || []).some((p) => p.kind === "unknown") ? c : null;
  });
  return conf.participants.filter((p) => p.kind === "unknown").pop();
}

/** Endpoint names of the serverless requests so far. */
export async function endpoints(session) {
  return (await session.requests()).map((r) => r.endpoint);
}

/** Clicks a card's Remove, then confirms. */
export async function removeByCard(page, callSid) {
  const c = card(page, callSid);
  await c.getByTestId("participant-remove").click();
  await c.getByTestId("participant-kick-accept").click();
}

/** Waits until the session's conference has ended; its final state. */
export function ended(session) {
  return until("the call ended", async () => {
    const c = await session.conference();
    return c.status === "completed" ? c : null;
  });
}

/** A, C and X (answered) in `s`'s call; X's call SID once every flag is false. */
export async function bringInX(s, number) {
  await dial(s.page, number);
  const x = await addedLeg(s);
  await leg(x.callSid, "answer");
  await until("A, C and X all false", async () => {
    const flags = liveFlags(await s.conference());
    return Object.keys(flags).length === 3 && Object.values(flags).every((v) => v === false);
  });
  return x.callSid;
}

/** Waits until exactly `expected` (callSid → flag) are the live legs. */
export function liveAre(s, expected) {
  return until(`live legs are ${JSON.stringify(expected)}`, async () => {
    const c = await s.conference();
    const flags = liveFlags(c);
    const keys = Object.keys(expected);
    return Object.keys(flags).length === keys.length && keys.every((k) => flags[k] === expected[k]) ? c : null;
  });
}


/** The leg `callSid` of a conference state. */
export const legOf = (conf, callSid) => conf.participants.find((p) => p.callSid === callSid);
