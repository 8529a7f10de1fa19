//! CSV complaint records (SPEC §1): a header row of dotted keys
//! (`purchase.date`), then one record per row. Every cell is a
//! [`Raw::Cell`], typed by its field like any other value (lists as
//! `invoice;photo`; an empty cell is absent). A row with more or fewer
//! cells than the header is an error for that row; a header key the rules
//! do not declare is a warning, and its column is ignored.

use std::io::{self, Read};

use csv::ByteRecord;

use super::{Raw, Record, convert};
use crate::diag::{Diagnostic, Lang, Msg};
use crate::model::{FieldId, RuleSet};

/// A CSV reader set up for complaint records: a header row, rows of any
/// length (checked per row by [`CsvColumns::load`]), a UTF-8 BOM skipped,
/// and each row at most [`super::MAX_RECORD`] bytes: what [`Rows`] says
/// of each row read (`reader.get_mut().next_row()`) is its line, whether
/// it was too long, and whether it ends in an unclosed quote.
pub fn reader<R: Read>(input: R) -> csv::Reader<Rows<SkipBom<R>>> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(Rows::new(SkipBom::new(input), super::MAX_RECORD))
}

/// What [`Rows`] saw of one CSV row (the header is the first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RowInfo {
    /// The physical line the row starts on (1-based), counting `\n`,
    /// `\r\n` and a lone `\r` each as one line end, as an editor does.
    pub line: u64,
    /// The row was longer than the limit; what the CSV reader got of it is
    /// cut short and means nothing.
    pub too_long: bool,
    /// The row ran to the end of the input inside a quoted value: the line
    /// where that quote opened.
    pub unclosed_quote: Option<u64>,
}

/// Where a CSV lexer is, as `csv-core` reads with the settings above.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lex {
    /// Between rows: line ends here are blank lines, skipped.
    StartRecord,
    StartField,
    InField,
    InQuoted,
    /// A `"` inside a quoted value: a second one is a literal quote.
    QuoteInQuoted,
}

/// A reader beneath the CSV reader that follows its rows with a small
/// lexer of its own: it numbers each row by its physical line (the CSV
/// reader counts only `\n`, and counts a blank line before a row into it),
/// notices a quote left open at the end, and never lets a row longer than
/// the limit through: past the limit its bytes are read and dropped until
/// the row ends, and the row is closed early, so memory stays bounded
/// whatever the input.
#[derive(Debug)]
pub struct Rows<R> {
    inner: R,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    finished: bool,
    lex: Lex,
    line: u64,
    prev_cr: bool,
    row_len: usize,
    limit: usize,
    current: RowInfo,
    quote_line: u64,
    /// The lexer's state where a too-long row stopped being passed on.
    cut: Option<Lex>,
    /// Bytes made up to close a cut row, still to be passed on.
    pending: &'static [u8],
    rows: std::collections::VecDeque<RowInfo>,
    /// Bytes read from `inner`.
    pub consumed: u64,
}

impl<R: Read> Rows<R> {
    pub fn new(inner: R, limit: usize) -> Rows<R> {
        Rows {
            inner,
            buf: vec![0; 64 << 10].into_boxed_slice(),
            pos: 0,
            len: 0,
            finished: false,
            lex: Lex::StartRecord,
            line: 1,
            prev_cr: false,
            row_len: 0,
            limit,
            current: RowInfo::default(),
            quote_line: 0,
            cut: None,
            pending: b"",
            rows: std::collections::VecDeque::new(),
            consumed: 0,
        }
    }

    /// What was seen of the next row the CSV reader gave, in order.
    pub fn next_row(&mut self) -> Option<RowInfo> {
        self.rows.pop_front()
    }

    fn count_line_end(&mut self, b: u8) {
        match b {
            b'\r' => {
                self.line += 1;
                self.prev_cr = true;
            }
            b'\n' => {
                if !self.prev_cr {
                    self.line += 1;
                }
                self.prev_cr = false;
            }
            _ => self.prev_cr = false,
        }
    }

    fn end_row(&mut self) {
        self.lex = Lex::StartRecord;
        self.rows.push_back(self.current);
        if let Some(cut) = self.cut.take() {
            // Close what the CSV reader has of the row: a quote if it is
            // inside one, then a line end.
            self.pending = if cut == Lex::InQuoted { b"\"\n" } else { b"\n" };
        }
    }

