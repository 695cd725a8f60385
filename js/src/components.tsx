// The feature's React components (SPEC §4, improved per §12 U1–U6). They render the engine's view
// and Flex's task; every click becomes a Flex action (so other features' listeners still run) or
// an engine intent. Names and numbers are rendered as text, never as markup.
/** @jsx h */
/** @jsxFrag Fragment */

import * as React from "react";
import type { ConferenceView, ConnectingView, IntentOutcome } from "../generated/flex_conference.js";
import type { FlexApi, ManagerApi, ParticipantLike, TaskLike } from "./flex";
import { isCancelledByBeforeEvent, messageOf, Runtime, TaskConference } from "./runtime";
import type { StringKey } from "./strings";

// JSX compiles to calls of these local names (the pragmas above): shorter in the bundle than
// `React.createElement` at every element.
const h = React.createElement;
const Fragment = React.Fragment;

/** What every component needs: the runtime, and the mode the engine resolved. */
export interface Env {
  runtime: Runtime;
  flex: FlexApi;
  manager: ManagerApi;
  mode: "full" | "xwt";
}

/** A participant as a card shows it; connecting cards add the add's label. */
type CardParticipant = ParticipantLike & { conferenceLabel?: string };

interface CardProps {
  task?: TaskLike;
  participant?: CardParticipant;
  listMode?: boolean;
}

/** A string from `manager.strings` with `{{name}}` filled in (as text: React escapes it). */
export function text(env: Env, key: StringKey | string, context?: Record<string, unknown>): string {
  const strings = env.manager.strings as unknown as Record<string, string | undefined>;
  const template = strings[key];
  if (typeof template !== "string") return key;
  return template.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_, name: string) => {
    const value = context ? context[name] : undefined;
    return value == null ? "" : String(value);
  });
}

/** Re-renders when the task's conference changes; the conference (created on first sight). */
function useConference(env: Env, task: TaskLike | undefined): TaskConference | undefined {
  const [, setTick] = React.useState(0);
  // Found, or created from Flex's current task on first sight; components never feed older
  // task objects (the store subscription and the monitor do, from the store).
  const conference = task && task.taskSid ? env.runtime.get(task.taskSid) || env.runtime.feedLatest(task) : undefined;
  React.useEffect(() => {
    if (!conference) return undefined;
    return conference.subscribe(() => setTick((n) => n + 1));
  }, [conference]);
  return conference;
}

/** A value from the Redux store, re-rendering when it changes. */
function useStore<T>(env: Env, select: (state: unknown) => T): T {
  const store = env.manager.store as unknown as { getState(): unknown; subscribe(listener: () => void): () => void };
  const [value, setValue] = React.useState(() => select(store.getState()));
  const selectRef = React.useRef(select);
  selectRef.current = select;
  React.useEffect(() => {
    const check = () => setValue(() => selectRef.current(store.getState()));
    check();
    return store.subscribe(check);
  }, [store]);
  return value;
}

function viewStates(state: unknown): Record<string, Record<string, unknown> | undefined> {
  const s = state as { flex?: { view?: { componentViewStates?: Record<string, Record<string, unknown>> } } };
  return (s && s.flex && s.flex.view && s.flex.view.componentViewStates) || {};
}

function activeView(state: unknown): string | null {
  const s = state as { flex?: { view?: { activeView?: string } } };
  return (s && s.flex && s.flex.view && s.flex.view.activeView) || null;
}

function setComponentState(env: Env, name: string, state: Record<string, unknown>): void {
  env.flex.Actions.invokeAction("SetComponentState", { name, state }).catch((error: unknown) =>
    console.error("flex-conference: SetComponentState failed", error),
  );
}

/** The ids of the elements a component renders, per instance. */
let nextId = 0;
function useId(prefix: string): string {
  const ref = React.useRef("");
  if (!ref.current) ref.current = `${prefix}-${++nextId}`;
  return ref.current;
}

function Spinner(): JSX.Element {
  return <span className="fc-spinner" role="progressbar" aria-label="in progress" />;
}

type IconButtonProps = React.ComponentProps<FlexApi["IconButton"]> & { "data-testid": string };

