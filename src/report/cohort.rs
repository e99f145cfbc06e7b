//! The cohort page: one row per log (decision, urgency, phase, days in the programme, last
//! pain, flags, a pain sparkline), the most urgent first (logs that failed, then refer, rest,
//! regress, hold, progress), each linking to the patient's own section further down.
//! Sorting and filtering work in the page itself (a few lines of inline script, no server,
//! no network); without script the table is still complete, in its default order.

use super::patient::section;
use super::svg::{decision_icon, num, sparkline};
use super::{Entry, Failed, Patient, esc};
use crate::engine::Protocol;
use crate::vocab::decision::{Decision, Urgency};

/// The sort key of a row: failed logs first, then decisions most conservative first, urgent
/// referrals before routine ones; ties keep the input order.
fn rank(e: &Entry) -> u8 {
    match e {
        Entry::Failed(_) => 0,
        Entry::Answered(p) => match (p.answer.decision, p.answer.urgency) {
            (Decision::Refer, Some(Urgency::Urgent)) => 1,
            (Decision::Refer, _) => 2,
            (Decision::Rest, _) => 3,
            (Decision::Regress, _) => 4,
            (Decision::Hold, _) => 5,
            (Decision::Progress, _) => 6,
        },
    }
}

/// Flags of an answered patient, in words.
fn flags(p: &Patient) -> Vec<String> {
    let a = &p.answer;
    let mut f = Vec::new();
    if let Some(r) = &a.open_referral {
        f.push(format!("open referral since {}", r.date));
    }
    if let Some(last) = p.course.sessions.last()
        && !last.symptoms.is_empty()
    {
        f.push(format!("red flag: {}", last.symptoms.join(", ").replace('_', " ")));
    }
    if let Some(pc) = &a.phase_change {
        f.push(format!("phase change {} → {}", pc.from, pc.to));
    }
    if let Some(o) = &a.override_ {
        f.push(format!("override: {}", o.phase));
    }
    if let Some(&(from, to)) = p.course.gaps().last() {
        f.push(format!("gap of {} days (day {from})", to - from));
    }
    if !a.notes.is_empty() {
        f.push(format!("{} note(s) to read", a.notes.len()));
    }
    f
}

/// One log's part of the cohort page, drawn as soon as the log is answered so that the log
/// itself can be dropped: its table row (without its place in the sorted table, known only
/// at the end) and its section further down the page.
pub struct Drawn {
    pub row: Row,
    pub section: String,
}

/// A table row waiting for its place: the sort key, the decision (`None`: the log failed) for
/// the counts, and the row's HTML around its `data-order`.
pub struct Row {
    rank: u8,
    decision: Option<Decision>,
    open: &'static str,
    rest: String,
}

/// Draws the `index`-th log of the page (0-based, input order).
pub fn draw(entry: &Entry, index: usize, protocol: &Protocol) -> Drawn {
    let anchor = format!("p{}", index + 1);
    match entry {
        Entry::Answered(p) => Drawn {
            row: Row {
                rank: rank(entry),
                decision: Some(p.answer.decision),
                open: "<tr data-order=\"",
                rest: answered_row(p, rank(entry), &anchor),
            },
            section: section(p, protocol, &anchor, true),
        },
        Entry::Failed(f) => Drawn {
            row: Row { rank: 0, decision: None, open: "<tr class=\"error-row\" data-order=\"", rest: failed_row(f, &anchor) },
            section: failed_section(f, &anchor),
        },
    }
}

/// Writes the cohort page: the table of `rows` (drawn in input order), then every patient's
/// section, copied from `sections` (the drawn sections, in input order).
pub fn write_page(
    out: &mut dyn std::io::Write,
    rows: &[Row],
    sections: &mut dyn std::io::Read,
    protocol: &Protocol,
) -> std::io::Result<()> {
    out.write_all(super::page_head("stepwise report: cohort").as_bytes())?;
    let mut top = String::from("<main>\n<section id=\"cohort\" class=\"cohort\"><h1>Cohort</h1>\n");
    top.push_str(&summary(rows, protocol));
    top.push_str(&table(rows));
    top.push_str("</section>\n");
    out.write_all(top.as_bytes())?;
    std::io::copy(sections, out)?;
    out.write_all(b"</main>\n")?;
    out.write_all(super::page_tail(protocol, Some(super::style::COHORT_JS)).as_bytes())
}

