package tracing

import (
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// maxSeries bounds the attribute sets a layer remembers. Past it, calls in
// new series still record, building their set each time.
const maxSeries = 1024

// series remembers the record options of each metric series a layer has
// seen, so that a call in a known series builds no attribute set: that
// costs the SDK path three allocations and a sort.
type series struct {
	static []attribute.KeyValue // WithMetricAttributes
	peer   bool                 // WithPeerServiceMetrics

	mu   sync.RWMutex
	opts map[seriesKey][]metric.RecordOption
}

// seriesKey is what tells two series apart: the call's metric attributes.
// It is comparable, so a lookup allocates nothing.
type seriesKey struct {
	system, method, serverAddress, peerService string
	serverPort                                 int
	outcome                                    outcome
}

func newSeries(c *config) *series {
	return &series{static: c.metricAttrs, peer: c.peerMetrics, opts: make(map[seriesKey][]metric.RecordOption)}
}

// options returns the record options of the call's series.
func (s *series) options(info *CallInfo, method string, o outcome) []metric.RecordOption {
	k := seriesKey{
		system:        info.System,
		method:        method,
		serverAddress: info.ServerAddress,
		serverPort:    info.ServerPort,
		outcome:       o,
	}
	if s.peer {
		k.peerService = info.PeerService
	}
	s.mu.RLock()
	opts, ok := s.opts[k]
	s.mu.RUnlock()
	if ok {
		return opts
	}
	var buf [10]attribute.KeyValue
	kvs := info.metricAttrs(buf[:0], method, s.peer)
	kvs = o.appendTo(kvs)
	kvs = append(kvs, s.static...)
	opts = []metric.RecordOption{metric.WithAttributeSet(attribute.NewSet(kvs...))}
	s.mu.Lock()
	if len(s.opts) < maxSeries {
		s.opts[k] = opts
	}
	s.mu.Unlock()
	return opts
}
