package com.example.qkd.bc;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMKeyPairGenerator;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMParameters;
import io.jsonwebtoken.SignatureAlgorithm;

class BouncyCastleSigner {
    AsymmetricCipherKeyPair rsa() {
        RSAKeyPairGenerator generator = new RSAKeyPairGenerator();  // expect: RSA-4096
        generator.init(new RSAKeyGenerationParameters(BigInteger.valueOf(65537), new SecureRandom(), 4096, 80));
        return generator.generateKeyPair();
    }

    GCMBlockCipher gcm() {
        return (GCMBlockCipher) GCMBlockCipher.newInstance(AESEngine.newInstance());  // expect: AES-GCM
    }

    HMac mac() {
        return new HMac(new SHA256Digest());  // expect: HMAC-SHA-256
    }

    SHA256Digest digest() {
        return new SHA256Digest();  // expect: SHA-256
    }

    Ed25519Signer signer() {
        return new Ed25519Signer();  // expect: Ed25519
    }

    MLKEMKeyPairGenerator kem() {
        MLKEMKeyPairGenerator generator = new MLKEMKeyPairGenerator();  // expect: ML-KEM-1024
        generator.init(new org.bouncycastle.pqc.crypto.mlkem.MLKEMKeyGenerationParameters(
            new SecureRandom(), MLKEMParameters.ml_kem_1024));  // expect: ML-KEM-1024
        return generator;
    }

    SignatureAlgorithm legacyJwt() {
        return SignatureAlgorithm.RS256;  // expect: RSA
    }
}
