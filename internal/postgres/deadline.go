package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// boundedTx is a pgx transaction whose every statement also ends at the
// call's deadline. The Tx methods receive the caller's ctx, which need not
// carry any deadline; without this a statement waiting on a row lock, or on
// a peer that vanished, would outlive callTimeout. It offers only the
// statements tx uses, so none can bypass the bound.
type boundedTx struct {
	tx       pgx.Tx
	deadline time.Time
}

// bound is ctx ending no later than the call's deadline.
func (b boundedTx) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithDeadline(ctx, b.deadline)
}

func (b boundedTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.tx.Exec(ctx, sql, args...)
}

// Query's rows keep the bounded context until they are closed, which
// pgx.CollectRows and its kin always do.
func (b boundedTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	ctx, cancel := b.bound(ctx)
	rows, err := b.tx.Query(ctx, sql, args...)
	if rows == nil {
		cancel()
		return nil, err
	}
	return boundedRows{Rows: rows, cancel: cancel}, err
}

func (b boundedTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	ctx, cancel := b.bound(ctx)
	return boundedRow{row: b.tx.QueryRow(ctx, sql, args...), cancel: cancel}
}

func (b boundedTx) SendBatch(ctx context.Context, batch *pgx.Batch) pgx.BatchResults {
	ctx, cancel := b.bound(ctx)
	return boundedBatch{BatchResults: b.tx.SendBatch(ctx, batch), cancel: cancel}
}

// boundedRows releases its context's timer when closed.
type boundedRows struct {
	pgx.Rows
	cancel context.CancelFunc
}

func (r boundedRows) Close() {
	r.Rows.Close()
	r.cancel()
}

// boundedRow releases its context's timer once scanned; pgx.Row is used
// exactly once.
type boundedRow struct {
	row    pgx.Row
	cancel context.CancelFunc
}

func (r boundedRow) Scan(dest ...any) error {
	defer r.cancel()
	return r.row.Scan(dest...)
}

// boundedBatch releases its context's timer when closed.
type boundedBatch struct {
	pgx.BatchResults
	cancel context.CancelFunc
}

func (b boundedBatch) Close() error {
	defer b.cancel()
	return b.BatchResults.Close()
}
