package client

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/frame"
)

// pconn is a connection with its reading state. One call uses it at a
// time.
type pconn struct {
	nc        net.Conn
	br        *bufio.Reader
	fr        *frame.Reader
	d         *thrift.Decoder
	seq       int32
	idleSince time.Time

	// Reused by each call on the connection, one at a time.
	header frame.Header
	info   map[string]string
	probe  prober
}

// pool keeps the idle connections to one address, newest last: reusing the
// newest lets the oldest age out. It counts the connections open to the
// address, idle or in use, to hold them to WithMaxConnsPerAddr.
type pool struct {
	mu     sync.Mutex
	idle   []*pconn
	open   int
	closed bool
	// changed is closed, and replaced, when a connection is put back or
	// closed, so that callers waiting at the cap look again.
	changed chan struct{}
}

// acquire returns a connection for one call: a healthy idle one, else a
// new one, else, at the cap of WithMaxConnsPerAddr, the first another call
// puts back or frees, waiting until deadline (zero: none) or the end of
// ctx at the latest. Its errors say the request was not sent.
func (p *pool) acquire(ctx context.Context, cfg *config, addr string, deadline time.Time) (*pconn, error) {
	var expired <-chan time.Time
	for {
		if pc := p.get(cfg); pc != nil {
			return pc, nil
		}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, volo.ErrClosed
		}
		if len(p.idle) > 0 {
			// Put back since get looked.
			p.mu.Unlock()
			continue
		}
		if cfg.maxConns == 0 || p.open < cfg.maxConns {
			p.open++
			p.mu.Unlock()
			pc, err := dial(ctx, cfg, addr, deadline)
			if err != nil {
				p.release()
				cfg.logger.Debug("volo: dial failed", "addr", addr, "err", err)
				return nil, dialError(ctx, addr, err)
			}
			return pc, nil
		}
		if p.changed == nil {
			p.changed = make(chan struct{})
		}
		changed := p.changed
		p.mu.Unlock()
		if expired == nil && !deadline.IsZero() {
			t := time.NewTimer(time.Until(deadline))
			defer t.Stop()
			expired = t.C
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, waitError(ctx, addr, cfg.maxConns, context.Cause(ctx))
		case <-expired:
			return nil, waitError(ctx, addr, cfg.maxConns, context.DeadlineExceeded)
		}
	}
}

// errAtCap is the cause of a call that waited for a connection at the cap
// until its deadline.
var errAtCap = errors.New("every connection to the address is in use")

// waitError is the error of a call that gave up waiting at the cap: it was
// not sent, so a balancer may send it to another instance.
func waitError(ctx context.Context, addr string, limit int, cause error) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return fmt.Errorf("volo: call canceled while waiting for a connection to %s: %w: %w", addr, errNotSent, cause)
	}
	return fmt.Errorf("%w: waiting for a connection to %s (%d open, the cap): %w: %w: %w", volo.ErrTimeout, addr, limit, errNotSent, errAtCap, cause)
}

// release forgets a connection that was closed, or never made.
func (p *pool) release() {
	p.mu.Lock()
	p.open--
	p.notifyLocked()
	p.mu.Unlock()
}

func (p *pool) notifyLocked() {
	if p.changed != nil {
		close(p.changed)
		p.changed = nil
	}
}

// discard closes a connection that cannot be reused.
func (p *pool) discard(pc *pconn) {
	pc.nc.Close()
	p.release()
}

// get returns a healthy idle connection, or nil. Each candidate is probed
// first, so one the peer has closed (a restarted server, a middlebox that
// timed it out) is dropped instead of being handed to a call.
func (p *pool) get(cfg *config) *pconn {
	now := time.Now()
	for {
		p.mu.Lock()
		n := len(p.idle)
		if n == 0 {
			p.mu.Unlock()
			return nil
		}
		pc := p.idle[n-1]
		p.idle[n-1] = nil
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		if cfg.idleTimeout > 0 && now.Sub(pc.idleSince) > cfg.idleTimeout {
			p.discard(pc)
			continue
		}
		if !alive(pc) {
			cfg.logger.Debug("volo: dropping a pooled connection the peer closed", "addr", pc.nc.RemoteAddr())
			p.discard(pc)
			continue
		}
		return pc
	}
}

// put keeps pc for reuse, or closes it if the pool is full or closed.
func (p *pool) put(pc *pconn, cfg *config) {
	pc.idleSince = time.Now()
	// The reply is decoded: an idle connection keeps no large buffer.
	pc.d.Reset(nil)
	pc.fr.Release()
	p.mu.Lock()
	if p.closed || len(p.idle) >= cfg.maxIdle {
		p.mu.Unlock()
		p.discard(pc)
		return
	}
	p.idle = append(p.idle, pc)
	p.notifyLocked()
	p.mu.Unlock()
}

func (p *pool) close() {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.closed = nil, true
	p.open -= len(idle)
	p.notifyLocked()
	p.mu.Unlock()
	for _, pc := range idle {
		pc.nc.Close()
	}
}

// alive reports whether an idle connection can carry a call: no bytes
// are waiting on it (a reply nobody asked for means it is out of step) and
// the peer has not closed it.
func alive(pc *pconn) bool {
	if pc.br.Buffered() > 0 {
		return false
	}
	return pc.probe.alive()
}

func dial(ctx context.Context, cfg *config, addr string, deadline time.Time) (*pconn, error) {
	if cfg.connectTimeout > 0 {
		if d := time.Now().Add(cfg.connectTimeout); deadline.IsZero() || d.Before(deadline) {
			deadline = d
		}
	}
	if !deadline.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline)
		defer cancel()
	}
	raw, err := cfg.dial(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	nc := raw
	if cfg.tls != nil {
		tc := tls.Client(raw, tlsFor(cfg.tls, addr))
		if err := tc.HandshakeContext(ctx); err != nil {
			raw.Close()
			return nil, fmt.Errorf("tls handshake: %w", err)
		}
		nc = tc
	}
	br := bufio.NewReaderSize(nc, 4096)
	pc := &pconn{
		nc:   nc,
		br:   br,
		fr:   frame.NewReader(br, frame.WithMaxFrameSize(cfg.maxFrame)),
		d:    thrift.NewDecoder(nil),
		info: make(map[string]string),
	}
	pc.probe.init(nc)
	return pc, nil
}
