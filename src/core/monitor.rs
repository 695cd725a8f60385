//! The `endConferenceOnExit` policy as pure functions over the task snapshot (SPEC §12 C1, C2, C7,
//! C8).
//!
//! | live parties | an added leg pending | leg | desired |
//! |---|---|---|---|
//! | any ≥ 2 | – | a held non-worker leg | `false` (C2: a held caller must not end a 3+ call) |
//! | > 2 | – | other legs | `false`: anyone may leave |
//! | any | yes | other legs | `false` (C3: flip at dial time) |
//! | 2 | no | other legs | `true`: either hanging up ends the call |
//! | ≤ 1 | – | – | none: leave it |
//!
//! The policy is *armed* while an added (`unknown`/`external`) leg is live or pending; departed
//! legs don't count. Unarmed, the engine writes `true` where it is desired and the leg is known to
//! be `false` — or its value is unknown and an added leg was ever in the call (another browser may
//! have left it `false`) — and writes the flag of a leg it is about to hold; it never writes
//! `false` over Flex's own accept-time flags. In XWT mode worker legs are never written (Flex
//! manages them).

use crate::prelude::*;

use crate::core::config::Mode;
use crate::core::snapshot::{Participant, ParticipantKind, TaskSnapshot};

/// The policy's verdict for one leg.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct LegPolicy {
    /// The leg.
    pub call_sid: String,
    /// Its type.
    pub kind: ParticipantKind,
    /// The flag it should have.
    pub desired: bool,
}

/// The policy's verdict for the conference.
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct Verdict {
    /// An added leg is live or pending.
    pub armed: bool,
    /// Flags may have been changed, by any browser or by Flex's transfer rules (see [`touched`]),
    /// so an unknown flag is not assumed to be Flex's `true`.
    pub touched: bool,
    /// Desired values of the writable live legs.
    pub legs: Vec<LegPolicy>,
}

/// Evaluates the policy. `pending_adds` counts added legs that are dialing or ringing;
/// `held(p)` is the engine's best knowledge of whether `p` is held (or about to be).
pub fn evaluate(
    snap: &TaskSnapshot,
    mode: Mode,
    pending_adds: usize,
    held: impl Fn(&Participant) -> bool,
) -> Verdict {
    if mode == Mode::Disabled {
        return Verdict::default();
    }
    let live = snap.live();
    let pending = pending_adds
        + snap
            .participants
            .iter()
            .filter(|p| p.connecting && p.kind.is_added() && p.status_is_joinable())
            .count();
    let n = live.len();
    let armed = pending > 0 || live.iter().any(|p| p.kind.is_added());
    let touched = armed || touched(snap);
    let mut legs = Vec::new();
    if n < 2 {
        return Verdict {
            armed,
            touched,
            legs,
        };
    }
    for p in live {
        let Some(call_sid) = p.call_sid.clone() else {
            continue;
        };
        if !writable(&p.kind, mode) {
            continue;
        }
        let desired = if held(p) && p.kind != ParticipantKind::Worker {
            false
        } else {
            !(pending > 0 || n > 2)
        };
        legs.push(LegPolicy {
            call_sid,
            kind: p.kind.clone(),
            desired,
        });
    }
    Verdict {
        armed,
        touched,
        legs,
    }
}

/// Whether flags in this call may differ from Flex's two-party defaults: an added leg is or was
/// in it (some browser flipped flags), or another worker is or was (Flex gives a worker who joins
/// a live worker `false`, and that browser may have flipped flags before leaving).
pub fn touched(snap: &TaskSnapshot) -> bool {
    snap.participants
        .iter()
        .any(|p| p.kind.is_added() || (p.kind == ParticipantKind::Worker && !p.is_current_worker))
}

/// Whether this engine's worker is the one designated reconciler (C7): it is live and has the
/// lowest worker SID among live workers. Without SIDs, only a sole live worker reconciles.
pub fn is_reconciler(snap: &TaskSnapshot, my_worker_sid: Option<&str>) -> bool {
    let Some(me) = snap.me() else {
        return false;
    };
    let mine = me.worker_sid.as_deref().or(my_worker_sid);
    let live = snap.live();
    let workers = live.iter().filter(|p| p.kind == ParticipantKind::Worker);
    match mine {
        Some(mine) => workers
            .filter_map(|p| p.worker_sid.as_deref())
            .all(|other| other >= mine),
        None => workers.count() == 1,
    }
}

