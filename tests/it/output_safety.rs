//! What shouli writes, whatever it reads (README, "Bad input"): an output
//! never replaces an input; no half file is ever left under an output's
//! name, nor a temporary file after SIGINT/SIGTERM or a kill; `--jobs` is
//! capped; CSV cells from the input are no formulas; control characters
//! reach no terminal; `--redact` leaves personal data out of every message.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::shouli;

/// A fresh directory for one test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("output-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }

    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const RECORD: &str = r#"{"id": "J-1", "received": "2024-03-05", "complainant": {"name": "王丽", "phone": "13800000000", "kind": "consumer"}, "purchase": {"channel": "private"}}"#;

// ---- 1. an output that would replace an input ---------------------------------

#[test]
fn an_output_that_would_replace_an_input_is_refused_before_anything_is_read() {
    let dir = Scratch::new("collide");
    let export = dir.path("export.jsonl");
    std::fs::write(&export, format!("{RECORD}\n")).unwrap();
    std::fs::create_dir_all(dir.0.join("desk")).unwrap();
    let record = dir.path("desk/a.toml");
    std::fs::write(&record, "id = \"T-1\"\nreceived = 2024-03-05\n").unwrap();
    let rules = dir.path("my.rules");
    std::fs::write(&rules, shouli::BUILTIN_RULES).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&export, dir.0.join("link.jsonl")).unwrap();
        std::fs::hard_link(&export, dir.0.join("hard.jsonl")).unwrap();
    }
    let desk = dir.path("desk");
    let via_dots = format!("{}/desk/../export.jsonl", dir.0.display());
    let mut cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![export.clone(), "-o".into(), export.clone()],
            "also an input",
        ),
        (vec![export.clone(), "-o".into(), via_dots], "also an input"),
        (
            vec![export.clone(), "--summary".into(), export.clone()],
            "also an input",
        ),
        (
            vec![
                export.clone(),
                "-o".into(),
                dir.path("out.jsonl"),
                "--summary".into(),
                dir.path("./out.jsonl"),
            ],
            "the same file",
        ),
        (
            vec![desk.clone(), "-o".into(), record.clone()],
            "inside the input directory",
        ),
        (
            vec![desk.clone(), "-o".into(), dir.path("desk/new.TOML")],
            "inside the input directory",
        ),
        (
            vec![
                export.clone(),
                "--rules".into(),
                rules.clone(),
                "-o".into(),
                rules.clone(),
            ],
            "also an input",
        ),
    ];
    #[cfg(unix)]
    {
        cases.push((
            vec![export.clone(), "-o".into(), dir.path("link.jsonl")],
            "also an input",
        ));
        cases.push((
            vec![export.clone(), "-o".into(), dir.path("hard.jsonl")],
            "also an input",
        ));
    }
    let before = dir.names();
    for (args, why) in &cases {
        let mut all = vec!["batch", "--lang", "en"];
        all.extend(args.iter().map(String::as_str));
        let (code, out, err) = shouli(&all);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}");
        assert!(err.contains(why), "{args:?}: {err}");
        assert_eq!(
            std::fs::read_to_string(&export).unwrap(),
            format!("{RECORD}\n"),
            "{args:?}: the input is untouched"
        );
        assert_eq!(
            std::fs::read_to_string(&record).unwrap(),
            "id = \"T-1\"\nreceived = 2024-03-05\n",
            "{args:?}"
        );
        assert_eq!(dir.names(), before, "{args:?}: nothing is created");
    }
    // Chinese first by default.
    let (code, _, err) = shouli(&["batch", &export, "-o", &export]);
    assert_eq!(code, 2);
    assert!(
        err.contains("也是输入") && err.contains("also an input"),
        "{err}"
    );

    // Beside the inputs, or in an input directory under a name that is not
    // read, is fine.
    let (code, _, err) = shouli(&["batch", &desk, "-q", "-o", &dir.path("desk/report.jsonl")]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = shouli(&[
        "batch",
        &export,
        "-q",
        "-o",
        "/dev/null",
        "--summary",
        "/dev/null",
    ]);
    assert_eq!(code, 0, "a device may be both outputs: {err}");
}

// ---- 2. SIGINT / SIGTERM, and a process killed outright -----------------------

