//! TOML complaint records (SPEC §1). Every key and value keeps its span, so
//! each problem is reported at its line and column.

use ::toml::Spanned;
use ::toml::de::{DeTable, DeValue};

use super::{Raw, Record, RecordError, convert, convert_item, decode};
use crate::diag::{Diagnostic, Msg, Source};
use crate::model::{FieldType, RuleSet};
use crate::value::{Date, Value};

/// The largest record file shouli reads (1 MiB): [`super::MAX_RECORD`].
pub use super::MAX_RECORD;

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
            let diag = syntax_error(&e, text, rules);
            return Err(RecordError {
                source,
                diagnostics: vec![diag],
            });
        }
    };
    let mut loader = Loader {
        rules,
        rec,
        text,
        first: vec![None; rules.fields.len()],
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    loader.table(table.get_ref(), "");
    if loader.errors.is_empty() && super::is_blank(loader.rec, rules) {
        // Nothing to check: an error, shown with the warnings that may
        // say why (every key misspelled).
        let mut diagnostics = vec![super::nothing_filled_in()];
        diagnostics.append(&mut loader.warnings);
        crate::diag::cap(&mut diagnostics, 0);
        return Err(RecordError {
            source,
            diagnostics,
        });
    }
    if loader.errors.is_empty() {
        let mut warnings = loader.warnings;
        crate::diag::cap(&mut warnings, 0);
        Ok((source, warnings))
    } else {
        let mut diagnostics = loader.errors;
        diagnostics.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start));
        crate::diag::cap(&mut diagnostics, 0);
        Err(RecordError {
            source,
            diagnostics,
        })
    }
}

