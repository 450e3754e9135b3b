//! The template environment both writers share: minijinja with escaping on
//! for every value (HTML escaping for `.html` templates, Markdown escaping
//! for `.md`: the rules of [`crate::report::escape`], which the reports
//! use too), undefined names as errors, and the number filters.

use minijinja::{
    default_auto_escape_callback, escape_formatter, AutoEscape, Environment, HtmlEscape, UndefinedBehavior,
};

use super::words::per_period;
use crate::error::Error;
use crate::report::escape;
use crate::units::{count, money, pct, thousands};
use crate::Result;

/// The error of a template that failed: a defect of commitsim, exit status 1.
pub fn render_error(e: minijinja::Error) -> Error {
    let mut message = e.to_string();
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        message.push_str(&format!(": {c}"));
        cause = c.source();
    }
    Error::Render { what: "brief", message }
}

/// An environment with `name` loaded and the number filters the brief uses:
/// `money`, `count`, `pct`, `thousands`, `level(unit)`, `per` and `num`
/// (a float as Rust writes it: the shortest text that reads back exactly).
pub fn environment(currency: &str, name: &'static str, source: &'static str) -> Result<Environment<'static>> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".md") {
            AutoEscape::Custom("markdown".into())
        } else {
            default_auto_escape_callback(name)
        }
    });
    env.set_formatter(|out, state, value| match state.auto_escape() {
        AutoEscape::Custom(_) if value.is_safe() => Ok(write!(out, "{value}")?),
        AutoEscape::Custom(_) => Ok(out.write_str(&escape::markdown(&value.to_string()))?),
        // A string from an input: its control characters made visible, then HTML-escaped.
        AutoEscape::Html if !value.is_safe() && value.as_str().is_some() => {
            Ok(write!(out, "{}", HtmlEscape(&escape::terminal(value.as_str().unwrap_or_default())))?)
        }
        _ => escape_formatter(out, state, value),
    });
    env.add_template(name, source).map_err(render_error)?;
    let cur = currency.to_string();
    env.add_filter("money", move |x: Option<f64>| x.map_or_else(|| "–".into(), |v| money(v, &cur)));
    let cur = currency.to_string();
    env.add_filter("level", move |x: f64, unit: String| crate::units::level(x, &unit, &cur));
    env.add_filter("count", |x: Option<f64>| x.map_or_else(|| "–".into(), count));
    env.add_filter("pct", |x: Option<f64>| x.map_or_else(|| "–".into(), pct));
    // A probability in a sentence: `90%`, not `90.0%`.
    env.add_filter("pct0", |x: Option<f64>| x.map_or_else(|| "–".into(), |v| pct(v).replace(".0%", "%")));
    env.add_filter("thousands", |x: f64| thousands(x));
    let cur2 = currency.to_string();
    env.add_filter("price", move |x: Option<f64>| {
        x.map_or_else(
            || "–".into(),
            |v| {
                let sym = money(0.0, &cur2);
                let sym = sym.trim_end_matches('0');
                match v {
                    v if !v.is_finite() => "–".into(),
                    v if v.abs() >= 1.0 => format!("{sym}{v:.2}"),
                    v => format!("{sym}{v:.4}"),
                }
            },
        )
    });
    env.add_filter("per", |m: Option<usize>| m.map(per_period).unwrap_or_default());
    // An address meant as a link in the Markdown (safe: every markup character is encoded).
    env.add_filter("mdurl", |s: String| minijinja::Value::from_safe_string(escape::markdown_url(&s)));
    env.add_filter("num", |x: Option<f64>| x.map_or_else(String::new, |v| format!("{v}")));
    env.add_filter("pt", |x: f64| format!("{} pt", crate::units::points(x)));
    env.add_filter("score1", |x: Option<f64>| x.map_or_else(String::new, |v| format!("{v:.1}")));
    Ok(env)
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    #[test]
    fn markdown_values_are_escaped_but_safe_ones_are_not() {
        let env = environment("USD", "t.md", "{{ s }} {{ x|money }} {{ link|safe }}").unwrap();
        let out = env
            .get_template("t.md")
            .unwrap()
            .render(context! { s => "<script>alert(1)</script> *b* [l](u) a|b", x => 2.5e6, link => "[ok](x.svg)" })
            .unwrap();
        assert_eq!(out, "&lt;script&gt;alert(1)&lt;/script&gt; \\*b\\* \\[l\\](u) a\\|b $2.50M [ok](x.svg)");
    }
}
