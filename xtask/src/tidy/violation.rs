//! What a tidy rule reports: the rule, the file and line, and why.

use std::fmt;

/// The rules, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// A hand-written file over its line budget.
    LongFile,
    /// A module file of a crate's `src/` whose first line is not `//!`.
    ModuleDoc,
    /// A function over its line budget.
    LongFunction,
    /// A module of a crate's `src/` that ARCHITECTURE.md's code map does
    /// not name.
    CodeMap,
    /// Two files of one crate that import each other.
    ImportCircle,
}

impl Rule {
    /// Every rule.
    pub const ALL: [Self; 5] = [
        Self::LongFile,
        Self::ModuleDoc,
        Self::LongFunction,
        Self::CodeMap,
        Self::ImportCircle,
    ];

    /// The rule's short name, as printed.
    pub fn name(self) -> &'static str {
        match self {
            Self::LongFile => "long-file",
            Self::ModuleDoc => "module-doc",
            Self::LongFunction => "long-function",
            Self::CodeMap => "code-map",
            Self::ImportCircle => "import-circle",
        }
    }
}

/// One place that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The rule broken.
    pub rule: Rule,
    /// The file, relative to the repository root.
    pub file: String,
    /// The 1-based line.
    pub line: usize,
    /// What is wrong, in a sentence.
    pub message: String,
}

impl Violation {
    /// A violation of `rule` at `file:line`.
    pub fn new(rule: Rule, file: &str, line: usize, message: String) -> Self {
        Self {
            rule,
            file: file.to_owned(),
            line,
            message,
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file,
            self.line,
            self.rule.name(),
            self.message
        )
    }
}
