//! `shouli cases …`: the case register (a SQLite file; `--db`, else
//! `$SHOULI_DB`, else `shouli.db` here). Adding, re-checking, recording
//! what was done, listing, showing, what is due, and exporting for `batch`.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use unicode_width::UnicodeWidthStr;

use super::check::load_record;
use super::load::{load_program, say, write_error};
use super::notice::{parse_date, today};
use super::{RuleArgs, exit};
use crate::compile::Program;
use crate::diag::{Diagnostic, Lang, Msg};
use crate::model::{FieldType, Outcome, RuleSet};
use crate::record::Record;
use crate::record::json::{JsonReader, JsonScratch};
use crate::register::{self, Entry, Filter, Register, RegisterError};
use crate::sanitize::esc;
use crate::value::{Date, Value};

#[derive(Debug, Args)]
pub struct CasesArgs {
    #[command(subcommand)]
    pub command: CasesCommand,
}

/// Where the register is: `--db FILE`, else `$SHOULI_DB`, else `shouli.db`.
#[derive(Debug, Clone, Args)]
pub struct DbArg {
    /// 案件登记簿文件（默认环境变量 SHOULI_DB，再默认当前目录的 shouli.db） / the case register (default: $SHOULI_DB, else shouli.db here)
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
}

impl DbArg {
    pub fn path(&self) -> PathBuf {
        self.db
            .clone()
            .or_else(|| std::env::var_os("SHOULI_DB").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("shouli.db"))
    }
}

#[derive(Debug, Subcommand)]
pub enum CasesCommand {
    /// 登记案件（TOML 记录，或 JSON Lines 文件中的每一行） / add cases (TOML records, or every line of JSON Lines files)
    Add(AddArgs),
    /// 按新材料或现行规则重新审查，结论追加到案件历史 / decide a case again (new facts or the rules in force), appended to its history
    Recheck(RecheckArgs),
    /// 案件一览 / the table of cases
    List(ListArgs),
    /// 一个案件的全部历史 / one case with its whole history
    Show(ShowArgs),
    /// 今天要办的、已逾期的期限 / what is due today and what is overdue
    Due(DueArgs),
    /// 登记已办事项的日期（告知、受理、办结…） / record the date something was done
    Record(RecordArgs),
    /// 每个案件的最新记录，写成 JSON Lines（shouli batch 可读） / every case's latest record as JSON Lines (as `shouli batch` reads)
    Export(ExportArgs),
    /// 按案件的最新记录写通知书 / the notice to the complainant, from a case's latest record
    Notice(CaseNoticeArgs),
}

