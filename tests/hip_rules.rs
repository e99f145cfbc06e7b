//! Every rule of the shipped hip protocol (`rules/*.yaml`), one test where it fires and one
//! near miss where it does not (`<rule>_fires` / `<rule>_does_not_fire`); a check that no rule
//! of the protocol lacks its pair; the phase gates (reintroduce exit by replay, the
//! strengthen exit through the return-to-running gate, holding while the gate is not met, an
//! override pinning the phase); the `pain_model` parameter (`strict` against `monitoring`);
//! and regression tests for what counts as a clean session (only at the current level, never
//! with swelling).

use serde_json::Value;

use crate::support::{Test, answer, fired, root};

/// Rule ids that have a `_fires` and a `_does_not_fire` test below.
const COVERED: &[&str] = &[
    "not-cleared",
    "fall-or-impact-sharp-pain",
    "pain-limits-daily-life",
    "red-flag-symptom",
    "flare",
    "consecutive-training-days",
    "run-on-consecutive-days",
    "pain-rose-during-or-after",
    "next-morning-not-settled",
    "exercise-stopped-with-pain",
    "rom-decreased",
    "swelling-after-exercise",
    "high-fatigue",
    "next-morning-missing",
    "session-spike",
    "weekly-volume-rise",
    "target-not-completed",
    "return-gate-not-met",
    "clean-sessions-progress",
];

const CLEARED: &str = "{ onset: gradual, cause: overuse, provider_cleared: true }";
const RUNNER: &str = "{ onset: gradual, cause: overuse, provider_cleared: true, goals: [running] }";

/// A patient log from an intake and sessions written as YAML flow mappings, oldest first.
fn log(intake: &str, sessions: &[&str]) -> String {
    let mut text = format!("patient: P-0200\nstart: 2026-03-02\nintake: {intake}\nsessions:\n");
    for s in sessions {
        text.push_str("  - ");
        text.push_str(s);
        text.push('\n');
    }
    text
}

/// A clean 15-minute walk: pain 2 throughout and settled next morning, fatigue 3.
fn walk(date: &str) -> String {
    format!(
        "{{ date: {date}, pain: {{ before: 2, during: 2, after: 2, next_day: 2 }}, fatigue: 3, exercises: [{{ id: walking, minutes: 15 }}] }}"
    )
}

/// A walk with the given pain (before, during, after, next morning) and fatigue.
fn walk_with(date: &str, pain: [u8; 4], fatigue: u8) -> String {
    let [b, d, a, n] = pain;
    format!(
        "{{ date: {date}, pain: {{ before: {b}, during: {d}, after: {a}, next_day: {n} }}, fatigue: {fatigue}, exercises: [{{ id: walking, minutes: 15 }}] }}"
    )
}

/// A clean session with `extra` fields added (e.g. `symptoms: [swelling]`).
fn walk_and(date: &str, extra: &str) -> String {
    format!(
        "{{ date: {date}, pain: {{ before: 2, during: 2, after: 2, next_day: 2 }}, fatigue: 3, {extra}, exercises: [{{ id: walking, minutes: 15 }}] }}"
    )
}

/// Runs a log and returns (decision, phase, fired rules).
fn run(log: &str) -> (String, String, Vec<String>) {
    let a = answer(log, &[]);
    (a["decision"].as_str().unwrap_or_default().to_string(), a["phase"].as_str().unwrap_or_default().to_string(), fired(&a))
}

fn next<'a>(a: &'a Value, id: &str) -> &'a Value {
    a["next_session"]["exercises"].as_array().expect("next session").iter().find(|e| e["id"] == id).expect("exercise in the next session")
}

// The coverage check.

