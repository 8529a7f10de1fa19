//! Notices to the complainant: the rule file's `notice` for the record's
//! outcome, filled in from the record and its evaluation, and laid out as
//! plain text, printable HTML (A4) or a Word document (DOCX).
//!
//! What reaches the complainant is plain words: labels and values, the
//! regulation's own text and the facts that made a ground true; never a key
//! or a clause trace. Personal fields are filled in only on the `to` line
//! (the checker refuses them elsewhere), and masked there too when
//! redacting.

pub mod docx;

use std::fmt::Write as _;

use crate::compile::Program;
use crate::diag::{Lang, Msg};
use crate::eval::{Deciding, Status, Trace};
use crate::model::{ClauseKind, EachHole, LineKind, NoticePiece, Outcome, Ty};
use crate::record::Record;
use crate::report::{self, Options as ReportOptions};
use crate::value::{Date, Value};

/// How a notice is written.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub lang: Lang,
    /// Mask the personal data of the addressee block too.
    pub redact: bool,
    /// The notice's date (`{notice.date}`).
    pub date: Date,
}

/// A notice filled in: its title and its lines, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Filled {
    pub outcome: Outcome,
    pub title: String,
    pub lines: Vec<(LineKind, String)>,
}

/// Why no notice can be written.
#[derive(Debug, Clone, PartialEq)]
pub enum NoticeError {
    /// The rule file writes no notice for the outcome.
    NoTemplate(Outcome),
    /// Incomplete, but nothing is missing that the complainant could supply:
    /// the office must first determine these (their labels).
    NothingToAsk(Vec<String>),
}

impl NoticeError {
    pub fn message(&self) -> Msg {
        match self {
            NoticeError::NoTemplate(o) => Msg::new(
                format!(
                    "规则文件没有写结论为“{}”的通知书（notice {} \"…\" {{ … }}）",
                    o.label(Lang::Zh),
                    o.code()
                ),
                format!(
                    "the rule file writes no notice for the outcome {} (`notice {} \"…\" {{ … }}`)",
                    o.code(),
                    o.code()
                ),
            ),
            NoticeError::NothingToAsk(labels) => Msg::new(
                format!(
                    "待补正，但没有需要投诉人补正的材料：以下事项应由本机关认定，认定后再审查：{}",
                    labels.join("、")
                ),
                format!(
                    "incomplete, but nothing is missing that the complainant can supply; the office must first determine: {}",
                    labels.join(", ")
                ),
            ),
        }
    }
}

/// One entry of an `each` line.
#[derive(Default)]
struct Entry {
    item: String,
    id: String,
    title: String,
    source: String,
    facts: String,
    choices: String,
    date: String,
}

