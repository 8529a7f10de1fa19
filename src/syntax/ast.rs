//! The syntax tree: what the rule file says, with a byte span on every node.
//! Nothing here is resolved or type-checked; see `check` for that.

pub use crate::base::{CmpOp, Span, Unit};

/// A string as written, with its span (quotes included) and its value
/// (escapes resolved).
#[derive(Debug, Clone, PartialEq)]
pub struct Str {
    pub value: String,
    pub span: Span,
}

/// A bare word: a key (`purchase.date`), a name (`warranty_end`) or a keyword
/// written where the grammar allows any word (clause kinds, field types).
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    pub name: String,
    pub span: Span,
}

/// Human text: Chinese first, with an optional English rendering.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub zh: Str,
    pub en: Option<Str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RuleFile {
    pub header: Header,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub title: Str,
    pub source: Option<Str>,
    pub version: Option<Str>,
    pub effective: Option<Lit>,
    /// `reference received`: the record's date that periods in force are
    /// judged against.
    pub reference: Option<Name>,
    /// `calendar "office.toml"`: an office's holiday calendar, a path
    /// relative to the rule file.
    pub calendar: Option<Str>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Field(FieldDecl),
    Define(Define),
    Clause(Clause),
    Notice(Notice),
    Example(Example),
}

impl Item {
    pub fn span(&self) -> &Span {
        match self {
            Item::Field(f) => &f.span,
            Item::Define(d) => &d.span,
            Item::Clause(c) => &c.span,
            Item::Notice(n) => &n.span,
            Item::Example(e) => &e.span,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FieldDecl {
    pub key: Name,
    pub label: Text,
    pub ty: Name,
    pub values: Option<Vec<EnumValue>>,
    pub min: Option<Lit>,
    pub max: Option<Lit>,
    pub personal: Option<Name>,
    /// `form`: recorded on the complaint form only (where it is written).
    pub form: Option<Span>,
    /// `office`: determined by the office, not asked of the complainant.
    pub office: Option<Span>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    pub code: Name,
    pub label: Text,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Define {
    pub name: Name,
    pub label: Option<Text>,
    pub expr: Expr,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    pub kind: Name,
    pub id: Str,
    pub title: Text,
    pub body: Vec<ClauseStmt>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ClauseStmt {
    Source(Str),
    When(Expr),
    Require(Expr),
    Due {
        name: Name,
        expr: Expr,
    },
    AppliesTo(Vec<Name>),
    /// `in force from D until D`: either may be left out.
    InForce {
        from: Option<Lit>,
        until: Option<Lit>,
    },
    /// `recorded recorded.notified`: where an archived case records the
    /// date a deadline's act was done.
    Recorded(Name),
    Because(Text),
    Unknown(Text),
    Otherwise(Text),
}

/// `notice rejected "不予受理告知书" { … }`: the letter to the complainant
/// for one outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub outcome: Name,
    pub title: Text,
    /// `in force from D until D`: either may be left out.
    pub in_force: Option<(Option<Lit>, Option<Lit>)>,
    pub lines: Vec<NoticeLine>,
    pub span: Span,
}

/// One line of a notice: its keyword (`number`, `to`, `para`, `each`,
/// `sign`) and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct NoticeLine {
    pub kind: Name,
    pub text: Text,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub name: Str,
    pub from: Option<Str>,
    pub body: Vec<ExampleStmt>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExampleStmt {
    Assign { key: Name, value: Literal },
    Without(Vec<Name>),
    Expect(Expect),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    pub outcome: Name,
    pub by: Option<Str>,
    pub fired: Option<Vec<Str>>,
    pub missing: Option<Vec<Name>>,
    pub span: Span,
}

/// A literal or a list of literals, as written in an example record.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    One(Lit),
    List(Vec<Lit>, Span),
}

impl Literal {
    pub fn span(&self) -> Span {
        match self {
            Literal::One(l) => l.span.clone(),
            Literal::List(_, s) => s.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Lit {
    pub kind: LitKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LitKind {
    Str(String),
    Int(i64),
    /// A decimal in hundredths (`399.00` is 39900); at most two places.
    Dec(i64),
    Bool(bool),
    Date(crate::value::Date),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Lit(Lit),
    Key(String),
    /// `present [a, b]`: every key has a value.
    Present(Vec<Name>),
    Paren(Box<Expr>),
    Not(Box<Expr>),
    /// Two or more operands, all of which must hold.
    And(Vec<Expr>),
    /// Two or more operands, one of which must hold.
    Or(Vec<Expr>),
    Cmp(Box<Expr>, CmpOp, Box<Expr>),
    /// `x in [..]`, or `x not in [..]` when `negated`.
    In {
        value: Box<Expr>,
        list: Vec<Lit>,
        negated: bool,
    },
    /// `list contains any [..]`
    ContainsAny(Box<Expr>, Vec<Lit>),
    /// `list contains x`
    Contains(Box<Expr>, Box<Expr>),
    /// `date + n days` (`negative` for `-`)
    Shift {
        date: Box<Expr>,
        negative: bool,
        amount: Box<Expr>,
        unit: Unit,
    },
    /// `a else b`: `a` when it has a value, otherwise `b`
    Else(Box<Expr>, Box<Expr>),
}
