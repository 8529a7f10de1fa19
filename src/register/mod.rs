//! The case register: a SQLite file that remembers each complaint, every
//! decision taken on it (history is appended, never overwritten) with the
//! digest and version of the rules that took it, and the deadlines of its
//! latest decision, so that a clerk can ask what is due.
//!
//! A file is opened only after it has been read as ours, from its first
//! hundred bytes: the SQLite header, its page count against the file's size
//! (a truncated file), the `application_id` and the schema version. A foreign
//! or damaged file is refused before anything could write to it. The
//! connection runs in WAL mode with a busy timeout, and every change is one
//! `BEGIN IMMEDIATE` transaction, so two clerks adding cases at once both
//! land.

pub mod json;

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use crate::compile::Program;
use crate::diag::Msg;
use crate::eval::{Status, Trace};
use crate::model::{ClauseKind, FieldId, FieldType, Outcome, RuleSet};
use crate::record::Record;
use crate::value::Value;

/// `PRAGMA application_id` of a register: "SHLI".
pub const APPLICATION_ID: i32 = 0x5348_4C49;

/// The migrations, in order: `PRAGMA user_version` is how many have run.
const MIGRATIONS: &[&str] = &[
    // 1: cases, their decisions, the latest decision's deadlines.
    "CREATE TABLE cases (
        number    INTEGER PRIMARY KEY,
        record_id TEXT,
        added     TEXT NOT NULL,
        decision  INTEGER NOT NULL,
        outcome   TEXT NOT NULL,
        deciding  TEXT
    );
    CREATE INDEX cases_outcome ON cases(outcome);
    CREATE TABLE decisions (
        id            INTEGER PRIMARY KEY,
        number        INTEGER NOT NULL,
        at            TEXT NOT NULL,
        why           TEXT NOT NULL,
        record        TEXT NOT NULL,
        outcome       TEXT NOT NULL,
        deciding      TEXT,
        fired         TEXT NOT NULL,
        missing       TEXT NOT NULL,
        rules_title   TEXT NOT NULL,
        rules_version TEXT,
        rules_digest  TEXT NOT NULL
    );
    CREATE INDEX decisions_number ON decisions(number);
    CREATE TABLE deadlines (
        number   INTEGER NOT NULL,
        name     TEXT NOT NULL,
        clause   TEXT NOT NULL,
        title    TEXT NOT NULL,
        due      TEXT,
        workdays INTEGER NOT NULL,
        done     TEXT,
        PRIMARY KEY (number, name)
    ) WITHOUT ROWID;
    CREATE INDEX deadlines_open ON deadlines(name, due, done) WHERE done IS NULL;",
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

/// Why the register cannot be used.
#[derive(Debug, Clone, PartialEq)]
pub enum RegisterError {
    /// No register at the path (for a command that only reads).
    Missing(PathBuf),
    /// Not a SQLite file, or a SQLite database of another program.
    Foreign { path: PathBuf, what: String },
    /// A SQLite file that is cut short or corrupt.
    Damaged { path: PathBuf, detail: String },
    /// Written by a newer shouli.
    Newer { path: PathBuf, version: i32 },
    /// No case with this number.
    NoCase(i64),
    /// Any other database or file error.
    Database { path: PathBuf, detail: String },
}

