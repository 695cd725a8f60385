//! `cargo xtask build` and `cargo xtask size`: the release wasm, wasm-bindgen's web
//! output in `pkg/`, and its sizes.

use std::env;
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::proc::{command, format_duration, repo_root, Step};
use crate::setup::{self, Needs, WASM_TARGET};
use crate::Result;

/// Budget for the gzipped (`gzip -9`) `pkg/flex_conference_bg.wasm`, in bytes.
///
/// A ceiling against regressions, not the product's target: with the HTTP driver the module is
/// about 95.8 KB gzip (opt-level "z"). The shipped package gets the 60 KB gate on wasm + glue +
/// shim together (issue 4).
const GZIP_BUDGET_BYTES: u64 = 100_000;

/// The wasm file cargo builds for the package (`flex-conference` → `flex_conference`).
const CARGO_WASM: &str = "flex_conference.wasm";

/// Output directory of wasm-bindgen, relative to the repository root.
const PKG_DIR: &str = "pkg";

/// The wasm module wasm-bindgen writes into [`PKG_DIR`].
const PKG_WASM: &str = "flex_conference_bg.wasm";

/// The JS glue wasm-bindgen writes into [`PKG_DIR`].
const PKG_JS: &str = "flex_conference.js";

/// Builds the package; with `enforce_budget`, fails when the gzipped wasm is over budget.
pub(crate) fn run(enforce_budget: bool) -> Result<()> {
    setup::run(Needs::BUILD)?;

    let cargo_build = Step::cargo().args([
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
    // `--omit-default-module-path`: no `new URL(…, import.meta.url)` in the glue, which
    // webpack 4 (flex-plugin-scripts 7) cannot parse; the loader passes the bytes.
    // `--remove-name-section`: the function names are a quarter of the module (measured
    // 296,455 → 218,105 bytes raw, 101,999 → 83,850 gzip); panics still print their message.
    let bindgen = Step::new("wasm-bindgen").args([
        "--target",
        "web",
        "--omit-default-module-path",
        "--remove-name-section",
        "--out-dir",
        PKG_DIR,
        &wasm.display().to_string(),
    ]);
    println!("\n==> {bindgen}");
    let took = bindgen.run()?;
    println!("    bound in {}", format_duration(took));

    let pkg = repo_root().join(PKG_DIR);
    let wasm_gzip = report_size(&pkg.join(PKG_WASM))?;
    report_size(&pkg.join(PKG_JS))?;

    if enforce_budget {
        if wasm_gzip > GZIP_BUDGET_BYTES {
            return Err(format!(
                "{PKG_DIR}/{PKG_WASM} is {wasm_gzip} bytes gzipped, over the budget of \
                 {GZIP_BUDGET_BYTES} bytes (GZIP_BUDGET_BYTES in xtask/src/build.rs)"
            ));
        }
        println!("size: within the budget of {GZIP_BUDGET_BYTES} bytes gzipped");
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
