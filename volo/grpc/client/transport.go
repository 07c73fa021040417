package client

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/grpc"
	"github.com/govolo/volo/volo/grpc/internal/codec"
	itransport "github.com/govolo/volo/volo/grpc/internal/transport"
	"google.golang.org/protobuf/proto"
)

// transport is the bottom of the unary stack: it sends a call on a pooled
// connection to the call's address.
type transport struct {
	cfg    config
	scheme string

	mu     sync.Mutex
	pools  map[string]*pool
	closed bool
	wg     sync.WaitGroup // background dials
}

func newTransport(cfg config) *transport {
	t := &transport{cfg: cfg, pools: make(map[string]*pool), scheme: "http"}
	if cfg.tls != nil {
		t.scheme = "https"
	}
	return t
}

// Describe names the transport in stack descriptions.
func (t *transport) Describe() string { return "grpc-transport" }

// connError is a connection-level failure. notSent says whether the
// request surely never reached the server, which discovery's balancer and
// ext/retry read (NotSent) to decide whether another instance may run it.
type connError struct {
	msg     string
	err     error
	notSent bool
}

func (e *connError) Error() string   { return e.msg + ": " + e.err.Error() }
func (e *connError) Unwrap() []error { return []error{volo.ErrConnection, e.err} }

// NotSent reports whether the request never reached the server.
func (e *connError) NotSent() bool { return e.notSent }

// addr returns where call goes: its own address, else the instance a
// balancer picked, else the client's.
func (t *transport) addr(ctx context.Context, call *grpc.Call) (string, error) {
	addr := call.Addr
	if addr == "" && (t.cfg.balancer != nil || t.cfg.addr == "") {
		if in, ok := discovery.InstanceFromContext(ctx); ok {
			addr = in.Addr
		}
	}
	if addr == "" {
		addr = t.cfg.addr
	}
	if addr == "" {
		return "", volo.ErrNoAddress
	}
	return addr, nil
}

func (t *transport) pool(addr string) (*pool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil, volo.ErrClosed
	}
	p := t.pools[addr]
	if p == nil {
		p = &pool{t: t, addr: addr}
		t.pools[addr] = p
	}
	return p, nil
}

func (t *transport) close() {
	t.mu.Lock()
	t.closed = true
	pools := t.pools
	t.pools = map[string]*pool{}
	t.mu.Unlock()
	for _, p := range pools {
		p.close()
	}
	t.wg.Wait()
	// A dial that finished after the pools closed closed its connection.
}

// request builds the transport request of call: headers, metadata,
// metainfo and the encoded message (when msg is set).
func (t *transport) request(ctx context.Context, call *grpc.Call, addr string, msg proto.Message, buf *codec.Buffer) (*itransport.Request, error) {
	md := call.Metadata
	if out := grpc.OutgoingMetadata(ctx); len(out) > 0 {
		if len(md) == 0 {
			md = out
		} else {
			md = md.Copy()
			for k, vs := range out {
				md[k] = append(md[k], vs...)
			}
		}
	}
	if err := md.Check(); err != nil {
		return nil, err
	}
	req := &itransport.Request{
		Path:       call.FullMethod(),
		Authority:  t.cfg.authority,
		Scheme:     t.scheme,
		UserAgent:  t.cfg.userAgent,
		Encoding:   call.Compression,
		AcceptEnc:  codec.Gzip,
		Metadata:   md,
		MaxRecvMsg: t.cfg.t.MaxRecvMsgSize,
	}
	if req.Authority == "" {
		req.Authority = addr
	}
	if req.Encoding != "" && !codec.Supported(req.Encoding) {
		return nil, fmt.Errorf("%w: no compressor for %q", grpc.ErrCompression, req.Encoding)
	}
	if dl, ok := ctx.Deadline(); ok {
		req.Timeout = grpc.EncodeTimeout(time.Until(dl))
	}
	if metainfo.HasMetaInfo(ctx) {
		h := make(map[string][]string, 4)
		if err := t.cfg.codec.ToHTTPHeader(ctx, h); err != nil {
			return nil, volo.NewError(volo.CodeInvalidArgument, fmt.Errorf("volo: request metainfo: %w", err))
		}
		if len(h) > 0 {
			req.Metainfo = h
		}
	}
	if msg != nil {
		var err error
		if buf.B, err = codec.AppendMessage(buf.B[:0], msg, req.Encoding, t.cfg.t.MaxSendMsgSize); err != nil {
			return nil, sendError(err)
		}
		req.Msg = buf.B
	}
	return req, nil
}

