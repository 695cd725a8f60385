// The feature's strings: the template's keys (so an account's existing overrides keep working)
// plus this package's own, in the six locales of SPEC §5.6, in our own wording. Each locale is
// merged over en-US, and strings already present in `manager.strings` win, so an account can
// override any of them.
//
// Each locale is a table of texts in the order of KEYS (the comments name the key without its
// `PSConference` prefix): a key's name is written once, not once per locale, which keeps the
// bundle smaller. The type checker holds every table to KEYS' length.

/** The translated keys, in the order of the tables below. */
const KEYS = [
  // The template's keys.
  "PSConferenceAddConferenceParticipant",
  "PSConferencePhoneNumber",
  "PSConferencePhoneNumberError",
  "PSConferenceDial",
  "PSConferenceHoldParticipant",
  "PSConferenceUnholdParticipant",
  "PSConferenceRemoveParticipant",
  "PSConferenceUnknown",
  "PSConferenceFailedHangupNotification",
  "PSExternalWarmTransferInvalidPhoneNumber",
  // This package's keys.
  "PSConferenceDestinationHint",
  "PSConferenceDialing",
  "PSConferenceMuteParticipant",
  "PSConferenceUnmuteParticipant",
  "PSConferenceCancelDial",
  "PSConferenceRinging",
  "PSConferenceChecking",
  "PSConferenceMuted",
  "PSConferenceSafeToLeave",
  "PSConferenceMakingSafe",
  "PSConferenceConfirmLeaveTitle",
  "PSConferenceConfirmLeaveBody",
  "PSConferenceConfirmLeave",
  "PSConferenceStay",
  "PSConferenceAddFailedNotification",
  "PSConferenceAddOutcomeUnknownNotification",
  "PSConferenceNotAnsweredNotification",
  "PSConferenceHoldFailedNotification",
  "PSConferenceUnholdFailedNotification",
  "PSConferenceMuteFailedNotification",
  "PSConferenceUnmuteFailedNotification",
  "PSConferenceRemoveFailedNotification",
  "PSConferenceCancelDialFailedNotification",
  "PSConferenceFlagUpdateFailedNotification",
  "PSConferenceAuthExpiredNotification",
  "PSConferenceUnavailableNotification",
] as const;

/** The refusal notification shows the engine's message as it is, in every locale. */
const REFUSED_KEY = "PSConferenceRefusedNotification";

/** A string key of the feature. */
export type StringKey = (typeof KEYS)[number] | typeof REFUSED_KEY;

type Translation = Partial<Record<StringKey, string>>;

/** One text per key of KEYS, in its order (a tuple of KEYS' length). */
type Texts<T extends readonly unknown[]> = { readonly [I in keyof T]: string };
type Table = Texts<typeof KEYS>;

function table(texts: Table): Record<(typeof KEYS)[number], string> {
  const out = {} as Record<(typeof KEYS)[number], string>;
  KEYS.forEach((key, i) => {
    out[key] = texts[i];
  });
  return out;
}

