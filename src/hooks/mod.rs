//! Reusable behaviour of components.

pub mod use_i18n;
pub mod use_mqtt_client;
pub mod use_pki_worker;
pub mod use_workspace;
