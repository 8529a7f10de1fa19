//! Explanation templates: `{key}` holes resolved, their spans kept.

use super::*;

impl Checker<'_> {
    pub(super) fn template(&mut self, t: &syntax::Text, scope: TemplateScope) -> Option<Template> {
        let mut holes = Vec::new();
        let zh = self.pieces(&t.zh, scope, &mut holes)?;
        let en = match &t.en {
            Some(en) => Some(self.pieces(en, scope, &mut holes)?),
            None => None,
        };
        Some(Template { zh, en, holes })
    }

    pub(super) fn pieces(
        &mut self,
        s: &syntax::Str,
        scope: TemplateScope,
        holes: &mut Vec<(String, Span)>,
    ) -> Option<Vec<Piece>> {
        let mut out = Vec::new();
        let mut text = String::new();
        let raw = &s.value;
        let mut i = 0;
        let mut ok = true;
        while i < raw.len() {
            let rest = &raw[i..];
            // Plain text up to the next brace or backslash, in one piece.
            let plain = rest.find(['{', '\\']).unwrap_or(rest.len());
            if plain > 0 {
                text.push_str(&rest[..plain]);
                i += plain;
                continue;
            }
            if rest.starts_with("\\{") {
                text.push('{');
                i += 2;
                continue;
            }
            if rest.starts_with("\\}") {
                text.push('}');
                i += 2;
                continue;
            }
            if rest.starts_with('{') {
                let Some(close) = rest.find('}') else {
                    let at = self.hole_span(s, None);
                    self.diags.push(
                        Diagnostic::error(
                            "bad-template",
                            Some(at),
                            Msg::new(
                                "说明中的 `{` 没有对应的 `}`",
                                "a `{` in the text has no closing `}`",
                            ),
                        )
                        .with_help(Msg::new(
                            "要写字面的花括号，用 \\{ 和 \\}",
                            "write \\{ and \\} for literal braces",
                        )),
                    );
                    return None;
                };
                let name = rest[1..close].trim();
                if !text.is_empty() {
                    out.push(Piece::Text(std::mem::take(&mut text)));
                }
                holes.push((
                    name.to_string(),
                    self.hole_span(s, Some(&raw[i..i + close + 1])),
                ));
                if let Some(&f) = self.field_index.get(name) {
                    out.push(Piece::Field(f));
                } else if let Some(&d) = self.define_index.get(name) {
                    out.push(Piece::Define(d));
                } else if scope.due == Some(name) {
                    out.push(Piece::Due);
                } else if scope.missing && name == "missing" {
                    out.push(Piece::Missing);
                } else if self.broken.contains(name) {
                    ok = false;
                } else {
                    ok = false;
                    let at = self.hole_span(s, Some(&raw[i..i + close + 1]));
                    let mut names: Vec<&str> =
                        self.field_index.keys().map(String::as_str).collect();
                    names.extend(self.define_index.keys().map(String::as_str));
                    names.extend(scope.due);
                    if scope.missing {
                        names.push("missing");
                    }
                    let mut d = Diagnostic::error(
                        "template-name",
                        Some(at),
                        Msg::new(
                            format!("说明中的 `{{{name}}}` 不是已声明的字段或定义"),
                            format!(
                                "`{{{name}}}` in the text is not a declared field or definition"
                            ),
                        ),
                    );
                    if let Some(close) = did_you_mean(name, names) {
                        d = d.with_help(Msg::new(
                            format!("是否想写 `{{{close}}}`？"),
                            format!("did you mean `{{{close}}}`?"),
                        ));
                    }
                    self.diags.push(d);
                }
                i += close + 1;
                continue;
            }
            // A backslash that escapes no brace is itself.
            text.push('\\');
            i += 1;
        }
        if !text.is_empty() {
            out.push(Piece::Text(text));
        }
        ok.then_some(out)
    }

    /// The span of a hole `written` like `{purchase.dat}` (or, for `None`,
    /// of the first `{` with no `}` after it) inside the string literal
    /// `s`; the whole literal when the text is not at hand.
    pub(super) fn hole_span(&self, s: &syntax::Str, written: Option<&str>) -> Span {
        let Some(raw) = self.text.as_ref().and_then(|t| t.get(s.span.clone())) else {
            return s.span.clone();
        };
        let found = match written {
            Some(w) => raw.find(w).map(|i| i..i + w.len()),
            None => {
                let after = raw.rfind('}').map_or(0, |i| i + 1);
                raw[after..].find('{').map(|i| after + i..after + i + 1)
            }
        };
        match found {
            Some(r) => s.span.start + r.start..s.span.start + r.end,
            None => s.span.clone(),
        }
    }
}