#[cfg(unix)]
fn send(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Waits until `dir` holds a temporary file; returns its name.
fn temp_file(dir: &Scratch) -> String {
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(name) = dir.names().into_iter().find(|n| n.ends_with(".tmp")) {
            return name;
        }
        assert!(Instant::now() < until, "no temporary file appeared");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The real binary writing a big input to `-o`, stopped by SIGINT or
/// SIGTERM half-way: it exits 130 or 143, the temporary file is gone, and
/// the output was never created. The input comes through a pipe kept open,
/// so the batch is certainly running (waiting for more) when the signal
/// comes.
#[cfg(unix)]
#[test]
fn an_interrupted_batch_leaves_no_temporary_file() {
    use std::io::Write as _;
    for (signal, code) in [("INT", 130), ("TERM", 143)] {
        let dir = Scratch::new(&format!("signal-{signal}"));
        let out = dir.path("report.jsonl");
        let mut child = Command::new(env!("CARGO_BIN_EXE_shouli"))
            .args(["batch", "-", "-q", "-o", &out])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        // Several chunks' worth, so some output has been written.
        let lines = format!("{RECORD}\n").repeat(20_000);
        stdin.write_all(lines.as_bytes()).unwrap();
        stdin.flush().unwrap();
        let tmp = temp_file(&dir);
        assert!(tmp.starts_with(".report.jsonl."), "{tmp}");
        // Wait until the first chunks have reached the temporary file.
        let until = Instant::now() + Duration::from_secs(30);
        while std::fs::metadata(dir.0.join(&tmp)).map_or(0, |m| m.len()) == 0 {
            assert!(Instant::now() < until, "nothing was written");
            std::thread::sleep(Duration::from_millis(20));
        }
        send(child.id(), signal);
        let result = child.wait_with_output().unwrap();
        drop(stdin);
        assert_eq!(
            result.status.code(),
            Some(code),
            "SIG{signal}: {}",
            String::from_utf8_lossy(&result.stderr)
        );
        assert_eq!(
            dir.names(),
            Vec::<String>::new(),
            "SIG{signal}: nothing left"
        );
    }
}

/// A process killed outright (SIGKILL) cannot clean up: its temporary file
/// is removed by the next run that writes the same output, and a run's own
/// temporary file never survives it.
#[cfg(unix)]
#[test]
fn a_stale_temporary_file_is_removed_by_the_next_run() {
    use std::io::Write as _;
    let dir = Scratch::new("stale");
    let out = dir.path("report.jsonl");
    let export = dir.path("export.jsonl");
    std::fs::write(&export, format!("{RECORD}\n")).unwrap();
    // A real process, killed while writing.
    let mut child = Command::new(env!("CARGO_BIN_EXE_shouli"))
        .args(["batch", "-", "-q", "-o", &out])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(format!("{RECORD}\n").as_bytes()).unwrap();
    let killed = temp_file(&dir);
    send(child.id(), "KILL");
    child.wait().unwrap();
    drop(stdin);
    assert!(dir.0.join(&killed).exists(), "SIGKILL leaves it");
    // One in the old form (`.NAME.PID.tmp`) of a pid that cannot exist.
    let old = ".report.jsonl.4294967294.tmp";
    std::fs::write(dir.0.join(old), "half").unwrap();
    // Another output's is not ours to remove.
    let other = ".other.jsonl.4294967294-1.tmp";
    std::fs::write(dir.0.join(other), "half").unwrap();

    let status = Command::new(env!("CARGO_BIN_EXE_shouli"))
        .args(["batch", &export, "-q", "-o", &out])
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    assert_eq!(
        dir.names(),
        vec![
            other.to_string(),
            "export.jsonl".into(),
            "report.jsonl".into()
        ]
    );
}

// ---- 3. no half file ----------------------------------------------------------

/// `explain -o` writes through the same atomic file as every other output:
/// a device that fails (`/dev/full`) is an error, exit 2; a file appears
/// whole or not at all, with no temporary file beside it.
#[test]
fn explain_writes_its_file_whole_or_not_at_all() {
    if Path::new("/dev/full").exists() {
        let (code, _, err) = shouli(&["explain", "--format", "html", "-o", "/dev/full"]);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains("/dev/full") && err.contains("cannot write"),
            "{err}"
        );
    }
    let dir = Scratch::new("explain");
    let doc = dir.path("rules.html");
    let (code, _, err) = shouli(&["explain", "--format", "html", "-o", &doc]);
    assert_eq!(code, 0, "{err}");
    assert!(
        std::fs::read_to_string(&doc)
            .unwrap()
            .trim_end()
            .ends_with("</html>")
    );
    assert_eq!(dir.names(), vec!["rules.html".to_string()]);
    // The rule file itself is no place for its document.
    let rules = dir.path("my.rules");
    std::fs::write(&rules, shouli::BUILTIN_RULES).unwrap();
    let (code, _, err) = shouli(&["explain", "--lang", "en", &rules, "-o", &rules]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("also an input"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&rules).unwrap(),
        shouli::BUILTIN_RULES
    );
    std::fs::remove_file(&rules).unwrap();
    // A directory that does not exist: nothing anywhere.
    let (code, _, err) = shouli(&["explain", "-o", &dir.path("no/such/dir/rules.md")]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(dir.names(), vec!["rules.html".to_string()]);
}

// ---- 7. --jobs ----------------------------------------------------------------

#[test]
fn too_many_jobs_are_capped_with_a_warning() {
    let file = "tests/bad/batch/jsonl-control-chars.jsonl";
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cap = (cores * 4).min(256);
    let (code, out, err) = shouli(&["batch", "-q", "--jobs", "8192", file]);
    assert_eq!(code, 4, "{err}");
    assert!(
        err.starts_with("warning: --jobs 8192 过多")
            && err.contains(&format!("{cap} threads are used")),
        "{err}"
    );
    let (_, one, err_one) = shouli(&["batch", "-q", "--jobs", "1", file]);
    assert_eq!(out, one, "the same output");
    assert!(err_one.is_empty(), "no warning under the cap: {err_one}");
    assert_eq!(shouli::batch::threads(8192).0, cap);
    assert_eq!(shouli::batch::threads(1), (1, None));
}

// ---- 8. CSV formulas ----------------------------------------------------------

#[test]
fn csv_cells_from_the_input_are_never_formulas() {
    let file = "tests/bad/batch/csv-formula-injection.csv";
    let (code, out, err) = shouli(&["batch", "--format", "csv", file]);
    assert_eq!(code, 4, "{err}");
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let ids: Vec<&str> = rows.iter().map(|r| &r[col("id")]).collect();
    assert_eq!(
        ids,
        [
            "'=HYPERLINK(\"http://x\")",
            "'+1-1",
            "'-C-3",
            "'\tC-4",
            "'@C-5",
            "C-6"
        ]
    );
    let clauses: Vec<&str> = rows.iter().map(|r| &r[col("recorded_clause")]).collect();
    assert_eq!(clauses, ["'@SUM(1+1)", "'-2+3", "", "'\r=1", "", "2.1"]);
    for row in &rows {
        for cell in row.iter() {
            assert!(
                !shouli::sanitize::is_formula(cell),
                "a formula in {row:?}: {cell:?}"
            );
        }
    }
    // What we write ourselves is left as it is (dates, codes).
    assert_eq!(&rows[5][col("notify_by")], "2024-03-08");
}

// ---- 9. control characters ----------------------------------------------------

fn assert_no_raw_controls(what: &str, text: &str) {
    let raw: Vec<char> = text
        .chars()
        .filter(|&c| c != '\n' && shouli::sanitize::is_unsafe(c))
        .collect();
    assert!(raw.is_empty(), "{what}: raw {raw:?} in\n{text}");
}

/// Every human-readable output of a record full of control characters:
/// the text report, its warnings, the table, the summary, every message.
#[test]
fn control_characters_are_escaped_in_every_human_output() {
    let dir = Scratch::new("controls");
    let record = dir.path("r.toml");
    std::fs::write(
        &record,
        "id = \"A\\u001b]52;c;ZXZpbA==\\u0007B\\u202e\"\nreceived = 2024-03-05\n\
         \"\\u001b[2Jkey\" = 1\n[complainant]\nkind = \"consumer\"\n\
         [recorded]\nclause = \"\\u009b31m\"\n",
    )
    .unwrap();
    let (code, out, err) = shouli(&["check", &record]);
    assert_eq!(code, 3, "{err}");
    assert_no_raw_controls("check stdout", &out);
    assert_no_raw_controls("check stderr", &err);
    assert!(
        out.contains(r"A\u{1b}]52;c;ZXZpbA==\u{7}B\u{202e}"),
        "{out}"
    );
    assert!(err.contains(r"`\u{1b}[2Jkey`"), "{err}");
    let (_, out, err) = shouli(&["check", "--lang", "en", "--redact", &record]);
    assert_no_raw_controls("check --redact", &(out + &err));

    let jsonl = "tests/bad/batch/jsonl-control-chars.jsonl";
    for lang in ["zh", "en"] {
        let (_, out, err) = shouli(&["batch", "--lang", lang, "--format", "table", jsonl]);
        assert_no_raw_controls("table", &out);
        assert_no_raw_controls("summary", &err);
        assert!(out.contains(r"\u{1b}]52;c;ZXZpbA==\u{7}J-1"), "{out}");
    }
    // A file name from a directory listing is input too.
    let desk = dir.0.join("desk");
    std::fs::create_dir_all(&desk).unwrap();
    std::fs::write(desk.join("bad\u{1b}[31m\u{7}.toml"), "received = \"yes\"\n").unwrap();
    let desk = desk.display().to_string();
    let (code, out, err) = shouli(&["batch", "--format", "table", &desk]);
    assert_eq!(code, 4, "{err}");
    assert_no_raw_controls("table of a directory", &out);
    assert_no_raw_controls("summary of a directory", &err);
    assert!(out.contains(r"bad\u{1b}[31m\u{7}"), "{out}");
    let (_, out, err) = shouli(&["test", "--cases", &desk]);
    assert_no_raw_controls("test --cases", &(out + &err));

    // JSON keeps the text as it is: its own escapes (`\u001b`) keep C0
    // controls off the terminal.
    let (_, out, _) = shouli(&["batch", jsonl]);
    let first: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(first["id"], "\u{1b}]52;c;ZXZpbA==\u{7}J-1");
    assert!(!out.contains(['\u{1b}', '\u{7}']), "{out}");
}

// ---- 10. one redaction path ---------------------------------------------------

#[test]
fn check_redact_never_shows_a_mistyped_personal_value() {
    let file = "tests/bad/phone-as-number.toml";
    let (code, _, err) = shouli(&["check", file]);
    assert_eq!(code, 2);
    assert!(err.contains("13912345678"), "shown without --redact: {err}");
    for format in ["text", "json"] {
        for lang in ["zh", "en"] {
            let (code, out, err) = shouli(&[
                "check",
                "--redact",
                "--error-format",
                format,
                "--lang",
                lang,
                file,
            ]);
            assert_eq!(code, 2, "{err}");
            assert!(
                !out.contains("13912345678") && !err.contains("13912345678"),
                "{format} {lang}: {err}"
            );
            assert!(err.contains("complainant.phone"), "names the key: {err}");
            assert!(err.contains("personal data"), "says why: {err}");
            assert!(
                err.contains(":3:") || err.contains("\"line\":3"),
                "names the line: {err}"
            );
        }
    }
    // The same message as batch's, from the same path.
    let dir = Scratch::new("redact");
    let export = dir.path("phones.jsonl");
    std::fs::write(
        &export,
        "{\"id\": \"P-1\", \"complainant\": {\"phone\": 13912345678}}\n",
    )
    .unwrap();
    let (_, _, check_err) = shouli(&["check", "--redact", "--lang", "en", file]);
    let (_, table, summary) = shouli(&[
        "batch", "--redact", "--lang", "en", "--format", "table", &export,
    ]);
    let said = "`complainant.phone` (Complainant's phone): the value does not fit (personal data, left out)";
    assert!(check_err.contains(said), "{check_err}");
    assert!(table.contains(said), "{table}");
    assert!(!table.contains("13912345678") && !summary.contains("13912345678"));
}

/// A file name is input too: the error for a file that cannot be read
/// escapes the control characters in its name, whichever command reads it.
#[test]
fn a_file_name_with_control_characters_is_escaped_in_its_error() {
    let name = "no/such/\u{1b}[31mred.toml";
    for command in [&["check", name][..], &["notice", name], &["fmt", name]] {
        let (code, out, err) = shouli(command);
        assert_eq!(code, 2, "{command:?}: {err}");
        assert_no_raw_controls(command[0], &(out + &err));
        assert!(err.contains(r"\u{1b}[31mred"), "{command:?}: {err}");
    }
}

/// The same for a file that is read but cannot be decided: `check` of a
/// record whose date arithmetic overflows under the rules names the file
/// escaped.
#[test]
fn a_file_name_with_control_characters_is_escaped_when_a_date_overflows() {
    let dir = Scratch::new("overflow-name");
    let rules = dir.path("far.rules");
    std::fs::write(
        &rules,
        "rules \"far\" { version \"1\" }\n\
         field d \"日期\" date\n\
         scope \"S\" \"范围\" {}\n\
         basis \"B\" \"依据\" { when true }\n\
         deadline \"D\" \"期限\" { due later = d + 9000 years }\n",
    )
    .unwrap();
    let record = dir.path("\u{1b}[31mred.toml");
    std::fs::write(&record, "d = 2024-03-05\n").unwrap();
    let (code, out, err) = shouli(&["check", "--rules", &rules, &record]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("日期计算超出范围"), "{err}");
    assert_no_raw_controls("check", &(out + &err));
    assert!(err.contains(r"\u{1b}[31mred"), "{err}");
}
