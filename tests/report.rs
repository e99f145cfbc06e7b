//! `stepwise report`: the HTML page's content (decision, doses, the charts' data points
//! against the log's values), that it references nothing outside itself, that strings from
//! the log are escaped, that it is deterministic, and the cohort page (order, error rows).

use crate::support::{Test, answer, root};

const LOG: &str = "\
patient: P-77
protocol: hip-return
start: 2026-03-02
intake: { onset: gradual, cause: overuse, provider_cleared: true }
sessions:
  - { date: 2026-03-02, pain: { before: 2, during: 3, after: 2, next_day: 1 }, fatigue: 4, rom: { hip_flexion: 100 }, exercises: [{ id: walking, minutes: 15 }] }
  - { date: 2026-03-04, pain: { before: 1, during: 2, after: 2, next_day: 1 }, fatigue: 3, rom: { hip_flexion: 104 }, exercises: [{ id: walking, minutes: 20 }] }
  - { date: 2026-03-12, pain: { before: 2, during: 4, after: 5, next_day: 4 }, fatigue: 6, rom: { hip_flexion: 101 }, exercises: [{ id: walking, minutes: 25 }, { id: hip_mobility, minutes: 10 }], notes: \"felt <b>sore</b>\" }
";

/// `(date, day, [before, during, after, next_day], fatigue, hip flexion)` as in [`LOG`].
const VALUES: [(&str, u32, [u32; 4], u32, u32); 3] =
    [("2026-03-02", 0, [2, 3, 2, 1], 4, 100), ("2026-03-04", 2, [1, 2, 2, 1], 3, 104), ("2026-03-12", 10, [2, 4, 5, 4], 6, 101)];

/// Runs `report log.yaml -o report.html` and returns the page.
fn report(log: &str) -> String {
    let t = Test::new().file("log.yaml", log).args(&["report", "log.yaml", "-o", "report.html"]);
    t.expect(0, "", "");
    std::fs::read_to_string(t.path().join("report.html")).expect("report written")
}

/// Every `name="value"` attribute value in the page.
fn attribute_values<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let pat = format!(" {name}=\"");
    html.match_indices(&pat).filter_map(|(i, _)| html[i + pat.len()..].split('"').next()).collect()
}

#[test]
fn patient_page_has_the_decision_header_and_provenance() {
    let html = report(LOG);
    let a = answer(LOG, &[]);
    assert_eq!(a["decision"], "regress");
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.contains("<h1>Patient <span class=\"pid\">P-77</span></h1>"));
    assert!(html.contains("<div class=\"decision d-regress\" data-decision=\"regress\" role=\"status\">"));
    assert!(html.contains("<p class=\"decision-word\">REGRESS</p><p class=\"decision-words\">scale back</p>"));
    assert!(html.contains("<dd data-as-of=\"2026-03-12\">2026-03-12</dd>"), "the date evaluated is the answer's as_of");
    assert!(html.contains("<dd>hip-return 1.6.0</dd>"));
    let digest = a["protocol"]["digest"].as_str().expect("digest");
    assert!(html.contains(&format!("<dd class=\"digest\">{digest}</dd>")));
    // Every reason that decided, with its source; the outvoted ones only in the clinician table.
    for r in a["reasons"].as_array().expect("reasons") {
        let rule = r["rule"].as_str().expect("rule");
        let in_why = html.contains(&format!("<li data-rule=\"{rule}\">"));
        assert_eq!(in_why, r.get("outvoted").is_none(), "{rule}");
        assert!(
            html.contains(&format!("<tr><td>{rule}</td>")) || html.contains(&format!("<tr class=\"outvoted\"><td>{rule}</td>")),
            "{rule}"
        );
    }
    assert!(
        html.contains(
            "Source: Seed guidance (&quot;pain should not increase during or after exercise; if symptoms return, scale back&quot;)"
        )
    );
}

#[test]
fn handout_lists_each_exercise_with_its_dose_and_cues() {
    let html = report(LOG);
    let a = answer(LOG, &[]);
    let next = &a["next_session"];
    assert!(html.contains("<p class=\"next-date\" data-next-date=\"2026-03-13\">Next session: <strong>2026-03-13</strong></p>"));
    let exercises = next["exercises"].as_array().expect("exercises");
    assert_eq!(attribute_values(&html, "data-exercise").len(), exercises.len());
    assert!(
        html.contains("<li class=\"exercise\" data-exercise=\"walking\" data-dose=\"11 min\"><h3>Walking</h3><p class=\"dose\">11 min</p>")
    );
    assert!(html.contains("<li>stop if you start to limp</li>"), "form cues from the exercise template");
    for e in exercises {
        assert!(html.contains(&format!("data-exercise=\"{}\"", e["id"].as_str().expect("id"))));
    }
    assert!(html.contains("<h3>Stop and call the clinic today if</h3>"));
    assert!(html.contains("<li><strong>6 or more</strong> out of 10"), "the stop zone from stop_zone_pain");
}

