//! Builds the [`Protocol`] model from the plan and rule files: merges the sections, rejects
//! duplicate ids, resolves every reference (with "did you mean") and converts doses.

use std::collections::BTreeMap;

use crate::diagnostic::suggest::help_for;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::load::{FileKind, LoadedFiles};
use crate::model::dose::Dose;
use crate::model::protocol::{
    Criterion, Dosing, Helper, Level, Manifest, Parameter, Phase, Protocol, Rule, RuleCriterion, Script, Template,
};
use crate::source::{Place, SourceId, SourceMap};
use crate::syntax::Spanned;
use crate::syntax::protocol::{PlanFile, RawDose, RawDosing, RawManifest, RawParameter, RawPhase, RawRule, RawTemplate, RuleFile};
use crate::syntax::yaml::{PROTOCOL_CODES, parse};
use crate::vocab::decision::{Decision, Urgency};
use crate::vocab::protocol::ParamValue;
use crate::vocab::protocol::{NextExercises, ScaleBack, Status};

use super::dose::convert_change;

/// Days between sessions when the protocol does not say: training every day is allowed.
const DEFAULT_DAYS_BETWEEN_SESSIONS: u32 = 1;
/// Rest days after a `rest` decision when neither the protocol nor the rule says: one day.
const DEFAULT_REST_DAYS: u32 = 1;
/// "Drop back one step per 5 days off" (sportsinjury.online return-to-running protocol).
const DEFAULT_DETRAINING_DAYS_PER_LEVEL: u32 = 5;

/// Longest id of an exercise, phase, rule or parameter.
const MAX_ID_CHARS: usize = 64;