impl RegisterError {
    pub fn message(&self) -> Msg {
        let shown = |p: &Path| crate::sanitize::escape(&p.to_string_lossy()).into_owned();
        match self {
            RegisterError::Missing(p) => Msg::new(
                format!(
                    "没有案件登记簿 {}（先用 shouli cases add 登记案件，或用 --db 指定文件）",
                    shown(p)
                ),
                format!(
                    "there is no case register at {} (add cases with `shouli cases add`, or name the file with --db)",
                    shown(p)
                ),
            ),
            RegisterError::Foreign { path, what } => Msg::new(
                format!(
                    "{} 不是 shouli 的案件登记簿（{what}），未作任何改动",
                    shown(path)
                ),
                format!(
                    "{} is not a shouli case register ({what}); it was left untouched",
                    shown(path)
                ),
            ),
            RegisterError::Damaged { path, detail } => Msg::new(
                format!(
                    "案件登记簿 {} 已损坏（{detail}），未作任何改动；请从备份恢复",
                    shown(path)
                ),
                format!(
                    "the case register {} is damaged ({detail}); it was left untouched: restore it from a backup",
                    shown(path)
                ),
            ),
            RegisterError::Newer { path, version } => Msg::new(
                format!(
                    "案件登记簿 {} 由较新版本的 shouli 写成（结构版本 {version}，本版本认识到 {SCHEMA_VERSION}），未作任何改动",
                    shown(path)
                ),
                format!(
                    "the case register {} was written by a newer shouli (schema {version}; this one knows up to {SCHEMA_VERSION}); it was left untouched",
                    shown(path)
                ),
            ),
            RegisterError::NoCase(n) => Msg::new(
                format!("登记簿中没有第 {n} 号案件"),
                format!("the register has no case {n}"),
            ),
            RegisterError::Database { path, detail } => Msg::new(
                format!("案件登记簿 {} 出错：{detail}", shown(path)),
                format!("the case register {} failed: {detail}", shown(path)),
            ),
        }
    }
}

type Result<T> = std::result::Result<T, RegisterError>;

/// An open register.
pub struct Register {
    conn: Connection,
    path: PathBuf,
}

/// What the file at a path is, read without SQLite.
enum Found {
    Nothing,
    Empty,
    /// A SQLite file: its header's application id, user version and schema
    /// cookie (0 until a table is made).
    Sqlite {
        app: i32,
        version: i32,
        cookie: u32,
    },
}

/// Reads the SQLite header: the magic string, and the page count against
/// the file's length (a file cut short).
fn inspect(path: &Path) -> Result<Found> {
    let foreign = |what: &str| RegisterError::Foreign {
        path: path.to_path_buf(),
        what: what.to_string(),
    };
    let damaged = |detail: String| RegisterError::Damaged {
        path: path.to_path_buf(),
        detail,
    };
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Found::Nothing),
        Err(e) => {
            return Err(RegisterError::Database {
                path: path.to_path_buf(),
                detail: e.to_string(),
            });
        }
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len == 0 {
        return Ok(Found::Empty);
    }
    let mut head = [0u8; 100];
    let mut got = 0;
    while got < head.len() {
        match file.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) => return Err(damaged(e.to_string())),
        }
    }
    const MAGIC: &[u8] = b"SQLite format 3\0";
    if got < MAGIC.len() || &head[..MAGIC.len()] != MAGIC {
        return Err(foreign(
            "不是 SQLite 数据库文件 / not a SQLite database file",
        ));
    }
    if got < head.len() {
        return Err(damaged(format!(
            "文件只有 {len} 字节，不足一个文件头 / {len} bytes, less than a header"
        )));
    }
    let page_size = match u16::from_be_bytes([head[16], head[17]]) {
        1 => 65536u64,
        n => u64::from(n),
    };
    let pages = u64::from(u32::from_be_bytes([head[28], head[29], head[30], head[31]]));
    let valid_for = head[92..96] == head[24..28];
    if page_size < 512 || !page_size.is_power_of_two() {
        return Err(damaged(format!(
            "页大小 {page_size} 不合法 / page size {page_size} is invalid"
        )));
    }
    // With a WAL file beside it, another process may be checkpointing:
    // page 1 can be written before the pages that lengthen the file, so the
    // count is not compared then (SQLite itself reports a damaged file).
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let checkpointing = Path::new(&wal).exists();
    if valid_for && !checkpointing && pages * page_size > len {
        return Err(damaged(format!(
            "文件应有 {} 字节，实际只有 {len} 字节 / it should be {} bytes long but is {len}",
            pages * page_size,
            pages * page_size
        )));
    }
    let word = |at: usize| u32::from_be_bytes([head[at], head[at + 1], head[at + 2], head[at + 3]]);
    Ok(Found::Sqlite {
        app: word(68) as i32,
        version: word(60) as i32,
        cookie: word(40),
    })
}

