// Shortens the names the module and its wasm-bindgen glue use to talk to each other, at build time
// (js/build.mjs). wasm-bindgen names every import `__wbg_<name>_<16 hex digits>` under the module
// "./flex_conference_bg.js" and every export after its Rust path (`conferenceengine_handleApiResult`,
// `wasm_bindgen__convert__closures_____invoke__h<hash>`): about 4 KB of names that travel in both the
// module and the glue, the hashes incompressible. Here each becomes a one- or two-letter name, in
// the module's import and export sections and at the glue's only two places that use them: the
// keys of the imports object and `wasm.<export>` accesses. Anything unexpected stops the build.

const MODULE = "./flex_conference_bg.js";
const SHORT_MODULE = "w";

/** Unsigned LEB128 reader/writer over a byte array. */
function readU32(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}
function writeU32(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return out;
}
const utf8 = new TextEncoder();
const text = new TextDecoder("utf-8", { fatal: true });
function readName(bytes, at) {
  const [length, start] = readU32(bytes, at);
  return [text.decode(bytes.subarray(start, start + length)), start + length];
}
const writeName = (name) => {
  const encoded = utf8.encode(name);
  return [...writeU32(encoded.length), ...encoded];
};

/** a…z, A…Z, then two letters; never a JS keyword (two-letter ones: do, if, in). */
function* shortNames() {
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  for (const a of letters) yield a;
  for (const a of letters) for (const b of letters) if (!["do", "if", "in"].includes(a + b)) yield a + b;
}

/** Skips an import's description (after its kind byte); returns the offset after it. */
function skipImportDesc(bytes, kind, at) {
  const limits = (p) => {
    const [flags, q] = readU32(bytes, p);
    let [, r] = readU32(bytes, q);
    if (flags & 1) [, r] = readU32(bytes, r);
    return r;
  };
  switch (kind) {
    case 0: // function: type index
      return readU32(bytes, at)[1];
    case 1: // table: reference type, limits
      return limits(at + 1);
    case 2: // memory: limits
      return limits(at);
    case 3: // global: value type, mutability
      return at + 2;
    case 4: // tag: attribute, type index
      return readU32(bytes, at + 1)[1];
    default:
      throw new Error(`wasm-names: unknown import kind ${kind}`);
  }
}

/**
 * Returns `{ wasm, glue, renamed }`: the module and glue with short names, and how many names
 * changed. `wasm` is a Uint8Array/Buffer of the module, `glue` the text of wasm-bindgen's JS.
 */
export function shortenNames(wasm, glue) {
  const bytes = new Uint8Array(wasm);
  if (bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new Error("wasm-names: not a WebAssembly module");
  }
  const names = shortNames();
  const importNames = new Map();
  const exportNames = new Map();
  const out = [...bytes.subarray(0, 8)];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, start] = readU32(bytes, at + 1);
    const end = start + size;
    if (id === 2) {
      const [count, first] = readU32(bytes, start);
      const body = [...writeU32(count)];
      let p = first;
      for (let i = 0; i < count; i++) {
        const [module, afterModule] = readName(bytes, p);
        const [field, afterField] = readName(bytes, afterModule);
        const kind = bytes[afterField];
        const next = skipImportDesc(bytes, kind, afterField + 1);
        if (module !== MODULE) throw new Error(`wasm-names: an import from "${module}", expected "${MODULE}"`);
        if (!importNames.has(field)) importNames.set(field, names.next().value);
        body.push(...writeName(SHORT_MODULE), ...writeName(importNames.get(field)), ...bytes.subarray(afterField, next));
        p = next;
      }
      if (p !== end) throw new Error("wasm-names: the import section did not parse to its end");
      out.push(id, ...writeU32(body.length), ...body);
    } else if (id === 7) {
      const [count, first] = readU32(bytes, start);
      const body = [...writeU32(count)];
      let p = first;
      for (let i = 0; i < count; i++) {
        const [name, afterName] = readName(bytes, p);
        const [, next] = readU32(bytes, afterName + 1);
        const short = names.next().value;
        exportNames.set(name, short);
        body.push(...writeName(short), ...bytes.subarray(afterName, next));
        p = next;
      }
      if (p !== end) throw new Error("wasm-names: the export section did not parse to its end");
      out.push(id, ...writeU32(body.length), ...body);
    } else {
      out.push(...bytes.subarray(at, end));
    }
    at = end;
  }

  let shortened = glue.replace(/\bwasm\.([A-Za-z_$][\w$]*)/g, (_, name) => {
    const short = exportNames.get(name);
    if (!short) throw new Error(`wasm-names: the glue uses wasm.${name}, which the module does not export`);
    return `wasm.${short}`;
  });
  for (const [field, short] of importNames) {
    const key = new RegExp(`^(\\s+)${field.replace(/\$/g, "\\$")}: `, "gm");
    const found = shortened.match(key);
    if (!found || found.length !== 1) {
      throw new Error(`wasm-names: the glue's imports object should have one key ${field}, found ${found ? found.length : 0}`);
    }
    shortened = shortened.replace(key, `$1${short}: `);
  }
  const moduleKey = `"${MODULE}": import0`;
  if (shortened.split(moduleKey).length !== 2) throw new Error(`wasm-names: the glue should name ${moduleKey} once`);
  shortened = shortened.replace(moduleKey, `"${SHORT_MODULE}": import0`);
  return { wasm: Uint8Array.from(out), glue: shortened, renamed: importNames.size + exportNames.size };
}
