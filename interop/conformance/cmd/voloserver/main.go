// Command voloserver is the conformance runner's server under test: volo's
// gRPC server serving connectrpc.conformance.v1.ConformanceService. It reads
// a ServerCompatRequest from stdin, listens on a loopback port, writes the
// ServerCompatResponse naming it to stdout and serves until it is signalled
// (SIGTERM or an interrupt).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	conformancev1 "github.com/govolo/volo/interop/conformance/gen/connectrpc/conformance/v1"
	"github.com/govolo/volo/interop/conformance/internal/wire"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/grpc"
	"github.com/govolo/volo/volo/grpc/server"
)

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "voloserver:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) error {
	var req conformancev1.ServerCompatRequest
	if err := wire.Read(in, &req); err != nil {
		return fmt.Errorf("read the ServerCompatRequest: %w", err)
	}
	if req.GetProtocol() != conformancev1.Protocol_PROTOCOL_GRPC {
		return fmt.Errorf("protocol %v is not supported", req.GetProtocol())
	}
	if req.GetHttpVersion() != conformancev1.HTTPVersion_HTTP_VERSION_2 {
		return fmt.Errorf("HTTP version %v is not supported", req.GetHttpVersion())
	}
	opts := []server.Option{server.WithMaxRecvMsgSize(int(req.GetMessageReceiveLimit()))}
	var pemCert []byte
	if req.GetUseTls() {
		cfg, err := wire.ServerTLS(req.GetServerCreds(), req.GetClientTlsCert())
		if err != nil {
			return err
		}
		opts = append(opts, server.WithTLS(cfg))
		pemCert = req.GetServerCreds().GetCert()
	}
	srv, err := server.New(opts...)
	if err != nil {
		return err
	}
	if err := conformancev1.RegisterConformanceService(srv, service{}); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().(*net.TCPAddr)
	if err := wire.Write(out, &conformancev1.ServerCompatResponse{Host: addr.IP.String(), Port: uint32(addr.Port), PemCert: pemCert}); err != nil {
		ln.Close()
		return err
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	select {
	case err := <-served:
		return err
	case <-sig:
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(ctx)
}

type service struct{}

func (service) Unary(ctx context.Context, req *conformancev1.UnaryRequest) (*conformancev1.UnaryResponse, error) {
	payload, err := unary(ctx, req.GetResponseDefinition(), []proto.Message{req})
	if err != nil {
		return nil, err
	}
	return &conformancev1.UnaryResponse{Payload: payload}, nil
}

func (service) IdempotentUnary(ctx context.Context, req *conformancev1.IdempotentUnaryRequest) (*conformancev1.IdempotentUnaryResponse, error) {
	payload, err := unary(ctx, req.GetResponseDefinition(), []proto.Message{req})
	if err != nil {
		return nil, err
	}
	return &conformancev1.IdempotentUnaryResponse{Payload: payload}, nil
}

func (service) Unimplemented(context.Context, *conformancev1.UnimplementedRequest) (*conformancev1.UnimplementedResponse, error) {
	return nil, grpc.Status{Code: volo.CodeUnimplemented, Message: "connectrpc.conformance.v1.ConformanceService.Unimplemented is not implemented"}.Err()
}

func (service) ClientStream(stream grpc.ClientStreamingServer[conformancev1.ClientStreamRequest, conformancev1.ClientStreamResponse]) error {
	var def *conformancev1.UnaryResponseDefinition
	var reqs []proto.Message
	for {
		m, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if len(reqs) == 0 {
			def = m.GetResponseDefinition()
		}
		reqs = append(reqs, m)
	}
	if def != nil {
		if err := stream.SendHeader(wire.Metadata(def.GetResponseHeaders())); err != nil {
			return err
		}
		stream.SetTrailer(wire.Metadata(def.GetResponseTrailers()))
		if err := sleep(stream.Context(), def.GetResponseDelayMs()); err != nil {
			return err
		}
	}
	payload, err := respond(stream.Context(), def, reqs)
	if err != nil {
		return err
	}
	return stream.SendAndClose(&conformancev1.ClientStreamResponse{Payload: payload})
}

func (service) ServerStream(req *conformancev1.ServerStreamRequest, stream grpc.ServerStreamingServer[conformancev1.ServerStreamResponse]) error {
	ctx := stream.Context()
	def := req.GetResponseDefinition()
	if def == nil {
		return nil
	}
	if err := stream.SendHeader(wire.Metadata(def.GetResponseHeaders())); err != nil {
		return err
	}
	stream.SetTrailer(wire.Metadata(def.GetResponseTrailers()))
	sent := 0
	for _, data := range def.GetResponseData() {
		if err := sleep(ctx, def.GetResponseDelayMs()); err != nil {
			return err
		}
		p := &conformancev1.ConformancePayload{Data: data}
		if sent == 0 {
			info, err := requestInfo(ctx, []proto.Message{req})
			if err != nil {
				return err
			}
			p.RequestInfo = info
		}
		if err := stream.Send(&conformancev1.ServerStreamResponse{Payload: p}); err != nil {
			return err
		}
		sent++
	}
	if e := def.GetError(); e != nil {
		var info *conformancev1.ConformancePayload_RequestInfo
		if sent == 0 {
			var err error
			if info, err = requestInfo(ctx, []proto.Message{req}); err != nil {
				return err
			}
		}
		return statusErr(e, info)
	}
	return nil
}

func (service) BidiStream(stream grpc.BidiStreamingServer[conformancev1.BidiStreamRequest, conformancev1.BidiStreamResponse]) error {
	ctx := stream.Context()
	var def *conformancev1.StreamResponseDefinition
	fullDuplex, first, sent := false, true, 0
	var reqs []proto.Message
	send := func() error {
		if err := sleep(ctx, def.GetResponseDelayMs()); err != nil {
			return err
		}
		p := &conformancev1.ConformancePayload{Data: def.GetResponseData()[sent]}
		switch {
		case sent == 0:
			info, err := requestInfo(ctx, reqs)
			if err != nil {
				return err
			}
			p.RequestInfo = info
		case fullDuplex:
			info, err := requestInfo(ctx, reqs)
			if err != nil {
				return err
			}
			p.RequestInfo = &conformancev1.ConformancePayload_RequestInfo{Requests: info.GetRequests()}
		}
		if err := stream.Send(&conformancev1.BidiStreamResponse{Payload: p}); err != nil {
			return err
		}
		sent++
		return nil
	}
	for {
		m, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		reqs = append(reqs, m)
		if first {
			first = false
			def, fullDuplex = m.GetResponseDefinition(), m.GetFullDuplex()
			if def != nil {
				md := wire.Metadata(def.GetResponseHeaders())
				if fullDuplex {
					err = stream.SendHeader(md)
				} else {
					err = stream.SetHeader(md)
				}
				if err != nil {
					return err
				}
				stream.SetTrailer(wire.Metadata(def.GetResponseTrailers()))
			}
		}
		if fullDuplex {
			if sent >= len(def.GetResponseData()) {
				break
			}
			if err := send(); err != nil {
				return err
			}
			reqs = nil
		}
	}
	if def == nil {
		return nil
	}
	for sent < len(def.GetResponseData()) {
		if err := send(); err != nil {
			return err
		}
	}
	if e := def.GetError(); e != nil {
		var info *conformancev1.ConformancePayload_RequestInfo
		if sent == 0 {
			var err error
			if info, err = requestInfo(ctx, reqs); err != nil {
				return err
			}
		}
		return statusErr(e, info)
	}
	return nil
}

// unary answers a unary call: headers, trailers and delay from def, then
// the payload or def's error.
func unary(ctx context.Context, def *conformancev1.UnaryResponseDefinition, reqs []proto.Message) (*conformancev1.ConformancePayload, error) {
	if def != nil {
		if err := grpc.SetHeader(ctx, wire.Metadata(def.GetResponseHeaders())); err != nil {
			return nil, err
		}
		if err := grpc.SetTrailer(ctx, wire.Metadata(def.GetResponseTrailers())); err != nil {
			return nil, err
		}
		if err := sleep(ctx, def.GetResponseDelayMs()); err != nil {
			return nil, err
		}
	}
	return respond(ctx, def, reqs)
}

// respond builds the payload def asks for, or its error; either carries
// what the server saw of the request.
func respond(ctx context.Context, def *conformancev1.UnaryResponseDefinition, reqs []proto.Message) (*conformancev1.ConformancePayload, error) {
	info, err := requestInfo(ctx, reqs)
	if err != nil {
		return nil, err
	}
	if e := def.GetError(); e != nil {
		return nil, statusErr(e, info)
	}
	return &conformancev1.ConformancePayload{RequestInfo: info, Data: def.GetResponseData()}, nil
}

// requestInfo is what the server saw of the call: its metadata, the time
// left to its deadline and the requests, each packed in an Any.
func requestInfo(ctx context.Context, reqs []proto.Message) (*conformancev1.ConformancePayload_RequestInfo, error) {
	info := &conformancev1.ConformancePayload_RequestInfo{RequestHeaders: wire.Headers(grpc.IncomingMetadata(ctx))}
	if dl, ok := ctx.Deadline(); ok {
		ms := max(time.Until(dl), 0).Milliseconds()
		info.TimeoutMs = &ms
	}
	for _, r := range reqs {
		a, err := anypb.New(r)
		if err != nil {
			return nil, grpc.Status{Code: volo.CodeInternal, Message: err.Error()}.Err()
		}
		info.Requests = append(info.Requests, a)
	}
	return info, nil
}

// statusErr is the error e describes, info appended to its details.
func statusErr(e *conformancev1.Error, info *conformancev1.ConformancePayload_RequestInfo) error {
	details := append([]*anypb.Any(nil), e.GetDetails()...)
	if info != nil {
		a, err := anypb.New(info)
		if err != nil {
			return grpc.Status{Code: volo.CodeInternal, Message: err.Error()}.Err()
		}
		details = append(details, a)
	}
	return grpc.Status{Code: volo.Code(e.GetCode()), Message: e.GetMessage(), Details: details}.Err()
}

// sleep waits ms milliseconds or until ctx ends.
func sleep(ctx context.Context, ms uint32) error {
	if ms == 0 {
		return nil
	}
	t := time.NewTimer(time.Duration(ms) * time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return grpc.Status{Code: volo.CodeCanceled, Message: ctx.Err().Error()}.Err()
	}
}
