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
        Rule::COMMENT | Rule::comment_text => ("注释", "a comment"),
        Rule::file | Rule::file_lean => ("规则文件", "a rule file"),
        Rule::header_at | Rule::header => (
            "文件开头的 rules \"标题\" { … }",
            "the header `rules \"title\" { … }`",
        ),
        Rule::item_at | Rule::item => (
            "field、define、条款（basis、ground、evidence、deadline、scope）、notice 或 example",
            "`field`, `define`, a clause (`basis`, `ground`, `evidence`, `deadline`, `scope`), `notice` or `example`",
        ),
        Rule::expr_at | Rule::expr | Rule::and_expr | Rule::not_expr | Rule::test => {
            ("条件表达式", "a condition")
        }
        Rule::header_entry => (
            "source、version、effective、reference 或 calendar",
            "`source`, `version`, `effective`, `reference` or `calendar`",
        ),
        Rule::reference_stmt => ("reference 参照日期字段", "`reference` and a date key"),
        Rule::calendar_stmt => ("calendar \"节假日文件\"", "`calendar \"…\"`"),
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
        Rule::field_attr => (
            "min、max、personal、form 或 office",
            "`min`, `max`, `personal`, `form` or `office`",
        ),
        Rule::min_attr => ("min 最小值", "`min` and a number"),
        Rule::max_attr => ("max 最大值", "`max` and a number"),
        Rule::personal_attr => (
            "personal 加类别（name、phone、address、id_number、email）",
            "`personal` and a category (name, phone, address, id_number, email)",
        ),
        Rule::define_decl => (
            "定义 define 名称 = 表达式",
            "a definition `define name = …`",
        ),
        Rule::clause_decl => ("条款", "a clause"),
        Rule::notice_decl => (
            "通知书 notice 结论 \"标题\" { … }",
            "a notice `notice outcome \"title\" { … }`",
        ),
        Rule::notice_stmt => (
            "通知书的行（number、to、para、each、sign）或 `}`",
            "a notice line (`number`, `to`, `para`, `each`, `sign`) or `}`",
        ),
        Rule::clause_stmt => (
            "条款内容（source、when、require、due、applies、recorded、in force、because、unknown、otherwise）或 `}`",
            "a clause statement (`source`, `when`, `require`, `due`, `applies`, `recorded`, `in force`, `because`, `unknown`, `otherwise`) or `}`",
        ),
        Rule::source_stmt => ("source \"原文\"", "`source \"…\"`"),
        Rule::when_stmt => ("when 条件", "`when` and a condition"),
        Rule::require_stmt => ("require 条件", "`require` and a condition"),
        Rule::due_stmt => ("due 名称 = 日期表达式", "`due name = …`"),
        Rule::applies_stmt => ("applies to 结论", "`applies to` and outcomes"),
        Rule::in_force_stmt => (
            "in force from 日期 / until 日期",
            "`in force from` a date and/or `until` a date",
        ),
        Rule::in_force_from => ("from 日期", "`from` and a date"),
        Rule::in_force_until => ("until 日期", "`until` and a date"),
        Rule::recorded_stmt => ("recorded 归档日期字段", "`recorded` and a date key"),
        Rule::because_stmt => ("because \"说明\"", "`because \"…\"`"),
        Rule::unknown_stmt => ("unknown \"说明\"", "`unknown \"…\"`"),
        Rule::otherwise_stmt => ("otherwise \"说明\"", "`otherwise \"…\"`"),
        Rule::example_decl | Rule::example_skipped => ("示例 example", "an example"),
        // Parts of `example_skipped`, which is only tried on a correct file.
        Rule::skip_gap | Rule::skip_plain | Rule::skip_comment => ("示例 example", "an example"),
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
        Rule::string => ("带英文双引号的字符串", "a string in ASCII double quotes"),
        Rule::ident_char => ("字母、数字或下划线", "a letter, digit or underscore"),
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
        Rule::kw_form | Rule::form_attr => ("form", "`form`"),
        Rule::kw_office | Rule::office_attr => ("office", "`office`"),
        Rule::kw_reference => ("reference", "`reference`"),
        Rule::kw_calendar => ("calendar", "`calendar`"),
        Rule::kw_force => ("force", "`force`"),
        Rule::kw_until => ("until", "`until`"),
        Rule::kw_recorded => ("recorded", "`recorded`"),
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
        Rule::kw_notice => ("notice", "`notice`"),
        Rule::kw_number => ("number", "`number`"),
        Rule::kw_para => ("para", "`para`"),
        Rule::kw_each => ("each", "`each`"),
        Rule::kw_sign => ("sign", "`sign`"),
    }
}

