//! The corpus of broken rule files under tests/fixtures/rules-err/, the one
//! home of rule files that must be refused: most are the valid
//! `base.rules.ok` with one mistake (or, where the name says so, several),
//! the others small files built around one mistake or one limit. The first
//! line of each states the error codes it must get, in order
//! (`# expect: code=a,b — what it is`); the test holds the loader to it.
//! The fully rendered diagnostics (code frame, Chinese and English, help)
//! are snapshotted, so a reviewer reads exactly what a rule author would
//! see. `tests/it/bad_inputs.rs` runs the same files through `shouli check`.

use crate::insta;
use shouli::cli::{Cli, run};
use shouli::diag::{self, Lang};

const DIR: &str = "tests/fixtures/rules-err";

/// Loads a rule file the way every command does, expecting it refused.
fn refused(path: &std::path::Path) -> shouli::RulesError {
    let bytes = std::fs::read(path).expect("fixture readable");
    let name = format!("{DIR}/{}", path.file_name().unwrap().to_string_lossy());
    match shouli::load_rules(&name, &bytes) {
        Ok(_) => panic!("{name} loaded, but it holds a mistake"),
        Err(e) => e,
    }
}

/// The error codes a broken rule file states on its first line:
/// `# expect: code=a,b — what it is`. An empty file has no first line; it
/// is refused as a syntax error (`rules` expected).
pub fn expected_codes(bytes: &[u8], name: &str) -> Vec<String> {
    if bytes.is_empty() {
        return vec!["syntax".to_string()];
    }
    let line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = std::str::from_utf8(line).unwrap_or_default();
    let codes = line
        .strip_prefix("# expect: code=")
        .unwrap_or_else(|| panic!("{name}: first line is not `# expect: code=…`: {line}"));
    let codes = codes.split_whitespace().next().unwrap_or_default();
    let codes: Vec<String> = codes.split(',').map(str::to_string).collect();
    assert!(
        codes.iter().all(|c| !c.is_empty()),
        "{name}: an empty code in `{line}`"
    );
    codes
}

#[test]
fn the_base_file_is_valid() {
    let bytes = std::fs::read(format!("{DIR}/base.rules.ok")).unwrap();
    if let Err(e) = shouli::load_rules("base.rules.ok", &bytes) {
        panic!("{}", diag::render_all(&e.diagnostics, &e.file, Lang::Zh));
    }
}

#[test]
fn broken_rule_files() {
    insta::glob!("fixtures/rules-err/*.rules", |path| {
        let e = refused(path);
        let bytes = std::fs::read(path).unwrap();
        let want = expected_codes(&bytes, &e.file.name);
        let got: Vec<&str> = e
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.code)
            .collect();
        assert_eq!(got, want, "{}: the error codes", e.file.name);
        let text = diag::render_all(&e.diagnostics, &e.file, Lang::Zh);
        for d in &e.diagnostics {
            // Every diagnostic points somewhere, and nothing talks in bytes
            // or in the grammar's own rule names.
            assert!(d.span.is_some(), "{}: no span: {d:?}", e.file.name);
            for m in [&d.message.zh, &d.message.en] {
                assert!(!m.contains("byte") && !m.contains("字节"), "{m}");
                assert!(
                    !m.contains("_stmt") && !m.contains("_decl") && !m.contains("kw_"),
                    "{m}"
                );
            }
            if let Some(h) = &d.help {
                assert!(!h.en.contains("byte") && !h.zh.contains("字节"), "{}", h.en);
            }
        }
        insta::assert_snapshot!(text);
    });
}

/// Several mistakes in one file are all reported in one run.
#[test]
fn several_mistakes_are_reported_together() {
    let e = refused(std::path::Path::new(&format!("{DIR}/several-errors.rules")));
    let codes: Vec<&str> = e.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        ["unknown-value", "duplicate-clause", "undeclared-key"]
    );
    let e = refused(std::path::Path::new(&format!(
        "{DIR}/recovery-two-syntax-errors.rules"
    )));
    let lines: Vec<usize> = e
        .diagnostics
        .iter()
        .map(|d| e.file.line_col(d.span.as_ref().unwrap().start).0)
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
}

/// `--lang en` drops the Chinese.
#[test]
fn english_only() {
    let e = refused(std::path::Path::new(&format!(
        "{DIR}/undeclared-key-did-you-mean.rules"
    )));
    insta::assert_snapshot!(diag::render_all(&e.diagnostics, &e.file, Lang::En));
}

/// 100,000 nested parentheses are refused with an error, not a stack
/// overflow.
#[test]
fn deep_nesting_is_an_error() {
    let base = std::fs::read_to_string(format!("{DIR}/base.rules.ok")).unwrap();
    let deep = format!(
        "{}claim.basis == \"harm\"{}",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    let text = base.replace("when claim.basis == \"harm\"", &format!("when {deep}"));
    let e = shouli::load_rules("deep.rules", text.as_bytes()).expect_err("too deep");
    assert_eq!(e.diagnostics[0].code, "too-deep");
    let nots = base.replace(
        "when claim.basis == \"harm\"",
        &format!("when {}claim.basis == \"harm\"", "not ".repeat(100_000)),
    );
    let e = shouli::load_rules("nots.rules", nots.as_bytes()).expect_err("too deep");
    assert_eq!(e.diagnostics[0].code, "too-deep");
}

/// `--error-format json`: one JSON object per line, with the file, line,
/// column, code and both languages.
#[test]
fn json_error_format() {
    let cli = <Cli as clap::Parser>::try_parse_from([
        "shouli",
        "lint",
        &format!("{DIR}/several-errors.rules"),
        "--error-format",
        "json",
    ])
    .unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(cli, &mut out, &mut err);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    let err = String::from_utf8(err).unwrap();
    let lines: Vec<serde_json::Value> = err
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 3);
    for l in &lines {
        assert_eq!(l["severity"], "error");
        assert_eq!(l["file"], format!("{DIR}/several-errors.rules"));
        assert!(l["line"].as_u64().unwrap() > 1);
        assert!(l["column"].as_u64().unwrap() >= 1);
        assert!(l["message"]["zh"].is_string() && l["message"]["en"].is_string());
    }
    insta::assert_snapshot!(err);
}
