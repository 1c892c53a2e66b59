#include <sodium.h>
#include <oqs/oqs.h>

/* crypto_box_easy() wraps X25519 + XSalsa20-Poly1305; we document it here only. */

int make_box_keys(unsigned char *pk, unsigned char *sk)
{
    return crypto_box_keypair(pk, sk); // expect: X25519
}

int seal_to(unsigned char *c, const unsigned char *m, unsigned long long mlen,
            const unsigned char *n, const unsigned char *pk, const unsigned char *sk)
{
    return crypto_box_easy(c, m, mlen, n, pk, sk); // expect: X25519
}

int sign_keys(unsigned char *pk, unsigned char *sk)
{
    return crypto_sign_keypair(pk, sk); // expect: Ed25519
}

int secret_seal(unsigned char *c, const unsigned char *m, unsigned long long mlen,
                const unsigned char *n, const unsigned char *k)
{
    return crypto_secretbox_easy(c, m, mlen, n, k); // expect: XSalsa20-Poly1305
}

int aead(unsigned char *c, unsigned long long *clen, const unsigned char *m, unsigned long long mlen,
         const unsigned char *npub, const unsigned char *k)
{
    return crypto_aead_xchacha20poly1305_ietf_encrypt(c, clen, m, mlen, NULL, 0, NULL, npub, k); // expect: XChaCha20-Poly1305
}

int hash_password(char *out, const char *password, unsigned long long len)
{
    return crypto_pwhash_str(out, password, len, crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE); // expect: Argon2
}

int fingerprint(unsigned char *out, const unsigned char *in, unsigned long long len)
{
    return crypto_generichash(out, 32, in, len, NULL, 0); // expect: BLAKE2b
}

OQS_KEM *pq_kem(void)
{
    return OQS_KEM_new(OQS_KEM_alg_ml_kem_1024); // expect: ML-KEM-1024
}
