//! Compiled program + record → evaluation trace, with Kleene three-valued
//! logic (SPEC §2). No I/O, no text: the trace holds statuses, key sets and
//! values, and the reporter turns them into words.

use crate::base::{CmpOp, Unit};
use crate::compile::{Node, Program, outcome_bit};
use crate::model::{ClauseKind, Outcome};
use crate::record::Record;
use crate::value::{Date, KeySet, Value, shift_date};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// A basis or ground holds.
    True,
    False,
    /// Cannot be decided from the keys present.
    Unknown,
    /// An evidence clause is satisfied.
    Met,
    Unmet,
    /// A deadline's date is known (in `ClauseResult::due`).
    Due,
    /// A deadline that does not apply to this outcome.
    NotApplicable,
    /// The clause's period in force excludes the record's reference date:
    /// not evaluated, holds nothing open (SPEC §6).
    NotInForce,
}

impl Status {
    /// The word in the JSON report.
    pub fn code(self) -> &'static str {
        match self {
            Status::True => "true",
            Status::False => "false",
            Status::Unknown => "unknown",
            Status::Met => "met",
            Status::Unmet => "unmet",
            Status::Due => "due",
            Status::NotApplicable => "not_applicable",
            Status::NotInForce => "not_in_force",
        }
    }
}

/// A Kleene truth value (SPEC §2), the value of a condition. Ordered so
/// that `and` is the least of its operands and `or` the greatest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
#[repr(u8)]
pub(crate) enum Kleene {
    False = 0,
    #[default]
    Unknown = 1,
    True = 2,
}

impl Kleene {
    /// A boolean value's truth; anything else (absent) is unknown.
    #[inline]
    pub(crate) fn of(v: Value) -> Kleene {
        match v {
            Value::Bool(b) => Kleene::from(b),
            _ => Kleene::Unknown,
        }
    }

    #[inline]
    fn not(self) -> Kleene {
        match self {
            Kleene::False => Kleene::True,
            Kleene::Unknown => Kleene::Unknown,
            Kleene::True => Kleene::False,
        }
    }

    /// As a value: `Bool`, or `Absent` when unknown.
    #[inline]
    pub(crate) fn value(self) -> Value {
        match self {
            Kleene::False => Value::Bool(false),
            Kleene::Unknown => Value::Absent,
            Kleene::True => Value::Bool(true),
        }
    }
}

impl From<bool> for Kleene {
    #[inline]
    fn from(b: bool) -> Kleene {
        if b { Kleene::True } else { Kleene::False }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClauseResult {
    pub status: Status,
    /// Unknown: the absent keys holding the clause open. Unmet: the keys
    /// whose absence (or value) leaves the requirement unmet.
    pub keys: KeySet,
    /// A deadline's date: `Some` exactly when the status is `Due`.
    pub due: Option<Date>,
    /// The condition itself was unknown (an unmet evidence clause whose
    /// keys are absent, rather than present with the wrong values).
    pub open: bool,
}

impl ClauseResult {
    const NOT_APPLICABLE: ClauseResult = ClauseResult {
        status: Status::NotApplicable,
        keys: KeySet::EMPTY,
        due: None,
        open: false,
    };

    /// Unknown, held open by `keys`.
    fn unknown(keys: KeySet) -> ClauseResult {
        ClauseResult {
            status: Status::Unknown,
            keys,
            open: true,
            ..ClauseResult::NOT_APPLICABLE
        }
    }
}

/// Which clause decided the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deciding {
    /// An index into the program's clauses.
    Clause(usize),
    /// Every basis in force was false: the scope clause (declared wherever
    /// basis clauses are).
    Scope,
    /// Accepted under rules that declare no basis in force: no clause
    /// decided (`deciding: null`).
    None,
}

impl Program {
    /// The id of the clause that decided (`"1.3(2)"`, or the scope
    /// clause's); `None` when none did.
    pub fn deciding_id(&self, d: Deciding) -> Option<&str> {
        match d {
            Deciding::Clause(i) => Some(&self.rules.clauses[i].id),
            Deciding::Scope => self.rules.scope.as_ref().map(|s| s.id.as_str()),
            Deciding::None => None,
        }
    }

    /// The deciding clause's title; empty when no clause decided.
    pub fn deciding_title(&self, d: Deciding, lang: crate::diag::Lang) -> &str {
        match d {
            Deciding::Clause(i) => self.rules.clauses[i].title.get(lang),
            Deciding::Scope => self.rules.scope.as_ref().map_or("", |s| s.title.get(lang)),
            Deciding::None => "",
        }
    }
}

/// Everything evaluation found; reusable across records.
///
/// A clause's result is read with [`Trace::clause`]. The trace keeps it in
/// parts, each written only where it means something: a status byte per
/// clause, and the keys (unknown and unmet clauses) or the date (a due
/// deadline) beside it. Most clauses of most records are known, so most
/// records write a byte per clause and nothing else.
#[derive(Debug, Clone)]
pub struct Trace {
    statuses: Vec<Status>,
    /// Meaningful only where the status is `Unknown` or `Unmet`.
    keys: Vec<KeySet>,
    /// Meaningful only where the status is `Unmet`: see [`ClauseResult::open`].
    open: Vec<bool>,
    /// Meaningful only where the status is `Due`.
    dues: Vec<Date>,
    /// A working-day deadline's first date (what its count started from):
    /// meaningful only where the status is `Due` and the deadline counts
    /// working days.
    starts: Vec<Date>,
    /// The year whose holiday arrangement a working-day count lacked:
    /// meaningful only where a deadline's status is `Unknown` with no key
    /// held open (0 for none).
    gaps: Vec<i32>,
    /// Each definition's value, by definition id.
    pub defines: Vec<Value>,
    pub outcome: Outcome,
    pub deciding: Deciding,
    /// The keys to ask for (incomplete only).
    pub missing: KeySet,
    /// Each value node's value, each condition's truth (reusable buffers
    /// of the evaluator; see [`Node::is_condition`]).
    nodes: Vec<Value>,
    conditions: Vec<Kleene>,
}

impl Default for Trace {
    fn default() -> Trace {
        Trace {
            statuses: Vec::new(),
            keys: Vec::new(),
            open: Vec::new(),
            dues: Vec::new(),
            starts: Vec::new(),
            gaps: Vec::new(),
            defines: Vec::new(),
            outcome: Outcome::Incomplete,
            deciding: Deciding::Scope,
            missing: KeySet::EMPTY,
            nodes: Vec::new(),
            conditions: Vec::new(),
        }
    }
}

/// Two traces are equal when they found the same: the same result for every
/// clause, the same definitions and outcome (not the evaluator's buffers).
impl PartialEq for Trace {
    fn eq(&self, other: &Trace) -> bool {
        self.outcome == other.outcome
            && self.deciding == other.deciding
            && self.missing == other.missing
            && self.defines == other.defines
            && self.clauses().eq(other.clauses())
    }
}

impl Trace {
    /// Clause `i`'s result (`i` indexes the program's clauses).
    ///
    /// # Panics
    /// When `i` is not a clause of the program that made the trace.
    pub fn clause(&self, i: usize) -> ClauseResult {
        let status = self.statuses[i];
        match status {
            Status::Unknown => ClauseResult::unknown(self.keys[i]),
            Status::Unmet => ClauseResult {
                status,
                keys: self.keys[i],
                open: self.open[i],
                ..ClauseResult::NOT_APPLICABLE
            },
            Status::Due => ClauseResult {
                status,
                due: Some(self.dues[i]),
                ..ClauseResult::NOT_APPLICABLE
            },
            _ => ClauseResult {
                status,
                ..ClauseResult::NOT_APPLICABLE
            },
        }
    }

