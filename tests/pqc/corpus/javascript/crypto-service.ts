import { createCipheriv, createHash, createHmac, generateKeyPairSync, randomBytes, createECDH, pbkdf2Sync } from "node:crypto";
import * as crypto from "node:crypto";

// createCipheriv('des-ede3-cbc', key, iv) was the old path; removed in 2.0
const rsaDisabled = false; // look-alike
const docs = "We use aes-256-gcm for records and sha256 for checksums";

export function sealRecord(key: Buffer, data: Buffer) {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv); // expect: AES-256-GCM
  return Buffer.concat([cipher.update(data), cipher.final(), cipher.getAuthTag()]);
}

export function legacyDecrypt(key: Buffer, iv: Buffer, data: Buffer) {
  const decipher = crypto.createDecipheriv("aes-128-cbc", key, iv); // expect: AES-128-CBC
  return Buffer.concat([decipher.update(data), decipher.final()]);
}

export const checksum = (data: Buffer) => createHash("sha256").update(data).digest("hex"); // expect: SHA-256
export const legacyEtag = (data: string) => createHash("md5").update(data).digest("hex"); // expect: MD5

export function sign(key: Buffer, body: string) {
  return createHmac("sha512", key).update(body).digest("base64"); // expect: HMAC-SHA-512
}

export function deviceKeys() {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { // expect: RSA-4096
    modulusLength: 4096,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return { publicKey, privateKey };
}

export function signingKeys() {
  return generateKeyPairSync("ec", { namedCurve: "P-384" }); // expect: EC-P-384
}

export function firmwareKeys() {
  return generateKeyPairSync("ed25519"); // expect: Ed25519
}

export function agreement() {
  const ecdh = createECDH("prime256v1"); // expect: ECDH-P-256
  return ecdh.generateKeys();
}

export function passwordKey(password: string, salt: Buffer) {
  return pbkdf2Sync(password, salt, 600000, 32, "sha512"); // expect: PBKDF2
}

export function legacySignature(privateKey: string, data: string) {
  return crypto.createSign("RSA-SHA1").update(data).sign(privateKey); // expect: RSA
}