#[test]
fn chart_points_are_the_log_values() {
    let html = report(LOG);
    for (date, day, pain, fatigue, rom) in VALUES {
        for (series, v) in ["before", "during", "after", "next_day"].iter().zip(pain) {
            let point = format!("<g class=\"pt\" data-series=\"{series}\" data-date=\"{date}\" data-day=\"{day}\" data-value=\"{v}\">");
            assert!(html.contains(&point), "missing {point}");
        }
        assert!(html.contains(&format!("data-series=\"fatigue\" data-date=\"{date}\" data-day=\"{day}\" data-value=\"{fatigue}\"")));
        assert!(html.contains(&format!("data-series=\"hip_flexion\" data-date=\"{date}\" data-day=\"{day}\" data-value=\"{rom}\"")));
    }
    assert_eq!(html.matches("<g class=\"pt\" data-series=\"during\"").count(), 3);
    // Weekly training minutes: mobility does not count (10 minutes of hip mobility in week 2).
    assert!(html.contains("data-week=\"1\" data-minutes=\"35\""));
    assert!(html.contains("data-week=\"2\" data-minutes=\"25\""));
    // The decision after every session, from the replay's timeline, with its rules on hover.
    let decisions = attribute_values(&html, "data-decision");
    assert_eq!(
        decisions,
        ["regress", "regress", "hold", "hold", "regress"],
        "the article's and the header's decision, then one marker per session"
    );
    assert!(html.contains("<g class=\"mark d-hold\" tabindex=\"0\" data-date=\"2026-03-04\" data-day=\"2\" data-decision=\"hold\" data-rules=\"small-pain-rise, session-spike, beyond-prescription\""));
    assert!(html.contains("<title>2026-03-04 (day 2): HOLD (small-pain-rise, session-spike, beyond-prescription)</title>"));
    // The 8 days without training are a gap; pain zones from the protocol's parameters.
    assert!(html.contains("data-gap-days=\"8\""));
    // The pain scale runs from y 210 (0) up to y 22 (10), 18.8 per point: the safe zone ends
    // half-way between 3 and 4, the stop zone starts half-way between 5 and 6.
    assert!(html.contains("<rect class=\"zone safe\" x=\"48\" y=\"144.2\" width=\"742\" height=\"65.8\"/><text class=\"zone-label\" x=\"798\" y=\"181.1\">safe 0-3</text>"));
    assert!(html.contains("<rect class=\"zone stop\" x=\"48\" y=\"22\" width=\"742\" height=\"84.6\"/>"));
    // Pain during 3 on day 0, as a square (the during series) at x 48, y 210 - 3 x 18.8.
    assert!(html.contains("data-value=\"3\"><title>2026-03-02 (day 0): pain during 3/10</title><rect x=\"48\" y=\"153.6\""));
    assert!(html.contains(">acceptable 4-5</text>") && html.contains(">stop 6-10</text>"));
    // Text alternatives: every chart has a title and a description, and a table of its values.
    assert_eq!(html.matches("<svg class=\"chart\"").count(), 5);
    assert_eq!(html.matches("role=\"img\" aria-labelledby=").count(), 5);
    assert_eq!(html.matches("<summary>The chart's values as a table</summary>").count(), 5);
}

#[test]
fn clinician_section_has_trace_and_notes() {
    let html = report(LOG);
    assert!(html.contains("<li><span class=\"date\">2026-03-12</span> felt &lt;b&gt;sore&lt;&#x2F;b&gt;</li>"));
    assert!(html.contains("<tr class=\"o-fired\" data-rule=\"training-gap\" data-outcome=\"fired\">"));
    assert!(html.contains("Full trace: every rule considered for the last session"));
}

