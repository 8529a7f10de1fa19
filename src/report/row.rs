//! One record of a batch as a CSV line and as the cells of a table row:
//! the same reporter as the JSON report, reading the record's result
//! (outcome, deciding clause, grounds, missing keys, deadlines and audit)
//! and putting it into words. `batch` fills the [`Row`]s, orchestrates and
//! writes the bytes.
//!
//! Deadlines are columns by their names, in clause order: nothing here
//! knows one deadline from another.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde::Serialize;

use crate::audit::{Audit, AuditFields, Breach, DeadlineDates, Flag, MAX_DEADLINES};
use crate::compile::Program;
use crate::diag::{Lang, Msg, Severity};
use crate::eval::Deciding;
use crate::model::Outcome;
use crate::record::toml::MAX_RECORD;
use crate::sanitize::{self, esc};
use crate::value::KeySet;

/// A problem with one record, placed by line and column where known.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub severity: Severity,
    pub code: &'static str,
    pub line: Option<u64>,
    pub column: Option<usize>,
    pub message: Msg,
    pub help: Option<Msg>,
    /// The message with personal data left out, where it may hold some.
    #[serde(skip)]
    pub redacted: Option<Box<Msg>>,
}

impl Problem {
    pub fn error(code: &'static str, message: Msg) -> Problem {
        Problem {
            severity: Severity::Error,
            code,
            line: None,
            column: None,
            message,
            help: None,
            redacted: None,
        }
    }

    pub fn read_error(e: &dyn std::fmt::Display) -> Problem {
        Problem::error(
            "unreadable",
            Msg::new(format!("无法读取：{e}"), format!("cannot read: {e}")),
        )
    }

    pub fn line_too_long() -> Problem {
        Problem::error(
            "record-too-large",
            Msg::new(
                format!("这一行超过 {MAX_RECORD} 字节，不像一份投诉记录"),
                format!("this line is longer than {MAX_RECORD} bytes: not one complaint record"),
            ),
        )
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The message and help as shown: without personal data when
    /// redacting.
    pub fn shown(&self, redact: bool) -> (&Msg, Option<&Msg>) {
        match &self.redacted {
            Some(r) if redact => (r, None),
            _ => (&self.message, self.help.as_ref()),
        }
    }

    /// One line, never the source line: `file:line:col: error[code]:
    /// message`, Chinese with the English after it, or English only.
    pub fn render(&self, file: &str, lang: Lang, redact: bool) -> String {
        let mut out = String::new();
        self.render_into(&mut out, file, lang, redact);
        out
    }

    pub fn render_into(&self, out: &mut String, file: &str, lang: Lang, redact: bool) {
        let (message, help) = self.shown(redact);
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // The file name and the message may hold anything from the input.
        let _ = write!(out, "{}", esc(file));
        if let Some(line) = self.line {
            let _ = write!(out, ":{line}");
            if let Some(col) = self.column {
                let _ = write!(out, ":{col}");
            }
        }
        let _ = write!(out, ": {kind}[{}]: {}", self.code, esc(message.get(lang)));
        if lang == Lang::Zh {
            let _ = write!(out, " ({})", esc(&message.en));
        }
        if let Some(help) = help {
            let _ = write!(out, "; help: {}", esc(help.get(lang)));
        }
    }
}

/// The outcome of a checked record, as the outputs need it.
#[derive(Debug, Clone, Copy)]
pub struct Checked {
    pub outcome: Outcome,
    pub deciding: Deciding,
    pub missing: KeySet,
}

/// One record's result, reused from chunk to chunk.
#[derive(Debug, Default)]
pub struct Row {
    pub id: String,
    /// The file, for placing problems.
    pub file: String,
    /// The file, or `file:line`.
    pub source: String,
    /// `None`: the record could not be checked.
    pub checked: Option<Checked>,
    /// Indices of the grounds that hold.
    pub fired: Vec<usize>,
    /// Errors (for a record that could not be checked) and warnings.
    pub problems: Vec<Problem>,
    pub audit: Audit,
    pub recorded_clause: String,
    /// Each deadline's date and the date the record says it was done, in
    /// the order of [`AuditFields::deadlines`].
    pub deadlines: Vec<DeadlineDates>,
    /// Passes `--only`.
    pub keep: bool,
}

impl Row {
    pub fn reset(&mut self) {
        self.id.clear();
        self.file.clear();
        self.source.clear();
        self.checked = None;
        self.fired.clear();
        self.problems.clear();
        self.audit = Audit::default();
        self.recorded_clause.clear();
        self.deadlines.clear();
        self.keep = false;
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| !p.is_error())
    }

