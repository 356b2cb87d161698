//! The drawing vocabulary the charts share: a plot frame that maps values to
//! chart units, "nice" axis ticks, month labels, text wrapped to a width,
//! lines with gaps, hatching for suppressed cells, and legends that wrap.
//!
//! Responsible for looking the same in every chart. Not responsible for any
//! chart's layout or data.

use plotters::element::{DashedPathElement, PathElement, Polygon, Rectangle, Text};
use plotters::prelude::*;
use plotters::style::RGBColor;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Area, DrawResult, Style, palette};
use crate::format;
use crate::format::Lang;
use crate::tz;

/// Text anchored at its left end, vertically centred.
pub const LEFT: Pos = Pos { h_pos: HPos::Left, v_pos: VPos::Center };
/// Text anchored at its right end, vertically centred.
pub const RIGHT: Pos = Pos { h_pos: HPos::Right, v_pos: VPos::Center };
/// Text anchored at its middle.
pub const CENTER: Pos = Pos { h_pos: HPos::Center, v_pos: VPos::Center };

/// Font sizes, in units per em, shared by every chart. Charts print at
/// 0.19 mm per unit (`report::context::MM_PER_UNIT`), so the smallest
/// type is 8.4 pt on paper.
pub const TITLE_SIZE: f64 = 20.0;
pub const LABEL_SIZE: f64 = 17.0;
pub const SMALL_SIZE: f64 = 15.5;
/// The distance between two lines of small type.
pub const LINE: f64 = 19.0;
/// Where the first line under a one-line subtitle may start.
const HEADER: f64 = 58.0;

/// A rectangle, in chart units: left, top, right, bottom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

/// The plot area of a chart and the value ranges it shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub rect: Rect,
    pub x: (f64, f64),
    pub y: (f64, f64),
}

impl Frame {
    /// The horizontal position of value `v`.
    pub fn x(&self, v: f64) -> f64 {
        let (lo, hi) = self.x;
        self.rect.x0 + (v - lo) / (hi - lo) * (self.rect.x1 - self.rect.x0)
    }

    /// The vertical position of value `v` (larger values higher up).
    pub fn y(&self, v: f64) -> f64 {
        let (lo, hi) = self.y;
        self.rect.y1 - (v - lo) / (hi - lo) * (self.rect.y1 - self.rect.y0)
    }
}

/// Ticks from 0 that cover `max` in about `n` steps of 1, 2, 2.5 or 5 × 10^k
/// (whole steps only when `integer`); returns the axis top and the ticks.
pub fn ticks_from_zero(max: f64, n: usize, integer: bool) -> (f64, Vec<f64>) {
    let max = if max.is_finite() && max > 0.0 { max } else { 1.0 };
    let step = nice_step(max / n.max(1) as f64, integer);
    let top = (max / step - 1e-9).ceil().max(1.0) * step;
    let count = (top / step).round() as usize;
    (top, (0..=count).map(|i| i as f64 * step).collect())
}

/// Ticks covering `[lo, hi]` in about `n` nice steps (values may be negative).
pub fn ticks_between(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    let (lo, hi) = if hi > lo { (lo, hi) } else { (lo - 1.0, lo + 1.0) };
    let step = nice_step((hi - lo) / n.max(1) as f64, false);
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last).map(|i| i as f64 * step).collect()
}

fn nice_step(raw: f64, integer: bool) -> f64 {
    let magnitude = 10f64.powf(raw.log10().floor());
    let normalised = raw / magnitude;
    let nice = [1.0, 2.0, 2.5, 5.0, 10.0].into_iter().find(|&s| normalised <= s).unwrap_or(10.0);
    let step = nice * magnitude;
    if integer { step.max(1.0).round() } else { step }
}

