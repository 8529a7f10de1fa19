//! `shouli lint`: checks on a rule set beyond parsing and type checking.
//! Each finding is a [`Diagnostic`] with a stable id as its code and a span
//! in the rule file:
//!
//! | id | severity | what |
//! |---|---|---|
//! | `unused-field` | warning | a declared field that no clause, definition or explanation reads (unless marked `form`: on the complaint form only) |
//! | `explanation-only-field` | warning | a field named only in explanations, never in a condition |
//! | `unused-define` | warning | a definition nothing uses |
//! | `never-true` | error | a condition (or part of one) that no record can make true |
//! | `always-true` | error | a condition (or part of one) that no record can make false |
//! | `duplicate-ground` | warning | two grounds that hold for exactly the same records |
//! | `unsatisfiable-basis` | error | a basis under which no complaint can ever be accepted |
//! | `template-key-not-read` | warning | an explanation naming a key its clause does not read |
//! | `missing-source` | warning | a clause without the guideline's text |
//! | `untested-ground` | warning | a ground that no example fires |
//! | `clause-id-style` | warning | a clause id numbered unlike the others (deadlines aside; the hint only respells, never renumbers) |
//! | `scope-never-decides` | warning | a `scope` clause without any basis |
//! | `never-rejected` | warning | neither a ground nor a scope clause: no outcome rejects |
//! | `never-in-force` | warning | a clause whose period ends before the rules' `effective` date |
//!
//! The logical checks reason over every record that could be written: each
//! field ranges over the values that matter to the conditions (the declared
//! values of an enum; the constants a number, date or text is compared
//! with, and their neighbours; absent), and a comparison between two
//! computed values (`received > warranty_end`) is an opaque true/false/
//! unknown of its own. Kleene logic (SPEC §2) is followed exactly, so a
//! finding is never a guess; where the search would take too long, nothing
//! is reported.

use std::collections::{BTreeSet, HashMap};

use crate::base::Span;
use crate::diag::{Diagnostic, Msg};
use crate::model::{ClauseKind, Expr, ExprKind, FieldId, Piece, RuleSet, Template};
use crate::value::Date;

mod search;

use search::{AV, Analysis, Node, R, Verdict};

/// Fields read by shouli itself rather than by clauses: the record's id and
/// what an archived complaint says was done (`recorded.*`, read by audit).
fn read_by_the_tool(key: &str) -> bool {
    key == "id" || key.starts_with("recorded.")
}

/// Lints a checked rule set; `text` is the rule file's text, for line
/// numbers in messages. Every span comes from the checked rules.
pub fn lint(rules: &RuleSet, text: &str) -> Vec<Diagnostic> {
    let mut l = Linter {
        rules,
        text,
        out: Vec::new(),
    };
    l.usage();
    l.logic();
    l.templates();
    l.sources();
    l.examples();
    l.numbering();
    l.reachability();
    let mut out = l.out;
    out.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start));
    out
}

struct Linter<'a> {
    rules: &'a RuleSet,
    text: &'a str,
    out: Vec<Diagnostic>,
}

/// What a clause reads: fields, directly or through definitions, and the
/// definitions themselves.
#[derive(Default, Clone)]
struct Reads {
    fields: BTreeSet<FieldId>,
    defines: BTreeSet<usize>,
}

impl<'a> Linter<'a> {
    fn field_key_span(&self, f: FieldId) -> Span {
        self.rules.fields[f].key_span.clone()
    }

    fn define_name_span(&self, d: usize) -> Span {
        self.rules.defines[d].name_span.clone()
    }

    /// Adds an expression's reads, following definitions.
    fn add_reads(&self, e: &Expr, r: &mut Reads) {
        let mut fields = Vec::new();
        e.fields(&mut fields);
        r.fields.extend(fields);
        let mut defines = Vec::new();
        e.defines(&mut defines);
        for d in defines {
            if r.defines.insert(d) {
                self.add_reads(&self.rules.defines[d].expr, r);
            }
        }
    }

    fn clause_reads(&self, c: &crate::model::Clause) -> Reads {
        let mut r = Reads::default();
        if let Some(e) = &c.condition {
            self.add_reads(e, &mut r);
        }
        if let Some(d) = &c.due {
            self.add_reads(&d.expr, &mut r);
        }
        r
    }

    fn templates_of(c: &crate::model::Clause) -> impl Iterator<Item = &Template> {
        [&c.because, &c.unknown, &c.otherwise].into_iter().flatten()
    }

