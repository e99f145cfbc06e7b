//! A checked patient log: dates strictly increasing and not before the start, every exercise
//! id resolved to a template of the protocol, every override phase resolved.

use std::collections::BTreeMap;

use super::dose::Dose;
use crate::vocab::log::{Intake, Pain, Review, SessionKind, Symptom};
use crate::vocab::quantity::{Date, Rating};
use compact_str::CompactString;

/// One exercise as performed, with its template resolved.
#[derive(Debug, Clone)]
pub struct Performed {
    pub id: CompactString,
    pub template: usize,
    pub dose: Dose,
    pub completed: bool,
    /// 0-based ladder level when the log records it.
    pub level: Option<usize>,
    /// Less than half the dose of its ladder level (`Dose::is_token`): listed, but too little
    /// to count as done.
    pub token: bool,
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
