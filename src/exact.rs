//! Exact rational numbers for scores, thresholds and changes.
//!
//! Percentages in this crate are ratios of integers (`100 × points / max_points`, means of such
//! ratios, differences between them). They are kept exact so that a band threshold, a tie
//! between two organizations' changes or a "no change" verdict never depends on float rounding.
//!
//! [`Exact`] stores small values as a reduced `i128` ratio and moves to an arbitrary-precision
//! ratio only when an operation would overflow, so everyday arithmetic does not allocate while
//! hostile inputs (thousands of categories with unrelated denominators) still stay exact.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::{BigRational, Ratio};
use num_traits::{CheckedAdd, CheckedDiv, CheckedMul, CheckedSub, One, Signed, ToPrimitive, Zero};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An exact rational number.
///
/// Written as text it is an integer (`"25"`), a fraction (`"200/3"`) or a finite decimal
/// (`"74.5"`); [`Display`](fmt::Display) always writes the reduced integer or fraction form, so
/// `"74.5"` displays as `"149/2"`. In JSON it is that string; integers are also accepted when
/// reading. Floats are refused: `25.5` as a JSON number would already be a rounded binary value.
///
/// ```
/// use health_equity_assessment::Exact;
///
/// let two_thirds: Exact = "2/3".parse()?;
/// let sum = &two_thirds + &Exact::from(1);
/// assert_eq!(sum.to_string(), "5/3");
/// assert!(sum > Exact::from(1));
/// assert_eq!(Exact::percent(2, 3).unwrap().round_dp(2).to_string(), "6667/100");
/// # Ok::<(), health_equity_assessment::ParseExactError>(())
/// ```
#[derive(Clone)]
pub struct Exact(Repr);

#[derive(Clone)]
enum Repr {
    /// Reduced, positive denominator. Used whenever numerator and denominator fit.
    Small(Ratio<i128>),
    /// Only for values that do not fit `Small` (the representation is canonical).
    Big(Box<BigRational>),
}

impl Exact {
    /// Zero.
    #[must_use]
    pub fn zero() -> Self {
        Exact(Repr::Small(Ratio::from_integer(0)))
    }

    /// `numerator / denominator`, or `None` when the denominator is zero.
    #[must_use]
    pub fn new(numerator: i128, denominator: i128) -> Option<Self> {
        if denominator == 0 {
            return None;
        }
        if let Some(fast) = Self::reduce_u64(numerator, denominator) {
            return Some(fast);
        }
        // Ratio::new negates to make the denominator positive; `i128::MIN` cannot be negated.
        if numerator == i128::MIN || denominator == i128::MIN {
            return Some(Self::from_big(BigRational::new(BigInt::from(numerator), BigInt::from(denominator))));
        }
        Some(Exact(Repr::Small(Ratio::new(numerator, denominator))))
    }

    /// Reduces `n / d` (with `d ≠ 0`) in 64-bit arithmetic when both magnitudes fit in `u64`:
    /// hardware division, where `i128` division is a slow library call.
    fn reduce_u64(n: i128, d: i128) -> Option<Self> {
        let (un, ud) = (u64::try_from(n.unsigned_abs()).ok()?, u64::try_from(d.unsigned_abs()).ok()?);
        let g = num_integer::Integer::gcd(&un, &ud).max(1);
        let (rn, rd) = (i128::from(un / g), i128::from(ud / g));
        let negative = (n < 0) != (d < 0) && un != 0;
        Some(Exact(Repr::Small(Ratio::new_raw(if negative { -rn } else { rn }, rd))))
    }

    /// The percentage `100 × part / whole`, or `None` when `whole` is zero.
    ///
    /// ```
    /// use health_equity_assessment::Exact;
    /// assert_eq!(Exact::percent(9, 12).unwrap(), Exact::from(75));
    /// assert_eq!(Exact::percent(1, 0), None);
    /// ```
    #[must_use]
    pub fn percent(part: u64, whole: u64) -> Option<Self> {
        Self::new(i128::from(part) * 100, i128::from(whole))
    }

    fn from_big(value: BigRational) -> Self {
        match (value.numer().to_i128(), value.denom().to_i128()) {
            (Some(n), Some(d)) if n != i128::MIN && d != i128::MIN => Exact(Repr::Small(Ratio::new_raw(n, d))),
            _ => Exact(Repr::Big(Box::new(value))),
        }
    }

