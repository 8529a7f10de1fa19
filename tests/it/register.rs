//! `shouli cases`: the case register on a temporary database, as a clerk
//! uses it (add → list → recheck → due → record → batch --db with its
//! audit), two processes adding at once, and files that are not a
//! register (cut short, not SQLite, another program's), which must be
//! refused with a clear message and left byte for byte as they were.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{bench_support, insta, support};

use support::shouli;

struct Temp(PathBuf);

impl Temp {
    fn new(tag: &str) -> Temp {
        let dir =
            std::env::temp_dir().join(format!("shouli-register-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Temp(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn fixture(name: &str) -> String {
    support::root()
        .join("tests/fixtures/notice")
        .join(name)
        .display()
        .to_string()
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// `shouli cases SUB … --db DB`.
fn cases(db: &Path, args: &[&str]) -> (u8, String, String) {
    let db = s(db);
    let mut all = vec!["cases"];
    all.extend_from_slice(args);
    all.extend(["--db", &db]);
    shouli(&all)
}

/// Times of day (`2026-12-06T01:50:12Z`) as `<time>`.
fn mask_times(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('T') {
        let (head, tail) = rest.split_at(i);
        let stamp = head.len() >= 10
            && head.is_char_boundary(head.len() - 10)
            && head[head.len() - 10..]
                .chars()
                .all(|c| c.is_ascii_digit() || c == '-')
            && tail.len() >= 10
            && tail.as_bytes()[9] == b'Z';
        if stamp {
            out.push_str(&head[..head.len() - 10]);
            out.push_str("<time>");
            rest = &tail[10..];
        } else {
            out.push_str(head);
            out.push('T');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn a_clerks_day_with_the_register() {
    let t = Temp::new("day");
    let db = t.path("cases.db");
    let (code, out, err) = cases(
        &db,
        &[
            "add",
            &fixture("guideline-accepted.toml"),
            &fixture("guideline-incomplete.toml"),
            &fixture("guideline-rejected-two-grounds.toml"),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("第 2 号  2024-0319  待补正（2.1）"), "{out}");

    // The supervisor's table: personal data masked unless asked.
    let (code, list, err) = cases(&db, &["list"]);
    assert_eq!(code, 0, "{err}");
    assert!(!list.contains("王丽") && list.contains("王*"), "{list}");
    insta::assert_snapshot!("register-list", list);
    let (_, shown, _) = cases(&db, &["list", "--show-personal"]);
    assert!(shown.contains("王丽"), "{shown}");
    let (_, only, _) = cases(&db, &["list", "--outcome", "incomplete"]);
    assert!(
        only.contains("2024-0319") && only.contains("共 1 件"),
        "{only}"
    );
    let (_, stall, _) = cases(&db, &["list", "--stall", "B2-018"]);
    assert!(
        stall.contains("共 2 件"),
        "the incomplete case has no stall: {stall}"
    );
    let (_, channel, _) = cases(&db, &["list", "--where", "purchase.channel=private"]);
    assert!(
        channel.contains("2024-0318") && channel.contains("共 1 件"),
        "{channel}"
    );
    let (code, _, err) = cases(&db, &["list", "--where", "purchase.chanel=private"]);
    assert_eq!(code, 2);
    assert!(err.contains("purchase.channel"), "a hint: {err}");

    // The stall number and the invoice arrive for case 2.
    let supplied = t.path("2024-0319.toml");
    let text = std::fs::read_to_string(fixture("guideline-incomplete.toml")).unwrap();
    let text = text
        .replace("[respondent]\n", "[respondent]\nstall = \"B2-018\"\n")
        .replace("[claim]\n", "[claim]\nevidence = [\"invoice\"]\n");
    std::fs::write(&supplied, text).unwrap();
    let (code, recheck, err) = cases(&db, &["recheck", "2", &s(&supplied)]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("register-recheck", recheck);
    // The notice from the register is the notice from the file.
    let (code, from_db, err) = cases(&db, &["notice", "2", "--date", "2024-03-07"]);
    assert_eq!(code, 0, "{err}");
    let (_, from_file, _) = shouli(&["notice", &s(&supplied), "--date", "2024-03-07"]);
    assert_eq!(from_db, from_file);
    assert!(from_db.contains("投诉受理通知书"), "{from_db}");

    // Three days after 2024-03-05: every notice is due today.
    let (_, due, _) = cases(&db, &["due", "--on", "2024-03-08"]);
    insta::assert_snapshot!("register-due", due);

    let (code, out, err) = cases(&db, &["record", "1", "--notified", "2024-03-07"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("已办 notify_by：2024-03-07"), "{out}");
    // Case 3 was told late: the audit of the register finds it.
    let (code, _, err) = cases(
        &db,
        &["record", "3", "--set", "recorded.notified=2024-03-11"],
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = cases(
        &db,
        &["record", "3", "--set", "recorded.decided=2024-03-11"],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("recorded.notified"),
        "what can be recorded: {err}"
    );

    let (_, due, _) = cases(&db, &["due", "--on", "2024-03-09"]);
    assert!(
        !due.contains("第 1 号  2024-03-08"),
        "case 1 was told: {due}"
    );
    assert!(due.contains("第 2 号"), "{due}");
    assert!(!due.contains("第 3 号"), "case 3 was told, late: {due}");

    let (code, show, err) = cases(&db, &["show", "2"]);
    assert_eq!(code, 0, "{err}");
    let show = mask_times(&show).replace(
        &shouli::digest(shouli::BUILTIN_RULES.as_bytes()),
        "sha256:<digest of the built-in rules>",
    );
    insta::assert_snapshot!("register-show", show);

    let (code, out, err) = shouli(&["batch", "--db", &s(&db), "--only", "breaches", "-q"]);
    assert_eq!(code, 0, "{err}");
    let flagged: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(flagged.len(), 1, "{out}");
    assert_eq!(flagged[0]["id"], "2024-0318");
    assert!(
        flagged[0]["audit"]["flags"].to_string().contains("notify"),
        "{}",
        flagged[0]
    );

    // Export is what batch reads: the same decisions either way.
    let export = t.path("cases.jsonl");
    let (code, _, err) = cases(&db, &["export", "-o", &s(&export)]);
    assert_eq!(code, 0, "{err}");
    let (_, from_db, _) = shouli(&["batch", "--db", &s(&db), "-q"]);
    let (_, from_file, _) = shouli(&["batch", &s(&export), "-q"]);
    let outcomes = |text: &str| -> Vec<String> {
        text.lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["outcome"].to_string())
            .collect()
    };
    assert_eq!(outcomes(&from_db), outcomes(&from_file));
    assert_eq!(
        outcomes(&from_db),
        ["\"accepted\"", "\"accepted\"", "\"rejected\""]
    );
}

#[test]
fn history_is_appended_and_says_when_the_rules_changed() {
    let t = Temp::new("history");
    let db = t.path("cases.db");
    let (code, _, err) = cases(&db, &["add", &fixture("guideline-accepted.toml")]);
    assert_eq!(code, 0, "{err}");
    // The same rules with another version: another digest.
    let rules = t.path("guideline-2024.2.rules");
    let text = std::fs::read_to_string(support::root().join("rules/guideline.rules")).unwrap();
    std::fs::write(
        &rules,
        text.replace("version \"2024.1\"", "version \"2024.2\""),
    )
    .unwrap();
    let (code, out, err) = cases(&db, &["recheck", "1", "--rules", &s(&rules)]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("规则已不同") && out.contains("版本 2024.1 → ") && out.contains("版本 2024.2"),
        "{out}"
    );
    let (code, out, _) = cases(&db, &["recheck", "1", "--rules", &s(&rules)]);
    assert_eq!(code, 0);
    assert!(
        out.contains("第 3 次决定") && out.contains("没有变化"),
        "{out}"
    );
    let (_, show, _) = cases(&db, &["show", "1"]);
    assert_eq!(show.matches("依据规则").count(), 3, "{show}");
    // A recorded date stays when the case is rechecked on a new record
    // that does not carry it.
    let (code, _, err) = cases(&db, &["record", "1", "--notified", "2024-03-07"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = cases(&db, &["recheck", "1", &fixture("guideline-accepted.toml")]);
    assert_eq!(code, 0, "{err}");
    let (_, show, _) = cases(&db, &["show", "1"]);
    assert!(show.contains("已办 2024-03-07"), "{show}");
    let (code, _, err) = cases(&db, &["show", "9"]);
    assert_eq!(code, 2);
    assert!(err.contains("没有第 9 号案件"), "{err}");
}

#[test]
fn two_processes_adding_at_once_lose_nothing() {
    const N: usize = 150;
    let t = Temp::new("concurrent");
    let db = t.path("cases.db");
    let files: Vec<PathBuf> = (0..2)
        .map(|i| {
            let p = t.path(&format!("part{i}.jsonl"));
            std::fs::write(&p, bench_support::generate::jsonl(100 + i as u64, N)).unwrap();
            p
        })
        .collect();
    let exe = env!("CARGO_BIN_EXE_shouli");
    let running: Vec<_> = files
        .iter()
        .map(|f| {
            Command::new(exe)
                .args(["cases", "add", "-q", "--batch-size", "1", "--db"])
                .arg(&db)
                .arg(f)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("shouli starts")
        })
        .collect();
    for child in running {
        let out = child.wait_with_output().expect("shouli ends");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let (code, out, err) = cases(&db, &["export"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 2 * N);
    let (_, list, _) = cases(&db, &["list"]);
    assert!(list.contains(&format!("共 {} 件", 2 * N)), "{list}");
    // Numbered 1 to 2N, each once.
    let numbers: std::collections::BTreeSet<u64> = list
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect();
    assert_eq!(numbers.len(), 2 * N);
    assert_eq!(numbers.last(), Some(&(2 * N as u64)));
}

/// A register with a few cases, closed.
fn some_register(t: &Temp) -> PathBuf {
    let db = t.path("cases.db");
    let lines = t.path("some.jsonl");
    std::fs::write(&lines, bench_support::generate::jsonl(7, 300)).unwrap();
    let (code, _, err) = cases(&db, &["add", "-q", &s(&lines)]);
    assert_eq!(code, 0, "{err}");
    db
}

/// Every command refuses `file` with `words` in its message, and leaves
/// its bytes as they were.
fn refused(file: &Path, words: &[&str]) {
    let before = std::fs::read(file).unwrap();
    let record = fixture("guideline-accepted.toml");
    for args in [
        vec!["list"],
        vec!["show", "1"],
        vec!["due", "--on", "2024-03-08"],
        vec!["export"],
        vec!["add", &record],
        vec!["recheck", "1"],
        vec!["record", "1", "--notified", "2024-03-08"],
    ] {
        let (code, out, err) = cases(file, &args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        for w in words {
            assert!(err.contains(w), "{args:?}: `{w}` not in {err}");
        }
        assert!(
            err.contains("未作任何改动") && err.contains("left untouched"),
            "{err}"
        );
        assert_eq!(
            std::fs::read(file).unwrap(),
            before,
            "{args:?} changed the file"
        );
    }
    let (code, _, err) = shouli(&["batch", "--db", &s(file)]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(std::fs::read(file).unwrap(), before);
    let dir = file.parent().unwrap();
    let name = file.file_name().unwrap().to_string_lossy();
    for side in ["-wal", "-shm", "-journal"] {
        assert!(
            !dir.join(format!("{name}{side}")).exists(),
            "a {side} file was left beside it"
        );
    }
}

#[test]
fn a_truncated_register_is_refused_and_left_as_it_is() {
    let t = Temp::new("truncated");
    let db = some_register(&t);
    let bytes = std::fs::read(&db).unwrap();
    assert!(bytes.len() > 8192, "{} bytes", bytes.len());
    let cut = t.path("cut.db");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    refused(&cut, &["已损坏", "damaged", "should be"]);
    let short = t.path("short.db");
    std::fs::write(&short, &bytes[..60]).unwrap();
    refused(&short, &["已损坏", "less than a header"]);
}

#[test]
fn a_file_that_is_not_a_register_is_refused_and_left_as_it_is() {
    let t = Temp::new("foreign");
    let text = t.path("notes.db");
    std::fs::write(&text, "案件：2024-0317 王丽 13800000000\n".repeat(200)).unwrap();
    refused(
        &text,
        &["不是 shouli 的案件登记簿", "not a SQLite database file"],
    );

    // Another program's SQLite database.
    let other = t.path("other.db");
    {
        let conn = rusqlite::Connection::open(&other).unwrap();
        conn.execute_batch("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x');")
            .unwrap();
    }
    refused(&other, &["another program's SQLite database"]);

    // A register from a newer shouli: its schema is not read.
    let db = some_register(&t);
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("PRAGMA user_version = 99;").unwrap();
    }
    refused(&db, &["较新版本", "schema 99"]);
}

#[test]
fn an_empty_file_is_not_read_as_a_register() {
    let t = Temp::new("empty");
    let empty = t.path("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let (code, _, err) = cases(&empty, &["list"]);
    assert_eq!(code, 2);
    assert!(err.contains("文件为空"), "{err}");
    assert_eq!(std::fs::read(&empty).unwrap(), b"");
    // Adding to it makes it a register.
    let (code, _, err) = cases(
        &empty,
        &["add", &fixture("samr-accepted.toml"), "--rules", "samr"],
    );
    assert_eq!(code, 0, "{err}");
    let (_, list, _) = cases(&empty, &["list", "--rules", "samr"]);
    assert!(list.contains("2026-0512"), "{list}");
}

#[test]
fn a_missing_register_is_not_created_by_reading() {
    let t = Temp::new("missing");
    let db = t.path("nowhere.db");
    let (code, _, err) = cases(&db, &["list"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("没有案件登记簿") && err.contains("cases add"),
        "{err}"
    );
    assert!(!db.exists());

    // Without --db: $SHOULI_DB, else shouli.db in the working directory.
    let exe = env!("CARGO_BIN_EXE_shouli");
    let record = fixture("guideline-accepted.toml");
    let run = |env: Option<&Path>| {
        let mut c = Command::new(exe);
        c.args(["cases", "add", &record]).current_dir(&t.0);
        match env {
            Some(p) => c.env("SHOULI_DB", p),
            None => c.env_remove("SHOULI_DB"),
        };
        c.output().expect("shouli runs")
    };
    let moved = t.path("moved.db");
    assert!(run(Some(&moved)).status.success());
    assert!(moved.exists() && !t.path("shouli.db").exists());
    assert!(run(None).status.success());
    assert!(t.path("shouli.db").exists());
}
