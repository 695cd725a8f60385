//! Test helpers: an in-process sim driven through `tower::ServiceExt::oneshot`, a few shortcuts
//! for the control API and the serverless endpoints, and a raw TCP client for real sockets.
//!
//! Every test binary uses a different part, hence `allow(dead_code)`.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request};
use serde_json::{json, Value};
use sim::{DropConnection, Options, Sim};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tower::ServiceExt;

/// The token the sim accepts by default.
pub(crate) const TOKEN: &str = "sim-token";
/// The agent's worker SID.
pub(crate) const WORKER: &str = "WK00000000000000000000000000000001";
/// A second agent.
pub(crate) const WORKER_B: &str = "WK00000000000000000000000000000002";
/// The customer's number.
pub(crate) const CUSTOMER: &str = "+14155550100";
/// The third party's number.
pub(crate) const X: &str = "+14155550101";
/// Another dialable number.
pub(crate) const Y: &str = "+14155550102";
/// Twilio's valid test caller ID.
pub(crate) const CALLER_ID: &str = "+15005550006";

/// An answer, read whole.
#[derive(Debug)]
pub(crate) struct Reply {
    /// HTTP status.
    pub(crate) status: u16,
    /// Headers.
    pub(crate) headers: HeaderMap,
    /// Body bytes.
    pub(crate) body: Vec<u8>,
    /// The response carried the "drop the connection" marker (no byte reaches a real client).
    pub(crate) dropped: bool,
}

impl Reply {
    /// The body as JSON.
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// The body as text.
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header's value.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// The legs of a call made with `POST /sim/calls`.
#[derive(Clone, Debug)]
pub(crate) struct Call {
    /// `WT…`.
    pub(crate) task: String,
    /// `CF…`.
    pub(crate) conference: String,
    /// The agent's call SID.
    pub(crate) agent: String,
    /// The customer's call SID.
    pub(crate) customer: String,
}

/// A sim served in process.
#[derive(Clone, Debug)]
pub(crate) struct TestSim {
    /// The sim.
    pub(crate) sim: Sim,
}

impl TestSim {
    /// A sim with default options and a fixed seed.
    pub(crate) fn new() -> Self {
        Self::with(Options {
            seed: 7,
            ..Options::default()
        })
    }

    /// A sim with these options.
    pub(crate) fn with(options: Options) -> Self {
        Self {
            sim: Sim::new(&options),
        }
    }

    /// A sim whose creates ring at once (no 1-CPS queueing).
    pub(crate) async fn unqueued() -> Self {
        let s = Self::new();
        s.settings(json!({"createIntervalMs": 0})).await;
        s
    }

