// Package keys manages device identities for the gravimeter fleet.
//
// Earlier versions called rsa.GenerateKey(rand.Reader, 1024); see the changelog.
package keys

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/md5"
	"crypto/mlkem"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
)

var rsaDisabled = false // look-alike

func DeviceKey() (*rsa.PrivateKey, error) {
	return rsa.GenerateKey(rand.Reader, 3072) // expect: RSA-3072
}

func LegacyKey(bits int) (*rsa.PrivateKey, error) {
	return rsa.GenerateKey(rand.Reader, bits) // expect: RSA
}

func SigningKey() (*ecdsa.PrivateKey, error) {
	return ecdsa.GenerateKey(elliptic.P256(), rand.Reader) // expect: ECDSA-P-256
}

func Sign(key *ecdsa.PrivateKey, digest []byte) ([]byte, error) {
	return ecdsa.SignASN1(rand.Reader, key, digest) // expect: ECDSA
}

func Exchange() (*ecdh.PrivateKey, error) {
	return ecdh.X25519().GenerateKey(rand.Reader) // expect: X25519
}

func ExchangeP384() (*ecdh.PrivateKey, error) {
	return ecdh.P384().GenerateKey(rand.Reader) // expect: ECDH-P-384
}

func Firmware() (ed25519.PublicKey, ed25519.PrivateKey, error) {
	return ed25519.GenerateKey(rand.Reader) // expect: Ed25519
}

func PostQuantum() (*mlkem.DecapsulationKey768, error) {
	return mlkem.GenerateKey768() // expect: ML-KEM-768
}

func Seal(key, nonce, data []byte) ([]byte, error) {
	block, err := aes.NewCipher(key) // expect: AES-GCM
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return aead.Seal(nil, nonce, data, nil), nil
}

func Wrap(pub *rsa.PublicKey, secret []byte) ([]byte, error) {
	return rsa.EncryptOAEP(sha256.New(), rand.Reader, pub, secret, nil) // expect: RSA, SHA-256
}

func Checksum(data []byte) [16]byte {
	/* md5.Sum is only for the legacy cache */
	return md5.Sum(data) // expect: MD5
}

func Digest(data []byte) [48]byte {
	return sha512.Sum384(data) // expect: SHA-384
}

func Tag(key, data []byte) []byte {
	mac := hmac.New(sha256.New, key) // expect: HMAC-SHA-256
	mac.Write(data)
	return mac.Sum(nil)
}
