//! The desk's web page (`shouli serve`): the interview as one HTML form.
//! The form carries every answer so far; each submission is read with the
//! same answer parser as the terminal, evaluated, and the page drawn again
//! with the next question first, the answers below it, and the live
//! verdict beside them. The page computes nothing: its one script submits
//! the form when a choice is made. Everything from the rule file or the
//! clerk is HTML-escaped; no external asset is named.

use std::fmt::Write as _;

use super::{Answer, Interview, Question, parse_answer, wording};
use crate::compile::Program;
use crate::diag::{Lang, Msg};
use crate::model::{Field, FieldId, FieldType, Outcome};
use crate::record::Record;
use crate::report::{self, Options, Report};
use crate::value::{Date, KeySet, Value};

/// The answer a form sends for "not known".
pub const UNKNOWN: &str = "?";

/// A submitted form read against the rules: the interview state, and the
/// answers that could not be read (kept as typed, with what is expected).
pub struct State<'p> {
    pub interview: Interview<'p>,
    pub errors: Vec<(FieldId, String, Msg)>,
    pub lang: Lang,
}

impl<'p> State<'p> {
    /// Reads the form's `key=value` pairs (a list field may repeat its key);
    /// pairs whose name is not a field are ignored. Prefills the date
    /// received and the case number as the terminal does.
    pub fn read(
        program: &'p Program,
        pairs: &[(String, String)],
        today: Date,
        case_number: &str,
    ) -> Result<State<'p>, Msg> {
        let rules = &program.rules;
        let lang = match pairs.iter().rev().find(|(k, _)| k == "lang") {
            Some((_, v)) if v == "en" => Lang::En,
            _ => Lang::Zh,
        };
        let mut rec = Record::new(rules.fields.len());
        let mut skipped = KeySet::EMPTY;
        let mut errors = Vec::new();
        for (slot, field) in rules.fields.iter().enumerate() {
            let values: Vec<&str> = pairs
                .iter()
                .filter(|(k, v)| *k == field.key && !v.trim().is_empty())
                .map(|(_, v)| v.as_str())
                .collect();
            if values.is_empty() {
                continue;
            }
            if values.contains(&UNKNOWN) {
                skipped.insert(slot);
                continue;
            }
            let text = values.join(",");
            match parse_answer(field, &text, today, &mut rec) {
                Ok(Answer::Value(v)) => rec.set(slot, v),
                Ok(Answer::Unknown) => skipped.insert(slot),
                Err(m) => errors.push((slot, text, m)),
            }
        }
        super::prefill(rules, &mut rec, today, case_number);
        let mut interview = Interview::new(program, rec).map_err(|_| {
            Msg::new(
                "记录中的日期使期限计算超出范围，请核对日期",
                "a date in the record takes a deadline's computation out of range; check the dates",
            )
        })?;
        interview.skipped = skipped;
        Ok(State {
            interview,
            errors,
            lang,
        })
    }

    /// The next question, unless an answer must be corrected first.
    pub fn next(&self) -> Option<Question> {
        self.interview.next()
    }

    pub fn report(&self) -> Report<'p> {
        let iv = &self.interview;
        let id = crate::record::id_or(&iv.program.rules, &iv.rec, String::new());
        report::build(
            iv.program,
            &iv.rec,
            &iv.trace,
            &id,
            vec![],
            Options {
                lang: self.lang,
                redact: false,
            },
        )
    }
}

/// HTML-escaped text.
pub fn h(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {
                let _ = write!(out, "&#xFFFD;");
            }
            c => out.push(c),
        }
    }
    out
}

/// What the page needs besides the state.
pub struct PageOptions<'a> {
    /// The per-process token a state-changing request must send back.
    pub csrf: &'a str,
    /// Whether the server saves into a folder (`--cases`).
    pub can_save: bool,
    /// A message at the top (saved, or why not).
    pub notice: Option<(bool, String)>,
}

struct Words {
    next: &'static str,
    answers: &'static str,
    why: &'static str,
    unknown: &'static str,
    yes: &'static str,
    no: &'static str,
    choose: &'static str,
    go: &'static str,
    download: &'static str,
    save: &'static str,
    verdict: &'static str,
    deciding: &'static str,
    reason: &'static str,
    ask: &'static str,
    determine: &'static str,
    deadlines: &'static str,
    done: &'static str,
    switch: &'static str,
    new: &'static str,
    print: &'static str,
    by: &'static str,
    no_date: &'static str,
    colon: &'static str,
    open: &'static str,
    close: &'static str,
}

