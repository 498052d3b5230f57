//! The one secret type of the workspace: the device secret typed in this
//! tab. It is never serialized (no `Serialize`: a remembered secret is
//! written out explicitly by [`super::persist`], when the user asks) and
//! its `Debug` prints `[elided]`; it is overwritten with zeros when dropped.

use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

/// A secret text held in memory.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl ZeroizeOnDrop for Secret {}

impl From<&str> for Secret {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl From<String> for Secret {
    fn from(text: String) -> Self {
        Self::new(text)
    }
}

impl Secret {
    /// Holds `text`.
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The secret text, for the one place that needs it (a credential
    /// computation, a field's value).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[elided]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let secret = Secret::new("hunter2-device-secret");
        assert_eq!(format!("{secret:?}"), "[elided]");
        assert_eq!(secret.expose(), "hunter2-device-secret");
        assert!(!secret.is_empty());
        assert!(Secret::default().is_empty());
    }

    #[test]
    fn secrets_are_zeroed_on_drop() {
        fn zeroed_on_drop<T: ZeroizeOnDrop>() {}
        zeroed_on_drop::<Secret>();
        zeroed_on_drop::<crate::worker::protocol::Secret>();
    }
}
