//! Patient logs: reads a log (YAML, JSON or one JSON Lines record) into its raw shape and
//! checks it against the protocol: dates strictly increasing and not before the start,
//! exercise ids the protocol defines, override phases that exist. Reports every problem found.

use crate::diagnostic::suggest::help_for;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::dose::Dose;
use crate::model::log::{PatientLog, Performed, Session};
use crate::model::protocol::Protocol;
use crate::source::{Loc, SourceId};
use crate::syntax::Spanned;
use crate::syntax::log::{RawExercise, RawLog};
use crate::syntax::yaml::{LOG_CODES, parse};
use crate::vocab::quantity::Date;

/// The text formats a log can come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Yaml,
    Json,
}

impl LogFormat {
    /// JSON for `.json`/`.jsonl`, YAML otherwise (YAML also reads JSON, but slower and with
    /// YAML's messages).
    pub fn from_path(path: &str) -> LogFormat {
        if crate::source::has_extension(path, "json") || crate::source::has_extension(path, "jsonl") {
            LogFormat::Json
        } else {
            LogFormat::Yaml
        }
    }
}

/// Reads the raw log from its text. `line_offset` is added to JSON line numbers (a JSON
/// Lines record knows its own line in the file).
pub fn read(source: SourceId, text: &str, format: LogFormat, line_offset: u32) -> Result<RawLog, Box<Diagnostic>> {
    match format {
        LogFormat::Yaml => parse::<RawLog>(source, text, &LOG_CODES),
        LogFormat::Json => serde_json::from_str::<RawLog>(text).map_err(|e| Box::new(json_diagnostic(source, text, &e, line_offset))),
    }
}

fn json_diagnostic(source: SourceId, text: &str, e: &serde_json::Error, line_offset: u32) -> Diagnostic {
    let msg = crate::syntax::serde_message::clean(&e.to_string());
    let is_syntax = e.is_syntax() || e.is_eof();
    // serde_json reports the position just after the offending value; underline one character.
    let loc = if e.line() == 0 {
        Loc::UNKNOWN
    } else {
        let file = crate::source::SourceFile::new("", text);
        let mut loc = file.loc_at(crate::num::count_u32(e.line()), crate::num::count_u32(e.column().max(1)));
        loc.len = loc.len.min(1);
        if let Some(key) = msg.strip_prefix("unknown field `").and_then(|r| r.split('`').next()) {
            // serde_json stops just after the key: underline the key itself.
            let quoted = format!("\"{key}\"");
            if let Some(at) = text.get(..loc.offset + 1).and_then(|before| before.rfind(&quoted)) {
                loc = file.loc_of_offset(at, quoted.len());
            }
        }
        Loc { line: loc.line + line_offset, ..loc }
    };
    // A file holding a list of logs (`[{..}, {..}]`) fails inside its first element, with words
    // about that element's first key: say what the file is instead.
    let first = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if first.starts_with('[') {
        let start = text.len() - first.len();
        let at = crate::source::SourceFile::new("", text).loc_of_offset(start, 1);
        return Diagnostic::new(Code::LogSyntax, "expected one patient log (a JSON object), found a list")
            .at(source, Loc { line: at.line + line_offset, ..at })
            .label("a list starts here")
            .help("write one log per file, or many logs as JSON Lines (`.jsonl`, one log object per line) for `stepwise batch`");
    }
    crate::syntax::serde_message::classify(msg, &LOG_CODES, is_syntax).at(source, loc)
}

/// Most sessions one log may hold (27 years of daily sessions): scripts see the sessions as
/// an array, which the sandbox caps at the same size.
pub const MAX_SESSIONS: usize = crate::vocab::script::MAX_ARRAY_SIZE;

/// Longest clinician override note kept for the answer; a longer one is cut with `…`.
pub const MAX_NOTE_CHARS: usize = 2_000;

/// A note is shown whole in the answer (override notes, review notes, session notes): a long
/// one is cut with `…`, not refused.
fn cut_note(n: String) -> String {
    match n.char_indices().nth(MAX_NOTE_CHARS) {
        Some((at, _)) => format!("{}…", &n[..at]),
        None => n,
    }
}

/// Longest id a log may hold (patient, exercise): ids are short codes, and a long one costs
/// time in every lookup and message.
pub const MAX_ID_CHARS: usize = 256;

