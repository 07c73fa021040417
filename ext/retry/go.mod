module github.com/govolo/volo/ext/retry

go 1.25.0

require (
	github.com/govolo/volo/metainfo v0.1.0
	github.com/govolo/volo/motore v0.1.0
	github.com/stretchr/testify v1.12.1
	go.uber.org/goleak v1.3.0
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect

replace github.com/govolo/volo/motore => ../../motore

replace github.com/govolo/volo/metainfo => ../../metainfo
