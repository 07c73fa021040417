module github.com/govolo/volo/cmd/volo

go 1.25.0

require (
	github.com/govolo/volo/pilota v0.1.0
	github.com/govolo/volo/pilota/pbgen v0.1.0
	github.com/stretchr/testify v1.12.1
	go.uber.org/goleak v1.3.0
	go.yaml.in/yaml/v3 v3.0.5
)

require (
	github.com/bufbuild/protocompile v0.14.1 // indirect
	golang.org/x/sync v0.8.0 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
)

replace github.com/govolo/volo/pilota => ../../pilota

replace github.com/govolo/volo/pilota/pbgen => ../../pilota/pbgen
