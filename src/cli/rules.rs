//! `shouli rules`: the rule sets built into shouli, by the names `--rules`
//! takes.

use std::io::Write;

use clap::Args;

use super::{LangArg, exit};
use crate::diag::Lang;
use crate::load::{BUILTINS, load_rules_with};
use crate::syntax::Examples;

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// 界面语言 / language of shouli's own words
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    pub lang: LangArg,
}

pub fn rules(args: &RulesArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let lang = Lang::from(args.lang);
    let mut text = String::new();
    text.push_str(match lang {
        Lang::Zh => "内置规则（用 --rules 名称 选用；默认 guideline）：\n",
        Lang::En => "Built-in rule sets (choose one with --rules NAME; default: guideline):\n",
    });
    for (i, b) in BUILTINS.iter().enumerate() {
        let program = match load_rules_with(b.file, b.text.as_bytes(), Examples::Skip) {
            Ok(p) => p,
            Err(e) => {
                let _ = writeln!(err, "error: {}: {e}", b.file);
                return exit::UNUSABLE;
            }
        };
        let r = &program.rules;
        let default = if i == 0 {
            match lang {
                Lang::Zh => "（默认）",
                Lang::En => " (default)",
            }
        } else {
            ""
        };
        text.push_str(&format!("\n  {}{default}  {}", b.name, r.title));
        if let Some(v) = &r.version {
            text.push_str(&format!(" {v}"));
        }
        text.push('\n');
        if let Some(s) = &r.source {
            text.push_str(&format!("    {s}\n"));
        }
        let clauses = r.clauses.len() + usize::from(r.scope.is_some());
        text.push_str(&match lang {
            Lang::Zh => format!(
                "    {} 个条款 · {} 个字段 · 文件 {} · {}\n",
                clauses,
                r.fields.len(),
                b.file,
                r.digest
            ),
            Lang::En => format!(
                "    {} clauses · {} fields · file {} · {}\n",
                clauses,
                r.fields.len(),
                b.file,
                r.digest
            ),
        });
    }
    let _ = out.write_all(text.as_bytes());
    exit::OK
}
