//! Every record under tests/fixtures/check/ states its expected outcome on
//! its first line; this test holds the evaluator to it and snapshots the
//! rendered text report.

use crate::{insta, support};

use std::collections::BTreeMap;

/// The fields of a `# expect: k=v …` line.
fn expectation(text: &str) -> BTreeMap<String, String> {
    let line = text.lines().next().unwrap_or_default();
    let body = line
        .strip_prefix("# expect:")
        .unwrap_or_else(|| panic!("first line is not `# expect:`: {line}"));
    body.split_whitespace()
        .map(|kv| {
            let (k, v) = kv.split_once('=').expect("k=v");
            (k.to_string(), v.to_string())
        })
        .collect()
}

fn list(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn check_fixtures() {
    let program = support::builtin();
    insta::glob!("fixtures/check/*.toml", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let want = expectation(&text);
        let report = support::report_of(&program, path, support::zh());
        let name = path.file_name().unwrap().to_string_lossy();
        assert_eq!(report.outcome, want["outcome"], "{name}: outcome");
        assert_eq!(
            report.deciding.unwrap_or_default(),
            want["deciding"],
            "{name}: deciding"
        );
        assert_eq!(report.fired, list(&want["fired"]), "{name}: fired");
        assert_eq!(report.missing, list(&want["missing"]), "{name}: missing");
        for key in ["notify_by", "resolve_by"] {
            let got = report.deadlines.get(key).cloned().flatten();
            let expected = Some(want[key].clone()).filter(|v| v != "null");
            assert_eq!(got, expected, "{name}: {key}");
        }
        // The digest changes with every edit of the rule file; it is checked
        // on its own below, so the snapshots do not churn.
        let text = shouli::report::text::render(&report, shouli::diag::Lang::Zh)
            .replace(report.rules.digest, "sha256:<digest of the built-in rules>");
        insta::assert_snapshot!(text);
    });
}

/// The three sample complaints in rules/examples/ give the outcomes their
/// names say.
#[test]
fn rule_examples_give_the_outcomes_their_names_say() {
    let program = support::builtin();
    let dir = support::root().join("rules/examples");
    for (file, outcome, deciding) in [
        ("accepted.toml", "accepted", "1.1"),
        ("incomplete-no-invoice.toml", "incomplete", "2.1"),
        ("rejected-private-sale.toml", "rejected", "1.3(2)"),
    ] {
        let report = support::report_of(&program, &dir.join(file), support::zh());
        assert_eq!(
            (report.outcome, report.deciding.unwrap_or_default()),
            (outcome, deciding),
            "{file}"
        );
    }
}

/// rules/examples/ is the copy of the contract's shared/examples/ kept in
/// the repository. Where shared/ sits beside the checkout (as in the
/// project's own tree), the two are the same files, byte for byte; a
/// checkout without it says so on stderr and compares nothing.
#[test]
fn rule_examples_are_the_shared_examples() {
    let ours = support::root().join("rules/examples");
    let shared = support::root().join("../shared/examples");
    let names = |dir: &std::path::Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let ours_names = names(&ours);
    assert_eq!(ours_names.len(), 3, "{ours_names:?}");
    if !shared.is_dir() {
        eprintln!(
            "rule_examples_are_the_shared_examples: {} absent, rules/examples/ not compared with it",
            shared.display()
        );
        return;
    }
    assert_eq!(names(&shared), ours_names);
    for name in &ours_names {
        assert!(
            std::fs::read(ours.join(name)).unwrap() == std::fs::read(shared.join(name)).unwrap(),
            "rules/examples/{name} differs from ../shared/examples/{name}"
        );
    }
}

/// Every report carries the SHA-256 of the exact rule file bytes.
#[test]
fn reports_carry_the_digest_of_the_rule_file() {
    let program = support::builtin();
    let path = support::root().join("tests/fixtures/check/accepted-harm.toml");
    let report = support::report_of(&program, &path, support::zh());
    assert_eq!(
        report.rules.digest,
        shouli::digest(shouli::BUILTIN_RULES.as_bytes())
    );
    assert!(report.rules.digest.starts_with("sha256:"));
    assert_eq!(report.rules.digest.len(), "sha256:".len() + 64);
    // A known vector: SHA-256 of "abc".
    assert_eq!(
        shouli::digest(b"abc"),
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}