/// Every rule id of the shipped protocol, by a line scan of `rules/*.yaml` for `- id:`.
fn shipped_rule_ids() -> Vec<String> {
    let mut files: Vec<_> = std::fs::read_dir(root().join("rules"))
        .expect("rules/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    let mut ids = Vec::new();
    for f in files {
        for line in std::fs::read_to_string(&f).expect("read rule file").lines() {
            if let Some(id) = line.trim_start().strip_prefix("- id:") {
                ids.push(id.trim().trim_matches(|c| c == '"' || c == '\'').to_string());
            }
        }
    }
    ids
}

#[test]
fn every_shipped_rule_has_a_fire_and_a_near_miss_test() {
    let ids = shipped_rule_ids();
    assert_eq!(ids.len(), 19, "rules in the shipped protocol: {ids:?}");
    let missing: Vec<&String> = ids.iter().filter(|id| !COVERED.contains(&id.as_str())).collect();
    assert!(missing.is_empty(), "rules without a fire/not-fire pair in tests/hip_rules.rs: {missing:?}");
    let stale: Vec<&&str> = COVERED.iter().filter(|c| !ids.iter().any(|id| id == *c)).collect();
    assert!(stale.is_empty(), "COVERED lists rules the protocol no longer has: {stale:?}");
    // The pair really exists in this file, not only in the list.
    let source = include_str!("hip_rules.rs");
    for id in COVERED {
        let name = id.replace('-', "_");
        for suffix in ["_fires()", "_does_not_fire()"] {
            assert!(source.contains(&format!("fn {name}{suffix}")), "no test `{name}{suffix}` for rule `{id}`");
        }
    }
}

// Refer.

#[test]
fn not_cleared_fires() {
    let not_cleared = log("{ onset: sudden, cause: unknown, provider_cleared: false }", &[&walk("2026-03-02")]);
    assert_eq!(run(&not_cleared), ("refer".into(), "reintroduce".into(), vec!["not-cleared".to_string()]));
    // No intake at all, and no sessions yet: the intake screening still answers.
    let no_intake = "patient: P-0200\nstart: 2026-03-02\n";
    assert_eq!(run(no_intake), ("refer".into(), "reintroduce".into(), vec!["not-cleared".to_string()]));
}

#[test]
fn not_cleared_does_not_fire() {
    let a = answer(&log(CLEARED, &[&walk("2026-03-02")]), &[]);
    assert_eq!(a["decision"], "hold");
    assert!(fired(&a).is_empty(), "{:?}", fired(&a));
}

#[test]
fn fall_or_impact_sharp_pain_fires() {
    let l = log(CLEARED, &[&walk("2026-03-02"), "{ date: 2026-03-04, kind: check_in, pain: { before: 6 }, symptoms: [sharp_pain] }"]);
    assert_eq!(run(&l), ("refer".into(), "reintroduce".into(), vec!["fall-or-impact-sharp-pain".to_string()]));
}

#[test]
fn fall_or_impact_sharp_pain_does_not_fire() {
    // Severe pain during exercise, but no sudden sharp pain reported: scale back, not refer.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 7, 5, 2], 4)]);
    assert_eq!(run(&l), ("regress".into(), "reintroduce".into(), vec!["pain-rose-during-or-after".to_string()]));
}

#[test]
fn pain_limits_daily_life_fires() {
    for symptom in ["walking_limited", "night_pain", "daily_tasks_limited"] {
        let l = log(CLEARED, &[&walk("2026-03-02"), &walk_and("2026-03-04", &format!("symptoms: [{symptom}]"))]);
        // The session is otherwise clean: refer outranks the progress that fired too.
        assert_eq!(
            run(&l),
            ("refer".into(), "reintroduce".into(), vec!["pain-limits-daily-life".to_string(), "clean-sessions-progress".to_string()]),
            "{symptom}"
        );
    }
}

#[test]
fn pain_limits_daily_life_does_not_fire() {
    // Night pain was reported two sessions ago and has gone: only the latest session counts.
    let l = log(CLEARED, &[&walk_and("2026-03-02", "symptoms: [night_pain]"), &walk("2026-03-04"), &walk("2026-03-06")]);
    assert_eq!(run(&l), ("progress".into(), "reintroduce".into(), vec!["clean-sessions-progress".to_string()]));
}

#[test]
fn red_flag_symptom_fires() {
    for symptom in ["fever", "numbness", "giving_way"] {
        let l = log(CLEARED, &[&walk("2026-03-02"), &walk_and("2026-03-04", &format!("symptoms: [{symptom}]"))]);
        assert_eq!(
            run(&l),
            ("refer".into(), "reintroduce".into(), vec!["red-flag-symptom".to_string(), "clean-sessions-progress".to_string()]),
            "{symptom}"
        );
    }
}

#[test]
fn red_flag_symptom_does_not_fire() {
    // Swelling alone is not a red flag: it scales back.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_and("2026-03-04", "symptoms: [swelling]")]);
    assert_eq!(run(&l), ("regress".into(), "reintroduce".into(), vec!["swelling-after-exercise".to_string()]));
}

// Rest.

#[test]
fn flare_fires() {
    // Next morning 6: three points over the baseline of 2, and at least 6/10.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 2, 2, 6], 3)]);
    let a = answer(&l, &[]);
    assert_eq!(a["decision"], "rest");
    assert_eq!(fired(&a), ["flare", "next-morning-not-settled"]);
    // Two days of relative rest, then scaled back (walking a quarter shorter, but not under 10).
    assert_eq!(a["next_session"]["date"], "2026-03-07");
    assert_eq!(next(&a, "walking")["minutes"], 11.3);
}

#[test]
fn flare_does_not_fire() {
    // Next morning 5: four over the baseline but under 6/10.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 2, 2, 5], 3)]);
    assert_eq!(run(&l), ("regress".into(), "reintroduce".into(), vec!["next-morning-not-settled".to_string()]));
    // Next morning 6, but only two over a baseline of 4.
    let l = log(CLEARED, &[&walk_with("2026-03-02", [4, 4, 4, 4], 3), &walk_with("2026-03-04", [4, 4, 4, 6], 3)]);
    assert_eq!(run(&l), ("regress".into(), "reintroduce".into(), vec!["next-morning-not-settled".to_string()]));
}

#[test]
fn consecutive_training_days_fires() {
    let days = ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"].map(walk);
    let l = log(CLEARED, &days.each_ref().map(String::as_str));
    let a = answer(&l, &[]);
    assert_eq!(a["decision"], "rest");
    assert_eq!(fired(&a), ["consecutive-training-days", "clean-sessions-progress"]);
    // One rest day, then the dose is repeated (no regress rule fired).
    assert_eq!(a["next_session"]["date"], "2026-03-08");
    assert_eq!(next(&a, "walking")["minutes"], 15.0);
}

#[test]
fn consecutive_training_days_does_not_fire() {
    // Four days in a row.
    let days = ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"].map(walk);
    assert_eq!(run(&log(CLEARED, &days.each_ref().map(String::as_str))).2, ["clean-sessions-progress"]);
    // Five training days, but a rest day logged in the middle breaks the run.
    let l = log(
        CLEARED,
        &[
            &walk("2026-03-02"),
            &walk("2026-03-03"),
            "{ date: 2026-03-04, kind: rest }",
            &walk("2026-03-05"),
            &walk("2026-03-06"),
            &walk("2026-03-07"),
        ],
    );
    assert_eq!(run(&l).2, ["clean-sessions-progress"]);
}

/// A walk-jog session at stage `level`, clean, pinned into the return phase when `pin` is set.
fn run_session(date: &str, level: u8, pin: bool) -> String {
    let minutes = [21, 24, 25, 30, 36, 40][usize::from(level) - 1];
    let pin = if pin { "override: { phase: return, note: gate met at the clinic }, " } else { "" };
    format!(
        "{{ date: {date}, {pin}pain: {{ before: 1, during: 1, after: 1, next_day: 1 }}, fatigue: 4, exercises: [{{ id: walk_jog_intervals, level: {level}, minutes: {minutes} }}] }}"
    )
}

#[test]
fn run_on_consecutive_days_fires() {
    let l = log(RUNNER, &[&run_session("2026-05-05", 1, true), &run_session("2026-05-06", 1, false)]);
    assert_eq!(
        run(&l),
        ("rest".into(), "return".into(), vec!["run-on-consecutive-days".to_string(), "clean-sessions-progress".to_string()])
    );
}

#[test]
fn run_on_consecutive_days_does_not_fire() {
    // Two days apart.
    let l = log(RUNNER, &[&run_session("2026-05-05", 1, true), &run_session("2026-05-07", 1, false)]);
    assert_eq!(run(&l), ("progress".into(), "return".into(), vec!["clean-sessions-progress".to_string()]));
    // Cycling on the day after a run is cross-training, not a run.
    let cycle = "{ date: 2026-05-06, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: cycling, minutes: 20 }] }";
    let l = log(RUNNER, &[&run_session("2026-05-05", 1, true), cycle]);
    assert_eq!(run(&l), ("progress".into(), "return".into(), vec!["clean-sessions-progress".to_string()]));
}

// Regress.

#[test]
fn pain_rose_during_or_after_fires() {
    // One point during is already a rise under the strict model.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 3, 2, 2], 3)]);
    assert_eq!(run(&l), ("regress".into(), "reintroduce".into(), vec!["pain-rose-during-or-after".to_string()]));
    // And after.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 2, 3, 2], 3)]);
    assert_eq!(run(&l).2, ["pain-rose-during-or-after"]);
}

#[test]
fn pain_rose_during_or_after_does_not_fire() {
    // Pain 3 throughout: high-ish but not rising over this session's baseline.
    let l = log(CLEARED, &[&walk_with("2026-03-02", [3, 3, 3, 3], 3), &walk_with("2026-03-04", [3, 3, 3, 3], 3)]);
    assert_eq!(run(&l), ("progress".into(), "reintroduce".into(), vec!["clean-sessions-progress".to_string()]));
}

#[test]
fn next_morning_not_settled_fires() {
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 2, 2, 3], 3)]);
    assert_eq!(run(&l), ("regress".into(), "reintroduce".into(), vec!["next-morning-not-settled".to_string()]));
}

