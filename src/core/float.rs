//! `f64` rounding without std: `f64::trunc`, `floor`, `ceil` and `fract` are std-only on stable
//! Rust, and the WebAssembly module is `no_std` (src/lib.rs). Same results as std's for every
//! input, up to the sign of a zero.

/// 2^52: from here on every `f64` is an integer.
const INTEGRAL: f64 = 4_503_599_627_370_496.0;

/// `x.trunc()`: `NaN` and the infinities stay as they are.
pub(crate) fn trunc(x: f64) -> f64 {
    // Not `x.abs()`: `f64::abs` is in core only from Rust 1.85.
    if -INTEGRAL < x && x < INTEGRAL {
        // Exact: |x| < 2^52 truncates to an i64 and back without rounding.
        x as i64 as f64
    } else {
        x
    }
}

/// `x.fract()`: `x - x.trunc()` (`NaN` for `NaN` and the infinities).
pub(crate) fn fract(x: f64) -> f64 {
    x - trunc(x)
}

/// `x.floor()`.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // Used by the JS boundary.
pub(crate) fn floor(x: f64) -> f64 {
    let t = trunc(x);
    if t > x {
        t - 1.0
    } else {
        t
    }
}

/// `x.ceil()`.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // Used by the JS boundary.
pub(crate) fn ceil(x: f64) -> f64 {
    let t = trunc(x);
    if t < x {
        t + 1.0
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use crate::wasm_test as test;

    use super::*;
    use crate::prelude::*;

    /// Equal, or both `NaN`; zeros of either sign are equal.
    fn same(a: f64, b: f64) -> bool {
        a == b || (a.is_nan() && b.is_nan())
    }

    #[test]
    fn rounding_matches_std() {
        let mut xs = vec![
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.0,
            -1.0,
            1.5,
            -1.5,
            2.999_999,
            65_535.0,
            65_535.5,
            2_147_483_647.0,
            2_147_483_646.2,
            8.64e15,
            8.64e15 + 1.0,
            4_503_599_627_370_495.5,
            4_503_599_627_370_496.0,
            9.007_199_254_740_993e15,
            1e300,
            -1e300,
            f64::MIN_POSITIVE,
            f64::EPSILON,
            f64::MAX,
            f64::MIN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        let mut bits: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..10_000 {
            bits = bits.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            xs.push(f64::from_bits(bits));
            xs.push((bits >> 11) as f64 / 1024.0);
        }
        for x in xs {
            assert!(same(trunc(x), x.trunc()), "trunc {x}");
            assert!(same(fract(x), x.fract()), "fract {x}");
            assert!(same(floor(x), x.floor()), "floor {x}");
            assert!(same(ceil(x), x.ceil()), "ceil {x}");
        }
    }
}