/**
 * Flex's icon button, `label` its tooltip and its accessible name. The second click of a
 * double click (`detail` 2 and up) is dropped: it is one gesture, and by the time it lands the
 * first click may have finished and turned Hold into Unhold, or Remove into its confirmation.
 */
function iconButton(env: Env, label: string, props: IconButtonProps): JSX.Element {
  const click = props.onClick;
  const onClick =
    click &&
    ((event: Parameters<typeof click>[0]) => {
      if (!(event && event.detail > 1)) click(event);
    });
  return h(env.flex.IconButton, Object.assign({ title: label, "aria-label": label }, props, { onClick }));
}

/** A card's action button; while `busy`, marked busy and followed by a spinner. */
function cardAction(env: Env, label: string, busy: boolean, props: IconButtonProps): JSX.Element {
  return (
    <span className="fc-action">
      {iconButton(env, label, Object.assign({ "aria-busy": busy }, props))}
      {busy ? <Spinner /> : null}
    </span>
  );
}

// -------------------------------------------------------------------------------------------
// Call canvas: the monitor, the "+" button, the dialog, the leave indicator.

/** Renders nothing; feeds every task update to the engine (the runtime also feeds from the store). */
export function makeMonitor(env: Env) {
  return function ConferenceMonitor(props: { task?: TaskLike }): null {
    React.useEffect(() => {
      env.runtime.feedLatest(props.task);
    });
    return null;
  };
}

export function makeButton(env: Env) {
  return function ConferenceButton(props: { task?: TaskLike }): JSX.Element {
    const live = !!props.task && env.flex.TaskHelper.isLiveCall(props.task as never);
    return iconButton(env, text(env, "PSConferenceAddConferenceParticipant"), {
      icon: "Add",
      variant: "secondary",
      "data-testid": "conference-add-button",
      disabled: !live,
      onClick: () => setComponentState(env, "ConferenceDialog", { isOpen: true }),
    });
  };
}

interface PendingAdd {
  /** The labels of adds already connecting when Dial was pressed. */
  before: Set<string>;
  /** This add's label, once seen in the view. */
  label: string | null;
  /** The engine accepted the add. */
  accepted: boolean;
}

