#!/usr/bin/env python3
"""Rewrites the output of every `$ shouli …` command in README.md's console
blocks with what the debug build prints now (and `$ echo $?` with its exit
code). Run `cargo build` first. The test tests/it/readme.rs checks the
README; this only saves copying the output by hand. Review the diff."""
import re, shlex, subprocess, sys

path = "README.md"
text = open(path, encoding="utf-8").read()
out, last = [], None
lines = text.split("\n")
i, in_block = 0, False
while i < len(lines):
    line = lines[i]
    out.append(line)
    i += 1
    if line.startswith("```console"):
        in_block = True
        continue
    if in_block and line.startswith("```"):
        in_block = False
        continue
    if in_block and line.startswith("$ "):
        cmd = line[2:]
        # skip the old output
        while i < len(lines) and not lines[i].startswith("$ ") and not lines[i].startswith("```"):
            i += 1
        if cmd == "echo $?":
            out.append(str(last))
            continue
        head = None
        if " | head -" in cmd:
            cmd, n = cmd.split(" | head -")
            head = int(n)
        args = shlex.split(cmd)
        assert args[0] == "shouli", cmd
        p = subprocess.run(["target/debug/shouli"] + args[1:], capture_output=True, text=True)
        last = p.returncode
        if head is None:
            shown = (p.stdout + p.stderr).rstrip("\n")
        else:
            shown = "\n".join(p.stdout.split("\n")[:head])
        if shown:
            out.extend(shown.split("\n"))
open(path, "w", encoding="utf-8").write("\n".join(out))
print("refreshed", path, file=sys.stderr)
