//! `cargo xtask build` and `cargo xtask size`: the release wasm, wasm-bindgen's web output, and
//! the npm package in `pkg/` (built by `js/build.mjs`: the TypeScript shim type-checked against
//! the Flex typings, bundled with the glue and the embedded module), with their sizes.

use std::env;
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::proc::{command, format_duration, repo_root, Step};
use crate::setup::{self, Needs, WASM_TARGET};
use crate::Result;

/// Budget for the package as plugins ship it: `gzip -9` of `pkg/dist/index.esm.js` (the shim,
/// the wasm-bindgen glue and the embedded module in one file), in bytes: issue 4's 60 KB.
///
/// 58,031 bytes on 2026-12-07, of which the module, LZMA-packed and base64-encoded, is about 41 KB.
const PACKAGE_GZIP_BUDGET_BYTES: u64 = 60_000;

/// The wasm file cargo builds for the package (`flex-conference` → `flex_conference`).
const CARGO_WASM: &str = "flex_conference.wasm";

/// The npm package, relative to the repository root.
const PKG_DIR: &str = "pkg";

/// The bundle plugins import (ES module); its gzip weight is the package's.
const PKG_BUNDLE: &str = "pkg/dist/index.esm.js";

/// The demo's third-party scripts, copied from `js/node_modules` into `www/vendor/` (git-ignored).
const VENDOR: &[(&str, &str)] = &[
    (
        "react/umd/react.production.min.js",
        "react.production.min.js",
    ),
    (
        "react-dom/umd/react-dom.production.min.js",
        "react-dom.production.min.js",
    ),
    ("redux/dist/redux.min.js", "redux.min.js"),
    ("react-redux/dist/react-redux.min.js", "react-redux.min.js"),
];

/// Builds the package; with `enforce_budget`, fails when it is over budget.
pub(crate) fn run(enforce_budget: bool) -> Result<()> {
    setup::run(Needs::BUILD)?;

    // Panic locations name source files; without the registry and checkout prefixes those
    // strings are shorter (and say nothing about the build machine).
    let cargo_build = Step::cargo()
        .env("CARGO_ENCODED_RUSTFLAGS", remap_flags())
        .args([
            "build",
            "-p",
            "flex-conference",
            "--release",
            "--target",
            WASM_TARGET,
        ]);
    println!("\n==> {cargo_build}");
    let took = cargo_build.run()?;
    println!("    built in {}", format_duration(took));

    let wasm = target_dir()
        .join(WASM_TARGET)
        .join("release")
        .join(CARGO_WASM);
    let bindgen_dir = target_dir().join("bindgen");
    // `--omit-default-module-path`: no `new URL(…, import.meta.url)` in the glue, which
    // webpack 4 (flex-plugin-scripts 7) cannot parse; the loader passes the bytes.
    // `--remove-name-section`: the function names are a quarter of the module (measured
    // 296,455 → 218,105 bytes raw, 101,999 → 83,850 gzip); panics still print their message.
    let bindgen = Step::new("wasm-bindgen").args([
        "--target",
        "web",
        "--omit-default-module-path",
        "--remove-name-section",
        "--remove-producers-section",
        "--out-dir",
        &bindgen_dir.display().to_string(),
        &wasm.display().to_string(),
    ]);
    println!("\n==> {bindgen}");
    let took = bindgen.run()?;
    println!("    bound in {}", format_duration(took));
    report_size(&bindgen_dir.join("flex_conference_bg.wasm"))?;

    let package =
        Step::new("node").args(["js/build.mjs", &bindgen_dir.display().to_string(), PKG_DIR]);
    println!("\n==> {package}");
    let took = package.run()?;
    println!("    packaged in {}", format_duration(took));
    copy_vendor()?;

    let gzip = report_size(&repo_root().join(PKG_BUNDLE))?;
    if enforce_budget {
        if gzip > PACKAGE_GZIP_BUDGET_BYTES {
            return Err(format!(
                "{PKG_BUNDLE} is {gzip} bytes gzipped, over the budget of \
                 {PACKAGE_GZIP_BUDGET_BYTES} bytes (PACKAGE_GZIP_BUDGET_BYTES in xtask/src/build.rs)"
            ));
        }
        println!("size: within the budget of {PACKAGE_GZIP_BUDGET_BYTES} bytes gzipped");
    }
    Ok(())
}

/// `--remap-path-prefix` for cargo's registry sources and the repository, as
/// `CARGO_ENCODED_RUSTFLAGS` (flags separated by 0x1f).
fn remap_flags() -> String {
    let cargo_home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    let mut flags = Vec::new();
    if let Some(home) = cargo_home {
        flags.push(format!(
            "--remap-path-prefix={}=",
            home.join("registry").join("src").display()
        ));
    }
    flags.push(format!("--remap-path-prefix={}=", repo_root().display()));
    flags.join("\u{1f}")
}

/// Copies React, ReactDOM, Redux and React-Redux's browser builds for the demo page.
fn copy_vendor() -> Result<()> {
    let root = repo_root();
    let vendor = root.join("www").join("vendor");
    fs::create_dir_all(&vendor).map_err(|err| format!("cannot create www/vendor: {err}"))?;
    for (from, to) in VENDOR {
        let source = root.join("js").join("node_modules").join(from);
        fs::copy(&source, vendor.join(to))
            .map_err(|err| format!("cannot copy {}: {err}", source.display()))?;
    }
    Ok(())
}

/// Cargo's target directory: `$CARGO_TARGET_DIR`, else `target/` in the repository.
pub(crate) fn target_dir() -> PathBuf {
    match env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => repo_root().join(dir),
        _ => repo_root().join("target"),
    }
}

/// Prints the raw and `gzip -9` sizes of `file`; returns the gzipped size.
fn report_size(file: &Path) -> Result<u64> {
    let shown = file.strip_prefix(repo_root()).unwrap_or(file).display();
    let raw = fs::metadata(file)
        .map_err(|err| format!("cannot read {shown}: {err}"))?
        .len();
    let gzipped = gzip_size(file).map_err(|err| format!("cannot gzip {shown}: {err}"))?;
    println!("size: {shown}: {raw} bytes raw, {gzipped} bytes gzip -9");
    Ok(gzipped)
}

/// The size of `gzip -9 -n < file` (no name or timestamp in the header, like a server's).
fn gzip_size(file: &Path) -> io::Result<u64> {
    let mut gzip = command("gzip")
        .args(["-9", "-n", "-c"])
        .stdin(File::open(file)?)
        .stdout(Stdio::piped())
        .spawn()?;
    let size = match gzip.stdout.take() {
        Some(mut compressed) => io::copy(&mut compressed, &mut io::sink())?,
        None => 0,
    };
    let status = gzip.wait()?;
    if status.success() {
        Ok(size)
    } else {
        Err(io::Error::other(format!("gzip failed ({status})")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_size_counts_compressed_bytes() {
        // This source file compresses well, and gzip -9 output is never empty.
        let file = repo_root().join("xtask").join("src").join("build.rs");
        let size = gzip_size(&file).ok();
        let raw = fs::metadata(&file).map(|m| m.len()).ok();
        assert!(matches!((size, raw), (Some(s), Some(r)) if s > 0 && s < r));
    }
}