    /// The deadlines the record's handling missed, each with its place in
    /// `fields.deadlines`.
    pub fn breaches<'a>(
        &'a self,
        fields: &'a AuditFields,
    ) -> impl Iterator<Item = (usize, Breach)> + 'a {
        fields
            .deadlines
            .iter()
            .enumerate()
            .take(MAX_DEADLINES)
            .filter(|(k, _)| self.audit.has(Flag::Breach(*k)))
            .filter_map(|(k, d)| Some((k, self.deadlines.get(k)?.breach(d.clause)?)))
    }

    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.is_error())
    }
}

/// Every problem of a record, its errors then its warnings (a key the rules
/// do not declare, an empty record: often why it was decided as it was).
pub fn problems_text(row: &Row, lang: Lang, redact: bool, sep: &str, out: &mut String) {
    for (i, p) in row.errors().chain(row.warnings()).enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        p.render_into(out, &row.file, lang, redact);
    }
}

/// What rows are rendered against: the rules, their deadlines, the
/// language and whether personal data is masked.
#[derive(Clone, Copy)]
pub struct RowRules<'a> {
    pub program: &'a Program,
    pub audit: &'a AuditFields,
    pub lang: Lang,
    pub redact: bool,
}

/// Reusable buffers for rendering rows (one per thread).
#[derive(Debug, Default)]
pub struct Scratch {
    cell: String,
    /// Missing-key slots, sorted by key.
    order: Vec<usize>,
}

struct TableWords {
    id: &'static str,
    outcome: &'static str,
    clause: &'static str,
    audit: &'static str,
    notes: &'static str,
    error: &'static str,
    agrees: &'static str,
    disagrees: [&'static str; 2],
    missing: &'static str,
    also: &'static str,
    list_sep: &'static str,
    /// Between field labels, which may themselves hold `、`.
    label_sep: &'static str,
}

const TABLE_ZH: TableWords = TableWords {
    id: "编号",
    outcome: "结论",
    clause: "条款",
    audit: "审计",
    notes: "说明",
    error: "无法审查",
    agrees: "相符",
    disagrees: ["结论不符", "条款不符"],
    missing: "尚缺：",
    also: "；另有 ",
    list_sep: "、",
    label_sep: "；",
};

const TABLE_EN: TableWords = TableWords {
    id: "Case",
    outcome: "Outcome",
    clause: "Clause",
    audit: "Audit",
    notes: "Notes",
    error: "error",
    agrees: "agrees",
    disagrees: ["outcome differs", "clause differs"],
    missing: "missing: ",
    also: "; also ",
    list_sep: ", ",
    label_sep: ", ",
};

fn words(lang: Lang) -> &'static TableWords {
    match lang {
        Lang::Zh => &TABLE_ZH,
        Lang::En => &TABLE_EN,
    }
}

/// A breached deadline's flag in words: `逾期（2.3）`, `late (2.3)`.
pub fn breach_words(lang: Lang, clause: &str) -> String {
    match lang {
        Lang::Zh => format!("逾期（{clause}）"),
        Lang::En => format!("late ({clause})"),
    }
}

