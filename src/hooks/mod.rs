//! Reusable behaviour of components.

pub mod use_pki_worker;
