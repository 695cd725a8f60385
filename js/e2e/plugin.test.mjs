// The package inside a real Flex plugin build: examples/flex-plugin, built by flex-plugin-scripts
// 7.1.2 (webpack 4) into one classic-script bundle, loaded the way Flex's plugin loader loads it.
// The demo page defines window.Twilio.Flex (with Plugins.init) and the React/Redux globals, then
// adds the bundle by script tag; the plugin's own init awaits the package's registration.
// `cargo xtask test` builds the example and copies its bundle to www/plugin/ first.

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bringInX, closeBrowser, liveAre, openDemo } from "./harness.mjs";

after(closeBrowser);

const BUNDLE = "/plugin/plugin-conference-example.js";
const onDisk = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "www", "plugin", "plugin-conference-example.js");

describe("the package inside a Flex plugin bundle", () => {
  it("is there: the example plugin was built with flex-plugin-scripts (cargo xtask test does that first)", () => {
    assert.ok(existsSync(onDisk), `${onDisk} is missing: build the example (cargo xtask test builds it)`);
  });

  it("registers through Flex's plugin loader, and a 3-party call goes on after the agent leaves", async () => {
    const s = await openDemo({ query: `plugin=${encodeURIComponent(BUNDLE)}` });
    try {
      assert.deepEqual(s.errors, []);
      const registration = await s.page.evaluate(() => {
        const r = window.demo.registration;
        return { mode: r.mode, error: r.error, viaBundle: Array.from(document.scripts).some((el) => el.src.endsWith("/plugin/plugin-conference-example.js")) };
      });
      assert.deepEqual(registration, { mode: "full", error: null, viaBundle: true });
      // The plugin's bundle, not the page, imported the package: the page never fetched /pkg/.
      const fetchedPkg = await s.page.evaluate(() => performance.getEntriesByType("resource").some((e) => e.name.includes("/pkg/")));
      assert.equal(fetchedPkg, false, "the page loaded the package itself instead of through the plugin bundle");

      const x = await bringInX(s, "+14155550190");
      await s.page.getByTestId("native-hangup").click();
      const c = await liveAre(s, { [s.customerCallSid]: true, [x]: true });
      assert.equal(c.status, "in-progress");
    } finally {
      await s.close();
    }
  });
});
