//! Monthly line charts: the portfolio's active and new users, the portfolio
//! outcome rate by cohort, and each product's monthly active users.
//!
//! Responsible for drawing lines over consecutive months with gaps where a
//! value is missing or suppressed, dashes for provisional points and
//! optional interval bands. Not responsible for picking the months or the
//! series (the report does).

use plotters::prelude::*;
use plotters::style::RGBColor;

use super::frame::{self, Frame, Mark, Rect};
use super::{Area, DrawResult, Figure, Style, palette};
use crate::format;
use crate::format::Lang;

/// One line of a [`Trend`]; every vector has one entry per month.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendSeries {
    pub label: String,
    pub colour: RGBColor,
    /// `None` draws a gap (missing or suppressed).
    pub values: Vec<Option<f64>>,
    /// Provisional points (incomplete cohorts): dashed segments, hollow dots.
    pub dashed: Vec<bool>,
    /// An interval drawn as a translucent band; empty for none.
    pub band: Vec<Option<(f64, f64)>>,
}

/// A line chart over consecutive months.
#[derive(Debug, Clone, PartialEq)]
pub struct Trend {
    pub title: String,
    pub subtitle: Option<String>,
    pub lang: Lang,
    /// The months shown, as day numbers of their 1st, oldest first.
    pub months: Vec<i32>,
    pub series: Vec<TrendSeries>,
    /// The values are rates in [0, 1], labelled in percent.
    pub rate: bool,
    /// Legend entries after the series' own (bands, dashes).
    pub extra_legend: Vec<(Mark, String)>,
    /// A grey line under the chart (what a gap means).
    pub footnote: Option<String>,
    pub width: u32,
    pub height: u32,
}

impl Trend {
    fn y_max(&self) -> f64 {
        let values = self.series.iter().flat_map(|s| s.values.iter().flatten().copied());
        let highs = self.series.iter().flat_map(|s| s.band.iter().flatten().map(|b| b.1));
        values.chain(highs).fold(0.0, f64::max)
    }

    /// The footnote's lines.
    fn note_lines(&self) -> Vec<String> {
        self.footnote
            .as_deref()
            .map(|n| frame::wrap(n, frame::SMALL_SIZE, f64::from(self.width) - 32.0))
            .unwrap_or_default()
    }

    /// The centre line of the legend's first row.
    fn frame(&self) -> Frame {
        let (w, h) = (f64::from(self.width), f64::from(self.height));
        let y0 = frame::legend_bottom(self.subtitle.as_deref(), &self.legend_items(), w) + 8.0;
        let bottom = h - 50.0 - frame::LINE * self.note_lines().len() as f64;
        let (top, _) = frame::ticks_from_zero(self.y_max(), 4, !self.rate);
        let top = if self.rate { top.min(1.0) } else { top };
        let n = self.months.len().max(1) as f64;
        Frame { rect: Rect { x0: 70.0, y0, x1: w - 20.0, y1: bottom }, x: (-0.5, n - 0.5), y: (0.0, top) }
    }

    fn y_label(&self, v: f64, step: f64) -> String {
        if self.rate {
            let decimals = if step < 0.01 { 1 } else { 0 };
            format::percent_with(self.lang, v, decimals)
        } else {
            format::number(self.lang, v, 0)
        }
    }

    fn draw_series<DB: DrawingBackend>(&self, area: &Area<DB>, st: &Style, fr: &Frame) -> DrawResult<DB> {
        for s in &self.series {
            draw_bands(area, st, fr, &s.band, s.colour)?;
        }
        for s in &self.series {
            frame::gapped_line(area, st, fr, &s.values, &s.dashed, s.colour)?;
        }
        Ok(())
    }

    fn legend_items(&self) -> Vec<(Mark, String)> {
        let own = self.series.iter().map(|s| (Mark::Line(s.colour), s.label.clone()));
        own.chain(self.extra_legend.iter().cloned()).collect()
    }
}

/// Each run of consecutive intervals as one closed band.
fn draw_bands<DB: DrawingBackend>(
    area: &Area<DB>,
    st: &Style,
    fr: &Frame,
    band: &[Option<(f64, f64)>],
    colour: RGBColor,
) -> DrawResult<DB> {
    let mut i = 0;
    while i < band.len() {
        let run: Vec<(usize, (f64, f64))> =
            band[i..].iter().enumerate().map_while(|(j, b)| b.map(|b| (i + j, b))).collect();
        if run.len() > 1 {
            let upper = run.iter().map(|&(k, (_, hi))| (fr.x(k as f64), fr.y(hi)));
            let lower = run.iter().rev().map(|&(k, (lo, _))| (fr.x(k as f64), fr.y(lo)));
            let polygon: Vec<(f64, f64)> = upper.chain(lower).collect();
            frame::band(area, st, &polygon, colour, 0.18)?;
        }
        i += run.len().max(1);
    }
    Ok(())
}

impl Figure for Trend {
    fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, st: &Style) -> DrawResult<DB> {
        let width = f64::from(self.width);
        frame::title_and_legend(area, st, (&self.title, self.subtitle.as_deref()), &self.legend_items(), width)?;
        let fr = self.frame();
        let (_, ticks) = frame::ticks_from_zero(fr.y.1, 4, !self.rate);
        let step = ticks.get(1).copied().unwrap_or(1.0);
        frame::y_grid(area, st, &fr, &ticks, |v| self.y_label(v, step))?;
        frame::baseline(area, st, &fr)?;
        frame::month_axis(area, st, &fr, &self.months, self.lang)?;
        self.draw_series(area, st, &fr)?;
        let notes = self.note_lines();
        let y = f64::from(self.height) - 12.0 - frame::LINE * (notes.len().max(1) - 1) as f64;
        frame::lines(area, st, &notes, (16.0, y), palette::MUTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::render;
    use crate::tz::{self, days_from_civil};

    fn sample() -> Trend {
        let months: Vec<i32> = (0..13).map(|i| tz::add_months(days_from_civil(2025, 10, 1), i)).collect();
        let values: Vec<Option<f64>> =
            (0..13).map(|i| if i == 4 { None } else { Some(1000.0 + 37.0 * f64::from(i)) }).collect();
        Trend {
            title: "Utilisateurs actifs".into(),
            subtitle: None,
            lang: Lang::Fr,
            months,
            series: vec![TrendSeries {
                label: "actifs".into(),
                colour: palette::BLUE,
                values,
                dashed: vec![false; 13],
                band: vec![],
            }],
            rate: false,
            extra_legend: vec![],
            footnote: Some("Trou : valeur masquée (< 10)".into()),
            width: 1000,
            height: 400,
        }
    }

    #[test]
    fn draws_a_deterministic_svg_with_a_gap() {
        let a = render("t", &sample());
        assert_eq!(a, render("t", &sample()));
        assert!(a.svg.contains("janv."));
        assert!(a.svg.contains("1\u{202F}500"));
        assert!(a.png.len() > 1000);
    }
}
