//! Multiple-testing adjustment of a family of p-values.

use crate::stats::{StatsError, to_u64, u64_to_f64};

/// The adjustment method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PAdjustMethod {
    /// Holm's step-down method (family-wise error rate): statsmodels `"holm"`, R `"holm"`.
    Holm,
    /// Benjamini–Hochberg step-up method (false discovery rate): statsmodels `"fdr_bh"`,
    /// R `"BH"`.
    BenjaminiHochberg,
}

/// Adjusted p-values for a family; missing p-values (`None`) stay missing and do not count in
/// the family size `m`, as in R's `p.adjust` with `NA`s.
///
/// With `p₍₁₎ ≤ … ≤ p₍ₘ₎` the sorted p-values (ties in any order; the result does not depend on
/// it):
///
/// * Holm: `p̃₍ᵢ₎ = min(1, max_{j ≤ i} (m − j + 1)·p₍ⱼ₎)`;
/// * Benjamini–Hochberg: `p̃₍ᵢ₎ = min(1, min_{j ≥ i} p₍ⱼ₎ / (j/m))`.
///
/// The floating-point operations are statsmodels' (`p * (m − i)`, `p / (j/m)`), so results equal
/// `statsmodels.stats.multitest.multipletests` bit for bit; R computes BH as `(m/j)·p`, which can
/// differ in the last bit.
///
/// # Errors
///
/// [`StatsError::InvalidPValue`] for NaN or values outside `[0, 1]`.
///
/// ```
/// use health_equity_assessment::stats::{adjust_p_values, PAdjustMethod};
///
/// let p = [Some(0.01), None, Some(0.04), Some(0.03)];
/// let holm = adjust_p_values(&p, PAdjustMethod::Holm)?;
/// assert_eq!(holm, vec![Some(0.03), None, Some(0.06), Some(0.06)]);
/// let bh = adjust_p_values(&p, PAdjustMethod::BenjaminiHochberg)?;
/// // 0.01 / (1/3) rounds to 0.030000000000000002, as in statsmodels.
/// assert_eq!(bh, vec![Some(0.030000000000000002), None, Some(0.04), Some(0.04)]);
/// # Ok::<(), health_equity_assessment::stats::StatsError>(())
/// ```
pub fn adjust_p_values(p_values: &[Option<f64>], method: PAdjustMethod) -> Result<Vec<Option<f64>>, StatsError> {
    let mut present: Vec<(usize, f64)> = Vec::with_capacity(p_values.len());
    for (index, p) in p_values.iter().enumerate() {
        if let Some(value) = *p {
            if !(0.0..=1.0).contains(&value) {
                return Err(StatsError::InvalidPValue { index, value });
            }
            present.push((index, value));
        }
    }
    // Stable sort by value: deterministic for ties.
    present.sort_by(|a, b| a.1.total_cmp(&b.1));
    let m = to_u64(present.len());
    let mf = u64_to_f64(m);
    let mut adjusted = vec![0.0_f64; present.len()];
    match method {
        PAdjustMethod::Holm => {
            let mut running = f64::NEG_INFINITY;
            for (i, ((_, p), out)) in present.iter().zip(adjusted.iter_mut()).enumerate() {
                let factor = u64_to_f64(m - to_u64(i));
                running = running.max(p * factor);
                *out = running;
            }
        }
        PAdjustMethod::BenjaminiHochberg => {
            let mut running = f64::INFINITY;
            for (i, ((_, p), out)) in present.iter().zip(adjusted.iter_mut()).enumerate().rev() {
                let ecdf = u64_to_f64(to_u64(i) + 1) / mf;
                running = running.min(p / ecdf);
                *out = running;
            }
        }
    }
    let mut result = vec![None; p_values.len()];
    for ((index, _), value) in present.iter().zip(adjusted) {
        if let Some(slot) = result.get_mut(*index) {
            *slot = Some(value.min(1.0));
        }
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Problem as _;

    #[test]
    fn doc_example_and_edges() {
        let p = [Some(0.01), None, Some(0.04), Some(0.03)];
        assert_eq!(adjust_p_values(&p, PAdjustMethod::Holm).unwrap(), vec![Some(0.03), None, Some(0.06), Some(0.06)]);
        assert_eq!(
            adjust_p_values(&p, PAdjustMethod::BenjaminiHochberg).unwrap(),
            vec![Some(0.030000000000000002), None, Some(0.04), Some(0.04)]
        );
        assert_eq!(adjust_p_values(&[], PAdjustMethod::Holm).unwrap(), vec![]);
        assert_eq!(adjust_p_values(&[None, None], PAdjustMethod::Holm).unwrap(), vec![None, None]);
        assert_eq!(adjust_p_values(&[Some(0.7), Some(0.9)], PAdjustMethod::Holm).unwrap(), vec![Some(1.0), Some(1.0)]);
        let err = adjust_p_values(&[Some(0.1), Some(f64::NAN)], PAdjustMethod::Holm).unwrap_err();
        assert_eq!(err.code(), "invalid_p_value");
        assert!(matches!(err, StatsError::InvalidPValue { index: 1, .. }));
        assert!(adjust_p_values(&[Some(-0.0), Some(1.5)], PAdjustMethod::BenjaminiHochberg).is_err());
    }
}
