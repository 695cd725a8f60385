//! Destination validation and normalization (SPEC §9.6).

use crate::prelude::*;

use crate::core::error::{CoreError, ErrorCode};
use crate::core::text::cat;

/// A dialable destination, normalized.
#[derive(Clone, Debug, Eq, PartialEq)]
pub enum Destination {
    /// `+` and 2–15 digits.
    E164(String),
    /// `sip:…`.
    Sip(String),
    /// `client:…`.
    Client(String),
    /// `app:AP…[?…]`, passed through verbatim.
    App(String),
}

impl Destination {
    /// Validates what the agent typed. Phone input is trimmed, stripped of spaces, dashes, dots
    /// and parentheses, and a leading `00` becomes `+`.
    pub fn parse(input: &str) -> Result<Self, CoreError> {
        let err = |m: &str| CoreError::new(ErrorCode::InvalidDestination, m);
        let s = input.trim();
        if s.is_empty() {
            return Err(err("Enter a phone number, sip:, client: or app: address."));
        }
        for (prefix, make) in [
            ("sip:", Self::Sip as fn(String) -> Self),
            ("client:", Self::Client),
            ("app:", Self::App),
        ] {
            if let Some(rest) = strip_prefix_ignore_case(s, prefix) {
                if rest.trim().is_empty() {
                    return Err(err(&cat(&["Add an address after \"", prefix, "\"."])));
                }
                if rest.chars().any(char::is_whitespace) {
                    return Err(err(&cat(&[
                        "A ",
                        prefix,
                        " address cannot contain spaces.",
                    ])));
                }
                if prefix == "app:" && !rest.starts_with("AP") {
                    return Err(err("An app: address must name a TwiML app SID (app:AP…)."));
                }
                if prefix == "sip:" && !rest.contains('@') {
                    return Err(err(
                        "A sip: address needs a host, as in sip:user@example.com.",
                    ));
                }
                return Ok(make(cat(&[prefix, rest])));
            }
        }
        let mut digits = String::new();
        for c in s.chars() {
            if !matches!(c, ' ' | '-' | '.' | '(' | ')' | '\u{a0}') {
                digits.push(c);
            }
        }
        if let Some(rest) = digits.strip_prefix("00") {
            digits = cat(&["+", rest]);
        }
        let Some(body) = digits.strip_prefix('+') else {
            return Err(err(
                "Phone numbers need the country code, starting with + (for example +14155550100).",
            ));
        };
        if let Some(bad) = body.chars().find(|c| !c.is_ascii_digit()) {
            // As a `str`: a `char` argument would link `char`'s own `Display`.
            let mut buf = [0; 4];
            let bad: &str = bad.encode_utf8(&mut buf);
            return Err(err(&cat(&[
                "A phone number can only contain digits after the +; found \"",
                bad,
                "\".",
            ])));
        }
        if body.starts_with('0') {
            return Err(err("A country code cannot start with 0."));
        }
        if body.len() < 2 || body.len() > 15 {
            return Err(err(
                "A phone number has between 2 and 15 digits after the +.",
            ));
        }
        Ok(Self::E164(digits))
    }

    /// The `to` value sent to the backend.
    pub fn as_str(&self) -> &str {
        match self {
            Self::E164(s) | Self::Sip(s) | Self::Client(s) | Self::App(s) => s,
        }
    }
}

/// `s` without `prefix`, which it starts with in any ASCII case. (Split with a check, not sliced:
/// a slice that could fall inside a character links the panic that describes it, ~3 KB.)
fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let (head, rest) = s.split_at_checked(prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then_some(rest)
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use crate::wasm_test as test;

    use super::*;

    #[test]
    fn destinations_are_normalized_or_refused_with_a_reason() {
        let table: &[(&str, Result<&str, &str>)] = &[
            ("+14155550100", Ok("+14155550100")),
            ("  +1 (415) 555-0100 ", Ok("+14155550100")),
            ("+44.20.7946.0958", Ok("+442079460958")),
            ("0044 20 7946 0958", Ok("+442079460958")),
            ("sip:alice@example.com", Ok("sip:alice@example.com")),
            ("SIP:alice@example.com", Ok("sip:alice@example.com")),
            ("client:agent_bob", Ok("client:agent_bob")),
            (
                "app:AP0123456789abcdef?lang=es&x=1",
                Ok("app:AP0123456789abcdef?lang=es&x=1"),
            ),
            ("", Err("Enter a phone number")),
            ("   ", Err("Enter a phone number")),
            ("12ab", Err("country code")),
            ("4155550100", Err("country code")),
            ("+1415555010a", Err("only contain digits")),
            ("+0123456", Err("cannot start with 0")),
            ("+1", Err("between 2 and 15")),
            ("+1234567890123456", Err("between 2 and 15")),
            ("sip:", Err("after \"sip:\"")),
            ("sip:alice", Err("needs a host")),
            ("client:  ", Err("after \"client:\"")),
            ("client:a b", Err("cannot contain spaces")),
            ("app:XY123", Err("TwiML app SID")),
        ];
        for (input, expected) in table {
            let got = Destination::parse(input);
            match (expected, &got) {
                (Ok(want), Ok(d)) => assert_eq!(d.as_str(), *want, "input {input:?}"),
                (Err(fragment), Err(e)) => {
                    assert_eq!(e.code, ErrorCode::InvalidDestination, "input {input:?}");
                    assert!(
                        e.message.contains(fragment),
                        "input {input:?}: {}",
                        e.message
                    );
                }
                _ => panic!("input {input:?}: expected {expected:?}, got {got:?}"),
            }
        }
    }
}
