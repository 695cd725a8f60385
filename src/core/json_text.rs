//! JSON text to [`Json`]: the one parser of the crate.
//!
//! It reads what `serde_json::from_str::<serde_json::Value>` reads, into equal values (an integer
//! without fraction or exponent is a `u64`, or an `i64` when negative, and an `f64` only when it
//! fits neither; anything else is an `f64`, see [`Decimal::to_f64`] for its precision), with the
//! same nesting limit. It exists for size: serde's deserializer machinery around serde_json's parser
//! was about 12 KB of the WebAssembly module, this is a fifth of that, and Rust's exact float
//! parser would have added 10 KB of tables. Errors use serde_json's wording and say where
//! (`"expected value at line 1 column 1"`; the column may be one off in a few cases); nothing
//! here panics on any input.

use crate::prelude::*;

use crate::core::text::{cat, push_uint};
use crate::core::value::{Json, Map, Number};

/// How deeply arrays and objects may nest: serde_json's limit (127 levels parse, 128 fail).
const MAX_DEPTH: u32 = 127;

/// Why a text is not JSON, and where (1-based line and column of the offending byte).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ParseError {
    what: &'static str,
    line: usize,
    column: usize,
}

impl ParseError {
    /// `"{what} at line {line} column {column}"`, as serde_json words it.
    pub(crate) fn text(&self) -> String {
        let mut text = cat(&[self.what, " at line "]);
        push_uint(&mut text, self.line as u64);
        text.push_str(" column ");
        push_uint(&mut text, self.column as u64);
        text
    }
}

impl core::fmt::Display for ParseError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.text())
    }
}

impl core::error::Error for ParseError {}

