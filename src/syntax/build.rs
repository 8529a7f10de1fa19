//! pest pairs → syntax tree. The grammar guarantees each pair's shape, so
//! this only converts tokens (numbers, dates, escapes) and tracks depth.

use pest::iterators::Pair;

use super::ast::*;
use super::{MAX_DEPTH, RESERVED, Rule};
use crate::diag::{Diagnostic, Msg};

type Result<T> = std::result::Result<T, Diagnostic>;

/// Builds tree nodes from pairs of a text that starts `offset` bytes into
/// the file, so every span is a byte range of the whole file.
pub struct Builder {
    offset: usize,
}

/// Years a date may have, in rule files and records alike.
pub const YEARS: std::ops::RangeInclusive<i16> = 1900..=2200;

impl Builder {
    pub fn new(offset: usize) -> Builder {
        Builder { offset }
    }

    fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        s.start() + self.offset..s.end() + self.offset
    }

    pub fn header(&self, pair: Pair<Rule>) -> Result<Header> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().filter(|p| p.as_rule() != Rule::kw_rules);
        let title = self.string(inner.next().expect("header has a title"))?;
        let mut header = Header {
            title,
            source: None,
            version: None,
            effective: None,
            reference: None,
            calendar: None,
            span,
        };
        for entry in inner {
            let rule = entry.as_rule();
            let entry_span = self.span(&entry);
            let mut parts = entry.into_inner();
            let word = parts.next().expect("header entry has a keyword").as_str();
            let value = parts.next().expect("header entry has a value");
            let taken = match rule {
                Rule::source_stmt => header.source.is_some(),
                Rule::version_stmt => header.version.is_some(),
                Rule::reference_stmt => header.reference.is_some(),
                Rule::calendar_stmt => header.calendar.is_some(),
                _ => header.effective.is_some(),
            };
            if taken {
                return Err(twice(word, "文件头", "the header", entry_span));
            }
            match rule {
                Rule::source_stmt => header.source = Some(self.string(value)?),
                Rule::version_stmt => header.version = Some(self.string(value)?),
                Rule::effective_stmt => header.effective = Some(self.lit(value)?),
                Rule::reference_stmt => header.reference = Some(self.name(value)?),
                Rule::calendar_stmt => header.calendar = Some(self.string(value)?),
                _ => unreachable!("header entries are source, version, effective, reference"),
            }
        }
        Ok(header)
    }

    pub fn item(&self, pair: Pair<Rule>) -> Result<Item> {
        match pair.as_rule() {
            Rule::field_decl => self.field(pair).map(Item::Field),
            Rule::define_decl => self.define(pair).map(Item::Define),
            Rule::clause_decl => self.clause(pair).map(Item::Clause),
            Rule::notice_decl => self.notice(pair).map(Item::Notice),
            Rule::example_decl => self.example(pair).map(Item::Example),
            r => unreachable!("not an item: {r:?}"),
        }
    }

    fn notice(&self, pair: Pair<Rule>) -> Result<Notice> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().skip(1);
        let outcome = self.name(inner.next().expect("notice has an outcome"))?;
        let title = self.text(inner.next().expect("notice has a title"))?;
        let mut lines = Vec::new();
        let mut in_force = None;
        for stmt in inner {
            if stmt.as_rule() == Rule::in_force_stmt {
                let (mut from, mut until) = (None, None);
                for part in stmt.into_inner().skip(2) {
                    let rule = part.as_rule();
                    let date = part.into_inner().nth(1).expect("a period has a date");
                    let date = Some(self.lit(date)?);
                    match rule {
                        Rule::in_force_from => from = date,
                        _ => until = date,
                    }
                }
                in_force = Some((from, until));
                continue;
            }
            let mut parts = stmt.into_inner();
            let kw = parts.next().expect("notice line has a keyword");
            let kind = Name {
                name: kw.as_str().to_string(),
                span: self.span(&kw),
            };
            let text = self.text(parts.next().expect("notice line has a text"))?;
            lines.push(NoticeLine { kind, text });
        }
        Ok(Notice {
            outcome,
            title,
            in_force,
            lines,
            span,
        })
    }

    fn field(&self, pair: Pair<Rule>) -> Result<FieldDecl> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().skip(1);
        let key = self.name(inner.next().expect("field has a key"))?;
        let label = self.text(inner.next().expect("field has a label"))?;
        let ty_pair = inner.next().expect("field has a type");
        let mut ty_inner = ty_pair.into_inner();
        let ty = self.name(ty_inner.next().expect("type has a name"))?;
        let values = match ty_inner.next() {
            Some(body) => Some(
                body.into_inner()
                    .map(|v| {
                        let mut v = v.into_inner();
                        let code = self.name(v.next().expect("enum value has a code"))?;
                        let label = self.text(v.next().expect("enum value has a label"))?;
                        Ok(EnumValue { code, label })
                    })
                    .collect::<Result<Vec<_>>>()?,
            ),
            None => None,
        };
        let mut field = FieldDecl {
            key,
            label,
            ty,
            values,
            min: None,
            max: None,
            personal: None,
            form: None,
            office: None,
            span,
        };
        for attr in inner {
            let rule = attr.as_rule();
            let attr_span = self.span(&attr);
            let mut parts = attr.into_inner();
            let word = parts.next().expect("attribute has a keyword").as_str();
            let taken = match rule {
                Rule::min_attr => field.min.is_some(),
                Rule::max_attr => field.max.is_some(),
                Rule::personal_attr => field.personal.is_some(),
                Rule::office_attr => field.office.is_some(),
                _ => field.form.is_some(),
            };
            if taken {
                return Err(twice(word, "字段声明", "a field declaration", attr_span));
            }
            let mut value = || parts.next().expect("attribute has a value");
            match rule {
                Rule::min_attr => field.min = Some(self.lit(value())?),
                Rule::max_attr => field.max = Some(self.lit(value())?),
                Rule::personal_attr => field.personal = Some(self.name(value())?),
                Rule::form_attr => field.form = Some(attr_span),
                Rule::office_attr => field.office = Some(attr_span),
                _ => unreachable!("field attributes are min, max, personal, form, office"),
            }
        }
        Ok(field)
    }

    fn define(&self, pair: Pair<Rule>) -> Result<Define> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().skip(1);
        let name = self.name(inner.next().expect("define has a name"))?;
        let mut next = inner.next().expect("define has an expression");
        let label = if next.as_rule() == Rule::text {
            let label = self.text(next)?;
            next = inner.next().expect("define has an expression");
            Some(label)
        } else {
            None
        };
        let expr = self.expr(next)?;
        Ok(Define {
            name,
            label,
            expr,
            span,
        })
    }

    fn clause(&self, pair: Pair<Rule>) -> Result<Clause> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let kind = self.name(inner.next().expect("clause has a kind"))?;
        let id = self.string(inner.next().expect("clause has an id"))?;
        let title = self.text(inner.next().expect("clause has a title"))?;
        let mut body = Vec::new();
        for stmt in inner {
            let rule = stmt.as_rule();
            let mut parts = stmt.into_inner().skip(1);
            let mut next = || parts.next().expect("statement has a body");
            body.push(match rule {
                Rule::source_stmt => ClauseStmt::Source(self.string(next())?),
                Rule::when_stmt => ClauseStmt::When(self.expr(next())?),
                Rule::require_stmt => ClauseStmt::Require(self.expr(next())?),
                Rule::due_stmt => {
                    let name = self.name(next())?;
                    let expr = self.expr(next())?;
                    ClauseStmt::Due { name, expr }
                }
                Rule::applies_stmt => ClauseStmt::AppliesTo(
                    parts.skip(1).map(|p| self.name(p)).collect::<Result<_>>()?,
                ),
                Rule::recorded_stmt => ClauseStmt::Recorded(self.name(next())?),
                Rule::in_force_stmt => {
                    // After `in`: `force`, then `from D` and/or `until D`.
                    let (mut from, mut until) = (None, None);
                    for part in parts.skip(1) {
                        let rule = part.as_rule();
                        let date = part.into_inner().nth(1).expect("a period has a date");
                        let date = Some(self.lit(date)?);
                        match rule {
                            Rule::in_force_from => from = date,
                            _ => until = date,
                        }
                    }
                    ClauseStmt::InForce { from, until }
                }
                Rule::because_stmt => ClauseStmt::Because(self.text(next())?),
                Rule::unknown_stmt => ClauseStmt::Unknown(self.text(next())?),
                Rule::otherwise_stmt => ClauseStmt::Otherwise(self.text(next())?),
                r => unreachable!("not a clause statement: {r:?}"),
            });
        }
        Ok(Clause {
            kind,
            id,
            title,
            body,
            span,
        })
    }

    fn example(&self, pair: Pair<Rule>) -> Result<Example> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().skip(1).peekable();
        let name = self.string(inner.next().expect("example has a name"))?;
        let from = if inner.peek().is_some_and(|p| p.as_rule() == Rule::kw_from) {
            inner.next();
            Some(self.string(inner.next().expect("from has a name"))?)
        } else {
            None
        };
        let mut body = Vec::new();
        for stmt in inner {
            body.push(match stmt.as_rule() {
                Rule::assign_stmt => {
                    let mut parts = stmt.into_inner();
                    let key = self.name(parts.next().expect("assignment has a key"))?;
                    let value = parts.next().expect("assignment has a value");
                    let value = if value.as_rule() == Rule::list {
                        Literal::List(self.list(value.clone())?, self.span(&value))
                    } else {
                        Literal::One(self.lit(value)?)
                    };
                    ExampleStmt::Assign { key, value }
                }
                Rule::without_stmt => ExampleStmt::Without(
                    stmt.into_inner()
                        .skip(1)
                        .map(|p| self.name(p))
                        .collect::<Result<_>>()?,
                ),
                Rule::expect_stmt => {
                    let span = self.span(&stmt);
                    let mut parts = stmt.into_inner().skip(1);
                    let outcome = self.name(parts.next().expect("expect has an outcome"))?;
                    let mut expect = Expect {
                        outcome,
                        by: None,
                        fired: None,
                        missing: None,
                        span,
                    };
                    for part in parts {
                        let rule = part.as_rule();
                        let mut values = part.into_inner().skip(1);
                        match rule {
                            Rule::expect_by => {
                                expect.by = Some(self.string(values.next().expect("by has an id"))?)
                            }
                            Rule::expect_fired => {
                                expect.fired =
                                    Some(values.map(|p| self.string(p)).collect::<Result<_>>()?)
                            }
                            Rule::expect_missing => {
                                expect.missing =
                                    Some(values.map(|p| self.name(p)).collect::<Result<_>>()?)
                            }
                            r => unreachable!("not an expect part: {r:?}"),
                        }
                    }
                    ExampleStmt::Expect(expect)
                }
                r => unreachable!("not an example statement: {r:?}"),
            });
        }
        Ok(Example {
            name,
            from,
            body,
            span,
        })
    }

    // ---- expressions -------------------------------------------------------

    pub fn expr(&self, pair: Pair<Rule>) -> Result<Expr> {
        self.expr_at(pair, 0)
    }

    fn too_deep(&self, span: Span) -> Diagnostic {
        Diagnostic::error(
            "too-deep",
            Some(span),
            Msg::new(
                format!("表达式嵌套超过 {MAX_DEPTH} 层（每对括号、每个运算各算一层）"),
                format!(
                    "expression nested more than {MAX_DEPTH} levels deep (each pair of parentheses and each operator is a level)"
                ),
            ),
        )
        .with_help(Msg::new(
            "用 define 给子条件起名，拆成几层",
            "name sub-conditions with `define` to flatten the expression",
        ))
    }

    fn expr_at(&self, mut pair: Pair<Rule>, depth: usize) -> Result<Expr> {
        // A grammar level with one operand and no operator (an `or` of one
        // `and`, a test with no comparison, …) is that operand: go down to
        // it without recursing, so that `depth` counts what the reader sees
        // — parentheses and operators — and the stack grows only with them.
        while matches!(
            pair.as_rule(),
            Rule::expr | Rule::and_expr | Rule::not_expr | Rule::test | Rule::sum | Rule::fallback
        ) {
            let mut inner = pair.clone().into_inner();
            match (inner.next(), inner.next()) {
                (Some(only), None) => pair = only,
                _ => break,
            }
        }
        let span = self.span(&pair);
        // `depth` levels enclose this node; an operator or a pair of
        // parentheses here is one more (a value is no level of its own).
        let leaf = matches!(
            pair.as_rule(),
            Rule::key
                | Rule::present
                | Rule::date
                | Rule::number
                | Rule::boolean
                | Rule::string
                | Rule::integer
        );
        if depth >= MAX_DEPTH && !leaf {
            return Err(self.too_deep(span));
        }
        let d = depth + 1;
        match pair.as_rule() {
            Rule::expr | Rule::and_expr => {
                let is_or = pair.as_rule() == Rule::expr;
                let operands = pair
                    .into_inner()
                    .filter(|p| !matches!(p.as_rule(), Rule::kw_or | Rule::kw_and))
                    .map(|p| self.expr_at(p, d))
                    .collect::<Result<Vec<_>>>()?;
                Ok(if operands.len() == 1 {
                    operands.into_iter().next().expect("one operand")
                } else if is_or {
                    Expr {
                        kind: ExprKind::Or(operands),
                        span,
                    }
                } else {
                    Expr {
                        kind: ExprKind::And(operands),
                        span,
                    }
                })
            }
            Rule::not_expr => {
                let parts: Vec<_> = pair.into_inner().collect();
                let (nots, test) = parts.split_at(parts.len() - 1);
                if depth + nots.len() > MAX_DEPTH {
                    return Err(self.too_deep(span));
                }
                let mut expr = self.expr_at(test[0].clone(), d + nots.len())?;
                for not in nots.iter().rev() {
                    let start = self.span(not).start;
                    expr = Expr {
                        span: start..expr.span.end,
                        kind: ExprKind::Not(Box::new(expr)),
                    };
                }
                Ok(expr)
            }
            Rule::test => {
                let mut inner = pair.into_inner();
                let left = self.expr_at(inner.next().expect("test has a value"), d)?;
                let Some(tail) = inner.next() else {
                    return Ok(left);
                };
                let rule = tail.as_rule();
                let mut parts = tail.into_inner();
                let kind = match rule {
                    Rule::compare => {
                        let op = match parts.next().expect("compare has an operator").as_str() {
                            "==" => CmpOp::Eq,
                            "!=" => CmpOp::Ne,
                            "<" => CmpOp::Lt,
                            "<=" => CmpOp::Le,
                            ">" => CmpOp::Gt,
                            _ => CmpOp::Ge,
                        };
                        let right =
                            self.expr_at(parts.next().expect("compare has a right side"), d)?;
                        ExprKind::Cmp(Box::new(left), op, Box::new(right))
                    }
                    Rule::in_list | Rule::not_in_list => ExprKind::In {
                        value: Box::new(left),
                        list: self.list(parts.last().expect("in has a list"))?,
                        negated: rule == Rule::not_in_list,
                    },
                    Rule::contains_any => ExprKind::ContainsAny(
                        Box::new(left),
                        self.list(parts.last().expect("contains any has a list"))?,
                    ),
                    Rule::contains_one => {
                        let right = self.expr_at(parts.last().expect("contains has a value"), d)?;
                        ExprKind::Contains(Box::new(left), Box::new(right))
                    }
                    r => unreachable!("not a test: {r:?}"),
                };
                Ok(Expr { kind, span })
            }
            Rule::sum => {
                let mut inner = pair.into_inner();
                let mut expr = self.expr_at(inner.next().expect("sum has a value"), d)?;
                for (n, shift) in inner.enumerate() {
                    if d + n > MAX_DEPTH {
                        return Err(self.too_deep(span));
                    }
                    let shift_span = self.span(&shift);
                    let end = shift_span.end;
                    let mut parts = shift.into_inner();
                    let sign = parts.next().expect("shift has a sign").as_str();
                    let negative = sign == "-";
                    let amount = parts.next().expect("shift has an amount or a unit");
                    if amount.as_rule() == Rule::unit {
                        let unit = amount.as_str();
                        return Err(Diagnostic::error(
                            "shift-amount",
                            Some(shift_span),
                            Msg::new(
                                format!("`{sign} {unit}` 缺少数量"),
                                format!("`{sign} {unit}` has no amount"),
                            ),
                        )
                        .with_help(Msg::new(
                            format!("写作 `{sign} 3 {unit}`，或用字段给出数量，如 `{sign} purchase.warranty_months months`"),
                            format!(
                                "write `{sign} 3 {unit}`, or take the amount from a field, like `{sign} purchase.warranty_months months`"
                            ),
                        )));
                    }
                    let amount = match amount.as_rule() {
                        Rule::integer => Expr {
                            span: self.span(&amount),
                            kind: ExprKind::Lit(self.lit(amount)?),
                        },
                        _ => Expr {
                            span: self.span(&amount),
                            kind: ExprKind::Key(self.key(&amount)?.to_string()),
                        },
                    };
                    let unit = match parts.next().expect("shift has a unit").as_str() {
                        "day" | "days" => Unit::Days,
                        "month" | "months" => Unit::Months,
                        "workday" | "workdays" => Unit::Workdays,
                        _ => Unit::Years,
                    };
                    expr = Expr {
                        span: expr.span.start..end,
                        kind: ExprKind::Shift {
                            date: Box::new(expr),
                            negative,
                            amount: Box::new(amount),
                            unit,
                        },
                    };
                }
                Ok(expr)
            }
            Rule::fallback => {
                let operands = pair
                    .into_inner()
                    .filter(|p| p.as_rule() != Rule::kw_else)
                    .map(|p| self.expr_at(p, d))
                    .collect::<Result<Vec<_>>>()?;
                if operands.len() > MAX_DEPTH {
                    return Err(self.too_deep(span));
                }
                let mut operands = operands.into_iter().rev();
                let mut expr = operands.next().expect("fallback has a value");
                for first in operands {
                    expr = Expr {
                        span: first.span.start..expr.span.end,
                        kind: ExprKind::Else(Box::new(first), Box::new(expr)),
                    };
                }
                Ok(expr)
            }
            Rule::paren => {
                let inner =
                    self.expr_at(pair.into_inner().next().expect("paren holds an expr"), d)?;
                Ok(Expr {
                    kind: ExprKind::Paren(Box::new(inner)),
                    span,
                })
            }
            Rule::present => Ok(Expr {
                kind: ExprKind::Present(
                    pair.into_inner()
                        .skip(1)
                        .map(|p| self.name(p))
                        .collect::<Result<_>>()?,
                ),
                span,
            }),
            Rule::key => Ok(Expr {
                kind: ExprKind::Key(self.key(&pair)?.to_string()),
                span,
            }),
            Rule::date | Rule::number | Rule::boolean | Rule::string | Rule::integer => Ok(Expr {
                kind: ExprKind::Lit(self.lit(pair)?),
                span,
            }),
            r => unreachable!("not an expression: {r:?}"),
        }
    }

    // ---- tokens --------------------------------------------------------------

    fn name(&self, pair: Pair<Rule>) -> Result<Name> {
        Ok(Name {
            name: self.key(&pair)?.to_string(),
            span: self.span(&pair),
        })
    }

    /// The text of a name or key, refused if any of its parts is a
    /// reserved word.
    fn key<'i>(&self, pair: &Pair<'i, Rule>) -> Result<&'i str> {
        let text = pair.as_str();
        let mut start = self.span(pair).start;
        // Split on bytes: a key is ASCII, and `str::split` searches slower.
        for part in text.as_bytes().split(|&b| b == b'.') {
            if RESERVED.iter().any(|w| w.as_bytes() == part) {
                let part = std::str::from_utf8(part).expect("a key is ASCII");
                return Err(Diagnostic::error(
                    "reserved-word",
                    Some(start..start + part.len()),
                    Msg::new(
                        format!("`{part}` 是保留字，不能用作名字"),
                        format!("`{part}` is a reserved word and cannot be a name"),
                    ),
                )
                .with_help(Msg::new(
                    format!(
                        "换一个名字（如 `{part}_`）；保留字有：{}",
                        RESERVED.join(" ")
                    ),
                    format!(
                        "choose another name (like `{part}_`); the reserved words are: {}",
                        RESERVED.join(" ")
                    ),
                )));
            }
            start += part.len() + 1;
        }
        Ok(text)
    }

    fn text(&self, pair: Pair<Rule>) -> Result<Text> {
        let mut inner = pair.into_inner();
        let zh = self.string(inner.next().expect("text has a string"))?;
        let en = inner.nth(1).map(|p| self.string(p)).transpose()?;
        Ok(Text { zh, en })
    }

    fn list(&self, pair: Pair<Rule>) -> Result<Vec<Lit>> {
        pair.into_inner().map(|p| self.lit(p)).collect()
    }

    pub fn string(&self, pair: Pair<Rule>) -> Result<Str> {
        let span = self.span(&pair);
        // Between the quotes (`string` is atomic: its body is no pair).
        let text = pair.as_str();
        let raw = &text[1..text.len() - 1];
        if !raw.contains('\\') {
            return Ok(Str {
                value: raw.to_string(),
                span,
            });
        }
        let mut value = String::with_capacity(raw.len());
        let mut chars = raw.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                value.push(c);
                continue;
            }
            match chars.next() {
                Some((_, '"')) => value.push('"'),
                Some((_, '\\')) => value.push('\\'),
                Some((_, 'n')) => value.push('\n'),
                Some((_, 't')) => value.push('\t'),
                Some((_, '{')) => value.push_str("\\{"),
                Some((_, '}')) => value.push_str("\\}"),
                other => {
                    let at = span.start + 1 + i;
                    let len = 1 + other.map_or(0, |(_, c)| c.len_utf8());
                    return Err(Diagnostic::error(
                        "bad-escape",
                        Some(at..at + len),
                        Msg::new("无法识别的转义符", "unknown escape sequence"),
                    )
                    .with_help(Msg::new(
                        "可用的转义：\\\" \\\\ \\n \\t \\{ \\}；反斜杠本身写作 \\\\",
                        "the escapes are \\\" \\\\ \\n \\t \\{ \\}; a backslash itself is \\\\",
                    )));
                }
            }
        }
        Ok(Str { value, span })
    }

    pub fn lit(&self, pair: Pair<Rule>) -> Result<Lit> {
        let span = self.span(&pair);
        let text = pair.as_str();
        let kind = match pair.as_rule() {
            Rule::string => LitKind::Str(self.string(pair)?.value),
            Rule::boolean => LitKind::Bool(text == "true"),
            Rule::date => LitKind::Date(parse_date(text).map_err(|m| {
                Diagnostic::error("bad-date", Some(span.clone()), m).with_help(Msg::new(
                    "日期写作 YYYY-MM-DD，例如 2024-03-05",
                    "write dates as YYYY-MM-DD, e.g. 2024-03-05",
                ))
            })?),
            Rule::number | Rule::integer => parse_number(text).map_err(|m| {
                let d = Diagnostic::error("bad-number", Some(span.clone()), m);
                if text.contains('.') {
                    d.with_help(Msg::new(
                        "数字最多两位小数（精确到分），例如 399.00",
                        "numbers have at most two decimal places (cents), e.g. 399.00",
                    ))
                } else {
                    d
                }
            })?,
            r => unreachable!("not a literal: {r:?}"),
        };
        Ok(Lit { kind, span })
    }
}

