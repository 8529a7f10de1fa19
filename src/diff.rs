//! `shouli diff OLD NEW INPUT…`: what an edit of the rules does to real
//! cases. Every record is read once and decided under both rule files, and
//! the records whose decision changes are grouped for a legal reviewer:
//! newly rejected (by which ground), newly accepted, newly incomplete
//! (which facts are now asked for), rejected on another ground, other
//! facts missing, deadlines moved, and records one side cannot check.
//!
//! The pipeline is `batch`'s: its input reader and chunks, a local pool,
//! output in input order, constant memory. When both rule files declare the
//! same fields (the usual edit: a clause changed), a record is parsed once
//! into one [`Record`] and evaluated twice. When the fields differ, the raw
//! record is read into each program's own field table, so a key declared
//! only in NEW is read for NEW and is absent — Kleene-unknown — under OLD
//! (and the other way round); such a record that OLD reads with a warning
//! says so on its OLD side.
//!
//! [`compare_examples`] is the same comparison over the rule files' own
//! examples, for `shouli diff OLD NEW` without input.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::batch::input::{self, Job, Reader};
use crate::batch::{self, BatchError, Checked, Ctx, Input, Row, View, Worker};
use crate::compile::Program;
use crate::diag::{Lang, Msg};
use crate::eval::{Deciding, Trace};
use crate::examples::{Actual, actual_of};
use crate::model::{FieldType, Outcome, RuleSet};
use crate::sanitize::{self, esc};
use crate::value::{Date, KeySet, Record, Value};

/// How the changed records are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// An aligned table for people
    #[default]
    Table,
    /// One JSON object per record with both decisions
    Jsonl,
    /// id, changes, old and new outcome, clause, missing, deadlines
    Csv,
}

/// Which records are written. The summary counts every record anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Only {
    /// Records whose decision changed, or that a side cannot check
    #[default]
    Changed,
    /// Every record, with both decisions
    All,
}

/// How a diff runs.
#[derive(Debug, Clone)]
pub struct Options {
    pub format: Format,
    pub only: Only,
    /// Threads; 0 for one per core (capped as `batch`'s).
    pub jobs: usize,
    pub lang: Lang,
    /// Personal data out of the records' messages.
    pub redact: bool,
    /// Records per chunk.
    pub chunk: usize,
    /// Example ids kept per group in the summary.
    pub examples: usize,
    /// Read a symbolic link met in a directory (`--no-follow` turns it off).
    pub follow_links: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            format: Format::Table,
            only: Only::Changed,
            jobs: 0,
            lang: Lang::Zh,
            redact: false,
            chunk: batch::CHUNK,
            examples: 10,
            follow_links: true,
        }
    }
}

/// How a record's decision changed. A record is in at most one of the
/// first six (by its outcomes and clauses), and may be in `Deadline` too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Not rejected under OLD, rejected under NEW.
    NewlyRejected,
    /// Not accepted under OLD, accepted under NEW.
    NewlyAccepted,
    /// Not incomplete under OLD, incomplete under NEW.
    NewlyIncomplete,
    /// The same outcome, decided by another clause (for a rejection:
    /// another ground).
    OtherGround,
    /// Incomplete under both, for other missing facts.
    OtherMissing,
    /// A deadline's date differs.
    Deadline,
    /// OLD, NEW or both cannot check the record.
    Unchecked,
}

impl Change {
    pub const ALL: [Change; 7] = [
        Change::NewlyRejected,
        Change::NewlyAccepted,
        Change::NewlyIncomplete,
        Change::OtherGround,
        Change::OtherMissing,
        Change::Deadline,
        Change::Unchecked,
    ];

    fn bit(self) -> u8 {
        1 << self as u8
    }

    pub fn code(self) -> &'static str {
        match self {
            Change::NewlyRejected => "newly_rejected",
            Change::NewlyAccepted => "newly_accepted",
            Change::NewlyIncomplete => "newly_incomplete",
            Change::OtherGround => "other_ground",
            Change::OtherMissing => "other_missing",
            Change::Deadline => "deadline",
            Change::Unchecked => "unchecked",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Change::NewlyRejected, Lang::Zh) => "改为不予受理",
            (Change::NewlyAccepted, Lang::Zh) => "改为受理",
            (Change::NewlyIncomplete, Lang::Zh) => "改为待补正",
            (Change::OtherGround, Lang::Zh) => "结论不变、依据条款改变",
            (Change::OtherMissing, Lang::Zh) => "仍待补正、所缺事实改变",
            (Change::Deadline, Lang::Zh) => "期限改变",
            (Change::Unchecked, Lang::Zh) => "一方无法审查",
            (Change::NewlyRejected, Lang::En) => "newly not accepted",
            (Change::NewlyAccepted, Lang::En) => "newly accepted",
            (Change::NewlyIncomplete, Lang::En) => "newly incomplete",
            (Change::OtherGround, Lang::En) => "same outcome, another clause",
            (Change::OtherMissing, Lang::En) => "still incomplete, other facts missing",
            (Change::Deadline, Lang::En) => "deadline moved",
            (Change::Unchecked, Lang::En) => "a side cannot check",
        }
    }

    fn of_bits(bits: u8) -> impl Iterator<Item = Change> {
        Change::ALL.into_iter().filter(move |c| bits & c.bit() != 0)
    }
}

/// A decision's state in the transition matrix: the three outcomes, and
/// `error` for a record that side cannot check.
pub const STATES: [&str; 4] = ["accepted", "rejected", "incomplete", "error"];

/// The label of a matrix state.
pub fn state_label(i: usize, lang: Lang) -> &'static str {
    match Outcome::ALL.get(i) {
        Some(o) => o.label(lang),
        None => match lang {
            Lang::Zh => "无法审查",
            Lang::En => "error",
        },
    }
}

/// How the two rule sets line up: fields by key, clauses by id, deadlines
/// by name.
#[derive(Debug)]
struct Align {
    /// Both declare the same fields alike: one record serves both.
    shared: bool,
    /// NEW's slot → OLD's slot of the same key and type.
    new_to_old: Vec<Option<usize>>,
    /// Clause ids of both (OLD's order, then NEW's own), scope clauses
    /// included, with a title.
    clauses: Vec<(String, String)>,
    /// OLD's clause index → `clauses` index; the scope clause last.
    old_clause: Vec<usize>,
    new_clause: Vec<usize>,
    old_scope: Option<usize>,
    new_scope: Option<usize>,
    /// Deadline names of both, with each side's clause.
    deadlines: Vec<(String, Option<usize>, Option<usize>)>,
    only_old: Vec<String>,
    only_new: Vec<String>,
    /// Keys both declare with another type or bounds.
    retyped: Vec<String>,
}

fn same_field(a: &crate::model::Field, b: &crate::model::Field) -> bool {
    a.key == b.key && a.ty == b.ty && a.min == b.min && a.max == b.max
}

