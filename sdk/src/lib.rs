//! # logline-sdk: write a LogLine enzyme in a few lines
//!
//! An enzyme is a WebAssembly component that turns one span into an
//! [`Outcome`]. This crate hides the WIT bindings: implement [`Enzyme`] on a
//! type, call [`export_enzyme!`] once, and build for `wasm32-wasip2`.
//!
//! The types that matter:
//! - [`Span`]: the span, with `context`, `metadata` and unknown keys as JSON maps.
//! - [`Cx`]: what the host lends during a call: look-ups ([`Cx::neighbours`],
//!   [`Cx::thread`], [`Cx::tags`], [`Cx::embedding`]), logging, and the
//!   change log ([`Cx::record`]).
//! - [`Outcome`]: keep the span (changed or not; the SDK tells which by
//!   comparing), drop it with a reason, or replace it with variants.
//! - [`Error`]: an expected failure (bad config, unsupported input), reported
//!   to the host without trapping.
//!
//! ```ignore
//! use logline_sdk::prelude::*;
//!
//! #[derive(Default, serde::Deserialize)]
//! #[serde(deny_unknown_fields)]
//! struct Config { suffix: Option<String> }
//!
//! struct Shout { suffix: String }
//!
//! impl Enzyme for Shout {
//!     type Config = Config;
//!     fn info() -> Info { Info::new("shout", "0.1.0", "Upper-cases the query") }
//!     fn new(config: Config) -> Result<Self, Error> {
//!         Ok(Shout { suffix: config.suffix.unwrap_or_default() })
//!     }
//!     fn process(&self, span: &mut Span, cx: &mut Cx) -> Result<Outcome, Error> {
//!         let before = span.this.clone();
//!         span.this = format!("{}{}", span.this.to_uppercase(), self.suffix);
//!         cx.record(ChangeKind::Modification, "this", "upper-cased").before(&before).after(&span.this);
//!         Ok(Outcome::Keep)
//!     }
//! }
//!
//! export_enzyme!(Shout);
//! ```
//!
//! The logic stays testable natively: build a [`Span`] with
//! [`testing::span`], a host with [`testing::MockHost`], and call
//! [`testing::run`].

mod cx;
mod span;
pub mod testing;

#[doc(hidden)]
pub mod rt;

pub use cx::{ChangeBuilder, Cx, Host, Level};
pub use span::{Change, ChangeKind, Error, ErrorKind, Info, Neighbour, Outcome, Span, Status, ThreadEntry};

/// Re-exported so enzymes need no direct dependency for JSON work.
pub use serde_json;
pub use serde_json::{Map, Value, json};

/// The WIT version this SDK was built against (`logline:enzyme@…`).
pub const WIT_VERSION: &str = "0.1.1";

/// The generated bindings. Enzyme authors should not need them.
#[doc(hidden)]
#[allow(clippy::all, missing_docs, unsafe_op_in_unsafe_fn)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../wit",
        world: "logline:enzyme/enzyme",
        pub_export_macro: true,
        export_macro_name: "__export_world_enzyme",
        default_bindings_module: "logline_sdk::bindings",
    });
}

/// The trait an enzyme implements.
///
/// One value of the type is built per instance by [`Enzyme::new`] from the
/// manifest's `config` table, then [`Enzyme::process`] is called for each
/// span routed to the enzyme. Keep `process` free of hidden state: the host
/// may run several instances side by side and recreate one after a trap.
pub trait Enzyme: Sized + 'static {
    /// The `config` table, deserialised from JSON. Use
    /// `#[serde(deny_unknown_fields)]` so a typo in the manifest is an error
    /// naming the key.
    type Config: serde::de::DeserializeOwned;

    /// Name, version and a one-line description.
    fn info() -> Info;

    /// Build the enzyme from its configuration (compile patterns here, once).
    fn new(config: Self::Config) -> Result<Self, Error>;

    /// Transform one span in place and say what became of it.
    fn process(&self, span: &mut Span, cx: &mut Cx<'_>) -> Result<Outcome, Error>;
}

/// Export an [`Enzyme`] implementation as the component's `processor`.
///
/// ```ignore
/// logline_sdk::export_enzyme!(MyEnzyme);
/// ```
#[macro_export]
macro_rules! export_enzyme {
    ($ty:ty) => {
        // Only a wasm build exports anything: a native build (unit tests,
        // a cdylib for the host) links no component symbols.
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            ::std::thread_local! {
                static __LOGLINE_STATE: ::std::cell::RefCell<::std::option::Option<$ty>> =
                    const { ::std::cell::RefCell::new(::std::option::Option::None) };
            }
            struct __LoglineGlue;
            impl $crate::bindings::exports::logline::enzyme::processor::Guest for __LoglineGlue {
                fn info() -> $crate::bindings::logline::enzyme::types::EnzymeInfo {
                    $crate::rt::info::<$ty>()
                }
                fn init() -> ::std::result::Result<(), $crate::bindings::logline::enzyme::types::EnzymeError> {
                    $crate::rt::init::<$ty>(&__LOGLINE_STATE)
                }
                fn process(
                    span: $crate::bindings::logline::enzyme::types::Span,
                ) -> ::std::result::Result<
                    $crate::bindings::logline::enzyme::types::Processed,
                    $crate::bindings::logline::enzyme::types::EnzymeError,
                > {
                    $crate::rt::process::<$ty>(&__LOGLINE_STATE, span)
                }
            }
    $crate::bindings::__export_world_enzyme!(__LoglineGlue with_types_in $crate::bindings);
        };
    };
}

/// Everything an enzyme usually needs, in one `use`.
pub mod prelude {
    pub use crate::{
        ChangeKind, Cx, Enzyme, Error, ErrorKind, Info, Level, Neighbour, Outcome, Span, Status, ThreadEntry,
        export_enzyme,
    };
    pub use serde_json::{Map, Value, json};
}
