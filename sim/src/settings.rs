//! Runtime switches (`GET`/`POST /sim/settings`): Twilio quirks (SPEC §9.4), the reference
//! server-side retry (SPEC §8.6), queueing and ring timing, and the project's extensions.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The most server-side retries a request may make (each holds the sim's lock briefly).
const MAX_SERVER_RETRIES: u32 = 100;

/// What a successful ECOE update on a held leg (ignored by Twilio) echoes back.
#[derive(Clone, Copy, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Echo {
    /// The value the request asked for (Twilio's echo is unverified, SPEC Appendix A.1).
    New,
    /// The stored, unchanged value.
    Old,
}

/// Every switch, with the defaults of SPEC §9.4 (quirks on).
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Settings {
    /// An `endConferenceOnExit` update on a held leg answers success and changes nothing.
    pub(crate) held_ecoe_ignored: bool,
    /// What that ignored update echoes.
    pub(crate) held_ecoe_echo: Echo,
    /// Updates (hold, mute, ECOE) on a queued or ringing leg fail.
    pub(crate) ringing_update_fails: bool,
    /// HTTP status of that failure.
    pub(crate) ringing_update_status: u16,
    /// Twilio code of that failure (21220: "Invalid call state for this operation").
    pub(crate) ringing_update_code: u32,
    /// Twilio code for a malformed `To` on create (13223; could be 21217, SPEC Appendix A.2).
    pub(crate) invalid_to_code: u32,
    /// The reference wrapper's server-side retry on 412/429/503 and lost responses.
    pub(crate) reference_server_retry: bool,
    /// Retries that wrapper makes at most (`TWILIO_SERVICE_RETRY_LIMIT`; at most 100 here).
    pub(crate) server_retry_limit: u32,
    /// Spacing of participant creates (Twilio's 1 CPS per account); 0 = no queueing.
    pub(crate) create_interval_ms: u64,
    /// An unanswered leg ends `no-answer` after ringing this long; `null` = never.
    pub(crate) ring_timeout_ms: Option<u64>,
    /// The project's extensions: `get-participant`, and `label` on `add-participant`.
    pub(crate) extensions: bool,
    /// Flex shows a held `unknown` leg as `customer` (SPEC §3.3, [R] 2021).
    pub(crate) retype_held_unknown: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            held_ecoe_ignored: true,
            held_ecoe_echo: Echo::New,
            ringing_update_fails: true,
            ringing_update_status: 400,
            ringing_update_code: 21220,
            invalid_to_code: 13223,
            reference_server_retry: false,
            server_retry_limit: 3,
            create_interval_ms: 1000,
            ring_timeout_ms: None,
            extensions: true,
            retype_held_unknown: false,
        }
    }
}

impl Settings {
    /// These settings with the keys of `patch` replaced (a partial merge). Unknown keys, wrong
    /// types and an error status outside 400–599 are refused, leaving `self` unchanged.
    pub(crate) fn merged(&self, patch: &Value) -> Result<Self, String> {
        let Some(patch) = patch.as_object() else {
            return Err("settings must be a JSON object".to_owned());
        };
        let mut current = match serde_json::to_value(self) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        for (key, value) in patch {
            if !current.contains_key(key) {
                return Err(format!("unknown setting {key:?}"));
            }
            current.insert(key.clone(), value.clone());
        }
        let merged: Self =
            serde_json::from_value(Value::Object(current)).map_err(|e| e.to_string())?;
        if !(400..=599).contains(&merged.ringing_update_status) {
            return Err("ringingUpdateStatus must be an HTTP error status (400-599)".to_owned());
        }
        if merged.server_retry_limit > MAX_SERVER_RETRIES {
            return Err(format!(
                "serverRetryLimit must be at most {MAX_SERVER_RETRIES}"
            ));
        }
        Ok(merged)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_partial_patch_changes_only_its_keys() {
        let s = Settings::default()
            .merged(&json!({"heldEcoeEcho": "old", "ringTimeoutMs": 500}))
            .unwrap();
        assert_eq!(s.held_ecoe_echo, Echo::Old);
        assert_eq!(s.ring_timeout_ms, Some(500));
        assert!(s.held_ecoe_ignored);
        let s = s.merged(&json!({"ringTimeoutMs": null})).unwrap();
        assert_eq!(s.ring_timeout_ms, None);
    }

    #[test]
    fn unknown_keys_and_wrong_types_are_refused() {
        let s = Settings::default();
        assert!(s.merged(&json!({"nope": 1})).is_err());
        assert!(s.merged(&json!({"extensions": "yes"})).is_err());
        assert!(s.merged(&json!({"ringingUpdateStatus": 200})).is_err());
        assert!(s.merged(&json!({"serverRetryLimit": 101})).is_err());
        assert!(s.merged(&json!([1])).is_err());
    }
}
