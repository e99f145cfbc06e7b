//! The command line (clap derive). Help texts are the user manual's first page: each command
//! says what it does and shows an example.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::diagnostic::render::DiagnosticFormat;

const AFTER_HELP: &str = "\
Examples:
  stepwise next examples/01-walking-progress.yaml
  stepwise next patient.yaml --format json --explain
  stepwise check --protocol my-clinic-protocol/
  stepwise batch logs/ -o results.jsonl
  stepwise report patient.yaml -o report.html

Exit codes: 0 ok · 1 check found problems or a test case failed · 2 usage or I/O error · 3 protocol invalid ·
4 a patient log is invalid or could not be evaluated.
Every answer is a suggestion for a clinician to review.";

/// `stepwise --version`: the engine's version and the embedded protocol it answers with when no
/// other is found (stamped at build time by build.rs).
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (embedded protocol ", env!("STEPWISE_EMBEDDED_PROTOCOL"), ")");

#[derive(Debug, Parser)]
#[command(name = "stepwise", version = VERSION, about = "Rule engine for rehabilitation exercise progression: reads a patient's exercise log and suggests the next step", after_help = AFTER_HELP)]
pub struct Cli {
    /// When to colour diagnostics
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// How to show problems in logs and protocols on stderr (`check` has its own --format)
    #[arg(long, global = true, value_enum, default_value_t = DiagnosticFormat::Human)]
    pub message_format: DiagnosticFormat,
    #[command(subcommand)]
    pub command: Command,
}

// The doc comments are `--help` text, where backticks would show.
#[allow(clippy::doc_markdown)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stderr is a terminal and NO_COLOR is not set
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct ProtocolArg {
    /// Protocol folder holding plans/ and rules/ [default: the embedded hip protocol]
    #[arg(long, value_name = "DIR")]
    pub protocol: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Answer the next step for one patient log
    #[command(after_help = "Example:\n  stepwise next examples/01-walking-progress.yaml --explain\n\n\
        The answer: the decision (refer, rest, regress, hold or progress), the phase, every rule\n\
        that fired with its message and source, and the next session with its exercises and doses.")]
    Next(NextArgs),
    /// Evaluate many patient logs (JSON Lines, folders, files or - for stdin)
    #[command(
        after_help = "Examples:\n  stepwise batch cohort.jsonl -o results.jsonl\n  stepwise batch logs/ --format csv -o results.csv\n  cat cohort.jsonl | stepwise batch - > results.jsonl\n\n\
        One record per input log, in input order: the answer `next --format json` gives, or an\n\
        error record. Exit code 4 when some logs were errors (all others are still answered)."
    )]
    Batch(BatchArgs),
    /// Check a protocol (and optionally patient logs) and report every problem
    #[command(
        after_help = "Examples:\n  stepwise check\n  stepwise check --protocol clinic-protocol/ --deny-warnings\n  stepwise check --log patient.yaml --format json"
    )]
    Check(CheckArgs),
    /// Run the protocol's test cases (cases/ beside plans/ and rules/)
    #[command(
        after_help = "Examples:\n  stepwise test\n  stepwise test flare --protocol clinic-protocol/\n  stepwise test --coverage --min-coverage 100\n\n\
        Each case in cases/*.yaml names a patient log and what the answer must say (docs/cases.md).\n\
        Exit code 1 when a case fails or coverage is below --min-coverage."
    )]
    Test(TestArgs),
    /// Compare what two protocols answer for the same patient logs
    #[command(
        after_help = "Examples:\n  stepwise diff old-protocol/ new-protocol/ logs/\n  stepwise diff HEAD~1 HEAD cohort.jsonl --format markdown\n  stepwise diff --base main logs/ --fail-on-change\n\n\
        OLD and NEW are protocol folders or git revisions of the repository holding the protocol\n\
        (--protocol DIR, else the one found from here). Every patient whose decision, phase, rules\n\
        fired or next session changes is listed, then a summary. Exit code 1 with --fail-on-change\n\
        when anything changed."
    )]
    Diff(DiffArgs),
    /// Start a protocol repository: a copy of the default protocol with its test cases
    #[command(after_help = "Example:\n  stepwise init clinic-protocol\n\n\
        Writes plans/, rules/, cases/, examples/, docs/schema/, a README for clinicians, a\n\
        .gitignore and a CI workflow (.github/workflows/protocol.yml). DIR must be new or empty.")]
    Init(InitArgs),
    /// Write an HTML report: one patient's course and handout, or a cohort page
    #[command(
        after_help = "Examples:\n  stepwise report patient.yaml -o report.html\n  stepwise report logs/ cohort.jsonl -o cohort.html\n\n\
        One log file gives the patient's page (header, charts, handout, clinician section); several\n\
        logs, a folder or JSON Lines give a cohort page with one row per patient. The page is one\n\
        self-contained HTML file: nothing is fetched from the network."
    )]
    Report(ReportArgs),
    /// Print the JSON Schema of a file kind, for editor completion
    #[command(after_help = "Example:\n  stepwise schema rule > rule.schema.json\n\n\
        Then start a rule file with\n  # yaml-language-server: $schema=rule.schema.json")]
    Schema(SchemaArgs),
    /// List the protocol's rules, parameters, exercises or phases
    #[command(after_help = "Examples:\n  stepwise list rules\n  stepwise list params --protocol clinic-protocol/")]
    List(ListArgs),
    /// Print the documentation of a diagnostic code (like `rustc --explain`)
    #[command(after_help = "Example:\n  stepwise explain E0203")]
    Explain {
        /// A code such as E0203 or W0508 (or its name, e.g. unknown-parameter)
        code: String,
    },
    /// Print shell completions
    #[command(after_help = "Example:\n  stepwise completions bash > ~/.local/share/bash-completion/completions/stepwise")]
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
}

