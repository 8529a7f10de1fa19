//! A catalogue of bad inputs: every file under tests/bad/ is checked the way
//! a clerk would check it (`shouli check FILE`, through `cli::run`), and the
//! snapshot holds exactly what they would see on stderr, with the exit code.
//! Files that are accepted (a BOM, CRLF, an unknown key) also show the
//! report's outcome line, so a silent change of meaning shows up too.
//!
//! Adding a case is adding a file. The first line of each text fixture says
//! in Chinese and English what it is.

use crate::insta;
use clap::Parser as _;
use shouli::cli::{self, Cli};

/// Runs `shouli ARGS…` in the repository root; returns (exit code, stdout,
/// stderr).
fn shouli(args: &[&str]) -> (u8, String, String) {
    let cli = Cli::try_parse_from(std::iter::once("shouli").chain(args.iter().copied()))
        .expect("arguments parse");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = cli::run(cli, &mut out, &mut err);
    let (out, err) = (
        String::from_utf8(out).expect("stdout is UTF-8"),
        String::from_utf8(err).expect("stderr is UTF-8"),
    );
    // Whatever the input holds, no control character (but our own line
    // ends) and no bidi override reaches the terminal.
    for text in [&out, &err] {
        let raw: Vec<char> = text
            .chars()
            .filter(|&c| c != '\n' && shouli::sanitize::is_unsafe(c))
            .collect();
        assert!(
            raw.is_empty(),
            "{args:?}: raw {raw:?} in the output:\n{text}"
        );
    }
    (code, out, err)
}

/// The path of a fixture as a user would type it from the repository root.
fn relative(path: &std::path::Path) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// What the user sees: the exit code, stderr, and for a record that could
/// be checked the first lines of the report (outcome and deciding clause).
fn seen(code: u8, out: &str, err: &str) -> String {
    let mut shown = format!("exit code: {code}\n--- stderr ---\n{err}");
    if code != cli::exit::UNUSABLE {
        shown.push_str("--- stdout (first lines) ---\n");
        for line in out.lines().take(4) {
            shown.push_str(line);
            shown.push('\n');
        }
    } else {
        assert!(out.is_empty(), "an unusable input prints no report");
    }
    shown
}

#[test]
fn bad_records() {
    insta::glob!("bad/*.toml", |path| {
        let file = relative(path);
        let (code, out, err) = shouli(&["check", &file]);
        // Never a panic, and an error always names the file; each error
        // names its key and points at its line, except the errors about
        // the file as a whole (its encoding, nothing filled in).
        if code == cli::exit::UNUSABLE {
            assert!(err.contains(&file), "{file}: the message names the file");
            let blocks: Vec<&str> = err
                .split("\n\n")
                .filter(|b| b.starts_with("error["))
                .collect();
            assert!(!blocks.is_empty(), "{file}: an error is shown");
            for block in blocks {
                if block.starts_with("error[not-utf8]") || block.starts_with("error[empty-record]")
                {
                    continue;
                }
                let head = block.lines().next().unwrap_or_default();
                assert!(head.contains('`'), "{file}: names the key: {head}");
                assert!(
                    block.contains(&format!("--> {file}:")),
                    "{file}: points at a line: {block}"
                );
            }
        }
        insta::assert_snapshot!(seen(code, &out, &err));
    });
}

/// The broken rule files (their one home is tests/fixtures/rules-err/,
/// where `rules_errors.rs` snapshots each one's diagnostics), each used as
/// `--rules` to check a good record: unusable (exit 2), the file named,
/// and every error its first line expects shown.
#[test]
fn bad_rule_files() {
    assert!(
        std::fs::read_dir("tests/bad/rules").map_or(true, |mut d| d.next().is_none()),
        "broken rule files belong in tests/fixtures/rules-err/, with their expected codes"
    );
    let mut files: Vec<_> = std::fs::read_dir("tests/fixtures/rules-err")
        .expect("the broken rule files")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rules"))
        .collect();
    files.sort();
    assert!(files.len() > 50, "{} files", files.len());
    for path in files {
        let file = relative(&path);
        let want = crate::rules_errors::expected_codes(&std::fs::read(&path).unwrap(), &file);
        let (code, out, err) = shouli(&["check", "--rules", &file, RECORD]);
        assert_eq!(
            code,
            cli::exit::UNUSABLE,
            "{file}: a bad rule file is unusable"
        );
        assert!(out.is_empty(), "{file}: no report");
        assert!(err.contains(&file), "{file}: the message names the file");
        let shown: Vec<&str> = err
            .lines()
            .filter_map(|l| l.strip_prefix("error[")?.split(']').next())
            .collect();
        assert_eq!(shown, want, "{file}: the errors shown");
    }
}

