package legacy

import (
	"crypto/sha1"
	"fmt"
)

// Fingerprint is kept for compatibility with v1 clients.
func Fingerprint(data []byte) string {
	fmt.Println("computing sha1.Sum for legacy clients")
	return fmt.Sprintf("%x", sha1.Sum(data)) // expect: SHA-1
}
