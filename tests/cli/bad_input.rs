//! Every class of mistake a user can make exits with status 2 and a message
//! naming the file, the key and what is expected; never a panic.

use crate::util::{catalog, cmd, Dir};

const GOOD: &str = r#"name = "t"
start = "2027-01"
horizon_months = 12
catalog = "prices.toml"

[simulation]
paths = 200
seed = 1

[forecast]
correlation = 0.5
damping = 0.98

[risk]
baseline = "List"

[[workloads]]
name = "w"
model = "m"
monthly_tokens = 1.0e9
input_share = 0.6
output_share = 0.3
cached_share = 0.1
growth_annual = { dist = "uniform", min = 0.0, max = 0.5 }
volatility_monthly = 0.1

[[offers]]
name = "List"
kind = "payg"

[[offers]]
name = "C"
kind = "commit"
period = "year"
amount = 50000
discount = 0.1
rollover_fraction = 0.2

[[offers]]
name = "P"
kind = "provisioned"
units = 20
unit_price = 1.0
tokens_per_minute_per_unit = 1000
load = { peak_to_mean = 3.0 }
"#;

/// Runs `simulate` on GOOD with `from` replaced by `to`: its output and standard error.
#[track_caller]
fn simulate_changed(from: &str, to: &str) -> (std::process::Output, String) {
    assert!(GOOD.contains(from), "fixture lacks {from:?}");
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let s = d.write("scenario.toml", &GOOD.replacen(from, to, 1));
    let out = cmd().arg("simulate").arg(&s).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, err)
}

/// Runs `simulate` on GOOD with `from` replaced by `to`; expects exit 2 and
/// every one of `needles` in standard error.
#[track_caller]
fn rejects(from: &str, to: &str, needles: &[&str]) {
    let (out, err) = simulate_changed(from, to);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("scenario.toml"), "no file name in: {err}");
    for n in needles {
        assert!(err.contains(n), "expected {n:?} in: {err}");
    }
}

#[test]
fn the_fixture_itself_is_valid() {
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let s = d.write("scenario.toml", GOOD);
    cmd().arg("simulate").arg(&s).assert().success();
}

#[test]
fn toml_syntax_error_names_the_line() {
    rejects("[[workloads]]", "[[workloads]", &["scenario.toml:17"]);
}

#[test]
fn unknown_key_names_the_closest_valid_key() {
    rejects(
        "monthly_tokens = 1.0e9",
        "monthly_tokns = 1.0e9",
        &["scenario.toml:20", "workloads[0]", "unknown key `monthly_tokns`", "did you mean `monthly_tokens`"],
    );
    rejects("[risk]", "[risks]", &["unknown key `risks`", "did you mean `risk`"]);
    rejects("rollover_fraction = 0.2", "roll_over_fraction = 0.2", &["offers[1]", "did you mean `rollover_fraction`"]);
}

#[test]
fn wrong_type_names_key_and_expected_type() {
    rejects(
        "monthly_tokens = 1.0e9",
        "monthly_tokens = \"lots\"",
        &["workloads[0].monthly_tokens", "expected a number"],
    );
    rejects("horizon_months = 12", "horizon_months = 12.5", &["horizon_months"]);
    rejects("units = 20", "units = [20]", &["offers[2].units"]);
}

/// SPEC 6.1's mix and traffic keys: bad shares name their key.
#[test]
fn token_class_and_tier_shares_are_checked() {
    rejects(
        "cached_share = 0.1",
        "cached_share = 0.05\ncache_write_share = 0.1",
        &["workloads[0].input_share", "cache_write_share", "sum to 1"],
    );
    rejects(
        "cached_share = 0.1",
        "cached_share = 0.1\ncache_write_long_share = -0.1",
        &["workloads[0].cache_write_long_share", "[0, 1]"],
    );
    rejects(
        "cached_share = 0.1",
        "cached_share = 0.1\nbatch_share = 0.5\npriority_share = 0.3\nflex_share = 0.3",
        &["workloads[0].flex_share", "at most 1", "standard tier"],
    );
    rejects(
        "cached_share = 0.1",
        "cached_share = 0.1\nlong_context_share = 1.5",
        &["workloads[0].long_context_share", "[0, 1]"],
    );
    rejects("cached_share = 0.1", "cached_share = 0.1\nregional = \"yes\"", &["workloads[0].regional"]);
}