impl Align {
    fn new(old: &RuleSet, new: &RuleSet, lang: Lang) -> Align {
        let shared = old.fields.len() == new.fields.len()
            && old
                .fields
                .iter()
                .zip(&new.fields)
                .all(|(a, b)| same_field(a, b));
        let mut new_to_old = Vec::with_capacity(new.fields.len());
        let mut only_new = Vec::new();
        let mut retyped = Vec::new();
        for f in &new.fields {
            match old.field(&f.key) {
                Some(o) if same_field(&old.fields[o], f) => new_to_old.push(Some(o)),
                Some(_) => {
                    retyped.push(f.key.clone());
                    new_to_old.push(None);
                }
                None => {
                    only_new.push(f.key.clone());
                    new_to_old.push(None);
                }
            }
        }
        let only_old = old
            .fields
            .iter()
            .filter(|f| new.field(&f.key).is_none())
            .map(|f| f.key.clone())
            .collect();

        let mut clauses: Vec<(String, String)> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut add = |id: &str, title: &str| -> usize {
            *index.entry(id.to_string()).or_insert_with(|| {
                clauses.push((id.to_string(), title.to_string()));
                clauses.len() - 1
            })
        };
        let old_scope = old.scope.as_ref().map(|s| add(&s.id, s.title.get(lang)));
        let old_clause = old
            .clauses
            .iter()
            .map(|c| add(&c.id, c.title.get(lang)))
            .collect();
        let new_scope = new.scope.as_ref().map(|s| add(&s.id, s.title.get(lang)));
        let new_clause = new
            .clauses
            .iter()
            .map(|c| add(&c.id, c.title.get(lang)))
            .collect();

        let mut deadlines: Vec<(String, Option<usize>, Option<usize>)> = Vec::new();
        for (i, c) in old.clauses.iter().enumerate() {
            if let Some(due) = &c.due {
                deadlines.push((due.name.clone(), Some(i), None));
            }
        }
        for (i, c) in new.clauses.iter().enumerate() {
            if let Some(due) = &c.due {
                match deadlines.iter_mut().find(|d| d.0 == due.name) {
                    Some(d) => d.2 = Some(i),
                    None => deadlines.push((due.name.clone(), None, Some(i))),
                }
            }
        }
        Align {
            shared,
            new_to_old,
            clauses,
            old_clause,
            new_clause,
            old_scope,
            new_scope,
            deadlines,
            only_old,
            only_new,
            retyped,
        }
    }

    /// The deciding clause as an index of `clauses`.
    fn deciding(&self, new: bool, d: Deciding) -> Option<usize> {
        match (d, new) {
            (Deciding::Clause(i), false) => Some(self.old_clause[i]),
            (Deciding::Clause(i), true) => Some(self.new_clause[i]),
            (Deciding::Scope, false) => self.old_scope,
            (Deciding::Scope, true) => self.new_scope,
            (Deciding::None, _) => None,
        }
    }

    /// Whether OLD's and NEW's missing keys are the same keys.
    fn same_missing(&self, old: KeySet, new: KeySet) -> bool {
        if self.shared {
            return old == new;
        }
        if old.iter().count() != new.iter().count() {
            return false;
        }
        new.iter()
            .all(|s| self.new_to_old[s].is_some_and(|o| old.contains(o)))
    }
}

/// One record's two decisions, reused from chunk to chunk.
#[derive(Debug, Default)]
struct DiffRow {
    old: Row,
    new: Row,
    /// Each deadline of `Align::deadlines`, per side.
    old_due: Vec<Option<Date>>,
    new_due: Vec<Option<Date>>,
    /// `Change` bits.
    changes: u8,
    /// Both sides failed alike (one read served both).
    same_failure: bool,
    keep: bool,
}

impl DiffRow {
    /// A decision changed (not only: neither side could check it).
    fn changed(&self) -> bool {
        self.changes != 0 && !(self.old.checked.is_none() && self.new.checked.is_none())
    }
}

/// What the workers share.
struct Pair<'p> {
    old: Ctx<'p>,
    new: Ctx<'p>,
    align: Align,
    opts: &'p Options,
}

struct DiffWorker {
    old: Worker,
    new: Worker,
}

fn evaluate(
    ctx: &Ctx,
    rec: &Record,
    trace: &mut Trace,
    scratch: &mut Vec<(Value, KeySet)>,
    job: &Job,
    (row, dues): (&mut Row, &mut Vec<Option<Date>>),
    deadlines: impl Iterator<Item = Option<usize>>,
) {
    dues.clear();
    match ctx.program.evaluate_into(rec, trace, scratch) {
        Ok(()) => {
            row.checked = Some(Checked {
                outcome: trace.outcome,
                deciding: trace.deciding,
                missing: trace.missing,
            });
            row.fired.extend(trace.fired(ctx.program));
            dues.extend(deadlines.map(|c| c.and_then(|c| trace.due(c))));
        }
        Err(e) => row.problems.push(batch::out_of_range(&e, job)),
    }
}

fn process(p: &Pair, w: &mut DiffWorker, views: (&View, &View), job: &Job, row: &mut DiffRow) {
    let a = &p.align;
    row.new.reset();
    row.old_due.clear();
    row.new_due.clear();
    row.same_failure = false;
    let loaded = batch::load_job(&p.old, &mut w.old, views.0, job, &mut row.old);
    if loaded {
        let w_old = &mut w.old;
        evaluate(
            &p.old,
            &w_old.rec,
            &mut w_old.trace,
            &mut w_old.scratch,
            job,
            (&mut row.old, &mut row.old_due),
            a.deadlines.iter().map(|d| d.1),
        );
    }
    if a.shared {
        if loaded {
            let w_new = &mut w.new;
            evaluate(
                &p.new,
                &w.old.rec,
                &mut w_new.trace,
                &mut w_new.scratch,
                job,
                (&mut row.new, &mut row.new_due),
                a.deadlines.iter().map(|d| d.2),
            );
        } else {
            row.same_failure = true;
        }
    } else if batch::load_job(&p.new, &mut w.new, views.1, job, &mut row.new) {
        let w_new = &mut w.new;
        evaluate(
            &p.new,
            &w_new.rec,
            &mut w_new.trace,
            &mut w_new.scratch,
            job,
            (&mut row.new, &mut row.new_due),
            a.deadlines.iter().map(|d| d.2),
        );
    }
    row.changes = classify(a, row);
    row.keep = match p.opts.only {
        Only::All => true,
        Only::Changed => row.changes != 0,
    };
}

