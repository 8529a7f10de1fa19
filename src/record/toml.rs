//! TOML complaint records (SPEC §1). Every key and value keeps its span, so
//! each problem is reported at its line and column.

use ::toml::Spanned;
use ::toml::de::{DeTable, DeValue};

use super::{Raw, Record, RecordError, convert, convert_item, decode};
use crate::diag::{Diagnostic, Msg, Source, did_you_mean};
use crate::model::{FieldType, RuleSet};
use crate::value::{Date, Value};

/// The largest record file shouli reads (1 MiB).
pub const MAX_RECORD: usize = 1 << 20;

/// Loads a TOML record into `rec` (cleared first). On success returns the
/// source and its warnings (keys the rules do not declare); on failure every
/// error found.
pub fn load(
    bytes: &[u8],
    name: &str,
    rules: &RuleSet,
    rec: &mut Record,
) -> Result<(Source, Vec<Diagnostic>), RecordError> {
    rec.clear();
    if bytes.len() > MAX_RECORD {
        return Err(RecordError {
            source: Source::new(name, ""),
            diagnostics: vec![Diagnostic::error(
                "record-too-large",
                None,
                Msg::new(
                    format!(
                        "记录文件过大（{} 字节，上限 {MAX_RECORD} 字节）",
                        bytes.len()
                    ),
                    format!(
                        "record file too large ({} bytes, the limit is {MAX_RECORD})",
                        bytes.len()
                    ),
                ),
            )],
        });
    }
    let text = match decode(bytes) {
        Ok(text) => text,
        Err((diag, lossy)) => {
            return Err(RecordError {
                source: Source::new(name, lossy),
                diagnostics: vec![diag],
            });
        }
    };
    let source = Source::new(name, text);
    let table = match DeTable::parse(text) {
        Ok(t) => t,
        Err(e) => {
            let diag = syntax_error(&e, text);
            return Err(RecordError {
                source,
                diagnostics: vec![diag],
            });
        }
    };
    let mut loader = Loader {
        rules,
        rec,
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    loader.table(table.get_ref(), "");
    if loader.errors.is_empty() {
        Ok((source, loader.warnings))
    } else {
        let mut diagnostics = loader.errors;
        diagnostics.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start));
        Err(RecordError {
            source,
            diagnostics,
        })
    }
}

