//! `--redact` for messages: the one path by which every command (`check`,
//! `batch`) keeps personal data out of what it says about a record. A
//! message about a personal field (a phone number of the wrong type, a
//! name that is a list) may quote the value; when redacting, it is replaced
//! by one that names the field and not the value, and the code frame (which
//! shows the source line) is not drawn at all.

use crate::diag::{Diagnostic, Lang, Msg};
use crate::model::RuleSet;

/// The personal fields of a rule set, looked up once.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// "`complainant.phone`" and the field's slot, for each personal field.
    keys: Vec<(String, usize)>,
}

impl Redactor {
    pub fn new(rules: &RuleSet) -> Redactor {
        Redactor {
            keys: rules
                .fields
                .iter()
                .enumerate()
                .filter(|(_, f)| f.personal.is_some())
                .map(|(i, f)| (format!("`{}`", f.key), i))
                .collect(),
        }
    }

    /// The message to show instead of `message` when redacting, if it names
    /// a personal field (and so may hold its value).
    pub fn message(&self, rules: &RuleSet, message: &Msg) -> Option<Msg> {
        let &(_, slot) = self.keys.iter().find(|(key, _)| {
            message.zh.contains(key.as_str()) || message.en.contains(key.as_str())
        })?;
        let f = &rules.fields[slot];
        Some(Msg::new(
            format!(
                "`{}`（{}）：取值不符合要求（含个人信息，已隐去）",
                f.key, f.label.zh
            ),
            format!(
                "`{}` ({}): the value does not fit (personal data, left out)",
                f.key,
                f.label.get(Lang::En)
            ),
        ))
    }

    /// A diagnostic as shown when redacting: its message replaced and its
    /// help dropped (a hint may repeat the value) when it names a personal
    /// field; otherwise unchanged.
    pub fn diagnostic(&self, rules: &RuleSet, d: &mut Diagnostic) {
        if let Some(m) = self.message(rules, &d.message) {
            d.message = m;
            d.help = None;
        }
    }
}

/// Redacts every diagnostic in place (see [`Redactor::diagnostic`]).
pub fn diagnostics(rules: &RuleSet, diags: &mut [Diagnostic]) {
    let r = Redactor::new(rules);
    for d in diags {
        r.diagnostic(rules, d);
    }
}