/// Draws `s` with its anchor `pos` at `at`.
pub fn text<DB: DrawingBackend>(
    area: &Area<DB>,
    st: &Style,
    s: &str,
    at: (f64, f64),
    size: f64,
    colour: RGBColor,
    pos: Pos,
) -> DrawResult<DB> {
    let style = st.font(size, colour).pos(pos);
    let shift = if matches!(pos.v_pos, VPos::Center) { st.centre_shift(size) } else { 0.0 };
    area.draw(&Text::new(s.to_string(), st.pt((at.0, at.1 + shift)), style))
}

/// `s` broken at spaces into lines no wider than `width` units at `size`;
/// a word wider than the line is split between characters, never cut.
pub fn wrap(s: &str, size: f64, width: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in s.split(' ') {
        let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
        if line.is_empty() || measure(&candidate, size) <= width {
            line = candidate;
        } else {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        }
        while measure(&line, size) > width && line.chars().count() > 1 {
            let chars: Vec<char> = line.chars().collect();
            let fit = (1..chars.len()).rev().find(|&n| measure(&chars[..n].iter().collect::<String>(), size) <= width);
            let n = fit.unwrap_or(1);
            lines.push(chars[..n].iter().collect());
            line = chars[n..].iter().collect();
        }
    }
    lines.push(line);
    lines
}

/// The advance width of `s` at `size`, in chart units (the SVG's metrics,
/// which the PNG's follow), for layouts decided before drawing.
pub fn measure(s: &str, size: f64) -> f64 {
    super::ensure_font();
    Style::svg().text_width(s, size)
}

/// Draws wrapped `lines` from `at`, one [`LINE`] apart.
pub fn lines<DB: DrawingBackend>(
    area: &Area<DB>,
    st: &Style,
    lines: &[String],
    at: (f64, f64),
    colour: RGBColor,
) -> DrawResult<DB> {
    for (i, line) in lines.iter().enumerate() {
        text(area, st, line, (at.0, at.1 + i as f64 * LINE), SMALL_SIZE, colour, LEFT)?;
    }
    Ok(())
}

/// The subtitle's lines in a chart `width` wide.
fn subtitle_lines(subtitle: Option<&str>, width: f64) -> Vec<String> {
    subtitle.map(|s| wrap(s, SMALL_SIZE, width - 32.0)).unwrap_or_default()
}

/// Where a chart's content may start under its title and wrapped subtitle.
pub fn header_height(subtitle: Option<&str>, width: f64) -> f64 {
    HEADER + LINE * (subtitle_lines(subtitle, width).len().max(1) - 1) as f64
}

/// The centre line of a legend's first row, under the title.
pub fn legend_top(subtitle: Option<&str>, width: f64) -> f64 {
    header_height(subtitle, width) + 4.0
}

/// Under the title and a legend of `items`: where a plot may start.
pub fn legend_bottom(subtitle: Option<&str>, items: &[(Mark, String)], width: f64) -> f64 {
    legend_top(subtitle, width) + legend_rows(items, width) as f64 * (LINE + 4.0)
}

/// The chart title, top left, and an optional grey subtitle under it,
/// wrapped to the chart's `width`.
pub fn title<DB: DrawingBackend>(
    area: &Area<DB>,
    st: &Style,
    title: &str,
    subtitle: Option<&str>,
    width: f64,
) -> DrawResult<DB> {
    text(area, st, title, (16.0, 20.0), TITLE_SIZE, palette::INK, LEFT)?;
    lines(area, st, &subtitle_lines(subtitle, width), (16.0, 44.0), palette::MUTED)
}

/// A straight or dashed polyline through `points` (chart units).
pub fn polyline<DB: DrawingBackend>(
    area: &Area<DB>,
    st: &Style,
    points: &[(f64, f64)],
    colour: RGBColor,
    width: f64,
    dashed: bool,
) -> DrawResult<DB> {
    let pts: Vec<(i32, i32)> = points.iter().map(|&p| st.pt(p)).collect();
    let style = colour.stroke_width(st.stroke(width));
    if dashed {
        area.draw(&DashedPathElement::new(pts, st.px(7.0), st.px(5.0), style))
    } else {
        area.draw(&PathElement::new(pts, style))
    }
}

