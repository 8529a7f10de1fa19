//! Evaluation trace → report. The reporter evaluates nothing: it reads the
//! trace's statuses and values, fills in the rule file's templates, and
//! lays the result out as JSON (SPEC §4) or text.

pub mod examples;
pub mod jsonl;
pub mod redact;
pub mod row;
pub mod text;

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::compile::Program;
use crate::diag::Lang;
use crate::eval::{Deciding, Status, Trace};
use crate::model::{Clause, ClauseKind, Field, FieldType, Mask, Piece, Template, Ty};
use crate::record::Record;
use crate::value::{KeySet, Value};

/// How a report is written.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub lang: Lang,
    /// Mask personal fields (names, phone numbers) wherever they appear.
    pub redact: bool,
}

/// The report of one record. Words that come from the rule file (ids,
/// titles, labels, the guideline's text) are borrowed from the program;
/// only what depends on the record is built for it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Report<'p> {
    pub id: String,
    pub outcome: &'static str,
    /// 受理 / 不予受理 / 待补正 (or English).
    pub verdict: &'static str,
    /// `None` when no clause decided (accepted under rules without a basis).
    pub deciding: Option<&'p str>,
    pub deciding_title: &'p str,
    /// The guideline's words for the deciding clause.
    pub deciding_source: Option<&'p str>,
    /// What to tell the complainant: the deciding clause's explanation.
    pub reason: String,
    pub fired: Vec<&'p str>,
    pub missing: Vec<&'p str>,
    /// The missing keys the complainant supplies, with their labels, in the
    /// order of the form (the rule file's): what to ask the complainant for.
    pub ask_for: Vec<AskFor<'p>>,
    /// The missing keys the office determines itself (fields marked
    /// `office`): what the clerk must still establish.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub to_determine: Vec<AskFor<'p>>,
    pub deadlines: BTreeMap<&'p str, Option<String>>,
    pub deadline_clauses: Vec<DeadlineReport<'p>>,
    pub clauses: Vec<ClauseReport<'p>>,
    pub warnings: Vec<String>,
    pub rules: RulesInfo<'p>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AskFor<'p> {
    pub key: &'p str,
    pub label: &'p str,
    /// For a field with a fixed set of values: the labels to choose from.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<&'p str>,
    /// The clauses held open by the key, in clause order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub needed_for: Vec<&'p str>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ClauseReport<'p> {
    pub id: &'p str,
    pub kind: &'static str,
    pub title: &'p str,
    pub status: &'static str,
    pub explanation: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<&'p str>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DeadlineReport<'p> {
    pub id: &'p str,
    pub title: &'p str,
    pub name: &'p str,
    pub status: &'static str,
    pub date: Option<String>,
    pub explanation: Option<String>,
    /// A working-day count's days off passed over (and 调休 days counted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// Why a working-day count has no date: the year whose holiday
    /// arrangement the calendar lacks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RulesInfo<'p> {
    pub title: &'p str,
    pub version: Option<&'p str>,
    pub digest: &'p str,
}

/// Builds the report of one evaluated record.
pub fn build<'p>(
    program: &'p Program,
    rec: &Record,
    trace: &Trace,
    id: &str,
    warnings: Vec<String>,
    opts: Options,
) -> Report<'p> {
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
    let mut warned = Vec::new();
    for (i, c) in rules.clauses.iter().enumerate() {
        let r = trace.clause(i);
        // A warning that holds is said among the warnings; it is no clause
        // of the decision.
        if c.kind == ClauseKind::Warning {
            if r.status == Status::True {
                warned.push(match &c.because {
                    Some(t) => w.fill(t, i),
                    None => c.title.get(lang).to_string(),
                });
            }
            continue;
        }
        if c.kind == ClauseKind::Deadline {
            let name = c.due.as_ref().map_or("", |d| d.name.as_str());
            let date = r.due.map(|d| d.to_string());
            deadlines.insert(name, date.clone());
            deadline_clauses.push(DeadlineReport {
                id: &c.id,
                title: c.title.get(lang),
                name,
                status: r.status.code(),
                explanation: (r.status == Status::Due)
                    .then(|| c.because.as_ref().map(|t| w.fill(t, i)))
                    .flatten(),
                skipped: trace
                    .workday_start(program, i)
                    .zip(r.due)
                    .map(|(from, to)| {
                        crate::calendar::describe_skipped(&program.calendar.skipped(from, to), lang)
                    }),
                calendar: trace.calendar_gap(i).map(|year| {
                    crate::calendar::Missing { year }
                        .message()
                        .get(lang)
                        .to_string()
                }),
                date,
            });
            continue;
        }
        clauses.push(ClauseReport {
            id: &c.id,
            kind: c.kind.keyword(),
            title: c.title.get(lang),
            status: r.status.code(),
            explanation: w.explanation(i),
            missing: w.keys(r.keys).map(|f| f.key.as_str()).collect(),
        });
    }

    let (deciding_source, reason) = match trace.deciding {
        Deciding::Clause(i) => (
            rules.clauses[i].source.as_deref(),
            w.explanation(i).unwrap_or_default(),
        ),
        Deciding::Scope => (
            rules.scope.as_ref().and_then(|s| s.source.as_deref()),
            rules
                .scope
                .as_ref()
                .and_then(|s| s.because.as_ref())
                .map_or_else(|| w.out_of_scope().to_string(), |t| w.fill(t, usize::MAX)),
        ),
        Deciding::None => (None, String::new()),
    };
    let deciding = program.deciding_id(trace.deciding);
    let deciding_title = program.deciding_title(trace.deciding, lang);

    let missing_fields: Vec<&Field> = w.keys(trace.missing).collect();
    let mut missing: Vec<&str> = missing_fields.iter().map(|f| f.key.as_str()).collect();
    missing.sort();
    // In the order of the form: the fields' order in the rule file.
    let mut by_form: Vec<(usize, &Field)> = trace
        .missing
        .iter()
        .map(|slot| (slot, &rules.fields[slot]))
        .collect();
    by_form.sort_by_key(|&(slot, _)| slot);
    let (mut ask_for, mut to_determine) = (Vec::new(), Vec::new());
    for (slot, f) in by_form {
        let needing: Vec<&Clause> = rules
            .clauses
            .iter()
            .enumerate()
            .filter(|&(i, _)| trace.keys(i).contains(slot))
            .map(|(_, c)| c)
            .collect();
        // Where only requirements need the key, the values that meet them
        // (发票 or 收据, not any evidence); a ground or basis may turn on any.
        let wanted = needing
            .iter()
            .all(|c| c.kind == ClauseKind::Evidence)
            .then(|| {
                needing
                    .iter()
                    .filter_map(|c| c.condition.as_ref()?.values_wanted(slot))
                    .reduce(|a, b| a | b)
            })
            .flatten()
            .unwrap_or(u64::MAX);
        let item = AskFor {
            key: &f.key,
            label: f.label.get(lang),
            choices: f
                .ty
                .values()
                .iter()
                .enumerate()
                .filter(|&(v, _)| v >= 64 || wanted >> v & 1 == 1)
                .map(|(_, v)| v.label.get(lang))
                .collect(),
            needed_for: needing.iter().map(|c| c.id.as_str()).collect(),
        };
        if f.office {
            to_determine.push(item);
        } else {
            ask_for.push(item);
        }
    }

    let mut warnings = warnings;
    warnings.extend(warned);
    if let Some((reference, effective)) = program.before_effective(rec) {
        let key = rules
            .reference
            .map(|slot| rules.fields[slot].label.get(lang))
            .unwrap_or_default();
        warnings.push(match lang {
            Lang::Zh => format!(
                "本规则自 {effective} 起施行，{key} {reference} 早于此日：请确认应适用的规则"
            ),
            Lang::En => format!(
                "these rules take effect on {effective}; {key} {reference} is earlier: check which rules apply"
            ),
        });
    }

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
            .map(|i| rules.clauses[i].id.as_str())
            .collect(),
        missing,
        ask_for,
        to_determine,
        deadlines,
        deadline_clauses,
        clauses,
        warnings,
        rules: RulesInfo {
            title: &rules.title,
            version: rules.version.as_deref(),
            digest: &rules.digest,
        },
    }
}

