//! The JSON Lines reader's plain path (`JsonReader::load_plain`, no serde)
//! against the full reader (`JsonReader::load_full`, serde_json): whatever
//! line the plain path accepts, the full reader accepts without a word and
//! reads into the same record. Checked on every line of a generated archive
//! (spoilt values and cut lines included), on the same lines dotted and
//! spaced, and on edits of them, byte by byte: a quote, a backslash, a
//! brace, a digit, a control character, a byte that is not UTF-8, dropped,
//! added or swapped in. The plain path must also take the lines it is for,
//! or batch would read everything the slow way and this test would pass
//! on nothing.

use shouli::record::Record;
use shouli::record::json::{JsonReader, JsonScratch};
use shouli::value::Value;

use crate::archive::{JSONL_SPOILS, generate, to_json};

/// What the two readers make of one line: the plain path's answer, and
/// where it accepted, the full reader's agreement.
struct Both<'r> {
    reader: JsonReader<'r>,
    plain: Record,
    full: Record,
    scratch: JsonScratch,
    accepted: usize,
    declined: usize,
}

impl Both<'_> {
    fn read(&mut self, line: &[u8]) {
        if !self
            .reader
            .load_plain(line, &mut self.plain, &mut self.scratch)
        {
            self.declined += 1;
            return;
        }
        self.accepted += 1;
        let text = std::str::from_utf8(line)
            .unwrap_or_else(|e| panic!("the plain path accepted a line that is not UTF-8: {e}"));
        let mut problems = Vec::new();
        let ok = self
            .reader
            .load_full(text, &mut self.full, &mut self.scratch, &mut problems);
        assert!(
            ok && problems.is_empty(),
            "the plain path accepted {text:?}, the full reader says {problems:?}"
        );
        assert_eq!(self.plain, self.full, "the readers differ on {text:?}");
    }
}

/// A fixed-seed xorshift, to edit lines the same way every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Bytes an edit puts in: JSON's own, white space, a control character,
/// and bytes that are not UTF-8 alone.
const BYTES: &[u8] = b"\"\\,:{}[] \t\r0159-.eEntfu\x01\x1f\x7f\xff\xe4\xc3";

#[test]
fn what_the_plain_path_accepts_the_full_reader_reads_the_same() {
    let program = crate::support::builtin();
    let rules = &program.rules;
    let mut both = Both {
        reader: JsonReader::new(rules),
        plain: Record::new(rules.fields.len()),
        full: Record::new(rules.fields.len()),
        scratch: JsonScratch::default(),
        accepted: 0,
        declined: 0,
    };
    let lines: Vec<String> = generate(29, 1200, JSONL_SPOILS)
        .iter()
        .map(to_json)
        .collect();

    // The archive's lines as written: the plain path takes all but the
    // spoilt ones (about one in fifty, some of which it may still take:
    // a negative price is a number like any other to a reader).
    for line in &lines {
        both.read(line.as_bytes());
    }
    assert!(
        both.accepted >= lines.len() * 9 / 10,
        "the plain path took only {} of {} archive lines",
        both.accepted,
        lines.len()
    );
    assert!(both.declined > 0, "no spoilt line was declined");

    // Written differently, read the same: spaced out, and with the tables
    // flattened into dotted keys.
    let (accepted, declined) = (both.accepted, both.declined);
    for line in lines.iter().take(200) {
        let spaced = line
            .replace(", ", " ,\t")
            .replace(": ", " :\r\n ")
            .replace('{', "{ ");
        both.read(spaced.as_bytes());
    }
    assert!(both.accepted - accepted > 150, "spaced lines were declined");
    assert!(both.declined - declined < 50, "spaced lines were declined");
    let (accepted, declined) = (both.accepted, both.declined);
    for line in lines.iter().take(200) {
        let Ok(serde_json::Value::Object(tables)) = serde_json::from_str(line) else {
            continue; // a cut line
        };
        let mut dotted = serde_json::Map::new();
        for (key, value) in tables {
            match value {
                serde_json::Value::Object(keys) => {
                    for (k, v) in keys {
                        dotted.insert(format!("{key}.{k}"), v);
                    }
                }
                v => {
                    dotted.insert(key, v);
                }
            }
        }
        both.read(serde_json::Value::Object(dotted).to_string().as_bytes());
    }
    assert!(both.accepted - accepted > 150, "dotted lines were declined");
    assert!(both.declined - declined < 50, "dotted lines were declined");

    // Edits: most are declined (broken JSON, a bad value), many are not
    // (a digit for a digit, a space), and none may be read differently.
    let mut rng = Rng(0x5348_4f55_4c49);
    let (accepted, declined) = (both.accepted, both.declined);
    for _ in 0..20_000 {
        let mut line = lines[rng.below(lines.len())].as_bytes().to_vec();
        for _ in 0..=rng.below(3) {
            let at = rng.below(line.len() + 1);
            let byte = BYTES[rng.below(BYTES.len())];
            match rng.below(3) {
                0 if at < line.len() => {
                    line.remove(at);
                }
                1 if at < line.len() => line[at] = byte,
                _ => line.insert(at, byte),
            }
        }
        both.read(&line);
    }
    assert!(
        both.accepted - accepted > 500,
        "the plain path took too few edited lines to test anything: {}",
        both.accepted - accepted
    );
    assert!(
        both.declined - declined > 5000,
        "the plain path declined too few edited lines: {}",
        both.declined - declined
    );
}

