//! `shouli fmt`: one canonical layout, idempotent, the same syntax tree
//! before and after (spans aside), every comment kept in order; the
//! built-in rules are kept formatted; `--check` shows a diff.

use crate::{insta, support};

use support::shouli;

use std::path::{Path, PathBuf};

/// The syntax tree's debug form with every span (`12..34`) blanked out.
fn tree_without_spans(text: &str) -> Option<String> {
    let file = shouli::syntax::parse(text).file?;
    let debug = format!("{file:#?}");
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug.as_str();
    while let Some(i) = rest.find("..") {
        let (before, after) = rest.split_at(i);
        let digits_before =
            before.len() - before.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let after = &after[2..];
        let digits_after =
            after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits_before > 0 && digits_after > 0 {
            out.push_str(&before[..before.len() - digits_before]);
            out.push('_');
            rest = &after[digits_after..];
        } else {
            out.push_str(before);
            out.push_str("..");
            rest = after;
        }
    }
    out.push_str(rest);
    Some(out)
}

/// The comments of a rule file, in order: `#` to the end of the line,
/// outside strings.
fn comment_texts(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut in_string = false;
        let mut escaped = false;
        for (i, c) in line.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_string => escaped = true,
                '"' => in_string = !in_string,
                '#' if !in_string => {
                    out.push(line[i..].trim_end().to_string());
                    break;
                }
                _ => {}
            }
        }
    }
    out
}

/// Every `.rules` file in the repository that parses cleanly.
fn rule_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|x| x == "rules") {
                out.push(path);
            }
        }
    }
    let root = support::root();
    let mut files = Vec::new();
    walk(&root.join("rules"), &mut files);
    walk(&root.join("tests"), &mut files);
    files.sort();
    files
}

/// The properties every formatted file has.
fn assert_formats_faithfully(name: &str, text: &str) -> String {
    let once = shouli::fmt::format(text).unwrap_or_else(|d| panic!("{name}: {d:?}"));
    let twice = shouli::fmt::format(&once).unwrap_or_else(|d| panic!("{name} formatted: {d:?}"));
    assert_eq!(once, twice, "{name}: formatting is not idempotent");
    assert_eq!(
        tree_without_spans(&once),
        tree_without_spans(text),
        "{name}: formatting changed the syntax tree"
    );
    assert_eq!(
        comment_texts(&once),
        comment_texts(text),
        "{name}: comments were lost or reordered"
    );
    once
}

#[test]
fn every_rule_file_in_the_repository() {
    let mut checked = 0;
    for path in rule_files() {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
        if shouli::syntax::parse(text).file.is_none() {
            continue; // a deliberately broken file (diagnostics fixtures)
        }
        assert_formats_faithfully(&path.display().to_string(), text);
        checked += 1;
    }
    assert!(checked >= 4, "only {checked} rule files found");
}

#[test]
fn fmt_fixtures() {
    insta::glob!("fixtures/fmt/*.rules", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        let formatted = assert_formats_faithfully(&name, &text);
        insta::assert_snapshot!(formatted);
    });
}

#[test]
fn the_builtin_rules_are_formatted() {
    let formatted = shouli::fmt::format(shouli::BUILTIN_RULES).expect("the built-in rules parse");
    if formatted != shouli::BUILTIN_RULES {
        panic!(
            "rules/guideline.rules is not formatted; run `shouli fmt rules/guideline.rules`:\n{}",
            shouli::fmt::diff(shouli::BUILTIN_RULES, &formatted, "before", "after")
        );
    }
}

/// Every comment survives, in order, and where it was: before the line it
/// preceded, or at the end of the line it ended.
#[test]
fn comments_are_kept_in_place() {
    let text = "# 开头\nrules \"t\" { version \"1\" # 版本\n}\n\
                field a \"甲\" enum { # 值\n x \"X\"\n # 收尾\n}\n\
                ground \"G\" \"g\" {\n  when a == \"x\" # 行末\n    # 中间\n    or a == \"#\"\n}\n# 结尾\n";
    let formatted = shouli::fmt::format(text).unwrap();
    assert_eq!(
        formatted,
        "# 开头\nrules \"t\" {\n  version \"1\" # 版本\n}\n\n\
         field a \"甲\" enum { # 值\n  x \"X\"\n  # 收尾\n}\n\n\
         ground \"G\" \"g\" {\n  when a == \"x\" # 行末\n    # 中间\n    or a == \"#\"\n}\n# 结尾\n"
    );
}

#[test]
fn long_lists_and_conditions_are_wrapped() {
    let keys: Vec<String> = (0..20).map(|i| format!("section.key_{i}")).collect();
    let text = format!(
        "rules \"t\" {{}}\nevidence \"E\" \"e\" {{ require present [{}] }}\n\
         ground \"G\" \"g\" {{ when section.key_0 == \"a long value here\" or section.key_1 == \"another long value\" or section.key_2 == \"x\" }}\n",
        keys.join(", ")
    );
    let formatted = assert_formats_faithfully("generated", &text);
    for line in formatted.lines() {
        assert!(
            unicode_width::UnicodeWidthStr::width(line) <= shouli::fmt::WIDTH,
            "too wide: {line}"
        );
    }
    assert!(formatted.contains("  require present [\n    section.key_0, section.key_1,"));
    assert!(formatted.contains("\n    or section.key_1 == \"another long value\"\n"));
}