    /// Every clause's result, in clause order.
    pub fn clauses(&self) -> impl ExactSizeIterator<Item = ClauseResult> + '_ {
        (0..self.statuses.len()).map(|i| self.clause(i))
    }

    /// The keys behind clause `clause`: held open (unknown) or unmet; none
    /// for a known clause, or for an index that is not a clause.
    pub fn keys(&self, clause: usize) -> KeySet {
        match self.statuses.get(clause) {
            Some(Status::Unknown | Status::Unmet) => self.keys[clause],
            _ => KeySet::EMPTY,
        }
    }

    /// The date clause `clause` (a deadline) is due by, where it applies
    /// and its inputs are present.
    pub fn due(&self, clause: usize) -> Option<Date> {
        (*self.statuses.get(clause)? == Status::Due).then(|| self.dues[clause])
    }

    /// Where a working-day deadline's count started, for the days it
    /// skipped; `None` for other clauses.
    pub fn workday_start(&self, program: &Program, clause: usize) -> Option<Date> {
        let workdays = program.clauses.get(clause)?.workdays;
        (self.due(clause).is_some() && workdays).then(|| self.starts[clause])
    }

    /// The year whose holiday arrangement a working-day deadline's count
    /// lacked (its date is unknown for that reason alone).
    pub fn calendar_gap(&self, clause: usize) -> Option<i32> {
        (self.statuses.get(clause) == Some(&Status::Unknown) && self.gaps[clause] != 0)
            .then(|| self.gaps[clause])
    }

    /// Indices of the grounds that hold, in clause order.
    pub fn fired<'a>(&'a self, program: &'a Program) -> impl Iterator<Item = usize> + 'a {
        self.statuses.iter().enumerate().filter_map(move |(i, &s)| {
            (program.clauses[i].kind == ClauseKind::Ground && s == Status::True).then_some(i)
        })
    }
}

/// Whether a clause is in force for a record.
#[derive(Clone, Copy)]
enum InForce {
    Yes,
    No,
    /// The reference date is absent: unknown, held open by these keys.
    Unknown(KeySet),
}

impl Program {
    /// The record's reference date, when it comes before the date the rules
    /// take effect (the header's `effective`): the record was received
    /// under rules that were not yet these.
    pub fn before_effective(&self, rec: &Record) -> Option<(Date, Date)> {
        let effective = self.rules.effective?;
        match rec.get(self.rules.reference?) {
            Value::Date(d) if d < effective => Some((d, effective)),
            _ => None,
        }
    }

    /// For a working-day count `date + N workdays` at node `n`: the date
    /// and the count, by `value` (each absent or unusable as `None`).
    fn workday_count(
        &self,
        n: u32,
        value: &mut dyn FnMut(u32) -> Value,
    ) -> Option<(Date, Option<u32>)> {
        let (date, count) = match self.nodes[n as usize] {
            Node::Shift(date, amount, Unit::Workdays, false) => (
                date,
                match value(amount) {
                    Value::Int(a) => u32::try_from(a).ok(),
                    _ => None,
                },
            ),
            Node::ShiftBy(date, amount, Unit::Workdays) => (date, u32::try_from(amount).ok()),
            _ => return None,
        };
        match value(date) {
            Value::Date(d) => Some((d, count)),
            _ => None,
        }
    }

    /// `date` shifted by `amount` units: working days by the program's
    /// calendar (`Ok(None)` when the calendar lacks a year the count needs,
    /// or for a negative count), the others on the civil calendar
    /// (`Err` when the result leaves it).
    #[inline]
    fn shift(&self, date: Date, amount: i64, unit: Unit) -> Result<Option<Date>, DateOutOfRange> {
        match unit {
            Unit::Workdays => Ok(u32::try_from(amount)
                .ok()
                .and_then(|n| self.calendar.add_workdays(date, n).ok())),
            _ => shift_date(date, amount, unit)
                .map(Some)
                .ok_or(DateOutOfRange),
        }
    }
}

/// A basis's or ground's status for its condition's truth.
const TRUTH: [Status; 3] = [Status::False, Status::Unknown, Status::True];

/// Date arithmetic left the calendar (a shift of thousands of years).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("date arithmetic out of range")]
pub struct DateOutOfRange;

struct Ctx<'a> {
    program: &'a Program,
    rec: &'a Record,
    defines: &'a [(Value, KeySet)],
    overflow: bool,
}

/// The keyed evaluator of one record ([`Ctx::eval`]): a node's value and
/// the keys behind it, with the definitions' values and keys computed once,
/// when a node that reads one is first asked for.
///
/// Evaluation computes every node's value by one [`sweep_all`] in the program's
/// schedule (operands before the nodes that use them), with no recursion
/// and no key sets: most conditions of most records are known, and a known
/// condition holds no key open. Only an unknown or unmet clause is
/// evaluated again here, for the keys behind it.
///
/// The sweep evaluates both sides of `else`, and every deadline's date;
/// [`Ctx::eval`] only the side it needs and the deadlines that apply. They
/// differ only when date arithmetic overflows where it was not needed, so a
/// record whose sweep overflows is decided again by this evaluator alone
/// (`sweep: false`), which decides as the language defines.
struct Keyed<'a> {
    program: &'a Program,
    rec: &'a Record,
    defines: &'a mut Vec<(Value, KeySet)>,
    ready: bool,
    overflow: bool,
}

