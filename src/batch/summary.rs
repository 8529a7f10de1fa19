//! The batch summary: counted record by record in input order ([`Tally`]),
//! then laid out as JSON (`--summary FILE`) or text (stderr). Names and
//! phone numbers never appear in it: error messages are always shown in
//! their redacted form, and only ids are listed.

use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;

use super::{Ctx, Row};
use crate::audit::{AuditFields, Flag};
use crate::compile::Program;
use crate::diag::Lang;
use crate::eval::Deciding;
use crate::model::Outcome;
use crate::report::row::breach_words;
use crate::sanitize::{self, esc};
use unicode_width::UnicodeWidthStr;

/// How many errors the summary quotes.
const FIRST_ERRORS: usize = 10;
/// How many missing keys the summary ranks.
const TOP_MISSING: usize = 10;
/// How many ids the summary lists per audit finding; `--only` writes them all.
const MAX_IDS: usize = 1000;
/// How many ids the text summary shows.
const SHOWN_IDS: usize = 20;

/// Counts, record by record.
pub(crate) struct Tally {
    pub input: u64,
    pub output: u64,
    pub written: u64,
    outcomes: [u64; 3],
    errors: u64,
    first_errors: Vec<FirstError>,
    /// Per clause index, and (last) the scope clause: per outcome.
    deciding: Vec<[u64; 3]>,
    /// Per field slot.
    missing: Vec<u64>,
    audited: u64,
    /// Outcome and clause disagreements.
    flags: [u64; 2],
    /// Per deadline of `AuditFields::deadlines`.
    breaches: Vec<u64>,
    disagreeing: Vec<String>,
    breaching: Vec<String>,
    /// Breaches by the month their deadline fell due in.
    breach_months: std::collections::BTreeMap<(i16, i8), u64>,
    warnings: u64,
}

impl Tally {
    pub fn new(program: &Program) -> Tally {
        Tally {
            input: 0,
            output: 0,
            written: 0,
            outcomes: [0; 3],
            errors: 0,
            first_errors: Vec::new(),
            deciding: vec![[0; 3]; program.rules.clauses.len() + 1],
            missing: vec![0; program.rules.fields.len()],
            audited: 0,
            flags: [0; 2],
            breaches: vec![0; AuditFields::new(program).deadlines.len()],
            disagreeing: Vec::new(),
            breaching: Vec::new(),
            breach_months: std::collections::BTreeMap::new(),
            warnings: 0,
        }
    }

    pub fn add(&mut self, ctx: &Ctx, row: &Row) {
        self.input += 1;
        self.output += 1;
        self.warnings += row.warnings().count() as u64;
        let Some(c) = row.checked else {
            self.errors += 1;
            if self.first_errors.len() < FIRST_ERRORS {
                let mut message = String::new();
                for (i, p) in row.errors().enumerate() {
                    if i > 0 {
                        message.push('\n');
                    }
                    // Always redacted: the summary never shows personal data.
                    p.render_into(&mut message, &row.file, ctx.opts.lang, true);
                }
                self.first_errors.push(FirstError {
                    source: row.source.clone(),
                    message,
                });
            }
            return;
        };
        let outcome = c.outcome as usize;
        self.outcomes[outcome] += 1;
        match c.deciding {
            Deciding::Clause(i) => self.deciding[i][outcome] += 1,
            Deciding::Scope => {
                if let Some(scope) = self.deciding.last_mut() {
                    scope[outcome] += 1;
                }
            }
            Deciding::None => {}
        }
        for slot in c.missing.iter() {
            self.missing[slot] += 1;
        }
        let audit = &row.audit;
        if audit.recorded {
            self.audited += 1;
            self.flags[0] += u64::from(audit.has(Flag::OutcomeDisagrees));
            self.flags[1] += u64::from(audit.has(Flag::ClauseDisagrees));
            for (k, n) in self.breaches.iter_mut().enumerate() {
                let breached = audit.has(Flag::Breach(k));
                *n += u64::from(breached);
                if breached && let Some(due) = row.deadlines.get(k).and_then(|d| d.due) {
                    *self
                        .breach_months
                        .entry((due.year(), due.month()))
                        .or_default() += 1;
                }
            }
            if audit.disagrees() && self.disagreeing.len() < MAX_IDS {
                self.disagreeing.push(row.id.clone());
            }
            if audit.breached() && self.breaching.len() < MAX_IDS {
                self.breaching.push(row.id.clone());
            }
        }
    }

