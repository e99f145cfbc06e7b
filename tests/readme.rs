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

/// The `sh` blocks of the README's tutorial, in order, without the list's indentation.
fn tutorial_blocks(readme: &str) -> Vec<String> {
    let start = readme.find("<!-- tutorial:start -->").expect("the README marks its tutorial");
    let end = readme.find("<!-- tutorial:end -->").expect("the README marks its tutorial's end");
    let mut blocks = Vec::new();
    let mut rest = &readme[start..end];
    while let Some(open) = rest.find("```sh\n") {
        let body = &rest[open + "```sh\n".len()..];
        let close = body.find("```").expect("a closed block");
        let indent = rest[..open].rsplit('\n').next().map_or(0, str::len);
        let text: Vec<&str> = body[..close].lines().map(|l| l.get(indent..).unwrap_or(l.trim_start())).collect();
        blocks.push(text.join("\n") + "\n");
        rest = &body[close + 3..];
    }
    blocks
}

#[test]
fn the_tutorial_runs_verbatim() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let blocks = tutorial_blocks(&readme);
    assert_eq!(blocks.len(), 7, "{blocks:#?}");
    let dir = tempfile::tempdir().unwrap();
    for sub in ["plans", "rules", "examples"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        for e in std::fs::read_dir(root().join(sub)).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), dir.path().join(sub).join(e.file_name())).unwrap();
        }
    }
    let bin_dir = crate::support::bin().parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let mut last = String::new();
    for block in &blocks {
        let expected = block.split("# exits ").nth(1).and_then(|r| r.split(':').next()).map_or(0, |n| n.trim().parse::<i32>().unwrap());
        let out = std::process::Command::new("bash")
            .args(["-e", "-o", "pipefail", "-c", block])
            .current_dir(dir.path())
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .env_remove("STEPWISE_PROTOCOL")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(expected), "block:\n{block}\nstderr:\n{stderr}");
        if expected == 1 {
            assert!(
                stderr.contains("unknown parameter `min_sleep_qualty`") && stderr.contains("did you mean `min_sleep_quality`?"),
                "{stderr}"
            );
        }
        last = String::from_utf8_lossy(&out.stdout).into_owned();
    }
    assert!(last.starts_with("Decision: PROGRESS"), "{last}");
    assert!(last.contains("Decision: HOLD"), "{last}");
    assert!(last.contains("poor-sleep"), "{last}");
    // Every modeline of the new protocol resolves to a schema file.
    for sub in ["plans", "rules"] {
        for e in std::fs::read_dir(dir.path().join("my-protocol").join(sub)).unwrap() {
            let path = e.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            if let Some(target) = text.lines().next().and_then(|l| l.strip_prefix("# yaml-language-server: $schema=")) {
                assert!(path.parent().unwrap().join(target).is_file(), "{} points at a missing {target}", path.display());
            }
        }
    }
    let answer = Test::new().args(&["check", "--protocol", dir.path().join("my-protocol").to_str().unwrap()]).run();
    assert!(answer.stdout.starts_with("ok: protocol `my-clinic-hip` 1.2.0"), "{}", answer.stdout);
}
