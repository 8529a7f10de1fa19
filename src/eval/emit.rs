//! A compiled program's sweep written as Rust: the built-in rule sets'
//! sweeps in `sweeps.rs` are this module's output, and its test fails when
//! they are stale (after a change to the built-in rules or to the
//! compiler). `SHOULI_UPDATE_SWEEPS=1 cargo test --lib eval::emit` writes
//! them again.
//!
//! A generated sweep is the general [`sweep_all`] unrolled for one program:
//! each node a local, computed by the same functions in node order, with no
//! node array to dispatch on and no bounds check on an operand. Only the
//! nodes that evaluation reads after the sweep ([`Program::read_after_sweep`])
//! are stored, and only the nodes they depend on are computed.

use std::fmt::Write as _;

use super::*;

/// The nodes a node's value is computed from: its operands, or a
/// definition's root.
fn inputs(p: &Program, node: Node) -> Vec<u32> {
    match node {
        Node::Define(d) | Node::DefineCondition(d) => vec![p.define_roots[d as usize]],
        node => node.operands(&p.kids).collect(),
    }
}

/// A constant as a Rust expression.
fn constant(v: Value) -> String {
    match v {
        Value::Absent => "Value::Absent".into(),
        Value::Bool(b) => format!("Value::Bool({b})"),
        Value::Int(n) => format!("Value::Int({n})"),
        Value::Dec(n) => format!("Value::Dec({n})"),
        Value::Date(d) => format!(
            "Value::Date(Date::from_epoch_days({}))",
            d.days_since(Date::EPOCH)
        ),
        Value::Lit(i) => format!("Value::Lit({i})"),
        Value::Enum(e) => format!("Value::Enum({e})"),
        Value::Set(s) => format!("Value::Set({s:#x})"),
        // A rule file's text constants are `Lit`; `Text` points into a record.
        Value::Text(_) => unreachable!("a constant is never a record's text"),
    }
}

/// Node `i`'s computation, as an expression over the locals of its operands
/// (`n7`), the record's values (`r`) and the program (`p`).
fn expression(p: &Program, i: usize) -> String {
    let n = |k: u32| format!("n{k}");
    match p.nodes[i] {
        Node::Const(v) => constant(v),
        Node::Field(slot) => format!("r[{slot}]"),
        Node::Define(d) | Node::DefineCondition(d) => n(p.define_roots[d as usize]),
        Node::Shift(date, amount, unit, negative) => format!(
            "shift(p, {}, {}, Unit::{unit:?}, {negative}, &mut overflow)",
            n(date),
            n(amount)
        ),
        Node::ShiftBy(date, amount, unit) => format!(
            "shift_by(p, {}, {amount}, Unit::{unit:?}, &mut overflow)",
            n(date)
        ),
        Node::Else(a, b) => format!("or_else({}, {})", n(a), n(b)),
        Node::AsValue(x) => format!("{}.value()", n(x)),
        Node::AsCondition(x) => format!("Kleene::of({})", n(x)),
        Node::Present(slots) => format!("present(rec, KeySet({:#x}))", slots.0),
        Node::Not(x) => format!("{}.not()", n(x)),
        Node::And(start, len) | Node::Or(start, len) => {
            let (fold, empty) = match p.nodes[i] {
                Node::And(..) => ("min", "Kleene::True"),
                _ => ("max", "Kleene::False"),
            };
            let kids = &p.kids[start as usize..(start + len) as usize];
            match kids.split_first() {
                None => empty.into(),
                Some((&first, rest)) => rest
                    .iter()
                    .fold(n(first), |acc, &k| format!("{acc}.{fold}({})", n(k))),
            }
        }
        Node::Cmp(op, a, b) => format!("cmp(p, rec, CmpOp::{op:?}, {}, {})", n(a), n(b)),
        Node::InSet(x, set, negated) => format!("in_set({}, {set:#x}, {negated})", n(x)),
        Node::InList(x, start, len, negated) => format!(
            "in_list(p, rec, {}, &p.consts[{start}..{}], {negated})",
            n(x),
            start + len
        ),
        Node::ContainsAny(x, set) => format!("contains_any({}, {set:#x})", n(x)),
        Node::Contains(list, item) => format!("contains({}, {})", n(list), n(item)),
        Node::FieldCmp(op, slot, c) => format!(
            "field_cmp(p, rec, CmpOp::{op:?}, r[{slot}], {})",
            constant(c)
        ),
        Node::FieldIs(slot, want) => format!("is(r[{slot}], {want})"),
        Node::FieldInSet(slot, set, negated) => {
            format!("in_set(r[{slot}], {set:#x}, {negated})")
        }
        Node::FieldContainsAny(slot, set) => format!("contains_any(r[{slot}], {set:#x})"),
    }
}

