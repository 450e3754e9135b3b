//! The brief as Markdown: the same content as the HTML, with each chart
//! written beside it as an SVG file (`brief.md` → `brief-charts/costs.svg`, …)
//! and linked as an image.
//!
//! Rendered by minijinja from `templates/brief.md` with Markdown escaping on
//! for every value (see [`crate::report::escape::markdown`]); the image links are
//! built here and percent-encoded.

use std::path::{Path, PathBuf};

use minijinja::value::Serde;
use minijinja::{context, Value};
use serde::Serialize;

use super::charts::Chart;
use super::template::{environment, render_error};
use super::Brief;
use crate::error::Result;

/// The Markdown template.
const TEMPLATE: &str = include_str!("templates/brief.md");

/// The folder the charts of a Markdown brief written to `out` go into:
/// `<stem>-charts` beside it.
pub fn chart_dir(out: &Path) -> PathBuf {
    let stem = out.file_stem().map_or_else(|| "brief".into(), |s| s.to_string_lossy().into_owned());
    out.with_file_name(format!("{stem}-charts"))
}

/// Percent-encodes a relative link: unreserved characters and `/` stay.
fn encode_link(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Renders the Markdown of a brief written to `out`; the charts are linked
/// as `<stem>-charts/<id>.svg`.
pub fn render(b: &Brief, charts: &[Chart], out: &Path) -> Result<String> {
    let dir = chart_dir(out);
    let dir_name = dir.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let figures: Vec<Figure> = charts
        .iter()
        .map(|c| Figure {
            id: c.id.clone(),
            title: c.title.clone(),
            caption: c.caption.clone(),
            link: encode_link(&format!("{dir_name}/{}.svg", c.id)),
        })
        .collect();
    let env = environment(&b.currency, "brief.md", TEMPLATE)?;
    let tmpl = env.get_template("brief.md").map_err(render_error)?;
    tmpl.render(context! { b => Value::from(Serde(b)), charts => Value::from(Serde(&figures)) }).map_err(render_error)
}

/// A chart as the Markdown links it.
#[derive(Serialize)]
struct Figure {
    id: String,
    title: String,
    caption: String,
    /// Relative, percent-encoded path of the SVG file (only `A-Za-z0-9-.~/%`).
    link: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_go_beside_the_file_and_links_are_encoded() {
        assert_eq!(chart_dir(Path::new("out/brief.md")), PathBuf::from("out/brief-charts"));
        assert_eq!(chart_dir(Path::new("a b.md")), PathBuf::from("a b-charts"));
        assert_eq!(encode_link("a b(1)/costs.svg"), "a%20b%281%29/costs.svg");
    }
}
