//! Definitions (ordered, cycles refused) and expressions: keys resolved,
//! types checked, enum literals resolved to value indices.

use super::*;

impl Checker<'_> {
    // ---- definitions -----------------------------------------------------------

    pub(super) fn resolve_define(&mut self, id: DefId, all: &[&syntax::Define]) -> Option<Ty> {
        match self.define_state[id] {
            DefState::Done(ty) => return Some(ty),
            DefState::Failed => return None,
            DefState::Busy => return None,
            DefState::Todo => {}
        }
        let ast = all
            .iter()
            .find(|d| self.define_index.get(&d.name.name) == Some(&id))
            .expect("define id comes from the list");
        self.define_state[id] = DefState::Busy;
        let expr = self.expr(&ast.expr, all);
        match expr {
            Some(expr) => {
                self.define_state[id] = DefState::Done(expr.ty);
                let ty = expr.ty;
                self.defines[id] = Some(Define {
                    name: ast.name.name.clone(),
                    label: ast.label.as_ref().map(label),
                    expr,
                    span: ast.span.clone(),
                    name_span: ast.name.span.clone(),
                });
                self.define_order.push(id);
                Some(ty)
            }
            None => {
                self.define_state[id] = DefState::Failed;
                None
            }
        }
    }

    // ---- expressions -------------------------------------------------------------

    pub(super) fn type_error(&mut self, e: &Expr, want_zh: &str, want_en: &str) {
        let (zh, en) = ty_name(e.ty, &self.fields);
        self.error(
            "type-mismatch",
            e.span.clone(),
            Msg::new(
                format!("这里应为{want_zh}，实际是{}{zh}", gap(&zh)),
                format!("expected {want_en} here, found {en}"),
            ),
        );
    }

    pub(super) fn condition(&mut self, e: &syntax::Expr, all: &[&syntax::Define]) -> Option<Expr> {
        let expr = self.expr(e, all)?;
        if expr.ty == Ty::Bool {
            return Some(expr);
        }
        self.type_error(&expr, "条件（是/否）", "a condition (true or false)");
        let key = match &e.kind {
            syntax::ExprKind::Key(k) => Some(k.as_str()),
            _ => None,
        };
        let help = match (expr.ty, key) {
            (Ty::Enum(f), Some(k)) => {
                let values = self.fields[f].ty.values();
                let first = values.first().map_or("…", |v| v.code.as_str());
                Msg::new(
                    format!("写成比较，例如 {k} == \"{first}\"，或 {k} in [\"{first}\", …]"),
                    format!(
                        "write a comparison, e.g. `{k} == \"{first}\"` or `{k} in [\"{first}\", …]`"
                    ),
                )
            }
            (Ty::Date, Some(k)) => Msg::new(
                format!("写成比较，例如 {k} > 2024-01-01；要判断是否已填写，写 present [{k}]"),
                format!(
                    "write a comparison, e.g. `{k} > 2024-01-01`; to test that it is filled in, `present [{k}]`"
                ),
            ),
            (_, Some(k)) => Msg::new(
                format!("写成比较，例如 {k} == …；要判断是否已填写，写 present [{k}]"),
                format!(
                    "write a comparison, e.g. `{k} == …`; to test that it is filled in, `present [{k}]`"
                ),
            ),
            _ => Msg::new(
                "条件要写成比较或判断，例如 x == \"值\"、x in [\"a\", \"b\"]、present [x]",
                "a condition is a comparison or test, e.g. `x == \"value\"`, `x in [\"a\", \"b\"]`, `present [x]`",
            ),
        };
        if let Some(last) = self.diags.last_mut() {
            last.help = Some(help);
        }
        None
    }

    pub(super) fn expr(&mut self, e: &syntax::Expr, all: &[&syntax::Define]) -> Option<Expr> {
        use syntax::ExprKind as K;
        let span = e.span.clone();
        let mk = |kind, ty| {
            Some(Expr {
                kind,
                ty,
                span: span.clone(),
            })
        };
        match &e.kind {
            K::Lit(l) => {
                let (c, ty) = match &l.kind {
                    LitKind::Str(s) => (Const::Text(s.clone()), Ty::Text),
                    LitKind::Int(i) => (Const::Int(*i), Ty::Int),
                    LitKind::Dec(d) => (Const::Dec(*d), Ty::Dec),
                    LitKind::Bool(b) => (Const::Bool(*b), Ty::Bool),
                    LitKind::Date(d) => (Const::Date(*d), Ty::Date),
                };
                mk(ExprKind::Const(c), ty)
            }
            K::Key(key) => {
                if let Some(&f) = self.field_index.get(key) {
                    let ty = match &self.fields[f].ty {
                        FieldType::Text => Ty::Text,
                        FieldType::Integer => Ty::Int,
                        FieldType::Decimal => Ty::Dec,
                        FieldType::Bool => Ty::Bool,
                        FieldType::Date => Ty::Date,
                        FieldType::Enum(_) => Ty::Enum(f),
                        FieldType::List(_) => Ty::List(f),
                    };
                    return mk(ExprKind::Field(f), ty);
                }
                if let Some(&d) = self.define_index.get(key) {
                    if self.define_state[d] == DefState::Busy {
                        self.diags.push(
                            Diagnostic::error(
                                "define-cycle",
                                Some(span.clone()),
                                Msg::new(
                                    format!("定义 `{key}` 直接或间接引用了自己"),
                                    format!("definition `{key}` refers to itself"),
                                ),
                            )
                            .with_help(Msg::new(
                                "定义只能由字段和在它之前可以算出的定义组成，不能绕回自己",
                                "a definition is made of fields and other definitions, and cannot lead back to itself",
                            )),
                        );
                        return None;
                    }
                    let ty = if all.is_empty() {
                        match self.define_state[d] {
                            DefState::Done(ty) => Some(ty),
                            _ => None,
                        }
                    } else {
                        self.resolve_define(d, all)
                    };
                    return mk(ExprKind::Define(d), ty?);
                }
                self.undeclared(key, span.clone());
                None
            }
            K::Present(keys) => {
                let mut ids = Vec::new();
                for k in keys {
                    match self.field_index.get(&k.name) {
                        Some(&f) => ids.push(f),
                        None => self.undeclared(&k.name, k.span.clone()),
                    }
                }
                (ids.len() == keys.len()).then_some(())?;
                mk(ExprKind::Present(ids), Ty::Bool)
            }
            K::Paren(inner) => {
                let mut x = self.expr(inner, all)?;
                x.span = span;
                Some(x)
            }
            K::Not(inner) => {
                let x = self.condition(inner, all)?;
                mk(ExprKind::Not(Box::new(x)), Ty::Bool)
            }
            K::And(xs) | K::Or(xs) => {
                let parts: Vec<Option<Expr>> = xs.iter().map(|x| self.condition(x, all)).collect();
                let parts: Vec<Expr> = parts.into_iter().collect::<Option<_>>()?;
                let kind = if matches!(e.kind, K::And(_)) {
                    ExprKind::And(parts)
                } else {
                    ExprKind::Or(parts)
                };
                mk(kind, Ty::Bool)
            }
            K::Cmp(a, op, b) => {
                let a = self.expr(a, all);
                let b = self.expr(b, all);
                let (mut a, mut b) = (a?, b?);
                self.coerce_enum(&mut a, &b)?;
                self.coerce_enum(&mut b, &a)?;
                let ordered = matches!(op, CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge);
                let ok = match (a.ty, b.ty) {
                    (Ty::Int | Ty::Dec, Ty::Int | Ty::Dec) | (Ty::Date, Ty::Date) => true,
                    (Ty::Text, Ty::Text) | (Ty::Bool, Ty::Bool) => !ordered,
                    (Ty::Enum(x), Ty::Enum(y)) => {
                        !ordered && self.fields[x].ty == self.fields[y].ty
                    }
                    _ => false,
                };
                if !ok {
                    let (za, ea) = ty_name(a.ty, &self.fields);
                    let (zb, eb) = ty_name(b.ty, &self.fields);
                    let sym = op.symbol();
                    let msg = if ordered && a.ty == b.ty {
                        Msg::new(
                            format!("{za}不能用 `{sym}` 比较大小"),
                            format!("{ea} cannot be ordered with `{sym}`"),
                        )
                    } else {
                        Msg::new(
                            format!("不能用 `{sym}` 比较{}{za}和{}{zb}", gap(&za), gap(&zb)),
                            format!("cannot compare {ea} with {eb} using `{sym}`"),
                        )
                    };
                    let text_date = |x: &Expr| match &x.kind {
                        ExprKind::Const(Const::Text(t)) => {
                            crate::syntax::build_parse_date(t).is_ok()
                        }
                        _ => false,
                    };
                    let help = match (a.ty, b.ty) {
                        (Ty::Date, Ty::Text) | (Ty::Text, Ty::Date)
                            if text_date(&a) || text_date(&b) =>
                        {
                            Some(Msg::new(
                                "日期不加引号，直接写作 2024-01-01",
                                "dates are written without quotes, e.g. 2024-01-01",
                            ))
                        }
                        (Ty::Date, Ty::Int | Ty::Dec) | (Ty::Int | Ty::Dec, Ty::Date) => {
                            Some(Msg::new(
                                "日期只能和日期比较；要加减天数、月数，写作 purchase.date + 3 days",
                                "a date compares only with a date; to add days or months, write `purchase.date + 3 days`",
                            ))
                        }
                        (Ty::Enum(_), Ty::Enum(_)) if ordered => Some(Msg::new(
                            "取值只能用 == 或 != 比较；要列出几个取值，写作 x in [\"a\", \"b\"]",
                            "values compare only with `==` or `!=`; to list several, write `x in [\"a\", \"b\"]`",
                        )),
                        (Ty::Bool, _) | (_, Ty::Bool) => Some(Msg::new(
                            "是/否字段与 true 或 false 比较，例如 claim.lawful == false",
                            "compare a yes/no field with `true` or `false`, e.g. `claim.lawful == false`",
                        )),
                        _ => None,
                    };
                    let mut d = Diagnostic::error("type-mismatch", Some(span.clone()), msg);
                    d.help = help;
                    self.diags.push(d);
                    return None;
                }
                mk(ExprKind::Cmp(Box::new(a), *op, Box::new(b)), Ty::Bool)
            }
            K::In {
                value,
                list,
                negated,
            } => {
                let value = self.expr(value, all)?;
                match value.ty {
                    Ty::Enum(f) => {
                        let set = self.enum_set(f, list)?;
                        mk(
                            ExprKind::InSet {
                                value: Box::new(value),
                                set,
                                negated: *negated,
                            },
                            Ty::Bool,
                        )
                    }
                    Ty::List(_) | Ty::Bool => {
                        self.type_error(&value, "单个值", "a single value");
                        None
                    }
                    ty => {
                        let mut items = Vec::new();
                        for l in list {
                            let (c, lty) = match &l.kind {
                                LitKind::Str(s) => (Const::Text(s.clone()), Ty::Text),
                                LitKind::Int(i) => (Const::Int(*i), Ty::Int),
                                LitKind::Dec(d) => (Const::Dec(*d), Ty::Dec),
                                LitKind::Bool(b) => (Const::Bool(*b), Ty::Bool),
                                LitKind::Date(d) => (Const::Date(*d), Ty::Date),
                            };
                            let fits = lty == ty
                                || matches!((lty, ty), (Ty::Int | Ty::Dec, Ty::Int | Ty::Dec));
                            if !fits {
                                let (zh, en) = ty_name(ty, &self.fields);
                                self.error(
                                    "type-mismatch",
                                    l.span.clone(),
                                    Msg::new(
                                        format!("列表中应为{}{zh}", gap(&zh)),
                                        format!("expected {en} in the list"),
                                    ),
                                );
                                return None;
                            }
                            items.push(c);
                        }
                        mk(
                            ExprKind::InList {
                                value: Box::new(value),
                                items,
                                negated: *negated,
                            },
                            Ty::Bool,
                        )
                    }
                }
            }
            K::ContainsAny(list, lits) => {
                let list = self.expr(list, all)?;
                let Ty::List(f) = list.ty else {
                    self.type_error(&list, "列表字段", "a list field");
                    return None;
                };
                let set = self.enum_set(f, lits)?;
                mk(ExprKind::ContainsAny(Box::new(list), set), Ty::Bool)
            }
            K::Contains(list, item) => {
                let list = self.expr(list, all)?;
                let Ty::List(f) = list.ty else {
                    self.type_error(&list, "列表字段", "a list field");
                    return None;
                };
                let item = match &item.kind {
                    K::Lit(syntax::Lit {
                        kind: LitKind::Str(s),
                        span: ls,
                    }) => {
                        let code = self.enum_code(f, s, ls.clone())?;
                        Expr {
                            kind: ExprKind::Const(Const::Enum(code)),
                            ty: Ty::Enum(f),
                            span: ls.clone(),
                        }
                    }
                    _ => {
                        let x = self.expr(item, all)?;
                        let fits = matches!(x.ty, Ty::Enum(g) if self.fields[g].ty.values() == self.fields[f].ty.values());
                        if !fits {
                            self.type_error(&x, "该列表的取值", "one of the list's values");
                            return None;
                        }
                        x
                    }
                };
                mk(ExprKind::Contains(Box::new(list), Box::new(item)), Ty::Bool)
            }
            K::Shift {
                date,
                negative,
                amount,
                unit,
            } => {
                let date = self.expr(date, all);
                let amount = self.expr(amount, all);
                let (date, amount) = (date?, amount?);
                if date.ty != Ty::Date {
                    self.type_error(&date, "日期", "a date");
                    return None;
                }
                if amount.ty != Ty::Int {
                    self.type_error(&amount, "整数", "a whole number");
                    return None;
                }
                if let ExprKind::Const(Const::Int(n)) = amount.kind
                    && n > 100_000
                {
                    self.error(
                        "amount-too-large",
                        amount.span.clone(),
                        Msg::new(
                            "日期加减的数量不能超过 100000",
                            "a date shift cannot exceed 100000 units",
                        ),
                    );
                    return None;
                }
                mk(
                    ExprKind::Shift {
                        date: Box::new(date),
                        negative: *negative,
                        amount: Box::new(amount),
                        unit: *unit,
                    },
                    Ty::Date,
                )
            }
            K::Else(a, b) => {
                let a = self.expr(a, all);
                let b = self.expr(b, all);
                let (mut a, mut b) = (a?, b?);
                self.coerce_enum(&mut a, &b)?;
                self.coerce_enum(&mut b, &a)?;
                if a.ty != b.ty {
                    let (za, ea) = ty_name(a.ty, &self.fields);
                    let (zb, eb) = ty_name(b.ty, &self.fields);
                    self.error(
                        "type-mismatch",
                        span.clone(),
                        Msg::new(
                            format!("else 两边类型不同：{za}和{}{zb}", gap(&zb)),
                            format!("the two sides of `else` differ: {ea} and {eb}"),
                        ),
                    );
                    return None;
                }
                let ty = a.ty;
                mk(ExprKind::Else(Box::new(a), Box::new(b)), ty)
            }
        }
    }

    /// A text literal compared with an enum becomes that enum's value.
    pub(super) fn coerce_enum(&mut self, x: &mut Expr, other: &Expr) -> Option<()> {
        if let (ExprKind::Const(Const::Text(s)), Ty::Enum(f)) = (&x.kind, other.ty) {
            let code = self.enum_code(f, s, x.span.clone())?;
            x.kind = ExprKind::Const(Const::Enum(code));
            x.ty = Ty::Enum(f);
        }
        Some(())
    }

    pub(super) fn enum_code(&mut self, f: FieldId, s: &str, span: Span) -> Option<u16> {
        let field = &self.fields[f];
        if let Some(i) = field.ty.values().iter().position(|v| v.code == s) {
            return Some(i as u16);
        }
        let allowed = field
            .ty
            .values()
            .iter()
            .map(|v| format!("\"{}\"（{}）", v.code, v.label.zh))
            .collect::<Vec<_>>()
            .join("、");
        let allowed_en = field
            .ty
            .values()
            .iter()
            .map(|v| format!("\"{}\" ({})", v.code, v.label.get(crate::diag::Lang::En)))
            .collect::<Vec<_>>()
            .join(", ");
        let close = did_you_mean(s, field.ty.values().iter().map(|v| v.code.as_str()))
            .map(|c| format!("\"{c}\""));
        let key = field.key.clone();
        let (hz, he) = match close {
            Some(c) => (
                format!("是否想写 {c}？可选：{allowed}"),
                format!("did you mean {c}? allowed: {allowed_en}"),
            ),
            None => (format!("可选：{allowed}"), format!("allowed: {allowed_en}")),
        };
        self.diags.push(
            Diagnostic::error(
                "unknown-value",
                Some(span),
                Msg::new(
                    format!("\"{s}\" 不是 `{key}` 的可选取值"),
                    format!("\"{s}\" is not a value of `{key}`"),
                ),
            )
            .with_help(Msg::new(hz, he)),
        );
        None
    }

    pub(super) fn enum_set(&mut self, f: FieldId, list: &[syntax::Lit]) -> Option<u64> {
        let mut set = 0u64;
        let mut ok = true;
        for l in list {
            match &l.kind {
                LitKind::Str(s) => match self.enum_code(f, s, l.span.clone()) {
                    Some(code) => set |= 1 << code,
                    None => ok = false,
                },
                _ => {
                    ok = false;
                    self.error(
                        "type-mismatch",
                        l.span.clone(),
                        Msg::new("这里应为带引号的取值", "expected a quoted value here"),
                    );
                }
            }
        }
        ok.then_some(set)
    }

    /// A key that must name a declared date field (`reference`, `recorded`).
    pub(super) fn date_key(&mut self, key: &syntax::Name, word: &str) -> Option<FieldId> {
        let Some(&id) = self.field_index.get(&key.name) else {
            self.undeclared(&key.name, key.span.clone());
            return None;
        };
        if self.fields[id].ty != FieldType::Date {
            self.error(
                "not-a-date-field",
                key.span.clone(),
                Msg::new(
                    format!("{word} 要写一个日期字段，`{}` 不是日期", key.name),
                    format!("`{word}` takes a date field; `{}` is not a date", key.name),
                ),
            );
            return None;
        }
        Some(id)
    }

    pub(super) fn undeclared(&mut self, key: &str, span: Span) {
        if self.broken.contains(key) {
            return; // its declaration was reported already
        }
        let mut names: Vec<&str> = self.field_index.keys().map(String::as_str).collect();
        names.extend(self.define_index.keys().map(String::as_str));
        names.sort_unstable();
        let mut d = Diagnostic::error(
            "undeclared-key",
            Some(span),
            Msg::new(
                format!("`{key}` 不是已声明的字段或定义"),
                format!("`{key}` is not a declared field or definition"),
            ),
        );
        d = d.with_help(match did_you_mean(key, names) {
            Some(close) => Msg::new(
                format!("是否想写 `{close}`？"),
                format!("did you mean `{close}`?"),
            ),
            None => Msg::new(
                format!("先用 field {key} \"标签\" 类型 声明它"),
                format!("declare it first: `field {key} \"label\" type`"),
            ),
        });
        self.diags.push(d);
    }
}