/// Lines the plain path must leave to the full reader, each for its own
/// reason; and that reader still reports each one as before.
#[test]
fn the_plain_path_declines_what_it_does_not_read() {
    let program = crate::support::builtin();
    let rules = &program.rules;
    let reader = JsonReader::new(rules);
    let mut rec = Record::new(rules.fields.len());
    let mut scratch = JsonScratch::default();
    let good = r#"{"id": "a", "received": "2024-03-05", "purchase": {"price": 399.5, "date": "2024-01-02"}, "claim": {"evidence": ["invoice", null]}, "history": null}"#;
    assert!(reader.load_plain(good.as_bytes(), &mut rec, &mut scratch));
    // An escape is good JSON that the plain path leaves to serde.
    let escaped = r#"{"id": "a\u0062", "received": "2024-03-05"}"#;
    assert!(!reader.load_plain(escaped.as_bytes(), &mut rec, &mut scratch));
    let mut problems = Vec::new();
    assert!(reader.load(escaped, &mut rec, &mut scratch, &mut problems));
    assert!(problems.is_empty(), "{problems:?}");
    let id = rules.field("id").expect("an id field");
    match rec.get(id) {
        Value::Text(t) => assert_eq!(rec.text(t), "ab"),
        other => panic!("the id read as {other:?}"),
    }
    let declined: &[&[u8]] = &[
        br#"{"id": "a", "received": "2024-03-05", "colour": "red"}"#,
        br#"{"id": "a", "id": "b", "received": "2024-03-05"}"#,
        br#"{"purchase": {"price": 1}, "purchase": {"quantity": 2}}"#,
        br#"{"purchase": {"date": "2024-01-02"}, "purchase.date": "2024-01-03"}"#,
        br#"{"received": "2024-03-05", "purchase": {"price": 3.99e2}}"#,
        br#"{"received": "2024-03-05", "purchase": {"price": 012}}"#,
        br#"{"received": "2024-03-05", "purchase": {"price": 1.}}"#,
        br#"{"received": "2024-03-05", "purchase": {"price": 0.001}}"#,
        br#"{"received": "2024-03-05", "purchase": {"quantity": 1.5}}"#,
        br#"{"received": 20240305}"#,
        br#"{"received": "2024-02-30"}"#,
        br#"{"received": "2024-03-05", "claim": {"evidence": ["invoice", 1]}}"#,
        br#"{"received": "2024-03-05", "claim": {"evidence": "invoice"}}"#,
        br#"{"received": "2024-03-05", "purchase": "none"}"#,
        br#"{"received": "2024-03-05"} x"#,
        br#"{"received": "2024-03-05",}"#,
        br#"{"received": "2024-03-05""#,
        b"{\"received\": \"2024-03-05\", \"id\": \"a\x01b\"}",
        b"{\"received\": \"2024-03-05\", \"id\": \"\xff\"}",
        b"{\"received\": \"2024-03-05\", \"id\": \"\xe4\xb8\"}",
        br#"{"id": "only an id"}"#,
        br#"{}"#,
        br#"null"#,
        br#"[{"received": "2024-03-05"}]"#,
        b"",
    ];
    for line in declined {
        assert!(
            !reader.load_plain(line, &mut rec, &mut scratch),
            "the plain path took {:?}",
            String::from_utf8_lossy(line)
        );
        // The full reader has something to say of each (or the line is
        // not text at all).
        if let Ok(text) = std::str::from_utf8(line) {
            let mut problems = Vec::new();
            reader.load_full(text, &mut rec, &mut scratch, &mut problems);
            assert!(!problems.is_empty(), "nothing to say of {text:?}");
        }
    }
}
