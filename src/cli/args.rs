//! Reading the command line, with clap's errors in shouli's languages:
//! Chinese with English beneath by default, English alone with `--lang en`.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command, CommandFactory as _, FromArgMatches as _};

use super::{Cli, exit};

/// What the command line asked for, or what to print instead and the exit
/// code (help and version go to stdout with 0; mistakes to stderr with 2).
pub enum Parsed {
    Run(Cli),
    Print {
        text: String,
        to_stdout: bool,
        code: u8,
    },
}

/// Parses `args` (the program's name first).
pub fn parse<I, T>(args: I) -> Parsed
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    let command = if english_asked(&args) {
        Cli::command()
    } else {
        bilingual(Cli::command(), true)
    };
    let parsed = command
        .try_get_matches_from(&args)
        .and_then(|m| Cli::from_arg_matches(&m));
    match parsed {
        Ok(cli) => Parsed::Run(cli),
        Err(e) => {
            let to_stdout = matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            );
            if to_stdout {
                let code = if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    exit::UNUSABLE
                } else {
                    exit::OK
                };
                return Parsed::Print {
                    text: e.render().to_string(),
                    to_stdout: e.kind() != ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand,
                    code,
                };
            }
            let english = e.render().to_string();
            let text = if english_asked(&args) {
                english
            } else {
                chinese(&e, &english)
            };
            Parsed::Print {
                text,
                to_stdout: false,
                code: exit::UNUSABLE,
            }
        }
    }
}

/// An option's values and default in both languages, in place of clap's
/// English "Possible values" and "[default: …]".
fn values_in_words(a: Arg) -> Arg {
    if !a.get_action().takes_values() {
        return a;
    }
    let values: Vec<_> = if a.is_hide_possible_values_set() {
        Vec::new()
    } else {
        a.get_possible_values()
            .into_iter()
            .filter(|v| !v.is_hide_set())
            .collect()
    };
    let defaults: Vec<String> = if a.is_hide_default_value_set() {
        Vec::new()
    } else {
        a.get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect()
    };
    if values.is_empty() && defaults.is_empty() {
        return a;
    }
    let help = a.get_help().map(ToString::to_string).unwrap_or_default();
    let mut short = help.clone();
    let mut long = a.get_long_help().map_or(help, ToString::to_string);
    if !values.is_empty() {
        let names: Vec<&str> = values.iter().map(|v| v.get_name()).collect();
        short.push_str(&format!(" [可选 / values: {}]", names.join(", ")));
        long.push_str("\n\n可选值 / values:");
        for v in &values {
            match v.get_help() {
                Some(h) => long.push_str(&format!("\n- {}: {h}", v.get_name())),
                None => long.push_str(&format!("\n- {}", v.get_name())),
            }
        }
    }
    if !defaults.is_empty() {
        let shown = defaults.join(", ");
        short.push_str(&format!(" [默认 / default: {shown}]"));
        long.push_str(&format!("\n\n默认 / default: {shown}"));
    }
    a.help(short)
        .long_help(long)
        .hide_possible_values(true)
        .hide_default_value(true)
}

/// The command line's help in Chinese with English beside it: headings,
/// the help and version flags, the `help` subcommand.
fn bilingual(cmd: Command, root: bool) -> Command {
    let mut place = 0;
    let mut cmd = cmd
        .help_template("{about-with-newline}\n用法 / Usage: {usage}\n\n{all-args}{after-help}")
        .subcommand_help_heading("命令 / Commands")
        .disable_help_flag(true)
        .mut_args(|a| {
            let a = values_in_words(a);
            if a.get_help_heading().is_some() {
                a
            } else if a.is_positional() {
                // Under a heading of our own clap lists positionals last
                // first; their place on the command line is their order.
                place += 1;
                a.help_heading("参数 / Arguments").display_order(place)
            } else {
                a.help_heading("选项 / Options")
            }
        })
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示帮助 / print help")
                .help_heading("选项 / Options"),
        );
    if root {
        cmd = cmd
            .disable_version_flag(true)
            .disable_help_subcommand(true)
            .arg(
                Arg::new("version")
                    .short('V')
                    .long("version")
                    .action(ArgAction::Version)
                    .help("显示版本 / print the version")
                    .help_heading("选项 / Options"),
            );
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, |s| bilingual(s, false));
    }
    cmd
}

/// `--lang en` or `--lang=en` anywhere on the line.
fn english_asked(args: &[std::ffi::OsString]) -> bool {
    args.windows(2).any(|w| w[0] == "--lang" && w[1] == "en")
        || args.iter().any(|a| a == "--lang=en")
}

fn context(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join("、")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(
            v.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join("、"),
        ),
        ContextValue::Number(n) => Some(n.to_string()),
        ContextValue::Bool(b) => Some(b.to_string()),
        ContextValue::None => None,
        _ => None,
    }
}