fn syntax_error(e: &::toml::de::Error, text: &str, rules: &RuleSet) -> Diagnostic {
    let message = e.message().trim().to_string();
    let span = e.span();
    let line_start = span.as_ref().map(|s| {
        let at = text.floor_char_boundary(s.start);
        text[..at].rfind('\n').map_or(0, |i| i + 1)
    });
    let line = line_start.map(|start| {
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        &text[start..end]
    });
    // Name the key of the broken line where it can be read, as the other
    // record errors do: `purchase.date`（购买日期）.
    let (key_zh, key_en) = match line_start.and_then(|start| key_on_line(text, start)) {
        Some(key) => match rules.field(&key).map(|f| &rules.fields[f].label) {
            Some(label) => (
                format!("`{key}`（{}）：", label.zh),
                format!("`{key}` ({}): ", label.get(crate::diag::Lang::En)),
            ),
            None => (format!("`{key}`："), format!("`{key}`: ")),
        },
        None => (String::new(), String::new()),
    };
    // TOML's own "duplicate key" names only the second place: find the
    // first (an earlier `key = …`, `key.… = …` or `[key]`).
    let earlier = (message.contains("duplicate key"))
        .then(|| line_start.and_then(|start| key_on_line(text, start)))
        .flatten()
        .and_then(|key| earlier_place(text, line_start.unwrap_or(0), &key));
    let diag = Diagnostic::error(
        "not-toml",
        span,
        Msg::new(
            format!("{key_zh}不是有效的 TOML：{message}"),
            format!("{key_en}not valid TOML: {message}"),
        ),
    );
    // Only the code of the line, outside its strings: a comment's own
    // punctuation (the template's `# 接待日期：…`) or a value's text
    // (`facts = "坏了：屏幕"`) says nothing about the mistake.
    let code = unquoted(code_part(line.unwrap_or("")));
    let line = code.as_str();
    if let Some((line, key)) = earlier {
        diag.with_help(Msg::new(
            format!("`{key}` 在第 {line} 行已经给出；同一个键只能写一次，请只保留一处"),
            format!("`{key}` is already given on line {line}; a key is given once: keep only one"),
        ))
    } else if message.contains("carriage return") {
        diag.with_help(Msg::new(
            "文件里有单独的回车符（旧式 Mac 换行），请用编辑器转换为 LF 或 CRLF 换行后再试",
            "the file has lone carriage returns (old Mac line ends): convert them to LF or CRLF and try again",
        ))
    } else if line.chars().any(|c| ('０'..='９').contains(&c)) {
        diag.with_help(Msg::new(
            "这一行有全角数字（如 １２），请改用半角数字 12",
            "this line has full-width digits (like １２): type ASCII digits (12) instead",
        ))
    } else if line.contains(['“', '”', '＝', '：', '，']) {
        diag.with_help(Msg::new(
            "这一行有中文标点（“ ” ＝ ： ，），请切换到英文输入",
            "this line has Chinese punctuation (“ ” ＝ ： ，): switch the keyboard to English",
        ))
    } else if let Some(help) = message
        .contains("must be quoted")
        .then(|| bare_value_help(text, line_start?, rules))
        .flatten()
    {
        diag.with_help(help)
    } else if let Some((written, plain)) = super::thousands(line) {
        diag.with_help(Msg::new(
            format!("{written} 用了千位分隔符（逗号）；数字不加分隔符，写作 {plain}"),
            format!(
                "{written} has thousands separators (commas): write numbers without them, as {plain}"
            ),
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

/// A hint for a value written bare that TOML would need quoted, by what
/// its key's field holds: digits for a number, quotes for text.
fn bare_value_help(text: &str, line_start: usize, rules: &RuleSet) -> Option<Msg> {
    let key = key_on_line(text, line_start)?;
    let field = &rules.fields[rules.field(&key)?];
    let line = code_part(text[line_start..].lines().next().unwrap_or(""));
    let name = key.rsplit('.').next().unwrap_or(&key);
    Some(match field.ty {
        FieldType::Integer | FieldType::Decimal => Msg::new(
            format!("数字用阿拉伯数字书写、不加引号，例如 {name} = 1"),
            format!("write the number in digits, without quotes, e.g. {name} = 1"),
        ),
        FieldType::Text | FieldType::Enum(_) | FieldType::List(_) => Msg::new(
            format!("文字要加英文双引号，例如 {name} = \"…\""),
            format!("text goes in double quotes, e.g. {name} = \"…\""),
        ),
        FieldType::Bool => Msg::new(
            format!("写作 {name} = true 或 false（也可写加引号的 \"是\"、\"否\"）"),
            format!("write {name} = true or false (or \"是\"/\"否\" in quotes)"),
        ),
        FieldType::Date if !line.contains(['/', '年']) => Msg::new(
            format!("日期写作 {name} = 2024-03-05（不加引号）"),
            format!("write dates as {name} = 2024-03-05 (no quotes)"),
        ),
        FieldType::Date => return None,
    })
}

/// The line (1-based) before `before` where the dotted `key` (or the
/// table it is in) was first given, and that key as found.
fn earlier_place(text: &str, before: usize, key: &str) -> Option<(usize, String)> {
    // Each line looks back for its table: keep that to a record's size.
    if before > 64 << 10 {
        return None;
    }
    let mut start = 0;
    for (n, line) in text[..before].split_inclusive('\n').enumerate() {
        if let Some(found) = key_on_line(text, start) {
            // A header `[purchase]` is the same key only when redefined; a
            // dotted `purchase.channel = …` made `purchase` a table already.
            let header = line.trim_start().starts_with('[');
            let same = found == key || (!header && found.starts_with(&format!("{key}.")));
            if same {
                return Some((n + 1, found));
            }
        }
        start += line.len();
    }
    None
}

/// A line of TOML code with the text inside its strings left out (the
/// quotes kept): what is left is what the parser read as syntax.
fn unquoted(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut quote = None;
    let mut escaped = false;
    for c in code.chars() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                    out.push(c);
                }
            }
            None => {
                if c == '"' || c == '\'' {
                    quote = Some(c);
                }
                out.push(c);
            }
        }
    }
    out
}

/// A TOML line without its comment: the text before the first `#` that is
/// not inside a quoted string.
fn code_part(line: &str) -> &str {
    let mut quote = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' => return &line[..i],
            None => {}
        }
    }
    line
}

/// The dotted key that the line starting at `start` sets or opens
/// (`date = …` under `[purchase]` is `purchase.date`), where the line is
/// plain enough to tell.
fn key_on_line(text: &str, start: usize) -> Option<String> {
    let is_key = |k: &str| {
        !k.is_empty()
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ' '))
    };
    let clean = |k: &str| -> String { k.split('.').map(str::trim).collect::<Vec<_>>().join(".") };
    let header = |line: &str| -> Option<String> {
        let name = line.trim().strip_prefix('[')?;
        let name = name.strip_prefix('[').unwrap_or(name);
        let name = &name[..name.find(']')?];
        is_key(name).then(|| clean(name))
    };
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[start..end];
    if line.trim_start().starts_with('[') {
        return header(line);
    }
    let key = line[..line.find(['=', '＝'])?].trim();
    if !is_key(key) {
        return None;
    }
    let table = text[..start]
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('['))
        .and_then(header);
    Some(match table {
        Some(table) => format!("{table}.{}", clean(key)),
        None => clean(key),
    })
}

