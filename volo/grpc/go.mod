module github.com/govolo/volo/volo/grpc

go 1.26.0

require (
	github.com/govolo/volo/ext/discovery v0.1.0
	github.com/govolo/volo/metainfo v0.1.0
	github.com/govolo/volo/motore v0.1.0
	github.com/govolo/volo/volo v0.1.0
	go.uber.org/goleak v1.3.0
	golang.org/x/net v0.60.0
	google.golang.org/grpc v1.85.0
	google.golang.org/protobuf v1.36.12
)

require (
	golang.org/x/sys v0.48.0 // indirect
	golang.org/x/text v0.42.0 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20260817212433-ac3dfec99bb1 // indirect
)

replace github.com/govolo/volo/volo => ../

replace github.com/govolo/volo/motore => ../../motore

replace github.com/govolo/volo/metainfo => ../../metainfo

replace github.com/govolo/volo/ext/discovery => ../../ext/discovery