// sendError maps a failure to encode a request message.
func sendError(err error) error {
	switch {
	case errors.Is(err, codec.ErrTooLarge):
		return fmt.Errorf("%w: request: %w", grpc.ErrTooLarge, err)
	case errors.Is(err, codec.ErrCompression):
		return fmt.Errorf("%w: request: %w", grpc.ErrCompression, err)
	}
	return volo.NewError(volo.CodeInternal, fmt.Errorf("volo: request: %w", err))
}

// recvError maps a failure to decode a response message.
func recvError(err error) error {
	switch {
	case errors.Is(err, codec.ErrTooLarge):
		return fmt.Errorf("%w: response: %w", grpc.ErrTooLarge, err)
	case errors.Is(err, codec.ErrCompression):
		return fmt.Errorf("%w: response: %w", grpc.ErrCompression, err)
	}
	return fmt.Errorf("%w: cannot unmarshal the response: %w", volo.ErrProtocol, err)
}

// Call sends a unary call and decodes its response into call.Resp.
func (t *transport) Call(ctx context.Context, call *grpc.Call) (proto.Message, error) {
	if call.Desc == nil || call.Req == nil || call.Resp == nil {
		return nil, fmt.Errorf("%w: %s without a descriptor, request or response", ErrInvalidCall, call.Method)
	}
	addr, err := t.addr(ctx, call)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, ctxError(ctx, "before sending")
	}
	if t.cfg.rpcTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t.cfg.rpcTimeout)
		defer cancel()
	}
	buf := codec.GetBuffer()
	defer buf.Free()
	req, err := t.request(ctx, call, addr, call.Req, buf)
	if err != nil {
		return nil, err
	}
	if _, has := ctx.Deadline(); !has && t.cfg.rwTimeout > 0 {
		// Bounds the wait, not sent: the server gets no deadline.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t.cfg.rwTimeout)
		defer cancel()
	}
	p, err := t.pool(addr)
	if err != nil {
		return nil, err
	}
	cc, err := p.get(ctx)
	if err != nil {
		return nil, err
	}
	var resp itransport.Response2
	defer resp.Release()
	if err := cc.RoundTrip(ctx, req, &resp); err != nil {
		call.Header, call.Trailer = resp.Header, resp.Trailer
		return nil, callError(ctx, addr, err)
	}
	call.Header, call.Trailer = resp.Header, resp.Trailer
	if len(resp.Metainfo) > 0 {
		if err := t.cfg.codec.BackwardFromHTTPHeader(ctx, resp.Metainfo); err != nil && resp.Status.Code == volo.CodeOK {
			return nil, fmt.Errorf("%w: response metainfo: %w", volo.ErrProtocol, err)
		}
	}
	if resp.Status.Code != volo.CodeOK {
		return nil, resp.Status.Err()
	}
	msg, compressed, err := resp.Message()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", volo.ErrProtocol, err)
	}
	if msg == nil {
		// A cardinality violation: UNIMPLEMENTED, as gRPC's status code
		// list has it.
		return nil, volo.NewRemoteError(volo.CodeUnimplemented, "the server sent no response message and status OK")
	}
	if err := codec.Unmarshal(msg, compressed, resp.Encoding, t.cfg.t.MaxRecvMsgSize, call.Resp); err != nil {
		return nil, recvError(err)
	}
	return call.Resp, nil
}

// callError classifies a failed round trip: a status or a remote error
// passes as it is; a context's end is a timeout or a cancellation; the
// rest are connection failures, marked not sent when the transport knows
// no byte left.
func callError(ctx context.Context, addr string, err error) error {
	notSent := errors.Is(err, itransport.ErrNotSent)
	// The context's end first: a server whose own timer fired may reset
	// the stream just before the caller's deadline passes here.
	if expired(ctx) {
		if notSent {
			return &connError{msg: "volo: call to " + addr + " ended before it was sent", err: ctxError(ctx, "waiting for a stream"), notSent: true}
		}
		return ctxError(ctx, "waiting for the response")
	}
	var ve *volo.Error
	if errors.As(err, &ve) {
		return err
	}
	return &connError{msg: "volo: call to " + addr, err: err, notSent: notSent}
}

// expired reports whether ctx ended, or its deadline passed by the clock
// while its timer has not fired yet (a loaded machine runs the server's
// reset before the caller's timer).
func expired(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	dl, ok := ctx.Deadline()
	return ok && !time.Now().Before(dl)
}

