//! A small SVG writer for the brief's charts: every attribute value and every
//! text node is escaped here, so chart code cannot forget it. Also linear
//! scales and "nice" axis ticks (steps of 1, 2 or 5 times a power of ten).
//!
//! The output is plain SVG 1.1 with presentation attributes (no CSS classes),
//! so that the same chart looks the same inline in the HTML brief and as a
//! standalone file beside the Markdown brief. Why this is hand-built rather
//! than drawn with a charting crate: docs/dependencies.md.

use std::fmt::Write as _;

/// Escapes `s` for XML text and attribute values (`& < > " '`).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab and newlines are not allowed in XML.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A number as an SVG coordinate: two decimals, no trailing zeros.
fn num(x: f64) -> String {
    if !x.is_finite() {
        return "0".into();
    }
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// Horizontal text alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// Text starts at x.
    Start,
    /// Text is centred on x.
    Middle,
    /// Text ends at x.
    End,
}

impl Anchor {
    fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// An SVG document being written. Its `id` prefixes every id inside it, so
/// several charts can sit in one HTML page without clashing.
pub struct Svg {
    buf: String,
    id: String,
}

/// Default font of chart text: generic families only, nothing to fetch.
const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

impl Svg {
    /// Starts a `width` × `height` chart with an accessible title and
    /// description, and the hatch pattern `{id}-hatch` in its definitions.
    pub fn new(id: &str, width: f64, height: f64, title: &str, desc: &str) -> Svg {
        let mut buf = String::new();
        let id = esc(id);
        let _ = write!(
            buf,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" \
             role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" class=\"chart\" id=\"{id}\" \
             font-family=\"{font}\" font-size=\"11\">\n<title id=\"{id}-title\">{t}</title>\n<desc id=\"{id}-desc\">{d}</desc>\n",
            w = num(width),
            h = num(height),
            font = esc(FONT),
            t = esc(title),
            d = esc(desc),
        );
        let _ = write!(
            buf,
            "<defs><pattern id=\"{id}-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" \
             patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ffffff\"/>\
             <line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#444444\" stroke-width=\"1.6\"/></pattern></defs>\n\
             <rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n",
            w = num(width),
            h = num(height),
        );
        Svg { buf, id }
    }

    /// The reference to the hatch pattern, for a `fill`.
    pub fn hatch(&self) -> String {
        format!("url(#{}-hatch)", self.id)
    }

    /// Writes an element `<name a="v" .../>` with every value escaped.
    pub fn el(&mut self, name: &str, attrs: &[(&str, String)]) {
        self.open(name, attrs, true);
    }

    fn open(&mut self, name: &str, attrs: &[(&str, String)], close: bool) {
        self.buf.push('<');
        self.buf.push_str(name);
        for (k, v) in attrs {
            let _ = write!(self.buf, " {k}=\"{}\"", esc(v));
        }
        self.buf.push_str(if close { "/>\n" } else { ">" });
    }