/// Parses one JSON value, surrounded by optional whitespace.
pub(crate) fn parse(text: &str) -> Result<Json, ParseError> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    let value = parser.value(0)?;
    parser.skip_whitespace();
    if parser.pos < parser.bytes.len() {
        return Err(parser.error("trailing characters"));
    }
    Ok(value)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    /// An error at the current position.
    fn error(&self, what: &'static str) -> ParseError {
        let upto = &self.bytes[..self.pos.min(self.bytes.len())];
        let line_start = upto.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        // The offending byte's column; at the end, the last byte's.
        let at_end = usize::from(self.pos >= self.bytes.len());
        ParseError {
            what,
            line: upto.iter().filter(|b| **b == b'\n').count() + 1,
            column: upto.len() - line_start + 1 - at_end,
        }
    }

    /// The text from `start` to the current position. Both are always on ASCII bytes, hence
    /// character boundaries; checked all the same (a slice that could fall inside a character
    /// links the panic that describes it, ~3 KB).
    fn since(&self, start: usize) -> &str {
        self.text.get(start..self.pos).unwrap_or_default()
    }

    /// The bytes not read yet.
    fn rest(&self) -> &[u8] {
        self.bytes.get(self.pos..).unwrap_or_default()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// Consumes `byte` after optional whitespace, or fails with `what`.
    fn expect(&mut self, byte: u8, what: &'static str) -> Result<(), ParseError> {
        self.skip_whitespace();
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(what))
        }
    }

    /// One value; `depth` is the number of arrays and objects around it.
    fn value(&mut self, depth: u32) -> Result<Json, ParseError> {
        self.skip_whitespace();
        let Some(byte) = self.peek() else {
            return Err(self.error("EOF while parsing a value"));
        };
        match byte {
            b'"' => self.string().map(Json::String),
            b'[' | b'{' if depth >= MAX_DEPTH => Err(self.error("recursion limit exceeded")),
            b'[' => self.array(depth + 1),
            b'{' => self.object(depth + 1),
            b'-' | b'0'..=b'9' => self.number(),
            b't' => self.word("true", Json::Bool(true)),
            b'f' => self.word("false", Json::Bool(false)),
            b'n' => self.word("null", Json::Null),
            _ => Err(self.error("expected value")),
        }
    }

    fn word(&mut self, word: &'static str, value: Json) -> Result<Json, ParseError> {
        if self.rest().starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error("expected ident"))
        }
    }

    fn array(&mut self, depth: u32) -> Result<Json, ParseError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Json::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.comma(b']')?,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Json::Array(items));
                }
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    fn object(&mut self, depth: u32) -> Result<Json, ParseError> {
        self.pos += 1;
        let mut map = Map::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Json::Object(map));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.error("key must be a string"));
            }
            let key = self.string()?;
            self.expect(b':', "expected `:`")?;
            let value = self.value(depth)?;
            // As serde_json: a repeated key keeps its last value.
            map.insert(key, value);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.comma(b'}')?,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Json::Object(map));
                }
                _ => return Err(self.error("expected `,` or `}`")),
            }
        }
    }

    /// Consumes a comma that must not be followed by `close`.
    fn comma(&mut self, close: u8) -> Result<(), ParseError> {
        self.pos += 1;
        self.skip_whitespace();
        if self.peek() == Some(close) {
            return Err(self.error("trailing comma"));
        }
        Ok(())
    }

    /// A string, the opening quote at `pos`.
    fn string(&mut self) -> Result<String, ParseError> {
        self.pos += 1;
        let mut out = String::new();
        let mut run = self.pos;
        loop {
            let Some(byte) = self.peek() else {
                return Err(self.error("EOF while parsing a string"));
            };
            match byte {
                b'"' => {
                    out.push_str(self.since(run));
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' => {
                    out.push_str(self.since(run));
                    self.pos += 1;
                    self.escape(&mut out)?;
                    run = self.pos;
                }
                0..=0x1f => {
                    return Err(self
                        .error("control character (\\u0000-\\u001F) found while parsing a string"))
                }
                // `pos` only ever stops on ASCII bytes, so the slices above are on char
                // boundaries.
                _ => self.pos += 1,
            }
        }
    }

    /// One escape, the backslash consumed.
    fn escape(&mut self, out: &mut String) -> Result<(), ParseError> {
        let Some(byte) = self.peek() else {
            return Err(self.error("EOF while parsing a string"));
        };
        self.pos += 1;
        let c = match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => self.unicode_escape()?,
            _ => return Err(self.error("invalid escape")),
        };
        out.push(c);
        Ok(())
    }

    /// The character of a `\u` escape (and of the low surrogate's escape that must follow a high
    /// one), the `\u` consumed.
    fn unicode_escape(&mut self) -> Result<char, ParseError> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if !self.rest().starts_with(b"\\u") {
                    return Err(self.error("lone leading surrogate in hex escape"));
                }
                self.pos += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error("lone leading surrogate in hex escape"));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            other => other,
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid unicode code point"))
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = self
                .peek()
                .and_then(|b| char::from(b).to_digit(16))
                .ok_or_else(|| self.error("unexpected end of hex escape"))?;
            code = code * 16 + digit;
            self.pos += 1;
        }
        Ok(code)
    }

    /// A number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    fn number(&mut self) -> Result<Json, ParseError> {
        let start = self.pos;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.pos += 1;
        }
        let mut decimal = Decimal::default();
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(&mut decimal, 0),
            _ => return Err(self.error("invalid number")),
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            integer = false;
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("invalid number"));
            }
            self.digits(&mut decimal, -1);
        }
        if let Some(b'e' | b'E') = self.peek() {
            integer = false;
            self.pos += 1;
            let sign = match self.peek() {
                Some(b'-') => -1,
                Some(b'+') => 1,
                _ => 0,
            };
            if sign != 0 {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("invalid number"));
            }
            let mut exponent: i32 = 0;
            while let Some(digit @ b'0'..=b'9') = self.peek() {
                // Far beyond any f64 either way; saturating keeps it far beyond.
                exponent = exponent
                    .saturating_mul(10)
                    .saturating_add(i32::from(digit - b'0'));
                self.pos += 1;
            }
            decimal.exponent =
                decimal
                    .exponent
                    .saturating_add(if sign < 0 { -exponent } else { exponent });
        }
        if integer {
            let magnitude = integer_value(self.since(start + usize::from(negative)));
            // Too large for 64 bits: a float, as in serde_json; `-0` is the float -0.0 there.
            let number = if negative {
                magnitude
                    .filter(|n| (1..=1 << 63).contains(n))
                    // Exact: 2^63 wraps to itself, i64::MIN.
                    .map(|n| Number::Int((n as i64).wrapping_neg()))
            } else {
                magnitude.map(Number::UInt)
            };
            if let Some(n) = number {
                return Ok(Json::Number(n));
            }
        }
        let magnitude = decimal.to_f64();
        let x = if negative { -magnitude } else { magnitude };
        if x.is_finite() {
            Ok(Json::Number(Number::Float(x)))
        } else {
            Err(self.error("number out of range"))
        }
    }

    /// Decimal digits into `decimal`, each one moving its exponent by `shift` (0 in the integer
    /// part, -1 in the fraction).
    fn digits(&mut self, decimal: &mut Decimal, shift: i32) {
        while let Some(digit @ b'0'..=b'9') = self.peek() {
            decimal.push(digit - b'0', shift);
            self.pos += 1;
        }
    }
}

