//! `sim`: serves the loopback emulator on 127.0.0.1 (see the library's docs).
//!
//! ```text
//! sim [--port N] [--token T]... [--www DIR] [--pkg DIR] [--seed N] [--quiet]
//! ```
//!
//! Prints exactly `listening on http://127.0.0.1:PORT` on stdout once it accepts connections;
//! request log lines go to stderr. Stops on SIGINT or SIGTERM.

use std::io::Write;
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::process::ExitCode;

use sim::{Options, Sim};
use tokio::net::TcpListener;

const USAGE: &str =
    "usage: sim [--port N] [--token T]... [--www DIR] [--pkg DIR] [--seed N] [--quiet]";

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        log_requests: true,
        ..Options::default()
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg, None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--port" => {
                options.port = value()?
                    .parse()
                    .map_err(|_| "--port must be 0-65535".to_owned())?;
            }
            "--token" => {
                let token = value()?;
                if token.is_empty() {
                    return Err("--token must not be empty".to_owned());
                }
                options.tokens.push(token);
            }
            "--www" => options.www = PathBuf::from(value()?),
            "--pkg" => options.pkg = PathBuf::from(value()?),
            "--seed" => {
                options.seed = value()?
                    .parse()
                    .map_err(|_| "--seed must be a whole number".to_owned())?;
            }
            "--quiet" | "-h" | "--help" if inline.is_some() => {
                return Err(format!("{flag} takes no value"));
            }
            "--quiet" => options.log_requests = false,
            // An empty error means "print the usage and exit successfully".
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(options)
}

/// Completes on SIGINT or (on Unix) SIGTERM.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) if message.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("sim: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let listener = match TcpListener::bind((Ipv4Addr::LOCALHOST, options.port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("sim: cannot listen on 127.0.0.1:{}: {e}", options.port);
            return ExitCode::FAILURE;
        }
    };
    let port = match listener.local_addr() {
        Ok(addr) => addr.port(),
        Err(e) => {
            eprintln!("sim: {e}");
            return ExitCode::FAILURE;
        }
    };
    let sim = Sim::new(&options);
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "listening on http://127.0.0.1:{port}")
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    drop(stdout);
    match sim::serve_with_shutdown(listener, sim, stop_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sim: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn flags_take_separate_or_inline_values() {
        let o = parse_args(args(
            "--port 0 --token a --token=b --www w --pkg=p --seed 9 --quiet",
        ))
        .unwrap();
        assert_eq!(o.port, 0);
        assert_eq!(o.tokens, ["a", "b"]);
        assert_eq!(o.www, PathBuf::from("w"));
        assert_eq!(o.pkg, PathBuf::from("p"));
        assert_eq!(o.seed, 9);
        assert!(!o.log_requests);
    }

    #[test]
    fn bad_arguments_are_refused() {
        assert!(parse_args(args("--port")).is_err());
        assert!(parse_args(args("--port 70000")).is_err());
        assert!(parse_args(args("--bogus")).is_err());
        assert!(parse_args(args("--quiet=1")).is_err());
        assert!(parse_args(args("--help=1")).is_err());
        assert!(parse_args(vec!["--token".to_owned(), String::new()]).is_err());
    }
}