#[test]
fn next_morning_not_settled_does_not_fire() {
    // Back to the baseline of 2 by the next morning.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 2, 2, 2], 3)]);
    assert_eq!(run(&l), ("progress".into(), "reintroduce".into(), vec!["clean-sessions-progress".to_string()]));
}

#[test]
fn exercise_stopped_with_pain_fires() {
    let stopped = "{ date: 2026-03-04, pain: { before: 2, during: 4, after: 2, next_day: 2 }, fatigue: 3, exercises: [{ id: walking, minutes: 8, completed: false }] }";
    let a = answer(&log(CLEARED, &[&walk("2026-03-02"), stopped]), &[]);
    assert_eq!(a["decision"], "regress");
    assert_eq!(fired(&a), ["pain-rose-during-or-after", "exercise-stopped-with-pain", "target-not-completed"]);
}

#[test]
fn exercise_stopped_with_pain_does_not_fire() {
    // Stopped early, but pain during stayed at the baseline: hold, not regress.
    let stopped = "{ date: 2026-03-04, pain: { before: 2, during: 2, after: 2, next_day: 2 }, fatigue: 3, exercises: [{ id: walking, minutes: 8, completed: false }] }";
    assert_eq!(
        run(&log(CLEARED, &[&walk("2026-03-02"), stopped])),
        ("hold".into(), "reintroduce".into(), vec!["target-not-completed".to_string()])
    );
}

#[test]
fn rom_decreased_fires() {
    // Hip flexion 110 -> 105: a fall of 5 degrees, the threshold.
    let l = log(CLEARED, &[&walk_and("2026-03-02", "rom: { hip_flexion: 110 }"), &walk_and("2026-03-04", "rom: { hip_flexion: 105 }")]);
    assert_eq!(run(&l), ("regress".into(), "reintroduce".into(), vec!["rom-decreased".to_string()]));
}

