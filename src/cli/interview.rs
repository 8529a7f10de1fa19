//! `shouli interview`: a complaint taken down at the terminal, one question
//! at a time (the choice of question is `desk::next_question`).
//!
//! Plain line reading, no prompt crate: the terminal stays in its cooked
//! mode, so a Chinese input method, backspace over wide characters, pasting
//! and a screen reader work as in any shell, and the same code serves a
//! pipe and a pseudo-terminal in the tests. Nothing is written until the
//! clerk saves at the review; Ctrl-C before that leaves no file, and the
//! save itself is atomic (`atomic::write`).

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use super::check::load_record;
use super::load::{load_program, write_error};
use super::{RuleArgs, exit};
use crate::desk::{self, Interview};
use crate::diag::{Lang, Msg};
use crate::model::FieldId;
use crate::record::Record;
use crate::report::{self, Options};
use crate::value::{Date, KeySet};

#[derive(Debug, Args)]
pub struct InterviewArgs {
    #[command(flatten)]
    pub rules: RuleArgs,
    /// 保存记录的文件（默认：以编号命名，存在当前目录） / where to save the record (default: named by its case number, in the current directory)
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// 接着填写之前保存的记录 / resume a record saved before
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// 编号格式：{date} 今天（20260305）、{year} 年份、{n} 序号 / case number pattern: {date} today (20260305), {year}, {n} a sequence number
    #[arg(long, value_name = "PATTERN", default_value = "{date}-{n}")]
    pub case_number: String,
    /// 今天的日期（默认取系统日期） / today's date (default: the system's)
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
    /// 保存后同时登记到案件登记簿 / also register the case in this case register (SQLite)
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
}

/// Today's date where the desk is: the local date (the system's time zone).
pub fn today() -> Date {
    #[cfg(unix)]
    {
        // SAFETY: `time` and `localtime_r` write only into the values
        // given; a zeroed `tm` is a valid value of that plain C struct.
        unsafe {
            let now = libc::time(std::ptr::null_mut());
            let mut tm: libc::tm = std::mem::zeroed();
            if !libc::localtime_r(&now, &mut tm).is_null()
                && let Ok(d) = Date::new(
                    (tm.tm_year + 1900) as i16,
                    (tm.tm_mon + 1) as i8,
                    tm.tm_mday as i8,
                )
            {
                return d;
            }
        }
    }
    Date::from(
        jiff::Timestamp::now()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date(),
    )
}

/// `--today`, else the system's date.
pub fn today_arg(arg: Option<&str>, lang: Lang, err: &mut dyn Write) -> Result<Date, u8> {
    let Some(text) = arg else {
        return Ok(today());
    };
    match desk::parse_date(text.trim(), today()) {
        Some(d) => Ok(d),
        None => {
            super::load::say(
                err,
                lang,
                &Msg::new(
                    format!(
                        "--today 应为日期，如 2026-03-05，实际是“{}”",
                        crate::sanitize::escape(text)
                    ),
                    format!(
                        "--today expects a date like 2026-03-05, found \"{}\"",
                        crate::sanitize::escape(text)
                    ),
                ),
            );
            Err(exit::UNUSABLE)
        }
    }
}

/// A saved record read back (`--from`): its values and the fields written
/// as not known.
pub fn read_record(
    path: &Path,
    program: &crate::compile::Program,
    args: &RuleArgs,
    err: &mut dyn Write,
) -> Result<(Record, KeySet), u8> {
    let loaded = load_record(program, path, args, false, err)?;
    let skipped = desk::skipped_in(&program.rules, loaded.source.text.as_str());
    Ok((loaded.rec, skipped))
}

pub fn interview(args: &InterviewArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    interview_with(args, &mut std::io::stdin().lock(), out, err)
}

