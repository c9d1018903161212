package internal_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/detective-local/detective-local/"

// banned lists, per package, imports it must not have (directly or not),
// each with the reason. It is the package layout of house-style §3.2.
var banned = map[string]map[string]string{
	"internal/detective": {
		"net/http":                        "the domain knows nothing of HTTP",
		"database/sql":                    "the domain knows nothing of SQL; stores implement its interfaces",
		"encoding/json":                   "wire shapes live in awsapi",
		"html/template":                   "the console is an adapter",
		module + "internal/sqlite":        "stores depend on the domain, not the reverse",
		module + "internal/awsapi":        "the wire depends on the domain, not the reverse",
		module + "internal/organizations": "Detective reads the world through detective.World; the rules of Organizations stay theirs",
		module + "internal/sts":           "Detective reads the world through detective.World; STS is not its business",
		module + "internal/storetest":     "test support stays out of the domain",
	},
	"internal/world": {
		module + "internal/detective":     "the world sits below Detective: Detective consults it, never the reverse",
		module + "internal/organizations": "the world holds facts; the services that govern them depend on it",
		module + "internal/sts":           "the world holds facts; the services that govern them depend on it",
		module + "internal/sqlite":        "stores implement the world's interfaces, not the reverse",
		module + "internal/postgres":      "stores implement the world's interfaces, not the reverse",
		"net/http":                        "the world knows nothing of HTTP",
		"database/sql":                    "the world knows nothing of SQL",
		"encoding/json":                   "wire shapes live in the protocol packages",
	},
	"internal/readmodel": {
		"database/sql":               "the read model sits on detective.Store; the stores own SQL",
		"net/http":                   "the read model knows nothing of HTTP",
		module + "internal/sqlite":   "the read model wraps any Versioned store, not one in particular",
		module + "internal/postgres": "the read model wraps any Versioned store, not one in particular",
		module + "internal/awsapi":   "the wire depends on the domain, not on the read model",
	},
	"internal/console": {
		module + "internal/awsapi":   "the console calls detective.Service, never the wire",
		module + "internal/sqlite":   "the console reads through the service and its own interfaces, never a store",
		module + "internal/postgres": "the console reads through the service and its own interfaces, never a store",
	},
	"internal/metrics": {
		module + "internal/detective": "metrics count what the wiring tells them; they know no domain",
		module + "internal/sqlite":    "gauges are read through functions the wiring gives",
		module + "internal/postgres":  "gauges are read through functions the wiring gives",
	},
	"internal/arn": {
		module + "internal/detective": "arn is a leaf value package",
	},
	"internal/awsapi": {
		"database/sql":                "handlers never touch a database",
		module + "internal/sqlite":    "handlers go through detective.Service",
		module + "internal/postgres":  "handlers go through detective.Service",
		"github.com/jackc/pgx/v5":     "handlers never touch a database",
		module + "internal/storetest": "test support stays out of the server",
	},
	"internal/sqlite": {
		"net/http":                   "stores know nothing of HTTP",
		module + "internal/awsapi":   "stores know nothing of the wire",
		module + "internal/postgres": "stores never depend on each other",
	},
	"internal/postgres": {
		"net/http":                 "stores know nothing of HTTP",
		module + "internal/awsapi": "stores know nothing of the wire",
		module + "internal/sqlite": "stores never depend on each other",
	},
	"internal/storetest": {
		module + "internal/sqlite":   "the suite is for every store and names none",
		module + "internal/postgres": "the suite is for every store and names none",
	},
	"internal/sigv4": {
		module + "internal/detective": "signature checking knows nothing of Detective",
		"net/http/httptest":           "test support stays out of the server",
	},
	"internal/behavior": {
		"net/http":                   "the behavior graph's rules know nothing of HTTP",
		"database/sql":               "the behavior graph's rules know nothing of SQL; stores implement behavior.Store",
		"encoding/json":              "log formats are the decoders' business",
		module + "internal/sqlite":   "domains depend on no store",
		module + "internal/postgres": "domains depend on no store",
		module + "internal/ingest":   "the pipeline depends on the rules, not the reverse",
	},
	"internal/ingest": {
		"net/http":                   "every way in (HTTP, CLI, S3) calls the pipeline; it serves none",
		"database/sql":               "the pipeline writes through behavior.Store",
		module + "internal/sqlite":   "the pipeline names no store",
		module + "internal/postgres": "the pipeline names no store",
	},
	"internal/investigate": {
		"net/http":                   "the engine's rules know nothing of HTTP",
		module + "internal/behavior": "the engine owns the interfaces it reads through; internal/evidence adapts the store",
		module + "internal/sqlite":   "the engine names no store",
		module + "internal/postgres": "the engine names no store",
	},
	"internal/evidence": {
		"net/http":                   "the adapters serve no HTTP; the operator endpoints call them",
		module + "internal/sqlite":   "the adapters name no store",
		module + "internal/postgres": "the adapters name no store",
		module + "internal/awsapi":   "investigations reach the wire through detective.Service",
	},
	"internal/columncodec": {
		"database/sql":               "the codec encodes values; the stores run the SQL",
		"github.com/jackc/pgx/v5":    "the codec encodes values; the stores run the SQL",
		module + "internal/sqlite":   "the codec is shared by the stores, so it depends on none",
		module + "internal/postgres": "the codec is shared by the stores, so it depends on none",
		module + "internal/awsapi":   "column encodings are not the wire's",
	},
	"internal/migration": {
		"database/sql":                "reading migrations is dialect-free; each store applies them",
		"github.com/jackc/pgx/v5":     "reading migrations is dialect-free; each store applies them",
		module + "internal/detective": "schema numbering knows nothing of the domain",
	},
	"internal/frame": {
		module + "internal/detective": "the request frame knows nothing of Detective",
		module + "internal/auth":      "the request frame knows nothing of identity",
	},
	"internal/auth": {
		"database/sql":             "credentials are looked up through functions, never a database",
		module + "internal/awsapi": "every protocol layer uses auth, not the reverse",
	},
	"internal/organizations": {
		"net/http":                   "the Organizations domain knows nothing of HTTP",
		"database/sql":               "the Organizations domain knows nothing of SQL; stores implement world's interfaces",
		"encoding/json":              "wire shapes live in orgsapi",
		module + "internal/sqlite":   "domains depend on no store",
		module + "internal/postgres": "domains depend on no store",
		module + "internal/orgsapi":  "the wire depends on the domain, not the reverse",
	},
	"internal/checkpoint": {
		"net/http":                   "checkpoints are a contract, not a transport",
		"database/sql":               "stores implement checkpoint.Store, not the reverse",
		module + "internal/sqlite":   "stores implement checkpoint.Store, not the reverse",
		module + "internal/postgres": "stores implement checkpoint.Store, not the reverse",
	},
	"internal/ingestapi": {
		"database/sql":               "the endpoints go through the pipeline, never a database",
		module + "internal/sqlite":   "the endpoints go through the pipeline, never a store",
		module + "internal/postgres": "the endpoints go through the pipeline, never a store",
	},
	"internal/s3source": {
		module + "internal/sqlite":   "the source keeps checkpoints through checkpoint.Store",
		module + "internal/postgres": "the source keeps checkpoints through checkpoint.Store",
	},
	"internal/awslogs": {
		module + "internal/detective": "the delivery layout is AWS's, not Detective's",
		"net/http":                    "the layout is read from keys; listing is the caller's",
	},
	"internal/sts": {
		"net/http":                   "the STS domain knows nothing of HTTP",
		"database/sql":               "the STS domain knows nothing of SQL",
		module + "internal/sqlite":   "domains depend on no store",
		module + "internal/postgres": "domains depend on no store",
		module + "internal/stsapi":   "the wire depends on the domain, not the reverse",
		module + "internal/auth":     "authentication looks sessions up through a function; the domain knows nothing of it",
	},
	"internal/orgsapi": {
		"database/sql":                "handlers never touch a database",
		"github.com/jackc/pgx/v5":     "handlers never touch a database",
		module + "internal/sqlite":    "handlers go through organizations.Service",
		module + "internal/postgres":  "handlers go through organizations.Service",
		module + "internal/awsapi":    "each protocol layer stands alone",
		module + "internal/stsapi":    "each protocol layer stands alone",
		module + "internal/storetest": "test support stays out of the server",
	},
	"internal/stsapi": {
		"database/sql":                "handlers never touch a database",
		"github.com/jackc/pgx/v5":     "handlers never touch a database",
		module + "internal/sqlite":    "handlers go through sts.Service",
		module + "internal/postgres":  "handlers go through sts.Service",
		module + "internal/awsapi":    "each protocol layer stands alone",
		module + "internal/orgsapi":   "each protocol layer stands alone",
		module + "internal/storetest": "test support stays out of the server",
	},
	"internal/dispatch": {
		module + "internal/detective": "routing reads headers only; it knows no service",
		module + "internal/awsapi":    "the handlers are injected, never imported",
		module + "internal/orgsapi":   "the handlers are injected, never imported",
		module + "internal/stsapi":    "the handlers are injected, never imported",
	},
	"internal/operator": {
		"database/sql":             "operator endpoints go through detective.Service",
		module + "internal/sqlite": "operator endpoints go through detective.Service",
	}, "internal/ingest/stream": {
		"net/http":                            "framing reads an io.Reader, never the network",
		"database/sql":                        "framing knows nothing of storage",
		module + "internal/ingest/format":     "the decoders' shared framing depends on no decoder",
		module + "internal/ingest/cloudtrail": "the decoders' shared framing depends on no decoder",
	},
	"internal/ingest/format": {
		"net/http":                 "the ways in (HTTP, CLI, S3) call format, not the reverse",
		"database/sql":             "decoding knows nothing of storage",
		module + "internal/sqlite": "decoding knows nothing of storage",
		module + "internal/ingest/stream/streamtest": "test support stays out of the decoders",
	},
	"internal/ingest/cloudtrail": decoderRules("cloudtrail"),
	"internal/ingest/vpcflow":    decoderRules("vpcflow"),
	"internal/ingest/guardduty":  decoderRules("guardduty"),
	"internal/ingest/asff":       decoderRules("asff"),
	"internal/ingest/eksaudit":   decoderRules("eksaudit"),
}