const EN = table([
  // The template's keys.
  "Add a participant", // AddConferenceParticipant
  "Phone number or address", // PhoneNumber
  "Enter a number to add.", // PhoneNumberError
  "Dial", // Dial
  "Hold participant", // HoldParticipant
  "Take participant off hold", // UnholdParticipant
  "Remove participant", // RemoveParticipant
  "Unknown", // Unknown
  "You're still on the call: not everyone could be taken off hold. Take them off hold, then hang up. {{message}}", // FailedHangupNotification
  "The participant couldn't be added: {{message}}", // PSExternalWarmTransferInvalidPhoneNumber
  // This package's keys.
  "E.164 number such as +1 415 555 0100, or a sip:, client: or app: address.", // DestinationHint
  "Dialing…", // Dialing
  "Mute participant", // MuteParticipant
  "Unmute participant", // UnmuteParticipant
  "Stop dialing", // CancelDial
  "Ringing… {{seconds}} s left", // Ringing
  "Checking…", // Checking
  "Muted", // Muted
  "You can leave — the call continues without you.", // SafeToLeave
  "Making it safe to leave…", // MakingSafe
  "Someone is still being dialed", // ConfirmLeaveTitle
  "Leave and keep the others connected? If the dialed participant answers, they join the others.", // ConfirmLeaveBody
  "Leave the call", // ConfirmLeave
  "Stay", // Stay
  "Couldn't add {{destination}}: {{message}}", // AddFailedNotification
  "Couldn't confirm whether {{destination}} is being dialed. Check the participants before you dial again.", // AddOutcomeUnknownNotification
  "{{destination}} didn't answer ({{status}}).", // NotAnsweredNotification
  "Couldn't put the participant on hold: {{message}}", // HoldFailedNotification
  "Couldn't take the participant off hold: {{message}}", // UnholdFailedNotification
  "Couldn't mute the participant: {{message}}", // MuteFailedNotification
  "Couldn't unmute the participant: {{message}}", // UnmuteFailedNotification
  "Couldn't remove the participant: {{message}}", // RemoveFailedNotification
  "Couldn't stop dialing: {{message}}", // CancelDialFailedNotification
  "A participant's call settings couldn't be updated, so the call could end when someone hangs up. Retrying. {{message}}", // FlagUpdateFailedNotification
  "Your Flex login has expired. Reload Flex to keep managing this call.", // AuthExpiredNotification
  "The conference feature couldn't start: {{message}}", // UnavailableNotification
]);

/** Every string key the feature uses, with its en-US text. */
// (Object.assign rather than spreads here and in the other modules: ES2017 has no object
// spread, and esbuild would add its helpers to the bundle for them.)
export const EN_US: Record<StringKey, string> = Object.assign(EN, { [REFUSED_KEY]: "{{message}}" });

const ES_MX = table([
  // The template's keys.
  "Agregar un participante", // AddConferenceParticipant
  "Número de teléfono o dirección", // PhoneNumber
  "Escribe un número para agregar.", // PhoneNumberError
  "Marcar", // Dial
  "Poner en espera", // HoldParticipant
  "Quitar de espera", // UnholdParticipant
  "Sacar de la llamada", // RemoveParticipant
  "Desconocido", // Unknown
  "Sigues en la llamada: no se pudo quitar a todos de espera. Quítalos de espera y luego cuelga. {{message}}", // FailedHangupNotification
  "No se pudo agregar al participante: {{message}}", // PSExternalWarmTransferInvalidPhoneNumber
  // This package's keys.
  "Número E.164, como +52 55 1234 5678, o una dirección sip:, client: o app:.", // DestinationHint
  "Marcando…", // Dialing
  "Silenciar participante", // MuteParticipant
  "Activar audio del participante", // UnmuteParticipant
  "Dejar de marcar", // CancelDial
  "Timbrando… quedan {{seconds}} s", // Ringing
  "Verificando…", // Checking
  "Silenciado", // Muted
  "Puedes salir: la llamada sigue sin ti.", // SafeToLeave
  "Preparando tu salida…", // MakingSafe
  "Todavía se está marcando a alguien", // ConfirmLeaveTitle
  "¿Salir y dejar conectados a los demás? Si la persona marcada contesta, se une a ellos.", // ConfirmLeaveBody
  "Salir de la llamada", // ConfirmLeave
  "Quedarme", // Stay
  "No se pudo agregar {{destination}}: {{message}}", // AddFailedNotification
  "No se pudo confirmar si se está marcando a {{destination}}. Revisa los participantes antes de volver a marcar.", // AddOutcomeUnknownNotification
  "{{destination}} no contestó ({{status}}).", // NotAnsweredNotification
  "No se pudo poner en espera: {{message}}", // HoldFailedNotification
  "No se pudo quitar de espera: {{message}}", // UnholdFailedNotification
  "No se pudo silenciar: {{message}}", // MuteFailedNotification
  "No se pudo activar el audio: {{message}}", // UnmuteFailedNotification
  "No se pudo sacar al participante: {{message}}", // RemoveFailedNotification
  "No se pudo dejar de marcar: {{message}}", // CancelDialFailedNotification
  "No se pudo actualizar la configuración de un participante; la llamada podría terminar cuando alguien cuelgue. Reintentando. {{message}}", // FlagUpdateFailedNotification
  "Tu sesión de Flex expiró. Vuelve a cargar Flex para seguir administrando esta llamada.", // AuthExpiredNotification
  "La función de conferencia no pudo iniciar: {{message}}", // UnavailableNotification
]);

