// Loads the engine's WebAssembly from the bytes embedded in the package (SPEC §10): a Flex plugin
// deploys only `bundle.js`, so there is no `.wasm` file to fetch. The bytes are stored
// LZMA-packed and base64-encoded in the bundle's last statement (js/build.mjs) and unpacked by the
// shim's own decoder, the same in a browser, under Jest and in Node.

import initGlue from "../generated/flex_conference.js";
import { WASM_BYTE_LENGTH, WASM_LZMA } from "../generated/wasm-inline.js";
import { lzmaDecode } from "./lzma";

/** The packed module, base64: declared by the bundle's last statement (js/build.mjs). */
declare const FLEX_CONFERENCE_WASM: string;

let loading: Promise<void> | null = null;

/**
 * Instantiates the module once per page; later calls share the first. A failed load is not
 * cached, so a later call tries again.
 */
export function loadWasm(): Promise<void> {
  if (!loading) {
    loading = Promise.resolve().then(() => {
      const bytes = lzmaDecode(base64Bytes(FLEX_CONFERENCE_WASM), WASM_BYTE_LENGTH, ...WASM_LZMA);
      return initGlue({ module_or_path: bytes }).then(() => undefined);
    });
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

function base64Bytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
