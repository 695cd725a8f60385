// Builds the npm package into pkg/ from wasm-bindgen's output (called by `cargo xtask build`):
//
//   node js/build.mjs <wasm-bindgen out dir> <pkg dir>
//
// 1. js/generated/: the glue and its types, and the module LZMA-packed + base64-encoded as a JS
//    string (a Flex plugin deploys only bundle.js: the bytes must travel inside it, SPEC §10);
// 2. `tsc` type-checks the shim against the @twilio/flex-ui 2.17 typings and emits declarations;
// 3. esbuild bundles shim + glue + module into one ES module and one CommonJS file, lowered to
//    ES2017 (webpack 4's parser rejects optional chaining and nullish coalescing);
// 4. acorn 6 (webpack 4.47's parser) must accept both files;
// 5. package.json, README.md and the type declarations are written next to them.
// Prints one `size:` line per shipped file (raw and gzip -9 bytes) and a JSON summary on the last line.

import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync, constants } from "node:zlib";
import { createRequire } from "node:module";
import { shortenNames } from "./wasm-names.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const [bindgenDir, pkgDir] = process.argv.slice(2).map((p) => resolve(p));
if (!bindgenDir || !pkgDir) {
  console.error("usage: node js/build.mjs <wasm-bindgen out dir> <pkg dir>");
  process.exit(2);
}

