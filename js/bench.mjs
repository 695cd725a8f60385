// `cargo xtask bench` (issue 6), the browser part: prints one JSON line with
//   P2: cold start — from the example plugin's bundle starting to evaluate (the end of its
//       download) to its `init` having registered the feature, through Flex's plugin-loader path
//       (www/demo.js `?plugin=`), over `COLD_LOADS` fresh page loads in headless Chromium;
//   P3: the engine's cost per Flex task snapshot (6 legs, JS ↔ wasm conversion included) in
//       headless Chromium (www/bench.html), over `P3_ROUNDS` rounds of `P3_ITERATIONS`.
// Needs the sim (FLEX_CONFERENCE_SIM_URL) serving www/ and pkg/, and www/plugin/ built
// (js/plugin-check.mjs). Then writes BENCHMARKS.md with these, P1 (the weights) and the machine.
// Budgets are reported, never enforced: only a broken run fails.

import { addedLeg, closeBrowser, dial, ended, fault, launch, leg, liveAre, liveFlags, openDemo, sim, until } from "./e2e/harness.mjs";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync, constants } from "node:zlib";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");

const SIM = process.env.FLEX_CONFERENCE_SIM_URL;
if (!SIM) {
  console.error("bench: set FLEX_CONFERENCE_SIM_URL to a running sim");
  process.exit(2);
}
const COLD_LOADS = Number(process.env.BENCH_COLD_LOADS || 21);
const P3_ROUNDS = 7;
const P3_ITERATIONS = 2000;

const stats = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { n: s.length, median: at(0.5), p10: at(0.1), p90: at(0.9), min: s[0], max: s[s.length - 1] };
};

// The e2e suite's Chromium (same flags), one for the whole run.
const browser = await launch();
try {
  // P2: a fresh context per load, so nothing is cached between them.
  const cold = [];
  for (let i = 0; i < COLD_LOADS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${SIM}/?plugin=${encodeURIComponent("/plugin/plugin-conference-example.js")}`);
    await page.waitForSelector("body[data-registered], body[data-register-error], body[data-boot-error]");
    const r = await page.evaluate(() => ({
      ms: window.demo && window.demo.pluginColdStartMs,
      mode: window.demo && window.demo.registration && window.demo.registration.mode,
      error: document.body.dataset.registerError || document.body.dataset.bootError || null,
    }));
    await context.close();
    if (r.error || r.mode !== "full" || typeof r.ms !== "number") {
      throw new Error(`cold start load ${i + 1} did not register: ${JSON.stringify(r)}`);
    }
    cold.push(r.ms);
  }

  // P3.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${SIM}/bench.html`);
  await page.waitForSelector("body[data-ready]", { state: "attached" });
  const perSnapshot = [];
  for (let i = 0; i < P3_ROUNDS; i++) perSnapshot.push(await page.evaluate((n) => window.benchSnapshots(n), P3_ITERATIONS));
  await context.close();

  const fuzzing = runFuzzer();
  const p4 = await standardFlowRequests();
  const p5 = await safeToLeaveAfterAnswer();
  const standard = runStandardFlow();
  const shootout = runShootout();
  const result = {
    fuzzing,
    p4,
    p5,
    standard,
    shootout,
    p2ColdStartMs: stats(cold),
    p3SnapshotMicros: { ...stats(perSnapshot), iterationsPerRound: P3_ITERATIONS },
    chromium: browser.version(),
  };
  console.log(JSON.stringify(result));
  writeReport(result);
  if (shootout.ours.violating > 0) {
    console.error(`bench: our engine broke a DESIGN §6 invariant in ${shootout.ours.violating} shootout scenarios (replay commands above)`);
    process.exitCode = 1;
  }
} finally {
  await closeBrowser();
}

/** Runs a bench binary built by xtask; returns its last stdout line as JSON (u64 seeds kept as digits). */
function benchBinary(name, args, { okCodes = [0] } = {}) {
  const bin = join(repo, "target", "bench", "release", name);
  let out;
  try {
    out = execFileSync(bin, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 * 2 ** 20 });
  } catch (error) {
    if (!okCodes.includes(error.status) || typeof error.stdout !== "string") throw error;
    out = error.stdout;
  }
  const line = out.trim().split("\n").pop();
  const summary = JSON.parse(line);
  const seed = line.match(/"seed":"?(\d+)/);
  if (seed) summary.seed = seed[1];
  return summary;
}

/**
 * P4 and P5 for both policies (bench/src/bin/shootout --standard): the standard flow against the
 * sim in process, in virtual time, with 50 and 100 ms per request.
 */
