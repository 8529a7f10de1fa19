//! Limits: inputs built to exhaust the stack, memory or integer range must
//! give a clear error (a diagnostic with a code and a place), never a
//! stack overflow, a hang or a wrapped number.
//!
//! Every input is built in the test. Each runs on a thread with a 2 MiB
//! stack, the size of a test or worker thread (the CLI's main thread has
//! four times as much), so a recursion that would overflow anywhere shows
//! up here as an abort of the test binary.

use shouli::diag::{Diagnostic, Lang};
use shouli::record::{self, Record};

const STACK: usize = 2 << 20;

/// Runs `f` on a thread with a 2 MiB stack, within `secs` seconds.
fn bounded<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let start = std::time::Instant::now();
    let out = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no panic");
    let took = start.elapsed();
    assert!(took.as_secs() < secs, "took {took:?}, limit {secs}s");
    out
}

/// The head of a small rule file: a header and a few fields of each type.
const HEAD: &str = r#"rules "极限" {
  version "1"
}
scope "0" "范围" {}
field a "甲" bool
field b "乙" bool
field received "接待日期" date
field warranty "月数" integer
field price "价格" decimal min 0
field kind "类型" enum {
  harm "损害"
  other "其他"
}
"#;

/// A rule file with one basis whose condition is `cond`.
fn with_condition(cond: &str) -> String {
    format!("{HEAD}basis \"1.1\" \"损害\" {{\n  when {cond}\n}}\n")
}

/// Loads a rule file; the diagnostics' codes, or `Ok` with the program.
fn load(text: String) -> Result<shouli::compile::Program, Vec<Diagnostic>> {
    shouli::load_rules("limits.rules", text.as_bytes()).map_err(|e| e.diagnostics)
}

fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
    let mut c: Vec<_> = diags.iter().map(|d| d.code).collect();
    c.dedup();
    c
}

/// Asserts the rule file is refused with exactly these diagnostic codes,
/// and that each has a place in the file.
fn refused(text: String, want: &[&str]) {
    let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
    let diags = bounded(30, move || match load(text) {
        Ok(_) => panic!("the rule file loaded"),
        Err(d) => d,
    });
    assert_eq!(codes(&diags), want);
    for d in &diags {
        assert!(d.span.is_some() || d.code == "file-too-large", "{d:?}");
    }
}

// ---- expression depth --------------------------------------------------------

#[test]
fn nested_parentheses_100k() {
    let n = 100_000;
    refused(
        with_condition(&format!("{}a == true{}", "(".repeat(n), ")".repeat(n))),
        &["too-deep"],
    );
}

/// Every nesting of parentheses up to the limit loads, and one more is
/// refused as too deep, on a test thread's small stack in a debug build: the
/// pre-scan's limit, not pest, bounds the parser's recursion (pest is built
/// without its stack probe), and the builder recurses once per level the
/// reader sees, not once per level of the grammar. The clause's braces are
/// one of the pre-scan's 64 levels of brackets, so 63 pairs of parentheses
/// (and the comparison inside them, 64 levels of expression) are the most.
#[test]
fn every_nesting_up_to_the_limit_loads_and_one_more_is_refused() {
    let nested = |n: usize| with_condition(&format!("{}a == true{}", "(".repeat(n), ")".repeat(n)));
    let max = shouli::syntax::MAX_DEPTH - 1;
    let outcomes = bounded(60, move || {
        (1..=max + 1)
            .map(|n| load(nested(n)).map(drop).map_err(|d| codes(&d).join(",")))
            .collect::<Vec<_>>()
    });
    for (n, outcome) in (1..).zip(&outcomes[..max]) {
        assert!(outcome.is_ok(), "{n} pairs of parentheses: {outcome:?}");
    }
    assert_eq!(outcomes[max], Err("too-deep".to_string()));
}

