//! Where the serverless functions live (SPEC §2.4).

use crate::prelude::*;

use crate::api::endpoint::Endpoint;
use crate::core::text::{cat, uint};
use crate::core::{CoreError, ErrorCode};

/// `<protocol>://<domain>[:<port>]`.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct ServerlessLocation {
    protocol: String,
    domain: String,
    port: Option<u16>,
}

impl ServerlessLocation {
    /// Resolves the location from `custom_data` values; `env_domain` is the build-time
    /// `FLEX_APP_SERVERLESS_FUNCTONS_DOMAIN` (misspelling kept), used when `custom_data` has none.
    /// A missing domain fails fast instead of requesting `https:///…` (as the reference does).
    pub fn resolve(
        domain: Option<&str>,
        env_domain: Option<&str>,
        protocol: Option<&str>,
        port: Option<u16>,
    ) -> Result<Self, CoreError> {
        let blank = |s: &&str| !s.trim().is_empty();
        let domain = domain
            .filter(blank)
            .or(env_domain.filter(blank))
            .ok_or_else(|| {
                CoreError::new(
                    ErrorCode::InvalidConfig,
                    "serverless_functions_domain is not configured: set it in \
                     ui_attributes custom_data or FLEX_APP_SERVERLESS_FUNCTONS_DOMAIN",
                )
            })?
            .trim()
            .trim_end_matches('/');
        // A scheme (`://`) always contains a `/`.
        if domain.contains(['/', ' ']) {
            return Err(CoreError::new(
                ErrorCode::InvalidConfig,
                "serverless_functions_domain must be a bare host name, without scheme or path",
            ));
        }
        let protocol = protocol.filter(blank).unwrap_or("https").trim();
        if protocol != "https" && protocol != "http" {
            return Err(CoreError::new(
                ErrorCode::InvalidConfig,
                "serverless_functions_protocol must be \"https\" or \"http\"",
            ));
        }
        Ok(Self {
            protocol: protocol.to_owned(),
            domain: domain.to_owned(),
            port,
        })
    }

    /// The full URL of an endpoint.
    pub fn url(&self, endpoint: Endpoint) -> String {
        match self.port {
            Some(port) => cat(&[
                &self.protocol,
                "://",
                &self.domain,
                ":",
                &uint(port.into()),
                &endpoint.path(),
            ]),
            None => cat(&[&self.protocol, "://", &self.domain, &endpoint.path()]),
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use crate::wasm_test as test;

    use super::*;

    #[test]
    fn domain_and_port_compose_the_endpoint_url() {
        let loc = ServerlessLocation::resolve(Some("x-1234-dev.twil.io"), None, None, None);
        assert_eq!(
            loc.map(|l| l.url(Endpoint::AddParticipant)).ok().as_deref(),
            Some("https://x-1234-dev.twil.io/common/flex/programmable-voice/add-participant")
        );
        let loc = ServerlessLocation::resolve(Some("127.0.0.1"), None, Some("http"), Some(3000));
        assert_eq!(
            loc.map(|l| l.url(Endpoint::HoldParticipant))
                .ok()
                .as_deref(),
            Some("http://127.0.0.1:3000/common/flex/programmable-voice/hold-participant")
        );
    }

    #[test]
    fn custom_data_wins_over_the_environment_and_the_environment_fills_in() {
        let l = ServerlessLocation::resolve(Some("a.twil.io"), Some("b.twil.io"), None, None);
        assert!(l.map(|l| l.url(Endpoint::GetCallProperties).contains("//a.twil.io/")) == Ok(true));
        let l = ServerlessLocation::resolve(Some("  "), Some("b.twil.io"), None, None);
        assert!(l.map(|l| l.url(Endpoint::GetCallProperties).contains("//b.twil.io/")) == Ok(true));
    }

    #[test]
    fn a_missing_domain_is_a_configuration_error_not_a_request_to_https_nothing() {
        let err = ServerlessLocation::resolve(None, None, None, None).err();
        assert_eq!(err.map(|e| e.code), Some(ErrorCode::InvalidConfig));
        let err = ServerlessLocation::resolve(Some("https://a.io"), None, None, None).err();
        assert_eq!(err.map(|e| e.code), Some(ErrorCode::InvalidConfig));
    }
}