/// A header entry or a field's attribute written twice. Keeping either would
/// silently drop the other (and `fmt` would write one back): the author says
/// which is meant.
fn twice(word: &str, zh_in: &str, en_in: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        "duplicate-statement",
        Some(span),
        Msg::new(
            format!("`{word}` 在{zh_in}中写了两次"),
            format!("`{word}` appears twice in {en_in}"),
        ),
    )
    .with_help(Msg::new(
        format!("{zh_in}只写一个 {word}；删去其中一个"),
        format!("{en_in} has one `{word}`: remove one of them"),
    ))
}

/// Parses `YYYY-MM-DD` (month and day may have one digit) into a real date
/// within `YEARS`.
pub fn parse_date(text: &str) -> std::result::Result<crate::value::Date, Msg> {
    let mut parts = text.splitn(3, '-');
    let mut next = || parts.next().and_then(|p| p.parse::<i64>().ok());
    let (Some(y), Some(m), Some(d)) = (next(), next(), next()) else {
        return Err(Msg::new(
            format!("`{text}` 不是日期"),
            format!("`{text}` is not a date"),
        ));
    };
    if !(i64::from(*YEARS.start())..=i64::from(*YEARS.end())).contains(&y) {
        return Err(Msg::new(
            format!("日期 `{text}` 的年份超出 1900–2200"),
            format!("the year of `{text}` is outside 1900–2200"),
        ));
    }
    let date = (|| {
        crate::value::Date::new(y.try_into().ok()?, m.try_into().ok()?, d.try_into().ok()?).ok()
    })();
    date.ok_or_else(|| {
        Msg::new(
            format!("日期 `{text}` 不存在"),
            format!("`{text}` is not a real date"),
        )
    })
}

