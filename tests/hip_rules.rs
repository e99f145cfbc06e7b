//! Every rule of the shipped hip protocol (`rules/*.yaml`), one test where it fires and one
//! near miss where it does not (`<rule>_fires` / `<rule>_does_not_fire`); a check that no rule
//! of the protocol lacks its pair; sticky referrals and their urgency; the phase gates
//! (reintroduce exit by replay, the strengthen exit through the return-to-running gate,
//! holding while the gate is not met, an override pinning the phase); the `pain_model`
//! parameter (`strict` against `monitoring`); and regression tests for what counts as a clean
//! session (only at the current level, never with swelling).

use serde_json::Value;

use crate::support::{Test, answer, fired, root};

/// Rule ids that have a `_fires` and a `_does_not_fire` test below.
const COVERED: &[&str] = &[
    "not-cleared",
    "suspected-structural-injury",
    "fall-or-impact",
    "infection-signs",
    "neurological-signs",
    "giving-way",
    "pain-limits-daily-life",
    "runner-bone-stress-signs",
    "unexplained-weight-loss",
    "swelling",
    "high-pain-at-rest",
    "not-improving",
    "flare",
    "flare-rest-continues",
    "consecutive-training-days",
    "run-on-consecutive-days",
    "pain-rose-during-or-after",
    "next-morning-not-settled",
    "pain-above-usual",
    "pain-trend-rising",
    "exercise-stopped-with-pain",
    "limp-appeared",
    "rom-decreased",
    "rom-deficit-other-side",
    "training-gap-10-days",
    "training-gap",
    "resume-after-long-break",
    "cleared-after-pain-rose",
    "resume-after-break",
    "still-scaled-back",
    "pre-exercise-pain-missing",
    "high-fatigue",
    "next-morning-missing",
    "pain-ratings-missing",
    "small-pain-rise",
    "session-spike",
    "beyond-prescription",
    "weekly-volume-rise",
    "stiffness-reported",
    "target-not-completed",
    "resume-after-review",
    "return-gate-not-met",
    "clean-sessions-progress",
    "limp-persists",
    "pain-not-settling",
    "stop-zone-pain-in-session",
    "fatigue-stays-very-high",
    "training-gap-4-weeks",
    "severe-pain-persists",
    "stop-zone-pain-off-exercise",
    "trained-during-relative-rest",
    "resume-after-4-weeks",
    "token-doses-only",
    "pain-off-exercise-recurs",
    "rom-lost-sharply",
];

const CLEARED: &str = "{ onset: gradual, cause: overuse, provider_cleared: true }";
const RUNNER: &str = "{ onset: gradual, cause: overuse, provider_cleared: true, goals: [running] }";

/// A clinician's review that clears any open referral, on a day of its own.
fn review(date: &str) -> String {
    format!("{{ date: {date}, kind: review, review: {{ by: Dr Lee, cleared: true }} }}")
}

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

/// Runs a log and returns (decision, phase, rules with a reason, outvoted ones included).
fn run(log: &str) -> (String, String, Vec<String>) {
    let a = answer(log, &[]);
    (a["decision"].as_str().unwrap_or_default().to_string(), a["phase"].as_str().unwrap_or_default().to_string(), fired(&a))
}

/// (decision, urgency, rules with a reason) of a log.
fn refer(log: &str) -> (String, String, Vec<String>) {
    let a = answer(log, &[]);
    (a["decision"].as_str().unwrap_or_default().to_string(), a["urgency"].as_str().unwrap_or_default().to_string(), fired(&a))
}

/// The rules that fired but were outvoted by a more conservative decision.
fn outvoted(a: &Value) -> Vec<String> {
    a["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .filter(|r| r["outvoted"] == true)
        .map(|r| r["rule"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The progress criteria a hold with no rule fired names as not met.
fn not_met(a: &Value) -> Vec<String> {
    a["not_met"].as_array().map_or_else(Vec::new, |c| c.iter().map(|c| c["criterion"].as_str().unwrap_or_default().to_string()).collect())
}

fn next<'a>(a: &'a Value, id: &str) -> &'a Value {
    a["next_session"]["exercises"].as_array().expect("next session").iter().find(|e| e["id"] == id).expect("exercise in the next session")
}

// The coverage check.

/// Every rule id of the shipped protocol: the `id` of each entry under `rules:` in
/// `rules/*.yaml` (not the ids of a rule's `criteria`).
fn shipped_rule_ids() -> Vec<String> {
    let mut files: Vec<_> = std::fs::read_dir(root().join("rules"))
        .expect("rules/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    let mut ids = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("read rule file");
        let doc: Value = serde_saphyr::from_str(&text).expect("rule file is YAML");
        for rule in doc["rules"].as_array().expect("a `rules:` list") {
            ids.push(rule["id"].as_str().expect("rule id").to_string());
        }
    }
    ids
}

#[test]
fn every_shipped_rule_has_a_fire_and_a_near_miss_test() {
    let ids = shipped_rule_ids();
    assert_eq!(ids.len(), 55, "rules in the shipped protocol: {ids:?}");
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
    assert_eq!(refer(&not_cleared).1, "routine");
    // No intake at all, and no sessions yet: the intake screening still answers.
    let no_intake = "patient: P-0200\nstart: 2026-03-02\n";
    assert_eq!(run(no_intake), ("refer".into(), "reintroduce".into(), vec!["not-cleared".to_string()]));
    // A review that does not clear leaves the intake uncleared.
    let l = log(
        "{ onset: sudden, cause: unknown, provider_cleared: false }",
        &["{ date: 2026-03-02, kind: review, review: { by: Dr Lee, cleared: false } }", &walk("2026-03-04")],
    );
    assert_eq!(run(&l).2, ["not-cleared"]);
}

#[test]
fn not_cleared_does_not_fire() {
    let a = answer(&log(CLEARED, &[&walk("2026-03-02")]), &[]);
    assert_eq!(a["decision"], "hold");
    assert!(fired(&a).is_empty(), "{:?}", fired(&a));
    assert_eq!(not_met(&a), ["clean-streak"]);
    // Not cleared at intake, but a clinician's review has cleared the patient since.
    let l = log("{ onset: sudden, cause: unknown, provider_cleared: false }", &[&review("2026-03-02"), &walk("2026-03-04")]);
    let a = answer(&l, &[]);
    assert_eq!((a["decision"].as_str(), fired(&a)), (Some("hold"), vec![]));
}

#[test]
fn suspected_structural_injury_fires() {
    for symptom in ["sharp_pain", "cannot_bear_weight"] {
        let check_in = format!("{{ date: 2026-03-04, kind: check_in, pain: {{ before: 3 }}, symptoms: [{symptom}] }}");
        let l = log(CLEARED, &[&walk("2026-03-02"), &check_in]);
        assert_eq!(refer(&l), ("refer".into(), "urgent".into(), vec!["suspected-structural-injury".to_string()]), "{symptom}");
        // A provider plans what comes next.
        assert!(answer(&l, &[])["next_session"].is_null());
    }
}

#[test]
fn suspected_structural_injury_does_not_fire() {
    // Severe pain during exercise, but no sudden sharp pain reported: rest and scale back, not
    // refer.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 7, 5, 2], 4)]);
    assert_eq!(
        run(&l),
        ("rest".into(), "reintroduce".into(), vec!["stop-zone-pain-in-session".to_string(), "pain-rose-during-or-after".to_string()])
    );
}

#[test]
fn fall_or_impact_fires() {
    let l = log(CLEARED, &[&walk("2026-03-02"), "{ date: 2026-03-04, kind: check_in, pain: { before: 2 }, symptoms: [fall_or_impact] }"]);
    assert_eq!(refer(&l), ("refer".into(), "routine".into(), vec!["fall-or-impact".to_string()]));
    // With sharp pain too, the suspected injury makes it urgent.
    let l = log(
        CLEARED,
        &[&walk("2026-03-02"), "{ date: 2026-03-04, kind: check_in, pain: { before: 3 }, symptoms: [fall_or_impact, sharp_pain] }"],
    );
    assert_eq!(refer(&l), ("refer".into(), "urgent".into(), vec!["suspected-structural-injury".to_string(), "fall-or-impact".to_string()]));
}

#[test]
fn fall_or_impact_does_not_fire() {
    // The fall was reported before a clinician's review cleared the patient: only the latest
    // session counts, and it had none.
    let l = log(
        CLEARED,
        &[
            &walk("2026-03-02"),
            "{ date: 2026-03-04, kind: check_in, pain: { before: 2 }, symptoms: [fall_or_impact] }",
            &review("2026-03-05"),
            &walk("2026-03-06"),
        ],
    );
    let a = answer(&l, &[]);
    assert_eq!((a["decision"].as_str(), fired(&a)), (Some("hold"), vec![]));
}

#[test]
fn infection_signs_fires() {
    for symptom in ["fever", "warmth_redness"] {
        let l = log(CLEARED, &[&walk("2026-03-02"), &walk_and("2026-03-04", &format!("symptoms: [{symptom}]"))]);
        assert_eq!(refer(&l), ("refer".into(), "urgent".into(), vec!["infection-signs".to_string()]), "{symptom}");
    }
}

#[test]
fn infection_signs_does_not_fire() {
    // Swelling without fever or a hot, red hip: a routine referral, not an urgent one.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_and("2026-03-04", "symptoms: [swelling]")]);
    assert_eq!(refer(&l), ("refer".into(), "routine".into(), vec!["swelling".to_string()]));
}

#[test]
fn neurological_signs_fires() {
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_and("2026-03-04", "symptoms: [numbness]")]);
    assert_eq!(refer(&l), ("refer".into(), "urgent".into(), vec!["neurological-signs".to_string()]));
}

#[test]
fn neurological_signs_does_not_fire() {
    // The leg gave way, but no numbness: routine, by its own rule.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_and("2026-03-04", "symptoms: [giving_way]")]);
    assert_eq!(refer(&l), ("refer".into(), "routine".into(), vec!["giving-way".to_string()]));
}

#[test]
fn giving_way_fires() {
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_and("2026-03-04", "symptoms: [giving_way]")]);
    assert_eq!(run(&l), ("refer".into(), "reintroduce".into(), vec!["giving-way".to_string()]));
}

#[test]
fn giving_way_does_not_fire() {
    // The walk was cut short (endurance gave out) without the leg giving way: hold.
    let stopped = "{ date: 2026-03-04, pain: { before: 2, during: 2, after: 2, next_day: 2 }, fatigue: 3, exercises: [{ id: walking, minutes: 8, completed: false }] }";
    assert_eq!(
        run(&log(CLEARED, &[&walk("2026-03-02"), stopped])),
        ("hold".into(), "reintroduce".into(), vec!["target-not-completed".to_string()])
    );
}

#[test]
fn pain_limits_daily_life_fires() {
    for symptom in ["walking_limited", "night_pain", "daily_tasks_limited", "rest_pain"] {
        let l = log(CLEARED, &[&walk("2026-03-02"), &walk_and("2026-03-04", &format!("symptoms: [{symptom}]"))]);
        // A session with a symptom is never clean, so no progress rule fires alongside.
        assert_eq!(refer(&l), ("refer".into(), "routine".into(), vec!["pain-limits-daily-life".to_string()]), "{symptom}");
    }
}

/// A runner in the return phase: walk-jog on 5 May, then a check-in on `date` with `symptoms`.
fn runner_then(date: &str, symptoms: &str) -> String {
    format!(
        "patient: P-R\nstart: 2026-05-04\nintake: {RUNNER}\nsessions:\n  - {{ date: 2026-05-05, override: {{ phase: return }}, pain: {{ before: 1, during: 1, after: 1, next_day: 1 }}, fatigue: 4, exercises: [{{ id: walk_jog_intervals, level: 1, minutes: 21 }}] }}\n  - {{ date: {date}, kind: check_in, symptoms: [{symptoms}] }}\n"
    )
}

/// A runner's walk-jog, then a check-in on `date` with the given pain ratings (`during: 7`).
fn runner_then_pain(date: &str, pain: &str) -> String {
    runner_then(date, "").replace("symptoms: [] }", &format!("pain: {{ {pain} }} }}"))
}

#[test]
fn runner_bone_stress_signs_fires() {
    // Suspected femoral neck stress fracture: a runner whose pain now limits walking or wakes
    // them at night is urgent, not routine (Robertson & Wood 2017).
    for symptom in ["walking_limited", "night_pain", "rest_pain"] {
        let a = answer(&runner_then("2026-05-08", symptom), &[]);
        assert_eq!((a["decision"].as_str(), a["urgency"].as_str()), (Some("refer"), Some("urgent")), "{symptom}");
        assert_eq!(fired(&a), ["pain-limits-daily-life", "runner-bone-stress-signs"], "{symptom}");
    }
}

