package sigv4

import "strings"

// maxRegionLen is the longest region a behavior graph ARN can name
// (the model's graph ARN pattern allows 2–20 characters there).
const maxRegionLen = 20

// ValidRegion reports whether region has the shape of an AWS region code:
// lowercase words joined by hyphens, the first of two letters, ending in a
// number of one or two digits (us-east-1, us-gov-west-1, ap-southeast-5).
// The region ends up inside ARNs the server builds, so anything else
// (a colon, a slash, 50 KB) must be refused before it gets there.
func ValidRegion(region string) bool {
	if len(region) > maxRegionLen {
		return false
	}
	// The words are walked in place: every signed request names a region.
	n, rest := 0, region
	for {
		w, after, more := strings.Cut(rest, "-")
		n++
		if !more {
			if n < 3 || len(w) < 1 || len(w) > 2 || strings.Trim(w, "0123456789") != "" {
				return false
			}
			return true
		}
		if w == "" || (n == 1 && len(w) != 2) || strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") != "" {
			return false
		}
		rest = after
	}
}
