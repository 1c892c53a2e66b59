package server

import (
	"crypto/tls"

	"github.com/golang-jwt/jwt/v5"
)

// NewConfig returns the TLS settings of the cloud API.
// tls.VersionTLS10 is rejected by the load balancer anyway.
func NewConfig() *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12, // expect: protocol:TLSv1.2
		CurvePreferences: []tls.CurveID{
			tls.X25519MLKEM768, // expect: X25519MLKEM768
			tls.X25519,         // expect: X25519
			tls.CurveP256,      // expect: ECDH-P-256
		},
		CipherSuites: []uint16{
			tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, // expect: ECDH, ECDSA, AES-256-GCM
			tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, // expect: ECDH, RSA, ChaCha20-Poly1305
		},
	}
}

func Token(claims jwt.MapClaims, key any) (string, error) {
	return jwt.NewWithClaims(jwt.SigningMethodES256, claims).SignedString(key) // expect: ECDSA-P-256
}

func VerifyLegacy() jwt.SigningMethod {
	return jwt.SigningMethodHS256 // expect: HMAC-SHA-256
}
