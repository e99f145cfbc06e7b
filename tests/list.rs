//! `stepwise list` and `stepwise explain`: the protocol's contents and a code's documentation,
//! as a user reads them.

use crate::support::Test;

#[test]
fn list_phases_prints_the_protocol_in_order() {
    Test::new().args(&["list", "phases"]).expect(
        0,
        "protocol `hip-return` 1.6.0 (embedded)
  1. reintroduce  Reintroduce movement with caution (at least 14 days; walking, hip_mobility, bridge, clamshell, side_lying_leg_lift, band_walk)
  2. strengthen   Strengthen the muscles that support the hip (at least 21 days; walking, hip_mobility, bridge, clamshell, side_lying_leg_lift, bird_dog, dead_bug)
  3. return       Return to structured exercise (at least 0 days; hip_mobility, bridge, side_lying_leg_lift, bird_dog, dead_bug)
",
        "",
    );
}

#[test]
fn list_rules_params_and_exercises_name_every_item() {
    let rules = Test::new().args(&["list", "rules"]).run();
    assert_eq!(rules.status, 0);
    assert_eq!(rules.stdout.lines().count(), 1 + 55, "{}", rules.stdout);
    assert!(
        rules.stdout.contains("\n  infection-signs               refer    (urgent)  Fever, or a hot or red hip (suspected infection).\n"),
        "{}",
        rules.stdout
    );
    let params = Test::new().args(&["list", "params"]).run();
    assert!(params.stdout.contains("\n  max_session_jump               = 1.1 ratio [primary]\n"), "{}", params.stdout);
    let exercises = Test::new().args(&["list", "exercises"]).run();
    assert!(
        exercises.stdout.contains("\n  walk_jog_intervals   Walk-jog intervals (cardio, high impact, 6 level(s))\n"),
        "{}",
        exercises.stdout
    );
}

#[test]
fn list_of_a_broken_protocol_fails_as_the_protocol_is_invalid() {
    let t = Test::new().shipped_protocol().file("protocol/rules/60-broken.yaml", "rules:\n  - id: x\n");
    let out = t.args(&["list", "rules", "--protocol", "protocol", "--message-format", "plain"]).run();
    assert_eq!(out.status, 3, "{}", out.stderr);
    assert_eq!(out.stdout, "");
}

#[test]
fn explain_prints_a_codes_page_by_code_or_name() {
    let by_code = Test::new().args(&["explain", "e0203"]).run();
    assert_eq!(by_code.status, 0);
    assert!(by_code.stdout.starts_with("## E0203 unknown-parameter\n\n**What it means.**"), "{}", by_code.stdout);
    assert!(!by_code.stdout.contains("## E0204"), "only the one page");
    let by_name = Test::new().args(&["explain", "unknown-parameter"]).run();
    assert_eq!(by_name.stdout, by_code.stdout);
    Test::new().args(&["explain", "X1"]).expect(
        2,
        "",
        "error: no diagnostic code `X1`: codes look like E0203 or W0508 (see docs/diagnostics.md)\n",
    );
}
