package sigv4

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	algorithm  = "AWS4-HMAC-SHA256"
	timeFormat = "20060102T150405Z"
	dateFormat = "20060102"

	// maxExpires is the longest presigned lifetime SigV4 allows: the
	// signing key is derived per day and valid for seven.
	maxExpires = 7 * 24 * time.Hour
)

// Signature is what a request says about its own signing. Parse fills it
// without checking the signature; Verify checks it.
type Signature struct {
	AccessKeyID string
	// Date, Region and Service are the credential scope
	// (AKID/Date/Region/Service/aws4_request); Date is YYYYMMDD.
	Date    string
	Region  string
	Service string
	// SignedHeaders are the header names the client signed, as it listed
	// them (SigV4 requires lower case).
	SignedHeaders []string
	// Signature is the hex-encoded signature the client sent.
	Signature string
	// Time is the signing time: X-Amz-Date from the header or the query,
	// else the Date header.
	Time time.Time
	// Presigned reports whether the signature came from the query string
	// (X-Amz-Algorithm, X-Amz-Credential, ...) rather than Authorization.
	Presigned bool
	// Expires is X-Amz-Expires for presigned requests; zero when absent
	// and for header signatures.
	Expires time.Duration
	// SecurityToken is X-Amz-Security-Token (header or query), carried by
	// temporary credentials. It is reported, not checked.
	SecurityToken string
}

// Parse extracts the SigV4 signature from r's Authorization header, or, when
// there is none, from a presigned query string. It returns ErrNoSignature
// when r carries neither, and an *Error with code IncompleteSignatureException
// when what it carries is malformed. It does not verify anything, and it
// never panics, whatever r holds.
func Parse(r *http.Request) (Signature, error) {
	if auth := r.Header.Get("Authorization"); strings.TrimSpace(auth) != "" {
		return parseHeader(r, auth)
	}
	if r.URL == nil {
		return Signature{}, ErrNoSignature
	}
	q, _ := url.ParseQuery(r.URL.RawQuery) // keep the pairs that parse, as url.URL.Query does
	for _, k := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature"} {
		if _, ok := q[k]; ok {
			return parseQuery(q)
		}
	}
	return Signature{}, ErrNoSignature
}

