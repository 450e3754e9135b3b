//! The one progress bar: on standard error, hidden when quiet or when standard
//! error is not a terminal. The engine only calls a `Fn(u64)` per chunk.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar for `total` paths (hidden unless stderr is a terminal and not `quiet`).
pub fn bar(total: u64, what: &str, quiet: bool) -> ProgressBar {
    bar_of(total, what, "paths", quiet)
}

/// A progress bar for `total` things counted in `unit` (`paths`, `series`).
pub fn bar_of(total: u64, what: &str, unit: &str, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(&format!("{{msg}} [{{bar:30}}] {{pos}}/{{len}} {unit}, {{eta}} left"))
        .map(|s| s.progress_chars("=> "));
    if let Ok(style) = style {
        pb.set_style(style);
    }
    pb.set_message(what.to_string());
    pb
}