/// Fills in the notice for the record's outcome.
pub fn fill(
    program: &Program,
    rec: &Record,
    trace: &Trace,
    opts: Options,
) -> Result<Filled, NoticeError> {
    let rules = &program.rules;
    let outcome = trace.outcome;
    let on = match rules.reference.map(|f| rec.get(f)) {
        Some(Value::Date(d)) => Some(d),
        _ => None,
    };
    let notice = rules
        .notice(outcome, on)
        .ok_or(NoticeError::NoTemplate(outcome))?;
    let lang = opts.lang;
    // The body's words: personal data masked whatever the options say.
    let body = ReportOptions { lang, redact: true };
    let rep = report::build(program, rec, trace, "", Vec::new(), body);

    let mut entries: Vec<Entry> = Vec::new();
    match outcome {
        Outcome::Rejected => {
            for i in trace.fired(program) {
                let c = &rules.clauses[i];
                let facts = rep
                    .clauses
                    .iter()
                    .find(|r| r.id == c.id)
                    .and_then(|r| r.explanation.clone())
                    .unwrap_or_default();
                entries.push(Entry {
                    item: item_number(&c.id),
                    id: c.id.clone(),
                    title: c.title.get(lang).to_string(),
                    source: c.source.clone().unwrap_or_default(),
                    facts,
                    ..Entry::default()
                });
            }
            if entries.is_empty()
                && trace.deciding == Deciding::Scope
                && let Some(s) = &rules.scope
            {
                entries.push(Entry {
                    item: item_number(&s.id),
                    id: s.id.clone(),
                    title: s.title.get(lang).to_string(),
                    source: s.source.clone().unwrap_or_default(),
                    facts: rep.reason.clone(),
                    ..Entry::default()
                });
            }
        }
        Outcome::Incomplete => {
            if rep.ask_for.is_empty() {
                return Err(NoticeError::NothingToAsk(
                    rep.to_determine
                        .iter()
                        .map(|a| a.label.to_string())
                        .collect(),
                ));
            }
            for a in &rep.ask_for {
                entries.push(Entry {
                    title: a.label.to_string(),
                    choices: a.choices.join(if lang == Lang::Zh { "、" } else { ", " }),
                    ..Entry::default()
                });
            }
        }
        Outcome::Accepted => {
            for (i, c) in rules.clauses.iter().enumerate() {
                if c.kind != ClauseKind::Deadline || trace.clause(i).status != Status::Due {
                    continue;
                }
                let d = rep.deadline_clauses.iter().find(|d| d.id == c.id);
                entries.push(Entry {
                    item: item_number(&c.id),
                    id: c.id.clone(),
                    title: c.title.get(lang).to_string(),
                    source: c.source.clone().unwrap_or_default(),
                    facts: d.and_then(|d| d.explanation.clone()).unwrap_or_default(),
                    date: trace
                        .due(i)
                        .map(|d| date_words(d, lang))
                        .unwrap_or_default(),
                    ..Entry::default()
                });
            }
        }
    }
    let items = entries
        .iter()
        .map(|e| e.item.trim_start_matches('（').trim_end_matches('）'))
        .collect::<Vec<_>>()
        .join("、");

    let mut lines = Vec::new();
    for line in &notice.lines {
        let redact = line.kind != LineKind::To || opts.redact;
        let ropts = ReportOptions { lang, redact };
        let write = |entry: Option<(usize, &Entry)>| {
            let mut out = String::new();
            for piece in line.get(lang) {
                match piece {
                    NoticePiece::Text(t) => out.push_str(t),
                    NoticePiece::Field(f) => {
                        let field = &rules.fields[*f];
                        match rec.get(*f) {
                            Value::Date(d) => out.push_str(&date_words(d, lang)),
                            v => out.push_str(&report::value_words(
                                program,
                                rec,
                                trace,
                                ropts,
                                v,
                                Some(field),
                            )),
                        }
                    }
                    NoticePiece::Define(d) => {
                        let ty = rules.defines[*d].expr.ty;
                        let field = match ty {
                            Ty::Enum(f) | Ty::List(f) => Some(&rules.fields[f]),
                            _ => None,
                        };
                        match trace.defines.get(*d).copied().unwrap_or(Value::Absent) {
                            Value::Date(d) => out.push_str(&date_words(d, lang)),
                            v => out.push_str(&report::value_words(
                                program, rec, trace, ropts, v, field,
                            )),
                        }
                    }
                    NoticePiece::Due(i) => match trace.due(*i) {
                        Some(d) => out.push_str(&date_words(d, lang)),
                        None => out.push_str(if lang == Lang::Zh {
                            "（日期待定）"
                        } else {
                            "(date to be set)"
                        }),
                    },
                    NoticePiece::Date => out.push_str(&date_words(opts.date, lang)),
                    NoticePiece::Items => out.push_str(&items),
                    NoticePiece::Each(hole) => {
                        let Some((n, e)) = entry else { continue };
                        match hole {
                            EachHole::N => {
                                let _ = write!(out, "{n}");
                            }
                            EachHole::Item => out.push_str(&e.item),
                            EachHole::Id => out.push_str(&e.id),
                            EachHole::Title => out.push_str(&e.title),
                            EachHole::Source => out.push_str(&e.source),
                            EachHole::Wording => {
                                let from = e
                                    .source
                                    .find(e.item.as_str())
                                    .filter(|_| e.item.starts_with('（'));
                                out.push_str(from.map_or(e.source.as_str(), |i| &e.source[i..]))
                            }
                            EachHole::Facts => out.push_str(&e.facts),
                            EachHole::Choices => out.push_str(&e.choices),
                            EachHole::Date => out.push_str(&e.date),
                        }
                    }
                }
            }
            out
        };
        if line.kind == LineKind::Each {
            for (n, e) in entries.iter().enumerate() {
                lines.push((line.kind, write(Some((n + 1, e)))));
            }
        } else {
            lines.push((line.kind, write(None)));
        }
    }
    Ok(Filled {
        outcome,
        title: notice.title.get(lang).to_string(),
        lines,
    })
}

/// 2024年3月5日 (or 2024-03-05 in English).
pub fn date_words(d: Date, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Lang::En => d.to_string(),
    }
}

/// The item a clause id names, as the regulation numbers it: `16(3)` and
/// `1.3(3)` → （三）; an id without a parenthesised number is itself.
pub fn item_number(id: &str) -> String {
    let inner = id
        .rsplit_once('(')
        .and_then(|(_, r)| r.strip_suffix(')'))
        .or_else(|| id.rsplit_once('（').and_then(|(_, r)| r.strip_suffix('）')));
    match inner.and_then(|n| n.parse::<u32>().ok()) {
        Some(n) if (1..100).contains(&n) => format!("（{}）", chinese_number(n)),
        _ => id.to_string(),
    }
}

/// 1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (below 100).
fn chinese_number(n: u32) -> String {
    const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let (tens, ones) = (n / 10, n % 10);
    let mut s = String::new();
    if tens > 1 {
        s.push_str(DIGITS[tens as usize]);
    }
    if tens > 0 {
        s.push('十');
    }
    if ones > 0 || tens == 0 {
        s.push_str(DIGITS[ones as usize]);
    }
    s
}

