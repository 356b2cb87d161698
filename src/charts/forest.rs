//! The forest plot of randomized rate uplifts: one row per impact row, its
//! difference in percentage points with the fixed 95% interval drawn thin
//! over the always-valid 95% interval drawn as a thick pale band, and a
//! zero line.
//!
//! Responsible for the drawing, with primary endpoints and exploratory rows
//! told apart by shape and colour and grouped under headings. Not
//! responsible for ordering or splitting rows across charts (the report
//! does, and passes one shared x range so every part reads the same).

use plotters::prelude::*;

use super::frame::{self, Frame, Mark, Rect};
use super::{Area, DrawResult, Figure, Style, palette};
use crate::format;
use crate::format::Lang;

const ROW: f64 = 27.0;
const HEADING: f64 = 30.0;
const AXIS: f64 = 58.0;
const LABEL_WIDTH: f64 = 420.0;
const VALUE_WIDTH: f64 = 200.0;
/// Half the height of the always-valid band.
const SEQ_HALF: f64 = 7.0;

/// A row's top and height, in chart units.
type Span = (f64, f64);

/// One uplift: `estimate` is `(difference, ci_low, ci_high)` as fractions
/// (0.032 = 3.2 points), `None` when suppressed or not estimable;
/// `sequential` the always-valid `(seq_ci_low, seq_ci_high)`.
#[derive(Debug, Clone, PartialEq)]
pub struct ForestRow {
    pub label: String,
    pub primary: bool,
    pub estimate: Option<(f64, f64, f64)>,
    pub sequential: Option<(f64, f64)>,
    /// The figure written right of the plot (`+3,2 pt [0,5 ; 5,9]`, `< 10`).
    pub value_text: String,
}

/// A forest plot; rows are drawn in the order given.
#[derive(Debug, Clone, PartialEq)]
pub struct Forest {
    pub title: String,
    pub subtitle: Option<String>,
    pub lang: Lang,
    pub rows: Vec<ForestRow>,
    /// The x range shown, as fractions; must contain 0.
    pub range: (f64, f64),
    pub primary_heading: String,
    pub exploratory_heading: String,
    /// Legend words of the two intervals.
    pub fixed_legend: String,
    pub sequential_legend: String,
    pub x_label: String,
    pub width: u32,
}

impl Forest {
    fn legend_items(&self) -> [(Mark, String); 4] {
        [
            (Mark::Diamond(palette::BLUE), self.primary_heading.clone()),
            (Mark::Dot(palette::VERMILLION, true), self.exploratory_heading.clone()),
            (Mark::Line(palette::MUTED), self.fixed_legend.clone()),
            (Mark::Band(palette::MUTED), self.sequential_legend.clone()),
        ]
    }

    /// The top of the plot, under the title and the legend.
    fn top(&self) -> f64 {
        frame::legend_bottom(self.subtitle.as_deref(), &self.legend_items(), f64::from(self.width)) + 6.0
    }

    /// A row's label, wrapped (never cut) to the label column.
    fn label_lines(row: &ForestRow) -> Vec<String> {
        frame::wrap(&row.label, frame::SMALL_SIZE, LABEL_WIDTH - 30.0)
    }

    fn row_height(row: &ForestRow) -> f64 {
        ROW + frame::LINE * (Self::label_lines(row).len().max(1) - 1) as f64
    }

    /// Vertical positions: each row's top and height, and each group
    /// heading's centre (and whether it heads the primary endpoints).
    fn layout(&self) -> (Vec<Span>, Vec<(f64, bool)>) {
        let mut y = self.top();
        let mut rows = Vec::with_capacity(self.rows.len());
        let mut headings = Vec::new();
        for (i, row) in self.rows.iter().enumerate() {
            if i == 0 || row.primary != self.rows[i - 1].primary {
                headings.push((y + HEADING / 2.0, row.primary));
                y += HEADING;
            }
            let h = Self::row_height(row);
            rows.push((y, h));
            y += h;
        }
        (rows, headings)
    }

    fn frame(&self, bottom: f64) -> Frame {
        let right = f64::from(self.width) - VALUE_WIDTH;
        Frame { rect: Rect { x0: LABEL_WIDTH, y0: self.top(), x1: right, y1: bottom }, x: self.range, y: (0.0, 1.0) }
    }

    fn draw_row<DB: DrawingBackend>(
        &self,
        area: &Area<DB>,
        st: &Style,
        fr: &Frame,
        row: &ForestRow,
        (top, height): (f64, f64),
    ) -> DrawResult<DB> {
        let ink = if row.estimate.is_some() { palette::INK } else { palette::MUTED };
        let lines = Self::label_lines(row);
        let y = top + height / 2.0;
        let first = y - frame::LINE * (lines.len().max(1) - 1) as f64 / 2.0;
        for (i, line) in lines.iter().enumerate() {
            frame::text(area, st, line, (16.0, first + i as f64 * frame::LINE), frame::SMALL_SIZE, ink, frame::LEFT)?;
        }
        let value_x = fr.rect.x1 + 14.0;
        frame::text(area, st, &row.value_text, (value_x, y), frame::SMALL_SIZE, ink, frame::LEFT)?;
        let Some((diff, lo, hi)) = row.estimate else { return Ok(()) };
        let colour = if row.primary { palette::BLUE } else { palette::VERMILLION };
        if let Some((s_lo, s_hi)) = row.sequential {
            let (x0, x1) = (fr.x(s_lo), fr.x(s_hi));
            let corners = [(x0, y - SEQ_HALF), (x1, y - SEQ_HALF), (x1, y + SEQ_HALF), (x0, y + SEQ_HALF)];
            frame::band(area, st, &corners, colour, 0.25)?;
        }
        frame::polyline(area, st, &[(fr.x(lo), y), (fr.x(hi), y)], colour, 1.5, false)?;
        for end in [lo, hi] {
            frame::polyline(area, st, &[(fr.x(end), y - 4.0), (fr.x(end), y + 4.0)], colour, 1.5, false)?;
        }
        marker(area, st, (fr.x(diff), y), row.primary)
    }
}

