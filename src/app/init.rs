//! `commitsim init DIR`: a starting point: the shipped example scenario and
//! catalog, the contract-terms template and the default checklist, laid out
//! as in the repository (`contracts/` beside the scenario), so that the
//! commands of the README run from DIR.

use std::path::Path;

use anyhow::{Context, Result};

use crate::report::escape::terminal;

const FILES: [(&str, &str); 4] = [
    ("example.toml", include_str!("../../scenarios/example.toml")),
    ("prices.toml", include_str!("../../scenarios/prices.toml")),
    ("contracts/template.toml", include_str!("../../contracts/template.toml")),
    ("contracts/checklist.toml", crate::checklist::DEFAULT_CHECKLIST),
];

pub fn run(dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        let why = format!("cannot write the example into {}: it exists and is not a folder", dir.display());
        return Err(crate::Error::Usage(why).into());
    }
    for (name, text) in FILES {
        let path = dir.join(name);
        let folder = path.parent().unwrap_or(dir);
        std::fs::create_dir_all(folder).with_context(|| format!("cannot create folder {}", folder.display()))?;
        if path.exists() {
            eprintln!("kept existing {}", terminal(&path.display().to_string()));
            continue;
        }
        super::output::write_atomic(&path, text.as_bytes(), &[])?;
        println!("wrote {}", terminal(&path.display().to_string()));
    }
    let shown = |p: std::path::PathBuf| terminal(&p.display().to_string()).into_owned();
    println!("next: commitsim simulate {}", shown(dir.join("example.toml")));
    println!(
        "then: fill in {} with your signed terms, and write the brief: commitsim brief {} --contract {} --out brief.html",
        shown(dir.join("contracts/template.toml")),
        shown(dir.join("example.toml")),
        shown(dir.join("contracts/template.toml"))
    );
    Ok(())
}
