//! `iotda-kit doctor`: why IoTDA refuses a device, from what it sent (a
//! ClientId, user name and password, or a captured CONNECT) or from its
//! certificate files, with the core's [`iotda_core::doctor`]; with
//! `--host`, by trying the connection step by step ([`live`]). This module
//! reads the files, the clock and the command line; the rules are the
//! core's.

mod live;

use std::path::PathBuf;

use clap::Args;
use iotda_core::credentials::SignType;
use iotda_core::doctor::{self, Attempt, CertCheck, CertFile, Finding};
use iotda_core::mqtt;
use serde::Serialize;

use crate::args::SecretArg;
use crate::{read_file, unix_now, CliError};

/// Arguments of `doctor`.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// The device id, as the console shows it ({product_id}_{node_id}).
    #[arg(long, value_name = "ID")]
    pub device_id: Option<String>,
    /// The device secret, as registered (prefer the IOTDA_SECRET
    /// environment variable).
    #[arg(
        long,
        env = "IOTDA_SECRET",
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub secret: Option<SecretArg>,
    /// The sign type the device is meant to use: 0 or 1 [default: whichever
    /// its ClientId says].
    #[arg(long, value_name = "0|1")]
    pub sign_type: Option<String>,
    /// The ClientId the device sent.
    #[arg(long, value_name = "ID", conflicts_with = "connect_hex")]
    pub client_id: Option<String>,
    /// The user name the device sent.
    #[arg(long, value_name = "USER", requires = "client_id")]
    pub username: Option<String>,
    /// The password the device sent.
    #[arg(long, value_name = "PASS", requires = "client_id")]
    pub password: Option<SecretArg>,
    /// The keep alive the device asked for, in seconds (with --host: the
    /// one to send [default: 120]).
    #[arg(long, value_name = "S")]
    pub keepalive: Option<u16>,
    /// The device's CONNECT packet in hex, as a capture shows it (spaces,
    /// colons and 0x prefixes are ignored).
    #[arg(long, value_name = "HEX")]
    pub connect_hex: Option<String>,
    /// When the device tried, UTC: YYYY-MM-DDTHH:MM:SSZ [default: now].
    #[arg(long, value_name = "YYYY-MM-DDTHH:MM:SSZ", conflicts_with = "host")]
    pub at: Option<String>,
    /// The device certificate (PEM or DER), for a certificate device.
    #[arg(long, value_name = "FILE")]
    pub cert: Option<PathBuf>,
    /// The device's private key.
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,
    /// Passphrase of an encrypted --key.
    #[arg(
        long,
        env = "IOTDA_KEY_PASSPHRASE",
        hide_env_values = true,
        value_name = "PASS"
    )]
    pub key_passphrase: Option<SecretArg>,
    /// The CA certificate registered in the console for the device's
    /// certificates.
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub ca: Option<PathBuf>,
    /// The fingerprint registered for the device in the console.
    #[arg(long, value_name = "HEX", requires = "cert")]
    pub fingerprint: Option<String>,
    /// Try the connection to this broker step by step (DNS, TCP, TLS,
    /// CONNECT, CONNACK) with what --device-id/--secret compute, or the
    /// --client-id/--username/--password given.
    #[arg(long, value_name = "HOST", conflicts_with = "connect_hex")]
    pub host: Option<String>,
    /// With --host: the port [default: 1883, or 8883 with TLS].
    #[arg(long, value_name = "PORT", requires = "host")]
    pub port: Option<u16>,
    /// With --host: speak TLS (implied by --server-ca, --insecure, --cert
    /// and --tls-name).
    #[arg(long, requires = "host")]
    pub tls: bool,
    /// With --host: CA certificates (PEM) to trust for the broker; for
    /// IoTDA, the platform CA certificate of the region (Huawei's "Obtaining
    /// Resources" page); for the local platform, its tls/platform-ca.crt
    /// [default: the public roots].
    #[arg(long, value_name = "FILE", requires = "host")]
    pub server_ca: Option<PathBuf>,
    /// With --host: accept any broker certificate (test brokers only).
    #[arg(long, requires = "host")]
    pub insecure: bool,
    /// With --host: verify the broker's certificate against this name (and
    /// send it as SNI) while connecting to the address --host gives; implies
    /// TLS. For a broker reached by IP whose certificate names a host.
    #[arg(long, value_name = "NAME", requires = "host")]
    pub tls_name: Option<String>,
    /// With --host: stay connected this many seconds after the broker
    /// accepts, to see whether another client with the same id takes the
    /// connection over.
    #[arg(long, default_value_t = 0, value_name = "S", requires = "host")]
    pub hold: u16,
    /// With --host: the broker is a local platform (`iotda-kit platform`):
    /// when it refuses, ask its API for the exact reason it logged. The
    /// platform running from the default data folder, or from
    /// --platform-data.
    #[arg(long, requires = "host")]
    pub platform: bool,
    /// With --host: the data folder of the local platform to ask (implies
    /// --platform).
    #[arg(long, value_name = "DIR", requires = "host")]
    pub platform_data: Option<PathBuf>,
    /// With --host: seconds to wait at each step.
    #[arg(long, default_value_t = 10, value_name = "S")]
    pub connect_timeout: u16,
    /// One JSON object: ok, and when not, rule, diagnosis and the password
    /// mistakes found; with --host also the steps.
    #[arg(long)]
    pub json: bool,
}

