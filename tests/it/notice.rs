//! `shouli notice`: each kind of notice under both built-in rule sets, as
//! text, as HTML and as DOCX. The HTML and the DOCX are read back (tags
//! stripped, the archive unzipped and document.xml parsed) and snapshotted
//! as text, so a reviewer reads what the complainant would; the three
//! renderings must say the same thing line for line.

use std::path::PathBuf;

use crate::{insta, support};

use support::shouli;

const DATE: &str = "2026-05-20";

fn fixture(name: &str) -> String {
    support::root()
        .join("tests/fixtures/notice")
        .join(name)
        .display()
        .to_string()
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("shouli-notice-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The rule set a fixture is written for: its name's first word.
fn rules_of(name: &str) -> &str {
    name.split('-').next().expect("a name")
}

fn notice(name: &str, format: &str, extra: &[&str]) -> (u8, String, String) {
    let path = fixture(name);
    let mut args = vec![
        "notice",
        &path,
        "--rules",
        rules_of(name),
        "--date",
        DATE,
        "--format",
        format,
    ];
    args.extend_from_slice(extra);
    shouli(&args)
}

/// The paragraphs of the HTML page, tags stripped and entities read.
fn html_paragraphs(html: &str) -> Vec<String> {
    let body = html.split("<body>").nth(1).expect("a body");
    let mut out = Vec::new();
    for part in body.split("</").filter(|p| p.contains('>')) {
        let Some(open) = part.rfind('>') else {
            continue;
        };
        let text = &part[open + 1..];
        if !text.trim().is_empty() {
            out.push(unescape(text));
        }
    }
    out
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The entries of a ZIP archive, read from its central directory, each
/// checked against its CRC-32.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]) as usize;
    let u32_at =
        |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    let end = bytes.len() - 22;
    assert_eq!(u32_at(end), 0x0605_4b50, "an end of central directory");
    let count = u16_at(end + 10);
    let mut at = u32_at(end + 16) as usize;
    let mut out = Vec::new();
    for _ in 0..count {
        assert_eq!(u32_at(at), 0x0201_4b50, "a central directory entry");
        let method = u16_at(at + 10);
        let crc = u32_at(at + 16);
        let size = u32_at(at + 20) as usize;
        let name_len = u16_at(at + 28);
        let extra = u16_at(at + 30) + u16_at(at + 32);
        let local = u32_at(at + 42) as usize;
        let name = String::from_utf8(bytes[at + 46..at + 46 + name_len].to_vec()).unwrap();
        assert_eq!(method, 0, "{name} is stored");
        assert_eq!(u32_at(local), 0x0403_4b50, "{name}: a local header");
        let data_at = local + 30 + u16_at(local + 26) + u16_at(local + 28);
        let data = bytes[data_at..data_at + size].to_vec();
        assert_eq!(crc32(&data), crc, "{name}: CRC-32");
        out.push((name, data));
        at += 46 + name_len + extra;
    }
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

/// The paragraphs of a DOCX file's document.xml, which must be well formed.
fn docx_paragraphs(bytes: &[u8]) -> Vec<String> {
    let entries = unzip(bytes);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["[Content_Types].xml", "_rels/.rels", "word/document.xml"]
    );
    for (name, data) in &entries {
        let text = std::str::from_utf8(data).expect("XML is UTF-8");
        roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let xml = std::str::from_utf8(&entries[2].1).unwrap();
    let doc = roxmltree::Document::parse(xml).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("p"))
        .map(|p| {
            p.descendants()
                .filter(|n| n.has_tag_name("t"))
                .filter_map(|t| t.text())
                .collect::<String>()
        })
        .collect()
}

/// The text notice's lines, without the layout's spaces.
fn text_paragraphs(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn all_three(name: &str, extra: &[&str]) -> String {
    let (code, text, err) = notice(name, "text", extra);
    assert_eq!(code, 0, "{name}: {err}");
    assert!(err.is_empty(), "{name}: {err}");
    let (code, html, err) = notice(name, "html", extra);
    assert_eq!(code, 0, "{name}: {err}");
    let dir = temp_dir(name.trim_end_matches(".toml"));
    let out = dir.join("notice.docx");
    let out_s = out.display().to_string();
    let mut with_output = extra.to_vec();
    with_output.extend(["-o", &out_s]);
    let (code, _, err) = notice(name, "docx", &with_output);
    assert_eq!(code, 0, "{name}: {err}");
    let docx = std::fs::read(&out).expect("the docx was written");
    let _ = std::fs::remove_dir_all(&dir);

    let text_p = text_paragraphs(&text);
    let html_p = html_paragraphs(&html);
    let docx_p = docx_paragraphs(&docx);
    assert_eq!(text_p, html_p, "{name}: text and HTML say the same");
    assert_eq!(html_p, docx_p, "{name}: HTML and DOCX say the same");
    assert!(html.contains("@page { size: A4"), "{name}: printable on A4");
    format!(
        "--- text ---\n{text}--- html (text) ---\n{}\n--- docx (document.xml text) ---\n{}\n",
        html_p.join("\n"),
        docx_p.join("\n")
    )
}

#[test]
fn every_kind_of_notice_under_both_rule_sets() {
    for name in [
        "guideline-accepted.toml",
        "guideline-rejected-two-grounds.toml",
        "guideline-incomplete.toml",
        "samr-accepted.toml",
        "samr-rejected-two-grounds.toml",
        "samr-rejected-old.toml",
        "samr-incomplete.toml",
    ] {
        let shown = all_three(name, &[]);
        // No key, no English word of the rule file, no trace.
        for word in ["claim.", "complainant.", "respondent.", "fired", "deciding"] {
            assert!(!shown.contains(word), "{name}: `{word}` in\n{shown}");
        }
        insta::assert_snapshot!(format!("notice-{}", name.trim_end_matches(".toml")), shown);
    }
}

#[test]
fn a_rejection_on_two_grounds_names_both_in_the_regulations_words() {
    let (_, text, _) = notice("samr-rejected-two-grounds.toml", "text", &[]);
    assert!(text.contains("属以下第〔一、五〕项情形"), "{text}");
    assert!(text.contains("第十六条的规定，决定不予受理"), "{text}");
    assert!(
        text.contains("（一）投诉事项不属于市场监督管理部门职责"),
        "{text}"
    );
    assert!(text.contains("（五）未提供本办法第十条第一款"), "{text}");
    assert!(text.contains("经核验，投诉人提供的材料虚假"), "{text}");
    // Received before 2026-04-15: the interim measures' Article 15.
    let (_, old, _) = notice("samr-rejected-old.toml", "text", &[]);
    assert!(old.contains("暂行办法》第十五条"), "{old}");
}

#[test]
fn a_notice_to_complete_asks_only_what_the_complainant_can_supply() {
    let (code, text, err) = notice("samr-incomplete.toml", "text", &[]);
    assert_eq!(code, 0, "{err}");
    let asked: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.contains(". "))
        .collect();
    assert_eq!(asked, ["1. 投诉人电话号码", "2. 消费者权益争议事实"]);
    // law.excluded is missing too, but the office determines it.
    assert!(!text.contains("不予受理的其他情形"), "{text}");
}

#[test]
fn nothing_to_ask_the_complainant_is_said_not_written() {
    let dir = temp_dir("office-only");
    let rec = dir.join("office-only.toml");
    let text = std::fs::read_to_string(fixture("samr-accepted.toml"))
        .unwrap()
        .replace("in_remit = true\n", "");
    std::fs::write(&rec, text).unwrap();
    let (code, out, err) = shouli(&[
        "notice",
        &rec.display().to_string(),
        "--rules",
        "samr",
        "--date",
        DATE,
    ]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("没有需要投诉人补正的材料") && err.contains("属于市场监督管理部门职责"),
        "{err}"
    );
}

#[test]
fn personal_data_only_in_the_addressee_block_and_masked_there_with_redact() {
    let (_, plain, _) = notice("guideline-accepted.toml", "text", &[]);
    let lines: Vec<&str> = plain.lines().filter(|l| l.contains("王丽")).collect();
    assert_eq!(lines, ["王丽："], "{plain}");
    assert!(!plain.contains("13800000000") && !plain.contains("鑫达"));

    let (_, text, _) = notice("guideline-accepted.toml", "text", &["--redact"]);
    let (_, html, _) = notice("guideline-accepted.toml", "html", &["--redact"]);
    for shown in [&text, &html] {
        assert!(!shown.contains("王丽"), "{shown}");
        assert!(shown.contains("王*："), "{shown}");
    }
}

#[test]
fn html_escapes_what_the_record_holds() {
    let dir = temp_dir("escape");
    let rec = dir.join("markup.toml");
    let text = std::fs::read_to_string(fixture("guideline-accepted.toml"))
        .unwrap()
        .replace(
            "product = \"电饭煲\"",
            "product = \"<script>alert('x')</script>&amp;\"",
        );
    std::fs::write(&rec, text).unwrap();
    let (code, html, err) = shouli(&[
        "notice",
        &rec.display().to_string(),
        "--date",
        DATE,
        "--format",
        "html",
    ]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, 0, "{err}");
    assert!(!html.contains("<script>"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;amp;"),
        "{html}"
    );
}

#[test]
fn docx_needs_a_file_and_never_overwrites_its_input() {
    let (code, out, err) = notice("samr-accepted.toml", "docx", &[]);
    assert_eq!(code, 2);
    assert!(out.is_empty() && err.contains("-o"), "{err}");
    let input = fixture("samr-accepted.toml");
    let before = std::fs::read(&input).unwrap();
    let (code, _, err) = notice("samr-accepted.toml", "docx", &["-o", &input]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(std::fs::read(&input).unwrap(), before);
}

#[test]
fn english_notices_follow_the_rule_files_english() {
    let (code, text, err) = notice("guideline-incomplete.toml", "text", &["--lang", "en"]);
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("Notice to complete a complaint"), "{text}");
    assert!(text.contains("1. Stall number"), "{text}");
    assert!(text.contains("2026-05-20"), "{text}");
}
