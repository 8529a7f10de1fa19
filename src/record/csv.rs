//! CSV complaint records (SPEC §1): a header row of dotted keys
//! (`purchase.date`), then one record per row. Every cell is a
//! [`Raw::Cell`], typed by its field like any other value (lists as
//! `invoice;photo`; an empty cell is absent). A row with more or fewer
//! cells than the header is an error for that row; a header key the rules
//! do not declare is a warning, and its column is ignored.

use std::io::{self, Read};

use csv::ByteRecord;

use super::{Raw, Record, convert};
use crate::diag::{Diagnostic, Lang, Msg, did_you_mean};
use crate::model::{FieldId, RuleSet};

/// A CSV reader set up for complaint records: a header row, rows of any
/// length (checked per row by [`CsvColumns::load`]), a UTF-8 BOM skipped.
pub fn reader<R: Read>(input: R) -> csv::Reader<SkipBom<R>> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(SkipBom::new(input))
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
                    if let Some(close) =
                        did_you_mean(key, rules.fields.iter().map(|f| f.key.as_str()))
                    {
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
            problems.push(
                Diagnostic::error("column-count", None, msg).with_help(Msg::new(
                    "含逗号的值要用英文双引号括起来，如 \"美的,家电\"",
                    "quote values that contain commas, like \"Midea, appliances\"",
                )),
            );
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
        if problems.len() == first && rec.is_empty() {
            problems.push(super::nothing_filled_in());
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
        let (warnings, rows) = read(b"id,colour\na,red\n");
        assert_eq!(
            warnings,
            ["header column 2: the rules do not declare `colour`; the column is ignored"]
        );
        assert!(rows[0].0);
        let (_, rows) = read(b"id,id\na,b\nc,d\n");
        assert!(rows.iter().all(|r| !r.0));
        assert_eq!(rows[1].1, ["the header has the key `id` twice (column 2)"]);
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
