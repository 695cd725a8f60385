//! `cargo xtask setup`: install what is missing, skip quickly what is present.
//!
//! See TOOLCHAIN.md for why each item is installed the way it is.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::proc::{find_program, format_duration, probe, repo_root, Step};
use crate::Result;

/// The wasm target every wasm step builds for.
pub(crate) const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Debian's Chromium (package `chromium`).
const CHROMIUM: &str = "/usr/bin/chromium";

/// Debian's chromedriver (package `chromium-driver`), matching [`CHROMIUM`].
const DEBIAN_CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Debian's wasm-opt (package `binaryen`, version 108): it breaks externref tables.
const DEBIAN_WASM_OPT: &str = "/usr/bin/wasm-opt";

/// Width of the item column in setup's status lines.
const LABEL_WIDTH: usize = 46;

/// Which tools the following steps need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Needs {
    /// `rustup target add wasm32-unknown-unknown`.
    pub(crate) wasm_target: bool,
    /// `wasm-bindgen` and `wasm-bindgen-test-runner` at Cargo.lock's version.
    pub(crate) wasm_bindgen: bool,
    /// Chromium and chromedriver for the wasm browser tests.
    pub(crate) browser: bool,
    /// `npm ci` in `js/` (TypeScript, esbuild, the Flex typings, React, Playwright), and `xz`.
    pub(crate) npm: bool,
}

impl Needs {
    /// Everything (`setup`, full `test`).
    pub(crate) const ALL: Self = Self {
        wasm_target: true,
        wasm_bindgen: true,
        browser: true,
        npm: true,
    };
    /// Nothing beyond the Rust toolchain (`test --native`).
    pub(crate) const NONE: Self = Self {
        wasm_target: false,
        wasm_bindgen: false,
        browser: false,
        npm: false,
    };
    /// What `build` needs: no browser.
    pub(crate) const BUILD: Self = Self {
        browser: false,
        ..Self::ALL
    };
}

/// Installs whatever of `needs` is missing, printing one line per item; returns the time
/// it took.
pub(crate) fn run(needs: Needs) -> Result<Duration> {
    let start = Instant::now();
    if needs.wasm_target {
        ensure_wasm_target()?;
    }
    if needs.wasm_bindgen {
        ensure_wasm_bindgen()?;
        warn_about_debian_binaryen();
    }
    if needs.browser {
        ensure_browser()?;
    }
    if needs.npm {
        ensure_node_modules()?;
        ensure_xz()?;
    }
    Ok(start.elapsed())
}

/// The chromedriver the wasm tests use: `$CHROMEDRIVER` when set (a browser managed by
/// the developer), else Debian's.
pub(crate) fn chromedriver() -> PathBuf {
    match std::env::var_os("CHROMEDRIVER") {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => PathBuf::from(DEBIAN_CHROMEDRIVER),
    }
}

/// Prints the status of one item and runs `install` when it is not `present`.
fn ensure(label: &str, present: bool, install: impl FnOnce() -> Result<()>) -> Result<()> {
    if present {
        println!("setup: {label:<LABEL_WIDTH$} ok (present)");
        return Ok(());
    }
    println!("setup: {label:<LABEL_WIDTH$} installing…");
    let start = Instant::now();
    install().map_err(|err| format!("setup of {label} failed: {err}"))?;
    let took = format_duration(start.elapsed());
    println!("setup: {label:<LABEL_WIDTH$} installed in {took}");
    Ok(())
}

/// Prints `step` as an install command, then runs it.
fn run_shown(step: &Step) -> Result<()> {
    println!("setup:   $ {step}");
    step.run().map(drop)
}

/// The JS tooling's directory (package.json, package-lock.json).
const JS_DIR: &str = "js";

/// A copy of the lock file `npm ci` last installed, inside `node_modules/`: when it equals
/// `package-lock.json`, the install is current and skipped.
const INSTALLED_LOCK: &str = "node_modules/.xtask-installed-lock.json";

/// `npm ci` in `js/` unless `node_modules` was installed from the current lock file. Node and
/// npm themselves must be present (README).
fn ensure_node_modules() -> Result<()> {
    let dir = repo_root().join(JS_DIR);
    let lock = fs::read(dir.join("package-lock.json"))
        .map_err(|err| format!("cannot read {JS_DIR}/package-lock.json: {err}"))?;
    let installed = fs::read(dir.join(INSTALLED_LOCK)).ok();
    ensure(
        &format!("npm packages ({JS_DIR}/package-lock.json)"),
        installed.as_deref() == Some(lock.as_slice()),
        || {
            for tool in ["node", "npm"] {
                if find_program(tool).is_none() {
                    return Err(format!(
                        "`{tool}` not found on PATH; install Node.js 18 or later (with npm)"
                    ));
                }
            }
            run_shown(&Step::new("npm").args([
                "ci",
                "--prefix",
                JS_DIR,
                "--no-audit",
                "--no-fund",
            ]))?;
            fs::write(dir.join(INSTALLED_LOCK), &lock)
                .map_err(|err| format!("cannot write {JS_DIR}/{INSTALLED_LOCK}: {err}"))
        },
    )
}