/// The Chinese message for a clap error, then clap's own English text
/// indented beneath it (as shouli's other messages are).
fn chinese(e: &clap::Error, english: &str) -> String {
    let arg = context(e, ContextKind::InvalidArg);
    let value = context(e, ContextKind::InvalidValue);
    let valid = context(e, ContextKind::ValidValue);
    let sub = context(e, ContextKind::InvalidSubcommand);
    let quoted = |s: &Option<String>| s.as_deref().map(|s| format!("`{s}`")).unwrap_or_default();
    let mut zh = match e.kind() {
        ErrorKind::InvalidSubcommand => format!("没有 {} 这个子命令", quoted(&sub)),
        ErrorKind::UnknownArgument => format!("不认识的选项 {}", quoted(&arg)),
        ErrorKind::InvalidValue => {
            let mut s = format!("{} 的取值 {} 无效", quoted(&arg), quoted(&value));
            if let Some(valid) = &valid {
                s.push_str(&format!("；可选：{valid}"));
            }
            s
        }
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数 {}", quoted(&arg)),
        ErrorKind::MissingSubcommand => "缺少子命令".to_string(),
        ErrorKind::NoEquals => format!("{} 的取值要用 `=` 连写", quoted(&arg)),
        ErrorKind::ValueValidation => {
            format!("{} 的取值 {} 不符合要求", quoted(&arg), quoted(&value))
        }
        ErrorKind::TooManyValues => format!("{} 给的值太多", quoted(&arg)),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("{} 给的值个数不对", quoted(&arg))
        }
        ErrorKind::ArgumentConflict => format!("{} 不能与其他选项同时使用", quoted(&arg)),
        ErrorKind::InvalidUtf8 => "参数不是有效的 UTF-8 文本".to_string(),
        _ => "命令行有误".to_string(),
    };
    if let Some(suggested) = context(e, ContextKind::SuggestedSubcommand)
        .or_else(|| context(e, ContextKind::SuggestedArg))
    {
        zh.push_str(&format!("；是不是想写 `{suggested}`？"));
    }
    let usage = Cli::command().render_usage().to_string();
    let mut out = format!("error: {zh}\n");
    // clap's own words beneath, less its "error: " and its pointer to help.
    for line in english.trim_end().lines() {
        let line = line.strip_prefix("error: ").unwrap_or(line);
        if line.starts_with("For more information") {
            continue;
        }
        if line.trim().is_empty() {
            out.push('\n');
        } else {
            out.push_str("  ");
            out.push_str(line);
            out.push('\n');
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    if !english.contains("Usage:") && !english.contains("用法") {
        out.push_str(&format!("\n{usage}\n"));
    }
    out.push_str("\n运行 `shouli --help` 查看帮助 / run `shouli --help` for help\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printed(args: &[&str]) -> (String, bool, u8) {
        match parse(args.iter().copied()) {
            Parsed::Run(_) => panic!("{args:?} parsed"),
            Parsed::Print {
                text,
                to_stdout,
                code,
            } => (text, to_stdout, code),
        }
    }

    #[test]
    fn mistakes_are_told_in_chinese_with_english_beneath() {
        let (text, to_stdout, code) = printed(&["shouli", "chek", "x.toml"]);
        assert!(!to_stdout);
        assert_eq!(code, exit::UNUSABLE);
        assert!(
            text.starts_with("error: 没有 `chek` 这个子命令；是不是想写 `check`？\n"),
            "{text}"
        );
        assert!(text.contains("  unrecognized subcommand 'chek'"), "{text}");

        let (text, _, _) = printed(&["shouli", "check", "--lang", "fr", "x.toml"]);
        assert!(
            text.starts_with("error: `--lang <LANG>` 的取值 `fr` 无效；可选：zh、en"),
            "{text}"
        );

        let (text, _, _) = printed(&["shouli", "check"]);
        assert!(
            text.starts_with("error: 缺少必需的参数 `<RECORD>`"),
            "{text}"
        );
    }

    #[test]
    fn english_alone_with_lang_en() {
        let (text, _, code) = printed(&["shouli", "check", "--lang", "en"]);
        assert_eq!(code, exit::UNUSABLE);
        assert!(
            text.starts_with("error: the following required arguments"),
            "{text}"
        );
        assert!(!text.contains("缺少"), "{text}");
    }

    #[test]
    fn help_is_bilingual_and_goes_to_stdout() {
        let (text, to_stdout, code) = printed(&["shouli", "batch", "--help"]);
        assert!(to_stdout);
        assert_eq!(code, exit::OK);
        assert!(text.contains("用法 / Usage: shouli batch"), "{text}");
        assert!(text.contains("选项 / Options:"), "{text}");
        assert!(text.contains("显示帮助 / print help"), "{text}");
    }
}