    // ---- unused fields and definitions -------------------------------------------

    fn usage(&mut self) {
        let rules = self.rules;
        let mut logic = Reads::default();
        for c in &rules.clauses {
            let r = self.clause_reads(c);
            logic.fields.extend(r.fields);
            logic.defines.extend(r.defines);
        }
        // Fields named in explanations, directly or through a definition.
        let mut shown = Reads::default();
        let templates = rules
            .clauses
            .iter()
            .flat_map(Self::templates_of)
            .chain(rules.scope.iter().flat_map(|s| s.because.iter()));
        for t in templates {
            for piece in t.zh.iter().chain(t.en.iter().flatten()) {
                match piece {
                    Piece::Field(f) => {
                        shown.fields.insert(*f);
                    }
                    Piece::Define(d) if shown.defines.insert(*d) => {
                        self.add_reads(&rules.defines[*d].expr, &mut shown);
                    }
                    _ => {}
                }
            }
        }
        for (f, field) in rules.fields.iter().enumerate() {
            if read_by_the_tool(&field.key) || field.form || logic.fields.contains(&f) {
                continue;
            }
            let key = &field.key;
            let d = if shown.fields.contains(&f) {
                Diagnostic::warning(
                    "explanation-only-field",
                    Some(self.field_key_span(f)),
                    Msg::new(
                        format!("字段 `{key}`（{}）只在说明中出现，没有任何条件用到它", field.label.zh),
                        format!(
                            "field `{key}` ({}) only appears in explanations; no condition reads it",
                            field.label.get(crate::diag::Lang::En)
                        ),
                    ),
                )
                .with_help(Msg::new(
                    "如果它应当影响结论，把它写进某个条款的 when 或 require；否则可以忽略此提示",
                    "if it should affect the outcome, use it in a clause's `when` or `require`; otherwise this is only a note",
                ))
            } else {
                Diagnostic::warning(
                    "unused-field",
                    Some(self.field_key_span(f)),
                    Msg::new(
                        format!("字段 `{key}`（{}）已声明，但没有任何条款或说明用到它", field.label.zh),
                        format!(
                            "field `{key}` ({}) is declared but no clause or explanation uses it",
                            field.label.get(crate::diag::Lang::En)
                        ),
                    ),
                )
                .with_help(Msg::new(
                    "如果它只是投诉处理单上要登记的信息，在声明末尾写上 form；否则删去它，或在条款中用到它（id 和 recorded. 开头的字段由 shouli 自己读取，不会被提示）",
                    "if it is only recorded on the complaint form, end its declaration with `form`; otherwise remove it or use it in a clause (`id` and `recorded.*` are read by shouli itself and never reported)",
                ))
            };
            self.out.push(d);
        }
        for (d, define) in rules.defines.iter().enumerate() {
            if logic.defines.contains(&d) || shown.defines.contains(&d) {
                continue;
            }
            // A definition used only by another unused definition is unused too.
            let used_by_other = rules.defines.iter().enumerate().any(|(o, other)| {
                o != d && (logic.defines.contains(&o) || shown.defines.contains(&o)) && {
                    let mut ds = Vec::new();
                    other.expr.defines(&mut ds);
                    ds.contains(&d)
                }
            });
            if used_by_other {
                continue;
            }
            self.out.push(
                Diagnostic::warning(
                    "unused-define",
                    Some(self.define_name_span(d)),
                    Msg::new(
                        format!("定义 `{}` 没有被任何条款或说明用到", define.name),
                        format!(
                            "definition `{}` is not used by any clause or explanation",
                            define.name
                        ),
                    ),
                )
                .with_help(Msg::new(
                    "删去它，或在条款中用到它",
                    "remove it, or use it in a clause",
                )),
            );
        }
    }

    // ---- explanations --------------------------------------------------------------

