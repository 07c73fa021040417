// Package reflection is gRPC server reflection, grpc.reflection.v1's
// ServerReflection (and the same service under v1alpha, which older tools
// ask), for volo's gRPC server, so that grpcurl-style tools can list a
// server's services and fetch their descriptors: by file name, by symbol,
// by extension (containing type and number), and the extension numbers of
// a message.
//
// Descriptors come from protobuf's global registry, where every
// protoc-gen-go file registers itself: a service whose .pb.go is linked in
// is described. The reflection messages are built from their descriptor at
// init (dynamicpb), so the package links no grpc-go.
//
// # Experimental
//
// The API may change before the first release.
package reflection

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
)

// Services lists what a server serves: a volo gRPC server
// (*server.Server) is one.
type Services interface {
	RegisterService(desc *grpc.ServiceDesc, impl any) error
	Services() []*grpc.ServiceDesc
}

// The full names of the two versions of the service.
const (
	ServiceName        = "grpc.reflection.v1.ServerReflection"
	ServiceNameV1Alpha = "grpc.reflection.v1alpha.ServerReflection"
)

// Register adds server reflection (v1 and v1alpha) to srv, describing the
// services registered on it at the time of each request.
func Register(srv Services) error {
	for _, v := range []*version{v1, v1alpha} {
		if err := srv.RegisterService(v.serviceDesc(), &handler{srv: srv, v: v}); err != nil {
			return err
		}
	}
	return nil
}

// version is one package's reflection messages.
type version struct {
	pkg                                        string
	req, resp, fdResp, listResp, svcResp, errR protoreflect.MessageDescriptor
	extReq, extResp                            protoreflect.MessageDescriptor
}

var v1, v1alpha = newVersion("grpc.reflection.v1"), newVersion("grpc.reflection.v1alpha")

func newVersion(pkg string) *version {
	s := proto.String
	opt := descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum()
	rep := descriptorpb.FieldDescriptorProto_LABEL_REPEATED.Enum()
	str := descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum()
	msg := descriptorpb.FieldDescriptorProto_TYPE_MESSAGE.Enum()
	field := func(name string, n int32, label *descriptorpb.FieldDescriptorProto_Label, t *descriptorpb.FieldDescriptorProto_Type, typeName string, oneof *int32) *descriptorpb.FieldDescriptorProto {
		f := &descriptorpb.FieldDescriptorProto{Name: s(name), JsonName: s(name), Number: proto.Int32(n), Label: label, Type: t, OneofIndex: oneof}
		if typeName != "" {
			f.TypeName = s("." + pkg + "." + typeName)
		}
		return f
	}
	zero := proto.Int32(0)
	fd := &descriptorpb.FileDescriptorProto{
		Name:    s(pkg + "/reflection.proto"),
		Package: s(pkg),
		Syntax:  s("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{
			{Name: s("ServerReflectionRequest"), Field: []*descriptorpb.FieldDescriptorProto{
				field("host", 1, opt, str, "", nil),
				field("file_by_filename", 3, opt, str, "", zero),
				field("file_containing_symbol", 4, opt, str, "", zero),
				field("file_containing_extension", 5, opt, msg, "ExtensionRequest", zero),
				field("all_extension_numbers_of_type", 6, opt, str, "", zero),
				field("list_services", 7, opt, str, "", zero),
			}, OneofDecl: []*descriptorpb.OneofDescriptorProto{{Name: s("message_request")}}},
			{Name: s("ExtensionRequest"), Field: []*descriptorpb.FieldDescriptorProto{
				field("containing_type", 1, opt, str, "", nil),
				field("extension_number", 2, opt, descriptorpb.FieldDescriptorProto_TYPE_INT32.Enum(), "", nil),
			}},
			{Name: s("ServerReflectionResponse"), Field: []*descriptorpb.FieldDescriptorProto{
				field("valid_host", 1, opt, str, "", nil),
				field("original_request", 2, opt, msg, "ServerReflectionRequest", nil),
				field("file_descriptor_response", 4, opt, msg, "FileDescriptorResponse", zero),
				field("all_extension_numbers_response", 5, opt, msg, "ExtensionNumberResponse", zero),
				field("list_services_response", 6, opt, msg, "ListServiceResponse", zero),
				field("error_response", 7, opt, msg, "ErrorResponse", zero),
			}, OneofDecl: []*descriptorpb.OneofDescriptorProto{{Name: s("message_response")}}},
			{Name: s("FileDescriptorResponse"), Field: []*descriptorpb.FieldDescriptorProto{
				field("file_descriptor_proto", 1, rep, descriptorpb.FieldDescriptorProto_TYPE_BYTES.Enum(), "", nil),
			}},
			{Name: s("ExtensionNumberResponse"), Field: []*descriptorpb.FieldDescriptorProto{
				field("base_type_name", 1, opt, str, "", nil),
				field("extension_number", 2, rep, descriptorpb.FieldDescriptorProto_TYPE_INT32.Enum(), "", nil),
			}},
			{Name: s("ListServiceResponse"), Field: []*descriptorpb.FieldDescriptorProto{
				field("service", 1, rep, msg, "ServiceResponse", nil),
			}},
			{Name: s("ServiceResponse"), Field: []*descriptorpb.FieldDescriptorProto{
				field("name", 1, opt, str, "", nil),
			}},
			{Name: s("ErrorResponse"), Field: []*descriptorpb.FieldDescriptorProto{
				field("error_code", 1, opt, descriptorpb.FieldDescriptorProto_TYPE_INT32.Enum(), "", nil),
				field("error_message", 2, opt, str, "", nil),
			}},
		},
	}
	f, err := protodesc.NewFile(fd, new(protoregistry.Files))
	if err != nil {
		panic("reflection: " + err.Error())
	}
	m := f.Messages()
	return &version{pkg: pkg,
		req: m.ByName("ServerReflectionRequest"), resp: m.ByName("ServerReflectionResponse"),
		fdResp: m.ByName("FileDescriptorResponse"), listResp: m.ByName("ListServiceResponse"),
		svcResp: m.ByName("ServiceResponse"), errR: m.ByName("ErrorResponse"),
		extReq: m.ByName("ExtensionRequest"), extResp: m.ByName("ExtensionNumberResponse")}
}

