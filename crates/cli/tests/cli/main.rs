//! Runs the built `iotda-kit` binary as a user would.
// Helpers outside #[test] functions unwrap too: a failure is a test failure.
#![allow(clippy::unwrap_used)]

mod cert;
mod credentials;
mod model;
mod mqtt;
mod packet;
mod serve;

use std::path::Path;
use std::process::{Command, Output};

/// The console's offline product-model ZIP of the core's tests (services
/// Battery, Connectivity, DM, Switch01).
pub const PROFILE_ZIP: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../core/tests/fixtures/iotda/product_model_profile.zip"
);

/// Runs `iotda-kit` with `args`, without any IOTDA_* variable of the caller.
pub fn kit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iotda-kit"))
        .args(args)
        .env_remove("IOTDA_SECRET")
        .env_remove("IOTDA_KEY_PASSPHRASE")
        .output()
        .expect("run iotda-kit")
}

/// Like [`kit`], with path arguments.
pub fn kit_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iotda-kit"))
        .args(args)
        .current_dir(dir)
        .env_remove("IOTDA_SECRET")
        .env_remove("IOTDA_KEY_PASSPHRASE")
        .output()
        .expect("run iotda-kit")
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("utf-8 output")
}

/// Asserts a command succeeded, showing its stderr otherwise.
pub fn ok(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    text(&out.stdout)
}