/// The catalog's SPEC 6.1 keys: bad values name their key and line.
#[test]
fn catalog_multipliers_and_long_context_are_checked() {
    let bad = |extra: &str, needles: &[&str]| {
        let d = Dir::new();
        d.write("prices.toml", &catalog(extra));
        let s = d.write("scenario.toml", GOOD);
        let out = cmd().arg("simulate").arg(&s).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "stderr: {err}");
        assert!(err.contains("prices.toml"), "{err}");
        for n in needles {
            assert!(err.contains(n), "expected {n:?} in: {err}");
        }
    };
    bad("priority_multiplier = 0", &["model[0].priority_multiplier", "(0, 10]"]);
    bad("regional_multiplier = 11", &["model[0].regional_multiplier"]);
    bad("cache_write_per_mtok = -1", &["model[0].cache_write_per_mtok", ">= 0"]);
    bad("long_context = { above = 0, input = 2 }", &["model[0].long_context.above"]);
    bad("long_context = { above = 1000, output = -1.5 }", &["model[0].long_context.output"]);
    bad("long_context = { above = 1000, outputs = 1.5 }", &["unknown", "outputs", "did you mean `output`"]);
    bad(
        "[[model.schedule]]\nfrom = \"2027-03\"\nflex_multiplier = 20",
        &["model[0].schedule[0].flex_multiplier", "prices.toml:"],
    );
    // Retirements: a successor is required, must be in the catalog, and the chain may not loop.
    bad("retires = \"2027-06\"", &["model[0].successor", "needs `successor`"]);
    bad("retires = \"2027-06\"\nsuccessor = \"nn\"", &["model[0].successor", "unknown model `nn`", "did you mean `n`"]);
    bad("retires = \"June\"\nsuccessor = \"n\"", &["model[0].retires", "YYYY-MM"]);
    bad("successor = \"n\"", &["model[0].successor", "needs `retires`"]);
    bad("retires = \"2027-06\"\nsuccessor = \"m\"", &["model[0].successor", "cannot succeed itself"]);
    bad(
        "retires = \"2027-06\"\nsuccessor = \"n\"\nsuccessor_token_ratio = 0",
        &["model[0].successor_token_ratio", "(0, 10]"],
    );
    let cycle = "retires = \"2027-06\"\nsuccessor = \"k\"\n[[model]]\nid = \"k\"\nprovider = \"p\"\n\
                 input_per_mtok = 1.0\noutput_per_mtok = 1.0\nretires = \"2027-09\"\nsuccessor = \"m\"\n";
    bad(cycle, &["model[0].successor", "cycle (m → k → m)", "prices.toml:"]);
}

