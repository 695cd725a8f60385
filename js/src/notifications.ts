// The notifications the feature registers (SPEC §5.5): the template's two ids, then this
// package's, each shown with the engine's context (`code`, `status`, `message`, and per id
// `destination` or `status`). Ids are stable; README lists them.

import type { NotificationId } from "../generated/flex_conference.js";
import type { StringKey } from "./strings";

/** Shown when the agent's click is refused (the engine's message, e.g. "That participant has left the call."). */
export const REFUSED = "PS_ConferenceRefused";
/** Shown when the feature can't start (missing configuration, the engine failing to load). */
export const UNAVAILABLE = "PS_ConferenceUnavailable";

type Kind = "error" | "warning" | "information" | "success";

/** Every notification: id, content string key, type, timeout (ms; 0 = until dismissed). */
export const NOTIFICATIONS: ReadonlyArray<readonly [NotificationId | typeof REFUSED | typeof UNAVAILABLE, StringKey, Kind, number]> = [
  ["PS_FailedHangupOnConferenceWithExternalParties", "PSConferenceFailedHangupNotification", "error", 0],
  ["PS_ExternalWarmTransferInvalidPhoneNumber", "PSExternalWarmTransferInvalidPhoneNumber", "error", 8000],
  ["PS_ConferenceAddFailed", "PSConferenceAddFailedNotification", "error", 8000],
  ["PS_ConferenceAddOutcomeUnknown", "PSConferenceAddOutcomeUnknownNotification", "warning", 0],
  ["PS_ConferenceNotAnswered", "PSConferenceNotAnsweredNotification", "information", 8000],
  ["PS_ConferenceHoldFailed", "PSConferenceHoldFailedNotification", "error", 8000],
  ["PS_ConferenceUnholdFailed", "PSConferenceUnholdFailedNotification", "error", 8000],
  ["PS_ConferenceMuteFailed", "PSConferenceMuteFailedNotification", "error", 8000],
  ["PS_ConferenceUnmuteFailed", "PSConferenceUnmuteFailedNotification", "error", 8000],
  ["PS_ConferenceRemoveFailed", "PSConferenceRemoveFailedNotification", "error", 8000],
  ["PS_ConferenceCancelDialFailed", "PSConferenceCancelDialFailedNotification", "error", 8000],
  ["PS_ConferenceFlagUpdateFailed", "PSConferenceFlagUpdateFailedNotification", "warning", 0],
  ["PS_ConferenceAuthExpired", "PSConferenceAuthExpiredNotification", "error", 0],
  [REFUSED, "PSConferenceRefusedNotification", "warning", 6000],
  [UNAVAILABLE, "PSConferenceUnavailableNotification", "error", 0],
];

/** The registered ids. */
export const NOTIFICATION_IDS: ReadonlyArray<string> = NOTIFICATIONS.map((n) => n[0]);
