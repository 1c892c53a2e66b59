/* Key handling for the QKD post-processing node (OpenSSL 3).
 * Note: RSA_generate_key(1024, ...) was removed in v2.
 */
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/ec.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

static int rsa_disabled = 0; /* look-alike */

EVP_PKEY *make_rsa(void)
{
    EVP_PKEY *pkey = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, NULL); // expect: RSA-2048
    EVP_PKEY_keygen_init(ctx);
    EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048);
    EVP_PKEY_keygen(ctx, &pkey);
    EVP_PKEY_CTX_free(ctx);
    return pkey;
}

EVP_PKEY *make_ec(void)
{
    EVP_PKEY *pkey = NULL;
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, NULL); // expect: EC-P-256
    EVP_PKEY_keygen_init(pctx);
    EVP_PKEY_CTX_set_ec_paramgen_curve_nid(pctx, NID_X9_62_prime256v1);
    EVP_PKEY_keygen(pctx, &pkey);
    return pkey;
}

EVP_PKEY *make_mlkem(void)
{
    return EVP_PKEY_Q_keygen(NULL, NULL, "ML-KEM-768"); // expect: ML-KEM-768
}

EVP_PKEY *make_rsa_quick(void)
{
    return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)4096); // expect: RSA-4096
}

int seal(const unsigned char *key, const unsigned char *iv, unsigned char *out)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    /* EVP_des_ede3_cbc() is no longer offered */
    return EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, iv); // expect: AES-256-GCM
}

int legacy_seal(const unsigned char *key, unsigned char *out)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    return EVP_EncryptInit_ex(ctx, EVP_des_ede3_cbc(), NULL, key, NULL); // expect: 3DES-CBC
}

int fetched(void)
{
    EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, "AES-128-CBC", NULL); // expect: AES-128-CBC
    EVP_MD *md = EVP_MD_fetch(NULL, "SHA3-256", NULL); // expect: SHA3-256
    return cipher != NULL && md != NULL;
}

void digest(const unsigned char *data, size_t len, unsigned char *out)
{
    SHA256(data, len, out); // expect: SHA-256
}

unsigned char *tag(const void *key, int key_len, const unsigned char *data, size_t len, unsigned char *out)
{
    return HMAC(EVP_sha384(), key, key_len, data, len, out, NULL); // expect: HMAC-SHA-384
}

const EVP_MD *legacy_md(void)
{
    return EVP_md5(); // expect: MD5
}
