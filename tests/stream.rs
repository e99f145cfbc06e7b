//! `stepwise batch -` as a streaming filter (README "At scale"), the contract `RDD.pipe` and
//! any other pipe rely on: JSON Lines in on stdin, one record per non-blank line out on
//! stdout in input order (answers and error records alike, an error record naming its line),
//! the summary on stderr only, and records written while input is still coming (memory holds
//! chunks, never the whole input).

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::support::{Test, bin};

fn log(patient: &str) -> String {
    format!(r#"{{"patient":"{patient}","start":"2026-01-05","sessions":[]}}"#)
}

#[test]
fn one_record_per_non_blank_line_in_input_order() {
    let input = [log("P-1"), String::new(), "   ".into(), "not json".into(), log("P-2"), r#"{"patient":"P-3"}"#.into(), log("P-4")]
        .join("\n")
        + "\n";
    let out = Test::new().args(&["batch", "-"]).stdin(&input).run();
    assert_eq!(out.status, 4);
    let records: Vec<serde_json::Value> = out.stdout.lines().map(|l| serde_json::from_str(l).expect("a JSON record")).collect();
    // Blank lines give no record; every other line gives exactly one, in input order.
    let summary: Vec<(String, String)> = records
        .iter()
        .map(|r| {
            let who = r["patient"].as_str().unwrap_or("-").to_string();
            let what = match (r["decision"].as_str(), r["source"]["line"].as_u64()) {
                (Some(d), _) => d.to_string(),
                (None, Some(line)) => format!("error at line {line}: {}", r["errors"][0]["code"].as_str().unwrap_or("?")),
                (None, None) => "?".into(),
            };
            (who, what)
        })
        .collect();
    let expected: Vec<(String, String)> =
        [("P-1", "refer"), ("-", "error at line 4: E0606"), ("P-2", "refer"), ("P-3", "error at line 6: E0608"), ("P-4", "refer")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
    assert_eq!(summary, expected);
    // An answer is the `next --format json` line, byte for byte.
    let single = Test::new().file("p1.json", &log("P-1")).args(&["next", "p1.json", "--format", "json"]).run();
    assert_eq!(out.stdout.lines().next().map(|l| l.to_string() + "\n"), Some(single.stdout));
    // The summary is on stderr only.
    assert_eq!(
        out.stderr,
        "read 5 log(s): 3 answered, 2 error(s)\ndecisions: refer 3, rest 0, regress 0, hold 0, progress 0\n\
         phases: reintroduce 3\nreview (refer): P-1, P-2, P-4\nerrors: <stdin>:4, P-3 (<stdin>:6)\n"
    );
}

#[test]
fn records_flow_out_before_the_input_ends() {
    // 3,000 logs (about 1 KB of answer each): the first chunks' records pass the 1 MiB output
    // buffer while stdin is still open, which a filter holding the whole input never does.
    let mut child = Command::new(bin())
        .args(["batch", "-", "--quiet", "--jobs", "2"])
        .env("NO_COLOR", "1")
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn stepwise");
    let mut stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().and_then(Result::ok);
        let _ = tx.send(first);
        1 + lines.count()
    });
    let input: String = (0..3000).map(|i| log(&format!("P-{i:04}")) + "\n").collect();
    stdin.write_all(input.as_bytes()).expect("write stdin");
    stdin.flush().expect("flush stdin");
    // stdin stays open here: the first record must arrive anyway.
    let first = rx.recv_timeout(Duration::from_secs(120)).expect("a record before the input ended").expect("a first line");
    assert!(first.starts_with(r#"{"patient":"P-0000","#), "{first}");
    drop(stdin);
    let count = reader.join().expect("reader thread");
    assert_eq!(count, 3000);
    assert_eq!(child.wait().expect("wait").code(), Some(0));
}
