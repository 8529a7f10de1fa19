//! The logical lints' search: every record that could be written, Kleene-
//! exactly. Each field ranges over the values that matter (an enum's
//! values, the constants a number/date/text is compared with and their
//! neighbours, min/max, absent); a comparison between computed values is an
//! opaque true/false/unknown; a partial assignment is evaluated four-valued
//! (true, false, unknown, not yet decided) so that the search prunes early.
//! A search over budget reports nothing rather than guess.

use std::collections::{BTreeSet, HashMap};

use crate::base::CmpOp;
use crate::model::{Const, Expr, ExprKind, FieldId, FieldType, RuleSet, Ty};
use crate::value::Date;

/// An abstract value: what a field or expression can be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum AV {
    /// Absent, or (for a condition) unknown.
    Absent,
    Bool(bool),
    /// Integers and decimals alike, in hundredths.
    Num(i128),
    Date(Date),
    /// A text; `None` is "any text other than the constants".
    Text(Option<String>),
    Enum(u16),
    Set(u64),
}

/// A value under a partial assignment: `Bottom` until the fields it depends
/// on are chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum R {
    Bottom,
    V(AV),
}

/// An expression over the search's variables.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
    Const(AV),
    Var(usize),
    /// A condition the search does not look into: true, false or unknown.
    Atom(usize),
    Not(Box<Node>),
    And(Vec<Node>),
    Or(Vec<Node>),
    Cmp(CmpOp, Box<Node>, Box<Node>),
    InSet(Box<Node>, u64, bool),
    InList(Box<Node>, Vec<AV>, bool),
    ContainsAny(Box<Node>, u64),
    Contains(Box<Node>, u16),
    Present(Vec<usize>),
    Else(Box<Node>, Box<Node>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    /// The assignment so far can still go either way.
    Open,
    /// The assignment so far (and any completion) is what was searched for.
    Found,
    /// No completion of the assignment so far is.
    Pruned,
}

/// Most evaluations one search may take before it gives up.
pub(super) const BUDGET: usize = 200_000;

pub(super) struct Analysis<'a> {
    rules: &'a RuleSet,
    /// Field → variable.
    var_of: HashMap<FieldId, usize>,
    fields: Vec<FieldId>,
    /// Constants each variable is compared with.
    consts: Vec<Vec<AV>>,
    /// Enum values each list variable is tested for.
    mentioned: Vec<u64>,
    /// Each variable's candidate values (absent first); `None` when too many.
    domains: Vec<Option<Vec<AV>>>,
    atoms: Vec<String>,
    /// Steps spent by every search so far: past `TOTAL_BUDGET`, a search
    /// reports nothing, so a file of thousands of clauses is linted in
    /// seconds, not hours (pairs of grounds are quadratic).
    spent: std::cell::Cell<usize>,
}

/// The steps all of a file's searches may take together.
pub(super) const TOTAL_BUDGET: usize = 20_000_000;

