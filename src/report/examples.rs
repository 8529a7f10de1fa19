//! The text of `shouli test`: a failed example's expected-against-actual
//! table, and the coverage of clause states.

use crate::compile::Program;
use crate::diag::Lang;

/// Expected against actual, one aspect per line; `≠` marks what differs.
pub fn failure(r: &crate::examples::TestResult, lang: Lang) -> String {
    use crate::examples::Aspect;
    let zh = lang == Lang::Zh;
    let actual = match &r.actual {
        Ok(a) => a,
        Err(e) => {
            return if zh {
                format!("    日期计算超出范围（{e}）\n")
            } else {
                format!("    {e}\n")
            };
        }
    };
    let e = &r.expected;
    let unstated = if zh { "（未写）" } else { "(not stated)" };
    let list = |v: &[String]| format!("[{}]", v.join(", "));
    let outcome = |o: crate::model::Outcome| match lang {
        Lang::Zh => format!("{}（{}）", o.label(Lang::Zh), o.code()),
        Lang::En => o.code().to_string(),
    };
    let mut rows: Vec<(bool, &str, String, String)> = vec![
        (
            r.mismatches.contains(&Aspect::Outcome),
            if zh { "结论 expect" } else { "outcome" },
            outcome(e.outcome),
            outcome(actual.outcome),
        ),
        (
            r.mismatches.contains(&Aspect::Deciding),
            if zh {
                "决定条款 by"
            } else {
                "deciding clause"
            },
            e.deciding.clone().unwrap_or_else(|| unstated.to_string()),
            actual.deciding.clone(),
        ),
        (
            r.mismatches.contains(&Aspect::Fired),
            if zh {
                "成立的情形 fired"
            } else {
                "fired grounds"
            },
            e.fired
                .as_deref()
                .map_or_else(|| unstated.to_string(), list),
            list(&actual.fired),
        ),
        (
            r.mismatches.contains(&Aspect::Missing),
            if zh {
                "待补正项 missing"
            } else {
                "missing keys"
            },
            e.missing
                .as_deref()
                .map_or_else(|| unstated.to_string(), list),
            list(&actual.missing),
        ),
    ];
    for (name, date) in &e.deadlines {
        let got = actual
            .deadlines
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, d)| d.clone());
        rows.push((
            r.mismatches.contains(&Aspect::Deadline(name.clone())),
            name,
            date.clone().unwrap_or_else(|| "null".to_string()),
            got.unwrap_or_else(|| "null".to_string()),
        ));
    }
    let width = rows.iter().map(|r| text_width(r.1)).max().unwrap_or(0);
    let (want, got) = if zh {
        ("预期", "实际")
    } else {
        ("expected", "actual")
    };
    let want_width = rows
        .iter()
        .map(|r| text_width(&r.2))
        .chain([text_width(want)])
        .max()
        .unwrap_or(0);
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w - text_width(s)));
    let mut s = format!("    {}  {}  {got}\n", pad("", width), pad(want, want_width));
    for (differs, label, expected, actual) in rows {
        let mark = if differs { "≠" } else { " " };
        s.push_str(&format!(
            "  {mark} {}  {}  {actual}\n",
            pad(label, width),
            pad(&expected, want_width)
        ));
    }
    // Expectations and values come from case files: shown escaped.
    crate::sanitize::escape_lines(&s).into_owned()
}

fn text_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// Per clause, how many tests put it in each state; then what no test did.
pub fn coverage(program: &Program, coverage: &crate::examples::Coverage, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let rules = &program.rules;
    let mut s = String::from(if zh {
        "\n覆盖情况（各状态出现的次数）：\n"
    } else {
        "\ncoverage (how many tests put each clause in each state):\n"
    });
    let id_width = coverage
        .clauses
        .iter()
        .map(|c| text_width(&rules.clauses[c.clause].id))
        .chain(rules.scope.as_ref().map(|sc| text_width(&sc.id)))
        .max()
        .unwrap_or(0);
    let mut rows: Vec<(String, String, String)> = Vec::new();
    if let (Some(scope), Some(n)) = (&rules.scope, coverage.scope) {
        let state = if zh {
            "判定为范围外"
        } else {
            "out of scope"
        };
        rows.push((
            scope.id.clone(),
            format!("{state} {n}"),
            scope.title.get(lang).to_string(),
        ));
    }
    for c in &coverage.clauses {
        let clause = &rules.clauses[c.clause];
        let counts: Vec<String> = c
            .states
            .iter()
            .map(|(state, n)| format!("{} {n}", state.label(lang)))
            .collect();
        rows.push((
            clause.id.clone(),
            counts.join(" · "),
            clause.title.get(lang).to_string(),
        ));
    }
    let counts_width = rows.iter().map(|r| text_width(&r.1)).max().unwrap_or(0);
    for (id, counts, title) in &rows {
        let pad_id = " ".repeat(id_width - text_width(id));
        let pad_counts = " ".repeat(counts_width - text_width(counts));
        s.push_str(&format!("  {id}{pad_id}  {counts}{pad_counts}  {title}\n"));
    }
    let mut gaps = Vec::new();
    if let (Some(scope), Some(0)) = (&rules.scope, coverage.scope) {
        gaps.push(format!(
            "  {}：{}",
            scope.id,
            if zh {
                "判定为范围外"
            } else {
                "out of scope"
            }
        ));
    }
    for c in &coverage.clauses {
        let never: Vec<&str> = c.never().map(|st| st.label(lang)).collect();
        if !never.is_empty() {
            let sep = if zh { "、" } else { ", " };
            let colon = if zh { "：" } else { ": " };
            gaps.push(format!(
                "  {}{colon}{}",
                rules.clauses[c.clause].id,
                never.join(sep)
            ));
        }
    }
    if gaps.is_empty() {
        s.push_str(if zh {
            "每条条款的每种状态都有示例覆盖。\n"
        } else {
            "every clause was seen in every state.\n"
        });
    } else {
        s.push_str(if zh {
            "从未出现的状态：\n"
        } else {
            "states no test produced:\n"
        });
        for g in gaps {
            s.push_str(&g);
            s.push('\n');
        }
    }
    crate::sanitize::escape_lines(&s).into_owned()
}
