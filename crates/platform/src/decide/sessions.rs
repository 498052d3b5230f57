//! One connection per device: a new connection of a device takes over and
//! the old one is closed, as on IoTDA.

use std::collections::HashMap;

/// A connection's number, given by the access layer.
pub type ConnectionId = u64;

/// Which connection each online device has.
#[derive(Debug, Default)]
pub struct Sessions {
    current: HashMap<String, ConnectionId>,
}

impl Sessions {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `connection` as `device_id`'s; returns the connection it
    /// takes over, which the caller closes.
    pub fn connect(&mut self, device_id: &str, connection: ConnectionId) -> Option<ConnectionId> {
        self.current
            .insert(device_id.to_string(), connection)
            .filter(|old| *old != connection)
    }

    /// Forgets `connection` when it ends. Returns true when it was the
    /// device's current connection (the device is now offline); false when
    /// it had been taken over (the device is still online).
    pub fn disconnect(&mut self, device_id: &str, connection: ConnectionId) -> bool {
        if self.current.get(device_id) == Some(&connection) {
            self.current.remove(device_id);
            true
        } else {
            false
        }
    }

    /// The device's current connection.
    pub fn current(&self, device_id: &str) -> Option<ConnectionId> {
        self.current.get(device_id).copied()
    }

    /// How many devices are online.
    pub fn len(&self) -> usize {
        self.current.len()
    }

    /// Whether no device is online.
    pub fn is_empty(&self) -> bool {
        self.current.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_connection_takes_over_and_the_first_ending_changes_nothing() {
        let mut s = Sessions::new();
        assert_eq!(s.connect("d", 1), None);
        assert_eq!(s.connect("d", 2), Some(1));
        assert!(
            !s.disconnect("d", 1),
            "the taken-over connection ending keeps d online"
        );
        assert_eq!(s.current("d"), Some(2));
        assert!(s.disconnect("d", 2));
        assert!(s.is_empty());
    }

    #[test]
    fn devices_are_independent() {
        let mut s = Sessions::new();
        assert_eq!(s.connect("a", 1), None);
        assert_eq!(s.connect("b", 2), None);
        assert_eq!(s.len(), 2);
        assert!(s.disconnect("a", 1));
        assert_eq!(s.current("b"), Some(2));
    }
}
