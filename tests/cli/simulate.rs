//! `simulate` end to end: formats, determinism across thread counts, the
//! shipped example.

use crate::util::{cmd, offer, repo};

#[test]
fn same_seed_same_json_at_one_and_two_threads() {
    let run = |threads: &str| {
        let out = cmd()
            .env("RAYON_NUM_THREADS", threads)
            .args(["simulate", "--paths", "5000", "--seed", "11", "--format", "json"])
            .arg(repo("scenarios/example.toml"))
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
    };
    let one = run("1");
    assert_eq!(one, run("2"));
    let other = cmd()
        .args(["simulate", "--paths", "5000", "--seed", "12", "--format", "json"])
        .arg(repo("scenarios/example.toml"))
        .output()
        .unwrap();
    assert_ne!(one, other.stdout, "a different seed must give different numbers");
}

#[test]
fn example_json_has_the_documented_shape_and_sane_numbers() {
    let r = crate::util::simulate_json(&repo("scenarios/example.toml"), &["--paths", "4000"]);
    assert_eq!(r["tool"], "commitsim");
    assert_eq!(r["scenario"]["paths"], 4000);
    assert_eq!(r["baseline"], "List price");
    let base = offer(&r, "List price");
    assert_eq!(base["savings"]["mean"].as_f64(), Some(0.0));
    for o in r["offers"].as_array().unwrap() {
        let c = &o["cost"];
        let (p5, p50, p95, cvar) = (
            c["p5"].as_f64().unwrap(),
            c["p50"].as_f64().unwrap(),
            c["p95"].as_f64().unwrap(),
            c["cvar95"].as_f64().unwrap(),
        );
        assert!(p5 <= p50 && p50 <= p95 && p95 <= cvar, "{o}");
        assert!(c["std_error"].as_f64().unwrap() > 0.0);
        let s = &o["savings"];
        assert!(s["p5"].as_f64().unwrap() <= s["p95"].as_f64().unwrap());
        match o["kind"].as_str().unwrap() {
            "commit" => {
                assert!(o["commitment"].is_object() && o["provisioned"].is_null());
                let u = o["commitment"]["utilization_mean"].as_f64().unwrap();
                assert!((0.0..=1.0).contains(&u));
                assert!(
                    o["commitment"]["prob_overcommit"].as_f64().unwrap()
                        <= o["commitment"]["prob_unused"].as_f64().unwrap()
                );
            }
            "provisioned" => assert!(o["provisioned"].is_object() && o["commitment"].is_null()),
            _ => assert!(o["commitment"].is_null() && o["provisioned"].is_null()),
        }
    }
    // A 6% flat discount on Azure OpenAI usage only saves part of 6% of all
    // list spend; over all usage it saves exactly 6% of list on every path.
    let d = offer(&r, "Enterprise PAYG -6%");
    let ratio = d["savings"]["mean"].as_f64().unwrap() / base["cost"]["mean"].as_f64().unwrap();
    assert!(ratio > 0.0 && ratio < 0.06, "{ratio}");
    assert_eq!(d["savings"]["prob_negative"].as_f64(), Some(0.0));
    let dir = crate::util::Dir::new();
    let text = std::fs::read_to_string(crate::util::repo("scenarios/example.toml")).unwrap();
    let scope = text.lines().find(|l| l.starts_with("scope = { providers = [\"azure-openai\"] }")).unwrap();
    let all = dir.write("s.toml", &text.replace(scope, ""));
    std::fs::copy(crate::util::repo("scenarios/prices.toml"), dir.path("prices.toml")).unwrap();
    let r = crate::util::simulate_json(&all, &["--paths", "2000"]);
    let base = offer(&r, "List price");
    let d = offer(&r, "Enterprise PAYG -6%");
    let ratio = d["savings"]["mean"].as_f64().unwrap() / base["cost"]["mean"].as_f64().unwrap();
    assert!((ratio - 0.06).abs() < 1e-12, "{ratio}");
}

#[test]
fn table_fits_a_100_column_terminal_and_csv_has_one_row_per_offer() {
    let out = cmd().args(["simulate", "--paths", "1000"]).arg(repo("scenarios/example.toml")).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Anthropic commit"));
    for line in text.lines() {
        assert!(line.chars().count() <= 100, "too wide: {line}");
    }
    let csv = cmd()
        .args(["simulate", "--paths", "1000", "--format", "csv"])
        .arg(repo("scenarios/example.toml"))
        .output()
        .unwrap();
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert_eq!(csv.lines().count(), 5);
    assert!(csv.starts_with("offer,kind,cost_mean,cost_std_error"));
    let md = cmd()
        .args(["simulate", "--paths", "1000", "--format", "markdown"])
        .arg(repo("scenarios/example.toml"))
        .output()
        .unwrap();
    assert!(String::from_utf8(md.stdout).unwrap().contains("| Anthropic commit | commit |"));
}

#[test]
fn out_file_is_written_whole_and_json_matches_stdout() {
    let d = crate::util::Dir::new();
    let target = d.path("r.json");
    cmd()
        .args(["simulate", "--paths", "500", "--format", "json", "--out"])
        .arg(&target)
        .arg(repo("scenarios/example.toml"))
        .assert()
        .success();
    let stdout = cmd()
        .args(["simulate", "--paths", "500", "--format", "json"])
        .arg(repo("scenarios/example.toml"))
        .output()
        .unwrap()
        .stdout;
    assert_eq!(std::fs::read(&target).unwrap(), stdout);
    // No temporary files left beside it.
    assert_eq!(std::fs::read_dir(d.tmp.path()).unwrap().count(), 1);
}

