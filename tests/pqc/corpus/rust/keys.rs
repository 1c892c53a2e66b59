//! Device key handling (ring and RustCrypto).
//! We deliberately do not use `signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY` any more.

use ring::rand::SystemRandom;
use ring::signature::{self, Ed25519KeyPair, EcdsaKeyPair, KeyPair};
use ring::{aead, agreement, digest, hmac};
use aes_gcm::{Aes256Gcm, KeyInit};
use rsa::{Oaep, RsaPrivateKey};
use sha2::{Digest, Sha256};
use ml_kem::{KemCore, MlKem768};

static RSA_DISABLED: bool = false; // look-alike

pub fn firmware_key(rng: &SystemRandom) -> Vec<u8> {
    Ed25519KeyPair::generate_pkcs8(rng).unwrap().as_ref().to_vec() // expect: Ed25519
}

pub fn device_key(rng: &SystemRandom) -> EcdsaKeyPair {
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_ASN1_SIGNING, rng).unwrap(); // expect: ECDSA-P-256
    EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), rng).unwrap() // expect: ECDSA-P-256
}

pub fn verify_legacy(public_key: &[u8], message: &[u8], sig: &[u8]) -> bool {
    let key = signature::UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, public_key); // expect: RSA
    key.verify(message, sig).is_ok()
}

pub fn sealing_key(bytes: &[u8]) -> aead::UnboundKey {
    aead::UnboundKey::new(&aead::AES_256_GCM, bytes).unwrap() // expect: AES-256-GCM
}

pub fn ephemeral(rng: &SystemRandom) -> agreement::EphemeralPrivateKey {
    agreement::EphemeralPrivateKey::generate(&agreement::X25519, rng).unwrap() // expect: X25519
}

pub fn checksum(data: &[u8]) -> digest::Digest {
    digest::digest(&digest::SHA384, data) // expect: SHA-384
}

pub fn tag(key: &[u8], data: &[u8]) -> hmac::Tag {
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data) // expect: HMAC-SHA-256
}

pub fn record_cipher(key: &[u8]) -> Aes256Gcm {
    Aes256Gcm::new_from_slice(key).unwrap() // expect: AES-256-GCM
}

pub fn wrapping_key(rng: &mut rand::rngs::OsRng) -> RsaPrivateKey {
    RsaPrivateKey::new(rng, 3072).unwrap() // expect: RSA-3072
}

pub fn wrap(key: &rsa::RsaPublicKey, rng: &mut rand::rngs::OsRng, secret: &[u8]) -> Vec<u8> {
    key.encrypt(rng, Oaep::new::<Sha256>(), secret).unwrap() // expect: RSA
}

pub fn fingerprint(data: &[u8]) -> Vec<u8> {
    Sha256::digest(data).to_vec() // expect: SHA-256
}

pub fn pq_keys(rng: &mut rand::rngs::OsRng) {
    let (_dk, _ek) = MlKem768::generate(rng); // expect: ML-KEM-768
}