fn db_error(path: &Path, e: &rusqlite::Error) -> RegisterError {
    let detail = e.to_string();
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => RegisterError::Damaged {
            path: path.to_path_buf(),
            detail,
        },
        Some(rusqlite::ErrorCode::NotADatabase) => RegisterError::Foreign {
            path: path.to_path_buf(),
            what: detail,
        },
        _ => RegisterError::Database {
            path: path.to_path_buf(),
            detail,
        },
    }
}

/// From the header alone (no connection, so nothing is written beside the
/// file, not even a WAL index): the file is a register of a version this
/// build reads, or a SQLite file with nothing in it.
fn verify(path: &Path, app: i32, version: i32, cookie: u32) -> Result<()> {
    let empty = app == 0 && version == 0 && cookie == 0;
    if app != APPLICATION_ID && !empty {
        return Err(RegisterError::Foreign {
            path: path.to_path_buf(),
            what: format!(
                "另一个程序的 SQLite 数据库（application_id {app:#x}） / another program's SQLite database (application_id {app:#x})"
            ),
        });
    }
    if version > SCHEMA_VERSION {
        return Err(RegisterError::Newer {
            path: path.to_path_buf(),
            version,
        });
    }
    Ok(())
}

/// The time now, as the register writes it (UTC, RFC 3339, seconds).
fn now() -> String {
    let ts = jiff::Timestamp::now();
    format!("{:.0}", ts)
}

