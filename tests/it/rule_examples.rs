//! `shouli test`: the built-in rules' examples all pass and cover every
//! clause in every state; failures say what was expected and what came out;
//! `--cases` runs record files against their `# expect:` line or `.expect`
//! file.

use crate::{insta, support};

use support::shouli;

use shouli::examples::{self, Coverage};

/// Every example of the built-in rules gives the outcome it states, and
/// together they put every clause in every state it can be in.
#[test]
fn builtin_examples_pass_and_cover_every_clause() {
    let program = support::builtin();
    let mut coverage = Coverage::new(&program);
    let results = examples::run_examples(&program, shouli::BUILTIN_RULES, &mut coverage);
    assert!(results.len() >= 40, "only {} examples", results.len());
    let failed: Vec<String> = results
        .iter()
        .filter(|r| !r.passed())
        .map(|r| {
            format!(
                "{} ({:?}): {:?} vs {:?}",
                r.name, r.origin, r.expected, r.actual
            )
        })
        .collect();
    assert!(
        failed.is_empty(),
        "failing examples:\n{}",
        failed.join("\n")
    );

    let gaps: Vec<String> = coverage
        .clauses
        .iter()
        .flat_map(|c| {
            let id = &program.rules.clauses[c.clause].id;
            c.never().map(move |s| format!("{id} {s:?}"))
        })
        .collect();
    assert!(gaps.is_empty(), "states no example produced: {gaps:?}");
    assert!(
        coverage.scope.is_some_and(|n| n > 0),
        "no example is out of scope (1.0)"
    );
    // Every ground is both fired by some example and decides some example.
    for c in &program.rules.clauses {
        if c.kind == shouli::model::ClauseKind::Ground {
            assert!(
                results
                    .iter()
                    .any(|r| r.expected.deciding.as_deref() == Some(c.id.as_str())),
                "no example is decided by {}",
                c.id
            );
        }
    }
}

/// An example is compared on every part it states: change one expectation
/// and it fails.
#[test]
fn a_wrong_expectation_fails() {
    let program = support::builtin();
    let mut coverage = Coverage::new(&program);
    let results = examples::run_examples(&program, shouli::BUILTIN_RULES, &mut coverage);
    let base = results
        .iter()
        .find(|r| r.name == "个人之间私下交易")
        .expect("the example exists");
    let actual = base.actual.as_ref().expect("evaluates");
    let mut wrong = base.expected.clone();
    wrong.fired = Some(vec!["1.3(2)".into(), "1.3(10)".into()]);
    assert_eq!(
        examples::compare(&wrong, actual),
        vec![examples::Aspect::Fired]
    );
    let mut wrong = base.expected.clone();
    wrong.missing = Some(vec!["claim.evidence".into()]);
    wrong.deciding = Some("1.3(3)".into());
    assert_eq!(
        examples::compare(&wrong, actual),
        vec![examples::Aspect::Deciding, examples::Aspect::Missing]
    );
    let mut wrong = base.expected.clone();
    wrong.outcome = shouli::model::Outcome::Accepted;
    assert_eq!(
        examples::compare(&wrong, actual),
        vec![examples::Aspect::Outcome]
    );
}

#[test]
fn test_on_the_builtin_rules() {
    let (code, out, err) = shouli(&["test"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(err, "");
    insta::assert_snapshot!(out);
}

#[test]
fn test_coverage_on_the_builtin_rules() {
    let (code, out, err) = shouli(&["test", "--coverage"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("每条条款的每种状态都有示例覆盖"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn test_coverage_in_english() {
    let (code, out, _) = shouli(&["test", "--coverage", "--lang", "en"]);
    assert_eq!(code, 0);
    let coverage = &out[out.find("coverage").expect("coverage section")..];
    insta::assert_snapshot!(coverage);
}

/// A rule file whose examples state the wrong result: each failure shows
/// the example's line and expected against actual, and the exit code is 1.
#[test]
fn failing_examples_are_shown_and_exit_1() {
    let file = "tests/fixtures/authoring/failing-example.rules";
    let (code, out, err) = shouli(&["test", file, "--coverage"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains(&format!("--> {file}:49")), "{out}");
    insta::assert_snapshot!(out);
    let (code, out, _) = shouli(&["test", file, "--lang", "en"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("failing_examples_en", out);
}

/// `--cases tests/fixtures/check`: all 87 verified records pass.
#[test]
fn check_fixtures_pass_as_cases() {
    let (code, out, err) = shouli(&["test", "--cases", "tests/fixtures/check"]);
    assert_eq!(code, 0, "{out}{err}");
    let cases = out
        .lines()
        .filter(|l| l.starts_with("✓ tests/fixtures/check/"))
        .count();
    let on_disk = std::fs::read_dir(support::root().join("tests/fixtures/check"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "toml")
        })
        .count();
    assert_eq!(cases, on_disk);
    assert!(!out.contains('✗'), "{out}");
}

/// An expectation in a `.expect` file, one on the first line, and one that
/// is wrong about the deciding clause and a deadline.
#[test]
fn cases_with_expect_files_and_a_failure() {
    let (code, out, err) = shouli(&["test", "--cases", "tests/fixtures/authoring/cases"]);
    assert_eq!(code, 1, "{out}{err}");
    let cases = &out[out.find("✓ tests/").expect("cases ran")..];
    insta::assert_snapshot!(cases);
}

/// Case files that cannot be run (a bad record, no expectation, a misspelt
/// expectation) are reported with code frames, and the exit code is 2.
#[test]
fn unusable_cases_exit_2() {
    let (code, out, err) = shouli(&["test", "--cases", "tests/fixtures/authoring/cases-unusable"]);
    assert_eq!(code, 2, "{out}");
    assert_eq!(out.matches("无法运行").count(), 4, "{out}");
    insta::assert_snapshot!(err);
}

#[test]
fn rules_given_twice_or_missing_are_unusable() {
    let file = "tests/fixtures/authoring/failing-example.rules";
    let (code, _, err) = shouli(&["test", file, "--rules", file]);
    assert_eq!(code, 2);
    assert!(err.contains("RULES"), "{err}");
    let (code, _, err) = shouli(&["test", "tests/fixtures/authoring/no-such.rules"]);
    assert_eq!(code, 2);
    assert!(err.contains("no-such.rules"), "{err}");
    let (code, _, _) = shouli(&["test", "--cases", "tests/fixtures/authoring/no-such-dir"]);
    assert_eq!(code, 2);
}
