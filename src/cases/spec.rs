//! The case file format (docs/cases.md): a YAML list of cases, each a name, a log (inline or
//! in a file beside the case file) and the expectations. The JSON Schema (`stepwise schema
//! case`) is generated from these types, so the documentation and the reader cannot drift.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::syntax::yaml::Spanned;
use crate::vocab::decision::{Decision, Urgency};

/// A case file: a list of cases.
pub type CaseFile = Vec<Case>;

/// One test case: a patient log and what the answer to it must say.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// A unique name, shown as `case NAME ... ok`; `stepwise test FILTER` runs the cases whose
    /// name contains FILTER.
    pub name: Spanned<String>,
    /// Why the case exists (not checked).
    #[serde(default)]
    #[allow(dead_code)] // read only so that the key is allowed
    pub description: Option<String>,
    /// The patient log, written inline: a mapping in the log format, or its text as a block
    /// string (`log: |`). Give either `log` or `log_file`.
    #[serde(default)]
    pub log: Option<serde_json::Value>,
    /// A patient log file (.yaml, .yml or .json), relative to the case file.
    #[serde(default)]
    pub log_file: Option<String>,
    /// What the answer must say. Only what is named is checked.
    pub expect: Expect,
}

/// The expectations of a case. Each is optional; an empty `expect` only checks that the log
/// is answered.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The decision: refer, rest, regress, hold or progress.
    #[serde(default)]
    pub decision: Option<Decision>,
    /// For a referral: urgent or routine.
    #[serde(default)]
    pub urgency: Option<Urgency>,
    /// The phase of the next session (after any phase change).
    #[serde(default)]
    pub phase: Option<String>,
    /// The phase change the last session made: `{from, to}`; `none` for no change.
    #[serde(default)]
    pub phase_change: Option<PhaseChangeExpect>,
    /// Rules that must fire (outvoted ones count: they fired).
    #[serde(default)]
    pub fired: Vec<String>,
    /// Rules that must not fire.
    #[serde(default)]
    pub not_fired: Vec<String>,
    /// The next session.
    #[serde(default)]
    pub next: Option<NextExpect>,
    /// Texts each of which some message (to the patient or the clinician) must contain.
    #[serde(default)]
    pub messages: Vec<String>,
}

/// A phase change, or none.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum PhaseChangeExpect {
    /// `none`: the last session changed no phase.
    None(NoChange),
    /// The phases left and entered.
    Change { from: String, to: String },
}

/// The word `none`.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum NoChange {
    None,
}

/// What the next session must hold.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NextExpect {
    /// `false`: no next session is planned (after refer); `true`: one is.
    #[serde(default)]
    pub planned: Option<bool>,
    /// Its date.
    #[serde(default)]
    pub date: Option<String>,
    /// Exercises it must list, by id, with the parts of the dose that must match (an empty
    /// mapping `{}` only requires the exercise).
    #[serde(default)]
    pub exercises: BTreeMap<String, DoseExpect>,
    /// Exercises it must not list.
    #[serde(default)]
    pub absent: Vec<String>,
}

/// Parts of an exercise's prescription; only those given are compared.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DoseExpect {
    /// The ladder level (1-based).
    #[serde(default)]
    pub level: Option<u32>,
    #[serde(default)]
    pub sets: Option<u32>,
    #[serde(default)]
    pub reps: Option<u32>,
    #[serde(default)]
    pub hold_s: Option<u32>,
    #[serde(default)]
    pub load_kg: Option<f64>,
    #[serde(default)]
    pub minutes: Option<f64>,
    #[serde(default)]
    pub run_min: Option<f64>,
    #[serde(default)]
    pub walk_min: Option<f64>,
    #[serde(default)]
    pub rounds: Option<u32>,
}

impl DoseExpect {
    /// (field, expected value) for each part given, in a fixed order.
    pub fn parts(&self) -> Vec<(&'static str, f64)> {
        let ints = [("level", self.level), ("sets", self.sets), ("reps", self.reps), ("hold_s", self.hold_s)];
        let mut out: Vec<(&'static str, f64)> = ints.iter().filter_map(|(k, v)| v.map(|v| (*k, f64::from(v)))).collect();
        for (k, v) in [("load_kg", self.load_kg), ("minutes", self.minutes), ("run_min", self.run_min), ("walk_min", self.walk_min)] {
            if let Some(v) = v {
                out.push((k, v));
            }
        }
        if let Some(r) = self.rounds {
            out.push(("rounds", f64::from(r)));
        }
        out
    }
}