/// `false` (with an error) when `id` is longer than [`MAX_ID_CHARS`].
fn check_id_length(source: SourceId, what: &str, id: &crate::syntax::Spanned<impl AsRef<str>>, diags: &mut Diagnostics) -> bool {
    let text = id.value.as_ref();
    if text.len() <= MAX_ID_CHARS || text.chars().count() <= MAX_ID_CHARS {
        return true;
    }
    diags.push(
        Diagnostic::new(
            Code::LogInvalidValue,
            format!("{what} is {} characters long: expected at most {MAX_ID_CHARS}", text.chars().count()),
        )
        .at(source, id.loc)
        .help(format!("`{text}` is not an id")),
    );
    false
}

/// The note that says which session a problem is in: a JSON log's values carry no position,
/// and a long YAML log is easier to fix with the date at hand.
pub fn in_session(index: usize, date: crate::vocab::quantity::Date) -> String {
    format!("in session {} ({date})", index + 1)
}

/// Checks a raw log against the protocol and builds the model; every problem is reported.
pub fn validate(source: SourceId, raw: RawLog, protocol: &Protocol, diags: &mut Diagnostics) -> Option<PatientLog> {
    let errors_before = diags.error_count();
    if check_id_length(source, "the patient id", &raw.patient, diags)
        && raw.patient.value.chars().all(|c| c.is_whitespace() || crate::diagnostic::is_unsafe_char(c))
    {
        // A blank id cannot be told from another blank one in a batch's results.
        diags.push(
            Diagnostic::new(Code::LogInvalidValue, "the patient id is empty")
                .at(source, raw.patient.loc)
                .label("no id")
                .help("write the clinic's opaque id for the patient, e.g. `patient: P-0042`"),
        );
    }
    let start = raw.start.value;
    let mut sessions = Vec::new();
    let mut previous: Option<Date> = None;
    if let Some(sessions) = &raw.sessions
        && sessions.len() > MAX_SESSIONS
    {
        diags.push(
            Diagnostic::new(Code::LogInvalidValue, format!("the log has {} sessions: at most {MAX_SESSIONS} are read", sessions.len()))
                .at(source, sessions.get(MAX_SESSIONS).map_or(Loc::default(), |s| s.date.loc))
                .help("start a new log for the patient, with the old one's last weeks"),
        );
        return None;
    }
    check_goals(&raw, diags);
    for (i, s) in raw.sessions.into_iter().flatten().enumerate() {
        let date = s.date.value;
        check_date(source, i, &s.date, start, previous, diags);
        previous = Some(date);
        let exercises: Vec<Performed> =
            s.exercises.into_iter().flatten().filter_map(|e| performed(source, protocol, e, i, date, diags)).collect();
        let (override_phase, override_note) = match s.override_ {
            Some(o) => (override_phase(source, protocol, o.phase, i, date, diags), o.note.map(cut_note)),
            None => (None, None),
        };
        sessions.push(Session {
            date,
            kind: s.kind.unwrap_or_default(),
            pain: s.pain.unwrap_or_default(),
            fatigue: s.fatigue,
            rom: s.rom.unwrap_or_default(),
            measures: s.measures.unwrap_or_default(),
            symptoms: s.symptoms.unwrap_or_default(),
            exercises,
            override_phase,
            override_note,
            review: s.review.map(|mut r| {
                r.note = r.note.map(cut_note);
                r.by = r.by.map(cut_note);
                r
            }),
            notes: s.notes.map(cut_note),
        });
    }
    if let Some(p) = &raw.protocol
        && p.value != protocol.manifest.id
    {
        diags.push(
            Diagnostic::new(
                Code::LogInvalidValue,
                format!("the log follows protocol `{}`, but the loaded protocol is `{}`", p.value, protocol.manifest.id),
            )
            .at(source, p.loc)
            .help("load the protocol the log was written for with `--protocol DIR`, or correct the log's `protocol`"),
        );
    }
    if diags.error_count() > errors_before {
        return None;
    }
    Some(PatientLog { patient: raw.patient.value, start, intake: raw.intake, sessions })
}

/// Intake goals are free text, but each is capped like an id: a megabyte "goal" is a broken
/// log, not a goal. Split out of `validate`, which checks the log top-down.
fn check_goals(raw: &RawLog, diags: &mut Diagnostics) {
    for goal in raw.intake.iter().flat_map(|i| i.goals.iter().flatten()) {
        if goal.chars().count() > MAX_ID_CHARS {
            diags.push(
                Diagnostic::new(
                    Code::LogInvalidValue,
                    format!("a goal is {} characters long: expected at most {MAX_ID_CHARS}", goal.chars().count()),
                )
                .help(format!("`{goal}` is not a goal")),
            );
        }
    }
}

