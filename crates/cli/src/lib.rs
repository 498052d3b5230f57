//! The native `iotda-kit` command over `iotda-core`: IoTDA credentials,
//! X.509 certificates, MQTT packets and product-model checks for scripts,
//! a simulated device, and a local server for the built web app.
//!
//! It reads the clock and the network that the core leaves to its callers;
//! it holds no protocol or crypto logic of its own.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod args;
mod bridge;
mod cert;
mod credentials;
mod doctor;
mod download;
mod input;
mod model;
mod mqtt;
mod net;
mod packet;
mod payload;
mod platform;
pub mod serve;
mod simulate;

use std::ffi::OsString;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::Parser;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

use input::read_file;

/// Exit code for bad input or a bad command line.
pub const EXIT_USAGE: u8 = 2;
/// Exit code for a failure while running (I/O, network).
pub const EXIT_FAILURE: u8 = 1;

/// A failure the command reports in one line.
#[derive(Debug)]
pub enum CliError {
    /// The user's input is wrong: exit 2.
    Usage(String),
    /// The command could not do its work: exit 1.
    Failure(String),
}

/// Runs the command line `args` (program name first) and returns the exit
/// code; errors are printed to stderr as one line.
pub fn main<I>(args: I) -> ExitCode
where
    I: IntoIterator<Item = OsString>,
{
    let cli = match args::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => return args::report_clap_error(&e),
    };
    let result = match cli.command {
        args::Command::Credentials(a) => credentials::run(&a),
        args::Command::Doctor(a) => doctor::run(&a),
        args::Command::Cert(a) => cert::run(&a),
        args::Command::Fingerprint(a) => cert::fingerprint(&a),
        args::Command::Pub(a) => mqtt::publish(&a),
        args::Command::Sub(a) => mqtt::subscribe(&a),
        args::Command::Model(a) => model::run(&a),
        args::Command::Simulate(a) => simulate::run(&a),
        args::Command::Payload(a) => payload::run(&a),
        args::Command::Packet(a) => packet::run(&a),
        args::Command::Serve(a) => serve::run(&a),
        args::Command::Platform(a) => platform::run(&a),
        args::Command::Bridge(a) => bridge::run(&a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(EXIT_USAGE)
        }
        Err(CliError::Failure(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

/// The current time in Unix seconds, from the system clock.
fn unix_now() -> Result<i64, CliError> {
    unix_now_millis().map(|ms| ms.div_euclid(1000))
}

/// The current time in Unix milliseconds, from the system clock.
fn unix_now_millis() -> Result<i64, CliError> {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| CliError::Failure("the system clock is before 1970".into()))?
        .as_millis();
    i64::try_from(millis)
        .map_err(|_| CliError::Failure("the system clock is past year 9999".into()))
}

/// ChaCha20 seeded from the operating system's randomness (as `rand`'s
/// `StdRng` is).
fn rng() -> Result<ChaCha20Rng, CliError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)
        .map_err(|e| CliError::Failure(format!("the system's random source failed: {e}")))?;
    Ok(ChaCha20Rng::from_seed(seed))
}
