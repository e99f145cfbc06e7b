//! The twenty test scenarios of the clinical notes (`clinical-notes.md`, section 4(b)), each
//! as a patient log run through `stepwise next --format json` with the embedded hip protocol,
//! asserting the decision, the phase, every rule that fired (in rule order, the outvoted ones
//! too), the urgency of a referral and, where the scenario says so, the next dose. The logs
//! follow what the engine prescribed after each session (a patient who does more is held by
//! `beyond-prescription`), except where the scenario itself is about doing more.
//!
//! Skipped: none. All twenty can be expressed, some only approximately; each approximation is
//! explained at its test:
//! - #2: the engine had prescribed 16.5 minutes after the two clean walks, so the 20-minute walk
//!   is also beyond the prescription, and the regress scales the prescribed 16.5 minutes back
//!   by a quarter, down to the half minute (12), not to the 15 minutes the scenario names.
//! - #5: the weight is kept as a free clinic measure too (no rule reads it); `weight_loss`
//!   and `rest_pain` carry the scenario.
//! - #7: foot weakness and tripping have no symptom of their own; the log records `numbness`.
//! - #12: the ladder has two side-lying levels below the loaded one; the patient is recorded at
//!   the short-lever level (2), so one step down is the isometric abduction the scenario wants.
//! - #13: "holds only 6 s" is recorded as the exercise stopped early (`completed: false`); the
//!   patient reaches level 3 the way the engine prescribes it (a week after level 2 began).
//! - #14/#15: the strengthen phase lasts at least 21 days (`min_days`) and strength steps at
//!   most weekly, so the log spans three weeks of strengthen work after a replayed reintroduce
//!   exit, not two. The log has no walks (the 30-minute walk is a gate test): with walks in
//!   the log the engine's cardio steps (15 -> 16.5 -> 18 -> 20 minutes) trip its own
//!   session-spike guard at 20 minutes, and a patient who keeps the walk shorter than
//!   prescribed leaves the strength work without a step (reported).
//! - #16: the protocol's stage 1 is 7 rounds of run 1 / walk 2 (21 min), not 10 rounds.
//! - #17: a log records what was done, not what the patient wants to do; the second run is
//!   logged on the day after the first.
//! - #18: stiffness has no symptom of its own; the pain ratings carry the scenario.
//! - #19: low BMI and pain on hopping have no log field (neither is `weight_loss` or
//!   `cannot_bear_weight`); walking and night pain refer.
//! - #20: the planned 25 minutes is stage 3 after its first session; the 45-minute run is
//!   recorded without a stage, which the engine reads as the continuous run (a skipped stage).
//!
//! Phase-2 and phase-3 scenarios other than #14/#15 reach their phase through a clinician
//! override at the first session, the way a clinic records a patient who joins mid-programme.

use serde_json::Value;

use crate::support::{answer, fired};

/// The next session's entry for exercise `id`.
fn next<'a>(a: &'a Value, id: &str) -> &'a Value {
    a["next_session"]["exercises"]
        .as_array()
        .expect("a next session")
        .iter()
        .find(|e| e["id"] == id)
        .unwrap_or_else(|| panic!("`{id}` is not in the next session: {}", a["next_session"]))
}

/// Every exercise id of the next session, in order.
fn next_ids(a: &Value) -> Vec<&str> {
    a["next_session"]["exercises"].as_array().expect("a next session").iter().map(|e| e["id"].as_str().unwrap_or_default()).collect()
}

// Phase 1 (reintroduce)

#[test]
fn scenario_01_clean_walks_progress() {
    // 48 y, gradual lateral hip ache, baseline 2/10; three 15-minute walks on alternate days.
    let log = "\
patient: P-0101
start: 2026-03-02
intake: { onset: gradual, cause: overuse, provider_cleared: true }
sessions:
  - { date: 2026-03-02, pain: { before: 2, during: 2, after: 2, next_day: 2 }, fatigue: 3, rom: { hip_flexion: 105 }, exercises: [{ id: walking, minutes: 15 }] }
  - { date: 2026-03-04, pain: { before: 2, during: 2, after: 2, next_day: 1 }, fatigue: 3, rom: { hip_flexion: 105 }, exercises: [{ id: walking, minutes: 15 }] }
  - { date: 2026-03-06, pain: { before: 2, during: 2, after: 2, next_day: 2 }, fatigue: 3, rom: { hip_flexion: 106 }, exercises: [{ id: walking, minutes: 15 }] }
";
    let a = answer(log, &[]);
    assert_eq!(a["decision"], "progress");
    assert_eq!(a["phase"], "reintroduce");
    assert_eq!(fired(&a), ["clean-sessions-progress"]);
    assert_eq!(next(&a, "walking")["minutes"], 16.5);
}

