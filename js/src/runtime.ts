// One `ConferenceClient` per Flex voice task, fed every task update, with its events carried out:
// notifications shown, native Flex actions invoked, hang-up answers delivered to the waiting
// before-listener, views handed to the components. No decision is made here; every "whether" is
// the engine's.

import { ConferenceClient } from "../generated/flex_conference.js";
import type {
  ClientEvent,
  ConferenceConfig,
  ConferenceView,
  HangupCommand,
  Intent,
  IntentOutcome,
  Participant,
  ServerlessOptions,
  TaskSnapshot,
} from "../generated/flex_conference.js";
import type { FlexApi, ManagerApi, TaskLike, ParticipantLike } from "./flex";
import { REFUSED, NOTIFICATION_IDS } from "./notifications";

/** The text of a thrown value or rejection. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The rejection Flex gives an action a before-listener aborted (SPEC §3.7): expected, never shown. */
export function isCancelledByBeforeEvent(error: unknown): boolean {
  return messageOf(error).indexOf("cancelled by before event") >= 0;
}

/**
 * A rejection that is no failure: a before-listener aborted the action, or Flex refused an
 * identical invocation that is still pending (a double click).
 */
export function isExpectedRejection(error: unknown): boolean {
  return isCancelledByBeforeEvent(error) || /pending/i.test(messageOf(error));
}

const HANGUP_ANSWER_MS = 30000;

/** The conference of one task, as the components and listeners see it. */
export class TaskConference {
  readonly taskSid: string;
  private client: ConferenceClient | null;
  private listeners = new Set<() => void>();
  private lastFed = "";
  private hangupWaiters: Array<(answer: HangupCommand) => void> = [];
  /** The latest task object Flex handed us (actions need it in their payloads). */
  task: TaskLike;
  view: ConferenceView;
  /** Call SID → what was dialed, remembered from the connecting view for the name of the leg once it joins. */
  readonly dialed = new Map<string, string>();
  /** The agent confirmed "leave and keep the others connected"; consumed by the next hang-up. */
  confirmLeave = false;
  /** The hang-up was held back because a leg still rings: the components ask the agent. */
  askLeave = false;

  constructor(
    private readonly runtime: Runtime,
    task: TaskLike,
  ) {
    this.taskSid = task.taskSid;
    this.task = task;
    this.client = new ConferenceClient({
      config: runtime.config,
      serverless: runtime.serverless,
      token: () => runtime.manager.user.token,
      onEvents: (events: ClientEvent[]) => this.onEvents(events),
      requestTimeoutMs: runtime.requestTimeoutMs,
    });
    this.view = this.client.view();
  }

  /** Feeds the task when what the engine reads of it changed. */
  feed(task: TaskLike): void {
    this.task = task;
    if (!this.client) return;
    const snapshot = snapshotOf(task);
    const text = JSON.stringify(snapshot);
    if (text === this.lastFed) return;
    this.lastFed = text;
    try {
      this.client.handleSnapshot(snapshot);
    } catch (error) {
      // A snapshot the engine can't read is a bug between Flex and us: loud in the console, and
      // the previous state stays.
      console.error("flex-conference: task update not understood", error);
    }
  }

  /** Feeds the last task again (after a token refresh, so held-back writes go out). */
  refeed(): void {
    this.lastFed = "";
    this.feed(this.task);
  }

  /** Sends an intent; the synchronous outcome. */
  intent(intent: Intent): IntentOutcome {
    if (!this.client) {
      return {
        accepted: false,
        abortNative: false,
        error: { name: "ConferenceError", code: "not_available", message: "This call is over." } as IntentOutcome["error"],
      };
    }
    return this.client.handleIntent(intent);
  }

  /**
   * Shows a refusal the agent caused by a click. "In progress" on a leg whose operation is in
   * flight is a double click, not worth a toast; while the hang-up guard runs it is shown.
   */
  showRefusal(outcome: IntentOutcome): void {
    if (outcome.accepted || !outcome.error) return;
    if (outcome.error.code === "in_progress" && !this.view.guarding) return;
    this.runtime.notify(REFUSED, { message: outcome.error.message, code: outcome.error.code });
  }

