//! Quantities read from files: dates, 0-10 ratings and decimals with one decimal place. Each
//! validates itself while it is read, so a bad value is reported at its own line, and none is
//! a bare `f64`, so dose arithmetic is exact.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date, stored as its Julian day number so that differences are plain integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i32);

impl Date {
    /// Reads `YYYY-MM-DD` (exactly: four, two and two digits). The split is done here because
    /// every session has a date and a general format parser was a visible cost in batch runs;
    /// the calendar check (month lengths, leap years) is the `time` crate's.
    pub fn parse(s: &str) -> Option<Date> {
        let &[y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = s.as_bytes() else { return None };
        let digits =
            |ds: &[u8]| -> Option<u32> { ds.iter().try_fold(0u32, |acc, c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))) };
        let year = i32::try_from(digits(&[y0, y1, y2, y3])?).ok()?;
        let month = time::Month::try_from(u8::try_from(digits(&[m0, m1])?).ok()?).ok()?;
        let day = u8::try_from(digits(&[d0, d1])?).ok()?;
        time::Date::from_calendar_date(year, month, day).ok().map(|d| Date(d.to_julian_day()))
    }

    /// The earliest and latest date a log may hold: a date outside is a typo, and keeping dates
    /// within these bounds keeps every next-session date a real calendar date.
    pub const MIN: Date = Date(2_415_021); // 1900-01-01
    pub const MAX: Date = Date(2_524_958); // 2200-12-31

    /// Whole days from `earlier` to `self`.
    pub fn days_since(self, earlier: Date) -> i64 {
        i64::from(self.0) - i64::from(earlier.0)
    }

    pub fn plus_days(self, days: i64) -> Date {
        // In range after the clamp: the fallback is never taken.
        Date(i32::try_from((i64::from(self.0) + days).clamp(i64::from(i32::MIN), i64::from(i32::MAX))).unwrap_or(self.0))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match time::Date::from_julian_day(self.0) {
            Ok(d) => write!(f, "{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()),
            Err(_) => write!(f, "day {}", self.0),
        }
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date written YYYY-MM-DD")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Date, E> {
                let date = Date::parse(s).ok_or_else(|| {
                    // Written right but not on the calendar (2026-02-29, 2026-04-31): say so.
                    let shaped =
                        s.len() == 10 && s.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
                    let month = s.get(5..7).and_then(|m| m.parse::<u8>().ok()).unwrap_or(0);
                    if shaped && !(1..=12).contains(&month) {
                        E::custom(format_args!("`{s}` is not a date: there is no month {month}"))
                    } else if shaped {
                        E::custom(format_args!("`{s}` is not a day of the calendar: that month has no such day"))
                    } else {
                        E::custom(format_args!("`{s}` is not a date: expected YYYY-MM-DD, e.g. 2026-09-02"))
                    }
                })?;
                if !(Date::MIN..=Date::MAX).contains(&date) {
                    return Err(E::custom(format_args!("`{s}` is out of range: expected a date from {} to {}", Date::MIN, Date::MAX)));
                }
                Ok(date)
            }
        }
        d.deserialize_str(V)
    }
}

impl schemars::JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "format": "date", "description": "ISO 8601 date, YYYY-MM-DD"})
    }
}

/// A 0-10 numeric rating (pain on the numeric rating scale, perceived exertion).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Rating(pub u8);