#[derive(Debug, Args)]
pub struct CaseNoticeArgs {
    /// 案件号 / the case number
    pub number: i64,
    #[command(flatten)]
    pub db: DbArg,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub notice: super::notice::NoticeOpts,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// 投诉记录：.toml，或 .jsonl/.ndjson（每行一件） / records: .toml, or .jsonl/.ndjson (a case per line)
    #[arg(required = true)]
    pub records: Vec<PathBuf>,
    #[command(flatten)]
    pub db: DbArg,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// 每个事务登记的件数 / cases per transaction
    #[arg(long, default_value_t = 10_000, value_name = "N")]
    pub batch_size: usize,
    /// 不逐件列出 / do not list each case added
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct RecheckArgs {
    /// 案件号 / the case number
    pub number: i64,
    /// 新的投诉记录（TOML；默认沿用登记簿中的最新记录） / the new record (TOML; default: the register's latest)
    pub record: Option<PathBuf>,
    #[command(flatten)]
    pub db: DbArg,
    #[command(flatten)]
    pub rules: RuleArgs,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub db: DbArg,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// 只列此结论 / only this outcome
    #[arg(long, value_name = "accepted|rejected|incomplete")]
    pub outcome: Option<String>,
    /// 只列字段为此值的案件（可多次给出） / only cases whose field has this value (may be repeated)
    #[arg(long = "where", value_name = "KEY=VALUE")]
    pub wheres: Vec<String>,
    /// 摊位号码（规则声明了 respondent.stall 时，即 --where respondent.stall=…） / stall number (when the rules declare respondent.stall: --where respondent.stall=…)
    #[arg(long, value_name = "STALL")]
    pub stall: Option<String>,
    /// 只列有未办期限的案件 / only cases with a deadline still open
    #[arg(long)]
    pub due: bool,
    /// 显示姓名、电话等个人信息 / show names and phone numbers
    #[arg(long)]
    pub show_personal: bool,
    /// 最多列出的件数 / list at most this many
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// 案件号 / the case number
    pub number: i64,
    #[command(flatten)]
    pub db: DbArg,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// 显示姓名、电话等个人信息 / show names and phone numbers
    #[arg(long)]
    pub show_personal: bool,
}

#[derive(Debug, Args)]
pub struct DueArgs {
    #[command(flatten)]
    pub db: DbArg,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// 按哪一天看（默认今天，北京时间） / the day to look from (default: today, China Standard Time)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub on: Option<String>,
    /// 每个期限每类最多列出的件数（最早的在前） / at most this many cases per deadline and section (the oldest first)
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub limit: usize,
    /// 全部列出 / list them all
    #[arg(long)]
    pub all: bool,
    /// 也列出此后几天内到期的 / also list what falls due within this many days after
    #[arg(long, default_value_t = 3, value_name = "DAYS")]
    pub within: u32,
}

#[derive(Debug, Args)]
pub struct RecordArgs {
    /// 案件号 / the case number
    pub number: i64,
    #[command(flatten)]
    pub db: DbArg,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// 告知投诉人的日期（recorded.notified） / the date the complainant was told
    #[arg(long, value_name = "DATE")]
    pub notified: Option<String>,
    /// 受理日期（recorded.accepted） / the date accepted
    #[arg(long, value_name = "DATE")]
    pub accepted: Option<String>,
    /// 处理结果日期（recorded.resolved） / the date resolved
    #[arg(long, value_name = "DATE")]
    pub resolved: Option<String>,
    /// 规则声明的任一 recorded.* 日期字段，如 recorded.decided=2026-05-19 / any recorded.* date field the rules declare
    #[arg(long = "set", value_name = "recorded.KEY=DATE")]
    pub sets: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// 写入文件（默认标准输出） / write to a file (default: standard output)
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// 界面语言 / language of shouli's own words
    #[arg(long, value_enum, default_value_t = super::LangArg::Zh)]
    pub lang: super::LangArg,
}

pub fn cases(args: &CasesArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let done = match &args.command {
        CasesCommand::Add(a) => add(a, out, err),
        CasesCommand::Recheck(a) => recheck(a, out, err),
        CasesCommand::List(a) => list(a, out, err),
        CasesCommand::Show(a) => show(a, out, err),
        CasesCommand::Due(a) => due(a, out, err),
        CasesCommand::Record(a) => record(a, out, err),
        CasesCommand::Export(a) => export(a, out, err),
        CasesCommand::Notice(a) => case_notice(a, out, err),
    };
    // A subcommand's early exit is its code too.
    done.unwrap_or_else(|code| code)
}

fn words(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::Zh { zh } else { en }
}

fn fail(err: &mut dyn Write, lang: Lang, e: &RegisterError) -> u8 {
    say(err, lang, &e.message());
    exit::UNUSABLE
}

fn open(db: &DbArg, create: bool, lang: Lang, err: &mut dyn Write) -> Result<Register, u8> {
    Register::open(&db.path(), create).map_err(|e| fail(err, lang, &e))
}

fn is_lines(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("jsonl") || e.eq_ignore_ascii_case("ndjson"))
}

/// The record's id field, if the rules declare one and the record has it.
fn record_id(program: &Program, rec: &Record) -> Option<String> {
    let slot = program.rules.field("id")?;
    match rec.get(slot) {
        Value::Text(r) => Some(rec.text(r).to_string()),
        _ => None,
    }
}

fn outcome_words(code: &str, lang: Lang) -> &'static str {
    Outcome::from_code(code).map_or("?", |o| o.label(lang))
}

