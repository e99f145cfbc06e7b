//! A test builder in the manner of just's: files in a temporary folder, the real binary run
//! on them, and exact stdout, stderr and exit status checked.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use std::io::Write;

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_stepwise"))
}

/// The project's root (where `plans/`, `rules/` and `examples/` are).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Replaces the protocol digest, which changes with every protocol edit, by a fixed marker.
pub fn mask_digest(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("sha256:") {
        out.push_str(&rest[..i]);
        out.push_str("sha256:DIGEST");
        let after = &rest[i + 7..];
        let len = after.find(|c: char| !c.is_ascii_hexdigit()).unwrap_or(after.len());
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub status: i32,
}

pub struct Test {
    dir: tempfile::TempDir,
    args: Vec<String>,
    stdin: Option<String>,
    envs: Vec<(String, String)>,
}

impl Test {
    pub fn new() -> Test {
        Test { dir: tempfile::tempdir().expect("tempdir"), args: Vec::new(), stdin: None, envs: vec![("NO_COLOR".into(), "1".into())] }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file relative to the test folder (creating parent folders).
    pub fn file(self, rel: &str, text: &str) -> Test {
        let p = self.dir.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
        self
    }

    /// Copies the shipped protocol into `protocol/` of the test folder, to edit it.
    pub fn shipped_protocol(self) -> Test {
        for sub in ["plans", "rules"] {
            let dst = self.dir.path().join("protocol").join(sub);
            std::fs::create_dir_all(&dst).expect("mkdir");
            for e in std::fs::read_dir(root().join(sub)).expect("read") {
                let e = e.expect("entry");
                std::fs::copy(e.path(), dst.join(e.file_name())).expect("copy");
            }
        }
        self
    }

    pub fn args(mut self, args: &[&str]) -> Test {
        self.args.extend(args.iter().map(std::string::ToString::to_string));
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Test {
        self.envs.push((key.into(), value.into()));
        self
    }

    pub fn stdin(mut self, text: &str) -> Test {
        self.stdin = Some(text.to_string());
        self
    }

    pub fn run(&self) -> Output {
        self.run_args(&self.args)
    }

    /// Runs with these arguments instead of the ones set, in the same folder: several commands
    /// on the same files.
    pub fn run_with(&self, args: &[&str]) -> Output {
        self.run_args(&args.iter().map(std::string::ToString::to_string).collect::<Vec<_>>())
    }

    fn run_args(&self, args: &[String]) -> Output {
        let mut cmd = Command::new(bin());
        cmd.args(args).current_dir(self.dir.path());
        for (k, v) in &self.envs {
            cmd.env(k, v);
        }
        cmd.stdin(if self.stdin.is_some() { Stdio::piped() } else { Stdio::null() });
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn stepwise");
        if let Some(input) = &self.stdin {
            child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
        }
        let out = child.wait_with_output().expect("wait");
        Output {
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            status: out.status.code().unwrap_or(-1),
        }
    }

    /// Runs and checks the exit status, stdout and stderr exactly (digests masked).
    pub fn expect(&self, status: i32, stdout: &str, stderr: &str) -> Output {
        let out = self.run();
        assert_eq!(mask_digest(&out.stdout), stdout, "stdout differs; stderr was:\n{}", out.stderr);
        assert_eq!(mask_digest(&out.stderr), stderr, "stderr differs");
        assert_eq!(out.status, status, "exit status differs");
        out
    }
}

/// Runs `next --format json` on a log text and returns the parsed answer.
pub fn answer(log_yaml: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["next", "log.yaml", "--format", "json"];
    args.extend_from_slice(extra);
    let out = Test::new().file("log.yaml", log_yaml).args(&args).run();
    assert_eq!(out.status, 0, "next failed: {}", out.stderr);
    serde_json::from_str(&out.stdout).expect("json answer")
}

/// The ids of the rules that fired, in order.
pub fn fired(answer: &serde_json::Value) -> Vec<String> {
    answer["reasons"].as_array().expect("reasons").iter().map(|r| r["rule"].as_str().unwrap_or_default().to_string()).collect()
}
