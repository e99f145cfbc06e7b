//! The answer to "what next?", as rendered by `next` and written by `batch`. Its JSON form
//! follows the data contract (`../shared/spec/patient-log.md`), with documented additions.
//! Field order is fixed by the struct; maps are ordered, so output is byte-deterministic.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::dose::Dose;
use crate::vocab::decision::{Decision, Urgency};
use crate::vocab::quantity::Date;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProtocolRef {
    pub id: String,
    pub version: String,
    pub digest: String,
    /// Where the protocol was loaded from: `embedded`, or its folder.
    pub from: String,
    /// For a folder in a git repository: the commit checked out and whether the protocol's
    /// files differ from it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub git: Option<crate::provenance::GitRef>,
}

impl ProtocolRef {
    /// The provenance every output carries.
    pub fn of(p: &crate::model::protocol::Protocol) -> ProtocolRef {
        ProtocolRef {
            id: p.manifest.id.clone(),
            version: p.manifest.version.clone(),
            digest: p.digest.clone(),
            from: p.origin.clone(),
            git: p.git.clone(),
        }
    }
}

/// A rule that fired, with what it said and the values that decided it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Reason {
    pub rule: String,
    pub decision: Decision,
    pub message: String,
    /// A more conservative rule decided: this rule fired but its decision does not apply.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub outvoted: bool,
    /// For a referral: how soon.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub urgency: Option<Urgency>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Log values and parameters the rule read, e.g. `"last.pain.during": 5`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub inputs: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NextExercise {
    pub id: String,
    pub name: String,
    /// 1-based ladder level, when the dose comes from the ladder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level_name: Option<String>,
    #[serde(flatten)]
    pub dose: Dose,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cues: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NextSession {
    pub date: Date,
    pub kind: &'static str,
    pub exercises: Vec<NextExercise>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Messages {
    pub patient: Vec<String>,
    pub clinician: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PhaseChange {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Override {
    pub date: Date,
    pub phase: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A referral that stands until a clinician's review clears it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OpenReferral {
    /// The session whose answer referred.
    pub date: Date,
    /// The referring rules of that answer.
    pub rules: Vec<String>,
    /// The symptoms recorded that day.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub symptoms: Vec<String>,
    pub urgency: Urgency,
}

/// A clinician's review recorded in the log.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ReviewRef {
    pub date: Date,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub cleared: bool,
}

/// A criterion of a progress rule that was not met: why a hold with no rule fired holds.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Unmet {
    pub rule: String,
    pub criterion: String,
    pub description: String,
}

/// A note of the log, shown to the clinician (rules never read notes).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Note {
    pub date: Date,
    pub text: String,
}

/// The decision after one session of the log (`--timeline`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TimelineEntry {
    pub date: Date,
    pub phase: String,
    pub decision: Decision,
    pub rules: Vec<String>,
}

/// One rule considered for the last session (`--explain`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TraceEntry {
    pub rule: String,
    /// `fired`, `not fired` or `out of phase`.
    pub outcome: &'static str,
    pub decision: Decision,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub inputs: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Answer {
    pub patient: String,
    pub as_of: Date,
    pub protocol: ProtocolRef,
    pub stepwise: &'static str,
    pub phase: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase_change: Option<PhaseChange>,
    #[serde(rename = "override", skip_serializing_if = "Option::is_none")]
    pub override_: Option<Override>,
    pub decision: Decision,
    /// For `refer`: `urgent` (contact a provider today) or `routine` (before the next session).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub urgency: Option<Urgency>,
    /// A referral still open: every answer refers until a clinician's review clears it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_referral: Option<OpenReferral>,
    /// The last clinician review in the log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_review: Option<ReviewRef>,
    pub reasons: Vec<Reason>,
    /// For a hold with no rule fired: the criteria of the nearest progress rule not yet met.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_met: Vec<Unmet>,
    /// `null` after `refer`: the next session is for a provider to plan.
    pub next_session: Option<NextSession>,
    pub messages: Messages,
    /// Every note since the last review, for the clinician.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Vec<TimelineEntry>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<Vec<TraceEntry>>,
}
