//! Audit of what was done: an archived complaint's `recorded.*` fields
//! (what the desk decided at the time, and when it acted) compared with
//! what the rules decide now and the deadlines they set. Pure: no I/O, no
//! text, no allocation; `batch` turns the result into words and flags.

use crate::compile::Program;
use crate::eval::Trace;
use crate::model::{FieldId, FieldType, Outcome};
use crate::record::Record;
use crate::value::{Date, TextRef, Value};

/// The `recorded.*` slots and the deadline clauses, looked up once per rule
/// set. A rule file without them simply audits nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct AuditFields {
    pub outcome: Option<FieldId>,
    pub clause: Option<FieldId>,
    pub notified: Option<FieldId>,
    pub accepted: Option<FieldId>,
    pub resolved: Option<FieldId>,
    /// The deadline clause whose due date is `notify_by` (2.3).
    pub notify: Option<usize>,
    /// The deadline clause whose due date is `resolve_by` (2.4).
    pub resolve: Option<usize>,
}

impl AuditFields {
    pub fn new(program: &Program) -> AuditFields {
        let rules = &program.rules;
        let deadline = |name: &str| {
            rules
                .clauses
                .iter()
                .position(|c| c.due.as_ref().is_some_and(|d| d.name == name))
        };
        AuditFields {
            outcome: rules.field("recorded.outcome"),
            clause: rules.field("recorded.clause"),
            notified: rules.field("recorded.notified"),
            accepted: rules.field("recorded.accepted"),
            resolved: rules.field("recorded.resolved"),
            notify: deadline("notify_by"),
            resolve: deadline("resolve_by"),
        }
    }

    fn slots(&self) -> impl Iterator<Item = FieldId> {
        [
            self.outcome,
            self.clause,
            self.notified,
            self.accepted,
            self.resolved,
        ]
        .into_iter()
        .flatten()
    }
}

/// A date done after the deadline's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Breach {
    /// Index of the deadline clause (2.3 or 2.4) in the program's clauses.
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
    /// `recorded.notified` after `notify_by` (2.3).
    pub notify: Option<Breach>,
    /// `recorded.resolved` after `resolve_by` (2.4).
    pub resolve: Option<Breach>,
}

/// The audit flags, in the order outputs list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    OutcomeDisagrees,
    ClauseDisagrees,
    NotifyBreach,
    ResolveBreach,
}

impl Flag {
    pub const ALL: [Flag; 4] = [
        Flag::OutcomeDisagrees,
        Flag::ClauseDisagrees,
        Flag::NotifyBreach,
        Flag::ResolveBreach,
    ];

    /// The flag's name in JSON and CSV.
    pub fn code(self) -> &'static str {
        match self {
            Flag::OutcomeDisagrees => "outcome_disagrees",
            Flag::ClauseDisagrees => "clause_disagrees",
            Flag::NotifyBreach => "notify_breach",
            Flag::ResolveBreach => "resolve_breach",
        }
    }
}

impl Audit {
    pub fn has(&self, flag: Flag) -> bool {
        match flag {
            Flag::OutcomeDisagrees => self.outcome_agrees == Some(false),
            Flag::ClauseDisagrees => self.clause_agrees == Some(false),
            Flag::NotifyBreach => self.notify.is_some(),
            Flag::ResolveBreach => self.resolve.is_some(),
        }
    }

    pub fn flags(&self) -> impl Iterator<Item = Flag> + '_ {
        Flag::ALL.into_iter().filter(|f| self.has(*f))
    }

    /// The recorded outcome or clause differs from the rules'.
    pub fn disagrees(&self) -> bool {
        self.has(Flag::OutcomeDisagrees) || self.has(Flag::ClauseDisagrees)
    }

    /// A deadline was missed.
    pub fn breached(&self) -> bool {
        self.notify.is_some() || self.resolve.is_some()
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
        recorded: fields.slots().any(|slot| rec.present().contains(slot)),
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

    audit.notify = breach(rec, trace, fields.notify, fields.notified);
    audit.resolve = breach(rec, trace, fields.resolve, fields.resolved);
    audit
}

fn breach(
    rec: &Record,
    trace: &Trace,
    clause: Option<usize>,
    done: Option<FieldId>,
) -> Option<Breach> {
    let clause = clause?;
    let due = trace.due(clause)?;
    let Value::Date(done) = rec.get(done?) else {
        return None;
    };
    (done > due).then_some(Breach { clause, due, done })
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
    fn days_late_counts_calendar_days() {
        let b = Breach {
            clause: 0,
            due: jiff::civil::date(2024, 2, 27).into(),
            done: jiff::civil::date(2024, 3, 2).into(),
        };
        assert_eq!(b.days_late(), 4);
    }
}
