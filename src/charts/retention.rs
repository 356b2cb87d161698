//! The cohort retention heatmap: one row per cohort, one column per month
//! since arrival, each cell coloured on a colour-blind-safe sequential scale
//! with its rate written in it.
//!
//! Responsible for the drawing: left-truncated cohorts in greys, suppressed
//! cells hatched and marked `< k`, the colour bar. Not responsible for
//! choosing the cohorts or formatting the row labels (the report does).

use plotters::prelude::*;
use plotters::style::RGBColor;

use super::frame::{self, Mark, Rect};
use super::{Area, DrawResult, Figure, Style, palette};
use crate::format;
use crate::format::Lang;

const LABEL_WIDTH: f64 = 190.0;
const BAR_WIDTH: f64 = 96.0;
const ROW: f64 = 30.0;
const TOP: f64 = 104.0;
const MAX_CELL: f64 = 80.0;

/// ColorBrewer YlGnBu (9 classes), a sequential scale that stays readable
/// with the common colour-vision deficiencies and in greyscale print.
const SCALE: [(u8, u8, u8); 9] = [
    (255, 255, 217),
    (237, 248, 177),
    (199, 233, 180),
    (127, 205, 187),
    (65, 182, 196),
    (29, 145, 192),
    (34, 94, 168),
    (37, 52, 148),
    (8, 29, 88),
];

/// One cell of the heatmap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HeatCell {
    /// No such cohort-month yet (after the reporting month): left blank.
    Empty,
    Value(f64),
    /// Hidden by disclosure control: hatched and marked `< k`.
    Suppressed,
}

/// One cohort: its label and its cells for `months_since = 0, 1, 2 …`.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatRow {
    pub label: String,
    /// Left-truncated cohort: drawn in greys.
    pub truncated: bool,
    pub cells: Vec<HeatCell>,
}

/// A cohort × months-since heatmap of rates in [0, 1].
#[derive(Debug, Clone, PartialEq)]
pub struct Heatmap {
    pub title: String,
    pub subtitle: Option<String>,
    pub lang: Lang,
    pub rows: Vec<HeatRow>,
    /// Column header, e.g. "months since arrival".
    pub x_label: String,
    /// The mark of a suppressed cell, e.g. `< 10`.
    pub suppressed_text: String,
    /// Legend entries: suppressed, left-truncated.
    pub suppressed_legend: String,
    pub truncated_legend: String,
    pub width: u32,
}

impl Heatmap {
    fn columns(&self) -> usize {
        self.rows.iter().map(|r| r.cells.len()).max().unwrap_or(0).max(1)
    }

    fn cell_width(&self) -> f64 {
        let room = f64::from(self.width) - LABEL_WIDTH - BAR_WIDTH - 16.0;
        (room / self.columns() as f64).min(MAX_CELL)
    }

    /// The top of the colour scale: the largest rate after month 0, rounded
    /// up to 10 %, so that the months that matter use the whole scale.
    fn scale_max(&self) -> f64 {
        let later = self.rows.iter().flat_map(|r| r.cells.iter().skip(1));
        let max = later.filter_map(|c| if let HeatCell::Value(v) = c { Some(*v) } else { None }).fold(0.0, f64::max);
        ((max * 10.0).ceil() / 10.0).clamp(0.1, 1.0)
    }

    fn cell_rect(&self, row: usize, col: usize) -> Rect {
        let w = self.cell_width();
        let x0 = LABEL_WIDTH + col as f64 * w;
        let y0 = TOP + row as f64 * ROW;
        Rect { x0: x0 + 1.0, y0: y0 + 1.0, x1: x0 + w - 1.0, y1: y0 + ROW - 1.0 }
    }

    fn draw_cell<DB: DrawingBackend>(
        &self,
        area: &Area<DB>,
        st: &Style,
        r: Rect,
        cell: HeatCell,
        truncated: bool,
        font: f64,
    ) -> DrawResult<DB> {
        let centre = ((r.x0 + r.x1) / 2.0, (r.y0 + r.y1) / 2.0);
        match cell {
            HeatCell::Empty => Ok(()),
            HeatCell::Suppressed => {
                frame::hatch(area, st, r)?;
                frame::text(area, st, &self.suppressed_text, centre, font, palette::INK, frame::CENTER)
            }
            HeatCell::Value(v) => {
                let t = (v / self.scale_max()).clamp(0.0, 1.0);
                let (fill, ink) = if truncated { grey(t) } else { colour(t) };
                frame::fill_rect(area, st, r, fill)?;
                let label = format::percent(self.lang, v);
                frame::text(area, st, &label, centre, font, ink, frame::CENTER)
            }
        }
    }