impl Keyed<'_> {
    /// Node `n`'s value and the keys behind it.
    fn eval(&mut self, n: u32) -> (Value, KeySet) {
        // Definitions' values and keys, once, when the node reads one.
        if !self.ready && self.program.reads_definitions[n as usize] {
            self.ready = true;
            self.defines.clear();
            let len = self.program.rules.defines.len();
            self.defines.resize(len, (Value::Absent, KeySet::EMPTY));
            for &(d, root) in &self.program.defines {
                let mut ctx = Ctx {
                    program: self.program,
                    rec: self.rec,
                    defines: self.defines,
                    overflow: false,
                };
                let v = ctx.eval(root);
                self.overflow |= ctx.overflow;
                self.defines[d] = v;
            }
        }
        let mut ctx = Ctx {
            program: self.program,
            rec: self.rec,
            defines: self.defines,
            overflow: false,
        };
        let v = ctx.eval(n);
        self.overflow |= ctx.overflow;
        v
    }
}

/// A swept node's value, as a value (a condition's as `Bool` or `Absent`).
fn swept_value(p: &Program, vals: &[Value], conds: &[Kleene], n: u32) -> Value {
    if p.nodes[n as usize].is_condition() {
        conds[n as usize].value()
    } else {
        vals[n as usize]
    }
}

/// A sweep: computes every node a clause, a definition or a deadline
/// reads ([`Program::read_after_sweep`]) into the value and condition
/// buffers; true when date arithmetic overflowed.
type Sweep = fn(&Program, &Record, &mut [Value], &mut [Kleene]) -> bool;

// The built-in rule sets' sweeps, generated as straight code by the test in
// `emit` (`SHOULI_UPDATE_SWEEPS=1 cargo test --lib eval::emit` rewrites
// them after a change to the built-in rules or the compiler).
#[rustfmt::skip]
mod sweeps;
#[cfg(test)]
mod emit;

/// Every generated sweep, with the signature of the program it sweeps:
/// the built-in rule sets', and in test builds those of the tests' rule
/// files.
fn generated_sweeps() -> impl Iterator<Item = &'static (&'static str, Sweep)> {
    sweeps::SWEEPS.iter().chain(sweeps::TESTED)
}

impl Program {
    /// The sweep that evaluates this program: the generated one whose
    /// program is this one, node for node, or the general [`sweep_all`].
    fn sweep(&self) -> Sweep {
        match self.generated().and_then(|k| generated_sweeps().nth(k)) {
            Some(&(_, sweep)) => sweep,
            None => sweep_all,
        }
    }

    /// Which generated sweep evaluates this program (the built-in rule
    /// sets, or a rule file that compiles to the same nodes), if any.
    fn generated(&self) -> Option<usize> {
        *self.generated.get_or_init(|| {
            let signature = self.sweep_signature();
            generated_sweeps().position(|(s, _)| *s == signature)
        })
    }

    /// Whether a generated sweep evaluates this program (the built-in rule
    /// sets, or a rule file that compiles to the same nodes).
    pub fn is_generated(&self) -> bool {
        self.generated().is_some()
    }

    /// The program evaluated by the general sweep even where a generated
    /// one matches: the same decisions, for comparing the two.
    pub fn interpreted(mut self) -> Program {
        self.generated = std::sync::OnceLock::from(None);
        self
    }
}

/// The buffers as a generated sweep indexes them: fixed sizes, so that its
/// constant indices need no check. `None` for a record or buffers of
/// another program.
#[inline]
#[allow(clippy::type_complexity)]
fn fixed<'a, const FIELDS: usize, const NODES: usize>(
    rec: &'a Record,
    vals: &'a mut [Value],
    conds: &'a mut [Kleene],
) -> Option<(
    &'a [Value; FIELDS],
    &'a mut [Value; NODES],
    &'a mut [Kleene; NODES],
)> {
    Some((
        rec.values().try_into().ok()?,
        vals.first_chunk_mut()?,
        conds.first_chunk_mut()?,
    ))
}