fn classify(a: &Align, row: &DiffRow) -> u8 {
    let (Some(o), Some(n)) = (row.old.checked, row.new.checked) else {
        return Change::Unchecked.bit();
    };
    let mut bits = 0;
    if o.outcome != n.outcome {
        bits |= match n.outcome {
            Outcome::Rejected => Change::NewlyRejected,
            Outcome::Accepted => Change::NewlyAccepted,
            Outcome::Incomplete => Change::NewlyIncomplete,
        }
        .bit();
    } else {
        let (od, nd) = (a.deciding(false, o.deciding), a.deciding(true, n.deciding));
        if od != nd {
            bits |= Change::OtherGround.bit();
        } else if !a.same_missing(o.missing, n.missing) {
            bits |= Change::OtherMissing.bit();
        }
    }
    if deadline_moved(a, o.outcome == n.outcome, &row.old_due, &row.new_due) {
        bits |= Change::Deadline.bit();
    }
    bits
}

/// Whether a deadline's date moved: under both, or, for the same outcome,
/// under one (one that applies only to the new outcome is no news).
fn moved<T: PartialEq>(same_outcome: bool, old: &Option<T>, new: &Option<T>) -> bool {
    old != new && (same_outcome || (old.is_some() && new.is_some()))
}

/// Whether some deadline both files declare moved (`dues` as `Align::deadlines`).
fn deadline_moved<T: PartialEq>(
    a: &Align,
    same_outcome: bool,
    old: &[Option<T>],
    new: &[Option<T>],
) -> bool {
    a.deadlines
        .iter()
        .zip(old.iter().zip(new))
        .any(|(d, (o, n))| d.1.is_some() && d.2.is_some() && moved(same_outcome, o, n))
}

fn state(c: Option<Checked>) -> usize {
    c.map_or(3, |c| c.outcome as usize)
}

/// Runs a diff: reads every input, decides every record under both
/// programs, writes the records `opts.only` asks for to `out` in input
/// order, and returns the summary. Prints nothing.
pub fn run(
    old: &Program,
    new: &Program,
    inputs: Vec<Input>,
    opts: &Options,
    out: &mut dyn Write,
) -> Result<Summary, BatchError> {
    run_observed(old, new, inputs, opts, out, &mut |_| {})
}

/// [`run`], calling `observe` with the records done after each chunk.
pub fn run_observed(
    old: &Program,
    new: &Program,
    inputs: Vec<Input>,
    opts: &Options,
    out: &mut dyn Write,
    observe: &mut dyn FnMut(u64),
) -> Result<Summary, BatchError> {
    let started = Instant::now();
    let plan = input::plan(inputs, opts.follow_links).map_err(BatchError::Start)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(batch::threads(opts.jobs).0)
        .thread_name(|i| format!("shouli-diff-{i}"))
        .build()
        .map_err(|e| {
            BatchError::Start(vec![Msg::new(
                format!("无法启动工作线程：{e}"),
                format!("cannot start the worker threads: {e}"),
            )])
        })?;
    let side_opts = batch::Options {
        jobs: opts.jobs,
        lang: opts.lang,
        redact: opts.redact,
        chunk: opts.chunk,
        ..batch::Options::default()
    };
    let pair = Pair {
        old: Ctx::new(old, &side_opts),
        new: Ctx::new(new, &side_opts),
        align: Align::new(&old.rules, &new.rules, opts.lang),
        opts,
    };
    let workers: Vec<Mutex<DiffWorker>> = (0..pool.current_num_threads())
        .map(|_| {
            Mutex::new(DiffWorker {
                old: Worker::new(&pair.old),
                new: Worker::new(&pair.new),
            })
        })
        .collect();
    let mut reader = Reader::new(&old.rules, plan);
    if !pair.align.shared {
        reader = reader.with_second(&new.rules);
    }
    let mut tally = Tally::new(&pair);
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    let chunk_size = opts.chunk.max(1);
    let mut current = Slots::default();
    let mut next = Slots::default();
    reader.fill(&mut current.chunk, chunk_size);
    let mut result = Ok(());
    let mut first = true;
    while !current.chunk.jobs.is_empty() {
        pool.install(|| {
            rayon::join(
                || current.evaluate_pair(&pair, &workers),
                || reader.fill(&mut next.chunk, chunk_size),
            )
        });
        result = current.write(&pair, &mut tally, &mut out, first);
        first = false;
        if result.is_err() {
            break;
        }
        observe(tally.input);
        std::mem::swap(&mut current, &mut next);
    }
    if first && opts.format == Format::Csv {
        result = result.and_then(|()| out.write_all(CSV_HEADER.as_bytes()));
    }
    result
        .and_then(|()| out.flush())
        .map_err(|e| match e.kind() {
            io::ErrorKind::BrokenPipe => BatchError::Closed,
            _ => BatchError::Output(e),
        })?;
    let notes = reader
        .notes
        .into_iter()
        .map(|n| format!("{}: {}", n.file, n.message.get(opts.lang)))
        .collect();
    Ok(tally.summary(&pair, notes, started.elapsed()))
}

type Slots = batch::Slots<DiffRow>;

/// What diff does with a chunk: both rule sets' decisions, and the lines
/// of the records to write.
impl Slots {
    fn evaluate_pair(&mut self, pair: &Pair, workers: &[Mutex<DiffWorker>]) {
        self.evaluate(workers, |w, chunk, jobs, rows, out| {
            let old = View::of(chunk);
            let new = View {
                columns: if chunk.columns2.is_empty() {
                    &chunk.columns
                } else {
                    &chunk.columns2
                },
                ..old
            };
            let mut line = String::new();
            for (job, row) in jobs.iter().zip(rows) {
                process(pair, w, (&old, &new), job, row);
                if row.keep {
                    line.clear();
                    match pair.opts.format {
                        Format::Jsonl => jsonl(pair, row, &mut line),
                        Format::Csv => csv_line(pair, row, &mut line),
                        Format::Table => {}
                    }
                    out.extend_from_slice(line.as_bytes());
                }
            }
        });
    }

    fn write(
        &self,
        pair: &Pair,
        tally: &mut Tally,
        out: &mut dyn Write,
        first: bool,
    ) -> io::Result<()> {
        let (rows, outs) = self.done();
        for row in rows {
            tally.add(pair, row);
        }
        match pair.opts.format {
            Format::Jsonl => {}
            Format::Csv if first => out.write_all(CSV_HEADER.as_bytes())?,
            Format::Csv => {}
            Format::Table => table(pair, rows, first, out)?,
        }
        if pair.opts.format != Format::Table {
            for buf in outs {
                out.write_all(buf)?;
            }
        }
        tally.written += rows.iter().filter(|r| r.keep).count() as u64;
        Ok(())
    }
}

// ---- one record's output ---------------------------------------------------

