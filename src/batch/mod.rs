//! `shouli batch`: checks a whole archive of complaints — directories of
//! TOML records, JSON Lines and CSV exports — and audits what was done at
//! the time against the rules.
//!
//! The pipeline streams in constant memory: [`input`] reads a chunk of
//! records' raw text (4096 by default), the chunk is loaded, evaluated and
//! audited in parallel on a local rayon pool (each pool thread keeps one
//! reusable [`Record`], [`Trace`] and set of buffers), then its outputs are
//! written in input order while the next chunk is read. Output order is
//! input order whatever `--jobs` says, and every input record gives exactly
//! one output record: a record that cannot be checked is an `error` record
//! in its place, never a stop.
//!
//! [`run`] is the library entry point (inputs, options, a writer → a
//! [`Summary`]); `cli::batch` is the command line's `shouli batch`.

pub mod input;
mod output;
pub mod summary;

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

use rayon::prelude::*;

use crate::audit::AuditFields;
use crate::compile::Program;
use crate::diag::{Diagnostic, Lang, Msg};
use crate::eval::Trace;
use crate::model::FieldId;
use crate::record::json::{JsonReader, JsonScratch};
use crate::record::toml::MAX_RECORD;
use crate::record::{Record, RecordError};
use crate::value::{KeySet, Value};

pub use crate::atomic::AtomicFile;
pub use crate::atomic::check_outputs;
pub use crate::report::row::Problem;
pub use input::Input;
pub use summary::Summary;

pub(crate) use crate::report::row::{Checked, Row};

use input::{Chunk, Job, Reader};

/// How many records a chunk holds by default.
pub const CHUNK: usize = 4096;

/// How many records one parallel task handles: small enough to balance
/// the threads, large enough that the per-task cost is nothing.
pub(crate) const TASK: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// One JSON object per record (SPEC §4's keys, plus `source` and `audit`)
    #[default]
    Jsonl,
    /// id, outcome, deciding, fired, missing, one column per deadline by
    /// its name (notify_by…), audit…
    Csv,
    /// An aligned table for people
    Table,
}

/// Which records `--only` writes. The summary counts every record anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Only {
    /// The recorded outcome or clause differs from the rules'
    Disagreements,
    /// A deadline was missed (a recorded date after the deadline's)
    Breaches,
    /// Records that could not be checked
    Errors,
}

/// How a batch runs.
#[derive(Debug, Clone)]
pub struct Options {
    pub format: Format,
    /// Threads; 0 for one per core. Capped by [`threads`].
    pub jobs: usize,
    pub lang: Lang,
    /// Mask personal fields (names, phones) in every output.
    pub redact: bool,
    /// Write only these records (all when empty).
    pub only: Vec<Only>,
    /// Records per chunk.
    pub chunk: usize,
    /// Read `*.toml` files in a directory that are symbolic links (to
    /// wherever they point); off, each is skipped with a warning.
    pub follow_links: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            format: Format::Jsonl,
            jobs: 0,
            lang: Lang::Zh,
            redact: false,
            only: Vec::new(),
            chunk: CHUNK,
            follow_links: true,
        }
    }
}

/// Why a batch stopped before the end.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// An input does not exist or has no known kind; nothing was read.
    #[error("the batch cannot start: {}", .0.iter().map(|m| m.en.as_str()).collect::<Vec<_>>().join("; "))]
    Start(Vec<Msg>),
    /// Writing the output failed.
    #[error("cannot write the output: {0}")]
    Output(io::Error),
    /// The reader of the output went away (`| head`): not an error.
    #[error("the output was closed")]
    Closed,
}

/// What every worker shares: the program and what was looked up in it once.
pub(crate) struct Ctx<'p> {
    pub program: &'p Program,
    json: JsonReader<'p>,
    pub audit: AuditFields,
    pub opts: &'p Options,
    id_slot: Option<FieldId>,
    /// Messages that may hold a personal field's value, redacted by the
    /// path `check --redact` takes too.
    redactor: crate::report::redact::Redactor,
    /// The JSON Lines reports' words, escaped once.
    pub jsonl: crate::report::jsonl::Writer<'p>,
}

