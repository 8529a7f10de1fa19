//! `shouli batch`: a generated archive checked against an independent
//! reference, the same output whatever `--jobs`, audit flags on hand-made
//! cases, redaction in every output, bad records in their place, and
//! snapshots of the table and summary of a small hand-made archive.

use crate::{archive, insta, support};

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use clap::Parser as _;
use shouli::batch::{self, Format, Input, Options, Summary};
use shouli::compile::Program;
use shouli::diag::Lang;

use archive::{CSV_SPOILS, Expect, JSONL_SPOILS, TOML_SPOILS};

/// A fresh directory for one test, removed when dropped. Named for the
/// process too, so two test runs at once do not share it.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("batch-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn builtin() -> Program {
    shouli::builtin().expect("the built-in rules load")
}

/// An archive of `n` records across the three layouts: a TOML directory
/// (a fifth), JSON Lines (a half) and CSV (the rest), with bad records in
/// the middle of each: the inputs and the expectations in order.
struct Archive {
    inputs: Vec<PathBuf>,
    expects: Vec<Expect>,
    _dir: Scratch,
}

fn generated_archive(name: &str, seed: u64, n: usize) -> Archive {
    let dir = Scratch::new(name);
    let (t, j) = (n / 5, n / 2);
    let toml = archive::generate(seed, t, TOML_SPOILS);
    let jsonl = archive::generate(seed + 1, j, JSONL_SPOILS);
    let csv = archive::generate(seed + 2, n - t - j, CSV_SPOILS);
    let inputs = vec![
        dir.join("desk"),
        dir.join("export.jsonl"),
        dir.join("export.csv"),
    ];
    let mut expects = archive::write_toml_dir(&toml, &inputs[0]);
    expects.extend(archive::write_jsonl(&jsonl, &inputs[1]));
    expects.extend(archive::write_csv(&csv, &inputs[2]));
    Archive {
        inputs,
        expects,
        _dir: dir,
    }
}

fn run(program: &Program, inputs: Vec<Input>, opts: &Options) -> (String, Summary) {
    let mut out = Vec::new();
    let summary = batch::run(program, inputs, opts, &mut out).expect("the batch runs");
    (String::from_utf8(out).expect("UTF-8 output"), summary)
}

fn paths(paths: &[PathBuf]) -> Vec<Input> {
    paths.iter().cloned().map(Input::Path).collect()
}

