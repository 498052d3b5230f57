//! Exact decimal numbers for comparing values with a model's `min`, `max`
//! and `step`.
//!
//! Binary floating point cannot say whether 0.3 is a multiple of 0.1 (it
//! computes 0.30000000000000004 / 0.1 = 3.0000000000000004). So the check
//! works on the decimal text instead: a model's bounds as written, and a
//! JSON number as the shortest decimal that reads back as the same `f64`,
//! which is what the device wrote in every practical case (`0.3` stays
//! `0.3`). Arithmetic is then exact on a 128-bit mantissa and a base-10
//! exponent; the rare case that would overflow it (digits spread over more
//! than 38 decimal places) reports "cannot tell" instead of guessing.

use std::cmp::Ordering;

/// Most significant digits a mantissa may have; 10^38 < 2^127.
const MAX_DIGITS: u32 = 38;
/// Largest exponent magnitude accepted; `f64` needs about 340.
const MAX_EXPONENT: i32 = 400;
/// Longest run of digits accepted before or after the point, so that every
/// exponent and every difference of exponents stays far inside `i32`.
const MAX_RUN: usize = 1000;

/// `(-1)^negative × mantissa × 10^exponent`, normalised: the mantissa has no
/// trailing zero digit, and zero is `+0 × 10^0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decimal {
    negative: bool,
    mantissa: u128,
    exponent: i32,
}

impl Decimal {
    /// Zero.
    pub(crate) const ZERO: Decimal = Decimal {
        negative: false,
        mantissa: 0,
        exponent: 0,
    };

