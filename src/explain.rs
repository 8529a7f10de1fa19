//! `shouli explain`: the rule set as a document a legal reviewer reads
//! beside the guideline. For each clause: its id, kind and title, the
//! guideline's text it encodes, its condition in plain words, the fields it
//! reads, what the report says, and the examples that exercise it; then a
//! table of the fields. Rendered as Markdown or as one self-contained HTML
//! page that prints well.
//!
//! The document is built once in the reader's language ([`Lang`]) and then
//! rendered; labels and titles come from the rule file (English where it
//! gives English), shouli's own words from here.

use std::fmt::Write as _;

use crate::base::{CmpOp, Unit};
use crate::compile::Program;
use crate::diag::Lang;
use crate::eval::Status;
use crate::model::{
    ClauseKind, Const, Expr, ExprKind, FieldId, FieldType, Outcome, Piece, RuleSet, Template, Ty,
};

/// The document's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Md,
    Html,
}

/// Renders the rules as a document.
pub fn render(program: &Program, format: Format, lang: Lang) -> String {
    let doc = build(program, lang);
    match format {
        Format::Md => markdown(&doc, lang),
        Format::Html => html(&doc, lang),
    }
}

/// The document, in words, before it is laid out.
struct Doc {
    title: String,
    /// (label, value) rows of the header table.
    header: Vec<(String, String)>,
    clauses: Vec<ClauseDoc>,
    fields: Vec<FieldRow>,
}

struct ClauseDoc {
    id: String,
    kind: String,
    title: String,
    source: Option<String>,
    condition: Option<Condition>,
    /// How unknown facts play out (SPEC §2), where it helps.
    note: Option<String>,
    /// (key, label) of every field the clause reads, through definitions.
    reads: Vec<(String, String)>,
    /// (when, text) of each explanation the report gives.
    texts: Vec<(String, String)>,
    /// The examples that exercise the clause; `None` where examples say
    /// nothing about it (deadlines).
    examples: Option<Vec<String>>,
}

/// A clause's condition (or deadline) in words.
struct Condition {
    /// 成立条件, 满足条件, 适用条件, 期限.
    label: String,
    /// A deadline's name (`notify_by`), shown as code.
    name: Option<String>,
    /// The condition, or the introduction of its items.
    text: String,
    /// For `and`/`or`/`present` at the top: one item per operand.
    items: Vec<String>,
}

struct FieldRow {
    key: String,
    label: String,
    ty: String,
    /// (code, label) of an enum's or list's values.
    values: Vec<(String, String)>,
    notes: Vec<String>,
}

/// shouli's own words, by language.
fn w(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

fn kind_name(kind: ClauseKind, lang: Lang) -> &'static str {
    match kind {
        ClauseKind::Basis => w(lang, "受理依据", "Basis for acceptance"),
        ClauseKind::Ground => w(lang, "不予受理情形", "Ground for not accepting"),
        ClauseKind::Evidence => w(lang, "受理要求", "Requirement"),
        ClauseKind::Deadline => w(lang, "期限", "Deadline"),
    }
}