const ZH: Words = Words {
    next: "下一个问题",
    answers: "已记录的回答（可修改）",
    why: "为何问",
    unknown: "不知道",
    yes: "是",
    no: "否",
    choose: "请选择",
    go: "下一步",
    download: "下载记录（TOML）",
    save: "保存到案卷夹",
    verdict: "结论",
    deciding: "决定条款",
    reason: "理由",
    ask: "请投诉人补充",
    determine: "待核实（由受理机构判断）",
    deadlines: "期限",
    done: "结论已定，不必再问。请核对回答，然后保存。",
    switch: "English",
    new: "新投诉",
    print: "打印",
    by: "最迟",
    no_date: "无法计算",
    colon: "：",
    open: "（",
    close: "）",
};

const EN: Words = Words {
    next: "Next question",
    answers: "Answers so far (change any)",
    why: "Why",
    unknown: "Not known",
    yes: "Yes",
    no: "No",
    choose: "Choose",
    go: "Next",
    download: "Download the record (TOML)",
    save: "Save to the case folder",
    verdict: "Outcome",
    deciding: "Deciding clause",
    reason: "Reason",
    ask: "Ask the complainant for",
    determine: "For the office to determine",
    deadlines: "Deadlines",
    done: "The outcome is settled: nothing more to ask. Review the answers, then save.",
    switch: "中文",
    new: "New complaint",
    print: "Print",
    by: "by",
    no_date: "cannot be computed",
    colon: ": ",
    open: " (",
    close: ")",
};

const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");

/// The whole page.
pub fn render(state: &State, opts: &PageOptions) -> String {
    let lang = state.lang;
    let w = match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    };
    let iv = &state.interview;
    let rules = &iv.program.rules;
    let mut out = String::with_capacity(16 * 1024);
    let html_lang = if lang == Lang::Zh { "zh-CN" } else { "en" };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{html_lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} — shouli</title><style>{STYLE}</style></head><body>",
        h(&rules.title)
    );
    let other = if lang == Lang::Zh { "en" } else { "zh" };
    let _ = write!(
        out,
        "<form method=\"post\" action=\"/\" id=\"desk\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <input type=\"hidden\" name=\"lang\" value=\"{}\">\
         <button type=\"submit\" name=\"action\" value=\"next\" class=\"default\" tabindex=\"-1\" aria-hidden=\"true\"></button>\
         <header><h1>{}</h1><nav>\
         <a class=\"link\" href=\"/?lang={}\">{}</a>\
         <button type=\"submit\" name=\"lang\" value=\"{other}\" class=\"link\">{}</button>\
         <button type=\"button\" class=\"link\" onclick=\"window.print()\">{}</button></nav></header>",
        h(opts.csrf),
        if lang == Lang::Zh { "zh" } else { "en" },
        h(&rules.title),
        if lang == Lang::Zh { "zh" } else { "en" },
        w.new,
        w.switch,
        w.print,
    );
    if let Some((ok, text)) = &opts.notice {
        let class = if *ok { "notice ok" } else { "notice bad" };
        let _ = write!(out, "<p class=\"{class}\" role=\"status\">{}</p>", h(text));
    }
    out.push_str("<main>");
    // The questions: the next one (or one to correct) first.
    out.push_str("<section class=\"questions\">");
    let erred: Vec<FieldId> = state.errors.iter().map(|e| e.0).collect();
    let next = state.next();
    if !state.errors.is_empty() {
        for (f, text, m) in &state.errors {
            question(&mut out, state, *f, None, Some((text, m)), w, true);
        }
    } else if let Some(q) = next {
        let _ = write!(out, "<h2 class=\"next\">{}</h2>", w.next);
        question(&mut out, state, q.field, Some(q.clause), None, w, true);
    } else {
        let _ = write!(out, "<p class=\"done\" id=\"done\">{}</p>", w.done);
    }
    let answered: Vec<FieldId> = iv
        .rec
        .present()
        .union(iv.skipped)
        .iter()
        .filter(|f| !erred.contains(f))
        .collect();
    if !answered.is_empty() {
        let _ = write!(out, "<h2>{}</h2>", w.answers);
        for f in answered {
            question(&mut out, state, f, None, None, w, false);
        }
    }
    let _ = write!(
        out,
        "<div class=\"actions\"><button type=\"submit\" name=\"action\" value=\"next\" class=\"primary\">{}</button>\
         <button type=\"submit\" name=\"action\" value=\"download\">{}</button>",
        w.go, w.download
    );
    if opts.can_save {
        let _ = write!(
            out,
            "<button type=\"submit\" name=\"action\" value=\"save\">{}</button>",
            w.save
        );
    }
    out.push_str("</div></section>");
    verdict(&mut out, state, w);
    let _ = writeln!(out, "</main></form><script>{SCRIPT}</script></body></html>");
    out
}

