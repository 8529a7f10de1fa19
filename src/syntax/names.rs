//! Human names for grammar rules, so a grammar error says what was expected
//! in words. The match is exhaustive: a new grammar rule cannot land without
//! a name for its errors.

use pest::error::{ErrorVariant, InputLocation};

use super::Rule;
use crate::diag::{Diagnostic, Msg};

/// (Chinese, English) name of what a rule matches.
pub fn rule_name(rule: Rule) -> (&'static str, &'static str) {
    match rule {
        Rule::EOI => ("文件结尾", "the end of the file"),
        Rule::WHITESPACE => ("空白", "white space"),
        Rule::COMMENT => ("注释", "a comment"),
        Rule::header_at | Rule::header => (
            "文件开头的 rules \"标题\" { … }",
            "the header `rules \"title\" { … }`",
        ),
        Rule::item_at | Rule::item => (
            "field、define、条款（basis、ground、evidence、deadline、scope）或 example",
            "`field`, `define`, a clause (`basis`, `ground`, `evidence`, `deadline`, `scope`) or `example`",
        ),
        Rule::expr_at | Rule::expr | Rule::and_expr | Rule::not_expr | Rule::test => {
            ("条件表达式", "a condition")
        }
        Rule::header_entry => (
            "source、version 或 effective",
            "`source`, `version` or `effective`",
        ),
        Rule::version_stmt => ("version \"版本\"", "`version \"…\"`"),
        Rule::effective_stmt => ("effective 生效日期", "`effective` and a date"),
        Rule::field_decl => ("字段声明 field", "a field declaration"),
        Rule::field_type => (
            "字段类型（text、integer、decimal、bool、date、enum、list）",
            "a field type (text, integer, decimal, bool, date, enum, list)",
        ),
        Rule::enum_body => (
            "取值列表 { 代码 \"标签\" … }",
            "a list of values `{ code \"label\" … }`",
        ),
        Rule::enum_value => ("取值 代码 \"标签\"", "a value `code \"label\"`"),
        Rule::field_attr => ("min、max 或 personal", "`min`, `max` or `personal`"),
        Rule::min_attr => ("min 最小值", "`min` and a number"),
        Rule::max_attr => ("max 最大值", "`max` and a number"),
        Rule::personal_attr => (
            "personal name 或 personal phone",
            "`personal name` or `personal phone`",
        ),
        Rule::define_decl => (
            "定义 define 名称 = 表达式",
            "a definition `define name = …`",
        ),
        Rule::clause_decl => ("条款", "a clause"),
        Rule::clause_stmt => (
            "条款内容（source、when、require、due、applies、because、unknown、otherwise）或 `}`",
            "a clause statement (`source`, `when`, `require`, `due`, `applies`, `because`, `unknown`, `otherwise`) or `}`",
        ),
        Rule::source_stmt => ("source \"原文\"", "`source \"…\"`"),
        Rule::when_stmt => ("when 条件", "`when` and a condition"),
        Rule::require_stmt => ("require 条件", "`require` and a condition"),
        Rule::due_stmt => ("due 名称 = 日期表达式", "`due name = …`"),
        Rule::applies_stmt => ("applies to 结论", "`applies to` and outcomes"),
        Rule::because_stmt => ("because \"说明\"", "`because \"…\"`"),
        Rule::unknown_stmt => ("unknown \"说明\"", "`unknown \"…\"`"),
        Rule::otherwise_stmt => ("otherwise \"说明\"", "`otherwise \"…\"`"),
        Rule::example_decl => ("示例 example", "an example"),
        Rule::example_stmt => (
            "示例内容（键 = 值、without、expect）或 `}`",
            "an example line (`key = value`, `without`, `expect`) or `}`",
        ),
        Rule::assign_stmt => ("键 = 值", "`key = value`"),
        Rule::without_stmt => ("without 键", "`without` and keys"),
        Rule::expect_stmt => ("expect 结论", "`expect` and an outcome"),
        Rule::expect_by => ("by \"条款编号\"", "`by \"clause id\"`"),
        Rule::expect_fired => ("fired [\"条款编号\", …]", "`fired [\"clause id\", …]`"),
        Rule::expect_missing => ("missing [键, …]", "`missing [key, …]`"),
        Rule::compare => ("比较", "a comparison"),
        Rule::in_list => ("in [ … ]", "`in [ … ]`"),
        Rule::not_in_list => ("not in [ … ]", "`not in [ … ]`"),
        Rule::contains_any => ("contains any [ … ]", "`contains any [ … ]`"),
        Rule::contains_one => ("contains 值", "`contains` and a value"),
        Rule::sum | Rule::fallback | Rule::atom => ("值", "a value"),
        Rule::shift => ("+ N days/months/years", "`+ N days`, `months` or `years`"),
        Rule::paren => ("括号表达式", "a parenthesised expression"),
        Rule::present => ("present [键, …]", "`present [key, …]`"),
        Rule::list => ("列表 [ … ]", "a list `[ … ]`"),
        Rule::cmp_op => (
            "比较符 == != < <= > >=",
            "a comparison `==`, `!=`, `<`, `<=`, `>` or `>=`",
        ),
        Rule::add_op => ("+ 或 -", "`+` or `-`"),
        Rule::unit => (
            "单位 days、months 或 years",
            "a unit: `days`, `months` or `years`",
        ),
        Rule::text => ("带引号的文字", "quoted text"),
        Rule::literal => ("字面值", "a literal"),
        Rule::date => ("日期（YYYY-MM-DD）", "a date (YYYY-MM-DD)"),
        Rule::number => ("数字", "a number"),
        Rule::integer => ("整数", "a whole number"),
        Rule::boolean => ("true 或 false", "`true` or `false`"),
        Rule::string | Rule::string_body => {
            ("带英文双引号的字符串", "a string in ASCII double quotes")
        }
        Rule::ident_char => ("字母、数字或下划线", "a letter, digit or underscore"),
        Rule::reserved => ("保留字", "a reserved word"),
        Rule::ident => (
            "名称（英文字母开头）",
            "a name (starting with an ASCII letter)",
        ),
        Rule::key => ("字段键（如 purchase.date）", "a key (like `purchase.date`)"),
        Rule::kw_and => ("and", "`and`"),
        Rule::kw_or => ("or", "`or`"),
        Rule::kw_not => ("not", "`not`"),
        Rule::kw_in => ("in", "`in`"),
        Rule::kw_contains => ("contains", "`contains`"),
        Rule::kw_any => ("any", "`any`"),
        Rule::kw_else => ("else", "`else`"),
        Rule::kw_present => ("present", "`present`"),
        Rule::kw_rules => ("rules", "`rules`"),
        Rule::kw_version => ("version", "`version`"),
        Rule::kw_effective => ("effective", "`effective`"),
        Rule::kw_source => ("source", "`source`"),
        Rule::kw_field => ("field", "`field`"),
        Rule::kw_min => ("min", "`min`"),
        Rule::kw_max => ("max", "`max`"),
        Rule::kw_personal => ("personal", "`personal`"),
        Rule::kw_define => ("define", "`define`"),
        Rule::kw_when => ("when", "`when`"),
        Rule::kw_require => ("require", "`require`"),
        Rule::kw_due => ("due", "`due`"),
        Rule::kw_applies => ("applies", "`applies`"),
        Rule::kw_to => ("to", "`to`"),
        Rule::kw_because => ("because", "`because`"),
        Rule::kw_unknown => ("unknown", "`unknown`"),
        Rule::kw_otherwise => ("otherwise", "`otherwise`"),
        Rule::kw_example => ("example", "`example`"),
        Rule::kw_from => ("from", "`from`"),
        Rule::kw_without => ("without", "`without`"),
        Rule::kw_expect => ("expect", "`expect`"),
        Rule::kw_by => ("by", "`by`"),
        Rule::kw_fired => ("fired", "`fired`"),
        Rule::kw_missing => ("missing", "`missing`"),
        Rule::kw_en => ("en", "`en`"),
    }
}

