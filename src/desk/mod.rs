//! The desk: a complaint taken down one question at a time (`shouli
//! interview`, `shouli serve`). Pure: the next question is chosen from the
//! evaluator's trace, a clerk's answer is read into a value, a record is
//! written as TOML. No clock (today is passed in), no terminal, no network.
//!
//! The next question is always an absent field that holds a clause open
//! (SPEC §2): first those of the grounds (they can reject the complaint
//! outright), then those of the bases, then those of the evidence; within
//! each kind, the rule file's clause order, then its field order. A field
//! that holds nothing open cannot change the outcome and is never asked;
//! once the outcome is accepted or rejected (Kleene logic is monotone: a
//! known clause stays known whatever is added), nothing more is asked.

pub mod page;

use std::fmt::Write as _;

use crate::base::format_cents;
use crate::compile::Program;
use crate::diag::{Lang, Msg};
use crate::eval::{DateOutOfRange, Status, Trace};
use crate::model::{ClauseKind, Field, FieldId, FieldType, Outcome, RuleSet};
use crate::record::{Raw, Record, convert};
use crate::value::{Date, KeySet, Value};

/// The kinds of clause whose open fields are asked, in the order asked.
pub const ASK_ORDER: [ClauseKind; 3] =
    [ClauseKind::Ground, ClauseKind::Basis, ClauseKind::Evidence];

/// The next question: a field, and the clause it holds open (why it is
/// asked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Question {
    pub field: FieldId,
    pub clause: usize,
}

/// The next field to ask, or `None` when the outcome can no longer change
/// by answering (decided, or every field holding a clause open answered or
/// left unknown). `skipped` are the fields the clerk said are not known.
pub fn next_question(
    program: &Program,
    rec: &Record,
    trace: &Trace,
    skipped: KeySet,
) -> Option<Question> {
    if trace.outcome != Outcome::Incomplete {
        return None;
    }
    let answered = rec.present().union(skipped);
    let clauses = &program.rules.clauses;
    let basis_true = clauses
        .iter()
        .enumerate()
        .any(|(i, c)| c.kind == ClauseKind::Basis && trace.clause(i).status == Status::True);
    for kind in ASK_ORDER {
        if kind == ClauseKind::Basis && basis_true {
            continue;
        }
        for (i, c) in clauses.iter().enumerate() {
            if c.kind != kind {
                continue;
            }
            let open = trace.keys(i).minus(answered);
            if let Some(field) = open.iter().next() {
                return Some(Question { field, clause: i });
            }
        }
    }
    None
}

/// An interview in progress: the record so far, the fields left unknown,
/// the order in which fields were answered, and the latest evaluation.
#[derive(Debug, Clone)]
pub struct Interview<'p> {
    pub program: &'p Program,
    pub rec: Record,
    pub skipped: KeySet,
    /// Fields answered (or left unknown), in the order they were.
    pub asked: Vec<FieldId>,
    pub trace: Trace,
}

