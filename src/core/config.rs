//! Configuration: the template's `features.conference` keys as they are, the worker's
//! `config_overrides` merged over them, and this project's own keys with documented defaults.

use crate::prelude::*;

use serde_json::Value;

use crate::core::error::{CoreError, ErrorCode};
use crate::core::json::{Errors, Obj};
use crate::core::value::Json;

/// Which parts of the feature are active (SPEC §2.7).
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum Mode {
    /// `enabled` is false: the engine refuses every intent and writes nothing.
    Disabled,
    /// Enabled, Flex's native external warm transfer off: everything is active.
    Full,
    /// Enabled with native external warm transfer on: monitor (no worker writes) and
    /// "remove the customer" only.
    Xwt,
}

/// The engine's configuration, parsed from the `ConferenceConfig` JS object.
///
/// | key | type | default | meaning |
/// |---|---|---|---|
/// | `enabled` | bool | `false` | template master switch |
/// | `hold_workaround` | bool | `false` | template key: unhold → set flag → re-hold for legs that were already held before the engine could set their flag |
/// | `external_warm_transfers` | bool | `false` | Flex's `external-warm-transfers` flag as resolved by the shim (XWT mode) |
/// | `pre_hold_flag` | bool | `true` | set a leg's `endConferenceOnExit` to false before holding it (C2) |
/// | `extensions` | bool | `false` | the backend has the project's extensions: `get-participant` (label lookup and read-back) |
/// | `hold_url` | string | none | hold music URL passed to `hold-participant` when holding |
/// | `worker_sid` | string | none | the logged-in worker; used when snapshots lack `workerSid` |
/// | `worker_attributes` | object | none | the worker's TaskRouter attributes: `phone`, `selectedCallerId`, `config_overrides` |
/// | `default_caller_id` | string | none | `outbound_call_flows.default.caller_id` |
/// | `ring_timeout_ms` | int | `60000` | how long an added leg may ring; tracking stops 15 s after it |
/// | `poll_initial_ms` / `poll_max_ms` | int | `1000` / `5000` | status polling of ringing legs |
/// | `guard_timeout_ms` | int | `8000` | the hang-up guard gives up (and blocks the hang-up) after this |
/// | `end_alone_after_ms` | int | `5000` | an agent left alone on the call (every other party hung up, nothing ringing) is removed after this, so the call ends as Flex would end it; `0` = never |
/// | `random_seed` | int | fixed | seed of the jitter and label generator |
///
/// `worker_attributes.config_overrides.features.conference` wins over the top-level keys.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Config {
    /// Template `enabled`.
    pub enabled: bool,
    /// Template `hold_workaround`.
    pub hold_workaround: bool,
    /// Native external warm transfer is on.
    pub external_warm_transfers: bool,
    /// Write `endConferenceOnExit=false` before a hold (C2).
    pub pre_hold_flag: bool,
    /// The backend implements `get-participant`.
    pub extensions: bool,
    /// Hold music URL for API holds.
    pub hold_url: Option<String>,
    /// The logged-in worker's SID.
    pub worker_sid: Option<String>,
    /// Caller-ID candidates in resolution order: worker `phone`, `selectedCallerId`, default.
    pub caller_ids: Vec<String>,
    /// Ring timeout of added legs.
    pub ring_timeout_ms: u64,
    /// First status-poll interval of a ringing leg.
    pub poll_initial_ms: u64,
    /// Largest status-poll interval.
    pub poll_max_ms: u64,
    /// Deadline of the hang-up guard.
    pub guard_timeout_ms: u64,
    /// How long an agent may stay alone on the call before the engine ends its leg (0 = never).
    pub end_alone_after_ms: u64,
    /// Seed of the deterministic RNG.
    pub random_seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            enabled: false,
            hold_workaround: false,
            external_warm_transfers: false,
            pre_hold_flag: true,
            extensions: false,
            hold_url: None,
            worker_sid: None,
            caller_ids: Vec::new(),
            ring_timeout_ms: 60_000,
            poll_initial_ms: 1_000,
            poll_max_ms: 5_000,
            guard_timeout_ms: 8_000,
            end_alone_after_ms: 5_000,
            random_seed: 0x9E37_79B9_7F4A_7C15,
        }
    }
}

const MAX_MS: u32 = 24 * 60 * 60 * 1000;

impl Config {
    /// Parses the JS configuration object; `null` gives the defaults (feature disabled).
    pub fn from_json(value: &Value) -> Result<Self, CoreError> {
        Self::read(&Json::from(value))
    }

