//! A checked patient log: dates strictly increasing and not before the start, every exercise
//! id resolved to a template of the protocol, every override phase resolved.

use std::collections::BTreeMap;

use compact_str::CompactString;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::dose::Dose;
use super::quantity::{Date, Rating};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Onset {
    Gradual,
    Sudden,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    Overuse,
    Mechanics,
    Inflammation,
    AcuteInjury,
    Unknown,
}

/// Screening before the first session.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Intake {
    #[serde(default)]
    pub onset: Option<Onset>,
    #[serde(default)]
    pub cause: Option<Cause>,
    /// A provider assessed the cause and cleared a return to exercise.
    #[serde(default)]
    pub provider_cleared: Option<bool>,
    /// Activities the patient wants back (running, cycling, ...).
    #[serde(default)]
    pub goals: Option<Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    #[default]
    Exercise,
    Rest,
    CheckIn,
    /// Contract 1.1: a clinician's review, with no exercise and no ratings required.
    Review,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Exercise => "exercise",
            SessionKind::Rest => "rest",
            SessionKind::CheckIn => "check_in",
            SessionKind::Review => "review",
        }
    }
}

/// Pain on the 0-10 numeric rating scale at four moments; every field optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pain {
    /// Just before exercise.
    #[serde(default)]
    pub before: Option<Rating>,
    /// Worst during exercise.
    #[serde(default)]
    pub during: Option<Rating>,
    /// Right after.
    #[serde(default)]
    pub after: Option<Rating>,
    /// Next morning.
    #[serde(default)]
    pub next_day: Option<Rating>,
}

/// The contract's symptom vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Symptom {
    /// Sudden sharp pain, e.g. after a fall or impact.
    SharpPain,
    /// Pain interferes with sleep.
    NightPain,
    /// Pain interferes with walking.
    WalkingLimited,
    /// Pain interferes with daily tasks.
    DailyTasksLimited,
    Swelling,
    GivingWay,
    Numbness,
    Fever,
    /// 1.1: a fall or blow onto the painful area since the last session.
    FallOrImpact,
    /// 1.1: the area is hot or red.
    WarmthRedness,
    /// 1.1: pain at rest, not only with activity.
    RestPain,
    /// 1.1: the patient cannot bear weight on the leg.
    CannotBearWeight,
    /// 1.1: unexplained weight loss.
    WeightLoss,
}

impl Symptom {
    pub const ALL: [Symptom; 13] = [
        Symptom::SharpPain,
        Symptom::NightPain,
        Symptom::WalkingLimited,
        Symptom::DailyTasksLimited,
        Symptom::Swelling,
        Symptom::GivingWay,
        Symptom::Numbness,
        Symptom::Fever,
        Symptom::FallOrImpact,
        Symptom::WarmthRedness,
        Symptom::RestPain,
        Symptom::CannotBearWeight,
        Symptom::WeightLoss,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Symptom::SharpPain => "sharp_pain",
            Symptom::NightPain => "night_pain",
            Symptom::WalkingLimited => "walking_limited",
            Symptom::DailyTasksLimited => "daily_tasks_limited",
            Symptom::Swelling => "swelling",
            Symptom::GivingWay => "giving_way",
            Symptom::Numbness => "numbness",
            Symptom::Fever => "fever",
            Symptom::FallOrImpact => "fall_or_impact",
            Symptom::WarmthRedness => "warmth_redness",
            Symptom::RestPain => "rest_pain",
            Symptom::CannotBearWeight => "cannot_bear_weight",
            Symptom::WeightLoss => "weight_loss",
        }
    }
}

/// Contract 1.1: a clinician has seen the patient since the last answer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// Who reviewed (a name or role).
    #[serde(default)]
    pub by: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// `true` closes an open referral: the patient may resume the programme.
    #[serde(default)]
    pub cleared: Option<bool>,
}

/// One exercise as performed, with its template resolved.
#[derive(Debug, Clone)]
pub struct Performed {
    pub id: CompactString,
    pub template: usize,
    pub dose: Dose,
    pub completed: bool,
    /// 0-based ladder level when the log records it.
    pub level: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub date: Date,
    pub kind: SessionKind,
    pub pain: Pain,
    pub fatigue: Option<Rating>,
    pub rom: BTreeMap<CompactString, f64>,
    pub measures: BTreeMap<CompactString, f64>,
    pub symptoms: Vec<Symptom>,
    pub exercises: Vec<Performed>,
    /// Phase index pinned by a clinician from this session on.
    pub override_phase: Option<usize>,
    pub override_note: Option<String>,
    /// A clinician's review recorded with this session (contract 1.1).
    pub review: Option<Review>,
    /// The session's free-text notes: never read by rules, shown to the clinician.
    pub notes: Option<String>,
}

impl Session {
    /// A clinician reviewed the patient and cleared a return to the programme.
    pub fn clears_referral(&self) -> bool {
        self.review.as_ref().is_some_and(|r| r.cleared == Some(true))
    }

    /// Total minutes of timed exercise in the session (tenths).
    pub fn minutes_tenths(&self) -> u32 {
        self.exercises.iter().filter_map(|e| e.dose.minutes).map(|m| m.0).sum()
    }
}

#[derive(Debug, Clone)]
pub struct PatientLog {
    pub patient: String,
    pub start: Date,
    pub intake: Option<Intake>,
    pub sessions: Vec<Session>,
}
