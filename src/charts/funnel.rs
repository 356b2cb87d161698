//! The funnel of one cohort: a horizontal bar per step, the users who
//! reached it, and the conversion from the start and from the step before.
//!
//! Responsible for the drawing: labels and details wrap to the chart's
//! width, never cut; a suppressed step is a hatched stub marked `< k`. Not
//! responsible for choosing the cohort or wording the detail line (the
//! report passes it formatted).

use plotters::prelude::*;

use super::frame::{self, Rect};
use super::{Area, DrawResult, Figure, Style, palette};
use crate::format;
use crate::format::Lang;

const LABEL_WIDTH: f64 = 170.0;
const COUNT_WIDTH: f64 = 64.0;
const BAR: f64 = 22.0;
/// Space between two steps.
const GAP: f64 = 14.0;

/// One step of the funnel.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelStep {
    /// The step's event, e.g. `1. Signed up`: wrapped, never cut.
    pub label: String,
    /// Users who reached the step; `None` when suppressed.
    pub users: Option<u64>,
    /// The grey line under the bar (conversions, already formatted).
    pub detail: String,
}

/// A funnel chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Funnel {
    pub title: String,
    pub subtitle: Option<String>,
    pub lang: Lang,
    pub steps: Vec<FunnelStep>,
    /// The mark of a suppressed count, e.g. `< 10`.
    pub suppressed_text: String,
    pub width: u32,
}

/// A step's wrapped label and detail.
struct Lines {
    label: Vec<String>,
    detail: Vec<String>,
}

impl Lines {
    fn height(&self) -> f64 {
        let label = self.label.len() as f64 * frame::LINE;
        let bar = BAR + 6.0 + self.detail.len() as f64 * frame::LINE;
        label.max(bar) + GAP
    }
}

impl Funnel {
    fn bar_room(&self) -> f64 {
        f64::from(self.width) - LABEL_WIDTH - COUNT_WIDTH - 16.0
    }

    fn top(&self) -> f64 {
        frame::header_height(self.subtitle.as_deref(), f64::from(self.width)) + 6.0
    }

    fn lines(&self, step: &FunnelStep) -> Lines {
        let detail_width = f64::from(self.width) - LABEL_WIDTH - 16.0;
        Lines {
            label: frame::wrap(&step.label, frame::SMALL_SIZE, LABEL_WIDTH - 24.0),
            detail: if step.detail.is_empty() {
                vec![]
            } else {
                frame::wrap(&step.detail, frame::SMALL_SIZE, detail_width)
            },
        }
    }

    /// Draws a step whose bar's top is at `y`.
    fn draw_step<DB: DrawingBackend>(
        &self,
        area: &Area<DB>,
        st: &Style,
        step: &FunnelStep,
        y: f64,
        max: f64,
    ) -> DrawResult<DB> {
        let lines = self.lines(step);
        for (i, line) in lines.label.iter().enumerate() {
            let at = (LABEL_WIDTH - 10.0, y + BAR / 2.0 + i as f64 * frame::LINE);
            frame::text(area, st, line, at, frame::SMALL_SIZE, palette::INK, frame::RIGHT)?;
        }
        let bar = |len: f64| Rect { x0: LABEL_WIDTH, y0: y, x1: LABEL_WIDTH + len, y1: y + BAR };
        let middle = y + BAR / 2.0;
        match step.users {
            Some(users) => {
                let len = if max > 0.0 { self.bar_room() * users as f64 / max } else { 0.0 };
                if len > 0.0 {
                    frame::fill_rect(area, st, bar(len), palette::BLUE)?;
                }
                let count = format::count(self.lang, users);
                let at = (LABEL_WIDTH + len + 8.0, middle);
                frame::text(area, st, &count, at, frame::SMALL_SIZE, palette::INK, frame::LEFT)?;
            }
            None => {
                frame::hatch(area, st, bar(70.0))?;
                let at = (LABEL_WIDTH + 35.0, middle);
                frame::text(area, st, &self.suppressed_text, at, frame::SMALL_SIZE, palette::INK, frame::CENTER)?;
            }
        }
        let detail_at = (LABEL_WIDTH, y + BAR + 6.0 + frame::LINE / 2.0);
        frame::lines(area, st, &lines.detail, detail_at, palette::MUTED)
    }
}

impl Figure for Funnel {
    fn size(&self) -> (u32, u32) {
        let body: f64 = self.steps.iter().map(|s| self.lines(s).height()).sum();
        (self.width, (self.top() + body.max(BAR + GAP)) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, st: &Style) -> DrawResult<DB> {
        frame::title(area, st, &self.title, self.subtitle.as_deref(), f64::from(self.width))?;
        let max = self.steps.iter().filter_map(|s| s.users).max().unwrap_or(0) as f64;
        let mut y = self.top();
        for step in &self.steps {
            self.draw_step(area, st, step, y, max)?;
            y += self.lines(step).height();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::render;

    fn sample() -> Funnel {
        let step = |label: &str, users, detail: &str| FunnelStep { label: label.into(), users, detail: detail.into() };
        Funnel {
            title: "Entonnoir".into(),
            subtitle: Some("cohorte sept. 2026".into()),
            lang: Lang::Fr,
            steps: vec![
                step("1. visit", Some(1234), ""),
                step("2. signup", Some(800), "64,8 % du départ · 64,8 % de l'étape précédente"),
                step("3. skill_submitted_with_a_long_name", None, ""),
                step("4. skill_validated", Some(120), "9,7 % du départ"),
            ],
            suppressed_text: "< 10".into(),
            width: 484,
        }
    }

    #[test]
    fn draws_counts_and_suppressed_steps() {
        let chart = render("funnel", &sample());
        assert_eq!(chart, render("funnel", &sample()));
        assert!(chart.svg.contains("1\u{202F}234"));
        assert!(chart.svg.contains("&lt; 10"));
        assert!(!chart.svg.contains("…"), "a label is wrapped, never cut");
        let label = "3. skill_submitted_with_a_long_name";
        let lines = frame::wrap(label, frame::SMALL_SIZE, LABEL_WIDTH - 24.0);
        assert!(lines.len() >= 2, "{lines:?}");
        assert_eq!(lines.concat(), label.replace(' ', ""), "every character drawn once");
        for line in &lines {
            assert!(chart.svg.contains(line.as_str()), "{line} missing");
        }
    }
}
