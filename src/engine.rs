//! The library's front door: load a protocol once (embedded, a folder, or found from the
//! current folder), see its diagnostics, and answer any number of patient logs with it.
//!
//! Everything a user of the crate needs goes through [`Protocol`]: the CLI's `next`, `batch`,
//! `check`, `test`, `diff` and `report`, the tests, the benches and the Python binding all say
//! "answer this log" the same way, so none of them can drift from another.
//!
//! ```
//! let protocol = stepwise::Protocol::embedded().expect("the embedded protocol is valid");
//! let log = "patient: p1\nstart: 2026-01-05\nsessions: []\n";
//! let answer = protocol.answer_text("p1.yaml", log, &stepwise::Options::default()).unwrap();
//! assert_eq!(answer.patient, "p1");
//! ```

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::check;
use crate::diagnostic::render::{DiagnosticFormat, render};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::error::Error;
use crate::eval::answer::ProtocolRef;
use crate::eval::{Answer, EvalError, EvalOptions, evaluate};
use crate::load::{self, LoadedFiles};
use crate::script::CompiledProtocol;
use crate::source::{SourceId, SourceMap};

pub use crate::check::log::LogFormat;
pub use crate::load::log_text::{Origin, TextError, read_log_text};

/// The pipeline up to a compiled protocol: check (the model, and the static checks of its
/// scripts), compile the scripts, then, once there is no error, the lints (on a protocol with
/// errors their warnings mostly echo them: a misspelt exercise id leaves the real exercise
/// unused, a rule calling an unknown function seems to read nothing). Returns the compiled
/// protocol when there are no errors (warnings do not block) and every diagnostic found. The
/// only caller of these stages, so they run in one order for every caller.
pub(crate) fn check_and_compile(sources: &SourceMap, files: &LoadedFiles, lints: check::Lints) -> (Option<CompiledProtocol>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let Some(protocol) = check::protocol(sources, files, &mut diags) else {
        return (None, diags);
    };
    let compiled = crate::script::compile::compile(sources, protocol, &mut diags, |script, what, diags| {
        check::yields::check(sources, script, what, diags);
    });
    if diags.has_errors() {
        return (None, diags);
    }
    if let (Some(c), check::Lints::Run) = (&compiled, lints) {
        let unnamed = check::lint::lint(sources, &c.protocol, &mut diags);
        let mut failed = None;
        let probing = crate::eval::probe::Probing::new(crate::eval::probe::budget());
        crate::eval::probe::red_flags(c, &unnamed, &mut diags, &mut failed, &probing);
        crate::eval::probe::not_cleared(c, &mut diags, &mut failed, &probing);
        if probing.ran_out() && failed.is_none() {
            let p = &c.protocol;
            diags.push(
                Diagnostic::new(
                    Code::ScriptRuntime,
                    format!(
                        "the red-flag probes ran past check's budget of {} s: the protocol's referrals were not all checked",
                        crate::eval::probe::budget().as_secs()
                    ),
                )
                .at(p.manifest.at.source, p.manifest.at.loc)
                .label("in this protocol")
                .note("check answers a few hundred small logs (each red flag in each phase, in five shapes); here answering them took longer than six logs' script budget")
                .help("find the costly rule with `stepwise next LOG --explain` on a long log, and make it read less of the history (`log.recent(n)`, `log.window_days(d)`)"),
            );
        }
        if let Some(f) = failed {
            let loc = crate::script::compile::map_position(sources, &f.error.script, f.error.position);
            diags.push(
                Diagnostic::new(Code::ScriptRuntime, f.error.to_string())
                    .at(f.error.script.source, loc)
                    .label("failed here")
                    .note(format!("while answering {}: such a patient would get an error, not a referral", f.probe))
                    .help("fix the script: it must answer every log, above all one with a red flag"),
            );
        }
    }
    (compiled, diags)
}