#[test]
fn scenario_02_longer_walk_hurt_regress() {
    // Walked 20 min (up from 15): pain 2 before, 5 during, 4 after, 3 next morning; hip
    // flexion 110 -> 100. The 33% jump also trips the single-session spike guard and goes beyond
    // the prescribed 16.5 minutes; the worst pain rising 2 -> 5 in a week reads as a rising trend.
    let log = "\
patient: P-0102
start: 2026-03-02
intake: { onset: gradual, cause: overuse, provider_cleared: true }
sessions:
  - { date: 2026-03-02, pain: { before: 2, during: 2, after: 2, next_day: 2 }, fatigue: 3, rom: { hip_flexion: 110 }, exercises: [{ id: walking, minutes: 15 }] }
  - { date: 2026-03-04, pain: { before: 2, during: 2, after: 2, next_day: 2 }, fatigue: 3, rom: { hip_flexion: 110 }, exercises: [{ id: walking, minutes: 15 }] }
  - { date: 2026-03-06, pain: { before: 2, during: 5, after: 4, next_day: 3 }, fatigue: 5, rom: { hip_flexion: 100 }, exercises: [{ id: walking, minutes: 20 }] }
";
    let a = answer(log, &[]);
    assert_eq!(a["decision"], "regress");
    assert_eq!(a["phase"], "reintroduce");
    assert_eq!(
        fired(&a),
        ["pain-rose-during-or-after", "next-morning-not-settled", "rom-decreased", "session-spike", "beyond-prescription"]
    );
    // A quarter off the prescribed 16.5 minutes (not the 20 she walked), in half minutes.
    assert_eq!(next(&a, "walking")["minutes"], 12.0);
}

#[test]
fn scenario_03_high_fatigue_hold() {
    // Two clean 15-minute walks, pain 1-2 throughout, but fatigue 8/10 after both.
    let log = "\
patient: P-0103
start: 2026-03-02
intake: { onset: gradual, cause: overuse, provider_cleared: true }
sessions:
  - { date: 2026-03-03, pain: { before: 2, during: 2, after: 1, next_day: 1 }, fatigue: 8, rom: { hip_flexion: 108 }, exercises: [{ id: walking, minutes: 15 }] }
  - { date: 2026-03-05, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 8, rom: { hip_flexion: 108 }, exercises: [{ id: walking, minutes: 15 }], notes: 'new job, long days' }
";
    let a = answer(log, &[]);
    assert_eq!(a["decision"], "hold");
    assert_eq!(a["phase"], "reintroduce");
    assert_eq!(fired(&a), ["high-fatigue"]);
    assert_eq!(next(&a, "walking")["minutes"], 15.0);
}

#[test]
fn scenario_04_missing_next_morning_hold() {
    // Two walks with pain 2/2 during/after, but no next-morning rating after the second.
    let log = "\
patient: P-0104
start: 2026-03-02
intake: { onset: gradual, cause: overuse, provider_cleared: true }
sessions:
  - { date: 2026-03-03, pain: { before: 2, during: 2, after: 2, next_day: 2 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }] }
  - { date: 2026-03-05, pain: { before: 2, during: 2, after: 2 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }] }
";
    let a = answer(log, &[]);
    assert_eq!(a["decision"], "hold");
    assert_eq!(a["phase"], "reintroduce");
    assert_eq!(fired(&a), ["next-morning-missing"]);
    assert_eq!(next(&a, "walking")["minutes"], 15.0);
    // The patient is prompted for the missing rating.
    assert_eq!(a["messages"]["patient"][0], "Please record your pain tomorrow morning; it decides whether you can step up.");
}

#[test]
fn scenario_05_night_pain_and_weight_loss_refer() {
    // Pain wakes her at night and is present at rest; 4 kg unintended weight loss in two months.
    // The weight is also kept as a free clinic measure, which no rule reads.
    let log = "\
patient: P-0105
start: 2026-03-02
intake: { onset: gradual, cause: overuse, provider_cleared: true }
sessions:
  - { date: 2026-03-03, pain: { before: 2, during: 2, after: 2, next_day: 2 }, fatigue: 3, measures: { body_mass_kg: 68 }, exercises: [{ id: walking, minutes: 15 }] }
  - { date: 2026-03-05, pain: { before: 2, during: 2, after: 2, next_day: 2 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }] }
  - date: 2026-05-04
    kind: check_in
    pain: { before: 5 }
    measures: { body_mass_kg: 64 }
    symptoms: [night_pain, rest_pain, weight_loss]
    notes: pain at rest and at night regardless of activity; 4 kg unintended weight loss since March
";
    let a = answer(log, &[]);
    assert_eq!(a["decision"], "refer");
    assert_eq!(a["urgency"], "routine");
    assert_eq!(a["phase"], "reintroduce");
    assert_eq!(fired(&a), ["pain-limits-daily-life", "unexplained-weight-loss", "resume-after-4-weeks"]);
    assert!(a["next_session"].is_null());
}

#[test]
fn scenario_06_fall_on_ice_refer() {
    // Slipped on ice yesterday: sudden sharp groin pain, limping, cannot take full weight. Pain
    // 7/10 at rest is above her usual level and in the stop zone.
    let log = "\
patient: P-0106
start: 2026-01-12
intake: { onset: gradual, cause: overuse, provider_cleared: true }
sessions:
  - { date: 2026-01-13, pain: { before: 2, during: 2, after: 2, next_day: 2 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }] }
  - { date: 2026-01-15, pain: { before: 2, during: 2, after: 2, next_day: 1 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }] }
  - date: 2026-01-17
    kind: check_in
    pain: { before: 7 }
    symptoms: [fall_or_impact, sharp_pain, cannot_bear_weight, walking_limited]
    notes: slipped on ice yesterday; limping, cannot take full weight
