//! `iotda-kit packet decode`: the core's MQTT codec on bytes from a capture.

use iotda_core::{doctor, mqtt};

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
    let bytes = doctor::bytes_from_hex(&args.hex.join(" "), MAX_PACKET)
        .map_err(|e| CliError::Usage(format!("HEX: {e}")))?;
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
