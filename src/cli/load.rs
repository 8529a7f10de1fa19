//! Reading what the commands name — rule files and record files — and
//! printing why one cannot be used. The parsing, checking and compiling is
//! the library's front door, [`crate::load`]; this is the file side of it.

use std::io::{Read as _, Write};
use std::path::Path;

use super::{ErrorFormat, RuleArgs, exit};
use crate::calendar::Calendar;
use crate::compile::Program;
use crate::diag::{self, Diagnostic, JsonDiagnostic, Lang, Msg, Source};
use crate::load::{BUILTINS, BuiltinRules, Linted, RulesError, builtin_named};
use crate::syntax::MAX_RULE_FILE;

/// The largest office calendar file read (a calendar is a few KiB a year).
const MAX_CALENDAR_FILE: usize = 1 << 20;
use crate::syntax::Examples;

/// A rule file as loaded: its name, its text (for line numbers) and the
/// compiled program.
pub struct LoadedRules {
    pub name: String,
    pub text: String,
    pub program: Program,
}

/// Prints a message of shouli's own as an error: Chinese with English
/// beneath, or English only.
pub fn say(err: &mut dyn Write, lang: Lang, m: &Msg) {
    let _ = err.write_all(diag::render_message("error", m, lang).as_bytes());
}

/// Where the rules come from: a built-in rule set or a file.
pub enum RuleSource<'a> {
    Builtin(&'static BuiltinRules),
    File(&'a Path),
}

/// The rules named positionally (`file`) or by `--rules` — never both — or
/// else the default built-in rules. A bare name of a built-in rule set
/// (`samr`: no `/`, no `.`) selects it; `./samr` is a file.
pub fn rule_source<'a>(
    file: Option<&'a Path>,
    args: &'a RuleArgs,
    err: &mut dyn Write,
) -> Result<RuleSource<'a>, u8> {
    if let (Some(_), Some(_)) = (file, &args.rules) {
        say(
            err,
            args.lang(),
            &Msg::new(
                "规则文件只能指定一次（RULES 或 --rules）",
                "give the rule file once (RULES or --rules)",
            ),
        );
        return Err(exit::UNUSABLE);
    }
    let Some(path) = file.or(args.rules.as_deref()) else {
        return Ok(RuleSource::Builtin(&BUILTINS[0]));
    };
    let bare = path.to_str().filter(|s| !s.contains(['/', '.', '\\']));
    if let Some(name) = bare {
        return match builtin_named(name) {
            Some(b) => Ok(RuleSource::Builtin(b)),
            None => {
                let names: Vec<&str> = BUILTINS.iter().map(|b| b.name).collect();
                let names = names.join("、");
                say(
                    err,
                    args.lang(),
                    &Msg::new(
                        format!(
                            "没有名为 `{name}` 的内置规则（内置的有：{names}）；规则文件请写路径，如 `./{name}`"
                        ),
                        format!(
                            "no built-in rules are called `{name}` (built in: {}); give a rule file as a path, like `./{name}`",
                            names.replace('、', ", ")
                        ),
                    ),
                );
                Err(exit::UNUSABLE)
            }
        };
    }
    Ok(RuleSource::File(path))
}

/// The rules' name for messages and their bytes (see [`rule_source`]).
pub fn rule_bytes(
    file: Option<&Path>,
    args: &RuleArgs,
    err: &mut dyn Write,
) -> Result<(String, Vec<u8>), u8> {
    match rule_source(file, args, err)? {
        RuleSource::Builtin(b) => Ok((b.file.to_string(), b.text.as_bytes().to_vec())),
        RuleSource::File(path) => match read_limited(path, MAX_RULE_FILE) {
            Ok(bytes) => Ok((path.display().to_string(), bytes)),
            Err(e) => {
                let _ = writeln!(err, "{}", io_error(path, &e, args.lang()));
                Err(exit::UNUSABLE)
            }
        },
    }
}

/// A file's bytes, at most `limit + 1` of them, so that a reader's own
/// size check refuses a larger file (`/dev/zero` included) without it ever
/// being read whole.
pub fn read_limited(path: &Path, limit: usize) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Reads, parses, checks and compiles the rule file (see [`rule_bytes`]),
/// examples included: for the commands that read them (`test`, `explain`).
/// Problems are printed; the error is the exit code.
pub fn load_rules(
    file: Option<&Path>,
    args: &RuleArgs,
    err: &mut dyn Write,
) -> Result<LoadedRules, u8> {
    let (name, bytes, program) = load(file, args, Examples::Parse, err)?;
    // A file that loaded decodes; the text is for the examples' places.
    let text = match crate::record::decode(&bytes) {
        Ok(text) => text.to_string(),
        Err((_, lossy)) => lossy,
    };
    Ok(LoadedRules {
        name,
        text,
        program,
    })
}

/// The rules of `--rules`, or the built-in rules, compiled: for the
/// commands that decide records (`check`, `template`, `batch`), which read
/// no examples. The built-in rules' examples are skipped; a rule file of
/// the user's is parsed and checked in full, a broken example an error.
pub fn load_program(args: &RuleArgs, err: &mut dyn Write) -> Result<Program, u8> {
    load(None, args, Examples::Skip, err).map(|(_, _, program)| program)
}

