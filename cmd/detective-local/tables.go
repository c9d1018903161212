package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/detective-local/detective-local/internal/geo"
	"github.com/detective-local/detective-local/internal/threatintel"
	"github.com/detective-local/detective-local/internal/ttp"
)

// tables are the files the investigation engine and the ingest's
// enrichment read, loaded once at start.
type tables struct {
	threats *threatintel.Set
	ttps    *ttp.Table
	geo     *geo.DB // nil without --geoip-city and --geoip-asn
}

// loadTables reads the files cfg names. A file that cannot be read stops
// the start: running without the lists or databases asked for would give
// investigations that look complete and are not.
func loadTables(cfg Config) (tables, error) {
	var t tables
	var err error
	if t.threats, err = threatintel.Load(cfg.ThreatIntel, cfg.ThreatIntelMinScore); err != nil {
		return tables{}, fmt.Errorf("--threat-intel: %w", err)
	}
	if cfg.TTPMap == "" {
		t.ttps, err = ttp.Load()
	} else {
		var f *os.File
		if f, err = os.Open(cfg.TTPMap); err != nil {
			return tables{}, fmt.Errorf("--ttp-map: %w", err)
		}
		t.ttps, err = ttp.Load(f)
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		return tables{}, fmt.Errorf("--ttp-map: %w", err)
	}
	if cfg.GeoIPCity != "" || cfg.GeoIPASN != "" {
		if t.geo, err = geo.Open(cfg.GeoIPCity, cfg.GeoIPASN); err != nil {
			return tables{}, fmt.Errorf("--geoip-city, --geoip-asn: %w", err)
		}
	}
	return t, nil
}
