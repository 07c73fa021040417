module github.com/govolo/volo/interop/conformance

go 1.26.0

replace github.com/govolo/volo/volo/grpc => ../../volo/grpc

replace github.com/govolo/volo/volo => ../../volo

replace github.com/govolo/volo/motore => ../../motore

replace github.com/govolo/volo/metainfo => ../../metainfo

replace github.com/govolo/volo/ext/discovery => ../../ext/discovery

require (
	github.com/govolo/volo/volo v0.1.0
	github.com/govolo/volo/volo/grpc v0.0.0-00010101000000-000000000000
	google.golang.org/protobuf v1.36.12
)

require (
	github.com/govolo/volo/ext/discovery v0.1.0 // indirect
	github.com/govolo/volo/metainfo v0.1.0 // indirect
	github.com/govolo/volo/motore v0.1.0 // indirect
	golang.org/x/net v0.60.0 // indirect
	golang.org/x/text v0.42.0 // indirect
)
