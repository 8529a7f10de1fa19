//! Batch outputs: JSON Lines (written per record by the workers), CSV
//! (rendered per record by the workers) and an aligned table (laid out in
//! order from the chunk's rows). The words of a CSV line and a table cell
//! are `report::row`'s; this module orchestrates and writes the bytes.

use std::fmt;
use std::io::{self, Write};

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use super::{Ctx, Format, Problem, Row};
use crate::audit::Audit;
use crate::eval::Trace;
#[cfg(debug_assertions)]
use crate::model::Outcome;
use crate::record::Record;
use crate::report::jsonl;
use crate::report::row::{Scratch, problems_text};
#[cfg(debug_assertions)]
use crate::report::{self, Report};

/// A checked record's line as serde writes it: debug builds hold the
/// written line to it.
#[cfg(debug_assertions)]
#[derive(Serialize)]
struct CheckedLine<'a> {
    #[serde(flatten)]
    report: &'a Report<'a>,
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    audit: Option<AuditJson<'a>>,
}

#[cfg(debug_assertions)]
#[derive(Serialize)]
struct AuditJson<'a> {
    flags: Vec<&'a str>,
    recorded_outcome: Option<&'static str>,
    recorded_clause: Option<&'a str>,
    outcome_agrees: Option<bool>,
    clause_agrees: Option<bool>,
    breaches: Vec<BreachJson<'a>>,
}

#[cfg(debug_assertions)]
#[derive(Serialize)]
struct BreachJson<'a> {
    clause: &'a str,
    due: String,
    done: String,
    days_late: i64,
}

#[cfg(debug_assertions)]
impl<'a> AuditJson<'a> {
    fn new(ctx: &'a Ctx, row: &'a Row) -> Option<AuditJson<'a>> {
        let a: &Audit = &row.audit;
        if !a.recorded {
            return None;
        }
        let fields = &ctx.audit;
        let breaches = row
            .breaches(fields)
            .map(|(_, b)| BreachJson {
                clause: &ctx.program.rules.clauses[b.clause].id,
                due: b.due.to_string(),
                done: b.done.to_string(),
                days_late: b.days_late(),
            })
            .collect();
        Some(AuditJson {
            flags: a.flags().map(|f| f.code(fields)).collect(),
            recorded_outcome: a.recorded_outcome.map(Outcome::code),
            recorded_clause: a.recorded_clause.map(|_| row.recorded_clause.as_str()),
            outcome_agrees: a.outcome_agrees,
            clause_agrees: a.clause_agrees,
            breaches,
        })
    }
}

#[derive(Serialize)]
struct ErrorLine<'a> {
    id: &'a str,
    outcome: &'static str,
    source: &'a str,
    /// Every problem, errors then warnings, one line each, in `--lang`.
    message: String,
    errors: Vec<ProblemJson<'a>>,
    warnings: Vec<ProblemJson<'a>>,
}

#[derive(Serialize)]
struct ProblemJson<'a> {
    code: &'static str,
    line: Option<u64>,
    column: Option<usize>,
    message: &'a crate::diag::Msg,
    help: Option<&'a crate::diag::Msg>,
}

/// `,"audit":{…}` of a record with `recorded.*` keys, as serde writes
/// [`AuditJson`] (debug builds hold it to it), without allocating.
fn audit_json(ctx: &Ctx, row: &Row, out: &mut Vec<u8>) {
    let a: &Audit = &row.audit;
    if !a.recorded {
        return;
    }
    let fields = &ctx.audit;
    let opt_bool = |out: &mut Vec<u8>, b: Option<bool>| {
        out.extend_from_slice(match b {
            Some(true) => b"true",
            Some(false) => b"false",
            None => b"null",
        })
    };
    out.extend_from_slice(b",\"audit\":{\"flags\":[");
    for (k, f) in a.flags().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        jsonl::string(out, f.code(fields));
    }
    out.extend_from_slice(b"],\"recorded_outcome\":");
    match a.recorded_outcome {
        Some(o) => jsonl::string(out, o.code()),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"recorded_clause\":");
    match a.recorded_clause {
        Some(_) => jsonl::string(out, &row.recorded_clause),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"outcome_agrees\":");
    opt_bool(out, a.outcome_agrees);
    out.extend_from_slice(b",\"clause_agrees\":");
    opt_bool(out, a.clause_agrees);
    out.extend_from_slice(b",\"breaches\":[");
    for (k, (_, b)) in row.breaches(fields).enumerate() {
        if k > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"clause\":");
        jsonl::string(out, &ctx.program.rules.clauses[b.clause].id);
        let _ = write!(
            out,
            ",\"due\":\"{}\",\"done\":\"{}\",\"days_late\":{}}}",
            b.due,
            b.done,
            b.days_late()
        );
    }
    out.extend_from_slice(b"]}");
}

/// A record's problem among its report's warnings: `file:line: message`.
struct Warning<'a> {
    file: &'a str,
    line: Option<u64>,
    message: &'a str,
}

