//! `stepwise schema plan|rule|log`: JSON Schema (draft-07, which the YAML language server
//! understands) generated from the very types the loader reads, so it cannot drift.

use crate::cli::{SchemaArgs, SchemaKind};
use crate::error::Error;
use crate::exit::Status;

pub fn schema_for(kind: SchemaKind) -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let schema = match kind {
        SchemaKind::Plan => generator.into_root_schema_for::<crate::syntax::protocol::PlanFile>(),
        SchemaKind::Rule => generator.into_root_schema_for::<crate::syntax::protocol::RuleFile>(),
        SchemaKind::Log => generator.into_root_schema_for::<crate::syntax::log::RawLog>(),
        SchemaKind::Case => generator.into_root_schema_for::<crate::cases::spec::CaseFile>(),
    };
    schema.to_value()
}

pub fn run(args: &SchemaArgs) -> Result<Status, Error> {
    let text = serde_json::to_string_pretty(&schema_for(args.kind)).unwrap_or_default();
    // A closed pipe (`stepwise schema rule | head`) is not an error worth a panic.
    super::write_stdout(format!("{text}\n").as_bytes())?;
    Ok(Status::Ok)
}