function runStandardFlow() {
  const summary = benchBinary("shootout", ["--standard"]);
  console.log(`bench: standard flow ${JSON.stringify(summary)}`);
  return summary;
}

/**
 * The shootout (issue 6, point 3): `SHOOTOUT_SCENARIOS` seeded random scenarios, ours and the
 * replayed reference. Exit 1 means our engine broke an invariant: the report is still written,
 * then the run fails.
 */
function runShootout() {
  const scenarios = process.env.SHOOTOUT_SCENARIOS || "1000";
  const summary = benchBinary("shootout", ["--scenarios", scenarios], { okCodes: [0, 1] });
  console.log(`bench: shootout ${JSON.stringify(summary)}`);
  return summary;
}

/**
 * Fuzzing (issue 6, point 4): bench/src/bin/fuzz.rs, built by xtask, over `FUZZ_EXECUTIONS`
 * random engine input sequences and parser texts; its last stdout line is a JSON summary. Panics
 * or broken checks make it exit 1, which fails the run.
 */
function runFuzzer() {
  const summary = benchBinary("fuzz", ["--executions", process.env.FUZZ_EXECUTIONS || "1000000"]);
  console.log(`bench: fuzzing ${JSON.stringify(summary)}`);
  return summary;
}

/**
 * P4 (ours): the standard flow through the demo — add a number, 20 s of ringing, answer, the
 * agent leaves, the customer hangs up — and the serverless requests the sim logged for the call.
 */
async function standardFlowRequests() {
  const s = await openDemo();
  try {
    await dial(s.page, "+14155550191");
    const x = (await addedLeg(s)).callSid;
    await new Promise((r) => setTimeout(r, 20_000));
    await leg(x, "answer");
    await until("A, C and X all false", async () => {
      const flags = liveFlags(await s.conference());
      return Object.keys(flags).length === 3 && Object.values(flags).every((v) => v === false);
    });
    await s.page.getByTestId("native-hangup").click();
    await liveAre(s, { [s.customerCallSid]: true, [x]: true });
    await leg(s.customerCallSid, "hangup");
    await ended(s);
    await new Promise((r) => setTimeout(r, 1000)); // anything still in flight lands in the log
    const log = await s.requests();
    const byEndpoint = {};
    for (const r of log) byEndpoint[r.endpoint] = (byEndpoint[r.endpoint] || 0) + 1;
    return { requests: log.length, byEndpoint };
  } finally {
    await s.close();
  }
}

/**
 * P5 (ours): with 100 ms of sim latency on every serverless request of the call, the time from
 * the third party answering to the call being safe for the agent to leave (the agent's, the
 * customer's and the new party's flags all false, read from the sim). 0 when it is already safe
 * at the answer; also reports how long before the answer it became safe.
 */
async function safeToLeaveAfterAnswer() {
  const s = await openDemo();
  try {
    for (const endpoint of ["add-participant", "get-call-properties", "get-participant", "hold-participant", "mute-participant", "remove-participant", "update-participant"]) {
      await fault({ endpoint, latencyMs: 100, times: 10_000, conference: s.conferenceSid });
    }
    const dialed = Date.now();
    await dial(s.page, "+14155550192");
    const x = (await addedLeg(s)).callSid;
    // A and C false while X rings: the agent could leave and the call would go on.
    await until("A and C false while X rings", async () => {
      const flags = liveFlags(await s.conference());
      return flags[s.agentCallSid] === false && flags[s.customerCallSid] === false;
    });
    const safeBeforeAnswerMs = Date.now() - dialed;
    await new Promise((r) => setTimeout(r, 2000));
    // Safe = the agent's own flag is false: the agent's leaving then never ends the call.
    const agentFalseAtAnswer = liveFlags(await s.conference())[s.agentCallSid] === false;
    const answered = Date.now();
    await leg(x, "answer");
    await until("the agent's flag false after the answer", async () => liveFlags(await s.conference())[s.agentCallSid] === false);
    const untilAgentFalseMs = Date.now() - answered;
    await until("A, C and X all false", async () => {
      const flags = liveFlags(await s.conference());
      return flags[s.agentCallSid] === false && flags[s.customerCallSid] === false && flags[x] === false;
    });
    const allFalseAfterAnswerMs = Date.now() - answered;
    return {
      safeAfterAnswerMs: agentFalseAtAnswer ? 0 : untilAgentFalseMs,
      safeBeforeAnswerMs: agentFalseAtAnswer ? safeBeforeAnswerMs : null,
      allFalseAfterAnswerMs,
      latencyMs: 100,
    };
  } finally {
    await sim("DELETE", `/sim/faults?conference=${s.conferenceSid}`).catch(() => {});
    await s.close();
  }
}

