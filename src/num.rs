//! Conversions between the crate's integer and float types, each written once with the reason
//! it is exact or what it does when it is not (the pedantic cast lints refuse a bare `as`).

/// A count or index as a float. Exact: counts here are lengths of things in memory, far below
/// 2^53, the largest integer below which every `f64` integer is exact.
#[allow(clippy::cast_precision_loss)] // exact below 2^53, see above
pub fn count_f64(n: usize) -> f64 {
    n as f64
}

/// A script's or a date's integer as a float, as Rhai itself converts one: exact up to 2^53
/// (days, ratings, minutes, all far below), the nearest float beyond.
#[allow(clippy::cast_precision_loss)] // Rhai's own int-to-float rounding, see above
pub fn int_f64(n: i64) -> f64 {
    n as f64
}

/// A whole float as an integer: `as` saturates at the bounds and maps NaN to 0, which is the
/// fallback wanted (the callers check that the value is whole and in range first).
#[allow(clippy::cast_possible_truncation)] // saturating by definition of `as`, see above
pub fn whole_i64(v: f64) -> i64 {
    v as i64
}

/// A count as a script integer, saturating (a count never reaches `i64::MAX`).
pub fn count_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A script's non-negative integer as a count, saturating: negative is 0, and more than
/// memory can hold is `usize::MAX` (only ever used as a bound, e.g. `take(n)`).
pub fn int_count(n: i64) -> usize {
    usize::try_from(n.max(0)).unwrap_or(usize::MAX)
}
