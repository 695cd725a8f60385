// The npm package as a plugin author gets it: `npm pack` makes a tarball that installs, ships only
// what `files` lists, and whose CommonJS entry (what Jest resolves) loads the embedded engine under
// Node without any platform decompressor (as in Jest's jsdom environment): the package unpacks its
// LZMA-packed module with its own decoder.

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const pkg = join(repo, "pkg");
const work = mkdtempSync(join(tmpdir(), "flex-conference-pack-"));
after(() => rmSync(work, { recursive: true, force: true }));

const npm = (args, cwd) => execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

describe("the npm package", () => {
  let tarball;

  it("packs into a tarball holding the bundles, the types and the README", () => {
    const listed = JSON.parse(npm(["pack", pkg, "--pack-destination", work, "--json"], work))[0];
    tarball = join(work, listed.filename);
    const files = listed.files.map((f) => f.path).sort();
    for (const expected of ["README.md", "package.json", "dist/index.esm.js", "dist/index.cjs.js", "dist/types/index.d.ts"]) {
      assert.ok(files.includes(expected), `${expected} is in the tarball: ${files.join(", ")}`);
    }
    assert.ok(!files.some((f) => f.endsWith(".wasm")), "no separate .wasm file: the module is embedded");
    const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
    assert.equal(manifest.peerDependencies.react, "^17.0.0");
    assert.ok(manifest.peerDependencies["@twilio/flex-ui"].startsWith("^2"));
  });

  it("installs into a project, and its CommonJS entry runs the engine under Node", () => {
    const project = join(work, "plugin");
    execFileSync("mkdir", ["-p", project]);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "a-plugin", version: "1.0.0", private: true }));
    // Peers (React) come from this repository's node_modules, as a plugin would have its own.
    npm(["install", "--no-audit", "--no-fund", "--legacy-peer-deps", "--ignore-scripts", tarball], project);
    // Without DecompressionStream, as in Jest's jsdom environment: the package needs none.
    const script = `
      delete globalThis.DecompressionStream;
      const m = require("flex-conference");
      m.loadWasm().then(() => {
        const engine = new m.ConferenceEngine({ enabled: true, default_caller_id: "+15005550006" });
        engine.handleSnapshot({ taskSid: "WT1", conference: { conferenceSid: "CF1", participants: [
          { callSid: "CA1", participantType: "worker", workerSid: "WK1", isCurrentWorker: true },
          { callSid: "CA2", participantType: "customer" } ] } }, 0);
        const outcome = engine.handleIntent({ kind: "addParticipant", destination: "+1 415 555 0100", callerId: null }, 0);
        const first = engine.pollCommand();
        console.log(JSON.stringify({ mode: engine.view().mode, accepted: outcome.accepted, first: first && first.endpoint, to: first && first.params.to }));
      }).catch((e) => { console.error(e); process.exit(1); });`;
    const out = execFileSync(process.execPath, ["-e", script], {
      cwd: project,
      encoding: "utf8",
      env: { ...process.env, NODE_PATH: join(repo, "js", "node_modules") },
    });
    assert.deepEqual(JSON.parse(out.trim().split("\n").pop()), {
      mode: "full",
      accepted: true,
      first: "add-participant",
      to: "+14155550100",
    });
  });
});
