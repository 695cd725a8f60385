//! The TypeScript vocabulary of the package, declared once (STYLE H12). The exports refer to
//! these names through `unchecked_param_type` / `unchecked_return_type`; the shim imports them
//! from the generated `.d.ts` and never redeclares them. Keep each shape in step with the Rust
//! type named beside it (the boundary tests in `tests/web.rs` check the serialized keys).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** A stable error code; the shim branches on these, messages may be reworded. (Rust: `ErrorCode`) */
export type ConferenceErrorCode =
  | "no_caller_id"
  | "in_progress"
  | "invalid_config"
  | "invalid_destination"
  | "invalid_intent"
  | "invalid_result"
  | "invalid_snapshot"
  | "invalid_time"
  | "no_conference"
  | "not_available"
  | "task_mismatch"
  | "unknown_participant"
  | "unsupported_target";

/**
 * What every throwing export throws: a real `Error` (with a `stack`) named `"ConferenceError"`
 * carrying a stable `code`. In {@link IntentOutcome.error} the same three fields arrive as a plain
 * object (outcomes stay JSON), so test `error.code`, not `instanceof`.
 */
export interface ConferenceError extends Error {
  name: "ConferenceError";
  code: ConferenceErrorCode;
  message: string;
}

/** The keys that may also appear in the worker's `config_overrides.features.conference`. */
export interface ConferenceFeatureConfig {
  /** Template master switch. Default `false` (the engine refuses every intent, writes nothing). */
  enabled?: boolean | null;
  /** Template key: unhold → set `endConferenceOnExit` → re-hold for legs already held. Default `false`. */
  hold_workaround?: boolean | null;
  /** Set a leg's `endConferenceOnExit` to false before holding it. Default `true`. */
  pre_hold_flag?: boolean | null;
  /** The backend has this project's `get-participant` extension. Default `false`. */
  extensions?: boolean | null;
  /** Hold music URL passed to `hold-participant`. Default: none. */
  hold_url?: string | null;
  /** How long an added leg may ring, ms (0–86400000). Default `60000`. */
  ring_timeout_ms?: number | null;
  /** First status-poll interval of a ringing leg, ms (> 0). Default `1000`. */
  poll_initial_ms?: number | null;
  /** Largest status-poll interval, ms (≥ `poll_initial_ms`). Default `5000`. */
  poll_max_ms?: number | null;
  /** The hang-up guard gives up (and blocks the hang-up) after this many ms. Default `8000`. */
  guard_timeout_ms?: number | null;
  /** Seed of the jitter and label generator (0–4294967295). Default: fixed. */
  random_seed?: number | null;
}

/**
 * The engine's configuration: the template's `ui_attributes.custom_data.features.conference`
 * object as is, plus this package's keys. Every key is optional; unknown keys are ignored.
 * (Rust: `Config`)
 */
export interface ConferenceConfig extends ConferenceFeatureConfig {
  /** Flex's `external-warm-transfers` feature is on (XWT mode). Default `false`. */
  external_warm_transfers?: boolean | null;
  /** The logged-in worker's SID (`WK…`), used when snapshots lack `workerSid`. */
  worker_sid?: string | null;
  /** The worker's TaskRouter attributes; `config_overrides` wins over the top-level keys. */
  worker_attributes?: {
    phone?: string | null;
    selectedCallerId?: string | null;
    config_overrides?: { features?: { conference?: ConferenceFeatureConfig | null } | null } | null;
    [key: string]: unknown;
  } | null;
  /** `outbound_call_flows.default.caller_id`: the last caller-ID candidate. */
  default_caller_id?: string | null;
}

/** One `ConferenceParticipant` of a Flex task. Unknown fields are ignored. (Rust: `Participant`) */
export interface Participant {
  callSid?: string | null;
  /** `worker` (or `agent`), `customer`, `external`, `transfer`, `supervisor`, `unknown`, … */
  participantType?: string | null;
  /** `joined` (the default), `left`, `recently_left`, … */
  status?: string | null;
  onHold?: boolean | null;
  muted?: boolean | null;
  isCurrentWorker?: boolean | null;
  workerSid?: string | null;
  connecting?: boolean | null;
  participantSid?: string | null;
  /** Fallbacks for `onHold` / `muted`. */
  mediaProperties?: { hold?: boolean | null; muted?: boolean | null } | null;
}

