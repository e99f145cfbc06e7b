//! `stepwise report` in a real browser: headless Chromium (Debian's `chromium`, installed by
//! `.ci/setup-browser`) loads a patient page and a cohort page from files, with the network
//! switched off as far as flags go. It checks that the charts are in the rendered DOM, that
//! the cohort page's script ran, that printing to PDF gives a sensible page count, and saves
//! screenshots and PDFs under `target/report/` for review.
//!
//! When no browser can start the test says so plainly and passes, unless
//! `STEPWISE_REQUIRE_BROWSER=1` (set by `.ci/run` after a successful install).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Test, root};

/// The flags that work on the project's machine (root, no GPU, no D-Bus), plus no network
/// services of the browser's own.
const FLAGS: [&str; 9] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
];

fn browser() -> Option<PathBuf> {
    if let Some(b) = std::env::var_os("STEPWISE_BROWSER").filter(|b| !b.is_empty()) {
        return Some(PathBuf::from(b));
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |d| d.join(name)))
        .find(|p| p.is_file())
}

fn required() -> bool {
    std::env::var("STEPWISE_REQUIRE_BROWSER").is_ok_and(|v| v == "1")
}

/// Runs the browser on a page with `extra` flags; its stdout, or why it failed. A browser
/// that hangs is killed after 90 seconds.
fn run(browser: &Path, page: &Path, extra: &[String]) -> Result<String, String> {
    let profile = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut child = Command::new(browser)
        .args(FLAGS)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", browser.display()))?;
    // Read the output while the browser runs: a large DOM would fill the pipe and block it.
    let read = |r: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut buf);
            }
            buf
        })
    };
    let stdout = read(child.stdout.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>));
    let stderr = read(child.stderr.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>));
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > Duration::from_secs(90) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{} did not finish within 90 s", browser.display()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => return Err(e.to_string()),
        }
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    if !status.success() {
        return Err(format!("{} exited with {status}: {}", browser.display(), String::from_utf8_lossy(&stderr)));
    }
    Ok(String::from_utf8_lossy(&stdout).into_owned())
}

/// Pages in a PDF written by Chromium: its page objects (`/Type /Page`, not `/Pages`).
fn pdf_pages(pdf: &[u8]) -> usize {
    let needle = b"/Type /Page";
    pdf.windows(needle.len() + 1).filter(|w| &w[..needle.len()] == needle && w[needle.len()] != b's').count()
}

/// Writes the report pages under target/report/ and returns their paths.
fn pages(dir: &Path) -> (PathBuf, PathBuf) {
    std::fs::create_dir_all(dir).expect("target/report");
    let patient = dir.join("patient.html");
    let cohort = dir.join("cohort.html");
    let _ = std::fs::remove_file(&patient);
    let _ = std::fs::remove_file(&cohort);
    let examples = root().join("examples");
    Test::new()
        .args(&["report", &root().join("tests/fixtures/report/course.yaml").display().to_string(), "-o", &patient.display().to_string()])
        .expect(0, "", "");
    Test::new().args(&["report", &examples.display().to_string(), "-o", &cohort.display().to_string()]).expect(0, "", "");
    (patient, cohort)
}

