//! One value from any record source → a typed [`Value`], checked against
//! its field's declaration.

use crate::base::format_cents;
use crate::diag::Msg;
use crate::model::{Field, FieldType};
use crate::syntax::{LitKind, build_parse_date, build_parse_number};
use crate::value::{Date, Value};

use super::Record;

/// A value as a record source gives it, before its field's type is applied.
#[derive(Debug, Clone, Copy)]
pub enum Raw<'a> {
    /// A quoted string (TOML, JSON).
    Str(&'a str),
    /// Text whose type comes from the field (a CSV cell).
    Cell(&'a str),
    Int(i64),
    /// A float, with its source text where the source keeps it (TOML), so
    /// that `399.00` is read exactly.
    Float(f64, Option<&'a str>),
    Bool(bool),
    Date(Date),
}

/// Why a value does not fit its field: a message and perhaps a hint. The
/// loader adds the file, line and key.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueError {
    pub message: Msg,
    pub help: Option<Msg>,
}

impl ValueError {
    fn new(message: Msg) -> ValueError {
        ValueError {
            message,
            help: None,
        }
    }

    fn help(mut self, help: Msg) -> ValueError {
        self.help = Some(help);
        self
    }
}

/// What a field accepts, in words.
pub fn describe_type(ty: &FieldType) -> Msg {
    match ty {
        FieldType::Text => Msg::new("文字", "text"),
        FieldType::Integer => Msg::new("整数", "a whole number"),
        FieldType::Decimal => Msg::new(
            "数字（最多两位小数）",
            "a number with at most two decimal places",
        ),
        FieldType::Bool => Msg::new("true 或 false", "true or false"),
        FieldType::Date => Msg::new("日期（如 2024-03-05）", "a date like 2024-03-05"),
        FieldType::Enum(values) => Msg::new(
            format!("以下取值之一：{}", list_values(values, true)),
            format!("one of {}", list_values(values, false)),
        ),
        FieldType::List(values) => Msg::new(
            format!("由以下取值组成的列表：{}", list_values(values, true)),
            format!("a list of {}", list_values(values, false)),
        ),
    }
}

fn list_values(values: &[crate::model::EnumValue], zh: bool) -> String {
    let (sep, open, close) = if zh {
        ("、", "（", "）")
    } else {
        (", ", " (", ")")
    };
    values
        .iter()
        .map(|v| format!("\"{}\"{open}{}{close}", v.code, v.label.zh))
        .collect::<Vec<_>>()
        .join(sep)
}

fn describe_raw(raw: &Raw) -> Msg {
    match raw {
        Raw::Str(s) | Raw::Cell(s) => {
            Msg::new(format!("文字 \"{s}\""), format!("the text \"{s}\""))
        }
        Raw::Int(i) => Msg::new(format!("整数 {i}"), format!("the number {i}")),
        Raw::Float(f, text) => {
            // `{:?}` keeps the point: a JSON `1.0` shows as 1.0, not 1.
            let shown = text.map_or_else(|| format!("{f:?}"), str::to_string);
            Msg::new(format!("小数 {shown}"), format!("the number {shown}"))
        }
        Raw::Bool(b) => Msg::new(format!("布尔值 {b}"), format!("the boolean {b}")),
        Raw::Date(d) => Msg::new(format!("日期 {d}"), format!("the date {d}")),
    }
}

fn mismatch(field: &Field, raw: &Raw) -> ValueError {
    let want = describe_type(&field.ty);
    let got = describe_raw(raw);
    ValueError::new(Msg::new(
        format!("应为{}，实际是{}", want.zh, got.zh),
        format!("expected {}, found {}", want.en, got.en),
    ))
}

/// Converts one raw value for `field`; an empty (or blank) string is absent.
pub fn convert(field: &Field, raw: Raw, rec: &mut Record) -> Result<Value, ValueError> {
    if let Raw::Str(s) | Raw::Cell(s) = raw
        && trim(s).is_empty()
    {
        return Ok(Value::Absent);
    }
    let value = match (&field.ty, raw) {
        (FieldType::Text, Raw::Str(s) | Raw::Cell(s)) => rec.push_text(s),
        (FieldType::Enum(_), Raw::Str(s) | Raw::Cell(s)) => Value::Enum(enum_code(field, trim(s))?),
        (FieldType::List(_), Raw::Cell(s)) => {
            let mut set = 0u64;
            for item in s
                .split([';', '；'])
                .map(str::trim)
                .filter(|i| !i.is_empty())
            {
                set |= 1 << enum_code(field, item)?;
            }
            Value::Set(set)
        }
        (FieldType::Date, Raw::Str(s) | Raw::Cell(s)) => Value::Date(date_text(trim(s))?),
        (FieldType::Date, Raw::Date(d)) => Value::Date(date_in_range(d)?),
        (FieldType::Bool, Raw::Bool(b)) => Value::Bool(b),
        // A yes/no answer as a clerk writes it, in any source: 是/否 as the
        // enums accept their Chinese labels, and true/false in quotes.
        (FieldType::Bool, Raw::Str(s) | Raw::Cell(s)) => match bool_text(trim(s)) {
            Some(b) => Value::Bool(b),
            None => {
                return Err(mismatch(field, &raw).help(Msg::new(
                    "写作 true 或 false（也可写 是 或 否）",
                    "write true or false (是 or 否 are accepted too)",
                )));
            }
        },
        (FieldType::Integer, Raw::Int(i)) => Value::Int(i),
        // A whole number past i64 that a JSON reader could only give as a float.
        (FieldType::Integer, Raw::Float(f, _)) if f.fract() == 0.0 && f.abs() >= 9.2e18 => {
            return Err(too_large());
        }
        (FieldType::Integer, Raw::Cell(s)) => match build_parse_number(s.trim()) {
            Ok(LitKind::Int(i)) => Value::Int(i),
            _ => match grouped(s.trim()) {
                Some(plain) => return Err(thousands_error(s.trim(), &plain)),
                None => return Err(number_text_error(field, s)),
            },
        },
        (FieldType::Decimal, Raw::Int(i)) => Value::Dec(
            i.checked_mul(100)
                .ok_or_else(|| ValueError::new(Msg::new("数字太大", "number too large")))?,
        ),
        (FieldType::Decimal, Raw::Float(f, text)) => Value::Dec(decimal(f, text)?),
        (FieldType::Decimal, Raw::Cell(s)) => {
            let t = s.trim();
            match build_parse_number(t) {
                Ok(LitKind::Int(i)) => Value::Dec(i.checked_mul(100).ok_or_else(too_large)?),
                Ok(LitKind::Dec(d)) => Value::Dec(d),
                Err(_) if is_exponent(t) => return Err(exponent_error(t)),
                Err(_) if grouped(t).is_some() => {
                    return Err(thousands_error(t, &grouped(t).unwrap_or_default()));
                }
                Err(m) if is_plain_number(t) => return Err(ValueError::new(m).help(money_help())),
                _ => return Err(number_text_error(field, s)),
            }
        }
        (FieldType::Integer | FieldType::Decimal, Raw::Str(s)) => {
            let e = mismatch(field, &raw);
            return Err(if s.chars().any(is_full_width_digit) {
                e.help(full_width_help())
            } else if let Some((written, plain)) = super::thousands(s) {
                e.help(thousands_help(&written, &plain))
            } else {
                e.help(quoted_number_help(field, s))
            });
        }
        (FieldType::Text, _) => {
            let name = field.key.rsplit('.').next().unwrap_or(&field.key);
            return Err(mismatch(field, &raw).help(Msg::new(
                format!("文字要加英文双引号，例如 {name} = \"…\""),
                format!("text goes in double quotes, e.g. {name} = \"…\""),
            )));
        }
        _ => return Err(mismatch(field, &raw)),
    };
    check_bounds(field, value)?;
    Ok(value)
}

/// `s.trim()`, without walking the string from both ends when its first and
/// last characters are plainly no white space: an ASCII letter, digit or
/// sign, or a character from U+4000 to U+FFFF (most Chinese), none of which
/// Unicode counts as white space.
fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    let first = b
        .first()
        .is_some_and(|&c| c.is_ascii_graphic() || (0xE4..=0xEF).contains(&c));
    let last = match b {
        [.., c] if c.is_ascii_graphic() => true,
        // Valid UTF-8: a three-byte lead there starts the last character.
        [.., lead, _, _] => (0xE4..=0xEF).contains(lead),
        _ => false,
    };
    if first && last { s } else { s.trim() }
}

