//! The example patient logs under `examples/`: each runs through `stepwise next --format json`
//! with the embedded hip protocol and gives exactly the decision, urgency, phase, fired rules and
//! key doses its leading comment promises. Adding an example without a row in `EXAMPLES` fails,
//! and together the examples must cover every decision and every phase.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::{Test, fired, root};

/// What one example file must answer.
struct Expect {
    file: &'static str,
    decision: &'static str,
    /// The urgency of a referral (`urgent` or `routine`); `None` for every other decision.
    urgency: Option<&'static str>,
    /// The phase of the answer (after any phase change at the last session).
    phase: &'static str,
    /// Every rule that fired, in rule order.
    fired: &'static [&'static str],
    /// `(from, to)` when the last session changes the phase.
    phase_change: Option<(&'static str, &'static str)>,
    /// The phase a clinician override pinned, if any.
    pinned: Option<&'static str>,
    /// The next session's date; `None` only after `refer` (no next session) or where noted.
    next_date: Option<&'static str>,
    /// `(exercise, field, value)` of the next session's doses.
    next: &'static [(&'static str, &'static str, f64)],
}

const EXAMPLES: &[Expect] = &[
    Expect {
        file: "01-walking-progress.yaml",
        decision: "progress",
        urgency: None,
        phase: "reintroduce",
        fired: &["clean-sessions-progress"],
        phase_change: None,
        pinned: None,
        next_date: Some("2026-03-07"),
        next: &[("walking", "minutes", 16.5), ("bridge", "level", 1.0)],
    },
    Expect {
        file: "02-walk-too-far-regress.yaml",
        decision: "regress",
        urgency: None,
        phase: "reintroduce",
        fired: &["pain-rose-during-or-after", "next-morning-not-settled", "rom-decreased", "session-spike", "beyond-prescription"],
        phase_change: None,
        pinned: None,
        next_date: Some("2026-03-07"),
        // A quarter off the prescribed 16.5 minutes, in half minutes.
        next: &[("walking", "minutes", 12.0)],
    },
    Expect {
        file: "03-tired-after-work-hold.yaml",
        decision: "hold",
        urgency: None,
        phase: "reintroduce",
        fired: &["high-fatigue"],
        phase_change: None,
        pinned: None,
        next_date: Some("2026-03-06"),
        next: &[("walking", "minutes", 15.0)],
    },
    Expect {
        file: "04-missing-morning-rating-hold.yaml",
        decision: "hold",
        urgency: None,
        phase: "reintroduce",
        fired: &["next-morning-missing"],
        phase_change: None,
        pinned: None,
        next_date: Some("2026-03-06"),
        next: &[("walking", "minutes", 15.0), ("bridge", "level", 1.0)],
    },
    Expect {
        file: "05-not-yet-cleared-refer.yaml",
        decision: "refer",
        urgency: Some("routine"),
        phase: "reintroduce",
        fired: &["not-cleared"],
        phase_change: None,
        pinned: None,
        next_date: None,
        next: &[],
    },
    Expect {
        file: "06-fall-on-ice-refer.yaml",
        decision: "refer",
        urgency: Some("urgent"),
        phase: "reintroduce",
        fired: &[
            "suspected-structural-injury",
            "fall-or-impact",
            "pain-limits-daily-life",
            "high-pain-at-rest",
            "stop-zone-pain-off-exercise",
            "pain-above-usual",
        ],
        phase_change: None,
        pinned: None,
        next_date: None,
        next: &[],
    },
    Expect {
        file: "07-fever-red-flag-refer.yaml",
        decision: "refer",
        urgency: Some("urgent"),
        phase: "strengthen",
        fired: &["infection-signs", "swelling", "high-pain-at-rest", "stop-zone-pain-off-exercise", "pain-above-usual"],
        phase_change: None,
        pinned: Some("strengthen"),
        next_date: None,
        next: &[],
    },
    Expect {
        file: "08-flare-rest.yaml",
        decision: "rest",
        urgency: None,
        phase: "strengthen",
        fired: &["flare", "pain-rose-during-or-after", "next-morning-not-settled", "pain-above-usual"],
        phase_change: None,
        pinned: Some("strengthen"),
        // Three days of relative rest, then one level down.
        next_date: Some("2026-04-15"),
        next: &[("bridge", "level", 2.0), ("clamshell", "level", 2.0)],
    },
    Expect {
        file: "09-reintroduce-to-strengthen.yaml",
        decision: "progress",
        urgency: None,
        phase: "strengthen",
        fired: &["clean-sessions-progress"],
        phase_change: Some(("reintroduce", "strengthen")),
        pinned: None,
        next_date: Some("2026-03-17"),
        next: &[
            ("walking", "minutes", 15.0),
            ("bridge", "level", 3.0),
            ("clamshell", "level", 3.0),
            ("side_lying_leg_lift", "level", 2.0),
            ("bird_dog", "level", 1.0),
            ("dead_bug", "level", 1.0),
        ],
    },
    Expect {
        file: "10-override-bridge-progress.yaml",
        decision: "progress",
        urgency: None,
        phase: "strengthen",
        fired: &["clean-sessions-progress"],
        phase_change: None,
        pinned: Some("strengthen"),
        next_date: Some("2026-04-18"),
        next: &[("bridge", "level", 3.0), ("bridge", "sets", 3.0), ("bridge", "reps", 10.0)],
    },
    Expect {
        file: "11-return-gate-not-met-hold.yaml",
        decision: "hold",
        urgency: None,
        phase: "strengthen",
        fired: &["return-gate-not-met", "clean-sessions-progress"],
        phase_change: None,
        pinned: None,
        next_date: Some("2026-07-09"),
        next: &[("bridge", "level", 5.0), ("clamshell", "level", 5.0), ("side_lying_leg_lift", "level", 4.0), ("bird_dog", "level", 3.0)],
    },
    Expect {
        file: "12-strengthen-to-return.yaml",
        decision: "progress",
        urgency: None,
        phase: "return",
        fired: &["clean-sessions-progress"],
        phase_change: Some(("strengthen", "return")),
        pinned: None,
        next_date: Some("2026-07-09"),
        next: &[
            ("walk_jog_intervals", "level", 1.0),
            ("walk_jog_intervals", "run_min", 1.0),
            ("walk_jog_intervals", "walk_min", 2.0),
            ("bridge", "level", 5.0),
        ],
    },
    Expect {
        file: "13-runner-walk-jog-progress.yaml",
        decision: "progress",
        urgency: None,
        phase: "return",
        fired: &["clean-sessions-progress"],
        phase_change: None,
        pinned: Some("return"),
        // Two days after the run: walk-jog intervals are never planned on consecutive days.
        next_date: Some("2026-05-09"),
        next: &[("walk_jog_intervals", "level", 2.0), ("walk_jog_intervals", "run_min", 2.0), ("walk_jog_intervals", "minutes", 24.0)],
    },
    Expect {
        file: "14-run-two-days-running-rest.yaml",
        decision: "rest",
        urgency: None,
        phase: "return",
        fired: &["run-on-consecutive-days", "clean-sessions-progress"],
        phase_change: None,
        pinned: Some("return"),
        next_date: Some("2026-05-10"),
        next: &[("walk_jog_intervals", "level", 2.0)],
    },
    Expect {
        file: "15-runner-hip-pain-regress.yaml",
        decision: "regress",
        urgency: None,
        phase: "return",
        fired: &["pain-rose-during-or-after", "next-morning-not-settled", "pain-above-usual"],
        phase_change: None,
        pinned: Some("return"),
        next_date: Some("2026-05-09"),
        next: &[("walk_jog_intervals", "level", 2.0), ("walk_jog_intervals", "run_min", 2.0)],
    },
    Expect {
        file: "16-long-run-spike-hold.yaml",
        decision: "hold",
        urgency: None,
        phase: "return",
        fired: &["session-spike", "beyond-prescription"],
        phase_change: None,
        pinned: Some("return"),
        next_date: Some("2026-05-12"),
        next: &[("walk_jog_intervals", "level", 3.0), ("walk_jog_intervals", "minutes", 25.0)],
    },
    Expect {
        file: "17-five-days-in-a-row-rest.yaml",
        decision: "rest",
        urgency: None,
        phase: "reintroduce",
        fired: &["consecutive-training-days", "clean-sessions-progress"],
        phase_change: None,
        pinned: None,
        next_date: Some("2026-03-08"),
        next: &[("walking", "minutes", 15.0), ("bridge", "level", 1.0)],
    },
    Expect {
        file: "18-cross-training-progress.yaml",
        decision: "progress",
        urgency: None,
        phase: "return",
        fired: &["clean-sessions-progress"],
        phase_change: None,
        pinned: Some("return"),
        next_date: Some("2026-05-15"),
        next: &[("cycling", "minutes", 20.0), ("bridge", "level", 4.0), ("side_lying_leg_lift", "level", 4.0)],
    },
    Expect {
        file: "19-runner-groin-pain-refer.yaml",
        decision: "refer",
        urgency: Some("urgent"),
        phase: "return",
        fired: &["pain-limits-daily-life", "runner-bone-stress-signs", "pain-above-usual", "still-scaled-back"],
        phase_change: None,
        pinned: Some("return"),
        next_date: None,
        next: &[],
    },
    Expect {
        file: "20-abduction-pain-regress.yaml",
        decision: "regress",
        urgency: None,
        phase: "strengthen",
        fired: &["pain-rose-during-or-after", "next-morning-not-settled", "pain-above-usual"],
        phase_change: None,
        pinned: Some("strengthen"),
        next_date: Some("2026-04-10"),
        // Only the exercise that carries the pain steps back.
        next: &[("side_lying_leg_lift", "level", 1.0), ("side_lying_leg_lift", "reps", 5.0), ("bridge", "level", 2.0)],
    },
    Expect {
        file: "21-bird-dog-form-hold.yaml",
        decision: "hold",
        urgency: None,
        phase: "strengthen",
        fired: &["target-not-completed"],
        phase_change: None,
        pinned: Some("strengthen"),
        next_date: Some("2026-04-17"),
        next: &[("bird_dog", "level", 3.0), ("bird_dog", "hold_s", 10.0), ("dead_bug", "level", 3.0)],
    },
    Expect {
        file: "22-poor-sleep-progress.yaml",
        decision: "progress",
        urgency: None,
        phase: "reintroduce",
        fired: &["clean-sessions-progress"],
        phase_change: None,
        pinned: None,
        next_date: Some("2026-03-07"),
        next: &[("walking", "minutes", 16.5)],
    },
];

