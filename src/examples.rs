//! Runs a rule file's `example` blocks, and record files with an expected
//! result beside them (`--cases`), against the compiled rules; and tallies
//! which state each clause was seen in (coverage). Pure: results come back
//! as values, and `cli` prints them.

use crate::compile::Program;
use crate::diag::{Diagnostic, Msg, Source, did_you_mean};
use crate::eval::{Deciding, Status, Trace};
use crate::model::{ClauseKind, Outcome};
use crate::record::{self, Record};

/// What a test expects. `None` parts are not compared.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    pub outcome: Outcome,
    pub deciding: Option<String>,
    pub fired: Option<Vec<String>>,
    /// Sorted, without repeats.
    pub missing: Option<Vec<String>>,
    /// Deadlines by name (`notify_by`); `None` expects no date.
    pub deadlines: Vec<(String, Option<String>)>,
}

/// What evaluation gave, in the terms of the JSON report (SPEC §4).
#[derive(Debug, Clone, PartialEq)]
pub struct Actual {
    pub outcome: Outcome,
    pub deciding: String,
    pub fired: Vec<String>,
    pub missing: Vec<String>,
    /// Every deadline by name, with its date where known.
    pub deadlines: Vec<(String, Option<String>)>,
}

/// A part of the result that did not match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Aspect {
    Outcome,
    Deciding,
    Fired,
    Missing,
    /// The deadline of this name.
    Deadline(String),
}

/// Where a test came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// An `example` block at this line of the rule file.
    Example { line: usize },
    /// A record file.
    Case { file: String },
}

/// One example or case, run.
#[derive(Debug, Clone)]
pub struct TestResult {
    pub name: String,
    pub origin: Origin,
    pub expected: Expected,
    /// `Err` when date arithmetic left the calendar.
    pub actual: Result<Actual, crate::eval::DateOutOfRange>,
    pub mismatches: Vec<Aspect>,
}

impl TestResult {
    pub fn passed(&self) -> bool {
        self.actual.is_ok() && self.mismatches.is_empty()
    }
}

/// A case file that could not be run: the file the problem is in (the
/// record or its `.expect` file) and what is wrong.
#[derive(Debug, Clone)]
pub struct CaseError {
    pub source: Source,
    pub diagnostics: Vec<Diagnostic>,
}

/// Runs every example of the program's rule file, in file order. `text` is
/// the rule file's text, for line numbers.
pub fn run_examples(program: &Program, text: &str, coverage: &mut Coverage) -> Vec<TestResult> {
    program
        .rules
        .examples
        .iter()
        .map(|e| {
            let expected = Expected {
                outcome: e.expect.outcome,
                deciding: e.expect.deciding.clone(),
                fired: e.expect.fired.clone(),
                missing: e.expect.missing.clone(),
                deadlines: Vec::new(),
            };
            let origin = Origin::Example {
                line: crate::diag::line_col(text, e.span.start).0,
            };
            run_one(
                program,
                &e.record,
                e.name.clone(),
                origin,
                expected,
                coverage,
            )
        })
        .collect()
}

/// A case file: a TOML record, with its expectation on a first line
/// `# expect: outcome=… deciding=… fired=… missing=…` or in the sibling
/// `.expect` file (`expect_file`: its name and text), which wins when both
/// are given.
pub struct CaseFile<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
    pub expect_file: Option<(&'a str, &'a str)>,
}

