import { ml_kem768 } from "@noble/post-quantum/ml-kem.js";
import { ml_dsa65 } from "@noble/post-quantum/ml-dsa.js";
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import CryptoJS from "crypto-js";

export function kem() {
  const keys = ml_kem768.keygen(); // expect: ML-KEM-768
  const { cipherText, sharedSecret } = ml_kem768.encapsulate(keys.publicKey); // expect: ML-KEM-768
  return { cipherText, sharedSecret };
}

export function signPq(message, secretKey) {
  return ml_dsa65.sign(message, secretKey); // expect: ML-DSA-65
}

export function signClassic(message, secretKey) {
  return ed25519.sign(message, secretKey); // expect: Ed25519
}

export function shared(mine, theirs) {
  return x25519.getSharedSecret(mine, theirs); // expect: X25519
}

export function legacyStorage(text, passphrase) {
  return CryptoJS.AES.encrypt(text, passphrase).toString(); // expect: AES
}

export function legacyHash(text) {
  return CryptoJS.SHA1(text).toString(); // expect: SHA-1
}