#[test]
fn check_shows_a_diff_and_exits_1() {
    let (code, out, err) = shouli(&["fmt", "--check", "tests/fixtures/fmt/layout.rules"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("shouli fmt tests/fixtures/fmt/layout.rules"),
        "{err}"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn check_passes_formatted_files_silently() {
    let (code, out, err) = shouli(&["fmt", "--check", "rules/guideline.rules"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
}

#[test]
fn fmt_rewrites_the_file_in_place() {
    let dir = std::env::temp_dir().join(format!("shouli-fmt-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("layout.rules");
    let original =
        std::fs::read_to_string(support::root().join("tests/fixtures/fmt/layout.rules")).unwrap();
    std::fs::write(
        &path,
        "\u{FEFF}".to_string() + &original.replace('\n', "\r\n"),
    )
    .unwrap();
    let p = path.display().to_string();
    let (code, out, _) = shouli(&["fmt", &p]);
    assert_eq!(code, 0);
    assert!(out.contains(&p), "{out}");
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(written, shouli::fmt::format(&original).unwrap());
    // Nothing left beside it, and a second run changes nothing.
    let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    assert_eq!(leftovers.len(), 1);
    assert_eq!(shouli(&["fmt", "--check", &p]).0, 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_that_does_not_parse_is_not_touched() {
    let dir = std::env::temp_dir().join(format!("shouli-fmt-broken-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("broken.rules");
    let text = "rules \"t\" {}\nground \"G\" \"g\" { when a == “x” }\n";
    std::fs::write(&path, text).unwrap();
    let p = path.display().to_string();
    let (code, _, err) = shouli(&["fmt", &p]);
    assert_eq!(code, 2);
    assert!(err.contains("broken.rules:2:"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_diff_is_a_line_diff_with_hunks() {
    let old: String = (1..=20).map(|i| format!("line {i}\n")).collect();
    let new = old
        .replace("line 3\n", "line three\n")
        .replace("line 18\n", "");
    assert_eq!(
        shouli::fmt::diff(&old, &new, "a", "b"),
        "--- a\n+++ b\n\
         @@ -1,6 +1,6 @@\n line 1\n line 2\n-line 3\n+line three\n line 4\n line 5\n line 6\n\
         @@ -15,6 +15,5 @@\n line 15\n line 16\n line 17\n-line 18\n line 19\n line 20\n"
    );
}

/// Comments on their own line before every line of the built-in rules and
/// at the end of every line, or blank lines everywhere: every comment is
/// kept, in order, and formatting stays idempotent.
#[test]
fn comments_everywhere_in_the_builtin_rules_survive() {
    let lines: Vec<&str> = shouli::BUILTIN_RULES.lines().collect();
    let own_line: Vec<String> = lines
        .iter()
        .enumerate()
        .flat_map(|(i, l)| [format!("# 注释 {i}"), l.to_string()])
        .collect();
    let trailing: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| format!("{l} # 行末 {i}"))
        .collect();
    let both: Vec<String> = own_line
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if i % 2 == 1 {
                format!("{l} # 行末")
            } else {
                l.clone()
            }
        })
        .collect();
    let blank: Vec<String> = lines
        .iter()
        .flat_map(|l| [l.to_string(), String::new()])
        .collect();
    for (name, edited) in [
        ("own-line", own_line),
        ("trailing", trailing),
        ("both", both),
        ("blank", blank),
    ] {
        let text = edited.join("\n") + "\n";
        assert!(shouli::syntax::parse(&text).file.is_some(), "{name} parses");
        assert_formats_faithfully(name, &text);
    }
}

/// Comments and line breaks dropped at random places between tokens: the
/// result still formats faithfully and idempotently.
#[test]
fn comments_at_random_places_survive() {
    // Offsets of whitespace outside strings and comments.
    fn gaps(text: &str) -> Vec<usize> {
        let (mut out, mut in_string, mut in_comment, mut escaped) =
            (Vec::new(), false, false, false);
        for (i, c) in text.char_indices() {
            match c {
                '\n' => {
                    in_comment = false;
                    if !in_string {
                        out.push(i);
                    }
                }
                _ if in_comment => {}
                _ if escaped => escaped = false,
                '\\' if in_string => escaped = true,
                '"' => in_string = !in_string,
                '#' if !in_string => in_comment = true,
                ' ' if !in_string => out.push(i),
                _ => {}
            }
        }
        out
    }
    let layout =
        std::fs::read_to_string(support::root().join("tests/fixtures/fmt/layout.rules")).unwrap();
    let mut seed: u64 = 0x0005_EED0_F5E1;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n
    };
    for base in [shouli::BUILTIN_RULES, layout.as_str()] {
        for round in 0..15 {
            let mut text = base.to_string();
            for k in 0..10 {
                let places = gaps(&text);
                let at = places[next(places.len())];
                let insert = match next(4) {
                    0 => format!("\n# 注释 {round}.{k}\n"),
                    1 => format!(" # 行末 {round}.{k}\n"),
                    2 => "\n\n".to_string(),
                    _ => "\n".to_string(),
                };
                text.insert_str(at, &insert);
            }
            assert!(shouli::syntax::parse(&text).file.is_some(), "{text}");
            assert_formats_faithfully(&format!("round {round}:\n{text}"), &text);
        }
    }
}
