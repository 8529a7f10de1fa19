//! Checked rules → a flat program: expressions become nodes in one array,
//! addressed by index, reading fields by slot. Nothing is looked up by name
//! when a record is evaluated.

use crate::model::*;
use crate::syntax::{CmpOp, Unit};
use crate::value::{KeySet, Value};

#[derive(Debug, Clone, Copy)]
pub(crate) enum Node {
    Const(Value),
    Field(u16),
    Define(u16),
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
    Shift(u32, u32, Unit, bool),
    Else(u32, u32),
    // Fused forms of the commonest conditions, a field tested against
    // constants: one node where the general form takes two or three.
    /// `Cmp(op, Field(slot), Const(value))`.
    FieldCmp(CmpOp, u16, Value),
    /// `Cmp(==, Field(slot), Const(value))` for a boolean or enum constant
    /// (`!=` when negated): equal exactly when the values are.
    FieldEq(u16, Value, bool),
    /// `InSet(Field(slot), set, negated)`.
    FieldInSet(u16, u64, bool),
    /// `ContainsAny(Field(slot), set)`.
    FieldContainsAny(u16, u64),
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledClause {
    pub kind: ClauseKind,
    pub condition: Option<u32>,
    pub due: Option<u32>,
    /// Bit per [`Outcome`] the clause applies to (deadlines).
    pub applies: u8,
}

/// Rules ready to evaluate, with the checked rules they came from (for
/// labels, titles and templates).
#[derive(Debug, Clone)]
pub struct Program {
    pub rules: RuleSet,
    pub(crate) nodes: Vec<Node>,
    /// The fields each node reads, through definitions too.
    pub(crate) reads: Vec<KeySet>,
    /// Where each node's subtree begins: children are compiled before
    /// their parent, so node `n`'s subtree is `nodes[starts[n]..=n]`, in an
    /// order where every node comes after its operands.
    pub(crate) starts: Vec<u32>,
    pub(crate) kids: Vec<u32>,
    pub(crate) consts: Vec<Value>,
    pub(crate) texts: Vec<String>,
    /// (definition, root node), in an order where each comes after those it uses.
    pub(crate) defines: Vec<(usize, u32)>,
    /// Each definition's root node, by definition id.
    pub(crate) define_roots: Vec<u32>,
    /// The node ranges (inclusive) holding every definition and every
    /// `when`/`require` condition: evaluated for every record, in one sweep
    /// each. Deadlines' dates are evaluated only where they apply.
    pub(crate) always: Vec<(u32, u32)>,
    pub(crate) clauses: Vec<CompiledClause>,
}

pub fn outcome_bit(o: Outcome) -> u8 {
    1 << (o as u8)
}

pub fn compile(rules: RuleSet) -> Program {
    let mut p = Program {
        nodes: Vec::new(),
        reads: Vec::new(),
        starts: Vec::new(),
        kids: Vec::new(),
        consts: Vec::new(),
        texts: Vec::new(),
        defines: Vec::new(),
        define_roots: vec![u32::MAX; rules.defines.len()],
        always: Vec::new(),
        clauses: Vec::new(),
        rules: RuleSet {
            defines: Vec::new(),
            clauses: Vec::new(),
            ..rules.clone()
        },
    };
    let mut define_reads = vec![KeySet::EMPTY; rules.defines.len()];
    for &d in &rules.define_order {
        let root = p.expr(&rules.defines[d].expr, &define_reads);
        define_reads[d] = p.reads[root as usize];
        p.defines.push((d, root));
        p.define_roots[d] = root;
        p.always(root);
    }
    for c in &rules.clauses {
        let condition = c.condition.as_ref().map(|e| p.expr(e, &define_reads));
        if let Some(n) = condition {
            p.always(n);
        }
        let due = c.due.as_ref().map(|d| p.expr(&d.expr, &define_reads));
        let applies = match &c.applies {
            None => 0b111,
            Some(list) => list.iter().fold(0, |m, &o| m | outcome_bit(o)),
        };
        p.clauses.push(CompiledClause {
            kind: c.kind,
            condition,
            due,
            applies,
        });
    }
    p.rules.defines = rules.defines;
    p.rules.clauses = rules.clauses;
    p
}

impl Program {
    fn push(&mut self, node: Node, reads: KeySet) -> u32 {
        self.nodes.push(node);
        self.reads.push(reads);
        self.starts.push(u32::MAX);
        (self.nodes.len() - 1) as u32
    }

