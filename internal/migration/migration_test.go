package migration

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestVersion(t *testing.T) {
	tests := []struct {
		name string
		want int
		ok   bool
	}{
		{"0001_init.sql", 1, true},
		{"0012_add_things.sql", 12, true},
		{"init.sql", 0, false},
		{"0000_zero.sql", 0, false},
		{"-001_negative.sql", 0, false},
		{"0002_x.txt", 0, false},
	}
	for _, tc := range tests {
		got, err := Version(tc.name)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("Version(%q) = %d, %v; want %d, ok %v", tc.name, got, err, tc.want, tc.ok)
		}
	}
}

func mustFS(names ...string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for _, n := range names {
		fsys["migrations/"+n] = &fstest.MapFile{Data: []byte("-- " + n)}
	}
	return fsys
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		want    []int
		wantErr string
	}{
		{"empty", mustFS(), nil, ""},
		{"in order", mustFS("0002_b.sql", "0001_a.sql", "0003_c.sql"), []int{1, 2, 3}, ""},
		{"other files ignored", mustFS("0001_a.sql", "README.md"), []int{1}, ""},
		{"gap", mustFS("0001_a.sql", "0003_c.sql"), nil, "0003_c.sql: version 3, want 2"},
		{"starts at 2", mustFS("0002_b.sql"), nil, "version 2, want 1"},
		{"repeat", mustFS("0001_a.sql", "0002_b.sql", "0002_c.sql"), nil, "version 2, want 3"},
		{"misnamed", mustFS("0001_a.sql", "b.sql"), nil, `"b.sql" is not named`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ms, err := Load(tc.fsys, "migrations")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Load() error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			var got []int
			for _, m := range ms {
				got = append(got, m.Version)
				if m.SQL != "-- "+m.Name {
					t.Errorf("migration %s has SQL %q", m.Name, m.SQL)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("Load() versions = %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("Load() versions = %v, want %v", got, tc.want)
				}
			}
		})
	}
}