export function makeDialog(env: Env) {
  return function ConferenceDialog(props: { task?: TaskLike }): JSX.Element | null {
    const task = props.task;
    const conference = useConference(env, task);
    const open = useStore(env, (state) => !!(viewStates(state).ConferenceDialog || {}).isOpen);
    const [value, setValue] = React.useState("");
    const [error, setError] = React.useState<string | null>(null);
    const [pending, setPending] = React.useState<PendingAdd | null>(null);
    const input = React.useRef<HTMLInputElement>(null);
    const dialog = React.useRef<HTMLDivElement>(null);
    const ids = { title: useId("fc-dialog-title"), help: useId("fc-dialog-help") };
    const view = conference ? conference.view : null;
    // The same condition as the "+" button's: once the call is no longer live, there is nothing
    // to add a participant to.
    const live = !!task && env.flex.TaskHelper.isLiveCall(task as never);

    const close = React.useCallback(() => {
      setError(null);
      setComponentState(env, "ConferenceDialog", { isOpen: false });
    }, []);

    React.useEffect(() => {
      if (open && !live) close();
    }, [open, live, close]);

    // Busy until the add's create is answered: the leg rings (close, clear) or is gone (the
    // engine's notification says why; close).
    React.useEffect(() => {
      if (!pending || !pending.accepted || !view) return;
      const mine = view.connecting.find((c: ConnectingView) => !pending.before.has(c.label));
      if (mine && !pending.label) {
        setPending({ before: pending.before, label: mine.label, accepted: pending.accepted });
        return;
      }
      const label = mine ? mine.label : pending.label;
      const entry = label ? view.connecting.find((c: ConnectingView) => c.label === label) : undefined;
      if (!entry || entry.status === "ringing" || entry.status === "answered") {
        setPending(null);
        if (entry) setValue("");
        close();
      }
    }, [view, pending, close]);

    // Focus moves into the dialog when it opens and back to where it was (the "+" button) after.
    const opener = React.useRef<Element | null>(null);
    React.useEffect(() => {
      if (!open) return undefined;
      opener.current = document.activeElement;
      if (input.current) input.current.focus();
      return () => {
        const back = opener.current as HTMLElement | null;
        if (back && typeof back.focus === "function" && document.contains(back)) back.focus();
      };
    }, [open]);

    const busy = pending !== null;
    // Dial turns disabled while busy, and Chrome's focus fixup then drops a focus it had (after a
    // click) to <body>: keep the focus in the dialog, on the input.
    React.useEffect(() => {
      if (!busy || !dialog.current || !input.current) return;
      const active = document.activeElement as HTMLButtonElement | null;
      if (!active || !dialog.current.contains(active) || active.disabled) input.current.focus();
    }, [busy]);

    if (!open || !task || !live) return null;

    const submit = (event?: React.SyntheticEvent) => {
      if (event) event.preventDefault();
      if (busy || !conference) return;
      const before = new Set<string>((conference.view.connecting || []).map((c: ConnectingView) => c.label));
      const refused = (message: string) => {
        setPending(null);
        setError(message);
        if (input.current) input.current.focus();
      };
      setError(null);
      setPending({ before, label: null, accepted: false });
      // Through Flex's action, so other features' listeners on it run (SPEC §5.1).
      env.flex.Actions.invokeAction("StartExternalWarmTransfer", {
        task,
        phoneNumber: value,
        callerId: null,
        conferenceInlineErrors: true,
      })
        .then((outcome: IntentOutcome | undefined) => {
          if (outcome && outcome.accepted) setPending({ before, label: null, accepted: true });
          else refused(outcome && outcome.error ? outcome.error.message : text(env, "PSConferencePhoneNumberError"));
        })
        .catch((error: unknown) => {
          if (isCancelledByBeforeEvent(error)) {
            // Another feature's before-listener took the add over: it reports its own outcome.
            setPending(null);
            close();
          } else {
            refused(messageOf(error));
          }
        });
    };

    // Dismissed by the agent (Escape, Cancel, the overlay). An add still in flight goes on without
    // the dialog (its connecting card and notifications report it), so the dialog opens fresh
    // next time instead of busy with the number already dialed, closing under the agent's hands.
    const dismiss = () => {
      if (busy) {
        setPending(null);
        setValue("");
      }
      close();
    };

    const onKeyDown = (event: React.KeyboardEvent) => {
      if (event.key === "Escape") {
        event.preventDefault();
        dismiss();
      } else if (event.key === "Tab" && dialog.current) {
        // Keep focus inside the dialog.
        const focusable = Array.from(
          dialog.current.querySelectorAll<HTMLElement>("input:not([disabled]), button:not([disabled])"),
        );
        if (focusable.length === 0) return;
        const first = focusable[0];
        const last = focusable[focusable.length - 1];
        if (event.shiftKey && document.activeElement === first) {
          event.preventDefault();
          last.focus();
        } else if (!event.shiftKey && document.activeElement === last) {
          event.preventDefault();
          first.focus();
        }
      }
    };

    return (
      <div className="fc-overlay" onMouseDown={(e) => e.target === e.currentTarget && dismiss()}>
        <div
          ref={dialog}
          className="fc-dialog"
          role="dialog"
          aria-modal="true"
          aria-labelledby={ids.title}
          data-testid="conference-dialog"
          onKeyDown={onKeyDown}
        >
          <form onSubmit={submit} noValidate>
            <h3 id={ids.title} className="fc-dialog-title">
              {text(env, "PSConferenceAddConferenceParticipant")}
            </h3>
            <label className="fc-label">
              {text(env, "PSConferencePhoneNumber")}
              <input
                ref={input}
                className={error ? "fc-input fc-input-error" : "fc-input"}
                type="text"
                inputMode="tel"
                autoComplete="off"
                value={value}
                // Read-only, not disabled, while the add is in flight: a disabled input drops the
                // focus to <body>, and with it Escape and the Tab trap.
                readOnly={busy}
                aria-disabled={busy || undefined}
                aria-invalid={error ? true : undefined}
                aria-describedby={ids.help}
                data-testid="conference-dialog-input"
                onChange={(e) => {
                  setValue(e.target.value);
                  if (error) setError(null);
                }}
              />
            </label>
            <p
              id={ids.help}
              className={error ? "fc-help fc-help-error" : "fc-help"}
              role={error ? "alert" : undefined}
              data-testid={error ? "conference-dialog-error" : "conference-dialog-hint"}
            >
              {error || text(env, "PSConferenceDestinationHint")}
            </p>
            <div className="fc-dialog-footer">
              <env.flex.Button variant="secondary" type="button" onClick={dismiss} data-testid="conference-dialog-cancel">
                {text(env, "Cancel")}
              </env.flex.Button>
              <env.flex.Button
                variant="primary"
                type="submit"
                disabled={busy}
                aria-busy={busy}
                data-testid="conference-dialog-dial"
              >
                {busy ? (
                  <>
                    <Spinner /> {text(env, "PSConferenceDialing")}
                  </>
                ) : (
                  text(env, "PSConferenceDial")
                )}
              </env.flex.Button>
            </div>
          </form>
        </div>
      </div>
    );
  };
}