    fn templates(&mut self) {
        let rules = self.rules;
        let basis_reads = {
            let mut r = Reads::default();
            for c in rules.clauses.iter().filter(|c| c.kind == ClauseKind::Basis) {
                let cr = self.clause_reads(c);
                r.fields.extend(cr.fields);
                r.defines.extend(cr.defines);
            }
            r
        };
        let mut checks: Vec<(String, Reads, Vec<&Template>, bool)> = Vec::new();
        for c in &rules.clauses {
            let texts = [&c.because, &c.unknown, &c.otherwise];
            let texts: Vec<&Template> = texts.into_iter().flatten().collect();
            checks.push((c.id.clone(), self.clause_reads(c), texts, false));
        }
        if let Some(scope) = &rules.scope {
            let texts: Vec<&Template> = scope.because.iter().collect();
            checks.push((scope.id.clone(), basis_reads, texts, true));
        }
        for (id, reads, texts, is_scope) in checks {
            let mut reported: BTreeSet<String> = BTreeSet::new();
            for t in texts {
                for (name, span) in t.holes.iter().cloned() {
                    let read = if let Some(f) = rules.field(&name) {
                        reads.fields.contains(&f)
                    } else if let Some(d) = rules.defines.iter().position(|d| d.name == name) {
                        reads.defines.contains(&d)
                    } else {
                        true // `{missing}`, a deadline's own date
                    };
                    if read || !reported.insert(name.clone()) {
                        continue;
                    }
                    let label = rules
                        .field(&name)
                        .map(|f| rules.fields[f].label.zh.clone())
                        .unwrap_or_default();
                    let (zh_who, en_who) = if is_scope {
                        (
                            "任何受理依据（basis）的条件".to_string(),
                            "any basis".to_string(),
                        )
                    } else {
                        (
                            format!("条款 \"{id}\" 的条件"),
                            format!("the condition of clause \"{id}\""),
                        )
                    };
                    let shown = if label.is_empty() {
                        format!("`{{{name}}}`")
                    } else {
                        format!("`{{{name}}}`（{label}）")
                    };
                    self.out.push(
                            Diagnostic::warning(
                                "template-key-not-read",
                                Some(span),
                                Msg::new(
                                    format!(
                                        "说明中的 {shown}{}没有出现在{zh_who}中",
                                        if shown.ends_with('）') { "" } else { " " }
                                    ),
                                    format!("`{{{name}}}` in the explanation is not read by {en_who}"),
                                ),
                            )
                            .with_help(Msg::new(
                                "说明只应引用决定本条结论的字段；核对是否写错了键名，或条件漏了这个字段",
                                "an explanation should name what decides the clause: check the key for a slip, or whether the condition misses it",
                            )),
                        );
                }
            }
        }
    }

    // ---- source text ------------------------------------------------------------------

    fn sources(&mut self) {
        let missing = self
            .rules
            .clauses
            .iter()
            // A warning guards against a slip in the record, not a provision.
            .filter(|c| c.source.is_none() && c.kind != ClauseKind::Warning)
            .map(|c| (c.id.clone(), c.id_span.clone()))
            .chain(
                self.rules
                    .scope
                    .iter()
                    .filter(|s| s.source.is_none())
                    .map(|s| (s.id.clone(), s.id_span.clone())),
            )
            .collect::<Vec<_>>();
        for (id, span) in missing {
            self.out.push(
                Diagnostic::warning(
                    "missing-source",
                    Some(span),
                    Msg::new(
                        format!("条款 \"{id}\" 没有写 source（原文）"),
                        format!("clause \"{id}\" has no `source` (the regulation's text)"),
                    ),
                )
                .with_help(Msg::new(
                    "加上 source \"…\"，照录该条的原文，便于核对",
                    "add `source \"…\"` quoting the regulation, so reviewers can compare",
                )),
            );
        }
    }

    // ---- examples ------------------------------------------------------------------------

    fn examples(&mut self) {
        for c in self
            .rules
            .clauses
            .iter()
            .filter(|c| c.kind == ClauseKind::Ground)
        {
            let fired = self.rules.examples.iter().any(|e| {
                e.expect.deciding.as_deref() == Some(c.id.as_str())
                    || e.expect.fired.iter().flatten().any(|f| f == &c.id)
            });
            if fired {
                continue;
            }
            let id = &c.id;
            self.out.push(
                Diagnostic::warning(
                    "untested-ground",
                    Some(c.id_span.clone()),
                    Msg::new(
                        format!("没有示例触发不予受理情形 \"{id}\""),
                        format!("no example fires ground \"{id}\""),
                    ),
                )
                .with_help(Msg::new(
                    format!("加一个 example，写明 expect rejected by \"{id}\"（或 fired [\"{id}\"]），用 shouli test 运行"),
                    format!("add an example with `expect rejected by \"{id}\"` (or `fired [\"{id}\"]`) and run `shouli test`"),
                )),
            );
        }
    }