#[test]
fn rom_decreased_does_not_fire() {
    // 110 -> 106: four degrees.
    let l = log(CLEARED, &[&walk_and("2026-03-02", "rom: { hip_flexion: 110 }"), &walk_and("2026-03-04", "rom: { hip_flexion: 106 }")]);
    assert_eq!(run(&l), ("progress".into(), "reintroduce".into(), vec!["clean-sessions-progress".to_string()]));
    // A fall in a motion measured for the first time cannot be a fall.
    let l = log(
        CLEARED,
        &[&walk_and("2026-03-02", "rom: { hip_flexion: 110 }"), &walk_and("2026-03-04", "rom: { hip_flexion: 110, hip_abduction: 20 }")],
    );
    assert_eq!(run(&l).2, ["clean-sessions-progress"]);
}

#[test]
fn swelling_after_exercise_fires() {
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_and("2026-03-04", "symptoms: [swelling]")]);
    let a = answer(&l, &[]);
    assert_eq!(a["decision"], "regress");
    assert_eq!(fired(&a), ["swelling-after-exercise"]);
    assert_eq!(next(&a, "walking")["minutes"], 11.3);
}

#[test]
fn swelling_after_exercise_does_not_fire() {
    // Swelling last time, none now.
    let l = log(CLEARED, &[&walk_and("2026-03-02", "symptoms: [swelling]"), &walk("2026-03-04"), &walk("2026-03-06")]);
    assert_eq!(run(&l), ("progress".into(), "reintroduce".into(), vec!["clean-sessions-progress".to_string()]));
}

// Hold.

#[test]
fn high_fatigue_fires() {
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 2, 2, 2], 7)]);
    assert_eq!(run(&l), ("hold".into(), "reintroduce".into(), vec!["high-fatigue".to_string()]));
}

#[test]
fn high_fatigue_does_not_fire() {
    // Fatigue 6: too tired for a clean session (over 5), so no progress, but under the hold
    // threshold of 7; nothing fires and the dose is repeated.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 2, 2, 2], 6)]);
    let a = answer(&l, &[]);
    assert_eq!(a["decision"], "hold");
    assert!(fired(&a).is_empty(), "{:?}", fired(&a));
}

#[test]
fn next_morning_missing_fires() {
    let l = log(
        CLEARED,
        &[
            &walk("2026-03-02"),
            "{ date: 2026-03-04, pain: { before: 2, during: 2, after: 2 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }] }",
        ],
    );
    assert_eq!(run(&l), ("hold".into(), "reintroduce".into(), vec!["next-morning-missing".to_string()]));
}

#[test]
fn next_morning_missing_does_not_fire() {
    // A next-morning rating of 0 is a rating.
    let l = log(CLEARED, &[&walk_with("2026-03-02", [0, 0, 0, 0], 3), &walk_with("2026-03-04", [0, 0, 0, 0], 3)]);
    assert_eq!(run(&l), ("progress".into(), "reintroduce".into(), vec!["clean-sessions-progress".to_string()]));
    // A check-in is not an exercise session: it needs no next-morning rating.
    let l = log(CLEARED, &[&walk("2026-03-02"), "{ date: 2026-03-04, kind: check_in, pain: { before: 2 } }"]);
    assert_eq!(run(&l).2, Vec::<String>::new());
}

/// A clean walk of `minutes`.
fn walk_for(date: &str, minutes: &str) -> String {
    format!(
        "{{ date: {date}, pain: {{ before: 2, during: 2, after: 2, next_day: 2 }}, fatigue: 3, exercises: [{{ id: walking, minutes: {minutes} }}] }}"
    )
}

#[test]
fn session_spike_fires() {
    // 19.6 minutes after a 30-day longest of 15: over 1.3 times.
    let l = log(CLEARED, &[&walk_for("2026-03-02", "15"), &walk_for("2026-03-04", "15"), &walk_for("2026-03-06", "19.6")]);
    let a = answer(&l, &[]);
    assert_eq!(a["decision"], "hold");
    assert_eq!(fired(&a), ["session-spike"]);
    // Hold repeats what was done for an exercise dosed by steps.
    assert_eq!(next(&a, "walking")["minutes"], 19.6);
    // A 20-minute walk 33 days ago is outside the 30-day window: 20 after 15 is a spike.
    let l = log(CLEARED, &[&walk_for("2026-03-02", "20"), &walk_for("2026-04-02", "15"), &walk_for("2026-04-04", "20")]);
    assert_eq!(run(&l).2, ["session-spike"]);
}

#[test]
fn session_spike_does_not_fire() {
    // 19.5 minutes: exactly 1.3 times the longest. Nothing fires: the first session at a new
    // dose holds until it has been done cleanly twice.
    let l = log(CLEARED, &[&walk_for("2026-03-02", "15"), &walk_for("2026-03-04", "15"), &walk_for("2026-03-06", "19.5")]);
    assert_eq!(run(&l), ("hold".into(), "reintroduce".into(), vec![]));
    // A 20-minute walk 25 days ago is inside the 30-day window: 20 after 15 is no spike.
    let l = log(CLEARED, &[&walk_for("2026-03-10", "20"), &walk_for("2026-04-02", "15"), &walk_for("2026-04-04", "20")]);
    assert_eq!(run(&l).2, Vec::<String>::new());
}