// parseHeader parses "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
// Signature=...". The parameters are checked before the algorithm so that a
// header which is not SigV4 at all (a bearer token, say) gets the same
// "requires 'Credential' parameter" answer API Gateway gives.
func parseHeader(r *http.Request, auth string) (Signature, error) {
	auth = strings.TrimSpace(auth)
	alg, params, bad := splitAuthorization(auth)
	if bad != "" {
		// AWS: "'AKID/20181128/eu-central-1/cloud9/aws4_request' not a
		// valid key=value pair (missing equal-sign) in Authorization
		// header: 'AWS4-HMAC-SHA256 Credential= AKID/...'."
		// (iann0036/cloud9-sync#10, aws/aws-sdk-go#289).
		return Signature{}, newError(CodeIncompleteSignature,
			"'%s' not a valid key=value pair (missing equal-sign) in Authorization header: '%s'.", bad, auth)
	}

	signedAt, hasTime, timeErr := headerTime(r)

	// AWS: API Gateway lists every missing part, then the header itself:
	// "Authorization header requires 'Credential' parameter. Authorization
	// header requires 'Signature' parameter. Authorization header requires
	// 'SignedHeaders' parameter. Authorization header requires existence of
	// either a 'X-Amz-Date' or a 'Date' header. Authorization=..."
	// (aws/chalice#828, 403; brendanhay/amazonka#316).
	var missing []string
	for _, p := range []string{"Credential", "Signature", "SignedHeaders"} {
		if params.get(p) == "" {
			missing = append(missing, "Authorization header requires '"+p+"' parameter.")
		}
	}
	if !hasTime {
		missing = append(missing, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
	}
	if len(missing) > 0 {
		return Signature{}, newError(CodeIncompleteSignature, "%s Authorization=%s", strings.Join(missing, " "), auth)
	}
	if alg != algorithm {
		// Our wording: we found no observed AWS text for a well-formed
		// header naming another algorithm (SigV4a's AWS4-ECDSA-P256-SHA256,
		// say), and such a header must never be taken for SigV4.
		return Signature{}, newError(CodeIncompleteSignature,
			"Unsupported AWS 'algorithm': '%s'. Only '%s' is supported.", alg, algorithm)
	}
	if timeErr != nil {
		return Signature{}, timeErr
	}

	sig := Signature{
		SignedHeaders: splitSignedHeaders(params.signedHeaders),
		Signature:     params.signature,
		Time:          signedAt,
		SecurityToken: r.Header.Get("X-Amz-Security-Token"),
	}
	if err := sig.setCredential(params.credential); err != nil {
		return Signature{}, err
	}
	return sig, nil
}

// authParams are the parameters of an Authorization header SigV4 reads;
// a missing one is "".
type authParams struct {
	credential, signature, signedHeaders string
}

// get returns the parameter called name.
func (p authParams) get(name string) string {
	switch name {
	case "Credential":
		return p.credential
	case "Signature":
		return p.signature
	case "SignedHeaders":
		return p.signedHeaders
	}
	return ""
}

// splitAuthorization splits an Authorization header into its algorithm and
// the parameters SigV4 reads (the first of each name wins; others are
// ignored). bad is the first parameter without "=", if any. It runs on
// every request, so it walks the header in place rather than building a
// list of its parts and a map of them.
//
// AWS splits the parameters at commas and at spaces alike: a stray space
// inside the credential is reported as a pair without "=".
func splitAuthorization(auth string) (alg string, params authParams, bad string) {
	alg, rest, _ := strings.Cut(auth, " ")
	var seenCred, seenSig, seenHeaders bool
	for rest != "" {
		i := indexParamSeparator(rest)
		part := rest
		if i >= 0 {
			part, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return alg, params, part
		}
		switch {
		case k == "Credential" && !seenCred:
			params.credential, seenCred = v, true
		case k == "Signature" && !seenSig:
			params.signature, seenSig = v, true
		case k == "SignedHeaders" && !seenHeaders:
			params.signedHeaders, seenHeaders = v, true
		}
	}
	return alg, params, ""
}

// headerTime returns the signing time from X-Amz-Date, else from Date, and
// whether either header was present.
//
// AWS: X-Amz-Date wins over Date when both are present (General Reference,
// "Handling dates in Signature Version 4").
func headerTime(r *http.Request) (t time.Time, ok bool, err error) {
	if v := r.Header.Get("X-Amz-Date"); v != "" {
		t, err := parseAmzDate(v)
		return t, true, err
	}
	if v := r.Header.Get("Date"); v != "" {
		t, err := http.ParseTime(v)
		if err != nil {
			// botocore writes the zone as "-0000" (email.utils.formatdate).
			t, err = time.Parse(time.RFC1123Z, v)
		}
		if err != nil {
			// Our wording, after the X-Amz-Date message below.
			return time.Time{}, true, newError(CodeIncompleteSignature,
				"Date header must be an HTTP date (RFC 7231). Got '%s'.", v)
		}
		return t.UTC(), true, nil
	}
	return time.Time{}, false, nil
}

// parseAmzDate parses SigV4's ISO-8601 basic format.
//
// AWS: "Date must be in ISO-8601 'basic format'. Got '...'. See
// http://en.wikipedia.org/wiki/ISO_8601" is the text AWS services send for
// a malformed X-Amz-Date (from memory of SDK reports; not re-verified).
func parseAmzDate(v string) (time.Time, error) {
	if t, ok := parseBasicTime(v); ok {
		return t, nil
	}
	t, err := time.Parse(timeFormat, v)
	if err != nil {
		return time.Time{}, newError(CodeIncompleteSignature,
			"Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", v)
	}
	return t, nil
}

// parseBasicTime reads YYYYMMDDTHHMMSSZ digit by digit, as every SDK
// writes it: time.Parse's layout interpreter costs more than the rest of
// parsing a signature. It reports false for anything else, including
// dates time.Parse refuses (a 31st of February), which then goes through
// time.Parse for its answer.
func parseBasicTime(v string) (time.Time, bool) {
	if len(v) != len(timeFormat) || v[8] != 'T' || v[15] != 'Z' {
		return time.Time{}, false
	}
	var n [6]int
	for i, span := range [6][2]int{{0, 4}, {4, 6}, {6, 8}, {9, 11}, {11, 13}, {13, 15}} {
		for _, c := range []byte(v[span[0]:span[1]]) {
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
			n[i] = n[i]*10 + int(c-'0')
		}
	}
	year, month, day, hour, minute, sec := n[0], time.Month(n[1]), n[2], n[3], n[4], n[5]
	if month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, month, day, hour, minute, sec, 0, time.UTC)
	if t.Day() != day { // past the month's end: time.Date normalized it
		return time.Time{}, false
	}
	return t, true
}

