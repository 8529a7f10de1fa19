//! The desk's figures in BENCHMARKS.md, built in release like every bench:
//!
//! ```text
//! cargo bench --bench desk -- questions 10000
//! cargo bench --bench desk -- load 2000 50
//! ```
//!
//! `questions N`: the interview replayed on N records of the generated
//! archive (each record's values as the answers, 不知道 where it has none):
//! questions asked per complaint against the fields of the full form.
//!
//! `load REQUESTS CLIENTS`: `shouli serve` on a loopback ephemeral port,
//! REQUESTS requests from CLIENTS concurrent clients (a page, a form
//! evaluated, and every tenth a save into a case folder); every response
//! must be 200, every save a new file; latency percentiles printed. Bounded
//! in count, it stops by itself (and the server with it).
//!
//! With no command (as `cargo bench` runs it) it prints this usage and exits.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use shouli::desk::{self, Answer, Interview};
use shouli::record::{self, Record};
use shouli::value::{Date, Value};

const USAGE: &str = "usage: cargo bench --bench desk -- questions N | load REQUESTS CLIENTS";

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let num = |s: &str| -> usize {
        s.replace('_', "").parse().unwrap_or_else(|_| {
            eprintln!("{USAGE}");
            std::process::exit(2)
        })
    };
    match args.as_slice() {
        ["questions", n] => questions(num(n)),
        ["load", n, clients] => load(num(n), num(clients)),
        _ => println!("{USAGE}"),
    }
}

fn questions(n: usize) {
    let program = shouli::builtin().expect("built-in rules");
    let rules = &program.rules;
    let today = Date::new(2026, 3, 5).expect("date");
    let mut archive = support::generate::Archive::new(2026);
    let mut text = String::new();
    let mut counts = Vec::with_capacity(n);
    let mut agree = 0;
    let mut by_outcome = std::collections::BTreeMap::<&str, (usize, usize)>::new();
    for i in 0..n {
        text.clear();
        archive.sample(i + 1).write_toml(&mut text);
        let mut full = Record::new(rules.fields.len());
        if record::toml::load(text.as_bytes(), "r", rules, &mut full).is_err() {
            continue;
        }
        let Ok(expected) = program.evaluate(&full) else {
            continue;
        };
        let mut iv = Interview::new(&program, Record::new(rules.fields.len())).expect("eval");
        let mut asked = 0;
        while let Some(q) = iv.next() {
            asked += 1;
            let field = &rules.fields[q.field];
            match full.get(q.field) {
                Value::Absent => iv.set(q.field, Answer::Unknown).expect("eval"),
                v => {
                    let answer = desk::answer_text(field, &full, v).join(",");
                    iv.answer(q.field, &answer, today)
                        .expect("an answer the parser reads");
                }
            }
        }
        if iv.trace.outcome == expected.outcome {
            agree += 1;
        }
        let e = by_outcome.entry(expected.outcome.code()).or_default();
        e.0 += 1;
        e.1 += asked;
        counts.push(asked);
    }
    counts.sort_unstable();
    let total: usize = counts.iter().sum();
    let recorded = rules
        .fields
        .iter()
        .filter(|f| f.key.starts_with("recorded."))
        .count();
    println!("records replayed:        {}", counts.len());
    println!("same outcome as check:   {agree}");
    println!(
        "questions per complaint: mean {:.1}, median {}, max {}",
        total as f64 / counts.len() as f64,
        counts[counts.len() / 2],
        counts[counts.len() - 1]
    );
    for (outcome, (records, asked)) in by_outcome {
        println!(
            "  {outcome:<10} {records:>6} records, mean {:.1} questions",
            asked as f64 / records as f64
        );
    }
    println!(
        "fields of the full form: {} ({} of them the audit's recorded.*)",
        rules.fields.len(),
        recorded
    );
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn request(port: u16, raw: &[u8]) -> Result<(u16, String), String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    s.write_all(raw).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    s.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| "no status".to_string())?;
    Ok((status, text))
}