/** P3 natively: criterion's estimate (bench/benches/snapshot.rs, run just before by xtask). */
function nativeRow() {
  const file = join(repo, "target", "bench", "criterion", "p3_snapshot_6_legs", "new", "estimates.json");
  let estimates;
  try {
    estimates = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return "| P3 | the same, native (criterion) | not run (no criterion estimates) | | |";
  }
  const us = (ns) => (ns / 1000).toFixed(2);
  const m = estimates.median;
  return `| P3 | the same natively: JSON text → snapshot → engine → commands (criterion median) | ${us(m.point_estimate)} µs; 95% CI ${us(m.confidence_interval.lower_bound)}–${us(m.confidence_interval.upper_bound)} | | |`;
}

/** The shootout's rows: the key in the shootout's JSON and the invariant, as DESIGN §6 words it. */
function shootoutRows() {
  return [
    ["dropped", "1, 4: a leg's exit ends the call while 2+ others stay on (customer or party dropped)"],
    ["stranded", "2: a party left alone, or the last two do not end together"],
    ["heldNoAgent", "3: a party on hold with no agent left"],
    ["duplicateLegs", "5: one add, more than one leg"],
    ["defects", "6: a panic or a refused input"],
    ["silentFailures", "7: an agent's action failed and nothing was shown"],
  ];
}

function endpoints(r) {
  return Object.entries(r.byEndpoint).map(([e, n]) => `${e} ${n}`).join(", ");
}

/** Scenarios with an outcome in a SPEC window, and by which window. */
function windows(r) {
  const kinds = Object.entries(r.windows || {}).map(([k, n]) => `${k}: ${n}`);
  return kinds.length ? `${r.inWindows} (${kinds.join("; ")})` : `${r.inWindows}`;
}

function safe(r) {
  return r.safeAfterAnswerMs === null ? "never" : `${r.safeAfterAnswerMs} ms`;
}

