//! Reusable behaviour of components.

pub mod use_pki_worker;
pub mod use_workspace;
