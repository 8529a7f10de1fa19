//! Inputs → chunks of jobs. Directories are walked up front (sorted, so the
//! order never depends on the file system) and every size is summed for the
//! progress bar; JSON Lines and CSV are read a chunk at a time, so memory
//! stays flat whatever the input size. Reading problems (an unreadable
//! file, a line too long, a read error) become failed jobs in their place.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use csv::ByteRecord;

use super::Problem;
use crate::diag::Msg;
use crate::model::RuleSet;
use crate::record::csv::{CsvColumns, RowInfo, Rows, SkipBom};
use crate::record::toml::MAX_RECORD;

/// One input of a batch.
pub enum Input {
    /// A directory (every `*.toml` below it), or a `.toml`, `.jsonl`
    /// (`.ndjson`) or `.csv` file.
    Path(PathBuf),
    /// JSON Lines from a reader (standard input, or bytes in memory),
    /// named `name` in messages.
    JsonLines {
        name: String,
        reader: Box<dyn Read + Send>,
    },
    /// CSV from a reader.
    Csv {
        name: String,
        reader: Box<dyn Read + Send>,
    },
    /// A case register: every case's latest record, as `cases export`
    /// writes them (JSON Lines).
    Register(PathBuf),
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Input::Path(p) => write!(f, "Path({})", p.display()),
            Input::JsonLines { name, .. } => write!(f, "JsonLines({name})"),
            Input::Csv { name, .. } => write!(f, "Csv({name})"),
            Input::Register(p) => write!(f, "Register({})", p.display()),
        }
    }
}

/// The most a JSON Lines chunk holds in record text; a chunk also ends at
/// its job limit, whichever comes first.
const CHUNK_BYTES: usize = 8 << 20;

/// A file under a directory input.
struct Entry {
    path: PathBuf,
    size: u64,
    /// Why the walk could not read it (a directory it could not list).
    problem: Option<String>,
}

enum Opener {
    Path(PathBuf),
    Reader(Box<dyn Read + Send>),
}

enum Pending {
    Toml(Vec<Entry>),
    Lines { name: Arc<str>, open: Opener },
    Csv { name: Arc<str>, open: Opener },
}

/// The CSV reader of an input: rows bounded and numbered by [`Rows`].
type CsvReader = csv::Reader<Rows<SkipBom<Box<dyn Read + Send>>>>;

/// The inputs, checked and walked: every path exists and has a kind.
pub(crate) struct Plan {
    pending: Vec<Pending>,
    /// Total bytes to read, when every input is a file.
    pub total_bytes: Option<u64>,
    /// Warnings from the walk (links not followed), for the summary.
    notes: Vec<Note>,
}

