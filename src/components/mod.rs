//! Reusable widgets.

pub mod copy_button;
pub mod download;
pub mod language;
pub mod pem_field;
pub mod shortcuts;
pub mod text_field;
pub mod theme;
pub mod value_row;
