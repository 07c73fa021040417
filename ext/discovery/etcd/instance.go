package etcd

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/govolo/volo/ext/discovery"
)

// ErrBadInstance is wrapped by the error reported, through the error
// handler, for a value under a service's prefix that is not an instance:
// not JSON of the stored form, or without an address. The value is skipped;
// an instance already known at that key stays.
var ErrBadInstance = errors.New("etcd: bad instance")

// record is the stored form of an instance.
type record struct {
	Addr   string            `json:"addr"`
	Weight int               `json:"weight,omitempty"`
	Tags   map[string]string `json:"tags,omitempty"`
}

func encode(in discovery.Instance) (string, error) {
	b, err := json.Marshal(record{Addr: in.Addr, Weight: in.Weight, Tags: in.Tags})
	return string(b), err
}

func decode(key string, value []byte) (discovery.Instance, error) {
	var r record
	if err := json.Unmarshal(value, &r); err != nil {
		return discovery.Instance{}, fmt.Errorf("%w at %q: %w", ErrBadInstance, key, err)
	}
	if r.Addr == "" {
		return discovery.Instance{}, fmt.Errorf("%w at %q: no address", ErrBadInstance, key)
	}
	return discovery.Instance{Addr: r.Addr, Weight: r.Weight, Tags: r.Tags}, nil
}
