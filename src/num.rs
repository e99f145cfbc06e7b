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

/// A count or index as a line or column number, saturating: files are read whole into memory,
/// far below 4 billion lines or columns.
pub fn count_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A parser's 64-bit line or column as ours, saturating (see `count_u32`).
pub fn u64_u32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A parser's 64-bit byte offset or length as a count: exact on 64-bit targets, saturating
/// elsewhere (an offset past memory points at no text: every reader of one uses `get`).
pub fn u64_count(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// A script's integer as a `u32` amount, saturating: negative is 0, above `u32::MAX` is
/// `u32::MAX` (as `clamp` then `as` did).
pub fn int_u32(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// A whole float known to be in `0..=u32::MAX` as a `u32` (callers check the range; `as`
/// saturates beyond it and maps NaN to 0).
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // saturating by definition of `as`
pub fn whole_u32(v: f64) -> u32 {
    v as u32
}

/// A 64-bit integer as a float, as Rhai and serde convert one (see `int_f64`).
#[allow(clippy::cast_precision_loss)] // exact below 2^53, the nearest float beyond
pub fn u64_f64(n: u64) -> f64 {
    n as f64
}

/// A number as a message quotes it: `1e300`, not its 301 digits (a message quotes at most a
/// few dozen characters of any value).
pub struct Shown(pub f64);

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let a = self.0.abs();
        if self.0.is_finite() && (a >= 1e15 || (a > 0.0 && a < 1e-6)) { write!(f, "{:e}", self.0) } else { write!(f, "{}", self.0) }
    }
}
