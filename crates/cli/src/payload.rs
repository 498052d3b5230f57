//! `iotda-kit payload check`: the core's check of any uplink
//! (`iotda_core::iotda::check_uplink`), with the file and the clock read
//! here.
//!
//! Prints one line per problem and per warning (`warning: <path>:
//! <sentence>`), then "valid" when there is no problem. Exit status: 0 no
//! problem, 1 problems, 2 a file that cannot be read or a topic IoTDA does
//! not take.

use std::path::Path;

use iotda_core::iotda::{check_uplink, TopicClass};

use crate::args::{ModelFileArgs, PayloadArgs, PayloadCheckArgs, PayloadCommand};
use crate::{model, read_file, unix_now_millis, CliError};

/// Runs one `payload` command.
pub fn run(args: &PayloadArgs) -> Result<(), CliError> {
    match &args.command {
        PayloadCommand::Check(a) => check(a),
    }
}

fn check(args: &PayloadCheckArgs) -> Result<(), CliError> {
    let model = args
        .model
        .as_ref()
        .map(|path| {
            model::load(&ModelFileArgs {
                model: Some(path.clone()),
            })
        })
        .transpose()?;
    let (name, bytes) = if args.file == Path::new("-") {
        (
            "standard input".to_owned(),
            crate::input::read_stdin("the payload")?,
        )
    } else {
        (args.file.display().to_string(), read_file(&args.file)?)
    };
    let now = unix_now_millis()?;
    let found = check_uplink(&args.topic, &bytes, model.as_ref(), now)
        .map_err(|e| CliError::Usage(format!("--topic: {e}")))?;
    let what = match &found.class {
        TopicClass::System(t) => t.kind().name().to_owned(),
        TopicClass::Custom(_) => "custom topic".to_owned(),
        TopicClass::Broadcast(_) => "broadcast topic".to_owned(),
    };
    for warning in &found.warnings {
        println!("warning: {warning}");
    }
    for problem in &found.problems {
        println!("{problem}");
    }
    if found.problems.is_empty() {
        println!("valid {what}");
        return Ok(());
    }
    Err(CliError::Failure(format!(
        "{name} would not be taken as a {what}: {} problem{}",
        found.problems.len(),
        if found.problems.len() == 1 { "" } else { "s" }
    )))
}