/// The interview reading answers from `input`.
pub fn interview_with(
    args: &InterviewArgs,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let lang = args.rules.lang();
    let program = match load_program(&args.rules, err) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let today = match today_arg(args.today.as_deref(), lang, err) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let (mut rec, skipped) = match &args.from {
        Some(path) => match read_record(path, &program, &args.rules, err) {
            Ok(r) => r,
            Err(code) => return code,
        },
        None => (Record::new(program.rules.fields.len()), KeySet::EMPTY),
    };
    // The case number: the first of the pattern's sequence whose file is
    // not there yet (where the file is named by it).
    let mut n = 1;
    let mut number = desk::case_number(&args.case_number, today, n);
    if args.output.is_none() {
        while n < 100_000 && Path::new(&format!("{number}.toml")).exists() {
            n += 1;
            number = desk::case_number(&args.case_number, today, n);
        }
    }
    desk::prefill(&program.rules, &mut rec, today, &number);
    let mut iv = match Interview::new(&program, rec) {
        Ok(iv) => iv,
        Err(_) => {
            super::load::say(err, lang, &out_of_range());
            return exit::UNUSABLE;
        }
    };
    iv.skipped = skipped;
    let t = Texts::new(lang);
    let _ = writeln!(out, "{}", t.start(&program.rules.title));
    let mut count = 0;
    loop {
        while let Some(q) = iv.next() {
            count += 1;
            if !ask(
                &mut iv,
                q.field,
                Some(q.clause),
                count,
                today,
                &t,
                input,
                out,
            ) {
                let _ = writeln!(out, "\n{}", t.aborted);
                return exit::UNUSABLE;
            }
        }
        // Review: every answer, the verdict; change any, or save.
        let _ = writeln!(out, "\n{}", t.review);
        let shown: Vec<FieldId> = iv.rec.present().union(iv.skipped).iter().collect();
        for (i, &f) in shown.iter().enumerate() {
            let field = &program.rules.fields[f];
            let value = if iv.skipped.contains(f) {
                t.unknown.to_string()
            } else {
                desk::show_value(&program.rules, &iv.rec, f, lang)
            };
            let _ = writeln!(
                out,
                "{:>3}  {}{}{}",
                i + 1,
                field.label.get(lang),
                t.colon(),
                value
            );
        }
        let deciding = program.deciding_id(iv.trace.deciding).unwrap_or("");
        let _ = writeln!(
            out,
            "\n{}{} {} {}",
            t.verdict,
            iv.trace.outcome.label(lang),
            deciding,
            program.deciding_title(iv.trace.deciding, lang)
        );
        let _ = write!(out, "{}\n> ", t.review_prompt);
        let _ = out.flush();
        let Some(line) = read_line(input) else {
            let _ = writeln!(out, "\n{}", t.aborted);
            return exit::UNUSABLE;
        };
        let line = line.trim();
        if line.is_empty() {
            break;
        }
        if matches!(line, "q" | "Q" | "放弃") {
            let _ = writeln!(out, "{}", t.aborted);
            return exit::UNUSABLE;
        }
        match line.parse::<usize>() {
            Ok(i) if (1..=shown.len()).contains(&i) => {
                let f = shown[i - 1];
                if !ask(&mut iv, f, None, i, today, &t, input, out) {
                    let _ = writeln!(out, "\n{}", t.aborted);
                    return exit::UNUSABLE;
                }
            }
            _ => {
                let _ = writeln!(out, "{}", t.bad_number(shown.len()));
            }
        }
    }
    // Save, then the report.
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("{number}.toml")));
    let text = iv.to_toml(lang);
    if let Err(e) = crate::atomic::write(&path, text.as_bytes()) {
        let _ = writeln!(err, "{}", write_error(&path, &e, lang));
        return exit::UNUSABLE;
    }
    let id = super::check::record_id(&program, &iv.rec, &path, false);
    let opts = Options {
        lang,
        redact: false,
    };
    let rep = report::build(&program, &iv.rec, &iv.trace, &id, vec![], opts);
    let _ = writeln!(out);
    let _ = out.write_all(report::text::render(&rep, lang).as_bytes());
    let _ = writeln!(
        out,
        "{}{}",
        t.saved,
        crate::sanitize::escape(&path.to_string_lossy())
    );
    if let Some(db) = &args.db {
        match super::cases::register_one(db, &program, &iv.rec, &iv.trace) {
            Ok(n) => {
                let _ = match lang {
                    Lang::Zh => writeln!(out, "已登记：第 {n} 号"),
                    Lang::En => writeln!(out, "Registered: case {n}"),
                };
            }
            Err(m) => {
                let _ = err.write_all(crate::diag::render_message("error", &m, lang).as_bytes());
                return exit::UNUSABLE;
            }
        }
    }
    let _ = out.flush();
    exit::of_outcome(iv.trace.outcome)
}

fn out_of_range() -> Msg {
    Msg::new(
        "记录中的日期使期限计算超出范围",
        "a date in the record takes a deadline's computation out of range",
    )
}

/// One line of input without its line end; `None` at the end of input.
fn read_line(input: &mut dyn BufRead) -> Option<String> {
    let mut line = String::new();
    match input.read_line(&mut line) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(line.trim_end_matches(['\n', '\r']).to_string()),
    }
}