impl<'p> Interview<'p> {
    /// Starts from `rec` (empty, or a saved partial record).
    pub fn new(program: &'p Program, rec: Record) -> Result<Interview<'p>, DateOutOfRange> {
        let trace = program.evaluate(&rec)?;
        let asked = rec.present().iter().collect();
        Ok(Interview {
            program,
            rec,
            skipped: KeySet::EMPTY,
            asked,
            trace,
        })
    }

    pub fn next(&self) -> Option<Question> {
        next_question(self.program, &self.rec, &self.trace, self.skipped)
    }

    /// Sets a field to an answer (a value, or unknown) and evaluates again.
    /// On an error in the evaluation the answer is taken back.
    pub fn set(&mut self, field: FieldId, answer: Answer) -> Result<(), DateOutOfRange> {
        let before = (self.rec.get(field), self.skipped);
        match answer {
            Answer::Value(v) => {
                self.rec.set(field, v);
                self.skipped.remove(field);
            }
            Answer::Unknown => {
                self.rec.set(field, Value::Absent);
                self.skipped.insert(field);
            }
        }
        match self.program.evaluate(&self.rec) {
            Ok(t) => {
                self.trace = t;
                if !self.asked.contains(&field) {
                    self.asked.push(field);
                }
                Ok(())
            }
            Err(e) => {
                self.rec.set(field, before.0);
                self.skipped = before.1;
                Err(e)
            }
        }
    }

    /// Reads `text` as the answer for `field` and sets it.
    pub fn answer(&mut self, field: FieldId, text: &str, today: Date) -> Result<(), Msg> {
        let f = &self.program.rules.fields[field];
        let a = parse_answer(f, text, today, &mut self.rec)?;
        self.set(field, a).map_err(|_| {
            Msg::new(
                "这个日期使期限计算超出范围，请核对",
                "this date takes a deadline's computation out of range; check it",
            )
        })
    }

    /// The record as TOML (see [`to_toml`]).
    pub fn to_toml(&self, lang: Lang) -> String {
        to_toml(&self.program.rules, &self.rec, self.skipped, lang)
    }
}

/// Fills the fields a desk fills in by itself, where absent: the rules'
/// reference date (the date received) with today, and a text field `id`
/// (the record's case number, SPEC §1) with `case_number`.
pub fn prefill(rules: &RuleSet, rec: &mut Record, today: Date, case_number: &str) {
    if let Some(r) = rules.reference
        && rec.get(r).is_absent()
        && rules.fields[r].ty == FieldType::Date
    {
        rec.set(r, Value::Date(today));
    }
    if let Some(id) = rules.field("id")
        && rec.get(id).is_absent()
        && rules.fields[id].ty == FieldType::Text
        && !case_number.is_empty()
    {
        let v = rec.push_text(case_number);
        rec.set(id, v);
    }
}

/// A case number from a pattern: `{date}` is today as 20260305, `{year}`
/// 2026, `{n}` the sequence number, three digits at least.
pub fn case_number(pattern: &str, today: Date, n: u32) -> String {
    let date = format!("{:04}{:02}{:02}", today.year(), today.month(), today.day());
    pattern
        .replace("{date}", &date)
        .replace("{year}", &format!("{:04}", today.year()))
        .replace("{n}", &format!("{n:03}"))
}

/// A clerk's answer to one question.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Answer {
    Value(Value),
    /// 不知道: left unknown, not asked again.
    Unknown,
}

/// The words that leave a field unknown.
pub const UNKNOWN_WORDS: &[&str] = &[
    "不知道",
    "不清楚",
    "不详",
    "未知",
    "跳过",
    "?",
    "？",
    "skip",
    "unknown",
    "dont know",
    "don't know",
];

const YES: &[&str] = &["是", "对", "有", "y", "yes", "true", "是的"];
const NO: &[&str] = &["否", "不是", "没有", "无", "n", "no", "false", "不"];

/// Full-width digits and punctuation (as a Chinese input method types
/// them) as ASCII.
fn half_width(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '－' => '-',
            '／' => '/',
            '．' | '。' => '.',
            '，' | '、' | '；' | ';' => ',',
            '　' => ' ',
            _ => c,
        })
        .collect()
}

/// Reads a clerk's answer for `field`: 是/否 or yes/no; an enum value by
/// its number (1, 2, …), label or code; list values as several of those;
/// a date as 2026-03-05, 2026/3/5, 2026年3月5日, 今天 or 昨天 (relative to
/// `today`); 不知道 (or `?`, skip) leaves the field unknown. An answer that
/// fits no form is an error saying what is expected.
pub fn parse_answer(
    field: &Field,
    text: &str,
    today: Date,
    rec: &mut Record,
) -> Result<Answer, Msg> {
    let t = half_width(text);
    if t.is_empty() {
        return Err(with_expected(
            field,
            Msg::new("没有输入回答", "no answer was given"),
        ));
    }
    let lower = t.to_lowercase();
    if UNKNOWN_WORDS.contains(&lower.as_str()) {
        return Ok(Answer::Unknown);
    }
    let value = match &field.ty {
        FieldType::Bool => {
            if YES.contains(&lower.as_str()) || lower == "1" {
                Value::Bool(true)
            } else if NO.contains(&lower.as_str()) || lower == "2" {
                Value::Bool(false)
            } else {
                return Err(with_expected(field, not_understood(&t)));
            }
        }
        FieldType::Enum(values) => match choice(values, &lower) {
            Some(i) => Value::Enum(i),
            None => return Err(with_expected(field, not_understood(&t))),
        },
        FieldType::List(values) => {
            let mut set = 0u64;
            for item in lower
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|s| !s.is_empty())
            {
                match choice(values, item) {
                    Some(i) => set |= 1 << i,
                    None => return Err(with_expected(field, not_understood(item))),
                }
            }
            if set == 0 {
                return Ok(Answer::Unknown);
            }
            Value::Set(set)
        }
        FieldType::Date => {
            let d = parse_date(&lower, today)
                .ok_or_else(|| with_expected(field, not_understood(&t)))?;
            convert(field, Raw::Date(d), rec).map_err(|e| with_expected(field, e.message))?
        }
        FieldType::Integer | FieldType::Decimal => {
            let digits = t.trim_end_matches(['元', '个', '件', '台', '月']).trim();
            convert(field, Raw::Cell(digits), rec).map_err(|e| with_expected(field, e.message))?
        }
        FieldType::Text => convert(field, Raw::Cell(text.trim()), rec)
            .map_err(|e| with_expected(field, e.message))?,
    };
    if value.is_absent() {
        return Ok(Answer::Unknown);
    }
    Ok(Answer::Value(value))
}

