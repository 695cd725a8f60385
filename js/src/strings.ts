// The feature's strings: the template's keys (so an account's existing overrides keep working)
// plus this package's own, in the six locales of SPEC §5.6, in our own wording. Each locale is
// merged over en-US, and strings already present in `manager.strings` win, so an account can
// override any of them.

/** Every string key the feature uses, with its en-US text. */
export const EN_US = {
  // The template's keys.
  PSConferenceAddConferenceParticipant: "Add a participant",
  PSConferencePhoneNumber: "Phone number or address",
  PSConferencePhoneNumberError: "Enter a number to add.",
  PSConferenceDial: "Dial",
  PSConferenceHoldParticipant: "Hold participant",
  PSConferenceUnholdParticipant: "Take participant off hold",
  PSConferenceRemoveParticipant: "Remove participant",
  PSConferenceUnknown: "Unknown",
  PSConferenceFailedHangupNotification:
    "You're still on the call: not everyone could be taken off hold. Take them off hold, then hang up. {{message}}",
  PSExternalWarmTransferInvalidPhoneNumber: "The participant couldn't be added: {{message}}",
  // This package's keys.
  PSConferenceDestinationHint: "E.164 number such as +1 415 555 0100, or a sip:, client: or app: address.",
  PSConferenceDialing: "Dialing…",
  PSConferenceMuteParticipant: "Mute participant",
  PSConferenceUnmuteParticipant: "Unmute participant",
  PSConferenceCancelDial: "Stop dialing",
  PSConferenceRinging: "Ringing… {{seconds}} s left",
  PSConferenceChecking: "Checking…",
  PSConferenceMuted: "Muted",
  PSConferenceSafeToLeave: "You can leave — the call continues without you.",
  PSConferenceMakingSafe: "Making it safe to leave…",
  PSConferenceConfirmLeaveTitle: "Someone is still being dialed",
  PSConferenceConfirmLeaveBody:
    "Leave and keep the others connected? If the dialed participant answers, they join the others.",
  PSConferenceConfirmLeave: "Leave the call",
  PSConferenceStay: "Stay",
  PSConferenceAddFailedNotification: "Couldn't add {{destination}}: {{message}}",
  PSConferenceAddOutcomeUnknownNotification:
    "Couldn't confirm whether {{destination}} is being dialed. Check the participants before you dial again.",
  PSConferenceNotAnsweredNotification: "{{destination}} didn't answer ({{status}}).",
  PSConferenceHoldFailedNotification: "Couldn't put the participant on hold: {{message}}",
  PSConferenceUnholdFailedNotification: "Couldn't take the participant off hold: {{message}}",
  PSConferenceMuteFailedNotification: "Couldn't mute the participant: {{message}}",
  PSConferenceUnmuteFailedNotification: "Couldn't unmute the participant: {{message}}",
  PSConferenceRemoveFailedNotification: "Couldn't remove the participant: {{message}}",
  PSConferenceCancelDialFailedNotification: "Couldn't stop dialing: {{message}}",
  PSConferenceFlagUpdateFailedNotification:
    "A participant's call settings couldn't be updated, so the call could end when someone hangs up. Retrying. {{message}}",
  PSConferenceAuthExpiredNotification: "Your Flex login has expired. Reload Flex to keep managing this call.",
  PSConferenceRefusedNotification: "{{message}}",
  PSConferenceUnavailableNotification: "The conference feature couldn't start: {{message}}",
};

/** A string key of the feature. */
export type StringKey = keyof typeof EN_US;

type Translation = Partial<Record<StringKey, string>>;

