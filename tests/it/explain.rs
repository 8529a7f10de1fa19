//! `shouli explain`: the built-in rules as a Markdown document (snapshot),
//! the plain-words renderings a reviewer relies on, and the HTML page's
//! structure: well-formed, self-contained, escaped, every clause present.

use crate::insta;
use shouli::cli::{Cli, run};
use shouli::diag::Lang;
use shouli::examples::traces;
use shouli::explain::{Format, render};

fn builtin() -> shouli::compile::Program {
    shouli::builtin().expect("the built-in rules load")
}

/// The digest changes with every edit of the rule file; it has its own
/// assertion, so the snapshots do not churn.
fn masked(doc: &str, program: &shouli::compile::Program) -> String {
    assert!(doc.contains(&program.rules.digest));
    doc.replace(
        &program.rules.digest,
        "sha256:<digest of the built-in rules>",
    )
}

#[test]
fn builtin_markdown() {
    let program = builtin();
    insta::assert_snapshot!(masked(
        &render(&program, &traces(&program), Format::Md, Lang::Zh),
        &program
    ));
}

#[test]
fn builtin_markdown_in_english() {
    let program = builtin();
    insta::assert_snapshot!(masked(
        &render(&program, &traces(&program), Format::Md, Lang::En),
        &program
    ));
}

/// The conditions in plain Chinese, as a reviewer reads them beside the
/// guideline.
#[test]
fn conditions_in_plain_words() {
    let program = builtin();
    let doc = render(&program, &traces(&program), Format::Md, Lang::Zh);
    for phrase in [
        "**成立条件**：接待日期 晚于 保修期届满日（购买日期 加 国家规定的保修期（月） 个月）",
        "**成立条件**：购买渠道 为 个人私下交易 或 非法渠道",
        "**满足条件**：以下各项均已填写：",
        "**满足条件**：凭证 含有 发票 或 收据/小票 之一",
        "**期限** `resolve_by`：受理日期（未填写时取 接待日期） 加 15 天；仅在结论为 受理 时计算",
        "- 调解情况 为 已达成调解协议并已执行\n- 有新情况、新理由 为 否",
        "按三值逻辑，任一项不成立，本条即不成立，其余未填写的项不必补问",
        "**适用条件**：受理依据（1.1、1.2）均不成立",
    ] {
        assert!(doc.contains(phrase), "missing: {phrase}");
    }
    // Every clause, in file order.
    let ids: Vec<&str> = doc
        .lines()
        .filter_map(|l| l.strip_prefix("### "))
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "1.0", "1.1", "1.2", "1.3(1)", "1.3(2)", "1.3(3)", "1.3(4)", "1.3(5)", "1.3(6)",
            "1.3(7)", "1.3(8)", "1.3(9)", "1.3(10)", "2.1", "2.2", "2.3", "2.4", "W1", "W2"
        ]
    );
}

/// Checks that tags open and close in order; returns the element names seen.
fn well_formed(html: &str) -> Vec<String> {
    const VOID: &[&str] = &["meta", "br"];
    let mut stack: Vec<String> = Vec::new();
    let mut seen = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        let after = &rest[i + 1..];
        let end = after.find('>').expect("every tag is closed with `>`");
        let tag = &after[..end];
        rest = &after[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(!name.is_empty(), "not a tag: <{tag}>");
        if let Some(closing) = tag.strip_prefix('/') {
            let open = stack
                .pop()
                .unwrap_or_else(|| panic!("</{closing}> closes nothing"));
            assert_eq!(open, name, "</{name}> closes <{open}>");
        } else if !VOID.contains(&name.as_str()) {
            stack.push(name.clone());
        }
        seen.push(name);
    }
    assert!(stack.is_empty(), "left open: {stack:?}");
    seen
}

#[test]
fn builtin_html_is_one_well_formed_printable_page() {
    let program = builtin();
    let html = render(&program, &traces(&program), Format::Html, Lang::Zh);
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
    let tags = well_formed(&html);
    for needed in [
        "html", "head", "meta", "title", "style", "body", "h1", "table", "section",
    ] {
        assert!(tags.iter().any(|t| t == needed), "no <{needed}>");
    }
    // Self-contained: no scripts, links, images or remote anything.
    for banned in [
        "<script", "<link", "<img", "src=", "http://", "https://", "@import",
    ] {
        assert!(!html.contains(banned), "{banned}");
    }
    assert!(html.contains("@media print"));
    assert!(html.contains("break-inside:avoid"));
    for c in &program.rules.clauses {
        assert!(
            html.contains(&format!(
                "<section class=\"clause\" id=\"clause-{}\">",
                c.id
            )),
            "{}",
            c.id
        );
        assert!(html.contains(&format!("<h3>{} ", c.id)), "{}", c.id);
    }
    assert!(html.contains("<section class=\"clause\" id=\"clause-1.0\">"));
    assert_eq!(
        html.matches("<section").count(),
        program.rules.clauses.len() + 1
    );
}