    /// The progress bar's message: counts so far and records per second.
    pub fn progress_line(&self, elapsed: Duration, lang: Lang) -> String {
        let rate = per_second(self.input, elapsed);
        let [a, r, i] = self.outcomes;
        match lang {
            Lang::Zh => format!(
                "{} 条 · {rate:.0} 条/秒 · 受理 {a} · 不予受理 {r} · 待补正 {i} · 无法审查 {}",
                self.input, self.errors
            ),
            Lang::En => format!(
                "{} records · {rate:.0}/s · accepted {a} · rejected {r} · incomplete {i} · errors {}",
                self.input, self.errors
            ),
        }
    }

    pub fn summary(self, ctx: &Ctx, notes: Vec<super::input::Note>, elapsed: Duration) -> Summary {
        let rules = &ctx.program.rules;
        let lang = ctx.opts.lang;
        let count = |clause: &str, title: &str, counts: &[u64; 3]| {
            Outcome::ALL
                .into_iter()
                .zip(counts)
                .filter(|(_, n)| **n > 0)
                .map(|(outcome, n)| ClauseCount {
                    clause: clause.to_string(),
                    title: title.to_string(),
                    outcome: outcome.code(),
                    count: *n,
                })
                .collect::<Vec<_>>()
        };
        let mut deciding = Vec::new();
        // The scope clause comes before the clauses under it; its count is
        // non-zero only where the rules declare it.
        if let (Some(scope), Some(counts)) = (&rules.scope, self.deciding.last()) {
            deciding.extend(count(&scope.id, scope.title.get(lang), counts));
        }
        for (c, counts) in rules.clauses.iter().zip(&self.deciding) {
            deciding.extend(count(&c.id, c.title.get(lang), counts));
        }
        let mut missing: Vec<KeyCount> = self
            .missing
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(slot, n)| {
                let f = &rules.fields[slot];
                KeyCount {
                    key: f.key.clone(),
                    label: f.label.get(lang).to_string(),
                    count: *n,
                }
            })
            .collect();
        // Most often first; equal counts in key order, so the list is stable.
        missing.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
        missing.truncate(TOP_MISSING);
        let [accepted, rejected, incomplete] = self.outcomes;
        let [outcome, clause] = self.flags;
        let breaches = ctx
            .audit
            .deadlines
            .iter()
            .zip(&self.breaches)
            .map(|(d, n)| DeadlineCount {
                deadline: d.name.clone(),
                clause: rules.clauses[d.clause].id.clone(),
                count: *n,
            })
            .collect();
        Summary {
            records: Records {
                input: self.input,
                output: self.output,
                written: self.written,
                all_accounted_for: self.input == self.output,
            },
            outcomes: Outcomes {
                accepted,
                rejected,
                incomplete,
                error: self.errors,
            },
            deciding,
            missing,
            errors: Errors {
                count: self.errors,
                first: self.first_errors,
            },
            audit: AuditSummary {
                records: self.audited,
                outcome_disagreements: outcome,
                clause_disagreements: clause,
                breaches,
                breaches_by_month: self
                    .breach_months
                    .into_iter()
                    .map(|((y, m), count)| MonthCount {
                        month: format!("{y:04}-{m:02}"),
                        count,
                    })
                    .collect(),
                disagreeing_ids_complete: self.disagreeing.len() < MAX_IDS,
                disagreeing_ids: self.disagreeing,
                breaching_ids_complete: self.breaching.len() < MAX_IDS,
                breaching_ids: self.breaching,
            },
            warnings: self.warnings,
            notes: notes
                .into_iter()
                .map(|n| format!("{}: {}", n.file, n.message.get(lang)))
                .collect(),
            elapsed_seconds: elapsed.as_secs_f64(),
            records_per_second: per_second(self.input, elapsed),
            rules: Rules {
                title: rules.title.clone(),
                version: rules.version.clone(),
                digest: rules.digest.clone(),
            },
            lang,
        }
    }
}

fn per_second(n: u64, elapsed: Duration) -> f64 {
    let secs = elapsed.as_secs_f64();
    if secs > 0.0 { n as f64 / secs } else { 0.0 }
}

/// The summary of a batch (`--summary FILE` is this as JSON).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub records: Records,
    pub outcomes: Outcomes,
    /// Per deciding clause and outcome, in clause order (the scope clause
    /// first), then outcome order.
    pub deciding: Vec<ClauseCount>,
    /// The keys most often missing (incomplete records), most often first.
    pub missing: Vec<KeyCount>,
    pub errors: Errors,
    pub audit: AuditSummary,
    /// Warnings in records (keys the rules do not declare).
    pub warnings: u64,
    /// Warnings about inputs as a whole (CSV header keys).
    pub notes: Vec<String>,
    pub elapsed_seconds: f64,
    pub records_per_second: f64,
    pub rules: Rules,
    #[serde(skip)]
    pub lang: Lang,
}

