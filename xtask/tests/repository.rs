//! The repository as a whole, one module a behaviour: generated code that
//! matches its schemas, and the house rules on the real tree. One test
//! binary, so that the suite links once.

#[path = "codegen.rs"]
mod codegen;
#[path = "tidy.rs"]
mod tidy;