    /// Parses `[-+]digits[.digits][(e|E)[-+]digits]` (JSON's number syntax,
    /// plus a leading `+` and digits after the point being optional), as
    /// model bounds and `f64` formatting write it. `None` for anything else
    /// or for more than 38 significant digits.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let (negative, rest) = match text.as_bytes().first()? {
            b'-' => (true, text.get(1..)?),
            b'+' => (false, text.get(1..)?),
            _ => (false, text),
        };
        let (number, exponent) = match rest.find(['e', 'E']) {
            Some(at) => (rest.get(..at)?, parse_exponent(rest.get(at + 1..)?)?),
            None => (rest, 0),
        };
        let (int, frac) = match number.find('.') {
            Some(at) => (number.get(..at)?, number.get(at + 1..)?),
            None => (number, ""),
        };
        if int.is_empty() || int.len() > MAX_RUN || frac.len() > MAX_RUN {
            return None;
        }
        if !int.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let digits = int.bytes().chain(frac.bytes()).skip_while(|&b| b == b'0');
        let mut mantissa: u128 = 0;
        let mut count = 0u32;
        for b in digits {
            count += 1;
            if count > MAX_DIGITS {
                return None;
            }
            mantissa = mantissa * 10 + u128::from(b - b'0');
        }
        let frac_len = i32::try_from(frac.len()).ok()?;
        Some(Self::new(
            negative,
            mantissa,
            exponent.checked_sub(frac_len)?,
        ))
    }

    /// The value of a JSON number, through its shortest decimal text.
    pub(crate) fn from_number(n: &serde_json::Number) -> Option<Self> {
        Self::parse(&n.to_string())
    }

    fn new(negative: bool, mut mantissa: u128, mut exponent: i32) -> Self {
        if mantissa == 0 {
            return Self::ZERO;
        }
        while mantissa.is_multiple_of(10) {
            mantissa /= 10;
            exponent += 1;
        }
        Self {
            negative,
            mantissa,
            exponent,
        }
    }

    /// How many digits it has after the decimal point (0 for whole
    /// numbers).
    pub(crate) fn fraction_digits(self) -> u32 {
        self.exponent.min(0).unsigned_abs()
    }

    /// The value times `10^places` as a whole number, or `None` when that
    /// is not whole (more than `places` digits after the point) or does not
    /// fit an `i128`.
    pub(crate) fn to_units(self, places: u32) -> Option<i128> {
        let shift = i32::try_from(places).ok()?.checked_add(self.exponent)?;
        let magnitude = i128::try_from(scale(self.mantissa, shift)?).ok()?;
        Some(if self.negative { -magnitude } else { magnitude })
    }

    /// Whether this is greater than zero.
    pub(crate) fn is_positive(self) -> bool {
        self.mantissa != 0 && !self.negative
    }

    /// `self - other`, or `None` when the result needs more than 38 digits.
    pub(crate) fn checked_sub(self, other: Self) -> Option<Self> {
        let exponent = self.exponent.min(other.exponent);
        let a = scale(self.mantissa, self.exponent - exponent)?;
        let b = scale(other.mantissa, other.exponent - exponent)?;
        let a = if self.negative {
            -i128::try_from(a).ok()?
        } else {
            i128::try_from(a).ok()?
        };
        let b = if other.negative {
            -i128::try_from(b).ok()?
        } else {
            i128::try_from(b).ok()?
        };
        let d = a.checked_sub(b)?;
        Some(Self::new(d < 0, d.unsigned_abs(), exponent))
    }

    /// Whether `self` is a whole multiple of `step` (which must not be
    /// zero), or `None` when that cannot be computed in 128 bits.
    pub(crate) fn is_multiple_of(self, step: Self) -> Option<bool> {
        if self.mantissa == 0 {
            return Some(true);
        }
        if step.mantissa == 0 {
            return None;
        }
        // self / step = (m / s) × 10^(e - f), with m and s free of factors
        // of ten only at the ends, so compare at a common exponent.
        if self.exponent >= step.exponent {
            // Is m × 10^k divisible by s? Work modulo s to stay small.
            let k = self.exponent - step.exponent;
            let s = step.mantissa;
            let mut r = self.mantissa % s;
            for _ in 0..k {
                r = r.checked_mul(10)? % s;
                if r == 0 {
                    break;
                }
            }
            Some(r == 0)
        } else {
            // Is m divisible by s × 10^k? If that exceeds 128 bits it
            // exceeds m, which is not zero, so it does not divide it.
            match scale(step.mantissa, step.exponent - self.exponent) {
                Some(s) => Some(self.mantissa.is_multiple_of(s)),
                None => Some(false),
            }
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let sign = |d: &Self| match (d.mantissa, d.negative) {
            (0, _) => 0,
            (_, true) => -1,
            (_, false) => 1,
        };
        match sign(self).cmp(&sign(other)) {
            Ordering::Equal if sign(self) == 0 => Ordering::Equal,
            Ordering::Equal => {
                let magnitude = magnitude_cmp(self, other);
                if self.negative {
                    magnitude.reverse()
                } else {
                    magnitude
                }
            }
            unequal => unequal,
        }
    }
}

/// Compares `|a|` and `|b|`, both non-zero.
fn magnitude_cmp(a: &Decimal, b: &Decimal) -> Ordering {
    // The position of the leading digit decides unless it is the same;
    // then both mantissas fit in MAX_DIGITS digits at the lower exponent.
    let lead = |d: &Decimal| i64::from(d.exponent) + i64::from(digits(d.mantissa));
    match lead(a).cmp(&lead(b)) {
        Ordering::Equal => {
            let exponent = a.exponent.min(b.exponent);
            match (
                scale(a.mantissa, a.exponent - exponent),
                scale(b.mantissa, b.exponent - exponent),
            ) {
                (Some(x), Some(y)) => x.cmp(&y),
                // Unreachable for normalised values; order by exponent.
                _ => a.exponent.cmp(&b.exponent),
            }
        }
        unequal => unequal,
    }
}

fn digits(mut n: u128) -> u32 {
    let mut count = 0;
    while n > 0 {
        n /= 10;
        count += 1;
    }
    count
}

/// `m × 10^k` for `k >= 0`, or `None` on overflow.
fn scale(m: u128, k: i32) -> Option<u128> {
    let k = u32::try_from(k).ok()?;
    10u128.checked_pow(k).and_then(|p| m.checked_mul(p))
}

