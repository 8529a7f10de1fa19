//! `shouli explain`: the rule set as a document a legal reviewer reads
//! beside the guideline. For each clause: its id, kind and title, the
//! guideline's text it encodes, its condition in plain words, the fields it
//! reads, what the report says, and the examples that exercise it; then a
//! table of the fields. Rendered as Markdown or as one self-contained HTML
//! page that prints well.
//!
//! The document is built once in the reader's language ([`Lang`]) and then
//! rendered; labels and titles come from the rule file (English where it
//! gives English), shouli's own words from here.

mod html;
mod markdown;
mod phrase;

use crate::compile::Program;
use crate::diag::Lang;
use crate::eval::{Status, Trace};
use crate::model::{ClauseKind, FieldType, Outcome, Template, Ty};

use phrase::Phrases;

/// The document's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Md,
    Html,
}

/// Renders the rules as a document. `traces` are the rule file's examples
/// evaluated, in order (`examples::traces`); `None` for one that could not
/// be evaluated.
pub fn render(program: &Program, traces: &[Option<Trace>], format: Format, lang: Lang) -> String {
    let doc = build(program, traces, lang);
    match format {
        Format::Md => markdown::markdown(&doc, lang),
        Format::Html => html::html(&doc, lang),
    }
}

/// The document, in words, before it is laid out.
struct Doc {
    title: String,
    /// (label, value) rows of the header table.
    header: Vec<(String, String)>,
    clauses: Vec<ClauseDoc>,
    /// (name, label, words) of each definition, the definitions it uses
    /// named, not spelled out again.
    definitions: Vec<(String, Option<String>, String)>,
    fields: Vec<FieldRow>,
}

struct ClauseDoc {
    id: String,
    kind: String,
    title: String,
    source: Option<String>,
    condition: Option<Condition>,
    /// How unknown facts play out (SPEC §2), where it helps.
    note: Option<String>,
    /// (key, label) of every field the clause reads, through definitions.
    reads: Vec<(String, String)>,
    /// (when, text) of each explanation the report gives.
    texts: Vec<(String, String)>,
    /// The examples that exercise the clause; `None` where examples say
    /// nothing about it (deadlines).
    examples: Option<Vec<String>>,
}

/// A clause's condition (or deadline) in words.
struct Condition {
    /// 成立条件, 满足条件, 适用条件, 期限.
    label: String,
    /// A deadline's name (`notify_by`), shown as code.
    name: Option<String>,
    /// The condition, or the introduction of its items.
    text: String,
    /// For `and`/`or`/`present` at the top: one item per operand.
    items: Vec<String>,
}

struct FieldRow {
    key: String,
    label: String,
    ty: String,
    /// (code, label) of an enum's or list's values.
    values: Vec<(String, String)>,
    notes: Vec<String>,
}

/// shouli's own words, by language.
fn w(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

fn kind_name(kind: ClauseKind, lang: Lang) -> &'static str {
    match kind {
        ClauseKind::Basis => w(lang, "受理依据", "Basis for acceptance"),
        ClauseKind::Ground => w(lang, "不予受理情形", "Ground for not accepting"),
        ClauseKind::Evidence => w(lang, "受理要求", "Requirement"),
        ClauseKind::Deadline => w(lang, "期限", "Deadline"),
        ClauseKind::Warning => w(
            lang,
            "提醒（不影响结论）",
            "Warning (the outcome is untouched)",
        ),
    }
}