impl<'de> Deserialize<'de> for Rating {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Rating, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Rating;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a whole number from 0 to 10")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Rating, E> {
                match u8::try_from(v) {
                    Ok(r) if r <= 10 => Ok(Rating(r)),
                    _ => Err(E::custom(format_args!("{v} is out of range: expected a whole number from 0 to 10"))),
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Rating, E> {
                if v < 0 {
                    return Err(E::custom(format_args!("{v} is out of range: expected a whole number from 0 to 10")));
                }
                self.visit_u64(v.unsigned_abs())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Rating, E> {
                if v.fract() == 0.0 && (0.0..=10.0).contains(&v) {
                    Ok(Rating(u8::try_from(crate::num::whole_u32(v)).unwrap_or(0)))
                } else {
                    Err(E::custom(format_args!("{} is not a rating: expected a whole number from 0 to 10", Shown(v))))
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl schemars::JsonSchema for Rating {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Rating".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "integer", "minimum": 0, "maximum": 10})
    }
}

use crate::num::Shown;

/// A non-negative decimal with at most one decimal place (minutes, kilograms), stored as a
/// whole number of tenths so that `27.5 × 1.1` rounds the same on every machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Tenths(pub u32);

impl Tenths {
    pub fn from_f64(v: f64) -> Option<Tenths> {
        let t = (v * 10.0).round();
        ((0.0..=4.0e9).contains(&t) && (v * 10.0 - t).abs() < 1e-6).then_some(Tenths(crate::num::whole_u32(t)))
    }

    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 10.0
    }
}

impl fmt::Display for Tenths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_multiple_of(10) { write!(f, "{}", self.0 / 10) } else { write!(f, "{}.{}", self.0 / 10, self.0 % 10) }
    }
}

impl Serialize for Tenths {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.as_f64())
    }
}

impl<'de> Deserialize<'de> for Tenths {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Tenths, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Tenths;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number of at least 0 with at most one decimal place")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Tenths, E> {
                self.visit_f64(crate::num::u64_f64(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Tenths, E> {
                self.visit_f64(crate::num::int_f64(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Tenths, E> {
                Tenths::from_f64(v).ok_or_else(|| {
                    E::custom(format_args!("{} is not allowed: expected a number of at least 0 with at most one decimal place", Shown(v)))
                })
            }
        }
        d.deserialize_any(V)
    }
}

impl schemars::JsonSchema for Tenths {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Decimal".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        // No `multipleOf: 0.1`: in binary floating point 18.2 is not a multiple of 0.1, and
        // Python's jsonschema (check-jsonschema, pre-commit) rejects it. stepwise itself
        // refuses a second decimal place, at the value's line.
        schemars::json_schema!({
            "type": "number",
            "minimum": 0,
            "description": "A decimal with at most one decimal place (e.g. 18.5)."
        })
    }
}

/// Plausible ranges of a patient log's numbers (documented in `docs/log-format.md`). A value
/// outside them is a typo or an attack, never a measurement: NaN and infinities are refused
/// like any other out-of-range value, at their own line.
pub mod limits {
    // The two ranges below are the const-generic bounds of `rom_map` and `measures_map`, which
    // cannot take floats; they are named here for the docs and pinned to them by a test.
    /// Range of motion, degrees (negative for a deficit, e.g. knee extension −5°).
    #[allow(dead_code)]
    pub const ROM_DEGREES: (f64, f64) = (-180.0, 360.0);
    /// A clinic's own measures (seconds, counts, centimetres, ...).
    #[allow(dead_code)]
    pub const MEASURE: (f64, f64) = (-1_000_000.0, 1_000_000.0);
    pub const MAX_SETS: u32 = 100;
    /// An exercise's ladder level (a ladder is far shorter; the protocol says how long).
    pub const MAX_LEVEL: u32 = 1_000;
    pub const MAX_REPS: u32 = 1_000;
    /// Seconds held per repetition (one hour).
    pub const MAX_HOLD_S: u32 = 3_600;
    /// Minutes of one exercise in one session (a day), in tenths.
    pub const MAX_MINUTES_TENTHS: u32 = 14_400;
    /// Kilograms of load, in tenths.
    pub const MAX_LOAD_TENTHS: u32 = 10_000;
    /// Days in a protocol's timing values.
    pub const MAX_PROTOCOL_DAYS: u32 = 365;
    /// Characters of a `rom` or `measures` name.
    pub const MAX_NAME_CHARS: usize = 256;
    /// Symptoms and exercises listed in one session.
    pub const MAX_SYMPTOMS: usize = 50;
    pub const MAX_EXERCISES: usize = 100;
    /// Goals of the intake (activities the patient wants back).
    pub const MAX_GOALS: usize = 50;
    /// Entries of a session's `rom` or `measures` map.
    pub const MAX_MAP_ENTRIES: usize = 100;
}

/// A finite number within `[MIN, MAX]`; the bounds are given as whole numbers because floats
/// cannot be const generic parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
struct InRange<const MIN: i64, const MAX: i64>(f64);

impl<'de, const MIN: i64, const MAX: i64> Deserialize<'de> for InRange<MIN, MAX> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<const MIN: i64, const MAX: i64>;
        impl<const MIN: i64, const MAX: i64> Visitor<'_> for V<MIN, MAX> {
            type Value = InRange<MIN, MAX>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a number from {MIN} to {MAX}")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                self.visit_f64(crate::num::u64_f64(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                self.visit_f64(crate::num::int_f64(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                if v.is_finite() && (crate::num::int_f64(MIN)..=crate::num::int_f64(MAX)).contains(&v) {
                    Ok(InRange(v))
                } else {
                    Err(E::custom(format_args!("{} is out of range: expected a number from {MIN} to {MAX}", Shown(v))))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Err(E::custom(format_args!("expected a number from {MIN} to {MAX}, found `{v}`")))
            }
        }
        d.deserialize_any(V::<MIN, MAX>)
    }
}

