//! Inline SVG charts over the programme's days, drawn by stepwise (no script, no library):
//! the decision timeline, pain with its zones, fatigue, range of motion and weekly training
//! minutes, each with the phases as bands behind it.
//!
//! Every chart is an `<svg role="img">` with a `<title>` and a `<desc>`; every data point
//! carries its values as `data-*` attributes and a `<title>` (shown on hover and read by
//! screen readers), and the figure has a table of the same data as its text alternative.
//! Decisions are told apart by shape and by text, never by colour alone. Coordinates are
//! written with one decimal: the same inputs give the same bytes.

use super::course::{Course, PAIN_KEYS, Session};
use super::esc;
use crate::eval::Answer;
use crate::vocab::decision::Decision;

const WIDTH: f64 = 900.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 110.0;
const TOP: f64 = 22.0;
const BOTTOM: f64 = 30.0;

/// A number for SVG and data attributes: at most one decimal, no trailing `.0`.
pub fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 { format!("{}", crate::num::whole_i64(r)) } else { format!("{r:.1}") }
}

/// The shape of a decision's marker, centred on the origin, about `r` across: refer an
/// octagon (a stop sign), rest a square, regress a triangle pointing down, hold a circle,
/// progress a triangle pointing up.
pub fn decision_shape(d: Decision, r: f64) -> String {
    let n = num;
    match d {
        Decision::Refer => {
            let a = r * 0.414;
            format!(
                "<path class=\"shape\" d=\"M{} {}L{} {}L{} {}L{} {}L{} {}L{} {}L{} {}L{} {}Z\"/>",
                n(-a),
                n(-r),
                n(a),
                n(-r),
                n(r),
                n(-a),
                n(r),
                n(a),
                n(a),
                n(r),
                n(-a),
                n(r),
                n(-r),
                n(a),
                n(-r),
                n(-a)
            )
        }
        Decision::Rest => format!(
            "<rect class=\"shape\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
            n(-r * 0.85),
            n(-r * 0.85),
            n(r * 1.7),
            n(r * 1.7)
        ),
        Decision::Regress => format!("<path class=\"shape\" d=\"M{} {}L{} {}L0 {}Z\"/>", n(-r), n(-r * 0.8), n(r), n(-r * 0.8), n(r)),
        Decision::Hold => format!("<circle class=\"shape\" r=\"{}\"/>", n(r * 0.9)),
        Decision::Progress => format!("<path class=\"shape\" d=\"M0 {}L{} {}L{} {}Z\"/>", n(-r), n(r), n(r * 0.8), n(-r), n(r * 0.8)),
    }
}

/// A small inline SVG of a decision's shape, for text (headers, tables, legends).
pub fn decision_icon(d: Decision) -> String {
    format!(
        "<svg class=\"icon d-{0}\" viewBox=\"-8 -8 16 16\" width=\"16\" height=\"16\" aria-hidden=\"true\">{1}</svg>",
        d.as_str(),
        decision_shape(d, 7.0)
    )
}

/// The marker of a pain series: circle, square, diamond, triangle.
fn point_shape(series: usize, x: f64, y: f64) -> String {
    let (x, y) = (num(x), num(y));
    match series % 4 {
        0 => format!("<circle cx=\"{x}\" cy=\"{y}\" r=\"4\"/>"),
        1 => format!("<rect x=\"{x}\" y=\"{y}\" width=\"7\" height=\"7\" transform=\"translate(-3.5 -3.5)\"/>"),
        2 => format!("<path d=\"M{x} {y}m0 -5l5 5l-5 5l-5 -5z\"/>"),
        _ => format!("<path d=\"M{x} {y}m0 -5l5 8.5h-10z\"/>"),
    }
}

/// The frame shared by the charts: the x scale (days) and the plot's box.
struct Frame {
    end_day: f64,
    height: f64,
}

impl Frame {
    fn new(course: &Course, height: f64) -> Frame {
        Frame { end_day: crate::num::int_f64(course.end_day.max(1)), height }
    }

    fn x(&self, day: f64) -> f64 {
        LEFT + day.clamp(0.0, self.end_day) / self.end_day * (WIDTH - LEFT - RIGHT)
    }

    fn bottom(&self) -> f64 {
        self.height - BOTTOM
    }