/// Computes every node's value for the record, in the program's
/// [`Schedule`](crate::compile::Schedule): a value node's into `vals`, a
/// condition's into `conds`. True when date arithmetic overflowed.
fn sweep_all(p: &Program, rec: &Record, vals: &mut [Value], conds: &mut [Kleene]) -> bool {
    let nodes = &p.nodes[..];
    let vals = &mut vals[..nodes.len()];
    let conds = &mut conds[..nodes.len()];
    let mut overflow = false;
    for &(i, slot, set, negated) in &p.schedule.in_set {
        conds[i as usize] = in_set(rec.get(slot as usize), set, negated);
    }
    for &(i, slot, want) in &p.schedule.is {
        conds[i as usize] = is(rec.get(slot as usize), want);
    }
    for &(i, slot) in &p.schedule.fields {
        vals[i as usize] = rec.get(slot as usize);
    }
    for &(i, slot, set) in &p.schedule.contains_any {
        conds[i as usize] = contains_any(rec.get(slot as usize), set);
    }
    for &(i, op, slot, c) in &p.schedule.cmp {
        conds[i as usize] = field_cmp(p, rec, op, rec.get(slot as usize), c);
    }
    for &(i, slots) in &p.schedule.present {
        conds[i as usize] = present(rec, slots);
    }
    for (i, node) in &p.schedule.rest {
        let i = *i as usize;
        match *node {
            Node::Const(v) => vals[i] = v,
            Node::Field(slot) => vals[i] = rec.get(slot as usize),
            Node::Define(d) => vals[i] = vals[p.define_roots[d as usize] as usize],
            Node::Shift(date, amount, unit, negative) => {
                let (date, amount) = (vals[date as usize], vals[amount as usize]);
                vals[i] = shift(p, date, amount, unit, negative, &mut overflow);
            }
            Node::ShiftBy(date, amount, unit) => {
                vals[i] = shift_by(p, vals[date as usize], amount, unit, &mut overflow);
            }
            Node::Else(a, b) => vals[i] = or_else(vals[a as usize], vals[b as usize]),
            Node::AsValue(x) => vals[i] = conds[x as usize].value(),
            Node::DefineCondition(d) => {
                conds[i] = conds[p.define_roots[d as usize] as usize];
            }
            Node::AsCondition(x) => conds[i] = Kleene::of(vals[x as usize]),
            // Swept in their groups above; here for completeness.
            Node::FieldCmp(op, slot, c) => {
                conds[i] = field_cmp(p, rec, op, rec.get(slot as usize), c);
            }
            Node::FieldIs(slot, want) => conds[i] = is(rec.get(slot as usize), want),
            Node::FieldInSet(slot, set, negated) => {
                conds[i] = in_set(rec.get(slot as usize), set, negated);
            }
            Node::FieldContainsAny(slot, set) => {
                conds[i] = contains_any(rec.get(slot as usize), set);
            }
            Node::Present(slots) => conds[i] = present(rec, slots),
            Node::Not(x) => conds[i] = conds[x as usize].not(),
            Node::And(start, 2) => {
                let (a, b) = (p.kids[start as usize], p.kids[start as usize + 1]);
                conds[i] = conds[a as usize].min(conds[b as usize]);
            }
            Node::Or(start, 2) => {
                let (a, b) = (p.kids[start as usize], p.kids[start as usize + 1]);
                conds[i] = conds[a as usize].max(conds[b as usize]);
            }
            Node::And(start, len) => {
                let kids = &p.kids[start as usize..(start + len) as usize];
                conds[i] = kids
                    .iter()
                    .map(|&k| conds[k as usize])
                    .min()
                    .unwrap_or(Kleene::True);
            }
            Node::Or(start, len) => {
                let kids = &p.kids[start as usize..(start + len) as usize];
                conds[i] = kids
                    .iter()
                    .map(|&k| conds[k as usize])
                    .max()
                    .unwrap_or(Kleene::False);
            }
            Node::Cmp(op, a, b) => conds[i] = cmp(p, rec, op, vals[a as usize], vals[b as usize]),
            Node::InSet(x, set, negated) => conds[i] = in_set(vals[x as usize], set, negated),
            Node::InList(x, start, len, negated) => {
                let list = &p.consts[start as usize..(start + len) as usize];
                conds[i] = in_list(p, rec, vals[x as usize], list, negated);
            }
            Node::ContainsAny(x, set) => conds[i] = contains_any(vals[x as usize], set),
            Node::Contains(list, item) => {
                conds[i] = contains(vals[list as usize], vals[item as usize]);
            }
        }
    }
    overflow
}

/// An enum value's membership of `set` (negated: its absence). A value of
/// an enum field is an `Enum` or absent (the checker sees to it), so
/// anything else is unknown, as `Kleene::of` makes it in the keyed
/// evaluator.
#[inline]
fn in_set(v: Value, set: u64, negated: bool) -> Kleene {
    match v {
        Value::Enum(e) => Kleene::from((set >> e & 1 == 1) != negated),
        _ => Kleene::Unknown,
    }
}

/// A boolean value tested against `want`; anything but a boolean is unknown.
#[inline]
fn is(v: Value, want: bool) -> Kleene {
    match v {
        Value::Bool(b) => Kleene::from(b == want),
        _ => Kleene::Unknown,
    }
}

/// A list value's sharing any member with `set`; absent is unknown.
#[inline]
fn contains_any(v: Value, set: u64) -> Kleene {
    match v {
        Value::Set(s) => Kleene::from(s & set != 0),
        other => Kleene::of(other),
    }
}

/// A field's value compared with a constant; absent is unknown.
#[inline]
fn field_cmp(p: &Program, rec: &Record, op: CmpOp, v: Value, c: Value) -> Kleene {
    match v {
        Value::Absent => Kleene::Unknown,
        v => Kleene::from(op.holds(compare(p, rec, v, c))),
    }
}

/// Whether every slot in `slots` holds a value.
#[inline]
fn present(rec: &Record, slots: KeySet) -> Kleene {
    Kleene::from(slots.minus(rec.present()).is_empty())
}

/// A shifted date's value; an overflow is noted.
fn shifted(date: Result<Option<Date>, DateOutOfRange>, overflow: &mut bool) -> Value {
    match date {
        Ok(Some(d)) => Value::Date(d),
        Ok(None) => Value::Absent,
        Err(DateOutOfRange) => {
            *overflow = true;
            Value::Absent
        }
    }
}

/// `date + amount unit` (`- amount` when `negative`): absent unless both
/// are present.
#[inline]
fn shift(
    p: &Program,
    date: Value,
    amount: Value,
    unit: Unit,
    negative: bool,
    overflow: &mut bool,
) -> Value {
    match (date, amount) {
        (Value::Date(d), Value::Int(a)) => {
            let a = if negative { a.checked_neg() } else { Some(a) };
            let shift = a.ok_or(DateOutOfRange).and_then(|a| p.shift(d, a, unit));
            shifted(shift, overflow)
        }
        _ => Value::Absent,
    }
}

/// `date + amount unit` for a constant amount, its sign applied; days
/// without asking the calendar.
#[inline]
fn shift_by(p: &Program, date: Value, amount: i64, unit: Unit, overflow: &mut bool) -> Value {
    match (date, unit) {
        (Value::Date(d), Unit::Days) => {
            shifted(d.add_days(amount).map(Some).ok_or(DateOutOfRange), overflow)
        }
        (Value::Date(d), unit) => shifted(p.shift(d, amount, unit), overflow),
        _ => Value::Absent,
    }
}

/// `a else b`: `a` where it has a value.
#[inline]
fn or_else(a: Value, b: Value) -> Value {
    match a {
        Value::Absent => b,
        a => a,
    }
}

/// `a op b`; unknown when either is absent. Two dates are compared without
/// the general comparison.
#[inline]
fn cmp(p: &Program, rec: &Record, op: CmpOp, a: Value, b: Value) -> Kleene {
    if let (Value::Date(x), Value::Date(y)) = (a, b) {
        Kleene::from(op.holds(Some(x.cmp(&y))))
    } else if a.is_absent() || b.is_absent() {
        Kleene::Unknown
    } else {
        Kleene::from(op.holds(compare(p, rec, a, b)))
    }
}

/// `v in [list]` (negated: `not in`); absent is unknown.
#[inline]
fn in_list(p: &Program, rec: &Record, v: Value, list: &[Value], negated: bool) -> Kleene {
    if v.is_absent() {
        return Kleene::Unknown;
    }
    let found = list
        .iter()
        .any(|&c| compare(p, rec, v, c).is_some_and(|o| o.is_eq()));
    Kleene::from(found != negated)
}

