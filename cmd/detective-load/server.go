package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

const (
	// startTimeout bounds how long a server may take to log its address;
	// PostgreSQL migrations on a cold cluster are the slow case.
	startTimeout = 60 * time.Second
	// stopTimeout is how long a server gets to exit after SIGTERM before it
	// is killed.
	stopTimeout = 5 * time.Second
	// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat.
	// Linux fixes it at 100 on every architecture the server runs on, and Go
	// has no sysconf to ask.
	clockTicks = 100
)

// buildServer compiles ./cmd/detective-local of the module containing the
// working directory into dir and returns the binary's path.
func buildServer(ctx context.Context, dir string, stderr io.Writer) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside the detective-local module: run from it or pass --server")
	}
	bin := filepath.Join(dir, "detective-local")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/detective-local")
	cmd.Dir = filepath.Dir(gomod)
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/detective-local: %w", err)
	}
	return bin, nil
}

// server is one running detective-local process.
type server struct {
	name    string
	cmd     *exec.Cmd
	addr    string        // host:port it listens on
	exited  chan struct{} // closed once the process has been waited for
	waitErr error         // cmd.Wait's result; read after exited is closed

	mu   sync.Mutex
	tail []string // last lines of its stderr, for error messages
}

// startServer execs bin on a free loopback port with the given store and
// returns once the server has logged the address it listens on, together
// with the time at which it was exec'd.
func startServer(ctx context.Context, name, bin, store, dataDir string, stderr io.Writer) (*server, time.Time, error) {
	return startProcess(ctx, name, serverCmd(bin, store, dataDir), stderr)
}

// serverCmd is bin listening on a free loopback port with the given store.
func serverCmd(bin, store, dataDir string) *exec.Cmd {
	return exec.Command(bin, "--addr", "127.0.0.1:0", "--store", store, "--data-dir", dataDir,
		"--log-level", "info", "--log-format", "json", "--shutdown-timeout", "2s")
}

// startProcess starts cmd, a server that logs its address as a JSON
// "listening" line on stderr, and returns once it has, together with the
// time at which it was exec'd.
func startProcess(ctx context.Context, name string, cmd *exec.Cmd, stderr io.Writer) (*server, time.Time, error) {
	bin := cmd.Path
	cmd.Env = serverEnv(os.Environ())
	// Pdeathsig kills the server even when this process dies without
	// running its deferred cleanup (SIGKILL, a crash). Its own process
	// group keeps a terminal's ^C from reaching it directly: this process
	// stops it, after the load, and would otherwise take its early exit
	// for a crash.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	pipe, err := cmd.StderrPipe()
	if err != nil {
		return nil, time.Time{}, err
	}
	s := &server{name: name, cmd: cmd, exited: make(chan struct{})}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, time.Time{}, fmt.Errorf("start %s: %w", bin, err)
	}
	addrs := make(chan string, 1)
	go func() {
		s.readLog(pipe, addrs, stderr)
		s.waitErr = cmd.Wait() // after the pipe is drained, as exec requires
		close(s.exited)
	}()
	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case s.addr = <-addrs:
		return s, start, nil
	case <-s.exited:
		return nil, time.Time{}, fmt.Errorf("%s exited before listening (%v): %s", name, s.waitErr, s.lastLines())
	case <-timer.C:
		err = fmt.Errorf("%s did not log its address within %v: %s", name, startTimeout, s.lastLines())
	case <-ctx.Done():
		err = ctx.Err()
	}
	return nil, time.Time{}, errors.Join(err, s.stop())
}

// serverEnv drops DETECTIVE_* variables from env: the server reads its
// flags from them too, and a stray one (say DETECTIVE_VERIFY_SIGNATURES)
// would change what is measured.
func serverEnv(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if !strings.HasPrefix(kv, "DETECTIVE_") {
			out = append(out, kv)
		}
	}
	return out
}

// readLog reads the server's JSON log until EOF: it sends the address of
// the "listening" line on addrs, forwards warnings and errors to stderr,
// and keeps the last lines for error messages. It must drain the pipe, or
// the server would block writing to it.
func (s *server) readLog(r io.Reader, addrs chan<- string, stderr io.Writer) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	sent := false
	for sc.Scan() {
		line := sc.Text()
		s.mu.Lock()
		s.tail = append(s.tail, line)
		if len(s.tail) > 10 {
			s.tail = s.tail[1:]
		}
		s.mu.Unlock()
		var rec struct{ Level, Msg, Addr string }
		if json.Unmarshal([]byte(line), &rec) != nil {
			fmt.Fprintf(stderr, "%s: %s\n", s.name, line) // not JSON: a panic or a flag error
			continue
		}
		switch {
		case rec.Msg == "listening" && !sent:
			addrs <- rec.Addr
			sent = true
		case rec.Level == "WARN" || rec.Level == "ERROR":
			fmt.Fprintf(stderr, "%s: %s\n", s.name, line)
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintf(stderr, "%s: reading its log: %v\n", s.name, err)
		// Keep draining so the server never blocks on a full pipe.
		if _, err := io.Copy(io.Discard, r); err != nil {
			fmt.Fprintf(stderr, "%s: draining its log: %v\n", s.name, err)
		}
	}
}

func (s *server) lastLines() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.tail, "\n")
}

