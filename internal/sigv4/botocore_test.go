package sigv4

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestVerifyBotocore checks requests signed by botocore, the signer of boto3
// and the AWS CLI, written by testdata/gen_botocore.py: Verify must accept
// each with the clock at its signing time, and must reject every one-byte
// change to a part the client signed.
func TestVerifyBotocore(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "botocore", "*.http"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 7 {
		t.Fatalf("found %d botocore requests in testdata, want at least 7; run testdata/gen_botocore.py", len(files))
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			r, body := mustRead(t, raw)
			sig, err := Parse(r)
			if err != nil {
				t.Fatalf("Parse(%s) = %v", file, err)
			}
			v := verifierAt(sig.Time.Add(30 * time.Second))
			if _, err := v.Verify(r, body); err != nil {
				t.Fatalf("Verify(%s) = %v, want nil", file, err)
			}

			free := unsignedBytes(raw, sig)
			for i := range raw {
				changed := bytes.Clone(raw)
				changed[i] ^= 0x01
				r, body, err := readRequest(changed)
				if err != nil {
					continue // not HTTP any more; the server would refuse it before us
				}
				if _, err := v.Verify(r, body); err == nil && !free[i] {
					t.Errorf("Verify(%s with byte %d changed to %q: %q) = nil, want an error",
						file, i, changed[i], lineAt(changed, i))
				}
			}
		})
	}
}

// unsignedBytes marks the bytes of raw a change to which need not be
// detected: the protocol version, header lines the client did not sign, and
// the body when the client signed UNSIGNED-PAYLOAD.
func unsignedBytes(raw []byte, sig Signature) []bool {
	free := make([]bool, len(raw))
	head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	start := 0
	for n, line := range bytes.SplitAfter(head, []byte("\r\n")) {
		end := start + len(line)
		name, value, _ := strings.Cut(string(line), ":")
		switch {
		case n == 0: // the request line: only "HTTP/1.1" is unsigned
			if i := bytes.LastIndexByte(line, ' '); i >= 0 {
				for j := start + i + 1; j < end; j++ {
					free[j] = true
				}
			}
		case !slices.Contains(sig.SignedHeaders, strings.ToLower(name)) && !strings.EqualFold(name, "Authorization"):
			for j := start; j < end; j++ {
				free[j] = true
			}
		case strings.EqualFold(name, "X-Amz-Content-Sha256") && strings.TrimSpace(value) == unsignedPayload:
			for j := len(head) + 4; j < len(raw); j++ {
				free[j] = true
			}
		}
		start = end
	}
	return free
}

func lineAt(raw []byte, i int) string {
	start := bytes.LastIndex(raw[:i], []byte("\n")) + 1
	end := bytes.Index(raw[i:], []byte("\r\n"))
	if end < 0 {
		return string(raw[start:])
	}
	return string(raw[start : i+end])
}

// TestVerifyBotocoreUnverifiable pins the limits documented on Verify: these
// botocore signatures are valid, but aws-sdk-go-v2's signer cannot reproduce
// them, so Verify refuses them as a mismatch rather than accepting anything
// it has not recomputed.
func TestVerifyBotocoreUnverifiable(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"date-header.http", "content-length-zero.http"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			file := filepath.Join("testdata", "botocore-unverifiable", name)
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			r, body := mustRead(t, raw)
			sig, err := Parse(r)
			if err != nil {
				t.Fatalf("Parse(%s) = %v, want nil", file, err)
			}
			_, err = verifierAt(sig.Time).Verify(r, body)
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeInvalidSignature {
				t.Errorf("Verify(%s) = %v, want %s (if it now verifies, update the doc of Verify)", file, err, CodeInvalidSignature)
			}
		})
	}
}