impl<'p> Ctx<'p> {
    pub(crate) fn new(program: &'p Program, opts: &'p Options) -> Ctx<'p> {
        let rules = &program.rules;
        Ctx {
            program,
            json: JsonReader::new(rules),
            audit: AuditFields::new(program),
            opts,
            id_slot: rules.field("id"),
            redactor: crate::report::redact::Redactor::new(rules),
            jsonl: crate::report::jsonl::Writer::new(
                program,
                crate::report::Options {
                    lang: opts.lang,
                    redact: opts.redact,
                },
            ),
        }
    }

    /// A diagnostic as a problem, with its redacted message when it names a
    /// personal field (a mistyped phone number is shown in its message).
    fn problem(&self, d: Diagnostic, line: Option<u64>, column: Option<usize>) -> Problem {
        let redacted = self
            .redactor
            .message(&self.program.rules, &d.message)
            .map(Box::new);
        Problem {
            severity: d.severity,
            code: d.code,
            line,
            column,
            message: d.message,
            help: d.help,
            redacted,
        }
    }

    /// What rows are rendered against.
    fn rows(&self) -> crate::report::row::RowRules<'_> {
        crate::report::row::RowRules {
            program: self.program,
            audit: &self.audit,
            lang: self.opts.lang,
            redact: self.opts.redact,
        }
    }

    fn keep(&self, row: &Row) -> bool {
        let only = &self.opts.only;
        only.is_empty()
            || only.iter().any(|o| match o {
                Only::Disagreements => row.audit.disagrees(),
                Only::Breaches => row.audit.breached(),
                Only::Errors => row.checked.is_none(),
            })
    }
}

/// One pool thread's reusable state.
pub(crate) struct Worker {
    pub rec: Record,
    pub trace: Trace,
    pub scratch: Vec<(Value, KeySet)>,
    diags: Vec<Diagnostic>,
    json: JsonScratch,
    file: Vec<u8>,
    /// Formats CSV rows (its header is the main thread's `Writer`'s).
    csv: output::Writer,
}

impl Worker {
    pub(crate) fn new(ctx: &Ctx) -> Worker {
        Worker {
            rec: Record::new(ctx.program.rules.fields.len()),
            trace: Trace::default(),
            scratch: Vec::new(),
            diags: Vec::new(),
            json: JsonScratch::default(),
            file: Vec::new(),
            csv: output::Writer::new(ctx),
        }
    }
}

/// What the jobs of a chunk point into.
pub(crate) struct View<'c> {
    pub bytes: &'c [u8],
    pub rows: &'c [csv::ByteRecord],
    pub names: &'c [std::sync::Arc<str>],
    pub columns: &'c [std::sync::Arc<crate::record::csv::CsvColumns>],
}