/// Loads and runs one case file. Returns the result and the record's
/// warnings (keys the rules do not declare), or why it could not be run.
pub fn run_case(
    program: &Program,
    case: &CaseFile,
    rec: &mut Record,
    coverage: &mut Coverage,
) -> Result<(TestResult, Source, Vec<Diagnostic>), CaseError> {
    let (source, warnings) = record::toml::load(case.bytes, case.name, &program.rules, rec)
        .map_err(|e| CaseError {
            source: e.source,
            diagnostics: e.diagnostics,
        })?;
    let expected = match case.expect_file {
        Some((name, text)) => parse_expectation(program, text, 0).map_err(|d| CaseError {
            source: Source::new(name, text),
            diagnostics: vec![d],
        })?,
        None => {
            let first = source.text.lines().next().unwrap_or_default();
            let Some(body) = first.trim_start().strip_prefix("# expect:") else {
                return Err(CaseError {
                    source,
                    diagnostics: vec![
                        Diagnostic::error(
                            "no-expectation",
                            None,
                            Msg::new("这份记录没有写预期结论", "this record states no expected result"),
                        )
                        .with_help(Msg::new(
                            "在第一行写 `# expect: outcome=accepted deciding=1.1`，或在旁边放一个同名的 .expect 文件",
                            "start the file with `# expect: outcome=accepted deciding=1.1`, or put a .expect file of the same name beside it",
                        )),
                    ],
                });
            };
            let offset = first.len() - body.len();
            parse_expectation(program, body, offset).map_err(|d| CaseError {
                source: source.clone(),
                diagnostics: vec![d],
            })?
        }
    };
    let origin = Origin::Case {
        file: case.name.to_string(),
    };
    let result = run_one(
        program,
        rec,
        case.name.to_string(),
        origin,
        expected,
        coverage,
    );
    Ok((result, source, warnings))
}

fn run_one(
    program: &Program,
    rec: &Record,
    name: String,
    origin: Origin,
    expected: Expected,
    coverage: &mut Coverage,
) -> TestResult {
    let actual = program.evaluate(rec).map(|trace| {
        coverage.add(rec, &trace);
        actual_of(program, &trace)
    });
    let mismatches = match &actual {
        Ok(actual) => compare(&expected, actual),
        Err(_) => Vec::new(),
    };
    TestResult {
        name,
        origin,
        expected,
        actual,
        mismatches,
    }
}

/// Every example of the rules evaluated, in order; `None` for one whose
/// date arithmetic leaves the calendar.
pub fn traces(program: &Program) -> Vec<Option<Trace>> {
    program
        .rules
        .examples
        .iter()
        .map(|e| program.evaluate(&e.record).ok())
        .collect()
}

/// The outcome, deciding clause, fired grounds, missing keys and deadlines
/// of an evaluated record.
pub fn actual_of(program: &Program, trace: &Trace) -> Actual {
    let rules = &program.rules;
    // No clause decided (accepted under rules without a basis): empty.
    let deciding = program
        .deciding_id(trace.deciding)
        .unwrap_or_default()
        .to_string();
    let mut missing: Vec<String> = trace
        .missing
        .iter()
        .map(|slot| rules.fields[slot].key.clone())
        .collect();
    missing.sort();
    let deadlines = rules
        .clauses
        .iter()
        .zip(trace.clauses())
        .filter_map(|(c, r)| {
            let due = c.due.as_ref()?;
            let date = r.due.map(|d| d.to_string());
            Some((due.name.clone(), date))
        })
        .collect();
    Actual {
        outcome: trace.outcome,
        deciding,
        fired: trace
            .fired(program)
            .map(|i| rules.clauses[i].id.clone())
            .collect(),
        missing,
        deadlines,
    }
}

/// The parts of `actual` that differ from what `expected` states.
pub fn compare(expected: &Expected, actual: &Actual) -> Vec<Aspect> {
    let mut out = Vec::new();
    if expected.outcome != actual.outcome {
        out.push(Aspect::Outcome);
    }
    if expected
        .deciding
        .as_ref()
        .is_some_and(|d| *d != actual.deciding)
    {
        out.push(Aspect::Deciding);
    }
    if expected.fired.as_ref().is_some_and(|f| *f != actual.fired) {
        out.push(Aspect::Fired);
    }
    if expected
        .missing
        .as_ref()
        .is_some_and(|m| *m != actual.missing)
    {
        out.push(Aspect::Missing);
    }
    for (name, date) in &expected.deadlines {
        let got = actual
            .deadlines
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, d)| d.clone());
        if got != *date {
            out.push(Aspect::Deadline(name.clone()));
        }
    }
    out
}

