// The Flex surface the shim uses, typed by `@twilio/flex-ui` 2.17 (a type-only import: the
// package never bundles Flex; the plugin hands `flex` and `manager` to `registerConference`).

import type * as Flex from "@twilio/flex-ui";
import type { Participant } from "../generated/flex_conference.js";

/** The `flex` object a plugin's `init(flex, manager)` receives. */
export type FlexApi = typeof Flex;

/** Flex's `Manager`. */
export type ManagerApi = Flex.Manager;

/**
 * The fields of a Flex `ConferenceParticipant` the shim reads (the real one has getters): what the
 * engine reads (`Participant`), plus what the cards show.
 */
export interface ParticipantLike extends Participant {
  phoneNumber?: string | null;
  worker?: { fullName?: string | null } | null;
  mediaProperties?: { hold?: boolean | null; muted?: boolean | null; to?: string | null; from?: string | null } | null;
}

/** The fields of a Flex `ITask` the shim reads. */
export interface TaskLike {
  taskSid: string;
  sid?: string;
  status?: string | null;
  taskChannelUniqueName?: string | null;
  attributes?: {
    conference?: { sid?: string | null } | null;
    outbound_to?: string | null;
    name?: string | null;
    from?: string | null;
    [key: string]: unknown;
  } | null;
  conference?: {
    conferenceSid?: string | null;
    status?: string | null;
    participants?: ParticipantLike[] | null;
  } | null;
}