/// SPEC 6.2's capacity keys: one form only, classes by name, tiers that exist.
#[test]
fn reservation_capacity_forms_are_checked() {
    let tpm = "tokens_per_minute_per_unit = 1000";
    rejects(
        tpm,
        "tokens_per_minute_per_unit = 1000\nlist_usd_per_minute_per_unit = 2.0",
        &["offers[2].list_usd_per_minute_per_unit", "one way only"],
    );
    rejects(
        tpm,
        "limits_per_unit = { input = 1000, outptu = 100 }",
        &["offers[2].limits_per_unit.outptu", "did you mean `output`"],
    );
    rejects(
        tpm,
        "limits_per_unit = { output = 100 }",
        &["offers[2].limits_per_unit", "count toward the `input` limit"],
    );
    rejects(tpm, "limits_per_unit = { input = 0, output = 100 }", &["offers[2].limits_per_unit.input"]);
    rejects(
        tpm,
        "limits_per_unit = { input = 10, output = 1 }\noutput_weight = 2",
        &["offers[2].output_weight", "tokens_per_minute_per_unit only"],
    );
    rejects(
        tpm,
        "tokens_per_minute_per_unit = 1000\noutput_weight = 2\nweights = { output = 3 }",
        &["offers[2].weights.output", "not both"],
    );
    rejects(tpm, "tokens_per_minute_per_unit = 1000\nweights = { cached = -1 }", &["offers[2].weights.cached"]);
    rejects(
        tpm,
        "tokens_per_minute_per_unit = 1000\neligible_tiers = [\"standard\", \"batch\"]",
        &["offers[2].eligible_tiers", "never served"],
    );
    rejects(
        tpm,
        "tokens_per_minute_per_unit = 1000\neligible_tiers = [\"priority\"]",
        &["offers[2].eligible_tiers", "standard tier is always served"],
    );
    rejects(tpm, "tokens_per_minute_per_unit = 1000\neligible_tiers = [\"standrd\"]", &["did you mean `standard`"]);
    rejects(tpm, "", &["offers[2].tokens_per_minute_per_unit", "missing required key", "limits_per_unit"]);
    rejects(
        "discount = 0.1",
        "discount = 0.1\nlimits_per_unit = { input = 1 }",
        &["offers[1]", "applies to provisioned offers"],
    );
    // A limit on a class the scope's traffic never uses (the fixture has no cache writes).
    rejects(
        tpm,
        "limits_per_unit = { input = 1000, output = 100, cache_write = 10 }",
        &["offers[2].limits_per_unit.cache_write", "never binds"],
    );
    // units_schedule: at the offer's start, in order, each month a valid purchase.
    let sched = |s: &str| format!("units_schedule = [{s}]");
    rejects(
        "units = 20",
        &sched("{ from = \"2027-02\", units = 20 }"),
        &["offers[2].units_schedule[0].from", "first month, 2027-01"],
    );
    rejects(
        "units = 20",
        &sched("{ from = \"2027-01\", units = 20 }, { from = \"2027-06\", units = 30 }, { from = \"2027-03\", units = 10 }"),
        &["offers[2].units_schedule[2].from", "month order"],
    );
    rejects(
        "units = 20",
        &(sched("{ from = \"2027-01\", units = 20 }, { from = \"2027-06\", units = 5 }") + "\nmin_units = 10"),
        &["offers[2].units_schedule[1].units", "below the minimum purchase of 10"],
    );
    rejects(
        "units = 20",
        &format!("units = 20\n{}", sched("{ from = \"2027-01\", units = 20 }")),
        &["offers[2].units_schedule", "not both"],
    );
}

/// An offer locked to a model that retires during its term, but not to its
/// successor, is warned about: what it commits after is stranded.
#[test]
fn an_offer_locked_to_a_retiring_model_is_warned_about() {
    let d = Dir::new();
    d.write("prices.toml", &catalog("retires = \"2027-06\"\nsuccessor = \"n\""));
    let text = GOOD.replacen("amount = 50000", "amount = 50000\nscope = { models = [\"m\"] }", 1);
    let s = d.write("scenario.toml", &text);
    let out = cmd().arg("simulate").arg(&s).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("offer `C`: model `m` retires after 2027-06; from 2027-07 its traffic runs on `n`, outside the offer's scope")
            && err.contains("stranded"),
        "{err}"
    );
    // The unscoped offers follow the traffic: no warning for them.
    assert!(!err.contains("offer `P`: model") && !err.contains("offer `List`: model"), "{err}");
}

#[test]
fn out_of_range_values() {
    rejects("monthly_tokens = 1.0e9", "monthly_tokens = -1.0e9", &["workloads[0].monthly_tokens", "from 0 to"]);
    rejects("input_share = 0.6", "input_share = 0.7", &["workloads[0].input_share", "sum to 1"]);
    rejects("discount = 0.1", "discount = 1.0", &["offers[1].discount", "[0, 1)"]);
    rejects("correlation = 0.5", "correlation = 1.5", &["forecast.correlation", "[0, 1]"]);
    rejects("damping = 0.98", "damping = 0.0", &["forecast.damping", "(0, 1]"]);
    rejects("damping = 0.98", "damping = 1.01", &["forecast.damping"]);
    rejects("peak_to_mean = 3.0", "peak_to_mean = 1.0", &["offers[2].load.peak_to_mean", "above 1"]);
    rejects("peak_to_mean = 3.0", "peak_to_mean = 20.0", &["offers[2].load.peak_to_mean", "no lognormal"]);
    rejects("rollover_fraction = 0.2", "rollover_fraction = 1.2", &["offers[1].rollover_fraction", "[0, 1]"]);
    rejects("volatility_monthly = 0.1", "volatility_monthly = -0.1", &["workloads[0].volatility_monthly"]);
    rejects("horizon_months = 12", "horizon_months = 0", &["horizon_months", "1 to 600"]);
    rejects("start = \"2027-01\"", "start = \"2027-13\"", &["start", "YYYY-MM"]);
}