    /// Moves the lexer over `b`; whether `b` is passed on.
    fn step(&mut self, b: u8) -> bool {
        let end = matches!(b, b'\r' | b'\n');
        if self.lex == Lex::StartRecord {
            if end {
                self.count_line_end(b);
                return true;
            }
            self.current = RowInfo {
                line: self.line,
                ..RowInfo::default()
            };
            self.row_len = 0;
            self.lex = Lex::StartField;
        }
        let (next, ends_row) = match (self.lex, b) {
            (Lex::StartField, b'"') => {
                self.quote_line = self.line;
                (Lex::InQuoted, false)
            }
            (Lex::StartField | Lex::InField | Lex::QuoteInQuoted, b',') => (Lex::StartField, false),
            (Lex::StartField | Lex::InField | Lex::QuoteInQuoted, _) if end => {
                (Lex::StartRecord, true)
            }
            (Lex::InQuoted, b'"') => (Lex::QuoteInQuoted, false),
            (Lex::QuoteInQuoted, b'"') => (Lex::InQuoted, false),
            (Lex::InQuoted, _) => (Lex::InQuoted, false),
            _ => (Lex::InField, false),
        };
        self.count_line_end(b);
        if ends_row {
            let cut = self.cut.is_some();
            self.end_row();
            return !cut;
        }
        self.row_len += 1;
        if self.cut.is_none() && self.row_len > self.limit {
            self.cut = Some(self.lex);
            self.current.too_long = true;
        }
        self.lex = next;
        self.cut.is_none()
    }

    /// The end of the input: a row still open ends here.
    fn finish(&mut self) {
        if self.lex != Lex::StartRecord {
            if self.lex == Lex::InQuoted {
                self.current.unclosed_quote = Some(self.quote_line);
            }
            self.end_row();
        }
    }
}

impl<R: Read> Read for Rows<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let mut n = 0;
        loop {
            while n < out.len() && !self.pending.is_empty() {
                out[n] = self.pending[0];
                self.pending = &self.pending[1..];
                n += 1;
            }
            if n == out.len() {
                return Ok(n);
            }
            if self.pos == self.len {
                if self.finished || n > 0 {
                    return Ok(n);
                }
                let k = loop {
                    match self.inner.read(&mut self.buf) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        other => break other?,
                    }
                };
                self.consumed += k as u64;
                if k == 0 {
                    self.finish();
                    self.finished = true;
                    continue;
                }
                self.pos = 0;
                self.len = k;
            }
            while self.pos < self.len && n < out.len() && self.pending.is_empty() {
                // A run of bytes inside a value that change nothing but its
                // length: passed on (or, past the limit, dropped) at once.
                let rest = &self.buf[self.pos..self.len];
                let plain = match self.lex {
                    Lex::InField => memchr::memchr3(b',', b'\r', b'\n', rest),
                    Lex::InQuoted => memchr::memchr3(b'"', b'\r', b'\n', rest),
                    _ => Some(0),
                }
                .unwrap_or(rest.len());
                if plain > 0 {
                    if self.cut.is_some() {
                        self.pos += plain;
                        self.prev_cr = false;
                        continue;
                    }
                    let run = plain
                        .min(out.len() - n)
                        .min(self.limit.saturating_sub(self.row_len));
                    if run > 0 {
                        out[n..n + run].copy_from_slice(&rest[..run]);
                        n += run;
                        self.pos += run;
                        self.row_len += run;
                        self.prev_cr = false;
                        continue;
                    }
                }
                let b = self.buf[self.pos];
                self.pos += 1;
                if self.step(b) {
                    out[n] = b;
                    n += 1;
                }
            }
        }
    }
}

/// What each column of a CSV file holds.
#[derive(Debug, Clone)]
pub struct CsvColumns {
    /// The field of each column; `None` for a column the rules do not declare.
    slots: Vec<Option<FieldId>>,
    /// A header problem that makes every row unusable (a key given twice,
    /// a header that is not UTF-8).
    fatal: Option<Diagnostic>,
}