/// Converts one element of a list field.
pub fn convert_item(field: &Field, raw: Raw) -> Result<u16, ValueError> {
    match raw {
        Raw::Str(s) | Raw::Cell(s) => enum_code(field, trim(s)),
        _ => {
            let want = describe_type(&field.ty);
            let got = describe_raw(&raw);
            Err(ValueError::new(Msg::new(
                format!("列表中应为{}，实际是{}", want.zh, got.zh),
                format!("expected {} in the list, found {}", want.en, got.en),
            )))
        }
    }
}

fn enum_code(field: &Field, text: &str) -> Result<u16, ValueError> {
    let values = field.ty.values();
    if let Some(i) = values
        .iter()
        .position(|v| v.code == text || v.label.zh == text)
    {
        return Ok(i as u16);
    }
    let want = describe_type(&FieldType::Enum(values.to_vec()));
    let mut e = ValueError::new(Msg::new(
        format!("\"{text}\" 不是可选的取值；应为{}", want.zh),
        format!("\"{text}\" is not an allowed value; expected {}", want.en),
    ));
    if matches!(field.ty, FieldType::List(_)) && text.contains([',', '，', '、']) {
        e = e.help(Msg::new(
            "列表的各项分开写：CSV 单元格里用分号分隔（invoice;photo），TOML/JSON 写成列表 [\"invoice\", \"photo\"]",
            "give a list's items one by one: in a CSV cell separated by ; (invoice;photo), in TOML or JSON as a list [\"invoice\", \"photo\"]",
        ));
    } else if let Some(close) =
        crate::diag::did_you_mean(text, values.iter().map(|v| v.code.as_str()))
    {
        e = e.help(Msg::new(
            format!("是否想写 \"{close}\"？"),
            format!("did you mean \"{close}\"?"),
        ));
    }
    Err(e)
}

