//! The values of a simulated device's properties: a first value that fits
//! the property's definition, and the next one, drawn uniformly or by a
//! small random step from the current one.
//!
//! Numbers live on a grid of whole units (the value times `10^places`), so
//! every number made here is exactly `min + k × step`, within `min..=max`
//! and within its type: the validator's rules are met by construction, and
//! each value is still checked against them before it is handed out.
//!
//! ```text
//! units   base + k × step        k in kmin..=kmax
//! value   units / 10^places      0.1 steps from -40: units of 0.1, base -400, step 1
//! ```
//!
//! A side of the range the model leaves open spans 100 steps (0 to 100 for
//! an `int` without bounds). Decimals keep to 15 significant digits, which
//! an `f64` holds and prints back unchanged.
//!
//! No clock (the caller passes `now`) and no randomness of its own (the
//! caller passes the generator).

use rand_core::Rng;
use serde_json::{Map, Number, Value};

use crate::iotda::decimal::Decimal;
use crate::iotda::model::{DataType, Spec};
use crate::iotda::validate::fits;
use crate::iotda::EventTime;

/// How [`SimulatedDevice::advance`](super::SimulatedDevice::advance) moves
/// the values it simulates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Simulation {
    /// Each value drawn anew, uniformly: any number of the range on the
    /// step, any value of an enum, a string of any allowed length, either
    /// boolean.
    Random,
    /// Each value a small random step from the previous one (at most a
    /// twentieth of the range, kept within it), the neighbouring enum
    /// value, one character of a string changed, a boolean flipped one time
    /// in four.
    RandomWalk,
}

/// Largest magnitude of a simulated decimal in units: 15 significant
/// digits, which an `f64` holds exactly and prints back as written.
const MAX_DECIMAL_UNITS: i128 = 999_999_999_999_999;
/// Steps a range spans on a side the model leaves open.
const OPEN_SIDE_STEPS: i128 = 100;
/// A random walk moves at most a range's length divided by this.
const WALK_DIVISOR: u128 = 20;
/// Longest string drawn for a `string` without `max_length`.
const LONGEST_DRAWN_STRING: u64 = 16;
/// Most elements of a drawn `string list`.
const LONGEST_DRAWN_LIST: u128 = 3;
/// What drawn strings are made of.
const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// The first value of a property: its `default_value` when that fits, else
/// the lowest number of its range, the first allowed enum value, `false`, a
/// short text, the Unix epoch, `{}` or `[]`. `None` when the definition
/// admits no value this module can make (an `int` whose `min` has a
/// fraction and a `step`, bounds far beyond an `f64`'s 15 digits, an enum
/// list whose every entry is longer than `max_length`).
pub(super) fn initial(spec: &Spec<'_>, default_value: Option<&Value>) -> Option<Value> {
    if let Some(value) = default_value.filter(|v| fits(spec, v)) {
        return Some(value.clone());
    }
    let value = match spec.data_type {
        DataType::Int | DataType::Long | DataType::Decimal => {
            let grid = Grid::new(spec)?;
            grid.value(grid.kmin)?
        }
        DataType::String | DataType::Enum => match allowed(spec) {
            Some(list) => Value::String(list.first()?.to_string()),
            None => Value::String("text".chars().take(longest_string(spec)).collect()),
        },
        DataType::DateTime => Value::String(EventTime::from_unix_millis(0).ok()?.to_string()),
        DataType::JsonObject => Value::Object(Map::new()),
        DataType::Boolean => Value::Bool(false),
        DataType::StringList => Value::Array(Vec::new()),
    };
    fits(spec, &value).then_some(value)
}

