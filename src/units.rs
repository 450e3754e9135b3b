//! Number formatting for people, one rule per unit for every report and the
//! brief: money and token counts with SI-style suffixes, percentages, plain
//! thousands separators, a commitment level in its unit, and text clipping
//! and wrapping. A leaf: it imports nothing from the crate.

/// `$1.23M`-style money (the currency symbol for USD/EUR/GBP, else a code prefix).
pub fn money(x: f64, currency: &str) -> String {
    money_to(x, currency, 0)
}

/// [`money`] with `extra` more significant digits: `$2.3712M` at 2.
pub fn money_to(x: f64, currency: &str, extra: usize) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let sym = match currency {
        "USD" => "$".to_string(),
        "EUR" => "€".to_string(),
        "GBP" => "£".to_string(),
        c => format!("{c} "),
    };
    let digits = si_to(x.abs(), extra);
    format!("{}{sym}{digits}", sign(x, &digits))
}

/// The fewest extra digits (0 to 2) at which [`money_to`] prints a column's
/// neighbouring values differently wherever they differ by more than one
/// part in 10,000 of the column's largest value: a table of levels then
/// separates its rows, and differences of rounding stay unprinted.
pub fn separating_digits(xs: &[f64]) -> usize {
    let scale = xs.iter().filter(|x| x.is_finite()).fold(0.0, |m: f64, x| m.max(x.abs()));
    (0..=2)
        .find(|&extra| {
            xs.windows(2).all(|w| {
                let (a, b) = (w[0], w[1]);
                (a - b).abs() <= 1e-4 * scale || money_to(a, "", extra) != money_to(b, "", extra)
            })
        })
        .unwrap_or(2)
}

/// `-` for a negative number whose printed digits are not all zero: a value
/// that rounds to zero is shown as zero, never `-$0.00`, `-0` or `-0.0%`.
fn sign(x: f64, digits: &str) -> &'static str {
    if x < 0.0 && digits.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        "-"
    } else {
        ""
    }
}

/// `12.3B`-style counts.
pub fn count(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let digits = si(x.abs());
    format!("{}{digits}", sign(x, &digits))
}

fn si(a: f64) -> String {
    si_to(a, 0)
}

/// Three significant digits and `extra` more, with an SI suffix.
fn si_to(a: f64, extra: usize) -> String {
    let (v, suffix) = if a >= 1e12 {
        (a / 1e12, "T")
    } else if a >= 1e9 {
        (a / 1e9, "B")
    } else if a >= 1e6 {
        (a / 1e6, "M")
    } else if a >= 1e3 {
        (a / 1e3, "k")
    } else {
        (a, "")
    };
    let digits = if v >= 100.0 {
        0
    } else if v >= 10.0 {
        1
    } else {
        2
    };
    let digits = if suffix.is_empty() && a.fract() == 0.0 { 0 } else { digits + extra };
    format!("{v:.digits$}{suffix}")
}

/// `12.3%`.
pub fn pct(x: f64) -> String {
    pct_to(x, 1)
}

/// A percentage to `decimals` decimals: `pct_to(0.0931, 2)` is `9.31%`.
pub fn pct_to(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let digits = format!("{:.decimals$}", (100.0 * x).abs());
    format!("{}{digits}%", sign(x, &digits))
}

/// A change in percentage points to one decimal, always signed: `+1.5`,
/// `-0.3`, and `+0.0` for a change that rounds to zero (never `-0.0`).
pub fn points(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let digits = format!("{:.1}", (100.0 * x).abs());
    let sign = sign(x, &digits);
    format!("{}{digits}", if sign.is_empty() { "+" } else { sign })
}

/// `1,234,567` (rounded to an integer).
pub fn thousands(x: f64) -> String {
    let s = format!("{:.0}", x.abs());
    let neg = !sign(x, &s).is_empty();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if neg {
        format!("-{out}")
    } else {
        out
    }
}

