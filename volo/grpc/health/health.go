// Package health is the standard gRPC health service, grpc.health.v1.Health,
// for volo's gRPC server: Check answers a service's serving status and
// Watch streams its changes, so load balancers, Kubernetes probes and
// grpc-health-probe-style tools can ask a volo server how it is.
//
// The messages are built from the service's descriptor at init
// (dynamicpb), so the package pulls in no generated code and no grpc-go;
// on the wire they are grpc.health.v1's.
//
// # Experimental
//
// The API may change before the first release.
package health

import (
	"context"
	"sync"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
)

// Status is a service's serving status, grpc.health.v1's ServingStatus.
type Status int32

// The serving statuses.
const (
	Unknown        Status = 0
	Serving        Status = 1
	NotServing     Status = 2
	ServiceUnknown Status = 3 // only sent by Watch
)

// ServiceName is the health service's full name.
const ServiceName = "grpc.health.v1.Health"

var reqDesc, respDesc protoreflect.MessageDescriptor

func init() {
	s := proto.String
	fd := &descriptorpb.FileDescriptorProto{
		Name:    s("grpc/health/v1/health.proto"),
		Package: s("grpc.health.v1"),
		Syntax:  s("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{
			{Name: s("HealthCheckRequest"), Field: []*descriptorpb.FieldDescriptorProto{{
				Name: s("service"), JsonName: s("service"), Number: proto.Int32(1),
				Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(), Type: descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum(),
			}}},
			{Name: s("HealthCheckResponse"), Field: []*descriptorpb.FieldDescriptorProto{{
				Name: s("status"), JsonName: s("status"), Number: proto.Int32(1),
				Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(), Type: descriptorpb.FieldDescriptorProto_TYPE_ENUM.Enum(),
				TypeName: s(".grpc.health.v1.HealthCheckResponse.ServingStatus"),
			}}, EnumType: []*descriptorpb.EnumDescriptorProto{{
				Name: s("ServingStatus"), Value: []*descriptorpb.EnumValueDescriptorProto{
					{Name: s("UNKNOWN"), Number: proto.Int32(0)}, {Name: s("SERVING"), Number: proto.Int32(1)},
					{Name: s("NOT_SERVING"), Number: proto.Int32(2)}, {Name: s("SERVICE_UNKNOWN"), Number: proto.Int32(3)},
				},
			}}},
		},
	}
	f, err := protodesc.NewFile(fd, nil)
	if err != nil {
		panic("health: " + err.Error())
	}
	reqDesc = f.Messages().ByName("HealthCheckRequest")
	respDesc = f.Messages().ByName("HealthCheckResponse")
}

func newRequest() proto.Message  { return dynamicpb.NewMessage(reqDesc) }
func newResponse() proto.Message { return dynamicpb.NewMessage(respDesc) }

func response(st Status) proto.Message {
	m := dynamicpb.NewMessage(respDesc)
	m.Set(respDesc.Fields().ByNumber(1), protoreflect.ValueOfEnum(protoreflect.EnumNumber(st)))
	return m
}

func serviceOf(req proto.Message) string {
	return req.ProtoReflect().Get(reqDesc.Fields().ByNumber(1)).String()
}

// Server holds the serving status of each service ("" is the whole
// server) and answers the health service's calls. It is safe for
// concurrent use.
type Server struct {
	mu       sync.Mutex
	statuses map[string]Status
	watchers map[string]map[chan Status]struct{}
	shut     bool
}

// NewServer returns a health server where the whole server ("") is
// Serving and no other service is known.
func NewServer() *Server {
	return &Server{statuses: map[string]Status{"": Serving}, watchers: map[string]map[chan Status]struct{}{}}
}

// SetServingStatus sets service's status and tells its watchers. After
// Shutdown it does nothing.
func (s *Server) SetServingStatus(service string, st Status) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shut {
		return
	}
	s.setLocked(service, st)
}

func (s *Server) setLocked(service string, st Status) {
	s.statuses[service] = st
	for ch := range s.watchers[service] {
		// Each watcher keeps only the latest status.
		select {
		case <-ch:
		default:
		}
		ch <- st
	}
}

// Shutdown sets every service NotServing, for the start of a graceful
// shutdown, and keeps them so.
func (s *Server) Shutdown() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shut = true
	for svc := range s.statuses {
		s.setLocked(svc, NotServing)
	}
}

// Check answers one service's status; an unknown service is NOT_FOUND, as
// the health protocol says.
func (s *Server) Check(_ context.Context, service string) (Status, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.statuses[service]
	if !ok {
		return 0, volo.Errorf(volo.CodeNotFound, "unknown service %q", service)
	}
	return st, nil
}

// watch streams service's status, the current one first, until ctx ends.
func (s *Server) watch(ctx context.Context, service string, send func(Status) error) error {
	ch := make(chan Status, 1)
	s.mu.Lock()
	st, ok := s.statuses[service]
	if !ok {
		st = ServiceUnknown
	}
	ch <- st
	if s.watchers[service] == nil {
		s.watchers[service] = map[chan Status]struct{}{}
	}
	s.watchers[service][ch] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.watchers[service], ch)
		if len(s.watchers[service]) == 0 {
			delete(s.watchers, service)
		}
		s.mu.Unlock()
	}()
	last := Status(-1)
	for {
		select {
		case st := <-ch:
			if st == last {
				continue
			}
			last = st
			if err := send(st); err != nil {
				return err
			}
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
}

// Registrar is what the health service registers on: a volo gRPC server
// (*server.Server).
type Registrar interface {
	RegisterService(desc *grpc.ServiceDesc, impl any) error
}

// Register adds the health service, answered by h, to srv.
func Register(srv Registrar, h *Server) error {
	return srv.RegisterService(ServiceDesc, h)
}

// ServiceDesc describes grpc.health.v1.Health for a volo server; its
// implementation is a *Server.
var ServiceDesc = &grpc.ServiceDesc{
	Name:        ServiceName,
	HandlerType: nil, // the handlers check for a *Server
	Methods: []*grpc.MethodDesc{{
		Name:        "Check",
		NewRequest:  newRequest,
		NewResponse: newResponse,
		Handler: func(ctx context.Context, impl any, req proto.Message) (proto.Message, error) {
			h, ok := impl.(*Server)
			if !ok || req.ProtoReflect().Descriptor() != reqDesc {
				return nil, grpc.ErrHandlerMismatch
			}
			st, err := h.Check(ctx, serviceOf(req))
			if err != nil {
				return nil, err
			}
			return response(st), nil
		},
	}},
	Streams: []*grpc.StreamDesc{{
		Name:        "Watch",
		Kind:        grpc.ServerStreaming,
		NewRequest:  newRequest,
		NewResponse: newResponse,
		Handler: func(impl any, stream grpc.ServerStream) error {
			h, ok := impl.(*Server)
			if !ok {
				return grpc.ErrHandlerMismatch
			}
			req := newRequest()
			if err := stream.RecvMsg(req); err != nil {
				return err
			}
			return h.watch(stream.Context(), serviceOf(req), func(st Status) error { return stream.SendMsg(response(st)) })
		},
	}},
}
