//! Example blocks: records built from `from`, assignments and `without`,
//! and their expectations.

use super::*;

impl Checker<'_> {
    // ---- examples ------------------------------------------------------------------

    pub(super) fn example(
        &mut self,
        e: &syntax::Example,
        earlier: &[Example],
        clauses: &[Clause],
        scope: Option<&Scope>,
    ) -> Option<Example> {
        let mut record = match &e.from {
            Some(from) => match earlier.iter().find(|x| x.name == from.value) {
                Some(base) => base.record.clone(),
                None => {
                    self.error(
                        "unknown-example",
                        from.span.clone(),
                        Msg::new(
                            format!("找不到在此之前的示例 \"{}\"", from.value),
                            format!("no earlier example is called \"{}\"", from.value),
                        ),
                    );
                    return None;
                }
            },
            None => Record::new(self.fields.len()),
        };
        if earlier.iter().any(|x| x.name == e.name.value) {
            self.error(
                "duplicate-example",
                e.name.span.clone(),
                Msg::new(
                    format!("示例名 \"{}\" 重复", e.name.value),
                    format!("example name \"{}\" is used twice", e.name.value),
                ),
            );
        }
        let mut ok = true;
        let mut expect = None;
        for stmt in &e.body {
            match stmt {
                syntax::ExampleStmt::Assign { key, value } => {
                    let Some(&f) = self.field_index.get(&key.name) else {
                        self.undeclared(&key.name, key.span.clone());
                        ok = false;
                        continue;
                    };
                    if let Err(msg) = literal_value(&self.fields[f], value, &mut record, f) {
                        ok = false;
                        let mut d = Diagnostic::error(
                            "bad-value",
                            Some(value.span()),
                            Msg::new(
                                format!("`{}`：{}", key.name, msg.message.zh),
                                format!("`{}`: {}", key.name, msg.message.en),
                            ),
                        );
                        d.help = msg.help;
                        self.diags.push(d);
                    }
                }
                syntax::ExampleStmt::Without(keys) => {
                    for k in keys {
                        match self.field_index.get(&k.name) {
                            Some(&f) => record.set(f, Value::Absent),
                            None => {
                                self.undeclared(&k.name, k.span.clone());
                                ok = false;
                            }
                        }
                    }
                }
                syntax::ExampleStmt::Expect(x) => {
                    if expect.is_some() {
                        self.error(
                            "duplicate-statement",
                            x.span.clone(),
                            Msg::new(
                                "示例中 expect 写了两次",
                                "`expect` appears twice in one example",
                            ),
                        );
                    }
                    expect = self.expectation(x, clauses, scope);
                    if expect.is_none() {
                        ok = false;
                    }
                }
            }
        }
        let Some(expect) = expect else {
            if ok {
                self.diags.push(
                    Diagnostic::error(
                        "missing-expect",
                        Some(e.name.span.clone()),
                        Msg::new(
                            format!("示例 \"{}\" 没有写预期结论", e.name.value),
                            format!("example \"{}\" has no `expect`", e.name.value),
                        ),
                    )
                    .with_help(Msg::new(
                        "加上 expect accepted by \"1.1\" 之类的一行",
                        "add a line like `expect accepted by \"1.1\"`",
                    )),
                );
            }
            return None;
        };
        ok.then(|| Example {
            name: e.name.value.clone(),
            record,
            expect,
            span: e.span.clone(),
        })
    }

    pub(super) fn expectation(
        &mut self,
        x: &syntax::Expect,
        clauses: &[Clause],
        scope: Option<&Scope>,
    ) -> Option<Expectation> {
        let Some(outcome) = Outcome::from_code(&x.outcome.name) else {
            self.diags.push(
                Diagnostic::error(
                    "unknown-outcome",
                    Some(x.outcome.span.clone()),
                    Msg::new(
                        format!("未知的结论 `{}`", x.outcome.name),
                        format!("unknown outcome `{}`", x.outcome.name),
                    ),
                )
                .with_help(Msg::new(
                    "结论有 accepted（受理）、rejected（不予受理）、incomplete（待补正）",
                    "the outcomes are accepted, rejected and incomplete",
                )),
            );
            return None;
        };
        let known =
            |id: &str| clauses.iter().any(|c| c.id == id) || scope.is_some_and(|s| s.id == id);
        let mut ok = true;
        let mut check_id = |s: &syntax::Str, this: &mut Checker| {
            if !known(&s.value) {
                ok = false;
                this.error(
                    "unknown-clause",
                    s.span.clone(),
                    Msg::new(
                        format!("没有编号为 \"{}\" 的条款", s.value),
                        format!("no clause has the id \"{}\"", s.value),
                    ),
                );
            }
        };
        if let Some(by) = &x.by {
            check_id(by, self);
        }
        for f in x.fired.iter().flatten() {
            check_id(f, self);
        }
        let mut missing = None;
        if let Some(keys) = &x.missing {
            let mut out = Vec::new();
            for k in keys {
                if self.field_index.contains_key(&k.name) {
                    out.push(k.name.clone());
                } else {
                    ok = false;
                    self.undeclared(&k.name, k.span.clone());
                }
            }
            out.sort();
            out.dedup();
            missing = Some(out);
        }
        ok.then(|| Expectation {
            outcome,
            deciding: x.by.as_ref().map(|s| s.value.clone()),
            fired: x
                .fired
                .as_ref()
                .map(|f| f.iter().map(|s| s.value.clone()).collect()),
            missing,
            span: x.span.clone(),
        })
    }
}

/// An example's literal, converted as a record file's value would be.
fn literal_value(
    field: &Field,
    value: &syntax::Literal,
    rec: &mut Record,
    slot: FieldId,
) -> Result<(), crate::record::ValueError> {
    fn raw_of(l: &syntax::Lit) -> Raw<'_> {
        match &l.kind {
            LitKind::Str(s) => Raw::Str(s),
            LitKind::Int(i) => Raw::Int(*i),
            LitKind::Dec(d) => Raw::Float(*d as f64 / 100.0, None),
            LitKind::Bool(b) => Raw::Bool(*b),
            LitKind::Date(d) => Raw::Date(*d),
        }
    }
    let v = match value {
        syntax::Literal::One(l) => match (&l.kind, &field.ty) {
            (LitKind::Dec(d), FieldType::Decimal) => {
                let v = Value::Dec(*d);
                convert(field, Raw::Int(0), rec)?; // bounds of the type are checked below
                v
            }
            _ => convert(field, raw_of(l), rec)?,
        },
        syntax::Literal::List(items, _) => {
            if !matches!(field.ty, FieldType::List(_)) {
                return Err(crate::record::ValueError {
                    message: Msg::new(
                        format!(
                            "应为{}，实际是列表",
                            crate::record::describe_type(&field.ty).zh
                        ),
                        format!(
                            "expected {}, found a list",
                            crate::record::describe_type(&field.ty).en
                        ),
                    ),
                    help: None,
                });
            }
            let mut set = 0u64;
            for l in items {
                set |= 1 << convert_item(field, raw_of(l))?;
            }
            // An empty list is unknown, in an example as in a record (SPEC §1).
            if items.is_empty() {
                Value::Absent
            } else {
                Value::Set(set)
            }
        }
    };
    rec.set(slot, v);
    Ok(())
}
