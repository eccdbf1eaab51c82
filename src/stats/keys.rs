//! Fast exact comparison keys for a slice of [`Exact`] values.
//!
//! Scores are ratios with small denominators, so a whole sample usually fits as integer
//! numerators (at most `2^125` in magnitude, so that any two add without overflow) over one
//! common `i128` denominator; then sorting, ranking and Walsh-average selection
//! compare plain integers, which is exact and about two orders of magnitude faster than
//! comparing rationals. When the common denominator or a numerator does not fit, everything
//! falls back to comparing the [`Exact`] values themselves (same results, slower).

use std::cmp::Ordering;

use crate::Exact;

/// Largest scaled numerator: two of them add without overflowing `i128`.
const MAX_SCALED: u128 = 1 << 125;

/// The values as comparison keys.
pub(crate) enum Keys {
    /// `value_i = nums[i] / denom`, `denom ≥ 1`, `|nums[i]| ≤ 2^125`.
    Scaled { nums: Vec<i128>, denom: i128 },
    /// The values themselves.
    General(Vec<Exact>),
}

/// Numerator and denominator of a reduced value that fits in `i128`.
fn parts(value: &Exact) -> Option<(i128, i128)> {
    value.to_i128_parts()
}

impl Keys {
    /// Builds the keys, scaled when possible.
    pub(crate) fn new(values: &[Exact]) -> Keys {
        Self::scaled(values).unwrap_or_else(|| Keys::General(values.to_vec()))
    }

    fn scaled(values: &[Exact]) -> Option<Keys> {
        let mut all = Vec::with_capacity(values.len());
        let mut denom: i128 = 1;
        for v in values {
            let (n, d) = parts(v)?;
            if d != denom && denom % d != 0 {
                let g = num_integer::Integer::gcd(&denom, &d);
                denom = (denom / g).checked_mul(d)?;
            }
            all.push((n, d));
        }
        let mut nums = Vec::with_capacity(all.len());
        for (n, d) in all {
            let scaled = n.checked_mul(denom / d)?;
            if scaled.unsigned_abs() > MAX_SCALED {
                return None;
            }
            nums.push(scaled);
        }
        Some(Keys::Scaled { nums, denom })
    }

    /// Number of values.
    pub(crate) fn len(&self) -> usize {
        match self {
            Keys::Scaled { nums, .. } => nums.len(),
            Keys::General(v) => v.len(),
        }
    }

    /// The sign of value `i` (`Equal` for zero or out of range).
    pub(crate) fn sign(&self, i: usize) -> Ordering {
        match self {
            Keys::Scaled { nums, .. } => nums.get(i).map_or(Ordering::Equal, |n| n.cmp(&0)),
            Keys::General(v) => v.get(i).map_or(Ordering::Equal, Exact::sign),
        }
    }

    /// Indices sorted by absolute value (stable: equal magnitudes keep input order) and the
    /// sizes of the runs of equal absolute value in that order.
    pub(crate) fn abs_order_and_groups(&self) -> (Vec<usize>, Vec<usize>) {
        match self {
            Keys::Scaled { nums, .. } => {
                let abs: Vec<u128> = nums.iter().map(|n| n.unsigned_abs()).collect();
                order_and_groups(&abs)
            }
            Keys::General(v) => {
                let abs: Vec<Exact> = v.iter().map(Exact::abs).collect();
                order_and_groups(&abs)
            }
        }
    }
}

/// Stable sort order of `keys` and the sizes of the runs of equal keys in that order.
fn order_and_groups<T: Ord>(keys: &[T]) -> (Vec<usize>, Vec<usize>) {
    let mut idx: Vec<usize> = (0..keys.len()).collect();
    idx.sort_by(|a, b| keys.get(*a).cmp(&keys.get(*b)));
    let mut groups = Vec::new();
    let mut run = 0_usize;
    let mut prev: Option<&T> = None;
    for i in &idx {
        let k = keys.get(*i);
        if run > 0 && k != prev {
            groups.push(run);
            run = 0;
        }
        run += 1;
        prev = k;
    }
    if run > 0 {
        groups.push(run);
    }
    (idx, groups)
}

/// `num / denom` as an exact value (`denom ≥ 1` always holds for [`Keys::Scaled`]).
pub(crate) fn scaled_to_exact(num: i128, denom: i128) -> Exact {
    Exact::new(num, denom).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_limits() {
        let big = Exact::new(1_i128 << 124, 1).unwrap();
        let keys = Keys::new(&[big.clone(), -&big, "1/3".parse().unwrap()]);
        // common denominator 3, numerators ±3·2^124 exceed 2^125: fall back
        assert!(matches!(keys, Keys::General(_)));
        let keys = Keys::new(&[big.clone(), -&big, Exact::from(1)]);
        assert!(matches!(keys, Keys::Scaled { ref nums, denom: 1 } if nums[0] == 1 << 124));
        let keys = Keys::new(&["25".parse().unwrap(), "-100/3".parse().unwrap(), "12.5".parse().unwrap()]);
        assert!(matches!(keys, Keys::Scaled { ref nums, denom: 6 } if nums == &vec![150, -200, 75]));
        assert!(matches!(Keys::new(&[Exact::new(i128::MAX, 1).unwrap()]), Keys::General(_)));
        assert!(matches!(Keys::new(&[]), Keys::Scaled { .. }));
    }
}
