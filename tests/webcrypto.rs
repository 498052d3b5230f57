//! The certificate worker's RSA keys in a real browser's dedicated worker:
//! WebCrypto's PKCS#8 export is read by the core, the worker's jobs take
//! their RSA keys from it, and without `crypto.subtle` our own generator
//! makes them. (OpenSSL checks the certificates the page makes with these
//! keys in `crates/e2e/tests/e2e.rs`.)
#![cfg(target_arch = "wasm32")]
// Helpers outside #[test] fns: a failing browser call must fail the test loudly.
#![allow(clippy::unwrap_used)]

use iotda_core::pki::{Certificate, KeyType, PrivateKey};
use iotda_core::text::Message;
use iotda_kit_web::web::crypto::{generate_rsa_pkcs8, SubtleError};
use iotda_kit_web::worker::jobs::{self, KeySource};
use iotda_kit_web::worker::protocol::{
    CaPems, Issued, Job, KeyChoice, Outcome, Request, Response, SubjectForm,
};
use iotda_kit_web::worker::BrowserKeys;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::WorkerGlobalScope;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

fn scope() -> WorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// The worker's key source, with the reasons it fell back kept.
struct Watched {
    keys: BrowserKeys,
    fell_back: Vec<Message>,
}

impl KeySource for Watched {
    async fn rsa_pkcs8(&mut self, bits: u32, then: usize) -> Result<Vec<u8>, Message> {
        self.keys.rsa_pkcs8(bits, then).await
    }

    fn fell_back(&mut self, why: Message) {
        self.fell_back.push(why);
    }
}

/// Runs `job` as the worker does and returns its result.
async fn run(job: Job, keys: &mut Watched) -> Outcome {
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let now = (js_sys::Date::now() / 1000.0) as i64;
    let mut answers = Vec::new();
    let request = Request { id: 1, job };
    jobs::handle(request, now, &mut rng, keys, &mut |r| answers.push(r)).await;
    match answers.pop() {
        Some(Response::Done { result, .. }) => *result,
        other => panic!("the job failed: {other:?}"),
    }
}

fn rsa_ca_job() -> Job {
    Job::CreateCa {
        key_type: KeyChoice::Rsa2048,
        subject: SubjectForm {
            cn: "WebCrypto CA".into(),
            ..SubjectForm::default()
        },
        days: 30,
    }
}

fn created_ca(outcome: Outcome) -> Issued {
    match outcome {
        Outcome::Ca { ca, created: true } => ca,
        other => panic!("not a new CA: {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn webcrypto_gives_an_rsa_2048_pkcs8_key_the_core_reads() {
    let der = generate_rsa_pkcs8(&scope().crypto().unwrap(), 2048)
        .await
        .unwrap();
    let key = PrivateKey::from_der(&der).unwrap();
    assert_eq!(key.key_type(), Some(KeyType::Rsa2048));
}

#[wasm_bindgen_test]
async fn the_worker_makes_rsa_ca_verification_and_batch_keys_with_webcrypto() {
    let mut keys = Watched {
        keys: BrowserKeys::of(&scope()),
        fell_back: Vec::new(),
    };
    let ca = created_ca(run(rsa_ca_job(), &mut keys).await);
    assert_eq!(ca.view.key, "RSA 2048");
    let ca = CaPems {
        cert_pem: ca.cert_pem,
        key_pem: ca.key_pem.unwrap(),
    };
    let verification = run(
        Job::Verification {
            ca: ca.clone(),
            code: "0123456789abcdef".into(),
            days: 30,
        },
        &mut keys,
    )
    .await;
    let Outcome::Issued(verification) = verification else {
        panic!("not a certificate: {verification:?}");
    };
    assert_eq!(verification.view.key, "RSA 2048");
    let cert = Certificate::from_pem(&verification.cert_pem).unwrap();
    let ca_cert = Certificate::from_pem(&ca.cert_pem).unwrap();
    iotda_core::pki::verify_signed_by(&cert, &ca_cert).unwrap();
    // A batch's keys, asked for ahead of the device that takes them.
    let batch = run(
        Job::Batch {
            ca,
            node_ids: "a\nb\nc\nd".into(),
            key_type: KeyChoice::Rsa2048,
            days: 30,
        },
        &mut keys,
    )
    .await;
    assert!(
        matches!(batch, Outcome::Batch { count: 4, .. }),
        "{batch:?}"
    );
    assert!(keys.fell_back.is_empty(), "{:?}", keys.fell_back);
}

#[wasm_bindgen_test]
async fn without_crypto_subtle_our_generator_makes_the_key() {
    // As in a page served over plain http from another host: no
    // `crypto.subtle` (an own property hides the prototype's getter).
    let hide = js_sys::Function::new_no_args(
        "Object.defineProperty(self.crypto, 'subtle', { value: undefined, configurable: true });",
    );
    let show = js_sys::Function::new_no_args("delete self.crypto.subtle;");
    hide.call0(&scope()).unwrap();
    let crypto = scope().crypto().unwrap();
    let refused = generate_rsa_pkcs8(&crypto, 2048).await;
    let mut keys = Watched {
        keys: BrowserKeys::of(&scope()),
        fell_back: Vec::new(),
    };
    let ca = created_ca(run(rsa_ca_job(), &mut keys).await);
    show.call0(&scope()).unwrap();
    assert_eq!(refused, Err(SubtleError::Unavailable));
    assert_eq!(ca.view.key, "RSA 2048");
    assert_eq!(keys.fell_back, vec![SubtleError::Unavailable.message()]);
    // Shown again, WebCrypto answers.
    assert!(generate_rsa_pkcs8(&crypto, 2048).await.is_ok());
}