";
    let a = answer(log, &[]);
    assert_eq!(a["decision"], "refer");
    assert_eq!(a["urgency"], "urgent");
    assert_eq!(a["phase"], "reintroduce");
    assert_eq!(
        fired(&a),
        [
            "suspected-structural-injury",
            "fall-or-impact",
            "pain-limits-daily-life",
            "high-pain-at-rest",
            "stop-zone-pain-off-exercise",
            "pain-above-usual"
        ]
    );
    assert!(a["next_session"].is_null());
}

// Phase 2 (strengthen)

#[test]
fn scenario_07_numbness_refer() {
    // New numbness over the outer thigh and foot, and tripping, since yesterday's session.
    // Approximation: foot weakness has no symptom of its own; `numbness` carries the flag.
    let log = "\
patient: P-0107
start: 2026-04-06
intake: { onset: gradual, cause: mechanics, provider_cleared: true }
sessions:
  - date: 2026-04-07
    override: { phase: strengthen, note: transferred from another clinic mid-programme }
    pain: { before: 1, during: 1, after: 1, next_day: 1 }
    fatigue: 4
    exercises:
      - { id: bridge, level: 2, sets: 2, reps: 10, hold_s: 3 }
      - { id: clamshell, level: 2, sets: 2, reps: 12 }
  - date: 2026-04-08
    kind: check_in
    pain: { before: 2 }
    symptoms: [numbness]
    notes: numbness over the outer thigh and foot since yesterday's session; tripping over the foot
";
    let a = answer(log, &[]);
    assert_eq!(a["decision"], "refer");
    assert_eq!(a["urgency"], "urgent");
    assert_eq!(a["phase"], "strengthen");
    assert_eq!(fired(&a), ["neurological-signs"]);
    assert!(a["next_session"].is_null());
}

#[test]
fn scenario_08_pain_limits_stairs_and_sleep_refer() {
    // Two weeks of hip pain that stops her climbing stairs and wakes her most nights, worse
    // despite halving the programme (bridge down a level, walks halved). Pain 6/10 at rest is in
    // the stop zone, and the pain has risen over the two weeks.
    let log = "\
patient: P-0108
start: 2026-04-06
intake: { onset: gradual, cause: overuse, provider_cleared: true }
sessions:
  - { date: 2026-04-07, override: { phase: strengthen, note: clinician review }, pain: { before: 3, during: 3, after: 3, next_day: 3 }, fatigue: 4, exercises: [{ id: bridge, level: 3, sets: 3, reps: 10, hold_s: 3 }, { id: walking, minutes: 20 }] }
  - { date: 2026-04-09, pain: { before: 4, during: 4, after: 4, next_day: 4 }, fatigue: 4, exercises: [{ id: bridge, level: 3, sets: 3, reps: 10, hold_s: 3 }, { id: walking, minutes: 20 }] }
  - { date: 2026-04-14, pain: { before: 5, during: 5, after: 5, next_day: 5 }, fatigue: 4, exercises: [{ id: bridge, level: 2, sets: 2, reps: 10, hold_s: 3 }, { id: walking, minutes: 10 }] }
  - date: 2026-04-20
    kind: check_in
    pain: { before: 6 }
    symptoms: [daily_tasks_limited, night_pain]
    notes: cannot climb stairs; woken most nights; worse despite halving the programme
";
    let a = answer(log, &[]);
    assert_eq!(a["decision"], "refer");
    assert_eq!(a["urgency"], "routine");
    assert_eq!(a["phase"], "strengthen");
    assert_eq!(fired(&a), ["pain-limits-daily-life", "high-pain-at-rest", "stop-zone-pain-off-exercise", "pain-above-usual"]);
    assert!(a["next_session"].is_null());
}

#[test]
fn scenario_09_fever_after_perfect_log_refer() {
    // Three clean sessions at every exercise level, then fever 38.6 C and a hot, swollen, very
    // painful hip. The urgent red flag outranks everything; swelling and the pain refer too.
    let log = "\
patient: P-0109
start: 2026-04-06
intake: { onset: gradual, cause: overuse, provider_cleared: true }
sessions:
  - date: 2026-04-07
    override: { phase: strengthen, note: clinician review }
    pain: { before: 1, during: 1, after: 1, next_day: 1 }
    fatigue: 4
    exercises: &programme
      - { id: bridge, level: 3, sets: 3, reps: 10, hold_s: 3 }
      - { id: clamshell, level: 3, sets: 3, reps: 12 }
      - { id: bird_dog, level: 2, sets: 2, reps: 10, hold_s: 5 }
  - { date: 2026-04-09, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 4, exercises: *programme }
  - { date: 2026-04-11, pain: { before: 1, during: 1, after: 1, next_day: 0 }, fatigue: 4, exercises: *programme }
  - date: 2026-04-12
    kind: check_in
    pain: { before: 8 }
    measures: { temperature_c: 38.6 }
    symptoms: [fever, warmth_redness, swelling]
    notes: hot, swollen, very painful hip
";
    let a = answer(log, &[]);
    assert_eq!(a["decision"], "refer");
    assert_eq!(a["urgency"], "urgent");
    assert_eq!(a["phase"], "strengthen");
    assert_eq!(fired(&a), ["infection-signs", "swelling", "high-pain-at-rest", "stop-zone-pain-off-exercise", "pain-above-usual"]);
    assert!(a["next_session"].is_null());
}

