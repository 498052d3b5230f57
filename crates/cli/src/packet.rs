//! `iotda-kit packet decode`: the core's MQTT codec on bytes from a capture.

use iotda_core::mqtt;

use crate::args::{DecodeArgs, PacketArgs, PacketCommand};
use crate::CliError;

/// The largest packet MQTT can frame (a 4-byte Remaining Length).
const MAX_PACKET: usize = 268_435_460;

/// Runs a `packet` command.
pub fn run(args: &PacketArgs) -> Result<(), CliError> {
    match &args.command {
        PacketCommand::Decode(a) => decode(a),
    }
}

fn decode(args: &DecodeArgs) -> Result<(), CliError> {
    let version = crate::mqtt::protocol_version(&args.protocol)?;
    let bytes = parse_hex(&args.hex.join(" ")).map_err(CliError::Usage)?;
    let mut offset = 0;
    while offset < bytes.len() {
        let rest = bytes.get(offset..).unwrap_or_default();
        match mqtt::decode(rest, MAX_PACKET, version) {
            Ok(Some((packet, used))) => {
                println!("{}", describe(offset, used, &packet));
                offset += used;
            }
            Ok(None) => {
                return Err(CliError::Usage(format!(
                    "the packet at byte {offset} is incomplete: {} bytes given, more needed",
                    rest.len()
                )))
            }
            Err(e) => {
                return Err(CliError::Usage(format!(
                    "the packet at byte {offset} is not valid {version}: {e}"
                )))
            }
        }
    }
    Ok(())
}

/// A header line and the packet's fields.
fn describe(offset: usize, len: usize, packet: &mqtt::Packet) -> String {
    format!(
        "{:?} at byte {offset}, {len} bytes\n{packet:#?}",
        packet.packet_type()
    )
}

/// Hex digits to bytes, ignoring separators people paste (spaces, colons,
/// commas, dashes) and `0x` prefixes.
pub(crate) fn parse_hex(text: &str) -> Result<Vec<u8>, String> {
    let digits: String = text
        .split(|c: char| c.is_whitespace() || matches!(c, ':' | ',' | '-'))
        .map(|word| {
            word.strip_prefix("0x")
                .or_else(|| word.strip_prefix("0X"))
                .unwrap_or(word)
        })
        .collect();
    if digits.is_empty() {
        return Err("HEX: no hex digits given".into());
    }
    if let Some(bad) = digits.chars().find(|c| !c.is_ascii_hexdigit()) {
        return Err(format!("HEX: {bad:?} is not a hex digit"));
    }
    if !digits.len().is_multiple_of(2) {
        return Err(format!(
            "HEX: {} hex digits is an odd number: each byte needs two",
            digits.len()
        ));
    }
    (0..digits.len())
        .step_by(2)
        .map(|i| {
            digits
                .get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or_else(|| "HEX: not hex".to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_with_separators() {
        assert_eq!(parse_hex("20 02 00 00").unwrap(), [0x20, 2, 0, 0]);
        assert_eq!(parse_hex("0x20,0x02:00-00").unwrap(), [0x20, 2, 0, 0]);
        assert_eq!(parse_hex("C000").unwrap(), [0xc0, 0]);
        assert!(parse_hex("").unwrap_err().contains("no hex digits"));
        assert!(parse_hex("2g").unwrap_err().contains("'g'"));
        assert!(parse_hex("200").unwrap_err().contains("odd"));
        assert!(parse_hex("é0").unwrap_err().contains("'é'"));
    }
}
