//! `iotda-kit credentials`: the core's computation, with the clock read here.

use iotda_core::credentials::{Credentials, Error, Field, SignType, Timestamp};
use serde::Serialize;

use crate::args::CredentialsArgs;
use crate::{unix_now, CliError};

/// The `--json` output: exactly these five keys.
#[derive(Serialize)]
struct JsonOut<'a> {
    client_id: &'a str,
    username: &'a str,
    password: &'a str,
    timestamp: String,
    sign_type: u8,
}

/// Computes and prints the credentials; warnings go to stderr.
pub fn run(args: &CredentialsArgs) -> Result<(), CliError> {
    let now = now_hour()?;
    let sign_type: SignType = args.sign_type.parse().map_err(usage)?;
    let timestamp = match &args.timestamp {
        Some(text) => Timestamp::parse(text).map_err(|e| usage(e.into()))?,
        None => now,
    };
    let creds = Credentials::compute(&args.device_id, args.secret.expose(), sign_type, timestamp)
        .map_err(usage)?;
    for warning in creds.warnings.iter().chain(creds.clock_warning(now).iter()) {
        eprintln!("warning: {warning}");
    }
    if args.json {
        let out = JsonOut {
            client_id: &creds.client_id,
            username: &creds.username,
            password: creds.password.expose(),
            timestamp: creds.timestamp.to_string(),
            sign_type: creds.sign_type.digit(),
        };
        let line = serde_json::to_string(&out)
            .map_err(|e| CliError::Failure(format!("cannot write JSON: {e}")))?;
        println!("{line}");
    } else {
        let check = match creds.sign_type {
            SignType::NoTimestampCheck => "don't check timestamp",
            SignType::CheckTimestamp => "check timestamp",
        };
        println!("ClientId:  {}", creds.client_id);
        println!("Username:  {}", creds.username);
        println!("Password:  {}", creds.password.expose());
        println!("Timestamp: {} (UTC hour)", creds.timestamp);
        println!("SignType:  {} ({check})", creds.sign_type);
    }
    Ok(())
}

/// The flag a field is given with, so the message names what to fix.
fn flag(field: Field) -> &'static str {
    match field {
        Field::DeviceId => "--device-id",
        Field::Secret => "--secret",
        Field::SignType => "--sign-type",
        Field::Timestamp => "--timestamp",
        Field::ClientId => "--client-id",
    }
}

fn usage(e: Error) -> CliError {
    CliError::Usage(format!("{}: {e}", flag(e.field())))
}

fn now_hour() -> Result<Timestamp, CliError> {
    Timestamp::from_unix_seconds(unix_now()?)
        .map_err(|e| CliError::Failure(format!("the system clock gives no valid hour: {e}")))
}
