module github.com/govolo/volo/interop

go 1.26

require (
	github.com/apache/thrift v0.25.0
	github.com/bytedance/gopkg v0.1.4
	github.com/cloudwego/gopkg v0.1.4
	github.com/govolo/volo/metainfo v0.1.0
	github.com/govolo/volo/pilota v0.1.0
	github.com/govolo/volo/volo v0.1.0
	github.com/stretchr/testify v1.12.1
	go.uber.org/goleak v1.3.0
)

require (
	github.com/govolo/volo/ext/discovery v0.1.0 // indirect
	github.com/govolo/volo/motore v0.1.0 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)

replace github.com/govolo/volo/metainfo => ../metainfo

replace github.com/govolo/volo/volo => ../volo

replace github.com/govolo/volo/motore => ../motore

replace github.com/govolo/volo/ext/discovery => ../ext/discovery

replace github.com/govolo/volo/pilota => ../pilota