/// The provenance line, the counts per decision and the filter controls above the table.
fn summary(entries: &[Row], protocol: &Protocol) -> String {
    let mut out = String::new();
    let counts: Vec<String> = Decision::ALL
        .iter()
        .map(|d| {
            let n = entries.iter().filter(|r| r.decision == Some(*d)).count();
            format!("{n} {}", d.as_str())
        })
        .collect();
    let failed = entries.iter().filter(|r| r.decision.is_none()).count();
    let p = protocol.reference();
    put!(
        out,
        "<p class=\"provenance\">Protocol {} {} <span class=\"digest\">{}</span>, from {}</p>\n",
        esc(&p.id),
        esc(&p.version),
        esc(&p.digest),
        esc(&p.from)
    );
    put!(
        out,
        "<p class=\"summary\" data-logs=\"{}\" data-failed=\"{failed}\">{} logs: {}; {failed} could not be answered.</p>\n",
        entries.len(),
        entries.len(),
        counts.join(", ")
    );
    out.push_str(
        "<div class=\"controls no-print\" role=\"search\"><label>Filter <input id=\"filter\" type=\"search\" placeholder=\"patient, phase, flag…\"></label> \
         <label>Decision <select id=\"decision-filter\"><option value=\"\">all</option><option>refer</option><option>rest</option>\
         <option>regress</option><option>hold</option><option>progress</option><option value=\"error\">error</option></select></label> \
         <span id=\"shown\" aria-live=\"polite\"></span></div>\n",
    );
    out
}

/// The sortable table: the most urgent first, one row per log (failed logs too).
fn table(rows: &[Row]) -> String {
    let mut order: Vec<(usize, &Row)> = rows.iter().enumerate().collect();
    order.sort_by_key(|&(i, row)| (row.rank, i));
    let mut out = String::from("<table id=\"cohort-table\" class=\"cohort-table\"><thead><tr>");
    for (key, label, kind) in [
        ("patient", "Patient", "text"),
        ("rank", "Decision", "num"),
        ("urgency", "Urgency", "text"),
        ("phase", "Phase", "text"),
        ("days", "Days in programme", "num"),
        ("pain", "Last pain", "num"),
        ("flags", "Flags", "text"),
    ] {
        put!(
            out,
            "<th scope=\"col\" aria-sort=\"none\"><button type=\"button\" data-key=\"{key}\" data-kind=\"{kind}\">{label}</button></th>"
        );
    }
    out.push_str("<th scope=\"col\">Pain over time</th></tr></thead>\n<tbody>\n");
    for (n, &(_, row)) in order.iter().enumerate() {
        out.push_str(row.open);
        put!(out, "{n}\"");
        out.push_str(&row.rest);
    }
    out.push_str("</tbody></table>\n");
    out
}

/// A table row of an answered log after its `data-order`; its `data-` attributes are what the
/// page sorts and filters on.
fn answered_row(p: &Patient, rank: u8, anchor: &str) -> String {
    let a = &p.answer;
    let last = p.course.sessions.iter().rev().find_map(|s| s.worst_pain().map(|v| (v, s.date)));
    let flags = flags(p);
    format!(
        " data-patient=\"{pid}\" data-rank=\"{rank}\" data-decision=\"{d}\" data-urgency=\"{u}\" data-phase=\"{phase}\" data-days=\"{days}\" data-pain=\"{pain}\" data-flags=\"{fl}\">\
         <td><a href=\"#{anchor}\">{pid}</a></td><td class=\"d-{d}\">{icon}{d}</td><td>{u}</td><td>{phase}</td><td>{days}</td><td>{painw}</td><td>{fl}</td><td>{spark}</td></tr>\n",
        pid = esc(&a.patient),
        d = a.decision.as_str(),
        icon = decision_icon(a.decision),
        u = a.urgency.map_or("", |u| u.as_str()),
        phase = esc(&a.phase),
        days = p.course.days_in_program(a),
        pain = last.map_or("-1".to_string(), |(v, _)| num(v)),
        painw =
            last.map_or("none recorded".to_string(), |(v, d)| format!("{}/10 ({})", num(v), d.map(|d| d.to_string()).unwrap_or_default())),
        fl = esc(&flags.join("; ")),
        spark = sparkline(&p.course),
    )
}

/// A table row of a log that could not be answered, after its `data-order`: sorted first, the
/// problem as its flags.
fn failed_row(f: &Failed, anchor: &str) -> String {
    let pid = f.patient.clone().unwrap_or_else(|| "(unknown)".to_string());
    format!(
        " data-patient=\"{pid}\" data-rank=\"0\" data-decision=\"error\" data-urgency=\"\" data-phase=\"\" data-days=\"-1\" data-pain=\"-1\" data-flags=\"{msg}\">\
         <td><a href=\"#{anchor}\">{pid}</a></td><td class=\"error\">error</td><td></td><td></td><td></td><td></td><td>{msg}</td><td></td></tr>\n",
        pid = esc(&pid),
        msg = esc(&format!("{}: {}", f.source, f.message)),
    )
}

/// The page section of a log that could not be answered: every problem, as `check` shows it.
fn failed_section(f: &Failed, anchor: &str) -> String {
    format!(
        "<article class=\"patient failed\" id=\"{anchor}\"><h1>Could not answer {pid}</h1><p>{src}: {msg}</p><pre>{details}</pre>\
         <p class=\"back no-print\"><a href=\"#cohort\">Back to the cohort table</a></p></article>\n",
        pid = esc(f.patient.as_deref().unwrap_or("a log")),
        src = esc(&f.source),
        msg = esc(&f.message),
        details = esc(&f.details),
    )
}