/// A filled diamond for a primary endpoint, a hollow circle otherwise.
fn marker<DB: DrawingBackend>(area: &Area<DB>, st: &Style, at: (f64, f64), primary: bool) -> DrawResult<DB> {
    if primary {
        frame::diamond(area, st, at, palette::BLUE)
    } else {
        frame::dot(area, st, at, palette::VERMILLION, true)
    }
}

impl Figure for Forest {
    fn size(&self) -> (u32, u32) {
        let (rows, _) = self.layout();
        let bottom = rows.last().map_or(self.top(), |(y, h)| y + h);
        (self.width, (bottom + AXIS) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, st: &Style) -> DrawResult<DB> {
        let width = f64::from(self.width);
        frame::title_and_legend(area, st, (&self.title, self.subtitle.as_deref()), &self.legend_items(), width)?;
        let (rows, headings) = self.layout();
        let bottom = f64::from(self.size().1) - AXIS;
        let fr = self.frame(bottom);
        for (i, &(y, h)) in rows.iter().enumerate() {
            if i % 2 == 1 {
                let r = Rect { x0: 10.0, y0: y, x1: f64::from(self.width) - 10.0, y1: y + h };
                frame::fill_rect(area, st, r, palette::LIGHT)?;
            }
        }
        let ticks = frame::ticks_between(self.range.0, self.range.1, 6);
        frame::x_grid(area, st, &fr, &ticks, |v| tick_label(self.lang, v))?;
        frame::polyline(area, st, &[(fr.x(0.0), fr.rect.y0), (fr.x(0.0), bottom)], palette::INK, 1.5, false)?;
        frame::baseline(area, st, &fr)?;
        let axis_label_at = ((fr.rect.x0 + fr.rect.x1) / 2.0, bottom + 38.0);
        frame::text(area, st, &self.x_label, axis_label_at, frame::SMALL_SIZE, palette::MUTED, frame::CENTER)?;
        for &(y, primary) in &headings {
            let heading = if primary { &self.primary_heading } else { &self.exploratory_heading };
            frame::text(area, st, heading, (16.0, y), frame::LABEL_SIZE, palette::INK, frame::LEFT)?;
        }
        for (row, &place) in self.rows.iter().zip(&rows) {
            self.draw_row(area, st, &fr, row, place)?;
        }
        Ok(())
    }
}

fn tick_label(lang: Lang, v: f64) -> String {
    let whole = (v * 100.0 - (v * 100.0).round()).abs() < 1e-9;
    if v.abs() < 1e-12 { "0".to_string() } else { format::points_with(lang, v, if whole { 0 } else { 1 }) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::render;

    fn sample() -> Forest {
        let row = |label: &str, primary, estimate: Option<(f64, f64, f64)>| ForestRow {
            label: label.into(),
            primary,
            estimate,
            sequential: estimate.map(|(d, lo, hi)| (d - 1.5 * (d - lo), d + 1.5 * (hi - d))),
            value_text: "+3,2 pt [0,5 ; 5,9]".into(),
        };
        Forest {
            title: "Effets mesurés".into(),
            subtitle: Some("IC 95 %".into()),
            lang: Lang::Fr,
            rows: vec![
                row("Produit A <&> · emploi · 90 j", true, Some((0.032, 0.005, 0.059))),
                row("Produit B · emploi · 30 j", false, Some((-0.01, -0.04, 0.02))),
                row("Produit C avec un nom vraiment très long qui déborde · emploi · 30 j", false, None),
            ],
            range: (-0.05, 0.07),
            primary_heading: "Critères principaux".into(),
            exploratory_heading: "Exploratoires".into(),
            fixed_legend: "IC 95 % fixe".into(),
            sequential_legend: "IC 95 % toujours valide".into(),
            x_label: "Différence (points)".into(),
            width: 1000,
        }
    }

    #[test]
    fn draws_every_row_and_a_zero_line() {
        let chart = render("forest", &sample());
        assert_eq!(chart, render("forest", &sample()));
        assert!(chart.svg.contains("Produit A &lt;&amp;&gt;"));
        assert!(!chart.svg.contains("…"), "a long label wraps, never cut");
        assert!(chart.svg.contains("déborde"), "its end is drawn");
        assert!(chart.svg.contains("+4\u{A0}pt"));
        assert!(chart.svg.contains("IC 95 % toujours valide"), "the legend names both intervals");
        // Two bands: the rows with an estimate; the third row has none.
        assert_eq!(chart.svg.matches("opacity=\"0.25\"").count(), 2 + 1, "two bands and the legend's swatch");
    }
}
