//! Audit of what was done: an archived complaint's `recorded.*` fields
//! (what the desk decided at the time, and when it acted) compared with
//! what the rules decide now and the deadlines they set. Pure: no I/O, no
//! text, no allocation per record; `report::row` turns the result into
//! words and flags.
//!
//! Nothing here knows a deadline by name: each deadline clause is paired
//! with the date key its `recorded` statement names (SPEC §6), and a record
//! whose recorded date comes after the deadline's date breached it.

use crate::compile::Program;
use crate::eval::Trace;
use crate::model::{ClauseKind, FieldId, FieldType, Outcome};
use crate::record::Record;
use crate::value::{Date, TextRef, Value};

/// The most deadline clauses audited: a breach is one bit of a `u64`.
/// Later deadline clauses still have their dates; they are not audited.
pub const MAX_DEADLINES: usize = 64;

/// One deadline clause as the audit and the outputs see it.
#[derive(Debug, Clone)]
pub struct DeadlineField {
    /// Index of the deadline clause in the program's clauses.
    pub clause: usize,
    /// The deadline's name (`due notify_by = …`): a CSV column and a key
    /// of the report's `deadlines`.
    pub name: String,
    /// The date key its `recorded` statement names, if any.
    pub recorded: Option<FieldId>,
    /// The flag a breach raises: the name without a trailing `_by`, then
    /// `_breach` (`notify_by` → `notify_breach`).
    pub flag: String,
}

/// The `recorded.*` slots and the deadline clauses, looked up once per rule
/// set. A rule file without them simply audits nothing.
#[derive(Debug, Clone, Default)]
pub struct AuditFields {
    /// `recorded.outcome` and `recorded.clause` (SPEC §1).
    pub outcome: Option<FieldId>,
    pub clause: Option<FieldId>,
    /// Every field whose key starts with `recorded.`: a record with any of
    /// them is audited.
    pub slots: Vec<FieldId>,
    /// Every deadline clause (one with a `due`), in clause order.
    pub deadlines: Vec<DeadlineField>,
}

/// A deadline's flag: `notify_by` → `notify_breach`.
pub fn flag_code(name: &str) -> String {
    let stem = name.strip_suffix("_by").filter(|s| !s.is_empty());
    format!("{}_breach", stem.unwrap_or(name))
}

impl AuditFields {
    pub fn new(program: &Program) -> AuditFields {
        let rules = &program.rules;
        let deadlines = rules
            .clauses
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let due = c.due.as_ref()?;
                (c.kind == ClauseKind::Deadline).then(|| DeadlineField {
                    clause: i,
                    name: due.name.clone(),
                    recorded: c.recorded,
                    flag: flag_code(&due.name),
                })
            })
            .collect();
        AuditFields {
            outcome: rules.field("recorded.outcome"),
            clause: rules.field("recorded.clause"),
            slots: (0..rules.fields.len())
                .filter(|&i| rules.fields[i].key.starts_with("recorded."))
                .collect(),
            deadlines,
        }
    }

    /// The dates of deadline `k` (an index into `deadlines`) for a record:
    /// the rules' date, and the date the record says it was done.
    pub fn dates(&self, k: usize, rec: &Record, trace: &Trace) -> DeadlineDates {
        let d = &self.deadlines[k];
        let done = match d.recorded.map(|slot| rec.get(slot)) {
            Some(Value::Date(done)) => Some(done),
            _ => None,
        };
        DeadlineDates {
            due: trace.due(d.clause),
            done,
        }
    }
}

/// A deadline's date by the rules and the date it was done, either unknown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeadlineDates {
    pub due: Option<Date>,
    pub done: Option<Date>,
}

impl DeadlineDates {
    /// Done after the deadline's date (a date past the calendar, or not
    /// recorded, is no breach).
    pub fn breach(&self, clause: usize) -> Option<Breach> {
        let (due, done) = (self.due?, self.done?);
        (done > due).then_some(Breach { clause, due, done })
    }
}

/// A date done after the deadline's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Breach {
    /// Index of the deadline clause in the program's clauses.
    pub clause: usize,
    pub due: Date,
    pub done: Date,
}

impl Breach {
    /// Calendar days between the deadline and the day it was done.
    pub fn days_late(&self) -> i64 {
        self.done.days_since(self.due)
    }
}

/// What the audit found for one record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Audit {
    /// The record has some `recorded.*` value: it was audited.
    pub recorded: bool,
    pub recorded_outcome: Option<Outcome>,
    /// Where `recorded.clause` lives in the record's text.
    pub recorded_clause: Option<TextRef>,
    /// `None` when no outcome was recorded.
    pub outcome_agrees: Option<bool>,
    /// `None` when no clause was recorded.
    pub clause_agrees: Option<bool>,
    /// Bit `k`: deadline `k` of [`AuditFields::deadlines`] was breached.
    pub breached: u64,
}

