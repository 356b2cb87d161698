//! The cohort retention heatmap: one row per cohort, one column per month
//! since arrival from 1 to 12, each cell coloured on one fixed
//! colour-blind-safe scale from 0 to 100 % with its rate written in it.
//! Every product's heatmap has the same scale and the same cell size, so
//! two products compare at a glance.
//!
//! Responsible for the drawing: left-truncated cohorts in greys, suppressed
//! cells hatched and marked `< k`, the scale in the legend. Not responsible
//! for choosing the cohorts or formatting the row labels (the report does).

use plotters::prelude::*;
use plotters::style::RGBColor;

use super::frame::{self, Mark, Rect};
use super::{Area, DrawResult, Figure, Style, palette};
use crate::format;
use crate::format::Lang;

const LABEL_WIDTH: f64 = 200.0;
/// The months since arrival shown, `1 ..= COLUMNS` (month 0 is 100 % by
/// construction and says nothing).
pub const COLUMNS: usize = 12;
const ROW: f64 = 20.0;
/// Under the header: the column numbers, then the cells.
const COLUMN_HEAD: f64 = 40.0;
/// The legend's row under the cells.
const LEGEND: f64 = 46.0;
const SCALE_WIDTH: f64 = 150.0;

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

/// One cohort: its label and its cells for `months_since = 1, 2 …`.
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
    /// The same for every heatmap of a given width.
    fn cell_width(&self) -> f64 {
        (f64::from(self.width) - LABEL_WIDTH - 16.0) / COLUMNS as f64
    }

    fn top(&self) -> f64 {
        frame::header_height(self.subtitle.as_deref(), f64::from(self.width)) + COLUMN_HEAD
    }

    fn cell_rect(&self, row: usize, col: usize) -> Rect {
        let w = self.cell_width();
        let x0 = LABEL_WIDTH + col as f64 * w;
        let y0 = self.top() + row as f64 * ROW;
        Rect { x0: x0 + 1.0, y0: y0 + 1.0, x1: x0 + w - 1.0, y1: y0 + ROW - 1.0 }
    }

    fn draw_cell<DB: DrawingBackend>(
        &self,
        area: &Area<DB>,
        st: &Style,
        r: Rect,
        cell: HeatCell,
        truncated: bool,
    ) -> DrawResult<DB> {
        let centre = ((r.x0 + r.x1) / 2.0, (r.y0 + r.y1) / 2.0);
        let size = frame::SMALL_SIZE;
        match cell {
            HeatCell::Empty => Ok(()),
            HeatCell::Suppressed => {
                frame::hatch(area, st, r)?;
                frame::text(area, st, &self.suppressed_text, centre, size, palette::INK, frame::CENTER)
            }
            HeatCell::Value(v) => {
                let (fill, ink) = if truncated { grey(v) } else { colour(v) };
                frame::fill_rect(area, st, r, fill)?;
                frame::text(area, st, &format::percent(self.lang, v), centre, size, ink, frame::CENTER)
            }
        }
    }

    /// The legend: hatching, greys, and the colour scale from 0 to 100 %.
    fn draw_legend<DB: DrawingBackend>(&self, area: &Area<DB>, st: &Style) -> DrawResult<DB> {
        let y = f64::from(self.size().1) - LEGEND / 2.0;
        let legend =
            [(Mark::Hatch, self.suppressed_legend.clone()), (Mark::Square(grey(0.4).0), self.truncated_legend.clone())];
        let right = f64::from(self.width) - 16.0;
        frame::legend(area, st, (16.0, y), right, &legend)?;
        let end = format::percent_with(self.lang, 1.0, 0);
        let x1 = right - frame::measure(&end, frame::SMALL_SIZE) - 8.0;
        let x0 = x1 - SCALE_WIDTH;
        let start = format::percent_with(self.lang, 0.0, 0);
        frame::text(area, st, &start, (x0 - 8.0, y), frame::SMALL_SIZE, palette::INK, frame::RIGHT)?;
        let steps = 10;
        for i in 0..steps {
            let t = (f64::from(i) + 0.5) / f64::from(steps);
            let (a, b) = (
                x0 + SCALE_WIDTH * f64::from(i) / f64::from(steps),
                x0 + SCALE_WIDTH * f64::from(i + 1) / f64::from(steps),
            );
            frame::fill_rect(area, st, Rect { x0: a, y0: y - 7.0, x1: b + 0.5, y1: y + 7.0 }, colour(t).0)?;
        }
        frame::text(area, st, &end, (x1 + 8.0, y), frame::SMALL_SIZE, palette::INK, frame::LEFT)
    }

    fn draw_header<DB: DrawingBackend>(&self, area: &Area<DB>, st: &Style) -> DrawResult<DB> {
        let w = self.cell_width();
        let top = self.top();
        for col in 0..COLUMNS {
            let x = LABEL_WIDTH + (col as f64 + 0.5) * w;
            let label = (col + 1).to_string();
            frame::text(area, st, &label, (x, top - 12.0), frame::SMALL_SIZE, palette::MUTED, frame::CENTER)?;
        }
        let right = LABEL_WIDTH + COLUMNS as f64 * w;
        frame::text(area, st, &self.x_label, (right, top - 32.0), frame::SMALL_SIZE, palette::MUTED, frame::RIGHT)
    }
}