/// The rule file, parsed, checked and linted (`lint`).
pub fn lint_rules(
    file: Option<&Path>,
    args: &RuleArgs,
    err: &mut dyn Write,
) -> Result<(String, Linted), u8> {
    let (name, bytes) = rule_bytes(file, args, err)?;
    match crate::load::lint_rules(&name, &bytes) {
        Ok(linted) => Ok((name, linted)),
        Err(RulesError { file, diagnostics }) => {
            print_diagnostics(
                &diagnostics,
                &file,
                args.lang(),
                args.error_format,
                false,
                err,
            );
            Err(exit::UNUSABLE)
        }
    }
}

/// The one loader. `examples` is what the command needs; it is honoured
/// only for the built-in rules, which cannot change after the build and
/// whose examples the test suite runs. Any other file is parsed in full.
/// Gives the file's name and bytes with the program, which counts working
/// days by the built-in calendar with the office's calendar (`--calendar`,
/// or the rule file's `calendar "…"`) merged in.
fn load(
    file: Option<&Path>,
    args: &RuleArgs,
    examples: Examples,
    err: &mut dyn Write,
) -> Result<(String, Vec<u8>, Program), u8> {
    let source = rule_source(file, args, err)?;
    let (examples, rule_dir) = match source {
        RuleSource::Builtin(_) => (examples, None),
        RuleSource::File(path) => (Examples::Parse, path.parent().map(Path::to_path_buf)),
    };
    let (name, bytes) = rule_bytes(file, args, err)?;
    let program = match crate::load::load_rules_with(&name, &bytes, examples) {
        Ok(program) => program,
        Err(RulesError { file, diagnostics }) => {
            print_diagnostics(
                &diagnostics,
                &file,
                args.lang(),
                args.error_format,
                false,
                err,
            );
            return Err(exit::UNUSABLE);
        }
    };
    // The rule file's own calendar, then the command line's.
    let mut files = Vec::new();
    if let (Some(named), Some(dir)) = (&program.rules.calendar, &rule_dir) {
        files.push(dir.join(named));
    }
    files.extend(args.calendar.iter().cloned());
    if files.is_empty() {
        return Ok((name, bytes, program));
    }
    let mut calendar = Calendar::builtin();
    for path in &files {
        calendar.merge(read_calendar(path, args, err)?);
    }
    Ok((name, bytes, program.with_calendar(calendar)))
}

/// An office's calendar file, read and checked; problems printed.
fn read_calendar(path: &Path, args: &RuleArgs, err: &mut dyn Write) -> Result<Calendar, u8> {
    let lang = args.lang();
    let bytes = match read_limited(path, MAX_CALENDAR_FILE) {
        Ok(bytes) => bytes,
        Err(e) => {
            let _ = writeln!(err, "{}", io_error(path, &e, lang));
            return Err(exit::UNUSABLE);
        }
    };
    let name = path.display().to_string();
    let text = match crate::record::decode(&bytes) {
        Ok(text) => text,
        Err((d, lossy)) => {
            let source = Source::new(&name, lossy);
            print_diagnostics(&[d], &source, lang, args.error_format, false, err);
            return Err(exit::UNUSABLE);
        }
    };
    Calendar::parse(&name, text).map_err(|diags| {
        print_diagnostics(
            &diags,
            &Source::new(&name, text),
            lang,
            args.error_format,
            false,
            err,
        );
        exit::UNUSABLE
    })
}

/// The bytes of a file named on the command line, or of standard input for
/// `-`, at most `limit` of them, with the name to show for it.
pub fn read_input(
    path: &Path,
    limit: usize,
    lang: Lang,
    err: &mut dyn Write,
) -> Result<(String, Vec<u8>), u8> {
    crate::record::read_file(path, limit).map_err(|e| {
        let _ = writeln!(err, "{}", e.render(lang));
        exit::UNUSABLE
    })
}

pub fn io_error(path: &Path, e: &std::io::Error, lang: Lang) -> String {
    let path = crate::sanitize::escape(&path.to_string_lossy()).into_owned();
    match lang {
        Lang::Zh => format!("error: 无法读取 {path}：{e}\n  cannot read {path}: {e}"),
        Lang::En => format!("error: cannot read {path}: {e}"),
    }
}

pub fn write_error(path: &Path, e: &std::io::Error, lang: Lang) -> String {
    let path = crate::sanitize::escape(&path.to_string_lossy()).into_owned();
    match lang {
        Lang::Zh => format!("error: 无法写入 {path}：{e}\n  cannot write {path}: {e}"),
        Lang::En => format!("error: cannot write {path}: {e}"),
    }
}

/// Prints diagnostics as code frames, one-line messages (`short`, which
/// never shows a source line) or JSON lines.
pub fn print_diagnostics(
    diags: &[Diagnostic],
    source: &Source,
    lang: Lang,
    format: ErrorFormat,
    short: bool,
    err: &mut dyn Write,
) {
    for d in diags {
        let text = match format {
            ErrorFormat::Json => {
                serde_json::to_string(&JsonDiagnostic::new(d, source)).unwrap_or_default() + "\n"
            }
            ErrorFormat::Text if short => diag::render_short(d, source, lang) + "\n",
            ErrorFormat::Text => diag::render(d, source, lang) + "\n",
        };
        let _ = err.write_all(text.as_bytes());
    }
}
