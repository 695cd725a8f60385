// flex-conference: the Twilio Flex UI 2.x conference feature. A plugin's whole integration:
//
//   import { registerConference } from "flex-conference";
//   async init(flex, manager) { await registerConference(flex, manager); }
//
// The engine (Rust, compiled to WebAssembly and embedded in this file's bundle) makes every
// decision; this module registers its parts with Flex per the mode matrix (SPEC §2.7).

import * as React from "react";
import { ConferenceEngine } from "../generated/flex_conference.js";
import type { ConferenceError } from "../generated/flex_conference.js";
import { registerActions } from "./actions";
import {
  CSS,
  Env,
  makeButton,
  makeConnecting,
  makeDialog,
  makeLeaveIndicator,
  makeMonitor,
  makeParticipantActions,
  makeParticipantName,
  makeParticipantStatus,
  makeStatusContainer,
  replacesButtons,
} from "./components";
import { resolve, RegisterOptions } from "./config";
import type { FlexApi, ManagerApi, TaskLike, ParticipantLike } from "./flex";
import { NOTIFICATIONS, UNAVAILABLE } from "./notifications";
import { messageOf, Runtime } from "./runtime";
import { localeFor, mergeStrings } from "./strings";
import { loadWasm } from "./wasm";

export type { RegisterOptions } from "./config";
export type { FlexApi, ManagerApi, TaskLike, ParticipantLike } from "./flex";
export { NOTIFICATIONS } from "./notifications";
export { EN_US, LOCALES, localeFor } from "./strings";
export { snapshotOf } from "./runtime";
export { loadWasm } from "./wasm";
export { ConferenceEngine, ConferenceClient, versions } from "../generated/flex_conference.js";
export type * from "../generated/flex_conference.js";

/** What `registerConference` resolves to. */
export interface Registration {
  /** What is active (SPEC §2.7): nothing, everything, or the native-XWT subset. */
  mode: "disabled" | "full" | "xwt";
  /** Why the feature is off although configured on (also shown to the agent); null when fine. */
  error: { code: string; message: string } | null;
  /** Milliseconds from the call to the resolution. */
  registeredInMs: number;
  /** Removes every listener, component and engine registered (for tests and hot reload). */
  unregister(): void;
}

type Cleanup = () => void;

/**
 * Registers the conference feature with Flex. Call it (awaited) from your plugin's
 * `init(flex, manager)`. It never rejects: a configuration or loading problem is shown to the
 * agent as the `PS_ConferenceUnavailable` notification and returned in `error`.
 */
export async function registerConference(
  flex: FlexApi,
  manager: ManagerApi,
  options: RegisterOptions = {},
): Promise<Registration> {
  // Registering twice would run two engines per task, fighting over the same legs. The mark is
  // kept on Flex's manager (one per page), not in this module, so two plugins each bundling their
  // own copy of the package still register once.
  const holder = manager as unknown as Record<symbol, Promise<Registration> | undefined>;
  const active = holder[ACTIVE];
  if (active) {
    console.warn("flex-conference: registerConference was already called; returning the first registration");
    return active;
  }
  const registering = register(flex, manager, options).catch((error: unknown) => {
    // Never rejects (see above): an unexpected throw is reported like a loading problem.
    const message = messageOf(error);
    console.error(`flex-conference: ${message}`);
    return { mode: "disabled", error: { code: "register_failed", message }, registeredInMs: 0, unregister: () => {} } as Registration;
  });
  holder[ACTIVE] = registering;
  const registration = await registering;
  if (registration.mode === "disabled" && holder[ACTIVE] === registering) delete holder[ACTIVE];
  return registration;
}

/** Where the page's registration is kept (on the manager; `Symbol.for` is shared by every copy). */
const ACTIVE: symbol = Symbol.for("flex-conference.registration");

async function register(flex: FlexApi, manager: ManagerApi, options: RegisterOptions): Promise<Registration> {
  const started = now();
  const cleanups: Cleanup[] = [];
  const done = (mode: Registration["mode"], error: Registration["error"]): Registration => ({
    mode,
    error,
    registeredInMs: now() - started,
    unregister: () => {
      cleanups.splice(0).reverse().forEach((cleanup) => cleanup());
      delete (manager as unknown as Record<symbol, unknown>)[ACTIVE];
    },
  });

  const resolved = resolve(manager, options);
  const fail = (message: string, code: string): Registration => {
    registerStringsAndNotifications(flex, manager, resolved.language);
    flex.Notifications.showNotification(UNAVAILABLE, { message });
    console.error(`flex-conference: ${message}`);
    return done("disabled", { code, message });
  };

  try {
    await loadWasm();
  } catch (error) {
    return fail(messageOf(error), "load_failed");
  }

  let mode: Registration["mode"];
  try {
    const probe = new ConferenceEngine(resolved.config);
    mode = probe.view().mode;
    probe.free();
  } catch (error) {
    const e = error as ConferenceError;
    return fail(e && e.message ? e.message : String(error), (e && e.code) || "invalid_config");
  }
  if (mode === "disabled") return done("disabled", null);
  if (!resolved.serverless) return fail(resolved.problem || "no serverless location", "invalid_config");

  registerStringsAndNotifications(flex, manager, resolved.language);
  const runtime = new Runtime(flex, manager, resolved.config, resolved.serverless, options.requestTimeoutMs || null);
  cleanups.push(() => runtime.freeAll());
  const env: Env = { runtime, flex, manager, mode };
  injectCss();

  // Every task update reaches its engine, mounted canvas or not (wrap-up included).
  const feedAll = () => {
    const tasks = workerTasks(manager);
    if (!tasks) return;
    tasks.forEach((task) => runtime.feed(task));
    runtime.sweep(tasks);
  };
  const store = manager.store as unknown as { subscribe(listener: () => void): () => void };
  cleanups.push(store.subscribe(feedAll));
  feedAll();
  // A refreshed token lets held-back writes go out at once (SPEC §13 20).
  const onToken = () => runtime.tasks.forEach((conference) => conference.refeed());
  manager.events.addListener("tokenUpdated", onToken);
  cleanups.push(() => manager.events.removeListener("tokenUpdated", onToken));

  cleanups.push(registerActions(flex, runtime, mode));
  cleanups.push(...registerComponents(env));
  return done(mode, null);
}

