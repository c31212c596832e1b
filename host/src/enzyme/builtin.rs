//! The four built-in enzymes, compiled to components by `host/build.rs` and
//! embedded in the binary, so the default manifest works anywhere.

include!(concat!(env!("OUT_DIR"), "/builtins.rs"));

/// Names of the built-in enzymes.
pub fn names() -> Vec<&'static str> {
    BUILTINS.iter().map(|(n, _)| *n).collect()
}

/// The component bytes of a built-in enzyme.
pub fn bytes(name: &str) -> Option<&'static [u8]> {
    BUILTINS.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
}

#[cfg(test)]
mod tests {
    /// The manifest checks names against its own list; it must be ours.
    #[test]
    fn the_manifest_knows_every_embedded_builtin() {
        let ours = super::names();
        let theirs: Vec<&str> = crate::manifest::BUILTINS.iter().map(|(n, _)| *n).collect();
        assert_eq!(ours, theirs);
    }
}
