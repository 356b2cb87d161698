//! The funnel of one cohort: a horizontal bar per step, the users who
//! reached it, and the conversion from the start and from the step before.
//!
//! Responsible for the drawing; a suppressed step is a hatched stub marked
//! `< k`. Not responsible for choosing the cohort or wording the detail
//! line (the report passes it formatted).

use plotters::prelude::*;

use super::frame::{self, Rect};
use super::{Area, DrawResult, Figure, Style, palette};
use crate::format;
use crate::format::Lang;

const TOP: f64 = 70.0;
const ROW: f64 = 62.0;
const LABEL_WIDTH: f64 = 190.0;
const COUNT_WIDTH: f64 = 96.0;

/// One step of the funnel.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelStep {
    /// The step's event, e.g. `1. signup`.
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

impl Funnel {
    fn bar_room(&self) -> f64 {
        f64::from(self.width) - LABEL_WIDTH - COUNT_WIDTH - 16.0
    }

    fn draw_step<DB: DrawingBackend>(
        &self,
        area: &Area<DB>,
        st: &Style,
        step: &FunnelStep,
        y: f64,
        max: f64,
    ) -> DrawResult<DB> {
        let label = frame::fit(st, &step.label, frame::LABEL_SIZE, LABEL_WIDTH - 24.0);
        frame::text(area, st, &label, (LABEL_WIDTH - 10.0, y), frame::LABEL_SIZE, palette::INK, frame::RIGHT)?;
        let bar = |len: f64| Rect { x0: LABEL_WIDTH, y0: y - 13.0, x1: LABEL_WIDTH + len, y1: y + 13.0 };
        match step.users {
            Some(users) => {
                let len = if max > 0.0 { self.bar_room() * users as f64 / max } else { 0.0 };
                if len > 0.0 {
                    frame::fill_rect(area, st, bar(len), palette::BLUE)?;
                }
                let count = format::count(self.lang, users);
                frame::text(
                    area,
                    st,
                    &count,
                    (LABEL_WIDTH + len + 8.0, y),
                    frame::LABEL_SIZE,
                    palette::INK,
                    frame::LEFT,
                )?;
            }
            None => {
                frame::hatch(area, st, bar(70.0))?;
                let at = (LABEL_WIDTH + 35.0, y);
                frame::text(area, st, &self.suppressed_text, at, frame::SMALL_SIZE, palette::INK, frame::CENTER)?;
            }
        }
        frame::text(area, st, &step.detail, (LABEL_WIDTH, y + 24.0), frame::SMALL_SIZE, palette::MUTED, frame::LEFT)
    }
}

impl Figure for Funnel {
    fn size(&self) -> (u32, u32) {
        (self.width, (TOP + self.steps.len().max(1) as f64 * ROW + 12.0) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, st: &Style) -> DrawResult<DB> {
        frame::title(area, st, &self.title, self.subtitle.as_deref())?;
        let max = self.steps.iter().filter_map(|s| s.users).max().unwrap_or(0) as f64;
        for (i, step) in self.steps.iter().enumerate() {
            let y = TOP + i as f64 * ROW + 20.0;
            self.draw_step(area, st, step, y, max)?;
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
            width: 640,
        }
    }

    #[test]
    fn draws_counts_and_suppressed_steps() {
        let chart = render("funnel", &sample());
        assert_eq!(chart, render("funnel", &sample()));
        assert!(chart.svg.contains("1\u{202F}234"));
        assert!(chart.svg.contains("&lt; 10"));
        assert!(chart.svg.contains("…"));
    }
}