/// The embedded protocol from its precompiled model (`check::precompiled`): its scripts are
/// compiled, its YAML is neither parsed nor checked (a unit test holds that checking it finds
/// nothing and builds this very model). `None` when the model is stale or, which the same test
/// rules out, does not compile: the caller then checks the files.
fn compile_precompiled(sources: &SourceMap, files: &LoadedFiles) -> Option<(Option<CompiledProtocol>, Diagnostics)> {
    let model = check::precompiled::model(&files.digest)?;
    let mut diags = Diagnostics::default();
    let compiled = crate::script::compile::compile(sources, model, &mut diags, |_, _, _| {})?;
    (!diags.has_errors()).then_some((Some(compiled), diags))
}

/// Where a protocol comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtocolSource {
    /// The hip protocol built into the binary.
    Embedded,
    /// A folder holding `plans/` and `rules/`.
    Folder(PathBuf),
    /// `STEPWISE_PROTOCOL`, else the current folder or its nearest parent holding `plans/`
    /// and `rules/` (as cargo and just find their manifests), else the embedded protocol.
    Discover,
    /// Files held in memory (a git revision, a test, a binding): `name` says where they came
    /// from (shown as `name:plans/x.yaml` and as the answer's `protocol.from`); each file is
    /// (path relative to the protocol root, text).
    Files { name: String, files: Vec<(String, String)> },
}

impl ProtocolSource {
    /// `--protocol DIR` when given, else discovery.
    pub fn from_option(dir: Option<&Path>) -> ProtocolSource {
        dir.map_or(ProtocolSource::Discover, |d| ProtocolSource::Folder(d.to_path_buf()))
    }

    /// A folder holding `plans/` and `rules/`: what discovery looks for.
    pub fn is_protocol_folder(dir: &Path) -> bool {
        dir.join("plans").is_dir() && dir.join("rules").is_dir()
    }

    /// The folder discovery finds, if any (`None`: the embedded protocol).
    pub fn discover() -> Option<PathBuf> {
        if let Some(dir) = std::env::var_os("STEPWISE_PROTOCOL").filter(|d| !d.is_empty()) {
            return Some(PathBuf::from(dir));
        }
        let cwd = std::env::current_dir().ok()?;
        let found = cwd.ancestors().find(|d| ProtocolSource::is_protocol_folder(d))?;
        if !owned_by_this_user(found) {
            // As git refuses a repository found above the working folder that another user
            // owns: anyone can create /tmp/plans and /tmp/rules, and every answer given from
            // below /tmp would silently come from their protocol.
            eprintln!(
                "note: not using the protocol in `{}`: it belongs to another user (give `--protocol {}` to use it); using the embedded protocol",
                found.display(),
                found.display()
            );
            return None;
        }
        Some(found.to_path_buf())
    }

    /// The embedded protocol's files, to change one in memory.
    pub fn embedded_files() -> Vec<(String, String)> {
        load::embedded_files()
    }
}

/// Whether a discovered protocol folder, its `plans/` and its `rules/` all belong to the user
/// running stepwise (or to root, as system-wide installs do).
#[cfg(unix)]
fn owned_by_this_user(dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    // SAFETY: `geteuid` has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    [dir.to_path_buf(), dir.join("plans"), dir.join("rules")]
        .iter()
        .all(|p| std::fs::metadata(p).is_ok_and(|m| m.uid() == me || m.uid() == 0))
}

/// Elsewhere there is no owner to compare: a discovered folder is used.
#[cfg(not(unix))]
fn owned_by_this_user(_: &Path) -> bool {
    true
}

/// A protocol read and checked: its diagnostics, and the compiled protocol when it has no
/// errors. This is what `stepwise check` shows.
pub struct Checked {
    sources: Arc<SourceMap>,
    compiled: Option<Arc<CompiledProtocol>>,
    diagnostics: Vec<Diagnostic>,
}