// decoders are the log decoders under internal/ingest.
var decoders = []string{"asff", "cloudtrail", "eksaudit", "guardduty", "vpcflow"}

// decoderRules are the rules every decoder keeps: it reads an io.Reader,
// knows nothing of storage, and stands alone from the other decoders.
func decoderRules(self string) map[string]string {
	rules := map[string]string{
		"net/http":                                   "a decoder reads an io.Reader, never the network",
		"database/sql":                               "a decoder knows nothing of storage",
		module + "internal/sqlite":                   "a decoder knows nothing of storage",
		module + "internal/postgres":                 "a decoder knows nothing of storage",
		module + "internal/ingest/format":            "format dispatches to the decoders, not the reverse",
		module + "internal/ingest/stream/streamtest": "test support stays out of the decoders",
	}
	for _, other := range decoders {
		if other != self {
			rules[module+"internal/ingest/"+other] = "decoders stand alone"
		}
	}
	return rules
}

// wiringImporters are the packages that may build the whole server with
// internal/app: the binary, and the harness that tests it end to end.
var wiringImporters = map[string]bool{"cmd/detective-local": true, "internal/apitest": true}

// TestDependencies enforces the package layout: which package may import
// what, including indirectly.
func TestDependencies(t *testing.T) {
	cmd := exec.Command("go", "list", "-json", "./...")
	cmd.Dir = "."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := map[string]bool{}
	for {
		var pkg struct {
			ImportPath string
			Deps       []string
		}
		if err := dec.Decode(&pkg); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("decode go list: %v", err)
		}
		rel := strings.TrimPrefix(pkg.ImportPath, module)
		if !wiringImporters[rel] && slices.Contains(pkg.Deps, module+"internal/app") {
			t.Errorf("%s depends on internal/app: the wiring is the binary's and the end-to-end harness's only", rel)
		}
		rules, ok := banned[rel]
		if !ok {
			continue
		}
		seen[rel] = true
		for _, dep := range pkg.Deps {
			for bad, why := range rules {
				if dep == bad || strings.HasPrefix(dep, bad+"/") {
					t.Errorf("%s depends on %s: %s", rel, dep, why)
				}
			}
		}
	}
	for rel := range banned {
		if !seen[rel] {
			t.Errorf("package %s has rules but was not listed", rel)
		}
	}
}

// TestDetectiveUsesNoWorldStore: Detective may use the world's entities but
// reads the world only through detective.World, its own narrow interface;
// world.Store, world.Tx and the world's role interfaces (…Store) are for
// the services that govern the world. An import rule cannot say this, as
// both live in one package, so the domain's source is read.
func TestDetectiveUsesNoWorldStore(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join("detective", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("glob detective: %v, %d files", err, len(files))
	}
	for _, path := range files {
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "world" &&
				(sel.Sel.Name == "Tx" || strings.HasSuffix(sel.Sel.Name, "Store")) {
				t.Errorf("%s: detective uses world.%s; declare what it needs in detective.World", fset.Position(sel.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
}
