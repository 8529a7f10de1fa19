//! Code shared by the benchmarks and `tests/it/baseline_agrees.rs`: the
//! hand-written baseline, the record generator, and the agreement check;
//! `spec` (from tests/support/) is what they share with the tests' own
//! references: the random generator, the calendar, 2.1's keys.
#![allow(dead_code)]

pub mod agree;
pub mod baseline;
pub mod generate;
#[path = "../../tests/support/spec.rs"]
pub mod spec;