/// A filled rectangle.
pub fn fill_rect<DB: DrawingBackend>(area: &Area<DB>, st: &Style, r: Rect, colour: RGBColor) -> DrawResult<DB> {
    area.draw(&Rectangle::new([st.pt((r.x0, r.y0)), st.pt((r.x1, r.y1))], colour.filled()))
}

/// A filled polygon in a translucent colour (interval bands).
pub fn band<DB: DrawingBackend>(
    area: &Area<DB>,
    st: &Style,
    points: &[(f64, f64)],
    colour: RGBColor,
    opacity: f64,
) -> DrawResult<DB> {
    let pts: Vec<(i32, i32)> = points.iter().map(|&p| st.pt(p)).collect();
    area.draw(&Polygon::new(pts, colour.mix(opacity).filled()))
}

/// A suppressed cell: a white box with grey diagonal hatching and a border.
pub fn hatch<DB: DrawingBackend>(area: &Area<DB>, st: &Style, r: Rect) -> DrawResult<DB> {
    fill_rect(area, st, r, palette::WHITE)?;
    let spacing = 8.0;
    let (w, h) = (r.x1 - r.x0, r.y1 - r.y0);
    let mut c = spacing;
    while c < w + h {
        // The line x + y = c (in box coordinates), clipped to the box.
        let start = (r.x0 + c.min(w), r.y0 + (c - w).max(0.0));
        let end = (r.x0 + (c - h).max(0.0), r.y0 + c.min(h));
        polyline(area, st, &[start, end], RGBColor(200, 200, 200), 1.0, false)?;
        c += spacing;
    }
    let border = [(r.x0, r.y0), (r.x1, r.y0), (r.x1, r.y1), (r.x0, r.y1), (r.x0, r.y0)];
    polyline(area, st, &border, RGBColor(190, 190, 190), 1.0, false)
}

/// Horizontal grid lines and their labels left of the frame.
pub fn y_grid<DB: DrawingBackend>(
    area: &Area<DB>,
    st: &Style,
    frame: &Frame,
    ticks: &[f64],
    label: impl Fn(f64) -> String,
) -> DrawResult<DB> {
    for &t in ticks {
        let y = frame.y(t);
        polyline(area, st, &[(frame.rect.x0, y), (frame.rect.x1, y)], palette::GRID, 1.0, false)?;
        text(area, st, &label(t), (frame.rect.x0 - 8.0, y), SMALL_SIZE, palette::MUTED, RIGHT)?;
    }
    Ok(())
}

/// Vertical grid lines and their labels under the frame.
pub fn x_grid<DB: DrawingBackend>(
    area: &Area<DB>,
    st: &Style,
    frame: &Frame,
    ticks: &[f64],
    label: impl Fn(f64) -> String,
) -> DrawResult<DB> {
    for &t in ticks {
        let x = frame.x(t);
        polyline(area, st, &[(x, frame.rect.y0), (x, frame.rect.y1)], palette::GRID, 1.0, false)?;
        text(area, st, &label(t), (x, frame.rect.y1 + 16.0), SMALL_SIZE, palette::MUTED, CENTER)?;
    }
    Ok(())
}

/// The baseline of a frame, in ink.
pub fn baseline<DB: DrawingBackend>(area: &Area<DB>, st: &Style, frame: &Frame) -> DrawResult<DB> {
    let y = frame.rect.y1;
    polyline(area, st, &[(frame.rect.x0, y), (frame.rect.x1, y)], palette::MUTED, 1.0, false)
}