fn opts(format: Format, jobs: usize) -> Options {
    Options {
        format,
        jobs,
        chunk: 256,
        ..Options::default()
    }
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|s| s.as_str().unwrap_or("?").to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn text(v: &serde_json::Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// Every record of a 5,000-record archive gets the outcome, deciding
/// clause, fired grounds, missing keys, deadlines and audit flags the
/// reference gives it, in input order; bad records are errors in their
/// place; the summary counts the same.
#[test]
fn a_generated_archive_matches_the_reference_record_for_record() {
    let program = builtin();
    let Archive {
        inputs,
        expects,
        _dir,
    } = generated_archive("reference", 20240317, 5000);
    let (out, summary) = run(&program, paths(&inputs), &opts(Format::Jsonl, 4));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines.len(),
        expects.len(),
        "one output line per input record"
    );

    for (i, (line, want)) in lines.iter().zip(&expects).enumerate() {
        let got: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
        let at = format!("record {i} ({})", want.source);
        assert_eq!(got["source"], want.source.as_str(), "{at}: source");
        assert_eq!(got["id"], want.id.as_str(), "{at}: id");
        assert_eq!(
            got["outcome"],
            want.outcome.as_str(),
            "{at}: outcome\n{line}"
        );
        if want.outcome == "error" {
            assert!(
                got["message"]
                    .as_str()
                    .is_some_and(|m| m.contains(&want.source)),
                "{at}: the message names the file and line: {line}"
            );
            continue;
        }
        assert_eq!(
            got["deciding"],
            want.deciding.as_str(),
            "{at}: deciding\n{line}"
        );
        assert_eq!(strings(&got["fired"]), want.fired, "{at}: fired");
        assert_eq!(strings(&got["missing"]), want.missing, "{at}: missing");
        assert_eq!(
            text(&got["deadlines"]["notify_by"]),
            want.notify_by,
            "{at}: notify_by"
        );
        assert_eq!(
            text(&got["deadlines"]["resolve_by"]),
            want.resolve_by,
            "{at}: resolve_by"
        );
        assert_eq!(
            strings(&got["audit"]["flags"]),
            want.flags,
            "{at}: audit flags"
        );
    }

    // The archive exercises what it claims to: every outcome, errors in
    // every layout, every audit flag.
    let count = |f: &dyn Fn(&Expect) -> bool| expects.iter().filter(|e| f(e)).count() as u64;
    for layout in ["desk", ".jsonl:", ".csv:"] {
        assert!(
            count(&|e| e.outcome == "error" && e.source.contains(layout)) > 0,
            "{layout}"
        );
    }
    for flag in [
        "outcome_disagrees",
        "clause_disagrees",
        "notify_breach",
        "resolve_breach",
    ] {
        assert!(count(&|e| e.flags.iter().any(|f| f == flag)) > 0, "{flag}");
    }
    assert_eq!(summary.records.input, 5000);
    assert_eq!(summary.records.output, 5000);
    assert!(summary.records.all_accounted_for);
    let o = &summary.outcomes;
    assert_eq!(o.accepted, count(&|e| e.outcome == "accepted"));
    assert_eq!(o.rejected, count(&|e| e.outcome == "rejected"));
    assert_eq!(o.incomplete, count(&|e| e.outcome == "incomplete"));
    assert_eq!(o.error, count(&|e| e.outcome == "error"));
    assert!(o.accepted > 0 && o.rejected > 0 && o.incomplete > 0);
    assert_eq!(summary.errors.count, o.error);
    let a = &summary.audit;
    assert_eq!(
        a.outcome_disagreements,
        count(&|e| e.flags.contains(&"outcome_disagrees".into()))
    );
    let breaches = |name: &str| {
        a.breaches
            .iter()
            .find(|b| b.deadline == name)
            .map(|b| b.count)
    };
    assert_eq!(
        breaches("resolve_by"),
        Some(count(&|e| e.flags.contains(&"resolve_breach".into())))
    );
    let disagreeing: Vec<&str> = expects
        .iter()
        .filter(|e| e.flags.iter().any(|f| f.ends_with("_disagrees")))
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(a.disagreeing_ids, disagreeing);
    let deciding: u64 = summary.deciding.iter().map(|d| d.count).sum();
    assert_eq!(deciding, o.accepted + o.rejected + o.incomplete);
}

/// Output order is input order: one thread and four give the same bytes,
/// in every format.
#[test]
fn one_thread_and_four_give_byte_identical_output() {
    let program = builtin();
    let Archive {
        inputs,
        expects,
        _dir,
    } = generated_archive("jobs", 7, 1200);
    for format in [Format::Jsonl, Format::Csv, Format::Table] {
        let (one, s1) = run(&program, paths(&inputs), &opts(format, 1));
        let (four, s4) = run(&program, paths(&inputs), &opts(format, 4));
        assert!(one == four, "{format:?}: --jobs 1 and --jobs 4 differ");
        assert_eq!(s1.records.output, expects.len() as u64);
        assert_eq!(s4.records.output, expects.len() as u64);
        // A header line for CSV, two for the table.
        let header = match format {
            Format::Jsonl => 0,
            Format::Csv => 1,
            Format::Table => 2,
        };
        assert_eq!(one.lines().count(), expects.len() + header, "{format:?}");
    }
}

/// The expectations on the first line of each hand-made audit case.
fn audit_expectations(dir: &Path) -> BTreeMap<String, Vec<String>> {
    let mut want = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let flags = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: flags="))
            .unwrap_or_else(|| panic!("{}: no `# expect: flags=` line", path.display()));
        let flags = flags
            .split(',')
            .filter(|f| !f.is_empty())
            .map(str::to_string)
            .collect();
        want.insert(
            path.file_stem().unwrap().to_string_lossy().into_owned(),
            flags,
        );
    }
    want
}

