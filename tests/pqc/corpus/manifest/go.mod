module example.test/gravimeter

go 1.24

require (
	github.com/cloudflare/circl v1.5.0 // expect: library:github.com/cloudflare/circl@v1.5.0
	github.com/golang-jwt/jwt/v5 v5.2.1 // expect: library:github.com/golang-jwt/jwt/v5@v5.2.1
	github.com/stretchr/testify v1.9.0
	golang.org/x/crypto v0.28.0 // expect: library:golang.org/x/crypto@v0.28.0
)
