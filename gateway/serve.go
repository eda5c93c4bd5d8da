package gateway

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sharpeyes/sharpeyes/gateway/conf"
)

// Serve runs a gateway on the configuration file at path until ctx ends. SIGHUP,
// POST /-/reload and changes to the file all reload it.
func Serve(ctx context.Context, path string) error {
	cfg, err := conf.Load(path, conf.ModeServe)
	if err != nil {
		return err
	}
	log := NewLogger(cfg.Log, os.Stderr)
	slog.SetDefault(log)
	g, err := New(cfg, Options{ConfigPath: path, Logger: log})
	if err != nil {
		return err
	}
	defer g.Close()
	return g.RunReloads(ctx)
}

// RunReloads reloads the configuration on SIGHUP and when its file changes, until
// ctx ends. All triggers feed this one loop, so reloads never overlap.
func (g *Gateway) RunReloads(ctx context.Context) error {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	changed := make(chan struct{}, 1)
	watchDone := make(chan struct{})
	wctx, cancel := context.WithCancel(ctx)
	defer func() {
		cancel()
		<-watchDone
	}()
	go func() {
		defer close(watchDone)
		if g.opts.ConfigPath != "" {
			watchFile(wctx, g.opts.ConfigPath, time.Second, changed)
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-hup:
			g.log.Info("SIGHUP: reloading configuration")
		case <-changed:
			g.log.Info("configuration file changed: reloading")
		}
		_ = g.Reload(ctx) // Reload logs and counts its own failures
	}
}

// watchFile polls path (following symlinks, so Kubernetes ConfigMap swaps are seen)
// and signals on out when its size, modification time or identity changes and then
// stays stable for one more interval (debounce for editors writing in steps).
func watchFile(ctx context.Context, path string, every time.Duration, out chan<- struct{}) {
	sig := func() string {
		fi, err := os.Stat(path)
		if err != nil {
			return "missing"
		}
		return fmt.Sprintf("%d/%d/%v", fi.Size(), fi.ModTime().UnixNano(), fi.Sys())
	}
	last, pending := sig(), ""
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		cur := sig()
		switch {
		case cur == last:
			pending = ""
		case cur != pending:
			pending = cur // changed: wait one interval for it to settle
		default:
			last, pending = cur, ""
			select {
			case out <- struct{}{}:
			default:
			}
		}
	}
}

// NewLogger builds the process logger from the log settings.
func NewLogger(c conf.Log, w *os.File) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(c.Level))
	opts := &slog.HandlerOptions{Level: lvl}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
