package client

import (
	"bufio"
	"context"
	"net"
	"sync"
	"time"

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
// newest lets the oldest age out.
type pool struct {
	mu     sync.Mutex
	idle   []*pconn
	closed bool
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
		if cfg.idleTimeout > 0 && now.Sub(pc.idleSince) > cfg.idleTimeout || !alive(pc) {
			pc.nc.Close()
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
		pc.nc.Close()
		return
	}
	p.idle = append(p.idle, pc)
	p.mu.Unlock()
}

func (p *pool) close() {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.closed = nil, true
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
	nc, err := cfg.dial(ctx, "tcp", addr)
	if err != nil {
		return nil, err
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
