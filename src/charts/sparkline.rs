//! The sparkline of the summary table: a month-by-month line small enough
//! for a table cell, written directly as a lean inline SVG (one path, no
//! style of its own: the report's stylesheet colours it), and as a line of
//! Unicode blocks for the Markdown report.
//!
//! Responsible for the geometry only; each line is scaled from 0 to its own
//! maximum. Not responsible for choosing the months (the report passes a
//! value per month, `None` for a gap: no data or a hidden value).

use std::fmt::Write as _;

/// The drawing's size in its own units (its cell sets the printed size).
const WIDTH: f64 = 120.0;
const HEIGHT: f64 = 24.0;
/// Room left above and below the line, so that a round cap is not cut.
const PAD: f64 = 2.0;
const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

fn max(values: &[Option<f64>]) -> f64 {
    values.iter().flatten().copied().fold(0.0, f64::max)
}

/// `<svg class="spark" …><path d="M0 20L10 18…"/></svg>`: a gap starts a
/// new subpath; a lone point is a dot (`h0` with the round cap).
pub fn svg(values: &[Option<f64>]) -> String {
    let top = max(values);
    let step = if values.len() > 1 { WIDTH / (values.len() - 1) as f64 } else { 0.0 };
    let mut d = String::new();
    let mut drawing = false;
    for (i, v) in values.iter().enumerate() {
        let Some(v) = v else {
            drawing = false;
            continue;
        };
        let y = if top > 0.0 { HEIGHT - PAD - v / top * (HEIGHT - 2.0 * PAD) } else { HEIGHT - PAD };
        let (x, y) = ((i as f64 * step).round(), y.round());
        let lone = !drawing && values.get(i + 1).is_none_or(Option::is_none);
        let _ = write!(d, "{}{x} {y}{}", if drawing { "L" } else { "M" }, if lone { "h0" } else { "" });
        drawing = true;
    }
    format!("<svg class=\"spark\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" aria-hidden=\"true\"><path d=\"{d}\"/></svg>")
}

/// The same line as blocks, `▁` to `█`, a space for a gap.
pub fn text(values: &[Option<f64>]) -> String {
    let top = max(values);
    values
        .iter()
        .map(|v| match v {
            None => ' ',
            Some(v) if top > 0.0 => BLOCKS[((v / top) * 7.0).round().clamp(0.0, 7.0) as usize],
            Some(_) => BLOCKS[0],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gap_starts_a_new_subpath_and_a_lone_point_is_a_dot() {
        let svg = svg(&[Some(10.0), Some(20.0), None, Some(5.0), None]);
        assert!(svg.contains("d=\"M0 12L30 2M90 17h0\""), "{svg}");
        assert!(!svg.contains("style") && !svg.contains("stroke"), "styled by the report's stylesheet");
    }

    #[test]
    fn blocks_follow_the_values() {
        assert_eq!(text(&[Some(0.0), Some(50.0), None, Some(100.0)]), "▁▅ █");
        assert_eq!(text(&[Some(0.0), Some(0.0)]), "▁▁");
    }
}
