//! The `commitsim` command: parse, run, map errors to exit codes.

use std::io::ErrorKind;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match commitsim::cli::Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version: clap's own text, styled for a terminal.
        Err(e) if !e.use_stderr() => e.exit(),
        // A usage error quotes what was typed: its control characters made visible.
        Err(e) => {
            eprint!("{}", commitsim::api::terminal(&e.render().to_string()));
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    match commitsim::app::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // A closed pipe (`| head`) is not a failure.
            if err
                .chain()
                .any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == ErrorKind::BrokenPipe))
            {
                return ExitCode::SUCCESS;
            }
            // Names from inputs reach the terminal here: their control characters made visible.
            let alert =
                err.chain().any(|c| matches!(c.downcast_ref::<commitsim::Error>(), Some(commitsim::Error::Alert(_))));
            eprintln!("{}: {}", if alert { "alert" } else { "error" }, commitsim::api::terminal(&message(&err)));
            let code =
                err.chain().find_map(|c| c.downcast_ref::<commitsim::Error>()).map_or(1, commitsim::Error::exit_code);
            ExitCode::from(code)
        }
    }
}

/// The error and its causes, joined by ": ", leaving out a cause whose text
/// the message already ends with (an I/O error both named in a message and
/// kept as its source would otherwise be printed twice).
fn message(err: &anyhow::Error) -> String {
    let mut msg = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if msg.ends_with(&text) {
            continue;
        }
        if !msg.is_empty() {
            msg.push_str(": ");
        }
        msg.push_str(&text);
    }
    msg
}
