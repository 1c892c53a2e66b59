// Gravimeter firmware update signing (demo).
package firmware

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/mlkem"
	"crypto/rand"
	"crypto/sha256"
)

func SigningKey() (*ecdsa.PrivateKey, error) {
	return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
}

func ImageDigest(image []byte) [32]byte {
	return sha256.Sum256(image)
}

func TransportKey() (*mlkem.DecapsulationKey768, error) {
	return mlkem.GenerateKey768()
}