/// An audit flag, in the order outputs list them: the outcome, the clause,
/// then each deadline in clause order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    OutcomeDisagrees,
    ClauseDisagrees,
    /// Deadline `k` of [`AuditFields::deadlines`] was missed.
    Breach(usize),
}

impl Flag {
    /// The flag's name in JSON and CSV.
    pub fn code(self, fields: &AuditFields) -> &str {
        match self {
            Flag::OutcomeDisagrees => "outcome_disagrees",
            Flag::ClauseDisagrees => "clause_disagrees",
            Flag::Breach(k) => &fields.deadlines[k].flag,
        }
    }
}

impl Audit {
    pub fn has(&self, flag: Flag) -> bool {
        match flag {
            Flag::OutcomeDisagrees => self.outcome_agrees == Some(false),
            Flag::ClauseDisagrees => self.clause_agrees == Some(false),
            Flag::Breach(k) => k < MAX_DEADLINES && self.breached & (1 << k) != 0,
        }
    }

    /// The flags raised, in order.
    pub fn flags(&self) -> impl Iterator<Item = Flag> + '_ {
        let breaches = (0..MAX_DEADLINES)
            .filter(|k| self.breached & (1 << k) != 0)
            .map(Flag::Breach);
        [Flag::OutcomeDisagrees, Flag::ClauseDisagrees]
            .into_iter()
            .filter(|f| self.has(*f))
            .chain(breaches)
    }

    /// The recorded outcome or clause differs from the rules'.
    pub fn disagrees(&self) -> bool {
        self.has(Flag::OutcomeDisagrees) || self.has(Flag::ClauseDisagrees)
    }

    /// A deadline was missed.
    pub fn breached(&self) -> bool {
        self.breached != 0
    }
}

/// Compares a record's `recorded.*` values with its evaluation.
///
/// The recorded clause agrees when it is the deciding clause, or, for a
/// rejection, any ground that holds: a desk that cited 1.3(5) where 1.3(2)
/// also holds cited a true ground. Clause ids are compared ignoring spaces
/// and full-width brackets (`1.3（2）` is `1.3(2)`).
pub fn audit(fields: &AuditFields, program: &Program, rec: &Record, trace: &Trace) -> Audit {
    let mut audit = Audit {
        recorded: fields
            .slots
            .iter()
            .any(|&slot| rec.present().contains(slot)),
        ..Audit::default()
    };
    if !audit.recorded {
        return audit;
    }
    let rules = &program.rules;

    if let Some(slot) = fields.outcome
        && let Value::Enum(i) = rec.get(slot)
        && let FieldType::Enum(values) = &rules.fields[slot].ty
        && let Some(outcome) = values
            .get(i as usize)
            .and_then(|v| Outcome::from_code(&v.code))
    {
        audit.recorded_outcome = Some(outcome);
        audit.outcome_agrees = Some(outcome == trace.outcome);
    }

    if let Some(slot) = fields.clause
        && let Value::Text(r) = rec.get(slot)
    {
        audit.recorded_clause = Some(r);
        let cited = rec.text(r);
        let deciding = program.deciding_id(trace.deciding);
        let agrees = deciding.is_some_and(|d| same_clause(cited, d))
            || (trace.outcome == Outcome::Rejected
                && trace
                    .fired(program)
                    .any(|i| same_clause(cited, &rules.clauses[i].id)));
        audit.clause_agrees = Some(agrees);
    }

    for (k, d) in fields.deadlines.iter().enumerate().take(MAX_DEADLINES) {
        if fields.dates(k, rec, trace).breach(d.clause).is_some() {
            audit.breached |= 1 << k;
        }
    }
    audit
}

/// Clause ids equal up to spaces and full-width brackets.
pub fn same_clause(a: &str, b: &str) -> bool {
    fn norm(s: &str) -> impl Iterator<Item = char> + '_ {
        s.chars().filter(|c| !c.is_whitespace()).map(|c| match c {
            '（' => '(',
            '）' => ')',
            '．' | '。' => '.',
            c => c,
        })
    }
    norm(a).eq(norm(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clause_ids_compare_ignoring_spaces_and_full_width_brackets() {
        assert!(same_clause("1.3（2）", "1.3(2)"));
        assert!(same_clause(" 1.3 (2)", "1.3(2)"));
        assert!(!same_clause("1.3(2)", "1.3(3)"));
        assert!(!same_clause("1.1", "1.1(1)"));
    }

    #[test]
    fn a_deadline_flag_drops_a_trailing_by() {
        assert_eq!(flag_code("notify_by"), "notify_breach");
        assert_eq!(flag_code("decide_by"), "decide_breach");
        assert_eq!(flag_code("reply"), "reply_breach");
        assert_eq!(flag_code("_by"), "_by_breach");
    }

    #[test]
    fn days_late_counts_calendar_days() {
        let b = Breach {
            clause: 0,
            due: jiff::civil::date(2024, 2, 27).into(),
            done: jiff::civil::date(2024, 3, 2).into(),
        };
        assert_eq!(b.days_late(), 4);
    }
}
