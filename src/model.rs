//! Checked rules: every key resolved to a field, every expression typed,
//! every template split into pieces. Produced by `check`, read by `compile`,
//! the reporter and the authoring tools.

use std::collections::HashMap;

use crate::base::{CmpOp, Span, Unit};
use crate::diag::Lang;
use crate::value::Date;
use crate::value::Record;

pub type FieldId = usize;
pub type DefId = usize;

/// Chinese text with an optional English rendering.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub zh: String,
    pub en: Option<String>,
}

impl Label {
    /// The text for `lang`: English where the rule file gives it, else Chinese.
    pub fn get(&self, lang: Lang) -> &str {
        match (lang, &self.en) {
            (Lang::En, Some(en)) => en,
            _ => &self.zh,
        }
    }
}

#[derive(Debug, Clone)]
pub struct RuleSet {
    pub title: String,
    pub source: Option<String>,
    pub version: Option<String>,
    pub effective: Option<Date>,
    /// The record's date (a date field) that clauses' periods in force are
    /// judged against (`reference received`).
    pub reference: Option<FieldId>,
    /// An office's holiday calendar file named by the header, relative to
    /// the rule file (read by the command line, not here).
    pub calendar: Option<String>,
    pub fields: Vec<Field>,
    pub field_index: HashMap<String, FieldId>,
    pub defines: Vec<Define>,
    /// Definitions in an order where each comes after those it uses.
    pub define_order: Vec<DefId>,
    /// Basis, ground, evidence and deadline clauses, in file order.
    pub clauses: Vec<Clause>,
    /// The clause cited when every basis is false; declared exactly when
    /// basis clauses are (the checker refuses one without the other).
    pub scope: Option<Scope>,
    pub examples: Vec<Example>,
    /// The letters to the complainant, at most one per outcome.
    pub notices: Vec<Notice>,
    /// `sha256:` and the hex digest of the rule file's bytes.
    pub digest: String,
}

impl RuleSet {
    pub fn field(&self, key: &str) -> Option<FieldId> {
        self.field_index.get(key).copied()
    }