/// Parentheses and operators nested in each other: `(a == true and (…))`
/// nested 31 times is 63 levels of expression (each pair of parentheses, each
/// `and`, and the innermost comparison) and loads; 32 times is 65 and is
/// refused by the builder, though its brackets are well within the
/// pre-scan's limit.
#[test]
fn operators_count_as_levels() {
    let nested = |n: usize| {
        with_condition(&format!(
            "{}a == true{}",
            "(a == true and ".repeat(n),
            ")".repeat(n)
        ))
    };
    // The deepest that loads is also evaluated, unknown (the keyed evaluator
    // goes down every level for the keys held open) and known.
    let (fits, deep) = bounded(60, move || {
        let fits = load(nested(31)).map(|program| {
            let a = program.rules.field("a").unwrap();
            let mut rec = Record::new(program.rules.fields.len());
            let status = |rec: &Record| {
                let trace = program.evaluate(rec).unwrap();
                let held_open: Vec<usize> = trace.keys(0).iter().collect();
                format!("{:?} {held_open:?}", trace.clause(0).status)
            };
            let unknown = status(&rec);
            rec.set(a, shouli::value::Value::Bool(true));
            (unknown, status(&rec))
        });
        (fits.map_err(|d| codes(&d)), load(nested(32)).map(drop))
    });
    let (unknown, known) = fits.expect("63 levels load");
    assert_eq!(unknown, "Unknown [0]", "held open by `a`, field 0");
    assert_eq!(known, "True []");
    assert_eq!(
        codes(&deep.expect_err("65 levels are too deep")),
        ["too-deep"]
    );
}

#[test]
fn unclosed_parentheses_100k() {
    refused(
        with_condition(&format!("{}a == true", "(".repeat(100_000))),
        &["too-deep"],
    );
}

#[test]
fn nested_brackets_100k_in_a_list() {
    refused(
        with_condition(&format!("kind in {}\"harm\"", "[".repeat(100_000))),
        &["too-deep"],
    );
}

#[test]
fn not_chain_100k() {
    refused(
        with_condition(&format!("{}a == true", "not ".repeat(100_000))),
        &["too-deep"],
    );
}

#[test]
fn else_chain_100k() {
    let chain = vec!["received"; 100_000].join(" else ");
    refused(
        with_condition(&format!("{chain} > 2024-01-01")),
        &["too-deep"],
    );
}

#[test]
fn shift_chain_100k() {
    refused(
        with_condition(&format!(
            "received{} > 2024-01-01",
            " + 1 days".repeat(100_000)
        )),
        &["too-deep"],
    );
}

/// A flat `and` of 100,000 terms is not deep: it loads, and evaluates by
/// Kleene logic (one false term makes it false; all true makes it true).
#[test]
fn and_of_100k_terms_is_flat_and_evaluates() {
    let cond = vec!["a == true"; 100_000].join(" and ");
    bounded(60, move || {
        let program = load(with_condition(&cond)).expect("a flat `and` loads");
        let a = program.rules.field("a").unwrap();
        let mut rec = Record::new(program.rules.fields.len());
        let status = |rec: &Record| program.evaluate(rec).unwrap().clause(0).status;
        assert_eq!(format!("{:?}", status(&rec)), "Unknown");
        rec.set(a, shouli::value::Value::Bool(true));
        assert_eq!(format!("{:?}", status(&rec)), "True");
        rec.set(a, shouli::value::Value::Bool(false));
        assert_eq!(format!("{:?}", status(&rec)), "False");
    });
}

/// The same for `or`, with fewer terms: it is built by the same code, and
/// a debug build parses about 6,000 terms a second.
#[test]
fn or_of_10k_terms_is_flat() {
    let cond = vec!["b == true"; 10_000].join(" or ");
    bounded(60, move || {
        load(with_condition(&cond)).expect("a flat `or` loads");
    });
}

/// A chain of 2,000 defines, each naming the one before: the checker and
/// evaluator go through it without recursing once per define.
#[test]
fn define_chain_2000() {
    let mut text = HEAD.to_string();
    text.push_str("define d0 = a == true\n");
    for i in 1..2_000 {
        text.push_str(&format!("define d{i} = d{} and b == true\n", i - 1));
    }
    text.push_str("basis \"1.1\" \"损害\" {\n  when d1999\n}\n");
    bounded(60, move || match load(text) {
        Ok(_) => {}
        Err(d) => assert!(
            codes(&d).iter().all(|c| *c == "too-deep"),
            "only a depth error may refuse it: {d:?}"
        ),
    });
}

// ---- sizes and counts -----------------------------------------------------------

#[test]
fn rule_file_over_4_mib() {
    let mut text = HEAD.to_string();
    while text.len() <= shouli::syntax::MAX_RULE_FILE {
        text.push_str("# 填充 padding padding padding padding padding padding padding\n");
    }
    refused(text, &["file-too-large"]);
}

