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
        assert_eq!(report.deciding, want["deciding"], "{name}: deciding");
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

/// The three shared examples give the outcomes their names say.
#[test]
fn shared_examples_give_the_outcomes_their_names_say() {
    let program = support::builtin();
    let dir = support::root().join("../shared/examples");
    if !dir.exists() {
        return; // a checkout without shared/ beside it
    }
    for (file, outcome, deciding) in [
        ("accepted.toml", "accepted", "1.1"),
        ("incomplete-no-invoice.toml", "incomplete", "2.1"),
        ("rejected-private-sale.toml", "rejected", "1.3(2)"),
    ] {
        let report = support::report_of(&program, &dir.join(file), support::zh());
        assert_eq!(
            (report.outcome, report.deciding),
            (outcome, deciding),
            "{file}"
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