    /// The clause with this id, if any.
    pub fn clause(&self, id: &str) -> Option<&Clause> {
        self.clauses.iter().find(|c| c.id == id)
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    pub key: String,
    pub label: Label,
    pub ty: FieldType,
    /// Bounds in the type's units (hundredths for decimals).
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub personal: Option<Mask>,
    /// Marked `form`: recorded on the complaint form only, so no clause
    /// needs to read it (`lint` does not ask).
    pub form: bool,
    /// Marked `office`: a fact the office determines (a judgement), never
    /// asked of the complainant.
    pub office: bool,
    pub span: Span,
    /// Where its key is written.
    pub key_span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FieldType {
    Text,
    Integer,
    Decimal,
    Bool,
    Date,
    Enum(Vec<EnumValue>),
    List(Vec<EnumValue>),
}

impl FieldType {
    pub fn values(&self) -> &[EnumValue] {
        match self {
            FieldType::Enum(v) | FieldType::List(v) => v,
            _ => &[],
        }
    }

    /// The type's name as written in a rule file.
    pub fn keyword(&self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Integer => "integer",
            FieldType::Decimal => "decimal",
            FieldType::Bool => "bool",
            FieldType::Date => "date",
            FieldType::Enum(_) => "enum",
            FieldType::List(_) => "list",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    pub code: String,
    pub label: Label,
}

/// How a personal field is masked by `--redact`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mask {
    /// 王丽 → 王*
    Name,
    /// 13800000000 → 138****0000
    Phone,
    /// 杭州市西湖区某路1号 → 杭州市西湖区***
    Address,
    /// 330106199001011234 → 330***********1234
    IdNumber,
    /// li.ming@example.com → l***@example.com
    Email,
}

impl Mask {
    /// The categories as the rule file writes them (`personal address`).
    pub const WORDS: &[(&str, Mask)] = &[
        ("name", Mask::Name),
        ("phone", Mask::Phone),
        ("address", Mask::Address),
        ("id_number", Mask::IdNumber),
        ("email", Mask::Email),
    ];

    pub fn from_word(word: &str) -> Option<Mask> {
        Mask::WORDS
            .iter()
            .find(|(w, _)| *w == word)
            .map(|&(_, m)| m)
    }
}

#[derive(Debug, Clone)]
pub struct Define {
    pub name: String,
    pub label: Option<Label>,
    pub expr: Expr,
    pub span: Span,
    /// Where its name is written.
    pub name_span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClauseKind {
    Basis,
    Ground,
    Evidence,
    Deadline,
    /// A record that can only be a mistake (a purchase after the complaint
    /// was received): when its condition holds, the report warns, and the
    /// outcome is untouched.
    Warning,
}

impl ClauseKind {
    pub fn keyword(self) -> &'static str {
        match self {
            ClauseKind::Basis => "basis",
            ClauseKind::Ground => "ground",
            ClauseKind::Evidence => "evidence",
            ClauseKind::Deadline => "deadline",
            ClauseKind::Warning => "warning",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Clause {
    pub kind: ClauseKind,
    pub id: String,
    pub title: Label,
    pub source: Option<String>,
    /// `when` (basis, ground) or `require` (evidence).
    pub condition: Option<Expr>,
    /// `due name = date` (deadline).
    pub due: Option<Due>,
    /// Outcomes a deadline applies to; `None` for all.
    pub applies: Option<Vec<Outcome>>,
    /// The period the clause is in force: its first and last day, either
    /// open; `None` for always.
    pub in_force: Option<(Option<Date>, Option<Date>)>,
    /// A deadline's recorded date (`recorded recorded.notified`): where an
    /// archived case says when its act was done, for the audit.
    pub recorded: Option<FieldId>,
    pub because: Option<Template>,
    pub unknown: Option<Template>,
    pub otherwise: Option<Template>,
    pub span: Span,
    pub id_span: Span,
}

#[derive(Debug, Clone)]
pub struct Due {
    pub name: String,
    pub expr: Expr,
}

#[derive(Debug, Clone)]
pub struct Scope {
    pub id: String,
    pub title: Label,
    pub source: Option<String>,
    pub because: Option<Template>,
    pub span: Span,
    pub id_span: Span,
}

/// An explanation with `{key}` holes, in Chinese and optionally English.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub zh: Vec<Piece>,
    pub en: Option<Vec<Piece>>,
    /// Every hole as written (`{purchase.date}`: its name and span), in
    /// both languages, for the diagnostics that point at one.
    pub holes: Vec<(String, Span)>,
}

impl Template {
    pub fn get(&self, lang: Lang) -> &[Piece] {
        match (lang, &self.en) {
            (Lang::En, Some(en)) => en,
            _ => &self.zh,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Text(String),
    Field(FieldId),
    Define(DefId),
    /// The deadline's own date (`{notify_by}` in its clause).
    Due,
    /// The keys an evidence clause found missing.
    Missing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    Accepted,
    Rejected,
    Incomplete,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Accepted, Outcome::Rejected, Outcome::Incomplete];

    /// The word used in JSON and in rule files.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Accepted => "accepted",
            Outcome::Rejected => "rejected",
            Outcome::Incomplete => "incomplete",
        }
    }

    pub fn from_code(code: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.code() == code)
    }

    /// 受理 / 不予受理 / 待补正
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Outcome::Accepted, Lang::Zh) => "受理",
            (Outcome::Rejected, Lang::Zh) => "不予受理",
            (Outcome::Incomplete, Lang::Zh) => "待补正",
            (Outcome::Accepted, Lang::En) => "accepted",
            (Outcome::Rejected, Lang::En) => "not accepted",
            (Outcome::Incomplete, Lang::En) => "incomplete",
        }
    }
}

/// A typed expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Ty,
    pub span: Span,
}