#[test]
fn scenario_10_flare_rest_then_one_level_down() {
    // Bridges and clams at the usual level, pain during 3; next morning 7/10 (baseline 2);
    // slept normally, walking normal, no red flags.
    let log = "\
patient: P-0110
start: 2026-04-06
intake: { onset: gradual, cause: overuse, provider_cleared: true }
sessions:
  - { date: 2026-04-07, override: { phase: strengthen, note: clinician review }, pain: { before: 2, during: 2, after: 2, next_day: 2 }, fatigue: 4, exercises: [{ id: bridge, level: 3, sets: 3, reps: 10, hold_s: 3 }, { id: clamshell, level: 3, sets: 3, reps: 12 }] }
  - { date: 2026-04-09, pain: { before: 2, during: 2, after: 2, next_day: 2 }, fatigue: 4, exercises: [{ id: bridge, level: 3, sets: 3, reps: 10, hold_s: 3 }, { id: clamshell, level: 3, sets: 3, reps: 12 }] }
  - { date: 2026-04-11, pain: { before: 2, during: 3, after: 3, next_day: 7 }, fatigue: 4, exercises: [{ id: bridge, level: 3, sets: 3, reps: 10, hold_s: 3 }, { id: clamshell, level: 3, sets: 3, reps: 12 }], notes: 'slept normally; 4/10 by evening' }
";
    let a = answer(log, &[]);
    assert_eq!(a["decision"], "rest");
    assert_eq!(a["phase"], "strengthen");
    assert_eq!(fired(&a), ["flare", "pain-rose-during-or-after", "next-morning-not-settled", "pain-above-usual"]);
    // Three days of relative rest, then resume one level down.
    assert_eq!(a["next_session"]["date"], "2026-04-15");
    assert_eq!(next(&a, "bridge")["level"], 2);
    assert_eq!(next(&a, "clamshell")["level"], 2);
}

#[test]
fn scenario_11_bridge_progresses_one_level() {
    // Double-leg bridge 3 x 12 with a 3-s hold for 2 weeks (6 sessions), pain 0-1 stable,
    // pelvis level, fatigue 4/10. The clinic records ladder level 2 (double-leg bridge with a
    // band): from the dose alone, 3 x 12 would read as the offset bridge (level 3).
    let log = "\
patient: P-0111
start: 2026-04-06
intake: { onset: gradual, cause: overuse, provider_cleared: true }
sessions:
  - { date: 2026-04-06, override: { phase: strengthen, note: clinician review }, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 4, exercises: [{ id: bridge, level: 2, sets: 3, reps: 12, hold_s: 3 }] }
  - { date: 2026-04-08, pain: { before: 1, during: 1, after: 1, next_day: 0 }, fatigue: 4, exercises: [{ id: bridge, level: 2, sets: 3, reps: 12, hold_s: 3 }] }
  - { date: 2026-04-10, pain: { before: 0, during: 0, after: 0, next_day: 0 }, fatigue: 4, exercises: [{ id: bridge, level: 2, sets: 3, reps: 12, hold_s: 3 }] }
  - { date: 2026-04-13, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 4, exercises: [{ id: bridge, level: 2, sets: 3, reps: 12, hold_s: 3 }] }
  - { date: 2026-04-15, pain: { before: 1, during: 1, after: 0, next_day: 0 }, fatigue: 4, exercises: [{ id: bridge, level: 2, sets: 3, reps: 12, hold_s: 3 }] }
  - { date: 2026-04-17, pain: { before: 0, during: 0, after: 0, next_day: 0 }, fatigue: 4, exercises: [{ id: bridge, level: 2, sets: 3, reps: 12, hold_s: 3 }] }
";
    let a = answer(log, &[]);
    assert_eq!(a["decision"], "progress");
    assert_eq!(a["phase"], "strengthen");
    assert_eq!(fired(&a), ["clean-sessions-progress"]);
    let bridge = next(&a, "bridge");
    assert_eq!(bridge["level"], 3);
    assert_eq!(bridge["level_name"], "offset (staggered-foot) bridge");
    assert_eq!((&bridge["sets"], &bridge["reps"], &bridge["hold_s"]), (&3.into(), &10.into(), &3.into()));
}

#[test]
fn scenario_12_abduction_pain_regress_to_isometric() {
    // Lateral hip pain: side-lying abduction 3 x 10 -> pain 2 -> 5 during, 4 next morning.
    // Recorded at ladder level 2 (short lever), so one step down is isometric abduction.
    let log = "\
patient: P-0112
start: 2026-04-06
intake: { onset: gradual, cause: overuse, provider_cleared: true }
sessions:
  - { date: 2026-04-07, override: { phase: strengthen, note: lateral hip pain }, pain: { before: 2, during: 2, after: 2, next_day: 2 }, fatigue: 4, exercises: [{ id: side_lying_leg_lift, level: 2, sets: 2, reps: 8, hold_s: 5 }] }
  - { date: 2026-04-09, pain: { before: 2, during: 5, after: 4, next_day: 4 }, fatigue: 4, exercises: [{ id: side_lying_leg_lift, level: 2, sets: 3, reps: 10, hold_s: 5 }] }
";
    let a = answer(log, &[]);
    assert_eq!(a["decision"], "regress");
    assert_eq!(a["phase"], "strengthen");
    assert_eq!(fired(&a), ["pain-rose-during-or-after", "next-morning-not-settled", "pain-above-usual"]);
    let abduction = next(&a, "side_lying_leg_lift");
    assert_eq!(abduction["level"], 1);
    assert_eq!(abduction["level_name"], "isometric abduction, supine or standing");
}

