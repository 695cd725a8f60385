// Loads the engine's WebAssembly from the bytes embedded in the package (SPEC §10): a Flex plugin
// deploys only `bundle.js`, so there is no `.wasm` file to fetch. The bytes are stored
// deflate-compressed and base64-encoded (generated/wasm-inline.js, written by the build) and
// inflated with the platform's DecompressionStream, or Node's zlib under test runners.

import initGlue from "../generated/flex_conference.js";
import { WASM_DEFLATE_RAW_BASE64, WASM_BYTE_LENGTH } from "../generated/wasm-inline.js";

let loading: Promise<void> | null = null;

/**
 * Instantiates the module once per page; later calls share the first. A failed load is not
 * cached, so a later call tries again.
 */
export function loadWasm(): Promise<void> {
  if (!loading) {
    loading = inflate(base64Bytes(WASM_DEFLATE_RAW_BASE64)).then(async (bytes) => {
      if (bytes.byteLength !== WASM_BYTE_LENGTH) {
        throw new Error(
          `flex-conference: the embedded module inflated to ${bytes.byteLength} bytes, expected ${WASM_BYTE_LENGTH}`,
        );
      }
      await initGlue({ module_or_path: bytes });
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

interface NodeZlib {
  inflateRawSync(input: Uint8Array): Uint8Array;
}

async function inflate(deflated: Uint8Array): Promise<Uint8Array> {
  if (typeof DecompressionStream === "function") {
    const stream = new Blob([deflated]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }
  // Jest's jsdom environment has no DecompressionStream; Node (≥ 20.16) lends its zlib without a
  // static `require`, which a browser bundler would try to polyfill.
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const zlib = proc && proc.getBuiltinModule ? (proc.getBuiltinModule("zlib") as NodeZlib | undefined) : undefined;
  if (zlib) return new Uint8Array(zlib.inflateRawSync(deflated));
  throw new Error(
    "flex-conference: this environment has no DecompressionStream (Chrome 80+, Firefox 113+, Safari 16.4+) to unpack the engine",
  );
}