/// Ids name things in logs, answers, CSV cells, coverage tables and scripts: an ASCII letter or
/// digit, then letters, digits, `-`, `_` and `.`. No spaces, line breaks or control characters
/// (a rule id holding a line break could forge a line of a text answer or a CSV row).
fn is_plain_id(id: &str) -> bool {
    id.len() <= MAX_ID_CHARS
        && id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// E0102 at an id that is not a plain name ([`is_plain_id`]).
fn check_plain_id(what: &str, source: SourceId, id: &Spanned<String>, diags: &mut Diagnostics) {
    if is_plain_id(&id.value) {
        return;
    }
    diags.push(
        Diagnostic::new(Code::InvalidValue, format!("{what} id `{}` is not a plain name", crate::diagnostic::shorten(&id.value)))
            .at(source, id.loc)
            .label("not a plain name")
            .help(format!(
                "an id starts with a letter or digit and holds only letters, digits, `-`, `_` and `.`, at most {MAX_ID_CHARS} characters (e.g. `pain-rose`)"
            )),
    );
}

/// Where each id was first defined, to report duplicates with both places.
struct Ids {
    what: &'static str,
    seen: BTreeMap<String, (SourceId, crate::source::Loc)>,
}

impl Ids {
    fn new(what: &'static str) -> Ids {
        Ids { what, seen: BTreeMap::new() }
    }

    /// `true` when the id is new.
    fn insert(&mut self, source: SourceId, id: &Spanned<String>, sources: &SourceMap, diags: &mut Diagnostics) -> bool {
        check_plain_id(self.what, source, id, diags);
        if let Some((first_src, first)) = self.seen.get(&id.value) {
            let first_at = format!("{}:{}:{}", sources.get(*first_src).name, first.line, first.col);
            diags.push(
                Diagnostic::new(Code::DuplicateId, format!("{} `{}` is defined twice", self.what, id.value))
                    .at(source, id.loc)
                    .label("second definition")
                    .note(format!("first defined at {first_at}"))
                    .help("rename one of them or remove the copy"),
            );
            return false;
        }
        self.seen.insert(id.value.clone(), (source, id.loc));
        true
    }
}

/// Makes a [`Script`], noting whether the text sits verbatim in the file (a `|` block or a
/// plain one-line value), which is when Rhai's line and column map exactly onto the file.
pub fn script_of(sources: &SourceMap, source: SourceId, s: &Spanned<String>) -> Script {
    let file = sources.get(source);
    let block = s.loc.is_known()
        && s.value.lines().enumerate().all(|(i, line)| {
            line.is_empty()
                || file.line_text(s.loc.line.saturating_add(crate::num::count_u32(i))).is_some_and(|src| {
                    let skip = (s.loc.col.max(1) - 1) as usize;
                    src.chars().skip(skip).collect::<String>().starts_with(line.trim_start_matches(' '))
                        || src.trim_start().starts_with(line.trim_start())
                })
        });
    Script { text: s.value.clone(), source, loc: s.loc, block }
}

struct Parsed {
    /// A file could not be read at all: what it defines is missing, so later checks would
    /// only report the consequences (a missing manifest, unknown ids).
    failed: bool,
    plans: Vec<(SourceId, PlanFile)>,
    rules: Vec<(SourceId, RuleFile)>,
    helpers: Vec<Helper>,
}

fn parse_files(sources: &SourceMap, files: &LoadedFiles, diags: &mut Diagnostics) -> Parsed {
    let mut parsed = Parsed { failed: false, plans: Vec::new(), rules: Vec::new(), helpers: Vec::new() };
    for f in &files.files {
        let text = &sources.get(f.source).text;
        match f.kind {
            FileKind::Plan => match parse::<PlanFile>(f.source, text, &PROTOCOL_CODES) {
                Ok(p) => parsed.plans.push((f.source, p)),
                Err(d) => {
                    diags.push(*d);
                    parsed.failed = true;
                }
            },
            FileKind::Rules => match parse::<RuleFile>(f.source, text, &PROTOCOL_CODES) {
                Ok(r) => parsed.rules.push((f.source, r)),
                Err(d) => {
                    diags.push(*d);
                    parsed.failed = true;
                }
            },
            FileKind::Helper => parsed.helpers.push(Helper {
                path: f.relative.clone(),
                script: Script {
                    text: text.to_string(),
                    source: f.source,
                    loc: crate::source::Loc { line: 1, col: 1, offset: 0, len: 0 },
                    block: true,
                },
            }),
        }
    }
    parsed
}

fn manifest(sources: &SourceMap, plans: &[(SourceId, PlanFile)], failed: bool, diags: &mut Diagnostics) -> Option<Manifest> {
    let mut found: Option<(SourceId, &Spanned<RawManifest>)> = None;
    for (src, plan) in plans {
        let Some(m) = &plan.protocol else { continue };
        if let Some((first, _)) = found {
            diags.push(
                Diagnostic::new(Code::DuplicateId, "the protocol manifest is given twice")
                    .at(*src, m.loc)
                    .note(format!("first given in {}", sources.get(first).name))
                    .help("keep one `protocol:` section across the plan files"),
            );
            continue;
        }
        found = Some((*src, m));
    }
    let Some((src, m)) = found else {
        if failed {
            // The manifest is probably in the file that could not be read.
            return None;
        }
        diags.push(
            Diagnostic::new(Code::MissingManifest, "the protocol has no manifest")
                .help("add a `protocol:` section (id, version, title, status) to one file under plans/"),
        );
        return None;
    };
    if semver::Version::parse(&m.version.value).is_err() {
        diags.push(
            Diagnostic::new(Code::InvalidVersion, format!("`{}` is not a semantic version", m.version.value))
                .at(src, m.version.loc)
                .label("expected MAJOR.MINOR.PATCH")
                .help("write the version as three numbers, e.g. `1.0.0`"),
        );
    }
    if m.status.value == Status::Active && m.reviewers.is_empty() {
        diags.push(
            Diagnostic::new(Code::ActiveWithoutReviewer, "an active protocol must name at least one reviewer")
                .at(src, m.status.loc)
                .help("add `reviewers:` with the clinician who signed the protocol off, or set `status: draft`"),
        );
    }
    check_plain_id("protocol", src, &m.id, diags);
    Some(Manifest {
        id: m.id.value.clone(),
        at: Place { source: src, loc: m.id.loc },
        version: m.version.value.clone(),
        title: m.title.clone(),
        status: m.status.value,
        authors: m.authors.clone(),
        reviewers: m.reviewers.clone(),
        effective: m.effective.as_ref().map(|d| d.value),
        description: m.description.clone(),
    })
}

fn dose(d: &RawDose) -> Dose {
    Dose {
        sets: d.sets,
        reps: d.reps,
        hold_s: d.hold_s,
        load_kg: d.load_kg,
        minutes: d.minutes,
        run_min: d.run_min,
        walk_min: d.walk_min,
        rounds: d.rounds,
    }
}

fn template(src: SourceId, t: &RawTemplate, diags: &mut Diagnostics) -> Template {
    let progress = t.progress.as_ref().and_then(|c| convert_change(src, c, diags));
    let regress = t.regress.as_ref().and_then(|c| convert_change(src, c, diags));
    if t.ladder.value.is_empty() {
        diags.push(
            Diagnostic::new(Code::EmptyLadder, format!("exercise `{}` has an empty ladder", t.id.value))
                .at(src, t.ladder.loc)
                .help("give at least one level with a `name` and a `dose`"),
        );
    }
    Template {
        id: t.id.value.clone(),
        at: Place { source: src, loc: t.id.loc },
        name: t.name.clone(),
        category: t.category,
        impact: t.impact,
        equipment: t.equipment.clone(),
        muscles: t.muscles.clone(),
        cues: t.cues.clone(),
        ladder: t
            .ladder
            .value
            .iter()
            .map(|l| Level {
                name: l.name.clone(),
                dose: dose(&l.dose.value),
                at: Place { source: src, loc: l.dose.loc },
                cues: l.cues.clone(),
            })
            .collect(),
        progress,
        regress,
        min_days_between: t.min_days_between.unwrap_or(0),
        min_days_per_level: t.min_days_per_level.unwrap_or(0),
        min_sessions_per_level: t.min_sessions_per_level.unwrap_or(1).max(1),
    }
}

/// What an id refers to, for the "unknown id" diagnostic.
struct Kind {
    code: Code,
    noun: &'static str,
    label: &'static str,
    listed_as: &'static str,
}

const EXERCISE: Kind =
    Kind { code: Code::UnknownExercise, noun: "exercise", label: "no exercise template has this id", listed_as: "defined exercises" };
const PHASE: Kind = Kind { code: Code::UnknownPhase, noun: "phase", label: "no phase has this id", listed_as: "defined phases" };

/// Resolves ids against the defined ones (in order), reporting each unknown one with a
/// suggestion; unknown ids are left out.
// `defined` is a cheap iterator adaptor, cloned once per id: by value reads best at the call.
#[allow(clippy::needless_pass_by_value)]
fn resolve<'a>(
    src: SourceId,
    ids: &[Spanned<String>],
    defined: impl Iterator<Item = &'a str> + Clone,
    kind: &Kind,
    diags: &mut Diagnostics,
) -> Vec<usize> {
    ids.iter()
        .filter_map(|id| {
            let found = defined.clone().position(|d| d == id.value);
            if found.is_none() {
                diags.push(
                    Diagnostic::new(kind.code, format!("unknown {} `{}`", kind.noun, id.value))
                        .at(src, id.loc)
                        .label(kind.label)
                        .help_opt(help_for(&id.value, kind.listed_as, defined.clone())),
                );
            }
            found
        })
        .collect()
}