/// A decimal integer as `str::parse::<u64>` reads it (an optional `+`, then digits only), without
/// linking that parser.
pub(crate) fn parse_uint(text: &str) -> Option<u64> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    integer_value(digits)
}

/// The value of a run of decimal digits, unless it exceeds `u64::MAX`. (Not `str::parse`: its
/// overflow checks link 128-bit multiplication.)
fn integer_value(digits: &str) -> Option<u64> {
    let mut value: u64 = 0;
    for digit in digits.bytes() {
        let digit = u64::from(digit.wrapping_sub(b'0'));
        if value > (u64::MAX - digit) / 10 {
            return None;
        }
        value = value * 10 + digit;
    }
    Some(value)
}

/// A number as `significand × 10^exponent`, its first 19 significant digits kept.
#[derive(Default)]
struct Decimal {
    significand: u64,
    digits: u32,
    exponent: i32,
}

/// 10^0 ..= 10^22: the powers of ten an `f64` holds exactly.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

impl Decimal {
    fn push(&mut self, digit: u8, shift: i32) {
        if self.digits < 19 {
            self.significand = self.significand * 10 + u64::from(digit);
            if self.significand > 0 {
                self.digits += 1;
            }
            self.exponent = self.exponent.saturating_add(shift);
        } else {
            // Digits beyond the 19th only scale an integer part.
            self.exponent = self.exponent.saturating_add(shift + 1);
        }
    }