/// A value in the report's words (enums by label, booleans as 是/否,
/// personal text masked when `opts.redact`), for writers outside the report
/// such as the notices.
pub fn value_words(
    program: &Program,
    rec: &Record,
    trace: &Trace,
    opts: Options,
    v: Value,
    field: Option<&Field>,
) -> String {
    let w = Writer {
        program,
        rec,
        trace,
        opts,
    };
    let mut out = String::new();
    w.show(&mut out, v, field);
    out
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
        // The first six characters (province and city, at most), never
        // the street or number.
        Mask::Address => {
            let keep = chars.len().min(6).min(chars.len() / 2);
            let head: String = chars[..keep].iter().collect();
            format!("{head}***")
        }
        // The region code's first three and the last four.
        Mask::IdNumber => {
            if chars.len() >= 10 {
                let head: String = chars[..3].iter().collect();
                let tail: String = chars[chars.len() - 4..].iter().collect();
                format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
            } else {
                "*".repeat(chars.len())
            }
        }
        // The first character of the mailbox and the domain.
        Mask::Email => match text.split_once('@') {
            Some((user, domain)) => {
                let first: String = user.chars().take(1).collect();
                format!("{first}***@{domain}")
            }
            None => "*".repeat(chars.len()),
        },
    }
}

/// Which words explain a clause.
#[derive(Clone, Copy)]
enum Explanation<'p> {
    Fill(&'p Template),
    /// A plain list of what is missing.
    Needs(KeySet),
}

