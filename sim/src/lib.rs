//! `sim`: a loopback emulator of Twilio conferences and of the Flex project template's
//! conference serverless endpoints (DESIGN.md §5, SPEC.md §8–§9), for the demo and for tests.
//!
//! It holds an in-memory model of Twilio conferences with Twilio's real rules (a conference
//! ends by API, when its last participant leaves, or when a participant with
//! `endConferenceOnExit` leaves — never because fewer than two remain), reproduces the known
//! quirks behind switches, and can inject faults. Its rules and choices mirror the engine's
//! native test harness (`tests/common/{twilio,backend,flex}.rs`).
//!
//! # HTTP surface
//!
//! * `POST /common/flex/programmable-voice/{add-participant, hold-participant,
//!   update-participant, remove-participant, get-call-properties, mute-participant}` and the
//!   project's extension `get-participant`: urlencoded form in, the template's envelopes, status
//!   codes and CORS headers out (see the `serverless` module's docs for the processing order).
//! * The control API under `/sim/` (JSON): `POST /sim/calls`, `GET /sim/conferences[/{sid}]`,
//!   `POST /sim/conferences/{sid}/legs`, `POST /sim/conferences/{sid}/complete`,
//!   `POST /sim/legs/{callSid}/{answer|busy|no-answer|fail|hangup|kick|hold|unhold|mute|unmute|ecoe}`,
//!   `POST|GET|DELETE /sim/faults`, `GET|POST /sim/settings`, `POST /sim/reset`,
//!   `POST /sim/tokens`, `GET /sim/requests`, `GET /sim/tasks/{taskSid}` (long poll with
//!   `since`), `GET /sim/tasks/{taskSid}/events` (server-sent events), `GET /sim/health`.
//! * Static files: `www/` at `/`, the built package at `/pkg/`.
//!
//! # Use from tests
//!
//! In process, without a socket:
//!
//! ```
//! use tower::ServiceExt;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let sim = sim::Sim::new(&sim::Options::default());
//! let response = sim
//!     .router()
//!     .oneshot(
//!         axum::http::Request::get("/sim/health")
//!             .body(axum::body::Body::empty())
//!             .expect("a valid request"),
//!     )
//!     .await
//!     .expect("the router never fails");
//! assert_eq!(response.status(), 200);
//! # }
//! ```
//!
//! Over a real socket: [`spawn`] binds 127.0.0.1 on a free port and serves in the background;
//! [`Running::url`] is the base URL and [`Running::shutdown`] stops it.
//!
//! # Logs
//!
//! With [`Options::log_requests`], one line per serverless request on stderr: the endpoint name,
//! the status and the outcome. Never a parameter value (phone numbers) or a token (DESIGN §6.8).

#![warn(missing_docs)]

mod clock;
mod control;
mod endpoint;
mod faults;
mod flex;
mod model;
mod rest;
mod server;
mod serverless;
mod settings;
mod sid;
mod statics;
mod world;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use tokio::sync::watch;

use crate::clock::Clock;
use crate::world::World;

pub use crate::server::{serve, serve_with_shutdown, spawn, DropConnection, Running};

/// How to start a sim.
#[derive(Clone, Debug)]
pub struct Options {
    /// Port on 127.0.0.1 for [`spawn`]; 0 = any free port.
    pub port: u16,
    /// Valid Flex tokens; when empty, only `sim-token` is valid.
    pub tokens: Vec<String>,
    /// The demo's directory, served at `/` (missing → 404s).
    pub www: PathBuf,
    /// The built package's directory, served at `/pkg/` (missing → 404s).
    pub pkg: PathBuf,
    /// Seed of the SID generator: the same seed gives the same SIDs in the same order.
    pub seed: u64,
    /// One stderr line per serverless request (endpoint, status, outcome).
    pub log_requests: bool,
}

impl Default for Options {
    /// Port 0, `sim-token`, `www` and `pkg` relative to the working directory, seed 1, no
    /// request log lines.
    fn default() -> Self {
        Self {
            port: 0,
            tokens: Vec::new(),
            www: PathBuf::from("www"),
            pkg: PathBuf::from("pkg"),
            seed: 1,
            log_requests: false,
        }
    }
}

/// One sim: its state, shared by every request. Cloning is cheap and shares the state.
#[derive(Clone)]
pub struct Sim {
    shared: Arc<Shared>,
}

struct Shared {
    world: Mutex<World>,
    changes: watch::Sender<u64>,
    clock: Clock,
    www: PathBuf,
    pkg: PathBuf,
    log_requests: bool,
}

impl Sim {
    /// A sim with no conferences, default settings, and the tokens of `options`.
    pub fn new(options: &Options) -> Self {
        let (changes, _) = watch::channel(0);
        Self {
            shared: Arc::new(Shared {
                world: Mutex::new(World::new(options.seed, &options.tokens)),
                changes,
                clock: Clock::new(),
                www: options.www.clone(),
                pkg: options.pkg.clone(),
                log_requests: options.log_requests,
            }),
        }
    }

    /// The HTTP surface (serverless endpoints, control API, static files), e.g. for
    /// `tower::ServiceExt::oneshot` in tests, or for [`serve`].
    pub fn router(&self) -> Router {
        server::router(self.clone())
    }

    /// Runs `f` on the state at the current time, after firing due timers; then wakes the long
    /// polls and event streams if a conference changed. Never held across an `await`.
    pub(crate) fn with_world<R>(&self, f: impl FnOnce(&mut World, u64) -> R) -> R {
        let now = self.shared.clock.now_ms();
        let mut world = self
            .shared
            .world
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        world.advance(now);
        let result = f(&mut world, now);
        let change = world.settle_versions();
        drop(world);
        self.shared.changes.send_if_modified(|seen| {
            let changed = *seen != change;
            *seen = change;
            changed
        });
        result
    }

    /// Now on the sim's clock, in epoch milliseconds (tokio's clock: a paused runtime moves it
    /// only with `tokio::time::advance`, which lets benchmarks run the sim in virtual time).
    pub fn now_ms(&self) -> u64 {
        self.shared.clock.now_ms()
    }

    /// When the model next changes by itself (a queued dial starting, a ring timing out), in
    /// epoch milliseconds; `None` when nothing is scheduled. A driver that calls the sim in
    /// process advances its clock to this time so that no change is seen late.
    pub fn next_due_ms(&self) -> Option<u64> {
        self.with_world(|world, _| world.next_due())
    }

    /// The clock.
    pub(crate) fn clock(&self) -> Clock {
        self.shared.clock
    }

    /// Notified after every change to a conference.
    pub(crate) fn subscribe(&self) -> watch::Receiver<u64> {
        self.shared.changes.subscribe()
    }

    /// Whether to log serverless requests.
    pub(crate) fn logs_requests(&self) -> bool {
        self.shared.log_requests
    }

    /// The demo's directory.
    pub(crate) fn www_dir(&self) -> &Path {
        &self.shared.www
    }

    /// The package's directory.
    pub(crate) fn pkg_dir(&self) -> &Path {
        &self.shared.pkg
    }
}

impl fmt::Debug for Sim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sim")
            .field("www", &self.shared.www)
            .field("pkg", &self.shared.pkg)
            .finish_non_exhaustive()
    }
}