impl CsvColumns {
    /// Reads the header row. Warnings (unknown keys, blank headers) are
    /// returned; an error in the header is kept and reported for each row.
    pub fn new(rules: &RuleSet, header: &ByteRecord) -> (CsvColumns, Vec<Diagnostic>) {
        let mut slots = Vec::with_capacity(header.len());
        let mut warnings = Vec::new();
        let mut fatal = None;
        for (i, cell) in header.iter().enumerate() {
            let column = i + 1;
            let Ok(key) = std::str::from_utf8(cell) else {
                fatal.get_or_insert_with(|| {
                    Diagnostic::error(
                        "not-utf8",
                        None,
                        Msg::new(
                            format!("表头第 {column} 列不是 UTF-8 编码，无法读取各行"),
                            format!("header column {column} is not UTF-8, so no row can be read"),
                        ),
                    )
                    .with_help(Msg::new(
                        "用表格软件导出为“CSV UTF-8”后再试",
                        "export the sheet as “CSV UTF-8” and try again",
                    ))
                });
                slots.push(None);
                continue;
            };
            let key = key.trim();
            if key.is_empty() {
                warnings.push(Diagnostic::warning(
                    "blank-header",
                    None,
                    Msg::new(
                        format!("表头第 {column} 列为空，该列已忽略"),
                        format!("header column {column} is blank; the column is ignored"),
                    ),
                ));
                slots.push(None);
                continue;
            }
            match rules.field(key) {
                Some(slot) if slots.contains(&Some(slot)) => {
                    fatal.get_or_insert_with(|| {
                        Diagnostic::error(
                            "duplicate-key",
                            None,
                            Msg::new(
                                format!("表头中键 `{key}` 出现了两次（第 {column} 列）"),
                                format!("the header has the key `{key}` twice (column {column})"),
                            ),
                        )
                    });
                    slots.push(None);
                }
                Some(slot) => slots.push(Some(slot)),
                None => {
                    let mut d = Diagnostic::warning(
                        "unknown-key",
                        None,
                        Msg::new(
                            format!("表头第 {column} 列：规则未声明键 `{key}`，该列已忽略"),
                            format!(
                                "header column {column}: the rules do not declare `{key}`; the column is ignored"
                            ),
                        ),
                    );
                    if let Some(close) = super::suggest_key(key, rules) {
                        d = d.with_help(Msg::new(
                            format!("是否想写 `{close}`？"),
                            format!("did you mean `{close}`?"),
                        ));
                    }
                    warnings.push(d);
                    slots.push(None);
                }
            }
        }
        // `id;received;…` in one column: a sheet exported with another
        // separator (Excel in many locales uses `;`). Every column would be
        // unknown and every row empty: say why instead.
        if let [only] = header.iter().collect::<Vec<_>>().as_slice() {
            let sep = [
                (b';', "分号（;）", "semicolons (;)"),
                (b'\t', "制表符", "tabs"),
            ]
            .into_iter()
            .find(|(b, _, _)| only.contains(b));
            if let Some((_, zh, en)) = sep {
                fatal = Some(
                    Diagnostic::error(
                        "csv-separator",
                        None,
                        Msg::new(
                            format!("表头只有一列：文件是用{zh}分隔的，而不是逗号"),
                            format!(
                                "the header is one column: the file is separated by {en}, not commas"
                            ),
                        ),
                    )
                    .with_help(Msg::new(
                        "用表格软件导出为“CSV UTF-8（逗号分隔）”后再试",
                        "export the sheet as “CSV UTF-8 (comma delimited)” and try again",
                    )),
                );
                warnings.clear();
            }
        }
        (CsvColumns { slots, fatal }, warnings)
    }