fn example_files() -> BTreeSet<String> {
    std::fs::read_dir(root().join("examples"))
        .expect("examples/ exists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect()
}

fn run_example(file: &str) -> Value {
    let path = root().join("examples").join(file);
    let out = Test::new().args(&["next", path.to_str().expect("utf-8 path"), "--format", "json"]).run();
    assert_eq!(out.status, 0, "{file}: next failed: {}", out.stderr);
    serde_json::from_str(&out.stdout).expect("json answer")
}

fn next_exercise<'a>(a: &'a Value, id: &str, file: &str) -> &'a Value {
    a["next_session"]["exercises"]
        .as_array()
        .expect("exercises")
        .iter()
        .find(|e| e["id"] == id)
        .unwrap_or_else(|| panic!("{file}: `{id}` is not in the next session"))
}

#[test]
fn every_example_answers_as_its_comment_says() {
    for x in EXAMPLES {
        let a = run_example(x.file);
        assert_eq!(a["decision"], x.decision, "{}: decision", x.file);
        match x.urgency {
            Some(u) => assert_eq!(a["urgency"], u, "{}: urgency", x.file),
            None => assert!(a["urgency"].is_null(), "{}: unexpected urgency {}", x.file, a["urgency"]),
        }
        assert_eq!(a["phase"], x.phase, "{}: phase", x.file);
        assert_eq!(fired(&a), x.fired, "{}: fired rules", x.file);
        match x.phase_change {
            Some((from, to)) => {
                assert_eq!(a["phase_change"]["from"], from, "{}: phase change", x.file);
                assert_eq!(a["phase_change"]["to"], to, "{}: phase change", x.file);
            }
            None => assert!(a.get("phase_change").is_none(), "{}: unexpected phase change {}", x.file, a["phase_change"]),
        }
        match x.pinned {
            Some(phase) => assert_eq!(a["override"]["phase"], phase, "{}: override", x.file),
            None => assert!(a.get("override").is_none(), "{}: unexpected override", x.file),
        }
        if x.decision == "refer" {
            assert!(a["next_session"].is_null(), "{}: no next session after refer", x.file);
            continue;
        }
        if let Some(date) = x.next_date {
            assert_eq!(a["next_session"]["date"], date, "{}: next session date", x.file);
        }
        for &(id, field, value) in x.next {
            let e = next_exercise(&a, id, x.file);
            assert_eq!(e[field].as_f64(), Some(value), "{}: next `{id}` {field} in {e}", x.file);
        }
    }
}