    /// `v` on a scale from `lo` to `hi`, upwards.
    fn y(&self, v: f64, lo: f64, hi: f64) -> f64 {
        let span = if hi > lo { hi - lo } else { 1.0 };
        self.bottom() - (v.clamp(lo, hi) - lo) / span * (self.bottom() - TOP)
    }

    /// Opens the chart: the svg element, its title and description, phase bands, gaps and
    /// the day axis.
    fn open(&self, out: &mut String, id: &str, title: &str, desc: &str, course: &Course, answer: &Answer) {
        put!(
            out,
            "<svg class=\"chart\" id=\"{id}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" preserveAspectRatio=\"xMinYMin meet\">\
             <title id=\"{id}-t\">{t}</title><desc id=\"{id}-d\">{d}</desc>",
            w = num(WIDTH),
            h = num(self.height),
            t = esc(title),
            d = esc(desc)
        );
        // Phases as bands behind: each session's phase from the previous session's day (or
        // day 0) to its own day; after the last session, the phase of the next one.
        let mut bands: Vec<(f64, f64, String)> = Vec::new();
        let mut from = 0.0;
        for s in &course.sessions {
            if let Some(p) = &s.phase {
                push_band(&mut bands, from, crate::num::int_f64(s.day), p);
            }
            from = crate::num::int_f64(s.day);
        }
        push_band(&mut bands, from, self.end_day, &answer.phase);
        out.push_str("<g class=\"phases\">");
        for (i, (a, b, phase)) in bands.iter().enumerate() {
            let (xa, xb) = (self.x(*a), self.x(*b));
            put!(
                out,
                "<rect class=\"phase phase-{k}\" data-phase=\"{p}\" x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\"><title>phase {p}: day {a} to {b}</title></rect>\
                 <text class=\"phase-label\" x=\"{lx}\" y=\"{ly}\">{p}</text>",
                k = i % 3,
                p = esc(phase),
                x = num(xa),
                y = num(TOP),
                w = num((xb - xa).max(0.0)),
                h = num(self.bottom() - TOP),
                a = num(*a),
                b = num(*b),
                lx = num(xa + 3.0),
                ly = num(TOP - 6.0),
            );
        }
        out.push_str("</g>");
        for (a, b) in course.gaps() {
            let (xa, xb) = (self.x(crate::num::int_f64(a)), self.x(crate::num::int_f64(b)));
            put!(
                out,
                "<rect class=\"gap\" data-gap-days=\"{n}\" x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\"><title>gap in training: {n} days (day {a} to {b})</title></rect>",
                n = b - a,
                x = num(xa),
                y = num(TOP),
                w = num(xb - xa),
                h = num(self.bottom() - TOP),
            );
        }
        for s in course.sessions.iter().filter(|s| s.kind == "rest") {
            put!(
                out,
                "<line class=\"rest-day\" x1=\"{x}\" x2=\"{x}\" y1=\"{y1}\" y2=\"{y2}\"><title>{d}: rest day</title></line>",
                x = num(self.x(crate::num::int_f64(s.day))),
                y1 = num(TOP),
                y2 = num(self.bottom()),
                d = date_words(s),
            );
        }
        self.day_axis(out);
    }

    /// The day axis under the chart, a tick every week (every few weeks on a long course, at
    /// most about twelve ticks). Split out of [`Frame::open`], which draws the bands behind it.
    fn day_axis(&self, out: &mut String) {
        put!(
            out,
            "<line class=\"axis\" x1=\"{}\" x2=\"{}\" y1=\"{b}\" y2=\"{b}\"/>",
            num(LEFT),
            num(self.x(self.end_day)),
            b = num(self.bottom())
        );
        let step = ((self.end_day / 12.0 / 7.0).ceil() * 7.0).max(7.0);
        let mut d = 0.0;
        while d <= self.end_day {
            let x = num(self.x(d));
            put!(
                out,
                "<line class=\"tick\" x1=\"{x}\" x2=\"{x}\" y1=\"{}\" y2=\"{}\"/><text class=\"tick-label\" x=\"{x}\" y=\"{}\" text-anchor=\"middle\">day {}</text>",
                num(self.bottom()),
                num(self.bottom() + 4.0),
                num(self.bottom() + 16.0),
                num(d)
            );
            d += step;
        }
    }