fn verdict(out: &mut String, state: &State, w: &Words) {
    let rep = state.report();
    let class = match state.interview.trace.outcome {
        Outcome::Accepted => "accepted",
        Outcome::Rejected => "rejected",
        Outcome::Incomplete => "incomplete",
    };
    let _ = write!(
        out,
        "<aside class=\"verdict\" aria-live=\"polite\"><h2>{}</h2>\
         <p class=\"outcome {class}\" id=\"outcome\" data-outcome=\"{}\">{}</p>",
        w.verdict,
        rep.outcome,
        h(rep.verdict)
    );
    if let Some(id) = rep.deciding {
        let _ = write!(
            out,
            "<p><b>{}{}</b><span id=\"deciding\">{}</span> {}</p>",
            w.deciding,
            w.colon,
            h(id),
            h(rep.deciding_title)
        );
    }
    if let Some(src) = rep.deciding_source {
        let _ = write!(out, "<blockquote>{}</blockquote>", h(src));
    }
    if !rep.reason.is_empty() {
        let _ = write!(
            out,
            "<p><b>{}{}</b>{}</p>",
            w.reason,
            w.colon,
            h(&rep.reason)
        );
    }
    for (title, list, id) in [
        (w.ask, &rep.ask_for, "ask-for"),
        (w.determine, &rep.to_determine, "to-determine"),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = write!(out, "<h3>{title}</h3><ul id=\"{id}\">");
        for a in list {
            let _ = write!(
                out,
                "<li data-key=\"{}\">{}<small> {}</small></li>",
                h(a.key),
                h(a.label),
                h(&a.needed_for.join(" "))
            );
        }
        out.push_str("</ul>");
    }
    if !rep.deadline_clauses.is_empty() {
        let _ = write!(out, "<h3>{}</h3><ul id=\"deadlines\">", w.deadlines);
        for d in &rep.deadline_clauses {
            let when = match &d.date {
                Some(date) => format!("{} {}", w.by, h(date)),
                None if d.status == "not_applicable" => "—".to_string(),
                None => w.no_date.to_string(),
            };
            let _ = write!(
                out,
                "<li data-name=\"{}\">{} {}{}<b>{when}</b></li>",
                h(d.name),
                h(d.id),
                h(d.title),
                w.colon
            );
        }
        out.push_str("</ul>");
    }
    out.push_str("</aside>");
}

/// One question: its label, why it is asked, and its control holding the
/// current answer (or the text that could not be read, with the error).
fn question(
    out: &mut String,
    state: &State,
    f: FieldId,
    why: Option<usize>,
    error: Option<(&String, &Msg)>,
    w: &Words,
    current: bool,
) {
    let iv = &state.interview;
    let lang = state.lang;
    let rules = &iv.program.rules;
    let field = &rules.fields[f];
    let class = if current { "q current" } else { "q" };
    let office = if field.office { " office" } else { "" };
    let _ = write!(
        out,
        "<fieldset class=\"{class}{office}\" data-key=\"{}\"><legend>{}</legend>",
        h(&field.key),
        if current {
            h(&wording(field, lang))
        } else {
            h(field.label.get(lang))
        }
    );
    if let Some(c) = why {
        let clause = &rules.clauses[c];
        let _ = write!(
            out,
            "<p class=\"why\">{}{}{} {}{}{}{}</p>",
            w.why,
            w.colon,
            h(&clause.id),
            h(clause.title.get(lang)),
            w.open,
            super::kind_word(clause.kind, lang),
            w.close,
        );
    }
    let skipped = iv.skipped.contains(f);
    let value = iv.rec.get(f);
    let typed = error.map(|e| e.0.as_str());
    control(out, field, &iv.rec, value, skipped, typed, w, lang);
    if let Some((_, m)) = error {
        let _ = write!(
            out,
            "<p class=\"error\" role=\"alert\">{}</p>",
            h(m.get(lang))
        );
    }
    out.push_str("</fieldset>");
}

