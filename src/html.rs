//! The auditor's report as pictures (`--report FILE.html` of `batch` and
//! `diff`): one self-contained HTML page — styles inline, charts inline SVG
//! drawn by plotters, no script and nothing fetched — that prints on A4.
//! It is made from a summary alone ([`crate::batch::Summary`],
//! [`crate::diff::Summary`]), which holds ids, clause ids and keys, never a
//! record's personal data. Every number on it is in a table beside its
//! chart, each cell marked `data-of="…"` with the summary's JSON path, so a
//! test can hold the page to the summary.

use std::fmt::Write as _;

use plotters::coord::ranged1d::{IntoSegmentedCoord, SegmentValue};
use plotters::prelude::*;

use crate::batch::Summary as BatchSummary;
use crate::diag::Lang;
use crate::diff::{Summary as DiffSummary, state_label};

/// Text for HTML: `&`, `<`, `>`, `"` and `'` as entities, and control
/// characters (other than line ends) as `\u{…}`, as the terminal shows them.
fn h(text: &str) -> String {
    crate::sanitize::html(&crate::sanitize::escape(text))
}

const FONT: &str = "sans-serif";
const BAR: RGBColor = RGBColor(0x2b, 0x6c, 0xb0);
const OLD: RGBColor = RGBColor(0x9a, 0xa5, 0xb1);

/// One bar per (label, count), horizontal, the longest on the scale of the
/// largest. Empty when there is nothing to draw.
fn bars(items: &[(String, u64)], colour: RGBColor) -> String {
    if items.is_empty() {
        return String::new();
    }
    let labels: Vec<&str> = items.iter().map(|(l, _)| l.as_str()).collect();
    let counts: Vec<u64> = items.iter().map(|(_, n)| *n).collect();
    grouped_bars(&labels, &[(&counts, colour, "")])
}

/// Bars for several series per label (old and new), horizontal.
fn grouped_bars(labels: &[&str], series: &[(&[u64], RGBColor, &str)]) -> String {
    // Labels come from the rule file: control characters as the terminal
    // shows them (XML has no place for most), markup escaped by plotters.
    let labels: Vec<String> = labels
        .iter()
        .map(|l| crate::sanitize::escape(l).into_owned())
        .collect();
    let n = labels.len();
    let max = series
        .iter()
        .flat_map(|(v, _, _)| v.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let height = (48 + n * 26) as u32;
    let label_width = labels
        .iter()
        .map(|l| unicode_width::UnicodeWidthStr::width(l.as_str()))
        .max()
        .unwrap_or(0)
        .clamp(4, 40) as u32
        * 8
        + 10;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (720, height.max(80))).into_drawing_area();
        let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
            root.fill(&WHITE)?;
            let mut chart = ChartBuilder::on(&root)
                .margin(8)
                .x_label_area_size(24)
                .y_label_area_size(label_width)
                // A discrete range includes its end: 0..n-1 is n segments.
                .build_cartesian_2d(0u64..max + max / 10 + 1, (0..n - 1).into_segmented())?;
            chart
                .configure_mesh()
                .disable_y_mesh()
                .y_labels(n)
                // The first label at the top.
                .y_label_formatter(&|v| match v {
                    SegmentValue::CenterOf(i) | SegmentValue::Exact(i) if *i < n => {
                        labels[n - 1 - i].to_string()
                    }
                    _ => String::new(),
                })
                .label_style((FONT, 13))
                .draw()?;
            // Several series overlap, each narrower than the one before
            // (old behind, new in front): a bullet chart.
            for (s, (values, colour, name)) in series.iter().enumerate() {
                let inset = 3 + 5 * s as u32;
                let series = chart.draw_series(values.iter().enumerate().map(|(i, &v)| {
                    let mut bar = Rectangle::new(
                        [
                            (0, SegmentValue::Exact(n - 1 - i)),
                            (v, SegmentValue::Exact(n - i)),
                        ],
                        colour.filled(),
                    );
                    bar.set_margin(inset, inset, 0, 0);
                    bar
                }))?;
                if !name.is_empty() {
                    series.label(*name).legend(move |(x, y)| {
                        Rectangle::new([(x, y - 5), (x + 12, y + 5)], colour.filled())
                    });
                }
            }
            if series.iter().any(|(_, _, name)| !name.is_empty()) {
                chart
                    .configure_series_labels()
                    .border_style(BLACK)
                    .background_style(WHITE.mix(0.9))
                    .label_font((FONT, 13))
                    .position(SeriesLabelPosition::LowerRight)
                    .draw()?;
            }
            root.present()?;
            Ok(())
        })();
        if drawn.is_err() {
            return String::new();
        }
    }
    svg
}