#[test]
fn growth_that_would_make_volume_negative_is_rejected() {
    rejects(
        "{ dist = \"uniform\", min = 0.0, max = 0.5 }",
        "{ dist = \"normal\", mean = 0.0, sd = 0.8 }",
        &["workloads[0].growth_annual", "-100%"],
    );
}

#[test]
fn nan_and_infinity_are_rejected() {
    rejects("monthly_tokens = 1.0e9", "monthly_tokens = nan", &["workloads[0].monthly_tokens"]);
    rejects("amount = 50000", "amount = inf", &["offers[1].amount"]);
    rejects(
        "{ dist = \"uniform\", min = 0.0, max = 0.5 }",
        "{ dist = \"uniform\", min = 0.0, max = inf }",
        &["workloads[0].growth_annual", "finite"],
    );
}

#[test]
fn unknown_names_suggest_the_closest() {
    rejects("model = \"m\"", "model = \"mm\"", &["workloads[0].model", "unknown model `mm`"]);
    rejects("baseline = \"List\"", "baseline = \"Lst\"", &["risk.baseline", "did you mean `List`"]);
    rejects("kind = \"commit\"", "kind = \"comit\"", &["offers[1].kind", "did you mean `commit`"]);
    rejects(
        "units = 20",
        "units = 20\nscope = { providers = [\"pp\"] }",
        &["offers[2].scope.providers", "unknown provider `pp`"],
    );
    rejects("period = \"year\"", "period = \"yearly\"", &["offers[1].period", "month, quarter, year, term"]);
}

#[test]
fn duplicate_offer_names_and_no_offers() {
    rejects("name = \"C\"", "name = \"List\"", &["offers[1].name", "used twice"]);
    let no_offers = GOOD.split("[[offers]]").next().unwrap().to_string();
    rejects(GOOD, &no_offers, &["offers", "no offers"]);
}

#[test]
fn keys_of_another_offer_kind_are_named() {
    rejects("kind = \"payg\"", "kind = \"payg\"\nunits = 3", &["offers[0].units", "provisioned offers"]);
    rejects("load = { peak_to_mean = 3.0 }", "", &["offers[2].load", "missing required key"]);
}

#[test]
fn missing_or_bad_catalog_and_files() {
    rejects("catalog = \"prices.toml\"", "catalog = \"nope.toml\"", &["catalog", "not found"]);
    let d = Dir::new();
    let empty = d.write("empty.toml", "  \n");
    let out = cmd().arg("simulate").arg(&empty).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("empty"));
    let bin = d.path("bin.toml");
    std::fs::write(&bin, [0u8, 159, 146, 150, 0, 1]).unwrap();
    let out = cmd().arg("simulate").arg(&bin).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("binary"));
    let out = cmd().arg("simulate").arg(d.path("absent.toml")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("absent.toml"));
}

#[test]
fn catalog_errors_name_the_catalog() {
    let d = Dir::new();
    d.write("prices.toml", &catalog("").replace("input_per_mtok = 2.0", "input_per_mtok = -2.0"));
    let s = d.write("scenario.toml", GOOD);
    let out = cmd().arg("simulate").arg(&s).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains("prices.toml:8: model[0].input_per_mtok"), "{err}");
}

#[test]
fn too_many_paths_is_refused_up_front() {
    rejects("paths = 200", "paths = 500000000", &["simulation.paths", "too many"]);
    rejects("paths = 200", "paths = 10", &["simulation.paths", "at least 100"]);
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let s = d.write("scenario.toml", GOOD);
    let out = cmd().args(["simulate", "--paths", "99999999999"]).arg(&s).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--paths"));
}

#[test]
fn usage_errors_exit_2() {
    cmd().args(["simulate"]).assert().code(2);
    cmd().args(["simulate", "x.toml", "--format", "yaml"]).assert().code(2);
    cmd().args(["frobnicate"]).assert().code(2);
}