impl Register {
    /// Opens the register at `path`; with `create`, a missing file becomes
    /// a new register, otherwise it is an error.
    pub fn open(path: &Path, create: bool) -> Result<Register> {
        match inspect(path)? {
            Found::Nothing if !create => return Err(RegisterError::Missing(path.to_path_buf())),
            Found::Nothing => {}
            // An empty file becomes a register only when adding to it: to a
            // command that reads, it is a register cut to nothing.
            Found::Empty if !create => {
                return Err(RegisterError::Damaged {
                    path: path.to_path_buf(),
                    detail: "文件为空 / the file is empty".to_string(),
                });
            }
            Found::Empty => {}
            Found::Sqlite {
                app,
                version,
                cookie,
            } => verify(path, app, version, cookie)?,
        }
        let err = |e: rusqlite::Error| db_error(path, &e);
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(err)?;
        conn.busy_timeout(Duration::from_secs(30)).map_err(err)?;
        // WAL: readers never block the writer; a second writer waits.
        // Switching a new file to WAL takes an exclusive lock, and SQLite
        // answers "busy" at once (no busy handler) when another process
        // holds the file then, as when two clerks create it together.
        let started = std::time::Instant::now();
        let busy = |e: &rusqlite::Error| {
            matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            ) && started.elapsed() < Duration::from_secs(30)
        };
        loop {
            match conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(())) {
                Ok(()) => break,
                Err(e) if busy(&e) => std::thread::sleep(Duration::from_millis(20)),
                Err(e) => return Err(err(e)),
            }
        }
        conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
            .map_err(err)?;
        let mut reg = Register {
            conn,
            path: path.to_path_buf(),
        };
        reg.migrate()?;
        Ok(reg)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self, e: rusqlite::Error) -> RegisterError {
        db_error(&self.path, &e)
    }

    /// Every row `sql` gives with `params`, each made by `row` (the
    /// statement prepared once per connection).
    fn rows<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        row: impl FnMut(&rusqlite::Row) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        stmt.query_map(params, row)
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))
    }

    fn migrate(&mut self) -> Result<()> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| db_error(&path, &e);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(err)?;
        let version: i32 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(err)?;
        if version > SCHEMA_VERSION {
            return Err(RegisterError::Newer { path, version });
        }
        for (i, m) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.execute_batch(m).map_err(err)?;
            tx.execute_batch(&format!(
                "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {};",
                i + 1
            ))
            .map_err(err)?;
        }
        tx.commit().map_err(err)
    }

    /// Starts adding cases: one transaction, committed by [`Adding::commit`].
    pub fn adding(&mut self) -> Result<Adding<'_>> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| db_error(&path, &e))?;
        Ok(Adding {
            tx,
            path,
            at: now(),
        })
    }

    /// The case's latest record (JSON, flat keys) and its number of decisions.
    pub fn latest_record(&self, number: i64) -> Result<String> {
        self.conn
            .query_row(
                "SELECT d.record FROM cases c JOIN decisions d ON d.id = c.decision WHERE c.number = ?1",
                [number],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?
            .ok_or(RegisterError::NoCase(number))
    }

    /// A case with its whole history, oldest decision first.
    pub fn show(&self, number: i64) -> Result<CaseHistory> {
        let case = self
            .conn
            .query_row(
                "SELECT number, record_id, added FROM cases WHERE number = ?1",
                [number],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                },
            )
            .optional()
            .map_err(|e| self.err(e))?
            .ok_or(RegisterError::NoCase(number))?;
        let decisions = self.rows(
            "SELECT at, why, record, outcome, deciding, fired, missing, rules_title, rules_version, rules_digest
             FROM decisions WHERE number = ?1 ORDER BY id",
            [number],
            |r| {
                Ok(Decision {
                    at: r.get(0)?,
                    why: r.get(1)?,
                    record: r.get(2)?,
                    outcome: r.get(3)?,
                    deciding: r.get(4)?,
                    fired: r.get(5)?,
                    missing: r.get(6)?,
                    rules_title: r.get(7)?,
                    rules_version: r.get(8)?,
                    rules_digest: r.get(9)?,
                })
            },
        )?;
        let deadlines = self.deadlines(number)?;
        Ok(CaseHistory {
            number: case.0,
            record_id: case.1,
            added: case.2,
            decisions,
            deadlines,
        })
    }

    fn deadlines(&self, number: i64) -> Result<Vec<DeadlineRow>> {
        self.rows(
            "SELECT number, name, clause, title, due, workdays, done FROM deadlines
             WHERE number = ?1 ORDER BY due IS NULL, due, name",
            [number],
            deadline_row,
        )
    }

    /// Appends a decision on a new record of case `number` (a recheck, or a
    /// recorded date): the history keeps the old one.
    pub fn append(&mut self, number: i64, why: &str, entry: &Entry) -> Result<()> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| db_error(&path, &e);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(err)?;
        let exists: Option<i64> = tx
            .query_row(
                "SELECT number FROM cases WHERE number = ?1",
                [number],
                |r| r.get(0),
            )
            .optional()
            .map_err(err)?;
        if exists.is_none() {
            return Err(RegisterError::NoCase(number));
        }
        let at = now();
        let id = insert_decision(&tx, number, &at, why, entry).map_err(err)?;
        tx.execute(
            "UPDATE cases SET decision = ?2, outcome = ?3, deciding = ?4, record_id = coalesce(?5, record_id) WHERE number = ?1",
            params![number, id, entry.outcome.code(), entry.deciding, entry.record_id],
        )
        .map_err(err)?;
        replace_deadlines(&tx, number, entry).map_err(err)?;
        tx.commit().map_err(err)
    }

    /// The cases matching `filter`, by number, at most `limit`.
    pub fn list(&self, filter: &Filter, limit: Option<usize>) -> Result<Vec<ListRow>> {
        // With a field to match, the decisions' index on it leads (the
        // latest decision of a case is the one its row names); otherwise
        // the cases, in number order.
        let from = if filter.wheres.is_empty() {
            "FROM cases c JOIN decisions d ON d.id = c.decision"
        } else {
            "FROM decisions d CROSS JOIN cases c ON c.number = d.number AND c.decision = d.id"
        };
        let mut sql = format!(
            "SELECT c.number, c.record_id, c.outcome, c.deciding, d.record,
                    (SELECT min(due) FROM deadlines x WHERE x.number = c.number AND x.done IS NULL)
             {from} WHERE 1"
        );
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        if let Some(o) = filter.outcome {
            sql.push_str(" AND c.outcome = ?");
            args.push(o.code().to_string().into());
        }
        for (key, value) in &filter.wheres {
            // The key is a declared field's (letters, digits, `_`, `.`), so
            // it can be written into the statement, where the index on the
            // same expression can serve it.
            match value {
                WhereValue::Member(v) => {
                    sql.push_str(&format!(
                        " AND EXISTS (SELECT 1 FROM json_each(d.record, '$.\"{key}\"') WHERE value = ?)"
                    ));
                    args.push(v.clone().into());
                }
                WhereValue::Equal(v) => {
                    sql.push_str(&format!(" AND {} = ?", json_path(key)));
                    args.push(v.clone());
                }
            }
        }
        if filter.due {
            sql.push_str(
                " AND EXISTS (SELECT 1 FROM deadlines x WHERE x.number = c.number AND x.done IS NULL AND x.due IS NOT NULL)",
            );
        }
        sql.push_str(" ORDER BY c.number");
        if let Some(n) = limit {
            sql.push_str(&format!(" LIMIT {n}"));
        }
        self.rows(&sql, rusqlite::params_from_iter(args), |r| {
            Ok(ListRow {
                number: r.get(0)?,
                record_id: r.get(1)?,
                outcome: r.get(2)?,
                deciding: r.get(3)?,
                record: r.get(4)?,
                next_due: r.get(5)?,
            })
        })
    }

    /// Builds the index that serves `--where key=…` (once; a second call
    /// finds it).
    pub fn index_key(&self, key: &str) -> Result<()> {
        let name: String = key
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        self.conn
            .execute_batch(&format!(
                "CREATE INDEX IF NOT EXISTS record_{name} ON decisions({})",
                json_path(key).replace("d.record", "record")
            ))
            .map_err(|e| self.err(e))
    }

    /// How many open deadlines (not yet done) are overdue on `on`, due on
    /// it, or of unknown date, by deadline name.
    pub fn due_counts(&self, on: &str, until: &str) -> Result<Vec<DueCount>> {
        // The covering index of open deadlines, by name then date: the
        // names by skipping from one to the next, then three range counts
        // for each.
        let err = |e| self.err(e);
        let mut counts = Vec::new();
        let mut name = String::new();
        loop {
            let next: Option<(String, String)> = self
                .conn
                .prepare_cached(
                    "SELECT name, title FROM deadlines WHERE done IS NULL AND name > ?1 ORDER BY name LIMIT 1",
                )
                .and_then(|mut s| s.query_row([&name], |r| Ok((r.get(0)?, r.get(1)?))).optional())
                .map_err(err)?;
            let Some((next, title)) = next else { break };
            let count = |sql: &str| -> Result<i64> {
                self.conn
                    .prepare_cached(sql)
                    .and_then(|mut s| s.query_row(params![next, on, until], |r| r.get(0)))
                    .map_err(err)
            };
            counts.push(DueCount {
                overdue: count(
                    "SELECT count(*) FROM deadlines WHERE done IS NULL AND name = ?1 AND due < ?2 AND ?3 IS NOT NULL",
                )?,
                today: count(
                    "SELECT count(*) FROM deadlines WHERE done IS NULL AND name = ?1 AND due = ?2 AND ?3 IS NOT NULL",
                )?,
                upcoming: count(
                    "SELECT count(*) FROM deadlines WHERE done IS NULL AND name = ?1 AND due > ?2 AND due <= ?3",
                )?,
                unknown: count(
                    "SELECT count(*) FROM deadlines WHERE done IS NULL AND name = ?1 AND due IS NULL AND ?2 IS NOT NULL AND ?3 IS NOT NULL",
                )?,
                name: next.clone(),
                title,
            });
            name = next;
        }
        Ok(counts)
    }

    /// The open deadlines named `name` in one section, the oldest first, at
    /// most `limit`.
    pub fn due_rows(
        &self,
        on: &str,
        until: &str,
        name: &str,
        section: DueSection,
        limit: Option<usize>,
    ) -> Result<Vec<DeadlineRow>> {
        let when = match section {
            DueSection::Overdue => "due < ?1 AND ?4 IS NOT NULL",
            DueSection::Today => "due = ?1 AND ?4 IS NOT NULL",
            DueSection::Upcoming => "due > ?1 AND due <= ?4",
            DueSection::Unknown => "due IS NULL AND ?1 IS NOT NULL AND ?4 IS NOT NULL",
        };
        let limit = limit.map_or(-1, |n| n as i64);
        self.rows(
            &format!(
                "SELECT number, name, clause, title, due, workdays, done FROM deadlines
                 WHERE done IS NULL AND name = ?2 AND {when} ORDER BY due LIMIT ?3"
            ),
            params![on, name, limit, until],
            deadline_row,
        )
    }

    /// Every case's latest record, by number, to `each` (JSON, one line).
    pub fn export(&self, mut each: impl FnMut(i64, &str) -> bool) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT c.number, d.record FROM cases c JOIN decisions d ON d.id = c.decision ORDER BY c.number",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = stmt.query([]).map_err(|e| self.err(e))?;
        while let Some(row) = rows.next().map_err(|e| self.err(e))? {
            let number: i64 = row.get(0).map_err(|e| self.err(e))?;
            let rec = row.get_ref(1).map_err(|e| self.err(e))?;
            let rec = rec.as_str().map_err(|e| self.err(e.into()))?;
            if !each(number, rec) {
                break;
            }
        }
        Ok(())
    }

    /// How many cases the register holds.
    pub fn count(&self) -> Result<i64> {
        self.conn
            .query_row("SELECT count(*) FROM cases", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }
}

