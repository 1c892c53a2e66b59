#include <openssl/evp.h>
#include <stdio.h>

#define RECORD_CIPHER "AES-256-CBC"

EVP_CIPHER *record_cipher(void)
{
    fprintf(stderr, "falling back from EVP_aes_128_ecb()\n");
    return EVP_CIPHER_fetch(NULL, RECORD_CIPHER, NULL); // expect: AES-256-CBC
}