/// Parses `outcome=… deciding=… fired=a,b missing=k,l notify_by=YYYY-MM-DD|null`
/// (the `# expect:` line of `tests/fixtures/check/`, or a `.expect` file, where
/// lines starting with `#` are comments and a leading `# expect:` is allowed).
/// `offset` is where `text` starts in its file, for spans.
pub fn parse_expectation(
    program: &Program,
    text: &str,
    offset: usize,
) -> Result<Expected, Diagnostic> {
    let rules = &program.rules;
    let deadline_names: Vec<&str> = rules
        .clauses
        .iter()
        .filter_map(|c| c.due.as_ref().map(|d| d.name.as_str()))
        .collect();
    let mut outcome = None;
    let mut expected = Expected {
        outcome: Outcome::Accepted,
        deciding: None,
        fired: None,
        missing: None,
        deadlines: Vec::new(),
    };
    for (start, token) in tokens(text) {
        let at = offset + start;
        let span = at..at + token.len();
        let Some((key, value)) = token.split_once('=') else {
            return Err(Diagnostic::error(
                "bad-expectation",
                Some(span),
                Msg::new(
                    format!("`{token}` 不是 键=值 的形式"),
                    format!("`{token}` is not of the form key=value"),
                ),
            )
            .with_help(Msg::new(
                "例如 outcome=rejected deciding=3(2) fired=3(2) missing=",
                "e.g. outcome=rejected deciding=3(2) fired=3(2) missing=",
            )));
        };
        let list = |v: &str| -> Vec<String> {
            v.split(',')
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect()
        };
        match key {
            "outcome" => match Outcome::from_code(value) {
                Some(o) => outcome = Some(o),
                None => {
                    return Err(Diagnostic::error(
                        "bad-expectation",
                        Some(span),
                        Msg::new(
                            format!("未知的结论 `{value}`"),
                            format!("unknown outcome `{value}`"),
                        ),
                    )
                    .with_help(Msg::new(
                        "结论有 accepted（受理）、rejected（不予受理）、incomplete（待补正）",
                        "the outcomes are accepted, rejected and incomplete",
                    )));
                }
            },
            // `deciding=` or `deciding=null`: no clause decided.
            "deciding" => {
                expected.deciding = Some(if value == "null" { "" } else { value }.to_string())
            }
            "fired" => expected.fired = Some(list(value)),
            "missing" => {
                let mut keys = list(value);
                keys.sort();
                keys.dedup();
                expected.missing = Some(keys);
            }
            name if deadline_names.contains(&name) => {
                let date = (value != "null").then(|| value.to_string());
                expected.deadlines.push((name.to_string(), date));
            }
            other => {
                let known = ["outcome", "deciding", "fired", "missing"]
                    .into_iter()
                    .chain(deadline_names.iter().copied());
                let mut d = Diagnostic::error(
                    "bad-expectation",
                    Some(at..at + other.len()),
                    Msg::new(
                        format!("预期结论里没有 `{other}` 这一项"),
                        format!("`{other}` is not part of an expectation"),
                    ),
                );
                d = match did_you_mean(other, known) {
                    Some(k) => d.with_help(Msg::new(
                        format!("是不是想写 `{k}`？"),
                        format!("did you mean `{k}`?"),
                    )),
                    None => d.with_help(Msg::new(
                        "可写的项：outcome deciding fired missing 以及期限名",
                        "the parts are outcome, deciding, fired, missing and deadline names",
                    )),
                };
                return Err(d);
            }
        }
    }
    let Some(outcome) = outcome else {
        return Err(Diagnostic::error(
            "bad-expectation",
            Some(offset..offset + text.trim_end().len()),
            Msg::new("预期结论缺少 outcome=…", "the expectation has no outcome=…"),
        )
        .with_help(Msg::new(
            "写上 outcome=accepted、outcome=rejected 或 outcome=incomplete",
            "add outcome=accepted, outcome=rejected or outcome=incomplete",
        )));
    };
    expected.outcome = outcome;
    Ok(expected)
}

/// Whitespace-separated words with their byte offsets; `#` comment lines
/// are skipped, except that a leading `# expect:` is read past.
fn tokens(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let lead = line.len() - trimmed.len();
        let (skip, body) = match trimmed.strip_prefix("# expect:") {
            Some(rest) => (lead + "# expect:".len(), rest),
            None if trimmed.starts_with('#') => {
                line_start += line.len();
                continue;
            }
            None => (0, line),
        };
        let base = line_start + skip;
        let mut word_start = None;
        for (i, c) in body
            .char_indices()
            .chain(std::iter::once((body.len(), ' ')))
        {
            match (c.is_whitespace(), word_start) {
                (true, Some(s)) => {
                    out.push((base + s, &body[s..i]));
                    word_start = None;
                }
                (false, None) => word_start = Some(i),
                _ => {}
            }
        }
        line_start += line.len();
    }
    out
}

