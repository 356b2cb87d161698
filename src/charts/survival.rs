//! Kaplan–Meier curves by arm: the share of users still without the
//! outcome against days since the index date, as steps, each with its 95%
//! log-log interval as a translucent band.
//!
//! Responsible for the drawing. Not responsible for dropping suppressed
//! rows: the report passes only the published steps of each arm (a curve
//! stops where its risk set falls below `k`).

use plotters::prelude::*;
use plotters::style::RGBColor;

use super::frame::{self, Frame, Mark, Rect};
use super::{Area, DrawResult, Figure, Style, palette};
use crate::format;
use crate::format::Lang;

/// One published step of a curve: at `day`, `S` and its interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    pub day: i32,
    pub survival: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// One arm's curve.
#[derive(Debug, Clone, PartialEq)]
pub struct Arm {
    pub label: String,
    pub colour: RGBColor,
    /// Published steps in day order; the curve starts at `S(0) = 1`.
    pub steps: Vec<Step>,
}

/// Survival curves with bands.
#[derive(Debug, Clone, PartialEq)]
pub struct Survival {
    pub title: String,
    pub subtitle: Option<String>,
    pub lang: Lang,
    pub arms: Vec<Arm>,
    pub x_label: String,
    pub band_legend: String,
    pub width: u32,
    pub height: u32,
}

/// The corners of a step function through `(day, value)` from `(0, start)`.
fn step_path(steps: &[Step], value: impl Fn(&Step) -> f64) -> Vec<(f64, f64)> {
    let mut path = vec![(0.0, 1.0)];
    let mut last = 1.0;
    for s in steps {
        let x = f64::from(s.day);
        path.push((x, last));
        last = value(s);
        path.push((x, last));
    }
    path
}

impl Survival {
    fn legend_items(&self) -> Vec<(Mark, String)> {
        let mut legend: Vec<(Mark, String)> =
            self.arms.iter().map(|a| (Mark::Line(a.colour), a.label.clone())).collect();
        legend.push((Mark::Band(palette::MUTED), self.band_legend.clone()));
        legend
    }

    fn axis_lines(&self) -> Vec<String> {
        frame::wrap(&self.x_label, frame::SMALL_SIZE, f64::from(self.width) - 90.0)
    }

    fn frame(&self) -> Frame {
        let (w, h) = (f64::from(self.width), f64::from(self.height));
        let max_day = self.arms.iter().flat_map(|a| a.steps.last()).map(|s| s.day).max().unwrap_or(1);
        let (right, _) = frame::ticks_from_zero(f64::from(max_day.max(1)), 4, true);
        let y0 = frame::legend_bottom(self.subtitle.as_deref(), &self.legend_items(), w) + 6.0;
        let below = 30.0 + frame::LINE * self.axis_lines().len() as f64;
        Frame { rect: Rect { x0: 62.0, y0, x1: w - 20.0, y1: h - below }, x: (0.0, right), y: (0.0, 1.0) }
    }

    fn draw_arm<DB: DrawingBackend>(&self, area: &Area<DB>, st: &Style, fr: &Frame, arm: &Arm) -> DrawResult<DB> {
        let to_px =
            |pts: Vec<(f64, f64)>| -> Vec<(f64, f64)> { pts.into_iter().map(|(x, y)| (fr.x(x), fr.y(y))).collect() };
        let mut polygon = to_px(step_path(&arm.steps, |s| s.ci_high));
        polygon.extend(to_px(step_path(&arm.steps, |s| s.ci_low)).into_iter().rev());
        frame::band(area, st, &polygon, arm.colour, 0.16)?;
        frame::polyline(area, st, &to_px(step_path(&arm.steps, |s| s.survival)), arm.colour, 2.5, false)
    }
}

impl Figure for Survival {
    fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, st: &Style) -> DrawResult<DB> {
        let width = f64::from(self.width);
        frame::title_and_legend(area, st, (&self.title, self.subtitle.as_deref()), &self.legend_items(), width)?;
        let fr = self.frame();
        let y_ticks = [0.0, 0.25, 0.5, 0.75, 1.0];
        frame::y_grid(area, st, &fr, &y_ticks, |v| format::percent_with(self.lang, v, 0))?;
        let (_, x_ticks) = frame::ticks_from_zero(fr.x.1, 4, true);
        frame::x_grid(area, st, &fr, &x_ticks, |v| format::number(self.lang, v, 0))?;
        frame::baseline(area, st, &fr)?;
        let axis = self.axis_lines();
        frame::lines(area, st, &axis, (fr.rect.x0, fr.rect.y1 + 36.0), palette::MUTED)?;
        for arm in &self.arms {
            self.draw_arm(area, st, &fr, arm)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::render;

    fn curve(hazard: f64) -> Vec<Step> {
        let mut s = 1.0;
        (1..=18)
            .map(|i| {
                s *= 1.0 - hazard;
                let w = 0.02 + 0.004 * f64::from(i);
                Step { day: i * 10, survival: s, ci_low: (s - w).max(0.0), ci_high: (s + w).min(1.0) }
            })
            .collect()
    }

    fn sample() -> Survival {
        Survival {
            title: "Délai jusqu'à l'emploi".into(),
            subtitle: Some("part encore sans emploi".into()),
            lang: Lang::Fr,
            arms: vec![
                Arm { label: "Traitement (n = 812)".into(), colour: palette::BLUE, steps: curve(0.05) },
                Arm { label: "Témoin (n = 790)".into(), colour: palette::ORANGE, steps: curve(0.035) },
            ],
            x_label: "jours depuis l'affectation".into(),
            band_legend: "IC 95 %".into(),
            width: 640,
            height: 420,
        }
    }

    #[test]
    fn steps_start_at_one() {
        let path = step_path(&curve(0.1)[..2], |s| s.survival);
        assert_eq!(path[0], (0.0, 1.0));
        assert_eq!(path[1], (10.0, 1.0));
        assert!((path[2].1 - 0.9).abs() < 1e-12);
        assert_eq!(path.len(), 5);
    }

    #[test]
    fn draws_deterministically() {
        let chart = render("km", &sample());
        assert_eq!(chart, render("km", &sample()));
        assert!(chart.svg.contains("Témoin"));
        assert!(chart.svg.contains("<polygon"));
    }
}