/// The type of an expression. Enum and list types carry the field whose
/// declaration lists their values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Bool,
    Int,
    Dec,
    Date,
    Text,
    Enum(FieldId),
    List(FieldId),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Const {
    Bool(bool),
    Int(i64),
    Dec(i64),
    Date(Date),
    Text(String),
    Enum(u16),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Const(Const),
    Field(FieldId),
    Define(DefId),
    Present(Vec<FieldId>),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Cmp(Box<Expr>, CmpOp, Box<Expr>),
    /// An enum value in a set of that enum's values (a bit per value).
    InSet {
        value: Box<Expr>,
        set: u64,
        negated: bool,
    },
    /// Any other value in a list of constants.
    InList {
        value: Box<Expr>,
        items: Vec<Const>,
        negated: bool,
    },
    /// A list holding any of a set of its values.
    ContainsAny(Box<Expr>, u64),
    /// A list holding one value.
    Contains(Box<Expr>, Box<Expr>),
    Shift {
        date: Box<Expr>,
        negative: bool,
        amount: Box<Expr>,
        unit: Unit,
    },
    Else(Box<Expr>, Box<Expr>),
}

impl Expr {
    /// The values of enum or list field `f` that this expression asks for
    /// (`f contains any [..]`, `f in [..]`, `f == ".."`, outside any `not`),
    /// as a bit per value; `None` where it names none of them.
    pub fn values_wanted(&self, f: FieldId) -> Option<u64> {
        let field = |e: &Expr| matches!(e.kind, ExprKind::Field(g) if g == f);
        match &self.kind {
            ExprKind::InSet {
                value,
                set,
                negated: false,
            } if field(value) => Some(*set),
            ExprKind::ContainsAny(list, set) if field(list) => Some(*set),
            ExprKind::Contains(list, x) | ExprKind::Cmp(list, CmpOp::Eq, x) if field(list) => {
                match x.kind {
                    ExprKind::Const(Const::Enum(v)) if v < 64 => Some(1 << v),
                    _ => None,
                }
            }
            ExprKind::Not(_) => None,
            _ => self
                .children()
                .into_iter()
                .filter_map(|c| c.values_wanted(f))
                .reduce(|a, b| a | b),
        }
    }

    /// Calls `f` on every direct operand.
    pub fn children(&self) -> Vec<&Expr> {
        match &self.kind {
            ExprKind::Const(_)
            | ExprKind::Field(_)
            | ExprKind::Define(_)
            | ExprKind::Present(_) => {
                vec![]
            }
            ExprKind::Not(x) => vec![x],
            ExprKind::And(xs) | ExprKind::Or(xs) => xs.iter().collect(),
            ExprKind::Cmp(a, _, b) | ExprKind::Contains(a, b) | ExprKind::Else(a, b) => vec![a, b],
            ExprKind::InSet { value, .. } | ExprKind::InList { value, .. } => vec![value],
            ExprKind::ContainsAny(x, _) => vec![x],
            ExprKind::Shift { date, amount, .. } => vec![date, amount],
        }
    }

    /// The fields this expression reads directly (not through definitions).
    pub fn fields(&self, out: &mut Vec<FieldId>) {
        match &self.kind {
            ExprKind::Field(f) => out.push(*f),
            ExprKind::Present(fs) => out.extend(fs),
            _ => {
                for c in self.children() {
                    c.fields(out);
                }
            }
        }
    }

    /// The definitions this expression uses directly.
    pub fn defines(&self, out: &mut Vec<DefId>) {
        match &self.kind {
            ExprKind::Define(d) => out.push(*d),
            _ => {
                for c in self.children() {
                    c.defines(out);
                }
            }
        }
    }
}

/// A letter to the complainant for one outcome (`notice rejected "…" { … }`).
#[derive(Debug, Clone)]
pub struct Notice {
    pub outcome: Outcome,
    pub title: Label,
    /// The period of the reference date the notice is written for: its
    /// first and last day, either open; `None` for always.
    pub in_force: Option<(Option<Date>, Option<Date>)>,
    pub lines: Vec<NoticeLine>,
    pub span: Span,
}