    fn to_big(&self) -> BigRational {
        match &self.0 {
            Repr::Small(r) => BigRational::new_raw(BigInt::from(*r.numer()), BigInt::from(*r.denom())),
            Repr::Big(b) => (**b).clone(),
        }
    }

    /// The reduced numerator and (positive) denominator as big integers.
    pub(crate) fn to_big_parts(&self) -> (BigInt, BigInt) {
        match &self.0 {
            Repr::Small(r) => (BigInt::from(*r.numer()), BigInt::from(*r.denom())),
            Repr::Big(b) => (b.numer().clone(), b.denom().clone()),
        }
    }

    /// `numer / denom` reduced, for a positive `denom`.
    pub(crate) fn from_big_parts(numer: BigInt, denom: BigInt) -> Self {
        if denom.is_zero() {
            return Exact::zero();
        }
        Self::from_big(BigRational::new(numer, denom))
    }

    /// Whether the value is zero.
    #[must_use]
    pub fn is_zero(&self) -> bool {
        match &self.0 {
            Repr::Small(r) => r.is_zero(),
            Repr::Big(b) => b.is_zero(),
        }
    }

    /// Whether the value is an integer.
    #[must_use]
    pub fn is_integer(&self) -> bool {
        match &self.0 {
            Repr::Small(r) => r.is_integer(),
            Repr::Big(b) => b.is_integer(),
        }
    }

    /// The sign: `Less` for negative values, `Equal` for zero, `Greater` for positive values.
    #[must_use]
    pub fn sign(&self) -> Ordering {
        match &self.0 {
            Repr::Small(r) => r.numer().cmp(&0),
            Repr::Big(b) => b.numer().sign().cmp(&num_bigint::Sign::NoSign),
        }
    }

    /// The absolute value.
    #[must_use]
    pub fn abs(&self) -> Self {
        if self.sign() == Ordering::Less { -self } else { self.clone() }
    }

    /// Half of the value (used for midpoints and averages of two values).
    #[must_use]
    pub fn half(&self) -> Self {
        self.div_int(2).unwrap_or_else(Exact::zero)
    }

    /// The value divided by a non-zero integer, or `None` when `divisor` is zero.
    #[must_use]
    pub fn div_int(&self, divisor: u64) -> Option<Self> {
        if divisor == 0 {
            return None;
        }
        if let Repr::Small(r) = &self.0
            && let Some(d) = i128::checked_mul(*r.denom(), i128::from(divisor))
        {
            return Some(Exact(Repr::Small(Ratio::new(*r.numer(), d))));
        }
        Some(Self::from_big(self.to_big() / BigInt::from(divisor)))
    }

    /// The quotient `self / other`, or `None` when `other` is zero.
    #[must_use]
    pub fn checked_div(&self, other: &Exact) -> Option<Self> {
        if other.is_zero() {
            return None;
        }
        if let (Repr::Small(a), Repr::Small(b)) = (&self.0, &other.0)
            && let Some(q) = a.checked_div(b)
        {
            return Some(Exact(Repr::Small(q)));
        }
        Some(Self::from_big(self.to_big() / other.to_big()))
    }

    /// The reduced numerator and (positive) denominator, when both fit in `i128`.
    ///
    /// ```
    /// use health_equity_assessment::Exact;
    /// assert_eq!(Exact::new(-6, 4).unwrap().to_i128_parts(), Some((-3, 2)));
    /// ```
    #[must_use]
    pub fn to_i128_parts(&self) -> Option<(i128, i128)> {
        match &self.0 {
            Repr::Small(r) => Some((*r.numer(), *r.denom())),
            // Canonical form: a Big value does not fit by construction.
            Repr::Big(_) => None,
        }
    }

    /// The numerator of the reduced fraction, as text.
    #[must_use]
    pub fn numer_string(&self) -> String {
        match &self.0 {
            Repr::Small(r) => r.numer().to_string(),
            Repr::Big(b) => b.numer().to_string(),
        }
    }

    /// The denominator of the reduced fraction (always positive), as text.
    #[must_use]
    pub fn denom_string(&self) -> String {
        match &self.0 {
            Repr::Small(r) => r.denom().to_string(),
            Repr::Big(b) => b.denom().to_string(),
        }
    }