/// Checks every input before anything is read. An input that does not
/// exist or cannot be listed is an error: the batch cannot start. With
/// `follow_links` false, a symbolic link met in a directory is not read
/// (it may point out of the directory), and each one is a warning.
pub(crate) fn plan(inputs: Vec<Input>, follow_links: bool) -> Result<Plan, Vec<Msg>> {
    let mut pending = Vec::new();
    let mut notes = Vec::new();
    let mut errors = Vec::new();
    let mut total = Some(0u64);
    let add = |total: &mut Option<u64>, n: u64| {
        if let Some(t) = total {
            *t += n;
        }
    };
    for input in inputs {
        match input {
            Input::Register(path) => match crate::register::export_reader(&path) {
                Ok(reader) => {
                    total = None;
                    pending.push(Pending::Lines {
                        name: path.display().to_string().into(),
                        open: Opener::Reader(reader),
                    });
                }
                Err(e) => errors.push(e.message()),
            },
            Input::JsonLines { name, reader } => {
                total = None;
                pending.push(Pending::Lines {
                    name: name.into(),
                    open: Opener::Reader(reader),
                });
            }
            Input::Csv { name, reader } => {
                total = None;
                pending.push(Pending::Csv {
                    name: name.into(),
                    open: Opener::Reader(reader),
                });
            }
            Input::Path(path) => {
                let shown = path.display().to_string();
                let meta = match std::fs::metadata(&path) {
                    Ok(m) => m,
                    Err(e) => {
                        errors.push(Msg::new(
                            format!("无法读取输入 {shown}：{e}"),
                            format!("cannot read the input {shown}: {e}"),
                        ));
                        continue;
                    }
                };
                if meta.is_dir() {
                    let mut entries = Vec::new();
                    let mut walk = Walk {
                        follow_links,
                        out: &mut entries,
                        notes: &mut notes,
                    };
                    if let Err(e) = walk.dir(&path, true) {
                        errors.push(Msg::new(
                            format!("无法列出目录 {shown}：{e}"),
                            format!("cannot list the directory {shown}: {e}"),
                        ));
                        continue;
                    }
                    entries.sort_by(|a, b| a.path.cmp(&b.path));
                    add(&mut total, entries.iter().map(|e| e.size).sum());
                    pending.push(Pending::Toml(entries));
                    continue;
                }
                add(&mut total, meta.len());
                match kind_of(&path) {
                    Some(Kind::Toml) => pending.push(Pending::Toml(vec![Entry {
                        path,
                        size: meta.len(),
                        problem: None,
                    }])),
                    Some(Kind::Lines) => pending.push(Pending::Lines {
                        name: shown.into(),
                        open: Opener::Path(path),
                    }),
                    Some(Kind::Csv) => pending.push(Pending::Csv {
                        name: shown.into(),
                        open: Opener::Path(path),
                    }),
                    None => errors.push(Msg::new(
                        format!(
                            "不认识输入 {shown} 的类型：应为目录、.toml、.jsonl 或 .csv 文件，或 -（标准输入的 JSON Lines）"
                        ),
                        format!(
                            "cannot tell what {shown} holds: expected a directory, a .toml, .jsonl or .csv file, or - (JSON Lines on standard input)"
                        ),
                    )),
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(Plan {
            pending,
            total_bytes: total,
            notes,
        })
    } else {
        Err(errors)
    }
}

enum Kind {
    Toml,
    Lines,
    Csv,
}

fn kind_of(path: &Path) -> Option<Kind> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "toml" => Some(Kind::Toml),
        "jsonl" | "ndjson" => Some(Kind::Lines),
        "csv" => Some(Kind::Csv),
        _ => None,
    }
}

/// A directory walk: where it puts what it finds.
struct Walk<'a> {
    follow_links: bool,
    out: &'a mut Vec<Entry>,
    notes: &'a mut Vec<Note>,
}

impl Walk<'_> {
    /// Every `*.toml` file below `dir`. A subdirectory that cannot be
    /// listed becomes an entry with its problem, so it is reported in its
    /// place; only the top directory failing stops the walk. Symbolic
    /// links to directories are not followed (no cycles), and say so; a
    /// link to a file is read like the file unless `follow_links` is off.
    fn dir(&mut self, dir: &Path, top: bool) -> io::Result<()> {
        let listing = match std::fs::read_dir(dir) {
            Ok(l) => l,
            Err(e) if !top => {
                self.out.push(Entry {
                    path: dir.to_path_buf(),
                    size: 0,
                    problem: Some(e.to_string()),
                });
                return Ok(());
            }
            Err(e) => return Err(e),
        };
        for entry in listing {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    self.out.push(Entry {
                        path: dir.to_path_buf(),
                        size: 0,
                        problem: Some(e.to_string()),
                    });
                    continue;
                }
            };
            let path = entry.path();
            let kind = match entry.file_type() {
                Ok(kind) => kind,
                Err(e) => {
                    // Not left out silently: an error in its place.
                    self.out.push(Entry {
                        path,
                        size: 0,
                        problem: Some(e.to_string()),
                    });
                    continue;
                }
            };
            if kind.is_dir() {
                self.dir(&path, false)?;
            } else if kind.is_symlink() && std::fs::metadata(&path).is_ok_and(|m| m.is_dir()) {
                self.skipped(
                    &path,
                    Msg::new(
                        "是指向目录的符号链接，未进入",
                        "is a symbolic link to a directory: not followed",
                    ),
                );
            } else if matches!(kind_of(&path), Some(Kind::Toml)) {
                if kind.is_symlink() && !self.follow_links {
                    self.skipped(
                        &path,
                        Msg::new(
                            "是符号链接，按 --no-follow 未读取",
                            "is a symbolic link: not read (--no-follow)",
                        ),
                    );
                    continue;
                }
                // A link is read like what it points to; a broken link is an
                // error in its place when read, never silently left out.
                let meta = std::fs::metadata(&path).ok();
                let size = meta.as_ref().map_or(0, |m| m.len());
                // A named pipe or socket named like a record would block the
                // batch on opening it: an error in its place instead.
                #[cfg(unix)]
                let problem = meta.as_ref().and_then(|m| {
                    use std::os::unix::fs::FileTypeExt as _;
                    let t = m.file_type();
                    (t.is_fifo() || t.is_socket())
                        .then(|| "a named pipe or socket, not a file: not read".to_string())
                });
                #[cfg(not(unix))]
                let problem = None;
                self.out.push(Entry {
                    path,
                    size,
                    problem,
                });
            }
        }
        Ok(())
    }

    fn skipped(&mut self, path: &Path, why: Msg) {
        self.notes.push(Note {
            file: path.display().to_string(),
            message: Msg::new(
                format!("已跳过：{}", why.zh),
                format!("skipped: {}", why.en),
            ),
        });
    }
}

