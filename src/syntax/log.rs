//! A patient log as a clinic exports it (`../shared/spec/patient-log.md`, plus the documented
//! extensions: an exercise's `level`). Unknown keys are errors, never silently ignored.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::Spanned;
use crate::vocab::log::{Intake, Pain, Review, SessionKind, Symptom};
use crate::vocab::quantity::{self, Date, Rating, Tenths};
use compact_str::CompactString;

/// One patient's exercise log.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLog {
    /// An opaque patient id, never a name.
    pub patient: Spanned<String>,
    /// The protocol id this log follows (checked against the protocol when present).
    #[serde(default)]
    pub protocol: Option<Spanned<String>>,
    /// The date the program began.
    pub start: Spanned<Date>,
    /// Screening before the first session.
    #[serde(default)]
    pub intake: Option<Intake>,
    /// Sessions, oldest first; dates strictly increasing.
    #[serde(default)]
    pub sessions: Option<Vec<RawSession>>,
}

/// One logged day: an exercise session, a rest day or a check-in.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSession {
    pub date: Spanned<Date>,
    #[serde(default)]
    pub kind: Option<SessionKind>,
    #[serde(default)]
    pub pain: Option<Pain>,
    /// Rating of perceived exertion, 0-10.
    #[serde(default)]
    pub fatigue: Option<Rating>,
    /// Range of motion in degrees, by joint motion (e.g. `hip_flexion`).
    #[serde(default, deserialize_with = "quantity::rom_map")]
    #[schemars(with = "Option<BTreeMap<String, f64>>")]
    pub rom: Option<BTreeMap<CompactString, f64>>,
    /// A clinic's own numeric measures (e.g. `single_leg_stance_s`).
    #[serde(default, deserialize_with = "quantity::measures_map")]
    #[schemars(with = "Option<BTreeMap<String, f64>>")]
    pub measures: Option<BTreeMap<CompactString, f64>>,
    #[serde(default, deserialize_with = "quantity::symptoms")]
    #[schemars(length(max = 50))]
    pub symptoms: Option<Vec<Symptom>>,
    /// What was actually done.
    #[serde(default, deserialize_with = "quantity::exercises")]
    #[schemars(length(max = 100))]
    pub exercises: Option<Vec<RawExercise>>,
    /// A clinician decision the engine must respect.
    #[serde(default, rename = "override")]
    pub override_: Option<RawOverride>,
    /// Contract 1.1: a clinician's review; `cleared: true` closes an open referral.
    #[serde(default)]
    pub review: Option<Review>,
    /// Free text for people: no rule reads it; the answer shows the clinician every note
    /// since the last review.
    #[serde(default)]
    pub notes: Option<String>,
}

/// One exercise as performed.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExercise {
    /// An exercise template id of the protocol (kept inline: no allocation for ids up to 24 bytes).
    #[schemars(with = "String")]
    pub id: Spanned<CompactString>,
    #[serde(default, deserialize_with = "quantity::sets")]
    #[schemars(range(max = 100))]
    pub sets: Option<u32>,
    #[serde(default, deserialize_with = "quantity::reps")]
    #[schemars(range(max = 1000))]
    pub reps: Option<u32>,
    /// Seconds held per repetition.
    #[serde(default, deserialize_with = "quantity::hold_s")]
    #[schemars(range(max = 3600))]
    pub hold_s: Option<u32>,
    #[serde(default, deserialize_with = "quantity::load_kg")]
    pub load_kg: Option<Tenths>,
    #[serde(default, deserialize_with = "quantity::minutes")]
    pub minutes: Option<Tenths>,
    /// `false` when the exercise was stopped early.
    #[serde(default)]
    pub completed: Option<bool>,
    /// Extension: the ladder level done (1 = the first), when the clinic records it.
    #[serde(default)]
    pub level: Option<Spanned<quantity::Level>>,
}

/// A clinician's decision recorded in the log.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOverride {
    /// Pin the phase from this session on.
    #[serde(default)]
    pub phase: Option<Spanned<String>>,
    #[serde(default)]
    pub note: Option<String>,
}