/// A map of named numbers in range, at most [`limits::MAX_MAP_ENTRIES`] entries.
fn ranged_map<'de, D: Deserializer<'de>, const MIN: i64, const MAX: i64>(
    d: D,
) -> Result<Option<std::collections::BTreeMap<compact_str::CompactString, f64>>, D::Error> {
    let Some(RangedMap(map)) = Option::<RangedMap<MIN, MAX>>::deserialize(d)? else {
        return Ok(None);
    };
    Ok(Some(map))
}

/// A `rom` or `measures` name: lower-case ASCII letters, digits and `_`, starting with a
/// letter (`hip_flexion`). Rules read these names as written, so `Hip_Flexion`, `hip-flexion` or
/// `hip_flexion ` would be a different measure, and a fall in range of motion logged under
/// one would go unseen: such a name is refused with the spelling rules read.
fn check_measure_name(name: &str) -> Result<(), String> {
    let count = name.chars().count();
    if count > limits::MAX_NAME_CHARS {
        return Err(format!("a name of {count} characters is too long: expected at most {}", limits::MAX_NAME_CHARS));
    }
    let plain = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain {
        return Ok(());
    }
    let suggestion: String = name
        .trim()
        .chars()
        .map(|c| if c.is_whitespace() || c == '-' || c == '.' { '_' } else { c.to_ascii_lowercase() })
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
        .collect();
    let hint = if suggestion.starts_with(|c: char| c.is_ascii_lowercase()) { format!(" (as `{suggestion}`)") } else { String::new() };
    // A diagnostic escapes and shortens every backticked value itself.
    Err(format!("`{name}` is not a measure name: expected lower-case letters, digits and `_`, starting with a letter{hint}"))
}

/// A map of names to numbers in range, built as it is read: one map per session, not a map of
/// checked values copied into a map of numbers.
struct RangedMap<const MIN: i64, const MAX: i64>(std::collections::BTreeMap<compact_str::CompactString, f64>);