    // ---- what can never happen ------------------------------------------------------------------

    /// Outcomes and clauses no record can reach for want of another clause
    /// or of a day in force (the logic of conditions is `logic`'s).
    fn reachability(&mut self) {
        let rules = self.rules;
        let has = |k: ClauseKind| rules.clauses.iter().any(|c| c.kind == k);
        if let Some(scope) = &rules.scope
            && !has(ClauseKind::Basis)
        {
            self.out.push(
                Diagnostic::warning(
                    "scope-never-decides",
                    Some(scope.span.start..scope.span.start + 5),
                    Msg::new(
                        "没有 basis（受理依据）条款，scope 条款永远不会决定结论",
                        "there is no `basis` clause, so the `scope` clause can never decide",
                    ),
                )
                .with_help(Msg::new(
                    "scope 条款只在所有受理依据都不成立时才适用：加上 basis 条款，或删去 scope 条款",
                    "the `scope` clause applies when every basis is false: add `basis` clauses, or remove it",
                )),
            );
        }
        if !has(ClauseKind::Ground) && rules.scope.is_none() {
            self.out.push(Diagnostic::warning(
                "never-rejected",
                None,
                Msg::new(
                    "没有 ground（不予受理情形）也没有 scope 条款：任何投诉都不会被不予受理",
                    "there is no `ground` and no `scope` clause: no complaint can ever be rejected",
                ),
            ));
        }
        for c in &rules.clauses {
            let Some((from, until)) = c.in_force else {
                continue;
            };
            let before_rules = match (until, rules.effective) {
                (Some(u), Some(e)) => u < e,
                _ => false,
            };
            if before_rules {
                let effective = rules.effective.map(|d| d.to_string()).unwrap_or_default();
                self.out.push(Diagnostic::warning(
                    "never-in-force",
                    Some(c.id_span.clone()),
                    Msg::new(
                        format!("条款 \"{}\" 在规则生效日期 {effective} 之前就已失效，永远不会适用", c.id),
                        format!("clause \"{}\" ends before the rules take effect ({effective}), so it never applies", c.id),
                    ),
                ));
            }
            let _ = from;
        }
    }

    // ---- numbering ---------------------------------------------------------------------------

    fn numbering(&mut self) {
        // In the order written; a deadline's id names it (`decide_by`), not
        // a provision.
        let mut ids: Vec<(String, Span)> = self
            .rules
            .clauses
            .iter()
            .filter(|c| !matches!(c.kind, ClauseKind::Deadline | ClauseKind::Warning))
            .map(|c| (c.id.clone(), c.id_span.clone()))
            .chain(
                self.rules
                    .scope
                    .iter()
                    .map(|s| (s.id.clone(), s.id_span.clone())),
            )
            .collect();
        ids.sort_by_key(|(_, span)| span.start);
        let shapes: Vec<Option<IdShape>> = ids.iter().map(|(id, _)| IdShape::of(id)).collect();
        let mut depths: HashMap<usize, usize> = HashMap::new();
        for s in shapes.iter().flatten() {
            *depths.entry(s.depth).or_default() += 1;
        }
        let Some((&depth, &count)) = depths
            .iter()
            .max_by_key(|&(&d, &n)| (n, std::cmp::Reverse(d)))
        else {
            return;
        };
        // A style needs a few clauses to be a style.
        if count < 2 || count * 2 < ids.len() {
            return;
        }
        let mut samples: Vec<&str> = Vec::new();
        let mut seen = BTreeSet::new();
        for ((id, _), s) in ids.iter().zip(&shapes) {
            if let Some(s) = s
                && s.depth == depth
                && seen.insert(s.paren)
            {
                samples.push(id);
            }
        }
        let samples_zh = samples
            .iter()
            .map(|s| format!("\"{s}\""))
            .collect::<Vec<_>>()
            .join("、");
        let samples_en = samples_zh.replace('、', ", ");
        for ((id, span), shape) in ids.iter().zip(&shapes) {
            if shape.as_ref().is_some_and(|s| s.depth == depth) {
                continue;
            }
            let suggestion = suggest_id(id, depth);
            let help = match suggestion {
                Some(s) => Msg::new(
                    format!("编号写作 数字.数字，子项加英文括号；是否应写作 \"{s}\"？"),
                    format!(
                        "ids are numbers joined by `.`, sub-items in ASCII parentheses; did you mean \"{s}\"?"
                    ),
                ),
                None => Msg::new(
                    format!(
                        "照本文件其他条款的编号方式书写（如 {samples_zh}）；若编号本就不同（条、款、项），保留原样即可"
                    ),
                    format!(
                        "number it like the file's other clauses (such as {samples_en}); where the numbering really differs (article, paragraph, item), keep it"
                    ),
                ),
            };
            self.out.push(
                Diagnostic::warning(
                    "clause-id-style",
                    Some(span.clone()),
                    Msg::new(
                        format!("条款编号 \"{id}\" 与其他条款的编号方式（如 {samples_zh}）不一致"),
                        format!("clause id \"{id}\" is not numbered like the others (such as {samples_en})"),
                    ),
                )
                .with_help(help),
            );
        }
    }

