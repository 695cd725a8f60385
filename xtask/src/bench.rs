//! `cargo xtask bench` (issue 6): builds the package and the example Flex plugin, runs the native
//! criterion benchmark (bench/), then measures in headless Chromium against the sim, runs the
//! fuzzer and the shootout (ours against the replayed reference), and writes `BENCHMARKS.md`
//! (js/bench.mjs). Budgets are reported, never enforced: only a broken run fails — or a
//! violation of a DESIGN §6 invariant by our engine in the shootout.

use crate::build;
use crate::proc::Step;
use crate::setup::{self, Needs};
use crate::sim::{SimProcess, SIM_URL_ENV};
use crate::Result;

/// Shootout scenarios without `--scenarios`.
pub(crate) const DEFAULT_SCENARIOS: u64 = 1_000;

/// Runs the benchmarks and writes `BENCHMARKS.md`; the shootout runs `scenarios` scenarios.
pub(crate) fn run(scenarios: u64) -> Result<()> {
    setup::run(Needs::ALL)?;
    build::run(false)?;
    let plugin = Step::new("node").args(["js/plugin-check.mjs"]);
    println!("\n==> {plugin}");
    plugin.run()?;
    // P3 natively (criterion), in its own crate and target directory: never built by `test`.
    let criterion_home = crate::proc::repo_root()
        .join("target")
        .join("bench")
        .join("criterion");
    let criterion = Step::cargo()
        .env("CRITERION_HOME", criterion_home.display().to_string())
        .args([
            "bench",
            "--manifest-path",
            "bench/Cargo.toml",
            "--target-dir",
            "target/bench",
            "--bench",
            "snapshot",
        ]);
    println!("\n==> {criterion}");
    criterion.run()?;
    // The fuzzing driver (bench/src/bin/fuzz.rs) and the shootout (bench/src/bin/shootout), run
    // by js/bench.mjs.
    let fuzz = Step::cargo().args([
        "build",
        "--release",
        "--manifest-path",
        "bench/Cargo.toml",
        "--target-dir",
        "target/bench",
        "--bin",
        "fuzz",
        "--bin",
        "shootout",
    ]);
    println!("\n==> {fuzz}");
    fuzz.run()?;
    let sim = SimProcess::start()?;
    let bench = Step::new("node")
        .env(SIM_URL_ENV, sim.url())
        .env("SHOOTOUT_SCENARIOS", scenarios.to_string())
        .args(["js/bench.mjs"]);
    println!("\n==> {bench}");
    bench.run()?;
    drop(sim);
    Ok(())
}