#[test]
fn every_example_file_has_a_row_and_every_row_a_file() {
    let files = example_files();
    let rows: BTreeSet<String> = EXAMPLES.iter().map(|x| x.file.to_string()).collect();
    assert_eq!(rows.len(), EXAMPLES.len(), "a file is listed twice in EXAMPLES");
    let missing: Vec<&String> = files.difference(&rows).collect();
    assert!(missing.is_empty(), "examples without an expectation in tests/examples.rs: {missing:?}");
    let stale: Vec<&String> = rows.difference(&files).collect();
    assert!(stale.is_empty(), "rows in tests/examples.rs without a file under examples/: {stale:?}");
}

#[test]
fn example_files_are_named_and_commented() {
    for file in example_files() {
        let numbered = file.len() > 3 && file.as_bytes()[..2].iter().all(u8::is_ascii_digit) && file.as_bytes()[2] == b'-';
        assert!(numbered && file.ends_with(".yaml"), "`{file}` is not named NN-short-name.yaml");
        let text = std::fs::read_to_string(root().join("examples").join(&file)).expect("read");
        assert!(text.starts_with("# "), "{file}: must start with a comment explaining the situation");
        let x = EXAMPLES.iter().find(|x| x.file == file).expect("row (checked by another test)");
        let comment: String = text.lines().take_while(|l| l.starts_with('#')).collect::<Vec<_>>().join("\n");
        let promise = match x.urgency {
            Some(u) => format!("Expected: {}, {u},", x.decision.to_uppercase()),
            None => format!("Expected: {}", x.decision.to_uppercase()),
        };
        assert!(comment.contains(&promise), "{file}: the leading comment must say `{promise}`");
        for rule in x.fired {
            assert!(comment.contains(rule), "{file}: the leading comment must name rule `{rule}`");
        }
    }
}

