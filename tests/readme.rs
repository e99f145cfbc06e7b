//! README.md stays true: the answer it shows in full is the binary's real output.

use crate::support::{Test, mask_digest, root};

#[test]
fn readme_shows_the_real_answer_of_example_01() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme.find("```text\nPatient P-1001").expect("the README shows example 01's answer") + "```text\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let shown = &readme[start..end];
    let example = root().join("examples/01-walking-progress.yaml");
    let out = Test::new().args(&["next", example.to_str().unwrap()]).run();
    assert_eq!(out.status, 0);
    assert_eq!(mask_digest(&out.stdout).replace("sha256:DIGEST", "sha256:…"), shown);
}
