//! Inputs the fuzz targets (docs/fuzzing.md) or the hardening review found to crash, kept under
//! `tests/fixtures/fuzz/TARGET/`: each runs through the real binary on every `cargo test`, on
//! any toolchain, and must give an answer or a clear error, never a panic.

use std::path::PathBuf;

use crate::support::{Test, root};

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = root().join("tests/fixtures/fuzz").join(target);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir).map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    out.sort();
    out
}

fn clean_exit(what: &str, status: i32, stderr: &str, allowed: &[i32]) {
    assert!(!stderr.contains("panicked"), "{what}: panic\n{stderr}");
    assert!(allowed.contains(&status), "{what}: exit {status}\n{stderr}");
}

#[test]
fn logs_that_once_crashed_are_answered_or_refused() {
    let mut n = 0;
    for target in ["log_reader", "evaluation"] {
        for path in inputs(target) {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let file = if name.ends_with(".json") { "log.json" } else { "log.yaml" };
            let bytes = std::fs::read(&path).expect("read input");
            let t = Test::new();
            std::fs::write(t.path().join(file), &bytes).expect("write");
            let out = t.args(&["next", file, "--message-format", "plain"]).run();
            clean_exit(&name, out.status, &out.stderr, &[0, 2, 4]);
            n += 1;
        }
    }
    assert!(n > 0, "no fuzz regression inputs found");
}

#[test]
fn protocol_files_that_once_crashed_are_checked() {
    let mut n = 0;
    for path in inputs("protocol_loader") {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let bytes = std::fs::read(&path).expect("read input");
        let Some((&which, rest)) = bytes.split_first() else { continue };
        let relative = ["protocol/rules/zz.yaml", "protocol/plans/zz.yaml", "protocol/rules/zz.rhai"][usize::from(which % 3)];
        let t = Test::new().shipped_protocol();
        std::fs::write(t.path().join(relative), rest).expect("write");
        let t = t.args(&["check", "--protocol", "protocol", "--format", "plain"]);
        let out = t.run();
        clean_exit(&name, out.status, &out.stderr, &[0, 1, 2]);
        n += 1;
    }
    assert!(n > 0, "no fuzz regression inputs found");
}
