//! `shouli fmt RULES [--check]`.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::load::{print_diagnostics, read_input, write_error};
use super::{ErrorFormat, LangArg, exit};
use crate::diag::{Lang, Source};
use crate::record;
use crate::syntax::MAX_RULE_FILE;

#[derive(Debug, Args)]
pub struct FmtArgs {
    /// 规则文件；`-` 表示从标准输入读、向标准输出写 / rule file; `-` reads stdin and writes stdout
    #[arg(value_name = "RULES")]
    pub file: PathBuf,
    /// 只检查：未按统一格式时显示差异并以 1 退出 / only check: show a diff and exit 1 when not formatted
    #[arg(long)]
    pub check: bool,
    /// 界面语言 / language of shouli's own words
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    pub lang: LangArg,
    /// 错误信息格式 / how errors are printed
    #[arg(long, value_enum, default_value_t = ErrorFormat::Text)]
    pub error_format: ErrorFormat,
}

pub fn fmt(args: &FmtArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let lang = Lang::from(args.lang);
    let zh = lang == Lang::Zh;
    let stdin = args.file.as_os_str() == "-";
    let (name, bytes) = match read_input(&args.file, MAX_RULE_FILE, lang, err) {
        Ok(read) => read,
        Err(code) => return code,
    };
    let text = match record::decode(&bytes) {
        Ok(text) => text,
        Err((d, lossy)) => {
            let source = Source::new(&name, lossy);
            print_diagnostics(&[d], &source, lang, args.error_format, false, err);
            return exit::UNUSABLE;
        }
    };
    let formatted = match crate::fmt::format(text) {
        Ok(f) => f,
        Err(diagnostics) => {
            let source = Source::new(&name, text);
            print_diagnostics(&diagnostics, &source, lang, args.error_format, false, err);
            return exit::UNUSABLE;
        }
    };
    // A BOM or CRLF line ends are not canonical either.
    let unchanged = formatted.as_bytes() == bytes.as_slice();
    if args.check {
        if unchanged {
            return exit::OK;
        }
        let new_name = if zh {
            format!("{name}（统一格式）")
        } else {
            format!("{name} (formatted)")
        };
        let mut d = crate::fmt::diff(&text.replace("\r\n", "\n"), &formatted, &name, &new_name);
        if d.is_empty() {
            d = if zh {
                format!(
                    "{name}：只有行尾（CRLF）或 BOM 不同\n  {name}: only line ends (CRLF) or a BOM differ\n"
                )
            } else {
                format!("{name}: only line ends (CRLF) or a BOM differ\n")
            };
        }
        let _ = out.write_all(d.as_bytes());
        let _ = writeln!(
            err,
            "{}",
            if zh {
                format!(
                    "{name} 未按统一格式排版；运行 `shouli fmt {name}` 即可改好\n  {name} is not formatted; run `shouli fmt {name}`"
                )
            } else {
                format!("{name} is not formatted; run `shouli fmt {name}`")
            }
        );
        return exit::FAILED;
    }
    if stdin {
        let _ = out.write_all(formatted.as_bytes());
        return exit::OK;
    }
    if unchanged {
        return exit::OK;
    }
    // Never a half-written rule file.
    let written = crate::atomic::AtomicFile::create(&args.file).and_then(|mut file| {
        file.keep_permissions_of(&args.file);
        file.write_all(formatted.as_bytes())?;
        file.commit()
    });
    if let Err(e) = written {
        let _ = writeln!(err, "{}", write_error(&args.file, &e, lang));
        return exit::UNUSABLE;
    }
    let _ = writeln!(
        out,
        "{}",
        if zh {
            format!("已排版：{name}")
        } else {
            format!("formatted {name}")
        }
    );
    exit::OK
}
