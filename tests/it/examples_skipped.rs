//! The commands that decide records (`check`, `template`, `batch`) load the
//! built-in rules without parsing their `example` blocks; the commands that
//! read examples (`test`, `explain`, `lint`, `fmt`) and every rule file of
//! the user's get them in full. Both ways the built-in rules decide alike.

use crate::{archive, support};

use std::path::PathBuf;

use shouli::batch::{self, Format, Input, Options};
use shouli::compile::Program;
use shouli::{BUILTIN_NAME, BUILTIN_RULES, Examples};
use support::shouli;

fn lean() -> Program {
    shouli::load_rules_with(BUILTIN_NAME, BUILTIN_RULES.as_bytes(), Examples::Skip)
        .expect("the built-in rules load without their examples")
}

/// A fresh directory for one test, named for the process too.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("examples-skipped-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

/// The record files the tests decide: the fixtures and the samples.
fn record_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["tests/fixtures/check", "rules/examples"] {
        for entry in std::fs::read_dir(support::root().join(dir)).expect("fixture directory") {
            let path = entry.expect("directory entry").path();
            if path.extension().is_some_and(|x| x == "toml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Without its examples the program is the full one with its examples
/// removed: same fields, definitions, clauses, nodes, spans and digest (of
/// the whole file).
#[test]
fn the_lean_program_is_the_full_one_less_its_examples() {
    let lean = lean();
    let mut full = support::builtin();
    assert_eq!(full.rules.examples.len(), 58);
    assert!(lean.rules.examples.is_empty());
    assert_eq!(lean.rules.digest, shouli::digest(BUILTIN_RULES.as_bytes()));
    full.rules.examples.clear();
    // The one map: compared as a map, then left out of the text.
    let mut lean = lean;
    assert_eq!(lean.rules.field_index, full.rules.field_index);
    lean.rules.field_index.clear();
    full.rules.field_index.clear();
    assert_eq!(format!("{lean:?}"), format!("{full:?}"));
}

/// `shouli check --format json` (which loads the rules without examples)
/// prints, for every record fixture, the report the full rules give it.
#[test]
fn check_reports_every_fixture_as_the_full_rules_do() {
    let full = support::builtin();
    let lean = lean();
    let files = record_files();
    assert!(files.len() > 40, "only {} record files", files.len());
    for path in &files {
        let expected = support::report_of(&full, path, support::zh());
        let expected = serde_json::to_string_pretty(&expected).expect("serializes") + "\n";
        let of_lean = support::report_of(&lean, path, support::zh());
        assert_eq!(
            serde_json::to_string_pretty(&of_lean).expect("serializes") + "\n",
            expected,
            "{}",
            path.display()
        );
        let (_, out, err) = shouli(&["check", path.to_str().unwrap(), "--format", "json"]);
        assert_eq!(out, expected, "{}: {err}", path.display());
    }
}

/// A batch of generated records, bad ones among them, in all three layouts:
/// byte-identical JSON Lines reports from the lean and the full program.
#[test]
fn batch_decides_a_generated_archive_as_the_full_rules_do() {
    let dir = scratch("batch");
    let inputs = vec![
        dir.join("desk"),
        dir.join("export.jsonl"),
        dir.join("export.csv"),
    ];
    archive::write_toml_dir(&archive::generate(7, 300, archive::TOML_SPOILS), &inputs[0]);
    archive::write_jsonl(
        &archive::generate(8, 1500, archive::JSONL_SPOILS),
        &inputs[1],
    );
    archive::write_csv(&archive::generate(9, 1500, archive::CSV_SPOILS), &inputs[2]);
    let run = |program: &Program, inputs: &[PathBuf]| {
        let mut out = Vec::new();
        let opts = Options {
            format: Format::Jsonl,
            jobs: 2,
            ..Options::default()
        };
        let inputs = inputs.iter().cloned().map(Input::Path).collect();
        let summary = batch::run(program, inputs, &opts, &mut out).expect("the batch runs");
        let mut summary = serde_json::to_value(&summary).expect("serializes");
        let timing = summary.as_object_mut().expect("an object");
        assert!(timing.remove("elapsed_seconds").is_some());
        assert!(timing.remove("records_per_second").is_some());
        (out, summary)
    };
    let full = run(&support::builtin(), &inputs);
    let lean = run(&lean(), &inputs);
    assert!(full.0.len() > 3000 * 1000, "{} bytes", full.0.len());
    assert!(full.0 == lean.0, "the JSON Lines reports differ");
    assert_eq!(full.1, lean.1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `shouli test` runs all 58 examples of the built-in rules, `explain`
/// shows them.
#[test]
fn the_commands_that_read_examples_get_all_of_them() {
    let (code, out, err) = shouli(&["test"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.starts_with("运行 rules/guideline.rules 中的 58 个示例\n"),
        "{out}"
    );
    assert_eq!(out.lines().filter(|l| l.starts_with("✓ ")).count(), 58);
    let (code, out, err) = shouli(&["explain"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("经营者未履行法定义务"), "{out}");
}

/// A copy of the built-in rules with one example broken, two ways: a
/// statement the grammar refuses, and an expectation naming no clause.
fn broken_examples() -> [(&'static str, String, String); 2] {
    let syntax = BUILTIN_RULES.replacen("  purchase.quantity = 1\n", "  purchase.quantity =\n", 1);
    // The error is at the line after the broken one, where a value was due.
    let broken = syntax
        .find("  purchase.quantity =\n")
        .expect("the example's line");
    let line = syntax[..broken].lines().count() + 2;
    let check = BUILTIN_RULES.replacen(
        "expect accepted by \"1.2\" fired [] missing []",
        "expect accepted by \"9.9\" fired [] missing []",
        1,
    );
    assert_ne!(syntax, BUILTIN_RULES);
    assert_ne!(check, BUILTIN_RULES);
    [
        ("syntax", syntax, format!("syntax.rules:{line}:3")),
        ("check", check, "9.9".to_string()),
    ]
}

/// A user's rule file is always parsed and checked in full: a broken
/// example makes `check`, `template` and `batch` refuse it, with the error.
#[test]
fn a_users_broken_example_fails_every_command() {
    let dir = scratch("broken");
    let record = support::root().join("rules/examples/accepted.toml");
    let record = record.to_str().unwrap();
    for (what, text, needle) in broken_examples() {
        let rules = dir.join(format!("{what}.rules"));
        std::fs::write(&rules, &text).expect("rule file written");
        let rules = rules.to_str().unwrap();
        for args in [
            vec!["check", record, "--rules", rules],
            vec!["template", "--rules", rules],
            vec!["batch", record, "--rules", rules],
            vec!["test", rules],
            vec!["explain", rules],
            vec!["lint", rules],
        ] {
            let (code, out, err) = shouli(&args);
            assert_eq!(
                code,
                shouli::cli::exit::UNUSABLE,
                "{what} {args:?}: {out}{err}"
            );
            assert!(err.contains(&needle), "{what} {args:?}: {err}");
        }
        // The library's default loader parses examples too.
        assert!(shouli::load_rules(rules, text.as_bytes()).is_err());
    }
    let _ = std::fs::remove_dir_all(&dir);
}