impl<'c> View<'c> {
    /// The chunk's text, rows and files, read with its first rule set's CSV
    /// columns.
    pub fn of(chunk: &'c Chunk) -> View<'c> {
        View {
            bytes: &chunk.bytes,
            rows: &chunk.rows,
            names: &chunk.names,
            columns: &chunk.columns,
        }
    }
}

/// The file part of a path, for default ids.
fn file_name(name: &str) -> &str {
    Path::new(name)
        .file_name()
        .and_then(|s| s.to_str())
        .unwrap_or(name)
}

/// Loads, evaluates and audits one record into `row`; for JSON Lines and
/// CSV output, writes its line to `out` (a table is laid out by the main
/// thread, which knows the columns' widths).
fn process(ctx: &Ctx, w: &mut Worker, view: &View, job: &Job, row: &mut Row, out: &mut Vec<u8>) {
    let loaded = load_job(ctx, w, view, job, row);
    if loaded {
        evaluate(ctx, w, job, row);
    }
    row.keep = ctx.keep(row);
    if row.keep {
        match ctx.opts.format {
            Format::Jsonl => output::jsonl(ctx, &w.rec, &w.trace, row, out),
            Format::Csv => w.csv.csv_line(ctx, row, out),
            Format::Table => {}
        }
    }
}

/// Resets `row` and reads the job's record into `w.rec`, with its id and
/// place in `row`; returns whether it loaded (else `row` holds why not).
pub(crate) fn load_job(ctx: &Ctx, w: &mut Worker, view: &View, job: &Job, row: &mut Row) -> bool {
    row.reset();
    w.diags.clear();
    let rules = &ctx.program.rules;
    let loaded = match job {
        Job::Line {
            name,
            line,
            start,
            end,
        } => {
            let file = &view.names[*name as usize];
            row.file.push_str(file);
            let _ = write!(row.source, "{file}:{line}");
            let bytes = &view.bytes[*start..*end];
            if ctx.json.load_plain(bytes, &mut w.rec, &mut w.json) {
                true
            } else {
                match std::str::from_utf8(bytes) {
                    Ok(text) => {
                        let ok = ctx
                            .json
                            .load_full(text, &mut w.rec, &mut w.json, &mut w.diags);
                        for d in w.diags.drain(..) {
                            let col = d
                                .span
                                .as_ref()
                                .map(|s| crate::diag::line_col(text, s.start).1);
                            row.problems.push(ctx.problem(d, Some(*line), col));
                        }
                        ok
                    }
                    Err(e) => {
                        w.rec.clear();
                        let valid = &view.bytes[*start..*start + e.valid_up_to()];
                        let col = String::from_utf8_lossy(valid).chars().count() + 1;
                        let mut p = Problem::error(
                            "not-utf8",
                            Msg::new(
                                "这一行不是 UTF-8 编码（可能是 GBK），请将文件另存为 UTF-8",
                                "this line is not UTF-8 (GBK?); save the file as UTF-8",
                            ),
                        );
                        p.line = Some(*line);
                        p.column = Some(col);
                        row.problems.push(p);
                        false
                    }
                }
            }
        }
        Job::Row {
            name,
            columns,
            line,
            row: r,
        } => {
            let file = &view.names[*name as usize];
            row.file.push_str(file);
            let _ = write!(row.source, "{file}:{line}");
            let ok = view.columns[*columns as usize].load(
                rules,
                &view.rows[*r],
                &mut w.rec,
                &mut w.diags,
            );
            for d in w.diags.drain(..) {
                row.problems.push(ctx.problem(d, Some(*line), None));
            }
            ok
        }
        Job::Toml { path } => {
            let _ = write!(row.file, "{}", path.display());
            row.source.push_str(&row.file);
            load_toml(ctx, w, path, row)
        }
        Job::Failed {
            file,
            line,
            problem,
        } => {
            w.rec.clear();
            row.file.push_str(file);
            row.source.push_str(file);
            if let Some(line) = line {
                let _ = write!(row.source, ":{line}");
            }
            let mut p = problem.clone();
            p.line = *line;
            row.problems.push(p);
            false
        }
    };

    // The record's id, else its place.
    match ctx.id_slot.map(|s| w.rec.get(s)) {
        Some(Value::Text(r)) => row.id.push_str(w.rec.text(r)),
        _ => match job {
            Job::Toml { path } => {
                let stem = path.file_stem().map(|s| s.to_string_lossy());
                row.id.push_str(stem.as_deref().unwrap_or(&row.file));
            }
            Job::Line { line, .. } | Job::Row { line, .. } => {
                let _ = write!(row.id, "{}:{line}", file_name(&row.file));
            }
            Job::Failed {
                line: Some(line), ..
            } => {
                let _ = write!(row.id, "{}:{line}", file_name(&row.file));
            }
            Job::Failed { .. } => row.id.push_str(&row.source),
        },
    }

    loaded
}

/// Evaluates and audits the loaded record into `row`.
fn evaluate(ctx: &Ctx, w: &mut Worker, job: &Job, row: &mut Row) {
    match ctx
        .program
        .evaluate_into(&w.rec, &mut w.trace, &mut w.scratch)
    {
        Ok(()) => checked(ctx, w, row),
        Err(e) => row.problems.push(out_of_range(&e, job)),
    }
}

/// Reads and loads a TOML record file.
fn load_toml(ctx: &Ctx, w: &mut Worker, path: &Path, row: &mut Row) -> bool {
    w.rec.clear();
    w.file.clear();
    // At most the limit and one byte more, whatever the file is (a link
    // to /dev/zero, a file still growing).
    let read = std::fs::File::open(path)
        .map_err(|e| Problem::read_error(&e))
        .and_then(|f| {
            crate::record::read_at_most(f, MAX_RECORD, &row.file, &mut w.file)
                .map_err(|e| Problem::error(e.code, e.message))
        });
    if let Err(problem) = read {
        row.problems.push(problem);
        return false;
    }
    let name = row.file.as_str();
    match crate::record::toml::load(&w.file, name, &ctx.program.rules, &mut w.rec) {
        Ok((source, warnings)) => {
            for d in warnings {
                let (line, col) = d.span.as_ref().map(|s| source.line_col(s.start)).unzip();
                row.problems
                    .push(ctx.problem(d, line.map(|l| l as u64), col));
            }
            true
        }
        Err(RecordError {
            source,
            diagnostics,
        }) => {
            for d in diagnostics {
                let (line, col) = d.span.as_ref().map(|s| source.line_col(s.start)).unzip();
                row.problems
                    .push(ctx.problem(d, line.map(|l| l as u64), col));
            }
            false
        }
    }
}

/// Fills a checked record's result and audit.
fn checked(ctx: &Ctx, w: &Worker, row: &mut Row) {
    let trace = &w.trace;
    row.checked = Some(Checked {
        outcome: trace.outcome,
        deciding: trace.deciding,
        missing: trace.missing,
    });
    row.fired.extend(trace.fired(ctx.program));
    row.deadlines
        .extend((0..ctx.audit.deadlines.len()).map(|k| ctx.audit.dates(k, &w.rec, trace)));
    row.audit = crate::audit::audit(&ctx.audit, ctx.program, &w.rec, trace);
    if let Some(r) = row.audit.recorded_clause {
        row.recorded_clause.push_str(w.rec.text(r));
    }
}

/// How far a batch has got: passed to the observer of [`run_observed`]
/// after each chunk is written.
pub struct Progress<'a> {
    /// Bytes of input read (TOML files count whole when queued).
    pub bytes_read: u64,
    /// Bytes of all the inputs, when every input is a file.
    pub total_bytes: Option<u64>,
    pub elapsed: std::time::Duration,
    tally: &'a summary::Tally,
}