/// The `--json` output.
#[derive(Serialize)]
struct JsonOut<'a> {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    steps: Option<&'a [live::Step]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    diagnosis: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    mistakes: Vec<String>,
    /// The local platform's own reason for its refusal (`--platform`).
    #[serde(skip_serializing_if = "Option::is_none")]
    platform: Option<&'a str>,
}

/// Runs `doctor`: exit 0 when the attempt is right, 1 with the diagnosis on
/// stdout when it is not, 2 on bad input.
pub fn run(args: &DoctorArgs) -> Result<(), CliError> {
    let at = match &args.at {
        Some(text) => parse_at(text)?,
        None => unix_now()?,
    };
    if let Some(host) = &args.host {
        let live = live::run(args, host, at)?;
        let failed = live.diagnosis.is_some();
        report(
            args,
            Some(&live.steps),
            live.finding.as_ref(),
            live.diagnosis,
            live.platform.as_deref(),
        )?;
        return if failed {
            Err(CliError::Failure(format!(
                "the connection to {host} failed"
            )))
        } else {
            Ok(())
        };
    }
    let finding = offline(args, at)?;
    report(
        args,
        None,
        finding.as_ref(),
        finding.as_ref().map(ToString::to_string),
        None,
    )?;
    match finding {
        None => Ok(()),
        Some(f) => Err(CliError::Failure(format!(
            "the device breaks IoTDA's rule {}",
            f.code()
        ))),
    }
}

/// The sign type of `--sign-type`, if given.
fn sign_type(args: &DoctorArgs) -> Result<Option<SignType>, CliError> {
    args.sign_type
        .as_deref()
        .map(|s| {
            s.parse::<SignType>()
                .map_err(|e| CliError::Usage(format!("--sign-type: {e}")))
        })
        .transpose()
}

/// The first broken rule of what the arguments describe.
fn offline(args: &DoctorArgs, at: i64) -> Result<Option<Finding>, CliError> {
    let attempt = attempt(args)?;
    let sign_type = sign_type(args)?;
    if let Some(attempt) = &attempt {
        let device_id = args.device_id.as_deref().ok_or_else(|| {
            CliError::Usage("--device-id: give the device id the attempt is checked against".into())
        })?;
        if let Some(secret) = &args.secret {
            return doctor::diagnose_secret(device_id, secret.expose(), sign_type, attempt, at)
                .map_err(usage);
        }
        if args.cert.is_none() {
            return Err(CliError::Usage(
                "give --secret (a device with a secret) or --cert (a certificate device)".into(),
            ));
        }
        if let Some(f) = doctor::check_identity(device_id, sign_type, attempt, at).map_err(usage)? {
            return Ok(Some(f));
        }
    }
    if args.cert.is_none() {
        return Err(CliError::Usage(
            "give what the device sent (--client-id or --connect-hex), its certificate (--cert), \
             or a broker to try (--host)"
                .into(),
        ));
    }
    certificate(args, at)
}

