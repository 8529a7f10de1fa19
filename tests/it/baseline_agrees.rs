//! The benchmark's hand-written baseline (benches/support/baseline.rs)
//! decides every generated record exactly as shouli does: outcome,
//! deciding clause, fired grounds, missing keys and deadlines. The
//! benchmarks check the same before measuring; this keeps it true in CI.

use crate::bench_support as support;

use support::agree::{self, Outputs};
use support::baseline::{self, Day};
use support::generate::{self, Archive};

const RECORDS: usize = 2_000;

fn program() -> shouli::compile::Program {
    shouli::builtin().expect("the built-in rules load")
}

#[test]
fn baseline_agrees_with_shouli_reading_toml() {
    let program = program();
    let mix = agree::check_archive(
        &program,
        generate::SEED,
        RECORDS,
        agree::load_toml(&program),
    )
    .unwrap_or_else(|d| panic!("disagreement: {d:#?}"));
    assert_eq!(mix.records, RECORDS);
    // The mix is what the generator promises: every outcome, in bulk.
    assert!(mix.accepted > RECORDS * 45 / 100, "{mix:?}");
    assert!(mix.rejected_on_ground > RECORDS * 15 / 100, "{mix:?}");
    assert!(mix.out_of_scope > RECORDS * 3 / 100, "{mix:?}");
    assert!(mix.incomplete > RECORDS * 10 / 100, "{mix:?}");
    assert!(mix.with_recorded > RECORDS * 25 / 100, "{mix:?}");
    // Warnings hold on some records, so agreeing on them means something.
    assert!(mix.warned >= RECORDS / 200, "{mix:?}");
}

#[test]
fn baseline_agrees_with_shouli_reading_json_lines() {
    let program = program();
    let reader = shouli::record::json::JsonReader::new(&program.rules);
    let mix = agree::check_archive(&program, generate::SEED, RECORDS, agree::load_json(&reader))
        .unwrap_or_else(|d| panic!("disagreement: {d:#?}"));
    assert_eq!(mix.records, RECORDS);
}

#[test]
fn the_generator_is_deterministic_and_every_line_parses() {
    let a = generate::jsonl(generate::SEED, 300);
    let b = generate::jsonl(generate::SEED, 300);
    assert_eq!(a, b);
    assert_ne!(a, generate::jsonl(generate::SEED + 1, 300));
    let lines: Vec<&[u8]> = a.split(|&b| b == b'\n').filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 300);
    for line in lines {
        baseline::Complaint::from_json(line)
            .unwrap_or_else(|e| panic!("{e:?}: {}", String::from_utf8_lossy(line)));
    }
}

#[test]
fn every_ground_fires_somewhere_in_the_archive() {
    let mut archive = Archive::new(generate::SEED);
    let mut fired = 0u16;
    let mut line = Vec::new();
    for i in 1..=RECORDS {
        line.clear();
        archive.sample(i).write_json(&mut line);
        let c = baseline::Complaint::from_json(&line).expect("parses");
        fired |= baseline::evaluate(&c).fired;
    }
    assert_eq!(fired, (1 << 10) - 1, "grounds fired: {fired:010b}");
}

/// A disagreement is reported, not hidden: a baseline that forgot 1.3(10)
/// would be caught by the comparison.
#[test]
fn a_wrong_answer_is_a_disagreement() {
    let program = program();
    let mut archive = Archive::new(generate::SEED);
    let mut rec = shouli::record::Record::new(program.rules.fields.len());
    let mut load = agree::load_toml(&program);
    let (mut line, mut toml) = (Vec::new(), String::new());
    for i in 1..=RECORDS {
        let s = archive.sample(i);
        line.clear();
        toml.clear();
        s.write_json(&mut line);
        s.write_toml(&mut toml);
        let d = baseline::evaluate(&baseline::Complaint::from_json(&line).unwrap());
        if d.fired == 1 << 9 {
            load(&line, &toml, &mut rec).unwrap();
            let trace = program.evaluate(&rec).unwrap();
            let right = agree::of_trace(&program, &trace);
            assert_eq!(right, agree::of_decision(&d));
            let wrong = Outputs {
                fired: vec![],
                ..right.clone()
            };
            assert_ne!(wrong, right);
            return;
        }
    }
    panic!("no record rejected on 1.3(10) alone");
}

#[test]
fn baseline_kleene_examples_from_the_spec() {
    // 1.3(7) is false when mediation is "none", whatever new_facts is; a
    // record missing only new_facts is therefore complete.
    let line = br#"{"id":"k","received":"2024-03-05","complainant":{"name":"a","phone":"1","kind":"consumer"},"respondent":{"name":"b","stall":"B","identified":true},"purchase":{"date":"2023-11-20","channel":"mall","product":"p","brand":"b","model":"m","quantity":1,"price":399.00,"warranty_months":12,"sold_as_defective":false},"claim":{"basis":"harm","substantiated":true,"damage_cause":"quality","lawful":true,"negotiation":"n","demand":"d","evidence":["invoice"]},"history":{"mediation":"none","administrative":"none","court":"none","arbitration":"none"}}"#;
    let c = baseline::Complaint::from_json(line).unwrap();
    let d = baseline::evaluate(&c);
    assert_eq!(d.outcome, baseline::Outcome::Accepted);
    assert_eq!(d.deciding_id(), "1.1");
    assert_eq!(d.notify_by, Day::new(2024, 3, 8));
    assert_eq!(d.resolve_by, Day::new(2024, 3, 20));
    assert_eq!(c.purchase.price, Some(39900));
    // Warranty: 2023-11-20 + 12 months covers 2024-11-20 and not the day after.
    assert_eq!(
        Day::new(2023, 11, 20).unwrap().plus_months(12),
        Day::new(2024, 11, 20).unwrap()
    );
    assert_eq!(
        Day::new(2023, 1, 31).unwrap().plus_months(1),
        Day::new(2023, 2, 28).unwrap()
    );
    assert_eq!(
        Day::new(2023, 12, 30).unwrap().plus_days(3),
        Day::new(2024, 1, 2).unwrap()
    );
}

/// The baseline's end-to-end run writes one row per record, in input
/// order, however many threads share the work.
#[test]
fn baseline_end_to_end_keeps_order_across_threads() {
    let input = generate::jsonl(generate::SEED, RECORDS);
    let mut one = Vec::new();
    let n = baseline::end_to_end(&input[..], 1, &mut one).unwrap();
    assert_eq!(n, RECORDS);
    assert_eq!(one.iter().filter(|&&b| b == b'\n').count(), RECORDS);
    for threads in [2, 3, 7] {
        let mut many = Vec::new();
        baseline::end_to_end(&input[..], threads, &mut many).unwrap();
        assert!(one == many, "{threads} threads changed the output");
    }
    let first = std::str::from_utf8(&one).unwrap().lines().next().unwrap();
    assert!(first.starts_with("2024-0000001,"), "{first}");
}

/// The baseline's clause 2.1 asks for the shared list of form keys, in its
/// order.
#[test]
fn baseline_form_keys_are_the_shared_list() {
    let keys: Vec<&str> = baseline::key::FORM_21
        .iter()
        .map(|bit| baseline::key::NAMES[bit.trailing_zeros() as usize])
        .collect();
    assert_eq!(keys, support::spec::FORM_21);
}