#[test]
fn scenario_13_bird_dog_form_hold() {
    // Bird-dog opposite arm and leg (level 3, target 10 x 10 s): pain 0, but holds only 6 s
    // before the pelvis rotates, recorded as stopped early. Level 3 is the engine's step after a
    // week of clean sessions at level 2.
    let log = "\
patient: P-0113
start: 2026-04-06
intake: { onset: gradual, cause: overuse, provider_cleared: true }
sessions:
  - { date: 2026-04-07, override: { phase: strengthen, note: clinician review }, pain: { before: 0, during: 0, after: 0, next_day: 0 }, fatigue: 4, exercises: [{ id: bird_dog, level: 2, sets: 2, reps: 10, hold_s: 5 }] }
  - { date: 2026-04-09, pain: { before: 0, during: 0, after: 0, next_day: 0 }, fatigue: 4, exercises: [{ id: bird_dog, level: 2, sets: 2, reps: 10, hold_s: 5 }] }
  - { date: 2026-04-14, pain: { before: 0, during: 0, after: 0, next_day: 0 }, fatigue: 4, exercises: [{ id: bird_dog, level: 2, sets: 2, reps: 10, hold_s: 5 }] }
  - { date: 2026-04-16, pain: { before: 0, during: 0, after: 0, next_day: 0 }, fatigue: 4, exercises: [{ id: bird_dog, level: 3, sets: 2, reps: 10, hold_s: 6, completed: false }], notes: 'holds 6 s before the pelvis rotates' }
";
    let a = answer(log, &[]);
    assert_eq!(a["decision"], "hold");
    assert_eq!(a["phase"], "strengthen");
    assert_eq!(fired(&a), ["target-not-completed"]);
    let bird_dog = next(&a, "bird_dog");
    assert_eq!((&bird_dog["level"], &bird_dog["reps"], &bird_dog["hold_s"]), (&3.into(), &10.into(), &10.into()));
}

