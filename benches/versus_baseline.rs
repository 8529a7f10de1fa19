//! shouli against the hand-written baseline (issue 5), side by side in one
//! run: `cargo bench --bench versus_baseline`.
//!
//! Divan measures each bench; afterwards a summary pass times every pair
//! again (median of several samples) and prints a table with each figure as
//! a ratio to the baseline, the way BENCHMARKS.md shows it. Before anything
//! is measured, the setup checks that the baseline agrees with shouli on
//! every generated record, and aborts if it does not.

mod support;

use std::hint::black_box;
use std::path::PathBuf;
use std::process::Command;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use divan::Bencher;
use divan::counter::ItemsCount;
use shouli::compile::Program;
use shouli::eval::Trace;
use shouli::record::Record;
use shouli::value::{KeySet, Value};

/// `Program::evaluate_into`'s reusable buffer.
type Scratch = Vec<(Value, KeySet)>;

use support::{agree, baseline, generate};

/// Records evaluated per iteration of the evaluation benches.
const EVAL_RECORDS: usize = 4096;

struct Fixture {
    program: Program,
    /// The records, as shouli holds them once loaded.
    records: Vec<Record>,
    /// The same records, as the baseline holds them once parsed.
    complaints: Vec<baseline::Complaint<'static>>,
    /// One TOML record file, for `check` as a process.
    check_file: PathBuf,
    work_dir: PathBuf,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let program = shouli::builtin().expect("the built-in rules load");
    let work_dir = std::env::temp_dir().join(format!("shouli-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work_dir).expect("a work directory");

    // The baseline must decide every record as shouli does, or the
    // comparison means nothing.
    let mix = agree::check_archive(
        &program,
        generate::SEED,
        EVAL_RECORDS,
        agree::load_toml(&program),
    )
    .unwrap_or_else(|d| {
        panic!("ABORT: the baseline disagrees with shouli, nothing was measured: {d:#?}")
    });
    eprintln!("setup: baseline agrees with shouli on {EVAL_RECORDS} records: {mix:?}");

    let lines: &'static [u8] = generate::jsonl(generate::SEED, EVAL_RECORDS).leak();
    let complaints = lines
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| baseline::Complaint::from_json(l).expect("a generated line parses"))
        .collect();
    let mut records = Vec::with_capacity(EVAL_RECORDS);
    {
        let mut archive = generate::Archive::new(generate::SEED);
        let mut load = agree::load_toml(&program);
        let mut toml = String::new();
        for i in 1..=EVAL_RECORDS {
            toml.clear();
            archive.sample(i).write_toml(&mut toml);
            let mut rec = Record::new(program.rules.fields.len());
            load(&[], &toml, &mut rec).expect("a generated record loads");
            records.push(rec);
            if i == 1 {
                std::fs::write(work_dir.join("record.toml"), &toml).expect("record written");
            }
        }
    }
    Fixture {
        program,
        records,
        complaints,
        check_file: work_dir.join("record.toml"),
        work_dir,
    }
});

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--test" || a == "--list");
    if !quick {
        LazyLock::force(&FIXTURE);
    }
    divan::main();
    if !quick {
        summary();
        let _ = std::fs::remove_dir_all(&FIXTURE.work_dir);
    }
}

// ---- (1) compiling the built-in rules -------------------------------------------

/// Parse + check + compile of rules/guideline.rules (the baseline has no
/// rule file: its rules are compiled with it).
#[divan::bench]
fn compile_builtin_rules() -> Program {
    shouli::load_rules(
        shouli::BUILTIN_NAME,
        black_box(shouli::BUILTIN_RULES.as_bytes()),
    )
    .expect("the built-in rules load")
}

// ---- (2) evaluating loaded records ----------------------------------------------

fn shouli_evaluate_all(fx: &Fixture, trace: &mut Trace, scratch: &mut Scratch) {
    for rec in &fx.records {
        fx.program
            .evaluate_into(black_box(rec), trace, scratch)
            .expect("evaluates");
        black_box(trace.outcome);
    }
}

fn baseline_evaluate_all(fx: &Fixture) {
    for c in &fx.complaints {
        black_box(baseline::evaluate(black_box(c)));
    }
}

#[divan::bench_group(name = "evaluate_loaded_record")]
mod evaluate {
    use super::*;

