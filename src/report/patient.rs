//! One patient's report: the header (patient, protocol, date, decision with its urgency,
//! reasons and sources), the charts of the course, the next session as a handout in plain
//! words, and the clinician's section (reasons with their values, the full trace, overrides,
//! reviews, notes since the last review).

use super::course::{Course, param};
use super::svg::{self, Series, decision_icon, num};
use super::{Patient, esc};
use crate::engine::Protocol;
use crate::eval::Answer;
use crate::render::{dose_words, value_words};
use crate::vocab::decision::{Decision, Urgency};

/// The decision in words for the header.
pub fn decision_words(d: Decision) -> &'static str {
    match d {
        Decision::Refer => "stop and see a provider before exercising again",
        Decision::Rest => "rest before the next session",
        Decision::Regress => "scale back",
        Decision::Hold => "repeat the current step",
        Decision::Progress => "step up",
    }
}

fn urgency_words(u: Urgency) -> &'static str {
    match u {
        Urgency::Urgent => "urgent: contact a provider today",
        Urgency::Routine => "routine: see a provider before the next session",
    }
}

/// The whole page for one patient.
pub fn page(patient: &Patient, protocol: &Protocol) -> String {
    let body = format!("<main>\n{}</main>\n", section(patient, protocol, "p1", false));
    super::page(&format!("stepwise report: {}", patient.answer.patient), protocol, &body, None)
}

/// One patient's section; `prefix` keeps element ids unique on a cohort page; `in_cohort`
/// adds a link back to the table.
pub fn section(patient: &Patient, protocol: &Protocol, prefix: &str, in_cohort: bool) -> String {
    let a = &patient.answer;
    let c = &patient.course;
    let mut out = String::new();
    put!(
        out,
        "<article class=\"patient\" id=\"{prefix}\" data-patient=\"{}\" data-decision=\"{}\">\n",
        esc(&a.patient),
        a.decision.as_str()
    );
    header(&mut out, patient, protocol);
    charts(&mut out, c, a, prefix);
    handout(&mut out, a, protocol);
    clinician(&mut out, c, a);
    if in_cohort {
        out.push_str("<p class=\"back no-print\"><a href=\"#cohort\">Back to the cohort table</a></p>\n");
    }
    out.push_str("</article>\n");
    out
}