#[test]
fn runner_bone_stress_signs_does_not_fire() {
    // The last run was 31 days ago: routine referral for the symptom, no stress-fracture alert.
    let a = answer(&runner_then("2026-06-05", "night_pain"), &[]);
    assert_eq!((a["decision"].as_str(), a["urgency"].as_str()), (Some("refer"), Some("routine")));
    assert_eq!(fired(&a), ["pain-limits-daily-life", "resume-after-4-weeks"], "a check-in a month after the last run");
    // A non-runner with night pain: routine.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_and("2026-03-04", "symptoms: [night_pain]")]);
    assert_eq!(refer(&l), ("refer".into(), "routine".into(), vec!["pain-limits-daily-life".to_string()]));
}

#[test]
fn pain_limits_daily_life_does_not_fire() {
    // Night pain two sessions ago, reviewed and cleared since: only the latest session counts.
    let l =
        log(CLEARED, &[&walk_and("2026-03-02", "symptoms: [night_pain]"), &review("2026-03-03"), &walk("2026-03-04"), &walk("2026-03-06")]);
    assert_eq!(run(&l), ("progress".into(), "reintroduce".into(), vec!["clean-sessions-progress".to_string()]));
    // Without the review the rule does not fire again either, but its referral is still open.
    let l = log(CLEARED, &[&walk_and("2026-03-02", "symptoms: [night_pain]"), &walk("2026-03-04"), &walk("2026-03-06")]);
    assert_eq!(refer(&l), ("refer".into(), "routine".into(), vec!["open-referral".to_string(), "clean-sessions-progress".to_string()]));
}

#[test]
fn unexplained_weight_loss_fires() {
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_and("2026-03-04", "symptoms: [weight_loss]")]);
    assert_eq!(refer(&l), ("refer".into(), "routine".into(), vec!["unexplained-weight-loss".to_string()]));
}

#[test]
fn unexplained_weight_loss_does_not_fire() {
    // The weight loss was explained at a review that cleared the patient; nothing new since.
    let l = log(
        CLEARED,
        &[&walk("2026-03-02"), &walk_and("2026-03-04", "symptoms: [weight_loss]"), &review("2026-03-06"), &walk("2026-03-07")],
    );
    let a = answer(&l, &[]);
    assert_eq!((a["decision"].as_str(), fired(&a)), (Some("hold"), vec![]));
    assert_eq!(not_met(&a), ["clean-streak"]);
}

#[test]
fn swelling_fires() {
    // Swelling is a red flag at the hip: refer, no next session.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_and("2026-03-04", "symptoms: [swelling]")]);
    let a = answer(&l, &[]);
    assert_eq!((a["decision"].as_str(), a["urgency"].as_str(), fired(&a)), (Some("refer"), Some("routine"), vec!["swelling".to_string()]));
    assert!(a["next_session"].is_null());
}

#[test]
fn swelling_does_not_fire() {
    // Swelling last time, reviewed and cleared, none now.
    let l =
        log(CLEARED, &[&walk_and("2026-03-02", "symptoms: [swelling]"), &review("2026-03-03"), &walk("2026-03-04"), &walk("2026-03-06")]);
    assert_eq!(run(&l), ("progress".into(), "reintroduce".into(), vec!["clean-sessions-progress".to_string()]));
}

#[test]
fn high_pain_at_rest_fires() {
    // Pain 6 at rest before any exercise.
    let l = log(CLEARED, &[&walk("2026-03-02"), "{ date: 2026-03-04, kind: check_in, pain: { before: 6 } }"]);
    let a = answer(&l, &[]);
    assert_eq!((a["decision"].as_str(), a["urgency"].as_str()), (Some("refer"), Some("routine")));
    assert_eq!(fired(&a), ["high-pain-at-rest", "stop-zone-pain-off-exercise", "pain-above-usual"]);
    assert_eq!(outvoted(&a), ["stop-zone-pain-off-exercise", "pain-above-usual"]);
    // Pain 6 at every rating of the day (two ratings, no pre-exercise one).
    let l = log(CLEARED, &[&walk("2026-03-02"), "{ date: 2026-03-04, kind: check_in, pain: { after: 6, next_day: 6 } }"]);
    let a = answer(&l, &[]);
    assert_eq!(a["decision"], "refer");
    // Pain after 6 on a check-in is a rise too (1.3.0: on any session kind).
    assert_eq!(
        fired(&a),
        [
            "high-pain-at-rest",
            "flare",
            "stop-zone-pain-off-exercise",
            "pain-rose-during-or-after",
            "next-morning-not-settled",
            "pain-above-usual"
        ]
    );
    assert_eq!(
        outvoted(&a),
        ["flare", "stop-zone-pain-off-exercise", "pain-rose-during-or-after", "next-morning-not-settled", "pain-above-usual"]
    );
}

#[test]
fn high_pain_at_rest_does_not_fire() {
    // 5 before exercise, 6 at every later rating: not all day in the stop zone. A flare.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [5, 6, 6, 6], 3)]);
    assert_eq!(
        run(&l),
        (
            "rest".into(),
            "reintroduce".into(),
            // A flare's rest covers the stop zone's (`stop-zone-pain-in-session` leaves it to the flare).
            ["flare", "pain-rose-during-or-after", "next-morning-not-settled", "pain-above-usual"].map(String::from).to_vec()
        )
    );
    // A single rating of 6 is not "all day".
    let l = log(CLEARED, &[&walk("2026-03-02"), "{ date: 2026-03-04, kind: check_in, pain: { next_day: 6 } }"]);
    assert_eq!(run(&l).0, "rest");
    assert!(!run(&l).2.contains(&"high-pain-at-rest".to_string()));
}

/// Sessions every four days or so from 2026-03-02 to `last`, all with pain `p` throughout.
fn six_weeks(p: u8, last: &str) -> Vec<String> {
    let mut dates: Vec<String> = ["02", "06", "10", "14", "18", "22", "26", "30"].iter().map(|d| format!("2026-03-{d}")).collect();
    dates.extend(["2026-04-03", "2026-04-07", "2026-04-09"].map(String::from));
    dates.push(last.to_string());
    dates.iter().map(|d| walk_with(d, [p; 4], 3)).collect()
}

#[test]
fn not_improving_fires() {
    // Pain 4 for six weeks (day 41): the last fortnight is no better than the weeks before.
    let sessions = six_weeks(4, "2026-04-12");
    let l = log(CLEARED, &sessions.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(refer(&l), ("refer".into(), "routine".into(), vec!["not-improving".to_string()]));
}

#[test]
fn not_improving_does_not_fire() {
    // The same, one day short of the review window (day 40).
    let sessions = six_weeks(4, "2026-04-11");
    let a = answer(&log(CLEARED, &sessions.iter().map(String::as_str).collect::<Vec<_>>()), &[]);
    assert_eq!((a["decision"].as_str(), fired(&a)), (Some("hold"), vec![]));
    assert_eq!(not_met(&a), ["pain-low"]);
    // Six weeks at pain 3: not improving, but in the safe zone.
    let sessions = six_weeks(3, "2026-04-12");
    let l = log(CLEARED, &sessions.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(run(&l).2, ["clean-sessions-progress"]);
}

// Rest.

#[test]
fn flare_fires() {
    // Next morning 6: three points over the baseline of 2, and at least 6/10.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 2, 2, 6], 3)]);
    let a = answer(&l, &[]);
    assert_eq!(a["decision"], "rest");
    assert_eq!(fired(&a), ["flare", "next-morning-not-settled", "pain-above-usual"]);
    assert_eq!(outvoted(&a), ["next-morning-not-settled", "pain-above-usual"]);
    // Three days of relative rest, then scaled back (walking a quarter shorter, down to the half
    // minute).
    assert_eq!(a["next_session"]["date"], "2026-03-08");
    assert_eq!(next(&a, "walking")["minutes"], 11.0);
    // A bad day is no new baseline: 5 before, 6 next morning, against the usual 2.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [5, 5, 5, 6], 3)]);
    assert_eq!(
        run(&l),
        ("rest".into(), "reintroduce".into(), ["flare", "next-morning-not-settled", "pain-above-usual"].map(String::from).to_vec())
    );
}

#[test]
fn flare_does_not_fire() {
    // Next morning 5: three over the baseline but under 6/10.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 2, 2, 5], 3)]);
    assert_eq!(
        run(&l),
        ("regress".into(), "reintroduce".into(), ["next-morning-not-settled", "pain-above-usual"].map(String::from).to_vec())
    );
    // Next morning 6, but only two over a usual pain of 4: no flare, though the stop zone
    // rests two days (1.5.0).
    let l = log(CLEARED, &[&walk_with("2026-03-02", [4, 4, 4, 4], 3), &walk_with("2026-03-04", [4, 4, 4, 6], 3)]);
    assert_eq!(
        run(&l),
        (
            "rest".into(),
            "reintroduce".into(),
            ["stop-zone-pain-in-session", "next-morning-not-settled", "pain-above-usual"].map(String::from).to_vec()
        )
    );
}

#[test]
fn flare_rest_continues_fires() {
    // A rest day the day after a flare: the rest goes on, ending when the flare's did.
    let flare = walk_with("2026-03-06", [2, 4, 4, 8], 3);
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk("2026-03-04"), &flare, "{ date: 2026-03-07, kind: rest }"]);
    let a = answer(&l, &[]);
    assert_eq!(a["decision"], "rest");
    assert_eq!(fired(&a), ["flare-rest-continues", "still-scaled-back"]);
    assert_eq!(a["next_session"]["date"], "2026-03-10");
    assert_eq!(next(&a, "walking")["minutes"], 11.0);
    // A check-in two days after: still resting.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk("2026-03-04"), &flare, "{ date: 2026-03-08, kind: check_in }"]);
    assert_eq!(run(&l).0, "rest");
}

#[test]
fn flare_rest_continues_does_not_fire() {
    // Three days after the flare the rest is over: the next session is still scaled back.
    let flare = walk_with("2026-03-06", [2, 4, 4, 8], 3);
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk("2026-03-04"), &flare, "{ date: 2026-03-09, kind: check_in }"]);
    assert_eq!(run(&l), ("hold".into(), "reintroduce".into(), vec!["still-scaled-back".to_string()]));
    // A rest day after a session without a flare.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk("2026-03-04"), "{ date: 2026-03-05, kind: rest }"]);
    assert!(!run(&l).2.contains(&"flare-rest-continues".to_string()));
}

#[test]
fn consecutive_training_days_fires() {
    let days = ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"].map(walk);
    let l = log(CLEARED, &days.each_ref().map(String::as_str));
    let a = answer(&l, &[]);
    assert_eq!(a["decision"], "rest");
    assert_eq!(fired(&a), ["consecutive-training-days", "clean-sessions-progress"]);
    assert_eq!(outvoted(&a), ["clean-sessions-progress"]);
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
    // Two points during: a meaningful rise.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 4, 2, 2], 3)]);
    assert_eq!(run(&l), ("regress".into(), "reintroduce".into(), vec!["pain-rose-during-or-after".to_string()]));
    // And after.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 2, 4, 2], 3)]);
    assert_eq!(run(&l).2, ["pain-rose-during-or-after"]);
    // One point, but out of the safe zone (peak 4).
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [3, 4, 3, 3], 3)]);
    assert_eq!(run(&l), ("regress".into(), "reintroduce".into(), vec!["pain-rose-during-or-after".to_string()]));
    // One point, but not settled by the next morning.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 3, 2, 3], 3)]);
    assert_eq!(run(&l).2, ["pain-rose-during-or-after", "next-morning-not-settled"]);
}

#[test]
fn pain_rose_during_or_after_does_not_fire() {
    // Pain 3 throughout: high-ish but not rising over this session's baseline.
    let l = log(CLEARED, &[&walk_with("2026-03-02", [3, 3, 3, 3], 3), &walk_with("2026-03-04", [3, 3, 3, 3], 3)]);
    assert_eq!(run(&l), ("progress".into(), "reintroduce".into(), vec!["clean-sessions-progress".to_string()]));
    // One point during, in the safe zone and settled: a small rise holds, it does not regress.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 3, 2, 2], 3)]);
    assert_eq!(run(&l), ("hold".into(), "reintroduce".into(), vec!["small-pain-rise".to_string()]));
}

#[test]
fn next_morning_not_settled_fires() {
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 2, 2, 3], 3)]);
    let a = answer(&l, &[]);
    assert_eq!((a["decision"].as_str(), fired(&a)), (Some("regress"), vec!["next-morning-not-settled".to_string()]));
    assert_eq!(next(&a, "walking")["minutes"], 11.0);
}

#[test]
fn next_morning_not_settled_does_not_fire() {
    // Back to the baseline of 2 by the next morning.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 2, 2, 2], 3)]);
    assert_eq!(run(&l), ("progress".into(), "reintroduce".into(), vec!["clean-sessions-progress".to_string()]));
    // Next morning 3, above the usual 2 but back to this session's own 3: settled. (No
    // progress: the pain is not steady.)
    let a = answer(&log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [3, 3, 3, 3], 3)]), &[]);
    assert_eq!((a["decision"].as_str(), fired(&a)), (Some("hold"), vec![]));
    assert_eq!(not_met(&a), ["pain-not-rising"]);
}

