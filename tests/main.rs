//! The single integration-test binary: it runs the real `stepwise` binary as a user does.

// Test code may unwrap and index: a panic here is a failing test or bench, not a crash on
// user input (the crate's `[lints.clippy]` refuse them everywhere else). It may drop a result
// (`let _ = child.kill()` cleaning up after a test), build its expectations with `format!`,
// and name fixture files by their exact extension.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::let_underscore_must_use,
    clippy::format_push_string,
    clippy::case_sensitive_file_extension_comparisons
)]

mod support;

mod architecture;
mod batch;
mod check;
mod clinical;
mod cohort;
mod diagnostics;
mod diff;
mod examples;
mod fuzz_regressions;
mod hardening;
mod hip_rules;
mod init;
mod library;
mod list;
mod next;
mod props;
mod protocol_cases;
mod provenance;
mod readme;
mod readme_walkthrough;
mod reference;
mod report;
mod report_browser;
mod scenarios;
mod schema;
mod snapshots;
mod stream;
