package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/detective-local/detective-local/internal/awslogs"
)

// logFile is one file to send, with what its path says about it.
type logFile struct {
	Path   string
	Size   int64
	Layout awslogs.Location
}

// collectFiles expands paths into the files to send, in order: a file as
// given, a directory walked in lexical order, keeping files that look like
// delivered logs and leaving out those AWS delivers beside logs (CloudTrail
// digests).
func collectFiles(paths []string) ([]logFile, error) {
	var files []logFile
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("ingest: %w", err)
		}
		if !info.IsDir() {
			files = append(files, logFile{Path: p, Size: info.Size(), Layout: awslogs.ParseKey(filepath.ToSlash(p))})
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return err
			}
			loc := awslogs.ParseKey(filepath.ToSlash(path))
			if loc.NotLog != "" || (loc.Format == "" && !awslogs.LogLike(d.Name())) {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			files = append(files, logFile{Path: path, Size: info.Size(), Layout: loc})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("ingest: %w", err)
		}
	}
	return files, nil
}