#[test]
fn pain_above_usual_fires() {
    // 4 all session against the usual 2: two points above, though it did not rise today.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [4, 4, 4, 4], 3)]);
    assert_eq!(run(&l), ("regress".into(), "reintroduce".into(), vec!["pain-above-usual".to_string()]));
}

#[test]
fn pain_above_usual_does_not_fire() {
    // 3 all session: one point above the usual 2.
    let a = answer(&log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [3, 3, 3, 3], 3)]), &[]);
    assert_eq!((a["decision"].as_str(), fired(&a)), (Some("hold"), vec![]));
    // 4 at the start, but settled to 3 by the next morning: the latest rating counts.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [4, 4, 3, 3], 3)]);
    assert!(!run(&l).2.contains(&"pain-above-usual".to_string()), "{:?}", run(&l).2);
}

/// Weekly-ish clean walks with pain `p` throughout, on the given days of March.
fn walks_at(days_and_pain: &[(&str, u8)]) -> Vec<String> {
    days_and_pain.iter().map(|(d, p)| walk_with(&format!("2026-03-{d}"), [*p; 4], 3)).collect()
}

#[test]
fn pain_trend_rising_fires() {
    // 1, 2, 2, 3 over 18 days: a rise of 2.1 points over 21 days.
    let s = walks_at(&[("02", 1), ("08", 2), ("14", 2), ("20", 3)]);
    assert_eq!(
        run(&log(CLEARED, &s.iter().map(String::as_str).collect::<Vec<_>>())),
        ("regress".into(), "reintroduce".into(), vec!["pain-trend-rising".to_string()])
    );
}

#[test]
fn pain_trend_rising_does_not_fire() {
    // 1, 1, 2, 2: a rise of 1.4 points over 21 days. Not enough to scale back, but no
    // progress on rising pain either.
    let s = walks_at(&[("02", 1), ("08", 1), ("14", 2), ("20", 2)]);
    let a = answer(&log(CLEARED, &s.iter().map(String::as_str).collect::<Vec<_>>()), &[]);
    assert_eq!((a["decision"].as_str(), fired(&a)), (Some("hold"), vec![]));
    assert_eq!(not_met(&a), ["pain-not-rising"]);
    // 1 then 3: a steep rise, but only two points.
    let s = walks_at(&[("02", 1), ("08", 3)]);
    assert!(!run(&log(CLEARED, &s.iter().map(String::as_str).collect::<Vec<_>>())).2.contains(&"pain-trend-rising".to_string()));
}

#[test]
fn exercise_stopped_with_pain_fires() {
    let stopped = "{ date: 2026-03-04, pain: { before: 2, during: 4, after: 2, next_day: 2 }, fatigue: 3, exercises: [{ id: walking, minutes: 8, completed: false }] }";
    let a = answer(&log(CLEARED, &[&walk("2026-03-02"), stopped]), &[]);
    assert_eq!(a["decision"], "regress");
    assert_eq!(fired(&a), ["pain-rose-during-or-after", "exercise-stopped-with-pain", "target-not-completed"]);
    assert_eq!(outvoted(&a), ["target-not-completed"]);
    // Stopped with a small rise: the stop with pain scales back although the rise alone holds.
    let stopped = stopped.replace("during: 4", "during: 3");
    let a = answer(&log(CLEARED, &[&walk("2026-03-02"), &stopped]), &[]);
    assert_eq!(a["decision"], "regress");
    assert_eq!(fired(&a), ["exercise-stopped-with-pain", "small-pain-rise", "target-not-completed"]);
    assert_eq!(outvoted(&a), ["small-pain-rise", "target-not-completed"]);
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
    // Hip flexion 110 -> 100: a fall of 10 degrees, the threshold.
    let l = log(CLEARED, &[&walk_and("2026-03-02", "rom: { hip_flexion: 110 }"), &walk_and("2026-03-04", "rom: { hip_flexion: 100 }")]);
    assert_eq!(run(&l), ("regress".into(), "reintroduce".into(), vec!["rom-decreased".to_string()]));
    // 110 -> 105 -> 105: five degrees down in two measurements running.
    let l = log(
        CLEARED,
        &[
            &walk_and("2026-03-02", "rom: { hip_flexion: 110 }"),
            &walk_and("2026-03-04", "rom: { hip_flexion: 105 }"),
            &walk_and("2026-03-06", "rom: { hip_flexion: 105 }"),
        ],
    );
    assert_eq!(run(&l), ("regress".into(), "reintroduce".into(), vec!["rom-decreased".to_string()]));
}

#[test]
fn rom_decreased_does_not_fire() {
    // 110 -> 101: nine degrees, within measurement error.
    let l = log(CLEARED, &[&walk_and("2026-03-02", "rom: { hip_flexion: 110 }"), &walk_and("2026-03-04", "rom: { hip_flexion: 101 }")]);
    assert_eq!(run(&l), ("progress".into(), "reintroduce".into(), vec!["clean-sessions-progress".to_string()]));
    // 110 -> 105 -> 108: the second reading recovered to within five degrees.
    let l = log(
        CLEARED,
        &[
            &walk_and("2026-03-02", "rom: { hip_flexion: 110 }"),
            &walk_and("2026-03-04", "rom: { hip_flexion: 105 }"),
            &walk_and("2026-03-06", "rom: { hip_flexion: 108 }"),
        ],
    );
    assert_eq!(run(&l).2, ["clean-sessions-progress"]);
    // A fall in a motion measured for the first time cannot be a fall.
    let l = log(
        CLEARED,
        &[&walk_and("2026-03-02", "rom: { hip_flexion: 110 }"), &walk_and("2026-03-04", "rom: { hip_flexion: 110, hip_abduction: 20 }")],
    );
    assert_eq!(run(&l).2, ["clean-sessions-progress"]);
}

/// A clean walk of `minutes` with range of motion `rom`.
fn walk_rom(date: &str, minutes: &str, rom: &str) -> String {
    format!(
        "{{ date: {date}, pain: {{ before: 2, during: 2, after: 2, next_day: 2 }}, fatigue: 3, rom: {{ {rom} }}, exercises: [{{ id: walking, minutes: {minutes} }}] }}"
    )
}

#[test]
fn rom_deficit_other_side_fires() {
    // Flexion 100 against 110 on the other side, measured for the first time.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_rom("2026-03-04", "15", "hip_flexion: 100, hip_flexion_other_side: 110")]);
    let a = answer(&l, &["--explain"]);
    assert_eq!(a["decision"], "regress");
    assert_eq!(fired(&a), ["rom-deficit-other-side", "clean-sessions-progress"]);
    assert_eq!(a["reasons"][0]["inputs"]["last.rom_side_deficit"], 10.0);
    // A deficit of 12 that grows to 13 at the scaled-back dose.
    let l = log(
        CLEARED,
        &[
            &walk("2026-03-02"),
            &walk_rom("2026-03-04", "15", "hip_flexion: 98, hip_flexion_other_side: 110"),
            &walk_rom("2026-03-06", "11", "hip_flexion: 97, hip_flexion_other_side: 110"),
        ],
    );
    assert_eq!(run(&l), ("regress".into(), "reintroduce".into(), vec!["rom-deficit-other-side".to_string()]));
}

#[test]
fn rom_deficit_other_side_does_not_fire() {
    // A deficit of 9 degrees.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_rom("2026-03-04", "15", "hip_flexion: 101, hip_flexion_other_side: 110")]);
    assert_eq!(run(&l), ("progress".into(), "reintroduce".into(), vec!["clean-sessions-progress".to_string()]));
    // A deficit of 14 closing to 12 at the scaled-back dose: still beyond 10, but closing.
    let l = log(
        CLEARED,
        &[
            &walk("2026-03-02"),
            &walk_rom("2026-03-04", "15", "hip_flexion: 96, hip_flexion_other_side: 110"),
            &walk_rom("2026-03-06", "11", "hip_flexion: 98, hip_flexion_other_side: 110"),
        ],
    );
    let a = answer(&l, &[]);
    assert_eq!((a["decision"].as_str(), fired(&a)), (Some("hold"), vec![]));
    assert_eq!(not_met(&a), ["clean-streak"]);
}

#[test]
fn training_gap_10_days_fires() {
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk("2026-03-04"), &walk("2026-03-14")]);
    assert_eq!(run(&l), ("regress".into(), "reintroduce".into(), vec!["training-gap-10-days".to_string()]));
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk("2026-03-04"), &walk("2026-03-25")]);
    assert_eq!(run(&l).2, ["training-gap-10-days"]);
}

#[test]
fn training_gap_10_days_does_not_fire() {
    // Nine days off: one step back, not two.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk("2026-03-04"), &walk("2026-03-13")]);
    assert_eq!(run(&l), ("regress".into(), "reintroduce".into(), vec!["training-gap".to_string()]));
}

#[test]
fn training_gap_fires() {
    // Seven days off after two clean sessions.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk("2026-03-04"), &walk("2026-03-11")]);
    let a = answer(&l, &[]);
    assert_eq!((a["decision"].as_str(), fired(&a)), (Some("regress"), vec!["training-gap".to_string()]));
    assert_eq!(next(&a, "walking")["minutes"], 11.0);
    // A rest day logged in the gap is no training.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk("2026-03-04"), "{ date: 2026-03-08, kind: rest }", &walk("2026-03-11")]);
    assert_eq!(run(&l).2, ["training-gap"]);
}

#[test]
fn training_gap_does_not_fire() {
    // Six days off: the streak goes on.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk("2026-03-04"), &walk("2026-03-10")]);
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
    // Fatigue 6: "somewhat hard", under the hold threshold of 7 and clean: progress.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 2, 2, 2], 6)]);
    assert_eq!(run(&l), ("progress".into(), "reintroduce".into(), vec!["clean-sessions-progress".to_string()]));
}

/// A clean walk that ends with `symptom` reported.
fn walk_reporting(date: &str, symptom: &str) -> String {
    walk_and(date, &format!("symptoms: [{symptom}]"))
}

#[test]
fn stiffness_reported_fires() {
    // Every rating at baseline, but stiffer: do not progress, stay until clean (Trials 2023).
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_reporting("2026-03-04", "stiffness")]);
    assert_eq!(run(&l), ("hold".into(), "reintroduce".into(), vec!["stiffness-reported".to_string()]));
}

#[test]
fn stiffness_reported_does_not_fire() {
    // Stiffness reported two sessions ago, not now: the rule reads the last session (the
    // streak restarts, so the answer is a hold without a rule, not a progress).
    let l = log(CLEARED, &[&walk_reporting("2026-03-02", "stiffness"), &walk("2026-03-04")]);
    let (decision, _, fired) = run(&l);
    assert_eq!((decision.as_str(), fired.contains(&"stiffness-reported".to_string())), ("hold", false));
}

#[test]
fn limp_appeared_fires() {
    // A limp steps back, though no pain rose; it is not a red flag.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_reporting("2026-03-04", "limp")]);
    assert_eq!(run(&l), ("regress".into(), "reintroduce".into(), vec!["limp-appeared".to_string()]));
}

#[test]
fn limp_appeared_does_not_fire() {
    // Stiffness is not a limp: it holds.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_reporting("2026-03-04", "stiffness")]);
    assert!(!run(&l).2.contains(&"limp-appeared".to_string()));
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

#[test]
fn pain_ratings_missing_fires() {
    let l = log(
        CLEARED,
        &[
            &walk("2026-03-02"),
            "{ date: 2026-03-04, pain: { before: 2, next_day: 2 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }] }",
        ],
    );
    assert_eq!(run(&l), ("hold".into(), "reintroduce".into(), vec!["pain-ratings-missing".to_string()]));
}

#[test]
fn pain_ratings_missing_does_not_fire() {
    // Pain after rated, not during: enough.
    let l = log(
        CLEARED,
        &[
            &walk("2026-03-02"),
            "{ date: 2026-03-04, pain: { before: 2, after: 2, next_day: 2 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }] }",
        ],
    );
    assert_eq!(run(&l), ("progress".into(), "reintroduce".into(), vec!["clean-sessions-progress".to_string()]));
    // Pain during rated, not after: no rule fires, but pain after decides a step up.
    let l = log(
        CLEARED,
        &[
            &walk("2026-03-02"),
            "{ date: 2026-03-04, pain: { before: 2, during: 2, next_day: 2 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }] }",
        ],
    );
    let a = answer(&l, &[]);
    assert_eq!((a["decision"].as_str(), fired(&a)), (Some("hold"), vec![]));
    assert_eq!(not_met(&a), ["pain-low"]);
}

#[test]
fn small_pain_rise_fires() {
    // One point during, peak 3, back to 2 by the next morning.
    let a = answer(&log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 3, 2, 2], 3)]), &[]);
    assert_eq!((a["decision"].as_str(), fired(&a)), (Some("hold"), vec!["small-pain-rise".to_string()]));
    // The same dose again.
    assert_eq!(next(&a, "walking")["minutes"], 15.0);
    // After, not during.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 2, 3, 2], 3)]);
    assert_eq!(run(&l).2, ["small-pain-rise"]);
}

