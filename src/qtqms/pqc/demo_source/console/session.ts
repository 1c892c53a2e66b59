// Operator console (demo): session tokens and local encryption.
import { createCipheriv, createHash, randomBytes } from "node:crypto";
import jwt from "jsonwebtoken";

export function sessionToken(userId: string, privateKey: string): string {
  return jwt.sign({ sub: userId }, privateKey, { algorithm: "RS256", expiresIn: "15m" });
}

export function sealDraft(key: Buffer, text: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  return Buffer.concat([iv, cipher.update(text, "utf8"), cipher.final(), cipher.getAuthTag()]);
}

export const etag = (body: string) => createHash("sha256").update(body).digest("hex");
