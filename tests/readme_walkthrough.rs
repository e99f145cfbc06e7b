//! README.md's "Working on a protocol in git" is a walkthrough that really runs: each `$`
//! command of its console blocks runs in a shell (in a temporary folder, with the built
//! `stepwise` first on PATH and git configured for the test), and its output must be exactly
//! what the README shows. Skipped, with a note, where `sh` or `git` is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{bin, mask_digest, root};

/// One command of the walkthrough (a heredoc's lines included) and the output shown after it.
#[derive(Debug)]
struct Step {
    command: String,
    output: String,
}

fn steps(readme: &str) -> Vec<Step> {
    let start = readme.find("## Working on a protocol in git\n").expect("the README has the walkthrough");
    let section = &readme[start..];
    let section = &section[..section[1..].find("\n## ").map_or(section.len(), |i| i + 1)];
    let mut steps: Vec<Step> = Vec::new();
    let mut in_block = false;
    let mut heredoc = false;
    for line in section.lines() {
        if !in_block {
            in_block = line == "```console";
            continue;
        }
        if line == "```" {
            in_block = false;
            continue;
        }
        let Some(step) = steps.last_mut().filter(|_| heredoc || !line.starts_with("$ ")) else {
            let command = line.strip_prefix("$ ").expect("a block starts with a command").to_string();
            heredoc = command.contains("<<'EOF'");
            steps.push(Step { command, output: String::new() });
            continue;
        };
        if heredoc {
            step.command.push('\n');
            step.command.push_str(line);
            heredoc = line != "EOF";
        } else {
            step.output.push_str(line);
            step.output.push('\n');
        }
    }
    steps
}

fn available(program: &str) -> bool {
    Command::new(program).arg("--version").output().is_ok_and(|o| o.status.success())
        || Command::new(program).args(["-c", "true"]).output().is_ok_and(|o| o.status.success())
}

fn run(step: &Step, cwd: &Path, home: &Path) -> (String, i32) {
    let bin_dir = bin().parent().expect("bin dir").to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())))
        .expect("PATH");
    let out = Command::new("sh")
        .args(["-c", &step.command])
        .current_dir(cwd)
        .env("PATH", path)
        .env("HOME", home)
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Clinic")
        .env("GIT_AUTHOR_EMAIL", "clinic@example.org")
        .env("GIT_COMMITTER_NAME", "Clinic")
        .env("GIT_COMMITTER_EMAIL", "clinic@example.org")
        .env_remove("STEPWISE_PROTOCOL")
        .output()
        .expect("run sh");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (text, out.status.code().unwrap_or(-1))
}

#[test]
fn the_git_walkthrough_runs_as_written() {
    if !available("sh") || !available("git") {
        eprintln!("note: sh or git is not installed: the README's git walkthrough is not run");
        return;
    }
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let steps = steps(&readme);
    let commands: Vec<String> = steps.iter().map(|s| s.command.split(' ').take(2).collect::<Vec<_>>().join(" ")).collect();
    // init, edit, check, test, diff, in that order.
    assert_eq!(
        commands,
        [
            "stepwise init",
            "cd clinic",
            "git init",
            "cat >",
            "stepwise check",
            "stepwise test",
            "cat >",
            "cat >",
            "stepwise test",
            "stepwise diff",
            "git add"
        ]
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let home: PathBuf = std::fs::canonicalize(dir.path()).expect("canonical");
    let mut cwd = home.clone();
    for step in &steps {
        if let Some(sub) = step.command.strip_prefix("cd ") {
            cwd = cwd.join(sub);
            assert_eq!(step.output, "", "`cd` prints nothing");
            continue;
        }
        let (output, status) = run(step, &cwd, &home);
        assert_eq!(status, 0, "`{}` failed:\n{output}", step.command);
        let shown = mask_digest(&output).replace("sha256:DIGEST", "sha256:…").replace(home.to_str().expect("utf-8 path"), "~");
        assert_eq!(shown, step.output, "the output of `{}` differs from the README", step.command);
    }
}