const DESK: &str = "tests/fixtures/batch/archive/desk";
const EXPORT_JSONL: &str = "tests/fixtures/batch/archive/export.jsonl";
const EXPORT_CSV: &str = "tests/fixtures/batch/archive/export.csv";

/// Recorded outcome and clause against the rules, notified after 2.3's
/// date, resolved after 2.4's: each hand-made case gets exactly the flags
/// its first line states.
#[test]
fn audit_flags_on_hand_made_cases() {
    let program = builtin();
    let want = audit_expectations(Path::new(DESK));
    let (out, summary) = run(
        &program,
        vec![Input::Path(DESK.into())],
        &opts(Format::Jsonl, 2),
    );
    let mut got = BTreeMap::new();
    for line in out.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let stem = Path::new(v["source"].as_str().unwrap())
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if v["outcome"] == "error" {
            assert!(v.get("audit").is_none());
        }
        let recorded = v.get("audit").is_some();
        assert_eq!(recorded, line.contains("\"recorded_outcome\""), "{stem}");
        got.insert(stem, strings(&v["audit"]["flags"]));
    }
    assert_eq!(got, want);
    assert!(
        want.values().any(|f| f.is_empty()) && want.values().filter(|f| !f.is_empty()).count() >= 4
    );
    let a = &summary.audit;
    assert_eq!(a.records, 8, "every case but no-recorded (and the error)");
    assert_eq!(
        (
            a.outcome_disagreements,
            a.clause_disagreements,
            a.breaches
                .iter()
                .map(|b| (b.deadline.as_str(), b.clause.as_str(), b.count))
                .collect::<Vec<_>>()
        ),
        (
            2,
            2,
            vec![("notify_by", "2.3", 1), ("resolve_by", "2.4", 1)]
        )
    );
    assert_eq!(
        a.disagreeing_ids,
        [
            "clause-disagrees",
            "outcome-disagrees",
            "resolve-not-accepted"
        ]
    );
    assert_eq!(a.breaching_ids, ["notify-breach", "resolve-breach"]);
}

/// `--only` writes the records asked for; the summary still counts all.
#[test]
fn only_filters_the_output_but_not_the_summary() {
    let (code, out, err) = support::shouli(&[
        "batch",
        "--format",
        "csv",
        "--only",
        "disagreements,errors",
        DESK,
        EXPORT_JSONL,
    ]);
    assert_eq!(code, 4, "{err}");
    let ids: Vec<&str> = out
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "bad-quantity",
            "clause-disagrees",
            "outcome-disagrees",
            "resolve-not-accepted",
            "export.jsonl:6"
        ]
    );
    assert!(
        err.contains("读入 15 条，输出 15 条（一一对应），按 --only 写出 5 条"),
        "{err}"
    );
}

fn mixed_inputs() -> Vec<Input> {
    [DESK, EXPORT_JSONL, EXPORT_CSV]
        .map(|p| Input::Path(p.into()))
        .into()
}

/// The summary with its timing fixed, so it can be compared.
fn steady(mut summary: Summary) -> Summary {
    summary.elapsed_seconds = 2.0;
    summary.records_per_second = summary.records.input as f64 / 2.0;
    summary
}

const DIGEST_MASK: &str = "sha256:<digest of the built-in rules>";

/// The aligned table and the summary of a small hand-made archive: TOML
/// files, a JSON Lines export with a truncated last line and a CSV export
/// with a missing and an extra cell, an unknown column and a blank line.
#[test]
fn table_and_summary_of_a_hand_made_archive() {
    let program = builtin();
    for lang in [Lang::Zh, Lang::En] {
        let o = Options {
            format: Format::Table,
            lang,
            ..opts(Format::Table, 2)
        };
        let (table, summary) = run(&program, mixed_inputs(), &o);
        let summary = steady(summary);
        let suffix = match lang {
            Lang::Zh => "zh",
            Lang::En => "en",
        };
        insta::assert_snapshot!(format!("table_{suffix}"), table);
        insta::assert_snapshot!(
            format!("summary_{suffix}"),
            summary
                .render(lang)
                .replace(&summary.rules.digest, DIGEST_MASK)
        );
        if lang == Lang::Zh {
            let mut json = serde_json::to_value(&summary).unwrap();
            json["rules"]["digest"] = DIGEST_MASK.into();
            insta::assert_snapshot!("summary_json", serde_json::to_string_pretty(&json).unwrap());
        }
    }
}