/// Whether a list value holds an enum value; unknown unless both are present.
#[inline]
fn contains(list: Value, item: Value) -> Kleene {
    match (list, item) {
        (Value::Set(s), Value::Enum(e)) => Kleene::from(s >> e & 1 == 1),
        _ => Kleene::Unknown,
    }
}

impl Program {
    /// Evaluates a record into a fresh trace.
    pub fn evaluate(&self, rec: &Record) -> Result<Trace, DateOutOfRange> {
        let mut trace = Trace::default();
        let mut scratch = Vec::new();
        self.evaluate_into(rec, &mut trace, &mut scratch)?;
        Ok(trace)
    }

    /// Evaluates a record into `trace`, reusing its buffers and `scratch`.
    pub fn evaluate_into(
        &self,
        rec: &Record,
        trace: &mut Trace,
        scratch: &mut Vec<(Value, KeySet)>,
    ) -> Result<(), DateOutOfRange> {
        let decide = if self.periods {
            Program::decide::<true>
        } else {
            Program::decide::<false>
        };
        if decide(self, rec, trace, scratch, Some(self.sweep())) {
            return Ok(());
        }
        // Date arithmetic overflowed somewhere: decide again evaluating
        // only what the language evaluates.
        if decide(self, rec, trace, scratch, None) {
            Ok(())
        } else {
            Err(DateOutOfRange)
        }
    }