function now(): number {
  return typeof performance !== "undefined" ? performance.now() : Date.now();
}

/** The worker's tasks in the store (`flex.worker.tasks`, a Map), or null when it has none. */
function workerTasks(manager: ManagerApi): TaskLike[] | null {
  const state = manager.store.getState() as unknown as { flex?: { worker?: { tasks?: Map<string, TaskLike> } } };
  const tasks = state.flex && state.flex.worker && state.flex.worker.tasks;
  return tasks && typeof tasks.values === "function" ? Array.from(tasks.values()) : null;
}

let stringsAndNotificationsDone = false;

function registerStringsAndNotifications(flex: FlexApi, manager: ManagerApi, language: string | null): void {
  mergeStrings(manager.strings as unknown as Record<string, string>, localeFor(language));
  if (stringsAndNotificationsDone) return;
  stringsAndNotificationsDone = true;
  for (const [id, content, type, timeout] of NOTIFICATIONS) {
    try {
      flex.Notifications.registerNotification({
        id,
        content,
        type: flex.NotificationType[type],
        timeout,
        closeButton: true,
      });
    } catch (error) {
      // Flex throws on an id registered before (the template's own conference feature registers
      // the two template ids): that registration is used as it is.
      console.warn(`flex-conference: notification ${id} was already registered; keeping that one`, error);
    }
  }
}

let cssDone = false;

function injectCss(): void {
  if (cssDone || typeof document === "undefined") return;
  cssDone = true;
  const style = document.createElement("style");
  style.setAttribute("data-flex-conference", "");
  style.textContent = CSS;
  document.head.appendChild(style);
}

interface StoreLike<P> {
  add(element: React.ReactElement, options?: { sortOrder?: number; if?: (props: P) => boolean }): Cleanup;
  remove(key: string, options?: { if?: (props: P) => boolean }): Cleanup;
}

type CardProps = { participant?: ParticipantLike; task?: TaskLike };

/** The registrations of SPEC §3.6 for `env.mode`; their cleanups. */
function registerComponents(env: Env): Cleanup[] {
  const { flex, mode } = env;
  const h = React.createElement;
  const callCanvas = flex.CallCanvas.Content as unknown as StoreLike<unknown>;
  const callActions = flex.CallCanvasActions.Content as unknown as StoreLike<unknown>;
  const card = flex.ParticipantCanvas.Content as unknown as StoreLike<CardProps>;
  const listItem = flex.ParticipantCanvas.ListItem.Content as unknown as StoreLike<CardProps>;
  const participants = flex.ParticipantsCanvas.Content as unknown as StoreLike<unknown>;
  const replace = (props: CardProps) => replacesButtons(mode, props.participant);
  const out: Cleanup[] = [];

  out.push(callCanvas.add(h(makeMonitor(env), { key: "conference-monitor" }), { sortOrder: 999 }));
  // Both modes: the guard may ask "leave while a leg still rings?" in either.
  out.push(callCanvas.add(h(makeLeaveIndicator(env), { key: "conference-leave" }), { sortOrder: 101 }));
  const Actions = makeParticipantActions(env);
  out.push(card.remove("actions", { if: replace }));
  out.push(card.add(h(Actions, { key: "custom-actions" }), { sortOrder: 10, if: replace }));
  out.push(listItem.remove("actions", { if: replace }));
  out.push(listItem.add(h(Actions, { key: "custom-actions" }), { sortOrder: 10, if: replace }));
  if (mode === "full") {
    out.push(callCanvas.add(h(makeDialog(env), { key: "conference-modal" }), { sortOrder: 100 }));
    out.push(callActions.add(h(makeButton(env), { key: "conference" }), { sortOrder: 2 }));
    const unknown = (props: CardProps) => !!props.participant && props.participant.participantType === "unknown";
    out.push(card.remove("name", { if: unknown }));
    out.push(card.add(h(makeParticipantName(env), { key: "custom-name" }), { sortOrder: 1, if: unknown }));
    out.push(card.remove("status"));
    out.push(card.add(h(makeParticipantStatus(env), { key: "custom-status" }), { sortOrder: 2 }));
    // Our container shows name and status; Flex's own name and status rows would repeat them
    // (where Flex nests them inside `statusContainer`, removing them is a no-op).
    out.push(listItem.remove("statusContainer"));
    out.push(listItem.remove("name"));
    out.push(listItem.remove("status"));
    out.push(listItem.add(h(makeStatusContainer(env), { key: "custom-statusContainer" }), { sortOrder: 1 }));
    out.push(participants.add(h(makeConnecting(env), { key: "connecting-participants" }), { sortOrder: 1000 }));
  }
  return out;
}