    /// Rounds to `decimals` decimal places, halves away from zero (`2/3` → `0.67`,
    /// `-1/8` at two places → `-0.13`).
    #[must_use]
    pub fn round_dp(&self, decimals: u32) -> Self {
        if let Repr::Small(r) = &self.0
            && let Some(rounded) = Self::round_small(r, decimals)
        {
            return rounded;
        }
        let scale = BigInt::from(10u32).pow(decimals);
        let big = self.to_big();
        let scaled = big.abs() * BigRational::from_integer(scale.clone());
        let half = BigRational::new(BigInt::one(), BigInt::from(2));
        let mut rounded = (scaled + half).floor().to_integer();
        if big.is_negative() {
            rounded = -rounded;
        }
        Self::from_big(BigRational::new(rounded, scale))
    }

    /// `round_dp` without allocation, or `None` when an intermediate overflows `i128`.
    fn round_small(r: &Ratio<i128>, decimals: u32) -> Option<Self> {
        // 64-bit path: |n|·10^d·2 + den must fit in u64.
        if let (Ok(n), Ok(d), Some(scale)) =
            (u64::try_from(r.numer().unsigned_abs()), u64::try_from(*r.denom()), 10u64.checked_pow(decimals))
            && let Some(twice) = n.checked_mul(scale).and_then(|x| x.checked_mul(2)).and_then(|x| x.checked_add(d))
            && let Some(den2) = d.checked_mul(2)
        {
            let rounded = i128::from(twice / den2);
            let signed = if *r.numer() < 0 { -rounded } else { rounded };
            return Exact::new(signed, i128::from(scale));
        }
        let scale = 10i128.checked_pow(decimals)?;
        let scaled = i128::checked_mul(r.numer().checked_abs()?, scale)?;
        // floor(scaled / den + 1/2) = floor((2·scaled + den) / (2·den))
        let den2 = i128::checked_mul(*r.denom(), 2)?;
        let rounded = scaled.checked_mul(2)?.checked_add(*r.denom())? / den2;
        let signed = if *r.numer() < 0 { -rounded } else { rounded };
        Some(Exact(Repr::Small(Ratio::new(signed, scale))))
    }

    /// The nearest `f64`. For display only: never compare these.
    #[must_use]
    pub fn to_f64(&self) -> f64 {
        match &self.0 {
            Repr::Small(r) => {
                // Both parts are exact in f64 up to 2^53, so one division rounds correctly.
                const EXACT_LIMIT: i128 = 1 << 53;
                if r.numer().abs() <= EXACT_LIMIT && *r.denom() <= EXACT_LIMIT {
                    // Lossless: both operands are below 2^53 in magnitude.
                    #[allow(clippy::cast_precision_loss)]
                    return *r.numer() as f64 / *r.denom() as f64;
                }
                self.to_big().to_f64().unwrap_or(f64::NAN)
            }
            Repr::Big(b) => b.to_f64().unwrap_or(f64::NAN),
        }
    }

    /// Rounds to `decimals` places (see [`round_dp`](Self::round_dp)) and returns the nearest
    /// `f64`, the form used for `percent` fields in JSON reports.
    #[must_use]
    pub fn to_f64_rounded(&self, decimals: u32) -> f64 {
        // The 64-bit case directly: k = round(|n| / d · 10^p), then k / 10^p, one correctly
        // rounded division (the same double as reducing k / 10^p first).
        if let Repr::Small(r) = &self.0
            && let (Ok(n), Ok(d), Some(scale)) =
                (u64::try_from(r.numer().unsigned_abs()), u64::try_from(*r.denom()), 10u64.checked_pow(decimals))
            && let Some(twice) = n.checked_mul(scale).and_then(|x| x.checked_mul(2)).and_then(|x| x.checked_add(d))
            && let Some(den2) = d.checked_mul(2)
        {
            let k = twice / den2;
            const EXACT_LIMIT: u64 = 1 << 53;
            if k <= EXACT_LIMIT && scale <= EXACT_LIMIT {
                #[allow(clippy::cast_precision_loss)] // both below 2^53: exact
                let value = k as f64 / scale as f64;
                return if *r.numer() < 0 && k != 0 { -value } else { value };
            }
        }
        self.round_dp(decimals).to_f64()
    }