impl Checked {
    /// Reads, checks and compiles a protocol. `lints`: also run the warnings (`check` does;
    /// answering logs only needs the errors). `Err` only for I/O and a folder that is not a
    /// protocol; authoring mistakes are diagnostics.
    pub fn load(source: &ProtocolSource, lints: bool) -> Result<Checked, Error> {
        let mut sources = SourceMap::default();
        let discovered = match source {
            ProtocolSource::Discover => ProtocolSource::discover(),
            _ => None,
        };
        let (files, origin) = match (source, discovered.as_ref()) {
            (ProtocolSource::Folder(d), _) | (ProtocolSource::Discover, Some(d)) => {
                (load::folder(&mut sources, d)?, Some(d.display().to_string()))
            }
            (ProtocolSource::Files { name, files }, _) => (load::in_memory(&mut sources, name, files.clone()), Some(name.clone())),
            (ProtocolSource::Embedded | ProtocolSource::Discover, _) => (load::embedded(&mut sources), None),
        };
        // No origin: the embedded protocol (asked for, or found by discovery).
        let precompiled = if origin.is_none() && !lints { compile_precompiled(&sources, &files) } else { None };
        let (mut compiled, diags) = match precompiled {
            Some(done) => done,
            None => check_and_compile(&sources, &files, if lints { check::Lints::Run } else { check::Lints::Skip }),
        };
        let git = match (source, discovered.as_ref()) {
            (ProtocolSource::Folder(d), _) | (ProtocolSource::Discover, Some(d)) if compiled.is_some() => crate::provenance::of_folder(d),
            _ => None,
        };
        if let (Some(c), Some(origin)) = (compiled.as_mut(), origin)
            && let Some(p) = Arc::get_mut(&mut c.protocol)
        {
            p.origin = origin;
            p.git = git;
        }
        Ok(Checked { sources: Arc::new(sources), compiled: compiled.map(Arc::new), diagnostics: diags.into_sorted() })
    }

    /// Every diagnostic, errors and warnings, sorted by file and position.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// Renders diagnostics (all of them, or a selection of them) with their snippets.
    pub fn render(&self, diagnostics: &[Diagnostic], format: DiagnosticFormat, color: bool) -> String {
        render(diagnostics, &self.sources, format, color)
    }

    /// The protocol, ready to answer logs, when it has no errors.
    pub fn protocol(&self) -> Option<Protocol> {
        self.compiled.as_ref().map(|c| Protocol { sources: self.sources.clone(), compiled: c.clone() })
    }

    /// The ready protocol, or back the checked one (for its errors).
    pub fn into_protocol(self) -> Result<Protocol, Box<Checked>> {
        match self.compiled {
            Some(compiled) => Ok(Protocol { sources: self.sources, compiled }),
            None => Err(Box::new(self)),
        }
    }
}

/// What an answer includes besides the decision.
pub type Options = EvalOptions;

/// A valid protocol, compiled once: answers any number of logs, from any number of threads.
/// Cloning is cheap (shared).
#[derive(Clone)]
pub struct Protocol {
    sources: Arc<SourceMap>,
    compiled: Arc<CompiledProtocol>,
}

impl Protocol {
    /// The embedded hip protocol. `Err` would be a build defect (a test pins that it is valid).
    pub fn embedded() -> Result<Protocol, Box<Checked>> {
        Protocol::load(&ProtocolSource::Embedded).map_err(|e| match e {
            LoadError::Invalid(c) => c,
            LoadError::Io(_) => Box::new(unreachable_io()),
        })
    }

    /// Loads, checks and compiles a protocol, without the lints.
    pub fn load(source: &ProtocolSource) -> Result<Protocol, LoadError> {
        Checked::load(source, false)?.into_protocol().map_err(LoadError::Invalid)
    }

    /// Loads the protocol in a folder.
    pub fn from_folder(dir: impl AsRef<Path>) -> Result<Protocol, LoadError> {
        Protocol::load(&ProtocolSource::Folder(dir.as_ref().to_path_buf()))
    }

    /// Id, version, digest and origin: the provenance every output carries.
    pub fn reference(&self) -> ProtocolRef {
        ProtocolRef::of(&self.compiled.protocol)
    }

