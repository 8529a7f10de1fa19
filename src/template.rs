//! A blank complaint record generated from the rule file's declarations:
//! what a clerk fills in. Every value is `""` (absent) or `[]`, so the blank
//! form itself loads and checks as 待补正.

use std::fmt::Write as _;

use unicode_width::UnicodeWidthStr;

use crate::diag::Lang;
use crate::model::{FieldType, RuleSet};

pub fn render(rules: &RuleSet, lang: Lang) -> String {
    let mut out = String::new();
    match lang {
        Lang::Zh => {
            let _ = writeln!(out, "# {} — 投诉处理单（空白）", rules.title);
            let _ = writeln!(
                out,
                "# 留空（\"\"）表示尚不知道。日期写作 2024-03-05（不加引号），数字不加引号，"
            );
            let _ = writeln!(
                out,
                "# 是/否写作 true/false，列表写作 [\"invoice\", \"photo\"]。"
            );
        }
        Lang::En => {
            let _ = writeln!(out, "# {} — blank complaint form", rules.title);
            let _ = writeln!(
                out,
                "# Leave \"\" where a fact is not known. Dates as 2024-03-05 (no quotes), numbers"
            );
            let _ = writeln!(
                out,
                "# without quotes, yes/no as true/false, lists as [\"invoice\", \"photo\"]."
            );
        }
    }
    let mut tables: Vec<&str> = Vec::new();
    for f in &rules.fields {
        if let Some((table, _)) = f.key.rsplit_once('.')
            && !tables.contains(&table)
        {
            tables.push(table);
        }
    }
    let section = |table: Option<&str>, out: &mut String| {
        for f in &rules.fields {
            let (t, name) = match f.key.rsplit_once('.') {
                Some((t, n)) => (Some(t), n),
                None => (None, f.key.as_str()),
            };
            if t != table {
                continue;
            }
            let value = if matches!(f.ty, FieldType::List(_)) {
                "[]"
            } else {
                "\"\""
            };
            let line = format!("{name} = {value}");
            let pad = 34usize.saturating_sub(line.width()).max(1);
            let _ = writeln!(out, "{line}{}# {}", " ".repeat(pad), describe(f, lang));
        }
    };
    out.push('\n');
    section(None, &mut out);
    for table in tables {
        let _ = writeln!(out, "\n[{table}]");
        section(Some(table), &mut out);
    }
    out
}

fn describe(f: &crate::model::Field, lang: Lang) -> String {
    let label = f.label.get(lang);
    let values = |sep: &str| {
        f.ty.values()
            .iter()
            .map(|v| {
                // An English label is often the code itself (`consumer`):
                // said once, not twice.
                let label = v.label.get(lang);
                let same = label.eq_ignore_ascii_case(&v.code)
                    || label.replace([' ', '-'], "_").eq_ignore_ascii_case(&v.code);
                if same {
                    v.code.to_string()
                } else if lang == Lang::En {
                    // `quality: product quality`, not `quality product quality`.
                    format!("{}: {label}", v.code)
                } else {
                    format!("{} {label}", v.code)
                }
            })
            .collect::<Vec<_>>()
            .join(sep)
    };
    let (zh, en) = match &f.ty {
        FieldType::Text => ("文字".to_string(), "text".to_string()),
        FieldType::Integer => ("整数".to_string(), "whole number".to_string()),
        FieldType::Decimal => (
            "数字，最多两位小数".to_string(),
            "number, two decimals at most".to_string(),
        ),
        FieldType::Bool => ("true 或 false".to_string(), "true or false".to_string()),
        FieldType::Date => (
            "日期，如 2024-03-05".to_string(),
            "date, e.g. 2024-03-05".to_string(),
        ),
        FieldType::Enum(_) => (values(" | "), values(" | ")),
        FieldType::List(_) => (
            format!("可多选：{}", values(" | ")),
            format!("any of: {}", values(" | ")),
        ),
    };
    match lang {
        Lang::Zh => format!("{label}（{zh}）"),
        Lang::En => format!("{label} ({en})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_english_label_equal_to_its_code_is_said_once() {
        let program = crate::load_rules(crate::BUILTIN_NAME, crate::BUILTIN_RULES.as_bytes())
            .expect("built-in rules load");
        let en = render(&program.rules, Lang::En);
        assert!(en.contains("(consumer | business)"), "{en}");
        for line in en.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            assert!(
                !words
                    .windows(2)
                    .any(|w| w[0] == w[1] && w[0].chars().all(char::is_alphanumeric)),
                "a word twice: {line}"
            );
        }
        let zh = render(&program.rules, Lang::Zh);
        assert!(zh.contains("consumer 消费者"), "{zh}");
    }
}
