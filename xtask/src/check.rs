//! `cargo xtask test` (and `ci`): setup, then every check in order, failing fast, with a
//! summary of per-step durations at the end (also after a failure).

use std::time::{Duration, Instant};

use crate::proc::{format_duration, repo_root, Step};
use crate::setup::{self, Needs, WASM_TARGET};
use crate::sim::{SimProcess, SIM_URL_ENV};
use crate::Result;

/// The package that is compiled to wasm.
const WASM_PACKAGE: &str = "flex-conference";

/// Seconds a wasm test module may run in the browser (the runner's default is 20). The HTTP
/// suite (`tests/http`) is one module of about 35 real-time scenarios, about 2.5 minutes.
const WASM_TEST_TIMEOUT_SECS: &str = "600";

/// Seconds chromedriver may take to bind its port (the runner's default is 5; a cold,
/// busy 2-core machine can take longer).
const DRIVER_TIMEOUT_SECS: &str = "30";

/// Environment variables that would make the wasm test runner use another driver
/// (geckodriver wins over chromedriver, `*_REMOTE` over local), another mode than the
/// browser, or a visible browser, or skip the browser tests.
const RUNNER_ENV_TO_CLEAR: &[&str] = &[
    "GECKODRIVER",
    "GECKODRIVER_REMOTE",
    "SAFARIDRIVER",
    "SAFARIDRIVER_REMOTE",
    "CHROMEDRIVER_REMOTE",
    "MSEDGEDRIVER",
    "MSEDGEDRIVER_REMOTE",
    "NO_HEADLESS",
    "WASM_BINDGEN_TEST_ONLY_NODE",
    "WASM_BINDGEN_USE_NODE_EXPERIMENTAL",
    "WASM_BINDGEN_USE_DENO",
    "WASM_BINDGEN_USE_DEDICATED_WORKER",
    "WASM_BINDGEN_USE_SHARED_WORKER",
    "WASM_BINDGEN_USE_SERVICE_WORKER",
];

/// Which checks `test` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Everything (default).
    All,
    /// Everything but the wasm32 steps (`--native`).
    Native,
    /// Only the wasm32 steps (`--wasm`).
    Wasm,
}

impl Scope {
    /// Whether the native steps run.
    fn native(self) -> bool {
        self != Self::Wasm
    }

    /// Whether the wasm32 steps run.
    fn wasm(self) -> bool {
        self != Self::Native
    }
}

/// A named check and the command it runs.
struct Check {
    name: &'static str,
    step: Step,
    /// The step talks to a running sim: it is started first (on a free port), its URL passed in
    /// [`SIM_URL_ENV`], and stopped afterwards.
    needs_sim: bool,
}

impl Check {
    fn new(name: &'static str, step: Step) -> Self {
        Self {
            name,
            step,
            needs_sim: false,
        }
    }

    /// Runs the step, with a sim around it when it needs one.
    fn run(&self) -> Result<Duration> {
        if !self.needs_sim {
            return self.step.run();
        }
        let start = Instant::now();
        let sim = SimProcess::start()?;
        self.step.clone().env(SIM_URL_ENV, sim.url()).run()?;
        drop(sim);
        Ok(start.elapsed())
    }
}

/// How a step of the summary ended.
enum Outcome {
    Passed(Duration),
    Failed(Duration),
    Skipped,
}

/// Runs setup and the checks of `scope`, stopping at the first failure.
pub(crate) fn run(scope: Scope) -> Result<()> {
    let checks = checks(scope);
    let mut summary: Vec<(&str, Outcome)> = Vec::with_capacity(checks.len() + 1);

    let needs = if scope.wasm() {
        Needs::ALL
    } else {
        Needs::NONE
    };
    let start = Instant::now();
    match setup::run(needs) {
        Ok(took) => summary.push(("setup", Outcome::Passed(took))),
        Err(err) => {
            summary.push(("setup", Outcome::Failed(start.elapsed())));
            summary.extend(checks.iter().map(|check| (check.name, Outcome::Skipped)));
            print_summary(&summary);
            return Err(format!("step `setup` failed: {err}"));
        }
    }

    let mut failure = None;
    for (index, check) in checks.iter().enumerate() {
        if failure.is_some() {
            summary.push((check.name, Outcome::Skipped));
            continue;
        }
        println!(
            "\n==> [{}/{}] {}: {}",
            index + 1,
            checks.len(),
            check.name,
            check.step
        );
        let start = Instant::now();
        match check.run() {
            Ok(took) => summary.push((check.name, Outcome::Passed(took))),
            Err(err) => {
                summary.push((check.name, Outcome::Failed(start.elapsed())));
                failure = Some(format!("step `{}` failed: {err}", check.name));
            }
        }
    }
    print_summary(&summary);
    failure.map_or(Ok(()), Err)
}

