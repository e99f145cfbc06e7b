//! A patient's course as the report draws it: each session's recorded values (pain, fatigue,
//! range of motion, training minutes, symptoms, overrides, reviews, notes) read from the log,
//! next to the decision the replay gave after that session (the answer's timeline).
//!
//! The decisions come only from the [`Answer`] (the same evaluation `next` gives); the log is
//! read again here as plain JSON values for the numbers the charts plot, never evaluated.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::check::log::LogFormat;
use crate::eval::Answer;
use crate::model::protocol::Protocol;
use crate::vocab::decision::Decision;
use crate::vocab::protocol::Category;
use crate::vocab::quantity::Date;

/// The four pain ratings of a session: the log's key and the words the report uses.
pub const PAIN_KEYS: [(&str, &str); 4] = [("before", "before"), ("during", "during"), ("after", "after"), ("next_day", "next morning")];

/// One session of the log, with the decision given after it.
#[derive(Debug, Clone, Default)]
pub struct Session {
    pub date: Option<Date>,
    /// Days since the programme's start.
    pub day: i64,
    /// `exercise`, `rest`, `check_in` or `review`.
    pub kind: String,
    /// Before, during, after, next morning (see [`PAIN_KEYS`]).
    pub pain: [Option<f64>; 4],
    pub fatigue: Option<f64>,
    pub rom: BTreeMap<String, f64>,
    pub symptoms: Vec<String>,
    /// Timed minutes of every exercise but mobility (the script API's `training_minutes`).
    pub training_minutes: f64,
    /// An exercise was not completed.
    pub stopped: bool,
    /// `(phase, note)` of a clinician override.
    pub override_: Option<(String, Option<String>)>,
    /// `(by, note, cleared)` of a clinician review.
    pub review: Option<(Option<String>, Option<String>, bool)>,
    /// From the answer's timeline: the phase the session was in, the decision after it and
    /// the rules that fired.
    pub phase: Option<String>,
    pub decision: Option<Decision>,
    pub rules: Vec<String>,
}

impl Session {
    /// The highest pain rating recorded in the session.
    pub fn worst_pain(&self) -> Option<f64> {
        self.pain.iter().flatten().copied().reduce(f64::max)
    }

    /// A training session (not a rest day, check-in or review).
    pub fn is_training(&self) -> bool {
        self.kind == "exercise"
    }
}

/// The whole course: start, sessions in order, and the span the charts cover.
#[derive(Debug, Clone)]
pub struct Course {
    pub start: Date,
    pub sessions: Vec<Session>,
    /// The last day the charts show (the answer's date, or the next session's when later).
    pub end_day: i64,
    /// Training minutes per week of the programme (week 0 = days 0-6), every week present.
    pub weekly_minutes: Vec<f64>,
    /// Pain zones: `safe` up to this rating.
    pub safe_max: f64,
    /// Pain zones: `stop` from this rating.
    pub stop_min: f64,
    /// Days without training that count as a gap.
    pub gap_days: i64,
}

impl Course {
    /// The weeks with training (and the first week, so an empty course still has one bar), as
    /// (week index, minutes): a page grows with the sessions logged, not with the span of their
    /// dates (two sessions 300 years apart made a 2 MB page, fifty such logs a 110 MB cohort).
    pub fn trained_weeks(&self) -> impl Iterator<Item = (usize, &f64)> {
        self.weekly_minutes.iter().enumerate().filter(|(w, m)| *w == 0 || **m > 0.0)
    }
}

impl Course {
    /// Every range-of-motion measure recorded, sorted.
    pub fn rom_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.sessions.iter().flat_map(|s| s.rom.keys().cloned()).collect();
        names.sort();
        names.dedup();
        names
    }

    /// Gaps in training: `(from_day, to_day)` between training sessions at least `gap_days` apart.
    pub fn gaps(&self) -> Vec<(i64, i64)> {
        let days: Vec<i64> = self.sessions.iter().filter(|s| s.is_training()).map(|s| s.day).collect();
        days.windows(2)
            .filter_map(|w| match *w {
                [from, to] if to - from >= self.gap_days => Some((from, to)),
                _ => None,
            })
            .collect()
    }

    /// Days in the programme as of the answer.
    pub fn days_in_program(&self, answer: &Answer) -> i64 {
        answer.as_of.days_since(self.start).max(0)
    }
}

