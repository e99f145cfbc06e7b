//! Protocol lints: warnings about things that are legal but probably wrong or unsafe.

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::load::LoadedFiles;
use crate::script::CompiledProtocol;
use crate::source::SourceMap;

pub fn lint(_sources: &SourceMap, _files: &LoadedFiles, c: &CompiledProtocol, diags: &mut Diagnostics) {
    let p = &c.protocol;
    for rule in &p.rules {
        if rule.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
            diags.push(
                Diagnostic::new(Code::MissingSource, format!("rule `{}` has no source", rule.id))
                    .at(rule.when.source, rule.when.loc)
                    .help("add `source:` with the citation behind the rule, so clinicians can check it against the evidence"),
            );
        }
        if !rule.when.block && rule.when.text.contains('\n') {
            diags.push(
                Diagnostic::new(Code::ScriptNotBlock, format!("the condition of rule `{}` is not a `|` block", rule.id))
                    .at(rule.when.source, rule.when.loc)
                    .help("write `when: |` and the script on the lines below, so errors point at the right place"),
            );
        }
    }
}
