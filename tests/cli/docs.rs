//! `docs/scenario.md` against the loaders.
//!
//! The keys a loader knows are asked of the binary itself: every TOML
//! table is read with `deny_unknown_fields` (or an explicit key list), so
//! `validate` on a file with an unknown key in that table lists the valid
//! ones. The test puts `zz_undocumented` in each table the document
//! describes and compares that list with the keys the document's table
//! lists, both ways: a key added to a loader and not documented, or
//! documented and not accepted, fails. CSV columns come from the readers'
//! own lists ([`commitsim::api::USAGE_COLUMNS`], `FOCUS_COLUMNS`), which
//! the readers assert they look up only from. Then every example of the
//! document is run: each table row's one-line `key = value` example is put
//! into a valid file at its table's place, and every complete TOML or CSV
//! example block is validated on its own. docs/testing.md says why.

use std::collections::{BTreeMap, BTreeSet};

use crate::util::{cmd, repo, Dir};

const DOC: &str = "docs/scenario.md";
/// The unknown key the probes add.
const ZZ: &str = "zz_undocumented";
/// Where a base file takes the probe's key or an example.
const MARK: &str = "@@";

/// One anchored section of the document: its key table's rows as
/// (key, one-line examples).
#[derive(Debug, Default)]
struct Section {
    rows: Vec<(String, Vec<String>)>,
}

/// The anchored sections of the document, in order, with their key tables.
fn sections(doc: &str) -> Vec<(String, Section)> {
    let mut out: Vec<(String, Section)> = Vec::new();
    let mut table = TableState::Before;
    for line in doc.lines() {
        if let Some(id) = line.trim().strip_prefix("<a id=\"").and_then(|r| r.strip_suffix("\"></a>")) {
            assert!(out.iter().all(|(o, _)| o != id), "anchor `{id}` appears twice in {DOC}");
            out.push((id.to_string(), Section::default()));
            table = TableState::Before;
            continue;
        }
        let Some((_, sec)) = out.last_mut() else { continue };
        let is_row = line.trim_start().starts_with('|');
        table = match (table, is_row) {
            (TableState::Before, true) => TableState::Header,
            (TableState::Header, true) => TableState::Rows,
            (TableState::Rows, true) => {
                let cells: Vec<&str> = line.trim().trim_matches('|').split('|').map(str::trim).collect();
                let key = codes(cells[0]).into_iter().next().unwrap_or_else(|| panic!("no key in row {line:?}"));
                let key = key.trim_start_matches('[').trim_end_matches(']').to_string();
                let examples = codes(cells.last().unwrap()).into_iter().filter(|c| assignment(c).is_some()).collect();
                assert!(sec.rows.iter().all(|(k, _)| *k != key), "key `{key}` listed twice in one table: {line}");
                sec.rows.push((key, examples));
                TableState::Rows
            }
            (TableState::Before, false) => TableState::Before,
            (_, false) => TableState::After,
            (TableState::After, true) => TableState::After,
        };
    }
    out
}

#[derive(Clone, Copy)]
enum TableState {
    Before,
    Header,
    Rows,
    After,
}

/// The `code` spans of a table cell.
fn codes(cell: &str) -> Vec<String> {
    cell.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

/// The key of a `key = value` line.
fn assignment(line: &str) -> Option<&str> {
    let (k, _) = line.split_once(" = ")?;
    k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_').then_some(k)
}

/// The fenced code blocks of one language.
fn blocks<'a>(doc: &'a str, lang: &str) -> Vec<&'a str> {
    let fence = format!("```{lang}\n");
    doc.split(&fence).skip(1).map(|rest| rest.split("```").next().unwrap()).collect()
}

/// What a scenario probe starts from: a valid scenario with one workload and
/// one offer, plus `extra`.
fn scenario(top: &str, extra: &str) -> String {
    let top = if top.is_empty() { String::new() } else { format!("{top}\n") };
    format!(
        "{top}name = \"probe\"\nstart = \"2027-01\"\nhorizon_months = 24\ncatalog = \"prices.toml\"\n\n\
         [[workloads]]\nname = \"support-bot\"\nmodel = \"gpt-4.1\"\nmonthly_tokens = 8.0e9\ninput_share = 0.7\n\
         output_share = 0.3\ngrowth_annual = 0.2\nvolatility_monthly = 0.05\n\n\
         [[offers]]\nname = \"List price\"\nkind = \"payg\"\n\n{extra}"
    )
}