/// Asks for `field` until an answer is understood; false at the end of
/// input.
#[allow(clippy::too_many_arguments)]
fn ask(
    iv: &mut Interview,
    field: FieldId,
    why: Option<usize>,
    number: usize,
    today: Date,
    t: &Texts,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> bool {
    let rules = &iv.program.rules;
    let f = &rules.fields[field];
    let lang = t.lang;
    let _ = writeln!(
        out,
        "\n{}",
        t.question(number, &desk::wording(f, lang), &f.key)
    );
    if let Some(c) = why {
        let clause = &rules.clauses[c];
        let (open, close) = t.parens();
        let _ = writeln!(
            out,
            "    {}{} {}{open}{}{close}",
            t.why,
            clause.id,
            clause.title.get(lang),
            desk::kind_word(clause.kind, t.lang)
        );
    }
    let values = f.ty.values();
    let choices: Vec<String> = match &f.ty {
        crate::model::FieldType::Bool => vec![t.yes_no.to_string()],
        _ => values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{} {}", i + 1, v.label.get(lang)))
            .collect(),
    };
    if !choices.is_empty() {
        let _ = writeln!(out, "    {}", choices.join("   "));
    }
    if matches!(f.ty, crate::model::FieldType::List(_)) {
        let _ = writeln!(out, "    {}", t.several);
    }
    if matches!(f.ty, crate::model::FieldType::Date) {
        let _ = writeln!(out, "    {}", t.date_hint);
    }
    loop {
        let _ = write!(out, "{}", t.prompt);
        let _ = out.flush();
        let Some(line) = read_line(input) else {
            return false;
        };
        match iv.answer(field, &line, today) {
            Ok(()) => return true,
            Err(m) => {
                let _ = writeln!(out, "    ✗ {}", m.get(lang));
            }
        }
    }
}

/// The interview's own words.
struct Texts {
    lang: Lang,
    aborted: &'static str,
    review: &'static str,
    review_prompt: &'static str,
    verdict: &'static str,
    saved: &'static str,
    unknown: &'static str,
    why: &'static str,
    yes_no: &'static str,
    several: &'static str,
    date_hint: &'static str,
    prompt: &'static str,
}

impl Texts {
    fn new(lang: Lang) -> Texts {
        match lang {
            Lang::Zh => Texts {
                lang,
                aborted: "已放弃，未保存任何文件。",
                review: "—— 核对 ——",
                review_prompt: "输入编号修改该项；直接回车保存；输入 q 放弃（不保存）",
                verdict: "结论：",
                saved: "已保存：",
                unknown: "不知道",
                why: "为何问：",
                yes_no: "1 是   2 否",
                several: "可多选：用空格或逗号隔开",
                date_hint: "日期如 2026-03-05、2026/3/5、2026年3月5日、今天、昨天",
                prompt: "  回答（不知道请答“不知道”）> ",
            },
            Lang::En => Texts {
                lang,
                aborted: "Abandoned; no file was saved.",
                review: "-- Review --",
                review_prompt: "Type a number to change that answer; Enter to save; q to abandon (nothing saved)",
                verdict: "Outcome: ",
                saved: "Saved: ",
                unknown: "not known",
                why: "Why: ",
                yes_no: "1 yes   2 no",
                several: "Any number of them, separated by spaces or commas",
                date_hint: "A date such as 2026-03-05, 2026/3/5, today, yesterday",
                prompt: "  Answer (\"skip\" if not known)> ",
            },
        }
    }

    fn start(&self, title: &str) -> String {
        match self.lang {
            Lang::Zh => format!(
                "{title} — 投诉登记\n只问能改变结论的问题；不知道的请答“不知道”，最后可核对、修改每一项。"
            ),
            Lang::En => format!(
                "{title} — taking a complaint\nOnly questions that can change the outcome are asked; answer \"skip\" when a fact is not known. You can review and change every answer at the end."
            ),
        }
    }

    fn question(&self, n: usize, wording: &str, key: &str) -> String {
        match self.lang {
            Lang::Zh => format!("【{n}】{wording}  ({key})"),
            Lang::En => format!("[{n}] {wording}  ({key})"),
        }
    }

    fn parens(&self) -> (&'static str, &'static str) {
        match self.lang {
            Lang::Zh => ("（", "）"),
            Lang::En => (" (", ")"),
        }
    }

    fn colon(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "：",
            Lang::En => ": ",
        }
    }

    fn bad_number(&self, n: usize) -> String {
        match self.lang {
            Lang::Zh => format!("    ✗ 请输入 1–{n} 之间的编号，或直接回车保存，或 q 放弃"),
            Lang::En => {
                format!("    ✗ type a number from 1 to {n}, Enter to save, or q to abandon")
            }
        }
    }
}