    // ---- conditions ----------------------------------------------------------------------------

    fn logic(&mut self) {
        let rules = self.rules;
        let mut a = Analysis::new(rules);
        // Convert every condition first, so that every field's domain holds
        // every constant any condition compares it with.
        let conds: Vec<(usize, Option<Node>)> = rules
            .clauses
            .iter()
            .enumerate()
            .map(|(i, c)| (i, c.condition.as_ref().map(|e| a.node(e))))
            .collect();
        let mut subs: Vec<(Span, Node)> = Vec::new();
        for c in &rules.clauses {
            if let Some(e) = &c.condition {
                collect_conditions(e, &mut |x| subs.push((x.span.clone(), a.node(x))));
            }
        }
        a.build_domains();

        // Never true, always true: the smallest parts of a condition that are.
        let mut constant: HashMap<Span, Constant> = HashMap::new();
        for (span, node) in &subs {
            let c = if a.search(&[node], |v| match v[0] {
                R::Bottom => Verdict::Open,
                R::V(AV::Bool(true)) => Verdict::Found,
                _ => Verdict::Pruned,
            }) == Some(false)
            {
                Constant::NeverTrue
            } else if a.search(&[node], |v| match v[0] {
                R::Bottom => Verdict::Open,
                R::V(AV::Bool(false)) => Verdict::Found,
                _ => Verdict::Pruned,
            }) == Some(false)
            {
                Constant::AlwaysTrue
            } else {
                continue;
            };
            constant.insert(span.clone(), c);
        }
        for c in &rules.clauses {
            if let Some(e) = &c.condition {
                self.report_constant(e, &constant);
            }
        }

        // Grounds that hold for the same records.
        let grounds: Vec<(usize, &Node)> = conds
            .iter()
            .filter(|(i, _)| rules.clauses[*i].kind == ClauseKind::Ground)
            .filter_map(|(i, n)| n.as_ref().map(|n| (*i, n)))
            .collect();
        // Each ground's fields, as a number per distinct set: conditions on
        // different fields differ (unless one reads a field it does not
        // depend on, and then nothing is reported).
        let mut sets: HashMap<BTreeSet<FieldId>, usize> = HashMap::new();
        let read_set: Vec<usize> = grounds
            .iter()
            .map(|&(i, _)| {
                let fields = self.clause_reads(&rules.clauses[i]).fields;
                let next = sets.len();
                *sets.entry(fields).or_insert(next)
            })
            .collect();
        let mut duplicate: Vec<bool> = vec![false; grounds.len()];
        let mut duplicate_of: Vec<(usize, usize)> = Vec::new();
        'grounds: for (x, &(i, ni)) in grounds.iter().enumerate() {
            for (y, &(j, nj)) in grounds[..x].iter().enumerate() {
                // Past the searches' shared budget, nothing more is found.
                if a.exhausted() {
                    break 'grounds;
                }
                if duplicate[y] || read_set[x] != read_set[y] {
                    continue;
                }
                // Grounds never in force together never decide alike.
                if !periods_overlap(rules.clauses[i].in_force, rules.clauses[j].in_force) {
                    continue;
                }
                let same = ni == nj
                    || a.search(&[ni, nj], |v| match (&v[0], &v[1]) {
                        (R::Bottom, _) | (_, R::Bottom) => Verdict::Open,
                        (p, q) if p != q => Verdict::Found,
                        _ => Verdict::Pruned,
                    }) == Some(false);
                if same {
                    duplicate[x] = true;
                    duplicate_of.push((i, j));
                    break;
                }
            }
        }
        let mut dups = duplicate_of;
        dups.sort();
        for (i, j) in dups {
            let (c, first) = (&rules.clauses[i], &rules.clauses[j]);
            let line = crate::diag::line_col(self.text, first.id_span.start).0;
            self.out.push(
                Diagnostic::warning(
                    "duplicate-ground",
                    Some(c.condition.as_ref().map_or(c.id_span.clone(), |e| e.span.clone())),
                    Msg::new(
                        format!(
                            "不予受理情形 \"{}\" 与 \"{}\"（第 {line} 行）的条件对任何投诉都结果相同",
                            c.id, first.id
                        ),
                        format!(
                            "ground \"{}\" holds for exactly the same complaints as \"{}\" (line {line})",
                            c.id, first.id
                        ),
                    ),
                )
                .with_help(Msg::new(
                    "两条只需保留一条；若原文确有区别，条件应体现这种区别",
                    "keep one of them; if the regulation distinguishes them, the conditions should too",
                )),
            );
        }