/// The checks of `scope`, in order.
fn checks(scope: Scope) -> Vec<Check> {
    let mut checks = Vec::new();
    if scope.native() {
        checks.push(Check::new(
            "fmt",
            Step::cargo().args(["fmt", "--all", "--check"]),
        ));
        checks.push(Check::new(
            "clippy (native)",
            Step::cargo().args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]),
        ));
        checks.push(Check::new(
            "docs",
            Step::cargo().env("RUSTDOCFLAGS", "-D warnings").args([
                "doc",
                "--no-deps",
                "--workspace",
            ]),
        ));
    }
    if scope.wasm() {
        // `--all-targets` covers `--lib` too: lib, tests and examples for wasm32.
        checks.push(Check::new(
            "clippy (wasm32)",
            Step::cargo().args([
                "clippy",
                "-p",
                WASM_PACKAGE,
                "--all-targets",
                "--target",
                WASM_TARGET,
                "--",
                "-D",
                "warnings",
            ]),
        ));
    }
    if scope.native() {
        // Every failing test binary is reported, not only the first.
        checks.push(Check::new(
            "native tests (engine, sim, xtask)",
            Step::cargo().args(["test", "--workspace", "--no-fail-fast"]),
        ));
        // The benchmark crate (bench/, outside the workspace so criterion stays out of the steps
        // above): the replayed reference's tests and a shootout smoke run (our engine keeps
        // every invariant in 200 random scenarios). The full shootout is `cargo xtask bench`.
        const BENCH: [&str; 4] = [
            "--manifest-path",
            "bench/Cargo.toml",
            "--target-dir",
            "target/bench",
        ];
        checks.push(Check::new(
            "fmt (bench crate)",
            Step::cargo().args(["fmt", "--manifest-path", "bench/Cargo.toml", "--check"]),
        ));
        checks.push(Check::new(
            "clippy (bench crate)",
            Step::cargo().args(["clippy"]).args(BENCH).args([
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]),
        ));
        checks.push(Check::new(
            "bench crate tests (replayed reference, shootout smoke)",
            Step::cargo().args(["test"]).args(BENCH),
        ));
    }
    if scope.wasm() {
        checks.push(Check {
            needs_sim: true,
            ..Check::new("wasm tests (headless Chromium, sim running)", wasm_tests())
        });
        // The release build, the package (tsc against the Flex typings, esbuild, webpack 4's
        // parser) as `cargo xtask build` makes it, plus the size budget.
        checks.push(Check::new(
            "package (tsc, bundle, size)",
            Step::cargo().args(["xtask", "size"]),
        ));
        // The demo's fake Flex host keeps Flex's semantics (content stores, action pipeline,
        // routing, notifications), checked with a stub package on its own sim.
        checks.push(Check::new(
            "fake Flex host (semantics, headless Chromium)",
            Step::new("node")
                .env(
                    "SIM_BIN",
                    crate::build::target_dir()
                        .join("debug")
                        .join(format!("sim{}", std::env::consts::EXE_SUFFIX))
                        .display()
                        .to_string(),
                )
                .args(["www/smoke.mjs"]),
        ));
        // The package in a real Flex plugin build (examples/flex-plugin, flex-plugin-scripts 7.1.2
        // on webpack 4): the bundle's checks and weight, the plugin author's Jest tests, and the
        // bundle copied to www/plugin/ for the loader e2e test below.
        checks.push(Check::new(
            "Flex plugin (flex-plugin-scripts build, bundle, Jest)",
            Step::new("node").args(["js/plugin-check.mjs"]),
        ));
        // The demo page with the real package in headless Chromium, driven by clicks.
        checks.push(Check {
            needs_sim: true,
            ..Check::new(
                "e2e (Playwright, headless Chromium, sim running)",
                Step::new("node").args([
                    "--test",
                    "--test-concurrency=1",
                    "--test-reporter=spec",
                    "js/e2e/",
                ]),
            )
        });
    }
    checks
}

