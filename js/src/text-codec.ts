// TextDecoder and TextEncoder for the wasm-bindgen glue, which constructs both when the package
// loads (the build makes the glue import these instead of the globals: js/build.mjs).
//
// Every browser has them. Jest 27's jsdom environment, where Flex plugin authors run their tests
// (flex-plugin-scripts 7), does not: there they come from Node's `util`. Where neither exists the
// package still loads, and the first string that crosses into the engine fails with a clear error.

interface Codecs {
  TextDecoder: typeof TextDecoder;
  TextEncoder: typeof TextEncoder;
}

/** True in the CommonJS bundle (what Jest loads), false in the ES module (what webpack bundles). */
declare const __FLEX_CONFERENCE_CJS__: boolean;
declare const require: (id: string) => unknown;

function nodeUtil(): Partial<Codecs> {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    if (proc && typeof proc.getBuiltinModule === "function") return (proc.getBuiltinModule("util") || {}) as Partial<Codecs>;
    // Only in the CommonJS bundle: in the ES module webpack 4 would bundle a `util` polyfill.
    if (__FLEX_CONFERENCE_CJS__ && typeof require === "function") return (require("util") || {}) as Partial<Codecs>;
  } catch (_) {
    // Fall through to the stand-ins.
  }
  return {};
}

const missing = (what: string): Error =>
  new Error(`flex-conference: this environment has no ${what} (a browser, Node, or Jest's jsdom with Node 18+ has one)`);

/** Loads and decodes nothing without complaint (the glue warms its decoder up); fails on real use. */
class NoTextDecoder {
  decode(input?: ArrayBufferView): string {
    if (input && input.byteLength) throw missing("TextDecoder");
    return "";
  }
}

class NoTextEncoder {
  encode(): Uint8Array {
    throw missing("TextEncoder");
  }
  encodeInto(): never {
    throw missing("TextEncoder");
  }
}

const own = globalThis as unknown as Partial<Codecs>;
const node = own.TextDecoder && own.TextEncoder ? {} : nodeUtil();

export const TextDecoderImpl = (own.TextDecoder || node.TextDecoder || NoTextDecoder) as typeof TextDecoder;
export const TextEncoderImpl = (own.TextEncoder || node.TextEncoder || NoTextEncoder) as typeof TextEncoder;
