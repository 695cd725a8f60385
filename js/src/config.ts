// Reads what the feature needs from Flex (SPEC §2): the template's `features.conference` keys,
// the worker's `config_overrides`, the `external-warm-transfers` flag, the serverless location and
// the caller-ID candidates. Reading only: every decision on these values is the engine's.

import type { ConferenceConfig, ServerlessOptions } from "../generated/flex_conference.js";

/** What `registerConference` accepts besides `flex` and `manager`. */
export interface RegisterOptions {
  /**
   * Engine keys merged over `ui_attributes.custom_data.features.conference` (for example
   * `{ extensions: true, ring_timeout_ms: 45000 }`). The worker's `config_overrides` still win.
   */
  config?: ConferenceConfig;
  /** Overrides `serverless_functions_domain` / `_protocol` / `_port` from `custom_data`. */
  serverless?: ServerlessOptions;
  /** A language tag for the feature's strings; default: Flex's, as SPEC §5.6 resolves it. */
  language?: string;
  /** A request without a complete response after this many ms fails as a network error. Default 15000. */
  requestTimeoutMs?: number;
}

/** The parts of Flex's `Manager` this module reads. */
export interface ManagerLike {
  configuration?: unknown;
  serviceConfiguration?: unknown;
  workerClient?: { sid?: string; attributes?: unknown } | null;
  store: { getState(): unknown };
}

/** Everything read from Flex, ready for the engine and the driver. */
export interface Resolved {
  config: ConferenceConfig;
  /** Null when the domain is missing: a configuration error the agent must see. */
  serverless: ServerlessOptions | null;
  problem: string | null;
  language: string | null;
}

type Json = Record<string, unknown>;

function obj(value: unknown): Json {
  return value !== null && typeof value === "object" ? (value as Json) : {};
}

function str(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

/** `FLEX_APP_SERVERLESS_FUNCTONS_DOMAIN` (sic, SPEC §2.4) as a plugin build defines it. */
function envDomain(): string | null {
  try {
    return typeof process !== "undefined" && process.env ? str(process.env.FLEX_APP_SERVERLESS_FUNCTONS_DOMAIN) : null;
  } catch (_) {
    return null;
  }
}

declare const process: { env?: Record<string, string | undefined> } | undefined;

/** Flex's `external-warm-transfers` flag (SPEC §2.3): a local override decides when defined. */
export function xwtEnabled(state: unknown): boolean {
  const flags = obj(obj(obj(state).flex).featureFlags);
  const local = obj(obj(flags.localOverrides)["external-warm-transfers"]);
  if (typeof local.enabled === "boolean") return local.enabled;
  return obj(obj(flags.features)["external-warm-transfers"]).enabled === true;
}

/** Reads the configuration (SPEC §2.1–§2.5). */
export function resolve(manager: ManagerLike, options: RegisterOptions): Resolved {
  const state = manager.store.getState();
  const customData = obj(obj(manager.configuration).custom_data);
  const feature = obj(obj(customData.features).conference);
  const worker = obj(obj(obj(state).flex).worker);
  const workerAttributes = obj(
    (manager.workerClient && manager.workerClient.attributes) || obj(worker.worker).attributes || worker.attributes,
  );
  const workerSid = str(manager.workerClient && manager.workerClient.sid) || str(obj(worker.worker).sid);
  const service = obj(manager.serviceConfiguration);
  const defaultCallerId = str(obj(obj(obj(service).outbound_call_flows).default).caller_id);

  // A null-prototype target: an account's JSON with a "__proto__" key stays a plain (ignored)
  // key, as with object spread, instead of becoming this object's prototype.
  const config: ConferenceConfig = Object.assign(Object.create(null), feature as ConferenceConfig, options.config, {
    external_warm_transfers: xwtEnabled(state),
    worker_sid: workerSid,
    worker_attributes: workerAttributes as ConferenceConfig["worker_attributes"],
    default_caller_id: defaultCallerId,
  });

  const domain =
    (options.serverless && str(options.serverless.domain)) || str(customData.serverless_functions_domain) || envDomain();
  const protocol =
    (options.serverless && options.serverless.protocol) ||
    (str(customData.serverless_functions_protocol) as ServerlessOptions["protocol"]) ||
    "https";
  const portValue = options.serverless && options.serverless.port != null ? options.serverless.port : customData.serverless_functions_port;
  const port = portValue == null || portValue === "" ? null : Number(portValue);
  const serverless = domain ? { domain, protocol, port } : null;
  const problem = domain
    ? null
    : "serverless_functions_domain is not set in ui_attributes.custom_data (nor FLEX_APP_SERVERLESS_FUNCTONS_DOMAIN)";

  const language =
    options.language ||
    str(workerAttributes.language) ||
    (str(customData.language) === "default"
      ? typeof navigator !== "undefined"
        ? navigator.language
        : null
      : str(customData.language));
  return { config, serverless, problem, language };
}
