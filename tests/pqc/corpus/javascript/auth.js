const jwt = require("jsonwebtoken");
const tls = require("node:tls");
const fs = require("node:fs");
const { SignJWT, jwtVerify } = require("jose");

// jwt.sign(payload, secret) without an algorithm defaults to HS256 -- see below
function issueSession(user, secret) {
  return jwt.sign({ sub: user.id }, secret, { expiresIn: "1h" }); // expect: HMAC-SHA-256
}

function issueServiceToken(claims, privateKey) {
  return jwt.sign(claims, privateKey, { algorithm: "RS256", expiresIn: "5m" }); // expect: RSA
}

function verifyServiceToken(token, publicKey) {
  return jwt.verify(token, publicKey, { algorithms: ["ES256"] }); // expect: ECDSA-P-256
}

async function joseToken(claims, key) {
  return new SignJWT(claims).setProtectedHeader({ alg: "EdDSA" }).sign(key); // expect: EdDSA
}

async function joseVerify(token, key) {
  return jwtVerify(token, key, { algorithms: ["PS384"] }); // expect: RSA
}

function server() {
  return tls.createServer({
    key: fs.readFileSync("server.key"),
    cert: fs.readFileSync("server.crt"),
    minVersion: "TLSv1.2", // expect: protocol:TLSv1.2
    ciphers: "TLS_AES_256_GCM_SHA384:ECDHE-RSA-AES128-GCM-SHA256", // expect: AES-256-GCM, ECDH, RSA, AES-128-GCM
    ecdhCurve: "X25519MLKEM768:X25519", // expect: X25519MLKEM768, X25519
  });
}

module.exports = { issueSession, issueServiceToken, verifyServiceToken, joseToken, joseVerify, server };
