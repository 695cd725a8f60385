// The rest of SPEC §13's scenarios with a UI part (4, 5, 9 variant, 11c, 12, 15, 16, 18), clicked
// through the demo, the final state read from the sim.

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { addedLeg, bringInX, card, closeBrowser, dial, ended, fault, leg, liveAre, liveFlags, newCall, openDemo, removeByCard, sim, until, legOf } from "./harness.mjs";

after(closeBrowser);


describe("call scenarios", () => {
  it("sets A and C back to true when the added party hangs up (3 → 2), so A's hang-up then ends the call", async () => {
    const s = await openDemo();
    try {
      const x = await bringInX(s, "+14155550170");
      await leg(x, "hangup");
      await liveAre(s, { [s.agentCallSid]: true, [s.customerCallSid]: true });
      await until("X's card is gone", async () => (await card(s.page, x).count()) === 0);
      await s.page.getByTestId("native-hangup").click();
      const c = await ended(s);
      assert.equal(c.reasonEnded, "participant-with-end-conference-on-exit-left");
    } finally {
      await s.close();
    }
  });

  it("sets A and X to true when the customer hangs up (3 → 2)", async () => {
    const s = await openDemo();
    try {
      const x = await bringInX(s, "+14155550171");
      await leg(s.customerCallSid, "hangup");
      const c = await liveAre(s, { [s.agentCallSid]: true, [x]: true });
      assert.equal(c.status, "in-progress");
    } finally {
      await s.close();
    }
  });

  it("keeps the agent on the call and says why when a held party can't be taken off hold", async () => {
    const s = await openDemo();
    try {
      const x = await bringInX(s, "+14155550172");
      await card(s.page, x).getByTestId("participant-hold").click();
      await until("X is held", async () => legOf(await s.conference(), x).hold === true);
      await fault({ endpoint: "hold-participant", status: 500, twilioErrorCode: 20500, message: "Unhold refused", times: 100, conference: s.conferenceSid });
      await s.page.getByTestId("native-hangup").click();
      await until("the failed-hang-up notification", async () =>
        (await s.notifications()).some((n) => n.id === "PS_FailedHangupOnConferenceWithExternalParties"),
        30000,
      );
      await s.screenshot("15-hangup-blocked");
      const c = await s.conference();
      assert.equal(legOf(c, s.agentCallSid).status, "connected", "A is still on the call");
      assert.equal(legOf(c, x).hold, true);
    } finally {
      await sim("DELETE", "/sim/faults");
      await s.close();
    }
  });

  it("treats removing a party who already left as done, without an error", async () => {
    const s = await openDemo();
    try {
      const x = await bringInX(s, "+14155550173");
      const xCard = card(s.page, x);
      await xCard.getByTestId("participant-remove").click();
      // X hangs up while the agent is confirming.
      await leg(x, "hangup");
      await xCard.getByTestId("participant-kick-accept").click({ timeout: 2000 }).catch(() => {
        // The card may already be gone: nothing to remove, nothing to show.
      });
      await liveAre(s, { [s.agentCallSid]: true, [s.customerCallSid]: true });
      await new Promise((r) => setTimeout(r, 800));
      const errors = (await s.notifications()).filter((n) => n.id === "PS_ConferenceRemoveFailed");
      assert.deepEqual(errors, []);
    } finally {
      await s.close();
    }
  });

  it("hands the policy to the agent who stays when the first agent transfers away", async () => {
    const a = await openDemo();
    let b = null;
    try {
      const x = await bringInX(a, "+14155550174");
      const workerB = "WK" + "b".repeat(32);
      const bLeg = await sim("POST", `/sim/conferences/${a.conferenceSid}/legs`, { kind: "worker", workerSid: workerB, endConferenceOnExit: false });
      b = await openDemo({ call: { taskSid: a.taskSid, workerSid: workerB, agentCallSid: bLeg.callSid }, worker: workerB });
      await until("B's page shows the call", async () => (await card(b.page, x).count()) === 1);
      await a.page.getByTestId("native-hangup").click();
      const afterA = await liveAre(a, { [bLeg.callSid]: false, [a.customerCallSid]: false, [x]: false });
      assert.equal(afterA.status, "in-progress");
      await b.page.getByTestId("native-hangup").click();
      await liveAre(a, { [a.customerCallSid]: true, [x]: true });
    } finally {
      if (b) await b.close();
      await a.close();
    }
  });

  it("in XWT mode removes the customer through remove-participant", async () => {
    const s = await openDemo({ query: "xwt=1" });
    try {
      await removeByCard(s.page, s.customerCallSid);
      await ended(s);
      const removes = (await s.requests()).filter((r) => r.endpoint === "remove-participant").map((r) => r.params.participant);
      assert.deepEqual(removes, [s.customerCallSid]);
    } finally {
      await s.close();
    }
  });

  it("in XWT mode sets the customer and the external party to true before the agent leaves", async () => {
    const s = await openDemo({ query: "xwt=1" });
    try {
      // Flex's native transfer adds the external party and lets its agent leave (the agent's
      // flag false); the engine never writes worker legs in this mode.
      const x = await sim("POST", `/sim/conferences/${s.conferenceSid}/legs`, { kind: "external", to: "+14155550177", endConferenceOnExit: false });
      await sim("POST", `/sim/legs/${s.agentCallSid}/ecoe`, { value: false });
      await until("C and X false while three are live", async () => {
        const flags = liveFlags(await s.conference());
        return flags[s.customerCallSid] === false && flags[x.callSid] === false;
      });
      await s.page.getByTestId("native-hangup").click();
      const c = await liveAre(s, { [s.customerCallSid]: true, [x.callSid]: true });
      assert.equal(c.status, "in-progress");
    } finally {
      await s.close();
    }
  });

  it("fixes stale flags as soon as the page loads in the middle of a 3-party call", async () => {
    const call = await newCall();
    // X joined before the plugin loaded; C still has Flex's accept-time true.
    const x = await sim("POST", `/sim/conferences/${call.conferenceSid}/legs`, { kind: "unknown", to: "+14155550175", endConferenceOnExit: false });
    const s = await openDemo({ call });
    try {
      await liveAre(s, { [call.agentCallSid]: false, [call.customerCallSid]: false, [x.callSid]: false });
    } finally {
      await s.close();
    }
  });

  it("looks a lost create up by its label instead of dialing twice", async () => {
    const s = await openDemo();
    try {
      await fault({ endpoint: "add-participant", status: 503, commitThenFail: true, times: 1, conference: s.conferenceSid });
      await dial(s.page, "+14155550176");
      const x = await addedLeg(s);
      await leg(x.callSid, "answer");
      await until("X joins", async () => (await card(s.page, x.callSid).count()) === 1);
      await new Promise((r) => setTimeout(r, 1000));
      const c = await s.conference();
      assert.equal(c.participants.filter((p) => p.kind === "unknown").length, 1, "exactly one added leg");
      const endpoints = (await s.requests()).map((r) => r.endpoint);
      assert.equal(endpoints.filter((e) => e === "add-participant").length, 1);
      assert.ok(endpoints.includes("get-participant"), "the label was looked up");
    } finally {
      await sim("DELETE", "/sim/faults");
      await s.close();
    }
  });
});
