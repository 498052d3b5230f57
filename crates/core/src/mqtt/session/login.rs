//! Who connects, asked for again before every CONNECT.
//!
//! IoTDA's passwords of sign type 1 are signed with the current UTC hour
//! (and the hour is in the ClientId), so a reconnection after the hour
//! with the first CONNECT's login is refused as "bad user name or
//! password", which is permanent. The session reads no clock; the caller's
//! [`LoginSource`] does, and the session asks it each time it writes a
//! CONNECT.

use std::fmt;

use super::{Instant, Secret};
use crate::credentials::Credentials;

/// The CONNECT's ClientId, user name and password. `Debug` elides the
/// password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    /// The ClientId.
    pub client_id: String,
    /// The user name.
    pub username: Option<String>,
    /// The password.
    pub password: Option<Secret>,
}

impl From<&Credentials> for Login {
    fn from(c: &Credentials) -> Self {
        Self {
            client_id: c.client_id.clone(),
            username: Some(c.username.clone()),
            password: Some(Secret::from(c.password.expose())),
        }
    }
}

/// Gives the login to connect with now. Asked before every CONNECT; a
/// closure `FnMut(Instant) -> Option<Login>` is one.
pub trait LoginSource: Send {
    /// The login for a CONNECT written at `now` (the session's clock), or
    /// `None` to keep the current one (for example when the caller's wall
    /// clock cannot be read).
    fn login(&mut self, now: Instant) -> Option<Login>;
}

impl<F: FnMut(Instant) -> Option<Login> + Send> LoginSource for F {
    fn login(&mut self, now: Instant) -> Option<Login> {
        self(now)
    }
}

/// The session's hook: a [`LoginSource`] with a `Debug` that shows nothing
/// of it.
pub(super) struct LoginHook(pub(super) Box<dyn LoginSource>);

impl fmt::Debug for LoginHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LoginSource")
    }
}