/// An enum value by its number (from 1), code or label (Chinese or
/// English, case ignored).
fn choice(values: &[crate::model::EnumValue], answer: &str) -> Option<u16> {
    if let Ok(n) = answer.parse::<usize>() {
        return (1..=values.len()).contains(&n).then(|| (n - 1) as u16);
    }
    values
        .iter()
        .position(|v| {
            v.code.eq_ignore_ascii_case(answer)
                || v.label.zh == answer
                || v.label
                    .en
                    .as_deref()
                    .is_some_and(|en| en.eq_ignore_ascii_case(answer))
        })
        .map(|i| i as u16)
}

/// 2026-03-05, 2026/3/5, 2026.3.5, 2026年3月5日 (号), 20260305, 今天,
/// 昨天, 前天, today, yesterday.
pub fn parse_date(text: &str, today: Date) -> Option<Date> {
    match text {
        "今天" | "今日" | "today" => return Some(today),
        "昨天" | "昨日" | "yesterday" => return today.yesterday(),
        "前天" => return today.yesterday()?.yesterday(),
        _ => {}
    }
    let t = text.trim_end_matches(['日', '号']);
    let parts: Vec<&str> = if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        vec![&t[..4], &t[4..6], &t[6..]]
    } else {
        t.split(['-', '/', '.', '年', '月'])
            .map(str::trim)
            .collect()
    };
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    if y.len() != 4 || m.is_empty() || d.is_empty() || m.len() > 2 || d.len() > 2 {
        return None;
    }
    let y: i16 = y.parse().ok()?;
    let m: i8 = m.parse().ok()?;
    let d: i8 = d.parse().ok()?;
    Date::new(y, m, d).ok()
}

fn not_understood(answer: &str) -> Msg {
    let a = crate::sanitize::escape(answer);
    Msg::new(
        format!("看不懂回答“{a}”"),
        format!("\"{a}\" is not understood"),
    )
}

/// What the question accepts, in words.
pub fn expected(field: &Field) -> Msg {
    let numbered = |lang: Lang| {
        field
            .ty
            .values()
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{} {}", i + 1, v.label.get(lang)))
            .collect::<Vec<_>>()
            .join(if lang == Lang::Zh { "、" } else { ", " })
    };
    let (zh, en) = match &field.ty {
        FieldType::Bool => (
            "是 或 否（1 是，2 否）".to_string(),
            "yes or no (1 yes, 2 no)".to_string(),
        ),
        FieldType::Enum(_) => (
            format!("一个编号或名称：{}", numbered(Lang::Zh)),
            format!("one number or name: {}", numbered(Lang::En)),
        ),
        FieldType::List(_) => (
            format!(
                "一个或几个编号或名称，用空格或逗号隔开：{}",
                numbered(Lang::Zh)
            ),
            format!(
                "one or more numbers or names, separated by spaces or commas: {}",
                numbered(Lang::En)
            ),
        ),
        FieldType::Date => (
            "日期，如 2026-03-05、2026/3/5、2026年3月5日、今天、昨天".to_string(),
            "a date such as 2026-03-05, 2026/3/5, today, yesterday".to_string(),
        ),
        FieldType::Integer => (
            "整数，如 1".to_string(),
            "a whole number, e.g. 1".to_string(),
        ),
        FieldType::Decimal => (
            "数字，最多两位小数，如 399.00".to_string(),
            "a number with at most two decimals, e.g. 399.00".to_string(),
        ),
        FieldType::Text => ("文字".to_string(), "text".to_string()),
    };
    Msg::new(
        format!("应为{zh}；不知道请回答“不知道”"),
        format!("expected {en}; answer \"skip\" if it is not known"),
    )
}