#[allow(clippy::too_many_arguments)]
fn control(
    out: &mut String,
    field: &Field,
    rec: &Record,
    value: Value,
    skipped: bool,
    typed: Option<&str>,
    w: &Words,
    lang: Lang,
) {
    let key = h(&field.key);
    let current = super::answer_text(field, rec, value);
    let checked = |on: bool| if on { " checked" } else { "" };
    let unknown_radio = |out: &mut String| {
        let _ = write!(
            out,
            "<label class=\"choice\"><input type=\"radio\" name=\"{key}\" value=\"{UNKNOWN}\"{}><span>{}</span></label>",
            checked(skipped),
            w.unknown
        );
    };
    match &field.ty {
        FieldType::Bool => {
            out.push_str("<div class=\"choices\">");
            for (text, on) in [
                (w.yes, value == Value::Bool(true)),
                (w.no, value == Value::Bool(false)),
            ] {
                let v = if text == w.yes { "是" } else { "否" };
                let _ = write!(
                    out,
                    "<label class=\"choice\"><input type=\"radio\" name=\"{key}\" value=\"{v}\"{}><span>{text}</span></label>",
                    checked(on)
                );
            }
            unknown_radio(out);
            out.push_str("</div>");
        }
        FieldType::Enum(values) => {
            let _ = write!(
                out,
                "<select name=\"{key}\"><option value=\"\">{}</option>",
                w.choose
            );
            for (i, v) in values.iter().enumerate() {
                let sel = if value == Value::Enum(i as u16) {
                    " selected"
                } else {
                    ""
                };
                let _ = write!(
                    out,
                    "<option value=\"{}\"{sel}>{}</option>",
                    h(&v.code),
                    h(v.label.get(lang))
                );
            }
            let sel = if skipped { " selected" } else { "" };
            let _ = write!(
                out,
                "<option value=\"{UNKNOWN}\"{sel}>{}</option></select>",
                w.unknown
            );
        }
        FieldType::List(values) => {
            out.push_str("<div class=\"choices\">");
            for v in values {
                let on = current.contains(&v.code);
                let _ = write!(
                    out,
                    "<label class=\"choice\"><input type=\"checkbox\" name=\"{key}\" value=\"{}\"{}><span>{}</span></label>",
                    h(&v.code),
                    checked(on),
                    h(v.label.get(lang))
                );
            }
            let _ = write!(
                out,
                "<label class=\"choice\"><input type=\"checkbox\" name=\"{key}\" value=\"{UNKNOWN}\"{}><span>{}</span></label></div>",
                checked(skipped),
                w.unknown
            );
        }
        FieldType::Date | FieldType::Integer | FieldType::Decimal | FieldType::Text => {
            let (ty, extra) = match field.ty {
                FieldType::Date => ("date", ""),
                FieldType::Integer => ("number", " step=\"1\""),
                FieldType::Decimal => ("number", " step=\"0.01\""),
                _ => ("text", ""),
            };
            // A value that could not be read is shown as typed, in a text
            // box (a date box would drop it).
            let (ty, shown) = match typed {
                Some(t) => ("text", t.to_string()),
                None => (ty, current.first().cloned().unwrap_or_default()),
            };
            let _ = write!(
                out,
                "<div class=\"choices\"><input type=\"{ty}\"{extra} name=\"{key}\" value=\"{}\" autocomplete=\"off\">",
                h(&shown)
            );
            unknown_radio(out);
            out.push_str("</div>");
        }
    }
}

/// A page for a request that could not be served: the status, and what
/// was wrong, in both languages.
pub fn error_page(status: u16, m: &Msg) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{status}</title>\
         <style>{STYLE}</style></head><body><main class=\"error-page\"><h1>{status}</h1>\
         <p>{}</p><p lang=\"en\">{}</p><p><a href=\"/\">返回 / back</a></p></main></body></html>\n",
        h(&m.zh),
        h(&m.en)
    )
}