/// Scenario 14's log, shared with #15: two weeks of reintroduce work (exit by replay on day 14),
/// then three weeks of strengthen work, the patient doing what the engine prescribes (strength
/// steps at most weekly) with pain 0-1 stable, then the clinic's gate tests. No walks: see the
/// file header.
const SCENARIO_14_LOG: &str = "\
patient: P-0114
start: 2026-03-02
intake: { onset: gradual, cause: overuse, provider_cleared: true, goals: [running] }
sessions:
  - { date: 2026-03-02, pain: { before: 2, during: 2, after: 2, next_day: 2 }, fatigue: 3, exercises: [{ id: bridge, level: 1, sets: 2, reps: 8, hold_s: 3 }, { id: clamshell, level: 1, sets: 2, reps: 10 }] }
  - { date: 2026-03-04, pain: { before: 2, during: 2, after: 2, next_day: 1 }, fatigue: 3, exercises: [{ id: bridge, level: 1, sets: 2, reps: 8, hold_s: 3 }, { id: clamshell, level: 1, sets: 2, reps: 10 }] }
  - { date: 2026-03-06, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: hip_mobility, level: 1, minutes: 10 }, { id: bridge, level: 1, sets: 2, reps: 8, hold_s: 3 }, { id: clamshell, level: 1, sets: 2, reps: 10 }, { id: side_lying_leg_lift, level: 1, sets: 2, reps: 5, hold_s: 5 }, { id: band_walk, level: 1, sets: 2, reps: 10 }] }
  - { date: 2026-03-09, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: hip_mobility, level: 2, minutes: 15 }, { id: bridge, level: 1, sets: 2, reps: 8, hold_s: 3 }, { id: clamshell, level: 1, sets: 2, reps: 10 }, { id: side_lying_leg_lift, level: 1, sets: 2, reps: 5, hold_s: 5 }, { id: band_walk, level: 1, sets: 2, reps: 10 }] }
  - { date: 2026-03-11, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: hip_mobility, level: 2, minutes: 15 }, { id: bridge, level: 1, sets: 2, reps: 8, hold_s: 3 }, { id: clamshell, level: 1, sets: 2, reps: 10 }, { id: side_lying_leg_lift, level: 1, sets: 2, reps: 5, hold_s: 5 }, { id: band_walk, level: 1, sets: 2, reps: 10 }] }
  - { date: 2026-03-13, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: hip_mobility, level: 2, minutes: 15 }, { id: bridge, level: 2, sets: 2, reps: 10, hold_s: 3 }, { id: clamshell, level: 2, sets: 2, reps: 12 }, { id: side_lying_leg_lift, level: 1, sets: 2, reps: 5, hold_s: 5 }, { id: band_walk, level: 1, sets: 2, reps: 10 }] }
  - { date: 2026-03-16, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: hip_mobility, level: 2, minutes: 15 }, { id: bridge, level: 2, sets: 2, reps: 10, hold_s: 3 }, { id: clamshell, level: 2, sets: 2, reps: 12 }, { id: side_lying_leg_lift, level: 1, sets: 2, reps: 5, hold_s: 5 }, { id: band_walk, level: 1, sets: 2, reps: 10 }] }
  - { date: 2026-03-18, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 4, exercises: [{ id: hip_mobility, level: 2, minutes: 15 }, { id: bridge, level: 3, sets: 3, reps: 10, hold_s: 3 }, { id: clamshell, level: 3, sets: 3, reps: 12 }, { id: side_lying_leg_lift, level: 2, sets: 2, reps: 8, hold_s: 5 }, { id: bird_dog, level: 1, sets: 2, reps: 8, hold_s: 5 }, { id: dead_bug, level: 1, sets: 2, reps: 8 }] }
  - { date: 2026-03-20, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 4, exercises: [{ id: hip_mobility, level: 2, minutes: 15 }, { id: bridge, level: 3, sets: 3, reps: 10, hold_s: 3 }, { id: clamshell, level: 3, sets: 3, reps: 12 }, { id: side_lying_leg_lift, level: 2, sets: 2, reps: 8, hold_s: 5 }, { id: bird_dog, level: 1, sets: 2, reps: 8, hold_s: 5 }, { id: dead_bug, level: 1, sets: 2, reps: 8 }] }
  - { date: 2026-03-23, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 4, exercises: [{ id: hip_mobility, level: 2, minutes: 15 }, { id: bridge, level: 3, sets: 3, reps: 10, hold_s: 3 }, { id: clamshell, level: 3, sets: 3, reps: 12 }, { id: side_lying_leg_lift, level: 2, sets: 2, reps: 8, hold_s: 5 }, { id: bird_dog, level: 1, sets: 2, reps: 8, hold_s: 5 }, { id: dead_bug, level: 1, sets: 2, reps: 8 }] }
  - { date: 2026-03-25, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 4, exercises: [{ id: hip_mobility, level: 2, minutes: 15 }, { id: bridge, level: 3, sets: 3, reps: 10, hold_s: 3 }, { id: clamshell, level: 3, sets: 3, reps: 12 }, { id: side_lying_leg_lift, level: 2, sets: 2, reps: 8, hold_s: 5 }, { id: bird_dog, level: 1, sets: 2, reps: 8, hold_s: 5 }, { id: dead_bug, level: 1, sets: 2, reps: 8 }] }
  - { date: 2026-03-27, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 4, exercises: [{ id: hip_mobility, level: 2, minutes: 15 }, { id: bridge, level: 4, sets: 3, reps: 10, hold_s: 5 }, { id: clamshell, level: 4, sets: 3, reps: 15, hold_s: 2 }, { id: side_lying_leg_lift, level: 3, sets: 3, reps: 10, hold_s: 5 }, { id: bird_dog, level: 2, sets: 2, reps: 10, hold_s: 5 }, { id: dead_bug, level: 2, sets: 2, reps: 10 }] }
  - { date: 2026-03-30, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 4, exercises: [{ id: hip_mobility, level: 2, minutes: 15 }, { id: bridge, level: 4, sets: 3, reps: 10, hold_s: 5 }, { id: clamshell, level: 4, sets: 3, reps: 15, hold_s: 2 }, { id: side_lying_leg_lift, level: 3, sets: 3, reps: 10, hold_s: 5 }, { id: bird_dog, level: 2, sets: 2, reps: 10, hold_s: 5 }, { id: dead_bug, level: 2, sets: 2, reps: 10 }] }
  - { date: 2026-04-01, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 4, exercises: [{ id: hip_mobility, level: 2, minutes: 15 }, { id: bridge, level: 4, sets: 3, reps: 10, hold_s: 5 }, { id: clamshell, level: 4, sets: 3, reps: 15, hold_s: 2 }, { id: side_lying_leg_lift, level: 3, sets: 3, reps: 10, hold_s: 5 }, { id: bird_dog, level: 2, sets: 2, reps: 10, hold_s: 5 }, { id: dead_bug, level: 2, sets: 2, reps: 10 }] }
  - { date: 2026-04-03, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 4, exercises: [{ id: hip_mobility, level: 2, minutes: 15 }, { id: bridge, level: 4, sets: 3, reps: 10, hold_s: 5 }, { id: clamshell, level: 4, sets: 3, reps: 15, hold_s: 2 }, { id: side_lying_leg_lift, level: 3, sets: 3, reps: 10, hold_s: 5 }, { id: bird_dog, level: 2, sets: 2, reps: 10, hold_s: 5 }, { id: dead_bug, level: 2, sets: 2, reps: 10 }] }
  - { date: 2026-04-06, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 4, exercises: [{ id: hip_mobility, level: 2, minutes: 15 }, { id: bridge, level: 5, sets: 3, reps: 12, hold_s: 5 }, { id: clamshell, level: 5, sets: 3, reps: 15, hold_s: 3 }, { id: side_lying_leg_lift, level: 4, sets: 3, reps: 10, hold_s: 5, load_kg: 1 }, { id: bird_dog, level: 3, sets: 2, reps: 10, hold_s: 10 }, { id: dead_bug, level: 3, sets: 3, reps: 10 }] }
  - date: 2026-04-08
    pain: { before: 0, during: 0, after: 0, next_day: 0 }
    fatigue: 4
    rom: { hip_flexion: 120, hip_flexion_other_side: 121, hip_abduction: 45, hip_abduction_other_side: 45 }
    measures: { plank_s: 45, side_plank_s: 45, bird_dog_hold_s: 30, side_lying_abduction_reps: 30, single_leg_squat_reps: 10, pelvic_control: 1, brisk_walk_min: 30 }
    exercises:
      - { id: hip_mobility, level: 2, minutes: 15 }
      - { id: bridge, level: 5, sets: 3, reps: 12, hold_s: 5 }
      - { id: clamshell, level: 5, sets: 3, reps: 15, hold_s: 3 }
      - { id: side_lying_leg_lift, level: 4, sets: 3, reps: 10, hold_s: 5, load_kg: 1 }
      - { id: bird_dog, level: 3, sets: 2, reps: 10, hold_s: 10 }
      - { id: dead_bug, level: 3, sets: 3, reps: 10 }
