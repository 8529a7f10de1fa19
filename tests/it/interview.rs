//! `shouli interview` driven through a pseudo-terminal, as a clerk types:
//! the questions asked (in order), the answers re-asked, Ctrl-C, and the
//! record written, which `check` must decide the same way.

#![cfg(unix)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const EXE: &str = env!("CARGO_BIN_EXE_shouli");

/// A fresh folder, removed when dropped.
pub struct TempDir(std::path::PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("shouli-desk-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a temporary folder");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A child process on a pseudo-terminal of its own (its controlling
/// terminal, so that Ctrl-C is a SIGINT from the line discipline).
struct Pty {
    child: Child,
    master: std::fs::File,
    screen: Arc<Mutex<String>>,
    /// How much of the screen has been consumed by `expect`.
    seen: usize,
}

impl Pty {
    fn spawn(args: &[&str], dir: &Path) -> Pty {
        let (mut master, mut slave) = (0, 0);
        // SAFETY: openpty writes two descriptors; no name, termios or size.
        let rc = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                std::ptr::null(),
            )
        };
        assert_eq!(rc, 0, "openpty");
        // SAFETY: both descriptors were just opened and are owned here.
        let (master, slave) =
            unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        let mut cmd = Command::new(EXE);
        cmd.args(args)
            .current_dir(dir)
            .env("LANG", "C.UTF-8")
            .stdin(Stdio::from(slave.try_clone().expect("dup")))
            .stdout(Stdio::from(slave.try_clone().expect("dup")))
            .stderr(Stdio::from(slave));
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY as _, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("spawn shouli");
        let master = std::fs::File::from(master);
        let screen = Arc::new(Mutex::new(String::new()));
        let mut reader = master.try_clone().expect("dup master");
        let sink = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            let mut pending = Vec::new();
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                pending.extend_from_slice(&buf[..n]);
                // Keep an incomplete UTF-8 sequence for the next read.
                let valid = match std::str::from_utf8(&pending) {
                    Ok(_) => pending.len(),
                    Err(e) => e.valid_up_to(),
                };
                let text = String::from_utf8_lossy(&pending[..valid]).replace("\r\n", "\n");
                sink.lock().expect("screen").push_str(&text);
                pending.drain(..valid);
            }
        });
        Pty {
            child,
            master,
            screen,
            seen: 0,
        }
    }

    /// Waits until `what` appears after what was consumed; returns the text
    /// up to and including it.
    fn expect(&mut self, what: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            {
                let screen = self.screen.lock().expect("screen");
                if let Some(i) = screen[self.seen..].find(what) {
                    let end = self.seen + i + what.len();
                    let got = screen[self.seen..end].to_string();
                    self.seen = end;
                    return got;
                }
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what:?}; screen:\n{}",
                self.screen.lock().expect("screen")
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn send(&mut self, text: &str) {
        self.master
            .write_all(text.as_bytes())
            .expect("write to pty");
        self.master.flush().expect("flush pty");
    }

    fn line(&mut self, text: &str) {
        self.send(&format!("{text}\n"));
    }

    fn wait(&mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "the interview did not end");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const PROMPT: &str = "回答（不知道请答“不知道”）> ";
const REVIEW: &str = "输入 q 放弃（不保存）\n> ";

/// The key of the question just asked: the last `(key)` before the prompt.
fn asked_key(question: &str) -> String {
    let line = question
        .lines()
        .rev()
        .find(|l| l.starts_with('【'))
        .unwrap_or_else(|| panic!("no question in {question:?}"));
    let open = line.rfind('(').expect("key shown");
    line[open + 1..line.len() - 1].to_string()
}

/// Answers every question from `answers` (key → what the clerk types)
/// until the review; returns the keys asked, in order.
fn answer_all(pty: &mut Pty, answers: &HashMap<&str, &str>) -> Vec<String> {
    let mut asked = Vec::new();
    loop {
        let deadline = Instant::now() + Duration::from_secs(20);
        // Whichever comes first: a question's prompt or the review.
        let (is_review, _) = loop {
            let screen = unseen(pty);
            let q = screen.find(PROMPT);
            let r = screen.find(REVIEW);
            match (q, r) {
                (Some(q), Some(r)) => break (r < q, ()),
                (Some(_), None) => break (false, ()),
                (None, Some(_)) => break (true, ()),
                (None, None) => {
                    assert!(Instant::now() < deadline, "no prompt; screen:\n{screen}");
                    std::thread::sleep(Duration::from_millis(10));
                }
            }
        };
        if is_review {
            return asked;
        }
        let question = pty.expect(PROMPT);
        let key = asked_key(&question);
        let answer = answers
            .get(key.as_str())
            .unwrap_or_else(|| panic!("asked {key}, which the test has no answer for"));
        pty.line(answer);
        asked.push(key);
    }
}

/// What the terminal showed that `expect` has not consumed yet.
fn unseen(pty: &Pty) -> String {
    pty.screen.lock().expect("screen")[pty.seen..].to_string()
}

/// The accepted example's facts, as a clerk answers them: 是/否, numbers
/// for choices, labels, dates written the Chinese way.
fn accepted_answers() -> HashMap<&'static str, &'static str> {
    HashMap::from([
        ("received", "2024年3月5日"),
        ("complainant.name", "王丽"),
        ("complainant.phone", "13800000000"),
        ("complainant.kind", "1"),
        ("respondent.name", "鑫达家电"),
        ("respondent.stall", "B2-018"),
        ("respondent.identified", "是"),
        ("purchase.date", "2023/11/20"),
        ("purchase.channel", "商场内经营者"),
        ("purchase.product", "电饭煲"),
        ("purchase.brand", "美的"),
        ("purchase.model", "MB-FB40"),
        ("purchase.quantity", "1"),
        ("purchase.price", "399"),
        ("purchase.warranty_months", "12"),
        ("purchase.sold_as_defective", "否"),
        ("claim.basis", "harm"),
        ("claim.substantiated", "是"),
        ("claim.damage_cause", "1"),
        ("claim.lawful", "是"),
        ("claim.negotiation", "商户拒绝更换"),
        ("claim.demand", "更换同型号新品"),
        ("claim.evidence", "1 5"),
        ("history.mediation", "无"),
        ("history.new_facts", "否"),
        ("history.administrative", "无"),
        ("history.court", "无"),
        ("history.arbitration", "无"),
    ])
}

/// Runs shouli in `dir` with `answers` typed on a pipe (not a terminal),
/// and waits for it.
fn answered(dir: &Path, args: &[&str], answers: &str) -> std::process::Output {
    let mut child = Command::new(EXE)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(answers.as_bytes())
        .expect("answers");
    child.wait_with_output().expect("run")
}

fn check(path: &Path) -> (i32, String) {
    let out = Command::new(EXE)
        .arg("check")
        .arg(path)
        .output()
        .expect("run check");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn an_accepted_complaint_asks_grounds_first_and_writes_what_check_accepts() {
    let dir = TempDir::new("accepted");
    let mut pty = Pty::spawn(
        &["interview", "--today", "2024-03-05", "-o", "case.toml"],
        dir.path(),
    );
    let asked = answer_all(&mut pty, &accepted_answers());
    // Grounds in clause order (1.3(1)…1.3(10); within one, the rule
    // file's field order), then the basis, then the
    // evidence (2.1's form, 2.2's documents); never a field no clause
    // reads (claim.facts, respondent.phone) nor the audit's recorded.*.
    assert_eq!(
        asked,
        [
            "complainant.kind",
            "purchase.channel",
            "purchase.date",
            "purchase.warranty_months",
            "purchase.sold_as_defective",
            "claim.damage_cause",
            "respondent.identified",
            "claim.substantiated",
            "history.mediation",
            "history.administrative",
            "history.court",
            "history.arbitration",
            "claim.lawful",
            "claim.basis",
            "complainant.name",
            "complainant.phone",
            "respondent.name",
            "respondent.stall",
            "purchase.product",
            "purchase.brand",
            "purchase.model",
            "purchase.quantity",
            "purchase.price",
            "claim.negotiation",
            "claim.demand",
            "claim.evidence",
        ]
    );
    let review = pty.expect(REVIEW);
    assert!(review.contains("结论：受理 1.1"), "{review}");
    assert!(review.contains("凭证：发票、照片"), "{review}");
    pty.line("");
    let report = pty.expect("已保存：case.toml");
    assert!(
        report.contains("2.4 半个月内应有明确结果：最迟 2024-03-20（含当日）"),
        "{report}"
    );
    assert_eq!(pty.wait().code(), Some(0));
    let path = dir.path().join("case.toml");
    let text = std::fs::read_to_string(&path).expect("record written");
    assert!(text.contains("id = \"20240305-001\""), "{text}");
    assert!(text.contains("received = 2024-03-05"), "{text}");
    assert!(
        text.contains("evidence = [\"invoice\", \"photo\"]"),
        "{text}"
    );
    assert!(text.contains("price = 399.00"), "{text}");
    let (code, report) = check(&path);
    assert_eq!(code, 0, "{report}");
    assert!(report.starts_with("结论：受理\n决定条款：1.1"), "{report}");
}

#[test]
fn a_private_sale_stops_after_the_knock_out_question() {
    let dir = TempDir::new("private");
    let mut pty = Pty::spawn(
        &["interview", "--today", "2026-03-05", "-o", "p.toml"],
        dir.path(),
    );
    let answers = HashMap::from([("complainant.kind", "消费者"), ("purchase.channel", "2")]);
    let asked = answer_all(&mut pty, &answers);
    assert_eq!(asked, ["complainant.kind", "purchase.channel"]);
    let review = pty.expect(REVIEW);
    assert!(review.contains("结论：不予受理 1.3(2)"), "{review}");
    pty.line("");
    pty.expect("已保存：p.toml");
    assert_eq!(pty.wait().code(), Some(1));
    let path = dir.path().join("p.toml");
    let text = std::fs::read_to_string(&path).expect("record written");
    assert!(text.contains("channel = \"private\""), "{text}");
    // The rules' reference date is filled in as today, unasked.
    assert!(text.contains("received = 2026-03-05"), "{text}");
    let (code, report) = check(&path);
    assert_eq!(code, 1, "{report}");
    assert!(report.contains("决定条款：1.3(2)"), "{report}");
}

#[test]
fn not_known_leaves_a_field_unknown_and_the_complaint_incomplete() {
    let dir = TempDir::new("unknown");
    let mut pty = Pty::spawn(
        &["interview", "--today", "2024-03-05", "-o", "i.toml"],
        dir.path(),
    );
    let mut answers = accepted_answers();
    answers.insert("claim.evidence", "不知道");
    answers.insert("purchase.brand", "?");
    let asked = answer_all(&mut pty, &answers);
    // Each field asked once: an unknown one is not asked again.
    assert_eq!(asked.len(), 26, "{asked:?}"); // every field but the reference date, today
    let review = pty.expect(REVIEW);
    assert!(review.contains("凭证：不知道"), "{review}");
    assert!(review.contains("结论：待补正"), "{review}");
    pty.line("");
    let report = pty.expect("已保存：i.toml");
    assert!(report.contains("请投诉人补充"), "{report}");
    assert_eq!(pty.wait().code(), Some(3));
    let path = dir.path().join("i.toml");
    let text = std::fs::read_to_string(&path).expect("record written");
    assert!(text.contains("evidence = \"\"  # 凭证: 不知道"), "{text}");
    let (code, report) = check(&path);
    assert_eq!(code, 3, "{report}");
    assert!(report.starts_with("结论：待补正"), "{report}");
    assert!(report.contains("凭证"), "{report}");
}

#[test]
fn a_bad_date_is_explained_and_asked_again_and_ctrl_c_leaves_no_file() {
    let dir = TempDir::new("ctrlc");
    let mut pty = Pty::spawn(
        &["interview", "--today", "2026-03-05", "-o", "c.toml"],
        dir.path(),
    );
    pty.expect(PROMPT);
    pty.line("1");
    pty.expect(PROMPT);
    pty.line("1");
    // The rules' reference date (received) is today, unasked.
    let q = pty.expect(PROMPT);
    assert_eq!(asked_key(&q), "purchase.date");
    pty.line("2026-02-30");
    let again = pty.expect(PROMPT);
    assert!(
        again.contains("✗ 看不懂回答“2026-02-30”。应为日期"),
        "{again}"
    );
    assert!(
        !again.contains('【'),
        "the same question, not the next: {again}"
    );
    pty.line("昨天");
    let q = pty.expect(PROMPT);
    assert_eq!(asked_key(&q), "purchase.warranty_months");
    pty.send("\x03");
    let status = pty.wait();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(libc::SIGINT), "{status:?}");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert!(left.is_empty(), "files left: {left:?}");
}

#[test]
fn a_saved_partial_record_is_resumed() {
    let dir = TempDir::new("resume");
    let from = dir.path().join("partial.toml");
    std::fs::write(
        &from,
        "id = \"A-7\"\n[complainant]\nkind = \"consumer\"\n[claim]\nevidence = \"\"\n",
    )
    .expect("write partial");
    // A private sale: one question, then save at the review.
    let out = answered(
        dir.path(),
        &[
            "interview",
            "--today",
            "2026-03-05",
            "--from",
            "partial.toml",
            "-o",
            "partial.toml",
        ],
        "个人私下交易\n\n",
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert_eq!(stdout.matches('【').count(), 1, "one question: {stdout}");
    assert!(
        stdout.contains("【1】请问投诉人：购买渠道  (purchase.channel)"),
        "{stdout}"
    );
    let text = std::fs::read_to_string(&from).expect("saved");
    assert!(text.contains("id = \"A-7\""), "{text}");
    assert!(text.contains("kind = \"consumer\""), "{text}");
    assert!(text.contains("channel = \"private\""), "{text}");
    // Asked before and not known: still written as not known.
    assert!(text.contains("evidence = \"\"  # 凭证: 不知道"), "{text}");
}

#[test]
fn the_end_of_input_abandons_without_a_file() {
    let dir = TempDir::new("eof");
    let out = Command::new(EXE)
        .args(["interview", "--today", "2026-03-05", "-o", "x.toml"])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("已放弃，未保存任何文件。"));
    assert!(!dir.path().join("x.toml").exists());
}

#[test]
fn any_rule_file_in_english_office_fields_as_the_clerks_judgement() {
    let dir = TempDir::new("samr-en");
    // Outside the office's remit: not accepted at once (16(1)).
    let out = answered(
        dir.path(),
        &[
            "interview",
            "--rules",
            "samr",
            "--lang",
            "en",
            "--today",
            "2026-05-05",
            "-o",
            "s.toml",
        ],
        "no\n\n",
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("[1] Your own judgement (the office decides): Within the office's remit and powers?  (matter.in_remit)"),
        "{stdout}"
    );
    assert!(stdout.contains("Why: 16(1) "), "{stdout}");
    assert_eq!(stdout.matches("\n[").count(), 1, "one question: {stdout}");
    let text = std::fs::read_to_string(dir.path().join("s.toml")).expect("saved");
    // The rules' reference date, received, starts as today.
    assert!(text.contains("received = 2026-05-05"), "{text}");
    assert!(text.contains("in_remit = false"), "{text}");
}

#[test]
fn the_review_changes_an_answer_and_the_interview_goes_on_from_there() {
    let dir = TempDir::new("review");
    let mut pty = Pty::spawn(
        &["interview", "--today", "2026-03-05", "-o", "r.toml"],
        dir.path(),
    );
    let answers = HashMap::from([("complainant.kind", "1"), ("purchase.channel", "2")]);
    assert_eq!(
        answer_all(&mut pty, &answers),
        ["complainant.kind", "purchase.channel"]
    );
    let review = pty.expect(REVIEW);
    assert!(review.contains("  4  购买渠道：个人私下交易"), "{review}");
    pty.line("9");
    pty.expect("✗ 请输入 1–4 之间的编号");
    // Bought in the mall after all: the grounds' questions go on.
    pty.line("4");
    let q = pty.expect(PROMPT);
    assert_eq!(asked_key(&q), "purchase.channel");
    pty.line("1");
    let q = pty.expect(PROMPT);
    assert_eq!(asked_key(&q), "purchase.date");
    pty.line("q");
    let again = pty.expect(PROMPT);
    assert!(again.contains("✗ 看不懂回答“q”"), "{again}");
    pty.send("\x03");
    pty.wait();
    assert!(!dir.path().join("r.toml").exists());
}

/// With `--db`, the record the interview saves is registered as a case
/// too: `cases list` shows it with its outcome and deciding clause.
#[test]
fn a_saved_record_is_registered_with_db() {
    let dir = TempDir::new("register");
    let run = |answers: &str| {
        answered(
            dir.path(),
            &[
                "interview",
                "--today",
                "2026-03-05",
                "-o",
                "p.toml",
                "--db",
                "cases.db",
            ],
            answers,
        )
    };
    // A private sale: two questions, then save at the review.
    let out = run("1\n个人私下交易\n\n");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("已登记：第 1 号"), "{stdout}");
    let list = Command::new(EXE)
        .args(["cases", "list", "--db", "cases.db"])
        .current_dir(dir.path())
        .output()
        .expect("cases list");
    let shown = String::from_utf8_lossy(&list.stdout);
    assert!(list.status.success(), "{shown}");
    assert!(
        shown.contains("不予受理") && shown.contains("1.3(2)"),
        "{shown}"
    );
}