/// The good record the broken rule files are used to check.
const RECORD: &str = "tests/fixtures/rules-err/record.toml";

/// The English-only rendering of a few cases, as `--lang en` shows them.
#[test]
fn bad_records_in_english() {
    for name in [
        "gbk.toml",
        "date-chinese-string.toml",
        "several-errors.toml",
    ] {
        let file = format!("tests/bad/{name}");
        let (code, out, err) = shouli(&["check", "--lang", "en", &file]);
        insta::assert_snapshot!(format!("en-{name}"), seen(code, &out, &err));
    }
}

/// The messages the issue asks for by name.
#[test]
fn named_messages() {
    let (_, _, err) = shouli(&["check", "--lang", "en", "tests/bad/gbk.toml"]);
    assert!(err.contains("file is not UTF-8"), "{err}");
    assert!(err.contains("save as UTF-8"), "{err}");
    for name in ["date-slash-string.toml", "date-chinese-string.toml"] {
        let (code, _, err) = shouli(&["check", &format!("tests/bad/{name}")]);
        assert_eq!(code, cli::exit::UNUSABLE);
        assert!(err.contains("YYYY-MM-DD"), "{name}: says which form: {err}");
        assert!(
            err.contains("purchase.date"),
            "{name}: names the key: {err}"
        );
        assert!(err.contains(":3:"), "{name}: names the line: {err}");
    }
    // An unknown key is a warning: the record is still checked.
    let (code, _, err) = shouli(&["check", "tests/bad/unknown-key.toml"]);
    assert_ne!(code, cli::exit::UNUSABLE);
    assert!(err.contains("warning[unknown-key]"), "{err}");
}

/// Inputs on which the fuzzers (fuzz/) found shouli crashing, kept as
/// regressions: `check` answers each with a message, never a panic.
#[test]
fn fuzz_regressions() {
    insta::glob!("bad/fuzz/*", |path| {
        let file = relative(path);
        let mut args = vec!["check"];
        if file.ends_with(".rules") {
            args.extend(["--rules", &file, RECORD]);
        } else {
            args.push(&file);
        }
        let (code, out, err) = shouli(&args);
        insta::assert_snapshot!(seen(code, &out, &err));
    });
}

/// What `shouli batch` shows a clerk: the table of records, the summary on
/// stderr (its timing line dropped), and the exit code.
fn batch_seen(args: &[&str]) -> String {
    let mut all = vec!["batch", "--format", "table"];
    all.extend(args);
    let (code, out, err) = shouli(&all);
    let err: String = err
        .lines()
        .filter(|l| !l.starts_with("用时：") && !l.starts_with("Time: "))
        .map(|l| format!("{l}\n"))
        .collect();
    format!("exit code: {code}\n--- stdout ---\n{out}--- stderr ---\n{err}")
}

/// JSON Lines and CSV exports under tests/bad/batch/, each read by
/// `shouli batch`: a bad line or row is an `error` record in its place,
/// naming the file and line, and the batch exits 4 (some record could not
/// be checked) rather than stopping.
#[test]
fn bad_batch_inputs() {
    insta::glob!("bad/batch/*.{jsonl,csv}", |path| {
        let file = relative(path);
        let shown = batch_seen(&[&file]);
        assert!(
            shown.starts_with("exit code: 0") || shown.starts_with("exit code: 4"),
            "{file}: {shown}"
        );
        if shown.starts_with("exit code: 4") {
            assert!(
                shown.contains(&format!("{file}:")),
                "{file}: names file and line"
            );
        }
        insta::assert_snapshot!(shown);
    });
}