/// A scenario whose usage comes from `usage.csv`.
fn history_scenario() -> String {
    "name = \"probe\"\nstart = \"2027-01\"\nhorizon_months = 24\ncatalog = \"prices.toml\"\n\n\
     [history]\n@@\nfile = \"usage.csv\"\n\n[[offers]]\nname = \"List price\"\nkind = \"payg\"\n"
        .to_string()
}

const PROVISIONED: &str = "[[offers]]\nname = \"PTU\"\nkind = \"provisioned\"\nscope = { models = [\"gpt-4.1\"] }\n\
    units = 150\nunit_price = 221.0\nprice_basis = \"month\"\ntokens_per_minute_per_unit = 3000\nmin_units = 15\n\
    increment = 5\n";

const CATALOG: &str = "[meta]\nas_of = \"2026-11-26\"\n\n[[model]]\nid = \"gpt-4.1\"\nprovider = \"openai\"\n\
    input_per_mtok = 2.0\noutput_per_mtok = 8.0\n";

const ITEM: &str = "[[item]]\nid = \"a\"\ncategory = \"retention\"\nquestion = \"Deleted within 30 days?\"\n\
    field = \"retention.prompt_retention_days\"\nmax = 30\nweight = 4\nask = \"Delete within 30 days.\"\n";

fn dist(kind: &str, params: &str) -> String {
    scenario("", &format!("[forecast.growth_annual]\n@@\ndist = \"{kind}\"\n{params}"))
}