// ctxError is the error of a call whose context ended.
func ctxError(ctx context.Context, doing string) error {
	if ctx.Err() == nil {
		return fmt.Errorf("%w: %s: %w", volo.ErrTimeout, doing, context.DeadlineExceeded)
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w: %s: %w", volo.ErrTimeout, doing, context.Cause(ctx))
	}
	return volo.NewError(volo.CodeCanceled, fmt.Errorf("volo: call canceled %s: %w", doing, context.Cause(ctx)))
}

// pool holds the connections to one address.
type pool struct {
	t    *transport
	addr string

	mu       sync.Mutex
	conns    []*itransport.ClientConn
	dialing  chan struct{} // closed when the dial in progress ends
	dialErr  error
	closed   bool
	retiring []*itransport.ClientConn // draining after GOAWAY, closed with the pool
}

// get returns the least loaded usable connection, dialing one if there is
// none, and starting a dial in the background if all are busy and the pool
// is not full.
func (p *pool) get(ctx context.Context) (*itransport.ClientConn, error) {
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, volo.ErrClosed
		}
		var best *itransport.ClientConn
		bestLoad := -1
		live := p.conns[:0]
		for _, c := range p.conns {
			if !c.Usable() {
				p.retiring = append(p.retiring, c)
				continue
			}
			live = append(live, c)
			if active, _ := c.Load(); bestLoad < 0 || active < bestLoad {
				best, bestLoad = c, active
			}
		}
		clear(p.conns[len(live):])
		p.conns = live
		if best != nil {
			if bestLoad > 0 && len(p.conns) < p.t.cfg.connsPerAddr && p.dialing == nil {
				p.startDial()
			}
			p.mu.Unlock()
			return best, nil
		}
		if p.dialing == nil {
			p.startDial()
		}
		wait := p.dialing
		p.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
				// The caller gave up: canceled, as grpc-go's client has
				// it, not a connection failure to retry elsewhere.
				return nil, ctxError(ctx, "connecting to "+p.addr)
			}
			return nil, &connError{msg: "volo: connecting to " + p.addr, err: ctxError(ctx, "connecting"), notSent: true}
		}
		p.mu.Lock()
		err := p.dialErr
		usable := len(p.conns) > 0
		p.mu.Unlock()
		if !usable && err != nil {
			return nil, err
		}
	}
}

// startDial dials a connection on a goroutine of the transport; p.mu held.
func (p *pool) startDial() {
	done := make(chan struct{})
	p.dialing = done
	p.t.wg.Add(1)
	go func() {
		defer p.t.wg.Done()
		c, err := p.t.dial(p.addr)
		p.mu.Lock()
		p.dialing, p.dialErr = nil, err
		if err == nil {
			if p.closed {
				p.mu.Unlock()
				c.Close()
				close(done)
				return
			}
			p.conns = append(p.conns, c)
		}
		p.mu.Unlock()
		close(done)
	}()
}

func (p *pool) close() {
	p.mu.Lock()
	p.closed = true
	all := append(p.conns, p.retiring...)
	p.conns, p.retiring = nil, nil
	p.mu.Unlock()
	for _, c := range all {
		c.Close()
	}
}

// dial connects to addr: TCP, TLS with ALPN h2 if configured, and the
// HTTP/2 client preface, within the connect timeout.
func (t *transport) dial(addr string) (*itransport.ClientConn, error) {
	ctx := context.Background()
	if t.cfg.connectTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t.cfg.connectTimeout)
		defer cancel()
	}
	nc, err := t.cfg.dial(ctx, "tcp", addr)
	if err != nil {
		return nil, dialError(addr, err)
	}
	if t.cfg.tls != nil {
		cfg := t.cfg.tls
		if cfg.ServerName == "" {
			cfg = cfg.Clone()
			host, _, _ := net.SplitHostPort(addr)
			cfg.ServerName = host
		}
		tc := tls.Client(nc, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			nc.Close()
			return nil, dialError(addr, err)
		}
		if p := tc.ConnectionState().NegotiatedProtocol; p != "h2" {
			tc.Close()
			return nil, dialError(addr, fmt.Errorf("the server negotiated %q, not h2", p))
		}
		nc = tc
	}
	return itransport.NewClientConn(nc, t.cfg.t), nil
}

func dialError(addr string, err error) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &connError{msg: "volo: connecting to " + addr, err: fmt.Errorf("%w: %w", volo.ErrTimeout, err), notSent: true}
	}
	return &connError{msg: "volo: connecting to " + addr, err: err, notSent: true}
}
