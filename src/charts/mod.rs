//! The report's charts: each chart module turns already-labelled data into a
//! drawing, and this module renders that drawing twice — SVG for the HTML
//! report, PNG for the Markdown one — with the font embedded in the binary.
//!
//! Responsible for pixels and bytes only. Not responsible for choosing what
//! to show (the report module selects rows, applies the language and passes
//! labels) nor for writing files (`output/` does). Charts never read system
//! fonts: DejaVu Sans is compiled in and registered with plotters' `ab_glyph`
//! feature, so a fresh machine draws the same PNG bytes (STYLE convention 13).

pub mod event_study;
pub mod forest;
pub mod frame;
pub mod funnel;
pub mod retention;
pub mod sparkline;
pub mod survival;
pub mod trend;

use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{FontStyle, RGBColor, TextStyle, register_font};
use rayon::prelude::*;

/// DejaVu Sans 2.37 (Bitstream Vera licence, see `assets/fonts/LICENSE`).
const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// The family name plotters knows the embedded font by, and that the SVG names.
pub const FONT_FAMILY: &str = "DejaVu Sans";
/// What the SVG asks a viewer for: the same font when installed, then a
/// sans-serif of similar width.
const SVG_FONT_STACK: &str = "DejaVu Sans, Verdana, Arial, sans-serif";
/// PNG pixels per chart unit: the PNGs are drawn at one and a half times
/// the SVG size so they stay sharp on high-density screens, at about half
/// the pixels (and time) of a double-size image.
pub const PNG_SCALE: f64 = 1.5;
/// ab_glyph scales a font by its line height (ascent − descent), which for
/// DejaVu Sans is 1.164 em; plotters' SVG backend writes `size / 1.24`.
/// These factors make a font of `n` units come out as `n` px per em in both.
const SVG_FONT_FACTOR: f64 = 1.24;
const BITMAP_FONT_FACTOR: f64 = 2384.0 / 2048.0;

/// One rendered chart: `name` is the file stem (`portfolio_users`,
/// `p_<project>_retention`); `output/` writes `charts/<name>.svg` and `.png`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    pub name: String,
    pub svg: String,
    pub png: Vec<u8>,
}

/// The drawing area every chart draws on, in backend pixels.
pub type Area<DB> = DrawingArea<DB, Shift>;
/// What drawing on an [`Area`] may return.
pub type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// A chart that can draw itself on any plotters backend. Geometry is in
/// chart units (1 unit = 1 SVG pixel); [`Style`] maps units to pixels.
pub trait Figure {
    /// Width and height in chart units.
    fn size(&self) -> (u32, u32);
    /// Draws the whole chart on a white `area`.
    fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, st: &Style) -> DrawResult<DB>;
}

/// Okabe–Ito colours (Okabe & Ito 2008), safe for the common colour-vision
/// deficiencies, plus the greys the charts use for ink and grid.
pub mod palette {
    use plotters::style::RGBColor;
    pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
    pub const SKY_BLUE: RGBColor = RGBColor(86, 180, 233);
    pub const GREEN: RGBColor = RGBColor(0, 158, 115);
    pub const YELLOW: RGBColor = RGBColor(240, 228, 66);
    pub const BLUE: RGBColor = RGBColor(0, 114, 178);
    pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
    pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
    pub const INK: RGBColor = RGBColor(34, 34, 34);
    pub const MUTED: RGBColor = RGBColor(102, 102, 102);
    pub const GRID: RGBColor = RGBColor(224, 224, 224);
    pub const LIGHT: RGBColor = RGBColor(242, 242, 242);
    pub const WHITE: RGBColor = RGBColor(255, 255, 255);
}

/// How chart units become backend pixels and fonts, for one backend.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    scale: f64,
    font_factor: f64,
    /// Extra downward shift of vertically centred text, in em: plotters'
    /// bitmap text sits higher than the SVG's `dy="0.5ex"`.
    centre_shift: f64,
}

impl Style {
    pub(crate) fn svg() -> Style {
        Style { scale: 1.0, font_factor: SVG_FONT_FACTOR, centre_shift: 0.0 }
    }

    fn bitmap() -> Style {
        Style { scale: PNG_SCALE, font_factor: BITMAP_FONT_FACTOR * PNG_SCALE, centre_shift: 0.16 }
    }

    /// A length in backend pixels.
    pub fn px(&self, units: f64) -> i32 {
        (units * self.scale).round() as i32
    }

