//! What scripts see: a read-only view of the patient log (`log`, `last`, sessions, pain) with
//! derived values, and a small helper library over arrays of sessions or numbers.
//!
//! Views borrow the log through an `Arc`: nothing is copied into Rhai values until a script
//! asks for it, so a rule that reads two fields costs two lookups, not a conversion of the
//! whole log. Missing values are `()`; write `(last.pain.during ?? 0)` or `x != ()` to test
//! them. Every function here is pure and documented in README.md ("Rhai API").

use std::sync::{Arc, LazyLock, OnceLock};

use rhai::{Array, Dynamic, Engine, EvalAltResult, ImmutableString, Map};

use crate::vocab::script::FIELDS;

use super::history::{History, visited};
use super::trace::{record, record_named, record_with};
use crate::model::log::{PatientLog, Session};
use crate::vocab::decision::Decision;
use crate::vocab::log::{Pain, SessionKind};
use crate::vocab::protocol::{Category, Impact};

/// Days of history behind `log.pain_baseline` and `log.pain_trend`: two weeks, the window
/// the pain-monitoring model's weekly comparisons and the protocols' checkpoints use.
pub const BASELINE_WINDOW_DAYS: i64 = 14;
/// Days behind `log.longest_recent_minutes`: the 30-day window of the single-session spike
/// guard (clinical notes 4(b) #20, Frandsen 2025).
pub const LONGEST_WINDOW_DAYS: i64 = 30;

type Res<T> = Result<T, Box<EvalAltResult>>;

/// How far back `log.days_since(id)` looks: an exercise not done in a year reads as `()`.
pub const DAYS_SINCE_HORIZON: i64 = 365;
/// Days behind `log.personal_baseline`: four weeks of the patient's own settled sessions.
pub const PERSONAL_BASELINE_DAYS: i64 = 28;
/// At most this many settled sessions, the most recent, make the personal baseline.
pub const PERSONAL_BASELINE_SESSIONS: usize = 5;

/// How a session went beyond what the engine had prescribed for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Beyond {
    pub exercise: String,
    /// `dose`: above the prescribed dose or level; `unplanned`: high-impact work that was not
    /// prescribed (e.g. running before its phase).
    pub what: &'static str,
}

/// What scripts read beside the session data: the log itself, each exercise's category and
/// impact, per session the decision given after it and how it went beyond the previous
/// prescription, and the history tables ([`History`]). Filled in session order while
/// replaying; a script only ever reads sessions up to the one being evaluated, whose entries
/// are set by then (or left unset: read as `()`). One per evaluated log, shared by every view.
pub struct Context {
    pub log: Arc<PatientLog>,
    pub templates: Vec<(Category, Impact)>,
    pub decision: Vec<OnceLock<Decision>>,
    pub beyond: Vec<OnceLock<Vec<Beyond>>>,
    /// Per session, whether the replay had a plan for it (`planned`): not for the first, nor
    /// for one a clinician's override re-set.
    pub planned: Vec<OnceLock<bool>>,
    history: History,
    /// `log.intake` as scripts see it: the same on every session, so built once.
    intake: OnceLock<Dynamic>,
}

impl Context {
    pub fn new(log: Arc<PatientLog>, templates: Vec<(Category, Impact)>) -> Context {
        let sessions = log.sessions.len();
        Context {
            log,
            templates,
            decision: (0..sessions).map(|_| OnceLock::new()).collect(),
            beyond: (0..sessions).map(|_| OnceLock::new()).collect(),
            planned: (0..sessions).map(|_| OnceLock::new()).collect(),
            history: History::default(),
            intake: OnceLock::new(),
        }
    }

    /// A context of no log, shared: what views kept between logs point at, so that they hold
    /// on to no patient's data (they are pointed at the next log before any script runs).
    pub fn parked() -> Arc<Context> {
        static PARKED: LazyLock<Arc<Context>> = LazyLock::new(|| {
            let log = PatientLog { patient: String::new(), start: crate::vocab::quantity::Date::MIN, intake: None, sessions: Vec::new() };
            Arc::new(Context::new(Arc::new(log), Vec::new()))
        });
        PARKED.clone()
    }

    fn is_training(&self, template: usize) -> bool {
        self.templates.get(template).is_some_and(|(c, _)| *c != Category::Mobility)
    }
}

/// The log as of one session (`end`, inclusive): later sessions are invisible, which is what
/// lets the engine replay a log session by session. A view is an index and the shared
/// [`Context`]: scripts copy views freely (into arrays, function arguments), so a copy costs
/// one reference count.
#[derive(Clone)]
pub struct LogView {
    pub ctx: Arc<Context>,
    pub end: usize,
}

#[derive(Clone)]
pub struct SessionView {
    pub ctx: Arc<Context>,
    pub idx: usize,
}

/// The protocol's parameters as scripts see them (`params.NAME`): read-only, each read
/// recorded so an explanation lists the thresholds that decided, even inside helpers.
#[derive(Clone)]
pub struct ParamsView(pub Arc<Map>);

#[derive(Clone)]
pub struct PainView {
    pain: Pain,
    idx: usize,
}

fn int(v: impl Into<i64>) -> Dynamic {
    Dynamic::from_int(v.into())
}

fn opt_int<T: Into<i64>>(v: Option<T>) -> Dynamic {
    v.map_or(Dynamic::UNIT, |v| int(v))
}

fn float(v: f64) -> Dynamic {
    Dynamic::from_float(v)
}

fn recorded(session: Option<usize>, field: &'static str, v: Dynamic) -> Dynamic {
    record(session, field, &v);
    v
}

impl LogView {
    fn log(&self) -> &PatientLog {
        &self.ctx.log
    }

    /// Every session up to the last one, for a binary search only: a walk goes through
    /// [`LogView::span`], and what needs the whole history reads a table ([`History`]).
    fn for_search(&self) -> &[Session] {
        // `end` is a session of the log (views are made for its sessions only); were it past
        // the end, the view would see the whole log.
        let sessions = &self.ctx.log.sessions;
        sessions.get(..=self.end).unwrap_or(sessions)
    }

    /// Sessions `from..to` of the history, for a walk over a window: counted in tests, which
    /// is how the regression test sees that a session's windows do not grow with the log.
    fn span(&self, from: usize, to: usize) -> &[Session] {
        let s = self.for_search().get(from.min(to)..to).unwrap_or_default();
        visited(s.len());
        s
    }

    // Views are made only for sessions of their log (the engine's replay, `log.sessions`,
    // `window_days`...), and a view of the parked context is re-pointed before any script
    // runs: the index is in range, and this lookup is on every script's path.
    #[allow(clippy::indexing_slicing)]
    fn last(&self) -> &Session {
        &self.ctx.log.sessions[self.end]
    }

