//! The market-regulation rules (`--rules samr`, SAMR.md): the rule file's
//! examples and the case files of tests/fixtures/samr all pass, every
//! clause of both versions is seen in every state, and the clerk's report
//! of a few cases is snapshotted as a clerk reads it.

use crate::{insta, support};

use support::shouli;

use shouli::examples::{self, Coverage};
use shouli::load::builtin_named;

fn samr() -> shouli::compile::Program {
    let b = builtin_named("samr").expect("samr is built in");
    shouli::load_rules(b.file, b.text.as_bytes()).expect("the samr rules load")
}

/// Every example of rules/samr.rules passes, and together they put every
/// clause in every state (both versions: the switch day decides which).
#[test]
fn samr_examples_pass_and_cover_every_clause() {
    let program = samr();
    let text = builtin_named("samr").unwrap().text;
    let mut coverage = Coverage::new(&program);
    let results = examples::run_examples(&program, text, &mut coverage);
    assert!(results.len() >= 60, "only {} examples", results.len());
    let failed: Vec<&str> = results
        .iter()
        .filter(|r| !r.passed())
        .map(|r| r.name.as_str())
        .collect();
    assert!(failed.is_empty(), "failing examples: {failed:?}");
    let gaps: Vec<String> = coverage
        .clauses
        .iter()
        .flat_map(|c| {
            let id = &program.rules.clauses[c.clause].id;
            c.never().map(move |s| format!("{id} {s:?}"))
        })
        .collect();
    assert!(gaps.is_empty(), "states no example produced: {gaps:?}");
    // No basis and no scope: an accepted complaint is decided by no clause.
    assert!(program.rules.scope.is_none());
    assert!(
        results
            .iter()
            .any(|r| r.expected.outcome == shouli::model::Outcome::Accepted)
    );
}

/// `shouli test --rules samr --cases tests/fixtures/samr`, as a clerk runs
/// it: every case file's expectation (outcome, deciding clause, fired,
/// missing, decide_by) holds.
#[test]
fn samr_case_files_pass() {
    let dir = support::root().join("tests/fixtures/samr");
    let dir = dir.to_str().unwrap();
    let (code, out, err) = shouli(&["test", "--rules", "samr", "--cases", dir]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(!out.contains('✗'), "{out}");
    let cases = std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "toml"))
        })
        .count();
    assert!(cases >= 20, "only {cases} case files");
    assert!(out.contains(&format!("{cases} 份记录")), "{out}");
}

/// The clerk's report of cases that show what SAMR.md asks for: a count of
/// working days across 国庆 with a 调休 Saturday, one past the calendar,
/// `received` absent, a rejection under the new version; text and JSON.
#[test]
fn samr_reports() {
    for (case, lang) in [
        ("deadline-2025-national-day", "zh"),
        ("deadline-2025-national-day", "en"),
        ("deadline-past-calendar", "zh"),
        ("incomplete-received-absent", "zh"),
        ("rejected-new-none-and-court", "zh"),
        ("incomplete-materials-10", "zh"),
    ] {
        let path = support::root().join(format!("tests/fixtures/samr/{case}.toml"));
        let path = path.to_str().unwrap();
        let (code, out, err) = shouli(&["check", "--rules", "samr", "--lang", lang, path]);
        assert!(err.is_empty(), "{case}: {err}");
        let out = mask_digest(&out);
        insta::assert_snapshot!(format!("samr-{case}-{lang}"), format!("exit {code}\n{out}"));
    }
    let path = support::root().join("tests/fixtures/samr/deadline-2025-national-day.toml");
    let (code, out, _) = shouli(&[
        "check",
        "--rules",
        "samr",
        "--format",
        "json",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(report["outcome"], "accepted");
    assert_eq!(report["deciding"], serde_json::Value::Null);
    assert_eq!(report["deadlines"]["decide_by"], "2025-10-16");
    let statuses: Vec<&str> = report["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert!(statuses.contains(&"not_in_force"), "{statuses:?}");
}

/// An office's own calendar file adds a year the shipped one lacks: the
/// count that ran out of the calendar now has a date.
#[test]
fn an_office_calendar_adds_a_year() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("samr-office-calendar");
    std::fs::create_dir_all(&dir).unwrap();
    let calendar = dir.join("office.toml");
    // 2027 as an office would write it before the notice ships: 元旦 only.
    std::fs::write(
        &calendar,
        "[[year]]\nyear = 2027\nnotice = \"本机构暂定安排（待国务院办公厅通知）\"\n\n[[year.holiday]]\nname = \"元旦\"\nfrom = 2027-01-01\n",
    )
    .unwrap();
    let case = support::root().join("tests/fixtures/samr/deadline-past-calendar.toml");
    let (code, out, err) = shouli(&[
        "check",
        "--rules",
        "samr",
        "--calendar",
        calendar.to_str().unwrap(),
        "--format",
        "json",
        case.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_ne!(
        report["deadlines"]["decide_by"],
        serde_json::Value::Null,
        "{out}"
    );
    // Without it, the same count is unknown and says which year is missing.
    let (_, out, _) = shouli(&["check", "--rules", "samr", case.to_str().unwrap()]);
    assert!(out.contains("没有 2027 年的节假日安排"), "{out}");
}

fn mask_digest(s: &str) -> String {
    let Some(at) = s.find("sha256:") else {
        return s.to_string();
    };
    format!("{}sha256:<digest>{}", &s[..at], &s[at + 71..])
}

/// `shouli rules` lists the built-in rule sets by the names `--rules`
/// takes; a name that is none of them is refused with the list, and a
/// path is still a file.
#[test]
fn built_in_rule_sets_are_listed_and_chosen_by_name() {
    let (code, out, _) = shouli(&["rules"]);
    assert_eq!(code, 0);
    assert!(out.contains("guideline（默认）"), "{out}");
    assert!(out.contains("samr  市场监督管理投诉举报处理办法"), "{out}");
    let (code, _, err) = shouli(&["test", "--rules", "sarm"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("没有名为 `sarm` 的内置规则（内置的有：guideline、samr）"),
        "{err}"
    );
    let (code, _, err) = shouli(&["test", "--rules", "./sarm"]);
    assert_eq!(code, 2);
    assert!(err.contains("无法读取 ./sarm"), "{err}");
}

/// A record that can only be a slip is warned, by the rule file's own
/// `warning` clause; the outcome is what it would have been.
#[test]
fn a_harm_known_after_the_complaint_was_received_is_warned() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("samr-warning");
    std::fs::create_dir_all(&dir).unwrap();
    let case = support::root().join("docs/examples/samr-complaint.toml");
    let text = std::fs::read_to_string(&case)
        .unwrap()
        .replace("known_date = 2026-03-01", "known_date = 2026-06-01");
    let record = dir.join("late.toml");
    std::fs::write(&record, text).unwrap();
    let (code, out, _) = shouli(&["check", "--rules", "samr", record.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("知道或者应当知道权益受到侵害之日 2026-06-01 晚于收到投诉日期 2026-05-12"),
        "{out}"
    );
    // Not a clause of the decision: not in the clause-by-clause list.
    assert!(!out.contains("  W1 "), "{out}");
}
