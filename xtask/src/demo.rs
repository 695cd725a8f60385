//! `cargo xtask demo [--port N]`: installs what is missing, builds the package, starts the sim
//! serving the demo page (`www/`) and the package (`pkg/`), prints the URL, and runs until
//! interrupted.

use crate::build;
use crate::sim::SimProcess;
use crate::Result;

/// The demo's port when none is given: a fixed one, so the URL can be bookmarked.
pub(crate) const DEFAULT_PORT: u16 = 8787;

/// Builds and serves the demo on `port` (0 = any free port).
pub(crate) fn run(port: u16) -> Result<()> {
    build::run(false)?;
    let mut sim = SimProcess::start_on(port, false)
        .map_err(|err| format!("{err}\n(is port {port} taken? try `cargo xtask demo --port 0`)"))?;
    println!();
    println!("demo: open {}/ in a browser", sim.url());
    println!("demo: each page load starts a new call; the Callers panel answers, rejects and hangs up legs");
    println!("demo: Ctrl-C stops it");
    sim.wait()
}