/** "You can leave — the call continues", the guard at work, and "leave while dialing?". */
export function makeLeaveIndicator(env: Env) {
  return function ConferenceLeaveIndicator(props: { task?: TaskLike }): JSX.Element | null {
    const task = props.task;
    const conference = useConference(env, task);
    if (!conference || !task) return null;
    const view: ConferenceView = conference.view;
    const others = ((task.conference && task.conference.participants) || []).filter(
      (p) => p.status === "joined" && !p.isCurrentWorker && p.participantType !== "transfer",
    ).length;
    const confirm = conference.askLeave ? (
      <div className="fc-confirm" role="alertdialog" aria-live="assertive" data-testid="conference-confirm-leave">
        <strong>{text(env, "PSConferenceConfirmLeaveTitle")}</strong>
        <span>{text(env, "PSConferenceConfirmLeaveBody")}</span>
        <env.flex.Button
          variant="destructive"
          data-testid="conference-confirm-leave-yes"
          onClick={() => {
            conference.askLeave = false;
            conference.confirmLeave = true;
            conference.changed();
            env.flex.Actions.invokeAction("HangupCall", { task }).catch((error: unknown) => {
              if (!isCancelledByBeforeEvent(error)) console.error("flex-conference: HangupCall failed", error);
            });
          }}
        >
          {text(env, "PSConferenceConfirmLeave")}
        </env.flex.Button>
        <env.flex.Button
          variant="secondary"
          data-testid="conference-confirm-leave-no"
          onClick={() => {
            conference.askLeave = false;
            conference.changed();
          }}
        >
          {text(env, "PSConferenceStay")}
        </env.flex.Button>
      </div>
    ) : null;
    let status: JSX.Element | null = null;
    if (view.guarding) {
      status = (
        <p className="fc-leave fc-leave-busy" role="status" data-testid="conference-making-safe">
          <Spinner /> {text(env, "PSConferenceMakingSafe")}
        </p>
      );
    } else if (view.safeToLeave && others >= 2) {
      status = (
        <p className="fc-leave" role="status" data-testid="conference-safe-to-leave">
          {text(env, "PSConferenceSafeToLeave")}
        </p>
      );
    }
    if (!status && !confirm) return null;
    return (
      <div className="fc-leave-area">
        {status}
        {confirm}
      </div>
    );
  };
}

// -------------------------------------------------------------------------------------------
// Participant cards.

/** The targetSid rule (SPEC §4.4): the worker SID for workers, the participant SID for native XWT legs, else the call SID. */
function targetSid(p: CardParticipant): string | undefined {
  if (p.participantType === "worker") return p.workerSid || undefined;
  if (p.participantType === "external" && p.participantSid) return p.participantSid;
  return p.callSid || undefined;
}

function connectingEntry(view: ConferenceView, p: CardParticipant): ConnectingView | undefined {
  return view.connecting.find(
    (c: ConnectingView) => (p.conferenceLabel && c.label === p.conferenceLabel) || (!!p.callSid && c.callSid === p.callSid),
  );
}

/** Whether the custom action buttons replace Flex's on this card (SPEC §4.4). */
export function replacesButtons(mode: "full" | "xwt", participant: CardParticipant | undefined): boolean {
  if (!participant) return false;
  return mode === "xwt" ? participant.participantType === "customer" : participant.participantType !== "transfer";
}

