//! Engine capabilities behind the clinical protocol (issue: clinical soundness), each shown on
//! the embedded hip protocol through `stepwise next` as a user runs it: sticky referrals and
//! reviews, urgency, notes, the nearest miss of a hold, outvoted rules, the pace of the next
//! session (scale back what hurt, nothing new on a hold, half minutes, no dose above the
//! prescription), and their absence where they do not apply.

use serde_json::Value;

use crate::support::{Test, answer, fired, mask_digest};

const HEAD: &str = "patient: P-1\nstart: 2026-03-02\nintake: { onset: gradual, cause: overuse, provider_cleared: true }\nsessions:\n";

fn log(sessions: &[&str]) -> String {
    let mut s = HEAD.to_string();
    for x in sessions {
        s.push_str("  - ");
        s.push_str(x);
        s.push('\n');
    }
    s
}

const CLEAN_1: &str =
    "{ date: 2026-03-02, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }] }";
const CLEAN_2: &str =
    "{ date: 2026-03-04, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }] }";
const FEVER_3: &str = "{ date: 2026-03-06, symptoms: [fever], pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }] }";
const CLEAN_4: &str =
    "{ date: 2026-03-08, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }] }";
const CLEAN_5: &str =
    "{ date: 2026-03-10, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }] }";

fn ids(a: &Value) -> Vec<String> {
    a["next_session"]["exercises"]
        .as_array()
        .map_or(vec![], |e| e.iter().map(|x| x["id"].as_str().unwrap_or_default().to_string()).collect())
}

#[test]
fn a_referral_stands_after_clean_sessions_until_a_review_clears_it() {
    let a = answer(&log(&[CLEAN_1, CLEAN_2, FEVER_3, CLEAN_4, CLEAN_5]), &[]);
    assert_eq!(a["decision"], "refer");
    assert_eq!(a["urgency"], "urgent");
    assert_eq!(fired(&a), ["open-referral", "clean-sessions-progress"]);
    assert_eq!(a["reasons"][1]["outvoted"], true, "clean numbers do not clear a referral");
    assert_eq!(a["open_referral"]["date"], "2026-03-06");
    assert_eq!(a["open_referral"]["rules"], serde_json::json!(["infection-signs"]));
    assert_eq!(a["open_referral"]["symptoms"], serde_json::json!(["fever"]));
    assert!(a["next_session"].is_null());

    // A review that does not clear keeps it open; one that clears ends it.
    let not_cleared = "{ date: 2026-03-09, kind: review, review: { by: Dr A, note: awaiting bloods, cleared: false } }";
    let a = answer(&log(&[CLEAN_1, CLEAN_2, FEVER_3, not_cleared, CLEAN_5]), &[]);
    assert_eq!(a["decision"], "refer");
    let cleared = "{ date: 2026-03-09, kind: review, review: { by: Dr A, note: 'viral illness, hip fine', cleared: true } }";
    let a = answer(&log(&[CLEAN_1, CLEAN_2, FEVER_3, cleared]), &[]);
    assert_eq!(a["decision"], "hold");
    assert_eq!(fired(&a), ["resume-after-review"]);
    assert_eq!(a["last_review"]["by"], "Dr A");
    assert!(a.get("open_referral").is_none());
    // After the review, progress needs two clean sessions again: one is not enough.
    let a = answer(&log(&[CLEAN_1, CLEAN_2, FEVER_3, cleared, CLEAN_5]), &[]);
    assert_eq!(a["decision"], "hold", "{a}");
    assert_eq!(a["not_met"][0]["criterion"], "clean-streak");
}

#[test]
fn a_referral_that_is_not_sticky_or_never_happened_opens_nothing() {
    let a = answer(&log(&[CLEAN_1, CLEAN_2]), &[]);
    assert!(a.get("open_referral").is_none() && a.get("urgency").is_none());
    let not_cleared = HEAD.replace("provider_cleared: true", "provider_cleared: false");
    let a = answer(&format!("{not_cleared}  - {CLEAN_1}\n"), &[]);
    assert_eq!((a["decision"].as_str(), a["urgency"].as_str()), (Some("refer"), Some("routine")));
    assert!(a.get("open_referral").is_none(), "not-cleared is not sticky: the intake itself keeps referring");
}