fn add(args: &AddArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8, u8> {
    let lang = args.rules.lang();
    let program = load_program(&args.rules, err)?;
    let mut reg = open(&args.db, true, lang, err)?;
    let done = register::done_fields(&program);
    let mut added = 0u64;
    let mut skipped = 0u64;
    let mut first_last: Option<(i64, i64)> = None;
    let mut note = |n: i64| {
        first_last = Some(first_last.map_or((n, n), |(a, _)| (a, n)));
    };
    for path in &args.records {
        if is_lines(path) {
            let (a, s) = add_lines(args, &program, &done, &mut reg, path, out, err, &mut note)?;
            added += a;
            skipped += s;
            continue;
        }
        let rec = match load_record(&program, path, &args.rules, false, err) {
            Ok(loaded) => loaded.rec,
            Err(_) => {
                skipped += 1;
                continue;
            }
        };
        let Ok(trace) = program.evaluate(&rec) else {
            let _ = writeln!(
                err,
                "error: {}: 日期计算超出范围 / a date out of range",
                esc(&path.to_string_lossy())
            );
            skipped += 1;
            continue;
        };
        let entry = register::entry(&program, &done, &rec, &trace, record_id(&program, &rec));
        let result = reg.adding().and_then(|mut a| {
            let n = a.add(&entry)?;
            a.commit()?;
            Ok(n)
        });
        match result {
            Ok(n) => {
                note(n);
                added += 1;
                if !args.quiet {
                    let _ = writeln!(out, "{}", added_line(n, &entry, lang));
                }
            }
            Err(e) => return Err(fail(err, lang, &e)),
        }
    }
    let total = match first_last {
        Some((a, b)) if a != b => match lang {
            Lang::Zh => format!("已登记 {added} 件（第 {a}–{b} 号）"),
            Lang::En => format!("added {added} cases (numbers {a}–{b})"),
        },
        Some(_) | None => match lang {
            Lang::Zh => format!("已登记 {added} 件"),
            Lang::En => format!("added {added} case(s)"),
        },
    };
    let _ = write!(out, "{total}");
    if skipped > 0 {
        let _ = write!(
            out,
            "{}",
            match lang {
                Lang::Zh => format!("；{skipped} 件无法登记（见上）"),
                Lang::En => format!("; {skipped} could not be added (see above)"),
            }
        );
    }
    let _ = writeln!(
        out,
        "{}",
        match lang {
            Lang::Zh => format!("，登记簿：{}", esc(&reg.path().to_string_lossy())),
            Lang::En => format!(", register: {}", esc(&reg.path().to_string_lossy())),
        }
    );
    if skipped > 0 {
        Ok(exit::SOME_UNCHECKED)
    } else {
        Ok(exit::OK)
    }
}

/// The deciding clause after an outcome: 受理（1.1）, accepted (1.1).
fn by_clause(clause: Option<&str>, lang: Lang) -> String {
    match (clause, lang) {
        (None, _) => String::new(),
        (Some(c), Lang::Zh) => format!("（{}）", esc(c)),
        (Some(c), Lang::En) => format!(" ({})", esc(c)),
    }
}

fn added_line(n: i64, e: &Entry, lang: Lang) -> String {
    let id = e.record_id.as_deref().unwrap_or("-");
    let by = by_clause(e.deciding.as_deref(), lang);
    match lang {
        Lang::Zh => format!("第 {n} 号  {}  {}{by}", esc(id), e.outcome.label(lang)),
        Lang::En => format!("case {n}  {}  {}{by}", esc(id), e.outcome.label(lang)),
    }
}

/// Adds every line of a JSON Lines file, `batch_size` cases a transaction.
#[allow(clippy::too_many_arguments)]
fn add_lines(
    args: &AddArgs,
    program: &Program,
    done: &[Option<crate::model::FieldId>],
    reg: &mut Register,
    path: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
    note: &mut dyn FnMut(i64),
) -> Result<(u64, u64), u8> {
    let lang = args.rules.lang();
    let shown = esc(&path.to_string_lossy()).to_string();
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            let _ = writeln!(err, "{}", super::load::io_error(path, &e, lang));
            return Err(exit::UNUSABLE);
        }
    };
    let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
    let json = JsonReader::new(&program.rules);
    let mut scratch = JsonScratch::default();
    let mut problems: Vec<Diagnostic> = Vec::new();
    let mut rec = Record::new(program.rules.fields.len());
    let mut trace = crate::eval::Trace::default();
    let mut eval_scratch = Vec::new();
    let mut line = String::new();
    let (mut added, mut skipped, mut line_no) = (0u64, 0u64, 0u64);
    let mut adding = reg.adding().map_err(|e| fail(err, lang, &e))?;
    let mut in_tx = 0usize;
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                let _ = writeln!(err, "error: {shown}:{}: {e}", line_no + 1);
                skipped += 1;
                break;
            }
        }
        line_no += 1;
        let text = line.trim_end_matches(['\n', '\r']);
        if text.trim().is_empty() {
            continue;
        }
        problems.clear();
        if !json.load(text, &mut rec, &mut scratch, &mut problems) {
            for p in problems.iter().filter(|p| p.is_error()) {
                let _ = writeln!(
                    err,
                    "error: {shown}:{line_no}: {}",
                    esc(p.message.get(lang))
                );
            }
            skipped += 1;
            continue;
        }
        if program
            .evaluate_into(&rec, &mut trace, &mut eval_scratch)
            .is_err()
        {
            let _ = writeln!(
                err,
                "error: {shown}:{line_no}: 日期计算超出范围 / a date out of range"
            );
            skipped += 1;
            continue;
        }
        let entry = register::entry(program, done, &rec, &trace, record_id(program, &rec));
        let n = adding.add(&entry).map_err(|e| fail(err, lang, &e))?;
        note(n);
        added += 1;
        if !args.quiet {
            let _ = writeln!(out, "{}", added_line(n, &entry, lang));
        }
        in_tx += 1;
        if in_tx >= args.batch_size.max(1) {
            adding.commit().map_err(|e| fail(err, lang, &e))?;
            adding = reg.adding().map_err(|e| fail(err, lang, &e))?;
            in_tx = 0;
        }
    }
    adding.commit().map_err(|e| fail(err, lang, &e))?;
    Ok((added, skipped))
}

/// Loads a stored record (JSON, flat keys) against the rules.
fn stored_record(program: &Program, json: &str, lang: Lang) -> Result<Record, Msg> {
    let reader = JsonReader::new(&program.rules);
    let mut rec = Record::new(program.rules.fields.len());
    let mut problems = Vec::new();
    if reader.load(json, &mut rec, &mut JsonScratch::default(), &mut problems) {
        Ok(rec)
    } else {
        let first = problems
            .iter()
            .find(|p| p.is_error())
            .map(|p| p.message.get(lang).to_string())
            .unwrap_or_default();
        Err(Msg::new(
            format!("登记簿中的记录不符合这份规则：{first}"),
            format!("the stored record does not fit these rules: {first}"),
        ))
    }
}

