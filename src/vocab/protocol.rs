//! A protocol's closed vocabularies: status, exercise category and impact, evidence grade,
//! what a regress scales back, which exercises come next, and the values a parameter may hold.
//! Shared by `syntax` (the raw files deserialise straight into them) and `model`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Active,
    Retired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Mobility,
    Strength,
    Core,
    Cardio,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Impact {
    Low,
    High,
}

/// Which exercises the next session lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NextExercises {
    /// The current phase's program, each at the level the patient has reached.
    #[default]
    Phase,
    /// The exercises of the last session, in its order, with the dose change applied.
    LastSession,
}

/// The strength of a parameter's source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Grade {
    /// A trial, guideline or clinic protocol.
    Primary,
    /// A summary, review or practitioner source.
    Secondary,
    /// A choice of the protocol's authors.
    Project,
}

/// What a regress scales back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScaleBack {
    /// Every exercise of the next session.
    #[default]
    All,
    /// The exercises that carry the pain: those stopped early, else those of the last session
    /// not done without pain at the same or a higher dose in the past 14 days (all of the last
    /// session's when that leaves none).
    Implicated,
}

/// A value a parameter may hold.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(untagged)]
pub enum ParamValue {
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
}