/** es-ES: es-MX with Spain's wording where it differs. */
const ES_ES: Translation = Object.assign({}, ES_MX, {
  PSConferenceAddConferenceParticipant: "Añadir un participante",
  PSConferencePhoneNumberError: "Introduce un número para añadir.",
  PSExternalWarmTransferInvalidPhoneNumber: "No se ha podido añadir al participante: {{message}}",
  PSConferenceDestinationHint: "Número E.164, como +34 912 345 678, o una dirección sip:, client: o app:.",
  PSConferenceUnmuteParticipant: "Reactivar el sonido del participante",
  PSConferenceRinging: "Sonando… quedan {{seconds}} s",
  PSConferenceAddFailedNotification: "No se ha podido añadir {{destination}}: {{message}}",
  PSConferenceNotAnsweredNotification: "{{destination}} no ha contestado ({{status}}).",
  PSConferenceAuthExpiredNotification: "Tu sesión de Flex ha caducado. Recarga Flex para seguir gestionando esta llamada.",
});

const PT_BR = table([
  // The template's keys.
  "Adicionar um participante", // AddConferenceParticipant
  "Número de telefone ou endereço", // PhoneNumber
  "Digite um número para adicionar.", // PhoneNumberError
  "Discar", // Dial
  "Colocar em espera", // HoldParticipant
  "Retirar da espera", // UnholdParticipant
  "Remover da chamada", // RemoveParticipant
  "Desconhecido", // Unknown
  "Você continua na chamada: não foi possível tirar todos da espera. Retire-os da espera e depois desligue. {{message}}", // FailedHangupNotification
  "Não foi possível adicionar o participante: {{message}}", // PSExternalWarmTransferInvalidPhoneNumber
  // This package's keys.
  "Número E.164, como +55 11 91234 5678, ou um endereço sip:, client: ou app:.", // DestinationHint
  "Discando…", // Dialing
  "Silenciar participante", // MuteParticipant
  "Reativar o áudio do participante", // UnmuteParticipant
  "Parar de discar", // CancelDial
  "Chamando… faltam {{seconds}} s", // Ringing
  "Verificando…", // Checking
  "Silenciado", // Muted
  "Você pode sair: a chamada continua sem você.", // SafeToLeave
  "Preparando sua saída…", // MakingSafe
  "Ainda há alguém sendo chamado", // ConfirmLeaveTitle
  "Sair e manter os outros conectados? Se a pessoa chamada atender, ela entra na conversa com eles.", // ConfirmLeaveBody
  "Sair da chamada", // ConfirmLeave
  "Ficar", // Stay
  "Não foi possível adicionar {{destination}}: {{message}}", // AddFailedNotification
  "Não foi possível confirmar se {{destination}} está sendo chamado. Confira os participantes antes de discar de novo.", // AddOutcomeUnknownNotification
  "{{destination}} não atendeu ({{status}}).", // NotAnsweredNotification
  "Não foi possível colocar em espera: {{message}}", // HoldFailedNotification
  "Não foi possível retirar da espera: {{message}}", // UnholdFailedNotification
  "Não foi possível silenciar: {{message}}", // MuteFailedNotification
  "Não foi possível reativar o áudio: {{message}}", // UnmuteFailedNotification
  "Não foi possível remover o participante: {{message}}", // RemoveFailedNotification
  "Não foi possível parar de discar: {{message}}", // CancelDialFailedNotification
  "Não foi possível atualizar as configurações de um participante; a chamada pode terminar quando alguém desligar. Tentando de novo. {{message}}", // FlagUpdateFailedNotification
  "Seu login no Flex expirou. Recarregue o Flex para continuar gerenciando esta chamada.", // AuthExpiredNotification
  "O recurso de conferência não pôde iniciar: {{message}}", // UnavailableNotification
]);

