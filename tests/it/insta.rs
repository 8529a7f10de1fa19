//! `insta` as the test modules use it (`use crate::insta;`), with the
//! snapshot names and folder each module had as a test crate of its own:
//! a snapshot of `bad_inputs::bad_records` is still
//! `tests/snapshots/bad_inputs__bad_records@….snap`, not
//! `it__bad_inputs__…`, and a glob is still relative to tests/.
//! Only `assert_snapshot!` and `glob!` are adapted; the other assertions
//! are insta's own (their snapshots would go to tests/it/snapshots/).

pub use ::insta::*;

/// `insta::assert_snapshot!`, named as in a test crate of the module's own.
macro_rules! assert_snapshot {
    // An inline snapshot has no file: insta's own.
    ($value:expr, @$snapshot:literal $(,)?) => {
        ::insta::assert_snapshot!($value, @$snapshot)
    };
    ($name:expr, $value:expr $(,)?) => {{
        let name = $crate::insta::old_name(module_path!(), &$name);
        $crate::insta::old_settings().bind(|| ::insta::assert_snapshot!(name, $value))
    }};
    ($value:expr $(,)?) => {{
        fn f() {}
        let name = $crate::insta::function_name(f);
        $crate::insta::assert_snapshot!(name, $value)
    }};
}
pub(crate) use assert_snapshot;

/// `insta::glob!`, with the pattern relative to tests/ as before.
macro_rules! glob {
    ($glob:expr, $closure:expr $(,)?) => {
        ::insta::glob!("..", $glob, $closure)
    };
}
pub(crate) use glob;

/// The snapshot folder the modules had: tests/snapshots/, the module's
/// name written into the file name by `old_name`.
pub fn old_settings() -> Settings {
    let mut settings = Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings
}

/// `module__name`, as insta names a snapshot in a crate whose root is the
/// module: the last part of `it::bad_inputs` is the old crate's name.
pub fn old_name(module_path: &str, name: &impl std::fmt::Display) -> String {
    let module = module_path.rsplit("::").next().unwrap_or(module_path);
    format!("{module}__{name}")
}

/// The name insta gives an unnamed snapshot: the test function's name
/// (closures skipped), without a `test_` prefix. `f` is an item declared
/// inside that function.
pub fn function_name<T>(_f: T) -> String {
    let mut path = std::any::type_name::<T>()
        .strip_suffix("::f")
        .unwrap_or_default();
    while let Some(rest) = path.strip_suffix("::{{closure}}") {
        path = rest;
    }
    let name = path.rsplit("::").next().unwrap_or(path);
    name.strip_prefix("test_").unwrap_or(name).to_string()
}