/// The certificate rules on `--cert` and the files that go with it;
/// `Ok(None)` without `--cert`.
fn certificate(args: &DoctorArgs, at: i64) -> Result<Option<Finding>, CliError> {
    let Some(cert_path) = &args.cert else {
        return Ok(None);
    };
    let cert = read_file(cert_path)?;
    let key = args.key.as_deref().map(read_file).transpose()?;
    let ca = args.ca.as_deref().map(read_file).transpose()?;
    let check = CertCheck {
        cert: &cert,
        key: key.as_deref(),
        key_passphrase: args.key_passphrase.as_ref().map(SecretArg::expose),
        ca: ca.as_deref(),
        fingerprint: args.fingerprint.as_deref(),
    };
    doctor::check_certificate(&check, at).map_err(usage)
}

/// The attempt from `--client-id ...` or `--connect-hex`, if given.
fn attempt(args: &DoctorArgs) -> Result<Option<Attempt>, CliError> {
    if let Some(hex) = &args.connect_hex {
        return connect_from_hex(hex).map(|c| Some(Attempt::from_connect(&c)));
    }
    Ok(args.client_id.as_ref().map(|client_id| {
        let mut a = Attempt::new(
            client_id.as_str(),
            args.username.as_deref(),
            args.password.as_ref().map(SecretArg::expose),
        );
        a.keep_alive = args.keepalive;
        a
    }))
}

/// Decodes a CONNECT from hex with the core's codec.
fn connect_from_hex(hex: &str) -> Result<mqtt::Connect, CliError> {
    doctor::connect_from_hex(hex).map_err(|e| CliError::Usage(format!("--connect-hex: {e}")))
}

/// `--at`: `YYYY-MM-DDTHH:MM:SSZ`, or either `event_time` form.
fn parse_at(text: &str) -> Result<i64, CliError> {
    doctor::attempt_time(text).map_err(|e| {
        CliError::Usage(format!(
            "--at: {e}; write the UTC time as YYYY-MM-DDTHH:MM:SSZ"
        ))
    })
}

/// A core input error as a usage error naming the flag.
fn usage(e: doctor::Error) -> CliError {
    let flag = match &e {
        doctor::Error::DeviceId(_) => "--device-id",
        doctor::Error::EmptySecret => "--secret",
        doctor::Error::Time(_) => "--at",
        doctor::Error::File { file, .. } => match file {
            CertFile::Certificate => "--cert",
            CertFile::Key => "--key",
            CertFile::Ca => "--ca",
        },
    };
    CliError::Usage(format!("{flag}: {e}"))
}

/// Prints the outcome: the steps (live), then the diagnosis or "ok".
fn report(
    args: &DoctorArgs,
    steps: Option<&[live::Step]>,
    finding: Option<&Finding>,
    diagnosis: Option<String>,
    platform: Option<&str>,
) -> Result<(), CliError> {
    if args.json {
        let out = JsonOut {
            ok: diagnosis.is_none(),
            steps,
            rule: finding.map(Finding::code),
            diagnosis,
            mistakes: match finding {
                Some(Finding::WrongPassword { mistakes }) => {
                    mistakes.iter().map(|m| m.code()).collect()
                }
                _ => Vec::new(),
            },
            platform,
        };
        let line = serde_json::to_string(&out)
            .map_err(|e| CliError::Failure(format!("cannot write JSON: {e}")))?;
        println!("{line}");
        return Ok(());
    }
    // The live steps were printed as they ended.
    match diagnosis {
        None if steps.is_some() => println!("ok: connected"),
        None => println!("ok: the attempt follows every rule the doctor checks"),
        Some(d) if steps.is_some() => println!("diagnosis: {d}"),
        Some(d) => println!("{d}"),
    }
    if let Some(reason) = platform {
        println!("platform: {reason}");
    }
    Ok(())
}