  /** Waits for the engine's answer to a hang-up intent. */
  hangupAnswer(): Promise<HangupCommand> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const index = this.hangupWaiters.indexOf(deliver);
        if (index >= 0) this.hangupWaiters.splice(index, 1);
        resolve({ id: -1, kind: "hangup", allow: false, reason: "timeout" });
      }, HANGUP_ANSWER_MS);
      const deliver = (answer: HangupCommand) => {
        clearTimeout(timer);
        resolve(answer);
      };
      this.hangupWaiters.push(deliver);
    });
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Re-renders the components (after a local UI state change). */
  changed(): void {
    this.listeners.forEach((listener) => listener());
  }

  get freed(): boolean {
    return this.client === null;
  }

  free(): void {
    if (this.client) {
      this.client.free();
      this.client = null;
    }
    for (const waiter of this.hangupWaiters.splice(0)) {
      waiter({ id: -1, kind: "hangup", allow: true, reason: "not_guarded" });
    }
  }

  private onEvents(events: ClientEvent[]): void {
    for (const event of events) {
      switch (event.kind) {
        case "view":
          this.view = event.view;
          // The "leave while dialing?" question stands only while someone is still being dialed.
          if (this.askLeave && !event.view.connecting.some((c) => c.status !== "answered")) this.askLeave = false;
          for (const leg of event.view.connecting) {
            if (leg.callSid) this.dialed.set(leg.callSid, leg.destination);
          }
          break;
        case "notify":
          this.runtime.notify(event.notification, event.context);
          break;
        case "flex":
          this.runtime.invokeNative(event.action, Object.assign({}, event.payload, { task: this.task }), this);
          break;
        case "hangup": {
          if (event.reason === "confirm_leave") {
            this.askLeave = true;
          }
          // "in_progress" answers the newest hang-up (a second one while the guard runs); every
          // other answer settles the oldest waiting one.
          const waiter = event.reason === "in_progress" ? this.hangupWaiters.pop() : this.hangupWaiters.shift();
          if (waiter) waiter(event);
          break;
        }
      }
    }
    this.changed();
  }
}

/** Every task's conference, and the Flex objects they act through. */
export class Runtime {
  readonly tasks = new Map<string, TaskConference>();

  constructor(
    readonly flex: FlexApi,
    readonly manager: ManagerApi,
    readonly config: ConferenceConfig,
    readonly serverless: ServerlessOptions,
    readonly requestTimeoutMs: number | null,
  ) {}

  /** The task's conference, created on first sight of a voice task. */
  ensure(task: TaskLike): TaskConference {
    let found = this.tasks.get(task.taskSid);
    if (!found || found.freed) {
      found = new TaskConference(this, task);
      this.tasks.set(task.taskSid, found);
    }
    return found;
  }

  get(taskSid: string | null | undefined): TaskConference | undefined {
    return taskSid ? this.tasks.get(taskSid) : undefined;
  }

  /**
   * Flex's current version of `task` (`StateHelper`, the store) when it is one of this worker's
   * tasks. Task objects captured earlier (a component's props, an action payload) can be older
   * than the store; feeding one after a newer one would move the engine back in time. Undefined
   * for a task Flex doesn't hold for this worker (a call a supervisor monitors in the Teams view
   * renders participant cards too): no engine runs for those. Without a usable `StateHelper`,
   * `task`.
   */
  own(task: TaskLike): TaskLike | undefined {
    let found: TaskLike | undefined;
    try {
      found = this.flex.StateHelper.getTaskByTaskrouterTaskSid(task.taskSid) as unknown as TaskLike | undefined;
    } catch (_) {
      return task;
    }
    return found && found.taskSid === task.taskSid ? found : undefined;
  }

  /** Feeds Flex's current version of `task`, if it is this worker's (see {@link Runtime.own}). */
  feedLatest(task: TaskLike | null | undefined): TaskConference | undefined {
    const current = task && task.taskSid ? this.own(task) : undefined;
    return current ? this.feed(current) : undefined;
  }

  /** Feeds a task update; frees the engine once the task is over. */
  feed(task: TaskLike | null | undefined): TaskConference | undefined {
    if (!task || !task.taskSid || !isVoice(task)) return undefined;
    if (task.status === "completed" || task.status === "canceled") {
      const done = this.tasks.get(task.taskSid);
      if (done) {
        done.free();
        this.tasks.delete(task.taskSid);
        done.changed();
      }
      return undefined;
    }
    const conference = this.ensure(task);
    conference.feed(task);
    return conference;
  }