/// A directory of TOML records where one file cannot be read (a dangling
/// link) and one is a directory named like a record: the others are
/// checked, each failure is reported in its place, and the exit is 4.
#[test]
fn directory_with_an_unreadable_file() {
    let dir = std::env::temp_dir().join(format!("shouli-bad-dir-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("dir-named-like.toml")).unwrap();
    std::fs::copy("tests/bad/dotted-keys.toml", dir.join("a-good.toml")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.join("nowhere.toml"), dir.join("b-dangling.toml")).unwrap();
    std::fs::write(
        dir.join("c-gbk.toml"),
        std::fs::read("tests/bad/gbk.toml").unwrap(),
    )
    .unwrap();
    let name = dir.display().to_string();
    let shown = batch_seen(&["--lang", "en", &name]).replace(&name, "<dir>");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(shown.starts_with("exit code: 4"), "{shown}");
    insta::assert_snapshot!(shown);
}

/// A record larger than the limit is refused after reading one byte past
/// it, never read whole: an endless input (`/dev/zero`) ends at once too.
#[test]
fn oversized_records_are_refused_without_reading_them_whole() {
    let limit = shouli::record::MAX_RECORD;
    let dir = std::env::temp_dir().join(format!("shouli-big-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let big = dir.join("big.toml");
    let mut text = b"id = \"big\"\n# ".to_vec();
    text.resize(limit + 1, b'x');
    std::fs::write(&big, &text).unwrap();
    let exact = dir.join("exact.toml");
    text.truncate(limit);
    std::fs::write(&exact, &text).unwrap();
    let big = big.display().to_string();
    let (code, _, err) = shouli(&["check", "--lang", "en", &big]);
    assert_eq!(code, cli::exit::UNUSABLE, "{err}");
    assert!(
        err.contains(&format!("{big} is larger than the limit of {limit} bytes")),
        "{err}"
    );
    // Exactly the limit is read (and refused only as empty: a comment).
    let (code, _, err) = shouli(&["check", &exact.display().to_string()]);
    assert_eq!(code, cli::exit::UNUSABLE, "{err}");
    assert!(err.contains("error[empty-record]"), "{err}");
    #[cfg(unix)]
    {
        let started = std::time::Instant::now();
        let (code, _, err) = shouli(&["check", "/dev/zero"]);
        assert_eq!(code, cli::exit::UNUSABLE);
        assert!(err.contains("error[record-too-large]"), "{err}");
        assert!(err.contains("/dev/zero"), "{err}");
        assert!(started.elapsed().as_secs() < 30, "stopped early");
        // In a directory, a record that is an endless device is one error.
        std::os::unix::fs::symlink("/dev/zero", dir.join("zero.toml")).unwrap();
    }
    // A JSON line and a CSV row past the limit are errors in their place;
    // the lines and rows after them are read.
    let long = "x".repeat(limit + 10);
    let jsonl = dir.join("long.jsonl");
    std::fs::write(
        &jsonl,
        format!(
            "{{\"id\": \"J-1\", \"claim\": {{\"facts\": \"{long}\"}}}}\n{{\"id\": \"J-2\", \"received\": \"2024-03-05\"}}\n"
        ),
    )
    .unwrap();
    let csv = dir.join("long.csv");
    std::fs::write(
        &csv,
        format!(
            "id,claim.facts,received\nC-2,{long},2024-03-05\nC-3,\"{}\",2024-03-05\nC-4,x,2024-03-05\n",
            "y\n".repeat(limit / 2 + 10)
        ),
    )
    .unwrap();
    let name = dir.display().to_string();
    let shown = batch_seen(&[
        "--lang",
        "en",
        &name,
        &jsonl.display().to_string(),
        &csv.display().to_string(),
    ])
    .replace(&name, "<dir>");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(shown.starts_with("exit code: 4"), "{shown}");
    for place in [
        "<dir>/long.jsonl:1:",
        "<dir>/long.csv:2:",
        "<dir>/long.csv:3:",
    ] {
        assert!(
            shown.contains(&format!("{place} error[record-too-large]")),
            "{place}: {shown}"
        );
    }
    for checked in ["J-2 ", "C-4 "] {
        assert!(
            shown
                .lines()
                .any(|l| l.starts_with(checked) && l.contains("incomplete")),
            "{checked}: {shown}"
        );
    }
    #[cfg(unix)]
    assert!(
        shown.contains("<dir>/zero.toml: error[record-too-large]"),
        "{shown}"
    );
}

/// With links not followed, a `*.toml` link in a directory (here to a
/// record outside it) is not read, and the summary says it was skipped; by
/// default it is read, as before.
#[cfg(unix)]
#[test]
fn symbolic_links_can_be_left_unfollowed() {
    use shouli::batch::{Format, Input, Options};
    let dir = std::env::temp_dir().join(format!("shouli-links-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("in")).unwrap();
    let outside = std::fs::canonicalize("tests/bad/dotted-keys.toml").unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("in/link.toml")).unwrap();
    std::os::unix::fs::symlink(std::env::temp_dir(), dir.join("in/linked-dir")).unwrap();
    std::fs::copy("tests/bad/dotted-keys.toml", dir.join("in/own.toml")).unwrap();
    let program = shouli::builtin().unwrap();
    let run = |follow_links: bool| {
        let opts = Options {
            format: Format::Table,
            lang: shouli::diag::Lang::En,
            follow_links,
            ..Options::default()
        };
        let mut out = Vec::new();
        let summary =
            shouli::batch::run(&program, vec![Input::Path(dir.join("in"))], &opts, &mut out)
                .unwrap();
        (summary.records.input, summary.notes)
    };
    let (followed, followed_notes) = run(true);
    let (unfollowed, notes) = run(false);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!((followed, unfollowed), (2, 1));
    let link = format!("{}", dir.join("in/link.toml").display());
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with(&link) && n.contains("symbolic link: not read (--no-follow)")),
        "{notes:?}"
    );
    assert!(!followed_notes.iter().any(|n| n.starts_with(&link)));
    // A link to a directory is never entered, and says so either way.
    for notes in [&notes, &followed_notes] {
        assert!(
            notes
                .iter()
                .any(|n| n.contains("link to a directory: not followed")),
            "{notes:?}"
        );
    }
}

/// Standard input that never ends is read up to the limit and refused:
/// `yes | shouli check -` stops.
#[test]
fn endless_standard_input_is_refused_at_the_limit() {
    use std::io::Write as _;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_shouli"))
        .args(["check", "--lang", "en", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawns");
    let mut stdin = child.stdin.take().unwrap();
    // Writes until shouli closes the pipe (or 64 MiB, if it never did).
    let writer = std::thread::spawn(move || {
        let line = [b'#'; 4096];
        let mut written = 0usize;
        while written < 64 << 20 && stdin.write_all(&line).is_ok() {
            written += line.len();
        }
        written
    });
    let output = child.wait_with_output().unwrap();
    let written = writer.join().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{err}");
    let limit = shouli::record::MAX_RECORD;
    assert!(
        err.contains(&format!(
            "<stdin> is larger than the limit of {limit} bytes"
        )),
        "{err}"
    );
    assert!(written < 64 << 20, "shouli read on past the limit");
}

/// A named pipe in a directory, named like a record, would block the batch
/// on opening it: it is an error in its place, and the rest is checked.
#[cfg(unix)]
#[test]
fn a_named_pipe_in_a_directory_is_not_opened() {
    let dir = std::env::temp_dir().join(format!("shouli-fifo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(dir.join("pipe.toml"))
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    std::fs::copy("tests/bad/dotted-keys.toml", dir.join("a.toml")).unwrap();
    let name = dir.display().to_string();
    let shown = batch_seen(&["--lang", "en", &name]).replace(&name, "<dir>");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(shown.starts_with("exit code: 4"), "{shown}");
    assert!(
        shown.contains("<dir>/pipe.toml: error[unreadable]: cannot read: a named pipe or socket"),
        "{shown}"
    );
    assert!(shown.contains("dotted-keys"), "{shown}");
}
