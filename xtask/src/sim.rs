//! Starting and stopping the emulator (`sim/`) around the steps that talk to it.
//!
//! The sim binary is built, started on a free port (`--port 0`) and its URL read from the line it
//! prints once it accepts connections; the steps that need it get the URL in
//! [`SIM_URL_ENV`]. Dropping the [`SimProcess`] kills it, also when a step fails.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use crate::build::target_dir;
use crate::proc::{command, Step};
use crate::Result;

/// The environment variable that carries the running sim's base URL (`http://127.0.0.1:PORT`)
/// into the wasm test build (read with `option_env!` by `tests/http`).
pub(crate) const SIM_URL_ENV: &str = "FLEX_CONFERENCE_SIM_URL";

/// How long the sim may take to print its listening line.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// What the sim prints once it accepts connections.
const LISTENING_PREFIX: &str = "listening on ";

/// A running sim; killed on drop.
#[derive(Debug)]
pub(crate) struct SimProcess {
    child: Child,
    url: String,
}

impl SimProcess {
    /// Builds the sim, starts it on a free loopback port and waits for its listening line.
    pub(crate) fn start() -> Result<Self> {
        Self::start_on(0, true)
    }

    /// Builds the sim and starts it on `port` (0 = any free one), serving `www/` and `pkg/`;
    /// `quiet` drops its per-request log lines.
    pub(crate) fn start_on(port: u16, quiet: bool) -> Result<Self> {
        Step::cargo().args(["build", "-p", "sim"]).run()?;
        let root = crate::proc::repo_root();
        let port = port.to_string();
        let www = root.join("www").display().to_string();
        let pkg = root.join("pkg").display().to_string();
        let mut args = vec!["--port", &port, "--www", &www, "--pkg", &pkg];
        if quiet {
            args.push("--quiet");
        }
        let exe = target_dir()
            .join("debug")
            .join(format!("sim{}", std::env::consts::EXE_SUFFIX));
        let mut child = command(&exe)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|err| format!("cannot start {}: {err}", exe.display()))?;
        let Some(stdout) = child.stdout.take() else {
            let _ = child.kill();
            return Err("the sim's stdout is not captured".to_owned());
        };
        let (tx, rx) = mpsc::channel();
        // Reads the first line for us, then keeps draining (and echoing) so the sim never
        // blocks on a full pipe.
        thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let first = lines.next();
            let _ = tx.send(first);
            for line in lines.map_while(std::result::Result::ok) {
                println!("sim: {line}");
            }
        });
        let mut sim = Self {
            child,
            url: String::new(),
        };
        let line = match rx.recv_timeout(START_TIMEOUT) {
            Ok(Some(Ok(line))) => line,
            Ok(_) => return Err("the sim exited before printing its listening line".to_owned()),
            Err(_) => {
                return Err(format!(
                    "the sim printed no listening line within {} s",
                    START_TIMEOUT.as_secs()
                ))
            }
        };
        sim.url = parse_listening_line(&line)?;
        println!("sim: {line}");
        Ok(sim)
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// Waits until the sim exits (Ctrl-C ends both).
    pub(crate) fn wait(&mut self) -> Result<()> {
        let status = self
            .child
            .wait()
            .map_err(|err| format!("cannot wait for the sim: {err}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("the sim exited ({status})"))
        }
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The URL in `listening on http://127.0.0.1:PORT`.
fn parse_listening_line(line: &str) -> Result<String> {
    let url = line
        .trim()
        .strip_prefix(LISTENING_PREFIX)
        .ok_or_else(|| format!("unexpected first line from the sim: {line:?}"))?;
    let port = url
        .strip_prefix("http://127.0.0.1:")
        .ok_or_else(|| format!("the sim does not listen on loopback: {url:?}"))?;
    match port.parse::<u16>() {
        Ok(port) if port != 0 => Ok(url.to_owned()),
        _ => Err(format!("the sim printed no usable port: {line:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listening_line_gives_the_loopback_url() {
        assert_eq!(
            parse_listening_line("listening on http://127.0.0.1:41234\n"),
            Ok("http://127.0.0.1:41234".to_owned())
        );
    }

    #[test]
    fn other_first_lines_are_refused_with_the_line_shown() {
        for line in [
            "starting",
            "listening on http://0.0.0.0:80",
            "listening on http://127.0.0.1:0",
            "listening on http://127.0.0.1:x",
        ] {
            let err = parse_listening_line(line).unwrap_err();
            assert!(
                err.contains(line.split(' ').next_back().unwrap_or(line)),
                "{err}"
            );
        }
    }
}