fn is_full_width_digit(c: char) -> bool {
    ('０'..='９').contains(&c)
}

fn full_width_help() -> Msg {
    Msg::new(
        "这里用了全角数字（如 １２），请改用半角数字 12",
        "these are full-width digits (like １２): type ASCII digits (12) instead",
    )
}

/// A hint for a number written as text: Chinese numerals, a unit after
/// the digits, or just the quotes.
fn quoted_number_help(field: &Field, s: &str) -> Msg {
    let name = field.key.rsplit('.').next().unwrap_or(&field.key);
    let sample = if field.ty == FieldType::Decimal {
        "399.00"
    } else {
        "1"
    };
    let digits: String = s
        .trim()
        .trim_end_matches(|c: char| !c.is_ascii_digit())
        .to_string();
    if s.chars()
        .any(|c| "一二三四五六七八九十百千万两零壹贰叁肆伍陆柒捌玖拾".contains(c))
    {
        Msg::new(
            format!("用阿拉伯数字书写，不加引号，例如 {name} = {sample}"),
            format!("write the number in digits, without quotes, e.g. {name} = {sample}"),
        )
    } else if !digits.is_empty()
        && digits.len() < s.trim().len()
        && build_parse_number(&digits).is_ok()
    {
        Msg::new(
            format!("去掉单位和引号，写作 {name} = {digits}"),
            format!("drop the unit and the quotes: {name} = {digits}"),
        )
    } else {
        Msg::new(
            format!("数字不加引号，例如 {name} = {sample}"),
            format!("write numbers without quotes, e.g. {name} = {sample}"),
        )
    }
}

