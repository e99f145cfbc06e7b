//! Build script: rebuild when the embedded default protocol, or the cases and examples
//! `stepwise init` copies, change (`include_dir` cannot tell cargo itself), and stamp the embedded protocol's id, version and digest into the binary for
//! `stepwise --version` (a test checks the stamp equals the loaded protocol's provenance).

#[path = "src/digest.rs"]
mod digest;

fn main() {
    println!("cargo:rerun-if-changed=plans");
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=cases");
    println!("cargo:rerun-if-changed=examples");
    let mut files: Vec<(String, String)> = Vec::new();
    for sub in ["plans", "rules"] {
        let Ok(entries) = std::fs::read_dir(sub) else { continue };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            // As `load::kind_of` reads them (`source::has_extension`): any case of the extension.
            let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
            let kept = matches!(ext.as_deref(), Some("yaml" | "yml" | "rhai"));
            if kept
                && entry.path().is_file()
                && let Ok(text) = std::fs::read_to_string(entry.path())
            {
                files.push((format!("{sub}/{name}"), text));
            }
        }
    }
    let digest = digest::digest(files.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    let manifest = files.iter().find(|(p, _)| p == "plans/protocol.yaml").map_or("", |(_, t)| t.as_str());
    let field = |key: &str| {
        manifest
            .lines()
            .skip_while(|l| l.trim_end() != "protocol:")
            .find_map(|l| l.trim_start().strip_prefix(key).map(|v| v.trim().to_string()))
            .unwrap_or_else(|| "unknown".into())
    };
    println!("cargo:rustc-env=STEPWISE_EMBEDDED_PROTOCOL={} {} {digest}", field("id:"), field("version:"));
}