    /// Writes the value as a decimal with exactly `decimals` places, rounding halves away from
    /// zero: `2/3` with 2 places is `"0.67"`, `25` is `"25.00"`.
    #[must_use]
    pub fn to_decimal_string(&self, decimals: u32) -> String {
        let rounded = self.round_dp(decimals).to_big();
        let scale = BigInt::from(10u32).pow(decimals);
        let scaled = (rounded.abs() * BigRational::from_integer(scale.clone())).to_integer();
        let (int, frac) = scaled.div_rem(&scale);
        let sign = if rounded.is_negative() { "-" } else { "" };
        if decimals == 0 {
            format!("{sign}{int}")
        } else {
            format!("{sign}{int}.{frac:0>width$}", width = decimals as usize)
        }
    }
}

impl Default for Exact {
    fn default() -> Self {
        Exact::zero()
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Exact {
            fn from(value: $t) -> Self {
                Exact(Repr::Small(Ratio::from_integer(i128::from(value))))
            }
        }
    )*};
}
from_int!(i8, i16, i32, i64, u8, u16, u32, u64);

impl PartialEq for Exact {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Exact {}

impl PartialOrd for Exact {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Exact {
    fn cmp(&self, other: &Self) -> Ordering {
        match (&self.0, &other.0) {
            (Repr::Small(a), Repr::Small(b)) => {
                // Positive denominators: a/b ? c/d is a·d ? c·b. Ratio's own Ord (integer parts
                // and reciprocals, no overflow) is the fallback for huge parts.
                if a.denom() == b.denom() {
                    return a.numer().cmp(b.numer());
                }
                // Parts below 2^63: the products fit in i128 without a check.
                if let (Ok(an), Ok(ad), Ok(bn), Ok(bd)) = (
                    i64::try_from(*a.numer()),
                    i64::try_from(*a.denom()),
                    i64::try_from(*b.numer()),
                    i64::try_from(*b.denom()),
                ) {
                    return (i128::from(an) * i128::from(bd)).cmp(&(i128::from(bn) * i128::from(ad)));
                }
                match (i128::checked_mul(*a.numer(), *b.denom()), i128::checked_mul(*b.numer(), *a.denom())) {
                    (Some(x), Some(y)) => x.cmp(&y),
                    _ => a.cmp(b),
                }
            }
            _ => self.to_big().cmp(&other.to_big()),
        }
    }
}

impl Hash for Exact {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Canonical representation: equal values have equal reduced parts in the same variant.
        match &self.0 {
            Repr::Small(r) => {
                r.numer().hash(state);
                r.denom().hash(state);
            }
            Repr::Big(b) => {
                b.numer().hash(state);
                b.denom().hash(state);
            }
        }
    }
}

/// `a ± b` for small parts: one cross-multiplication in `i128` (parts below 2^63 cannot
/// overflow), then a 64-bit reduction when the result fits.
fn add_small(a: &Ratio<i128>, b: &Ratio<i128>, negate_b: bool) -> Option<Exact> {
    const LIMIT: u128 = 1 << 62;
    if [a.numer(), a.denom(), b.numer(), b.denom()].iter().any(|p| p.unsigned_abs() >= LIMIT) {
        return None;
    }
    let bn = if negate_b { -*b.numer() } else { *b.numer() };
    if a.denom() == b.denom() {
        return Exact::new(*a.numer() + bn, *a.denom());
    }
    Exact::new(*a.numer() * *b.denom() + bn * *a.denom(), *a.denom() * *b.denom())
}

macro_rules! binop {
    ($trait:ident, $method:ident, $checked:ident, $fast:expr) => {
        impl std::ops::$trait<&Exact> for &Exact {
            type Output = Exact;
            fn $method(self, rhs: &Exact) -> Exact {
                if let (Repr::Small(a), Repr::Small(b)) = (&self.0, &rhs.0) {
                    let fast: fn(&Ratio<i128>, &Ratio<i128>) -> Option<Exact> = $fast;
                    if let Some(r) = fast(a, b) {
                        return r;
                    }
                    if let Some(r) = a.$checked(b) {
                        return Exact(Repr::Small(r));
                    }
                }
                Exact::from_big(self.to_big().$method(rhs.to_big()))
            }
        }
        impl std::ops::$trait<Exact> for Exact {
            type Output = Exact;
            fn $method(self, rhs: Exact) -> Exact {
                (&self).$method(&rhs)
            }
        }
    };
}
binop!(Add, add, checked_add, |a, b| add_small(a, b, false));
binop!(Sub, sub, checked_sub, |a, b| add_small(a, b, true));
binop!(Mul, mul, checked_mul, |_, _| None);

impl std::ops::Neg for &Exact {
    type Output = Exact;
    fn neg(self) -> Exact {
        match &self.0 {
            Repr::Small(r) => match r.numer().checked_neg() {
                Some(n) => Exact(Repr::Small(Ratio::new_raw(n, *r.denom()))),
                None => Exact::from_big(-self.to_big()),
            },
            Repr::Big(b) => Exact::from_big(-(**b).clone()),
        }
    }
}
impl std::ops::Neg for Exact {
    type Output = Exact;
    fn neg(self) -> Exact {
        -&self
    }
}

/// An exact sum built in time linear in the number of terms.
///
/// Adding fractions one by one reduces after every step, and with many unrelated denominators
/// (a cohort on an instrument with unusual point values) the running denominator grows with
/// every term, so each step costs more than the last. This sum keeps one integer numerator per
/// distinct denominator instead, adds each term with one integer addition, and combines the
/// denominators once at the end: the cost is linear in the terms plus a part that depends only
/// on how many distinct denominators there are, which the instrument bounds.
#[derive(Default)]
pub(crate) struct ExactSum {
    /// Denominator → sum of numerators over it (small while it fits, then big).
    groups: std::collections::HashMap<i128, Numerator>,
    /// Terms that do not fit the small representation, by denominator.
    big: std::collections::HashMap<BigInt, BigInt>,
}

enum Numerator {
    Small(i128),
    Big(BigInt),
}

impl ExactSum {
    /// Adds `value`.
    pub(crate) fn add(&mut self, value: &Exact) {
        self.add_signed(value, false);
    }