fn json_str(out: &mut String, s: &str) {
    // serde_json escapes every control character; a &str always serialises.
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

fn side_json(pair: &Pair, row: &DiffRow, new: bool, out: &mut String) {
    let (ctx, side, dues) = if new {
        (&pair.new, &row.new, &row.new_due)
    } else {
        (&pair.old, &row.old, &row.old_due)
    };
    let rules = &ctx.program.rules;
    out.push('{');
    match side.checked {
        Some(c) => {
            let _ = write!(out, "\"outcome\":\"{}\",\"deciding\":", c.outcome.code());
            match ctx.program.deciding_id(c.deciding) {
                Some(id) => json_str(out, id),
                None => out.push_str("null"),
            }
            out.push_str(",\"missing\":[");
            for (i, slot) in c.missing.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_str(out, &rules.fields[slot].key);
            }
            out.push_str("],\"fired\":[");
            for (i, &c) in side.fired.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_str(out, &rules.clauses[c].id);
            }
            out.push_str("],\"deadlines\":{");
            let mut first = true;
            for ((name, o, n), due) in pair.align.deadlines.iter().zip(dues) {
                if (if new { n } else { o }).is_none() {
                    continue;
                }
                if !first {
                    out.push(',');
                }
                first = false;
                json_str(out, name);
                match due {
                    Some(d) => {
                        let _ = write!(out, ":\"{d}\"");
                    }
                    None => out.push_str(":null"),
                }
            }
            out.push('}');
        }
        None => out.push_str("\"outcome\":\"error\""),
    }
    let problems = if new && row.same_failure {
        &row.old.problems
    } else {
        &side.problems
    };
    for (key, errors) in [("errors", true), ("warnings", false)] {
        let mut any = false;
        for p in problems.iter().filter(|p| p.is_error() == errors) {
            out.push_str(if any { "," } else { ",\"" });
            if !any {
                out.push_str(key);
                out.push_str("\":[");
            }
            any = true;
            let (msg, _) = p.shown(pair.opts.redact);
            let _ = write!(out, "{{\"code\":\"{}\",\"message\":", p.code);
            json_str(out, msg.get(pair.opts.lang));
            out.push('}');
        }
        if any {
            out.push(']');
        }
    }
    out.push('}');
}

fn jsonl(pair: &Pair, row: &DiffRow, out: &mut String) {
    out.push_str("{\"id\":");
    json_str(out, &row.old.id);
    out.push_str(",\"source\":");
    json_str(out, &row.old.source);
    out.push_str(",\"changes\":[");
    for (i, c) in Change::of_bits(row.changes).enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "\"{}\"", c.code());
    }
    out.push_str("],\"old\":");
    side_json(pair, row, false, out);
    out.push_str(",\"new\":");
    side_json(pair, row, true, out);
    out.push_str("}\n");
}

const CSV_HEADER: &str = "id,source,changes,old_outcome,old_deciding,old_missing,old_deadlines,new_outcome,new_deciding,new_missing,new_deadlines,problems\n";

fn csv_cell(out: &mut String, text: &str) {
    let text = sanitize::csv_text(text);
    if text.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&text);
    }
}

/// A side's outcome, clause, missing keys and deadlines as short texts.
fn side_texts(pair: &Pair, row: &DiffRow, new: bool) -> [String; 4] {
    let (ctx, side, dues) = if new {
        (&pair.new, &row.new, &row.new_due)
    } else {
        (&pair.old, &row.old, &row.old_due)
    };
    let Some(c) = side.checked else {
        return ["error".into(), String::new(), String::new(), String::new()];
    };
    let rules = &ctx.program.rules;
    let missing: Vec<&str> = c
        .missing
        .iter()
        .map(|s| rules.fields[s].key.as_str())
        .collect();
    let deadlines: Vec<String> = pair
        .align
        .deadlines
        .iter()
        .zip(dues)
        .filter_map(|((name, _, _), d)| d.map(|d| format!("{name}={d}")))
        .collect();
    [
        c.outcome.code().to_string(),
        ctx.program
            .deciding_id(c.deciding)
            .unwrap_or_default()
            .to_string(),
        missing.join(";"),
        deadlines.join(";"),
    ]
}

fn problems_text(pair: &Pair, row: &DiffRow) -> String {
    let mut text = String::new();
    let sides = [("OLD", &row.old), ("NEW", &row.new)];
    for (name, side) in sides {
        if row.same_failure && name == "NEW" {
            continue;
        }
        for p in side.problems.iter().filter(|p| p.is_error()) {
            if !text.is_empty() {
                text.push_str("; ");
            }
            let (msg, _) = p.shown(pair.opts.redact);
            let shown = if row.same_failure { "OLD+NEW" } else { name };
            let _ = write!(text, "{shown} {}: {}", p.code, msg.get(pair.opts.lang));
        }
    }
    text
}

fn csv_line(pair: &Pair, row: &DiffRow, out: &mut String) {
    csv_cell(out, &row.old.id);
    out.push(',');
    csv_cell(out, &row.old.source);
    out.push(',');
    let changes: Vec<&str> = Change::of_bits(row.changes).map(Change::code).collect();
    out.push_str(&changes.join(";"));
    for new in [false, true] {
        for t in side_texts(pair, row, new) {
            out.push(',');
            csv_cell(out, &t);
        }
    }
    out.push(',');
    csv_cell(out, &esc(&problems_text(pair, row)).to_string());
    out.push('\n');
}

/// A decision in a table cell: `不予受理 2.1(3)`, `待补正 [a, b]`.
fn cell(pair: &Pair, row: &DiffRow, new: bool) -> String {
    let (ctx, side) = if new {
        (&pair.new, &row.new)
    } else {
        (&pair.old, &row.old)
    };
    let lang = pair.opts.lang;
    let Some(c) = side.checked else {
        let code = side
            .errors()
            .next()
            .or_else(|| row.old.errors().next())
            .map_or("", |p| p.code);
        return format!("{} [{code}]", state_label(3, lang));
    };
    let mut text = c.outcome.label(lang).to_string();
    if let Some(id) = ctx.program.deciding_id(c.deciding) {
        let _ = write!(text, " {id}");
    }
    if !c.missing.is_empty() {
        let keys: Vec<&str> = c
            .missing
            .iter()
            .map(|s| ctx.program.rules.fields[s].key.as_str())
            .collect();
        let _ = write!(text, " [{}]", keys.join(", "));
    }
    text
}