const TH = table([
  // The template's keys.
  "เพิ่มผู้เข้าร่วม", // AddConferenceParticipant
  "หมายเลขโทรศัพท์หรือที่อยู่", // PhoneNumber
  "กรุณาใส่หมายเลขที่จะเพิ่ม", // PhoneNumberError
  "โทร", // Dial
  "พักสายผู้เข้าร่วม", // HoldParticipant
  "เลิกพักสายผู้เข้าร่วม", // UnholdParticipant
  "นำผู้เข้าร่วมออก", // RemoveParticipant
  "ไม่ทราบ", // Unknown
  "คุณยังอยู่ในสาย: ไม่สามารถเลิกพักสายทุกคนได้ กรุณาเลิกพักสายก่อน แล้วจึงวางสาย {{message}}", // FailedHangupNotification
  "ไม่สามารถเพิ่มผู้เข้าร่วมได้: {{message}}", // PSExternalWarmTransferInvalidPhoneNumber
  // This package's keys.
  "หมายเลขรูปแบบ E.164 เช่น +66 2 123 4567 หรือที่อยู่ sip:, client: หรือ app:", // DestinationHint
  "กำลังโทร…", // Dialing
  "ปิดเสียงผู้เข้าร่วม", // MuteParticipant
  "เปิดเสียงผู้เข้าร่วม", // UnmuteParticipant
  "หยุดโทร", // CancelDial
  "กำลังเรียกสาย… เหลือ {{seconds}} วินาที", // Ringing
  "กำลังตรวจสอบ…", // Checking
  "ปิดเสียงอยู่", // Muted
  "คุณออกจากสายได้ — การสนทนาจะดำเนินต่อไป", // SafeToLeave
  "กำลังเตรียมให้คุณออกจากสาย…", // MakingSafe
  "ยังมีผู้ที่กำลังถูกเรียกสายอยู่", // ConfirmLeaveTitle
  "ออกจากสายและให้ผู้อื่นคุยต่อหรือไม่? หากผู้ถูกเรียกรับสาย จะเข้าร่วมกับผู้อื่น", // ConfirmLeaveBody
  "ออกจากสาย", // ConfirmLeave
  "อยู่ต่อ", // Stay
  "ไม่สามารถเพิ่ม {{destination}} ได้: {{message}}", // AddFailedNotification
  "ไม่สามารถยืนยันได้ว่ากำลังโทรหา {{destination}} อยู่หรือไม่ กรุณาตรวจสอบผู้เข้าร่วมก่อนโทรอีกครั้ง", // AddOutcomeUnknownNotification
  "{{destination}} ไม่รับสาย ({{status}})", // NotAnsweredNotification
  "ไม่สามารถพักสายได้: {{message}}", // HoldFailedNotification
  "ไม่สามารถเลิกพักสายได้: {{message}}", // UnholdFailedNotification
  "ไม่สามารถปิดเสียงได้: {{message}}", // MuteFailedNotification
  "ไม่สามารถเปิดเสียงได้: {{message}}", // UnmuteFailedNotification
  "ไม่สามารถนำผู้เข้าร่วมออกได้: {{message}}", // RemoveFailedNotification
  "ไม่สามารถหยุดโทรได้: {{message}}", // CancelDialFailedNotification
  "ไม่สามารถอัปเดตการตั้งค่าของผู้เข้าร่วมได้ สายอาจสิ้นสุดเมื่อมีคนวางสาย กำลังลองใหม่ {{message}}", // FlagUpdateFailedNotification
  "การเข้าสู่ระบบ Flex หมดอายุแล้ว กรุณาโหลด Flex ใหม่เพื่อจัดการสายนี้ต่อ", // AuthExpiredNotification
  "ไม่สามารถเริ่มฟีเจอร์การประชุมสายได้: {{message}}", // UnavailableNotification
]);