pub use crate::engine::AnswerFormat;

#[derive(Debug, Args)]
pub struct NextArgs {
    /// The patient log (.yaml, .yml or .json)
    pub log: PathBuf,
    #[command(flatten)]
    pub protocol: ProtocolArg,
    /// Output format
    #[arg(long, value_enum, default_value_t = AnswerFormat::Text)]
    pub format: AnswerFormat,
    /// Also show every rule considered, whether it fired, and the values that decided it
    #[arg(long)]
    pub explain: bool,
    /// Also give the decision after each session of the log
    #[arg(long)]
    pub timeline: bool,
    /// Report at most N errors of a bad log [default: every one]
    #[arg(long, value_name = "N", value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub max_errors: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BatchFormat {
    /// One JSON answer or error record per line
    Jsonl,
    /// A flat table for a spreadsheet
    Csv,
}

// Each bool is one independent `--flag` of the command line.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// JSON Lines files, folders of .yaml/.yml/.json logs, single logs, or - for stdin
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub protocol: ProtocolArg,
    /// Write results here (atomically: a temporary name, renamed when complete; `-`: stdout) [default: stdout]
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = BatchFormat::Jsonl)]
    pub format: BatchFormat,
    /// Worker threads [default: the number of cores; at most 4 per core]
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// No progress bar and no summary on stderr
    #[arg(short, long)]
    pub quiet: bool,
    /// Write the summary as JSON to this file
    #[arg(long, value_name = "FILE")]
    pub summary_json: Option<PathBuf>,
    /// Include each answer's timeline
    #[arg(long)]
    pub timeline: bool,
    /// Include each answer's trace
    #[arg(long)]
    pub explain: bool,
    /// Add the log's `source` (file, and line for JSON Lines) to every answer record too
    #[arg(long)]
    pub source: bool,
    /// Report at most N errors of a bad log [default: every one]
    #[arg(long, value_name = "N", value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub max_errors: Option<usize>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A patient log, or for a cohort: JSON Lines files, folders of logs, logs, or - for stdin
    #[arg(required = true)]
    pub logs: Vec<PathBuf>,
    #[command(flatten)]
    pub protocol: ProtocolArg,
    /// Write the HTML here (atomically: a temporary name, renamed when complete; `-`: stdout) [default: stdout]
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// A cohort page even for a single log
    #[arg(long)]
    pub cohort: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub protocol: ProtocolArg,
    /// Also check these patient logs against the protocol
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub log: Vec<PathBuf>,
    /// Diagnostic format [default: --message-format, else human]
    #[arg(long, value_enum)]
    pub format: Option<DiagnosticFormat>,
    /// Fail on warnings too
    #[arg(long)]
    pub deny_warnings: bool,
    /// Warn when the protocol's files changed since this git revision but its version did not
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Report at most N errors of a bad log [default: every one]
    #[arg(long, value_name = "N", value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub max_errors: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// A file under plans/
    Plan,
    /// A file under rules/
    Rule,
    /// A patient log
    Log,
    /// A test case file under cases/
    Case,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create (new or empty)
    pub dir: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Per patient, then a summary
    Text,
    /// One JSON object
    Json,
    /// Tables for a pull request comment
    Markdown,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// OLD and NEW (protocol folders or git revisions), then logs as `batch` takes them; with --base, only the logs
    #[arg(required = true, value_name = "OLD NEW LOGS")]
    pub args: Vec<PathBuf>,
    /// Compare the working tree's protocol (NEW) with this git revision (OLD)
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// The protocol folder (its git repository holds the revisions) [default: the one found from here]
    #[command(flatten)]
    pub protocol: ProtocolArg,
    /// Output format
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Exit 1 when any patient's answer changed
    #[arg(long)]
    pub fail_on_change: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// Like cargo test
    Text,
    /// One JSON object
    Json,
}

/// A percentage from 0 to 100.
fn percent(s: &str) -> Result<f64, String> {
    match s.trim_end_matches('%').parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err(format!("expected a percentage from 0 to 100, got `{s}`")),
    }
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Run only the cases whose name contains this text
    pub filter: Option<String>,
    #[command(flatten)]
    pub protocol: ProtocolArg,
    /// Output format
    #[arg(long, value_enum, default_value_t = TestFormat::Text)]
    pub format: TestFormat,
    /// Also report which cases fire each rule and pass each phase gate
    #[arg(long)]
    pub coverage: bool,
    /// Fail (exit 1) when the cases cover less than PCT percent of rules and phase gates
    #[arg(long, value_name = "PCT", value_parser = percent)]
    pub min_coverage: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListKind {
    /// Rules in evaluation order, with their decision, phases and urgency
    Rules,
    /// Parameters with value, unit and grade
    Params,
    /// Exercise templates with category, impact and ladder levels
    Exercises,
    /// Phases in order, with minimum days and exercises
    Phases,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// What to list
    #[arg(value_enum)]
    pub kind: ListKind,
    #[command(flatten)]
    pub protocol: ProtocolArg,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which file kind
    #[arg(value_enum)]
    pub kind: SchemaKind,
}
