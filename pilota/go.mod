module github.com/govolo/volo/pilota

go 1.25.0