/// What stands at `pos`: the word, string, run of operator characters or
/// run of non-ASCII text found there.
fn found_at(text: &str, pos: usize) -> (String, usize) {
    let rest = &text[pos.min(text.len())..];
    let Some(first) = rest.chars().next() else {
        return (String::new(), 0);
    };
    let run = |keep: &dyn Fn(char) -> bool| {
        let word: String = rest.chars().take_while(|&c| keep(c)).collect();
        let len = word.len();
        (word, len)
    };
    if first.is_ascii_alphanumeric() || first == '_' {
        run(&|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    } else if first == '"' {
        let end = rest[1..].find('"').map_or(rest.len(), |i| i + 2);
        let end = rest[..end].find('\n').unwrap_or(end);
        (rest[..end].to_string(), end)
    } else if "&|=!<>+-*/%^~".contains(first) {
        run(&|c| "&|=!<>*/%^~".contains(c) || c == first)
    } else if !first.is_ascii() && !first.is_whitespace() {
        run(&|c| !c.is_ascii() && !c.is_whitespace())
    } else {
        (first.to_string(), first.len_utf8())
    }
}

/// Words that begin a statement inside a clause.
const CLAUSE_WORDS: &[&str] = &[
    "source",
    "when",
    "require",
    "due",
    "applies",
    "recorded",
    "in",
    "because",
    "unknown",
    "otherwise",
];

/// What the grammar would have accepted where it stopped, in words: a
/// token-level picture (pest's parse attempts) grouped into the things a
/// rule author writes.
struct Expected {
    /// Literal tokens (`"}"`, `"and"`, `","`).
    tokens: Vec<String>,
    /// A name or key could start here.
    name: bool,
    /// A number or date could start here.
    digit: bool,
}

impl Expected {
    fn has(&self, t: &str) -> bool {
        self.tokens.iter().any(|x| x == t)
    }

    fn any(&self, ts: &[&str]) -> bool {
        ts.iter().any(|t| self.has(t))
    }

    /// (Chinese, English) descriptions: what continues the current
    /// expression or list first, then what may follow it.
    fn describe(&self) -> Vec<(String, String)> {
        let mut out: Vec<(u8, String, String)> = Vec::new();
        let mut used: Vec<&str> = Vec::new();
        let mut group = |order: u8, members: &[&'static str], zh: String, en: String| {
            used.extend_from_slice(members);
            out.push((order, zh, en));
        };
        let close_brace = self.has("}");
        // `in` starts the statement `in force`; the clause's statements are
        // named as they are written.
        let shown = |w: &&'static str| -> &'static str { if *w == "in" { "in force" } else { w } };
        let clause_words = self.any(CLAUSE_WORDS);
        if self.any(&["version", "effective", "reference", "calendar"]) {
            group(
                9,
                &["source", "version", "effective", "reference", "calendar", "}"],
                "标题中的 source、version、effective、reference、calendar 或结束的 `}`".into(),
                "`source`, `version`, `effective`, `reference` or `calendar` in the header, or its closing `}`"
                    .into(),
            );
        } else if clause_words {
            let mut members: Vec<&'static str> = CLAUSE_WORDS.to_vec();
            members.push("}");
            group(
                9,
                &members,
                format!(
                    "条款的下一项（{}）{}",
                    CLAUSE_WORDS
                        .iter()
                        .map(shown)
                        .collect::<Vec<_>>()
                        .join("、"),
                    if close_brace { "或结束的 `}`" } else { "" }
                ),
                format!(
                    "the clause's next statement ({}){}",
                    CLAUSE_WORDS
                        .iter()
                        .map(|w| format!("`{}`", shown(w)))
                        .collect::<Vec<_>>()
                        .join(", "),
                    if close_brace {
                        " or its closing `}`"
                    } else {
                        ""
                    }
                ),
            );
        }
        if self.any(&["without", "expect"]) {
            group(
                9,
                &["without", "expect", "}"],
                "示例的下一项（键 = 值、without、expect）或结束的 `}`".into(),
                "the example's next line (`key = value`, `without`, `expect`) or its closing `}`"
                    .into(),
            );
        }
        if self.any(&["==", "!=", "<", "<=", ">", ">="]) {
            group(
                1,
                &["==", "!=", "<", "<=", ">", ">="],
                "比较符 == != < <= > >=".into(),
                "a comparison (`==`, `!=`, `<`, `<=`, `>`, `>=`)".into(),
            );
        }
        // Where a clause's next statement may start, `in` is `in force`
        // (named there), not the list test.
        let words: Vec<&'static str> = ["and", "or", "not", "in", "contains", "any", "else"]
            .into_iter()
            .filter(|w| self.has(w) && !(*w == "in" && clause_words && !self.has("not")))
            .collect();
        if !words.is_empty() {
            group(
                2,
                &words,
                words.join("、"),
                words
                    .iter()
                    .map(|w| format!("`{w}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
        if self.any(&["+", "-"]) && !self.digit {
            group(
                3,
                &["+", "-"],
                "日期加减 + 或 -".into(),
                "`+` or `-` (date arithmetic)".into(),
            );
        }
        if self.any(&["days", "months", "years"]) {
            group(
                0,
                &[
                    "day", "days", "month", "months", "year", "years", "workday", "workdays",
                ],
                "单位 days、months、years 或 workdays".into(),
                "a unit: `days`, `months`, `years` or `workdays`".into(),
            );
        }
        if self.has(",") && self.has("]") {
            group(0, &[",", "]"], "`,` 或 `]`".into(), "`,` or `]`".into());
        }
        let value = self.has("\"") && (self.digit || self.name);
        if value {
            group(
                0,
                &["\"", "(", "-", "true", "false", "present", "not"],
                "一个值（字段键、带引号的文字、数字、日期、true/false）".into(),
                "a value (a key, quoted text, a number, a date, true/false)".into(),
            );
        } else if self.has("\"") {
            group(
                0,
                &["\""],
                "带英文双引号的文字".into(),
                "text in ASCII double quotes".into(),
            );
        }
        if self.has("en") {
            group(
                4,
                &["en"],
                "en 和英文译文".into(),
                "`en` and the English text".into(),
            );
        }
        if self.name && !value {
            group(
                5,
                &[],
                "名称（英文字母开头）".into(),
                "a name (starting with an ASCII letter)".into(),
            );
        } else if self.digit && !value {
            group(5, &["-"], "数字".into(), "a number".into());
        }
        for t in &self.tokens {
            if !used.contains(&t.as_str()) {
                out.push((6, format!("`{t}`"), format!("`{t}`")));
            }
        }
        out.sort_by_key(|o| o.0);
        out.into_iter().map(|(_, zh, en)| (zh, en)).collect()
    }

    /// From pest's expected tokens, as it displays them: a literal, or a
    /// character range `a..z`.
    fn from_attempts(tokens: impl IntoIterator<Item = String>) -> Expected {
        let mut e = Expected {
            tokens: Vec::new(),
            name: false,
            digit: false,
        };
        for t in tokens {
            let chars: Vec<char> = t.chars().collect();
            if let [start, '.', '.', _] = chars[..] {
                e.digit |= start.is_ascii_digit();
                e.name |= start.is_ascii_alphabetic();
                continue;
            }
            match t.as_str() {
                " " | "\t" | "\n" | "\r" | "#" | "\u{feff}" | "BUILTIN_RULE" => {}
                "_" => e.name = true,
                _ => e.tokens.push(t),
            }
        }
        e
    }
}

/// A pest error in a text that starts `offset` bytes into `file`.
pub fn grammar_error(e: &pest::error::Error<Rule>, file: &str, offset: usize) -> Diagnostic {
    let location = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    // Pest's parse attempts see literal tokens (`}`, `,`, `]`) too, and
    // where the input really stopped making sense; its rule positives only
    // know rules.
    let attempts = e
        .parse_attempts()
        .filter(|a| a.max_position >= location && !a.expected_tokens().is_empty());
    let (pos, expected) = match &attempts {
        Some(a) => (
            offset + a.max_position,
            Some(Expected::from_attempts(
                a.expected_tokens().iter().map(ToString::to_string),
            )),
        ),
        None => (offset + location, None),
    };
    let (found, len) = found_at(file, pos);
    // What is missing at the end of a line is shown there, not at the
    // start of the next line, when that line begins something valid of its
    // own (a statement, a `}`, the end of the file). A new item after an
    // open block stays put: the help says to close the block above it.
    let starts_anew = found.is_empty()
        || found == "}"
        || CLAUSE_WORDS.contains(&found.as_str())
        || ["expect", "without"].contains(&found.as_str())
        || (super::ITEM_WORDS.contains(&found.as_str())
            && !expected.as_ref().is_some_and(|e| e.has("}")));
    let (pos, found, len) = match line_end_before(file, pos) {
        Some(end) if starts_anew => {
            let found = if found.is_empty() {
                found
            } else {
                "\n".to_string()
            };
            (end, found, 0)
        }
        _ => (pos, found, len),
    };
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
            let mut zh: Vec<String> = Vec::new();
            let mut en: Vec<String> = Vec::new();
            let described = expected
                .as_ref()
                .map(Expected::describe)
                .unwrap_or_default();
            if described.is_empty() {
                for &r in positives {
                    if matches!(r, Rule::WHITESPACE | Rule::COMMENT) {
                        continue;
                    }
                    let (z, n) = rule_name(r);
                    if !zh.iter().any(|x| x == z) {
                        zh.push(z.to_string());
                    }
                    if !en.iter().any(|x| x == n) {
                        en.push(n.to_string());
                    }
                }
            } else {
                for (z, n) in described {
                    zh.push(z);
                    en.push(n);
                }
            }
            let (zh, en) = if zh.is_empty() {
                ("此处无法识别".to_string(), "unexpected input".to_string())
            } else {
                (
                    format!("这里应为 {}", zh.join("，或 ")),
                    format!("expected {}", en.join(", or ")),
                )
            };
            let diag = Diagnostic::error(
                "syntax",
                span,
                Msg::new(
                    format!("{zh}；实际是 {found_zh}"),
                    format!("{en}; found {found_en}"),
                ),
            );
            let empty = Expected {
                tokens: Vec::new(),
                name: false,
                digit: false,
            };
            let line_before = {
                let start = file[..pos.min(file.len())].rfind('\n').map_or(0, |i| i + 1);
                &file[start..pos.min(file.len())]
            };
            match hint(&found, expected.as_ref().unwrap_or(&empty), line_before) {
                Some(help) => diag.with_help(help),
                None => diag,
            }
        }
        ErrorVariant::CustomError { message } => {
            Diagnostic::error("syntax", span, Msg::new(message.clone(), message.clone()))
        }
    }
}

/// When only white space lies between the last code before `pos` and
/// `pos`, and it spans a line end: the end of that code. Not after a
/// comment line.
fn line_end_before(file: &str, pos: usize) -> Option<usize> {
    let before = &file[..pos.min(file.len())];
    let end = before.trim_end().len();
    if end == 0 || !before[end..].contains('\n') {
        return None;
    }
    let line_start = before[..end].rfind('\n').map_or(0, |i| i + 1);
    let line = &before[line_start..end];
    // A comment at the end of the line: the grammar stopped after the code
    // before it, which the `#` hides from this simple look; leave it.
    if line.contains('#') {
        return None;
    }
    Some(end)
}

/// Help for common slips: what a rule author most likely meant.
fn hint(found: &str, expected: &Expected, line_before: &str) -> Option<Msg> {
    match found {
        "&&" | "&" => return Some(Msg::new("“并且”写作 and", "write `and` for “both”")),
        "||" | "|" => return Some(Msg::new("“或者”写作 or", "write `or` for “either”")),
        "!" => {
            return Some(Msg::new(
                "“非”写作 not，“不等于”写作 !=",
                "write `not`, or `!=` for “not equal”",
            ));
        }
        "=" => return Some(Msg::new("相等比较写作 ==", "compare with `==`")),
        "<>" => return Some(Msg::new("“不等于”写作 !=", "write `!=` for “not equal”")),
        "'" => {
            return Some(Msg::new(
                "字符串用英文双引号 \"…\"",
                "strings use ASCII double quotes \"…\"",
            ));
        }
        _ => {}
    }
    let first = found.chars().next()?;
    let word = first.is_ascii_alphabetic() || first == '_';
    let value_expected = expected.has("\"") && expected.name;
    if value_expected && "=<>!&|+-*/".contains(first) {
        return Some(Msg::new(
            "这里少了一个值；比较符只有 == != < <= > >=，后面写字段键、\"文字\"、数字或日期",
            "a value is missing here; the comparisons are `==` `!=` `<` `<=` `>` `>=`, followed by a key, \"text\", a number or a date",
        ));
    }
    let item_word = super::ITEM_WORDS.contains(&found);
    if !first.is_ascii() {
        return Some(Msg::new(
            "关键字和字段键都用英文书写（并且写 and，或者写 or，非写 not）；中文只能写在英文双引号里",
            "keywords and keys are English words (`and`, `or`, `not`); Chinese text goes inside ASCII double quotes",
        ));
    }
    if expected.has("}") && item_word {
        return Some(Msg::new(
            "上面的块还没有用 `}` 结束：在这一行之前补上 `}`",
            "the block above is not closed: add a `}` before this line",
        ));
    }
    if expected.tokens == ["rules"] {
        return Some(Msg::new(
            "规则文件以标题开头，例如 rules \"某某投诉处理办法\" { version \"2024.1\" }",
            "a rule file starts with its header, e.g. `rules \"某某投诉处理办法\" { version \"2024.1\" }`",
        ));
    }
    if expected.has("en") && first == '"' {
        return Some(Msg::new(
            "英文译文前要写 en，例如 \"接待日期\" en \"Date received\"",
            "put `en` before the English text, e.g. `\"接待日期\" en \"Date received\"`",
        ));
    }
    if expected.tokens == ["\""] && !expected.name {
        let kind = line_before.split_whitespace().next().unwrap_or("");
        let clause_line = super::ITEM_WORDS.contains(&kind) || kind.starts_with('g');
        if first.is_ascii_digit() && clause_line {
            return Some(Msg::new(
                "条款编号写在英文双引号里，例如 ground \"3(2)\" \"标题\" { … }",
                "a clause id goes in ASCII double quotes, e.g. `ground \"3(2)\" \"title\" { … }`",
            ));
        }
        if found == "{" {
            return Some(Msg::new(
                "这里缺少带引号的标题，例如 ground \"3(2)\" \"标题\" { … }",
                "the title is missing, e.g. `ground \"3(2)\" \"title\" { … }`",
            ));
        }
    }
    if expected.has("]") && expected.has(",") {
        return Some(Msg::new(
            "列表各项之间用英文逗号 `,` 分隔，最后以 `]` 结束",
            "separate list items with an ASCII `,` and end the list with `]`",
        ));
    }
    if expected.has("days") {
        return Some(Msg::new(
            "日期加减要写单位，例如 + 3 days、+ 12 months",
            "date arithmetic needs a unit, e.g. `+ 3 days`, `+ 12 months`",
        ));
    }
    if word {
        let words: Vec<&str> = expected
            .tokens
            .iter()
            .map(String::as_str)
            .filter(|t| t.chars().all(|c| c.is_ascii_alphabetic()))
            .collect();
        if let Some(close) = crate::diag::did_you_mean(found, words)
            && close != found
        {
            return Some(Msg::new(
                format!("是否想写 `{close}`？"),
                format!("did you mean `{close}`?"),
            ));
        }
    }
    None
}
