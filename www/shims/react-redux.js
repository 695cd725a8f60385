// ESM view of the `window.ReactRedux` UMD global (loaded by index.html as a classic script).
// Every named export of the npm module; the import map points the bare specifier `react-redux` here.
const m = window.ReactRedux;
if (!m) throw new Error("window.ReactRedux is not loaded: include its UMD build before this module");
export default m;
export const Provider = m.Provider;
export const connectAdvanced = m.connectAdvanced;
export const ReactReduxContext = m.ReactReduxContext;
export const connect = m.connect;
export const useDispatch = m.useDispatch;
export const createDispatchHook = m.createDispatchHook;
export const useSelector = m.useSelector;
export const createSelectorHook = m.createSelectorHook;
export const useStore = m.useStore;
export const createStoreHook = m.createStoreHook;
export const shallowEqual = m.shallowEqual;
export const batch = m.batch;
