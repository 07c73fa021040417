module github.com/govolo/volo/cmd/volo

go 1.25.0

require (
	github.com/govolo/volo/pilota v0.1.0
	github.com/stretchr/testify v1.12.1
	go.uber.org/goleak v1.3.0
	go.yaml.in/yaml/v3 v3.0.5
)

replace github.com/govolo/volo/pilota => ../../pilota
