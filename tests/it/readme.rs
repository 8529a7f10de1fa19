//! README.md's examples are true: every `console` block's `$ shouli …`
//! command is run as a user would (in-process, from the repository's root)
//! and prints what the block shows; `$ echo $?` shows its exit code.

use crate::support;

/// Splits a command line as a shell would for the plain words README
/// uses: spaces separate, double or single quotes group.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                any = true;
            }
            (None, ' ') => {
                if any || !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
                any = false;
            }
            (None, c) => word.push(c),
        }
    }
    if any || !word.is_empty() {
        out.push(word);
    }
    out
}

/// (command, expected output) pairs of every console block.
fn examples(readme: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut in_block = false;
    let mut current: Option<(String, String)> = None;
    for line in readme.lines() {
        if line.starts_with("```console") {
            in_block = true;
            continue;
        }
        if in_block && line.starts_with("```") {
            in_block = false;
            out.extend(current.take());
            continue;
        }
        if !in_block {
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            out.extend(current.take());
            current = Some((cmd.to_string(), String::new()));
        } else if let Some((_, expected)) = &mut current {
            expected.push_str(line);
            expected.push('\n');
        }
    }
    out
}

#[test]
fn readme_examples_print_what_they_show() {
    let readme = std::fs::read_to_string(support::root().join("README.md")).unwrap();
    let examples = examples(&readme);
    assert!(
        examples.len() >= 4,
        "only {} examples found",
        examples.len()
    );
    let mut last_code = None;
    let mut checked = 0;
    for (cmd, expected) in examples {
        if cmd == "echo $?" {
            let code = last_code.expect("`echo $?` follows a command");
            assert_eq!(
                format!("{code}\n"),
                expected,
                "exit code shown after a command"
            );
            continue;
        }
        // `… | head -N`: the first N lines of standard output, as a shell
        // shows them (standard error is not piped; such a block shows none).
        let (cmd_only, head) = match cmd.split_once(" | head -") {
            Some((c, n)) => (c, Some(n.trim().parse::<usize>().expect("head -N"))),
            None => (cmd.as_str(), None),
        };
        let args = words(cmd_only);
        assert_eq!(args[0], "shouli", "README runs shouli: {cmd}");
        let args: Vec<&str> = args[1..].iter().map(String::as_str).collect();
        let (code, out, err) = support::shouli(&args);
        last_code = Some(code);
        let shown = match head {
            Some(n) => out.lines().take(n).collect::<Vec<_>>().join("\n"),
            None => format!("{out}{err}"),
        };
        let norm = |s: &str| {
            s.lines()
                .map(str::trim_end)
                .collect::<Vec<_>>()
                .join("\n")
                .trim_end()
                .to_string()
        };
        assert_eq!(norm(&shown), norm(&expected), "README: $ {cmd}");
        checked += 1;
    }
    assert!(checked >= 2, "only {checked} commands checked");
}

#[test]
fn shell_words() {
    assert_eq!(words("shouli check a.toml"), ["shouli", "check", "a.toml"]);
    assert_eq!(words("x \"a b\" ''"), ["x", "a b", ""]);
}