impl fmt::Display for Warning<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// One JSON Lines record into `out`: a checked record's report written by
/// `ctx.jsonl` from the trace, then its `source` and `audit`.
pub(super) fn jsonl(ctx: &Ctx, rec: &Record, trace: &Trace, row: &Row, out: &mut Vec<u8>) {
    let opts = ctx.opts;
    let written = if row.checked.is_some() {
        #[cfg(debug_assertions)]
        let start = out.len();
        let warnings = row.warnings().map(|p| Warning {
            file: &row.file,
            line: p.line,
            message: p.shown(opts.redact).0.get(opts.lang),
        });
        ctx.jsonl.write_fields(out, rec, trace, &row.id, warnings);
        out.extend_from_slice(b",\"source\":");
        jsonl::string(out, &row.source);
        audit_json(ctx, row, out);
        out.push(b'}');
        #[cfg(debug_assertions)]
        same_as_serde(ctx, rec, trace, row, &out[start..]);
        Ok(())
    } else {
        let mut message = String::new();
        problems_text(row, opts.lang, opts.redact, "\n", &mut message);
        let json = |p| {
            let (message, help) = Problem::shown(p, opts.redact);
            ProblemJson {
                code: p.code,
                line: p.line,
                column: p.column,
                message,
                help,
            }
        };
        serde_json::to_writer(
            &mut *out,
            &ErrorLine {
                id: &row.id,
                outcome: "error",
                source: &row.source,
                message,
                errors: row.errors().map(json).collect(),
                warnings: row.warnings().map(json).collect(),
            },
        )
    };
    // Serializing these structures into memory cannot fail.
    debug_assert!(written.is_ok());
    out.push(b'\n');
}

/// Debug builds: the line just written, `ours`, is the one
/// serde writes from `report::build`.
#[cfg(debug_assertions)]
fn same_as_serde(ctx: &Ctx, rec: &Record, trace: &Trace, row: &Row, ours: &[u8]) {
    let opts = ctx.opts;
    let warnings = row
        .warnings()
        .map(|p| {
            let (message, _) = p.shown(opts.redact);
            match p.line {
                Some(line) => format!("{}:{line}: {}", row.file, message.get(opts.lang)),
                None => format!("{}: {}", row.file, message.get(opts.lang)),
            }
        })
        .collect();
    let report = report::build(
        ctx.program,
        rec,
        trace,
        &row.id,
        warnings,
        report::Options {
            lang: opts.lang,
            redact: opts.redact,
        },
    );
    let expected = serde_json::to_vec(&CheckedLine {
        report: &report,
        source: &row.source,
        audit: AuditJson::new(ctx, row),
    })
    .unwrap_or_default();
    debug_assert!(
        ours == expected.as_slice(),
        "a JSON Lines report differs from serde's:\n{}\n{}",
        String::from_utf8_lossy(ours),
        String::from_utf8_lossy(&expected)
    );
}

/// Writes the CSV header and the table in order; a CSV line is rendered
/// on a pool thread by [`Writer::csv_line`].
pub(super) struct Writer {
    format: Format,
    started: bool,
    line: String,
    cell: String,
    scratch: Scratch,
    /// Table: the width of each column but the last.
    widths: Vec<usize>,
}

/// The widest an id column grows.
const MAX_ID_WIDTH: usize = 40;

impl Writer {
    pub fn new(ctx: &Ctx) -> Writer {
        Writer {
            format: ctx.opts.format,
            started: false,
            line: String::new(),
            cell: String::new(),
            scratch: Scratch::default(),
            widths: Vec::new(),
        }
    }

    /// Writes the header before the first chunk. The table's columns are
    /// as wide as the first chunk needs (so output never waits for the
    /// whole input); a later, longer value just pushes its row out.
    pub fn begin(&mut self, ctx: &Ctx, rows: &[Row], out: &mut dyn Write) -> io::Result<()> {
        if self.started {
            return Ok(());
        }
        self.started = true;
        let r = ctx.rows();
        match self.format {
            Format::Jsonl => Ok(()),
            Format::Csv => out.write_all(r.csv_header().as_bytes()),
            Format::Table => {
                let columns = r.table_columns();
                let last = columns - 1;
                self.widths = (0..last).map(|i| r.table_header(i).width()).collect();
                for row in rows.iter().filter(|r| r.keep) {
                    for i in 0..last {
                        r.table_cell(&mut self.scratch, row, i, &mut self.cell);
                        let width = self.cell.width().min(MAX_ID_WIDTH);
                        self.widths[i] = self.widths[i].max(width);
                    }
                }
                self.line.clear();
                for i in 0..columns {
                    self.push_padded(r.table_header(i), i);
                }
                self.end_line();
                for i in 0..columns {
                    let width = if i < last {
                        self.widths[i]
                    } else {
                        r.table_header(i).width()
                    };
                    self.line.push_str(&"-".repeat(width));
                    self.line.push_str("  ");
                }
                self.end_line();
                out.write_all(self.line.as_bytes())
            }
        }
    }

    /// Writes the header if no record came.
    pub fn finish(&mut self, ctx: &Ctx, out: &mut dyn Write) -> io::Result<()> {
        self.begin(ctx, &[], out)
    }

    fn push_padded(&mut self, text: &str, column: usize) {
        self.line.push_str(text);
        if column < self.widths.len() {
            let pad = self.widths[column].saturating_sub(text.width());
            self.line.extend(std::iter::repeat_n(' ', pad + 2));
        }
    }

    fn end_line(&mut self) {
        let trimmed = self.line.trim_end_matches(' ').len();
        self.line.truncate(trimmed);
        self.line.push('\n');
    }

    /// Writes a record's row of the table.
    pub fn table_row(&mut self, ctx: &Ctx, row: &Row, out: &mut dyn Write) -> io::Result<()> {
        let r = ctx.rows();
        self.line.clear();
        for i in 0..r.table_columns() {
            r.table_cell(&mut self.scratch, row, i, &mut self.cell);
            let cell = std::mem::take(&mut self.cell);
            self.push_padded(&cell, i);
            self.cell = cell;
        }
        self.end_line();
        out.write_all(self.line.as_bytes())
    }

    /// Appends a record's CSV line to `out` (on a pool thread: the header
    /// is written by the main thread's `begin`).
    pub fn csv_line(&mut self, ctx: &Ctx, row: &Row, out: &mut Vec<u8>) {
        self.line.clear();
        ctx.rows().csv_row(&mut self.scratch, row, &mut self.line);
        out.extend_from_slice(self.line.as_bytes());
    }
}