// stop sends SIGTERM, kills the server if it has not exited within
// stopTimeout, and waits for it. Stopping a server that already exited
// on its own is an error: it died during the measurement.
func (s *server) stop() error {
	select {
	case <-s.exited:
		return fmt.Errorf("%s exited unexpectedly (%v): %s", s.name, s.waitErr, s.lastLines())
	default:
	}
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return errors.Join(fmt.Errorf("%s: SIGTERM: %w", s.name, err), s.kill())
	}
	timer := time.NewTimer(stopTimeout)
	defer timer.Stop()
	select {
	case <-s.exited:
		if s.waitErr != nil {
			return fmt.Errorf("%s: %w: %s", s.name, s.waitErr, s.lastLines())
		}
		return nil
	case <-timer.C:
		return errors.Join(fmt.Errorf("%s ignored SIGTERM for %v", s.name, stopTimeout), s.kill())
	}
}

func (s *server) kill() error {
	if err := s.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("%s: kill: %w", s.name, err)
	}
	<-s.exited
	return nil
}

// memory is a process's resident set size, in KiB.
type memory struct {
	RSS  int64 // VmRSS: resident now
	Peak int64 // VmHWM: the high-water mark of VmRSS
	// Anon and File split RSS: the heap, stacks and the runtime's own
	// memory, and the pages of the binary (code, read-only data, the
	// function tables) the kernel has mapped in, which a smaller or less
	// touched binary shrinks.
	Anon, File int64
}

// readMemory reads VmRSS, VmHWM, RssAnon and RssFile from
// /proc/<pid>/status.
func readMemory(pid int) (memory, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memory{}, err
	}
	var m memory
	fields := map[string]*int64{"VmRSS": &m.RSS, "VmHWM": &m.Peak, "RssAnon": &m.Anon, "RssFile": &m.File}
	for _, line := range strings.Split(string(b), "\n") {
		key, val, ok := strings.Cut(line, ":")
		dst := fields[key]
		if !ok || dst == nil {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 10, 64)
		if err != nil {
			return memory{}, fmt.Errorf("/proc/%d/status: %s: %w", pid, key, err)
		}
		*dst = kb
	}
	if m.RSS == 0 || m.Peak == 0 {
		return memory{}, fmt.Errorf("/proc/%d/status has no VmRSS or VmHWM", pid)
	}
	return m, nil
}

// readCPU returns the user plus system CPU time pid has used, from
// /proc/<pid>/stat.
func readCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, field 2, is in parentheses and may contain spaces;
	// count fields from the last ')'. utime and stime are fields 14 and 15.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no ')'", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields after the name", pid, len(f))
	}
	var ticks int64
	for _, s := range f[11:13] {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}

// threadsCPU returns the CPU time pid's threads have run, from each
// thread's schedstat: nanoseconds, where /proc/<pid>/stat counts in 10 ms
// ticks, too coarse for a start. Threads that have exited are missed; the
// Go runtime keeps its threads.
func threadsCPU(pid int) (time.Duration, error) {
	dir := fmt.Sprintf("/proc/%d/task", pid)
	tasks, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	var sum time.Duration
	for _, t := range tasks {
		b, err := os.ReadFile(filepath.Join(dir, t.Name(), "schedstat"))
		if errors.Is(err, os.ErrNotExist) {
			continue // the thread exited meanwhile
		}
		if err != nil {
			return 0, err
		}
		f := strings.Fields(string(b))
		if len(f) == 0 {
			return 0, fmt.Errorf("%s/%s/schedstat is empty", dir, t.Name())
		}
		ns, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s/%s/schedstat: %w", dir, t.Name(), err)
		}
		sum += time.Duration(ns)
	}
	return sum, nil
}

// machineCPU returns the CPU time all processes of the machine have used
// (every state of the "cpu" line of /proc/stat but idle and iowait), so
// that the report can show what other processes took during a run.
func machineCPU() (time.Duration, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, fmt.Errorf("/proc/stat: unexpected first line %q", line)
	}
	var ticks int64
	for i, s := range f[1:9] { // user nice system idle iowait irq softirq steal
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/stat: %w", err)
		}
		if i != 3 && i != 4 {
			ticks += n
		}
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}

// selfCPU returns the CPU time this process (the load generator) has used.
func selfCPU() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, fmt.Errorf("getrusage: %w", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}

// isPostgres reports whether store is a PostgreSQL DSN, as the server
// recognises them.
func isPostgres(store string) bool {
	return strings.HasPrefix(store, "postgres://") || strings.HasPrefix(store, "postgresql://")
}

// scratchSchema creates an empty schema in dsn's database so that the run
// neither sees nor clobbers existing data. It returns dsn with search_path
// set to the schema, and a function that drops it.
func scratchSchema(ctx context.Context, dsn string) (string, func() error, error) {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", nil, err
	}
	name := "detective_load_" + hex.EncodeToString(b[:])
	u, err := url.Parse(dsn)
	if err != nil {
		return "", nil, fmt.Errorf("--store: %w", err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	if err := pgExec(ctx, dsn, "CREATE SCHEMA "+name); err != nil {
		return "", nil, err
	}
	drop := func() error {
		// The run's context may be cancelled by now; dropping must still happen.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		return pgExec(ctx, dsn, "DROP SCHEMA "+name+" CASCADE")
	}
	return u.String(), drop, nil
}

// pgExec runs one statement on a connection of its own.
func pgExec(ctx context.Context, dsn, sql string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fmt.Errorf("postgres: connect: %w", err)
	}
	_, err = conn.Exec(ctx, sql)
	if cerr := conn.Close(ctx); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("postgres: %s: %w", sql, err)
	}
	return nil
}