/// The transition matrix as a heat map with each cell's count.
fn heat_map(counts: &[[u64; 4]; 4], lang: Lang) -> String {
    let max = counts.iter().flatten().copied().max().unwrap_or(0).max(1);
    let labels: Vec<&str> = (0..4).map(|i| state_label(i, lang)).collect();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (560, 360)).into_drawing_area();
        let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
            root.fill(&WHITE)?;
            let (old_axis, new_axis) = match lang {
                Lang::Zh => ("原规则", "新规则"),
                Lang::En => ("old rules", "new rules"),
            };
            let mut chart = ChartBuilder::on(&root)
                .margin(10)
                .x_label_area_size(44)
                .y_label_area_size(110)
                .build_cartesian_2d((0..3usize).into_segmented(), (0..3usize).into_segmented())?;
            let name = |v: &SegmentValue<usize>| match v {
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
                    labels.get(*i).map_or(String::new(), |l| l.to_string())
                }
                SegmentValue::Last => String::new(),
            };
            // Old outcomes run down, the first at the top.
            let old_name = |v: &SegmentValue<usize>| match v {
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) if *i < 4 => {
                    labels[3 - i].to_string()
                }
                _ => String::new(),
            };
            chart
                .configure_mesh()
                .disable_mesh()
                .x_labels(4)
                .y_labels(4)
                .x_label_formatter(&name)
                .y_label_formatter(&old_name)
                .x_desc(new_axis)
                .y_desc(old_axis)
                .label_style((FONT, 13))
                .axis_desc_style((FONT, 14))
                .draw()?;
            let row = |i: usize| 3 - i;
            chart.draw_series(
                (0..4)
                    .flat_map(|o| (0..4).map(move |n| (o, n)))
                    .map(|(o, n)| {
                        let v = counts[o][n];
                        let shade = if o == n {
                            RGBColor(0xee, 0xee, 0xee)
                        } else if v == 0 {
                            WHITE
                        } else {
                            let t = 0.25 + 0.75 * v as f64 / max as f64;
                            let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * t) as u8;
                            RGBColor(mix(255, 0xc0), mix(255, 0x39), mix(255, 0x2b))
                        };
                        Rectangle::new(
                            [
                                (SegmentValue::Exact(n), SegmentValue::Exact(row(o))),
                                (SegmentValue::Exact(n + 1), SegmentValue::Exact(row(o) + 1)),
                            ],
                            shade.filled(),
                        )
                    }),
            )?;
            chart.draw_series(
                (0..4)
                    .flat_map(|o| (0..4).map(move |n| (o, n)))
                    .map(|(o, n)| {
                        Text::new(
                            counts[o][n].to_string(),
                            (SegmentValue::CenterOf(n), SegmentValue::CenterOf(row(o))),
                            (FONT, 16).into_font().color(&BLACK).pos(
                                plotters::style::text_anchor::Pos::new(
                                    plotters::style::text_anchor::HPos::Center,
                                    plotters::style::text_anchor::VPos::Center,
                                ),
                            ),
                        )
                    }),
            )?;
            root.present()?;
            Ok(())
        })();
        if drawn.is_err() {
            return String::new();
        }
    }
    svg
}