#[test]
fn text_answer_shows_urgency_the_open_referral_and_notes() {
    let with_note = "{ date: 2026-03-08, notes: \"felt warm in the evening\", pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }] }";
    let out = Test::new().file("log.yaml", &log(&[CLEAN_1, CLEAN_2, FEVER_3, with_note])).args(&["next", "log.yaml"]).run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    let text = mask_digest(&out.stdout);
    assert!(text.contains("Decision: REFER: stop and see a provider before exercising again\nUrgency:  URGENT: contact a provider today\nOpen referral since 2026-03-06 (infection-signs): stands until a clinician's review clears it\n"), "{text}");
    assert!(text.contains("Notes since the last review\n  2026-03-08  felt warm in the evening\n"), "{text}");
}

#[test]
fn the_note_written_at_a_review_is_shown_with_the_later_ones() {
    let review = "{ date: 2026-03-07, kind: review, notes: \"hip sore on stairs this week\", review: { by: Dr Lee, cleared: true } }";
    let later = "{ date: 2026-03-08, notes: \"better today\", pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }] }";
    let a = answer(&log(&[CLEAN_1, CLEAN_2, FEVER_3, review, later]), &[]);
    let notes: Vec<(&str, &str)> =
        a["notes"].as_array().unwrap().iter().map(|n| (n["date"].as_str().unwrap(), n["text"].as_str().unwrap())).collect();
    assert_eq!(notes, [("2026-03-07", "hip sore on stairs this week"), ("2026-03-08", "better today")]);
}