fn number_text_error(field: &Field, s: &str) -> ValueError {
    let e = mismatch(field, &Raw::Cell(s));
    if s.chars().any(is_full_width_digit) {
        e.help(full_width_help())
    } else {
        e
    }
}

fn date_in_range(d: Date) -> Result<Date, ValueError> {
    if crate::syntax::YEARS.contains(&d.year()) {
        Ok(d)
    } else {
        Err(ValueError::new(Msg::new(
            format!("日期 {d} 的年份超出 1900–2200"),
            format!("the year of {d} is outside 1900–2200"),
        )))
    }
}

/// A date written as text: only `YYYY-MM-DD` is accepted, and other common
/// ways of writing a date get a hint showing that form.
fn date_text(s: &str) -> Result<Date, ValueError> {
    let iso = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if iso {
        // The digits are known: read them directly (the general parser
        // took a tenth of a JSON line's conversion time), and leave every
        // error, and its wording, to it.
        let b = s.as_bytes();
        let num = |r: std::ops::Range<usize>| {
            b[r].iter().fold(0i16, |n, &c| n * 10 + i16::from(c - b'0'))
        };
        let (y, m, d) = (num(0..4), num(5..7) as i8, num(8..10) as i8);
        if crate::syntax::YEARS.contains(&y)
            && let Ok(date) = Date::new(y, m, d)
        {
            return Ok(date);
        }
        return build_parse_date(s).map_err(ValueError::new);
    }
    let digits: Vec<&str> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    let not_iso = || {
        ValueError::new(Msg::new(
            format!("\"{s}\" 不是 YYYY-MM-DD 格式的日期"),
            format!("\"{s}\" is not a date in the form YYYY-MM-DD"),
        ))
    };
    let suggestion = match digits.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() <= 2 && d.len() <= 2 => {
            format!("{y}-{m:0>2}-{d:0>2}")
        }
        // 05/03/2024: the day and month order cannot be told unless one
        // of them is past 12.
        [a, b, y] if y.len() == 4 && a.len() <= 2 && b.len() <= 2 => {
            let (a, b) = (format!("{a:0>2}"), format!("{b:0>2}"));
            let (dm, md) = (format!("{y}-{b}-{a}"), format!("{y}-{a}-{b}"));
            let help = match (build_parse_date(&dm).is_ok(), build_parse_date(&md).is_ok()) {
                (true, true) if dm != md => Msg::new(
                    format!("日期写作 YYYY-MM-DD：是 {dm} 还是 {md}？"),
                    format!("write dates as YYYY-MM-DD: is it {dm} or {md}?"),
                ),
                (true, _) => Msg::new(format!("写作 {dm}"), format!("write it as {dm}")),
                (false, true) => Msg::new(format!("写作 {md}"), format!("write it as {md}")),
                (false, false) => example_help(),
            };
            return Err(not_iso().help(help));
        }
        // A spreadsheet's day number (45356 is 2024-03-05 in Excel).
        [n] if s.trim() == *n && n.len() == 5 => {
            return Err(not_iso().help(Msg::new(
                "这像是表格软件的日期序号：导出前把这一列设为日期格式（YYYY-MM-DD）",
                "this looks like a spreadsheet's day number: format the column as a date (YYYY-MM-DD) before exporting",
            )));
        }
        _ => return Err(not_iso().help(example_help())),
    };
    // The form it would have in YYYY-MM-DD, unless that is no real date
    // (2024/2/30): then showing it as the fix would mislead.
    let help = match build_parse_date(&suggestion) {
        Ok(_) => Msg::new(
            format!("写作 {suggestion}"),
            format!("write it as {suggestion}"),
        ),
        Err(_) => Msg::new(
            format!("日期写作 YYYY-MM-DD；而且 {suggestion} 这一天并不存在，请核对"),
            format!("write dates as YYYY-MM-DD; and {suggestion} is not a real date: check it"),
        ),
    };
    Err(not_iso().help(help))
}

/// The form of a date, by example, when nothing better can be said (the
/// example is not the value meant).
fn example_help() -> Msg {
    Msg::new(
        "日期写作 YYYY-MM-DD，例如 2024-03-05",
        "write dates as YYYY-MM-DD, e.g. 2024-03-05",
    )
}

