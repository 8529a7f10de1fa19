//! The integration tests, one module per subject, linked into one test
//! binary: a change to the library relinks this binary (and the
//! property tests) instead of a binary per file.
//!
//! Each module was once its own test crate; `insta` below keeps the
//! snapshot names and folder (tests/snapshots/) they had then.

#[path = "../support/archive.rs"]
mod archive;
#[path = "../../benches/support/mod.rs"]
mod bench_support;
mod insta;
#[path = "../support/mod.rs"]
mod support;

/// tests/support/spec.rs, included once, by the benchmarks' support.
use bench_support::spec;

mod bad_inputs;
mod baseline_agrees;
mod batch;
mod calendar;
mod check_fixtures;
mod cli;
mod desk_replay;
mod diff;
mod examples_skipped;
mod explain;
mod fmt;
mod interview;
mod json_plain;
mod kleene;
mod limits;
mod lint;
mod notice;
mod output_safety;
mod readme;
mod register;
mod report_jsonl;
mod rule_examples;
mod rules_errors;
mod samr;
mod serve;