/// Each key table of the document: the file its examples go into (with
/// [`MARK`] where its keys go), and where the loader's keys come from.
fn probes() -> BTreeMap<&'static str, (String, Loader)> {
    let item_marked = ITEM.replacen("[[item]]\n", "[[item]]\n@@\n", 1);
    let lines = |s: &str| s.replacen("\n", "\n@@\n", 1);
    let toml = |group: &'static str| Loader::Toml { group, raw: None };
    let mut p: BTreeMap<&'static str, (String, Loader)> = BTreeMap::new();
    p.insert("scenario-top", (scenario(MARK, ""), toml("scenario-top")));
    p.insert("simulation", (scenario("", "[simulation]\n@@\n"), toml("simulation")));
    p.insert("history", (history_scenario(), toml("history")));
    p.insert("workloads", (scenario("", "").replacen("[[workloads]]\n", "[[workloads]]\n@@\n", 1), toml("workloads")));
    p.insert("forecast", (scenario("", "[forecast]\n@@\n"), toml("forecast")));
    let event = "[[forecast.events]]\n@@\nname = \"launch\"\nmodel = \"claude-sonnet-5-5\"\nprobability = 0.5\n\
                 start = \"2027-04\"\nmonthly_tokens = 1.0e9\ninput_share = 0.8\noutput_share = 0.2\n";
    p.insert("events", (scenario("", event), toml("events")));
    let route = "[[forecast.routing]]\n@@\nfrom = \"claude-opus-5-5\"\nto = \"claude-sonnet-5-5\"\nshare = 0.3\n\
                 start = \"2027-03\"\nby = \"2027-09\"\n";
    p.insert("routing", (scenario("", route), toml("routing")));
    p.insert("prices", (scenario("", "[prices]\n@@\n"), toml("prices")));
    let cut = "[prices.step_cut]\n@@\nannual_probability = 0.3\nsize = 0.2\n";
    p.insert("step-cut", (scenario("", cut), toml("step-cut")));
    p.insert("risk", (scenario("", "[risk]\n@@\n"), toml("risk")));
    let offer = |body: &str| scenario("", &lines(body));
    p.insert("offers", (offer("[[offers]]\nname = \"Second\"\nkind = \"payg\"\n"), toml("offers")));
    let payg = "[[offers]]\nname = \"Tiers\"\nkind = \"payg\"\n\
                volume_tiers = [{ from = 0, discount = 0.0 }, { from = 100000, discount = 0.05 }]\n";
    p.insert("offers-payg", (offer(payg), toml("offers")));
    let commit = "[[offers]]\nname = \"Commit\"\nkind = \"commit\"\nperiod = \"year\"\namount = 100000\n\
                  discount = 0.05\n";
    p.insert("offers-commit", (offer(commit), toml("offers")));
    let provisioned = format!("{PROVISIONED}load = {{ peak_to_mean = 1.8 }}\n");
    p.insert("offers-provisioned", (offer(&provisioned), toml("offers")));
    let credits =
        "[[offers]]\nname = \"Credits\"\nkind = \"credits\"\npurchases = [{ month = \"2027-01\", amount = 1000 }]\n";
    p.insert("offers-credits", (offer(credits), toml("offers")));
    let base = "[[offers]]\nname = \"Commit\"\nkind = \"commit\"\nperiod = \"year\"\namount = 100000\n\n\
                [offers.base_spend]\n@@\nmonthly = 1000\n";
    p.insert("base-spend", (scenario("", base), toml("base-spend")));
    let lots = "[[offers]]\nname = \"Credits\"\nkind = \"credits\"\n\n[[offers.purchases]]\n@@\nmonth = \"2027-01\"\n\
                amount = 1000\n";
    p.insert("purchases", (scenario("", lots), toml("purchases")));
    let pf = "[[portfolios]]\n@@\nname = \"P\"\nlayers = [\"List price\"]\n";
    p.insert("portfolios", (scenario("", pf), toml("portfolios")));
    let scoped = "[[offers]]\nname = \"Scoped\"\nkind = \"payg\"\ndiscount = 0.05\n\n[offers.scope]\n@@\n";
    p.insert("scope", (scenario("", scoped), toml("scope")));
    let tiers = "[[offers]]\nname = \"Tiers\"\nkind = \"payg\"\n\n[[offers.volume_tiers]]\n@@\nfrom = 0\n\
                 discount = 0.02\n";
    p.insert("volume-tiers", (scenario("", tiers), toml("volume-tiers")));
    let dtiers = "[[offers]]\nname = \"Commit\"\nkind = \"commit\"\nperiod = \"year\"\namount = 450000\n\n\
                  [[offers.discount_tiers]]\n@@\nmin_commit = 250000\ndiscount = 0.05\n";
    p.insert("discount-tiers", (scenario("", dtiers), toml("discount-tiers")));
    let load = format!("{PROVISIONED}\n[offers.load]\n@@\npeak_to_mean = 1.8\n");
    p.insert("load", (scenario("", &load), toml("load")));

    let kinds = scenario("", "[forecast.growth_annual]\ndist = \"zz_undocumented\"\n");
    p.insert(
        "dist-kinds",
        (
            scenario("", "").replacen("growth_annual = 0.2\n", "@@\ngrowth_annual = 0.2\n", 1),
            Loader::Toml { group: "dist-kinds", raw: Some(kinds) },
        ),
    );
    p.insert("dist-fixed", (dist("fixed", "value = 0.2\n"), toml("dist-fixed")));
    p.insert("dist-uniform", (dist("uniform", "min = -0.2\nmax = 0.4\n"), toml("dist-uniform")));
    p.insert("dist-triangular", (dist("triangular", "min = 0.1\nmode = 0.4\nmax = 1.0\n"), toml("dist-triangular")));
    p.insert("dist-pert", (dist("pert", "min = 0.2\nmode = 0.8\nmax = 2.0\n"), toml("dist-pert")));
    p.insert("dist-normal", (dist("normal", "mean = 0.25\nsd = 0.15\n"), toml("dist-normal")));
    p.insert("dist-lognormal", (dist("lognormal", "median = 0.3\np90 = 1.0\n"), toml("dist-lognormal")));
    p.insert("dist-lognormal-mu", (dist("lognormal", "mu = -1.2\nsigma = 0.9\n"), toml("dist-lognormal")));

    p.insert("catalog-top", (format!("{MARK}\n{CATALOG}"), toml("catalog-top")));
    p.insert("catalog-meta", (CATALOG.replacen("[meta]\n", "[meta]\n@@\n", 1), toml("catalog-meta")));
    // The marked model retires into a second one, so the retirement keys
    // (which need each other) validate one at a time.
    let retiring = CATALOG.replacen("[[model]]\n", "[[model]]\n@@\n", 1)
        + "retires = \"2027-12\"\nsuccessor = \"gpt-6.2-sol\"\n\n[[model]]\nid = \"gpt-6.2-sol\"\nprovider = \"openai\"\n\
           input_per_mtok = 2.0\noutput_per_mtok = 8.0\n";
    p.insert("catalog-model", (retiring, toml("catalog-model")));
    let schedule = format!("{CATALOG}\n[[model.schedule]]\n@@\nfrom = \"2027-07\"\n");
    p.insert("catalog-schedule", (schedule, toml("catalog-schedule")));

    let sections = "[vendor]\nname = \"Acme\"\n\n[zz_undocumented]\nzz = 1\n".to_string();
    p.insert(
        "contract-top",
        ("[vendor]\nname = \"Acme\"\n".into(), Loader::Toml { group: "contract-top", raw: Some(sections) }),
    );
    let vendor = "[vendor]\n@@\nname = \"Acme AI\"\n\n[retention]\nprompt_retention_days = 30\n";
    p.insert("contract-vendor", (vendor.into(), toml("contract-vendor")));
    let field = "[vendor]\nname = \"Acme\"\n\n[retention.prompt_retention_days]\n@@\nvalue = 30\n";
    p.insert("contract-field", (field.into(), toml("contract-field")));

    p.insert("checklist-top", (format!("{MARK}\n{ITEM}"), toml("checklist-top")));
    let meta = format!("[meta]\n@@\nname = \"ours\"\n\n{ITEM}");
    p.insert("checklist-meta", (meta, toml("checklist-meta")));
    p.insert("checklist-item", (item_marked, toml("checklist-item")));

    let usage: Vec<&str> = commitsim::api::USAGE_COLUMNS.to_vec();
    p.insert("usage-csv", (String::new(), Loader::Columns(usage)));
    p.insert("focus", (String::new(), Loader::Columns(commitsim::api::FOCUS_COLUMNS.to_vec())));
    p.insert("load-profile", (String::new(), Loader::Profile));
    p
}