    /// Fills `trace`, computing every node first by `sweep` (or, without
    /// one, only what the language evaluates); false when date arithmetic
    /// overflowed. `PERIODS`: whether some clause has a period in force (a
    /// program with none is compiled without the test).
    fn decide<const PERIODS: bool>(
        &self,
        rec: &Record,
        trace: &mut Trace,
        scratch: &mut Vec<(Value, KeySet)>,
        sweep: Option<Sweep>,
    ) -> bool {
        let clauses = self.clauses.len();
        // Sized once for this program (a trace is reused record after
        // record); what a record leaves behind is overwritten or, where the
        // status says it means nothing, never read.
        if trace.nodes.len() != self.nodes.len()
            || trace.defines.len() != self.rules.defines.len()
            || trace.statuses.len() != clauses
        {
            trace.nodes.resize(self.nodes.len(), Value::Absent);
            trace.conditions.resize(self.nodes.len(), Kleene::Unknown);
            trace
                .defines
                .resize(self.rules.defines.len(), Value::Absent);
            trace.statuses.resize(clauses, Status::NotApplicable);
            trace.keys.resize(clauses, KeySet::EMPTY);
            trace.open.resize(clauses, false);
            trace.dues.resize(clauses, Date::EPOCH);
            trace.starts.resize(clauses, Date::EPOCH);
            trace.gaps.resize(clauses, 0);
        }
        let mut keyed = Keyed {
            program: self,
            rec,
            defines: scratch,
            ready: false,
            overflow: false,
        };
        let conds = &mut trace.conditions[..];
        let overflow = if let Some(sweep) = sweep {
            sweep(self, rec, &mut trace.nodes, conds)
        } else {
            // Each clause's condition as the language evaluates it.
            for &(_, n) in self
                .bases
                .iter()
                .chain(&self.grounds)
                .chain(&self.evidence)
                .chain(&self.warnings)
            {
                conds[n as usize] = Kleene::of(keyed.eval(n).0);
            }
            false
        };
        #[cfg(debug_assertions)]
        if sweep.is_some() && self.is_generated() {
            // A generated sweep computes what the general one does, of the
            // nodes read after it (a node nothing reads, it leaves out: the
            // general sweep may overflow there where it does not).
            let (mut vals, mut general) = (trace.nodes.clone(), conds.to_vec());
            let general_overflow = sweep_all(self, rec, &mut vals, &mut general);
            assert!(
                general_overflow || !overflow,
                "overflow only in the generated sweep"
            );
            for n in self.read_after_sweep() {
                assert_eq!(
                    swept_value(self, &trace.nodes, conds, n),
                    swept_value(self, &vals, &general, n),
                    "node {n}"
                );
            }
        }
        #[cfg(debug_assertions)]
        if sweep.is_some() && !overflow {
            for &(_, n) in self
                .bases
                .iter()
                .chain(&self.grounds)
                .chain(&self.evidence)
                .chain(&self.warnings)
            {
                assert_eq!(conds[n as usize], Kleene::of(keyed.eval(n).0), "node {n}");
            }
            for n in self
                .defines
                .iter()
                .map(|&(_, n)| n)
                .chain(self.clauses.iter().filter_map(|c| c.due))
            {
                assert_eq!(
                    swept_value(self, &trace.nodes, conds, n),
                    keyed.eval(n).0,
                    "node {n}"
                );
            }
        }
        let conds = &trace.conditions[..];
        let swept = sweep.map(|_| (&trace.nodes[..], conds));
        // A root's value: swept, or from the keyed evaluator for a record
        // decided without the sweep.
        let value = |keyed: &mut Keyed, n: u32| match swept {
            Some((vals, conds)) => swept_value(self, vals, conds, n),
            None => keyed.eval(n).0,
        };
        // Definitions' values, in dependency order.
        for &(d, root) in &self.defines {
            trace.defines[d] = value(&mut keyed, root);
        }

        // Every clause's status, and what SPEC §2's precedence needs, a
        // kind at a time: the first ground that holds, whether the bases
        // are all false or one holds, and the first open clause with the
        // keys behind the open ones (an unknown basis is open only when no
        // basis holds). Known clauses, most of them, are a status byte
        // and a few branch-free minima; deadlines come after the outcome.
        const NONE: usize = usize::MAX;
        let first = |first: usize, i: usize, yes: bool| first.min(if yes { i } else { NONE });
        // Periods in force, judged against the reference date (SPEC §6):
        // a clause outside its period is not evaluated and holds nothing
        // open; with the reference date absent, it is unknown on that key.
        let reference = match self.reference.map(|slot| (slot, rec.get(slot))) {
            Some((_, Value::Date(d))) => Ok(d),
            Some((slot, _)) => Err(KeySet::one(slot)),
            None => Err(KeySet::EMPTY),
        };
        let in_force = |i: usize| -> InForce {
            if !PERIODS {
                return InForce::Yes;
            }
            match (self.clauses[i].period, reference) {
                (None, _) => InForce::Yes,
                (Some((from, until)), Ok(d)) if from <= d && d <= until => InForce::Yes,
                (Some(_), Ok(_)) => InForce::No,
                (Some(_), Err(keys)) => InForce::Unknown(keys),
            }
        };
        let (statuses, keys) = (&mut trace.statuses[..], &mut trace.keys[..]);
        let (mut first_true_basis, mut first_open_basis) = (NONE, NONE);
        // Scope rejection needs a basis in force, all of them false.
        let mut all_basis_false = self.rules.scope.is_some();
        let mut any_basis = false;
        let mut basis_keys = KeySet::EMPTY;
        for &(i, n) in &self.bases {
            let truth = match in_force(i) {
                InForce::Yes => conds[n as usize],
                InForce::No => {
                    statuses[i] = Status::NotInForce;
                    continue;
                }
                InForce::Unknown(held) => {
                    statuses[i] = Status::Unknown;
                    any_basis = true;
                    all_basis_false = false;
                    first_open_basis = first_open_basis.min(i);
                    keys[i] = held;
                    basis_keys = basis_keys.union(held);
                    continue;
                }
            };
            any_basis = true;
            statuses[i] = TRUTH[truth as usize];
            first_true_basis = first(first_true_basis, i, truth == Kleene::True);
            all_basis_false &= truth == Kleene::False;
            if truth == Kleene::Unknown {
                first_open_basis = first_open_basis.min(i);
                keys[i] = keyed.eval(n).1;
                basis_keys = basis_keys.union(keys[i]);
            }
        }
        all_basis_false &= any_basis;
        let (mut first_fired, mut first_open) = (NONE, NONE);
        let mut open_keys = KeySet::EMPTY;
        for &(i, n) in &self.grounds {
            let truth = match in_force(i) {
                InForce::Yes => conds[n as usize],
                InForce::No => {
                    statuses[i] = Status::NotInForce;
                    continue;
                }
                InForce::Unknown(held) => {
                    statuses[i] = Status::Unknown;
                    first_open = first_open.min(i);
                    keys[i] = held;
                    open_keys = open_keys.union(held);
                    continue;
                }
            };
            statuses[i] = TRUTH[truth as usize];
            first_fired = first(first_fired, i, truth == Kleene::True);
            if truth == Kleene::Unknown {
                first_open = first_open.min(i);
                keys[i] = keyed.eval(n).1;
                open_keys = open_keys.union(keys[i]);
            }
        }
        for &(i, n) in &self.evidence {
            let truth = match in_force(i) {
                InForce::Yes => conds[n as usize],
                InForce::No => {
                    statuses[i] = Status::NotInForce;
                    continue;
                }
                InForce::Unknown(held) => {
                    statuses[i] = Status::Unknown;
                    first_open = first_open.min(i);
                    keys[i] = held;
                    open_keys = open_keys.union(held);
                    continue;
                }
            };
            let met = truth == Kleene::True;
            statuses[i] = if met { Status::Met } else { Status::Unmet };
            if !met {
                first_open = first_open.min(i);
                keys[i] = keyed.eval(n).1;
                open_keys = open_keys.union(keys[i]);
                trace.open[i] = truth == Kleene::Unknown;
            }
        }
        // Warnings decide nothing and hold nothing open: a status each.
        for &(i, n) in &self.warnings {
            statuses[i] = match in_force(i) {
                InForce::Yes => TRUTH[conds[n as usize] as usize],
                InForce::No => Status::NotInForce,
                InForce::Unknown(_) => Status::Unknown,
            };
        }
        if first_true_basis == NONE && first_open_basis != NONE {
            first_open = first_open.min(first_open_basis);
            open_keys = open_keys.union(basis_keys);
        }

        // Outcome, in SPEC §2's order of precedence.
        trace.missing = KeySet::EMPTY;
        (trace.outcome, trace.deciding) = if first_fired != NONE {
            (Outcome::Rejected, Deciding::Clause(first_fired))
        } else if all_basis_false {
            (Outcome::Rejected, Deciding::Scope)
        } else if first_open != NONE {
            trace.missing = open_keys;
            (Outcome::Incomplete, Deciding::Clause(first_open))
        } else if first_true_basis != NONE {
            (Outcome::Accepted, Deciding::Clause(first_true_basis))
        } else {
            // No basis in force: acceptance needs none (SPEC §6).
            debug_assert!(!any_basis);
            (Outcome::Accepted, Deciding::None)
        };

        let bit = outcome_bit(trace.outcome);
        for &i in &self.deadlines {
            let c = &self.clauses[i];
            let Some(n) = c.due.filter(|_| c.applies & bit != 0) else {
                statuses[i] = Status::NotApplicable;
                continue;
            };
            match in_force(i) {
                InForce::Yes => {}
                InForce::No => {
                    statuses[i] = Status::NotInForce;
                    continue;
                }
                InForce::Unknown(held) => {
                    statuses[i] = Status::Unknown;
                    keys[i] = held;
                    trace.gaps[i] = 0;
                    continue;
                }
            }
            match value(&mut keyed, n) {
                Value::Date(d) => {
                    statuses[i] = Status::Due;
                    trace.dues[i] = d;
                    if c.workdays
                        && let Some((start, _)) =
                            self.workday_count(n, &mut |m| value(&mut keyed, m))
                    {
                        trace.starts[i] = start;
                    }
                }
                _ => {
                    statuses[i] = Status::Unknown;
                    keys[i] = keyed.eval(n).1;
                    // Inputs all present, yet no date: a working-day count
                    // that ran out of the calendar.
                    trace.gaps[i] = 0;
                    if keys[i].is_empty()
                        && let Some((start, Some(count))) =
                            self.workday_count(n, &mut |m| value(&mut keyed, m))
                        && let Err(missing) = self.calendar.add_workdays(start, count)
                    {
                        trace.gaps[i] = missing.year;
                    }
                }
            }
        }
        !(overflow || keyed.overflow)
    }
}

fn text<'a>(p: &'a Program, rec: &'a Record, v: Value) -> Option<&'a str> {
    match v {
        Value::Text(r) => Some(rec.text(r)),
        Value::Lit(i) => Some(p.text_constant(i)),
        _ => None,
    }
}

