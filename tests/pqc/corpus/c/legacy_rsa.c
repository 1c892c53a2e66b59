#include <openssl/rsa.h>
#include <openssl/ec.h>
#include <openssl/dh.h>
#include <openssl/ssl.h>

RSA *legacy_key(BIGNUM *e)
{
    RSA *rsa = RSA_new();
    RSA_generate_key_ex(rsa, 1024, e, NULL); // expect: RSA-1024
    return rsa;
}

int legacy_wrap(RSA *rsa, const unsigned char *in, int len, unsigned char *out)
{
    return RSA_public_encrypt(len, in, out, rsa, RSA_PKCS1_OAEP_PADDING); // expect: RSA
}

EC_KEY *legacy_ec(void)
{
    EC_KEY *key = EC_KEY_new_by_curve_name(NID_secp384r1); // expect: EC-P-384
    EC_KEY_generate_key(key);
    return key;
}

DH *legacy_dh(void)
{
    DH *dh = DH_new();
    DH_generate_parameters_ex(dh, 2048, DH_GENERATOR_2, NULL); // expect: DH-2048
    return dh;
}

SSL_CTX *server_ctx(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method()); // expect: protocol:TLS
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION); // expect: protocol:TLSv1.2
    SSL_CTX_set_cipher_list(ctx, "ECDHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-SHA"); // expect: ECDH, RSA, AES-256-GCM, DH, AES-128-CBC
    SSL_CTX_set1_groups_list(ctx, "X25519MLKEM768:X25519"); // expect: X25519MLKEM768, X25519
    return ctx;
}