        // A basis no complaint can be accepted under.
        for (i, node) in &conds {
            let c = &rules.clauses[*i];
            let Some(node) = node else { continue };
            if c.kind != ClauseKind::Basis {
                continue;
            }
            if c.condition
                .as_ref()
                .is_some_and(|e| constant.get(&e.span) == Some(&Constant::NeverTrue))
            {
                continue; // reported as never-true already
            }
            let mut nodes = vec![node];
            nodes.extend(grounds.iter().map(|(_, n)| *n));
            let accepted = |v: &[R]| -> Verdict {
                match &v[0] {
                    R::V(AV::Bool(true)) => {}
                    R::Bottom => return Verdict::Open,
                    _ => return Verdict::Pruned,
                }
                let mut open = false;
                for g in &v[1..] {
                    match g {
                        R::V(AV::Bool(false)) => {}
                        R::Bottom => open = true,
                        _ => return Verdict::Pruned,
                    }
                }
                if open { Verdict::Open } else { Verdict::Found }
            };
            if a.search(&nodes, accepted) != Some(false) {
                continue;
            }
            let blocking: Vec<&str> = grounds
                .iter()
                .filter(|(_, g)| a.search(&[node, g], accepted) == Some(false))
                .map(|(j, _)| rules.clauses[*j].id.as_str())
                .collect();
            let (zh, en) = if blocking.is_empty() {
                (
                    "凡是本条成立的投诉，总有某个不予受理情形同时成立".to_string(),
                    "whenever it holds, some ground holds too".to_string(),
                )
            } else {
                let ids = blocking
                    .iter()
                    .map(|b| format!("\"{b}\""))
                    .collect::<Vec<_>>();
                (
                    format!("凡是本条成立的投诉，不予受理情形 {} 也成立", ids.join("、")),
                    format!("whenever it holds, ground {} holds too", ids.join(", ")),
                )
            };
            self.out.push(
                Diagnostic::error(
                    "unsatisfiable-basis",
                    Some(
                        c.condition
                            .as_ref()
                            .map_or(c.id_span.clone(), |e| e.span.clone()),
                    ),
                    Msg::new(
                        format!("没有投诉能依据 \"{}\" 受理：{zh}", c.id),
                        format!(
                            "no complaint can be accepted under basis \"{}\": {en}",
                            c.id
                        ),
                    ),
                )
                .with_help(Msg::new(
                    "核对本条与这些不予受理情形的条件，其中至少一个写错了",
                    "compare this basis with those grounds: at least one condition is wrong",
                )),
            );
        }
    }

    /// Reports the smallest parts of `e` that are constant; true when it
    /// reported something inside `e`.
    fn report_constant(&mut self, e: &Expr, constant: &HashMap<Span, Constant>) -> bool {
        let mut inner = false;
        for child in condition_children(e) {
            inner |= self.report_constant(child, constant);
        }
        if inner {
            return true;
        }
        let Some(c) = constant.get(&e.span) else {
            return false;
        };
        let d = match c {
            Constant::NeverTrue => Diagnostic::error(
                "never-true",
                Some(e.span.clone()),
                Msg::new(
                    "这个条件对任何投诉都不会成立",
                    "this condition cannot hold for any complaint",
                ),
            )
            .with_help(never_help(e)),
            Constant::AlwaysTrue => Diagnostic::error(
                "always-true",
                Some(e.span.clone()),
                Msg::new(
                    "这个条件只要能判断就总是成立，不会不成立",
                    "this condition can never be false: whenever it can be decided, it holds",
                ),
            )
            .with_help(Msg::new(
                "检查 or 两边是否互为否定（如 x == \"a\" or x != \"a\"），或 != 与 not 是否用反了",
                "check for an `or` of a test and its opposite (`x == \"a\" or x != \"a\"`), or a `!=` or `not` the wrong way round",
            )),
        };
        self.out.push(d);
        true
    }
}