impl Progress<'_> {
    /// Records checked so far.
    pub fn records(&self) -> u64 {
        self.tally.input
    }

    /// Counts so far and records per second, for a progress bar.
    pub fn message(&self, lang: Lang) -> String {
        self.tally.progress_line(self.elapsed, lang)
    }
}

/// Runs a batch: reads every input, checks every record, writes one output
/// record per input record to `out` in input order, and returns the
/// summary. Records that cannot be checked are in the output and the
/// summary, not errors here. Prints nothing.
pub fn run(
    program: &Program,
    inputs: Vec<Input>,
    opts: &Options,
    out: &mut dyn Write,
) -> Result<Summary, BatchError> {
    run_observed(program, inputs, opts, out, &mut |_| {})
}

/// The most threads a batch starts, as a multiple of the cores: more only
/// cost memory and switching (each thread keeps its own buffers), and tens
/// of thousands would stall the machine.
pub const THREADS_PER_CORE: usize = 4;

/// The most threads a batch starts, however many cores.
pub const MAX_THREADS: usize = 256;

/// The threads a batch runs for `--jobs N` (0: one per core), and, when N
/// is more than the cap (`THREADS_PER_CORE` × cores, at most
/// `MAX_THREADS`), the warning saying so.
pub fn threads(jobs: usize) -> (usize, Option<Msg>) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if jobs == 0 {
        return (cores.min(MAX_THREADS), None);
    }
    let cap = (cores * THREADS_PER_CORE).min(MAX_THREADS);
    if jobs <= cap {
        return (jobs, None);
    }
    let warning = Msg::new(
        format!(
            "--jobs {jobs} 过多：本机 {cores} 个核心，最多使用 {cap} 个线程（每核 {THREADS_PER_CORE} 个，至多 {MAX_THREADS} 个）"
        ),
        format!(
            "--jobs {jobs} is too many: with {cores} cores, {cap} threads are used ({THREADS_PER_CORE} per core, at most {MAX_THREADS})"
        ),
    );
    (cap, Some(warning))
}

/// [`run`], calling `observe` after each chunk (for a progress bar).
pub fn run_observed(
    program: &Program,
    inputs: Vec<Input>,
    opts: &Options,
    out: &mut dyn Write,
    observe: &mut dyn FnMut(&Progress),
) -> Result<Summary, BatchError> {
    let started = Instant::now();
    let plan = input::plan(inputs, opts.follow_links).map_err(BatchError::Start)?;
    let total = plan.total_bytes;
    let threads = threads(opts.jobs).0;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("shouli-batch-{i}"))
        .build()
        .map_err(|e| {
            BatchError::Start(vec![Msg::new(
                format!("无法启动工作线程：{e}"),
                format!("cannot start the worker threads: {e}"),
            )])
        })?;
    let ctx = Ctx::new(program, opts);
    let workers: Vec<Mutex<Worker>> = (0..pool.current_num_threads())
        .map(|_| Mutex::new(Worker::new(&ctx)))
        .collect();
    let mut reader = Reader::new(&program.rules, plan);
    let mut tally = summary::Tally::new(program);
    let mut writer = output::Writer::new(&ctx);
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    let chunk_size = opts.chunk.max(1);

    let mut current = Slots::default();
    let mut next = Slots::default();
    reader.fill(&mut current.chunk, chunk_size);
    let mut result = Ok(());
    while !current.chunk.jobs.is_empty() {
        pool.install(|| {
            rayon::join(
                || current.evaluate_batch(&ctx, &workers),
                || reader.fill(&mut next.chunk, chunk_size),
            )
        });
        result = current.write(&ctx, &mut writer, &mut tally, &mut out);
        if result.is_err() {
            break;
        }
        observe(&Progress {
            bytes_read: current.chunk.consumed,
            total_bytes: total,
            elapsed: started.elapsed(),
            tally: &tally,
        });
        std::mem::swap(&mut current, &mut next);
    }
    result
        .and_then(|()| writer.finish(&ctx, &mut out))
        .and_then(|()| out.flush())
        .map_err(|e| match e.kind() {
            io::ErrorKind::BrokenPipe => BatchError::Closed,
            _ => BatchError::Output(e),
        })?;
    Ok(tally.summary(&ctx, reader.notes, started.elapsed()))
}

