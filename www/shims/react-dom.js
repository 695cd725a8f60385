// ESM view of the `window.ReactDOM` UMD global (loaded by index.html as a classic script).
// Every named export of the npm module; the import map points the bare specifier `react-dom` here.
const m = window.ReactDOM;
if (!m) throw new Error("window.ReactDOM is not loaded: include its UMD build before this module");
export default m;
export const __SECRET_INTERNALS_DO_NOT_USE_OR_YOU_WILL_BE_FIRED = m.__SECRET_INTERNALS_DO_NOT_USE_OR_YOU_WILL_BE_FIRED;
export const createPortal = m.createPortal;
export const findDOMNode = m.findDOMNode;
export const flushSync = m.flushSync;
export const hydrate = m.hydrate;
export const render = m.render;
export const unmountComponentAtNode = m.unmountComponentAtNode;
export const unstable_batchedUpdates = m.unstable_batchedUpdates;
export const unstable_createPortal = m.unstable_createPortal;
export const unstable_renderSubtreeIntoContainer = m.unstable_renderSubtreeIntoContainer;
export const version = m.version;