/// What stands at `pos`: the word or character found there.
fn found_at(text: &str, pos: usize) -> (String, usize) {
    let rest = &text[pos.min(text.len())..];
    let Some(first) = rest.chars().next() else {
        return (String::new(), 0);
    };
    if first.is_ascii_alphanumeric() || first == '_' {
        let word: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
            .collect();
        let len = word.len();
        (word, len)
    } else if first == '"' {
        let end = rest[1..].find('"').map_or(rest.len(), |i| i + 2);
        let end = rest[..end].find('\n').unwrap_or(end);
        (rest[..end].to_string(), end)
    } else {
        (first.to_string(), first.len_utf8())
    }
}

/// A pest error in a text that starts `offset` bytes into `file`.
pub fn grammar_error(e: &pest::error::Error<Rule>, file: &str, offset: usize) -> Diagnostic {
    let pos = offset
        + match e.location {
            InputLocation::Pos(p) => p,
            InputLocation::Span((s, _)) => s,
        };
    let (found, len) = found_at(file, pos);
    let (found_zh, found_en) = if found.is_empty() {
        ("文件结尾".to_string(), "the end of the file".to_string())
    } else if found == "\n" || found == "\r" {
        ("行尾".to_string(), "the end of the line".to_string())
    } else {
        (format!("`{found}`"), format!("`{found}`"))
    };
    let span = Some(pos..pos + len.max(1).min(file.len().saturating_sub(pos)));
    match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut zh: Vec<&str> = Vec::new();
            let mut en: Vec<&str> = Vec::new();
            for &r in positives {
                if matches!(r, Rule::WHITESPACE | Rule::COMMENT) {
                    continue;
                }
                let (z, n) = rule_name(r);
                if !zh.contains(&z) {
                    zh.push(z);
                }
                if !en.contains(&n) {
                    en.push(n);
                }
            }
            let (zh, en) = if zh.is_empty() {
                ("此处无法识别".to_string(), "unexpected input".to_string())
            } else {
                (
                    format!("这里应为 {}", zh.join("、")),
                    format!("expected {}", en.join(", ")),
                )
            };
            let diag = Diagnostic::error(
                "syntax",
                span,
                Msg::new(
                    format!("{zh}，实际是 {found_zh}"),
                    format!("{en}, found {found_en}"),
                ),
            );
            match hint(&found) {
                Some(help) => diag.with_help(help),
                None => diag,
            }
        }
        ErrorVariant::CustomError { message } => {
            Diagnostic::error("syntax", span, Msg::new(message.clone(), message.clone()))
        }
    }
}

/// Help for common slips that the grammar alone cannot name.
fn hint(found: &str) -> Option<Msg> {
    match found {
        "&&" | "&" => Some(Msg::new("“并且”写作 and", "write `and` for “both”")),
        "||" | "|" => Some(Msg::new("“或者”写作 or", "write `or` for “either”")),
        "!" => Some(Msg::new(
            "“非”写作 not，“不等于”写作 !=",
            "write `not`, or `!=` for “not equal”",
        )),
        "=" => Some(Msg::new("相等比较写作 ==", "compare with `==`")),
        "'" => Some(Msg::new(
            "字符串用英文双引号 \"…\"",
            "strings use ASCII double quotes \"…\"",
        )),
        _ if found.chars().next().is_some_and(|c| c.is_ascii_digit()) && found.contains('.') => {
            None
        }
        _ => None,
    }
}