fn table(pair: &Pair, rows: &[DiffRow], first: bool, out: &mut dyn Write) -> io::Result<()> {
    let lang = pair.opts.lang;
    let header: [&str; 4] = match lang {
        Lang::Zh => ["编号", "原规则", "新规则", "变化"],
        Lang::En => ["id", "old rules", "new rules", "change"],
    };
    let sep = if lang == Lang::Zh { "、" } else { ", " };
    let lines: Vec<[String; 4]> = rows
        .iter()
        .filter(|r| r.keep)
        .map(|r| {
            let changes: Vec<&str> = Change::of_bits(r.changes).map(|c| c.label(lang)).collect();
            [
                esc(&r.old.id).to_string(),
                esc(&cell(pair, r, false)).to_string(),
                esc(&cell(pair, r, true)).to_string(),
                changes.join(sep),
            ]
        })
        .collect();
    let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    let mut widths = [0usize; 3];
    for l in lines.iter().map(|l| [&l[0], &l[1], &l[2]]).chain([[
        &header[0].to_string(),
        &header[1].to_string(),
        &header[2].to_string(),
    ]]) {
        for (w, s) in widths.iter_mut().zip(l) {
            *w = (*w).max(width(s));
        }
    }
    let mut text = String::new();
    let mut line = |cells: [&str; 4]| {
        for (i, c) in cells.iter().enumerate() {
            text.push_str(c);
            if i < 3 {
                text.push_str(&" ".repeat(widths[i] - width(c) + 2));
            }
        }
        text.push('\n');
    };
    if first {
        line(header);
    }
    for l in &lines {
        line([&l[0], &l[1], &l[2], &l[3]]);
    }
    out.write_all(text.as_bytes())
}

// ---- the summary ------------------------------------------------------------

/// Counts, record by record, in input order.
struct Tally {
    input: u64,
    written: u64,
    changed: u64,
    widened: u64,
    matrix: [[u64; 4]; 4],
    groups: [u64; 7],
    examples: Vec<Vec<String>>,
    /// Newly rejected, by NEW's deciding clause (`Align::clauses`).
    rejected_by: Vec<u64>,
    /// Newly accepted, by OLD's deciding clause.
    accepted_from: Vec<u64>,
    /// Newly incomplete: NEW's missing keys, by NEW's slot.
    asked_for: Vec<u64>,
    /// Other ground: (OLD clause, NEW clause).
    other_ground: HashMap<(Option<usize>, Option<usize>), u64>,
    /// Other missing: keys now asked for (NEW slot).
    now_missing: Vec<u64>,
    deadline: Vec<u64>,
    /// Unchecked: (side, code).
    unchecked: HashMap<(&'static str, &'static str), u64>,
    fired_old: Vec<u64>,
    fired_new: Vec<u64>,
    warnings: [u64; 2],
}

impl Tally {
    fn new(pair: &Pair) -> Tally {
        let a = &pair.align;
        Tally {
            input: 0,
            written: 0,
            changed: 0,
            widened: 0,
            matrix: [[0; 4]; 4],
            groups: [0; 7],
            examples: vec![Vec::new(); 7],
            rejected_by: vec![0; a.clauses.len()],
            accepted_from: vec![0; a.clauses.len()],
            asked_for: vec![0; pair.new.program.rules.fields.len()],
            other_ground: HashMap::new(),
            now_missing: vec![0; pair.new.program.rules.fields.len()],
            deadline: vec![0; a.deadlines.len()],
            unchecked: HashMap::new(),
            fired_old: vec![0; a.clauses.len()],
            fired_new: vec![0; a.clauses.len()],
            warnings: [0; 2],
        }
    }

    fn add(&mut self, pair: &Pair, row: &DiffRow) {
        let a = &pair.align;
        self.input += 1;
        self.warnings[0] += row.old.warnings().count() as u64;
        if !row.same_failure {
            self.warnings[1] += row.new.warnings().count() as u64;
        }
        self.matrix[state(row.old.checked)][state(row.new.checked)] += 1;
        for &c in &row.old.fired {
            self.fired_old[a.old_clause[c]] += 1;
        }
        for &c in &row.new.fired {
            self.fired_new[a.new_clause[c]] += 1;
        }
        if row.changed() {
            self.changed += 1;
        }
        let old_accepted = row
            .old
            .checked
            .is_some_and(|c| c.outcome == Outcome::Accepted);
        if !old_accepted
            && row
                .new
                .checked
                .is_some_and(|c| c.outcome == Outcome::Accepted)
        {
            self.widened += 1;
        }
        for change in Change::of_bits(row.changes) {
            let g = change as usize;
            self.groups[g] += 1;
            if self.examples[g].len() < pair.opts.examples {
                self.examples[g].push(row.old.id.clone());
            }
            let (o, n) = (row.old.checked, row.new.checked);
            match change {
                Change::NewlyRejected => {
                    if let Some(i) = n.and_then(|n| a.deciding(true, n.deciding)) {
                        self.rejected_by[i] += 1;
                    }
                }
                Change::NewlyAccepted => {
                    if let Some(i) = o.and_then(|o| a.deciding(false, o.deciding)) {
                        self.accepted_from[i] += 1;
                    }
                }
                Change::NewlyIncomplete => {
                    for s in n.map_or(KeySet::EMPTY, |n| n.missing).iter() {
                        self.asked_for[s] += 1;
                    }
                }
                Change::OtherGround => {
                    let key = (
                        o.and_then(|o| a.deciding(false, o.deciding)),
                        n.and_then(|n| a.deciding(true, n.deciding)),
                    );
                    *self.other_ground.entry(key).or_default() += 1;
                }
                Change::OtherMissing => {
                    let (om, nm) = (
                        o.map_or(KeySet::EMPTY, |o| o.missing),
                        n.map_or(KeySet::EMPTY, |n| n.missing),
                    );
                    for s in nm.iter() {
                        if !a.new_to_old[s].is_some_and(|o| om.contains(o)) {
                            self.now_missing[s] += 1;
                        }
                    }
                }
                Change::Deadline => {
                    let same = o.map(|o| o.outcome) == n.map(|n| n.outcome);
                    for (i, (o, n)) in row.old_due.iter().zip(&row.new_due).enumerate() {
                        let both = a.deadlines[i].1.is_some() && a.deadlines[i].2.is_some();
                        if both && moved(same, o, n) {
                            self.deadline[i] += 1;
                        }
                    }
                }
                Change::Unchecked => {
                    let (side, failed) = match (o, n) {
                        (None, None) => ("both", &row.old),
                        (None, Some(_)) => ("old", &row.old),
                        _ => ("new", &row.new),
                    };
                    let code = failed.errors().next().map_or("error", |p| p.code);
                    *self.unchecked.entry((side, code)).or_default() += 1;
                }
            }
        }
    }

