//! Message text without `core::fmt`: the crate's `format!` for messages, labels and URLs.
//!
//! `format!` links the formatting machinery (`fmt::write`, `Formatter::pad`, the integer
//! formatters), several KB of the WebAssembly module; these helpers only push strings.

use crate::prelude::*;

/// The pieces, concatenated. (Never inlined: one copy for every call site.)
#[inline(never)]
pub(crate) fn cat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// `n` in decimal, as `n.to_string()` writes it.
pub(crate) fn uint(n: u64) -> String {
    let mut out = String::new();
    push_uint(&mut out, n);
    out
}

/// Appends `n` in decimal.
pub(crate) fn push_uint(out: &mut String, n: u64) {
    if n >= 10 {
        push_uint(out, n / 10);
    }
    // Exact: a remainder below 10.
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// `0123456789abcdef`.
pub(crate) const HEX: &[u8; 16] = b"0123456789abcdef";

/// The low `digits` hex digits of `n`, lower case, zero-padded: `format!("{n:0digits$x}")` for an
/// `n` below `16^digits`.
pub(crate) fn push_hex(out: &mut String, n: u64, digits: u32) {
    for i in (0..digits).rev() {
        // Exact: a nibble.
        out.push(char::from(HEX[((n >> (4 * i)) & 0xf) as usize]));
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use crate::wasm_test as test;

    use super::*;

    #[test]
    fn numbers_are_written_as_format_writes_them() {
        for n in [0, 1, 9, 10, 99, 100, 65_535, u64::from(u32::MAX), u64::MAX] {
            assert_eq!(uint(n), n.to_string());
        }
        for n in [0, 1, 0xabc, (1 << 48) - 1, 0x1234_5678_9abc] {
            let mut hex = String::new();
            push_hex(&mut hex, n, 12);
            assert_eq!(hex, format!("{n:012x}"));
        }
        assert_eq!(cat(&["a", "", "bc"]), "abc");
        assert_eq!(cat(&[]), "");
    }
}