fn header(out: &mut String, patient: &Patient, protocol: &Protocol) {
    let a = &patient.answer;
    let p = protocol.reference();
    let d = a.decision;
    put!(
        out,
        "<header class=\"head\">\n<h1>Patient <span class=\"pid\">{pid}</span></h1>\n<dl class=\"meta\">\
         <div><dt>Evaluated as of</dt><dd data-as-of=\"{as_of}\">{as_of}</dd></div>\
         <div><dt>Day in programme</dt><dd>{days} (since {start})</dd></div>\
         <div><dt>Phase</dt><dd data-phase=\"{phase}\">{phase}{title}</dd></div>\
         <div><dt>Protocol</dt><dd>{id} {version}</dd></div>\
         <div><dt>Digest</dt><dd class=\"digest\">{digest}</dd></div>\
         <div><dt>Log</dt><dd>{src}</dd></div></dl>\n",
        pid = esc(&a.patient),
        as_of = a.as_of,
        days = patient.course.days_in_program(a),
        start = patient.course.start,
        phase = esc(&a.phase),
        title = protocol.model().phases.iter().find(|ph| ph.id == a.phase).map(|ph| format!(" ({})", esc(&ph.title))).unwrap_or_default(),
        id = esc(&p.id),
        version = esc(&p.version),
        digest = esc(&p.digest),
        src = esc(&patient.source),
    );
    let urgency = a
        .urgency
        .map(|u| format!("<p class=\"urgency u-{}\" data-urgency=\"{}\">{}</p>", u.as_str(), u.as_str(), urgency_words(u)))
        .unwrap_or_default();
    put!(
        out,
        "<div class=\"decision d-{d}\" data-decision=\"{d}\" role=\"status\"><span class=\"big-icon\">{icon}</span>\
         <p class=\"decision-word\">{D}</p><p class=\"decision-words\">{words}</p>{urgency}</div>\n",
        d = d.as_str(),
        D = d.as_str().to_uppercase(),
        icon = decision_icon(d),
        words = decision_words(d),
    );
    if let Some(pc) = &a.phase_change {
        put!(out, "<p class=\"notice\">Phase change: {} → {}. Review it with the patient.</p>\n", esc(&pc.from), esc(&pc.to));
    }
    if let Some(r) = &a.open_referral {
        put!(
            out,
            "<p class=\"notice alert\">Open referral since {} ({}, {}{}): every answer refers until a review clears it.</p>\n",
            r.date,
            esc(&r.rules.join(", ")),
            r.urgency.as_str(),
            if r.symptoms.is_empty() { String::new() } else { format!("; symptoms: {}", esc(&r.symptoms.join(", ").replace('_', " "))) }
        );
    }
    out.push_str("<section class=\"why\"><h2>Why</h2>\n");
    if a.reasons.is_empty() {
        out.push_str("<p>No rule fired: the current step is repeated.</p>\n");
    }
    out.push_str("<ul class=\"reasons\">\n");
    for r in a.reasons.iter().filter(|r| !r.outvoted) {
        put!(
            out,
            "<li data-rule=\"{rule}\">{icon}<strong>{rule}</strong> ({d}{u}): {msg}{src}</li>\n",
            icon = decision_icon(r.decision),
            rule = esc(&r.rule),
            d = r.decision.as_str(),
            u = r.urgency.map(|u| format!(", {}", u.as_str())).unwrap_or_default(),
            msg = esc(&r.message),
            src = r.source.as_ref().map(|s| format!("<br><span class=\"source\">Source: {}</span>", esc(s))).unwrap_or_default(),
        );
    }
    out.push_str("</ul>\n");
    if !a.not_met.is_empty() {
        out.push_str("<p>Not yet met for a step up:</p><ul class=\"not-met\">\n");
        for u in &a.not_met {
            putln!(out, "<li>{} ({}: {})</li>", esc(&u.description), esc(&u.rule), esc(&u.criterion));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n</header>\n");
}

fn figure(out: &mut String, title: &str, svg: &str, caption: &str, table: &str) {
    put!(
        out,
        "<figure class=\"fig\"><h3>{title}</h3>{svg}<figcaption>{caption}</figcaption><details class=\"data\"><summary>The chart's values as a table</summary>{table}</details></figure>\n"
    );
}

fn charts(out: &mut String, c: &Course, a: &Answer, prefix: &str) {
    out.push_str("<section class=\"course\"><h2>The course</h2>\n");
    out.push_str(&legend());
    decisions_figure(out, c, a, prefix);
    pain_figure(out, c, a, prefix);
    fatigue_figure(out, c, a, prefix);
    rom_figure(out, c, a, prefix);
    weekly_figure(out, c, a, prefix);
    out.push_str("</section>\n");
}

/// The decision after each session, with the events that shaped it, as a chart and a table.
fn decisions_figure(out: &mut String, c: &Course, a: &Answer, prefix: &str) {
    let mut t = String::from(
        "<table><thead><tr><th>date</th><th>day</th><th>kind</th><th>phase</th><th>decision</th><th>rules</th><th>events</th></tr></thead><tbody>",
    );
    for s in &c.sessions {
        let mut events = Vec::new();
        if !s.symptoms.is_empty() {
            events.push(format!("red flag: {}", s.symptoms.join(", ").replace('_', " ")));
        }
        if let Some((phase, _)) = &s.override_ {
            events.push(format!("override to {phase}"));
        }
        if s.review.is_some() {
            events.push("review".to_string());
        }
        if s.stopped {
            events.push("stopped early".to_string());
        }
        put!(
            t,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            s.date.map(|d| d.to_string()).unwrap_or_default(),
            s.day,
            esc(&s.kind.replace('_', " ")),
            esc(s.phase.as_deref().unwrap_or("")),
            s.decision.map(|d| format!("{}{}", decision_icon(d), d.as_str())).unwrap_or_default(),
            esc(&s.rules.join(", ")),
            esc(&events.join("; "))
        );
    }
    t.push_str("</tbody></table>");
    figure(
        out,
        "Decisions",
        &svg::decisions(&format!("{prefix}-decisions"), c, a),
        "The decision after each session (hover or focus a marker for its rules); events below: ! red flag, O override, V review, R rest day, S stopped early. Phases are the bands behind; grey spans with a dashed edge are gaps in training.",
        &t,
    );
}

/// Pain before, during, after and the next morning on the protocol's zones.
fn pain_figure(out: &mut String, c: &Course, a: &Answer, prefix: &str) {
    let pain = svg::pain_series(c);
    let zones = [
        (0.0, c.safe_max + 0.5, "safe", format!("safe 0-{}", num(c.safe_max))),
        (c.safe_max + 0.5, c.stop_min - 0.5, "acceptable", format!("acceptable {}-{}", num(c.safe_max + 1.0), num(c.stop_min - 1.0))),
        (c.stop_min - 0.5, 10.0, "stop", format!("stop {}-10", num(c.stop_min))),
    ];
    figure(
        out,
        "Pain",
        &svg::lines(&format!("{prefix}-pain"), "Pain (0-10)", "/10", &pain, (0.0, 10.0), &zones, c, a),
        &format!(
            "Pain before (circles), during (squares), after (diamonds) and the next morning (triangles), on the zones of the protocol: safe 0-{}, acceptable {}-{}, stop {} and above.",
            num(c.safe_max),
            num(c.safe_max + 1.0),
            num(c.stop_min - 1.0),
            num(c.stop_min)
        ),
        &series_table(&pain, c),
    );
}

/// Fatigue after each session.
fn fatigue_figure(out: &mut String, c: &Course, a: &Answer, prefix: &str) {
    let fatigue = vec![Series {
        key: "fatigue".into(),
        label: "fatigue".into(),
        points: c.sessions.iter().filter_map(|s| s.fatigue.map(|v| (s.day, v, date_of(s)))).collect(),
    }];
    figure(
        out,
        "Fatigue",
        &svg::lines(&format!("{prefix}-fatigue"), "Fatigue (0-10)", "/10", &fatigue, (0.0, 10.0), &[], c, a),
        "Fatigue after each session (rating of perceived exertion, 0-10).",
        &series_table(&fatigue, c),
    );
}

/// Range of motion per joint motion, when the log records any.
fn rom_figure(out: &mut String, c: &Course, a: &Answer, prefix: &str) {
    let names = c.rom_names();
    if !names.is_empty() {
        let rom: Vec<Series> = names
            .iter()
            .map(|n| Series {
                key: n.clone(),
                label: n.replace('_', " "),
                points: c.sessions.iter().filter_map(|s| s.rom.get(n).map(|v| (s.day, *v, date_of(s)))).collect(),
            })
            .collect();
        let values = rom.iter().flat_map(|s| s.points.iter().map(|p| p.1));
        let lo = values.clone().fold(f64::INFINITY, f64::min);
        let hi = values.fold(f64::NEG_INFINITY, f64::max);
        let (lo, hi) = ((lo / 10.0).floor() * 10.0 - 10.0, (hi / 10.0).ceil() * 10.0 + 10.0);
        figure(
            out,
            "Range of motion",
            &svg::lines(&format!("{prefix}-rom"), "Range of motion (degrees)", "°", &rom, (lo, hi), &[], c, a),
            &format!("Range of motion in degrees: {}.", esc(&names.join(", ").replace('_', " "))),
            &series_table(&rom, c),
        );
    }
}

/// Training minutes per week of the programme.
fn weekly_figure(out: &mut String, c: &Course, a: &Answer, prefix: &str) {
    let mut t = String::from("<table><thead><tr><th>week</th><th>days</th><th>training minutes</th></tr></thead><tbody>");
    for (w, m) in c.trained_weeks() {
        put!(t, "<tr><td>{}</td><td>{}-{}</td><td>{}</td></tr>", w + 1, w * 7, w * 7 + 6, num(*m));
    }
    t.push_str("</tbody></table>");
    figure(
        out,
        "Weekly training minutes",
        &svg::weekly(&format!("{prefix}-weekly"), c, a),
        "Training minutes per week of the programme (timed exercise except mobility; weeks without training are not listed).",
        &t,
    );
}

fn date_of(s: &super::course::Session) -> String {
    s.date.map(|d| d.to_string()).unwrap_or_default()
}

fn series_table(series: &[Series], c: &Course) -> String {
    let mut t = String::from("<table><thead><tr><th>date</th><th>day</th>");
    for s in series {
        put!(t, "<th>{}</th>", esc(&s.label));
    }
    t.push_str("</tr></thead><tbody>");
    for sess in &c.sessions {
        let date = date_of(sess);
        let cells: Vec<String> = series
            .iter()
            .map(|s| s.points.iter().find(|p| p.2 == date && p.0 == sess.day).map_or_else(|| "–".into(), |p| num(p.1)))
            .collect();
        if cells.iter().all(|c| c == "–") {
            continue;
        }
        put!(t, "<tr><td>{date}</td><td>{}</td>", sess.day);
        for cell in cells {
            put!(t, "<td>{cell}</td>");
        }
        t.push_str("</tr>");
    }
    t.push_str("</tbody></table>");
    t
}

/// The key to the decision shapes and event letters, shown once above the charts.
pub fn legend() -> String {
    let mut out = String::from("<ul class=\"legend\" aria-label=\"Key to the decision markers\">");
    for d in Decision::ALL {
        put!(out, "<li>{}{}</li>", decision_icon(d), d.as_str());
    }
    out.push_str("<li><span class=\"ev-key ev-flag\">!</span>red flag</li><li><span class=\"ev-key ev-override\">O</span>override</li><li><span class=\"ev-key ev-review\">V</span>review</li><li><span class=\"ev-key ev-rest\">R</span>rest day</li><li><span class=\"ev-key ev-stopped\">S</span>stopped early</li><li><span class=\"gap-key\"></span>gap in training</li></ul>\n");
    out
}

/// Symptoms to act on, in the patient's words: the log's symptom vocabulary.
/// Each line as an HTML list item.
fn list_items(lines: &[&str]) -> String {
    let mut out = String::new();
    for t in lines {
        put!(out, "<li>{t}</li>");
    }
    out
}

const CALL_TODAY: [&str; 5] = [
    "sudden sharp pain, for example after a fall or a knock",
    "you cannot put weight on the leg",
    "a fever, or the hip is hot or red",
    "numbness or tingling in the leg",
    "the hip or leg gives way",
];
const CALL_SOON: [&str; 5] = [
    "pain wakes you at night or is there when you rest",
    "pain stops you walking or doing daily tasks",
    "the hip is swollen",
    "you have a fall or a blow to the hip",
    "you lose weight without trying",
];

fn handout(out: &mut String, a: &Answer, protocol: &Protocol) {
    let model = protocol.model();
    let safe = param(model, "low_pain_max").unwrap_or(3.0);
    let stop = param(model, "stop_zone_pain").unwrap_or(6.0);
    out.push_str("<section class=\"handout\"><h2>Your next session</h2>\n");
    put!(out, "<p class=\"for\">For <strong>{}</strong>, written {}.</p>\n", esc(&a.patient), a.as_of);
    match &a.next_session {
        None => {
            let when = match a.urgency {
                Some(Urgency::Urgent) => "today",
                _ => "before your next session",
            };
            put!(
                out,
                "<p class=\"stop-box\"><strong>Do not exercise for now.</strong> Please contact the clinic {when}: a provider needs to see you before you exercise again.</p>\n"
            );
        }
        Some(next) => {
            put!(
                out,
                "<p class=\"next-date\" data-next-date=\"{}\">Next session: <strong>{}</strong>{}</p>\n",
                next.date,
                next.date,
                if next.kind == "exercise" { String::new() } else { format!(" ({})", esc(&next.kind.replace('_', " "))) }
            );
            if next.exercises.is_empty() {
                out.push_str("<p>No exercises: rest, and keep to your normal daily activity.</p>\n");
            }
            out.push_str("<ol class=\"exercises\">\n");
            for e in &next.exercises {
                let dose = dose_words(e);
                put!(
                    out,
                    "<li class=\"exercise\" data-exercise=\"{id}\" data-dose=\"{dose}\"><h3>{name}</h3>{level}<p class=\"dose\">{dose}</p>",
                    id = esc(&e.id),
                    name = esc(&e.name),
                    level = e.level_name.as_ref().map(|l| format!("<p class=\"level\">{}</p>", esc(l))).unwrap_or_default(),
                    dose = esc(&dose),
                );
                if !e.cues.is_empty() {
                    out.push_str("<ul class=\"cues\">");
                    for cue in &e.cues {
                        put!(out, "<li>{}</li>", esc(cue));
                    }
                    out.push_str("</ul>");
                }
                out.push_str("</li>\n");
            }
            out.push_str("</ol>\n");
        }
    }
    if !a.messages.patient.is_empty() {
        out.push_str("<div class=\"messages\">");
        for m in &a.messages.patient {
            put!(out, "<p>{}</p>", esc(m));
        }
        out.push_str("</div>\n");
    }
    put!(
        out,
        "<div class=\"when-stop\"><div><h3>How much pain is all right</h3><ul>\
         <li><strong>0 to {s}</strong> out of 10: fine, carry on.</li>\
         <li><strong>{a1} to {a2}</strong> out of 10: go easier, do less, and write it down.</li>\
         <li><strong>{st} or more</strong> out of 10, or pain that is worse the next morning: stop the session and tell the clinic.</li></ul>\
         <p class=\"small\">Write down your pain before, during and after each session, and the next morning.</p></div>\
         <div><h3>Stop and call the clinic today if</h3><ul>{today}</ul></div>\
         <div><h3>Tell the clinic before your next session if</h3><ul>{soon}</ul></div></div>\n",
        s = num(safe),
        a1 = num(safe + 1.0),
        a2 = num(stop - 1.0),
        st = num(stop),
        today = list_items(&CALL_TODAY),
        soon = list_items(&CALL_SOON),
    );
    out.push_str("</section>\n");
}

fn inputs_words(inputs: &std::collections::BTreeMap<String, serde_json::Value>) -> String {
    inputs.iter().map(|(k, v)| format!("{} {}", k.replace(['_', '.'], " "), value_words(v))).collect::<Vec<_>>().join("; ")
}

fn clinician(out: &mut String, c: &Course, a: &Answer) {
    out.push_str("<section class=\"clinician\"><h2>For the clinician</h2>\n");
    if !a.messages.clinician.is_empty() {
        out.push_str("<h3>To review</h3><ul class=\"to-review\">");
        for m in &a.messages.clinician {
            put!(out, "<li>{}</li>", esc(m));
        }
        out.push_str("</ul>\n");
    }
    reasons_table(out, a);
    overrides(out, c, a);
    review_and_notes(out, a);
    trace_table(out, a);
    out.push_str("</section>\n");
}

/// The rules that fired, with their sources and the values they read.
fn reasons_table(out: &mut String, a: &Answer) {
    out.push_str("<h3>Rules that fired</h3>\n");
    if a.reasons.is_empty() {
        out.push_str("<p>None.</p>\n");
    } else {
        out.push_str("<table class=\"reasons-table\"><thead><tr><th>rule</th><th>decision</th><th>message</th><th>source</th><th>values</th></tr></thead><tbody>");
        for r in &a.reasons {
            put!(
                out,
                "<tr{cls}><td>{rule}</td><td>{icon}{d}{ov}</td><td>{msg}</td><td>{src}</td><td>{inp}</td></tr>",
                cls = if r.outvoted { " class=\"outvoted\"" } else { "" },
                rule = esc(&r.rule),
                icon = decision_icon(r.decision),
                d = r.decision.as_str(),
                ov = if r.outvoted { " (outvoted)" } else { "" },
                msg = esc(&r.message),
                src = esc(r.source.as_deref().unwrap_or("")),
                inp = esc(&inputs_words(&r.inputs)),
            );
        }
        out.push_str("</tbody></table>\n");
    }
}

/// The override in force and every override of the log.
fn overrides(out: &mut String, c: &Course, a: &Answer) {
    if let Some(o) = &a.override_ {
        put!(
            out,
            "<p>Override in force since {}: phase {}{}.</p>\n",
            o.date,
            esc(&o.phase),
            o.note.as_ref().map(|n| format!(" ({})", esc(n))).unwrap_or_default()
        );
    }
    let overrides: Vec<String> = c
        .sessions
        .iter()
        .filter_map(|s| {
            s.override_.as_ref().map(|(p, n)| {
                format!("<li>{}: phase {}{}</li>", date_of(s), esc(p), n.as_ref().map(|n| format!(" ({})", esc(n))).unwrap_or_default())
            })
        })
        .collect();
    put!(
        out,
        "<h3>Overrides</h3>{}\n",
        if overrides.is_empty() { "<p>None.</p>".to_string() } else { format!("<ul>{}</ul>", overrides.concat()) }
    );
}

/// The last review and the notes written since.
fn review_and_notes(out: &mut String, a: &Answer) {
    match &a.last_review {
        Some(r) => {
            put!(
                out,
                "<h3>Last review</h3><p>{}{}{}{}</p>\n",
                r.date,
                r.by.as_ref().map(|b| format!(" by {}", esc(b))).unwrap_or_default(),
                r.note.as_ref().map(|n| format!(": {}", esc(n))).unwrap_or_default(),
                if r.cleared { " (referral cleared)" } else { "" }
            );
        }
        None => out.push_str("<h3>Last review</h3><p>None recorded.</p>\n"),
    }
    out.push_str("<h3>Notes since the last review</h3>\n");
    if a.notes.is_empty() {
        out.push_str("<p>None.</p>\n");
    } else {
        out.push_str("<ul class=\"notes\">");
        for n in &a.notes {
            put!(out, "<li><span class=\"date\">{}</span> {}</li>", n.date, esc(&n.text));
        }
        out.push_str("</ul>\n");
    }
}

/// Every rule considered for the last session (only when the trace was asked for), folded.
fn trace_table(out: &mut String, a: &Answer) {
    if let Some(trace) = &a.trace {
        put!(
            out,
            "<details class=\"trace\"><summary>Full trace: every rule considered for the last session ({} rules, {} fired)</summary>\
             <table><thead><tr><th>rule</th><th>outcome</th><th>decision</th><th>values</th></tr></thead><tbody>",
            trace.len(),
            trace.iter().filter(|t| t.outcome == "fired").count()
        );
        for t in trace {
            put!(
                out,
                "<tr class=\"o-{cls}\" data-rule=\"{rule}\" data-outcome=\"{o}\"><td>{rule}</td><td>{o}</td><td>{d}</td><td>{inp}</td></tr>",
                cls = t.outcome.replace(' ', "-"),
                rule = esc(&t.rule),
                o = t.outcome,
                d = t.decision.as_str(),
                inp = esc(&inputs_words(&t.inputs)),
            );
        }
        out.push_str("</tbody></table></details>\n");
    }
}