    fn draw_colour_bar<DB: DrawingBackend>(&self, area: &Area<DB>, st: &Style) -> DrawResult<DB> {
        let x0 = f64::from(self.width) - BAR_WIDTH + 14.0;
        let height = (self.rows.len().max(3) as f64 * ROW).min(240.0);
        let steps = 48;
        for i in 0..steps {
            let t = 1.0 - i as f64 / steps as f64;
            let y0 = TOP + height * i as f64 / steps as f64;
            let r = Rect { x0, y0, x1: x0 + 16.0, y1: y0 + height / steps as f64 + 0.5 };
            frame::fill_rect(area, st, r, colour(t).0)?;
        }
        let max = self.scale_max();
        for t in [0.0, 0.5, 1.0] {
            let y = TOP + height * (1.0 - t);
            let label = format::percent_with(self.lang, max * t, 0);
            let label = if t == 1.0 && max < 1.0 { format!("≥ {label}") } else { label };
            frame::text(area, st, &label, (x0 + 22.0, y), frame::SMALL_SIZE, palette::INK, frame::LEFT)?;
        }
        Ok(())
    }

    fn draw_header<DB: DrawingBackend>(&self, area: &Area<DB>, st: &Style) -> DrawResult<DB> {
        let w = self.cell_width();
        let header_y = TOP - 14.0;
        for col in 0..self.columns() {
            let x = LABEL_WIDTH + (col as f64 + 0.5) * w;
            let label = col.to_string();
            frame::text(area, st, &label, (x, header_y), frame::SMALL_SIZE, palette::MUTED, frame::CENTER)?;
        }
        let right = LABEL_WIDTH + self.columns() as f64 * w;
        frame::text(area, st, &self.x_label, (right, TOP - 36.0), frame::SMALL_SIZE, palette::MUTED, frame::RIGHT)
    }
}

/// A YlGnBu colour for `t` in [0, 1] and the ink that reads on it.
fn colour(t: f64) -> (RGBColor, RGBColor) {
    let pos = t.clamp(0.0, 1.0) * (SCALE.len() - 1) as f64;
    let i = (pos.floor() as usize).min(SCALE.len() - 2);
    let f = pos - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * f).round() as u8;
    let (a, b) = (SCALE[i], SCALE[i + 1]);
    let fill = RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2));
    let ink = if t > 0.55 { palette::WHITE } else { palette::INK };
    (fill, ink)
}

/// A grey for `t` (left-truncated cohorts) and the ink that reads on it.
fn grey(t: f64) -> (RGBColor, RGBColor) {
    let level = (236.0 - 110.0 * t.clamp(0.0, 1.0)).round() as u8;
    let ink = if t > 0.7 { palette::WHITE } else { RGBColor(68, 68, 68) };
    (RGBColor(level, level, level), ink)
}

impl Figure for Heatmap {
    fn size(&self) -> (u32, u32) {
        let body = self.rows.len().max(1) as f64 * ROW;
        (self.width, (TOP + body.max(150.0) + 56.0) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, st: &Style) -> DrawResult<DB> {
        frame::title(area, st, &self.title, self.subtitle.as_deref())?;
        self.draw_header(area, st)?;
        let sample = format::percent(self.lang, 1.0);
        let font = (12.5f64).min(12.5 * (self.cell_width() - 6.0) / st.text_width(&sample, 12.5).max(1.0));
        for (i, row) in self.rows.iter().enumerate() {
            let y = TOP + (i as f64 + 0.5) * ROW;
            let ink = if row.truncated { palette::MUTED } else { palette::INK };
            frame::text(area, st, &row.label, (LABEL_WIDTH - 10.0, y), frame::SMALL_SIZE, ink, frame::RIGHT)?;
            for (j, cell) in row.cells.iter().enumerate() {
                self.draw_cell(area, st, self.cell_rect(i, j), *cell, row.truncated, font)?;
            }
        }
        self.draw_colour_bar(area, st)?;
        let legend_y = f64::from(self.size().1) - 24.0;
        let legend =
            [(Mark::Hatch, self.suppressed_legend.clone()), (Mark::Square(grey(0.4).0), self.truncated_legend.clone())];
        frame::legend(area, st, (16.0, legend_y), &legend)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::render;

    fn sample() -> Heatmap {
        let rows = (0..13)
            .map(|i| {
                let cells = (0..13 - i)
                    .map(|k| match (i, k) {
                        (_, 0) => HeatCell::Value(1.0),
                        (5, 3) | (12, _) => HeatCell::Suppressed,
                        _ => HeatCell::Value(0.42 / (1.0 + k as f64 * 0.3)),
                    })
                    .collect();
                HeatRow { label: format!("cohorte {i} · n = 1\u{202F}234"), truncated: i == 0, cells }
            })
            .collect();
        Heatmap {
            title: "Rétention par cohorte".into(),
            subtitle: Some("part des utilisateurs revenus".into()),
            lang: Lang::Fr,
            rows,
            x_label: "mois depuis l'arrivée".into(),
            suppressed_text: "< 10".into(),
            suppressed_legend: "masqué (< 10)".into(),
            truncated_legend: "cohorte tronquée à gauche".into(),
            width: 1000,
        }
    }

    #[test]
    fn writes_rates_and_suppressed_marks() {
        let chart = render("heat", &sample());
        assert_eq!(chart, render("heat", &sample()));
        assert!(chart.svg.contains("100,0\u{202F}%"));
        assert!(chart.svg.contains("&lt; 10"));
    }

    #[test]
    fn scale_ends_are_light_and_dark() {
        assert_eq!(colour(0.0).0, RGBColor(255, 255, 217));
        assert_eq!(colour(1.0).0, RGBColor(8, 29, 88));
    }
}
