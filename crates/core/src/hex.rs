//! Hex text of bytes, as fingerprints and packet dumps show them.

/// Uppercase hex of `bytes`, optionally with `:` between bytes.
pub(crate) fn upper(bytes: &[u8], colons: bool) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if colons && i > 0 {
            s.push(':');
        }
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    s
}
