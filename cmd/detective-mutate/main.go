// Command detective-mutate checks that the test suite catches broken rules:
// it applies each mutant of its list (a one-line change that breaks one
// important rule) to a private copy of the module, runs the tests that
// claim the rule, and reports whether they failed (killed) or passed
// (survived). A surviving mutant is a rule no test holds.
//
// Operator mutation tools (scripts/mutation.sh runs gremlins) flip
// comparisons and arithmetic; they cannot drop a SQL locking clause or an
// error-text replacement, and they run each package's own tests, while
// this project's rules are held by end-to-end tests in other packages.
// Hence a short list of targeted mutants, each with the tests to run.
//
// Usage:
//
//	go run ./cmd/detective-mutate [-run regexp] [-timeout 3m] [-list]
//
// Mutants that need PostgreSQL are skipped unless DETECTIVE_TEST_POSTGRES
// names a database. The exit status is 1 when any mutant survived or the
// unmutated tests failed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

func main() {
	var (
		run     = flag.String("run", "", "only mutants whose name matches this regexp")
		timeout = flag.Duration("timeout", 3*time.Minute, "longest a test run may take; a mutant that hangs that long counts as killed, but is reported as slow")
		list    = flag.Bool("list", false, "list the mutants and exit")
		root    = flag.String("module", ".", "root of the module to mutate")
	)
	flag.Parse()
	ms, err := selectMutants(mutants(), *run)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if *list {
		for _, m := range ms {
			fmt.Printf("%-40s %s\n", m.Name, m.File)
		}
		return
	}
	code, err := runAll(*root, ms, *timeout, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "detective-mutate:", err)
		os.Exit(2)
	}
	os.Exit(code)
}

func selectMutants(all []mutant, pattern string) ([]mutant, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("-run: %w", err)
	}
	var out []mutant
	for _, m := range all {
		if re.MatchString(m.Name) {
			out = append(out, m)
		}
	}
	return out, nil
}

// outcome is what became of one mutant.
type outcome string

const (
	killed   outcome = "killed"
	slow     outcome = "killed by timeout" // a hang, not a failing test: make the test fail fast
	survived outcome = "SURVIVED"
	skipped  outcome = "skipped"
)

// runAll copies the module once, checks that the selected tests pass
// unmutated, then applies each mutant in turn to the copy (restoring the
// file afterwards) and runs its tests.
func runAll(root string, ms []mutant, timeout time.Duration, w io.Writer) (int, error) {
	dir, err := os.MkdirTemp("", "detective-mutate-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	if err := copyModule(root, dir); err != nil {
		return 0, fmt.Errorf("copy module: %w", err)
	}
	havePostgres := os.Getenv("DETECTIVE_TEST_POSTGRES") != ""
	counts := map[outcome]int{}
	exit := 0
	baseline := map[string]error{} // by packages and tests: each set runs unmutated once
	for _, m := range ms {
		if m.Postgres && !havePostgres {
			counts[skipped]++
			fmt.Fprintf(w, "%-40s %s (needs DETECTIVE_TEST_POSTGRES)\n", m.Name, skipped)
			continue
		}
		key := strings.Join(m.Packages, " ") + " -run " + m.Tests
		err, done := baseline[key]
		if !done {
			var out string
			out, err = runTests(dir, m, timeout)
			if err != nil {
				fmt.Fprintf(w, "%s: unmutated tests fail:\n%s\n", key, out)
			}
			baseline[key] = err
		}
		if err != nil {
			fmt.Fprintf(w, "%-40s not judged: its tests fail unmutated\n", m.Name)
			exit = 1
			continue
		}
		o, took, failed, err := runMutant(dir, m, timeout)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", m.Name, err)
		}
		counts[o]++
		if o == survived || o == slow {
			exit = 1
		}
		fmt.Fprintf(w, "%-40s %s in %.1fs by %s\n", m.Name, o, took.Seconds(), failed)
	}
	judged := counts[killed] + counts[slow] + counts[survived]
	fmt.Fprintf(w, "\n%d mutants: %d killed, %d killed only by timeout, %d survived, %d skipped",
		len(ms), counts[killed], counts[slow], counts[survived], counts[skipped])
	if judged > 0 {
		fmt.Fprintf(w, "; score %d/%d", counts[killed], judged)
	}
	fmt.Fprintln(w)
	return exit, nil
}

// runMutant applies m in dir, runs its tests and restores the file. It
// returns the outcome, how long the tests took (build included) and the
// tests that failed.
func runMutant(dir string, m mutant, timeout time.Duration) (outcome, time.Duration, string, error) {
	path := filepath.Join(dir, filepath.FromSlash(m.File))
	orig, err := os.ReadFile(path)
	if err != nil {
		return "", 0, "", err
	}
	mutated, err := m.apply(orig)
	if err != nil {
		return "", 0, "", err
	}
	if err := os.WriteFile(path, mutated, 0o644); err != nil {
		return "", 0, "", err
	}
	defer os.WriteFile(path, orig, 0o644)
	start := time.Now()
	out, err := runTests(dir, m, timeout)
	took := time.Since(start)
	failed := failedTests(out)
	switch {
	case err == nil:
		return survived, took, "-", nil
	case errors.Is(err, context.DeadlineExceeded):
		return slow, took, failed, nil
	}
	return killed, took, failed, nil
}

// failedTests names the top-level tests that failed in go test -v output,
// or says the build failed.
func failedTests(out string) string {
	var names []string
	for _, line := range strings.Split(out, "\n") {
		if name, ok := strings.CutPrefix(line, "--- FAIL: "); ok {
			name, _, _ = strings.Cut(name, " ")
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		if strings.Contains(out, "[build failed]") || strings.Contains(out, "[setup failed]") {
			return "the build (mutant does not compile)"
		}
		return "a test run that failed without a failing test"
	}
	return strings.Join(names, ", ")
}

// runTests runs m's tests in dir, returning their output and a non-nil
// error when they fail (context.DeadlineExceeded when they hang).
func runTests(dir string, m mutant, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	args := append([]string{"test", "-count=1", "-v", "-failfast", "-timeout", timeout.String(), "-run", m.Tests}, m.Packages...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return string(out), ctx.Err()
	}
	if err == nil && !strings.Contains(string(out), "--- PASS") {
		// Passing without running a test would judge every mutant survived.
		return string(out), fmt.Errorf("-run %q matches no test", m.Tests)
	}
	if err != nil && strings.Contains(string(out), "panic: test timed out") {
		return string(out), context.DeadlineExceeded
	}
	return string(out), err
}

// copyModule copies the module's files (not .git) from src to dst.
func copyModule(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" || (rel != "." && d.Name() == "data") {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
}