export function makeParticipantActions(env: Env) {
  return function ParticipantActionsButtons(props: CardProps): JSX.Element | null {
    const { task, participant, listMode } = props;
    const conference = useConference(env, task);
    const view = useStore(env, activeView);
    const [confirming, setConfirming] = React.useState(false);
    const [clicked, setClicked] = React.useState<string | null>(null);
    if (!task || !participant || !conference || view === "teams") return null;
    const p = participant;
    const callSid = p.callSid || p.conferenceLabel || "";
    const leg = conference.view.participants.find((l) => l.callSid === p.callSid);
    const pending = leg ? leg.pending : [];
    const entry = connectingEntry(conference.view, p);
    const connecting = !!p.connecting || !!entry;
    const joined = p.status === "joined" && !connecting;
    const type = p.participantType || "unknown";
    const className = listMode ? "ParticipantCanvas-Actions fc-actions fc-actions-list" : "ParticipantCanvas-Actions fc-actions";
    // The payload of the native hold, unhold and kick actions.
    const native = () => ({ participantType: type, task, targetSid: targetSid(p) });

    const mirrorConfirm = (on: boolean) => {
      setConfirming(on);
      if (p.callSid) {
        const current = (viewStates(env.manager.store.getState()).customParticipants || {})[p.callSid] as
          | { showKickConfirmation?: boolean }
          | undefined;
        if (on || (current && current.showKickConfirmation !== on)) {
          setComponentState(env, "customParticipants", { [p.callSid]: { showKickConfirmation: on } });
        }
      }
    };

    const run = (op: string, action: string, payload: Record<string, unknown>) => {
      if (clicked) return;
      setClicked(op);
      env.flex.Actions.invokeAction(action, payload)
        .catch((error: unknown) => {
          env.runtime.notifyFailure(
            op === "kick" ? "PS_ConferenceRemoveFailed" : op === "unhold" ? "PS_ConferenceUnholdFailed" : "PS_ConferenceHoldFailed",
            error,
          );
        })
        .then(() => setClicked(null));
    };

    const intent = (op: "mute" | "unmute" | "cancelDial") => {
      const outcome = conference.intent({ kind: op, callSid });
      conference.showRefusal(outcome);
    };

    if (confirming) {
      return (
        <div className={className} data-testid="participant-actions" data-confirming="true">
          {iconButton(env, text(env, "CallParticipantStatusKickConfirmation"), {
            icon: "Accept",
            className: "ParticipantCanvas-AcceptAction",
            "data-testid": "participant-kick-accept",
            onClick: () => {
              mirrorConfirm(false);
              if (connecting) intent("cancelDial");
              else run("kick", "KickParticipant", native());
            },
          })}
          {iconButton(env, text(env, "CallParticipantStatusKickCancellation"), {
            icon: "Close",
            className: "ParticipantCanvas-DeclineAction",
            "data-testid": "participant-kick-decline",
            onClick: () => mirrorConfirm(false),
          })}
        </div>
      );
    }

    const has = (op: (typeof pending)[number]) => pending.indexOf(op) >= 0;
    // While the hang-up guard hands the call over, the engine refuses every operation.
    const guarding = conference.view.guarding;
    const holdBusy = clicked === "hold" || clicked === "unhold" || has("hold") || has("unhold");
    const muteBusy = has("mute") || has("unmute");
    const kickBusy = clicked === "kick" || has("kick") || (!!entry && entry.status === "cancelling");
    const canHold = joined && env.flex.TaskHelper.canHold(task as never);
    const onHold = !!p.onHold;
    const muted = !!p.muted;
    const holdTitle = text(env, onHold ? "PSConferenceUnholdParticipant" : "PSConferenceHoldParticipant");
    const mutable = type === "customer" || type === "unknown" || type === "external";
    const muteTitle = text(env, muted ? "PSConferenceUnmuteParticipant" : "PSConferenceMuteParticipant");
    const removeTitle = text(env, connecting ? "PSConferenceCancelDial" : "PSConferenceRemoveParticipant");

    return (
      <div className={className} data-testid="participant-actions">
        {cardAction(env, holdTitle, holdBusy, {
          icon: onHold ? "HoldOff" : "Hold",
          variant: "secondary",
          className: "ParticipantCanvas-HoldButton",
          "aria-pressed": onHold,
          "data-testid": "participant-hold",
          disabled: !canHold || holdBusy || guarding,
          onClick: () => run(onHold ? "unhold" : "hold", onHold ? "UnholdParticipant" : "HoldParticipant", native()),
        })}
        {mutable && env.mode === "full"
          ? cardAction(env, muteTitle, muteBusy, {
              icon: muted ? "MuteOff" : "Mute",
              variant: "secondary",
              className: "ParticipantCanvas-MuteButton",
              "aria-pressed": muted,
              "data-testid": "participant-mute",
              disabled: !joined || muteBusy || guarding,
              onClick: () => intent(muted ? "unmute" : "mute"),
            })
          : null}
        {cardAction(env, removeTitle, kickBusy, {
          icon: "Hangup",
          variant: "destructive",
          className: "ParticipantCanvas-HangupButton",
          "data-testid": "participant-remove",
          disabled: kickBusy || guarding,
          onClick: () => mirrorConfirm(true),
        })}
      </div>
    );
  };
}