/// A JSON Lines file whose last line is cut off, and a CSV with a missing
/// and an extra cell: each bad record is an error in its place, the others
/// are checked, and the batch exits 4.
#[test]
fn bad_lines_are_errors_in_place_and_exit_4() {
    let (code, out, err) = support::shouli(&[
        "batch",
        "--format",
        "csv",
        "tests/fixtures/batch/broken/truncated.jsonl",
        "tests/fixtures/batch/broken/columns.csv",
    ]);
    assert_eq!(code, shouli::cli::exit::SOME_UNCHECKED, "{err}");
    let outcomes: Vec<(String, String)> = csv::Reader::from_reader(out.as_bytes())
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[2].to_string())
        })
        .collect();
    let want = [
        ("T-1", "rejected"),
        ("T-2", "incomplete"),
        ("T-3", "error"),
        ("K-1", "incomplete"),
        ("columns.csv:3", "error"),
        ("columns.csv:4", "error"),
        ("K-4", "rejected"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(outcomes, want);
    insta::assert_snapshot!("broken_csv", out);
}

/// Builtin rules whose basis explanations name the complainant and the
/// respondent, so that reports carry personal data to be masked.
fn rules_that_name_people() -> Program {
    let text = shouli::BUILTIN_RULES.replace(
        "because \"投诉类型为“{claim.basis}”\" en \"the complaint is about “{claim.basis}”\"",
        "because \"{complainant.name}（{complainant.phone}）投诉{respondent.name}（{respondent.phone}）\" en \"{complainant.name} ({complainant.phone}) against {respondent.name} ({respondent.phone})\"",
    );
    assert_ne!(
        text,
        shouli::BUILTIN_RULES,
        "the explanation to replace is in the rules"
    );
    shouli::load_rules("named.rules", text.as_bytes()).expect("the changed rules load")
}

/// The personal values that occur in `text`. Names are runs of Chinese
/// characters inside longer runs (`投诉鑫达家电`), phone numbers runs of
/// digits and dashes; looking up each run's pieces in a set is quick where
/// searching the text for each of thousands of values is not.
fn leaked(text: &str, personal: &HashSet<String>) -> Vec<String> {
    let mut found = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let cjk = |c: char| c >= '\u{2E80}' && !"（）：，；、“”［］".contains(c);
    let phoneish = |c: char| c.is_ascii_digit() || c == '-';
    let mut i = 0;
    while i < chars.len() {
        // Names are 2 to 6 characters, phone numbers 11 to 13.
        let (class, lengths): (&dyn Fn(char) -> bool, _) = if cjk(chars[i]) {
            (&cjk, 2..=6)
        } else if phoneish(chars[i]) {
            (&phoneish, 11..=13)
        } else {
            i += 1;
            continue;
        };
        let end = (i..chars.len())
            .find(|&j| !class(chars[j]))
            .unwrap_or(chars.len());
        for start in i..end {
            for stop in lengths
                .clone()
                .map(|n| start + n)
                .take_while(|&stop| stop <= end)
            {
                let piece: String = chars[start..stop].iter().collect();
                if personal.contains(&piece) {
                    found.push(piece);
                }
            }
        }
        i = end;
    }
    found
}

/// `--redact` leaves no name or phone number in any output format, nor in
/// error messages; the summary never shows them, redacted or not.
#[test]
fn redaction_leaves_no_name_or_phone_in_any_output() {
    let program = rules_that_name_people();
    let Archive { inputs, _dir, .. } = generated_archive("redact", 99, 600);
    // The same cases as generated_archive("redact", 99, 600) wrote.
    let cases: Vec<archive::Case> = [
        archive::generate(99, 120, TOML_SPOILS),
        archive::generate(100, 300, JSONL_SPOILS),
        archive::generate(101, 180, CSV_SPOILS),
    ]
    .concat();
    let personal: HashSet<String> = cases.iter().flat_map(|c| c.personal()).collect();
    assert!(personal.len() > 600);
    let leaks = |text: &str| leaked(text, &personal).len();

    // Unredacted, the reports and error messages do show them: the check
    // below could fail.
    let (plain, summary) = run(&program, paths(&inputs), &opts(Format::Jsonl, 2));
    assert!(
        leaks(&plain) > 100,
        "names and phones appear without --redact"
    );
    // A phone number written as a number is quoted by its error message.
    let mistyped: Vec<String> = cases
        .iter()
        .filter(|c| c.spoil == Some(archive::Spoil::PhoneNumber))
        .map(|c| {
            c.personal()
                .into_iter()
                .find(|p| p.starts_with('1'))
                .unwrap()
        })
        .collect();
    assert!(!mistyped.is_empty());
    assert!(
        mistyped
            .iter()
            .any(|p| plain.contains(&format!("整数 {p}"))),
        "an error message shows the phone"
    );
    let shown = [
        summary.render(Lang::Zh),
        summary.render(Lang::En),
        serde_json::to_string(&summary).unwrap(),
    ];
    for s in &shown {
        assert_eq!(leaks(s), 0, "the summary never shows personal data:\n{s}");
    }

    for format in [Format::Jsonl, Format::Csv, Format::Table] {
        for lang in [Lang::Zh, Lang::En] {
            let o = Options {
                redact: true,
                lang,
                ..opts(format, 2)
            };
            let (out, summary) = run(&program, paths(&inputs), &o);
            let found = leaked(&out, &personal);
            assert!(
                found.is_empty(),
                "{format:?} {lang:?}: {found:?} in the output"
            );
            assert_eq!(leaks(&summary.render(lang)), 0);
        }
    }
    // Masks keep the shape: 138****0000.
    let o = Options {
        redact: true,
        ..opts(Format::Jsonl, 2)
    };
    let (out, _) = run(&program, paths(&inputs), &o);
    assert!(out.contains("****"), "masked phone numbers are shown");
}

/// An input that does not exist, or whose kind is unknown, stops the batch
/// before it starts: exit 2, saying which.
#[test]
fn an_unusable_input_is_exit_2() {
    let (code, out, err) = support::shouli(&["batch", DESK, "tests/fixtures/batch/nowhere.jsonl"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("nowhere.jsonl"), "{err}");
    let (code, _, err) = support::shouli(&["batch", "grammar/rules.pest"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("grammar/rules.pest"), "{err}");
    assert!(shouli::cli::Cli::try_parse_from(["shouli", "batch", "--jobs", "0", DESK]).is_err());
}

/// A file in a directory that cannot be read (here a link to nowhere) is
/// an error record in its place; the files around it are checked.
#[cfg(unix)]
#[test]
fn an_unreadable_file_in_a_directory_is_an_error_record() {
    let dir = Scratch::new("unreadable");
    for name in ["a.toml", "c.toml"] {
        std::fs::copy(Path::new(DESK).join("agrees.toml"), dir.join(name)).unwrap();
    }
    std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("b.toml")).unwrap();
    let o = opts(Format::Csv, 2);
    let (out, summary) = run(&builtin(), vec![Input::Path(dir.to_path_buf())], &o);
    let rows: Vec<Vec<String>> = out
        .lines()
        .skip(1)
        .map(|l| l.split(',').take(3).map(str::to_string).collect())
        .collect();
    let b = dir.join("b.toml").display().to_string();
    assert_eq!(rows[1], ["b", b.as_str(), "error"]);
    assert_eq!(
        rows.iter().map(|r| r[2].as_str()).collect::<Vec<_>>(),
        ["accepted", "error", "accepted"]
    );
    assert!(
        summary.errors.first[0]
            .message
            .contains("error[unreadable]"),
        "{:?}",
        summary.errors
    );
}

fn binary() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_shouli"))
}

/// The real binary: JSON Lines on standard input, `-o` written atomically
/// (no temporary file left), `--summary` as JSON, exit 0.
#[test]
fn the_binary_reads_stdin_and_writes_its_files_whole() {
    use std::io::Write as _;
    let dir = Scratch::new("binary");
    let out = dir.join("report.jsonl");
    let summary = dir.join("summary.json");
    let lines: String = archive::generate(5, 300, &[])
        .iter()
        .map(|c| archive::to_json(c) + "\n")
        .collect();
    let mut child = binary()
        .args(["batch", "-", "--quiet", "-o"])
        .arg(&out)
        .arg("--summary")
        .arg(&summary)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(lines.as_bytes())
        .unwrap();
    let result = child.wait_with_output().unwrap();
    assert_eq!(
        result.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert!(
        result.stdout.is_empty() && result.stderr.is_empty(),
        "--quiet and -o: nothing printed"
    );
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written.lines().count(), 300);
    assert!(
        written
            .lines()
            .next()
            .unwrap()
            .contains("\"source\":\"<stdin>:1\"")
    );
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    assert_eq!(s["records"]["input"], 300);
    let names: Vec<String> = std::fs::read_dir(&*dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "no temporary file is left: {names:?}");
}

/// `shouli batch … | head -1`: the reader goes away; that is not an error.
#[test]
fn a_closed_stdout_is_not_an_error() {
    use std::io::{BufRead as _, BufReader};
    let Archive { inputs, _dir, .. } = generated_archive("pipe", 11, 3000);
    let mut child = binary()
        .arg("batch")
        .args(&inputs)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with('{'));
    // Dropping the reader closes the pipe while the batch is still writing.
    let result = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(0), "{err}");
    assert!(!err.contains("error"), "{err}");
}