/// `rustup target add wasm32-unknown-unknown` unless rustup lists it as installed.
fn ensure_wasm_target() -> Result<()> {
    let installed = probe("rustup", &["target", "list", "--installed"])
        .is_some_and(|list| list.lines().any(|line| line.trim() == WASM_TARGET));
    ensure(&format!("{WASM_TARGET} target"), installed, || {
        if find_program("rustup").is_none() {
            return Err(format!(
                "rustup not found; add the {WASM_TARGET} target to your toolchain yourself"
            ));
        }
        run_shown(&Step::new("rustup").args(["target", "add", WASM_TARGET]))
    })
}

/// `cargo install wasm-bindgen-cli --version <Cargo.lock's> --force` unless both its
/// binaries answer `--version` with that version. No `--locked`: the CLI's own lock file
/// wants a webpki-roots version the registry lacks (TOOLCHAIN.md).
fn ensure_wasm_bindgen() -> Result<()> {
    let lock_path = repo_root().join("Cargo.lock");
    let lock = fs::read_to_string(&lock_path).map_err(|err| {
        format!(
            "cannot read {}: {err} (run `cargo generate-lockfile`)",
            lock_path.display()
        )
    })?;
    let version = locked_version(&lock, "wasm-bindgen")?;
    let found = wasm_bindgen_cli_versions();
    let present = all_at(&found, &version);
    if !present {
        println!(
            "setup: found wasm-bindgen {}, wasm-bindgen-test-runner {}; Cargo.lock wants {version}",
            found[0].as_deref().unwrap_or("(none)"),
            found[1].as_deref().unwrap_or("(none)"),
        );
    }
    ensure(&format!("wasm-bindgen-cli {version}"), present, || {
        run_shown(&Step::cargo().args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &version,
            "--force",
        ]))?;
        let found = wasm_bindgen_cli_versions();
        if all_at(&found, &version) {
            Ok(())
        } else {
            Err(format!(
                "installed, but the wasm-bindgen CLI on PATH still reports {found:?}: another \
                 copy earlier on PATH shadows the one in cargo's bin directory"
            ))
        }
    })
}

/// What `wasm-bindgen --version` and `wasm-bindgen-test-runner --version` report.
fn wasm_bindgen_cli_versions() -> [Option<String>; 2] {
    ["wasm-bindgen", "wasm-bindgen-test-runner"].map(tool_version)
}

/// Whether every tool reported exactly `version`.
fn all_at(found: &[Option<String>], version: &str) -> bool {
    found.iter().all(|v| v.as_deref() == Some(version))
}

/// The version a `tool --version` reports (its last word), if it runs.
fn tool_version(tool: &str) -> Option<String> {
    let output = probe(tool, &["--version"])?;
    output.split_whitespace().last().map(str::to_owned)
}

/// The version of package `name` in a Cargo.lock; an error unless exactly one is locked.
pub(crate) fn locked_version(lock: &str, name: &str) -> Result<String> {
    let mut versions = Vec::new();
    for entry in lock.split("[[package]]").skip(1) {
        let field = |key: &str| {
            entry
                .lines()
                .take_while(|line| !line.starts_with('['))
                .find_map(|line| line.strip_prefix(key)?.trim().strip_prefix("= "))
                .map(|value| value.trim().trim_matches('"'))
        };
        if field("name") == Some(name) {
            if let Some(version) = field("version") {
                versions.push(version.to_owned());
            }
        }
    }
    match versions.as_slice() {
        [version] => Ok(version.clone()),
        [] => Err(format!("Cargo.lock has no `{name}` package")),
        many => Err(format!(
            "Cargo.lock has several `{name}` versions ({}); pin one",
            many.join(", ")
        )),
    }
}