/**
 * The subset of a Flex `ITask` the engine reads. Unknown fields are ignored and missing optional
 * fields tolerated, but the value must be JSON-compatible (no cycles, no BigInts): pass a plain
 * object picked from the task. (Rust: `TaskSnapshot`)
 */
export interface TaskSnapshot {
  taskSid: string;
  /** `accepted` (the default), `pending`, `reserved`, `wrapping`, `completed`, `canceled`, … */
  status?: string | null;
  attributes?: { conference?: { sid?: string | null } | null } | null;
  conference?: {
    conferenceSid?: string | null;
    /** `closed` or `failed` mean the call is over. */
    status?: string | null;
    participants?: Participant[] | null;
  } | null;
}

/** What the agent asks for. (Rust: `Intent`) */
export type Intent =
  /** Dial `destination` (E.164, `sip:`, `client:`, `app:`); `callerId` null → configured candidates. */
  | { kind: "addParticipant"; destination: string; callerId?: string | null }
  /** `nativeAction` names the Flex action being intercepted (default `HoldParticipant`). */
  | { kind: "hold"; callSid: string; nativeAction?: "HoldParticipant" | "HoldCall" | null }
  | { kind: "unhold" | "mute" | "unmute" | "kick" | "cancelDial"; callSid: string }
  /** `confirmLeave`: the agent confirmed leaving while a leg still rings. */
  | { kind: "hangup"; confirmLeave?: boolean | null };

/** The synchronous answer to an intent. (Rust: `IntentOutcome`) */
export interface IntentOutcome {
  /** False when the intent was refused; `error` says why. */
  accepted: boolean;
  /** The engine takes the operation over (or refuses it): abort the native Flex action. */
  abortNative: boolean;
  /** Why it was refused, fit to show inline; a plain object, not an `Error` instance. */
  error: ConferenceError | null;
}

/**
 * How an `api` command settled. `body` is the parsed JSON, or the raw text as a string.
 * (Rust: `ApiResult`)
 */
export type ApiResult =
  | { ok: true; status: number; body: unknown; networkError?: null }
  /** `status` 0 and `networkError` set when no response arrived. */
  | { ok: false; status: number; body: unknown; networkError?: string | null };

/** A serverless endpoint of the Flex project template (`get-participant` is an optional extension). */
export type Endpoint =
  | "add-participant"
  | "get-call-properties"
  | "get-participant"
  | "hold-participant"
  | "mute-participant"
  | "remove-participant"
  | "update-participant";

/** A notification id to register with Flex. */
export type NotificationId =
  | "PS_FailedHangupOnConferenceWithExternalParties"
  | "PS_ExternalWarmTransferInvalidPhoneNumber"
  | "PS_ConferenceAddFailed"
  | "PS_ConferenceAddOutcomeUnknown"
  | "PS_ConferenceNotAnswered"
  | "PS_ConferenceHoldFailed"
  | "PS_ConferenceUnholdFailed"
  | "PS_ConferenceMuteFailed"
  | "PS_ConferenceUnmuteFailed"
  | "PS_ConferenceRemoveFailed"
  | "PS_ConferenceCancelDialFailed"
  | "PS_ConferenceFlagUpdateFailed"
  | "PS_ConferenceAuthExpired";

/** Send a serverless request (the driver adds `Token`), then call `handleApiResult(id, …)`. */
export interface ApiCommand {
  id: number;
  kind: "api";
  endpoint: Endpoint;
  /** Exactly the endpoint's form fields, as strings, without `Token`. */
  params: Record<string, string>;
}

/** Show a notification. Failure contexts carry `code` (Twilio's or null), `status`, `message`. */
export interface NotifyCommand {
  id: number;
  kind: "notify";
  notification: NotificationId;
  context: Record<string, unknown>;
}