impl RowRules<'_> {
    /// The CSV header: the record's columns, one per deadline by its name
    /// (in clause order), then the audit's.
    pub fn csv_header(&self) -> String {
        let mut out = String::from("id,source,outcome,deciding,fired,missing,");
        for d in &self.audit.deadlines {
            csv_field(&mut out, &d.name);
            out.push(',');
        }
        out.push_str("audit,recorded_outcome,recorded_clause,message\n");
        out
    }

    /// How many columns the table has: id, outcome, clause, one per
    /// deadline, audit, notes.
    pub fn table_columns(&self) -> usize {
        5 + self.audit.deadlines.len()
    }

    /// The table's header of column `i`: a deadline's column is headed by
    /// its name.
    pub fn table_header(&self, i: usize) -> &str {
        let w = words(self.lang);
        let n = self.audit.deadlines.len();
        match i {
            0 => w.id,
            1 => w.outcome,
            2 => w.clause,
            i if i < 3 + n => &self.audit.deadlines[i - 3].name,
            i if i == 3 + n => w.audit,
            _ => w.notes,
        }
    }

    /// Puts the missing keys of a row, sorted by key, in `s.order`.
    fn sort_missing(&self, s: &mut Scratch, row: &Row) {
        s.order.clear();
        if let Some(c) = row.checked {
            let fields = &self.program.rules.fields;
            s.order.extend(c.missing.iter());
            s.order.sort_by(|a, b| fields[*a].key.cmp(&fields[*b].key));
        }
    }

    /// Appends a record's CSV line (with its line end) to `line`.
    pub fn csv_row(&self, s: &mut Scratch, row: &Row, line: &mut String) {
        let rules = &self.program.rules;
        let c = row.checked;
        csv_field(line, &row.id);
        line.push(',');
        csv_field(line, &row.source);
        line.push(',');
        line.push_str(c.map_or("error", |c| c.outcome.code()));
        line.push(',');
        if let Some(c) = c {
            csv_field(
                line,
                self.program.deciding_id(c.deciding).unwrap_or_default(),
            );
        }
        line.push(',');
        s.cell.clear();
        for (i, f) in row.fired.iter().enumerate() {
            if i > 0 {
                s.cell.push(';');
            }
            s.cell.push_str(&rules.clauses[*f].id);
        }
        csv_field(line, &s.cell);
        line.push(',');
        self.sort_missing(s, row);
        for (i, slot) in s.order.iter().enumerate() {
            if i > 0 {
                line.push(';');
            }
            line.push_str(&rules.fields[*slot].key);
        }
        line.push(',');
        for k in 0..self.audit.deadlines.len() {
            if c.is_some()
                && let Some(d) = row.deadlines.get(k).and_then(|d| d.due)
            {
                let _ = write!(line, "{d}");
            }
            line.push(',');
        }
        for (i, flag) in row.audit.flags().enumerate() {
            if i > 0 {
                line.push(';');
            }
            line.push_str(flag.code(self.audit));
        }
        line.push(',');
        if let Some(o) = row.audit.recorded_outcome {
            line.push_str(o.code());
        }
        line.push(',');
        csv_field(line, &row.recorded_clause);
        line.push(',');
        s.cell.clear();
        problems_text(row, self.lang, self.redact, " | ", &mut s.cell);
        csv_field(line, &s.cell);
        line.push('\n');
    }

    /// The text of table column `i` for a row, in `cell` (cleared first),
    /// shown escaped.
    pub fn table_cell(&self, s: &mut Scratch, row: &Row, i: usize, cell: &mut String) {
        let lang = self.lang;
        let w = words(lang);
        let n = self.audit.deadlines.len();
        cell.clear();
        let c = row.checked;
        match i {
            0 => cell.push_str(&row.id),
            1 => cell.push_str(c.map_or(w.error, |c| c.outcome.label(lang))),
            2 => {
                if let Some(c) = c {
                    cell.push_str(self.program.deciding_id(c.deciding).unwrap_or_default());
                }
            }
            i if i < 3 + n => {
                let due = row.deadlines.get(i - 3).and_then(|d| d.due);
                match due {
                    Some(d) if c.is_some() => {
                        let _ = write!(cell, "{d}");
                    }
                    _ if c.is_some() => cell.push('-'),
                    _ => {}
                }
            }
            i if i == 3 + n => {
                let a = &row.audit;
                if a.recorded && c.is_some() {
                    for (k, flag) in a.flags().enumerate() {
                        if k > 0 {
                            cell.push_str(w.list_sep);
                        }
                        match flag {
                            Flag::OutcomeDisagrees => cell.push_str(w.disagrees[0]),
                            Flag::ClauseDisagrees => cell.push_str(w.disagrees[1]),
                            Flag::Breach(k) => {
                                let clause = self.audit.deadlines[k].clause;
                                let id = &self.program.rules.clauses[clause].id;
                                cell.push_str(&breach_words(lang, id));
                            }
                        }
                    }
                    if cell.is_empty() {
                        cell.push_str(w.agrees);
                    }
                }
            }
            _ => self.note(s, row, w, cell),
        }
        // Ids, recorded clauses and messages come from the input.
        if let Cow::Owned(shown) = sanitize::escape(cell) {
            *cell = shown;
        }
    }

    /// The last column: why, what is missing, or what went wrong; and what
    /// the archive recorded where the audit found a difference.
    fn note(&self, s: &mut Scratch, row: &Row, w: &TableWords, cell: &mut String) {
        let lang = self.lang;
        let rules = &self.program.rules;
        let Some(c) = row.checked else {
            problems_text(row, lang, self.redact, " | ", cell);
            return;
        };
        let title = self.program.deciding_title(c.deciding, lang);
        if c.outcome == Outcome::Incomplete && !c.missing.is_empty() {
            self.sort_missing(s, row);
            cell.push_str(w.missing);
            for (k, slot) in s.order.iter().enumerate() {
                if k > 0 {
                    cell.push_str(w.label_sep);
                }
                cell.push_str(rules.fields[*slot].label.get(lang));
            }
        } else {
            cell.push_str(title);
        }
        let mut also = row
            .fired
            .iter()
            .filter(|&&f| Deciding::Clause(f) != c.deciding);
        if let Some(first) = also.next() {
            cell.push_str(w.also);
            cell.push_str(&rules.clauses[*first].id);
            for f in also {
                cell.push_str(w.list_sep);
                cell.push_str(&rules.clauses[*f].id);
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
                Lang::Zh => write!(cell, "［当时：{outcome}{gap}{clause}］"),
                Lang::En => write!(cell, " [recorded: {outcome}{gap}{clause}]"),
            };
        }
        // Each missed deadline: the recorded date's label, the date, and
        // how many days late.
        for (k, b) in row.breaches(self.audit) {
            let Some(slot) = self.audit.deadlines[k].recorded else {
                continue;
            };
            let label = rules.fields[slot].label.get(lang);
            let late = b.days_late();
            let _ = match lang {
                Lang::Zh => write!(cell, "［{label} {}，逾期 {late} 天］", b.done),
                Lang::En => {
                    let days = if late == 1 { "day" } else { "days" };
                    write!(cell, " [{label} {}, {late} {days} late]", b.done)
                }
            };
        }
        // What the reader warned of (a key the rules do not declare, an
        // empty record): often why a record is incomplete.
        for p in row.warnings() {
            let (message, help) = p.shown(self.redact);
            let _ = match lang {
                Lang::Zh => write!(cell, "［提醒：{}", message.zh),
                Lang::En => write!(cell, " [warning: {}", message.en),
            };
            if let Some(help) = help {
                let _ = match lang {
                    Lang::Zh => write!(cell, "；{}", help.zh),
                    Lang::En => write!(cell, "; {}", help.en),
                };
            }
            cell.push_str(match lang {
                Lang::Zh => "］",
                Lang::En => "]",
            });
        }
        // Nothing decided an acceptance (rules without a basis): the
        // English notes start with their space.
        if cell.starts_with(' ') {
            cell.remove(0);
        }
    }
}

/// A CSV field of text from the input (or the rule file), neutralised when
/// a spreadsheet would run it as a formula, and quoted when it must be.
pub fn csv_field(out: &mut String, text: &str) {
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