    /// Subtracts `value`.
    pub(crate) fn sub(&mut self, value: &Exact) {
        self.add_signed(value, true);
    }

    fn add_signed(&mut self, value: &Exact, negate: bool) {
        match &value.0 {
            Repr::Small(r) => {
                let slot = self.groups.entry(*r.denom()).or_insert(Numerator::Small(0));
                let term = *r.numer();
                *slot = match std::mem::replace(slot, Numerator::Small(0)) {
                    Numerator::Small(n) => match if negate { n.checked_sub(term) } else { n.checked_add(term) } {
                        Some(sum) => Numerator::Small(sum),
                        None if negate => Numerator::Big(BigInt::from(n) - BigInt::from(term)),
                        None => Numerator::Big(BigInt::from(n) + BigInt::from(term)),
                    },
                    Numerator::Big(n) if negate => Numerator::Big(n - BigInt::from(term)),
                    Numerator::Big(n) => Numerator::Big(n + BigInt::from(term)),
                };
            }
            Repr::Big(b) => {
                let slot = self.big.entry(b.denom().clone()).or_default();
                if negate {
                    *slot -= b.numer();
                } else {
                    *slot += b.numer();
                }
            }
        }
    }

    /// The sum.
    pub(crate) fn finish(self) -> Exact {
        // One group (the common case: every percent of a category over one maximum).
        if self.big.is_empty() && self.groups.len() <= 1 {
            return match self.groups.into_iter().next() {
                None => Exact::zero(),
                Some((d, Numerator::Small(n))) => Exact::new(n, d).unwrap_or_default(),
                Some((d, Numerator::Big(n))) => Exact::from_big(BigRational::new(n, BigInt::from(d))),
            };
        }
        // The least common multiple of the denominators, in ascending order so the result does
        // not depend on hashing; each step divides a big number by a small one.
        let mut groups: Vec<(i128, Numerator)> = self.groups.into_iter().collect();
        groups.sort_unstable_by_key(|(d, _)| *d);
        let mut lcm = BigInt::one();
        for (d, _) in &groups {
            let d = BigInt::from(*d);
            let g = Integer::gcd(&(&lcm % &d), &d);
            if !g.is_zero() {
                lcm *= d / g;
            }
        }
        let mut numerator = BigInt::zero();
        for (d, n) in groups {
            let scale = &lcm / BigInt::from(d);
            numerator += match n {
                Numerator::Small(n) => scale * BigInt::from(n),
                Numerator::Big(n) => scale * n,
            };
        }
        let mut total = BigRational::new(numerator, lcm);
        let mut big: Vec<(BigInt, BigInt)> = self.big.into_iter().collect();
        big.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (d, n) in big {
            total += BigRational::new(n, d);
        }
        Exact::from_big(total)
    }
}

impl std::iter::Sum for Exact {
    fn sum<I: Iterator<Item = Exact>>(iter: I) -> Exact {
        let mut sum = ExactSum::default();
        iter.for_each(|x| sum.add(&x));
        sum.finish()
    }
}
impl<'a> std::iter::Sum<&'a Exact> for Exact {
    fn sum<I: Iterator<Item = &'a Exact>>(iter: I) -> Exact {
        let mut sum = ExactSum::default();
        iter.for_each(|x| sum.add(x));
        sum.finish()
    }
}