#[test]
fn weekly_volume_rise_fires() {
    // Last week 3 x 20 = 60 minutes; this week 24 + 24 + 25 = 73, over 60 x 1.2 = 72.
    let l = log(
        CLEARED,
        &[
            &walk_for("2026-03-02", "20"),
            &walk_for("2026-03-04", "20"),
            &walk_for("2026-03-06", "20"),
            &walk_for("2026-03-09", "24"),
            &walk_for("2026-03-11", "24"),
            &walk_for("2026-03-13", "25"),
        ],
    );
    let a = answer(&l, &["--explain"]);
    assert_eq!(a["decision"], "hold");
    assert_eq!(fired(&a), ["weekly-volume-rise"]);
    let inputs = &a["reasons"][0]["inputs"];
    assert_eq!((&inputs["log.previous_weekly_minutes"], &inputs["log.weekly_minutes"]), (&60.into(), &73.into()));
}

#[test]
fn weekly_volume_rise_does_not_fire() {
    // This week 24 x 3 = 72: exactly 1.2 times last week.
    let l = log(
        CLEARED,
        &[
            &walk_for("2026-03-02", "20"),
            &walk_for("2026-03-04", "20"),
            &walk_for("2026-03-06", "20"),
            &walk_for("2026-03-09", "24"),
            &walk_for("2026-03-11", "24"),
            &walk_for("2026-03-13", "24"),
        ],
    );
    assert_eq!(run(&l), ("progress".into(), "reintroduce".into(), vec!["clean-sessions-progress".to_string()]));
    // A rise of a third, but last week had only 45 minutes (under the guard's 60).
    let l = log(
        CLEARED,
        &[
            &walk_for("2026-03-02", "15"),
            &walk_for("2026-03-04", "15"),
            &walk_for("2026-03-06", "15"),
            &walk_for("2026-03-09", "19.5"),
            &walk_for("2026-03-11", "19.5"),
            &walk_for("2026-03-13", "19.5"),
        ],
    );
    assert_eq!(run(&l).2, ["clean-sessions-progress"]);
}

#[test]
fn target_not_completed_fires() {
    let stopped = "{ date: 2026-03-04, pain: { before: 2, during: 2, after: 2, next_day: 2 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }, { id: bridge, level: 2, sets: 2, reps: 6, hold_s: 3, completed: false }] }";
    let a = answer(&log(CLEARED, &[&walk("2026-03-02"), stopped]), &[]);
    assert_eq!(a["decision"], "hold");
    assert_eq!(fired(&a), ["target-not-completed"]);
    // The bridge repeats the level it was logged at.
    assert_eq!(next(&a, "bridge")["level"], 2);
}

#[test]
fn target_not_completed_does_not_fire() {
    let done = "{ date: 2026-03-04, pain: { before: 2, during: 2, after: 2, next_day: 2 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }, { id: bridge, level: 2, sets: 2, reps: 10, hold_s: 3, completed: true }] }";
    let a = answer(&log(CLEARED, &[&walk("2026-03-02"), done]), &[]);
    assert_eq!(a["decision"], "progress");
    assert_eq!(fired(&a), ["clean-sessions-progress"]);
    assert_eq!(next(&a, "bridge")["level"], 3);
}

/// A clean strengthen session (pinned by an override when `pin`), with clinic measures.
fn strength_session(date: &str, pin: bool, measures: &str) -> String {
    let pin = if pin { "override: { phase: strengthen, note: clinician review }, " } else { "" };
    let measures = if measures.is_empty() { String::new() } else { format!("measures: {{ {measures} }}, ") };
    format!(
        "{{ date: {date}, {pin}pain: {{ before: 1, during: 1, after: 1, next_day: 1 }}, fatigue: 4, {measures}exercises: [{{ id: walking, minutes: 20 }}, {{ id: bridge, level: 4, sets: 3, reps: 10, hold_s: 5 }}, {{ id: bird_dog, level: 4, sets: 2, reps: 10, hold_s: 10, load_kg: 1.5 }}] }}"
    )
}

/// The return-to-running gate measures, all met.
const GATE_MET: &str = "plank_s: 45, side_plank_s: 45, bird_dog_hold_s: 30, side_lying_abduction_reps: 30, single_leg_squat_reps: 10, pelvic_control: 1, brisk_walk_min: 30";

#[test]
fn return_gate_not_met_fires() {
    // Everything met but the plank, one second short.
    let short = GATE_MET.replace("plank_s: 45, side", "plank_s: 44, side");
    let l = log(CLEARED, &[&strength_session("2026-04-06", true, ""), &strength_session("2026-04-08", false, &short)]);
    assert_eq!(
        run(&l),
        ("hold".into(), "strengthen".into(), vec!["return-gate-not-met".to_string(), "clean-sessions-progress".to_string()])
    );
    // Each gate test alone holds.
    for failing in [
        "side_plank_s: 44",
        "bird_dog_hold_s: 29",
        "side_lying_abduction_reps: 29",
        "single_leg_squat_reps: 9",
        "pelvic_control: 0",
        "brisk_walk_min: 29",
    ] {
        let key = failing.split(':').next().unwrap_or_default();
        let measures: Vec<String> =
            GATE_MET.split(", ").map(|m| if m.starts_with(&format!("{key}:")) { failing.to_string() } else { m.to_string() }).collect();
        let l = log(CLEARED, &[&strength_session("2026-04-06", true, ""), &strength_session("2026-04-08", false, &measures.join(", "))]);
        assert_eq!(run(&l).0, "hold", "{failing}");
    }
}