#[test]
fn one_line_of_4_mib_in_a_string() {
    // Just under the limit: a huge label is allowed and loads.
    let label = "长".repeat((shouli::syntax::MAX_RULE_FILE - 1024) / 3);
    let text = format!("{HEAD}field note \"{label}\" text\n");
    bounded(60, move || {
        load(text).expect("a long label loads");
    });
}

#[test]
fn more_than_128_fields() {
    let mut text = HEAD.to_string();
    for i in 0..200 {
        text.push_str(&format!("field f{i} \"字段\" bool\n"));
    }
    refused(text, &["too-many-fields"]);
}

#[test]
fn exactly_128_fields_load() {
    let mut text = HEAD.to_string();
    for i in 0..(128 - 6) {
        text.push_str(&format!("field f{i} \"字段\" bool\n"));
    }
    text.push_str("basis \"1.1\" \"损害\" {\n  when f121 == true\n}\n");
    let program = load(text).expect("128 fields load");
    assert_eq!(program.rules.fields.len(), 128);
    // The last slot works like any other.
    let mut rec = Record::new(128);
    rec.set(127, shouli::value::Value::Bool(true));
    assert_eq!(
        format!("{:?}", program.evaluate(&rec).unwrap().clause(0).status),
        "True"
    );
}

#[test]
fn record_over_1_mib() {
    let program = shouli::builtin().unwrap();
    let mut text = String::from("id = \"big\"\n");
    while text.len() <= record::toml::MAX_RECORD {
        text.push_str("# 填充 padding padding padding padding padding padding\n");
    }
    let mut rec = Record::new(program.rules.fields.len());
    let e = record::toml::load(text.as_bytes(), "big.toml", &program.rules, &mut rec)
        .expect_err("too large");
    assert_eq!(codes(&e.diagnostics), ["record-too-large"]);
    let shown = shouli::diag::render(&e.diagnostics[0], &e.source, Lang::En);
    assert!(shown.contains("big.toml"), "{shown}");
}

#[test]
fn record_text_value_just_under_1_mib_loads() {
    let program = shouli::builtin().unwrap();
    let facts = "事".repeat((record::toml::MAX_RECORD - 100) / 3);
    let text = format!("[claim]\nfacts = \"{facts}\"\n");
    let mut rec = Record::new(program.rules.fields.len());
    record::toml::load(text.as_bytes(), "long.toml", &program.rules, &mut rec)
        .expect("a long text value loads");
    program.evaluate(&rec).expect("evaluates");
}

// ---- records built to recurse -----------------------------------------------------

/// Loads a record under the built-in rules: the codes of its warnings, or
/// of its errors.
fn load_record(text: String) -> Result<Vec<&'static str>, Vec<&'static str>> {
    bounded(30, move || {
        let program = shouli::builtin().unwrap();
        let mut rec = Record::new(program.rules.fields.len());
        match record::toml::load(text.as_bytes(), "deep.toml", &program.rules, &mut rec) {
            Ok((_, warnings)) => Ok(codes(&warnings)),
            Err(e) => Err(codes(&e.diagnostics)),
        }
    })
}

#[test]
fn record_nested_arrays_100k() {
    let n = 100_000;
    let text = format!("[claim]\nevidence = {}{}\n", "[".repeat(n), "]".repeat(n));
    assert_eq!(load_record(text), Err(vec!["not-toml"]));
}

#[test]
fn record_nested_inline_tables_100k() {
    let n = 100_000;
    let text = format!("x = {}{}\n", "{ a = ".repeat(n), "}".repeat(n));
    assert_eq!(load_record(text), Err(vec!["not-toml"]));
}

/// A key of 100,000 dotted parts is refused as TOML (too deep a table),
/// promptly, rather than walked part by part.
#[test]
fn record_dotted_key_100k_parts() {
    let text = format!("{} = 1\n", vec!["purchase"; 100_000].join("."));
    assert_eq!(load_record(text), Err(vec!["not-toml"]));
}

/// 100,000 unknown keys make a file over the size limit: refused as such.
#[test]
fn record_with_100k_unknown_keys() {
    let mut text = String::new();
    for i in 0..100_000 {
        text.push_str(&format!("k{i} = 1\n"));
    }
    assert!(text.len() > record::toml::MAX_RECORD);
    assert_eq!(load_record(text), Err(vec!["record-too-large"]));
}

