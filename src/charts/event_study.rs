//! The event study of a roll-out: the effect θ(e) at each month e since
//! opening, with its 95% interval, the placebo months before opening in
//! grey, and a zero line (SPEC section 7.3).
//!
//! Responsible for the drawing. Not responsible for which estimates exist
//! or are hidden: a hidden or inestimable month is simply not drawn.

use plotters::prelude::*;

use super::frame::{self, Frame, Mark, Rect};
use super::{Area, DrawResult, Figure, Style, palette};
use crate::format::{self, Lang};

const LEFT: f64 = 70.0;
const RIGHT: f64 = 20.0;
const BOTTOM: f64 = 64.0;
const HEIGHT: u32 = 380;

/// One month since opening: `e` and `(estimate, ci_low, ci_high)`.
#[derive(Debug, Clone, PartialEq)]
pub struct EventTime {
    pub e: i32,
    pub estimate: Option<(f64, f64, f64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EventStudy {
    pub title: String,
    pub subtitle: Option<String>,
    pub lang: Lang,
    pub points: Vec<EventTime>,
    /// True for a rate (shown in points), false for a mean value.
    pub rate: bool,
    pub placebo_legend: String,
    pub effect_legend: String,
    pub x_label: String,
    pub width: u32,
}

impl EventStudy {
    fn frame(&self) -> Option<Frame> {
        let drawn: Vec<(f64, f64)> =
            self.points.iter().filter_map(|p| p.estimate.map(|(_, lo, hi)| (lo, hi))).collect();
        let lo = drawn.iter().map(|d| d.0).fold(0.0, f64::min);
        let hi = drawn.iter().map(|d| d.1).fold(0.0, f64::max);
        let (first, last) = (self.points.first()?.e, self.points.last()?.e);
        let pad = ((hi - lo) * 0.08).max(1e-6);
        let top = frame::legend_bottom(self.subtitle.as_deref(), &self.legend(), f64::from(self.width)) + 10.0;
        let rect = Rect { x0: LEFT, y0: top, x1: f64::from(self.width) - RIGHT, y1: f64::from(HEIGHT) - BOTTOM };
        Some(Frame { rect, x: (f64::from(first) - 0.6, f64::from(last) + 0.6), y: (lo - pad, hi + pad) })
    }

    fn legend(&self) -> [(Mark, String); 2] {
        [
            (Mark::Dot(palette::MUTED, true), self.placebo_legend.clone()),
            (Mark::Dot(palette::BLUE, true), self.effect_legend.clone()),
        ]
    }

    fn value_label(&self, v: f64) -> String {
        if v.abs() < 1e-12 {
            return "0".into();
        }
        if self.rate { format::points_with(self.lang, v, 1) } else { format::number(self.lang, v, 1) }
    }
}

impl Figure for EventStudy {
    fn size(&self) -> (u32, u32) {
        (self.width, HEIGHT)
    }

    fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, st: &Style) -> DrawResult<DB> {
        let width = f64::from(self.width);
        frame::title_and_legend(area, st, (&self.title, self.subtitle.as_deref()), &self.legend(), width)?;
        let Some(fr) = self.frame() else { return Ok(()) };
        let ticks = frame::ticks_between(fr.y.0, fr.y.1, 5);
        frame::y_grid(area, st, &fr, &ticks, |v| self.value_label(v))?;
        let zero = fr.y(0.0);
        frame::polyline(area, st, &[(fr.rect.x0, zero), (fr.rect.x1, zero)], palette::INK, 1.5, false)?;
        let opening = fr.x(-0.5);
        frame::polyline(area, st, &[(opening, fr.rect.y0), (opening, fr.rect.y1)], palette::MUTED, 1.0, true)?;
        for p in &self.points {
            let x = fr.x(f64::from(p.e));
            frame::text(
                area,
                st,
                &p.e.to_string(),
                (x, fr.rect.y1 + 16.0),
                frame::SMALL_SIZE,
                palette::MUTED,
                frame::CENTER,
            )?;
            let Some((theta, lo, hi)) = p.estimate else { continue };
            let colour = if p.e < 0 { palette::MUTED } else { palette::BLUE };
            frame::polyline(area, st, &[(x, fr.y(lo)), (x, fr.y(hi))], colour, 1.5, false)?;
            frame::dot(area, st, (x, fr.y(theta)), colour, true)?;
        }
        let axis_label_at = ((fr.rect.x0 + fr.rect.x1) / 2.0, fr.rect.y1 + 40.0);
        frame::text(area, st, &self.x_label, axis_label_at, frame::SMALL_SIZE, palette::MUTED, frame::CENTER)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::render;

    #[test]
    fn draws_placebo_and_effect_months() {
        let point = |e, estimate| EventTime { e, estimate };
        let chart = EventStudy {
            title: "Déploiement".into(),
            subtitle: None,
            lang: Lang::Fr,
            points: vec![
                point(-2, Some((0.001, -0.01, 0.012))),
                point(-1, None),
                point(0, Some((0.02, 0.005, 0.035))),
                point(1, Some((0.03, 0.01, 0.05))),
            ],
            rate: true,
            placebo_legend: "Mois avant l’ouverture".into(),
            effect_legend: "Effet".into(),
            x_label: "Mois depuis l’ouverture".into(),
            width: 640,
        };
        let drawn = render("event_study", &chart);
        assert_eq!(drawn, render("event_study", &chart), "the same bytes twice");
        assert!(drawn.svg.contains("Mois depuis l’ouverture") && !drawn.png.is_empty());
        // Two months after opening: a bar and a dot each, in blue (the
        // legend's swatch too); the placebo month in grey.
        let blue = format!("#{:02X}{:02X}{:02X}", palette::BLUE.0, palette::BLUE.1, palette::BLUE.2);
        assert!(drawn.svg.to_uppercase().matches(&blue).count() >= 5, "{}", drawn.svg);
    }
}