function customerName(task: TaskLike | undefined): string | null {
  const a = (task && task.attributes) || {};
  return (a.outbound_to as string) || (a.name as string) || (a.from as string) || null;
}

/** The name a card shows: the dialed number or address for added legs, refreshed on every render (U5). */
export function participantName(env: Env, conference: TaskConference | undefined, task: TaskLike | undefined, p: CardParticipant): string {
  const unknown = text(env, "PSConferenceUnknown");
  switch (p.participantType) {
    case "customer":
      return customerName(task) || (p.mediaProperties && p.mediaProperties.from) || unknown;
    case "worker":
      return (p.worker && p.worker.fullName) || unknown;
    default: {
      const entry = conference ? connectingEntry(conference.view, p) : undefined;
      const dialed = (entry && entry.destination) || (conference && p.callSid ? conference.dialed.get(p.callSid) : undefined);
      return dialed || p.phoneNumber || (p.mediaProperties && p.mediaProperties.to) || unknown;
    }
  }
}

export function makeParticipantName(env: Env) {
  return function ParticipantName(props: CardProps): JSX.Element | null {
    const conference = useConference(env, props.task);
    if (!props.participant) return null;
    const name = participantName(env, conference, props.task, props.participant);
    return (
      <div className="ParticipantCanvas-Name fc-name" title={name} data-testid="participant-name">
        {name}
      </div>
    );
  };
}

/** Seconds left before a ringing leg times out, ticking. */
function useSecondsLeft(entry: ConnectingView | undefined): number | null {
  const [now, setNow] = React.useState(() => Date.now());
  const ringing = !!entry;
  React.useEffect(() => {
    if (!ringing) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ringing]);
  if (!entry) return null;
  return Math.max(0, Math.ceil((entry.sinceMs + entry.ringTimeoutMs - now) / 1000));
}

export function makeParticipantStatus(env: Env) {
  return function ParticipantStatus(props: CardProps): JSX.Element | null {
    const conference = useConference(env, props.task);
    const confirmations = useStore(env, (state) => viewStates(state).customParticipants || {});
    const p = props.participant;
    const entry = conference && p ? connectingEntry(conference.view, p) : undefined;
    const seconds = useSecondsLeft(entry && (entry.status === "ringing" || entry.status === "dialing") ? entry : undefined);
    if (!p) return null;
    let key: string = "CallParticipantStatusLive";
    let context: Record<string, unknown> | undefined;
    if (p.onHold) key = "CallParticipantStatusOnHold";
    if (p.status === "recently_left" || p.status === "left") key = "CallParticipantStatusLeft";
    if (p.connecting || entry) {
      key = "CallParticipantStatusConnecting";
      if (entry && entry.status === "checking") key = "PSConferenceChecking";
      else if (entry && entry.status === "ringing" && seconds !== null) {
        key = "PSConferenceRinging";
        context = { seconds };
      } else if (entry && entry.status === "dialing") key = "PSConferenceDialing";
    }
    const mine = p.callSid ? (confirmations[p.callSid] as { showKickConfirmation?: boolean } | undefined) : undefined;
    if (mine && mine.showKickConfirmation) key = "CallParticipantStatusKickConfirmation";
    const label = text(env, key, context);
    return (
      <div className="ParticipantCanvas-Status fc-status" data-testid="participant-status" data-status-key={key}>
        {label}
        {p.muted && key !== "CallParticipantStatusKickConfirmation" ? ` · ${text(env, "PSConferenceMuted")}` : ""}
      </div>
    );
  };
}