impl<'a> Analysis<'a> {
    pub(super) fn new(rules: &'a RuleSet) -> Analysis<'a> {
        Analysis {
            spent: std::cell::Cell::new(0),
            rules,
            var_of: HashMap::new(),
            fields: Vec::new(),
            consts: Vec::new(),
            mentioned: Vec::new(),
            domains: Vec::new(),
            atoms: Vec::new(),
        }
    }

    pub(super) fn var(&mut self, f: FieldId) -> usize {
        if let Some(&v) = self.var_of.get(&f) {
            return v;
        }
        self.fields.push(f);
        self.consts.push(Vec::new());
        self.mentioned.push(0);
        self.var_of.insert(f, self.fields.len() - 1);
        self.fields.len() - 1
    }

    pub(super) fn atom(&mut self, e: &Expr) -> Node {
        let key = canon(e);
        let i = match self.atoms.iter().position(|a| a == &key) {
            Some(i) => i,
            None => {
                self.atoms.push(key);
                self.atoms.len() - 1
            }
        };
        Node::Atom(i)
    }

    /// A value operand: a field or a constant, or `None` for anything
    /// computed (date arithmetic, `else`, a non-condition definition).
    pub(super) fn operand(&mut self, e: &Expr) -> Option<Node> {
        match &e.kind {
            ExprKind::Field(f) => Some(Node::Var(self.var(*f))),
            ExprKind::Const(c) => Some(Node::Const(constant(c))),
            _ => None,
        }
    }

    pub(super) fn finite(&self, f: FieldId) -> bool {
        matches!(
            self.rules.fields[f].ty,
            FieldType::Bool | FieldType::Enum(_) | FieldType::List(_)
        )
    }

    pub(super) fn node(&mut self, e: &Expr) -> Node {
        match &e.kind {
            ExprKind::Const(c) => Node::Const(constant(c)),
            ExprKind::Field(f) if e.ty == Ty::Bool => Node::Var(self.var(*f)),
            ExprKind::Define(d) if e.ty == Ty::Bool => {
                let expr = self.rules.defines[*d].expr.clone();
                self.node(&expr)
            }
            ExprKind::Not(x) => Node::Not(Box::new(self.node(x))),
            ExprKind::And(xs) => Node::And(xs.iter().map(|x| self.node(x)).collect()),
            ExprKind::Or(xs) => Node::Or(xs.iter().map(|x| self.node(x)).collect()),
            ExprKind::Present(fs) => Node::Present(fs.iter().map(|&f| self.var(f)).collect()),
            ExprKind::Cmp(a, op, b) => {
                let direct = match (&a.kind, &b.kind) {
                    (ExprKind::Field(x), ExprKind::Field(y)) => self.finite(*x) && self.finite(*y),
                    (ExprKind::Field(_), ExprKind::Const(_))
                    | (ExprKind::Const(_), ExprKind::Field(_))
                    | (ExprKind::Const(_), ExprKind::Const(_)) => true,
                    _ => false,
                };
                if !direct {
                    return self.atom(e);
                }
                let (na, nb) = (self.operand(a), self.operand(b));
                let (Some(na), Some(nb)) = (na, nb) else {
                    return self.atom(e);
                };
                for (x, y) in [(&na, &nb), (&nb, &na)] {
                    if let (Node::Var(v), Node::Const(c)) = (x, y) {
                        self.consts[*v].push(c.clone());
                    }
                }
                Node::Cmp(*op, Box::new(na), Box::new(nb))
            }
            ExprKind::InSet {
                value,
                set,
                negated,
            } => match self.operand(value) {
                Some(n) => Node::InSet(Box::new(n), *set, *negated),
                None => self.atom(e),
            },
            ExprKind::InList {
                value,
                items,
                negated,
            } => match self.operand(value) {
                Some(n) => {
                    let items: Vec<AV> = items.iter().map(constant).collect();
                    if let Node::Var(v) = n {
                        self.consts[v].extend(items.iter().cloned());
                    }
                    Node::InList(Box::new(n), items, *negated)
                }
                None => self.atom(e),
            },
            ExprKind::ContainsAny(list, set) => match self.operand(list) {
                Some(Node::Var(v)) => {
                    self.mentioned[v] |= set;
                    Node::ContainsAny(Box::new(Node::Var(v)), *set)
                }
                _ => self.atom(e),
            },
            ExprKind::Contains(list, item) => match (self.operand(list), &item.kind) {
                (Some(Node::Var(v)), ExprKind::Const(Const::Enum(i))) => {
                    self.mentioned[v] |= 1 << i;
                    Node::Contains(Box::new(Node::Var(v)), *i)
                }
                _ => self.atom(e),
            },
            ExprKind::Else(a, b) if e.ty == Ty::Bool => {
                Node::Else(Box::new(self.node(a)), Box::new(self.node(b)))
            }
            _ => self.atom(e),
        }
    }

    pub(super) fn build_domains(&mut self) {
        self.domains = (0..self.fields.len()).map(|v| self.domain(v)).collect();
    }

    pub(super) fn domain(&self, v: usize) -> Option<Vec<AV>> {
        let field = &self.rules.fields[self.fields[v]];
        let mut out = vec![AV::Absent];
        match &field.ty {
            FieldType::Bool => out.extend([AV::Bool(true), AV::Bool(false)]),
            FieldType::Enum(values) => out.extend((0..values.len() as u16).map(AV::Enum)),
            FieldType::List(values) => {
                let mentioned = self.mentioned[v];
                let bits: Vec<u64> = (0..values.len() as u64)
                    .filter(|b| mentioned >> b & 1 == 1)
                    .collect();
                if bits.len() > 10 {
                    return None;
                }
                let other = (0..values.len() as u64).find(|b| mentioned >> b & 1 == 0);
                for mask in 0u64..1 << bits.len() {
                    let set = bits
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| mask >> i & 1 == 1)
                        .fold(0u64, |s, (_, b)| s | 1 << b);
                    out.push(AV::Set(set));
                    if let Some(o) = other {
                        out.push(AV::Set(set | 1 << o));
                    }
                }
            }
            FieldType::Integer | FieldType::Decimal => {
                let int = field.ty == FieldType::Integer;
                let unit: i128 = if int { 100 } else { 1 };
                let min = field.min.map(|m| i128::from(m) * unit);
                let max = field.max.map(|m| i128::from(m) * unit);
                let mut points = BTreeSet::new();
                for c in &self.consts[v] {
                    if let AV::Num(n) = c {
                        if int {
                            let k = n.div_euclid(100);
                            for p in [k - 1, k, k + 1, k + 2] {
                                points.insert(p * 100);
                            }
                        } else {
                            points.extend([n - 1, *n, n + 1]);
                        }
                    }
                }
                points.extend(min);
                points.extend(max);
                if points.is_empty() {
                    points.insert(0);
                }
                out.extend(
                    points
                        .into_iter()
                        .filter(|p| min.is_none_or(|m| *p >= m) && max.is_none_or(|m| *p <= m))
                        .map(AV::Num),
                );
            }
            FieldType::Date => {
                let mut points = BTreeSet::new();
                for c in &self.consts[v] {
                    if let AV::Date(d) = c {
                        points.insert(*d);
                        points.extend(d.yesterday());
                        points.extend(d.tomorrow());
                    }
                }
                if points.is_empty() {
                    points.insert(jiff::civil::date(2024, 1, 1).into());
                }
                out.extend(points.into_iter().map(AV::Date));
            }
            FieldType::Text => {
                let mut texts: Vec<Option<String>> = Vec::new();
                for c in &self.consts[v] {
                    if let AV::Text(t) = c
                        && !texts.contains(t)
                    {
                        texts.push(t.clone());
                    }
                }
                texts.push(None);
                out.extend(texts.into_iter().map(AV::Text));
            }
        }
        Some(out)
    }