const generated = join(here, "generated");
rmSync(generated, { recursive: true, force: true });
mkdirSync(generated, { recursive: true });
cpSync(join(bindgenDir, "flex_conference.d.ts"), join(generated, "flex_conference.d.ts"));
// Short import/export names in the module and the glue (js/wasm-names.mjs).
const named = shortenNames(
  readFileSync(join(bindgenDir, "flex_conference_bg.wasm")),
  readFileSync(join(bindgenDir, "flex_conference.js"), "utf8"),
);
// The glue constructs TextDecoder/TextEncoder at load; Jest's jsdom has neither (src/text-codec.ts).
if (!/\bnew TextDecoder\(/.test(named.glue) || !/\bnew TextEncoder\(/.test(named.glue)) {
  console.error("the wasm-bindgen glue no longer constructs TextDecoder/TextEncoder as expected; revisit src/text-codec.ts");
  process.exit(1);
}
writeFileSync(
  join(generated, "flex_conference.js"),
  `import { TextDecoderImpl as TextDecoder, TextEncoderImpl as TextEncoder } from "../src/text-codec";\n` + named.glue,
);
// Binaryen's simple whole-module passes (npm binaryen 132; never Debian's wasm-opt 108, which breaks
// externref tables): unreachable functions and call_indirect paths with no possible target,
// identical functions, and the target_features section (tool metadata). Measured 2026-12-07 on
// 125,932 bytes, LZMA-packed: 44,183 → 43,250. Its -Os/-Oz shrink the raw module by 9% but pack
// worse than these passes alone (43,948 / 43,996), so the optimising pipelines are not used.
const beforeOpt = join(generated, "module-named.wasm");
const afterOpt = join(generated, "module-opt.wasm");
writeFileSync(beforeOpt, named.wasm);
execFileSync(
  process.execPath,
  [
    require.resolve("binaryen/bin/wasm-opt"),
    ...["--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext"],
    ...["--enable-reference-types", "--enable-multivalue", "--enable-mutable-globals"],
    ...["--remove-unused-module-elements", "--duplicate-function-elimination", "--strip-target-features"],
    beforeOpt,
    "-o",
    afterOpt,
  ],
  { stdio: "inherit" },
);
const wasm = readFileSync(afterOpt);
rmSync(beforeOpt);
rmSync(afterOpt);
// LZMA packs the module ~10% tighter than the best deflate (measured 2026-12-07 on 134,051 bytes:
// zopfli 51,964, xz 46,867), more than the shim's decoder (src/lzma.ts) weighs. xz writes a raw
// LZMA1 stream; lc/lp/pb chosen by measurement (lc=3,lp=0,pb=2: 47,001; lc=4,pb=0: 46,935;
// lc=0,lp=2,pb=1: 48,048). The stream is checked by decoding it with the shim's own decoder.
const LZMA = { lc: 3, lp: 0, pb: 0 };
let packed;
try {
  packed = execFileSync(
    "xz",
    ["--compress", "--stdout", "--format=raw", `--lzma1=preset=9e,lc=${LZMA.lc},lp=${LZMA.lp},pb=${LZMA.pb}`],
    { input: wasm, maxBuffer: 64 << 20 },
  );
} catch (error) {
  console.error(`xz (Debian's xz-utils) is needed to pack the module: ${error.message}`);
  process.exit(1);
}
const esbuild = require("esbuild");
{
  const { code } = esbuild.transformSync(readFileSync(join(here, "src", "lzma.ts"), "utf8"), {
    loader: "ts",
    format: "cjs",
  });
  const decoder = { exports: {} };
  new Function("module", "exports", code)(decoder, decoder.exports);
  const unpacked = decoder.exports.lzmaDecode(new Uint8Array(packed), wasm.length, LZMA.lc, LZMA.lp, LZMA.pb);
  if (Buffer.compare(Buffer.from(unpacked), wasm) !== 0) {
    console.error("the shim's LZMA decoder does not unpack xz's stream back to the module");
    process.exit(1);
  }
}
// The base64 text is not a module of the bundle: it is appended as the bundle's last statement
// (`var FLEX_CONFERENCE_WASM = "…"`, module-scoped, read by src/wasm.ts when the engine loads,
// after the bundle has run). gzip then codes the text and the incompressible base64 in separate
// blocks: measured 900 bytes less than with the base64 in the middle of the code.
const wasmFooter = `var FLEX_CONFERENCE_WASM="${packed.toString("base64")}";`;
writeFileSync(
  join(generated, "wasm-inline.js"),
  `// Generated by js/build.mjs: flex_conference_bg.wasm (${wasm.length} bytes), packed as raw LZMA1.\n` +
    `export const WASM_BYTE_LENGTH = ${wasm.length};\n` +
    `export const WASM_LZMA = [${LZMA.lc}, ${LZMA.lp}, ${LZMA.pb}];\n`,
);
writeFileSync(
  join(generated, "wasm-inline.d.ts"),
  "export declare const WASM_BYTE_LENGTH: number;\n" + "export declare const WASM_LZMA: [number, number, number];\n",
);

// Type-check and emit declarations.
const typesOut = join(here, "..", "target", "js", "types");
rmSync(typesOut, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", join(here, "tsconfig.json")], {
  stdio: "inherit",
});

// Bundle.
const dist = join(pkgDir, "dist");
rmSync(pkgDir, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
const common = {
  entryPoints: [join(here, "src", "index.ts")],
  bundle: true,
  target: "es2017",
  platform: "browser",
  external: ["react", "react-dom", "@twilio/flex-ui"],
  minify: true,
  legalComments: "none",
  jsx: "transform",
  logLevel: "warning",
  footer: { js: wasmFooter },
};
await esbuild.build({
  ...common,
  format: "esm",
  outfile: join(dist, "index.esm.js"),
  define: { __FLEX_CONFERENCE_CJS__: "false" },
});
await esbuild.build({
  ...common,
  format: "cjs",
  outfile: join(dist, "index.cjs.js"),
  define: { __FLEX_CONFERENCE_CJS__: "true" },
  external: [...common.external, "util"],
});

// webpack 4.47 parses with acorn 6 (ecmaVersion 2019): both files must pass.
const acorn = require("acorn");
for (const [file, sourceType] of [
  ["index.esm.js", "module"],
  ["index.cjs.js", "script"],
]) {
  const code = readFileSync(join(dist, file), "utf8");
  try {
    acorn.parse(code, { ecmaVersion: 2019, sourceType });
  } catch (error) {
    console.error(`${file}: webpack 4's parser (acorn ${acorn.version}, ES2019) rejects it: ${error.message}`);
    process.exit(1);
  }
}

// Declarations: the shim's, and the glue's vocabulary they import.
cpSync(join(typesOut, "src"), join(dist, "types"), { recursive: true });
mkdirSync(join(dist, "generated"), { recursive: true });
for (const file of ["flex_conference.d.ts", "wasm-inline.d.ts"]) {
  cpSync(join(generated, file), join(dist, "generated", file));
}

const crate = readFileSync(join(here, "..", "Cargo.toml"), "utf8").match(/^version\s*=\s*"([^"]+)"/m);
const version = crate ? crate[1] : "0.0.0";
const manifest = {
  name: "flex-conference",
  version,
  description:
    "Twilio Flex UI 2.x conference feature: add a number to a call, hold/mute/remove anyone, leave while the others talk. Rust/WebAssembly core embedded; works with the Flex project template's serverless endpoints.",
  license: "Apache-2.0",
  main: "dist/index.cjs.js",
  module: "dist/index.esm.js",
  types: "dist/types/index.d.ts",
  sideEffects: false,
  files: ["dist", "README.md"],
  keywords: ["twilio", "flex", "flex-plugin", "conference", "webassembly"],
  peerDependencies: { "@twilio/flex-ui": "^2.0.0", react: "^17.0.0" },
  peerDependenciesMeta: { "@twilio/flex-ui": { optional: true } },
};
writeFileSync(join(pkgDir, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
cpSync(join(here, "PACKAGE_README.md"), join(pkgDir, "README.md"));

const sizes = {};
for (const file of ["index.esm.js", "index.cjs.js"]) {
  const bytes = readFileSync(join(dist, file));
  const gz = gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }).length;
  sizes[file] = { raw: bytes.length, gzip: gz };
  console.log(`size: pkg/dist/${file}: ${bytes.length} bytes raw, ${gz} bytes gzip -9`);
}
console.log(
  JSON.stringify({ wasmRaw: wasm.length, wasmPacked: packed.length, packageGzip: sizes["index.esm.js"].gzip, sizes }),
);
