/* Gravimeter bootloader image check (demo). */
#include <openssl/evp.h>
#include <openssl/sha.h>

int image_digest(const unsigned char *image, size_t len, unsigned char *out)
{
    SHA256(image, len, out);
    return 1;
}

EVP_PKEY *verification_key(void)
{
    return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)3072);
}