    fn summary(self, pair: &Pair, notes: Vec<String>, elapsed: Duration) -> Summary {
        let a = &pair.align;
        let lang = pair.opts.lang;
        let new_rules = &pair.new.program.rules;
        let clause = |i: usize| (a.clauses[i].0.clone(), a.clauses[i].1.clone());
        let ranked = |counts: &[u64], name: &dyn Fn(usize) -> (String, String)| {
            let mut d: Vec<Detail> = counts
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(i, n)| {
                    let (what, label) = name(i);
                    Detail {
                        what,
                        label,
                        count: *n,
                    }
                })
                .collect();
            d.sort_by(|x, y| y.count.cmp(&x.count).then_with(|| x.what.cmp(&y.what)));
            d
        };
        let key = |s: usize| {
            let f = &new_rules.fields[s];
            (f.key.clone(), f.label.get(lang).to_string())
        };
        let mut groups = Vec::new();
        for change in Change::ALL {
            let g = change as usize;
            let details = match change {
                Change::NewlyRejected => ranked(&self.rejected_by, &clause),
                Change::NewlyAccepted => ranked(&self.accepted_from, &clause),
                Change::NewlyIncomplete => ranked(&self.asked_for, &key),
                Change::OtherMissing => ranked(&self.now_missing, &key),
                Change::Deadline => ranked(&self.deadline, &|i| {
                    (a.deadlines[i].0.clone(), String::new())
                }),
                Change::OtherGround => {
                    let id =
                        |i: Option<usize>| i.map_or("—".to_string(), |i| a.clauses[i].0.clone());
                    let mut d: Vec<Detail> = self
                        .other_ground
                        .iter()
                        .map(|(&(o, n), &count)| Detail {
                            what: format!("{} → {}", id(o), id(n)),
                            label: n.map_or(String::new(), |n| a.clauses[n].1.clone()),
                            count,
                        })
                        .collect();
                    d.sort_by(|x, y| y.count.cmp(&x.count).then_with(|| x.what.cmp(&y.what)));
                    d
                }
                Change::Unchecked => {
                    let mut d: Vec<Detail> = self
                        .unchecked
                        .iter()
                        .map(|(&(side, code), &count)| Detail {
                            what: format!("{side}: {code}"),
                            label: match (side, lang) {
                                ("old", Lang::Zh) => "原规则无法审查".into(),
                                ("new", Lang::Zh) => "新规则无法审查".into(),
                                (_, Lang::Zh) => "两边都无法审查".into(),
                                ("old", Lang::En) => "the old rules cannot check it".into(),
                                ("new", Lang::En) => "the new rules cannot check it".into(),
                                (_, Lang::En) => "neither side can check it".into(),
                            },
                            count,
                        })
                        .collect();
                    d.sort_by(|x, y| y.count.cmp(&x.count).then_with(|| x.what.cmp(&y.what)));
                    d
                }
            };
            groups.push(Group {
                kind: change,
                label: change.label(lang).to_string(),
                count: self.groups[g],
                examples_complete: self.examples[g].len() as u64 == self.groups[g],
                examples: self.examples[g].clone(),
                details,
            });
        }
        let mut clauses: Vec<ClauseDelta> = a
            .clauses
            .iter()
            .enumerate()
            .filter(|(i, _)| self.fired_old[*i] != self.fired_new[*i])
            .map(|(i, (id, title))| ClauseDelta {
                clause: id.clone(),
                title: title.clone(),
                old: self.fired_old[i],
                new: self.fired_new[i],
                delta: self.fired_new[i] as i64 - self.fired_old[i] as i64,
            })
            .collect();
        clauses.sort_by(|x, y| {
            y.delta
                .unsigned_abs()
                .cmp(&x.delta.unsigned_abs())
                .then_with(|| x.clause.cmp(&y.clause))
        });
        clauses.truncate(TOP_CLAUSES);
        let info = |p: &Program| RulesInfo {
            name: String::new(),
            title: p.rules.title.clone(),
            version: p.rules.version.clone(),
            digest: p.rules.digest.clone(),
        };
        let checked_both = (0..3)
            .map(|o| (0..3).map(|n| self.matrix[o][n]).sum::<u64>())
            .sum();
        Summary {
            rules: RulesPair {
                old: info(pair.old.program),
                new: info(pair.new.program),
            },
            records: DiffRecords {
                input: self.input,
                checked_both,
                changed: self.changed,
                newly_accepted: self.widened,
                written: self.written,
            },
            matrix: Matrix {
                states: STATES,
                counts: self.matrix,
            },
            groups,
            clauses,
            fields: Fields {
                shared: a.shared,
                only_old: a.only_old.clone(),
                only_new: a.only_new.clone(),
                retyped: a.retyped.clone(),
            },
            warnings: Warnings {
                old: self.warnings[0],
                new: self.warnings[1],
            },
            notes,
            elapsed_seconds: elapsed.as_secs_f64(),
            lang,
        }
    }
}

/// How many clauses the summary ranks by the change in their firing.
const TOP_CLAUSES: usize = 10;

/// The summary of a diff (`--summary FILE` is this as JSON). Ids, clause
/// ids and keys only: never a record's personal data.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub rules: RulesPair,
    pub records: DiffRecords,
    /// Old outcome (rows) × new outcome (columns).
    pub matrix: Matrix,
    /// Every kind of change, in [`Change::ALL`]'s order, with its count.
    pub groups: Vec<Group>,
    /// The clauses whose firing count changed, most changed first.
    pub clauses: Vec<ClauseDelta>,
    pub fields: Fields,
    pub warnings: Warnings,
    /// Warnings about inputs as a whole (CSV header keys).
    pub notes: Vec<String>,
    pub elapsed_seconds: f64,
    #[serde(skip)]
    pub lang: Lang,
}

#[derive(Debug, Clone, Serialize)]
pub struct RulesPair {
    pub old: RulesInfo,
    pub new: RulesInfo,
}

