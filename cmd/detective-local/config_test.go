package main

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// Environment booleans parse as the flag does, and anything else is refused
// rather than read as false: a mistyped DETECTIVE_VERIFY_SIGNATURES must not
// leave a server open.
func TestConfigBooleanEnvironment(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"1", "true", "TRUE", "True", "t"} {
		cfg, err := parseConfig(nil, envOf(map[string]string{"DETECTIVE_VERIFY_SIGNATURES": v}), io.Discard)
		if err != nil || !cfg.VerifySignatures {
			t.Errorf("DETECTIVE_VERIFY_SIGNATURES=%s: VerifySignatures = %v, err = %v; want true, nil", v, cfg.VerifySignatures, err)
		}
	}
	for _, v := range []string{"0", "false", "FALSE", "f"} {
		cfg, err := parseConfig(nil, envOf(map[string]string{"DETECTIVE_VERIFY_SIGNATURES": v}), io.Discard)
		if err != nil || cfg.VerifySignatures {
			t.Errorf("DETECTIVE_VERIFY_SIGNATURES=%s: VerifySignatures = %v, err = %v; want false, nil", v, cfg.VerifySignatures, err)
		}
	}
	for _, v := range []string{"yes", "on", "enabled", "2"} {
		_, err := parseConfig(nil, envOf(map[string]string{"DETECTIVE_VERIFY_SIGNATURES": v}), io.Discard)
		if err == nil || !strings.Contains(err.Error(), "DETECTIVE_VERIFY_SIGNATURES") {
			t.Errorf("DETECTIVE_VERIFY_SIGNATURES=%s: err = %v, want one naming the variable", v, err)
		}
	}
}

// The command line overrides the environment, even a bad environment
// value, and a bad environment value does not break --help.
func TestConfigFlagOverridesEnvironment(t *testing.T) {
	t.Parallel()
	env := envOf(map[string]string{"DETECTIVE_VERIFY_SIGNATURES": "yes", "DETECTIVE_MEMBER_LIMIT": "lots", "DETECTIVE_ADDR": "127.0.0.1:9"})
	cfg, err := parseConfig([]string{"--verify-signatures=false", "--member-limit", "7", "--addr", "127.0.0.1:0"}, env, io.Discard)
	if err != nil {
		t.Fatalf("parseConfig with overriding flags: %v", err)
	}
	if cfg.VerifySignatures || cfg.MemberLimit != 7 || cfg.Addr != "127.0.0.1:0" {
		t.Errorf("config = %+v, want the command line's values", cfg)
	}
	if _, err := parseConfig([]string{"--help"}, env, io.Discard); !errors.Is(err, errHelp) {
		t.Errorf("--help with bad environment: err = %v, want errHelp", err)
	}
}

// Every flag's value is checked against its range at start.
func TestConfigRanges(t *testing.T) {
	t.Parallel()
	bad := [][]string{
		{"--max-body-bytes", "-5"},
		{"--max-body-bytes", "0"},
		{"--member-limit", "-1"},
		{"--member-limit", "0"},
		{"--volume-limit-bytes", "-1"},
		{"--verification-delay", "-1s"},
		{"--investigation-delay", "-1s"},
		{"--auto-enable-interval", "-1h"},
		{"--org-events-interval", "-1s"},
		{"--max-skew", "0"},
		{"--shutdown-timeout", "-1s"},
		{"--read-header-timeout", "0"},
		{"--body-read-timeout", "-1s"},
		{"--max-slow-bodies", "0"},
		{"--max-header-bytes", "100"},
		{"--retention", "30m"},
		{"--volume-hard-limit-bytes", "0"},
		{"--addr", ""},
		{"--default-region", "us-east-1:999999999999:graph:x"},
		{"--default-region", strings.Repeat("a", 50<<10)},
		{"--threat-intel-min-score", "0"},
		{"--investigation-interval", "-1s"},
		{"--investigation-baseline", "0"},
		{"--investigation-baseline", "9000h"},
		{"--investigation-training", "-1h"},
		{"--impossible-travel-km", "0"},
		{"--impossible-travel-km", "NaN"},
		{"--impossible-travel-km", "30000"},
		{"--impossible-travel-kmh", "-900"},
		{"--impossible-travel-kmh", "+Inf"},
		{"--finding-group-window", "-1h"},
		{"--finding-group-min-findings", "0"},
	}
	for _, args := range bad {
		if _, err := parseConfig(args, envOf(nil), io.Discard); err == nil || !strings.Contains(err.Error(), strings.TrimPrefix(args[0], "--")) {
			t.Errorf("parseConfig(%.60q) err = %v, want one naming the flag", args, err)
		}
	}
	if _, err := parseConfig(nil, envOf(map[string]string{"DETECTIVE_MEMBER_LIMIT": "-1"}), io.Discard); err == nil {
		t.Errorf("DETECTIVE_MEMBER_LIMIT=-1 accepted")
	}
	if _, err := parseConfig([]string{"--member-limit", "1", "--max-body-bytes", "1", "--verification-delay", "0",
		"--investigation-training", "0", "--investigation-interval", "0", "--finding-group-window", "0",
		"--finding-group-min-findings", "1", "--impossible-travel-km", "20038", "--threat-intel-min-score", "1"}, envOf(nil), io.Discard); err != nil {
		t.Errorf("parseConfig at the edges of the ranges: %v", err)
	}
}

// The collector's target: 400 by default, GOGC when the environment has
// it and neither the flag nor DETECTIVE_GC_PERCENT is set, else theirs.
func TestConfigGCPercent(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want int
		set  bool
	}{
		{"default", nil, nil, 400, true},
		{"GOGC", nil, map[string]string{"GOGC": "50"}, 0, false},
		{"flag over GOGC", []string{"--gc-percent", "100"}, map[string]string{"GOGC": "50"}, 100, true},
		{"variable over GOGC", nil, map[string]string{"GOGC": "50", "DETECTIVE_GC_PERCENT": "-1"}, -1, true},
		{"flag at the default value", []string{"--gc-percent=400"}, map[string]string{"GOGC": "off"}, 400, true},
	} {
		cfg, err := parseConfig(tc.args, envOf(tc.env), io.Discard)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got, set := cfg.gcPercent(envOf(tc.env)); got != tc.want || set != tc.set {
			t.Errorf("%s: gcPercent = %d, %v; want %d, %v", tc.name, got, set, tc.want, tc.set)
		}
	}
	if _, err := parseConfig([]string{"--gc-percent", "-2"}, envOf(nil), io.Discard); err == nil || !strings.Contains(err.Error(), "gc-percent") {
		t.Errorf("--gc-percent -2: err = %v, want one naming the flag", err)
	}
}