/// Text from the rule file is escaped in HTML, and cannot start markup in
/// Markdown.
#[test]
fn rule_text_is_escaped() {
    let rules = r#"rules "A & B <规则>" {
  source "<script>alert('x')</script>"
}
field claim.basis "类型 <b>粗</b> & \"引号\"" enum {
  harm "损害 *重要* | 表格" en "harm <i>"
  other "其他" en "other"
}
scope "1.0" "范围" {}
basis "1.1" "依据 <1>" {
  source "原文 </section> & more"
  when claim.basis == "harm"
  because "类型为 {claim.basis} <br>"
}
"#;
    let program = shouli::load_rules("escaping.rules", rules.as_bytes())
        .unwrap_or_else(|e| panic!("{:?}", e.diagnostics));
    let html = render(&program, &traces(&program), Format::Html, Lang::Zh);
    well_formed(&html);
    for raw in [
        "<script>",
        "<b>粗</b>",
        "</section> &",
        "<1>",
        "<br> ",
        "<i>",
    ] {
        assert!(!html.contains(raw), "unescaped {raw}");
    }
    for escaped in [
        "<title>A &amp; B &lt;规则&gt;</title>",
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;",
        "原文 &lt;/section&gt; &amp; more",
        "类型 &lt;b&gt;粗&lt;/b&gt; &amp; &quot;引号&quot;",
    ] {
        assert!(html.contains(escaped), "missing {escaped}");
    }
    let md = render(&program, &traces(&program), Format::Md, Lang::Zh);
    assert!(md.contains("损害 \\*重要\\* \\| 表格"), "{md}");
    assert!(md.contains("\\<script\\>"), "{md}");
}

#[test]
fn command_writes_the_file_and_refuses_broken_rules() {
    let dir = std::env::temp_dir().join(format!("shouli-explain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out_file = dir.join("rules.html");
    let cli = <Cli as clap::Parser>::try_parse_from([
        "shouli",
        "explain",
        "--format",
        "html",
        "-o",
        out_file.to_str().unwrap(),
    ])
    .unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert_eq!(run(cli, &mut out, &mut err), 0);
    assert!(out.is_empty() && err.is_empty());
    let html = std::fs::read_to_string(&out_file).unwrap();
    well_formed(&html);
    std::fs::remove_dir_all(&dir).unwrap();

    let cli = <Cli as clap::Parser>::try_parse_from([
        "shouli",
        "explain",
        "tests/fixtures/rules-err/duplicate-clause-id.rules",
    ])
    .unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert_eq!(run(cli, &mut out, &mut err), 2);
    assert!(out.is_empty());
    let err = String::from_utf8(err).unwrap();
    assert!(err.contains("error[duplicate-clause]"), "{err}");
    assert!(err.contains("duplicate-clause-id.rules:"), "{err}");
}

/// Definitions that each use the one before twice are phrased once each,
/// by name where used: the document grows with the file, not as 2^N.
#[test]
fn chained_definitions_are_phrased_once() {
    let mut text = String::from("rules \"链\" { version \"1\" }\nfield d0 \"日期\" date\n");
    for i in 1..=40 {
        text.push_str(&format!(
            "define d{i} = (d{} else d{}) + 0 days\n",
            i - 1,
            i - 1
        ));
    }
    text.push_str("ground \"1\" \"晚\" { when d40 > 2024-01-01 }\n");
    let program = shouli::load_rules("chain.rules", text.as_bytes()).expect("the chain loads");
    for format in [Format::Md, Format::Html] {
        let doc = render(&program, &traces(&program), format, Lang::Zh);
        assert!(doc.len() < 20_000, "{} bytes", doc.len());
        assert!(doc.contains("d39（未填写时取 d39） 加 0 天"), "{doc}");
    }
}
