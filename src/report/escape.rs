//! Escaping rules, one per output format, for every string that came from an
//! input file or the command line (offer, workload, vendor, product and file
//! names, asks, notes). docs/json.md, "Text from input files in outputs",
//! states the rules:
//!
//! - a terminal (the table format, warnings, error messages): control
//!   characters are written as a visible `\u{…}` escape ([`terminal`]);
//! - CSV: a text cell that a spreadsheet would run as a formula (first
//!   character `=`, `+`, `-`, `@`, tab or carriage return) gets a leading
//!   `'` ([`csv_cell`]; OWASP's advice against CSV injection), numbers never;
//! - Markdown: every character that could start markup (emphasis, code,
//!   links, images, HTML, autolinks, a table cell) is backslashed or written
//!   as an entity ([`markdown`]); identifiers shown as code go through
//!   [`code_span`];
//! - JSON: control characters of the C1 range and DEL, which JSON allows
//!   raw, are written as `\u` escapes too ([`json`]); the values are unchanged.
//!
//! A leaf of `report`: the HTML and Markdown brief use the same functions.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io;

/// Whether `c` is a control character a terminal may act on: C0 (including
/// tab, line feed and carriage return: callers keep the ones their format
/// needs), DEL, C1 (ESC `[`'s one-character form CSI is U+009B), and the
/// Unicode bidirectional overrides and isolates, which reorder what is shown.
pub fn is_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Writes control character `c` as the visible escape `\u{1b}`.
fn push_escape(out: &mut String, c: char) {
    let _ = write!(out, "\\u{{{:x}}}", c as u32);
}

/// `s` with every control character but line feed and tab written as a
/// visible `\u{…}` escape: for text shown on a terminal (the table format,
/// warnings and error messages). Borrowed when there is nothing to escape.
pub fn terminal(s: &str) -> Cow<'_, str> {
    escape_controls(s, |c| c == '\n' || c == '\t')
}

/// `s` with every control character except those `keep` accepts escaped.
fn escape_controls(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(|c| is_control(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_control(c) && !keep(c) {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A CSV cell as written: a number (`-12.5`, `3e-7`) as it is; text with
/// its control characters escaped as for a terminal (line feeds and tabs
/// kept: the CSV writer quotes them), and a leading `'` when it starts with
/// `=`, `+`, `-`, `@`, tab or carriage return, so that a spreadsheet shows
/// it as text instead of running it as a formula (OWASP, "CSV Injection").
pub fn csv_cell(s: &str) -> Cow<'_, str> {
    if is_number(s) {
        return Cow::Borrowed(s);
    }
    let text = escape_controls(s, |c| c == '\n' || c == '\t');
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => text,
    }
}

/// Whether `s` is a plain decimal number (`-12`, `0.25`, `1.5e-7`): what
/// the report writers put in number cells, and what a spreadsheet reads as a
/// number, never as a formula.
pub fn is_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let from = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > from
    };
    if !digits(&mut i) {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == b.len()
}

/// Escapes text for Markdown, in a table cell or running text: characters
/// that would start emphasis, strike-through, code, links, images, HTML, an
/// entity, a heading or a table cell are backslashed or written as entities;
/// autolinks (`https://…`, `www.…`, `name@host`) are broken by a backslash
/// before `:`, `.` or `@`; line breaks become spaces and other control
/// characters visible `\u{…}` escapes. What a reader sees is the text as
/// written; nothing in it is live.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '!' | '~' | '@' => {
                out.push('\\');
                out.push(c);
            }
            // `scheme://`: GitHub's Markdown links a URL without brackets.
            ':' if chars.get(i + 1) == Some(&'/') && chars.get(i + 2) == Some(&'/') => out.push_str("\\:"),
            // `www.`: likewise.
            '.' if i >= 3 && chars[i - 3..i].iter().collect::<String>().eq_ignore_ascii_case("www") => {
                out.push_str("\\.")
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c if is_control(c) => push_escape(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// `s` as a Markdown code span (an identifier or file name shown as code):
/// fenced with one backtick more than the longest run of backticks in it,
/// with a space inside the fences when it starts or ends with a backtick;
/// line breaks become spaces and other control characters `\u{…}` escapes.
/// A code span shows its text literally, so nothing else needs escaping,
/// except `|` in a table cell (`in_table`), which GitHub's tables split on
/// even inside code.
pub fn code_span(s: &str, in_table: bool) -> String {
    let mut body = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' => body.push(' '),
            '|' if in_table => body.push_str("\\|"),
            c if is_control(c) => push_escape(&mut body, c),
            c => body.push(c),
        }
    }
    let (mut run, mut longest) = (0, 0);
    for c in body.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if body.starts_with('`') || body.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// An http(s) address from an input for Markdown, where it is meant to be
/// a link (a price's source): written bare, for the renderer to link as it
/// links any address, with every character that could end it or start
/// markup percent-encoded (spaces, brackets, parentheses, `*`, `_`, `~`,
/// `!`, `|`, backticks, quotes, backslashes, controls and non-ASCII bytes),
/// so that it links where it says and carries nothing else.
pub fn markdown_url(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-.:/?#@$&'+,;=%".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// JSON as `serde_json::to_string_pretty` writes it, except that DEL, the
/// C1 controls and the bidirectional overrides inside strings (which JSON
/// allows raw) are written as `\u` escapes, like the C0 controls: the same
/// values, nothing a terminal acts on.
pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut buf = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, Plain(serde_json::ser::PrettyFormatter::new()));
    value.serialize(&mut ser)?;
    // The serialiser writes only UTF-8.
    Ok(String::from_utf8(buf).unwrap_or_default())
}