/// Parses an integer, or a decimal with at most two places into hundredths.
pub fn parse_number(text: &str) -> std::result::Result<LitKind, Msg> {
    let too_large = || {
        Msg::new(
            format!("数字 `{text}` 太大"),
            format!("the number `{text}` is too large"),
        )
    };
    // Digits that do not fit are too large; anything else (a letter, a
    // comma, a second point) is no number at all.
    let not_number = || {
        Msg::new(
            format!("`{text}` 不是数字"),
            format!("`{text}` is not a number"),
        )
    };
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    // A `+` is never in a rule file (the grammar has none), but a record's
    // `+399.00` (TOML allows it) is a number.
    let unsigned = text
        .strip_prefix('-')
        .or_else(|| text.strip_prefix('+'))
        .unwrap_or(text);
    let well_formed = match unsigned.split_once('.') {
        Some((whole, frac)) => digits(whole) && digits(frac),
        None => digits(unsigned),
    };
    if !well_formed {
        return Err(not_number());
    }
    let Some((whole, frac)) = text.split_once('.') else {
        return text
            .parse::<i64>()
            .map(LitKind::Int)
            .map_err(|_| too_large());
    };
    if frac.len() > 2 {
        return Err(Msg::new(
            format!("`{text}` 的小数超过两位"),
            format!("`{text}` has more than two decimal places"),
        ));
    }
    let negative = whole.starts_with('-');
    let units: i64 = whole
        .trim_start_matches('-')
        .parse()
        .map_err(|_| too_large())?;
    // One or two digits (checked above): tenths count ten hundredths.
    let cents: i64 =
        frac.parse::<i64>().map_err(|_| too_large())? * if frac.len() == 1 { 10 } else { 1 };
    let value = units
        .checked_mul(100)
        .and_then(|v| v.checked_add(cents))
        .ok_or_else(too_large)?;
    Ok(LitKind::Dec(if negative { -value } else { value }))
}