/// Nothing outside the page: no `src`, no link off the page, no style import or `url()`.
fn assert_self_contained(html: &str) {
    for attr in ["src", "href", "xlink:href", "action", "srcset", "data"] {
        for v in attribute_values(html, attr) {
            assert!(v.starts_with('#'), "{attr}=\"{v}\" points outside the page");
        }
    }
    for bad in ["@import", "url(", "<link", "<img", "<iframe", "<object", "<embed", "<base", "fetch(", "XMLHttpRequest"] {
        assert!(!html.contains(bad), "the page holds {bad}");
    }
    assert!(!html.contains("<script src"));
}

#[test]
fn pages_reference_nothing_external() {
    assert_self_contained(&report(LOG));
    let t = Test::new().args(&["report", &root().join("examples").display().to_string(), "-o", "cohort.html"]);
    t.expect(0, "", "");
    let html = std::fs::read_to_string(t.path().join("cohort.html")).expect("cohort written");
    assert_self_contained(&html);
}

#[test]
fn hostile_strings_are_escaped() {
    let log = LOG
        .replace("patient: P-77", "patient: \"<script>alert(1)</script>\\\"'&x\"")
        .replace("felt <b>sore</b>", "</li><img src=x onerror=alert(2)>");
    let html = report(&log);
    assert!(!html.contains("<script>alert"), "a patient id never opens a script");
    assert!(!html.contains("<img"), "a note never adds an element");
    assert!(html.contains("<span class=\"pid\">&lt;script&gt;alert(1)&lt;&#x2F;script&gt;&quot;&#x27;&amp;x</span>"));
    assert!(html.contains("data-patient=\"&lt;script&gt;alert(1)&lt;&#x2F;script&gt;&quot;&#x27;&amp;x\""));
    assert!(html.contains("&lt;&#x2F;li&gt;&lt;img src=x onerror=alert(2)&gt;"));
    assert_self_contained(&html);
}

#[test]
fn output_is_deterministic_and_stdout_is_the_same_page() {
    let t = Test::new().file("log.yaml", LOG).args(&["report", "log.yaml", "-o", "a.html"]);
    t.expect(0, "", "");
    let first = std::fs::read(t.path().join("a.html")).expect("a");
    let again = Test::new().file("log.yaml", LOG).args(&["report", "log.yaml"]).run();
    assert_eq!(again.status, 0);
    assert_eq!(again.stdout.as_bytes(), &first[..], "same inputs, same bytes, to a file or to stdout");
}

#[test]
fn a_bad_log_writes_no_page_and_exits_4() {
    let bad = LOG.replace("during: 3", "during: 12");
    let t = Test::new().file("log.yaml", &bad).args(&["report", "log.yaml", "-o", "report.html", "--message-format", "plain"]);
    let out = t.run();
    assert_eq!(out.status, 4);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.starts_with("error[E0601]: 12 is out of range: expected a whole number from 0 to 10"), "{}", out.stderr);
    assert!(!t.path().join("report.html").exists());
}

#[test]
fn the_output_never_replaces_an_input() {
    Test::new().file("log.yaml", LOG).args(&["report", "log.yaml", "-o", "log.yaml"]).expect(
        2,
        "",
        "error: `log.yaml` is both an input and an output: name another output file\n",
    );
}

