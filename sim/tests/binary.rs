//! The binary and the library's server over real sockets: the listening line, `--port 0`, the
//! health check, and shutdown.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{raw_exchange, raw_get};
use sim::Options;

/// `GET path` over a fresh connection with the std library; the whole response.
fn blocking_get(port: u16, path: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("a read timeout");
    stream.write_all(&raw_get(path)).expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("a response");
    response
}

#[test]
fn the_binary_prints_its_url_and_answers_health() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sim"))
        .args(["--port", "0", "--token", "t1", "--seed", "3"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the sim binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("a line");
    let port: u16 = line
        .trim_end()
        .strip_prefix("listening on http://127.0.0.1:")
        .unwrap_or_else(|| panic!("unexpected line {line:?}"))
        .parse()
        .expect("a port");
    assert_ne!(port, 0);
    let response = blocking_get(port, "/sim/health");
    child.kill().expect("kill");
    let _ = child.wait();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with(r#"{"ok":true}"#), "{response}");
}

#[test]
fn the_binary_refuses_unknown_arguments() {
    let status = Command::new(env!("CARGO_BIN_EXE_sim"))
        .arg("--bogus")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the sim binary runs");
    assert_eq!(status.code(), Some(2));
}

#[tokio::test]
async fn spawn_serves_on_a_free_port_until_shut_down() {
    let running = sim::spawn(Options::default()).await.unwrap();
    assert!(running.url().starts_with("http://127.0.0.1:"));
    assert_ne!(running.addr().port(), 0);
    let response = raw_exchange(running.addr(), &raw_get("/sim/health")).await;
    let response = String::from_utf8_lossy(&response).into_owned();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.contains("access-control-allow-origin: *"),
        "{response}"
    );
    let addr = running.addr();
    running.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[test]
fn the_binary_prints_nothing_but_the_listening_line_on_stdout() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sim"))
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the sim binary starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("a line");
    let port: u16 = line
        .strip_prefix("listening on http://127.0.0.1:")
        .and_then(|rest| rest.strip_suffix('\n'))
        .unwrap_or_else(|| panic!("unexpected line {line:?}"))
        .parse()
        .expect("a port");
    // A serverless request writes a log line (to stderr), a missing page a 404.
    let response = blocking_get(
        port,
        "/common/flex/programmable-voice/get-call-properties?Token=sim-token&callSid=CA1",
    );
    assert!(response.starts_with("HTTP/1.1 404"), "{response}");
    blocking_get(port, "/nope");
    child.kill().expect("kill");
    let mut rest = String::new();
    stdout
        .read_to_string(&mut rest)
        .expect("the rest of stdout");
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("piped stderr")
        .read_to_string(&mut stderr)
        .expect("stderr");
    let _ = child.wait();
    assert_eq!(rest, "");
    assert!(stderr.contains("get-call-properties -> 404"), "{stderr}");
    assert!(!stderr.contains("sim-token"), "{stderr}");
}

/// Runs the binary with `args`; its exit code, stdout and stderr. A binary still running after
/// 5 s is killed (exit code `None`).
fn run_briefly(args: &[&str]) -> (Option<i32>, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sim"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the sim binary runs");
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let code = loop {
        if let Some(status) = child.try_wait().expect("a status") {
            break status.code();
        }
        if std::time::Instant::now() > deadline {
            child.kill().expect("kill");
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    if let Some(mut out) = child.stdout.take() {
        out.read_to_string(&mut stdout).expect("stdout");
    }
    if let Some(mut err) = child.stderr.take() {
        err.read_to_string(&mut stderr).expect("stderr");
    }
    (code, stdout, stderr)
}

#[test]
fn bad_arguments_are_explained_on_stderr_with_a_failing_exit() {
    for args in [
        &["--port", "70000"][..],
        &["--port"],
        &["--port", "-1"],
        &["--seed", "x"],
        &["--quiet=yes"],
        &["--token", ""],
        &["stray"],
    ] {
        let (code, stdout, stderr) = run_briefly(args);
        assert_eq!(code, Some(2), "{args:?}: {stdout} {stderr}");
        assert_eq!(stdout, "", "{args:?}");
        assert!(stderr.starts_with("sim: "), "{args:?}: {stderr}");
        assert!(stderr.contains("usage: sim"), "{args:?}: {stderr}");
    }
}

#[tokio::test]
async fn garbage_on_the_socket_never_stops_the_server() {
    let running = sim::spawn(Options::default()).await.unwrap();
    for garbage in [
        &b"\xff\xfe\x00\r\n\r\n"[..],
        b"GET /\xff HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /common/flex/programmable-voice/add-participant HTTP/1.1\r\nContent-Length: 99999\r\n\r\nToken=",
        b"POST /sim/calls HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"GET /sim/health HTTP/1.1\r\nHost: x\r\nX: \xff\x01\r\n\r\n",
    ] {
        // Write and hang up without reading: hyper answers 400 or gives up on the connection.
        let mut stream = tokio::net::TcpStream::connect(running.addr())
            .await
            .unwrap();
        tokio::io::AsyncWriteExt::write_all(&mut stream, garbage)
            .await
            .unwrap();
        drop(stream);
    }
    let response = raw_exchange(running.addr(), &raw_get("/sim/health")).await;
    assert!(String::from_utf8_lossy(&response).starts_with("HTTP/1.1 200"));
    running.shutdown().await;
}
