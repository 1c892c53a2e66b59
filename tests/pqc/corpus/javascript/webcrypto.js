// Browser-side crypto for the operator console.
// TODO: drop RSASSA-PKCS1-v1_5 once all consoles are upgraded.

export async function newSessionKey() {
  return crypto.subtle.generateKey( // expect: AES-256-GCM
    { name: "AES-GCM", length: 256 },
    true,
    ["encrypt", "decrypt"],
  );
}

export async function newSigningKey() {
  return window.crypto.subtle.generateKey( // expect: ECDSA-P-384
    { name: "ECDSA", namedCurve: "P-384" },
    false,
    ["sign", "verify"],
  );
}

export async function newWrappingKey() {
  return crypto.subtle.generateKey( // expect: RSA-3072
    {
      name: "RSA-OAEP",
      modulusLength: 3072,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    },
    true,
    ["wrapKey", "unwrapKey"],
  );
}

export async function fingerprint(data) {
  return crypto.subtle.digest("SHA-256", data); // expect: SHA-256
}

export async function macKey(raw) {
  return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-384" }, false, ["sign"]); // expect: HMAC-SHA-384
}