    /// A point in backend pixels.
    pub fn pt(&self, (x, y): (f64, f64)) -> (i32, i32) {
        (self.px(x), self.px(y))
    }

    /// A stroke width in backend pixels (at least 1).
    pub fn stroke(&self, units: f64) -> u32 {
        (units * self.scale).round().max(1.0) as u32
    }

    /// The embedded font at `size` units per em.
    pub fn font(&self, size: f64, colour: RGBColor) -> TextStyle<'static> {
        (FONT_FAMILY, size * self.font_factor).into_font().color(&colour)
    }

    /// How far down to move vertically centred text of `size` units so both
    /// backends put it at the same height.
    pub fn centre_shift(&self, size: f64) -> f64 {
        self.centre_shift * size
    }

    /// The advance width of `text` at `size`, in chart units (an estimate,
    /// from the embedded font's metrics).
    pub fn text_width(&self, text: &str, size: f64) -> f64 {
        let font = (FONT_FAMILY, size * self.font_factor).into_font();
        let width = font.box_size(text).map(|(w, _)| f64::from(w)).unwrap_or(0.0);
        width / self.scale
    }
}

static REGISTER: Once = Once::new();

/// Registers the embedded font with plotters once per process. Both names
/// point at it so that no plotters default ever falls back to a system font.
fn ensure_font() {
    REGISTER.call_once(|| {
        for family in [FONT_FAMILY, "sans-serif"] {
            // A font compiled into the binary always parses; if it did not,
            // drawing text reports the error and the chart shows it.
            let _ = register_font(family, FontStyle::Normal, FONT);
        }
    });
}

/// Any chart of the report, so that a list of them can be rendered together.
#[derive(Debug, Clone, PartialEq)]
pub enum AnyFigure {
    EventStudy(event_study::EventStudy),
    Trend(trend::Trend),
    Forest(forest::Forest),
    Heatmap(retention::Heatmap),
    Funnel(funnel::Funnel),
    Survival(survival::Survival),
}

macro_rules! any_figure_from {
    ($($variant:ident($ty:ty)),*) => {$(
        impl From<$ty> for AnyFigure {
            fn from(f: $ty) -> AnyFigure {
                AnyFigure::$variant(f)
            }
        }
    )*};
}
any_figure_from!(
    EventStudy(event_study::EventStudy),
    Trend(trend::Trend),
    Forest(forest::Forest),
    Heatmap(retention::Heatmap),
    Funnel(funnel::Funnel),
    Survival(survival::Survival)
);

impl Figure for AnyFigure {
    fn size(&self) -> (u32, u32) {
        match self {
            AnyFigure::EventStudy(f) => f.size(),
            AnyFigure::Trend(f) => f.size(),
            AnyFigure::Forest(f) => f.size(),
            AnyFigure::Heatmap(f) => f.size(),
            AnyFigure::Funnel(f) => f.size(),
            AnyFigure::Survival(f) => f.size(),
        }
    }

    fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, st: &Style) -> DrawResult<DB> {
        match self {
            AnyFigure::EventStudy(f) => f.draw(area, st),
            AnyFigure::Trend(f) => f.draw(area, st),
            AnyFigure::Forest(f) => f.draw(area, st),
            AnyFigure::Heatmap(f) => f.draw(area, st),
            AnyFigure::Funnel(f) => f.draw(area, st),
            AnyFigure::Survival(f) => f.draw(area, st),
        }
    }
}

/// A chart to draw: its file stem and its figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub name: String,
    pub figure: AnyFigure,
}

/// Renders every job on rayon's thread pool; the result keeps the jobs'
/// order, so it does not depend on scheduling.
pub fn render_all(jobs: &[Job]) -> Vec<Chart> {
    jobs.par_iter().map(|j| render(j.name.clone(), &j.figure)).collect()
}

/// Draws `figure` as SVG and as PNG under the file stem `name`.
pub fn render(name: impl Into<String>, figure: &impl Figure) -> Chart {
    ensure_font();
    let (w, h) = figure.size();
    Chart { name: name.into(), svg: render_svg(figure, w, h), png: render_png(figure, w, h) }
}

