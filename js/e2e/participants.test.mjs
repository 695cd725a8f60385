// Participant cards: hold, unhold, mute and remove, as an agent clicks them (SPEC §13 6, 7, 8, 9,
// 17), failures shown, and what Flex's routing would have done wrong never happening.

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { addedLeg, bringInX, card, closeBrowser, dial, ended, fault, leg, liveFlags, openDemo, removeByCard, sim, until, legOf } from "./harness.mjs";

after(closeBrowser);

/** Opens the demo and brings X in (answered); the session and X's call SID. */
async function threeParty(number = "+14155550150") {
  const s = await openDemo();
  const x = await bringInX(s, number);
  await until("X's card shows", async () => (await card(s.page, x).count()) === 1);
  return { s, x };
}


describe("participant actions", () => {
  it("holds, unholds and removes an added leg by its call SID and never holds the customer", async () => {
    const { s, x } = await threeParty();
    try {
      const xCard = card(s.page, x);
      await xCard.getByTestId("participant-hold").click();
      await until("X is held", async () => legOf(await s.conference(), x).hold === true);
      await until("X's card shows On hold", async () => (await xCard.getByTestId("participant-status").getAttribute("data-status-key")) === "CallParticipantStatusOnHold");
      assert.equal(legOf(await s.conference(), s.customerCallSid).hold, false, "C is never held");
      await s.screenshot("08-added-leg-held");
      await xCard.getByTestId("participant-hold").click();
      await until("X is unheld", async () => legOf(await s.conference(), x).hold === false);
      await xCard.getByTestId("participant-remove").click();
      await until("the kick confirmation shows", () => xCard.getByTestId("participant-kick-accept").isVisible());
      await s.screenshot("09-remove-confirmation");
      await xCard.getByTestId("participant-kick-accept").click();
      await until("A and C true, X gone", async () => {
        const c = await s.conference();
        const flags = liveFlags(c);
        return Object.keys(flags).length === 2 && flags[s.agentCallSid] === true && flags[s.customerCallSid] === true;
      });
      const requests = await s.requests();
      const holds = requests.filter((r) => r.endpoint === "hold-participant").map((r) => [r.params.participant, r.params.hold]);
      assert.deepEqual(holds, [[x, "true"], [x, "false"]]);
      const removes = requests.filter((r) => r.endpoint === "remove-participant").map((r) => r.params.participant);
      assert.deepEqual(removes, [x]);
      const log = await s.page.evaluate(() => window.demo.controls.nativeLog);
      assert.ok(!log.some((entry) => /hold/i.test(JSON.stringify(entry))), `no native hold ran: ${JSON.stringify(log)}`);
      const errors = (await s.notifications()).filter((n) => /Failed|Refused/.test(n.id));
      assert.deepEqual(errors, [], "the expected 'cancelled by before event' is never shown");
    } finally {
      await s.close();
    }
  });

  it("removes the customer of a two-party call, which ends the call", async () => {
    const s = await openDemo();
    try {
      await removeByCard(s.page, s.customerCallSid);
      const conf = await ended(s);
      assert.equal(conf.reasonEnded, "participant-with-end-conference-on-exit-kicked");
    } finally {
      await s.close();
    }
  });

  it("removes the customer of a three-party call: A and X go on, both true", async () => {
    const { s, x } = await threeParty("+14155550151");
    try {
      await removeByCard(s.page, s.customerCallSid);
      const conf = await until("A and X true", async () => {
        const c = await s.conference();
        const flags = liveFlags(c);
        return Object.keys(flags).length === 2 && flags[s.agentCallSid] === true && flags[x] === true ? c : null;
      });
      assert.equal(conf.status, "in-progress");
    } finally {
      await s.close();
    }
  });

  it("sends one hold-participant when Hold is double-clicked", async () => {
    const { s, x } = await threeParty("+14155550152");
    try {
      await card(s.page, x).getByTestId("participant-hold").dblclick({ delay: 120 });
      await until("X is held", async () => legOf(await s.conference(), x).hold === true);
      await new Promise((r) => setTimeout(r, 1000));
      const holds = (await s.requests()).filter((r) => r.endpoint === "hold-participant");
      assert.equal(holds.length, 1);
      assert.deepEqual(s.errors, []);
    } finally {
      await s.close();
    }
  });

  it("mutes the customer once when Mute is double-clicked", async () => {
    const s = await openDemo();
    try {
      await card(s.page, s.customerCallSid).getByTestId("participant-mute").dblclick({ delay: 120 });
      await until("C is muted", async () => legOf(await s.conference(), s.customerCallSid).muted === true);
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(legOf(await s.conference(), s.customerCallSid).muted, true, "the second click did not unmute");
      const mutes = (await s.requests()).filter((r) => r.endpoint === "mute-participant");
      assert.equal(mutes.length, 1);
      assert.deepEqual(s.errors, []);
    } finally {
      await s.close();
    }
  });

  it("ends the call 5 s after a held customer hangs up and leaves the agent alone", async () => {
    const s = await openDemo();
    try {
      await card(s.page, s.customerCallSid).getByTestId("participant-hold").click();
      await until("C is held, its flag false first", async () => {
        const c = legOf(await s.conference(), s.customerCallSid);
        return c.hold === true && c.endConferenceOnExit === false;
      });
      await leg(s.customerCallSid, "hangup");
      const left = Date.now();
      await new Promise((r) => setTimeout(r, 2000));
      assert.equal((await s.conference()).status, "in-progress", "the agent is alone, not yet removed");
      const final = await ended(s);
      assert.ok(Date.now() - left >= 4500, "not before end_alone_after_ms");
      assert.equal(final.reasonEnded, "last-participant-kicked");
      assert.equal(final.callSidEndingConference, s.agentCallSid);
      const removals = (await s.requests()).filter((r) => r.endpoint === "remove-participant");
      assert.equal(removals.length, 1);
      assert.deepEqual(await s.notifications(), [], "an empty call ending is not news");
      assert.deepEqual(s.errors, []);
    } finally {
      await s.close();
    }
  });

  it("mutes and unmutes the customer through mute-participant", async () => {
    const s = await openDemo();
    try {
      const cCard = card(s.page, s.customerCallSid);
      await cCard.getByTestId("participant-mute").click();
      await until("C is muted", async () => legOf(await s.conference(), s.customerCallSid).muted === true);
      await until("the card shows the unmute button", async () => (await cCard.getByTestId("participant-mute").getAttribute("aria-pressed")) === "true");
      await cCard.getByTestId("participant-mute").click();
      await until("C is unmuted", async () => legOf(await s.conference(), s.customerCallSid).muted === false);
    } finally {
      await s.close();
    }
  });

  it("shows a notification with Twilio's error when a hold fails", async () => {
    const { s, x } = await threeParty("+14155550153");
    try {
      await fault({ endpoint: "hold-participant", status: 500, twilioErrorCode: 20500, message: "Internal failure", times: 10, conference: s.conferenceSid });
      await card(s.page, x).getByTestId("participant-hold").click();
      const shown = await until("a hold-failed notification", async () =>
        (await s.notifications()).find((n) => n.id === "PS_ConferenceHoldFailed"),
      );
      assert.match(shown.text, /Internal failure/);
      assert.match(shown.text, /20500/, "the notification shows Twilio's error code");
      await s.screenshot("10-hold-failed");
      assert.equal(legOf(await s.conference(), x).hold, false);
    } finally {
      await sim("DELETE", "/sim/faults");
      await s.close();
    }
  });

  it("keeps a 3-party call going when the customer, held while X joined, hangs up", async () => {
    const s = await openDemo();
    try {
      const cCard = card(s.page, s.customerCallSid);
      await cCard.getByTestId("participant-hold").click();
      await until("C is held", async () => legOf(await s.conference(), s.customerCallSid).hold === true);
      await dial(s.page, "+14155550154");
      const x = await addedLeg(s);
      await leg(x.callSid, "answer");
      await until("X joined", async () => (await card(s.page, x.callSid).count()) === 1);
      await new Promise((r) => setTimeout(r, 1000));
      await leg(s.customerCallSid, "hangup");
      const conf = await until("A and X true", async () => {
        const c = await s.conference();
        const flags = liveFlags(c);
        return flags[s.agentCallSid] === true && flags[x.callSid] === true ? c : null;
      });
      assert.equal(conf.status, "in-progress");
    } finally {
      await s.close();
    }
  });

  it("takes a held customer off hold before the last agent leaves, and leaves C and X true", async () => {
    const { s, x } = await threeParty("+14155550155");
    try {
      const cCard = card(s.page, s.customerCallSid);
      await cCard.getByTestId("participant-hold").click();
      await until("C is held", async () => legOf(await s.conference(), s.customerCallSid).hold === true);
      await s.page.getByTestId("native-hangup").click();
      const conf = await until("A left; C unheld; C and X true", async () => {
        const c = await s.conference();
        const flags = liveFlags(c);
        return !(s.agentCallSid in flags) && flags[s.customerCallSid] === true && flags[x] === true ? c : null;
      });
      assert.equal(legOf(conf, s.customerCallSid).hold, false);
      assert.equal(conf.status, "in-progress");
    } finally {
      await s.close();
    }
  });
});