    /// Searches for an assignment of fields (absent included) and opaque
    /// conditions under which `accept` finds the nodes' values. `Some(true)`:
    /// found; `Some(false)`: there is none; `None`: gave up.
    /// Whether the searches' shared budget is spent.
    pub(super) fn exhausted(&self) -> bool {
        self.spent.get() > TOTAL_BUDGET
    }

    pub(super) fn search(&self, nodes: &[&Node], accept: impl Fn(&[R]) -> Verdict) -> Option<bool> {
        let mut vars = Vec::new();
        let mut atoms = Vec::new();
        for n in nodes {
            uses(n, &mut vars, &mut atoms);
        }
        for &v in &vars {
            self.domains.get(v)?.as_ref()?;
        }
        if self.spent.get() > TOTAL_BUDGET {
            return None;
        }
        let mut s = Search {
            a: self,
            vars,
            atoms,
            var_values: vec![None; self.fields.len()],
            atom_values: vec![None; self.atoms.len()],
            steps: 0,
        };
        let found = s.run(0, nodes, &accept);
        self.spent.set(self.spent.get() + s.steps);
        found
    }
}

pub(super) struct Search<'s, 'a> {
    a: &'s Analysis<'a>,
    vars: Vec<usize>,
    atoms: Vec<usize>,
    var_values: Vec<Option<AV>>,
    atom_values: Vec<Option<AV>>,
    steps: usize,
}

