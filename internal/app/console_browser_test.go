package app_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// consoleTestsDir is console-tests/ at the module root.
func consoleTestsDir(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "console-tests")
}

// mustHaveBrowser returns node and Chromium, or skips the test when they
// or playwright-core are missing; under CI it fails instead, as
// scripts/console-tests-up.sh (run by .ci/run) installs them.
func mustHaveBrowser(t *testing.T) (node, chromium string) {
	t.Helper()
	missing := func(what string) {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing; .ci/run installs it with scripts/console-tests-up.sh", what)
		}
		t.Skipf("%s is missing (scripts/console-tests-up.sh installs it)", what)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node")
	}
	chromium = os.Getenv("DETECTIVE_TEST_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		missing("Chromium (" + chromium + ")")
	}
	if _, err := os.Stat(filepath.Join(consoleTestsDir(t), "node_modules", "playwright-core", "package.json")); err != nil {
		missing("playwright-core (npm ci in console-tests)")
	}
	return node, chromium
}

// TestConsoleInBrowser drives the console in Chromium with Playwright
// (console-tests/console.spec.mjs) against the real server wiring, one
// server without and one with signature verification on one seeded
// store: sign-in in both modes, accepting an invitation, a seeded
// investigation report, an indicator followed to a profile with its chart
// and map, and a finding group. Screenshots are saved in
// console-tests/artifacts (or DETECTIVE_TEST_ARTIFACTS).
func TestConsoleInBrowser(t *testing.T) {
	node, chromium := mustHaveBrowser(t)
	st := mustOpenStore(t)
	openSrv := mustStartServer(t, st, false)
	verifySrv := mustStartServer(t, st, true)
	const hours = 30 * 24
	w := mustSeedConsoleWorld(t, st, openSrv.Addr(), hours)

	artifacts := os.Getenv("DETECTIVE_TEST_ARTIFACTS")
	if artifacts == "" {
		artifacts = filepath.Join(consoleTestsDir(t), "artifacts")
	}
	cmd := exec.CommandContext(t.Context(), node, "console.spec.mjs")
	cmd.Dir = consoleTestsDir(t)
	cmd.Env = append(os.Environ(),
		"BASE_OPEN=http://"+openSrv.Addr(), "BASE_VERIFY=http://"+verifySrv.Addr(), "CHROMIUM="+chromium,
		"GRAPH="+w.graph, "INVESTIGATION="+w.investigation, "ROLE="+profiledRole, "IP="+w.ip,
		"FROM="+w.now.Add(-hours*time.Hour).Format("2006-01-02T15:04"), "TO="+w.now.Add(time.Hour).Format("2006-01-02T15:04"),
		"ARTIFACTS="+artifacts)
	out, err := cmd.CombinedOutput()
	t.Logf("console.spec.mjs:\n%s", out)
	if err != nil {
		t.Fatalf("browser test failed: %v (screenshots in %s)", err, artifacts)
	}
}