#[derive(Debug, Clone, Serialize)]
pub struct Records {
    /// Records read.
    pub input: u64,
    /// Records reported (checked or error): always equal to `input`.
    pub output: u64,
    /// Records written after `--only`.
    pub written: u64,
    pub all_accounted_for: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Outcomes {
    pub accepted: u64,
    pub rejected: u64,
    pub incomplete: u64,
    pub error: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClauseCount {
    pub clause: String,
    pub title: String,
    /// The outcome the clause decided (`accepted`, `rejected`,
    /// `incomplete`): a clause that decided two is counted twice.
    pub outcome: &'static str,
    pub count: u64,
}

/// The records that missed one deadline.
#[derive(Debug, Clone, Serialize)]
pub struct DeadlineCount {
    /// The deadline's name (`notify_by`).
    pub deadline: String,
    /// Its clause's id.
    pub clause: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyCount {
    pub key: String,
    pub label: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Errors {
    /// Records that could not be checked.
    pub count: u64,
    /// The first few, in input order.
    pub first: Vec<FirstError>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FirstError {
    pub source: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthCount {
    pub month: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditSummary {
    /// Records with some `recorded.*` value.
    pub records: u64,
    pub outcome_disagreements: u64,
    pub clause_disagreements: u64,
    /// Per deadline clause, in clause order: the records done after its
    /// date.
    pub breaches: Vec<DeadlineCount>,
    /// Breaches of every deadline by the month they fell due in (`2024-03`),
    /// in calendar order.
    pub breaches_by_month: Vec<MonthCount>,
    /// Ids of the records whose recorded outcome or clause disagrees (the
    /// first 1000; `--only disagreements` writes them all).
    pub disagreeing_ids: Vec<String>,
    pub disagreeing_ids_complete: bool,
    /// Ids of the records with a missed deadline (the first 1000).
    pub breaching_ids: Vec<String>,
    pub breaching_ids_complete: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rules {
    pub title: String,
    pub version: Option<String>,
    pub digest: String,
}

struct Words {
    title: &'static str,
    records: &'static str,
    read: &'static str,
    reported: &'static str,
    matched: &'static str,
    unmatched: &'static str,
    written: &'static str,
    outcomes: &'static str,
    error: &'static str,
    deciding: &'static str,
    missing: &'static str,
    errors: &'static str,
    first: &'static str,
    audit: &'static str,
    audited: &'static str,
    flags: [&'static str; 2],
    disagreeing: &'static str,
    breaching: &'static str,
    more: &'static str,
    warnings: &'static str,
    speed: &'static str,
    per_second: &'static str,
    seconds: &'static str,
    unit: &'static str,
}

const ZH: Words = Words {
    title: "批量审查汇总",
    records: "记录",
    read: "读入",
    reported: "输出",
    matched: "一一对应",
    unmatched: "数目不符！",
    written: "按 --only 写出",
    outcomes: "结论",
    error: "无法审查",
    deciding: "决定条款",
    missing: "最常缺少",
    errors: "无法审查的记录",
    first: "前",
    audit: "审计（有归档处理记录的 ",
    audited: " 条）",
    flags: ["结论不符", "条款不符"],
    disagreeing: "结论或条款不符的编号",
    breaching: "逾期的编号",
    more: "另有",
    warnings: "提醒",
    speed: "用时",
    per_second: "条/秒",
    seconds: "秒",
    unit: " 条",
};

const EN: Words = Words {
    title: "Batch summary",
    records: "Records",
    read: "read",
    reported: "reported",
    matched: "all accounted for",
    unmatched: "COUNTS DIFFER!",
    written: "written after --only",
    outcomes: "Outcomes",
    error: "error",
    deciding: "Deciding clauses",
    missing: "Most often missing",
    errors: "Records that could not be checked",
    first: "first",
    audit: "Audit (",
    audited: " records with what was done)",
    flags: ["outcome differs", "clause differs"],
    disagreeing: "Ids whose outcome or clause differs",
    breaching: "Ids with a missed deadline",
    more: "more",
    warnings: "Warnings",
    speed: "Time",
    per_second: "records/s",
    seconds: "s",
    unit: "",
};

/// `（text）` in Chinese, ` (text)` in English.
fn paren(lang: Lang, text: &str) -> String {
    match lang {
        Lang::Zh => format!("（{text}）"),
        Lang::En => format!(" ({text})"),
    }
}

impl Summary {
    /// The summary as text for stderr, in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        let w = match lang {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        };
        let colon = if lang == Lang::Zh { "：" } else { ": " };
        let sep = if lang == Lang::Zh { "，" } else { ", " };
        let mut out = String::new();
        let version = self
            .rules
            .version
            .as_deref()
            .map_or(String::new(), |v| format!(" {v}"));
        let _ = writeln!(out, "{} — {}{version}", w.title, self.rules.title);
        let r = &self.records;
        let _ = write!(
            out,
            "{}{colon}{} {}{}{sep}{} {}{}{}",
            w.records,
            w.read,
            r.input,
            w.unit,
            w.reported,
            r.output,
            w.unit,
            paren(
                lang,
                if r.all_accounted_for {
                    w.matched
                } else {
                    w.unmatched
                }
            )
        );
        if r.written != r.output {
            let _ = write!(out, "{sep}{} {}{}", w.written, r.written, w.unit);
        }
        out.push('\n');
        let o = &self.outcomes;
        let label = |x: Outcome| x.label(lang);
        let _ = writeln!(
            out,
            "{}{colon}{} {} · {} {} · {} {} · {} {}",
            w.outcomes,
            label(Outcome::Accepted),
            o.accepted,
            label(Outcome::Rejected),
            o.rejected,
            label(Outcome::Incomplete),
            o.incomplete,
            w.error,
            o.error
        );
        if !self.deciding.is_empty() {
            let _ = writeln!(out, "{}{}", w.deciding, colon.trim_end());
            let width = self
                .deciding
                .iter()
                .map(|c| c.clause.len())
                .max()
                .unwrap_or(0);
            let label = |code: &str| Outcome::from_code(code).map_or("", |o| o.label(lang));
            let labels = self
                .deciding
                .iter()
                .map(|c| label(c.outcome).width())
                .max()
                .unwrap_or(0);
            for c in &self.deciding {
                let l = label(c.outcome);
                let pad = " ".repeat(labels - l.width());
                let _ = writeln!(
                    out,
                    "  {:<width$}  {l}{pad}  {:>7}  {}",
                    c.clause, c.count, c.title
                );
            }
        }
        if !self.missing.is_empty() {
            let _ = writeln!(out, "{}{}", w.missing, colon.trim_end());
            for k in &self.missing {
                let _ = writeln!(out, "  {:>7}  {}{}", k.count, k.label, paren(lang, &k.key));
            }
        }
        if self.errors.count > 0 {
            let shown = self.errors.first.len() as u64;
            let _ = write!(out, "{}{colon}{}{}", w.errors, self.errors.count, w.unit);
            if shown < self.errors.count {
                let _ = write!(out, "{sep}{} {shown}{}", w.first, w.unit);
            }
            out.push('\n');
            for e in &self.errors.first {
                for line in e.message.lines() {
                    let _ = writeln!(out, "  {line}");
                }
            }
        }
        let a = &self.audit;
        if a.records > 0 {
            let mut parts: Vec<String> = w
                .flags
                .iter()
                .zip([a.outcome_disagreements, a.clause_disagreements])
                .map(|(name, n)| format!("{name} {n}"))
                .collect();
            for b in &a.breaches {
                let name = breach_words(lang, &b.clause);
                parts.push(match lang {
                    Lang::Zh => format!("{name}{}", b.count),
                    Lang::En => format!("{name} {}", b.count),
                });
            }
            let _ = writeln!(
                out,
                "{}{}{}{colon}{}",
                w.audit,
                a.records,
                w.audited,
                parts.join(" · ")
            );
            for (title, ids, complete) in [
                (
                    w.disagreeing,
                    &a.disagreeing_ids,
                    a.disagreeing_ids_complete,
                ),
                (w.breaching, &a.breaching_ids, a.breaching_ids_complete),
            ] {
                if ids.is_empty() {
                    continue;
                }
                // Ids come from the records: one holding `, ` or a line end
                // must not pass for two.
                let shown: Vec<String> = ids
                    .iter()
                    .take(SHOWN_IDS)
                    .map(|id| esc(id).to_string())
                    .collect();
                let _ = write!(out, "  {title}{colon}{}", shown.join(", "));
                let hidden = ids.len() - shown.len();
                if hidden > 0 || !complete {
                    let plus = if complete { "" } else { "+" };
                    let _ = write!(out, " … {} {hidden}{plus}", w.more);
                }
                out.push('\n');
            }
        }
        if self.warnings > 0 || !self.notes.is_empty() {
            let _ = writeln!(
                out,
                "{}{colon}{}{}",
                w.warnings,
                self.warnings + self.notes.len() as u64,
                w.unit
            );
            for n in &self.notes {
                let _ = writeln!(out, "  {}", esc(n));
            }
        }
        let _ = writeln!(
            out,
            "{}{colon}{:.2} {}{sep}{:.0} {}",
            w.speed, self.elapsed_seconds, w.seconds, self.records_per_second, w.per_second
        );
        // Titles and labels come from the rule file: whatever else reached
        // the text is shown escaped too (the line ends are ours).
        sanitize::escape_lines(&out).into_owned()
    }
}