    /// How many columns the header has.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Loads one row into `rec` (cleared first), pushing every problem
    /// found to `problems`. Returns whether the row loaded without error.
    pub fn load(
        &self,
        rules: &RuleSet,
        row: &ByteRecord,
        rec: &mut Record,
        problems: &mut Vec<Diagnostic>,
    ) -> bool {
        rec.clear();
        if let Some(fatal) = &self.fatal {
            problems.push(fatal.clone());
            return false;
        }
        if row.len() != self.slots.len() {
            let (have, want) = (row.len(), self.slots.len());
            let msg = if have < want {
                Msg::new(
                    format!(
                        "这一行有 {have} 个值，表头有 {want} 列：少了 {} 列",
                        want - have
                    ),
                    format!(
                        "this row has {have} values but the header has {want} columns: {} missing",
                        want - have
                    ),
                )
            } else {
                Msg::new(
                    format!(
                        "这一行有 {have} 个值，表头只有 {want} 列：多了 {} 列",
                        have - want
                    ),
                    format!(
                        "this row has {have} values but the header has only {want} columns: {} extra",
                        have - want
                    ),
                )
            };
            // An extra column from a number written `1,399.00`: say so.
            let cells: Vec<&[u8]> = row.iter().collect();
            let split_number = (have > want)
                .then(|| {
                    cells.windows(2).find_map(|w| {
                        let joined = format!(
                            "{},{}",
                            std::str::from_utf8(w[0]).ok()?.trim(),
                            std::str::from_utf8(w[1]).ok()?.trim()
                        );
                        let (written, plain) = super::thousands(&joined)?;
                        (written == joined).then_some((written, plain))
                    })
                })
                .flatten();
            // ` "a,b"`: a quote after a space is a character in CSV, so
            // the comma inside splits the value.
            let spaced_quote = cells.iter().any(|c| {
                let t = c.trim_ascii_start();
                t.len() < c.len() && t.starts_with(b"\"")
            });
            let help = match split_number {
                _ if spaced_quote => Msg::new(
                    "有的值在引号前多了空格（如 , \"美的,家电\"）：引号必须紧跟逗号，否则不起作用",
                    "a value has a space before its quote (like , \"Midea, appliances\"): the quote must follow the comma directly, or it does not count",
                ),
                Some((written, plain)) => Msg::new(
                    format!("{written} 里的千位分隔符（逗号）把一个数字拆成了两列；写作 {plain}"),
                    format!(
                        "the thousands separator in {written} splits one number into two columns: write {plain}"
                    ),
                ),
                None => Msg::new(
                    "含逗号的值要用英文双引号括起来，如 \"美的,家电\"",
                    "quote values that contain commas, like \"Midea, appliances\"",
                ),
            };
            problems.push(Diagnostic::error("column-count", None, msg).with_help(help));
            return false;
        }
        let mut ok = true;
        let first = problems.len();
        for (cell, slot) in row.iter().zip(&self.slots) {
            let Some(slot) = *slot else { continue };
            let field = &rules.fields[slot];
            let label = (&field.label.zh, field.label.get(Lang::En));
            let Ok(text) = std::str::from_utf8(cell) else {
                ok = false;
                problems.push(
                    Diagnostic::error(
                        "not-utf8",
                        None,
                        Msg::new(
                            format!(
                                "`{}`（{}）：不是 UTF-8 编码（文件可能是 GBK），请另存为 UTF-8",
                                field.key, label.0
                            ),
                            format!(
                                "`{}` ({}): not UTF-8 (is the file GBK?); save as UTF-8",
                                field.key, label.1
                            ),
                        ),
                    )
                    .with_help(Msg::new(
                        "用表格软件导出为“CSV UTF-8”后再试",
                        "export the sheet as “CSV UTF-8” and try again",
                    )),
                );
                continue;
            };
            match convert(field, Raw::Cell(text), rec) {
                Ok(v) => rec.set(slot, v),
                Err(e) => {
                    ok = false;
                    let mut d = Diagnostic::error(
                        "bad-value",
                        None,
                        Msg::new(
                            format!("`{}`（{}）：{}", field.key, label.0, e.message.zh),
                            format!("`{}` ({}): {}", field.key, label.1, e.message.en),
                        ),
                    );
                    d.help = e.help;
                    problems.push(d);
                }
            }
        }
        if ok && super::is_blank(rec, rules) {
            ok = false;
            problems.insert(first, super::nothing_filled_in());
        }
        crate::diag::cap(problems, first);
        ok
    }
}

/// A reader that drops a leading UTF-8 byte order mark.
#[derive(Debug)]
pub struct SkipBom<R> {
    inner: R,
    head: [u8; 3],
    /// `head[pos..len]` is still to be returned.
    pos: u8,
    len: u8,
    started: bool,
}

