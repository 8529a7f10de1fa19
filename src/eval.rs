//! Compiled program + record → evaluation trace, with Kleene three-valued
//! logic (SPEC §2). No I/O, no text: the trace holds statuses, key sets and
//! values, and the reporter turns them into words.

use crate::compile::{Node, Program, outcome_bit};
use crate::model::{ClauseKind, Outcome};
use crate::record::Record;
use crate::syntax::CmpOp;
use crate::value::{KeySet, Value, shift_date};

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
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClauseResult {
    pub status: Status,
    /// Unknown: the absent keys holding the clause open. Unmet: the keys
    /// whose absence (or value) leaves the requirement unmet.
    pub keys: KeySet,
    /// A deadline's date.
    pub due: Value,
    /// The condition itself was unknown (an unmet evidence clause whose
    /// keys are absent, rather than present with the wrong values).
    pub open: bool,
}

/// Which clause decided the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deciding {
    /// An index into the program's clauses.
    Clause(usize),
    /// Every basis was false: the scope clause (1.0).
    Scope,
}

/// Everything evaluation found; reusable across records.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    pub clauses: Vec<ClauseResult>,
    /// Each definition's value, by definition id.
    pub defines: Vec<Value>,
    pub outcome: Outcome,
    pub deciding: Deciding,
    /// The keys to ask for (incomplete only).
    pub missing: KeySet,
}

impl Default for Trace {
    fn default() -> Trace {
        Trace {
            clauses: Vec::new(),
            defines: Vec::new(),
            outcome: Outcome::Incomplete,
            deciding: Deciding::Scope,
            missing: KeySet::EMPTY,
        }
    }
}