const ZH_HANS = table([
  // The template's keys.
  "添加参与者", // AddConferenceParticipant
  "电话号码或地址", // PhoneNumber
  "请输入要添加的号码。", // PhoneNumberError
  "拨打", // Dial
  "保持参与者通话", // HoldParticipant
  "取消保持", // UnholdParticipant
  "移除参与者", // RemoveParticipant
  "未知", // Unknown
  "您仍在通话中：未能取消所有人的保持状态。请先取消保持，再挂断。{{message}}", // FailedHangupNotification
  "无法添加参与者：{{message}}", // PSExternalWarmTransferInvalidPhoneNumber
  // This package's keys.
  "E.164 格式的号码（如 +86 10 1234 5678），或 sip:、client:、app: 地址。", // DestinationHint
  "正在拨号…", // Dialing
  "将参与者静音", // MuteParticipant
  "取消参与者静音", // UnmuteParticipant
  "停止拨号", // CancelDial
  "正在振铃… 剩余 {{seconds}} 秒", // Ringing
  "正在确认…", // Checking
  "已静音", // Muted
  "您可以离开——通话会在您离开后继续。", // SafeToLeave
  "正在为您离开做准备…", // MakingSafe
  "仍有参与者正在被拨打", // ConfirmLeaveTitle
  "离开并让其他人保持通话？被拨打的参与者接听后会加入他们。", // ConfirmLeaveBody
  "离开通话", // ConfirmLeave
  "留下", // Stay
  "无法添加 {{destination}}：{{message}}", // AddFailedNotification
  "无法确认是否正在拨打 {{destination}}。再次拨打前请先查看参与者列表。", // AddOutcomeUnknownNotification
  "{{destination}} 未接听（{{status}}）。", // NotAnsweredNotification
  "无法保持该参与者：{{message}}", // HoldFailedNotification
  "无法取消保持：{{message}}", // UnholdFailedNotification
  "无法静音：{{message}}", // MuteFailedNotification
  "无法取消静音：{{message}}", // UnmuteFailedNotification
  "无法移除参与者：{{message}}", // RemoveFailedNotification
  "无法停止拨号：{{message}}", // CancelDialFailedNotification
  "无法更新某位参与者的通话设置，有人挂断时通话可能会结束。正在重试。{{message}}", // FlagUpdateFailedNotification
  "您的 Flex 登录已过期。请重新加载 Flex 以继续管理此通话。", // AuthExpiredNotification
  "会议功能无法启动：{{message}}", // UnavailableNotification
]);

/** The locales with their own strings; any other language falls back to en-US. */
export const LOCALES: Readonly<Record<string, Translation>> = {
  "en-US": {},
  "es-MX": ES_MX,
  "es-ES": ES_ES,
  "pt-BR": PT_BR,
  th: TH,
  "zh-Hans": ZH_HANS,
};

/**
 * The locale for a language tag: an exact match (case-insensitive), else by primary language
 * (`es` → es-MX, `pt` → pt-BR, `zh`/`zh-CN`/`zh-SG` → zh-Hans, `th-TH` → th), else en-US.
 */
export function localeFor(language: string | null | undefined): string {
  if (!language) return "en-US";
  const tag = language.trim().toLowerCase();
  for (const locale of Object.keys(LOCALES)) {
    if (locale.toLowerCase() === tag) return locale;
  }
  const primary = tag.split(/[-_]/)[0];
  if (primary === "zh") return tag.indexOf("hant") >= 0 || /-(tw|hk|mo)\b/.test(tag) ? "en-US" : "zh-Hans";
  const fallback: Record<string, string> = { es: "es-MX", pt: "pt-BR", th: "th", en: "en-US" };
  return fallback[primary] || "en-US";
}

/** en-US with `locale` merged over it. */
export function stringsFor(locale: string): Record<StringKey, string> {
  return Object.assign({}, EN_US, LOCALES[locale]);
}

/**
 * Adds the feature's strings to `target` (Flex's `manager.strings`) without replacing any key the
 * account already set; returns the keys it added.
 */
export function mergeStrings(target: Record<string, string>, locale: string): string[] {
  const added: string[] = [];
  const strings = stringsFor(locale);
  for (const key of Object.keys(strings) as StringKey[]) {
    if (!(key in target)) {
      target[key] = strings[key];
      added.push(key);
    }
  }
  return added;
}