struct Writer<'p, 'r> {
    program: &'p Program,
    rec: &'r Record,
    trace: &'r Trace,
    opts: Options,
}

impl<'p> Writer<'p, '_> {
    fn keys(&self, set: KeySet) -> impl Iterator<Item = &'p Field> + use<'p> {
        let fields = &self.program.rules.fields;
        set.iter().map(move |slot| &fields[slot])
    }

    /// The explanation of clause `i` for its status, from its templates, or
    /// a plain list of what is missing where the rule file gives none.
    fn explanation(&self, i: usize) -> Option<String> {
        let e = self.explain(i)?;
        let mut out = String::new();
        self.write_explanation(&mut out, e, i);
        Some(out)
    }

    /// Which words explain clause `i` (`None`: no explanation).
    fn explain(&self, i: usize) -> Option<Explanation<'p>> {
        let c = &self.program.rules.clauses[i];
        let r = self.trace.clause(i);
        // Unknown only because the reference date that decides whether the
        // clause is in force is absent: the clause's own words for an
        // unknown condition would speak of the wrong facts.
        let period_unknown = r.status == Status::Unknown
            && c.in_force.is_some()
            && self
                .program
                .rules
                .reference
                .is_some_and(|slot| r.keys == KeySet::one(slot));
        if period_unknown {
            return Some(Explanation::Needs(r.keys));
        }
        let template = match r.status {
            Status::True => c.because.as_ref(),
            Status::Unmet if r.open => c.unknown.as_ref().or(c.because.as_ref()),
            Status::Unmet => c.because.as_ref().or(c.unknown.as_ref()),
            Status::Unknown => c.unknown.as_ref(),
            Status::False | Status::Met => c.otherwise.as_ref(),
            Status::Due | Status::NotApplicable | Status::NotInForce => None,
        };
        match (template, r.status) {
            (Some(t), _) => Some(Explanation::Fill(t)),
            (None, Status::Unknown | Status::Unmet) => Some(Explanation::Needs(r.keys)),
            _ => None,
        }
    }

    fn write_explanation<W: fmt::Write>(&self, out: &mut W, e: Explanation<'_>, i: usize) {
        match e {
            Explanation::Fill(t) => self.fill_into(out, t, i),
            Explanation::Needs(keys) => self.needs(out, keys),
        }
    }

    fn needs<W: fmt::Write>(&self, out: &mut W, keys: KeySet) {
        let _ = out.write_str(match self.opts.lang {
            Lang::Zh => "尚缺：",
            Lang::En => "still needs: ",
        });
        self.key_list(out, keys);
    }

    fn key_list<W: fmt::Write>(&self, out: &mut W, keys: KeySet) {
        let lang = self.opts.lang;
        for (n, f) in self.keys(keys).enumerate() {
            if n > 0 {
                let _ = out.write_str(if lang == Lang::Zh { "、" } else { ", " });
            }
            let _ = match lang {
                Lang::Zh => write!(out, "{}（{}）", f.label.zh, f.key),
                Lang::En => write!(out, "{} ({})", f.label.get(lang), f.key),
            };
        }
    }

    fn out_of_scope(&self) -> &'static str {
        match self.opts.lang {
            Lang::Zh => "不属于任何受理依据",
            Lang::En => "no basis for accepting the complaint applies",
        }
    }

    /// Fills a template for clause `i` (`usize::MAX` for the scope clause).
    fn fill(&self, t: &Template, i: usize) -> String {
        let mut out = String::new();
        self.fill_into(&mut out, t, i);
        out
    }

    fn fill_into<W: fmt::Write>(&self, out: &mut W, t: &Template, i: usize) {
        for piece in t.get(self.opts.lang) {
            self.piece(out, piece, i);
        }
    }

    /// One piece of a template for clause `i`.
    fn piece<W: fmt::Write>(&self, out: &mut W, piece: &Piece, i: usize) {
        match piece {
            Piece::Text(s) => {
                let _ = out.write_str(s);
            }
            Piece::Field(f) => {
                let field = &self.program.rules.fields[*f];
                self.show(out, self.rec.get(*f), Some(field))
            }
            Piece::Define(d) => {
                let ty = self.program.rules.defines[*d].expr.ty;
                let field = match ty {
                    Ty::Enum(f) | Ty::List(f) => Some(&self.program.rules.fields[f]),
                    _ => None,
                };
                self.show(out, self.trace.defines[*d], field)
            }
            Piece::Due => {
                let due = self.trace.due(i);
                self.show(out, due.map_or(Value::Absent, Value::Date), None)
            }
            Piece::Missing => {
                let keys = self.trace.keys(i);
                self.key_list(out, keys)
            }
        }
    }

    /// A value in words, onto `out`: dates as 2024-03-05, enums by label,
    /// booleans as 是/否, personal text masked when redacting.
    fn show<W: fmt::Write>(&self, out: &mut W, v: Value, field: Option<&Field>) {
        let lang = self.opts.lang;
        let words = |zh, en| if lang == Lang::Zh { zh } else { en };
        let _ = match v {
            Value::Absent => out.write_str(words("（未填写）", "(not given)")),
            Value::Bool(true) => out.write_str(words("是", "yes")),
            Value::Bool(false) => out.write_str(words("否", "no")),
            Value::Int(i) => write!(out, "{i}"),
            // `base::format_cents`, written in place.
            Value::Dec(d) => {
                let sign = if d < 0 { "-" } else { "" };
                let a = d.unsigned_abs();
                write!(out, "{sign}{}.{:02}", a / 100, a % 100)
            }
            Value::Date(d) => write!(out, "{d}"),
            Value::Text(r) => {
                let text = self.rec.text(r);
                match field.and_then(|f| f.personal) {
                    Some(how) if self.opts.redact => out.write_str(&mask(text, how)),
                    _ => out.write_str(text),
                }
            }
            Value::Lit(i) => out.write_str(self.program.text_constant(i)),
            Value::Enum(e) => match field.map(|f| &f.ty) {
                Some(FieldType::Enum(values) | FieldType::List(values))
                    if (e as usize) < values.len() =>
                {
                    out.write_str(values[e as usize].label.get(lang))
                }
                _ => write!(out, "{e}"),
            },
            Value::Set(s) => {
                let values = field.map_or(&[][..], |f| f.ty.values());
                let mut names = values
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| s >> i & 1 == 1)
                    .map(|(_, v)| v.label.get(lang));
                match names.next() {
                    None => out.write_str(words("无", "none")),
                    Some(first) => {
                        let _ = out.write_str(first);
                        for name in names {
                            let _ = out.write_str(words("、", ", "));
                            let _ = out.write_str(name);
                        }
                        Ok(())
                    }
                }
            }
        };
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
        assert_eq!(mask("杭州市西湖区某路1号", Mask::Address), "杭州市西湖***");
        assert_eq!(mask("北京", Mask::Address), "北***");
        assert_eq!(
            mask("330106199001011234", Mask::IdNumber),
            "330***********1234"
        );
        assert_eq!(mask("li.ming@example.com", Mask::Email), "l***@example.com");
        assert_eq!(mask("nobody", Mask::Email), "******");
    }
}