    /// The exercise sessions up to the last one, latest first, one table lookup each.
    fn exercise_sessions_back(&self) -> impl Iterator<Item = usize> + '_ {
        let sessions = &self.ctx.log.sessions;
        let at = move |i: usize| self.ctx.history.exercise_at(sessions, i);
        std::iter::successors(at(self.end), move |&i| i.checked_sub(1).and_then(at)).inspect(|_| visited(1))
    }

    fn view(&self, idx: usize) -> Dynamic {
        visited(1);
        Dynamic::from(SessionView { ctx: self.ctx.clone(), idx })
    }

    /// Indices of the sessions within `days` days ending at the last one (both ends included).
    fn window(&self, days: i64) -> impl DoubleEndedIterator<Item = usize> + '_ {
        self.since(days.max(0) - 1)..=self.end
    }

    /// Index of the first session at most `days_ago` days before the last one. Dates strictly
    /// increase, so a binary search finds it: windows cost their own length, not the log's,
    /// and a replay stays linear.
    fn since(&self, days_ago: i64) -> usize {
        let last = self.last().date;
        self.for_search().partition_point(|s| last.days_since(s.date) > days_ago)
    }

    fn minutes_between(&self, from_days_ago: i64, to_days_ago: i64) -> u32 {
        let last = self.last().date;
        self.span(self.since(to_days_ago), self.end + 1)
            .iter()
            .filter(|s| {
                let ago = last.days_since(s.date);
                ago >= from_days_ago && ago < to_days_ago
            })
            .map(Session::minutes_tenths)
            .sum()
    }
}

impl SessionView {
    // As `LogView::last`: session views are made for sessions of their log only.
    #[allow(clippy::indexing_slicing)]
    fn session(&self) -> &Session {
        &self.ctx.log.sessions[self.idx]
    }
}

/// Reads a numeric field of a session by path (`pain.after`, `fatigue`, `rom.hip_flexion`, ...).
pub fn field_value(s: &Session, start: crate::vocab::quantity::Date, field: &str) -> Res<Option<f64>> {
    let r = |v: Option<crate::vocab::quantity::Rating>| v.map(|r| f64::from(r.0));
    Ok(match field {
        "pain.before" => r(s.pain.before),
        "pain.during" => r(s.pain.during),
        "pain.after" => r(s.pain.after),
        "pain.next_day" => r(s.pain.next_day),
        "pain.worst" => worst_pain(s.pain).map(f64::from),
        "fatigue" => r(s.fatigue),
        "minutes" => Some(f64::from(s.minutes_tenths()) / 10.0),
        "day" => Some(crate::num::int_f64(s.date.days_since(start))),
        _ => {
            if let Some(k) = field.strip_prefix("rom.") {
                s.rom.get(k).copied()
            } else if let Some(k) = field.strip_prefix("measures.") {
                s.measures.get(k).copied()
            } else {
                return Err(format!("unknown session field `{field}`: expected one of {}", FIELDS.join(", ")).into());
            }
        }
    })
}

/// The highest of the pain ratings a session has, whichever were given.
pub fn worst_pain(p: Pain) -> Option<u8> {
    [p.before, p.during, p.after, p.next_day].into_iter().flatten().map(|r| r.0).max()
}

/// The median of some numbers (the mean of the middle two for an even count).
pub fn median_of(mut xs: Vec<f64>) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    let upper = *xs.get(n / 2)?;
    // An even count: the mean of the middle two (`n / 2 - 1` exists, as `n >= 2`).
    Some(if n % 2 == 1 { upper } else { f64::midpoint(*xs.get(n / 2 - 1)?, upper) })
}

fn number(v: f64) -> Dynamic {
    if v.fract() == 0.0 && v.abs() < 9.0e15 { int(crate::num::whole_i64(v)) } else { float(v) }
}

/// An element of an array of sessions, borrowed (the helpers below read a field of each).
fn as_session(d: &Dynamic) -> Res<impl std::ops::Deref<Target = SessionView> + '_> {
    d.read_lock::<SessionView>().ok_or_else(|| format!("expected an array of sessions, found a {}", d.type_name()).into())
}

fn as_number(d: &Dynamic) -> Res<f64> {
    if let Ok(i) = d.as_int() {
        return Ok(crate::num::int_f64(i));
    }
    d.as_float().map_err(|t| format!("expected an array of numbers, found a {t}").into())
}

fn values(arr: &Array, field: &str) -> Res<Array> {
    let mut out = Array::new();
    for d in arr {
        let s = as_session(d)?;
        if let Some(v) = field_value(s.session(), s.ctx.log.start, field)? {
            out.push(number(v));
        }
    }
    Ok(out)
}

