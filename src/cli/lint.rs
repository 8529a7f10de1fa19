//! `shouli lint RULES`.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::load::{lint_rules, print_diagnostics};
use super::{ErrorFormat, RuleArgs, exit};
use crate::diag::Lang;

#[derive(Debug, Args)]
pub struct LintArgs {
    /// 规则文件（默认使用内置规则） / rule file (default: the built-in rules)
    #[arg(value_name = "RULES")]
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// 有警告时也以 1 退出（供 CI 使用） / exit 1 on warnings too (for CI)
    #[arg(long)]
    pub deny_warnings: bool,
}

/// `shouli lint`: 0 clean, 1 warnings under `--deny-warnings`, 2 errors or
/// an unusable file. Findings go to stdout; a file that cannot be used is
/// reported on stderr like every other command's.
pub fn lint(args: &LintArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let lang = args.rules.lang();
    let (name, linted) = match lint_rules(args.file.as_deref(), &args.rules, err) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let diags = &linted.diagnostics;
    print_diagnostics(
        diags,
        &linted.file,
        lang,
        args.rules.error_format,
        false,
        out,
    );
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if args.rules.error_format == ErrorFormat::Text {
        let summary = match (diags.is_empty(), lang) {
            (true, Lang::Zh) => format!("{name}：没有发现问题\n  no problems found in {name}"),
            (true, Lang::En) => format!("no problems found in {name}"),
            (false, Lang::Zh) => format!(
                "{name}：{errors} 个错误，{warnings} 个警告\n  {errors} error(s), {warnings} warning(s)"
            ),
            (false, Lang::En) => format!("{name}: {errors} error(s), {warnings} warning(s)"),
        };
        let _ = writeln!(out, "{summary}");
    }
    if errors > 0 {
        exit::UNUSABLE
    } else if warnings > 0 && args.deny_warnings {
        exit::FAILED
    } else {
        exit::OK
    }
}