// parseQuery parses a presigned request's X-Amz-* parameters.
func parseQuery(q url.Values) (Signature, error) {
	// AWS: S3's wording for a missing presigning parameter ("AWS query-string
	// parameters must include 'X-Amz-Credential'. Re-examine the
	// query-string parameters."); we found no observed text from a rest-json
	// service, so we borrow it.
	for _, k := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"} {
		if q.Get(k) == "" {
			return Signature{}, newError(CodeIncompleteSignature,
				"AWS query-string parameters must include '%s'. Re-examine the query-string parameters.", k)
		}
	}
	if alg := q.Get("X-Amz-Algorithm"); alg != algorithm {
		return Signature{}, newError(CodeIncompleteSignature,
			"X-Amz-Algorithm only supports \"%s\", got \"%s\".", algorithm, alg)
	}
	t, err := parseAmzDate(q.Get("X-Amz-Date"))
	if err != nil {
		return Signature{}, err
	}
	sig := Signature{
		SignedHeaders: splitSignedHeaders(q.Get("X-Amz-SignedHeaders")),
		Signature:     q.Get("X-Amz-Signature"),
		Time:          t,
		Presigned:     true,
		SecurityToken: q.Get("X-Amz-Security-Token"),
	}
	if v := q.Get("X-Amz-Expires"); v != "" {
		// AWS: S3's AuthorizationQueryParametersError texts, borrowed for
		// the same reason as above.
		n, err := strconv.ParseInt(v, 10, 64)
		switch {
		case err != nil:
			return Signature{}, newError(CodeIncompleteSignature, "X-Amz-Expires should be a number")
		case n < 0:
			return Signature{}, newError(CodeIncompleteSignature, "X-Amz-Expires must be non-negative")
		case n > int64(maxExpires/time.Second):
			return Signature{}, newError(CodeIncompleteSignature,
				"X-Amz-Expires must be less than a week (in seconds) that is 604800")
		}
		sig.Expires = time.Duration(n) * time.Second
	}
	if err := sig.setCredential(q.Get("X-Amz-Credential")); err != nil {
		return Signature{}, err
	}
	return sig, nil
}

// setCredential parses AKID/YYYYMMDD/region/service/aws4_request into s.
func (s *Signature) setCredential(cred string) error {
	// Five parts, cut in place: the scope is read on every request.
	var parts [5]string
	if strings.Count(cred, "/") != len(parts)-1 {
		// AWS: "Credential must have exactly 5 slash-delimited elements,
		// e.g. keyid/date/region/service/term, got 'foo/bar/20210531/...'"
		// (kubernetes-sigs/aws-iam-authenticator#374, boto/boto3#1752).
		return newError(CodeIncompleteSignature,
			"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", cred)
	}
	rest := cred
	for i := range len(parts) - 1 {
		parts[i], rest, _ = strings.Cut(rest, "/")
	}
	parts[len(parts)-1] = rest
	if parts[4] != "aws4_request" {
		// Our wording, in the style of AWS's scope messages.
		return newError(CodeIncompleteSignature,
			"Credential should be scoped with a valid terminator: 'aws4_request', not '%s'.", parts[4])
	}
	if !ValidRegion(parts[2]) {
		// AWS: "Credential should be scoped to a valid region." with
		// InvalidSignatureException, as a rest-json endpoint answers a
		// scope naming no region it serves.
		return &Error{Code: CodeInvalidSignature, Status: http.StatusForbidden,
			Message: "Credential should be scoped to a valid region."}
	}
	s.AccessKeyID, s.Date, s.Region, s.Service = parts[0], parts[1], parts[2], parts[3]
	return nil
}

// indexParamSeparator is the index of the first ',', ' ' or tab in s, or
// -1. The separators are ASCII, which UTF-8 never uses inside a longer
// character, so bytes are compared rather than runes decoded.
func indexParamSeparator(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ',' || c == ' ' || c == '\t' {
			return i
		}
	}
	return -1
}

func splitSignedHeaders(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, ";")
}
