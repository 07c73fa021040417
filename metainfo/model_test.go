package metainfo_test

import (
	"context"
	"maps"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/metainfo"
)

// model is the obvious implementation of forward values: three maps.
type model struct {
	persistent, transient, upstream map[string]string
}

func (m model) clone() model {
	return model{maps.Clone(m.persistent), maps.Clone(m.transient), maps.Clone(m.upstream)}
}

func (m model) values() map[string]string {
	all := maps.Clone(m.upstream)
	maps.Copy(all, m.transient)
	return all
}

// TestAgainstModel applies random operations to a context and to the
// model, and checks after each that they agree, and at the end that no
// earlier context changed. Long chains exercise the compaction of nodes.
func TestAgainstModel(t *testing.T) {
	var codec metainfo.Codec
	for seed := range uint64(50) {
		rng := rand.New(rand.NewPCG(seed, seed))
		key := func() string { return "k" + strconv.Itoa(rng.IntN(12)) }
		ctx := context.Background()
		m := model{map[string]string{}, map[string]string{}, map[string]string{}}
		type snapshot struct {
			ctx context.Context
			m   model
		}
		var history []snapshot
		for step := range 200 {
			k, v := key(), "v"+strconv.Itoa(step)
			switch op := rng.IntN(9); op {
			case 0, 1:
				ctx = metainfo.WithValue(ctx, k, v)
				m.transient[k] = v
				delete(m.upstream, k)
			case 2, 3:
				ctx = metainfo.WithPersistentValue(ctx, k, v)
				m.persistent[k] = v
			case 4:
				ctx = metainfo.DelValue(ctx, k)
				delete(m.transient, k)
				delete(m.upstream, k)
			case 5:
				ctx = metainfo.DelPersistentValue(ctx, k)
				delete(m.persistent, k)
			case 6:
				ctx = metainfo.TransferForward(ctx)
				m.upstream, m.transient = m.transient, map[string]string{}
			case 7:
				k2 := key()
				ctx = metainfo.WithValues(ctx, k, v, k2, v+"b")
				for _, kv := range [][2]string{{k, v}, {k2, v + "b"}} {
					m.transient[kv[0]] = kv[1]
					delete(m.upstream, kv[0])
				}
			case 8:
				k2 := key()
				ctx = metainfo.WithPersistentValues(ctx, k, v, k2, v+"b")
				m.persistent[k] = v
				m.persistent[k2] = v + "b"
			}
			if rng.IntN(10) == 0 {
				// Another context layer in between must change nothing.
				ctx = context.WithValue(ctx, struct{ n int }{step}, step)
			}
			checkModel(t, codec, ctx, m)
			history = append(history, snapshot{ctx, m.clone()})
		}
		for _, s := range history {
			checkModel(t, codec, s.ctx, s.m)
		}
	}
}

// TestAgainstModelWithDecoding mixes decoding into a context that already
// carries values with local changes: received persistent values replace
// local ones of the same key, received transient values replace local
// transient and upstream ones, and everything else stays.
func TestAgainstModelWithDecoding(t *testing.T) {
	var codec metainfo.Codec
	for seed := range uint64(100) {
		rng := rand.New(rand.NewPCG(seed, seed+7))
		key := func() string { return "k" + strconv.Itoa(rng.IntN(8)) }
		ctx := context.Background()
		m := model{map[string]string{}, map[string]string{}, map[string]string{}}
		for step := range 150 {
			k, v := key(), "v"+strconv.Itoa(step)
			switch op := rng.IntN(8); op {
			case 0:
				ctx = metainfo.WithValue(ctx, k, v)
				m.transient[k] = v
				delete(m.upstream, k)
			case 1:
				ctx = metainfo.WithPersistentValue(ctx, k, v)
				m.persistent[k] = v
			case 2:
				ctx = metainfo.DelValue(ctx, k)
				delete(m.transient, k)
				delete(m.upstream, k)
			case 3:
				ctx = metainfo.DelPersistentValue(ctx, k)
				delete(m.persistent, k)
			case 4:
				ctx = metainfo.TransferForward(ctx)
				m.upstream, m.transient = m.transient, map[string]string{}
			case 5, 6:
				wire := map[string]string{}
				n := rng.IntN(5)
				for i := range n {
					kk := key()
					vv := v + "w" + strconv.Itoa(i)
					switch rng.IntN(3) {
					case 0:
						wire[metainfo.PrefixPersistent+kk] = vv
					case 1:
						wire[metainfo.PrefixTransient+kk] = vv
					case 2:
						wire[metainfo.PrefixTransientUpstream+kk] = vv
					}
				}
				nctx, err := codec.FromMap(ctx, wire)
				if err != nil {
					// Only a key sent both as transient and upstream.
					require.ErrorIs(t, err, metainfo.ErrKeyCollision)
					require.Equal(t, ctx, nctx)
					continue
				}
				ctx = nctx
				for wk, wv := range wire {
					if kk, ok := strings.CutPrefix(wk, metainfo.PrefixPersistent); ok {
						m.persistent[kk] = wv
						continue
					}
					kk, ok := strings.CutPrefix(wk, metainfo.PrefixTransientUpstream)
					if !ok {
						kk = strings.TrimPrefix(wk, metainfo.PrefixTransient)
					}
					delete(m.transient, kk)
					m.upstream[kk] = wv
				}
			case 7:
				ctx = metainfo.WithValues(ctx, k, v)
				m.transient[k] = v
				delete(m.upstream, k)
			}
			checkModel(t, codec, ctx, m)
		}
	}
}

func checkModel(t *testing.T, codec metainfo.Codec, ctx context.Context, m model) {
	t.Helper()
	require.Equal(t, orNil(m.persistent), metainfo.GetAllPersistentValues(ctx))
	require.Equal(t, orNil(m.values()), metainfo.GetAllValues(ctx))
	require.Equal(t, len(m.persistent), metainfo.CountPersistentValues(ctx))
	require.Equal(t, len(m.transient)+len(m.upstream), metainfo.CountValues(ctx))
	for k, v := range m.values() {
		got, ok := metainfo.GetValue(ctx, k)
		require.True(t, ok)
		require.Equal(t, v, got)
	}
	wire := map[string]string{}
	require.NoError(t, codec.ToMap(ctx, wire))
	want := map[string]string{}
	for k, v := range m.persistent {
		want[metainfo.PrefixPersistent+k] = v
	}
	for k, v := range m.transient {
		want[metainfo.PrefixTransient+k] = v
	}
	require.Equal(t, want, wire, "only persistent and own transient values are sent")
}

func orNil(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}