/// As many unknown keys as fit under the size limit: the record loads,
/// with unknown-key warnings, cut short by the one saying there are too
/// many to show, promptly.
#[test]
fn record_with_unknown_keys_up_to_the_size_limit() {
    // One known key, so that the record is not empty.
    let mut text = String::from("received = 2024-03-05\n");
    for i in 0.. {
        let line = format!("k{i} = 1\n");
        if text.len() + line.len() > record::toml::MAX_RECORD {
            break;
        }
        text.push_str(&line);
    }
    assert_eq!(
        load_record(text),
        Ok(vec!["unknown-key", "too-many-problems"])
    );
}

// ---- numbers and dates ----------------------------------------------------------

/// `+ 9999999999 months` in a rule is refused by the checker.
#[test]
fn shift_amount_too_large_in_a_rule() {
    for shift in [
        "+ 9999999999 months",
        "- 9999999999 days",
        "+ 9223372036854775807 years",
    ] {
        refused(
            with_condition(&format!("received {shift} > 2024-01-01")),
            &["amount-too-large"],
        );
    }
    // An amount past i64 is a number that is too large.
    refused(
        with_condition("received + 99999999999999999999 days > 2024-01-01"),
        &["bad-number"],
    );
}

/// The largest amount the checker allows still cannot overflow at run
/// time: it leaves the calendar and evaluation says so.
#[test]
fn shift_within_the_limit_but_past_the_calendar() {
    let program = load(with_condition("received + 100000 years > 2024-01-01"))
        .expect("100000 is within the limit");
    let received = program.rules.field("received").unwrap();
    let mut rec = Record::new(program.rules.fields.len());
    rec.set(
        received,
        shouli::value::Value::Date(jiff::civil::date(2200, 12, 31).into()),
    );
    assert!(program.evaluate(&rec).is_err(), "out of range is an error");
}

/// A record's huge month count under a rule with no `max`: date arithmetic
/// leaves the calendar, and evaluation is an error (exit 2 from `check`).
#[test]
fn huge_months_in_a_record_without_a_max() {
    let program = load(with_condition("received + warranty months > 2024-01-01")).unwrap();
    for months in [i64::MAX, i64::MIN, 9_999_999_999, -9_999_999_999, 120_000] {
        let text = format!("received = 2024-03-05\nwarranty = {months}\n");
        let mut rec = Record::new(program.rules.fields.len());
        record::toml::load(text.as_bytes(), "m.toml", &program.rules, &mut rec)
            .expect("an integer loads");
        assert!(program.evaluate(&rec).is_err(), "{months} months");
    }
    // Within the calendar it evaluates.
    let text = "received = 2024-03-05\nwarranty = 1200\n";
    let mut rec = Record::new(program.rules.fields.len());
    record::toml::load(text.as_bytes(), "m.toml", &program.rules, &mut rec).unwrap();
    assert!(program.evaluate(&rec).is_ok());
}