const STYLE: &str = "
body{font-family:sans-serif;margin:2em auto;max-width:60em;color:#222;line-height:1.45}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
.meta{color:#555;font-size:.9em}
table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.chart svg{max-width:100%;height:auto}
.ids{font-family:monospace;font-size:.85em;color:#444}
section{break-inside:avoid;page-break-inside:avoid}
@page{size:A4;margin:15mm}
@media print{body{margin:0;max-width:none;font-size:10pt}h2{break-after:avoid}.chart svg{max-height:120mm}}
";

fn page(title: &str, lang: Lang, body: &str) -> String {
    let html_lang = if lang == Lang::Zh { "zh-CN" } else { "en" };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{html_lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        h(title)
    )
}

fn t(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::Zh { zh } else { en }
}

/// A cell holding a number, marked with its place in the summary's JSON.
fn n(of: &str, value: impl std::fmt::Display) -> String {
    format!("<td class=\"n\" data-of=\"{}\">{value}</td>", h(of))
}

fn ids(list: &[String], complete: bool) -> String {
    if list.is_empty() {
        return String::new();
    }
    let shown: Vec<String> = list.iter().take(20).map(|i| h(i)).collect();
    let more = if complete && list.len() <= 20 {
        ""
    } else {
        " …"
    };
    format!("<p class=\"ids\">{}{more}</p>\n", shown.join(", "))
}

/// The page for `batch --report`.
pub fn batch_page(s: &BatchSummary, lang: Lang) -> String {
    let mut b = String::new();
    let title = t(lang, "批量审查报告", "Batch report");
    let version = s.rules.version.as_deref().unwrap_or("");
    let _ = writeln!(
        b,
        "<h1>{title}</h1>\n<p class=\"meta\">{} {} · {}</p>",
        h(&s.rules.title),
        h(version),
        h(&s.rules.digest)
    );
    let r = &s.records;
    let _ = writeln!(
        b,
        "<table><tr><th>{}</th>{}</tr><tr><th>{}</th>{}</tr></table>",
        t(lang, "读入记录", "records read"),
        n("records.input", r.input),
        t(lang, "输出记录", "records reported"),
        n("records.output", r.output),
    );

    let o = &s.outcomes;
    let outcomes = [
        (
            "accepted",
            crate::model::Outcome::Accepted.label(lang),
            o.accepted,
        ),
        (
            "rejected",
            crate::model::Outcome::Rejected.label(lang),
            o.rejected,
        ),
        (
            "incomplete",
            crate::model::Outcome::Incomplete.label(lang),
            o.incomplete,
        ),
        ("error", t(lang, "无法审查", "error"), o.error),
    ];
    let _ = writeln!(b, "<section><h2>{}</h2>", t(lang, "结论", "Outcomes"));
    let items: Vec<(String, u64)> = outcomes
        .iter()
        .map(|(_, l, c)| (l.to_string(), *c))
        .collect();
    let _ = writeln!(
        b,
        "<div class=\"chart\">{}</div>\n<table>",
        bars(&items, BAR)
    );
    for (key, label, count) in outcomes {
        let _ = writeln!(
            b,
            "<tr><th>{label}</th>{}</tr>",
            n(&format!("outcomes.{key}"), count)
        );
    }
    b.push_str("</table></section>\n");

    if !s.deciding.is_empty() {
        let _ = writeln!(
            b,
            "<section><h2>{}</h2>",
            t(lang, "决定条款", "Deciding clauses")
        );
        let items: Vec<(String, u64)> = s
            .deciding
            .iter()
            .map(|c| (format!("{} {}", c.clause, c.title), c.count))
            .collect();
        let _ = writeln!(
            b,
            "<div class=\"chart\">{}</div>\n<table>",
            bars(&items, BAR)
        );
        for (i, c) in s.deciding.iter().enumerate() {
            let _ = writeln!(
                b,
                "<tr><th>{}</th><td>{}</td>{}</tr>",
                h(&c.clause),
                h(&c.title),
                n(&format!("deciding.{i}.count"), c.count)
            );
        }
        b.push_str("</table></section>\n");
    }

    if !s.missing.is_empty() {
        let _ = writeln!(
            b,
            "<section><h2>{}</h2>",
            t(lang, "最常缺少的事实", "Facts most often missing")
        );
        let items: Vec<(String, u64)> = s
            .missing
            .iter()
            .map(|k| (k.label.clone(), k.count))
            .collect();
        let _ = writeln!(
            b,
            "<div class=\"chart\">{}</div>\n<table>",
            bars(&items, BAR)
        );
        for (i, k) in s.missing.iter().enumerate() {
            let _ = writeln!(
                b,
                "<tr><th>{}</th><td><code>{}</code></td>{}</tr>",
                h(&k.label),
                h(&k.key),
                n(&format!("missing.{i}.count"), k.count)
            );
        }
        b.push_str("</table></section>\n");
    }

    let a = &s.audit;
    if a.records > 0 {
        let _ = writeln!(
            b,
            "<section><h2>{}</h2>\n<p>{}</p>",
            t(
                lang,
                "审计：当时的处理与规则",
                "Audit: what was done against the rules"
            ),
            match lang {
                Lang::Zh => format!(
                    "有归档处理记录的 <b data-of=\"audit.records\">{}</b> 条",
                    a.records
                ),
                Lang::En => format!(
                    "<b data-of=\"audit.records\">{}</b> records with what was done",
                    a.records
                ),
            }
        );
        let mut flags: Vec<(String, String, u64)> = vec![
            (
                "outcome_disagreements".to_string(),
                t(lang, "结论不符", "outcome differs").to_string(),
                a.outcome_disagreements,
            ),
            (
                "clause_disagreements".to_string(),
                t(lang, "条款不符", "clause differs").to_string(),
                a.clause_disagreements,
            ),
        ];
        // One bar per deadline the rules declare, named by it.
        for (i, d) in a.breaches.iter().enumerate() {
            flags.push((
                format!("breaches.{i}.count"),
                match lang {
                    Lang::Zh => format!("逾期：{}（{}）", d.deadline, d.clause),
                    Lang::En => format!("late: {} ({})", d.deadline, d.clause),
                },
                d.count,
            ));
        }
        let items: Vec<(String, u64)> = flags.iter().map(|(_, l, c)| (l.clone(), *c)).collect();
        let _ = writeln!(
            b,
            "<div class=\"chart\">{}</div>\n<table>",
            bars(&items, RGBColor(0xc0, 0x39, 0x2b))
        );
        for (key, label, count) in flags {
            let _ = writeln!(
                b,
                "<tr><th>{}</th>{}</tr>",
                h(&label),
                n(&format!("audit.{key}"), count)
            );
        }
        b.push_str("</table>\n");
        if !a.disagreeing_ids.is_empty() {
            let _ = writeln!(
                b,
                "<h3>{}</h3>",
                t(
                    lang,
                    "结论或条款不符的编号",
                    "Ids whose outcome or clause differs"
                )
            );
            b.push_str(&ids(&a.disagreeing_ids, a.disagreeing_ids_complete));
        }
        if !a.breaches_by_month.is_empty() {
            let _ = writeln!(
                b,
                "<h3>{}</h3>",
                t(
                    lang,
                    "逾期，按期限所在月份",
                    "Missed deadlines, by the month they fell due"
                )
            );
            let items: Vec<(String, u64)> = a
                .breaches_by_month
                .iter()
                .map(|m| (m.month.clone(), m.count))
                .collect();
            let _ = writeln!(
                b,
                "<div class=\"chart\">{}</div>\n<table>",
                bars(&items, RGBColor(0xc0, 0x39, 0x2b))
            );
            for (i, m) in a.breaches_by_month.iter().enumerate() {
                let _ = writeln!(
                    b,
                    "<tr><th>{}</th>{}</tr>",
                    h(&m.month),
                    n(&format!("audit.breaches_by_month.{i}.count"), m.count)
                );
            }
            b.push_str("</table>\n");
        }
        if !a.breaching_ids.is_empty() {
            let _ = writeln!(
                b,
                "<h3>{}</h3>",
                t(lang, "逾期的编号", "Ids with a missed deadline")
            );
            b.push_str(&ids(&a.breaching_ids, a.breaching_ids_complete));
        }
        b.push_str("</section>\n");
    }
    if s.errors.count > 0 {
        let _ = writeln!(
            b,
            "<section><h2>{}</h2><table><tr><th>{}</th>{}</tr></table></section>",
            t(lang, "无法审查的记录", "Records that could not be checked"),
            t(lang, "条数", "records"),
            n("errors.count", s.errors.count)
        );
    }
    page(title, lang, &b)
}

/// The page for `diff --report`.
pub fn diff_page(s: &DiffSummary, lang: Lang) -> String {
    let mut b = String::new();
    let title = t(lang, "规则修改的影响", "What the edit of the rules changes");
    let name = |r: &crate::diff::RulesInfo| {
        let mut text = h(&r.title);
        if let Some(v) = &r.version {
            let _ = write!(text, " {}", h(v));
        }
        if !r.name.is_empty() {
            let _ = write!(text, " <code>{}</code>", h(&r.name));
        }
        text
    };
    let _ = writeln!(
        b,
        "<h1>{title}</h1>\n<p class=\"meta\">{} → {}</p>",
        name(&s.rules.old),
        name(&s.rules.new)
    );
    let r = &s.records;
    let _ = writeln!(
        b,
        "<table><tr><th>{}</th>{}</tr><tr><th>{}</th>{}</tr><tr><th>{}</th>{}</tr><tr><th>{}</th>{}</tr></table>",
        t(lang, "读入记录", "records read"),
        n("records.input", r.input),
        t(lang, "两边都能审查", "checked by both"),
        n("records.checked_both", r.checked_both),
        t(lang, "结论改变", "decision changed"),
        n("records.changed", r.changed),
        t(lang, "改为受理", "newly accepted"),
        n("records.newly_accepted", r.newly_accepted),
    );

    let _ = writeln!(
        b,
        "<section><h2>{}</h2>\n<div class=\"chart\">{}</div>\n<table><tr><th>{}</th>",
        t(
            lang,
            "结论对照（行：原规则，列：新规则）",
            "Outcomes (rows: old rules, columns: new rules)"
        ),
        heat_map(&s.matrix.counts, lang),
        t(lang, "原 \\ 新", "old \\ new")
    );
    for i in 0..4 {
        let _ = write!(b, "<th class=\"n\">{}</th>", state_label(i, lang));
    }
    b.push_str("</tr>\n");
    for (o, row) in s.matrix.counts.iter().enumerate() {
        let _ = write!(b, "<tr><th>{}</th>", state_label(o, lang));
        for (k, count) in row.iter().enumerate() {
            b.push_str(&n(&format!("matrix.counts.{o}.{k}"), count));
        }
        b.push_str("</tr>\n");
    }
    b.push_str("</table></section>\n");

    let _ = writeln!(
        b,
        "<section><h2>{}</h2>",
        t(lang, "改变的类别", "Kinds of change")
    );
    let items: Vec<(String, u64)> = s
        .groups
        .iter()
        .map(|g| (g.label.clone(), g.count))
        .collect();
    let _ = writeln!(
        b,
        "<div class=\"chart\">{}</div>\n<table>",
        bars(&items, BAR)
    );
    for (i, g) in s.groups.iter().enumerate() {
        let mut details = String::new();
        for d in g.details.iter().take(8) {
            let _ = write!(
                details,
                "{} <code>{}</code> {}<br>",
                d.count,
                h(&d.what),
                h(&d.label)
            );
        }
        let examples: Vec<String> = g.examples.iter().map(|i| h(i)).collect();
        let _ = writeln!(
            b,
            "<tr><th>{}</th>{}<td>{details}<span class=\"ids\">{}</span></td></tr>",
            h(&g.label),
            n(&format!("groups.{i}.count"), g.count),
            examples.join(", ")
        );
    }
    b.push_str("</table></section>\n");

    if !s.clauses.is_empty() {
        let _ = writeln!(
            b,
            "<section><h2>{}</h2>",
            t(
                lang,
                "触发次数变化最多的条款",
                "Clauses whose firing changed most"
            )
        );
        let labels: Vec<String> = s
            .clauses
            .iter()
            .map(|c| format!("{} {}", c.clause, c.title))
            .collect();
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        let old: Vec<u64> = s.clauses.iter().map(|c| c.old).collect();
        let new: Vec<u64> = s.clauses.iter().map(|c| c.new).collect();
        let _ = writeln!(
            b,
            "<div class=\"chart\">{}</div>\n<table><tr><th>{}</th><th></th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">Δ</th></tr>",
            grouped_bars(
                &labels,
                &[
                    (&old, OLD, t(lang, "原规则", "old rules")),
                    (&new, BAR, t(lang, "新规则", "new rules")),
                ]
            ),
            t(lang, "条款", "clause"),
            t(lang, "原", "old"),
            t(lang, "新", "new"),
        );
        for (i, c) in s.clauses.iter().enumerate() {
            let _ = writeln!(
                b,
                "<tr><th>{}</th><td>{}</td>{}{}{}</tr>",
                h(&c.clause),
                h(&c.title),
                n(&format!("clauses.{i}.old"), c.old),
                n(&format!("clauses.{i}.new"), c.new),
                n(&format!("clauses.{i}.delta"), format!("{:+}", c.delta)),
            );
        }
        b.push_str("</table></section>\n");
    }
    let f = &s.fields;
    if !(f.only_old.is_empty() && f.only_new.is_empty() && f.retyped.is_empty()) {
        let _ = writeln!(b, "<section><h2>{}</h2><table>", t(lang, "字段", "Fields"));
        for (keys, label) in [
            (
                &f.only_old,
                t(
                    lang,
                    "仅原规则声明（新规则下未知）",
                    "only in the old rules (unknown under the new)",
                ),
            ),
            (
                &f.only_new,
                t(
                    lang,
                    "仅新规则声明（原规则下未知）",
                    "only in the new rules (unknown under the old)",
                ),
            ),
            (
                &f.retyped,
                t(lang, "类型或范围改变", "type or bounds changed"),
            ),
        ] {
            if !keys.is_empty() {
                let keys: Vec<String> = keys
                    .iter()
                    .map(|k| format!("<code>{}</code>", h(k)))
                    .collect();
                let _ = writeln!(b, "<tr><th>{label}</th><td>{}</td></tr>", keys.join(", "));
            }
        }
        b.push_str("</table></section>\n");
    }
    page(title, lang, &b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_html() {
        assert_eq!(
            h("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
    }

    #[test]
    fn a_chart_is_svg_with_its_labels() {
        let svg = bars(&[("受理".into(), 3), ("待补正".into(), 1)], BAR);
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("受理") && svg.contains("待补正"));
        assert!(svg.contains("<rect"));
    }
}