/// Where the keys a loader accepts come from.
enum Loader {
    /// `validate` on the base with [`ZZ`] at the mark (or on `raw`), whose
    /// error lists the keys; sections of one group together list them all.
    Toml { group: &'static str, raw: Option<String> },
    /// The reader's list of columns.
    Columns(Vec<&'static str>),
    /// The load-profile reader reads one column by name: its table's
    /// example row must validate.
    Profile,
}

/// A folder with the shipped catalog and the data files the examples name.
fn workspace() -> Dir {
    let d = Dir::new();
    d.write("prices.toml", &std::fs::read_to_string(repo("scenarios/prices.toml")).unwrap());
    d.write("focus.csv", &std::fs::read_to_string(repo("tests/fixtures/focus/genai_tokens_focus.csv")).unwrap());
    let mut usage = String::from("month,workload,team,model,input_tokens,output_tokens,cached_input_tokens\n");
    for (k, m) in (1..=12).enumerate() {
        let v = 1.0e9 * 1.03f64.powi(k as i32) * (1.0 + 0.02 * ((k * 7 % 5) as f64 - 2.0));
        let input = (v * 0.7).round();
        usage += &format!("2026-{m:02},support,support,gpt-4.1,{input},{},0\n", (v * 0.3).round());
    }
    d.write("usage.csv", &usage);
    let load: String =
        (0..120).map(|i| format!("2027-01-04T{:02}:{:02},{}\n", 9 + i / 60, i % 60, 1000 + (i * 37) % 500)).collect();
    d.write("load.csv", &format!("minute,tokens\n{load}"));
    d
}

/// `validate` on `text` written as `name` (with the catalog): success and stderr.
fn validate(d: &Dir, name: &str, text: &str) -> (bool, String) {
    let f = d.write(name, text);
    let out = cmd().arg("validate").arg(&f).arg(d.path("prices.toml")).output().expect("run validate");
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The keys an error lists as valid (`valid keys here: ...`, `sections: ...`,
/// or a distribution's `expected ...`).
fn listed_keys(err: &str) -> BTreeSet<String> {
    let after = |pat: &str| err.split_once(pat).map(|(_, r)| r.split(')').next().unwrap().to_string());
    if let Some(list) = after("valid keys here: ") {
        return list.split(", ").map(|k| k.trim_matches('`').to_string()).collect();
    }
    if let Some(list) = after("(sections: ").or_else(|| after("(expected one of ")) {
        return list.split(", ").map(str::to_string).collect();
    }
    if let Some(list) = err.contains(" distribution").then(|| after("(expected ")).flatten() {
        return list.split(", ").map(str::to_string).chain(["dist".to_string()]).collect();
    }
    panic!("the error lists no keys: {err}")
}

/// `base` with `text` at the mark: a `key = value` replaces the base's own
/// line of that key (the lines right after the mark), and the keys it
/// excludes.
fn put(base: &str, text: &str, section: &str) -> String {
    let (head, tail) = base.split_once(&format!("{MARK}\n")).unwrap_or_else(|| panic!("no mark in {base}"));
    let own_end = tail.find("\n\n").map_or(tail.len(), |i| i + 1);
    let (own, rest) = tail.split_at(own_end);
    let drop: Vec<&str> = match assignment(text) {
        Some(k) => std::iter::once(k).chain(excluded(section, k).iter().copied()).collect(),
        None => Vec::new(),
    };
    let kept: String =
        own.lines().filter(|l| assignment(l).is_none_or(|k| !drop.contains(&k))).map(|l| format!("{l}\n")).collect();
    format!("{head}{text}\n{kept}{rest}")
}

/// Keys that cannot stand beside `key` in one table of `section`.
fn excluded(section: &str, key: &str) -> &'static [&'static str] {
    let tests = section == "checklist-item";
    match key {
        "amount" => &["amounts"],
        "amounts" => &["amount"],
        "discount" => &["discount_tiers", "volume_tiers", "tier_period"],
        "discount_tiers" | "volume_tiers" => &["discount"],
        "peak_to_mean" => &["profile"],
        "limits_per_unit" | "list_usd_per_minute_per_unit" => {
            &["tokens_per_minute_per_unit", "output_weight", "weights"]
        }
        "units_schedule" => &["units"],
        "profile" => &["peak_to_mean"],
        "max" if tests => &["min", "equals", "one_of"],
        "min" if tests => &["max", "equals", "one_of"],
        "equals" if tests => &["max", "min", "one_of"],
        "one_of" if tests => &["max", "min", "equals"],
        _ => &[],
    }
}

fn file_name(base: &str) -> &'static str {
    if base.contains("[[item]]") {
        "checklist.toml"
    } else if base.contains("[vendor]") {
        "contract.toml"
    } else if base.contains("[meta]") {
        "catalog.toml"
    } else {
        "scenario.toml"
    }
}

/// Every key table of docs/scenario.md lists exactly the keys its loader
/// accepts.
#[test]
fn scenario_reference_lists_exactly_the_keys_the_loaders_accept() {
    let doc = std::fs::read_to_string(repo(DOC)).unwrap();
    let secs = sections(&doc);
    let probes = probes();
    for (id, sec) in &secs {
        assert!(sec.rows.is_empty() || probes.contains_key(id.as_str()), "{DOC}: table `{id}` has no probe here");
    }
    let documented = |id: &str| -> BTreeSet<String> {
        let sec = secs.iter().find(|(i, _)| i == id).unwrap_or_else(|| panic!("{DOC} lacks section `{id}`"));
        assert!(!sec.1.rows.is_empty(), "{DOC}: section `{id}` has no key table");
        sec.1.rows.iter().map(|(k, _)| k.clone()).collect()
    };
    let d = workspace();
    let mut groups: BTreeMap<&str, (BTreeSet<String>, String)> = BTreeMap::new();
    for (id, (base, loader)) in &probes {
        match loader {
            Loader::Toml { group, raw } => {
                let entry = groups.entry(group).or_insert_with(|| {
                    let text = raw.clone().unwrap_or_else(|| put(base, &format!("{ZZ} = 1"), id));
                    let (ok, err) = validate(&d, file_name(&text), &text);
                    assert!(!ok, "`{id}`: the probe validated:\n{text}");
                    assert!(err.contains(ZZ), "`{id}`: the error is not about the probe key: {err}\n{text}");
                    (BTreeSet::new(), err)
                });
                entry.0.extend(documented(id));
            }
            Loader::Columns(cols) => {
                let want: BTreeSet<String> = cols.iter().map(|c| c.to_string()).collect();
                assert_eq!(documented(id), want, "{DOC} `{id}`: documented columns vs the reader's");
            }
            Loader::Profile => assert!(documented(id).contains("tokens")),
        }
    }
    for (group, (doc_keys, err)) in groups {
        let loader = listed_keys(&err);
        let undocumented: Vec<_> = loader.difference(&doc_keys).collect();
        let unknown: Vec<_> = doc_keys.difference(&loader).collect();
        assert!(
            undocumented.is_empty() && unknown.is_empty(),
            "{DOC} `{group}`: keys the loader accepts but the document does not list: {undocumented:?}; \
             keys the document lists but the loader rejects: {unknown:?}"
        );
    }
}

/// Every one-line example in the key tables validates in its place, and so
/// does every complete TOML and CSV example.
#[test]
fn every_example_of_the_scenario_reference_validates() {
    let doc = std::fs::read_to_string(repo(DOC)).unwrap();
    let probes = probes();
    let d = workspace();
    let mut checked = 0;
    for (id, sec) in sections(&doc) {
        let Some((base, loader)) = probes.get(id.as_str()) else { continue };
        if matches!(loader, Loader::Columns(_) | Loader::Profile) {
            // The example column of a CSV table is one row of a valid file.
            let header: Vec<&str> = sec.rows.iter().map(|(k, _)| k.as_str()).collect();
            let row: Vec<String> = codes_of_last_column(&doc, &id);
            let csv = format!("{}\n{}\n", header.join(","), row.join(","));
            let (ok, err) = validate(&d, &format!("row-{id}.csv"), &csv);
            assert!(ok, "{DOC} `{id}`: the example row does not validate:\n{csv}{err}");
            checked += 1;
            continue;
        }
        for (key, examples) in &sec.rows {
            for ex in examples {
                let text = put(base, ex, &id);
                let (ok, err) = validate(&d, file_name(&text), &text);
                assert!(ok, "{DOC} `{id}` `{key}`: example `{ex}` does not validate:\n{text}\n{err}");
                checked += 1;
            }
        }
    }
    for (i, block) in blocks(&doc, "toml").into_iter().enumerate() {
        let (ok, err) = validate(&d, &format!("example-{i}-{}", file_name(block)), block);
        assert!(ok, "{DOC}: TOML example {} does not validate:\n{block}\n{err}", i + 1);
        checked += 1;
    }
    for (i, block) in blocks(&doc, "csv").into_iter().enumerate() {
        let (ok, err) = validate(&d, &format!("example-{i}.csv"), block);
        assert!(ok, "{DOC}: CSV example {} does not validate:\n{block}\n{err}", i + 1);
        checked += 1;
    }
    assert!(checked > 150, "only {checked} examples found in {DOC}");
}

/// The example cells of section `id`'s table, one per row.
fn codes_of_last_column(doc: &str, id: &str) -> Vec<String> {
    let start = doc.find(&format!("<a id=\"{id}\"></a>")).unwrap();
    doc[start..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| codes(l.trim().trim_matches('|').split('|').next_back().unwrap()).concat())
        .collect()
}

/// The README's "start your own" commands run as written from a fresh
/// `init` folder, which holds the shipped template and checklist; a second
/// `init` keeps what is there.
#[test]
fn readme_commands_run_from_an_init_folder() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let block = blocks(&readme, "sh")
        .into_iter()
        .find(|b| b.contains("commitsim init"))
        .expect("README has a block starting from commitsim init");
    let d = Dir::new();
    let mut cwd = d.tmp.path().to_path_buf();
    let mut ran = Vec::new();
    for line in block.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["cd", dir] => cwd = cwd.join(dir),
            ["commitsim", args @ ..] => {
                let out = cmd().args(args).current_dir(&cwd).output().unwrap();
                assert!(out.status.success(), "README: `{line}` failed: {}", String::from_utf8_lossy(&out.stderr));
                ran.push(args[0]);
            }
            _ => panic!("README: a line this test cannot run: {line}"),
        }
    }
    assert_eq!(ran, ["init", "simulate", "score", "brief"]);
    assert!(cwd.join("brief.html").is_file());
    for (written, shipped) in [
        ("example.toml", "scenarios/example.toml"),
        ("prices.toml", "scenarios/prices.toml"),
        ("contracts/template.toml", "contracts/template.toml"),
        ("contracts/checklist.toml", "contracts/checklist.toml"),
    ] {
        assert_eq!(std::fs::read(cwd.join(written)).unwrap(), std::fs::read(repo(shipped)).unwrap(), "{written}");
    }
    std::fs::write(cwd.join("contracts/checklist.toml"), "# mine\n").unwrap();
    let out = cmd().arg("init").arg(&cwd).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("kept existing"), "{out:?}");
    assert_eq!(std::fs::read_to_string(cwd.join("contracts/checklist.toml")).unwrap(), "# mine\n");
}
