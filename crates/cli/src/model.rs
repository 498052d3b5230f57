//! `iotda-kit model validate`: the core's check of a property report
//! against a product model, with the files read here.
//!
//! Exit status: 0 when the report fits ("valid"), 1 with one problem per
//! line (`<json path>: <sentence>`) when it does not, 2 when a file cannot
//! be read or is not JSON.

use std::path::Path;

use iotda_core::iotda::{
    default_model, validate_properties_report_json, Payload, PayloadError, ProductModel,
    PropertiesReport,
};

use crate::args::{ModelArgs, ModelCommand, ModelFileArgs, ValidateArgs};
use crate::{read_file, CliError};

/// Runs one `model` command.
pub fn run(args: &ModelArgs) -> Result<(), CliError> {
    match &args.command {
        ModelCommand::Validate(a) => validate(a),
    }
}

/// The product model of `--model` (REST JSON or the console's ZIP, told
/// apart by the ZIP's magic bytes), or the default one.
pub(crate) fn load(args: &ModelFileArgs) -> Result<ProductModel, CliError> {
    let Some(path) = &args.model else {
        return Ok(default_model());
    };
    let model = ProductModel::from_bytes(&read_file(path)?)
        .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?;
    // Any JSON object reads as a model without services; a report given
    // as the model, say.
    if model.service_capabilities.is_empty() {
        return Err(CliError::Usage(format!(
            "{}: the product model has no service in service_capabilities; is it a product model?",
            path.display()
        )));
    }
    Ok(model)
}

fn validate(args: &ValidateArgs) -> Result<(), CliError> {
    let model = load(&args.model)?;
    let (name, bytes) = if args.report == Path::new("-") {
        (
            "standard input".to_owned(),
            crate::input::read_stdin("the report")?,
        )
    } else {
        (args.report.display().to_string(), read_file(&args.report)?)
    };
    // Not JSON at all is a bad file; JSON of another shape is a report
    // that does not fit, and listed as its problems.
    if let Err(e @ PayloadError::Syntax { .. }) = PropertiesReport::decode(&bytes) {
        return Err(CliError::Usage(format!("{name}: {e}")));
    }
    let problems = validate_properties_report_json(&model, &bytes);
    if problems.is_empty() {
        println!("valid");
        return Ok(());
    }
    for problem in &problems {
        println!("{problem}");
    }
    Err(CliError::Failure(format!(
        "{name} does not fit the product model: {} problem{}",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    )))
}