/// Cuts `s` to `width` characters, ending with `…` when cut.
pub fn clip(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Word-wraps `text` to lines of at most `width` characters: the first line
/// starts with `first`, the others with `indent` spaces. A word longer than a
/// line is put on a line of its own.
pub fn wrap(text: &str, width: usize, first: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        let len = line.chars().count();
        if !empty && len + 1 + word.chars().count() > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = pad.clone();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

/// The file name without folder and extension (`contracts/openai.toml` → `openai`).
pub fn file_stem(file: &str) -> String {
    std::path::Path::new(file).file_stem().map_or_else(|| file.to_string(), |s| s.to_string_lossy().into_owned())
}

/// A level in its unit: money per period, tokens per period, or units.
pub fn level(x: f64, unit: &str, cur: &str) -> String {
    match unit {
        "usd" => money(x, cur),
        "tokens" => format!("{} tok", count(x)),
        _ => {
            let digits = format!("{}", ((x * 10.0).round() / 10.0).abs());
            format!("{}{digits} u", sign(x, &digits))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(money(1_234_567.0, "USD"), "$1.23M");
        assert_eq!(money(-45_600.0, "USD"), "-$45.6k");
        assert_eq!(money(0.0, "USD"), "$0");
        assert_eq!(money(250.0, "CHF"), "CHF 250");
        assert_eq!(count(3.2e12), "3.20T");
        assert_eq!(pct(0.1234), "12.3%");
        assert_eq!(thousands(1234567.4), "1,234,567");
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(wrap("aa bb cc dd", 8, "1. ", 3), "1. aa bb\n   cc dd\n");
        assert_eq!(wrap("short", 80, "", 2), "short\n");
        assert_eq!(file_stem("contracts/openai.toml"), "openai");
    }

    #[test]
    fn a_column_gets_the_digits_that_separate_its_rows() {
        assert_eq!(money_to(2_371_234.0, "USD", 2), "$2.3712M");
        assert_eq!(money_to(80_234.0, "USD", 1), "$80.23k");
        // $2.37M twice, yet the two differ by $4k: one more digit separates them.
        assert_eq!(separating_digits(&[2_371_000.0, 2_367_000.0, 2_340_000.0]), 1);
        assert_eq!(separating_digits(&[2_371_000.0, 2_370_600.0]), 2);
        // Equal neighbours, or neighbours within 1/10,000 of the largest, need nothing.
        assert_eq!(separating_digits(&[2_370_000.0, 2_370_000.0, 2_340_000.0]), 0);
        assert_eq!(separating_digits(&[2_370_000.0, 2_370_100.0]), 0);
        assert_eq!(separating_digits(&[0.0, -3.6e-12, 29_700.0]), 0);
        // Never more than five significant digits.
        assert_eq!(separating_digits(&[1_000_000.0, 1_000_000.0 + 0.00011 * 1e6]), 2);
        assert_eq!(separating_digits(&[]), 0);
    }

    #[test]
    fn what_rounds_to_zero_has_no_sign() {
        // -2.27e-13 is what rounding leaves of a sum that is zero by construction.
        for x in [-2.27e-13, -0.0, -0.004] {
            assert_eq!(money(x, "USD"), money(x.abs(), "USD"), "{x}");
            assert!(money(x, "USD").starts_with("$0"), "{x}");
            assert_eq!(money(x, "EUR").chars().next(), Some('€'));
            assert!(!count(x).starts_with('-'), "{x}: {}", count(x));
            assert_eq!(pct(x / 100.0), "0.0%");
            assert_eq!(pct(-0.0004), "0.0%");
            assert_eq!(thousands(x), "0");
            assert_eq!(level(x, "units", "USD"), "0 u");
            assert_eq!(level(x, "tokens", "USD").chars().next(), Some('0'));
        }
        // A negative figure that shows a digit keeps its sign.
        assert_eq!(money(-0.006, "USD"), "-$0.01");
        assert_eq!(pct(-0.0006), "-0.1%");
        assert_eq!(pct_to(-0.00004, 2), "0.00%");
        assert_eq!(pct_to(0.0931, 2), "9.31%");
        assert_eq!(thousands(-0.6), "-1");
        assert_eq!(count(-1500.0), "-1.50k");
        assert_eq!(level(-0.06, "units", "USD"), "-0.1 u");
        assert_eq!(points(-0.0004), "+0.0");
        assert_eq!(points(-0.0), "+0.0");
        assert_eq!(points(0.015), "+1.5");
        assert_eq!(points(-0.003), "-0.3");
    }
}