impl fmt::Display for Exact {
    /// `200/3` or `75`, honouring width, fill and alignment (`{:>8}`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.width().is_some() || f.precision().is_some() {
            let mut bytes = Vec::new();
            self.write_to(&mut bytes);
            return f.pad(&String::from_utf8_lossy(&bytes));
        }
        match &self.0 {
            Repr::Small(r) if r.is_integer() => write!(f, "{}", r.numer()),
            Repr::Small(r) => write!(f, "{}/{}", r.numer(), r.denom()),
            Repr::Big(b) if b.is_integer() => write!(f, "{}", b.numer()),
            Repr::Big(b) => write!(f, "{}/{}", b.numer(), b.denom()),
        }
    }
}

impl Exact {
    /// Appends the [`Display`](fmt::Display) form (`"200/3"`, `"75"`) to `out`.
    pub(crate) fn write_to(&self, out: &mut Vec<u8>) {
        match &self.0 {
            Repr::Small(r) => {
                out.extend_from_slice(itoa::Buffer::new().format(*r.numer()).as_bytes());
                if !r.is_integer() {
                    out.push(b'/');
                    out.extend_from_slice(itoa::Buffer::new().format(*r.denom()).as_bytes());
                }
            }
            Repr::Big(_) => out.extend_from_slice(self.to_string().as_bytes()),
        }
    }
}

impl fmt::Debug for Exact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Exact({self})")
    }
}

/// The error returned when text is not an exact number (`"25"`, `"-200/3"`, `"74.5"`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid exact number {input:?}: {reason}")]
pub struct ParseExactError {
    input: String,
    reason: &'static str,
}

impl crate::problem::Problem for ParseExactError {
    fn code(&self) -> &'static str {
        "invalid_exact"
    }

    fn location(&self) -> crate::problem::Location<'_> {
        crate::problem::Location::Inputs
    }
}

impl ParseExactError {
    /// The text that failed to parse.
    #[must_use]
    pub fn input(&self) -> &str {
        &self.input
    }
}

/// Longest accepted text; a longer number is not a score and would only cost time.
const MAX_EXACT_TEXT: usize = 200;

impl FromStr for Exact {
    type Err = ParseExactError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason| ParseExactError { input: s.chars().take(MAX_EXACT_TEXT).collect(), reason };
        if s.is_empty() {
            return Err(err("empty"));
        }
        if s.len() > MAX_EXACT_TEXT {
            return Err(err("longer than 200 characters"));
        }
        let (negative, body) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        let value = if let Some((n, d)) = body.split_once('/') {
            if !digits(n) || !digits(d) {
                return Err(err("expected digits on both sides of '/'"));
            }
            let d: BigInt = d.parse().map_err(|_| err("bad denominator"))?;
            if d.is_zero() {
                return Err(err("zero denominator"));
            }
            BigRational::new(n.parse().map_err(|_| err("bad numerator"))?, d)
        } else if let Some((i, frac)) = body.split_once('.') {
            if !digits(i) || !digits(frac) {
                return Err(err("expected digits on both sides of '.'"));
            }
            let scale = BigInt::from(10u32).pow(u32::try_from(frac.len()).map_err(|_| err("too long"))?);
            let whole: BigInt = format!("{i}{frac}").parse().map_err(|_| err("bad decimal"))?;
            BigRational::new(whole, scale)
        } else {
            if !digits(body) {
                return Err(err("expected an integer, a fraction n/d or a decimal"));
            }
            BigRational::from_integer(body.parse().map_err(|_| err("bad integer"))?)
        };
        Ok(Exact::from_big(if negative { -value } else { value }))
    }
}

