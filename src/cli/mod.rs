//! The command line: the only place that parses arguments, prints, or picks
//! an exit code. Each command is a file here, a shell over the library; the
//! rule files and records it names are read by [`load`], and every exit code
//! is in [`exit`]. `run` returns the exit code, so tests call it in-process.

use std::io::Write;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::diag::Lang;

pub mod args;
pub mod batch;
pub mod cases;
pub mod check;
pub mod diff;
pub mod exit;
pub mod explain;
pub mod fmt;
pub mod interview;
pub mod lint;
pub mod load;
pub mod notice;
pub mod rules;
pub mod serve;
pub mod test;

pub use args::parse;
pub use check::record_id;

#[derive(Debug, Parser)]
#[command(
    name = "shouli",
    version,
    about = "受理：按规则文件审查投诉能否受理，并逐条说明理由\n\
             Decide whether a complaint is admissible under a rule file, clause by clause"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 审查一份投诉记录 / check one complaint record
    Check(check::CheckArgs),
    /// 打印空白投诉处理单 / print a blank complaint record to fill in
    Template(check::TemplateArgs),
    /// 运行规则文件中的示例（及记录用例） / run a rule file's examples (and case records)
    Test(test::TestArgs),
    /// 把规则文件排成统一格式（保留注释） / lay a rule file out canonically (comments kept)
    Fmt(fmt::FmtArgs),
    /// 批量审查归档投诉并审计当时的处理 / check an archive of complaints and audit what was done
    Batch(batch::BatchArgs),
    /// 用新旧两个规则文件重审归档，列出结论改变的记录 / replay an archive under an edited rule file: every decision that changes
    Diff(diff::DiffArgs),
    /// 检查规则文件中可能写错的地方 / find likely mistakes in a rule file
    Lint(lint::LintArgs),
    /// 把规则文件写成供法务审阅的文档 / render a rule file as a document for legal review
    Explain(explain::ExplainArgs),
    /// 列出内置的规则（--rules 可用的名称） / list the built-in rule sets (the names --rules takes)
    Rules(rules::RulesArgs),
    /// 逐项询问，登记一份投诉（只问能改变结论的问题） / take a complaint down question by question (only those that can change the outcome)
    Interview(interview::InterviewArgs),
    /// 在本机网页上登记投诉（同一套问题） / take complaints in a local web page (the same questions)
    Serve(serve::ServeArgs),
    /// 写给投诉人的通知书（受理、不予受理、补正） / the notice to the complainant (accepted, rejected, to complete)
    Notice(notice::NoticeArgs),
    /// 案件登记簿：登记、重新审查、期限、已办事项 / the case register: add, recheck, deadlines, what was done
    Cases(cases::CasesArgs),
}

/// The options every command that reads a rule file takes.
#[derive(Debug, Clone, Args)]
pub struct RuleArgs {
    /// 规则文件，或内置规则的名称（guideline、samr；默认 guideline） / a rule file, or a built-in rule set's name (guideline, samr; default: guideline)
    #[arg(long, value_name = "FILE|NAME")]
    pub rules: Option<std::path::PathBuf>,
    /// 界面语言 / language of shouli's own words
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    pub lang: LangArg,
    /// 错误信息格式 / how errors are printed
    #[arg(long, value_enum, default_value_t = ErrorFormat::Text)]
    pub error_format: ErrorFormat,
    /// 本机构的节假日安排文件（补充或替换内置日历的年份，可多次给出）
    /// / an office's holiday calendar file (adds or replaces years of the built-in one; may be repeated)
    #[arg(long, value_name = "FILE")]
    pub calendar: Vec<std::path::PathBuf>,
}

impl RuleArgs {
    pub fn lang(&self) -> Lang {
        self.lang.into()
    }
}

/// `--lang`: the language of shouli's own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// 中文（英文附后） / Chinese, with English beneath
    Zh,
    /// 仅英文 / English only
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::Zh => Lang::Zh,
            LangArg::En => Lang::En,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ErrorFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    match cli.command {
        Command::Check(args) => check::check(&args, out, err),
        Command::Template(args) => check::template(&args, out, err),
        Command::Test(args) => test::test(&args, out, err),
        Command::Fmt(args) => fmt::fmt(&args, out, err),
        Command::Batch(args) => batch::batch(&args, out, err),
        Command::Diff(args) => diff::diff(&args, out, err),
        Command::Lint(args) => lint::lint(&args, out, err),
        Command::Explain(args) => explain::explain(&args, out, err),
        Command::Rules(args) => rules::rules(&args, out, err),
        Command::Interview(args) => interview::interview(&args, out, err),
        Command::Serve(args) => serve::serve(&args, out, err),
        Command::Notice(args) => notice::notice(&args, out, err),
        Command::Cases(args) => cases::cases(&args, out, err),
    }
}