/// A chunk and its results: a row per job, and an output buffer per task
/// of `TASK` jobs (batch's and diff's).
pub(crate) struct Slots<R> {
    pub chunk: Chunk,
    pub rows: Vec<R>,
    /// JSON Lines or CSV output, one buffer per task.
    pub outs: Vec<Vec<u8>>,
}

impl<R> Default for Slots<R> {
    fn default() -> Slots<R> {
        Slots {
            chunk: Chunk::default(),
            rows: Vec::new(),
            outs: Vec::new(),
        }
    }
}

impl<R: Default + Send> Slots<R> {
    /// Runs `task` on the pool over the chunk's jobs, `TASK` at a time,
    /// each task with a worker, its jobs, their rows and its cleared output
    /// buffer; rows and buffers are reused from chunk to chunk.
    pub fn evaluate<W: Send>(
        &mut self,
        workers: &[Mutex<W>],
        task: impl Fn(&mut W, &Chunk, &[Job], &mut [R], &mut Vec<u8>) + Sync,
    ) {
        let n = self.chunk.jobs.len();
        if self.rows.len() < n {
            self.rows.resize_with(n, R::default);
        }
        let tasks = n.div_ceil(TASK);
        if self.outs.len() < tasks {
            self.outs.resize_with(tasks, Vec::new);
        }
        let chunk = &self.chunk;
        chunk
            .jobs
            .par_chunks(TASK)
            .zip(self.rows[..n].par_chunks_mut(TASK))
            .zip(self.outs[..tasks].par_iter_mut())
            .for_each(|((jobs, rows), out)| {
                let i = rayon::current_thread_index().unwrap_or(0) % workers.len();
                let mut w = workers[i].lock().unwrap_or_else(|p| p.into_inner());
                out.clear();
                task(&mut w, chunk, jobs, rows, out);
            });
    }

    /// The rows of the chunk's jobs, and the output buffers in use.
    pub fn done(&self) -> (&[R], &[Vec<u8>]) {
        let n = self.chunk.jobs.len();
        (&self.rows[..n], &self.outs[..n.div_ceil(TASK)])
    }
}

impl Slots<Row> {
    fn evaluate_batch(&mut self, ctx: &Ctx, workers: &[Mutex<Worker>]) {
        self.evaluate(workers, |w, chunk, jobs, rows, out| {
            let view = View::of(chunk);
            for (job, row) in jobs.iter().zip(rows) {
                process(ctx, w, &view, job, row, out);
            }
        });
    }

    fn write(
        &self,
        ctx: &Ctx,
        writer: &mut output::Writer,
        tally: &mut summary::Tally,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let (rows, outs) = self.done();
        writer.begin(ctx, rows, out)?;
        for row in rows {
            tally.add(ctx, row);
        }
        match ctx.opts.format {
            Format::Jsonl | Format::Csv => {
                for buf in outs {
                    out.write_all(buf)?;
                }
            }
            Format::Table => {
                for row in rows.iter().filter(|r| r.keep) {
                    writer.table_row(ctx, row, out)?;
                }
            }
        }
        tally.written += rows.iter().filter(|r| r.keep).count() as u64;
        Ok(())
    }
}

/// Date arithmetic left the calendar while evaluating `job`'s record.
pub(crate) fn out_of_range(e: &dyn std::fmt::Display, job: &Job) -> Problem {
    let mut p = Problem::error(
        "date-out-of-range",
        Msg::new(
            "日期计算超出范围（数值过大？）",
            format!("{e} (a number far too large?)"),
        ),
    );
    if let Job::Line { line, .. } | Job::Row { line, .. } = job {
        p.line = Some(*line);
    }
    p
}