fn all_have(arr: &Array, field: &str) -> Res<bool> {
    for d in arr {
        let s = as_session(d)?;
        if field_value(s.session(), s.ctx.log.start, field)?.is_none() {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Least-squares slope of `field` per day over the sessions that have it; `()` with fewer
/// than two points. Sums are exact for the small whole numbers of a log, so the sign is exact.
fn slope(arr: &Array, field: &str) -> Res<Dynamic> {
    let mut pts = Vec::new();
    for d in arr {
        let s = as_session(d)?;
        let (sess, start) = (s.session(), s.ctx.log.start);
        if let Some(y) = field_value(sess, start, field)? {
            pts.push((crate::num::int_f64(sess.date.days_since(start)), y));
        }
    }
    Ok(slope_of(&pts).map_or(Dynamic::UNIT, float))
}

pub fn slope_of(pts: &[(f64, f64)]) -> Option<f64> {
    let n = crate::num::count_f64(pts.len());
    if pts.len() < 2 {
        return None;
    }
    let (sx, sy) = pts.iter().fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    let sxy: f64 = pts.iter().map(|(x, y)| x * y).sum();
    let sxx: f64 = pts.iter().map(|(x, _)| x * x).sum();
    let den = n * sxx - sx * sx;
    (den != 0.0).then(|| (n * sxy - sx * sy) / den)
}

fn mean(arr: &Array) -> Res<Dynamic> {
    if arr.is_empty() {
        return Ok(Dynamic::UNIT);
    }
    let mut total = 0.0;
    for d in arr {
        total += as_number(d)?;
    }
    Ok(float(total / crate::num::count_f64(arr.len())))
}

fn sum(arr: &Array) -> Res<Dynamic> {
    let mut total = 0.0;
    for d in arr {
        total += as_number(d)?;
    }
    Ok(number(total))
}

fn extreme(arr: Array, want_max: bool) -> Res<Dynamic> {
    let mut best: Option<(f64, Dynamic)> = None;
    for d in arr {
        let v = as_number(&d)?;
        if best.as_ref().is_none_or(|(b, _)| if want_max { v > *b } else { v < *b }) {
            best = Some((v, d));
        }
    }
    Ok(best.map_or(Dynamic::UNIT, |(_, d)| d))
}

fn median(arr: &Array) -> Res<Dynamic> {
    let xs = arr.iter().map(as_number).collect::<Res<Vec<f64>>>()?;
    Ok(median_of(xs).map_or(Dynamic::UNIT, number))
}

fn exercise_sessions(arr: Array) -> Res<Array> {
    let mut out = Array::new();
    for d in arr {
        if as_session(&d)?.session().kind == SessionKind::Exercise {
            out.push(d);
        }
    }
    Ok(out)
}

fn pain_baseline(v: &LogView) -> Dynamic {
    let last = v.last().date;
    let before: Vec<f64> = v
        .span(v.since(BASELINE_WINDOW_DAYS), v.end)
        .iter()
        .filter(|s| s.kind == SessionKind::Exercise && last.days_since(s.date) <= BASELINE_WINDOW_DAYS)
        .filter_map(|s| s.pain.before.map(|r| f64::from(r.0)))
        .collect();
    if before.is_empty() {
        return opt_int(v.last().pain.before.map(|r| r.0));
    }
    float(before.iter().sum::<f64>() / crate::num::count_f64(before.len()))
}

/// Settled: every rating given after exercise (during, after, next morning) stayed at or
/// below the session's own pre-exercise pain, and the next morning was rated.
pub fn settled(s: &Session) -> Option<u8> {
    let before = s.pain.before?.0;
    s.pain.next_day?;
    [s.pain.during, s.pain.after, s.pain.next_day].into_iter().flatten().all(|r| r.0 <= before).then_some(before)
}

/// The patient's own recent baseline: the median pre-exercise pain of the last settled
/// exercise sessions before this one (at most 5, within 28 days); without any, the median
/// of every earlier pre-exercise rating in the window; without those, `()`.
fn personal_baseline(v: &LogView) -> Dynamic {
    // Dates strictly increase, so the sessions within the window are the ones after `since`.
    let earlier: Vec<&Session> =
        v.span(v.since(PERSONAL_BASELINE_DAYS), v.end).iter().rev().filter(|s| s.kind == SessionKind::Exercise).collect();
    let settled: Vec<f64> = earlier.iter().filter_map(|s| settled(s)).take(PERSONAL_BASELINE_SESSIONS).map(f64::from).collect();
    let pool = if settled.is_empty() { earlier.iter().filter_map(|s| s.pain.before).map(|r| f64::from(r.0)).collect() } else { settled };
    median_of(pool).map_or(Dynamic::UNIT, number)
}

/// Days between the last exercise session and the one before it; `()` with fewer than two.
fn training_gap(v: &LogView) -> Dynamic {
    let mut it = v.exercise_sessions_back().filter_map(|i| v.log().sessions.get(i));
    match (it.next(), it.next()) {
        (Some(a), Some(b)) => int(a.date.days_since(b.date)),
        _ => Dynamic::UNIT,
    }
}

/// The patient's usual days between exercise sessions: the median gap between consecutive
/// exercise sessions in the 28 days before the second-to-last one (the last gap left out);
/// `()` without two such gaps' worth of history.
fn usual_training_gap(v: &LogView) -> Dynamic {
    let dates: Vec<crate::vocab::quantity::Date> =
        v.exercise_sessions_back().skip(1).take(16).filter_map(|i| v.log().sessions.get(i)).map(|s| s.date).collect();
    let Some(&anchor) = dates.first() else { return Dynamic::UNIT };
    // Consecutive pairs, latest first.
    let gaps: Vec<f64> = dates
        .iter()
        .zip(dates.iter().skip(1))
        .take_while(|(_, earlier)| anchor.days_since(**earlier) <= PERSONAL_BASELINE_DAYS)
        .map(|(later, earlier)| crate::num::int_f64(later.days_since(*earlier)))
        .collect();
    median_of(gaps).map_or(Dynamic::UNIT, number)
}

/// Training minutes (timed exercise other than mobility) of a session, in tenths.
fn training_tenths(ctx: &Context, s: &Session) -> u32 {
    s.exercises.iter().filter(|e| ctx.is_training(e.template)).filter_map(|e| e.dose.minutes).map(|m| m.0).sum()
}

/// The single-session spike guard (Frandsen 2025): the last session's training minutes
/// against the longest of the `LONGEST_WINDOW_DAYS` days before it. Sessions that were
/// spikes themselves do not raise the reference, so the guard holds for as long as the
/// patient keeps training above it. A map `{minutes, longest, ratio}`; `()` for a session
/// without training minutes or without earlier training to compare with.
fn training_spike(v: &LogView, ratio: f64) -> Dynamic {
    let last_date = v.last().date;
    // Sessions in the 60 days before the last: enough for every reference in the window.
    let from = v.since(2 * LONGEST_WINDOW_DAYS);
    let mut accepted: Vec<(crate::vocab::quantity::Date, u32)> = Vec::new();
    let mut result = Dynamic::UNIT;
    for s in v.span(from, v.end + 1) {
        let minutes = training_tenths(&v.ctx, s);
        if minutes == 0 {
            continue;
        }
        let longest = accepted.iter().filter(|(d, _)| s.date.days_since(*d) <= LONGEST_WINDOW_DAYS).map(|(_, m)| *m).max().unwrap_or(0);
        let spike = longest > 0 && f64::from(minutes) > f64::from(longest) * ratio;
        if s.date == last_date {
            if longest > 0 {
                let mut m = Map::new();
                m.insert("minutes".into(), number(f64::from(minutes) / 10.0));
                m.insert("longest".into(), number(f64::from(longest) / 10.0));
                m.insert("spike".into(), Dynamic::from_bool(spike));
                result = Dynamic::from_map(m);
            }
        } else if !spike {
            accepted.push((s.date, minutes));
        }
    }
    result
}

/// The largest shortfall of a range-of-motion measure against the other side's value of the
/// same motion (`hip_flexion` against `hip_flexion_other_side`); `()` without such a pair.
fn rom_side_deficit(s: &Session) -> Dynamic {
    let mut worst: Option<f64> = None;
    for (k, other) in &s.rom {
        if let Some(motion) = k.strip_suffix("_other_side")
            && let Some(own) = s.rom.get(motion)
        {
            let d = other - own;
            worst = Some(worst.map_or(d, |w: f64| w.max(d)));
        }
    }
    worst.map_or(Dynamic::UNIT, number)
}

fn pain_trend(v: &LogView) -> Dynamic {
    let pts: Vec<(f64, f64)> = v
        .span(v.since(BASELINE_WINDOW_DAYS - 1), v.end + 1)
        .iter()
        .filter(|s| s.kind == SessionKind::Exercise)
        .filter_map(|s| s.pain.after.map(|a| (crate::num::int_f64(s.date.days_since(v.log().start)), f64::from(a.0))))
        .collect();
    slope_of(&pts).map_or(Dynamic::UNIT, float)
}

fn intake_map(v: &LogView) -> Dynamic {
    let Some(intake) = &v.log().intake else { return Dynamic::UNIT };
    let mut m = Map::new();
    let text = |s: Option<String>| s.map_or(Dynamic::UNIT, Dynamic::from);
    let name = |x: Option<serde_json::Value>| x.and_then(|v| v.as_str().map(str::to_string));
    m.insert("onset".into(), text(name(intake.onset.map(|o| serde_json::to_value(o).unwrap_or_default()))));
    m.insert("cause".into(), text(name(intake.cause.map(|o| serde_json::to_value(o).unwrap_or_default()))));
    m.insert("provider_cleared".into(), intake.provider_cleared.map_or(Dynamic::UNIT, Dynamic::from_bool));
    let goals: Array = intake.goals.iter().flatten().map(|g| Dynamic::from(g.clone())).collect();
    m.insert("goals".into(), Dynamic::from_array(goals));
    Dynamic::from_map(m)
}

/// A clinician's review as scripts see it: `{by, note, cleared}`.
fn review_map(r: &crate::vocab::log::Review) -> Dynamic {
    let mut m = Map::new();
    m.insert("by".into(), r.by.clone().map_or(Dynamic::UNIT, Dynamic::from));
    m.insert("note".into(), r.note.clone().map_or(Dynamic::UNIT, Dynamic::from));
    m.insert("cleared".into(), Dynamic::from_bool(r.cleared == Some(true)));
    // `cleared: false` written out: the clinician decided the patient is not cleared (a review
    // without `cleared` decides nothing).
    m.insert("not_cleared".into(), Dynamic::from_bool(r.cleared == Some(false)));
    Dynamic::from_map(m)
}

fn exercise_map(ctx: &Context, e: &crate::model::log::Performed) -> Dynamic {
    let mut m = Map::new();
    m.insert("id".into(), Dynamic::from(ImmutableString::from(e.id.as_str())));
    if let Some((c, i)) = ctx.templates.get(e.template) {
        let category = match c {
            Category::Mobility => "mobility",
            Category::Strength => "strength",
            Category::Core => "core",
            Category::Cardio => "cardio",
        };
        let impact = match i {
            Impact::Low => "low",
            Impact::High => "high",
        };
        m.insert("category".into(), Dynamic::from(ImmutableString::from(category)));
        m.insert("impact".into(), Dynamic::from(ImmutableString::from(impact)));
    }
    m.insert("sets".into(), opt_int(e.dose.sets));
    m.insert("reps".into(), opt_int(e.dose.reps));
    m.insert("hold_s".into(), opt_int(e.dose.hold_s));
    m.insert("load_kg".into(), e.dose.load_kg.map_or(Dynamic::UNIT, |t| float(t.as_f64())));
    m.insert("minutes".into(), e.dose.minutes.map_or(Dynamic::UNIT, |t| float(t.as_f64())));
    m.insert("completed".into(), Dynamic::from_bool(e.completed));
    m.insert("token".into(), Dynamic::from_bool(e.token));
    m.insert("level".into(), opt_int(e.level.map(|l| crate::num::count_i64(l).saturating_add(1))));
    Dynamic::from_map(m)
}

fn float_map(m: &std::collections::BTreeMap<compact_str::CompactString, f64>) -> Dynamic {
    Dynamic::from_map(m.iter().map(|(k, v)| (k.as_str().into(), number(*v))).collect())
}

/// Registers the views and the helper library on an engine.
pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<LogView>("Log");
    engine.register_type_with_name::<SessionView>("Session");
    engine.register_type_with_name::<PainView>("Pain");
    engine.register_type_with_name::<ParamsView>("Parameters");

    // Parameters: `params["NAME"]`, and `params.NAME` for a name that is not one of the
    // protocol's (its own names get getters: `register_params`).
    engine.register_indexer_get(|p: &mut ParamsView, name: ImmutableString| param(p, name));

    register_log(engine);
    register_log_windows(engine);
    register_session(engine);
    register_pain(engine);
    register_array_helpers(engine);
}

/// The log's own getters (`log.patient`, `log.pain_baseline`, ...): what a script reads about
/// the history as a whole, each derived value recorded so an explanation shows it.
fn register_log(engine: &mut Engine) {
    engine.register_get("patient", |v: &mut LogView| v.log().patient.clone());
    engine.register_get("start", |v: &mut LogView| v.log().start.to_string());
    engine.register_get("intake", |v: &mut LogView| {
        let intake = v.ctx.intake.get_or_init(|| intake_map(v)).clone();
        recorded(None, "log.intake", intake)
    });
    engine.register_get("sessions", |v: &mut LogView| -> Array { (0..=v.end).map(|i| v.view(i)).collect() });
    engine.register_get("last", |v: &mut LogView| v.view(v.end));
    engine.register_get("session_count", |v: &mut LogView| crate::num::count_i64(v.end + 1));
    engine.register_get("days_since_start", |v: &mut LogView| {
        recorded(None, "log.days_since_start", int(v.last().date.days_since(v.log().start)))
    });
    engine.register_get("consecutive_training_days", |v: &mut LogView| {
        recorded(None, "log.consecutive_training_days", int(v.ctx.history.consecutive_training_days(&v.log().sessions, v.end)))
    });
    engine.register_get("pain_baseline", |v: &mut LogView| recorded(None, "log.pain_baseline", pain_baseline(v)));
    engine.register_get("pain_trend", |v: &mut LogView| recorded(None, "log.pain_trend", pain_trend(v)));
    engine.register_get("personal_baseline", |v: &mut LogView| recorded(None, "log.personal_baseline", personal_baseline(v)));
    engine.register_get("last_review", |v: &mut LogView| {
        let found = v.ctx.history.review_at(&v.log().sessions, v.end).and_then(|i| v.log().sessions.get(i)).and_then(|s| s.review.as_ref());
        recorded(None, "log.last_review", found.map_or(Dynamic::UNIT, review_map))
    });
    engine.register_get("usual_training_gap", |v: &mut LogView| recorded(None, "log.usual_training_gap", usual_training_gap(v)));
    engine.register_get("training_gap", |v: &mut LogView| recorded(None, "log.training_gap", training_gap(v)));
    engine.register_fn("training_spike", |v: &mut LogView, ratio: f64| recorded(None, "log.training_spike", training_spike(v, ratio)));
    engine.register_get("weekly_minutes", |v: &mut LogView| {
        recorded(None, "log.weekly_minutes", number(f64::from(v.minutes_between(0, 7)) / 10.0))
    });
    engine.register_get("previous_weekly_minutes", |v: &mut LogView| {
        recorded(None, "log.previous_weekly_minutes", number(f64::from(v.minutes_between(7, 14)) / 10.0))
    });
    engine.register_get("longest_recent_minutes", |v: &mut LogView| {
        let last = v.last().date;
        let longest = v
            .span(v.since(LONGEST_WINDOW_DAYS), v.end)
            .iter()
            .filter(|s| last.days_since(s.date) <= LONGEST_WINDOW_DAYS)
            .map(Session::minutes_tenths)
            .max()
            .unwrap_or(0);
        recorded(None, "log.longest_recent_minutes", number(f64::from(longest) / 10.0))
    });
}

/// The log's functions that hand out sessions or values of a stretch of the history
/// (`log.recent(3)`, `log.previous_values("fatigue", 5)`, ...): each walks only its stretch.
fn register_log_windows(engine: &mut Engine) {
    engine.register_fn("window_days", |v: &mut LogView, days: i64| -> Array { v.window(days).map(|i| v.view(i)).collect() });
    engine.register_fn("recent", |v: &mut LogView, n: i64| -> Array {
        let from = (v.end + 1).saturating_sub(crate::num::int_count(n));
        (from..=v.end).map(|i| v.view(i)).collect()
    });
    engine.register_fn("previous", |v: &mut LogView, n: i64| -> Array {
        (0..v.end).rev().take(crate::num::int_count(n)).map(|i| v.view(i)).collect()
    });
    engine.register_fn("previous_values", |v: &mut LogView, field: &str, n: i64| -> Res<Array> {
        let (log, n) = (v.log(), crate::num::int_count(n));
        let mut out = Array::new();
        let Some((before, session)) = v.end.checked_sub(1).filter(|_| n > 0).and_then(|b| Some((b, log.sessions.get(b)?))) else {
            return Ok(out);
        };
        // An unknown field fails here, as when the session before was the first one read.
        field_value(session, log.start, field)?;
        // The sessions that have the field, latest first, straight from the field's table: a
        // field rarely recorded would otherwise be looked for through the whole history.
        let chain = v.ctx.history.field_chain(&log.sessions, field, |s| matches!(field_value(s, log.start, field), Ok(Some(_))));
        let mut at = chain.get(before).copied().flatten();
        while let Some((i, s)) = at.filter(|_| out.len() < n).and_then(|i| Some((i, log.sessions.get(i)?))) {
            visited(1);
            if let Some(x) = field_value(s, log.start, field)? {
                // Shown with a fired rule as `session DATE.FIELD`: what the last value was
                // compared with.
                record_named(Some(i), field, || number(x));
                out.push(number(x));
            }
            at = i.checked_sub(1).and_then(|p| chain.get(p).copied().flatten());
        }
        Ok(out)
    });
    engine.register_fn("days_since", |v: &mut LogView, exercise: &str| -> Dynamic {
        let log = v.log();
        // Within a year: older is "not done".
        let found =
            v.end.checked_sub(1).and_then(|before| v.ctx.history.exercise_chain(&log.sessions, exercise).get(before).copied().flatten());
        let found = found.filter(|&i| i >= v.since(DAYS_SINCE_HORIZON));
        found.and_then(|i| log.sessions.get(i)).map_or(Dynamic::UNIT, |s| int(v.last().date.days_since(s.date)))
    });
}

fn sess(v: &SessionView) -> &Session {
    v.session()
}

/// A session's getters and functions (`last.fatigue`, `s.did("bridge")`, ...), the inputs
/// that are recorded where an explanation needs them.
fn register_session(engine: &mut Engine) {
    engine.register_get("date", |v: &mut SessionView| sess(v).date.to_string());
    engine.register_get("day", |v: &mut SessionView| int(sess(v).date.days_since(v.ctx.log.start)));
    engine.register_get("kind", |v: &mut SessionView| sess(v).kind.as_str().to_string());
    engine.register_get("pain", |v: &mut SessionView| PainView { pain: sess(v).pain, idx: v.idx });
    engine.register_get("fatigue", |v: &mut SessionView| recorded(Some(v.idx), "fatigue", opt_int(sess(v).fatigue.map(|r| r.0))));
    engine.register_get("rom", |v: &mut SessionView| recorded(Some(v.idx), "rom", float_map(&sess(v).rom)));
    engine.register_get("measures", |v: &mut SessionView| recorded(Some(v.idx), "measures", float_map(&sess(v).measures)));
    engine.register_get("symptoms", |v: &mut SessionView| -> Array {
        let a: Array = sess(v).symptoms.iter().map(|s| Dynamic::from(s.as_str().to_string())).collect();
        record_with(Some(v.idx), "symptoms", || Dynamic::from_array(a.clone()));
        a
    });
    engine
        .register_get("exercises", |v: &mut SessionView| -> Array { sess(v).exercises.iter().map(|e| exercise_map(&v.ctx, e)).collect() });
    engine.register_get("minutes", |v: &mut SessionView| {
        recorded(Some(v.idx), "minutes", number(f64::from(sess(v).minutes_tenths()) / 10.0))
    });
    engine.register_get("training_minutes", |v: &mut SessionView| {
        recorded(Some(v.idx), "training_minutes", number(f64::from(training_tenths(&v.ctx, sess(v))) / 10.0))
    });
    engine.register_get("rom_side_deficit", |v: &mut SessionView| recorded(Some(v.idx), "rom_side_deficit", rom_side_deficit(sess(v))));
    engine.register_get("decision", |v: &mut SessionView| {
        v.ctx.decision.get(v.idx).and_then(OnceLock::get).map_or(Dynamic::UNIT, |d| Dynamic::from(d.as_str().to_string()))
    });
    engine.register_get("planned", |v: &mut SessionView| -> bool {
        let planned = v.ctx.planned.get(v.idx).and_then(OnceLock::get).copied().unwrap_or(false);
        record(Some(v.idx), "planned", &Dynamic::from_bool(planned));
        planned
    });
    engine.register_get("beyond_plan", |v: &mut SessionView| -> Array {
        let items = v.ctx.beyond.get(v.idx).and_then(OnceLock::get).map(Vec::as_slice).unwrap_or_default();
        let a: Array = items
            .iter()
            .map(|b| {
                let mut m = Map::new();
                m.insert("id".into(), Dynamic::from(b.exercise.clone()));
                m.insert("what".into(), Dynamic::from(b.what.to_string()));
                Dynamic::from_map(m)
            })
            .collect();
        record_with(Some(v.idx), "beyond_plan", || Dynamic::from_array(a.clone()));
        a
    });
    engine.register_get("review", |v: &mut SessionView| {
        // Only a review that is there is an input worth showing.
        sess(v).review.as_ref().map_or(Dynamic::UNIT, |r| recorded(Some(v.idx), "review", review_map(r)))
    });
    engine.register_get("stopped", |v: &mut SessionView| {
        recorded(Some(v.idx), "stopped", Dynamic::from_bool(sess(v).exercises.iter().any(|e| !e.completed)))
    });
    engine.register_fn("has_symptom", |v: &mut SessionView, name: &str| -> bool {
        let has = sess(v).symptoms.iter().any(|s| s.as_str() == name);
        record_with(Some(v.idx), "symptoms", || {
            Dynamic::from_array(sess(v).symptoms.iter().map(|s| Dynamic::from(s.as_str().to_string())).collect())
        });
        has
    });
    engine.register_fn("did", |v: &mut SessionView, id: &str| -> bool { sess(v).exercises.iter().any(|e| e.id == id) });
    engine.register_fn("exercise", |v: &mut SessionView, id: &str| -> Dynamic {
        sess(v).exercises.iter().find(|e| e.id == id).map_or(Dynamic::UNIT, |e| exercise_map(&v.ctx, e))
    });
}

/// A session's pain ratings (`last.pain.after`, `.worst`), each read recorded.
fn register_pain(engine: &mut Engine) {
    engine.register_get("before", |p: &mut PainView| recorded(Some(p.idx), "pain.before", opt_int(p.pain.before.map(|r| r.0))));
    engine.register_get("during", |p: &mut PainView| recorded(Some(p.idx), "pain.during", opt_int(p.pain.during.map(|r| r.0))));
    engine.register_get("after", |p: &mut PainView| recorded(Some(p.idx), "pain.after", opt_int(p.pain.after.map(|r| r.0))));
    engine.register_get("next_day", |p: &mut PainView| recorded(Some(p.idx), "pain.next_day", opt_int(p.pain.next_day.map(|r| r.0))));
    engine.register_get("worst", |p: &mut PainView| recorded(Some(p.idx), "pain.worst", opt_int(worst_pain(p.pain))));
}

/// The helper library over arrays of sessions or numbers (`values`, `mean`, `slope`, ...).
/// Rhai hands an array argument over by value; the helpers only read it.
fn register_array_helpers(engine: &mut Engine) {
    engine.register_fn("values", |a: Array, f: ImmutableString| values(&a, &f));
    engine.register_fn("all_have", |a: Array, f: ImmutableString| all_have(&a, &f));
    engine.register_fn("slope", |a: Array, f: ImmutableString| slope(&a, &f));
    engine.register_fn("exercise_sessions", exercise_sessions);
    engine.register_fn("mean", |a: Array| mean(&a));
    engine.register_fn("median", |a: Array| median(&a));
    engine.register_fn("sum", |a: Array| sum(&a));
    engine.register_fn("max", |a: Array| extreme(a, true));
    engine.register_fn("min", |a: Array| extreme(a, false));
}

/// Registers a getter on the parameters for each of a protocol's parameters, on the
/// protocol's own engine. `params.NAME` then calls its getter directly; without one, Rhai
/// first looks for a getter, fails (making an error it throws away), and only then falls back
/// to the indexer, on every read. The value and the recorded read are the indexer's; a name
/// that is not a parameter still reaches the indexer and its error.
pub fn register_params(engine: &mut Engine, params: &Map) {
    for name in params.keys() {
        let read = ImmutableString::from(name.as_str());
        engine.register_get(name.as_str(), move |p: &mut ParamsView| param(p, read.clone()));
    }
}

/// `params.NAME` and `params["NAME"]`: the value, its read recorded.
fn param(p: &ParamsView, name: ImmutableString) -> Res<Dynamic> {
    let v = p.0.get(name.as_str()).cloned().ok_or_else(|| format!("unknown parameter `{name}`"))?;
    super::trace::record_param(name, &v);
    Ok(v)
}

#[cfg(test)]
// Expected values are small binary fractions (3.0, 1.5) that the scripts compute exactly.
#[allow(clippy::float_cmp)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::dose::Dose;
    use crate::model::log::Performed;
    use crate::vocab::log::Symptom;
    use crate::vocab::quantity::{Date, Rating, Tenths};

    fn session(date: &str, kind: SessionKind, after: Option<u8>, fatigue: Option<u8>, minutes: Option<u32>) -> Session {
        Session {
            date: Date::parse(date).unwrap(),
            kind,
            pain: Pain { before: Some(Rating(2)), during: Some(Rating(3)), after: after.map(Rating), next_day: None },
            fatigue: fatigue.map(Rating),
            rom: BTreeMap::from([("hip_flexion".into(), 100.0)]),
            measures: BTreeMap::new(),
            symptoms: vec![Symptom::Swelling],
            exercises: minutes
                .map(|m| Performed {
                    id: "walking".into(),
                    template: 0,
                    dose: Dose { minutes: Some(Tenths(m * 10)), ..Dose::default() },
                    completed: m < 40,
                    level: None,
                    token: false,
                })
                .into_iter()
                .collect(),
            override_phase: None,
            override_note: None,
            review: None,
            notes: None,
        }
    }

    /// 1, 3, 4, 5 (rest), 6 September: pain after 4, 3, 2, -, 1.
    fn log() -> Arc<PatientLog> {
        Arc::new(PatientLog {
            patient: "P-1".into(),
            start: Date::parse("2026-09-01").unwrap(),
            intake: None,
            sessions: vec![
                session("2026-09-01", SessionKind::Exercise, Some(4), Some(5), Some(20)),
                session("2026-09-03", SessionKind::Exercise, Some(3), Some(4), Some(20)),
                session("2026-09-04", SessionKind::Exercise, Some(2), None, Some(25)),
                session("2026-09-05", SessionKind::Rest, None, None, None),
                session("2026-09-06", SessionKind::Exercise, Some(1), Some(3), Some(45)),
            ],
        })
    }

    fn eval(script: &str) -> Dynamic {
        let engine = super::super::engine::sandboxed();
        let log = log();
        let mut scope = rhai::Scope::new();
        let end = log.sessions.len() - 1;
        let ctx = Arc::new(Context::new(log, vec![(Category::Cardio, Impact::Low)]));
        scope.push_constant("log", LogView { ctx: ctx.clone(), end });
        scope.push_constant("last", SessionView { ctx, idx: end });
        engine.eval_with_scope::<Dynamic>(&mut scope, script).unwrap_or_else(|e| panic!("{script}: {e}"))
    }

    #[test]
    fn numbers_of_an_array() {
        assert_eq!(eval("mean([1, 2, 6])").as_float().unwrap(), 3.0);
        assert!(eval("mean([])").is_unit());
        assert_eq!(eval("sum([1, 2, 6])").as_int().unwrap(), 9);
        assert_eq!(eval("sum([1.5, 2])").as_float().unwrap(), 3.5);
        assert_eq!(eval("max([1, 7, 6])").as_int().unwrap(), 7);
        assert_eq!(eval("min([3, 1.5])").as_float().unwrap(), 1.5);
        assert!(eval("max([])").is_unit());
    }

    #[test]
    fn values_skip_missing_and_fields_are_checked() {
        assert_eq!(eval("values(log.sessions, \"pain.after\")").into_array().unwrap().len(), 4);
        assert_eq!(eval("values(log.sessions, \"rom.hip_flexion\")").into_array().unwrap().len(), 5);
        assert!(!eval("all_have(log.sessions, \"fatigue\")").as_bool().unwrap());
        let engine = super::super::engine::sandboxed();
        let mut scope = rhai::Scope::new();
        let l = log();
        scope.push_constant("log", LogView { ctx: Arc::new(Context::new(l, Vec::new())), end: 4 });
        let err = engine.eval_with_scope::<Dynamic>(&mut scope, "values(log.sessions, \"pian.after\")").unwrap_err();
        assert!(err.to_string().contains("unknown session field `pian.after`"), "{err}");
    }

    #[test]
    fn slope_per_day() {
        // pain after 4, 3, 2, 1 on days 0, 2, 3, 5: n Σxy − Σx Σy = −32 over n Σx² − (Σx)² = 52.
        let s = eval("slope(log.sessions, \"pain.after\")").as_float().unwrap();
        assert_eq!(s, -32.0 / 52.0);
        assert!(eval("slope(log.recent(1), \"pain.after\")").is_unit());
        assert_eq!(slope_of(&[(0.0, 1.0), (1.0, 1.0)]), Some(0.0));
    }

    #[test]
    fn windows_by_days_and_by_sessions() {
        assert_eq!(eval("log.window_days(3).len()").as_int().unwrap(), 3); // 4, 5, 6 September
        assert_eq!(eval("log.window_days(6).len()").as_int().unwrap(), 5);
        assert_eq!(eval("log.recent(2).len()").as_int().unwrap(), 2);
        assert_eq!(eval("log.previous(2)[0].date").into_string().unwrap(), "2026-09-05");
        assert_eq!(eval("log.previous_values(\"pain.after\", 2)").into_array().unwrap().len(), 2);
        assert_eq!(eval("exercise_sessions(log.sessions).len()").as_int().unwrap(), 4);
    }

    #[test]
    fn derived_values() {
        assert_eq!(eval("log.days_since_start").as_int().unwrap(), 5);
        assert_eq!(eval("log.consecutive_training_days").as_int().unwrap(), 1);
        assert_eq!(eval("log.pain_baseline").as_float().unwrap(), 2.0);
        assert!(eval("log.pain_trend").as_float().unwrap() < 0.0);
        assert_eq!(eval("log.weekly_minutes").as_int().unwrap(), 110);
        assert_eq!(eval("log.previous_weekly_minutes").as_int().unwrap(), 0);
        assert_eq!(eval("log.longest_recent_minutes").as_int().unwrap(), 25);
        assert_eq!(eval("log.days_since(\"walking\")").as_int().unwrap(), 2);
        assert!(eval("log.days_since(\"cycling\")").is_unit());
    }

    #[test]
    fn a_session_reads_as_documented() {
        assert_eq!(eval("last.pain.after").as_int().unwrap(), 1);
        assert!(eval("last.pain.next_day").is_unit());
        assert_eq!(eval("last.pain.next_day ?? 9").as_int().unwrap(), 9);
        assert!(eval("last.has_symptom(\"swelling\")").as_bool().unwrap());
        assert!(eval("\"swelling\" in last.symptoms").as_bool().unwrap());
        assert!(eval("last.stopped").as_bool().unwrap());
        assert!(eval("last.did(\"walking\")").as_bool().unwrap());
        assert_eq!(eval("last.exercise(\"walking\").minutes").as_float().unwrap(), 45.0);
        assert_eq!(eval("last.day").as_int().unwrap(), 5);
        assert_eq!(eval("last.kind").into_string().unwrap(), "exercise");
    }

    #[test]
    fn reads_are_recorded_for_the_trace() {
        super::super::trace::start(true);
        // Only the read it records matters here.
        drop(eval("last.fatigue"));
        let reads = super::super::trace::take();
        assert_eq!(reads.len(), 1);
        assert_eq!(reads[0].field, super::super::trace::Field::Static("fatigue"));
        assert_eq!(reads[0].session, Some(4));
    }

    /// A log with every kind of session, gaps of one to twenty days, ratings sometimes
    /// missing, reviews, range of motion now and then and two exercises: what the history
    /// tables answer must be what a walk back through the sessions answers.
    // The generator's values are below 2^31: every cast below is exact.
    #[allow(clippy::cast_possible_wrap, clippy::cast_possible_truncation, clippy::cast_precision_loss)]
    fn varied_log() -> Arc<PatientLog> {
        let mut x: u64 = 42;
        let mut next = move |m: u64| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (x >> 33) % m
        };
        let start = Date::parse("2026-01-01").unwrap();
        let mut day = 0;
        let mut sessions = Vec::new();
        for _ in 0..160 {
            day += 1 + next(3) as i64 + if next(15) == 0 { 8 + next(12) as i64 } else { 0 };
            let kind = match next(10) {
                0 => SessionKind::Rest,
                1 => SessionKind::CheckIn,
                2 => SessionKind::Review,
                _ => SessionKind::Exercise,
            };
            let mut rating = |p: u64| (next(p) != 0).then(|| Rating(next(7) as u8));
            let pain = Pain { before: rating(5), during: rating(4), after: rating(4), next_day: rating(3) };
            let fatigue = rating(3);
            let rom = if next(4) == 0 { BTreeMap::from([("hip_flexion".into(), 90.0 + next(20) as f64)]) } else { BTreeMap::new() };
            let mut exercises = Vec::new();
            if kind == SessionKind::Exercise {
                for (template, id) in [(0, "walking"), (1, "cycling")] {
                    if template == 0 || next(3) == 0 {
                        let dose = Dose { minutes: Some(Tenths(100 + 10 * next(30) as u32)), ..Dose::default() };
                        exercises.push(Performed { id: id.into(), template, dose, completed: next(8) != 0, level: None, token: false });
                    }
                }
            }
            let review = (next(12) == 0).then(|| crate::vocab::log::Review { by: None, note: None, cleared: Some(next(2) == 0) });
            sessions.push(Session {
                date: start.plus_days(day),
                kind,
                pain,
                fatigue,
                rom,
                measures: BTreeMap::new(),
                symptoms: Vec::new(),
                exercises,
                override_phase: None,
                override_note: None,
                review,
                notes: None,
            });
        }
        Arc::new(PatientLog { patient: "P-2".into(), start, intake: None, sessions })
    }

    /// The derived values as they were computed before the history tables: by walking back
    /// through every earlier session.
    mod walk_back {
        use super::super::*;

        pub fn consecutive_training_days(s: &[Session]) -> i64 {
            let mut n = 0;
            for i in (0..s.len()).rev() {
                if s[i].kind != SessionKind::Exercise {
                    break;
                }
                if i + 1 < s.len() && n > 0 && s[i + 1].date.days_since(s[i].date) != 1 {
                    break;
                }
                n += 1;
            }
            n
        }

        pub fn last_review(s: &[Session]) -> Dynamic {
            s.iter().rev().find_map(|s| s.review.as_ref()).map_or(Dynamic::UNIT, review_map)
        }

        pub fn training_gap(s: &[Session]) -> Dynamic {
            let mut it = s.iter().rev().filter(|s| s.kind == SessionKind::Exercise);
            match (it.next(), it.next()) {
                (Some(a), Some(b)) => int(a.date.days_since(b.date)),
                _ => Dynamic::UNIT,
            }
        }

        pub fn usual_training_gap(s: &[Session]) -> Dynamic {
            let dates: Vec<crate::vocab::quantity::Date> =
                s.iter().rev().filter(|s| s.kind == SessionKind::Exercise).skip(1).map(|s| s.date).take(16).collect();
            let Some(&anchor) = dates.first() else { return Dynamic::UNIT };
            let gaps: Vec<f64> = dates
                .windows(2)
                .take_while(|w| anchor.days_since(w[1]) <= PERSONAL_BASELINE_DAYS)
                .map(|w| crate::num::int_f64(w[0].days_since(w[1])))
                .collect();
            median_of(gaps).map_or(Dynamic::UNIT, number)
        }

        pub fn personal_baseline(s: &[Session]) -> Dynamic {
            let (end, last) = (s.len() - 1, s[s.len() - 1].date);
            let earlier: Vec<&Session> = s[..end]
                .iter()
                .rev()
                .take_while(|s| last.days_since(s.date) <= PERSONAL_BASELINE_DAYS)
                .filter(|s| s.kind == SessionKind::Exercise)
                .collect();
            let settled: Vec<f64> = earlier.iter().filter_map(|s| settled(s)).take(PERSONAL_BASELINE_SESSIONS).map(f64::from).collect();
            let pool =
                if settled.is_empty() { earlier.iter().filter_map(|s| s.pain.before).map(|r| f64::from(r.0)).collect() } else { settled };
            median_of(pool).map_or(Dynamic::UNIT, number)
        }

        pub fn previous_values(s: &[Session], start: crate::vocab::quantity::Date, field: &str, n: i64) -> Dynamic {
            let mut out = Array::new();
            for i in (0..s.len() - 1).rev() {
                if out.len() >= crate::num::int_count(n) {
                    break;
                }
                if let Some(x) = field_value(&s[i], start, field).unwrap() {
                    out.push(number(x));
                }
            }
            Dynamic::from_array(out)
        }

        pub fn days_since(s: &[Session], exercise: &str) -> Dynamic {
            let (end, last) = (s.len() - 1, s[s.len() - 1].date);
            let from = s.partition_point(|x| last.days_since(x.date) > DAYS_SINCE_HORIZON);
            let found = (from..end).rev().find(|&i| s[i].exercises.iter().any(|e| e.id == exercise));
            found.map_or(Dynamic::UNIT, |i| int(last.days_since(s[i].date)))
        }
    }

    #[test]
    fn history_tables_answer_what_a_walk_back_answers() {
        let log = varied_log();
        let engine = super::super::engine::sandboxed();
        let ctx = Arc::new(Context::new(log.clone(), vec![(Category::Cardio, Impact::Low), (Category::Cardio, Impact::Low)]));
        let text = |d: Dynamic| format!("{d:?}");
        for end in 0..log.sessions.len() {
            let mut scope = rhai::Scope::new();
            scope.push_constant("log", LogView { ctx: ctx.clone(), end });
            let mut eval =
                |script: &str| text(engine.eval_with_scope::<Dynamic>(&mut scope, script).unwrap_or_else(|e| panic!("{script}: {e}")));
            let s = &log.sessions[..=end];
            let cases = [
                ("log.consecutive_training_days", int(walk_back::consecutive_training_days(s))),
                ("log.last_review", walk_back::last_review(s)),
                ("log.training_gap", walk_back::training_gap(s)),
                ("log.usual_training_gap", walk_back::usual_training_gap(s)),
                ("log.personal_baseline", walk_back::personal_baseline(s)),
                ("log.previous_values(\"pain.after\", 3)", walk_back::previous_values(s, log.start, "pain.after", 3)),
                ("log.previous_values(\"rom.hip_flexion\", 2)", walk_back::previous_values(s, log.start, "rom.hip_flexion", 2)),
                ("log.previous_values(\"measures.plank_s\", 4)", walk_back::previous_values(s, log.start, "measures.plank_s", 4)),
                ("log.previous_values(\"fatigue\", 0)", walk_back::previous_values(s, log.start, "fatigue", 0)),
                ("log.days_since(\"walking\")", walk_back::days_since(s, "walking")),
                ("log.days_since(\"cycling\")", walk_back::days_since(s, "cycling")),
                ("log.days_since(\"swimming\")", walk_back::days_since(s, "swimming")),
            ];
            for (script, expected) in cases {
                assert_eq!(eval(script), text(expected), "{script} at session {end}");
            }
        }
        // An unknown field is an error as soon as there is an earlier session to read.
        let mut scope = rhai::Scope::new();
        scope.push_constant("log", LogView { ctx: ctx.clone(), end: 0 });
        assert!(engine.eval_with_scope::<Dynamic>(&mut scope, "log.previous_values(\"pian.after\", 2)").is_ok());
        let mut scope = rhai::Scope::new();
        scope.push_constant("log", LogView { ctx, end: 1 });
        let err = engine.eval_with_scope::<Dynamic>(&mut scope, "log.previous_values(\"pian.after\", 2)").unwrap_err();
        assert!(err.to_string().contains("unknown session field `pian.after`"), "{err}");
    }
}
