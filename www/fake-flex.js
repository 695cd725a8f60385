// A fake of the Twilio Flex UI 2.17 runtime for the demo and the end-to-end tests (SPEC §3.11),
// fed by the sim's long poll. Plain browser ES module; needs the React 17, ReactDOM, Redux and
// ReactRedux UMD globals (`window.React`, …) to be loaded first.
//
// Where Flex's behaviour matters to the feature, this file copies Flex 2.17.1's own semantics
// (read from its typings and production bundle), not a convenient approximation:
//
// * Actions (SPEC §3.7): unknown action → reject; a pending invocation whose payload matches
//   (every key of the new payload `===` the pending one's; ITask objects compared by `taskSid`,
//   plain objects deeply, because this fake makes a new ITask object per change) → reject;
//   blocked → reject; payload updater; every `before<Name>` listener called at once with
//   `(payload, abort)`, awaited together, rejections logged; any abort → reject with
//   `Action <Name> cancelled by before event`; replacement chain or the action (errors
//   rethrown); `after<Name>` listeners awaited, errors logged; resolve with the result.
// * Native voice actions route as Flex does (SPEC §3.8): `HoldParticipant`'s target is the
//   external leg with that participant SID, else the worker leg with that worker SID, else THE
//   CUSTOMER (`task.hold`). `HoldCall` ignores `participantCallSid` and holds the customer.
//   `KickParticipant` takes a worker SID or an external participant SID; anything else fails
//   like TaskRouter's kick.
// * Content stores (SPEC §3.6), as Flex's DynamicComponent: native children get sort orders
//   0, 1, 2…; an added fragment without `sortOrder` goes after what is there; `if` is evaluated
//   against the component's props at render; `remove(key, {if})` drops the child (native or
//   added) with that key; **`replace(el, {if})` replaces ALL of the component's children** (native
//   and added) with `el` when `if` matches — that is what Flex 2.17.1 does, whatever the key; to
//   swap one native child, `remove(key)` it and `add` yours with its sort order. Elements are
//   cloned with the component's props (`{...childProps, ...element.props}`, DOM elements
//   untouched) unless `noChildProps`. `align: "end"` fragments go to a second container.
// * Notifications: `registerNotification` throws on a duplicate id, defaults `timeout` to
//   8000 ms (`Notifications.defaultTimeout`; 0 = stay until closed) and `closeButton` to true;
//   `showNotification` of an unregistered id warns and answers null.
// * The native participant cards: Flex's own hold button uses `HoldParticipant` with the
//   worker SID for workers, the participant SID for native external legs, and `HoldCall` /
//   `UnholdCall` `{ task, participantCallSid }` for everyone else (so it always holds the
//   customer); the kick button exists only on worker and external cards.

const React = window.React;
const h = React.createElement;

const LOG_PREFIX = "[fake-flex]";
/** How long a departed participant shows as `recently_left` (SPEC §3.3, §3.11). */
export const RECENTLY_LEFT_MS = 3000;
const LONG_POLL_WAIT_MS = 20000;

/** Flex 2.17.1's en-US templates that the feature and this fake use. */
export const DEFAULT_STRINGS = Object.freeze({
  Cancel: "Cancel",
  CallParticipantStatusLive: "Live",
  CallParticipantStatusOnHold: "On hold",
  CallParticipantStatusLeft: "Left",
  CallParticipantStatusConnecting: "Connecting...",
  CallParticipantStatusKickConfirmation: "Remove from call?",
  CallParticipantStatusKickCancellation: "Cancel",
  CallParticipantStatusTransferFailed: "Transfer failed",
  CallParticipantCustomerName: "{{task.defaultFrom}}",
  HoldCustomerTooltip: "Hold customer",
  UnholdCustomerTooltip: "Unhold customer",
  HoldAgentTooltip: "Hold {{worker.fullName}}",
  UnholdAgentTooltip: "Unhold {{worker.fullName}}",
  KickAgentTooltip: "Remove {{worker.fullName}}",
  HoldCallTooltip: "Hold call",
  UnholdCallTooltip: "Unhold call",
  MuteCallTooltip: "Mute",
  UnmuteCallTooltip: "Unmute",
  HangupCallTooltip: "Hang up",
  LeaveCallTooltip: "Leave call",
  TaskHeaderStatusAccepted: "Live | {{helper.durationSinceUpdate}}",
});

export const NotificationType = Object.freeze({
  error: "error",
  warning: "warning",
  success: "success",
  information: "information",
});

// ---------------------------------------------------------------------------------------------
// Small utilities

/** A minimal Node-style event emitter. */
export class Emitter {
  constructor() {
    this._listeners = new Map();
  }
  addListener(event, fn) {
    if (typeof fn !== "function") throw new TypeError("listener must be a function");
    const list = this._listeners.get(event) || [];
    list.push(fn);
    this._listeners.set(event, list);
    return this;
  }
  on(event, fn) {
    return this.addListener(event, fn);
  }
  once(event, fn) {
    const wrapper = (...args) => {
      this.removeListener(event, wrapper);
      return fn(...args);
    };
    return this.addListener(event, wrapper);
  }
  removeListener(event, fn) {
    const list = this._listeners.get(event);
    if (list) {
      const i = list.lastIndexOf(fn);
      if (i >= 0) list.splice(i, 1);
    }
    return this;
  }
  off(event, fn) {
    return this.removeListener(event, fn);
  }
  removeAllListeners(event) {
    if (event === undefined) this._listeners.clear();
    else this._listeners.delete(event);
    return this;
  }
  listeners(event) {
    return (this._listeners.get(event) || []).slice();
  }
  listenerCount(event) {
    return (this._listeners.get(event) || []).length;
  }
  emit(event, ...args) {
    const list = this.listeners(event);
    for (const fn of list) {
      try {
        fn(...args);
      } catch (e) {
        console.error(LOG_PREFIX, `listener of "${String(event)}" threw`, e);
      }
    }
    return list.length > 0;
  }
  setMaxListeners() {
    return this;
  }
}