#[test]
fn cohort_page_orders_the_most_urgent_first_and_keeps_failed_logs() {
    let progress = std::fs::read_to_string(root().join("examples/01-walking-progress.yaml")).expect("example");
    let refer = std::fs::read_to_string(root().join("examples/07-fever-red-flag-refer.yaml")).expect("example");
    let rest = std::fs::read_to_string(root().join("examples/08-flare-rest.yaml")).expect("example");
    let t = Test::new()
        .file("logs/a-progress.yaml", &progress)
        .file("logs/b-broken.yaml", "patient: P-bad\nstart: 2026-03-02\nsessions: [{ date: 2026-03-02, pian: 3 }]\n")
        .file("logs/c-refer.yaml", &refer)
        .file(
            "more.jsonl",
            &format!(
                "{}\n",
                serde_json::to_string(&serde_json::json!({"patient": "P-J1", "start": "2026-03-02", "sessions": []})).expect("json")
            ),
        )
        .file("logs/d-rest.yaml", &rest)
        .args(&["report", "logs", "more.jsonl", "-o", "cohort.html", "--message-format", "plain"]);
    let out = t.run();
    assert_eq!(out.status, 4, "a failed log makes the run exit 4; {}", out.stderr);
    assert!(out.stderr.starts_with("error[E0607]: unknown key `pian`\n  --> logs/b-broken.yaml:3:32\n"), "{}", out.stderr);
    let html = std::fs::read_to_string(t.path().join("cohort.html")).expect("cohort written despite a bad log");
    let rows: Vec<&str> = html.split("<tr data-order=").skip(1).chain(html.split("<tr class=\"error-row\" data-order=").skip(1)).collect();
    assert_eq!(rows.len(), 5, "one row per log");
    let patients = attribute_values(&html[html.find("<tbody>").expect("table")..html.find("</tbody>").expect("table")], "data-patient");
    assert_eq!(patients, ["P-bad", "P-1007", "P-J1", "P-1008", "P-1001"], "error, urgent then routine refer, rest, progress");
    // Each row links to the patient's section.
    for (i, anchor) in ["p2", "p3", "p5", "p4", "p1"].iter().enumerate() {
        assert!(html.contains(&format!("<a href=\"#{anchor}\">{}</a>", patients[i])), "{anchor}");
        assert!(html.contains(&format!("id=\"{anchor}\"")), "{anchor}");
    }
    assert!(html.contains("<p class=\"summary\" data-logs=\"5\" data-failed=\"1\">5 logs: 2 refer, 1 rest, 0 regress, 0 hold, 1 progress; 1 could not be answered.</p>"), "{}", &html[..2000]);
    assert!(html.contains("<h1>Could not answer P-bad</h1>"));
    assert!(html.contains("<h1>Cohort</h1>\n<p class=\"provenance\">Protocol hip-return 1.6.0 <span class=\"digest\">sha256:"));
    assert!(html.contains("data-decision=\"refer\" data-urgency=\"urgent\""));
    assert!(html.contains("<svg class=\"spark\""));
    assert_self_contained(&html);
}

#[test]
fn control_characters_and_bidi_overrides_never_reach_the_page() {
    let html = report("patient: \"P\\u001b[31m-\\u202eX\"\nstart: 2026-01-05\nsessions: []\n");
    assert!(!html.contains('\u{1b}') && !html.contains('\u{202e}'));
    assert!(html.contains("<span class=\"pid\">P\\u{1b}[31m-\\u{202e}X</span>"));
}

#[test]
fn a_log_without_sessions_is_a_page_with_empty_charts() {
    let html = report("patient: P-0\nstart: 2026-01-05\nintake: { provider_cleared: true }\nsessions: []\n");
    assert!(html.contains("<dd data-as-of=\"2026-01-05\">2026-01-05</dd>"));
    assert_eq!(html.matches("<svg class=\"chart\"").count(), 4, "no range of motion recorded: no chart for it");
    assert!(!html.contains("data-value="), "no points");
    assert!(html.contains("data-week=\"1\" data-minutes=\"0\""));
    assert_self_contained(&html);
}

#[test]
fn cohort_from_stdin_or_forced_for_one_log_and_deterministic() {
    let line = serde_json::to_string(&serde_json::json!({
        "patient": "P-S1", "start": "2026-03-02", "intake": {"provider_cleared": true},
        "sessions": [{"date": "2026-03-02", "pain": {"before": 2, "during": 2, "after": 2, "next_day": 2}, "fatigue": 3}]
    }))
    .expect("json");
    let from_stdin = Test::new().args(&["report", "-"]).stdin(&format!("{line}\n")).run();
    assert_eq!(from_stdin.status, 0, "{}", from_stdin.stderr);
    assert!(from_stdin.stdout.contains("<a href=\"#p1\">P-S1</a>"), "a cohort row for the JSON Lines record");
    assert!(from_stdin.stdout.contains("<p class=\"summary\" data-logs=\"1\" data-failed=\"0\">"));

    let t = Test::new().file("log.yaml", LOG).args(&["report", "--cohort", "log.yaml"]);
    let forced = t.run();
    assert_eq!(forced.status, 0, "{}", forced.stderr);
    assert!(forced.stdout.contains("<table id=\"cohort-table\""), "--cohort gives the cohort page for one log");
    assert!(forced.stdout.contains("<article class=\"patient\" id=\"p1\" data-patient=\"P-77\" data-decision=\"regress\">"));

    let examples = root().join("examples").display().to_string();
    let first = Test::new().args(&["report", &examples]).run();
    let again = Test::new().args(&["report", &examples]).run();
    assert!(first.status == 0 && first.stdout.contains("22 logs: 4 refer, 3 rest, 3 regress, 5 hold, 7 progress;"));
    assert!(first.stdout == again.stdout, "answered on many threads, the page is the same bytes");
}
