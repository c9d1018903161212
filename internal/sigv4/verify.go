package sigv4

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/logging"
)

// DefaultMaxSkew is the clock skew Verify allows when Verifier.MaxSkew is
// zero.
//
// AWS: five minutes either way ("... (20160610T181112Z - 5 min.)",
// "... (20181120T211029Z + 5 min.)" in the reports cited in error.go).
const DefaultMaxSkew = 5 * time.Minute

const unsignedPayload = "UNSIGNED-PAYLOAD"

// Verifier checks SigV4 signatures. Its zero value knows no keys; set
// Secret. A Verifier is safe for concurrent use if Secret and Now are.
type Verifier struct {
	// Secret returns the secret access key of accessKeyID, and false when
	// the key is unknown.
	Secret func(accessKeyID string) (secret string, ok bool)
	// MaxSkew is how far the signing time may be from Now, either way.
	// Zero means DefaultMaxSkew.
	MaxSkew time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Verify reports whether r, whose body has already been read into body,
// carries a valid SigV4 signature by a known key. It returns the parsed
// signature (also alongside most errors, for logging) and an *Error that
// AWS would send otherwise:
//
//   - MissingAuthenticationTokenException: no signature at all;
//   - IncompleteSignatureException: a malformed signature (see Parse);
//   - UnrecognizedClientException: Secret does not know the access key;
//   - InvalidSignatureException: the credential-scope date is not the
//     signing date, the signing time is outside MaxSkew of Now (for a
//     presigned request: later than Now+MaxSkew or more than X-Amz-Expires
//     ago), or the signature does not match.
//
// Verify accepts any region and service in the credential scope; routing
// decides whether the service is the right one. It does not check
// X-Amz-Security-Token. Any other error is an internal failure of the
// signer.
//
// The signature is recomputed by aws-sdk-go-v2's signer over a request
// rebuilt from exactly the headers the client signed. Two valid signatures
// cannot be reproduced that way and fail as a mismatch: one whose signed
// headers include Content-Length with the value 0, and one dated by the Date
// header instead of X-Amz-Date (the Go signer always signs X-Amz-Date). The
// AWS SDKs and the CLI do neither for Detective's requests, whose bodies are
// never empty on the methods that carry one. The canonical URI is the path
// as sent, escaped once more, as every SDK signs it for services other than
// S3; botocore's removal of empty, "." and ".." segments is not reproduced.
func (v *Verifier) Verify(r *http.Request, body []byte) (Signature, error) {
	sig, err := Parse(r)
	if errors.Is(err, ErrNoSignature) {
		return Signature{}, errMissingToken()
	}
	if err != nil {
		return Signature{}, err
	}
	var secret string
	var ok bool
	if v.Secret != nil {
		secret, ok = v.Secret(sig.AccessKeyID)
	}
	if !ok {
		return sig, errUnrecognizedClient()
	}
	if d := sig.Time.Format(dateFormat); sig.Date != d {
		// AWS: the text starts as the IAM user guide's SigV4
		// troubleshooting page quotes it; the "'a' != 'b', from 'c'."
		// detail is from memory of AWS responses, not re-verified.
		return sig, newError(CodeInvalidSignature,
			"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			sig.Date, d, amzTime(sig.Time))
	}
	if err := v.checkTime(sig); err != nil {
		return sig, err
	}
	want, err := resign(r, body, sig, secret)
	if err != nil {
		return sig, err
	}
	// The signer chooses the signed headers itself, from the rebuilt
	// request; they must be exactly the ones the client claims, or a client
	// list naming a header the signer will not sign (or an altered list)
	// would pass for the list it actually signed.
	sameHeaders := want.signedHeaders == strings.Join(sig.SignedHeaders, ";")
	sameSignature := subtle.ConstantTimeCompare([]byte(want.signature), []byte(sig.Signature)) == 1
	if !sameHeaders || !sameSignature {
		return sig, errSignatureMismatch(want.canonical, want.stringToSign)
	}
	return sig, nil
}

func (v *Verifier) checkTime(sig Signature) error {
	now := time.Now()
	if v.Now != nil {
		now = v.Now()
	}
	now = now.UTC()
	skew := v.MaxSkew
	if skew <= 0 {
		skew = DefaultMaxSkew
	}
	if sig.Time.After(now.Add(skew)) {
		return errNotYetCurrent(sig.Time, now, skew)
	}
	// A presigned URL lives for X-Amz-Expires instead of the skew window
	// (AWS: S3's documented rule; we apply it to every service). Without
	// X-Amz-Expires, or with 0, it gets the skew window of a header
	// signature: not every service reads the parameter (the Go signer's
	// PresignHTTP docs; STS ignores it, aws/aws-sdk-go#2167), so there is no
	// AWS lifetime to copy.
	window := skew
	if sig.Presigned && sig.Expires > 0 {
		window = sig.Expires
	}
	if sig.Time.Before(now.Add(-window)) {
		return errExpired(sig.Time, now, window)
	}
	return nil
}

// recomputed is the signer's view of a rebuilt request.
type recomputed struct {
	signature     string
	signedHeaders string // as the signer listed them, ";"-separated
	canonical     string // canonical request, for the mismatch message
	stringToSign  string
}

// resign signs again, with secret, the request the client signed.
func resign(r *http.Request, body []byte, sig Signature, secret string) (recomputed, error) {
	req := rebuild(r, sig)
	hash := payloadHash(r, body, sig)

	var out recomputed
	// The signer logs the canonical request and string to sign only through
	// its logger (format logSignInfoMsg, arguments in that order); catching
	// them is the only way to echo them back as AWS does without computing
	// them ourselves.
	capture := logging.LoggerFunc(func(_ logging.Classification, _ string, v ...any) {
		if len(v) >= 2 {
			out.canonical, _ = v[0].(string)
			out.stringToSign, _ = v[1].(string)
		}
	})
	opts := func(o *v4.SignerOptions) {
		// The client's query already holds whatever it hoisted, and its
		// headers are the ones it signed; the signer must move neither.
		o.DisableHeaderHoisting = true
		// The token, when signed, is already among the copied headers or
		// the query; the signer must not add one.
		o.DisableSessionToken = true
		// S3 is the one service whose canonical URI is the path as sent;
		// every other service escapes the escaped path once more, which is
		// what botocore and the Go SDK do for Detective's percent-encoded
		// ARNs in /tags/{ResourceArn}.
		o.DisableURIPathEscaping = sig.Service == "s3"
		o.Logger = capture
		o.LogSigning = true
	}
	creds := aws.Credentials{AccessKeyID: sig.AccessKeyID, SecretAccessKey: secret}
	signer := v4.NewSigner()

	if sig.Presigned {
		uri, _, err := signer.PresignHTTP(r.Context(), creds, req, hash, sig.Service, sig.Region, sig.Time, opts)
		if err != nil {
			return recomputed{}, fmt.Errorf("sigv4: presign: %w", err)
		}
		// The signer escapes every query component, so the last "?" starts
		// the query whatever Host held.
		q, _ := url.ParseQuery(uri[strings.LastIndexByte(uri, '?')+1:])
		out.signature, out.signedHeaders = q.Get("X-Amz-Signature"), q.Get("X-Amz-SignedHeaders")
		return out, nil
	}
	if err := signer.SignHTTP(r.Context(), creds, req, hash, sig.Service, sig.Region, sig.Time, opts); err != nil {
		return recomputed{}, fmt.Errorf("sigv4: sign: %w", err)
	}
	_, params, _ := splitAuthorization(req.Header.Get("Authorization"))
	out.signature, out.signedHeaders = params.signature, params.signedHeaders
	return out, nil
}

// rebuild returns a request carrying only what the client signed: method,
// escaped path, query (less X-Amz-Signature when presigned), Host, and the
// signed headers with their received values. Anything more would be signed
// too, since the signer signs every header it does not ignore.
func rebuild(r *http.Request, sig Signature) *http.Request {
	host := r.Host
	if host == "" && r.URL != nil {
		host = r.URL.Host
	}
	// The scheme only tells the signer which default port to strip from
	// Host, as clients do before signing.
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	var q url.Values
	if r.URL != nil {
		q, _ = url.ParseQuery(r.URL.RawQuery) // the pairs url.URL.Query keeps
	}
	if sig.Presigned {
		q.Del("X-Amz-Signature")
	}
	method := r.Method
	if method == "" {
		method = http.MethodGet
	}
	req := &http.Request{
		Method: method,
		// Opaque is the signer's documented way to sign a path exactly as
		// given ("//host/path"); the path is the one on the wire.
		URL:    &url.URL{Scheme: scheme, Host: host, Opaque: "//" + host + wirePath(r), RawQuery: q.Encode()},
		Host:   host,
		Header: make(http.Header, len(sig.SignedHeaders)),
	}
	for _, name := range sig.SignedHeaders {
		lower := strings.ToLower(name)
		switch lower {
		case "host":
			// The signer always signs req.Host.
		case "content-length":
			// The signer signs Content-Length from ContentLength alone, and
			// only when positive; net/http has parsed the header into
			// r.ContentLength.
			if r.ContentLength > 0 {
				req.ContentLength = r.ContentLength
			}
		case "x-amz-date":
			// The signer writes this key itself, from the signing time
			// parsed out of this very value; a second spelling of the key
			// would make it sign the value twice.
			req.Header["X-Amz-Date"] = r.Header.Values(name)
		default:
			if vs := r.Header.Values(name); len(vs) > 0 {
				// The lower-case key is deliberate: the signer skips
				// User-Agent, X-Amzn-Trace-Id and Expect by looking their
				// canonical spelling up in a map, so a key spelt otherwise
				// is signed. Clients that sign those headers (the AWS SDK
				// for Java 1.x signs User-Agent) verify only thanks to
				// this; TestVerifyBotocore covers it.
				req.Header[lower] = vs
			}
		}
	}
	return req
}

// wirePath is r's path exactly as the client sent it, still escaped: both
// clients and AWS sign the bytes on the wire, and url.URL.EscapedPath may
// re-escape a path it would have encoded differently.
func wirePath(r *http.Request) string {
	if p := r.RequestURI; strings.HasPrefix(p, "/") {
		if i := strings.IndexByte(p, '?'); i >= 0 {
			p = p[:i]
		}
		return p
	}
	if r.URL != nil {
		return r.URL.EscapedPath()
	}
	return "/"
}

// payloadHash is the hex SHA-256 of body, unless the client signed
// "UNSIGNED-PAYLOAD" in X-Amz-Content-Sha256 (a signed header, or for a
// presigned request a query parameter). A client that signs some other hash
// in that header gets the body's real hash here, so a body that does not
// match it fails as a signature mismatch.
func payloadHash(r *http.Request, body []byte, sig Signature) string {
	const name = "x-amz-content-sha256"
	if r.Header.Get(name) == unsignedPayload && slices.ContainsFunc(sig.SignedHeaders, func(h string) bool { return strings.EqualFold(h, name) }) {
		return unsignedPayload
	}
	if sig.Presigned && r.URL != nil && r.URL.Query().Get("X-Amz-Content-Sha256") == unsignedPayload {
		return unsignedPayload
	}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}