    /// The checked model (phases, exercises, rules), read-only.
    pub fn model(&self) -> &crate::model::protocol::Protocol {
        &self.compiled.protocol
    }

    /// Answers one log given as text; `name` is the file name shown in errors, and picks the
    /// format (`.json`/`.jsonl`: JSON, else YAML).
    pub fn answer_text(&self, name: &str, text: &str, options: &Options) -> Result<Answer, LogError> {
        self.answer_in(name, text, LogFormat::from_path(name), 0, options)
    }

    /// Answers one log already parsed as JSON (a Python dict, a Spark row). Positions in its
    /// errors refer to the value written as compact JSON.
    pub fn answer_value(&self, log: &serde_json::Value, options: &Options) -> Result<Answer, LogError> {
        let text = log.to_string();
        self.answer_in("<value>", &text, LogFormat::Json, 0, options)
    }

    /// Answers one log; `line_offset` is added to the lines of JSON errors (a JSON Lines record
    /// knows its line in the file).
    pub fn answer_in(&self, name: &str, text: &str, format: LogFormat, line_offset: u32, options: &Options) -> Result<Answer, LogError> {
        let source = LogError::LOG;
        let fail = |diagnostics: Vec<Diagnostic>| LogError { name: name.to_string(), text: text.into(), line_offset, diagnostics };
        let log =
            crate::check::every_error::read_and_validate(source, text, format, line_offset, &self.compiled.protocol, options.max_errors)
                .map_err(fail)?;
        let budget = crate::script::engine::script_budget();
        crate::script::engine::with_time_budget(budget, || evaluate(&self.compiled, Arc::new(log), options))
            .map_err(|e| fail(vec![self.eval_diagnostic(&e)]))
    }

    /// Answers many logs on a thread pool of `jobs` threads (`None`: one per core), in input
    /// order; each log's own result, so one bad log never affects another.
    pub fn answer_many<'a>(
        &self,
        logs: impl IntoIterator<Item = (&'a str, &'a str)>,
        jobs: Option<usize>,
        options: &Options,
    ) -> Result<Vec<Result<Answer, LogError>>, Error> {
        use rayon::prelude::*;
        let logs: Vec<(&str, &str)> = logs.into_iter().collect();
        let mut builder = rayon::ThreadPoolBuilder::new();
        if let Some(j) = jobs {
            builder = builder.num_threads(j.max(1));
        }
        let pool = builder.build().map_err(|e| Error::Usage(format!("cannot start worker threads: {e}")))?;
        Ok(pool.install(|| logs.par_iter().map(|(name, text)| self.answer_text(name, text, options)).collect()))
    }

    /// The answer as `next` prints it (text, JSON or YAML).
    pub fn render_answer(&self, answer: &Answer, format: AnswerFormat) -> String {
        match format {
            AnswerFormat::Text => crate::render::text(answer, &self.compiled.protocol),
            AnswerFormat::Json => crate::render::json_line(answer),
            AnswerFormat::Yaml => crate::syntax::yaml::to_string(answer),
        }
    }

    /// A failed evaluation as a diagnostic pointing into the script that failed.
    pub(crate) fn eval_diagnostic(&self, e: &EvalError) -> Diagnostic {
        let loc = crate::script::compile::map_position(&self.sources, &e.script, e.position);
        Diagnostic::new(Code::ScriptRuntime, e.to_string())
            .at(e.script.source, loc)
            .label("failed here")
            .help("fix the script, or check the log values it reads (missing values are `()`: use `??` for a default)")
    }

    /// Renders a log's errors with snippets from the log and the protocol's scripts.
    pub fn render_log_error(&self, e: &LogError, format: DiagnosticFormat, color: bool) -> String {
        let (sources, diagnostics) = self.log_sources(e);
        render(&diagnostics, &sources, format, color)
    }

    /// The error record `batch` writes for a log that could not be answered (one JSON line):
    /// the patient when it can be told, the protocol, the source, every problem.
    pub fn error_record(&self, origin: &Origin, e: &LogError) -> String {
        let patient = crate::render::record::patient_hint(&e.text);
        self.error_record_with(origin, patient.as_deref(), e)
    }

    /// [`Protocol::error_record`] with the patient already told: `batch` reads it from the
    /// log's text before the text is released.
    pub(crate) fn error_record_with(&self, origin: &Origin, patient: Option<&str>, e: &LogError) -> String {
        crate::render::record::error_record(&self.reference(), origin, patient, &e.message(), self.log_error_json(e))
    }

    /// A log's errors in the one JSON shape of a diagnostic.
    pub fn log_error_json(&self, e: &LogError) -> Vec<serde_json::Value> {
        let (sources, diagnostics) = self.log_sources(e);
        diagnostics.iter().map(|d| crate::diagnostic::render::to_json(d, &sources)).collect()
    }

    /// The protocol's files plus the log, with the log's diagnostics pointed at it.
    fn log_sources(&self, e: &LogError) -> (SourceMap, Vec<Diagnostic>) {
        let mut sources = self.sources.as_ref().clone();
        // A JSON Lines record is shown on its line of the file: the record's text starts there
        // (padding it with a line break per line before it cost time in the line number, and a
        // batch of 100,000 bad records quadratic time).
        let id = sources.add_from_line(e.name.clone(), e.text.clone(), e.line_offset.saturating_add(1));
        let diagnostics = e
            .diagnostics
            .iter()
            .cloned()
            .map(|mut d| {
                if d.source == Some(LogError::LOG) {
                    d.source = Some(id);
                }
                d
            })
            .collect();
        (sources, diagnostics)
    }
}