/// The value after `current` in `simulation`, or `None` to keep `current`
/// (a `jsonObject`, which has nothing to simulate; a `string list` in a
/// random walk; a definition that admits no value). A `DateTime` becomes
/// `now_millis`, the caller's clock in Unix milliseconds.
pub(super) fn next<R: Rng + ?Sized>(
    spec: &Spec<'_>,
    current: &Value,
    simulation: Simulation,
    now_millis: i64,
    rng: &mut R,
) -> Option<Value> {
    let value = match spec.data_type {
        DataType::Int | DataType::Long | DataType::Decimal => {
            let grid = Grid::new(spec)?;
            let k = match simulation {
                Simulation::Random => grid.draw(rng),
                Simulation::RandomWalk => grid.walk(grid.index_of(current), rng),
            };
            grid.value(k)?
        }
        DataType::String | DataType::Enum => match allowed(spec) {
            Some(list) => {
                let last = list.len().checked_sub(1)?;
                let at = match simulation {
                    Simulation::Random => draw_index(rng, last),
                    Simulation::RandomWalk => {
                        let at = list.iter().position(|s| Some(*s) == current.as_str());
                        // One of -1, 0, +1 from where it is, kept in the list.
                        let moved = at.unwrap_or(0) + draw_index(rng, 2);
                        moved.saturating_sub(1).min(last)
                    }
                };
                Value::String(list.get(at)?.to_string())
            }
            None => Value::String(match simulation {
                Simulation::Random => {
                    let len = 1 + draw_index(rng, longest_string(spec).saturating_sub(1));
                    random_text(rng, len)
                }
                Simulation::RandomWalk => mutate_text(rng, current.as_str()?, longest_string(spec)),
            }),
        },
        DataType::DateTime => {
            Value::String(EventTime::from_unix_millis(now_millis).ok()?.to_string())
        }
        DataType::Boolean => Value::Bool(match simulation {
            Simulation::Random => rng.next_u32() & 1 == 1,
            Simulation::RandomWalk => current.as_bool()? ^ rng.next_u32().is_multiple_of(4),
        }),
        DataType::JsonObject => return None,
        DataType::StringList => match simulation {
            Simulation::Random => {
                let count = uniform(rng, LONGEST_DRAWN_LIST);
                Value::Array(
                    (0..count)
                        .map(|_| {
                            let len = 1 + draw_index(rng, 7);
                            Value::String(random_text(rng, len))
                        })
                        .collect(),
                )
            }
            Simulation::RandomWalk => return None,
        },
    };
    fits(spec, &value).then_some(value)
}

/// The strings an enum list allows (those within `max_length` for a
/// `string`), or `None` without a list: then any string is allowed.
fn allowed<'a>(spec: &Spec<'a>) -> Option<Vec<&'a str>> {
    let list = spec.enum_list.filter(|l| !l.is_empty())?;
    let limit = match spec.data_type {
        DataType::String => spec.max_length.filter(|&m| m > 0),
        _ => None,
    };
    Some(
        list.iter()
            .map(String::as_str)
            .filter(|s| {
                limit.is_none_or(|m| u64::try_from(s.chars().count()).is_ok_and(|n| n <= m))
            })
            .collect(),
    )
}

/// The longest string to make: `max_length` for a `string` that has one,
/// at most 16 characters.
fn longest_string(spec: &Spec<'_>) -> usize {
    let limit = match spec.data_type {
        DataType::String => spec
            .max_length
            .filter(|&m| m > 0)
            .map_or(LONGEST_DRAWN_STRING, |m| m.min(LONGEST_DRAWN_STRING)),
        _ => LONGEST_DRAWN_STRING,
    };
    usize::try_from(limit).unwrap_or(1)
}

/// `len` characters of [`ALPHABET`].
fn random_text<R: Rng + ?Sized>(rng: &mut R, len: usize) -> String {
    (0..len)
        .filter_map(|_| ALPHABET.get(draw_index(rng, ALPHABET.len() - 1)))
        .map(|&b| char::from(b))
        .collect()
}

/// `text` with one character replaced (or, when empty, one added).
fn mutate_text<R: Rng + ?Sized>(rng: &mut R, text: &str, longest: usize) -> String {
    let mut chars: Vec<char> = text.chars().take(longest).collect();
    let new = random_text(rng, 1).chars().next().unwrap_or('x');
    match chars.len().checked_sub(1) {
        Some(last) => {
            let at = draw_index(rng, last);
            if let Some(c) = chars.get_mut(at) {
                *c = new;
            }
        }
        None => chars.push(new),
    }
    chars.into_iter().collect()
}

/// A uniform draw from `0..=n`.
fn uniform<R: Rng + ?Sized>(rng: &mut R, n: u128) -> u128 {
    let mut draw = || (u128::from(rng.next_u64()) << 64) | u128::from(rng.next_u64());
    let Some(range) = n.checked_add(1) else {
        return draw();
    };
    // Draws below 2^128 mod range would favour the small results; draw
    // again (for fewer than half of all draws, whatever the range). Bounded,
    // so that a degenerate generator cannot hang the caller.
    let threshold = range.wrapping_neg() % range;
    let mut x = draw();
    for _ in 0..64 {
        if x >= threshold {
            break;
        }
        x = draw();
    }
    x % range
}

