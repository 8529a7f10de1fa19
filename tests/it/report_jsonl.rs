//! The JSON Lines report writer (`report::jsonl::Writer`, words of the rule
//! file escaped once) against serde's rendering of `report::build`: the
//! same bytes for every record of a generated archive, under both built-in
//! rule sets, in both languages, redacted or not, with warnings from the
//! reader and text values that need escaping.

use shouli::compile::Program;
use shouli::diag::Lang;
use shouli::model::Outcome;
use shouli::record::{self, Record};
use shouli::report::{self, Options, jsonl};

use crate::archive::{TOML_SPOILS, generate, to_toml};

/// Each record's TOML text; every fifth with names that JSON must escape
/// (a quote, a backslash, a tab, a control character).
fn records() -> Vec<(String, String)> {
    let mut spoils = TOML_SPOILS.to_vec();
    spoils.retain(|s| *s != crate::archive::Spoil::Broken);
    generate(17, 1500, &spoils)
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut text = to_toml(c);
            if i % 5 == 0 {
                text = text.replace("name = \"", "name = \"\\\"\\\\\\t\\u001F/\u{7f}");
            }
            (format!("case-{i}.toml"), text)
        })
        .collect()
}

fn samr() -> Program {
    let b = shouli::load::builtin_named("samr").expect("samr is built in");
    shouli::load::load_rules(b.file, b.text.as_bytes()).expect("samr loads")
}

#[test]
fn the_jsonl_writer_writes_serdes_bytes_for_every_record() {
    let records = records();
    // The samr fixtures too: office fields, working days, deadlines.
    let mut fixtures: Vec<(String, String)> = std::fs::read_dir("tests/fixtures/samr")
        .expect("tests/fixtures/samr")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).expect("readable"))
        })
        .collect();
    fixtures.sort();
    let programs = [("guideline", crate::support::builtin()), ("samr", samr())];
    for (name, program) in &programs {
        let rules = &program.rules;
        let mut rec = Record::new(rules.fields.len());
        let mut ours = Vec::new();
        let mut compared = 0;
        let mut outcomes = [0usize; 3];
        let mut warned = 0;
        for lang in [Lang::Zh, Lang::En] {
            for redact in [false, true] {
                let opts = Options { lang, redact };
                let writer = jsonl::Writer::new(program, opts);
                for (file, text) in records.iter().chain(&fixtures) {
                    let Ok((_, diags)) = record::toml::load(text.as_bytes(), file, rules, &mut rec)
                    else {
                        continue;
                    };
                    let trace = program.evaluate(&rec).expect("evaluates");
                    // The reader's warnings, and one that needs escaping.
                    let mut warnings: Vec<String> = diags
                        .iter()
                        .map(|d| format!("{file}: {}", d.message.get(lang)))
                        .collect();
                    if compared % 7 == 0 {
                        warnings.push(format!("{file}:3: \"引号\" \\ \n\u{1}"));
                    }
                    warned += usize::from(!warnings.is_empty());
                    let report = report::build(program, &rec, &trace, file, warnings.clone(), opts);
                    let expected = serde_json::to_vec(&report).expect("serialises");
                    ours.clear();
                    writer.write(&mut ours, &rec, &trace, file, &warnings);
                    assert!(
                        ours == expected,
                        "{name}, {lang:?}, redact {redact}, {file}:\nours:  {}\nserde: {}",
                        String::from_utf8_lossy(&ours),
                        String::from_utf8_lossy(&expected),
                    );
                    let o = Outcome::ALL.iter().position(|&o| o == trace.outcome);
                    outcomes[o.expect("an outcome")] += 1;
                    compared += 1;
                }
            }
        }
        // The archive is varied enough to mean something (the generator
        // writes the guideline's form: under samr most records lack a key
        // and are incomplete, its fixtures give the other outcomes).
        assert!(compared >= 4 * 1000, "{name}: only {compared} records");
        assert!(
            outcomes.iter().all(|&n| n >= 20),
            "{name}: outcomes {outcomes:?}"
        );
        assert!(warned >= 500, "{name}: {warned} records with warnings");
    }
}