fn unreachable_io() -> Checked {
    // The embedded protocol is read from memory: there is no I/O to fail. Report it as a
    // protocol with no files rather than panic.
    Checked { sources: Arc::default(), compiled: None, diagnostics: Vec::new() }
}

/// How `next` prints an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AnswerFormat {
    /// Plain words for a therapist
    Text,
    /// The data contract's JSON
    Json,
    /// The same as YAML
    Yaml,
}

/// A protocol that could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Io(#[from] Error),
    #[error("the protocol has {} error(s)", .0.error_count())]
    Invalid(Box<Checked>),
}

// The sources and the compiled model are large and say nothing a debug print needs: the
// count of diagnostics is what tells one `Checked` from another.
#[allow(clippy::missing_fields_in_debug)]
impl std::fmt::Debug for Checked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checked").field("diagnostics", &self.diagnostics.len()).finish()
    }
}

/// A log that could not be answered: every problem found in it (or the script that failed on
/// it). Render it with [`Protocol::render_log_error`].
#[derive(Debug, Clone)]
pub struct LogError {
    pub name: String,
    pub text: Arc<str>,
    pub line_offset: u32,
    pub diagnostics: Vec<Diagnostic>,
}

impl LogError {
    /// Stands for "the log being answered" in its diagnostics until it is rendered.
    pub const LOG: SourceId = SourceId(u32::MAX);

    /// A log file whose bytes cannot be read as a log (not UTF-8, too large, not a file): the
    /// same error (E0609) as `next` and `batch` give.
    pub fn unreadable(name: &str, e: &TextError) -> LogError {
        LogError::unreadable_because(name, &e.message())
    }

    /// The same error, for a problem already put in words (a batch input found unreadable).
    pub fn unreadable_because(name: &str, problem: &str) -> LogError {
        let d = Diagnostic::new(Code::LogUnreadable, format!("cannot read the log: {problem}"))
            .at(LogError::LOG, crate::source::Loc::UNKNOWN)
            .help("check the file: a log is a regular, readable UTF-8 file of at most 64 MiB");
        LogError { name: name.to_string(), text: "".into(), line_offset: 0, diagnostics: vec![d] }
    }

    /// The first problem, in words.
    pub fn message(&self) -> String {
        self.diagnostics.first().map(|d| d.message.clone()).unwrap_or_default()
    }
}

impl std::fmt::Display for LogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.name, self.message())
    }
}

impl std::error::Error for LogError {}