";

#[test]
fn scenario_14_return_gate_met_progress_to_phase_3() {
    // All strength exercises at target, pain 0-1 stable, full symmetrical ROM (within 1 degree
    // of the other side), 45-s plank and side plank, 30-s bird-dog hold, 30 side-lying
    // abductions, 10 single-leg squats with a level pelvis, a 30-minute brisk walk pain-free.
    let a = answer(SCENARIO_14_LOG, &["--timeline"]);
    assert_eq!(a["decision"], "progress");
    assert_eq!(a["phase"], "return");
    assert_eq!(a["phase_change"]["from"], "strengthen");
    assert_eq!(a["phase_change"]["to"], "return");
    assert_eq!(fired(&a), ["clean-sessions-progress"]);
    // Reintroduce was left by replay on day 14, not by an override.
    assert!(a.get("override").is_none());
    let timeline = a["timeline"].as_array().expect("timeline");
    assert_eq!(timeline[6]["date"], "2026-03-16");
    assert_eq!(timeline[6]["phase"], "reintroduce");
    assert_eq!(timeline[7]["phase"], "strengthen");
    // Walk-run stage 1. The cross-training rotation adds no second cardio exercise to a session
    // with the run, so the next session has no swim or ride.
    let walk_jog = next(&a, "walk_jog_intervals");
    assert_eq!((&walk_jog["level"], &walk_jog["run_min"], &walk_jog["walk_min"]), (&1.into(), &1.0.into(), &2.0.into()));
    assert!(!next_ids(&a).contains(&"swimming") && !next_ids(&a).contains(&"cycling"));
    assert!(!next_ids(&a).contains(&"clamshell"), "clamshells are not part of the return phase");
    assert_eq!(next(&a, "bridge")["level"], 5);
}

#[test]
fn scenario_15_pelvis_drops_hold_in_phase_2() {
    // Same as #14, except the pelvis drops on the later single-leg squats; pain-free.
    let log = SCENARIO_14_LOG.replace("pelvic_control: 1", "pelvic_control: 0");
    let a = answer(&log, &[]);
    assert_eq!(a["decision"], "hold");
    assert_eq!(a["phase"], "strengthen");
    assert!(a.get("phase_change").is_none());
    assert_eq!(fired(&a), ["return-gate-not-met", "clean-sessions-progress"]);
    // Every exercise repeats its level.
    assert_eq!(next(&a, "bridge")["level"], 5);
    assert_eq!(next(&a, "bird_dog")["level"], 3);
    assert!(!next_ids(&a).contains(&"walk_jog_intervals"));
}

// Phase 3 (return)

#[test]
fn scenario_16_walk_jog_stage_1_to_stage_2() {
    // Runner at "run 1 / walk 2" completed twice on non-consecutive days: pain at or below the
    // baseline of 1, next morning not higher, no limp, fatigue 4/10.
    let log = "\
patient: P-0116
start: 2026-05-04
intake: { onset: gradual, cause: overuse, provider_cleared: true, goals: [running] }
sessions:
  - { date: 2026-05-05, override: { phase: return, note: return gate met at the clinic }, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 4, exercises: [{ id: walk_jog_intervals, level: 1, minutes: 21 }] }
  - { date: 2026-05-07, pain: { before: 1, during: 1, after: 1, next_day: 0 }, fatigue: 4, exercises: [{ id: walk_jog_intervals, level: 1, minutes: 21 }] }
";
    let a = answer(log, &[]);
    assert_eq!(a["decision"], "progress");
    assert_eq!(a["phase"], "return");
    assert_eq!(fired(&a), ["clean-sessions-progress"]);
    let walk_jog = next(&a, "walk_jog_intervals");
    assert_eq!(walk_jog["level"], 2);
    assert_eq!(walk_jog["level_name"], "run 2 min, walk 2 min");
    assert_eq!((&walk_jog["run_min"], &walk_jog["walk_min"], &walk_jog["minutes"]), (&2.0.into(), &2.0.into(), &24.0.into()));
}

