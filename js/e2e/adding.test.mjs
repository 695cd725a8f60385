// Adding a participant through the "+" dialog, as an agent does it (SPEC §13 1, 2, 3, 10, 13, 17,
// 19), with the final conference state read from the sim.

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  addedLeg,
  card,
  closeBrowser,
  connectingCards,
  dial,
  ended,
  endpoints,
  fault,
  leg,
  liveFlags,
  newCall,
  openDemo,
  sim,
  until,
} from "./harness.mjs";

after(closeBrowser);

describe("adding a participant", () => {
  it("registers the feature and shows an enabled + button on a live call", async () => {
    const s = await openDemo();
    try {
      assert.equal(s.mode, "full");
      assert.ok(s.registeredMs > 0 && s.registeredMs < 5000, `registered in ${s.registeredMs} ms`);
      await until("the + button is enabled", () => s.page.getByTestId("conference-add-button").isEnabled());
      await s.screenshot("01-registered");
      assert.deepEqual(s.errors, []);
    } finally {
      await s.close();
    }
  });

  it("dials a number, shows a connecting card named by the number, then the answered leg joins with every flag false", async () => {
    const s = await openDemo();
    try {
      await dial(s.page, "+1 415 555 0142");
      const cards = connectingCards(s.page);
      await until("a connecting card shows", async () => (await cards.count()) === 1);
      const connecting = cards.first();
      assert.equal(await connecting.getByTestId("participant-name").innerText(), "+14155550142");
      assert.equal(await connecting.getByTestId("participant-hold").isDisabled(), true, "hold is disabled while ringing");
      assert.equal(await connecting.getByTestId("participant-remove").isEnabled(), true, "remove works while ringing");
      await s.screenshot("02-connecting");
      const x = await addedLeg(s);
      await leg(x.callSid, "answer");
      await until("the connecting card is gone", async () => (await connectingCards(s.page).count()) === 0);
      await until("A, C and X are all false", async () => {
        const flags = liveFlags(await s.conference());
        return Object.keys(flags).length === 3 && Object.values(flags).every((v) => v === false);
      });
      const added = s.page.locator(`[data-testid="participant-card"][data-call-sid="${x.callSid}"]`);
      await until("X's card shows the dialed number", async () => (await added.getByTestId("participant-name").innerText()) === "+14155550142");
      await s.screenshot("03-three-party");
      const adds = (await s.requests()).filter((r) => r.endpoint === "add-participant");
      assert.equal(adds.length, 1, "exactly one add-participant");
      assert.ok(adds[0].params.label, "the add carries an idempotency label");
    } finally {
      await s.close();
    }
  });

  it("lets the agent leave after the answer: the conference goes on with C and X set to true", async () => {
    const s = await openDemo();
    try {
      await dial(s.page, "+14155550143");
      const x = await addedLeg(s);
      await leg(x.callSid, "answer");
      await until("the leave indicator says it is safe", () => s.page.getByTestId("conference-safe-to-leave").isVisible());
      await s.screenshot("04-safe-to-leave");
      await s.page.getByTestId("native-hangup").click();
      const conf = await until("A left, C and X true", async () => {
        const c = await s.conference();
        const flags = liveFlags(c);
        return !(s.agentCallSid in flags) && flags[s.customerCallSid] === true && flags[x.callSid] === true ? c : null;
      });
      assert.equal(conf.status, "in-progress");
      await leg(x.callSid, "hangup");
      const final = await ended(s);
      assert.equal(final.reasonEnded, "participant-with-end-conference-on-exit-left");
    } finally {
      await s.close();
    }
  });

  for (const outcome of ["no-answer", "busy", "fail"]) {
    it(`shows a notification and restores A and C to true when the dialed number ends ${outcome}`, async () => {
      const s = await openDemo();
      try {
        await dial(s.page, "+14155550144");
        const x = await addedLeg(s);
        await leg(x.callSid, outcome);
        await until("the connecting card is gone", async () => (await connectingCards(s.page).count()) === 0);
        await until("a not-answered notification", async () =>
          (await s.notifications()).some((n) => n.id === "PS_ConferenceNotAnswered"),
        );
        await until("A and C are true again", async () => {
          const flags = liveFlags(await s.conference());
          return Object.keys(flags).length === 2 && Object.values(flags).every((v) => v === true);
        });
      } finally {
        await s.close();
      }
    });
  }

  it("refuses an invalid number inline, keeps the dialog open and sends nothing", async () => {
    const s = await openDemo();
    try {
      const before = (await endpoints(s)).length;
      await dial(s.page, "12ab");
      const error = s.page.getByTestId("conference-dialog-error");
      await until("the inline error shows", () => error.isVisible());
      assert.match(await error.innerText(), /\S/);
      assert.equal(await s.page.getByTestId("conference-dialog").isVisible(), true, "the dialog stays open");
      assert.equal(await s.page.getByTestId("conference-dialog-input").getAttribute("aria-invalid"), "true");
      await s.screenshot("05-invalid-number");
      await new Promise((r) => setTimeout(r, 500));
      assert.equal((await endpoints(s)).length, before, "no request was sent");
      await s.page.keyboard.press("Escape");
      await until("Escape closes the dialog", async () => (await s.page.getByTestId("conference-dialog").count()) === 0);
      assert.equal(
        await s.page.evaluate(() => document.activeElement && document.activeElement.getAttribute("data-testid")),
        "conference-add-button",
        "focus returns to the + button",
      );
      await s.page.getByTestId("conference-add-button").click();
      assert.equal(await s.page.getByTestId("conference-dialog-input").inputValue(), "12ab", "the typed value is kept");
      assert.equal(
        await s.page.evaluate(() => document.activeElement && document.activeElement.getAttribute("data-testid")),
        "conference-dialog-input",
        "focus starts in the input",
      );
    } finally {
      await s.close();
    }
  });

  it("keeps focus in the dialog while the add is in flight: Tab stays inside, Escape closes it", async () => {
    const s = await openDemo();
    try {
      await fault({ endpoint: "add-participant", latencyMs: 2500, times: 1, conference: s.conferenceSid });
      await s.page.getByTestId("conference-add-button").click();
      const input = s.page.getByTestId("conference-dialog-input");
      await input.fill("+14155550149");
      await input.press("Enter");
      await until("the dialog is busy", async () => (await s.page.getByTestId("conference-dialog-dial").getAttribute("aria-busy")) === "true");
      const focusInDialog = () =>
        s.page.evaluate(() => {
          const dialog = document.querySelector('[data-testid="conference-dialog"]');
          return !!dialog && dialog.contains(document.activeElement);
        });
      assert.equal(await focusInDialog(), true, "focus stays in the dialog after Enter");
      for (let i = 0; i < 4; i++) {
        await s.page.keyboard.press("Tab");
        assert.equal(await focusInDialog(), true, `focus stays in the dialog after Tab ${i + 1}`);
      }
      await s.page.keyboard.press("Escape");
      await until("Escape closes the busy dialog", async () => (await s.page.getByTestId("conference-dialog").count()) === 0, 1500);
      await addedLeg(s);
      assert.equal((await endpoints(s)).filter((e) => e === "add-participant").length, 1, "the add still went out once");
      // Reopened while that add is still in flight: a fresh form, which the first add's answer
      // doesn't close.
      await s.page.getByTestId("conference-add-button").click();
      assert.equal(await input.inputValue(), "", "the dialog opens fresh");
      assert.equal(await input.isEditable(), true, "the dialog isn't busy with the earlier add");
      await until("the first add rings", async () => (await connectingCards(s.page).count()) === 1);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await s.page.getByTestId("conference-dialog").count(), 1, "the first add's answer leaves the reopened dialog alone");
      // The same with a click on Dial, which turns disabled under the focus.
      await fault({ endpoint: "add-participant", latencyMs: 2500, times: 1, conference: s.conferenceSid });
      await input.fill("+14155550136");
      await s.page.getByTestId("conference-dialog-dial").click();
      await until("the dialog is busy again", async () => (await s.page.getByTestId("conference-dialog-dial").getAttribute("aria-busy")) === "true");
      assert.equal(await focusInDialog(), true, "focus stays in the dialog after clicking Dial");
      await s.page.keyboard.press("Escape");
      await until("Escape closes it again", async () => (await s.page.getByTestId("conference-dialog").count()) === 0, 1500);
    } finally {
      await sim("DELETE", "/sim/faults");
      await s.close();
    }
  });

  it("closes the dialog quietly when another feature's before-listener takes the add over", async () => {
    const s = await openDemo();
    try {
      await s.page.evaluate(() =>
        window.demo.flex.Actions.addListener("beforeStartExternalWarmTransfer", (payload, abort) => abort()),
      );
      await dial(s.page, "+14155550139");
      await until("the dialog closes", async () => (await s.page.getByTestId("conference-dialog").count()) === 0, 3000);
      const shown = await s.page.evaluate(() => document.body.innerText);
      assert.doesNotMatch(shown, /cancelled by before event/, "Flex's expected rejection is never shown");
      const notes = await s.notifications();
      assert.ok(!notes.some((n) => /cancelled by before event/.test(n.text)), JSON.stringify(notes));
      assert.deepEqual((await endpoints(s)).filter((e) => e === "add-participant"), [], "the other feature owns the add");
    } finally {
      await s.close();
    }
  });

  it("closes the open dialog when the call ends under it", async () => {
    const s = await openDemo();
    try {
      await s.page.getByTestId("conference-add-button").click();
      await s.page.getByTestId("conference-dialog-input").fill("+14155550138");
      await leg(s.customerCallSid, "hangup");
      await ended(s);
      await until("the dialog closes once the call is no longer live", async () =>
        (await s.page.getByTestId("conference-dialog").count()) === 0,
      5000);
      assert.equal(await s.page.getByTestId("conference-add-button").isDisabled(), true, "+ is disabled after the call");
    } finally {
      await s.close();
    }
  });

  it("shows Twilio's 13223 as the invalid-number notification and restores the flags", async () => {
    const s = await openDemo();
    try {
      await fault({ endpoint: "add-participant", status: 400, twilioErrorCode: 13223, message: "Invalid phone number", times: 1, conference: s.conferenceSid });
      await dial(s.page, "+14155550145");
      await until("the invalid-number notification", async () =>
        (await s.notifications()).some((n) => n.id === "PS_ExternalWarmTransferInvalidPhoneNumber"),
      );
      await until("A and C true, no added leg", async () => {
        const c = await s.conference();
        const flags = liveFlags(c);
        return Object.keys(flags).length === 2 && Object.values(flags).every((v) => v === true) && !c.participants.some((p) => p.kind === "unknown");
      });
      await s.screenshot("06-add-failed-notification");
    } finally {
      await sim("DELETE", "/sim/faults");
      await s.close();
    }
  });

  it("sends one add-participant when Dial is pressed twice quickly", async () => {
    const s = await openDemo();
    try {
      await s.page.getByTestId("conference-add-button").click();
      await s.page.getByTestId("conference-dialog-input").fill("+14155550146");
      await s.page.getByTestId("conference-dialog-input").press("Enter");
      await s.page.getByTestId("conference-dialog-dial").click({ force: true, trial: false, timeout: 2000 }).catch(() => {});
      await s.page.keyboard.press("Enter").catch(() => {});
      await addedLeg(s);
      await new Promise((r) => setTimeout(r, 1500));
      const adds = (await endpoints(s)).filter((e) => e === "add-participant");
      assert.equal(adds.length, 1);
      const conf = await s.conference();
      assert.equal(conf.participants.filter((p) => p.kind === "unknown").length, 1, "one leg");
    } finally {
      await s.close();
    }
  });

  it("renders a hostile caller name as text, never as markup", async () => {
    const hostile = '<img src=x onerror="window.__pwned=true">';
    const call = await newCall(hostile);
    const s = await openDemo({ call, query: "list=1" });
    try {
      const row = card(s.page, s.customerCallSid);
      const name = row.getByTestId("participant-status-container").getByTestId("participant-name");
      await until("the customer's row shows its name", async () => (await name.count()) === 1);
      assert.equal(await name.innerText(), hostile, "the name shows the markup as text");
      assert.equal(await row.locator("img").count(), 0, "no element was injected");
      assert.equal(await s.page.evaluate(() => window.__pwned === true), false);
      await s.screenshot("13-hostile-name");
    } finally {
      await s.close();
    }
  });

  it("stops dialing from the connecting card: the ringing leg is removed and A and C are true again", async () => {
    const s = await openDemo();
    try {
      await dial(s.page, "+14155550147");
      const x = await addedLeg(s);
      const ringing = card(s.page, x.callSid);
      await until("the connecting card knows its call SID", async () => (await ringing.count()) === 1);
      await ringing.getByTestId("participant-remove").click();
      await ringing.getByTestId("participant-kick-accept").click();
      await until("the card is gone", async () => (await connectingCards(s.page).count()) === 0);
      const conf = await until("X gone, A and C true", async () => {
        const c = await s.conference();
        const flags = liveFlags(c);
        return Object.keys(flags).length === 2 && Object.values(flags).every((v) => v === true) ? c : null;
      });
      assert.notEqual(conf.participants.find((p) => p.callSid === x.callSid).status, "connected");
      const writes = (await s.requests()).filter((r) => r.endpoint === "update-participant" && r.params.participant === x.callSid);
      assert.deepEqual(writes, [], "no flag write ever targets the ringing leg");
    } finally {
      await s.close();
    }
  });

  it("asks before leaving while a leg still rings, then keeps the customer connected", async () => {
    const call = await newCall();
    const s = await openDemo({ call });
    try {
      await dial(s.page, "+14155550148");
      const x = await addedLeg(s);
      await until("A and C false at dial time", async () => {
        const flags = liveFlags(await s.conference());
        return flags[s.agentCallSid] === false && flags[s.customerCallSid] === false;
      });
      await s.page.getByTestId("native-hangup").click();
      await until("the leave confirmation shows", () => s.page.getByTestId("conference-confirm-leave").isVisible());
      await s.screenshot("07-confirm-leave");
      assert.ok(liveFlags(await s.conference())[s.agentCallSid] === false, "A is still on the call");
      await s.page.getByTestId("conference-confirm-leave-yes").click();
      const conf = await until("A left, C true, the conference goes on", async () => {
        const c = await s.conference();
        const flags = liveFlags(c);
        return !(s.agentCallSid in flags) && flags[s.customerCallSid] === true ? c : null;
      });
      assert.equal(conf.status, "in-progress");
      const ringing = conf.participants.find((p) => p.callSid === x.callSid);
      assert.ok(["queued", "ringing"].includes(ringing.status), `X still rings (${ringing.status})`);
    } finally {
      await s.close();
    }
  });

  it("drops the leave-while-dialing question once the dialed leg has answered", async () => {
    const s = await openDemo();
    try {
      await dial(s.page, "+14155550137");
      const x = await addedLeg(s);
      await until("the connecting card shows", async () => (await connectingCards(s.page).count()) === 1);
      await s.page.getByTestId("native-hangup").click();
      await until("the leave confirmation shows", () => s.page.getByTestId("conference-confirm-leave").isVisible());
      await leg(x.callSid, "answer");
      await until("the connecting card is gone", async () => (await connectingCards(s.page).count()) === 0);
      await until("the question about a leg still being dialed is gone", async () =>
        (await s.page.getByTestId("conference-confirm-leave").count()) === 0,
      3000);
    } finally {
      await s.close();
    }
  });
});