impl Search<'_, '_> {
    pub(super) fn run(
        &mut self,
        depth: usize,
        nodes: &[&Node],
        accept: &dyn Fn(&[R]) -> Verdict,
    ) -> Option<bool> {
        self.steps += 1;
        if self.steps > BUDGET {
            return None;
        }
        let values: Vec<R> = nodes.iter().map(|n| self.eval(n)).collect();
        match accept(&values) {
            Verdict::Found => return Some(true),
            Verdict::Pruned => return Some(false),
            Verdict::Open => {}
        }
        let (nv, na) = (self.vars.len(), self.atoms.len());
        if depth >= nv + na {
            // Everything chosen and still open: cannot happen with the
            // values above; count it as found so nothing is claimed.
            return Some(true);
        }
        let candidates: Vec<AV> = if depth < nv {
            self.a.domains[self.vars[depth]].clone().unwrap_or_default()
        } else {
            vec![AV::Bool(true), AV::Bool(false), AV::Absent]
        };
        for value in candidates {
            if depth < nv {
                self.var_values[self.vars[depth]] = Some(value);
            } else {
                self.atom_values[self.atoms[depth - nv]] = Some(value);
            }
            let found = self.run(depth + 1, nodes, accept)?;
            if found {
                return Some(true);
            }
        }
        if depth < nv {
            self.var_values[self.vars[depth]] = None;
        } else {
            self.atom_values[self.atoms[depth - nv]] = None;
        }
        Some(false)
    }

    pub(super) fn eval(&self, n: &Node) -> R {
        use AV::*;
        let cond = |b: bool| R::V(Bool(b));
        match n {
            Node::Const(c) => R::V(c.clone()),
            Node::Var(v) => self.var_values[*v].clone().map_or(R::Bottom, R::V),
            Node::Atom(i) => self.atom_values[*i].clone().map_or(R::Bottom, R::V),
            Node::Not(x) => match self.eval(x) {
                R::V(Bool(b)) => cond(!b),
                other => other,
            },
            Node::And(xs) | Node::Or(xs) => {
                let and = matches!(n, Node::And(_));
                let (mut bottom, mut unknown) = (false, false);
                for x in xs {
                    match self.eval(x) {
                        R::V(Bool(b)) if b != and => return cond(b),
                        R::V(Bool(_)) => {}
                        R::Bottom => bottom = true,
                        R::V(_) => unknown = true,
                    }
                }
                if bottom {
                    R::Bottom
                } else if unknown {
                    R::V(Absent)
                } else {
                    cond(and)
                }
            }
            Node::Cmp(op, a, b) => match (self.eval(a), self.eval(b)) {
                (R::Bottom, _) | (_, R::Bottom) => R::Bottom,
                (R::V(Absent), _) | (_, R::V(Absent)) => R::V(Absent),
                (R::V(x), R::V(y)) => {
                    let ord = match (&x, &y) {
                        (Num(p), Num(q)) => Some(p.cmp(q)),
                        (Date(p), Date(q)) => Some(p.cmp(q)),
                        (Bool(p), Bool(q)) => Some(p.cmp(q)),
                        (Enum(p), Enum(q)) => Some(p.cmp(q)),
                        (Text(Some(p)), Text(Some(q))) => Some(p.cmp(q)),
                        // "Other text" differs from every constant.
                        (Text(_), Text(_)) => None,
                        _ => None,
                    };
                    cond(op.holds(ord))
                }
            },
            Node::InSet(x, set, negated) => match self.eval(x) {
                R::V(Enum(e)) => cond((set >> e & 1 == 1) != *negated),
                R::V(Absent) => R::V(Absent),
                R::Bottom => R::Bottom,
                R::V(_) => R::V(Absent),
            },
            Node::InList(x, items, negated) => match self.eval(x) {
                R::Bottom => R::Bottom,
                R::V(Absent) => R::V(Absent),
                R::V(v) => {
                    let found = items.iter().any(|i| match (i, &v) {
                        (Text(Some(p)), Text(Some(q))) => p == q,
                        (Text(_), Text(_)) => false,
                        (p, q) => p == q,
                    });
                    cond(found != *negated)
                }
            },
            Node::ContainsAny(x, set) => match self.eval(x) {
                R::V(Set(s)) => cond(s & set != 0),
                other => other,
            },
            Node::Contains(x, i) => match self.eval(x) {
                R::V(Set(s)) => cond(s >> i & 1 == 1),
                other => other,
            },
            Node::Present(vs) => {
                let mut bottom = false;
                for v in vs {
                    match &self.var_values[*v] {
                        None => bottom = true,
                        Some(Absent) => return cond(false),
                        Some(_) => {}
                    }
                }
                if bottom { R::Bottom } else { cond(true) }
            }
            Node::Else(a, b) => match self.eval(a) {
                R::V(Absent) => self.eval(b),
                other => other,
            },
        }
    }
}

