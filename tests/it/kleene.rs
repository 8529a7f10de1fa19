//! Kleene three-valued logic (SPEC §2), through the whole pipeline: a small
//! rule file is parsed, checked and compiled, and records with each
//! combination of true, false and absent are evaluated.

use shouli::eval::Status;
use shouli::record::{self, Record};

const RULES: &str = r#"
rules "三值逻辑" { version "1" }
field a "甲" bool
field b "乙" bool
field n "数" integer
field m "数二" integer
field c "数三" integer
scope "S" "范围" {}
basis "B" "依据" { when true }
ground "and" "且" { when a and b }
ground "or" "或" { when a or b }
ground "not" "非" { when not a }
ground "nested" "嵌套" { when (n == 1 and m == 2) or c == 3 }
ground "else" "否则" { when (n else m) == 1 }
"#;

/// (status, held-open keys) of every ground for one record.
fn run(record: &str) -> Vec<(String, Status, Vec<String>)> {
    let program = shouli::load_rules("kleene.rules", RULES.as_bytes()).expect("rules load");
    let mut rec = Record::new(program.rules.fields.len());
    // A record with every value absent is refused by the readers as empty
    // (nothing to check); the evaluator still takes it, and it is one of
    // the combinations here.
    if let Err(e) = record::toml::load(record.as_bytes(), "r.toml", &program.rules, &mut rec) {
        let codes: Vec<&str> = e.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["empty-record"], "record loads");
    }
    let trace = program.evaluate(&rec).unwrap();
    program
        .rules
        .clauses
        .iter()
        .zip(trace.clauses())
        .skip(1)
        .map(|(c, r)| {
            let keys = r
                .keys
                .iter()
                .map(|f| program.rules.fields[f].key.clone())
                .collect();
            (c.id.clone(), r.status, keys)
        })
        .collect()
}

fn status(results: &[(String, Status, Vec<String>)], id: &str) -> (Status, Vec<String>) {
    let (_, s, k) = results.iter().find(|r| r.0 == id).unwrap();
    (*s, k.clone())
}

fn lit(v: Option<bool>, key: &str) -> String {
    v.map_or(String::new(), |b| format!("{key} = {b}\n"))
}

fn kleene_and(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

fn kleene_or(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

fn to_status(v: Option<bool>) -> Status {
    match v {
        Some(true) => Status::True,
        Some(false) => Status::False,
        None => Status::Unknown,
    }
}

#[test]
fn truth_tables_of_and_or_not() {
    let values = [Some(true), Some(false), None];
    for a in values {
        for b in values {
            let results = run(&(lit(a, "a") + &lit(b, "b")));
            let and = status(&results, "and");
            let or = status(&results, "or");
            let not = status(&results, "not");
            assert_eq!(and.0, to_status(kleene_and(a, b)), "{a:?} and {b:?}");
            assert_eq!(or.0, to_status(kleene_or(a, b)), "{a:?} or {b:?}");
            assert_eq!(not.0, to_status(a.map(|x| !x)), "not {a:?}");
            // An unknown result holds open exactly the absent operands that
            // could still change it; a known one holds nothing open.
            let absent: Vec<String> = [("a", a), ("b", b)]
                .iter()
                .filter(|(_, v)| v.is_none())
                .map(|(k, _)| k.to_string())
                .collect();
            if and.0 == Status::Unknown {
                assert_eq!(and.1, absent, "{a:?} and {b:?}");
            } else {
                assert!(and.1.is_empty());
            }
            if or.0 == Status::Unknown {
                assert_eq!(or.1, absent, "{a:?} or {b:?}");
            }
        }
    }
}

#[test]
fn a_side_already_false_holds_nothing_open() {
    // SPEC §2: in `(a == 1 and b == 2) or c == 3` with a and c absent and
    // b = 5, only c is listed: the left side is already false.
    let results = run("m = 5\n");
    assert_eq!(
        status(&results, "nested"),
        (Status::Unknown, vec!["c".to_string()])
    );
    // With c = 3 the whole is true whatever the rest.
    assert_eq!(status(&run("m = 5\nc = 3\n"), "nested").0, Status::True);
    // With everything absent, every key is held open.
    assert_eq!(
        status(&run(""), "nested"),
        (
            Status::Unknown,
            vec!["n".to_string(), "m".to_string(), "c".to_string()]
        )
    );
}

#[test]
fn else_takes_the_first_value_present() {
    assert_eq!(status(&run("n = 1\nm = 2\n"), "else").0, Status::True);
    assert_eq!(status(&run("n = 2\nm = 1\n"), "else").0, Status::False);
    assert_eq!(status(&run("m = 1\n"), "else").0, Status::True);
    // Both absent: either would do, so both are held open.
    assert_eq!(
        status(&run(""), "else"),
        (Status::Unknown, vec!["n".to_string(), "m".to_string()])
    );
}

#[test]
fn the_clerk_is_never_asked_for_a_fact_that_cannot_change_the_outcome() {
    // 1.3(7): mediation "none" makes the ground false whatever new_facts is.
    let program = shouli::builtin().unwrap();
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/examples/accepted.toml");
    let text = std::fs::read_to_string(path)
        .unwrap()
        .replace("new_facts = false\n", "");
    let mut rec = Record::new(program.rules.fields.len());
    record::toml::load(text.as_bytes(), "r.toml", &program.rules, &mut rec).unwrap();
    let trace = program.evaluate(&rec).unwrap();
    assert_eq!(trace.outcome, shouli::model::Outcome::Accepted);
    assert!(trace.missing.is_empty());
}