const ES_MX: Translation = {
  PSConferenceAddConferenceParticipant: "Agregar un participante",
  PSConferencePhoneNumber: "Número de teléfono o dirección",
  PSConferencePhoneNumberError: "Escribe un número para agregar.",
  PSConferenceDial: "Marcar",
  PSConferenceHoldParticipant: "Poner en espera",
  PSConferenceUnholdParticipant: "Quitar de espera",
  PSConferenceRemoveParticipant: "Sacar de la llamada",
  PSConferenceUnknown: "Desconocido",
  PSConferenceFailedHangupNotification:
    "Sigues en la llamada: no se pudo quitar a todos de espera. Quítalos de espera y luego cuelga. {{message}}",
  PSExternalWarmTransferInvalidPhoneNumber: "No se pudo agregar al participante: {{message}}",
  PSConferenceDestinationHint: "Número E.164, como +52 55 1234 5678, o una dirección sip:, client: o app:.",
  PSConferenceDialing: "Marcando…",
  PSConferenceMuteParticipant: "Silenciar participante",
  PSConferenceUnmuteParticipant: "Activar audio del participante",
  PSConferenceCancelDial: "Dejar de marcar",
  PSConferenceRinging: "Timbrando… quedan {{seconds}} s",
  PSConferenceChecking: "Verificando…",
  PSConferenceMuted: "Silenciado",
  PSConferenceSafeToLeave: "Puedes salir: la llamada sigue sin ti.",
  PSConferenceMakingSafe: "Preparando tu salida…",
  PSConferenceConfirmLeaveTitle: "Todavía se está marcando a alguien",
  PSConferenceConfirmLeaveBody:
    "¿Salir y dejar conectados a los demás? Si la persona marcada contesta, se une a ellos.",
  PSConferenceConfirmLeave: "Salir de la llamada",
  PSConferenceStay: "Quedarme",
  PSConferenceAddFailedNotification: "No se pudo agregar {{destination}}: {{message}}",
  PSConferenceAddOutcomeUnknownNotification:
    "No se pudo confirmar si se está marcando a {{destination}}. Revisa los participantes antes de volver a marcar.",
  PSConferenceNotAnsweredNotification: "{{destination}} no contestó ({{status}}).",
  PSConferenceHoldFailedNotification: "No se pudo poner en espera: {{message}}",
  PSConferenceUnholdFailedNotification: "No se pudo quitar de espera: {{message}}",
  PSConferenceMuteFailedNotification: "No se pudo silenciar: {{message}}",
  PSConferenceUnmuteFailedNotification: "No se pudo activar el audio: {{message}}",
  PSConferenceRemoveFailedNotification: "No se pudo sacar al participante: {{message}}",
  PSConferenceCancelDialFailedNotification: "No se pudo dejar de marcar: {{message}}",
  PSConferenceFlagUpdateFailedNotification:
    "No se pudo actualizar la configuración de un participante; la llamada podría terminar cuando alguien cuelgue. Reintentando. {{message}}",
  PSConferenceAuthExpiredNotification: "Tu sesión de Flex expiró. Vuelve a cargar Flex para seguir administrando esta llamada.",
  PSConferenceUnavailableNotification: "La función de conferencia no pudo iniciar: {{message}}",
};

const ES_ES: Translation = {
  ...ES_MX,
  PSConferenceAddConferenceParticipant: "Añadir un participante",
  PSConferencePhoneNumberError: "Introduce un número para añadir.",
  PSConferenceDestinationHint: "Número E.164, como +34 912 345 678, o una dirección sip:, client: o app:.",
  PSConferenceRinging: "Sonando… quedan {{seconds}} s",
  PSConferenceUnmuteParticipant: "Reactivar el sonido del participante",
  PSExternalWarmTransferInvalidPhoneNumber: "No se ha podido añadir al participante: {{message}}",
  PSConferenceAddFailedNotification: "No se ha podido añadir {{destination}}: {{message}}",
  PSConferenceNotAnsweredNotification: "{{destination}} no ha contestado ({{status}}).",
  PSConferenceAuthExpiredNotification: "Tu sesión de Flex ha caducado. Recarga Flex para seguir gestionando esta llamada.",
};