impl<'de, const MIN: i64, const MAX: i64> Deserialize<'de> for RangedMap<MIN, MAX> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<const MIN: i64, const MAX: i64>;
        impl<'de, const MIN: i64, const MAX: i64> Visitor<'de> for V<MIN, MAX> {
            type Value = RangedMap<MIN, MAX>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                // Worded as serde's own map visitor, so messages are unchanged.
                f.write_str("a map")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut entries: A) -> Result<Self::Value, A::Error> {
                let mut map = std::collections::BTreeMap::new();
                while let Some(name) = entries.next_key::<compact_str::CompactString>()? {
                    // Checked as read: a huge map stops at its first entry too many.
                    if map.len() == limits::MAX_MAP_ENTRIES {
                        return Err(de::Error::custom(format_args!("more than {} entries are too many", limits::MAX_MAP_ENTRIES)));
                    }
                    check_measure_name(&name).map_err(de::Error::custom)?;
                    let value = entries.next_value::<InRange<MIN, MAX>>()?;
                    map.insert(name, value.0);
                }
                Ok(RangedMap(map))
            }
        }
        d.deserialize_map(V::<MIN, MAX>)
    }
}

/// `rom:` of a session: degrees within [`limits::ROM_DEGREES`].
pub fn rom_map<'de, D: Deserializer<'de>>(d: D) -> Result<Option<std::collections::BTreeMap<compact_str::CompactString, f64>>, D::Error> {
    ranged_map::<D, -180, 360>(d)
}

/// `measures:` of a session: numbers within [`limits::MEASURE`].
pub fn measures_map<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<std::collections::BTreeMap<compact_str::CompactString, f64>>, D::Error> {
    ranged_map::<D, -1_000_000, 1_000_000>(d)
}

/// A whole number from 0 to `MAX`.
struct Count<const MAX: u32>(u32);

impl<'de, const MAX: u32> Deserialize<'de> for Count<MAX> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<const MAX: u32>;
        impl<const MAX: u32> Visitor<'_> for V<MAX> {
            type Value = Count<MAX>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a whole number from 0 to {MAX}")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                if v <= u64::from(MAX) {
                    Ok(Count(crate::num::u64_u32(v)))
                } else {
                    Err(E::custom(format_args!("{v} is out of range: expected a whole number from 0 to {MAX}")))
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                match u64::try_from(v) {
                    Ok(v) => self.visit_u64(v),
                    Err(_) => Err(E::custom(format_args!("{v} is out of range: expected a whole number from 0 to {MAX}"))),
                }
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                if v.fract() == 0.0 && (0.0..=f64::from(MAX)).contains(&v) {
                    Ok(Count(crate::num::whole_u32(v)))
                } else {
                    Err(E::custom(format_args!("{} is out of range: expected a whole number from 0 to {MAX}", Shown(v))))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Err(E::custom(format_args!("expected a whole number from 0 to {MAX}, found `{v}`")))
            }
        }
        d.deserialize_any(V::<MAX>)
    }
}

/// Days in a protocol (`days_between_sessions`, `rest_days`, `min_days`, `min_days_between`):
/// at most a year, so every planned date stays a real date.
pub fn days<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    Ok(Option::<Count<{ limits::MAX_PROTOCOL_DAYS }>>::deserialize(d)?.map(|c| c.0))
}

/// Days that divide (`detraining_days_per_level`): 1 to a year; 0 would divide by nothing.
pub fn days_from_one<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    match days(d)? {
        Some(0) => {
            Err(de::Error::custom(format_args!("0 is out of range: expected a whole number from 1 to {}", limits::MAX_PROTOCOL_DAYS)))
        }
        n => Ok(n),
    }
}

