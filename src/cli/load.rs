//! Reading what the commands name — rule files and record files — and
//! printing why one cannot be used. The parsing, checking and compiling is
//! the library's front door, [`crate::load`]; this is the file side of it.

use std::io::{Read as _, Write};
use std::path::Path;

use super::{ErrorFormat, RuleArgs, exit};
use crate::compile::Program;
use crate::diag::{self, Diagnostic, JsonDiagnostic, Lang, Msg, Source};
use crate::load::{BUILTIN_NAME, BUILTIN_RULES, Linted, RulesError};
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

/// The rule file named positionally (`file`) or by `--rules` — never both —
/// or else the built-in rules, as (name, bytes). Problems are printed; the
/// error is the exit code.
pub fn rule_bytes(
    file: Option<&Path>,
    args: &RuleArgs,
    err: &mut dyn Write,
) -> Result<(String, Vec<u8>), u8> {
    let lang = args.lang();
    if let (Some(_), Some(_)) = (file, &args.rules) {
        say(
            err,
            lang,
            &Msg::new(
                "规则文件只能指定一次（RULES 或 --rules）",
                "give the rule file once (RULES or --rules)",
            ),
        );
        return Err(exit::UNUSABLE);
    }
    match file.or(args.rules.as_deref()) {
        None => Ok((BUILTIN_NAME.to_string(), BUILTIN_RULES.as_bytes().to_vec())),
        Some(path) => match std::fs::read(path) {
            Ok(bytes) => Ok((path.display().to_string(), bytes)),
            Err(e) => {
                let _ = writeln!(err, "{}", io_error(path, &e, lang));
                Err(exit::UNUSABLE)
            }
        },
    }
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
/// Gives the file's name and bytes with the program.
fn load(
    file: Option<&Path>,
    args: &RuleArgs,
    examples: Examples,
    err: &mut dyn Write,
) -> Result<(String, Vec<u8>, Program), u8> {
    let builtin = file.or(args.rules.as_deref()).is_none();
    let examples = if builtin { examples } else { Examples::Parse };
    let (name, bytes) = rule_bytes(file, args, err)?;
    match crate::load::load_rules_with(&name, &bytes, examples) {
        Ok(program) => Ok((name, bytes, program)),
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

/// The bytes of a file named on the command line, or of standard input for
/// `-`, with the name to show for it.
pub fn read_input(path: &Path, lang: Lang, err: &mut dyn Write) -> Result<(String, Vec<u8>), u8> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
            let _ = writeln!(err, "{}", io_error(Path::new("<stdin>"), &e, lang));
            return Err(exit::UNUSABLE);
        }
        return Ok(("<stdin>".to_string(), bytes));
    }
    match std::fs::read(path) {
        Ok(bytes) => Ok((path.display().to_string(), bytes)),
        Err(e) => {
            let _ = writeln!(err, "{}", io_error(path, &e, lang));
            Err(exit::UNUSABLE)
        }
    }
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
