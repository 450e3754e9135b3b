//! The brief as one self-contained HTML file: inline CSS and SVG, no script,
//! no external resource, a print stylesheet for A4 and Letter.
//!
//! The page is rendered by minijinja from `templates/brief.html`, with HTML
//! auto-escaping on (the template's name ends in `.html`): every string that
//! came from an input file (offer, workload, vendor names, asks, sources) is
//! escaped on output. The one exception is each chart's SVG, marked `safe`
//! in the template because [`super::svg`] already escaped every text and
//! attribute in it. Numbers shown in tables also sit, unformatted, in
//! `data-value` attributes, so that tests (and other programs) can compare
//! them with the JSON of `simulate`, `sweep` and `score`.

use minijinja::value::Serde;
use minijinja::{context, Value};

use super::charts::Chart;
use super::template::{environment, render_error};
use super::Brief;
use crate::error::Result;

/// The HTML template.
const TEMPLATE: &str = include_str!("templates/brief.html");

/// Renders the brief with its charts inline.
pub fn render(b: &Brief, charts: &[Chart]) -> Result<String> {
    let env = environment(&b.currency, "brief.html", TEMPLATE)?;
    let tmpl = env.get_template("brief.html").map_err(render_error)?;
    tmpl.render(context! { b => Value::from(Serde(b)), charts => Value::from(Serde(charts)) }).map_err(render_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_strings_are_escaped_and_filters_format() {
        let env = environment("USD", "t.html", "<p title=\"{{ s }}\">{{ s }} {{ x|money }} {{ x|num }}</p>").unwrap();
        let out = env
            .get_template("t.html")
            .unwrap()
            .render(context! { s => "<script>alert(1)</script>\"", x => 1234567.5 })
            .unwrap();
        assert_eq!(
            out,
            "<p title=\"&lt;script&gt;alert(1)&lt;&#x2f;script&gt;&quot;\">&lt;script&gt;alert(1)&lt;&#x2f;script&gt;&quot; $1.23M 1234567.5</p>"
        );
    }

    #[test]
    fn control_characters_of_input_strings_are_made_visible() {
        let env = environment("USD", "t.html", "<p>{{ s }}</p>").unwrap();
        let out = env.get_template("t.html").unwrap().render(context! { s => "a\u{1b}]0;t\u{7}<b>" }).unwrap();
        assert_eq!(out, "<p>a\\u{1b}]0;t\\u{7}&lt;b&gt;</p>");
    }

    #[test]
    fn a_missing_field_is_an_error_not_an_empty_string() {
        let env = environment("USD", "t.html", "{{ nope.x }}").unwrap();
        assert!(env.get_template("t.html").unwrap().render(context! {}).is_err());
    }
}
