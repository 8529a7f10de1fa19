//! Code shared by the benchmarks and `tests/baseline_agrees.rs`: the
//! hand-written baseline, the record generator, and the agreement check.
#![allow(dead_code)]

pub mod agree;
pub mod baseline;
pub mod generate;