#[test]
fn small_pain_rise_does_not_fire() {
    // Two points: meaningful.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 4, 2, 2], 3)]);
    assert_eq!(run(&l).2, ["pain-rose-during-or-after"]);
    // One point, but to 4: out of the safe zone.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [3, 4, 3, 3], 3)]);
    assert_eq!(run(&l).2, ["pain-rose-during-or-after"]);
    // One point, not settled by the next morning.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 3, 2, 3], 3)]);
    assert_eq!(run(&l).2, ["pain-rose-during-or-after", "next-morning-not-settled"]);
    // One point, next morning not rated: missing data, not a small rise (and not known to
    // have settled, so it scales back).
    let l = log(
        CLEARED,
        &[
            &walk("2026-03-02"),
            "{ date: 2026-03-04, pain: { before: 2, during: 3, after: 2 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }] }",
        ],
    );
    assert_eq!(run(&l).2, ["pain-rose-during-or-after", "next-morning-missing"]);
}

/// A clean walk of `minutes`.
fn walk_for(date: &str, minutes: &str) -> String {
    format!(
        "{{ date: {date}, pain: {{ before: 2, during: 2, after: 2, next_day: 2 }}, fatigue: 3, exercises: [{{ id: walking, minutes: {minutes} }}] }}"
    )
}

/// A clean walk of `minutes` with the phase set by a clinician (so no prescription before it).
fn pinned_walk(date: &str, minutes: &str) -> String {
    format!(
        "{{ date: {date}, override: {{ phase: reintroduce, note: walked with a group }}, pain: {{ before: 2, during: 2, after: 2, next_day: 2 }}, fatigue: 3, exercises: [{{ id: walking, minutes: {minutes} }}] }}"
    )
}

#[test]
fn session_spike_fires() {
    // 17 minutes after a 30-day longest of 15: over 1.1 times, and over the 16.5 prescribed.
    let l = log(CLEARED, &[&walk_for("2026-03-02", "15"), &walk_for("2026-03-04", "15"), &walk_for("2026-03-06", "17")]);
    let a = answer(&l, &["--explain"]);
    assert_eq!(a["decision"], "hold");
    assert_eq!(fired(&a), ["session-spike", "beyond-prescription"]);
    assert_eq!(a["reasons"][0]["inputs"]["log.training_spike"]["longest"], 15.0);
    // Hold goes back to the prescription, not the spike.
    assert_eq!(next(&a, "walking")["minutes"], 16.5);
    // With no prescription to go beyond (a clinician set the programme), the spike alone.
    let l = log(CLEARED, &[&walk_for("2026-03-02", "15"), &walk_for("2026-03-04", "15"), &pinned_walk("2026-03-06", "16.6")]);
    assert_eq!(run(&l), ("hold".into(), "reintroduce".into(), vec!["session-spike".to_string()]));
}

#[test]
fn session_spike_does_not_fire() {
    // 16.5 minutes: exactly 1.1 times the longest, and as prescribed. Nothing fires: the first
    // session at a new dose holds until it has been done cleanly twice.
    let l = log(CLEARED, &[&walk_for("2026-03-02", "15"), &walk_for("2026-03-04", "15"), &walk_for("2026-03-06", "16.5")]);
    let a = answer(&l, &[]);
    assert_eq!((a["decision"].as_str(), fired(&a)), (Some("hold"), vec![]));
    assert_eq!(not_met(&a), ["clean-streak"]);
    let l = log(CLEARED, &[&walk_for("2026-03-02", "15"), &walk_for("2026-03-04", "15"), &pinned_walk("2026-03-06", "16.5")]);
    assert_eq!(run(&l).2, Vec::<String>::new());
}

/// Two clean walks (the second progresses, bringing the bridge in at level 1), then a third
/// walk at the prescribed 16.5 minutes with the given bridge.
fn bridge_after_progress(bridge: &str) -> String {
    let third = format!(
        "{{ date: 2026-03-06, pain: {{ before: 2, during: 2, after: 2, next_day: 2 }}, fatigue: 3, exercises: [{{ id: walking, minutes: 16.5 }}, {{ id: bridge, {bridge} }}] }}"
    );
    log(CLEARED, &[&walk("2026-03-02"), &walk("2026-03-04"), &third])
}

#[test]
fn beyond_prescription_fires() {
    // Bridge level 1 was prescribed; the patient did level 2.
    let a = answer(&bridge_after_progress("level: 2, sets: 2, reps: 10, hold_s: 3"), &["--explain"]);
    assert_eq!((a["decision"].as_str(), fired(&a)), (Some("hold"), vec!["beyond-prescription".to_string()]));
    assert_eq!(a["reasons"][0]["inputs"]["last.beyond_plan"], serde_json::json!([{ "id": "bridge", "what": "dose" }]));
    // Held at the prescription, not the self-raised level.
    assert_eq!(next(&a, "bridge")["level"], 1);
    // High-impact running nobody prescribed, in the reintroduce phase.
    let jog = "{ date: 2026-03-04, pain: { before: 2, during: 2, after: 2, next_day: 2 }, fatigue: 3, exercises: [{ id: walk_jog_intervals, level: 1, minutes: 15 }] }";
    let a = answer(&log(CLEARED, &[&walk("2026-03-02"), jog]), &["--explain"]);
    assert_eq!((a["decision"].as_str(), fired(&a)), (Some("hold"), vec!["beyond-prescription".to_string()]));
    assert_eq!(a["reasons"][0]["inputs"]["last.beyond_plan"], serde_json::json!([{ "id": "walk_jog_intervals", "what": "unplanned" }]));
}

#[test]
fn beyond_prescription_does_not_fire() {
    // The bridge at the prescribed level 1.
    let a = answer(&bridge_after_progress("level: 1, sets: 2, reps: 8, hold_s: 3"), &[]);
    assert_eq!((a["decision"].as_str(), fired(&a)), (Some("hold"), vec![]));
    assert_eq!(not_met(&a), ["clean-streak"]);
    // Less than prescribed is never beyond: 15 minutes when 16.5 were prescribed.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk("2026-03-04"), &walk("2026-03-06")]);
    assert_eq!(run(&l).2, ["clean-sessions-progress"]);
}

#[test]
fn weekly_volume_rise_fires() {
    // Last week 3 x 20 = 60 minutes; this week five walks, 4 x 16 + 17 = 81, over 60 x 1.2 = 72
    // and two training days more than the week before (not the plan's own step).
    let l = log(
        CLEARED,
        &[
            &walk_for("2026-03-02", "20"),
            &walk_for("2026-03-04", "20"),
            &walk_for("2026-03-06", "20"),
            &walk_for("2026-03-09", "16"),
            &walk_for("2026-03-10", "16"),
            &walk_for("2026-03-12", "16"),
            &walk_for("2026-03-13", "16"),
            &walk_for("2026-03-15", "17"),
        ],
    );
    let a = answer(&l, &["--explain"]);
    assert_eq!(a["decision"], "hold");
    assert_eq!(fired(&a), ["weekly-volume-rise"]);
    let inputs = &a["reasons"][0]["inputs"];
    assert_eq!((&inputs["log.previous_weekly_minutes"], &inputs["log.weekly_minutes"]), (&60.into(), &81.into()));
    // Every other day, as planned: four walks in a seven-day window ending on a walk and three in
    // the one before, with no more minutes per walk, is no rise.
    let days = ["2026-03-02", "2026-03-04", "2026-03-06", "2026-03-08", "2026-03-10", "2026-03-12", "2026-03-14", "2026-03-16"];
    let walks: Vec<String> = days.iter().map(|d| walk_for(d, "20")).collect();
    let a = answer(&log(CLEARED, &walks.iter().map(String::as_str).collect::<Vec<_>>()), &[]);
    assert!(!fired(&a).contains(&"weekly-volume-rise".to_string()), "{a}");
}

#[test]
fn weekly_volume_rise_does_not_fire() {
    // This week 18 x 4 = 72: exactly 1.2 times last week.
    let l = log(
        CLEARED,
        &[
            &walk_for("2026-03-02", "20"),
            &walk_for("2026-03-04", "20"),
            &walk_for("2026-03-06", "20"),
            &walk_for("2026-03-09", "18"),
            &walk_for("2026-03-11", "18"),
            &walk_for("2026-03-13", "18"),
            &walk_for("2026-03-15", "18"),
        ],
    );
    assert_eq!(run(&l), ("progress".into(), "reintroduce".into(), vec!["clean-sessions-progress".to_string()]));
    // 79.5 minutes after 45: well over 1.2 times, but last week had under the guard's 60.
    let l = log(
        CLEARED,
        &[
            &walk_for("2026-03-02", "15"),
            &walk_for("2026-03-04", "15"),
            &walk_for("2026-03-06", "15"),
            &walk_for("2026-03-09", "15"),
            &walk_for("2026-03-10", "16.5"),
            &walk_for("2026-03-12", "16.5"),
            &walk_for("2026-03-14", "16.5"),
            &walk_for("2026-03-15", "15"),
        ],
    );
    assert_eq!(run(&l).2, Vec::<String>::new());
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
    // One component steps up at a time: the walk (cardio) now, the bridge waits.
    assert_eq!(next(&a, "walking")["minutes"], 16.5);
    assert_eq!(next(&a, "bridge")["level"], 2);
}

/// A fever on 2026-03-04 (an urgent referral) after a clean walk.
fn fever_log(after: &[&str]) -> String {
    let mut sessions = vec![walk("2026-03-02"), walk_and("2026-03-04", "symptoms: [fever]")];
    sessions.extend(after.iter().map(std::string::ToString::to_string));
    log(CLEARED, &sessions.iter().map(String::as_str).collect::<Vec<_>>())
}

#[test]
fn resume_after_review_fires() {
    // A review session on its own.
    let a = answer(&fever_log(&[&walk("2026-03-06"), &review("2026-03-09")]), &[]);
    assert_eq!((a["decision"].as_str(), fired(&a)), (Some("hold"), vec!["resume-after-review".to_string()]));
    assert_eq!(a["last_review"]["cleared"], true);
    // Resume at the level before the referral.
    assert_eq!(next(&a, "walking")["minutes"], 15.0);
    // A session that carries the review.
    let reviewed = "{ date: 2026-03-09, review: { by: Dr Lee, cleared: true }, pain: { before: 2, during: 2, after: 2, next_day: 2 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }] }";
    assert_eq!(run(&fever_log(&[reviewed])), ("hold".into(), "reintroduce".into(), vec!["resume-after-review".to_string()]));
}

#[test]
fn resume_after_review_does_not_fire() {
    // The first session after the review: the review is no longer the last session, and the
    // streak restarted with it.
    let a = answer(&fever_log(&[&review("2026-03-09"), &walk("2026-03-10")]), &[]);
    assert_eq!((a["decision"].as_str(), fired(&a)), (Some("hold"), vec![]));
    assert_eq!(not_met(&a), ["clean-streak"]);
    // Two clean sessions after it: progress.
    let l = fever_log(&[&review("2026-03-09"), &walk("2026-03-10"), &walk("2026-03-12")]);
    assert_eq!(run(&l), ("progress".into(), "reintroduce".into(), vec!["clean-sessions-progress".to_string()]));
}

#[test]
fn a_referral_stays_open_until_a_review_clears_it() {
    // The session after the fever is clean, but the referral stands.
    let a = answer(&fever_log(&[&walk("2026-03-06")]), &["--explain"]);
    assert_eq!((a["decision"].as_str(), a["urgency"].as_str()), (Some("refer"), Some("urgent")));
    assert_eq!(fired(&a), ["open-referral"]);
    assert_eq!(a["reasons"][0]["inputs"]["referral.rules"], serde_json::json!(["infection-signs"]));
    assert_eq!(a["open_referral"]["date"], "2026-03-04");
    assert!(a["next_session"].is_null());
    // Still open after two clean sessions and a review that did not clear.
    let not_cleared = "{ date: 2026-03-09, kind: review, review: { by: Dr Lee, cleared: false } }";
    let a = answer(&fever_log(&[&walk("2026-03-06"), not_cleared]), &[]);
    assert_eq!((a["decision"].as_str(), a["urgency"].as_str()), (Some("refer"), Some("urgent")));
    assert_eq!(fired(&a)[0], "open-referral");
    // A review with `cleared: true` closes it.
    let a = answer(&fever_log(&[&walk("2026-03-06"), &review("2026-03-09")]), &[]);
    assert_eq!(a["decision"], "hold");
    assert!(a["urgency"].is_null());
    assert!(a.get("open_referral").is_none());
    assert_eq!((&a["last_review"]["by"], &a["last_review"]["date"]), (&"Dr Lee".into(), &"2026-03-09".into()));
}

#[test]
fn urgency_is_urgent_for_fever_and_routine_for_swelling() {
    let a = answer(&fever_log(&[]), &[]);
    assert_eq!((a["decision"].as_str(), a["urgency"].as_str()), (Some("refer"), Some("urgent")));
    assert_eq!(a["reasons"][0]["urgency"], "urgent");
    assert_eq!(a["open_referral"]["urgency"], "urgent");
    // Fever and swelling together: the most urgent reason decides.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_and("2026-03-04", "symptoms: [swelling, fever]")]);
    assert_eq!(refer(&l), ("refer".into(), "urgent".into(), vec!["infection-signs".to_string(), "swelling".to_string()]));
    // Not a referral: no urgency.
    assert!(answer(&log(CLEARED, &[&walk("2026-03-02")]), &[])["urgency"].is_null());
}

