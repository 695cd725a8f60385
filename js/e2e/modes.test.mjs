// Modes and surroundings: list mode, native external warm transfer (XWT), the feature switched off,
// a refreshed token (SPEC §2.7, §13 15, 20).

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { addedLeg, card, closeBrowser, dial, leg, openDemo, sim, until } from "./harness.mjs";

after(closeBrowser);

describe("modes", () => {
  it("shows names and statuses in list mode, with the custom actions on every row", async () => {
    const s = await openDemo({ query: "list=1" });
    try {
      await dial(s.page, "+14155550160");
      const x = await addedLeg(s);
      await leg(x.callSid, "answer");
      const row = card(s.page, x.callSid);
      await until("X's row shows", async () => (await row.count()) === 1);
      const container = row.getByTestId("participant-status-container");
      await until("the row's status container shows name and status", async () =>
        (await container.getByTestId("participant-name").innerText()) === "+14155550160",
      );
      assert.equal(await container.getByTestId("participant-status").getAttribute("data-status-key"), "CallParticipantStatusLive");
      assert.equal(await row.getByTestId("participant-actions").count(), 1);
      await s.screenshot("11-list-mode");
    } finally {
      await s.close();
    }
  });

  it("in XWT mode shows no + button and custom buttons only on the customer's card", async () => {
    const s = await openDemo({ query: "xwt=1" });
    try {
      assert.equal(s.mode, "xwt");
      assert.equal(await s.page.getByTestId("conference-add-button").count(), 0);
      await until("the customer's card has the custom actions", async () =>
        (await card(s.page, s.customerCallSid).getByTestId("participant-actions").count()) === 1,
      );
      assert.equal(await card(s.page, s.agentCallSid).getByTestId("participant-actions").count(), 0);
      await s.screenshot("12-xwt-mode");
    } finally {
      await s.close();
    }
  });

  it("registers nothing when the feature is disabled", async () => {
    const s = await openDemo({ query: "enabled=0" });
    try {
      assert.equal(s.mode, "disabled");
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(await s.page.getByTestId("conference-add-button").count(), 0);
      assert.equal(await s.page.getByTestId("participant-actions").count(), 0);
    } finally {
      await s.close();
    }
  });

  it("sends the refreshed token with the next request", async () => {
    const s = await openDemo();
    try {
      await sim("POST", "/sim/tokens", { token: "sim-token-2", state: "valid" });
      await s.page.evaluate(() => window.demo.controls.setToken("sim-token-2"));
      await sim("POST", "/sim/tokens", { token: "sim-token", state: "expired" });
      await dial(s.page, "+14155550161");
      const x = await addedLeg(s);
      assert.ok(x.callSid);
      const refused = (await s.requests()).filter((r) => r.status === 403);
      assert.deepEqual(refused, [], "no request went out with the old token");
    } finally {
      await sim("POST", "/sim/reset", {});
      await s.close();
    }
  });

  it("loads the package in the page without console errors and reports its registration time", async () => {
    const sinceLoad = [];
    const importAndRegister = [];
    for (let i = 0; i < 5; i++) {
      const s = await openDemo();
      try {
        assert.deepEqual(s.errors, []);
        importAndRegister.push(s.registeredMs);
        sinceLoad.push(await s.page.evaluate(() => window.demo.registeredSinceLoadMs));
      } finally {
        await s.close();
      }
    }
    const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(
      `registered: median ${median(sinceLoad).toFixed(1)} ms from navigation start, ` +
        `${median(importAndRegister).toFixed(1)} ms for import + registerConference (5 loads)`,
    );
    assert.ok(median(importAndRegister) < 2000);
  });

  for (const [language, title] of [
    ["es-MX", "Agregar un participante"],
    ["es-ES", "Añadir un participante"],
    ["pt-BR", "Adicionar um participante"],
    ["th", "เพิ่มผู้เข้าร่วม"],
    ["zh-Hans", "添加参与者"],
  ]) {
    it(`speaks ${language} when the configuration says so`, async () => {
      const s = await openDemo({ query: `language=${encodeURIComponent(language)}` });
      try {
        assert.equal(await s.page.getByTestId("conference-add-button").getAttribute("title"), title);
      } finally {
        await s.close();
      }
    });
  }

  it("keeps one registration when a plugin calls registerConference twice", async () => {
    const s = await openDemo();
    try {
      const same = await s.page.evaluate(async () => {
        const m = await import("/pkg/dist/index.esm.js");
        const again = await m.registerConference(window.demo.flex, window.demo.manager);
        return again === window.demo.registration;
      });
      assert.equal(same, true, "the second call returns the first registration");
      await dial(s.page, "+14155550162");
      await addedLeg(s);
      await new Promise((r) => setTimeout(r, 800));
      assert.equal(await s.page.getByTestId("conference-add-button").count(), 1);
      const adds = (await s.requests()).filter((r) => r.endpoint === "add-participant");
      assert.equal(adds.length, 1, "one engine per task: one add");
    } finally {
      await s.close();
    }
  });

  it("registers once per Flex, and never rejects, when a second copy of the package registers too", async () => {
    const s = await openDemo();
    try {
      const second = await s.page.evaluate(async () => {
        // A second plugin bundling its own copy of the package: a separate module instance.
        const m = await import("/pkg/dist/index.esm.js?second-copy");
        try {
          const r = await m.registerConference(window.demo.flex, window.demo.manager);
          return { resolved: true, mode: r.mode, same: r === window.demo.registration };
        } catch (e) {
          return { resolved: false, message: String((e && e.message) || e) };
        }
      });
      assert.equal(second.resolved, true, `registerConference never rejects: ${JSON.stringify(second)}`);
      assert.equal(second.same, true, "the second copy hands back the first registration");
      await dial(s.page, "+14155550163");
      await addedLeg(s);
      await new Promise((r) => setTimeout(r, 800));
      assert.equal(await s.page.getByTestId("conference-add-button").count(), 1, "one + button");
      const adds = (await s.requests()).filter((r) => r.endpoint === "add-participant");
      assert.equal(adds.length, 1, "one engine per task: one add");
    } finally {
      await s.close();
    }
  });

  it("registers without error when another feature already registered the template's notification ids", async () => {
    const s = await openDemo({ query: "preregister=PS_ExternalWarmTransferInvalidPhoneNumber" });
    try {
      assert.equal(s.mode, "full");
      assert.equal(await s.page.getByTestId("conference-add-button").count(), 1);
    } finally {
      await s.close();
    }
  });

  it("lets the account's manager.strings win over the package's strings", async () => {
    const s = await openDemo({ query: `language=es-MX&strings=${encodeURIComponent(JSON.stringify({ PSConferenceAddConferenceParticipant: "Sumar a alguien" }))}` });
    try {
      assert.equal(await s.page.getByTestId("conference-add-button").getAttribute("title"), "Sumar a alguien");
      await s.page.getByTestId("conference-add-button").click();
      assert.equal(await s.page.getByTestId("conference-dialog-dial").innerText(), "Marcar", "keys not overridden come from the locale");
    } finally {
      await s.close();
    }
  });

  it("runs no engine for a call the agent only monitors (a supervisor's Teams view)", async () => {
    const s = await openDemo();
    try {
      const other = await sim("POST", "/sim/calls", { worker: { sid: "WK" + "d".repeat(32), name: "Dora" }, customer: { number: "+14155550111" } });
      const fed = await s.page.evaluate(async (taskSid) => {
        // Every snapshot any engine is fed, by task.
        const m = await import("/pkg/dist/index.esm.js");
        const seen = new Set();
        const original = m.ConferenceClient.prototype.handleSnapshot;
        m.ConferenceClient.prototype.handleSnapshot = function (snapshot, ...rest) {
          seen.add(snapshot && snapshot.taskSid);
          return original.call(this, snapshot, ...rest);
        };
        // The supervisor's view of another worker's call: Flex renders its participant cards
        // with a task that isn't one of this worker's.
        const snap = await (await fetch(`/sim/tasks/${taskSid}?worker=WKsupervisor`)).json();
        const { flex, controls } = window.demo;
        controls.setActiveView("teams");
        const task = { ...snap, taskChannelUniqueName: "voice" };
        const div = document.createElement("div");
        document.body.appendChild(div);
        const h = window.React.createElement;
        window.ReactDOM.render(
          h("div", null, task.conference.participants.map((p) => h(flex.ParticipantCanvas, { key: p.callSid, task, participant: p }))),
          div,
        );
        await new Promise((r) => setTimeout(r, 500));
        const cards = div.querySelectorAll('[data-testid="participant-card"]').length;
        window.ReactDOM.unmountComponentAtNode(div);
        m.ConferenceClient.prototype.handleSnapshot = original;
        return { cards, monitored: seen.has(taskSid) };
      }, other.taskSid);
      assert.equal(fed.cards, 2, "the monitored call's cards rendered");
      assert.equal(fed.monitored, false, "no engine was created for (or fed) the monitored call");
      assert.deepEqual(await sim("GET", `/sim/requests?conference=${other.conferenceSid}`), []);
    } finally {
      await s.close();
    }
  });

  it("tells the agent the login expired when the backend refuses the token", async () => {
    const s = await openDemo();
    try {
      await sim("POST", "/sim/tokens", { token: "sim-token", state: "expired" });
      await card(s.page, s.customerCallSid).getByTestId("participant-mute").click();
      await until("the login-expired notification", async () =>
        (await s.notifications()).some((n) => n.id === "PS_ConferenceAuthExpired"),
      );
      await s.screenshot("14-login-expired");
    } finally {
      await sim("POST", "/sim/reset", {});
      await s.close();
    }
  });
});
