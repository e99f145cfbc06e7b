//! Protocol test cases: a clinician's own regression suite, kept beside the protocol in
//! `cases/` (docs/cases.md). A case names a patient log and what the answer must say; only
//! what a case names is checked. `stepwise test` runs them and measures coverage.

pub mod coverage;
pub mod expect;
pub mod files;
pub mod spec;
