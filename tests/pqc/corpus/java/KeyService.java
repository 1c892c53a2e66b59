package com.example.qkd.keys;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.KeyGenerator;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Key management for the QKD controller.
 * Historically this used Cipher.getInstance("DES/ECB/PKCS5Padding"); that path was removed.
 */
public final class KeyService {

    private static final boolean rsaDisabled = false;   // look-alike name, not crypto
    private static final String ecdsaMigratedFlag = "no";

    public KeyPair deviceKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");  // expect: RSA-2048
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    public KeyPair signingKey() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");  // expect: EC-P-384
        ec.initialize(new ECGenParameterSpec("secp384r1"));
        return ec.generateKeyPair();
    }

    public KeyPair pqKey() throws Exception {
        return KeyPairGenerator.getInstance("ML-DSA-65").generateKeyPair();  // expect: ML-DSA-65
    }

    public SecretKey sessionKey() throws Exception {
        KeyGenerator keyGen = KeyGenerator.getInstance("AES");  // expect: AES-256
        keyGen.init(256);
        return keyGen.generateKey();
    }

    public byte[] seal(SecretKey key, byte[] iv, byte[] data) throws Exception {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");  // expect: AES-GCM
        cipher.init(Cipher.ENCRYPT_MODE, key, new javax.crypto.spec.GCMParameterSpec(128, iv));
        return cipher.doFinal(data);
    }

    public byte[] legacyExport(SecretKey key, byte[] data) throws Exception {
        // Defaults to ECB: flagged on purpose
        Cipher cipher = Cipher.getInstance("AES");  // expect: AES-ECB
        cipher.init(Cipher.ENCRYPT_MODE, key);
        return cipher.doFinal(data);
    }

    public byte[] wrap(java.security.PublicKey recipient, byte[] key) throws Exception {
        Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");  // expect: RSA
        rsa.init(Cipher.WRAP_MODE, recipient);
        return rsa.doFinal(key);
    }

    public byte[] sign(java.security.PrivateKey key, byte[] data) throws Exception {
        Signature signature = Signature.getInstance("SHA384withECDSA");  // expect: ECDSA
        signature.initSign(key);
        signature.update(data);
        return signature.sign();
    }

    public byte[] digest(byte[] data) throws Exception {
        /* MessageDigest.getInstance("MD5") was used before 2023 */
        return MessageDigest.getInstance("SHA-512").digest(data);  // expect: SHA-512
    }

    public byte[] legacyChecksum(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-1").digest(data);  // expect: SHA-1
    }

    public byte[] mac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");  // expect: HMAC-SHA-256
        mac.init(new SecretKeySpec(key, "HmacSHA256"));  // expect: HMAC-SHA-256
        return mac.doFinal(data);
    }

    public byte[] agree(java.security.PrivateKey mine, java.security.PublicKey theirs) throws Exception {
        KeyAgreement agreement = KeyAgreement.getInstance("X25519");  // expect: X25519
        agreement.init(mine);
        agreement.doPhase(theirs, true);
        return agreement.generateSecret();
    }

    public Cipher tripleDes() throws Exception {
        return Cipher.getInstance(  // expect: 3DES-CBC
            "DESede/CBC/PKCS5Padding");
    }
}
