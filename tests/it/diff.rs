//! `shouli diff OLD NEW INPUT…`: edits of the built-in rules (tests/fixtures/
//! diff/) replayed over generated archives, each change counted
//! independently from the records' own values; the examples-only mode; the
//! exit codes; CSV input under rule files whose fields differ; and the HTML
//! report's numbers held to the summary JSON.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::insta;
use crate::spec::{Rng, days_from_civil, days_in_month, plus_months};
use crate::support::{root, shouli};

/// A fresh directory for one test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("diff-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn file(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn fixture(name: &str) -> String {
    root()
        .join("tests/fixtures/diff")
        .join(name)
        .display()
        .to_string()
}

type Ymd = (i32, u32, u32);

/// One generated complaint: complete and admissible under the built-in
/// rules except for what the fields below vary.
#[derive(Debug, Clone)]
struct Complaint {
    id: String,
    bought: Ymd,
    received: Ymd,
    price_cents: i64,
    lawful: bool,
    evidence: Vec<&'static str>,
}

impl Complaint {
    fn json(&self) -> String {
        let date = |(y, m, d): Ymd| format!("{y:04}-{m:02}-{d:02}");
        let evidence: Vec<String> = self.evidence.iter().map(|e| format!("\"{e}\"")).collect();
        format!(
            concat!(
                "{{\"id\":\"{}\",\"received\":\"{}\",",
                "\"complainant\":{{\"name\":\"王丽\",\"phone\":\"13800000000\",\"kind\":\"consumer\"}},",
                "\"respondent\":{{\"name\":\"鑫达家电\",\"stall\":\"B2-018\",\"phone\":\"0571-88880000\",\"identified\":true}},",
                "\"purchase\":{{\"date\":\"{}\",\"channel\":\"mall\",\"product\":\"电饭煲\",\"brand\":\"美的\",\"model\":\"MB-FB40\",",
                "\"quantity\":1,\"price\":{}.{:02},\"warranty_months\":12,\"sold_as_defective\":false}},",
                "\"claim\":{{\"basis\":\"harm\",\"facts\":\"无法加热\",\"substantiated\":true,\"damage_cause\":\"quality\",",
                "\"lawful\":{},\"negotiation\":\"商户拒绝更换\",\"demand\":\"更换\",\"evidence\":[{}]}},",
                "\"history\":{{\"mediation\":\"none\",\"new_facts\":false,\"administrative\":\"none\",\"court\":\"none\",\"arbitration\":\"none\"}}}}"
            ),
            self.id,
            date(self.received),
            date(self.bought),
            self.price_cents / 100,
            self.price_cents % 100,
            self.lawful,
            evidence.join(",")
        )
    }

    /// The same record as a CSV row (the header is [`CSV_HEADER`]).
    fn csv(&self) -> String {
        let date = |(y, m, d): Ymd| format!("{y:04}-{m:02}-{d:02}");
        format!(
            "{},{},王丽,13800000000,consumer,鑫达家电,B2-018,true,{},mall,电饭煲,美的,MB-FB40,1,{}.{:02},12,false,harm,无法加热,true,quality,{},商户拒绝更换,更换,{},none,false,none,none,none\n",
            self.id,
            date(self.received),
            date(self.bought),
            self.price_cents / 100,
            self.price_cents % 100,
            self.lawful,
            self.evidence.join(";")
        )
    }
}

const CSV_HEADER: &str = "id,received,complainant.name,complainant.phone,complainant.kind,respondent.name,respondent.stall,respondent.identified,purchase.date,purchase.channel,purchase.product,purchase.brand,purchase.model,purchase.quantity,purchase.price,purchase.warranty_months,purchase.sold_as_defective,claim.basis,claim.facts,claim.substantiated,claim.damage_cause,claim.lawful,claim.negotiation,claim.demand,claim.evidence,history.mediation,history.new_facts,history.administrative,history.court,history.arbitration\n";