/// The variables and atoms a node depends on, in order of appearance.
pub(super) fn uses(n: &Node, vars: &mut Vec<usize>, atoms: &mut Vec<usize>) {
    let push = |list: &mut Vec<usize>, x: usize| {
        if !list.contains(&x) {
            list.push(x);
        }
    };
    match n {
        Node::Const(_) => {}
        Node::Var(v) => push(vars, *v),
        Node::Atom(a) => push(atoms, *a),
        Node::Present(vs) => {
            for v in vs {
                push(vars, *v);
            }
        }
        Node::Not(x)
        | Node::InSet(x, ..)
        | Node::InList(x, ..)
        | Node::ContainsAny(x, _)
        | Node::Contains(x, _) => uses(x, vars, atoms),
        Node::And(xs) | Node::Or(xs) => {
            for x in xs {
                uses(x, vars, atoms);
            }
        }
        Node::Cmp(_, a, b) | Node::Else(a, b) => {
            uses(a, vars, atoms);
            uses(b, vars, atoms);
        }
    }
}

pub(super) fn constant(c: &Const) -> AV {
    match c {
        Const::Bool(b) => AV::Bool(*b),
        Const::Int(i) => AV::Num(i128::from(*i) * 100),
        Const::Dec(d) => AV::Num(i128::from(*d)),
        Const::Date(d) => AV::Date(*d),
        Const::Text(t) => AV::Text(Some(t.clone())),
        Const::Enum(e) => AV::Enum(*e),
    }
}

/// An expression written out without its spans: equal strings, equal
/// expressions.
pub(super) fn canon(e: &Expr) -> String {
    let mut s = String::new();
    canon_into(e, &mut s);
    s
}

pub(super) fn canon_into(e: &Expr, s: &mut String) {
    use std::fmt::Write as _;
    let _ = match &e.kind {
        ExprKind::Const(c) => write!(s, "{c:?}"),
        ExprKind::Field(f) => write!(s, "f{f}"),
        ExprKind::Define(d) => write!(s, "d{d}"),
        ExprKind::Present(fs) => write!(s, "present{fs:?}"),
        ExprKind::Not(_) => write!(s, "not"),
        ExprKind::And(_) => write!(s, "and"),
        ExprKind::Or(_) => write!(s, "or"),
        ExprKind::Cmp(_, op, _) => write!(s, "{op:?}"),
        ExprKind::InSet { set, negated, .. } => write!(s, "inset{set},{negated}"),
        ExprKind::InList { items, negated, .. } => write!(s, "inlist{items:?},{negated}"),
        ExprKind::ContainsAny(_, set) => write!(s, "any{set}"),
        ExprKind::Contains(..) => write!(s, "contains"),
        ExprKind::Shift { negative, unit, .. } => write!(s, "shift{negative},{unit:?}"),
        ExprKind::Else(..) => write!(s, "else"),
    };
    let children = e.children();
    if !children.is_empty() {
        s.push('(');
        for c in children {
            canon_into(c, s);
            s.push(',');
        }
        s.push(')');
    }
}