function isPlainObject(v) {
  if (v === null || typeof v !== "object") return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function isTaskLike(v) {
  return v !== null && typeof v === "object" && typeof v.taskSid === "string";
}

function deepEqual(a, b) {
  if (a === b) return true;
  if (isTaskLike(a) && isTaskLike(b)) return a.taskSid === b.taskSid && a.sid === b.sid;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/** Flex's payload matcher: `undefined` matches anything; a function is a predicate; an object
 *  matches when each of its keys matches the other payload's value. */
function payloadMatcher(wanted, action) {
  return (candidate) =>
    wanted === undefined ||
    wanted === candidate ||
    (typeof wanted === "function" && !!wanted(candidate, action)) ||
    (typeof wanted === "object" &&
      wanted !== null &&
      typeof candidate === "object" &&
      candidate !== null &&
      Object.keys(wanted).every((k) => deepEqual(wanted[k], candidate[k])));
}

/** `{{path}}` substitution (Handlebars-like, no helpers). Values are inserted as text. */
export function renderTemplate(source, context) {
  if (typeof source !== "string") return "";
  return source.replace(/\{\{\{?\s*([\w.$]+)\s*\}?\}\}/g, (_, path) => {
    let v = context;
    for (const part of path.split(".")) {
      if (v === null || v === undefined) break;
      v = v[part];
    }
    return v === null || v === undefined ? "" : String(v);
  });
}

function flexError(code, description, extra) {
  const e = new Error(description || code);
  e.code = code;
  e.description = description;
  if (extra) Object.assign(e, extra);
  return e;
}

// ---------------------------------------------------------------------------------------------
// Actions (SPEC §3.7)

export class ActionsImpl {
  constructor() {
    this.actions = new Map();
    this.replacedActions = new Map();
    this.payloadUpdateFunctions = new Map();
    this.pendingInvocations = new Map();
    this.blockedActions = new Map();
    this.emitter = new Emitter();
  }

  registerAction(name, fn, payloadUpdateFn) {
    if (typeof fn !== "function") throw new TypeError(`action ${name} must be a function`);
    this.actions.set(name, fn);
    this.payloadUpdateFunctions.set(name, payloadUpdateFn);
  }

  /** `fn(payload, original)`; the last replacement runs first, `original` is the native action. */
  replaceAction(name, fn) {
    const list = this.replacedActions.get(name);
    if (list) list.push(fn);
    else this.replacedActions.set(name, [fn]);
  }

  addListener(event, fn) {
    this.emitter.addListener(event, fn);
    return this;
  }
  on(event, fn) {
    return this.addListener(event, fn);
  }
  removeListener(event, fn) {
    this.emitter.removeListener(event, fn);
    return this;
  }
  off(event, fn) {
    return this.removeListener(event, fn);
  }
  removeAllListeners(event) {
    this.emitter.removeAllListeners(event);
    return this;
  }

  async invokeAction(name, payload) {
    const action = this.actions.get(name);
    if (!action) {
      throw flexError("ACTION_DOESNT_EXIST", `Action ${name} does not exist!`);
    }
    if (this.findPendingActions(name, payload).first) {
      throw flexError("ACTION_PENDING", `Action ${name} is pending`);
    }
    if (this.findBlockedActions(name, payload).first) {
      throw flexError("ACTION_BLOCKED", `Action ${name} has been blocked`);
    }
    const updater = this.payloadUpdateFunctions.get(name);
    if (updater) payload = updater(payload);
    let aborted = false;
    const abort = () => {
      aborted = true;
    };
    this._registerInvocation(name, payload);
    const before = `before${name}`;
    if (this.emitter.listenerCount(before)) {
      try {
        await this._customEmit(before, payload, abort);
      } catch (e) {
        console.error(LOG_PREFIX, `Error on "${before}":`, e);
      }
    }
    if (aborted) {
      this._unregisterInvocation(name, payload);
      throw new Error(`Action ${name} cancelled by before event`);
    }
    let result;
    try {
      const replaced = this.replacedActions.get(name);
      if (replaced && replaced.length) {
        const run = (i, p) => (i >= 0 ? replaced[i](p, action, (q) => run(i - 1, q)) : action(p));
        result = await run(replaced.length - 1, payload);
      } else {
        result = await action(payload);
      }
    } catch (e) {
      this._unregisterInvocation(name, payload);
      if (e instanceof Error && e.code) throw e; // Flex rethrows its own errors as they are
      const message = typeof e === "string" ? e : (e && e.message) || String(e);
      const wrapped = new Error(message);
      wrapped.description = `Error in action ${name} body: ${message}`;
      wrapped.wrappedError = e;
      throw wrapped;
    }
    try {
      await this._customEmit(`after${name}`, payload);
    } catch (e) {
      console.error(LOG_PREFIX, `Error on after${name}:`, e);
    }
    this._unregisterInvocation(name, payload);
    return result;
  }

  findPendingActions(names, payload) {
    return this._find(this.pendingInvocations, names, payload);
  }
  findBlockedActions(names, payload) {
    return this._find(this.blockedActions, names, payload);
  }
  blockAction(name, payload) {
    this._setBlocked(true, name, payload);
  }
  unblockAction(name, payload) {
    this._setBlocked(false, name, payload);
  }

  _find(map, names, payload) {
    const found = {};
    for (const name of Array.isArray(names) ? names : [names]) {
      const hit = (map.get(name) || []).find((p) => payloadMatcher(payload, name)(p.payload));
      if (hit) {
        found[hit.action] = hit.payload;
        if (!found.first) found.first = hit;
      }
    }
    return found;
  }

  _setBlocked(blocked, name, payload) {
    const list = this.blockedActions.get(name) || [];
    this.blockedActions.set(name, list);
    let changed = false;
    if (blocked) {
      list.push({ action: name, payload });
      changed = true;
    } else {
      const rest = list.filter((p) => !payloadMatcher(payload, name)(p.payload));
      changed = rest.length !== list.length;
      this.blockedActions.set(name, rest);
    }
    if (changed) this._customEmit("actionBlockedChanged", blocked, name, payload);
  }

  _registerInvocation(name, payload) {
    const list = this.pendingInvocations.get(name) || [];
    this.pendingInvocations.set(name, list);
    list.push({ action: name, payload });
    this._customEmit("invocationBegin");
  }

  _unregisterInvocation(name, payload) {
    const list = this.pendingInvocations.get(name) || [];
    const i = list.findIndex((p) => p.action === name && p.payload === payload);
    if (i >= 0) list.splice(i, 1);
    this._customEmit("invocationEnd");
  }

  /** Flex's `customEmit`: every listener at once; async rejections logged; a synchronous throw
   *  propagates (and stops the remaining listeners), as in Flex. */
  _customEmit(event, ...args) {
    const listeners = this.emitter.listeners(event);
    return Promise.all(
      listeners.map((fn) => {
        const r = fn(...args);
        return r && typeof r.catch === "function"
          ? r.catch((e) => console.error(LOG_PREFIX, `Error on ${event}:`, e))
          : r;
      }),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Notifications

export class NotificationManager extends Emitter {
  constructor(getStrings, log) {
    super();
    this.registeredNotifications = new Map();
    this.activeNotifications = [];
    this._getStrings = getStrings;
    this._log = log;
    this._timers = new Map();
    this._seq = 0;
  }

  registerNotification(notification) {
    const n = { ...notification };
    if (!n.id) throw new Error("a notification needs an id");
    if (this.registeredNotifications.get(n.id)) {
      throw flexError("NOTIFICATION_ALREADY_REGISTERED", `Notification ${n.id} is already registered`);
    }
    if (n.timeout === undefined) n.timeout = NotificationManager.defaultTimeout;
    if (n.closeButton === undefined) n.closeButton = true;
    this.registeredNotifications.set(n.id, n);
  }

  /** The text a string `content` renders (a template key into the strings, else the string). */
  textOf(notification) {
    const content = notification.content;
    if (typeof content === "string" || typeof content === "number") {
      const strings = this._getStrings();
      const source = Object.prototype.hasOwnProperty.call(strings, content)
        ? strings[content]
        : String(content);
      return renderTemplate(source, notification.context || {});
    }
    return null;
  }

  showNotification(id, context, dropdownContent) {
    if (typeof id !== "string") {
      console.error(LOG_PREFIX, "Attempting to call showNotification with the id which is not a string");
      return null;
    }
    const registered = this.registeredNotifications.get(id);
    if (!registered) {
      console.warn(
        LOG_PREFIX,
        `Attempting to show a notification that has been deleted or hasn't been registered: ${id}`,
      );
      return null;
    }
    const instance = { ...registered, context, instanceId: `${id}${Date.now()}-${++this._seq}` };
    if (dropdownContent) {
      instance.dropdownContent = dropdownContent.map((d) => ({
        content: (this.registeredNotifications.get(d.id) || {}).content,
        context: d.context,
      }));
    }
    if (typeof instance.isApplicable === "function" && !instance.isApplicable(instance)) return null;
    let cancelled = false;
    for (const fn of this.listeners("beforeAddNotification")) {
      try {
        fn(instance, () => {
          cancelled = true;
        });
      } catch (e) {
        console.error(LOG_PREFIX, "Error from beforeAddNotification:", e);
      }
    }
    if (cancelled) return null;
    this.activeNotifications.push(instance);
    this._log.push({
      id,
      type: instance.type,
      context: context === undefined ? null : context,
      text: this.textOf(instance),
      atMs: Date.now(),
    });
    if (instance.timeout > 0) {
      this._timers.set(
        instance,
        setTimeout(() => this.dismissNotification(instance), instance.timeout),
      );
    }
    this.emit("notificationAdded", instance);
    return instance;
  }

  showNotificationSingle(id) {
    this.dismissNotificationById(id);
    return this.showNotification(id);
  }

  dismissNotification(instance) {
    const i = this.activeNotifications.indexOf(instance);
    if (i < 0) return;
    this.activeNotifications.splice(i, 1);
    clearTimeout(this._timers.get(instance));
    this._timers.delete(instance);
    this.emit("notificationDismissed", instance);
  }

  dismissNotificationById(id) {
    this.activeNotifications.filter((n) => n.id === id).forEach((n) => this.dismissNotification(n));
  }

  dismissAll() {
    this.activeNotifications.slice().forEach((n) => this.dismissNotification(n));
  }

  isNotificationActive(id) {
    return this.activeNotifications.some((n) => n.id === id);
  }

  registerHandler() {}
  toggleNotificationHandler() {}
  isNotificationHandlerEnabled() {
    return true;
  }
}
NotificationManager.defaultTimeout = 8000;

// ---------------------------------------------------------------------------------------------
// Content stores (SPEC §3.6)

export class DynamicContentStore {
  constructor(name, log) {
    this._name = name;
    this.registeredFragments = [];
    this._removeRequests = [];
    this.registeredWrappers = [];
    this._subscribers = new Set();
    this._log = log;
  }
  get name() {
    return this._name;
  }
  get fragments() {
    return this.registeredFragments;
  }
  get removeRequests() {
    return this._removeRequests;
  }

  add(child, options) {
    if (!React.isValidElement(child)) {
      throw flexError("DYNAMIC_CONTENT_STORE_CHILD_INVALID", `Child provided to ${this.name} is not a valid React element`);
    }
    if (child.key === null || child.key === undefined) {
      throw flexError("DYNAMIC_CONTENT_STORE_NO_KEY", `No key prop provided when adding component to ${this.name}`);
    }
    const fragment = { element: child, options: { ...(options || {}) } };
    this.registeredFragments.push(fragment);
    this._record(fragment.options.replace ? "replace" : "add", child.key, fragment.options);
    this._changed();
    return () => {
      this.registeredFragments = this.registeredFragments.filter((f) => f !== fragment);
      this._record("cleanup", child.key, fragment.options);
      this._changed();
    };
  }

  replace(child, options) {
    return this.add(child, { ...(options || {}), replace: true });
  }

  remove(key, options) {
    const request = { key, options: { ...(options || {}) } };
    this._removeRequests.push(request);
    this._record("remove", key, request.options);
    this._changed();
    return () => {
      this._removeRequests = this._removeRequests.filter((r) => r !== request);
      this._record("cleanup-remove", key, request.options);
      this._changed();
    };
  }

  addWrapper(wrapper) {
    this.registeredWrappers.push(wrapper);
  }
  getAllWrappers() {
    return this.registeredWrappers;
  }

  subscribe(fn) {
    this._subscribers.add(fn);
    return () => this._subscribers.delete(fn);
  }

  _record(op, key, options) {
    this._log.push({
      store: this.name,
      op,
      key: key === undefined || key === null ? null : String(key),
      sortOrder: options.sortOrder,
      align: options.align,
      hasIf: typeof options.if === "function",
      atMs: Date.now(),
    });
  }

  _changed() {
    for (const fn of Array.from(this._subscribers)) fn();
  }
}

function cloneElementWithProps(element, props) {
  return React.isValidElement(element) && typeof element.type !== "string"
    ? React.cloneElement(element, { ...props, ...element.props }, element.props.children)
    : element;
}

/** Flex's DynamicComponent `parseFragment`, for one container ("start" or "end"). */
function parseFragments(align, nativeChildren, store, childProps) {
  const list = [];
  let replacement = null;
  let replacedDefault = false;
  const take = (children, opts, withProps) => {
    const items = flatChildren(children).map((node, i) => ({
      sortOrder: opts.sortOrder === undefined ? list.length + i : opts.sortOrder,
      node: withProps && !opts.noChildProps ? cloneElementWithProps(node, childProps) : node,
    }));
    if (opts.replace) {
      replacement = items;
      replacedDefault = replacedDefault || opts.align === undefined;
    } else {
      list.push(...items);
    }
  };
  if (align === "start") take(nativeChildren, {}, false);
  for (const fragment of store.fragments) {
    const opts = fragment.options;
    if (opts.if && !opts.if(childProps)) continue;
    const fragmentAlign = opts.align;
    if (!(fragmentAlign === align || (align === "start" && fragmentAlign === undefined))) continue;
    take([fragment.element], opts, true);
  }
  let items = replacement && replacement.length > 0 ? replacement : list;
  const removals = store.removeRequests.filter((r) => !r.options.if || r.options.if(childProps));
  if (removals.length) {
    items = items.filter(
      (item) =>
        !removals.some((r) => React.isValidElement(item.node) && item.node.key === String(r.key)),
    );
  }
  if (items.some((item) => React.isValidElement(item.node) && (item.node.key === null || item.node.key === undefined))) {
    throw flexError("DYNAMIC_COMPONENT_ELEMENTS_WITHOUT_KEY", `Elements without key in ${store.name}`);
  }
  // Array.prototype.sort is stable (ES2019).
  const sorted = items.slice().sort((a, b) => a.sortOrder - b.sortOrder);
  return { items: sorted.map((item) => item.node), replacedDefault };
}

/** Children as given, without React.Children.toArray's key rewriting; null/false dropped. */
function flatChildren(children) {
  const out = [];
  const walk = (c) => {
    if (c === null || c === undefined || typeof c === "boolean") return;
    if (Array.isArray(c)) c.forEach(walk);
    else out.push(c);
  };
  walk(children);
  return out;
}

function useForceUpdate() {
  const [, set] = React.useState(0);
  return React.useCallback(() => set((n) => n + 1), []);
}

function useStoreVersion(store) {
  const force = useForceUpdate();
  React.useEffect(() => store.subscribe(force), [store, force]);
}

/** Renders a dynamic component: the native children, then the store's fragments. */
function DynamicContent({ store, nativeChildren, childProps, className, vertical }) {
  useStoreVersion(store);
  const start = parseFragments("start", nativeChildren, store, childProps);
  const end = start.replacedDefault ? null : parseFragments("end", nativeChildren, store, childProps);
  const dir = vertical ? " ff-vertical" : "";
  return h(
    "div",
    { className: `Twilio Twilio-${store.name} ff-dynamic${dir} ${className || ""}`.trim() },
    h("div", { key: "start", className: `Twilio-${store.name}-default ff-dyn-start${dir}` }, start.items),
    end && end.items.length
      ? h("div", { key: "end", className: `Twilio-${store.name}-end ff-dyn-end${dir}` }, end.items)
      : null,
  );
}

// ---------------------------------------------------------------------------------------------
// Icons and basic components

const SVG_PROPS = {
  width: 16,
  height: 16,
  viewBox: "0 0 16 16",
  fill: "none",
  stroke: "currentColor",
  strokeWidth: 2,
  strokeLinecap: "round",
  strokeLinejoin: "round",
  "aria-hidden": "true",
};

const ICONS = {
  Add: () => h("svg", SVG_PROPS, h("path", { d: "M8 3v10M3 8h10" })),
  Hold: () =>
    h("svg", SVG_PROPS, h("path", { d: "M5.5 3.5v9M10.5 3.5v9" })),
  HoldOff: () =>
    h("svg", { ...SVG_PROPS, fill: "currentColor" }, h("path", { d: "M5 3.5l7 4.5-7 4.5z" })),
  Hangup: () =>
    h(
      "svg",
      SVG_PROPS,
      h("path", { d: "M2 9.5c3.5-3 8.5-3 12 0l-1.5 2-2.5-1v-2c-1.3-.4-2.7-.4-4 0v2l-2.5 1z", fill: "currentColor", strokeWidth: 1 }),
    ),
  Accept: () => h("svg", SVG_PROPS, h("path", { d: "M3 8.5l3.5 3.5L13 4.5" })),
  Close: () => h("svg", SVG_PROPS, h("path", { d: "M4 4l8 8M12 4l-8 8" })),
  CloseLarge: () => h("svg", SVG_PROPS, h("path", { d: "M3 3l10 10M13 3L3 13" })),
  Mute: () =>
    h("svg", SVG_PROPS, h("rect", { x: 6, y: 2, width: 4, height: 8, rx: 2 }), h("path", { d: "M4 8a4 4 0 008 0M8 12v2" })),
  MuteOff: () =>
    h(
      "svg",
      SVG_PROPS,
      h("rect", { x: 6, y: 2, width: 4, height: 8, rx: 2 }),
      h("path", { d: "M4 8a4 4 0 008 0M8 12v2M2.5 2.5l11 11" }),
    ),
};

function Icon({ icon }) {
  if (React.isValidElement(icon)) return icon;
  const draw = ICONS[icon];
  return h("span", { className: "ff-icon", "data-icon": icon }, draw ? draw() : String(icon || "?"));
}

const VARIANTS = new Set(["primary", "secondary", "destructive", "link"]);

export function IconButton(props) {
  const { icon, title, variant, className, size, themeOverride, children, type, ...rest } = props;
  const v = VARIANTS.has(variant) ? variant : "secondary";
  const label = rest["aria-label"] || (typeof title === "string" ? title : undefined);
  return h(
    "button",
    {
      type: type || "button",
      title: typeof title === "string" ? title : undefined,
      "aria-label": label,
      ...rest,
      className: `Twilio-IconButton ff-icon-button ff-${v} ${className || ""}`.trim(),
    },
    h(Icon, { icon }),
    children,
  );
}

export function Button(props) {
  const { variant, className, type, children, themeOverride, size, ...rest } = props;
  const v = VARIANTS.has(variant) ? variant : "secondary";
  return h(
    "button",
    { type: type || "button", ...rest, className: `Twilio-Button ff-button ff-${v} ${className || ""}`.trim() },
    children,
  );
}

function useActionPending(actions, names, payloadMatch) {
  const force = useForceUpdate();
  React.useEffect(() => {
    actions.addListener("invocationBegin", force);
    actions.addListener("invocationEnd", force);
    actions.addListener("actionBlockedChanged", force);
    return () => {
      actions.removeListener("invocationBegin", force);
      actions.removeListener("invocationEnd", force);
      actions.removeListener("actionBlockedChanged", force);
    };
  }, [actions, force]);
  return (
    !!actions.findPendingActions(names, payloadMatch).first ||
    !!actions.findBlockedActions(names, payloadMatch).first
  );
}

function tryInvoke(actions, name, payload) {
  return actions.invokeAction(name, payload).catch((e) => {
    console.warn(LOG_PREFIX, `${name} failed:`, e && e.message);
  });
}

// ---------------------------------------------------------------------------------------------
// The fake

/**
 * Builds a fake Flex 2.17 runtime fed by the sim.
 *
 * @param {object} options
 * @param {string} [options.simUrl] base URL of the sim (default: this page's origin)
 * @param {string} options.taskSid the call's task SID (`WT…`)
 * @param {{sid: string, name?: string}} options.worker the logged-in worker
 * @param {string} [options.agentCallSid] the worker's own call leg (default: found in the snapshot)
 * @param {string} [options.customerCallSid] the customer's leg (default: found in the snapshot)
 * @param {string} [options.token="sim-token"] the Flex token
 * @param {object} [options.configuration] `ui_attributes` (with `custom_data`)
 * @param {object} [options.serviceConfiguration]
 * @param {object} [options.workerAttributes]
 * @param {{features?: object, localOverrides?: object}} [options.featureFlags]
 * @param {boolean} [options.retypeHeldUnknown=false] show a held `unknown` leg as `customer`
 * @param {boolean} [options.listMode=false] participants as list items instead of tiles
 * @param {number} [options.recentlyLeftMs=3000]
 * @param {number} [options.notificationDefaultTimeout=8000] Flex's default; 0 = stay
 * @param {boolean} [options.installGlobal=true] set `window.Twilio.Flex`
 * @param {boolean} [options.autoStart=true] start the long poll now
 */
export function createFakeFlex(options = {}) {
  const simUrl = (options.simUrl || window.location.origin).replace(/\/$/, "");
  const taskSid = options.taskSid;
  if (!taskSid) throw new Error("createFakeFlex: options.taskSid is required");
  const worker = options.worker || {};
  if (!worker.sid) throw new Error("createFakeFlex: options.worker.sid is required");
  const workerName = worker.name || worker.sid;
  const recentlyLeftMs = options.recentlyLeftMs ?? RECENTLY_LEFT_MS;
  const configuration = options.configuration || {};
  const serviceConfiguration = options.serviceConfiguration || {};
  const workerAttributes = {
    full_name: workerName,
    contact_uri: `client:${workerName}`,
    ...(options.workerAttributes || {}),
  };
  const featureFlags = {
    features: { ...((options.featureFlags && options.featureFlags.features) || {}) },
    localOverrides: { ...((options.featureFlags && options.featureFlags.localOverrides) || {}) },
  };
  let retypeHeldUnknown = !!options.retypeHeldUnknown;
  let agentCallSid = options.agentCallSid || null;
  let customerCallSid = options.customerCallSid || null;

  const nativeLog = [];
  const notificationLog = [];
  const contentLog = [];
  const snapshotLog = [];

  // ---- strings and templates
  const strings = { ...DEFAULT_STRINGS };
  const templates = new Proxy(
    {},
    {
      get(_, key) {
        if (typeof key !== "string") return undefined;
        const compiled = (context) => renderTemplate(strings[key] ?? key, context || {});
        compiled.toString = () => strings[key] ?? key;
        return compiled;
      },
      has(_, key) {
        return Object.prototype.hasOwnProperty.call(strings, key);
      },
      ownKeys() {
        return Reflect.ownKeys(strings);
      },
      getOwnPropertyDescriptor(_, key) {
        return Object.prototype.hasOwnProperty.call(strings, key)
          ? { configurable: true, enumerable: true, value: templates[key] }
          : undefined;
      },
    },
  );

  // ---- Redux store
  const Redux = window.Redux;
  const initialFlexState = {
    worker: {
      worker: { sid: worker.sid, fullName: workerName, name: workerName, attributes: workerAttributes },
      attributes: workerAttributes,
      tasks: new Map(),
      activity: { name: "Available", available: true },
    },
    conferences: { states: new Map() },
    participants: { bySid: {}, byCallSid: {}, sids: [] },
    view: { activeView: "agent-desktop", componentViewStates: {}, participantsListMode: !!options.listMode },
    session: {
      ssoTokenPayload: {
        token: options.token || "sim-token",
        identity: workerName,
        roles: ["agent"],
        expiration: new Date(Date.now() + 3600_000).toISOString(),
        flexUserSid: "FU" + worker.sid.slice(2),
      },
      identity: workerName,
      isLoggedIn: true,
    },
    featureFlags,
    config: { ...configuration },
    phone: { isMuted: false, connection: null },
  };

  function flexReducer(state = initialFlexState, action) {
    switch (action.type) {
      case "FAKE_FLEX/TASK": {
        const tasks = new Map(state.worker.tasks);
        tasks.set(action.task.sid, action.task);
        const states = new Map(state.conferences.states);
        if (action.task.conference) states.set(action.task.taskSid, { source: action.task.conference });
        return {
          ...state,
          worker: { ...state.worker, tasks },
          conferences: { ...state.conferences, states },
          participants: action.participants || state.participants,
        };
      }
      case "FAKE_FLEX/COMPONENT_STATE": {
        const prev = state.view.componentViewStates[action.name] || {};
        return {
          ...state,
          view: {
            ...state.view,
            componentViewStates: {
              ...state.view.componentViewStates,
              [action.name]: { ...prev, ...action.state },
            },
          },
        };
      }
      case "FAKE_FLEX/VIEW":
        return { ...state, view: { ...state.view, ...action.view } };
      case "FAKE_FLEX/TOKEN":
        return {
          ...state,
          session: { ...state.session, ssoTokenPayload: { ...state.session.ssoTokenPayload, token: action.token } },
        };
      case "FAKE_FLEX/PHONE":
        return { ...state, phone: { ...state.phone, ...action.phone } };
      case "FAKE_FLEX/FEATURE_FLAGS":
        return { ...state, featureFlags: action.featureFlags };
      default:
        return state;
    }
  }

  const reducers = { flex: flexReducer };
  const store = Redux.createStore(Redux.combineReducers(reducers));
  store.addReducer = (namespace, reducer) => {
    if (namespace === "flex") throw new Error('addReducer: "flex" is reserved');
    reducers[namespace] = reducer;
    store.replaceReducer(Redux.combineReducers(reducers));
  };
  const flexState = () => store.getState().flex;

  // ---- manager
  const events = new Emitter();
  const Notifications = new NotificationManager(() => strings, notificationLog);
  if (options.notificationDefaultTimeout !== undefined) {
    NotificationManager.defaultTimeout = options.notificationDefaultTimeout;
  }
  const manager = {
    store,
    strings,
    events,
    configuration,
    serviceConfiguration,
    user: {
      token: initialFlexState.session.ssoTokenPayload.token,
      identity: workerName,
      roles: ["agent"],
      tokenExpirationDate: initialFlexState.session.ssoTokenPayload.expiration,
      permissions: [],
    },
    workerClient: { sid: worker.sid, name: workerName, attributes: workerAttributes, activity: { name: "Available" } },
    voiceClient: null,
    conversationsClient: null,
    updateConfig(partial) {
      Object.assign(configuration, partial);
    },
  };

  // ---- TaskHelper / StateHelper (SPEC §3.9)
  const isVoiceTask = (task) => !!task && task.taskChannelUniqueName === "voice";
  const TaskHelper = {
    isVoiceTask,
    isCallTask: isVoiceTask,
    isLiveCall: (task) => isVoiceTask(task) && task.status === "accepted",
    isTaskAccepted: (task) => !!task && task.status === "accepted",
    isInWrapupMode: (task) => !!task && task.status === "wrapping",
    isCompleted: (task) => !!task && task.status === "completed",
    isPending: (task) => !!task && task.status === "pending",
    isTaskAssignedToCurrentWorker: (task) =>
      !!task && (task.workerSid === undefined || task.workerSid === flexState().worker.worker.sid),
    isCurrentWorkerOnHold(task) {
      const me = task && task.conference && task.conference.participants.find((p) => p.isCurrentWorker && p.status === "joined");
      return !!me && !!me.onHold;
    },
    canHold(task, _unused, assumeLive) {
      return (
        (assumeLive || TaskHelper.isLiveCall(task)) &&
        TaskHelper.isTaskAssignedToCurrentWorker(task) &&
        !TaskHelper.isCurrentWorkerOnHold(task) &&
        !(task.outgoingTransferObject && task.outgoingTransferObject.status === "initiated")
      );
    },
    canTransfer(task) {
      return TaskHelper.canHold(task);
    },
    isCallOnHold(task, assumeLive) {
      if (!assumeLive && !TaskHelper.isLiveCall(task)) return false;
      return !!(task.conference && task.conference.participants.some((p) => p.participantType === "customer" && p.onHold));
    },
    isGroupCall(task) {
      return !!(task && task.conference && task.conference.liveParticipantCount > 2);
    },
    getTaskByTaskSid(reservationSid) {
      return flexState().worker.tasks.get(reservationSid);
    },
  };
  const StateHelper = {
    getTaskByTaskrouterTaskSid(sid) {
      for (const t of flexState().worker.tasks.values()) if (t.taskSid === sid) return t;
      return undefined;
    },
    getConferenceStateByTaskSid(sid) {
      return flexState().conferences.states.get(sid);
    },
    getCurrentPhoneCallState() {
      const t = StateHelper.getTaskByTaskrouterTaskSid(taskSid);
      return t && TaskHelper.isLiveCall(t) ? { source: { parameters: { CallSid: agentCallSid } } } : null;
    },
  };

  // ---- sim HTTP
  async function simFetch(method, path, body) {
    const res = await fetch(simUrl + path, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = { raw: text };
    }
    if (!res.ok) {
      const e = new Error((json && json.error) || `sim ${method} ${path}: ${res.status}`);
      e.status = res.status;
      throw e;
    }
    return json;
  }

  // ---- the task feed and the §3.11 bridge
  let lastSnapshot = null;
  let lastVersion = null;
  const seenJoined = new Set();
  const leftAt = new Map();
  const leftTimers = new Map();
  let stopped = options.autoStart === false;
  let pollAbort = null;
  let pollGeneration = 0;
  let readyResolve;
  const ready = new Promise((r) => {
    readyResolve = r;
  });
  const taskWaiters = new Set();

  function fullNameOf(p) {
    if (p.workerSid === worker.sid) return workerName;
    const to = (p.mediaProperties && p.mediaProperties.to) || "";
    if (to.startsWith("client:") && to.slice(7) !== p.workerSid) return to.slice(7);
    return p.workerSid;
  }

  function buildTask(snap) {
    const now = Date.now();
    const rawParticipants = (snap.conference && snap.conference.participants) || [];
    for (const p of rawParticipants) {
      if (!p.callSid) continue;
      if (p.status === "joined") seenJoined.add(p.callSid);
      else if (p.status === "left" && seenJoined.has(p.callSid) && !leftAt.has(p.callSid)) {
        leftAt.set(p.callSid, now);
        leftTimers.set(
          p.callSid,
          setTimeout(() => {
            leftTimers.delete(p.callSid);
            if (!stopped && lastSnapshot) publish(lastSnapshot);
          }, recentlyLeftMs + 5),
        );
      }
      if (!customerCallSid && p.participantType === "customer" && !p.onHold) customerCallSid = p.callSid;
      if (!agentCallSid && p.participantType === "worker" && p.workerSid === worker.sid) agentCallSid = p.callSid;
    }
    const participants = rawParticipants.map((raw) => {
      let status = raw.status;
      if (status === "left" && leftAt.has(raw.callSid) && now - leftAt.get(raw.callSid) < recentlyLeftMs) {
        status = "recently_left";
      }
      let participantType = raw.participantType;
      if (retypeHeldUnknown && participantType === "unknown" && raw.onHold) participantType = "customer";
      const p = {
        ...raw,
        participantType,
        status,
        onHold: !!raw.onHold,
        muted: !!raw.muted,
        isCurrentWorker: !!raw.workerSid && raw.workerSid === worker.sid,
        connecting: !!raw.connecting,
        mediaProperties: { ...(raw.mediaProperties || {}), ...(status === "left" ? { status: "left" } : {}) },
      };
      if (participantType === "worker" || participantType === "transfer") {
        p.worker = { sid: raw.workerSid, fullName: fullNameOf(raw), attributes: {} };
      }
      if (!p.participantSid) delete p.participantSid;
      if (!p.phoneNumber) delete p.phoneNumber;
      if (!p.workerSid) delete p.workerSid;
      return p;
    });
    const live = participants.filter((p) => p.status === "joined");
    let sawMe = false;
    const liveParticipantCount = live.filter((p) => {
      if (p.participantType === "transfer") return false;
      if (p.isCurrentWorker) {
        if (sawMe) return false;
        sawMe = true;
      }
      return true;
    }).length;
    const liveWorkers = live.filter((p) => p.participantType === "worker");
    const conf = snap.conference
      ? {
          sid: snap.conference.sid,
          conferenceSid: snap.conference.conferenceSid,
          status: snap.conference.status,
          participants,
          liveParticipantCount,
          liveWorkerCount: liveWorkers.length,
          liveWorkers,
          source: {
            sid: snap.conference.conferenceSid,
            friendlyName: snap.conference.sid,
            status: snap.conference.status,
            participants: rawParticipants.map((p) => ({ ...p })),
          },
        }
      : undefined;
    const attributes = {
      ...(snap.attributes || {}),
      name: (snap.attributes && (snap.attributes.name || snap.attributes.from)) || undefined,
      direction: "inbound",
      conference: {
        ...((snap.attributes && snap.attributes.conference) || {}),
        participants: { customer: customerCallSid, worker: agentCallSid },
      },
    };
    const task = Object.create(taskMethods);
    Object.assign(task, {
      taskSid: snap.taskSid,
      sid: snap.sid,
      status: snap.status,
      taskStatus: snap.status === "accepted" ? "assigned" : "wrapping",
      taskChannelUniqueName: "voice",
      channelType: "voice",
      taskChannelSid: "TC" + "0".repeat(32),
      workerSid: worker.sid,
      queueName: "Everyone",
      age: 0,
      priority: 0,
      defaultFrom: attributes.from,
      attributes,
      conference: conf,
      outgoingTransferObject: undefined,
      incomingTransferObject: undefined,
      version: snap.version,
    });
    return task;
  }

  function participantsSlice(task) {
    const bySid = {};
    const byCallSid = {};
    for (const p of (task.conference && task.conference.participants) || []) {
      if (p.participantSid) {
        const entry = { sid: p.participantSid, type: "external", callSid: p.callSid, taskSid: task.taskSid, status: p.status };
        bySid[p.participantSid] = entry;
        byCallSid[p.callSid] = entry;
      }
    }
    return { bySid, byCallSid, sids: Object.keys(bySid) };
  }

  function publish(snap) {
    const task = buildTask(snap);
    store.dispatch({ type: "FAKE_FLEX/TASK", task, participants: participantsSlice(task) });
    for (const w of Array.from(taskWaiters)) w(task);
    return task;
  }

  async function pollLoop() {
    const generation = ++pollGeneration;
    const live = () => !stopped && generation === pollGeneration;
    let backoff = 250;
    while (live()) {
      pollAbort = new AbortController();
      const q = new URLSearchParams({ worker: worker.sid });
      if (lastVersion !== null) {
        q.set("since", String(lastVersion));
        q.set("waitMs", String(LONG_POLL_WAIT_MS));
      }
      try {
        const res = await fetch(`${simUrl}/sim/tasks/${encodeURIComponent(taskSid)}?${q}`, {
          signal: pollAbort.signal,
          cache: "no-store",
        });
        if (!res.ok) throw new Error(`task poll: HTTP ${res.status}`);
        const snap = await res.json();
        backoff = 250;
        if (!live()) break;
        if (lastVersion === null || snap.version !== lastVersion) {
          lastVersion = snap.version;
          lastSnapshot = snap;
          snapshotLog.push({ version: snap.version, atMs: Date.now() });
          if (snapshotLog.length > 200) snapshotLog.shift();
          publish(snap);
          readyResolve();
        }
      } catch (e) {
        if (!live()) break;
        console.warn(LOG_PREFIX, "task poll failed, retrying:", e && e.message);
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 4000);
      }
    }
  }

  function currentTask() {
    return StateHelper.getTaskByTaskrouterTaskSid(taskSid);
  }

  // ---- ITask methods (Flex's TaskImpl routing, SPEC §3.8)
  function liveLeg(task, pred) {
    return ((task && task.conference && task.conference.participants) || []).find(
      (p) => p.status === "joined" && pred(p),
    );
  }

  async function legOp(entry, callSid, op, body) {
    entry.callSid = callSid;
    entry.op = op;
    try {
      const r = await simFetch("POST", `/sim/legs/${encodeURIComponent(callSid)}/${op}`, body);
      entry.ok = true;
      return r;
    } catch (e) {
      entry.ok = false;
      entry.error = e.message;
      throw e;
    }
  }

  function logNative(action, payload, routedTo) {
    const entry = {
      action,
      targetSid: payload && payload.targetSid,
      participantCallSid: payload && payload.participantCallSid,
      participantType: payload && payload.participantType,
      routedTo,
      callSid: null,
      op: null,
      ok: null,
      atMs: Date.now(),
    };
    nativeLog.push(entry);
    return entry;
  }

  function customerLeg(task) {
    const bySid = customerCallSid && liveLeg(task, (p) => p.callSid === customerCallSid);
    return bySid || liveLeg(task, (p) => p.participantType === "customer");
  }

  /** Flex's routing of `task.holdParticipant(targetSid)` / `unholdParticipant`. */
  function routeParticipantTarget(task, targetSid) {
    const ext = flexState().participants.bySid[targetSid];
    if (ext && ext.type === "external") {
      const leg = liveLeg(task, (p) => p.participantSid === targetSid);
      return { kind: "external", leg };
    }
    const w = liveLeg(task, (p) => p.workerSid === targetSid);
    if (w && w.participantType === "worker") return { kind: "worker", leg: w };
    return { kind: "customer", leg: customerLeg(task) };
  }

  async function holdRouted(action, payload, hold) {
    const task = payload.task;
    const route = routeParticipantTarget(task, payload.targetSid);
    const entry = logNative(action, payload, route.kind);
    if (!route.leg) {
      entry.ok = false;
      entry.error = `no live ${route.kind} leg`;
      throw new Error(`Could not ${hold ? "hold" : "unhold"} participant: no live ${route.kind} leg`);
    }
    return legOp(entry, route.leg.callSid, hold ? "hold" : "unhold");
  }

  async function holdCustomer(action, payload, hold) {
    const entry = logNative(action, payload, "customer");
    const leg = customerLeg(payload.task);
    if (!leg) {
      entry.ok = false;
      entry.error = "no live customer leg";
      throw new Error(`Error ${hold ? "holding" : "unholding"} call: no live customer leg`);
    }
    return legOp(entry, leg.callSid, hold ? "hold" : "unhold");
  }

  const taskMethods = {
    hold() {
      return holdCustomer("task.hold", { task: this }, true);
    },
    unhold() {
      return holdCustomer("task.unhold", { task: this }, false);
    },
    holdParticipant(targetSid) {
      return holdRouted("task.holdParticipant", { task: this, targetSid }, true);
    },
    unholdParticipant(targetSid) {
      return holdRouted("task.unholdParticipant", { task: this, targetSid }, false);
    },
    kick(targetSid) {
      return kickRouted("task.kick", { task: this, targetSid });
    },
    async setEndConferenceOnExit(participantSid, value) {
      const leg = liveLeg(this, (p) => p.participantSid === participantSid);
      if (!leg) throw new Error(`no native external participant ${participantSid}`);
      const entry = logNative("task.setEndConferenceOnExit", { targetSid: participantSid }, "external");
      return legOp(entry, leg.callSid, "ecoe", { value: !!value });
    },
    async endConference() {
      const entry = logNative("task.endConference", {}, "conference");
      const sid = this.conference && this.conference.conferenceSid;
      entry.op = "complete";
      try {
        const r = await simFetch("POST", `/sim/conferences/${encodeURIComponent(sid)}/complete`);
        entry.ok = true;
        return r;
      } catch (e) {
        entry.ok = false;
        entry.error = e.message;
        throw e;
      }
    },
    async addVoiceParticipant(to, kind = "unknown") {
      const sid = this.conference && this.conference.conferenceSid;
      return simFetch("POST", `/sim/conferences/${encodeURIComponent(sid)}/legs`, {
        kind,
        to,
        status: "ringing",
      });
    },
  };

  async function kickRouted(action, payload) {
    const task = payload.task;
    const targetSid = payload.targetSid;
    const ext = targetSid && flexState().participants.bySid[targetSid];
    let route = null;
    if (ext && ext.type === "external") {
      route = { kind: "external", leg: liveLeg(task, (p) => p.participantSid === targetSid) || { callSid: ext.callSid } };
    } else {
      const w = targetSid && liveLeg(task, (p) => p.workerSid === targetSid && p.participantType === "worker");
      if (w) route = { kind: "worker", leg: w };
    }
    const entry = logNative(action, payload, route ? route.kind : "taskrouter");
    if (!route) {
      entry.ok = false;
      entry.error = "TaskRouter kick: not a worker of this task";
      throw flexError(
        "TASKROUTER_KICK_FAILED",
        `Could not kick participant ${targetSid}: TaskRouter error 20001 (worker not found on this task's conference)`,
      );
    }
    return legOp(entry, route.leg.callSid, "kick");
  }

  // ---- Actions and native actions
  const Actions = new ActionsImpl();
  const requireTask = (payload, context) => {
    if (!payload || !payload.task) throw flexError("NO_TASK_IN_PAYLOAD", `${context}: no task in payload`);
    return payload.task;
  };
  const updateVoicePayload = (payload) => {
    const p = { ...(payload || {}) };
    if (!p.task && p.sid) p.task = TaskHelper.getTaskByTaskSid(p.sid) || StateHelper.getTaskByTaskrouterTaskSid(p.sid);
    return p;
  };
  const updateParticipantPayload = (payload) => {
    const p = updateVoicePayload(payload);
    if (p.task && p.targetSid && !p.participant) {
      const conf = flexState().conferences.states.get(p.task.taskSid);
      const match = conf && conf.source.participants.find((x) => x.workerSid === p.targetSid);
      if (match) p.participant = match;
    }
    return p;
  };

  // Flex's four hold actions: each refuses unless `TaskHelper.canHold(task)` (unhold of a
  // participant also accepts the current worker's own SID), then routes (SPEC §3.8).
  const holdActions = [
    ["HoldParticipant", "CANT_HOLD_PARTICIPANT", true, holdRouted, updateParticipantPayload],
    ["UnholdParticipant", "CANT_UNHOLD_PARTICIPANT", false, holdRouted, updateParticipantPayload],
    ["HoldCall", "CANT_HOLD_CALL", true, holdCustomer, updateVoicePayload],
    ["UnholdCall", "CANT_UNHOLD_CALL", false, holdCustomer, updateVoicePayload],
  ];
  for (const [name, code, hold, route, updater] of holdActions) {
    Actions.registerAction(
      name,
      async (payload) => {
        const task = payload.task;
        const ownUnhold = name === "UnholdParticipant" && payload.targetSid === flexState().worker.worker.sid;
        if (!task || (!TaskHelper.canHold(task) && !ownUnhold)) {
          logNative(name, payload, "refused").ok = false;
          throw flexError(code, `Can't ${hold ? "hold" : "unhold"}: the task is not a live call of this worker`);
        }
        return route(name, payload, hold);
      },
      updater,
    );
  }
  Actions.registerAction(
    "KickParticipant",
    async (payload) => {
      requireTask(payload, "KickParticipant");
      return kickRouted("KickParticipant", payload);
    },
    updateVoicePayload,
  );
  Actions.registerAction(
    "HangupCall",
    async (payload) => {
      const task = requireTask(payload, "HangupCall");
      const me = liveLeg(task, (p) => p.isCurrentWorker);
      const callSid = agentCallSid || (me && me.callSid);
      if (!me || !callSid) {
        logNative("HangupCall", payload, "refused").ok = false;
        throw flexError("NO_ACTIVE_CALL", "HangupCall: no active call");
      }
      // SPEC §3.4: with native XWT, Flex first sets ECOE=true on participants with a participantSid.
      if (xwtEnabled()) {
        const parts = task.conference.participants.filter((p) => p.status === "joined");
        const workers = parts.filter((p) => p.participantType === "worker").length;
        const others = parts.filter((p) => p.participantType === "customer" || p.participantType === "unknown" || p.participantType === "external").length;
        if (workers >= 1 && others > 1) {
          for (const p of parts.filter((x) => x.participantSid)) {
            const e = logNative("HangupCall.setEndConferenceOnExit", { targetSid: p.participantSid }, "external");
            await legOp(e, p.callSid, "ecoe", { value: true }).catch(() => {});
          }
        }
      }
      const entry = logNative("HangupCall", payload, "agent");
      return legOp(entry, callSid, "hangup");
    },
    updateVoicePayload,
  );
  Actions.registerAction("ToggleMute", async (payload) => {
    const muted = payload && typeof payload.muted === "boolean" ? payload.muted : !flexState().phone.isMuted;
    store.dispatch({ type: "FAKE_FLEX/PHONE", phone: { isMuted: muted } });
    logNative("ToggleMute", payload || {}, "local").ok = true;
  });
  Actions.registerAction("SetComponentState", async (payload) => {
    if (!payload || !payload.name) throw flexError("INVALID_PAYLOAD", "SetComponentState needs a name");
    store.dispatch({ type: "FAKE_FLEX/COMPONENT_STATE", name: payload.name, state: payload.state || {} });
  });
  Actions.registerAction("NavigateToView", async (payload) => {
    store.dispatch({ type: "FAKE_FLEX/VIEW", view: { activeView: payload && payload.viewName } });
  });
  Actions.registerAction("WrapupTask", async () => {});
  Actions.registerAction("CompleteTask", async () => {});

  function xwtEnabled() {
    const ff = flexState().featureFlags;
    const o = ff.localOverrides && ff.localOverrides["external-warm-transfers"];
    if (o && o.enabled !== undefined) return !!o.enabled;
    return !!(ff.features && ff.features["external-warm-transfers"] && ff.features["external-warm-transfers"].enabled === true);
  }

  if (xwtEnabled()) {
    // Native external warm transfer (exists only with the flag on): a ringing `external` leg.
    Actions.registerAction(
      "StartExternalWarmTransfer",
      async (payload) => {
        const task = requireTask(payload, "StartExternalWarmTransfer");
        const sid = task.conference && task.conference.conferenceSid;
        const entry = logNative("StartExternalWarmTransfer", payload, "external");
        entry.op = "add-external";
        try {
          const r = await simFetch("POST", `/sim/conferences/${encodeURIComponent(sid)}/legs`, {
            kind: "external",
            to: payload.phoneNumber,
            from: payload.callerId,
            status: "ringing",
            endConferenceOnExit: false,
          });
          entry.ok = true;
          entry.callSid = r.callSid;
          return r;
        } catch (e) {
          entry.ok = false;
          entry.error = e.message;
          throw e;
        }
      },
      updateVoicePayload,
    );
  }

  // ---- programmable components
  /** A store selector that needs no react-redux Provider. */
  function useFlexState(selector) {
    const force = useForceUpdate();
    const value = selector(store.getState());
    const latest = React.useRef(value);
    latest.current = value;
    React.useEffect(
      () =>
        store.subscribe(() => {
          if (selector(store.getState()) !== latest.current) force();
        }),
      // eslint-disable-next-line react-hooks/exhaustive-deps
      [force],
    );
    return value;
  }

  const stores = {};
  const makeStore = (name) => (stores[name] = new DynamicContentStore(name, contentLog));

  /** Initials for a name; a person glyph for phone numbers, addresses and empty names. */
  function avatarContent(name) {
    const s = String(name || "").trim();
    if (!s || !/^[A-Za-z]/.test(s) || /^(sip|client|app):/i.test(s)) {
      return h(
        "svg",
        { ...SVG_PROPS, width: 22, height: 22, strokeWidth: 1.6 },
        h("circle", { cx: 8, cy: 5.5, r: 3 }),
        h("path", { d: "M2.5 14c.6-3 2.8-4.5 5.5-4.5s4.9 1.5 5.5 4.5" }),
      );
    }
    const parts = s.split(/\s+/);
    return (parts[0][0] + (parts[1] ? parts[1][0] : "")).toUpperCase();
  }

  function customerName(task) {
    const a = (task && task.attributes) || {};
    return a.outbound_to || a.name || a.from || "Customer";
  }

  function CallCanvas(props) {
    const { task } = props;
    const childProps = { ...props };
    delete childProps.children;
    const conf = task && task.conference;
    const me = conf && conf.participants.find((p) => p.isCurrentWorker && p.status === "joined");
    const statusText = !task
      ? "No task"
      : task.status === "accepted"
        ? me && me.onHold
          ? "You are on hold"
          : TaskHelper.isCallOnHold(task)
            ? "Customer on hold"
            : "Live call"
        : task.status === "wrapping"
          ? "Wrap up"
          : task.status;
    const native = [
      h(
        "div",
        { key: "container", className: "CallCanvas-container ff-call-container", "data-testid": "call-canvas-container" },
        h("div", { className: "ff-avatar ff-avatar-large" }, avatarContent(customerName(task))),
        h("div", { className: "ff-call-name" }, customerName(task)),
        h("div", { className: "ff-call-status", "data-testid": "call-status" }, statusText),
        conf ? h("div", { className: "ff-call-meta" }, `${conf.liveParticipantCount} live · conference ${conf.status}`) : null,
      ),
    ];
    return h(DynamicContent, {
      store: CallCanvas.Content,
      nativeChildren: native,
      childProps,
      className: "CallCanvas ff-call-canvas",
      vertical: true,
    });
  }
  CallCanvas.displayName = "CallCanvas";
  CallCanvas.Content = makeStore("CallCanvas");

  function CallCanvasActions(props) {
    const { task } = props;
    const childProps = { ...props };
    delete childProps.children;
    const isMuted = useFlexState((s) => s.flex.phone.isMuted);
    const onHold = !!task && TaskHelper.isCallOnHold(task);
    const holdPending = useActionPending(Actions, ["HoldCall", "UnholdCall"], task ? { task } : undefined);
    const hangPending = useActionPending(Actions, "HangupCall", task ? { task } : undefined);
    const live = !!task && TaskHelper.isLiveCall(task);
    const group = !!task && TaskHelper.isGroupCall(task);
    const customer = task && customerLeg(task);
    const native = [
      h(IconButton, {
        key: "hold",
        icon: onHold ? "HoldOff" : "Hold",
        title: onHold ? templates.UnholdCallTooltip() : templates.HoldCallTooltip(),
        "data-testid": "native-hold",
        className: "CallCanvasActions-hold",
        variant: "secondary",
        disabled: !task || !TaskHelper.canHold(task) || holdPending,
        onClick: () =>
          tryInvoke(Actions, onHold ? "UnholdCall" : "HoldCall", {
            task,
            participantCallSid: customer && customer.callSid,
          }),
      }),
      h(IconButton, {
        key: "toggleMute",
        icon: isMuted ? "MuteOff" : "Mute",
        title: isMuted ? templates.UnmuteCallTooltip() : templates.MuteCallTooltip(),
        "data-testid": "native-mute",
        "aria-pressed": isMuted,
        variant: "secondary",
        disabled: !live,
        onClick: () => tryInvoke(Actions, "ToggleMute"),
      }),
      h(IconButton, {
        key: "hangup",
        icon: "Hangup",
        title: group ? templates.LeaveCallTooltip() : templates.HangupCallTooltip(),
        "data-testid": "native-hangup",
        className: "CallCanvasActions-hangup",
        variant: "destructive",
        disabled: !live || hangPending,
        onClick: () => tryInvoke(Actions, "HangupCall", { task }),
      }),
    ];
    return h(DynamicContent, {
      store: CallCanvasActions.Content,
      nativeChildren: native,
      childProps,
      className: "CallCanvasActions ff-call-actions",
    });
  }
  CallCanvasActions.displayName = "CallCanvasActions";
  CallCanvasActions.Content = makeStore("CallCanvasActions");


  function nativeParticipantName(participant, task) {
    switch (participant.participantType) {
      case "customer":
        return customerName(task);
      case "worker":
      case "transfer":
        return (participant.worker && participant.worker.fullName) || "";
      case "external":
        return participant.phoneNumber || "";
      default:
        return ""; // Flex shows no name for `unknown` legs.
    }
  }

  function nativeStatusText(participant, kickConfirm) {
    let s = templates.CallParticipantStatusLive();
    if (participant.onHold) s = templates.CallParticipantStatusOnHold();
    if (participant.status === "recently_left") {
      s = participant.participantType === "transfer"
        ? templates.CallParticipantStatusTransferFailed()
        : templates.CallParticipantStatusLeft();
    }
    if (participant.connecting) s = templates.CallParticipantStatusConnecting();
    if (kickConfirm) s = templates.CallParticipantStatusKickConfirmation();
    return s;
  }

  function ParticipantActions({ participant, task, kickConfirm, setKickConfirm, childProps }) {
    const holdNames = participant.participantType === "worker" || participant.participantType === "external"
      ? ["HoldParticipant", "UnholdParticipant"]
      : ["HoldCall", "UnholdCall"];
    const holdPending = useActionPending(Actions, holdNames, task ? { task } : undefined);
    const kickPending = useActionPending(Actions, "KickParticipant", task ? { task } : undefined);
    let native;
    if (kickConfirm) {
      native = [
        h(IconButton, {
          key: "accept-kick",
          icon: "Accept",
          variant: "destructive",
          className: "ParticipantCanvas-AcceptAction",
          title: templates.CallParticipantStatusKickConfirmation(),
          "data-testid": "native-participant-kick-accept",
          onClick: () => {
            tryInvoke(Actions, "KickParticipant", {
              task,
              targetSid: participant.participantType === "external" ? participant.participantSid : participant.workerSid,
            });
            setKickConfirm(false);
          },
        }),
        h(IconButton, {
          key: "cancel-kick",
          icon: "Close",
          variant: "secondary",
          className: "ParticipantCanvas-DeclineAction",
          title: templates.CallParticipantStatusKickCancellation(),
          "data-testid": "native-participant-kick-cancel",
          onClick: () => setKickConfirm(false),
        }),
      ];
    } else if (participant.connecting && (participant.participantType === "transfer" || participant.participantType === "external")) {
      native = [
        h(IconButton, {
          key: "cancel-transfer",
          icon: "CloseLarge",
          variant: "destructive",
          className: "ParticipantCanvas-CancelButton",
          title: "Cancel transfer",
          "data-testid": "native-participant-cancel-transfer",
          onClick: () =>
            participant.participantType === "external"
              ? tryInvoke(Actions, "KickParticipant", { task, targetSid: participant.participantSid })
              : undefined,
        }),
      ];
    } else {
      const type = participant.participantType;
      const onHoldClick = () => {
        if (type === "worker") {
          tryInvoke(Actions, participant.onHold ? "UnholdParticipant" : "HoldParticipant", { task, targetSid: participant.workerSid });
        } else if (type === "external") {
          tryInvoke(Actions, participant.onHold ? "UnholdParticipant" : "HoldParticipant", { task, targetSid: participant.participantSid });
        } else {
          tryInvoke(Actions, participant.onHold ? "UnholdCall" : "HoldCall", { task, participantCallSid: participant.callSid });
        }
      };
      const holdTitle = type === "worker"
        ? (participant.onHold ? templates.UnholdAgentTooltip : templates.HoldAgentTooltip)({ worker: participant.worker })
        : (participant.onHold ? templates.UnholdCustomerTooltip : templates.HoldCustomerTooltip)();
      native = [
        h(IconButton, {
          key: "hold",
          icon: participant.onHold ? "HoldOff" : "Hold",
          className: "ParticipantCanvas-HoldButton",
          "data-testid": "native-participant-hold",
          variant: "secondary",
          title: holdTitle,
          disabled: !task || !TaskHelper.canHold(task) || participant.status !== "joined" || holdPending,
          onClick: onHoldClick,
        }),
      ];
      if (type === "worker" || type === "external") {
        native.push(
          h(IconButton, {
            key: "kick",
            icon: "Hangup",
            variant: "destructive",
            className: "ParticipantCanvas-HangupButton",
            "data-testid": "native-participant-kick",
            title: templates.KickAgentTooltip({ worker: participant.worker || { fullName: participant.phoneNumber } }),
            disabled: !task || !TaskHelper.isLiveCall(task) || participant.isCurrentWorker || participant.status !== "joined" || kickPending,
            onClick: () => setKickConfirm(true),
          }),
        );
      }
    }
    return h(DynamicContent, {
      store: ParticipantCanvas.Actions.Content,
      nativeChildren: native,
      childProps,
      className: "ParticipantCanvas-Actions ff-participant-actions",
    });
  }

  function ParticipantCanvas(props) {
    const { participant = {}, task, listMode, participantWidth, hideActions } = props;
    const [kickConfirm, setKickConfirm] = React.useState(false);
    const childProps = { ...props };
    delete childProps.children;
    const disabled = participant.status === "recently_left" || (task && TaskHelper.isCurrentWorkerOnHold(task));
    const name = nativeParticipantName(participant, task);
    const statusText = nativeStatusText(participant, kickConfirm);
    const actions = hideActions
      ? null
      : h(ParticipantActions, { key: "actions", participant, task, kickConfirm, setKickConfirm, childProps });
    const avatar = h(
      "div",
      { key: listMode ? "statusContainer" : "avatar", className: listMode ? "ParticipantCanvas-StatusContainer ff-status-container" : "ParticipantCanvas-Avatar ff-avatar" },
      listMode
        ? h("span", { className: `ff-dot ${participant.onHold ? "ff-dot-hold" : participant.status === "joined" ? "ff-dot-live" : "ff-dot-left"}` })
        : avatarContent(name || participant.phoneNumber),
    );
    const native = [
      avatar,
      h("div", { key: "name", className: "ParticipantCanvas-Name ff-participant-name", title: name }, name || "\u00a0"),
      h("div", { key: "status", className: "ParticipantCanvas-Status ff-participant-status" }, statusText),
    ];
    if (actions) native.push(actions);
    const store = listMode ? ParticipantCanvas.ListItem.Content : ParticipantCanvas.Content;
    return h(
      "div",
      {
        className: `ParticipantCanvas ${listMode ? "ff-participant-row" : "ff-participant-tile"}${disabled ? " ff-disabled" : ""}${participant.connecting ? " ff-connecting" : ""}`,
        "data-testid": "participant-card",
        "data-call-sid": participant.callSid || "",
        "data-participant-type": participant.participantType || "",
        "data-status": participant.status || "",
        "data-on-hold": participant.onHold ? "true" : "false",
        "data-list-mode": listMode ? "true" : "false",
        style: !listMode && participantWidth ? { width: `${participantWidth}px` } : undefined,
      },
      h(DynamicContent, {
        store,
        nativeChildren: native,
        childProps,
        className: listMode ? "ff-row-content" : "ff-tile-content",
        vertical: !listMode,
      }),
    );
  }
  ParticipantCanvas.displayName = "ParticipantCanvas";
  ParticipantCanvas.Content = makeStore("ParticipantCanvas");
  function ParticipantCanvasListItem(props) {
    return h(ParticipantCanvas, { ...props, listMode: true });
  }
  ParticipantCanvasListItem.displayName = "ParticipantCanvasListItem";
  ParticipantCanvasListItem.Content = makeStore("ParticipantCanvasListItem");
  ParticipantCanvas.ListItem = ParticipantCanvasListItem;
  ParticipantCanvas.Actions = { displayName: "ParticipantCanvasActions", Content: makeStore("ParticipantCanvasActions") };

  function ParticipantsCanvas(props) {
    const { task } = props;
    const conference = props.conference || (task && task.conference);
    const listModeState = useFlexState((s) => s.flex.view.participantsListMode);
    const listMode = props.listMode !== undefined ? props.listMode : listModeState;
    const childProps = { ...props, conference };
    delete childProps.children;
    delete childProps.listMode;
    const shown = ((conference && conference.participants) || []).filter(
      (p) => p.status === "joined" || p.status === "recently_left",
    );
    const native = shown.map((participant) =>
      h(ParticipantCanvas, {
        key: `participant-${participant.callSid || participant.participantSid || participant.workerSid}`,
        participant,
        task,
        listMode,
        participantWidth: listMode ? undefined : 160,
      }),
    );
    return h(DynamicContent, {
      store: ParticipantsCanvas.Content,
      nativeChildren: native,
      childProps,
      className: `ParticipantsCanvas ${listMode ? "ff-participants-list" : "ff-participants-tiles"}`,
      vertical: !!listMode,
    });
  }
  ParticipantsCanvas.displayName = "ParticipantsCanvas";
  ParticipantsCanvas.Content = makeStore("ParticipantsCanvas");

  function Template(props) {
    const { code, source, className, ...context } = props;
    const text = source ? source(context) : renderTemplate(strings[code] ?? code ?? "", context);
    return h("span", { className: `Twilio ${className || ""}`.trim() }, text);
  }

  // ---- notifications bar
  function NotificationContent({ notification }) {
    const c = notification.content;
    if (typeof c === "string" || typeof c === "number") return Notifications.textOf(notification);
    if (React.isValidElement(c)) return React.cloneElement(c, { notificationContext: notification.context });
    if (typeof c === "function") return h(c, { notificationContext: notification.context, ...(notification.context || {}) });
    return null;
  }

  function NotificationBar() {
    const force = useForceUpdate();
    React.useEffect(() => {
      Notifications.addListener("notificationAdded", force);
      Notifications.addListener("notificationDismissed", force);
      return () => {
        Notifications.removeListener("notificationAdded", force);
        Notifications.removeListener("notificationDismissed", force);
      };
    }, [force]);
    const list = Notifications.activeNotifications;
    return h(
      "div",
      { className: "ff-notifications", "data-testid": "notification-bar", role: "status", "aria-live": "polite" },
      list.map((n) =>
        h(
          "div",
          {
            key: n.instanceId,
            className: `ff-notification ff-notification-${n.type || "information"}`,
            "data-testid": "notification",
            "data-notification-id": n.id,
            "data-type": n.type || "information",
            style: n.backgroundColor ? { background: n.backgroundColor } : undefined,
            onClick: n.onClick,
          },
          h("span", { className: "ff-notification-text" }, h(NotificationContent, { notification: n })),
          n.actions ? h("span", { className: "ff-notification-actions" }, n.actions) : null,
          n.closeButton
            ? h(
                "button",
                {
                  type: "button",
                  className: "ff-notification-close",
                  "aria-label": "Close notification",
                  "data-testid": "notification-close",
                  onClick: (e) => {
                    e.stopPropagation();
                    Notifications.dismissNotification(n);
                  },
                },
                "\u00d7",
              )
            : null,
        ),
      ),
    );
  }

  // ---- Plugins
  const Plugins = {
    initialized: false,
    async init(plugin) {
      const fn = typeof plugin === "function" && !(plugin.prototype && plugin.prototype.init) ? plugin : null;
      const instance = fn ? null : typeof plugin === "function" ? new plugin() : plugin;
      if (fn) await fn(flex, manager);
      else await instance.init(flex, manager);
      markPluginsInitialized();
    },
  };
  function markPluginsInitialized() {
    if (Plugins.initialized) return;
    Plugins.initialized = true;
    events.emit("pluginsInitialized");
  }

  const useFlexSelector = (selector) => window.ReactRedux.useSelector((state) => selector(state));
  const useFlexDispatch = () => window.ReactRedux.useDispatch();
  function withTaskContext(Component) {
    return function WithTaskContext(props) {
      const task = useFlexState(() => currentTask());
      return h(Component, { task, ...props });
    };
  }

  const Manager = {
    getInstance: () => manager,
  };

  const flex = {
    VERSION: "2.17.1",
    Actions,
    Notifications,
    NotificationType,
    NotificationManager: Notifications,
    CallCanvas,
    CallCanvasActions,
    ParticipantsCanvas,
    ParticipantCanvas,
    IconButton,
    Button,
    Template,
    templates,
    TaskHelper,
    StateHelper,
    Manager,
    Plugins,
    useFlexSelector,
    useFlexDispatch,
    withTaskContext,
    DynamicContentStore,
  };
  Object.defineProperty(flex, "manager", { value: manager, enumerable: false });

  if (options.installGlobal !== false) {
    window.Twilio = window.Twilio || {};
    window.Twilio.Flex = flex;
  }

  // ---- controls for the demo and the tests
  const controls = {
    nativeLog,
    notificationLog,
    contentLog,
    snapshotLog,
    stores,
    ready,
    NotificationBar,
    /** Replaces the Flex token everywhere Flex keeps it and emits `tokenUpdated`. */
    setToken(token) {
      manager.user.token = token;
      store.dispatch({ type: "FAKE_FLEX/TOKEN", token });
      events.emit("tokenUpdated", { ...flexState().session.ssoTokenPayload, token });
    },
    setListMode(on) {
      store.dispatch({ type: "FAKE_FLEX/VIEW", view: { participantsListMode: !!on } });
    },
    setActiveView(viewName) {
      store.dispatch({ type: "FAKE_FLEX/VIEW", view: { activeView: viewName } });
    },
    setFeatureFlag(name, enabled) {
      const next = {
        ...flexState().featureFlags,
        features: { ...flexState().featureFlags.features, [name]: { enabled: !!enabled } },
      };
      store.dispatch({ type: "FAKE_FLEX/FEATURE_FLAGS", featureFlags: next });
    },
    setRetypeHeldUnknown(on) {
      retypeHeldUnknown = !!on;
      if (lastSnapshot) publish(lastSnapshot);
    },
    /** Emits `pluginsInitialized` once (what Flex does after every plugin's init resolved). */
    markPluginsInitialized,
    /** The current ITask (or undefined before the first snapshot). */
    getTask: currentTask,
    /** Resolves with the first ITask (current or future) that satisfies `predicate`. */
    waitForTask(predicate, timeoutMs = 10000) {
      return new Promise((resolve, reject) => {
        const now = currentTask();
        if (now && predicate(now)) return resolve(now);
        let timer = null;
        const waiter = (task) => {
          if (predicate(task)) {
            taskWaiters.delete(waiter);
            clearTimeout(timer);
            resolve(task);
          }
        };
        taskWaiters.add(waiter);
        timer = setTimeout(() => {
          taskWaiters.delete(waiter);
          reject(new Error("waitForTask: timed out"));
        }, timeoutMs);
      });
    },
    get agentCallSid() {
      return agentCallSid;
    },
    get customerCallSid() {
      return customerCallSid;
    },
    sim: simFetch,
    /** Restarts the long poll after `stop()` (a no-op while it runs). */
    start() {
      if (!stopped) return;
      stopped = false;
      pollLoop();
    },
    stop() {
      stopped = true;
      if (pollAbort) pollAbort.abort();
      for (const t of leftTimers.values()) clearTimeout(t);
      leftTimers.clear();
      taskWaiters.clear();
    },
  };

  if (!stopped) pollLoop();

  const result = { flex, manager, controls };
  for (const key of Object.keys(Object.getOwnPropertyDescriptors(controls))) {
    Object.defineProperty(result, key, { enumerable: true, get: () => controls[key] });
  }
  return result;
}