/// Text from the record, made safe to print: control characters shown as
/// escapes.
fn safe(text: &str) -> std::borrow::Cow<'_, str> {
    crate::sanitize::escape(text)
}

/// The notice as plain text, lines of at most `width` columns for the
/// right-set lines.
pub fn text(n: &Filled) -> String {
    use unicode_width::UnicodeWidthStr;
    const WIDTH: usize = 60;
    let mut out = String::new();
    let centred = |s: &str, out: &mut String| {
        let pad = WIDTH.saturating_sub(s.width()) / 2;
        let _ = writeln!(out, "{}{s}", " ".repeat(pad));
    };
    centred(&safe(&n.title), &mut out);
    let mut prev = None;
    for (kind, line) in &n.lines {
        let line = safe(line);
        match kind {
            LineKind::Number => centred(&line, &mut out),
            LineKind::To => {
                if prev != Some(LineKind::To) {
                    out.push('\n');
                }
                let _ = writeln!(out, "{line}");
            }
            LineKind::Para => {
                let _ = writeln!(out, "    {line}");
            }
            LineKind::Each => {
                let _ = writeln!(out, "    {line}");
            }
            LineKind::Sign => {
                if prev != Some(LineKind::Sign) {
                    out.push('\n');
                }
                let pad = WIDTH.saturating_sub(line.width());
                let _ = writeln!(out, "{}{line}", " ".repeat(pad));
            }
        }
        prev = Some(*kind);
    }
    out
}

/// `&`, `<`, `>`, `"` and `'` as entities, for HTML and XML alike; control
/// characters (which XML 1.0 cannot hold) shown as escapes first.
pub fn xml_escape(text: &str) -> String {
    crate::sanitize::html(&safe(text))
}

/// The fonts a Chinese official letter is set in, with fallbacks for
/// machines without them.
const SERIF: &str = "\"FangSong\", \"STFangsong\", \"SimSun\", \"Songti SC\", \"Noto Serif CJK SC\", \"Source Han Serif SC\", serif";
const HEADING: &str = "\"SimHei\", \"Heiti SC\", \"Noto Sans CJK SC\", \"Source Han Sans SC\", \"Microsoft YaHei\", sans-serif";

/// The notice as a printable HTML page (A4, one page for a usual notice).
pub fn html(n: &Filled, lang: Lang) -> String {
    let mut out = String::new();
    let title = xml_escape(&n.title);
    let lang_attr = if lang == Lang::Zh { "zh-CN" } else { "en" };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{lang_attr}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title}</title>\n<style>\n\
         @page {{ size: A4; margin: 37mm 26mm 35mm 28mm; }}\n\
         html {{ background: #eee; }}\n\
         body {{ font-family: {SERIF}; font-size: 16pt; line-height: 1.75; color: #000; \
         background: #fff; width: 156mm; min-height: 225mm; margin: 10mm auto; padding: 37mm 26mm 35mm 28mm; }}\n\
         h1 {{ font-family: {HEADING}; font-size: 22pt; font-weight: normal; text-align: center; \
         letter-spacing: 0.1em; margin: 0 0 0.5em; }}\n\
         p {{ margin: 0; text-indent: 2em; }}\n\
         p.number {{ text-align: center; text-indent: 0; margin-bottom: 1em; }}\n\
         p.to {{ text-indent: 0; }}\n\
         p.each {{ text-indent: 2em; }}\n\
         p.sign {{ text-align: right; text-indent: 0; }}\n\
         p.sign.first {{ margin-top: 2em; }}\n\
         @media print {{ html {{ background: none; }} \
         body {{ width: auto; min-height: 0; margin: 0; padding: 0; }} }}\n\
         </style>\n</head>\n<body>\n<h1>{title}</h1>\n"
    );
    let mut prev = None;
    for (kind, line) in &n.lines {
        let class = match kind {
            LineKind::Number => "number",
            LineKind::To => "to",
            LineKind::Para => "para",
            LineKind::Each => "each",
            LineKind::Sign if prev != Some(LineKind::Sign) => "sign first",
            LineKind::Sign => "sign",
        };
        let _ = writeln!(out, "<p class=\"{class}\">{}</p>", xml_escape(line));
        prev = Some(*kind);
    }
    out.push_str("</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_numbered_as_the_regulation_numbers_them() {
        assert_eq!(item_number("16(1)"), "（一）");
        assert_eq!(item_number("1.3(10)"), "（十）");
        assert_eq!(item_number("15(12)"), "（十二）");
        assert_eq!(item_number("x(21)"), "（二十一）");
        assert_eq!(item_number("2.1"), "2.1");
        assert_eq!(item_number("9（3）"), "（三）");
    }

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            xml_escape("<a href=\"x\">&'\u{1b}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;\\u{1b}"
        );
    }
}
