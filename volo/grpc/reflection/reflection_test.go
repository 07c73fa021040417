package reflection_test

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	vgrpc "github.com/govolo/volo/volo/grpc"
	"github.com/govolo/volo/volo/grpc/reflection"
	"github.com/govolo/volo/volo/grpc/server"
	"go.uber.org/goleak"
	ggrpc "google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	_ "google.golang.org/grpc/interop/grpc_testing" // registers test.proto's descriptors
	rpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
	_ "google.golang.org/protobuf/types/gofeaturespb" // registers extension 1002 of google.protobuf.FeatureSet
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// serve starts a volo server with reflection and a (method-less)
// grpc.testing.TestService, and returns a grpc-go reflection stream.
func serve(t testing.TB) (rpb.ServerReflection_ServerReflectionInfoClient, func()) {
	srv, err := server.New()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.RegisterService(&vgrpc.ServiceDesc{Name: "grpc.testing.TestService"}, struct{}{}); err != nil {
		t.Fatal(err)
	}
	if err := reflection.Register(srv); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	cc, err := ggrpc.NewClient(ln.Addr().String(), ggrpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	st, err := rpb.NewServerReflectionClient(cc).ServerReflectionInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return st, func() { cancel(); cc.Close(); srv.Close() }
}

func ask(t testing.TB, st rpb.ServerReflection_ServerReflectionInfoClient, req *rpb.ServerReflectionRequest) *rpb.ServerReflectionResponse {
	if err := st.Send(req); err != nil {
		t.Fatal(err)
	}
	resp, err := st.Recv()
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestListServicesFromGRPCGo(t *testing.T) {
	st, stop := serve(t)
	defer stop()
	resp := ask(t, st, &rpb.ServerReflectionRequest{MessageRequest: &rpb.ServerReflectionRequest_ListServices{}})
	var names []string
	for _, s := range resp.GetListServicesResponse().GetService() {
		names = append(names, s.Name)
	}
	want := []string{"grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection", "grpc.testing.TestService"}
	if fmt.Sprint(names) != fmt.Sprint(want) {
		t.Errorf("services %v, want %v", names, want)
	}
}

func TestFileContainingSymbolFromGRPCGo(t *testing.T) {
	st, stop := serve(t)
	defer stop()
	resp := ask(t, st, &rpb.ServerReflectionRequest{MessageRequest: &rpb.ServerReflectionRequest_FileContainingSymbol{FileContainingSymbol: "grpc.testing.TestService"}})
	files := resp.GetFileDescriptorResponse().GetFileDescriptorProto()
	if len(files) == 0 {
		t.Fatalf("no files: %v", resp)
	}
	var first descriptorpb.FileDescriptorProto
	if err := proto.Unmarshal(files[0], &first); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range first.GetService() {
		found = found || s.GetName() == "TestService"
	}
	if !found || len(files) < 2 {
		t.Errorf("file %s with %d files in all", first.GetName(), len(files))
	}
	resp = ask(t, st, &rpb.ServerReflectionRequest{MessageRequest: &rpb.ServerReflectionRequest_FileContainingSymbol{FileContainingSymbol: "no.such.Symbol"}})
	if resp.GetErrorResponse().GetErrorCode() != 5 {
		t.Errorf("unknown symbol: %v", resp)
	}
}

// The extension queries, as grpcurl sends them: the file that declares an
// extension, and the extension numbers of a message.
func TestExtensionsFromGRPCGo(t *testing.T) {
	st, stop := serve(t)
	defer stop()
	resp := ask(t, st, &rpb.ServerReflectionRequest{MessageRequest: &rpb.ServerReflectionRequest_FileContainingExtension{
		FileContainingExtension: &rpb.ExtensionRequest{ContainingType: "google.protobuf.FeatureSet", ExtensionNumber: 1002}}})
	files := resp.GetFileDescriptorResponse().GetFileDescriptorProto()
	if len(files) == 0 {
		t.Fatalf("no files: %v", resp)
	}
	var first descriptorpb.FileDescriptorProto
	if err := proto.Unmarshal(files[0], &first); err != nil {
		t.Fatal(err)
	}
	if first.GetName() != "google/protobuf/go_features.proto" {
		t.Errorf("extension 1002 of FeatureSet is in %s", first.GetName())
	}
	resp = ask(t, st, &rpb.ServerReflectionRequest{MessageRequest: &rpb.ServerReflectionRequest_FileContainingExtension{
		FileContainingExtension: &rpb.ExtensionRequest{ContainingType: "google.protobuf.FeatureSet", ExtensionNumber: 999999}}})
	if resp.GetErrorResponse().GetErrorCode() != 5 {
		t.Errorf("unknown extension: %v", resp)
	}

	resp = ask(t, st, &rpb.ServerReflectionRequest{MessageRequest: &rpb.ServerReflectionRequest_AllExtensionNumbersOfType{AllExtensionNumbersOfType: "google.protobuf.FeatureSet"}})
	nums := resp.GetAllExtensionNumbersResponse()
	found := false
	for _, n := range nums.GetExtensionNumber() {
		found = found || n == 1002
	}
	if nums.GetBaseTypeName() != "google.protobuf.FeatureSet" || !found {
		t.Errorf("extension numbers: %v", resp)
	}
	for _, name := range []string{"no.such.Type", "grpc.testing.TestService"} {
		resp = ask(t, st, &rpb.ServerReflectionRequest{MessageRequest: &rpb.ServerReflectionRequest_AllExtensionNumbersOfType{AllExtensionNumbersOfType: name}})
		if resp.GetErrorResponse().GetErrorCode() != 5 {
			t.Errorf("%s: %v", name, resp)
		}
	}
}
