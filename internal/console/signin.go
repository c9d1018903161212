package console

import (
	"crypto/subtle"
	"net/http"
	"slices"
	"strings"

	"github.com/detective-local/detective-local/internal/detective"
)

func (h *Handler) home(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.currentSession(r); ok {
		http.Redirect(w, r, Prefix+"graphs", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, Prefix+"signin", http.StatusSeeOther)
}

type signinData struct {
	Verify        bool
	Accounts      []Account
	DefaultRegion string
	Error         string
}

func (h *Handler) signinPage(w http.ResponseWriter, r *http.Request) {
	h.showSignin(w, r, http.StatusOK, "")
}

func (h *Handler) showSignin(w http.ResponseWriter, r *http.Request, status int, msg string) {
	d := signinData{Verify: h.cfg.Verify, DefaultRegion: h.cfg.DefaultRegion, Error: msg}
	if !h.cfg.Verify && h.cfg.Accounts != nil {
		as, err := h.cfg.Accounts(r.Context())
		if err != nil {
			h.cfg.Logger.ErrorContext(r.Context(), "console: list accounts", "err", err)
		}
		slices.SortFunc(as, func(a, b Account) int { return strings.Compare(string(a.ID), string(b.ID)) })
		d.Accounts = as
	}
	w.WriteHeader(status)
	h.render(w, r, "signin", session{}, d)
}

// signin opens a session. Without verification any account may be
// chosen, as any 12-digit access key acts as that account in the API.
// With it, the access key and its secret must match the seed file, and
// only long-term keys sign in: temporary ones have a token the form
// cannot carry.
func (h *Handler) signin(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		h.showSignin(w, r, http.StatusBadRequest, "The form could not be read.")
		return
	}
	region := strings.TrimSpace(r.PostForm.Get("region"))
	if region == "" {
		region = h.cfg.DefaultRegion
	}
	if !validRegion(region) {
		h.showSignin(w, r, http.StatusBadRequest, "The region must be a region code such as us-east-1.")
		return
	}
	s := session{Region: region, Expires: h.cfg.Now().Add(sessionLifetime).Unix()}
	if h.cfg.Verify {
		keyID := strings.TrimSpace(r.PostForm.Get("accessKeyId"))
		k, ok := h.cfg.Keys(keyID)
		if !ok || subtle.ConstantTimeCompare([]byte(k.Secret), []byte(r.PostForm.Get("secretAccessKey"))) != 1 {
			// One message for an unknown key and a wrong secret, as
			// AWS gives nothing away about which keys exist.
			h.showSignin(w, r, http.StatusUnauthorized, "The access key ID or secret access key is not valid.")
			return
		}
		s.Account, s.Key = k.Account, keyID
	} else {
		account := strings.TrimSpace(r.PostForm.Get("otherAccount"))
		if account == "" {
			account = r.PostForm.Get("account")
		}
		if !validAccount(account) {
			h.showSignin(w, r, http.StatusBadRequest, "An account ID is 12 digits.")
			return
		}
		s.Account = detective.AccountID(account)
	}
	h.setSession(w, s)
	http.Redirect(w, r, Prefix+"graphs", http.StatusSeeOther)
}

func (h *Handler) signout(w http.ResponseWriter, r *http.Request) {
	clearSession(w)
	http.Redirect(w, r, Prefix+"signin", http.StatusSeeOther)
}