fn parse_exponent(text: &str) -> Option<i32> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, text.get(1..)?),
        b'+' => (false, text.get(1..)?),
        _ => (false, text),
    };
    if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: i32 = digits.parse().ok()?;
    if value > MAX_EXPONENT {
        return None;
    }
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::parse(text).unwrap()
    }

    #[test]
    fn parses_what_models_and_floats_write() {
        assert_eq!(d("0.30"), d("0.3"));
        assert_eq!(d("-0"), d("0"));
        assert_eq!(d("1e2"), d("100"));
        assert_eq!(d("100.0"), d("100"));
        assert_eq!(d("+5"), d("5"));
        assert_eq!(d("1.5E-7"), d("0.00000015"));
        assert_eq!(d("5."), d("5"));
        for bad in [
            "", "-", "+", ".5", "1..2", "1e", "1e+", "0x10", "1,5", " 1", "1 ", "NaN", "1e9999",
            "--1",
        ] {
            assert_eq!(Decimal::parse(bad), None, "{bad:?}");
        }
        assert!(Decimal::parse(&"9".repeat(38)).is_some());
        assert_eq!(Decimal::parse(&"9".repeat(39)), None);
        assert!(Decimal::parse(&format!("{}1", "0".repeat(100))).is_some());
    }

    #[test]
    fn compares_exactly() {
        let ordered = [
            "-1e30", "-100", "-0.3", "-0.1", "0", "1e-30", "0.1", "0.3", "2", "10", "1e30",
        ];
        for (i, a) in ordered.iter().enumerate() {
            for (j, b) in ordered.iter().enumerate() {
                assert_eq!(d(a).cmp(&d(b)), i.cmp(&j), "{a} vs {b}");
            }
        }
        assert_eq!(d("0.30000000000000004").cmp(&d("0.3")), Ordering::Greater);
        assert_eq!(d("65535").cmp(&d("65535.0")), Ordering::Equal);
    }

    #[test]
    fn whole_units_at_a_number_of_places() {
        assert_eq!(d("12.34").to_units(2), Some(1234));
        assert_eq!(d("12.34").to_units(4), Some(123_400));
        assert_eq!(d("-0.5").to_units(3), Some(-500));
        assert_eq!(d("1e3").to_units(0), Some(1000));
        assert_eq!(d("0").to_units(5), Some(0));
        assert_eq!(d("0.125").to_units(2), None);
        assert_eq!(d("1e40").to_units(0), None);
        assert_eq!(d("12.34").fraction_digits(), 2);
        assert_eq!(d("100").fraction_digits(), 0);
        assert_eq!(d("1.5e-7").fraction_digits(), 8);
    }

    #[test]
    fn steps_without_float_error() {
        let multiple = |v: &str, s: &str| d(v).is_multiple_of(d(s));
        assert_eq!(multiple("0.3", "0.1"), Some(true));
        assert_eq!(multiple("0.35", "0.1"), Some(false));
        assert_eq!(multiple("1.5", "0.5"), Some(true));
        assert_eq!(multiple("100", "0.25"), Some(true));
        assert_eq!(multiple("7", "2"), Some(false));
        assert_eq!(multiple("1e20", "3"), Some(false));
        assert_eq!(multiple("3e20", "3"), Some(true));
        assert_eq!(multiple("0", "0.7"), Some(true));
        assert_eq!(multiple("0.001", "1e-40"), Some(true));
        assert_eq!(multiple("1e-40", "0.001"), Some(false));
        assert_eq!(multiple("5", "0"), None);
        let diff = d("-6.6").checked_sub(d("-12.3")).unwrap();
        assert_eq!(diff, d("5.7"));
        assert_eq!(diff.is_multiple_of(d("0.1")), Some(true));
        assert_eq!(d("1e300").checked_sub(d("0.1")), None);
    }
}