/// A session's date: not before the programme's start, and after the session before it. Split
/// out of `validate`, like [`performed`], to keep each check of a session readable on its own.
fn check_date(source: SourceId, i: usize, at: &Spanned<Date>, start: Date, previous: Option<Date>, diags: &mut Diagnostics) {
    let date = at.value;
    if date < start {
        diags.push(
            Diagnostic::new(Code::DateBeforeStart, format!("session {} is dated `{date}`, before the program start `{start}`", i + 1))
                .at(source, at.loc)
                .help("check the date, or the log's `start`"),
        );
    }
    if let Some(p) = previous
        && date <= p
    {
        diags.push(
            Diagnostic::new(Code::DatesOutOfOrder, format!("session {} is dated `{date}`, not after the session before it (`{p}`)", i + 1))
                .at(source, at.loc)
                .label("dates must strictly increase")
                .help("list sessions oldest first, one entry per date"),
        );
    }
}

/// One exercise of a session, resolved against the protocol: `None` (with a diagnostic) when
/// its id is too long or unknown. Split out of `validate` so that the per-session loop reads
/// as the list of checks it makes.
fn performed(source: SourceId, protocol: &Protocol, e: RawExercise, i: usize, date: Date, diags: &mut Diagnostics) -> Option<Performed> {
    if !check_id_length(source, "an exercise id", &e.id, diags) {
        return None;
    }
    let Some(template) = protocol.template_index(&e.id.value) else {
        diags.push(
            Diagnostic::new(Code::LogUnknownExercise, format!("unknown exercise `{}`", e.id.value))
                .at(source, e.id.loc)
                .label("the protocol defines no such exercise")
                .help_opt(help_for(&e.id.value, "the protocol's exercises", protocol.templates.iter().map(|t| t.id.as_str())))
                .note(in_session(i, date)),
        );
        return None;
    };
    let ladder_len = protocol.templates.get(template).map_or(0, |t| t.ladder.len());
    // Said at the level itself: a value already refused (and set aside as 0) is not said twice.
    let level_at = e.level.as_ref().map_or(e.id.loc, |l| l.loc);
    let level = match e.level.as_ref().map(|l| l.value.0) {
        Some(0) => {
            diags.push(
                Diagnostic::new(Code::LogInvalidValue, format!("exercise `{}` has level 0", e.id.value))
                    .at(source, level_at)
                    .help(format!("levels count from 1; this exercise has levels 1 to {ladder_len}"))
                    .note(in_session(i, date)),
            );
            None
        }
        Some(l) if l as usize > ladder_len => {
            diags.push(
                Diagnostic::new(Code::LogInvalidValue, format!("exercise `{}` has level {l}, but its ladder has {ladder_len}", e.id.value))
                    .at(source, level_at)
                    .help(format!("use a level from 1 to {ladder_len}"))
                    .note(in_session(i, date)),
            );
            None
        }
        Some(l) => Some(l as usize - 1),
        None => None,
    };
    let dose = Dose { sets: e.sets, reps: e.reps, hold_s: e.hold_s, load_kg: e.load_kg, minutes: e.minutes, ..Dose::default() };
    let ladder = protocol.templates.get(template).map(|t| t.ladder.as_slice()).unwrap_or_default();
    let token = ladder.get(level.unwrap_or(0)).is_some_and(|step| dose.is_token(&step.dose));
    Some(Performed { id: e.id.value, template, dose, completed: e.completed.unwrap_or(true), level, token })
}

/// The phase a clinician's override pins, resolved against the protocol (`None`, with a
/// diagnostic, when the protocol has no such phase). Split out of `validate` with [`performed`].
fn override_phase(
    source: SourceId,
    protocol: &Protocol,
    phase: Option<Spanned<String>>,
    i: usize,
    date: Date,
    diags: &mut Diagnostics,
) -> Option<usize> {
    phase.and_then(|p| {
        let idx = protocol.phase_index(&p.value);
        if idx.is_none() {
            diags.push(
                Diagnostic::new(Code::LogUnknownPhase, format!("unknown phase `{}` in the override", p.value))
                    .at(source, p.loc)
                    .help_opt(help_for(&p.value, "the protocol's phases", protocol.phases.iter().map(|p| p.id.as_str())))
                    .note(in_session(i, date)),
            );
        }
        idx
    })
}