    /// [`Config::from_json`] over the crate's own [`Json`].
    pub(crate) fn read(value: &Json) -> Result<Self, CoreError> {
        let mut config = Self::default();
        if value.is_null() {
            return Ok(config);
        }
        let errors = Errors::new(ErrorCode::InvalidConfig);
        let Some(root) = errors.obj(value, "config") else {
            return errors.finish(None);
        };
        config.apply(&root);
        config.external_warm_transfers = root.bool("external_warm_transfers").unwrap_or(false);
        config.worker_sid = root.non_blank("worker_sid").map(str::to_owned);
        let attrs = root.obj("worker_attributes", "config.worker_attributes");
        if let Some(attrs) = attrs {
            for key in ["phone", "selectedCallerId"] {
                if let Some(v) = attrs.non_blank(key) {
                    config.caller_ids.push(v.to_owned());
                }
            }
        }
        if let Some(v) = root.non_blank("default_caller_id") {
            config.caller_ids.push(v.to_owned());
        }
        let overrides = attrs.and_then(|a| {
            a.obj(
                "config_overrides",
                "config.worker_attributes.config_overrides",
            )
        });
        if let Some(conf) = overrides
            .and_then(|o| o.obj("features", "config_overrides.features"))
            .and_then(|f| f.obj("conference", "config_overrides.features.conference"))
        {
            config.apply(&conf);
        }
        if config.poll_initial_ms == 0 || config.poll_max_ms < config.poll_initial_ms {
            errors.fail("config.poll_initial_ms must be positive and no larger than poll_max_ms");
        }
        errors.finish(Some(config))
    }

    /// The active mode.
    pub fn mode(&self) -> Mode {
        match (self.enabled, self.external_warm_transfers) {
            (false, _) => Mode::Disabled,
            (true, false) => Mode::Full,
            (true, true) => Mode::Xwt,
        }
    }

    /// Applies the keys that may appear both at top level and in `config_overrides`.
    fn apply(&mut self, o: &Obj<'_>) {
        if let Some(v) = o.bool("enabled") {
            self.enabled = v;
        }
        if let Some(v) = o.bool("hold_workaround") {
            self.hold_workaround = v;
        }
        if let Some(v) = o.bool("pre_hold_flag") {
            self.pre_hold_flag = v;
        }
        if let Some(v) = o.bool("extensions") {
            self.extensions = v;
        }
        if let Some(v) = o.non_blank("hold_url") {
            self.hold_url = Some(v.to_owned());
        }
        for (key, slot) in [
            ("ring_timeout_ms", &mut self.ring_timeout_ms),
            ("poll_initial_ms", &mut self.poll_initial_ms),
            ("poll_max_ms", &mut self.poll_max_ms),
            ("guard_timeout_ms", &mut self.guard_timeout_ms),
            ("end_alone_after_ms", &mut self.end_alone_after_ms),
        ] {
            if let Some(v) = o.uint(key, MAX_MS) {
                *slot = v;
            }
        }
        if let Some(v) = o.uint("random_seed", u32::MAX) {
            self.random_seed = v;
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use crate::wasm_test as test;

    use serde_json::json;

    use super::*;

    #[test]
    fn the_template_object_is_accepted_as_is_and_absent_keys_take_defaults() {
        let c = Config::from_json(&json!({"enabled": true, "hold_workaround": false}));
        let c = c.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.mode(), Mode::Full);
        assert!(c.pre_hold_flag);
        assert!(!c.extensions);
        assert_eq!(c.ring_timeout_ms, 60_000);
        assert_eq!(
            Config::from_json(&json!(null)).map(|c| c.mode()),
            Ok(Mode::Disabled)
        );
        assert_eq!(
            Config::from_json(&json!({})).map(|c| c.mode()),
            Ok(Mode::Disabled)
        );
    }

    #[test]
    fn the_workers_config_overrides_win_over_the_account_configuration() {
        let c = Config::from_json(&json!({
            "enabled": true, "hold_workaround": false,
            "worker_attributes": {"config_overrides": {"features": {"conference": {
                "hold_workaround": true, "enabled": false}}}}
        }));
        let c = c.unwrap_or_else(|e| panic!("{e}"));
        assert!(c.hold_workaround);
        assert_eq!(c.mode(), Mode::Disabled);
    }

    #[test]
    fn native_external_warm_transfer_selects_xwt_mode() {
        let c = Config::from_json(&json!({"enabled": true, "external_warm_transfers": true}));
        assert_eq!(c.map(|c| c.mode()), Ok(Mode::Xwt));
    }

    #[test]
    fn caller_ids_resolve_phone_then_selected_caller_id_then_default() {
        let c = Config::from_json(&json!({
            "enabled": true, "default_caller_id": "+15005550006",
            "worker_attributes": {"phone": " ", "selectedCallerId": "+15005550007"}
        }));
        assert_eq!(
            c.map(|c| c.caller_ids),
            Ok(vec!["+15005550007".to_owned(), "+15005550006".to_owned()])
        );
    }

    #[test]
    fn a_wrongly_typed_key_is_an_invalid_config_error_naming_the_key() {
        for bad in [
            json!({"enabled": "yes"}),
            json!({"ring_timeout_ms": -1}),
            json!({"poll_initial_ms": 0}),
            json!({"worker_attributes": []}),
            json!(42),
        ] {
            let err = Config::from_json(&bad).err();
            assert_eq!(
                err.as_ref().map(|e| e.code),
                Some(ErrorCode::InvalidConfig),
                "{bad}"
            );
        }
        let err = Config::from_json(&json!({"enabled": "yes"})).err();
        assert!(err.is_some_and(|e| e.message.contains("enabled")));
    }
}
