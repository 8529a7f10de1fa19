//! Agreement between shouli and the hand-written baseline: the same
//! outputs (outcome, deciding clause, fired grounds, missing keys,
//! deadlines, the warnings that hold), in one comparable form, and a check
//! over a whole archive.
#![allow(dead_code)]

use shouli::compile::Program;
use shouli::eval::Trace;
use shouli::record::Record;

use super::baseline::{self, Decision};
use super::generate::Archive;

/// What both sides must agree on, as SPEC §4 writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outputs {
    pub outcome: &'static str,
    pub deciding: String,
    pub fired: Vec<String>,
    pub missing: Vec<String>,
    pub notify_by: Option<String>,
    pub resolve_by: Option<String>,
    /// The warnings that hold, in clause order.
    pub warnings: Vec<String>,
}

impl Outputs {
    /// A side that failed to read or evaluate the record: `what` in place
    /// of the deciding clause.
    fn error(what: String) -> Outputs {
        Outputs {
            outcome: "error",
            deciding: what,
            fired: vec![],
            missing: vec![],
            notify_by: None,
            resolve_by: None,
            warnings: vec![],
        }
    }
}

/// shouli's side, read off the trace the way `shouli test` reads it.
pub fn of_trace(program: &Program, trace: &Trace) -> Outputs {
    let actual = shouli::examples::actual_of(program, trace);
    let deadline = |name: &str| {
        actual
            .deadlines
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, d)| d.clone())
    };
    Outputs {
        outcome: actual.outcome.code(),
        notify_by: deadline("notify_by"),
        resolve_by: deadline("resolve_by"),
        deciding: actual.deciding,
        fired: actual.fired,
        missing: actual.missing,
        warnings: program
            .rules
            .clauses
            .iter()
            .zip(trace.clauses())
            .filter(|(c, r)| {
                c.kind == shouli::model::ClauseKind::Warning
                    && r.status == shouli::eval::Status::True
            })
            .map(|(c, _)| c.id.clone())
            .collect(),
    }
}

pub fn of_decision(d: &Decision) -> Outputs {
    let mut missing: Vec<String> = baseline::key::NAMES
        .iter()
        .enumerate()
        .filter(|(i, _)| d.missing >> i & 1 == 1)
        .map(|(_, k)| k.to_string())
        .collect();
    missing.sort();
    Outputs {
        outcome: d.outcome.code(),
        deciding: d.deciding_id().to_string(),
        fired: (0..10)
            .filter(|i| d.fired >> i & 1 == 1)
            .map(|i| baseline::CLAUSES[2 + i].to_string())
            .collect(),
        missing,
        notify_by: d.notify_by.map(|x| x.to_string()),
        resolve_by: d.resolve_by.map(|x| x.to_string()),
        warnings: (0..baseline::WARNINGS.len())
            .filter(|i| d.warnings >> i & 1 == 1)
            .map(|i| baseline::WARNINGS[i].to_string())
            .collect(),
    }
}

/// How the outcomes of an archive were spread (to show the mix is real).
#[derive(Debug, Default, Clone)]
pub struct Mix {
    pub records: usize,
    pub accepted: usize,
    pub rejected_on_ground: usize,
    pub out_of_scope: usize,
    pub incomplete: usize,
    pub with_recorded: usize,
    /// Records on which a warning holds.
    pub warned: usize,
}

impl Mix {
    fn add(&mut self, o: &Outputs, recorded: bool) {
        self.records += 1;
        match (o.outcome, o.deciding.as_str()) {
            ("accepted", _) => self.accepted += 1,
            ("rejected", "1.0") => self.out_of_scope += 1,
            ("rejected", _) => self.rejected_on_ground += 1,
            _ => self.incomplete += 1,
        }
        self.with_recorded += usize::from(recorded);
        self.warned += usize::from(!o.warnings.is_empty());
    }
}

/// One record on which the two sides differ.
#[derive(Debug)]
pub struct Disagreement {
    pub record: usize,
    pub input: String,
    pub shouli: Outputs,
    pub baseline: Outputs,
}

/// Generates `n` records from `seed` and checks that shouli (reading each
/// record with `load`, given its JSON line and its TOML text) and the
/// baseline (reading the JSON line with serde) agree on every one.
pub fn check_archive(
    program: &Program,
    seed: u64,
    n: usize,
    mut load: impl FnMut(&[u8], &str, &mut Record) -> Result<(), String>,
) -> Result<Mix, Box<Disagreement>> {
    let mut archive = Archive::new(seed);
    let mut rec = Record::new(program.rules.fields.len());
    let mut trace = Trace::default();
    let mut scratch = Vec::new();
    let (mut line, mut toml) = (Vec::new(), String::new());
    let mut mix = Mix::default();
    for i in 1..=n {
        let sample = archive.sample(i);
        line.clear();
        toml.clear();
        sample.write_json(&mut line);
        sample.write_toml(&mut toml);
        let fail = |shouli: Outputs, baseline: Outputs| {
            Box::new(Disagreement {
                record: i,
                input: String::from_utf8_lossy(&line).into_owned(),
                shouli,
                baseline,
            })
        };
        let complaint = baseline::Complaint::from_json(&line);
        let loaded = load(&line, &toml, &mut rec);
        let (complaint, ()) = match (complaint, loaded) {
            (Ok(c), Ok(())) => (c, ()),
            (c, l) => {
                let err = Outputs::error;
                return Err(fail(
                    l.map_or_else(err, |()| err("loaded".into())),
                    c.map_or_else(|e| err(e.0), |_| err("loaded".into())),
                ));
            }
        };
        let ours = baseline::evaluate(&complaint);
        let theirs = match program.evaluate_into(&rec, &mut trace, &mut scratch) {
            Ok(()) => of_trace(program, &trace),
            Err(e) => Outputs::error(e.to_string()),
        };
        let ours = of_decision(&ours);
        if ours != theirs {
            return Err(fail(theirs, ours));
        }
        mix.add(&ours, complaint.recorded.outcome.is_some());
    }
    Ok(mix)
}

/// shouli's TOML reader, as `check_archive` wants it.
pub fn load_toml(program: &Program) -> impl FnMut(&[u8], &str, &mut Record) -> Result<(), String> {
    move |_, toml, rec| {
        shouli::record::toml::load(toml.as_bytes(), "record.toml", &program.rules, rec)
            .map(|_| ())
            .map_err(|e| format!("{:?}", e.diagnostics))
    }
}

/// shouli's JSON Lines reader, as `check_archive` wants it.
pub fn load_json<'r>(
    reader: &'r shouli::record::json::JsonReader<'r>,
) -> impl FnMut(&[u8], &str, &mut Record) -> Result<(), String> + 'r {
    let mut scratch = shouli::record::json::JsonScratch::default();
    let mut problems = Vec::new();
    move |line, _, rec| {
        problems.clear();
        let line = std::str::from_utf8(line).map_err(|e| e.to_string())?;
        let line = line.strip_suffix('\n').unwrap_or(line);
        if reader.load(line, rec, &mut scratch, &mut problems) && problems.is_empty() {
            Ok(())
        } else {
            Err(format!("{problems:?}"))
        }
    }
}