#[test]
fn return_gate_not_met_does_not_fire() {
    // All gate measures met (plank exactly 45 s). The phase is pinned by the override, so it
    // stays `strengthen`, but nothing holds the progress.
    let l = log(CLEARED, &[&strength_session("2026-04-06", true, ""), &strength_session("2026-04-08", false, GATE_MET)]);
    assert_eq!(run(&l), ("progress".into(), "strengthen".into(), vec!["clean-sessions-progress".to_string()]));
    // Gate tests recorded in the reintroduce phase: the rule is out of phase there.
    let failing = GATE_MET.replace("pelvic_control: 1", "pelvic_control: 0");
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_and("2026-03-04", &format!("measures: {{ {failing} }}"))]);
    let a = answer(&l, &["--explain"]);
    assert_eq!(fired(&a), ["clean-sessions-progress"]);
    let trace = a["trace"].as_array().expect("trace");
    let gate = trace.iter().find(|t| t["rule"] == "return-gate-not-met").expect("rule in the trace");
    assert_eq!(gate["outcome"], "out of phase");
}

// Progress.

#[test]
fn clean_sessions_progress_fires() {
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk("2026-03-04")]);
    let a = answer(&l, &[]);
    assert_eq!(a["decision"], "progress");
    assert_eq!(fired(&a), ["clean-sessions-progress"]);
    assert_eq!(next(&a, "walking")["minutes"], 16.5);
}

#[test]
fn clean_sessions_progress_does_not_fire() {
    // Only one clean session so far.
    let a = answer(&log(CLEARED, &[&walk("2026-03-02")]), &[]);
    assert_eq!((a["decision"].as_str(), fired(&a)), (Some("hold"), vec![]));
    // Two sessions, the last with fatigue 6: one over the clean limit of 5.
    let a = answer(&log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 2, 2, 2], 6)]), &[]);
    assert_eq!((a["decision"].as_str(), fired(&a)), (Some("hold"), vec![]));
    // Two clean sessions, but pain after 4: above the safe zone of 3.
    let a = answer(&log(CLEARED, &[&walk_with("2026-03-02", [4, 4, 4, 4], 3), &walk_with("2026-03-04", [4, 4, 4, 4], 3)]), &[]);
    assert_eq!((a["decision"].as_str(), fired(&a)), (Some("hold"), vec![]));
    // Two clean sessions, but pain after rising over the fortnight (2 -> 3, baseline 3).
    let a = answer(&log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [3, 3, 3, 3], 3)]), &[]);
    assert_eq!((a["decision"].as_str(), fired(&a)), (Some("hold"), vec![]));
}

/// Regression for the protocol edit to `clean_streak` (rules/helpers.rhai): a stage counts as
/// done only when done cleanly at least twice; the clean sessions of the stage before do not
/// carry over (Trials 2023: do each phase at least twice; clinical notes 4(b): "at least 2
/// consecutive clean sessions at the current level").
#[test]
fn clean_sessions_count_only_at_the_current_level() {
    let stage_1_twice = [run_session("2026-05-05", 1, true), run_session("2026-05-07", 1, false)];
    let mut sessions: Vec<&str> = stage_1_twice.iter().map(String::as_str).collect();
    assert_eq!(run(&log(RUNNER, &sessions)).2, ["clean-sessions-progress"]);
    // Stage 2 once: not yet.
    let stage_2 = [run_session("2026-05-09", 2, false), run_session("2026-05-11", 2, false)];
    sessions.push(&stage_2[0]);
    let a = answer(&log(RUNNER, &sessions), &[]);
    assert_eq!((a["decision"].as_str(), fired(&a)), (Some("hold"), vec![]));
    assert_eq!(next(&a, "walk_jog_intervals")["level"], 2);
    // Stage 2 twice: progress to stage 3.
    sessions.push(&stage_2[1]);
    let a = answer(&log(RUNNER, &sessions), &[]);
    assert_eq!((a["decision"].as_str(), fired(&a)), (Some("progress"), vec!["clean-sessions-progress".to_string()]));
    assert_eq!(next(&a, "walk_jog_intervals")["level"], 3);
}

/// Regression for the protocol edit to `is_clean` (rules/helpers.rhai): a session with
/// swelling scales back and is not clean, so one clean session after it does not progress
/// straight back up ("if swelling ... do NOT progress, stay until clean", Trials 2023).
#[test]
fn a_session_with_swelling_is_not_clean() {
    let swollen = "{ date: 2026-05-07, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 4, symptoms: [swelling], exercises: [{ id: walk_jog_intervals, level: 2, minutes: 24 }] }";
    let (first, after) = (run_session("2026-05-05", 2, true), run_session("2026-05-09", 2, false));
    let a = answer(&log(RUNNER, &[&first, swollen]), &[]);
    assert_eq!((a["decision"].as_str(), fired(&a)), (Some("regress"), vec!["swelling-after-exercise".to_string()]));
    assert_eq!(next(&a, "walk_jog_intervals")["level"], 1);
    // One clean session at the same stage after the swelling: hold, not progress.
    let a = answer(&log(RUNNER, &[&first, swollen, &after]), &[]);
    assert_eq!((a["decision"].as_str(), fired(&a)), (Some("hold"), vec![]));
}