/// A clean strengthen session (pinned by an override when `pin`), with clinic measures and
/// the range of motion of both hips when there are measures.
fn strength_session(date: &str, pin: bool, measures: &str) -> String {
    let pin = if pin { "override: { phase: strengthen, note: clinician review }, " } else { "" };
    let measures = if measures.is_empty() { String::new() } else { format!("measures: {{ {measures} }}, {GATE_ROM}, ") };
    format!(
        "{{ date: {date}, {pin}pain: {{ before: 1, during: 1, after: 1, next_day: 1 }}, fatigue: 4, {measures}exercises: [{{ id: walking, minutes: 18 }}, {{ id: bridge, level: 4, sets: 3, reps: 10, hold_s: 5 }}, {{ id: bird_dog, level: 4, sets: 2, reps: 10, hold_s: 10, load_kg: 1.5 }}] }}"
    )
}

/// The return-to-running gate measures, all met.
const GATE_MET: &str = "plank_s: 45, side_plank_s: 45, bird_dog_hold_s: 30, side_lying_abduction_reps: 30, single_leg_squat_reps: 10, pelvic_control: 1, brisk_walk_min: 30";

/// Near-symmetrical hip range of motion (a deficit of 5 degrees).
const GATE_ROM: &str = "rom: { hip_flexion: 115, hip_flexion_other_side: 120 }";

#[test]
fn return_gate_not_met_fires() {
    // Everything met but the plank, one second short.
    let short = GATE_MET.replace("plank_s: 45, side", "plank_s: 44, side");
    let l = log(CLEARED, &[&strength_session("2026-04-06", true, ""), &strength_session("2026-04-08", false, &short)]);
    let a = answer(&l, &[]);
    assert_eq!((a["decision"].as_str(), a["phase"].as_str()), (Some("hold"), Some("strengthen")));
    assert_eq!(fired(&a), ["return-gate-not-met", "clean-sessions-progress"]);
    assert_eq!(outvoted(&a), ["clean-sessions-progress"]);
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
        assert_eq!(run(&l).2, ["return-gate-not-met", "clean-sessions-progress"], "{failing}");
    }
    // Every test met, but no range of motion measured in the gate window.
    let no_rom = strength_session("2026-04-08", false, GATE_MET).replace(&format!("{GATE_ROM}, "), "");
    let l = log(CLEARED, &[&strength_session("2026-04-06", true, ""), &no_rom]);
    assert_eq!(run(&l).2, ["return-gate-not-met", "clean-sessions-progress"]);
    // A side-to-side deficit of 11 degrees is not near-symmetrical. (It is closing from 12,
    // measured at an earlier visit, so no rule scales back for it; the override after that
    // visit restarts the prescription.)
    let earlier = strength_session("2026-04-04", true, "")
        .replace("fatigue: 4, ", "fatigue: 4, rom: { hip_flexion: 108, hip_flexion_other_side: 120 }, ");
    let asymmetric = strength_session("2026-04-08", false, GATE_MET).replace("hip_flexion: 115", "hip_flexion: 109");
    let l = log(CLEARED, &[&earlier, &strength_session("2026-04-06", true, ""), &asymmetric]);
    assert_eq!(run(&l).2, ["return-gate-not-met", "clean-sessions-progress"]);
    // The battery split over two visits eight days apart: the first is outside the window.
    let (first, rest) = GATE_MET.split_at(GATE_MET.find(", single").expect("split"));
    let l = log(
        CLEARED,
        &[
            &strength_session("2026-04-06", true, first),
            &strength_session("2026-04-10", false, ""),
            &strength_session("2026-04-14", false, rest.trim_start_matches(", ")),
        ],
    );
    assert_eq!(run(&l).2, ["return-gate-not-met", "clean-sessions-progress"]);
}

#[test]
fn return_gate_not_met_does_not_fire() {
    // All gate measures met (plank exactly 45 s). The phase is pinned by the override, so it
    // stays `strengthen`, but nothing holds the progress.
    let l = log(CLEARED, &[&strength_session("2026-04-06", true, ""), &strength_session("2026-04-08", false, GATE_MET)]);
    assert_eq!(run(&l), ("progress".into(), "strengthen".into(), vec!["clean-sessions-progress".to_string()]));
    // The battery split over two visits within a week: each test's best result counts.
    let (first, rest) = GATE_MET.split_at(GATE_MET.find(", single").expect("split"));
    let l = log(
        CLEARED,
        &[
            &strength_session("2026-04-06", true, ""),
            &strength_session("2026-04-08", false, first),
            &strength_session("2026-04-10", false, rest.trim_start_matches(", ")),
        ],
    );
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
    assert!(outvoted(&a).is_empty());
    assert_eq!(next(&a, "walking")["minutes"], 16.5);
    // A progress brings in the phase's other exercises at their first level.
    assert_eq!(next(&a, "bridge")["level"], 1);
}

#[test]
fn clean_sessions_progress_does_not_fire() {
    // Only one clean session so far.
    let a = answer(&log(CLEARED, &[walk("2026-03-02").as_str()]), &[]);
    assert_eq!((a["decision"].as_str(), fired(&a), not_met(&a)), (Some("hold"), vec![], vec!["clean-streak".to_string()]));
    // A hold adds no exercise the patient has not been doing.
    assert_eq!(a["next_session"]["exercises"].as_array().expect("exercises").len(), 1);
    // Two clean sessions, but pain after 4: above the safe zone of 3.
    let a = answer(&log(CLEARED, &[&walk_with("2026-03-02", [4, 4, 4, 4], 3), &walk_with("2026-03-04", [4, 4, 4, 4], 3)]), &[]);
    assert_eq!((a["decision"].as_str(), fired(&a), not_met(&a)), (Some("hold"), vec![], vec!["pain-low".to_string()]));
    // Two clean sessions, but pain rising over the fortnight (2 -> 3).
    let a = answer(&log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [3, 3, 3, 3], 3)]), &[]);
    assert_eq!((a["decision"].as_str(), fired(&a), not_met(&a)), (Some("hold"), vec![], vec!["pain-not-rising".to_string()]));
}

/// Regression for the protocol edit to `clean_streak` (rules/helpers.rhai): a stage counts as
/// done only when done cleanly at least twice; the clean sessions of the stage before do not
/// carry over (Trials 2023: do each phase at least twice; clinical notes 4(b): "at least 2
/// consecutive clean sessions at the current level").
#[test]
fn clean_sessions_count_only_at_the_current_level() {
    // A 30-minute ride first, so that stage 2's 24 minutes are no single-session spike.
    let ride = "{ date: 2026-05-03, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: cycling, minutes: 30 }] }";
    let stage_1_twice = [run_session("2026-05-05", 1, true), run_session("2026-05-07", 1, false)];
    let mut sessions: Vec<&str> = vec![ride];
    sessions.extend(stage_1_twice.iter().map(String::as_str));
    let a = answer(&log(RUNNER, &sessions), &[]);
    assert_eq!(fired(&a), ["clean-sessions-progress"]);
    assert_eq!(next(&a, "walk_jog_intervals")["level"], 2);
    // Stage 2 once: not yet.
    let stage_2 = [run_session("2026-05-09", 2, false), run_session("2026-05-11", 2, false)];
    sessions.push(&stage_2[0]);
    let a = answer(&log(RUNNER, &sessions), &[]);
    assert_eq!((a["decision"].as_str(), fired(&a), not_met(&a)), (Some("hold"), vec![], vec!["clean-streak".to_string()]));
    assert_eq!(next(&a, "walk_jog_intervals")["level"], 2);
    // Stage 2 twice: progress to stage 3.
    sessions.push(&stage_2[1]);
    let a = answer(&log(RUNNER, &sessions), &[]);
    assert_eq!((a["decision"].as_str(), fired(&a)), (Some("progress"), vec!["clean-sessions-progress".to_string()]));
    assert_eq!(next(&a, "walk_jog_intervals")["level"], 3);
}

/// Regression for the protocol edit to `is_clean` (rules/helpers.rhai): a session with
/// swelling refers (swelling is a red flag at the hip) and is not clean, so after the review
/// that clears it the streak starts again from nothing ("if swelling ... do NOT progress,
/// stay until clean", Trials 2023).
#[test]
fn a_session_with_swelling_is_not_clean() {
    let swollen = "{ date: 2026-05-07, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 4, symptoms: [swelling], exercises: [{ id: walk_jog_intervals, level: 2, minutes: 24 }] }";
    let first = run_session("2026-05-05", 2, true);
    let a = answer(&log(RUNNER, &[&first, swollen]), &[]);
    assert_eq!((a["decision"].as_str(), a["urgency"].as_str(), fired(&a)), (Some("refer"), Some("routine"), vec!["swelling".to_string()]));
    // One clean session at the same stage after the review: hold, not progress.
    let a = answer(&log(RUNNER, &[&first, swollen, &review("2026-05-08"), &run_session("2026-05-09", 2, false)]), &[]);
    assert_eq!((a["decision"].as_str(), fired(&a), not_met(&a)), (Some("hold"), vec![], vec!["clean-streak".to_string()]));
    assert_eq!(next(&a, "walk_jog_intervals")["level"], 2);
}

// Phase gates.

/// Two weeks of clean reintroduce work as prescribed, the last session on day 14
/// (2026-03-16). Each clean pair steps the walk up by 10% (to the half minute); the bridge
/// waits, as only one component steps up at a time, and the patient keeps to 18 minutes at
/// the end.
const REINTRODUCE_TWO_WEEKS: [&str; 7] = [
    "{ date: 2026-03-02, pain: { before: 2, during: 2, after: 2, next_day: 2 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }, { id: bridge, level: 1, sets: 2, reps: 8, hold_s: 3 }] }",
    "{ date: 2026-03-04, pain: { before: 2, during: 2, after: 2, next_day: 1 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }, { id: bridge, level: 1, sets: 2, reps: 8, hold_s: 3 }] }",
    "{ date: 2026-03-06, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: walking, minutes: 16.5 }, { id: bridge, level: 1, sets: 2, reps: 8, hold_s: 3 }] }",
    "{ date: 2026-03-09, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: walking, minutes: 16.5 }, { id: bridge, level: 1, sets: 2, reps: 8, hold_s: 3 }] }",
    "{ date: 2026-03-11, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: walking, minutes: 18 }, { id: bridge, level: 1, sets: 2, reps: 8, hold_s: 3 }] }",
    "{ date: 2026-03-13, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: walking, minutes: 18 }, { id: bridge, level: 1, sets: 2, reps: 8, hold_s: 3 }] }",
    "{ date: 2026-03-16, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: walking, minutes: 18 }, { id: bridge, level: 1, sets: 2, reps: 8, hold_s: 3 }] }",
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
    assert_eq!(next(&a, "bridge")["level"], 2);
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
    // Day 14, but only three clean sessions in the past 14 days: fatigue 7 held the others
    // (so the walk stayed at 15 minutes).
    let mut sessions = REINTRODUCE_TWO_WEEKS.map(|s| s.replace("minutes: 16.5", "minutes: 15").replace("minutes: 18", "minutes: 15"));
    for s in &mut sessions[1..4] {
        *s = s.replace("fatigue: 3", "fatigue: 7");
    }
    let a = answer(&log(CLEARED, &sessions.each_ref().map(String::as_str)), &[]);
    assert_eq!((a["decision"].as_str(), a["phase"].as_str()), (Some("progress"), Some("reintroduce")));
    assert!(a.get("phase_change").is_none());
}

/// A clean strengthen session within what the engine prescribes after the phase change (a
/// walk of 18 minutes, bridge and bird-dog at level 1), with clinic measures and the range of
/// motion of both hips when there are measures.
fn light_strength_session(date: &str, measures: &str) -> String {
    let measures = if measures.is_empty() { String::new() } else { format!("measures: {{ {measures} }}, {GATE_ROM}, ") };
    format!(
        "{{ date: {date}, pain: {{ before: 1, during: 1, after: 1, next_day: 1 }}, fatigue: 4, {measures}exercises: [{{ id: walking, minutes: 18 }}, {{ id: bridge, level: 1, sets: 2, reps: 8, hold_s: 3 }}, {{ id: bird_dog, level: 1, sets: 2, reps: 8, hold_s: 5 }}] }}"
    )
}