fn syntax_error(e: &::toml::de::Error, text: &str) -> Diagnostic {
    let message = e.message().trim().to_string();
    let span = e.span();
    let line = span.as_ref().map(|s| {
        let start = text[..s.start.min(text.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        &text[start..end]
    });
    let diag = Diagnostic::error(
        "not-toml",
        span,
        Msg::new(
            format!("不是有效的 TOML：{message}"),
            format!("not valid TOML: {message}"),
        ),
    );
    let line = line.unwrap_or("");
    if line.chars().any(|c| ('０'..='９').contains(&c)) {
        diag.with_help(Msg::new(
            "这一行有全角数字（如 １２），请改用半角数字 12",
            "this line has full-width digits (like １２): type ASCII digits (12) instead",
        ))
    } else if line.contains(['“', '”', '＝', '：', '，']) {
        diag.with_help(Msg::new(
            "这一行有中文标点（“ ” ＝ ： ，），请切换到英文输入",
            "this line has Chinese punctuation (“ ” ＝ ： ，): switch the keyboard to English",
        ))
    } else if line.contains('年') || line.contains('/') {
        diag.with_help(Msg::new(
            "日期写作 2024-03-05（不加引号）",
            "write dates as 2024-03-05 (no quotes)",
        ))
    } else {
        diag
    }
}

struct Loader<'a> {
    rules: &'a RuleSet,
    rec: &'a mut Record,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

impl Loader<'_> {
    fn table(&mut self, table: &DeTable, prefix: &str) {
        for (k, v) in table.iter() {
            let key = format!("{prefix}{}", k.get_ref());
            match self.rules.field(&key) {
                Some(f) => self.value(f, &key, v),
                None => {
                    let dotted = format!("{key}.");
                    match v.get_ref() {
                        DeValue::Table(t)
                            if self.rules.fields.iter().any(|f| f.key.starts_with(&dotted)) =>
                        {
                            self.table(t, &dotted)
                        }
                        _ => self.unknown_key(&key, k.span()),
                    }
                }
            }
        }
    }

    fn unknown_key(&mut self, key: &str, span: std::ops::Range<usize>) {
        let mut diag = Diagnostic::warning(
            "unknown-key",
            Some(span),
            Msg::new(
                format!("规则未声明键 `{key}`，已忽略"),
                format!("the rules do not declare `{key}`; it is ignored"),
            ),
        );
        if let Some(close) = did_you_mean(key, self.rules.fields.iter().map(|f| f.key.as_str())) {
            diag = diag.with_help(Msg::new(
                format!("是否想写 `{close}`？"),
                format!("did you mean `{close}`?"),
            ));
        }
        self.warnings.push(diag);
    }

    fn error(&mut self, key: &str, span: std::ops::Range<usize>, e: super::ValueError) {
        let field = &self.rules.fields[self.rules.field(key).expect("known field")];
        let mut diag = Diagnostic::error(
            "bad-value",
            Some(span),
            Msg::new(
                format!("`{key}`（{}）：{}", field.label.zh, e.message.zh),
                format!(
                    "`{key}` ({}): {}",
                    field.label.get(crate::diag::Lang::En),
                    e.message.en
                ),
            ),
        );
        diag.help = e.help;
        self.errors.push(diag);
    }

    fn value(&mut self, slot: usize, key: &str, v: &Spanned<DeValue>) {
        let field = &self.rules.fields[slot];
        let span = v.span();
        let raw = match v.get_ref() {
            DeValue::String(s) => Raw::Str(s),
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) => Raw::Int(n),
                Err(_) => {
                    return self.error(
                        key,
                        span,
                        super::ValueError {
                            message: Msg::new("整数太大", "integer too large"),
                            help: None,
                        },
                    );
                }
            },
            DeValue::Float(f) => {
                Raw::Float(f.as_str().parse().unwrap_or(f64::NAN), Some(f.as_str()))
            }
            DeValue::Boolean(b) => Raw::Bool(*b),
            DeValue::Datetime(dt) => match (dt.date, dt.time) {
                (Some(d), None) => match Date::new(d.year as i16, d.month as i8, d.day as i8) {
                    Ok(date) => Raw::Date(date),
                    Err(_) => {
                        let shown = format!("{:04}-{:02}-{:02}", d.year, d.month, d.day);
                        return self.error(
                            key,
                            span,
                            super::ValueError {
                                message: Msg::new(
                                    format!("日期 {shown} 不存在"),
                                    format!("{shown} is not a real date"),
                                ),
                                help: None,
                            },
                        );
                    }
                },
                _ => {
                    return self.error(
                        key,
                        span,
                        super::ValueError {
                            message: Msg::new(
                                format!("应为不带时间的日期，实际是 {dt}"),
                                format!("expected a date without a time, found {dt}"),
                            ),
                            help: Some(Msg::new("写作 2024-03-05", "write it as 2024-03-05")),
                        },
                    );
                }
            },
            DeValue::Array(items) => {
                if let FieldType::List(_) = field.ty {
                    let mut set = 0u64;
                    for item in items.iter() {
                        let raw = match item.get_ref() {
                            DeValue::String(s) => Raw::Str(s),
                            DeValue::Integer(i) => Raw::Int(i.as_str().parse().unwrap_or(0)),
                            DeValue::Boolean(b) => Raw::Bool(*b),
                            _ => Raw::Float(f64::NAN, Some("…")),
                        };
                        match convert_item(field, raw) {
                            Ok(code) => set |= 1 << code,
                            Err(e) => self.error(key, item.span(), e),
                        }
                    }
                    // An empty list, like an empty string, says nothing.
                    let value = if items.is_empty() {
                        Value::Absent
                    } else {
                        Value::Set(set)
                    };
                    self.rec.set(slot, value);
                    return;
                }
                let want = super::describe_type(&field.ty);
                return self.error(
                    key,
                    span,
                    super::ValueError {
                        message: Msg::new(
                            format!("应为{}，实际是列表", want.zh),
                            format!("expected {}, found a list", want.en),
                        ),
                        help: None,
                    },
                );
            }
            DeValue::Table(_) => {
                let want = super::describe_type(&field.ty);
                return self.error(
                    key,
                    span,
                    super::ValueError {
                        message: Msg::new(
                            format!("应为{}，实际是表", want.zh),
                            format!("expected {}, found a table", want.en),
                        ),
                        help: None,
                    },
                );
            }
        };
        match convert(field, raw, self.rec) {
            Ok(value) => self.rec.set(slot, value),
            Err(e) => self.error(key, span, e),
        }
    }
}
