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

Exit codes: 0 ok · 1 check found problems · 2 usage or I/O error · 3 protocol invalid ·
4 a patient log is invalid or could not be evaluated.
Every answer is a suggestion for a clinician to review.";

#[derive(Debug, Parser)]
#[command(name = "stepwise", version, about = "Rule engine for rehabilitation exercise progression: reads a patient's exercise log and suggests the next step", after_help = AFTER_HELP)]
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BatchFormat {
    /// One JSON answer or error record per line
    Jsonl,
    /// A flat table for a spreadsheet
    Csv,
}

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// JSON Lines files, folders of .yaml/.yml/.json logs, single logs, or - for stdin
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub protocol: ProtocolArg,
    /// Write results here (atomically: a temporary name, renamed when complete) [default: stdout]
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
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A patient log, or for a cohort: JSON Lines files, folders of logs, logs, or - for stdin
    #[arg(required = true)]
    pub logs: Vec<PathBuf>,
    #[command(flatten)]
    pub protocol: ProtocolArg,
    /// Write the HTML here (atomically: a temporary name, renamed when complete) [default: stdout]
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
    /// Diagnostic format
    #[arg(long, value_enum, default_value_t = DiagnosticFormat::Human)]
    pub format: DiagnosticFormat,
    /// Fail on warnings too
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// A file under plans/
    Plan,
    /// A file under rules/
    Rule,
    /// A patient log
    Log,
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
