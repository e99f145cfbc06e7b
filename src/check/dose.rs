//! Checks and converts dose changes (`dosing.progress`, a rule's `then.dose`).

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::dose::{DoseChange, Step, Steps};
use crate::source::SourceId;
use crate::syntax::Spanned;
use crate::syntax::protocol::{RawDoseChange, RawStep};

/// Factors are kept in thousandths: more precision than a dose needs, and exact.
const MILLI: f64 = 1000.0;

fn step(src: SourceId, s: &Spanned<RawStep>, diags: &mut Diagnostics) -> Option<Step> {
    let raw = &s.value;
    let kinds = [raw.add.is_some(), raw.subtract.is_some(), raw.multiply.is_some()].iter().filter(|b| **b).count();
    if kinds != 1 {
        diags.push(
            Diagnostic::new(Code::InvalidDoseStep, "a dose step needs exactly one of `add`, `subtract` or `multiply`")
                .at(src, s.loc)
                .help("write e.g. `{ add: 2, max: 15 }` or `{ multiply: 1.1 }`"),
        );
        return None;
    }
    let multiply_milli = match raw.multiply {
        Some(f) if !(f > 0.0 && f <= 10.0) || ((f * MILLI).round() - f * MILLI).abs() > 1e-6 => {
            diags.push(
                Diagnostic::new(Code::InvalidDoseStep, format!("`multiply: {f}` is not a usable factor"))
                    .at(src, s.loc)
                    .help("use a factor above 0 and at most 10 with at most three decimals, e.g. `1.1`"),
            );
            return None;
        }
        Some(f) => Some(crate::num::whole_i64((f * MILLI).round())),
        None => None,
    };
    let delta = raw.add.map_or(0, |a| i64::from(a.0)) - raw.subtract.map_or(0, |a| i64::from(a.0));
    let at_max = match &raw.at_max {
        Some(c) => Some(Box::new(convert_change(src, c, diags)?)),
        None => None,
    };
    Some(Step { delta, multiply_milli, min: raw.min.map(|m| i64::from(m.0)), max: raw.max.map(|m| i64::from(m.0)), at_max })
}

pub fn convert_change(src: SourceId, c: &RawDoseChange, diags: &mut Diagnostics) -> Option<DoseChange> {
    let has_steps = c.sets.is_some() || c.reps.is_some() || c.hold_s.is_some() || c.load_kg.is_some() || c.minutes.is_some();
    if let Some(l) = &c.ladder {
        if has_steps {
            diags.push(
                Diagnostic::new(Code::InvalidDoseStep, "a dose change moves along the ladder or steps the dose, not both")
                    .at(src, l.loc)
                    .help("keep `ladder:` or the field steps (`reps:`, `minutes:`, ...)"),
            );
            return None;
        }
        return Some(DoseChange::Ladder(l.value));
    }
    let mut conv = |s: &Option<Spanned<RawStep>>| s.as_ref().and_then(|s| step(src, s, diags));
    Some(DoseChange::Steps(Steps {
        sets: conv(&c.sets),
        reps: conv(&c.reps),
        hold_s: conv(&c.hold_s),
        load_kg: conv(&c.load_kg),
        minutes: conv(&c.minutes),
    }))
}