#[inline]
fn compare(p: &Program, rec: &Record, a: Value, b: Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) | (Value::Dec(x), Value::Dec(y)) => Some(x.cmp(&y)),
        (Value::Int(x), Value::Dec(y)) => Some((i128::from(x) * 100).cmp(&i128::from(y))),
        (Value::Dec(x), Value::Int(y)) => Some(i128::from(x).cmp(&(i128::from(y) * 100))),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(&y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(&y)),
        (Value::Enum(x), Value::Enum(y)) => Some(x.cmp(&y)),
        _ => Some(text(p, rec, a)?.cmp(text(p, rec, b)?)),
    }
}

const TRUE: (Value, KeySet) = (Value::Bool(true), KeySet::EMPTY);

impl Ctx<'_> {
    /// A node's value and the keys behind it: for an unknown value, the
    /// absent keys holding it open; for a false condition, the keys that
    /// made it false.
    fn eval(&mut self, n: u32) -> (Value, KeySet) {
        let p = self.program;
        match p.nodes[n as usize] {
            Node::Const(v) => (v, KeySet::EMPTY),
            Node::Field(slot) => {
                let v = self.rec.get(slot as usize);
                if v.is_absent() {
                    (v, KeySet::one(slot as usize))
                } else {
                    (v, KeySet::EMPTY)
                }
            }
            Node::Define(d) | Node::DefineCondition(d) => self.defines[d as usize],
            Node::AsValue(x) | Node::AsCondition(x) => self.eval(x),
            Node::FieldCmp(op, slot, c) => match self.rec.get(slot as usize) {
                Value::Absent => (Value::Absent, KeySet::one(slot as usize)),
                v => self.condition(op.holds(compare(p, self.rec, v, c)), n),
            },
            Node::FieldIs(slot, want) => match self.rec.get(slot as usize) {
                Value::Bool(b) => self.condition(b == want, n),
                Value::Absent => (Value::Absent, KeySet::one(slot as usize)),
                other => (other, KeySet::EMPTY),
            },
            Node::FieldInSet(slot, set, negated) => match self.rec.get(slot as usize) {
                Value::Enum(e) => self.condition((set >> e & 1 == 1) != negated, n),
                Value::Absent => (Value::Absent, KeySet::one(slot as usize)),
                other => (other, KeySet::EMPTY),
            },
            Node::FieldContainsAny(slot, set) => match self.rec.get(slot as usize) {
                Value::Set(s) => self.condition(s & set != 0, n),
                Value::Absent => (Value::Absent, KeySet::one(slot as usize)),
                other => (other, KeySet::EMPTY),
            },
            Node::Present(set) => {
                let absent = set.minus(self.rec.present());
                if absent.is_empty() {
                    TRUE
                } else {
                    (Value::Bool(false), absent)
                }
            }
            Node::Not(x) => match self.eval(x) {
                (Value::Bool(true), _) => (Value::Bool(false), p.reads[n as usize]),
                (Value::Bool(false), _) => TRUE,
                other => other,
            },
            Node::And(start, len) => {
                let (mut any_false, mut any_unknown) = (false, false);
                let (mut false_keys, mut open_keys) = (KeySet::EMPTY, KeySet::EMPTY);
                for k in start..start + len {
                    match self.eval(p.kids[k as usize]) {
                        (Value::Bool(true), _) => {}
                        (Value::Bool(false), keys) => {
                            any_false = true;
                            false_keys = false_keys.union(keys);
                        }
                        (_, keys) => {
                            any_unknown = true;
                            open_keys = open_keys.union(keys);
                        }
                    }
                }
                if any_false {
                    (Value::Bool(false), false_keys)
                } else if any_unknown {
                    (Value::Absent, open_keys)
                } else {
                    TRUE
                }
            }
            Node::Or(start, len) => {
                let (mut any_true, mut any_unknown) = (false, false);
                let (mut false_keys, mut open_keys) = (KeySet::EMPTY, KeySet::EMPTY);
                for k in start..start + len {
                    match self.eval(p.kids[k as usize]) {
                        (Value::Bool(true), _) => any_true = true,
                        (Value::Bool(false), keys) => false_keys = false_keys.union(keys),
                        (_, keys) => {
                            any_unknown = true;
                            open_keys = open_keys.union(keys);
                        }
                    }
                }
                if any_true {
                    TRUE
                } else if any_unknown {
                    (Value::Absent, open_keys)
                } else {
                    (Value::Bool(false), false_keys)
                }
            }
            Node::Cmp(op, a, b) => {
                let (va, ka) = self.eval(a);
                let (vb, kb) = self.eval(b);
                self.truth(cmp(p, self.rec, op, va, vb), n, ka.union(kb))
            }
            Node::InSet(x, set, negated) => match self.eval(x) {
                (Value::Enum(e), _) => self.condition((set >> e & 1 == 1) != negated, n),
                other => other,
            },
            Node::InList(x, start, len, negated) => {
                let (v, keys) = self.eval(x);
                let list = &p.consts[start as usize..(start + len) as usize];
                self.truth(in_list(p, self.rec, v, list, negated), n, keys)
            }
            Node::ContainsAny(x, set) => match self.eval(x) {
                (Value::Set(s), _) => self.condition(s & set != 0, n),
                other => other,
            },
            Node::Contains(list, item) => {
                let (vl, kl) = self.eval(list);
                let (vi, ki) = self.eval(item);
                self.truth(contains(vl, vi), n, kl.union(ki))
            }
            // A shift of present operands holds no key open, even where its
            // date is unknown (a calendar without the year, an overflow).
            Node::Shift(date, amount, unit, negative) => {
                let (vd, kd) = self.eval(date);
                let (va, ka) = self.eval(amount);
                let v = shift(p, vd, va, unit, negative, &mut self.overflow);
                match (vd, va) {
                    (Value::Date(_), Value::Int(_)) => (v, KeySet::EMPTY),
                    _ => (v, kd.union(ka)),
                }
            }
            Node::ShiftBy(date, amount, unit) => {
                let (vd, kd) = self.eval(date);
                let v = shift_by(p, vd, amount, unit, &mut self.overflow);
                match vd {
                    Value::Date(_) => (v, KeySet::EMPTY),
                    _ => (v, kd),
                }
            }
            Node::Else(a, b) => {
                let (va, ka) = self.eval(a);
                if !va.is_absent() {
                    return (va, KeySet::EMPTY);
                }
                let (vb, kb) = self.eval(b);
                if vb.is_absent() {
                    (vb, ka.union(kb))
                } else {
                    (vb, KeySet::EMPTY)
                }
            }
        }
    }

    /// A condition's truth as the keyed evaluator gives it: unknown is held
    /// open by `open`, the keys of its unknown operands.
    fn truth(&self, truth: Kleene, n: u32, open: KeySet) -> (Value, KeySet) {
        match truth {
            Kleene::Unknown => (Value::Absent, open),
            t => self.condition(t == Kleene::True, n),
        }
    }

    fn condition(&self, holds: bool, n: u32) -> (Value, KeySet) {
        if holds {
            TRUE
        } else {
            (Value::Bool(false), self.program.reads[n as usize])
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::record::Record;
    use crate::value::{Date, Value};

    const RULES: &str = r#"
rules "else" { version "1" }
field a "甲" date
field b "乙" date
field n "数" integer
scope "S" "范围" {}
basis "B" "依据" { when true }
deadline "D" "期限" { due d = a else (b + n years) }
"#;

    fn due(a: Option<Date>, n: i64) -> Result<Option<Date>, super::DateOutOfRange> {
        let program = crate::load_rules("else.rules", RULES.as_bytes()).expect("rules load");
        let mut rec = Record::new(program.rules.fields.len());
        let slot = |k: &str| program.rules.field(k).unwrap();
        if let Some(a) = a {
            rec.set(slot("a"), Value::Date(a));
        }
        rec.set(slot("b"), Value::Date(jiff::civil::date(2024, 1, 1).into()));
        rec.set(slot("n"), Value::Int(n));
        let trace = program.evaluate(&rec)?;
        Ok(trace.due(1))
    }

    /// `else` evaluates its right side only when the left is absent, so
    /// arithmetic that would overflow there is no error when it is not
    /// needed (the evaluator's sweep computes both sides, and must not
    /// report what the language does not evaluate).
    #[test]
    fn overflow_on_the_side_else_does_not_need_is_no_error() {
        let a: Date = jiff::civil::date(2024, 3, 5).into();
        assert_eq!(due(Some(a), 9_999_999_999), Ok(Some(a)));
        assert_eq!(due(None, 9_999_999_999), Err(super::DateOutOfRange));
        assert_eq!(due(None, 1), Ok(Some(jiff::civil::date(2025, 1, 1).into())));
    }

    /// Every deadline's date is swept with the conditions, applicable or
    /// not; arithmetic that overflows in a deadline that does not apply
    /// to the outcome is no error, and one that applies is.
    #[test]
    fn overflow_in_a_deadline_that_does_not_apply_is_no_error() {
        const RULES: &str = r#"
rules "applies" { version "1" }
field ok "受理" bool
field d "日期" date
field n "数" integer
scope "S" "范围" {}
basis "B" "依据" { when ok == true }
deadline "D" "期限" { due later = d + n years  applies to accepted }
"#;
        let program = crate::load_rules("applies.rules", RULES.as_bytes()).expect("rules load");
        let slot = |k: &str| program.rules.field(k).unwrap();
        let run = |ok: bool| {
            let mut rec = Record::new(program.rules.fields.len());
            rec.set(slot("ok"), Value::Bool(ok));
            rec.set(slot("d"), Value::Date(jiff::civil::date(2024, 1, 1).into()));
            rec.set(slot("n"), Value::Int(9_999_999_999));
            program.evaluate(&rec)
        };
        let rejected = run(false).expect("a deadline that does not apply is not computed");
        assert_eq!(rejected.outcome, crate::model::Outcome::Rejected);
        assert_eq!(rejected.clause(1).status, super::Status::NotApplicable);
        assert_eq!(run(true), Err(super::DateOutOfRange));
    }

    /// A constant count of days past the calendar's end is an overflow,
    /// as any other shift's (the sweep adds days by a path of its own).
    #[test]
    fn days_past_the_end_of_the_calendar_overflow() {
        const RULES: &str = r#"
rules "days" { version "1" }
field d "日期" date
scope "S" "范围" {}
basis "B" "依据" { when true }
deadline "D" "期限" { due later = d + 15 days }
deadline "E" "期限" { due sooner = d - 3 days }
"#;
        let program = crate::load_rules("days.rules", RULES.as_bytes()).expect("rules load");
        let run = |d: jiff::civil::Date| {
            let mut rec = Record::new(program.rules.fields.len());
            rec.set(program.rules.field("d").unwrap(), Value::Date(d.into()));
            program.evaluate(&rec)
        };
        let trace = run(jiff::civil::date(2024, 12, 20)).expect("within the calendar");
        assert_eq!(trace.due(1), Some(jiff::civil::date(2025, 1, 4).into()));
        assert_eq!(trace.due(2), Some(jiff::civil::date(2024, 12, 17).into()));
        assert_eq!(
            run(jiff::civil::date(9999, 12, 20)),
            Err(super::DateOutOfRange)
        );
        assert_eq!(
            run(jiff::civil::date(-9999, 1, 2)),
            Err(super::DateOutOfRange)
        );
    }

    /// A field read by several clauses is one node, copied once a record.
    #[test]
    fn a_field_read_by_several_clauses_is_one_node() {
        const RULES: &str = r#"
rules "shared" { version "1" }
field a "甲" date
field b "乙" date
scope "S" "范围" {}
basis "B" "依据" { when a > b }
ground "G" "不予受理" { when a < b }
deadline "D" "期限" { due d = a + 1 months }
"#;
        let program = crate::load_rules("shared.rules", RULES.as_bytes()).expect("rules load");
        let fields = |slot: u16| {
            program
                .nodes
                .iter()
                .filter(|n| matches!(n, crate::compile::Node::Field(s) if *s == slot))
                .count()
        };
        let a = program.rules.field("a").unwrap() as u16;
        let b = program.rules.field("b").unwrap() as u16;
        assert_eq!((fields(a), fields(b)), (1, 1));
        let mut rec = Record::new(program.rules.fields.len());
        rec.set(a.into(), Value::Date(jiff::civil::date(2024, 1, 31).into()));
        rec.set(b.into(), Value::Date(jiff::civil::date(2023, 1, 1).into()));
        let trace = program.evaluate(&rec).expect("evaluates");
        assert_eq!(trace.outcome, crate::model::Outcome::Accepted);
        assert_eq!(trace.due(2), Some(jiff::civil::date(2024, 2, 29).into()));
    }
}