impl Serialize for Exact {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Exact {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Exact;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer or a string holding an exact number such as \"25\", \"200/3\" or \"74.5\"")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Exact, E> {
                Ok(Exact::from(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Exact, E> {
                Ok(Exact::from(v))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Exact, E> {
                Err(E::custom(format_args!(
                    "the float {v} is not exact: write the number as a string such as \"{v}\" or as a fraction \"n/d\""
                )))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Exact, E> {
                v.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl schemars::JsonSchema for Exact {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Exact".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An exact rational number: an integer, or a string holding an integer, a fraction \"n/d\" or a finite decimal. Written by this crate as a string in lowest terms.",
            "anyOf": [
                { "type": "integer" },
                { "type": "string", "pattern": "^-?[0-9]+(/[0-9]*[1-9][0-9]*|\\.[0-9]+)?$", "maxLength": 200 }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(s: &str) -> Exact {
        s.parse().unwrap()
    }

    #[test]
    fn parses_and_displays_canonical_forms() {
        assert_eq!(ex("25").to_string(), "25");
        assert_eq!(ex("74.5").to_string(), "149/2");
        assert_eq!(ex("-200/3").to_string(), "-200/3");
        assert_eq!(ex("4/2").to_string(), "2");
        assert_eq!(ex("0.000").to_string(), "0");
        for bad in ["", "-", "1/0", "1.", ".5", "1e3", "+1", "1/-2", "NaN", "inf", "٣"] {
            assert!(bad.parse::<Exact>().is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(ex("2/3").to_decimal_string(2), "0.67");
        assert_eq!(ex("1/8").to_decimal_string(2), "0.13");
        assert_eq!(ex("-1/8").to_decimal_string(2), "-0.13");
        assert_eq!(ex("25").to_decimal_string(2), "25.00");
        assert_eq!(ex("-1/1000").to_decimal_string(2), "0.00");
        assert_eq!(ex("7499/100").to_f64_rounded(2).to_string(), "74.99");
        assert_eq!(Exact::percent(2, 3).unwrap().to_f64_rounded(2).to_string(), "66.67");
    }

    #[test]
    fn overflow_moves_to_big_and_back() {
        let big = Exact::new(i128::MAX, 1).unwrap();
        let sum = &big + &big;
        assert!(matches!(sum.0, Repr::Big(_)));
        let back = &sum - &big;
        assert!(matches!(back.0, Repr::Small(_)));
        assert_eq!(back, big);
        let min = Exact::new(i128::MIN, 1).unwrap();
        assert_eq!((-&min).sign(), Ordering::Greater);
        assert_eq!(&(-&min) + &min, Exact::zero());
        // Unrelated denominators: the exact mean of many fractions stays exact.
        let primes = [101i128, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181];
        let total: Exact = primes.iter().map(|p| Exact::new(1, *p).unwrap()).sum();
        let back: Exact = primes.iter().fold(total, |acc, p| &acc - &Exact::new(1, *p).unwrap());
        assert!(back.is_zero());
    }

    #[test]
    fn ordering_and_equality_across_representations() {
        let a = Exact::new(1, 3).unwrap();
        let huge = &Exact::new(i128::MAX, 1).unwrap() * &Exact::from(4);
        assert!(a < huge);
        assert!(-&huge < a);
        assert_eq!(ex("1/3"), a);
        assert_eq!(a.half(), ex("1/6"));
        assert_eq!(ex("3").div_int(0), None);
        assert_eq!(ex("3").checked_div(&ex("3/2")), Some(ex("2")));
    }

    #[test]
    fn serde_accepts_integers_and_strings_refuses_floats() {
        assert_eq!(serde_json::from_str::<Exact>("25").unwrap(), ex("25"));
        assert_eq!(serde_json::from_str::<Exact>("\"200/3\"").unwrap(), ex("200/3"));
        let err = serde_json::from_str::<Exact>("25.5").unwrap_err().to_string();
        assert!(err.contains("not exact"), "{err}");
        assert_eq!(serde_json::to_string(&ex("74.5")).unwrap(), "\"149/2\"");
    }
}