/// `n` complaints bought in 2022–2024 and received from the day of
/// purchase to 30 months later (the day of the month clamped), ending on
/// month ends and leap days often enough to matter.
fn archive(seed: u64, n: usize) -> Vec<Complaint> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|i| {
            let y = 2022 + rng.below(3) as i32;
            let m = 1 + rng.below(12) as u32;
            // Month ends a quarter of the time: where + 12 and + 24 months clamp.
            let d = if rng.chance(25) {
                days_in_month(y, m)
            } else {
                1 + rng.below(u64::from(days_in_month(y, m))) as u32
            };
            let bought = (y, m, d);
            let months = rng.below(31) as i64;
            let (ry, rm, rd) = plus_months(bought, months);
            // A few days either side of the month mark.
            let shift = rng.below(7) as i64 - 3;
            let day = days_from_civil(ry, rm, rd) + shift;
            let received = crate::spec::civil_from_days(day.max(days_from_civil(y, m, d)));
            let evidence = match rng.below(4) {
                0 => vec!["receipt"],
                1 => vec!["receipt", "photo"],
                _ => vec!["invoice", "photo"],
            };
            Complaint {
                id: format!("C{i:05}"),
                bought,
                received,
                price_cents: if rng.chance(20) {
                    500 + rng.below(500) as i64
                } else {
                    1000 + rng.below(100_000) as i64
                },
                lawful: !rng.chance(10),
                evidence,
            }
        })
        .collect()
}

fn write_jsonl(dir: &Scratch, records: &[Complaint]) -> String {
    let path = dir.file("archive.jsonl");
    let text: String = records.iter().map(|c| c.json() + "\n").collect();
    std::fs::write(&path, text).unwrap();
    path
}

fn days((y, m, d): Ymd) -> i64 {
    days_from_civil(y, m, d)
}

/// Runs a diff writing JSON Lines and the summary; returns the exit code,
/// the records written and the summary.
fn diff(args: &[&str], dir: &Scratch) -> (u8, Vec<serde_json::Value>, serde_json::Value) {
    let summary = dir.file("summary.json");
    let mut all = vec!["diff"];
    all.extend(args);
    all.extend([
        "--format",
        "jsonl",
        "--summary",
        &summary,
        "-q",
        "--examples",
        "100000",
    ]);
    let (code, out, err) = shouli(&all);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    let lines = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let summary = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    (code, lines, summary)
}

fn group<'a>(summary: &'a serde_json::Value, kind: &str) -> &'a serde_json::Value {
    summary["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["kind"] == kind)
        .unwrap_or_else(|| panic!("no group {kind}"))
}

fn ids_of(lines: &[serde_json::Value], change: &str) -> BTreeSet<String> {
    lines
        .iter()
        .filter(|l| l["changes"].as_array().unwrap().iter().any(|c| c == change))
        .map(|l| l["id"].as_str().unwrap().to_string())
        .collect()
}

