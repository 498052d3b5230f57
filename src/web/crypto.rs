//! RSA keys from the browser's own WebCrypto (`crypto.subtle`): generated
//! there, off this thread and in native code, and handed over as PKCS#8
//! DER bytes for the core's PKI to import (the core never calls the
//! browser).
//!
//! `crypto.subtle` exists only in secure contexts (https, or http from
//! localhost): elsewhere, and in browsers without it, every call says
//! [`SubtleError::Unavailable`] and the caller makes the key itself.

use std::future::Future;

use iotda_core::text::Message;
use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::said::crypto as said;

/// The WebCrypto call that failed, named as the API names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// `crypto.subtle.generateKey`.
    Generate,
    /// `crypto.subtle.exportKey("pkcs8", ...)`.
    Export,
}

impl Step {
    fn name(self) -> &'static str {
        match self {
            Self::Generate => "generateKey",
            Self::Export => "exportKey",
        }
    }
}

/// Why WebCrypto gave no key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubtleError {
    /// No `crypto.subtle`: the page is not in a secure context (plain
    /// http from a host other than localhost), or the browser is old.
    Unavailable,
    /// The browser refused or failed the call; its words when it gave any
    /// (an unsupported modulus length, for one).
    Refused {
        /// The call.
        step: Step,
        /// The error's `message`, if it had one.
        words: Option<String>,
    },
    /// The call answered with something else than the specification
    /// promises (a key pair; bytes): a browser bug.
    Unexpected {
        /// The call.
        step: Step,
    },
}

impl SubtleError {
    /// What went wrong, in words a person reads.
    pub fn message(&self) -> Message {
        match self {
            Self::Unavailable => Message::new(said::UNAVAILABLE),
            Self::Refused {
                step,
                words: Some(words),
            } => Message::new(said::REFUSED_SAYING)
                .with("step", step.name())
                .with("words", words),
            Self::Refused { step, words: None } => {
                Message::new(said::REFUSED).with("step", step.name())
            }
            Self::Unexpected { step } => Message::new(said::UNEXPECTED).with("step", step.name()),
        }
    }
}

/// The error's `message` property, or the value itself when it is text.
fn words(error: &JsValue) -> Option<String> {
    error.as_string().or_else(|| {
        Reflect::get(error, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
    })
}

/// Awaits `promise` (or the call's own failure) as `step`.
async fn settle(
    step: Step,
    promise: Result<js_sys::Promise, JsValue>,
) -> Result<JsValue, SubtleError> {
    let refused = |e: JsValue| SubtleError::Refused {
        step,
        words: words(&e),
    };
    JsFuture::from(promise.map_err(refused)?)
        .await
        .map_err(refused)
}

/// `{name: "RSASSA-PKCS1-v1_5", modulusLength: bits, publicExponent:
/// 65537, hash: "SHA-256"}`: the certificates' signature algorithm.
fn rsa_algorithm(bits: u32) -> Result<Object, SubtleError> {
    let algorithm = Object::new();
    let exponent = Uint8Array::from([1u8, 0, 1].as_slice());
    for (name, value) in [
        ("name", JsValue::from_str("RSASSA-PKCS1-v1_5")),
        ("modulusLength", JsValue::from(bits)),
        ("publicExponent", exponent.into()),
        ("hash", JsValue::from_str("SHA-256")),
    ] {
        Reflect::set(&algorithm, &name.into(), &value).map_err(|e| SubtleError::Refused {
            step: Step::Generate,
            words: words(&e),
        })?;
    }
    Ok(algorithm)
}

/// A fresh RSA private key of `bits` (e = 65537) from `crypto.subtle`,
/// as PKCS#8 `PrivateKeyInfo` DER. WebCrypto starts on it at once, on its
/// own threads: several asked for before the first is awaited are made
/// side by side.
pub fn generate_rsa_pkcs8(
    crypto: &web_sys::Crypto,
    bits: u32,
) -> impl Future<Output = Result<Vec<u8>, SubtleError>> + 'static {
    let started = start(crypto, bits);
    async move {
        let (subtle, generating) = started?;
        let pair = settle(Step::Generate, Ok(generating)).await?;
        let private = Reflect::get(&pair, &"privateKey".into())
            .ok()
            .and_then(|k| k.dyn_into::<web_sys::CryptoKey>().ok())
            .ok_or(SubtleError::Unexpected {
                step: Step::Generate,
            })?;
        let der = settle(Step::Export, subtle.export_key("pkcs8", &private)).await?;
        let der = der
            .dyn_into::<ArrayBuffer>()
            .map_err(|_| SubtleError::Unexpected { step: Step::Export })?;
        Ok(Uint8Array::new(&der).to_vec())
    }
}

/// Calls `generateKey`: the promise of the key pair, and the `subtle` to
/// export it with.
fn start(
    crypto: &web_sys::Crypto,
    bits: u32,
) -> Result<(web_sys::SubtleCrypto, js_sys::Promise), SubtleError> {
    // `crypto.subtle` is undefined outside secure contexts, though the
    // binding types it as always there.
    let subtle = Reflect::get(crypto, &"subtle".into())
        .ok()
        .filter(|s| !s.is_undefined() && !s.is_null())
        .ok_or(SubtleError::Unavailable)?
        .unchecked_into::<web_sys::SubtleCrypto>();
    let usages = Array::of2(&"sign".into(), &"verify".into());
    let generating = subtle
        .generate_key_with_object(&rsa_algorithm(bits)?, true, &usages)
        .map_err(|e| SubtleError::Refused {
            step: Step::Generate,
            words: words(&e),
        })?;
    Ok((subtle, generating))
}
