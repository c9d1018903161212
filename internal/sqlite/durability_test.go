package sqlite

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

// mustPopulate writes a graph with a member, a tag and an account.
func mustPopulate(tb testing.TB, s *Store, g detective.Graph) detective.Member {
	tb.Helper()
	m := detective.Member{
		Graph: g.ARN, Account: "444455556666", Email: "m@example.com", Admin: g.Admin,
		Type: detective.InvitationTypeInvitation, Status: detective.MemberStatusInvited,
		InvitedTime: g.CreatedTime, UpdatedTime: g.CreatedTime, VerifiedTime: g.CreatedTime,
	}
	mustWrite(tb, s, func(ctx context.Context, tx detective.Tx) error {
		if err := tx.CreateGraph(ctx, g); err != nil {
			return err
		}
		if err := tx.PutMembers(ctx, []detective.Member{m}); err != nil {
			return err
		}
		return tx.PutTags(ctx, g.ARN, map[string]string{"k": "v"})
	})
	err := s.World().Write(tb.Context(), func(tx world.Tx) error {
		return tx.PutAccount(tb.Context(), world.Account{ID: m.Account, RootEmail: m.Email})
	})
	if err != nil {
		tb.Fatalf("PutAccount: %v", err)
	}
	return m
}

// mustHavePopulated fails tb unless s holds what mustPopulate wrote.
func mustHavePopulated(tb testing.TB, s detective.Store, g detective.Graph, m detective.Member) {
	tb.Helper()
	mustRead(tb, s, func(ctx context.Context, tx detective.Tx) error {
		got, err := tx.Graph(ctx, g.ARN)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(g, got); diff != "" {
			tb.Errorf("Graph mismatch (-want +got):\n%s", diff)
		}
		ms, err := tx.Members(ctx, g.ARN, []detective.AccountID{m.Account})
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]detective.Member{m}, ms); diff != "" {
			tb.Errorf("Members mismatch (-want +got):\n%s", diff)
		}
		tags, err := tx.Tags(ctx, g.ARN)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(map[string]string{"k": "v"}, tags); diff != "" {
			tb.Errorf("Tags mismatch (-want +got):\n%s", diff)
		}
		a, err := tx.Account(ctx, m.Account)
		if err != nil {
			return err
		}
		if a.RootEmail != m.Email {
			tb.Errorf("Account(%s).RootEmail = %q, want %q", m.Account, a.RootEmail, m.Email)
		}
		return nil
	})
}

func TestReopen(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "d.db")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	g := testGraph(1)
	m := mustPopulate(t, s, g)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	mustHavePopulated(t, mustOpen(t, path), g, m)
}

// TestReopenWithoutClose opens a file that another Store still has open,
// as a restart does when the old process has not let go yet. Both see each
// other's committed writes; SQLite's file locks keep them consistent.
func TestReopenWithoutClose(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "d.db")
	first := mustOpen(t, path)
	g := testGraph(1)
	m := mustPopulate(t, first, g)

	second := mustOpen(t, path)
	mustHavePopulated(t, second, g, m)
	g2 := testGraph(2)
	m2 := mustPopulate(t, second, g2)
	mustHavePopulated(t, first, g2, m2)
}

// crashEnv names the database a TestCrashRecovery child process writes.
const crashEnv = "DETECTIVE_SQLITE_CRASH_DB"

// TestCrashRecovery kills a process with SIGKILL right after its Write
// returned, without Close, and checks that the write is in the file.
func TestCrashRecovery(t *testing.T) {
	if path := os.Getenv(crashEnv); path != "" {
		crashChild(t, path)
		return
	}
	t.Parallel()
	path := filepath.Join(t.TempDir(), "d.db")
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestCrashRecovery$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	committed := false
	for sc := bufio.NewScanner(out); sc.Scan(); {
		if sc.Text() == "committed" {
			committed = true
			break
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait() // killed: the error says so
	if !committed {
		t.Fatalf("the child process did not commit")
	}
	if fi, err := os.Stat(path + "-wal"); err != nil || fi.Size() == 0 {
		t.Fatalf("no WAL left behind (%v): the crash did not leave recovery to do", err)
	}
	mustHavePopulated(t, mustOpen(t, path), testGraph(1), crashMember())
}

func crashMember() detective.Member {
	g := testGraph(1)
	return detective.Member{
		Graph: g.ARN, Account: "444455556666", Email: "m@example.com", Admin: g.Admin,
		Type: detective.InvitationTypeInvitation, Status: detective.MemberStatusInvited,
		InvitedTime: g.CreatedTime, UpdatedTime: g.CreatedTime, VerifiedTime: g.CreatedTime,
	}
}

// crashChild is the child's side of TestCrashRecovery: write, say so, and
// wait to be killed.
func crashChild(t *testing.T, path string) {
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if m := mustPopulate(t, s, testGraph(1)); !cmp.Equal(m, crashMember()) { // Member has a slice: no ==
		t.Fatalf("crashMember() = %+v, want %+v", crashMember(), m)
	}
	fmt.Println("committed")
	time.Sleep(time.Minute)
}

// TestPragmas checks the settings durability and correctness rest on, on
// every pool.
func TestPragmas(t *testing.T) {
	t.Parallel()
	file := mustOpen(t, filepath.Join(t.TempDir(), "d.db"))
	mem := mustOpenMemory(t)
	for _, tc := range []struct {
		name    string
		s       *Store
		read    bool
		pragmas map[string]string
	}{
		// synchronous 2 is FULL: every commit is fsynced.
		{"file write", file, false, map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "query_only": "0", "busy_timeout": "10000"}},
		{"file read", file, true, map[string]string{"journal_mode": "wal", "foreign_keys": "1", "query_only": "1", "busy_timeout": "10000"}},
		{"memory write", mem, false, map[string]string{"foreign_keys": "1", "query_only": "0", "busy_timeout": "10000"}},
		{"memory read", mem, true, map[string]string{"foreign_keys": "1", "query_only": "1", "busy_timeout": "10000"}},
	} {
		db := tc.s.write
		if tc.read {
			db = tc.s.read
		}
		for p, want := range tc.pragmas {
			var got string
			if err := db.QueryRowContext(t.Context(), "PRAGMA "+p).Scan(&got); err != nil {
				t.Fatalf("%s: PRAGMA %s: %v", tc.name, p, err)
			}
			if !strings.EqualFold(got, want) {
				t.Errorf("%s: PRAGMA %s = %s, want %s", tc.name, p, got, want)
			}
		}
	}
}
