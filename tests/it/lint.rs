//! `shouli lint`: one purpose-made rule file per lint under
//! tests/fixtures/lint/ (each is `clean.rules.ok` changed in one place),
//! whose first line names the findings it must give; the rendered findings
//! are snapshotted. Also the built-in rules, and the command's exit codes.

use crate::insta;
use shouli::cli::{Cli, run};
use shouli::diag::{self, Lang};

const DIR: &str = "tests/fixtures/lint";

fn lint_file(path: &std::path::Path) -> shouli::load::Linted {
    let bytes = std::fs::read(path).expect("fixture readable");
    let name = format!("{DIR}/{}", path.file_name().unwrap().to_string_lossy());
    shouli::load::lint_rules(&name, &bytes).unwrap_or_else(|e| {
        panic!(
            "{name} does not load:\n{}",
            diag::render_all(&e.diagnostics, &e.file, Lang::Zh)
        )
    })
}

/// The codes named on a fixture's `# lint:` first line, sorted.
fn expected_codes(text: &str) -> Vec<String> {
    let line = text.lines().next().unwrap_or_default();
    let codes = line
        .strip_prefix("# lint:")
        .unwrap_or_else(|| panic!("first line is not `# lint:`: {line}"));
    let mut codes: Vec<String> = codes
        .split_whitespace()
        .filter(|c| *c != "(none)")
        .map(str::to_string)
        .collect();
    codes.sort();
    codes
}

fn codes_of(linted: &shouli::load::Linted) -> Vec<String> {
    let mut codes: Vec<String> = linted
        .diagnostics
        .iter()
        .map(|d| d.code.to_string())
        .collect();
    codes.sort();
    codes
}

#[test]
fn the_clean_file_has_no_findings() {
    let path = std::path::Path::new(DIR).join("clean.rules.ok");
    let linted = lint_file(&path);
    assert!(
        linted.diagnostics.is_empty(),
        "{}",
        diag::render_all(&linted.diagnostics, &linted.file, Lang::Zh)
    );
    // Its examples say what the rules decide.
    let program = shouli::compile::compile(linted.rules.clone());
    for e in &linted.rules.examples {
        let trace = program.evaluate(&e.record).unwrap();
        assert_eq!(trace.outcome, e.expect.outcome, "{}", e.name);
    }
}

#[test]
fn lint_fixtures() {
    insta::glob!("fixtures/lint/*.rules", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let linted = lint_file(path);
        assert_eq!(
            codes_of(&linted),
            expected_codes(&text),
            "{}",
            path.display()
        );
        for d in &linted.diagnostics {
            assert!(d.span.is_some(), "{d:?}");
            assert!(d.help.is_some(), "{d:?}");
        }
        insta::assert_snapshot!(diag::render_all(
            &linted.diagnostics,
            &linted.file,
            Lang::Zh
        ));
    });
}

/// The built-in rules lint clean (their form-only fields are marked `form`).
#[test]
fn builtin_rules() {
    let linted = shouli::load::lint_rules(shouli::BUILTIN_NAME, shouli::BUILTIN_RULES.as_bytes())
        .expect("the built-in rules load");
    assert!(
        linted.diagnostics.is_empty(),
        "{}",
        diag::render_all(&linted.diagnostics, &linted.file, Lang::Zh)
    );
}

fn lint(args: &[&str]) -> (u8, String, String) {
    let mut argv = vec!["shouli", "lint"];
    argv.extend_from_slice(args);
    let cli = <Cli as clap::Parser>::try_parse_from(argv).unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(cli, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

#[test]
fn exit_codes() {
    let clean = format!("{DIR}/clean.rules.ok");
    let warned = format!("{DIR}/unused-field.rules");
    let wrong = format!("{DIR}/never-true-same-key.rules");
    let (code, out, err) = lint(&[&clean]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(out.contains("没有发现问题"), "{out}");
    assert_eq!(lint(&[&clean, "--deny-warnings"]).0, 0);
    assert_eq!(lint(&[&warned]).0, 0);
    let (code, out, _) = lint(&[&warned, "--deny-warnings"]);
    assert_eq!(code, 1);
    assert!(out.contains("warning[unused-field]"), "{out}");
    assert_eq!(lint(&[&wrong]).0, 2);
    // A file that does not even check is unusable, reported on stderr.
    let (code, out, err) = lint(&["tests/fixtures/rules-err/several-errors.rules"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("error[undeclared-key]"), "{err}");
    let (code, _, err) = lint(&["tests/fixtures/lint/no-such-file.rules"]);
    assert_eq!(code, 2);
    assert!(err.contains("no-such-file.rules"), "{err}");
}

#[test]
fn json_lines() {
    let (code, out, _) = lint(&[
        &format!("{DIR}/explanation-only-field.rules"),
        "--error-format",
        "json",
        "--deny-warnings",
    ]);
    assert_eq!(code, 1);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    let codes: Vec<&str> = lines.iter().map(|l| l["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["explanation-only-field", "template-key-not-read"]);
    for l in &lines {
        assert_eq!(l["severity"], "warning");
        assert!(l["line"].as_u64().unwrap() > 0);
        assert!(l["help"]["zh"].is_string());
    }
}
