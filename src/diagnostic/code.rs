//! Stable diagnostic codes. A code never changes meaning once released; each is documented
//! with what it means, why it matters and an example in `docs/diagnostics.md`.
//!
//! Groups: `E01xx` file structure, `E02xx` references, `E03xx` scripts, `E04xx` protocol
//! values, `W05xx` protocol lints (warnings), `E06xx` patient logs.

use super::Severity;

macro_rules! codes {
    ($($variant:ident = $id:literal, $name:literal, $sev:ident;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant,)* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable id, e.g. `E0103`.
            pub fn id(self) -> &'static str {
                match self { $(Code::$variant => $id,)* }
            }

            /// The kebab-case name, e.g. `unknown-key`.
            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$sev,)* }
            }
        }
    };
}

codes! {
    YamlSyntax = "E0101", "yaml-syntax", Error;
    InvalidValue = "E0102", "invalid-value", Error;
    UnknownKey = "E0103", "unknown-key", Error;
    MissingField = "E0104", "missing-field", Error;
    DuplicateKey = "E0105", "duplicate-key", Error;
    DuplicateId = "E0106", "duplicate-id", Error;
    MissingManifest = "E0107", "missing-manifest", Error;
    UnknownExercise = "E0201", "unknown-exercise", Error;
    UnknownPhase = "E0202", "unknown-phase", Error;
    UnknownParameter = "E0203", "unknown-parameter", Error;
    UnknownFunction = "E0204", "unknown-function", Error;
    UnknownLogField = "E0205", "unknown-log-field", Error;
    ScriptSyntax = "E0301", "script-syntax", Error;
    UnknownVariable = "E0302", "unknown-variable", Error;
    NotBoolean = "E0303", "not-boolean", Error;
    ScriptRuntime = "E0304", "script-runtime", Error;
    InvalidVersion = "E0401", "invalid-version", Error;
    EmptyLadder = "E0402", "empty-ladder", Error;
    InvalidDoseStep = "E0403", "invalid-dose-step", Error;
    ActiveWithoutReviewer = "E0404", "active-without-reviewer", Error;
    ParameterNotANumber = "E0405", "parameter-not-a-number", Error;
    UnreachablePhase = "W0501", "unreachable-phase", Warning;
    UnusedExercise = "W0502", "unused-exercise", Warning;
    DecreasingLadder = "W0503", "decreasing-ladder", Warning;
    PhaseWithoutExit = "W0504", "phase-without-exit", Warning;
    RuleNeverInScope = "W0505", "rule-never-in-scope", Warning;
    DuplicateCondition = "W0506", "duplicate-condition", Warning;
    UnusedParameter = "W0507", "unused-parameter", Warning;
    RedFlagNotReferred = "W0508", "red-flag-not-referred", Warning;
    ProgressWithoutPain = "W0509", "progress-without-pain", Warning;
    EarlyHighImpact = "W0510", "early-high-impact", Warning;
    MissingSource = "W0511", "missing-source", Warning;
    ScriptNotBlock = "W0512", "script-not-block", Warning;
    VersionNotRaised = "W0513", "version-not-raised", Warning;
    ParameterOffScale = "W0514", "parameter-off-scale", Warning;
    DoseChangeBackwards = "W0515", "dose-change-backwards", Warning;
    UnclearedNotReferred = "W0516", "uncleared-not-referred", Warning;
    ParameterWithoutUnit = "W0517", "parameter-without-unit", Warning;
    LogInvalidValue = "E0601", "log-invalid-value", Error;
    DatesOutOfOrder = "E0602", "dates-out-of-order", Error;
    LogUnknownExercise = "E0603", "log-unknown-exercise", Error;
    DateBeforeStart = "E0604", "date-before-start", Error;
    LogUnknownPhase = "E0605", "log-unknown-phase", Error;
    LogSyntax = "E0606", "log-syntax", Error;
    LogUnknownField = "E0607", "log-unknown-field", Error;
    LogMissingField = "E0608", "log-missing-field", Error;
    LogUnreadable = "E0609", "log-unreadable", Error;
}