    #[divan::bench]
    fn shouli(b: Bencher) {
        let fx = &*FIXTURE;
        let (mut trace, mut scratch) = (Trace::default(), Vec::new());
        b.counter(ItemsCount::new(EVAL_RECORDS))
            .bench_local(|| shouli_evaluate_all(fx, &mut trace, &mut scratch));
    }

    #[divan::bench]
    fn baseline(b: Bencher) {
        let fx = &*FIXTURE;
        b.counter(ItemsCount::new(EVAL_RECORDS))
            .bench_local(|| baseline_evaluate_all(fx));
    }
}

// ---- (6) `check` as a whole process ---------------------------------------------

fn run_check(file: &std::path::Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_shouli"))
        .arg("check")
        .arg(file)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("shouli runs");
    assert!(matches!(status.code(), Some(0 | 1 | 3)), "{status:?}");
}

fn run_true() {
    Command::new("true").status().expect("`true` runs");
}

#[divan::bench_group(name = "check_process", sample_count = 30)]
mod process {
    use super::*;

    /// `shouli check record.toml`, start to exit.
    #[divan::bench]
    fn shouli_check() {
        run_check(&FIXTURE.check_file);
    }

    /// Starting and waiting for `/bin/true`: the floor of any process.
    #[divan::bench]
    fn spawn_floor() {
        run_true();
    }
}

// ---- the side-by-side summary ----------------------------------------------------

/// Median time of `f` over `samples` samples, per item (`f` handles `items`).
fn per_item(items: usize, samples: usize, mut f: impl FnMut()) -> Duration {
    // Calibrate: enough calls for a sample of about 50 ms.
    let start = Instant::now();
    f();
    let once = start.elapsed().max(Duration::from_nanos(1));
    let calls = (Duration::from_millis(50).as_nanos() / once.as_nanos()).clamp(1, 1_000_000) as u32;
    let mut times: Vec<Duration> = (0..samples)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..calls {
                f();
            }
            start.elapsed() / calls / items as u32
        })
        .collect();
    times.sort();
    times[samples / 2]
}

fn show(d: Duration) -> String {
    let ns = d.as_nanos();
    if ns < 10_000 {
        format!("{ns} ns")
    } else if ns < 1_000_000 {
        format!("{:.1} µs", ns as f64 / 1e3)
    } else {
        format!("{:.2} ms", ns as f64 / 1e6)
    }
}

struct Row {
    what: &'static str,
    shouli: Duration,
    baseline: Option<Duration>,
    target: &'static str,
    met: bool,
}

fn summary() {
    let fx = &*FIXTURE;
    let mut rows = Vec::new();

    let compile = per_item(1, 11, || {
        black_box(compile_builtin_rules());
    });
    rows.push(Row {
        what: "(1) compile the built-in rules",
        shouli: compile,
        baseline: None,
        target: "< 1 ms",
        met: compile < Duration::from_millis(1),
    });

    let (mut trace, mut scratch) = (Trace::default(), Vec::new());
    let ours = per_item(EVAL_RECORDS, 11, || {
        shouli_evaluate_all(fx, &mut trace, &mut scratch)
    });
    let theirs = per_item(EVAL_RECORDS, 11, || baseline_evaluate_all(fx));
    rows.push(Row {
        what: "(2) evaluate a loaded record (per record)",
        shouli: ours,
        baseline: Some(theirs),
        target: "≤ 2× baseline",
        met: ours.as_secs_f64() <= 2.0 * theirs.as_secs_f64(),
    });

    let check = per_item(1, 21, || run_check(&fx.check_file));
    let floor = per_item(1, 21, run_true);
    rows.push(Row {
        what: "(6) `check` as a process (spawn floor as baseline)",
        shouli: check,
        baseline: Some(floor),
        target: "< 15 ms",
        met: check < Duration::from_millis(15),
    });

    println!();
    println!("## shouli versus the hand-written baseline (median, same run)");
    println!();
    println!("| measurement | shouli | baseline | ratio | target | met |");
    println!("|---|---:|---:|---:|---|---|");
    for r in &rows {
        let (base, ratio) = match r.baseline {
            Some(b) => (
                show(b),
                format!("{:.2}×", r.shouli.as_secs_f64() / b.as_secs_f64()),
            ),
            None => ("—".into(), "—".into()),
        };
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            r.what,
            show(r.shouli),
            base,
            ratio,
            r.target,
            if r.met { "yes" } else { "no" }
        );
    }
}
