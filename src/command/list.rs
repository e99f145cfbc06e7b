//! `stepwise list rules|params|exercises|phases`: the protocol's contents at a glance, one line
//! each, like `just --list`.

use crate::cli::{ListArgs, ListKind};
use crate::diagnostic::escape_controls as e;
use crate::error::Error;
use crate::exit::Status;
use crate::model::protocol::Protocol;
use crate::vocab::protocol::ParamValue;

use super::Ctx;
use super::protocol::load_for_evaluation;

pub fn run(ctx: Ctx, args: &ListArgs) -> Result<Status, Error> {
    let Some(protocol) = load_for_evaluation(ctx, args.protocol.protocol.as_deref())? else {
        return Ok(Status::ProtocolInvalid);
    };
    super::write_stdout(listing(protocol.model(), args.kind).as_bytes())?;
    Ok(Status::Ok)
}

fn value(v: &ParamValue) -> String {
    match v {
        ParamValue::Bool(b) => b.to_string(),
        ParamValue::Int(i) => i.to_string(),
        ParamValue::Float(f) => f.to_string(),
        ParamValue::Text(t) => t.clone(),
    }
}

/// The listing as text: a header naming the protocol, then one line per item.
pub fn listing(p: &Protocol, kind: ListKind) -> String {
    let mut o = String::new();
    putln!(o, "protocol `{}` {} ({})", e(&p.manifest.id), e(&p.manifest.version), e(&p.origin));
    let width = |ids: Vec<&str>| ids.iter().map(|i| i.chars().count()).max().unwrap_or(0);
    match kind {
        ListKind::Rules => {
            let w = width(p.rules.iter().map(|r| r.id.as_str()).collect());
            for r in &p.rules {
                let urgency = r.urgency.map(|u| format!(" ({})", u.as_str())).unwrap_or_default();
                let phases = r
                    .phases
                    .as_ref()
                    .map(|ph| format!(" [phases: {}]", ph.iter().map(|&i| p.phase_id(i)).collect::<Vec<_>>().join(", ")))
                    .unwrap_or_default();
                putln!(o, "  {:<w$}  {:<8}{urgency}  {}{phases}", e(&r.id), r.decision.as_str(), e(&r.description));
            }
        }
        ListKind::Params => {
            let w = width(p.parameters.iter().map(|x| x.id.as_str()).collect());
            for x in &p.parameters {
                let unit = x.unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
                let grade = x.grade.map(|g| format!(" [{}]", format!("{g:?}").to_lowercase())).unwrap_or_default();
                putln!(o, "  {:<w$}  = {}{}{grade}", e(&x.id), e(&value(&x.value)), e(&unit));
            }
        }
        ListKind::Exercises => {
            let w = width(p.templates.iter().map(|t| t.id.as_str()).collect());
            for t in &p.templates {
                let cat = format!("{:?}", t.category).to_lowercase();
                let impact = format!("{:?}", t.impact).to_lowercase();
                putln!(o, "  {:<w$}  {} ({cat}, {impact} impact, {} level(s))", e(&t.id), e(&t.name), t.ladder.len());
            }
        }
        ListKind::Phases => {
            let w = width(p.phases.iter().map(|x| x.id.as_str()).collect());
            for (i, ph) in p.phases.iter().enumerate() {
                let ids: Vec<&str> = ph.exercises.iter().filter_map(|&t| p.templates.get(t)).map(|t| t.id.as_str()).collect();
                putln!(o, "  {}. {:<w$}  {} (at least {} days; {})", i + 1, e(&ph.id), e(&ph.title), ph.min_days, e(&ids.join(", ")));
            }
        }
    }
    o
}