/** Invoke a native Flex action; the shim adds `task` to the payload. */
export interface FlexCommand {
  id: number;
  kind: "flex";
  /** e.g. `HoldParticipant`, `HoldCall`. */
  action: string;
  payload: Record<string, unknown>;
}

/** The answer to a `hangup` intent: let the native hang-up go on, or abort it. */
export interface HangupCommand {
  id: number;
  kind: "hangup";
  allow: boolean;
  reason:
    | "not_guarded"
    | "guarded"
    | "confirm_leave"
    | "in_progress"
    | "unhold_failed"
    | "flag_failed"
    | "timeout"
    | (string & {});
}

/** One thing for the shim or driver to do, discriminated by `kind`. (Rust: `Command`) */
export type Command = ApiCommand | NotifyCommand | FlexCommand | HangupCommand;

/** A leg being dialed. (Rust: `ConnectingView`) */
export interface ConnectingView {
  /** The add's idempotency label; a stable React key. */
  label: string;
  /** Known once the leg is created. */
  callSid: string | null;
  /** What is being dialed, normalized. */
  destination: string;
  status: "dialing" | "checking" | "ringing" | "answered" | "cancelling";
  /** When the add started (`Date.now()` ms). */
  sinceMs: number;
  /** How long the leg may ring, ms. */
  ringTimeoutMs: number;
}

/** One leg's engine-side state. (Rust: `LegView`) */
export interface LegView {
  callSid: string;
  /** Operations in flight. */
  pending: Array<"hold" | "unhold" | "mute" | "unmute" | "kick">;
  /** The confirmed `endConferenceOnExit`, once known. */
  endConferenceOnExit: boolean | null;
}

/** What the UI renders. (Rust: `ConferenceView`) */
export interface ConferenceView {
  taskSid: string | null;
  conferenceSid: string | null;
  mode: "disabled" | "full" | "xwt";
  /** This browser is the designated reconciler of the exit policy. */
  reconciler: boolean;
  /** Added legs not yet joined, oldest first. */
  connecting: ConnectingView[];
  /** Legs with pending operations or a confirmed flag. */
  participants: LegView[];
  /** The agent can hang up and the others stay connected. */
  safeToLeave: boolean;
  /** The hang-up guard is running. */
  guarding: boolean;
}

/** Where the serverless functions live (SPEC §2.4): `<protocol>://<domain>[:<port>]`. */
export interface ServerlessOptions {
  /** `serverless_functions_domain`: a bare host name, e.g. `"x-1234-dev.twil.io"`. Required. */
  domain: string;
  /** `serverless_functions_protocol`. Default `"https"`. */
  protocol?: "https" | "http" | null;
  /** `serverless_functions_port`, appended as `:port` (local development, emulator). */
  port?: number | null;
}

/** The options of `new ConferenceClient(options)`. */
export interface ConferenceClientOptions {
  /** The engine's configuration, as `new ConferenceEngine(config)` takes it. Default: disabled. */
  config?: ConferenceConfig | null;
  /** Where requests go. */
  serverless: ServerlessOptions;
  /**
   * The current Flex token (`() => manager.user.token`), called for every request and never
   * cached. Throwing, or returning anything but a non-empty string, skips the request and the
   * engine reports an expired login.
   */
  token: () => string;
  /** Receives the events in batches, in order, always after the call that produced them. */
  onEvents: (events: ClientEvent[]) => void;
  /** A request without a complete response after this many ms is aborted (a network error). Default `15000`. */
  requestTimeoutMs?: number | null;
}

/**
 * What `ConferenceClient` hands to `onEvents`: the engine's commands except `api` (the client sends
 * those itself), and the view whenever it changed.
 */
export type ClientEvent =
  | NotifyCommand
  | FlexCommand
  | HangupCommand
  | { kind: "view"; view: ConferenceView };

/** What `versions()` returns. */
export interface Versions {
  /** The crate (and npm package) version. */
  crate: string;
}
"#;
