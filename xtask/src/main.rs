//! `cargo xtask`: the project's task runner (alias in `.cargo/config.toml`).
//!
//! - `cargo xtask setup` installs what is missing (wasm32 target, wasm-bindgen CLI at
//!   Cargo.lock's version, Debian Chromium + chromedriver) and skips what is present.
//! - `cargo xtask test [--native | --wasm]` runs setup, then every check, failing fast.
//! - `cargo xtask ci` is `cargo xtask test` (what `.ci/run` calls).
//! - `cargo xtask build` builds the release wasm and the npm package into `pkg/`.
//! - `cargo xtask size` builds and fails when the package's gzip weight exceeds the budget.
//! - `cargo xtask demo [--port N]` builds and serves the demo with the sim.
//! - `cargo xtask bench` builds, measures and writes `BENCHMARKS.md` (issue 6).
//!
//! Std only, so that the runner itself compiles in about a second on a fresh machine.

mod bench;
mod build;
mod check;
mod demo;
mod proc;
mod setup;
mod sim;

use std::process::ExitCode;

/// The result type of every task: errors are messages for the person at the terminal.
pub(crate) type Result<T, E = String> = std::result::Result<T, E>;

/// Usage text printed for `help` and after an unknown argument.
const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  setup            install what is missing (wasm32 target, wasm-bindgen CLI, Chromium, npm ci in js/)
  test [--native | --wasm]
                   setup, then fmt, clippy (native and wasm32), native tests (engine, sim),
                   wasm tests in headless Chromium (with the sim running for the HTTP suite),
                   the package, the fake Flex host, the example Flex plugin's real build and
                   Jest tests, and the e2e suite;
                   --native skips the wasm32 steps, --wasm runs only them
  ci               same as `test` (what .ci/run calls)
  demo [--port N]  install, build, serve the demo with the sim (default port 8787), print its URL
  build            release wasm + the npm package into pkg/ (shim type-checked and bundled), sizes
  size             build, then fail if the package's gzip weight exceeds the budget
  bench [--scenarios N]
                   build, then measure (weight, cold start, engine cost, requests, time to safe,
                   fuzzing, and the shootout of N random scenarios against the replayed reference,
                   default 1000) and write BENCHMARKS.md
  help             this text";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Dispatches one command line.
fn run(args: &[&str]) -> Result<()> {
    match args {
        ["setup"] => setup::run(setup::Needs::ALL).map(drop),
        ["test" | "ci", options @ ..] => check::run(parse_scope(options)?),
        ["build"] => build::run(false),
        ["size"] => build::run(true),
        ["bench"] => bench::run(bench::DEFAULT_SCENARIOS),
        ["bench", "--scenarios", n] => {
            bench::run(n.parse().map_err(|_| {
                format!("`--scenarios` takes a whole number of scenarios, got `{n}`")
            })?)
        }
        ["demo"] => demo::run(demo::DEFAULT_PORT),
        ["demo", "--port", port] => demo::run(
            port.parse()
                .map_err(|_| format!("`--port` takes a port number (0-65535), got `{port}`"))?,
        ),
        [] | ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unknown arguments `{}`\n\n{USAGE}", args.join(" "))),
    }
}

/// Parses the options of `test`.
fn parse_scope(options: &[&str]) -> Result<check::Scope> {
    match options {
        [] => Ok(check::Scope::All),
        ["--native"] => Ok(check::Scope::Native),
        ["--wasm"] => Ok(check::Scope::Wasm),
        _ => Err(format!(
            "`test` takes at most one of --native, --wasm; got `{}`",
            options.join(" ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_options_parse() {
        assert_eq!(parse_scope(&[]), Ok(check::Scope::All));
        assert_eq!(parse_scope(&["--native"]), Ok(check::Scope::Native));
        assert_eq!(parse_scope(&["--wasm"]), Ok(check::Scope::Wasm));
        assert!(parse_scope(&["--native", "--wasm"]).is_err());
        assert!(parse_scope(&["--nope"]).is_err());
    }
}
