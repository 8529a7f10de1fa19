//! The interview replayed on the generated archive: each record's values
//! given as the answers (typed the way the page sends them, read by the
//! same parser), fields it lacks answered 不知道. The interview must end at
//! the outcome `check` gives the whole record, having asked fewer questions
//! than the form has fields.

use shouli::desk::{self, Answer, Interview};
use shouli::diag::Lang;
use shouli::record::{self, Record};
use shouli::value::{Date, Value};

use crate::archive::{generate, to_toml};
use crate::support::builtin;

/// Replays `full` through an interview; the number of questions asked and
/// the interview's trace.
pub fn replay<'p>(program: &'p shouli::compile::Program, full: &Record) -> (usize, Interview<'p>) {
    let rules = &program.rules;
    let today = Date::new(2026, 3, 5).expect("date");
    let mut iv = Interview::new(program, Record::new(rules.fields.len())).expect("evaluates");
    let mut asked = 0;
    while let Some(q) = iv.next() {
        asked += 1;
        assert!(asked <= rules.fields.len(), "a field asked twice");
        let field = &rules.fields[q.field];
        let answer = match full.get(q.field) {
            Value::Absent => "不知道".to_string(),
            v => desk::answer_text(field, full, v).join(","),
        };
        let mut scratch = Record::new(rules.fields.len());
        let parsed = desk::parse_answer(field, &answer, today, &mut scratch)
            .unwrap_or_else(|e| panic!("{}: {answer:?}: {}", field.key, e.en));
        if let Answer::Value(_) = parsed {
            iv.answer(q.field, &answer, today).expect("answer");
        } else {
            iv.set(q.field, Answer::Unknown).expect("unknown");
        }
    }
    (asked, iv)
}

#[test]
fn the_interview_ends_at_the_whole_records_outcome_with_fewer_questions() {
    let program = builtin();
    let rules = &program.rules;
    let cases = generate(2026, 400, &[]);
    let mut total = 0;
    let mut outcomes = [0usize; 3];
    for (i, c) in cases.iter().enumerate() {
        let text = to_toml(c);
        let mut full = Record::new(rules.fields.len());
        record::toml::load(text.as_bytes(), "case", rules, &mut full).expect("a good record");
        let expected = program.evaluate(&full).expect("evaluates");
        let (asked, iv) = replay(&program, &full);
        assert_eq!(iv.trace.outcome, expected.outcome, "case {i}:\n{text}");
        if iv.trace.outcome == shouli::model::Outcome::Incomplete {
            assert_eq!(iv.trace.missing, expected.missing, "case {i}:\n{text}");
        }
        // The record the interview writes is decided the same way.
        let written = iv.to_toml(Lang::Zh);
        let mut back = Record::new(rules.fields.len());
        record::toml::load(written.as_bytes(), "written", rules, &mut back).expect("reads back");
        assert_eq!(
            program.evaluate(&back).expect("evaluates").outcome,
            expected.outcome
        );
        total += asked;
        outcomes[iv.trace.outcome as usize] += 1;
    }
    assert!(
        outcomes.iter().all(|&n| n > 0),
        "every outcome replayed: {outcomes:?}"
    );
    let mean = total as f64 / cases.len() as f64;
    assert!(
        mean < rules.fields.len() as f64 * 0.8,
        "{mean} questions on average"
    );
}