const PT_BR: Translation = {
  PSConferenceAddConferenceParticipant: "Adicionar um participante",
  PSConferencePhoneNumber: "Número de telefone ou endereço",
  PSConferencePhoneNumberError: "Digite um número para adicionar.",
  PSConferenceDial: "Discar",
  PSConferenceHoldParticipant: "Colocar em espera",
  PSConferenceUnholdParticipant: "Retirar da espera",
  PSConferenceRemoveParticipant: "Remover da chamada",
  PSConferenceUnknown: "Desconhecido",
  PSConferenceFailedHangupNotification:
    "Você continua na chamada: não foi possível tirar todos da espera. Retire-os da espera e depois desligue. {{message}}",
  PSExternalWarmTransferInvalidPhoneNumber: "Não foi possível adicionar o participante: {{message}}",
  PSConferenceDestinationHint: "Número E.164, como +55 11 91234 5678, ou um endereço sip:, client: ou app:.",
  PSConferenceDialing: "Discando…",
  PSConferenceMuteParticipant: "Silenciar participante",
  PSConferenceUnmuteParticipant: "Reativar o áudio do participante",
  PSConferenceCancelDial: "Parar de discar",
  PSConferenceRinging: "Chamando… faltam {{seconds}} s",
  PSConferenceChecking: "Verificando…",
  PSConferenceMuted: "Silenciado",
  PSConferenceSafeToLeave: "Você pode sair: a chamada continua sem você.",
  PSConferenceMakingSafe: "Preparando sua saída…",
  PSConferenceConfirmLeaveTitle: "Ainda há alguém sendo chamado",
  PSConferenceConfirmLeaveBody:
    "Sair e manter os outros conectados? Se a pessoa chamada atender, ela entra na conversa com eles.",
  PSConferenceConfirmLeave: "Sair da chamada",
  PSConferenceStay: "Ficar",
  PSConferenceAddFailedNotification: "Não foi possível adicionar {{destination}}: {{message}}",
  PSConferenceAddOutcomeUnknownNotification:
    "Não foi possível confirmar se {{destination}} está sendo chamado. Confira os participantes antes de discar de novo.",
  PSConferenceNotAnsweredNotification: "{{destination}} não atendeu ({{status}}).",
  PSConferenceHoldFailedNotification: "Não foi possível colocar em espera: {{message}}",
  PSConferenceUnholdFailedNotification: "Não foi possível retirar da espera: {{message}}",
  PSConferenceMuteFailedNotification: "Não foi possível silenciar: {{message}}",
  PSConferenceUnmuteFailedNotification: "Não foi possível reativar o áudio: {{message}}",
  PSConferenceRemoveFailedNotification: "Não foi possível remover o participante: {{message}}",
  PSConferenceCancelDialFailedNotification: "Não foi possível parar de discar: {{message}}",
  PSConferenceFlagUpdateFailedNotification:
    "Não foi possível atualizar as configurações de um participante; a chamada pode terminar quando alguém desligar. Tentando de novo. {{message}}",
  PSConferenceAuthExpiredNotification: "Seu login no Flex expirou. Recarregue o Flex para continuar gerenciando esta chamada.",
  PSConferenceUnavailableNotification: "O recurso de conferência não pôde iniciar: {{message}}",
};

const TH: Translation = {
  PSConferenceAddConferenceParticipant: "เพิ่มผู้เข้าร่วม",
  PSConferencePhoneNumber: "หมายเลขโทรศัพท์หรือที่อยู่",
  PSConferencePhoneNumberError: "กรุณาใส่หมายเลขที่จะเพิ่ม",
  PSConferenceDial: "โทร",
  PSConferenceHoldParticipant: "พักสายผู้เข้าร่วม",
  PSConferenceUnholdParticipant: "เลิกพักสายผู้เข้าร่วม",
  PSConferenceRemoveParticipant: "นำผู้เข้าร่วมออก",
  PSConferenceUnknown: "ไม่ทราบ",
  PSConferenceFailedHangupNotification:
    "คุณยังอยู่ในสาย: ไม่สามารถเลิกพักสายทุกคนได้ กรุณาเลิกพักสายก่อน แล้วจึงวางสาย {{message}}",
  PSExternalWarmTransferInvalidPhoneNumber: "ไม่สามารถเพิ่มผู้เข้าร่วมได้: {{message}}",
  PSConferenceDestinationHint: "หมายเลขรูปแบบ E.164 เช่น +66 2 123 4567 หรือที่อยู่ sip:, client: หรือ app:",
  PSConferenceDialing: "กำลังโทร…",
  PSConferenceMuteParticipant: "ปิดเสียงผู้เข้าร่วม",
  PSConferenceUnmuteParticipant: "เปิดเสียงผู้เข้าร่วม",
  PSConferenceCancelDial: "หยุดโทร",
  PSConferenceRinging: "กำลังเรียกสาย… เหลือ {{seconds}} วินาที",
  PSConferenceChecking: "กำลังตรวจสอบ…",
  PSConferenceMuted: "ปิดเสียงอยู่",
  PSConferenceSafeToLeave: "คุณออกจากสายได้ — การสนทนาจะดำเนินต่อไป",
  PSConferenceMakingSafe: "กำลังเตรียมให้คุณออกจากสาย…",
  PSConferenceConfirmLeaveTitle: "ยังมีผู้ที่กำลังถูกเรียกสายอยู่",
  PSConferenceConfirmLeaveBody: "ออกจากสายและให้ผู้อื่นคุยต่อหรือไม่? หากผู้ถูกเรียกรับสาย จะเข้าร่วมกับผู้อื่น",
  PSConferenceConfirmLeave: "ออกจากสาย",
  PSConferenceStay: "อยู่ต่อ",
  PSConferenceAddFailedNotification: "ไม่สามารถเพิ่ม {{destination}} ได้: {{message}}",
  PSConferenceAddOutcomeUnknownNotification:
    "ไม่สามารถยืนยันได้ว่ากำลังโทรหา {{destination}} อยู่หรือไม่ กรุณาตรวจสอบผู้เข้าร่วมก่อนโทรอีกครั้ง",
  PSConferenceNotAnsweredNotification: "{{destination}} ไม่รับสาย ({{status}})",
  PSConferenceHoldFailedNotification: "ไม่สามารถพักสายได้: {{message}}",
  PSConferenceUnholdFailedNotification: "ไม่สามารถเลิกพักสายได้: {{message}}",
  PSConferenceMuteFailedNotification: "ไม่สามารถปิดเสียงได้: {{message}}",
  PSConferenceUnmuteFailedNotification: "ไม่สามารถเปิดเสียงได้: {{message}}",
  PSConferenceRemoveFailedNotification: "ไม่สามารถนำผู้เข้าร่วมออกได้: {{message}}",
  PSConferenceCancelDialFailedNotification: "ไม่สามารถหยุดโทรได้: {{message}}",
  PSConferenceFlagUpdateFailedNotification:
    "ไม่สามารถอัปเดตการตั้งค่าของผู้เข้าร่วมได้ สายอาจสิ้นสุดเมื่อมีคนวางสาย กำลังลองใหม่ {{message}}",
  PSConferenceAuthExpiredNotification: "การเข้าสู่ระบบ Flex หมดอายุแล้ว กรุณาโหลด Flex ใหม่เพื่อจัดการสายนี้ต่อ",
  PSConferenceUnavailableNotification: "ไม่สามารถเริ่มฟีเจอร์การประชุมสายได้: {{message}}",
};

