// ESM `react/jsx-runtime` on top of the `window.React` UMD global (React 17's UMD build has no
// jsx-runtime of its own), for bundles compiled with the automatic JSX runtime and `react`
// left external. `children` stay inside `props`, which `createElement` accepts as is.
const React = window.React;
if (!React) throw new Error("window.React is not loaded: include its UMD build before this module");

function jsx(type, props, key) {
  return React.createElement(type, key === undefined ? props : { ...props, key });
}

export const Fragment = React.Fragment;
export { jsx, jsx as jsxs, jsx as jsxDEV };
