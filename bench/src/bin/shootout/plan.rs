//! Random scenarios: a setup and up to 12 steps, drawn from a seed, so that scenario `k` of seed
//! `s` is the same for both policies and on every run.

use flex_conference_bench::rng::Rng;
use serde_json::{json, Value};

use crate::world::{Agent, Setup};

/// The numbers agents dial.
pub const NUMBERS: [&str; 2] = ["+14155550101", "+14155550102"];

/// Most steps in one scenario.
const MAX_STEPS: u64 = 12;
/// Longest gap between two steps.
const MAX_GAP_MS: u64 = 15_000;

/// One thing that happens. Leg choices are indexes into what exists when the step runs (taken
/// modulo the number of candidates), so a step means the same thing for both policies whenever
/// the call looks the same; a step with no candidate is skipped.
#[derive(Clone, Debug)]
pub enum Step {
    /// The agent dials one of [`NUMBERS`] through the add dialog.
    Dial { agent: Agent, number: usize },
    /// A ringing leg answers.
    Answer(u64),
    /// A ringing leg ends unanswered (`busy` or `no-answer`).
    Unanswered(u64, &'static str),
    /// A connected non-agent party (the customer included) hangs up.
    PartyHangsUp(u64),
    /// The agent clicks Hold / Unhold / Remove (and confirms) on a non-agent participant row
    /// its Flex shows.
    Row {
        agent: Agent,
        action: &'static str,
        k: u64,
    },
    /// The agent clicks Mute (or Unmute) on a non-agent participant card its Flex shows (ours
    /// only: the reference has no mute button, D17).
    Mute { agent: Agent, k: u64, muted: bool },
    /// The agent clicks Flex's own customer-row Hold / Unhold (`HoldCall` / `UnholdCall`).
    Call { agent: Agent, action: &'static str },
    /// The agent stops dialing a ringing leg it dialed (the connecting card's Remove).
    CancelDial { agent: Agent, k: u64 },
    /// A second agent joins by internal transfer.
    SecondAgentJoins,
    /// The agent hangs up; `confirm` answers "leave while a leg rings?" with yes.
    HangUp { agent: Agent, confirm: bool },
    /// A fault for the next requests to an endpoint (`POST /sim/faults`).
    Fault(Value),
}

/// A scenario: its setup and its steps, each after a gap.
#[derive(Clone, Debug)]
pub struct Plan {
    pub setup: Setup,
    pub steps: Vec<(u64, Step)>,
}

const ENDPOINTS: [&str; 7] = [
    "add-participant",
    "update-participant",
    "hold-participant",
    "remove-participant",
    "get-call-properties",
    "get-participant",
    "mute-participant",
];

fn agent(r: &mut Rng) -> Agent {
    if r.chance(3, 4) {
        Agent::A
    } else {
        Agent::B
    }
}

fn fault(r: &mut Rng) -> Value {
    let endpoint = ENDPOINTS[r.below(ENDPOINTS.len() as u64) as usize];
    let times = 1 + r.below(4);
    match r.below(6) {
        0 | 1 => json!({"endpoint": endpoint, "status": 429, "twilioErrorCode": 20429,
            "message": "Too Many Requests", "times": times}),
        2 => json!({"endpoint": endpoint, "status": 500, "twilioErrorCode": 20500,
            "message": "Internal Server Error", "times": times}),
        3 => json!({"endpoint": endpoint, "status": 503, "twilioErrorCode": 20503,
            "message": "Service Unavailable", "times": times}),
        4 => json!({"endpoint": endpoint, "drop": true, "times": 1 + r.below(2)}),
        _ => {
            // Done at Twilio, then the answer is lost or a 503.
            let endpoint = [
                "add-participant",
                "update-participant",
                "hold-participant",
                "remove-participant",
            ][r.below(4) as usize];
            let status = if r.chance(1, 2) { 0 } else { 503 };
            json!({"endpoint": endpoint, "commitThenFail": true, "status": status,
                "twilioErrorCode": 20503, "message": "Service Unavailable", "times": 1})
        }
    }
}

impl Plan {
    /// Scenario `index` of `seed`.
    pub fn draw(seed: u64, index: u64) -> Self {
        let mut r = Rng::stream(seed, index);
        let setup = Setup {
            latency_ms: 20 + r.below(781),
            event_delay_ms: if r.chance(1, 3) { 0 } else { r.below(2_001) },
            hold_workaround: r.chance(1, 2),
            retype_held_unknown: r.chance(1, 5),
            close_after_leaving: r.chance(1, 3),
            seed: r.next_u64(),
        };
        let n = 1 + r.below(MAX_STEPS);
        let steps = (0..n)
            .map(|_| {
                let gap = if r.chance(1, 5) {
                    0
                } else {
                    r.below(MAX_GAP_MS + 1)
                };
                let step = match r.below(100) {
                    0..=19 => Step::Dial {
                        agent: agent(&mut r),
                        number: r.below(NUMBERS.len() as u64) as usize,
                    },
                    20..=33 => Step::Answer(r.next_u64()),
                    34..=37 => Step::Unanswered(
                        r.next_u64(),
                        if r.chance(1, 2) { "busy" } else { "no-answer" },
                    ),
                    38..=44 => Step::PartyHangsUp(r.next_u64()),
                    45..=52 => Step::Row {
                        agent: agent(&mut r),
                        action: "HoldParticipant",
                        k: r.next_u64(),
                    },
                    53..=58 => Step::Row {
                        agent: agent(&mut r),
                        action: "UnholdParticipant",
                        k: r.next_u64(),
                    },
                    59..=63 => Step::Row {
                        agent: agent(&mut r),
                        action: "KickParticipant",
                        k: r.next_u64(),
                    },
                    64..=66 => Step::Call {
                        agent: agent(&mut r),
                        action: "HoldCall",
                    },
                    67..=69 => Step::Call {
                        agent: agent(&mut r),
                        action: "UnholdCall",
                    },
                    70..=72 => Step::CancelDial {
                        agent: agent(&mut r),
                        k: r.next_u64(),
                    },
                    73..=76 => Step::SecondAgentJoins,
                    77..=84 => Step::HangUp {
                        agent: agent(&mut r),
                        confirm: r.chance(3, 4),
                    },
                    85..=88 => Step::Mute {
                        agent: agent(&mut r),
                        k: r.next_u64(),
                        muted: r.chance(2, 3),
                    },
                    _ => Step::Fault(fault(&mut r)),
                };
                (gap, step)
            })
            .collect();
        Self { setup, steps }
    }
}
