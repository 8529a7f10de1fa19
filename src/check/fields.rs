//! Field declarations: keys, types, bounds, values, personal categories,
//! who answers.

use super::*;

impl Checker<'_> {
    // ---- fields ----------------------------------------------------------------

    pub(super) fn field(&mut self, f: &syntax::FieldDecl) {
        let key = &f.key.name;
        if let Some(&first) = self.field_index.get(key) {
            let at = self.fields[first].span.start;
            self.error_at(
                "duplicate-field",
                f.key.span.clone(),
                Msg::new(
                    format!("字段 `{key}` 重复声明"),
                    format!("field `{key}` is declared twice"),
                ),
                Some(at),
            );
            return;
        }
        for other in &self.fields {
            let (a, b) = (&other.key, key);
            if is_inside(a, b) || is_inside(b, a) {
                self.error(
                    "field-prefix",
                    f.key.span.clone(),
                    Msg::new(
                        format!("字段 `{b}` 与 `{a}` 冲突：一个键不能既是值又是表"),
                        format!("field `{b}` clashes with `{a}`: a key cannot be both a value and a table"),
                    ),
                );
                return;
            }
        }
        if self.fields.len() >= KeySet::CAPACITY {
            self.error(
                "too-many-fields",
                f.key.span.clone(),
                Msg::new(
                    format!("字段超过 {} 个", KeySet::CAPACITY),
                    format!("more than {} fields", KeySet::CAPACITY),
                ),
            );
            return;
        }
        let values = match &f.values {
            // Refused before anything is done per value, so a list of any
            // length costs no more than reading it.
            Some(values) if values.len() > MAX_VALUES => {
                self.error(
                    "too-many-values",
                    f.ty.span.clone(),
                    Msg::new(
                        format!("取值超过 {MAX_VALUES} 个（这里有 {} 个）", values.len()),
                        format!("more than {MAX_VALUES} values ({} here)", values.len()),
                    ),
                );
                // The field stays undeclared, its uses unreported (`broken`).
                self.broken.insert(key.clone());
                return;
            }
            Some(values) => {
                let mut out: Vec<EnumValue> = Vec::new();
                for v in values {
                    if out.iter().any(|o| o.code == v.code.name) {
                        self.error(
                            "duplicate-value",
                            v.code.span.clone(),
                            Msg::new(
                                format!("取值 `{}` 重复", v.code.name),
                                format!("value `{}` is listed twice", v.code.name),
                            ),
                        );
                    }
                    out.push(EnumValue {
                        code: v.code.name.clone(),
                        label: label(&v.label),
                    });
                }
                Some(out)
            }
            None => None,
        };
        self.broken.insert(key.clone());
        let ty = match (f.ty.name.as_str(), values) {
            ("text", None) => FieldType::Text,
            ("integer", None) => FieldType::Integer,
            ("decimal", None) => FieldType::Decimal,
            ("bool", None) => FieldType::Bool,
            ("date", None) => FieldType::Date,
            ("enum", Some(v)) if !v.is_empty() => FieldType::Enum(v),
            ("list", Some(v)) if !v.is_empty() => FieldType::List(v),
            ("enum" | "list", _) => {
                self.diags.push(
                    Diagnostic::error(
                        "missing-values",
                        Some(f.ty.span.clone()),
                        Msg::new(
                            format!("{} 类型需要列出取值", f.ty.name),
                            format!("`{}` needs its values listed", f.ty.name),
                        ),
                    )
                    .with_help(Msg::new(
                        "写作 enum { 代码 \"标签\" … }",
                        "write `enum { code \"label\" … }`",
                    )),
                );
                return;
            }
            ("text" | "integer" | "decimal" | "bool" | "date", Some(_)) => {
                self.error(
                    "unexpected-values",
                    f.ty.span.clone(),
                    Msg::new(
                        format!("{} 类型不能列出取值", f.ty.name),
                        format!("`{}` does not take a list of values", f.ty.name),
                    ),
                );
                return;
            }
            (other, _) => {
                let types = ["text", "integer", "decimal", "bool", "date", "enum", "list"];
                let help = match did_you_mean(other, types) {
                    Some(t) => {
                        Msg::new(format!("是否想写 `{t}`？"), format!("did you mean `{t}`?"))
                    }
                    None => Msg::new(
                        "类型有 text、integer、decimal、bool、date、enum、list",
                        "the types are text, integer, decimal, bool, date, enum, list",
                    ),
                };
                self.diags.push(
                    Diagnostic::error(
                        "unknown-type",
                        Some(f.ty.span.clone()),
                        Msg::new(
                            format!("未知的字段类型 `{other}`"),
                            format!("unknown field type `{other}`"),
                        ),
                    )
                    .with_help(help),
                );
                return;
            }
        };
        let mut bound = |lit: &Option<syntax::Lit>| -> Option<i64> {
            let lit = lit.as_ref()?;
            match (&ty, &lit.kind) {
                (FieldType::Integer, LitKind::Int(i)) => Some(*i),
                (FieldType::Decimal, LitKind::Int(i)) => i.checked_mul(100),
                (FieldType::Decimal, LitKind::Dec(d)) => Some(*d),
                _ => {
                    self.error(
                        "bad-bound",
                        lit.span.clone(),
                        Msg::new(
                            "min、max 只用于 integer、decimal 字段，且须是数字",
                            "`min` and `max` take a number, and only on integer or decimal fields",
                        ),
                    );
                    None
                }
            }
        };
        let min = bound(&f.min);
        let max = bound(&f.max);
        let personal = match &f.personal {
            None => None,
            Some(p) => match Mask::from_word(&p.name) {
                Some(mask) => Some(mask),
                None => {
                    let other = p.name.as_str();
                    self.diags.push(
                        Diagnostic::error(
                            "unknown-mask",
                            Some(p.span.clone()),
                            Msg::new(
                                format!("未知的个人信息类别 `{other}`"),
                                format!("unknown kind of personal data `{other}`"),
                            ),
                        )
                        .with_help(Msg::new(
                            "类别有 name（姓名）、phone（电话号码）、address（地址）、id_number（身份证件号码）、email（电子邮箱）",
                            "the categories are name, phone, address, id_number and email",
                        )),
                    );
                    None
                }
            },
        };
        self.broken.remove(key);
        self.field_index.insert(key.clone(), self.fields.len());
        self.fields.push(Field {
            key: key.clone(),
            label: label(&f.label),
            ty,
            min,
            max,
            personal,
            form: f.form.is_some(),
            office: f.office.is_some(),
            span: f.span.clone(),
            key_span: f.key.span.clone(),
        });
    }
}
