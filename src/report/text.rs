//! The human report: verdict first, then the deciding clause with the
//! guideline's words and the reason, what to ask for, deadlines, and a line
//! per clause.

use std::fmt::Write as _;

use super::Report;
use crate::diag::Lang;
use crate::sanitize::{esc, escape_lines};

struct Words {
    verdict: &'static str,
    deciding: &'static str,
    open: &'static str,
    determine: &'static str,
    needed_for: &'static str,
    skipped: &'static str,
    source: &'static str,
    reason: &'static str,
    also: &'static str,
    ask: &'static str,
    choices: &'static str,
    deadlines: &'static str,
    not_applicable: &'static str,
    unknown_date: &'static str,
    by: &'static str,
    clauses: &'static str,
    warnings: &'static str,
    case: &'static str,
    rules: &'static str,
}

const ZH: Words = Words {
    verdict: "结论",
    deciding: "决定条款",
    open: "尚待补正的条款",
    determine: "待核实（由受理机构判断）",
    needed_for: "用于",
    skipped: "计算时",
    source: "原文",
    reason: "理由",
    also: "同时适用",
    ask: "请投诉人补充",
    choices: "可选",
    deadlines: "期限",
    not_applicable: "不适用（未受理）",
    unknown_date: "无法计算（缺少日期）",
    by: "（含当日）",
    clauses: "逐条审查",
    warnings: "提醒",
    case: "编号",
    rules: "规则",
};

const EN: Words = Words {
    verdict: "Outcome",
    deciding: "Deciding clause",
    open: "Clause still open",
    determine: "For the office to determine",
    needed_for: "for",
    skipped: "",
    source: "Text",
    reason: "Reason",
    also: "Also applies",
    ask: "Ask the complainant for",
    choices: "one of",
    deadlines: "Deadlines",
    not_applicable: "does not apply (not accepted)",
    unknown_date: "cannot be computed (a date is missing)",
    by: " (that day included)",
    clauses: "Clause by clause",
    warnings: "Warnings",
    case: "Case",
    rules: "Rules",
};

fn status_mark(status: &str, lang: Lang) -> &'static str {
    match (status, lang) {
        ("true", Lang::Zh) => "是",
        ("false", Lang::Zh) => "否",
        ("unknown", Lang::Zh) => "待定",
        ("met", Lang::Zh) => "已满足",
        ("unmet", Lang::Zh) => "未满足",
        ("true", Lang::En) => "yes",
        ("false", Lang::En) => "no",
        ("unknown", Lang::En) => "undecided",
        ("met", Lang::En) => "met",
        ("unmet", Lang::En) => "unmet",
        ("not_in_force", Lang::Zh) => "不适用",
        ("not_in_force", Lang::En) => "not in force",
        _ => "",
    }
}

/// What to ask the complainant for, and what the office must determine.
fn ask_lists(out: &mut String, r: &Report, w: &Words, colon: &str, lang: Lang) {
    for (title, list) in [(w.ask, &r.ask_for), (w.determine, &r.to_determine)] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title}{}", colon.trim_end());
        for a in list {
            let _ = match lang {
                Lang::Zh => write!(out, "  - {}（{}）", esc(a.label), a.key),
                Lang::En => write!(out, "  - {} ({})", esc(a.label), a.key),
            };
            if !a.needed_for.is_empty() {
                let _ = write!(out, " [{} {}]", w.needed_for, a.needed_for.join(", "));
            }
            if a.choices.is_empty() {
                out.push('\n');
            } else {
                let _ = writeln!(out, " {}{colon}{}", w.choices, esc(&a.choices.join(" / ")));
            }
        }
    }
}

pub fn render(r: &Report, lang: Lang) -> String {
    let w = match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    };
    let colon = if lang == Lang::Zh { "：" } else { ": " };
    let mut out = String::new();
    let _ = writeln!(out, "{}{colon}{}", w.verdict, r.verdict);
    let incomplete = r.outcome == "incomplete";
    // An incomplete complaint leads with what is still needed: the clause
    // held open is no verdict against the complainant.
    if incomplete {
        ask_lists(&mut out, r, w, colon, lang);
        out.push('\n');
    }
    if let Some(deciding) = r.deciding {
        let label = if incomplete { w.open } else { w.deciding };
        let _ = writeln!(out, "{label}{colon}{deciding} {}", esc(r.deciding_title));
    }
    if let Some(src) = &r.deciding_source {
        // The guideline's words may run over several lines.
        let _ = writeln!(out, "{}{colon}{}", w.source, escape_lines(src));
    }
    if !r.reason.is_empty() {
        // Filled in with the record's values.
        let _ = writeln!(out, "{}{colon}{}", w.reason, esc(&r.reason));
    }
    let also: Vec<&super::ClauseReport> = r
        .clauses
        .iter()
        .filter(|c| r.fired.contains(&c.id) && Some(c.id) != r.deciding)
        .collect();
    if !also.is_empty() {
        let _ = writeln!(out, "\n{}{}", w.also, colon.trim_end());
        for c in also {
            let _ = write!(out, "  - {} {}", c.id, esc(c.title));
            match &c.explanation {
                Some(e) => {
                    let _ = writeln!(out, "{colon}{}", esc(e));
                }
                None => out.push('\n'),
            }
        }
    }
    if !incomplete {
        ask_lists(&mut out, r, w, colon, lang);
    }
    if !r.deadline_clauses.is_empty() {
        let _ = writeln!(out, "\n{}{}", w.deadlines, colon.trim_end());
        for d in &r.deadline_clauses {
            let when = match (&d.date, d.status) {
                (Some(date), _) if lang == Lang::Zh => format!("最迟 {date}{}", w.by),
                (Some(date), _) => format!("by {date}{}", w.by),
                (None, "not_applicable") => w.not_applicable.to_string(),
                (None, "not_in_force") => status_mark("not_in_force", lang).to_string(),
                (None, _) => match &d.calendar {
                    Some(why) => why.clone(),
                    None => w.unknown_date.to_string(),
                },
            };
            let _ = writeln!(out, "  {} {}{colon}{}", d.id, esc(d.title), when.trim_end());
            if let Some(skipped) = &d.skipped {
                let _ = writeln!(out, "    {}{skipped}", w.skipped);
            }
        }
    }
    let _ = writeln!(out, "\n{}{}", w.clauses, colon.trim_end());
    for c in &r.clauses {
        let _ = write!(
            out,
            "  {:<8} {}{colon}{}",
            c.id,
            esc(c.title),
            status_mark(c.status, lang)
        );
        match &c.explanation {
            Some(e) => {
                let _ = writeln!(out, " — {}", esc(e));
            }
            None => out.push('\n'),
        }
    }
    if !r.warnings.is_empty() {
        let _ = writeln!(out, "\n{}{}", w.warnings, colon.trim_end());
        for warning in &r.warnings {
            let _ = writeln!(out, "  - {}", esc(warning));
        }
    }
    let version = r.rules.version.map_or(String::new(), |v| format!(" {v}"));
    let _ = writeln!(
        out,
        "\n{}{colon}{} · {}{colon}{}{version} ({})",
        w.case,
        esc(&r.id),
        w.rules,
        esc(r.rules.title),
        r.rules.digest
    );
    out
}