/// One record to check.
pub(crate) enum Job {
    /// A JSON Lines record: `bytes[start..end]` of the chunk.
    Line {
        name: u32,
        line: u64,
        start: usize,
        end: usize,
    },
    /// A CSV row: `rows[row]` of the chunk, read with `columns[columns]`.
    Row {
        name: u32,
        columns: u32,
        line: u64,
        row: usize,
    },
    /// A TOML record file.
    Toml { path: PathBuf },
    /// A record that could not even be read.
    Failed {
        file: String,
        line: Option<u64>,
        problem: Problem,
    },
}

/// A chunk of jobs and the text they point into. Reused: once warm, filling
/// a chunk of JSON Lines or CSV allocates nothing.
#[derive(Default)]
pub(crate) struct Chunk {
    pub jobs: Vec<Job>,
    pub bytes: Vec<u8>,
    pub rows: Vec<ByteRecord>,
    pub used_rows: usize,
    pub names: Vec<Arc<str>>,
    pub columns: Vec<Arc<CsvColumns>>,
    /// The same columns read for a second rule set (`diff`), beside
    /// `columns`; empty without one.
    pub columns2: Vec<Arc<CsvColumns>>,
    /// Bytes of input read once this chunk is done (for progress).
    pub consumed: u64,
}

impl Chunk {
    fn clear(&mut self) {
        self.jobs.clear();
        self.bytes.clear();
        self.used_rows = 0;
        self.names.clear();
        self.columns.clear();
        self.columns2.clear();
    }

    fn name(&mut self, name: &Arc<str>) -> u32 {
        if !self.names.last().is_some_and(|n| Arc::ptr_eq(n, name)) {
            self.names.push(name.clone());
        }
        (self.names.len() - 1) as u32
    }

    fn columns(&mut self, columns: &Arc<CsvColumns>, second: Option<&Arc<CsvColumns>>) -> u32 {
        if !self.columns.last().is_some_and(|c| Arc::ptr_eq(c, columns)) {
            self.columns.push(columns.clone());
            if let Some(second) = second {
                self.columns2.push(second.clone());
            }
        }
        (self.columns.len() - 1) as u32
    }

    fn full(&self, limit: usize) -> bool {
        self.jobs.len() >= limit || self.bytes.len() >= CHUNK_BYTES
    }
}

/// A warning about an input as a whole (a CSV header key the rules do not
/// declare), for the summary.
#[derive(Debug, Clone)]
pub(crate) struct Note {
    pub file: String,
    pub message: Msg,
}

enum Open {
    Toml(std::vec::IntoIter<Entry>),
    Lines {
        name: Arc<str>,
        lines: LineReader<Box<dyn Read + Send>>,
        line: u64,
    },
    Csv {
        name: Arc<str>,
        reader: Box<CsvReader>,
        columns: Arc<CsvColumns>,
        /// For the second rule set, when there is one.
        columns2: Option<Arc<CsvColumns>>,
        /// Bytes consumed before this input.
        base: u64,
    },
}

/// Fills chunks from the planned inputs, in order.
pub(crate) struct Reader<'r> {
    rules: &'r RuleSet,
    /// A second rule set whose CSV columns are read too (`diff`).
    second: Option<&'r RuleSet>,
    pending: VecDeque<Pending>,
    open: Option<Open>,
    /// Bytes of input consumed so far.
    consumed: u64,
    pub notes: Vec<Note>,
}

