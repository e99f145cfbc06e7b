//! The only place YAML is parsed. serde-saphyr is configured for safety and confined here so
//! that it can be swapped: YAML 1.2 booleans (`no` stays a string), duplicate keys rejected,
//! default budgets against alias bombs and deep nesting.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{Loc, SourceId};

/// A value with the place it was written. Reads from any serde format; only YAML knows the
/// place, so values read from JSON carry [`Loc::UNKNOWN`].
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub loc: Loc,
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

fn to_loc(l: serde_saphyr::Location) -> Loc {
    if l.line() == 0 {
        return Loc::UNKNOWN;
    }
    let span = l.span();
    Loc {
        line: crate::num::u64_u32(l.line()),
        col: crate::num::u64_u32(l.column()),
        offset: span.byte_offset().map_or(0, crate::num::u64_count),
        len: span.byte_len().map_or(0, crate::num::u64_count),
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<T>::deserialize(d)?;
        Ok(Spanned { value: s.value, loc: to_loc(s.referenced) })
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Spanned<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(g)
    }
    fn inline_schema() -> bool {
        T::inline_schema()
    }
}

fn options(codes: &ErrorCodes) -> serde_saphyr::Options {
    // A patient log's values are what is written at their key: a merge key (`<<`) supplies
    // values from elsewhere, and among several merged mappings the first wins without a word,
    // so `<<: [{symptoms: []}, {symptoms: [fever]}]` hid a red flag. Protocol files may use
    // them (their authors repeat doses and ladders).
    let merge_keys =
        if codes.syntax == Code::LogSyntax { serde_saphyr::MergeKeyPolicy::Error } else { serde_saphyr::MergeKeyPolicy::Merge };
    serde_saphyr::options! { strict_booleans: true, merge_keys: merge_keys }
}

/// Parses one YAML document into `T`. `codes` picks the diagnostic codes, so that a protocol
/// file and a patient log report under their own groups.
pub fn parse<T: DeserializeOwned>(source: SourceId, text: &str, codes: &ErrorCodes) -> Result<T, Box<Diagnostic>> {
    serde_saphyr::from_str_with_options::<T>(text, options(codes)).map_err(|e| {
        let d = to_diagnostic(source, &e, codes);
        Box::new(if d.code == codes.missing { misindented_hint(d, text) } else { d })
    })
}

/// A required key reported missing although the entry has it, at another indentation, is a
/// mis-indented key (YAML then reads it as part of something else, or of nothing): say so.
fn misindented_hint(d: Diagnostic, text: &str) -> Diagnostic {
    let Some(key) = d.message.split('`').nth(1).map(str::to_string) else { return d };
    if !d.loc.is_known() {
        return d;
    }
    let entry_indent = (d.loc.col as usize).saturating_sub(1);
    for (i, line) in text.lines().enumerate().skip(d.loc.line as usize) {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if trimmed.starts_with("- ") && indent < entry_indent {
            break; // the next entry
        }
        if indent != entry_indent && trimmed.strip_prefix(key.as_str()).is_some_and(|r| r.starts_with(':')) {
            let help = format!("`{key}:` on line {} is indented {indent} spaces, this entry's keys {entry_indent}: line them up", i + 1);
            return d.help(help);
        }
    }
    d
}

/// Which codes a deserialisation error maps to.
pub struct ErrorCodes {
    pub syntax: Code,
    pub value: Code,
    pub unknown_key: Code,
    pub missing: Code,
}

pub const PROTOCOL_CODES: ErrorCodes =
    ErrorCodes { syntax: Code::YamlSyntax, value: Code::InvalidValue, unknown_key: Code::UnknownKey, missing: Code::MissingField };

pub const LOG_CODES: ErrorCodes = ErrorCodes {
    syntax: Code::LogSyntax,
    value: Code::LogInvalidValue,
    unknown_key: Code::LogUnknownField,
    missing: Code::LogMissingField,
};

/// A budget breach in words, with the limit (serde-saphyr's default budget: these numbers are
/// documented in the README's "Safety and limits").
fn budget_message(breach: &serde_saphyr::budget::BudgetBreach) -> String {
    use serde_saphyr::budget::BudgetBreach as B;
    let name = match breach {
        B::Nodes { .. } => "Nodes",
        B::Events { .. } => "Events",
        B::Aliases { .. } => "Aliases",
        B::Anchors { .. } => "Anchors",
        B::Depth { .. } => "Depth",
        B::Documents { .. } => "Documents",
        B::ScalarBytes { .. } => "ScalarBytes",
        B::MergeKeys { .. } => "MergeKeys",
        B::AliasAnchorRatio { .. } => "AliasAnchorRatio",
        _ => "",
    };
    budget_words(name)
}

/// The words for a budget breach named as serde-saphyr names it (`Nodes`, `Depth`, ...).
fn budget_words(name: &str) -> String {
    let b = serde_saphyr::budget::Budget::default();
    let (what, limit) = match name {
        "Nodes" => ("values (nodes)", b.max_nodes),
        "Events" => ("parser events", b.max_events),
        "Aliases" => ("aliases", b.max_aliases),
        "Anchors" => ("anchors", b.max_anchors),
        "Depth" => ("levels of nesting", b.max_depth),
        "Documents" => ("documents", b.max_documents),
        "ScalarBytes" => ("bytes of text", b.max_total_scalar_bytes),
        "MergeKeys" => ("merge keys", b.max_merge_keys),
        "AliasAnchorRatio" => return "too many aliases for the anchors defined (an alias bomb?)".into(),
        _ => return "the YAML document exceeds the reader's safety limits".into(),
    };
    format!("the YAML document is too large: more than {} {what}", thousands(limit))
}

/// A breach met while aliases are replayed reaches us as the text of serde-saphyr's debug form
/// (`budget breached: Nodes { nodes: 250001 }`): the same words as any other breach.
fn budget_in_text(message: &str) -> Option<String> {
    let rest = message.split_once("budget breached: ")?.1;
    let name: String = rest.chars().take_while(char::is_ascii_alphanumeric).collect();
    Some(budget_words(&name))
}

/// Whether a diagnostic's message is a budget breach (no session note: the text before the
/// breach may be aliases that name no session).
pub fn is_budget_message(message: &str) -> bool {
    message.starts_with("the YAML document is too large")
        || message.starts_with("too many aliases for the anchors")
        || message.starts_with("the YAML document exceeds the reader's safety limits")
}

/// `250000` as `250,000`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn to_diagnostic(source: SourceId, e: &serde_saphyr::Error, codes: &ErrorCodes) -> Diagnostic {
    let loc = e.location().map_or(Loc::UNKNOWN, to_loc);
    if let serde_saphyr::Error::Budget { breach, .. } = e.without_snippet() {
        return Diagnostic::new(codes.syntax, budget_message(breach))
            .at(source, loc)
            .help("split the file, or write a long patient log as JSON");
    }
    let message = crate::syntax::serde_message::clean(&e.without_snippet().to_string());
    if let Some(words) = budget_in_text(&message) {
        return Diagnostic::new(codes.syntax, words).at(source, loc).help("split the file, or write a long patient log as JSON");
    }
    let is_syntax = matches!(e.without_snippet(), serde_saphyr::Error::ExternalMessage { .. } | serde_saphyr::Error::Eof { .. });
    crate::syntax::serde_message::classify(message, codes, is_syntax).at(source, loc)
}

/// Writes a value as YAML (for `--format yaml`).
pub fn to_string<T: serde::Serialize>(value: &T) -> String {
    serde_saphyr::to_string(value).unwrap_or_else(|e| format!("# cannot write YAML: {e}\n"))
}