/// A record's warnings are in the CSV row's `message` column and at the end
/// of a table row: a misspelled key (ignored, with the key it was probably
/// meant to be) is why the record is missing `received`; a record with
/// nothing filled in is an error saying so; a record that cannot be checked shows its
/// error, then its warning.
#[test]
fn csv_rows_carry_their_records_warnings() {
    let file = "tests/fixtures/batch/warnings/misspelled-and-empty.jsonl";
    let (code, out, err) = support::shouli(&["batch", "--format", "csv", file]);
    assert_eq!(code, shouli::cli::exit::SOME_UNCHECKED, "{err}");
    let rows: Vec<(String, String, String, String)> = csv::Reader::from_reader(out.as_bytes())
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[0].to_string(),
                r[2].to_string(),
                r[5].to_string(),
                r[11].to_string(),
            )
        })
        .collect();
    assert_eq!(rows.len(), 4);
    let (id, outcome, missing, message) = &rows[0];
    assert_eq!((id.as_str(), outcome.as_str()), ("W-1", "incomplete"));
    assert!(missing.split(';').any(|k| k == "received"), "{missing}");
    assert!(message.contains("warning[unknown-key]"), "{message}");
    assert!(
        message.contains("`recieved`") && message.contains("`received`"),
        "{message}"
    );
    // Nothing filled in: not checked, an error saying so.
    assert_eq!(rows[1].1, "error");
    assert!(rows[1].3.contains("error[empty-record]"), "{}", rows[1].3);
    assert_eq!(rows[2].1, "rejected");
    assert_eq!(rows[2].3, "", "a record without problems has no message");
    let (id, outcome, _, message) = &rows[3];
    assert_eq!((id.as_str(), outcome.as_str()), ("W-4", "error"));
    let (error, warning) = (
        message.find("error[bad-value]"),
        message.find("warning[unknown-key]"),
    );
    assert!(error.is_some() && error < warning, "{message}");

    let (_, table, _) = support::shouli(&["batch", "--format", "table", file]);
    for (id, want) in [
        ("W-1", "规则未声明键 `recieved`"),
        ("misspelled-and-empty.jsonl:2", "记录里没有填写任何字段"),
        ("W-4", "warning[unknown-key]"),
    ] {
        let line = table
            .lines()
            .find(|l| l.starts_with(id))
            .unwrap_or_else(|| panic!("no row {id} in\n{table}"));
        assert!(line.contains(want), "{id}: {line}");
    }

    // A JSON Lines error record lists them apart.
    let (_, jsonl, _) = support::shouli(&["batch", file]);
    let last: serde_json::Value =
        serde_json::from_str(jsonl.lines().last().expect("four lines")).unwrap();
    assert_eq!(last["outcome"], "error");
    assert_eq!(last["errors"][0]["code"], "bad-value");
    assert_eq!(last["warnings"][0]["code"], "unknown-key");
}

