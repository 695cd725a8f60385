//! The browser retry policy (SPEC §8.5, project rules).
//!
//! | endpoint | 429 | no response / 502–504 | other |
//! |---|---|---|---|
//! | idempotent (hold, update, mute, remove, get-*) | retry | retry | give up |
//! | `add-participant` | retry (429 means "not processed") | look the label up first (with `get-participant`), else give up: outcome unknown | give up |
//! | any | – | – | 400 and 403 are never retried |
//!
//! Delays are jittered: uniformly random in `[0, min(cap, base · 2^attempt))`, from a number the
//! caller draws from its injected RNG, so tests are deterministic.

use crate::api::endpoint::Endpoint;
use crate::api::response::ApiFailure;

/// What to do after a failed attempt.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum RetryDecision {
    /// Send the same request again after this many milliseconds.
    RetryAfter(u64),
    /// The create may have happened: look its label up before any retry.
    LookUpFirst,
    /// Report the failure.
    GiveUp,
}

/// Retry limits.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// Base delay.
    pub base_ms: u64,
    /// Largest delay window.
    pub cap_ms: u64,
}

impl Default for RetryPolicy {
    /// Six retries, 100 ms base, 3 s cap (the reference used ten; six already spans ~10 s).
    fn default() -> Self {
        Self {
            max_retries: 6,
            base_ms: 100,
            cap_ms: 3_000,
        }
    }
}

impl RetryPolicy {
    /// Decides after attempt number `attempt` (0 for the first send) failed. `unit` is a random
    /// number in `[0, 1)`; `label_lookup` says whether the backend can look a label up.
    pub fn decide(
        &self,
        endpoint: Endpoint,
        failure: &ApiFailure,
        attempt: u32,
        unit: f64,
        label_lookup: bool,
    ) -> RetryDecision {
        if matches!(
            failure,
            ApiFailure::Auth { .. } | ApiFailure::BadRequest { .. }
        ) {
            return RetryDecision::GiveUp;
        }
        let retryable =
            failure.is_rate_limited() || (failure.is_ambiguous() && endpoint.is_idempotent());
        if retryable {
            if attempt >= self.max_retries {
                return RetryDecision::GiveUp;
            }
            return RetryDecision::RetryAfter(self.delay(attempt, unit));
        }
        if failure.is_ambiguous() && endpoint == Endpoint::AddParticipant && label_lookup {
            return RetryDecision::LookUpFirst;
        }
        RetryDecision::GiveUp
    }

    /// The jittered delay before retry number `attempt + 1`.
    pub fn delay(&self, attempt: u32, unit: f64) -> u64 {
        let window = self
            .base_ms
            .saturating_mul(1u64 << attempt.min(30))
            .min(self.cap_ms);
        let unit = if unit.is_finite() {
            unit.clamp(0.0, 1.0)
        } else {
            0.0
        };
        ((window as f64) * unit) as u64
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use crate::wasm_test as test;

    use super::*;
    use crate::prelude::*;

    fn failure(status: u16) -> ApiFailure {
        ApiFailure::Twilio {
            status,
            code: None,
            message: String::new(),
            doc_page: None,
        }
    }

    fn network() -> ApiFailure {
        ApiFailure::Network {
            message: "Failed to fetch".into(),
        }
    }

    #[test]
    fn rate_limits_are_retried_with_a_jittered_capped_delay() {
        let p = RetryPolicy::default();
        let d = p.decide(Endpoint::UpdateParticipant, &failure(429), 0, 0.5, false);
        assert_eq!(d, RetryDecision::RetryAfter(50));
        let d = p.decide(Endpoint::AddParticipant, &failure(429), 5, 0.999, false);
        assert_eq!(d, RetryDecision::RetryAfter(2997));
        let d = p.decide(Endpoint::UpdateParticipant, &failure(429), 6, 0.5, false);
        assert_eq!(d, RetryDecision::GiveUp);
    }

    #[test]
    fn a_create_is_never_blindly_retried_after_a_lost_response() {
        let p = RetryPolicy::default();
        for f in [network(), failure(503), failure(504)] {
            assert_eq!(
                p.decide(Endpoint::AddParticipant, &f, 0, 0.5, true),
                RetryDecision::LookUpFirst
            );
            assert_eq!(
                p.decide(Endpoint::AddParticipant, &f, 0, 0.5, false),
                RetryDecision::GiveUp
            );
        }
    }

    #[test]
    fn idempotent_writes_are_retried_after_a_lost_response() {
        let p = RetryPolicy::default();
        for e in [Endpoint::HoldParticipant, Endpoint::RemoveParticipant] {
            assert!(matches!(
                p.decide(e, &network(), 1, 0.5, false),
                RetryDecision::RetryAfter(100)
            ));
        }
    }

    #[test]
    fn auth_and_bad_request_failures_are_never_retried() {
        let p = RetryPolicy::default();
        let auth = ApiFailure::Auth {
            message: "expired".into(),
        };
        let bad = ApiFailure::BadRequest {
            message: "Missing to".into(),
        };
        for f in [auth, bad, failure(500), failure(400)] {
            assert_eq!(
                p.decide(Endpoint::UpdateParticipant, &f, 0, 0.5, true),
                RetryDecision::GiveUp
            );
        }
    }
}