/// Through the command line: the message names the file, and exit is 2.
#[test]
fn huge_months_through_check() {
    use clap::Parser as _;
    let dir = std::env::temp_dir().join(format!("shouli-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rules = dir.join("no-max.rules");
    std::fs::write(
        &rules,
        with_condition("received + warranty months > 2024-01-01"),
    )
    .unwrap();
    let rec = dir.join("huge.toml");
    std::fs::write(&rec, "received = 2024-03-05\nwarranty = 9999999999\n").unwrap();
    let cli = shouli::cli::Cli::try_parse_from([
        "shouli",
        "check",
        "--rules",
        rules.to_str().unwrap(),
        rec.to_str().unwrap(),
    ])
    .unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = shouli::cli::run(cli, &mut out, &mut err);
    let err = String::from_utf8(err).unwrap();
    assert_eq!(code, shouli::cli::exit::UNUSABLE, "{err}");
    assert!(err.contains("huge.toml"), "{err}");
    assert!(out.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn date_years_1900_to_2200() {
    let program = shouli::builtin().unwrap();
    for (date, ok) in [
        ("1899-12-31", false),
        ("1900-01-01", true),
        ("2200-12-31", true),
        ("2201-01-01", false),
        ("0001-01-01", false),
        ("9999-12-31", false),
    ] {
        let text = format!("received = {date}\n");
        let mut rec = Record::new(program.rules.fields.len());
        let got = record::toml::load(text.as_bytes(), "d.toml", &program.rules, &mut rec);
        assert_eq!(got.is_ok(), ok, "record {date}");
        let quoted = format!("received = \"{date}\"\n");
        let got = record::toml::load(quoted.as_bytes(), "d.toml", &program.rules, &mut rec);
        assert_eq!(got.is_ok(), ok, "record \"{date}\"");
        let rules = load(with_condition(&format!("received > {date}")));
        assert_eq!(rules.is_ok(), ok, "rule literal {date}");
        if !ok {
            assert_eq!(codes(&rules.err().unwrap()), ["bad-date"]);
        }
    }
}

/// The edges of the calendar with the edges of the arithmetic: the latest
/// date plus the longest statutory warranty is still a date.
#[test]
fn latest_date_plus_longest_warranty() {
    let program = shouli::builtin().unwrap();
    let text = "received = 2200-12-31\n[purchase]\ndate = 2200-12-31\nwarranty_months = 1200\n";
    let mut rec = Record::new(program.rules.fields.len());
    record::toml::load(text.as_bytes(), "edge.toml", &program.rules, &mut rec).unwrap();
    program.evaluate(&rec).expect("2300 is inside the calendar");
}

#[test]
fn decimal_precision_and_size() {
    let program = shouli::builtin().unwrap();
    for (price, ok) in [
        ("399", true),
        ("399.0", true),
        ("399.00", true),
        ("399.001", false),
        ("0.005", false),
        // Exponent notation is refused for money, even when whole.
        ("1e2", false),
        ("1.5e-3", false),
        ("92233720368547758.07", true),
        ("92233720368547758.08", false),
        ("92233720368547758", true),
        ("92233720368547759", false),
        ("1e300", false),
        ("nan", false),
        ("inf", false),
        ("-0.0", true),
    ] {
        let text = format!("[purchase]\nprice = {price}\n");
        let mut rec = Record::new(program.rules.fields.len());
        let got = record::toml::load(text.as_bytes(), "p.toml", &program.rules, &mut rec);
        assert_eq!(
            got.is_ok(),
            ok,
            "price {price}: {:?}",
            got.err().map(|e| e.diagnostics)
        );
    }
    // Rule literals: at most two places, within i64 hundredths.
    for (lit, ok) in [
        ("0.01", true),
        ("0.001", false),
        ("92233720368547758.08", false),
    ] {
        let rules = load(with_condition(&format!("price > {lit}")));
        assert_eq!(rules.is_ok(), ok, "literal {lit}");
    }
}

#[test]
fn huge_integers() {
    let program = shouli::builtin().unwrap();
    for (n, ok) in [
        ("9223372036854775807", false), // above max 1200 for warranty
        ("9223372036854775808", false),
        ("-9223372036854775808", false),
        ("99999999999999999999999999", false),
        ("1200", true),
        ("0x4B0", true),
    ] {
        let text = format!("[purchase]\nwarranty_months = {n}\n");
        let mut rec = Record::new(program.rules.fields.len());
        let got = record::toml::load(text.as_bytes(), "n.toml", &program.rules, &mut rec);
        assert_eq!(got.is_ok(), ok, "warranty_months = {n}");
    }
    // A quantity with no max takes any i64 ≥ 1 and evaluates.
    let text = "[purchase]\nquantity = 9223372036854775807\n";
    let mut rec = Record::new(program.rules.fields.len());
    record::toml::load(text.as_bytes(), "q.toml", &program.rules, &mut rec).unwrap();
    program.evaluate(&rec).unwrap();
}

// ---- batch inputs ------------------------------------------------------------------

/// Runs `shouli batch --format csv FILE` on bytes written to a scratch
/// file; returns the exit code, stdout and stderr.
fn batch_on(name: &str, bytes: Vec<u8>) -> (u8, String, String) {
    use clap::Parser as _;
    let dir = std::env::temp_dir().join(format!("shouli-limits-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let path_str = path.to_str().unwrap().to_string();
    let out = bounded(60, move || {
        let cli = shouli::cli::Cli::try_parse_from([
            "shouli", "batch", "--format", "csv", "--lang", "en", &path_str,
        ])
        .unwrap();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = shouli::cli::run(cli, &mut out, &mut err);
        (
            code,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    });
    let _ = std::fs::remove_file(&path);
    out
}

/// A JSON Lines line longer than a record may be (1 MiB) is an error for
/// that line; the lines around it are checked.
#[test]
fn jsonl_line_over_the_limit() {
    let mut bytes = b"{\"id\": \"before\", \"received\": \"2024-03-05\"}\n{\"id\": \"huge\", \"claim\": {\"facts\": \"".to_vec();
    bytes.extend(std::iter::repeat_n(b'x', record::toml::MAX_RECORD + 10));
    bytes.extend(b"\"}}\n{\"id\": \"after\", \"received\": \"2024-03-05\"}\n");
    let (code, out, err) = batch_on("long.jsonl", bytes);
    assert_eq!(code, 4, "{err}");
    let rows: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(rows.len(), 3, "{out}");
    assert!(rows[0].starts_with("before,"), "{out}");
    assert!(rows[1].contains(",error,"), "{out}");
    assert!(rows[1].contains("long.jsonl:2"), "{out}");
    assert!(rows[2].starts_with("after,"), "{out}");
}

/// A JSON Lines line of 100,000 nested arrays: an error for the line, not
/// a stack overflow.
#[test]
fn jsonl_deeply_nested_line() {
    let n = 100_000;
    let mut line = String::from("{\"claim\": {\"evidence\": ");
    line.push_str(&"[".repeat(n));
    line.push_str(&"]".repeat(n));
    line.push_str("}}\n{\"x\": ");
    line.push_str(&"{\"a\": ".repeat(n));
    line.push_str(&"}".repeat(n));
    line.push_str("}\n");
    let (code, out, _) = batch_on("deep.jsonl", line.into_bytes());
    assert_eq!(code, 4);
    assert_eq!(
        out.lines().filter(|l| l.contains(",error,")).count(),
        2,
        "{out}"
    );
}

/// A CSV cell of 2 MiB: an error for its row or a checked row, promptly;
/// never unbounded.
#[test]
fn csv_huge_cell() {
    let mut bytes = b"id,claim.facts,received\nbig,\"".to_vec();
    bytes.extend(std::iter::repeat_n(b'x', 2 << 20));
    bytes.extend(b"\",2024-03-05\nsmall,,2024-03-05\n");
    let (code, out, err) = batch_on("huge.csv", bytes);
    assert!(code == 0 || code == 4, "{code}: {err}");
    assert!(out.lines().any(|l| l.starts_with("small,")), "{out}");
}

// ---- many problems -----------------------------------------------------------------

/// `shouli check` on a record and, optionally, a rule file, both written to
/// scratch files; returns (exit code, stderr), within `secs` seconds.
fn check_files(name: &str, rules: Option<String>, record: Vec<u8>, secs: u64) -> (u8, String) {
    use clap::Parser as _;
    let dir =
        std::env::temp_dir().join(format!("shouli-limits-many-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rec = dir.join(format!("{name}.toml"));
    std::fs::write(&rec, record).unwrap();
    let mut args = vec!["shouli".to_string(), "check".to_string()];
    if let Some(text) = rules {
        let path = dir.join(format!("{name}.rules"));
        std::fs::write(&path, text).unwrap();
        args.extend(["--rules".to_string(), path.display().to_string()]);
    }
    args.push(rec.display().to_string());
    let out = bounded(secs, move || {
        let cli = shouli::cli::Cli::try_parse_from(args).unwrap();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = shouli::cli::run(cli, &mut out, &mut err);
        (code, String::from_utf8(err).unwrap())
    });
    let _ = std::fs::remove_dir_all(&dir);
    out
}

fn count(err: &str, what: &str) -> usize {
    err.lines().filter(|l| l.starts_with(what)).count()
}

/// 20,000 broken items: the parser stops after 100 errors and says where,
/// instead of spending minutes on a message nobody reads.
#[test]
fn twenty_thousand_syntax_errors() {
    let text = format!("{HEAD}{}", "field a \"甲\" bool )\n".repeat(20_000));
    let (code, err) = check_files("syntax", Some(text), b"a = true\n".to_vec(), 20);
    assert_eq!(code, shouli::cli::exit::UNUSABLE);
    assert_eq!(
        count(&err, "error["),
        shouli::diag::MAX_DIAGNOSTICS + 1,
        "{err}"
    );
    assert!(err.contains("error[too-many-problems]"), "{err}");
    assert!(err.contains("stopped reading at line"), "{err}");
}

/// 20,000 full-width commas, each a lexical error: 100 are shown.
#[test]
fn twenty_thousand_full_width_commas() {
    let text = format!("{HEAD}{}", "，\n".repeat(20_000));
    let (_, err) = check_files("ime", Some(text), b"a = true\n".to_vec(), 20);
    assert!(
        count(&err, "error[") <= shouli::diag::MAX_DIAGNOSTICS + 2,
        "{err}"
    );
    assert!(err.contains("error[too-many-problems]"), "{err}");
}

/// 20,000 clauses naming undeclared keys: checked, and 100 reported.
#[test]
fn twenty_thousand_check_errors() {
    let mut text = HEAD.to_string();
    for i in 0..20_000 {
        text.push_str(&format!("ground \"g{i}\" \"t\" {{ when zz{i} == true }}\n"));
    }
    let (code, err) = check_files("check", Some(text), b"a = true\n".to_vec(), 30);
    assert_eq!(code, shouli::cli::exit::UNUSABLE);
    assert_eq!(count(&err, "error["), shouli::diag::MAX_DIAGNOSTICS + 1);
    assert!(err.contains("19900 more problems not shown"), "{err}");
}

/// 60,000 undeclared keys in a record: a hundred warnings and a note; the
/// record is still checked.
#[test]
fn sixty_thousand_unknown_keys_in_a_record() {
    // One declared key, so the record is not empty.
    let record: String = std::iter::once("received = 2024-03-05\n".to_string())
        .chain((0..60_000).map(|i| format!("k{i} = 1\n")))
        .collect();
    let (code, err) = check_files("unknown", None, record.into_bytes(), 20);
    assert_ne!(code, shouli::cli::exit::UNUSABLE);
    assert_eq!(count(&err, "warning["), shouli::diag::MAX_DIAGNOSTICS + 1);
    assert!(err.contains("59900 more problems not shown"), "{err}");
}

/// One line of 60,000 bad list items (650 KB): errors are capped and each
/// code frame shows a window of the line, so the message stays small.
#[test]
fn one_long_line_of_bad_values() {
    let items = vec!["\"bad\""; 60_000].join(", ");
    let record = format!("[claim]\nevidence = [{items}]\n");
    let (code, err) = check_files("long-line", None, record.into_bytes(), 20);
    assert_eq!(code, shouli::cli::exit::UNUSABLE);
    assert_eq!(count(&err, "error["), shouli::diag::MAX_DIAGNOSTICS + 1);
    assert!(err.len() < 200_000, "stderr is {} bytes", err.len());
    let widest = err.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(widest < 400, "a line of {widest} characters");
    assert!(
        err.contains("2 | …"),
        "the frame is cut before the span: {err}"
    );
}

// ---- large rule files: no quadratic work --------------------------------------------

/// An enum of 100,000 values is refused at once (its length is checked
/// before anything is done per value), with the count, and nothing else.
#[test]
fn an_enum_of_100k_values_is_refused_at_once() {
    let mut text = String::from("rules \"大\" { version \"1\" }\nfield e \"枚举\" enum {\n");
    for i in 0..100_000 {
        text.push_str(&format!("  v{i} \"值{i}\"\n"));
    }
    text.push_str("}\n");
    let codes = bounded(60, move || {
        match shouli::load::lint_rules("enum.rules", text.as_bytes()) {
            Ok(_) => panic!("an enum of 100,000 values loaded"),
            Err(e) => e
                .diagnostics
                .iter()
                .map(|d| (d.code, d.message.en.clone()))
                .collect::<Vec<_>>(),
        }
    });
    assert_eq!(
        codes,
        vec![(
            "too-many-values",
            "more than 64 values (100000 here)".to_string()
        )]
    );
}

/// Thousands of grounds on one field: the pairwise duplicate search shares
/// one budget, so lint finishes (and finds the duplicate among the first).
#[test]
fn lint_of_5000_grounds_is_bounded() {
    let mut text = String::from("rules \"大\" { version \"1\" }\nfield n \"数\" integer\n");
    text.push_str("ground \"d0\" \"甲\" { when n == 0 }\nground \"d1\" \"乙\" { when n == 0 }\n");
    for i in 0..5_000 {
        text.push_str(&format!(
            "ground \"g{i}\" \"g\" {{ when n == {} }}\n",
            i + 1
        ));
    }
    let codes = bounded(120, move || {
        let linted = shouli::load::lint_rules("big.rules", text.as_bytes()).expect("loads");
        linted
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect::<Vec<_>>()
    });
    assert_eq!(
        codes.iter().filter(|c| **c == "duplicate-ground").count(),
        1
    );
}