// ---- coverage ------------------------------------------------------------------

/// The states a clause can be seen in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    True,
    False,
    Unknown,
    Met,
    /// Unmet because a key it needs is absent.
    UnmetAbsent,
    /// Unmet although its keys are present (a list without the value).
    UnmetValue,
}

impl State {
    pub fn label(self, lang: crate::diag::Lang) -> &'static str {
        use crate::diag::Lang::*;
        match (self, lang) {
            (State::True, Zh) => "成立",
            (State::False, Zh) => "不成立",
            (State::Unknown, Zh) => "未知",
            (State::Met, Zh) => "满足",
            (State::UnmetAbsent, Zh) => "未满足（缺项）",
            (State::UnmetValue, Zh) => "未满足（值不符）",
            (State::True, En) => "true",
            (State::False, En) => "false",
            (State::Unknown, En) => "unknown",
            (State::Met, En) => "met",
            (State::UnmetAbsent, En) => "unmet (absent)",
            (State::UnmetValue, En) => "unmet (value)",
        }
    }
}

/// How often one clause was seen in each of its states.
#[derive(Debug, Clone)]
pub struct ClauseCoverage {
    /// Index into the rule set's clauses.
    pub clause: usize,
    pub kind: ClauseKind,
    /// Each state the clause can be in, with how many tests saw it.
    pub states: Vec<(State, usize)>,
}

impl ClauseCoverage {
    /// States no test put the clause in.
    pub fn never(&self) -> impl Iterator<Item = State> + '_ {
        self.states.iter().filter(|s| s.1 == 0).map(|s| s.0)
    }
}

/// Which states the tests put each basis, ground and evidence clause in,
/// and how often every basis was false (1.0, out of scope).
#[derive(Debug, Clone)]
pub struct Coverage {
    pub clauses: Vec<ClauseCoverage>,
    /// Tests decided by the scope clause (1.0); `None` when the rules have none.
    pub scope: Option<usize>,
}

impl Coverage {
    pub fn new(program: &Program) -> Coverage {
        let clauses = program
            .rules
            .clauses
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let states: &[State] = match c.kind {
                    ClauseKind::Basis | ClauseKind::Ground => {
                        &[State::True, State::False, State::Unknown]
                    }
                    ClauseKind::Evidence if only_presence(c) => &[State::Met, State::UnmetAbsent],
                    ClauseKind::Evidence => &[State::Met, State::UnmetAbsent, State::UnmetValue],
                    ClauseKind::Deadline | ClauseKind::Warning => return None,
                };
                Some(ClauseCoverage {
                    clause: i,
                    kind: c.kind,
                    states: states.iter().map(|&s| (s, 0)).collect(),
                })
            })
            .collect();
        Coverage {
            clauses,
            scope: program.rules.scope.as_ref().map(|_| 0),
        }
    }

    /// Counts the states of one evaluated record.
    pub fn add(&mut self, rec: &Record, trace: &Trace) {
        for c in &mut self.clauses {
            let r = trace.clause(c.clause);
            let state = match r.status {
                Status::True => State::True,
                Status::False => State::False,
                Status::Unknown => State::Unknown,
                Status::Met => State::Met,
                Status::Unmet if r.keys.iter().any(|k| rec.get(k).is_absent()) => {
                    State::UnmetAbsent
                }
                Status::Unmet => State::UnmetValue,
                Status::Due | Status::NotApplicable | Status::NotInForce => continue,
            };
            if let Some(s) = c.states.iter_mut().find(|s| s.0 == state) {
                s.1 += 1;
            }
        }
        if trace.deciding == Deciding::Scope
            && let Some(n) = &mut self.scope
        {
            *n += 1;
        }
    }
}

/// An evidence clause that only asks for keys to be present (2.1): it can
/// be unmet only by an absent key, never by a wrong value.
fn only_presence(c: &crate::model::Clause) -> bool {
    c.condition
        .as_ref()
        .is_some_and(|e| matches!(e.kind, crate::model::ExprKind::Present(_)))
}