impl Trace {
    /// Indices of the grounds that hold, in clause order.
    pub fn fired<'a>(&'a self, program: &'a Program) -> impl Iterator<Item = usize> + 'a {
        self.clauses.iter().enumerate().filter_map(move |(i, r)| {
            (program.clauses[i].kind == ClauseKind::Ground && r.status == Status::True).then_some(i)
        })
    }
}

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
        scratch.clear();
        scratch.resize(self.rules.defines.len(), (Value::Absent, KeySet::EMPTY));
        let mut overflow = false;
        for &(d, root) in &self.defines {
            let mut ctx = Ctx {
                program: self,
                rec,
                defines: scratch,
                overflow: false,
            };
            let v = ctx.eval(root);
            overflow |= ctx.overflow;
            scratch[d] = v;
        }
        let mut ctx = Ctx {
            program: self,
            rec,
            defines: scratch,
            overflow,
        };
        trace.clauses.clear();
        trace.defines.clear();
        trace.defines.extend(scratch.iter().map(|d| d.0));

        let (mut any_basis_true, mut all_basis_false) = (false, true);
        let mut first_true_basis = None;
        let mut first_fired = None;
        for (i, c) in self.clauses.iter().enumerate() {
            let result = match (c.kind, c.condition) {
                (ClauseKind::Basis | ClauseKind::Ground, Some(n)) => {
                    let (v, keys) = ctx.eval(n);
                    let status = match v {
                        Value::Bool(true) => Status::True,
                        Value::Bool(false) => Status::False,
                        _ => Status::Unknown,
                    };
                    if c.kind == ClauseKind::Basis {
                        any_basis_true |= status == Status::True;
                        all_basis_false &= status == Status::False;
                        if status == Status::True && first_true_basis.is_none() {
                            first_true_basis = Some(i);
                        }
                    } else if status == Status::True && first_fired.is_none() {
                        first_fired = Some(i);
                    }
                    let keys = if status == Status::Unknown {
                        keys
                    } else {
                        KeySet::EMPTY
                    };
                    ClauseResult {
                        status,
                        keys,
                        due: Value::Absent,
                        open: status == Status::Unknown,
                    }
                }
                (ClauseKind::Evidence, Some(n)) => {
                    let (v, keys) = ctx.eval(n);
                    if v == Value::Bool(true) {
                        ClauseResult {
                            status: Status::Met,
                            keys: KeySet::EMPTY,
                            due: Value::Absent,
                            open: false,
                        }
                    } else {
                        ClauseResult {
                            status: Status::Unmet,
                            keys,
                            due: Value::Absent,
                            open: v.is_absent(),
                        }
                    }
                }
                _ => ClauseResult {
                    status: Status::NotApplicable,
                    keys: KeySet::EMPTY,
                    due: Value::Absent,
                    open: false,
                },
            };
            trace.clauses.push(result);
        }

        // Outcome, in SPEC §2's order of precedence.
        trace.missing = KeySet::EMPTY;
        if let Some(i) = first_fired {
            trace.outcome = Outcome::Rejected;
            trace.deciding = Deciding::Clause(i);
        } else if all_basis_false {
            trace.outcome = Outcome::Rejected;
            trace.deciding = Deciding::Scope;
        } else {
            let mut first_open = None;
            for (i, (c, r)) in self.clauses.iter().zip(&trace.clauses).enumerate() {
                let open = match (c.kind, r.status) {
                    (ClauseKind::Basis, Status::Unknown) => !any_basis_true,
                    (ClauseKind::Ground, Status::Unknown) => true,
                    (ClauseKind::Evidence, Status::Unmet) => true,
                    _ => false,
                };
                if open {
                    trace.missing = trace.missing.union(r.keys);
                    first_open.get_or_insert(i);
                }
            }
            match (first_open, first_true_basis) {
                (Some(i), _) => {
                    trace.outcome = Outcome::Incomplete;
                    trace.deciding = Deciding::Clause(i);
                }
                (None, Some(i)) => {
                    trace.outcome = Outcome::Accepted;
                    trace.deciding = Deciding::Clause(i);
                }
                (None, None) => unreachable!("no basis true and none open means all are false"),
            }
        }

        let bit = outcome_bit(trace.outcome);
        for (c, r) in self.clauses.iter().zip(trace.clauses.iter_mut()) {
            let Some(n) = c.due else { continue };
            if c.applies & bit == 0 {
                continue;
            }
            let (v, keys) = ctx.eval(n);
            *r = match v {
                Value::Date(_) => ClauseResult {
                    status: Status::Due,
                    keys: KeySet::EMPTY,
                    due: v,
                    open: false,
                },
                _ => ClauseResult {
                    status: Status::Unknown,
                    keys,
                    due: Value::Absent,
                    open: true,
                },
            };
        }
        if ctx.overflow {
            return Err(DateOutOfRange);
        }
        Ok(())
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
            Node::Define(d) => self.defines[d as usize],
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
                if va.is_absent() || vb.is_absent() {
                    return (Value::Absent, ka.union(kb));
                }
                let ord = self.compare(va, vb);
                let holds = match (op, ord) {
                    (CmpOp::Eq, Some(o)) => o.is_eq(),
                    (CmpOp::Ne, Some(o)) => o.is_ne(),
                    (CmpOp::Lt, Some(o)) => o.is_lt(),
                    (CmpOp::Le, Some(o)) => o.is_le(),
                    (CmpOp::Gt, Some(o)) => o.is_gt(),
                    (CmpOp::Ge, Some(o)) => o.is_ge(),
                    (CmpOp::Ne, None) => true,
                    (_, None) => false,
                };
                self.condition(holds, n)
            }
            Node::InSet(x, set, negated) => match self.eval(x) {
                (Value::Enum(e), _) => self.condition((set >> e & 1 == 1) != negated, n),
                other => other,
            },
            Node::InList(x, start, len, negated) => {
                let (v, keys) = self.eval(x);
                if v.is_absent() {
                    return (v, keys);
                }
                let found = p.consts[start as usize..(start + len) as usize]
                    .iter()
                    .any(|&c| self.compare(v, c).is_some_and(|o| o.is_eq()));
                self.condition(found != negated, n)
            }
            Node::ContainsAny(x, set) => match self.eval(x) {
                (Value::Set(s), _) => self.condition(s & set != 0, n),
                other => other,
            },
            Node::Contains(list, item) => {
                let (vl, kl) = self.eval(list);
                let (vi, ki) = self.eval(item);
                match (vl, vi) {
                    (Value::Set(s), Value::Enum(e)) => self.condition(s >> e & 1 == 1, n),
                    _ => (Value::Absent, kl.union(ki)),
                }
            }
            Node::Shift(date, amount, unit, negative) => {
                let (vd, kd) = self.eval(date);
                let (va, ka) = self.eval(amount);
                match (vd, va) {
                    (Value::Date(d), Value::Int(a)) => {
                        let a = if negative { a.checked_neg() } else { Some(a) };
                        match a.and_then(|a| shift_date(d, a, unit)) {
                            Some(d) => (Value::Date(d), KeySet::EMPTY),
                            None => {
                                self.overflow = true;
                                (Value::Absent, KeySet::EMPTY)
                            }
                        }
                    }
                    _ => (Value::Absent, kd.union(ka)),
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

    fn condition(&self, holds: bool, n: u32) -> (Value, KeySet) {
        if holds {
            TRUE
        } else {
            (Value::Bool(false), self.program.reads[n as usize])
        }
    }

    fn text(&self, v: Value) -> Option<&str> {
        match v {
            Value::Text(r) => Some(self.rec.text(r)),
            Value::Lit(i) => Some(self.program.text_constant(i)),
            _ => None,
        }
    }

    fn compare(&self, a: Value, b: Value) -> Option<std::cmp::Ordering> {
        match (a, b) {
            (Value::Int(x), Value::Int(y)) | (Value::Dec(x), Value::Dec(y)) => Some(x.cmp(&y)),
            (Value::Int(x), Value::Dec(y)) => Some((i128::from(x) * 100).cmp(&i128::from(y))),
            (Value::Dec(x), Value::Int(y)) => Some(i128::from(x).cmp(&(i128::from(y) * 100))),
            (Value::Date(x), Value::Date(y)) => Some(x.cmp(&y)),
            (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(&y)),
            (Value::Enum(x), Value::Enum(y)) => Some(x.cmp(&y)),
            _ => Some(self.text(a)?.cmp(self.text(b)?)),
        }
    }
}