    /// The nearest `f64` when the significand has at most 15 digits and the exponent is within
    /// ±22 (one rounding: every JSON.stringify output of up to 15 digits); otherwise within a few
    /// units in the last place (serde_json's default parser is not exact there either). The
    /// engine reads numbers only as integers, which always take the exact path above.
    fn to_f64(&self) -> f64 {
        // Exact: below 2^64, rounded once.
        let mut value = self.significand as f64;
        let mut exponent = self.exponent;
        while exponent > 0 && value.is_finite() {
            let step = exponent.min(22);
            value *= POW10[step as usize];
            exponent -= step;
        }
        while exponent < 0 && value != 0.0 {
            let step = (-exponent).min(22);
            value /= POW10[step as usize];
            exponent += step;
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Parses with both parsers and checks they agree, value or error.
    fn same_as_serde_json(text: &str) {
        let ours = parse(text);
        let theirs = serde_json::from_str::<serde_json::Value>(text);
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{text:?}"),
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{text:?}"),
            _ => panic!("{text:?}: ours {ours:?}, serde_json {theirs:?}"),
        }
    }

    #[test]
    fn values_come_out_as_serde_json_makes_them() {
        for text in [
            r#"{"taskSid":"WT1","conference":{"participants":[{"callSid":"CA1","onHold":true}]}}"#,
            " [1, -2, 3.5, -0, 0.0, 1e3, 1E-2, -4.25e+2, 18446744073709551615] ",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "123456789012345678901234567890",
            "0.1",
            "4.999999999999999",
            "123456.789e-3",
            "1e21",
            "-1.5e-7",
            r#""esc \" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00 é 😀""#,
            r#"{"a":1,"a":2}"#,
            r#"{"":null,"b":[true,false,{}],"c":[]}"#,
            "\t\r\n null \n",
        ] {
            same_as_serde_json(text);
        }
        assert_eq!(
            parse(r#"{"n":[1,-1,1.5]}"#).map(serde_json::Value::from),
            Ok(json!({"n": [1, -1, 1.5]}))
        );
    }

    #[test]
    fn unsigned_integers_read_as_str_parse_reads_them() {
        for text in [
            "0",
            "20404",
            "+13223",
            "007",
            "18446744073709551615",
            "18446744073709551616",
            "",
            "+",
            "-1",
            "1.0",
            " 1",
            "1e3",
            "12a",
            "++1",
        ] {
            assert_eq!(parse_uint(text), text.parse::<u64>().ok(), "{text:?}");
        }
    }

    #[test]
    fn digit_runs_read_exactly_up_to_u64_max_and_no_further() {
        assert_eq!(integer_value("0"), Some(0));
        assert_eq!(integer_value("007"), Some(7));
        assert_eq!(integer_value("9223372036854775808"), Some(1 << 63));
        assert_eq!(integer_value("18446744073709551615"), Some(u64::MAX));
        assert_eq!(integer_value("18446744073709551616"), None);
        assert_eq!(integer_value("18446744073709551620"), None);
        assert_eq!(integer_value("99999999999999999999"), None);
    }

    #[test]
    fn long_or_huge_floats_are_read_within_a_few_units_in_the_last_place() {
        for text in [
            "1.7976931348623157e308",
            "2.2250738585072014e-308",
            "12345678901234567890123.5",
            "0.30000000000000004",
            "9007199254740993.25",
            "6.02214076e23",
            "1e-300",
        ] {
            let want: f64 = text.parse().expect("a float");
            let got = parse(text).ok().and_then(|v| v.as_f64()).expect("read");
            assert!(
                ((got - want) / want).abs() < 1e-14,
                "{text}: {got} vs {want}"
            );
        }
        assert_eq!(parse("5e-324").ok().and_then(|v| v.as_f64()), Some(5e-324));
        assert_eq!(parse("1e-400").ok().and_then(|v| v.as_f64()), Some(0.0));
        assert!(parse("1e309").is_err());
    }

    #[test]
    fn malformed_text_is_an_error_saying_what_and_where() {
        // The wording and position serde_json gives.
        for text in [
            "",
            "   ",
            "x",
            "[1,]",
            "[1 2]",
            "{\"a\" 1}",
            "{\"a\":1,}",
            "{a:1}",
            "{\"a\":1 \"b\":2}",
            "\"abc",
            "\"tab\there\"",
            "[1]\n x",
            "{\"a\":\n\n  [1, }",
        ] {
            same_as_serde_json(text);
        }
        // The same wording, the position perhaps a column off.
        for (text, what) in [
            ("nul", "expected ident"),
            ("\"a\\qb\"", "invalid escape"),
            ("\"\\u12\"", "unexpected end of hex escape"),
            ("\"\\ud800\"", "lone leading surrogate in hex escape"),
            ("\"\\ud800\\u0041\"", "lone leading surrogate in hex escape"),
            ("\"\\udc00\"", "invalid unicode code point"),
            ("01", "trailing characters"),
            ("-", "invalid number"),
            ("1.", "invalid number"),
            ("1e+", "invalid number"),
            ("1e400", "number out of range"),
            ("-1e400", "number out of range"),
        ] {
            assert_eq!(parse(text).map_err(|e| e.what), Err(what), "{text:?}");
            assert!(
                serde_json::from_str::<serde_json::Value>(text).is_err(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn nesting_is_limited_like_serde_json_without_overflowing_the_stack() {
        for depth in [126, 127, 128, 100_000] {
            let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            same_as_serde_json(&text);
        }
        let text = r#"{"a":"#.repeat(200);
        assert_eq!(
            parse(&text).map_err(|e| e.what),
            Err("recursion limit exceeded")
        );
    }
}