/// Reintroduce (exit on 2026-03-16) followed by strengthen sessions on `dates`, the last one
/// with the gate `measures`.
fn through_strengthen(dates: &[&str], measures: &str) -> String {
    let mut sessions: Vec<String> = REINTRODUCE_TWO_WEEKS.iter().map(std::string::ToString::to_string).collect();
    for (i, d) in dates.iter().enumerate() {
        sessions.push(light_strength_session(d, if i + 1 == dates.len() { measures } else { "" }));
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
    let mut sessions: Vec<String> = REINTRODUCE_TWO_WEEKS.iter().map(std::string::ToString::to_string).collect();
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
    // Six is the stop zone in either model: rest first, then the scaled-back session.
    assert_eq!(a["decision"], "rest");
    assert_eq!(fired(&a), ["stop-zone-pain-in-session", "pain-rose-during-or-after"]);
}

#[test]
fn resume_after_break_fires() {
    // Seen and cleared 8 days after the fall (the last entry of kind exercise): one level down.
    let l = "patient: P\nstart: 2026-03-02\nintake: { onset: gradual, cause: overuse, provider_cleared: true }\nsessions:\n  - { date: 2026-03-02, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }, { id: bridge, level: 3, sets: 3, reps: 10, hold_s: 3 }] }\n  - { date: 2026-03-04, symptoms: [fall_or_impact], pain: { before: 3 } }\n  - { date: 2026-03-12, kind: review, review: { by: Dr B, note: X-ray clear, cleared: true } }\n";
    let a = answer(l, &[]);
    assert_eq!(a["decision"], "regress");
    assert_eq!(fired(&a), ["resume-after-break", "resume-after-review"]);
    // The rule steps back one level; the bridge, not done for 10 days, two (one per 5 days off,
    // `dosing.detraining_after_days`).
    assert_eq!(next(&a, "bridge")["level"], 1);
    assert_eq!(next(&a, "walking")["minutes"], 10.0);
}

#[test]
fn resume_after_long_break_fires() {
    // Seen and cleared 20 days after the last session: restart two levels down, as the first
    // session after the same gap would (`training-gap-10-days`).
    let l = "patient: P\nstart: 2026-03-02\nintake: { onset: gradual, cause: overuse, provider_cleared: true }\nsessions:\n  - { date: 2026-03-02, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }, { id: bridge, level: 3, sets: 3, reps: 10, hold_s: 3 }] }\n  - { date: 2026-03-04, symptoms: [fall_or_impact], pain: { before: 3 } }\n  - { date: 2026-03-22, kind: review, review: { by: Dr B, note: X-ray clear, cleared: true } }\n";
    let a = answer(l, &[]);
    assert_eq!(a["decision"], "regress");
    assert_eq!(fired(&a), ["resume-after-long-break", "resume-after-review"]);
    assert_eq!(next(&a, "bridge")["level"], 1);
}

#[test]
fn resume_after_long_break_does_not_fire() {
    // Nine days off after the fall: one level down by the rule (the bridge, not done for 11
    // days, two by detraining).
    let l = "patient: P\nstart: 2026-03-02\nintake: { onset: gradual, cause: overuse, provider_cleared: true }\nsessions:\n  - { date: 2026-03-02, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }, { id: bridge, level: 3, sets: 3, reps: 10, hold_s: 3 }] }\n  - { date: 2026-03-04, symptoms: [fall_or_impact], pain: { before: 3 } }\n  - { date: 2026-03-13, kind: review, review: { by: Dr B, note: X-ray clear, cleared: true } }\n";
    let a = answer(l, &[]);
    assert_eq!(fired(&a), ["resume-after-break", "resume-after-review"]);
    assert_eq!(next(&a, "bridge")["level"], 1);
}

#[test]
fn resume_after_break_does_not_fire() {
    // Cleared three days after the last session: resume at the same level.
    let l = "patient: P\nstart: 2026-03-02\nintake: { onset: gradual, cause: overuse, provider_cleared: true }\nsessions:\n  - { date: 2026-03-02, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }, { id: bridge, level: 2, sets: 2, reps: 10, hold_s: 3 }] }\n  - { date: 2026-03-04, symptoms: [fall_or_impact], pain: { before: 3 } }\n  - { date: 2026-03-05, kind: review, review: { by: Dr B, note: bruise only, cleared: true } }\n";
    let a = answer(l, &[]);
    assert_eq!(a["decision"], "hold");
    assert_eq!(fired(&a), ["resume-after-review"]);
    assert_eq!(next(&a, "bridge")["level"], 2);
}

#[test]
fn cleared_after_pain_rose_fires() {
    // Pain rose 1 -> 5 with night pain: referred (the pain rules outvoted). Cleared three days
    // later: the programme resumes one level below that session, not at the dose that hurt.
    let hurt = "{ date: 2026-03-06, symptoms: [night_pain], pain: { before: 1, during: 5, after: 5, next_day: 4 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }] }";
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk("2026-03-04"), hurt, &review("2026-03-09")]);
    let a = answer(&l, &[]);
    assert_eq!(a["decision"], "regress");
    assert_eq!(fired(&a), ["cleared-after-pain-rose", "resume-after-review"]);
    assert_eq!(next(&a, "walking")["minutes"], 11.0);
}

#[test]
fn cleared_after_pain_rose_does_not_fire() {
    // Night pain without a pain rise: cleared, the programme resumes at the same level.
    let l =
        log(CLEARED, &[&walk("2026-03-02"), &walk("2026-03-04"), &walk_and("2026-03-06", "symptoms: [night_pain]"), &review("2026-03-09")]);
    let a = answer(&l, &[]);
    assert_eq!(a["decision"], "hold");
    assert_eq!(fired(&a), ["resume-after-review"]);
    assert_eq!(next(&a, "walking")["minutes"], 15.0);
}

#[test]
fn pre_exercise_pain_missing_fires() {
    // 1/10 during, after and the next morning, never rated before exercise: held, and told why.
    let s = |d: &str| {
        format!("{{ date: {d}, pain: {{ during: 1, after: 1, next_day: 1 }}, fatigue: 3, exercises: [{{ id: walking, minutes: 15 }}] }}")
    };
    let l = log(CLEARED, &[&s("2026-03-02"), &s("2026-03-04"), &s("2026-03-06")]);
    assert_eq!(run(&l), ("hold".into(), "reintroduce".into(), vec!["pre-exercise-pain-missing".to_string()]));
}

#[test]
fn pre_exercise_pain_missing_does_not_fire() {
    // Pain-free at every rating given: no rise is possible, and two such sessions progress.
    let s = |d: &str| {
        format!("{{ date: {d}, pain: {{ during: 0, after: 0, next_day: 0 }}, fatigue: 3, exercises: [{{ id: walking, minutes: 15 }}] }}")
    };
    let l = log(CLEARED, &[&s("2026-03-02"), &s("2026-03-04")]);
    assert_eq!(run(&l), ("progress".into(), "reintroduce".into(), vec!["clean-sessions-progress".to_string()]));
    // Rated before exercise: the usual rules judge it.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk("2026-03-04")]);
    assert!(!run(&l).2.contains(&"pre-exercise-pain-missing".to_string()));
}

#[test]
fn still_scaled_back_fires() {
    // A check-in the day after a session that scaled back: the next session stays scaled back.
    // (Pain 5 during: a step back; the stop zone, 6 or more, rests first.)
    let hurt = walk_with("2026-03-06", [2, 5, 5, 4], 3);
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk("2026-03-04"), &hurt, "{ date: 2026-03-07, kind: check_in }"]);
    let a = answer(&l, &[]);
    assert_eq!(a["decision"], "hold");
    assert_eq!(fired(&a), ["still-scaled-back"]);
    assert_eq!(next(&a, "walking")["minutes"], 11.0);
    // Two check-ins: the dose that hurt is still not back.
    let l = log(
        CLEARED,
        &[&walk("2026-03-02"), &walk("2026-03-04"), &hurt, "{ date: 2026-03-07, kind: check_in }", "{ date: 2026-03-08, kind: rest }"],
    );
    assert_eq!(run(&l).0, "hold");
}

#[test]
fn still_scaled_back_does_not_fire() {
    // A check-in after clean sessions: the plan is as it was.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk("2026-03-04"), "{ date: 2026-03-05, kind: check_in }"]);
    assert!(!run(&l).2.contains(&"still-scaled-back".to_string()));
    // A rest day after the routine rest of five training days in a row.
    let days = ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"].map(walk);
    let mut sessions: Vec<&str> = days.iter().map(String::as_str).collect();
    sessions.push("{ date: 2026-03-07, kind: rest }");
    assert!(!run(&log(CLEARED, &sessions)).2.contains(&"still-scaled-back".to_string()));
}

// Rules added in protocol 1.4.0 (a clinical review of sparse logs, limps, repeated scale-backs,
// stop-zone pain and sustained fatigue).

#[test]
fn limp_persists_fires() {
    // A limp again two days after the first: scaling back did not settle it.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_reporting("2026-03-04", "limp"), &walk_reporting("2026-03-06", "limp")]);
    let (decision, urgency, rules) = refer(&l);
    assert_eq!((decision.as_str(), urgency.as_str()), ("refer", "routine"));
    assert!(rules.contains(&"limp-persists".to_string()), "{rules:?}");
    // A limp in a runner, three days after a run: a changed stride (AOPT), not a step back.
    let (decision, _, rules) = refer(&runner_then("2026-05-08", "limp"));
    assert_eq!(decision, "refer");
    assert!(rules.contains(&"limp-persists".to_string()), "{rules:?}");
}

#[test]
fn limp_persists_does_not_fire() {
    // A first limp, no running: one step back.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_reporting("2026-03-04", "limp")]);
    assert_eq!(run(&l), ("regress".into(), "reintroduce".into(), vec!["limp-appeared".to_string()]));
    // A limp again eight days after the last one is a new limp.
    let l = log(
        CLEARED,
        &[
            &walk_reporting("2026-03-02", "limp"),
            &walk("2026-03-04"),
            &walk("2026-03-06"),
            &walk("2026-03-08"),
            &walk_reporting("2026-03-10", "limp"),
        ],
    );
    let (decision, _, rules) = run(&l);
    assert_eq!(decision, "regress");
    assert!(rules.contains(&"limp-appeared".to_string()) && !rules.contains(&"limp-persists".to_string()), "{rules:?}");
}

#[test]
fn pain_not_settling_fires() {
    // Pain 2 -> 4 during and after at three sessions running, each scaled back after the one
    // before: worse despite a lighter programme (clinical notes scenario 8).
    let painful = |d: &str| walk_with(d, [2, 4, 4, 3], 3);
    let l = log(CLEARED, &[&walk("2026-03-02"), &painful("2026-03-04"), &painful("2026-03-06"), &painful("2026-03-08")]);
    let (decision, urgency, rules) = refer(&l);
    assert_eq!((decision.as_str(), urgency.as_str()), ("refer", "routine"));
    assert!(rules.contains(&"pain-not-settling".to_string()), "{rules:?}");
}

#[test]
fn pain_not_settling_does_not_fire() {
    // Twice is a step back each time; a settled session in between restarts the count.
    let painful = |d: &str| walk_with(d, [2, 4, 4, 3], 3);
    let l = log(CLEARED, &[&walk("2026-03-02"), &painful("2026-03-04"), &painful("2026-03-06")]);
    assert_eq!(run(&l).0, "regress");
    assert!(!run(&l).2.contains(&"pain-not-settling".to_string()));
    let l = log(CLEARED, &[&painful("2026-03-02"), &painful("2026-03-04"), &walk("2026-03-06"), &painful("2026-03-08")]);
    assert!(!run(&l).2.contains(&"pain-not-settling".to_string()));
}

#[test]
fn stop_zone_pain_in_session_fires() {
    // Pain 7 during a walk (2 before): stop zone. Two days of relative rest, then one step down.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 7, 5, 3], 3)]);
    let a = answer(&l, &[]);
    assert_eq!(a["decision"], "rest");
    assert!(fired(&a).contains(&"stop-zone-pain-in-session".to_string()), "{:?}", fired(&a));
    assert_eq!(a["next_session"]["date"], "2026-03-07");
    assert_eq!(next(&a, "walking")["minutes"], 11.0);
    // A check-in the next day keeps the rest going.
    let l = log(
        CLEARED,
        &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 7, 5, 3], 3), "{ date: 2026-03-05, kind: check_in, pain: { before: 3 } }"],
    );
    assert_eq!(run(&l).0, "rest");
    assert!(run(&l).2.contains(&"flare-rest-continues".to_string()));
}

#[test]
fn stop_zone_pain_in_session_does_not_fire() {
    // Pain 5 during: the acceptable zone, a step back only.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 5, 4, 2], 3)]);
    assert_eq!(run(&l).0, "regress");
    assert!(!run(&l).2.contains(&"stop-zone-pain-in-session".to_string()));
}

#[test]
fn fatigue_stays_very_high_fires() {
    let tired = |d: &str, f: u8| walk_with(d, [2, 2, 2, 2], f);
    let l = log(CLEARED, &[&walk("2026-03-02"), &tired("2026-03-04", 8), &tired("2026-03-06", 9), &tired("2026-03-08", 8)]);
    assert_eq!(run(&l), ("regress".into(), "reintroduce".into(), vec!["fatigue-stays-very-high".to_string(), "high-fatigue".to_string()]));
}