#[test]
fn report_pages_render_and_print_in_chromium() {
    let dir = root().join("target").join("report");
    let (patient, cohort) = pages(&dir);
    let Some(browser) = browser() else {
        assert!(!required(), "STEPWISE_REQUIRE_BROWSER=1 but no chromium was found (run .ci/setup-browser)");
        println!("note: no browser found (chromium): the browser test of `stepwise report` was skipped; run .ci/setup-browser");
        return;
    };
    let dom = match run(&browser, &patient, &["--dump-dom".into()]) {
        Ok(dom) => dom,
        Err(why) => {
            assert!(!required(), "STEPWISE_REQUIRE_BROWSER=1 but the browser cannot start: {why}");
            println!("note: the browser could not start, so the browser test of `stepwise report` was skipped: {why}");
            return;
        }
    };
    // The charts are in the page the browser built: five charts with their lines and markers.
    assert_eq!(dom.matches("<svg class=\"chart\"").count(), 5, "charts in the rendered DOM");
    assert!(dom.matches("<polyline").count() >= 5, "lines drawn");
    assert!(dom.contains("<g class=\"mark d-progress\""), "decision markers drawn");
    for event in ["override", "review", "rest"] {
        assert!(dom.contains(&format!("data-event=\"{event}\"")), "the fixture's {event} is marked");
    }
    assert!(dom.contains("data-gap-days=\"9\""), "the week away is a gap");

    let dom = run(&browser, &cohort, &["--dump-dom".into()]).expect("cohort page");
    assert!(dom.contains("<span id=\"shown\" aria-live=\"polite\">22 of 22 shown</span>"), "the cohort script ran");
    assert_eq!(dom.matches("<svg class=\"spark\"").count(), 22, "one sparkline per patient");
    // Sorting and filtering in the page, driven by the link's fragment: referrals only, the
    // longest in the programme first.
    let view = dir.join("cohort.html#sort=-days&decision=refer");
    let dom = run(&browser, &view, &["--dump-dom".into()]).expect("cohort page with a view");
    assert!(dom.contains("<span id=\"shown\" aria-live=\"polite\">4 of 22 shown</span>"), "filtered to the referrals");
    let tbody = &dom[dom.find("<tbody>").expect("table")..dom.find("</tbody>").expect("table")];
    let shown: Vec<(&str, i64)> = tbody
        .split("<tr ")
        .skip(1)
        .filter(|row| !row[..row.find('>').unwrap_or(row.len())].contains("hidden"))
        .map(|row| {
            let attr = |name: &str| row.split(&format!("{name}=\"")).nth(1).and_then(|r| r.split('"').next()).unwrap_or("");
            (attr("data-decision"), attr("data-days").parse().unwrap_or(-1))
        })
        .collect();
    assert_eq!(shown.len(), 4, "{shown:?}");
    assert!(shown.iter().all(|(d, _)| *d == "refer"), "{shown:?}");
    assert!(shown.windows(2).all(|w| w[0].1 >= w[1].1), "sorted by days, descending: {shown:?}");

    // The page leaves the paper size to the printer; print it on A4 too (Chromium's default
    // is Letter) by pinning the size in a copy.
    let a4 = dir.join("patient-a4.html");
    let html = std::fs::read_to_string(&patient).expect("patient page");
    std::fs::write(&a4, html.replacen("<style>\n", "<style>\n@page { size: A4; }\n", 1)).expect("A4 copy");
    for (page, name, pages_range) in [(&patient, "patient", 2..=8), (&a4, "patient-a4", 2..=8), (&cohort, "cohort", 21..=21 * 8)] {
        let png = dir.join(format!("{name}.png"));
        let pdf = dir.join(format!("{name}.pdf"));
        let _ = std::fs::remove_file(&png);
        let _ = std::fs::remove_file(&pdf);
        run(&browser, page, &[format!("--screenshot={}", png.display()), "--window-size=1200,2000".into()]).expect("screenshot");
        let bytes = std::fs::read(&png).expect("screenshot written");
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 20_000, "{name}.png is an image with something drawn");
        run(&browser, page, &[format!("--print-to-pdf={}", pdf.display())]).expect("print to PDF");
        let bytes = std::fs::read(&pdf).expect("PDF written");
        let count = pdf_pages(&bytes);
        let paper = if name.ends_with("a4") { "/MediaBox [0 0 594.9" } else { "/MediaBox [0 0 612 792]" };
        assert!(bytes.windows(paper.len()).any(|w| w == paper.as_bytes()), "{name}: printed on {paper}");
        assert!(pages_range.contains(&count), "{name}: {count} printed pages, expected {pages_range:?}");
        println!("{name}: {count} printed pages; screenshot {} and {}", png.display(), pdf.display());
    }
}