fn never_help(e: &Expr) -> Msg {
    match &e.kind {
        ExprKind::InSet { set: 0, .. } | ExprKind::InList { .. } | ExprKind::ContainsAny(_, 0) => {
            Msg::new(
                "列表是空的：在 [ ] 中写上取值",
                "the list is empty: put the values in `[ ]`",
            )
        }
        ExprKind::And(_) => Msg::new(
            "and 要求两边同时成立；同一字段不能同时取两个不同的值，是否应写 or 或 in [ … ]？",
            "`and` needs both sides at once, and a field cannot hold two values at once: did you mean `or`, or `in [ … ]`?",
        ),
        _ => Msg::new(
            "核对比较的方向、取值和字段的 min/max 范围",
            "check the direction of the comparison, the values, and the field's min/max",
        ),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Constant {
    NeverTrue,
    AlwaysTrue,
}

/// The operands of `e` that are conditions in their own right.
fn condition_children(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Not(x) => vec![x],
        ExprKind::And(xs) | ExprKind::Or(xs) => xs.iter().collect(),
        _ => vec![],
    }
}

fn collect_conditions<'e>(e: &'e Expr, f: &mut dyn FnMut(&'e Expr)) {
    f(e);
    for c in condition_children(e) {
        collect_conditions(c, f);
    }
}

/// The shape of a clause id in the guideline's style: numbers joined by
/// dots, optionally a sub-item number in parentheses (`1.3(11)`).
struct IdShape {
    depth: usize,
    paren: bool,
}

impl IdShape {
    fn of(id: &str) -> Option<IdShape> {
        let (main, paren) = match id.strip_suffix(')') {
            Some(rest) => {
                let (main, sub) = rest.split_once('(')?;
                if sub.is_empty() || !sub.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                (main, true)
            }
            None => (id, false),
        };
        let parts: Vec<&str> = main.split('.').collect();
        if parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
        Some(IdShape {
            depth: parts.len(),
            paren,
        })
    }
}

/// `1.3.11` → `1.3(11)` when the others have two levels; full-width
/// parentheses → ASCII.
/// Whether two periods in force (first and last day, either open; `None`
/// for always) share a day.
fn periods_overlap(
    a: Option<(Option<Date>, Option<Date>)>,
    b: Option<(Option<Date>, Option<Date>)>,
) -> bool {
    let (Some((af, au)), Some((bf, bu))) = (a, b) else {
        return true;
    };
    let from = af.max(bf);
    let until = match (au, bu) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    };
    match (from, until) {
        (Some(f), Some(u)) => f <= u,
        _ => true,
    }
}

fn suggest_id(id: &str, depth: usize) -> Option<String> {
    let ascii: String = id
        .chars()
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '．' | '。' => '.',
            c => c,
        })
        .collect();
    // Only the way of writing changes, never the numbering: "10.1" (a
    // paragraph, 第十条第一款) is not "10(1)" (an item, 第十条第（一）项).
    if ascii != id && IdShape::of(&ascii).is_some_and(|s| s.depth == depth) {
        return Some(ascii);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_shapes() {
        assert_eq!(
            IdShape::of("1.3(11)").map(|s| (s.depth, s.paren)),
            Some((2, true))
        );
        assert_eq!(
            IdShape::of("2.1").map(|s| (s.depth, s.paren)),
            Some((2, false))
        );
        assert_eq!(IdShape::of("1.3.11").map(|s| s.depth), Some(3));
        assert!(IdShape::of("第三条").is_none());
        assert!(IdShape::of("1.3（11）").is_none());
        assert!(IdShape::of("1.3()").is_none());
        // Renumbering would change the legal meaning: 10.1 is a paragraph
        // (第十条第一款), 10(1) an item (第十条第（一）项).
        assert_eq!(suggest_id("1.3.11", 2), None);
        assert_eq!(suggest_id("10.1", 1), None);
        assert_eq!(suggest_id("1.3（11）", 2).as_deref(), Some("1.3(11)"));
        assert_eq!(suggest_id("第三条", 2), None);
    }
}