fn with_expected(field: &Field, what: Msg) -> Msg {
    let want = expected(field);
    Msg::new(
        format!("{}。{}", what.zh, want.zh),
        format!("{}. {}", what.en, want.en),
    )
}

/// What a clause of this kind does to the complaint, in a few words: the
/// heading of the clauses a question is asked for, on the page and in the
/// terminal.
pub fn kind_word(kind: ClauseKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (ClauseKind::Ground, Lang::Zh) => "可能不予受理",
        (ClauseKind::Basis, Lang::Zh) => "受理依据",
        (ClauseKind::Evidence, Lang::Zh) => "受理所需材料",
        (ClauseKind::Deadline, Lang::Zh) => "期限",
        (ClauseKind::Ground, Lang::En) => "may rule it out",
        (ClauseKind::Basis, Lang::En) => "basis for acceptance",
        (ClauseKind::Evidence, Lang::En) => "required for acceptance",
        (ClauseKind::Deadline, Lang::En) => "deadline",
        (ClauseKind::Warning, Lang::Zh) => "提醒",
        (ClauseKind::Warning, Lang::En) => "a warning",
    }
}

/// The question's wording: a fact to ask the complainant, or (a field the
/// office determines) the clerk's own judgement.
pub fn wording(field: &Field, lang: Lang) -> String {
    let label = field.label.get(lang);
    match (field.office, lang) {
        (true, Lang::Zh) => format!("请您（办理人员）判断：{label}？"),
        (true, Lang::En) => format!("Your own judgement (the office decides): {label}?"),
        (false, Lang::Zh) => format!("请问投诉人：{label}"),
        (false, Lang::En) => format!("Ask the complainant: {label}"),
    }
}

/// Field `slot`'s value as the clerk would say it: 是/否, an enum's
/// label, a date.
pub fn show_value(rules: &RuleSet, rec: &Record, slot: FieldId, lang: Lang) -> String {
    show(&rules.fields[slot], rec, rec.get(slot), lang)
}

/// `v` (a value of `field`) in words.
pub fn show(field: &Field, rec: &Record, v: Value, lang: Lang) -> String {
    let values = field.ty.values();
    let label = |i: usize| values.get(i).map_or("?", |e| e.label.get(lang)).to_string();
    match v {
        Value::Absent => String::new(),
        Value::Bool(b) => match (b, lang) {
            (true, Lang::Zh) => "是".into(),
            (false, Lang::Zh) => "否".into(),
            (true, Lang::En) => "yes".into(),
            (false, Lang::En) => "no".into(),
        },
        Value::Enum(i) => label(usize::from(i)),
        Value::Set(s) => (0..values.len())
            .filter(|i| s & (1 << i) != 0)
            .map(label)
            .collect::<Vec<_>>()
            .join(if lang == Lang::Zh { "、" } else { ", " }),
        Value::Date(d) => d.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Dec(c) => format_cents(c),
        Value::Text(r) => crate::sanitize::escape(rec.text(r)).into_owned(),
        Value::Lit(_) => String::new(),
    }
}