#[test]
fn output_into_a_missing_folder_fails_cleanly() {
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let s = d.write("scenario.toml", GOOD);
    let out = cmd().arg("simulate").arg(&s).arg("--out").arg(d.path("no/such/dir/r.json")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
}

/// Runs `simulate` on GOOD with `from` replaced by `to`; expects success and
/// `needle` in a warning on standard error.
#[track_caller]
fn warns(from: &str, to: &str, needle: &str) {
    let (out, err) = simulate_changed(from, to);
    assert!(out.status.success(), "stderr: {err}");
    assert!(err.contains("warning") && err.contains(needle), "expected a warning with {needle:?} in: {err}");
}

#[test]
fn an_offer_scope_no_usage_falls_in_is_a_warning() {
    let commit = "name = \"C\"\nkind = \"commit\"\n";
    warns(commit, &format!("{commit}scope = {{ providers = [\"q\"] }}\n"), "offer `C`: its scope covers none");
    warns(commit, &format!("{commit}scope = {{ models = [\"n\"] }}\n"), "its commitment or capacity is never used");
    // Routing `m` to `n` brings usage into a scope of `n`: no warning then.
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let routed = GOOD.replacen(commit, &format!("{commit}scope = {{ models = [\"n\"] }}\n"), 1).replacen(
        "[risk]",
        "[[forecast.routing]]\nfrom = \"m\"\nto = \"n\"\nshare = 0.5\nstart = \"2027-03\"\nby = \"2027-06\"\n\n[risk]",
        1,
    );
    let s = d.write("scenario.toml", &routed);
    let out = cmd().arg("simulate").arg(&s).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !err.contains("covers none"), "{err}");
}

#[test]
fn a_term_past_the_horizon_is_a_warning() {
    warns(
        "discount = 0.1\n",
        "discount = 0.1\nterm_months = 24\n",
        "offer `C`: its term (24 months) runs past the horizon (12 months)",
    );
    warns("units = 20\n", "units = 20\nterm_months = 36\n", "offer `P`: its term (36 months) runs past the horizon");
}

#[test]
fn two_discount_tiers_at_the_same_amount_are_rejected() {
    rejects(
        "discount = 0.1\n",
        "discount_tiers = [{ min_commit = 1000, discount = 0.05 }, { min_commit = 1000, discount = 0.08 }]\n",
        &["discount_tiers[1].min_commit", "already starts at 1000"],
    );
}

#[test]
fn absurd_commitments_name_the_offer_key() {
    rejects("amount = 50000", "amount = 1e300", &["offers[1].amount", "at most 1e15"]);
    rejects("units = 20", "units = 1e300", &["offers[2].units", "from 0 to 1e6"]);
}

#[test]
fn a_duplicate_key_is_named() {
    rejects("seed = 1\n", "seed = 1\nseed = 2\n", &["scenario.toml:9", "duplicate key `seed`"]);
}

#[test]
fn a_tier_period_without_tiers_is_rejected() {
    rejects("kind = \"payg\"\n", "kind = \"payg\"\ntier_period = \"year\"\n", &["offers[0].tier_period", "lacks"]);
}

#[test]
fn events_and_routing_that_change_nothing_are_warnings() {
    let event = "[[forecast.events]]\nname = \"late\"\nmodel = \"m\"\nprobability = 1.0\nstart = \"2028-03\"\n\
                 monthly_tokens = 1e9\ninput_share = 1.0\noutput_share = 0.0\n\n[risk]";
    warns("[risk]", event, "event `late` starts in 2028-03, after the horizon ends (2027-12)");
    let unused =
        "[[forecast.routing]]\nfrom = \"n\"\nto = \"m\"\nshare = 0.5\nstart = \"2027-03\"\nby = \"2027-06\"\n\n[risk]";
    warns("[risk]", unused, "forecast.routing[0] (n to m) moves nothing: no workload or event runs on `n`");
    let late =
        "[[forecast.routing]]\nfrom = \"m\"\nto = \"n\"\nshare = 0.5\nstart = \"2028-03\"\nby = \"2028-06\"\n\n[risk]";
    warns("[risk]", late, "forecast.routing[0] (m to n) starts in 2028-03, after the horizon ends");
}
