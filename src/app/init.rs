//! `commitsim init DIR`: a starting point, the shipped example and catalog.

use std::path::Path;

use anyhow::{Context, Result};

use crate::report::escape::terminal;

const FILES: [(&str, &str); 2] = [
    ("example.toml", include_str!("../../scenarios/example.toml")),
    ("prices.toml", include_str!("../../scenarios/prices.toml")),
];

pub fn run(dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        let why = format!("cannot write the example into {}: it exists and is not a folder", dir.display());
        return Err(crate::Error::Usage(why).into());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create folder {}", dir.display()))?;
    for (name, text) in FILES {
        let path = dir.join(name);
        if path.exists() {
            eprintln!("kept existing {}", terminal(&path.display().to_string()));
            continue;
        }
        super::output::write_atomic(&path, text.as_bytes(), &[])?;
        println!("wrote {}", terminal(&path.display().to_string()));
    }
    println!("next: commitsim simulate {}", terminal(&dir.join("example.toml").display().to_string()));
    Ok(())
}