func (v *version) serviceDesc() *grpc.ServiceDesc {
	return &grpc.ServiceDesc{
		Name: v.pkg + ".ServerReflection",
		Streams: []*grpc.StreamDesc{{
			Name:        "ServerReflectionInfo",
			Kind:        grpc.BidiStreaming,
			NewRequest:  func() proto.Message { return dynamicpb.NewMessage(v.req) },
			NewResponse: func() proto.Message { return dynamicpb.NewMessage(v.resp) },
			Handler: func(impl any, stream grpc.ServerStream) error {
				h, ok := impl.(*handler)
				if !ok {
					return grpc.ErrHandlerMismatch
				}
				return h.serve(stream)
			},
		}},
	}
}

type handler struct {
	srv Services
	v   *version
}

func (h *handler) serve(stream grpc.ServerStream) error {
	v := h.v
	for {
		req := dynamicpb.NewMessage(v.req)
		if err := stream.RecvMsg(req); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		resp := dynamicpb.NewMessage(v.resp)
		rf := v.resp.Fields()
		resp.Set(rf.ByName("valid_host"), req.Get(v.req.Fields().ByName("host")))
		resp.Set(rf.ByName("original_request"), protoreflect.ValueOfMessage(req))
		h.answer(stream.Context(), req, resp)
		if err := stream.SendMsg(resp); err != nil {
			return err
		}
	}
}

