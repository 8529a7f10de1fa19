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
use shouli::batch::{Format, Input, Options};
use shouli::compile::Program;
use shouli::eval::Trace;
use shouli::record::Record;
use shouli::record::json::{JsonReader, JsonScratch};
use shouli::value::{KeySet, Value};

/// `Program::evaluate_into`'s reusable buffer.
type Scratch = Vec<(Value, KeySet)>;

use support::{agree, baseline, generate};

/// Records evaluated per iteration of the evaluation benches.
const EVAL_RECORDS: usize = 4096;
/// Records per iteration of the end-to-end batch benches (per-record time
/// is what counts; the 1,000,000-record run is in BENCHMARKS.md).
const BATCH_RECORDS: usize = 50_000;
/// TOML files in the directory batch bench.
const TOML_FILES: usize = 10_000;

struct Fixture {
    program: Program,
    /// The same rules evaluated by the general sweep, as a rule file
    /// without a generated sweep is.
    interpreted: Program,
    /// The records, as shouli holds them once loaded.
    records: Vec<Record>,
    /// The same records, as the baseline holds them once parsed.
    complaints: Vec<baseline::Complaint<'static>>,
    /// One TOML record file, for `check` as a process.
    check_file: PathBuf,
    /// `EVAL_RECORDS` JSON lines (without their line ends).
    json_lines: Vec<&'static str>,
    /// `BATCH_RECORDS` records as JSON Lines.
    batch_jsonl: &'static [u8],
    /// A directory of `TOML_FILES` record files.
    toml_dir: PathBuf,
    work_dir: PathBuf,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let program = shouli::builtin().expect("the built-in rules load");
    let work_dir = std::env::temp_dir().join(format!("shouli-bench-{}", std::process::id()));

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
    eprintln!("setup: baseline agrees with shouli on {EVAL_RECORDS} TOML records: {mix:?}");
    let reader = shouli::record::json::JsonReader::new(&program.rules);
    let mix = agree::check_archive(
        &program,
        generate::SEED,
        BATCH_RECORDS,
        agree::load_json(&reader),
    )
    .unwrap_or_else(|d| {
        panic!("ABORT: the baseline disagrees with shouli, nothing was measured: {d:#?}")
    });
    eprintln!("setup: baseline agrees with shouli on {BATCH_RECORDS} JSON lines: {mix:?}");
    std::fs::create_dir_all(&work_dir).expect("a work directory");
    let batch_jsonl: &'static [u8] = generate::jsonl(generate::SEED, BATCH_RECORDS).leak();
    let toml_dir = work_dir.join("toml");
    generate::write_toml_dir(generate::SEED, TOML_FILES, &toml_dir).expect("TOML files written");

