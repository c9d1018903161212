package behavior

import (
	"slices"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
)

// Digest is the SHA-256 of a file as read.
type Digest [32]byte

// RouteKey is where some records belong: what Route decides by.
type RouteKey struct {
	Account detective.AccountID
	Region  string
	Package detective.DatasourcePackage
}

// FileRoute is the records of a file with one RouteKey, and the graphs
// that hold every one of them.
type FileRoute struct {
	RouteKey
	Graphs []arn.ARN
}

// File is a whole file ingested before: how many records it had and
// where they went.
type File struct {
	Digest   Digest
	Records  int64
	Routes   []FileRoute
	Ingested time.Time
}

// Covers reports whether ingesting f again would add nothing: now maps
// each of f's routes to the graphs that would take its records at this
// moment (Route), and each of those graphs holds them all already. With
// no graph at all it is false, so that the records are read and the
// reasons they enter none are counted.
func (f File) Covers(now map[RouteKey][]arn.ARN) bool {
	any := false
	for _, r := range f.Routes {
		for _, g := range now[r.RouteKey] {
			if !slices.Contains(r.Graphs, g) {
				return false
			}
			any = true
		}
	}
	return any
}
