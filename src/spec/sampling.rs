//! `[simulation] sampling` (SPEC 6.7): how the engine draws its paths and
//! estimates a mean. See docs/model.md, "Sampling", for each method's
//! estimator and standard error.

/// A sampling method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sampling {
    /// Plain Monte Carlo: independent paths, release 1 bit for bit.
    Random,
    /// Antithetic pairs: every second path takes the first's draws mirrored
    /// (normals negated, uniforms `u -> 1 - u`); standard errors from the
    /// pair means. The default: the smallest error per second on the
    /// canonical benchmark (docs/performance.md, "Sampling").
    #[default]
    Antithetic,
    /// Plain Monte Carlo paths, with each offer's means of cost and savings
    /// corrected by control variates (the in-scope list spend by quarter, whose
    /// mean is known in closed form); standard errors from the regression
    /// residuals.
    Control,
    /// Antithetic pairs and control variates on the pair means.
    AntitheticControl,
}

impl Sampling {
    /// Every method, in the order the documentation lists them.
    pub const ALL: [Sampling; 4] =
        [Sampling::Random, Sampling::Antithetic, Sampling::Control, Sampling::AntitheticControl];

    /// Its name in scenario files, on the command line and in the JSON.
    pub fn name(self) -> &'static str {
        match self {
            Sampling::Random => "random",
            Sampling::Antithetic => "antithetic",
            Sampling::Control => "control",
            Sampling::AntitheticControl => "antithetic-control",
        }
    }

    /// The method named `s`, if any.
    pub fn parse(s: &str) -> Option<Sampling> {
        Sampling::ALL.into_iter().find(|m| m.name() == s)
    }

    /// Whether paths come in antithetic pairs.
    pub fn antithetic(self) -> bool {
        matches!(self, Sampling::Antithetic | Sampling::AntitheticControl)
    }

    /// Whether means are corrected by control variates.
    pub fn control(self) -> bool {
        matches!(self, Sampling::Control | Sampling::AntitheticControl)
    }

    /// The same method without control variates (when a scenario has no
    /// closed form for them).
    pub fn without_control(self) -> Sampling {
        if self.antithetic() {
            Sampling::Antithetic
        } else {
            Sampling::Random
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_the_default_is_antithetic() {
        for m in Sampling::ALL {
            assert_eq!(Sampling::parse(m.name()), Some(m));
        }
        assert_eq!(Sampling::parse("sobol"), None);
        assert_eq!(Sampling::default(), Sampling::Antithetic);
        assert!(Sampling::default().antithetic() && !Sampling::default().control());
        assert_eq!(Sampling::AntitheticControl.without_control(), Sampling::Antithetic);
        assert_eq!(Sampling::Control.without_control(), Sampling::Random);
    }
}