    /// Any request.
    pub(crate) async fn request(
        &self,
        method: Method,
        uri: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Reply {
        let mut builder = Request::builder().method(method).uri(uri);
        if let Some(ct) = content_type {
            builder = builder.header("content-type", ct);
        }
        let request = builder.body(Body::from(body)).expect("a valid request");
        let response = self
            .sim
            .router()
            .oneshot(request)
            .await
            .expect("the router is infallible");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let dropped = response.extensions().get::<DropConnection>().is_some();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("a readable body")
            .to_vec();
        Reply {
            status,
            headers,
            body,
            dropped,
        }
    }

    /// `GET`.
    pub(crate) async fn get(&self, uri: &str) -> Reply {
        self.request(Method::GET, uri, None, Vec::new()).await
    }

    /// `DELETE`.
    pub(crate) async fn delete(&self, uri: &str) -> Reply {
        self.request(Method::DELETE, uri, None, Vec::new()).await
    }

    /// `POST` a JSON body.
    pub(crate) async fn post_json(&self, uri: &str, body: Value) -> Reply {
        self.request(
            Method::POST,
            uri,
            Some("application/json"),
            body.to_string().into_bytes(),
        )
        .await
    }

    /// `POST` an urlencoded form to a serverless endpoint, exactly these fields.
    pub(crate) async fn form(&self, endpoint: &str, fields: &[(&str, &str)]) -> Reply {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.request(
            Method::POST,
            &format!("/common/flex/programmable-voice/{endpoint}"),
            Some("application/x-www-form-urlencoded"),
            body.into_bytes(),
        )
        .await
    }

    /// `POST` a form to a serverless endpoint with the valid token added.
    pub(crate) async fn call(&self, endpoint: &str, fields: &[(&str, &str)]) -> Reply {
        let mut all = vec![("Token", TOKEN)];
        all.extend_from_slice(fields);
        self.form(endpoint, &all).await
    }

    /// Merges settings.
    pub(crate) async fn settings(&self, patch: Value) -> Value {
        let reply = self.post_json("/sim/settings", patch).await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        reply.json()
    }

    /// Injects a fault.
    pub(crate) async fn fault(&self, spec: Value) -> u64 {
        let reply = self.post_json("/sim/faults", spec).await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        reply.json()["id"].as_u64().expect("an id")
    }

    /// A live two-party call.
    pub(crate) async fn new_call(&self) -> Call {
        let reply = self
            .post_json(
                "/sim/calls",
                json!({"worker": {"sid": WORKER, "name": "alice"}, "customer": {"number": CUSTOMER}}),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        let v = reply.json();
        let s = |k: &str| v[k].as_str().expect("a SID").to_owned();
        Call {
            task: s("taskSid"),
            conference: s("conferenceSid"),
            agent: s("agentCallSid"),
            customer: s("customerCallSid"),
        }
    }

    /// `GET /sim/conferences/{key}`.
    pub(crate) async fn conference(&self, key: &str) -> Value {
        let reply = self.get(&format!("/sim/conferences/{key}")).await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        reply.json()
    }

    /// One leg of a conference, as `GET /sim/conferences/{key}` lists it.
    pub(crate) async fn leg(&self, conference: &str, call_sid: &str) -> Value {
        let c = self.conference(conference).await;
        c["participants"]
            .as_array()
            .expect("participants")
            .iter()
            .find(|p| p["callSid"] == call_sid)
            .cloned()
            .unwrap_or_else(|| panic!("no leg {call_sid} in {c}"))
    }

    /// `POST /sim/legs/{callSid}/{action}`.
    pub(crate) async fn act(&self, call_sid: &str, action: &str) -> Reply {
        self.post_json(&format!("/sim/legs/{call_sid}/{action}"), json!({}))
            .await
    }

    /// `add-participant` of `to` (from [`CALLER_ID`]) into `conference`; the raw reply.
    pub(crate) async fn try_add(&self, conference: &str, to: &str) -> Reply {
        self.call(
            "add-participant",
            &[("taskSid", conference), ("to", to), ("from", CALLER_ID)],
        )
        .await
    }

    /// Adds `to` through `add-participant`; returns the new call SID.
    pub(crate) async fn add(&self, conference: &str, to: &str) -> String {
        let reply = self.try_add(conference, to).await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        reply.json()["participantsResponse"]["callSid"]
            .as_str()
            .expect("a call SID")
            .to_owned()
    }

    /// Adds `to` and answers it.
    pub(crate) async fn add_answered(&self, conference: &str, to: &str) -> String {
        let call_sid = self.add(conference, to).await;
        let reply = self.act(&call_sid, "answer").await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        call_sid
    }

    /// Sets a leg's flag through `update-participant`.
    pub(crate) async fn set_ecoe(&self, conference: &str, call_sid: &str, value: bool) -> Reply {
        self.call(
            "update-participant",
            &[
                ("conference", conference),
                ("participant", call_sid),
                ("endConferenceOnExit", if value { "true" } else { "false" }),
            ],
        )
        .await
    }

    /// The event names of a conference, in order.
    pub(crate) async fn event_names(&self, conference: &str) -> Vec<String> {
        self.conference(conference).await["events"]
            .as_array()
            .expect("events")
            .iter()
            .map(|e| e["event"].as_str().expect("an event name").to_owned())
            .collect()
    }
}

/// Sends raw bytes to a real socket and reads until the server closes the connection (or 5 s
/// pass); returns every byte received.
pub(crate) async fn raw_exchange(addr: SocketAddr, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request).await.expect("write");
    let mut received = Vec::new();
    let read =
        tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut received)).await;
    assert!(read.is_ok(), "the server neither answered nor closed");
    received
}

/// A raw HTTP/1.1 form POST with `Connection: close`.
pub(crate) fn raw_form_post(path: &str, body: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A raw HTTP/1.1 GET with `Connection: close`.
pub(crate) fn raw_get(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").into_bytes()
}