#[test]
fn init_writes_a_runnable_starting_point() {
    let d = crate::util::Dir::new();
    let dir = d.path("renewal");
    cmd().arg("init").arg(&dir).assert().success();
    cmd().args(["simulate", "--paths", "200"]).arg(dir.join("example.toml")).assert().success();
    cmd().arg("validate").arg(dir.join("example.toml")).arg(dir.join("prices.toml")).assert().success();
}

/// Every sampling method gives the same JSON at one and three threads, and
/// names itself in the scenario block; paths of 5,001 leave an odd last
/// chunk (a lone last path for the antithetic methods) (SPEC 6.7).
#[test]
fn every_sampling_method_is_the_same_at_any_thread_count() {
    for m in ["random", "antithetic", "control", "antithetic-control"] {
        let run = |threads: &str| {
            let out = cmd()
                .args(["--threads", threads, "simulate", "--paths", "5001", "--seed", "3", "--format", "json"])
                .args(["--sampling", m])
                .arg(repo("scenarios/example.toml"))
                .output()
                .unwrap();
            assert!(out.status.success(), "{m}: {}", String::from_utf8_lossy(&out.stderr));
            out.stdout
        };
        let one = run("1");
        assert_eq!(one, run("3"), "{m}");
        let v: serde_json::Value = serde_json::from_slice(&one).unwrap();
        assert_eq!(v["scenario"]["sampling"], m);
    }
}

/// An unknown method is an input error naming the key and the closest method.
#[test]
fn an_unknown_sampling_method_names_the_key_and_the_closest_one() {
    let d = crate::util::Dir::new();
    let text = std::fs::read_to_string(repo("scenarios/example.toml"))
        .unwrap()
        .replace("seed = 7 ", "seed = 7\nsampling = \"antithetc\" ");
    d.write("prices.toml", &std::fs::read_to_string(repo("scenarios/prices.toml")).unwrap());
    let s = d.write("s.toml", &text);
    let out = cmd().args(["simulate"]).arg(&s).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("simulation.sampling") && err.contains("`antithetic`?"), "{err}");
    let out = cmd().args(["simulate", "--sampling", "sobol"]).arg(repo("scenarios/example.toml")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// The shipped scenario of 2026's capacity offers: the dual-limit
/// reservation reports each limit (the JSON's months add up to at most the
/// term, each utilisation a share), and the table and Markdown say which
/// limit binds.
#[test]
fn the_shipped_capacity_offers_report_their_limits() {
    let s = crate::util::repo("scenarios/capacity-2026.toml");
    let r = crate::util::simulate_json(&s, &["--paths", "2000"]);
    let p = &crate::util::offer(&r, "Sonnet TPM reserve x 40")["provisioned"];
    let limits = p["limits"].as_array().unwrap();
    let names: Vec<&str> = limits.iter().map(|l| l["limit"].as_str().unwrap()).collect();
    assert_eq!(names, ["input", "output"]);
    let months: f64 = limits.iter().map(|l| l["binding_months"].as_f64().unwrap()).sum();
    assert!(months > 0.0 && months <= 12.0 + 1e-9, "{months}");
    for l in limits {
        let u = l["utilization_mean"].as_f64().unwrap();
        assert!(u > 0.0 && u <= 1.0, "{l}");
    }
    let list = &crate::util::offer(&r, "Azure $/min reserve x 50")["provisioned"]["limits"];
    assert_eq!(list[0]["limit"], "list_usd");
    // A reservation in effective tokens has no limits block (release 1's JSON).
    assert!(crate::util::offer(&r, "Azure PTU x 60 (1-yr)")["provisioned"].get("limits").is_none());
    // The CSV adds the limit columns, and only for a scenario with limits.
    let csv = crate::util::cmd().args(["simulate", "--paths", "2000", "--format", "csv"]).arg(&s).output().unwrap();
    let csv = String::from_utf8_lossy(&csv.stdout).into_owned();
    let head: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = |name: &str| head.iter().position(|h| *h == name).unwrap_or_else(|| panic!("no {name} in {head:?}"));
    let sonnet: Vec<&str> = csv.lines().find(|l| l.starts_with("Sonnet TPM")).unwrap().split(',').collect();
    let input = sonnet[col("limit_input_utilization")].parse::<f64>().unwrap();
    crate::util::close(input, limits[0]["utilization_mean"].as_f64().unwrap(), 1e-12);
    assert!(["input", "output"].contains(&sonnet[col("binding_limit")]), "{sonnet:?}");
    let example = crate::util::cmd()
        .args(["simulate", "--paths", "500", "--format", "csv"])
        .arg(crate::util::repo("scenarios/example.toml"))
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&example.stdout).contains("binding_limit"));
    for format in ["table", "markdown"] {
        let out =
            crate::util::cmd().args(["simulate", "--paths", "2000", "--format", format]).arg(&s).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Sonnet TPM reserve x 40: the ") && text.contains("limit binds first"), "{text}");
    }
}