function writeReport({ fuzzing, p4, p5, standard, shootout, p2ColdStartMs: p2, p3SnapshotMicros: p3, chromium: chromiumVersion }) {
  const plugin = JSON.parse(readFileSync(join(repo, "target", "flex-plugin", "sizes.json"), "utf8"));
  const wasm = readFileSync(join(repo, "target", "bindgen", "flex_conference_bg.wasm"));
  const esm = readFileSync(join(repo, "pkg", "dist", "index.esm.js"), "utf8");
  const blob = esm.match(/FLEX_CONFERENCE_WASM="([A-Za-z0-9+/=]+)"/);
  const packed = blob ? Buffer.from(blob[1], "base64").length : NaN;
  const gz = (b) => gzipSync(b, { level: constants.Z_BEST_COMPRESSION }).length;
  const version = (cmd, args) => {
    try {
      return execFileSync(cmd, args, { encoding: "utf8" }).trim();
    } catch {
      return "unknown";
    }
  };
  const cpus = os.cpus();
  const fmt = (n, digits = 1) => n.toFixed(digits);
  const spread = (s, digits = 1) => `${fmt(s.p10, digits)}–${fmt(s.p90, digits)} (p10–p90), ${fmt(s.min, digits)}–${fmt(s.max, digits)} (min–max)`;
  const verdict = (ok) => (ok ? "met" : "**not met**");
  const KB = 1024;
  const ours4 = standard.ours.latency50;
  const ref4 = standard.reference.latency50;
  const ours5 = standard.ours.latency100;
  const ref5 = standard.reference.latency100;
  const lines = [
    "# Benchmarks",
    "",
    `Written by \`cargo xtask bench\` on ${new Date().toISOString().slice(0, 10)}. Budgets are issue 6's; a budget that is`,
    "not met is reported, never enforced (only a broken run fails the command).",
    "",
    "## Machine",
    "",
    `- ${cpus.length} × ${cpus[0] ? cpus[0].model : "unknown CPU"}, ${fmt(os.totalmem() / 2 ** 30, 0)} GiB, ${os.type()} ${os.release()}`,
    `- ${version("rustc", ["-V"])}; Node ${process.version}; Chromium ${chromiumVersion} (headless)`,
    "",
    "## Results",
    "",
    "| | what | result | budget | |",
    "|---|---|---|---|---|",
    `| P1 | the package inside the example plugin's bundle (with minus without) | ${plugin.packageGzip} B gzip -9 (${fmt(plugin.packageGzip / KB)} KB); ${plugin.packageRaw} B raw | ≤ 40 KB gzip (the reference feature with its dependencies: 41.7 KB without Paste, about 147 KB with it, issue 6's figures) | ${verdict(plugin.packageGzip <= 40 * KB)} |`,
    `| P1 | the module: after wasm-bindgen / as embedded (LZMA) | ${wasm.length} B raw, ${gz(wasm)} B gzip / ${packed} B | | |`,
    `| P2 | cold start: bundle evaluated → registered (median of ${p2.n} loads) | ${fmt(p2.median)} ms; ${spread(p2)} | ≤ 10 ms | ${verdict(p2.median <= 10)} |`,
    `| P3 | engine cost per 6-leg task snapshot, JS ↔ wasm included, Chromium (median of ${p3.n} rounds × ${p3.iterationsPerRound}) | ${fmt(p3.median, 2)} µs; ${spread(p3, 2)} | ≤ 50 µs | ${verdict(p3.median <= 50)} |`,
    nativeRow(),
    `| P4 | serverless requests for the standard flow (add, 20 s ringing, answer, agent leaves, one party hangs up) | ours: ${ours4.requests} (${endpoints(ours4)}); the replayed reference: ${ref4.requests} (${endpoints(ref4)}); ratio ${fmt(ours4.requests / ref4.requests, 2)} | ≤ ⅓ of the reference | ${verdict(ours4.requests * 3 <= ref4.requests)} |`,
    `| P4 | the same flow clicked through the demo in Chromium (ours, end to end) | ${p4.requests} (${endpoints(p4)}) | | |`,
    `| P5 | third party answers → safe for the agent to leave, 100 ms per request | ours: ${safe(ours5)}; the replayed reference: ${safe(ref5)} | 0 | ${verdict(ours5.safeAfterAnswerMs === 0)} |`,
    `| P5 | the same through the demo in Chromium (ours, end to end) | ${p5.safeAfterAnswerMs} ms${p5.safeBeforeAnswerMs !== null ? ` (safe ${p5.safeBeforeAnswerMs} ms after Dial, before the answer)` : ""}; all three flags final ${p5.allFalseAfterAnswerMs} ms after the answer | | |`,
    "",
    "## The shootout",
    "",
    `${Number(shootout.scenarios).toLocaleString("en-US")} seeded random scenarios (seed ${shootout.seed}), each run once with our engine and once with`,
    `the replayed reference against the same sim, in ${shootout.seconds} s. A cell counts the scenarios that broke the invariant.`,
    "",
    "| DESIGN §6 invariant | ours | replayed reference |",
    "|---|---|---|",
    ...shootoutRows().map(([key, label]) => `| ${label} | ${shootout.ours.byInvariant[key]} | ${shootout.reference.byInvariant[key]} |`),
    `| **scenarios with any violation** | **${shootout.ours.violating}** | **${shootout.reference.violating}** |`,
    `| outcomes in a window the SPEC documents (not counted above; see Method) | ${windows(shootout.ours)} | ${windows(shootout.reference)} |`,
    `| serverless requests, all scenarios | ${shootout.ours.requests.toLocaleString("en-US")} | ${shootout.reference.requests.toLocaleString("en-US")} |`,
    "",
    `Replay one scenario with every step and request printed: \`cargo run --release --manifest-path bench/Cargo.toml --target-dir target/bench --bin shootout -- --seed ${shootout.seed} --only K\`.`,
    "",
    "## Fuzzing",
    "",
    `\`bench/src/bin/fuzz.rs\` (stable Rust, seeded): ${fuzzing.executions.toLocaleString("en-US")} executions, ${fuzzing.inputs.toLocaleString("en-US")} engine inputs, in ${fuzzing.seconds} s:`,
    `**${fuzzing.panics} panics, ${fuzzing.failures} broken checks** (seed ${fuzzing.seed}).`,
    "",
    "An execution is one configuration (valid, invalid or garbage), then a snapshot and 4–16 random steps:",
    "snapshots (realistic or mutated), intents, API results for the commands the engine emitted (and for",
    "ids it never sent), and timeouts. Each execution also feeds one text to the crate's JSON reader, whose",
    "results are compared with serde_json's. After every input the driver drains the commands (more than",
    "10,000 counts as a failure), checks that no command id is reused, and checks that `pollTimeout()` is",
    "never in the past.",
    "",

    "## Method",
    "",
    `- **P1.** \`js/plugin-check.mjs\` builds \`examples/flex-plugin\` with flex-plugin-scripts 7.1.2 (webpack 4),`,
    "  then the same plugin without the package. The difference is what the package adds. Both are gzip -9.",
    `  The whole bundle: ${plugin.bundleRaw} B raw, ${plugin.bundleGzip} B gzip. Without the package: ${plugin.withoutPackageRaw} / ${plugin.withoutPackageGzip}.`,
    "- **P2.** The demo page in headless Chromium loads the built bundle by script tag through",
    "  `Twilio.Flex.Plugins.init`, in a fresh browser context each time. The clock starts at the end of the",
    "  bundle's download (`responseEnd`) and stops when the plugin's `init` has registered.",
    "  Included: evaluating the bundle, unpacking the embedded module (LZMA, in JavaScript), compiling and",
    "  instantiating it, reading the configuration, and registering the components, actions and notifications.",
    "- **P4, P5 (both policies).** `bench/src/bin/shootout --standard`: the sim in process (its HTTP router",
    "  called directly) in virtual time, each agent browser running one policy behind Flex's action",
    "  semantics. A dials X; X rings 20 s and answers; A leaves 10 s later (confirming); X hangs up 10 s",
    "  after that; Flex shows changes 200 ms late. P4 counts every request, P5 is measured with 100 ms per",
    "  request: safe means the agent's own `endConferenceOnExit` is false at Twilio, so the agent's leaving",
    "  cannot end the call; 0 ms means it was already false when X answered (ours writes it at Dial time).",
    "- **P4, P5 (ours, end to end).** The same flow clicked through the demo in Chromium against the sim:",
    "  every request the sim logged for the call; P5 with a 100 ms latency fault on every request.",
    "- **The replayed reference** (`bench/src/reference.rs`, bench-only, never shipped) is the template",
    "  feature as SPEC §4–§8 describe it: the edge-triggered monitor (fire-and-forget writes, edges used up),",
    "  the hold workaround through Flex actions, the 5 s hang-up guard that polls Flex's state, the 1 s",
    "  status polling of ringing legs, names fetched per card, and the browser retry policy (429 and network",
    "  errors, 10 times, creates included). Its defects D1–D3, D5–D7, D9, D11, D12 and D14 are reproduced.",
    "- **The shootout.** `bench/src/bin/shootout`, the same driver. Each scenario starts from a live call",
    "  (agent A and the customer) and draws a setup — request latency 20–800 ms, Flex event delay 0–2,000 ms,",
    "  the hold workaround on or off, Flex retyping held added legs as `customer` or not, the agent closing",
    "  the task at once after leaving (1 in 3) — and 1–12 steps 0–15 s apart (0 races the step before):",
    "  dials, answers, busy / no-answer, parties hanging up, holds, unholds and removals from participant rows",
    "  or Flex's own customer row, mutes and unmutes (ours only: the reference has no mute button, D17),",
    "  stopping a dial, a second agent joining by transfer, agents hanging up,",
    "  and faults for the next 1–4 requests to an endpoint (429, 500, 503, dropped connections, done-then-",
    "  failed answers). The held-leg quirk is on; rings time out after 60 s. Then the call runs 120 s more.",
    "  Checks: **dropped** — a leg's exit ended the call while two or more others stayed on (not an agent",
    "  handing over to another agent); **stranded** — settled, a party alone with no agent, or of the last",
    "  two one hangs up and the other stays on; **held, no agent**; **duplicate legs** — more legs to a",
    "  number than accepted dials of it; **silent failures** — an agent's action (dial, hold, unhold, mute,",
    "  remove, stop dialing, hang up) neither took effect nor showed anything (a notification or an inline",
    "  refusal);",
    "  **defects** — a panic or a refused input.",
    "- **SPEC windows.** Drops, stranding or holds are counted apart, for both policies, when the scenario",
    "  entered a window the SPEC itself documents: the last agent left (confirming) while a dialed leg rang",
    "  (SPEC §13 scenario 13: nobody is left to reconcile the new leg); a party hung up while a hang-up guard",
    "  ran, or after the last agent left three or more parties behind (§12 C5: no atomic \"change flags and",
    "  leave\"; C6's server-side reconciler would cover it); an agent hung up before Flex showed a change.",
    "- **P3.** `www/bench.html` with the package's `ConferenceEngine`. Each step is a `handleSnapshot` of a",
    "  6-leg Flex task, alternating two tasks that differ in one leg's `muted`, plus draining the commands.",
    "  200 warm-up steps, then rounds of 2,000 steps.",
    "",
  ];
  writeFileSync(join(repo, "BENCHMARKS.md"), lines.join("\n"));
  console.log("bench: BENCHMARKS.md written");
}
