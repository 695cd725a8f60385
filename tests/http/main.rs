//! The engine through its HTTP driver (`ConferenceClient`) against the emulator (`sim`), in
//! headless Chromium: every SPEC §13 scenario that needs no Flex UI, and the faults of issue 3.
//!
//! `cargo xtask test` starts the sim on a free port and passes its URL in
//! `FLEX_CONFERENCE_SIM_URL` at build time; each test sets up its own call through the sim's
//! control API, plays Flex (task snapshots from `/sim/tasks`, native actions through
//! `/sim/legs/…`) and the callers, lets the call settle, then checks the scenario's "Final"
//! against `/sim/conferences/{sid}` and the DESIGN §6 invariants against that plus the request log
//! (see `invariants.rs`). Tests run one after another in one browser page, so the sim's global
//! settings and faults are reset at the start of each.

#![cfg(target_arch = "wasm32")]

mod harness;
mod invariants;

mod adding;
mod faults;
mod holding;
mod leaving;
mod several_agents;
mod template;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