/// A uniform index in `0..=last`.
fn draw_index<R: Rng + ?Sized>(rng: &mut R, last: usize) -> usize {
    let n = u128::try_from(last).unwrap_or(u128::MAX);
    usize::try_from(uniform(rng, n)).unwrap_or(last)
}

/// The numbers a numeric property may take: `base + k × step` units for
/// `k` in `kmin..=kmax`, a unit being `10^-places`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Grid {
    base: i128,
    step: i128,
    kmin: i128,
    kmax: i128,
    places: u32,
    /// `int` or `long`: every point is a whole number.
    whole: bool,
}

impl Grid {
    /// The grid of `spec`, or `None` when it has no point this module can
    /// make exactly.
    fn new(spec: &Spec<'_>) -> Option<Self> {
        let whole = matches!(spec.data_type, DataType::Int | DataType::Long);
        let min = spec.min.and_then(Decimal::parse);
        let max = spec.max.and_then(Decimal::parse);
        let step = spec
            .step
            .and_then(Decimal::from_number)
            .filter(|s| s.is_positive());
        let mut places = [min, max, step]
            .into_iter()
            .flatten()
            .map(Decimal::fraction_digits)
            .max()
            .unwrap_or(0);
        if !whole && step.is_none() {
            // A decimal without a step gets one digit after the point, so
            // that it looks like one.
            places = places.max(1);
        }
        let unit = 10i128.checked_pow(places)?;
        // The validator counts steps from min, or from 0 without one.
        let (base, step) = match step {
            Some(s) => {
                let base = match min {
                    Some(m) => m.to_units(places)?,
                    None => 0,
                };
                let s = s.to_units(places)?;
                if whole {
                    // Whole numbers on the step: the step's multiples that
                    // are also whole, counted from a whole base.
                    if base % unit != 0 {
                        return None;
                    }
                    (base, lcm(s, unit)?)
                } else {
                    (base, s)
                }
            }
            None => (0, if whole { unit } else { 1 }),
        };
        if step <= 0 {
            return None;
        }
        let (type_lo, type_hi) = match spec.data_type {
            DataType::Int => (
                i128::from(i32::MIN).saturating_mul(unit),
                i128::from(i32::MAX).saturating_mul(unit),
            ),
            DataType::Long => (
                i128::from(i64::MIN).saturating_mul(unit),
                i128::from(i64::MAX).saturating_mul(unit),
            ),
            _ => (-MAX_DECIMAL_UNITS, MAX_DECIMAL_UNITS),
        };
        // Every bound has at most `places` digits after the point, so a
        // conversion fails only by overflow: beyond any value made here.
        let units = |d: Decimal| {
            d.to_units(places).unwrap_or(if d < Decimal::ZERO {
                i128::MIN
            } else {
                i128::MAX
            })
        };
        let span = step.saturating_mul(OPEN_SIDE_STEPS);
        let (lo, hi) = match (min.map(units), max.map(units)) {
            (Some(lo), Some(hi)) => (lo, hi),
            (Some(lo), None) => (lo, lo.saturating_add(span)),
            (None, Some(hi)) => (hi.saturating_sub(span), hi),
            (None, None) => (base, base.saturating_add(span)),
        };
        let (lo, hi) = (lo.max(type_lo), hi.min(type_hi));
        // With a positive divisor, Euclidean division rounds down.
        let kmin = lo
            .checked_sub(base)?
            .checked_neg()?
            .checked_div_euclid(step)?
            .checked_neg()?;
        let kmax = hi.checked_sub(base)?.checked_div_euclid(step)?;
        (kmin <= kmax).then_some(Self {
            base,
            step,
            kmin,
            kmax,
            places,
            whole,
        })
    }

    /// The number at point `k`.
    fn value(&self, k: i128) -> Option<Value> {
        let units = k.checked_mul(self.step)?.checked_add(self.base)?;
        let unit = 10i128.checked_pow(self.places)?;
        if self.whole {
            return i64::try_from(units / unit).ok().map(Value::from);
        }
        // Both are below 2^53, so exact as f64, and IEEE division rounds
        // the quotient correctly: the f64 nearest the decimal, which prints
        // back as the same decimal (at most 15 digits).
        let x = units as f64 / unit as f64;
        Number::from_f64(x).map(Value::Number)
    }

