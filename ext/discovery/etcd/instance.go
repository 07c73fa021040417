package etcd

import (
	"encoding/json"
	"fmt"

	"github.com/govolo/volo/ext/discovery"
)

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
		return discovery.Instance{}, fmt.Errorf("etcd: bad instance at %s: %w", key, err)
	}
	if r.Addr == "" {
		return discovery.Instance{}, fmt.Errorf("etcd: instance at %s has no address", key)
	}
	return discovery.Instance{Addr: r.Addr, Weight: r.Weight, Tags: r.Tags}, nil
}