/// The register's latest records as JSON Lines, read from a pipe that a
/// thread fills: `batch --db` reads a register as it reads a `.jsonl`
/// file. The register is opened (and checked) before this returns; a
/// failure while reading ends the stream with a line that names it, which
/// the batch reports as a line it could not read.
pub fn export_reader(path: &Path) -> Result<Box<dyn std::io::Read + Send>> {
    use std::io::Write as _;
    let reg = Register::open(path, false)?;
    let (reader, writer) = std::io::pipe().map_err(|e| RegisterError::Database {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    std::thread::spawn(move || {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, writer);
        let result = reg.export(|_, line| {
            w.write_all(line.as_bytes())
                .and_then(|()| w.write_all(b"\n"))
                .is_ok()
        });
        if let Err(e) = result {
            let _ = writeln!(w, "<{}>", e.message().en);
        }
        let _ = w.flush();
    });
    Ok(Box::new(reader))
}

fn json_path(key: &str) -> String {
    format!("json_extract(d.record, '$.\"{key}\"')")
}

fn deadline_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DeadlineRow> {
    Ok(DeadlineRow {
        number: r.get(0)?,
        name: r.get(1)?,
        clause: r.get(2)?,
        title: r.get(3)?,
        due: r.get(4)?,
        workdays: r.get::<_, i64>(5)? != 0,
        done: r.get(6)?,
    })
}

/// A transaction adding cases.
pub struct Adding<'c> {
    tx: rusqlite::Transaction<'c>,
    path: PathBuf,
    at: String,
}

