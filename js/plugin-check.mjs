// The package inside a real Flex plugin build (run by `cargo xtask test` after the package step):
//
//   node js/plugin-check.mjs
//
// 1. examples/flex-plugin: `npm ci` when its lock file changed since the last install (skipped
//    otherwise), then the package copy in its node_modules refreshed from pkg/ (what npm's
//    `install-links` copy of `file:../../pkg` holds, rebuilt every run);
// 2. `flex-plugin build` (@twilio/flex-plugin-scripts 7.1.2, webpack 4) with no webpack
//    configuration of ours: the build must succeed and emit one bundle (plus its source map and
//    the extracted license comments), no .wasm and no extra chunk, under Flex's 10 MB guard;
// 3. the same plugin without the package, built the same way: the difference is the package's
//    cost to a plugin (raw and gzip -9);
// 4. the plugin's tests as `twilio flex:plugins:test` runs them (Jest 27, the
//    @twilio/flex-plugin-test preset, jsdom): the plugin author's own tests, which import the
//    package and drive the engine;
// 5. the bundle is copied to www/plugin/ for the loader e2e test (js/e2e/plugin.test.mjs).
//
// Flex's scripts expect the Twilio CLI's home (~/.twilio-cli, with its package.json naming
// @twilio-labs/plugin-flex); they run here with HOME pointing at a stand-in under target/, so the
// developer's own ~/.twilio-cli is never touched.

import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync, constants } from "node:zlib";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const example = join(repo, "examples", "flex-plugin");
const pkg = join(repo, "pkg");
const work = join(repo, "target", "flex-plugin");
const home = join(work, "home");
const PLUGIN = "plugin-conference-example";
/** Flex refuses plugin bundles over 10 MB (the plugins API's upload limit). */
const FLEX_BUNDLE_LIMIT = 10 * 1024 * 1024;
const INSTALLED_LOCK = join(example, "node_modules", ".xtask-installed-lock.json");

const fail = (message) => {
  console.error(`plugin-check: ${message}`);
  process.exit(1);
};
const run = (args, cwd, extraEnv = {}) => {
  console.log(`plugin-check: $ ${args.join(" ")}   (in ${cwd.slice(repo.length + 1) || "."})`);
  execFileSync(args[0], args.slice(1), {
    cwd,
    stdio: "inherit",
    env: { ...process.env, HOME: home, CI: "true", BROWSER: "none", ...extraEnv },
  });
};
const gzip = (bytes) => gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

if (!existsSync(join(pkg, "package.json"))) fail("pkg/ is missing: run `cargo xtask build` first");

// The Twilio CLI's home, as `twilio plugins:install @twilio-labs/plugin-flex` leaves it.
const pluginScripts = JSON.parse(readFileSync(join(example, "package.json"), "utf8")).dependencies[
  "@twilio/flex-plugin-scripts"
];
mkdirSync(join(home, ".twilio-cli"), { recursive: true });
writeFileSync(
  join(home, ".twilio-cli", "package.json"),
  JSON.stringify({ private: true, dependencies: { "@twilio-labs/plugin-flex": pluginScripts } }, null, 2),
);