/// Month labels under a frame whose x values are month indexes `0..n`:
/// the abbreviated month on one line, the year under the first labelled
/// month and under each January. Where the months are too close for
/// every label, every second (or third …) month is labelled, counted back
/// from the latest, which is always labelled.
pub fn month_axis<DB: DrawingBackend>(
    area: &Area<DB>,
    st: &Style,
    frame: &Frame,
    months: &[i32],
    lang: Lang,
) -> DrawResult<DB> {
    let y = frame.rect.y1;
    let widest = months.iter().map(|&m| measure(format::month_abbrev(lang, m), SMALL_SIZE)).fold(0.0, f64::max);
    let slot = if months.len() > 1 { frame.x(1.0) - frame.x(0.0) } else { f64::MAX };
    let every = ((widest + 8.0) / slot).ceil().max(1.0) as usize;
    let last = months.len().saturating_sub(1);
    let mut year_shown = false;
    for (i, &m) in months.iter().enumerate() {
        let x = frame.x(i as f64);
        polyline(area, st, &[(x, y), (x, y + 5.0)], palette::MUTED, 1.0, false)?;
        if !(last - i).is_multiple_of(every) {
            continue;
        }
        let abbrev = format::month_abbrev(lang, m);
        text(area, st, abbrev, (x, y + 17.0), SMALL_SIZE, palette::INK, CENTER)?;
        let (year, month_of_year, _) = tz::ymd(m);
        if !year_shown || month_of_year <= every as u32 {
            let year = year.to_string();
            text(area, st, &year, (x, y + 35.0), SMALL_SIZE, palette::MUTED, CENTER)?;
            year_shown = true;
        }
    }
    Ok(())
}

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mark {
    Line(RGBColor),
    Dashed(RGBColor),
    Band(RGBColor),
    Square(RGBColor),
    /// A point with an interval line through it; hollow when `true`.
    Dot(RGBColor, bool),
    Diamond(RGBColor),
    Hatch,
}

/// Where each legend entry goes, left to right from `x0` and on to a new
/// row (one [`LINE`] lower) where the next would pass `right`.
fn legend_places(items: &[(Mark, String)], x0: f64, right: f64) -> Vec<(f64, usize)> {
    let (mut x, mut row) = (x0, 0);
    items
        .iter()
        .map(|(_, label)| {
            let width = 30.0 + measure(label, SMALL_SIZE);
            if x > x0 && x + width > right {
                (x, row) = (x0, row + 1);
            }
            let place = (x, row);
            x += width + 22.0;
            place
        })
        .collect()
}

/// The rows a legend takes in a chart `width` wide.
pub fn legend_rows(items: &[(Mark, String)], width: f64) -> usize {
    legend_places(items, 16.0, width - 16.0).last().map_or(0, |p| p.1 + 1)
}

/// The title, its subtitle and, under them, the legend of `items`.
pub fn title_and_legend<DB: DrawingBackend>(
    area: &Area<DB>,
    st: &Style,
    (title, subtitle): (&str, Option<&str>),
    items: &[(Mark, String)],
    width: f64,
) -> DrawResult<DB> {
    self::title(area, st, title, subtitle, width)?;
    legend(area, st, (16.0, legend_top(subtitle, width)), width - 16.0, items)
}

/// A legend laid out left to right from `at` (the centre line of the first
/// row), wrapped before `right`.
pub fn legend<DB: DrawingBackend>(
    area: &Area<DB>,
    st: &Style,
    at: (f64, f64),
    right: f64,
    items: &[(Mark, String)],
) -> DrawResult<DB> {
    for ((mark, label), (x, row)) in items.iter().zip(legend_places(items, at.0, right)) {
        let y = at.1 + row as f64 * (LINE + 4.0);
        legend_mark(area, st, *mark, x, y)?;
        text(area, st, label, (x + 30.0, y), SMALL_SIZE, palette::INK, LEFT)?;
    }
    Ok(())
}