// answer fills resp's message_response for req.
func (h *handler) answer(_ context.Context, req, resp *dynamicpb.Message) {
	v := h.v
	qf, rf := v.req.Fields(), v.resp.Fields()
	fail := func(code volo.Code, msg string) {
		e := dynamicpb.NewMessage(v.errR)
		e.Set(v.errR.Fields().ByName("error_code"), protoreflect.ValueOfInt32(int32(code)))
		e.Set(v.errR.Fields().ByName("error_message"), protoreflect.ValueOfString(msg))
		resp.Set(rf.ByName("error_response"), protoreflect.ValueOfMessage(e))
	}
	files := func(fd protoreflect.FileDescriptor) {
		out := dynamicpb.NewMessage(v.fdResp)
		list := out.Mutable(v.fdResp.Fields().ByName("file_descriptor_proto")).List()
		seen := map[string]bool{}
		var add func(fd protoreflect.FileDescriptor)
		add = func(fd protoreflect.FileDescriptor) {
			if seen[fd.Path()] {
				return
			}
			seen[fd.Path()] = true
			b, err := proto.Marshal(protodesc.ToFileDescriptorProto(fd))
			if err != nil {
				return
			}
			list.Append(protoreflect.ValueOfBytes(b))
			imps := fd.Imports()
			for i := range imps.Len() {
				add(imps.Get(i).FileDescriptor)
			}
		}
		add(fd)
		resp.Set(rf.ByName("file_descriptor_response"), protoreflect.ValueOfMessage(out))
	}
	switch {
	case req.Has(qf.ByName("list_services")):
		out := dynamicpb.NewMessage(v.listResp)
		list := out.Mutable(v.listResp.Fields().ByName("service")).List()
		var names []string
		for _, d := range h.srv.Services() {
			names = append(names, d.Name)
		}
		sort.Strings(names)
		for _, n := range names {
			sr := dynamicpb.NewMessage(v.svcResp)
			sr.Set(v.svcResp.Fields().ByName("name"), protoreflect.ValueOfString(n))
			list.Append(protoreflect.ValueOfMessage(sr))
		}
		resp.Set(rf.ByName("list_services_response"), protoreflect.ValueOfMessage(out))
	case req.Has(qf.ByName("file_by_filename")):
		fd, err := protoregistry.GlobalFiles.FindFileByPath(req.Get(qf.ByName("file_by_filename")).String())
		if err != nil {
			fail(volo.CodeNotFound, err.Error())
			return
		}
		files(fd)
	case req.Has(qf.ByName("file_containing_symbol")):
		name := protoreflect.FullName(req.Get(qf.ByName("file_containing_symbol")).String())
		d, err := protoregistry.GlobalFiles.FindDescriptorByName(name)
		if err != nil {
			fail(volo.CodeNotFound, err.Error())
			return
		}
		files(d.ParentFile())
	case req.Has(qf.ByName("file_containing_extension")):
		x := req.Get(qf.ByName("file_containing_extension")).Message()
		xf := v.extReq.Fields()
		base := protoreflect.FullName(x.Get(xf.ByName("containing_type")).String())
		n := protoreflect.FieldNumber(x.Get(xf.ByName("extension_number")).Int())
		xt, err := protoregistry.GlobalTypes.FindExtensionByNumber(base, n)
		if err != nil {
			fail(volo.CodeNotFound, fmt.Sprintf("extension %d of %s: %v", n, base, err))
			return
		}
		files(xt.TypeDescriptor().ParentFile())
	case req.Has(qf.ByName("all_extension_numbers_of_type")):
		base := protoreflect.FullName(req.Get(qf.ByName("all_extension_numbers_of_type")).String())
		if d, err := protoregistry.GlobalFiles.FindDescriptorByName(base); err != nil {
			fail(volo.CodeNotFound, err.Error())
			return
		} else if _, ok := d.(protoreflect.MessageDescriptor); !ok {
			fail(volo.CodeNotFound, string(base)+" is not a message type")
			return
		}
		var nums []int
		protoregistry.GlobalTypes.RangeExtensionsByMessage(base, func(xt protoreflect.ExtensionType) bool {
			nums = append(nums, int(xt.TypeDescriptor().Number()))
			return true
		})
		sort.Ints(nums)
		out := dynamicpb.NewMessage(v.extResp)
		ef := v.extResp.Fields()
		out.Set(ef.ByName("base_type_name"), protoreflect.ValueOfString(string(base)))
		list := out.Mutable(ef.ByName("extension_number")).List()
		for _, n := range nums {
			list.Append(protoreflect.ValueOfInt32(int32(n)))
		}
		resp.Set(rf.ByName("all_extension_numbers_response"), protoreflect.ValueOfMessage(out))
	default:
		fail(volo.CodeUnimplemented, "volo: this reflection request is not supported")
	}
}