#[test]
fn fatigue_stays_very_high_does_not_fire() {
    // Twice very tired is a hold; three times at 7 (the hold level) is a hold too.
    let tired = |d: &str, f: u8| walk_with(d, [2, 2, 2, 2], f);
    let l = log(CLEARED, &[&walk("2026-03-02"), &tired("2026-03-04", 8), &tired("2026-03-06", 9)]);
    assert_eq!(run(&l), ("hold".into(), "reintroduce".into(), vec!["high-fatigue".to_string()]));
    let l = log(CLEARED, &[&walk("2026-03-02"), &tired("2026-03-04", 7), &tired("2026-03-06", 7), &tired("2026-03-08", 7)]);
    assert_eq!(run(&l), ("hold".into(), "reintroduce".into(), vec!["high-fatigue".to_string()]));
}

#[test]
fn training_gap_4_weeks_fires() {
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk("2026-03-04"), &walk("2026-04-01")]);
    assert_eq!(run(&l), ("regress".into(), "reintroduce".into(), vec!["training-gap-4-weeks".to_string()]));
    // Only two sessions, six weeks apart: no routine is known, and the time off still counts
    // (it answered progress before protocol 1.4.0).
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk("2026-04-13")]);
    assert_eq!(run(&l), ("regress".into(), "reintroduce".into(), vec!["training-gap-4-weeks".to_string()]));
}

#[test]
fn training_gap_4_weeks_does_not_fire() {
    // 27 days off: two steps back.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk("2026-03-04"), &walk("2026-03-31")]);
    assert_eq!(run(&l), ("regress".into(), "reintroduce".into(), vec!["training-gap-10-days".to_string()]));
}

#[test]
fn a_gap_counts_when_no_routine_is_known_yet() {
    // The only two sessions twelve days apart: time off, two steps back.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk("2026-03-14")]);
    assert_eq!(run(&l), ("regress".into(), "reintroduce".into(), vec!["training-gap-10-days".to_string()]));
    // A week apart may be a weekly routine: no step back, but no clean pair either (a hold).
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk("2026-03-09")]);
    assert_eq!(run(&l), ("hold".into(), "reintroduce".into(), vec![]));
}

#[test]
fn a_steady_loss_of_range_of_motion_scales_back() {
    // 120 -> 116 -> 112 -> 108: each fall is within measurement error, twelve degrees in all.
    let rom = |d: &str, v: u32| walk_and(d, &format!("rom: {{ hip_flexion: {v} }}"));
    let l = log(CLEARED, &[&rom("2026-03-02", 120), &rom("2026-03-04", 116), &rom("2026-03-06", 112), &rom("2026-03-08", 108)]);
    let (decision, _, rules) = run(&l);
    assert_eq!(decision, "regress");
    assert_eq!(rules.first().map(String::as_str), Some("rom-decreased"), "{rules:?}");
    // One fall of ten, then level: the fall scaled back once, the level reading does not again.
    let l = log(CLEARED, &[&rom("2026-03-02", 120), &rom("2026-03-04", 110), &rom("2026-03-06", 110), &rom("2026-03-08", 110)]);
    assert!(!run(&l).2.contains(&"rom-decreased".to_string()), "{:?}", run(&l));
}

#[test]
fn a_session_of_zero_doses_is_not_clean() {
    // Walking listed at 0 minutes twice: nothing was done, so nothing progresses, and the next
    // walk is the prescription, not a walk of nothing.
    let zero = |d: &str| {
        format!(
            "{{ date: {d}, pain: {{ before: 2, during: 2, after: 2, next_day: 2 }}, fatigue: 3, exercises: [{{ id: walking, minutes: 0 }}] }}"
        )
    };
    let l = log(CLEARED, &[&walk("2026-03-02"), &zero("2026-03-04"), &zero("2026-03-06")]);
    let a = answer(&l, &[]);
    assert_eq!(a["decision"], "hold");
    assert_eq!(next(&a, "walking")["minutes"], 15.0);
}

#[test]
fn swimming_is_part_of_the_reintroduce_programme() {
    // The seed's reintroduce phase is walking or swimming: a swim instead of a walk is no work
    // beyond the programme, and two clean sessions progress.
    let swim = |d: &str| {
        format!(
            "{{ date: {d}, pain: {{ before: 2, during: 2, after: 2, next_day: 2 }}, fatigue: 3, exercises: [{{ id: swimming, minutes: 15 }}] }}"
        )
    };
    let l = log(CLEARED, &[&swim("2026-03-02"), &swim("2026-03-04")]);
    assert_eq!(run(&l), ("progress".into(), "reintroduce".into(), vec!["clean-sessions-progress".to_string()]));
}

/// A check-in or rest day with the given pain ratings written as YAML (`during: 7`).
fn day_off(date: &str, kind: &str, pain: &str) -> String {
    format!("{{ date: {date}, kind: {kind}, pain: {{ {pain} }} }}")
}

fn has(rules: &[String], id: &str) -> bool {
    rules.iter().any(|r| r == id)
}

#[test]
fn severe_pain_persists_fires() {
    // Pain of 7 or 8 on three days off within a week: rest has not settled it.
    let l = log(
        CLEARED,
        &[
            &walk("2026-03-02"),
            &day_off("2026-03-04", "check_in", "before: 3, during: 7"),
            &day_off("2026-03-05", "check_in", "during: 7"),
            &day_off("2026-03-06", "rest", "after: 8"),
        ],
    );
    let (decision, urgency, rules) = refer(&l);
    assert_eq!((decision.as_str(), urgency.as_str()), ("refer", "routine"));
    assert!(has(&rules, "severe-pain-persists"), "{rules:?}");
    // Exercise sessions count too: stop-zone pain at two sessions and a check-in.
    let l = log(
        CLEARED,
        &[
            &walk("2026-03-02"),
            &walk_with("2026-03-04", [2, 7, 7, 3], 3),
            &walk_with("2026-03-07", [2, 7, 6, 3], 3),
            &day_off("2026-03-08", "check_in", "during: 6"),
        ],
    );
    assert!(has(&run(&l).2, "severe-pain-persists"), "{:?}", run(&l));
}

#[test]
fn severe_pain_persists_does_not_fire() {
    // Two such days eight days apart: rest each time, no referral.
    let l = log(
        CLEARED,
        &[
            &walk("2026-03-02"),
            &day_off("2026-03-04", "check_in", "during: 7"),
            &walk("2026-03-07"),
            &day_off("2026-03-12", "check_in", "during: 7"),
        ],
    );
    let (decision, _, rules) = run(&l);
    assert_eq!(decision, "rest");
    assert!(!has(&rules, "severe-pain-persists"), "{rules:?}");
}

#[test]
fn stop_zone_pain_off_exercise_fires() {
    // 9/10 walking round a supermarket on a check-in: two days of rest, not a walk the next day.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk("2026-03-04"), &day_off("2026-03-05", "check_in", "during: 9")]);
    let a = answer(&l, &[]);
    assert_eq!(a["decision"], "rest");
    assert!(has(&fired(&a), "stop-zone-pain-off-exercise"), "{:?}", fired(&a));
    assert_eq!(a["next_session"]["date"], "2026-03-08");
    // All day on a rest day, in the `after` field.
    let l = log(CLEARED, &[&walk("2026-03-02"), &day_off("2026-03-03", "rest", "after: 8")]);
    assert!(has(&run(&l).2, "stop-zone-pain-off-exercise"), "{:?}", run(&l));
}

#[test]
fn stop_zone_pain_off_exercise_does_not_fire() {
    // 5/10 on a check-in: scaled back, no rest.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk("2026-03-04"), &day_off("2026-03-05", "check_in", "during: 5")]);
    let (decision, _, rules) = run(&l);
    assert_eq!(decision, "regress");
    assert!(!has(&rules, "stop-zone-pain-off-exercise"), "{rules:?}");
    // 7/10 during exercise is the exercise session's own rule.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 7, 7, 3], 3)]);
    let (_, _, rules) = run(&l);
    assert!(has(&rules, "stop-zone-pain-in-session") && !has(&rules, "stop-zone-pain-off-exercise"), "{rules:?}");
}

#[test]
fn trained_during_relative_rest_fires() {
    // A flare (next morning 7 against 2), then training the next day while still sore.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 3, 3, 7], 3), &walk_with("2026-03-05", [5, 5, 5, 4], 3)]);
    let (decision, _, rules) = run(&l);
    assert_eq!(decision, "rest");
    assert!(has(&rules, "trained-during-relative-rest"), "{rules:?}");
    // After stop-zone pain on a day off too.
    let l =
        log(CLEARED, &[&walk("2026-03-02"), &day_off("2026-03-03", "check_in", "during: 8"), &walk_with("2026-03-04", [4, 4, 4, 4], 3)]);
    assert!(has(&run(&l).2, "trained-during-relative-rest"), "{:?}", run(&l));
}

#[test]
fn trained_during_relative_rest_does_not_fire() {
    // Back four days after the flare, the rest taken.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 3, 3, 7], 3), &walk_with("2026-03-08", [3, 3, 3, 3], 3)]);
    assert!(!has(&run(&l).2, "trained-during-relative-rest"), "{:?}", run(&l));
    // A clean session the day after a small rise is no breach of any rest.
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_with("2026-03-04", [2, 4, 4, 3], 3), &walk("2026-03-05")]);
    assert!(!has(&run(&l).2, "trained-during-relative-rest"), "{:?}", run(&l));
}

/// A log at bridge level `level`, a fall two days later, then a review clearing it on `review_on`.
fn cleared_after(level: u8, review_on: &str) -> String {
    let bridge = match level {
        5 => "{ id: bridge, level: 5, sets: 3, reps: 12, hold_s: 5 }",
        _ => "{ id: bridge, level: 3, sets: 3, reps: 10, hold_s: 3 }",
    };
    log(
        CLEARED,
        &[
            &format!(
                "{{ date: 2026-03-02, pain: {{ before: 1, during: 1, after: 1, next_day: 1 }}, fatigue: 3, exercises: [{{ id: walking, minutes: 15 }}, {bridge}] }}"
            ),
            "{ date: 2026-03-04, symptoms: [fall_or_impact], pain: { before: 3 } }",
            &review(review_on),
        ],
    )
}

#[test]
fn resume_after_4_weeks_fires() {
    // Cleared 47 days after the last session: the bottom of every ladder, as a session logged
    // after the same gap would get.
    let a = answer(&cleared_after(5, "2026-04-20"), &[]);
    assert_eq!(a["decision"], "regress");
    assert!(has(&fired(&a), "resume-after-4-weeks") && !has(&fired(&a), "resume-after-long-break"), "{:?}", fired(&a));
    assert_eq!(next(&a, "bridge")["level"], 1);
}

#[test]
fn resume_after_4_weeks_does_not_fire() {
    // 27 days: two levels down by the rule; the bridge, not done for 27 days, five (one per 5
    // days off), which is level 1.
    let a = answer(&cleared_after(5, "2026-03-29"), &[]);
    assert!(has(&fired(&a), "resume-after-long-break") && !has(&fired(&a), "resume-after-4-weeks"), "{:?}", fired(&a));
    assert_eq!(next(&a, "bridge")["level"], 1);
}

/// A session of pain 2 throughout whose only exercise is `exercise` (YAML flow mapping).
fn session_doing(date: &str, exercise: &str) -> String {
    format!("{{ date: {date}, pain: {{ before: 2, during: 2, after: 2, next_day: 2 }}, fatigue: 3, exercises: [{exercise}] }}")
}

#[test]
fn token_doses_only_fires() {
    // Half-minute walks, pain-free: no progress and no phase change; the next walk is the
    // first step's 15 minutes, not half a minute.
    let half = |d: &str| session_doing(d, "{ id: walking, minutes: 0.5 }");
    let l = log(CLEARED, &[&half("2026-03-02"), &half("2026-03-04"), &half("2026-03-06")]);
    let a = answer(&l, &[]);
    assert_eq!((a["decision"].as_str(), a["phase"].as_str()), (Some("hold"), Some("reintroduce")));
    assert_eq!(fired(&a), vec!["token-doses-only".to_string()]);
    assert_eq!(next(&a, "walking")["minutes"], 15.0);
    // One rep of one set of a 2 x 8 bridge.
    let rep = |d: &str| session_doing(d, "{ id: bridge, level: 1, sets: 1, reps: 1 }");
    let l = log(CLEARED, &[&rep("2026-03-02"), &rep("2026-03-04"), &rep("2026-03-06")]);
    assert_eq!(run(&l), ("hold".into(), "reintroduce".into(), vec!["token-doses-only".to_string()]));
}

#[test]
fn token_doses_only_does_not_fire() {
    // Four minutes of a 15-minute first step (over a quarter: a frail patient's real walk)
    // counts, and progresses.
    let half = |d: &str| session_doing(d, "{ id: walking, minutes: 4 }");
    let l = log(CLEARED, &[&half("2026-03-02"), &half("2026-03-04"), &half("2026-03-06")]);
    let (decision, _, rules) = run(&l);
    assert_eq!(decision, "progress");
    assert!(!has(&rules, "token-doses-only"), "{rules:?}");
}

