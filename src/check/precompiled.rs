//! The embedded protocol's checked model, made ahead of time: answering a log with the
//! embedded protocol then reads this JSON instead of parsing and checking its YAML, which was
//! most of a single `stepwise next`.
//!
//! `embedded-model.json` is what `check` builds from the embedded `plans/` and `rules/`, with
//! their digest. It is used only when that digest is the digest of the files embedded in this
//! binary; otherwise (a protocol edited without regenerating it) the files are checked as any
//! protocol is, so a stale model can slow a run down but never change an answer. The unit tests
//! below fail while it is stale, and `UPDATE_EXPECT=1 cargo test precompiled` regenerates it.
//! `check` itself always reads the files: its warnings come from them.

use crate::model::protocol::Protocol;

static MODEL: &str = include_str!("embedded-model.json");

/// The precompiled model, when it was made from files with this `digest`.
pub fn model(digest: &str) -> Option<Protocol> {
    // The digest is read first: a stale model is not worth parsing.
    #[derive(serde::Deserialize)]
    struct Stamp<'a> {
        digest: &'a str,
    }
    let stamp: Stamp = serde_json::from_str(MODEL).ok()?;
    if stamp.digest != digest {
        return None;
    }
    serde_json::from_str(MODEL).ok()
}

/// What `embedded-model.json` holds for `protocol`.
#[cfg(test)]
fn text(protocol: &Protocol) -> String {
    serde_json::to_string_pretty(protocol).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;

    /// The embedded protocol checked from its files, and its digest.
    fn built() -> (Protocol, String) {
        let mut sources = SourceMap::default();
        let files = crate::load::embedded(&mut sources);
        let (compiled, diags) = crate::engine::check_and_compile(&sources, &files, crate::check::Lints::Skip);
        // The precompiled path reports nothing: the files must not either.
        assert!(diags.into_sorted().is_empty(), "the embedded protocol has diagnostics");
        let compiled = compiled.expect("the embedded protocol compiles");
        ((*compiled.protocol).clone(), files.digest)
    }

    #[test]
    fn the_precompiled_model_is_the_one_check_builds() {
        let (protocol, digest) = built();
        let expected = text(&protocol);
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/check/embedded-model.json");
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::write(path, &expected).expect("write the precompiled model");
            return;
        }
        assert!(
            MODEL == expected,
            "src/check/embedded-model.json is stale (the embedded protocol or the model changed): run `UPDATE_EXPECT=1 cargo test precompiled`"
        );
        let read = model(&digest).expect("the precompiled model is used for these files");
        // Read back, it is the model `check` builds, field for field.
        assert_eq!(format!("{read:#?}"), format!("{protocol:#?}"));
    }

    #[test]
    fn a_stale_model_is_not_used() {
        let (_, digest) = built();
        assert!(model(&digest).is_some());
        assert!(model("sha256:0000").is_none());
    }
}