/// Decides again and appends; prints what changed.
#[allow(clippy::too_many_arguments)]
fn append(
    reg: &mut Register,
    program: &Program,
    number: i64,
    why: &str,
    rec: &Record,
    lang: Lang,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let before = match reg.show(number) {
        Ok(h) => h,
        Err(e) => return fail(err, lang, &e),
    };
    let trace = match program.evaluate(rec) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(err, "error: 日期计算超出范围 / {e}");
            return exit::UNUSABLE;
        }
    };
    let done = register::done_fields(program);
    let id = record_id(program, rec).or(before.record_id.clone());
    let entry = register::entry(program, &done, rec, &trace, id);
    if let Err(e) = reg.append(number, why, &entry) {
        return fail(err, lang, &e);
    }
    let after = match reg.show(number) {
        Ok(h) => h,
        Err(e) => return fail(err, lang, &e),
    };
    let (Some(old), Some(new)) = (before.decisions.last(), after.decisions.last()) else {
        return exit::OK;
    };
    let _ = writeln!(
        out,
        "{}",
        match lang {
            Lang::Zh => format!(
                "第 {number} 号案件：第 {} 次决定已追加（此前的决定保留在历史中）",
                after.decisions.len()
            ),
            Lang::En => format!(
                "case {number}: decision {} appended (the earlier ones stay in its history)",
                after.decisions.len()
            ),
        }
    );
    let changes = changes(
        old,
        new,
        &before.deadlines,
        &after.deadlines,
        &program.rules,
        lang,
    );
    if changes.is_empty() {
        let _ = writeln!(
            out,
            "  {}",
            words(lang, "结论和期限都没有变化", "nothing changed")
        );
    }
    for c in changes {
        let _ = writeln!(out, "  {c}");
    }
    exit::OK
}

/// What differs between two decisions, in words.
fn changes(
    old: &register::Decision,
    new: &register::Decision,
    old_dl: &[register::DeadlineRow],
    new_dl: &[register::DeadlineRow],
    rules: &RuleSet,
    lang: Lang,
) -> Vec<String> {
    let mut out = Vec::new();
    let zh = lang == Lang::Zh;
    if old.rules_digest != new.rules_digest {
        out.push(if zh {
            format!(
                "规则已不同：{} 版本 {} → {} 版本 {}",
                old.rules_digest,
                old.rules_version.as_deref().unwrap_or("-"),
                new.rules_digest,
                new.rules_version.as_deref().unwrap_or("-")
            )
        } else {
            format!(
                "the rules differ: {} version {} → {} version {}",
                old.rules_digest,
                old.rules_version.as_deref().unwrap_or("-"),
                new.rules_digest,
                new.rules_version.as_deref().unwrap_or("-")
            )
        });
    }
    if old.outcome != new.outcome || old.deciding != new.deciding {
        let show = |d: &register::Decision| {
            format!(
                "{}{}",
                outcome_words(&d.outcome, lang),
                by_clause(d.deciding.as_deref(), lang)
            )
        };
        out.push(format!(
            "{}{} → {}",
            words(lang, "结论：", "outcome: "),
            show(old),
            show(new)
        ));
    }
    let list = |s: &str| serde_json::from_str::<Vec<String>>(s).unwrap_or_default();
    let label = |k: &str| {
        rules.field(k).map_or(k.to_string(), |f| {
            rules.fields[f].label.get(lang).to_string()
        })
    };
    let (om, nm) = (list(&old.missing), list(&new.missing));
    let supplied: Vec<String> = om
        .iter()
        .filter(|k| !nm.contains(k))
        .map(|k| label(k))
        .collect();
    let now_missing: Vec<String> = nm
        .iter()
        .filter(|k| !om.contains(k))
        .map(|k| label(k))
        .collect();
    let sep = words(lang, "、", ", ");
    if !supplied.is_empty() {
        out.push(format!(
            "{}{}",
            words(lang, "已补齐：", "now given: "),
            supplied.join(sep)
        ));
    }
    if !now_missing.is_empty() {
        out.push(format!(
            "{}{}",
            words(lang, "新缺：", "now missing: "),
            now_missing.join(sep)
        ));
    }
    let (of, nf) = (list(&old.fired), list(&new.fired));
    if of != nf {
        out.push(format!(
            "{}{} → {}",
            words(lang, "成立的不予受理情形：", "grounds that hold: "),
            if of.is_empty() {
                "-".into()
            } else {
                of.join(sep)
            },
            if nf.is_empty() {
                "-".into()
            } else {
                nf.join(sep)
            }
        ));
    }
    for d in new_dl {
        let before = old_dl.iter().find(|o| o.name == d.name);
        let was = before.and_then(|o| o.due.clone());
        if before.is_none() || was != d.due {
            out.push(format!(
                "{} {}：{} → {}",
                words(lang, "期限", "deadline"),
                d.name,
                was.as_deref().unwrap_or("-"),
                d.due.as_deref().unwrap_or("-")
            ));
        }
        if let Some(done) = &d.done
            && before.and_then(|o| o.done.as_ref()) != Some(done)
        {
            out.push(format!(
                "{} {}：{}",
                words(lang, "已办", "done"),
                d.name,
                done
            ));
        }
    }
    out
}

