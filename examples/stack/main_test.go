package main

import (
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/govolo/volo/examples/internal/scenario/scenariotest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// TestStackOverEtcd runs the scenario over an embedded etcd and checks it,
// and the /metrics endpoint scraped once and parsed.
func TestStackOverEtcd(t *testing.T) {
	var out strings.Builder
	res, err := run(&out, "")
	require.NoError(t, err)
	t.Log("\n" + out.String())
	scenariotest.Check(t, res.report, out.String())
	assert.Contains(t, out.String(), "discovery: embedded etcd at 127.0.0.1:")

	count := func(name string) uint64 {
		f := res.families[name]
		require.NotNil(t, f, "family %s scraped", name)
		assert.Equal(t, dto.MetricType_HISTOGRAM, f.GetType())
		var n uint64
		for _, m := range f.GetMetric() {
			n += m.GetHistogram().GetSampleCount()
		}
		return n
	}
	assert.Equal(t, res.report.Histograms["rpc.client.call.duration"], count("rpc_client_call_duration_seconds"))
	assert.Equal(t, res.report.Histograms["rpc.server.call.duration"], count("rpc_server_call_duration_seconds"))
	labels := map[string]bool{}
	for _, m := range res.families["rpc_client_call_duration_seconds"].GetMetric() {
		for _, l := range m.GetLabel() {
			labels[l.GetName()+"="+l.GetValue()] = true
		}
	}
	assert.True(t, labels["rpc_system_name=thrift"], "labels: %v", labels)
	assert.True(t, labels["rpc_response_status_code=resource_exhausted"], "the burst's rejections are measured: %v", labels)
}