// Phase gates.

/// Two weeks of clean reintroduce work, the last session on day 14 (2026-03-16).
const REINTRODUCE_TWO_WEEKS: [&str; 7] = [
    "{ date: 2026-03-02, pain: { before: 2, during: 2, after: 2, next_day: 2 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }, { id: bridge, level: 1, sets: 2, reps: 8, hold_s: 3 }] }",
    "{ date: 2026-03-04, pain: { before: 2, during: 2, after: 2, next_day: 1 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }, { id: bridge, level: 1, sets: 2, reps: 8, hold_s: 3 }] }",
    "{ date: 2026-03-06, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }, { id: bridge, level: 1, sets: 2, reps: 8, hold_s: 3 }] }",
    "{ date: 2026-03-09, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: walking, minutes: 16.5 }, { id: bridge, level: 2, sets: 2, reps: 10, hold_s: 3 }] }",
    "{ date: 2026-03-11, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: walking, minutes: 16.5 }, { id: bridge, level: 2, sets: 2, reps: 10, hold_s: 3 }] }",
    "{ date: 2026-03-13, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: walking, minutes: 18.2 }, { id: bridge, level: 3, sets: 3, reps: 10, hold_s: 3 }] }",
    "{ date: 2026-03-16, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: walking, minutes: 18.2 }, { id: bridge, level: 3, sets: 3, reps: 10, hold_s: 3 }] }",
];

#[test]
fn reintroduce_exit_is_reached_by_replay() {
    let a = answer(&log(CLEARED, &REINTRODUCE_TWO_WEEKS), &["--timeline"]);
    assert_eq!(a["decision"], "progress");
    assert_eq!(a["phase"], "strengthen");
    assert_eq!((&a["phase_change"]["from"], &a["phase_change"]["to"]), (&"reintroduce".into(), &"strengthen".into()));
    assert!(a.get("override").is_none());
    let phases: Vec<&str> = a["timeline"].as_array().expect("timeline").iter().map(|t| t["phase"].as_str().unwrap_or_default()).collect();
    assert_eq!(phases, ["reintroduce"; 7]);
    assert!(
        a["messages"]["clinician"]
            .as_array()
            .expect("messages")
            .iter()
            .any(|m| m.as_str().is_some_and(|m| m.starts_with("phase change from `reintroduce` to `strengthen`")))
    );
    // The next session brings the strengthen exercises in.
    assert_eq!(next(&a, "dead_bug")["level"], 1);
    assert_eq!(next(&a, "bridge")["level"], 4);
}

#[test]
fn reintroduce_exit_needs_fourteen_days() {
    // The same two weeks, but the last session on day 13.
    let mut sessions = REINTRODUCE_TWO_WEEKS.map(String::from);
    sessions[6] = sessions[6].replace("2026-03-16", "2026-03-15");
    let a = answer(&log(CLEARED, &sessions.each_ref().map(String::as_str)), &[]);
    assert_eq!((a["decision"].as_str(), a["phase"].as_str()), (Some("progress"), Some("reintroduce")));
    assert!(a.get("phase_change").is_none());
}

#[test]
fn reintroduce_exit_needs_four_clean_sessions_in_two_weeks() {
    // Day 14, but only three clean sessions in the past 14 days (fatigue 6 makes the others
    // not clean without any rule firing).
    let mut sessions = REINTRODUCE_TWO_WEEKS.map(String::from);
    for s in &mut sessions[1..4] {
        *s = s.replace("fatigue: 3", "fatigue: 6");
    }
    let a = answer(&log(CLEARED, &sessions.each_ref().map(String::as_str)), &[]);
    assert_eq!((a["decision"].as_str(), a["phase"].as_str()), (Some("progress"), Some("reintroduce")));
    assert!(a.get("phase_change").is_none());
}

/// Reintroduce (exit on 2026-03-16) followed by strengthen sessions on `dates`, the last one
/// with the gate `measures`.
fn through_strengthen(dates: &[&str], measures: &str) -> String {
    let mut sessions: Vec<String> = REINTRODUCE_TWO_WEEKS.iter().map(|s| s.to_string()).collect();
    for (i, d) in dates.iter().enumerate() {
        sessions.push(strength_session(d, false, if i + 1 == dates.len() { measures } else { "" }));
    }
    log(RUNNER, &sessions.iter().map(String::as_str).collect::<Vec<_>>())
}

const STRENGTHEN_THREE_WEEKS: [&str; 9] =
    ["2026-03-18", "2026-03-20", "2026-03-23", "2026-03-25", "2026-03-27", "2026-03-30", "2026-04-01", "2026-04-03", "2026-04-06"];

