//! `shouli explain RULES`.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::load::{load_rules, write_error};
use super::{RuleArgs, exit};

/// The document's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DocFormat {
    Md,
    Html,
}

impl From<DocFormat> for crate::explain::Format {
    fn from(f: DocFormat) -> Self {
        match f {
            DocFormat::Md => crate::explain::Format::Md,
            DocFormat::Html => crate::explain::Format::Html,
        }
    }
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// 规则文件（默认使用内置规则） / rule file (default: the built-in rules)
    #[arg(value_name = "RULES")]
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// 文档格式 / document format
    #[arg(long, value_enum, default_value_t = DocFormat::Md)]
    pub format: DocFormat,
    /// 写入文件而不是标准输出 / write to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `shouli explain`: the rules as a Markdown or HTML document.
pub fn explain(args: &ExplainArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let lang = args.rules.lang();
    let program = match load_rules(args.file.as_deref(), &args.rules, err) {
        Ok(loaded) => loaded.program,
        Err(code) => return code,
    };
    let doc = crate::explain::render(
        &program,
        &crate::examples::traces(&program),
        args.format.into(),
        lang,
    );
    match &args.output {
        None => {
            let _ = out.write_all(doc.as_bytes());
        }
        Some(path) => {
            let rules: Vec<&std::path::Path> = args
                .file
                .iter()
                .chain(&args.rules.rules)
                .map(PathBuf::as_path)
                .collect();
            if let Err(m) = crate::atomic::check_outputs(&rules, &[path]) {
                let _ = err.write_all(crate::diag::render_message("error", &m, lang).as_bytes());
                return exit::UNUSABLE;
            }
            if let Err(e) = crate::atomic::write(path, doc.as_bytes()) {
                let _ = writeln!(err, "{}", write_error(path, &e, lang));
                return exit::UNUSABLE;
            }
        }
    }
    exit::OK
}
