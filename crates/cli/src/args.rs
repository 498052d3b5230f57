//! The command line, as clap types.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Args, Parser, Subcommand};

/// IoTDA Kit: connect devices to Huawei Cloud IoTDA or any MQTT broker.
#[derive(Debug, Parser)]
#[command(name = "iotda-kit", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compute the MQTT ClientId, Username and Password of a device that
    /// authenticates with a secret, exactly as IoTDA does.
    #[command(after_help = "Examples:\n  \
        iotda-kit credentials --device-id 5f8d_node1 --secret 12345678 --timestamp 2025041401\n  \
        IOTDA_SECRET=12345678 iotda-kit credentials --device-id 5f8d_node1 --sign-type 1 --json")]
    Credentials(CredentialsArgs),
    /// Serve the built web app (trunk's dist/ folder) on 127.0.0.1 only.
    Serve(ServeArgs),
}

/// Arguments of `credentials`.
#[derive(Debug, Args)]
pub struct CredentialsArgs {
    /// Device ID as shown in the console, usually {product_id}_{node_id}.
    #[arg(long, value_name = "ID")]
    pub device_id: String,
    /// Device secret (8-32 of A-Z a-z 0-9 _ -). Prefer the IOTDA_SECRET
    /// environment variable: a command line is visible to other users.
    #[arg(
        long,
        env = "IOTDA_SECRET",
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub secret: String,
    /// 0: the platform checks the password only; 1: it also checks the
    /// timestamp against its clock.
    #[arg(long, default_value = "0", value_name = "0|1")]
    pub sign_type: String,
    /// UTC hour the password is computed for, YYYYMMDDHH [default: the
    /// current UTC hour].
    #[arg(long, value_name = "YYYYMMDDHH")]
    pub timestamp: Option<String>,
    /// Print one JSON object with client_id, username, password, timestamp
    /// and sign_type.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Folder to serve (trunk's output).
    #[arg(long, default_value = "dist", value_name = "DIR")]
    pub dir: PathBuf,
    /// Port on 127.0.0.1; 0 picks a free one (the address is printed).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
}

/// Prints a clap error: help and version as clap does, anything else as one
/// line on stderr with exit code 2.
pub fn report_clap_error(e: &clap::Error) -> ExitCode {
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        // Help goes to stdout; a failure to print it changes nothing here.
        let _ = e.print();
        let code = if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            crate::EXIT_USAGE
        } else {
            0
        };
        return ExitCode::from(code);
    }
    eprintln!("{}", one_line(&e.to_string()));
    ExitCode::from(crate::EXIT_USAGE)
}

/// The text of a clap error before its usage block, folded to one line.
fn one_line(rendered: &str) -> String {
    rendered
        .lines()
        .take_while(|l| !l.starts_with("Usage:"))
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("tip:"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_clap_errors_to_one_line() {
        let text = "error: the following required arguments were not provided:\n  --device-id <ID>\n\nUsage: iotda-kit credentials --device-id <ID>\n\nFor more information, try '--help'.\n";
        assert_eq!(
            one_line(text),
            "error: the following required arguments were not provided: --device-id <ID>"
        );
    }

    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