/// `cargo test` of the wasm package on wasm32, every test module in headless Chromium.
///
/// `--tests` leaves doctests out on purpose: on wasm32 they are compiled but the runner
/// finds no `#[wasm_bindgen_test]` in them and reports success without running them
/// (they run natively in `native tests`).
fn wasm_tests() -> Step {
    let mut step = Step::cargo();
    for key in RUNNER_ENV_TO_CLEAR {
        step = step.env_remove(key);
    }
    step.env(
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
        "wasm-bindgen-test-runner",
    )
    .env("CHROMEDRIVER", setup::chromedriver().display().to_string())
    // Modules without `wasm_bindgen_test_configure!(run_in_browser)` (e.g. unit tests in
    // src/) would otherwise run in Node.
    .env("WASM_BINDGEN_USE_BROWSER", "1")
    .env(
        "WASM_BINDGEN_TEST_WEBDRIVER_JSON",
        repo_root().join("webdriver.json").display().to_string(),
    )
    .env("WASM_BINDGEN_TEST_TIMEOUT", WASM_TEST_TIMEOUT_SECS)
    .env("WASM_BINDGEN_TEST_DRIVER_TIMEOUT", DRIVER_TIMEOUT_SECS)
    .args([
        "test",
        "-p",
        WASM_PACKAGE,
        "--target",
        WASM_TARGET,
        "--tests",
    ])
}

/// Prints one line per step: its duration, FAILED or skipped.
fn print_summary(summary: &[(&str, Outcome)]) {
    let width = summary
        .iter()
        .map(|(name, _)| name.len())
        .max()
        .unwrap_or(0);
    println!("\nsummary:");
    let mut total = Duration::ZERO;
    for (name, outcome) in summary {
        let result = match outcome {
            Outcome::Passed(took) => {
                total += *took;
                format!("ok      {:>12}", format_duration(*took))
            }
            Outcome::Failed(took) => {
                total += *took;
                format!("FAILED  {:>12}", format_duration(*took))
            }
            Outcome::Skipped => "skipped".to_owned(),
        };
        println!("  {name:<width$}  {result}");
    }
    println!("  {:<width$}  total   {:>12}", "", format_duration(total));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(scope: Scope) -> Vec<&'static str> {
        checks(scope).iter().map(|check| check.name).collect()
    }

    #[test]
    fn scopes_select_steps_in_order() {
        assert_eq!(
            names(Scope::All),
            [
                "fmt",
                "clippy (native)",
                "docs",
                "clippy (wasm32)",
                "native tests (engine, sim, xtask)",
                "fmt (bench crate)",
                "clippy (bench crate)",
                "bench crate tests (replayed reference, shootout smoke)",
                "wasm tests (headless Chromium, sim running)",
                "package (tsc, bundle, size)",
                "fake Flex host (semantics, headless Chromium)",
                "Flex plugin (flex-plugin-scripts build, bundle, Jest)",
                "e2e (Playwright, headless Chromium, sim running)"
            ]
        );
        assert_eq!(
            names(Scope::Native),
            [
                "fmt",
                "clippy (native)",
                "docs",
                "native tests (engine, sim, xtask)",
                "fmt (bench crate)",
                "clippy (bench crate)",
                "bench crate tests (replayed reference, shootout smoke)"
            ]
        );
        assert_eq!(
            names(Scope::Wasm),
            [
                "clippy (wasm32)",
                "wasm tests (headless Chromium, sim running)",
                "package (tsc, bundle, size)",
                "fake Flex host (semantics, headless Chromium)",
                "Flex plugin (flex-plugin-scripts build, bundle, Jest)",
                "e2e (Playwright, headless Chromium, sim running)"
            ]
        );
    }

    #[test]
    fn wasm_tests_pick_chromium_headless() {
        let shown = wasm_tests().to_string();
        assert!(shown.contains("CHROMEDRIVER="));
        assert!(shown.contains("WASM_BINDGEN_USE_BROWSER=1"));
        assert!(shown.ends_with("--target wasm32-unknown-unknown --tests"));
    }
}
