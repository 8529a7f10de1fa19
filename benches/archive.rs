//! The throughput tool of BENCHMARKS.md: writes big generated archives and
//! runs the baseline's end-to-end batch on one, reporting its time and peak
//! memory. Built in release like every bench:
//!
//! ```text
//! cargo bench --bench archive -- jsonl 1000000 /tmp/big.jsonl
//! cargo bench --bench archive -- toml 10000 /tmp/toml-dir
//! cargo bench --bench archive -- baseline /tmp/big.jsonl 2
//! ```
//!
//! With no command (as `cargo bench` runs it) it prints this usage and exits.

mod support;

use std::io::Write as _;
use std::time::Instant;

use support::{baseline, generate};

const USAGE: &str =
    "usage: cargo bench --bench archive -- jsonl N FILE | toml N DIR | baseline FILE [THREADS]";

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let count = |n: &str| -> usize {
        n.replace('_', "").parse().unwrap_or_else(|_| {
            eprintln!("not a count: {n}\n{USAGE}");
            std::process::exit(2)
        })
    };
    match args[..] {
        ["jsonl", n, path] => {
            let n = count(n);
            let file = std::fs::File::create(path).expect("the output file can be created");
            let mut w = std::io::BufWriter::new(file);
            generate::write_jsonl(generate::SEED, n, &mut w).expect("written");
            w.flush().expect("written");
            eprintln!("{n} records written to {path}");
        }
        ["toml", n, dir] => {
            let n = count(n);
            generate::write_toml_dir(generate::SEED, n, dir.as_ref()).expect("written");
            eprintln!("{n} TOML files written to {dir}");
        }
        ["baseline", path] | ["baseline", path, _] => {
            let threads = match args.get(2) {
                Some(t) => count(t),
                None => std::thread::available_parallelism().map_or(1, |n| n.get()),
            };
            let file = std::fs::File::open(path).expect("the input file opens");
            let started = Instant::now();
            let mut out = std::io::BufWriter::new(std::io::sink());
            let n = baseline::end_to_end(file, threads, &mut out).expect("the baseline runs");
            let secs = started.elapsed().as_secs_f64();
            let peak = std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|s| {
                    s.lines()
                        .find(|l| l.starts_with("VmHWM:"))
                        .map(|l| l["VmHWM:".len()..].trim().to_string())
                })
                .unwrap_or_else(|| "unknown".into());
            println!(
                "baseline: {n} records, {threads} thread(s), {secs:.2} s, {:.0} records/s, {:.0} ns/record, peak RSS {peak}",
                n as f64 / secs,
                secs * 1e9 / n as f64
            );
        }
        [] => eprintln!("{USAGE}"),
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    }
}
