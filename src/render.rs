//! Renders an [`Answer`]: plain words for a therapist (`text`) or the data contract's JSON,
//! one line per answer, identical in `next` and in `batch` records.

pub mod record;

use crate::diagnostic::escape_controls as e;
use crate::eval::Answer;
use crate::eval::answer::NextExercise;
use crate::model::protocol::Protocol;
use crate::vocab::decision::Decision;

/// The answer as one line of JSON (with a final newline).
pub fn json_line(answer: &Answer) -> String {
    let mut s = serde_json::to_string(answer).unwrap_or_else(|e| format!("{{\"error\":\"cannot write the answer: {e}\"}}"));
    s.push('\n');
    s
}

fn decision_words(d: Decision) -> &'static str {
    match d {
        Decision::Refer => "REFER: stop and see a provider before exercising again",
        Decision::Rest => "REST: no training next; rest before the next session",
        Decision::Regress => "REGRESS: scale back",
        Decision::Hold => "HOLD: repeat the current step",
        Decision::Progress => "PROGRESS: advance",
    }
}

/// `3 x 12, hold 3 s, 2 kg`, `20 min`, `run 1 min / walk 2 min x 7`.
pub fn dose_words(e: &NextExercise) -> String {
    let d = &e.dose;
    let mut parts = Vec::new();
    match (d.sets, d.reps) {
        (Some(s), Some(r)) => parts.push(format!("{s} x {r}")),
        (None, Some(r)) => parts.push(format!("{r} reps")),
        (Some(s), None) => parts.push(format!("{s} sets")),
        (None, None) => {}
    }
    if let Some(h) = d.hold_s {
        parts.push(format!("hold {h} s"));
    }
    if let Some(l) = d.load_kg {
        parts.push(format!("{l} kg"));
    }
    if let (Some(run), Some(walk)) = (d.run_min, d.walk_min) {
        let rounds = d.rounds.map(|r| format!(" x {r}")).unwrap_or_default();
        parts.push(format!("run {run} min / walk {walk} min{rounds}"));
    }
    if let Some(m) = d.minutes {
        parts.push(format!("{m} min"));
    }
    if parts.is_empty() { "as tolerated".to_string() } else { parts.join(", ") }
}

/// A value for people: numbers rounded to at most one decimal, maps as `key value` words
/// (`hip flexion 106`), lists joined with commas, no JSON punctuation.
pub fn value_words(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "not recorded".to_string(),
        serde_json::Value::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.to_string()
            } else {
                let f = n.as_f64().unwrap_or_default();
                let r = (f * 10.0).round() / 10.0;
                if r.fract() == 0.0 { format!("{}", crate::num::whole_i64(r)) } else { format!("{r:.1}") }
            }
        }
        serde_json::Value::String(s) => s.replace('_', " "),
        serde_json::Value::Array(a) => {
            if a.is_empty() {
                "none".to_string()
            } else {
                a.iter().map(value_words).collect::<Vec<_>>().join(", ")
            }
        }
        serde_json::Value::Object(m) => {
            if m.is_empty() {
                "none".to_string()
            } else {
                m.iter().map(|(k, v)| format!("{} {}", k.replace('_', " "), value_words(v))).collect::<Vec<_>>().join(", ")
            }
        }
    }
}

fn input_words(k: &str, v: &serde_json::Value) -> String {
    let unit = if k.starts_with("last.rom") || k.ends_with("deficit") { " deg" } else { "" };
    let name = k.strip_prefix("last.").or_else(|| k.strip_prefix("log.")).unwrap_or(k);
    format!("{} {}{unit}", name.replace(['_', '.'], " "), value_words(v))
}

/// The answer's heading: who and when, the protocol, the decision and the phase. Split out of
/// [`text`], which lists the answer's sections in order.
fn heading(o: &mut String, a: &Answer, p: &Protocol) {
    let phase_title = p.phases.iter().find(|ph| ph.id == a.phase).map_or("", |ph| ph.title.as_str());
    putln!(o, "Patient {}, as of {}", e(&a.patient), a.as_of);
    let git = a.protocol.git.as_ref().map(|g| format!(", {}", g.words())).unwrap_or_default();
    putln!(o, "Protocol {} {} ({}), from {}{git}", e(&a.protocol.id), e(&a.protocol.version), a.protocol.digest, e(&a.protocol.from));
    putln!(o);
    putln!(o, "Decision: {}", decision_words(a.decision));
    if let Some(u) = a.urgency {
        let words = match u {
            crate::vocab::decision::Urgency::Urgent => "URGENT: contact a provider today",
            crate::vocab::decision::Urgency::Routine => "routine: see a provider before the next session",
        };
        putln!(o, "Urgency:  {words}");
    }
    if let Some(open) = &a.open_referral {
        putln!(o, "Open referral since {} ({}): stands until a clinician's review clears it", open.date, e(&open.rules.join(", ")));
    }
    putln!(o, "Phase:    {} ({})", e(&a.phase), e(phase_title));
    if let Some(ch) = &a.phase_change {
        putln!(o, "          moved on from `{}` today: review the new phase with the patient", e(&ch.from));
    }
    if let Some(ov) = &a.override_ {
        let note = ov.note.as_deref().map(|n| format!(": {}", e(n))).unwrap_or_default();
        putln!(o, "          pinned by a clinician override of {}{note}", ov.date);
    }
}

