//! Reusable widgets.

pub mod copy_button;
pub mod text_field;
pub mod value_row;