/// serde_json's pretty formatter with the escapes of [`json`].
struct Plain<'a>(serde_json::ser::PrettyFormatter<'a>);

impl serde_json::ser::Formatter for Plain<'_> {
    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, w: &mut W, fragment: &str) -> io::Result<()> {
        let mut from = 0;
        for (i, c) in fragment.char_indices() {
            if is_control(c) {
                w.write_all(&fragment.as_bytes()[from..i])?;
                write!(w, "\\u{:04x}", c as u32)?;
                from = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[from..])
    }
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn numbers_stay_and_formula_text_is_quoted() {
        for n in ["0", "-12.5", "1234567.25", "1e-7", "-3.5E+12", "42"] {
            assert!(is_number(n), "{n}");
            assert_eq!(csv_cell(n), n);
        }
        for t in ["-", "-x", "1.", ".5", "1e", "--1", "inf", "NaN", "1,5", "+1", ""] {
            assert!(!is_number(t), "{t}");
        }
        assert_eq!(csv_cell("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        assert_eq!(csv_cell("+1+1"), "'+1+1");
        assert_eq!(csv_cell("-2+3"), "'-2+3");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "'\tx");
        // A carriage return is a control character: escaped, so the cell starts with `\`.
        assert_eq!(csv_cell("\rx"), "\\u{d}x");
        assert_eq!(csv_cell("List price"), "List price");
        assert_eq!(csv_cell("a\u{1b}]0;t\u{7}"), "a\\u{1b}]0;t\\u{7}");
    }

    #[test]
    fn terminal_escapes_controls_but_keeps_lines_and_tabs() {
        assert_eq!(terminal("plain ünïcode"), "plain ünïcode");
        assert!(matches!(terminal("ok"), Cow::Borrowed(_)));
        assert_eq!(
            terminal("a\u{1b}[2Jb\u{7}\r\n\tc\u{9b}d\u{202e}"),
            "a\\u{1b}[2Jb\\u{7}\\u{d}\n\tc\\u{9b}d\\u{202e}"
        );
    }

    #[test]
    fn markdown_leaves_nothing_live() {
        assert_eq!(
            markdown("![px](http://t.example/p.png) [l](u) *b* _i_ ~~s~~ `c` <b> &amp; # h | x"),
            "\\!\\[px\\](http\\://t.example/p.png) \\[l\\](u) \\*b\\* \\_i\\_ \\~\\~s\\~\\~ \\`c\\` &lt;b&gt; &amp;amp; \\# h \\| x"
        );
        assert_eq!(markdown("see www.example.com or a@b.io"), "see www\\.example.com or a\\@b.io");
        assert_eq!(markdown("Azure PTU x 150 (1-yr): 10/25/100%"), "Azure PTU x 150 (1-yr): 10/25/100%");
        assert_eq!(markdown("two\nlines\u{1b}"), "two lines\\u{1b}");
    }

    #[test]
    fn addresses_keep_their_meaning_and_lose_any_markup() {
        let plain = "https://platform.claude.com/docs/zh-CN/models/opus-5-5/overview?a=1&b=2#x";
        assert_eq!(markdown_url(plain), plain);
        assert_eq!(
            markdown_url("https://x.example/a b)![p](http://t/p.png)*_~|`\u{1b}é"),
            "https://x.example/a%20b%29%21%5Bp%5D%28http://t/p.png%29%2A%5F%7E%7C%60%1B%C3%A9"
        );
    }

    #[test]
    fn code_spans_hold_any_text_literally() {
        assert_eq!(code_span("data_usage.no_training", true), "`data_usage.no_training`");
        assert_eq!(code_span("a`b", false), "``a`b``");
        assert_eq!(code_span("`x``", false), "``` `x`` ```");
        assert_eq!(code_span("a|b", true), "`a\\|b`");
        assert_eq!(code_span("a|b", false), "`a|b`");
    }

    #[test]
    fn json_values_are_unchanged_and_c1_is_escaped() {
        let v = serde_json::json!({ "name": "a\u{9b}31mb\u{7f}\u{1b}", "x": [1.5, -2] });
        let s = json(&v).unwrap();
        assert!(s.contains("a\\u009b31mb\\u007f\\u001b"), "{s}");
        assert!(!s.chars().any(|c| is_control(c) && c != '\n'), "{s}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&s).unwrap(), v);
        let plain = serde_json::json!({ "a": { "b": [1, 2], "c": "d" } });
        assert_eq!(json(&plain).unwrap(), serde_json::to_string_pretty(&plain).unwrap());
    }

    /// Characters every rule has to deal with: formula starters, Markdown
    /// markup, controls and plain letters.
    fn hostile() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "=", "+", "-", "@", "\t", "\r", "\n", "\u{1b}", "\u{7}", "\u{9b}", "\u{202e}", "\u{7f}", "!", "[", "]",
            "(", ")", "*", "_", "`", "<", ">", "&", "|", "#", "~", "\\", ":", "//", "www.", "a", "é", " ", "1", ".",
            "e",
        ]);
        prop::collection::vec(pieces, 0..12).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn no_rule_lets_a_control_or_a_formula_through(s in hostile()) {
            let cell = csv_cell(&s);
            prop_assert!(is_number(&cell) || !cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{cell:?}");
            prop_assert!(!cell.chars().any(|c| is_control(c) && c != '\n' && c != '\t'), "{cell:?}");
            prop_assert!(!terminal(&s).chars().any(|c| is_control(c) && c != '\n' && c != '\t'));
            let md = markdown(&s);
            prop_assert!(!md.chars().any(is_control), "{md:?}");
            // Every markup character is escaped: none stands without a backslash before it.
            let b: Vec<char> = md.chars().collect();
            for (i, &c) in b.iter().enumerate() {
                if "`*_[]|#!~@".contains(c) {
                    let backslashes = b[..i].iter().rev().take_while(|&&x| x == '\\').count();
                    prop_assert!(backslashes % 2 == 1, "unescaped {c:?} in {md:?}");
                }
            }
            prop_assert!(!md.contains('<') && !md.contains('>'));
            prop_assert!(md.matches("://").count() == md.matches("\\://").count(), "live URL in {md:?}");
            let code = code_span(&s, true);
            prop_assert!(!code.chars().any(is_control));
            let v = serde_json::json!({ "s": s });
            let j = json(&v).unwrap();
            prop_assert!(!j.chars().any(|c| is_control(c) && c != '\n'));
            prop_assert_eq!(serde_json::from_str::<serde_json::Value>(&j).unwrap(), v);
        }
    }
}
