//! A finite `f64` as serde_json writes it, without serde_json's float formatter (zmij): its code
//! and tables were ~1.9 KB of the gzipped WebAssembly module, this is ~1.3 KB, for the few floats
//! the crate writes.
//!
//! The digits are the shortest that read back as the same `f64` (of those, the closest to it),
//! found with exact big-integer arithmetic: slow, small and simple, which suits a formatter that
//! runs only for error messages and for numbers no engine output carries. The layout is zmij's:
//! fixed notation for decimal exponents -5 ..= 15 (`0.00001`, `2.5`, `1e15` as
//! `1000000000000000.0`, integers with `.0`), scientific otherwise (`1e-6`, `1.5e+16`). The tests
//! hold it to serde_json's output.

use crate::core::text::push_uint;
use crate::prelude::*;

use core::cmp::Ordering;

/// `x` as serde_json writes it; `x` must be finite.
pub(crate) fn float_text(x: f64) -> String {
    let mut out = String::new();
    if x.is_sign_negative() {
        out.push('-');
    }
    if x == 0.0 {
        out.push_str("0.0");
        return out;
    }
    // The sign cleared by hand: `f64::abs` is in core (the `no_std` module) only from Rust 1.85.
    let (digits, exponent) = shortest(f64::from_bits(x.to_bits() & !(1 << 63)));
    if !(-5..=15).contains(&exponent) {
        let (first, rest) = digits.split_at_checked(1).unwrap_or((&digits, ""));
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        out.push_str(if exponent < 0 { "e-" } else { "e+" });
        push_uint(&mut out, exponent.unsigned_abs().into());
    } else if exponent < 0 {
        out.push_str("0.");
        for _ in 1..-exponent {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        // Exact: 1 ..= 16.
        let int_len = exponent.unsigned_abs() as usize + 1;
        let (int, fraction) = digits.split_at_checked(int_len).unwrap_or((&digits, ""));
        out.push_str(int);
        for _ in int.len()..int_len {
            out.push('0');
        }
        out.push('.');
        out.push_str(if fraction.is_empty() { "0" } else { fraction });
    }
    out
}

/// The shortest significant digits (ASCII, `1..=9` first) that read back as `x` (finite,
/// positive), and the decimal exponent of the first: `x ≈ d.ddd × 10^exponent`. This is the
/// free-format algorithm of Steele & White and Burger & Dybvig on exact big integers: `r / s` is
/// `x`, and `plus / s`, `minus / s` are the distances to the midpoints between `x` and its
/// neighbours, which read back as `x` when its mantissa is even (ties go to even).
fn shortest(x: f64) -> (String, i32) {
    let bits = x.to_bits();
    // Exact: 11 bits.
    let biased = (bits >> 52) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (f, e) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | 1 << 52, biased - 1075)
    };
    let even = f % 2 == 0;
    let (mut r, mut s, mut plus, mut minus) =
        (Big::from(f), Big::from(1), Big::from(1), Big::from(1));
    if e >= 0 {
        r.shl(e.unsigned_abs() + 1);
        s.shl(1);
        plus.shl(e.unsigned_abs());
        minus.shl(e.unsigned_abs());
    } else {
        r.shl(1);
        s.shl(1 + e.unsigned_abs());
    }
    // At a power of two the neighbour below is twice as close.
    if fraction == 0 && biased > 1 {
        r.shl(1);
        s.shl(1);
        plus.shl(1);
    }
    // `r + plus` reaches the next power of ten.
    let high = |r: &Big, plus: &Big, s: &Big| {
        let order = r.add(plus).cmp(s);
        order == Ordering::Greater || (even && order == Ordering::Equal)
    };
    // Scale so that the first digit is the first of `r / s` after the point.
    let mut k = 0;
    while high(&r, &plus, &s) {
        s.mul(10);
        k += 1;
    }
    loop {
        let (mut r10, mut plus10) = (r, plus);
        r10.mul(10);
        plus10.mul(10);
        if high(&r10, &plus10, &s) {
            break;
        }
        (r, plus) = (r10, plus10);
        minus.mul(10);
        k -= 1;
    }
    let mut digits = String::new();
    loop {
        r.mul(10);
        plus.mul(10);
        minus.mul(10);
        let mut digit = 0;
        while r.cmp(&s) != Ordering::Less {
            r.sub(&s);
            digit += 1;
        }
        let order = r.cmp(&minus);
        let low = order == Ordering::Less || (even && order == Ordering::Equal);
        match (low, high(&r, &plus, &s)) {
            (false, false) => {
                digits.push(char::from(b'0' + digit));
                continue;
            }
            (true, false) => {}
            (false, true) => digit += 1,
            // Both roundings read back as x: the closer, or on a tie the even.
            (true, true) => {
                let mut twice = r;
                twice.mul(2);
                match twice.cmp(&s) {
                    Ordering::Less => {}
                    Ordering::Greater => digit += 1,
                    Ordering::Equal => digit += digit % 2,
                }
            }
        }
        digits.push(char::from(b'0' + digit));
        return (digits, k - 1);
    }
}

