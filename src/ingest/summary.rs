//! What a history file was read into, for `validate --format json` (SPEC
//! 6.4): per series its months and, per token class, one whole number per
//! month as the file states it, before any partial-month scaling (a scaled
//! month is divided by its factor again and rounded: the file's own counts
//! are whole tokens, so the division gives them back exactly).

use serde::Serialize;

use super::{Classes, History};

/// One series as read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeriesRead {
    /// Workload name.
    pub workload: String,
    /// Model id (a catalog id when a catalog was given).
    pub model: String,
    /// `YYYY-MM` of each month, consecutive.
    pub months: Vec<String>,
    /// Tokens per class, one number per month.
    pub tokens: ClassRows,
}

/// Tokens per class, one number per month (see [`Classes`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ClassRows {
    /// Uncached input, without cache writes.
    pub input: Vec<u64>,
    /// Cached input.
    pub cached: Vec<u64>,
    /// Short-lived cache writes.
    pub cache_write: Vec<u64>,
    /// Long-lived cache writes.
    pub cache_write_long: Vec<u64>,
    /// Output.
    pub output: Vec<u64>,
    /// Tokens of all classes sent through a batch API.
    pub batch: Vec<u64>,
    /// Total tokens, for a file that counts only those (`total_tokens`; the
    /// classes above are then 0); absent otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub total: Vec<u64>,
}

impl ClassRows {
    fn push(&mut self, c: &Classes) {
        self.input.push(c.input);
        self.cached.push(c.cached);
        self.cache_write.push(c.cache_write);
        self.cache_write_long.push(c.cache_write_long);
        self.output.push(c.output);
        self.batch.push(c.batch);
    }
}

/// The series of `h`, unscaled, class by class: a vendor preset's classes
/// where it kept them, else the series' own (uncached input, cached, output).
pub fn series_read(h: &History) -> Vec<SeriesRead> {
    h.series
        .iter()
        .map(|s| {
            let mut tokens = ClassRows::default();
            let mut months = Vec::with_capacity(s.months.len());
            for (k, u) in s.months.iter().enumerate() {
                let month = s.first.plus(k as i32);
                months.push(month.to_string());
                let factor = h.scaled.iter().find(|(m, _)| *m == month).map_or(1.0, |(_, f)| *f);
                let whole = |v: f64| (v / factor).round().max(0.0) as u64;
                if h.total_only {
                    tokens.push(&Classes::default());
                    tokens.total.push(whole(u.input));
                    continue;
                }
                let c = if h.classes.is_empty() {
                    Classes {
                        input: whole(u.input),
                        cached: whole(u.cached),
                        cache_write: whole(u.cache_write),
                        cache_write_long: whole(u.cache_write_long),
                        output: whole(u.output),
                        ..Classes::default()
                    }
                } else {
                    h.classes.get(&(s.workload.clone(), s.model.clone(), month)).copied().unwrap_or_default()
                };
                tokens.push(&c);
            }
            SeriesRead { workload: s.workload.clone(), model: s.model.clone(), months, tokens }
        })
        .collect()
}
