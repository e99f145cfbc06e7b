//! Protocol files as written: plan files (`plans/*.yaml`: the manifest, parameters, dosing,
//! phases and exercise templates) and rule files (`rules/*.yaml`). Every section is optional in
//! any one file so that a clinic can split its protocol as it likes; `check` requires each
//! needed section exactly once across the files.

use schemars::JsonSchema;
use serde::Deserialize;

use super::Spanned;
use crate::vocab::decision::Decision;
use crate::vocab::protocol::{Category, Impact, NextExercises, ParamValue, Status};
use crate::vocab::quantity::Tenths;

/// A plan file.
#[derive(Debug, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct PlanFile {
    /// The protocol's identity and governance (exactly one plan file has it).
    #[serde(default)]
    pub protocol: Option<Spanned<RawManifest>>,
    /// Named, documented thresholds that rules read as `params.NAME`.
    #[serde(default)]
    pub parameters: Option<Vec<RawParameter>>,
    /// How doses change with the decision.
    #[serde(default)]
    pub dosing: Option<Spanned<RawDosing>>,
    /// Phases, in order.
    #[serde(default)]
    pub phases: Option<Vec<RawPhase>>,
    /// Exercise templates with their progression ladders.
    #[serde(default)]
    pub exercises: Option<Vec<RawTemplate>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawManifest {
    /// Stable id, e.g. `hip-return`.
    pub id: Spanned<String>,
    /// Semantic version, e.g. `1.2.0`.
    pub version: Spanned<String>,
    pub title: String,
    pub status: Spanned<Status>,
    #[serde(default)]
    pub authors: Vec<String>,
    #[serde(default)]
    pub reviewers: Vec<String>,
    /// The date from which the protocol is in force (YYYY-MM-DD).
    #[serde(default)]
    pub effective: Option<Spanned<crate::vocab::quantity::Date>>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawParameter {
    pub id: Spanned<String>,
    pub value: Spanned<ParamValue>,
    /// What the threshold means and how to choose it.
    pub description: String,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    /// How strong the source is for this value: `primary` (a trial, guideline or clinic
    /// protocol), `secondary` (a summary or practitioner source) or `project` (a choice).
    #[serde(default)]
    pub grade: Option<crate::vocab::protocol::Grade>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDosing {
    /// Which exercises the next session lists: the phase's program or the last session's.
    #[serde(default)]
    pub next_exercises: Option<NextExercises>,
    /// The dose change of a `progress` decision.
    #[serde(default)]
    pub progress: Option<RawDoseChange>,
    /// The dose change of a `regress` decision (and of a rest when a regress rule fired too).
    #[serde(default)]
    pub regress: Option<RawDoseChange>,
    /// Days between sessions when training goes on.
    #[serde(default, deserialize_with = "crate::vocab::quantity::days")]
    #[schemars(range(max = 365))]
    pub days_between_sessions: Option<u32>,
    /// Rest days before the next session after a `rest` decision (a rule may ask for more).
    #[serde(default, deserialize_with = "crate::vocab::quantity::days")]
    #[schemars(range(max = 365))]
    pub rest_days: Option<u32>,
    /// What a regress scales back: `all` exercises (the default), or only the `implicated`
    /// ones (stopped early, or not done without pain at the same dose in the past 14 days).
    #[serde(default)]
    pub scale_back: Option<crate::vocab::protocol::ScaleBack>,
    /// Days after one component (cardio, or strength and core) stepped up before the other
    /// may (e.g. 7: running and strength never progress in the same week). 0: no limit.
    #[serde(default, deserialize_with = "crate::vocab::quantity::days")]
    #[schemars(range(max = 365))]
    pub component_gap_days: Option<u32>,
    /// Days without an exercise after which it restarts lower, when the patient has not done it
    /// since (and for longer than twice their usual interval for it): e.g. 7, "after more than a
    /// week off". Absent or 0: a prescription is carried however long it goes undone.
    #[serde(default, deserialize_with = "crate::vocab::quantity::days")]
    #[schemars(range(max = 365))]
    pub detraining_after_days: Option<u32>,
    /// With `detraining_after_days`: one level (or one of the exercise's own regress steps) down
    /// per this many days off (e.g. 5, "drop back one step per 5 days off"; default 5).
    #[serde(default, deserialize_with = "crate::vocab::quantity::days_from_one")]
    #[schemars(range(min = 1, max = 365))]
    pub detraining_days_per_level: Option<u32>,
    /// Round planned minutes to this step (e.g. 0.5 for whole or half minutes).
    #[serde(default)]
    pub round_minutes: Option<crate::vocab::quantity::Tenths>,
}

/// A dose change: a move along the ladder, or arithmetic steps on the dose fields.
#[derive(Debug, Clone, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct RawDoseChange {
    /// Levels to move along the exercise's ladder (+1 up, -1 down).
    #[serde(default)]
    pub ladder: Option<Spanned<i32>>,
    #[serde(default)]
    pub sets: Option<Spanned<RawStep>>,
    #[serde(default)]
    pub reps: Option<Spanned<RawStep>>,
    #[serde(default)]
    pub hold_s: Option<Spanned<RawStep>>,
    #[serde(default)]
    pub load_kg: Option<Spanned<RawStep>>,
    #[serde(default)]
    pub minutes: Option<Spanned<RawStep>>,
}

/// One arithmetic step on a dose field. A step never moves a value past its bound and never
/// pulls a value that is already beyond it back.
#[derive(Debug, Clone, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    /// Amount to add (negative to subtract).
    #[serde(default)]
    pub add: Option<Tenths>,
    #[serde(default)]
    pub subtract: Option<Tenths>,
    /// Factor to multiply by, with up to three decimals (e.g. 1.1); rounded half up.
    #[serde(default)]
    pub multiply: Option<f64>,
    #[serde(default)]
    pub min: Option<Tenths>,
    #[serde(default)]
    pub max: Option<Tenths>,
    /// Changes applied instead when the value already sits at `max` (e.g. add a set).
    #[serde(default)]
    pub at_max: Option<Box<RawDoseChange>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPhase {
    pub id: Spanned<String>,
    pub title: String,
    #[serde(default)]
    pub goals: Vec<String>,
    /// Exercise template ids of this phase's program.
    pub exercises: Vec<Spanned<String>>,
    /// Exercises of which one is done per session, in turn (cross-training).
    #[serde(default)]
    pub rotate: Vec<Spanned<String>>,
    /// Exercises added for patients whose intake goals include the key (e.g. `running:
    /// [walk_jog_intervals]`: runners start with walk-jog intervals).
    #[serde(default)]
    pub goal_exercises: std::collections::BTreeMap<String, Vec<Spanned<String>>>,
    /// Minimum days in the phase before it can be left.
    #[serde(default, deserialize_with = "crate::vocab::quantity::days")]
    #[schemars(range(max = 365))]
    pub min_days: Option<u32>,
    /// What must hold to enter this phase (documentation; enforced by the previous exit).
    #[serde(default)]
    pub entry: Option<String>,
    /// The gate to the next phase.
    #[serde(default)]
    pub exit: Option<RawCriterion>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCriterion {
    pub description: String,
    /// A Rhai expression that yields true when the gate is met.
    pub when: Spanned<String>,
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTemplate {
    pub id: Spanned<String>,
    pub name: String,
    pub category: Category,
    pub impact: Impact,
    #[serde(default)]
    pub equipment: Vec<String>,
    #[serde(default)]
    pub muscles: Vec<String>,
    /// Form cues shown with the exercise.
    #[serde(default)]
    pub cues: Vec<String>,
    /// Progression levels, easiest first.
    #[schemars(length(min = 1))]
    pub ladder: Spanned<Vec<RawLevel>>,
    /// This exercise's own dose change on `progress`, replacing the protocol's (e.g. timed
    /// cardio grows by 10% instead of moving along a ladder).
    #[serde(default)]
    pub progress: Option<RawDoseChange>,
    /// This exercise's own dose change on `regress`.
    #[serde(default)]
    pub regress: Option<RawDoseChange>,
    /// Fewest days from one session of this exercise to the next: 2 keeps a rest day between
    /// (runs are never planned on consecutive days). The planner leaves the exercise out of a
    /// session that comes sooner.
    #[serde(default, deserialize_with = "crate::vocab::quantity::days")]
    #[schemars(range(max = 365))]
    pub min_days_between: Option<u32>,
    /// Fewest days at one level (or dose) before this exercise steps up again (e.g. 7 for
    /// weekly strength steps).
    #[serde(default)]
    pub min_days_per_level: Option<u32>,
    /// Sessions done at one level and dose, in a row, before a `progress` steps this exercise
    /// up (e.g. 2: each walk-jog stage at least twice). 1, the default: no such limit.
    #[serde(default, deserialize_with = "crate::vocab::quantity::days")]
    #[schemars(range(max = 365))]
    pub min_sessions_per_level: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLevel {
    pub name: String,
    pub dose: Spanned<RawDose>,
    #[serde(default)]
    pub cues: Vec<String>,
}

/// A prescribed dose. Walk-jog levels give `run_min`, `walk_min` and `rounds`.
#[derive(Debug, Clone, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct RawDose {
    #[serde(default)]
    pub sets: Option<u32>,
    #[serde(default)]
    pub reps: Option<u32>,
    #[serde(default)]
    pub hold_s: Option<u32>,
    #[serde(default)]
    pub load_kg: Option<Tenths>,
    #[serde(default)]
    pub minutes: Option<Tenths>,
    #[serde(default)]
    pub run_min: Option<Tenths>,
    #[serde(default)]
    pub walk_min: Option<Tenths>,
    #[serde(default)]
    pub rounds: Option<u32>,
}

/// A rule file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    pub rules: Vec<RawRule>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub id: Spanned<String>,
    pub description: String,
    /// Phases in which the rule applies; all phases when absent.
    #[serde(default)]
    pub phases: Option<Vec<Spanned<String>>>,
    /// A Rhai expression that yields true when the rule fires. Write it as a block (`|`).
    pub when: Spanned<String>,
    /// Further named conditions, all of which must hold as well (see `RawRuleCriterion`).
    #[serde(default)]
    pub criteria: Vec<RawRuleCriterion>,
    pub then: RawThen,
    /// The citation behind the rule.
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawThen {
    pub decision: Spanned<Decision>,
    /// What to tell the patient.
    #[serde(default)]
    pub patient: Option<String>,
    /// What the clinician should review.
    #[serde(default)]
    pub clinician: Option<String>,
    /// A dose change that replaces the protocol's default for this decision.
    #[serde(default)]
    pub dose: Option<RawDoseChange>,
    /// Rest days before the next session (for `rest`).
    #[serde(default, deserialize_with = "crate::vocab::quantity::days")]
    #[schemars(range(max = 365))]
    pub rest_days: Option<u32>,
    /// For `refer`: how soon (`urgent`: today; `routine`: before the next session; the default).
    #[serde(default)]
    pub urgency: Option<crate::vocab::decision::Urgency>,
    /// For `refer`: the referral stands until a session records a clinician's review with
    /// `cleared: true` (default `true`).
    #[serde(default)]
    pub sticky: Option<bool>,
}

/// A named condition of a rule: the rule fires only when all hold, and a `hold` with no rule
/// fired explains itself by the criteria of the nearest progress rule that were not met.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRuleCriterion {
    pub id: Spanned<String>,
    /// What the criterion asks, for the clinician ("two clean sessions at this level").
    pub description: String,
    /// The same in plain words for the patient, said when it is not met.
    #[serde(default)]
    pub patient: Option<String>,
    /// A Rhai expression that yields true when the criterion is met.
    pub when: Spanned<String>,
}
