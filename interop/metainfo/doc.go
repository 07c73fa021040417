// Package metainfo checks volo's metainfo against bytedance/gopkg's
// cloud/metainfo, which Kitex uses: values written by either library are
// read back by the other, over the string maps of TTHeader and over HTTP
// headers, across two hops. Its benchmarks run both libraries side by
// side.
package metainfo