/// `true`/`false` (any case TOML or a spreadsheet writes) or 是/否.
fn bool_text(s: &str) -> Option<bool> {
    match s {
        "true" | "TRUE" | "True" | "是" => Some(true),
        "false" | "FALSE" | "False" | "否" => Some(false),
        _ => None,
    }
}

/// A number in exponent notation (`3.99e2`, `1e-400`).
fn is_exponent(t: &str) -> bool {
    t.contains(['e', 'E']) && t.parse::<f64>().is_ok()
}

/// Digits with at most one point and a leading minus: a number in the
/// form money is written in, if perhaps with too many decimal places.
fn is_plain_number(t: &str) -> bool {
    let t = t.strip_prefix('-').unwrap_or(t);
    !t.is_empty()
        && t.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && t.bytes().filter(|&b| b == b'.').count() <= 1
}

/// The number without its commas, when all of `t` is one number written
/// with thousands separators (`1,399.00`, `-12,000`).
fn grouped(t: &str) -> Option<String> {
    let (written, plain) = super::thousands(t)?;
    let sign = t.len() - written.len();
    (t.ends_with(&written) && (sign == 0 || (sign == 1 && t.starts_with('-'))))
        .then(|| format!("{}{plain}", &t[..sign]))
}

fn money_help() -> Msg {
    Msg::new(
        "金额最多两位小数，写作 399.00 这样的普通小数",
        "money has at most two decimal places: write a plain number like 399.00",
    )
}

fn thousands_help(written: &str, plain: &str) -> Msg {
    Msg::new(
        format!("{written} 用了千位分隔符（逗号）；数字不加分隔符，写作 {plain}"),
        format!(
            "{written} has thousands separators (commas): write numbers without them, as {plain}"
        ),
    )
}

fn thousands_error(written: &str, plain: &str) -> ValueError {
    ValueError::new(Msg::new(
        format!("`{written}` 用了千位分隔符，不是可读的数字"),
        format!("`{written}` is written with thousands separators, which are not read"),
    ))
    .help(thousands_help(written, plain))
}

fn exponent_error(text: &str) -> ValueError {
    ValueError::new(Msg::new(
        format!("`{text}` 用了科学计数法，金额不接受这种写法"),
        format!("`{text}` is in exponent notation, which is not accepted for money"),
    ))
    .help(money_help())
}

/// A decimal from a float. Where the source keeps the number's text (TOML,
/// JSON), the text is read exactly, and exponent notation is refused:
/// `1e-400` would silently be 0 while `0.0000000001` is refused.
/// An amount as money is written, `-?D+(.D{1,2})?` with at most 15 whole
/// digits, in cents: what `build_parse_number` makes of such a text, without
/// its general path. `None` for any other text.
fn plain_cents(text: &str) -> Option<i64> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 15 || !digits(whole) {
        return None;
    }
    let units = whole
        .bytes()
        .fold(0i64, |n, b| n * 10 + i64::from(b - b'0'));
    let cents = match fraction.map(str::as_bytes) {
        None => 0,
        Some(&[t]) if t.is_ascii_digit() => i64::from(t - b'0') * 10,
        Some(&[t, h]) if t.is_ascii_digit() && h.is_ascii_digit() => {
            i64::from(t - b'0') * 10 + i64::from(h - b'0')
        }
        Some(_) => return None,
    };
    let value = units * 100 + cents;
    Some(if negative { -value } else { value })
}