const ZH_HANS: Translation = {
  PSConferenceAddConferenceParticipant: "添加参与者",
  PSConferencePhoneNumber: "电话号码或地址",
  PSConferencePhoneNumberError: "请输入要添加的号码。",
  PSConferenceDial: "拨打",
  PSConferenceHoldParticipant: "保持参与者通话",
  PSConferenceUnholdParticipant: "取消保持",
  PSConferenceRemoveParticipant: "移除参与者",
  PSConferenceUnknown: "未知",
  PSConferenceFailedHangupNotification: "您仍在通话中：未能取消所有人的保持状态。请先取消保持，再挂断。{{message}}",
  PSExternalWarmTransferInvalidPhoneNumber: "无法添加参与者：{{message}}",
  PSConferenceDestinationHint: "E.164 格式的号码（如 +86 10 1234 5678），或 sip:、client:、app: 地址。",
  PSConferenceDialing: "正在拨号…",
  PSConferenceMuteParticipant: "将参与者静音",
  PSConferenceUnmuteParticipant: "取消参与者静音",
  PSConferenceCancelDial: "停止拨号",
  PSConferenceRinging: "正在振铃… 剩余 {{seconds}} 秒",
  PSConferenceChecking: "正在确认…",
  PSConferenceMuted: "已静音",
  PSConferenceSafeToLeave: "您可以离开——通话会在您离开后继续。",
  PSConferenceMakingSafe: "正在为您离开做准备…",
  PSConferenceConfirmLeaveTitle: "仍有参与者正在被拨打",
  PSConferenceConfirmLeaveBody: "离开并让其他人保持通话？被拨打的参与者接听后会加入他们。",
  PSConferenceConfirmLeave: "离开通话",
  PSConferenceStay: "留下",
  PSConferenceAddFailedNotification: "无法添加 {{destination}}：{{message}}",
  PSConferenceAddOutcomeUnknownNotification: "无法确认是否正在拨打 {{destination}}。再次拨打前请先查看参与者列表。",
  PSConferenceNotAnsweredNotification: "{{destination}} 未接听（{{status}}）。",
  PSConferenceHoldFailedNotification: "无法保持该参与者：{{message}}",
  PSConferenceUnholdFailedNotification: "无法取消保持：{{message}}",
  PSConferenceMuteFailedNotification: "无法静音：{{message}}",
  PSConferenceUnmuteFailedNotification: "无法取消静音：{{message}}",
  PSConferenceRemoveFailedNotification: "无法移除参与者：{{message}}",
  PSConferenceCancelDialFailedNotification: "无法停止拨号：{{message}}",
  PSConferenceFlagUpdateFailedNotification: "无法更新某位参与者的通话设置，有人挂断时通话可能会结束。正在重试。{{message}}",
  PSConferenceAuthExpiredNotification: "您的 Flex 登录已过期。请重新加载 Flex 以继续管理此通话。",
  PSConferenceUnavailableNotification: "会议功能无法启动：{{message}}",
};

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
  return { ...EN_US, ...(LOCALES[locale] || {}) };
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