fn recheck(args: &RecheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8, u8> {
    let lang = args.rules.lang();
    let program = load_program(&args.rules, err)?;
    let mut reg = open(&args.db, false, lang, err)?;
    let rec = match &args.record {
        Some(path) => {
            let mut rec = load_record(&program, path, &args.rules, false, err)?.rec;
            // What the register recorded as done (`recorded.*`) stays,
            // unless the new record says otherwise.
            let stored = reg
                .latest_record(args.number)
                .ok()
                .and_then(|json| stored_record(&program, &json, lang).ok());
            if let Some(stored) = stored {
                for slot in stored.present().iter() {
                    if program.rules.fields[slot].key.starts_with("recorded.")
                        && !rec.present().contains(slot)
                    {
                        let v = match stored.get(slot) {
                            Value::Text(r) => rec.push_text(stored.text(r)),
                            v => v,
                        };
                        rec.set(slot, v);
                    }
                }
            }
            rec
        }
        None => {
            let json = match reg.latest_record(args.number) {
                Ok(j) => j,
                Err(e) => return Err(fail(err, lang, &e)),
            };
            match stored_record(&program, &json, lang) {
                Ok(r) => r,
                Err(m) => {
                    say(err, lang, &m);
                    return Err(exit::UNUSABLE);
                }
            }
        }
    };
    Ok(append(
        &mut reg,
        &program,
        args.number,
        "recheck",
        &rec,
        lang,
        out,
        err,
    ))
}

fn record(args: &RecordArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8, u8> {
    let lang = args.rules.lang();
    let program = load_program(&args.rules, err)?;
    let rules = &program.rules;
    let mut sets: Vec<(String, String)> = Vec::new();
    for (key, v) in [
        ("recorded.notified", &args.notified),
        ("recorded.accepted", &args.accepted),
        ("recorded.resolved", &args.resolved),
    ] {
        if let Some(v) = v {
            sets.push((key.to_string(), v.clone()));
        }
    }
    for s in &args.sets {
        match s.split_once('=') {
            Some((k, v)) => sets.push((k.trim().to_string(), v.trim().to_string())),
            None => {
                say(
                    err,
                    lang,
                    &Msg::new(
                        format!("--set 应写作 recorded.键=日期，而不是 `{s}`"),
                        format!("--set takes recorded.KEY=DATE, not `{s}`"),
                    ),
                );
                return Err(exit::UNUSABLE);
            }
        }
    }
    if sets.is_empty() {
        say(
            err,
            lang,
            &Msg::new(
                "没有要登记的日期：用 --notified、--accepted、--resolved 或 --set recorded.键=日期",
                "nothing to record: give --notified, --accepted, --resolved or --set recorded.KEY=DATE",
            ),
        );
        return Err(exit::UNUSABLE);
    }
    let recorded: Vec<&str> = rules
        .fields
        .iter()
        .filter(|f| f.key.starts_with("recorded.") && f.ty == FieldType::Date)
        .map(|f| f.key.as_str())
        .collect();
    let mut values: Vec<(usize, Date)> = Vec::new();
    for (key, v) in &sets {
        let Some(slot) = rules
            .field(key)
            .filter(|_| recorded.contains(&key.as_str()))
        else {
            say(
                err,
                lang,
                &Msg::new(
                    format!(
                        "规则没有声明日期字段 `{key}`；可登记的有：{}",
                        recorded.join("、")
                    ),
                    format!(
                        "the rules declare no date field `{key}`; these can be recorded: {}",
                        recorded.join(", ")
                    ),
                ),
            );
            return Err(exit::UNUSABLE);
        };
        match parse_date(v) {
            Ok(d) => values.push((slot, d)),
            Err(m) => {
                say(err, lang, &m);
                return Err(exit::UNUSABLE);
            }
        }
    }
    let mut reg = open(&args.db, false, lang, err)?;
    let json = match reg.latest_record(args.number) {
        Ok(j) => j,
        Err(e) => return Err(fail(err, lang, &e)),
    };
    let mut rec = match stored_record(&program, &json, lang) {
        Ok(r) => r,
        Err(m) => {
            say(err, lang, &m);
            return Err(exit::UNUSABLE);
        }
    };
    for (slot, d) in values {
        rec.set(slot, Value::Date(d));
    }
    Ok(append(
        &mut reg,
        &program,
        args.number,
        "record",
        &rec,
        lang,
        out,
        err,
    ))
}

/// The record's personal fields' values, masked unless `show`.
fn personal_name(rules: &RuleSet, record: &str, show: bool) -> String {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(record)
    else {
        return String::new();
    };
    let Some(f) = rules
        .fields
        .iter()
        .find(|f| f.personal == Some(crate::model::Mask::Name))
    else {
        return String::new();
    };
    match map.get(&f.key).and_then(|v| v.as_str()) {
        Some(v) if show => v.to_string(),
        Some(v) => crate::report::mask(v, crate::model::Mask::Name),
        None => String::new(),
    }
}

/// Rows of cells as an aligned table.
fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; cols];
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.width());
        }
    }
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (i, c) in r.iter().enumerate() {
            line.push_str(c);
            if i + 1 < r.len() {
                line.push_str(&" ".repeat(widths[i] - c.width() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn list(args: &ListArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8, u8> {
    let lang = args.rules.lang();
    let program = load_program(&args.rules, err)?;
    let rules = &program.rules;
    let mut filter = Filter {
        due: args.due,
        ..Filter::default()
    };
    if let Some(o) = &args.outcome {
        match Outcome::from_code(o) {
            Some(o) => filter.outcome = Some(o),
            None => {
                say(
                    err,
                    lang,
                    &Msg::new(
                        format!("--outcome 应为 accepted、rejected 或 incomplete，而不是 `{o}`"),
                        format!("--outcome is accepted, rejected or incomplete, not `{o}`"),
                    ),
                );
                return Err(exit::UNUSABLE);
            }
        }
    }
    let mut wheres = args.wheres.clone();
    if let Some(stall) = &args.stall {
        if rules.field("respondent.stall").is_none() {
            say(
                err,
                lang,
                &Msg::new(
                    "这份规则没有声明 respondent.stall（摊位号码），--stall 不可用；用 --where 键=值",
                    "these rules declare no respondent.stall, so --stall does not apply; use --where KEY=VALUE",
                ),
            );
            return Err(exit::UNUSABLE);
        }
        wheres.push(format!("respondent.stall={stall}"));
    }
    for w in &wheres {
        match register::parse_where(rules, w) {
            Ok(kv) => filter.wheres.push(kv),
            Err(m) => {
                say(err, lang, &m);
                return Err(exit::UNUSABLE);
            }
        }
    }
    let reg = open(&args.db, false, lang, err)?;
    for (key, v) in &filter.wheres {
        if matches!(v, register::WhereValue::Equal(_))
            && let Err(e) = reg.index_key(key)
        {
            return Err(fail(err, lang, &e));
        }
    }
    let rows = match reg.list(&filter, args.limit) {
        Ok(r) => r,
        Err(e) => return Err(fail(err, lang, &e)),
    };
    let mut cells = vec![
        match lang {
            Lang::Zh => vec!["案件号", "记录编号", "结论", "条款", "最近期限", "投诉人"],
            Lang::En => vec![
                "case",
                "record",
                "outcome",
                "clause",
                "next due",
                "complainant",
            ],
        }
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>(),
    ];
    for r in &rows {
        cells.push(vec![
            r.number.to_string(),
            esc(r.record_id.as_deref().unwrap_or("-")).to_string(),
            outcome_words(&r.outcome, lang).to_string(),
            esc(r.deciding.as_deref().unwrap_or("-")).to_string(),
            r.next_due.clone().unwrap_or_else(|| "-".into()),
            esc(&personal_name(rules, &r.record, args.show_personal)).to_string(),
        ]);
    }
    let _ = out.write_all(table(&cells).as_bytes());
    let _ = writeln!(
        out,
        "{}",
        match lang {
            Lang::Zh => format!("共 {} 件", rows.len()),
            Lang::En => format!("{} case(s)", rows.len()),
        }
    );
    Ok(exit::OK)
}

fn show(args: &ShowArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8, u8> {
    let lang = args.rules.lang();
    let program = load_program(&args.rules, err)?;
    let rules = &program.rules;
    let reg = open(&args.db, false, lang, err)?;
    let h = match reg.show(args.number) {
        Ok(h) => h,
        Err(e) => return Err(fail(err, lang, &e)),
    };
    let zh = lang == Lang::Zh;
    let id = esc(h.record_id.as_deref().unwrap_or("-")).to_string();
    let _ = writeln!(
        out,
        "{}",
        if zh {
            format!("第 {} 号案件  记录编号 {id}  登记于 {}", h.number, h.added)
        } else {
            format!("case {}  record {id}  added {}", h.number, h.added)
        }
    );
    let _ = writeln!(out, "\n{}", words(lang, "决定历史：", "decisions:"));
    let mut prev: Option<&register::Decision> = None;
    for (i, d) in h.decisions.iter().enumerate() {
        let why = match (d.why.as_str(), zh) {
            ("add", true) => "登记",
            ("recheck", true) => "重新审查",
            ("record", true) => "登记已办日期",
            ("add", false) => "added",
            ("recheck", false) => "rechecked",
            ("record", false) => "dates recorded",
            _ => "?",
        };
        let by = by_clause(d.deciding.as_deref(), lang);
        let _ = writeln!(
            out,
            "  {}. {}  {why}  {}{by}",
            i + 1,
            d.at,
            outcome_words(&d.outcome, lang)
        );
        let _ = writeln!(
            out,
            "     {}",
            if zh {
                format!(
                    "依据规则 {} {} 版本 {}",
                    esc(&d.rules_title),
                    d.rules_digest,
                    d.rules_version.as_deref().unwrap_or("-")
                )
            } else {
                format!(
                    "decided under rules {} {} version {}",
                    esc(&d.rules_title),
                    d.rules_digest,
                    d.rules_version.as_deref().unwrap_or("-")
                )
            }
        );
        if let Some(p) = prev {
            for c in changes(p, d, &[], &[], rules, lang) {
                if !c.starts_with(words(lang, "期限", "deadline")) {
                    let _ = writeln!(out, "     {c}");
                }
            }
        }
        prev = Some(d);
    }
    if !h.deadlines.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            words(lang, "期限（最新决定）：", "deadlines (latest decision):")
        );
        for d in &h.deadlines {
            let state = match &d.done {
                Some(done) => format!("{}{done}", words(lang, "已办 ", "done ")),
                None => words(lang, "未办", "open").to_string(),
            };
            let unit = if d.workdays {
                words(lang, "（工作日）", " (working days)")
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  {} {}{unit}  {}  {state}",
                d.name,
                esc(&d.title),
                d.due
                    .as_deref()
                    .unwrap_or(words(lang, "日期未定", "date unknown")),
            );
        }
    }
    if let Some(last) = h.decisions.last()
        && let Ok(serde_json::Value::Object(map)) =
            serde_json::from_str::<serde_json::Value>(&last.record)
    {
        let _ = writeln!(out, "\n{}", words(lang, "最新记录：", "latest record:"));
        let mut cells = Vec::new();
        for f in &rules.fields {
            let Some(v) = map.get(&f.key) else { continue };
            let text = match v {
                serde_json::Value::String(s) => match f.personal {
                    Some(m) if !args.show_personal => crate::report::mask(s, m),
                    _ => s.clone(),
                },
                serde_json::Value::Bool(b) => words(
                    lang,
                    if *b { "是" } else { "否" },
                    if *b { "yes" } else { "no" },
                )
                .to_string(),
                serde_json::Value::Number(n) if f.ty == FieldType::Decimal => {
                    n.as_f64().map_or(n.to_string(), |x| format!("{x:.2}"))
                }
                other => other.to_string(),
            };
            let text = match &f.ty {
                FieldType::Enum(vs) => vs
                    .iter()
                    .find(|x| x.code == text)
                    .map_or(text.clone(), |x| x.label.get(lang).to_string()),
                FieldType::List(vs) => v
                    .as_array()
                    .map(|items| {
                        items
                            .iter()
                            .filter_map(|i| i.as_str())
                            .map(|c| {
                                vs.iter()
                                    .find(|x| x.code == c)
                                    .map_or(c.to_string(), |x| x.label.get(lang).to_string())
                            })
                            .collect::<Vec<_>>()
                            .join(words(lang, "、", ", "))
                    })
                    .unwrap_or(text),
                _ => text,
            };
            cells.push(vec![
                format!("  {}", esc(f.label.get(lang))),
                esc(&text).to_string(),
            ]);
        }
        let _ = out.write_all(table(&cells).as_bytes());
    }
    Ok(exit::OK)
}

/// Working days after `due` up to `on` (the days overdue), where the
/// calendar knows them.
fn workdays_late(program: &Program, due: Date, on: Date) -> Option<i64> {
    let mut n = 0;
    let mut d = due.tomorrow()?;
    while d <= on {
        if program.calendar.is_workday(d)? {
            n += 1;
        }
        d = d.tomorrow()?;
    }
    Some(n)
}

fn due(args: &DueArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8, u8> {
    let lang = args.rules.lang();
    let on = match args.on.as_deref().map(parse_date) {
        Some(Ok(d)) => d,
        Some(Err(m)) => {
            say(err, lang, &m);
            return Err(exit::UNUSABLE);
        }
        None => today(),
    };
    let program = load_program(&args.rules, err)?;
    let reg = open(&args.db, false, lang, err)?;
    let on_s = on.to_string();
    let until = (0..args.within)
        .try_fold(on, |d, _| d.tomorrow())
        .unwrap_or(on)
        .to_string();
    let counts = match reg.due_counts(&on_s, &until) {
        Ok(c) => c,
        Err(e) => return Err(fail(err, lang, &e)),
    };
    let zh = lang == Lang::Zh;
    let _ = writeln!(
        out,
        "{}",
        if zh {
            format!("{} 的期限", crate::notice::date_words(on, lang))
        } else {
            format!("deadlines as of {on_s}")
        }
    );
    let limit = (!args.all).then_some(args.limit);
    let sections = [
        (register::DueSection::Overdue, "已逾期", "overdue"),
        (register::DueSection::Today, "今天到期", "due today"),
        (register::DueSection::Upcoming, "即将到期", "due soon"),
        (
            register::DueSection::Unknown,
            "日期未定（日历未覆盖或缺少起算日期）",
            "date unknown (calendar or start date missing)",
        ),
    ];
    let mut any = false;
    for (section, zh_title, en_title) in sections {
        let count = |c: &register::DueCount| match section {
            register::DueSection::Overdue => c.overdue,
            register::DueSection::Today => c.today,
            register::DueSection::Upcoming => c.upcoming,
            register::DueSection::Unknown => c.unknown,
        };
        let total: i64 = counts.iter().map(count).sum();
        if total == 0 {
            continue;
        }
        any = true;
        let soon = if section == register::DueSection::Upcoming {
            if zh {
                format!("，{} 天内", args.within)
            } else {
                format!(", within {} days", args.within)
            }
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "\n{}",
            if zh {
                format!("{zh_title}（{total} 件{soon}）")
            } else {
                format!("{en_title} ({total}{soon})")
            }
        );
        for c in counts.iter().filter(|c| count(c) > 0) {
            let _ = writeln!(out, "  {} {}", c.name, esc(&c.title));
            let rows = match reg.due_rows(&on_s, &until, &c.name, section, limit) {
                Ok(r) => r,
                Err(e) => return Err(fail(err, lang, &e)),
            };
            let mut cells = Vec::new();
            for r in &rows {
                let late = match r.due.as_deref().and_then(|d| parse_date(d).ok()) {
                    Some(d) if d < on => {
                        let days = on.days_since(d);
                        let work = if r.workdays {
                            workdays_late(&program, d, on)
                        } else {
                            None
                        };
                        match (work, zh) {
                            (Some(w), true) => format!("逾期 {w} 个工作日"),
                            (Some(w), false) => format!("{w} working day(s) late"),
                            (None, true) => format!("逾期 {days} 天"),
                            (None, false) => format!("{days} day(s) late"),
                        }
                    }
                    _ => String::new(),
                };
                cells.push(vec![
                    format!(
                        "    {}",
                        if zh {
                            format!("第 {} 号", r.number)
                        } else {
                            format!("case {}", r.number)
                        }
                    ),
                    r.due.clone().unwrap_or_else(|| "-".into()),
                    late,
                ]);
            }
            let _ = out.write_all(table(&cells).as_bytes());
            let more = count(c) - rows.len() as i64;
            if more > 0 {
                let _ = writeln!(
                    out,
                    "    {}",
                    if zh {
                        format!("……另有 {more} 件（--all 全部列出）")
                    } else {
                        format!("… and {more} more (--all lists them all)")
                    }
                );
            }
        }
    }
    if !any {
        let _ = writeln!(
            out,
            "{}",
            words(lang, "没有到期或逾期的期限", "nothing due or overdue")
        );
    }
    Ok(exit::OK)
}

fn case_notice(args: &CaseNoticeArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8, u8> {
    let lang = args.rules.lang();
    let db = args.db.path();
    args.notice.check(&[&db], lang, err)?;
    let program = load_program(&args.rules, err)?;
    let reg = open(&args.db, false, lang, err)?;
    let json = match reg.latest_record(args.number) {
        Ok(j) => j,
        Err(e) => return Err(fail(err, lang, &e)),
    };
    let rec = match stored_record(&program, &json, lang) {
        Ok(r) => r,
        Err(m) => {
            say(err, lang, &m);
            return Err(exit::UNUSABLE);
        }
    };
    Ok(args.notice.write(&program, &rec, lang, out, err))
}

fn export(args: &ExportArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8, u8> {
    let lang: Lang = args.lang.into();
    let reg = open(&args.db, false, lang, err)?;
    match &args.output {
        Some(path) => {
            let result = crate::atomic::write_with(path, |w| {
                let mut failed = None;
                reg.export(|_, line| {
                    let r = w
                        .write_all(line.as_bytes())
                        .and_then(|()| w.write_all(b"\n"));
                    if let Err(e) = r {
                        failed = Some(e);
                        return false;
                    }
                    true
                })
                .map_err(|e| std::io::Error::other(e.message().en))?;
                match failed {
                    Some(e) => Err(e),
                    None => Ok(()),
                }
            });
            if let Err(e) = result {
                let _ = writeln!(err, "{}", write_error(path, &e, lang));
                return Err(exit::UNUSABLE);
            }
        }
        None => {
            let mut w = std::io::BufWriter::new(out);
            let r = reg.export(|_, line| {
                w.write_all(line.as_bytes())
                    .and_then(|()| w.write_all(b"\n"))
                    .is_ok()
            });
            if let Err(e) = r {
                return Err(fail(err, lang, &e));
            }
            let _ = w.flush();
        }
    }
    Ok(exit::OK)
}

/// Registers one evaluated record in the register at `db` (created when
/// missing): what `interview` and `serve` do with `--db`. The case number,
/// or the message saying why it could not be registered.
pub(super) fn register_one(
    db: &Path,
    program: &Program,
    rec: &Record,
    trace: &crate::eval::Trace,
) -> std::result::Result<i64, Msg> {
    let mut reg = Register::open(db, true).map_err(|e| e.message())?;
    let done = register::done_fields(program);
    let entry = register::entry(program, &done, rec, trace, record_id(program, rec));
    reg.adding()
        .and_then(|mut a| {
            let n = a.add(&entry)?;
            a.commit()?;
            Ok(n)
        })
        .map_err(|e| e.message())
}
