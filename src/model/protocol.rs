//! A checked protocol: manifest, parameters, dosing, phases, exercise templates and rules,
//! with every reference resolved to an index.

use serde::{Deserialize, Serialize};

use super::dose::{Dose, DoseChange};
use crate::source::{Loc, Place, SourceId};
use crate::vocab::decision::Decision;
use crate::vocab::protocol::{Category, Grade, Impact, NextExercises, ParamValue, ScaleBack, Status};
use crate::vocab::quantity::Date;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub id: String,
    /// Where the id is written.
    pub at: Place,
    pub version: String,
    pub title: String,
    pub status: Status,
    pub authors: Vec<String>,
    pub reviewers: Vec<String>,
    pub effective: Option<Date>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Parameter {
    pub id: String,
    pub at: Place,
    pub value: ParamValue,
    pub description: String,
    pub unit: Option<String>,
    pub source: Option<String>,
    pub grade: Option<Grade>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Dosing {
    pub next_exercises: NextExercises,
    pub progress: DoseChange,
    pub regress: DoseChange,
    pub days_between_sessions: u32,
    pub rest_days: u32,
    pub scale_back: ScaleBack,
    pub component_gap_days: u32,
    pub round_minutes: Option<crate::vocab::quantity::Tenths>,
    /// Days off an exercise after which it restarts lower; 0: never.
    pub detraining_after_days: u32,
    /// Days off per level stepped down (at least 1).
    pub detraining_days_per_level: u32,
}

/// Script text with the place it was written, so compile and run errors point into the file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Script {
    pub text: String,
    pub source: SourceId,
    pub loc: Loc,
    /// Whether the text is a literal block (`|`), where Rhai's positions map exactly.
    pub block: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Criterion {
    pub description: String,
    pub script: Script,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Phase {
    pub id: String,
    pub at: Place,
    pub title: String,
    pub goals: Vec<String>,
    pub exercises: Vec<usize>,
    pub rotate: Vec<usize>,
    /// (goal, exercises) added when the patient's intake goals include the goal.
    pub goal_exercises: Vec<(String, Vec<usize>)>,
    /// Every exercise the phase names (in `exercises`, `rotate` and `goal_exercises`), with
    /// where it is named.
    pub uses: Vec<(usize, Place)>,
    pub min_days: u32,
    pub entry: Option<String>,
    pub exit: Option<Criterion>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Level {
    pub name: String,
    pub dose: Dose,
    /// Where the dose is written.
    pub at: Place,
    pub cues: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Template {
    pub id: String,
    pub at: Place,
    pub name: String,
    pub category: Category,
    pub impact: Impact,
    pub equipment: Vec<String>,
    pub muscles: Vec<String>,
    pub cues: Vec<String>,
    pub ladder: Vec<Level>,
    pub progress: Option<DoseChange>,
    pub regress: Option<DoseChange>,
    /// Fewest days between two sessions of this exercise (0 or 1: no constraint).
    pub min_days_between: u32,
    /// Fewest days at one level before stepping up again (0: no limit).
    pub min_days_per_level: u32,
    /// Fewest sessions in a row at one level and dose before stepping up (1: no limit).
    pub min_sessions_per_level: u32,
}

/// A named condition of a rule (see `syntax::protocol::RawRuleCriterion`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RuleCriterion {
    pub id: String,
    pub description: String,
    pub patient: Option<String>,
    pub script: Script,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rule {
    pub id: String,
    pub at: Place,
    pub description: String,
    /// Phase indices; `None` = every phase.
    pub phases: Option<Vec<usize>>,
    pub when: Script,
    pub decision: Decision,
    pub patient: Option<String>,
    pub clinician: Option<String>,
    pub dose: Option<DoseChange>,
    pub rest_days: Option<u32>,
    pub source: Option<String>,
    /// Further conditions that must all hold.
    pub criteria: Vec<RuleCriterion>,
    /// For `refer`: how soon.
    pub urgency: Option<crate::vocab::decision::Urgency>,
    /// For `refer`: stands until a clinician's review clears it.
    pub sticky: bool,
}

impl Rule {
    /// The rule's condition and its criteria.
    pub fn scripts(&self) -> impl Iterator<Item = &Script> {
        std::iter::once(&self.when).chain(self.criteria.iter().map(|c| &c.script))
    }
}

/// A `.rhai` file of helper functions that rules and gates may call.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Helper {
    pub path: String,
    pub script: Script,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Protocol {
    pub manifest: Manifest,
    pub parameters: Vec<Parameter>,
    pub dosing: Dosing,
    pub phases: Vec<Phase>,
    pub templates: Vec<Template>,
    pub rules: Vec<Rule>,
    pub helpers: Vec<Helper>,
    /// `sha256:` over the protocol's files (see `load::digest`).
    pub digest: String,
    /// Where it was loaded from: `embedded`, or the folder.
    pub origin: String,
    /// The git commit of the protocol folder, when it is in a repository (set after loading,
    /// never part of the precompiled embedded model).
    #[serde(skip)]
    pub git: Option<crate::provenance::GitRef>,
}

impl Protocol {
    pub fn template_index(&self, id: &str) -> Option<usize> {
        self.templates.iter().position(|t| t.id == id)
    }

    pub fn phase_index(&self, id: &str) -> Option<usize> {
        self.phases.iter().position(|p| p.id == id)
    }

    /// The id of phase `i`, an index the checker resolved; empty for an index out of range,
    /// which a checked protocol never hands out.
    pub fn phase_id(&self, i: usize) -> &str {
        self.phases.get(i).map_or("", |p| p.id.as_str())
    }
}