    /// A uniformly drawn point.
    fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> i128 {
        let offset = uniform(rng, self.kmax.abs_diff(self.kmin));
        self.kmin
            .checked_add_unsigned(offset)
            .map_or(self.kmax, |k| k.min(self.kmax))
    }

    /// A point at most a twentieth of the range from `k` (at least one
    /// step), kept within the range.
    fn walk<R: Rng + ?Sized>(&self, k: i128, rng: &mut R) -> i128 {
        let width = (self.kmax.abs_diff(self.kmin) / WALK_DIVISOR).max(1);
        let offset = uniform(rng, width.saturating_mul(2));
        k.saturating_add_unsigned(offset)
            .saturating_sub_unsigned(width)
            .clamp(self.kmin, self.kmax)
    }

    /// The point nearest `value` (the lowest one when it is not a number).
    fn index_of(&self, value: &Value) -> i128 {
        let Some(x) = value.as_f64() else {
            return self.kmin;
        };
        let unit = 10f64.powi(i32::try_from(self.places).unwrap_or(0));
        // Only a position is wanted here: the new value is made from the
        // point, exactly. `as` saturates (and takes NaN to 0).
        let k = ((x * unit - self.base as f64) / self.step as f64).round() as i128;
        k.clamp(self.kmin, self.kmax)
    }
}

