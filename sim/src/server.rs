//! HTTP: the router, CORS, and a connection loop that can drop a connection without answering.

use std::fmt;
use std::future::Future;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};
use tower::ServiceExt;

use crate::endpoint::BASE_PATH;
use crate::{control, serverless, statics, Options, Sim};

/// A response extension asking the connection loop to close the connection instead of writing
/// the response (an injected "drop" fault). Through [`Sim::router`] alone (e.g. `oneshot` in
/// tests) it shows up as this marker on a 500 response.
#[derive(Clone, Copy, Debug)]
pub struct DropConnection;

/// The service error that makes hyper close the connection without a response.
#[derive(Debug)]
struct Dropped;

impl fmt::Display for Dropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for Dropped {}

/// The whole HTTP surface over one sim.
pub(crate) fn router(sim: Sim) -> Router {
    let routes = Router::new()
        .route(
            &format!("{BASE_PATH}/{{endpoint}}"),
            post(serverless::handle).get(serverless::handle),
        )
        .route("/sim/health", get(control::health))
        .route("/sim/calls", post(control::create_call))
        .route("/sim/conferences", get(control::list_conferences))
        .route("/sim/conferences/{key}", get(control::get_conference))
        .route("/sim/conferences/{key}/legs", post(control::add_leg))
        .route(
            "/sim/conferences/{key}/complete",
            post(control::complete_conference),
        )
        .route("/sim/legs/{call_sid}/{action}", post(control::leg_action))
        .route(
            "/sim/faults",
            post(control::add_fault)
                .get(control::list_faults)
                .delete(control::clear_faults),
        )
        .route(
            "/sim/settings",
            get(control::get_settings).post(control::post_settings),
        )
        .route("/sim/reset", post(control::reset))
        .route("/sim/tokens", post(control::post_token))
        .route("/sim/requests", get(control::requests))
        .route("/sim/tasks/{task_sid}", get(control::task))
        .route("/sim/tasks/{task_sid}/events", get(control::task_events))
        .fallback(statics::handle)
        .with_state(sim);
    // As an outer layer, CORS runs before routing: `OPTIONS` never reaches a method router.
    Router::new()
        .fallback_service(routes)
        .layer(middleware::from_fn(cors))
}

/// CORS on every response, and `OPTIONS` on any path answered with the headers and no body.
/// The serverless paths send the template's headers (`GET,POST,OPTIONS`); the control API adds
/// `DELETE`. Headers a handler set itself (the validator's 403) are kept.
async fn cors(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let methods = if path == "/sim" || path.starts_with("/sim/") {
        "GET,POST,DELETE,OPTIONS"
    } else {
        "GET,POST,OPTIONS"
    };
    let mut response = if request.method() == Method::OPTIONS {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    for (name, value) in [
        (ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        (ACCESS_CONTROL_ALLOW_METHODS, methods),
        (ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type"),
    ] {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    response
}

/// Serves `sim` on `listener` until the task is dropped.
pub async fn serve(listener: TcpListener, sim: Sim) -> io::Result<()> {
    serve_with_shutdown(listener, sim, std::future::pending()).await
}

/// Serves `sim` on `listener` until `shutdown` completes; then stops accepting and closes every
/// open connection (long polls and event streams included).
pub async fn serve_with_shutdown(
    listener: TcpListener,
    sim: Sim,
    shutdown: impl Future<Output = ()> + Send,
) -> io::Result<()> {
    let router = sim.router();
    let mut connections = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, router.clone()));
                }
                // Out of file descriptors and the like: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.shutdown().await;
    Ok(())
}

/// One HTTP/1.1 connection. A response marked [`DropConnection`] becomes a service error, on
/// which hyper closes the connection without writing a byte of it.
async fn serve_connection(stream: TcpStream, router: Router) {
    // Best effort: a socket that refuses `TCP_NODELAY` still works.
    let _ = stream.set_nodelay(true);
    let service =
        hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
            let router = router.clone();
            async move {
                let response: Response = match router.oneshot(request.map(Body::new)).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                };
                if response.extensions().get::<DropConnection>().is_some() {
                    Err(Dropped)
                } else {
                    Ok::<_, Dropped>(response)
                }
            }
        });
    // One request per connection (`Connection: close`). Browsers re-send a request whose reused
    // keep-alive connection closes before any response byte (they take it for a stale socket),
    // so with keep-alive a drop fault would reach the handler a second time instead of failing
    // the fetch. On a fresh connection the browser reports the network error.
    // The connection's end (the client closed it, a drop fault, a reset) is not an error of the
    // sim's.
    let _ = http1::Builder::new()
        .keep_alive(false)
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

/// A sim serving on 127.0.0.1 in the background (see [`spawn`]). Dropping it stops the server
/// too.
#[derive(Debug)]
pub struct Running {
    url: String,
    addr: SocketAddr,
    sim: Sim,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl Running {
    /// Stops accepting, closes every connection, and waits for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The sim being served (its router, for in-process requests).
    pub fn sim(&self) -> &Sim {
        &self.sim
    }
}

/// Binds `127.0.0.1:options.port` (0 = any free port) and serves a new sim on it in a background
/// task of the current tokio runtime.
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// let running = sim::spawn(sim::Options::default()).await?;
/// println!("sim at {}", running.url());
/// running.shutdown().await;
/// # Ok(())
/// # }
/// ```
pub async fn spawn(options: Options) -> io::Result<Running> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, options.port)).await?;
    let addr = listener.local_addr()?;
    let sim = Sim::new(&options);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(serve_with_shutdown(listener, sim.clone(), async {
        // A send or the sender's drop both stop the server.
        let _ = stopped.await;
    }));
    Ok(Running {
        url: format!("http://{addr}"),
        addr,
        sim,
        stop: Some(stop),
        task: Some(task),
    })
}
