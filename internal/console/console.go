package console

import (
	"context"
	"crypto/rand"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/investigate"
)

// Prefix is the path under which the console is served.
const Prefix = "/console/"

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// Key is a long-term access key from the seed file.
type Key struct {
	Secret  string
	Account detective.AccountID
}

// Account is an account the sign-in page offers.
type Account struct {
	ID   detective.AccountID
	Name string
}

// Profiles reads what the behavior graph knows of entities.
type Profiles interface {
	// Profile is entity's activity in graph over [from, to); an entity
	// with no activity has an empty profile, not an error.
	Profile(ctx context.Context, graph arn.ARN, entity string, from, to time.Time) (behavior.Profile, error)
	// Findings are the findings that involve entity in graph.
	Findings(ctx context.Context, graph arn.ARN, entity string) ([]behavior.Finding, error)
	// FindingGroups are the finding groups of the findings that involve
	// entity in graph.
	FindingGroups(ctx context.Context, graph arn.ARN, entity string) ([]investigate.Group, error)
}

// Config is what the console needs.
type Config struct {
	Service *detective.Service
	// Accounts lists the accounts the sign-in page offers when
	// signatures are not verified.
	Accounts func(ctx context.Context) ([]Account, error)
	// Verify requires signing in with a key from Keys.
	Verify bool
	// Keys looks up a long-term access key.
	Keys          func(accessKeyID string) (Key, bool)
	DefaultRegion string
	// Profiles is nil when the server keeps no behavior data.
	Profiles Profiles
	Now      func() time.Time
	Logger   *slog.Logger
}

// Handler serves the console.
type Handler struct {
	cfg Config
	// pages are parsed on the first page served, not at start: most
	// servers never show one, and parsing them all costs a millisecond
	// or two of every start.
	pages      func() map[string]*template.Template
	mux        *http.ServeMux
	serve      http.Handler
	processKey []byte
}

// New returns the console's handler.
func New(cfg Config) *Handler {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{cfg: cfg, pages: sync.OnceValue(parsePages), mux: http.NewServeMux(), processKey: make([]byte, 32)}
	_, _ = rand.Read(h.processKey) // crypto/rand.Read never fails (Go 1.24+)
	assets, _ := fs.Sub(assetFS, "assets")
	h.mux.Handle("GET "+Prefix+"assets/", http.StripPrefix(Prefix+"assets/", cacheForever(http.FileServerFS(assets))))
	h.mux.HandleFunc("GET "+Prefix+"{$}", h.home)
	h.mux.HandleFunc("GET "+Prefix+"signin", h.signinPage)
	h.mux.HandleFunc("POST "+Prefix+"signin", h.signin)
	h.mux.HandleFunc("POST "+Prefix+"signout", h.signout)
	h.handle("GET "+Prefix+"graphs", h.graphs)
	h.handle("POST "+Prefix+"invitations/accept", h.acceptInvitation)
	h.handle("POST "+Prefix+"invitations/reject", h.rejectInvitation)
	h.handle("GET "+Prefix+"investigations", h.investigations)
	h.handle("POST "+Prefix+"investigations", h.startInvestigation)
	h.handle("GET "+Prefix+"investigation", h.investigation)
	h.handle("POST "+Prefix+"investigation/state", h.updateInvestigationState)
	h.handle("GET "+Prefix+"profile", h.profile)
	h.handle("GET "+Prefix+"finding-groups", h.findingGroups)
	// The browser's cross-origin check (Sec-Fetch-Site, Origin) on every
	// state change, sign-in included, so that another site cannot post
	// forms as the signed-in user.
	h.serve = http.NewCrossOriginProtection().Handler(h.mux)
	return h
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.URL.Path == "/console" {
		http.Redirect(w, r, Prefix, http.StatusFound)
		return
	}
	h.serve.ServeHTTP(w, r)
}

// page is a handler of a signed-in user's page; it returns the error to
// show instead of the page.
type page func(w http.ResponseWriter, r *http.Request, s session) error

// handle registers a page behind the session check.
func (h *Handler) handle(pattern string, p page) {
	h.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, ok := h.currentSession(r)
		if !ok {
			http.Redirect(w, r, Prefix+"signin", http.StatusSeeOther)
			return
		}
		if err := p(w, r, s); err != nil {
			h.fail(w, r, s, err)
		}
	}))
}

// fail shows err: a domain error's message (safe to show, by contract),
// anything else as a generic failure, logged.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, s session, err error) {
	status, msg := http.StatusInternalServerError, "Something went wrong on the server; the log says what."
	var de *detective.Error
	switch {
	case errors.As(err, &de) && de.Kind != detective.KindInternal:
		status, msg = statusOf(de.Kind), de.Message
	case errors.Is(err, errBadInput):
		status, msg = http.StatusBadRequest, err.Error()
	default:
		h.cfg.Logger.ErrorContext(r.Context(), "console page failed", slog.String("path", r.URL.Path), slog.Any("err", err))
	}
	w.WriteHeader(status)
	h.render(w, r, "error", s, map[string]any{"Status": status, "Message": msg})
}

func statusOf(k detective.Kind) int {
	switch k {
	case detective.KindValidation:
		return http.StatusBadRequest
	case detective.KindNotFound:
		return http.StatusNotFound
	case detective.KindAccessDenied:
		return http.StatusForbidden
	case detective.KindConflict:
		return http.StatusConflict
	}
	return http.StatusBadRequest
}

func cacheForever(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Assets change only with the binary; a day is long enough to
		// make pages fast and short enough to pick up a new build.
		w.Header().Set("Cache-Control", "public, max-age=86400")
		next.ServeHTTP(w, r)
	})
}
