//! The patient log's closed vocabularies: session kinds, symptoms, the pain ratings, the intake
//! screening and a clinician's review. Shared by `syntax` (which reads a log straight into
//! them, so a bad value is refused at its own line) and `model` (the checked log).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::quantity::Rating;

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
    #[serde(default, deserialize_with = "crate::vocab::quantity::goals")]
    #[schemars(length(max = 50))]
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
    /// 1.2: more stiffness during, after or the next morning (not a red flag: do not progress).
    Stiffness,
    /// 1.2: a limp appeared (not a red flag: back to the previous step).
    Limp,
}

impl Symptom {
    pub const ALL: [Symptom; 15] = [
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
        Symptom::Stiffness,
        Symptom::Limp,
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
            Symptom::Stiffness => "stiffness",
            Symptom::Limp => "limp",
        }
    }

    /// Whether a protocol must refer on this symptom (`W0508`): every symptom of contract 1.1
    /// is a red flag; the 1.2 additions report a poor response to exercise, not a danger sign.
    pub fn is_red_flag(self) -> bool {
        !matches!(self, Symptom::Stiffness | Symptom::Limp)
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