  notify(id: string, context: Record<string, unknown>): void {
    const shown = withCode(context);
    try {
      if (NOTIFICATION_IDS.indexOf(id) < 0 || !this.flex.Notifications.showNotification(id, shown)) {
        console.error(`flex-conference: ${id}`, shown);
      }
    } catch (error) {
      console.error(`flex-conference: could not show ${id}`, error, shown);
    }
  }

  /** Invokes a native action the engine asked for; a failure the engine can't see is shown. */
  invokeNative(action: string, payload: Record<string, unknown>, conference: TaskConference): void {
    this.flex.Actions.invokeAction(action, payload).catch((error: unknown) => {
      const id = /unhold/i.test(action) ? "PS_ConferenceUnholdFailed" : "PS_ConferenceHoldFailed";
      if (this.notifyFailure(id, error)) conference.changed();
    });
  }

  /** Shows notification `id` for a native action's rejection, unless expected; whether shown. */
  notifyFailure(id: string, error: unknown): boolean {
    if (isExpectedRejection(error)) return false;
    this.notify(id, { code: null, status: 0, message: messageOf(error) });
    return true;
  }

  /**
   * Frees the engines of tasks Flex no longer has (completed and removed), among those seen in
   * `current` before; engines only ever seen through a component are left alone.
   */
  sweep(current: TaskLike[]): void {
    const present = new Set(current.map((t) => t.taskSid));
    present.forEach((sid) => this.seenInStore.add(sid));
    for (const [sid, conference] of Array.from(this.tasks.entries())) {
      if (this.seenInStore.has(sid) && !present.has(sid)) {
        conference.free();
        this.tasks.delete(sid);
        this.seenInStore.delete(sid);
        conference.changed();
      }
    }
  }

  private readonly seenInStore = new Set<string>();

  freeAll(): void {
    for (const conference of this.tasks.values()) conference.free();
    this.tasks.clear();
  }
}

/**
 * The context with Twilio's error code appended to `message` ("Invalid phone number (13223)"), so
 * every template that shows `{{message}}` — ours, and an account's older overrides of the
 * template's keys — shows the code too (SPEC §12 U1). Only numeric codes are Twilio's; the
 * engine's refusal codes (`invalid_destination`, …) stay out of the text.
 */
function withCode(context: Record<string, unknown>): Record<string, unknown> {
  const code = context.code;
  const numeric = typeof code === "number" || (typeof code === "string" && /^\d+$/.test(code));
  const message = typeof context.message === "string" ? context.message : null;
  if (!numeric || message === null || message.indexOf(String(code)) >= 0) return context;
  return Object.assign({}, context, { message: message ? `${message} (${code})` : String(code) });
}

function isVoice(task: TaskLike): boolean {
  const channel = task.taskChannelUniqueName;
  return channel == null || channel === "voice";
}

/** `value`, with undefined as null. */
function orNull<T>(value: T | null | undefined): T | null {
  return value == null ? null : value;
}

/** `value` if it is a boolean, else null. */
function bool(value: unknown): boolean | null {
  return typeof value === "boolean" ? value : null;
}

function pickParticipant(p: ParticipantLike): Participant {
  const media = p.mediaProperties || null;
  return {
    callSid: orNull(p.callSid),
    participantType: orNull(p.participantType),
    status: orNull(p.status),
    onHold: bool(p.onHold),
    muted: bool(p.muted),
    isCurrentWorker: bool(p.isCurrentWorker),
    workerSid: orNull(p.workerSid),
    connecting: bool(p.connecting),
    participantSid: orNull(p.participantSid),
    mediaProperties: media ? { hold: bool(media.hold), muted: bool(media.muted) } : null,
  };
}

/** The part of a Flex `ITask` the engine reads (DESIGN §4), as a plain JSON object. */
export function snapshotOf(task: TaskLike): TaskSnapshot {
  const conference = task.conference;
  const attributes = task.attributes && task.attributes.conference ? task.attributes.conference : null;
  return {
    taskSid: task.taskSid,
    status: orNull(task.status),
    attributes: { conference: { sid: attributes && attributes.sid ? attributes.sid : null } },
    conference: conference
      ? {
          conferenceSid: orNull(conference.conferenceSid),
          status: orNull(conference.status),
          participants: (conference.participants || []).map(pickParticipant),
        }
      : null,
  };
}
