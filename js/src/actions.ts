// The action listeners (SPEC §5.1–§5.2, §3.7–§3.8): each before-listener turns the native action
// into an engine intent and aborts the native action when the engine takes it over (or refuses
// it), so Flex's routing never acts on the wrong leg. The engine answers synchronously; only the
// hang-up waits, for the guard's verdict.

import type { IntentOutcome } from "../generated/flex_conference.js";
import type { FlexApi, ParticipantLike, TaskLike } from "./flex";
import type { Runtime, TaskConference } from "./runtime";

type Payload = Record<string, unknown> & { task?: TaskLike; sid?: string };
type Listener = (payload: Payload, abort: () => void) => void | Promise<void>;

/** The payload's task: `task`, else the reservation `sid` (SPEC §5.1). */
export function taskOf(flex: FlexApi, payload: Payload): TaskLike | undefined {
  if (payload.task && payload.task.taskSid) return payload.task;
  if (typeof payload.sid === "string") {
    const found = flex.TaskHelper.getTaskByTaskSid(payload.sid) as unknown as TaskLike | undefined;
    if (found && found.taskSid) return found;
  }
  return undefined;
}

function participants(task: TaskLike): ParticipantLike[] {
  return (task.conference && task.conference.participants) || [];
}

/** The participant a native payload addresses: worker SID, native participant SID or call SID. */
function addressed(task: TaskLike, target: unknown): ParticipantLike | undefined {
  if (typeof target !== "string" || !target) return undefined;
  const live = participants(task).filter((p) => p.status === "joined");
  return (
    live.find((p) => p.participantType === "worker" && p.workerSid === target) ||
    live.find((p) => p.participantSid === target) ||
    live.find((p) => p.callSid === target)
  );
}

function customer(task: TaskLike): ParticipantLike | undefined {
  return participants(task).find((p) => p.participantType === "customer" && p.status === "joined");
}

/** Applies an outcome to the native action: abort it when the engine says so; show a refusal. */
function settle(conference: TaskConference, outcome: IntentOutcome, abort: () => void): void {
  if (outcome.abortNative) abort();
  conference.showRefusal(outcome);
}

/** The listeners for `mode`; returns the cleanup. */
export function registerActions(flex: FlexApi, runtime: Runtime, mode: "full" | "xwt"): () => void {
  const added: Array<[string, Listener]> = [];
  const listen = (event: string, listener: Listener) => {
    flex.Actions.addListener(event, listener);
    added.push([event, listener]);
  };
  const withTask = (payload: Payload): { task: TaskLike; conference: TaskConference } | undefined => {
    const task = taskOf(flex, payload);
    // Only this worker's tasks have an engine; an action on a monitored call is Flex's alone.
    const latest = task ? runtime.own(task) : undefined;
    const conference = latest ? runtime.feed(latest) : undefined;
    return latest && conference ? { task: latest, conference } : undefined;
  };

  const participantAction = (kind: "hold" | "unhold" | "kick"): Listener => (payload, abort) => {
    const found = withTask(payload);
    if (!found) return;
    const p = addressed(found.task, payload.targetSid);
    if (!p || !p.callSid) {
      // Flex would route an address it doesn't know to the customer (SPEC §3.8): never let an
      // `unknown` leg's action through that way.
      if (payload.participantType === "unknown") abort();
      return;
    }
    const outcome = found.conference.intent(
      kind === "hold" ? { kind, callSid: p.callSid, nativeAction: "HoldParticipant" } : { kind, callSid: p.callSid },
    );
    settle(found.conference, outcome, abort);
  };

  const callAction = (kind: "hold" | "unhold"): Listener => (payload, abort) => {
    const found = withTask(payload);
    if (!found) return;
    const callSid =
      typeof payload.participantCallSid === "string" ? payload.participantCallSid : (customer(found.task) || {}).callSid;
    if (!callSid) return;
    const outcome = found.conference.intent(
      kind === "hold" ? { kind, callSid, nativeAction: "HoldCall" } : { kind, callSid },
    );
    settle(found.conference, outcome, abort);
  };

  listen("beforeKickParticipant", participantAction("kick"));
  // The hang-up guard in both modes: the engine decides whether there is anything to do (in XWT
  // mode it still sets the remaining customer and external legs true before the agent goes, C8).
  listen("beforeHangupCall", async (payload, abort) => {
    const found = withTask(payload);
    if (!found) return;
    const confirmLeave = found.conference.confirmLeave;
    found.conference.confirmLeave = false;
    const outcome = found.conference.intent({ kind: "hangup", confirmLeave });
    const answer = found.conference.hangupAnswer();
    if (outcome.abortNative) {
      abort();
      return;
    }
    // An async before-listener holds the hang-up back until the guard has made it safe.
    const verdict = await answer;
    if (!verdict.allow) abort();
  });
  if (mode === "full") {
    listen("beforeHoldParticipant", participantAction("hold"));
    listen("beforeUnholdParticipant", participantAction("unhold"));
    listen("beforeHoldCall", callAction("hold"));
    listen("beforeUnholdCall", callAction("unhold"));
    flex.Actions.registerAction("StartExternalWarmTransfer", async (payload: Payload) => {
      const found = withTask(payload);
      if (!found) {
        runtime.notify("PS_ConferenceRefused", { message: "StartExternalWarmTransfer: no task in the payload." });
        return { accepted: false, abortNative: false, error: null };
      }
      const callerId = typeof payload.callerId === "string" && payload.callerId ? payload.callerId : null;
      const destination = typeof payload.phoneNumber === "string" ? payload.phoneNumber : "";
      const outcome = found.conference.intent({ kind: "addParticipant", destination, callerId });
      // The dialog shows its refusals inline; other callers get a notification.
      if (!payload.conferenceInlineErrors) found.conference.showRefusal(outcome);
      return outcome;
    });
  }
  return () => {
    for (const [event, listener] of added) flex.Actions.removeListener(event, listener);
  };
}