/// A list of at most `N` items, refused at its first item too many (a list of a million
/// items is never built).
fn at_most<'de, D: Deserializer<'de>, T: Deserialize<'de>, const N: usize>(d: D) -> Result<Option<Vec<T>>, D::Error> {
    struct Bounded<T, const N: usize>(Vec<T>);
    impl<'de, T: Deserialize<'de>, const N: usize> Deserialize<'de> for Bounded<T, N> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V<T, const N: usize>(std::marker::PhantomData<T>);
            impl<'de, T: Deserialize<'de>, const N: usize> Visitor<'de> for V<T, N> {
                type Value = Bounded<T, N>;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    // Worded as serde's own sequence visitor, so messages are unchanged.
                    f.write_str("a sequence")
                }
                fn visit_seq<A: de::SeqAccess<'de>>(self, mut items: A) -> Result<Self::Value, A::Error> {
                    let mut list = Vec::with_capacity(items.size_hint().unwrap_or(0).min(N));
                    while let Some(item) = items.next_element::<T>()? {
                        if list.len() == N {
                            return Err(de::Error::custom(format_args!("more than {N} entries are too many: expected at most {N}")));
                        }
                        list.push(item);
                    }
                    Ok(Bounded(list))
                }
            }
            d.deserialize_seq(V::<T, N>(std::marker::PhantomData))
        }
    }
    Ok(Option::<Bounded<T, N>>::deserialize(d)?.map(|b| b.0))
}

/// `goals:` of the intake: at most [`limits::MAX_GOALS`].
pub fn goals<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Vec<T>>, D::Error> {
    at_most::<D, T, { limits::MAX_GOALS }>(d)
}

/// `symptoms:` of a session: at most [`limits::MAX_SYMPTOMS`].
pub fn symptoms<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Vec<T>>, D::Error> {
    at_most::<D, T, { limits::MAX_SYMPTOMS }>(d)
}

/// `exercises:` of a session: at most [`limits::MAX_EXERCISES`].
pub fn exercises<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Vec<T>>, D::Error> {
    at_most::<D, T, { limits::MAX_EXERCISES }>(d)
}

/// An exercise's ladder level as a log records it: a whole number (no text, no fraction), at
/// most [`limits::MAX_LEVEL`]; that it is at least 1 and on the exercise's ladder is checked
/// with the protocol, at the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Level(pub u32);

impl<'de> Deserialize<'de> for Level {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Level, D::Error> {
        Ok(Level(Count::<{ limits::MAX_LEVEL }>::deserialize(d)?.0))
    }
}

impl schemars::JsonSchema for Level {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Level".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "integer", "minimum": 1, "maximum": limits::MAX_LEVEL})
    }
}

pub fn sets<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    Ok(Option::<Count<{ limits::MAX_SETS }>>::deserialize(d)?.map(|c| c.0))
}

pub fn reps<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    Ok(Option::<Count<{ limits::MAX_REPS }>>::deserialize(d)?.map(|c| c.0))
}

pub fn hold_s<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    Ok(Option::<Count<{ limits::MAX_HOLD_S }>>::deserialize(d)?.map(|c| c.0))
}

/// Any number a log writes, read as f64 so that its range is checked before its form: `1e308`
/// minutes is out of range, not a number with too many decimals.
struct AnyNumber(f64);