fn legend_mark<DB: DrawingBackend>(area: &Area<DB>, st: &Style, mark: Mark, x: f64, y: f64) -> DrawResult<DB> {
    let swatch = Rect { x0: x, y0: y - 7.0, x1: x + 22.0, y1: y + 7.0 };
    match mark {
        Mark::Line(c) => polyline(area, st, &[(x, y), (x + 22.0, y)], c, 3.0, false),
        Mark::Dashed(c) => polyline(area, st, &[(x, y), (x + 24.0, y)], c, 3.0, true),
        Mark::Band(c) => {
            let corners = [(x, y - 7.0), (x + 22.0, y - 7.0), (x + 22.0, y + 7.0), (x, y + 7.0)];
            band(area, st, &corners, c, 0.25)
        }
        Mark::Square(c) => fill_rect(area, st, swatch, c),
        Mark::Dot(c, hollow) => {
            polyline(area, st, &[(x, y), (x + 22.0, y)], c, 2.5, false)?;
            dot(area, st, (x + 11.0, y), c, hollow)
        }
        Mark::Diamond(c) => {
            polyline(area, st, &[(x, y), (x + 22.0, y)], c, 2.5, false)?;
            diamond(area, st, (x + 11.0, y), c)
        }
        Mark::Hatch => hatch(area, st, swatch),
    }
}

/// A series of values at x positions `0, 1, 2 …` drawn as a line with a gap
/// wherever a value is missing or suppressed, and dashed where either end of
/// a segment is flagged `dashed`. Lone points get a dot so they stay visible.
pub fn gapped_line<DB: DrawingBackend>(
    area: &Area<DB>,
    st: &Style,
    frame: &Frame,
    values: &[Option<f64>],
    dashed: &[bool],
    colour: RGBColor,
) -> DrawResult<DB> {
    let at = |i: usize| values[i].map(|v| (frame.x(i as f64), frame.y(v)));
    for i in 1..values.len() {
        if let (Some(a), Some(b)) = (at(i - 1), at(i)) {
            let dash = dashed.get(i - 1).copied().unwrap_or(false) || dashed.get(i).copied().unwrap_or(false);
            polyline(area, st, &[a, b], colour, 3.0, dash)?;
        }
    }
    for i in 0..values.len() {
        if let Some(p) = at(i) {
            let hollow = dashed.get(i).copied().unwrap_or(false);
            dot(area, st, p, colour, hollow)?;
        }
    }
    Ok(())
}

/// A filled diamond (a primary endpoint's estimate).
pub fn diamond<DB: DrawingBackend>(
    area: &Area<DB>,
    st: &Style,
    (x, y): (f64, f64),
    colour: RGBColor,
) -> DrawResult<DB> {
    let r = 8.0;
    let pts = [(x, y - r), (x + r, y), (x, y + r), (x - r, y)].map(|p| st.pt(p));
    area.draw(&Polygon::new(pts.to_vec(), colour.filled()))
}

/// A data point: filled, or hollow (white centre) for a provisional value.
pub fn dot<DB: DrawingBackend>(
    area: &Area<DB>,
    st: &Style,
    at: (f64, f64),
    colour: RGBColor,
    hollow: bool,
) -> DrawResult<DB> {
    area.draw(&Circle::new(st.pt(at), st.px(4.5), colour.filled()))?;
    if hollow {
        area.draw(&Circle::new(st.pt(at), st.px(2.5), palette::WHITE.filled()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round() {
        assert_eq!(ticks_from_zero(87.0, 5, true), (100.0, vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]));
        assert_eq!(ticks_from_zero(3.0, 5, true), (3.0, vec![0.0, 1.0, 2.0, 3.0]));
        assert_eq!(ticks_from_zero(0.0, 5, true).0, 1.0);
        let (top, t) = ticks_from_zero(0.37, 4, false);
        assert!((top - 0.4).abs() < 1e-12 && t.len() == 5);
        assert_eq!(ticks_between(-0.031, 0.052, 4), vec![-0.025, 0.0, 0.025, 0.05]);
    }

    #[test]
    fn frame_maps_values() {
        let f = Frame { rect: Rect { x0: 100.0, y0: 50.0, x1: 300.0, y1: 250.0 }, x: (0.0, 10.0), y: (0.0, 1.0) };
        assert_eq!(f.x(5.0), 200.0);
        assert_eq!(f.y(1.0), 50.0);
        assert_eq!(f.y(0.0), 250.0);
    }
}
