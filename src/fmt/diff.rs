//! The line diff `shouli fmt --check` shows: what the canonical layout
//! would change, as a unified diff.

/// Lines of context around each change.
const CONTEXT: usize = 3;
/// Beyond this many cells the middle of the diff is shown as one change
/// rather than computing the longest common subsequence.
const MAX_CELLS: usize = 4_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Same,
    Del,
    Add,
}

/// A unified-style diff (`---`/`+++`, `@@ -a,b +c,d @@` hunks with three
/// lines of context) from `old` to `new`; empty when they are equal.
pub fn diff(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    if a == b && old.ends_with('\n') == new.ends_with('\n') {
        return String::new();
    }
    // Trim the common ends, then the longest common subsequence in between.
    let pre = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suf = a[pre..]
        .iter()
        .rev()
        .zip(b[pre..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[pre..a.len() - suf], &b[pre..b.len() - suf]);
    let mut ops: Vec<Op> = vec![Op::Same; pre];
    if ma.len().saturating_mul(mb.len()) > MAX_CELLS {
        ops.extend(std::iter::repeat_n(Op::Del, ma.len()));
        ops.extend(std::iter::repeat_n(Op::Add, mb.len()));
    } else {
        // lcs[i][j]: the longest common subsequence of ma[i..] and mb[j..].
        let (n, m) = (ma.len(), mb.len());
        let mut lcs = vec![0u32; (n + 1) * (m + 1)];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[i * (m + 1) + j] = if ma[i] == mb[j] {
                    lcs[(i + 1) * (m + 1) + j + 1] + 1
                } else {
                    lcs[(i + 1) * (m + 1) + j].max(lcs[i * (m + 1) + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && ma[i] == mb[j] {
                ops.push(Op::Same);
                i += 1;
                j += 1;
            } else if i < n && (j == m || lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1]) {
                // Deletions before additions, as diff(1) prints them.
                ops.push(Op::Del);
                i += 1;
            } else {
                ops.push(Op::Add);
                j += 1;
            }
        }
    }
    ops.extend(std::iter::repeat_n(Op::Same, suf));

    // Line numbers of each op in a and b.
    let mut pos = Vec::with_capacity(ops.len());
    let (mut i, mut j) = (0, 0);
    for op in &ops {
        pos.push((i, j));
        match op {
            Op::Same => {
                i += 1;
                j += 1;
            }
            Op::Del => i += 1,
            Op::Add => j += 1,
        }
    }
    let mut out = format!("--- {old_name}\n+++ {new_name}\n");
    let changed: Vec<usize> = (0..ops.len()).filter(|&k| ops[k] != Op::Same).collect();
    let mut k = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(CONTEXT);
        let mut end = changed[k];
        while k < changed.len() && changed[k] <= end + 2 * CONTEXT + 1 {
            end = changed[k];
            k += 1;
        }
        let end = (end + CONTEXT + 1).min(ops.len());
        let hunk = &ops[start..end];
        let (a0, b0) = pos[start];
        let a_len = hunk.iter().filter(|o| **o != Op::Add).count();
        let b_len = hunk.iter().filter(|o| **o != Op::Del).count();
        let from = |first: usize, len: usize| if len == 0 { first } else { first + 1 };
        out.push_str(&format!(
            "@@ -{},{a_len} +{},{b_len} @@\n",
            from(a0, a_len),
            from(b0, b_len)
        ));
        for (op, &(ai, bj)) in hunk.iter().zip(&pos[start..end]) {
            match op {
                Op::Same => out.push_str(&format!(" {}\n", a[ai])),
                Op::Del => out.push_str(&format!("-{}\n", a[ai])),
                Op::Add => out.push_str(&format!("+{}\n", b[bj])),
            }
        }
    }
    if !changed.is_empty() || old.ends_with('\n') == new.ends_with('\n') {
        return out;
    }
    out.push_str("\\ 文件末尾的换行不同 / the newline at the end of the file differs\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_merges_changes_within_twice_the_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";
        let new = "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\n";
        assert_eq!(
            diff(old, new, "x", "y"),
            "--- x\n+++ y\n@@ -1,10 +1,11 @@\n a\n b\n c\n-d\n+D\n e\n f\n g\n h\n i\n j\n+k\n"
        );
        assert_eq!(diff(old, old, "x", "y"), "");
        assert!(diff("a\n", "a", "x", "y").ends_with("differs\n"));
        assert_eq!(
            diff("", "a\n", "x", "y"),
            "--- x\n+++ y\n@@ -0,0 +1,1 @@\n+a\n"
        );
    }
}
