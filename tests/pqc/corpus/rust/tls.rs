use std::sync::Arc;

use rustls::crypto::aws_lc_rs::{self, cipher_suite, kx_group};
use rustls::{ClientConfig, RootCertStore};
use ed25519_dalek::{Signer, SigningKey};
use x25519_dalek::{EphemeralSecret, PublicKey};
use hmac::{Hmac, Mac};
use sha2::Sha512;

type HmacSha512 = Hmac<Sha512>; // expect: HMAC-SHA-512

pub fn client(roots: RootCertStore) -> Arc<ClientConfig> {
    let provider = rustls::crypto::CryptoProvider {
        cipher_suites: vec![
            cipher_suite::TLS13_AES_256_GCM_SHA384, // expect: AES-256-GCM
            cipher_suite::TLS13_CHACHA20_POLY1305_SHA256, // expect: ChaCha20-Poly1305
        ],
        kx_groups: vec![kx_group::X25519MLKEM768, kx_group::X25519], // expect: X25519MLKEM768, X25519
        ..aws_lc_rs::default_provider()
    };
    let config = ClientConfig::builder_with_provider(Arc::new(provider)) // expect: protocol:TLS
        .with_protocol_versions(&[&rustls::version::TLS13]) // expect: protocol:TLSv1.3
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    Arc::new(config)
}

pub fn sign(message: &[u8]) -> ed25519_dalek::Signature {
    let mut csprng = rand::rngs::OsRng;
    let signing_key = SigningKey::generate(&mut csprng); // expect: Ed25519
    signing_key.sign(message)
}

pub fn exchange() -> PublicKey {
    let secret = EphemeralSecret::random_from_rng(rand::rngs::OsRng); // expect: X25519
    PublicKey::from(&secret)
}

pub fn mac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = HmacSha512::new_from_slice(key).unwrap();
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}
