//! Safety: high-impact exercises (running, jumping) belong in the last phase, once the gates
//! before it have shown the hip tolerates load (`W0510`). One in an earlier phase loads the
//! joint before the protocol has checked it is ready.

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::protocol::Protocol;
use crate::vocab::protocol::Impact;

pub fn lint(p: &Protocol, diags: &mut Diagnostics) {
    let Some((_, early)) = p.phases.split_last() else { return };
    for phase in early {
        for (t, at) in &phase.uses {
            let Some(template) = p.templates.get(*t) else { continue };
            if template.impact == Impact::High {
                diags.push(
                    Diagnostic::new(
                        Code::EarlyHighImpact,
                        format!("high-impact exercise `{}` in phase `{}`, before the last phase", template.id, phase.id),
                    )
                    .at(at.source, at.loc)
                    .label("high impact")
                    .help("move it to the last phase, after the gates that show the hip is ready for impact"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{PLAN, diagnostics, with_code};
    use crate::diagnostic::Code;

    #[test]
    fn high_impact_only_in_the_last_phase() {
        let plan = PLAN.replace("impact: low", "impact: high");
        let d = diagnostics(&[("plans/plan.yaml", &plan)]);
        assert_eq!(
            with_code(&d, Code::EarlyHighImpact),
            ["W0510 7:17 high-impact exercise `bridge` in phase `start`, before the last phase"]
        );
    }
}
