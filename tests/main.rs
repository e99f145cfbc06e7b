//! The single integration-test binary: it runs the real `stepwise` binary as a user does.

mod support;

mod batch;
mod check;
mod clinical;
mod diagnostics;
mod examples;
mod fuzz_regressions;
mod hardening;
mod hip_rules;
mod library;
mod list;
mod next;
mod props;
mod readme;
mod reference;
mod scenarios;
mod schema;
mod stream;
