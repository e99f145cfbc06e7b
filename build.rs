//! Rebuild when the embedded default protocol, or the cases and examples `stepwise init`
//! copies, change (include_dir cannot tell cargo itself).
fn main() {
    println!("cargo:rerun-if-changed=plans");
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=cases");
    println!("cargo:rerun-if-changed=examples");
}