    /// Adds a root's subtree to the nodes evaluated for every record.
    fn always(&mut self, root: u32) {
        let start = self.starts[root as usize];
        match self.always.last_mut() {
            Some((_, end)) if *end + 1 == start => *end = root,
            _ => self.always.push((start, root)),
        }
    }

    fn expr(&mut self, e: &Expr, define_reads: &[KeySet]) -> u32 {
        let start = self.nodes.len() as u32;
        let n = self.expr_nodes(e, define_reads);
        self.starts[n as usize] = start;
        n
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
                match (op, c) {
                    (CmpOp::Eq | CmpOp::Ne, Value::Bool(_) | Value::Enum(_)) => {
                        (Node::FieldEq(f as u16, c, *op == CmpOp::Ne), f)
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

    fn expr_nodes(&mut self, e: &Expr, define_reads: &[KeySet]) -> u32 {
        if let Some(n) = self.fused(e) {
            return n;
        }
        let sub = |p: &mut Program, x: &Expr| {
            let n = p.expr(x, define_reads);
            (n, p.reads[n as usize])
        };
        match &e.kind {
            ExprKind::Const(c) => {
                let v = self.constant(c);
                self.push(Node::Const(v), KeySet::EMPTY)
            }
            ExprKind::Field(f) => self.push(Node::Field(*f as u16), KeySet::one(*f)),
            ExprKind::Define(d) => self.push(Node::Define(*d as u16), define_reads[*d]),
            ExprKind::Present(fs) => {
                let set = fs
                    .iter()
                    .fold(KeySet::EMPTY, |s, &f| s.union(KeySet::one(f)));
                self.push(Node::Present(set), set)
            }
            ExprKind::Not(x) => {
                let (n, r) = sub(self, x);
                self.push(Node::Not(n), r)
            }
            ExprKind::And(xs) | ExprKind::Or(xs) => {
                let mut reads = KeySet::EMPTY;
                let ops: Vec<u32> = xs
                    .iter()
                    .map(|x| {
                        let (n, r) = sub(self, x);
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
                let (a, ra) = sub(self, a);
                let (b, rb) = sub(self, b);
                self.push(Node::Cmp(*op, a, b), ra.union(rb))
            }
            ExprKind::InSet {
                value,
                set,
                negated,
            } => {
                let (n, r) = sub(self, value);
                self.push(Node::InSet(n, *set, *negated), r)
            }
            ExprKind::InList {
                value,
                items,
                negated,
            } => {
                let (n, r) = sub(self, value);
                let start = self.consts.len() as u32;
                for c in items {
                    let v = self.constant(c);
                    self.consts.push(v);
                }
                self.push(Node::InList(n, start, items.len() as u32, *negated), r)
            }
            ExprKind::ContainsAny(list, set) => {
                let (n, r) = sub(self, list);
                self.push(Node::ContainsAny(n, *set), r)
            }
            ExprKind::Contains(list, item) => {
                let (a, ra) = sub(self, list);
                let (b, rb) = sub(self, item);
                self.push(Node::Contains(a, b), ra.union(rb))
            }
            ExprKind::Shift {
                date,
                negative,
                amount,
                unit,
            } => {
                let (a, ra) = sub(self, date);
                let (b, rb) = sub(self, amount);
                self.push(Node::Shift(a, b, *unit, *negative), ra.union(rb))
            }
            ExprKind::Else(a, b) => {
                let (a, ra) = sub(self, a);
                let (b, rb) = sub(self, b);
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