fn resolve_templates(src: SourceId, ids: &[Spanned<String>], templates: &[Template], diags: &mut Diagnostics) -> Vec<usize> {
    resolve(src, ids, templates.iter().map(|t| t.id.as_str()), &EXERCISE, diags)
}

fn phase(sources: &SourceMap, src: SourceId, p: &RawPhase, templates: &[Template], diags: &mut Diagnostics) -> Phase {
    let uses = p
        .exercises
        .iter()
        .chain(&p.rotate)
        .chain(p.goal_exercises.values().flatten())
        .filter_map(|id| Some((templates.iter().position(|t| t.id == id.value)?, Place { source: src, loc: id.loc })))
        .collect();
    Phase {
        id: p.id.value.clone(),
        at: Place { source: src, loc: p.id.loc },
        uses,
        title: p.title.clone(),
        goals: p.goals.clone(),
        exercises: resolve_templates(src, &p.exercises, templates, diags),
        rotate: resolve_templates(src, &p.rotate, templates, diags),
        goal_exercises: p.goal_exercises.iter().map(|(g, ids)| (g.clone(), resolve_templates(src, ids, templates, diags))).collect(),
        min_days: p.min_days.unwrap_or(0),
        entry: p.entry.clone(),
        exit: p.exit.as_ref().map(|c| Criterion {
            description: c.description.clone(),
            script: script_of(sources, src, &c.when),
            source: c.source.clone(),
        }),
    }
}

fn rule(sources: &SourceMap, src: SourceId, r: &RawRule, phases: &[Phase], diags: &mut Diagnostics) -> Rule {
    let scope = r.phases.as_ref().map(|ids| resolve(src, ids, phases.iter().map(|p| p.id.as_str()), &PHASE, diags));
    Rule {
        id: r.id.value.clone(),
        at: Place { source: src, loc: r.id.loc },
        description: r.description.clone(),
        phases: scope,
        when: script_of(sources, src, &r.when),
        decision: r.then.decision.value,
        patient: r.then.patient.clone(),
        clinician: r.then.clinician.clone(),
        dose: r.then.dose.as_ref().and_then(|d| convert_change(src, d, diags)),
        rest_days: r.then.rest_days,
        source: r.source.clone(),
        criteria: r
            .criteria
            .iter()
            .map(|c| {
                check_plain_id("criterion", src, &c.id, diags);
                RuleCriterion {
                    id: c.id.value.clone(),
                    description: c.description.clone(),
                    patient: c.patient.clone(),
                    script: script_of(sources, src, &c.when),
                }
            })
            .collect(),
        urgency: (r.then.decision.value == Decision::Refer).then(|| r.then.urgency.unwrap_or(Urgency::Routine)),
        sticky: r.then.decision.value == Decision::Refer && r.then.sticky.unwrap_or(true),
    }
}