#[test]
fn a_third_limp_within_three_weeks_refers() {
    let limp = |d: &str| walk_reporting(d, "limp");
    let l = log(
        CLEARED,
        &[
            &limp("2026-03-02"),
            &walk("2026-03-04"),
            &walk("2026-03-06"),
            &walk("2026-03-08"),
            &limp("2026-03-10"),
            &walk("2026-03-12"),
            &walk("2026-03-14"),
            &walk("2026-03-16"),
            &limp("2026-03-18"),
        ],
    );
    let (decision, _, rules) = refer(&l);
    assert_eq!(decision, "refer");
    assert!(has(&rules, "limp-persists"), "{rules:?}");
}

#[test]
fn a_fever_or_weight_loss_in_the_measures_refers() {
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk("2026-03-04"), &walk_and("2026-03-06", "measures: { temperature_c: 38.4 }")]);
    let (decision, urgency, rules) = refer(&l);
    assert_eq!((decision.as_str(), urgency.as_str(), has(&rules, "infection-signs")), ("refer", "urgent", true), "{rules:?}");
    let l = log(CLEARED, &[&walk("2026-03-02"), &walk_and("2026-03-04", "measures: { temp_f: 101.2 }")]);
    assert!(has(&refer(&l).2, "infection-signs"), "{:?}", refer(&l));
    let weight = |d: &str, kg: &str| walk_and(d, &format!("measures: {{ body_weight_kg: {kg} }}"));
    let l = log(CLEARED, &[&weight("2026-03-02", "70"), &walk("2026-03-04"), &weight("2026-03-06", "66.3")]);
    assert!(has(&refer(&l).2, "unexplained-weight-loss"), "{:?}", refer(&l));
    // Near misses: 37.6 degrees, 99.5 Fahrenheit, 4% of body weight, a load named like a weight.
    for extra in ["measures: { temperature_c: 37.6 }", "measures: { temp_f: 99.5 }", "measures: { squat_weight_kg: 20 }"] {
        let l = log(
            CLEARED,
            &[&walk("2026-03-02"), &walk_and("2026-03-04", "measures: { squat_weight_kg: 40 }"), &walk_and("2026-03-06", extra)],
        );
        assert_eq!(run(&l).0, "progress", "{extra}: {:?}", run(&l));
    }
    let l = log(CLEARED, &[&weight("2026-03-02", "70"), &walk("2026-03-04"), &weight("2026-03-06", "67.2")]);
    assert_eq!(run(&l).0, "progress", "{:?}", run(&l));
}

#[test]
fn a_runner_rating_stop_zone_pain_on_a_day_off_is_referred_urgently() {
    let l = runner_then_pain("2026-05-08", "before: 2, during: 7");
    let (decision, urgency, rules) = refer(&l);
    assert_eq!((decision.as_str(), urgency.as_str()), ("refer", "urgent"));
    assert!(has(&rules, "runner-bone-stress-signs"), "{rules:?}");
    // 4/10 is scaled back, not referred (5/10 refers since 1.6.0).
    let (decision, _, rules) = refer(&runner_then_pain("2026-05-08", "before: 2, during: 4"));
    assert_ne!(decision, "refer", "{rules:?}");
}

#[test]
fn stop_zone_pain_the_next_morning_rests() {
    // Usual pain 5, the session 5/5/5, the next morning 7: the same stop as a 7 on a check-in.
    let l = log(CLEARED, &[&walk_with("2026-03-02", [5, 5, 5, 5], 3), &walk_with("2026-03-04", [5, 5, 5, 7], 3)]);
    let a = answer(&l, &[]);
    assert_eq!(a["decision"], "rest");
    assert!(has(&fired(&a), "stop-zone-pain-in-session"), "{:?}", fired(&a));
    assert_eq!(a["next_session"]["date"], "2026-03-07");
}

#[test]
fn counts_start_again_after_a_clearing_review() {
    // Stop-zone pain on two days, a review that clears the patient, then one bad day: rest,
    // not a referral for pain the review has seen.
    let l = log(
        CLEARED,
        &[
            &walk("2026-03-02"),
            &day_off("2026-03-04", "check_in", "during: 7"),
            &day_off("2026-03-05", "check_in", "during: 7"),
            &review("2026-03-06"),
            &day_off("2026-03-07", "check_in", "during: 7"),
        ],
    );
    let (decision, _, rules) = run(&l);
    assert_eq!(decision, "rest", "{rules:?}");
    assert!(!has(&rules, "severe-pain-persists"), "{rules:?}");
}

#[test]
fn measures_read_as_temperature_or_weight_by_their_names() {
    for extra in ["measures: { oral_temp_c: 38.5 }", "measures: { tympanic_temperature: 38.3 }", "measures: { core_temp: 38.9 }"] {
        let l = log(CLEARED, &[&walk("2026-03-02"), &walk_and("2026-03-04", extra)]);
        assert!(has(&refer(&l).2, "infection-signs"), "{extra}: {:?}", refer(&l));
    }
    let weighed = |d: &str, name: &str, v: &str| walk_and(d, &format!("measures: {{ {name}: {v} }}"));
    for name in ["mass_kg", "bw_kg", "weight_lb"] {
        let l = log(CLEARED, &[&weighed("2026-03-02", name, "80"), &walk("2026-03-04"), &weighed("2026-03-06", name, "75")]);
        assert!(has(&refer(&l).2, "unexplained-weight-loss"), "{name}: {:?}", refer(&l));
    }
    // Not a temperature or a weight, an implausible weight, a loss more than a year old, and a
    // loss a review has cleared: no referral.
    let near = [
        log(CLEARED, &[&walk("2026-03-02"), &walk("2026-03-04"), &walk_and("2026-03-06", "measures: { tempo_min: 40 }")]),
        log(
            CLEARED,
            &[&weighed("2026-03-02", "weight_bearing_pct", "100"), &walk("2026-03-04"), &weighed("2026-03-06", "weight_bearing_pct", "92")],
        ),
        log(CLEARED, &[&weighed("2026-03-02", "weight_kg", "802"), &walk("2026-03-04"), &weighed("2026-03-06", "weight_kg", "79.8")]),
        log(
            CLEARED,
            &[
                &weighed("2025-01-02", "weight_kg", "90"),
                &walk("2026-03-04"),
                &walk("2026-03-06"),
                &weighed("2026-03-08", "weight_kg", "80"),
            ],
        )
        .replace("start: 2026-03-02", "start: 2025-01-01"),
        log(
            CLEARED,
            &[
                &weighed("2026-03-02", "weight_kg", "90"),
                &review("2026-03-03"),
                &walk("2026-03-04"),
                &weighed("2026-03-06", "weight_kg", "85"),
            ],
        ),
    ];
    for l in near {
        let (decision, _, rules) = run(&l);
        assert!(decision != "refer" && !has(&rules, "unexplained-weight-loss") && !has(&rules, "infection-signs"), "{l}: {rules:?}");
    }
}

#[test]
fn pain_off_exercise_recurs_fires() {
    // Pain 5/10 at rest on three check-ins within a week while the walks stay clean at 1:
    // non-mechanical until shown otherwise.
    let l = log(
        CLEARED,
        &[
            &walk_with("2026-03-02", [1, 1, 1, 1], 3),
            &day_off("2026-03-03", "check_in", "before: 5"),
            &walk_with("2026-03-04", [1, 1, 1, 1], 3),
            &day_off("2026-03-06", "check_in", "before: 5"),
            &walk_with("2026-03-07", [1, 1, 1, 1], 3),
            &day_off("2026-03-09", "rest", "after: 6"),
        ],
    );
    let (decision, urgency, rules) = refer(&l);
    assert_eq!((decision.as_str(), urgency.as_str()), ("refer", "routine"));
    assert!(has(&rules, "pain-off-exercise-recurs"), "{rules:?}");
}

#[test]
fn pain_off_exercise_recurs_does_not_fire() {
    // Two such check-ins, or three more than two weeks apart, or at the patient's usual level.
    let two = log(
        CLEARED,
        &[
            &walk_with("2026-03-02", [1, 1, 1, 1], 3),
            &day_off("2026-03-03", "check_in", "before: 5"),
            &walk_with("2026-03-04", [1, 1, 1, 1], 3),
            &day_off("2026-03-06", "check_in", "before: 5"),
        ],
    );
    let spread = log(
        CLEARED,
        &[
            &walk_with("2026-03-02", [1, 1, 1, 1], 3),
            &day_off("2026-03-03", "check_in", "before: 5"),
            &walk_with("2026-03-10", [1, 1, 1, 1], 3),
            &day_off("2026-03-11", "check_in", "before: 5"),
            &walk_with("2026-03-17", [1, 1, 1, 1], 3),
            &day_off("2026-03-18", "check_in", "before: 5"),
        ],
    );
    let usual = log(
        CLEARED,
        &[
            &walk_with("2026-03-02", [4, 4, 4, 4], 3),
            &day_off("2026-03-03", "check_in", "before: 5"),
            &walk_with("2026-03-04", [4, 4, 4, 4], 3),
            &day_off("2026-03-06", "check_in", "before: 5"),
            &walk_with("2026-03-07", [4, 4, 4, 4], 3),
            &day_off("2026-03-09", "check_in", "before: 5"),
        ],
    );
    for l in [two, spread, usual] {
        let (_, _, rules) = run(&l);
        assert!(!has(&rules, "pain-off-exercise-recurs"), "{rules:?}\n{l}");
    }
}

#[test]
fn runner_walking_pain_refers_only_on_walking_or_a_day_off() {
    let ran = "{ date: 2026-03-02, override: { phase: return }, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 4, exercises: [{ id: walk_jog_intervals, level: 3, minutes: 25 }] }";
    // A walk the day after a run, 1 -> 5: the bone-stress warning, urgent.
    let l = log(RUNNER, &[ran, &walk_with("2026-03-03", [1, 5, 4, 2], 4)]);
    let (decision, urgency, rules) = refer(&l);
    assert_eq!((decision.as_str(), urgency.as_str()), ("refer", "urgent"), "{rules:?}");
    assert!(has(&rules, "runner-bone-stress-signs"), "{rules:?}");
    // 4/10 on the walk: scaled back.
    let l = log(RUNNER, &[ran, &walk_with("2026-03-03", [1, 4, 4, 2], 4)]);
    let (_, _, rules) = run(&l);
    assert!(!has(&rules, "runner-bone-stress-signs"), "{rules:?}");
    // The same walk by a patient who does not run: scaled back.
    let l = log(CLEARED, &[&walk_with("2026-03-02", [1, 1, 1, 1], 3), &walk_with("2026-03-03", [1, 5, 4, 2], 4)]);
    let (_, _, rules) = run(&l);
    assert!(!has(&rules, "runner-bone-stress-signs"), "{rules:?}");
}

#[test]
fn fatigue_near_maximal_twice_scales_back_but_very_high_twice_holds() {
    let nine = log(
        CLEARED,
        &[&walk_with("2026-03-02", [1, 1, 1, 1], 4), &walk_with("2026-03-04", [1, 1, 1, 1], 9), &walk_with("2026-03-06", [1, 1, 1, 1], 9)],
    );
    let (decision, _, rules) = run(&nine);
    assert_eq!(decision, "regress", "{rules:?}");
    assert!(has(&rules, "fatigue-stays-very-high"), "{rules:?}");
    // Scenario 3: an 8 after two walks holds (no pain rise, so no scaling back).
    let eight = log(
        CLEARED,
        &[&walk_with("2026-03-02", [1, 1, 1, 1], 4), &walk_with("2026-03-04", [1, 1, 1, 1], 8), &walk_with("2026-03-06", [1, 1, 1, 1], 8)],
    );
    let (decision, _, rules) = run(&eight);
    assert_eq!(decision, "hold", "{rules:?}");
    assert!(!has(&rules, "fatigue-stays-very-high"), "{rules:?}");
}

#[test]
fn rom_lost_sharply_fires() {
    // Internal rotation 30 -> 8 on a check-in, pain 3: referred, not scaled back.
    let l = log(
        CLEARED,
        &[
            &walk_and("2026-03-02", "rom: { hip_internal_rotation: 30 }"),
            "{ date: 2026-03-04, kind: check_in, pain: { before: 3 }, rom: { hip_internal_rotation: 8 } }",
        ],
    );
    let (decision, urgency, rules) = refer(&l);
    assert_eq!((decision.as_str(), urgency.as_str()), ("refer", "routine"), "{rules:?}");
    assert!(has(&rules, "rom-lost-sharply"), "{rules:?}");
}

#[test]
fn rom_lost_sharply_does_not_fire() {
    // 30 -> 12 (18 degrees): scaled back by `rom-decreased`.
    let l = log(
        CLEARED,
        &[&walk_and("2026-03-02", "rom: { hip_internal_rotation: 30 }"), &walk_and("2026-03-04", "rom: { hip_internal_rotation: 12 }")],
    );
    let (decision, _, rules) = run(&l);
    assert_eq!(decision, "regress", "{rules:?}");
    assert!(has(&rules, "rom-decreased") && !has(&rules, "rom-lost-sharply"), "{rules:?}");
}
