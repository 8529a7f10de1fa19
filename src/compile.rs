//! Checked rules → a flat program: expressions become nodes in one array,
//! addressed by index, reading fields by slot. Nothing is looked up by name
//! when a record is evaluated.

use crate::base::{CmpOp, Unit};
use crate::model::*;
use std::sync::{Arc, OnceLock};

use crate::calendar::Calendar;
use crate::value::{Date, KeySet, Value};

/// One step of a compiled expression. A node is either a *condition*,
/// whose value is a [`crate::eval::Kleene`] truth value, or a *value* node,
/// whose value is a [`Value`] ([`Node::is_condition`]). Every operand is of
/// the kind its reader expects: the compiler puts [`Node::AsCondition`] or
/// [`Node::AsValue`] between the two where a rule file mixes them (a
/// boolean field under `and`, a comparison compared with `true`), so the
/// evaluator never has to ask which kind an operand is.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Node {
    // ---- value nodes
    Const(Value),
    Field(u16),
    /// A definition whose root is a value node.
    Define(u16),
    /// `Shift(date, amount, unit, negative)`.
    Shift(u32, u32, Unit, bool),
    /// A shift by a constant amount, its sign applied.
    ShiftBy(u32, i64, Unit),
    Else(u32, u32),
    /// A condition's truth value as a value (`Bool` or `Absent`).
    AsValue(u32),
    // ---- condition nodes
    /// A definition whose root is a condition.
    DefineCondition(u16),
    /// A boolean value node's truth value.
    AsCondition(u32),
    /// Every slot in the set has a value.
    Present(KeySet),
    Not(u32),
    /// Operands are `kids[start..start + len]`.
    And(u32, u32),
    Or(u32, u32),
    Cmp(CmpOp, u32, u32),
    InSet(u32, u64, bool),
    /// Constants are `consts[start..start + len]`.
    InList(u32, u32, u32, bool),
    ContainsAny(u32, u64),
    Contains(u32, u32),
    // Fused forms of the commonest conditions, a field tested against
    // constants: one node where the general form takes two or three.
    /// `Cmp(op, Field(slot), Const(value))`.
    FieldCmp(CmpOp, u16, Value),
    /// A boolean field compared with a constant: `field == want` (and
    /// `field != !want`).
    FieldIs(u16, bool),
    /// `InSet(Field(slot), set, negated)`, and an enum field compared with
    /// one value (`==`, or `!=` negated).
    FieldInSet(u16, u64, bool),
    /// `ContainsAny(Field(slot), set)`.
    FieldContainsAny(u16, u64),
}

impl Node {
    /// Whether the node's value is a truth value (else a [`Value`]).
    pub(crate) fn is_condition(&self) -> bool {
        !matches!(
            self,
            Node::Const(_)
                | Node::Field(_)
                | Node::Define(_)
                | Node::Shift(..)
                | Node::ShiftBy(..)
                | Node::Else(..)
                | Node::AsValue(_)
        )
    }

    /// Whether the node counts working days forward (`… + N workdays`):
    /// a deadline's date so counted has a first day to report.
    fn counts_workdays(&self) -> bool {
        matches!(
            self,
            Node::Shift(_, _, Unit::Workdays, false) | Node::ShiftBy(_, _, Unit::Workdays)
        )
    }

    /// The nodes this one reads, in order: its operands (a definition's
    /// root is not one: `Define` reads the definition).
    pub(crate) fn operands<'a>(&self, kids: &'a [u32]) -> impl Iterator<Item = u32> + 'a {
        let (pair, list): ([Option<u32>; 2], &[u32]) = match *self {
            Node::Const(_)
            | Node::Field(_)
            | Node::Define(_)
            | Node::DefineCondition(_)
            | Node::Present(_)
            | Node::FieldCmp(..)
            | Node::FieldIs(..)
            | Node::FieldInSet(..)
            | Node::FieldContainsAny(..) => ([None, None], &[]),
            Node::ShiftBy(x, ..)
            | Node::AsValue(x)
            | Node::AsCondition(x)
            | Node::Not(x)
            | Node::InSet(x, ..)
            | Node::InList(x, ..)
            | Node::ContainsAny(x, _) => ([Some(x), None], &[]),
            Node::Shift(a, b, ..)
            | Node::Else(a, b)
            | Node::Cmp(_, a, b)
            | Node::Contains(a, b) => ([Some(a), Some(b)], &[]),
            Node::And(start, len) | Node::Or(start, len) => {
                ([None, None], &kids[start as usize..(start + len) as usize])
            }
        };
        pair.into_iter().flatten().chain(list.iter().copied())
    }
}

