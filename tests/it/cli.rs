//! The command line as a user meets it: exit codes (SPEC §5), the JSON
//! report (SPEC §4), the English UI, stdin, the blank template, redaction.

use crate::{insta, support};

use support::shouli;

fn example(name: &str) -> String {
    support::root()
        .join("rules/examples")
        .join(name)
        .display()
        .to_string()
}

fn mask_digest(text: &str) -> String {
    text.replace(
        &shouli::digest(shouli::BUILTIN_RULES.as_bytes()),
        "sha256:<digest of the built-in rules>",
    )
}

#[test]
fn exit_codes_follow_the_outcome() {
    assert_eq!(shouli(&["check", &example("accepted.toml")]).0, 0);
    assert_eq!(
        shouli(&["check", &example("rejected-private-sale.toml")]).0,
        1
    );
    assert_eq!(
        shouli(&["check", &example("incomplete-no-invoice.toml")]).0,
        3
    );
}

#[test]
fn unusable_input_exits_2_and_says_where() {
    let (code, out, err) = shouli(&["check", "no/such/file.toml"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("no/such/file.toml")
            && err.contains("无法读取")
            && err.contains("cannot read"),
        "{err}"
    );

    let (code, _, err) = shouli(&[
        "check",
        &example("accepted.toml"),
        "--rules",
        "no/such.rules",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("no/such.rules"), "{err}");
}

#[test]
fn json_reports_match_the_spec() {
    for name in [
        "accepted.toml",
        "rejected-private-sale.toml",
        "incomplete-no-invoice.toml",
    ] {
        let (_, out, _) = shouli(&["check", "--format", "json", &example(name)]);
        let value: serde_json::Value = serde_json::from_str(&out).expect("one JSON object");
        for key in [
            "id",
            "outcome",
            "deciding",
            "fired",
            "missing",
            "deadlines",
            "clauses",
            "rules",
        ] {
            assert!(value.get(key).is_some(), "{name}: no `{key}`");
        }
        for clause in value["clauses"].as_array().unwrap() {
            let status = clause["status"].as_str().unwrap();
            assert!(
                ["true", "false", "unknown", "met", "unmet"].contains(&status),
                "{status}"
            );
        }
        insta::assert_snapshot!(name, mask_digest(&out));
    }
}

#[test]
fn english_ui_is_a_flag_away() {
    let (code, out, _) = shouli(&[
        "check",
        "--lang",
        "en",
        &example("incomplete-no-invoice.toml"),
    ]);
    assert_eq!(code, 3);
    insta::assert_snapshot!(mask_digest(&out));
}

#[test]
fn stdin_is_read_with_a_dash() {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_shouli"))
        .args(["check", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawns");
    let record = std::fs::read(example("rejected-private-sale.toml")).unwrap();
    child.stdin.take().unwrap().write_all(&record).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["deciding"], "1.3(2)");
    assert_eq!(value["id"], "rejected-private-sale");
}

#[test]
fn the_blank_template_loads_and_is_incomplete() {
    let (code, template, _) = shouli(&["template"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(template);
    let program = support::builtin();
    let mut rec = shouli::record::Record::new(program.rules.fields.len());
    // Valid TOML with no key the rules do not know: as it stands, blank,
    // it is refused only because nothing is filled in.
    let refused = shouli::record::toml::load(
        template.as_bytes(),
        "template.toml",
        &program.rules,
        &mut rec,
    )
    .expect_err("a blank template is an empty record");
    let codes: Vec<&str> = refused.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["empty-record"]);
    assert!(rec.is_empty(), "every value in the template is blank");
    // Every declared field appears in the template.
    for field in &program.rules.fields {
        let name = field.key.rsplit('.').next().unwrap();
        assert!(
            template.contains(&format!("\n{name} = ")),
            "{} missing",
            field.key
        );
    }
    let trace = program.evaluate(&rec).unwrap();
    assert_eq!(trace.outcome, shouli::model::Outcome::Incomplete);
}

#[test]
fn redact_masks_names_and_phones_in_every_format() {
    let rules = support::root().join("tests/fixtures/cli/redact.rules");
    let record = support::root().join("tests/fixtures/cli/redact.toml");
    let (rules, record) = (rules.to_str().unwrap(), record.to_str().unwrap());
    let (_, plain, _) = shouli(&["check", "--rules", rules, record]);
    assert!(
        plain.contains("王丽") && plain.contains("13800000000"),
        "{plain}"
    );
    for format in ["text", "json"] {
        let (code, out, err) = shouli(&[
            "check", "--rules", rules, "--redact", "--format", format, record,
        ]);
        assert_eq!(code, 0, "{err}");
        assert!(
            !out.contains("王丽") && !out.contains("13800000000"),
            "{out}"
        );
        assert!(out.contains("王*") && out.contains("138****0000"), "{out}");
    }
}

#[test]
fn warnings_name_unknown_keys_and_do_not_stop_the_check() {
    let dir = std::env::temp_dir().join(format!("shouli-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("extra-key.toml");
    let mut text = std::fs::read_to_string(example("accepted.toml")).unwrap();
    text = text.replace("[claim]", "[claim]\nbasiss = \"harm\"");
    std::fs::write(&path, text).unwrap();
    let (code, out, err) = shouli(&["check", "--format", "json", path.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(
        err.contains("claim.basiss") && err.contains("claim.basis"),
        "{err}"
    );
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(value["warnings"].as_array().unwrap().len(), 1);
    std::fs::remove_dir_all(&dir).ok();
}

/// Records that can only be slips are warned by the rules' own `warning`
/// clauses (W1, W2 of the built-in rules): in the text report's 提醒 and the
/// JSON report's `warnings`; the outcome is what it would have been.
#[test]
fn slips_in_a_record_are_warned_not_decided() {
    for (file, warning) in [
        (
            "tests/bad/purchase-after-received.toml",
            "购买日期 2024-05-01 晚于接待日期 2024-03-05：请核对这两个日期",
        ),
        (
            "tests/bad/identified-without-name.toml",
            "被投诉方填为明确，却没有填写被投诉人姓名/商户名称：请补填或核对",
        ),
    ] {
        let path = support::root().join(file);
        let path = path.to_str().unwrap();
        let (code, out, _) = support::shouli(&["check", path]);
        assert_eq!(code, 3, "{out}");
        assert!(out.contains(&format!("提醒：\n  - {warning}")), "{out}");
        let (_, json, _) = support::shouli(&["check", "--format", "json", path]);
        let report: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert!(
            report["warnings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|w| w == warning),
            "{json}"
        );
        assert!(
            !report["clauses"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["id"] == "W1" || c["id"] == "W2"),
            "{json}"
        );
    }
}

/// Help as the binary prints it (clap prints help only when it parses the
/// real command line).
fn help(args: &[&str]) -> String {
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_shouli"))
        .args(args)
        .output()
        .expect("shouli runs");
    assert!(run.status.success(), "{args:?}");
    String::from_utf8(run.stdout).expect("UTF-8")
}

/// Help lists a command's arguments in the order they are typed.
#[test]
fn help_lists_arguments_in_command_line_order() {
    let out = help(&["diff", "--help"]);
    let arguments = out
        .split("参数 / Arguments:")
        .nth(1)
        .and_then(|rest| rest.split("选项 / Options:").next())
        .expect("an Arguments section");
    let at = |name: &str| {
        arguments
            .find(name)
            .unwrap_or_else(|| panic!("{name} not in {arguments}"))
    };
    assert!(at("<OLD>") < at("<NEW>"), "{arguments}");
    assert!(at("<NEW>") < at("[INPUT]..."), "{arguments}");
}

/// Every command's help gives its options' values and defaults in both
/// languages, never clap's English "Possible values" or "[default: …]",
/// in the long form and the short.
#[test]
fn help_gives_values_and_defaults_in_both_languages() {
    let commands = [
        "check",
        "template",
        "test",
        "fmt",
        "batch",
        "diff",
        "lint",
        "explain",
        "rules",
        "interview",
        "serve",
        "notice",
        "cases",
    ];
    let cases = [
        "add", "recheck", "record", "list", "show", "due", "export", "notice",
    ];
    let every = commands
        .iter()
        .map(|c| vec![*c])
        .chain(cases.iter().map(|c| vec!["cases", *c]));
    for command in every {
        for flag in ["--help", "-h"] {
            let text = help(&[command.as_slice(), &[flag]].concat());
            let command = command.join(" ");
            for english in ["Possible values", "possible values:", "[default:"] {
                assert!(
                    !text.contains(english),
                    "{command} {flag}: {english}\n{text}"
                );
            }
        }
    }
    let batch = help(&["batch", "--help"]);
    assert!(batch.contains("可选值 / values:"), "{batch}");
    assert!(
        batch.contains("- table: 对齐的表格 / an aligned table for people"),
        "{batch}"
    );
    assert!(batch.contains("默认 / default: jsonl"), "{batch}");
    assert!(help(&["batch", "-h"]).contains("[可选 / values: jsonl, csv, table]"));
}
