// Package registration keeps what a volo server registered in a discovery
// registry, so that it takes each instance back on shutdown. The Thrift
// and gRPC servers share it.
package registration

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/volo"
)

// Timeout bounds one registration, and a deregistration by Close.
const Timeout = 10 * time.Second

// Set registers a server's listeners under one service and deregisters
// them. Its zero value with Registry nil is not used: a server without a
// registry makes none.
type Set struct {
	// Registry is where the instances go.
	Registry discovery.Registry
	// Service is the name they are registered under.
	Service string
	// Instance is what is registered; an empty Addr takes the listener's.
	Instance discovery.Instance
	// Unregistrable is the server package's sentinel, wrapped when Addr
	// is empty and the listener's address is not one peers can dial.
	Unregistrable error
	// Logger gets the deregistrations that failed.
	Logger *slog.Logger

	mu   sync.Mutex
	done []discovery.Instance
}

// Add registers the instance of ln within Timeout of base. closing
// reports whether the server has begun to shut down; it must turn true
// before the shutdown calls Remove. A registration that ends after that
// is taken back at once, and Add returns volo.ErrServerClosed.
func (r *Set) Add(base context.Context, ln net.Listener, closing func() bool) error {
	inst := r.Instance
	if inst.Addr == "" {
		if a, ok := ln.Addr().(*net.TCPAddr); ok && (a.IP == nil || a.IP.IsUnspecified()) {
			return fmt.Errorf("%w: %s; give the instance's address in WithRegistry", r.Unregistrable, a)
		}
		inst.Addr = ln.Addr().String()
	}
	ctx, cancel := context.WithTimeout(base, Timeout)
	defer cancel()
	if err := r.Registry.Register(ctx, r.Service, inst); err != nil {
		return fmt.Errorf("volo: register %s at %s: %w", r.Service, inst.Addr, err)
	}
	r.mu.Lock()
	closed := closing()
	if !closed {
		r.done = append(r.done, inst)
	}
	r.mu.Unlock()
	if closed {
		// Shutdown began while registering: take it back at once.
		r.remove(ctx, inst)
		return volo.ErrServerClosed
	}
	return nil
}

// Remove takes back every registration, within ctx.
func (r *Set) Remove(ctx context.Context) {
	r.mu.Lock()
	regs := r.done
	r.done = nil
	r.mu.Unlock()
	for _, inst := range regs {
		r.remove(ctx, inst)
	}
}

func (r *Set) remove(ctx context.Context, inst discovery.Instance) {
	if err := r.Registry.Deregister(ctx, r.Service, inst); err != nil {
		r.Logger.Warn("volo: deregister failed", "service", r.Service, "addr", inst.Addr, "err", err)
	}
}