/// Least common multiple of two positive numbers.
fn lcm(a: i128, b: i128) -> Option<i128> {
    let (mut x, mut y) = (a, b);
    while y != 0 {
        (x, y) = (y, x % y);
    }
    a.checked_div(x)?.checked_mul(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iotda::Property;
    use rand_chacha::rand_core::SeedableRng;
    use rand_chacha::ChaCha20Rng;
    use serde_json::json;

    fn property(def: Value) -> Property {
        let mut def = def;
        def["property_name"] = json!("p");
        def["method"] = json!("RW");
        serde_json::from_value(def).unwrap()
    }

    fn grid(def: Value) -> Option<Grid> {
        Grid::new(&property(def).spec())
    }

    #[test]
    fn grids_count_steps_from_min_in_exact_units() {
        let g =
            grid(json!({"data_type": "decimal", "min": "-40", "max": "85", "step": 0.1})).unwrap();
        assert_eq!(
            (g.base, g.step, g.kmin, g.kmax, g.places),
            (-400, 1, 0, 1250, 1)
        );
        assert_eq!(g.value(0), Some(json!(-40.0)));
        assert_eq!(g.value(403), Some(json!(0.3)));
        assert_eq!(g.value(1250), Some(json!(85.0)));

        // Without min, steps count from 0, and the open side spans 100
        // steps below max.
        let g = grid(json!({"data_type": "int", "max": "10", "step": 3})).unwrap();
        assert_eq!(g.value(g.kmin), Some(json!(-288)));
        assert_eq!(g.value(g.kmax), Some(json!(9)));
        let g = grid(json!({"data_type": "int", "min": "1", "max": "10", "step": 3})).unwrap();
        assert_eq!(g.value(g.kmax), Some(json!(10)));

        // An int with a fractional step takes the step's whole multiples.
        let g = grid(json!({"data_type": "int", "min": "0", "max": "10", "step": 2.5})).unwrap();
        assert_eq!(
            (g.kmin..=g.kmax)
                .map(|k| g.value(k).unwrap())
                .collect::<Vec<_>>(),
            [json!(0), json!(5), json!(10)]
        );
        // No whole number is 0.5 plus steps of 1.
        assert_eq!(
            grid(json!({"data_type": "int", "min": "0.5", "step": 1})),
            None
        );
        // Open sides span 100 steps; no bounds at all is 0 to 100 steps.
        let g = grid(json!({"data_type": "long", "min": "7"})).unwrap();
        assert_eq!(
            (g.value(g.kmin), g.value(g.kmax)),
            (Some(json!(7)), Some(json!(107)))
        );
        let g = grid(json!({"data_type": "decimal"})).unwrap();
        assert_eq!(
            (g.value(g.kmin), g.value(g.kmax)),
            (Some(json!(0.0)), Some(json!(10.0)))
        );
        // The type's range caps the model's.
        let g = grid(json!({"data_type": "int", "min": "-1e12", "max": "1e12"})).unwrap();
        assert_eq!(
            (g.value(g.kmin), g.value(g.kmax)),
            (Some(json!(i32::MIN)), Some(json!(i32::MAX)))
        );
        let g = grid(json!({"data_type": "long", "min": "-1e30", "max": "1e30"})).unwrap();
        assert_eq!(
            (g.value(g.kmin), g.value(g.kmax)),
            (Some(json!(i64::MIN)), Some(json!(i64::MAX)))
        );
        // Beyond what an f64 prints back exactly.
        assert_eq!(grid(json!({"data_type": "decimal", "min": "1e20"})), None);
        // No whole number between 0.5 and 0.7.
        assert_eq!(
            grid(json!({"data_type": "int", "min": "0.5", "max": "0.7"})),
            None
        );
    }

    #[test]
    fn first_values_follow_the_definition() {
        let first = |def: Value| {
            let p = property(def);
            initial(&p.spec(), p.default_value.as_ref())
        };
        assert_eq!(
            first(json!({"data_type": "int", "min": "5", "max": "9"})),
            Some(json!(5))
        );
        assert_eq!(
            first(json!({"data_type": "int", "min": "5", "max": "9", "default_value": 7})),
            Some(json!(7))
        );
        // A default that does not fit is not used.
        assert_eq!(
            first(json!({"data_type": "int", "min": "5", "max": "9", "default_value": 70})),
            Some(json!(5))
        );
        assert_eq!(
            first(json!({"data_type": "enum", "enum_list": ["on", "off"]})),
            Some(json!("on"))
        );
        assert_eq!(
            first(json!({"data_type": "string", "enum_list": ["long one", "ok"], "max_length": 3})),
            Some(json!("ok"))
        );
        assert_eq!(
            first(json!({"data_type": "string", "enum_list": ["long one"], "max_length": 3})),
            None
        );
        assert_eq!(
            first(json!({"data_type": "string", "max_length": 2})),
            Some(json!("te"))
        );
        assert_eq!(
            first(json!({"data_type": "DateTime"})),
            Some(json!("19700101T000000Z"))
        );
        assert_eq!(first(json!({"data_type": "boolean"})), Some(json!(false)));
        assert_eq!(first(json!({"data_type": "jsonObject"})), Some(json!({})));
        assert_eq!(first(json!({"data_type": "string list"})), Some(json!([])));
    }

    #[test]
    fn walks_stay_close_and_in_range() {
        let p = property(json!({"data_type": "int", "min": "0", "max": "100", "step": 1}));
        let spec = p.spec();
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        let mut value = json!(0);
        let mut seen_top = false;
        for _ in 0..2000 {
            let before = value.as_i64().unwrap();
            value = next(&spec, &value, Simulation::RandomWalk, 0, &mut rng).unwrap();
            let after = value.as_i64().unwrap();
            assert!((0..=100).contains(&after));
            assert!((before - after).abs() <= 5, "{before} -> {after}");
            seen_top |= after > 90;
        }
        assert!(seen_top, "a walk of 2000 steps gets around");

        let p = property(json!({"data_type": "enum", "enum_list": ["a", "b", "c", "d"]}));
        let mut value = json!("a");
        for _ in 0..200 {
            let before = value.as_str().unwrap().as_bytes()[0];
            value = next(&p.spec(), &value, Simulation::RandomWalk, 0, &mut rng).unwrap();
            let after = value.as_str().unwrap().as_bytes()[0];
            assert!(before.abs_diff(after) <= 1, "{before} -> {after}");
        }
    }

    #[test]
    fn uniform_draws_cover_the_range_evenly() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let mut counts = [0u32; 6];
        for _ in 0..6000 {
            counts[usize::try_from(uniform(&mut rng, 5)).unwrap()] += 1;
        }
        assert!(
            counts.iter().all(|&c| (800..1200).contains(&c)),
            "{counts:?}"
        );
        assert!(uniform(&mut rng, u128::MAX) > 0);
        assert_eq!(uniform(&mut rng, 0), 0);
    }

    /// A generator that always gives zero: draws must still end.
    struct Zero;
    impl rand_core::TryRng for Zero {
        type Error = core::convert::Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            Ok(0)
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            Ok(0)
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
            dst.fill(0);
            Ok(())
        }
    }

    #[test]
    fn a_degenerate_generator_cannot_hang_a_draw() {
        assert_eq!(uniform(&mut Zero, 2), 0);
        let p = property(json!({"data_type": "decimal", "min": "-1", "max": "1", "step": 0.25}));
        assert_eq!(
            next(&p.spec(), &json!(0.5), Simulation::Random, 0, &mut Zero),
            Some(json!(-1.0))
        );
    }
}