impl<'de> Deserialize<'de> for AnyNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<AnyNumber, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = AnyNumber;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number of at least 0 with at most one decimal place")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<AnyNumber, E> {
                Ok(AnyNumber(crate::num::u64_f64(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<AnyNumber, E> {
                Ok(AnyNumber(crate::num::int_f64(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<AnyNumber, E> {
                Ok(AnyNumber(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// A decimal of at most one place from 0 to `max` tenths; a value outside the range says so
/// with the range, one inside it with more decimals says that.
fn tenths_up_to<'de, D: Deserializer<'de>>(d: D, max: u32) -> Result<Option<Tenths>, D::Error> {
    let Some(AnyNumber(v)) = Option::<AnyNumber>::deserialize(d)? else { return Ok(None) };
    let expected = format_args!("expected a number from 0 to {} with at most one decimal place", Tenths(max));
    if !(0.0..=f64::from(max) / 10.0).contains(&v) {
        let why = if v.is_finite() { "is out of range" } else { "is not allowed" };
        return Err(de::Error::custom(format_args!("{} {why}: {expected}", Shown(v))));
    }
    Tenths::from_f64(v).map(Some).ok_or_else(|| de::Error::custom(format_args!("{} is not allowed: {expected}", Shown(v))))
}

pub fn minutes<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Tenths>, D::Error> {
    tenths_up_to(d, limits::MAX_MINUTES_TENTHS)
}

pub fn load_kg<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Tenths>, D::Error> {
    tenths_up_to(d, limits::MAX_LOAD_TENTHS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_match_the_documented_limits() {
        #[derive(Deserialize)]
        struct S {
            #[serde(default, deserialize_with = "rom_map")]
            rom: Option<std::collections::BTreeMap<compact_str::CompactString, f64>>,
            #[serde(default, deserialize_with = "sets")]
            sets: Option<u32>,
        }
        assert_eq!(limits::ROM_DEGREES, (-180.0, 360.0));
        assert_eq!(limits::MEASURE, (-1_000_000.0, 1_000_000.0));
        assert_eq!(serde_json::from_str::<S>(r#"{"rom":{"a":360,"b":-180}}"#).unwrap().rom.map(|m| m.len()), Some(2));
        assert!(serde_json::from_str::<S>(r#"{"rom":{"a":1e9}}"#).is_err());
        assert!(serde_json::from_str::<S>(r#"{"rom":{"a":-181}}"#).is_err());
        assert!(serde_json::from_str::<S>(r#"{"sets":101}"#).is_err());
        assert!(serde_json::from_str::<S>(r#"{"sets":-1}"#).is_err());
        assert_eq!(serde_json::from_str::<S>(r#"{"sets":3,"rom":null}"#).unwrap().sets, Some(3));
    }

    #[test]
    fn dates_parse_and_print() {
        let d = Date::parse("2026-09-02").unwrap();
        assert_eq!(d.to_string(), "2026-09-02");
        assert_eq!(d.plus_days(30).to_string(), "2026-10-02");
        assert_eq!(Date::parse("2026-02-30"), None);
        assert_eq!(Date::parse("2026-9-2"), None);
        assert_eq!(Date::parse("2024-02-29").map(|d| d.to_string()).as_deref(), Some("2024-02-29"));
        assert_eq!(Date::parse("2026-13-01"), None);
        assert_eq!(Date::parse("2026-01-0x"), None);
        assert_eq!(Date::parse("+026-01-01"), None);
        assert_eq!(Date::parse("2024-02-29").map(|d| d.to_string()).as_deref(), Some("2024-02-29"));
        assert_eq!(Date::parse("2026-13-01"), None);
        assert_eq!(Date::parse("2026-01-0x"), None);
        assert_eq!(Date::parse("+026-01-01"), None);
    }

    #[test]
    fn date_bounds_are_real_dates() {
        assert_eq!(Date::MIN.to_string(), "1900-01-01");
        assert_eq!(Date::MAX.to_string(), "2200-12-31");
        assert!(serde_json::from_str::<Date>("\"9999-12-31\"").is_err());
        assert!(serde_json::from_str::<Date>("\"1899-12-31\"").is_err());
        assert!(serde_json::from_str::<Date>("\"2200-12-31\"").is_ok());
    }

    #[test]
    fn ratings_reject_out_of_range() {
        assert!(serde_json::from_str::<Rating>("12").is_err());
        assert!(serde_json::from_str::<Rating>("-1").is_err());
        assert!(serde_json::from_str::<Rating>("2.5").is_err());
        assert_eq!(serde_json::from_str::<Rating>("7").unwrap(), Rating(7));
    }

    #[test]
    fn tenths_are_exact() {
        assert_eq!(serde_json::from_str::<Tenths>("27.5").unwrap(), Tenths(275));
        assert!(serde_json::from_str::<Tenths>("27.25").is_err());
        assert_eq!(Tenths(220).to_string(), "22");
        assert_eq!(serde_json::to_string(&Tenths(220)).unwrap(), "22.0");
    }
}