impl<R: Read> SkipBom<R> {
    pub fn new(inner: R) -> SkipBom<R> {
        SkipBom {
            inner,
            head: [0; 3],
            pos: 0,
            len: 0,
            started: false,
        }
    }
}

impl<R: Read> Read for SkipBom<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.started {
            let mut n = 0;
            while n < 3 {
                match self.inner.read(&mut self.head[n..]) {
                    Ok(0) => break,
                    Ok(k) => n += k,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            self.started = true;
            self.len = n as u8;
            if self.head[..n] == *b"\xEF\xBB\xBF" {
                self.pos = 3;
            }
        }
        if self.pos < self.len {
            let rest = &self.head[self.pos as usize..self.len as usize];
            let n = rest.len().min(buf.len());
            buf[..n].copy_from_slice(&rest[..n]);
            self.pos += n as u8;
            return Ok(n);
        }
        self.inner.read(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    /// Whether a row loaded, its problems, and the record.
    type Row = (bool, Vec<String>, Record);

    fn read(text: &[u8]) -> (Vec<String>, Vec<Row>) {
        let program = crate::builtin().expect("built-in rules");
        let rules = &program.rules;
        let mut r = reader(text);
        let header = r.byte_headers().expect("header").clone();
        let (columns, warnings) = CsvColumns::new(rules, &header);
        let mut rows = Vec::new();
        let mut row = ByteRecord::new();
        while r.read_byte_record(&mut row).expect("row") {
            let mut rec = Record::new(rules.fields.len());
            let mut problems = Vec::new();
            let ok = columns.load(rules, &row, &mut rec, &mut problems);
            let shown = problems.into_iter().map(|d| d.message.en).collect();
            rows.push((ok, shown, rec));
        }
        (warnings.into_iter().map(|d| d.message.en).collect(), rows)
    }

    #[test]
    fn cells_are_typed_by_their_fields_and_a_bom_is_skipped() {
        let program = crate::builtin().unwrap();
        let (warnings, rows) = read(
            "\u{FEFF}id,purchase.quantity,claim.evidence,received\n\
             a,2,invoice;photo,2024-03-05\n"
                .as_bytes(),
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        let (ok, problems, rec) = &rows[0];
        assert!(ok, "{problems:?}");
        let quantity = program.rules.field("purchase.quantity").unwrap();
        let evidence = program.rules.field("claim.evidence").unwrap();
        assert_eq!(rec.get(quantity), Value::Int(2));
        assert_eq!(rec.get(evidence), Value::Set(0b10001));
    }

    #[test]
    fn a_row_with_a_missing_or_extra_cell_is_an_error_for_that_row_only() {
        let (_, rows) = read(b"id,received\na,2024-03-05\nb\nc,2024-03-05,x\nd,2024-03-06\n");
        let oks: Vec<bool> = rows.iter().map(|r| r.0).collect();
        assert_eq!(oks, [true, false, false, true]);
        assert_eq!(
            rows[1].1,
            ["this row has 1 values but the header has 2 columns: 1 missing"]
        );
        assert_eq!(
            rows[2].1,
            ["this row has 3 values but the header has only 2 columns: 1 extra"]
        );
    }

    #[test]
    fn unknown_header_keys_warn_and_duplicates_spoil_every_row() {
        let (warnings, rows) = read(b"id,colour,received\na,red,2024-03-05\n");
        assert_eq!(
            warnings,
            ["header column 2: the rules do not declare `colour`; the column is ignored"]
        );
        assert!(rows[0].0);
        let (_, rows) = read(b"id,id\na,b\nc,d\n");
        assert!(rows.iter().all(|r| !r.0));
        assert_eq!(rows[1].1, ["the header has the key `id` twice (column 2)"]);
    }

    /// Each row's line and what the CSV reader got, through `Rows` with a
    /// small limit.
    fn rows(text: &[u8], limit: usize) -> Vec<(RowInfo, Vec<String>)> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(Rows::new(text, limit));
        let mut out = Vec::new();
        let mut row = ByteRecord::new();
        while r.read_byte_record(&mut row).expect("row") {
            let info = r.get_mut().next_row().expect("one info per row");
            let cells = row
                .iter()
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect();
            out.push((info, cells));
        }
        assert!(r.get_mut().next_row().is_none(), "no info left over");
        out
    }

    #[test]
    fn rows_are_numbered_by_their_physical_lines() {
        let lines =
            |text: &[u8]| -> Vec<u64> { rows(text, 100).iter().map(|r| r.0.line).collect() };
        assert_eq!(lines(b"h\r\na\r\n\r\n\r\nb\r\n"), [1, 2, 5]);
        assert_eq!(lines(b"h\ra\r\rb\r"), [1, 2, 4]);
        assert_eq!(lines(b"h\n\"x\r\ny\nz\"\n\nb,\"\"\"\"\nc"), [1, 2, 6, 7]);
        assert_eq!(lines(b"\n\nh\n  \n"), [3, 4]);
        // A quote inside an unquoted value is a character, not a quote.
        assert_eq!(lines(b"h\na \"b\nc\n"), [1, 2, 3]);
    }

    #[test]
    fn a_row_past_the_limit_is_cut_short_and_the_next_row_is_whole() {
        let got = rows(b"a,b\n0123456789,x\n\"0123\n456789\"\nc,d\n", 8);
        let flags: Vec<(u64, bool)> = got.iter().map(|r| (r.0.line, r.0.too_long)).collect();
        assert_eq!(flags, [(1, false), (2, true), (3, true), (5, false)]);
        assert!(got[1].1.concat().len() <= 8);
        assert_eq!(got[3].1, ["c", "d"]);
    }

    proptest::proptest! {
        /// The lexer under the CSV reader agrees with it on where every
        /// row starts and ends: exactly one info per row, whatever the
        /// bytes, so no row is given another's line or problem.
        #[test]
        fn the_lexer_sees_the_rows_the_csv_reader_sees(
            bytes in proptest::collection::vec(
                proptest::sample::select(vec![b'a', b',', b'"', b'\r', b'\n', b' ']),
                0..200,
            ),
            limit in 1usize..40,
        ) {
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(Rows::new(&bytes[..], limit));
            let mut row = ByteRecord::new();
            let mut last_line = 0;
            while r.read_byte_record(&mut row).expect("row") {
                let info = r.get_mut().next_row();
                proptest::prop_assert!(info.is_some(), "a row without info");
                let info = info.unwrap();
                proptest::prop_assert!(info.line > last_line, "lines go up");
                last_line = info.line;
                if !info.too_long {
                    // A whole row: as long as the CSV reader made it.
                    proptest::prop_assert!(row.as_slice().len() <= limit);
                }
                if bytes.len() < limit {
                    // Nothing cut: the CSV reader's own byte offset of the
                    // row (past blank lines) is on the line the lexer says.
                    let mut at = row.position().expect("position").byte() as usize;
                    while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
                        at += 1;
                    }
                    let before = &bytes[..at];
                    let ends = before.iter().enumerate().filter(|&(i, &b)| {
                        b == b'\r' || (b == b'\n' && (i == 0 || before[i - 1] != b'\r'))
                    });
                    proptest::prop_assert_eq!(info.line, ends.count() as u64 + 1);
                }
            }
            proptest::prop_assert!(r.get_mut().next_row().is_none(), "info without a row");
        }
    }

    #[test]
    fn an_unclosed_quote_is_told_with_its_line() {
        let got = rows(b"a,b\nx,y\nz,\"open\n\nw,v\n", 100);
        assert_eq!(got.len(), 3);
        assert_eq!(got[2].0.line, 3);
        assert_eq!(got[2].0.unclosed_quote, Some(3));
        assert_eq!(got[1].0.unclosed_quote, None);
    }

    #[test]
    fn skip_bom_passes_short_and_bomless_input_through() {
        for input in [
            &b""[..],
            b"a",
            b"ab",
            b"abc",
            b"abcd",
            b"\xEF\xBB\xBF",
            b"\xEF\xBBx",
        ] {
            let mut out = Vec::new();
            SkipBom::new(input).read_to_end(&mut out).unwrap();
            let want = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
            assert_eq!(out, want);
        }
    }
}