/// Debian's `chromium` and `chromium-driver` via apt unless both binaries exist. A driver
/// named by `$CHROMEDRIVER` is the developer's to manage: it must exist.
fn ensure_browser() -> Result<()> {
    let driver = chromedriver();
    if driver != Path::new(DEBIAN_CHROMEDRIVER) {
        if !driver.is_file() {
            return Err(format!(
                "$CHROMEDRIVER={} does not exist; unset it to use Debian's chromium-driver",
                driver.display()
            ));
        }
        let label = format!("chromedriver ($CHROMEDRIVER={})", driver.display());
        return ensure(&label, true, || Ok(()));
    }
    let present = Path::new(CHROMIUM).is_file() && driver.is_file();
    ensure("chromium + chromium-driver (apt)", present, || {
        apt_install(&["chromium", "chromium-driver"])?;
        if Path::new(CHROMIUM).is_file() && driver.is_file() {
            Ok(())
        } else {
            Err(format!(
                "apt-get succeeded but {CHROMIUM} or {DEBIAN_CHROMEDRIVER} is still missing"
            ))
        }
    })
}

/// `xz` (Debian's `xz-utils`), which packs the module for the npm package (js/build.mjs).
fn ensure_xz() -> Result<()> {
    ensure("xz (apt xz-utils)", find_program("xz").is_some(), || {
        apt_install(&["xz-utils"])?;
        match find_program("xz") {
            Some(_) => Ok(()),
            None => Err("apt-get succeeded but `xz` is still not on PATH".to_owned()),
        }
    })
}

/// `apt-get update && apt-get install -y PACKAGES`, non-interactive, through sudo when
/// not root.
fn apt_install(packages: &[&str]) -> Result<()> {
    if find_program("apt-get").is_none() {
        let hint = "install Chromium and its matching chromedriver yourself, then set \
                    CHROMEDRIVER=/path/to/chromedriver";
        return Err(format!("apt-get not found: {hint}"));
    }
    let is_root = probe("id", &["-u"]).is_some_and(|uid| uid == "0");
    let apt = |args: &[&str]| {
        if is_root {
            Step::new("apt-get")
                .env("DEBIAN_FRONTEND", "noninteractive")
                .args(args.iter().copied())
        } else {
            Step::new("sudo")
                .args(["env", "DEBIAN_FRONTEND=noninteractive", "apt-get"])
                .args(args.iter().copied())
        }
    };
    if !is_root && find_program("sudo").is_none() {
        let packages = packages.join(" ");
        return Err(format!(
            "installing {packages} needs root and sudo is not available: run \
             `apt-get install -y {packages}` as root, then rerun"
        ));
    }
    run_shown(&apt(&["update"]))?;
    run_shown(&apt(&[&["install", "-y"], packages].concat()))
}

/// Warns when Debian's binaryen is installed: its wasm-opt 108 emits modules that fail to
/// instantiate in Chromium, and wasm-pack picks it from PATH silently (TOOLCHAIN.md trap 1).
fn warn_about_debian_binaryen() {
    let label = "Debian binaryen (must be absent)";
    if !Path::new(DEBIAN_WASM_OPT).exists() {
        println!("setup: {label:<LABEL_WIDTH$} ok (absent)");
        return;
    }
    let owner = probe("dpkg", &["-S", DEBIAN_WASM_OPT]).unwrap_or_default();
    if owner.starts_with("binaryen") {
        println!(
            "setup: {label:<LABEL_WIDTH$} WARNING: {DEBIAN_WASM_OPT} is Debian's binaryen; \
             its wasm-opt breaks our modules (externref tables). Remove it: \
             apt-get remove -y binaryen; use npm binaryen instead"
        );
    } else {
        println!(
            "setup: {label:<LABEL_WIDTH$} WARNING: {DEBIAN_WASM_OPT} exists; make sure it \
             is not Debian's binaryen 108, whose wasm-opt breaks our modules"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
version = 4

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "cfg-if",
 "wasm-bindgen-macro",
]

[[package]]
name = "wasm-bindgen-macro"
version = "0.2.130"

[[package]]
name = "cfg-if"
version = "1.0.0"

[[package]]
name = "cfg-if"
version = "0.1.10"
"#;

    #[test]
    fn finds_the_locked_version_by_exact_name() {
        assert_eq!(
            locked_version(LOCK, "wasm-bindgen"),
            Ok("0.2.130".to_owned())
        );
    }

    #[test]
    fn missing_or_ambiguous_packages_are_errors() {
        assert!(locked_version(LOCK, "wasm-bindgen-cli").is_err());
        assert!(locked_version(LOCK, "cfg-if").is_err());
    }

    #[test]
    fn the_real_lock_file_pins_one_wasm_bindgen() {
        let lock = fs::read_to_string(repo_root().join("Cargo.lock"));
        if let Ok(lock) = lock {
            assert!(locked_version(&lock, "wasm-bindgen").is_ok());
        }
    }
}