struct Loader<'a> {
    rules: &'a RuleSet,
    rec: &'a mut Record,
    text: &'a str,
    /// Where each field's key was first given, to report a second one.
    first: Vec<Option<std::ops::Range<usize>>>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

impl Loader<'_> {
    fn table(&mut self, table: &DeTable, prefix: &str) {
        for (k, v) in table.iter() {
            let key = format!("{prefix}{}", k.get_ref());
            match self.rules.field(&key) {
                Some(f) => {
                    if let Some(first) = self.first[f].clone() {
                        self.duplicate(f, first, k.span());
                    } else {
                        self.first[f] = Some(k.span());
                        self.value(f, &key, v);
                    }
                }
                None => {
                    let dotted = format!("{key}.");
                    match v.get_ref() {
                        DeValue::Table(t)
                            if self.rules.fields.iter().any(|f| f.key.starts_with(&dotted)) =>
                        {
                            self.table(t, &dotted)
                        }
                        other if self.rules.fields.iter().any(|f| f.key.starts_with(&dotted)) => {
                            self.not_a_table(&key, v.span(), other)
                        }
                        _ => self.unknown_key(&key, k.span()),
                    }
                }
            }
        }
    }

    /// `purchase = […]` or `[[purchase]]`: a key that the rules use as a
    /// table (`purchase.date`, …) given something else.
    fn not_a_table(&mut self, key: &str, span: std::ops::Range<usize>, found: &DeValue) {
        let (zh, en) = match found {
            DeValue::Array(_) => ("列表", "a list"),
            _ => ("单个值", "a single value"),
        };
        let inner: Vec<&str> = self
            .rules
            .fields
            .iter()
            .filter_map(|f| f.key.strip_prefix(key)?.strip_prefix('.'))
            .take(3)
            .collect();
        let example = inner.first().copied().unwrap_or("…");
        self.errors.push(
            Diagnostic::error(
                "not-a-table",
                Some(span),
                Msg::new(
                    format!("`{key}` 应为表（含 {} 等键），实际是{zh}", inner.join("、")),
                    format!(
                        "`{key}` should be a table (with keys such as {}), found {en}",
                        inner.join(", ")
                    ),
                ),
            )
            .with_help(Msg::new(
                format!("写作一个表头 [{key}]，下面逐行写 {example} = …"),
                format!("write a header [{key}] and under it one line per key, e.g. {example} = …"),
            )),
        );
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
        // Only the first warnings are shown (`diag::cap`): the rest need no
        // suggestion, and searching for one per key is what would be slow.
        let shown = self.warnings.len() < crate::diag::MAX_DIAGNOSTICS;
        let close = shown.then(|| super::suggest_key(key, self.rules)).flatten();
        if let Some(close) = close {
            diag = diag.with_help(Msg::new(
                format!("是否想写 `{close}`？"),
                format!("did you mean `{close}`?"),
            ));
        }
        self.warnings.push(diag);
    }

    /// A field given twice: by a quoted dotted key and a table
    /// (`"purchase.channel" = …` and `[purchase] channel = …`), which
    /// TOML itself allows. Which one was meant cannot be told.
    fn duplicate(
        &mut self,
        slot: usize,
        first: std::ops::Range<usize>,
        second: std::ops::Range<usize>,
    ) {
        // The later one is the error, pointing back at the earlier one
        // (the table is not read in file order).
        let (first, second) = if first.start <= second.start {
            (first, second)
        } else {
            (second, first)
        };
        let field = &self.rules.fields[slot];
        let line = crate::diag::line_col(self.text, first.start).0;
        self.errors.push(
            Diagnostic::error(
                "duplicate-key",
                Some(second),
                Msg::new(
                    format!(
                        "键 `{}`（{}）出现了两次：第 {line} 行已经给出",
                        field.key, field.label.zh
                    ),
                    format!(
                        "the key `{}` ({}) appears twice: it is already given on line {line}",
                        field.key,
                        field.label.get(crate::diag::Lang::En)
                    ),
                ),
            )
            .with_help(Msg::new(
                format!("只保留一处（第 {line} 行或这一行）"),
                format!("keep only one of them (line {line} or this one)"),
            )),
        );
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
