//! `shouli serve` over HTTP: the binary started on an ephemeral port,
//! forms posted as a browser posts them, the verdict and the next question
//! read from the page; and its guards (Host, CSRF, token, body limit, bad
//! requests).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::interview::TempDir;

const EXE: &str = env!("CARGO_BIN_EXE_shouli");

/// A server, stopped when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
}

impl Server {
    pub fn start(args: &[&str]) -> Server {
        let mut child = Command::new(EXE)
            .arg("serve")
            .args(["--port", "0", "--today", "2026-03-05"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start shouli serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the address line");
        let port = line
            .split("127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        Server { child, port }
    }

    /// Sends raw bytes; returns the status, the head and the body.
    pub fn raw(&self, request: &[u8]) -> (u16, String, String) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(20)))
            .expect("timeout");
        let _ = s.write_all(request);
        let mut bytes = Vec::new();
        let _ = s.read_to_end(&mut bytes);
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {head:?}"));
        (status, head.to_string(), body.to_string())
    }

    pub fn get(&self, target: &str) -> (u16, String, String) {
        let host = format!("127.0.0.1:{}", self.port);
        self.raw(format!("GET {target} HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes())
    }

    pub fn post(&self, form: &str, extra: &str) -> (u16, String, String) {
        let host = format!("127.0.0.1:{}", self.port);
        self.raw(
            format!(
                "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
                 Content-Length: {}\r\n{extra}\r\n{form}",
                form.len()
            )
            .as_bytes(),
        )
    }

    /// The page's CSRF token.
    pub fn csrf(&self) -> String {
        let (_, _, body) = self.get("/");
        between(&body, "name=\"csrf\" value=\"", "\"").to_string()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not in the page:\n{text}"))
        + start.len();
    let to = text[from..].find(end).expect("end marker") + from;
    &text[from..to]
}

/// The page's outcome code and its current question's key (if any).
pub fn verdict_and_next(page: &str) -> (String, Option<String>) {
    let outcome = between(page, "data-outcome=\"", "\"").to_string();
    let next = page
        .find("class=\"q current\" data-key=\"")
        .or_else(|| page.find("class=\"q current office\" data-key=\""))
        .map(|_| {
            let rest = &page[page.find("q current").expect("current")..];
            between(rest, "data-key=\"", "\"").to_string()
        });
    (outcome, next)
}

/// Percent-encodes a form value.
pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub const ACCEPTED: &[(&str, &str)] = &[
    ("received", "2024-03-05"),
    ("complainant.name", "王丽"),
    ("complainant.phone", "13800000000"),
    ("complainant.kind", "consumer"),
    ("respondent.name", "鑫达家电"),
    ("respondent.stall", "B2-018"),
    ("respondent.identified", "是"),
    ("purchase.date", "2023-11-20"),
    ("purchase.channel", "mall"),
    ("purchase.product", "电饭煲"),
    ("purchase.brand", "美的"),
    ("purchase.model", "MB-FB40"),
    ("purchase.quantity", "1"),
    ("purchase.price", "399.00"),
    ("purchase.warranty_months", "12"),
    ("purchase.sold_as_defective", "否"),
    ("claim.basis", "harm"),
    ("claim.substantiated", "是"),
    ("claim.damage_cause", "quality"),
    ("claim.lawful", "是"),
    ("claim.negotiation", "商户拒绝更换"),
    ("claim.demand", "更换同型号新品"),
    ("claim.evidence", "invoice"),
    ("claim.evidence", "photo"),
    ("history.mediation", "none"),
    ("history.new_facts", "否"),
    ("history.administrative", "none"),
    ("history.court", "none"),
    ("history.arbitration", "none"),
];

pub fn form(csrf: &str, pairs: &[(&str, &str)]) -> String {
    let mut f = format!("csrf={}&lang=zh", enc(csrf));
    for (k, v) in pairs {
        f.push_str(&format!("&{}={}", enc(k), enc(v)));
    }
    f
}

#[test]
fn the_first_question_is_a_ground_and_a_private_sale_is_decided_at_once() {
    let s = Server::start(&[]);
    let (status, head, page) = s.get("/");
    assert_eq!(status, 200, "{head}");
    assert!(
        head.contains("Content-Security-Policy: default-src 'none'"),
        "{head}"
    );
    assert_eq!(
        verdict_and_next(&page),
        ("incomplete".into(), Some("complainant.kind".into()))
    );
    assert!(
        page.contains("1.3(1) 经营者之间购销活动方面的投诉"),
        "why it is asked"
    );
    let csrf = s.csrf();
    let (status, _, page) = s.post(&form(&csrf, &[("complainant.kind", "consumer")]), "");
    assert_eq!(status, 200);
    assert_eq!(
        verdict_and_next(&page),
        ("incomplete".into(), Some("purchase.channel".into()))
    );
    let pairs = [
        ("complainant.kind", "consumer"),
        ("purchase.channel", "private"),
    ];
    let (status, _, page) = s.post(&form(&csrf, &pairs), "");
    assert_eq!(status, 200);
    assert_eq!(verdict_and_next(&page), ("rejected".into(), None));
    assert!(
        page.contains("<span id=\"deciding\">1.3(2)</span>"),
        "{page}"
    );
    assert!(page.contains("id=\"done\""), "no more questions");
    // The same answers in the address (a GET form) give the same page.
    let (_, _, got) = s.get("/?complainant.kind=consumer&purchase.channel=private");
    assert_eq!(verdict_and_next(&got), ("rejected".into(), None));
}

#[test]
fn an_accepted_complaint_is_saved_without_replacing_a_file() {
    let dir = TempDir::new("serve-cases");
    let cases = dir.path().to_string_lossy().into_owned();
    let s = Server::start(&["--cases", &cases]);
    let csrf = s.csrf();
    let (_, _, page) = s.post(&form(&csrf, ACCEPTED), "");
    assert_eq!(verdict_and_next(&page), ("accepted".into(), None));
    assert!(page.contains("最迟 2024-03-20"), "deadlines shown");
    let mut pairs = ACCEPTED.to_vec();
    pairs.push(("action", "save"));
    let (status, _, page) = s.post(&form(&csrf, &pairs), "");
    assert_eq!(status, 200);
    assert!(page.contains("已保存：20260305-001.toml"), "{page}");
    // The same record saved again: a second file, the first untouched.
    let first = std::fs::read(dir.path().join("20260305-001.toml")).expect("saved");
    let mut again = pairs.clone();
    again.push(("id", "20260305-001"));
    let (_, _, page) = s.post(&form(&csrf, &again), "");
    assert!(page.contains("已保存：20260305-001-2.toml"), "{page}");
    assert_eq!(
        std::fs::read(dir.path().join("20260305-001.toml")).expect("kept"),
        first
    );
    let out = Command::new(EXE)
        .arg("check")
        .arg(dir.path().join("20260305-001.toml"))
        .output()
        .expect("check");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("结论：受理"));
}

#[test]
fn a_download_is_the_toml_record() {
    let s = Server::start(&[]);
    let csrf = s.csrf();
    let mut pairs = vec![
        ("complainant.kind", "consumer"),
        ("purchase.channel", "private"),
    ];
    pairs.push(("action", "download"));
    let (status, head, body) = s.post(&form(&csrf, &pairs), "");
    assert_eq!(status, 200);
    assert!(
        head.contains("Content-Disposition: attachment; filename=\"20260305-001.toml\""),
        "{head}"
    );
    assert!(body.contains("channel = \"private\""), "{body}");
}

#[test]
fn a_bad_answer_is_shown_again_with_what_is_expected() {
    let s = Server::start(&[]);
    let csrf = s.csrf();
    let pairs = [
        ("complainant.kind", "consumer"),
        ("purchase.channel", "mall"),
        ("received", "2026-02-30"),
    ];
    let (status, _, page) = s.post(&form(&csrf, &pairs), "");
    assert_eq!(status, 200);
    assert_eq!(verdict_and_next(&page).1.as_deref(), Some("received"));
    assert!(page.contains("看不懂回答“2026-02-30”。应为日期"), "{page}");
    assert!(page.contains("value=\"2026-02-30\""), "kept as typed");
    // Escaped, not markup.
    let pairs = [("complainant.kind", "<script>x</script>")];
    let (_, _, page) = s.post(&form(&csrf, &pairs), "");
    assert!(!page.contains("<script>x"), "{page}");
    assert!(page.contains("&lt;script&gt;x"), "{page}");
}

#[test]
fn another_host_a_foreign_origin_or_no_token_is_refused() {
    let s = Server::start(&[]);
    let (status, _, page) = s.raw(b"GET / HTTP/1.1\r\nHost: evil.example:80\r\n\r\n");
    assert_eq!(status, 421);
    assert!(page.contains("evil.example"), "{page}");
    let (status, _, _) = s.raw(b"GET / HTTP/1.1\r\n\r\n");
    assert_eq!(status, 421, "no Host at all");
    let csrf = s.csrf();
    let pairs = [("complainant.kind", "consumer")];
    let (status, _, _) = s.post(&form("0123", &pairs), "");
    assert_eq!(status, 403, "a wrong CSRF token");
    let (status, _, _) = s.post(&form(&csrf, &pairs), "Origin: http://evil.example\r\n");
    assert_eq!(status, 403, "another site's form");
    let (status, _, _) = s.post(&form(&csrf, &pairs), "Sec-Fetch-Site: cross-site\r\n");
    assert_eq!(status, 403);
    let origin = format!(
        "Origin: http://127.0.0.1:{}\r\nSec-Fetch-Site: same-origin\r\n",
        s.port
    );
    let (status, _, _) = s.post(&form(&csrf, &pairs), &origin);
    assert_eq!(status, 200, "the page itself");
}

#[test]
fn limits_and_bad_requests_get_a_4xx_page() {
    let s = Server::start(&[]);
    let host = format!("127.0.0.1:{}", s.port);
    let big = format!(
        "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n{}",
        "a".repeat(100_000)
    );
    let (status, _, page) = s.raw(big.as_bytes());
    assert_eq!(status, 413);
    assert!(page.contains("请求内容过大"), "{page}");
    let (status, _, _) = s.raw(b"NONSENSE\r\n\r\n");
    assert_eq!(status, 400);
    let (status, _, _) =
        s.raw(format!("GET /etc/passwd HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes());
    assert_eq!(status, 404);
    let (status, head, _) = s.raw(format!("PUT / HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes());
    assert_eq!(status, 405);
    assert!(head.contains("Allow: GET, POST"));
    let (status, _, _) = s.raw(format!("GET /?a=%ZZ HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes());
    assert_eq!(status, 400);
    let (status, _, _) = s.raw(format!("POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: text/plain\r\nContent-Length: 1\r\n\r\nx").as_bytes());
    assert_eq!(status, 415);
    let huge = format!(
        "GET / HTTP/1.1\r\nHost: {host}\r\nX: {}\r\n\r\n",
        "b".repeat(20_000)
    );
    let (status, _, _) = s.raw(huge.as_bytes());
    assert_eq!(status, 431);
    // Still serving after all that.
    assert_eq!(s.get("/").0, 200);
}

#[test]
fn an_access_token_guards_every_request() {
    let s = Server::start(&["--token", "s3cret"]);
    assert_eq!(s.get("/").0, 401);
    let (status, head, _) = s.get("/?token=s3cret");
    assert_eq!(status, 200);
    assert!(
        head.contains("Set-Cookie: shouli_token=s3cret; HttpOnly; SameSite=Strict"),
        "{head}"
    );
    let host = format!("127.0.0.1:{}", s.port);
    let (status, _, _) = s.raw(
        format!("GET / HTTP/1.1\r\nHost: {host}\r\nCookie: shouli_token=s3cret\r\n\r\n").as_bytes(),
    );
    assert_eq!(status, 200);
    let (status, _, _) = s.raw(
        format!("GET / HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer wrong\r\n\r\n").as_bytes(),
    );
    assert_eq!(status, 401);
}

#[test]
fn listening_beyond_this_computer_needs_a_token() {
    let out = Command::new(EXE)
        .args(["serve", "--port", "0", "--bind", "0.0.0.0"])
        .env_remove("SHOULI_TOKEN")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("须先设访问令牌"), "{err}");
}

/// The file a save writes is a record `check` reads (used above); a
/// missing case folder is refused before the server starts.
#[test]
fn a_missing_case_folder_is_refused() {
    let out = Command::new(EXE)
        .args(["serve", "--port", "0", "--cases"])
        .arg(Path::new("/nonexistent/cases"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("案卷夹"));
}

#[test]
fn a_request_not_sent_in_time_is_answered_408() {
    let s = Server::start(&["--timeout", "1"]);
    let started = std::time::Instant::now();
    let mut c = TcpStream::connect(("127.0.0.1", s.port)).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    // Half a request line, then a byte now and then: never a whole head.
    c.write_all(b"GET / HT").expect("write");
    for _ in 0..3 {
        std::thread::sleep(Duration::from_millis(400));
        let _ = c.write_all(b"T");
    }
    let mut answer = String::new();
    let _ = c.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408 "), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(10));
    // The server goes on.
    assert_eq!(s.get("/").0, 200);
}

/// With `--db`, a saved record is registered as a case too.
#[test]
fn a_saved_record_is_registered_with_db() {
    let dir = TempDir::new("serve-db");
    let cases = dir.path().to_string_lossy().into_owned();
    let db = dir.path().join("cases.db").to_string_lossy().into_owned();
    let s = Server::start(&["--cases", &cases, "--db", &db]);
    let csrf = s.csrf();
    let mut pairs = ACCEPTED.to_vec();
    pairs.push(("action", "save"));
    let (status, _, page) = s.post(&form(&csrf, &pairs), "");
    assert_eq!(status, 200);
    assert!(
        page.contains("已保存：20260305-001.toml；已登记：第 1 号"),
        "{page}"
    );
    let out = Command::new(EXE)
        .args(["cases", "show", "1", "--db", &db])
        .output()
        .expect("cases show");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{shown}");
    assert!(shown.contains("受理"), "{shown}");
}