#[test]
fn scenario_17_no_runs_on_consecutive_days_rest() {
    // A clean run-walk session yesterday and the patient runs again today, no symptoms.
    let log = "\
patient: P-0117
start: 2026-05-04
intake: { onset: gradual, cause: overuse, provider_cleared: true, goals: [running] }
sessions:
  - { date: 2026-05-05, override: { phase: return, note: return gate met }, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 4, exercises: [{ id: walk_jog_intervals, level: 2, minutes: 24 }] }
  - { date: 2026-05-07, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 4, exercises: [{ id: walk_jog_intervals, level: 2, minutes: 24 }] }
  - { date: 2026-05-08, pain: { before: 0, during: 0, after: 0, next_day: 0 }, fatigue: 3, exercises: [{ id: walk_jog_intervals, level: 2, minutes: 24 }] }
";
    let a = answer(log, &[]);
    assert_eq!(a["decision"], "rest");
    assert_eq!(a["phase"], "return");
    assert_eq!(fired(&a), ["run-on-consecutive-days", "clean-sessions-progress"]);
    assert_eq!(a["messages"]["patient"][0], "Leave at least one day between runs. Swimming or cycling are fine on the day between.");
    // After the rest day the stage is repeated, not progressed.
    assert_eq!(a["next_session"]["date"], "2026-05-10");
    assert_eq!(next(&a, "walk_jog_intervals")["level"], 2);
}

#[test]
fn scenario_18_pain_rose_on_the_run_regress_one_stage() {
    // At "run 3 / walk 2": lateral hip pain 1 -> 4 during, 3 after, 3 next morning (stiff);
    // no limp, no night pain. The strict pain model scales back (Silbernagel would allow 4/10).
    let log = "\
patient: P-0118
start: 2026-05-04
intake: { onset: gradual, cause: overuse, provider_cleared: true, goals: [running] }
sessions:
  - { date: 2026-05-05, override: { phase: return, note: return gate met }, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 4, exercises: [{ id: walk_jog_intervals, level: 3, minutes: 25 }] }
  - { date: 2026-05-07, pain: { before: 1, during: 4, after: 3, next_day: 3 }, fatigue: 5, exercises: [{ id: walk_jog_intervals, level: 3, minutes: 25 }], notes: 'stiff next morning; no limp' }
";
    let a = answer(log, &[]);
    assert_eq!(a["decision"], "regress");
    assert_eq!(a["phase"], "return");
    assert_eq!(fired(&a), ["pain-rose-during-or-after", "next-morning-not-settled", "pain-above-usual"]);
    let walk_jog = next(&a, "walk_jog_intervals");
    assert_eq!((&walk_jog["level"], &walk_jog["run_min"]), (&2.into(), &2.0.into()));
}

#[test]
fn scenario_19_suspected_stress_fracture_refer() {
    // Female runner, low BMI: deep groin pain earlier in each run, now present when walking,
    // hopping hurts, pain wakes her at night. Walking and night pain carry the referral, which is
    // routine: no urgent red flag is recorded.
    let log = "\
patient: P-0119
start: 2026-05-04
intake: { onset: gradual, cause: overuse, provider_cleared: true, goals: [running] }
sessions:
  - { date: 2026-05-05, override: { phase: return, note: return gate met }, pain: { before: 1, during: 2, after: 2, next_day: 1 }, fatigue: 4, exercises: [{ id: walk_jog_intervals, level: 3, minutes: 25 }] }
  - { date: 2026-05-07, pain: { before: 1, during: 3, after: 2, next_day: 2 }, fatigue: 4, exercises: [{ id: walk_jog_intervals, level: 3, minutes: 25 }] }
  - date: 2026-05-09
    kind: check_in
    pain: { before: 4 }
    symptoms: [walking_limited, night_pain]
    notes: deep groin pain, now when walking; hopping hurts; wakes at night
";
    let a = answer(log, &[]);
    assert_eq!(a["decision"], "refer");
    assert_eq!(a["urgency"], "urgent");
    assert_eq!(a["phase"], "return");
    // The run before the check-in scaled back (pain 3 over 1 before): a check-in does not
    // restore it (outvoted by the referral).
    assert_eq!(fired(&a), ["pain-limits-daily-life", "runner-bone-stress-signs", "pain-above-usual", "still-scaled-back"]);
    assert!(a["next_session"].is_null());
}

#[test]
fn scenario_20_single_session_spike_hold_at_planned_level() {
    // Plan: 25-min run-walk (stage 3, prescribed after two clean sessions at stage 2 and done
    // once); longest session of the past 30 days 25 min. She ran 45 min continuously on Sunday
    // (+80%); no symptoms after or next morning. The run is recorded without a stage: the
    // engine reads it as the continuous run, a stage she was not prescribed, and holds at the
    // planned stage 3.
    let log = "\
patient: P-0120
start: 2026-05-04
intake: { onset: gradual, cause: overuse, provider_cleared: true, goals: [running] }
sessions:
  - { date: 2026-05-04, override: { phase: return, note: return gate met }, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 4, exercises: [{ id: walk_jog_intervals, level: 2, minutes: 24 }] }
  - { date: 2026-05-06, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 4, exercises: [{ id: walk_jog_intervals, level: 2, minutes: 24 }] }
  - { date: 2026-05-08, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 4, exercises: [{ id: walk_jog_intervals, level: 3, minutes: 25 }] }
  - { date: 2026-05-10, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 5, exercises: [{ id: walk_jog_intervals, minutes: 45 }], notes: 'Sunday: ran 45 min continuously' }
";
    let a = answer(log, &[]);
    assert_eq!(a["decision"], "hold");
    assert_eq!(a["phase"], "return");
    assert_eq!(fired(&a), ["session-spike", "beyond-prescription"]);
    assert_eq!(a["next_session"]["date"], "2026-05-12");
    let walk_jog = next(&a, "walk_jog_intervals");
    assert_eq!((&walk_jog["level"], &walk_jog["minutes"]), (&3.into(), &25.0.into()));
}