/// Whether the feature may write this kind of leg's flag.
pub fn writable(kind: &ParticipantKind, mode: Mode) -> bool {
    match kind {
        ParticipantKind::Customer | ParticipantKind::Unknown | ParticipantKind::External => true,
        ParticipantKind::Worker => mode == Mode::Full,
        ParticipantKind::Transfer | ParticipantKind::Supervisor | ParticipantKind::Other(_) => {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use crate::wasm_test as test;

    use serde_json::json;

    use super::*;

    fn snap(parts: &[(&str, &str, &str, bool)]) -> TaskSnapshot {
        // (callSid, type, status, onHold); the first worker is the current one.
        let mut first_worker = true;
        let participants: Vec<_> = parts
            .iter()
            .map(|(sid, kind, status, hold)| {
                let me = *kind == "worker" && core::mem::replace(&mut first_worker, false);
                json!({"callSid": sid, "participantType": kind, "status": status, "onHold": hold,
                       "isCurrentWorker": me, "workerSid": if *kind == "worker" { json!(format!("WK{sid}")) } else { json!(null) }})
            })
            .collect();
        TaskSnapshot::from_json(&json!({"taskSid": "WT1", "status": "accepted",
            "conference": {"conferenceSid": "CF1", "participants": participants}}))
        .unwrap_or_else(|e| panic!("fixture must parse: {e}"))
    }

    fn desired(v: &Verdict) -> Vec<(String, bool)> {
        v.legs
            .iter()
            .map(|l| (l.call_sid.clone(), l.desired))
            .collect()
    }

    fn owned(v: &[(&str, bool)]) -> Vec<(String, bool)> {
        v.iter().map(|(s, b)| ((*s).to_owned(), *b)).collect()
    }

    #[test]
    fn the_policy_table_gives_each_leg_its_flag() {
        let a = ("CAa", "worker", "joined", false);
        let c = ("CAc", "customer", "joined", false);
        let x = ("CAx", "unknown", "joined", false);
        let c_held = ("CAc", "customer", "joined", true);
        let x_left = ("CAx", "unknown", "left", false);
        #[allow(clippy::type_complexity)]
        let table: Vec<(
            Vec<(&str, &str, &str, bool)>,
            usize,
            bool,
            Vec<(&str, bool)>,
        )> = vec![
            // two parties, nothing added: both true, unarmed
            (vec![a, c], 0, false, vec![("CAa", true), ("CAc", true)]),
            // an add pending: everyone false (C3)
            (vec![a, c], 1, true, vec![("CAa", false), ("CAc", false)]),
            // three live: all false
            (
                vec![a, c, x],
                0,
                true,
                vec![("CAa", false), ("CAc", false), ("CAx", false)],
            ),
            // a held customer is false even with two parties (C2)
            (
                vec![a, c_held],
                0,
                false,
                vec![("CAa", true), ("CAc", false)],
            ),
            // a departed added leg doesn't arm the policy (D14)
            (
                vec![a, c, x_left],
                0,
                false,
                vec![("CAa", true), ("CAc", true)],
            ),
            // alone: leave it
            (vec![a], 0, false, vec![]),
        ];
        for (parts, pending, armed, want) in table {
            let s = snap(&parts);
            let v = evaluate(&s, Mode::Full, pending, |p| p.on_hold);
            assert_eq!(v.armed, armed, "{parts:?} pending {pending}");
            assert_eq!(desired(&v), owned(&want), "{parts:?} pending {pending}");
        }
    }

    #[test]
    fn xwt_mode_never_writes_worker_legs_but_updates_customer_and_external_alike() {
        let s = snap(&[
            ("CAa", "worker", "joined", false),
            ("CAc", "customer", "joined", false),
            ("CAx", "external", "joined", false),
        ]);
        let v = evaluate(&s, Mode::Xwt, 0, |p| p.on_hold);
        assert_eq!(desired(&v), owned(&[("CAc", false), ("CAx", false)]));
        assert!(evaluate(&s, Mode::Disabled, 0, |_| false).legs.is_empty());
    }

    #[test]
    fn the_policy_ignores_participant_order() {
        let parts = [
            ("CAa", "worker", "joined", false),
            ("CAc", "customer", "joined", true),
            ("CAx", "unknown", "joined", false),
        ];
        let mut reversed = parts;
        reversed.reverse();
        let mut one = desired(&evaluate(&snap(&parts), Mode::Full, 0, |p| p.on_hold));
        let mut two = desired(&evaluate(&snap(&reversed), Mode::Full, 0, |p| p.on_hold));
        one.sort_unstable();
        two.sort_unstable();
        assert_eq!(one, two);
    }

    #[test]
    fn only_the_live_worker_with_the_lowest_sid_reconciles() {
        let both = |me_first: bool| {
            let (a_me, b_me) = (me_first, !me_first);
            TaskSnapshot::from_json(&json!({"taskSid": "WT1", "conference": {"conferenceSid": "CF1",
                "participants": [
                    {"callSid": "CAa", "participantType": "worker", "workerSid": "WKa", "isCurrentWorker": a_me},
                    {"callSid": "CAb", "participantType": "worker", "workerSid": "WKb", "isCurrentWorker": b_me},
                    {"callSid": "CAc", "participantType": "customer"}]}}))
            .unwrap_or_else(|e| panic!("fixture must parse: {e}"))
        };
        assert!(is_reconciler(&both(true), None));
        assert!(!is_reconciler(&both(false), None));
        let gone = snap(&[
            ("CAa", "worker", "left", false),
            ("CAc", "customer", "joined", false),
        ]);
        assert!(!is_reconciler(&gone, None));
    }
}
