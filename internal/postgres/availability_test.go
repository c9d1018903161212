package postgres

import (
	"context"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/detective-local/detective-local/internal/detective"
)

// TestUnreachableFailsInBoundedTime checks that Open gives up on a server
// that accepts connections but never answers, rather than hanging.
func TestUnreachableFailsInBoundedTime(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		var held []net.Conn // accept and say nothing
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	// A short connect_timeout keeps the test quick; TestDefaultConnectTimeout
	// checks what applies without one.
	start := time.Now()
	s, err := Open(context.Background(), "postgres://postgres@"+ln.Addr().String()+"/test?sslmode=disable&connect_timeout=1")
	if err == nil {
		s.Close()
		t.Fatal("Open on a silent server succeeded")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Open on a silent server with connect_timeout=1 took %v", d)
	}
}

func TestDefaultConnectTimeout(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, mustSchema(t))
	if got := s.pool.Config().ConnConfig.ConnectTimeout; got != connectTimeout {
		t.Errorf("ConnectTimeout without connect_timeout in the DSN = %v, want %v", got, connectTimeout)
	}
}

// proxy forwards TCP connections to the test database and can be cut and
// restored, standing in for a database that goes away and comes back.
type proxy struct {
	addr, target string
	mu           sync.Mutex
	ln           net.Listener
	conns        []net.Conn
}

func mustProxy(tb testing.TB, target string) *proxy {
	tb.Helper()
	p := &proxy{addr: "127.0.0.1:0", target: target}
	p.mustStart(tb)
	tb.Cleanup(p.stop)
	return p
}

func (p *proxy) mustStart(tb testing.TB) {
	tb.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		tb.Fatalf("proxy listen: %v", err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			d, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, d)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(d, c); d.Close() }()
			go func() { _, _ = io.Copy(c, d); c.Close() }()
		}
	}()
}

// stop closes the listener and every forwarded connection.
func (p *proxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// TestPoolRecovers checks that calls fail promptly while the database is
// gone and succeed again, with no intervention, once it is back.
func TestPoolRecovers(t *testing.T) {
	t.Parallel()
	dsn := mustSchema(t)
	u, err := url.Parse(dsn)
	if err != nil || u.Host == "" {
		t.Skip("needs a URL DSN with a host to proxy")
	}
	p := mustProxy(t, u.Host)
	u.Host = p.addr
	s := mustOpen(t, u.String())
	ctx := context.Background()
	mustCreateGraph(t, s, testGraph())

	p.stop()
	start := time.Now()
	if err := s.Ping(ctx); err == nil {
		t.Fatal("Ping with the database gone succeeded")
	}
	err = s.Read(ctx, func(tx detective.Tx) error {
		_, err := tx.Graph(ctx, testGraph())
		return err
	})
	if err == nil || detective.KindOf(err) != detective.KindInternal {
		t.Fatalf("Read with the database gone = %v, want an internal error", err)
	}
	if d := time.Since(start); d > connectTimeout {
		t.Errorf("failing with the database gone took %v", d)
	}

	p.mustStart(t)
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := s.Read(ctx, func(tx detective.Tx) error {
			_, err := tx.Graph(ctx, testGraph())
			return err
		})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Read after the database came back: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
