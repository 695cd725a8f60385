//! Running external programs: paths, the `Step` command builder, timing.

use std::env;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::Result;

/// The workspace root (the directory holding the root `Cargo.toml`).
pub(crate) fn repo_root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let xtask_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        xtask_dir.parent().unwrap_or(xtask_dir).to_path_buf()
    })
}

/// Where `cargo install` puts binaries: `$CARGO_INSTALL_ROOT/bin`, else `$CARGO_HOME/bin`,
/// else `~/.cargo/bin`.
pub(crate) fn cargo_bin_dir() -> Option<PathBuf> {
    let root = env::var_os("CARGO_INSTALL_ROOT")
        .or_else(|| env::var_os("CARGO_HOME"))
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))?;
    Some(root.join("bin"))
}

/// `PATH` for every child process: the inherited one with cargo's bin directory first, so
/// that the `wasm-bindgen` that `cargo install` just put there is the one that runs, even in
/// the same run and even when another version sits elsewhere on `PATH`.
fn child_path() -> &'static OsString {
    static PATH: OnceLock<OsString> = OnceLock::new();
    PATH.get_or_init(|| {
        let mut dirs: Vec<PathBuf> = env::var_os("PATH")
            .map(|path| env::split_paths(&path).collect())
            .unwrap_or_default();
        if let Some(bin) = cargo_bin_dir() {
            dirs.retain(|dir| *dir != bin);
            dirs.insert(0, bin);
        }
        env::join_paths(dirs).unwrap_or_else(|_| env::var_os("PATH").unwrap_or_default())
    })
}

/// Looks `program` up in the children's `PATH`.
pub(crate) fn find_program(program: &str) -> Option<PathBuf> {
    env::split_paths(child_path())
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// A `Command` for `program`, run from the repository root with the children's `PATH`.
pub(crate) fn command(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut command = Command::new(program);
    command.current_dir(repo_root()).env("PATH", child_path());
    command
}

/// Runs `program args` with captured output and returns its trimmed stdout, or `None` when
/// it cannot be started or fails. For probes such as `tool --version`.
pub(crate) fn probe(program: &str, args: &[&str]) -> Option<String> {
    let output = command(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// One external command, printable exactly as it runs (environment changes included).
#[derive(Debug, Clone)]
pub(crate) struct Step {
    /// What runs, as shown (`cargo` rather than the full path of `$CARGO`).
    shown: String,
    /// What runs, as started.
    program: OsString,
    args: Vec<String>,
    envs: Vec<(String, String)>,
    removed_envs: Vec<String>,
}

impl Step {
    /// A step running `program` (looked up in `PATH`).
    pub(crate) fn new(program: &str) -> Self {
        Self {
            shown: program.to_owned(),
            program: program.into(),
            args: Vec::new(),
            envs: Vec::new(),
            removed_envs: Vec::new(),
        }
    }

    /// A step running the cargo that started us (`$CARGO`), so the toolchain stays the same.
    pub(crate) fn cargo() -> Self {
        Self {
            program: env::var_os("CARGO").unwrap_or_else(|| "cargo".into()),
            ..Self::new("cargo")
        }
    }

    /// Appends arguments.
    pub(crate) fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets an environment variable for the child.
    pub(crate) fn env(mut self, key: &str, value: impl Into<String>) -> Self {
        self.envs.push((key.to_owned(), value.into()));
        self
    }

    /// Removes an inherited environment variable from the child's environment.
    pub(crate) fn env_remove(mut self, key: &str) -> Self {
        self.removed_envs.push(key.to_owned());
        self
    }

    /// The `Command` this step runs, output inherited.
    pub(crate) fn command(&self) -> Command {
        let mut command = command(&self.program);
        command.args(&self.args);
        for key in &self.removed_envs {
            command.env_remove(key);
        }
        command.envs(self.envs.iter().map(|(key, value)| (key, value)));
        command
    }

    /// Runs the step with inherited stdio; an error names the command and its exit status.
    pub(crate) fn run(&self) -> Result<Duration> {
        let start = Instant::now();
        let status = self
            .command()
            .status()
            .map_err(|err| format!("cannot start `{}`: {err}", self.shown))?;
        if status.success() {
            Ok(start.elapsed())
        } else {
            Err(format!("`{self}` failed ({status})"))
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (key, value) in &self.envs {
            write!(f, "{key}={value} ")?;
        }
        f.write_str(&self.shown)?;
        for arg in &self.args {
            write!(f, " {arg}")?;
        }
        Ok(())
    }
}

/// Formats a duration for humans: `0.4 s`, `12.3 s`, `4 min 15 s`.
pub(crate) fn format_duration(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1} s")
    } else {
        let whole = duration.as_secs();
        format!("{} min {:02} s", whole / 60, whole % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_displays_env_then_command() {
        let step = Step::new("wasm-bindgen")
            .env("A", "1")
            .env_remove("B")
            .args(["--version"]);
        assert_eq!(step.to_string(), "A=1 wasm-bindgen --version");
    }

    #[test]
    fn durations_are_readable() {
        assert_eq!(format_duration(Duration::from_millis(420)), "0.4 s");
        assert_eq!(format_duration(Duration::from_secs(255)), "4 min 15 s");
    }

    #[test]
    fn repo_root_holds_the_workspace_manifest() {
        assert!(repo_root().join("Cargo.toml").is_file());
        assert!(repo_root().join("xtask").is_dir());
    }
}