/// The kinds of change with a non-zero count.
fn kinds(summary: &serde_json::Value) -> Vec<String> {
    summary["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["count"].as_u64().unwrap() > 0)
        .map(|g| g["kind"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_24_month_warranty_accepts_exactly_the_records_between_the_two_ends() {
    let dir = Scratch::new("warranty");
    let records = archive(0x5741_5252, 3000);
    let input = write_jsonl(&dir, &records);
    // Independently: received after purchase + 12 months and by purchase +
    // 24 months, among the records nothing else rejects.
    let expected: BTreeSet<String> = records
        .iter()
        .filter(|c| c.lawful)
        .filter(|c| {
            let r = days(c.received);
            r > days(plus_months(c.bought, 12)) && r <= days(plus_months(c.bought, 24))
        })
        .map(|c| c.id.clone())
        .collect();
    assert!(
        expected.len() > 300,
        "the archive spans the change: {}",
        expected.len()
    );
    let (code, lines, summary) = diff(&["guideline", &fixture("warranty-24.rules"), &input], &dir);
    assert_eq!(code, 1);
    assert_eq!(ids_of(&lines, "newly_accepted"), expected);
    // Not lawful as well: still rejected, now by 1.3(10) alone.
    let other: BTreeSet<String> = records
        .iter()
        .filter(|c| !c.lawful)
        .filter(|c| {
            let r = days(c.received);
            r > days(plus_months(c.bought, 12)) && r <= days(plus_months(c.bought, 24))
        })
        .map(|c| c.id.clone())
        .collect();
    assert_eq!(ids_of(&lines, "other_ground"), other);
    assert_eq!(kinds(&summary), ["newly_accepted", "other_ground"]);
    let g = group(&summary, "newly_accepted");
    assert_eq!(g["count"].as_u64().unwrap() as usize, expected.len());
    assert_eq!(g["details"][0]["what"], "1.3(3)");
    assert_eq!(
        summary["records"]["changed"].as_u64().unwrap() as usize,
        expected.len() + other.len()
    );
    assert_eq!(
        summary["records"]["newly_accepted"].as_u64().unwrap() as usize,
        expected.len()
    );
    // rejected → accepted in the matrix; the warranty ground fires less by as many.
    assert_eq!(
        summary["matrix"]["counts"][1][0].as_u64().unwrap() as usize,
        expected.len()
    );
    let c = &summary["clauses"][0];
    assert_eq!(c["clause"], "1.3(3)");
    assert_eq!(
        c["delta"].as_i64().unwrap(),
        -((expected.len() + other.len()) as i64)
    );
    // The same over two threads and one, and every record with --all.
    let (_, one, _) = diff(
        &[
            "guideline",
            &fixture("warranty-24.rules"),
            &input,
            "-j",
            "1",
        ],
        &dir,
    );
    assert_eq!(one, lines);
    let (_, all, summary) = diff(
        &["guideline", &fixture("warranty-24.rules"), &input, "--all"],
        &dir,
    );
    assert_eq!(all.len(), records.len());
    assert_eq!(summary["records"]["written"], records.len());
    let order: Vec<&str> = all.iter().map(|l| l["id"].as_str().unwrap()).collect();
    let input_order: Vec<&str> = records.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(order, input_order);
}

#[test]
fn a_new_ground_rejects_the_cheap_goods() {
    let dir = Scratch::new("ground");
    let records = archive(0x4752_4f55, 2000);
    let input = write_jsonl(&dir, &records);
    // Under the built-in rules, a record is rejected by 1.3(3) (warranty) or
    // 1.3(10) (not lawful), else accepted.
    let expired = |c: &Complaint| days(c.received) > days(plus_months(c.bought, 12));
    let cheap = |c: &Complaint| c.price_cents < 1000;
    let newly: BTreeSet<String> = records
        .iter()
        .filter(|c| cheap(c) && c.lawful && !expired(c))
        .map(|c| c.id.clone())
        .collect();
    // Rejected already: 1.3(11) comes before 1.3(10) but after 1.3(3), so
    // it decides in place of 1.3(10) only.
    let other: BTreeSet<String> = records
        .iter()
        .filter(|c| cheap(c) && !c.lawful && !expired(c))
        .map(|c| c.id.clone())
        .collect();
    assert!(!newly.is_empty() && !other.is_empty());
    let (code, lines, summary) = diff(&["guideline", &fixture("new-ground.rules"), &input], &dir);
    assert_eq!(code, 1);
    assert_eq!(ids_of(&lines, "newly_rejected"), newly);
    assert_eq!(ids_of(&lines, "other_ground"), other);
    assert_eq!(kinds(&summary), ["newly_rejected", "other_ground"]);
    let g = group(&summary, "newly_rejected");
    assert_eq!(g["details"][0]["what"], "1.3(11)");
    assert_eq!(
        g["details"][0]["count"].as_u64().unwrap() as usize,
        newly.len()
    );
    assert_eq!(
        group(&summary, "other_ground")["details"][0]["what"],
        "1.3(10) → 1.3(11)"
    );
    // Nothing is newly accepted: --fail-on widen passes.
    let (code, _, _) = shouli(&[
        "diff",
        "guideline",
        &fixture("new-ground.rules"),
        &input,
        "-q",
        "--fail-on",
        "widen",
    ]);
    assert_eq!(code, 0);
}

#[test]
fn a_removed_evidence_key_asks_for_evidence() {
    let dir = Scratch::new("evidence");
    let records = archive(0x4556_4944, 2000);
    let input = write_jsonl(&dir, &records);
    let expired = |c: &Complaint| days(c.received) > days(plus_months(c.bought, 12));
    let expected: BTreeSet<String> = records
        .iter()
        .filter(|c| c.lawful && !expired(c) && !c.evidence.contains(&"invoice"))
        .map(|c| c.id.clone())
        .collect();
    assert!(!expected.is_empty());
    let (code, lines, summary) = diff(
        &["guideline", &fixture("removed-evidence.rules"), &input],
        &dir,
    );
    assert_eq!(code, 1);
    assert_eq!(ids_of(&lines, "newly_incomplete"), expected);
    assert_eq!(kinds(&summary), ["newly_incomplete"]);
    let g = group(&summary, "newly_incomplete");
    assert_eq!(g["details"][0]["what"], "claim.evidence");
    assert_eq!(
        g["details"][0]["count"].as_u64().unwrap() as usize,
        expected.len()
    );
    for l in lines {
        assert_eq!(l["new"]["missing"], serde_json::json!(["claim.evidence"]));
        assert_eq!(l["new"]["deciding"], "2.2");
    }
    // A narrowing edit: --fail-on widen passes, the plain diff fails.
    let args = [
        "diff",
        "guideline",
        &fixture("removed-evidence.rules"),
        &input,
        "-q",
    ];
    assert_eq!(shouli(&args).0, 1);
    let widen: Vec<&str> = args.iter().copied().chain(["--fail-on", "widen"]).collect();
    assert_eq!(shouli(&widen).0, 0);
}

#[test]
fn a_renamed_field_is_unknown_under_the_new_rules_from_jsonl_and_csv() {
    let dir = Scratch::new("renamed");
    let records = archive(0x5245_4e41, 500);
    let jsonl = write_jsonl(&dir, &records);
    let csv = dir.file("archive.csv");
    let text: String = std::iter::once(CSV_HEADER.to_string())
        .chain(records.iter().map(Complaint::csv))
        .collect();
    std::fs::write(&csv, text).unwrap();
    // Every record held the old key: under the new rules the warranty is
    // unknown, so each record nothing else rejects is held open on the
    // renamed key (accepted or rejected by 1.3(3) before).
    let accepted: BTreeSet<String> = records
        .iter()
        .filter(|c| c.lawful)
        .map(|c| c.id.clone())
        .collect();
    let mut seen = Vec::new();
    for input in [&jsonl, &csv] {
        let (code, lines, summary) =
            diff(&["guideline", &fixture("renamed-field.rules"), input], &dir);
        assert_eq!(code, 1);
        assert_eq!(summary["fields"]["shared"], false);
        assert_eq!(
            summary["fields"]["only_old"],
            serde_json::json!(["purchase.warranty_months"])
        );
        assert_eq!(
            summary["fields"]["only_new"],
            serde_json::json!(["purchase.warranty"])
        );
        assert_eq!(ids_of(&lines, "newly_incomplete"), accepted);
        let g = group(&summary, "newly_incomplete");
        assert_eq!(g["details"][0]["what"], "purchase.warranty");
        for l in &lines {
            if l["changes"][0] == "newly_incomplete" {
                assert_eq!(
                    l["new"]["missing"],
                    serde_json::json!(["purchase.warranty"]),
                    "{l}"
                );
            }
        }
        seen.push(lines);
    }
    // JSON Lines: the old key is reported under the new rules as undeclared.
    assert!(seen[0][0]["new"]["warnings"].is_array(), "{}", seen[0][0]);
    // CSV reads the same decisions from the same values.
    let strip = |lines: &[serde_json::Value]| -> Vec<(serde_json::Value, serde_json::Value, serde_json::Value)> {
        lines
            .iter()
            .map(|l| (l["id"].clone(), l["old"]["outcome"].clone(), l["new"]["missing"].clone()))
            .collect()
    };
    assert_eq!(strip(&seen[0]), strip(&seen[1]));
}

#[test]
fn the_examples_of_the_two_files_are_compared_without_input() {
    let (code, out, _) = shouli(&[
        "diff",
        "guideline",
        &fixture("warranty-24.rules"),
        "--lang",
        "en",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("保修期届满次日: newly accepted"), "{out}");
    assert!(out.contains("not accepted 1.3(3)"), "{out}");
    let (code, out, _) = shouli(&[
        "diff",
        "guideline",
        &fixture("warranty-24.rules"),
        "--fail-on",
        "widen",
    ]);
    assert_eq!(code, 1, "{out}");
    let (code, out, _) = shouli(&[
        "diff",
        "guideline",
        &fixture("new-ground.rules"),
        "--lang",
        "en",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(", 0 with another result"), "{out}");
    let (code, out, _) = shouli(&[
        "diff",
        "guideline",
        &fixture("removed-evidence.rules"),
        "--fail-on",
        "widen",
    ]);
    assert_eq!(code, 0, "a narrowing edit: {out}");
    let (code, out, _) = shouli(&[
        "diff",
        "guideline",
        &fixture("removed-evidence.rules"),
        "--lang",
        "en",
    ]);
    assert_eq!(code, 1);
    assert!(out.contains("凭证为收据: newly incomplete"), "{out}");
}

#[test]
fn exit_codes() {
    let dir = Scratch::new("exit");
    let input = write_jsonl(&dir, &archive(7, 200));
    // Nothing changes: a rule file against itself, by name and by path.
    let guideline = root().join("rules/guideline.rules").display().to_string();
    let (code, out, err) = shouli(&["diff", "guideline", &guideline, &input]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 1, "only the table's header: {out}");
    assert!(err.contains("结论改变 0 条"), "{err}");
    // An input that does not exist, a rule file that does not, an output
    // that is an input.
    assert_eq!(
        shouli(&["diff", "guideline", &guideline, &dir.file("none.jsonl")]).0,
        2
    );
    assert_eq!(
        shouli(&["diff", "guideline", &dir.file("none.rules"), &input]).0,
        2
    );
    assert_eq!(
        shouli(&["diff", "guideline", &guideline, &input, "-o", &input]).0,
        2
    );
    // A record neither side can check is shown, but changes no decision.
    let bad = dir.file("bad.jsonl");
    std::fs::write(&bad, "{\"id\":\"x\",\"purchase\":{\"quantity\":0}}\n").unwrap();
    let (code, out, _) = shouli(&[
        "diff",
        "guideline",
        &guideline,
        &bad,
        "--format",
        "jsonl",
        "-q",
    ]);
    assert_eq!(code, 0);
    let line: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(line["changes"], serde_json::json!(["unchecked"]));
    assert_eq!(line["old"]["outcome"], "error");
    assert_eq!(line["new"]["errors"][0]["code"], "bad-value");
}

/// Every `data-of="path">value<` of a report page, read back.
fn numbers(page: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = page;
    while let Some(i) = rest.find("data-of=\"") {
        rest = &rest[i + 9..];
        let end = rest.find('"').unwrap();
        let path = rest[..end].to_string();
        let open = rest.find('>').unwrap();
        let close = rest[open..].find('<').unwrap();
        found.push((path, rest[open + 1..open + close].to_string()));
        rest = &rest[open..];
    }
    found
}

fn check_page(page: &str, summary: &serde_json::Value) -> usize {
    assert!(page.starts_with("<!DOCTYPE html>"));
    let no_ns = page.replace("http://www.w3.org/2000/svg", "");
    assert!(
        !no_ns.contains("http://") && !no_ns.contains("https://") && !no_ns.contains("<script"),
        "self-contained"
    );
    assert!(page.contains("<svg"), "has charts");
    let found = numbers(page);
    for (path, shown) in &found {
        let mut v = summary;
        for part in path.split('.') {
            v = match part.parse::<usize>() {
                Ok(i) => &v[i],
                Err(_) => &v[part],
            };
        }
        let want = match v {
            serde_json::Value::Number(n) if path.ends_with("delta") => {
                format!("{:+}", n.as_i64().unwrap())
            }
            v => v.to_string(),
        };
        assert_eq!(shown, &want, "{path}");
    }
    found.len()
}

#[test]
fn the_report_pages_show_the_summary_numbers() {
    let dir = Scratch::new("report");
    let records = archive(0x5245_504f, 1000);
    let input = write_jsonl(&dir, &records);
    let (summary, report) = (dir.file("s.json"), dir.file("r.html"));
    let (code, _, err) = shouli(&[
        "diff",
        "guideline",
        &fixture("warranty-24.rules"),
        &input,
        "-q",
        "--summary",
        &summary,
        "--report",
        &report,
    ]);
    assert_eq!(code, 1, "{err}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    let page = std::fs::read_to_string(&report).unwrap();
    assert!(check_page(&page, &json) >= 4 + 16 + 7 + 3);
    assert!(page.contains("1.3(3)"));
    // No personal data: the records' names and phones are not on it.
    assert!(!page.contains("王丽") && !page.contains("13800000000"));

    let (code, _, err) = shouli(&[
        "batch",
        &input,
        "-q",
        "-o",
        &dir.file("out.jsonl"),
        "--summary",
        &summary,
        "--report",
        &report,
    ]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    let page = std::fs::read_to_string(&report).unwrap();
    assert!(check_page(&page, &json) >= 6);
    assert!(!page.contains("王丽") && !page.contains("13800000000"));
    // An existing report is replaced whole, and a report naming an input is refused.
    assert_eq!(shouli(&["batch", &input, "-q", "--report", &input]).0, 2);
    assert!(Path::new(&input).metadata().unwrap().len() > 0);
}

#[test]
fn rule_sets_with_other_fields_and_periods_in_force() {
    // The built-in guideline against the built-in SAMR rules (clauses with
    // periods in force, working days): hardly a key in common.
    let dir = Scratch::new("samr");
    let archive = fixture("archive.jsonl");
    let (code, lines, summary) = diff(&["guideline", "samr", &archive, "--all"], &dir);
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 250);
    assert_eq!(summary["fields"]["shared"], false);
    let only_new = summary["fields"]["only_new"].as_array().unwrap();
    assert!(
        only_new.iter().any(|k| k == "recorded.decided"),
        "{only_new:?}"
    );
    let total: u64 = summary["matrix"]["counts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap().iter().map(|n| n.as_u64().unwrap()))
        .sum();
    assert_eq!(total, 250);
    // No deadline is declared in both (notify_by, resolve_by against
    // decide_by): none can have moved.
    assert_eq!(group(&summary, "deadline")["count"], 0);
    for l in &lines {
        assert!(l["new"]["deadlines"].get("decide_by").is_some(), "{l}");
        assert!(l["new"]["deadlines"].get("notify_by").is_none(), "{l}");
    }
}

#[test]
fn redact_masks_personal_data_in_the_records_messages() {
    let dir = Scratch::new("redact");
    let input = dir.file("r.jsonl");
    std::fs::write(
        &input,
        "{\"id\":\"r1\",\"complainant\":{\"name\":\"王丽\",\"phone\":13800000000}}\n",
    )
    .unwrap();
    let guideline = root().join("rules/guideline.rules").display().to_string();
    for format in ["jsonl", "csv", "table"] {
        let args = [
            "diff",
            "guideline",
            &guideline,
            &input,
            "-q",
            "--format",
            format,
        ];
        let (_, out, _) = shouli(&args);
        assert!(
            out.contains("13800000000") || format == "table",
            "{format}: {out}"
        );
        let redacted: Vec<&str> = args.iter().copied().chain(["--redact"]).collect();
        let (code, out, err) = shouli(&redacted);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("r1"), "{format}: {out}");
        assert!(!out.contains("13800000000"), "{format}: {out}");
    }
}

/// The worked example of the README, fully rendered: the table on stdout,
/// the summary on stderr, in both languages, and the examples-only mode.
#[test]
fn the_readme_example_as_rendered() {
    let archive = fixture("archive.jsonl");
    let rules = fixture("warranty-24.rules");
    for lang in ["zh", "en"] {
        let (code, out, err) = shouli(&[
            "diff",
            "guideline",
            &rules,
            &archive,
            "--examples",
            "3",
            "--lang",
            lang,
        ]);
        assert_eq!(code, 1);
        // Paths as given are absolute here; the README runs from the root.
        let root = format!("{}/", root().display());
        let shown = format!("{out}\n---- stderr ----\n{err}").replace(&root, "");
        insta::assert_snapshot!(format!("readme_example_{lang}"), shown);
        let (code, out, _) = shouli(&["diff", "guideline", &rules, "--lang", lang]);
        assert_eq!(code, 1);
        insta::assert_snapshot!(format!("readme_examples_only_{lang}"), out);
    }
}

/// The batch report draws deadline breaches by the month they fell due, its
/// numbers the summary's (a SAMR archive with a decision 4 days late).
#[test]
fn the_batch_report_shows_breaches_by_month() {
    let dir = Scratch::new("report-months");
    let (summary, report) = (dir.file("s.json"), dir.file("r.html"));
    let input = root().join("tests/fixtures/batch/samr/audit.jsonl");
    let (code, _, err) = shouli(&[
        "batch",
        "--rules",
        "samr",
        input.to_str().unwrap(),
        "-q",
        "-o",
        &dir.file("out.jsonl"),
        "--summary",
        &summary,
        "--report",
        &report,
    ]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    let page = std::fs::read_to_string(&report).unwrap();
    check_page(&page, &json);
    let months = json["audit"]["breaches_by_month"].as_array().unwrap();
    assert!(!months.is_empty(), "the archive holds a late decision");
    assert!(page.contains("逾期，按期限所在月份"), "{page}");
    let total: u64 = months.iter().map(|m| m["count"].as_u64().unwrap()).sum();
    let by_deadline: u64 = json["audit"]["breaches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["count"].as_u64().unwrap())
        .sum();
    assert_eq!(total, by_deadline);
}

/// `--no-follow` as in batch: a symbolic link in an input directory is not
/// read, and the summary says so; by default it is read.
#[cfg(unix)]
#[test]
fn symbolic_links_can_be_left_unfollowed() {
    let dir = Scratch::new("links");
    let outside = Scratch::new("links-outside");
    let cases = crate::archive::generate(0x4c49_4e4b, 3, &[]);
    std::fs::create_dir_all(dir.0.join("in")).unwrap();
    for (i, c) in cases.iter().enumerate().take(2) {
        std::fs::write(
            dir.0.join(format!("in/own-{i}.toml")),
            crate::archive::to_toml(c),
        )
        .unwrap();
    }
    let linked = outside.file("linked.toml");
    std::fs::write(&linked, crate::archive::to_toml(&cases[2])).unwrap();
    std::os::unix::fs::symlink(&linked, dir.0.join("in/link.toml")).unwrap();
    let input = dir.file("in");
    let rules = fixture("warranty-24.rules");
    let (_, _, followed) = diff(&["guideline", &rules, &input], &dir);
    let (_, _, unfollowed) = diff(&["guideline", &rules, &input, "--no-follow"], &dir);
    assert_eq!(followed["records"]["input"], 3);
    assert_eq!(unfollowed["records"]["input"], 2);
    let link = dir.file("in/link.toml");
    let said = |summary: &serde_json::Value| {
        summary["notes"].as_array().expect("notes").iter().any(|n| {
            n.as_str()
                .is_some_and(|n| n.contains(&link) && n.contains("--no-follow"))
        })
    };
    assert!(said(&unfollowed), "{}", unfollowed["notes"]);
    assert!(!said(&followed), "{}", followed["notes"]);
}
