package quickxor

import (
	"encoding/base64"
	"testing"
)

// Vectors from Microsoft's reference algorithm (as published with rclone's
// OneDrive backend): input and digest in Base64.
func TestOf(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{``, "AAAAAAAAAAAAAAAAAAAAAAAAAAA="},
		{`Sg==`, "SgAAAAAAAAAAAAAAAQAAAAAAAAA="},
		{`tbQ=`, "taAFAAAAAAAAAAAAAgAAAAAAAAA="},
		{`/aNzzCFPS/A=`, "/RjFHJgRgicsAR4ACAAAAAAAAAA="},
		{`2fuxhBJXtpWFe8dOfdGeHw==`, "O9tHLAghgSvYohKFyMMxnNCHaHg="},
		{`T6LYJIfDh81JrAK309H2JMJTXis=`, "zBTHrspn3mEcohlJdIUAbjGNaNg="},
		{`NbYXsp5/K6mR+NmHwExjvWeWDJFnXTKWVlzYHoesp2E=`, "wjuAuWDiq04qDt1R8hHWDDcwVoQ="},
		{"ikwCorI7PKWz17EI50jZCGbV9JU2E8bXVfxNMg5zdmqSZ2NlsQPp0kqYIPjzwTg1MBtfWPg53k0h0P2naJNEVgrqpoHTfV2b3pJ4m0zYPTJmUX4Bg/lOxcnCxAYKU29Y5F0U8Quz7ZXFBEweftXxJ7RS4r6N7BzJrPsLhY7hgck=", "imAoFvCWlDn4yVw3/oq1PDbbm6U="},
		{"qwGf2ESubE5jOUHHyc94ORczFYYbc2OmEzo+hBIyzJiNwAzC8PvJqtTzwkWkSslgHFGWQZR2BV5+uYTrYT7HVwRM40vqfj0dBgeDENyTenIOL1LHkjtDKoXEnQ0mXAHoJ8PjbNC93zi5TovVRXTNzfGEs5dpWVqxUzb5lc7dwkyvOluBw482mQ4xrzYyIY1t+//OrNi1ObGXuUw2jBQOFfJVj2Y6BOyYmfB1y36eBxi3zxeG5d5NYjm2GSh6e08QMAwu3zrINcqIzLOuNIiGXBtl7DjKt7b5wqi4oFiRpZsCyx2smhSrdrtK/CkdU6nDN+34vSR/M8rZpWQdBE7a8g==", "WYT9JY3JIo/pEBp+tIM6Gt2nyTM="},
	} {
		in, err := base64.StdEncoding.DecodeString(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := Of(in); got != tc.want {
			t.Errorf("Of(%d bytes) = %s, want %s", len(in), got, tc.want)
		}
		// Written in pieces, the digest is the same.
		for _, step := range []int{1, 3, 7, 160, 161} {
			var h Hash
			for i := 0; i < len(in); i += step {
				h.Write(in[i:min(i+step, len(in))])
			}
			if got := h.String(); got != tc.want {
				t.Errorf("%d bytes in steps of %d = %s, want %s", len(in), step, got, tc.want)
			}
		}
	}
}