/// The answer a form field carries for a value (what [`parse_answer`]
/// reads back): the code of an enum value, ISO dates, 是/否.
pub fn answer_text(field: &Field, rec: &Record, v: Value) -> Vec<String> {
    let values = field.ty.values();
    match v {
        Value::Absent | Value::Lit(_) => vec![],
        Value::Bool(b) => vec![if b { "是" } else { "否" }.into()],
        Value::Enum(i) => vec![
            values
                .get(usize::from(i))
                .map_or(String::new(), |e| e.code.clone()),
        ],
        Value::Set(s) => (0..values.len())
            .filter(|i| s & (1 << i) != 0)
            .map(|i| values[i].code.clone())
            .collect(),
        Value::Date(d) => vec![d.to_string()],
        Value::Int(i) => vec![i.to_string()],
        Value::Dec(c) => vec![format_cents(c)],
        Value::Text(r) => vec![rec.text(r).to_string()],
    }
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_value(field: &Field, rec: &Record, v: Value) -> Option<String> {
    let values = field.ty.values();
    Some(match v {
        Value::Absent | Value::Lit(_) => return None,
        Value::Bool(b) => b.to_string(),
        Value::Enum(i) => toml_string(&values.get(usize::from(i))?.code),
        Value::Set(s) => {
            let items: Vec<String> = (0..values.len())
                .filter(|i| s & (1 << i) != 0)
                .map(|i| toml_string(&values[i].code))
                .collect();
            format!("[{}]", items.join(", "))
        }
        Value::Date(d) => d.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Dec(c) => format_cents(c),
        Value::Text(r) => toml_string(rec.text(r)),
    })
}

/// The record as TOML, the format `check` reads: top-level keys first, then
/// a table per key prefix, in the rule file's field order, each value with
/// its label as a comment; a field left unknown is written `""` (absent)
/// with a note, so the file shows what was asked and not known.
pub fn to_toml(rules: &RuleSet, rec: &Record, skipped: KeySet, lang: Lang) -> String {
    let mut out = String::new();
    let _ = match lang {
        Lang::Zh => writeln!(
            out,
            "# {} — 投诉处理单（shouli interview 记录）",
            rules.title
        ),
        Lang::En => writeln!(
            out,
            "# {} — complaint record (taken by shouli interview)",
            rules.title
        ),
    };
    let mut tables: Vec<&str> = Vec::new();
    for f in &rules.fields {
        if let Some((table, _)) = f.key.rsplit_once('.')
            && !tables.contains(&table)
        {
            tables.push(table);
        }
    }
    let unknown = match lang {
        Lang::Zh => "不知道",
        Lang::En => "not known",
    };
    let section = |table: Option<&str>, out: &mut String| -> bool {
        let mut any = false;
        for (slot, f) in rules.fields.iter().enumerate() {
            let (t, name) = match f.key.rsplit_once('.') {
                Some((t, n)) => (Some(t), n),
                None => (None, f.key.as_str()),
            };
            if t != table {
                continue;
            }
            let label = crate::sanitize::escape(f.label.get(lang)).replace('\n', " ");
            if let Some(v) = toml_value(f, rec, rec.get(slot)) {
                let _ = writeln!(out, "{name} = {v}  # {label}");
                any = true;
            } else if skipped.contains(slot) {
                let _ = writeln!(out, "{name} = \"\"  # {label}: {unknown}");
                any = true;
            }
        }
        any
    };
    out.push('\n');
    section(None, &mut out);
    for table in tables {
        let mut body = String::new();
        if section(Some(table), &mut body) {
            let _ = writeln!(out, "\n[{table}]");
            out.push_str(&body);
        }
    }
    out
}

/// Loads a saved record's skipped fields back: a key written `""` (asked,
/// not known) in `text`. Keys the text does not give as `""` are not.
pub fn skipped_in(rules: &RuleSet, text: &str) -> KeySet {
    let mut set = KeySet::EMPTY;
    let mut table = String::new();
    for line in text.lines() {
        let line = line.trim();
        if let Some(t) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            table = t.trim().to_string();
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let v = v.split('#').next().unwrap_or("").trim();
        if v == "\"\"" || v == "[]" {
            let key = if table.is_empty() {
                k.trim().to_string()
            } else {
                format!("{table}.{}", k.trim())
            };
            if let Some(f) = rules.field(&key) {
                set.insert(f);
            }
        }
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program() -> Program {
        crate::load_rules(crate::BUILTIN_NAME, crate::BUILTIN_RULES.as_bytes())
            .expect("built-in rules load")
    }

    fn date(text: &str) -> Date {
        parse_date(text, Date::new(2026, 3, 1).expect("date")).expect("a date")
    }

    fn field<'a>(p: &'a Program, key: &str) -> &'a Field {
        &p.rules.fields[p.rules.field(key).expect("declared")]
    }

    fn read(p: &Program, key: &str, text: &str) -> Result<(Answer, Record), Msg> {
        let mut rec = Record::new(p.rules.fields.len());
        let today = Date::new(2026, 3, 5).expect("date");
        parse_answer(field(p, key), text, today, &mut rec).map(|a| (a, rec))
    }

    fn value(p: &Program, key: &str, text: &str) -> Value {
        match read(p, key, text) {
            Ok((Answer::Value(v), _)) => v,
            other => panic!("{key} = {text:?}: {other:?}"),
        }
    }

    #[test]
    fn dates_the_way_a_clerk_writes_them() {
        let d = Date::new(2026, 3, 5).expect("date");
        for text in [
            "2026-03-05",
            "2026/3/5",
            "2026.3.5",
            "2026年3月5日",
            "2026年3月5号",
            "20260305",
        ] {
            assert_eq!(parse_date(text, d), Some(d), "{text}");
        }
        assert_eq!(date("今天"), Date::new(2026, 3, 1).expect("date"));
        assert_eq!(date("昨天"), Date::new(2026, 2, 28).expect("date"));
        assert_eq!(date("yesterday"), Date::new(2026, 2, 28).expect("date"));
        assert_eq!(date("前天"), Date::new(2026, 2, 27).expect("date"));
        for bad in [
            "2026-02-30",
            "3/5",
            "26-3-5",
            "2026-3",
            "2026-003-05",
            "明天",
            "",
        ] {
            assert_eq!(parse_date(bad, d), None, "{bad}");
        }
    }

    #[test]
    fn answers_in_a_clerks_words() {
        let p = program();
        let b = "respondent.identified";
        for yes in ["是", "yes", "Y", "1", "对"] {
            assert_eq!(value(&p, b, yes), Value::Bool(true), "{yes}");
        }
        for no in ["否", "no", "2", "没有"] {
            assert_eq!(value(&p, b, no), Value::Bool(false), "{no}");
        }
        let channel = "purchase.channel";
        for private in [
            "2",
            "２",
            "private",
            "PRIVATE",
            "个人私下交易",
            "a private sale",
        ] {
            assert_eq!(value(&p, channel, private), Value::Enum(1), "{private}");
        }
        let evidence = "claim.evidence";
        for both in [
            "1 5",
            "1，5",
            "发票、照片",
            "invoice,photo",
            "photo invoice",
        ] {
            assert_eq!(value(&p, evidence, both), Value::Set(0b10001), "{both}");
        }
        assert_eq!(value(&p, "purchase.price", "399"), Value::Dec(39900));
        assert_eq!(value(&p, "purchase.price", "399.5元"), Value::Dec(39950));
        assert_eq!(value(&p, "purchase.quantity", "１２"), Value::Int(12));
        assert_eq!(
            value(&p, "received", "2026年3月5日"),
            Value::Date(Date::new(2026, 3, 5).expect("date"))
        );
        for unknown in ["不知道", "?", "？", "skip", " 不清楚 "] {
            for key in [b, channel, evidence, "received", "complainant.name"] {
                assert_eq!(
                    read(&p, key, unknown).map(|a| a.0),
                    Ok(Answer::Unknown),
                    "{key}"
                );
            }
        }
        let (a, rec) = read(&p, "complainant.name", " 王丽 ").expect("text");
        let Answer::Value(Value::Text(r)) = a else {
            panic!("{a:?}")
        };
        assert_eq!(rec.text(r), "王丽");
    }

    #[test]
    fn a_wrong_answer_says_what_is_expected_in_both_languages() {
        let p = program();
        let e = read(&p, "respondent.identified", "也许").expect_err("not yes/no");
        assert_eq!(
            e.zh,
            "看不懂回答“也许”。应为是 或 否（1 是，2 否）；不知道请回答“不知道”"
        );
        assert_eq!(
            e.en,
            "\"也许\" is not understood. expected yes or no (1 yes, 2 no); answer \"skip\" if it is not known"
        );
        let e = read(&p, "purchase.channel", "4").expect_err("no fourth channel");
        assert!(
            e.zh.contains("1 商场内经营者、2 个人私下交易、3 非法渠道"),
            "{}",
            e.zh
        );
        let e = read(&p, "received", "2026-02-30").expect_err("no such day");
        assert!(e.zh.contains("应为日期"), "{}", e.zh);
        let e = read(&p, "purchase.quantity", "0").expect_err("min 1");
        assert!(e.zh.contains("整数"), "{}", e.zh);
        let e = read(&p, "complainant.name", "").expect_err("empty");
        assert!(e.zh.starts_with("没有输入回答"), "{}", e.zh);
        let e = read(&p, "claim.evidence", "1 x").expect_err("x is no evidence");
        assert!(e.zh.starts_with("看不懂回答“x”"), "{}", e.zh);
    }

    #[test]
    fn the_first_question_is_the_first_grounds_field_and_a_decided_case_asks_none() {
        let p = program();
        let mut iv = Interview::new(&p, Record::new(p.rules.fields.len())).expect("evaluates");
        let q = iv.next().expect("a question");
        assert_eq!(p.rules.fields[q.field].key, "complainant.kind");
        assert_eq!(p.rules.clauses[q.clause].id, "1.3(1)");
        let today = Date::new(2026, 3, 5).expect("date");
        iv.answer(q.field, "经营者", today).expect("an answer");
        assert_eq!(iv.trace.outcome, Outcome::Rejected);
        assert_eq!(iv.next(), None);
        // Changed back: asked on from there.
        iv.answer(q.field, "消费者", today).expect("an answer");
        let q = iv.next().expect("a question");
        assert_eq!(p.rules.fields[q.field].key, "purchase.channel");
        // Not known: not asked again, the next ground's field instead.
        iv.answer(q.field, "不知道", today).expect("an answer");
        let next = iv.next().expect("a question");
        assert_ne!(next.field, q.field);
        assert_eq!(iv.asked.len(), 2);
    }

    #[test]
    fn a_written_record_reads_back_the_same() {
        let p = program();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/examples");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("examples")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        assert_eq!(files.len(), 3);
        for path in files {
            let bytes = std::fs::read(&path).expect("read");
            let mut rec = Record::new(p.rules.fields.len());
            crate::record::toml::load(&bytes, "x", &p.rules, &mut rec).expect("loads");
            let skipped = KeySet::one(p.rules.field("claim.facts").expect("declared"));
            let text = to_toml(&p.rules, &rec, skipped.minus(rec.present()), Lang::Zh);
            let mut back = Record::new(p.rules.fields.len());
            crate::record::toml::load(text.as_bytes(), "y", &p.rules, &mut back)
                .unwrap_or_else(|e| panic!("{text}\n{:?}", e.diagnostics));
            for slot in 0..p.rules.fields.len() {
                assert_eq!(
                    show_value(&p.rules, &rec, slot, Lang::Zh),
                    show_value(&p.rules, &back, slot, Lang::Zh),
                    "{}: {}",
                    path.display(),
                    p.rules.fields[slot].key
                );
            }
            assert_eq!(
                p.evaluate(&rec).expect("eval"),
                p.evaluate(&back).expect("eval")
            );
            assert_eq!(
                skipped_in(&p.rules, &text),
                skipped.minus(rec.present()),
                "{text}"
            );
        }
    }

    #[test]
    fn text_is_escaped_in_toml() {
        let p = program();
        let mut rec = Record::new(p.rules.fields.len());
        let slot = p.rules.field("complainant.name").expect("declared");
        let v = rec.push_text("a \"quoted\" \\ name\u{7}");
        rec.set(slot, v);
        let text = to_toml(&p.rules, &rec, KeySet::EMPTY, Lang::En);
        assert!(
            text.contains(r#"name = "a \"quoted\" \\ name\u0007""#),
            "{text}"
        );
        let mut back = Record::new(p.rules.fields.len());
        crate::record::toml::load(text.as_bytes(), "y", &p.rules, &mut back).expect("loads");
        let Value::Text(r) = back.get(slot) else {
            panic!()
        };
        assert_eq!(back.text(r), "a \"quoted\" \\ name\u{7}");
    }

    #[test]
    fn case_numbers_follow_their_pattern() {
        let d = Date::new(2026, 3, 5).expect("date");
        assert_eq!(case_number("{date}-{n}", d, 7), "20260305-007");
        assert_eq!(case_number("TS{year}-{n}", d, 1234), "TS2026-1234");
        assert_eq!(case_number("fixed", d, 1), "fixed");
    }

    #[test]
    fn the_reference_date_defaults_to_today_and_office_fields_are_the_clerks_judgement() {
        let p = crate::load::builtin_named("samr")
            .map(|b| crate::load_rules(b.file, b.text.as_bytes()).expect("samr loads"))
            .expect("samr is built in");
        let mut rec = Record::new(p.rules.fields.len());
        let today = Date::new(2026, 3, 5).expect("date");
        prefill(&p.rules, &mut rec, today, "X-1");
        let received = p.rules.reference.expect("samr has a reference date");
        assert_eq!(rec.get(received), Value::Date(today));
        let office = p
            .rules
            .fields
            .iter()
            .find(|f| f.office)
            .expect("an office field");
        assert!(wording(office, Lang::Zh).starts_with("请您（办理人员）判断："));
        let iv = Interview::new(&p, rec).expect("evaluates");
        assert!(iv.next().is_some());
    }
}