impl Adding<'_> {
    /// Adds one case; its number.
    pub fn add(&mut self, entry: &Entry) -> Result<i64> {
        let path = &self.path;
        let err = |e: rusqlite::Error| db_error(path, &e);
        self.tx
            .prepare_cached(
                "INSERT INTO cases (record_id, added, decision, outcome, deciding) VALUES (?1, ?2, 0, ?3, ?4)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    entry.record_id,
                    self.at,
                    entry.outcome.code(),
                    entry.deciding
                ])
            })
            .map_err(err)?;
        let number = self.tx.last_insert_rowid();
        let id = insert_decision(&self.tx, number, &self.at, "add", entry).map_err(err)?;
        self.tx
            .prepare_cached("UPDATE cases SET decision = ?2 WHERE number = ?1")
            .and_then(|mut s| s.execute(params![number, id]))
            .map_err(err)?;
        replace_deadlines(&self.tx, number, entry).map_err(err)?;
        Ok(number)
    }

    pub fn commit(self) -> Result<()> {
        let path = self.path.clone();
        self.tx.commit().map_err(|e| db_error(&path, &e))
    }
}

fn insert_decision(
    tx: &rusqlite::Transaction<'_>,
    number: i64,
    at: &str,
    why: &str,
    e: &Entry,
) -> rusqlite::Result<i64> {
    tx.prepare_cached(
        "INSERT INTO decisions (number, at, why, record, outcome, deciding, fired, missing, rules_title, rules_version, rules_digest)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        number,
        at,
        why,
        e.record,
        e.outcome.code(),
        e.deciding,
        e.fired,
        e.missing,
        e.rules_title,
        e.rules_version,
        e.rules_digest
    ])?;
    Ok(tx.last_insert_rowid())
}