/// An unsigned big integer: 32-bit limbs, least significant first. 36 limbs hold every value the
/// formatter builds (below 2^1100: `x` scaled by at most 2^1076 and then by ten).
#[derive(Clone, Copy)]
struct Big([u32; 36]);

impl Big {
    fn from(n: u64) -> Self {
        let mut limbs = [0; 36];
        // Exact: the low and the high 32 bits.
        limbs[0] = n as u32;
        limbs[1] = (n >> 32) as u32;
        Self(limbs)
    }

    /// `self × k`.
    fn mul(&mut self, k: u32) {
        let mut carry = 0;
        for limb in &mut self.0 {
            let v = u64::from(*limb) * u64::from(k) + carry;
            // Exact: the low 32 bits.
            *limb = v as u32;
            carry = v >> 32;
        }
    }

    /// `self × 2^n`.
    fn shl(&mut self, n: u32) {
        for _ in 0..n {
            self.mul(2);
        }
    }

    /// `self + other`.
    fn add(mut self, other: &Self) -> Self {
        let mut carry = 0;
        for (limb, o) in self.0.iter_mut().zip(other.0) {
            let v = u64::from(*limb) + u64::from(o) + carry;
            // Exact: the low 32 bits.
            *limb = v as u32;
            carry = v >> 32;
        }
        self
    }

    /// `self - other`, where `other <= self`.
    fn sub(&mut self, other: &Self) {
        let mut borrow = false;
        for (limb, o) in self.0.iter_mut().zip(other.0) {
            let (v, b1) = limb.overflowing_sub(o);
            let (v, b2) = v.overflowing_sub(u32::from(borrow));
            *limb = v;
            borrow = b1 || b2;
        }
    }

    fn cmp(&self, other: &Self) -> Ordering {
        self.0.iter().rev().cmp(other.0.iter().rev())
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use crate::wasm_test as test;

    use super::*;

    /// serde_json's own text for `x`.
    fn serde(x: f64) -> String {
        serde_json::to_string(&x).unwrap_or_default()
    }

    #[test]
    fn floats_are_written_as_serde_json_writes_them() {
        for x in [
            1e21,
            1e16,
            1e15,
            123_456_789_012_345_680.0,
            8_640_000_000_000_001.0,
            -5.0,
            0.5,
            1e-5,
            1e-6,
            1e-7,
            1.5e-7,
            2.5,
            1e300,
            -0.0,
            0.0,
            4_294_967_296.5,
            1e22,
            123.456,
            0.0001,
            9.5e15,
            0.1,
            0.3,
            2.0 / 3.0,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            -1.5e-300,
            9_007_199_254_740_993.0,
            2f64.powi(60),
            2f64.powi(-60),
            8.64e15,
        ] {
            assert_eq!(float_text(x), serde(x), "{x:e}");
        }
    }

    #[test]
    fn many_bit_patterns_are_written_as_serde_json_writes_them() {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut checked = 0;
        while checked < 1_000 {
            // xorshift64*: arbitrary bit patterns, so every exponent and mantissa shows up.
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            let x = f64::from_bits(state.wrapping_mul(0x2545_F491_4F6C_DD1D));
            if x.is_finite() {
                assert_eq!(float_text(x), serde(x), "{x:e}");
                checked += 1;
            }
        }
    }

    #[test]
    fn short_decimals_at_every_scale_are_written_as_serde_json_writes_them() {
        for i in 1..400 {
            for scale in [1e-9, 1e-5, 1e-3, 0.1, 1.0, 1e3, 1e13, 1e16, 1e19, 1e300] {
                let x = f64::from(i) * 1.7 * scale;
                assert_eq!(float_text(x), serde(x), "{x:e}");
                let y = f64::from(i) / 7.0 * scale;
                assert_eq!(float_text(y), serde(y), "{y:e}");
            }
        }
    }

    #[test]
    fn powers_of_two_with_their_closer_lower_neighbour_stay_shortest() {
        for k in (-1074..=1023)
            .step_by(7)
            .chain([-1074, -1023, -1022, -1021, 1023])
        {
            let bits = if k >= -1022 {
                u64::try_from(k + 1023).unwrap_or(0) << 52
            } else {
                1 << u64::try_from(k + 1074).unwrap_or(0)
            };
            let x = f64::from_bits(bits);
            assert_eq!(float_text(x), serde(x), "2^{k}");
        }
    }
}
