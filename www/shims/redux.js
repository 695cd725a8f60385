// ESM view of the `window.Redux` UMD global (loaded by index.html as a classic script).
// Every named export of the npm module; the import map points the bare specifier `redux` here.
const m = window.Redux;
if (!m) throw new Error("window.Redux is not loaded: include its UMD build before this module");
export default m;
export const __DO_NOT_USE__ActionTypes = m.__DO_NOT_USE__ActionTypes;
export const applyMiddleware = m.applyMiddleware;
export const bindActionCreators = m.bindActionCreators;
export const combineReducers = m.combineReducers;
export const compose = m.compose;
export const createStore = m.createStore;
export const legacy_createStore = m.legacy_createStore;