fn build(program: &Program, lang: Lang) -> Doc {
    let rules = &program.rules;
    let mut header = Vec::new();
    if let Some(s) = &rules.source {
        header.push((w(lang, "来源", "Source").to_string(), s.clone()));
    }
    if let Some(v) = &rules.version {
        header.push((w(lang, "版本", "Version").to_string(), v.clone()));
    }
    if let Some(d) = &rules.effective {
        header.push((w(lang, "生效日期", "Effective").to_string(), d.to_string()));
    }
    header.push((
        w(lang, "规则文件摘要", "Digest of the rule file").to_string(),
        rules.digest.clone(),
    ));

    // Every example evaluated once; each clause lists those that exercise it.
    let traces: Vec<_> = rules
        .examples
        .iter()
        .map(|e| program.evaluate(&e.record).ok())
        .collect();

    let p = Phrases { rules, lang };
    let mut clauses: Vec<(usize, ClauseDoc)> = Vec::new();
    if let Some(scope) = &rules.scope {
        let bases: Vec<&str> = rules
            .clauses
            .iter()
            .filter(|c| c.kind == ClauseKind::Basis)
            .map(|c| c.id.as_str())
            .collect();
        let list = bases.join(w(lang, "、", ", "));
        let condition = match lang {
            Lang::Zh => format!("受理依据（{list}）均不成立；此时投诉不属于受理范围，不予受理"),
            Lang::En => format!(
                "every basis ({list}) is false: the complaint is outside the scope and is not accepted"
            ),
        };
        let mut reads = Vec::new();
        let mut texts = Vec::new();
        if let Some(t) = &scope.because {
            texts.push((
                w(lang, "不予受理时", "When not accepted").to_string(),
                p.template(t),
            ));
            reads = p.template_fields(t);
        }
        let examples = rules
            .examples
            .iter()
            .filter(|e| e.expect.deciding.as_deref() == Some(scope.id.as_str()))
            .map(|e| p.example_line(e, None))
            .collect::<Vec<_>>();
        clauses.push((
            scope.span.start,
            ClauseDoc {
                id: scope.id.clone(),
                kind: w(lang, "受理范围", "Scope").to_string(),
                title: scope.title.get(lang).to_string(),
                source: scope.source.clone(),
                condition: Some(Condition {
                    label: w(lang, "适用条件", "Applies when").to_string(),
                    name: None,
                    text: condition,
                    items: Vec::new(),
                }),
                note: None,
                reads,
                texts,
                examples: Some(examples),
            },
        ));
    }
    for (i, c) in rules.clauses.iter().enumerate() {
        let mut condition = None;
        let mut note = None;
        let mut fields = Vec::new();
        if let Some(e) = &c.condition {
            condition = Some(p.condition(e, c.kind));
            note = Some(p.note(e, c.kind));
            p.reads(e, &mut fields);
        }
        if let Some(due) = &c.due {
            let date = p.value(&due.expr, None);
            let applies = match &c.applies {
                Some(list) if list.len() < Outcome::ALL.len() => {
                    let outcomes = list
                        .iter()
                        .map(|o| o.label(lang))
                        .collect::<Vec<_>>()
                        .join(w(lang, "、", ", "));
                    match lang {
                        Lang::Zh => format!("；仅在结论为 {outcomes} 时计算"),
                        Lang::En => format!("; only when the outcome is {outcomes}"),
                    }
                }
                _ => String::new(),
            };
            condition = Some(Condition {
                label: w(lang, "期限", "Deadline").to_string(),
                name: Some(due.name.clone()),
                text: format!("{date}{applies}"),
                items: Vec::new(),
            });
            note = Some(
                w(
                    lang,
                    "所需日期未填写时不计算期限。",
                    "Not computed while the dates it needs are missing.",
                )
                .to_string(),
            );
            p.reads(&due.expr, &mut fields);
        }
        let mut texts = Vec::new();
        let whens: [(&Option<Template>, &str, &str); 3] = match c.kind {
            ClauseKind::Evidence => [
                (&c.because, "未满足时", "When unmet"),
                (&c.unknown, "无法判断时", "When unknown"),
                (&c.otherwise, "满足时", "When met"),
            ],
            ClauseKind::Deadline => [
                (&c.because, "报告中", "In the report"),
                (&c.unknown, "", ""),
                (&c.otherwise, "", ""),
            ],
            _ => [
                (&c.because, "成立时", "When it holds"),
                (&c.unknown, "无法判断时", "When unknown"),
                (&c.otherwise, "不成立时", "When it does not hold"),
            ],
        };
        for (t, zh, en) in whens {
            if let Some(t) = t {
                texts.push((w(lang, zh, en).to_string(), p.template(t)));
            }
        }
        let examples: Vec<String> = rules
            .examples
            .iter()
            .zip(&traces)
            .filter_map(|(e, trace)| {
                let status = trace.as_ref().map(|t| t.clause(i).status);
                let named = e.expect.deciding.as_deref() == Some(c.id.as_str())
                    || e.expect.fired.iter().flatten().any(|f| f == &c.id);
                // A basis holds in most examples; it is told by those it
                // decides and those where it is unknown.
                let telling = match status {
                    Some(Status::Unknown) => true,
                    Some(Status::True | Status::Unmet) => c.kind != ClauseKind::Basis,
                    _ => false,
                };
                (named || telling).then(|| p.example_line(e, status))
            })
            .collect();
        clauses.push((
            c.span.start,
            ClauseDoc {
                id: c.id.clone(),
                kind: kind_name(c.kind, lang).to_string(),
                title: c.title.get(lang).to_string(),
                source: c.source.clone(),
                condition,
                note,
                reads: fields
                    .into_iter()
                    .map(|f| {
                        (
                            rules.fields[f].key.clone(),
                            rules.fields[f].label.get(lang).to_string(),
                        )
                    })
                    .collect(),
                texts,
                examples: (c.kind != ClauseKind::Deadline).then_some(examples),
            },
        ));
    }
    clauses.sort_by_key(|(at, _)| *at);

    let fields = rules
        .fields
        .iter()
        .map(|f| {
            let mut notes = Vec::new();
            let unit = |v: i64| match f.ty {
                FieldType::Decimal => crate::base::format_cents(v),
                _ => v.to_string(),
            };
            if let Some(m) = f.min {
                notes.push(format!("{} {}", w(lang, "最小", "min"), unit(m)));
            }
            if let Some(m) = f.max {
                notes.push(format!("{} {}", w(lang, "最大", "max"), unit(m)));
            }
            if f.personal.is_some() {
                notes.push(
                    w(
                        lang,
                        "个人信息（摘要中不显示）",
                        "personal data (never in summaries)",
                    )
                    .to_string(),
                );
            }
            if f.form {
                notes.push(
                    w(
                        lang,
                        "仅登记在投诉处理单上",
                        "recorded on the complaint form only",
                    )
                    .to_string(),
                );
            }
            FieldRow {
                key: f.key.clone(),
                label: f.label.get(lang).to_string(),
                ty: type_name(&f.ty, lang).to_string(),
                values: f
                    .ty
                    .values()
                    .iter()
                    .map(|v| (v.code.clone(), v.label.get(lang).to_string()))
                    .collect(),
                notes,
            }
        })
        .collect();

    Doc {
        title: rules.title.clone(),
        header,
        clauses: clauses.into_iter().map(|(_, c)| c).collect(),
        fields,
    }
}