#[test]
fn examples_cover_every_decision_and_every_phase() {
    let decisions: BTreeSet<&str> = EXAMPLES.iter().map(|x| x.decision).collect();
    assert_eq!(decisions, BTreeSet::from(["hold", "progress", "refer", "regress", "rest"]));
    let phases: BTreeSet<&str> = EXAMPLES.iter().map(|x| x.phase).collect();
    assert_eq!(phases, BTreeSet::from(["reintroduce", "return", "strengthen"]));
    // The situations the examples are there to show.
    let has = |f: &dyn Fn(&Expect) -> bool| EXAMPLES.iter().any(f);
    assert!(has(&|x| x.phase_change == Some(("reintroduce", "strengthen")) && x.pinned.is_none()), "a replayed reintroduce exit");
    assert!(has(&|x| x.phase_change == Some(("strengthen", "return"))), "a strengthen exit through the return gate");
    assert!(has(&|x| x.phase == "return" && x.next.iter().any(|n| n.0 == "walk_jog_intervals")), "a runner on walk-jog intervals");
    assert!(has(&|x| x.pinned.is_some()), "a clinician override");
    assert!(has(&|x| x.fired.contains(&"flare")), "a flare");
    assert!(has(&|x| x.urgency == Some("urgent")), "an urgent red flag");
    assert!(has(&|x| x.urgency == Some("routine")), "a routine referral");
    assert!(EXAMPLES.len() >= 12);
}

#[test]
fn example_dates_are_2026_and_strictly_increasing() {
    for file in example_files() {
        let text = std::fs::read_to_string(root().join("examples").join(&file)).expect("read");
        let mut previous = String::new();
        for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
            // `- date: D` (block style) or `- { date: D, ...` (flow style).
            let Some(i) = line.find("date: ") else { continue };
            let date = &line[i + 6..i + 16];
            assert!(date.starts_with("2026-"), "{file}: date `{date}` is not in 2026");
            assert!(date > previous.as_str(), "{file}: `{date}` does not come after `{previous}`");
            previous = date.to_string();
        }
    }
}

#[test]
fn examples_pass_check_against_the_protocol() {
    let paths: Vec<String> = example_files().iter().map(|f| root().join("examples").join(f).to_string_lossy().into_owned()).collect();
    let mut args = vec!["check", "--log"];
    args.extend(paths.iter().map(String::as_str));
    let out = Test::new().args(&args).run();
    assert_eq!(out.status, 0, "check failed: {}", out.stderr);
    assert!(out.stdout.ends_with(&format!(" rules, {} log(s)\n", paths.len())), "{}", out.stdout);
}
