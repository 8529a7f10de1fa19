//! Conditions, values and explanation templates in plain words.

use std::fmt::Write as _;

use super::{Condition, w};
use crate::base::{CmpOp, Unit};
use crate::diag::Lang;
use crate::eval::Status;
use crate::model::{ClauseKind, Const, Expr, ExprKind, FieldId, Piece, RuleSet, Template, Ty};

/// Conditions and values in plain words.
pub(super) struct Phrases<'a> {
    pub(super) rules: &'a RuleSet,
    pub(super) lang: Lang,
    /// How deep inside a definition's words the phrasing is: a definition
    /// is spelled out where it is used, and the definitions it uses in
    /// turn only by name (each has its own entry), so the words stay
    /// linear in the rule file's size however definitions nest.
    pub(super) inside: std::cell::Cell<u32>,
}

impl Phrases<'_> {
    pub(super) fn w(&self, zh: &'static str, en: &'static str) -> &'static str {
        w(self.lang, zh, en)
    }

    pub(super) fn label(&self, f: FieldId) -> &str {
        self.rules.fields[f].label.get(self.lang)
    }

    /// A clause's condition in words, as items when it is an `and`, an
    /// `or` or a list of fields at the top.
    pub(super) fn condition(&self, e: &Expr, kind: ClauseKind) -> Condition {
        let label = match kind {
            ClauseKind::Evidence => self.w("满足条件", "Met when"),
            _ => self.w("成立条件", "Holds when"),
        }
        .to_string();
        let (text, items) = match &e.kind {
            ExprKind::And(xs) => (
                self.w("同时满足以下各项：", "all of these hold:"),
                xs.iter().map(|x| self.cond(x, true)).collect(),
            ),
            ExprKind::Or(xs) => (
                self.w("满足以下任一项：", "any of these holds:"),
                xs.iter().map(|x| self.cond(x, true)).collect(),
            ),
            ExprKind::Present(fs) if fs.len() > 1 => (
                self.w("以下各项均已填写：", "all of these are filled in:"),
                fs.iter().map(|&f| self.label(f).to_string()).collect(),
            ),
            _ => {
                return Condition {
                    label,
                    name: None,
                    text: self.cond(e, true),
                    items: Vec::new(),
                };
            }
        };
        Condition {
            label,
            name: None,
            text: text.to_string(),
            items,
        }
    }

    /// What unknown facts do to the clause (SPEC §2).
    pub(super) fn note(&self, e: &Expr, kind: ClauseKind) -> String {
        let evidence = kind == ClauseKind::Evidence;
        match (&e.kind, evidence) {
            (ExprKind::Present(_), _) => self
                .w(
                    "任一项未填写，本条即未满足，结论为待补正，并列出尚缺的项目。",
                    "If any is missing, the requirement is unmet and the outcome is incomplete, listing what is missing.",
                )
                .to_string(),
            (_, true) => self
                .w(
                    "未满足（或未填写）时，结论为待补正，并列出需要补齐的项目。",
                    "While unmet (or not yet filled in), the outcome is incomplete, listing what to supply.",
                )
                .to_string(),
            (ExprKind::And(_), _) => self
                .w(
                    "按三值逻辑，任一项不成立，本条即不成立，其余未填写的项不必补问；各项都成立时本条成立；其余情况（有项未填写）无法判断。",
                    "By three-valued logic, if any item is false the clause is false, and the missing items need not be asked for; if all hold it holds; otherwise (something missing) it is unknown.",
                )
                .to_string(),
            (ExprKind::Or(_), _) => self
                .w(
                    "按三值逻辑，任一项成立，本条即成立，其余未填写的项不必补问；各项都不成立时本条不成立；其余情况（有项未填写）无法判断。",
                    "By three-valued logic, if any item holds the clause holds, and the missing items need not be asked for; if all are false it is false; otherwise (something missing) it is unknown.",
                )
                .to_string(),
            _ => {
                let mut fields = Vec::new();
                self.reads(e, &mut fields);
                let names = fields
                    .iter()
                    .map(|&f| self.label(f))
                    .collect::<Vec<_>>()
                    .join(self.w("、", ", "));
                match self.lang {
                    Lang::Zh => format!("{names} 未填写时，本条无法判断。"),
                    Lang::En => format!("While {names} is not filled in, the clause is unknown."),
                }
            }
        }
    }

    /// The fields an expression reads, through definitions, in order.
    pub(super) fn reads(&self, e: &Expr, out: &mut Vec<FieldId>) {
        match &e.kind {
            ExprKind::Field(f) => {
                if !out.contains(f) {
                    out.push(*f);
                }
            }
            ExprKind::Present(fs) => {
                for f in fs {
                    if !out.contains(f) {
                        out.push(*f);
                    }
                }
            }
            // The fields behind a definition, each definition visited once.
            ExprKind::Define(d) => {
                let mut seen = vec![false; self.rules.defines.len()];
                let mut todo = vec![*d];
                while let Some(d) = todo.pop() {
                    if std::mem::replace(&mut seen[d], true) {
                        continue;
                    }
                    let mut nested = Vec::new();
                    self.reads_shallow(&self.rules.defines[d].expr, out, &mut nested);
                    todo.extend(nested);
                }
            }
            _ => {
                for c in e.children() {
                    self.reads(c, out);
                }
            }
        }
    }

    /// The fields `e` reads directly, and the definitions it names.
    pub(super) fn reads_shallow(&self, e: &Expr, out: &mut Vec<FieldId>, defines: &mut Vec<usize>) {
        match &e.kind {
            ExprKind::Field(f) => {
                if !out.contains(f) {
                    out.push(*f);
                }
            }
            ExprKind::Present(fs) => {
                for f in fs {
                    if !out.contains(f) {
                        out.push(*f);
                    }
                }
            }
            ExprKind::Define(d) => defines.push(*d),
            _ => {
                for c in e.children() {
                    self.reads_shallow(c, out, defines);
                }
            }
        }
    }

    /// A definition by name: its label, or the name it is written under.
    pub(super) fn define_name(&self, d: usize) -> String {
        let def = &self.rules.defines[d];
        match &def.label {
            Some(l) => l.get(self.lang).to_string(),
            None => def.name.clone(),
        }
    }

    /// Runs `f` one definition deeper.
    pub(super) fn deeper<T>(&self, f: impl FnOnce() -> T) -> T {
        self.inside.set(self.inside.get() + 1);
        let out = f();
        self.inside.set(self.inside.get() - 1);
        out
    }

    /// A condition in words; `top` when it stands alone (no brackets).
    pub(super) fn cond(&self, e: &Expr, top: bool) -> String {
        let zh = self.lang == Lang::Zh;
        let wrap = |s: String| {
            if top {
                s
            } else if zh {
                format!("（{s}）")
            } else {
                format!("({s})")
            }
        };
        match &e.kind {
            ExprKind::And(xs) => wrap(
                xs.iter()
                    .map(|x| self.cond(x, false))
                    .collect::<Vec<_>>()
                    .join(self.w("，并且 ", ", and ")),
            ),
            ExprKind::Or(xs) => wrap(
                xs.iter()
                    .map(|x| self.cond(x, false))
                    .collect::<Vec<_>>()
                    .join(self.w("，或者 ", ", or ")),
            ),
            ExprKind::Not(x) => match &x.kind {
                ExprKind::Present(fs) => {
                    let names = self.labels(fs);
                    if zh {
                        format!("{names} 中有未填写的项")
                    } else {
                        format!("not all of {names} are filled in")
                    }
                }
                _ => {
                    let inner = self.cond(x, true);
                    if zh {
                        format!("并非（{inner}）")
                    } else {
                        format!("not ({inner})")
                    }
                }
            },
            ExprKind::Present(fs) => {
                let names = self.labels(fs);
                match (fs.len(), zh) {
                    (1, true) => format!("{names} 已填写"),
                    (1, false) => format!("{names} is filled in"),
                    (_, true) => format!("以下各项均已填写：{names}"),
                    (_, false) => format!("all of these are filled in: {names}"),
                }
            }
            ExprKind::Cmp(a, op, b) => {
                let ctx = enum_field(a.ty).or(enum_field(b.ty));
                let (l, r) = (self.value(a, ctx), self.value(b, ctx));
                let date = a.ty == Ty::Date;
                let number = matches!(a.ty, Ty::Int | Ty::Dec);
                let word = match (op, date, number) {
                    (CmpOp::Gt, true, _) => self.w("晚于", "is after"),
                    (CmpOp::Lt, true, _) => self.w("早于", "is before"),
                    (CmpOp::Ge, true, _) => self.w("不早于", "is on or after"),
                    (CmpOp::Le, true, _) => self.w("不晚于", "is on or before"),
                    (CmpOp::Gt, _, _) => self.w("大于", "is more than"),
                    (CmpOp::Lt, _, _) => self.w("小于", "is less than"),
                    (CmpOp::Ge, _, _) => self.w("不小于", "is at least"),
                    (CmpOp::Le, _, _) => self.w("不大于", "is at most"),
                    (CmpOp::Eq, _, true) => self.w("等于", "equals"),
                    (CmpOp::Ne, _, true) => self.w("不等于", "does not equal"),
                    (CmpOp::Eq, _, _) => self.w("为", "is"),
                    (CmpOp::Ne, _, _) => self.w("不为", "is not"),
                };
                format!("{l} {word} {r}")
            }
            ExprKind::InSet {
                value,
                set,
                negated,
            } => {
                let f = enum_field(value.ty);
                let names: Vec<String> = f
                    .map(|f| {
                        self.rules.fields[f]
                            .ty
                            .values()
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| set >> i & 1 == 1)
                            .map(|(_, v)| v.label.get(self.lang).to_string())
                            .collect()
                    })
                    .unwrap_or_default();
                self.membership(&self.value(value, None), &names, *negated)
            }
            ExprKind::InList {
                value,
                items,
                negated,
            } => {
                let names: Vec<String> = items.iter().map(|c| self.constant(c, None)).collect();
                self.membership(&self.value(value, None), &names, *negated)
            }
            ExprKind::ContainsAny(list, set) => {
                let names: Vec<String> = match list.ty {
                    Ty::List(f) => self.rules.fields[f]
                        .ty
                        .values()
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| set >> i & 1 == 1)
                        .map(|(_, v)| v.label.get(self.lang).to_string())
                        .collect(),
                    _ => Vec::new(),
                };
                let l = self.value(list, None);
                match (names.len(), zh) {
                    (0, true) => format!("{l} 含有（空列表：永不成立）"),
                    (0, false) => format!("{l} includes (an empty list: never holds)"),
                    (1, true) => format!("{l} 含有 {}", names[0]),
                    (1, false) => format!("{l} includes {}", names[0]),
                    (_, true) => format!("{l} 含有 {} 之一", names.join(" 或 ")),
                    (_, false) => format!("{l} includes {}", names.join(" or ")),
                }
            }
            ExprKind::Contains(list, item) => {
                let ctx = match list.ty {
                    Ty::List(f) => Some(f),
                    _ => None,
                };
                let (l, r) = (self.value(list, None), self.value(item, ctx));
                if zh {
                    format!("{l} 含有 {r}")
                } else {
                    format!("{l} includes {r}")
                }
            }
            ExprKind::Field(f) if e.ty == Ty::Bool => {
                if zh {
                    format!("{} 为 是", self.label(*f))
                } else {
                    format!("{}: yes", self.label(*f))
                }
            }
            ExprKind::Define(d) if self.inside.get() > 0 => self.define_name(*d),
            ExprKind::Define(d) => {
                let def = &self.rules.defines[*d];
                match &def.label {
                    Some(l) => {
                        let inner = self.deeper(|| self.cond(&def.expr, true));
                        if zh {
                            format!("{}（{inner}）", l.get(self.lang))
                        } else {
                            format!("{} ({inner})", l.get(self.lang))
                        }
                    }
                    None => self.deeper(|| self.cond(&def.expr, top)),
                }
            }
            _ => self.value(e, None),
        }
    }

    pub(super) fn labels(&self, fs: &[FieldId]) -> String {
        fs.iter()
            .map(|&f| self.label(f))
            .collect::<Vec<_>>()
            .join(self.w("、", ", "))
    }

    pub(super) fn membership(&self, subject: &str, names: &[String], negated: bool) -> String {
        let zh = self.lang == Lang::Zh;
        match (names.len(), negated, zh) {
            (0, false, true) => format!("{subject} 为（空列表：永不成立）"),
            (0, false, false) => format!("{subject} is in (an empty list: never holds)"),
            (0, true, true) => format!("{subject} 已填写（不在空列表中）"),
            (0, true, false) => format!("{subject} is filled in (not in an empty list)"),
            (1, false, true) => format!("{subject} 为 {}", names[0]),
            (1, false, false) => format!("{subject} is {}", names[0]),
            (1, true, true) => format!("{subject} 不为 {}", names[0]),
            (1, true, false) => format!("{subject} is not {}", names[0]),
            (_, false, true) => format!("{subject} 为 {}", names.join(" 或 ")),
            (_, false, false) => format!("{subject} is {}", names.join(" or ")),
            (_, true, true) => format!("{subject} 不是 {} 中的任何一项", names.join("、")),
            (_, true, false) => format!("{subject} is none of {}", names.join(", ")),
        }
    }

    /// A value in words; `ctx` is the enum field a bare value belongs to.
    pub(super) fn value(&self, e: &Expr, ctx: Option<FieldId>) -> String {
        let zh = self.lang == Lang::Zh;
        match &e.kind {
            ExprKind::Field(f) => self.label(*f).to_string(),
            ExprKind::Const(c) => self.constant(c, ctx.or(enum_field(e.ty))),
            ExprKind::Define(d) if self.inside.get() > 0 => self.define_name(*d),
            ExprKind::Define(d) => {
                let def = &self.rules.defines[*d];
                let inner = self.deeper(|| self.value(&def.expr, ctx));
                match (&def.label, zh) {
                    (Some(l), true) => format!("{}（{inner}）", l.get(self.lang)),
                    (Some(l), false) => format!("{} ({inner})", l.get(self.lang)),
                    (None, _) => inner,
                }
            }
            ExprKind::Shift {
                date,
                negative,
                amount,
                unit,
            } => {
                let d = self.value(date, None);
                let n = self.value(amount, None);
                let op = match (negative, zh) {
                    (false, true) => "加",
                    (true, true) => "减",
                    (false, false) => "plus",
                    (true, false) => "minus",
                };
                let unit = match unit {
                    Unit::Days => self.w("天", "days"),
                    Unit::Months => self.w("个月", "months"),
                    Unit::Years => self.w("年", "years"),
                    Unit::Workdays => self.w("个工作日", "working days"),
                };
                format!("{d} {op} {n} {unit}")
            }
            ExprKind::Else(a, b) => {
                let (a, b) = (self.value(a, ctx), self.value(b, ctx));
                if zh {
                    format!("{a}（未填写时取 {b}）")
                } else {
                    format!("{a} (or, if not filled in, {b})")
                }
            }
            _ => self.cond(e, false),
        }
    }

    pub(super) fn constant(&self, c: &Const, ctx: Option<FieldId>) -> String {
        let zh = self.lang == Lang::Zh;
        match c {
            Const::Bool(b) => match (b, zh) {
                (true, true) => "是".into(),
                (false, true) => "否".into(),
                (true, false) => "yes".into(),
                (false, false) => "no".into(),
            },
            Const::Int(i) => i.to_string(),
            Const::Dec(d) => crate::base::format_cents(*d),
            Const::Date(d) => d.to_string(),
            Const::Text(t) => {
                if zh {
                    format!("“{t}”")
                } else {
                    format!("\"{t}\"")
                }
            }
            Const::Enum(i) => ctx
                .and_then(|f| self.rules.fields[f].ty.values().get(*i as usize))
                .map_or_else(|| i.to_string(), |v| v.label.get(self.lang).to_string()),
        }
    }

    /// An explanation with its holes named: 〔购买日期〕.
    pub(super) fn template(&self, t: &Template) -> String {
        let (open, close) = (self.w("〔", "["), self.w("〕", "]"));
        let mut out = String::new();
        for piece in t.get(self.lang) {
            match piece {
                Piece::Text(s) => out.push_str(s),
                Piece::Field(f) => {
                    let _ = write!(out, "{open}{}{close}", self.label(*f));
                }
                Piece::Define(d) => {
                    let def = &self.rules.defines[*d];
                    let name = def
                        .label
                        .as_ref()
                        .map_or(def.name.as_str(), |l| l.get(self.lang));
                    let _ = write!(out, "{open}{name}{close}");
                }
                Piece::Due => out.push_str(self.w("〔期限日期〕", "[due date]")),
                Piece::Missing => out.push_str(self.w("〔尚缺的项目〕", "[what is missing]")),
            }
        }
        out
    }

    /// The fields a template names, as (key, label).
    pub(super) fn template_fields(&self, t: &Template) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for piece in &t.zh {
            if let Piece::Field(f) = piece {
                let row = (
                    self.rules.fields[*f].key.clone(),
                    self.label(*f).to_string(),
                );
                if !out.contains(&row) {
                    out.push(row);
                }
            }
        }
        out
    }

    /// "「name」：预期 不予受理（1.3(2)）；本条：成立".
    pub(super) fn example_line(&self, e: &crate::model::Example, status: Option<Status>) -> String {
        let zh = self.lang == Lang::Zh;
        let x = &e.expect;
        let mut expected = x.outcome.label(self.lang).to_string();
        if let Some(by) = &x.deciding {
            expected = if zh {
                format!("{expected}（依据 {by}）")
            } else {
                format!("{expected} (by {by})")
            };
        }
        let status = status.map(|s| match s {
            Status::True => self.w("成立", "holds"),
            Status::False => self.w("不成立", "does not hold"),
            Status::Unknown => self.w("无法判断", "unknown"),
            Status::Met => self.w("满足", "met"),
            Status::Unmet => self.w("未满足", "unmet"),
            Status::Due => self.w("已计算", "computed"),
            Status::NotApplicable => self.w("不适用", "not applicable"),
            Status::NotInForce => self.w("不在生效期间", "not in force"),
        });
        match (status, zh) {
            (Some(s), true) => format!("「{}」：预期 {expected}；本条：{s}", e.name),
            (Some(s), false) => format!("\"{}\": expected {expected}; this clause: {s}", e.name),
            (None, true) => format!("「{}」：预期 {expected}", e.name),
            (None, false) => format!("\"{}\": expected {expected}", e.name),
        }
    }
}

pub(super) fn enum_field(ty: Ty) -> Option<FieldId> {
    match ty {
        Ty::Enum(f) | Ty::List(f) => Some(f),
        _ => None,
    }
}