fn build(program: &Program, traces: &[Option<Trace>], lang: Lang) -> Doc {
    let rules = &program.rules;
    let mut header = Vec::new();
    if let Some(s) = &rules.source {
        header.push((w(lang, "来源", "Source").to_string(), s.clone()));
    }
    if let Some(v) = &rules.version {
        header.push((w(lang, "版本", "Version").to_string(), v.clone()));
    }
    if let Some(d) = &rules.effective {
        header.push((w(lang, "生效日期", "Effective").to_string(), d.to_string()));
    }
    header.push((
        w(lang, "规则文件摘要", "Digest of the rule file").to_string(),
        rules.digest.clone(),
    ));

    // Each clause lists the examples that exercise it.

    let p = Phrases {
        rules,
        lang,
        inside: std::cell::Cell::new(0),
    };
    let mut clauses: Vec<(usize, ClauseDoc)> = Vec::new();
    if let Some(scope) = &rules.scope {
        let bases: Vec<&str> = rules
            .clauses
            .iter()
            .filter(|c| c.kind == ClauseKind::Basis)
            .map(|c| c.id.as_str())
            .collect();
        let list = bases.join(w(lang, "、", ", "));
        let condition = match lang {
            Lang::Zh => format!("受理依据（{list}）均不成立；此时投诉不属于受理范围，不予受理"),
            Lang::En => format!(
                "every basis ({list}) is false: the complaint is outside the scope and is not accepted"
            ),
        };
        let mut reads = Vec::new();
        let mut texts = Vec::new();
        if let Some(t) = &scope.because {
            texts.push((
                w(lang, "不予受理时", "When not accepted").to_string(),
                p.template(t),
            ));
            reads = p.template_fields(t);
        }
        let examples = rules
            .examples
            .iter()
            .filter(|e| e.expect.deciding.as_deref() == Some(scope.id.as_str()))
            .map(|e| p.example_line(e, None))
            .collect::<Vec<_>>();
        clauses.push((
            scope.span.start,
            ClauseDoc {
                id: scope.id.clone(),
                kind: w(lang, "受理范围", "Scope").to_string(),
                title: scope.title.get(lang).to_string(),
                source: scope.source.clone(),
                condition: Some(Condition {
                    label: w(lang, "适用条件", "Applies when").to_string(),
                    name: None,
                    text: condition,
                    items: Vec::new(),
                }),
                note: None,
                reads,
                texts,
                examples: Some(examples),
            },
        ));
    }
    for (i, c) in rules.clauses.iter().enumerate() {
        let mut condition = None;
        let mut note = None;
        let mut fields = Vec::new();
        if let Some(e) = &c.condition {
            condition = Some(p.condition(e, c.kind));
            note = Some(p.note(e, c.kind));
            p.reads(e, &mut fields);
        }
        if let Some(due) = &c.due {
            let date = p.value(&due.expr, None);
            let applies = match &c.applies {
                Some(list) if list.len() < Outcome::ALL.len() => {
                    let outcomes = list
                        .iter()
                        .map(|o| o.label(lang))
                        .collect::<Vec<_>>()
                        .join(w(lang, "、", ", "));
                    match lang {
                        Lang::Zh => format!("；仅在结论为 {outcomes} 时计算"),
                        Lang::En => format!("; only when the outcome is {outcomes}"),
                    }
                }
                _ => String::new(),
            };
            condition = Some(Condition {
                label: w(lang, "期限", "Deadline").to_string(),
                name: Some(due.name.clone()),
                text: format!("{date}{applies}"),
                items: Vec::new(),
            });
            note = Some(
                w(
                    lang,
                    "所需日期未填写时不计算期限。",
                    "Not computed while the dates it needs are missing.",
                )
                .to_string(),
            );
            p.reads(&due.expr, &mut fields);
        }
        let mut texts = Vec::new();
        let whens: [(&Option<Template>, &str, &str); 3] = match c.kind {
            ClauseKind::Evidence => [
                (&c.because, "未满足时", "When unmet"),
                (&c.unknown, "无法判断时", "When unknown"),
                (&c.otherwise, "满足时", "When met"),
            ],
            ClauseKind::Deadline => [
                (&c.because, "报告中", "In the report"),
                (&c.unknown, "", ""),
                (&c.otherwise, "", ""),
            ],
            _ => [
                (&c.because, "成立时", "When it holds"),
                (&c.unknown, "无法判断时", "When unknown"),
                (&c.otherwise, "不成立时", "When it does not hold"),
            ],
        };
        for (t, zh, en) in whens {
            if let Some(t) = t {
                texts.push((w(lang, zh, en).to_string(), p.template(t)));
            }
        }
        let examples: Vec<String> = rules
            .examples
            .iter()
            .zip(traces)
            .filter_map(|(e, trace)| {
                let status = trace.as_ref().map(|t| t.clause(i).status);
                let named = e.expect.deciding.as_deref() == Some(c.id.as_str())
                    || e.expect.fired.iter().flatten().any(|f| f == &c.id);
                // A basis holds in most examples; it is told by those it
                // decides and those where it is unknown.
                let telling = match status {
                    Some(Status::Unknown) => true,
                    Some(Status::True | Status::Unmet) => c.kind != ClauseKind::Basis,
                    _ => false,
                };
                (named || telling).then(|| p.example_line(e, status))
            })
            .collect();
        clauses.push((
            c.span.start,
            ClauseDoc {
                id: c.id.clone(),
                kind: kind_name(c.kind, lang).to_string(),
                title: c.title.get(lang).to_string(),
                source: c.source.clone(),
                condition,
                note,
                reads: fields
                    .into_iter()
                    .map(|f| {
                        (
                            rules.fields[f].key.clone(),
                            rules.fields[f].label.get(lang).to_string(),
                        )
                    })
                    .collect(),
                texts,
                examples: (c.kind != ClauseKind::Deadline).then_some(examples),
            },
        ));
    }
    clauses.sort_by_key(|(at, _)| *at);

    let fields = rules
        .fields
        .iter()
        .map(|f| {
            let mut notes = Vec::new();
            let unit = |v: i64| match f.ty {
                FieldType::Decimal => crate::base::format_cents(v),
                _ => v.to_string(),
            };
            if let Some(m) = f.min {
                notes.push(format!("{} {}", w(lang, "最小", "min"), unit(m)));
            }
            if let Some(m) = f.max {
                notes.push(format!("{} {}", w(lang, "最大", "max"), unit(m)));
            }
            if f.personal.is_some() {
                notes.push(
                    w(
                        lang,
                        "个人信息（摘要中不显示）",
                        "personal data (never in summaries)",
                    )
                    .to_string(),
                );
            }
            if f.office {
                notes.push(
                    w(
                        lang,
                        "由受理机构认定（不向投诉人索要）",
                        "determined by the office (never asked of the complainant)",
                    )
                    .to_string(),
                );
            }
            if f.form {
                notes.push(
                    w(
                        lang,
                        "仅登记在投诉处理单上",
                        "recorded on the complaint form only",
                    )
                    .to_string(),
                );
            }
            FieldRow {
                key: f.key.clone(),
                label: f.label.get(lang).to_string(),
                ty: type_name(&f.ty, lang).to_string(),
                values: f
                    .ty
                    .values()
                    .iter()
                    .map(|v| (v.code.clone(), v.label.get(lang).to_string()))
                    .collect(),
                notes,
            }
        })
        .collect();

    let definitions = rules
        .define_order
        .iter()
        .map(|&d| {
            let def = &rules.defines[d];
            let words = p.deeper(|| {
                if def.expr.ty == Ty::Bool {
                    p.cond(&def.expr, true)
                } else {
                    p.value(&def.expr, None)
                }
            });
            (
                def.name.clone(),
                def.label.as_ref().map(|l| l.get(lang).to_string()),
                words,
            )
        })
        .collect();

    Doc {
        title: rules.title.clone(),
        header,
        clauses: clauses.into_iter().map(|(_, c)| c).collect(),
        definitions,
        fields,
    }
}

fn type_name(ty: &FieldType, lang: Lang) -> &'static str {
    match ty {
        FieldType::Text => w(lang, "文字", "text"),
        FieldType::Integer => w(lang, "整数", "whole number"),
        FieldType::Decimal => w(lang, "数字（两位小数）", "number (2 decimals)"),
        FieldType::Bool => w(lang, "是/否", "yes/no"),
        FieldType::Date => w(lang, "日期", "date"),
        FieldType::Enum(_) => w(lang, "单选", "one of"),
        FieldType::List(_) => w(lang, "多选", "any of"),
    }
}