/// The rules that fired (with their source and the values they read) and the criteria not yet
/// met. Split out of [`text`].
fn why(o: &mut String, a: &Answer) {
    putln!(o, "Why");
    if a.reasons.is_empty() && a.not_met.is_empty() {
        putln!(o, "  no rule fired: the patient repeats the current step");
    }
    for r in &a.reasons {
        let outvoted = if r.outvoted { ", outvoted by a more conservative rule" } else { "" };
        putln!(o, "  - {} ({}{outvoted}): {}", e(&r.rule), r.decision, e(&r.message));
        if let Some(s) = &r.source {
            putln!(o, "      source: {}", e(s));
        }
        // Values of earlier sessions are in the JSON answer and in --explain; here only what
        // the last session, the log's derived values and the parameters said.
        let inputs: Vec<String> =
            r.inputs.iter().filter(|(k, _)| !k.starts_with("session ")).map(|(k, v)| e(&input_words(k, v)).into_owned()).collect();
        if !inputs.is_empty() {
            putln!(o, "      values: {}", inputs.join("; "));
        }
    }
    for u in &a.not_met {
        putln!(o, "  - not yet met for `{}`: {}", e(&u.rule), e(&u.description));
    }
}

/// The next session's date, kind and exercises with their doses. Split out of [`text`].
fn next_session(o: &mut String, a: &Answer) {
    match &a.next_session {
        None => {
            putln!(o, "Next session: none until a provider has seen the patient");
        }
        Some(ns) => {
            putln!(o, "Next session: {} ({})", ns.date, ns.kind);
            for x in &ns.exercises {
                let level = match (x.level, &x.level_name) {
                    (Some(l), Some(n)) => format!(", level {l}: {}", e(n)),
                    _ => String::new(),
                };
                putln!(o, "  - {} ({}{level}): {}", e(&x.name), e(&x.id), dose_words(x));
                if !x.cues.is_empty() {
                    putln!(o, "      cues: {}", e(&x.cues.join("; ")));
                }
            }
        }
    }
}

/// The messages for the patient and the clinician, the notes and the last review: each section
/// only when there is something to say. Split out of [`text`].
fn messages(o: &mut String, a: &Answer) {
    if !a.messages.patient.is_empty() {
        putln!(o);
        putln!(o, "Tell the patient");
        for m in &a.messages.patient {
            putln!(o, "  - {}", e(m));
        }
    }
    if !a.messages.clinician.is_empty() {
        putln!(o);
        putln!(o, "For the clinician to review");
        for m in &a.messages.clinician {
            putln!(o, "  - {}", e(m));
        }
    }
    if !a.notes.is_empty() {
        putln!(o);
        putln!(o, "Notes since the last review");
        for n in &a.notes {
            putln!(o, "  {}  {}", n.date, e(&n.text));
        }
    }
    if let Some(r) = &a.last_review {
        let by = r.by.as_deref().map(|b| format!(" by {}", e(b))).unwrap_or_default();
        let cleared = if r.cleared { "cleared" } else { "not cleared" };
        putln!(o, "Last review: {}{by}, {cleared}", r.date);
    }
}

/// What `--timeline` and `--explain` add. Split out of [`text`]: absent from a plain answer.
fn explanation(o: &mut String, a: &Answer) {
    if let Some(tl) = &a.timeline {
        putln!(o);
        putln!(o, "Timeline");
        for t in tl {
            let rules = if t.rules.is_empty() { String::new() } else { format!(" ({})", e(&t.rules.join(", "))) };
            putln!(o, "  {}  {:<12} {}{rules}", t.date, e(&t.phase), t.decision);
        }
    }
    if let Some(trace) = &a.trace {
        putln!(o);
        putln!(o, "Trace (every rule considered for the last session)");
        for t in trace {
            let inputs: Vec<String> = t.inputs.iter().map(|(k, v)| format!("{} = {}", e(k), e(&v.to_string()))).collect();
            let inputs = if inputs.is_empty() { String::new() } else { format!(": {}", inputs.join(", ")) };
            putln!(o, "  {:<10} {} [{}]{inputs}", t.outcome, e(&t.rule), t.decision);
        }
    }
}

/// Every value that comes from a file (the log or the protocol) goes through `e`, which escapes
/// control characters: a patient id holding a line break cannot forge a line of the answer.
pub fn text(a: &Answer, p: &Protocol) -> String {
    let mut o = String::new();
    heading(&mut o, a, p);
    putln!(o);
    why(&mut o, a);
    putln!(o);
    next_session(&mut o, a);
    messages(&mut o, a);
    explanation(&mut o, a);
    putln!(o);
    putln!(o, "This is a suggestion for a clinician to review, not a prescription.");
    o
}