impl<'r> Reader<'r> {
    pub fn new(rules: &'r RuleSet, plan: Plan) -> Reader<'r> {
        Reader {
            rules,
            second: None,
            pending: plan.pending.into(),
            open: None,
            consumed: 0,
            notes: plan.notes,
        }
    }

    /// Also reads each CSV header for `second` (`Chunk::columns2`).
    pub fn with_second(mut self, second: &'r RuleSet) -> Reader<'r> {
        self.second = Some(second);
        self
    }

    /// Clears `chunk` and fills it with up to `limit` jobs; an empty chunk
    /// means every input is done.
    pub fn fill(&mut self, chunk: &mut Chunk, limit: usize) {
        chunk.clear();
        while !chunk.full(limit) {
            let Some(open) = &mut self.open else {
                match self.pending.pop_front() {
                    Some(p) => self.open = Some(self.start(p, chunk)),
                    None => break,
                }
                continue;
            };
            let done = match open {
                Open::Toml(entries) => fill_toml(entries, chunk, limit, &mut self.consumed),
                Open::Lines { name, lines, line } => {
                    let done = fill_lines(name, lines, line, chunk, limit);
                    self.consumed += std::mem::take(&mut lines.read);
                    done
                }
                Open::Csv {
                    name,
                    reader,
                    columns,
                    columns2,
                    base,
                } => {
                    let done = fill_csv(name, reader, (columns, columns2.as_ref()), chunk, limit);
                    self.consumed = *base + reader.get_ref().consumed;
                    done
                }
            };
            if done {
                self.open = None;
            }
        }
        chunk.consumed = self.consumed;
    }

    /// Opens an input. A file that cannot be opened (or a CSV whose header
    /// cannot be read) becomes one failed job.
    fn start(&mut self, pending: Pending, chunk: &mut Chunk) -> Open {
        // A UTF-16 or binary file would be an error on every line: it is
        // one error, about the file, told from its first bytes.
        let open_reader = |open: Opener| -> Result<Box<dyn Read + Send>, Problem> {
            let r: Box<dyn Read + Send> = match open {
                Opener::Reader(r) => r,
                Opener::Path(p) => Box::new(File::open(p).map_err(|e| Problem::read_error(&e))?),
            };
            sniff(r)
        };
        let failed = |chunk: &mut Chunk, name: &str, problem: Problem| {
            chunk.jobs.push(Job::Failed {
                file: name.to_string(),
                line: None,
                problem,
            });
            Open::Toml(Vec::new().into_iter())
        };
        match pending {
            Pending::Toml(entries) => Open::Toml(entries.into_iter()),
            Pending::Lines { name, open } => match open_reader(open) {
                Ok(r) => Open::Lines {
                    name,
                    lines: LineReader::new(r),
                    line: 0,
                },
                Err(p) => failed(chunk, &name, p),
            },
            Pending::Csv { name, open } => {
                let r = match open_reader(open) {
                    Ok(r) => r,
                    Err(p) => return failed(chunk, &name, p),
                };
                let mut reader = Box::new(crate::record::csv::reader(r));
                let header = match reader.byte_headers() {
                    Ok(h) => h.clone(),
                    Err(e) => return failed(chunk, &name, Problem::read_error(&e)),
                };
                if let Some(info) = reader.get_mut().next_row()
                    && let Some(mut problem) = row_problem(&info)
                {
                    problem.line = Some(info.line);
                    return failed(chunk, &name, problem);
                }
                let (columns, warnings) = CsvColumns::new(self.rules, &header);
                for w in warnings {
                    // The summary shows one line: the hint goes in it.
                    let message = match w.help {
                        Some(h) => Msg::new(
                            format!("{}；{}", w.message.zh, h.zh),
                            format!("{}; {}", w.message.en, h.en),
                        ),
                        None => w.message,
                    };
                    self.notes.push(Note {
                        file: name.to_string(),
                        message,
                    });
                }
                let columns2 = self.second.map(|rules| {
                    let (columns, warnings) = CsvColumns::new(rules, &header);
                    for w in warnings {
                        self.notes.push(Note {
                            file: name.to_string(),
                            message: w.message,
                        });
                    }
                    Arc::new(columns)
                });
                Open::Csv {
                    name,
                    reader,
                    columns: Arc::new(columns),
                    columns2,
                    base: self.consumed,
                }
            }
        }
    }
}

/// Queues TOML files; returns whether the input is done.
fn fill_toml(
    entries: &mut std::vec::IntoIter<Entry>,
    chunk: &mut Chunk,
    limit: usize,
    consumed: &mut u64,
) -> bool {
    while !chunk.full(limit) {
        let Some(entry) = entries.next() else {
            return true;
        };
        *consumed += entry.size;
        chunk.jobs.push(match entry.problem {
            None => Job::Toml { path: entry.path },
            Some(problem) => Job::Failed {
                file: entry.path.display().to_string(),
                line: None,
                problem: Problem::read_error(&problem),
            },
        });
    }
    false
}

/// Reads JSON Lines into the chunk; returns whether the input is done.
/// Blank lines are not records (but are counted, so line numbers match an
/// editor's).
fn fill_lines(
    name: &Arc<str>,
    lines: &mut LineReader<Box<dyn Read + Send>>,
    line: &mut u64,
    chunk: &mut Chunk,
    limit: usize,
) -> bool {
    while !chunk.full(limit) {
        let start = chunk.bytes.len();
        match lines.read_line(&mut chunk.bytes, MAX_RECORD) {
            Ok(None) => return true,
            Ok(Some(too_long)) => {
                *line += 1;
                if *line == 1 && chunk.bytes[start..].starts_with(b"\xEF\xBB\xBF") {
                    chunk.bytes.drain(start..start + 3);
                }
                if too_long {
                    chunk.bytes.truncate(start);
                    chunk.jobs.push(Job::Failed {
                        file: name.to_string(),
                        line: Some(*line),
                        problem: Problem::line_too_long(),
                    });
                } else if chunk.bytes[start..].iter().all(u8::is_ascii_whitespace) {
                    chunk.bytes.truncate(start);
                } else {
                    let name = chunk.name(name);
                    chunk.jobs.push(Job::Line {
                        name,
                        line: *line,
                        start,
                        end: chunk.bytes.len(),
                    });
                }
            }
            Err(e) => {
                chunk.bytes.truncate(start);
                chunk.jobs.push(Job::Failed {
                    file: name.to_string(),
                    line: Some(*line + 1),
                    problem: Problem::read_error(&e),
                });
                return true;
            }
        }
    }
    false
}

/// Reads CSV rows into the chunk; returns whether the input is done.
fn fill_csv(
    name: &Arc<str>,
    reader: &mut CsvReader,
    (columns, columns2): (&Arc<CsvColumns>, Option<&Arc<CsvColumns>>),
    chunk: &mut Chunk,
    limit: usize,
) -> bool {
    while !chunk.full(limit) {
        if chunk.used_rows == chunk.rows.len() {
            chunk.rows.push(ByteRecord::new());
        }
        let row = chunk.used_rows;
        match reader.read_byte_record(&mut chunk.rows[row]) {
            Ok(false) => return true,
            Ok(true) => {
                // The row's own physical line, from the lexer under the
                // CSV reader; its count, should they ever disagree.
                let info = reader.get_mut().next_row();
                let line = info.map_or_else(
                    || chunk.rows[row].position().map_or(0, |p| p.line()),
                    |i| i.line,
                );
                if let Some(problem) = info.as_ref().and_then(row_problem) {
                    chunk.jobs.push(Job::Failed {
                        file: name.to_string(),
                        line: Some(line),
                        problem,
                    });
                    continue;
                }
                chunk.used_rows += 1;
                let name = chunk.name(name);
                let columns = chunk.columns(columns, columns2);
                chunk.jobs.push(Job::Row {
                    name,
                    columns,
                    line,
                    row,
                });
            }
            Err(e) => {
                let line = e.position().map(|p| p.line());
                chunk.jobs.push(Job::Failed {
                    file: name.to_string(),
                    line,
                    problem: Problem::read_error(&e),
                });
                return true;
            }
        }
    }
    false
}

/// Why a CSV row cannot be read, from what the lexer saw of it.
fn row_problem(info: &RowInfo) -> Option<Problem> {
    if info.too_long {
        return Some(Problem::line_too_long());
    }
    let opened = info.unclosed_quote?;
    let mut p = Problem::error(
        "unclosed-quote",
        Msg::new(
            format!("第 {opened} 行开始的引号（\"）没有闭合：此后直到文件末尾都被读成了一个值"),
            format!(
                "the quote (\") opened on line {opened} is never closed: everything after it, to the end of the file, was read as one value"
            ),
        ),
    );
    p.help = Some(Msg::new(
        "补上闭合的引号；值里的引号要写成两个（\"\"）",
        "add the closing quote; a quote inside a value is written twice (\"\")",
    ));
    Some(p)
}

/// Reads the first bytes of an input to refuse a UTF-16 or binary file as
/// a whole; the bytes read are given back in front of the rest.
fn sniff(mut r: Box<dyn Read + Send>) -> Result<Box<dyn Read + Send>, Problem> {
    let mut head = Vec::with_capacity(512);
    (&mut r)
        .take(512)
        .read_to_end(&mut head)
        .map_err(|e| Problem::read_error(&e))?;
    if let Some(d) = crate::record::not_text(&head) {
        let mut p = Problem::error(d.code, d.message);
        p.help = d.help;
        return Err(p);
    }
    Ok(Box::new(io::Cursor::new(head).chain(r)))
}

/// The index of the first `\n` in `bytes` (`memchr`: a word or a vector
/// register at a time; byte by byte was a tenth of a JSON Lines batch).
fn find_newline(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(b'\n', bytes)
}

/// Lines of a reader, each at most a limit long; a longer line is skipped
/// without being held in memory.
pub(crate) struct LineReader<R> {
    inner: BufReader<R>,
    /// Bytes read since last taken.
    pub read: u64,
}

impl<R: Read> LineReader<R> {
    pub fn new(inner: R) -> LineReader<R> {
        LineReader {
            inner: BufReader::with_capacity(64 << 10, inner),
            read: 0,
        }
    }

    /// Appends the next line, without its `\n` or `\r\n`, to `dst`.
    /// `None` at the end of input; `Some(true)` when the line was longer
    /// than `limit` (what was appended of it is then meaningless).
    pub fn read_line(&mut self, dst: &mut Vec<u8>, limit: usize) -> io::Result<Option<bool>> {
        let start = dst.len();
        let mut any = false;
        let mut too_long = false;
        loop {
            let buf = match self.inner.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                break;
            }
            any = true;
            let (part, used, end) = match find_newline(buf) {
                Some(i) => (&buf[..i], i + 1, true),
                None => (buf, buf.len(), false),
            };
            if !too_long {
                if dst.len() - start + part.len() > limit {
                    too_long = true;
                    dst.truncate(start);
                } else {
                    dst.extend_from_slice(part);
                }
            }
            self.inner.consume(used);
            self.read += used as u64;
            if end {
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        if dst.len() > start && dst.last() == Some(&b'\r') {
            dst.pop();
        }
        Ok(Some(too_long))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newlines_are_found_wherever_they_are() {
        for len in 0..40 {
            for at in 0..len {
                let mut bytes = vec![b'a'; len];
                bytes[at] = b'\n';
                if at + 3 < len {
                    bytes[at + 3] = b'\n';
                }
                // Bytes just above and below '\n' must not be taken for it.
                if at > 0 {
                    bytes[at - 1] = b'\x0b';
                }
                assert_eq!(find_newline(&bytes), Some(at), "{len} {at}");
            }
            let none = vec![0x8a; len];
            assert_eq!(find_newline(&none), None);
            let nine = vec![b'\t'; len];
            assert_eq!(find_newline(&nine), None);
        }
        assert_eq!(find_newline("投诉\n".as_bytes()), Some(6));
    }

    #[test]
    fn lines_drop_their_ends_and_overlong_lines_are_skipped() {
        let text = b"a\r\nbb\n\nccccc\nd";
        let mut r = LineReader::new(&text[..]);
        let mut got = Vec::new();
        let mut buf = Vec::new();
        while let Some(too_long) = r.read_line(&mut buf, 4).unwrap() {
            got.push((String::from_utf8(buf.clone()).unwrap(), too_long));
            buf.clear();
        }
        let want = [
            ("a", false),
            ("bb", false),
            ("", false),
            ("", true),
            ("d", false),
        ];
        let got: Vec<(&str, bool)> = got.iter().map(|(s, t)| (s.as_str(), *t)).collect();
        assert_eq!(got, want);
        assert_eq!(r.read, text.len() as u64);
    }
}