/// A YlGnBu colour for a rate `t` in [0, 1] and the ink that reads on it.
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

/// A grey for a rate `t` (left-truncated cohorts) and the ink that reads on it.
fn grey(t: f64) -> (RGBColor, RGBColor) {
    let level = (236.0 - 110.0 * t.clamp(0.0, 1.0)).round() as u8;
    let ink = if t > 0.7 { palette::WHITE } else { RGBColor(68, 68, 68) };
    (RGBColor(level, level, level), ink)
}

impl Figure for Heatmap {
    fn size(&self) -> (u32, u32) {
        (self.width, (self.top() + self.rows.len().max(1) as f64 * ROW + LEGEND) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, st: &Style) -> DrawResult<DB> {
        frame::title(area, st, &self.title, self.subtitle.as_deref(), f64::from(self.width))?;
        self.draw_header(area, st)?;
        for (i, row) in self.rows.iter().enumerate() {
            let y = self.top() + (i as f64 + 0.5) * ROW;
            let ink = if row.truncated { palette::MUTED } else { palette::INK };
            frame::text(area, st, &row.label, (LABEL_WIDTH - 10.0, y), frame::SMALL_SIZE, ink, frame::RIGHT)?;
            for (j, cell) in row.cells.iter().take(COLUMNS).enumerate() {
                self.draw_cell(area, st, self.cell_rect(i, j), *cell, row.truncated)?;
            }
        }
        self.draw_legend(area, st)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::render;

    fn sample() -> Heatmap {
        let rows = (0..12)
            .map(|i| {
                let cells = (0..12 - i)
                    .map(|k| match (i, k) {
                        (5, 3) | (11, _) => HeatCell::Suppressed,
                        _ => HeatCell::Value(0.42 / (1.0 + k as f64 * 0.3)),
                    })
                    .collect();
                HeatRow { label: format!("cohorte {i} · n = 1\u{202F}234"), truncated: i == 0, cells }
            })
            .collect();
        Heatmap {
            title: "Rétention par cohorte".into(),
            subtitle: Some("part des utilisateurs de retour".into()),
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
        assert!(chart.svg.contains("42,0\u{202F}%"));
        assert!(chart.svg.contains("&lt; 10"));
    }

    #[test]
    fn every_heatmap_has_the_same_cells_and_scale() {
        let big = sample();
        let small = Heatmap { rows: big.rows[9..].to_vec(), ..sample() };
        assert_eq!(
            big.cell_rect(0, 0).x1 - big.cell_rect(0, 0).x0,
            small.cell_rect(0, 0).x1 - small.cell_rect(0, 0).x0
        );
        assert_eq!(
            big.cell_rect(1, 0).y0 - big.cell_rect(0, 0).y0,
            small.cell_rect(1, 0).y0 - small.cell_rect(0, 0).y0
        );
        // The scale does not stretch to the largest rate: 20 % is pale everywhere.
        assert_eq!(colour(0.2).0, RGBColor(214, 239, 179));
    }

    #[test]
    fn scale_ends_are_light_and_dark() {
        assert_eq!(colour(0.0).0, RGBColor(255, 255, 217));
        assert_eq!(colour(1.0).0, RGBColor(8, 29, 88));
    }
}
