const crypto = require("node:crypto");

const ALGORITHM = "aes-256-cbc";

function encrypt(key, iv, text) {
  console.warn("crypto.createHash('md5') is deprecated here; use sha256");
  const cipher = crypto.createCipheriv(ALGORITHM, key, iv); // expect: AES-256-CBC
  return cipher.update(text, "utf8", "hex") + cipher.final("hex");
}

module.exports = { encrypt };