    /// A straight line with a stroke colour, width and optional dash pattern.
    pub fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), stroke: &str, width: f64, dash: Option<&str>) {
        let mut a = vec![
            ("x1", num(x1)),
            ("y1", num(y1)),
            ("x2", num(x2)),
            ("y2", num(y2)),
            ("stroke", stroke.to_string()),
            ("stroke-width", num(width)),
        ];
        if let Some(d) = dash {
            a.push(("stroke-dasharray", d.to_string()));
        }
        self.el("line", &a);
    }

    /// A rectangle from its corner and size (negative sizes are flipped).
    pub fn rect(&mut self, (x, y): (f64, f64), (w, h): (f64, f64), fill: &str, stroke: Option<&str>) {
        let (x, w) = if w < 0.0 { (x + w, -w) } else { (x, w) };
        let (y, h) = if h < 0.0 { (y + h, -h) } else { (y, h) };
        let mut a = vec![("x", num(x)), ("y", num(y)), ("width", num(w)), ("height", num(h)), ("fill", fill.into())];
        if let Some(s) = stroke {
            a.push(("stroke", s.to_string()));
            a.push(("stroke-width", "1".into()));
        }
        self.el("rect", &a);
    }

    /// An open line through `points`.
    pub fn polyline(&mut self, points: &[(f64, f64)], stroke: &str, width: f64, dash: Option<&str>) {
        let mut a = vec![
            ("points", points_attr(points)),
            ("fill", "none".into()),
            ("stroke", stroke.to_string()),
            ("stroke-width", num(width)),
            ("stroke-linejoin", "round".into()),
        ];
        if let Some(d) = dash {
            a.push(("stroke-dasharray", d.to_string()));
        }
        self.el("polyline", &a);
    }

    /// A closed, filled shape through `points`.
    pub fn polygon(&mut self, points: &[(f64, f64)], fill: &str) {
        self.el("polygon", &[("points", points_attr(points)), ("fill", fill.to_string())]);
    }

    /// A marker: `circle`, `square` or `diamond` of radius `r` at `(x, y)`.
    pub fn marker(&mut self, shape: &str, (x, y): (f64, f64), r: f64, fill: &str) {
        match shape {
            "square" => self.rect((x - r, y - r), (2.0 * r, 2.0 * r), fill, Some("#000000")),
            "diamond" => {
                let pts = [(x, y - r * 1.3), (x + r * 1.3, y), (x, y + r * 1.3), (x - r * 1.3, y)];
                self.el(
                    "polygon",
                    &[("points", points_attr(&pts)), ("fill", fill.into()), ("stroke", "#000000".into())],
                );
            }
            _ => self.el(
                "circle",
                &[("cx", num(x)), ("cy", num(y)), ("r", num(r)), ("fill", fill.into()), ("stroke", "#000000".into())],
            ),
        }
    }

    /// Text at `(x, y)` (the baseline), escaped; `weight` is `normal` or `bold`.
    pub fn text(&mut self, (x, y): (f64, f64), anchor: Anchor, size: f64, weight: &str, text: &str) {
        self.open(
            "text",
            &[
                ("x", num(x)),
                ("y", num(y)),
                ("text-anchor", anchor.as_str().into()),
                ("font-size", num(size)),
                ("font-weight", weight.into()),
                ("fill", "#000000".into()),
            ],
            false,
        );
        self.buf.push_str(&esc(text));
        self.buf.push_str("</text>\n");
    }

    /// Text rotated a quarter turn anticlockwise, centred on `(x, y)`: a vertical axis title.
    pub fn vtext(&mut self, (x, y): (f64, f64), size: f64, text: &str) {
        self.open(
            "text",
            &[
                ("x", num(x)),
                ("y", num(y)),
                ("text-anchor", "middle".into()),
                ("font-size", num(size)),
                ("fill", "#000000".into()),
                ("transform", format!("rotate(-90 {} {})", num(x), num(y))),
            ],
            false,
        );
        self.buf.push_str(&esc(text));
        self.buf.push_str("</text>\n");
    }

    /// Closes the document and returns it.
    pub fn finish(mut self) -> String {
        self.buf.push_str("</svg>\n");
        self.buf
    }
}

fn points_attr(points: &[(f64, f64)]) -> String {
    points.iter().map(|&(x, y)| format!("{},{}", num(x), num(y))).collect::<Vec<_>>().join(" ")
}

/// A linear map from data `[d0, d1]` to drawing coordinates `[r0, r1]`.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    /// Data at the start.
    pub d0: f64,
    /// Data at the end.
    pub d1: f64,
    /// Coordinate of `d0`.
    pub r0: f64,
    /// Coordinate of `d1`.
    pub r1: f64,
}