    let lines: &'static [u8] = generate::jsonl(generate::SEED, EVAL_RECORDS).leak();
    let json_lines = std::str::from_utf8(lines)
        .expect("generated JSON is UTF-8")
        .lines()
        .collect();
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
    // The built-in rules are evaluated by their generated sweep; the
    // general one is measured beside it.
    assert!(
        program.is_generated(),
        "the built-in rules have a generated sweep"
    );
    let interpreted = program.clone().interpreted();
    Fixture {
        program,
        interpreted,
        records,
        complaints,
        check_file: work_dir.join("record.toml"),
        json_lines,
        batch_jsonl,
        toml_dir,
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
        // SHOULI_BENCH_SUMMARY=0 skips the summary (when profiling one bench).
        if std::env::var_os("SHOULI_BENCH_SUMMARY").is_none_or(|v| v != "0") {
            summary();
        }
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

/// The same, as `check` and `batch` load the built-in rules: their
/// `example` blocks (run by the test suite, not needed to decide a record)
/// passed over unparsed. A user's rule file is always loaded in full.
#[divan::bench]
fn compile_builtin_rules_to_decide() -> Program {
    shouli::load_rules_with(
        shouli::BUILTIN_NAME,
        black_box(shouli::BUILTIN_RULES.as_bytes()),
        shouli::Examples::Skip,
    )
    .expect("the built-in rules load")
}

// ---- (2) evaluating loaded records ----------------------------------------------

// Never inlined, so that a profiler can be toggled on either.
#[inline(never)]
fn shouli_evaluate_all(fx: &Fixture, trace: &mut Trace, scratch: &mut Scratch) {
    evaluate_all(&fx.program, fx, trace, scratch);
}

/// The same by the general sweep (what any rule file without a generated
/// sweep gets).
#[inline(never)]
fn shouli_interpreted_evaluate_all(fx: &Fixture, trace: &mut Trace, scratch: &mut Scratch) {
    evaluate_all(&fx.interpreted, fx, trace, scratch);
}

fn evaluate_all(program: &Program, fx: &Fixture, trace: &mut Trace, scratch: &mut Scratch) {
    for rec in &fx.records {
        program
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
    fn shouli_interpreted(b: Bencher) {
        let fx = &*FIXTURE;
        let (mut trace, mut scratch) = (Trace::default(), Vec::new());
        b.counter(ItemsCount::new(EVAL_RECORDS))
            .bench_local(|| shouli_interpreted_evaluate_all(fx, &mut trace, &mut scratch));
    }

    #[divan::bench]
    fn baseline(b: Bencher) {
        let fx = &*FIXTURE;
        b.counter(ItemsCount::new(EVAL_RECORDS))
            .bench_local(|| baseline_evaluate_all(fx));
    }
}

// ---- (3) parse + evaluate one JSON line ------------------------------------------

fn shouli_parse_evaluate_all(
    fx: &Fixture,
    reader: &JsonReader,
    rec: &mut Record,
    json: &mut JsonScratch,
    trace: &mut Trace,
    scratch: &mut Scratch,
) {
    let mut problems = Vec::new();
    for line in &fx.json_lines {
        problems.clear();
        assert!(reader.load(black_box(line), rec, json, &mut problems));
        fx.program
            .evaluate_into(rec, trace, scratch)
            .expect("evaluates");
        black_box(trace.outcome);
    }
}

fn baseline_parse_evaluate_all(fx: &Fixture) {
    for line in &fx.json_lines {
        let c = baseline::Complaint::from_json(black_box(line.as_bytes())).expect("parses");
        black_box(baseline::evaluate(&c));
    }
}

#[divan::bench_group(name = "parse_and_evaluate_json_line")]
mod parse_evaluate {
    use super::*;

    #[divan::bench]
    fn shouli(b: Bencher) {
        let fx = &*FIXTURE;
        let reader = JsonReader::new(&fx.program.rules);
        let mut rec = Record::new(fx.program.rules.fields.len());
        let (mut json, mut trace, mut scratch) =
            (JsonScratch::default(), Trace::default(), Vec::new());
        b.counter(ItemsCount::new(EVAL_RECORDS)).bench_local(|| {
            shouli_parse_evaluate_all(fx, &reader, &mut rec, &mut json, &mut trace, &mut scratch)
        });
    }

    #[divan::bench]
    fn baseline(b: Bencher) {
        let fx = &*FIXTURE;
        b.counter(ItemsCount::new(EVAL_RECORDS))
            .bench_local(|| baseline_parse_evaluate_all(fx));
    }
}

// ---- (4), (5) batch end to end ------------------------------------------------------

/// `shouli batch` on the in-memory JSON Lines, output to nowhere.
fn shouli_batch_jsonl(fx: &Fixture, jobs: usize, format: Format) {
    let input = Input::JsonLines {
        name: "bench.jsonl".into(),
        reader: Box::new(std::io::Cursor::new(fx.batch_jsonl)),
    };
    let opts = Options {
        jobs,
        format,
        ..Options::default()
    };
    let summary = shouli::batch::run(&fx.program, vec![input], &opts, &mut std::io::sink())
        .expect("the batch runs");
    black_box(summary);
}

fn baseline_batch_jsonl(fx: &Fixture, threads: usize) {
    let n = baseline::end_to_end(fx.batch_jsonl, threads, &mut std::io::sink()).expect("runs");
    assert_eq!(n, BATCH_RECORDS);
}

fn shouli_batch_toml(fx: &Fixture, jobs: usize) {
    let opts = Options {
        jobs,
        format: Format::Csv,
        ..Options::default()
    };
    let input = Input::Path(fx.toml_dir.clone());
    let summary = shouli::batch::run(&fx.program, vec![input], &opts, &mut std::io::sink())
        .expect("the batch runs");
    black_box(summary);
}

fn all_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[divan::bench_group(name = "batch_jsonl_end_to_end", sample_count = 10)]
mod batch_jsonl {
    use super::*;

    /// `--format csv`: the same columns the baseline writes.
    #[divan::bench(args = [1, 0])]
    fn shouli_csv(b: Bencher, jobs: usize) {
        let fx = &*FIXTURE;
        b.counter(ItemsCount::new(BATCH_RECORDS))
            .bench_local(|| shouli_batch_jsonl(fx, jobs, Format::Csv));
    }

    /// `--format jsonl`: SPEC §4 reports, explanations and all.
    #[divan::bench(args = [1, 0])]
    fn shouli_jsonl(b: Bencher, jobs: usize) {
        let fx = &*FIXTURE;
        b.counter(ItemsCount::new(BATCH_RECORDS))
            .bench_local(|| shouli_batch_jsonl(fx, jobs, Format::Jsonl));
    }

    /// Threads: 1, and (0) all.
    #[divan::bench(args = [1, 0])]
    fn baseline(b: Bencher, threads: usize) {
        let fx = &*FIXTURE;
        let threads = if threads == 0 { all_threads() } else { threads };
        b.counter(ItemsCount::new(BATCH_RECORDS))
            .bench_local(|| baseline_batch_jsonl(fx, threads));
    }
}

#[divan::bench_group(name = "batch_toml_directory", sample_count = 5)]
mod batch_toml {
    use super::*;

    /// `--jobs`: 1, and (0) all.
    #[divan::bench(args = [1, 0])]
    fn shouli_csv(b: Bencher, jobs: usize) {
        let fx = &*FIXTURE;
        b.counter(ItemsCount::new(TOML_FILES))
            .bench_local(|| shouli_batch_toml(fx, jobs));
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
        what: "(1) compile the built-in rules, examples included",
        shouli: compile,
        baseline: None,
        target: "< 1 ms",
        met: compile < Duration::from_millis(1),
    });
    let compile = per_item(1, 11, || {
        black_box(compile_builtin_rules_to_decide());
    });
    rows.push(Row {
        what: "(1) compile the built-in rules to decide (check, batch)",
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
        target: "≤ 1.5× baseline",
        met: ours.as_secs_f64() <= 1.5 * theirs.as_secs_f64(),
    });
    let general = per_item(EVAL_RECORDS, 11, || {
        shouli_interpreted_evaluate_all(fx, &mut trace, &mut scratch)
    });
    rows.push(Row {
        what: "(2) the same by the general sweep (a rule file without a generated one)",
        shouli: general,
        baseline: Some(theirs),
        target: "—",
        met: true,
    });

    let reader = JsonReader::new(&fx.program.rules);
    let mut rec = Record::new(fx.program.rules.fields.len());
    let mut json = JsonScratch::default();
    let ours = per_item(EVAL_RECORDS, 11, || {
        shouli_parse_evaluate_all(fx, &reader, &mut rec, &mut json, &mut trace, &mut scratch)
    });
    let theirs = per_item(EVAL_RECORDS, 11, || baseline_parse_evaluate_all(fx));
    rows.push(Row {
        what: "(3) parse + evaluate a JSON line, 1 thread (per record)",
        shouli: ours,
        baseline: Some(theirs),
        target: "—",
        met: true,
    });

    let all = all_threads();
    let base_1 = per_item(BATCH_RECORDS, 5, || baseline_batch_jsonl(fx, 1));
    let base_all = per_item(BATCH_RECORDS, 5, || baseline_batch_jsonl(fx, all));
    let csv_1 = per_item(BATCH_RECORDS, 5, || shouli_batch_jsonl(fx, 1, Format::Csv));
    let csv_all = per_item(BATCH_RECORDS, 5, || shouli_batch_jsonl(fx, 0, Format::Csv));
    let jsonl_1 = per_item(BATCH_RECORDS, 5, || {
        shouli_batch_jsonl(fx, 1, Format::Jsonl)
    });
    let jsonl_all = per_item(BATCH_RECORDS, 5, || {
        shouli_batch_jsonl(fx, 0, Format::Jsonl)
    });
    // Issue 17's targets: CSV rows no slower than the baseline's, full
    // reports within 1.5× of its CSV rows.
    let within = |ours: Duration, theirs: Duration, ratio: f64| {
        ours.as_secs_f64() <= ratio * theirs.as_secs_f64()
    };
    rows.push(Row {
        what: "(4) batch JSON Lines → CSV, 1 thread (per record)",
        shouli: csv_1,
        baseline: Some(base_1),
        target: "≤ 1.0× baseline",
        met: within(csv_1, base_1, 1.0),
    });
    rows.push(Row {
        what: "(4) batch JSON Lines → CSV, all threads (per record)",
        shouli: csv_all,
        baseline: Some(base_all),
        target: "≤ 1.0× baseline",
        met: within(csv_all, base_all, 1.0),
    });
    rows.push(Row {
        what: "(4) batch JSON Lines → JSON Lines reports, 1 thread (per record)",
        shouli: jsonl_1,
        baseline: Some(base_1),
        target: "≤ 1.5× baseline (which writes CSV rows)",
        met: within(jsonl_1, base_1, 1.5),
    });
    rows.push(Row {
        what: "(4) batch JSON Lines → JSON Lines reports, all threads (per record)",
        shouli: jsonl_all,
        baseline: Some(base_all),
        target: "≤ 1.5× baseline (which writes CSV rows)",
        met: within(jsonl_all, base_all, 1.5),
    });
    let toml_1 = per_item(TOML_FILES, 3, || shouli_batch_toml(fx, 1));
    let toml_all = per_item(TOML_FILES, 3, || shouli_batch_toml(fx, 0));
    rows.push(Row {
        what: "(5) batch a directory of 10,000 TOML files → CSV, 1 thread (per file)",
        shouli: toml_1,
        baseline: None,
        target: "—",
        met: true,
    });
    rows.push(Row {
        what: "(5) batch a directory of 10,000 TOML files → CSV, all threads (per file)",
        shouli: toml_all,
        baseline: None,
        target: "—",
        met: true,
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

    let speedup = |one: Duration, many: Duration| one.as_secs_f64() / many.as_secs_f64();
    println!();
    println!("## shouli versus the hand-written baseline (median, same run)");
    println!();
    println!(
        "Threads: {all}. Scaling from 1 to {all} threads (target ≥ 1.8× on 2 cores): \
         shouli CSV {:.2}×, shouli JSON Lines {:.2}×, baseline {:.2}×, TOML directory {:.2}×.",
        speedup(csv_1, csv_all),
        speedup(jsonl_1, jsonl_all),
        speedup(base_1, base_all),
        speedup(toml_1, toml_all),
    );
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