fn decimal(f: f64, text: Option<&str>) -> Result<i64, ValueError> {
    if let Some(text) = text {
        // TOML's `1_399.00`; JSON never has an underscore, and allocates
        // nothing here.
        let plain = if text.contains('_') {
            std::borrow::Cow::Owned(text.replace('_', ""))
        } else {
            std::borrow::Cow::Borrowed(text)
        };
        if let Some(cents) = plain_cents(&plain) {
            return Ok(cents);
        }
        if is_exponent(&plain) {
            return Err(exponent_error(text));
        }
        if f.is_finite() {
            match build_parse_number(&plain) {
                Ok(LitKind::Dec(d)) => return Ok(d),
                Ok(LitKind::Int(i)) => return i.checked_mul(100).ok_or_else(too_large),
                Err(m) => return Err(ValueError::new(m).help(money_help())),
                Ok(_) => {}
            }
        }
    }
    if !f.is_finite() {
        return Err(ValueError::new(Msg::new(
            format!("{f} 不是有效的金额"),
            format!("{f} is not a valid amount"),
        )));
    }
    let cents = f * 100.0;
    if cents.abs() > 9.0e15 {
        return Err(too_large());
    }
    let rounded = cents.round();
    if (cents - rounded).abs() > 1e-6 {
        return Err(ValueError::new(Msg::new(
            format!("{f} 的小数超过两位"),
            format!("{f} has more than two decimal places"),
        ))
        .help(money_help()));
    }
    Ok(rounded as i64)
}

fn too_large() -> ValueError {
    ValueError::new(Msg::new("数字太大", "number too large"))
}

fn check_bounds(field: &Field, value: Value) -> Result<(), ValueError> {
    let (n, show): (i64, fn(i64) -> String) = match value {
        Value::Int(i) => (i, |i| i.to_string()),
        Value::Dec(d) => (d, |d| format_cents(d)),
        _ => return Ok(()),
    };
    if let Some(min) = field.min
        && n < min
    {
        return Err(ValueError::new(Msg::new(
            format!("不能小于 {}，实际是 {}", show(min), show(n)),
            format!("must be at least {}, found {}", show(min), show(n)),
        )));
    }
    if let Some(max) = field.max
        && n > max
    {
        return Err(ValueError::new(Msg::new(
            format!("不能大于 {}，实际是 {}", show(max), show(n)),
            format!("must be at most {}, found {}", show(max), show(n)),
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut trims exactly as `str::trim` on texts that start or end
    /// with every kind of character near its rule: ASCII, Unicode white
    /// space of two and three bytes (U+00A0, U+2003, U+3000), ideographs on
    /// both sides of U+4000, and a four-byte character.
    #[test]
    fn trim_is_str_trim() {
        let pieces = [
            "", "a", " ", "\t", "\u{b}", "\u{a0}", "\u{2003}", "\u{3000}", "\u{3fff}", "\u{4000}",
            "中", "\u{fffd}", "\u{feff}", "𠀀", "-", "~", "\u{7f}", "é",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let s = format!("{a}{b}{c}");
                    assert_eq!(trim(&s), s.trim(), "{s:?}");
                }
            }
        }
    }

    /// Money as written, read the short way, is what the general number
    /// parser reads; anything else is left to it.
    #[test]
    fn plain_cents_is_the_general_parse() {
        let mut texts: Vec<String> = [
            "0",
            "-0",
            "0.0",
            "-0.0",
            "7",
            "12.5",
            "399.00",
            "-12.34",
            "007.5",
            "1.",
            ".5",
            "-",
            "",
            "1.234",
            "1e2",
            "+1",
            "1_0",
            "999999999999999",
            "999999999999999.99",
            "9999999999999999",
            "1.2.3",
            "１２",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for n in [1u64, 9, 10, 99, 100, 123_456, 987_654_321] {
            for frac in ["", ".0", ".5", ".05", ".50", ".99"] {
                texts.push(format!("{n}{frac}"));
                texts.push(format!("-{n}{frac}"));
            }
        }
        let mut taken = 0;
        for t in &texts {
            let general = match build_parse_number(t) {
                Ok(LitKind::Dec(d)) => Some(d),
                Ok(LitKind::Int(i)) => i.checked_mul(100),
                _ => None,
            };
            if let Some(cents) = plain_cents(t) {
                taken += 1;
                assert_eq!(Some(cents), general, "{t:?}");
            }
        }
        assert!(taken > 80, "only {taken} texts read the short way");
        assert_eq!(plain_cents("1.234"), None);
        assert_eq!(plain_cents("-12.34"), Some(-1234));
    }
}