/// The sweep of `p` as a Rust function named `name`.
pub(super) fn sweep_function(p: &Program, name: &str) -> String {
    let read = p.read_after_sweep();
    // The nodes the read ones depend on; operands come before their users,
    // so one pass from the last node back finds them all.
    let mut needed = vec![false; p.nodes.len()];
    for &n in &read {
        needed[n as usize] = true;
    }
    for i in (0..p.nodes.len()).rev() {
        if needed[i] {
            for k in inputs(p, p.nodes[i]) {
                needed[k as usize] = true;
            }
        }
    }
    let shifts = (0..p.nodes.len())
        .any(|i| needed[i] && matches!(p.nodes[i], Node::Shift(..) | Node::ShiftBy(..)));

    let mut out = String::new();
    let (fields, nodes) = (p.rules.fields.len(), p.nodes.len());
    writeln!(
        out,
        "fn {name}(p: &Program, rec: &Record, vals: &mut [Value], conds: &mut [Kleene]) -> bool {{"
    )
    .unwrap();
    writeln!(
        out,
        "    let Some((r, vals, conds)) = fixed::<{fields}, {nodes}>(rec, vals, conds) else {{"
    )
    .unwrap();
    writeln!(out, "        return sweep_all(p, rec, vals, conds);").unwrap();
    writeln!(out, "    }};").unwrap();
    if shifts {
        writeln!(out, "    let mut overflow = false;").unwrap();
    }
    for i in (0..nodes).filter(|&i| needed[i]) {
        writeln!(out, "    let n{i} = {};", expression(p, i)).unwrap();
    }
    for n in read {
        let buffer = if p.nodes[n as usize].is_condition() {
            "conds"
        } else {
            "vals"
        };
        writeln!(out, "    {buffer}[{n}] = n{n};").unwrap();
    }
    writeln!(out, "    {}", if shifts { "overflow" } else { "false" }).unwrap();
    writeln!(out, "}}").unwrap();
    out
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    /// The tests' rule file whose sweep is generated for test builds: every
    /// kind of node.
    const EVERY_NODE: (&str, &str) = (
        "tests/fixtures/sweep/every-node.rules",
        include_str!("../../tests/fixtures/sweep/every-node.rules"),
    );

    fn load(file: &str, text: &str) -> Program {
        crate::load::load_rules(file, text.as_bytes())
            .unwrap_or_else(|e| panic!("{file} loads: {e}"))
    }

    /// `sweeps.rs`: the built-in rule sets' sweeps, and the tests'.
    fn sweeps_file() -> String {
        let mut out = String::from(
            "//! @generated by `SHOULI_UPDATE_SWEEPS=1 cargo test --lib eval::emit` from the\n\
             //! built-in rule sets (`rules/*.rules`): their sweeps as straight code (see\n\
             //! `emit.rs`). Do not edit; the test fails when this file is stale.\n\n\
             use super::*;\n\n\
             /// Each built-in rule set's sweep, with the signature of the program it sweeps.\n\
             pub(super) const SWEEPS: &[(&str, Sweep)] = &[\n",
        );
        let builtins: Vec<(&str, Program)> = crate::load::BUILTINS
            .iter()
            .map(|b| (b.name, load(b.file, b.text)))
            .collect();
        for (name, _) in &builtins {
            writeln!(out, "    ({}, {name}),", name.to_uppercase()).unwrap();
        }
        out.push_str(
            "];\n\n\
             /// The tests' rule files' sweeps (`every-node.rules`), in test builds.\n\
             #[cfg(test)]\n\
             pub(super) const TESTED: &[(&str, Sweep)] = &[(EVERY_NODE, every_node)];\n\
             #[cfg(not(test))]\n\
             pub(super) const TESTED: &[(&str, Sweep)] = &[];\n",
        );
        let tested = ("every_node", load(EVERY_NODE.0, EVERY_NODE.1));
        for (name, program) in builtins.iter().chain([&tested]) {
            let cfg = if *name == tested.0 {
                "#[cfg(test)]\n"
            } else {
                ""
            };
            writeln!(out, "\n/// The signature of `{name}`'s program.").unwrap();
            writeln!(
                out,
                "{cfg}const {}: &str = {:?};\n",
                name.to_uppercase(),
                program.sweep_signature()
            )
            .unwrap();
            out.push_str(cfg);
            out.push_str(&sweep_function(program, name));
        }
        out
    }

    #[test]
    fn the_generated_sweeps_are_fresh() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/eval/sweeps.rs");
        let fresh = sweeps_file();
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if fresh == current {
            return;
        }
        if std::env::var_os("SHOULI_UPDATE_SWEEPS").is_some() {
            std::fs::write(&path, fresh).expect("src/eval/sweeps.rs is writable");
            panic!("src/eval/sweeps.rs was stale and is written again: build and test once more");
        }
        panic!(
            "src/eval/sweeps.rs is stale (the built-in rules or the compiler changed): \
             run `SHOULI_UPDATE_SWEEPS=1 cargo test --lib eval::emit` and commit the file"
        );
    }

    #[test]
    fn every_built_in_rule_set_is_swept_by_its_generated_sweep() {
        for b in crate::load::BUILTINS {
            let program = crate::load::load_rules(b.file, b.text.as_bytes()).expect("loads");
            assert!(program.is_generated(), "{}", b.name);
            assert!(!program.interpreted().is_generated(), "{}", b.name);
        }
    }

    /// Each kind of node by name; exhaustive, so that a new kind must be
    /// named here, and then in `every-node.rules`.
    fn kind(node: Node) -> &'static str {
        match node {
            Node::Const(_) => "Const",
            Node::Field(_) => "Field",
            Node::Define(_) => "Define",
            Node::Shift(..) => "Shift",
            Node::ShiftBy(..) => "ShiftBy",
            Node::Else(..) => "Else",
            Node::AsValue(_) => "AsValue",
            Node::DefineCondition(_) => "DefineCondition",
            Node::AsCondition(_) => "AsCondition",
            Node::Present(_) => "Present",
            Node::Not(_) => "Not",
            Node::And(..) => "And",
            Node::Or(..) => "Or",
            Node::Cmp(..) => "Cmp",
            Node::InSet(..) => "InSet",
            Node::InList(..) => "InList",
            Node::ContainsAny(..) => "ContainsAny",
            Node::Contains(..) => "Contains",
            Node::FieldCmp(..) => "FieldCmp",
            Node::FieldIs(..) => "FieldIs",
            Node::FieldInSet(..) => "FieldInSet",
            Node::FieldContainsAny(..) => "FieldContainsAny",
        }
    }

    /// A small deterministic generator (xorshift64*).
    struct Seed(u64);

    impl Seed {
        fn next(&mut self, below: u64) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % below
        }
    }

    /// A record with each field absent one time in four, else a value of
    /// its type: dates around 2024 (now and then near the calendar's end,
    /// where shifts overflow), amounts on both sides of the constants.
    fn record(p: &Program, seed: &mut Seed) -> Record {
        use crate::model::FieldType;
        let mut rec = Record::new(p.rules.fields.len());
        for (slot, field) in p.rules.fields.iter().enumerate() {
            if seed.next(4) == 0 {
                continue;
            }
            let value = match &field.ty {
                FieldType::Bool => Value::Bool(seed.next(2) == 1),
                FieldType::Integer => Value::Int(match seed.next(10) {
                    0 => 1_000_000,
                    _ => seed.next(40) as i64 - 5,
                }),
                FieldType::Decimal => Value::Dec(seed.next(5_000) as i64),
                FieldType::Date => {
                    let days = match seed.next(20) {
                        0 => Date::MAX.days_since(Date::EPOCH) - seed.next(40) as i64,
                        _ => 19_500 + seed.next(1_500) as i64,
                    };
                    Value::Date(Date::EPOCH.add_days(days).expect("on the calendar"))
                }
                FieldType::Text => rec.push_text(["甲", "乙", "丙", "丁"][seed.next(4) as usize]),
                FieldType::Enum(values) => Value::Enum(seed.next(values.len() as u64) as u16),
                FieldType::List(values) => Value::Set(1 + seed.next((1 << values.len()) - 1)),
            };
            rec.set(slot, value);
        }
        rec
    }

    #[test]
    fn every_kind_of_node_is_generated_and_decides_as_the_general_sweep() {
        let program = load(EVERY_NODE.0, EVERY_NODE.1);
        assert!(
            program.is_generated(),
            "every-node.rules has its generated sweep"
        );
        let kinds: std::collections::BTreeSet<&str> =
            program.nodes.iter().map(|&n| kind(n)).collect();
        let all = [
            "Const",
            "Field",
            "Define",
            "Shift",
            "ShiftBy",
            "Else",
            "AsValue",
            "DefineCondition",
            "AsCondition",
            "Present",
            "Not",
            "And",
            "Or",
            "Cmp",
            "InSet",
            "InList",
            "ContainsAny",
            "Contains",
            "FieldCmp",
            "FieldIs",
            "FieldInSet",
            "FieldContainsAny",
        ];
        let missing: Vec<_> = all.iter().filter(|k| !kinds.contains(*k)).collect();
        assert!(missing.is_empty(), "every-node.rules lacks {missing:?}");

        let general = program.clone().interpreted();
        let mut seed = Seed(0x5eed_f5ba);
        let (mut outcomes, mut overflows) = (std::collections::BTreeMap::new(), 0);
        for _ in 0..20_000 {
            let rec = record(&program, &mut seed);
            let (generated, interpreted) = (program.evaluate(&rec), general.evaluate(&rec));
            assert_eq!(generated, interpreted, "{rec:?}");
            match generated {
                Ok(trace) => *outcomes.entry(format!("{:?}", trace.outcome)).or_insert(0) += 1,
                Err(_) => overflows += 1,
            }
        }
        // The records reach every outcome, and dates off the calendar.
        assert_eq!(outcomes.len(), 3, "{outcomes:?}");
        assert!(overflows > 0);
    }
}