/// Runs the binary and returns its standard output (it must exit 0).
fn stdout_of(cmd: &mut std::process::Command) -> String {
    let out = cmd.output().expect("the binary runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// A CSV output as rows of named cells.
fn csv_rows(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_string)
        .collect();
    reader
        .records()
        .map(|r| {
            let r = r.expect("a CSV row");
            header
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

/// SAMR (SPEC §6): `decide_by` is a CSV column and a table column, audited
/// against the date `recorded.decided` (the clause's `recorded`): decided
/// after 2025-05-08 is 4 days late, on the day is on time, and a count past
/// the calendar has no date (an empty cell) and so no breach. JSON Lines
/// and CSV inputs give the same.
#[test]
fn samr_audits_decide_by_against_recorded_decided() {
    let dir = Path::new("tests/fixtures/batch/samr");
    let files = [dir.join("audit.jsonl"), dir.join("audit.csv")];
    let run = |format: &str, lang: &str| {
        stdout_of(
            binary()
                .args(["batch", "--rules", "samr", "--quiet", "--format", format])
                .args(["--lang", lang])
                .args(&files),
        )
    };
    let csv = run("csv", "zh");
    let header = csv.lines().next().unwrap();
    assert_eq!(
        header,
        "id,source,outcome,deciding,fired,missing,decide_by,audit,recorded_outcome,recorded_clause,message"
    );
    let got: Vec<[String; 4]> = csv_rows(&csv)
        .into_iter()
        .map(|r| ["id", "outcome", "decide_by", "audit"].map(|k| r[k].clone()))
        .collect();
    let want = |p: &str| {
        [
            [
                &format!("{p}-late"),
                "accepted",
                "2025-05-08",
                "decide_breach",
            ],
            [&format!("{p}-on-time"), "accepted", "2025-05-08", ""],
            [&format!("{p}-past-calendar"), "accepted", "", ""],
        ]
        .map(|r| r.map(str::to_string))
    };
    assert_eq!(got, [want("J"), want("C")].concat());

    // The JSON Lines audit says by how many days.
    let jsonl = run("jsonl", "zh");
    let late: serde_json::Value =
        serde_json::from_str(jsonl.lines().next().unwrap()).expect("a JSON line");
    assert_eq!(late["id"], "J-late");
    assert_eq!(late["deadlines"]["decide_by"], "2025-05-08");
    assert_eq!(
        late["audit"]["breaches"],
        serde_json::json!([{"clause": "decide_by", "due": "2025-05-08", "done": "2025-05-12", "days_late": 4}])
    );
    let past: serde_json::Value =
        serde_json::from_str(jsonl.lines().nth(2).unwrap()).expect("a JSON line");
    assert_eq!(past["deadlines"]["decide_by"], serde_json::Value::Null);
    assert_eq!(past["audit"]["flags"], serde_json::json!([]));

    let table = format!("{}\n{}", run("table", "zh"), run("table", "en"));
    assert!(table.contains("逾期 4 天") && table.contains("4 days late"));
    insta::assert_snapshot!("samr_decide_by", format!("{csv}\n{table}"));
}

/// `batch --rules samr` and `check --rules samr` give every case of
/// tests/fixtures/samr the same outcome, deciding clause, grounds, missing
/// keys and `decide_by`.
#[test]
fn batch_and_check_agree_on_every_samr_case() {
    let dir = Path::new("tests/fixtures/samr");
    let csv = stdout_of(
        binary()
            .args(["batch", "--rules", "samr", "--quiet", "--format", "csv"])
            .arg(dir),
    );
    let batch: BTreeMap<String, [String; 5]> = csv_rows(&csv)
        .into_iter()
        .map(|r| {
            let sorted = |s: &str| {
                let mut v: Vec<&str> = s.split(';').filter(|k| !k.is_empty()).collect();
                v.sort();
                v.join(";")
            };
            let row = [
                r["outcome"].clone(),
                r["deciding"].clone(),
                r["fired"].clone(),
                sorted(&r["missing"]),
                r["decide_by"].clone(),
            ];
            (r["id"].clone(), row)
        })
        .collect();
    let mut cases = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        cases += 1;
        let out = binary()
            .args(["check", "--rules", "samr", "--format", "json"])
            .arg(&path)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let list = |v: &serde_json::Value| {
            let mut s = strings(v);
            s.sort();
            s.join(";")
        };
        let check = [
            text(&v["outcome"]).unwrap_or_default(),
            text(&v["deciding"]).unwrap_or_default(),
            strings(&v["fired"]).join(";"),
            list(&v["missing"]),
            text(&v["deadlines"]["decide_by"]).unwrap_or_default(),
        ];
        let id = path.file_stem().unwrap().to_string_lossy().into_owned();
        assert_eq!(batch.get(&id), Some(&check), "{id}");
    }
    assert!(cases >= 20, "the SAMR cases were found");
    assert_eq!(batch.len(), cases, "one batch row per case");
}

/// The clause ids in a text: runs of digits, dots and brackets that hold a
/// dot (`7.1`, `1.3(2)`), outside dates and times.
fn clause_like(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut run = String::new();
    for ch in text.chars().chain([' ']) {
        if ch.is_ascii_digit() || ch == '.' || (!run.is_empty() && "()".contains(ch)) {
            run.push(ch);
        } else {
            let mut id = run.trim_end_matches('.');
            // `(7.2)`: the bracket around an id is not part of it.
            if !id.contains('(') {
                id = id.trim_end_matches(')');
            }
            if id.contains('.') && id.starts_with(|c: char| c.is_ascii_digit()) {
                found.insert(id.to_string());
            }
            run.clear();
        }
    }
    found
}

/// A rule file with no basis and no scope accepts a clean complaint, with
/// no deciding clause, and no output names a clause it does not declare
/// (no phantom 1.0): check as text and JSON, batch as CSV and table.
#[test]
fn rules_without_a_basis_accept_and_name_only_their_clauses() {
    let dir = Path::new("tests/fixtures/batch/no-basis");
    let rules = dir.join("rules.rules");
    let record = dir.join("clean.toml");
    let check = |format: &str, lang: &str| {
        let out = binary()
            .args(["check", "--format", format, "--lang", lang, "--rules"])
            .arg(&rules)
            .arg(&record)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let batch = |format: &str, lang: &str| {
        stdout_of(
            binary()
                .args(["batch", "--quiet", "--format", format, "--lang", lang])
                .arg("--rules")
                .arg(&rules)
                .arg(&record),
        )
    };
    let json: serde_json::Value = serde_json::from_str(&check("json", "zh")).unwrap();
    assert_eq!(json["outcome"], "accepted");
    assert_eq!(json["deciding"], serde_json::Value::Null);
    let csv = batch("csv", "zh");
    let rows = csv_rows(&csv);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        ["outcome", "deciding", "fired", "reply_by", "audit"].map(|k| rows[0][k].as_str()),
        ["accepted", "", "", "2025-03-08", "reply_breach"]
    );
    let outputs = [
        check("text", "zh"),
        check("text", "en"),
        json.to_string(),
        csv,
        batch("table", "zh"),
        batch("table", "en"),
    ];
    let declared: BTreeSet<String> = ["7.1", "7.2"].map(String::from).into();
    for out in &outputs {
        assert!(out.contains("accepted") || out.contains("受理"), "{out}");
        let named = clause_like(out);
        assert!(named.is_subset(&declared), "{named:?} in\n{out}");
    }
    insta::assert_snapshot!("no_basis", outputs.join("\n"));
}