/// For each node, whether it reads a definition (itself or through its
/// operands, which come before it).
fn reading_definitions(nodes: &[Node], kids: &[u32]) -> Vec<bool> {
    let mut reads: Vec<bool> = Vec::with_capacity(nodes.len());
    for node in nodes {
        let r = match node {
            Node::Define(_) | Node::DefineCondition(_) => true,
            node => node.operands(kids).any(|k| reads[k as usize]),
        };
        reads.push(r);
    }
    reads
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledClause {
    pub kind: ClauseKind,
    /// A value node.
    pub due: Option<u32>,
    /// Bit per [`Outcome`] the clause applies to (deadlines).
    pub applies: u8,
    /// The first and last day in force (`Date::MIN`, `Date::MAX` when
    /// open); `None` for a clause always in force.
    pub period: Option<(Date, Date)>,
    /// A deadline whose date counts working days (`… + N workdays`).
    pub workdays: bool,
}

/// Rules ready to evaluate, with the checked rules they came from (for
/// labels, titles and templates).
#[derive(Debug, Clone)]
pub struct Program {
    pub rules: RuleSet,
    pub(crate) nodes: Vec<Node>,
    /// The fields each node reads, through definitions too.
    pub(crate) reads: Vec<KeySet>,
    /// Whether each node reads a definition (see [`reading_definitions`]).
    pub(crate) reads_definitions: Vec<bool>,
    pub(crate) kids: Vec<u32>,
    pub(crate) consts: Vec<Value>,
    pub(crate) texts: Vec<String>,
    /// (definition, root node), in an order where each comes after those it uses.
    pub(crate) defines: Vec<(usize, u32)>,
    /// Each definition's root node (a condition or a value node, as the
    /// definition's type is boolean or not), by definition id.
    pub(crate) define_roots: Vec<u32>,
    /// The order in which the evaluator's sweep computes every node for
    /// every record (definitions, conditions and deadline dates: a date is
    /// computed even where its deadline does not apply, which costs less
    /// than a sweep of its own where it does; an overflow there only sends
    /// the record to the keyed evaluator, which computes what applies).
    pub(crate) schedule: Schedule,
    /// (clause, condition node) of the bases, the grounds and the evidence
    /// clauses, each in clause order.
    pub(crate) bases: Vec<(usize, u32)>,
    pub(crate) grounds: Vec<(usize, u32)>,
    pub(crate) evidence: Vec<(usize, u32)>,
    /// (clause, condition node) of the warnings: they decide nothing.
    pub(crate) warnings: Vec<(usize, u32)>,
    /// The clauses with a `due` date, in clause order.
    pub(crate) deadlines: Vec<usize>,
    pub(crate) clauses: Vec<CompiledClause>,
    /// The record's reference date's slot, where some clause has a period.
    pub(crate) reference: Option<usize>,
    /// Whether any clause has a period in force.
    pub(crate) periods: bool,
    /// The holiday calendar `+ N workdays` counts by.
    pub calendar: Arc<Calendar>,
    /// Which generated sweep evaluates this program: an index into
    /// `eval`'s table of the built-in rule sets' sweeps, or `None` for the
    /// general one. Found when the program is first evaluated.
    pub(crate) generated: OnceLock<Option<usize>>,
    /// While compiling: each field's node, shared by every expression that
    /// reads the field (`u32::MAX` for none yet), so the sweep copies a
    /// field once however many clauses read it.
    field_nodes: Vec<u32>,
}

impl Program {
    /// The program counting working days by `calendar` (the built-in one
    /// with an office's years merged in, say).
    pub fn with_calendar(mut self, calendar: Calendar) -> Program {
        self.calendar = Arc::new(calendar);
        self
    }

    /// What identifies a program to its generated sweep: every node, with
    /// the operand lists and constants they index and the nodes read after
    /// the sweep. Equal signatures sweep alike.
    pub(crate) fn sweep_signature(&self) -> String {
        format!(
            "{:?} {:?} {:?} {:?} {:?}",
            self.nodes,
            self.kids,
            self.consts,
            self.define_roots,
            self.read_after_sweep()
        )
    }

    /// The nodes whose swept values evaluation reads: the clauses'
    /// conditions, the definitions, the deadlines' dates and, for a
    /// working-day count, its date and amount. Ascending, each once.
    pub(crate) fn read_after_sweep(&self) -> Vec<u32> {
        let mut read: Vec<u32> = self
            .bases
            .iter()
            .chain(&self.grounds)
            .chain(&self.evidence)
            .chain(&self.warnings)
            .map(|&(_, n)| n)
            .chain(self.defines.iter().map(|&(_, n)| n))
            .collect();
        for n in self.clauses.iter().filter_map(|c| c.due) {
            read.push(n);
            match self.nodes[n as usize] {
                Node::Shift(date, amount, Unit::Workdays, _) => read.extend([date, amount]),
                Node::ShiftBy(date, _, Unit::Workdays) => read.push(date),
                _ => {}
            }
        }
        read.sort_unstable();
        read.dedup();
        read
    }
}

pub fn outcome_bit(o: Outcome) -> u8 {
    1 << (o as u8)
}

pub fn compile(mut rules: RuleSet) -> Program {
    // The definitions and clauses are compiled from while the program holds
    // the rest of the rules; they join it at the end (nothing is copied).
    let defines = std::mem::take(&mut rules.defines);
    let clauses = std::mem::take(&mut rules.clauses);
    let mut p = Program {
        nodes: Vec::new(),
        reads: Vec::new(),
        reads_definitions: Vec::new(),
        kids: Vec::new(),
        consts: Vec::new(),
        texts: Vec::new(),
        defines: Vec::new(),
        define_roots: vec![u32::MAX; defines.len()],
        schedule: Schedule::default(),
        bases: Vec::new(),
        grounds: Vec::new(),
        evidence: Vec::new(),
        warnings: Vec::new(),
        deadlines: Vec::new(),
        clauses: Vec::new(),
        reference: None,
        periods: false,
        // Parsed only for rules that count working days (see below).
        calendar: Arc::new(Calendar::empty()),
        field_nodes: vec![u32::MAX; rules.fields.len()],
        generated: OnceLock::new(),
        rules,
    };
    for d in p.rules.define_order.clone() {
        let root = p.expr(&defines[d].expr);
        p.defines.push((d, root));
        p.define_roots[d] = root;
    }
    for c in &clauses {
        let condition = c.condition.as_ref().map(|e| p.condition(e));
        let due = c.due.as_ref().map(|d| p.value(&d.expr));
        let i = p.clauses.len();
        if due.is_some() {
            p.deadlines.push(i);
        }
        match (c.kind, condition) {
            (ClauseKind::Basis, Some(n)) => p.bases.push((i, n)),
            (ClauseKind::Ground, Some(n)) => p.grounds.push((i, n)),
            (ClauseKind::Evidence, Some(n)) => p.evidence.push((i, n)),
            (ClauseKind::Warning, Some(n)) => p.warnings.push((i, n)),
            _ => {}
        }
        let applies = match &c.applies {
            None => 0b111,
            Some(list) => list.iter().fold(0, |m, &o| m | outcome_bit(o)),
        };
        let period = c
            .in_force
            .map(|(from, until)| (from.unwrap_or(Date::MIN), until.unwrap_or(Date::MAX)));
        p.periods |= period.is_some();
        p.clauses.push(CompiledClause {
            kind: c.kind,
            due,
            applies,
            period,
            workdays: due.is_some_and(|n| p.nodes[n as usize].counts_workdays()),
        });
    }
    p.reference = p.rules.reference;
    if p.nodes.iter().any(|n| {
        matches!(
            n,
            Node::Shift(_, _, Unit::Workdays, _) | Node::ShiftBy(_, _, Unit::Workdays)
        )
    }) {
        p.calendar = Calendar::shared_builtin();
    }
    p.rules.defines = defines;
    p.rules.clauses = clauses;
    p.field_nodes = Vec::new();
    p.schedule = Schedule::of(&p.nodes);
    p.reads_definitions = reading_definitions(&p.nodes, &p.kids);
    p
}

/// How the sweep visits the nodes. Fields and leaf tests of a field
/// against constants read no other node, so they go first, grouped by
/// kind, each group one tight loop with no dispatch; then every other
/// node, in node order (operands before the nodes that use them).
#[derive(Debug, Clone, Default)]
pub(crate) struct Schedule {
    /// `FieldInSet` nodes: (node, slot, set, negated).
    pub in_set: Vec<(u32, u16, u64, bool)>,
    /// `FieldIs` nodes: (node, slot, want).
    pub is: Vec<(u32, u16, bool)>,
    /// `Field` nodes: (node, slot).
    pub fields: Vec<(u32, u16)>,
    /// `FieldContainsAny` nodes: (node, slot, set).
    pub contains_any: Vec<(u32, u16, u64)>,
    /// `FieldCmp` nodes: (node, op, slot, constant).
    pub cmp: Vec<(u32, CmpOp, u16, Value)>,
    /// `Present` nodes: (node, slots).
    pub present: Vec<(u32, KeySet)>,
    /// Every other node, with its index: (node, what it is).
    pub rest: Vec<(u32, Node)>,
}

impl Schedule {
    fn of(nodes: &[Node]) -> Schedule {
        let mut s = Schedule::default();
        for (i, node) in nodes.iter().enumerate() {
            let i = i as u32;
            match *node {
                Node::FieldInSet(slot, set, negated) => s.in_set.push((i, slot, set, negated)),
                Node::FieldIs(slot, want) => s.is.push((i, slot, want)),
                Node::Field(slot) => s.fields.push((i, slot)),
                Node::FieldContainsAny(slot, set) => s.contains_any.push((i, slot, set)),
                Node::FieldCmp(op, slot, c) => s.cmp.push((i, op, slot, c)),
                Node::Present(slots) => s.present.push((i, slots)),
                _ => s.rest.push((i, *node)),
            }
        }
        s
    }
}

impl Program {
    fn push(&mut self, node: Node, reads: KeySet) -> u32 {
        self.nodes.push(node);
        self.reads.push(reads);
        (self.nodes.len() - 1) as u32
    }

    /// `e` as a condition node.
    fn condition(&mut self, e: &Expr) -> u32 {
        let n = self.expr(e);
        if self.nodes[n as usize].is_condition() {
            n
        } else {
            self.wrap(Node::AsCondition(n), n)
        }
    }

    /// `e` as a value node.
    fn value(&mut self, e: &Expr) -> u32 {
        let n = self.expr(e);
        if self.nodes[n as usize].is_condition() {
            self.wrap(Node::AsValue(n), n)
        } else {
            n
        }
    }

    /// A node over `inner` alone.
    fn wrap(&mut self, node: Node, inner: u32) -> u32 {
        self.push(node, self.reads[inner as usize])
    }

    /// A field tested against constants, as one fused node.
    fn fused(&mut self, e: &Expr) -> Option<u32> {
        let field = |x: &Expr| match x.kind {
            ExprKind::Field(f) => Some(f),
            _ => None,
        };
        let (node, f) = match &e.kind {
            ExprKind::Cmp(a, op, b) => {
                let (f, ExprKind::Const(c)) = (field(a)?, &b.kind) else {
                    return None;
                };
                let c = self.constant(c);
                let negated = *op == CmpOp::Ne;
                match (op, c) {
                    (CmpOp::Eq | CmpOp::Ne, Value::Bool(b)) => {
                        (Node::FieldIs(f as u16, b != negated), f)
                    }
                    (CmpOp::Eq | CmpOp::Ne, Value::Enum(e)) if e < 64 => {
                        (Node::FieldInSet(f as u16, 1 << e, negated), f)
                    }
                    _ => (Node::FieldCmp(*op, f as u16, c), f),
                }
            }
            ExprKind::InSet {
                value,
                set,
                negated,
            } => {
                let f = field(value)?;
                (Node::FieldInSet(f as u16, *set, *negated), f)
            }
            ExprKind::ContainsAny(list, set) => {
                let f = field(list)?;
                (Node::FieldContainsAny(f as u16, *set), f)
            }
            _ => return None,
        };
        Some(self.push(node, KeySet::one(f)))
    }

    /// Compiles an expression: its operands' nodes come before its own.
    fn expr(&mut self, e: &Expr) -> u32 {
        if let Some(n) = self.fused(e) {
            return n;
        }
        let condition = |p: &mut Program, x: &Expr| {
            let n = p.condition(x);
            (n, p.reads[n as usize])
        };
        let value = |p: &mut Program, x: &Expr| {
            let n = p.value(x);
            (n, p.reads[n as usize])
        };
        match &e.kind {
            ExprKind::Const(c) => {
                let v = self.constant(c);
                self.push(Node::Const(v), KeySet::EMPTY)
            }
            ExprKind::Field(f) => match self.field_nodes.get(*f) {
                Some(&n) if n != u32::MAX => n,
                _ => {
                    let n = self.push(Node::Field(*f as u16), KeySet::one(*f));
                    if let Some(slot) = self.field_nodes.get_mut(*f) {
                        *slot = n;
                    }
                    n
                }
            },
            ExprKind::Define(d) => {
                let node = if self.nodes[self.define_roots[*d] as usize].is_condition() {
                    Node::DefineCondition(*d as u16)
                } else {
                    Node::Define(*d as u16)
                };
                // What the definition reads, through its root.
                self.push(node, self.reads[self.define_roots[*d] as usize])
            }
            ExprKind::Present(fs) => {
                let set = fs
                    .iter()
                    .fold(KeySet::EMPTY, |s, &f| s.union(KeySet::one(f)));
                self.push(Node::Present(set), set)
            }
            ExprKind::Not(x) => {
                let (n, r) = condition(self, x);
                self.push(Node::Not(n), r)
            }
            ExprKind::And(xs) | ExprKind::Or(xs) => {
                let mut reads = KeySet::EMPTY;
                let ops: Vec<u32> = xs
                    .iter()
                    .map(|x| {
                        let (n, r) = condition(self, x);
                        reads = reads.union(r);
                        n
                    })
                    .collect();
                let start = self.kids.len() as u32;
                self.kids.extend(ops);
                let len = xs.len() as u32;
                let node = if matches!(e.kind, ExprKind::And(_)) {
                    Node::And(start, len)
                } else {
                    Node::Or(start, len)
                };
                self.push(node, reads)
            }
            ExprKind::Cmp(a, op, b) => {
                let (a, ra) = value(self, a);
                let (b, rb) = value(self, b);
                self.push(Node::Cmp(*op, a, b), ra.union(rb))
            }
            ExprKind::InSet {
                value: x,
                set,
                negated,
            } => {
                let (n, r) = value(self, x);
                self.push(Node::InSet(n, *set, *negated), r)
            }
            ExprKind::InList {
                value: x,
                items,
                negated,
            } => {
                let (n, r) = value(self, x);
                let start = self.consts.len() as u32;
                for c in items {
                    let v = self.constant(c);
                    self.consts.push(v);
                }
                self.push(Node::InList(n, start, items.len() as u32, *negated), r)
            }
            ExprKind::ContainsAny(list, set) => {
                let (n, r) = value(self, list);
                self.push(Node::ContainsAny(n, *set), r)
            }
            ExprKind::Contains(list, item) => {
                let (a, ra) = value(self, list);
                let (b, rb) = value(self, item);
                self.push(Node::Contains(a, b), ra.union(rb))
            }
            ExprKind::Shift {
                date,
                negative,
                amount,
                unit,
            } => {
                let (a, ra) = value(self, date);
                // A constant amount (`+ 3 days`) is part of the node.
                if let ExprKind::Const(Const::Int(k)) = amount.kind
                    && let Some(k) = if *negative { k.checked_neg() } else { Some(k) }
                {
                    return self.push(Node::ShiftBy(a, k, *unit), ra);
                }
                let (b, rb) = value(self, amount);
                self.push(Node::Shift(a, b, *unit, *negative), ra.union(rb))
            }
            ExprKind::Else(a, b) => {
                let (a, ra) = value(self, a);
                let (b, rb) = value(self, b);
                self.push(Node::Else(a, b), ra.union(rb))
            }
        }
    }

    fn constant(&mut self, c: &Const) -> Value {
        match c {
            Const::Bool(b) => Value::Bool(*b),
            Const::Int(i) => Value::Int(*i),
            Const::Dec(d) => Value::Dec(*d),
            Const::Date(d) => Value::Date(*d),
            Const::Enum(i) => Value::Enum(*i),
            Const::Text(s) => Value::Lit(self.text(s)),
        }
    }

    fn text(&mut self, s: &str) -> u32 {
        match self.texts.iter().position(|t| t == s) {
            Some(i) => i as u32,
            None => {
                self.texts.push(s.to_string());
                (self.texts.len() - 1) as u32
            }
        }
    }

    /// A text constant of the rules.
    pub fn text_constant(&self, i: u32) -> &str {
        &self.texts[i as usize]
    }
}