fn render_svg(figure: &impl Figure, w: u32, h: u32) -> String {
    let mut out = String::new();
    let result = {
        let root = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
        root.fill(&palette::WHITE)
            .and_then(|()| figure.draw(&root, &Style::svg()))
            .and_then(|()| root.present())
            .map_err(|e| e.to_string())
    };
    match result {
        Ok(()) => lean(&out),
        Err(message) => error_svg(w, h, &message),
    }
}

/// plotters' SVG made lighter for inlining, the drawing unchanged: the font
/// named once on the root (text inherits it), no `opacity="1"`, font sizes
/// rounded to a tenth.
fn lean(svg: &str) -> String {
    let svg = svg.replace(&format!(" font-family=\"{FONT_FAMILY}\""), "").replace(" opacity=\"1\"", "").replacen(
        " xmlns=",
        &format!(" font-family=\"{SVG_FONT_STACK}\" xmlns="),
        1,
    );
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg.as_str();
    const KEY: &str = "font-size=\"";
    while let Some(i) = rest.find(KEY) {
        let (head, tail) = rest.split_at(i + KEY.len());
        out.push_str(head);
        let end = tail.find('"').unwrap_or(0);
        match tail[..end].parse::<f64>() {
            Ok(size) => out.push_str(&format!("{}", (size * 10.0).round() / 10.0)),
            Err(_) => out.push_str(&tail[..end]),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// A visible placeholder rather than a silent hole if plotters fails.
fn error_svg(w: u32, h: u32, message: &str) -> String {
    let escaped = message.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    format!(
        "<svg width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" xmlns=\"http://www.w3.org/2000/svg\">\n\
         <text x=\"10\" y=\"30\" font-family=\"{SVG_FONT_STACK}\">chart error: {escaped}</text>\n</svg>\n"
    )
}

fn render_png(figure: &impl Figure, w: u32, h: u32) -> Vec<u8> {
    let (pw, ph) = ((f64::from(w) * PNG_SCALE) as u32, (f64::from(h) * PNG_SCALE) as u32);
    let mut pixels = vec![255u8; pw as usize * ph as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (pw, ph)).into_drawing_area();
        let drawn = figure.draw(&root, &Style::bitmap()).and_then(|()| root.present());
        if drawn.is_err() {
            // The SVG carries the error message; the PNG stays blank.
            drop(root);
            pixels.fill(255);
        }
    }
    encode_png(&pixels, pw, ph).unwrap_or_default()
}

/// RGB8 pixels to PNG bytes, with fixed settings so equal pixels give equal
/// bytes. The `Sub` filter turns the charts' flat runs into zeros: measured
/// on the fixture, half the encoding time of `Paeth` for 6 % more bytes.
fn encode_png(pixels: &[u8], w: u32, h: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Default);
        encoder.set_filter(png::FilterType::Sub);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(pixels)?;
        writer.finish()?;
    }
    Ok(out)
}

/// A file stem safe on every file system and in a URL: ASCII letters,
/// digits, `-` and `_`; anything else becomes `_`.
pub fn file_stem(raw: &str) -> String {
    raw.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Square;
    impl Figure for Square {
        fn size(&self) -> (u32, u32) {
            (120, 60)
        }
        fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, st: &Style) -> DrawResult<DB> {
            frame::text(area, st, "1\u{202F}234,5 · é", (10.0, 30.0), 14.0, palette::INK, frame::LEFT)
        }
    }

    #[test]
    fn renders_svg_and_png_deterministically() {
        let a = render("square", &Square);
        let b = render("square", &Square);
        assert_eq!(a, b);
        assert!(a.svg.starts_with("<svg"));
        assert!(a.svg.contains("font-family=\"DejaVu Sans, Verdana"));
        assert_eq!(a.svg.matches("font-family").count(), 1, "named once, on the root");
        assert!(!a.svg.contains("opacity=\"1\""));
        assert!(a.svg.contains("1\u{202F}234,5"));
        assert_eq!(&a.png[1..4], b"PNG");
    }

    #[test]
    fn embedded_font_has_the_glyphs_we_print() {
        ensure_font();
        let st = Style::svg();
        let narrow = st.text_width("\u{202F}", 20.0);
        assert!(narrow > 0.0 && narrow < st.text_width("M", 20.0));
        assert!(st.text_width("€ é û ç « » − ≥ ≤", 20.0) > 0.0);
    }

    #[test]
    fn file_stems_are_safe() {
        assert_eq!(file_stem("compétences validées/2"), "comp_tences_valid_es_2");
    }
}