#[test]
fn an_open_urgent_referral_is_not_downgraded_by_a_routine_one() {
    // Fever opens an urgent referral; swelling on a later check-in refers routinely.
    let swelling = "{ date: 2026-03-08, kind: check_in, symptoms: [swelling] }";
    let a = answer(&log(&[CLEAN_1, CLEAN_2, FEVER_3, swelling]), &[]);
    assert_eq!((a["decision"].as_str(), a["urgency"].as_str()), (Some("refer"), Some("urgent")), "{a}");
    let rules: Vec<&str> = a["reasons"].as_array().unwrap().iter().map(|r| r["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["open-referral", "swelling"]);
}

#[test]
fn a_hold_with_no_rule_fired_names_the_criteria_not_met() {
    let a = answer(&log(&[CLEAN_1]), &[]);
    assert_eq!(a["decision"], "hold");
    assert_eq!(fired(&a), Vec::<String>::new());
    let unmet: Vec<&str> = a["not_met"].as_array().unwrap().iter().map(|u| u["criterion"].as_str().unwrap()).collect();
    assert_eq!(unmet, ["clean-streak"]);
    assert!(
        a["messages"]["patient"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == "Two good sessions in a row at this level are needed before stepping up.")
    );
}

#[test]
fn an_outvoted_rule_is_marked_and_does_not_speak() {
    // Two clean walks then a third with swelling: swelling refers; nothing else speaks.
    let third = "{ date: 2026-03-06, symptoms: [swelling], pain: { before: 1, during: 3, after: 3, next_day: 1 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }] }";
    let a = answer(&log(&[CLEAN_1, CLEAN_2, third]), &[]);
    assert_eq!(a["decision"], "refer");
    let regress = a["reasons"].as_array().unwrap().iter().find(|r| r["rule"] == "pain-rose-during-or-after").expect("the pain rule fired");
    assert_eq!(regress["outvoted"], true);
    assert!(!a["messages"]["clinician"].as_array().unwrap().iter().any(|m| m.as_str().unwrap().contains("scaled back one step")));
}

#[test]
fn minutes_are_whole_or_half_minutes() {
    let s = |d: &str, m: &str| {
        format!(
            "{{ date: {d}, pain: {{ before: 1, during: 1, after: 1, next_day: 1 }}, fatigue: 3, exercises: [{{ id: walking, minutes: {m} }}] }}"
        )
    };
    let a = answer(&log(&[&s("2026-03-02", "16.5"), &s("2026-03-04", "16.5")]), &[]);
    assert_eq!(a["decision"], "progress");
    assert_eq!(a["next_session"]["exercises"][0]["minutes"], 18.0, "16.5 x 1.1 = 18.15 rounds down to 18");
    let a = answer(&log(&[&s("2026-03-02", "18"), &s("2026-03-04", "18")]), &[]);
    assert_eq!(a["next_session"]["exercises"][0]["minutes"], 19.5, "18 x 1.1 = 19.8 rounds down to 19.5, within the 110% spike guard");
}

#[test]
fn a_hold_adds_no_exercise_the_patient_has_not_been_doing_and_a_progress_may() {
    let a = answer(&log(&[CLEAN_1]), &[]);
    assert_eq!(a["decision"], "hold");
    assert_eq!(ids(&a), ["walking"]);
    let a = answer(&log(&[CLEAN_1, CLEAN_2]), &[]);
    assert_eq!(a["decision"], "progress");
    assert!(ids(&a).contains(&"bridge".to_string()), "{:?}", ids(&a));
}

#[test]
fn a_regress_scales_back_only_what_hurt() {
    // Bridge and walking pain-free on 2 and 4 March; on 6 March clamshells were added and hurt.
    let ok = |d: &str| {
        format!(
            "{{ date: {d}, pain: {{ before: 1, during: 1, after: 1, next_day: 1 }}, fatigue: 3, exercises: [{{ id: walking, minutes: 15 }}, {{ id: bridge, level: 2, sets: 2, reps: 10, hold_s: 3 }}] }}"
        )
    };
    let hurt = "{ date: 2026-03-06, pain: { before: 1, during: 4, after: 3, next_day: 2 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }, { id: bridge, level: 2, sets: 2, reps: 10, hold_s: 3 }, { id: clamshell, level: 2, sets: 2, reps: 12 }] }";
    let a = answer(&log(&[&ok("2026-03-02"), &ok("2026-03-04"), hurt]), &[]);
    assert_eq!(a["decision"], "regress");
    let ex = a["next_session"]["exercises"].as_array().unwrap();
    let level = |id: &str| ex.iter().find(|e| e["id"] == id).map(|e| e["level"].clone());
    assert_eq!(level("clamshell"), Some(Value::from(1)), "the new, painful exercise steps down");
    assert_eq!(level("bridge"), Some(Value::from(2)), "the bridge was done pain-free at that level: kept");
    assert_eq!(ex.iter().find(|e| e["id"] == "walking").unwrap()["minutes"], 15.0);
}

#[test]
fn a_self_raised_dose_holds_at_the_prescription() {
    // Progress after two clean walks prescribes 16.5 minutes; the patient walks 25.
    let over = "{ date: 2026-03-06, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: walking, minutes: 25 }] }";
    let a = answer(&log(&[CLEAN_1, CLEAN_2, over]), &[]);
    assert_eq!(a["decision"], "hold");
    assert!(fired(&a).contains(&"beyond-prescription".to_string()), "{:?}", fired(&a));
    assert!(fired(&a).contains(&"session-spike".to_string()), "{:?}", fired(&a));
    assert_eq!(a["next_session"]["exercises"][0]["minutes"], 16.5, "back to the prescribed dose, not 25");
    let spike = a["reasons"].as_array().unwrap().iter().find(|r| r["rule"] == "session-spike").unwrap();
    assert_eq!(spike["inputs"]["log.training_spike"]["minutes"], 25);
    assert_eq!(spike["inputs"]["log.training_spike"]["longest"], 15);
}

#[test]
fn a_gap_of_ten_days_steps_back_two_levels() {
    let s = |d: &str| {
        format!(
            "{{ date: {d}, pain: {{ before: 1, during: 1, after: 1, next_day: 1 }}, fatigue: 3, exercises: [{{ id: bridge, level: 4, sets: 3, reps: 10, hold_s: 5 }}] }}"
        )
    };
    let a = answer(&log(&[&s("2026-03-02"), &s("2026-03-04"), &s("2026-03-14")]), &[]);
    assert_eq!(a["decision"], "regress");
    assert_eq!(fired(&a), ["training-gap-10-days"]);
    assert_eq!(a["next_session"]["exercises"].as_array().unwrap().iter().find(|e| e["id"] == "bridge").unwrap()["level"], 2);
    // Six days off is no gap.
    let a = answer(&log(&[&s("2026-03-02"), &s("2026-03-04"), &s("2026-03-10")]), &[]);
    assert!(!fired(&a).iter().any(|r| r.starts_with("training-gap")), "{:?}", fired(&a));
}

#[test]
fn a_weekly_routine_is_no_gap_but_a_break_from_it_is() {
    let s = |d: &str| {
        format!(
            "{{ date: {d}, pain: {{ before: 1, during: 1, after: 1, next_day: 1 }}, fatigue: 3, exercises: [{{ id: walking, minutes: 15 }}] }}"
        )
    };
    // Once a week for four weeks: the patient's usual interval, not time off.
    let a = answer(&log(&[&s("2026-03-02"), &s("2026-03-09"), &s("2026-03-16"), &s("2026-03-23")]), &[]);
    assert!(!fired(&a).iter().any(|r| r.starts_with("training-gap")), "{:?}", fired(&a));
    assert_eq!(a["decision"], "progress");
    // Every other day, then 8 days off: a gap.
    let a = answer(&log(&[&s("2026-03-02"), &s("2026-03-04"), &s("2026-03-06"), &s("2026-03-14")]), &[]);
    assert_eq!(fired(&a), ["training-gap"]);
    assert_eq!(a["next_session"]["exercises"][0]["minutes"], 11.0, "a quarter less, down to the half minute");
}

#[test]
fn a_ten_day_gap_shortens_timed_cardio_twice() {
    let s = |d: &str| {
        format!(
            "{{ date: {d}, pain: {{ before: 1, during: 1, after: 1, next_day: 1 }}, fatigue: 3, exercises: [{{ id: walking, minutes: 20 }}] }}"
        )
    };
    let a = answer(&log(&[&s("2026-03-02"), &s("2026-03-04"), &s("2026-03-14")]), &[]);
    assert_eq!(fired(&a), ["training-gap-10-days"]);
    // 20 x 0.75 = 15, x 0.75 = 11.25, down to the half minute: 11.
    assert_eq!(a["next_session"]["exercises"][0]["minutes"], 11.0);
}

#[test]
fn impact_work_outside_the_patients_programme_is_beyond_the_plan() {
    // Return phase, no running goal: a walk-jog the programme never prescribed holds.
    let s = |d: &str, extra: &str| {
        format!(
            "{{ date: {d}{extra}, pain: {{ before: 1, during: 1, after: 1, next_day: 1 }}, fatigue: 3, exercises: [{{ id: bridge, level: 3, sets: 3, reps: 10, hold_s: 3 }}, {{ id: walk_jog_intervals, level: 1, minutes: 21 }}] }}"
        )
    };
    let first = "{ date: 2026-03-02, override: { phase: return }, pain: { before: 1, during: 1, after: 1, next_day: 1 }, fatigue: 3, exercises: [{ id: bridge, level: 3, sets: 3, reps: 10, hold_s: 3 }] }";
    let a = answer(&log(&[first, &s("2026-03-04", "")]), &[]);
    assert_eq!(a["decision"], "hold");
    assert!(fired(&a).contains(&"beyond-prescription".to_string()), "{:?}", fired(&a));
    let beyond = a["reasons"].as_array().unwrap().iter().find(|r| r["rule"] == "beyond-prescription").unwrap();
    assert_eq!(beyond["inputs"]["last.beyond_plan"], serde_json::json!([{"id": "walk_jog_intervals", "what": "unplanned"}]));
    // The same run for a patient whose goal is running is part of the programme.
    let runner = log(&[first, &s("2026-03-04", "")]).replace("provider_cleared: true }", "provider_cleared: true, goals: [running] }");
    let a = answer(&runner, &[]);
    assert!(!fired(&a).contains(&"beyond-prescription".to_string()), "{:?}", fired(&a));
}