fn replace_deadlines(
    tx: &rusqlite::Transaction<'_>,
    number: i64,
    e: &Entry,
) -> rusqlite::Result<()> {
    tx.prepare_cached("DELETE FROM deadlines WHERE number = ?1")?
        .execute([number])?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO deadlines (number, name, clause, title, due, workdays, done) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for d in &e.deadlines {
        insert.execute(params![
            number,
            d.name,
            d.clause,
            d.title,
            d.due,
            d.workdays as i64,
            d.done
        ])?;
    }
    Ok(())
}

/// One decision to store: the record and what the rules made of it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub record_id: Option<String>,
    /// JSON, flat keys ([`json::record_json`]).
    pub record: String,
    pub outcome: Outcome,
    pub deciding: Option<String>,
    /// JSON arrays.
    pub fired: String,
    pub missing: String,
    pub rules_title: String,
    pub rules_version: Option<String>,
    pub rules_digest: String,
    pub deadlines: Vec<DeadlineEntry>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeadlineEntry {
    pub name: String,
    pub clause: String,
    pub title: String,
    pub due: Option<String>,
    pub workdays: bool,
    pub done: Option<String>,
}

/// The deadline clauses' `recorded` fields: where a record says a
/// deadline's act was done (`recorded recorded.notified` in the clause).
pub fn done_fields(program: &Program) -> Vec<Option<FieldId>> {
    program.rules.clauses.iter().map(|c| c.recorded).collect()
}

/// The entry for a record and its evaluation.
pub fn entry(
    program: &Program,
    done: &[Option<FieldId>],
    rec: &Record,
    trace: &Trace,
    record_id: Option<String>,
) -> Entry {
    let rules = &program.rules;
    let fired: Vec<&str> = trace
        .fired(program)
        .map(|i| rules.clauses[i].id.as_str())
        .collect();
    let mut missing: Vec<&str> = trace
        .missing
        .iter()
        .map(|s| rules.fields[s].key.as_str())
        .collect();
    missing.sort_unstable();
    let mut deadlines = Vec::new();
    for (i, c) in rules.clauses.iter().enumerate() {
        if c.kind != ClauseKind::Deadline {
            continue;
        }
        let r = trace.clause(i);
        if !matches!(r.status, Status::Due | Status::Unknown) {
            continue;
        }
        let done = done[i].and_then(|f| match rec.get(f) {
            Value::Date(d) => Some(d.to_string()),
            _ => None,
        });
        deadlines.push(DeadlineEntry {
            name: c.due.as_ref().map_or_else(String::new, |d| d.name.clone()),
            clause: c.id.clone(),
            title: c.title.zh.clone(),
            due: r.due.map(|d| d.to_string()),
            workdays: c.due.as_ref().is_some_and(|d| uses_workdays(&d.expr)),
            done,
        });
    }
    Entry {
        record_id,
        record: json::record_json(program, rec),
        outcome: trace.outcome,
        deciding: program.deciding_id(trace.deciding).map(str::to_string),
        fired: serde_json::to_string(&fired).unwrap_or_default(),
        missing: serde_json::to_string(&missing).unwrap_or_default(),
        rules_title: rules.title.clone(),
        rules_version: rules.version.clone(),
        rules_digest: rules.digest.clone(),
        deadlines,
    }
}

fn uses_workdays(e: &crate::model::Expr) -> bool {
    match &e.kind {
        crate::model::ExprKind::Shift { unit, .. } if *unit == crate::base::Unit::Workdays => true,
        _ => e.children().into_iter().any(uses_workdays),
    }
}