export function makeStatusContainer(env: Env) {
  const Name = makeParticipantName(env);
  const Status = makeParticipantStatus(env);
  return function ParticipantStatusContainer(props: CardProps): JSX.Element {
    return (
      <div className="fc-status-container" data-testid="participant-status-container">
        {h(Name, props)}
        {h(Status, props)}
      </div>
    );
  };
}

/** Cards for added legs still ringing, with "stop dialing" (U4). */
export function makeConnecting(env: Env) {
  return function ConnectingParticipants(props: { task?: TaskLike; listMode?: boolean }): JSX.Element | null {
    const task = props.task;
    const conference = useConference(env, task);
    if (!task || !conference) return null;
    const listed = new Set(
      ((task.conference && task.conference.participants) || [])
        .filter((p) => p.status === "joined" && !p.connecting)
        .map((p) => p.callSid),
    );
    const cards = conference.view.connecting.filter((c: ConnectingView) => !(c.callSid && listed.has(c.callSid)));
    if (cards.length === 0) return null;
    return (
      <>
        {cards.map((c: ConnectingView) => (
          <env.flex.ParticipantCanvas
            key={c.label}
            task={task as never}
            participantWidth={100}
            listMode={props.listMode}
            participant={
              {
                participantType: "unknown",
                callSid: c.callSid,
                phoneNumber: c.destination,
                connecting: true,
                status: "joined",
                conferenceLabel: c.label,
              } as never
            }
          />
        ))}
      </>
    );
  };
}

/** The feature's styles, scoped by `fc-` classes, added once per page. */
export const CSS = `
.fc-overlay{position:fixed;inset:0;background:rgba(18,28,45,.45);display:flex;align-items:center;justify-content:center;z-index:1000}
.fc-dialog{background:#fff;border-radius:8px;box-shadow:0 8px 32px rgba(18,28,45,.3);padding:20px 24px;width:min(420px,92vw);font-family:inherit}
.fc-dialog-title{margin:0 0 16px;font-size:18px;font-weight:600}
.fc-label{display:flex;flex-direction:column;gap:6px;font-size:14px;font-weight:600}
.fc-input{font:inherit;font-weight:400;padding:8px 10px;border:1px solid #8891aa;border-radius:4px}
.fc-input:focus{outline:2px solid #0263e0;outline-offset:1px}
.fc-input-error{border-color:#d61f1f}
.fc-help{margin:6px 0 0;font-size:12px;color:#606b85}
.fc-help-error{color:#d61f1f}
.fc-dialog-footer{display:flex;justify-content:flex-end;gap:8px;margin-top:20px}
.fc-actions{display:flex;gap:8px;justify-content:center;margin-top:8px}
.fc-actions-list{margin-top:0;flex-grow:0}
.fc-action{position:relative;display:inline-flex}
.fc-action .fc-spinner{position:absolute;right:-4px;top:-4px}
.fc-spinner{display:inline-block;width:12px;height:12px;border:2px solid #c2c8d6;border-top-color:#0263e0;border-radius:50%;animation:fc-spin .8s linear infinite;vertical-align:middle}
@keyframes fc-spin{to{transform:rotate(360deg)}}
.fc-name{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.fc-status-container{display:flex;flex-direction:column;min-width:150px;max-width:240px}
.fc-leave-area{padding:8px 12px}
.fc-leave{margin:0;font-size:13px;color:#0a6b3d}
.fc-leave-busy{color:#606b85}
.fc-confirm{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin-top:8px;padding:10px;border:1px solid #f4c430;background:#fffbea;border-radius:6px;font-size:13px}
.fc-confirm span{flex-basis:100%}
`;