/// What the plan files define besides phases and the manifest: the parameters (sorted by id),
/// the exercise templates and the one `dosing` section. Split out of [`build`]; one pass over
/// the plan files keeps the diagnostics in file order, as before.
struct PlanItems<'a> {
    parameters: Vec<Parameter>,
    templates: Vec<Template>,
    dosing: Option<(SourceId, &'a Spanned<RawDosing>)>,
}

/// A parameter with a `unit:` holds a number: `value: "6"` would be text, and a rule comparing
/// a rating with text is always false, so the rule it guards (a referral) would never fire. A
/// number in quotes is the same mistake with or without a unit.
fn not_a_number(src: SourceId, p: &RawParameter, diags: &mut Diagnostics) {
    let quoted_number = matches!(&p.value.value, ParamValue::Text(t) if t.trim().parse::<f64>().is_ok());
    let message = match (&p.unit, &p.value.value) {
        (Some(unit), ParamValue::Text(_)) => format!("parameter `{}` is measured in `{unit}` but its value is text", p.id.value),
        (Some(unit), ParamValue::Bool(_)) => format!("parameter `{}` is measured in `{unit}` but its value is a yes/no value", p.id.value),
        (None, ParamValue::Text(_)) if quoted_number => format!("parameter `{}` is a number written as text", p.id.value),
        _ => return,
    };
    diags.push(
        Diagnostic::new(Code::ParameterNotANumber, message)
            .at(src, p.value.loc)
            .label("not a number")
            .help("write the number without quotes: a rule comparing a rating with text is always false, so the rule would never fire"),
    );
}

/// Collects [`PlanItems`], reporting duplicate ids and a second `dosing` section.
fn plan_items<'a>(sources: &SourceMap, plans: &'a [(SourceId, PlanFile)], diags: &mut Diagnostics) -> PlanItems<'a> {
    let mut param_ids = Ids::new("parameter");
    let mut parameters = Vec::new();
    let mut template_ids = Ids::new("exercise");
    let mut templates = Vec::new();
    let mut dosing = None;
    for (src, plan) in plans {
        for p in plan.parameters.iter().flatten() {
            not_a_number(*src, p, diags);
            if param_ids.insert(*src, &p.id, sources, diags) {
                parameters.push(Parameter {
                    id: p.id.value.clone(),
                    at: Place { source: *src, loc: p.id.loc },
                    value: p.value.value.clone(),
                    description: p.description.clone(),
                    unit: p.unit.clone(),
                    source: p.source.clone(),
                    grade: p.grade,
                });
            }
        }
        for t in plan.exercises.iter().flatten() {
            if template_ids.insert(*src, &t.id, sources, diags) {
                templates.push(template(*src, t, diags));
            }
        }
        if let Some(d) = &plan.dosing {
            if dosing.is_some() {
                diags.push(
                    Diagnostic::new(Code::DuplicateId, "the `dosing` section is given twice")
                        .at(*src, d.loc)
                        .help("keep one `dosing:` section across the plan files"),
                );
            } else {
                dosing = Some((*src, d));
            }
        }
    }
    parameters.sort_by(|a, b| a.id.cmp(&b.id));
    PlanItems { parameters, templates, dosing }
}

/// The phases of all plan files, in file order. Split out of [`build`]; `unreported` receives the
/// unknown-exercise errors (set aside by the caller when a file could not be read).
fn phases(
    sources: &SourceMap,
    parsed: &Parsed,
    templates: &[Template],
    diags: &mut Diagnostics,
    unreported: &mut Diagnostics,
) -> Vec<Phase> {
    let mut phase_ids = Ids::new("phase");
    let mut phases = Vec::new();
    for (src, plan) in &parsed.plans {
        for p in plan.phases.iter().flatten() {
            if phase_ids.insert(*src, &p.id, sources, diags) {
                let refs = if parsed.failed { &mut *unreported } else { &mut *diags };
                phases.push(phase(sources, *src, p, templates, refs));
            }
        }
    }
    phases
}

