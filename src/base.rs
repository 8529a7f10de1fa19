//! The ground floor: the words every stage shares — a source span, the
//! comparison operators, the units of date arithmetic, money as hundredths —
//! so that syntax, records, the evaluator and the reporter speak them without
//! importing each other.

/// A byte range in a source text.
pub type Span = std::ops::Range<usize>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    /// Whether the comparison holds for an ordering of its two sides;
    /// `None` (values that cannot be ordered, e.g. different texts) is
    /// "not equal".
    pub fn holds(self, ord: Option<std::cmp::Ordering>) -> bool {
        match (self, ord) {
            (CmpOp::Eq, Some(o)) => o.is_eq(),
            (CmpOp::Ne, Some(o)) => o.is_ne(),
            (CmpOp::Lt, Some(o)) => o.is_lt(),
            (CmpOp::Le, Some(o)) => o.is_le(),
            (CmpOp::Gt, Some(o)) => o.is_gt(),
            (CmpOp::Ge, Some(o)) => o.is_ge(),
            (CmpOp::Ne, None) => true,
            (_, None) => false,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Days,
    Months,
    Years,
    /// Working days, by the holiday calendar (`calendar`).
    Workdays,
}

/// Hundredths as a decimal: 39900 → "399.00".
pub fn format_cents(d: i64) -> String {
    let sign = if d < 0 { "-" } else { "" };
    let a = d.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}
