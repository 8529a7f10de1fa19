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

use crate::diag::{Diagnostic, Msg};
use crate::model::{
    ClauseKind, Const, Expr, ExprKind, FieldId, FieldType, Piece, RuleSet, Template, Ty,
};
use crate::syntax::{self, CmpOp, Span};
use crate::value::Date;

/// Fields read by shouli itself rather than by clauses: the record's id and
/// what an archived complaint says was done (`recorded.*`, read by audit).
fn read_by_the_tool(key: &str) -> bool {
    key == "id" || key.starts_with("recorded.")
}

/// Lints a checked rule set. `file` is the tree it was checked from and
/// `text` the rule file's text; both give spans to point at.
pub fn lint(rules: &RuleSet, file: &syntax::RuleFile, text: &str) -> Vec<Diagnostic> {
    let mut l = Linter {
        rules,
        file,
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
    file: &'a syntax::RuleFile,
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
    fn syntax_clause(&self, id: &str) -> Option<&'a syntax::Clause> {
        self.file.items.iter().find_map(|i| match i {
            syntax::Item::Clause(c) if c.id.value == id => Some(c),
            _ => None,
        })
    }

    fn field_key_span(&self, f: FieldId) -> Span {
        let key = &self.rules.fields[f].key;
        self.file
            .items
            .iter()
            .find_map(|i| match i {
                syntax::Item::Field(d) if &d.key.name == key => Some(d.key.span.clone()),
                _ => None,
            })
            .unwrap_or_else(|| self.rules.fields[f].span.clone())
    }

    fn define_name_span(&self, d: usize) -> Span {
        let name = &self.rules.defines[d].name;
        self.file
            .items
            .iter()
            .find_map(|i| match i {
                syntax::Item::Define(x) if &x.name.name == name => Some(x.name.span.clone()),
                _ => None,
            })
            .unwrap_or_else(|| self.rules.defines[d].span.clone())
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
        let mut checks: Vec<(String, Reads, &syntax::Clause, bool)> = Vec::new();
        for c in &rules.clauses {
            if let Some(sc) = self.syntax_clause(&c.id) {
                checks.push((c.id.clone(), self.clause_reads(c), sc, false));
            }
        }
        if let Some(scope) = &rules.scope
            && let Some(sc) = self.syntax_clause(&scope.id)
        {
            checks.push((scope.id.clone(), basis_reads, sc, true));
        }
        for (id, reads, sc, is_scope) in checks {
            let mut reported: BTreeSet<String> = BTreeSet::new();
            for stmt in &sc.body {
                let text = match stmt {
                    syntax::ClauseStmt::Because(t)
                    | syntax::ClauseStmt::Unknown(t)
                    | syntax::ClauseStmt::Otherwise(t) => t,
                    _ => continue,
                };
                for s in std::iter::once(&text.zh).chain(text.en.iter()) {
                    for (name, span) in holes(self.text, &s.span) {
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
    }

    // ---- source text ------------------------------------------------------------------

    fn sources(&mut self) {
        let missing = self
            .rules
            .clauses
            .iter()
            .filter(|c| c.source.is_none())
            .map(|c| (c.id.clone(), c.id_span.clone()))
            .chain(
                self.rules
                    .scope
                    .iter()
                    .filter(|s| s.source.is_none())
                    .filter_map(|s| {
                        self.syntax_clause(&s.id)
                            .map(|c| (s.id.clone(), c.id.span.clone()))
                    }),
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
        let mut ids: Vec<(String, Span)> = Vec::new();
        for item in &self.file.items {
            // A deadline's id names it (`decide_by`), not a provision.
            if let syntax::Item::Clause(c) = item
                && c.kind.name != "deadline"
            {
                ids.push((c.id.value.clone(), c.id.span.clone()));
            }
        }
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
        let mut duplicate_of: HashMap<usize, usize> = HashMap::new();
        for (x, &(i, ni)) in grounds.iter().enumerate() {
            for &(j, nj) in &grounds[..x] {
                if duplicate_of.contains_key(&j) {
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
                    duplicate_of.insert(i, j);
                    break;
                }
            }
        }
        let mut dups: Vec<_> = duplicate_of.into_iter().collect();
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

/// The `{name}` holes of the string literal at `span`, with their spans.
fn holes(text: &str, span: &Span) -> Vec<(String, Span)> {
    let Some(raw) = text.get(span.clone()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'{' => match raw[i..].find('}') {
                Some(close) => {
                    let name = raw[i + 1..i + close].trim().to_string();
                    out.push((name, span.start + i..span.start + i + close + 1));
                    i += close + 1;
                }
                None => break,
            },
            _ => i += 1,
        }
    }
    out
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

// ---- the search ----------------------------------------------------------------------------------

/// An abstract value: what a field or expression can be.
#[derive(Debug, Clone, PartialEq, Eq)]
enum AV {
    /// Absent, or (for a condition) unknown.
    Absent,
    Bool(bool),
    /// Integers and decimals alike, in hundredths.
    Num(i128),
    Date(Date),
    /// A text; `None` is "any text other than the constants".
    Text(Option<String>),
    Enum(u16),
    Set(u64),
}

/// A value under a partial assignment: `Bottom` until the fields it depends
/// on are chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
enum R {
    Bottom,
    V(AV),
}

/// An expression over the search's variables.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Const(AV),
    Var(usize),
    /// A condition the search does not look into: true, false or unknown.
    Atom(usize),
    Not(Box<Node>),
    And(Vec<Node>),
    Or(Vec<Node>),
    Cmp(CmpOp, Box<Node>, Box<Node>),
    InSet(Box<Node>, u64, bool),
    InList(Box<Node>, Vec<AV>, bool),
    ContainsAny(Box<Node>, u64),
    Contains(Box<Node>, u16),
    Present(Vec<usize>),
    Else(Box<Node>, Box<Node>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// The assignment so far can still go either way.
    Open,
    /// The assignment so far (and any completion) is what was searched for.
    Found,
    /// No completion of the assignment so far is.
    Pruned,
}

/// Most evaluations one search may take before it gives up.
const BUDGET: usize = 200_000;

struct Analysis<'a> {
    rules: &'a RuleSet,
    /// Field → variable.
    var_of: HashMap<FieldId, usize>,
    fields: Vec<FieldId>,
    /// Constants each variable is compared with.
    consts: Vec<Vec<AV>>,
    /// Enum values each list variable is tested for.
    mentioned: Vec<u64>,
    /// Each variable's candidate values (absent first); `None` when too many.
    domains: Vec<Option<Vec<AV>>>,
    atoms: Vec<String>,
}

impl<'a> Analysis<'a> {
    fn new(rules: &'a RuleSet) -> Analysis<'a> {
        Analysis {
            rules,
            var_of: HashMap::new(),
            fields: Vec::new(),
            consts: Vec::new(),
            mentioned: Vec::new(),
            domains: Vec::new(),
            atoms: Vec::new(),
        }
    }

    fn var(&mut self, f: FieldId) -> usize {
        if let Some(&v) = self.var_of.get(&f) {
            return v;
        }
        self.fields.push(f);
        self.consts.push(Vec::new());
        self.mentioned.push(0);
        self.var_of.insert(f, self.fields.len() - 1);
        self.fields.len() - 1
    }

    fn atom(&mut self, e: &Expr) -> Node {
        let key = canon(e);
        let i = match self.atoms.iter().position(|a| a == &key) {
            Some(i) => i,
            None => {
                self.atoms.push(key);
                self.atoms.len() - 1
            }
        };
        Node::Atom(i)
    }

    /// A value operand: a field or a constant, or `None` for anything
    /// computed (date arithmetic, `else`, a non-condition definition).
    fn operand(&mut self, e: &Expr) -> Option<Node> {
        match &e.kind {
            ExprKind::Field(f) => Some(Node::Var(self.var(*f))),
            ExprKind::Const(c) => Some(Node::Const(constant(c))),
            _ => None,
        }
    }

    fn finite(&self, f: FieldId) -> bool {
        matches!(
            self.rules.fields[f].ty,
            FieldType::Bool | FieldType::Enum(_) | FieldType::List(_)
        )
    }

    fn node(&mut self, e: &Expr) -> Node {
        match &e.kind {
            ExprKind::Const(c) => Node::Const(constant(c)),
            ExprKind::Field(f) if e.ty == Ty::Bool => Node::Var(self.var(*f)),
            ExprKind::Define(d) if e.ty == Ty::Bool => {
                let expr = self.rules.defines[*d].expr.clone();
                self.node(&expr)
            }
            ExprKind::Not(x) => Node::Not(Box::new(self.node(x))),
            ExprKind::And(xs) => Node::And(xs.iter().map(|x| self.node(x)).collect()),
            ExprKind::Or(xs) => Node::Or(xs.iter().map(|x| self.node(x)).collect()),
            ExprKind::Present(fs) => Node::Present(fs.iter().map(|&f| self.var(f)).collect()),
            ExprKind::Cmp(a, op, b) => {
                let direct = match (&a.kind, &b.kind) {
                    (ExprKind::Field(x), ExprKind::Field(y)) => self.finite(*x) && self.finite(*y),
                    (ExprKind::Field(_), ExprKind::Const(_))
                    | (ExprKind::Const(_), ExprKind::Field(_))
                    | (ExprKind::Const(_), ExprKind::Const(_)) => true,
                    _ => false,
                };
                if !direct {
                    return self.atom(e);
                }
                let (na, nb) = (self.operand(a), self.operand(b));
                let (Some(na), Some(nb)) = (na, nb) else {
                    return self.atom(e);
                };
                for (x, y) in [(&na, &nb), (&nb, &na)] {
                    if let (Node::Var(v), Node::Const(c)) = (x, y) {
                        self.consts[*v].push(c.clone());
                    }
                }
                Node::Cmp(*op, Box::new(na), Box::new(nb))
            }
            ExprKind::InSet {
                value,
                set,
                negated,
            } => match self.operand(value) {
                Some(n) => Node::InSet(Box::new(n), *set, *negated),
                None => self.atom(e),
            },
            ExprKind::InList {
                value,
                items,
                negated,
            } => match self.operand(value) {
                Some(n) => {
                    let items: Vec<AV> = items.iter().map(constant).collect();
                    if let Node::Var(v) = n {
                        self.consts[v].extend(items.iter().cloned());
                    }
                    Node::InList(Box::new(n), items, *negated)
                }
                None => self.atom(e),
            },
            ExprKind::ContainsAny(list, set) => match self.operand(list) {
                Some(Node::Var(v)) => {
                    self.mentioned[v] |= set;
                    Node::ContainsAny(Box::new(Node::Var(v)), *set)
                }
                _ => self.atom(e),
            },
            ExprKind::Contains(list, item) => match (self.operand(list), &item.kind) {
                (Some(Node::Var(v)), ExprKind::Const(Const::Enum(i))) => {
                    self.mentioned[v] |= 1 << i;
                    Node::Contains(Box::new(Node::Var(v)), *i)
                }
                _ => self.atom(e),
            },
            ExprKind::Else(a, b) if e.ty == Ty::Bool => {
                Node::Else(Box::new(self.node(a)), Box::new(self.node(b)))
            }
            _ => self.atom(e),
        }
    }

    fn build_domains(&mut self) {
        self.domains = (0..self.fields.len()).map(|v| self.domain(v)).collect();
    }

    fn domain(&self, v: usize) -> Option<Vec<AV>> {
        let field = &self.rules.fields[self.fields[v]];
        let mut out = vec![AV::Absent];
        match &field.ty {
            FieldType::Bool => out.extend([AV::Bool(true), AV::Bool(false)]),
            FieldType::Enum(values) => out.extend((0..values.len() as u16).map(AV::Enum)),
            FieldType::List(values) => {
                let mentioned = self.mentioned[v];
                let bits: Vec<u64> = (0..values.len() as u64)
                    .filter(|b| mentioned >> b & 1 == 1)
                    .collect();
                if bits.len() > 10 {
                    return None;
                }
                let other = (0..values.len() as u64).find(|b| mentioned >> b & 1 == 0);
                for mask in 0u64..1 << bits.len() {
                    let set = bits
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| mask >> i & 1 == 1)
                        .fold(0u64, |s, (_, b)| s | 1 << b);
                    out.push(AV::Set(set));
                    if let Some(o) = other {
                        out.push(AV::Set(set | 1 << o));
                    }
                }
            }
            FieldType::Integer | FieldType::Decimal => {
                let int = field.ty == FieldType::Integer;
                let unit: i128 = if int { 100 } else { 1 };
                let min = field.min.map(|m| i128::from(m) * unit);
                let max = field.max.map(|m| i128::from(m) * unit);
                let mut points = BTreeSet::new();
                for c in &self.consts[v] {
                    if let AV::Num(n) = c {
                        if int {
                            let k = n.div_euclid(100);
                            for p in [k - 1, k, k + 1, k + 2] {
                                points.insert(p * 100);
                            }
                        } else {
                            points.extend([n - 1, *n, n + 1]);
                        }
                    }
                }
                points.extend(min);
                points.extend(max);
                if points.is_empty() {
                    points.insert(0);
                }
                out.extend(
                    points
                        .into_iter()
                        .filter(|p| min.is_none_or(|m| *p >= m) && max.is_none_or(|m| *p <= m))
                        .map(AV::Num),
                );
            }
            FieldType::Date => {
                let mut points = BTreeSet::new();
                for c in &self.consts[v] {
                    if let AV::Date(d) = c {
                        points.insert(*d);
                        points.extend(d.yesterday());
                        points.extend(d.tomorrow());
                    }
                }
                if points.is_empty() {
                    points.insert(jiff::civil::date(2024, 1, 1).into());
                }
                out.extend(points.into_iter().map(AV::Date));
            }
            FieldType::Text => {
                let mut texts: Vec<Option<String>> = Vec::new();
                for c in &self.consts[v] {
                    if let AV::Text(t) = c
                        && !texts.contains(t)
                    {
                        texts.push(t.clone());
                    }
                }
                texts.push(None);
                out.extend(texts.into_iter().map(AV::Text));
            }
        }
        Some(out)
    }

    /// Searches for an assignment of fields (absent included) and opaque
    /// conditions under which `accept` finds the nodes' values. `Some(true)`:
    /// found; `Some(false)`: there is none; `None`: gave up.
    fn search(&self, nodes: &[&Node], accept: impl Fn(&[R]) -> Verdict) -> Option<bool> {
        let mut vars = Vec::new();
        let mut atoms = Vec::new();
        for n in nodes {
            uses(n, &mut vars, &mut atoms);
        }
        for &v in &vars {
            self.domains.get(v)?.as_ref()?;
        }
        let mut s = Search {
            a: self,
            vars,
            atoms,
            var_values: vec![None; self.fields.len()],
            atom_values: vec![None; self.atoms.len()],
            steps: 0,
        };
        s.run(0, nodes, &accept)
    }
}

struct Search<'s, 'a> {
    a: &'s Analysis<'a>,
    vars: Vec<usize>,
    atoms: Vec<usize>,
    var_values: Vec<Option<AV>>,
    atom_values: Vec<Option<AV>>,
    steps: usize,
}

impl Search<'_, '_> {
    fn run(
        &mut self,
        depth: usize,
        nodes: &[&Node],
        accept: &dyn Fn(&[R]) -> Verdict,
    ) -> Option<bool> {
        self.steps += 1;
        if self.steps > BUDGET {
            return None;
        }
        let values: Vec<R> = nodes.iter().map(|n| self.eval(n)).collect();
        match accept(&values) {
            Verdict::Found => return Some(true),
            Verdict::Pruned => return Some(false),
            Verdict::Open => {}
        }
        let (nv, na) = (self.vars.len(), self.atoms.len());
        if depth >= nv + na {
            // Everything chosen and still open: cannot happen with the
            // values above; count it as found so nothing is claimed.
            return Some(true);
        }
        let candidates: Vec<AV> = if depth < nv {
            self.a.domains[self.vars[depth]].clone().unwrap_or_default()
        } else {
            vec![AV::Bool(true), AV::Bool(false), AV::Absent]
        };
        for value in candidates {
            if depth < nv {
                self.var_values[self.vars[depth]] = Some(value);
            } else {
                self.atom_values[self.atoms[depth - nv]] = Some(value);
            }
            let found = self.run(depth + 1, nodes, accept)?;
            if found {
                return Some(true);
            }
        }
        if depth < nv {
            self.var_values[self.vars[depth]] = None;
        } else {
            self.atom_values[self.atoms[depth - nv]] = None;
        }
        Some(false)
    }

    fn eval(&self, n: &Node) -> R {
        use AV::*;
        let cond = |b: bool| R::V(Bool(b));
        match n {
            Node::Const(c) => R::V(c.clone()),
            Node::Var(v) => self.var_values[*v].clone().map_or(R::Bottom, R::V),
            Node::Atom(i) => self.atom_values[*i].clone().map_or(R::Bottom, R::V),
            Node::Not(x) => match self.eval(x) {
                R::V(Bool(b)) => cond(!b),
                other => other,
            },
            Node::And(xs) | Node::Or(xs) => {
                let and = matches!(n, Node::And(_));
                let (mut bottom, mut unknown) = (false, false);
                for x in xs {
                    match self.eval(x) {
                        R::V(Bool(b)) if b != and => return cond(b),
                        R::V(Bool(_)) => {}
                        R::Bottom => bottom = true,
                        R::V(_) => unknown = true,
                    }
                }
                if bottom {
                    R::Bottom
                } else if unknown {
                    R::V(Absent)
                } else {
                    cond(and)
                }
            }
            Node::Cmp(op, a, b) => match (self.eval(a), self.eval(b)) {
                (R::Bottom, _) | (_, R::Bottom) => R::Bottom,
                (R::V(Absent), _) | (_, R::V(Absent)) => R::V(Absent),
                (R::V(x), R::V(y)) => {
                    let ord = match (&x, &y) {
                        (Num(p), Num(q)) => Some(p.cmp(q)),
                        (Date(p), Date(q)) => Some(p.cmp(q)),
                        (Bool(p), Bool(q)) => Some(p.cmp(q)),
                        (Enum(p), Enum(q)) => Some(p.cmp(q)),
                        (Text(Some(p)), Text(Some(q))) => Some(p.cmp(q)),
                        // "Other text" differs from every constant.
                        (Text(_), Text(_)) => None,
                        _ => None,
                    };
                    cond(op.holds(ord))
                }
            },
            Node::InSet(x, set, negated) => match self.eval(x) {
                R::V(Enum(e)) => cond((set >> e & 1 == 1) != *negated),
                R::V(Absent) => R::V(Absent),
                R::Bottom => R::Bottom,
                R::V(_) => R::V(Absent),
            },
            Node::InList(x, items, negated) => match self.eval(x) {
                R::Bottom => R::Bottom,
                R::V(Absent) => R::V(Absent),
                R::V(v) => {
                    let found = items.iter().any(|i| match (i, &v) {
                        (Text(Some(p)), Text(Some(q))) => p == q,
                        (Text(_), Text(_)) => false,
                        (p, q) => p == q,
                    });
                    cond(found != *negated)
                }
            },
            Node::ContainsAny(x, set) => match self.eval(x) {
                R::V(Set(s)) => cond(s & set != 0),
                other => other,
            },
            Node::Contains(x, i) => match self.eval(x) {
                R::V(Set(s)) => cond(s >> i & 1 == 1),
                other => other,
            },
            Node::Present(vs) => {
                let mut bottom = false;
                for v in vs {
                    match &self.var_values[*v] {
                        None => bottom = true,
                        Some(Absent) => return cond(false),
                        Some(_) => {}
                    }
                }
                if bottom { R::Bottom } else { cond(true) }
            }
            Node::Else(a, b) => match self.eval(a) {
                R::V(Absent) => self.eval(b),
                other => other,
            },
        }
    }
}

/// The variables and atoms a node depends on, in order of appearance.
fn uses(n: &Node, vars: &mut Vec<usize>, atoms: &mut Vec<usize>) {
    let push = |list: &mut Vec<usize>, x: usize| {
        if !list.contains(&x) {
            list.push(x);
        }
    };
    match n {
        Node::Const(_) => {}
        Node::Var(v) => push(vars, *v),
        Node::Atom(a) => push(atoms, *a),
        Node::Present(vs) => {
            for v in vs {
                push(vars, *v);
            }
        }
        Node::Not(x)
        | Node::InSet(x, ..)
        | Node::InList(x, ..)
        | Node::ContainsAny(x, _)
        | Node::Contains(x, _) => uses(x, vars, atoms),
        Node::And(xs) | Node::Or(xs) => {
            for x in xs {
                uses(x, vars, atoms);
            }
        }
        Node::Cmp(_, a, b) | Node::Else(a, b) => {
            uses(a, vars, atoms);
            uses(b, vars, atoms);
        }
    }
}

fn constant(c: &Const) -> AV {
    match c {
        Const::Bool(b) => AV::Bool(*b),
        Const::Int(i) => AV::Num(i128::from(*i) * 100),
        Const::Dec(d) => AV::Num(i128::from(*d)),
        Const::Date(d) => AV::Date(*d),
        Const::Text(t) => AV::Text(Some(t.clone())),
        Const::Enum(e) => AV::Enum(*e),
    }
}

/// An expression written out without its spans: equal strings, equal
/// expressions.
fn canon(e: &Expr) -> String {
    let mut s = String::new();
    canon_into(e, &mut s);
    s
}

fn canon_into(e: &Expr, s: &mut String) {
    use std::fmt::Write as _;
    let _ = match &e.kind {
        ExprKind::Const(c) => write!(s, "{c:?}"),
        ExprKind::Field(f) => write!(s, "f{f}"),
        ExprKind::Define(d) => write!(s, "d{d}"),
        ExprKind::Present(fs) => write!(s, "present{fs:?}"),
        ExprKind::Not(_) => write!(s, "not"),
        ExprKind::And(_) => write!(s, "and"),
        ExprKind::Or(_) => write!(s, "or"),
        ExprKind::Cmp(_, op, _) => write!(s, "{op:?}"),
        ExprKind::InSet { set, negated, .. } => write!(s, "inset{set},{negated}"),
        ExprKind::InList { items, negated, .. } => write!(s, "inlist{items:?},{negated}"),
        ExprKind::ContainsAny(_, set) => write!(s, "any{set}"),
        ExprKind::Contains(..) => write!(s, "contains"),
        ExprKind::Shift { negative, unit, .. } => write!(s, "shift{negative},{unit:?}"),
        ExprKind::Else(..) => write!(s, "else"),
    };
    let children = e.children();
    if !children.is_empty() {
        s.push('(');
        for c in children {
            canon_into(c, s);
            s.push(',');
        }
        s.push(')');
    }
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

    #[test]
    fn holes_skip_escaped_braces() {
        let text = r#"x "a {claim.basis} \{b} { received }" y"#;
        let start = text.find('"').unwrap();
        let end = text.rfind('"').unwrap() + 1;
        let found: Vec<String> = holes(text, &(start..end))
            .into_iter()
            .map(|h| h.0)
            .collect();
        assert_eq!(found, ["claim.basis", "received"]);
    }
}
