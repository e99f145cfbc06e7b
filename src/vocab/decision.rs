//! The closed set of answers and the safety rule that combines them.
//!
//! **Safety property.** When several rules fire, the most conservative decision wins:
//! `refer` > `rest` > `regress` > `hold` > `progress`. A red flag can therefore never be
//! outvoted by a progress rule, however many fire. The variants are declared in that order,
//! so `Ord` (and `min`) is the precedence; `tests/props.rs` checks the property on generated
//! logs and the unit tests below on every combination.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// Stop and see a provider.
    Refer,
    /// No training next: a rest day is due, or a flare needs relative rest.
    Rest,
    /// Scale back.
    Regress,
    /// Repeat the current step.
    Hold,
    /// Advance.
    Progress,
}

impl Decision {
    pub const ALL: [Decision; 5] = [Decision::Refer, Decision::Rest, Decision::Regress, Decision::Hold, Decision::Progress];

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Refer => "refer",
            Decision::Rest => "rest",
            Decision::Regress => "regress",
            Decision::Hold => "hold",
            Decision::Progress => "progress",
        }
    }

    /// `true` when `self` is at least as conservative as `other`.
    pub fn at_least_as_conservative_as(self, other: Decision) -> bool {
        self <= other
    }
}

impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How soon a referral needs a provider, chosen by the rule that refers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Urgency {
    /// Contact a provider today (same-day or emergency assessment).
    Urgent,
    /// See a provider before the next session.
    Routine,
}

impl Urgency {
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Urgent => "urgent",
            Urgency::Routine => "routine",
        }
    }
}

/// The combined decision of the rules that fired; `hold` when none fired (the protocol has
/// nothing to say, so the patient repeats the current step).
pub fn combine(fired: impl IntoIterator<Item = Decision>) -> Decision {
    fired.into_iter().min().unwrap_or(Decision::Hold)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_fired_is_hold() {
        assert_eq!(combine([]), Decision::Hold);
    }

    #[test]
    fn most_conservative_wins_for_every_pair() {
        for a in Decision::ALL {
            for b in Decision::ALL {
                let c = combine([a, b]);
                assert!(c.at_least_as_conservative_as(a) && c.at_least_as_conservative_as(b));
                assert!(c == a || c == b);
            }
        }
        assert_eq!(combine([Decision::Progress, Decision::Refer, Decision::Progress]), Decision::Refer);
        assert_eq!(combine([Decision::Regress, Decision::Rest]), Decision::Rest);
    }

    #[test]
    fn precedence_is_the_contract_order() {
        let mut all = Decision::ALL;
        all.sort();
        assert_eq!(all.map(Decision::as_str), ["refer", "rest", "regress", "hold", "progress"]);
    }
}
