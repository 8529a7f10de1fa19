//! Batch outputs: JSON Lines (written per record by the workers), CSV and
//! an aligned table (written in order from the chunk's rows).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use super::{Ctx, Format, Problem, Row};
use crate::audit::{Audit, Breach, Flag};
use crate::diag::Lang;
use crate::eval::{Deciding, Trace};
use crate::model::Outcome;
use crate::record::Record;
use crate::report::{self, Report};
use crate::sanitize;

#[derive(Serialize)]
struct CheckedLine<'a> {
    #[serde(flatten)]
    report: &'a Report<'a>,
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    audit: Option<AuditJson<'a>>,
}

#[derive(Serialize)]
struct AuditJson<'a> {
    flags: Vec<&'static str>,
    recorded_outcome: Option<&'static str>,
    recorded_clause: Option<&'a str>,
    outcome_agrees: Option<bool>,
    clause_agrees: Option<bool>,
    breaches: Vec<BreachJson<'a>>,
}

#[derive(Serialize)]
struct BreachJson<'a> {
    clause: &'a str,
    due: String,
    done: String,
    days_late: i64,
}

impl<'a> AuditJson<'a> {
    fn new(ctx: &'a Ctx, row: &'a Row) -> Option<AuditJson<'a>> {
        let a: &Audit = &row.audit;
        if !a.recorded {
            return None;
        }
        let breach = |b: &Breach| BreachJson {
            clause: &ctx.program.rules.clauses[b.clause].id,
            due: b.due.to_string(),
            done: b.done.to_string(),
            days_late: b.days_late(),
        };
        Some(AuditJson {
            flags: a.flags().map(Flag::code).collect(),
            recorded_outcome: a.recorded_outcome.map(Outcome::code),
            recorded_clause: a.recorded_clause.map(|_| row.recorded_clause.as_str()),
            outcome_agrees: a.outcome_agrees,
            clause_agrees: a.clause_agrees,
            breaches: a
                .notify
                .iter()
                .chain(a.resolve.iter())
                .map(breach)
                .collect(),
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

/// Every problem of a record, its errors then its warnings (a key the rules
/// do not declare, an empty record: often why it was decided as it was).
fn problems_text(row: &Row, lang: Lang, redact: bool, sep: &str, out: &mut String) {
    for (i, p) in row.errors().chain(row.warnings()).enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        p.render_into(out, &row.file, lang, redact);
    }
}

/// One JSON Lines record into `out`.
pub(super) fn jsonl(ctx: &Ctx, rec: &Record, trace: &Trace, row: &Row, out: &mut Vec<u8>) {
    let opts = ctx.opts;
    let written = if row.checked.is_some() {
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
        serde_json::to_writer(
            &mut *out,
            &CheckedLine {
                report: &report,
                source: &row.source,
                audit: AuditJson::new(ctx, row),
            },
        )
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

const CSV_HEADER: &str = "id,source,outcome,deciding,fired,missing,notify_by,resolve_by,audit,recorded_outcome,recorded_clause,message\n";

/// Writes CSV and table rows in order.
pub(super) struct Writer {
    format: Format,
    started: bool,
    line: String,
    cell: String,
    /// Missing-key slots, sorted by key.
    order: Vec<usize>,
    /// Table: the width of each column but the last.
    widths: [usize; 6],
}

struct TableWords {
    headers: [&'static str; 7],
    error: &'static str,
    agrees: &'static str,
    flags: [&'static str; 4],
    missing: &'static str,
    also: &'static str,
    list_sep: &'static str,
    /// Between field labels, which may themselves hold `、`.
    label_sep: &'static str,
}

const TABLE_ZH: TableWords = TableWords {
    headers: [
        "编号",
        "结论",
        "条款",
        "告知期限",
        "结果期限",
        "审计",
        "说明",
    ],
    error: "无法审查",
    agrees: "相符",
    flags: ["结论不符", "条款不符", "逾期告知", "逾期结果"],
    missing: "尚缺：",
    also: "；另有 ",
    list_sep: "、",
    label_sep: "；",
};

const TABLE_EN: TableWords = TableWords {
    headers: [
        "Case",
        "Outcome",
        "Clause",
        "Notify by",
        "Result by",
        "Audit",
        "Notes",
    ],
    error: "error",
    agrees: "agrees",
    flags: [
        "outcome differs",
        "clause differs",
        "notified late",
        "resolved late",
    ],
    missing: "missing: ",
    also: "; also ",
    list_sep: ", ",
    label_sep: ", ",
};

/// The widest an id column grows.
const MAX_ID_WIDTH: usize = 40;

impl Writer {
    pub fn new(ctx: &Ctx) -> Writer {
        Writer {
            format: ctx.opts.format,
            started: false,
            line: String::new(),
            cell: String::new(),
            order: Vec::new(),
            widths: [0; 6],
        }
    }

    fn words(lang: Lang) -> &'static TableWords {
        match lang {
            Lang::Zh => &TABLE_ZH,
            Lang::En => &TABLE_EN,
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
        match self.format {
            Format::Jsonl => Ok(()),
            Format::Csv => out.write_all(CSV_HEADER.as_bytes()),
            Format::Table => {
                let w = Writer::words(ctx.opts.lang);
                for (i, h) in w.headers[..6].iter().enumerate() {
                    self.widths[i] = h.width();
                }
                for row in rows.iter().filter(|r| r.keep) {
                    for i in 0..6 {
                        self.table_cell(ctx, row, i);
                        let width = self.cell.width().min(MAX_ID_WIDTH);
                        self.widths[i] = self.widths[i].max(width);
                    }
                }
                self.line.clear();
                for (i, h) in w.headers.iter().enumerate() {
                    self.push_padded(h, i);
                }
                self.end_line();
                for i in 0..7 {
                    let width = if i < 6 {
                        self.widths[i]
                    } else {
                        w.headers[6].width()
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
        if column < 6 {
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
        self.line.clear();
        for i in 0..7 {
            self.table_cell(ctx, row, i);
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
        self.csv_row(ctx, row);
        out.extend_from_slice(self.line.as_bytes());
    }

    /// Puts the missing keys of a row, sorted by key, in `self.order`.
    fn sort_missing(&mut self, ctx: &Ctx, row: &Row) {
        self.order.clear();
        if let Some(c) = row.checked {
            let fields = &ctx.program.rules.fields;
            self.order.extend(c.missing.iter());
            self.order
                .sort_by(|a, b| fields[*a].key.cmp(&fields[*b].key));
        }
    }

    fn csv_row(&mut self, ctx: &Ctx, row: &Row) {
        let rules = &ctx.program.rules;
        let opts = ctx.opts;
        let c = row.checked;
        csv_field(&mut self.line, &row.id);
        self.line.push(',');
        csv_field(&mut self.line, &row.source);
        self.line.push(',');
        self.line.push_str(c.map_or("error", |c| c.outcome.code()));
        self.line.push(',');
        if let Some(c) = c {
            csv_field(
                &mut self.line,
                ctx.program.deciding_id(c.deciding).unwrap_or_default(),
            );
        }
        self.line.push(',');
        self.cell.clear();
        for (i, f) in row.fired.iter().enumerate() {
            if i > 0 {
                self.cell.push(';');
            }
            self.cell.push_str(&rules.clauses[*f].id);
        }
        csv_field(&mut self.line, &self.cell);
        self.line.push(',');
        self.sort_missing(ctx, row);
        for (i, slot) in self.order.iter().enumerate() {
            if i > 0 {
                self.line.push(';');
            }
            self.line.push_str(&rules.fields[*slot].key);
        }
        self.line.push(',');
        if let Some(d) = c.and_then(|c| c.notify_by) {
            let _ = write!(self.line, "{d}");
        }
        self.line.push(',');
        if let Some(d) = c.and_then(|c| c.resolve_by) {
            let _ = write!(self.line, "{d}");
        }
        self.line.push(',');
        for (i, flag) in row.audit.flags().enumerate() {
            if i > 0 {
                self.line.push(';');
            }
            self.line.push_str(flag.code());
        }
        self.line.push(',');
        if let Some(o) = row.audit.recorded_outcome {
            self.line.push_str(o.code());
        }
        self.line.push(',');
        csv_field(&mut self.line, &row.recorded_clause);
        self.line.push(',');
        self.cell.clear();
        problems_text(row, opts.lang, opts.redact, " | ", &mut self.cell);
        csv_field(&mut self.line, &self.cell);
        self.line.push('\n');
    }

    /// The text of table column `i` for a row, in `self.cell`.
    fn table_cell(&mut self, ctx: &Ctx, row: &Row, i: usize) {
        let lang = ctx.opts.lang;
        let w = Writer::words(lang);
        self.cell.clear();
        let c = row.checked;
        match i {
            0 => self.cell.push_str(&row.id),
            1 => self
                .cell
                .push_str(c.map_or(w.error, |c| c.outcome.label(lang))),
            2 => {
                if let Some(c) = c {
                    self.cell
                        .push_str(ctx.program.deciding_id(c.deciding).unwrap_or_default());
                }
            }
            3 | 4 => {
                let date = c.and_then(|c| if i == 3 { c.notify_by } else { c.resolve_by });
                match date {
                    Some(d) => {
                        let _ = write!(self.cell, "{d}");
                    }
                    None if c.is_some() => self.cell.push('-'),
                    None => {}
                }
            }
            5 => {
                let a = &row.audit;
                if a.recorded && c.is_some() {
                    let mut any = false;
                    for (k, flag) in Flag::ALL.into_iter().enumerate() {
                        if a.has(flag) {
                            if any {
                                self.cell.push_str(w.list_sep);
                            }
                            self.cell.push_str(w.flags[k]);
                            any = true;
                        }
                    }
                    if !any {
                        self.cell.push_str(w.agrees);
                    }
                }
            }
            _ => self.note(ctx, row, w),
        }
        // Ids, recorded clauses and messages come from the input.
        if let Cow::Owned(shown) = sanitize::escape(&self.cell) {
            self.cell = shown;
        }
    }

    /// The last column: why, what is missing, or what went wrong; and what
    /// the archive recorded where the audit found a difference.
    fn note(&mut self, ctx: &Ctx, row: &Row, w: &TableWords) {
        let lang = ctx.opts.lang;
        let rules = &ctx.program.rules;
        let Some(c) = row.checked else {
            let mut text = std::mem::take(&mut self.cell);
            problems_text(row, lang, ctx.opts.redact, " | ", &mut text);
            self.cell = text;
            return;
        };
        let title = ctx.program.deciding_title(c.deciding, lang);
        if c.outcome == Outcome::Incomplete && !c.missing.is_empty() {
            self.sort_missing(ctx, row);
            self.cell.push_str(w.missing);
            for (k, slot) in self.order.iter().enumerate() {
                if k > 0 {
                    self.cell.push_str(w.label_sep);
                }
                self.cell.push_str(rules.fields[*slot].label.get(lang));
            }
        } else {
            self.cell.push_str(title);
        }
        let mut also = row
            .fired
            .iter()
            .filter(|&&f| Deciding::Clause(f) != c.deciding);
        if let Some(first) = also.next() {
            self.cell.push_str(w.also);
            self.cell.push_str(&rules.clauses[*first].id);
            for f in also {
                self.cell.push_str(w.list_sep);
                self.cell.push_str(&rules.clauses[*f].id);
            }
        }
        let a = &row.audit;
        if a.disagrees() {
            let outcome = a.recorded_outcome.map_or("", |o| o.label(lang));
            let clause = row.recorded_clause.as_str();
            let gap = if outcome.is_empty() || clause.is_empty() {
                ""
            } else {
                " "
            };
            let _ = match lang {
                Lang::Zh => write!(self.cell, "［当时：{outcome}{gap}{clause}］"),
                Lang::En => write!(self.cell, " [recorded: {outcome}{gap}{clause}]"),
            };
        }
        for (b, zh, en) in [
            (a.notify, "告知", "notified"),
            (a.resolve, "结果", "resolved"),
        ] {
            if let Some(b) = b {
                let late = b.days_late();
                let _ = match lang {
                    Lang::Zh => write!(self.cell, "［{zh} {}，逾期 {late} 天］", b.done),
                    Lang::En => {
                        let days = if late == 1 { "day" } else { "days" };
                        write!(self.cell, " [{en} {}, {late} {days} late]", b.done)
                    }
                };
            }
        }
        // What the reader warned of (a key the rules do not declare, an
        // empty record): often why a record is incomplete.
        for p in row.warnings() {
            let (message, help) = p.shown(ctx.opts.redact);
            let _ = match lang {
                Lang::Zh => write!(self.cell, "［提醒：{}", message.zh),
                Lang::En => write!(self.cell, " [warning: {}", message.en),
            };
            if let Some(help) = help {
                let _ = match lang {
                    Lang::Zh => write!(self.cell, "；{}", help.zh),
                    Lang::En => write!(self.cell, "; {}", help.en),
                };
            }
            self.cell.push_str(match lang {
                Lang::Zh => "］",
                Lang::En => "]",
            });
        }
    }
}

/// A CSV field of text from the input (or the rule file), neutralised when
/// a spreadsheet would run it as a formula, and quoted when it must be.
fn csv_field(out: &mut String, text: &str) {
    let text = &*sanitize::csv_text(text);
    if text.contains([',', '"', '\n', '\r']) {
        out.push('"');
        for ch in text.chars() {
            if ch == '"' {
                out.push('"');
            }
            out.push(ch);
        }
        out.push('"');
    } else {
        out.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        let mut s = String::new();
        csv_field(&mut s, "plain");
        s.push('|');
        csv_field(&mut s, "a,b");
        s.push('|');
        csv_field(&mut s, "say \"hi\"");
        assert_eq!(s, "plain|\"a,b\"|\"say \"\"hi\"\"\"");
    }

    #[test]
    fn csv_formulas_are_neutralised_then_quoted() {
        let mut s = String::new();
        csv_field(&mut s, "=HYPERLINK(\"x\",\"y\")");
        s.push('|');
        csv_field(&mut s, "-2");
        s.push('|');
        csv_field(&mut s, "A-1");
        assert_eq!(s, "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"|'-2|A-1");
    }
}