fn type_name(ty: &FieldType, lang: Lang) -> &'static str {
    match ty {
        FieldType::Text => w(lang, "文字", "text"),
        FieldType::Integer => w(lang, "整数", "whole number"),
        FieldType::Decimal => w(lang, "数字（两位小数）", "number (2 decimals)"),
        FieldType::Bool => w(lang, "是/否", "yes/no"),
        FieldType::Date => w(lang, "日期", "date"),
        FieldType::Enum(_) => w(lang, "单选", "one of"),
        FieldType::List(_) => w(lang, "多选", "any of"),
    }
}

/// Conditions and values in plain words.
struct Phrases<'a> {
    rules: &'a RuleSet,
    lang: Lang,
}

impl Phrases<'_> {
    fn w(&self, zh: &'static str, en: &'static str) -> &'static str {
        w(self.lang, zh, en)
    }

    fn label(&self, f: FieldId) -> &str {
        self.rules.fields[f].label.get(self.lang)
    }

    /// A clause's condition in words, as items when it is an `and`, an
    /// `or` or a list of fields at the top.
    fn condition(&self, e: &Expr, kind: ClauseKind) -> Condition {
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
    fn note(&self, e: &Expr, kind: ClauseKind) -> String {
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
    fn reads(&self, e: &Expr, out: &mut Vec<FieldId>) {
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
            ExprKind::Define(d) => self.reads(&self.rules.defines[*d].expr, out),
            _ => {
                for c in e.children() {
                    self.reads(c, out);
                }
            }
        }
    }

    /// A condition in words; `top` when it stands alone (no brackets).
    fn cond(&self, e: &Expr, top: bool) -> String {
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
            ExprKind::Define(d) => {
                let def = &self.rules.defines[*d];
                match &def.label {
                    Some(l) => {
                        let inner = self.cond(&def.expr, true);
                        if zh {
                            format!("{}（{inner}）", l.get(self.lang))
                        } else {
                            format!("{} ({inner})", l.get(self.lang))
                        }
                    }
                    None => self.cond(&def.expr, top),
                }
            }
            _ => self.value(e, None),
        }
    }

    fn labels(&self, fs: &[FieldId]) -> String {
        fs.iter()
            .map(|&f| self.label(f))
            .collect::<Vec<_>>()
            .join(self.w("、", ", "))
    }

    fn membership(&self, subject: &str, names: &[String], negated: bool) -> String {
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
    fn value(&self, e: &Expr, ctx: Option<FieldId>) -> String {
        let zh = self.lang == Lang::Zh;
        match &e.kind {
            ExprKind::Field(f) => self.label(*f).to_string(),
            ExprKind::Const(c) => self.constant(c, ctx.or(enum_field(e.ty))),
            ExprKind::Define(d) => {
                let def = &self.rules.defines[*d];
                let inner = self.value(&def.expr, ctx);
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

    fn constant(&self, c: &Const, ctx: Option<FieldId>) -> String {
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
    fn template(&self, t: &Template) -> String {
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
    fn template_fields(&self, t: &Template) -> Vec<(String, String)> {
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
    fn example_line(&self, e: &crate::model::Example, status: Option<Status>) -> String {
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

fn enum_field(ty: Ty) -> Option<FieldId> {
    match ty {
        Ty::Enum(f) | Ty::List(f) => Some(f),
        _ => None,
    }
}

// ---- Markdown --------------------------------------------------------------------

/// Escapes text for Markdown: characters that would start markup.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '{' | '}'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn markdown(doc: &Doc, lang: Lang) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", md(&doc.title));
    let _ = writeln!(
        o,
        "{}\n",
        w(
            lang,
            "本文件由 `shouli explain` 根据规则文件生成，供对照规章原文逐条审阅。",
            "Generated by `shouli explain` from the rule file, to be read beside the regulation's text.",
        )
    );
    let _ = writeln!(o, "| | |\n|---|---|");
    for (k, v) in &doc.header {
        if v.starts_with("sha256:") {
            let _ = writeln!(o, "| {} | `{v}` |", md(k));
        } else {
            let _ = writeln!(o, "| {} | {} |", md(k), md(v));
        }
    }
    let _ = writeln!(o, "\n## {}\n", w(lang, "条款", "Clauses"));
    for c in &doc.clauses {
        let _ = writeln!(o, "### {} {}\n", md(&c.id), md(&c.title));
        let _ = writeln!(o, "*{}*\n", md(&c.kind));
        if let Some(s) = &c.source {
            let _ = writeln!(o, "> {}\n", md(s));
        }
        if let Some(cond) = &c.condition {
            let name = cond
                .name
                .as_ref()
                .map_or_else(String::new, |n| format!(" `{n}`"));
            let _ = writeln!(
                o,
                "**{}**{name}{}{}\n",
                md(&cond.label),
                w(lang, "：", ": "),
                md(&cond.text)
            );
            for item in &cond.items {
                let _ = writeln!(o, "- {}", md(item));
            }
            if !cond.items.is_empty() {
                o.push('\n');
            }
        }
        if let Some(n) = &c.note {
            let _ = writeln!(o, "{}{}\n", w(lang, "注：", "Note: "), md(n));
        }
        if !c.reads.is_empty() {
            let _ = writeln!(
                o,
                "**{}**{}",
                w(lang, "读取的字段", "Fields read"),
                w(lang, "：", ":")
            );
            for (key, label) in &c.reads {
                let _ = writeln!(o, "- `{key}` {}", md(label));
            }
            o.push('\n');
        }
        if !c.texts.is_empty() {
            let _ = writeln!(
                o,
                "**{}**{}",
                w(lang, "报告中的说明", "What the report says"),
                w(lang, "：", ":")
            );
            for (when, text) in &c.texts {
                let _ = writeln!(o, "- {}{}{}", md(when), w(lang, "：", ": "), md(text));
            }
            o.push('\n');
        }
        let Some(examples) = &c.examples else {
            continue;
        };
        let _ = writeln!(
            o,
            "**{}**{}",
            w(lang, "示例", "Examples"),
            w(lang, "：", ":")
        );
        if examples.is_empty() {
            let _ = writeln!(o, "{}\n", w(lang, "（没有示例）", "(none)"));
        } else {
            for e in examples {
                let _ = writeln!(o, "- {}", md(e));
            }
            o.push('\n');
        }
    }
    let _ = writeln!(o, "## {}\n", w(lang, "字段", "Fields"));
    let _ = writeln!(
        o,
        "| {} | {} | {} | {} |\n|---|---|---|---|",
        w(lang, "键", "Key"),
        w(lang, "名称", "Label"),
        w(lang, "类型", "Type"),
        w(lang, "取值与说明", "Values and notes"),
    );
    for f in &doc.fields {
        let mut cells: Vec<String> = f
            .values
            .iter()
            .map(|(code, label)| format!("`{code}` {}", md(label)))
            .collect();
        cells.extend(f.notes.iter().map(|n| md(n)));
        let _ = writeln!(
            o,
            "| `{}` | {} | {} | {} |",
            f.key,
            md(&f.label),
            md(&f.ty),
            cells.join("<br>")
        );
    }
    o
}

// ---- HTML ------------------------------------------------------------------------

/// Escapes text for HTML content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = "\
body{font-family:\"Noto Serif CJK SC\",\"Source Han Serif SC\",\"Songti SC\",SimSun,serif;\
max-width:46em;margin:2em auto;padding:0 1em;line-height:1.7;color:#111}\
h1{font-size:1.6em;border-bottom:2px solid #333;padding-bottom:.3em}\
h2{font-size:1.3em;margin-top:2em;border-bottom:1px solid #999}\
h3{font-size:1.1em;margin:0}\
.clause{border:1px solid #ccc;border-radius:4px;padding:.8em 1em;margin:1.2em 0}\
.kind{color:#555;font-size:.9em;margin:.2em 0 .6em}\
blockquote{margin:.6em 0;padding:.4em .8em;border-left:4px solid #999;background:#f6f6f6}\
table{border-collapse:collapse;width:100%;font-size:.92em}\
th,td{border:1px solid #bbb;padding:.3em .5em;text-align:left;vertical-align:top}\
th{background:#eee}\
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}\
.note{color:#444;font-size:.92em}\
p.label{font-weight:bold;margin:.6em 0 .2em}\
ul{margin:.2em 0 .6em;padding-left:1.4em}\
@media print{body{margin:0;max-width:none;font-size:10.5pt}\
.clause{page-break-inside:avoid;break-inside:avoid;border-color:#888}\
h2{page-break-after:avoid;break-after:avoid}\
blockquote{background:none}\
a{color:inherit;text-decoration:none}}";

fn html(doc: &Doc, lang: Lang) -> String {
    let mut o = String::new();
    let code = w(lang, "zh-CN", "en");
    let _ = writeln!(o, "<!DOCTYPE html>");
    let _ = writeln!(o, "<html lang=\"{code}\">");
    let _ = writeln!(o, "<head>");
    let _ = writeln!(o, "<meta charset=\"utf-8\">");
    let _ = writeln!(o, "<title>{}</title>", esc(&doc.title));
    let _ = writeln!(o, "<style>{CSS}</style>");
    let _ = writeln!(o, "</head>");
    let _ = writeln!(o, "<body>");
    let _ = writeln!(o, "<h1>{}</h1>", esc(&doc.title));
    let _ = writeln!(
        o,
        "<p class=\"note\">{}</p>",
        esc(w(
            lang,
            "本文件由 shouli explain 根据规则文件生成，供对照规章原文逐条审阅。",
            "Generated by shouli explain from the rule file, to be read beside the regulation's text.",
        ))
    );
    let _ = writeln!(o, "<table>");
    for (k, v) in &doc.header {
        let _ = writeln!(o, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(v));
    }
    let _ = writeln!(o, "</table>");
    let _ = writeln!(o, "<h2>{}</h2>", esc(w(lang, "条款", "Clauses")));
    for c in &doc.clauses {
        let _ = writeln!(o, "<section class=\"clause\" id=\"clause-{}\">", esc(&c.id));
        let _ = writeln!(o, "<h3>{} {}</h3>", esc(&c.id), esc(&c.title));
        let _ = writeln!(o, "<p class=\"kind\">{}</p>", esc(&c.kind));
        if let Some(s) = &c.source {
            let _ = writeln!(o, "<blockquote>{}</blockquote>", esc(s));
        }
        if let Some(cond) = &c.condition {
            let name = cond
                .name
                .as_ref()
                .map_or_else(String::new, |n| format!(" <code>{}</code>", esc(n)));
            let _ = writeln!(
                o,
                "<p><b>{}</b>{name}{}{}</p>",
                esc(&cond.label),
                esc(w(lang, "：", ": ")),
                esc(&cond.text)
            );
            if !cond.items.is_empty() {
                let _ = writeln!(o, "<ul>");
                for item in &cond.items {
                    let _ = writeln!(o, "<li>{}</li>", esc(item));
                }
                let _ = writeln!(o, "</ul>");
            }
        }
        if let Some(n) = &c.note {
            let _ = writeln!(o, "<p class=\"note\">{}</p>", esc(n));
        }
        if !c.reads.is_empty() {
            let _ = writeln!(
                o,
                "<p class=\"label\">{}</p>",
                esc(w(lang, "读取的字段", "Fields read"))
            );
            let _ = writeln!(o, "<ul>");
            for (key, label) in &c.reads {
                let _ = writeln!(o, "<li><code>{}</code> {}</li>", esc(key), esc(label));
            }
            let _ = writeln!(o, "</ul>");
        }
        if !c.texts.is_empty() {
            let _ = writeln!(
                o,
                "<p class=\"label\">{}</p>",
                esc(w(lang, "报告中的说明", "What the report says"))
            );
            let _ = writeln!(o, "<ul>");
            for (when, text) in &c.texts {
                let _ = writeln!(
                    o,
                    "<li>{}{}{}</li>",
                    esc(when),
                    esc(w(lang, "：", ": ")),
                    esc(text)
                );
            }
            let _ = writeln!(o, "</ul>");
        }
        if let Some(examples) = &c.examples {
            let _ = writeln!(
                o,
                "<p class=\"label\">{}</p>",
                esc(w(lang, "示例", "Examples"))
            );
            if examples.is_empty() {
                let _ = writeln!(
                    o,
                    "<p class=\"note\">{}</p>",
                    esc(w(lang, "（没有示例）", "(none)"))
                );
            } else {
                let _ = writeln!(o, "<ul>");
                for e in examples {
                    let _ = writeln!(o, "<li>{}</li>", esc(e));
                }
                let _ = writeln!(o, "</ul>");
            }
        }
        let _ = writeln!(o, "</section>");
    }
    let _ = writeln!(o, "<h2>{}</h2>", esc(w(lang, "字段", "Fields")));
    let _ = writeln!(
        o,
        "<table>\n<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        esc(w(lang, "键", "Key")),
        esc(w(lang, "名称", "Label")),
        esc(w(lang, "类型", "Type")),
        esc(w(lang, "取值与说明", "Values and notes")),
    );
    for f in &doc.fields {
        let mut cells: Vec<String> = f
            .values
            .iter()
            .map(|(code, label)| format!("<code>{}</code> {}", esc(code), esc(label)))
            .collect();
        cells.extend(f.notes.iter().map(|n| esc(n)));
        let _ = writeln!(
            o,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&f.key),
            esc(&f.label),
            esc(&f.ty),
            cells.join("<br>")
        );
    }
    let _ = writeln!(o, "</table>");
    let _ = writeln!(o, "</body>");
    let _ = writeln!(o, "</html>");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(md("a_b*c|d"), "a\\_b\\*c\\|d");
    }
}