    /// A horizontal grid line with its label on the left.
    fn grid(&self, out: &mut String, y: f64, label: &str) {
        put!(
            out,
            "<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/><text class=\"tick-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            num(LEFT),
            num(self.x(self.end_day)),
            num(LEFT - 6.0),
            num(y + 4.0),
            esc(label),
            y = num(y)
        );
    }
}

fn push_band(bands: &mut Vec<(f64, f64, String)>, from: f64, to: f64, phase: &str) {
    match bands.last_mut() {
        Some(last) if last.2 == phase => last.1 = to,
        _ => bands.push((from, to, phase.to_string())),
    }
}

fn date_words(s: &Session) -> String {
    format!("{} (day {})", s.date.map(|d| d.to_string()).unwrap_or_default(), s.day)
}

/// The decision after every session, with red flags, overrides, reviews and stopped
/// exercises in a row of events below; the next session as a hollow marker.
pub fn decisions(id: &str, course: &Course, answer: &Answer) -> String {
    let f = Frame::new(course, 150.0);
    let mut out = String::new();
    let counts = Decision::ALL
        .iter()
        .map(|d| format!("{} {}", course.sessions.iter().filter(|s| s.decision == Some(*d)).count(), d.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    f.open(
        &mut out,
        id,
        "Decision after each session",
        &format!("One marker per session on a time axis of {} days: {counts}. Events are marked below.", course.end_day),
        course,
        answer,
    );
    let (y_dec, y_evt) = (TOP + 30.0, TOP + 72.0);
    put!(
        out,
        "<text class=\"row-label\" x=\"{}\" y=\"{}\">decision</text><text class=\"row-label\" x=\"{}\" y=\"{}\">events</text>",
        num(WIDTH - RIGHT + 14.0),
        num(y_dec + 4.0),
        num(WIDTH - RIGHT + 14.0),
        num(y_evt + 4.0)
    );
    for s in &course.sessions {
        let x = num(f.x(crate::num::int_f64(s.day)));
        if let Some(d) = s.decision {
            let rules = if s.rules.is_empty() { "no rule fired".to_string() } else { s.rules.join(", ") };
            put!(
                out,
                "<g class=\"mark d-{d}\" tabindex=\"0\" data-date=\"{date}\" data-day=\"{day}\" data-decision=\"{d}\" data-rules=\"{r}\" transform=\"translate({x} {y})\">\
                 <title>{words}: {D} ({r})</title>{shape}</g>",
                d = d.as_str(),
                D = d.as_str().to_uppercase(),
                date = s.date.map(|d| d.to_string()).unwrap_or_default(),
                day = s.day,
                r = esc(&rules),
                y = num(y_dec),
                words = date_words(s),
                shape = decision_shape(d, 8.0),
            );
        }
        let events = session_events(s);
        for (i, (class, letter, words)) in events.iter().enumerate() {
            put!(
                out,
                "<g class=\"event ev-{class}\" tabindex=\"0\" data-date=\"{date}\" data-event=\"{class}\" transform=\"translate({x} {y})\"><title>{w}: {t}</title>\
                 <rect x=\"-7\" y=\"-7\" width=\"14\" height=\"14\" rx=\"3\"/><text y=\"4\" text-anchor=\"middle\">{letter}</text></g>",
                date = s.date.map(|d| d.to_string()).unwrap_or_default(),
                y = num(y_evt + 17.0 * crate::num::count_f64(i)),
                w = date_words(s),
                t = esc(words),
            );
        }
    }
    if let Some(next) = &answer.next_session {
        let day = next.date.days_since(course.start);
        put!(
            out,
            "<g class=\"mark next\" data-date=\"{}\" data-day=\"{day}\" transform=\"translate({} {})\"><title>next session: {} (day {day}), {}</title><circle r=\"7\"/></g>",
            next.date,
            num(f.x(crate::num::int_f64(day))),
            num(y_dec),
            next.date,
            esc(next.kind)
        );
    }
    out.push_str("</svg>");
    out
}

/// The events of a session drawn under its decision: (CSS class, letter, words for the tooltip).
fn session_events(s: &Session) -> Vec<(&'static str, &'static str, String)> {
    let mut events: Vec<(&'static str, &'static str, String)> = Vec::new();
    if !s.symptoms.is_empty() {
        events.push(("flag", "!", format!("red flag: {}", s.symptoms.join(", ").replace('_', " "))));
    }
    if let Some((phase, note)) = &s.override_ {
        events.push((
            "override",
            "O",
            format!("clinician override: phase {phase}{}", note.as_ref().map(|n| format!(" ({n})")).unwrap_or_default()),
        ));
    }
    if let Some((by, _, cleared)) = &s.review {
        let by = by.as_ref().map(|b| format!(" by {b}")).unwrap_or_default();
        events.push(("review", "V", format!("clinician review{by}{}", if *cleared { ", referral cleared" } else { "" })));
    }
    if s.kind == "rest" {
        events.push(("rest", "R", "rest day".to_string()));
    }
    if s.stopped {
        events.push(("stopped", "S", "an exercise was stopped early".to_string()));
    }
    events
}

/// One line series of a chart: a name, and `(day, value, date)` points.
pub struct Series {
    pub key: String,
    pub label: String,
    pub points: Vec<(i64, f64, String)>,
}

/// A line chart of series over the days, on a scale from `lo` to `hi`; `zones` shades bands
/// `(from, to, class, label)` behind the lines.
#[allow(clippy::too_many_arguments)]
pub fn lines(
    id: &str,
    title: &str,
    unit: &str,
    series: &[Series],
    (lo, hi): (f64, f64),
    zones: &[(f64, f64, &str, String)],
    course: &Course,
    answer: &Answer,
) -> String {
    let f = Frame::new(course, 240.0);
    let mut out = String::new();
    let n: usize = series.iter().map(|s| s.points.len()).sum();
    let desc = format!(
        "{} over {} days, {} points: {}.",
        title,
        course.end_day,
        n,
        series.iter().map(|s| format!("{} ({} values)", s.label, s.points.len())).collect::<Vec<_>>().join(", ")
    );
    f.open(&mut out, id, title, &desc, course, answer);
    for (a, b, class, label) in zones {
        let (ya, yb) = (f.y(*a, lo, hi), f.y(*b, lo, hi));
        put!(
            out,
            "<rect class=\"zone {class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/><text class=\"zone-label\" x=\"{}\" y=\"{}\">{}</text>",
            num(LEFT),
            num(yb),
            num(f.x(f.end_day) - LEFT),
            num(ya - yb),
            num(WIDTH - RIGHT + 8.0),
            num(f64::midpoint(ya, yb) + 4.0),
            esc(label)
        );
    }
    let ticks = 5;
    for i in 0..=ticks {
        let v = lo + (hi - lo) * f64::from(i) / f64::from(ticks);
        f.grid(&mut out, f.y(v, lo, hi), &num(v));
    }
    for (i, s) in series.iter().enumerate() {
        let path: Vec<String> =
            s.points.iter().map(|(d, v, _)| format!("{},{}", num(f.x(crate::num::int_f64(*d))), num(f.y(*v, lo, hi)))).collect();
        put!(out, "<g class=\"series s{}\" data-series=\"{}\">", i % 6, esc(&s.key));
        if path.len() > 1 {
            put!(out, "<polyline points=\"{}\"/>", path.join(" "));
        }
        for (day, v, date) in &s.points {
            put!(
                out,
                "<g class=\"pt\" data-series=\"{k}\" data-date=\"{date}\" data-day=\"{day}\" data-value=\"{v}\"><title>{date} (day {day}): {l} {v}{unit}</title>{shape}</g>",
                k = esc(&s.key),
                date = esc(date),
                l = esc(&s.label),
                v = num(*v),
                shape = point_shape(i, f.x(crate::num::int_f64(*day)), f.y(*v, lo, hi)),
            );
        }
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

/// Weekly training minutes as bars, one per week of the programme.
pub fn weekly(id: &str, course: &Course, answer: &Answer) -> String {
    let f = Frame::new(course, 200.0);
    let mut out = String::new();
    let max = course.weekly_minutes.iter().copied().fold(0.0, f64::max);
    let hi = if max <= 0.0 { 60.0 } else { (max / 30.0).ceil() * 30.0 };
    let desc = format!(
        "Training minutes (all timed exercise but mobility) in each of {} weeks: {}.",
        course.weekly_minutes.len(),
        course.trained_weeks().map(|(w, m)| format!("week {} {} min", w + 1, num(*m))).collect::<Vec<_>>().join(", ")
    );
    f.open(&mut out, id, "Weekly training minutes", &desc, course, answer);
    for i in 0..=4 {
        let v = hi * f64::from(i) / 4.0;
        f.grid(&mut out, f.y(v, 0.0, hi), &num(v));
    }
    for (w, m) in course.trained_weeks() {
        let (a, b) = (crate::num::count_f64(w * 7), crate::num::count_f64((w + 1) * 7));
        let (xa, xb) = (f.x(a), f.x(b.min(f.end_day)));
        let y = f.y(*m, 0.0, hi);
        put!(
            out,
            "<rect class=\"bar\" data-week=\"{wk}\" data-minutes=\"{v}\" x=\"{x}\" y=\"{y}\" width=\"{wd}\" height=\"{h}\"><title>week {wk} (days {a}-{b}): {v} min</title></rect>",
            wk = w + 1,
            v = num(*m),
            x = num(xa + 1.5),
            y = num(y),
            wd = num((xb - xa - 3.0).max(1.0)),
            h = num(f.bottom() - y),
            a = w * 7,
            b = w * 7 + 6,
        );
    }
    out.push_str("</svg>");
    out
}

/// The pain series of a course, one per rating that has any value.
pub fn pain_series(course: &Course) -> Vec<Series> {
    PAIN_KEYS
        .iter()
        .enumerate()
        .map(|(i, (key, label))| Series {
            key: (*key).to_string(),
            label: format!("pain {label}"),
            points: course
                .sessions
                .iter()
                .filter_map(|s| s.pain.get(i).copied().flatten().map(|v| (s.day, v, s.date.map(|d| d.to_string()).unwrap_or_default())))
                .collect(),
        })
        .collect()
}

/// A small line of the worst pain of each session, for the cohort table (0-10 upwards).
pub fn sparkline(course: &Course) -> String {
    let pts: Vec<(i64, f64)> = course.sessions.iter().filter_map(|s| s.worst_pain().map(|p| (s.day, p))).collect();
    let (w, h) = (120.0, 28.0);
    let end = crate::num::int_f64(course.end_day.max(1));
    let xy = |d: i64, p: f64| (2.0 + crate::num::int_f64(d) / end * (w - 4.0), h - 2.0 - p.clamp(0.0, 10.0) / 10.0 * (h - 4.0));
    let values = pts.iter().map(|(_, p)| num(*p)).collect::<Vec<_>>().join(" ");
    let mut out = format!(
        "<svg class=\"spark\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"worst pain per session: {}\" data-values=\"{values}\">",
        if values.is_empty() { "none recorded".to_string() } else { values.clone() }
    );
    let (_, stop_y) = xy(0, course.stop_min - 0.5);
    put!(out, "<rect class=\"zone stop\" x=\"0\" y=\"0\" width=\"{w}\" height=\"{}\"/>", num(stop_y));
    let path: Vec<String> = pts
        .iter()
        .map(|(d, p)| {
            let (x, y) = xy(*d, *p);
            format!("{},{}", num(x), num(y))
        })
        .collect();
    if path.len() > 1 {
        put!(out, "<polyline points=\"{}\"/>", path.join(" "));
    }
    if let Some((d, p)) = pts.last() {
        let (x, y) = xy(*d, *p);
        put!(out, "<circle cx=\"{}\" cy=\"{}\" r=\"2.5\"/>", num(x), num(y));
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::{decision_shape, num};
    use crate::vocab::decision::Decision;

    #[test]
    fn numbers_have_at_most_one_decimal_and_no_negative_zero() {
        for (v, s) in [(16.5, "16.5"), (3.0, "3"), (0.04, "0"), (-0.04, "0"), (153.64, "153.6"), (-2.25, "-2.3"), (1e9, "1000000000")] {
            assert_eq!(num(v), s, "{v}");
        }
    }

    #[test]
    fn every_decision_has_its_own_shape() {
        let shapes: std::collections::BTreeSet<String> = Decision::ALL.iter().map(|d| decision_shape(*d, 8.0)).collect();
        assert_eq!(shapes.len(), Decision::ALL.len());
    }
}