/// A numeric parameter of the protocol, if it has one by that id.
pub fn param(protocol: &Protocol, id: &str) -> Option<f64> {
    use crate::vocab::protocol::ParamValue;
    protocol.parameters.iter().find(|p| p.id == id).and_then(|p| match p.value {
        ParamValue::Int(i) => Some(crate::num::int_f64(i)),
        ParamValue::Float(f) => Some(f),
        _ => None,
    })
}

/// Reads the log's values as JSON (the log has already been answered, so it is valid).
pub fn log_value(text: &str, format: LogFormat) -> Option<Value> {
    match format {
        LogFormat::Json => serde_json::from_str(text).ok(),
        LogFormat::Yaml => crate::syntax::yaml::parse::<Value>(crate::engine::LogError::LOG, text, &crate::syntax::yaml::LOG_CODES).ok(),
    }
}

fn number(v: &Value) -> Option<f64> {
    v.as_f64().filter(|f| f.is_finite())
}

fn text(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// The course of one answered log. `log` is the log's JSON value (see [`log_value`]).
pub fn read(log: &Value, answer: &Answer, protocol: &Protocol) -> Course {
    let start = log.get("start").and_then(Value::as_str).and_then(Date::parse).unwrap_or(answer.as_of);
    let timeline: BTreeMap<Date, &crate::eval::answer::TimelineEntry> = answer.timeline.iter().flatten().map(|t| (t.date, t)).collect();
    let empty = Vec::new();
    let sessions: Vec<Session> = log
        .get("sessions")
        .and_then(Value::as_array)
        .unwrap_or(&empty)
        .iter()
        .map(|s| {
            let date = s.get("date").and_then(Value::as_str).and_then(Date::parse);
            let pain = s.get("pain");
            let exercises = s.get("exercises").and_then(Value::as_array).unwrap_or(&empty);
            let training_minutes = exercises
                .iter()
                .filter(|e| {
                    let id = e.get("id").and_then(Value::as_str).unwrap_or_default();
                    protocol.templates.iter().find(|t| t.id == id).is_none_or(|t| t.category != Category::Mobility)
                })
                .filter_map(|e| e.get("minutes").and_then(number))
                .sum();
            let entry = date.and_then(|d| timeline.get(&d));
            Session {
                date,
                day: date.map_or(0, |d| d.days_since(start)),
                kind: s.get("kind").and_then(text).unwrap_or_else(|| "exercise".to_string()),
                pain: PAIN_KEYS.map(|(k, _)| pain.and_then(|p| p.get(k)).and_then(number)),
                fatigue: s.get("fatigue").and_then(number),
                rom: s
                    .get("rom")
                    .and_then(Value::as_object)
                    .map(|m| m.iter().filter_map(|(k, v)| number(v).map(|n| (k.clone(), n))).collect())
                    .unwrap_or_default(),
                symptoms: s.get("symptoms").and_then(Value::as_array).map(|a| a.iter().filter_map(text).collect()).unwrap_or_default(),
                training_minutes,
                stopped: exercises.iter().any(|e| e.get("completed") == Some(&Value::Bool(false))),
                override_: s
                    .get("override")
                    .filter(|o| o.is_object())
                    .map(|o| (o.get("phase").and_then(text).unwrap_or_default(), o.get("note").and_then(text))),
                review: s
                    .get("review")
                    .filter(|r| r.is_object())
                    .map(|r| (r.get("by").and_then(text), r.get("note").and_then(text), r.get("cleared") == Some(&Value::Bool(true)))),
                phase: entry.map(|t| t.phase.clone()),
                decision: entry.map(|t| t.decision),
                rules: entry.map(|t| t.rules.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let last_day = sessions.iter().map(|s| s.day).max().unwrap_or(0);
    let next_day = answer.next_session.as_ref().map_or(0, |n| n.date.days_since(start));
    let end_day = answer.as_of.days_since(start).max(last_day).max(next_day).max(7);
    let mut weekly_minutes = vec![0.0; crate::num::int_count((end_day / 7 + 1).clamp(1, 10_000))];
    for s in &sessions {
        if let Some(w) = usize::try_from(s.day / 7).ok().and_then(|w| weekly_minutes.get_mut(w)) {
            *w += s.training_minutes;
        }
    }
    let p = &protocol;
    Course {
        start,
        sessions,
        end_day,
        weekly_minutes,
        safe_max: param(p, "low_pain_max").unwrap_or(3.0),
        stop_min: param(p, "stop_zone_pain").unwrap_or(6.0),
        gap_days: param(p, "gap_days").map_or(7, |g| crate::num::whole_i64(g.round())).max(1),
    }
}
