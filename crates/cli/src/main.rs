//! The `iotda-kit` command; everything lives in the library.

fn main() -> std::process::ExitCode {
    iotda_kit_cli::main(std::env::args_os())
}