impl Scale {
    /// The coordinate of data value `x` (the middle of the range when the domain is empty).
    pub fn at(&self, x: f64) -> f64 {
        if self.d1 == self.d0 {
            return 0.5 * (self.r0 + self.r1);
        }
        self.r0 + (x - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)
    }
}

/// About `n` evenly spaced round ticks covering `[lo, hi]`: steps of 1, 2 or
/// 5 × 10^k; the first tick is at or below `lo` and the last at or above `hi`.
pub fn nice_ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() { (lo.min(hi), lo.max(hi)) } else { (0.0, 1.0) };
    let (lo, hi) = if hi - lo < 1e-12 * hi.abs().max(1.0) {
        if lo == 0.0 {
            (0.0, 1.0)
        } else {
            (lo - 0.5 * lo.abs(), hi + 0.5 * hi.abs())
        }
    } else {
        (lo, hi)
    };
    let raw = (hi - lo) / n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw * (1.0 - 1e-9)).unwrap_or(10.0 * mag);
    let first = (lo / step).floor();
    let last = (hi / step).ceil();
    let count = (last - first) as i64;
    (0..=count).map(|i| (first + i as f64) * step).map(|v| if v.abs() < step * 1e-9 { 0.0 } else { v }).collect()
}

/// A rough width of `text` at font size `size`: wide enough for layout.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.56
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_in_text_and_attributes() {
        assert_eq!(
            esc("<script>alert(1)</script> & \"q\" 'a'"),
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; &#39;a&#39;"
        );
        let mut s = Svg::new("c\"1", 100.0, 50.0, "T <b>", "D & d");
        s.text((1.0, 2.0), Anchor::Start, 11.0, "normal", "</text><script>x</script>");
        s.vtext((1.0, 2.0), 11.0, "<y>");
        s.el("rect", &[("fill", "\"/><script>".into())]);
        let out = s.finish();
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("<b>"));
        assert!(out.contains("&lt;/text&gt;&lt;script&gt;x&lt;/script&gt;"));
        assert!(out.contains("id=\"c&quot;1-title\""));
        assert!(out.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(out.ends_with("</svg>\n"));
    }

    #[test]
    fn control_characters_do_not_break_the_xml() {
        assert_eq!(esc("a\u{0}b\u{1b}c\td"), "a\u{FFFD}b\u{FFFD}c\td");
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.256), "1.26");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(num(120.5), "120.5");
    }

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(nice_ticks(0.0, 1.0, 5), vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]);
        let t = nice_ticks(1.43e6, 3.75e6, 5);
        assert!(t[0] <= 1.43e6 && *t.last().unwrap() >= 3.75e6);
        assert_eq!(t[1] - t[0], 500_000.0);
        let t = nice_ticks(-28_100.0, 141_000.0, 5);
        assert!(t.contains(&0.0), "{t:?}");
        assert_eq!(nice_ticks(5.0, 5.0, 4).first().copied(), Some(2.0));
        assert_eq!(nice_ticks(0.0, 0.0, 4), vec![0.0, 0.5, 1.0]);
        assert!(nice_ticks(f64::NAN, 1.0, 4).len() >= 2);
        for (lo, hi) in [(0.0, 7.3), (2.0e9, 9.9e10), (0.001, 0.0123), (-5.0, -1.0)] {
            let t = nice_ticks(lo, hi, 5);
            assert!(t.len() >= 3 && t.len() <= 12, "{lo} {hi} {t:?}");
            assert!(t.windows(2).all(|w| w[1] > w[0]));
        }
    }

    #[test]
    fn scale_maps_ends_and_middle() {
        let s = Scale { d0: 0.0, d1: 10.0, r0: 100.0, r1: 0.0 };
        assert_eq!(s.at(0.0), 100.0);
        assert_eq!(s.at(10.0), 0.0);
        assert_eq!(s.at(5.0), 50.0);
        assert_eq!(Scale { d0: 1.0, d1: 1.0, r0: 0.0, r1: 10.0 }.at(1.0), 5.0);
    }
}