impl RuleSet {
    /// The notice for an outcome whose period in force holds `on` (the
    /// record's reference date; a notice without a period holds always).
    pub fn notice(&self, outcome: Outcome, on: Option<Date>) -> Option<&Notice> {
        self.notices
            .iter()
            .filter(|n| n.outcome == outcome)
            .find(|n| match (n.in_force, on) {
                (None, _) => true,
                (Some((from, until)), Some(d)) => {
                    from.is_none_or(|f| f <= d) && until.is_none_or(|u| d <= u)
                }
                (Some(_), None) => false,
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// The file number, under the title.
    Number,
    /// The addressee: the only line where personal fields are filled in.
    To,
    /// A paragraph.
    Para,
    /// One line per entry: each ground a rejection rests on, each item the
    /// complainant is to supply, each deadline of an accepted complaint.
    Each,
    /// Set to the right: the office, the seal's space, the date.
    Sign,
}

impl LineKind {
    pub const WORDS: &[(&str, LineKind)] = &[
        ("number", LineKind::Number),
        ("to", LineKind::To),
        ("para", LineKind::Para),
        ("each", LineKind::Each),
        ("sign", LineKind::Sign),
    ];

    pub fn from_word(word: &str) -> Option<LineKind> {
        LineKind::WORDS
            .iter()
            .find(|(w, _)| *w == word)
            .map(|&(_, k)| k)
    }
}

#[derive(Debug, Clone)]
pub struct NoticeLine {
    pub kind: LineKind,
    pub zh: Vec<NoticePiece>,
    pub en: Option<Vec<NoticePiece>>,
}

impl NoticeLine {
    pub fn get(&self, lang: Lang) -> &[NoticePiece] {
        match (lang, &self.en) {
            (Lang::En, Some(en)) => en,
            _ => &self.zh,
        }
    }
}

/// A piece of a notice's line: text, or a hole filled from the record, the
/// evaluation or the entry an `each` line is written for.
#[derive(Debug, Clone, PartialEq)]
pub enum NoticePiece {
    Text(String),
    Field(FieldId),
    Define(DefId),
    /// A deadline's date, by the index of its clause (`{notify_by}`).
    Due(usize),
    /// `{notice.date}`: the day the notice is written.
    Date,
    /// `{notice.items}`: the items of the regulation the rejection rests
    /// on, as the regulation numbers them (一、三).
    Items,
    /// A hole of an `each` line (`{each.title}`, …).
    Each(EachHole),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EachHole {
    /// 1, 2, 3 …
    N,
    /// The item as the regulation numbers it: （一）.
    Item,
    /// The clause's id.
    Id,
    /// The clause's title, or the label of the field to supply.
    Title,
    /// The regulation's own words.
    Source,
    /// The regulation's words for the item alone: the source from the
    /// item's number (（三）) on, without the article's opening words.
    Wording,
    /// The facts that made the ground true (the clause's explanation), or a
    /// deadline's explanation.
    Facts,
    /// The values to choose from, for a field to supply.
    Choices,
    /// A deadline's date.
    Date,
}

impl EachHole {
    pub const WORDS: &[(&str, EachHole)] = &[
        ("each.n", EachHole::N),
        ("each.item", EachHole::Item),
        ("each.id", EachHole::Id),
        ("each.title", EachHole::Title),
        ("each.source", EachHole::Source),
        ("each.wording", EachHole::Wording),
        ("each.facts", EachHole::Facts),
        ("each.choices", EachHole::Choices),
        ("each.date", EachHole::Date),
    ];
}

#[derive(Debug, Clone)]
pub struct Example {
    pub name: String,
    /// The record, with `from` and `without` applied.
    pub record: Record,
    pub expect: Expectation,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    pub outcome: Outcome,
    pub deciding: Option<String>,
    pub fired: Option<Vec<String>>,
    pub missing: Option<Vec<String>>,
    pub span: Span,
}