#[test]
fn strengthen_exit_with_the_gate_measures() {
    let a = answer(&through_strengthen(&STRENGTHEN_THREE_WEEKS, GATE_MET), &[]);
    assert_eq!(a["decision"], "progress");
    assert_eq!(a["phase"], "return");
    assert_eq!((&a["phase_change"]["from"], &a["phase_change"]["to"]), (&"strengthen".into(), &"return".into()));
    assert_eq!(fired(&a), ["clean-sessions-progress"]);
    // A runner starts walk-jog intervals at stage 1.
    assert_eq!(next(&a, "walk_jog_intervals")["level"], 1);
}

#[test]
fn strengthen_exit_needs_twenty_one_days() {
    // Gate met on day 14 of strengthen (2026-03-30): too early, no phase change and no hold.
    let a = answer(&through_strengthen(&STRENGTHEN_THREE_WEEKS[..6], GATE_MET), &[]);
    assert_eq!((a["decision"].as_str(), a["phase"].as_str()), (Some("progress"), Some("strengthen")));
    assert!(a.get("phase_change").is_none());
    assert_eq!(fired(&a), ["clean-sessions-progress"]);
}

#[test]
fn return_gate_not_met_holds_in_strengthen() {
    let failing = GATE_MET.replace("pelvic_control: 1", "pelvic_control: 0");
    let a = answer(&through_strengthen(&STRENGTHEN_THREE_WEEKS, &failing), &[]);
    assert_eq!((a["decision"].as_str(), a["phase"].as_str()), (Some("hold"), Some("strengthen")));
    assert!(a.get("phase_change").is_none());
    assert_eq!(fired(&a), ["return-gate-not-met", "clean-sessions-progress"]);
    assert!(!a["next_session"]["exercises"].as_array().expect("exercises").iter().any(|e| e["id"] == "walk_jog_intervals"));
}

#[test]
fn an_override_pins_the_phase_even_when_the_gate_is_met() {
    let mut sessions: Vec<String> = REINTRODUCE_TWO_WEEKS.iter().map(|s| s.to_string()).collect();
    sessions.push(strength_session("2026-03-18", true, ""));
    for d in &STRENGTHEN_THREE_WEEKS[1..] {
        sessions.push(strength_session(d, false, if *d == "2026-04-06" { GATE_MET } else { "" }));
    }
    let a = answer(&log(RUNNER, &sessions.iter().map(String::as_str).collect::<Vec<_>>()), &[]);
    assert_eq!((a["decision"].as_str(), a["phase"].as_str()), (Some("progress"), Some("strengthen")));
    assert_eq!(a["override"]["phase"], "strengthen");
    assert_eq!(a["override"]["date"], "2026-03-18");
}

// The pain model parameter.

/// Pain rises from 2 to 4 during and is 3 after, settled by the next morning.
fn pain_rise_log() -> String {
    log(CLEARED, &[&walk_with("2026-03-02", [2, 3, 3, 2], 3), &walk_with("2026-03-04", [2, 4, 3, 2], 3)])
}

fn with_pain_model(model: &str) -> Value {
    let t = Test::new().shipped_protocol();
    let plan = t.path().join("protocol/plans/protocol.yaml");
    let text = std::fs::read_to_string(&plan).expect("read protocol.yaml");
    assert_eq!(text.matches("value: strict").count(), 1, "the shipped pain_model parameter");
    std::fs::write(&plan, text.replace("value: strict", &format!("value: {model}"))).expect("write protocol.yaml");
    let out = t.file("log.yaml", &pain_rise_log()).args(&["next", "log.yaml", "--format", "json", "--protocol", "protocol"]).run();
    assert_eq!(out.status, 0, "next failed: {}", out.stderr);
    serde_json::from_str(&out.stdout).expect("json answer")
}

#[test]
fn strict_pain_model_regresses_on_a_pain_rise() {
    // The embedded protocol is strict.
    let a = answer(&pain_rise_log(), &[]);
    assert_eq!(a["decision"], "regress");
    assert_eq!(fired(&a), ["pain-rose-during-or-after"]);
    // The shipped protocol copied to a folder gives the same answer.
    let copied = with_pain_model("strict");
    assert_eq!(copied["decision"], "regress");
    assert_eq!(fired(&copied), ["pain-rose-during-or-after"]);
    assert_eq!(copied["protocol"]["digest"], a["protocol"]["digest"]);
}

#[test]
fn monitoring_pain_model_accepts_pain_up_to_five_that_settles() {
    let a = with_pain_model("monitoring");
    // Pain 4 during and 3 after are within 5/10 and settled by the next morning: clean.
    assert_eq!(a["decision"], "progress");
    assert_eq!(fired(&a), ["clean-sessions-progress"]);
    assert_ne!(a["protocol"]["digest"], answer(&pain_rise_log(), &[])["protocol"]["digest"]);
}

#[test]
fn monitoring_pain_model_still_regresses_above_five() {
    let t = Test::new().shipped_protocol();
    let plan = t.path().join("protocol/plans/protocol.yaml");
    let text = std::fs::read_to_string(&plan).expect("read protocol.yaml");
    std::fs::write(&plan, text.replace("value: strict", "value: monitoring")).expect("write protocol.yaml");
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 6, 3, 2], 3)]);
    let out = t.file("log.yaml", &l).args(&["next", "log.yaml", "--format", "json", "--protocol", "protocol"]).run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    let a: Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(a["decision"], "regress");
    assert_eq!(fired(&a), ["pain-rose-during-or-after"]);
}