/// The dosing rules, with the defaults for a protocol that gives no `dosing` section (or leaves
/// a field out). Split out of [`build`]: it is a table of defaults, read on its own.
fn dosing(raw: Option<(SourceId, &Spanned<RawDosing>)>, diags: &mut Diagnostics) -> Dosing {
    match raw {
        None => Dosing {
            next_exercises: NextExercises::Phase,
            progress: crate::model::dose::DoseChange::Ladder(1),
            regress: crate::model::dose::DoseChange::Ladder(-1),
            days_between_sessions: DEFAULT_DAYS_BETWEEN_SESSIONS,
            rest_days: DEFAULT_REST_DAYS,
            scale_back: ScaleBack::All,
            component_gap_days: 0,
            round_minutes: None,
            detraining_after_days: 0,
            detraining_days_per_level: DEFAULT_DETRAINING_DAYS_PER_LEVEL,
        },
        Some((src, d)) => Dosing {
            next_exercises: d.value.next_exercises.unwrap_or_default(),
            progress: d
                .value
                .progress
                .as_ref()
                .and_then(|c| convert_change(src, c, diags))
                .unwrap_or(crate::model::dose::DoseChange::Ladder(1)),
            regress: d
                .value
                .regress
                .as_ref()
                .and_then(|c| convert_change(src, c, diags))
                .unwrap_or(crate::model::dose::DoseChange::Ladder(-1)),
            days_between_sessions: d.value.days_between_sessions.unwrap_or(DEFAULT_DAYS_BETWEEN_SESSIONS).max(1),
            rest_days: d.value.rest_days.unwrap_or(DEFAULT_REST_DAYS),
            scale_back: d.value.scale_back.unwrap_or_default(),
            component_gap_days: d.value.component_gap_days.unwrap_or(0),
            round_minutes: d.value.round_minutes.filter(|t| t.0 > 0),
            detraining_after_days: d.value.detraining_after_days.unwrap_or(0),
            detraining_days_per_level: d.value.detraining_days_per_level.unwrap_or(DEFAULT_DETRAINING_DAYS_PER_LEVEL).max(1),
        },
    }
}

/// The rules of all rule files, in file order. Split out of [`build`], like [`phases`]; `unreported`
/// receives the unknown-phase errors (set aside when a file could not be read).
fn rules(sources: &SourceMap, parsed: &Parsed, phases: &[Phase], diags: &mut Diagnostics, unreported: &mut Diagnostics) -> Vec<Rule> {
    let mut rule_ids = Ids::new("rule");
    let mut rules = Vec::new();
    for (src, file) in &parsed.rules {
        for r in &file.rules {
            if rule_ids.insert(*src, &r.id, sources, diags) {
                let refs = if parsed.failed { &mut *unreported } else { &mut *diags };
                rules.push(rule(sources, *src, r, phases, refs));
            }
        }
    }
    rules
}

/// Builds the model; `None` when a file could not be read or there is no manifest. The model
/// may be built despite other errors (`diags` has them), to check its scripts in the same run.
pub fn build(sources: &SourceMap, files: &LoadedFiles, diags: &mut Diagnostics) -> Option<Protocol> {
    let parsed = parse_files(sources, files, diags);
    let manifest = manifest(sources, &parsed.plans, parsed.failed, diags);
    let PlanItems { parameters, templates, dosing: dosing_raw } = plan_items(sources, &parsed.plans, diags);

    // A file that could not be read leaves its ids undefined: references to them would each
    // be a follow-on error of that one mistake, so unknown phases and exercises are not
    // reported then (the model is not built either; fixing the file shows any that remain).
    let mut unreported = Diagnostics::default();
    let phases = phases(sources, &parsed, &templates, diags, &mut unreported);
    if phases.is_empty() && manifest.is_some() && !parsed.failed {
        diags.push(
            Diagnostic::new(Code::MissingManifest, "the protocol has no phases")
                .help("add a `phases:` list to a plan file; a protocol without stages has one phase"),
        );
    }
    let dosing = dosing(dosing_raw, diags);
    let rules = rules(sources, &parsed, &phases, diags, &mut unreported);

    // Of what was set aside, only the unknown references were follow-ons.
    diags.extend(unreported.into_sorted().into_iter().filter(|d| !matches!(d.code, Code::UnknownPhase | Code::UnknownExercise)));

    // A model with unresolved references is still built (they are left out), so that the
    // scripts are checked in the same run; a file that could not be read leaves too much out.
    if parsed.failed {
        return None;
    }
    Some(Protocol {
        manifest: manifest?,
        parameters,
        dosing,
        phases,
        templates,
        rules,
        helpers: parsed.helpers,
        digest: files.digest.clone(),
        origin: String::from("embedded"),
        git: None,
    })
}