fn load(n: usize, clients: usize) {
    let dir = std::env::temp_dir().join(format!("shouli-desk-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("case folder");
    let mut child = Command::new(env!("CARGO_BIN_EXE_shouli"))
        .args(["serve", "--port", "0", "--today", "2026-03-05", "--cases"])
        .arg(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start shouli serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("address");
    let port: u16 = line
        .split("127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .and_then(|p| p.parse().ok())
        .expect("port");
    let host = format!("127.0.0.1:{port}");
    let (_, page) = request(
        port,
        format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes(),
    )
    .expect("first page");
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("csrf")
        .to_string();
    let answers = "complainant.kind=consumer&purchase.channel=mall&received=2024-03-05&purchase.date=2023-11-20&purchase.warranty_months=12";
    let next = Arc::new(AtomicUsize::new(0));
    let saves = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(Mutex::new(Vec::<String>::new()));
    let latencies = Arc::new(Mutex::new(Vec::<(bool, Duration)>::with_capacity(n)));
    let start = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let (next, saves, errors, latencies) = (
                Arc::clone(&next),
                Arc::clone(&saves),
                Arc::clone(&errors),
                Arc::clone(&latencies),
            );
            let (host, csrf) = (host.clone(), csrf.clone());
            std::thread::spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::AcqRel);
                    if i >= n {
                        break;
                    }
                    let raw = match i % 10 {
                        0 => {
                            let body = format!(
                                "csrf={}&{answers}&complainant.name={}&action=save",
                                enc(&csrf),
                                enc(&format!("客户{i}"))
                            );
                            format!(
                                "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
                                body.len()
                            )
                        }
                        1..=3 => format!("GET /?{answers} HTTP/1.1\r\nHost: {host}\r\n\r\n"),
                        _ => {
                            let body = format!("csrf={}&{answers}", enc(&csrf));
                            format!(
                                "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
                                body.len()
                            )
                        }
                    };
                    let t = Instant::now();
                    let result = request(port, raw.as_bytes());
                    let took = t.elapsed();
                    match result {
                        Ok((200, page)) => {
                            if i % 10 == 0 {
                                if page.contains("已保存：") {
                                    saves.fetch_add(1, Ordering::AcqRel);
                                } else {
                                    errors.lock().unwrap().push(format!("request {i}: not saved"));
                                }
                            }
                        }
                        Ok((status, _)) => errors.lock().unwrap().push(format!("request {i}: {status}")),
                        Err(e) => errors.lock().unwrap().push(format!("request {i}: {e}")),
                    }
                    latencies.lock().unwrap().push((i % 10 == 0, took));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("client");
    }
    let wall = start.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    let files = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
    let _ = std::fs::remove_dir_all(&dir);
    let all = latencies.lock().unwrap().clone();
    let errors = errors.lock().unwrap();
    println!(
        "requests:  {n} from {clients} clients in {:.2} s ({:.0}/s)",
        wall.as_secs_f64(),
        n as f64 / wall.as_secs_f64()
    );
    println!("errors:    {}", errors.len());
    for e in errors.iter().take(10) {
        println!("  {e}");
    }
    println!(
        "saves:     {} answered saved, {files} files in the case folder",
        saves.load(Ordering::Acquire)
    );
    for (name, pick) in [("all", None), ("pages", Some(false)), ("saves", Some(true))] {
        let mut l: Vec<Duration> = all
            .iter()
            .filter(|(save, _)| pick.is_none_or(|p| p == *save))
            .map(|&(_, d)| d)
            .collect();
        l.sort_unstable();
        let pct = |p: f64| l[((l.len() as f64 * p).ceil() as usize).clamp(1, l.len()) - 1];
        println!(
            "latency {name:<6} p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            pct(0.5).as_secs_f64() * 1e3,
            pct(0.9).as_secs_f64() * 1e3,
            pct(0.99).as_secs_f64() * 1e3,
            l[l.len() - 1].as_secs_f64() * 1e3
        );
    }
    if !errors.is_empty() || files != saves.load(Ordering::Acquire) || files != n.div_ceil(10) {
        std::process::exit(1);
    }
}