/// A stored decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub at: String,
    pub why: String,
    pub record: String,
    pub outcome: String,
    pub deciding: Option<String>,
    pub fired: String,
    pub missing: String,
    pub rules_title: String,
    pub rules_version: Option<String>,
    pub rules_digest: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CaseHistory {
    pub number: i64,
    pub record_id: Option<String>,
    pub added: String,
    pub decisions: Vec<Decision>,
    pub deadlines: Vec<DeadlineRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeadlineRow {
    pub number: i64,
    pub name: String,
    pub clause: String,
    pub title: String,
    pub due: Option<String>,
    pub workdays: bool,
    pub done: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ListRow {
    pub number: i64,
    pub record_id: Option<String>,
    pub outcome: String,
    pub deciding: Option<String>,
    pub record: String,
    pub next_due: Option<String>,
}

/// Open deadlines of one name, counted by section.
#[derive(Debug, Clone, PartialEq)]
pub struct DueCount {
    pub name: String,
    pub title: String,
    pub overdue: i64,
    pub today: i64,
    /// Due after the day looked from, up to the horizon.
    pub upcoming: i64,
    pub unknown: i64,
}

/// A section of `cases due`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueSection {
    Overdue,
    Today,
    Upcoming,
    Unknown,
}

/// `cases list`'s filter.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub outcome: Option<Outcome>,
    /// `--where key=value`, each a declared field's key.
    pub wheres: Vec<(String, WhereValue)>,
    /// Only cases with an open deadline.
    pub due: bool,
}

#[derive(Debug, Clone)]
pub enum WhereValue {
    /// The field's value equals this (as the stored JSON reads back).
    Equal(rusqlite::types::Value),
    /// A list field holds this value.
    Member(String),
}

/// `key=value` for `--where`, checked against the rules: the key a
/// declared field's, the value one of its type (an enum's or list's code).
pub fn parse_where(rules: &RuleSet, text: &str) -> std::result::Result<(String, WhereValue), Msg> {
    let Some((key, value)) = text.split_once('=') else {
        return Err(Msg::new(
            format!("--where 应写作 键=值，如 respondent.stall=B2-018，而不是 `{text}`"),
            format!("--where takes key=value, e.g. respondent.stall=B2-018, not `{text}`"),
        ));
    };
    let (key, value) = (key.trim(), value.trim());
    let Some(slot) = rules.field(key) else {
        let keys = rules.fields.iter().map(|f| f.key.as_str());
        let hint = crate::diag::did_you_mean(key, keys)
            .map(|k| {
                (
                    format!("；是否想写 `{k}`？"),
                    format!("; did you mean `{k}`?"),
                )
            })
            .unwrap_or_default();
        return Err(Msg::new(
            format!("规则没有声明键 `{key}`{}", hint.0),
            format!("the rules declare no key `{key}`{}", hint.1),
        ));
    };
    let f = &rules.fields[slot];
    let bad = |what_zh: &str, what_en: &str| {
        Msg::new(
            format!("`{key}` 的值应为{what_zh}，而不是 `{value}`"),
            format!("`{key}` takes {what_en}, not `{value}`"),
        )
    };
    let codes = |vs: &[crate::model::EnumValue]| {
        vs.iter()
            .map(|v| v.code.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let v = match &f.ty {
        FieldType::Text | FieldType::Date => WhereValue::Equal(value.to_string().into()),
        FieldType::Enum(vs) => {
            if !vs.iter().any(|v| v.code == value) {
                return Err(bad(&codes(vs), &codes(vs)));
            }
            WhereValue::Equal(value.to_string().into())
        }
        FieldType::List(vs) => {
            if !vs.iter().any(|v| v.code == value) {
                return Err(bad(&codes(vs), &codes(vs)));
            }
            WhereValue::Member(value.to_string())
        }
        FieldType::Bool => match value {
            "true" => WhereValue::Equal(1i64.into()),
            "false" => WhereValue::Equal(0i64.into()),
            _ => return Err(bad("true 或 false", "true or false")),
        },
        FieldType::Integer => match value.parse::<i64>() {
            Ok(n) => WhereValue::Equal(n.into()),
            Err(_) => return Err(bad("整数", "a whole number")),
        },
        FieldType::Decimal => match value.parse::<f64>() {
            Ok(n) => WhereValue::Equal(n.into()),
            Err(_) => return Err(bad("数字", "a number")),
        },
    };
    Ok((key.to_string(), v))
}
