module github.com/govolo/volo/interop/grpc

go 1.26.0

replace github.com/govolo/volo/volo/grpc => ../../volo/grpc

replace github.com/govolo/volo/volo => ../../volo

replace github.com/govolo/volo/motore => ../../motore

replace github.com/govolo/volo/metainfo => ../../metainfo

replace github.com/govolo/volo/ext/discovery => ../../ext/discovery

require (
	github.com/govolo/volo/pilota/pbgen v0.1.0
	github.com/govolo/volo/volo v0.1.0
	github.com/govolo/volo/volo/grpc v0.1.0
	go.uber.org/goleak v1.3.0
	google.golang.org/grpc v1.85.0
	google.golang.org/protobuf v1.36.12
)

require (
	cloud.google.com/go/compute/metadata v0.9.0 // indirect
	github.com/bufbuild/protocompile v0.14.1 // indirect
	github.com/cncf/xds/go v0.0.0-20260202195803-dba9d589def2 // indirect
	github.com/envoyproxy/protoc-gen-validate v1.3.3 // indirect
	github.com/govolo/volo/ext/discovery v0.1.0 // indirect
	github.com/govolo/volo/metainfo v0.1.0 // indirect
	github.com/govolo/volo/motore v0.1.0 // indirect
	golang.org/x/net v0.60.0 // indirect
	golang.org/x/oauth2 v0.36.0 // indirect
	golang.org/x/sync v0.23.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
	golang.org/x/text v0.42.0 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20260817212433-ac3dfec99bb1 // indirect
)

replace github.com/govolo/volo/pilota/pbgen => ../../pilota/pbgen
