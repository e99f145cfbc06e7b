//! Rebuild when the embedded default protocol changes (include_dir cannot tell cargo itself).
fn main() {
    println!("cargo:rerun-if-changed=plans");
    println!("cargo:rerun-if-changed=rules");
}