// 1. Install (when the lock changed), then the package as npm would copy it.
const lock = readFileSync(join(example, "package-lock.json"));
const installed = existsSync(INSTALLED_LOCK) ? readFileSync(INSTALLED_LOCK) : null;
if (!installed || !installed.equals(lock)) {
  const started = Date.now();
  run(["npm", "ci", "--no-audit", "--no-fund"], example);
  writeFileSync(INSTALLED_LOCK, lock);
  console.log(`plugin-check: installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} else {
  console.log("plugin-check: examples/flex-plugin/node_modules is current (npm ci skipped)");
}
const copy = join(example, "node_modules", "flex-conference");
rmSync(copy, { recursive: true, force: true });
mkdirSync(copy, { recursive: true });
const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
for (const file of ["package.json", ...manifest.files]) {
  if (existsSync(join(pkg, file))) cpSync(join(pkg, file), join(copy, file), { recursive: true });
}

// 2. The real build.
const flexPlugin = join(example, "node_modules", "@twilio", "flex-plugin-scripts", "bin", "flex-plugin");
const build = (dir) => {
  rmSync(join(dir, "build"), { recursive: true, force: true });
  const started = Date.now();
  run([process.execPath, flexPlugin, "build"], dir);
  return (Date.now() - started) / 1000;
};
const buildSeconds = build(example);
const out = join(example, "build");
const files = readdirSync(out).sort();
const expected = [`${PLUGIN}.js`, `${PLUGIN}.js.LICENSE.txt`, `${PLUGIN}.js.map`];
const unexpected = files.filter((f) => !expected.includes(f));
if (unexpected.length) fail(`the build emitted more than one bundle and its map: ${unexpected.join(", ")}`);
if (!files.includes(`${PLUGIN}.js`) || !files.includes(`${PLUGIN}.js.map`)) {
  fail(`the build should emit ${PLUGIN}.js and its source map, found: ${files.join(", ")}`);
}
const bundle = readFileSync(join(out, `${PLUGIN}.js`));
if (bundle.length > FLEX_BUNDLE_LIMIT) fail(`${PLUGIN}.js is ${bundle.length} bytes, over Flex's 10 MB limit`);
if (!/"[A-Za-z0-9+/]{40000,}={0,2}"/.test(bundle.toString("latin1"))) {
  fail(`${PLUGIN}.js does not hold the package's embedded engine (no long base64 string)`);
}
if (/import\.meta|\.wasm["']/.test(bundle.toString("utf8"))) fail(`${PLUGIN}.js refers to import.meta or a .wasm file`);

// 3. The same plugin without the package: its own tree under target/, sharing node_modules.
const bare = join(work, "without-package");
rmSync(bare, { recursive: true, force: true });
mkdirSync(join(bare, "src"), { recursive: true });
for (const file of ["package.json", "webpack.config.js", "webpack.dev.js", "jest.config.js", "public"]) {
  cpSync(join(example, file), join(bare, file), { recursive: true });
}
cpSync(join(example, "src", "index.js"), join(bare, "src", "index.js"));
writeFileSync(
  join(bare, "src", "ConferenceExamplePlugin.js"),
  readFileSync(join(example, "src", "ConferenceExamplePlugin.js"), "utf8")
    .replace(/^import \{ registerConference \} from 'flex-conference';\n/m, "")
    .replace(/const registration = await registerConference\(flex, manager\);/, "const registration = { error: null };"),
);
if (readFileSync(join(bare, "src", "ConferenceExamplePlugin.js"), "utf8").includes("flex-conference")) {
  fail("could not make the without-the-package variant of the example plugin");
}
execFileSync("ln", ["-sfn", join(example, "node_modules"), join(bare, "node_modules")]);
build(bare);
const bareBundle = readFileSync(join(bare, "build", `${PLUGIN}.js`));

const sizes = {
  bundleRaw: bundle.length,
  bundleGzip: gzip(bundle),
  withoutPackageRaw: bareBundle.length,
  withoutPackageGzip: gzip(bareBundle),
};
sizes.packageRaw = sizes.bundleRaw - sizes.withoutPackageRaw;
sizes.packageGzip = sizes.bundleGzip - sizes.withoutPackageGzip;
console.log(
  `plugin-check: ${PLUGIN}.js ${sizes.bundleRaw} bytes raw, ${sizes.bundleGzip} gzip -9 ` +
    `(${kb(sizes.bundleGzip)}); without the package ${sizes.withoutPackageRaw} / ${sizes.withoutPackageGzip}; ` +
    `the package's cost to the plugin: ${sizes.packageRaw} bytes raw, ${sizes.packageGzip} gzip (${kb(sizes.packageGzip)}); ` +
    `built in ${buildSeconds.toFixed(1)} s`,
);
mkdirSync(work, { recursive: true });
writeFileSync(join(work, "sizes.json"), JSON.stringify({ ...sizes, buildSeconds }, null, 2));

// 4. The plugin author's Jest tests, run as `twilio flex:plugins:test` runs them: the Twilio
// CLI calls the script's default export in-process (the `flex-plugin test` bin forwards its own
// `--run-script` marker to Jest 27, which rejects it).
run(
  [
    process.execPath,
    "-e",
    "require('@twilio/flex-plugin-scripts/dist/scripts/test').default('--env=jsdom')",
  ],
  example,
);

// 5. For the loader e2e test.
const served = join(repo, "www", "plugin");
rmSync(served, { recursive: true, force: true });
mkdirSync(served, { recursive: true });
cpSync(join(out, `${PLUGIN}.js`), join(served, `${PLUGIN}.js`));
console.log(`plugin-check: ok (${statSync(join(served, `${PLUGIN}.js`)).size} bytes copied to www/plugin/)`);