#[derive(Debug, Clone, Serialize)]
pub struct RulesInfo {
    /// The file (or built-in name) as given; set by the caller.
    pub name: String,
    pub title: String,
    pub version: Option<String>,
    pub digest: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DiffRecords {
    pub input: u64,
    /// Records both sides could check.
    pub checked_both: u64,
    /// Records whose decision changed, or that only one side can check.
    pub changed: u64,
    /// Records accepted under NEW and not under OLD (`--fail-on widen`).
    pub newly_accepted: u64,
    /// Records written after `--only`.
    pub written: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    pub states: [&'static str; 4],
    /// `counts[old][new]`.
    pub counts: [[u64; 4]; 4],
}

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub kind: Change,
    pub label: String,
    pub count: u64,
    /// The first ids, in input order.
    pub examples: Vec<String>,
    pub examples_complete: bool,
    /// By clause (newly rejected: NEW's ground; newly accepted: OLD's),
    /// key (newly incomplete, other missing: the facts now asked for),
    /// deadline name, clause pair (other ground) or side and error code.
    pub details: Vec<Detail>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Detail {
    pub what: String,
    pub label: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClauseDelta {
    pub clause: String,
    pub title: String,
    pub old: u64,
    pub new: u64,
    pub delta: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Fields {
    /// Both declare the same fields alike (each record read once).
    pub shared: bool,
    /// Keys only OLD declares: unknown under NEW.
    pub only_old: Vec<String>,
    /// Keys only NEW declares: unknown under OLD.
    pub only_new: Vec<String>,
    /// Keys both declare with another type or bounds: each side reads its own.
    pub retyped: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Warnings {
    pub old: u64,
    pub new: u64,
}

impl Summary {
    /// Whether some decision changed.
    pub fn changed(&self) -> bool {
        self.records.changed > 0
    }

    /// The summary as text for stderr.
    pub fn render(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let colon = if zh { "：" } else { ": " };
        let mut out = String::new();
        let name = |r: &RulesInfo| {
            let mut s = r.title.clone();
            if let Some(v) = &r.version {
                let _ = write!(s, " {v}");
            }
            if !r.name.is_empty() {
                let _ = write!(s, " ({})", r.name);
            }
            s
        };
        let _ = writeln!(
            out,
            "{}{colon}{} → {}",
            if zh {
                "规则修改的影响"
            } else {
                "What the edit changes"
            },
            name(&self.rules.old),
            name(&self.rules.new)
        );
        let r = &self.records;
        let _ = if zh {
            writeln!(
                out,
                "记录：读入 {} 条，两边都能审查 {} 条，结论改变 {} 条（其中改为受理 {} 条），写出 {} 条",
                r.input, r.checked_both, r.changed, r.newly_accepted, r.written
            )
        } else {
            writeln!(
                out,
                "Records: {} read, {} checked by both, {} changed ({} newly accepted), {} written",
                r.input, r.checked_both, r.changed, r.newly_accepted, r.written
            )
        };
        let _ = writeln!(
            out,
            "{}",
            if zh {
                "结论对照（行：原规则，列：新规则）："
            } else {
                "Outcomes (rows: old rules, columns: new rules):"
            }
        );
        let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
        let labels: Vec<&str> = (0..4).map(|i| state_label(i, lang)).collect();
        let first = labels.iter().map(|l| width(l)).max().unwrap_or(0) + 2;
        let col = labels.iter().map(|l| width(l)).max().unwrap_or(0).max(8) + 2;
        let pad = |s: &str, w: usize| " ".repeat(w.saturating_sub(width(s)));
        out.push_str(&" ".repeat(first + 2));
        for l in &labels {
            let _ = write!(out, "{}{l}", pad(l, col));
        }
        out.push('\n');
        for (i, l) in labels.iter().enumerate() {
            let _ = write!(out, "  {l}{}", pad(l, first));
            for n in self.matrix.counts[i] {
                let n = n.to_string();
                let _ = write!(out, "{}{n}", pad(&n, col));
            }
            out.push('\n');
        }
        for g in self.groups.iter().filter(|g| g.count > 0) {
            let _ = write!(out, "{}{colon}{}", g.label, g.count);
            if zh {
                out.push_str(" 条");
            }
            out.push('\n');
            for d in g.details.iter().take(5) {
                let label = if d.label.is_empty() {
                    String::new()
                } else {
                    format!("  {}", d.label)
                };
                let _ = writeln!(out, "    {:>7}  {}{label}", d.count, d.what);
            }
            if g.examples.is_empty() {
                continue;
            }
            let shown: Vec<String> = g.examples.iter().map(|id| esc(id).to_string()).collect();
            let more = if g.examples_complete { "" } else { " …" };
            let _ = writeln!(
                out,
                "    {}{colon}{}{more}",
                if zh { "例" } else { "e.g." },
                shown.join(", ")
            );
        }
        if !self.clauses.is_empty() {
            let _ = writeln!(
                out,
                "{}",
                if zh {
                    "触发次数变化最多的条款（原 → 新）："
                } else {
                    "Clauses whose firing changed most (old → new):"
                }
            );
            let w = self
                .clauses
                .iter()
                .map(|c| c.clause.len())
                .max()
                .unwrap_or(0);
            for c in &self.clauses {
                let _ = writeln!(
                    out,
                    "  {:<w$}  {:>7} → {:<7} ({:+})  {}",
                    c.clause, c.old, c.new, c.delta, c.title
                );
            }
        }
        let f = &self.fields;
        for (keys, zh_text, en_text) in [
            (
                &f.only_old,
                "仅原规则声明（新规则下未知）",
                "declared only in the old rules (unknown under the new)",
            ),
            (
                &f.only_new,
                "仅新规则声明（原规则下未知）",
                "declared only in the new rules (unknown under the old)",
            ),
            (&f.retyped, "类型或范围改变", "type or bounds changed"),
        ] {
            if !keys.is_empty() {
                let _ = writeln!(
                    out,
                    "{}{colon}{}",
                    if zh { zh_text } else { en_text },
                    keys.join(", ")
                );
            }
        }
        if self.warnings.old + self.warnings.new > 0 || !self.notes.is_empty() {
            let _ = if zh {
                writeln!(
                    out,
                    "提醒：原规则 {} 条，新规则 {} 条",
                    self.warnings.old, self.warnings.new
                )
            } else {
                writeln!(
                    out,
                    "Warnings: {} under the old rules, {} under the new",
                    self.warnings.old, self.warnings.new
                )
            };
            for n in &self.notes {
                let _ = writeln!(out, "  {}", esc(n));
            }
        }
        sanitize::escape_lines(&out).into_owned()
    }
}

// ---- the rule files' own examples -------------------------------------------

/// An example whose result differs under the two rule files.
#[derive(Debug, Clone, Serialize)]
pub struct ExampleChange {
    pub name: String,
    /// `old`, `new` or `both`: the files the example is in.
    pub from: &'static str,
    pub changes: Vec<Change>,
    pub old: Option<ExampleResult>,
    pub new: Option<ExampleResult>,
}

/// An example's result (`None` where date arithmetic left the calendar).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExampleResult {
    pub outcome: &'static str,
    pub deciding: String,
    pub missing: Vec<String>,
    pub deadlines: Vec<(String, Option<String>)>,
}

impl From<Actual> for ExampleResult {
    fn from(a: Actual) -> ExampleResult {
        ExampleResult {
            outcome: a.outcome.code(),
            deciding: a.deciding,
            missing: a.missing,
            deadlines: a.deadlines,
        }
    }
}

/// The examples of both files, compared.
#[derive(Debug, Clone, Serialize)]
pub struct ExamplesDiff {
    pub examples: usize,
    pub changed: Vec<ExampleChange>,
}

/// A record of `from`'s field table in `to`'s: each key both declare
/// alike keeps its value (enum values by code); any other key is absent.
pub fn translate(from: &RuleSet, rec: &Record, to: &RuleSet) -> Record {
    let mut out = Record::new(to.fields.len());
    for (slot, f) in to.fields.iter().enumerate() {
        let Some(src) = from.field(&f.key) else {
            continue;
        };
        let g = &from.fields[src];
        let value = rec.get(src);
        let enum_index = |i: u16| -> Option<u16> {
            let code = &g.ty.values().get(i as usize)?.code;
            f.ty.values()
                .iter()
                .position(|v| &v.code == code)
                .map(|p| p as u16)
        };
        let v = match (value, &g.ty, &f.ty) {
            (Value::Absent, _, _) => continue,
            (Value::Enum(i), FieldType::Enum(_), FieldType::Enum(_)) => match enum_index(i) {
                Some(j) => Value::Enum(j),
                None => continue,
            },
            (Value::Set(bits), FieldType::List(_), FieldType::List(_)) => {
                let mut set = 0u64;
                for i in 0..64u16 {
                    if bits & (1 << i) != 0 {
                        match enum_index(i) {
                            Some(j) => set |= 1 << j,
                            None => continue,
                        }
                    }
                }
                Value::Set(set)
            }
            (Value::Text(r), FieldType::Text, FieldType::Text) => out.push_text(rec.text(r)),
            (v, a, b) if a == b && g.min == f.min && g.max == f.max => v,
            _ => continue,
        };
        out.set(slot, v);
    }
    out
}

fn result_of(program: &Program, rec: &Record) -> Option<ExampleResult> {
    program
        .evaluate(rec)
        .ok()
        .map(|t| actual_of(program, &t).into())
}

fn example_changes(old: &Option<ExampleResult>, new: &Option<ExampleResult>) -> Vec<Change> {
    let (Some(o), Some(n)) = (old, new) else {
        return if old.is_none() && new.is_none() {
            Vec::new()
        } else {
            vec![Change::Unchecked]
        };
    };
    let mut changes = Vec::new();
    if o.outcome != n.outcome {
        changes.push(match n.outcome {
            "rejected" => Change::NewlyRejected,
            "accepted" => Change::NewlyAccepted,
            _ => Change::NewlyIncomplete,
        });
    } else if o.deciding != n.deciding {
        changes.push(Change::OtherGround);
    } else if o.missing != n.missing {
        changes.push(Change::OtherMissing);
    }
    let due = |r: &ExampleResult, name: &str| {
        r.deadlines
            .iter()
            .find(|d| d.0 == name)
            .and_then(|d| d.1.clone())
    };
    // The deadlines both files declare.
    let same = o.outcome == n.outcome;
    if o.deadlines
        .iter()
        .filter(|d| n.deadlines.iter().any(|e| e.0 == d.0))
        .any(|d| moved(same, &due(o, &d.0), &due(n, &d.0)))
    {
        changes.push(Change::Deadline);
    }
    changes
}

/// Runs every example of both rule files under both, and returns those
/// whose result changed. An example in one file only is read into the
/// other's fields ([`translate`]); one in both (by name) is each file's own.
pub fn compare_examples(old: &Program, new: &Program) -> ExamplesDiff {
    let mut changed = Vec::new();
    let mut examples = 0;
    for e in &old.rules.examples {
        examples += 1;
        let (from, new_rec) = match new.rules.examples.iter().find(|n| n.name == e.name) {
            Some(n) => ("both", n.record.clone()),
            None => ("old", translate(&old.rules, &e.record, &new.rules)),
        };
        let o = result_of(old, &e.record);
        let n = result_of(new, &new_rec);
        let changes = example_changes(&o, &n);
        if !changes.is_empty() {
            changed.push(ExampleChange {
                name: e.name.clone(),
                from,
                changes,
                old: o,
                new: n,
            });
        }
    }
    for e in &new.rules.examples {
        if old.rules.examples.iter().any(|o| o.name == e.name) {
            continue;
        }
        examples += 1;
        let o = result_of(old, &translate(&new.rules, &e.record, &old.rules));
        let n = result_of(new, &e.record);
        let changes = example_changes(&o, &n);
        if !changes.is_empty() {
            changed.push(ExampleChange {
                name: e.name.clone(),
                from: "new",
                changes,
                old: o,
                new: n,
            });
        }
    }
    ExamplesDiff { examples, changed }
}

impl ExamplesDiff {
    /// The changed examples as text.
    pub fn render(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let mut out = String::new();
        let _ = if zh {
            writeln!(
                out,
                "规则文件的示例：共 {} 个，结果改变 {} 个",
                self.examples,
                self.changed.len()
            )
        } else {
            writeln!(
                out,
                "The rule files' examples: {}, {} with another result",
                self.examples,
                self.changed.len()
            )
        };
        let show = |r: &Option<ExampleResult>| match r {
            None => state_label(3, lang).to_string(),
            Some(r) => {
                let outcome = Outcome::from_code(r.outcome).map_or(r.outcome, |o| o.label(lang));
                let mut s = outcome.to_string();
                if !r.deciding.is_empty() {
                    let _ = write!(s, " {}", r.deciding);
                }
                if !r.missing.is_empty() {
                    let _ = write!(s, " [{}]", r.missing.join(", "));
                }
                for (name, d) in &r.deadlines {
                    let _ = write!(s, " {name}={}", d.as_deref().unwrap_or("—"));
                }
                s
            }
        };
        for c in &self.changed {
            let from = match (c.from, zh) {
                ("old", true) => "（仅原规则文件）",
                ("new", true) => "（仅新规则文件）",
                ("old", false) => " (old file only)",
                ("new", false) => " (new file only)",
                _ => "",
            };
            let labels: Vec<&str> = c.changes.iter().map(|ch| ch.label(lang)).collect();
            let _ = writeln!(
                out,
                "  {}{from}{}{}\n    {} → {}",
                c.name,
                if zh { "：" } else { ": " },
                labels.join(if zh { "、" } else { ", " }),
                show(&c.old),
                show(&c.new)
            );
        }
        sanitize::escape_lines(&out).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = include_str!("../rules/guideline.rules");

    #[test]
    fn a_file_against_itself_changes_nothing() {
        let old = crate::load::load_rules("old.rules", OLD.as_bytes()).expect("loads");
        let new = crate::load::load_rules("new.rules", OLD.as_bytes()).expect("loads");
        let d = compare_examples(&old, &new);
        assert!(d.examples > 0);
        assert!(d.changed.is_empty(), "{:?}", d.changed);
        let align = Align::new(&old.rules, &new.rules, Lang::En);
        assert!(align.shared);
        assert!(align.only_new.is_empty() && align.only_old.is_empty());
    }

    #[test]
    fn translate_keeps_keys_both_declare_and_drops_the_rest() {
        let old = crate::load::load_rules("old.rules", OLD.as_bytes()).expect("loads");
        let e = &old.rules.examples[0];
        let same = translate(&old.rules, &e.record, &old.rules);
        assert_eq!(same.present(), e.record.present());
        for s in e.record.present().iter() {
            match (e.record.get(s), same.get(s)) {
                (Value::Text(a), Value::Text(b)) => assert_eq!(e.record.text(a), same.text(b)),
                (a, b) => assert_eq!(a, b),
            }
        }
    }
}
