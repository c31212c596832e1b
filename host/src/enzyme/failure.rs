//! Everything that can go wrong in an enzyme call, as one typed error.
//!
//! Failures are classified by type (wasmtime `Trap` codes, our own limiter
//! error), never by message text.

use std::fmt;

/// The class of a failure. Stable snake_case codes appear in rejects files,
/// reports and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// The per-call deadline (epoch interruption) passed.
    Timeout,
    /// The fuel budget ran out.
    FuelExhausted,
    /// Linear memory would have grown past the cap.
    MemoryLimit,
    /// The wasm call stack overflowed.
    StackOverflow,
    /// Any other trap: a panic (`unreachable`), out-of-bounds access, …
    Trap,
    /// The enzyme returned a result the host refuses (changed id, invalid
    /// JSON, reserved key, too large, too many variants).
    InvalidOutput,
    /// The span was over the enzyme's input cap and was not sent.
    InputTooLarge,
    /// The enzyme reported an error itself (the WIT `enzyme-error`).
    EnzymeError,
    /// A fresh instance could not be created or initialised.
    Instantiation,
}

impl FailureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::Timeout => "timeout",
            FailureKind::FuelExhausted => "fuel_exhausted",
            FailureKind::MemoryLimit => "memory_limit",
            FailureKind::StackOverflow => "stack_overflow",
            FailureKind::Trap => "trap",
            FailureKind::InvalidOutput => "invalid_output",
            FailureKind::InputTooLarge => "input_too_large",
            FailureKind::EnzymeError => "enzyme_error",
            FailureKind::Instantiation => "instantiation",
        }
    }
}

impl fmt::Display for FailureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed enzyme call, naming the enzyme, its version and the span.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EnzymeFailure {
    pub enzyme: String,
    pub version: String,
    pub kind: FailureKind,
    pub span_id: String,
    pub message: String,
    /// The tail of what the guest wrote to stderr during the call, if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stderr: Option<String>,
}

impl fmt::Display for EnzymeFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "enzyme `{}` {} failed on span `{}`: {}: {}",
            self.enzyme, self.version, self.span_id, self.kind, self.message
        )?;
        if let Some(e) = &self.stderr {
            write!(f, " (stderr: {})", e.trim())?;
        }
        Ok(())
    }
}

impl std::error::Error for EnzymeFailure {}

/// Raised by the store's limiter when linear memory would grow past the cap.
#[derive(Debug)]
pub struct MemoryLimitExceeded {
    pub desired: usize,
    pub limit: usize,
}

impl fmt::Display for MemoryLimitExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "linear memory would grow to {} MiB, over the {} MiB cap", self.desired >> 20, self.limit >> 20)
    }
}

impl std::error::Error for MemoryLimitExceeded {}

/// Classify an error from a wasm call.
pub fn classify(err: &wasmtime::Error) -> (FailureKind, String) {
    if let Some(m) = err.downcast_ref::<MemoryLimitExceeded>() {
        return (FailureKind::MemoryLimit, m.to_string());
    }
    if let Some(trap) = err.downcast_ref::<wasmtime::Trap>() {
        let kind = match *trap {
            wasmtime::Trap::Interrupt => FailureKind::Timeout,
            wasmtime::Trap::OutOfFuel => FailureKind::FuelExhausted,
            wasmtime::Trap::StackOverflow => FailureKind::StackOverflow,
            _ => FailureKind::Trap,
        };
        return (kind, trap.to_string());
    }
    (FailureKind::Trap, format!("{err:#}"))
}
