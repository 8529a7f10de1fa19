//! Evaluation trace → report. The reporter evaluates nothing: it reads the
//! trace's statuses and values, fills in the rule file's templates, and
//! lays the result out as JSON (SPEC §4) or text.

pub mod examples;
pub mod text;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::compile::Program;
use crate::diag::Lang;
use crate::eval::{Deciding, Status, Trace};
use crate::model::{ClauseKind, Field, FieldType, Mask, Outcome, Piece, Template, Ty};
use crate::record::{Record, format_cents};
use crate::value::{KeySet, Value};

/// How a report is written.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub lang: Lang,
    /// Mask personal fields (names, phone numbers) wherever they appear.
    pub redact: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Report {
    pub id: String,
    pub outcome: &'static str,
    /// 受理 / 不予受理 / 待补正 (or English).
    pub verdict: &'static str,
    pub deciding: String,
    pub deciding_title: String,
    /// The guideline's words for the deciding clause.
    pub deciding_source: Option<String>,
    /// What to tell the complainant: the deciding clause's explanation.
    pub reason: String,
    pub fired: Vec<String>,
    pub missing: Vec<String>,
    /// The missing keys with their labels: what to ask the complainant for.
    pub ask_for: Vec<AskFor>,
    pub deadlines: BTreeMap<String, Option<String>>,
    pub deadline_clauses: Vec<DeadlineReport>,
    pub clauses: Vec<ClauseReport>,
    pub warnings: Vec<String>,
    pub rules: RulesInfo,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AskFor {
    pub key: String,
    pub label: String,
    /// For a field with a fixed set of values: the labels to choose from.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ClauseReport {
    pub id: String,
    pub kind: &'static str,
    pub title: String,
    pub status: &'static str,
    pub explanation: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DeadlineReport {
    pub id: String,
    pub title: String,
    pub name: String,
    pub status: &'static str,
    pub date: Option<String>,
    pub explanation: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RulesInfo {
    pub title: String,
    pub version: Option<String>,
    pub digest: String,
}

/// Builds the report of one evaluated record.
pub fn build(
    program: &Program,
    rec: &Record,
    trace: &Trace,
    id: &str,
    warnings: Vec<String>,
    opts: Options,
) -> Report {
    let w = Writer {
        program,
        rec,
        trace,
        opts,
    };
    let rules = &program.rules;
    let lang = opts.lang;

    let mut clauses = Vec::new();
    let mut deadline_clauses = Vec::new();
    let mut deadlines = BTreeMap::new();
    for (i, c) in rules.clauses.iter().enumerate() {
        let r = trace.clauses[i];
        if c.kind == ClauseKind::Deadline {
            let name = c.due.as_ref().map_or_else(String::new, |d| d.name.clone());
            let date = match r.due {
                Value::Date(d) => Some(d.to_string()),
                _ => None,
            };
            deadlines.insert(name.clone(), date.clone());
            deadline_clauses.push(DeadlineReport {
                id: c.id.clone(),
                title: c.title.get(lang).to_string(),
                name,
                status: r.status.code(),
                explanation: (r.status == Status::Due)
                    .then(|| c.because.as_ref().map(|t| w.fill(t, i)))
                    .flatten(),
                date,
            });
            continue;
        }
        clauses.push(ClauseReport {
            id: c.id.clone(),
            kind: c.kind.keyword(),
            title: c.title.get(lang).to_string(),
            status: r.status.code(),
            explanation: w.explanation(i),
            missing: w.keys(r.keys).map(|f| f.key.clone()).collect(),
        });
    }

    let (deciding_source, reason) = match trace.deciding {
        Deciding::Clause(i) => (
            rules.clauses[i].source.clone(),
            w.explanation(i).unwrap_or_default(),
        ),
        Deciding::Scope => (
            rules.scope.as_ref().and_then(|s| s.source.clone()),
            rules
                .scope
                .as_ref()
                .and_then(|s| s.because.as_ref())
                .map_or_else(|| w.out_of_scope(), |t| w.fill(t, usize::MAX)),
        ),
    };
    let deciding = program.deciding_id(trace.deciding).to_string();
    let deciding_title = program.deciding_title(trace.deciding, lang).to_string();

    let missing_fields: Vec<&Field> = w.keys(trace.missing).collect();
    let mut missing: Vec<String> = missing_fields.iter().map(|f| f.key.clone()).collect();
    missing.sort();
    let mut ask_for: Vec<AskFor> = missing_fields
        .iter()
        .map(|f| AskFor {
            key: f.key.clone(),
            label: f.label.get(lang).to_string(),
            choices: f
                .ty
                .values()
                .iter()
                .map(|v| v.label.get(lang).to_string())
                .collect(),
        })
        .collect();
    ask_for.sort_by(|a, b| a.key.cmp(&b.key));

    Report {
        id: id.to_string(),
        outcome: trace.outcome.code(),
        verdict: trace.outcome.label(lang),
        deciding,
        deciding_title,
        deciding_source,
        reason,
        fired: trace
            .fired(program)
            .map(|i| rules.clauses[i].id.clone())
            .collect(),
        missing,
        ask_for,
        deadlines,
        deadline_clauses,
        clauses,
        warnings,
        rules: RulesInfo {
            title: rules.title.clone(),
            version: rules.version.clone(),
            digest: rules.digest.clone(),
        },
    }
}

/// Masks a personal value: 王丽 → 王*, 13800000000 → 138****0000.
pub fn mask(text: &str, how: Mask) -> String {
    let chars: Vec<char> = text.chars().collect();
    match how {
        Mask::Name => match chars.split_first() {
            Some((first, rest)) => {
                let mut s = first.to_string();
                s.push_str(&"*".repeat(rest.len().max(1)));
                s
            }
            None => String::new(),
        },
        Mask::Phone => {
            if chars.len() >= 8 {
                let head: String = chars[..3].iter().collect();
                let tail: String = chars[chars.len() - 4..].iter().collect();
                format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
            } else {
                "*".repeat(chars.len())
            }
        }
    }
}

struct Writer<'a> {
    program: &'a Program,
    rec: &'a Record,
    trace: &'a Trace,
    opts: Options,
}

impl Writer<'_> {
    fn keys(&self, set: KeySet) -> impl Iterator<Item = &Field> + '_ {
        set.iter().map(|slot| &self.program.rules.fields[slot])
    }

    /// The explanation of clause `i` for its status, from its templates, or
    /// a plain list of what is missing where the rule file gives none.
    fn explanation(&self, i: usize) -> Option<String> {
        let c = &self.program.rules.clauses[i];
        let r = self.trace.clauses[i];
        let template = match r.status {
            Status::True => c.because.as_ref(),
            Status::Unmet if r.open => c.unknown.as_ref().or(c.because.as_ref()),
            Status::Unmet => c.because.as_ref().or(c.unknown.as_ref()),
            Status::Unknown => c.unknown.as_ref(),
            Status::False | Status::Met => c.otherwise.as_ref(),
            Status::Due | Status::NotApplicable => None,
        };
        match (template, r.status) {
            (Some(t), _) => Some(self.fill(t, i)),
            (None, Status::Unknown | Status::Unmet) => Some(self.needs(r.keys)),
            _ => None,
        }
    }

    fn needs(&self, keys: KeySet) -> String {
        let list = self.key_list(keys);
        match self.opts.lang {
            Lang::Zh => format!("尚缺：{list}"),
            Lang::En => format!("still needs: {list}"),
        }
    }

    fn key_list(&self, keys: KeySet) -> String {
        let lang = self.opts.lang;
        let names: Vec<String> = self
            .keys(keys)
            .map(|f| match lang {
                Lang::Zh => format!("{}（{}）", f.label.zh, f.key),
                Lang::En => format!("{} ({})", f.label.get(lang), f.key),
            })
            .collect();
        names.join(if lang == Lang::Zh { "、" } else { ", " })
    }

    fn out_of_scope(&self) -> String {
        match self.opts.lang {
            Lang::Zh => "不属于任何受理依据".to_string(),
            Lang::En => "no basis for accepting the complaint applies".to_string(),
        }
    }

    /// Fills a template for clause `i` (`usize::MAX` for the scope clause).
    fn fill(&self, t: &Template, i: usize) -> String {
        let mut out = String::new();
        for piece in t.get(self.opts.lang) {
            match piece {
                Piece::Text(s) => out.push_str(s),
                Piece::Field(f) => {
                    let field = &self.program.rules.fields[*f];
                    out.push_str(&self.show(self.rec.get(*f), Some(field)))
                }
                Piece::Define(d) => {
                    let ty = self.program.rules.defines[*d].expr.ty;
                    let field = match ty {
                        Ty::Enum(f) | Ty::List(f) => Some(&self.program.rules.fields[f]),
                        _ => None,
                    };
                    out.push_str(&self.show(self.trace.defines[*d], field))
                }
                Piece::Due => {
                    let v = self.trace.clauses.get(i).map_or(Value::Absent, |r| r.due);
                    out.push_str(&self.show(v, None))
                }
                Piece::Missing => {
                    let keys = self.trace.clauses.get(i).map_or(KeySet::EMPTY, |r| r.keys);
                    out.push_str(&self.key_list(keys))
                }
            }
        }
        out
    }

    /// A value in words: dates as 2024-03-05, enums by label, booleans as
    /// 是/否, personal text masked when redacting.
    fn show(&self, v: Value, field: Option<&Field>) -> String {
        let lang = self.opts.lang;
        match v {
            Value::Absent => match lang {
                Lang::Zh => "（未填写）".to_string(),
                Lang::En => "(not given)".to_string(),
            },
            Value::Bool(b) => match (lang, b) {
                (Lang::Zh, true) => "是".into(),
                (Lang::Zh, false) => "否".into(),
                (Lang::En, true) => "yes".into(),
                (Lang::En, false) => "no".into(),
            },
            Value::Int(i) => i.to_string(),
            Value::Dec(d) => format_cents(d),
            Value::Date(d) => d.to_string(),
            Value::Text(r) => {
                let text = self.rec.text(r);
                match field.and_then(|f| f.personal) {
                    Some(how) if self.opts.redact => mask(text, how),
                    _ => text.to_string(),
                }
            }
            Value::Lit(i) => self.program.text_constant(i).to_string(),
            Value::Enum(e) => match field.map(|f| &f.ty) {
                Some(FieldType::Enum(values) | FieldType::List(values)) => values
                    .get(e as usize)
                    .map_or_else(|| e.to_string(), |v| v.label.get(lang).to_string()),
                _ => e.to_string(),
            },
            Value::Set(s) => {
                let values = field.map_or(&[][..], |f| f.ty.values());
                let names: Vec<&str> = values
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| s >> i & 1 == 1)
                    .map(|(_, v)| v.label.get(lang))
                    .collect();
                if names.is_empty() {
                    match lang {
                        Lang::Zh => "无".into(),
                        Lang::En => "none".into(),
                    }
                } else {
                    names.join(if lang == Lang::Zh { "、" } else { ", " })
                }
            }
        }
    }
}

impl Outcome {
    /// The exit code of `check` for this outcome (SPEC §5).
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Accepted => 0,
            Outcome::Rejected => 1,
            Outcome::Incomplete => 3,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_the_family_name_and_the_phone_ends() {
        assert_eq!(mask("王丽", Mask::Name), "王*");
        assert_eq!(mask("欧阳娜娜", Mask::Name), "欧***");
        assert_eq!(mask("13800000000", Mask::Phone), "138****0000");
        assert_eq!(mask("0571-88880000", Mask::Phone), "057******0000");
        assert_eq!(mask("1234", Mask::Phone), "****");
        assert_eq!(mask("", Mask::Name), "");
    }
}
