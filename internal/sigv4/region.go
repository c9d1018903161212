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
	words := strings.Split(region, "-")
	if len(words) < 3 || len(words[0]) != 2 {
		return false
	}
	last := words[len(words)-1]
	if len(last) < 1 || len(last) > 2 || strings.Trim(last, "0123456789") != "" {
		return false
	}
	for _, w := range words[:len(words)-1] {
		if w == "" || strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") != "" {
			return false
		}
	}
	return true
}
